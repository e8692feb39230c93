// Reads zip archives through a read-only memory mapping. Every header field
// is checked against the file size before it is used, and every size against
// the read_limits before anything is allocated for it, so a corrupt or hostile
// archive yields zanj::error, never an out-of-bounds read or a huge allocation.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/iostreams/device/mapped_file.hpp>

#include "zanj/detail/deflate.hpp"
#include "zanj/detail/huge_pages.hpp"
#include "zanj/detail/parallel.hpp"
#include "zanj/detail/utf8.hpp"
#include "zanj/detail/zip_common.hpp"
#include "zanj/error.hpp"
#include "zanj/limits.hpp"

#if __has_include(<sys/mman.h>) && __has_include(<unistd.h>)
#include <sys/mman.h>
#include <unistd.h>
#define ZANJ_HAVE_MADVISE 1
#else
#define ZANJ_HAVE_MADVISE 0
#endif

namespace zanj::detail {

class zip_reader {
 public:
  /// Opens and indexes `file`; validates the central directory and every
  /// local header, and refuses members whose bytes overlap.
  explicit zip_reader(std::filesystem::path file, const read_limits& limits = {})
      : path_(std::move(file)), limits_(limits) {
    map_file();
    const directory_location dir = locate_central_directory();
    const std::vector<std::string> stored_names = parse_central_directory(dir);
    for (std::size_t i = 0; i < entries_.size(); ++i) locate_payload(entries_[i], stored_names[i], dir.offset);
    refuse_overlapping_members();
  }

  const std::filesystem::path& path() const noexcept { return path_; }
  const read_limits& limits() const noexcept { return limits_; }

  /// Bytes inflated from deflated members since opening, or since the last
  /// restart: what limits().max_total_inflated bounds.
  std::uint64_t inflated_bytes() const noexcept { return inflated_; }
  /// Starts a new count for max_total_inflated (zanj::archive does, at each
  /// call, so that the limit bounds one read, not the archive's lifetime).
  void restart_inflation_count() const noexcept { inflated_ = 0; }

  /// All members, in central directory order.
  const std::vector<zip_entry>& entries() const noexcept { return entries_; }

  /// The member called `name`, or nullptr.
  const zip_entry* find(std::string_view name) const noexcept {
    const auto it = index_.find(name);
    return it == index_.end() ? nullptr : &entries_[it->second];
  }

  /// The stored (possibly compressed) payload bytes, inside the mapping.
  std::span<const std::byte> raw(const zip_entry& entry) const {
    // Also guards against an entry that came from another reader.
    if (entry.data_offset > size_ || entry.compressed_size > size_ - entry.data_offset)
      fail("member data lies outside the file", entry.name);
    return {bytes() + entry.data_offset, static_cast<std::size_t>(entry.compressed_size)};
  }

  /// The whole file as mapped in memory.
  std::span<const std::byte> mapping() const noexcept { return {bytes(), static_cast<std::size_t>(size_)}; }

  /// How many times a member's content was read (read, read_into,
  /// stored_view): lets tests prove that lazy access touches only what it needs.
  std::size_t content_reads() const noexcept { return content_reads_; }

  /// The member's content, inflated if needed; size and CRC-32 are verified.
  std::vector<std::byte> read(const zip_entry& entry) const {
    check_readable(entry);  // before allocating what the header claims
    std::vector<std::byte> content(static_cast<std::size_t>(entry.uncompressed_size));
    read_into(entry, content);
    return content;
  }

  /// A member's content in memory that was not zero-filled first (as
  /// read()'s vector is): the copy or inflate writes each byte once, and the
  /// pages are first touched there, on every core for a large member. What
  /// the library reads whole goes here; read() serves tests and the tool.
  struct content_buffer {
    std::unique_ptr<std::byte[]> data;
    std::size_t size = 0;
    std::span<const std::byte> bytes() const noexcept { return {data.get(), size}; }
  };

