// detail/huge_pages.hpp: which part of a buffer is advised, and that the
// buffers a read fills (a new ndarray, a std::vector resized for a .npy
// member, a member inflated whole) are advised before they are filled. The
// advice shows as the "hg" flag of the memory's mapping in /proc/self/smaps,
// whatever huge pages the kernel then manages to give.
#include <boost/test/unit_test.hpp>

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <zanj/detail/huge_pages.hpp>

#include "huge_pages_support.hpp"
#include "test_support.hpp"

using zanj_test::scratch_dir;

namespace {

using zanj_test::advised;
using zanj_test::first_huge_boundary;
using zanj_test::kernel_has_huge_pages;
using zanj_test::mib;

/// A mapping of its own, 2 MiB-aligned, so that tests know where its huge
/// pages can start.
struct aligned_mapping {
  std::size_t size;
  std::byte* base;
  void* whole;
  explicit aligned_mapping(std::size_t bytes) : size(bytes + 2 * mib) {
    whole = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    BOOST_REQUIRE(whole != MAP_FAILED);
    const auto a = (reinterpret_cast<std::uintptr_t>(whole) + 2 * mib - 1) & ~(std::uintptr_t{2 * mib} - 1);
    base = reinterpret_cast<std::byte*>(a);
  }
  ~aligned_mapping() { ::munmap(whole, size); }
};

struct arrays {
  zanj::ndarray<float> grid;
  std::vector<double> series;
  std::vector<std::int32_t> small;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(huge_pages, *boost::unit_test::fixture<zanj_test::own_mappings_for_large_blocks>())

BOOST_AUTO_TEST_CASE(only_the_aligned_part_of_a_large_buffer_is_advised) {
  if (!kernel_has_huge_pages()) return;
  aligned_mapping m(8 * mib);
  // From 1 MiB in to 7 MiB in: the whole 2 MiB pages inside, [2, 4) and
  // [4, 6) MiB, are advised; the partial ones around them are not.
  zanj::detail::advise_huge_pages(m.base + 1 * mib, 6 * mib);
  BOOST_TEST(!advised(m.base));
  BOOST_TEST(!advised(m.base + 1 * mib + 4096));
  BOOST_TEST(advised(m.base + 2 * mib));
  BOOST_TEST(advised(m.base + 6 * mib - 1));
  BOOST_TEST(!advised(m.base + 6 * mib));
}

BOOST_AUTO_TEST_CASE(a_small_buffer_is_left_alone) {
  if (!kernel_has_huge_pages()) return;
  aligned_mapping m(8 * mib);
  zanj::detail::advise_huge_pages(m.base, zanj::detail::huge_page_advice_bytes - 1);
  BOOST_TEST(!advised(m.base));
  zanj::detail::advise_huge_pages(m.base, zanj::detail::huge_page_advice_bytes);
  BOOST_TEST(advised(m.base));
}

BOOST_AUTO_TEST_CASE(nothing_fails_for_memory_that_cannot_have_them) {
  // Not anonymous memory, a null range: advice that is refused is ignored.
  const std::string text(16 * mib, 'x');
  zanj::detail::advise_huge_pages(nullptr, 0);
  zanj::detail::advise_huge_pages(const_cast<char*>(text.data()), text.size());
  BOOST_TEST(text[12345] == 'x');
}

BOOST_AUTO_TEST_CASE(what_a_read_fills_is_advised_and_holds_its_values) {
  scratch_dir dir;
  arrays original;
  original.grid = zanj::ndarray<float>(std::vector<std::size_t>{1024, 4096});  // 16 MiB
  for (std::size_t i = 0; i < original.grid.size(); ++i) original.grid.data()[i] = static_cast<float>(i) * 0.5f;
  original.series.resize(2 * mib);  // 16 MiB
  for (std::size_t i = 0; i < original.series.size(); ++i) original.series[i] = -static_cast<double>(i) / 3;
  original.small = {1, -2, 3};
  for (bool compress : {false, true}) {
    BOOST_TEST_CONTEXT((compress ? "deflated" : "stored")) {
      zanj::options o;
      o.compress = compress;
      const auto file = zanj::save(original, dir / "a.zanj", o);
      const auto back = zanj::read<arrays>(file);
      BOOST_TEST(back.grid.shape() == original.grid.shape(), boost::test_tools::per_element());
      BOOST_TEST(std::memcmp(back.grid.data(), original.grid.data(), original.grid.size() * sizeof(float)) == 0);
      BOOST_TEST(back.series == original.series);
      BOOST_TEST(back.small == original.small);
      if (kernel_has_huge_pages()) {
        BOOST_TEST(advised(first_huge_boundary(back.grid.data())));
        BOOST_TEST(advised(first_huge_boundary(back.series.data())));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_vector_read_from_inline_base64_is_advised) {
  // No .npy member: only the vector's own resize can advise its storage.
  if (!kernel_has_huge_pages()) return;
  scratch_dir dir;
  arrays original;
  original.series.resize(mib);  // 8 MiB
  for (std::size_t i = 0; i < original.series.size(); ++i) original.series[i] = static_cast<double>(i) - 0.25;
  zanj::options o;
  o.external_array_threshold = std::size_t{1} << 40;
  o.internal_array_mode = zanj::array_mode::array_b64_meta;
  const auto file = zanj::save(original, dir / "a.zanj", o);
  BOOST_REQUIRE(zanj_test::member_names(file).size() == 2);  // the document and its metadata
  const auto back = zanj::read<arrays>(file, o);
  BOOST_TEST(back.series == original.series);
  BOOST_TEST(advised(first_huge_boundary(back.series.data())));
}

BOOST_AUTO_TEST_CASE(a_member_read_whole_is_advised) {
  if (!kernel_has_huge_pages()) return;
  scratch_dir dir;
  arrays original;
  original.series.assign(mib, 2.5);  // 8 MiB of one value: deflates to little
  zanj::options o;
  o.compress = true;
  const auto file = zanj::save(original, dir / "a.zanj", o);
  zanj::detail::zip_reader zip(file);
  const auto* entry = zip.find("series.npy");
  BOOST_REQUIRE(entry);
  const auto buffer = zip.read_buffer(*entry);
  BOOST_TEST(buffer.size == entry->uncompressed_size);
  BOOST_TEST(advised(buffer.data.get() + 2 * mib));
}

BOOST_AUTO_TEST_SUITE_END()
