// Writes .zanj samples for tests/interop/check_with_python.py, each beside an
// "expectation" file (<name>.expect.json) that states what a Python reader
// must find in it. The expectations are computed here from the C++ inputs
// with our own small JSON emitter -- never with the library's writer -- so a
// library bug cannot corrupt the sample and its expectation in the same way.
//
//     write_samples <output folder>
//
// Expectation file (all fields required unless said otherwise):
//   archive         file name of the .zanj
//   compress        whether members must be deflated (else stored)
//   array_mode      the internal_array_mode used
//   externals       every external member name (set; order is checked by rule)
//   arrays          [{path, form, dtype, shape, nbytes, checksum, probes, tensor}]
//                   form: external | array_list_meta | array_hex_meta |
//                         array_b64_meta | list | zero_dim
//                   tensor (optional): a torch.Tensor object (a model's
//                   state_dict entry), "torch.<dtype>" when external or zero_dim
//                   checksum: sum over raw C-order bytes b[i] * (i % 65521 + 1),
//                             as 16 hex digits
//                   probes: [[flat index, element bits as little-endian hex]]
//   lists           [{path, length}]: external lists (.jsonl) and their length
//   values          [{path, json}]: the node must equal json.loads(json)
//                   (ints stay ints, floats compare bit for bit)
//   strings         [{path, utf8_hex}]: the node is exactly this string
//   keys            [{path, keys}]: the object's keys in this exact order
//   frames          [{path, columns, rows}] (optional): a DataFrame with these
//                   columns; rows is JSON text of the cells row by row (null:
//                   a missing cell); pandas must read the same frame
// Paths are lists of object keys (strings) and list indices (ints) from the
// root of the resolved document, stepping into the data of external lists.
#include <zanj/zanj.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// A minimal JSON emitter for the expectation files. UTF-8 passes through
// unchanged (valid JSON); only what JSON requires is escaped.

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string hex_bytes(std::span<const std::byte> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::byte b : bytes) {
    out += digits[std::to_integer<unsigned>(b) >> 4];
    out += digits[std::to_integer<unsigned>(b) & 15];
  }
  return out;
}

std::string hex_of_text(std::string_view s) { return hex_bytes(std::as_bytes(std::span(s.data(), s.size()))); }

template <class Range, class F>
std::string json_list(const Range& items, F&& render) {
  std::string out = "[";
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ", ";
    first = false;
    out += render(item);
  }
  return out + "]";
}

using path_element = std::variant<std::string, std::size_t>;
using tree_path = std::vector<path_element>;

std::string json_path(const tree_path& path) {
  return json_list(path, [](const path_element& e) {
    if (auto* key = std::get_if<std::string>(&e)) return json_string(*key);
    return std::to_string(std::get<std::size_t>(e));
  });
}

/// The member name the reference derives from a path (FORMAT.md §6.2).
std::string member_name(const tree_path& path, std::string_view item_type) {
  std::string name;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i) name += '/';
    if (auto* key = std::get_if<std::string>(&path[i]))
      name += *key;
    else
      name += std::to_string(std::get<std::size_t>(path[i]));
  }
  return name + "." + std::string(item_type);
}

tree_path operator/(tree_path p, path_element e) {
  p.push_back(std::move(e));
  return p;
}

// ---------------------------------------------------------------------------
// Element types: our own numpy names, independent of the library's table.

template <class T>
struct element_info;
#define ZANJ_INTEROP_ELEMENT(T, NAME, FLOAT_UNIT) \
  template <>                                    \
  struct element_info<T> {                       \
    static constexpr std::string_view name = NAME; \
    static constexpr std::size_t float_unit = FLOAT_UNIT; /* bytes per float component, 0 if none */ \
  };
ZANJ_INTEROP_ELEMENT(bool, "bool", 0)
ZANJ_INTEROP_ELEMENT(std::int8_t, "int8", 0)
ZANJ_INTEROP_ELEMENT(std::int16_t, "int16", 0)
ZANJ_INTEROP_ELEMENT(std::int32_t, "int32", 0)
ZANJ_INTEROP_ELEMENT(std::int64_t, "int64", 0)
ZANJ_INTEROP_ELEMENT(std::uint8_t, "uint8", 0)
ZANJ_INTEROP_ELEMENT(std::uint16_t, "uint16", 0)
ZANJ_INTEROP_ELEMENT(std::uint32_t, "uint32", 0)
ZANJ_INTEROP_ELEMENT(std::uint64_t, "uint64", 0)
ZANJ_INTEROP_ELEMENT(zanj::float16, "float16", 2)
ZANJ_INTEROP_ELEMENT(float, "float32", 4)
ZANJ_INTEROP_ELEMENT(double, "float64", 8)
ZANJ_INTEROP_ELEMENT(std::complex<float>, "complex64", 4)
ZANJ_INTEROP_ELEMENT(std::complex<double>, "complex128", 8)
#undef ZANJ_INTEROP_ELEMENT

/// Through JSON text every NaN becomes Python's float('nan'), which numpy
/// converts to the positive quiet NaN of each width: what list forms must give.
void canonicalize_nans(std::span<std::byte> bytes, std::size_t unit) {
  if (unit == 0) return;  // not a float type
  for (std::size_t at = 0; at + unit <= bytes.size(); at += unit) {
    std::byte* p = bytes.data() + at;
    if (unit == 2) {
      std::uint16_t h;
      std::memcpy(&h, p, 2);
      if ((h & 0x7c00u) == 0x7c00u && (h & 0x3ffu)) h = 0x7e00u;
      std::memcpy(p, &h, 2);
    } else if (unit == 4) {
      float f;
      std::memcpy(&f, p, 4);
      if (f != f) f = std::bit_cast<float>(0x7fc00000u);
      std::memcpy(p, &f, 4);
    } else if (unit == 8) {
      double d;
      std::memcpy(&d, p, 8);
      if (d != d) d = std::bit_cast<double>(0x7ff8000000000000ull);
      std::memcpy(p, &d, 8);
    }
  }
}