  /// Like read(), into a content_buffer.
  content_buffer read_buffer(const zip_entry& entry) const {
    check_readable(entry);  // before allocating what the header claims
    content_buffer b;
    b.size = static_cast<std::size_t>(entry.uncompressed_size);
    b.data = std::make_unique_for_overwrite<std::byte[]>(std::max<std::size_t>(b.size, 1));
    advise_huge_pages(b.data.get(), b.size);
    read_into(entry, std::span<std::byte>(b.data.get(), b.size));
    return b;
  }

  /// The content of a stored (uncompressed) member as a view into the
  /// mapping, CRC-32 verified: no copy. Empty optional for compressed members.
  std::optional<std::span<const std::byte>> stored_view(const zip_entry& entry) const {
    if (entry.method != static_cast<std::uint16_t>(zip_method::stored)) return std::nullopt;
    check_readable(entry);
    ++content_reads_;
    const std::span<const std::byte> payload = raw(entry);
    if (payload.size() != entry.uncompressed_size)
      fail("stored member sizes disagree (" + std::to_string(payload.size()) + " vs " +
               std::to_string(entry.uncompressed_size) + ")",
           entry.name);
    check_crc(entry, check_bytes(payload));
    return payload;
  }

  /// Whether reading `entry` would pass the checks read() makes before it
  /// allocates (method, sizes, the read limits), without reading it.
  bool within_limits(const zip_entry& entry) const noexcept {
    try {
      check_readable(entry);
      return true;
    } catch (const error&) {
      return false;
    }
  }

  /// Like read(), into `dest`, which must hold exactly uncompressed_size bytes.
  void read_into(const zip_entry& entry, std::span<std::byte> dest) const {
    const std::span<std::byte> outs[] = {dest};
    read_into(entry, outs);
  }

  /// Like read(), into the concatenation of `outs` (a small buffer for a
  /// .npy header, then the array's own memory), which must add up to
  /// uncompressed_size bytes. Large members are copied or inflated and
  /// checked on every core; a member with a chunk map is inflated chunk by
  /// chunk in parallel.
  void read_into(const zip_entry& entry, std::span<const std::span<std::byte>> outs) const {
    check_readable(entry);
    ++content_reads_;
    std::uint64_t total = 0;
    for (auto o : outs) total += o.size();
    if (total != entry.uncompressed_size)
      fail("destination holds " + std::to_string(total) + " bytes, member has " +
               std::to_string(entry.uncompressed_size),
           entry.name);
    const std::span<const std::byte> payload = raw(entry);
    std::uint32_t crc = 0;
    if (entry.method == static_cast<std::uint16_t>(zip_method::stored)) {
      crc = copy_and_check(payload, outs);
    } else {
      inflated_ += total;  // within the limit: check_readable
      try {
        if (!inflate_chunks(entry, payload, outs, crc)) {
          inflate_into_pieces(payload, outs);
          crc = check_pieces(outs);
        }
      } catch (const error& e) {
        throw e.with_context(path_, {}, entry.name);
      }
    }
    check_crc(entry, crc);
  }

  /// Whether `entry` carries a chunk map: for_each_inflated_chunk can read it.
  static bool chunked(const zip_entry& entry) noexcept {
    return entry.method == static_cast<std::uint16_t>(zip_method::deflated) && entry.chunk_sizes.size() >= 2;
  }

