// CRC-32 of the zip format (the reflected IEEE polynomial): with Intel
// ISA-L's folding implementation when zanj is built with it (about four
// times zlib's speed), else zlib's; and the combination of the CRCs of two
// consecutive pieces, so that pieces checked on different cores add up.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include <zlib.h>

#if ZANJ_HAVE_ISAL
#include <isa-l/crc.h>
#endif

namespace zanj::detail {

/// Continues `crc` over `data`; start from 0.
inline std::uint32_t crc32_update(std::uint32_t crc, std::span<const std::byte> data) noexcept {
#if ZANJ_HAVE_ISAL
  return data.empty() ? crc : crc32_gzip_refl(crc, reinterpret_cast<const unsigned char*>(data.data()), data.size());
#else
  constexpr std::size_t max_chunk = std::size_t{1} << 30;  // zlib takes 32-bit lengths
  const auto* p = reinterpret_cast<const Bytef*>(data.data());
  std::size_t left = data.size();
  while (left > 0) {
    const auto chunk = static_cast<uInt>(std::min(left, max_chunk));
    crc = static_cast<std::uint32_t>(::crc32(crc, p, chunk));
    p += chunk;
    left -= chunk;
  }
  return crc;
#endif
}

/// The CRC of A followed by B, from crc(A), crc(B) and B's length.
inline std::uint32_t crc32_concat(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t length_b) noexcept {
  return static_cast<std::uint32_t>(::crc32_combine64(crc_a, crc_b, static_cast<z_off64_t>(length_b)));
}

}  // namespace zanj::detail
