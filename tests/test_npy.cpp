// npy.hpp: the .npy codec against files written by numpy and by the Python
// reference; detail/byte_order.hpp and detail/hex_base64.hpp.
#include <zanj/detail/byte_order.hpp>
#include <zanj/detail/hex_base64.hpp>
#include <zanj/npy.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
using zanj::array_value;
using zanj::dtype;
using zanj::dtype_spec;

namespace {

// ---------------------------------------------------------------- helpers

std::vector<std::byte> to_bytes(std::string_view s) {
  std::vector<std::byte> out(s.size());
  if (!s.empty()) std::memcpy(out.data(), s.data(), s.size());
  return out;
}

std::vector<std::byte> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return to_bytes(s);
}

template <class T>
std::vector<std::byte> bytes_of(const std::vector<T>& values) {
  std::vector<std::byte> out(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

// numpy stores bool as one byte, 0 or 1.
std::vector<std::byte> bytes_of(const std::vector<bool>& values) {
  std::vector<std::byte> out;
  for (bool b : values) out.push_back(std::byte{b ? std::uint8_t{1} : std::uint8_t{0}});
  return out;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Reported so that ctest marks a suite whose fixtures are missing as skipped.
void report_skip(const std::string& why) {
  std::cout << "ZANJ_FIXTURES_SKIPPED: " << why << std::endl;
  BOOST_TEST_MESSAGE("skipped: " << why);
}

// A scratch directory for this process, removed at exit.
const fs::path& scratch_dir() {
  struct dir {
    fs::path path;
    dir() {
      path = fs::temp_directory_path() / ("zanj-test-npy-" + std::to_string(::getpid()));
      fs::remove_all(path);
      fs::create_directories(path);
    }
    ~dir() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  };
  static dir d;
  return d.path;
}

// A .npy built by hand: v1.0 magic, the header text as given, then data.
std::vector<std::byte> npy_with_header(std::string_view dict, std::string_view data = {}, char major = 1) {
  std::string s = "\x93NUMPY";
  s += major;
  s += '\0';
  const std::size_t n = dict.size();
  s += static_cast<char>(n & 0xff);
  s += static_cast<char>((n >> 8) & 0xff);
  if (major != 1) {
    s += static_cast<char>((n >> 16) & 0xff);
    s += static_cast<char>((n >> 24) & 0xff);
  }
  s += dict;
  s += data;
  return to_bytes(s);
}

template <class T>
void check_elements(const array_value& a, dtype type, std::vector<std::size_t> shape, const std::vector<T>& expected) {
  BOOST_TEST((a.type == type));
  BOOST_TEST(a.shape == shape, boost::test_tools::per_element());
  // Bytes compared bit for bit: NaN payloads, -0.0 and extremes included.
  const auto want = bytes_of(expected);
  BOOST_TEST_REQUIRE(a.bytes.size() == want.size());
  BOOST_TEST((a.bytes == want));
}

// ------------------------------------------------- numpy-generated files

// Cases whose header numpy writes for us to compare with format_header.
struct header_case {
  std::string descr;
  std::vector<std::size_t> shape;
  bool fortran_order;
};

std::vector<header_case> header_cases() {
  std::vector<header_case> cases;
  for (std::string descr : {"<f4", "|b1", "|u1", "<i8", "<c16", "<f2", ">f8"}) {
    for (std::vector<std::size_t> shape :
         std::vector<std::vector<std::size_t>>{{}, {0}, {3, 0}, {300}, {16, 16}, {2, 3, 4}, {1'000'000'000'000'000}})
      cases.push_back({descr, shape, false});
  }
  cases.push_back({"<f4", {std::numeric_limits<std::size_t>::max(), 2}, false});  // 20-digit growth axis
  cases.push_back({"<f4", {99999, 7}, false});
  cases.push_back({"<f8", {3, 1'000'000'000'000}, true});  // growth axis is the last one
  cases.push_back({"<i4", {4, 5, 6}, true});
  // Header lengths around the 64-byte boundary (numpy then adds a full block).
  for (std::size_t d = 1; d <= 40; ++d) cases.push_back({"<u2", std::vector<std::size_t>(d, 7), false});
  // Too long for version 1.0: numpy switches to 2.0.
  cases.push_back({"<f4", std::vector<std::size_t>(22000, 1), false});
  return cases;
}

// Arrays with the data v[i] = i % 7 in every dtype and several shapes; numpy
// saves them, we build them independently and compare whole files.
const std::vector<std::vector<std::size_t>> write_shapes = {{}, {0}, {3, 0}, {300}, {16, 16}, {2, 3, 4}};
constexpr dtype numpy_dtypes[] = {dtype::bool_,   dtype::int8,    dtype::int16,   dtype::int32,    dtype::int64,
                                  dtype::uint8,   dtype::uint16,  dtype::uint32,  dtype::uint64,   dtype::float16,
                                  dtype::float32, dtype::float64, dtype::complex64, dtype::complex128};

std::string py_tuple(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (auto d : shape) s += std::to_string(d) + ",";
  return s + ")";
}

std::string write_case_name(dtype t, std::size_t shape_index) {
  return "w_" + std::string(zanj::numpy_name(t)) + "_" + std::to_string(shape_index);
}

constexpr std::string_view generator_script = R"PY(
import os, sys, warnings
import numpy as np
warnings.simplefilter("ignore")
out = sys.argv[1]

def save(name, a, version=None):
    with open(os.path.join(out, name + ".npy"), "wb") as f:
        if version is None:
            np.save(f, a)
        else:
            np.lib.format.write_array(f, a, version=version)

def header(name, descr, shape, fortran):
    d = {"descr": descr, "fortran_order": fortran, "shape": shape}
    with open(os.path.join(out, name + ".hdr"), "wb") as f:
        np.lib.format._write_array_header(f, d)

def arange7(name, dt, shape):
    n = int(np.prod(shape))
    save(name, (np.arange(n) % 7).astype(dt).reshape(shape))

nan, inf = float("nan"), float("inf")
save("bool", np.array([True, False, True]))
save("int8", np.array([-128, -1, 0, 127], "i1"))
save("int16", np.array([-32768, -1, 0, 32767], "<i2"))
save("int32", np.array([-2**31, -1, 0, 2**31 - 1], "<i4"))
save("int64", np.array([-2**63, -1, 0, 2**63 - 1], "<i8"))
save("uint8", np.array([0, 1, 255], "u1"))
save("uint16", np.array([0, 1, 65535], "<u2"))
save("uint32", np.array([0, 1, 2**32 - 1], "<u4"))
save("uint64", np.array([0, 1, 2**64 - 1], "<u8"))
save("float16", np.array([0.0, -0.0, 1.5, 65504, inf, nan, 2.0**-24], "<f2"))
save("float32", np.array([1.5, -2.0, nan, inf, -0.0, 2.0**-149, 3.4028234663852886e38], "<f4"))
save("float64", np.array([np.pi, -0.0, nan, -inf, 5e-324, 1.7976931348623157e308], "<f8"))
save("complex64", np.array([1 + 2j, complex(-0.0, -1.0), complex(nan, inf)], "<c8"))
save("complex128", np.array([1 + 2j, complex(-0.0, -1.0), complex(nan, -inf), complex(1e-300, 1e300)], "<c16"))
save("be_int32", np.array([0, 1, 2, -5], ">i4"))
save("be_uint16", np.array([1, 258, 65535], ">u2"))
save("be_float16", np.array([1.5, -2.0, inf], ">f2"))
save("be_float64", np.array([1.5, -0.0, nan, 1e300], ">f8"))
save("be_complex128", np.array([1 + 2j, complex(-3.5, -0.0)], ">c16"))
save("be_complex64", np.array([1 + 2j, complex(-3.5, -0.0)], ">c8"))
save("f_2d_i4", np.asfortranarray(np.arange(6, dtype="<i4").reshape(2, 3)))
save("f_3d_f8", np.asfortranarray(np.arange(24, dtype="<f8").reshape(2, 3, 4)))
save("f_4d_u2", np.asfortranarray(np.arange(120, dtype="<u2").reshape(2, 3, 4, 5)))
save("f_3d_unit_middle_i2", np.asfortranarray(np.arange(12, dtype="<i2").reshape(3, 1, 4)))
save("f_3d_be_f4", np.asfortranarray(np.arange(60, dtype=">f4").reshape(3, 4, 5)))
save("f_2d_big_c16", np.asfortranarray((np.arange(70 * 90) - 1j * np.arange(70 * 90)).astype("<c16").reshape(70, 90)))
save("f_2d_bool", np.asfortranarray((np.arange(35) % 3 == 0).reshape(5, 7)))
save("v2", np.arange(5, dtype="<i8"), version=(2, 0))
save("v3", np.arange(5, dtype=">f4"), version=(3, 0))
save("v2_fortran", np.asfortranarray(np.arange(6, dtype="<i4").reshape(2, 3)), version=(2, 0))
save("zero_d_i8", np.array(7, dtype="<i8"))
save("zero_d_f2", np.array(1.5, dtype="<f2"))
save("empty_f4", np.zeros((0,), "<f4"))
save("empty_3x0_i8", np.zeros((3, 0), "<i8"))
save("empty_f_0x3", np.zeros((4, 0), "<f8", order="F"))
)PY";

// The directory holding numpy's files, generated once; nullopt when
// /usr/bin/python3 or its numpy is missing.
const std::optional<fs::path>& numpy_files() {
  static const std::optional<fs::path> dir = []() -> std::optional<fs::path> {
    if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) return std::nullopt;
    const fs::path out = scratch_dir() / "numpy";
    fs::create_directories(out);
    std::string script(generator_script);
    const auto cases = header_cases();
    for (std::size_t i = 0; i < cases.size(); ++i)
      script += "header('h" + std::to_string(i) + "', '" + cases[i].descr + "', " + py_tuple(cases[i].shape) +
                ", " + (cases[i].fortran_order ? "True" : "False") + ")\n";
    for (dtype t : numpy_dtypes)
      for (std::size_t s = 0; s < write_shapes.size(); ++s)
        script += "arange7('" + write_case_name(t, s) + "', '" + std::string(zanj::numpy_name(t)) + "', " +
                  py_tuple(write_shapes[s]) + ")\n";
    const fs::path script_path = scratch_dir() / "generate.py";
    std::ofstream(script_path) << script;
    const std::string command =
        "/usr/bin/python3 " + shell_quote(script_path.string()) + " " + shell_quote(out.string());
    if (std::system(command.c_str()) != 0) throw std::runtime_error("numpy generator script failed");
    return out;
  }();
  return dir;
}

array_value read_numpy_file(const std::string& name) { return zanj::npy::read(read_file(*numpy_files() / (name + ".npy"))); }

// The array v[i] = i % 7 of type T, as numpy's arange(n) % 7 cast.
template <class T>
array_value arange7(std::vector<std::size_t> shape) {
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  std::vector<T> values;
  for (std::size_t i = 0; i < n; ++i) {
    const int v = static_cast<int>(i % 7);
    if constexpr (std::is_same_v<T, bool>) values.push_back(v != 0);
    else if constexpr (std::is_same_v<T, zanj::float16>) values.push_back(zanj::float16(static_cast<float>(v)));
    else values.push_back(static_cast<T>(v));
  }
  array_value a;
  a.type = zanj::dtype_v<T>;
  a.shape = std::move(shape);
  a.bytes = bytes_of(values);
  return a;
}

array_value arange7(dtype t, std::vector<std::size_t> shape) {
  switch (t) {
    case dtype::bool_: return arange7<bool>(shape);
    case dtype::int8: return arange7<std::int8_t>(shape);
    case dtype::int16: return arange7<std::int16_t>(shape);
    case dtype::int32: return arange7<std::int32_t>(shape);
    case dtype::int64: return arange7<std::int64_t>(shape);
    case dtype::uint8: return arange7<std::uint8_t>(shape);
    case dtype::uint16: return arange7<std::uint16_t>(shape);
    case dtype::uint32: return arange7<std::uint32_t>(shape);
    case dtype::uint64: return arange7<std::uint64_t>(shape);
    case dtype::float16: return arange7<zanj::float16>(shape);
    case dtype::float32: return arange7<float>(shape);
    case dtype::float64: return arange7<double>(shape);
    case dtype::complex64: return arange7<std::complex<float>>(shape);
    case dtype::complex128: return arange7<std::complex<double>>(shape);
    case dtype::bfloat16: break;
  }
  throw std::logic_error("no numpy dtype");
}

#define ZANJ_REQUIRE_NUMPY()                                        \
  if (!numpy_files()) {                                             \
    report_skip("/usr/bin/python3 with numpy is not available");   \
    return;                                                         \
  }

}  // namespace

// ======================================================================
BOOST_AUTO_TEST_SUITE(npy)

BOOST_AUTO_TEST_CASE(format_header_matches_numpy_byte_for_byte) {
  ZANJ_REQUIRE_NUMPY();
  const auto cases = header_cases();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    BOOST_TEST_CONTEXT("case h" << i << " descr " << c.descr << " rank " << c.shape.size()
                                << (c.fortran_order ? " fortran" : "")) {
      const auto spec = zanj::parse_dtype(c.descr);
      BOOST_TEST_REQUIRE(spec.has_value());
      const std::string ours = zanj::npy::format_header(*spec, c.shape, c.fortran_order);
      const auto theirs = read_file(*numpy_files() / ("h" + std::to_string(i) + ".hdr"));
      BOOST_TEST((to_bytes(ours) == theirs));
      BOOST_TEST(ours.size() % 64 == 0);
      // And it parses back (no data needed only when the array is empty).
      if (!c.shape.empty() && std::find(c.shape.begin(), c.shape.end(), 0) != c.shape.end()) {
        const auto h = zanj::npy::parse_header(to_bytes(ours));
        BOOST_TEST(h.shape == c.shape, boost::test_tools::per_element());
        BOOST_TEST(h.data_offset == ours.size());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(format_header_known_text) {
  const std::size_t shape[] = {300};
  const std::string h = zanj::npy::format_header(dtype::float32, shape);
  BOOST_TEST(h.size() == 128u);
  BOOST_TEST(h.substr(0, 10) == std::string("\x93NUMPY\x01\x00\x76\x00", 10));
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (300,), }";
  BOOST_TEST(h.substr(10, dict.size()) == dict);
  // 21 - 3 spaces of growth room for the first axis, then alignment padding.
  BOOST_TEST(h.substr(10 + dict.size(), 18) == std::string(18, ' '));
  BOOST_TEST(h.back() == '\n');
  const std::string zero_d = zanj::npy::format_header(dtype::bool_, {});
  const std::string zero_d_dict = "{'descr': '|b1', 'fortran_order': False, 'shape': (), }";
  BOOST_TEST(zero_d.substr(10, zero_d_dict.size()) == zero_d_dict);
  BOOST_TEST(zero_d.size() == 128u);  // 10 + 55 + '\n' just passes 64
}

BOOST_AUTO_TEST_CASE(write_matches_numpy_save) {
  ZANJ_REQUIRE_NUMPY();
  for (dtype t : numpy_dtypes) {
    for (std::size_t s = 0; s < write_shapes.size(); ++s) {
      const std::string name = write_case_name(t, s);
      BOOST_TEST_CONTEXT(name) {
        const auto file = read_file(*numpy_files() / (name + ".npy"));
        const auto ours = zanj::npy::write(arange7(t, write_shapes[s]));
        BOOST_TEST((ours == file));
        // Reading numpy's file gives our independently built array.
        BOOST_TEST((zanj::npy::read(file) == arange7(t, write_shapes[s])));
        const auto h = zanj::npy::parse_header(file);
        BOOST_TEST(h.data_offset == zanj::npy::format_header(t, write_shapes[s]).size());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(read_every_dtype_exactly) {
  ZANJ_REQUIRE_NUMPY();
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr double inf = std::numeric_limits<double>::infinity();
  constexpr float nanf = std::numeric_limits<float>::quiet_NaN();
  constexpr float inff = std::numeric_limits<float>::infinity();
  check_elements<bool>(read_numpy_file("bool"), dtype::bool_, {3}, {true, false, true});
  check_elements<std::int8_t>(read_numpy_file("int8"), dtype::int8, {4}, {-128, -1, 0, 127});
  check_elements<std::int16_t>(read_numpy_file("int16"), dtype::int16, {4}, {-32768, -1, 0, 32767});
  check_elements<std::int32_t>(read_numpy_file("int32"), dtype::int32, {4},
                               {std::numeric_limits<std::int32_t>::min(), -1, 0, 2147483647});
  check_elements<std::int64_t>(read_numpy_file("int64"), dtype::int64, {4},
                               {std::numeric_limits<std::int64_t>::min(), -1, 0,
                                std::numeric_limits<std::int64_t>::max()});
  check_elements<std::uint8_t>(read_numpy_file("uint8"), dtype::uint8, {3}, {0, 1, 255});
  check_elements<std::uint16_t>(read_numpy_file("uint16"), dtype::uint16, {3}, {0, 1, 65535});
  check_elements<std::uint32_t>(read_numpy_file("uint32"), dtype::uint32, {3}, {0, 1, 4294967295u});
  check_elements<std::uint64_t>(read_numpy_file("uint64"), dtype::uint64, {3},
                                {0, 1, std::numeric_limits<std::uint64_t>::max()});
  check_elements<std::uint16_t>(read_numpy_file("float16"), dtype::float16, {7},
                                {0x0000, 0x8000, 0x3e00, 0x7bff, 0x7c00, 0x7e00, 0x0001});
  check_elements<float>(read_numpy_file("float32"), dtype::float32, {7},
                        {1.5f, -2.0f, nanf, inff, -0.0f, std::numeric_limits<float>::denorm_min(),
                         std::numeric_limits<float>::max()});
  check_elements<double>(read_numpy_file("float64"), dtype::float64, {6},
                         {3.141592653589793, -0.0, nan, -inf, std::numeric_limits<double>::denorm_min(),
                          std::numeric_limits<double>::max()});
  check_elements<std::complex<float>>(read_numpy_file("complex64"), dtype::complex64, {3},
                                      {{1, 2}, {-0.0f, -1.0f}, {nanf, inff}});
  check_elements<std::complex<double>>(read_numpy_file("complex128"), dtype::complex128, {4},
                                       {{1, 2}, {-0.0, -1.0}, {nan, -inf}, {1e-300, 1e300}});
  // The float helpers agree with the raw bits.
  const auto half_array = read_numpy_file("float16");
  const auto halves = half_array.elements<zanj::float16>();
  BOOST_TEST(static_cast<float>(halves[2]) == 1.5f);
  BOOST_TEST(static_cast<float>(halves[3]) == 65504.0f);
  BOOST_TEST(std::isnan(static_cast<float>(halves[5])));
}

BOOST_AUTO_TEST_CASE(read_big_endian) {
  ZANJ_REQUIRE_NUMPY();
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  check_elements<std::int32_t>(read_numpy_file("be_int32"), dtype::int32, {4}, {0, 1, 2, -5});
  check_elements<std::uint16_t>(read_numpy_file("be_uint16"), dtype::uint16, {3}, {1, 258, 65535});
  check_elements<std::uint16_t>(read_numpy_file("be_float16"), dtype::float16, {3}, {0x3e00, 0xc000, 0x7c00});
  check_elements<double>(read_numpy_file("be_float64"), dtype::float64, {4}, {1.5, -0.0, nan, 1e300});
  check_elements<std::complex<double>>(read_numpy_file("be_complex128"), dtype::complex128, {2},
                                       {{1, 2}, {-3.5, -0.0}});
  check_elements<std::complex<float>>(read_numpy_file("be_complex64"), dtype::complex64, {2},
                                      {{1, 2}, {-3.5f, -0.0f}});
  const auto h = zanj::npy::parse_header(read_file(*numpy_files() / "be_complex128.npy"));
  BOOST_TEST((h.type == dtype_spec{dtype::complex128, std::endian::big}));
}

template <class T>
std::vector<T> iota_values(std::size_t n) {
  std::vector<T> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(static_cast<T>(i));
  return v;
}

BOOST_AUTO_TEST_CASE(read_fortran_order) {
  ZANJ_REQUIRE_NUMPY();
  check_elements<std::int32_t>(read_numpy_file("f_2d_i4"), dtype::int32, {2, 3}, iota_values<std::int32_t>(6));
  check_elements<double>(read_numpy_file("f_3d_f8"), dtype::float64, {2, 3, 4}, iota_values<double>(24));
  check_elements<std::uint16_t>(read_numpy_file("f_4d_u2"), dtype::uint16, {2, 3, 4, 5},
                                iota_values<std::uint16_t>(120));
  check_elements<std::int16_t>(read_numpy_file("f_3d_unit_middle_i2"), dtype::int16, {3, 1, 4},
                               iota_values<std::int16_t>(12));
  check_elements<float>(read_numpy_file("f_3d_be_f4"), dtype::float32, {3, 4, 5}, iota_values<float>(60));
  std::vector<std::complex<double>> big;
  for (int i = 0; i < 70 * 90; ++i) big.emplace_back(i, -i);
  check_elements<std::complex<double>>(read_numpy_file("f_2d_big_c16"), dtype::complex128, {70, 90}, big);
  std::vector<bool> flags;
  for (int i = 0; i < 35; ++i) flags.push_back(i % 3 == 0);
  const auto b = read_numpy_file("f_2d_bool");
  BOOST_TEST_REQUIRE(b.bytes.size() == 35u);
  for (int i = 0; i < 35; ++i) BOOST_TEST(std::to_integer<int>(b.bytes[i]) == int(flags[i]));
  BOOST_TEST(zanj::npy::parse_header(read_file(*numpy_files() / "f_3d_f8.npy")).fortran_order);
}

BOOST_AUTO_TEST_CASE(read_versions_2_and_3) {
  ZANJ_REQUIRE_NUMPY();
  const auto v2 = read_file(*numpy_files() / "v2.npy");
  BOOST_TEST(std::to_integer<int>(v2[6]) == 2);
  check_elements<std::int64_t>(zanj::npy::read(v2), dtype::int64, {5}, {0, 1, 2, 3, 4});
  const auto v3 = read_file(*numpy_files() / "v3.npy");
  BOOST_TEST(std::to_integer<int>(v3[6]) == 3);
  check_elements<float>(zanj::npy::read(v3), dtype::float32, {5}, {0, 1, 2, 3, 4});
  check_elements<std::int32_t>(read_numpy_file("v2_fortran"), dtype::int32, {2, 3}, iota_values<std::int32_t>(6));
}

BOOST_AUTO_TEST_CASE(read_zero_d_and_empty) {
  ZANJ_REQUIRE_NUMPY();
  check_elements<std::int64_t>(read_numpy_file("zero_d_i8"), dtype::int64, {}, {7});
  check_elements<std::uint16_t>(read_numpy_file("zero_d_f2"), dtype::float16, {}, {0x3e00});
  check_elements<float>(read_numpy_file("empty_f4"), dtype::float32, {0}, {});
  check_elements<std::int64_t>(read_numpy_file("empty_3x0_i8"), dtype::int64, {3, 0}, {});
  check_elements<double>(read_numpy_file("empty_f_0x3"), dtype::float64, {4, 0}, {});
}

BOOST_AUTO_TEST_CASE(header_dict_in_any_order_and_spacing) {
  // Keys unsorted, double quotes, odd whitespace, no trailing comma; data
  // big-endian int16 in Fortran order: [[1, 2, 3], [4, 5, 6]].
  const std::string data("\x00\x01\x00\x04\x00\x02\x00\x05\x00\x03\x00\x06", 12);
  const auto file = npy_with_header("{ \"shape\" :( 2 ,3 ) ,\n\t'descr':'>i2','fortran_order' : True}  \n", data);
  const auto h = zanj::npy::parse_header(file);
  BOOST_TEST((h.type == dtype_spec{dtype::int16, std::endian::big}));
  BOOST_TEST(h.fortran_order);
  BOOST_TEST(h.element_count() == 6u);
  BOOST_TEST(h.data_bytes() == 12u);
  check_elements<std::int16_t>(zanj::npy::read(file), dtype::int16, {2, 3}, {1, 2, 3, 4, 5, 6});

  // decode_into writes into a caller buffer of exactly data_bytes().
  std::vector<std::byte> dest(12);
  zanj::npy::decode_into(h, file, dest);
  BOOST_TEST((dest == bytes_of(std::vector<std::int16_t>{1, 2, 3, 4, 5, 6})));
  std::vector<std::byte> wrong(11);
  BOOST_CHECK_THROW(zanj::npy::decode_into(h, file, wrong), zanj::error);

  // Trailing bytes after the data are tolerated, as numpy does.
  auto longer = file;
  longer.push_back(std::byte{0x42});
  BOOST_TEST((zanj::npy::read(longer).bytes == zanj::npy::read(file).bytes));

  // Python 2 long literals and a 1-tuple without spaces.
  const auto py2 = npy_with_header("{'descr': '<u1', 'fortran_order': False, 'shape': (2L,), }", "\x07\x08");
  check_elements<std::uint8_t>(zanj::npy::read(py2), dtype::uint8, {2}, {7, 8});
}

BOOST_AUTO_TEST_CASE(write_round_trips_and_rejects_bad_arrays) {
  const std::vector<double> values = {1.5, -0.0, std::numeric_limits<double>::quiet_NaN(), 4, 5, 6};
  const auto a = array_value::from<double>(values, {2, 3});
  const auto file = zanj::npy::write(a);
  BOOST_TEST((zanj::npy::read(file) == a));
  const auto h = zanj::npy::parse_header(file);
  BOOST_TEST(h.data_offset == 128u);
  BOOST_TEST((h.type == dtype_spec{dtype::float64, std::endian::little}));

  // bfloat16 is written as its raw bits under '<u2'.
  const std::vector<zanj::bfloat16> bf = {zanj::bfloat16(1.0f), zanj::bfloat16(-2.0f)};
  const auto bfile = zanj::npy::write(array_value::from<zanj::bfloat16>(bf));
  BOOST_TEST((zanj::npy::parse_header(bfile).type == dtype_spec{dtype::uint16, std::endian::little}));
  check_elements<std::uint16_t>(zanj::npy::read(bfile), dtype::uint16, {2}, {0x3f80, 0xc000});

  auto bad = a;
  bad.bytes.pop_back();
  BOOST_CHECK_THROW(zanj::npy::write(bad), zanj::error);
  bad = a;
  bad.shape = {std::numeric_limits<std::size_t>::max(), 2};
  BOOST_CHECK_THROW(zanj::npy::write(bad), zanj::error);
}

// --------------------------------------------------------- hostile input

void expect_npy_error(const std::vector<std::byte>& file, std::string_view reason_part) {
  try {
    (void)zanj::npy::read(file);
    BOOST_ERROR("no error for a hostile file; expected one mentioning '" << reason_part << "'");
  } catch (const zanj::error& e) {
    BOOST_TEST_CONTEXT("reason: " << e.reason()) {
      BOOST_TEST(e.reason().find(reason_part) != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(hostile_headers_throw_zanj_error) {
  const std::string good_dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
  const std::string two_doubles(16, '\0');
  BOOST_TEST(zanj::npy::read(npy_with_header(good_dict, two_doubles)).size() == 2u);

  expect_npy_error({}, "magic");
  expect_npy_error(to_bytes("\x93NUMP"), "magic");
  expect_npy_error(to_bytes("\x93NUMPY"), "magic");
  expect_npy_error(to_bytes("\x93NUMPY\x01"), "magic");
  expect_npy_error(to_bytes(std::string("\x93NUMPZ\x01\x00\x00\x00", 10)), "magic");
  expect_npy_error(to_bytes(std::string("\x93NUMPY\x01\x00\x05", 9)), "truncated");
  expect_npy_error(to_bytes(std::string("\x93NUMPY\x02\x00\x05\x00\x00", 11)), "truncated");
  expect_npy_error(to_bytes(std::string("\x93NUMPY\x04\x00\x00\x00", 10)), "version 4.0");
  expect_npy_error(to_bytes(std::string("\x93NUMPY\x01\x01\x00\x00", 10)), "version 1.1");
  // Header length past the end (v1 and v2).
  expect_npy_error(to_bytes(std::string("\x93NUMPY\x01\x00\xff\xff{}", 12)), "past the end");
  expect_npy_error(to_bytes(std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14)), "past the end");
  // Not a dict, or a malformed one.
  expect_npy_error(npy_with_header("[1, 2, 3]"), "not a dict");
  expect_npy_error(npy_with_header("7"), "not a dict");
  expect_npy_error(npy_with_header(""), "not a dict");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)"), "expected");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False}"), "missing key 'shape'");
  expect_npy_error(npy_with_header("{'fortran_order': False, 'shape': (2,)}"), "missing key 'descr'");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'shape': (2,)}"), "missing key 'fortran_order'");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}"),
                   "duplicate key 'descr'");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}"),
                   "unexpected key 'x'");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2,)}"), "True or False");
  expect_npy_error(npy_with_header("{'descr': '<f8, 'fortran_order': False, 'shape': (2,)}"), "unsupported descr");
  expect_npy_error(npy_with_header("{'descr"), "unterminated");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} junk"),
                   "after the dict");
  expect_npy_error(npy_with_header("{descr: '<f8'}"), "quoted string");
  // Bad shapes.
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}"), "negative");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3)}"), "negative");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': [2]}"), "not a tuple");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (300)}"), "not a tuple");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2.5,)}"), "expected ','");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': ('a',)}"), "non-integer");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,"), "non-integer");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,)}"),
                   "does not fit");
  expect_npy_error(
      npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 2)}", two_doubles),
      "too large");
  expect_npy_error(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,)}"),
                   "too large");  // 2^61 elements * 8 bytes overflows
  // Unsupported or invalid descrs, named in the reason.
  expect_npy_error(npy_with_header("{'descr': '|O', 'fortran_order': False, 'shape': (2,)}"), "'|O'");
  expect_npy_error(npy_with_header("{'descr': '<U5', 'fortran_order': False, 'shape': (2,)}"), "'<U5'");
  expect_npy_error(npy_with_header("{'descr': '<f16', 'fortran_order': False, 'shape': (2,)}"), "'<f16'");
  expect_npy_error(npy_with_header("{'descr': 'torch.float32', 'fortran_order': False, 'shape': (2,)}"),
                   "'torch.float32'");
  expect_npy_error(npy_with_header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}"),
                   "structured");
  expect_npy_error(npy_with_header("{'descr': 5, 'fortran_order': False, 'shape': (2,)}"), "not a string");
  // Data shorter than declared (by one byte, and entirely missing).
  expect_npy_error(npy_with_header(good_dict, two_doubles.substr(1)), "shorter than declared");
  expect_npy_error(npy_with_header(good_dict), "shorter than declared");
  expect_npy_error(npy_with_header(good_dict, two_doubles.substr(1), 2), "shorter than declared");
}