  /// Inflates a member with a chunk map chunk by chunk on every core, each
  /// into a buffer of the core that inflates it, and right after (while it
  /// is in cache) calls use(k, text_of_chunk_k) -> bool on that core; chunks
  /// are taken in increasing order, so a call may wait for calls on earlier
  /// chunks. No buffer of the whole member is made. The size and CRC-32 are
  /// verified at the end (an error names the file and member). False if the
  /// member has no chunk map, a chunk does not inflate on its own, or `use`
  /// said no or threw (the caller's whole-member path then decides);
  /// `abandon(k)` is called for each chunk not handed to `use`, or whose
  /// `use` threw, so that nothing waits for it.
  template <class Use, class Abandon>
  bool for_each_inflated_chunk(const zip_entry& entry, Use&& use, Abandon&& abandon) const {
    if (!chunked(entry)) return false;
    check_readable(entry);
    ++content_reads_;
    inflated_ += entry.uncompressed_size;  // within the limit: check_readable
    const std::span<const std::byte> payload = raw(entry);
    const std::size_t count = entry.chunk_sizes.size();
    const std::vector<std::uint64_t> starts = chunk_starts(entry);
    std::vector<std::uint32_t> crcs(count, 0);
    std::atomic<bool> ok{true};
    // One buffer per core at work, reused from chunk to chunk.
    std::mutex pool_mutex;
    std::vector<std::unique_ptr<std::byte[]>> pool;
    const auto chunk_bytes = static_cast<std::size_t>(entry.chunk_size);
    auto inflate_and_use = [&](std::size_t k) {
      std::unique_ptr<std::byte[]> buffer;
      {
        std::lock_guard<std::mutex> lock(pool_mutex);
        if (!pool.empty()) {
          buffer = std::move(pool.back());
          pool.pop_back();
        }
      }
      if (!buffer) buffer = std::make_unique_for_overwrite<std::byte[]>(chunk_bytes);
      const std::span<std::byte> dest(buffer.get(), static_cast<std::size_t>(chunk_length(entry, k)));
      const auto chunk = payload.subspan(static_cast<std::size_t>(starts[k]), entry.chunk_sizes[k]);
      bool used = false;
      if (inflate_chunk(chunk, dest, k + 1 == count)) {
        release_mapped(chunk);
        crcs[k] = crc32_update(0, dest);
        used = true;
        if (!use(k, std::span<const std::byte>(dest))) ok = false;
      }
      std::lock_guard<std::mutex> lock(pool_mutex);
      pool.push_back(std::move(buffer));
      if (!used) {
        ok = false;
        abandon(k);
      }
    };
    parallel_for(count, [&](std::size_t k) {
      if (!ok.load(std::memory_order_relaxed)) {
        abandon(k);
        return;
      }
      try {
        inflate_and_use(k);
      } catch (...) {
        ok = false;
        abandon(k);
      }
    });
    if (!ok) {
      inflated_ -= entry.uncompressed_size;  // the caller's whole-member read counts it again
      return false;
    }
    check_crc(entry, combined_crc(entry, crcs));
    return true;
  }

 private:
  // Members this large are copied, inflated and checked on every core.
  static constexpr std::uint64_t parallel_threshold = std::uint64_t{16} << 20;

  /// Splits [0, total) into one range per worker (none below the threshold).
  static std::size_t parts_for(std::uint64_t total) noexcept {
    return total >= parallel_threshold ? worker_count() : 1;
  }

  /// CRC-32 of the concatenation of `outs`, computed on every core.
  static std::uint32_t check_pieces(std::span<const std::span<std::byte>> outs) {
    std::uint64_t total = 0;
    for (auto o : outs) total += o.size();
    const std::size_t parts = parts_for(total);
    std::vector<std::uint32_t> crcs(parts, 0);
    std::vector<std::uint64_t> sizes(parts, 0);
    parallel_for(parts, [&](std::size_t p) {
      const std::uint64_t from = total * p / parts, to = total * (p + 1) / parts;
      sizes[p] = to - from;
      for (auto piece : slice_pieces(outs, from, to)) crcs[p] = crc32_update(crcs[p], piece);
    });
    std::uint32_t crc = 0;
    for (std::size_t p = 0; p < parts; ++p) crc = crc32_concat(crc, crcs[p], sizes[p]);
    return crc;
  }

  static std::uint32_t check_bytes(std::span<const std::byte> bytes) {
    // Read only: the const_cast gives check_pieces its span type, nothing writes.
    const std::span<std::byte> outs[] = {{const_cast<std::byte*>(bytes.data()), bytes.size()}};
    return check_pieces(outs);
  }