std::uint64_t weighted_checksum(std::span<const std::byte> bytes) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i)
    sum += std::to_integer<std::uint64_t>(bytes[i]) * (i % 65521 + 1);
  return sum;
}

// ---------------------------------------------------------------------------

/// What one .zanj must contain, collected while its object is built.
class expectation {
 public:
  expectation(std::string archive, const zanj::options& opts) : archive_(std::move(archive)), opts_(opts) {}

  const zanj::options& opts() const { return opts_; }

  bool list_form() const {
    return opts_.internal_array_mode == zanj::array_mode::list ||
           opts_.internal_array_mode == zanj::array_mode::array_list_meta;
  }

  /// An array of `shape` (empty: 0-d) holding `data` in C order.
  template <class T>
  void array(const tree_path& path, std::span<const T> data, const std::vector<std::size_t>& shape,
             bool tensor = false) {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    // Complex arrays are always written as hex inline (JSON lists cannot
    // carry them, FORMAT.md §14.14); 0-d arrays are zero_dim objects, or bare
    // scalars in list mode, as muutils 0.9 writes them.
    constexpr bool complex = zanj::is_complex(zanj::dtype_v<T>);
    std::string form;
    if (shape.empty())
      form = complex ? "array_hex_meta" : (opts_.internal_array_mode == zanj::array_mode::list ? "bare_scalar" : "zero_dim");
    else if (n >= opts_.external_array_threshold)
      form = "external";
    else if (complex && list_form())
      form = "array_hex_meta";
    else
      form = std::string(zanj::to_string(opts_.internal_array_mode));

    std::vector<std::byte> bytes(data.size_bytes());
    if (!bytes.empty()) std::memcpy(bytes.data(), data.data(), bytes.size());
    if (form != "external" && form != "array_hex_meta" && form != "array_b64_meta")
      canonicalize_nans(bytes, element_info<T>::float_unit);

    if (form == "external") externals_.push_back(member_name(path, "npy"));

    // Every element of small arrays, the ends and the middle of large ones.
    std::vector<std::size_t> probe_at;
    if (n <= 64) {
      for (std::size_t i = 0; i < n; ++i) probe_at.push_back(i);
    } else {
      probe_at = {0, 1, n / 2, n - 2, n - 1};
    }
    const std::span<const std::byte> all(bytes);
    std::string probes = json_list(probe_at, [&](std::size_t i) {
      return "[" + std::to_string(i) + ", \"" + hex_bytes(all.subspan(i * sizeof(T), sizeof(T))) + "\"]";
    });
    char checksum[17];
    std::snprintf(checksum, sizeof checksum, "%016llx", static_cast<unsigned long long>(weighted_checksum(all)));

    arrays_.push_back("{\"path\": " + json_path(path) + ", \"form\": " + json_string(form) +
                      ", \"dtype\": " + json_string(element_info<T>::name) +
                      ", \"shape\": " + json_list(shape, [](std::size_t d) { return std::to_string(d); }) +
                      ", \"nbytes\": " + std::to_string(bytes.size()) + ", \"checksum\": \"" + checksum +
                      "\", \"probes\": " + probes + (tensor ? ", \"tensor\": true" : "") + "}");
  }
  template <class T>
  void array(const tree_path& path, const std::vector<T>& data) {
    array<T>(path, std::span<const T>(data), {data.size()});
  }
  template <class T, std::size_t N>
  void array(const tree_path& path, const std::array<T, N>& data) {
    array<T>(path, std::span<const T>(data), {N});
  }

  /// A list stored as a .jsonl member.
  void external_list(const tree_path& path, std::size_t length) {
    externals_.push_back(member_name(path, "jsonl"));
    lists_.push_back("{\"path\": " + json_path(path) + ", \"length\": " + std::to_string(length) + "}");
  }

  /// A sequence that is external when long enough, plain JSON otherwise.
  void sequence(const tree_path& path, std::size_t length) {
    if (length >= opts_.external_list_threshold) external_list(path, length);
  }

  void value(const tree_path& path, std::string json_text) {
    values_.push_back("{\"path\": " + json_path(path) + ", \"json\": " + json_string(json_text) + "}");
  }

  void string(const tree_path& path, std::string_view utf8) {
    strings_.push_back("{\"path\": " + json_path(path) + ", \"utf8_hex\": \"" + hex_of_text(utf8) + "\"}");
  }

  void keys(const tree_path& path, const std::vector<std::string>& names) {
    keys_.push_back("{\"path\": " + json_path(path) + ", \"keys\": " + json_list(names, json_string) + "}");
  }

  /// A table: `rows_json` holds the cells row by row, as our emitter wrote them.
  void frame(const tree_path& path, const std::vector<std::string>& columns, std::string rows_json) {
    if (!path.empty()) externals_.push_back(member_name(path, "jsonl"));
    frames_.push_back("{\"path\": " + json_path(path) + ", \"columns\": " + json_list(columns, json_string) +
                      ", \"rows\": " + json_string(rows_json) + "}");
  }

