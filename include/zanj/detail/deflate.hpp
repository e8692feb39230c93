// Raw deflate (RFC 1951, no zlib/gzip wrapper, as zip stores it).
//
// Two engines: Intel ISA-L (when zanj is built with it, ZANJ_HAVE_ISAL) and
// zlib. The default level (-1) compresses with ISA-L's level 2: 8x zlib's
// default level on the benchmark data for files about 10% larger; explicit
// levels 0..9 are zlib's, as the Python reference and the README define
// them. Inflating uses ISA-L whenever it is there (2x zlib), zlib otherwise.
//
// Large members are compressed in independent chunks on every core, pigz
// style: each chunk starts a fresh stream and every chunk but the last ends
// with a sync flush (an empty stored block), so the concatenation is one
// valid deflate stream that any inflater reads. zip_writer records where the
// chunks start (zip_chunk_map in zip_common.hpp) so that zip_reader can
// inflate them on every core as well.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <array>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>

#if ZANJ_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "zanj/detail/crc32.hpp"
#include "zanj/detail/parallel.hpp"
#include "zanj/error.hpp"

namespace zanj::detail {

/// zlib and ISA-L count bytes in 32-bit fields; never hand them more than this per step.
inline constexpr std::size_t deflate_max_step = std::size_t{1} << 30;

/// Whether `level` is what the options allow: -1 (the default) or zlib's 0..9.
inline void check_deflate_level(int level) {
  if (level < -1 || level > 9) throw error("invalid deflate level " + std::to_string(level) + " (expected -1..9)");
}

/// Whether members at `level` are compressed with ISA-L.
constexpr bool deflates_with_isal(int level) noexcept {
#if ZANJ_HAVE_ISAL
  return level == -1;
#else
  (void)level;
  return false;
#endif
}

/// How a piece of input ends: nothing special, at a byte boundary with a sync
/// flush (the stream goes on, possibly in another stream's output), or with
/// the final block.
enum class deflate_flush { none, sync, finish };

/// The error for data that does not inflate: the same text whichever library
/// inflates (ISA-L or zlib), so that messages do not depend on the build.
inline constexpr std::string_view corrupt_deflate_data = "corrupt deflate data";

/// Holds a T taken from a per-thread spare, given back when done with. The
/// state and buffers of a compressor are hundreds of KiB: allocating and
/// zeroing them for every member was most of the cost of many small ones.
/// The libraries' init functions reset whatever a reused one holds.
template <class T>
class thread_cached {
 public:
  thread_cached() : p_(take()) {}
  ~thread_cached() {
    auto& s = spare();
    if (!s) s = std::move(p_);
  }
  thread_cached(const thread_cached&) = delete;
  thread_cached& operator=(const thread_cached&) = delete;
  T& operator*() const noexcept { return *p_; }
  T* operator->() const noexcept { return p_.get(); }

 private:
  static std::unique_ptr<T>& spare() noexcept {
    thread_local std::unique_ptr<T> s;
    return s;
  }
  static std::unique_ptr<T> take() {
    auto& s = spare();
    if (s) return std::move(s);
    return std::make_unique<T>();
  }
  std::unique_ptr<T> p_;
};

/// Streaming raw-deflate compressor. Output is handed in pieces to a sink
/// callable as `sink(std::span<const std::byte>)`.
class deflate_stream {
 public:
  explicit deflate_stream(int level = -1) : out_(engine_->out) {
    check_deflate_level(level);
#if ZANJ_HAVE_ISAL
    isal_ = deflates_with_isal(level);
    if (isal_) {
      isal_zstream& z = engine_->isal;
      isal_deflate_init(&z);
      z.level = 2;
      z.level_buf = engine_->level_buffer.data();
      z.level_buf_size = static_cast<std::uint32_t>(engine_->level_buffer.size());
      return;
    }
#endif
    zlib_ = std::make_unique<z_stream>();
    const int rc = deflateInit2(zlib_.get(), level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) {
      zlib_.reset();
      throw error(rc == Z_MEM_ERROR ? "out of memory while deflating" : "deflate setup failed (zlib error " +
                                                                           std::to_string(rc) + ")");
    }
  }