  /// Copies a stored payload into `outs` and returns its CRC-32: each core a
  /// range, checking each MiB right after copying it (while it is in cache).
  static std::uint32_t copy_and_check(std::span<const std::byte> payload, std::span<const std::span<std::byte>> outs) {
    const std::uint64_t total = payload.size();
    const std::size_t parts = parts_for(total);
    const bool release = total >= parallel_threshold;
    std::vector<std::uint32_t> crcs(parts, 0);
    parallel_for(parts, [&](std::size_t p) {
      const std::uint64_t from = total * p / parts, to = total * (p + 1) / parts;
      std::uint64_t at = from;
      for (auto piece : slice_pieces(outs, from, to)) {
        constexpr std::size_t step = std::size_t{1} << 20;
        for (std::size_t done = 0; done < piece.size(); done += step) {
          const std::size_t n = std::min(step, piece.size() - done);
          std::memcpy(piece.data() + done, payload.data() + at, n);
          crcs[p] = crc32_update(crcs[p], piece.subspan(done, n));
          if (release) release_mapped(payload.subspan(at, n));
          at += n;
        }
      }
    });
    std::uint32_t crc = 0;
    for (std::size_t p = 0; p < parts; ++p) crc = crc32_concat(crc, crcs[p], total * (p + 1) / parts - total * p / parts);
    return crc;
  }

  /// Lets the process give back the mapped pages of `bytes` once read: a
  /// large member read into its destination then costs the destination
  /// alone, not also the mapped file (the pages stay in the page cache, and
  /// a later access maps them again).
  static void release_mapped(std::span<const std::byte> bytes) noexcept {
#if ZANJ_HAVE_MADVISE
    static const std::uintptr_t page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = (reinterpret_cast<std::uintptr_t>(bytes.data()) + page - 1) / page * page;
    const auto end = (reinterpret_cast<std::uintptr_t>(bytes.data()) + bytes.size()) / page * page;
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
#else
    (void)bytes;
#endif
  }

  /// Where each chunk of a member with a chunk map starts in its payload.
  static std::vector<std::uint64_t> chunk_starts(const zip_entry& entry) {
    std::vector<std::uint64_t> starts(entry.chunk_sizes.size(), 0);
    for (std::size_t k = 1; k < starts.size(); ++k) starts[k] = starts[k - 1] + entry.chunk_sizes[k - 1];
    return starts;
  }

  /// How many bytes chunk k inflates to (the last one may be short).
  static std::uint64_t chunk_length(const zip_entry& entry, std::size_t k) noexcept {
    const std::uint64_t from = k * entry.chunk_size;
    return std::min(entry.uncompressed_size, from + entry.chunk_size) - from;
  }

  /// The CRC-32 of the member from those of its chunks.
  static std::uint32_t combined_crc(const zip_entry& entry, const std::vector<std::uint32_t>& crcs) noexcept {
    std::uint32_t crc = 0;
    for (std::size_t k = 0; k < crcs.size(); ++k) crc = crc32_concat(crc, crcs[k], chunk_length(entry, k));
    return crc;
  }

  /// Fails unless `crc` is the CRC-32 the member declares.
  void check_crc(const zip_entry& entry, std::uint32_t crc) const {
    if (crc != entry.crc32)
      fail("CRC-32 mismatch (stored " + hex32(entry.crc32) + ", computed " + hex32(crc) + ")", entry.name);
  }

  /// Inflates a member with a chunk map, its chunks on every core, and sets
  /// `crc`. False if it has none, or a chunk does not decode on its own (the
  /// caller then inflates the member as one stream, which decides).
  static bool inflate_chunks(const zip_entry& entry, std::span<const std::byte> payload,
                             std::span<const std::span<std::byte>> outs, std::uint32_t& crc) {
    const std::size_t count = entry.chunk_sizes.size();
    if (count < 2) return false;
    const std::vector<std::uint64_t> starts = chunk_starts(entry);
    std::vector<std::uint32_t> crcs(count, 0);
    std::atomic<bool> ok{true};
    parallel_for(count, [&](std::size_t k) {
      if (!ok) return;
      const std::uint64_t from = k * entry.chunk_size;
      const auto dest = slice_pieces(outs, from, from + chunk_length(entry, k));
      const auto chunk = payload.subspan(static_cast<std::size_t>(starts[k]), entry.chunk_sizes[k]);
      if (!inflate_chunk(chunk, dest, k + 1 == count)) {
        ok = false;
        return;
      }
      release_mapped(chunk);
      for (auto piece : dest) crcs[k] = crc32_update(crcs[k], piece);
    });
    if (!ok) return false;
    crc = combined_crc(entry, crcs);
    return true;
  }

