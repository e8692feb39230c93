// Byte swapping of element buffers, for npy data and inline hex/base64 data
// stored in the other byte order.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include <zanj/dtype.hpp>

namespace zanj::detail {

/// Size of the unit whose bytes are reversed: the item size, except for
/// complex numbers, whose real and imaginary halves are swapped separately.
constexpr std::size_t byte_swap_unit(dtype t) noexcept { return is_complex(t) ? itemsize(t) / 2 : itemsize(t); }

/// True when data of `stored` order must be swapped to become native.
constexpr bool needs_byte_swap(dtype t, std::endian stored) noexcept {
  return stored != std::endian::native && byte_swap_unit(t) > 1;
}

template <class Word>
constexpr Word reverse_word(Word w) noexcept {
  if constexpr (sizeof(Word) == 2) return __builtin_bswap16(w);
  else if constexpr (sizeof(Word) == 4) return __builtin_bswap32(w);
  else return __builtin_bswap64(w);
}

// memcpy in and out keeps unaligned buffers legal; compilers turn the loop
// into plain loads, bswaps and stores (vectorized at -O2).
template <class Word>
inline void reverse_words(std::byte* data, std::size_t count) noexcept {
  for (std::size_t i = 0; i < count; ++i) {
    Word w;
    std::memcpy(&w, data + i * sizeof(Word), sizeof(Word));
    w = reverse_word(w);
    std::memcpy(data + i * sizeof(Word), &w, sizeof(Word));
  }
}

/// Reverses the bytes of every `unit`-byte unit of `data` in place. A
/// trailing partial unit is left alone (callers pass whole items).
inline void reverse_bytes_in_units(std::span<std::byte> data, std::size_t unit) noexcept {
  if (unit <= 1) return;
  const std::size_t count = data.size() / unit;
  switch (unit) {
    case 2: reverse_words<std::uint16_t>(data.data(), count); return;
    case 4: reverse_words<std::uint32_t>(data.data(), count); return;
    case 8: reverse_words<std::uint64_t>(data.data(), count); return;
    default:
      for (std::size_t i = 0; i < count; ++i) std::reverse(data.data() + i * unit, data.data() + (i + 1) * unit);
  }
}

/// Converts a buffer of `t` elements between native order and `other`
/// order, in place (the conversion is its own inverse).
inline void convert_byte_order(std::span<std::byte> data, dtype t, std::endian other) noexcept {
  if (needs_byte_swap(t, other)) reverse_bytes_in_units(data, byte_swap_unit(t));
}

}  // namespace zanj::detail