  /// A member that must be stored although the archive is compressed (the
  /// writer stores large members that deflate would not shrink).
  void stored_member(std::string name) { stored_members_.push_back(std::move(name)); }

  void write(const fs::path& file) const {
    auto block = [](const std::vector<std::string>& entries) {
      std::string out = "[";
      for (std::size_t i = 0; i < entries.size(); ++i) out += (i ? ",\n    " : "\n    ") + entries[i];
      return out + (entries.empty() ? "]" : "\n  ]");
    };
    std::ofstream out(file, std::ios::binary);
    out << "{\n  \"archive\": " << json_string(archive_) << ",\n  \"compress\": " << (opts_.compress ? "true" : "false")
        << ",\n  \"array_mode\": " << json_string(zanj::to_string(opts_.internal_array_mode))
        << ",\n  \"externals\": " << json_list(externals_, json_string) << ",\n  \"arrays\": " << block(arrays_)
        << ",\n  \"lists\": " << block(lists_) << ",\n  \"values\": " << block(values_)
        << ",\n  \"strings\": " << block(strings_) << ",\n  \"keys\": " << block(keys_)
        << ",\n  \"frames\": " << block(frames_)
        << ",\n  \"stored_members\": " << json_list(stored_members_, json_string) << "\n}\n";
    if (!out) throw std::runtime_error("cannot write " + file.string());
  }

 private:
  std::string archive_;
  zanj::options opts_;
  std::vector<std::string> externals_, arrays_, lists_, values_, strings_, keys_, frames_, stored_members_;
};

// ---------------------------------------------------------------------------
// Sample data. Everything is a fixed function of the index: deterministic.

constexpr double inf64 = std::numeric_limits<double>::infinity();
constexpr float inf32 = std::numeric_limits<float>::infinity();
const double nan64 = std::numeric_limits<double>::quiet_NaN();
const float nan32 = std::numeric_limits<float>::quiet_NaN();

zanj::float16 half_bits(std::uint16_t b) { return zanj::float16::from_bits(b); }

/// The special values of each element type: extremes, signed zeros,
/// infinities, NaNs, subnormals, values whose text form is tricky.
template <class T>
std::vector<T> specials() {
  if constexpr (std::is_same_v<T, bool>) {
    return {true, false, true, true, false};
  } else if constexpr (std::is_integral_v<T>) {
    using lim = std::numeric_limits<T>;
    std::vector<T> v = {lim::min(), lim::max(), T(0), T(1), T(lim::max() - 1), T(lim::min() + 1), T(42)};
    if constexpr (std::is_signed_v<T>) v.push_back(T(-1));
    if constexpr (sizeof(T) == 8) {
      v.push_back(T((std::uint64_t(1) << 53) + 1));  // not representable as a double
      v.push_back(T(std::uint64_t(1) << 63 >> (std::is_signed_v<T> ? 1 : 0)));
    }
    return v;
  } else if constexpr (std::is_same_v<T, zanj::float16>) {
    return {half_bits(0x0000), half_bits(0x8000), half_bits(0x3c00), half_bits(0xc100), half_bits(0x7bff),
            half_bits(0xfbff), half_bits(0x0001), half_bits(0x8001), half_bits(0x0400), half_bits(0x03ff),
            half_bits(0x7c00), half_bits(0xfc00), half_bits(0x7e00), half_bits(0x2e66), half_bits(0x3555)};
  } else if constexpr (std::is_same_v<T, float>) {
    using lim = std::numeric_limits<float>;
    return {0.0f,       -0.0f,        0.1f,        1.0f,       -2.5f,     lim::max(), -lim::max(),
            lim::min(), lim::denorm_min(), -lim::denorm_min(), inf32, -inf32, nan32,       16777217.0f,
            1e-5f,      123456.789f,  1e16f,       3.4e-39f};
  } else if constexpr (std::is_same_v<T, double>) {
    using lim = std::numeric_limits<double>;
    return {0.0,     -0.0,          0.1,   1.0,    -2.5,         lim::max(), -lim::max(), lim::min(),
            lim::denorm_min(), -lim::denorm_min(), inf64, -inf64, nan64,     1e16,        9999999999999998.0,
            1e-4,    0.0001234,     1.0 / 3.0, 9007199254740993.0, 1e300, 123456789.0, 1e-5};
  } else {
    using F = typename T::value_type;
    using lim = std::numeric_limits<F>;
    return {T(F(1), F(-0.0)), T(lim::quiet_NaN(), lim::infinity()), T(-lim::infinity(), lim::denorm_min()),
            T(lim::max(), -lim::min()), T(F(0.1), F(-2.5)), T(F(0), F(0))};
  }
}

/// NaNs with payloads, signs, signalling bits: exact only in binary forms.
template <class T>
std::vector<T> nan_payloads() {
  if constexpr (std::is_same_v<T, zanj::float16>) {
    return {half_bits(0x7e00), half_bits(0xfe00), half_bits(0x7d01), half_bits(0x7e2a), half_bits(0x3c00)};
  } else if constexpr (std::is_same_v<T, float>) {
    return {std::bit_cast<float>(0x7fc00000u), std::bit_cast<float>(0xffc00000u), std::bit_cast<float>(0x7fa00001u),
            std::bit_cast<float>(0x7fc0beefu), 1.0f};
  } else {
    return {std::bit_cast<double>(0x7ff8000000000000ull), std::bit_cast<double>(0xfff8000000000000ull),
            std::bit_cast<double>(0x7ff0000000000001ull), std::bit_cast<double>(0x7ff8dead0000beefull), 1.0};
  }
}

