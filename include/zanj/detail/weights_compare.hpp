// Element-exact comparison of model parameters (zanj::first_weight_difference
// in zanj/model.hpp). Each parameter is taken as it is saved -- its dtype,
// its shape, its elements in C order -- so any parameter type the codecs
// save compares the same way: Eigen matrices of either storage order,
// n-d arrays, vectors.
#pragma once

#include <bit>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <zanj/codec/dispatch.hpp>
#include <zanj/detail/array_decode.hpp>
#include <zanj/detail/array_elements.hpp>
#include <zanj/json.hpp>
#include <zanj/options.hpp>
#include <zanj/value.hpp>

namespace zanj::detail {

/// A parameter's dtype, shape and elements in C order, exactly (saved as hex
/// of its bytes and decoded again: every bit, NaN payloads included).
template <class P>
array_value parameter_elements(const P& p) {
  options opts;
  opts.external_array_threshold = std::numeric_limits<std::size_t>::max();
  opts.internal_array_mode = array_mode::array_hex_meta;
  save_context saving(opts, {});
  const value saved = save_value(p, saving);
  load_context loading(nullptr, {}, opts);
  return decode_array(saved, loading);
}

/// Equal as "exact" means: NaN equals NaN, -0.0 differs from 0.0, and any
/// other two floats are equal only when they are the same number.
inline bool same_float(double a, double b) noexcept {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

template <class E>
bool same_element_as(const std::byte* a, const std::byte* b) noexcept {
  const E x = load_unaligned<E>(a), y = load_unaligned<E>(b);
  if constexpr (std::is_same_v<E, std::complex<float>> || std::is_same_v<E, std::complex<double>>)
    return same_float(double(x.real()), double(y.real())) && same_float(double(x.imag()), double(y.imag()));
  else if constexpr (std::is_same_v<E, float16> || std::is_same_v<E, bfloat16>)
    return same_float(double(static_cast<float>(x)), double(static_cast<float>(y)));
  else if constexpr (std::is_floating_point_v<E>)
    return same_float(double(x), double(y));
  else
    return x == y;
}

/// The flat C-order index of the first element in which two arrays of the
/// same dtype and element count differ.
inline std::optional<std::size_t> first_different_element(const array_value& a, const array_value& b) {
  const std::size_t item = itemsize(a.type), n = a.size();
  return visit_dtype(a.type, [&](auto zero) -> std::optional<std::size_t> {
    using E = decltype(zero);
    for (std::size_t i = 0; i < n; ++i)
      if (!same_element_as<E>(a.bytes.data() + i * item, b.bytes.data() + i * item)) return i;
    return std::nullopt;
  });
}

/// The position of flat index i in `shape`, C order.
inline std::vector<std::size_t> unflatten(std::size_t i, const std::vector<std::size_t>& shape) {
  std::vector<std::size_t> index(shape.size());
  for (std::size_t axis = shape.size(); axis-- > 0;) {
    index[axis] = shape[axis] ? i % shape[axis] : 0;
    i = shape[axis] ? i / shape[axis] : 0;
  }
  return index;
}

/// One element as Python prints it: 0.5, -0.0, NaN, 7, true, [1.0, -2.0].
inline std::string element_text(const array_value& a, std::size_t i) {
  return json::to_string(element_to_value(a.type, a.bytes.data() + i * itemsize(a.type)), json::style::compact);
}

}  // namespace zanj::detail
