// The direct paths (detail/direct_json.hpp, detail/direct_read.hpp): long
// lists of records and tables written to .jsonl and read back without a
// zanj::value in between. They must give exactly what the zanj::value path
// gives: the same bytes on save, the same objects on read, and, for every
// line they do not take, the value path's result or error.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <span>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "test_support.hpp"

#include <zanj/detail/direct_json.hpp>
#include <zanj/detail/direct_read.hpp>
#include <zanj/detail/zip_writer.hpp>

namespace fs = std::filesystem;
using zanj_test::message_has;
using zanj_test::scratch_dir;

namespace {

enum class color : std::int16_t { red = -1, green = 7 };

struct inner_rec {
  float a = 0;
  std::optional<double> b;
  friend bool operator==(const inner_rec&, const inner_rec&) = default;
};

struct rec {
  std::int64_t id = 0;
  std::string name;
  double score = 0;
  std::vector<std::string> tags;
  std::array<float, 4> v{};
  std::optional<std::string> note;
  bool flag = false;
  std::uint64_t big = 0;
  std::int8_t small = 0;
  color c = color::red;
  std::vector<std::int32_t> ints;
  inner_rec inner;
  std::vector<inner_rec> inners;
  friend bool operator==(const rec&, const rec&) = default;
};

struct doc {
  std::vector<rec> records;
  friend bool operator==(const doc&, const doc&) = default;
};

constexpr double inf = std::numeric_limits<double>::infinity();

/// Records over the edges of every field type (no NaN: operator== is used).
std::vector<rec> edge_records(std::size_t n) {
  const std::vector<std::string> names = {"",  "plain", "quote\" back\\slash", "tab\tnl\ncr\r", "\x01\x1f\x7f",
                                          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "/slash"};
  const std::vector<double> doubles = {0.0, -0.0, 0.1, 1e300, -1e-300, 5e-324, inf, -inf, 1.0, 123456789.125};
  std::vector<rec> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    rec& r = out[i];
    r.id = i % 3 == 0 ? std::numeric_limits<std::int64_t>::min() + static_cast<std::int64_t>(i)
                      : std::numeric_limits<std::int64_t>::max() - static_cast<std::int64_t>(i);
    r.name = names[i % names.size()] + std::to_string(i);
    r.score = doubles[i % doubles.size()];
    for (std::size_t t = 0; t < i % 4; ++t) r.tags.push_back(names[(i + t) % names.size()]);
    r.v = {static_cast<float>(i) * 0.1f, -0.0f, std::numeric_limits<float>::max(), std::numeric_limits<float>::denorm_min()};
    if (i >= n / 2) r.note = "note " + std::to_string(i);  // columns: NoneType first, str later
    r.flag = i % 2 == 0;
    r.big = std::numeric_limits<std::uint64_t>::max() - i;
    r.small = static_cast<std::int8_t>(-128 + static_cast<int>(i % 256));
    r.c = i % 2 ? color::green : color::red;
    for (std::size_t k = 0; k < i % 3; ++k) r.ints.push_back(static_cast<std::int32_t>(k * 1000003 - 7));
    r.inner = {static_cast<float>(i) / 3.0f, i % 5 ? std::optional<double>(i * 0.25) : std::nullopt};
    for (std::size_t k = 0; k < i % 2; ++k) r.inners.push_back({1.5f, std::nullopt});
  }
  return out;
}

/// The .jsonl text of a member: its head and the pieces after it.
std::string member_text(const zanj::detail::external_member& m) {
  std::string text = m.head;
  for (auto piece : m.body) text.append(reinterpret_cast<const char*>(piece.data()), piece.size());
  return text;
}

/// The value path, as save_list runs it for the same records.
std::pair<zanj::value, zanj::detail::external_member> save_through_values(const std::vector<rec>& records) {
  using namespace zanj::detail;
  static const zanj::options opts;
  save_context ctx(opts, "x.zanj");
  path_guard g(ctx, std::string("records"));
  zanj::list items;
  for (std::size_t i = 0; i < records.size(); ++i) {
    path_guard gi(ctx, i);
    items.push_back(save_value(records[i], ctx));
  }
  zanj::value ref = save_list(std::move(items), ctx);
  BOOST_REQUIRE_EQUAL(ctx.externals.size(), 1u);
  return {ref, std::move(ctx.externals.front())};
}

