// Running independent pieces of work on every core: the calling thread
// takes part, helpers are started for the call and joined before it returns.
// Used for large members only (compressing, inflating and checking tens of
// MiB), where starting a thread costs nothing in comparison.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace zanj::detail {

/// How many threads parallel_for uses: the cores the system reports (at
/// least 1).
inline std::size_t worker_count() noexcept {
  static const std::size_t n = std::max<std::size_t>(1, std::thread::hardware_concurrency());
  return n;
}

/// Calls task(i) for every i in [0, count), each exactly once, on up to
/// `threads` threads (the caller's among them), in no particular order. The
/// first exception a task throws is rethrown here once all threads have
/// stopped; tasks not yet started are then skipped.
template <class Task>
void parallel_for(std::size_t count, Task&& task, std::size_t threads = worker_count()) {
  threads = std::min(threads, count);
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) task(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count || failed.load(std::memory_order_relaxed)) return;
      try {
        task(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  try {
    for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  } catch (...) {
    // No thread to be had: the caller does the rest alone.
  }
  work();
  for (auto& h : helpers) h.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace zanj::detail