BOOST_AUTO_TEST_CASE(a_header_built_by_hand_is_checked_too) {
  zanj::npy::header h;
  h.type = {dtype::float64, std::endian::little};
  h.shape = {std::numeric_limits<std::size_t>::max(), 3};
  BOOST_CHECK_THROW((void)h.element_count(), zanj::error);
  BOOST_CHECK_THROW((void)h.data_bytes(), zanj::error);
  h.shape = {4};
  h.data_offset = 1000;  // past the end of the file given below
  std::vector<std::byte> dest(32);
  const std::vector<std::byte> tiny(64);
  BOOST_CHECK_THROW(zanj::npy::decode_into(h, tiny, dest), zanj::error);
}

// Every truncation and many single-byte corruptions of a valid file either
// read or throw zanj::error: never crash, never read out of bounds (run
// under -fsanitize=address,undefined).
BOOST_AUTO_TEST_CASE(mutated_files_never_crash) {
  const std::vector<std::int32_t> values = {1, 2, 3, 4, 5, 6};
  auto a = array_value::from<std::int32_t>(values, {2, 3});
  std::vector<std::vector<std::byte>> seeds = {zanj::npy::write(a)};
  seeds.push_back(npy_with_header("{'shape':(2,3),'fortran_order':True,'descr':'>i4'}", std::string(24, '\x01')));
  std::size_t outcomes = 0;
  for (const auto& seed : seeds) {
    for (std::size_t n = 0; n < seed.size(); ++n) {
      const std::vector<std::byte> truncated(seed.begin(), seed.begin() + static_cast<std::ptrdiff_t>(n));
      try {
        (void)zanj::npy::read(truncated);
      } catch (const zanj::error&) {
        ++outcomes;
      }
    }
    const std::byte replacements[] = {std::byte{0}, std::byte{'9'}, std::byte{'-'}, std::byte{'('},
                                      std::byte{'\''}, std::byte{0xff}, std::byte{','}, std::byte{'}'}};
    for (std::size_t at = 0; at < seed.size(); ++at) {
      for (auto r : replacements) {
        auto mutated = seed;
        mutated[at] = r;
        try {
          const auto result = zanj::npy::read(mutated);
          BOOST_TEST(result.bytes.size() == result.size() * zanj::itemsize(result.type));
        } catch (const zanj::error&) {
          ++outcomes;
        }
      }
    }
  }
  BOOST_TEST(outcomes > 0u);
}

