// Elements of arrays: typed access to raw bytes by dtype, and the exact
// conversions between element types and JSON scalars.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include <zanj/dtype.hpp>
#include <zanj/half.hpp>
#include <zanj/value.hpp>

namespace zanj::detail {

template <class E>
E load_unaligned(const std::byte* p) noexcept {
  E e;
  std::memcpy(&e, p, sizeof(E));
  return e;
}

/// One element as a JSON value: ints exact, floats widened to double.
inline value element_to_value(dtype t, const std::byte* p) {
  switch (t) {
    case dtype::bool_: return value(*p != std::byte{0});
    case dtype::int8: return value(load_unaligned<std::int8_t>(p));
    case dtype::int16: return value(load_unaligned<std::int16_t>(p));
    case dtype::int32: return value(load_unaligned<std::int32_t>(p));
    case dtype::int64: return value(load_unaligned<std::int64_t>(p));
    case dtype::uint8: return value(load_unaligned<std::uint8_t>(p));
    case dtype::uint16: return value(load_unaligned<std::uint16_t>(p));
    case dtype::uint32: return value(load_unaligned<std::uint32_t>(p));
    case dtype::uint64: return value(load_unaligned<std::uint64_t>(p));
    case dtype::float16: return value(static_cast<double>(static_cast<float>(load_unaligned<float16>(p))));
    case dtype::bfloat16: return value(static_cast<double>(static_cast<float>(load_unaligned<bfloat16>(p))));
    case dtype::float32: return value(static_cast<double>(load_unaligned<float>(p)));
    case dtype::float64: return value(load_unaligned<double>(p));
    case dtype::complex64: {
      auto c = load_unaligned<std::complex<float>>(p);
      return list{value(static_cast<double>(c.real())), value(static_cast<double>(c.imag()))};
    }
    case dtype::complex128: {
      auto c = load_unaligned<std::complex<double>>(p);
      return list{value(c.real()), value(c.imag())};
    }
  }
  return {};
}

/// Converts a scalar of one arithmetic type to another, refusing any change
/// of value except float rounding: integers must be in range, floats may not
/// become integers, bools stay bools.
/// Whether integer `from` is representable in integer type To (any width or
/// signedness, char types included, which std::in_range refuses).
template <class To, class From>
constexpr bool fits_integer(From from) noexcept {
  if constexpr (std::is_signed_v<From>) {
    if (from < 0) return std::is_signed_v<To> && static_cast<std::int64_t>(from) >= static_cast<std::int64_t>(std::numeric_limits<To>::min());
    return static_cast<std::uint64_t>(from) <= static_cast<std::uint64_t>(std::numeric_limits<To>::max());
  } else {
    return static_cast<std::uint64_t>(from) <= static_cast<std::uint64_t>(std::numeric_limits<To>::max());
  }
}

template <class To, class From>
bool convert_scalar(From from, To& to) {
  if constexpr (std::is_same_v<To, bool> || std::is_same_v<From, bool>) {
    if constexpr (std::is_same_v<To, From>) {
      to = from;
      return true;
    } else {
      return false;
    }
  } else if constexpr (std::is_integral_v<To>) {
    if constexpr (std::is_integral_v<From>) {
      if (!fits_integer<To>(from)) return false;
      to = static_cast<To>(from);
      return true;
    } else {
      return false;
    }
  } else if constexpr (std::is_same_v<To, float16> || std::is_same_v<To, bfloat16>) {
    float f;
    if (!convert_scalar(from, f)) return false;
    to = To(f);
    return true;
  } else if constexpr (std::is_same_v<From, float16> || std::is_same_v<From, bfloat16>) {
    return convert_scalar(static_cast<float>(from), to);
  } else if constexpr (std::is_floating_point_v<To>) {
    if constexpr (std::is_arithmetic_v<From>) {
      to = static_cast<To>(from);
      return true;
    } else {
      return false;
    }
  } else {  // std::complex<...>
    if constexpr (std::is_arithmetic_v<From>) {
      to = To(static_cast<typename To::value_type>(from));
      return true;
    } else {
      to = To(static_cast<typename To::value_type>(from.real()), static_cast<typename To::value_type>(from.imag()));
      return true;
    }
  }
}

/// Calls f with a typed zero value of the dtype's C++ element type.
template <class F>
decltype(auto) visit_dtype(dtype t, F&& f) {
  switch (t) {
    case dtype::bool_: return f(bool{});
    case dtype::int8: return f(std::int8_t{});
    case dtype::int16: return f(std::int16_t{});
    case dtype::int32: return f(std::int32_t{});
    case dtype::int64: return f(std::int64_t{});
    case dtype::uint8: return f(std::uint8_t{});
    case dtype::uint16: return f(std::uint16_t{});
    case dtype::uint32: return f(std::uint32_t{});
    case dtype::uint64: return f(std::uint64_t{});
    case dtype::float16: return f(float16{});
    case dtype::bfloat16: return f(bfloat16{});
    case dtype::float32: return f(float{});
    case dtype::float64: return f(double{});
    case dtype::complex64: return f(std::complex<float>{});
    case dtype::complex128: return f(std::complex<double>{});
  }
  return f(double{});
}

/// Converts every element of `a` into `out` (which has a.size() slots).
/// Returns false if some element does not fit E.
template <class E>
bool convert_elements(const array_value& a, E* out) {
  if constexpr (std::is_same_v<E, bool>) {
    // A stored bool byte may be any non-zero value; a C++ bool must be 0 or 1.
    if (a.type != dtype::bool_) return false;
    for (std::size_t i = 0; i < a.bytes.size(); ++i) out[i] = a.bytes[i] != std::byte{0};
    return true;
  }
  if (a.type == dtype_v<E>) {
    if (!a.bytes.empty()) std::memcpy(out, a.bytes.data(), a.bytes.size());
    return true;
  }
  return visit_dtype(a.type, [&](auto zero) {
    using From = decltype(zero);
    const std::size_t n = a.size();
    for (std::size_t i = 0; i < n; ++i) {
      From f;
      std::memcpy(&f, a.bytes.data() + i * sizeof(From), sizeof(From));
      if (!convert_scalar(f, out[i])) return false;
    }
    return true;
  });
}

/// Writes one JSON scalar as an element of dtype `t` at `p`.
inline bool store_element(dtype t, const value& v, std::byte* p) {
  return visit_dtype(t, [&](auto zero) {
    using E = decltype(zero);
    E e{};
    bool ok = false;
    if constexpr (std::is_same_v<E, std::complex<float>> || std::is_same_v<E, std::complex<double>>) {
      using R = typename E::value_type;
      auto* items = v.items();
      if (items && items->size() == 2 && (*items)[0].is_number() && (*items)[1].is_number()) {
        auto part = [](const value& x) {
          return x.is_float() ? x.as_double()
                              : (x.kind() == kind::int64 ? double(x.as_int64()) : double(x.as_uint64()));
        };
        e = E(static_cast<R>(part((*items)[0])), static_cast<R>(part((*items)[1])));
        ok = true;
      } else if (v.is_float()) {
        ok = convert_scalar(v.as_double(), e);
      }
    } else if (v.is_bool()) {
      ok = convert_scalar(v.as_bool(), e);
    } else if (v.kind() == kind::int64) {
      ok = convert_scalar(v.as_int64(), e);
    } else if (v.kind() == kind::uint64) {
      ok = convert_scalar(v.as_uint64(), e);
    } else if (v.is_float()) {
      ok = convert_scalar(v.as_double(), e);
    }
    if (ok) std::memcpy(p, &e, sizeof(E));
    return ok;
  });
}

}  // namespace zanj::detail
