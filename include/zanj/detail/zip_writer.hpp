// Writes zip archives member by member, streaming each payload once: the
// local header is written with provisional CRC/sizes and patched in place
// when the member ends (no data descriptors, like the Python reference).
// POSIX file I/O; small writes are gathered in a buffer, large ones bypass it.
//
// A member handed over whole (add_member, add_member_pieces) takes the fast paths: stored, its
// space is allocated first (fallocate, as np.save does) and its CRC computed
// on another core while it is written, straight from the caller's memory;
// deflated, a large one is first sampled (stored if deflate would not
// shrink it by 15%), then compressed in independent chunks on every core,
// whose compressed sizes go into a chunk-map extra field (zip_common.hpp) so
// that zip_reader can inflate them in parallel too; a small one (under 1 MiB)
// is deflated whole in memory, possibly ahead on another core
// (deflate_whole), and always has method deflate, as the reference writes
// it; when deflate would not shrink it by 15%, its deflate stream is made of
// stored blocks, which inflate at the cost of a copy.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "zanj/detail/deflate.hpp"
#include "zanj/detail/parallel.hpp"
#include "zanj/detail/zip_common.hpp"
#include "zanj/error.hpp"

namespace zanj::detail {

namespace testing {

/// The system calls through which zip_writer puts an archive on disk.
enum class io_call { write, pwrite, fsync, close };

/// Fault injection for tests (tests/test_fault_injection.cpp); never set by
/// the library. When non-null, zip_writer calls it before each write, pwrite
/// and fsync of an archive it writes, and after its close; a nonzero return
/// is an errno value with which that call then fails (the call is not made,
/// except close, which always releases the descriptor). Process-wide, not
/// synchronized: set it only while no other thread writes an archive.
inline int (*zip_io_fault)(io_call) = nullptr;

}  // namespace testing

struct zip_member_options {
  zip_method method = zip_method::deflated;
  int level = -1;  // zlib level, -1 = zlib default
  // Write a 16-byte Zip64 extra (u64 uncompressed, u64 compressed size) in the
  // local header, as the reference does for external members. The 32-bit
  // fields still hold the real sizes while they fit.
  bool zip64_local_extra = false;
  std::uint64_t size_hint = 0;  // expected uncompressed size, 0 = unknown; >= 4 GiB forces zip64_local_extra
  // If > 0 (at most 32768) and the member is stored, pad the local header's
  // extra field (zipalign id 0xD935) so the payload starts at a file offset
  // that is a multiple of `align`, which allows zero-copy views.
  std::size_t align = 0;
  std::uint16_t dos_time = 0, dos_date = (0 << 9) | (1 << 5) | 1;  // 1980-01-01 00:00:00
};

class zip_writer {
 public:
  /// Creates or truncates `file`.
  explicit zip_writer(const std::filesystem::path& file) : path_(file) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd_ < 0) fail_errno("cannot create file");
    buffer_.reserve(buffer_capacity);
  }

  zip_writer(const zip_writer&) = delete;
  zip_writer& operator=(const zip_writer&) = delete;
  zip_writer(zip_writer&& other) noexcept
      : path_(std::move(other.path_)),
        fd_(std::exchange(other.fd_, -1)),
        buffer_(std::move(other.buffer_)),
        flushed_(other.flushed_),
        entries_(std::move(other.entries_)),
        names_(std::move(other.names_)),
        current_(std::move(other.current_)),
        finished_(other.finished_),
        force_zip64_(other.force_zip64_),
        sync_(other.sync_) {}
  zip_writer& operator=(zip_writer&&) = delete;

  /// Closes the file if still open; the archive is left unfinished (invalid).
  ~zip_writer() {
    if (fd_ >= 0) ::close(fd_);
  }

  /// Starts a member; its local header is written with provisional CRC and sizes.
  void begin_member(std::string name, const zip_member_options& options = {}) { start_member(std::move(name), options, 0); }

  /// Appends payload to the current member (deflating it if so configured).
  void write(std::span<const std::byte> data) {
    if (!current_) fail("write() without an open member");
    member_state& m = *current_;
    m.entry.crc32 = crc32_update(m.entry.crc32, data);
    m.entry.uncompressed_size += data.size();
    if (m.deflater) {
      try {
        m.deflater->write(data, [&](std::span<const std::byte> out) { append_compressed(out); });
      } catch (const error& e) {
        throw e.with_context(path_, {}, m.entry.name);
      }
    } else {
      append_compressed(data);
    }
  }

  /// Ends the current member: flushes the compressor and patches the local header.
  void end_member() {
    if (!current_) fail("end_member() without an open member");
    member_state& m = *current_;
    if (m.deflater) {
      try {
        m.deflater->finish([&](std::span<const std::byte> out) { append_compressed(out); });
      } catch (const error& e) {
        throw e.with_context(path_, {}, m.entry.name);
      }
      m.deflater.reset();
    }
    if (!m.zip64_local && (m.entry.uncompressed_size >= zip32_sentinel || m.entry.compressed_size >= zip32_sentinel))
      fail("member reached 4 GiB without a Zip64 local extra (set zip64_local_extra or size_hint)", m.entry.name);
    patch(m.entry.local_header_offset, local_header(m));
    entries_.push_back(std::move(m.entry));
    current_.reset();
  }

  /// A member's content deflated whole, in memory, with its CRC-32.
  struct deflated_whole {
    std::vector<std::byte> bytes;
    std::uint32_t crc = 0;
  };

  /// begin_member + write + end_member, by the fast paths of add_member_pieces below.
  void add_member(std::string name, std::span<const std::byte> data, const zip_member_options& options = {}) {
    const std::span<const std::byte> pieces[] = {data};
    add_member_pieces(std::move(name), pieces, options);
  }

  /// A whole member whose content is `pieces`, one after the other (a .npy
  /// header and the caller's array, or one piece per column of a strided
  /// matrix), written from where they are. See the top of this file.
  void add_member_pieces(std::string name, std::span<const std::span<const std::byte>> pieces,
                         zip_member_options options = {}, const deflated_whole* ready = nullptr) {
    const gathered_bytes input(pieces);
    const std::uint64_t total = input.size();
    options.size_hint = std::max(options.size_hint, total);
    std::optional<deflated_whole> own;
    if (options.method == zip_method::deflated) {
      if (deflates_whole(total)) {
        if (!ready) {
          try {
            own = deflate_whole(pieces, options.level);
          } catch (const error& e) {
            throw e.with_context(path_, {}, name);
          }
          ready = &*own;
        }
      } else if (!deflate_pays(input, options.level)) {
        options.method = zip_method::stored;
      }
    }
    if (options.method == zip_method::stored) {
      start_member(std::move(name), options, 0);
      write_stored(pieces, total);
    } else if (ready) {
      start_member(std::move(name), options, 0, false);
      current_->entry.crc32 = ready->crc;
      current_->entry.uncompressed_size = total;
      append_compressed(ready->bytes);
    } else if (total >= parallel_threshold && worker_count() > 1) {
      const std::uint64_t chunk = chunk_size_for(total);
      start_member(std::move(name), options, static_cast<std::size_t>((total + chunk - 1) / chunk));
      write_chunked(input, options.level, chunk);
    } else {
      start_member(std::move(name), options, 0);
      for (auto piece : pieces)
        if (!piece.empty()) write(piece);
    }
    end_member();
  }

  /// Whether add_member_pieces deflates a member of `total` bytes whole, in
  /// memory (and so may be handed it deflated ahead, by deflate_whole).
  static constexpr bool deflates_whole(std::uint64_t total) noexcept { return total < sample_threshold; }

  /// Deflates the concatenation of `pieces` at `level`; thread-safe, so that
  /// many small members can be compressed on every core before they are
  /// written in order.
  static deflated_whole deflate_whole(std::span<const std::span<const std::byte>> pieces, int level) {
    deflated_whole d;
    deflate_stream stream(level);
    auto append = [&](std::span<const std::byte> out) { d.bytes.insert(d.bytes.end(), out.begin(), out.end()); };
    for (auto piece : pieces) {
      if (piece.empty()) continue;
      d.crc = crc32_update(d.crc, piece);
      stream.write(piece, deflate_flush::none, append);
    }
    stream.write({}, deflate_flush::finish, append);
    // Below a few KiB inflating costs next to nothing: such members stay as deflate made them.
    const gathered_bytes input(pieces);
    if (input.size() >= 4096 && !shrinks_enough(input.size(), d.bytes.size())) d.bytes = deflate_as_stored_blocks(input);
    return d;
  }

  /// Whether finish() syncs the file to the disk (fsync, the default) before
  /// closing it. Off, the data is in the page cache and reaches the disk when
  /// the kernel writes it back: fast, but not proof against a power loss.
  void sync_on_finish(bool on) noexcept { sync_ = on; }

  /// Writes the central directory and end records, then syncs and closes the file.
  void finish() {
    if (finished_) fail("archive already finished");
    if (current_) fail("finish() while member is still open", current_->entry.name);

    const std::uint64_t directory_offset = offset();
    for (const zip_entry& entry : entries_) append(central_header(entry));
    const std::uint64_t directory_size = offset() - directory_offset;
    const std::uint64_t count = entries_.size();

    std::vector<std::byte> tail;
    const bool zip64 = force_zip64_ || count >= zip16_sentinel || directory_offset >= zip32_sentinel ||
                       directory_size >= zip32_sentinel;
    if (zip64) {
      const std::uint64_t record_offset = offset();
      append_le32(tail, zip64_eocd_signature);
      append_le64(tail, zip64_eocd_size - 12);  // size of the rest of the record
      append_le16(tail, zip_version_made_by);
      append_le16(tail, zip_version_needed_zip64);
      append_le32(tail, 0);  // this disk
      append_le32(tail, 0);  // disk holding the central directory
      append_le64(tail, count);
      append_le64(tail, count);
      append_le64(tail, directory_size);
      append_le64(tail, directory_offset);
      append_le32(tail, zip64_locator_signature);
      append_le32(tail, 0);  // disk holding the Zip64 record
      append_le64(tail, record_offset);
      append_le32(tail, 1);  // total disks
    }
    const auto count16 = static_cast<std::uint16_t>(count >= zip16_sentinel || force_zip64_ ? zip16_sentinel : count);
    const auto dir_size32 = force_zip64_ ? zip32_sentinel : zip32_or_sentinel(directory_size);
    const auto dir_offset32 = force_zip64_ ? zip32_sentinel : zip32_or_sentinel(directory_offset);
    append_le32(tail, zip_eocd_signature);
    append_le16(tail, 0);  // this disk
    append_le16(tail, 0);  // disk holding the central directory
    append_le16(tail, count16);
    append_le16(tail, count16);
    append_le32(tail, dir_size32);
    append_le32(tail, dir_offset32);
    append_le16(tail, 0);  // comment length
    append(tail);

    flush_buffer();
    if (sync_ && (injected_fault(testing::io_call::fsync) || ::fsync(fd_) != 0)) fail_errno("fsync failed");
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0 || injected_fault(testing::io_call::close)) fail_errno("close failed");
    finished_ = true;
  }

  /// Completed members, in the order written.
  const std::vector<zip_entry>& entries() const noexcept { return entries_; }

  /// Testing aid: write Zip64 central extras for every size/offset and the
  /// Zip64 end records even when nothing overflows.
  void force_zip64_for_testing(bool on = true) noexcept { force_zip64_ = on; }

 private:
  static constexpr std::size_t buffer_capacity = std::size_t{1} << 20;
  static constexpr std::size_t max_align = 32768;
  static constexpr std::size_t max_write_step = std::size_t{1} << 30;
  // With sync on, data is written in steps of this size and each one's
  // writeback started at once, so that the disk works while the next is copied.
  static constexpr std::size_t sync_write_step = std::size_t{32} << 20;
  // Deflated members this large are sampled first (deflate_pays).
  static constexpr std::uint64_t sample_threshold = std::uint64_t{1} << 20;
  // Members this large are compressed in chunks on every core, stored ones
  // written while another core computes their CRC.
  static constexpr std::uint64_t parallel_threshold = std::uint64_t{16} << 20;
  static constexpr std::uint64_t min_chunk_size = std::uint64_t{8} << 20;

  struct member_state {
    zip_entry entry;
    bool zip64_local = false;
    std::size_t align = 0;
    std::unique_ptr<raw_deflater> deflater;
    std::size_t chunk_slots = 0;            // entries reserved for the chunk map (0: none)
    std::uint64_t chunk_size = 0;           // uncompressed bytes per chunk
    std::vector<std::uint32_t> chunk_sizes;  // compressed size of each chunk so far
  };

  /// `streaming`: a deflated member gets a compressor for write() (not one
  /// written in chunks or deflated ahead).
  void start_member(std::string name, const zip_member_options& options, std::size_t chunk_slots,
                    bool streaming = true) {
    if (finished_) fail("archive already finished", name);
    if (current_) fail("member '" + current_->entry.name + "' is still open", name);
    if (name.empty()) fail("empty member name");
    if (name.size() > 0xFFFF) fail("member name longer than 65535 bytes", name);
    if (names_.contains(name)) fail("duplicate member name", name);
    if (options.method != zip_method::stored && options.method != zip_method::deflated)
      fail("unsupported compression method " + std::to_string(static_cast<unsigned>(options.method)), name);
    if (options.align > max_align) fail("alignment above " + std::to_string(max_align), name);

    member_state m;
    m.entry.name = std::move(name);
    m.entry.method = static_cast<std::uint16_t>(options.method);
    m.entry.flags = is_ascii(m.entry.name) ? 0 : zip_flag_utf8;
    m.entry.dos_time = options.dos_time;
    m.entry.dos_date = options.dos_date;
    m.entry.local_header_offset = offset();
    m.zip64_local = options.zip64_local_extra || options.size_hint >= zip32_sentinel;
    m.align = options.method == zip_method::stored ? options.align : 0;
    m.chunk_slots = chunk_slots;
    if (options.method == zip_method::deflated && chunk_slots == 0 && streaming) {
      try {
        m.deflater = std::make_unique<raw_deflater>(options.level);
      } catch (const error& e) {
        throw e.with_context(path_, {}, m.entry.name);
      }
    }
    const std::vector<std::byte> header = local_header(m);
    m.entry.data_offset = m.entry.local_header_offset + header.size();
    append(header);
    names_.insert(m.entry.name);
    current_ = std::move(m);
  }

  /// Chunks of at least 8 MiB, few enough for the chunk map to fit an extra field.
  static std::uint64_t chunk_size_for(std::uint64_t total) noexcept {
    const std::uint64_t by_count = (total + zip_chunk_map_max_chunks - 1) / zip_chunk_map_max_chunks;
    return std::max(min_chunk_size, (by_count + 0xFFFFF) & ~std::uint64_t{0xFFFFF});
  }

  /// Whether deflating `input` is worth its time: three samples of 64 KiB
  /// (start, middle, end), deflated at `level`, must shrink by 15% at least.
  /// Noise-like data (measurements, weights) shrinks by a few percent for
  /// several times the time of writing it.
  static bool deflate_pays(const gathered_bytes& input, int level) {
    constexpr std::uint64_t sample = 64 * 1024;
    const std::uint64_t total = input.size();
    std::uint64_t in = 0, out = 0;
    for (const std::uint64_t at : {std::uint64_t{0}, total / 2 - sample / 2, total - sample}) {
      deflate_stream stream(level);
      auto count = [&](std::span<const std::byte> produced) { out += produced.size(); };
      input.for_each_part(at, at + sample, [&](std::span<const std::byte> part) {
        stream.write(part, deflate_flush::none, count);
        in += part.size();
      });
      stream.write({}, deflate_flush::finish, count);
    }
    return shrinks_enough(in, out);
  }

  /// The storing rule: deflate must shrink data by 15% at least to be kept.
  static constexpr bool shrinks_enough(std::uint64_t in, std::uint64_t out) noexcept { return out * 100 <= in * 85; }

  /// The payload of a stored member: its blocks allocated at once (ext4 then
  /// writes it faster, as np.save finds), its CRC computed on another core
  /// while it is written.
  void write_stored(std::span<const std::span<const std::byte>> pieces, std::uint64_t total) {
    member_state& m = *current_;
    if (total >= sample_threshold) {
      const int err = ::posix_fallocate(fd_, static_cast<off_t>(offset()), static_cast<off_t>(total));
      if (err == ENOSPC) {
        errno = err;
        fail_errno("cannot allocate " + std::to_string(total) + " bytes");
      }  // other errors (a file system without fallocate): write as usual
    }
    std::uint32_t crc = 0;
    auto check = [&] {
      for (auto piece : pieces) crc = crc32_update(crc, piece);
    };
    auto store = [&] {
      for (auto piece : pieces)
        if (!piece.empty()) append(piece);
    };
    if (total >= parallel_threshold && worker_count() > 1)
      parallel_for(2, [&](std::size_t task) { task == 0 ? store() : check(); });
    else {
      check();
      store();
    }
    m.entry.crc32 = crc;
    m.entry.uncompressed_size = m.entry.compressed_size = total;
  }

  /// A large deflated member, as independent chunks compressed on every core.
  void write_chunked(const gathered_bytes& input, int level, std::uint64_t chunk) {
    member_state& m = *current_;
    m.chunk_size = chunk;
    std::uint32_t crc = 0;
    try {
      deflate_in_chunks(input, level, chunk, [&](deflated_chunk&& c) {
        crc = crc32_concat(crc, c.crc, c.input_size);
        m.chunk_sizes.push_back(static_cast<std::uint32_t>(c.bytes.size()));
        append(c.bytes);
        m.entry.compressed_size += c.bytes.size();
      });
    } catch (const error& e) {
      throw e.with_context(path_, {}, m.entry.name);
    }
    m.entry.crc32 = crc;
    m.entry.uncompressed_size = input.size();
  }

  [[noreturn]] void fail(std::string reason, std::string member = {}) const {
    throw error(std::move(reason), path_, {}, std::move(member));
  }
  [[noreturn]] void fail_errno(const std::string& what) const {
    const int err = errno;
    throw error(what + ": " + std::strerror(err), path_, {}, current_ ? current_->entry.name : std::string());
  }

  // True, with errno set, when testing::zip_io_fault fails this call.
  static bool injected_fault(testing::io_call call) noexcept {
    if (testing::zip_io_fault == nullptr) return false;
    const int err = testing::zip_io_fault(call);
    if (err == 0) return false;
    errno = err;
    return true;
  }

  static bool needs_zip64(const zip_entry& e) noexcept {
    return e.uncompressed_size >= zip32_sentinel || e.compressed_size >= zip32_sentinel ||
           e.local_header_offset >= zip32_sentinel;
  }

  // The complete local header (fixed part, name, extras) for the member's
  // current CRC and sizes; its length never changes, so it can be patched.
  static std::vector<std::byte> local_header(const member_state& m) {
    const zip_entry& e = m.entry;
    const bool sizes_overflow = e.uncompressed_size >= zip32_sentinel || e.compressed_size >= zip32_sentinel;
    std::vector<std::byte> h;
    h.reserve(zip_local_header_size + e.name.size() + zip64_local_extra_size + 6 + m.align + 12 + 4 * m.chunk_slots);
    append_le32(h, zip_local_header_signature);
    append_le16(h, needs_zip64(e) ? zip_version_needed_zip64 : zip_version_needed);
    append_le16(h, e.flags);
    append_le16(h, e.method);
    append_le16(h, e.dos_time);
    append_le16(h, e.dos_date);
    append_le32(h, e.crc32);
    append_le32(h, sizes_overflow ? zip32_sentinel : static_cast<std::uint32_t>(e.compressed_size));
    append_le32(h, sizes_overflow ? zip32_sentinel : static_cast<std::uint32_t>(e.uncompressed_size));
    append_le16(h, static_cast<std::uint16_t>(e.name.size()));
    append_le16(h, 0);  // extra length, set below
    append_bytes(h, e.name);
    if (m.zip64_local) {
      append_le16(h, zip64_extra_id);
      append_le16(h, 16);
      append_le64(h, e.uncompressed_size);
      append_le64(h, e.compressed_size);
    }
    if (m.chunk_slots > 0) {
      // Chunk map: u64 uncompressed chunk size, then each chunk's compressed size (u32).
      append_le16(h, zip_chunk_map_extra_id);
      append_le16(h, static_cast<std::uint16_t>(8 + 4 * m.chunk_slots));
      append_le64(h, m.chunk_size);
      for (std::size_t i = 0; i < m.chunk_slots; ++i)
        append_le32(h, i < m.chunk_sizes.size() ? m.chunk_sizes[i] : 0);
    }
    if (m.align > 0) {
      // zipalign layout: u16 alignment, then zero padding (field is >= 6 bytes).
      const std::uint64_t unpadded = e.local_header_offset + h.size() + 6;
      const std::size_t padding = static_cast<std::size_t>((m.align - unpadded % m.align) % m.align);
      append_le16(h, zip_align_extra_id);
      append_le16(h, static_cast<std::uint16_t>(2 + padding));
      append_le16(h, static_cast<std::uint16_t>(m.align));
      h.insert(h.end(), padding, std::byte{0});
    }
    store_le(h.data() + 28, h.size() - zip_local_header_size - e.name.size(), 2);
    return h;
  }

  std::vector<std::byte> central_header(const zip_entry& e) const {
    const bool big_usize = force_zip64_ || e.uncompressed_size >= zip32_sentinel;
    const bool big_csize = force_zip64_ || e.compressed_size >= zip32_sentinel;
    const bool big_offset = force_zip64_ || e.local_header_offset >= zip32_sentinel;
    std::vector<std::byte> extra;
    if (big_usize || big_csize || big_offset) {
      append_le16(extra, zip64_extra_id);
      append_le16(extra, static_cast<std::uint16_t>(8 * (big_usize + big_csize + big_offset)));
      if (big_usize) append_le64(extra, e.uncompressed_size);
      if (big_csize) append_le64(extra, e.compressed_size);
      if (big_offset) append_le64(extra, e.local_header_offset);
    }
    std::vector<std::byte> h;
    h.reserve(zip_central_header_size + e.name.size() + extra.size());
    append_le32(h, zip_central_header_signature);
    append_le16(h, zip_version_made_by);
    append_le16(h, extra.empty() ? zip_version_needed : zip_version_needed_zip64);
    append_le16(h, e.flags);
    append_le16(h, e.method);
    append_le16(h, e.dos_time);
    append_le16(h, e.dos_date);
    append_le32(h, e.crc32);
    append_le32(h, big_csize ? zip32_sentinel : static_cast<std::uint32_t>(e.compressed_size));
    append_le32(h, big_usize ? zip32_sentinel : static_cast<std::uint32_t>(e.uncompressed_size));
    append_le16(h, static_cast<std::uint16_t>(e.name.size()));
    append_le16(h, static_cast<std::uint16_t>(extra.size()));
    append_le16(h, 0);  // comment length
    append_le16(h, 0);  // start disk
    append_le16(h, 0);  // internal attributes
    append_le32(h, zip_external_attributes);
    append_le32(h, big_offset ? zip32_sentinel : static_cast<std::uint32_t>(e.local_header_offset));
    append_bytes(h, e.name);
    h.insert(h.end(), extra.begin(), extra.end());
    return h;
  }

  std::uint64_t offset() const noexcept { return flushed_ + buffer_.size(); }

  void append_compressed(std::span<const std::byte> data) {
    current_->entry.compressed_size += data.size();
    append(data);
  }

  void append(std::span<const std::byte> data) {
    if (fd_ < 0) fail("file is closed");
    if (data.size() >= buffer_capacity) {
      flush_buffer();
      write_fully(data);
      return;
    }
    if (buffer_.size() + data.size() > buffer_capacity) flush_buffer();
    buffer_.insert(buffer_.end(), data.begin(), data.end());
  }

  void flush_buffer() {
    if (buffer_.empty()) return;
    write_fully(buffer_);
    buffer_.clear();
  }

  void write_fully(std::span<const std::byte> data) {
    const std::size_t step = sync_ ? sync_write_step : max_write_step;
    while (!data.empty()) {
      const ssize_t n = injected_fault(testing::io_call::write)
                            ? -1
                            : ::write(fd_, data.data(), std::min(data.size(), step));
      if (n < 0) {
        if (errno == EINTR) continue;
        fail_errno("write failed");
      }
      // Start the writeback of a large step now (finish()'s fsync then has
      // less to wait for); a hint, so failures do not matter.
      if (sync_ && static_cast<std::size_t>(n) >= buffer_capacity)
        ::sync_file_range(fd_, static_cast<off_t>(flushed_), n, SYNC_FILE_RANGE_WRITE);
      data = data.subspan(static_cast<std::size_t>(n));
      flushed_ += static_cast<std::uint64_t>(n);
    }
  }

  // Overwrites already-written bytes: those still buffered in memory, the rest with pwrite.
  void patch(std::uint64_t at, std::span<const std::byte> data) {
    if (at < flushed_) {
      const auto on_disk = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), flushed_ - at));
      std::span<const std::byte> part = data.first(on_disk);
      std::uint64_t pos = at;
      while (!part.empty()) {
        const ssize_t n = injected_fault(testing::io_call::pwrite)
                              ? -1
                              : ::pwrite(fd_, part.data(), part.size(), static_cast<off_t>(pos));
        if (n < 0) {
          if (errno == EINTR) continue;
          fail_errno("write failed");
        }
        part = part.subspan(static_cast<std::size_t>(n));
        pos += static_cast<std::uint64_t>(n);
      }
      data = data.subspan(on_disk);
      at += on_disk;
    }
    if (!data.empty()) std::memcpy(buffer_.data() + (at - flushed_), data.data(), data.size());
  }

  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::byte> buffer_;
  std::uint64_t flushed_ = 0;  // bytes already handed to the OS
  std::vector<zip_entry> entries_;
  std::unordered_set<std::string> names_;
  std::optional<member_state> current_;
  bool finished_ = false;
  bool force_zip64_ = false;
  bool sync_ = true;
};

}  // namespace zanj::detail
