// zanj::read_limits: what reading one file may cost. Each limit is checked
// before anything is allocated for what it bounds, so a hostile file (a zip
// bomb, a header that lies, JSON nested a million deep) fails with a
// zanj::error instead of exhausting memory or the stack.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace zanj {

/// Bounds on a read, set through `options::limits`. The defaults are far
/// above anything the Python reference (or this library) writes, so they
/// never reject a legitimate file; lower them to read untrusted files with a
/// bounded cost. Exceeding one throws zanj::error whose reason names the
/// limit, e.g. "... over the limit of 1000 (options.limits.max_json_depth)".
struct read_limits {
  /// Members in the zip directory.
  std::uint64_t max_members = 1'000'000;
  /// Declared uncompressed size of one member, in bytes (1 TiB).
  std::uint64_t max_member_size = std::uint64_t{1} << 40;
  /// Declared uncompressed size over stored size of a deflated member.
  /// Deflate cannot exceed about 1032:1 (zlib reaches 1029:1 on zeros), so
  /// only a header that lies goes beyond the default.
  std::uint64_t max_compression_ratio = 1100;
  /// Bytes inflated from deflated members in all, over one zanj::read or
  /// read_meta, or one call of a zanj::archive member function (1 TiB).
  std::uint64_t max_total_inflated = std::uint64_t{1} << 40;
  /// Length of a .npy header dict, in bytes (numpy's own limit).
  std::size_t max_npy_header_length = 10'000;
  /// Elements of one array: the product of its shape (2^40).
  std::uint64_t max_array_elements = std::uint64_t{1} << 40;
  /// Nesting of JSON arrays and objects (about Python's recursion limit).
  std::size_t max_json_depth = 1000;
  /// Bytes of one JSON string or key, after unescaping (1 GiB).
  std::size_t max_string_length = std::size_t{1} << 30;
  /// Lines of one .jsonl member (2^30).
  std::size_t max_jsonl_lines = std::size_t{1} << 30;
  /// External members reached through one another (a .npy inside a .jsonl
  /// line inside another .jsonl...).
  std::size_t max_external_nesting = 64;
  /// Rows of an empty array read as a list (shape [n, 0] into a
  /// std::vector<std::vector<T>>): n items from no data at all (2^24).
  std::size_t max_empty_rows = std::size_t{1} << 24;
};

namespace detail {

/// The common tail of every limit error: "over the limit of N (options.limits.NAME)".
inline std::string over_limit(std::uint64_t limit, std::string_view option, std::string_view unit = {}) {
  std::string s = "over the limit of " + std::to_string(limit);
  if (!unit.empty()) s += " " + std::string(unit);
  return s + " (options.limits." + std::string(option) + ")";
}

}  // namespace detail

}  // namespace zanj
