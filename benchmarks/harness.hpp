// What every benchmark program of benchmarks/ shares: a scratch folder, the
// machine's limits measured in the same process (one write() of N bytes to a
// new file, one read() of them back with the page cache warm, one memcpy),
// the method of BASELINE.md (fresh memory is touched and freed before every
// timed step), the peak memory of a step, and one set of counters for every
// case so that Google Benchmark prints one table and benchmarks/run can
// build RESULTS.md from the JSON output.
//
// A case times one step per iteration (Iterations(1) and --benchmark_repetitions
// give the medians); preparation between steps (removing the file written by
// the last one, touching fresh memory) is outside the timed region.
#pragma once

#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <zanj/detail/huge_pages.hpp>

namespace zanj_bench {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

inline constexpr std::size_t mib = std::size_t{1} << 20;

inline double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

[[noreturn]] inline void fail_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

/// This process's scratch folder, $TMPDIR/zanj_bench-<pid> (or /tmp), removed at exit.
class scratch {
 public:
  static scratch& instance() {
    static scratch s;
    return s;
  }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
  ~scratch() { remove_all(); }

  /// A path in the folder (the folder is created; the file is not).
  fs::path file(std::string_view name) {
    fs::create_directories(dir_);
    return dir_ / std::string(name);
  }

  void remove_all() noexcept {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

 private:
  scratch() : dir_(fs::temp_directory_path() / ("zanj_bench-" + std::to_string(::getpid()))) {}
  fs::path dir_;
};

inline std::uint64_t size_of_file(const fs::path& p) { return static_cast<std::uint64_t>(fs::file_size(p)); }

inline void remove_file(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
}

// ---------------------------------------------------------------------------
// Fresh memory and peak memory.

/// Touches and frees `bytes` of memory. The VM this runs on reclaims freed
/// memory, and the first touch of a reclaimed page costs several times a
/// copy; touching memory right before a step gives its allocations (and the
/// page cache of the file it writes) pages that are backed already, as
/// BASELINE.md did for every figure.
inline void touch_fresh_memory(std::size_t bytes = 1024 * mib) {
  // The heap first gives back what the last step freed: glibc keeps freed
  // memory below its (adaptive) trim threshold, so a small step would
  // otherwise get warm pages a large one cannot, and a size sweep (W4 at 500
  // to 8000 arrays) would measure the allocator's policy, not the library.
  ::malloc_trim(0);
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return;
  // In the huge pages the step's large buffers will ask for (see
  // new_destination): the blocks freed here are the ones they get next.
  zanj::detail::advise_huge_pages(p, bytes);
  auto* bytes_ptr = static_cast<volatile char*>(p);
  for (std::size_t i = 0; i < bytes; i += 4096) bytes_ptr[i] = 1;
  ::munmap(p, bytes);
}

/// Resident memory from /proc/self/status: now (VmRSS) and its peak since the
/// last reset_peak() (VmHWM, the figure getrusage's ru_maxrss reports for a
/// process whose threads are all alive). Resetting writes "5" to
/// /proc/self/clear_refs (Linux >= 4.0): the peak becomes the current RSS, so
/// a step's peak is measured without the memory its process held before.
struct memory {
  static std::uint64_t rss() { return status_kib("VmRSS:") * 1024; }
  static std::uint64_t peak() { return status_kib("VmHWM:") * 1024; }
  static bool reset_peak() {
    std::ofstream f("/proc/self/clear_refs");
    f << "5";
    f.flush();
    return static_cast<bool>(f);
  }

