// zanj_traits<T>: the customization point, the C++ analogue of the Python
// `serialization_fn` / `loading_fn` pair.
#pragma once

#include <concepts>
#include <string_view>

#include <zanj/value.hpp>

namespace zanj {

/// Specialize for a type the reflection cannot handle, or to rename a struct:
///
///     template <> struct zanj::zanj_traits<interval> {
///       static constexpr std::string_view name = "Interval";         // optional
///       static auto save(const interval& x) { return std::pair{x.lo(), x.hi()}; }  // any saveable type
///       static interval load(const zanj::value& stored) { ... }      // the whole stored value
///     };
///
/// `save` may return anything zanj can save (a struct, a map, a vector, a
/// zanj::value...); arrays and long lists in it go external by the usual
/// thresholds. `load` receives the stored value with every external member
/// resolved and every array decoded. A specialization with only `save` makes a
/// save-only type, with only `load` a load-only type; `name` alone just renames
/// a reflected struct's "<Name>(SerializableDataclass)" format string.
template <class T>
struct zanj_traits {};

namespace detail {

template <class T>
concept has_traits_save = requires(const T& v) { zanj_traits<T>::save(v); };

template <class T>
concept has_traits_load = requires(const value& stored) {
  { zanj_traits<T>::load(stored) } -> std::convertible_to<T>;
};

template <class T>
concept has_traits_name = requires {
  { zanj_traits<T>::name } -> std::convertible_to<std::string_view>;
};

}  // namespace detail
}  // namespace zanj
