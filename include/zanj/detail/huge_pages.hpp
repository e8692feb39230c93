// Large buffers zanj is about to fill (an array read from a file, a member
// inflated whole) ask the kernel for 2 MiB pages before their first touch.
// The first write to a fresh 4 KiB page is a page fault, and on a virtual
// machine each costs microseconds: 65536 of them for a 256 MiB array can take
// several times the copy itself. With 2 MiB pages there are 512 times fewer.
// Linux's transparent huge pages are often in "madvise" mode, given only to
// memory that asks; numpy asks the same for every array of 4 MiB or more.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace zanj::detail {

/// Below this a buffer gains little: numpy's threshold.
inline constexpr std::size_t huge_page_advice_bytes = std::size_t{4} << 20;

/// Advises huge pages for the 2 MiB-aligned part of [p, p + bytes), if it is
/// large enough. Only advice: memory that cannot have them (or a kernel
/// without them) keeps its small pages, and nothing fails.
inline void advise_huge_pages([[maybe_unused]] void* p, [[maybe_unused]] std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes < huge_page_advice_bytes) return;
  constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
  const auto begin = (reinterpret_cast<std::uintptr_t>(p) + huge - 1) & ~(huge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(huge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
}

/// Makes `v` (std::vector or alike) hold n value-initialized elements; large
/// new storage is advised before the elements first touch it. Its old
/// elements are not kept.
template <class Vector>
void assign_fresh(Vector& v, std::size_t n) {
  v.clear();
  if constexpr (requires(typename Vector::value_type* p) {
                  p = v.data();
                  v.reserve(n);
                  Vector(v.get_allocator());
                }) {
    using element = typename Vector::value_type;
    if (n > v.capacity() && n * sizeof(element) >= huge_page_advice_bytes) {
      Vector fresh(v.get_allocator());
      fresh.reserve(n);
      advise_huge_pages(fresh.data(), n * sizeof(element));
      v = std::move(fresh);
    }
  }
  v.resize(n);
}

}  // namespace zanj::detail
