// zanj::ndarray (ndarray.hpp) and its codec (codec/ndarray.hpp): the storage
// type itself, exact round trips of every dtype, shape and array form, the
// reference's array fixtures, bfloat16 members as numpy sees them, and the
// errors bad shapes and dtypes give.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <zanj/detail/zip_writer.hpp>

#include "fixture_support.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using zanj::ndarray;
using zanj_test::member_names;
using zanj_test::member_text;
using zanj_test::message_has;
using zanj_test::scratch_dir;
using shape_t = std::vector<std::size_t>;

namespace {

template <class E>
struct holder {
  ndarray<E> a;
};

struct value_holder {
  zanj::value a;
};

template <class E>
struct vector_holder {
  std::vector<E> a;
};

/// Another n-d array type with shape(), data() and size() saves through the
/// same codec, and reads back as a zanj::ndarray.
struct grid {
  using value_type = float;
  std::vector<std::size_t> dims;
  std::vector<float> cells;
  const std::vector<std::size_t>& shape() const { return dims; }
  const float* data() const { return cells.data(); }
  std::size_t size() const { return cells.size(); }
};
struct grid_holder {
  grid a;
};

}  // namespace

// One class name for every element type, so that a holder of one type reads
// a file written from another.
template <class E>
struct zanj::zanj_traits<holder<E>> {
  static constexpr std::string_view name = "holder";
};
template <class E>
struct zanj::zanj_traits<vector_holder<E>> {
  static constexpr std::string_view name = "holder";
};
template <>
struct zanj::zanj_traits<value_holder> {
  static constexpr std::string_view name = "holder";
};
template <>
struct zanj::zanj_traits<grid_holder> {
  static constexpr std::string_view name = "holder";
};

namespace {

using every_element = std::tuple<bool, std::int8_t, std::int16_t, std::int32_t, std::int64_t, std::uint8_t,
                                 std::uint16_t, std::uint32_t, std::uint64_t, zanj::float16, zanj::bfloat16, float,
                                 double, std::complex<float>, std::complex<double>>;

template <class F>
std::vector<F> float_specials() {
  using L = std::numeric_limits<F>;
  // Only the canonical quiet NaN: JSON's "NaN" carries neither sign nor payload.
  return {L::quiet_NaN(), F(-0.0), L::infinity(), -L::infinity(), L::max(), L::lowest(),
          L::denorm_min(), L::min(), F(0.1)};
}

/// Special values first (extremes, NaN, -0.0, infinities, subnormals), then
/// values that differ from element to element.
template <class E>
std::vector<E> sample_values(std::size_t n) {
  std::vector<E> specials;
  if constexpr (std::is_same_v<E, bool>) {
    specials = {true, false};
  } else if constexpr (std::is_integral_v<E>) {
    using L = std::numeric_limits<E>;
    specials = {L::min(), L::max(), E(0), E(1), static_cast<E>(L::max() - 1)};
  } else if constexpr (std::is_same_v<E, zanj::float16>) {
    for (std::uint16_t b : {0x7e00, 0x8000, 0x7c00, 0xfc00, 0x7bff, 0xfbff, 0x0001, 0x0400, 0x3555})
      specials.push_back(zanj::float16::from_bits(b));
  } else if constexpr (std::is_same_v<E, zanj::bfloat16>) {
    for (std::uint16_t b : {0x7fc0, 0x8000, 0x7f80, 0xff80, 0x7f7f, 0xff7f, 0x0001, 0x0080, 0x3dcd})
      specials.push_back(zanj::bfloat16::from_bits(b));
  } else if constexpr (std::is_floating_point_v<E>) {
    specials = float_specials<E>();
  } else {
    using R = typename E::value_type;
    auto f = float_specials<R>();
    for (std::size_t i = 0; i < f.size(); ++i) specials.emplace_back(f[i], f[f.size() - 1 - i]);
  }
  std::vector<E> out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i < specials.size()) {
      out.push_back(specials[i]);
    } else if constexpr (std::is_same_v<E, bool>) {
      out.push_back(i % 3 == 0);
    } else if constexpr (std::is_integral_v<E>) {
      out.push_back(static_cast<E>(i * 37 + 5));  // wraps: modular by definition in C++20
    } else if constexpr (std::is_same_v<E, zanj::float16> || std::is_same_v<E, zanj::bfloat16>) {
      out.push_back(E(static_cast<float>(i) * 0.25f - 3.0f));
    } else if constexpr (std::is_floating_point_v<E>) {
      out.push_back(static_cast<E>(i) / E(3) - E(7));
    } else {
      using R = typename E::value_type;
      out.emplace_back(static_cast<R>(i) / R(3), -static_cast<R>(i));
    }
  }
  return out;
}

template <class E>
ndarray<E> sample_array(shape_t shape) {
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  auto values = sample_values<E>(n);
  if constexpr (std::is_same_v<E, bool>) {
    // vector<bool> has no contiguous storage: fill through the array.
    ndarray<bool> a(std::move(shape));
    for (std::size_t i = 0; i < n; ++i) a.data()[i] = values[i];
    return a;
  } else {
    return ndarray<E>(std::move(shape), values);
  }
}

/// Same shape and the same bytes in every element: NaN, -0.0 and payloads count.
template <class E>
bool same_bits(const ndarray<E>& a, const ndarray<E>& b) {
  return a.shape() == b.shape() && a.size() == b.size() &&
         (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size() * sizeof(E)) == 0);
}

template <class E>
std::string describe(const ndarray<E>& a) {
  std::string s = zanj::detail::shape_text(a.shape()) + " bytes:";
  const auto* p = reinterpret_cast<const unsigned char*>(a.data());
  for (std::size_t i = 0; i < a.size() * sizeof(E) && i < 64; ++i) {
    static const char* hex = "0123456789abcdef";
    s += ' ';
    s += hex[p[i] >> 4];
    s += hex[p[i] & 15];
  }
  return s;
}

std::vector<std::byte> to_bytes(std::string_view text) {
  std::vector<std::byte> out(text.size());
  std::memcpy(out.data(), text.data(), text.size());
  return out;
}

/// A hand-made archive: metadata, the document, and extra members.
void write_archive(const fs::path& file, std::string_view document,
                   const std::map<std::string, std::vector<std::byte>>& extra = {}) {
  zanj::detail::zip_writer zip(file);
  zip.add_member("__zanj_meta__.json", to_bytes("{}"));
  zip.add_member("__zanj__.json", to_bytes(document));
  for (auto& [name, content] : extra) zip.add_member(name, content);
  zip.finish();
}

