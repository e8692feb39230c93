// zanj::table and zanj::table_of<Row>: the public type, the stored DataFrame
// forms (JSON and jsonl text exactly), round trips, the reference's fixtures
// and the errors.
#include <boost/test/unit_test.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fixture_support.hpp"
#include "test_support.hpp"

namespace {

using zanj::table;
using std::nullopt;

constexpr double quiet_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

/// The small table whose stored text is checked exactly below.
table small_table() {
  table t;
  t.add_column<std::int64_t>("id", {1, 2, nullopt});
  t.add_column<double>("x", {0.5, -0.0, nullopt});
  t.add_column<bool>("ok", {true, nullopt, false});
  t.add_column<std::string>("name", {"a", "caf\xc3\xa9", nullopt});
  return t;
}

struct sample {
  std::int64_t id = 0;
  double x = 0;
  float y = 0;
  bool flag = false;
  std::string label;
  std::optional<int> maybe;
  std::optional<double> maybe_x;
};

struct narrow_sample {  // one of sample's columns, and one missing in storage
  std::string label;
  int absent = 77;
};

struct byte_id_row {
  std::string label;
  std::uint8_t id = 0;
};

struct iris_row {
  double sepal_length = 0, sepal_width = 0, petal_length = 0, petal_width = 0;
  std::string species;
};

using frames = std::map<std::string, table>;
using sample_frames = std::map<std::string, zanj::table_of<sample>>;
using narrow_frames = std::map<std::string, zanj::table_of<narrow_sample>>;
using byte_id_frames = std::map<std::string, zanj::table_of<byte_id_row>>;

}  // namespace

BOOST_AUTO_TEST_SUITE(table_type)

BOOST_AUTO_TEST_CASE(columns_keep_order_type_and_missing_cells) {
  table t = small_table();
  BOOST_TEST(t.row_count() == 3u);
  BOOST_TEST(t.column_count() == 4u);
  BOOST_TEST((t.column_names() == std::vector<std::string>{"id", "x", "ok", "name"}));
  BOOST_TEST((t.type_of("x") == zanj::column_type::float64));
  BOOST_TEST((t.type_of("name") == zanj::column_type::string));
  auto ids = t.column<std::int64_t>("id");
  BOOST_TEST(ids.size() == 3u);
  BOOST_TEST(*ids[1] == 2);
  BOOST_TEST(!ids[2].has_value());
  BOOST_TEST(same_bits(*t.at<double>(1, "x"), -0.0));
  BOOST_TEST(t.cell(0, "name").as_string() == "a");
  BOOST_TEST(t.cell(2, "name").is_null());
  BOOST_TEST(t.cell(0, "ok").as_bool());

  t.column<double>("x")[2] = 7.25;  // cells are writable in place
  BOOST_TEST(*t.at<double>(2, "x") == 7.25);

  std::vector<std::string> visited;
  t.for_each_column([&](const std::string& name, auto cells) {
    visited.push_back(name + ":" + std::to_string(cells.size()));
  });
  BOOST_TEST((visited == std::vector<std::string>{"id:3", "x:3", "ok:3", "name:3"}));

  table plain;
  plain.add_column("v", std::vector<double>{1.5, 2.5});
  BOOST_TEST(*plain.at<double>(1, "v") == 2.5);
  BOOST_TEST((plain == plain));
  BOOST_TEST(!(plain == t));
}

BOOST_AUTO_TEST_CASE(misuse_is_reported) {
  table t = small_table();
  BOOST_CHECK_EXCEPTION(t.add_column<double>("short", {1.0}), zanj::error,
                        zanj_test::message_has({"column 'short' has 1 cells, the table has 3 rows"}));
  BOOST_CHECK_EXCEPTION(t.add_column<double>("x", {1.0, 2.0, 3.0}), zanj::error,
                        zanj_test::message_has({"a column named 'x' exists already"}));
  BOOST_CHECK_EXCEPTION(t.column<double>("id"), zanj::error,
                        zanj_test::message_has({"column 'id' holds int64 cells"}));
  BOOST_CHECK_EXCEPTION(t.column<double>("nope"), zanj::error, zanj_test::message_has({"no column named 'nope'"}));
  BOOST_CHECK_EXCEPTION(t.at<bool>(3, "ok"), zanj::error, zanj_test::message_has({"row 3 is out of range"}));
  BOOST_TEST(t.column_count() == 4u);  // failed additions leave the table as it was
}

