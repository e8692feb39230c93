// Zip container basics shared by the reader and the writer: record layouts
// (PKWARE APPNOTE 6.3), little-endian byte access, DOS timestamps; CRC-32
// comes from crc32.hpp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zanj/detail/crc32.hpp"  // crc32_update, shared by the reader and the writer

namespace zanj::detail {

enum class zip_method : std::uint16_t { stored = 0, deflated = 8 };

/// One member as found in (or written to) the central directory.
struct zip_entry {
  std::string name;  // UTF-8 (flag 0x0800) or, from foreign tools, raw bytes
  std::uint16_t method = 0, flags = 0;
  std::uint32_t crc32 = 0;
  std::uint64_t compressed_size = 0, uncompressed_size = 0;
  std::uint64_t local_header_offset = 0;
  std::uint64_t data_offset = 0;  // absolute file offset of the payload (after local header, name, extra)
  std::uint16_t dos_time = 0, dos_date = 0;  // modification time as stored in the central directory
  // From a chunk-map extra field (below), when the local header has a valid one.
  std::uint64_t chunk_size = 0;
  std::vector<std::uint32_t> chunk_sizes;
};

// Record signatures.
inline constexpr std::uint32_t zip_local_header_signature = 0x04034b50;
inline constexpr std::uint32_t zip_central_header_signature = 0x02014b50;
inline constexpr std::uint32_t zip_eocd_signature = 0x06054b50;
inline constexpr std::uint32_t zip64_eocd_signature = 0x06064b50;
inline constexpr std::uint32_t zip64_locator_signature = 0x07064b50;

// Fixed record sizes, without the variable-length fields that follow.
inline constexpr std::size_t zip_local_header_size = 30;
inline constexpr std::size_t zip_central_header_size = 46;
inline constexpr std::size_t zip_eocd_size = 22;
inline constexpr std::size_t zip64_eocd_size = 56;
inline constexpr std::size_t zip64_locator_size = 20;
inline constexpr std::size_t zip_max_comment_size = 0xFFFF;

// Extra field ids: Zip64 sizes/offsets, and zipalign-style padding.
inline constexpr std::uint16_t zip64_extra_id = 0x0001;
inline constexpr std::uint16_t zip_align_extra_id = 0xD935;
inline constexpr std::size_t zip64_local_extra_size = 4 + 16;  // header + u64 uncompressed + u64 compressed

// zanj's chunk map, in the local header of a member deflated as independent
// chunks (deflate.hpp): u64 uncompressed bytes per chunk (the last chunk may
// be shorter), then the compressed size of each chunk (u32), in order. Other
// zip readers skip it as an unknown extra field; zip_reader uses it to
// inflate the chunks on every core.
inline constexpr std::uint16_t zip_chunk_map_extra_id = 0x7a6a;  // "jz"
inline constexpr std::size_t zip_chunk_map_max_chunks = 16000;  // fits one extra field

// A 32/16-bit field holding all ones means "the real value is in the Zip64 record/extra".
inline constexpr std::uint32_t zip32_sentinel = 0xFFFFFFFF;
inline constexpr std::uint16_t zip16_sentinel = 0xFFFF;

// General-purpose flag bits.
inline constexpr std::uint16_t zip_flag_encrypted = 0x0001;
inline constexpr std::uint16_t zip_flag_data_descriptor = 0x0008;
inline constexpr std::uint16_t zip_flag_utf8 = 0x0800;

// Fields written like the Python reference (FORMAT.md §2.2).
inline constexpr std::uint16_t zip_version_made_by = 0x0314;  // Unix, spec 2.0
inline constexpr std::uint16_t zip_version_needed = 20;
inline constexpr std::uint16_t zip_version_needed_zip64 = 45;
inline constexpr std::uint32_t zip_external_attributes = 0600u << 16;  // Unix mode 0600

// ---- little-endian access; byte-wise so it is alignment- and host-endian-agnostic ----

inline std::uint16_t load_le16(const std::byte* p) noexcept {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(p[0]) | (std::to_integer<unsigned>(p[1]) << 8));
}
inline std::uint32_t load_le32(const std::byte* p) noexcept {
  return static_cast<std::uint32_t>(load_le16(p)) | (static_cast<std::uint32_t>(load_le16(p + 2)) << 16);
}
inline std::uint64_t load_le64(const std::byte* p) noexcept {
  return static_cast<std::uint64_t>(load_le32(p)) | (static_cast<std::uint64_t>(load_le32(p + 4)) << 32);
}

inline void store_le(std::byte* p, std::uint64_t value, std::size_t width) noexcept {
  for (std::size_t i = 0; i < width; ++i) p[i] = static_cast<std::byte>((value >> (8 * i)) & 0xFF);
}
inline void append_le(std::vector<std::byte>& out, std::uint64_t value, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i) out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xFF));
}
inline void append_le16(std::vector<std::byte>& out, std::uint16_t v) { append_le(out, v, 2); }
inline void append_le32(std::vector<std::byte>& out, std::uint32_t v) { append_le(out, v, 4); }
inline void append_le64(std::vector<std::byte>& out, std::uint64_t v) { append_le(out, v, 8); }
inline void append_bytes(std::vector<std::byte>& out, std::string_view s) {
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  out.insert(out.end(), p, p + s.size());
}

/// A 32-bit field value, or the sentinel when the value belongs in a Zip64 field.
inline std::uint32_t zip32_or_sentinel(std::uint64_t v) noexcept {
  return v >= zip32_sentinel ? zip32_sentinel : static_cast<std::uint32_t>(v);
}

inline bool is_ascii(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// ---- DOS timestamps ----

struct dos_datetime {
  std::uint16_t time = 0;
  std::uint16_t date = (1 << 5) | 1;  // 1980-01-01 00:00:00, the earliest representable
};

/// Local time `t` in DOS format (2-second resolution), clamped to 1980..2107.
inline dos_datetime to_dos_datetime(std::time_t t) noexcept {
  std::tm tm{};
  if (::localtime_r(&t, &tm) == nullptr || tm.tm_year < 80) return {};
  if (tm.tm_year > 207) return {static_cast<std::uint16_t>((23 << 11) | (59 << 5) | 29),
                                static_cast<std::uint16_t>((127 << 9) | (12 << 5) | 31)};
  const int seconds = std::min(tm.tm_sec, 59);  // leap second
  return {static_cast<std::uint16_t>((tm.tm_hour << 11) | (tm.tm_min << 5) | (seconds / 2)),
          static_cast<std::uint16_t>(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday)};
}

inline dos_datetime dos_datetime_now() noexcept { return to_dos_datetime(std::time(nullptr)); }

}  // namespace zanj::detail