 private:
  static std::uint64_t status_kib(std::string_view key) {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
      if (line.starts_with(key)) return std::stoull(line.substr(key.size()));
    return 0;
  }
};

/// The time of one step and the memory it added at its peak.
struct step_result {
  double seconds = 0;
  std::uint64_t peak_extra_bytes = 0;
};

/// What a step returns: its result, kept alive until the time and the peak
/// are taken, so that freeing it (unmapping a large array takes a while) is
/// not part of the step.
using kept_result = std::shared_ptr<void>;

template <class T>
kept_result keep(T&& result) {
  return std::make_shared<std::decay_t<T>>(std::forward<T>(result));
}

/// Runs `step` once: fresh memory first, then the peak reset, then the timed step.
template <class Step>
step_result measure_step(Step&& step, std::size_t fresh_bytes = 1024 * mib) {
  touch_fresh_memory(fresh_bytes);
  memory::reset_peak();
  const std::uint64_t before = memory::rss();
  const auto start = clock_type::now();
  kept_result result = step();
  step_result r;
  r.seconds = seconds_since(start);
  const std::uint64_t peak = memory::peak();
  r.peak_extra_bytes = peak > before ? peak - before : 0;
  result.reset();
  return r;
}

// ---------------------------------------------------------------------------
// The machine's limits for N bytes, measured once per size in this process
// (median of 5 steps, each after touching fresh memory).

/// Writes `data` with one write() loop (the kernel caps one call at ~2 GiB).
inline void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("write");
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

inline void read_all(int fd, char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::read(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("read");
    }
    if (n == 0) throw std::runtime_error("read: file shorter than expected");
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

enum class limit_kind {
  write,            ///< open a new file, one write() of the bytes, close
  fallocate_write,  ///< the same with posix_fallocate() first (what np.save does)
  write_fsync,      ///< write() then fsync(): the bytes on the disk, not only in the page cache
  read,             ///< open, one read() into a new buffer, close; the file in the page cache
  memcpy,           ///< memcpy into a new buffer
};

inline std::string_view limit_name(limit_kind k) {
  switch (k) {
    case limit_kind::write: return "write";
    case limit_kind::fallocate_write: return "fallocate_write";
    case limit_kind::write_fsync: return "write_fsync";
    case limit_kind::read: return "read";
    case limit_kind::memcpy: return "memcpy";
  }
  return "";
}

/// A new buffer, untouched, as a new array is, with the huge-page advice
/// that zanj (and numpy) give a large array: the limit is the best the
/// machine does, not a page fault per 4 KiB.
inline std::shared_ptr<char[]> new_destination(std::size_t size) {
  std::shared_ptr<char[]> dest(new char[size]);
  zanj::detail::advise_huge_pages(dest.get(), size);
  return dest;
}

/// Seconds one `kind` of `bytes` takes here: the median of 5.
inline double limit_seconds(limit_kind kind, std::uint64_t bytes) {
  static std::map<std::pair<limit_kind, std::uint64_t>, double> cache;
  if (auto it = cache.find({kind, bytes}); it != cache.end()) return it->second;
  const std::size_t size = static_cast<std::size_t>(bytes);
  // Any bytes will do; not zeros, which a VM might treat specially.
  std::unique_ptr<char[]> source(new char[size]);
  for (std::size_t i = 0; i < size; ++i) source[i] = static_cast<char>(i * 2654435761u >> 13);
  const fs::path file = scratch::instance().file("limit-" + std::to_string(bytes));
  auto write_file = [&](bool fallocate, bool sync) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail_errno("open " + file.string());
    if (fallocate && ::posix_fallocate(fd, 0, static_cast<off_t>(size)) != 0) fail_errno("posix_fallocate");
    write_all(fd, source.get(), size);
    if (sync && ::fsync(fd) != 0) fail_errno("fsync");
    ::close(fd);
  };
  const std::size_t fresh = std::clamp<std::size_t>(4 * size, 64 * mib, 1024 * mib);
  std::vector<double> times;
  for (int rep = 0; rep < 5; ++rep) {
    if (kind == limit_kind::read) write_file(false, false);  // in the page cache
    if (kind != limit_kind::read) remove_file(file);        // a new file each time
    times.push_back(measure_step(
                        [&]() -> kept_result {
                          switch (kind) {
                            case limit_kind::write: write_file(false, false); break;
                            case limit_kind::fallocate_write: write_file(true, false); break;
                            case limit_kind::write_fsync: write_file(false, true); break;
                            case limit_kind::read: {
                              std::shared_ptr<char[]> dest = new_destination(size);
                              const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
                              if (fd < 0) fail_errno("open " + file.string());
                              read_all(fd, dest.get(), size);
                              ::close(fd);
                              benchmark::DoNotOptimize(dest.get());
                              return dest;
                            }
                            case limit_kind::memcpy: {
                              std::shared_ptr<char[]> dest = new_destination(size);
                              std::memcpy(dest.get(), source.get(), size);
                              benchmark::DoNotOptimize(dest.get());
                              benchmark::ClobberMemory();
                              return dest;
                            }
                          }
                          return nullptr;
                        },
                        fresh)
                        .seconds);
  }
  remove_file(file);
  std::sort(times.begin(), times.end());
  return cache[{kind, bytes}] = times[times.size() / 2];
}

// ---------------------------------------------------------------------------
// Reporting: the same counters for every case.

/// What a case is about.
struct case_info {
  std::uint64_t payload_bytes = 0;  ///< the data itself: array bytes, numbers at their width, string lengths
  std::uint64_t file_bytes = 0;     ///< the .zanj file written or read (0 when there is none)
  /// Extra reference times for this case (name -> seconds), reported as
  /// x_<name> = time / reference (e.g. single-thread zlib on the same bytes).
  std::vector<std::pair<std::string, double>> references;
  /// Other figures of the case, reported as they are (name -> value).
  std::vector<std::pair<std::string, double>> extra;
};

/// Sets the counters of a case that timed `r` (one iteration):
///   bytes          payload bytes; bytes_per_second (Google Benchmark's) is based on them
///   file_MB        the file's size in 10^6 bytes
///   x_write, x_read, x_memcpy   time / the limit for the payload bytes
///   peak_MiB       memory the step added at its peak
///   x_<ref>        time / each reference of the case
inline void report(benchmark::State& state, const step_result& r, const case_info& info) {
  using benchmark::Counter;
  state.SetIterationTime(r.seconds);
  state.SetBytesProcessed(static_cast<std::int64_t>(info.payload_bytes));
  state.counters["bytes"] = Counter(static_cast<double>(info.payload_bytes));
  state.counters["file_MB"] = Counter(static_cast<double>(info.file_bytes) / 1e6);
  state.counters["peak_MiB"] = Counter(static_cast<double>(r.peak_extra_bytes) / double(mib));
  if (info.payload_bytes > 0) {
    for (limit_kind k : {limit_kind::write, limit_kind::read, limit_kind::memcpy})
      state.counters["x_" + std::string(limit_name(k))] =
          Counter(r.seconds / limit_seconds(k, info.payload_bytes));
  }
  for (auto& [name, seconds] : info.references)
    if (seconds > 0) state.counters["x_" + name] = Counter(r.seconds / seconds);
  for (auto& [name, v] : info.extra) state.counters[name] = Counter(v);
}

/// Registers a case that times one call of `step` per iteration; `prepare`
/// runs before each (untimed) and `info` after the last.
/// Cases that throw are reported as errors with the message.
struct timed_case {
  std::function<void()> prepare = [] {};
  std::function<kept_result()> step;
  std::function<case_info()> info;
  std::size_t fresh_bytes = 1024 * mib;
};

inline void register_case(const std::string& name, std::function<timed_case()> make) {
  benchmark::RegisterBenchmark(name.c_str(),
                               [make](benchmark::State& state) {
                                 try {
                                   timed_case c = make();
                                   for (auto _ : state) {
                                     c.prepare();
                                     const step_result r = measure_step(c.step, c.fresh_bytes);
                                     report(state, r, c.info());
                                   }
                                 } catch (const std::exception& e) {
                                   state.SkipWithError(e.what());
                                 }
                               })
      ->UseManualTime()
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
}

/// Registers the limits themselves for `bytes`, as cases "<prefix>/limit/<kind>".
inline void register_limits(const std::string& prefix, std::uint64_t bytes,
                            std::initializer_list<limit_kind> kinds = {limit_kind::write, limit_kind::fallocate_write,
                                                                        limit_kind::read, limit_kind::memcpy}) {
  for (limit_kind kind : kinds) {
    benchmark::RegisterBenchmark((prefix + "/limit/" + std::string(limit_name(kind))).c_str(),
                                 [kind, bytes](benchmark::State& state) {
                                   for (auto _ : state) {
                                     step_result r;
                                     r.seconds = limit_seconds(kind, bytes);
                                     report(state, r, {bytes, 0, {}, {}});
                                   }
                                 })
        ->UseManualTime()
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  }
}

/// main() of every benchmark program: `register_all` registers its cases.
inline int run_main(int argc, char** argv, const std::function<void()>& register_all) {
#ifndef __OPTIMIZE__
  std::cerr << argv[0] << ": built without optimization; configure with -DCMAKE_BUILD_TYPE=Release\n";
#endif
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  scratch::instance().remove_all();
  return 0;
}

}  // namespace zanj_bench