BOOST_AUTO_TEST_CASE(both_types_are_tables) {
  static_assert(zanj::table_like<table>);
  static_assert(zanj::table_like<zanj::table_of<sample>>);
  static_assert(zanj::detail::family_of<table>() == zanj::family::table);
  static_assert(zanj::detail::family_of<zanj::table_of<sample>>() == zanj::family::table);
  static_assert(zanj::table_row<sample>);
  static_assert(!zanj::table_row<frames>);
  struct nested {
    sample inner;
  };
  static_assert(!zanj::table_row<nested>);
  zanj::table_of<sample> rows{{{1, 2.0, 3.0f, true, "l", 4, nullopt}}};
  BOOST_TEST(rows.row_count() == 1u);
  BOOST_TEST((rows.column_names() ==
              std::vector<std::string>{"id", "x", "y", "flag", "label", "maybe", "maybe_x"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(table_storage)

BOOST_AUTO_TEST_CASE(stored_text_is_what_zanj_0_6_writes) {
  zanj_test::scratch_dir dir;
  auto file = zanj::save(frames{{"df", small_table()}}, dir / "small");
  BOOST_TEST(zanj_test::member_text(file, "__zanj__.json") ==
             "{\n"
             "\t\"df\": {\n"
             "\t\t\"__muutils_format__\": \"pandas.DataFrame:external\",\n"
             "\t\t\"$ref\": \"df.jsonl\",\n"
             "\t\t\"len(data)\": 3,\n"
             "\t\t\"columns\": [\n"
             "\t\t\t\"id\",\n"
             "\t\t\t\"x\",\n"
             "\t\t\t\"ok\",\n"
             "\t\t\t\"name\"\n"
             "\t\t],\n"
             "\t\t\"data[0]\": {\n"
             "\t\t\t\"id\": 1,\n"
             "\t\t\t\"x\": 0.5,\n"
             "\t\t\t\"ok\": true,\n"
             "\t\t\t\"name\": \"a\"\n"
             "\t\t}\n"
             "\t}\n"
             "}");
  BOOST_TEST(zanj_test::member_text(file, "df.jsonl") ==
             "{\"id\": 1, \"x\": 0.5, \"ok\": true, \"name\": \"a\"}\n"
             "{\"id\": 2, \"x\": -0.0, \"ok\": null, \"name\": \"caf\\u00e9\"}\n"
             "{\"id\": null, \"x\": NaN, \"ok\": false, \"name\": null}\n");
  auto meta = zanj::read_meta(file);
  auto& info = meta.find("externals_info")->as_object().at("df.jsonl");
  BOOST_TEST(info.find("item_type")->as_string() == "jsonl");
  BOOST_TEST(zanj::json::to_string(*info.find("path"), zanj::json::style::compact) == "[\"df\"]");
  BOOST_TEST(info.find("len(data)")->as_int64() == 3);
  BOOST_TEST(info.find("data[0]")->find("name")->as_string() == "a");
}

BOOST_AUTO_TEST_CASE(missing_and_special_cells_round_trip) {
  zanj_test::scratch_dir dir;
  auto file = zanj::save(frames{{"df", small_table()}}, dir / "small");
  table back = zanj::read<frames>(file).at("df");
  BOOST_TEST((back.column_names() == std::vector<std::string>{"id", "x", "ok", "name"}));
  BOOST_TEST((back.column<std::int64_t>("id")[0] == 1));
  BOOST_TEST((back.column<std::int64_t>("id")[1] == 2));
  BOOST_TEST(!back.column<std::int64_t>("id")[2]);
  auto x = back.column<double>("x");
  BOOST_TEST(same_bits(*x[0], 0.5));
  BOOST_TEST(same_bits(*x[1], -0.0));
  // A missing float is stored as NaN, as pandas stores it, and reads as NaN.
  BOOST_TEST((x[2].has_value() && std::isnan(*x[2])));
  BOOST_TEST((back.column<bool>("ok")[0] == true));
  BOOST_TEST(!back.column<bool>("ok")[1]);
  BOOST_TEST((back.column<bool>("ok")[2] == false));
  BOOST_TEST((back.column<std::string>("name")[1] == "caf\xc3\xa9"));
  BOOST_TEST(!back.column<std::string>("name")[2]);
}

BOOST_AUTO_TEST_CASE(an_empty_table_keeps_its_columns) {
  zanj_test::scratch_dir dir;
  table empty;
  empty.add_column<std::string>("p", {});
  empty.add_column<std::int64_t>("q", {});
  auto file = zanj::save(frames{{"e", empty}}, dir / "empty");
  BOOST_TEST(zanj_test::member_text(file, "e.jsonl").empty());
  auto doc = zanj::json::parse(zanj_test::member_text(file, "__zanj__.json"));
  BOOST_TEST(zanj::json::to_string(*doc.find("e"), zanj::json::style::compact) ==
             "{\"__muutils_format__\": \"pandas.DataFrame:external\", \"$ref\": \"e.jsonl\", \"len(data)\": 0, "
             "\"columns\": [\"p\", \"q\"]}");
  table back = zanj::read<frames>(file).at("e");
  BOOST_TEST(back.row_count() == 0u);
  BOOST_TEST((back.column_names() == std::vector<std::string>{"p", "q"}));
  // Without cells the types cannot be told: every such column is float64.
  BOOST_TEST((back.type_of("p") == zanj::column_type::float64));
}

BOOST_AUTO_TEST_CASE(many_rows_unicode_names_and_extremes) {
  const std::string snow = "\xe2\x9d\x84 temp/\xc2\xb0" "C";  // "❄ temp/°C": '/' is fine in a column name
  table t;
  table::cells<std::int64_t> ints;
  table::cells<double> reals;
  table::cells<std::string> words;
  const double specials[] = {quiet_nan, inf, -inf, -0.0, 5e-324, 1.7976931348623157e308, 0.1};
  for (std::int64_t i = 0; i < 321; ++i) {
    ints.push_back(i == 0 ? INT64_MIN : i == 1 ? INT64_MAX : i * 7 - 1000);
    reals.push_back(i < 7 ? specials[i] : static_cast<double>(i) / 3.0);
    words.push_back(i % 5 == 0 ? std::optional<std::string>() : "w" + std::to_string(i) + "\xf0\x9f\x98\x80");
  }
  t.add_column("n", ints).add_column(snow, reals).add_column("\xc3\xa9tiquette", words);
  zanj_test::scratch_dir dir;
  auto file = zanj::save(frames{{"big", t}}, dir / "big");
  table back = zanj::read<frames>(file).at("big");
  BOOST_TEST(back.row_count() == 321u);
  BOOST_TEST((back.column_names() == t.column_names()));
  BOOST_TEST((back.column<std::int64_t>("n")[0] == INT64_MIN));
  BOOST_TEST((back.column<std::int64_t>("n")[1] == INT64_MAX));
  auto r = back.column<double>(snow);
  for (std::size_t i = 0; i < 321; ++i) BOOST_TEST(same_bits(*r[i], *reals[i]), "row " << i);
  BOOST_TEST((back.column<std::string>("\xc3\xa9tiquette")[3] == words[3]));
  BOOST_TEST(!back.column<std::string>("\xc3\xa9tiquette")[5]);
  BOOST_TEST((back.column<std::int64_t>("n")[200] == 200 * 7 - 1000));
}

BOOST_AUTO_TEST_CASE(a_table_at_the_root_stays_inline) {
  zanj_test::scratch_dir dir;
  auto file = zanj::save(small_table(), dir / "root");
  BOOST_TEST((zanj_test::member_names(file) == std::vector<std::string>{"__zanj_meta__.json", "__zanj__.json"}));
  auto doc = zanj::json::parse(zanj_test::member_text(file, "__zanj__.json"));
  BOOST_TEST(zanj::json::to_string(doc, zanj::json::style::compact) ==
             "{\"__muutils_format__\": \"pandas.DataFrame\", \"columns\": [\"id\", \"x\", \"ok\", \"name\"], "
             "\"data\": [{\"id\": 1, \"x\": 0.5, \"ok\": true, \"name\": \"a\"}, "
             "{\"id\": 2, \"x\": -0.0, \"ok\": null, \"name\": \"caf\\u00e9\"}, "
             "{\"id\": null, \"x\": NaN, \"ok\": false, \"name\": null}], \"path\": []}");
  table back = zanj::read<table>(file);
  BOOST_TEST((back.column_names() == small_table().column_names()));
  BOOST_TEST((back.column<std::string>("name")[1] == "caf\xc3\xa9"));
}

BOOST_AUTO_TEST_CASE(read_as_value_gives_the_inline_form) {
  zanj_test::scratch_dir dir;
  auto file = zanj::save(frames{{"df", small_table()}}, dir / "small");
  auto v = zanj::read<zanj::value>(file);
  const zanj::value& df = *v.find("df");
  BOOST_TEST(df.find("__muutils_format__")->as_string() == "pandas.DataFrame");
  BOOST_TEST(zanj::json::to_string(*df.find("columns"), zanj::json::style::compact) ==
             "[\"id\", \"x\", \"ok\", \"name\"]");
  BOOST_TEST(zanj::json::to_string(*df.find("data"), zanj::json::style::compact) ==
             "[{\"id\": 1, \"x\": 0.5, \"ok\": true, \"name\": \"a\"}, "
             "{\"id\": 2, \"x\": -0.0, \"ok\": null, \"name\": \"caf\\u00e9\"}, "
             "{\"id\": null, \"x\": NaN, \"ok\": false, \"name\": null}]");
  BOOST_TEST(df.as_object().size() == 3u);

  // Saved again, that value is a table again, member for member.
  auto again = zanj::save(v, dir / "again");
  BOOST_TEST(zanj_test::member_text(again, "df.jsonl") == zanj_test::member_text(file, "df.jsonl"));
  BOOST_TEST(zanj_test::member_text(again, "__zanj__.json") == zanj_test::member_text(file, "__zanj__.json"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(table_of_rows)

BOOST_AUTO_TEST_CASE(rows_round_trip_by_column_name) {
  zanj::table_of<sample> rows;
  rows.rows.push_back({-5, 0.1, 1.5f, true, "first", 3, 2.5});
  rows.rows.push_back({INT64_MAX, -0.0, -std::numeric_limits<float>::infinity(), false, "", nullopt, nullopt});
  zanj_test::scratch_dir dir;
  auto file = zanj::save(sample_frames{{"rows", rows}}, dir / "rows");
  BOOST_TEST(zanj_test::member_text(file, "rows.jsonl") ==
             "{\"id\": -5, \"x\": 0.1, \"y\": 1.5, \"flag\": true, \"label\": \"first\", \"maybe\": 3, "
             "\"maybe_x\": 2.5}\n"
             "{\"id\": 9223372036854775807, \"x\": -0.0, \"y\": -Infinity, \"flag\": false, \"label\": \"\", "
             "\"maybe\": null, \"maybe_x\": NaN}\n");

  auto back = zanj::read<sample_frames>(file).at("rows").rows;
  BOOST_REQUIRE(back.size() == 2u);
  BOOST_TEST(back[0].id == -5);
  BOOST_TEST(same_bits(back[0].x, 0.1));
  BOOST_TEST(back[0].y == 1.5f);
  BOOST_TEST(back[0].flag);
  BOOST_TEST(back[0].label == "first");
  BOOST_TEST((back[0].maybe == std::optional<int>(3)));
  BOOST_TEST((back[0].maybe_x == std::optional<double>(2.5)));
  BOOST_TEST(back[1].id == INT64_MAX);
  BOOST_TEST(same_bits(back[1].x, -0.0));
  BOOST_TEST(back[1].y == -std::numeric_limits<float>::infinity());
  BOOST_TEST(!back[1].maybe);
  BOOST_TEST((back[1].maybe_x.has_value() && std::isnan(*back[1].maybe_x)));  // NaN, as pandas would give

  // The same file as a zanj::table: types inferred from the cells.
  table t = zanj::read<std::map<std::string, table>>(file).at("rows");
  BOOST_TEST((t.type_of("id") == zanj::column_type::int64));
  BOOST_TEST((t.type_of("maybe") == zanj::column_type::int64));
  BOOST_TEST((t.type_of("y") == zanj::column_type::float64));
  BOOST_TEST((t.type_of("flag") == zanj::column_type::boolean));
  BOOST_TEST(!t.at<std::int64_t>(1, "maybe"));

  // Fewer fields: unknown columns ignored, missing ones keep the default.
  auto narrow = zanj::read<narrow_frames>(file).at("rows").rows;
  BOOST_REQUIRE(narrow.size() == 2u);
  BOOST_TEST(narrow[0].label == "first");
  BOOST_TEST(narrow[0].absent == 77);
}

BOOST_AUTO_TEST_CASE(a_plain_vector_of_structs_reads_as_a_table) {
  // Saved the ordinary way (a list:external of dataclass objects), read as rows.
  std::map<std::string, std::vector<iris_row>> plain;
  for (int i = 0; i < 300; ++i) plain["flowers"].push_back({i * 0.5, 1, 2, 3, "s" + std::to_string(i)});
  zanj_test::scratch_dir dir;
  auto file = zanj::save(plain, dir / "plain");
  auto rows = zanj::read<std::map<std::string, zanj::table_of<iris_row>>>(file).at("flowers").rows;
  BOOST_REQUIRE(rows.size() == 300u);
  BOOST_TEST(rows[299].sepal_length == 149.5);
  BOOST_TEST(rows[299].species == "s299");
  table t = zanj::read<std::map<std::string, table>>(file).at("flowers");
  BOOST_TEST((t.column_names() ==
              std::vector<std::string>{"sepal_length", "sepal_width", "petal_length", "petal_width", "species"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(table_errors)

/// A document whose "df" is a DataFrame with these records, written as a table.
std::filesystem::path frame_file(const zanj_test::scratch_dir& dir, zanj::list records) {
  zanj::value doc = zanj::object{
      {"df", zanj::object{{"__muutils_format__", "pandas.DataFrame"}, {"columns", zanj::list{"a"}},
                          {"data", std::move(records)}}}};
  return zanj::save(doc, dir / "frame");
}

BOOST_AUTO_TEST_CASE(a_column_of_mixed_kinds) {
  zanj_test::scratch_dir dir;
  auto file = frame_file(dir, {zanj::object{{"a", 1}}, zanj::object{{"a", "x"}}});
  BOOST_CHECK_EXCEPTION(zanj::read<frames>(file), zanj::error,
                        zanj_test::message_has({"at /df", "member 'df.jsonl'", "column 'a' mixes number and string"}));
  auto as_value = zanj::read<zanj::value>(file);  // a zanj::value holds it fine
  BOOST_TEST(as_value.find("df")->find("data")->as_list()[1].find("a")->as_string() == "x");
}

BOOST_AUTO_TEST_CASE(a_nested_cell) {
  zanj_test::scratch_dir dir;
  auto file = frame_file(dir, {zanj::object{{"a", 1.5}}, zanj::object{{"a", zanj::list{1, 2}}}});
  BOOST_CHECK_EXCEPTION(zanj::read<frames>(file), zanj::error,
                        zanj_test::message_has({"at /df/1/a", "member 'df.jsonl'", "column 'a'", "found list"}));
}

BOOST_AUTO_TEST_CASE(an_integer_beyond_int64) {
  zanj_test::scratch_dir dir;
  auto file = frame_file(dir, {zanj::object{{"a", std::uint64_t{18446744073709551615u}}}});
  BOOST_CHECK_EXCEPTION(zanj::read<frames>(file), zanj::error,
                        zanj_test::message_has({"at /df/0/a", "18446744073709551615 does not fit int64"}));
}

BOOST_AUTO_TEST_CASE(a_wrong_type_for_a_row_field) {
  zanj_test::scratch_dir dir;
  auto file = frame_file(dir, {zanj::object{{"label", "ok"}, {"id", 3}}, zanj::object{{"label", "ok"}, {"id", 300}}});
  BOOST_CHECK_EXCEPTION(zanj::read<byte_id_frames>(file), zanj::error,
                        zanj_test::message_has({"at /df/1/id", "member 'df.jsonl'", "column 'id'", "does not fit uint8"}));
  auto bad = frame_file(dir, {zanj::object{{"label", 5}}});
  BOOST_CHECK_EXCEPTION(zanj::read<narrow_frames>(bad), zanj::error,
                        zanj_test::message_has({"at /df/0/label", "column 'label'", "expected string, found int64"}));
}

BOOST_AUTO_TEST_CASE(not_a_table) {
  zanj_test::scratch_dir dir;
  auto file = zanj::save(std::map<std::string, int>{{"df", 3}}, dir / "int");
  BOOST_CHECK_EXCEPTION(zanj::read<frames>(file), zanj::error,
                        zanj_test::message_has({"at /df", "expected a DataFrame", "found int"}));
  auto rows_not_records = zanj::save(std::map<std::string, std::vector<std::string>>{{"df", {"a", "b"}}}, dir / "list");
  BOOST_CHECK_EXCEPTION(zanj::read<frames>(rows_not_records), zanj::error,
                        zanj_test::message_has({"at /df/0", "expected a record object for row 0"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(table_fixtures)

/// A table in the fixture convention: {"$dataframe": {"columns", "data": rows}}.
zanj::value convention_of(const table& t) {
  zanj::list columns(t.column_names().begin(), t.column_names().end());
  zanj::list rows;
  for (std::size_t r = 0; r < t.row_count(); ++r) {
    zanj::list cells;
    for (auto& name : t.column_names()) cells.push_back(zanj_test::to_convention(t.cell(r, name)));
    rows.emplace_back(std::move(cells));
  }
  return zanj::object{{"$dataframe", zanj::object{{"columns", std::move(columns)}, {"data", std::move(rows)}}}};
}

struct iris_doc {
  table iris;
};
struct networks_doc {
  table networks;
};

/// The frame of a fixture (the document also holds other keys).
table read_frame(const std::filesystem::path& file, const std::string& key) {
  if (key == "iris") return zanj::read<iris_doc>(file).iris;
  return zanj::read<networks_doc>(file).networks;
}

BOOST_AUTO_TEST_CASE(every_dataframe_fixture_reads_into_a_table) {
  auto root = zanj_test::fixture_root();
  if (root.empty()) {
    zanj_test::report_fixtures_missing();
    return;
  }
  const std::map<std::string, std::string> frame_key = {{"dataframe_iris", "iris"},
                                                        {"dataframe_brain_networks_large", "networks"}};
  for (std::string version : {"v0.5.0", "v0.6.0"}) {
    for (auto& [name, key] : frame_key) {
      BOOST_TEST_CONTEXT("fixture " << version << "/" << name) {
        auto expected = zanj::json::parse(zanj_test::slurp(root / version / (name + ".expected.json")));
        const zanj::value& want = *expected.find("value")->find(key);
        table got = read_frame(root / version / (name + ".zanj"), key);
        std::string diff = zanj_test::difference(convention_of(got), want);
        BOOST_TEST(diff.empty(), diff);
        BOOST_TEST(got.row_count() == want.find("$dataframe")->find("data")->as_list().size());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(iris_into_rows) {
  auto root = zanj_test::fixture_root();
  if (root.empty()) {
    zanj_test::report_fixtures_missing();
    return;
  }
  struct iris_file {
    zanj::table_of<iris_row> iris;
  };
  for (std::string version : {"v0.5.0", "v0.6.0"}) {
    BOOST_TEST_CONTEXT("version " << version) {
      auto rows = zanj::read<iris_file>(root / version / "dataframe_iris.zanj").iris.rows;
      BOOST_REQUIRE(rows.size() == 150u);
      BOOST_TEST(rows[0].sepal_length == 5.1);
      BOOST_TEST(rows[0].species == "setosa");
      BOOST_TEST(rows[149].petal_width == 1.8);
      BOOST_TEST(rows[149].species == "virginica");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
