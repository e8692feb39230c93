// The deterministic workloads of ../shared/bench/WORKLOADS.md, built the same
// way by every benchmark (and by any other implementation that wants figures
// to set beside ours). Only W1 so far.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <zanj/ndarray.hpp>
#include <zanj/options.hpp>
#include <zanj/writer.hpp>

namespace zanj_bench {

/// SplitMix64, as WORKLOADS.md gives it. Its state after n draws is
/// seed + n * gamma, so any draw can also be computed directly (nth).
class splitmix64 {
 public:
  static constexpr std::uint64_t gamma = 0x9E3779B97F4A7C15ULL;

  explicit constexpr splitmix64(std::uint64_t seed) noexcept : state_(seed) {}

  constexpr std::uint64_t next() noexcept {
    state_ += gamma;
    return mix(state_);
  }

  /// A double in [0, 1).
  constexpr double u01() noexcept { return to_u01(next()); }

  /// A float32 noise value in [-1, 1): float(u01() * 2 - 1).
  constexpr float noise() noexcept { return to_noise(next()); }

  /// The value of draw number `n` (0-based) from `seed`, without the n before it.
  static constexpr std::uint64_t nth(std::uint64_t seed, std::uint64_t n) noexcept {
    return mix(seed + (n + 1) * gamma);  // modulo 2^64
  }

  static constexpr double to_u01(std::uint64_t draw) noexcept {
    return static_cast<double>(draw >> 11) * 0x1.0p-53;
  }
  static constexpr float to_noise(std::uint64_t draw) noexcept { return static_cast<float>(to_u01(draw) * 2 - 1); }

 private:
  static constexpr std::uint64_t mix(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  std::uint64_t state_;
};

// ---------------------------------------------------------------------------
// W1 big-array: {name: "w1", step: 7, data: float32[rows][8192]} of noise,
// seed 1, one draw per element in C order. WORKLOADS.md fixes rows = 8192
// (256 MiB); the benchmarks also build it at other row counts, the first
// `rows` rows of the same stream.

/// The W1 object. Saved with zanj::save it is
/// {"__muutils_format__": "w1(SerializableDataclass)", "name", "step", "data"}.
struct w1 {
  std::string name = "w1";
  std::int64_t step = 7;
  zanj::ndarray<float> data;
};

inline constexpr std::uint64_t w1_seed = 1;
inline constexpr std::size_t w1_cols = 8192;
inline constexpr std::size_t w1_rows = 8192;  // the size of WORKLOADS.md (256 MiB)
inline constexpr std::size_t w1_row_bytes = w1_cols * sizeof(float);

/// Rows of W1 whose data holds `mib` MiB (16 -> 512 rows, 1024 -> 32768).
constexpr std::size_t w1_rows_for_mib(std::size_t mib) noexcept { return mib * (std::size_t{1} << 20) / w1_row_bytes; }

/// Element `i` (C order) of W1's data, computed directly.
constexpr float w1_element(std::uint64_t i) noexcept { return splitmix64::to_noise(splitmix64::nth(w1_seed, i)); }

/// W1 with `rows` rows, built in memory (rows * 32 KiB).
inline w1 make_w1(std::size_t rows = w1_rows) {
  w1 out;
  out.data = zanj::ndarray<float>({rows, w1_cols});
  splitmix64 rng(w1_seed);
  for (float& x : out.data) x = rng.noise();
  return out;
}

/// Writes W1 with `rows` rows to `path` without holding it in memory: the
/// data is generated and streamed one row at a time through zanj::writer.
/// The file holds the same document and data as zanj::save(make_w1(rows), path, opts).
/// Returns the path written (".zanj" appended if missing).
inline std::filesystem::path write_w1(const std::filesystem::path& path, std::size_t rows,
                                      const zanj::options& opts = {}) {
  zanj::writer w(path, opts);
  w.put("/__muutils_format__", std::string("w1(SerializableDataclass)"));
  w.put("/name", std::string("w1"));
  w.put("/step", std::int64_t{7});
  zanj::array_stream s = w.stream_array("/data", zanj::dtype::float32, {rows, w1_cols});
  splitmix64 rng(w1_seed);
  std::vector<float> row(w1_cols);
  for (std::size_t r = 0; r < rows; ++r) {
    for (float& x : row) x = rng.noise();
    s.write(std::span<const float>(row));
  }
  s.finish();
  return w.close();
}

}  // namespace zanj_bench