  /// Reads a chunk map from the local header's extra field; one that does
  /// not match the member exactly is ignored (it only speeds reading up).
  static void read_chunk_map(zip_entry& entry, std::span<const std::byte> extra) noexcept {
    if (entry.method != static_cast<std::uint16_t>(zip_method::deflated)) return;
    std::size_t pos = 0;
    while (extra.size() - pos >= 4) {
      const std::uint16_t id = load_le16(extra.data() + pos);
      const std::size_t size = load_le16(extra.data() + pos + 2);
      pos += 4;
      if (size > extra.size() - pos) return;
      if (id == zip_chunk_map_extra_id && size >= 12 && (size - 8) % 4 == 0) {
        const std::byte* field = extra.data() + pos;
        const std::uint64_t chunk = load_le64(field);
        const std::size_t count = (size - 8) / 4;
        if (chunk == 0 || count > zip_chunk_map_max_chunks || entry.uncompressed_size == 0 ||
            (entry.uncompressed_size - 1) / chunk + 1 != count)
          return;
        std::vector<std::uint32_t> sizes(count);
        std::uint64_t sum = 0;
        for (std::size_t k = 0; k < count; ++k) sum += sizes[k] = load_le32(field + 8 + 4 * k);
        if (sum != entry.compressed_size) return;
        entry.chunk_size = chunk;
        entry.chunk_sizes = std::move(sizes);
        return;
      }
      pos += size;
    }
  }

  struct directory_location {
    std::uint64_t offset = 0, size = 0, entry_count = 0;
    std::uint64_t end_limit = 0;  // where the records after the central directory begin
  };

  // Heterogeneous lookup: find(string_view) without building a std::string.
  struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  [[noreturn]] void fail(std::string reason, std::string member = {}) const {
    throw error(std::move(reason), path_, {}, std::move(member));
  }

  static std::string hex32(std::uint32_t v) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s(8, '0');
    for (int i = 7; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 0xF];
    return s;
  }

  const std::byte* bytes() const noexcept { return reinterpret_cast<const std::byte*>(map_.data()); }

  void map_file() {
    std::error_code ec;
    const auto status = std::filesystem::status(path_, ec);
    if (ec) fail("cannot open: " + ec.message());
    if (!std::filesystem::is_regular_file(status)) fail("cannot open: not a regular file");
    const std::uintmax_t size = std::filesystem::file_size(path_, ec);
    if (ec) fail("cannot open: " + ec.message());
    if (size < zip_eocd_size) fail("not a zip archive (file is only " + std::to_string(size) + " bytes)");
    try {
      map_.open(path_.string());
    } catch (const std::exception& e) {
      fail(std::string("cannot map file: ") + e.what());
    }
    if (!map_.is_open()) fail("cannot map file");
    size_ = map_.size();
    if (size_ < zip_eocd_size) fail("not a zip archive (file shrank while opening)");
  }

