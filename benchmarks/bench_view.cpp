// Lazy reading is O(1) in the array size: opening a W1 file whose data member
// is stored (uncompressed) and viewing its array costs the same at 16 MiB and
// at 1 GiB, since only the zip directory, __zanj__.json and the .npy header
// are read. Set against the machine's limits measured in the same run: a
// memcpy and a read() of 16 MiB (page cache warm). See README.md.
//
// Every case reports the same counters, so the output is one table:
//   bytes             the array (or buffer) size the case is about
//   elements          float32 elements in it
//   bytes_per_second  bytes / time: a real rate for memcpy and read, an
//                     "as if" rate for the views (which read none of it)
//   vs_read           time / (time a read() of `bytes` takes at the read rate
//                     measured by BM_read_file_16MiB in this run); 0 when that
//                     case was filtered out

#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <zanj/archive.hpp>
#include <zanj/read.hpp>

#include "workloads.hpp"

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t mib = std::size_t{1} << 20;

/// The W1 files of this run, one per size, stored uncompressed, in
/// temp_directory_path()/zanj_bench; removed at exit.
class bench_files {
 public:
  static bench_files& instance() {
    static bench_files files;
    return files;
  }

  bench_files(const bench_files&) = delete;
  bench_files& operator=(const bench_files&) = delete;
  ~bench_files() { remove_all(); }

  /// W1 with `size_mib` MiB of data (built on first use).
  const fs::path& w1_stored(std::size_t size_mib) {
    auto it = files_.find(size_mib);
    if (it != files_.end()) return it->second;
    const std::size_t rows = zanj_bench::w1_rows_for_mib(size_mib);
    zanj::options opts;
    opts.compress = false;
    fs::create_directories(dir_);
    fs::path file = dir_ / ("w1-" + std::to_string(size_mib) + "MiB-" + std::to_string(::getpid()) + ".zanj");
    files_.emplace(size_mib, file);  // registered first: removed at exit even if writing fails
    zanj_bench::write_w1(file, rows, opts);
    sync_to_disk(file);  // no writeback of the new file during the measurements
    check(file, rows);
    return files_.at(size_mib);
  }

  void remove_all() noexcept {
    std::error_code ec;
    for (auto& [size, file] : files_) fs::remove(file, ec);
    files_.clear();
    fs::remove(dir_, ec);  // only if empty: another run may be using it
  }

 private:
  bench_files() = default;

  static void sync_to_disk(const fs::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open " + file.string());
    ::fsync(fd);
    ::close(fd);
  }

  /// The file is the W1 object and its data can be viewed in place.
  static void check(const fs::path& file, std::size_t rows) {
    zanj::archive a(file);
    auto v = a.view<float>("/data");
    const std::size_t n = rows * zanj_bench::w1_cols;
    if (!v.zero_copy()) throw std::runtime_error("W1 data is not viewed in place");
    if (v.size() != n || v.shape() != std::vector<std::size_t>{rows, zanj_bench::w1_cols})
      throw std::runtime_error("W1 data has the wrong shape");
    for (std::size_t i : {std::size_t{0}, n / 2, n - 1})
      if (v.data()[i] != zanj_bench::w1_element(i)) throw std::runtime_error("W1 data differs from the generator");
    if (rows <= zanj_bench::w1_rows_for_mib(16)) {  // small enough to compare in full
      auto back = zanj::read<zanj_bench::w1>(file);
      auto want = zanj_bench::make_w1(rows);
      if (back.name != want.name || back.step != want.step || !(back.data == want.data))
        throw std::runtime_error("W1 read back differs from make_w1");
    }
  }

  fs::path dir_ = fs::temp_directory_path() / "zanj_bench";
  std::map<std::size_t, fs::path> files_;
};

/// The read() rate (bytes/s) of each call of BM_read_file_16MiB in this run,
/// with the length of its loop: the library also calls a case with few
/// iterations while it sizes the loop, and those short runs are left out.
struct read_run {
  double loop_seconds = 0, rate = 0;
};

std::vector<read_run>& read_runs() {
  static std::vector<read_run> runs;
  return runs;
}