/// `n` elements: the specials first, then a pattern of the index.
template <class T>
std::vector<T> pattern(std::size_t n, std::vector<T> head = specials<T>()) {
  std::vector<T> v = std::move(head);
  for (std::size_t i = v.size(); i < n; ++i) {
    const auto k = static_cast<std::int64_t>(i);
    if constexpr (std::is_same_v<T, bool>)
      v.push_back(i % 3 == 0);
    else if constexpr (std::is_integral_v<T>)
      v.push_back(static_cast<T>(static_cast<std::uint64_t>(k * 2654435761ll)));  // wraps: covers all bytes
    else if constexpr (std::is_same_v<T, zanj::float16>)
      v.push_back(zanj::float16(static_cast<float>(k) * 0.25f - 30.0f));
    else if constexpr (std::is_floating_point_v<T>)
      v.push_back(static_cast<T>(k) * T(0.37) - T(50));
    else
      v.push_back(T(typename T::value_type(k) * typename T::value_type(0.5), typename T::value_type(-k)));
  }
  v.resize(n);
  return v;
}

template <class T>
void put_array(zanj::object& root, expectation& e, const std::string& key, const std::vector<T>& data,
               std::vector<std::size_t> shape = {}) {
  if (shape.empty()) shape = {data.size()};
  // A plain buffer: std::vector<bool> is packed bits, not a span of bool.
  auto buffer = std::make_unique<T[]>(data.size());
  std::copy(data.begin(), data.end(), buffer.get());
  const std::span<const T> elements(buffer.get(), data.size());
  root.append(key, zanj::array_value::from<T>(elements, shape));
  e.array<T>(tree_path{key}, elements, shape);
}

template <class T>
void put_zero_dim(zanj::object& root, expectation& e, const std::string& key, T x) {
  auto a = zanj::array_value::from<T>(std::span<const T>(&x, 1));
  a.shape.clear();
  root.append(key, std::move(a));
  e.array<T>(tree_path{key}, std::span<const T>(&x, 1), {});
}

/// One dtype inline (specials) and external (300 elements, specials first).
template <class T>
void put_dtype(zanj::object& root, expectation& e) {
  const std::string name(element_info<T>::name);
  put_array(root, e, name + "_inline", specials<T>());
  put_array(root, e, name + "_external", pattern<T>(300));
}

/// Every dtype inline and external, NaN payloads, n-d, empty and 0-d arrays.
zanj::value arrays_sample(expectation& e) {
  zanj::object root;
  put_dtype<bool>(root, e);
  put_dtype<std::int8_t>(root, e);
  put_dtype<std::int16_t>(root, e);
  put_dtype<std::int32_t>(root, e);
  put_dtype<std::int64_t>(root, e);
  put_dtype<std::uint8_t>(root, e);
  put_dtype<std::uint16_t>(root, e);
  put_dtype<std::uint32_t>(root, e);
  put_dtype<std::uint64_t>(root, e);
  put_dtype<zanj::float16>(root, e);
  put_dtype<float>(root, e);
  put_dtype<double>(root, e);
  put_dtype<std::complex<float>>(root, e);
  put_dtype<std::complex<double>>(root, e);

  put_array(root, e, "nan_payloads_f16", nan_payloads<zanj::float16>());
  put_array(root, e, "nan_payloads_f32", nan_payloads<float>());
  put_array(root, e, "nan_payloads_f64", nan_payloads<double>());
  put_array(root, e, "nan_payloads_f16_external", pattern<zanj::float16>(300, nan_payloads<zanj::float16>()));
  put_array(root, e, "nan_payloads_f32_external", pattern<float>(300, nan_payloads<float>()));
  put_array(root, e, "nan_payloads_f64_external", pattern<double>(300, nan_payloads<double>()));

  // n-d: row-major order must survive every form.
  put_array(root, e, "cube_3x4x5_f64", pattern<double>(60, {}), {3, 4, 5});
  put_array(root, e, "cube_3x4x5_i16", pattern<std::int16_t>(60), {3, 4, 5});
  put_array(root, e, "cube_3x4x5_bool", pattern<bool>(60, {}), {3, 4, 5});
  put_array(root, e, "cube_8x8x8_f32", pattern<float>(512), {8, 8, 8});
  put_array(root, e, "square_16x16_i8", pattern<std::int8_t>(256), {16, 16});  // exactly the threshold
  put_array(root, e, "just_below_u16", pattern<std::uint16_t>(255));
  put_array(root, e, "matrix_300x2_u64", pattern<std::uint64_t>(600), {300, 2});

  // Empty arrays: never external at the default threshold.
  put_array(root, e, "empty_0x3_f64", std::vector<double>{}, {0, 3});
  put_array(root, e, "empty_3x0_i32", std::vector<std::int32_t>{}, {3, 0});
  put_array(root, e, "empty_0_f32", std::vector<float>{}, {0});
  put_array(root, e, "empty_2x0x2_bool", std::vector<bool>{}, {2, 0, 2});

  put_zero_dim(root, e, "zero_dim_f64", -0.0);
  put_zero_dim(root, e, "zero_dim_i64", std::numeric_limits<std::int64_t>::min());
  put_zero_dim(root, e, "zero_dim_u64", std::numeric_limits<std::uint64_t>::max());

  std::vector<std::string> names;
  for (auto& [key, v] : root) names.push_back(key);
  e.keys({}, names);
  return root;
}