using bytes = std::vector<std::byte>;

bytes to_bytes(std::string_view s) {
  bytes b(s.size());
  std::memcpy(b.data(), s.data(), s.size());
  return b;
}

/// Copies `src` to `dst` with the text of `member` replaced.
void replace_member(const fs::path& src, const fs::path& dst, const std::string& member, const std::string& text) {
  std::vector<std::pair<std::string, bytes>> members;
  {
    zanj::detail::zip_reader zip(src);
    for (auto& e : zip.entries()) members.emplace_back(e.name, e.name == member ? to_bytes(text) : zip.read(e));
  }
  zanj::detail::zip_writer zip(dst);
  for (auto& [name, content] : members) zip.add_member(name, content);
  zip.finish();
}

/// Line `index` (0-based) of a .jsonl text replaced by `line`.
std::string with_line(const std::string& text, std::size_t index, const std::string& line) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  lines.at(index) = line;
  std::string out;
  for (auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(direct_write)

BOOST_AUTO_TEST_CASE(each_line_is_what_the_value_path_writes) {
  using namespace zanj::detail;
  const zanj::options opts;
  save_context ctx(opts, "x.zanj");
  path_guard g(ctx, std::string("records"));
  for (auto& r : edge_records(64)) {
    path_guard gi(ctx, std::size_t{1});
    std::string direct;
    BOOST_REQUIRE(direct_json<rec>::write(r, direct, opts));
    std::string through_value;
    zanj::json::write(through_value, save_value(r, ctx), zanj::json::style::compact);
    BOOST_TEST(direct == through_value);
  }
}

BOOST_AUTO_TEST_CASE(member_and_reference_match_the_value_path) {
  using namespace zanj::detail;
  // 9000 records: written in more than one piece, whose column statistics merge.
  const auto records = edge_records(9000);
  const zanj::options opts;
  save_context ctx(opts, "x.zanj");
  path_guard g(ctx, std::string("records"));
  auto direct = save_records_direct(records, ctx);
  BOOST_REQUIRE(direct);
  BOOST_REQUIRE_EQUAL(ctx.externals.size(), 1u);
  BOOST_TEST(ctx.externals.front().body.size() >= 1u);
  auto [ref, member] = save_through_values(records);
  BOOST_TEST((*direct == ref));
  const auto& m = ctx.externals.front();
  BOOST_TEST(m.name == member.name);
  BOOST_TEST((m.path == member.path));
  BOOST_TEST(m.length == member.length);
  BOOST_TEST((m.first_item == member.first_item));
  BOOST_TEST(member_text(m) == member.head);
  // The statistics saw the late "note"s after the early nulls.
  auto& note_types = direct->as_object().at("columns").as_object().at("note").as_object().at("types").as_list();
  BOOST_TEST((note_types == zanj::list{"NoneType", "str"}));
}

BOOST_AUTO_TEST_CASE(files_are_the_same_bytes_with_and_without_the_direct_path) {
  // A record with a list long enough to go external cannot be written
  // directly: that save goes the value path for the whole list. The files
  // of the two saves then differ only where that record does.
  scratch_dir dir;
  doc d{edge_records(600)};
  zanj::save(d, dir / "direct.zanj");
  auto records_text = zanj_test::member_text(dir / "direct.zanj", "records.jsonl");
  BOOST_TEST(records_text.size() > 100000u);

  doc long_tags = d;
  long_tags.records[599].tags.assign(300, "t");
  zanj::save(long_tags, dir / "values.zanj");
  auto names = zanj_test::member_names(dir / "values.zanj");
  BOOST_TEST((std::find(names.begin(), names.end(), "records/599/tags.jsonl") != names.end()));
  auto values_text = zanj_test::member_text(dir / "values.zanj", "records.jsonl");
  // Every line but the last is the same.
  BOOST_TEST(values_text.substr(0, values_text.rfind('\n', values_text.size() - 2)) ==
             records_text.substr(0, records_text.rfind('\n', records_text.size() - 2)));
  BOOST_TEST((zanj::read<doc>(dir / "values.zanj") == long_tags));
}

BOOST_AUTO_TEST_CASE(a_string_that_is_not_utf8_fails_as_on_the_value_path) {
  scratch_dir dir;
  doc d{edge_records(300)};
  d.records[250].name = "bad \xff byte";
  BOOST_CHECK_EXCEPTION(zanj::save(d, dir / "bad.zanj"), zanj::error, message_has({"not valid UTF-8"}));
  BOOST_TEST(!fs::exists(dir / "bad.zanj"));
}

BOOST_AUTO_TEST_CASE(python_reads_the_lines) {
  // NaN and infinities as Python's json writes them, the rest as json.loads reads them.
  scratch_dir dir;
  doc d{edge_records(300)};
  d.records[1].score = std::numeric_limits<double>::quiet_NaN();
  zanj::save(d, dir / "d.zanj");
  auto text = zanj_test::member_text(dir / "d.zanj", "records.jsonl");
  BOOST_TEST(text.find("\"score\": NaN") != std::string::npos);
  BOOST_TEST(text.find("\"score\": Infinity") != std::string::npos);
  BOOST_TEST(text.find("\"score\": -Infinity") != std::string::npos);
  BOOST_TEST(text.find("\\u00e9 \\u20ac \\ud83d\\ude00") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(direct_read)

BOOST_AUTO_TEST_CASE(reads_back_what_it_wrote_exactly) {
  scratch_dir dir;
  for (bool compress : {false, true}) {
    doc d{edge_records(9000)};
    zanj::options o;
    o.compress = compress;
    zanj::save(d, dir / "d.zanj", o);
    doc back = zanj::read<doc>(dir / "d.zanj");
    BOOST_TEST((back == d));
    // The value path gives the same objects.
    zanj::value tree = zanj::read<zanj::value>(dir / "d.zanj");
    zanj::detail::load_context ctx(nullptr, dir / "d.zanj", o);
    doc through_values;
    zanj::detail::load_value(tree, ctx, through_values);
    BOOST_TEST((through_values == d));
  }
}

BOOST_AUTO_TEST_CASE(nan_and_signed_zero_come_back) {
  scratch_dir dir;
  doc d{edge_records(300)};
  d.records[3].score = std::numeric_limits<double>::quiet_NaN();
  d.records[4].v[1] = std::numeric_limits<float>::quiet_NaN();
  zanj::save(d, dir / "d.zanj");
  doc back = zanj::read<doc>(dir / "d.zanj");
  BOOST_TEST(std::isnan(back.records[3].score));
  BOOST_TEST(std::isnan(back.records[4].v[1]));
  BOOST_TEST(std::signbit(back.records[1].score));  // -0.0
  BOOST_TEST(back.records[1].score == 0.0);
  BOOST_TEST(back.records[5].v[3] == std::numeric_limits<float>::denorm_min());
}

BOOST_AUTO_TEST_CASE(lines_in_other_forms_are_read_as_the_value_path_reads_them) {
  scratch_dir dir;
  doc d{edge_records(300)};
  zanj::save(d, dir / "d.zanj");
  const auto text = zanj_test::member_text(dir / "d.zanj", "records.jsonl");
  // Keys in another order, an escaped ASCII letter, a float written as an
  // int, an int written with an exponent-free form, no spaces.
  const std::string line =
      "{\"name\":\"\\u0061bc\",\"__muutils_format__\":\"rec(SerializableDataclass)\",\"id\":5,\"score\":2,"
      "\"tags\":[],\"v\":[1,2,3,4],\"note\":null,\"flag\":true,\"big\":0,\"small\":-3,\"c\":7,\"ints\":[],"
      "\"inner\":{\"a\":1.5,\"b\":null},\"inners\":[]}";
  replace_member(dir / "d.zanj", dir / "other.zanj", "records.jsonl", with_line(text, 7, line));
  doc back = zanj::read<doc>(dir / "other.zanj");
  rec expected;
  expected.id = 5;
  expected.name = "abc";
  expected.score = 2;
  expected.v = {1, 2, 3, 4};
  expected.flag = true;
  expected.small = -3;
  expected.c = color::green;
  expected.inner = {1.5f, std::nullopt};
  BOOST_TEST((back.records[7] == expected));
  d.records[7] = expected;
  BOOST_TEST((back == d));
}

BOOST_AUTO_TEST_CASE(errors_in_a_line_name_the_file_and_the_path) {
  scratch_dir dir;
  doc d{edge_records(300)};
  zanj::save(d, dir / "d.zanj");
  const auto text = zanj_test::member_text(dir / "d.zanj", "records.jsonl");
  const std::string wrong_type = "{\"__muutils_format__\": \"rec(SerializableDataclass)\", \"id\": \"five\"}";
  replace_member(dir / "d.zanj", dir / "type.zanj", "records.jsonl", with_line(text, 12, wrong_type));
  BOOST_CHECK_EXCEPTION(zanj::read<doc>(dir / "type.zanj"), zanj::error,
                        message_has({"type.zanj", "/records/12/id", "int64"}));

  const std::string extra = text.substr(0, text.find('\n') + 1) + "\n" + text.substr(text.find('\n') + 1);  // a blank line 2
  replace_member(dir / "d.zanj", dir / "blank.zanj", "records.jsonl", extra);
  BOOST_CHECK_EXCEPTION(zanj::read<doc>(dir / "blank.zanj"), zanj::error,
                        message_has({"blank.zanj", "blank line 2", "/records/1"}));

  std::string line = text.substr(0, text.find('\n'));
  line.insert(line.size() - 1, ", \"extra\": 1");
  const std::string unknown_line = with_line(text, 30, line);
  replace_member(dir / "d.zanj", dir / "unknown.zanj", "records.jsonl", unknown_line);
  BOOST_TEST(zanj::read<doc>(dir / "unknown.zanj").records.size() == 300u);  // ignored by default
  zanj::options strict;
  strict.on_unknown_key = zanj::error_mode::except;
  BOOST_CHECK_EXCEPTION(zanj::read<doc>(dir / "unknown.zanj", strict), zanj::error,
                        message_has({"unknown.zanj", "/records/30/extra", "unknown key 'extra'"}));
}

BOOST_AUTO_TEST_CASE(limits_hold_on_the_direct_path) {
  scratch_dir dir;
  doc d{edge_records(300)};
  zanj::save(d, dir / "d.zanj");
  zanj::options o;
  o.limits.max_jsonl_lines = 299;
  BOOST_CHECK_EXCEPTION(zanj::read<doc>(dir / "d.zanj", o), zanj::error, message_has({"d.zanj", "max_jsonl_lines"}));

  // The document itself holds longer strings and deeper nesting than a
  // record, so these limits are seen on the member alone: the direct path
  // declines, and the value path then reports the limit.
  const auto text = zanj_test::member_text(dir / "d.zanj", "records.jsonl");
  zanj::detail::load_context::jsonl_member member;
  member.name = "records.jsonl";
  member.bytes = std::as_bytes(std::span(text));
  member.loaded = true;
  auto direct = [&](const zanj::options& opts) {
    zanj::detail::load_context ctx(nullptr, dir / "d.zanj", opts);
    std::vector<rec> out;
    bool taken = zanj::detail::read_records_direct(member, ctx, out);
    BOOST_TEST((!taken || out == d.records));
    return taken;
  };
  BOOST_TEST(direct(zanj::options{}));
  o = {};
  o.limits.max_string_length = 8;  // "quote\" back\\slash2" is longer
  BOOST_TEST(!direct(o));
  o = {};
  o.limits.max_json_depth = 3;  // a record's inners nest 3 deep
  BOOST_TEST(!direct(o));
  o.limits.max_json_depth = 4;
  BOOST_TEST(direct(o));
  o = {};
  o.limits.max_jsonl_lines = 299;
  BOOST_TEST(!direct(o));
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

struct row {
  std::int64_t id = 0;
  double x = 0;
  float y = 0;
  std::string label;
  bool flag = false;
  std::optional<double> maybe_x;
  std::optional<std::string> maybe_label;
  std::optional<std::int64_t> maybe_id;
  friend bool operator==(const row& a, const row& b) {
    auto same = [](std::optional<double> p, std::optional<double> q) {
      return p.has_value() == q.has_value() && (!p || *p == *q || (std::isnan(*p) && std::isnan(*q)));
    };
    return a.id == b.id && a.x == b.x && a.y == b.y && a.label == b.label && a.flag == b.flag &&
           same(a.maybe_x, b.maybe_x) && a.maybe_label == b.maybe_label && a.maybe_id == b.maybe_id;
  }
};

struct frame {
  zanj::table_of<row> table;
};

std::vector<row> rows(std::size_t n) {
  std::vector<row> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    row& r = out[i];
    r.id = static_cast<std::int64_t>(i) - 5;
    r.x = i * 0.1;
    r.y = static_cast<float>(i) / 7.0f;
    r.label = i % 3 ? "ant" : "caf\xc3\xa9";
    r.flag = i % 2;
    if (i % 4) r.maybe_x = -static_cast<double>(i);
    if (i % 5) r.maybe_label = "l" + std::to_string(i);
    if (i % 6) r.maybe_id = static_cast<std::int64_t>(i) * 1000;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(direct_table)

BOOST_AUTO_TEST_CASE(rows_are_written_as_a_dynamic_table_writes_them) {
  scratch_dir dir;
  frame f{{rows(9000)}};
  zanj::save(f, dir / "rows.zanj");

  // The same cells in a zanj::table, which always takes the value path.
  zanj::table t;
  auto r = rows(9000);
  auto column = [&](auto get) {
    using T = std::remove_cvref_t<decltype(*get(r[0]))>;
    zanj::table::cells<T> cells;
    for (auto& x : r) cells.push_back(get(x));
    return cells;
  };
  t.add_column("id", column([](const row& x) { return std::optional<std::int64_t>(x.id); }));
  t.add_column("x", column([](const row& x) { return std::optional<double>(x.x); }));
  t.add_column("y", column([](const row& x) { return std::optional<double>(x.y); }));
  t.add_column("label", column([](const row& x) { return std::optional<std::string>(x.label); }));
  t.add_column("flag", column([](const row& x) { return std::optional<bool>(x.flag); }));
  t.add_column("maybe_x", column([](const row& x) {
                 return std::optional<double>(x.maybe_x ? *x.maybe_x : std::numeric_limits<double>::quiet_NaN());
               }));
  t.add_column("maybe_label", column([](const row& x) { return x.maybe_label; }));
  t.add_column("maybe_id", column([](const row& x) { return x.maybe_id; }));
  struct dynamic_frame {
    zanj::table table;
  };
  zanj::save(dynamic_frame{t}, dir / "dynamic.zanj");
  BOOST_TEST(zanj_test::member_text(dir / "rows.zanj", "table.jsonl") ==
             zanj_test::member_text(dir / "dynamic.zanj", "table.jsonl"));
  // The reference objects too (as text: NaN cells compare unequal as values).
  auto reference = [](const fs::path& file) {
    auto tree = zanj::json::parse(zanj_test::member_text(file, "__zanj__.json"));
    std::string text;
    zanj::json::write(text, tree.as_object().at("table"), zanj::json::style::compact);
    return text;
  };
  BOOST_TEST(reference(dir / "rows.zanj") == reference(dir / "dynamic.zanj"));
}

BOOST_AUTO_TEST_CASE(rows_read_back_and_other_forms_fall_back) {
  scratch_dir dir;
  for (bool compress : {false, true}) {
    frame f{{rows(9000)}};
    zanj::options o;
    o.compress = compress;
    zanj::save(f, dir / "rows.zanj", o);
    // A missing float is written NaN, pandas' missing value, and read as such.
    auto expected = f.table.rows;
    for (auto& r : expected)
      if (!r.maybe_x) r.maybe_x = std::numeric_limits<double>::quiet_NaN();
    BOOST_TEST((zanj::read<frame>(dir / "rows.zanj").table.rows == expected));
    // The value path gives the same rows.
    zanj::value tree = zanj::read<zanj::value>(dir / "rows.zanj");
    zanj::detail::load_context ctx(nullptr, dir / "rows.zanj", o);
    frame through_values;
    zanj::detail::load_value(tree, ctx, through_values);
    BOOST_TEST((through_values.table.rows == expected));
  }
  frame f{{rows(300)}};
  zanj::save(f, dir / "rows.zanj");
  const auto text = zanj_test::member_text(dir / "rows.zanj", "table.jsonl");
  // Another key order, a column missing (the field keeps its default), one unknown.
  replace_member(dir / "rows.zanj", dir / "other.zanj", "table.jsonl",
                 with_line(text, 4, "{\"label\": \"z\", \"id\": 9, \"extra\": 1, \"x\": null}"));
  auto back = zanj::read<frame>(dir / "other.zanj").table.rows;
  row expected;
  expected.label = "z";
  expected.id = 9;
  expected.x = std::numeric_limits<double>::quiet_NaN();
  BOOST_TEST(back[4].label == "z");
  BOOST_TEST(back[4].id == 9);
  BOOST_TEST(std::isnan(back[4].x));
  BOOST_TEST(!back[4].maybe_x.has_value());
  BOOST_TEST((back[5] == f.table.rows[5]));

  replace_member(dir / "rows.zanj", dir / "bad.zanj", "table.jsonl", with_line(text, 6, "{\"id\": \"six\"}"));
  BOOST_CHECK_EXCEPTION(zanj::read<frame>(dir / "bad.zanj"), zanj::error,
                        message_has({"bad.zanj", "/table/6/id", "column 'id'"}));
}

// A large deflated member is written in chunks; its lines are read as each
// core inflates a chunk, with no buffer of the whole text. Lines of every
// length cross the chunk boundaries; each must land at its own index.
BOOST_AUTO_TEST_CASE(chunked_members_are_read_as_they_inflate) {
  if (zanj::detail::worker_count() < 2) return;  // no chunks written on one core
  using namespace zanj::detail;
  scratch_dir dir;
  frame f{{rows(120'000)}};
  for (std::size_t i = 0; i < f.table.rows.size(); ++i) f.table.rows[i].label = std::string(i % 301, 'a' + i % 26);
  for (auto& r : f.table.rows)
    if (!r.maybe_x) r.maybe_x = std::numeric_limits<double>::quiet_NaN();  // read back as written
  const fs::path file = dir / "big.zanj";
  zanj::save(f, file);
  {
    zip_reader zip(file);
    BOOST_REQUIRE(zip_reader::chunked(*zip.find("table.jsonl")));
    BOOST_REQUIRE(zip.find("table.jsonl")->chunk_sizes.size() >= 3);
  }
  BOOST_TEST((zanj::read<frame>(file).table.rows == f.table.rows));

  // Read from a document text (its reference declares the line count): the
  // chunked path reads the member once; when it declines, the whole text is
  // read a second time.
  const auto read_from = [&](const fs::path& from, const std::string& document, std::size_t& reads) {
    zip_reader zip(from);
    const zanj::options o;
    load_context ctx(&zip, from, o);
    frame out;
    load_value(zanj::json::parse(document), ctx, out);
    reads = zip.content_reads();
    return out.table.rows;
  };
  const std::string document = zanj_test::member_text(file, "__zanj__.json");
  const std::string count = "\"len(data)\": " + std::to_string(f.table.rows.size());
  BOOST_REQUIRE(document.find(count) != std::string::npos);
  std::size_t reads = 0;
  BOOST_TEST((read_from(file, document, reads) == f.table.rows));
  BOOST_TEST(reads == 1u);
  // A declared count that is wrong: declined once the chunks are read; one
  // the member cannot hold (two bytes a line): declined before.
  for (std::size_t declared : {f.table.rows.size() - 1, f.table.rows.size() + 1, std::size_t{1} << 40}) {
    std::string wrong = document;
    wrong.replace(wrong.find(count), count.size(), "\"len(data)\": " + std::to_string(declared));
    BOOST_TEST((read_from(file, wrong, reads) == f.table.rows), declared);
    BOOST_TEST(reads == (declared == std::size_t{1} << 40 ? 1u : 2u), declared);
  }

  // A line longer than two chunks (of 8 MiB): a chunk without a line end, declined.
  frame g = f;
  g.table.rows[5000].label = std::string((std::size_t{17} << 20), 'z');
  zanj::save(g, dir / "long.zanj");
  BOOST_TEST((read_from(dir / "long.zanj", zanj_test::member_text(dir / "long.zanj", "__zanj__.json"), reads) ==
              g.table.rows));
  BOOST_TEST(reads == 2u);
  BOOST_TEST((zanj::read<frame>(dir / "long.zanj").table.rows == g.table.rows));

  // A corrupt chunk: an error naming the file and the member.
  std::uint64_t second_chunk = 0;
  {
    zip_reader zip(file);
    const zip_entry& e = *zip.find("table.jsonl");
    second_chunk = e.data_offset + e.chunk_sizes[0] + 1000;
  }
  std::string damaged;
  {
    std::ifstream in(file, std::ios::binary);
    damaged.assign(std::istreambuf_iterator<char>(in), {});
  }
  damaged[second_chunk] ^= 0x5a;
  std::ofstream(dir / "corrupt.zanj", std::ios::binary) << damaged;
  BOOST_CHECK_EXCEPTION(zanj::read<frame>(dir / "corrupt.zanj"), zanj::error,
                        message_has({"corrupt.zanj", "table.jsonl"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jsonl_pieces)

// The digit runs of numbers are read eight at a time: every length, at
// every offset into the word, and a non-digit at every position.
BOOST_AUTO_TEST_CASE(eight_digits_at_a_time) {
  using namespace zanj::detail;
  BOOST_TEST(eight_digit_value(load_eight("12345678")) == 12345678u);
  BOOST_TEST(eight_digit_value(load_eight("00000000")) == 0u);
  BOOST_TEST(eight_digit_value(load_eight("99999999")) == 99999999u);
  BOOST_TEST(eight_digit_value(load_eight("09080706")) == 9080706u);
  BOOST_TEST(eight_digits(load_eight("01234567")));
  for (int at = 0; at < 8; ++at)
    for (int c : {0, int{'/'}, int{':'}, int{' '}, int{'.'}, int{'e'}, int{'-'}, 0x80 + '0', 0xff, 0x3a, 0x3f}) {
      char s[9] = "55555555";
      s[at] = static_cast<char>(c);
      BOOST_TEST(!eight_digits(load_eight(s)), at << " " << c);
    }
}

// json_cursor::number reads what the generic parser reads, and refuses
// (for the generic path to decide) what it does not take.
BOOST_AUTO_TEST_CASE(numbers_read_as_the_generic_parser_reads_them) {
  using namespace zanj::detail;
  const zanj::read_limits limits;
  for (std::string token : {"0", "-0", "7", "12345678", "123456789", "1234567890123456", "-1234567890123456789",
                            "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                            "18446744073709551615", "0.1", "-0.0", "0.7523070158382239", "-0.5345816612243652",
                            "12345678.87654321", "1e300", "5e-324", "1.5E+10", "123456789012345678901234.5",
                            "0.12345678901234567890123", "NaN", "Infinity", "-Infinity"}) {
    json_cursor c{token.data(), token.data() + token.size(), limits};
    json_number x;
    BOOST_REQUIRE_MESSAGE(c.number(x), token);
    BOOST_TEST((c.p == c.end), token);
    const zanj::value v = zanj::json::parse(token);
    if (x.kind == json_number::integer) {
      BOOST_TEST((v.kind() == zanj::kind::int64 && v.as_int64() == x.i), token);
    } else if (x.kind == json_number::unsigned_integer) {
      BOOST_TEST((v.kind() == zanj::kind::uint64 && v.as_uint64() == x.u), token);
    } else {
      BOOST_REQUIRE_MESSAGE(v.is_float(), token);
      const double d = v.as_double();
      BOOST_TEST(((std::isnan(d) && std::isnan(x.d)) || std::memcmp(&d, &x.d, sizeof d) == 0), token);
    }
  }
  for (std::string token : {"", "-", "01", "00", "1.", ".5", "1e", "1e+", "+1", "12345678x", "123456789a", "0x10",
                            "-12345678901234567890123", "1.2345678901234567x"}) {
    json_cursor c{token.data(), token.data() + token.size(), limits};
    json_number x;
    // (A negative integer beyond int64 is left to the generic path too.)
    BOOST_TEST(!(c.number(x) && c.p == c.end), token);
  }
}

// Short decimals take a fast path (one exact multiply or divide), the rest
// from_chars: both must give the correctly rounded double, bit for bit.
BOOST_AUTO_TEST_CASE(floats_read_bit_for_bit_as_from_chars_reads_them) {
  using namespace zanj::detail;
  const zanj::read_limits limits;
  std::mt19937_64 rng(17);
  auto check = [&](const std::string& token) {
    double expected = 0;
    const auto r = std::from_chars(token.data(), token.data() + token.size(), expected);
    BOOST_REQUIRE(r.ec == std::errc{});
    json_cursor c{token.data(), token.data() + token.size(), limits};
    json_number x;
    BOOST_REQUIRE_MESSAGE(c.number(x) && x.kind == json_number::floating, token);
    BOOST_TEST_REQUIRE(std::memcmp(&x.d, &expected, sizeof expected) == 0, token);
  };
  char buffer[64];
  for (int i = 0; i < 200'000; ++i) {
    // Shortest forms of doubles of every magnitude, and of float32 values as
    // a table's float column holds them.
    double d = std::bit_cast<double>(rng());
    if (!std::isfinite(d)) continue;
    if (i % 3 == 0) d = std::ldexp(static_cast<double>(rng() >> 11), -53) * std::pow(10.0, static_cast<int>(rng() % 9) - 4);
    if (i % 3 == 1) d = static_cast<float>(std::ldexp(static_cast<double>(rng() >> 11), -53) * 2 - 1);
    auto end = std::to_chars(buffer, buffer + sizeof buffer, d).ptr;
    std::string token(buffer, end);
    if (token.find_first_of(".e") == std::string::npos) token += ".0";
    check(token);
    // Decimals of up to 19 digits with a point and an exponent anywhere.
    std::string digits = std::to_string(rng() % 10'000'000'000'000'000'000ULL);
    const std::size_t point = rng() % digits.size();
    std::string decimal = (rng() & 1 ? "-" : "") + digits.substr(0, point + 1) + "." +
                          (point + 1 < digits.size() ? digits.substr(point + 1) : "0");
    if (rng() & 1) decimal += "e" + std::to_string(static_cast<int>(rng() % 60) - 30);
    check(decimal);
  }
  for (std::string token : {"9007199254740993.0", "9007199254740992.0", "0.1", "1e22", "1e23", "1.0e-22", "123.456e-20",
                            "-0.0", "0.0e5", "4.35", "1.7976931348623157e308", "2.2250738585072014e-308"})
    check(token);
}

// A long member is read on every core in pieces cut at line ends: every
// line must land at its own index, whichever piece holds it.
BOOST_AUTO_TEST_CASE(lines_keep_their_index_across_pieces) {
  using namespace zanj::detail;
  const zanj::read_limits limits;
  std::string text;
  for (int i = 0; i < 500; ++i) text += std::to_string(i * 7) + (i % 3 ? "\n" : "\r\n");
  text += "3500";  // no final newline: still a line
  for (std::size_t piece_bytes : {std::size_t{1}, std::size_t{5}, std::size_t{64}, std::size_t{1} << 20}) {
    std::size_t total = 0;
    auto pieces = jsonl_pieces_of(text, limits, total, piece_bytes);
    BOOST_REQUIRE(pieces);
    BOOST_TEST(total == 501u);
    std::string joined;
    for (std::size_t k = 0; k < pieces->size(); ++k) {
      const auto& p = (*pieces)[k];
      joined += p.text;
      if (k + 1 < pieces->size()) BOOST_TEST(p.text.back() == '\n');
      const char* begin = text.data();
      BOOST_TEST(p.first_line == static_cast<std::size_t>(std::count(begin, p.text.data(), '\n')));
    }
    BOOST_TEST(joined == text);
    std::vector<std::int64_t> out(total, -1);
    BOOST_TEST(for_each_line(*pieces, limits, [&](json_cursor& c, std::size_t i) {
      json_number x;
      if (!c.number(x) || x.kind != json_number::integer) return false;
      out[i] = x.i;
      return true;
    }));
    for (std::size_t i = 0; i < out.size(); ++i) BOOST_TEST(out[i] == static_cast<std::int64_t>(i * 7));
  }
}

BOOST_AUTO_TEST_CASE(blank_lines_and_too_many_lines_are_refused) {
  using namespace zanj::detail;
  zanj::read_limits limits;
  const auto every_line_is_a_number = [](json_cursor& c, std::size_t) {
    json_number x;
    return c.number(x);
  };
  std::size_t total = 0;
  for (const std::string text : {"1\n2\n\n3\n", "1\n2\n \t\n3\n", "1\n2\n3\n\r\n", "1\n2 x\n3\n"}) {
    auto pieces = jsonl_pieces_of(text, limits, total, 2);
    BOOST_REQUIRE(pieces);
    BOOST_TEST(!for_each_line(*pieces, limits, every_line_is_a_number), text);
  }
  limits.max_jsonl_lines = 3;
  BOOST_TEST(jsonl_pieces_of("1\n2\n3\n", limits, total, 2).has_value());
  BOOST_TEST(total == 3u);
  BOOST_TEST(!jsonl_pieces_of("1\n2\n3\n4", limits, total, 2).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
