// The deterministic workloads W1..W7 of ../shared/bench/WORKLOADS.md, built
// the same way by every benchmark (and by any other implementation that wants
// figures to set beside ours).
//
// WORKLOADS.md leaves a few details open; these are the choices made here
// (each keeps the file sizes of ../shared/bench/BASELINE.md within a few %):
//   - W3: `id` is an int64 draw (next() >> 1); `tags` are three draws, each
//     "t" followed by the draw modulo 10 ("t0".."t9"); draws per record in
//     field order: id, score, the 3 tags, the 8 elements of v.
//   - W4: the float64 elements are u01() * 2 - 1 (the float32 rule, in double).
//   - W5: `y` is a float32 noise value; `label` is labels[next() % 8];
//     `flag` is (next() & 1); draws per row in column order.
//   - W6: the weights are float32 noise, drawn parameter by parameter in
//     state_dict order (net.0.weight [4096,1024], net.0.bias, net.2.weight
//     [1024,4096], net.2.bias), each in C order; then the training records,
//     step = i, loss = u01(), lr = 1e-3 * u01().
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <zanj/field.hpp>
#include <zanj/model.hpp>
#include <zanj/ndarray.hpp>
#include <zanj/options.hpp>
#include <zanj/table.hpp>
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

  /// An int64 draw: next() >> 1.
  constexpr std::int64_t int64() noexcept { return static_cast<std::int64_t>(next() >> 1); }

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
// (256 MiB); bench_view also builds it at other row counts, the first `rows`
// rows of the same stream.

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

// ---------------------------------------------------------------------------
// W2 smooth-array: the shape of W1, element i = float(sin(i * 0.001) +
// 0.01 * (u01() - 0.5)), seed 2.

struct w2 {
  std::string name = "w2";
  std::int64_t step = 7;
  zanj::ndarray<float> data;
};

inline w2 make_w2() {
  w2 out;
  out.data = zanj::ndarray<float>({w1_rows, w1_cols});
  splitmix64 rng(2);
  std::size_t i = 0;
  for (float& x : out.data) {
    x = static_cast<float>(std::sin(static_cast<double>(i) * 0.001) + 0.01 * (rng.u01() - 0.5));
    ++i;
  }
  return out;
}

// ---------------------------------------------------------------------------
// W3 many-small: {records: 100 000 x {id, name, score, tags, v}}, seed 3.
// In C++ the records are structs, so each is a dataclass object in the file
// (Python's plain-dict form has the same fields without the format key).

struct W3Record {
  std::int64_t id = 0;
  std::string name;
  double score = 0;
  std::vector<std::string> tags;
  std::array<float, 8> v{};

  friend bool operator==(const W3Record&, const W3Record&) = default;
};

struct w3 {
  std::vector<W3Record> records;
};

inline constexpr std::size_t w3_records = 100'000;

inline w3 make_w3(std::size_t n = w3_records) {
  w3 out;
  out.records.reserve(n);
  splitmix64 rng(3);
  for (std::size_t i = 0; i < n; ++i) {
    W3Record r;
    r.id = rng.int64();
    r.name = "rec-";  // appended, not "rec-" + ...: g++ 12 -O3 warns falsely (-Wrestrict) on that
    r.name += std::to_string(r.id);
    r.score = rng.u01();
    for (int k = 0; k < 3; ++k) {
      std::string tag = "t";
      tag += static_cast<char>('0' + rng.next() % 10);
      r.tags.push_back(std::move(tag));
    }
    for (float& x : r.v) x = rng.noise();
    out.records.push_back(std::move(r));
  }
  return out;
}

/// The bytes of the data itself: numbers at their width, strings at their length.
inline std::uint64_t payload_bytes(const w3& w) {
  std::uint64_t n = 0;
  for (auto& r : w.records) {
    n += 8 + r.name.size() + 8 + sizeof(r.v);
    for (auto& t : r.tags) n += t.size();
  }
  return n;
}

// ---------------------------------------------------------------------------
// W4 many-externals: {arrays: 2000 x float64[1024]}, seed 4.

struct w4 {
  std::vector<std::vector<double>> arrays;
};

inline w4 make_w4(std::size_t count = 2000, std::size_t length = 1024) {
  w4 out;
  out.arrays.reserve(count);
  splitmix64 rng(4);
  for (std::size_t i = 0; i < count; ++i) {
    std::vector<double> a(length);
    for (double& x : a) x = rng.u01() * 2 - 1;
    out.arrays.push_back(std::move(a));
  }
  return out;
}

inline std::uint64_t payload_bytes(const w4& w) {
  std::uint64_t n = 0;
  for (auto& a : w.arrays) n += a.size() * sizeof(double);
  return n;
}

// ---------------------------------------------------------------------------
// W5 table: 1 000 000 rows (id int64, x float64 u01, y float32, label, flag),
// seed 5, saved as {"table": DataFrame} (the reference cannot read a bare
// DataFrame back, BASELINE.md finding 2).

