// Every supported type saves and reads back exactly (codec/*.hpp), and is
// written the way the reference writes the corresponding Python value.
#include <boost/test/unit_test.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <deque>
#include <fstream>
#include <limits>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "test_support.hpp"

namespace {

struct basic {
  std::string a;
  int q = 42;
  std::vector<int> c;
  bool operator==(const basic&) const = default;
};

struct complicated {
  std::string name;
  std::vector<double> samples;
  std::vector<basic> container;
  std::map<std::string, double> scores;
  std::optional<int> maybe;
  bool operator==(const complicated&) const = default;
};

enum class color : std::uint8_t { red = 1, green = 2, blue = 200 };

struct integers {
  bool b = false;
  std::int8_t i8 = 0;
  std::int16_t i16 = 0;
  std::int32_t i32 = 0;
  std::int64_t i64 = 0;
  std::uint8_t u8 = 0;
  std::uint16_t u16 = 0;
  std::uint32_t u32 = 0;
  std::uint64_t u64 = 0;
  char ch = 0;
  color col = color::red;
  bool operator==(const integers&) const = default;
};

struct containers {
  std::vector<std::string> strings;
  std::deque<std::string> deque_of_strings;
  std::list<std::int64_t> linked;
  std::array<float, 4> fixed{};
  std::map<int, std::string> int_keys;
  std::unordered_map<std::string, std::vector<int>> hashed;
  std::set<std::string> tags;
  std::unordered_set<int> ids;
  std::pair<int, std::string> pair;
  std::tuple<int, double, std::string, bool> tuple;
  std::vector<std::vector<double>> nested;
  std::vector<std::optional<int>> optionals;
  std::filesystem::path where;
  std::vector<bool> flags;
  bool operator==(const containers&) const = default;
};

struct floats {
  double nan = std::numeric_limits<double>::quiet_NaN();
  double inf = std::numeric_limits<double>::infinity();
  double ninf = -std::numeric_limits<double>::infinity();
  double nzero = -0.0;
  double tenth = 0.1;
  double tiny = 5e-324;
  double big = 1.7976931348623157e308;
  float f = 0.1f;
  zanj::float16 h = zanj::float16(1.5f);
  std::vector<double> specials;
  std::vector<float> specials32;
};

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

template <class T>
T round_trip(const T& v, const zanj::options& opts = {}) {
  zanj_test::scratch_dir dir;
  auto path = zanj::save(v, dir / "x.zanj", opts);
  return zanj::read<T>(path, opts);
}

}  // namespace

namespace {

// Looks like a sequence (begin/end/push_back/clear) and is a plain aggregate:
// the priority order makes it a list; family_enabled can opt it out of that.
struct labelled_points {
  std::vector<int> points;
  auto begin() const { return points.begin(); }
  auto end() const { return points.end(); }
  auto begin() { return points.begin(); }
  auto end() { return points.end(); }
  void push_back(int p) { points.push_back(p); }
  void clear() { points.clear(); }
  using value_type = int;
};
struct plain_points {
  std::vector<int> points;
  auto begin() const { return points.begin(); }
  auto end() const { return points.end(); }
  auto begin() { return points.begin(); }
  auto end() { return points.end(); }
  void push_back(int p) { points.push_back(p); }
  void clear() { points.clear(); }
  using value_type = int;
};

}  // namespace

template <>
inline constexpr bool zanj::family_enabled<plain_points, zanj::family::sequence> = false;

BOOST_AUTO_TEST_SUITE(roundtrip)

BOOST_AUTO_TEST_CASE(a_type_in_two_families_can_opt_out_of_one) {
  static_assert(zanj::detail::family_of<labelled_points>() == zanj::family::sequence);
  static_assert(zanj::detail::family_of<plain_points>() == zanj::family::aggregate);
  zanj_test::scratch_dir dir;
  auto as_list = zanj::save(labelled_points{{1, 2}}, dir / "list");
  BOOST_TEST(zanj_test::member_text(as_list, "__zanj__.json") == "[\n\t1,\n\t2\n]");
  auto as_struct = zanj::save(plain_points{{1, 2}}, dir / "struct");
  BOOST_TEST(zanj_test::member_text(as_struct, "__zanj__.json").starts_with(
      "{\n\t\"__muutils_format__\": \"plain_points(SerializableDataclass)\",\n\t\"points\": {"));
  BOOST_TEST((zanj::read<plain_points>(as_struct).points == std::vector<int>{1, 2}));
}