/// Median rate over the runs at least half as long as the longest.
double median_read_rate() {
  double longest = 0;
  for (auto& r : read_runs()) longest = std::max(longest, r.loop_seconds);
  std::vector<double> rates;
  for (auto& r : read_runs())
    if (r.loop_seconds >= longest / 2) rates.push_back(r.rate);
  if (rates.empty()) return 0;
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

/// Times the benchmark loop by wall clock, as the library does with
/// UseRealTime(); gives the counters the time of one iteration.
class loop_timer {
 public:
  loop_timer() : start_(clock_type::now()) {}
  double seconds() const { return std::chrono::duration<double>(clock_type::now() - start_).count(); }
  double seconds_per_iteration(const benchmark::State& state) const {
    return state.iterations() > 0 ? seconds() / static_cast<double>(state.iterations()) : 0;
  }

 private:
  clock_type::time_point start_;
};

void report(benchmark::State& state, std::uint64_t bytes, double seconds_per_iteration) {
  using benchmark::Counter;
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(bytes));
  state.counters["bytes"] = Counter(static_cast<double>(bytes), Counter::kDefaults, Counter::kIs1024);
  state.counters["elements"] = Counter(static_cast<double>(bytes / sizeof(float)));
  const double rate = median_read_rate();
  state.counters["vs_read"] =
      rate > 0 && bytes > 0 ? seconds_per_iteration / (static_cast<double>(bytes) / rate) : 0.0;
}

template <class F>
bool guarded(benchmark::State& state, F&& f) {
  try {
    f();
    return true;
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return false;
  }
}

// ---------------------------------------------------------------------------
// The machine's limits.

/// One read() loop of the whole 16 MiB W1 file into a buffer already in
/// memory (open and close included), the file in the page cache.
void BM_read_file_16MiB(benchmark::State& state) {
  fs::path file;
  if (!guarded(state, [&] { file = bench_files::instance().w1_stored(16); })) return;
  const std::size_t size = static_cast<std::size_t>(fs::file_size(file));
  std::vector<char> buffer(size, 1);  // touched: no page faults in the loop
  auto read_all = [&] {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    std::size_t done = 0;
    while (done < size) {
      ssize_t got = ::read(fd, buffer.data() + done, size - done);
      if (got <= 0) break;
      done += static_cast<std::size_t>(got);
    }
    ::close(fd);
    return done == size;
  };
  if (!read_all()) {  // warms the page cache
    state.SkipWithError("cannot read the W1 file");
    return;
  }
  loop_timer timer;
  for (auto _ : state) {
    read_all();
    benchmark::DoNotOptimize(buffer.data());
    benchmark::ClobberMemory();
  }
  const double seconds = timer.seconds_per_iteration(state);
  if (seconds > 0) read_runs().push_back({timer.seconds(), static_cast<double>(size) / seconds});
  report(state, size, seconds);
}

/// memcpy between two buffers already in memory.
void BM_memcpy(benchmark::State& state) {
  const std::size_t size = static_cast<std::size_t>(state.range(0)) * mib;
  std::vector<char> from(size, 1), to(size, 2);
  loop_timer timer;
  for (auto _ : state) {
    std::memcpy(to.data(), from.data(), size);
    benchmark::DoNotOptimize(to.data());
    benchmark::ClobberMemory();
  }
  report(state, size, timer.seconds_per_iteration(state));
}

// ---------------------------------------------------------------------------
// Lazy reading.

/// Each iteration: open the archive (map the file, parse the zip directory
/// and __zanj__.json), view /data in place, read its last element, close.
void BM_open_and_view(benchmark::State& state) {
  const std::size_t size_mib = static_cast<std::size_t>(state.range(0));
  fs::path file;
  if (!guarded(state, [&] { file = bench_files::instance().w1_stored(size_mib); })) return;
  const std::size_t bytes = size_mib * mib;
  const std::size_t last = bytes / sizeof(float) - 1;
  loop_timer timer;
  for (auto _ : state) {
    zanj::archive a(file);
    auto v = a.view<float>("/data");
    float x = v.data()[last];
    benchmark::DoNotOptimize(x);
  }
  report(state, bytes, timer.seconds_per_iteration(state));
}

/// The archive opened once; each iteration views /data and reads its last element.
void BM_view_only(benchmark::State& state) {
  const std::size_t size_mib = static_cast<std::size_t>(state.range(0));
  fs::path file;
  if (!guarded(state, [&] { file = bench_files::instance().w1_stored(size_mib); })) return;
  const std::size_t bytes = size_mib * mib;
  const std::size_t last = bytes / sizeof(float) - 1;
  zanj::archive a(file);
  loop_timer timer;
  for (auto _ : state) {
    auto v = a.view<float>("/data");
    float x = v.data()[last];
    benchmark::DoNotOptimize(x);
  }
  report(state, bytes, timer.seconds_per_iteration(state));
}

// The read reference runs first: vs_read of the others uses its rate.
BENCHMARK(BM_read_file_16MiB)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_memcpy)->ArgName("MiB")->Arg(16)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_open_and_view)->ArgName("MiB")->Arg(16)->Arg(1024)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_view_only)->ArgName("MiB")->Arg(16)->Arg(1024)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
#ifndef __OPTIMIZE__
  std::cerr << "bench_view: built without optimization; configure with -DCMAKE_BUILD_TYPE=Release\n";
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  bench_files::instance().remove_all();
  return 0;
}