/// Copies an archive, replacing the content of one member.
void replace_member(const fs::path& src, const fs::path& dst, const std::string& name,
                    const std::vector<std::byte>& content) {
  zanj::detail::zip_reader in(src);
  zanj::detail::zip_writer out(dst);
  for (auto& e : in.entries()) out.add_member(e.name, e.name == name ? content : in.read(e));
  out.finish();
}

std::vector<std::byte> member_bytes(const fs::path& file, const std::string& name) {
  zanj::detail::zip_reader zip(file);
  auto* e = zip.find(name);
  BOOST_REQUIRE(e);
  return zip.read(*e);
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(ndarray_type)

static_assert(zanj::contiguous_ndarray<ndarray<float>>);
static_assert(zanj::detail::family_of<ndarray<bool>>() == zanj::family::ndarray);
static_assert(zanj::detail::family_of<ndarray<zanj::bfloat16>>() == zanj::family::ndarray);
static_assert(zanj::detail::family_of<ndarray<std::complex<double>>>() == zanj::family::ndarray);
static_assert(std::is_nothrow_move_constructible_v<ndarray<double>>);

BOOST_AUTO_TEST_CASE(shape_size_and_zero_fill) {
  ndarray<double> a({2, 3, 4});
  BOOST_TEST(a.rank() == 3u);
  BOOST_TEST(a.size() == 24u);
  BOOST_TEST((a.shape() == shape_t{2, 3, 4}));
  for (double x : a) BOOST_TEST(std::bit_cast<std::uint64_t>(x) == 0u);  // +0.0, not -0.0

  ndarray<float> scalar(shape_t{});
  BOOST_TEST(scalar.rank() == 0u);
  BOOST_TEST(scalar.size() == 1u);
  scalar() = 2.5f;
  BOOST_TEST(scalar.at({}) == 2.5f);

  ndarray<int> empty;
  BOOST_TEST((empty.shape() == shape_t{0}));
  BOOST_TEST(empty.size() == 0u);
  BOOST_TEST(empty.empty());

  ndarray<int> hollow({2, 0, 3});
  BOOST_TEST(hollow.size() == 0u);
  BOOST_TEST(hollow.rank() == 3u);
}

BOOST_AUTO_TEST_CASE(elements_are_in_c_order) {
  ndarray<std::int32_t> a({2, 3, 4});
  for (std::size_t i = 0; i < a.size(); ++i) a.data()[i] = static_cast<std::int32_t>(i);
  BOOST_TEST(a(1, 2, 3) == 23);
  BOOST_TEST(a(1, 0, 0) == 12);
  BOOST_TEST(a(0, 1, 0) == 4);
  BOOST_TEST(a.at({1, 1, 2}) == 18);
  std::vector<std::size_t> index{0, 2, 1};
  BOOST_TEST(a.at(index) == 9);
  a(0, 2, 1) = -7;
  BOOST_TEST(a.elements()[9] == -7);
  const auto& c = a;
  BOOST_TEST(c(0, 2, 1) == -7);
  BOOST_TEST(c.elements().size() == 24u);
}

BOOST_AUTO_TEST_CASE(at_checks_rank_and_bounds) {
  ndarray<double> a({2, 3});
  BOOST_CHECK_THROW(a.at({2, 0}), std::out_of_range);
  BOOST_CHECK_THROW(a.at({0, 3}), std::out_of_range);
  BOOST_CHECK_THROW(a.at({0}), std::out_of_range);
  BOOST_CHECK_THROW(a.at({0, 0, 0}), std::out_of_range);
  BOOST_CHECK_NO_THROW(a.at({1, 2}) = 1.0);
  BOOST_TEST(a.data()[5] == 1.0);
}

BOOST_AUTO_TEST_CASE(construction_from_values_checks_the_count) {
  ndarray<int> a({2, 2}, {1, 2, 3, 4});
  BOOST_TEST(a(1, 0) == 3);
  BOOST_CHECK_THROW(ndarray<int>({2, 2}, {1, 2, 3}), std::invalid_argument);
  std::vector<int> five{1, 2, 3, 4, 5};
  BOOST_CHECK_THROW(ndarray<int>({2, 2}, five), std::invalid_argument);
  const std::size_t huge = std::size_t{1} << 40;
  BOOST_CHECK_THROW(ndarray<int>({huge, huge}), std::length_error);
  BOOST_CHECK_THROW(ndarray<int>({huge, huge}, five), std::length_error);
}

BOOST_AUTO_TEST_CASE(reshape_keeps_the_elements) {
  ndarray<int> a({2, 3}, {0, 1, 2, 3, 4, 5});
  a.reshape({3, 2});
  BOOST_TEST((a.shape() == shape_t{3, 2}));
  BOOST_TEST(a(2, 1) == 5);
  a.reshape({6});
  BOOST_TEST(a(4) == 4);
  BOOST_CHECK_THROW(a.reshape({4}), std::invalid_argument);
  BOOST_TEST((a.shape() == shape_t{6}));
}

BOOST_AUTO_TEST_CASE(equality_copy_and_move) {
  ndarray<double> a({2}, {1.0, 2.0});
  ndarray<double> b = a;
  BOOST_TEST((a == b));
  b(1) = 3.0;
  BOOST_TEST(!(a == b));
  BOOST_TEST(a(1) == 2.0);  // a deep copy
  ndarray<double> reshaped = a;
  reshaped.reshape({1, 2});
  BOOST_TEST(!(a == reshaped));  // same elements, other shape

  ndarray<double> moved = std::move(b);
  BOOST_TEST(moved(1) == 3.0);
  BOOST_TEST((b.shape() == shape_t{0}));  // NOLINT: a moved-from array is a default one
  BOOST_TEST(b.size() == 0u);
  b = moved;
  BOOST_TEST((b == moved));
  b = std::move(a);
  BOOST_TEST(b(0) == 1.0);
}

BOOST_AUTO_TEST_CASE(bool_storage_is_a_contiguous_bool_array) {
  ndarray<bool> a({3});
  bool* p = a.data();
  p[1] = true;
  BOOST_TEST(!a(0));
  BOOST_TEST(a(1));
  BOOST_TEST(reinterpret_cast<const unsigned char*>(a.data())[1] == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(ndarray_roundtrip)

const std::vector<shape_t> shapes{{}, {0}, {2, 0, 3}, {7}, {2, 3, 4}};
const zanj::array_mode modes[] = {zanj::array_mode::array_list_meta, zanj::array_mode::list,
                                  zanj::array_mode::array_hex_meta, zanj::array_mode::array_b64_meta};

/// Every dtype x shape x (inline just below the threshold, external at it) x
/// compression x array mode reads back bit for bit, in the expected form.
BOOST_AUTO_TEST_CASE_TEMPLATE(every_shape_form_and_mode, E, every_element) {
  scratch_dir dir;
  for (const auto& shape : shapes) {
    const auto original = sample_array<E>(shape);
    const std::size_t n = original.size();
    for (bool external : {false, true}) {
      for (bool compress : {true, false}) {
        for (auto mode : modes) {
          BOOST_TEST_CONTEXT("shape " << zanj::detail::shape_text(shape) << (external ? " external" : " inline")
                                      << (compress ? " deflated " : " stored ") << zanj::to_string(mode)) {
            zanj::options o;
            o.external_array_threshold = external ? n : n + 1;
            o.compress = compress;
            o.internal_array_mode = mode;
            const auto file = dir / "a.zanj";
            zanj::save(holder<E>{original}, file, o);
            auto back = zanj::read<holder<E>>(file, o);
            auto expected = original;
            if (mode == zanj::array_mode::list && !external && !zanj::is_complex(zanj::dtype_v<E>)) {
              // Bare lists carry no shape: the axes after an empty one are lost
              // ([[], []] for shape [2, 0, 3]), for numpy as for us.
              auto zero = std::find(shape.begin(), shape.end(), std::size_t{0});
              if (zero != shape.end()) expected.reshape(shape_t(shape.begin(), zero + 1));
            }
            BOOST_TEST(same_bits(back.a, expected), describe(back.a) << " != " << describe(expected));

            // The stored form: 0-d arrays are never external (FORMAT.md §5.2).
            const bool zero_dim = shape.empty();
            const bool as_npy = external && !zero_dim;
            BOOST_TEST(contains(member_names(file), "a.npy") == as_npy);
            const std::string doc = member_text(file, "__zanj__.json");
            const bool complex = zanj::is_complex(zanj::dtype_v<E>);
            std::string form;
            if (as_npy) form = "external";
            else if (complex && (zero_dim || mode == zanj::array_mode::list || mode == zanj::array_mode::array_list_meta))
              form = "array_hex_meta";
            else if (mode == zanj::array_mode::list) form = "";
            else if (zero_dim) form = "zero_dim";
            else form = std::string(zanj::to_string(mode));
            if (form.empty())
              BOOST_TEST(doc.find("numpy.ndarray") == std::string::npos, doc);
            else
              BOOST_TEST(doc.find("\"numpy.ndarray:" + form + "\"") != std::string::npos, doc);

            // Read as zanj::value, typed forms give an array of the same dtype and bits.
            if (!form.empty()) {
              auto any = zanj::read<zanj::value>(file, o);
              const auto* stored = any.find("a");
              BOOST_REQUIRE(stored && stored->is_array());
              BOOST_TEST((stored->as_array().type == zanj::dtype_v<E>));
              BOOST_TEST((stored->as_array().shape == shape));
              BOOST_TEST(stored->as_array().bytes.size() == n * sizeof(E));
              BOOST_TEST((n == 0 || std::memcmp(stored->as_array().bytes.data(), original.data(), n * sizeof(E)) == 0));
            }
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(default_threshold_is_at_256_elements) {
  scratch_dir dir;
  auto below = sample_array<double>({5, 51});  // 255
  zanj::save(holder<double>{below}, dir / "below");
  BOOST_TEST(!contains(member_names(dir / "below.zanj"), "a.npy"));
  BOOST_TEST(same_bits(zanj::read<holder<double>>(dir / "below.zanj").a, below));

  auto at = sample_array<double>({16, 16});
  zanj::save(holder<double>{at}, dir / "at");
  BOOST_TEST(contains(member_names(dir / "at.zanj"), "a.npy"));
  auto header = zanj::npy::parse_header(member_bytes(dir / "at.zanj", "a.npy"));
  BOOST_TEST((header.shape == shape_t{16, 16}));
  BOOST_TEST(!header.fortran_order);
  BOOST_TEST(same_bits(zanj::read<holder<double>>(dir / "at.zanj").a, at));
}

BOOST_AUTO_TEST_CASE(stored_json_text_of_small_arrays) {
  scratch_dir dir;
  ndarray<std::int16_t> a({2, 2}, {-1, 2, 300, -32768});
  zanj::save(holder<std::int16_t>{a}, dir / "a");
  BOOST_TEST(member_text(dir / "a.zanj", "__zanj__.json") ==
             "{\n\t\"__muutils_format__\": \"holder(SerializableDataclass)\",\n\t\"a\": {\n\t\t\"__muutils_format__\": \"numpy.ndarray:array_list_meta\",\n\t\t\"data\": [\n"
             "\t\t\t[\n\t\t\t\t-1,\n\t\t\t\t2\n\t\t\t],\n\t\t\t[\n\t\t\t\t300,\n\t\t\t\t-32768\n\t\t\t]\n\t\t],\n"
             "\t\t\"shape\": [\n\t\t\t2,\n\t\t\t2\n\t\t],\n\t\t\"dtype\": \"int16\",\n\t\t\"n_elements\": 4\n\t}\n}");
}

BOOST_AUTO_TEST_CASE(an_ndarray_at_the_root_stays_inline) {
  scratch_dir dir;
  auto a = sample_array<float>({20, 20});
  auto file = zanj::save(a, dir / "root");
  BOOST_TEST(member_names(file).size() == 2u);  // only the JSON members: the reference cannot read a root external
  BOOST_TEST(same_bits(zanj::read<ndarray<float>>(file), a));
}

static_assert(zanj::detail::family_of<grid>() == zanj::family::ndarray);

BOOST_AUTO_TEST_CASE(other_ndarray_types_save_through_the_codec) {
  scratch_dir dir;
  grid_holder ok{{{2, 2}, {1.0f, -0.0f, 3.5f, 4.0f}}};
  zanj::save(ok, dir / "g");
  auto back = zanj::read<holder<float>>(dir / "g.zanj").a;
  BOOST_TEST((back.shape() == shape_t{2, 2}));
  BOOST_TEST(std::bit_cast<std::uint32_t>(back(0, 1)) == 0x80000000u);
  BOOST_TEST(back(1, 0) == 3.5f);

  // A shape that promises more elements than the data holds is refused, not read past.
  grid_holder lying{{{10, 10}, {1.0f, 2.0f}}};
  BOOST_CHECK_EXCEPTION(zanj::save(lying, dir / "lying"), zanj::error, message_has({"at /a", "[10, 10]", "2 elements"}));
  BOOST_TEST(!fs::exists(dir / "lying.zanj"));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(ndarray_reads)

/// Plain nested lists (list mode, Python lists): the nesting gives the shape.
BOOST_AUTO_TEST_CASE(nested_lists_give_their_shape) {
  scratch_dir dir;
  auto read_doc = [&](std::string_view document) {
    write_archive(dir / "l.zanj", document);
    return zanj::read<holder<double>>(dir / "l.zanj").a;
  };
  auto m = read_doc(R"({"a": [[[1, 2.5], [3, -0.0]], [[NaN, Infinity], [-Infinity, 1e-300]]]})");
  BOOST_TEST((m.shape() == shape_t{2, 2, 2}));
  BOOST_TEST(m(0, 0, 1) == 2.5);
  BOOST_TEST(std::bit_cast<std::uint64_t>(m(0, 1, 1)) == 0x8000000000000000u);
  BOOST_TEST(std::isnan(m(1, 0, 0)));
  BOOST_TEST(m(1, 1, 0) == -std::numeric_limits<double>::infinity());
  BOOST_TEST(m(1, 1, 1) == 1e-300);

  BOOST_TEST((read_doc(R"({"a": []})").shape() == shape_t{0}));
  BOOST_TEST((read_doc(R"({"a": [[], [], []]})").shape() == shape_t{3, 0}));
  auto scalar = read_doc(R"({"a": 1.25})");
  BOOST_TEST((scalar.shape() == shape_t{}));
  BOOST_TEST(scalar() == 1.25);

  write_archive(dir / "c.zanj", R"({"a": [[[1.0, -2.0], [0.5, 3]]]})");
  auto c = zanj::read<holder<std::complex<double>>>(dir / "c.zanj").a;
  BOOST_TEST((c.shape() == shape_t{1, 2}));  // [re, im] pairs are elements, not an axis
  BOOST_TEST((c(0, 0) == std::complex<double>(1.0, -2.0)));
  BOOST_TEST((c(0, 1) == std::complex<double>(0.5, 3.0)));

  write_archive(dir / "b.zanj", R"({"a": [[true, false], [false, true]]})");
  auto b = zanj::read<holder<bool>>(dir / "b.zanj").a;
  BOOST_TEST((b.shape() == shape_t{2, 2}));
  BOOST_TEST((b(0, 0) && !b(0, 1) && !b(1, 0) && b(1, 1)));
}

BOOST_AUTO_TEST_CASE(a_long_python_list_reads_from_its_jsonl_member) {
  scratch_dir dir;
  zanj::list items;
  for (int i = 0; i < 300; ++i) items.emplace_back(std::int64_t{i} * 1000 - 7);
  zanj::save(value_holder{items}, dir / "l");
  BOOST_REQUIRE(contains(member_names(dir / "l.zanj"), "a.jsonl"));
  auto a = zanj::read<holder<std::int64_t>>(dir / "l.zanj").a;
  BOOST_TEST((a.shape() == shape_t{300}));
  BOOST_TEST(a(299) == 298993);
  BOOST_CHECK_EXCEPTION(zanj::read<holder<std::int8_t>>(dir / "l.zanj"), zanj::error,
                        message_has({"at /a/1", "member 'a.jsonl'", "993", "int8"}));
}

/// Hex and base64 of a big-endian dtype, and torch prefixes, as the reference writes them.
BOOST_AUTO_TEST_CASE(big_endian_hex_and_torch_forms) {
  scratch_dir dir;
  write_archive(dir / "h.zanj",
                R"({"a": {"__muutils_format__": "numpy.ndarray:array_hex_meta", "data": "000000000000000100000002",)"
                R"( "shape": [3], "dtype": ">i4", "n_elements": 3}})");
  auto h = zanj::read<holder<std::int32_t>>(dir / "h.zanj").a;
  BOOST_TEST((h == ndarray<std::int32_t>({3}, {0, 1, 2})));

  write_archive(dir / "t.zanj",
                R"({"a": {"__muutils_format__": "torch.Tensor:zero_dim", "data": 7, "shape": [], "dtype": "torch.int64", "n_elements": 1}})");
  auto t = zanj::read<holder<std::int64_t>>(dir / "t.zanj").a;
  BOOST_TEST(t.rank() == 0u);
  BOOST_TEST(t() == 7);

  // A float32 array into float64 elements: exact widening.
  write_archive(dir / "w.zanj",
                R"({"a": {"__muutils_format__": "numpy.ndarray:array_b64_meta", "data": "AADAPwAAAMAAAMB/AACAfw==",)"
                R"( "shape": [2, 2], "dtype": "float32", "n_elements": 4}})");
  auto w = zanj::read<holder<double>>(dir / "w.zanj").a;
  BOOST_TEST((w.shape() == shape_t{2, 2}));
  BOOST_TEST(w(0, 0) == 1.5);
  BOOST_TEST(w(0, 1) == -2.0);
  BOOST_TEST(std::isnan(w(1, 0)));
  BOOST_TEST(w(1, 1) == std::numeric_limits<double>::infinity());
}

/// A .npy holding bool bytes other than 0/1 reads as true (numpy's view), and
/// the ndarray<bool> holds a real bool.
BOOST_AUTO_TEST_CASE(nonzero_bool_bytes_read_as_true) {
  scratch_dir dir;
  write_archive(dir / "b.zanj",
                R"({"a": {"__muutils_format__": "numpy.ndarray:array_hex_meta", "data": "000207", "shape": [3], "dtype": "bool", "n_elements": 3}})");
  auto b = zanj::read<holder<bool>>(dir / "b.zanj").a;
  const auto* raw = reinterpret_cast<const unsigned char*>(b.data());
  BOOST_TEST(raw[0] == 0u);
  BOOST_TEST(raw[1] == 1u);
  BOOST_TEST(raw[2] == 1u);
}


namespace {

/// A .npy holding `a` (C order) in the given order and byte order, written
/// here element by element rather than by the library's encoder.
template <class E>
std::vector<std::byte> npy_in_order(const ndarray<E>& a, bool fortran, std::endian order) {
  const zanj::dtype t = zanj::dtype_v<E> == zanj::dtype::bfloat16 ? zanj::dtype::uint16 : zanj::dtype_v<E>;
  const std::string head = zanj::npy::format_header(zanj::dtype_spec{t, order}, a.shape(), fortran);
  std::vector<std::byte> out(head.size() + a.size() * sizeof(E));
  std::memcpy(out.data(), head.data(), head.size());
  const shape_t& shape = a.shape();
  const std::size_t rank = shape.size();
  std::vector<std::size_t> index(rank, 0);
  for (std::size_t flat = 0; flat < a.size(); ++flat) {
    // `index` is the C-order multi-index of element `flat`; place it by `fortran`.
    std::size_t at = 0;
    if (fortran) {
      for (std::size_t k = rank; k-- > 0;) at = at * shape[k] + index[k];
    } else {
      at = flat;
    }
    std::byte* dst = out.data() + head.size() + at * sizeof(E);
    std::memcpy(dst, a.data() + flat, sizeof(E));
    const std::size_t unit = zanj::detail::byte_swap_unit(zanj::dtype_v<E>);
    if (zanj::detail::needs_byte_swap(zanj::dtype_v<E>, order))
      for (std::size_t u = 0; u < sizeof(E); u += unit) std::reverse(dst + u, dst + u + unit);
    for (std::size_t k = rank; k-- > 0;) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  return out;
}

std::string to_text(const std::vector<std::byte>& b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

std::string ref_document(const std::string& dtype, const shape_t& shape) {
  std::string dims;
  std::size_t n = 1;
  for (auto d : shape) {
    dims += (dims.empty() ? "" : ", ") + std::to_string(d);
    n *= d;
  }
  return "{\"__muutils_format__\": \"holder(SerializableDataclass)\", \"a\": {\"__muutils_format__\": "
         "\"numpy.ndarray:external\", \"$ref\": \"a.npy\", \"shape\": [" + dims + "], \"dtype\": \"" + dtype +
         "\", \"n_elements\": " + std::to_string(n) + "}}";
}

void write_npy_archive(const fs::path& file, const std::string& document, const std::vector<std::byte>& npy,
                       zanj::detail::zip_method method) {
  zanj::detail::zip_writer zip(file);
  zip.add_member("__zanj_meta__.json", to_bytes("{}"));
  zip.add_member("__zanj__.json", to_bytes(document));
  zip.add_member("a.npy", npy, {.method = method});
  zip.finish();
}

}  // namespace

// External .npy members go straight into the destination: every element
// type, C and Fortran order, both byte orders, stored and deflated (and so
// every path of read_external_into: copy, inflate, transpose, byte swap).
BOOST_AUTO_TEST_CASE_TEMPLATE(external_npy_goes_into_the_destination, E, every_element) {
  scratch_dir dir;
  const ndarray<E> want = sample_array<E>({5, 3, 7});
  const std::string dtype(zanj::numpy_name(zanj::dtype_v<E>));
  for (bool fortran : {false, true})
    for (std::endian order : {std::endian::little, std::endian::big})
      for (auto method : {zanj::detail::zip_method::stored, zanj::detail::zip_method::deflated}) {
        BOOST_TEST_CONTEXT((fortran ? "Fortran" : "C") << " order, " << (order == std::endian::big ? "big" : "little")
                                                       << " endian, method " << int(method)) {
          const fs::path file = dir / "a.zanj";
          write_npy_archive(file, ref_document(dtype, want.shape()), npy_in_order(want, fortran, order), method);
          const auto got = zanj::read<holder<E>>(file).a;
          BOOST_TEST(same_bits(got, want), describe(got) << " vs " << describe(want));
          {
            // It took the direct path (bools are normalised by the general one).
            zanj::detail::zip_reader zip(file);
            zanj::options opts;
            zanj::detail::load_context ctx(&zip, file, opts);
            const zanj::value doc = zanj::json::parse(to_text(zip.read(*zip.find("__zanj__.json"))));
            ndarray<E> direct;
            const bool taken = zanj::detail::read_external_into<E>(*doc.find("a"), ctx, false, [&](const shape_t& sh) {
              direct = ndarray<E>(sh);
              return direct.data();
            });
            constexpr bool direct_expected = !std::is_same_v<E, bool>;
            BOOST_TEST(taken == direct_expected);
            if (taken) BOOST_TEST(same_bits(direct, want));
          }
          // (std::vector of complex numbers cannot be read: no list form for them.)
          if constexpr (!std::is_same_v<E, bool> && !zanj::is_complex(zanj::dtype_v<E>)) {
            // The same elements as a 1-d member, into a std::vector.
            write_npy_archive(file, ref_document(dtype, {want.size()}),
                              npy_in_order(ndarray<E>({want.size()}, want.elements()), fortran, order), method);
            const std::vector<E> v = zanj::read<vector_holder<E>>(file).a;
            BOOST_TEST((v.size() == want.size() && std::memcmp(v.data(), want.data(), v.size() * sizeof(E)) == 0));
            // A 3-d member is not a vector: the same error as before.
            write_npy_archive(file, ref_document(dtype, want.shape()), npy_in_order(want, fortran, order), method);
            BOOST_CHECK_EXCEPTION(zanj::read<vector_holder<E>>(file), zanj::error,
                                  message_has({"expected a 1-d array", "found shape [5, 3, 7]"}));
          }
        }
      }
}

// Large members take the parallel paths (copy and CRC on every core, chunk
// by chunk inflate): the array read back is the array saved.
BOOST_AUTO_TEST_CASE(large_external_arrays_read_back_on_every_path) {
  scratch_dir dir;
  ndarray<float> a({2048, 2100});  // 17.2 MB: above the 16 MiB parallel threshold
  for (std::size_t i = 0; i < a.size(); ++i) a.data()[i] = static_cast<float>(std::sin(double(i) * 1e-3));
  ndarray<float> noise({2048, 2100});
  std::uint64_t state = 1;
  for (float& x : noise) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    x = static_cast<float>(state >> 40);
  }
  for (bool compress : {false, true}) {
    zanj::options o;
    o.compress = compress;
    for (const ndarray<float>* data : {&a, &noise}) {
      holder<float> h{*data};
      const auto file = zanj::save(h, dir / "large", o);
      BOOST_TEST(same_bits(zanj::read<holder<float>>(file).a, *data), "compress " << compress);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(ndarray_bfloat16)

const std::vector<std::uint16_t> bf16_bits{0x3f80, 0xc000, 0x7f80, 0xff80, 0x7fc0, 0x8000, 0x0001, 0x7f7f};

ndarray<zanj::bfloat16> bf16_array(std::size_t n) {
  ndarray<zanj::bfloat16> a({n});
  for (std::size_t i = 0; i < n; ++i)
    a(i) = zanj::bfloat16::from_bits(i < bf16_bits.size() ? bf16_bits[i] : static_cast<std::uint16_t>(0x3c00 + i));
  return a;
}

/// numpy has no bfloat16: the member is '<u2' holding the raw bits, and the
/// reference object names the real dtype.
BOOST_AUTO_TEST_CASE(external_member_is_uint16_with_the_raw_bits) {
  scratch_dir dir;
  auto a = bf16_array(300);
  zanj::save(holder<zanj::bfloat16>{a}, dir / "bf");
  const auto file = dir / "bf.zanj";
  const auto npy_bytes = member_bytes(file, "a.npy");
  auto header = zanj::npy::parse_header(npy_bytes);
  BOOST_TEST((header.type.type == zanj::dtype::uint16));
  const std::string head(reinterpret_cast<const char*>(npy_bytes.data()), header.data_offset);
  BOOST_TEST(head.find("'descr': '<u2'") != std::string::npos, head);
  auto raw = zanj::npy::read(npy_bytes);
  BOOST_TEST((raw.type == zanj::dtype::uint16));
  BOOST_TEST((raw.shape == shape_t{300}));
  auto bits = raw.elements<std::uint16_t>();
  for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST(bits[i] == a(i).bits, "element " << i);

  const std::string doc = member_text(file, "__zanj__.json");
  BOOST_TEST(doc.find("\"numpy.ndarray:external\"") != std::string::npos);
  BOOST_TEST(doc.find("\"dtype\": \"bfloat16\"") != std::string::npos, doc);

  // Reading retypes the bits; a numeric cast would turn 0x3f80 into 16256.0.
  auto back = zanj::read<holder<zanj::bfloat16>>(file).a;
  BOOST_TEST(same_bits(back, a));
  auto any = zanj::read<zanj::value>(file);
  BOOST_TEST((any.find("a")->as_array().type == zanj::dtype::bfloat16));
  auto as_float = zanj::read<holder<float>>(file).a;
  BOOST_TEST(as_float(0) == 1.0f);
  BOOST_TEST(as_float(1) == -2.0f);
}

/// A .npy of real floats under dtype "bfloat16" is converted by value.
BOOST_AUTO_TEST_CASE(float_npy_under_bfloat16_dtype_converts_by_value) {
  scratch_dir dir;
  std::vector<float> values(256, 1.5f);
  values[1] = -3.0f;
  auto npy = zanj::npy::write(zanj::array_value::from(std::span<const float>(values)));
  write_archive(dir / "f.zanj",
                R"({"a": {"__muutils_format__": "numpy.ndarray:external", "$ref": "a.npy", "shape": [256], "dtype": "bfloat16", "n_elements": 256}})",
                {{"a.npy", npy}});
  auto a = zanj::read<holder<zanj::bfloat16>>(dir / "f.zanj").a;
  BOOST_TEST(a(0).bits == 0x3fc0u);
  BOOST_TEST(a(1).bits == 0xc040u);
}

BOOST_AUTO_TEST_CASE(inline_forms_name_bfloat16) {
  scratch_dir dir;
  auto a = bf16_array(3);  // 1.0, -2.0, inf
  auto doc_in = [&](zanj::array_mode mode) {
    zanj::options o;
    o.internal_array_mode = mode;
    zanj::save(holder<zanj::bfloat16>{a}, dir / "i", o);
    BOOST_TEST(same_bits(zanj::read<holder<zanj::bfloat16>>(dir / "i.zanj").a, a));
    return member_text(dir / "i.zanj", "__zanj__.json");
  };
  auto hex = doc_in(zanj::array_mode::array_hex_meta);
  BOOST_TEST(hex.find("\"data\": \"803f00c0807f\"") != std::string::npos, hex);
  BOOST_TEST(hex.find("\"dtype\": \"bfloat16\"") != std::string::npos, hex);
  auto b64 = doc_in(zanj::array_mode::array_b64_meta);
  BOOST_TEST(b64.find("\"data\": \"gD8AwIB/\"") != std::string::npos, b64);
  auto listed = doc_in(zanj::array_mode::array_list_meta);
  BOOST_TEST(listed.find("1.0,\n\t\t\t-2.0,\n\t\t\tInfinity\n") != std::string::npos, listed);
  BOOST_TEST(listed.find("\"dtype\": \"bfloat16\"") != std::string::npos, listed);
}

/// Python opens the member with numpy.load: uint16 whose bits are ours.
BOOST_AUTO_TEST_CASE(numpy_loads_the_member_as_uint16_bits) {
  if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) {
    BOOST_TEST_MESSAGE("skipped: /usr/bin/python3 with numpy not available");
    return;
  }
  scratch_dir dir;
  auto a = bf16_array(300);
  zanj::save(holder<zanj::bfloat16>{a}, dir / "bf");
  {
    std::ofstream script(dir / "check.py");
    script << "import io, json, sys, zipfile\nimport numpy as np\n"
              "z = zipfile.ZipFile(sys.argv[1])\n"
              "a = np.load(io.BytesIO(z.read('a.npy')))\n"
              "doc = json.loads(z.read('__zanj__.json'))\n"
              "print(a.dtype.str, a.shape, doc['a']['dtype'])\n"
              "print(' '.join('%04x' % v for v in a.ravel()))\n";
  }
  const auto out = dir / "out.txt";
  const std::string command = "/usr/bin/python3 " + (dir / "check.py").string() + " " +
                              (dir / "bf.zanj").string() + " > " + out.string() + " 2>&1";
  BOOST_REQUIRE_EQUAL(std::system(command.c_str()), 0);
  std::string expected = "<u2 (300,) bfloat16\n";
  for (std::size_t i = 0; i < a.size(); ++i) {
    char word[8];
    std::snprintf(word, sizeof word, "%s%04x", i ? " " : "", static_cast<unsigned>(a(i).bits));
    expected += word;
  }
  expected += "\n";
  BOOST_TEST(zanj_test::slurp(out) == expected);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

namespace {

/// The expected array of a fixture as ndarray<E> read from the stored node,
/// in the FIXTURES.md convention (shape, dtype, C-order data).
template <class E>
zanj::value load_in_convention(const zanj::value& node, zanj::detail::load_context& ctx) {
  ndarray<E> got;
  zanj::detail::load_value(node, ctx, got);
  zanj::array_value a;
  a.type = zanj::dtype_v<E>;
  a.shape = got.shape();
  a.bytes.resize(got.size() * sizeof(E));
  if (got.size()) std::memcpy(a.bytes.data(), got.data(), a.bytes.size());
  return *zanj_test::to_convention(zanj::value(std::move(a))).find("$ndarray");
}

/// Walks the stored document beside the expected value; every "$ndarray" or
/// "$tensor" there is loaded from the stored node into ndarray<its dtype>.
struct fixture_walk {
  zanj::detail::load_context& ctx;
  int expected_arrays = 0;
  int matching_arrays = 0;

  void walk(const zanj::value& stored, const zanj::value& want) {
    if (want.is_object()) {
      auto& o = want.as_object();
      const zanj::value* tag = o.size() == 1 ? (o.find("$ndarray") ? o.find("$ndarray") : o.find("$tensor")) : nullptr;
      if (tag) return check_array(stored, *tag);
      if (auto* inner = o.find("$dict"); inner && o.size() == 1) return walk(stored, *inner);
      for (auto& [key, w] : o) {
        zanj::detail::path_guard g(ctx, key);
        auto* s = stored.find(key);
        if (!s) {
          count_arrays(w);
          BOOST_ERROR("stored document lacks " << ctx.path.pointer());
          continue;
        }
        walk(*s, w);
      }
    } else if (want.is_list() && stored.is_list()) {
      auto& w = want.as_list();
      auto& s = stored.as_list();
      for (std::size_t i = 0; i < w.size() && i < s.size(); ++i) {
        zanj::detail::path_guard g(ctx, i);
        walk(s[i], w[i]);
      }
    }
  }

  void count_arrays(const zanj::value& want) {
    if (want.is_object())
      for (auto& [key, w] : want.as_object()) {
        if (key == "$ndarray" || key == "$tensor") ++expected_arrays;
        else count_arrays(w);
      }
  }

  void check_array(const zanj::value& stored, const zanj::value& want) {
    ++expected_arrays;
    auto spec = zanj::parse_dtype(want.find("dtype")->as_string());
    BOOST_REQUIRE(spec);
    zanj::value got = zanj::detail::visit_dtype(
        spec->type, [&](auto zero) { return load_in_convention<decltype(zero)>(stored, ctx); });
    auto difference = zanj_test::difference(got, want, ctx.path.pointer());
    BOOST_TEST(difference.empty(), difference);
    if (difference.empty()) ++matching_arrays;
  }
};

zanj::value expected_value(const fs::path& file) {
  return zanj::json::parse(zanj_test::slurp(file)).as_object().at("value");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ndarray_fixtures)

/// Every array and tensor of the reference's array_*, torch_* and mode_*
/// fixtures loads into ndarray<its dtype> equal to X.expected.json. mode_list
/// stores bare lists: the dtypes come from the same object in array_list_meta.
BOOST_AUTO_TEST_CASE(every_array_fixture_loads_into_ndarray) {
  auto root = zanj_test::fixture_root();
  if (root.empty()) {
    zanj_test::report_fixtures_missing();
    return;
  }
  int fixtures = 0;
  for (std::string version : {"v0.5.0", "v0.6.0"}) {
    for (auto& entry : fs::directory_iterator(root / version)) {
      const std::string name = entry.path().stem().string();
      if (entry.path().extension() != ".zanj" ||
          !(name.starts_with("array_") || name.starts_with("torch_") || name.starts_with("mode_")))
        continue;
      BOOST_TEST_CONTEXT("fixture " << version << "/" << name) {
        ++fixtures;
        const std::string typed_source = name == "mode_list" ? "mode_array_list_meta" : name;
        const auto want = expected_value(root / version / (typed_source + ".expected.json"));
        zanj::detail::zip_reader zip(entry.path());
        const auto document = zanj::detail::read_json_member(zip, zanj::detail::main_member, entry.path());
        zanj::options o;
        zanj::detail::load_context ctx(&zip, entry.path(), o);
        fixture_walk walk{ctx};
        walk.walk(document, want);
        BOOST_TEST(walk.expected_arrays > 0);
        BOOST_TEST(walk.matching_arrays == walk.expected_arrays);
      }
    }
  }
  BOOST_TEST(fixtures == 44);
}

/// The fortran fixture really holds Fortran-order members, and they read in C order.
BOOST_AUTO_TEST_CASE(fortran_order_members_deliver_c_order) {
  auto root = zanj_test::fixture_root();
  if (root.empty()) {
    zanj_test::report_fixtures_missing();
    return;
  }
  struct fortran_fixture {
    ndarray<float> transposed_large_f32;
  };
  for (std::string version : {"v0.5.0", "v0.6.0"}) {
    BOOST_TEST_CONTEXT("fixture " << version) {
      const auto file = root / version / "array_fortran_order.zanj";
      auto header = zanj::npy::parse_header(member_bytes(file, "transposed_large_f32.npy"));
      BOOST_TEST(header.fortran_order);
      auto got = zanj::read<fortran_fixture>(file).transposed_large_f32;
      auto want = *expected_value(root / version / "array_fortran_order.expected.json")
                       .find("transposed_large_f32")
                       ->find("$ndarray");
      BOOST_TEST((got.shape() == shape_t{30, 20}));
      auto& data = want.find("data")->as_list();
      BOOST_REQUIRE(data.size() == got.size());
      for (std::size_t i = 0; i < got.size(); ++i)
        BOOST_TEST(static_cast<double>(got.data()[i]) == data[i].as_double(), "element " << i);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(ndarray_errors)

BOOST_AUTO_TEST_CASE(npy_header_disagreeing_with_its_reference) {
  scratch_dir dir;
  auto a = sample_array<double>({300});
  zanj::save(holder<double>{a}, dir / "good");
  zanj::array_value other;
  other.type = zanj::dtype::float64;
  other.shape = {3, 100};
  other.bytes.resize(300 * sizeof(double));
  std::memcpy(other.bytes.data(), a.data(), other.bytes.size());
  replace_member(dir / "good.zanj", dir / "bad.zanj", "a.npy", zanj::npy::write(other));
  BOOST_CHECK_EXCEPTION(zanj::read<holder<double>>(dir / "bad.zanj"), zanj::error,
                        message_has({"bad.zanj", "at /a", "member 'a.npy'", "[3, 100]", "[300]"}));
}

BOOST_AUTO_TEST_CASE(shapes_whose_element_count_overflows) {
  scratch_dir dir;
  const std::string huge = "[4294967296, 4294967296, 16]";
  write_archive(dir / "inline.zanj", R"({"a": {"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [], "shape": )" +
                                         huge + R"(, "dtype": "float64", "n_elements": 0}})");
  BOOST_CHECK_EXCEPTION(zanj::read<holder<double>>(dir / "inline.zanj"), zanj::error,
                        message_has({"at /a", "too large"}));

  const shape_t dims{std::size_t{1} << 32, std::size_t{1} << 32, 16};
  auto head = zanj::npy::format_header(zanj::dtype::float64, dims);
  write_archive(dir / "external.zanj",
                R"({"a": {"__muutils_format__": "numpy.ndarray:external", "$ref": "a.npy", "shape": )" + huge +
                    R"(, "dtype": "float64", "n_elements": 0}})",
                {{"a.npy", to_bytes(head)}});
  BOOST_CHECK_EXCEPTION(zanj::read<holder<double>>(dir / "external.zanj"), zanj::error,
                        message_has({"at /a", "member 'a.npy'", "too large"}));
}

/// Shapes the data does not back fail before anything is allocated for them
/// (else these would throw std::bad_alloc or std::length_error).
BOOST_AUTO_TEST_CASE(lying_shapes_fail_before_allocating) {
  scratch_dir dir;
  const std::string shape = "[1000000000000, 1000000]";
  for (std::string form : {"array_list_meta", "array_hex_meta", "array_b64_meta"}) {
    BOOST_TEST_CONTEXT(form) {
      const std::string data = form == "array_list_meta" ? "[]" : "\"\"";
      write_archive(dir / "l.zanj", R"({"a": {"__muutils_format__": "numpy.ndarray:)" + form + R"(", "data": )" + data +
                                        R"(, "shape": )" + shape + R"(, "dtype": "float64", "n_elements": 0}})");
      BOOST_CHECK_EXCEPTION(zanj::read<holder<double>>(dir / "l.zanj"), zanj::error, message_has({"at /a"}));
    }
  }
  auto npy = zanj::npy::write(zanj::array_value::from(std::span<const double>(std::vector<double>{1, 2, 3})));
  write_archive(dir / "e.zanj",
                R"({"a": {"__muutils_format__": "numpy.ndarray:external", "$ref": "a.npy", "shape": )" + shape +
                    R"(, "dtype": "float64", "n_elements": 0}})",
                {{"a.npy", npy}});
  BOOST_CHECK_EXCEPTION(zanj::read<holder<double>>(dir / "e.zanj"), zanj::error,
                        message_has({"at /a", "member 'a.npy'", "disagrees"}));
}

BOOST_AUTO_TEST_CASE(elements_that_do_not_fit_the_element_type) {
  scratch_dir dir;
  // External int64 with one value past int8: the message names path and member.
  ndarray<std::int64_t> wide({300});
  wide(17) = 1000;
  zanj::save(holder<std::int64_t>{wide}, dir / "wide");
  BOOST_CHECK_EXCEPTION(zanj::read<holder<std::int8_t>>(dir / "wide.zanj"), zanj::error,
                        message_has({"at /a", "member 'a.npy'", "int8", "int64"}));
  wide(17) = 127;
  wide(18) = -128;
  zanj::save(holder<std::int64_t>{wide}, dir / "fits");
  auto narrow = zanj::read<holder<std::int8_t>>(dir / "fits.zanj").a;
  BOOST_TEST(narrow(17) == 127);
  BOOST_TEST(narrow(18) == -128);

  ndarray<std::int64_t> negative({2}, {5, -1});
  zanj::save(holder<std::int64_t>{negative}, dir / "neg");
  BOOST_CHECK_EXCEPTION(zanj::read<holder<std::uint8_t>>(dir / "neg.zanj"), zanj::error,
                        message_has({"at /a", "uint8"}));

  ndarray<double> reals({2}, {1.0, 2.0});
  zanj::save(holder<double>{reals}, dir / "reals");
  BOOST_CHECK_EXCEPTION(zanj::read<holder<std::int32_t>>(dir / "reals.zanj"), zanj::error,
                        message_has({"at /a", "int32", "float64"}));  // floats never become integers

  ndarray<bool> flags({2});
  zanj::save(holder<bool>{flags}, dir / "flags");
  BOOST_CHECK_EXCEPTION(zanj::read<holder<std::int8_t>>(dir / "flags.zanj"), zanj::error,
                        message_has({"at /a", "int8", "bool"}));

  ndarray<std::complex<float>> complex({1}, {std::complex<float>(1, 2)});
  zanj::save(holder<std::complex<float>>{complex}, dir / "complex");
  BOOST_CHECK_EXCEPTION(zanj::read<holder<double>>(dir / "complex.zanj"), zanj::error,
                        message_has({"at /a", "float64", "complex64"}));
}

BOOST_AUTO_TEST_CASE(plain_lists_that_are_ragged_or_do_not_fit) {
  scratch_dir dir;
  write_archive(dir / "r.zanj", R"({"a": [[1, 2], [3]]})");
  BOOST_CHECK_EXCEPTION(zanj::read<holder<std::int32_t>>(dir / "r.zanj"), zanj::error,
                        message_has({"at /a", "ragged", "[2, 2]"}));
  write_archive(dir / "d.zanj", R"({"a": [[1, 2], [3, [4]]]})");
  BOOST_CHECK_EXCEPTION(zanj::read<holder<std::int32_t>>(dir / "d.zanj"), zanj::error,
                        message_has({"at /a/1/1", "[4]", "int32"}));
  write_archive(dir / "f.zanj", R"({"a": [[1, 2], [3, 2.5]]})");
  BOOST_CHECK_EXCEPTION(zanj::read<holder<std::int32_t>>(dir / "f.zanj"), zanj::error,
                        message_has({"at /a/1/1", "2.5", "int32"}));
  write_archive(dir / "s.zanj", R"({"a": ["x"]})");
  BOOST_CHECK_EXCEPTION(zanj::read<holder<double>>(dir / "s.zanj"), zanj::error,
                        message_has({"at /a/0", "float64"}));
  write_archive(dir / "o.zanj", R"({"a": {"x": 1}})");
  BOOST_CHECK_EXCEPTION(zanj::read<holder<double>>(dir / "o.zanj"), zanj::error, message_has({"at /a", "object"}));
}

BOOST_AUTO_TEST_SUITE_END()