/// Empty and tiny arrays as .npy members (external_array_threshold = 0).
zanj::value empty_external_sample(expectation& e) {
  zanj::object root;
  put_array(root, e, "empty_0x3_f64", std::vector<double>{}, {0, 3});
  put_array(root, e, "empty_3x0_i32", std::vector<std::int32_t>{}, {3, 0});
  put_array(root, e, "empty_0_u8", std::vector<std::uint8_t>{}, {0});
  put_array(root, e, "one_c128", std::vector<std::complex<double>>{{1.5, -0.0}}, {1});
  put_array(root, e, "pair_f16", specials<zanj::float16>(), {3, 5});
  put_zero_dim(root, e, "zero_dim_f32", nan32);  // 0-d stays inline even at threshold 0
  return root;
}

// --- structs ----------------------------------------------------------------

struct Leaf {
  std::int64_t id = 0;
  std::array<std::uint8_t, 4> rgba{};
  double v = 0;
};

struct Inner {
  std::string name;
  std::vector<float> w;
  std::vector<Leaf> leaves;
};

struct Record {
  std::int32_t id = 0;
  std::string label;
  std::vector<double> x;  // large (external, "L/<i>/x.npy") for every third record
  std::vector<std::int16_t> small;
};

struct Scalars {
  std::uint64_t u64_max = 0;
  std::int64_t i64_min = 0;
  double nan = 0, neg_zero = 0, inf = 0, neg_inf = 0, tenth = 0, big = 0, whole = 0, tiny = 0;
  float f32_tenth = 0;
  bool yes = false;
  std::optional<int> nothing;
  std::optional<int> something;
};

struct Outer {
  std::string name;
  Scalars scalars;
  std::vector<double> small;
  std::vector<float> big;
  Inner inner;
  std::vector<Inner> items;
  std::vector<Record> L;
  std::map<std::string, std::vector<double>> arrays_by_key;
  std::map<std::string, int> small_map;
  std::map<int, std::string> int_keys;
  std::vector<std::string> words;
  std::string escapes;
  std::string astral;
};

/// Every ASCII code point (NUL included), then escapes-worthy and non-ASCII
/// characters of the BMP: all must come back exactly.
std::string all_escapes() {
  std::string s;
  for (int c = 0; c < 128; ++c) s += static_cast<char>(c);
  s += "\xc2\x80\xc2\xa0\xc3\xa9\xc3\xbf\xe2\x80\xa8\xe2\x80\xa9\xef\xbb\xbf\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbd\xef\xbf\xbf";
  s += "\"quoted\" back\\slash /slash \\u0041 not-an-escape";
  return s;
}

/// Characters beyond the BMP: written as surrogate pairs.
const std::string astral_text =
    "\xf0\x9f\x98\x80 smile, \xf0\x9d\x84\x9e clef, \xf4\x8f\xbf\xbf max, \xf0\x90\x80\x80 first, "
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";

const std::vector<std::string> unicode_keys = {
    "a/b",  "dots.in.name", "with space", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac/\xe8\xaa\x9e.v1",
    "emoji \xf0\x9f\x98\x80", "(paren) [bracket]"};

Outer make_outer() {
  Outer o;
  o.name = "interop \xe2\x9c\x93";
  o.scalars = {std::numeric_limits<std::uint64_t>::max(),
               std::numeric_limits<std::int64_t>::min(),
               nan64,
               -0.0,
               inf64,
               -inf64,
               0.1,
               1e300,
               123456789.0,
               1e-5,
               0.1f,
               true,
               std::nullopt,
               7};
  o.small = {0.5, -1.25, 3.0};
  o.big = pattern<float>(300);
  o.inner = {"inner", pattern<float>(256), {{1, {1, 2, 3, 255}, 0.1}, {2, {0, 0, 0, 0}, -0.0}}};
  for (std::size_t i = 0; i < 3; ++i) {
    Inner item{"item" + std::to_string(i), pattern<float>(i == 1 ? 400 : 4 + i), {}};
    for (std::size_t j = 0; j < i + 1; ++j)
      item.leaves.push_back({static_cast<std::int64_t>(i * 10 + j), {std::uint8_t(i), std::uint8_t(j), 7, 9}, 0.5 * double(j)});
    o.items.push_back(std::move(item));
  }
  for (std::size_t i = 0; i < 300; ++i) {
    Record r;
    r.id = static_cast<std::int32_t>(i);
    r.label = "rec-" + std::to_string(i) + (i % 7 == 0 ? " \xc3\xa9\xf0\x9f\x98\x80\n\t" : "");
    std::vector<double> head = {double(i), -double(i)};
    r.x = pattern<double>(i % 3 == 0 ? 300 : 5, head);
    r.small = {std::int16_t(i), std::int16_t(-std::int16_t(i % 100))};
    o.L.push_back(std::move(r));
  }
  for (std::size_t k = 0; k < unicode_keys.size(); ++k) {
    std::vector<double> head = {double(k)};
    o.arrays_by_key[unicode_keys[k]] = pattern<double>(300, head);
  }
  o.small_map = {{"z", 1}, {"a", 2}, {"caf\xc3\xa9", 3}, {"with/slash", 4}, {"\xf0\x9f\x98\x80", 5}};
  o.int_keys = {{-1, "minus one"}, {7, "seven"}, {300, "three hundred"}};
  for (std::size_t i = 0; i < 300; ++i)
    o.words.push_back(i % 50 == 0 ? all_escapes() + std::to_string(i) : "word" + std::to_string(i) + (i % 2 ? "\xc3\xa9" : ""));
  o.escapes = all_escapes();
  o.astral = astral_text;
  return o;
}