  deflate_stream(const deflate_stream&) = delete;
  deflate_stream& operator=(const deflate_stream&) = delete;
  ~deflate_stream() {
    if (zlib_) deflateEnd(zlib_.get());
  }

  /// Compresses `input`, ending it as `flush` says. After finish the stream
  /// cannot be used again.
  template <class Sink>
  void write(std::span<const std::byte> input, deflate_flush flush, Sink&& sink) {
    do {
      const std::size_t step = std::min(input.size(), deflate_max_step);
      const bool last_step = step == input.size();
      compress_step(input.first(step), last_step ? flush : deflate_flush::none, sink);
      input = input.subspan(step);
    } while (!input.empty());
  }

 private:
  static constexpr std::size_t out_buffer_size = 256 * 1024;

  template <class Sink>
  void compress_step(std::span<const std::byte> input, deflate_flush flush, Sink& sink) {
    auto* in = reinterpret_cast<unsigned char*>(const_cast<std::byte*>(input.data()));
#if ZANJ_HAVE_ISAL
    if (isal_) {
      isal_zstream& z = engine_->isal;
      z.next_in = in;
      z.avail_in = static_cast<std::uint32_t>(input.size());
      z.flush = flush == deflate_flush::sync ? SYNC_FLUSH : NO_FLUSH;
      z.end_of_stream = flush == deflate_flush::finish ? 1 : 0;
      for (;;) {
        z.next_out = reinterpret_cast<std::uint8_t*>(out_.data());
        z.avail_out = static_cast<std::uint32_t>(out_.size());
        const int rc = isal_deflate(&z);
        if (rc != COMP_OK) throw error("deflate failed (ISA-L error " + std::to_string(rc) + ")");
        const std::size_t produced = out_.size() - z.avail_out;
        if (produced > 0) sink(std::span<const std::byte>(out_.data(), produced));
        // Done when the input is used up and the output had room to spare
        // (nothing is pending); the final block also ends the stream's state.
        const bool drained = z.avail_in == 0 && z.avail_out > 0;
        if (drained && (flush != deflate_flush::finish || z.internal_state.state == ZSTATE_END)) return;
      }
    }
#endif
    z_stream& z = *zlib_;
    z.next_in = in;
    z.avail_in = static_cast<uInt>(input.size());
    const int mode = flush == deflate_flush::finish ? Z_FINISH : flush == deflate_flush::sync ? Z_SYNC_FLUSH : Z_NO_FLUSH;
    for (;;) {
      z.next_out = reinterpret_cast<Bytef*>(out_.data());
      z.avail_out = static_cast<uInt>(out_.size());
      const int rc = deflate(&z, mode);
      if (rc == Z_STREAM_ERROR) throw error("deflate failed (zlib stream error)");
      const std::size_t produced = out_.size() - z.avail_out;
      if (produced > 0) sink(std::span<const std::byte>(out_.data(), produced));
      if (rc == Z_STREAM_END) return;
      if (z.avail_in == 0 && z.avail_out > 0 && mode != Z_FINISH) return;
    }
  }

  // The output buffer and ISA-L's state (~70 KiB) and level buffer, reused.
  struct engine {
    std::array<std::byte, out_buffer_size> out;
#if ZANJ_HAVE_ISAL
    isal_zstream isal;
    std::array<std::uint8_t, ISAL_DEF_LVL2_DEFAULT> level_buffer;
#endif
  };
  thread_cached<engine> engine_;
  std::span<std::byte> out_;
  std::unique_ptr<z_stream> zlib_;
#if ZANJ_HAVE_ISAL
  bool isal_ = false;
#endif
};

/// The streaming compressor zip_writer uses for a member written piece by
/// piece: write() any number of times, then finish().
class raw_deflater {
 public:
  explicit raw_deflater(int level = -1) : stream_(level) {}

  template <class Sink>
  void write(std::span<const std::byte> input, Sink&& sink) {
    if (!input.empty()) stream_.write(input, deflate_flush::none, sink);
  }

  /// Ends the deflate stream; the compressor cannot be used afterwards.
  template <class Sink>
  void finish(Sink&& sink) {
    stream_.write({}, deflate_flush::finish, sink);
  }

