// float16 (IEEE binary16) and bfloat16 storage types with exact conversion
// to float and round-to-nearest-even conversion from float. g++ 12 has no
// std::float16_t, so these are ours.
#pragma once

#include <bit>
#include <cstdint>

namespace zanj {

/// IEEE 754 binary16. Holds the bits; arithmetic goes through float.
struct float16 {
  std::uint16_t bits = 0;

  constexpr float16() noexcept = default;
  /// Rounds to nearest, ties to even; overflow gives infinity, NaN stays NaN.
  constexpr explicit float16(float f) noexcept : bits(from_float(f)) {}
  static constexpr float16 from_bits(std::uint16_t b) noexcept {
    float16 h;
    h.bits = b;
    return h;
  }
  /// Exact: every binary16 value is a float.
  constexpr explicit operator float() const noexcept { return to_float(bits); }

  friend constexpr bool operator==(float16 a, float16 b) noexcept { return a.bits == b.bits; }

 private:
  static constexpr float to_float(std::uint16_t h) noexcept {
    std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    std::uint32_t exp = (h >> 10) & 0x1fu;
    std::uint32_t mant = h & 0x3ffu;
    std::uint32_t out;
    if (exp == 0x1f) {
      out = sign | 0x7f800000u | (mant << 13);  // inf / NaN (payload kept)
    } else if (exp != 0) {
      out = sign | ((exp + 112u) << 23) | (mant << 13);
    } else if (mant == 0) {
      out = sign;  // +-0
    } else {
      // Subnormal half: normalise into a float.
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400u) == 0);
      out = sign | (std::uint32_t(112 - e) << 23) | ((mant & 0x3ffu) << 13);
    }
    return std::bit_cast<float>(out);
  }

  static constexpr std::uint16_t from_float(float f) noexcept {
    std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    std::uint16_t sign = std::uint16_t((x >> 16) & 0x8000u);
    std::uint32_t abs = x & 0x7fffffffu;
    if (abs >= 0x7f800000u) {  // inf or NaN
      if (abs == 0x7f800000u) return sign | 0x7c00u;
      return std::uint16_t(sign | 0x7e00u | ((abs >> 13) & 0x3ffu));  // quiet NaN
    }
    if (abs >= 0x477ff000u) return sign | 0x7c00u;  // rounds past 65504: inf
    if (abs < 0x33000001u) return sign;              // rounds to +-0 (<= 2^-25)
    std::uint32_t exp = abs >> 23;
    std::uint32_t mant = abs & 0x7fffffu;
    if (exp < 113) {
      // Result is subnormal: shift the full significand into place.
      mant |= 0x800000u;
      std::uint32_t shift = 126 - exp;  // 14..24
      std::uint32_t half = mant >> shift;
      std::uint32_t rem = mant & ((1u << shift) - 1);
      std::uint32_t mid = 1u << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1u))) ++half;
      return std::uint16_t(sign | half);
    }
    std::uint32_t half = ((exp - 112) << 10) | (mant >> 13);
    std::uint32_t rem = mant & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) ++half;  // may carry into exp: correct
    return std::uint16_t(sign | half);
  }
};

/// bfloat16: the upper 16 bits of a float. Holds the bits.
struct bfloat16 {
  std::uint16_t bits = 0;

  constexpr bfloat16() noexcept = default;
  /// Rounds to nearest, ties to even; NaN stays NaN.
  constexpr explicit bfloat16(float f) noexcept : bits(from_float(f)) {}
  static constexpr bfloat16 from_bits(std::uint16_t b) noexcept {
    bfloat16 h;
    h.bits = b;
    return h;
  }
  constexpr explicit operator float() const noexcept { return std::bit_cast<float>(std::uint32_t(bits) << 16); }

  friend constexpr bool operator==(bfloat16 a, bfloat16 b) noexcept { return a.bits == b.bits; }

 private:
  static constexpr std::uint16_t from_float(float f) noexcept {
    std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return std::uint16_t((x >> 16) | 0x40u);  // quiet NaN
    std::uint32_t rounding = 0x7fffu + ((x >> 16) & 1u);
    return std::uint16_t((x + rounding) >> 16);
  }
};

}  // namespace zanj
