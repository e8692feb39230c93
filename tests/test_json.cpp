// The JSON text layer against the Python reference: byte-exact round trips
// of reference-written members, Python's float repr and string escaping
// (checked against /usr/bin/python3 when present), and hostile input.
#include <boost/test/unit_test.hpp>

#include <zanj/json.hpp>

#include <bit>
#include <chrono>
#include <complex>
#include <cstring>
#include <memory>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;
using zanj::value;
using zanj::json::style;

namespace {

const fs::path fixture_dir = fs::path(ZANJ_SHARED_DIR) / "fixtures" / "python-reference" / "v0.6.0";
const char* const python = "/usr/bin/python3";

/// A scratch directory private to this process, removed at exit.
struct scratch_dir {
  fs::path path = fs::temp_directory_path() / ("zanj_test_json_" + std::to_string(::getpid()));
  scratch_dir() { fs::create_directories(path); }
  ~scratch_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
const fs::path& scratch() {
  static scratch_dir dir;
  return dir.path;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

bool have_fixtures() {
  if (fs::is_directory(fixture_dir) && std::system("command -v unzip > /dev/null 2>&1") == 0) return true;
  BOOST_TEST_MESSAGE("reference fixtures or unzip missing; fixture checks skipped");
  return false;
}

/// The bytes of one member of a fixture archive.
std::string fixture_member(const std::string& archive, const std::string& member) {
  const fs::path out = scratch() / "member";
  const std::string command =
      "unzip -p '" + (fixture_dir / archive).string() + "' '" + member + "' > '" + out.string() + "'";
  BOOST_REQUIRE_MESSAGE(std::system(command.c_str()) == 0, command);
  return read_file(out);
}

/// Runs a Python script on `input` (a file's text) and returns its stdout.
std::string run_python(const std::string& script, const std::string& input) {
  const fs::path script_path = scratch() / "script.py", in = scratch() / "in.txt", out = scratch() / "out.txt";
  write_file(script_path, script);
  write_file(in, input);
  const std::string command =
      std::string(python) + " '" + script_path.string() + "' < '" + in.string() + "' > '" + out.string() + "'";
  BOOST_REQUIRE_MESSAGE(std::system(command.c_str()) == 0, command);
  return read_file(out);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string repr(double d) {
  std::string s;
  zanj::json::write_double(s, d);
  return s;
}

std::string escaped(std::string_view s) {
  std::string out;
  zanj::json::write_string(out, s);
  return out;
}

std::uint64_t bits(double d) { return std::bit_cast<std::uint64_t>(d); }

std::string hex_of(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string h;
  for (unsigned char c : bytes) {
    h.push_back(digits[c >> 4]);
    h.push_back(digits[c & 15]);
  }
  return h;
}

/// True if parsing `text` throws zanj::error.
bool parse_fails(std::string_view text) {
  try {
    zanj::json::parse(text);
    return false;
  } catch (const zanj::error&) {
    return true;
  }
}

std::string parse_error(std::string_view text) {
  try {
    zanj::json::parse(text);
  } catch (const zanj::error& e) {
    return e.reason();
  }
  return "";
}

// -- turning the reference's inline array objects into array_values -------

void flatten(const value& data, std::vector<const value*>& leaves) {
  if (auto* items = data.items()) {
    for (auto& item : *items) flatten(item, leaves);
  } else {
    leaves.push_back(&data);
  }
}

template <class T>
void append_element(zanj::array_value& a, const value& v) {
  T x;
  if constexpr (std::is_same_v<T, bool>) {
    x = v.as_bool();
  } else if constexpr (std::is_integral_v<T>) {
    x = v.kind() == zanj::kind::uint64 ? static_cast<T>(v.as_uint64()) : static_cast<T>(v.as_int64());
  } else if constexpr (std::is_same_v<T, double>) {
    x = v.as_double();
  } else {
    x = T(static_cast<float>(v.as_double()));
  }
  const auto* p = reinterpret_cast<const std::byte*>(&x);
  a.bytes.insert(a.bytes.end(), p, p + sizeof x);
}

/// Replaces every `array_list_meta` / `zero_dim` object in `v` with the
/// array_value it describes, so writing it back exercises the array writer.
/// Returns how many were replaced.
int arrays_to_values(value& v) {
  int replaced = 0;
  if (auto* items = v.get_if<zanj::list>()) {
    for (auto& item : *items) replaced += arrays_to_values(item);
    return replaced;
  }
  auto* members = v.get_if<zanj::object>();
  if (!members) return 0;
  const value* format = members->find("__muutils_format__");
  const std::string fmt = format && format->is_string() ? format->as_string() : "";
  const bool torch = fmt.starts_with("torch.Tensor:");
  if (fmt.ends_with(":array_list_meta") || fmt.ends_with(":zero_dim")) {
    auto spec = zanj::parse_dtype(members->at("dtype").as_string());
    BOOST_REQUIRE(spec);
    zanj::array_value a;
    a.type = spec->type;
    a.torch = torch;
    for (auto& d : members->at("shape").as_list()) a.shape.push_back(static_cast<std::size_t>(d.as_int64()));
    std::vector<const value*> leaves;
    flatten(members->at("data"), leaves);
    for (auto* leaf : leaves) {
      switch (a.type) {
        case zanj::dtype::bool_: append_element<bool>(a, *leaf); break;
        case zanj::dtype::int8: append_element<std::int8_t>(a, *leaf); break;
        case zanj::dtype::int16: append_element<std::int16_t>(a, *leaf); break;
        case zanj::dtype::int32: append_element<std::int32_t>(a, *leaf); break;
        case zanj::dtype::int64: append_element<std::int64_t>(a, *leaf); break;
        case zanj::dtype::uint8: append_element<std::uint8_t>(a, *leaf); break;
        case zanj::dtype::uint16: append_element<std::uint16_t>(a, *leaf); break;
        case zanj::dtype::uint32: append_element<std::uint32_t>(a, *leaf); break;
        case zanj::dtype::uint64: append_element<std::uint64_t>(a, *leaf); break;
        case zanj::dtype::float16: append_element<zanj::float16>(a, *leaf); break;
        case zanj::dtype::bfloat16: append_element<zanj::bfloat16>(a, *leaf); break;
        case zanj::dtype::float32: append_element<float>(a, *leaf); break;
        case zanj::dtype::float64: append_element<double>(a, *leaf); break;
        default: return 0;  // complex is never written inline by the reference
      }
    }
    v = std::move(a);
    return 1;
  }
  for (auto& [name, member] : *members) replaced += arrays_to_values(member);
  return replaced;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json)

// ---------------------------------------------------------------------------
// Byte-exact round trips of what the reference wrote

BOOST_AUTO_TEST_CASE(reference_members_round_trip_byte_exact) {
  if (!have_fixtures()) return;
  for (const char* archive : {"scalars_json_kinds.zanj", "dict_nested.zanj", "externals_in_nested_containers.zanj",
                              "mode_array_hex_meta.zanj"}) {
    const std::string original = fixture_member(archive, "__zanj__.json");
    BOOST_TEST_CONTEXT(archive) {
      BOOST_TEST(zanj::json::to_string(zanj::json::parse(original)) == original);
    }
  }
  const std::string meta = fixture_member("dict_nested.zanj", "__zanj_meta__.json");
  BOOST_TEST(zanj::json::to_string(zanj::json::parse(meta)) == meta);
}

BOOST_AUTO_TEST_CASE(every_fixture_round_trips_byte_exact) {
  if (!have_fixtures()) return;
  int checked = 0;
  for (auto& entry : fs::directory_iterator(fixture_dir)) {
    if (entry.path().extension() != ".zanj") continue;
    const std::string name = entry.path().filename().string();
    const std::string original = fixture_member(name, "__zanj__.json");
    BOOST_TEST_CONTEXT(name) { BOOST_TEST(zanj::json::to_string(zanj::json::parse(original)) == original); }
    ++checked;
  }
  BOOST_TEST(checked > 10);
}

BOOST_AUTO_TEST_CASE(jsonl_lines_round_trip_compact) {
  if (!have_fixtures()) return;
  for (auto [archive, member] : {std::pair{"list_long_dicts.zanj", "rows.jsonl"},
                                 std::pair{"list_long_mixed.zanj", "mixed.jsonl"},
                                 std::pair{"tuples.zanj", "long_of_pairs.jsonl"}}) {
    const std::string text = fixture_member(archive, member);
    BOOST_REQUIRE(!text.empty());
    BOOST_TEST(text.back() == '\n');
    const auto lines = split_lines(text);
    BOOST_TEST(lines.size() >= 256u);
    for (auto& line : lines) {
      BOOST_TEST_CONTEXT(archive << " " << member) {
        BOOST_TEST(zanj::json::to_string(zanj::json::parse(line), style::compact) == line);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(array_values_written_as_reference_inline_arrays) {
  // Every inline list/zero_dim array in the fixtures, rebuilt as a typed
  // array_value, must write back to the reference's exact bytes.
  if (!have_fixtures()) return;
  int replaced = 0;
  for (const char* archive :
       {"mode_array_list_meta.zanj", "torch_float32.zanj", "torch_bool.zanj", "torch_int64.zanj",
        "array_zero_dim.zanj", "array_empty.zanj", "array_bool.zanj", "array_3d.zanj", "array_float32.zanj",
        "array_float64.zanj", "array_int8.zanj", "array_int16.zanj", "array_int32.zanj", "array_int64.zanj",
        "array_uint8.zanj", "array_uint16.zanj", "array_uint32.zanj", "externals_in_nested_containers.zanj"}) {
    const std::string original = fixture_member(archive, "__zanj__.json");
    value tree = zanj::json::parse(original);
    replaced += arrays_to_values(tree);
    BOOST_TEST_CONTEXT(archive) { BOOST_TEST(zanj::json::to_string(tree) == original); }
  }
  BOOST_TEST(replaced >= 30);
}

// ---------------------------------------------------------------------------
// Floats: Python's repr

BOOST_AUTO_TEST_CASE(float_repr_table) {
  const std::pair<double, const char*> table[] = {
      {0.1, "0.1"},
      {1.0, "1.0"},
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {2.0, "2.0"},
      {-2.5, "-2.5"},
      {1e-05, "1e-05"},
      {0.0001, "0.0001"},
      {0.00012345, "0.00012345"},
      {1e16, "1e+16"},
      {9999999999999998.0, "9999999999999998.0"},
      {1e15, "1000000000000000.0"},
      {1e22, "1e+22"},
      {1.1805916207174113e+21, "1.1805916207174113e+21"},
      {5e-324, "5e-324"},
      {1e-300, "1e-300"},
      {2.2250738585072014e-308, "2.2250738585072014e-308"},
      {1.7976931348623157e+308, "1.7976931348623157e+308"},
      {-1.7976931348623157e+308, "-1.7976931348623157e+308"},
      {123456789.0, "123456789.0"},
      {1.5e-07, "1.5e-07"},
      {0.3333333333333333, "0.3333333333333333"},
      {3.141592653589793, "3.141592653589793"},
      {static_cast<double>(0.1f), "0.10000000149011612"},
      {static_cast<double>(std::numeric_limits<float>::max()), "3.4028234663852886e+38"},
      {static_cast<double>(std::numeric_limits<float>::denorm_min()), "1.401298464324817e-45"},
      {65504.0, "65504.0"},
      {0.0999755859375, "0.0999755859375"},
      {1e100, "1e+100"},
      {123.456, "123.456"},
      {std::numeric_limits<double>::quiet_NaN(), "NaN"},
      {-std::numeric_limits<double>::quiet_NaN(), "NaN"},
      {std::numeric_limits<double>::infinity(), "Infinity"},
      {-std::numeric_limits<double>::infinity(), "-Infinity"},
  };
  for (auto& [d, expected] : table) {
    BOOST_TEST(repr(d) == expected);
    if (!std::isnan(d)) BOOST_TEST(bits(zanj::json::parse(expected).as_double()) == bits(d));
  }
}

BOOST_AUTO_TEST_CASE(float_repr_matches_python_on_random_doubles) {
  if (!fs::exists(python)) {
    BOOST_TEST_MESSAGE("no /usr/bin/python3; random float check skipped");
    return;
  }
  std::mt19937_64 rng(20240611);
  std::vector<double> values;
  for (int i = 0; i < 10000; ++i) values.push_back(std::bit_cast<double>(rng()));  // any bit pattern
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> exponent(-30, 30);
  for (int i = 0; i < 6000; ++i) values.push_back((unit(rng) - 0.5) * std::pow(10.0, exponent(rng)));
  for (int i = 0; i < 2000; ++i) values.push_back(static_cast<double>(static_cast<float>(unit(rng) * 1000)));
  for (int i = 0; i < 1000; ++i) values.push_back(std::bit_cast<double>(rng() & 0x800FFFFFFFFFFFFFull));  // subnormal
  for (int i = 0; i < 1000; ++i) values.push_back(std::round(unit(rng) * 1e17));  // integral, around 1e16
  for (int p = -330; p <= 310; ++p) values.push_back(std::pow(10.0, p));  // both layout boundaries

  std::string input;
  for (double d : values) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(bits(d)));
    input += buf;
    input += '\n';
  }
  const std::string output = run_python(
      "import sys, struct, json\n"
      "for line in sys.stdin:\n"
      "    print(json.dumps(struct.unpack('<d', bytes.fromhex(line.strip())[::-1])[0]))\n",
      input);
  const auto expected = split_lines(output);
  BOOST_REQUIRE_EQUAL(expected.size(), values.size());
  int mismatches = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (repr(values[i]) != expected[i] && ++mismatches <= 10)
      BOOST_ERROR("repr of " << std::hex << bits(values[i]) << ": " << repr(values[i]) << " vs Python "
                             << expected[i]);
    // Parsing Python's text gives the same bits back (NaN payloads aside).
    const value parsed = zanj::json::parse(expected[i]);
    if (std::isnan(values[i]))
      BOOST_TEST(std::isnan(parsed.as_double()));
    else if (bits(parsed.as_double()) != bits(values[i]) && ++mismatches <= 10)
      BOOST_ERROR("parse of " << expected[i] << " lost bits");
  }
  BOOST_TEST(mismatches == 0);
}

// ---------------------------------------------------------------------------
// Strings: ensure_ascii escaping

BOOST_AUTO_TEST_CASE(string_escaping_table) {
  BOOST_TEST(escaped("") == R"("")");
  BOOST_TEST(escaped("hello, world") == R"("hello, world")");
  BOOST_TEST(escaped("quote \" backslash \\ slash / tab \t newline \n cr \r") ==
             R"("quote \" backslash \\ slash / tab \t newline \n cr \r")");
  BOOST_TEST(escaped("\b\f") == R"("\b\f")");
  BOOST_TEST(escaped(std::string_view("\x00\x01\x1f\x7f", 4)) == R"("\u0000\u0001\u001f\u007f")");
  BOOST_TEST(escaped("caf\xc3\xa9") == R"("caf\u00e9")");
  BOOST_TEST(escaped("\xef\xbb\xbf\xc2\xa0") == R"("\ufeff\u00a0")");
  BOOST_TEST(escaped("\xe6\x97\xa5") == R"("\u65e5")");
  BOOST_TEST(escaped("\xf0\x9f\x98\x80") == R"("\ud83d\ude00")");
  BOOST_TEST(escaped("\xf4\x8f\xbf\xbf") == R"("\udbff\udfff")");  // U+10FFFF
  BOOST_TEST(escaped("\xed\xa0\x80") == R"("\ud800")");            // lone surrogate (WTF-8)
  BOOST_TEST(escaped("\xed\xbf\xbf") == R"("\udfff")");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_rejected_by_the_writer) {
  for (std::string_view bad : {"\x80", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80",
                               "\xf8\x88\x80\x80\x80", "\xff", "ok\xe6\x97", "\xe6\x97x"}) {
    std::string out = "prefix";
    try {
      zanj::json::write_string(out, bad);
      BOOST_ERROR("accepted " << hex_of(bad));
    } catch (const zanj::error& e) {
      BOOST_TEST(e.reason() == "string is not valid UTF-8");
    }
    BOOST_TEST(out == "prefix");  // unchanged on error
    std::string doc = "x";
    BOOST_CHECK_THROW(zanj::json::write(doc, value(zanj::list{value(1), value(std::string(bad))})), zanj::error);
    BOOST_TEST(doc == "x");
  }
}

BOOST_AUTO_TEST_CASE(string_escaping_matches_python) {
  if (!fs::exists(python)) {
    BOOST_TEST_MESSAGE("no /usr/bin/python3; string check skipped");
    return;
  }
  std::vector<std::string> strings = {
      "", "plain", "\"\\/", std::string("\x00\x01\x08\x09\x0a\x0b\x0c\x0d\x1f\x20\x7e\x7f", 12), "caf\xc3\xa9",
      "\xc2\x80\xc2\x9f\xc2\xa0\xdf\xbf", "\xe0\xa0\x80\xef\xbf\xbf\xef\xbf\xbe", "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
      "\xed\xa0\x80", "\xed\xb0\x80x\xed\xa0\xbd",  // lone surrogates
  };
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> length(0, 12), range(0, 4);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    for (int n = length(rng); n > 0; --n) {
      char32_t cp = 0;
      switch (range(rng)) {
        case 0: cp = std::uniform_int_distribution<char32_t>(0, 0x7F)(rng); break;
        case 1: cp = std::uniform_int_distribution<char32_t>(0x80, 0x7FF)(rng); break;
        case 2: cp = std::uniform_int_distribution<char32_t>(0x800, 0xFFFF)(rng); break;
        default: cp = std::uniform_int_distribution<char32_t>(0x10000, 0x10FFFF)(rng); break;
      }
      zanj::detail::encode_utf8(s, cp);  // includes lone surrogates now and then
    }
    strings.push_back(s);
  }
  std::string input;
  for (auto& s : strings) input += hex_of(s) + "\n";
  const std::string output = run_python(
      "import sys, json\n"
      "for line in sys.stdin:\n"
      "    print(json.dumps(bytes.fromhex(line.strip()).decode('utf-8', 'surrogatepass')))\n",
      input);
  const auto expected = split_lines(output);
  BOOST_REQUIRE_EQUAL(expected.size(), strings.size());
  int mismatches = 0;
  for (std::size_t i = 0; i < strings.size(); ++i) {
    if (escaped(strings[i]) != expected[i] && ++mismatches <= 10)
      BOOST_ERROR("escaping " << hex_of(strings[i]) << ": " << escaped(strings[i]) << " vs Python " << expected[i]);
    // ... and parsing Python's text gives the original bytes back.
    if (zanj::json::parse(expected[i]).as_string() != strings[i] && ++mismatches <= 10)
      BOOST_ERROR("parsing " << expected[i] << " did not give " << hex_of(strings[i]));
  }
  BOOST_TEST(mismatches == 0);
}

// ---------------------------------------------------------------------------
// Parsing

BOOST_AUTO_TEST_CASE(parse_integers_at_the_limits) {
  auto p = [](const char* t) { return zanj::json::parse(t); };
  BOOST_TEST(p("0").as_int64() == 0);
  BOOST_TEST(p("-0").as_int64() == 0);
  BOOST_TEST(p("9223372036854775807").as_int64() == INT64_MAX);
  BOOST_TEST(p("-9223372036854775808").as_int64() == INT64_MIN);
  BOOST_TEST(p("9223372036854775808").as_uint64() == 9223372036854775808ull);
  BOOST_TEST(p("18446744073709551615").as_uint64() == UINT64_MAX);
  BOOST_TEST(p("18446744073709551616").as_double() == 18446744073709551616.0);   // beyond uint64: double
  BOOST_TEST(p("-9223372036854775809").as_double() == -9223372036854775808.0);  // below int64: double
  BOOST_TEST(p(std::string(400, '9').c_str()).as_double() == std::numeric_limits<double>::infinity());
  BOOST_TEST(p("4611686018427387904").is_integer());
  BOOST_TEST(p("3").is_integer());
  BOOST_TEST(p("3.0").is_float());
  BOOST_TEST(p("3.0").is_float());
  BOOST_TEST(p("3E+2").as_double() == 300.0);
  BOOST_TEST(p("25e-1").as_double() == 2.5);
}

BOOST_AUTO_TEST_CASE(parse_special_floats) {
  BOOST_TEST(bits(zanj::json::parse("-0.0").as_double()) == bits(-0.0));
  BOOST_TEST(bits(zanj::json::parse("0.0").as_double()) == bits(0.0));
  BOOST_TEST(bits(zanj::json::parse("5e-324").as_double()) == 1u);
  BOOST_TEST(bits(zanj::json::parse("1e-400").as_double()) == bits(0.0));    // underflow, as Python's float()
  BOOST_TEST(bits(zanj::json::parse("-1e-400").as_double()) == bits(-0.0));
  BOOST_TEST(bits(zanj::json::parse("0.0000001e-320").as_double()) == bits(0.0));
  BOOST_TEST(zanj::json::parse("1e400").as_double() == std::numeric_limits<double>::infinity());
  BOOST_TEST(zanj::json::parse("-123.5e99999999999999999999").as_double() == -std::numeric_limits<double>::infinity());
  BOOST_TEST(zanj::json::parse("0e999999").as_double() == 0.0);
  BOOST_TEST(std::isnan(zanj::json::parse("NaN").as_double()));
  BOOST_TEST(zanj::json::parse("Infinity").as_double() == std::numeric_limits<double>::infinity());
  BOOST_TEST(zanj::json::parse("-Infinity").as_double() == -std::numeric_limits<double>::infinity());
  const value list = zanj::json::parse("[NaN, \"NaN\", \"Infinity\", -Infinity]");
  BOOST_TEST(list.as_list()[1].as_string() == "NaN");
  BOOST_TEST(list.as_list()[2].as_string() == "Infinity");
  BOOST_TEST(zanj::json::to_string(list, style::compact) == "[NaN, \"NaN\", \"Infinity\", -Infinity]");
}

BOOST_AUTO_TEST_CASE(parse_scalars_strings_and_whitespace) {
  BOOST_TEST(zanj::json::parse(" \t\r\n null \n").is_null());
  BOOST_TEST(zanj::json::parse("true").as_bool() == true);
  BOOST_TEST(zanj::json::parse("false").as_bool() == false);
  BOOST_TEST(zanj::json::parse(R"("a\"\\\/\b\f\n\r\t")").as_string() == "a\"\\/\b\f\n\r\t");
  BOOST_TEST(zanj::json::parse(R"("\u00E9\u00e9")").as_string() == "\xc3\xa9\xc3\xa9");
  BOOST_TEST(zanj::json::parse(R"("\u0000")").as_string() == std::string(1, '\0'));
  BOOST_TEST(zanj::json::parse(R"("\ud83d\ude00")").as_string() == "\xf0\x9f\x98\x80");
  BOOST_TEST(zanj::json::parse("\"\xf0\x9f\x98\x80 raw\"").as_string() == "\xf0\x9f\x98\x80 raw");
  // Lone surrogates are kept (WTF-8), as Python keeps them in a str.
  BOOST_TEST(zanj::json::parse(R"("\ud83d")").as_string() == "\xed\xa0\xbd");
  BOOST_TEST(zanj::json::parse(R"("\ude00\ud83d")").as_string() == "\xed\xb8\x80\xed\xa0\xbd");
  BOOST_TEST(zanj::json::parse(R"("\ud83dx")").as_string() == "\xed\xa0\xbdx");
  BOOST_TEST(zanj::json::parse(R"("\ud83d\n")").as_string() == "\xed\xa0\xbd\n");
  BOOST_TEST(zanj::json::parse(R"("\ud83d\u0041")").as_string() == "\xed\xa0\xbd" "A");
  BOOST_TEST(zanj::json::parse(R"("\ud83d\ud83d\ude00")").as_string() == "\xed\xa0\xbd\xf0\x9f\x98\x80");
  for (const char* lone : {R"("\ud800")", R"("\udfff")", R"("a\udc00b")"})
    BOOST_TEST(escaped(zanj::json::parse(lone).as_string()) == lone);
}

BOOST_AUTO_TEST_CASE(parse_keeps_key_order_and_last_duplicate_wins) {
  const value v = zanj::json::parse(R"({"b": 1, "a": 2, "c": 3, "a": 4})");
  std::vector<std::string> keys;
  for (auto& [k, x] : v.as_object()) keys.push_back(k);
  BOOST_TEST(keys == (std::vector<std::string>{"b", "a", "c"}), boost::test_tools::per_element());
  BOOST_TEST(v.find("a")->as_int64() == 4);
  BOOST_TEST(zanj::json::to_string(v, style::compact) == R"({"b": 1, "a": 4, "c": 3})");
  // Nested duplicate replaced by a container, and a container by a scalar.
  BOOST_TEST(zanj::json::to_string(zanj::json::parse(R"({"x": [1, {"y": 2}], "z": 0, "x": {"q": []}})"),
                                   style::compact) == R"({"x": {"q": []}, "z": 0})");

  // Large objects go through the hash index: 5000 keys, every one repeated.
  std::string text = "{";
  for (int round = 0; round < 2; ++round)
    for (int i = 0; i < 5000; ++i) text += (text.size() > 1 ? ", \"k" : "\"k") + std::to_string(i) + "\": " +
                                            std::to_string(round * 100000 + i);
  text += "}";
  const value big = zanj::json::parse(text);
  BOOST_REQUIRE(big.as_object().size() == 5000u);
  int i = 0;
  bool ordered = true;
  for (auto& [k, x] : big.as_object()) {
    ordered = ordered && k == "k" + std::to_string(i) && x.as_int64() == 100000 + i;
    ++i;
  }
  BOOST_TEST(ordered);
}

BOOST_AUTO_TEST_CASE(parse_nesting_limit) {
  auto nested = [](std::size_t depth, char open, char close) {
    return std::string(depth, open) + std::string(depth, close);
  };
  BOOST_TEST(zanj::json::parse(nested(1000, '[', ']')).is_list());
  BOOST_TEST(parse_error(nested(1001, '[', ']')) ==
             "JSON at line 1, column 1001: nesting over the limit of 1000 levels (options.limits.max_json_depth)");
  BOOST_TEST(parse_fails(std::string(1000000, '[')));  // no stack overflow
  std::string objects;
  for (int i = 0; i < 1001; ++i) objects += "{\"a\": ";
  objects += "1" + std::string(1001, '}');
  BOOST_TEST(parse_fails(objects));
  BOOST_TEST(zanj::json::parse(nested(3, '[', ']'), {.max_json_depth = 3}).is_list());
  BOOST_TEST(parse_fails(nested(4, '[', ']')) == false);
  BOOST_CHECK_THROW(zanj::json::parse(nested(4, '[', ']'), {.max_json_depth = 3}), zanj::error);

  // The writer refuses what the reader would refuse, and round-trips the rest.
  value deep = zanj::list{};
  for (int i = 0; i < 999; ++i) deep = zanj::list{std::move(deep)};
  BOOST_TEST(zanj::json::to_string(deep, style::compact) == nested(1000, '[', ']'));
  deep = zanj::list{std::move(deep)};
  BOOST_CHECK_THROW(zanj::json::to_string(deep, style::compact), zanj::error);
}

BOOST_AUTO_TEST_CASE(parse_errors_name_line_and_column) {
  BOOST_TEST(parse_error("[1,\n 2,\n x]") == "invalid JSON at line 3, column 2: expecting a value");
  BOOST_TEST(parse_error("") == "invalid JSON at line 1, column 1: unexpected end of input, expecting a value");
  BOOST_TEST(parse_error("{\"a\" 1}") == "invalid JSON at line 1, column 6: expecting ':' after a property name");
  BOOST_TEST(parse_error("[1] x") == "invalid JSON at line 1, column 5: extra data after the JSON value");
  BOOST_TEST(parse_error("\"a\tb\"") == "invalid JSON at line 1, column 3: invalid control character in string");
  BOOST_TEST(parse_error(R"("\x")") == "invalid JSON at line 1, column 2: invalid \\escape");
  try {
    zanj::json::parse("[");
  } catch (const zanj::error& e) {
    BOOST_TEST(std::string(e.what()).starts_with("zanj: invalid JSON at line 1, column 2"));
  }
}

BOOST_AUTO_TEST_CASE(parse_rejects_what_python_rejects) {
  for (const char* bad : {"", " ", "[", "]", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{,}", "{\"a\"}", "{\"a\":}",
                          "{1: 2}", "{'a': 1}", "['a']", "01", "-01", "1.", ".5", "+1", "-", "1e", "1e+", "0x10",
                          "1.5.2", "--1", "-NaN", "nan", "inf", "-inf", "NaNa", "Infinit", "tru", "nul", "True",
                          "None", "\"abc", "\"\\", "\"\\u12\"", "\"\\u12g4\"", "\"\\U0041\"", "\"\\ud83d\\u12\"",
                          "\"\\'\"", "\"a\nb\"", "\"\x7f\x01\"", "\"\x80\"", "\"\xc3\"", "\"\xed\xa0\x80\"",
                          "\"\xf5\x80\x80\x80\"", "\xef\xbb\xbf{}", "[1 2]", "{\"a\" : 1 \"b\": 2}", "1 2",
                          "[]]", "\v1", "\f1", "/* */ 1", "[1,\n]", "\"\xe2\x82\""})
    BOOST_TEST_CONTEXT(hex_of(bad)) { BOOST_TEST(parse_fails(bad)); }
}

BOOST_AUTO_TEST_CASE(hostile_input_never_crashes) {
  const std::string document =
      "{\n\t\"a\": [\n\t\t1,\n\t\t-2.5e-3,\n\t\tNaN,\n\t\t-Infinity,\n\t\t\"caf\\u00e9 \\ud83d\\ude00 \\\\\",\n\t\t"
      "\"\xf0\x9f\x98\x80\"\n\t],\n\t\"b\": {\n\t\t\"c\": null,\n\t\t\"d\": true,\n\t\t\"e\": false,\n\t\t\"f\": "
      "18446744073709551615\n\t},\n\t\"g\": [],\n\t\"h\": {}\n}";
  const value full = zanj::json::parse(document);
  BOOST_TEST(zanj::identical(zanj::json::parse(zanj::json::to_string(full)), full));

  // Every truncation is either a valid document or an error -- never a crash
  // or an out-of-bounds read (run under ASan to be sure).
  int parsed = 0;
  for (std::size_t n = 0; n < document.size(); ++n) {
    // Copy into an exact-size buffer so ASan catches reads past the end.
    std::unique_ptr<char[]> exact(new char[n ? n : 1]);
    std::memcpy(exact.get(), document.data(), n);
    try {
      zanj::json::parse(std::string_view(exact.get(), n));
      ++parsed;
    } catch (const zanj::error&) {
    }
  }
  BOOST_TEST(parsed == 0);  // every proper prefix of an object is incomplete

  // Random byte mutations: same promise.
  std::mt19937 rng(99);
  for (int i = 0; i < 20000; ++i) {
    std::string mutated = document;
    for (int k = std::uniform_int_distribution<int>(1, 4)(rng); k > 0; --k)
      mutated[std::uniform_int_distribution<std::size_t>(0, mutated.size() - 1)(rng)] =
          static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    std::unique_ptr<char[]> exact(new char[mutated.size()]);
    std::memcpy(exact.get(), mutated.data(), mutated.size());
    try {
      const value v = zanj::json::parse(std::string_view(exact.get(), mutated.size()));
      zanj::json::to_string(v);  // whatever parses can be written
    } catch (const zanj::error&) {
    }
  }
}

// ---------------------------------------------------------------------------
// Writing: layouts

BOOST_AUTO_TEST_CASE(pretty_layout) {
  using zanj::list;
  using zanj::object;
  // FORMAT.md §3.1's example, byte for byte.
  const value doc = object{{"x", list{1, 2.0, nullptr}}, {"e", list{}}, {"d", object{}}, {"3", "k"}};
  BOOST_TEST(zanj::json::to_string(doc) == "{\n\t\"x\": [\n\t\t1,\n\t\t2.0,\n\t\tnull\n\t],\n\t\"e\": [],\n\t\"d\": {},"
                                           "\n\t\"3\": \"k\"\n}");
  BOOST_TEST(zanj::json::to_string(doc, style::compact) == R"({"x": [1, 2.0, null], "e": [], "d": {}, "3": "k"})");
  BOOST_TEST(zanj::json::to_string(value(list{})) == "[]");
  BOOST_TEST(zanj::json::to_string(value(object{})) == "{}");
  BOOST_TEST(zanj::json::to_string(value(list{list{}, object{}, list{value(list{})}})) ==
             "[\n\t[],\n\t{},\n\t[\n\t\t[]\n\t]\n]");
  BOOST_TEST(zanj::json::to_string(value(list{1, "a"})) == "[\n\t1,\n\t\"a\"\n]");
  BOOST_TEST(zanj::json::to_string(value(3)) == "3");
  BOOST_TEST(zanj::json::to_string(value(0.5)) == "0.5");
  BOOST_TEST(zanj::json::to_string(value("s")) == "\"s\"");
  BOOST_TEST(zanj::json::to_string(value(nullptr)) == "null");
  BOOST_TEST(zanj::json::to_string(value(true), style::compact) == "true");
  BOOST_TEST(zanj::json::to_string(value(UINT64_MAX)) == "18446744073709551615");
  BOOST_TEST(zanj::json::to_string(value(INT64_MIN)) == "-9223372036854775808");
  BOOST_TEST(zanj::json::to_string(value(zanj::tuple_list{{1, "a", 2.5, nullptr}}), style::compact) ==
             R"([1, "a", 2.5, null])");

  std::string appended = "line: ";
  zanj::json::write(appended, value(list{1}), style::compact);
  BOOST_TEST(appended == "line: [1]");
}

BOOST_AUTO_TEST_CASE(array_values_layout) {
  using zanj::array_value;
  const float f32[] = {0.1f, -2.0f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()};
  array_value a = array_value::from<float>(f32, {2, 2});
  BOOST_TEST(zanj::json::to_string(value(a), style::compact) ==
             R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [[0.10000000149011612, -2.0], )"
             R"([NaN, Infinity]], "shape": [2, 2], "dtype": "float32", "n_elements": 4})");
  a.torch = true;
  BOOST_TEST(zanj::json::to_string(value(a), style::compact).starts_with(
      R"({"__muutils_format__": "torch.Tensor:array_list_meta", "data": )"));

  const std::uint64_t big[] = {UINT64_MAX};
  array_value zero_d = array_value::from<std::uint64_t>(big, {});
  zero_d.shape.clear();
  BOOST_TEST(zanj::json::to_string(value(zero_d), style::compact) ==
             R"({"__muutils_format__": "numpy.ndarray:zero_dim", "data": 18446744073709551615, "shape": [], )"
             R"("dtype": "uint64", "n_elements": 1})");
  zero_d.torch = true;
  BOOST_TEST(zanj::json::to_string(value(zero_d), style::compact).find(R"("dtype": "torch.uint64")") !=
             std::string::npos);

  const std::complex<float> c[] = {{1.5f, -0.0f}, {0.1f, 2.0f}};
  BOOST_TEST(zanj::json::to_string(value(array_value::from<std::complex<float>>(c)), style::compact) ==
             R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [[1.5, -0.0], )"
             R"([0.10000000149011612, 2.0]], "shape": [2], "dtype": "complex64", "n_elements": 2})");

  const zanj::bfloat16 bf[] = {zanj::bfloat16(1.5f), zanj::bfloat16(-0.1f)};
  BOOST_TEST(zanj::json::to_string(value(array_value::from<zanj::bfloat16>(bf)), style::compact)
                 .find(R"("data": [1.5, -0.10009765625])") != std::string::npos);

  array_value empty;
  empty.type = zanj::dtype::int64;
  empty.shape = {2, 0};
  BOOST_TEST(zanj::json::to_string(value(empty)) ==
             "{\n\t\"__muutils_format__\": \"numpy.ndarray:array_list_meta\",\n\t\"data\": [\n\t\t[],\n\t\t[]\n\t],"
             "\n\t\"shape\": [\n\t\t2,\n\t\t0\n\t],\n\t\"dtype\": \"int64\",\n\t\"n_elements\": 0\n}");

  array_value broken = a;
  broken.bytes.pop_back();
  std::string out = "keep";
  BOOST_CHECK_THROW(zanj::json::write(out, value(broken)), zanj::error);
  BOOST_TEST(out == "keep");
  broken.shape = {std::size_t(1) << 40, std::size_t(1) << 40};
  BOOST_CHECK_THROW(zanj::json::write(out, value(broken)), zanj::error);
}

BOOST_AUTO_TEST_CASE(large_document_speed) {
  // Not a benchmark; a guard against accidental quadratic behaviour.
  zanj::list rows;
  for (int i = 0; i < 100000; ++i)
    rows.push_back(zanj::object{{"id", i}, {"x", i * 0.1}, {"name", "row " + std::to_string(i) + " \xc3\xa9"},
                                {"tags", zanj::list{"a", true, nullptr}}});
  const value doc{std::move(rows)};
  const auto t0 = std::chrono::steady_clock::now();
  const std::string text = zanj::json::to_string(doc);
  const auto t1 = std::chrono::steady_clock::now();
  const value back = zanj::json::parse(text);
  const auto t2 = std::chrono::steady_clock::now();
  BOOST_TEST(zanj::identical(back, doc));
  using ms = std::chrono::milliseconds;
  BOOST_TEST_MESSAGE("wrote " << text.size() << " bytes in " << std::chrono::duration_cast<ms>(t1 - t0).count()
                              << " ms, parsed in " << std::chrono::duration_cast<ms>(t2 - t1).count() << " ms");
}

BOOST_AUTO_TEST_SUITE_END()