 private:
  deflate_stream stream_;
};

// ---------------------------------------------------------------------------
// Compressing in independent chunks

/// The logical concatenation of the pieces of a member (a .npy header and its
/// data, or the columns of a strided matrix).
class gathered_bytes {
 public:
  explicit gathered_bytes(std::span<const std::span<const std::byte>> pieces) : pieces_(pieces) {
    starts_.reserve(pieces.size());
    for (auto p : pieces) {
      starts_.push_back(size_);
      size_ += p.size();
    }
  }

  std::uint64_t size() const noexcept { return size_; }

  /// Calls f(span) for the bytes [from, to) in order, piece by piece.
  template <class F>
  void for_each_part(std::uint64_t from, std::uint64_t to, F&& f) const {
    // The last piece starting at or before `from`.
    std::size_t i = static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), from) - starts_.begin());
    i = i == 0 ? 0 : i - 1;
    for (; i < pieces_.size() && starts_[i] < to; ++i) {
      const std::uint64_t begin = std::max(from, starts_[i]);
      const std::uint64_t end = std::min(to, starts_[i] + pieces_[i].size());
      if (begin < end)
        f(pieces_[i].subspan(static_cast<std::size_t>(begin - starts_[i]), static_cast<std::size_t>(end - begin)));
    }
  }

 private:
  std::span<const std::span<const std::byte>> pieces_;
  std::vector<std::uint64_t> starts_;
  std::uint64_t size_ = 0;
};

/// One compressed chunk: its deflate bytes, and the CRC-32 and size of what it holds.
struct deflated_chunk {
  std::vector<std::byte> bytes;
  std::uint32_t crc = 0;
  std::uint64_t input_size = 0;
};

/// Compresses `input` as independent chunks of `chunk_size` bytes (the last
/// one shorter), `worker_count()` at a time, and hands each to
/// sink(deflated_chunk&&) in order. Together they form one deflate stream.
/// Memory: one compressed chunk per thread.
template <class Sink>
void deflate_in_chunks(const gathered_bytes& input, int level, std::uint64_t chunk_size, Sink&& sink) {
  const std::uint64_t total = input.size();
  const std::uint64_t count = total == 0 ? 1 : (total + chunk_size - 1) / chunk_size;
  const std::uint64_t batch = worker_count();
  std::vector<deflated_chunk> done(static_cast<std::size_t>(std::min<std::uint64_t>(batch, count)));
  for (std::uint64_t first = 0; first < count; first += batch) {
    const auto in_batch = static_cast<std::size_t>(std::min(batch, count - first));
    parallel_for(in_batch, [&](std::size_t k) {
      const std::uint64_t index = first + k;
      const std::uint64_t from = index * chunk_size, to = std::min(total, from + chunk_size);
      const bool last = index + 1 == count;
      deflated_chunk& out = done[k];
      out.bytes.clear();
      out.bytes.reserve(static_cast<std::size_t>((to - from) + (to - from) / 64 + 1024));
      out.crc = 0;
      out.input_size = to - from;
      deflate_stream stream(level);
      auto append = [&](std::span<const std::byte> produced) {
        out.bytes.insert(out.bytes.end(), produced.begin(), produced.end());
      };
      input.for_each_part(from, to, [&](std::span<const std::byte> part) {
        out.crc = crc32_update(out.crc, part);
        stream.write(part, deflate_flush::none, append);
      });
      stream.write({}, last ? deflate_flush::finish : deflate_flush::sync, append);
    });
    for (std::size_t k = 0; k < in_batch; ++k) sink(std::move(done[k]));
  }
}