  directory_location locate_central_directory() const {
    // The end-of-central-directory record sits at the very end, after a comment
    // of up to 64 KiB; its comment length must reach exactly to the end.
    const std::uint64_t last = size_ - zip_eocd_size;
    const std::uint64_t first = last > zip_max_comment_size ? last - zip_max_comment_size : 0;
    std::uint64_t eocd = 0;
    bool found = false;
    for (std::uint64_t pos = last + 1; pos-- > first;) {
      const std::byte* p = bytes() + pos;
      if (load_le32(p) == zip_eocd_signature && pos + zip_eocd_size + load_le16(p + 20) == size_) {
        eocd = pos;
        found = true;
        break;
      }
    }
    if (!found) fail("not a zip archive (no end of central directory record)");

    const std::byte* e = bytes() + eocd;
    directory_location dir;
    const std::uint16_t disk = load_le16(e + 4), directory_disk = load_le16(e + 6);
    const std::uint16_t disk_entries = load_le16(e + 8);
    dir.entry_count = load_le16(e + 10);
    dir.size = load_le32(e + 12);
    dir.offset = load_le32(e + 16);
    dir.end_limit = eocd;

    const bool has_locator =
        eocd >= zip64_locator_size && load_le32(bytes() + eocd - zip64_locator_size) == zip64_locator_signature;
    if (has_locator) {
      const std::byte* loc = bytes() + eocd - zip64_locator_size;
      const std::uint32_t record_disk = load_le32(loc + 4), disk_count = load_le32(loc + 16);
      const std::uint64_t record = load_le64(loc + 8);
      if (record_disk != 0 || disk_count > 1) fail("multi-disk archives are not supported");
      const std::uint64_t locator_pos = eocd - zip64_locator_size;
      if (record > locator_pos || locator_pos - record < zip64_eocd_size)
        fail("Zip64 end of central directory record lies outside the file");
      const std::byte* r = bytes() + record;
      if (load_le32(r) != zip64_eocd_signature) fail("bad Zip64 end of central directory signature");
      if (load_le32(r + 16) != 0 || load_le32(r + 20) != 0) fail("multi-disk archives are not supported");
      if (load_le64(r + 24) != load_le64(r + 32)) fail("multi-disk archives are not supported");
      dir.entry_count = load_le64(r + 32);
      dir.size = load_le64(r + 40);
      dir.offset = load_le64(r + 48);
      dir.end_limit = record;
    } else if (disk != 0 || directory_disk != 0 || disk_entries != dir.entry_count) {
      fail("multi-disk archives are not supported");
    }

    if (dir.size > dir.end_limit || dir.offset > dir.end_limit - dir.size)
      fail("central directory (offset " + std::to_string(dir.offset) + ", size " + std::to_string(dir.size) +
           ") lies outside the file");
    if (dir.entry_count > dir.size / zip_central_header_size)
      fail("central directory too small for " + std::to_string(dir.entry_count) + " entries");
    if (dir.entry_count > limits_.max_members)
      fail("the zip directory lists " + std::to_string(dir.entry_count) + " members, " +
           over_limit(limits_.max_members, "max_members"));
    return dir;
  }

  // Returns the names as stored (bytes), which the local headers must repeat.
  std::vector<std::string> parse_central_directory(const directory_location& dir) {
    // Bounded by the size and limit checks above.
    entries_.reserve(static_cast<std::size_t>(dir.entry_count));
    index_.reserve(static_cast<std::size_t>(dir.entry_count));
    std::vector<std::string> stored_names;
    stored_names.reserve(static_cast<std::size_t>(dir.entry_count));
    const std::uint64_t end = dir.offset + dir.size;
    std::uint64_t pos = dir.offset;
    for (std::uint64_t i = 0; i < dir.entry_count; ++i) {
      if (end - pos < zip_central_header_size) fail("central directory truncated at entry " + std::to_string(i));
      const std::byte* h = bytes() + pos;
      if (load_le32(h) != zip_central_header_signature)
        fail("bad central directory signature at entry " + std::to_string(i));
      const std::size_t name_size = load_le16(h + 28), extra_size = load_le16(h + 30),
                        comment_size = load_le16(h + 32);
      if (end - pos - zip_central_header_size < name_size + extra_size + comment_size)
        fail("central directory entry " + std::to_string(i) + " overruns the directory");

      zip_entry entry;
      std::string stored_name(reinterpret_cast<const char*>(h + zip_central_header_size), name_size);
      entry.flags = load_le16(h + 8);
      entry.method = load_le16(h + 10);
      entry.dos_time = load_le16(h + 12);
      entry.dos_date = load_le16(h + 14);
      entry.crc32 = load_le32(h + 16);
      entry.compressed_size = load_le32(h + 20);
      entry.uncompressed_size = load_le32(h + 24);
      entry.local_header_offset = load_le32(h + 42);
      std::uint32_t start_disk = load_le16(h + 34);
      apply_zip64_extra(entry, start_disk,
                        std::span<const std::byte>(h + zip_central_header_size + name_size, extra_size));

      // As Python's zipfile: UTF-8 when flagged so (and then it must be),
      // else code page 437.
      if (!(entry.flags & zip_flag_utf8))
        entry.name = cp437_to_utf8(stored_name);
      else if (is_valid_utf8(stored_name))
        entry.name = stored_name;
      else
        fail("member name is not valid UTF-8, although its UTF-8 flag is set", escape_invalid_utf8(stored_name));

      if (start_disk != 0) fail("multi-disk archives are not supported", entry.name);
      if (entry.flags & zip_flag_encrypted) fail("encrypted members are not supported", entry.name);
      if (!index_.emplace(entry.name, entries_.size()).second) fail("duplicate member name", entry.name);
      entries_.push_back(std::move(entry));
      stored_names.push_back(std::move(stored_name));
      pos += zip_central_header_size + name_size + extra_size + comment_size;
    }
    return stored_names;
  }

