// zanj::read: load a .zanj file into a C++ type.
#pragma once

#include <concepts>
#include <filesystem>
#include <string>

#include <zanj/codec/dispatch.hpp>
#include <zanj/detail/format_names.hpp>
#include <zanj/detail/zip_reader.hpp>
#include <zanj/error.hpp>
#include <zanj/json.hpp>
#include <zanj/options.hpp>

namespace zanj {

namespace detail {

/// Parses one JSON member of the archive, within the reader's limits.
inline value read_json_member(const zip_reader& zip, std::string_view name, const std::filesystem::path& file) {
  const zip_entry* entry = zip.find(name);
  if (!entry) throw error("not a zanj archive: no member '" + std::string(name) + "'", file, "", std::string(name));
  try {
    const auto content = zip.read_buffer(*entry);
    const auto bytes = content.bytes();
    return json::parse(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), zip.limits());
  } catch (const error& e) {
    throw e.with_context(file, "", std::string(name));
  }
}

}  // namespace detail

/// Reads `path` into a T. Every form the Python reference writes for a value
/// is accepted (a plain list or an array object or an external member for a
/// vector, a dict or a dataclass object for a struct...). `zanj::read<zanj::value>`
/// returns the whole document with every external resolved. Reading stays
/// within `opts.limits` (zanj/limits.hpp).
template <class T>
T read(const std::filesystem::path& path, const options& opts = {}) {
  detail::zip_reader zip(path, opts.limits);
  value document = detail::read_json_member(zip, detail::main_member, path);
  detail::load_context ctx(&zip, path, opts);
  return detail::load_new<T>(document, ctx);
}

/// Reads the metadata member (__zanj_meta__.json) of a file; only
/// `opts.limits` matters here.
inline value read_meta(const std::filesystem::path& path, const options& opts = {}) {
  detail::zip_reader zip(path, opts.limits);
  return detail::read_json_member(zip, detail::meta_member, path);
}

}  // namespace zanj
