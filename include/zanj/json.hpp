// zanj::json: the JSON text layer -- reads and writes zanj::value exactly as
// Python's json module does for the reference (FORMAT.md §3).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <zanj/detail/float_repr.hpp>
#include <zanj/detail/json_parser.hpp>
#include <zanj/detail/json_writer.hpp>
#include <zanj/error.hpp>
#include <zanj/limits.hpp>
#include <zanj/value.hpp>

namespace zanj::json {

/// Deepest nesting of arrays/objects that `write` produces, and by default
/// `parse` accepts (read_limits::max_json_depth; about Python's recursion limit).
inline constexpr std::size_t default_max_depth = detail::default_json_max_depth;

/// Text layout.
enum class style {
  /// __zanj__.json / __zanj_meta__.json (json.dump(indent="\t")): a newline
  /// after each opening bracket and element, one tab per level, ": " between
  /// key and value, "[]"/"{}" for empty containers, no trailing newline.
  pretty,
  /// One .jsonl line (json.dumps defaults): ", " and ": " separators, no
  /// newlines (the caller adds the line's "\n").
  compact,
};

/// Parses `text`, which must hold exactly one JSON value (whitespace around
/// it is fine). Accepts what Python's json.loads accepts: NaN, Infinity and
/// -Infinity tokens, lone surrogate escapes (kept as 3-byte WTF-8), duplicate
/// keys (the last value wins, in the first one's position). Integer literals
/// become int64, else uint64, else -- beyond 2^64, where Python keeps an exact
/// int -- the nearest double (or +-inf). Throws zanj::error with a reason
/// "invalid JSON at line L, column C: ..." (columns count bytes, from 1); or,
/// past `limits.max_json_depth` or `limits.max_string_length`, "JSON at line
/// L, column C: nesting over the limit of ..." with the JSON pointer of the
/// value as the error's object path.
inline value parse(std::string_view text, const read_limits& limits = {}) {
  return detail::json_parser(text, limits.max_json_depth, limits.max_string_length).parse_document();
}

/// Appends `v` as JSON to `out`. Lists and tuples become arrays; n-d arrays
/// become the reference's inline array object (`zero_dim` when 0-d,
/// `array_list_meta` otherwise). Throws zanj::error for strings that are not
/// UTF-8 (WTF-8 lone surrogates are allowed), arrays whose bytes do not match
/// their shape, and nesting deeper than `max_depth`; `out` is then unchanged.
inline void write(std::string& out, const value& v, style s = style::pretty,
                  std::size_t max_depth = default_max_depth) {
  const std::size_t original_size = out.size();
  try {
    if (s == style::pretty)
      detail::json_writer<true>(out, max_depth).write(v);
    else
      detail::json_writer<false>(out, max_depth).write(v);
  } catch (...) {
    out.resize(original_size);
    throw;
  }
}

/// `v` as JSON text.
inline std::string to_string(const value& v, style s = style::pretty) {
  std::string out;
  write(out, v, s);
  return out;
}

/// Appends Python's repr of `d`: "0.1", "1.0", "-0.0", "1e-05", "1e+16",
/// "NaN", "Infinity", "-Infinity".
inline void write_double(std::string& out, double d) { detail::append_float_repr(out, d); }

/// Appends `utf8` as a JSON string literal with Python's ensure_ascii
/// escaping ("\u00e9", "\ud83d\ude00"). Throws zanj::error("string is not
/// valid UTF-8") for malformed input; `out` is then unchanged.
inline void write_string(std::string& out, std::string_view utf8) {
  const std::size_t original_size = out.size();
  try {
    detail::append_json_string(out, utf8);
  } catch (...) {
    out.resize(original_size);
    throw;
  }
}

}  // namespace zanj::json
