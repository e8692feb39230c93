// dtype.hpp: dtype strings of every family (numpy names, torch names, npy
// descrs) and npy descr formatting.
#include <zanj/dtype.hpp>

#include <boost/test/unit_test.hpp>

#include <bit>
#include <optional>
#include <string_view>
#include <utility>

namespace {

using zanj::dtype;
using zanj::dtype_spec;
using zanj::parse_dtype;

constexpr auto little = std::endian::little;
constexpr auto big = std::endian::big;

constexpr dtype all_dtypes[] = {dtype::bool_,   dtype::int8,     dtype::int16,   dtype::int32,     dtype::int64,
                                dtype::uint8,   dtype::uint16,   dtype::uint32,  dtype::uint64,    dtype::float16,
                                dtype::bfloat16, dtype::float32, dtype::float64, dtype::complex64, dtype::complex128};

}  // namespace

BOOST_AUTO_TEST_SUITE(dtype_strings)

BOOST_AUTO_TEST_CASE(numpy_names_parse_to_little_endian_types) {
  const std::pair<std::string_view, dtype> cases[] = {
      {"bool", dtype::bool_},         {"bool_", dtype::bool_},         {"int8", dtype::int8},
      {"int16", dtype::int16},        {"int32", dtype::int32},         {"int64", dtype::int64},
      {"longlong", dtype::int64},     {"uint8", dtype::uint8},         {"uint16", dtype::uint16},
      {"uint32", dtype::uint32},      {"uint64", dtype::uint64},       {"float16", dtype::float16},
      {"float32", dtype::float32},    {"float64", dtype::float64},     {"complex64", dtype::complex64},
      {"complex128", dtype::complex128}, {"bfloat16", dtype::bfloat16},
  };
  for (auto [text, type] : cases) {
    BOOST_TEST_CONTEXT(text) {
      auto parsed = parse_dtype(text);
      BOOST_TEST_REQUIRE(parsed.has_value());
      BOOST_TEST((*parsed == dtype_spec{type, little}));
    }
  }
}

BOOST_AUTO_TEST_CASE(every_numpy_name_round_trips) {
  for (dtype t : all_dtypes) {
    BOOST_TEST_CONTEXT(zanj::numpy_name(t)) {
      auto parsed = parse_dtype(zanj::numpy_name(t));
      BOOST_TEST_REQUIRE(parsed.has_value());
      BOOST_TEST((parsed->type == t));
    }
  }
}

BOOST_AUTO_TEST_CASE(torch_names_and_aliases) {
  const std::pair<std::string_view, dtype> cases[] = {
      {"torch.float32", dtype::float32},    {"torch.float", dtype::float32},
      {"torch.float64", dtype::float64},    {"torch.double", dtype::float64},
      {"torch.float16", dtype::float16},    {"torch.half", dtype::float16},
      {"torch.bfloat16", dtype::bfloat16},  {"torch.int8", dtype::int8},
      {"torch.int16", dtype::int16},        {"torch.short", dtype::int16},
      {"torch.int32", dtype::int32},        {"torch.int", dtype::int32},
      {"torch.int64", dtype::int64},        {"torch.long", dtype::int64},
      {"torch.uint8", dtype::uint8},        {"torch.bool", dtype::bool_},
      {"torch.complex64", dtype::complex64}, {"torch.cfloat", dtype::complex64},
      {"torch.complex128", dtype::complex128}, {"torch.cdouble", dtype::complex128},
  };
  for (auto [text, type] : cases) {
    BOOST_TEST_CONTEXT(text) {
      auto parsed = parse_dtype(text);
      BOOST_TEST_REQUIRE(parsed.has_value());
      BOOST_TEST((*parsed == dtype_spec{type, little}));
    }
  }
}

BOOST_AUTO_TEST_CASE(python_class_spellings) {
  BOOST_TEST((parse_dtype("<class 'numpy.float32'>") == dtype_spec{dtype::float32, little}));
  BOOST_TEST((parse_dtype("<class 'numpy.bool_'>") == dtype_spec{dtype::bool_, little}));
  BOOST_TEST((parse_dtype("<class 'numpy.int64'>") == dtype_spec{dtype::int64, little}));
  BOOST_TEST((parse_dtype("<class 'bool'>") == dtype_spec{dtype::bool_, little}));
  BOOST_TEST((parse_dtype("<class 'float'>") == dtype_spec{dtype::float64, little}));
  BOOST_TEST(!parse_dtype("<class 'numpy.torch.float32'>").has_value());
  BOOST_TEST(!parse_dtype("<class 'numpy.'>").has_value());
  BOOST_TEST(!parse_dtype("<class 'numpy.ndarray'>").has_value());
}

