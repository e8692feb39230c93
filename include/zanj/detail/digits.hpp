// Eight decimal digits at a time: the digit runs of JSON numbers (a table's
// int64 ids, the 17 significant digits of a double's shortest form) are read
// a 64-bit word per step instead of a byte per step with a multiply chained
// through every digit.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace zanj::detail {

/// The 8 characters at `s` as one word, the first in the lowest byte.
inline std::uint64_t load_eight(const char* s) noexcept {
  std::uint64_t word;
  std::memcpy(&word, s, sizeof word);
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  return word;
}

/// True if every byte of `word` is an ASCII digit ('0' = 0x30 .. '9' = 0x39):
/// each high nibble is 3, and stays 3 when 6 is added (which carries out of
/// the byte from 0x3a up; no digit carries, so bytes cannot disturb each other).
constexpr bool eight_digits(std::uint64_t word) noexcept {
  constexpr std::uint64_t high = 0xF0F0F0F0F0F0F0F0ULL;
  return ((word & high) | (((word + 0x0606060606060606ULL) & high) >> 4)) == 0x3333333333333333ULL;
}

/// The number that 8 ASCII digits (eight_digits(word)) spell, first digit
/// most significant, by three multiplies: neighbouring digits into 2-digit
/// values, those into two 4-digit halves (both at once, 32 bits apart), then
/// the halves into one.
constexpr std::uint32_t eight_digit_value(std::uint64_t word) noexcept {
  word -= 0x3030303030303030ULL;
  word = word * 10 + (word >> 8);  // bytes 0, 2, 4, 6: d0d1, d2d3, d4d5, d6d7 (each <= 99)
  constexpr std::uint64_t pairs = 0x000000FF000000FFULL;
  const std::uint64_t first = (word & pairs) * (100 + (1000000ULL << 32));  // d0d1 * 10^6 + d4d5 * 100
  const std::uint64_t second = ((word >> 16) & pairs) * (1 + (10000ULL << 32));  // d2d3 * 10^4 + d6d7
  return static_cast<std::uint32_t>((first + second) >> 32);
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// Past the run of ASCII digits that starts at `p` (none: `p` itself).
inline const char* skip_digits(const char* p, const char* end) noexcept {
  while (end - p >= 8 && eight_digits(load_eight(p))) p += 8;
  while (p != end && is_digit(*p)) ++p;
  return p;
}

}  // namespace zanj::detail
