// UTF-8 decoding and encoding, shared by the JSON reader and writer and the
// zip reader (member names), and the CP437 code page of zip names without
// the UTF-8 flag.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace zanj::detail {

/// Decodes the UTF-8 sequence at `p` (p < end) into `code_point` and returns
/// its length, or 0 if it is not a well-formed sequence (overlong, truncated,
/// beyond U+10FFFF). Encoded surrogates (ED A0..BF xx) are accepted only with
/// `allow_surrogates`: the parser turns lone `\udXXX` escapes into them, as
/// Python keeps lone surrogates in its strings, so the writer must take them
/// back; raw text never contains them.
inline std::size_t decode_utf8(const unsigned char* p, const unsigned char* end, bool allow_surrogates,
                               char32_t& code_point) noexcept {
  const std::size_t available = static_cast<std::size_t>(end - p);
  const unsigned char lead = p[0];
  auto continuation = [](unsigned char c) { return (c & 0xC0u) == 0x80u; };
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  if (lead < 0xC2) return 0;  // stray continuation byte or overlong 2-byte form
  if (lead < 0xE0) {
    if (available < 2 || !continuation(p[1])) return 0;
    code_point = (char32_t(lead & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    return 2;
  }
  if (lead < 0xF0) {
    if (available < 3 || !continuation(p[1]) || !continuation(p[2])) return 0;
    code_point = (char32_t(lead & 0x0Fu) << 12) | (char32_t(p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    if (code_point < 0x800) return 0;  // overlong
    if (code_point >= 0xD800 && code_point <= 0xDFFF && !allow_surrogates) return 0;
    return 3;
  }
  if (lead < 0xF5) {
    if (available < 4 || !continuation(p[1]) || !continuation(p[2]) || !continuation(p[3])) return 0;
    code_point = (char32_t(lead & 0x07u) << 18) | (char32_t(p[1] & 0x3Fu) << 12) | (char32_t(p[2] & 0x3Fu) << 6) |
                 (p[3] & 0x3Fu);
    if (code_point < 0x10000 || code_point > 0x10FFFF) return 0;  // overlong or out of range
    return 4;
  }
  return 0;
}

/// Appends `code_point` as UTF-8; surrogates get their 3-byte (WTF-8) form.
inline void encode_utf8(std::string& out, char32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    const char bytes[] = {static_cast<char>(0xC0 | (code_point >> 6)), static_cast<char>(0x80 | (code_point & 0x3F))};
    out.append(bytes, 2);
  } else if (code_point < 0x10000) {
    const char bytes[] = {static_cast<char>(0xE0 | (code_point >> 12)),
                          static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)),
                          static_cast<char>(0x80 | (code_point & 0x3F))};
    out.append(bytes, 3);
  } else {
    const char bytes[] = {static_cast<char>(0xF0 | (code_point >> 18)),
                          static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)),
                          static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)),
                          static_cast<char>(0x80 | (code_point & 0x3F))};
    out.append(bytes, 4);
  }
}

/// Whether `s` is well-formed UTF-8 (no encoded surrogates).
inline bool is_valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = p + s.size();
  while (p != end) {
    char32_t code_point;
    const std::size_t length = decode_utf8(p, end, false, code_point);
    if (length == 0) return false;
    p += length;
  }
  return true;
}

/// `s` with every byte that is not part of a well-formed UTF-8 sequence
/// written as "\xNN", for error messages.
inline std::string escape_invalid_utf8(std::string_view s) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = p + s.size();
  while (p != end) {
    char32_t code_point;
    const std::size_t length = decode_utf8(p, end, false, code_point);
    if (length == 0) {
      out += "\\x";
      out += digits[*p >> 4];
      out += digits[*p & 0xF];
      ++p;
    } else {
      out.append(reinterpret_cast<const char*>(p), length);
      p += length;
    }
  }
  return out;
}

/// A zip name stored without the UTF-8 flag, as UTF-8: such names are in
/// IBM code page 437 (APPNOTE appendix D), which is how Python's zipfile
/// reads them too. ASCII is unchanged.
inline std::string cp437_to_utf8(std::string_view s) {
  // The code points of bytes 0x80..0xFF.
  static constexpr char16_t upper_half[128] = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,
    0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
    0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
    0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,
    0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
    0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,
    0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4,
    0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
    0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
  };
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    encode_utf8(out, byte < 0x80 ? char32_t{byte} : char32_t{upper_half[byte - 0x80]});
  }
  return out;
}

}  // namespace zanj::detail