// ------------------------------------------------ reference .zanj members

// Compares one element to its expected.json form: integers exact, floats
// bit for bit after conversion to double, "nan"/"inf"/"-inf" strings,
// complex as [re, im].
bool float_matches(double actual, const boost::json::value& v) {
  if (v.is_string()) {
    const auto s = v.as_string();
    if (s == "nan") return std::isnan(actual);
    if (s == "inf") return actual == std::numeric_limits<double>::infinity();
    if (s == "-inf") return actual == -std::numeric_limits<double>::infinity();
    return false;
  }
  double want = 0;
  if (v.is_double()) want = v.as_double();
  else if (v.is_int64()) want = static_cast<double>(v.as_int64());
  else return false;
  return std::bit_cast<std::uint64_t>(actual) == std::bit_cast<std::uint64_t>(want);
}

template <class T>
T load(const std::byte* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

bool element_matches(dtype t, const std::byte* p, const boost::json::value& v) {
  auto signed_matches = [&](std::int64_t x) { return v.is_int64() && v.as_int64() == x; };
  auto unsigned_matches = [&](std::uint64_t x) {
    return (v.is_uint64() && v.as_uint64() == x) ||
           (v.is_int64() && v.as_int64() >= 0 && static_cast<std::uint64_t>(v.as_int64()) == x);
  };
  auto complex_matches = [&](double re, double im) {
    return v.is_array() && v.as_array().size() == 2 && float_matches(re, v.as_array()[0]) &&
           float_matches(im, v.as_array()[1]);
  };
  switch (t) {
    case dtype::bool_: return v.is_bool() && v.as_bool() == (std::to_integer<int>(*p) != 0);
    case dtype::int8: return signed_matches(load<std::int8_t>(p));
    case dtype::int16: return signed_matches(load<std::int16_t>(p));
    case dtype::int32: return signed_matches(load<std::int32_t>(p));
    case dtype::int64: return signed_matches(load<std::int64_t>(p));
    case dtype::uint8: return unsigned_matches(load<std::uint8_t>(p));
    case dtype::uint16: return unsigned_matches(load<std::uint16_t>(p));
    case dtype::uint32: return unsigned_matches(load<std::uint32_t>(p));
    case dtype::uint64: return unsigned_matches(load<std::uint64_t>(p));
    case dtype::float16: return float_matches(static_cast<float>(load<zanj::float16>(p)), v);
    case dtype::bfloat16: return float_matches(static_cast<float>(load<zanj::bfloat16>(p)), v);
    case dtype::float32: return float_matches(load<float>(p), v);
    case dtype::float64: return float_matches(load<double>(p), v);
    case dtype::complex64: {
      const auto c = load<std::complex<float>>(p);
      return complex_matches(c.real(), c.imag());
    }
    case dtype::complex128: {
      const auto c = load<std::complex<double>>(p);
      return complex_matches(c.real(), c.imag());
    }
  }
  return false;
}

// The "$ndarray"/"$tensor" payload at a member's object path in the
// expected value, or nullptr.
const boost::json::object* expected_array(const boost::json::value& root, std::string_view member) {
  const boost::json::value* node = &root;
  std::string_view path = member.substr(0, member.size() - 4);  // drop ".npy"
  while (node) {
    const auto slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    if (const auto* o = node->if_object()) {
      node = o->if_contains(part);
    } else if (const auto* a = node->if_array()) {
      const std::size_t index = std::stoul(std::string(part));
      node = index < a->size() ? &(*a)[index] : nullptr;
    } else {
      node = nullptr;
    }
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  if (!node || !node->is_object()) return nullptr;
  for (auto tag : {"$ndarray", "$tensor"})
    if (const auto* payload = node->as_object().if_contains(tag); payload && payload->is_object())
      return &payload->as_object();
  return nullptr;
}

// Boost.JSON 1.81 may parse a double 1 ulp off; the fixtures' floats must
// compare bit for bit. So every fraction/exponent number token of the text
// is re-read with strtod (correctly rounded) and put back into the parsed
// tree, whose objects and arrays keep document order.
std::vector<double> exact_doubles(std::string_view text) {
  std::vector<double> out;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      ++i;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const std::size_t start = i;
      while (i < text.size() && std::string_view("0123456789+-.eE").find(text[i]) != std::string_view::npos) ++i;
      const std::string token(text.substr(start, i - start));
      if (token.find_first_of(".eE") != std::string::npos) out.push_back(std::strtod(token.c_str(), nullptr));
    } else {
      ++i;
    }
  }
  return out;
}

