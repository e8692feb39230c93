// Writes a saved document, its metadata and its external members into a zip
// archive, member by member, and puts it in place atomically.
#pragma once

#include <atomic>
#include <filesystem>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include <cerrno>
#include <cstdlib>

#include <signal.h>
#include <unistd.h>

#include <zanj/detail/format_names.hpp>
#include <zanj/detail/parallel.hpp>
#include <zanj/detail/save_context.hpp>
#include <zanj/detail/zip_writer.hpp>
#include <zanj/error.hpp>
#include <zanj/json.hpp>

namespace zanj::detail {

inline std::span<const std::byte> as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

/// The JSON members carry the local time of the save, as the reference's do.
inline void set_dos_time_now(zip_member_options& o) noexcept {
  const dos_datetime now = dos_datetime_now();
  o.dos_time = now.time;
  o.dos_date = now.date;
}

/// Member order as the reference writes it: metadata, document, externals in
/// registration order (FORMAT.md §2.1).
inline void write_archive(const std::filesystem::path& file, const value& meta, const value& document,
                          const save_context& ctx) {
  const options& o = ctx.opts;
  zip_writer zip(file);
  zip.sync_on_finish(o.sync);
  zip_member_options json_member;
  json_member.method = o.compress ? zip_method::deflated : zip_method::stored;
  json_member.level = o.compress_level;
  set_dos_time_now(json_member);
  {
    std::string text = json::to_string(meta);
    zip.add_member(std::string(meta_member), as_bytes(text), json_member);
  }
  {
    std::string text = json::to_string(document);
    zip.add_member(std::string(main_member), as_bytes(text), json_member);
  }
  auto options_for = [&](const external_member& m) {
    zip_member_options ext;
    ext.method = json_member.method;
    ext.level = o.compress_level;
    ext.zip64_local_extra = true;  // the reference forces it on externals
    // Stored .npy data lands 64-byte aligned in the file (its header is a
    // multiple of 64 bytes), ready to be mapped without a copy.
    if (m.kind == external_kind::npy) ext.align = 64;
    return ext;
  };
  auto pieces_of = [](const external_member& m) {
    std::vector<std::span<const std::byte>> pieces{as_bytes(m.head)};
    pieces.insert(pieces.end(), m.body.begin(), m.body.end());
    return pieces;
  };
  // Runs of small members (many arrays of a list) are deflated ahead, a
  // batch of up to 8 MiB on every core, then written in order.
  constexpr std::uint64_t batch_limit = std::uint64_t{8} << 20;
  const auto& externals = ctx.externals;
  std::vector<zip_writer::deflated_whole> ready;
  for (std::size_t i = 0; i < externals.size();) {
    std::size_t end = i;
    for (std::uint64_t batch = 0; o.compress && end < externals.size(); ++end) {
      const std::uint64_t size = externals[end].head.size() + externals[end].body_size();
      if (!zip_writer::deflates_whole(size) || batch + size > batch_limit) break;
      batch += size;
    }
    if (end - i < 2) {
      zip.add_member_pieces(externals[i].name, pieces_of(externals[i]), options_for(externals[i]));
      ++i;
      continue;
    }
    ready.assign(end - i, {});
    parallel_for(end - i, [&](std::size_t k) {
      try {
        ready[k] = zip_writer::deflate_whole(pieces_of(externals[i + k]), o.compress_level);
      } catch (const error& e) {
        throw e.with_context(file, {}, externals[i + k].name);
      }
    });
    for (std::size_t k = 0; k < end - i; ++k)
      zip.add_member_pieces(externals[i + k].name, pieces_of(externals[i + k]), options_for(externals[i + k]),
                            &ready[k]);
    i = end;
  }
  zip.finish();
}

inline std::string temporary_prefix_for(const std::filesystem::path& target) {
  // Appended piece by piece: g++ 12 at -O3 reports a false -Wrestrict on "." + name.
  std::string prefix = ".";
  prefix += target.filename().string();
  prefix += ".tmp-";
  return prefix;
}

/// A fresh name beside `target` for the file being written:
/// ".<name>.tmp-<pid>-<counter>".
inline std::filesystem::path temporary_path_for(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  return target.parent_path() /
         (temporary_prefix_for(target) + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)));
}

/// Removes temporaries of `target` left by saves whose process died (killed
/// mid-write); those of live processes may still be in use and stay.
inline void remove_stale_temporaries(const std::filesystem::path& target) {
  const std::string prefix = temporary_prefix_for(target);
  std::error_code ec;
  auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    std::string rest = name.substr(prefix.size());
    pid_t pid = static_cast<pid_t>(std::atoi(rest.substr(0, rest.find('-')).c_str()));
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      std::filesystem::remove(it->path(), ignored);
    }
  }
}

/// Writes through `write(temp_path)` into a temporary file beside `target`
/// and renames it over `target` only when complete: a failed save leaves any
/// existing file untouched and no temporary behind.
template <class Write>
void replace_atomically(const std::filesystem::path& target, Write&& write) {
  auto temp = temporary_path_for(target);
  try {
    write(temp);
    std::error_code ec;
    std::filesystem::rename(temp, target, ec);
    if (ec) throw error("cannot move the finished archive into place: " + ec.message(), target);
    remove_stale_temporaries(target);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw;
  }
}

}  // namespace zanj::detail