struct w5_row {
  std::int64_t id = 0;
  double x = 0;
  float y = 0;
  std::string label;
  bool flag = false;

  friend bool operator==(const w5_row&, const w5_row&) = default;
};

struct w5 {
  zanj::table_of<w5_row> table;
};

inline constexpr std::array<std::string_view, 8> w5_labels = {"ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen"};

inline w5 make_w5(std::size_t rows = 1'000'000) {
  w5 out;
  out.table.rows.reserve(rows);
  splitmix64 rng(5);
  for (std::size_t i = 0; i < rows; ++i) {
    w5_row r;
    r.id = rng.int64();
    r.x = rng.u01();
    r.y = rng.noise();
    r.label = std::string(w5_labels[rng.next() % 8]);
    r.flag = (rng.next() & 1) != 0;
    out.table.rows.push_back(std::move(r));
  }
  return out;
}

inline std::uint64_t payload_bytes(const w5& w) {
  std::uint64_t n = 0;
  for (auto& r : w.table.rows) n += 8 + 8 + 4 + r.label.size() + 1;
  return n;
}

// ---------------------------------------------------------------------------
// W6 model: an MLP (Linear 1024 -> 4096, ReLU, Linear 4096 -> 1024) as a
// configured model, with 1000 training records; seed 6.

struct activations {
  static constexpr std::string_view what = "activation";
  static const std::map<std::string, std::function<float(float)>>& entries() {
    static const std::map<std::string, std::function<float(float)>> table{
        {"ReLU", [](float x) { return x > 0.0f ? x : 0.0f; }},
        {"Identity", [](float x) { return x; }},
    };
    return table;
  }
};

struct MLPConfig {
  int input_dim = 1024;
  int hidden_dim = 4096;
  int output_dim = 1024;
  zanj::by_name<activations> act_fn{"ReLU"};

  friend bool operator==(const MLPConfig&, const MLPConfig&) = default;
};

struct TrainStep {
  std::int64_t step = 0;
  double loss = 0;
  double lr = 0;

  friend bool operator==(const TrainStep&, const TrainStep&) = default;
};

class MLP : public zanj::configured_model<MLP, MLPConfig, std::vector<TrainStep>> {
 public:
  explicit MLP(const MLPConfig& c)
      : configured_model(c),
        w0({std::size_t(c.hidden_dim), std::size_t(c.input_dim)}),
        b0({std::size_t(c.hidden_dim)}),
        w2({std::size_t(c.output_dim), std::size_t(c.hidden_dim)}),
        b2({std::size_t(c.output_dim)}) {}

  template <class Self, class Visit>
  static void parameters(Self& self, Visit&& visit) {
    visit("net.0.weight", self.w0);
    visit("net.0.bias", self.b0);
    visit("net.2.weight", self.w2);
    visit("net.2.bias", self.b2);
  }

  zanj::ndarray<float> w0, b0, w2, b2;
};

inline MLP make_w6(std::size_t records = 1000) {
  MLP m{MLPConfig{}};
  splitmix64 rng(6);
  for (auto* p : {&m.w0, &m.b0, &m.w2, &m.b2})
    for (float& x : *p) x = rng.noise();
  auto& steps = m.training_records();
  steps.reserve(records);
  for (std::size_t i = 0; i < records; ++i) {
    TrainStep s;
    s.step = static_cast<std::int64_t>(i);
    s.loss = rng.u01();
    s.lr = 1e-3 * rng.u01();
    steps.push_back(s);
  }
  return m;
}

inline std::uint64_t payload_bytes(const MLP& m) {
  return m.num_params() * sizeof(float) + m.training_records().size() * sizeof(TrainStep);
}

inline bool same_model(const MLP& a, const MLP& b) {
  return a.config() == b.config() && a.training_records() == b.training_records() && a.w0 == b.w0 &&
         a.b0 == b.b0 && a.w2 == b.w2 && a.b2 == b.b2;
}

// ---------------------------------------------------------------------------
// W7 compressible-array: {name: "w7", data: int16[8192][8192]}, element i =
// round(1000 * sin(i * 0.001)) + (next() >> 62) - 2, seed 7.

struct w7 {
  std::string name = "w7";
  zanj::ndarray<std::int16_t> data;
};

inline w7 make_w7() {
  w7 out;
  out.data = zanj::ndarray<std::int16_t>({w1_rows, w1_cols});
  splitmix64 rng(7);
  std::size_t i = 0;
  for (std::int16_t& x : out.data) {
    const auto signal = static_cast<std::int64_t>(std::lround(1000 * std::sin(static_cast<double>(i) * 0.001)));
    x = static_cast<std::int16_t>(signal + static_cast<std::int64_t>(rng.next() >> 62) - 2);
    ++i;
  }
  return out;
}

}  // namespace zanj_bench