BOOST_AUTO_TEST_CASE(the_readme_example) {
  complicated obj{"demo", {1.0, 2.5, 0.1}, {{"x", 1, {1, 2, 3}}, {"y", 2, {}}}, {{"a", 1.5}, {"b", -2.0}}, 7};
  BOOST_TEST((round_trip(obj) == obj));
  obj.maybe.reset();
  BOOST_TEST((round_trip(obj) == obj));
}

BOOST_AUTO_TEST_CASE(save_appends_the_extension_and_creates_directories) {
  zanj_test::scratch_dir dir;
  auto path = zanj::save(basic{"a", 1, {}}, dir / "deep" / "er" / "run");
  BOOST_TEST(path == dir / "deep" / "er" / "run.zanj");
  BOOST_TEST(std::filesystem::is_regular_file(path));
  BOOST_TEST(zanj::save(basic{}, dir / "x.zanj") == dir / "x.zanj");
}

BOOST_AUTO_TEST_CASE(integers_at_their_extremes) {
  integers lo{true, INT8_MIN, INT16_MIN, INT32_MIN, INT64_MIN, 0, 0, 0, 0, -128, color::green};
  integers hi{false, INT8_MAX, INT16_MAX, INT32_MAX, INT64_MAX, UINT8_MAX, UINT16_MAX, UINT32_MAX, UINT64_MAX, 127,
              color::blue};
  BOOST_TEST((round_trip(lo) == lo));
  BOOST_TEST((round_trip(hi) == hi));
  zanj_test::scratch_dir dir;
  auto text = zanj_test::member_text(zanj::save(hi, dir / "hi"), "__zanj__.json");
  BOOST_TEST(text.find("\"u64\": 18446744073709551615") != std::string::npos);
  BOOST_TEST(text.find("\"i64\": 9223372036854775807") != std::string::npos);
  BOOST_TEST(text.find("\"col\": 200") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(special_floats_keep_their_bits) {
  floats f;
  f.specials = {std::nan(""), -std::numeric_limits<double>::infinity(), -0.0, 0.1, 1e-300, 5e-324};
  f.specials32 = {std::nanf(""), std::numeric_limits<float>::infinity(), -0.0f, 0.1f,
                  std::numeric_limits<float>::denorm_min()};
  auto back = round_trip(f);
  BOOST_TEST(std::isnan(back.nan));
  BOOST_TEST(back.inf == f.inf);
  BOOST_TEST(back.ninf == f.ninf);
  BOOST_TEST(same_bits(back.nzero, -0.0));
  BOOST_TEST(same_bits(back.tenth, 0.1));
  BOOST_TEST(same_bits(back.tiny, 5e-324));
  BOOST_TEST(same_bits(back.big, f.big));
  BOOST_TEST(back.f == 0.1f);
  BOOST_TEST((back.h == f.h));
  BOOST_REQUIRE(back.specials.size() == f.specials.size());
  BOOST_TEST(std::isnan(back.specials[0]));
  for (std::size_t i = 1; i < f.specials.size(); ++i) BOOST_TEST(same_bits(back.specials[i], f.specials[i]));
  BOOST_TEST(std::isnan(back.specials32[0]));
  for (std::size_t i = 1; i < f.specials32.size(); ++i)
    BOOST_TEST(std::bit_cast<std::uint32_t>(back.specials32[i]) == std::bit_cast<std::uint32_t>(f.specials32[i]));
}

BOOST_AUTO_TEST_CASE(standard_containers) {
  containers c;
  c.strings = {"a", "", "caf\xc3\xa9", "\xf0\x9f\x98\x80"};
  c.deque_of_strings = {"x", "y"};
  c.linked = {INT64_MIN, 0, INT64_MAX};
  c.fixed = {1.5f, -0.0f, 3.0f, 1e30f};
  c.int_keys = {{-7, "minus seven"}, {0, "zero"}, {42, "answer"}};
  c.hashed = {{"k", {1, 2}}, {"empty", {}}};
  c.tags = {"b", "a"};
  c.ids = {3, 1, 2};
  c.pair = {5, "five"};
  c.tuple = {1, 2.5, "three", true};
  c.nested = {{1.0, 2.0}, {}, {3.0}};
  c.optionals = {1, std::nullopt, 3};
  c.where = "data/run 1/x.bin";
  c.flags = {true, false, true};
  BOOST_TEST((round_trip(c) == c));
  BOOST_TEST((round_trip(containers{}) == containers{}));  // every container empty
}

BOOST_AUTO_TEST_CASE(fixed_arrays_of_non_numbers) {
  // Not as a struct member: g++ 12 crashes (internal compiler error) counting
  // the fields of a struct holding std::array<std::string, N> with PFR 1.81.
  std::array<std::string, 2> fixed{"p", "q"};
  BOOST_TEST((round_trip(fixed) == fixed));
  zanj_test::scratch_dir dir;
  BOOST_CHECK_EXCEPTION((zanj::read<std::array<std::string, 3>>(zanj::save(fixed, dir / "f"))), zanj::error,
                        zanj_test::message_has({"expected 3 items, found 2"}));
}

BOOST_AUTO_TEST_CASE(integer_keys_are_written_as_strings) {
  zanj_test::scratch_dir dir;
  std::map<int, int> m{{7, 1}, {-3, 2}};
  auto path = zanj::save(m, dir / "m");
  BOOST_TEST(zanj_test::member_text(path, "__zanj__.json") == "{\n\t\"-3\": 2,\n\t\"7\": 1\n}");
  BOOST_TEST((zanj::read<std::map<int, int>>(path) == m));
  BOOST_CHECK_EXCEPTION((zanj::read<std::map<std::uint8_t, int>>(path)), zanj::error,
                        zanj_test::message_has({"/-3", "not a valid uint8"}));
}

BOOST_AUTO_TEST_CASE(unicode_keys_with_slashes_and_dots) {
  std::map<std::string, std::vector<double>> m;
  m["caf\xc3\xa9/au lait"] = std::vector<double>(300, 1.5);  // external: member "café/au lait.npy"
  m["layer.1.weight"] = std::vector<double>(256, 2.0);
  m["x/y"] = {1.0};
  m["~tilde"] = {};
  zanj_test::scratch_dir dir;
  auto path = zanj::save(m, dir / "keys");
  auto names = zanj_test::member_names(path);
  BOOST_TEST((std::find(names.begin(), names.end(), "caf\xc3\xa9/au lait.npy") != names.end()));
  BOOST_TEST((std::find(names.begin(), names.end(), "layer.1.weight.npy") != names.end()));
  BOOST_TEST((zanj::read<decltype(m)>(path) == m));
}

BOOST_AUTO_TEST_CASE(arrays_at_the_threshold_go_external) {
  zanj_test::scratch_dir dir;
  struct two {
    std::vector<float> below;
    std::vector<float> at;
  } v{std::vector<float>(255, 0.5f), std::vector<float>(256, 0.25f)};
  auto path = zanj::save(v, dir / "t");
  auto names = zanj_test::member_names(path);
  BOOST_TEST(names == (std::vector<std::string>{"__zanj_meta__.json", "__zanj__.json", "at.npy"}),
             boost::test_tools::per_element());
  auto text = zanj_test::member_text(path, "__zanj__.json");
  BOOST_TEST(text.find("\"$ref\": \"at.npy\"") != std::string::npos);
  BOOST_TEST(text.find("\"dtype\": \"float32\"") != std::string::npos);
  auto back = zanj::read<two>(path);
  BOOST_TEST(back.below == v.below);
  BOOST_TEST(back.at == v.at);

  zanj::options opts;
  opts.external_array_threshold = 1000;
  BOOST_TEST(zanj_test::member_names(zanj::save(v, dir / "t2", opts)).size() == 2u);
}

BOOST_AUTO_TEST_CASE(lists_at_the_threshold_go_to_jsonl) {
  zanj_test::scratch_dir dir;
  std::vector<basic> items(256);
  for (std::size_t i = 0; i < items.size(); ++i) items[i] = {std::to_string(i), int(i), {int(i)}};
  std::map<std::string, std::vector<basic>> m{{"long", items}, {"short", {items.begin(), items.begin() + 255}}};
  auto path = zanj::save(m, dir / "l");
  auto names = zanj_test::member_names(path);
  BOOST_TEST(names.size() == 3u);
  BOOST_TEST(names[2] == "long.jsonl");
  auto jsonl = zanj_test::member_text(path, "long.jsonl");
  BOOST_TEST(std::count(jsonl.begin(), jsonl.end(), '\n') == 256);
  BOOST_TEST(jsonl.starts_with(
      "{\"__muutils_format__\": \"basic(SerializableDataclass)\", \"a\": \"0\", \"q\": 0, \"c\": "
      "{\"__muutils_format__\": \"numpy.ndarray:array_list_meta\", \"data\": [0], \"shape\": [1], \"dtype\": "
      "\"int32\", \"n_elements\": 1}}\n"));
  BOOST_TEST((zanj::read<decltype(m)>(path) == m));
}

BOOST_AUTO_TEST_CASE(nested_externals_inside_an_external_list) {
  // A long list whose items hold large arrays: "L/3/c.npy" members are
  // registered before "L.jsonl", as the reference does.
  zanj_test::scratch_dir dir;
  std::vector<basic> items(300);
  items[3].c.assign(500, 9);
  std::map<std::string, std::vector<basic>> m{{"L", items}};
  auto path = zanj::save(m, dir / "n");
  auto names = zanj_test::member_names(path);
  BOOST_REQUIRE(names.size() == 4u);
  BOOST_TEST(names[2] == "L/3/c.npy");
  BOOST_TEST(names[3] == "L.jsonl");
  BOOST_TEST((zanj::read<decltype(m)>(path) == m));
  auto meta = zanj::read_meta(path);
  auto& info = meta.as_object().at("externals_info").as_object();
  BOOST_TEST(zanj::json::to_string(info.at("L/3/c.npy").as_object().at("path"), zanj::json::style::compact) ==
             "[\"L\", 3, \"c\"]");
  // externals_info is sorted by path length
  BOOST_TEST(info.begin()->first == "L.jsonl");
}

BOOST_AUTO_TEST_CASE(every_inline_array_mode_reads_back) {
  std::vector<double> v{1.5, -0.0, std::numeric_limits<double>::infinity(), 1e-7};
  for (auto mode : {zanj::array_mode::array_list_meta, zanj::array_mode::list, zanj::array_mode::array_hex_meta,
                    zanj::array_mode::array_b64_meta}) {
    BOOST_TEST_CONTEXT("mode " << zanj::to_string(mode)) {
      zanj::options opts;
      opts.internal_array_mode = mode;
      auto back = round_trip(v, opts);
      BOOST_REQUIRE(back.size() == v.size());
      for (std::size_t i = 0; i < v.size(); ++i) BOOST_TEST(same_bits(back[i], v[i]));
    }
  }
}

BOOST_AUTO_TEST_CASE(uncompressed_archives_are_stored_and_aligned) {
  zanj_test::scratch_dir dir;
  zanj::options opts;
  opts.compress = false;
  std::map<std::string, std::vector<double>> m{{"a", std::vector<double>(1000, 3.0)}};
  auto path = zanj::save(m, dir / "s", opts);
  zanj::detail::zip_reader zip(path);
  for (auto& e : zip.entries()) BOOST_TEST(e.method == 0);
  auto* npy = zip.find("a.npy");
  BOOST_REQUIRE(npy);
  BOOST_TEST(npy->data_offset % 64 == 0u);
  BOOST_TEST((zanj::read<decltype(m)>(path) == m));
}

BOOST_AUTO_TEST_CASE(a_save_removes_temporaries_of_dead_writers) {
  // A save killed mid-write leaves ".x.zanj.tmp-<pid>-<n>"; the next save of
  // the same target removes it when that process is gone, not otherwise.
  zanj_test::scratch_dir dir;
  const auto dead = dir / ".x.zanj.tmp-999999999-0";   // no such process
  const auto alive = dir / (".x.zanj.tmp-" + std::to_string(::getpid()) + "-77");
  const auto other = dir / ".y.zanj.tmp-999999999-0";  // another target's
  for (auto& p : {dead, alive, other}) std::ofstream(p) << "partial";
  zanj::save(basic{}, dir / "x");
  BOOST_TEST(!std::filesystem::exists(dead));
  BOOST_TEST(std::filesystem::exists(alive));
  BOOST_TEST(std::filesystem::exists(other));
}

BOOST_AUTO_TEST_CASE(a_root_that_is_a_big_array_stays_inline) {
  // The reference cannot read a root external back (FORMAT.md §14.5).
  zanj_test::scratch_dir dir;
  std::vector<int> big(1000, 1);
  auto path = zanj::save(big, dir / "root");
  BOOST_TEST(zanj_test::member_names(path).size() == 2u);
  BOOST_TEST((zanj::read<std::vector<int>>(path) == big));
}

BOOST_AUTO_TEST_CASE(one_value_reads_from_every_stored_form) {
  // A vector<double> reads from a plain list, from array objects of another
  // numeric dtype, and from a list:external.
  zanj_test::scratch_dir dir;
  auto p1 = zanj::save(std::list<int>{1, 2, 3}, dir / "plain");
  BOOST_TEST((zanj::read<std::vector<double>>(p1) == std::vector<double>{1, 2, 3}));
  auto p2 = zanj::save(std::vector<std::int16_t>{1, 2, 3}, dir / "int16");
  BOOST_TEST((zanj::read<std::vector<double>>(p2) == std::vector<double>{1, 2, 3}));
  BOOST_TEST((zanj::read<std::deque<std::int64_t>>(p2) == std::deque<std::int64_t>{1, 2, 3}));
  std::map<std::string, std::list<int>> long_list{{"x", std::list<int>(300, 4)}};
  auto p3 = zanj::save(long_list, dir / "long");
  auto back = zanj::read<std::map<std::string, std::vector<std::int64_t>>>(p3);
  BOOST_TEST((back.at("x") == std::vector<std::int64_t>(300, 4)));
}

BOOST_AUTO_TEST_CASE(plain_objects_read_into_structs_by_field_name) {
  zanj_test::scratch_dir dir;
  // a dict with an unknown key and a missing field
  zanj::value dict = zanj::object{{"a", "from a dict"}, {"unknown", 1}, {"c", zanj::list{5, 6}}};
  auto back = zanj::read<basic>(zanj::save(dict, dir / "d"));
  BOOST_TEST(back.a == "from a dict");
  BOOST_TEST(back.q == 42);  // default kept
  BOOST_TEST((back.c == std::vector<int>{5, 6}));
}

BOOST_AUTO_TEST_CASE(sets_are_written_as_muutils_09_does) {
  zanj_test::scratch_dir dir;
  auto path = zanj::save(std::map<std::string, std::set<int>>{{"s", {3, 1}}}, dir / "s");
  BOOST_TEST(zanj_test::member_text(path, "__zanj__.json") ==
             "{\n\t\"s\": {\n\t\t\"__muutils_format__\": \"set\",\n\t\t\"data\": [\n\t\t\t1,\n\t\t\t3\n\t\t]\n\t}\n}");
}

BOOST_AUTO_TEST_CASE(dynamic_values_round_trip) {
  zanj::value v = zanj::object{
      {"int", 1},
      {"u64", std::numeric_limits<std::uint64_t>::max()},
      {"float", 2.0},
      {"list", zanj::list{nullptr, true, "s"}},
      {"tuple", zanj::tuple_list{{1, 2}}},
      {"array", zanj::array_value::from<float>(std::vector<float>(300, 1.25f))},
      {"small", zanj::array_value::from<std::int8_t>(std::vector<std::int8_t>{-1, 2}, {2, 1})},
      {"long tuple", zanj::tuple_list{zanj::list(256, zanj::value(7))}},
  };
  zanj_test::scratch_dir dir;
  auto back = zanj::read<zanj::value>(zanj::save(v, dir / "v"));
  // A short tuple comes back as a list, as in the reference (FORMAT.md §14.9).
  v.as_object()["tuple"] = zanj::list{1, 2};
  BOOST_TEST(zanj::identical(back, v), zanj::json::to_string(back, zanj::json::style::compact).substr(0, 300));
}

BOOST_AUTO_TEST_CASE(a_key_repeating_a_nested_path_is_refused) {
  zanj::value v = zanj::object{{"x/y", zanj::array_value::from<double>(std::vector<double>(300, 1.0))},
                               {"x", zanj::object{{"y", zanj::array_value::from<double>(std::vector<double>(300, 2.0))}}}};
  zanj_test::scratch_dir dir;
  BOOST_CHECK_EXCEPTION(zanj::save(v, dir / "dup"), zanj::error, zanj_test::message_has({"/x/y", "x/y.npy"}));
  BOOST_TEST(!std::filesystem::exists(dir / "dup.zanj"));
}

BOOST_AUTO_TEST_SUITE_END()