void put_exact_doubles(boost::json::value& v, const std::vector<double>& doubles, std::size_t& next) {
  if (v.is_double()) {
    BOOST_TEST_REQUIRE(next < doubles.size());
    v = doubles[next++];
  } else if (auto* a = v.if_array()) {
    for (auto& item : *a) put_exact_doubles(item, doubles, next);
  } else if (auto* o = v.if_object()) {
    for (auto& member : *o) put_exact_doubles(member.value(), doubles, next);
  }
}

boost::json::value parse_expected(std::string_view text) {
  boost::json::value v = boost::json::parse(text);
  const auto doubles = exact_doubles(text);
  std::size_t next = 0;
  put_exact_doubles(v, doubles, next);
  BOOST_TEST_REQUIRE(next == doubles.size());
  return v;
}

fs::path fixture_root() { return fs::path(ZANJ_SHARED_DIR) / "fixtures" / "python-reference"; }

std::vector<std::string> npy_members(const fs::path& archive, const fs::path& work) {
  const fs::path listing = work / "members.txt";
  const std::string command = "unzip -Z1 " + shell_quote(archive.string()) + " > " + shell_quote(listing.string());
  if (std::system(command.c_str()) != 0) throw std::runtime_error("unzip -Z1 failed for " + archive.string());
  std::ifstream in(listing);
  std::vector<std::string> members;
  for (std::string line; std::getline(in, line);)
    if (line.ends_with(".npy")) members.push_back(line);
  return members;
}