/// The deflate stream that holds `input` as it is: stored blocks (RFC 1951
/// BTYPE 00) of up to 65535 bytes, the last one final. A member that deflate
/// would not shrink is written this way: its zip method stays deflate, as
/// the reference writes it, and inflating it costs a copy.
inline std::vector<std::byte> deflate_as_stored_blocks(const gathered_bytes& input) {
  constexpr std::uint64_t block = 65535;
  const std::uint64_t total = input.size();
  const std::uint64_t blocks = total == 0 ? 1 : (total + block - 1) / block;
  std::vector<std::byte> out;
  out.reserve(static_cast<std::size_t>(total + 5 * blocks));
  for (std::uint64_t b = 0; b < blocks; ++b) {
    const std::uint64_t from = b * block, to = std::min(total, from + block);
    const auto length = static_cast<std::uint16_t>(to - from);
    const auto inverse = static_cast<std::uint16_t>(~length);
    const std::byte head[5] = {std::byte{b + 1 == blocks ? std::uint8_t{1} : std::uint8_t{0}},  // BFINAL, BTYPE 00
                               std::byte(length & 0xFF), std::byte(length >> 8), std::byte(inverse & 0xFF),
                               std::byte(inverse >> 8)};
    out.insert(out.end(), std::begin(head), std::end(head));
    input.for_each_part(from, to, [&](std::span<const std::byte> part) { out.insert(out.end(), part.begin(), part.end()); });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Inflating

/// Streaming raw inflater: feeds compressed bytes and fills output pieces.
class inflate_stream {
 public:
  inflate_stream() {
#if ZANJ_HAVE_ISAL
    isal_inflate_init(&*isal_state_);  // ~100 KiB of state, reused (thread_cached)
#else
    zlib_ = std::make_unique<z_stream>();
    const int rc = inflateInit2(zlib_.get(), -15);
    if (rc != Z_OK) {
      zlib_.reset();
      throw error(rc == Z_MEM_ERROR ? "out of memory while inflating" : "inflate setup failed");
    }
#endif
  }
  inflate_stream(const inflate_stream&) = delete;
  inflate_stream& operator=(const inflate_stream&) = delete;
  ~inflate_stream() {
    if (zlib_) inflateEnd(zlib_.get());
  }

  /// What one call achieved.
  struct result {
    std::size_t consumed = 0, produced = 0;
    bool stream_end = false;  ///< the final block ended
    bool block_end = false;   ///< stopped between blocks (at a byte boundary when all input is used)
  };

  /// Inflates from `in` into `out` until one of them is used up or the
  /// stream ends. Throws zanj::error (no location) for corrupt data.
  result step(std::span<const std::byte> in, std::span<std::byte> out) {
    in = in.first(std::min(in.size(), deflate_max_step));
    out = out.first(std::min(out.size(), deflate_max_step));
    result r;
#if ZANJ_HAVE_ISAL
    inflate_state& st = *isal_state_;
    st.next_in = reinterpret_cast<std::uint8_t*>(const_cast<std::byte*>(in.data()));
    st.avail_in = static_cast<std::uint32_t>(in.size());
    st.next_out = reinterpret_cast<std::uint8_t*>(out.data());
    st.avail_out = static_cast<std::uint32_t>(out.size());
    const int rc = isal_inflate(&st);
    if (rc < 0) throw error(std::string(corrupt_deflate_data));
    r.consumed = in.size() - st.avail_in;
    r.produced = out.size() - st.avail_out;
    r.stream_end = st.block_state == ISAL_BLOCK_FINISH && st.tmp_out_valid == st.tmp_out_processed;
    // Between blocks, with no bits or bytes held back and no output pending.
    r.block_end = st.block_state == ISAL_BLOCK_NEW_HDR && st.read_in_length == 0 && st.tmp_in_size == 0 &&
                  st.tmp_out_valid == st.tmp_out_processed;
#else
    z_stream& z = *zlib_;
    char no_output = 0;  // zlib rejects a null output pointer even when there is no room
    z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = out.empty() ? reinterpret_cast<Bytef*>(&no_output) : reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    // Z_BLOCK stops at block boundaries, so that a chunk can be checked to end at one.
    const int rc = inflate(&z, Z_BLOCK);
    if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_STREAM_ERROR)
      throw error(std::string(corrupt_deflate_data));
    if (rc == Z_MEM_ERROR) throw std::bad_alloc();
    r.consumed = in.size() - z.avail_in;
    r.produced = out.size() - z.avail_out;
    r.stream_end = rc == Z_STREAM_END;
    // data_type: bit 128 after an end-of-block code; the low bits count the
    // unused bits of the last input byte (0: at a byte boundary).
    r.block_end = (z.data_type & 128) != 0 && (z.data_type & 64) == 0 && (z.data_type & 7) == 0;
#endif
    return r;
  }

 private:
  std::unique_ptr<z_stream> zlib_;
#if ZANJ_HAVE_ISAL
  thread_cached<inflate_state> isal_state_;
#endif
};

/// Inflates the raw deflate stream `compressed` into the output pieces, in
/// order, which must add up to exactly its size. Throws zanj::error (no
/// location; callers add it) if the stream is corrupt or truncated, or yields
/// more or fewer bytes. Bytes after the end of the deflate stream are
/// ignored, as other zip readers do.
inline void inflate_into_pieces(std::span<const std::byte> compressed, std::span<const std::span<std::byte>> outs) {
  std::uint64_t declared = 0;
  for (auto o : outs) declared += o.size();
  try {
    inflate_stream s;
    std::uint64_t produced = 0;
    std::size_t piece = 0;
    std::span<std::byte> out = outs.empty() ? std::span<std::byte>() : outs[0];
    for (;;) {
      while (out.empty() && piece + 1 < outs.size()) out = outs[++piece];
      const auto r = s.step(compressed, out);
      compressed = compressed.subspan(r.consumed);
      out = out.subspan(r.produced);
      produced += r.produced;
      if (r.stream_end) break;
      if (r.consumed == 0 && r.produced == 0) {
        const bool room_left = !out.empty() || piece + 1 < outs.size();
        if (!room_left) {
          // The output is full and the stream goes on: more data, or none (truncated)?
          std::byte probe[1];
          if (s.step(compressed, probe).produced > 0)
            throw error("inflated data is longer than the declared size " + std::to_string(declared));
        }
        throw error("deflate data truncated");
      }
    }
    if (produced != declared)
      throw error("inflated size " + std::to_string(produced) + " is smaller than the declared size " +
                  std::to_string(declared));
  } catch (const std::bad_alloc&) {
    throw error("out of memory while inflating");
  }
}

inline void inflate_into(std::span<const std::byte> compressed, std::span<std::byte> dest) {
  const std::span<std::byte> outs[] = {dest};
  inflate_into_pieces(compressed, outs);
}

/// Inflates one chunk of a chunked stream on its own (a fresh inflater, no
/// window from the chunks before) into exactly the output pieces. Returns
/// false, without throwing, if the chunk does not decode that way -- if it is
/// not a self-contained run of whole blocks ending at its last byte (with the
/// final block if `last`, without one otherwise), or needs data from before
/// it; the caller then inflates the member as one stream. A chunk that
/// passes decodes exactly as it does inside the whole stream.
inline bool inflate_chunk(std::span<const std::byte> chunk, std::span<const std::span<std::byte>> outs,
                          bool last) noexcept {
  try {
    inflate_stream s;
    std::size_t piece = 0;
    std::span<std::byte> dest = outs.empty() ? std::span<std::byte>() : outs[0];
    bool between_blocks = false;  // after the last step that made progress
    for (;;) {
      while (dest.empty() && piece + 1 < outs.size()) dest = outs[++piece];
      const auto r = s.step(chunk, dest);
      chunk = chunk.subspan(r.consumed);
      dest = dest.subspan(r.produced);
      const bool full = dest.empty() && piece + 1 == outs.size();
      if (r.stream_end) return last && chunk.empty() && (full || outs.empty());
      // No progress: everything used, and stopped between blocks (a sync flush).
      if (r.consumed == 0 && r.produced == 0) return !last && chunk.empty() && (full || outs.empty()) && between_blocks;
      between_blocks = r.block_end;
    }
  } catch (...) {
    return false;
  }
}

inline bool inflate_chunk(std::span<const std::byte> chunk, std::span<std::byte> dest, bool last) noexcept {
  const std::span<std::byte> outs[] = {dest};
  return inflate_chunk(chunk, outs, last);
}

/// The bytes [from, to) of the concatenation of `outs`, as spans into them.
inline std::vector<std::span<std::byte>> slice_pieces(std::span<const std::span<std::byte>> outs, std::uint64_t from,
                                                      std::uint64_t to) {
  std::vector<std::span<std::byte>> out;
  std::uint64_t start = 0;
  for (auto o : outs) {
    const std::uint64_t end = start + o.size();
    const std::uint64_t a = std::max(from, start), b = std::min(to, end);
    if (a < b) out.push_back(o.subspan(static_cast<std::size_t>(a - start), static_cast<std::size_t>(b - a)));
    start = end;
  }
  return out;
}

}  // namespace zanj::detail
