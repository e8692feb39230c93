// The object path of a value: the dict keys and list indices from the root.
// It names external members ("container/0/x.npy"), fills externals_info
// paths, and locates errors as JSON pointers ("/container/0/x").
#pragma once

#include <charconv>
#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include <zanj/detail/json_pointer.hpp>
#include <zanj/value.hpp>

namespace zanj::detail {

using path_element = std::variant<std::string, std::size_t>;

class object_path {
 public:
  void push(std::string key) { elements_.emplace_back(std::move(key)); }
  void push(std::size_t index) { elements_.emplace_back(index); }
  void pop() { elements_.pop_back(); }
  bool empty() const noexcept { return elements_.empty(); }
  const std::vector<path_element>& elements() const noexcept { return elements_; }

  /// RFC 6901 JSON pointer: "/container/2/c", "" for the root.
  std::string pointer() const {
    std::string out;
    for (auto& e : elements_) {
      if (auto* key = std::get_if<std::string>(&e))
        append_pointer_token(out, *key);
      else
        out += '/' + std::to_string(std::get<std::size_t>(e));
    }
    return out;
  }

  /// The reference's member stem: elements joined with '/', keys verbatim.
  std::string member_stem() const {
    std::string out;
    for (std::size_t i = 0; i < elements_.size(); ++i) {
      const path_element& e = elements_[i];
      if (i > 0) out += '/';
      if (auto* key = std::get_if<std::string>(&e))
        out += *key;
      else
        out += std::to_string(std::get<std::size_t>(e));
    }
    return out;
  }

  /// The path as externals_info stores it: strings for keys, ints for indices.
  value to_value() const {
    list out;
    out.reserve(elements_.size());
    for (auto& e : elements_) {
      if (auto* key = std::get_if<std::string>(&e))
        out.emplace_back(*key);
      else
        out.emplace_back(static_cast<std::uint64_t>(std::get<std::size_t>(e)));
    }
    return out;
  }

 private:
  std::vector<path_element> elements_;
};

/// Pushes a path element for the lifetime of the guard.
template <class Context>
class path_guard {
 public:
  path_guard(Context& ctx, std::string key) : path_(ctx.path) { path_.push(std::move(key)); }
  path_guard(Context& ctx, std::size_t index) : path_(ctx.path) { path_.push(index); }
  path_guard(const path_guard&) = delete;
  path_guard& operator=(const path_guard&) = delete;
  ~path_guard() { path_.pop(); }

 private:
  object_path& path_;
};

}  // namespace zanj::detail
