// Seeing huge-page advice in tests: the "hg" flag of a mapping's VmFlags in
// /proc/self/smaps, whatever huge pages the kernel then manages to give.
#pragma once

#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace zanj_test {

inline constexpr std::size_t mib = std::size_t{1} << 20;

/// Madvise of huge pages works on this kernel (built with transparent huge pages).
inline bool kernel_has_huge_pages() { return std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled"); }

/// The VmFlags of the mapping that holds `address`, from /proc/self/smaps;
/// empty if none does.
inline std::string mapping_flags(const void* address) {
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    std::uintptr_t begin = 0, end = 0;
    char dash = 0;
    std::istringstream head(line);
    // A mapping's first line: "begin-end perms offset dev inode [path]"
    // (no "Key:" line parses as hex, a dash and hex).
    if (head >> std::hex >> begin >> dash >> end && dash == '-') {
      inside = a >= begin && a < end;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0) return line.substr(8) + " ";
  }
  return {};
}

inline bool advised(const void* address) { return mapping_flags(address).find(" hg ") != std::string::npos; }

/// The first 2 MiB boundary past `p`: inside a large buffer, where its
/// huge pages can start.
inline const void* first_huge_boundary(const void* p) {
  return reinterpret_cast<const void*>((reinterpret_cast<std::uintptr_t>(p) + 2 * mib) & ~(2 * mib - 1));
}

/// Large blocks as mappings of their own: glibc would otherwise raise its
/// mmap threshold after the first free and serve the next ones from the
/// heap, whose mapping earlier buffers may have advised already.
struct own_mappings_for_large_blocks {
  own_mappings_for_large_blocks() { ::mallopt(M_MMAP_THRESHOLD, 1 << 20); }
};

}  // namespace zanj_test
