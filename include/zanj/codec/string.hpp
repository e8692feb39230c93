// std::string (and, for saving only, string views and C strings), and
// std::filesystem::path as its POSIX-style string.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <zanj/codec/codec.hpp>

namespace zanj::detail {

template <class T>
struct codec<T, family::string> {
  static value save(const T& v, save_context&) { return value(std::string(std::string_view(v))); }
  static void load(const value& node, load_context& ctx, T& out)
    requires std::same_as<T, std::string>
  {
    if (!node.is_string()) ctx.mismatch("string", node);
    out = node.as_string();
  }
};

template <>
struct codec<std::filesystem::path, family::filesystem_path> {
  static value save(const std::filesystem::path& p, save_context&) { return value(p.generic_string()); }
  static void load(const value& node, load_context& ctx, std::filesystem::path& out) {
    if (!node.is_string()) ctx.mismatch("string (a path)", node);
    out = std::filesystem::path(node.as_string());
  }
};

}  // namespace zanj::detail
