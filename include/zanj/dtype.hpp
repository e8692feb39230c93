// Element types of arrays, with their numpy names and npy descriptors.
#pragma once

#include <bit>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <zanj/half.hpp>

namespace zanj {

/// Element type of an array. Names follow numpy's `str(dtype)`.
enum class dtype : std::uint8_t {
  bool_,
  int8,
  int16,
  int32,
  int64,
  uint8,
  uint16,
  uint32,
  uint64,
  float16,
  bfloat16,  // not a numpy dtype: stored as '<u2' in .npy, named in the JSON
  float32,
  float64,
  complex64,
  complex128,
};

/// Bytes per element.
constexpr std::size_t itemsize(dtype t) noexcept {
  switch (t) {
    case dtype::bool_:
    case dtype::int8:
    case dtype::uint8: return 1;
    case dtype::int16:
    case dtype::uint16:
    case dtype::float16:
    case dtype::bfloat16: return 2;
    case dtype::int32:
    case dtype::uint32:
    case dtype::float32: return 4;
    case dtype::int64:
    case dtype::uint64:
    case dtype::float64:
    case dtype::complex64: return 8;
    case dtype::complex128: return 16;
  }
  return 0;
}

/// numpy's name of the type (`"float32"`), as written in a JSON array object.
constexpr std::string_view numpy_name(dtype t) noexcept {
  switch (t) {
    case dtype::bool_: return "bool";
    case dtype::int8: return "int8";
    case dtype::int16: return "int16";
    case dtype::int32: return "int32";
    case dtype::int64: return "int64";
    case dtype::uint8: return "uint8";
    case dtype::uint16: return "uint16";
    case dtype::uint32: return "uint32";
    case dtype::uint64: return "uint64";
    case dtype::float16: return "float16";
    case dtype::bfloat16: return "bfloat16";
    case dtype::float32: return "float32";
    case dtype::float64: return "float64";
    case dtype::complex64: return "complex64";
    case dtype::complex128: return "complex128";
  }
  return "";
}

constexpr bool is_integer(dtype t) noexcept {
  return t >= dtype::int8 && t <= dtype::uint64;
}
constexpr bool is_signed_integer(dtype t) noexcept {
  return t >= dtype::int8 && t <= dtype::int64;
}
constexpr bool is_floating(dtype t) noexcept {
  return t >= dtype::float16 && t <= dtype::float64;
}
constexpr bool is_complex(dtype t) noexcept {
  return t == dtype::complex64 || t == dtype::complex128;
}

/// A dtype together with the byte order of its stored bytes.
struct dtype_spec {
  zanj::dtype type{};
  std::endian order = std::endian::little;

  friend bool operator==(const dtype_spec&, const dtype_spec&) = default;
};

/// Parses every dtype string the reference writes: numpy names (`"float32"`),
/// torch names (`"torch.float32"`), and npy descriptors with byte order
/// (`"<f4"`, `">i4"`, `"|b1"`). Unknown strings give nullopt.
inline std::optional<dtype_spec> parse_dtype(std::string_view text) noexcept;

/// The npy `descr` of a type in the given byte order (`"<f4"`, `"|b1"`).
/// bfloat16 is stored as `'<u2'` (numpy has no bfloat16).
inline std::string npy_descr(dtype t, std::endian order = std::endian::little);

namespace detail {
template <class T>
constexpr std::optional<dtype> dtype_of_impl() {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<U, bool>) return dtype::bool_;
  else if constexpr (std::is_same_v<U, float16>) return dtype::float16;
  else if constexpr (std::is_same_v<U, bfloat16>) return dtype::bfloat16;
  else if constexpr (std::is_same_v<U, float>) return dtype::float32;
  else if constexpr (std::is_same_v<U, double>) return dtype::float64;
  else if constexpr (std::is_same_v<U, std::complex<float>>) return dtype::complex64;
  else if constexpr (std::is_same_v<U, std::complex<double>>) return dtype::complex128;
  else if constexpr (std::is_integral_v<U>) {
    constexpr bool s = std::is_signed_v<U>;
    switch (sizeof(U)) {
      case 1: return s ? dtype::int8 : dtype::uint8;
      case 2: return s ? dtype::int16 : dtype::uint16;
      case 4: return s ? dtype::int32 : dtype::uint32;
      case 8: return s ? dtype::int64 : dtype::uint64;
      default: return std::nullopt;
    }
  } else
    return std::nullopt;
}
}  // namespace detail

/// True for C++ types that are array elements (arithmetic, float16,
/// bfloat16, std::complex<float|double>).
template <class T>
concept array_element = detail::dtype_of_impl<T>().has_value();

/// The dtype of an array element type.
template <array_element T>
inline constexpr dtype dtype_v = *detail::dtype_of_impl<T>();

}  // namespace zanj

// ---------------------------------------------------------------------------
// Parsing and formatting of dtype strings.

