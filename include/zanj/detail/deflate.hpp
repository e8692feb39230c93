// Raw deflate (RFC 1951, no zlib/gzip wrapper, as zip stores it) through
// Boost.Iostreams' zlib filters. The filters' symmetric `filter()` step is
// driven directly so that compressed output goes to the caller's sink and
// inflated output lands straight in the caller's buffer, without copies
// through a stream buffer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <vector>

#include <boost/iostreams/filter/zlib.hpp>

#include "zanj/error.hpp"

namespace zanj::detail {

/// zlib counts bytes in 32-bit fields; never hand it more than this per step.
inline constexpr std::size_t zlib_max_step = std::size_t{1} << 30;

/// Parameters for raw deflate at zlib `level` (-1 = zlib default, 0..9).
inline boost::iostreams::zlib_params raw_deflate_params(int level) {
  namespace zl = boost::iostreams::zlib;
  if (level < -1 || level > 9) throw error("invalid deflate level " + std::to_string(level) + " (expected -1..9)");
  return boost::iostreams::zlib_params(level, zl::deflated, 15, 8, zl::default_strategy, /*noheader=*/true);
}

/// Streaming raw-deflate compressor. Output is handed in chunks to a sink
/// callable as `sink(std::span<const std::byte>)`.
class raw_deflater {
 public:
  explicit raw_deflater(int level = -1) : impl_(raw_deflate_params(level)), out_(out_buffer_size) {}

  template <class Sink>
  void write(std::span<const std::byte> input, Sink&& sink) {
    const char* src = reinterpret_cast<const char*>(input.data());
    const char* const src_end = src + input.size();
    while (src != src_end) {
      const char* step_end = src + std::min(static_cast<std::size_t>(src_end - src), zlib_max_step);
      step(src, step_end, false);
      if (used_ == out_.size()) drain(sink);
    }
  }

  /// Ends the deflate stream; the compressor cannot be used afterwards.
  template <class Sink>
  void finish(Sink&& sink) {
    for (;;) {
      const char* none = nullptr;
      const bool more = step(none, none, true);
      if (!more || used_ == out_.size()) drain(sink);
      if (!more) return;
    }
  }

 private:
  static constexpr std::size_t out_buffer_size = 256 * 1024;

  bool step(const char*& src, const char* src_end, bool flush) {
    char* dest = out_.data() + used_;
    try {
      const bool more = impl_.filter(src, src_end, dest, out_.data() + out_.size(), flush);
      used_ = static_cast<std::size_t>(dest - out_.data());
      return more;
    } catch (const boost::iostreams::zlib_error& e) {
      throw error("deflate failed (zlib error " + std::to_string(e.error()) + ")");
    } catch (const std::bad_alloc&) {
      throw error("out of memory while deflating");
    }
  }

  template <class Sink>
  void drain(Sink& sink) {
    sink(std::span<const std::byte>(reinterpret_cast<const std::byte*>(out_.data()), used_));
    used_ = 0;
  }

  boost::iostreams::detail::zlib_compressor_impl<> impl_;
  std::vector<char> out_;
  std::size_t used_ = 0;
};

/// Inflates the raw deflate stream `compressed` into exactly `dest`. Throws
/// zanj::error (no location; callers add it) if the stream is corrupt or
/// truncated, or yields more or fewer than dest.size() bytes. Bytes after the
/// end of the deflate stream are ignored, as other zip readers do.
inline void inflate_into(std::span<const std::byte> compressed, std::span<std::byte> dest) {
  namespace zl = boost::iostreams::zlib;
  const char* src = reinterpret_cast<const char*>(compressed.data());
  const char* const src_end = src + compressed.size();
  char no_output = 0;  // zlib rejects a null output pointer even when there is no room
  char* out = dest.empty() ? &no_output : reinterpret_cast<char*>(dest.data());
  char* const out_end = out + dest.size();
  try {
    boost::iostreams::detail::zlib_decompressor_impl<> impl(raw_deflate_params(-1));
    for (;;) {
      const char* step_src_end = src + std::min(static_cast<std::size_t>(src_end - src), zlib_max_step);
      char* step_out_end = out + std::min(static_cast<std::size_t>(out_end - out), zlib_max_step);
      const char* src_before = src;
      const char* out_before = out;
      if (!impl.filter(src, step_src_end, out, step_out_end, false)) break;  // end of stream
      if (src == src_before && out == out_before) throw error("deflate data truncated");  // no progress
    }
  } catch (const boost::iostreams::zlib_error& e) {
    // zlib reports "no progress possible" as a buffer error: either the
    // output is full (data longer than declared) or the input ran out.
    if (e.error() == zl::buf_error && out == out_end && src != src_end)
      throw error("inflated data is longer than the declared size " + std::to_string(dest.size()));
    if (e.error() == zl::buf_error) throw error("deflate data truncated");
    throw error("corrupt deflate data (zlib error " + std::to_string(e.error()) + ")");
  } catch (const std::bad_alloc&) {
    throw error("out of memory while inflating");
  }
  if (out != out_end)
    throw error("inflated size " + std::to_string(dest.size() - static_cast<std::size_t>(out_end - out)) +
                " is smaller than the declared size " + std::to_string(dest.size()));
}

}  // namespace zanj::detail