BOOST_AUTO_TEST_CASE(npy_descrs_with_byte_order) {
  const std::pair<std::string_view, dtype_spec> cases[] = {
      {"<f4", {dtype::float32, little}},   {">f4", {dtype::float32, big}},     {">i4", {dtype::int32, big}},
      {"<i4", {dtype::int32, little}},     {"|b1", {dtype::bool_, little}},    {"|u1", {dtype::uint8, little}},
      {"|i1", {dtype::int8, little}},      {"=f8", {dtype::float64, little}},  {"<c8", {dtype::complex64, little}},
      {"<c16", {dtype::complex128, little}}, {">c16", {dtype::complex128, big}}, {"<f2", {dtype::float16, little}},
      {">f2", {dtype::float16, big}},      {"<u2", {dtype::uint16, little}},   {">u8", {dtype::uint64, big}},
      {"<i8", {dtype::int64, little}},     {"<u4", {dtype::uint32, little}},   {"<i2", {dtype::int16, little}},
      // One-byte types have no byte order, whatever the prefix says.
      {">u1", {dtype::uint8, little}},     {"<b1", {dtype::bool_, little}},    {"i1", {dtype::int8, little}},
      {"f8", {dtype::float64, little}},    {"?", {dtype::bool_, little}},      {"|?", {dtype::bool_, little}},
  };
  for (auto [text, spec] : cases) {
    BOOST_TEST_CONTEXT(text) {
      auto parsed = parse_dtype(text);
      BOOST_TEST_REQUIRE(parsed.has_value());
      BOOST_TEST((*parsed == spec));
    }
  }
}

BOOST_AUTO_TEST_CASE(unknown_strings_are_rejected) {
  const std::string_view cases[] = {"",       "float",   "int",     "float128", "<f16", "<U5",  "|S3",
                                    "|O",     "object",  "<M8[ns]", "<f3",     "<i16", "<c4",  "<b2",
                                    "<f",     "<",       "f4 ",     " <f4",    "<F4",  "torch.", "torch.uint128",
                                    "Float32", std::string_view("float32\0", 8), "<f04",   "<x4",     "datetime64[ns]"};
  for (auto text : cases) {
    BOOST_TEST_CONTEXT("'" << text << "'") { BOOST_TEST(!parse_dtype(text).has_value()); }
  }
}

BOOST_AUTO_TEST_CASE(npy_descr_matches_numpy) {
  const std::pair<dtype, std::string_view> cases[] = {
      {dtype::bool_, "|b1"},   {dtype::int8, "|i1"},      {dtype::uint8, "|u1"},      {dtype::int16, "<i2"},
      {dtype::int32, "<i4"},   {dtype::int64, "<i8"},     {dtype::uint16, "<u2"},     {dtype::uint32, "<u4"},
      {dtype::uint64, "<u8"},  {dtype::float16, "<f2"},   {dtype::float32, "<f4"},    {dtype::float64, "<f8"},
      {dtype::complex64, "<c8"}, {dtype::complex128, "<c16"}, {dtype::bfloat16, "<u2"},
  };
  for (auto [type, descr] : cases) {
    BOOST_TEST_CONTEXT(zanj::numpy_name(type)) { BOOST_TEST(zanj::npy_descr(type) == descr); }
  }
  BOOST_TEST(zanj::npy_descr(dtype::float64, big) == ">f8");
  BOOST_TEST(zanj::npy_descr(dtype::complex128, big) == ">c16");
  BOOST_TEST(zanj::npy_descr(dtype::uint8, big) == "|u1");
  BOOST_TEST(zanj::npy_descr(dtype::bool_, big) == "|b1");
}

BOOST_AUTO_TEST_CASE(npy_descr_parses_back) {
  for (dtype t : all_dtypes) {
    for (auto order : {little, big}) {
      BOOST_TEST_CONTEXT(zanj::numpy_name(t) << (order == big ? " big" : " little")) {
        auto parsed = parse_dtype(zanj::npy_descr(t, order));
        BOOST_TEST_REQUIRE(parsed.has_value());
        // bfloat16 is stored as uint16 bits; one-byte types lose their order.
        const dtype expected = t == dtype::bfloat16 ? dtype::uint16 : t;
        const auto expected_order = zanj::itemsize(t) == 1 ? little : order;
        BOOST_TEST((*parsed == dtype_spec{expected, expected_order}));
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
