// The deflate reference of the targets: single-thread zlib (raw deflate, one
// deflate() call over the whole buffer, as zlib.compress does) at a given
// level, and zlib's inflate of its output, on the same bytes as a case.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "harness.hpp"

namespace zanj_bench {

struct zlib_figures {
  double deflate_seconds = 0;
  double inflate_seconds = 0;
  std::uint64_t compressed_bytes = 0;
};

/// Raw deflate of `data` at zlib `level` into `out` (resized to fit); returns the compressed size.
inline std::size_t zlib_deflate(std::span<const std::byte> data, int level, std::vector<unsigned char>& out) {
  z_stream s{};
  if (deflateInit2(&s, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  out.resize(deflateBound(&s, static_cast<uLong>(data.size())));
  s.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&s, Z_FINISH);
  const std::size_t n = s.total_out;
  deflateEnd(&s);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
  return n;
}

inline void zlib_inflate(std::span<const unsigned char> compressed, std::span<std::byte> dest) {
  z_stream s{};
  if (inflateInit2(&s, -15) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  s.next_in = const_cast<Bytef*>(compressed.data());
  s.avail_in = static_cast<uInt>(compressed.size());
  s.next_out = reinterpret_cast<Bytef*>(dest.data());
  s.avail_out = static_cast<uInt>(dest.size());
  const int rc = inflate(&s, Z_FINISH);
  inflateEnd(&s);
  if (rc != Z_STREAM_END) throw std::runtime_error("inflate did not finish");
}

/// zlib at `level` on `data` (below 4 GiB): medians of 3, measured once per
/// (key, level) in this process.
inline const zlib_figures& zlib_reference(const std::string& key, std::span<const std::byte> data, int level = 6) {
  static std::map<std::pair<std::string, int>, zlib_figures> cache;
  if (auto it = cache.find({key, level}); it != cache.end()) return it->second;
  std::vector<double> deflate_times, inflate_times;
  std::vector<unsigned char> out;
  std::size_t n = 0;
  for (int rep = 0; rep < 3; ++rep)
    deflate_times.push_back(measure_step([&]() -> kept_result {
                              n = zlib_deflate(data, level, out);
                              return nullptr;
                            }).seconds);
  for (int rep = 0; rep < 3; ++rep)
    inflate_times.push_back(measure_step([&]() -> kept_result {
                              std::shared_ptr<std::byte[]> dest(new std::byte[data.size()]);
                              zlib_inflate({out.data(), n}, {dest.get(), data.size()});
                              return dest;
                            }).seconds);
  std::sort(deflate_times.begin(), deflate_times.end());
  std::sort(inflate_times.begin(), inflate_times.end());
  return cache[{key, level}] = {deflate_times[1], inflate_times[1], n};
}

}  // namespace zanj_bench