/// What the reference must find in a saved Outer.
void describe_outer(const Outer& o, expectation& e) {
  e.keys({}, {"__muutils_format__", "name", "scalars", "small", "big", "inner", "items", "L", "arrays_by_key",
              "small_map", "int_keys", "words", "escapes", "astral"});
  e.value({"__muutils_format__"}, "\"Outer(SerializableDataclass)\"");
  e.string({"name"}, o.name);

  const tree_path s = {"scalars"};
  e.keys(s, {"__muutils_format__", "u64_max", "i64_min", "nan", "neg_zero", "inf", "neg_inf", "tenth", "big", "whole",
             "tiny", "f32_tenth", "yes", "nothing", "something"});
  e.value(s / "u64_max", "18446744073709551615");
  e.value(s / "i64_min", "-9223372036854775808");
  e.value(s / "nan", "NaN");
  e.value(s / "neg_zero", "-0.0");
  e.value(s / "inf", "Infinity");
  e.value(s / "neg_inf", "-Infinity");
  e.value(s / "tenth", "0.1");
  e.value(s / "big", "1e+300");
  e.value(s / "whole", "123456789.0");
  e.value(s / "tiny", "1e-05");
  e.value(s / "f32_tenth", "0.10000000149011612");
  e.value(s / "yes", "true");
  e.value(s / "nothing", "null");
  e.value(s / "something", "7");

  e.array({"small"}, o.small);
  e.array({"big"}, o.big);

  e.keys({"inner"}, {"__muutils_format__", "name", "w", "leaves"});
  e.value({"inner", "__muutils_format__"}, "\"Inner(SerializableDataclass)\"");
  e.array({"inner", "w"}, o.inner.w);
  for (std::size_t j = 0; j < o.inner.leaves.size(); ++j) {
    const tree_path leaf = tree_path{"inner", "leaves"} / j;
    e.keys(leaf, {"__muutils_format__", "id", "rgba", "v"});
    e.array(leaf / "rgba", o.inner.leaves[j].rgba);
  }
  e.value({"inner", "leaves", std::size_t(0), "v"}, "0.1");
  e.value({"inner", "leaves", std::size_t(1), "v"}, "-0.0");
  e.value({"inner", "leaves", std::size_t(1), "id"}, "2");

  for (std::size_t i = 0; i < o.items.size(); ++i) {
    const tree_path item = tree_path{"items"} / i;
    e.keys(item, {"__muutils_format__", "name", "w", "leaves"});
    e.array(item / "w", o.items[i].w);
    for (std::size_t j = 0; j < o.items[i].leaves.size(); ++j) {
      e.array(item / "leaves" / j / "rgba", o.items[i].leaves[j].rgba);
      e.value(item / "leaves" / j / "id", std::to_string(o.items[i].leaves[j].id));
    }
  }

  e.sequence({"L"}, o.L.size());
  for (std::size_t i = 0; i < o.L.size(); ++i) {
    const tree_path rec = tree_path{"L"} / i;
    e.array(rec / "x", o.L[i].x);
    e.array(rec / "small", o.L[i].small);
    e.value(rec / "id", std::to_string(i));
    e.string(rec / "label", o.L[i].label);
    if (i % 50 == 0 || i == 3 || i == 7) e.keys(rec, {"__muutils_format__", "id", "label", "x", "small"});
  }

  std::vector<std::string> sorted_keys;
  for (auto& [key, arr] : o.arrays_by_key) {
    sorted_keys.push_back(key);
    e.array(tree_path{"arrays_by_key", key}, arr);
  }
  e.keys({"arrays_by_key"}, sorted_keys);

  std::vector<std::string> small_keys;
  for (auto& [key, n] : o.small_map) small_keys.push_back(key);
  e.keys({"small_map"}, small_keys);
  e.value({"small_map"},
          "{\"a\": 2, \"caf\\u00e9\": 3, \"with/slash\": 4, \"z\": 1, \"\\ud83d\\ude00\": 5}");
  e.keys({"int_keys"}, {"-1", "7", "300"});
  e.value({"int_keys"}, "{\"-1\": \"minus one\", \"7\": \"seven\", \"300\": \"three hundred\"}");

  e.sequence({"words"}, o.words.size());
  for (std::size_t i : {0u, 1u, 2u, 50u, 299u}) e.string(tree_path{"words"} / i, o.words[i]);
  e.string({"escapes"}, o.escapes);
  e.string({"astral"}, o.astral);
}

// --- tables -----------------------------------------------------------------

/// A double as JSON text that json.loads reads back to the same bits.
std::string json_double(double d) {
  if (d != d) return "NaN";
  if (d == inf64 || d == -inf64) return d > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  std::string text = buf;
  if (text.find_first_of(".e") == std::string::npos) text += ".0";  // stays a float: -0.0, 1e16
  return text;
}

template <class T>
std::string json_cell(const std::optional<T>& cell) {
  if (!cell) return "null";
  if constexpr (std::is_same_v<T, bool>) return *cell ? "true" : "false";
  else if constexpr (std::is_same_v<T, double>) return json_double(*cell);
  else if constexpr (std::is_same_v<T, std::string>) return json_string(*cell);
  else return std::to_string(*cell);
}

struct Measurement {
  std::int64_t id = 0;
  double value = 0;
  std::optional<double> error;
  bool valid = false;
  std::string site;
  std::optional<std::int32_t> run;
};

struct Tables {
  zanj::table small;
  zanj::table_of<Measurement> measurements;
};

