// RFC 6901 JSON pointers, the one spelling of an object path in messages,
// in zanj::archive / zanj::writer arguments and on the command line:
// "/container/2/c", with "~1" for '/' and "~0" for '~' inside a key.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zanj::detail {

/// Appends "/<key>" to `pointer`, escaping '~' and '/'.
inline void append_pointer_token(std::string& pointer, std::string_view key) {
  pointer += '/';
  for (char c : key) {
    if (c == '~')
      pointer += "~0";
    else if (c == '/')
      pointer += "~1";
    else
      pointer += c;
  }
}

/// The unescaped tokens of a pointer ("" is the root: no tokens), or nullopt
/// when it neither is empty nor starts with '/'. A '~' not followed by '0'
/// or '1' is kept as it is.
inline std::optional<std::vector<std::string>> split_pointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer.front() != '/') return std::nullopt;
  std::size_t pos = 0;
  while (pos < pointer.size()) {
    std::size_t next = pointer.find('/', pos + 1);
    std::string_view raw = pointer.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1'))
        token += raw[++i] == '0' ? '~' : '/';
      else
        token += raw[i];
    }
    tokens.push_back(std::move(token));
    pos = next == std::string_view::npos ? pointer.size() : next;
  }
  return tokens;
}

}  // namespace zanj::detail
