// zanj::read_limits (limits.hpp): for each limit, a file just under it reads
// and one just over it fails with the exact message, which names the file,
// the object path, the member and the option; zanj::archive honours them per
// call; the defaults accept what the writer produces.
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <zanj/zanj.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using zanj_test::scratch_dir;

namespace {

struct three_arrays {
  std::vector<double> a, b, c;
};

struct one_array {
  std::vector<double> big;
};

struct strings {
  std::vector<std::string> L;
};

/// The message of the zanj::error `f` throws, or a marker saying what happened instead.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
    return "<no error>";
  } catch (const zanj::error& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("<foreign exception: ") + e.what() + ">";
  }
}

zanj::options stored() {
  zanj::options o;
  o.compress = false;
  return o;
}

zanj::options with_limits(const zanj::read_limits& limits) {
  zanj::options o;
  o.limits = limits;
  return o;
}

/// "zanj: <file>: " + rest, as every message starts.
std::string in(const fs::path& file, const std::string& rest) { return "zanj: " + file.string() + ": " + rest; }

/// The directory entry of `member`.
zanj::detail::zip_entry entry_of(const fs::path& file, const std::string& member) {
  zanj::detail::zip_reader zip(file);
  const auto* e = zip.find(member);
  BOOST_REQUIRE(e != nullptr);
  return *e;
}

