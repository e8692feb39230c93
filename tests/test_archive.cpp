// zanj::archive: lazy reads by JSON pointer, info from headers only, and
// zero-copy views of stored arrays (archive.hpp).
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <sys/resource.h>
#include <map>
#include <string>
#include <vector>

#include <zanj/archive.hpp>

#include "fixture_support.hpp"
#include "test_support.hpp"

namespace {

struct layer {
  std::string name;
  std::vector<double> w;
  std::vector<float> b;
};

struct model {
  std::string title;
  std::vector<layer> layers;
  std::map<std::string, std::vector<std::int32_t>> tables;
};

model make_model(std::size_t n_layers) {
  model m{"net", {}, {{"a/b", std::vector<std::int32_t>(400, 7)}}};
  for (std::size_t i = 0; i < n_layers; ++i) {
    layer l{"layer" + std::to_string(i), std::vector<double>(300 + i), std::vector<float>(3, float(i))};
    for (std::size_t k = 0; k < l.w.size(); ++k) l.w[k] = double(i) + double(k) / 1000.0;
    m.layers.push_back(l);
  }
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(archive)

BOOST_AUTO_TEST_CASE(one_path_reads_only_its_member) {
  zanj_test::scratch_dir dir;
  auto m = make_model(5);
  auto path = zanj::save(m, dir / "m");
  zanj::archive a(path);
  BOOST_TEST(a.member_reads() == 1u);  // __zanj__.json only
  auto w3 = a.get<std::vector<double>>("/layers/3/w");
  BOOST_TEST(a.member_reads() == 2u);  // + layers/3/w.npy
  BOOST_TEST((w3 == m.layers[3].w));
  BOOST_TEST(a.get<std::string>("/layers/1/name") == "layer1");
  BOOST_TEST((a.get<std::vector<float>>("/layers/4/b") == m.layers[4].b));
  BOOST_TEST(a.member_reads() == 2u);  // inline values need no member
  BOOST_TEST((a.get<std::vector<std::int32_t>>("/tables/a~1b") == m.tables["a/b"]));
  BOOST_TEST(a.member_reads() == 3u);
  auto whole = a.get<model>("");
  BOOST_TEST(whole.layers.size() == 5u);
}

BOOST_AUTO_TEST_CASE(paths_through_external_lists_read_the_list_once) {
  zanj_test::scratch_dir dir;
  auto m = make_model(300);  // layers becomes layers.jsonl, each w its own .npy
  auto path = zanj::save(m, dir / "big");
  zanj::archive a(path);
  BOOST_TEST((a.get<std::vector<double>>("/layers/299/w") == m.layers[299].w));
  BOOST_TEST(a.member_reads() == 3u);  // document, layers.jsonl, layers/299/w.npy
  BOOST_TEST(a.get<std::string>("/layers/7/name") == "layer7");
  BOOST_TEST(a.member_reads() == 3u);  // the list payload is cached
  BOOST_TEST(a.children("/layers").size() == 300u);
}

BOOST_AUTO_TEST_CASE(info_and_children_come_from_headers) {
  zanj_test::scratch_dir dir;
  zanj::options stored;
  stored.compress = false;
  auto path = zanj::save(make_model(2), dir / "i", stored);
  zanj::archive a(path);
  auto info = a.info("/layers/1/w");
  BOOST_TEST(info.kind == "array");
  BOOST_TEST(info.dtype == "float64");
  BOOST_TEST((info.shape == std::vector<std::size_t>{301}));
  BOOST_TEST(info.member == "layers/1/w.npy");
  BOOST_TEST(info.content_bytes == 128u + 301u * 8u);
  BOOST_TEST(info.stored_bytes == info.content_bytes);
  BOOST_TEST(a.info("/layers/0").kind == "layer(SerializableDataclass)");
  BOOST_TEST(a.info("/layers/0").children == 3u);
  BOOST_TEST((a.children("/layers/0") == std::vector<std::string>{"name", "w", "b"}));
  BOOST_TEST((a.children("") == std::vector<std::string>{"title", "layers", "tables"}));
  BOOST_TEST(a.member_reads() == 1u);
}

BOOST_AUTO_TEST_CASE(stored_arrays_are_viewed_in_place) {
  zanj_test::scratch_dir dir;
  zanj::options stored;
  stored.compress = false;
  auto m = make_model(2);
  auto path = zanj::save(m, dir / "v", stored);
  zanj::archive a(path);
  auto view = a.view<double>("/layers/1/w");
  BOOST_TEST(view.zero_copy());
  BOOST_TEST(reinterpret_cast<std::uintptr_t>(view.data()) % 64 == 0u);
  // the elements lie inside the file mapping
  auto file = a.mapping();
  auto first = reinterpret_cast<const std::byte*>(view.data());
  BOOST_TEST((first >= file.data() && first + view.size() * sizeof(double) <= file.data() + file.size()));
  BOOST_TEST((std::vector<double>(view.elements().begin(), view.elements().end()) == m.layers[1].w));
  BOOST_TEST(a.member_reads() == 1u);  // viewing read no member content

  // compressed archive: a copy, same values
  auto packed = zanj::save(m, dir / "p");
  zanj::archive b(packed);
  auto copy = b.view<double>("/layers/1/w");
  BOOST_TEST(!copy.zero_copy());
  BOOST_TEST((std::vector<double>(copy.elements().begin(), copy.elements().end()) == m.layers[1].w));
  // an inline array: decoded into a copy
  auto as_float = a.view<float>("/layers/1/b");
  BOOST_TEST(!as_float.zero_copy());
  BOOST_TEST(as_float.size() == 3u);
  // the view outlives the archive object
  auto kept = [&] {
    zanj::archive c(path);
    return c.view<double>("/layers/0/w");
  }();
  BOOST_TEST(kept.elements()[1] == 0.001);
}

BOOST_AUTO_TEST_CASE(every_stored_npy_payload_is_64_byte_aligned) {
  // Members of our stored files: each .npy payload, and so each array's data
  // (the npy header is a multiple of 64 bytes), starts at a multiple of 64.
  zanj_test::scratch_dir dir;
  zanj::options stored;
  stored.compress = false;
  std::map<std::string, std::vector<std::uint8_t>> odd_sizes;
  for (int i = 0; i < 20; ++i) odd_sizes["k" + std::string(std::size_t(i), 'x')] = std::vector<std::uint8_t>(256 + 7 * i, 1);
  auto path = zanj::save(odd_sizes, dir / "aligned", stored);
  zanj::detail::zip_reader zip(path);
  int npy = 0;
  for (auto& e : zip.entries()) {
    if (!e.name.ends_with(".npy")) continue;
    ++npy;
    BOOST_TEST(e.data_offset % 64 == 0u, e.name);
  }
  BOOST_TEST(npy == 20);
}

BOOST_AUTO_TEST_CASE(saving_does_not_copy_a_large_array) {
  // Peak memory while saving a 256 MiB array stays near the array itself:
  // the .npy member is written from the caller's buffer.
  struct holder {
    std::vector<float> big;
  } h{std::vector<float>(std::size_t{64} << 20, 1.5f)};
  zanj_test::scratch_dir dir;
  zanj::options stored;
  stored.compress = false;
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  auto path = zanj::save(h, dir / "big", stored);
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  const long grown_kib = after.ru_maxrss - before.ru_maxrss;
  BOOST_TEST(grown_kib < 64 * 1024, "peak memory grew by " << grown_kib << " KiB while saving 256 MiB");
  BOOST_TEST(std::filesystem::file_size(path) > (std::uint64_t{256} << 20));
}

BOOST_AUTO_TEST_CASE(fixture_arrays_through_the_archive) {
  auto root = zanj_test::fixture_root();
  if (root.empty()) {
    zanj_test::report_fixtures_missing();
    return;
  }
  // stored members written by the reference: viewable in place when aligned
  zanj::archive a(root / "v0.6.0" / "mode_array_list_meta_uncompressed.zanj");
  auto v = a.view<float>("/big_f32");
  auto expected = zanj_test::to_convention(a.get("/big_f32"));
  auto& data = expected.find("$ndarray")->find("data")->as_list();
  BOOST_REQUIRE(v.size() == data.size());
  for (std::size_t i = 0; i < v.size(); ++i) BOOST_TEST(double(v.elements()[i]) == data[i].as_double());
  zanj::archive f(root / "v0.6.0" / "array_fortran_order.zanj");
  auto t = f.view<float>("/transposed_large_f32");
  BOOST_TEST(!t.zero_copy());  // Fortran order: decoded into C order
  BOOST_TEST(t.shape().size() == 2u);
}

BOOST_AUTO_TEST_CASE(bad_pointers_name_the_path) {
  zanj_test::scratch_dir dir;
  auto path = zanj::save(make_model(2), dir / "e");
  zanj::archive a(path);
  BOOST_CHECK_EXCEPTION(a.get<int>("/layers/9"), zanj::error, zanj_test::message_has({"/layers/9", "out of range"}));
  BOOST_CHECK_EXCEPTION(a.get<int>("/nope"), zanj::error, zanj_test::message_has({"/nope", "no such key"}));
  BOOST_CHECK_EXCEPTION(a.get<int>("/title"), zanj::error, zanj_test::message_has({"/title", "expected int32"}));
  BOOST_CHECK_EXCEPTION(a.get<int>("/title/x"), zanj::error, zanj_test::message_has({"/title/x", "cannot step"}));
  BOOST_CHECK_EXCEPTION(a.get<int>("layers"), zanj::error, zanj_test::message_has({"JSON pointer"}));
  BOOST_TEST(!a.contains("/layers/2"));
  BOOST_TEST(a.contains("/layers/1/w"));
}

BOOST_AUTO_TEST_SUITE_END()
