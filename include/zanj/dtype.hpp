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