std::vector<double> ramp(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = 0.25 * static_cast<double>(i);
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(limits)

BOOST_AUTO_TEST_CASE(defaults_are_documented_values) {
  const zanj::read_limits d;
  BOOST_TEST(d.max_members == 1'000'000u);
  BOOST_TEST(d.max_member_size == std::uint64_t{1} << 40);
  BOOST_TEST(d.max_compression_ratio == 1100u);
  BOOST_TEST(d.max_total_inflated == std::uint64_t{1} << 40);
  BOOST_TEST(d.max_npy_header_length == 10'000u);
  BOOST_TEST(d.max_array_elements == std::uint64_t{1} << 40);
  BOOST_TEST(d.max_json_depth == 1000u);
  BOOST_TEST(d.max_string_length == std::size_t{1} << 30);
  BOOST_TEST(d.max_jsonl_lines == std::size_t{1} << 30);
  BOOST_TEST(d.max_external_nesting == 64u);
  BOOST_TEST(d.max_empty_rows == std::size_t{1} << 24);
  BOOST_TEST(zanj::options{}.limits.max_json_depth == d.max_json_depth);
  BOOST_TEST(zanj::json::default_max_depth == d.max_json_depth);
}

BOOST_AUTO_TEST_CASE(member_count) {
  scratch_dir dir;
  const fs::path file = zanj::save(three_arrays{ramp(300), ramp(300), ramp(300)}, dir / "members");
  BOOST_REQUIRE_EQUAL(zanj_test::member_names(file).size(), 5u);  // meta, document, 3 arrays
  BOOST_TEST(zanj::read<three_arrays>(file, with_limits({.max_members = 5})).c == ramp(300));
  const std::string expected =
      in(file, "the zip directory lists 5 members, over the limit of 4 (options.limits.max_members)");
  BOOST_TEST(error_of([&] { zanj::read<three_arrays>(file, with_limits({.max_members = 4})); }) == expected);
  BOOST_TEST(error_of([&] { zanj::archive(file, with_limits({.max_members = 4})); }) == expected);
  BOOST_TEST(error_of([&] { zanj::read_meta(file, with_limits({.max_members = 4})); }) == expected);
}

BOOST_AUTO_TEST_CASE(member_size) {
  scratch_dir dir;
  const fs::path file = zanj::save(one_array{ramp(300)}, dir / "size", stored());
  const std::uint64_t size = entry_of(file, "big.npy").uncompressed_size;
  BOOST_REQUIRE_EQUAL(size, 128u + 300 * 8);
  BOOST_TEST(zanj::read<one_array>(file, with_limits({.max_member_size = size})).big == ramp(300));
  const auto over = with_limits({.max_member_size = size - 1});
  const std::string expected =
      in(file, "at /big: member 'big.npy': declared uncompressed size 2528 is over the limit of 2527 bytes "
               "(options.limits.max_member_size)");
  BOOST_TEST(error_of([&] { zanj::read<one_array>(file, over); }) == expected);
  BOOST_TEST(error_of([&] { zanj::read<zanj::value>(file, over); }) == expected);
  BOOST_TEST(error_of([&] { zanj::archive(file, over).get("/big"); }) == expected);
  // A zero-copy view allocates and reads nothing: the limit bounds memory.
  const auto view = zanj::archive(file, over).view<double>("/big");
  BOOST_TEST(view.zero_copy());
  BOOST_TEST(std::vector<double>(view.elements().begin(), view.elements().end()) == ramp(300));
  // The document itself is a member too.
  const std::uint64_t document = entry_of(file, "__zanj__.json").uncompressed_size;
  BOOST_TEST(error_of([&] { zanj::read<one_array>(file, with_limits({.max_member_size = document - 1})); }) ==
             in(file, "member '__zanj__.json': declared uncompressed size " + std::to_string(document) +
                          " is over the limit of " + std::to_string(document - 1) +
                          " bytes (options.limits.max_member_size)"));
}

BOOST_AUTO_TEST_CASE(compression_ratio) {
  scratch_dir dir;
  const fs::path file = zanj::save(one_array{std::vector<double>(100000, 0.0)}, dir / "zeros");
  const auto e = entry_of(file, "big.npy");
  const std::uint64_t ratio = (e.uncompressed_size + e.compressed_size - 1) / e.compressed_size;  // rounded up
  BOOST_TEST_MESSAGE("zeros deflate " << e.uncompressed_size << " -> " << e.compressed_size);
  BOOST_REQUIRE_GT(ratio, 100u);  // well above what the document reaches
  BOOST_TEST(zanj::read<one_array>(file, with_limits({.max_compression_ratio = ratio})).big.size() == 100000u);
  BOOST_TEST(error_of([&] { zanj::read<one_array>(file, with_limits({.max_compression_ratio = ratio - 1})); }) ==
             in(file, "at /big: member 'big.npy': declared uncompressed size " + std::to_string(e.uncompressed_size) +
                          " for " + std::to_string(e.compressed_size) + " compressed bytes is a ratio over the limit of " +
                          std::to_string(ratio - 1) + " (options.limits.max_compression_ratio)"));
  // The default is above what deflate can reach.
  BOOST_TEST(zanj::read<one_array>(file).big.size() == 100000u);
}

BOOST_AUTO_TEST_CASE(total_inflated) {
  scratch_dir dir;
  const fs::path file = zanj::save(one_array{ramp(3000)}, dir / "inflated");
  const std::uint64_t document = entry_of(file, "__zanj__.json").uncompressed_size;
  const std::uint64_t array = entry_of(file, "big.npy").uncompressed_size;
  const std::uint64_t both = document + array;
  BOOST_TEST(zanj::read<one_array>(file, with_limits({.max_total_inflated = both})).big == ramp(3000));
  const std::string expected =
      in(file, "at /big: member 'big.npy': inflating its " + std::to_string(array) + " bytes after " +
                   std::to_string(document) + " already inflated by this read would go over the limit of " +
                   std::to_string(both - 1) + " bytes (options.limits.max_total_inflated)");
  BOOST_TEST(error_of([&] { zanj::read<one_array>(file, with_limits({.max_total_inflated = both - 1})); }) == expected);

  // An archive counts each call on its own: opening inflates the document,
  // get() the array, again and again.
  const zanj::archive a(file, with_limits({.max_total_inflated = array}));
  for (int i = 0; i < 3; ++i) BOOST_TEST(a.get<std::vector<double>>("/big") == ramp(3000));
  const zanj::archive tight(file, with_limits({.max_total_inflated = array - 1}));
  BOOST_TEST(error_of([&] { tight.get("/big"); }) ==
             in(file, "at /big: member 'big.npy': inflating its " + std::to_string(array) +
                          " bytes after 0 already inflated by this read would go over the limit of " +
                          std::to_string(array - 1) + " bytes (options.limits.max_total_inflated)"));
}

BOOST_AUTO_TEST_CASE(npy_header_length) {
  scratch_dir dir;
  const fs::path file = zanj::save(one_array{ramp(300)}, dir / "header", stored());
  // numpy pads the header to 128 bytes: 10 of magic, version and length, then 118.
  BOOST_TEST(zanj::read<one_array>(file, with_limits({.max_npy_header_length = 118})).big == ramp(300));
  const auto over = with_limits({.max_npy_header_length = 117});
  const std::string expected = in(file, "at /big: member 'big.npy': npy: header length 118 is over the limit of 117 "
                                        "bytes (options.limits.max_npy_header_length)");
  BOOST_TEST(error_of([&] { zanj::read<one_array>(file, over); }) == expected);
  BOOST_TEST(error_of([&] { zanj::archive(file, over).view<double>("/big"); }) == expected);
  // The codec on its own.
  zanj::array_value a;
  a.type = zanj::dtype::float64;
  a.shape = {2};
  a.bytes.resize(16);
  const auto npy = zanj::npy::write(a);
  BOOST_TEST(zanj::npy::read(npy, {.max_npy_header_length = 118}).shape == a.shape);
  BOOST_TEST(error_of([&] { zanj::npy::read(npy, {.max_npy_header_length = 117}); }) ==
             "zanj: npy: header length 118 is over the limit of 117 bytes (options.limits.max_npy_header_length)");
}

BOOST_AUTO_TEST_CASE(array_elements) {
  scratch_dir dir;
  // External: the .npy header's shape.
  const fs::path file = zanj::save(one_array{ramp(300)}, dir / "elements", stored());
  BOOST_TEST(zanj::read<one_array>(file, with_limits({.max_array_elements = 300})).big == ramp(300));
  const auto over = with_limits({.max_array_elements = 299});
  const std::string expected = in(file, "at /big: member 'big.npy': npy: shape (300,) has 300 elements, over the "
                                        "limit of 299 (options.limits.max_array_elements)");
  BOOST_TEST(error_of([&] { zanj::read<one_array>(file, over); }) == expected);
  BOOST_TEST(error_of([&] { zanj::read<zanj::value>(file, over); }) == expected);
  BOOST_TEST(error_of([&] { zanj::archive(file, over).view<double>("/big"); }) == expected);

  // Inline: the array object's shape.
  const std::map<std::string, zanj::ndarray<int>> small{{"grid", zanj::ndarray<int>({2, 3}, {1, 2, 3, 4, 5, 6})}};
  const fs::path inline_file = zanj::save(small, dir / "inline");
  using grids = std::map<std::string, zanj::ndarray<int>>;
  BOOST_TEST(zanj::read<grids>(inline_file, with_limits({.max_array_elements = 6})).at("grid").size() == 6u);
  BOOST_TEST(error_of([&] { zanj::read<grids>(inline_file, with_limits({.max_array_elements = 5})); }) ==
             in(inline_file, "at /grid: array shape [2, 3] has 6 elements, over the limit of 5 "
                             "(options.limits.max_array_elements)"));
}

BOOST_AUTO_TEST_CASE(json_depth) {
  scratch_dir dir;
  const std::vector<std::vector<std::vector<std::string>>> nested{{{"x"}}};
  const fs::path file = zanj::save(nested, dir / "depth");
  BOOST_TEST((zanj::read<zanj::value>(file, with_limits({.max_json_depth = 3})) == zanj::read<zanj::value>(file)));
  // "[\n\t[\n\t\t[" : the third bracket opens the third level.
  BOOST_TEST(error_of([&] { zanj::read<zanj::value>(file, with_limits({.max_json_depth = 2})); }) ==
             in(file, "at /0/0: member '__zanj__.json': JSON at line 3, column 3: nesting over the limit of 2 levels "
                      "(options.limits.max_json_depth)"));
  // Object keys name the path too, escaped as a JSON pointer.
  const std::string text = R"({"a": [1, {"b~/c": {}}]})";
  BOOST_TEST(error_of([&] { zanj::json::parse(text, {.max_json_depth = 4}); }) == "<no error>");
  const auto error_at_depth = [&](std::size_t limit) {
    try {
      zanj::json::parse(text, {.max_json_depth = limit});
    } catch (const zanj::error& e) {
      return e;
    }
    return zanj::error("no error");
  };
  BOOST_TEST(error_at_depth(3).object_path() == "/a/1/b~0~1c");
  BOOST_TEST(error_at_depth(3).reason() ==
             "JSON at line 1, column 20: nesting over the limit of 3 levels (options.limits.max_json_depth)");
  BOOST_TEST(error_at_depth(2).object_path() == "/a/1");
  BOOST_TEST(error_at_depth(1).object_path() == "/a");
  BOOST_TEST(error_at_depth(0).object_path() == "");
}

BOOST_AUTO_TEST_CASE(string_length) {
  scratch_dir dir;
  const std::map<std::string, std::string> texts{{"k", "0123456789"}};
  const fs::path file = zanj::save(texts, dir / "strings");
  using dict = std::map<std::string, std::string>;
  BOOST_TEST((zanj::read<dict>(file, with_limits({.max_string_length = 10})) == texts));
  // Line 2 is '\t"k": "0123456789"': the value opens at column 7.
  BOOST_TEST(error_of([&] { zanj::read<dict>(file, with_limits({.max_string_length = 9})); }) ==
             in(file, "at /k: member '__zanj__.json': JSON at line 2, column 7: string over the limit of 9 bytes "
                      "(options.limits.max_string_length)"));
  // Keys count, at their object; lengths are counted after unescaping.
  BOOST_TEST(error_of([] { zanj::json::parse(R"({"abc": 1})", {.max_string_length = 2}); }) ==
             "zanj: JSON at line 1, column 2: string over the limit of 2 bytes (options.limits.max_string_length)");
  BOOST_TEST(zanj::json::parse(R"(["\u00e9\u00e9"])", {.max_string_length = 4}).as_list()[0].as_string() == "\u00e9\u00e9");
  BOOST_TEST(error_of([] { zanj::json::parse(R"(["\u00e9\u00e9"])", {.max_string_length = 3}); }) ==
             "zanj: at /0: JSON at line 1, column 2: string over the limit of 3 bytes (options.limits.max_string_length)");

  // Inside a .jsonl line: the item's path, then the line.
  strings s;
  for (int i = 0; i < 300; ++i) s.L.push_back(i == 7 ? std::string(40, 'x') : "s" + std::to_string(i));
  const fs::path listed = zanj::save(s, dir / "listed");
  BOOST_TEST(zanj::read<strings>(listed, with_limits({.max_string_length = 40})).L == s.L);
  BOOST_TEST(error_of([&] { zanj::read<strings>(listed, with_limits({.max_string_length = 39})); }) ==
             in(listed, "at /L/7: member 'L.jsonl': line 8: JSON at line 1, column 1: string over the limit of 39 "
                        "bytes (options.limits.max_string_length)"));
}

BOOST_AUTO_TEST_CASE(jsonl_lines) {
  scratch_dir dir;
  strings s;
  for (int i = 0; i < 300; ++i) s.L.push_back("s" + std::to_string(i));
  const fs::path file = zanj::save(s, dir / "lines");
  BOOST_TEST(zanj::read<strings>(file, with_limits({.max_jsonl_lines = 300})).L == s.L);
  const auto over = with_limits({.max_jsonl_lines = 299});
  const std::string expected =
      in(file, "at /L: member 'L.jsonl': jsonl member has 300 lines, over the limit of 299 "
               "(options.limits.max_jsonl_lines)");
  BOOST_TEST(error_of([&] { zanj::read<strings>(file, over); }) == expected);
  BOOST_TEST(error_of([&] { zanj::read<zanj::value>(file, over); }) == expected);
  BOOST_TEST(error_of([&] { zanj::archive(file, over).get("/L/3"); }) == expected);
}

BOOST_AUTO_TEST_CASE(external_nesting) {
  scratch_dir dir;
  // With a threshold of 1 every list is external: [[[["x"]]]] is a chain of
  // .jsonl members 0.jsonl -> 0/0.jsonl -> 0/0/0.jsonl.
  const std::vector<std::vector<std::vector<std::vector<std::string>>>> nested{{{{"x"}}}};
  zanj::options o;
  o.external_list_threshold = 1;
  const fs::path file = zanj::save(nested, dir / "nesting", o);
  BOOST_TEST(zanj_test::member_names(file).size() == 5u);
  BOOST_TEST((zanj::read<zanj::value>(file, with_limits({.max_external_nesting = 3})) == zanj::read<zanj::value>(file)));
  BOOST_TEST(error_of([&] { zanj::read<zanj::value>(file, with_limits({.max_external_nesting = 2})); }) ==
             in(file, "at /0/0/0: member '0/0/0.jsonl': external members nested 3 deep, over the limit of 2 levels "
                      "(options.limits.max_external_nesting)"));
}

BOOST_AUTO_TEST_CASE(empty_rows) {
  scratch_dir dir;
  const std::map<std::string, zanj::ndarray<double>> stored{{"rows", zanj::ndarray<double>({5, 0})}};
  const fs::path file = zanj::save(stored, dir / "rows");
  using rows = std::map<std::string, std::vector<std::vector<double>>>;
  BOOST_TEST(zanj::read<rows>(file, with_limits({.max_empty_rows = 5})).at("rows").size() == 5u);
  BOOST_TEST(error_of([&] { zanj::read<rows>(file, with_limits({.max_empty_rows = 4})); }) ==
             in(file, "at /rows: array of shape [5, 0] has 5 empty rows, over the limit of 4 "
                      "(options.limits.max_empty_rows)"));
}

BOOST_AUTO_TEST_SUITE_END()