  // Replaces the 32-bit fields that hold the sentinel by their 64-bit values
  // from the Zip64 extra, which lists only those fields, in this order.
  void apply_zip64_extra(zip_entry& entry, std::uint32_t& start_disk, std::span<const std::byte> extra) const {
    std::size_t pos = 0;
    while (extra.size() - pos >= 4) {  // a tail shorter than a field header is tolerated as padding
      const std::uint16_t id = load_le16(extra.data() + pos);
      const std::size_t size = load_le16(extra.data() + pos + 2);
      pos += 4;
      if (size > extra.size() - pos) fail("malformed extra field in central directory", entry.name);
      if (id == zip64_extra_id) {
        const std::byte* field = extra.data() + pos;
        std::size_t used = 0;
        const auto take = [&](std::size_t width) -> std::uint64_t {
          if (size - used < width) fail("Zip64 extra field too short", entry.name);
          const std::uint64_t v = width == 8 ? load_le64(field + used) : load_le32(field + used);
          used += width;
          return v;
        };
        if (entry.uncompressed_size == zip32_sentinel) entry.uncompressed_size = take(8);
        if (entry.compressed_size == zip32_sentinel) entry.compressed_size = take(8);
        if (entry.local_header_offset == zip32_sentinel) entry.local_header_offset = take(8);
        if (start_disk == zip16_sentinel) start_disk = static_cast<std::uint32_t>(take(4));
      }
      pos += size;
    }
  }

  // Validates the local header and finds where the payload starts. Its sizes
  // and CRC are not used: the central directory is authoritative (they are
  // zero with data descriptors), and its extra may hold a Zip64 field the
  // central directory lacks, or padding.
  void locate_payload(zip_entry& entry, std::string_view stored_name, std::uint64_t directory_offset) const {
    const std::uint64_t limit = directory_offset;  // members precede the central directory
    if (entry.local_header_offset > limit || limit - entry.local_header_offset < zip_local_header_size)
      fail("local header offset " + std::to_string(entry.local_header_offset) + " lies outside the member area",
           entry.name);
    const std::byte* h = bytes() + entry.local_header_offset;
    if (load_le32(h) != zip_local_header_signature) fail("bad local header signature", entry.name);
    const std::size_t name_size = load_le16(h + 26), extra_size = load_le16(h + 28);
    const std::uint64_t after_fixed = entry.local_header_offset + zip_local_header_size;
    if (limit - after_fixed < name_size + extra_size) fail("local header overruns the member area", entry.name);
    if (std::string_view(reinterpret_cast<const char*>(h + zip_local_header_size), name_size) != stored_name)
      fail("local header name differs from the central directory", entry.name);
    entry.data_offset = after_fixed + name_size + extra_size;
    read_chunk_map(entry, std::span<const std::byte>(h + zip_local_header_size + name_size, extra_size));
    if (entry.compressed_size > limit - entry.data_offset)
      fail("member data (" + std::to_string(entry.compressed_size) + " bytes) extends past the member area",
           entry.name);
  }

