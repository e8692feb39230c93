// The lines of a .jsonl member, as both of its readers (the generic one in
// load_context and the direct one in direct_read) take them apart: one JSON
// value per line, "\r\n" allowed, the final newline optional.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace zanj::detail {

/// How many lines `text` holds: its line ends, plus one for a last line
/// without a newline.
inline std::size_t jsonl_line_count(std::string_view text) noexcept {
  const auto ends = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  return ends + (!text.empty() && text.back() != '\n' ? 1 : 0);
}

/// Takes the first line off `text` and returns it without its "\n" or "\r\n".
inline std::string_view take_jsonl_line(std::string_view& text) noexcept {
  const std::size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

}  // namespace zanj::detail