/// Strings pandas leaves alone (numeric-looking text would be converted).
std::string site_name(std::size_t i) {
  static const char* const sites[] = {"north", "caf\xc3\xa9 \xe2\x98\x95", "emoji \xf0\x9f\x98\x80", "a \"quoted\" \\ slash"};
  return sites[i % 4];
}

/// A small table with every cell type and missing cells, and 300 rows of a struct.
Tables tables_sample(expectation& e) {
  Tables t;
  const std::vector<std::optional<std::int64_t>> counts = {std::numeric_limits<std::int64_t>::min(), -1, 0,
                                                           std::numeric_limits<std::int64_t>::max(), 42};
  // Not 5e-324: pandas.read_json(precise_float=True) refuses subnormals (strtod range error).
  const std::vector<std::optional<double>> reals = {0.1, -0.0, std::nullopt, 1e300, 2.2250738585072014e-308};
  const std::vector<std::optional<double>> specials_col = {inf64, -inf64, nan64, 1e16, 1.0 / 3.0};
  const std::vector<std::optional<bool>> flags = {true, false, true, true, false};
  const std::vector<std::optional<std::string>> words = {"plain", std::nullopt, "caf\xc3\xa9", "\xf0\x9f\x98\x80",
                                                         "tab\tnewline\n"};
  const std::string unicode_name = "temp \xc2\xb0" "C / \xe2\x9d\x84";
  t.small.add_column<std::int64_t>("count", counts)
      .add_column<double>("real", reals)
      .add_column<double>(unicode_name, specials_col)
      .add_column<bool>("flag", flags)
      .add_column<std::string>("word", words);
  std::string rows = "[";
  for (std::size_t r = 0; r < counts.size(); ++r) {
    // A missing float is written NaN (pandas' own missing value), others null.
    rows += (r ? ", [" : "[") + json_cell(counts[r]) + ", " + (reals[r] ? json_double(*reals[r]) : "NaN") + ", " +
            json_cell(specials_col[r]) +
            ", " + json_cell(flags[r]) + ", " + json_cell(words[r]) + "]";
  }
  e.frame({"small"}, {"count", "real", unicode_name, "flag", "word"}, rows + "]");

  rows = "[";
  for (std::size_t i = 0; i < 300; ++i) {
    Measurement m;
    m.id = static_cast<std::int64_t>(i) * 1000003 - 7;
    m.value = static_cast<double>(i) * 0.37 - 50;
    if (i % 4 != 0) m.error = 1.0 / static_cast<double>(i + 1);
    m.valid = i % 3 == 0;
    m.site = site_name(i);
    if (i % 5 != 0) m.run = static_cast<std::int32_t>(i % 17) - 8;
    const std::optional<double> error_cell = m.error ? m.error : std::optional<double>(nan64);
    rows += (i ? ", [" : "[") + std::to_string(m.id) + ", " + json_double(m.value) + ", " + json_cell(error_cell) +
            ", " + (m.valid ? "true" : "false") + ", " + json_string(m.site) + ", " +
            (m.run ? std::to_string(*m.run) : "null") + "]";
    t.measurements.rows.push_back(std::move(m));
  }
  e.frame({"measurements"}, {"id", "value", "error", "valid", "site", "run"}, rows + "]");
  return t;
}

/// A table at the root stays inline (the reference cannot read a root external).
zanj::table root_table_sample(expectation& e) {
  zanj::table t;
  t.add_column<std::string>("name", {"a", std::nullopt, "c"}).add_column<double>("x", {1.5, std::nullopt, -0.0});
  e.frame({}, {"name", "x"}, "[[\"a\", 1.5], [null, NaN], [\"c\", -0.0]]");
  return t;
}

// --- a configured model ------------------------------------------------------

struct SampleConfig {
  int input_dim = 3;
  int hidden_dim = 20;
  int output_dim = 16;
  std::string act = "ReLU";
};

/// A Python ConfiguredModel's file (FORMAT.md §9): parameters small (inline)
/// and large (state_dict/<name>.npy), of two dtypes, and a 0-d buffer.
class SampleMLP : public zanj::configured_model<SampleMLP, SampleConfig> {
 public:
  explicit SampleMLP(const SampleConfig& c)
      : configured_model(c),
        w0({std::size_t(c.hidden_dim), std::size_t(c.input_dim)}),
        b0(std::size_t(c.hidden_dim)),
        w2({std::size_t(c.output_dim), std::size_t(c.hidden_dim)}),
        b2(std::size_t(c.output_dim)),
        steps(zanj::ndarray<std::int64_t>::shape_type{}) {}

  template <class Self, class Visit>
  static void parameters(Self& self, Visit&& visit) {
    visit("net.0.weight", self.w0);
    visit("net.0.bias", self.b0);
    visit("net.2.weight", self.w2);
    visit("net.2.bias", self.b2);
    visit("bn.num_batches_tracked", self.steps, zanj::parameter_kind::buffer);
  }

  zanj::ndarray<float> w0;
  std::vector<float> b0;
  zanj::ndarray<float> w2;  // 320 elements: external
  std::vector<double> b2;
  zanj::ndarray<std::int64_t> steps;
};