std::vector<std::byte> extract_member(const fs::path& archive, const std::string& member, const fs::path& work) {
  const fs::path out = work / "member.npy";
  const std::string command = "unzip -p " + shell_quote(archive.string()) + " " + shell_quote(member) + " > " +
                              shell_quote(out.string());
  if (std::system(command.c_str()) != 0) throw std::runtime_error("unzip -p failed for " + member);
  return read_file(out);
}

// Reads every .npy member of the reference fixtures of one version and
// compares it with the fixture's expected value. Returns the number checked.
std::size_t check_fixture_members(const fs::path& version_dir, std::size_t& fortran_members) {
  const fs::path work = scratch_dir() / "fixtures";
  fs::create_directories(work);
  std::size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(version_dir)) {
    if (entry.path().extension() != ".zanj") continue;
    fs::path expected_path = entry.path();
    expected_path.replace_extension(".expected.json");
    if (!fs::exists(expected_path)) continue;
    const auto text = read_file(expected_path);
    const boost::json::value expected =
        parse_expected(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
    for (const auto& member : npy_members(entry.path(), work)) {
      BOOST_TEST_CONTEXT(entry.path().filename().string() << " member " << member) {
        const auto file = extract_member(entry.path(), member, work);
        const auto* want = expected_array(expected.as_object().at("value"), member);
        BOOST_TEST_REQUIRE(want != nullptr);
        const auto h = zanj::npy::parse_header(file);
        if (h.fortran_order) ++fortran_members;
        const array_value a = zanj::npy::read(file);
        BOOST_TEST(std::string(zanj::numpy_name(a.type)) == std::string(want->at("dtype").as_string()));
        std::vector<std::size_t> want_shape;
        for (const auto& d : want->at("shape").as_array()) want_shape.push_back(static_cast<std::size_t>(d.to_number<std::uint64_t>()));
        BOOST_TEST(a.shape == want_shape, boost::test_tools::per_element());
        const auto& data = want->at("data").as_array();
        BOOST_TEST_REQUIRE(data.size() == a.size());
        const std::size_t item = zanj::itemsize(a.type);
        std::size_t mismatches = 0;
        for (std::size_t i = 0; i < data.size(); ++i)
          if (!element_matches(a.type, a.bytes.data() + i * item, data[i])) {
            if (++mismatches <= 3) BOOST_ERROR("element " << i << " differs from " << boost::json::serialize(data[i]));
          }
        BOOST_TEST(mismatches == 0u);
        // Rewriting the array gives numpy's bytes back when it was C order.
        if (!h.fortran_order) BOOST_TEST((zanj::npy::write(a) == file));
        ++checked;
      }
    }
  }
  return checked;
}