  // Each member's bytes (local header to end of data) must be its own: two
  // directory entries sharing data, or a local header inside another
  // member's data, let a small file inflate many times over (the zip bomb
  // by overlap) and are never written by a real zip writer.
  void refuse_overlapping_members() const {
    std::vector<const zip_entry*> by_offset;
    by_offset.reserve(entries_.size());
    for (const zip_entry& e : entries_) by_offset.push_back(&e);
    std::sort(by_offset.begin(), by_offset.end(),
              [](const zip_entry* a, const zip_entry* b) { return a->local_header_offset < b->local_header_offset; });
    for (std::size_t i = 1; i < by_offset.size(); ++i) {
      const zip_entry& before = *by_offset[i - 1];
      const zip_entry& after = *by_offset[i];
      const std::uint64_t before_end = before.data_offset + before.compressed_size;
      if (after.local_header_offset < before_end)
        fail("overlaps member '" + before.name + "': its local header at offset " +
                 std::to_string(after.local_header_offset) + " lies inside bytes " +
                 std::to_string(before.local_header_offset) + ".." + std::to_string(before_end) +
                 " (overlapping members are refused)",
             after.name);
    }
  }

  // Rejects what cannot be read, and sizes no real stream could have,
  // before anything is allocated for the content.
  void check_readable(const zip_entry& entry) const {
    if (entry.method == static_cast<std::uint16_t>(zip_method::stored)) {
      if (entry.compressed_size != entry.uncompressed_size)
        fail("stored member has compressed size " + std::to_string(entry.compressed_size) +
                 " but uncompressed size " + std::to_string(entry.uncompressed_size),
             entry.name);
    } else if (entry.method == static_cast<std::uint16_t>(zip_method::deflated)) {
      // Deflate expands at most ~1032:1; beyond the limit is a lie or a bomb.
      std::uint64_t most = 0;
      if (!__builtin_mul_overflow(entry.compressed_size, limits_.max_compression_ratio, &most) &&
          entry.uncompressed_size > most)
        fail("declared uncompressed size " + std::to_string(entry.uncompressed_size) + " for " +
                 std::to_string(entry.compressed_size) + " compressed bytes is a ratio " +
                 over_limit(limits_.max_compression_ratio, "max_compression_ratio"),
             entry.name);
    } else {
      fail("unsupported compression method " + std::to_string(entry.method) + " (only stored and deflate)",
           entry.name);
    }
    if (entry.uncompressed_size > limits_.max_member_size)
      fail("declared uncompressed size " + std::to_string(entry.uncompressed_size) + " is " +
               over_limit(limits_.max_member_size, "max_member_size", "bytes"),
           entry.name);
    if (entry.method == static_cast<std::uint16_t>(zip_method::deflated) &&
        entry.uncompressed_size > limits_.max_total_inflated - std::min(inflated_, limits_.max_total_inflated))
      fail("inflating its " + std::to_string(entry.uncompressed_size) + " bytes after " + std::to_string(inflated_) +
               " already inflated by this read would go " +
               over_limit(limits_.max_total_inflated, "max_total_inflated", "bytes"),
           entry.name);
    if (entry.uncompressed_size > std::vector<std::byte>().max_size())
      fail("member too large for memory", entry.name);
  }

  std::filesystem::path path_;
  read_limits limits_;
  boost::iostreams::mapped_file_source map_;
  mutable std::size_t content_reads_ = 0;
  mutable std::uint64_t inflated_ = 0;
  std::uint64_t size_ = 0;
  std::vector<zip_entry> entries_;
  std::unordered_map<std::string, std::size_t, name_hash, std::equal_to<>> index_;
};

}  // namespace zanj::detail
