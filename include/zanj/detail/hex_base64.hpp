// Hex and base64 text forms of raw element bytes, used by the inline array
// modes `array_hex_meta` and `array_b64_meta` (FORMAT.md §5.2).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <zanj/error.hpp>

namespace zanj::detail {

/// Lower-case hex, two digits per byte, no separators.
inline std::string hex_encode(std::span<const std::byte> bytes) {
  constexpr char digits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = std::to_integer<unsigned>(bytes[i]);
    out[2 * i] = digits[b >> 4];
    out[2 * i + 1] = digits[b & 0xfu];
  }
  return out;
}

constexpr int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Decodes hex of either case. Throws zanj::error on an odd length or a
/// character that is not a hex digit.
inline std::vector<std::byte> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0)
    throw error("hex data has odd length " + std::to_string(text.size()));
  std::vector<std::byte> out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = hex_digit_value(text[2 * i]), low = hex_digit_value(text[2 * i + 1]);
    if (high < 0 || low < 0) {
      const std::size_t at = high < 0 ? 2 * i : 2 * i + 1;
      throw error("hex data has a non-hex character at offset " + std::to_string(at));
    }
    out[i] = static_cast<std::byte>(high << 4 | low);
  }
  return out;
}

inline constexpr char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (RFC 4648 §4): `+` and `/`, `=` padding, no line breaks.
inline std::string base64_encode(std::span<const std::byte> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = std::to_integer<std::uint32_t>(bytes[i]) << 16 |
                                std::to_integer<std::uint32_t>(bytes[i + 1]) << 8 |
                                std::to_integer<std::uint32_t>(bytes[i + 2]);
    out += base64_alphabet[group >> 18 & 63];
    out += base64_alphabet[group >> 12 & 63];
    out += base64_alphabet[group >> 6 & 63];
    out += base64_alphabet[group & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t group = std::to_integer<std::uint32_t>(bytes[i]) << 16;
    if (rest == 2) group |= std::to_integer<std::uint32_t>(bytes[i + 1]) << 8;
    out += base64_alphabet[group >> 18 & 63];
    out += base64_alphabet[group >> 12 & 63];
    out += rest == 2 ? base64_alphabet[group >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

constexpr std::array<std::int8_t, 256> make_base64_values() noexcept {
  std::array<std::int8_t, 256> values{};
  for (auto& v : values) v = -1;
  for (int i = 0; i < 64; ++i) values[static_cast<unsigned char>(base64_alphabet[i])] = static_cast<std::int8_t>(i);
  return values;
}
inline constexpr std::array<std::int8_t, 256> base64_values = make_base64_values();

/// Decodes standard padded base64. Strict: the length must be a multiple of
/// four, `=` may only end the text (at most two), and no other character
/// than the 64 of the alphabet (no whitespace, no URL-safe `-`/`_`) is
/// accepted; violations throw zanj::error. Non-zero bits in the last
/// character before padding are ignored, as Python's b64decode does.
inline std::vector<std::byte> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0)
    throw error("base64 data length " + std::to_string(text.size()) + " is not a multiple of 4");
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::vector<std::byte> out;
  out.reserve(text.size() / 4 * 3 - padding);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const std::size_t digits = last ? 4 - padding : 4;
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      std::uint32_t v = 0;
      if (k < digits) {
        const int value = base64_values[static_cast<unsigned char>(text[i + k])];
        if (value < 0)
          throw error("base64 data has an invalid character at offset " + std::to_string(i + k));
        v = static_cast<std::uint32_t>(value);
      }
      group = group << 6 | v;
    }
    out.push_back(static_cast<std::byte>(group >> 16));
    if (digits > 2) out.push_back(static_cast<std::byte>(group >> 8 & 0xffu));
    if (digits > 3) out.push_back(static_cast<std::byte>(group & 0xffu));
  }
  return out;
}

}  // namespace zanj::detail