BOOST_AUTO_TEST_CASE(reference_fixture_fortran_order_members) {
  const fs::path archive = fixture_root() / "v0.6.0" / "array_fortran_order.zanj";
  if (!fs::exists(archive) || std::system("unzip -v >/dev/null 2>&1") != 0) {
    report_skip("fixture " + archive.string() + " or unzip is missing");
    return;
  }
  const fs::path work = scratch_dir() / "fortran_fixture";
  fs::create_directories(work);
  const auto members = npy_members(archive, work);
  BOOST_TEST(members.size() == 3u);
  // large_i64 is np.arange(600).reshape(20, 30) in Fortran order.
  const auto file = extract_member(archive, "large_i64.npy", work);
  const auto h = zanj::npy::parse_header(file);
  BOOST_TEST(h.fortran_order);
  BOOST_TEST(h.data_offset == 128u);
  check_elements<std::int64_t>(zanj::npy::read(file), dtype::int64, {20, 30}, iota_values<std::int64_t>(600));
}

BOOST_AUTO_TEST_CASE(reference_fixture_members_match_expected_values) {
  if (!fs::exists(fixture_root()) || std::system("unzip -v >/dev/null 2>&1") != 0) {
    report_skip("fixtures under " + fixture_root().string() + " or unzip are missing");
    return;
  }
  for (const char* version : {"v0.6.0", "v0.5.0"}) {
    BOOST_TEST_CONTEXT(version) {
      if (!fs::exists(fixture_root() / version)) {
        report_skip(std::string("fixture version ") + version + " is missing");
        continue;
      }
      std::size_t fortran_members = 0;
      const std::size_t checked = check_fixture_members(fixture_root() / version, fortran_members);
      BOOST_TEST(checked >= 30u);  // 35 .npy members in each version at the time of writing
      BOOST_TEST(fortran_members >= 2u);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ======================================================================
BOOST_AUTO_TEST_SUITE(byte_order)

BOOST_AUTO_TEST_CASE(swaps_each_item_and_each_complex_half) {
  using zanj::detail::convert_byte_order;
  auto be = [](std::string_view s) { return to_bytes(s); };
  auto swapped = [&](std::string_view s, dtype t) {
    auto b = be(s);
    convert_byte_order(b, t, std::endian::big);
    return b;
  };
  if constexpr (std::endian::native == std::endian::little) {
    BOOST_TEST((swapped(std::string("\x01\x02\x03\x04", 4), dtype::int16) == be(std::string("\x02\x01\x04\x03", 4))));
    BOOST_TEST((swapped(std::string("\x01\x02\x03\x04", 4), dtype::float32) == be(std::string("\x04\x03\x02\x01", 4))));
    BOOST_TEST((swapped("12345678", dtype::uint64) == be("87654321")));
    BOOST_TEST((swapped("12345678", dtype::complex64) == be("43218765")));
    BOOST_TEST((swapped("0123456789abcdef", dtype::complex128) == be("76543210fedcba98")));
    BOOST_TEST((swapped("abc", dtype::uint8) == be("abc")));
    BOOST_TEST((swapped("ab", dtype::bool_) == be("ab")));
    // Unchanged when the stored order is native.
    auto same = be("12345678");
    convert_byte_order(same, dtype::float64, std::endian::little);
    BOOST_TEST((same == be("12345678")));
  }
  BOOST_TEST(zanj::detail::byte_swap_unit(dtype::complex128) == 8u);
  BOOST_TEST(zanj::detail::byte_swap_unit(dtype::complex64) == 4u);
  BOOST_TEST(zanj::detail::byte_swap_unit(dtype::bfloat16) == 2u);
  // Swapping twice is the identity, for every unit size and odd lengths.
  for (std::size_t unit : {1u, 2u, 3u, 4u, 8u, 16u}) {
    std::vector<std::byte> data(unit * 37);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i * 31 + 7);
    auto copy = data;
    zanj::detail::reverse_bytes_in_units(copy, unit);
    if (unit > 1) BOOST_TEST((copy != data));
    if (unit > 1) BOOST_TEST((copy[0] == data[unit - 1]));
    zanj::detail::reverse_bytes_in_units(copy, unit);
    BOOST_TEST((copy == data));
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ======================================================================
BOOST_AUTO_TEST_SUITE(hex_base64)

using zanj::detail::base64_decode;
using zanj::detail::base64_encode;
using zanj::detail::hex_decode;
using zanj::detail::hex_encode;

BOOST_AUTO_TEST_CASE(format_spec_examples) {
  // FORMAT.md §5.2: float32 [[1.5, -2], [nan, inf]] and bool [T, F, T].
  const std::vector<float> a = {1.5f, -2.0f, std::numeric_limits<float>::quiet_NaN(),
                                std::numeric_limits<float>::infinity()};
  const auto a_bytes = bytes_of(a);
  BOOST_TEST(hex_encode(a_bytes) == "0000c03f000000c00000c07f0000807f");
  BOOST_TEST(base64_encode(a_bytes) == "AADAPwAAAMAAAMB/AACAfw==");
  BOOST_TEST((hex_decode("0000c03f000000c00000c07f0000807f") == a_bytes));
  BOOST_TEST((hex_decode("0000C03F000000C00000C07F0000807F") == a_bytes));
  BOOST_TEST((base64_decode("AADAPwAAAMAAAMB/AACAfw==") == a_bytes));

  const std::vector<std::byte> b = {std::byte{1}, std::byte{0}, std::byte{1}};
  BOOST_TEST(hex_encode(b) == "010001");
  BOOST_TEST(base64_encode(b) == "AQAB");
  BOOST_TEST((hex_decode("010001") == b));
  BOOST_TEST((base64_decode("AQAB") == b));

  // ">i4" [0, 1, 2] from §5.2.
  BOOST_TEST((hex_decode("000000000000000100000002") ==
              to_bytes(std::string("\0\0\0\0\0\0\0\1\0\0\0\2", 12))));
}

BOOST_AUTO_TEST_CASE(rfc4648_test_vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    BOOST_TEST(base64_encode(to_bytes(plain)) == encoded);
    BOOST_TEST((base64_decode(encoded) == to_bytes(plain)));
  }
  BOOST_TEST(hex_encode({}) == "");
  BOOST_TEST(hex_decode("").empty());
}

BOOST_AUTO_TEST_CASE(round_trips_of_every_byte_and_length) {
  std::vector<std::byte> all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::byte>(i);
  for (std::size_t n = 0; n <= all.size(); ++n) {
    const std::span<const std::byte> part(all.data(), n);
    const std::vector<std::byte> want(part.begin(), part.end());
    const auto hex = hex_encode(part);
    BOOST_TEST_REQUIRE(hex.size() == 2 * n);
    BOOST_TEST((hex_decode(hex) == want));
    const auto b64 = base64_encode(part);
    BOOST_TEST_REQUIRE(b64.size() == (n + 2) / 3 * 4);
    BOOST_TEST((base64_decode(b64) == want));
  }
  BOOST_TEST(hex_encode(all).substr(508) == "feff");
  BOOST_TEST(base64_encode(std::vector<std::byte>{std::byte{0xfb}, std::byte{0xff}, std::byte{0xbf}}) == "+/+/");
}

BOOST_AUTO_TEST_CASE(malformed_text_throws_zanj_error) {
  for (std::string_view bad : {"0", "abc", "0g", "g0", "0x00", "00 ", " 00", "zz", "\xff\xff"})
    BOOST_TEST_CONTEXT("hex '" << bad << "'") { BOOST_CHECK_THROW(hex_decode(bad), zanj::error); }
  for (std::string_view bad :
       {"A", "AB", "ABC", "ABCDE", "====", "A===", "AB=C", "=ABC", "AQ=B", "AQAB====", "AQ==AQAB", "AQ-B", "AQ_B",
        "AQ B", "AQAB\n", "AQ\nAB", "A\x80" "AB", "Zg=", "Zg"})
    BOOST_TEST_CONTEXT("base64 '" << bad << "'") { BOOST_CHECK_THROW(base64_decode(bad), zanj::error); }
  try {
    hex_decode("00zz");
    BOOST_ERROR("no error");
  } catch (const zanj::error& e) {
    BOOST_TEST(e.reason().find("offset 2") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