namespace zanj {
namespace detail {

struct dtype_name {
  std::string_view name;
  dtype type;
};

// Every name the reference writes or its torch reader accepts (FORMAT.md
// §5.3), plus torch's aliases (`torch.float`, `torch.long`, ...) so that any
// `str(torch.dtype)` is understood.
inline constexpr dtype_name dtype_names[] = {
    {"bool", dtype::bool_},
    {"bool_", dtype::bool_},
    {"int8", dtype::int8},
    {"int16", dtype::int16},
    {"int32", dtype::int32},
    {"int64", dtype::int64},
    {"longlong", dtype::int64},
    {"uint8", dtype::uint8},
    {"uint16", dtype::uint16},
    {"uint32", dtype::uint32},
    {"uint64", dtype::uint64},
    {"float16", dtype::float16},
    {"bfloat16", dtype::bfloat16},
    {"float32", dtype::float32},
    {"float64", dtype::float64},
    {"complex64", dtype::complex64},
    {"complex128", dtype::complex128},
    {"torch.bool", dtype::bool_},
    {"torch.int8", dtype::int8},
    {"torch.int16", dtype::int16},
    {"torch.short", dtype::int16},
    {"torch.int32", dtype::int32},
    {"torch.int", dtype::int32},
    {"torch.int64", dtype::int64},
    {"torch.long", dtype::int64},
    {"torch.uint8", dtype::uint8},
    {"torch.uint16", dtype::uint16},
    {"torch.uint32", dtype::uint32},
    {"torch.uint64", dtype::uint64},
    {"torch.float16", dtype::float16},
    {"torch.half", dtype::float16},
    {"torch.bfloat16", dtype::bfloat16},
    {"torch.float32", dtype::float32},
    {"torch.float", dtype::float32},
    {"torch.float64", dtype::float64},
    {"torch.double", dtype::float64},
    {"torch.complex64", dtype::complex64},
    {"torch.cfloat", dtype::complex64},
    {"torch.complex128", dtype::complex128},
    {"torch.cdouble", dtype::complex128},
    // str() of Python's builtin types, which numpy maps to these dtypes.
    {"<class 'bool'>", dtype::bool_},
    {"<class 'int'>", dtype::int64},
    {"<class 'float'>", dtype::float64},
    {"<class 'complex'>", dtype::complex128},
};

inline std::optional<dtype> dtype_from_name(std::string_view text) noexcept {
  // str() of a numpy scalar type: "<class 'numpy.float32'>".
  constexpr std::string_view class_prefix = "<class 'numpy.", class_suffix = "'>";
  if (text.starts_with(class_prefix) && text.ends_with(class_suffix) &&
      text.size() > class_prefix.size() + class_suffix.size()) {
    auto inner = text.substr(class_prefix.size(), text.size() - class_prefix.size() - class_suffix.size());
    if (inner.starts_with("torch.") || inner.starts_with("<")) return std::nullopt;
    return dtype_from_name(inner);
  }
  for (const auto& entry : dtype_names)
    if (entry.name == text) return entry.type;
  return std::nullopt;
}

// An npy descr: optional byte order (`<`, `>`, `|`, `=`), a kind letter and
// the item size in bytes ("<f4", "|b1", "i8"). Anything else (strings,
// objects, datetimes, long double, structured types) gives nullopt.
inline std::optional<dtype_spec> dtype_from_descr(std::string_view text) noexcept {
  std::endian order = std::endian::little;
  if (!text.empty() && (text[0] == '<' || text[0] == '>' || text[0] == '|' || text[0] == '=')) {
    // '|' and '=' name the writer's native order; every writer of these
    // files (numpy, torch on x86/ARM) is little-endian.
    if (text[0] == '>') order = std::endian::big;
    text.remove_prefix(1);
  }
  if (text == "?") return dtype_spec{dtype::bool_, std::endian::little};
  if (text.size() < 2) return std::nullopt;
  const char kind = text[0];
  const std::string_view size = text.substr(1);
  std::optional<dtype> type;
  switch (kind) {
    case 'b':
      if (size == "1") type = dtype::bool_;
      break;
    case 'i':
      if (size == "1") type = dtype::int8;
      else if (size == "2") type = dtype::int16;
      else if (size == "4") type = dtype::int32;
      else if (size == "8") type = dtype::int64;
      break;
    case 'u':
      if (size == "1") type = dtype::uint8;
      else if (size == "2") type = dtype::uint16;
      else if (size == "4") type = dtype::uint32;
      else if (size == "8") type = dtype::uint64;
      break;
    case 'f':
      if (size == "2") type = dtype::float16;
      else if (size == "4") type = dtype::float32;
      else if (size == "8") type = dtype::float64;
      break;
    case 'c':
      if (size == "8") type = dtype::complex64;
      else if (size == "16") type = dtype::complex128;
      break;
    default: break;
  }
  if (!type) return std::nullopt;
  // Byte order is meaningless for one-byte items; normalise it so that
  // "|u1", "<u1" and ">u1" compare equal.
  if (itemsize(*type) == 1) order = std::endian::little;
  return dtype_spec{*type, order};
}

}  // namespace detail

inline std::optional<dtype_spec> parse_dtype(std::string_view text) noexcept {
  if (auto type = detail::dtype_from_name(text)) return dtype_spec{*type, std::endian::little};
  return detail::dtype_from_descr(text);
}

inline std::string npy_descr(dtype t, std::endian order) {
  char kind = 'u';
  switch (t) {
    case dtype::bool_: kind = 'b'; break;
    case dtype::int8:
    case dtype::int16:
    case dtype::int32:
    case dtype::int64: kind = 'i'; break;
    case dtype::uint8:
    case dtype::uint16:
    case dtype::uint32:
    case dtype::uint64:
    case dtype::bfloat16: kind = 'u'; break;  // numpy has no bfloat16: raw bits
    case dtype::float16:
    case dtype::float32:
    case dtype::float64: kind = 'f'; break;
    case dtype::complex64:
    case dtype::complex128: kind = 'c'; break;
  }
  const std::size_t size = itemsize(t);
  std::string descr;
  descr += size == 1 ? '|' : order == std::endian::big ? '>' : '<';
  descr += kind;
  descr += std::to_string(size);
  return descr;
}

}  // namespace zanj