SampleMLP model_sample(expectation& e) {
  SampleMLP m(SampleConfig{});
  auto fill = [](auto& target, const auto& values) { std::copy(values.begin(), values.end(), target.begin()); };
  fill(m.w0, pattern<float>(m.w0.size()));
  fill(m.b0, pattern<float>(m.b0.size(), {}));
  fill(m.w2, pattern<float>(m.w2.size()));
  fill(m.b2, pattern<double>(m.b2.size()));
  m.steps.at({}) = std::numeric_limits<std::int64_t>::max();
  m.training_records() = zanj::object{{"loss", zanj::list{2.5, 0.125}}, {"epochs", 2}};

  e.keys({}, {"zanj_model_config", "meta", "training_records", "state_dict", "__muutils_format__"});
  e.value({"__muutils_format__"}, "\"SampleMLP\"");
  e.keys({"zanj_model_config"}, {"__muutils_format__", "input_dim", "hidden_dim", "output_dim", "act"});
  e.value({"zanj_model_config"}, "{\"__muutils_format__\": \"SampleConfig(SerializableDataclass)\", "
                                 "\"input_dim\": 3, \"hidden_dim\": 20, \"output_dim\": 16, \"act\": \"ReLU\"}");
  e.keys({"meta"}, {"class_name", "class_doc", "class_source", "module_name", "module_mro", "num_params", "as_str"});
  e.value({"meta", "class_name"}, "\"SampleMLP\"");
  e.value({"meta", "num_params"}, std::to_string(60 + 20 + 320 + 16));  // trainable: the buffer is not counted
  e.value({"training_records"}, "{\"loss\": [2.5, 0.125], \"epochs\": 2}");
  e.keys({"state_dict"}, {"net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias", "bn.num_batches_tracked"});
  const tree_path sd = {"state_dict"};
  e.array<float>(sd / "net.0.weight", std::span<const float>(m.w0.data(), m.w0.size()), {20, 3}, true);
  e.array<float>(sd / "net.0.bias", std::span<const float>(m.b0), {20}, true);
  e.array<float>(sd / "net.2.weight", std::span<const float>(m.w2.data(), m.w2.size()), {16, 20}, true);
  e.array<double>(sd / "net.2.bias", std::span<const double>(m.b2), {16}, true);
  e.array<std::int64_t>(sd / "bn.num_batches_tracked", std::span<const std::int64_t>(m.steps.data(), 1), {}, true);
  return m;
}

// ---------------------------------------------------------------------------

struct mode_entry {
  zanj::array_mode mode;
  std::string_view tag;
};
constexpr mode_entry all_modes[] = {{zanj::array_mode::array_list_meta, "list_meta"},
                                    {zanj::array_mode::list, "list"},
                                    {zanj::array_mode::array_hex_meta, "hex_meta"},
                                    {zanj::array_mode::array_b64_meta, "b64_meta"}};

/// Large members: a compressible 24 MiB int16 array, which the writer
/// deflates in independent chunks on every core, and 2 MiB of float noise,
/// which it stores even with compression on (deflate would not shrink it by
/// 15%). Python must read both.
zanj::value big_sample(expectation& e) {
  zanj::object root;
  const std::size_t rows = 3072, cols = 4096;
  std::vector<std::int16_t> signal(rows * cols);
  std::uint64_t state = 7;
  for (std::size_t i = 0; i < signal.size(); ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const auto wave = static_cast<int>(1000.0 * std::sin(static_cast<double>(i) * 0.001));
    signal[i] = static_cast<std::int16_t>(wave + static_cast<int>(state >> 62) - 2);
  }
  put_array(root, e, "signal_i16", signal, {rows, cols});
  std::vector<float> noise(512 * 1024);
  for (float& x : noise) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    x = static_cast<float>(static_cast<double>(state >> 11) * 0x1.0p-53 * 2 - 1);
  }
  put_array(root, e, "noise_f32", noise);
  if (e.opts().compress) e.stored_member("noise_f32.npy");
  return root;
}

template <class Build>
int write_sample(const fs::path& folder, const std::string& name, zanj::options opts, Build&& build) {
  const std::string archive = name + ".zanj";
  expectation e(archive, opts);
  auto written = zanj::save(build(e), folder / archive, opts);
  e.write(folder / (name + ".expect.json"));
  std::cout << "wrote " << written.string() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_samples <output folder>\n";
    return 2;
  }
  const fs::path folder = argv[1];
  try {
    // Start clean so stale samples of an older build are never checked.
    fs::remove_all(folder);
    fs::create_directories(folder);
    const Outer outer = make_outer();
    int count = 0;
    for (bool compress : {true, false}) {
      const std::string ztag = compress ? "deflate" : "stored";
      for (const auto& [mode, mtag] : all_modes) {
        zanj::options opts;
        opts.compress = compress;
        opts.internal_array_mode = mode;
        const std::string suffix = "_" + std::string(mtag) + "_" + ztag;
        count += write_sample(folder, "arrays" + suffix, opts, arrays_sample);
        count += write_sample(folder, "structs" + suffix, opts, [&](expectation& e) {
          describe_outer(outer, e);
          return outer;
        });
        count += write_sample(folder, "model" + suffix, opts, model_sample);
      }
      zanj::options empty_opts;
      empty_opts.compress = compress;
      empty_opts.external_array_threshold = 0;
      count += write_sample(folder, "empty_external_" + ztag, empty_opts, empty_external_sample);
      zanj::options table_opts;
      table_opts.compress = compress;
      count += write_sample(folder, "tables_" + ztag, table_opts, tables_sample);
      count += write_sample(folder, "table_root_" + ztag, table_opts, root_table_sample);
      zanj::options big_opts;
      big_opts.compress = compress;
      count += write_sample(folder, "big_" + ztag, big_opts, big_sample);
    }
    std::cout << count << " samples written to " << folder.string() << "\n";
  } catch (const std::exception& ex) {
    std::cerr << "write_samples: " << ex.what() << "\n";
    return 1;
  }
  return 0;
}
