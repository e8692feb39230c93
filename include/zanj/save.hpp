// zanj::save: write any saveable object to a .zanj file.
#pragma once

#include <filesystem>
#include <system_error>

#include <zanj/codec/dispatch.hpp>
#include <zanj/detail/archive_write.hpp>
#include <zanj/detail/meta.hpp>
#include <zanj/error.hpp>
#include <zanj/options.hpp>

namespace zanj {

/// Saves `obj` to `path`, as the Python `ZANJ(...).save(obj, path)` does:
/// ".zanj" is appended when the name does not end with it, and missing parent
/// directories are created. The file is written beside the target and renamed
/// into place when complete, so a failed save never leaves a half-written
/// file and never damages an existing one. Returns the path written.
template <class T>
std::filesystem::path save(const T& obj, std::filesystem::path path, const options& opts = {}) {
  if (!path.filename().string().ends_with(".zanj")) path += ".zanj";
  if (auto parent = path.parent_path(); !parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) throw error("cannot create directory '" + parent.string() + "': " + ec.message(), path);
  }
  detail::save_context ctx(opts, path);
  value document = detail::save_value(obj, ctx);
  value meta = detail::build_meta(ctx);
  detail::replace_atomically(path, [&](const std::filesystem::path& temp) {
    try {
      detail::write_archive(temp, meta, document, ctx);
    } catch (const error& e) {
      // Name the target, not the temporary the failure happened in.
      throw error(e.reason(), path, e.object_path(), e.member());
    }
  });
  return path;
}

}  // namespace zanj
