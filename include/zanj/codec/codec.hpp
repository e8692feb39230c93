// The handler ("codec") of every C++ type, chosen by family in ONE priority
// order (family_of below). Each family's codec lives in its own header in
// this folder: codec/<family>.hpp.
#pragma once

#include <filesystem>
#include <type_traits>

#include <zanj/concepts.hpp>
#include <zanj/detail/load_context.hpp>
#include <zanj/detail/reflect.hpp>
#include <zanj/detail/save_context.hpp>
#include <zanj/traits.hpp>
#include <zanj/value.hpp>

namespace zanj::detail {

using zanj::family;

/// The family of T: the first that matches, in this order. A type that
/// matches two families can opt out of one with zanj::family_enabled.
template <class T>
consteval family family_of() {
  if constexpr (has_traits_save<T> || has_traits_load<T>) return family::custom;
  else if constexpr (configured_model_like<T>) return family::configured_model;
  else if constexpr (std::same_as<T, value>) return family::dynamic;
  else if constexpr (std::same_as<T, bool>) return family::boolean;
  else if constexpr (std::is_integral_v<T>) return family::integer;
  else if constexpr (std::is_floating_point_v<T> || std::same_as<T, float16> || std::same_as<T, bfloat16>)
    return family::floating;
  else if constexpr (std::is_enum_v<T>) return family::enumeration;
  else if constexpr (string_like<T>) return family::string;
  else if constexpr (std::same_as<T, std::filesystem::path>) return family::filesystem_path;
  else if constexpr (optional_like<T>) return family::optional;
  else if constexpr (dense_matrix_like<T> && family_enabled<T, family::dense_matrix>) return family::dense_matrix;
  else if constexpr (tensor_like<T> && family_enabled<T, family::tensor>) return family::tensor;
  else if constexpr (contiguous_ndarray<T> && family_enabled<T, family::ndarray>) return family::ndarray;
  else if constexpr (table_like<T> && family_enabled<T, family::table>) return family::table;
  else if constexpr (numeric_sequence<T> && family_enabled<T, family::numeric_array>) return family::numeric_array;
  else if constexpr (map_like<T> && family_enabled<T, family::map>) return family::map;
  else if constexpr (set_like<T> && family_enabled<T, family::set>) return family::set;
  else if constexpr (sequence_like<T> && family_enabled<T, family::sequence>) return family::sequence;
  else if constexpr (tuple_like<T> && family_enabled<T, family::tuple>) return family::tuple;
  else if constexpr (reflectable_aggregate<T> && family_enabled<T, family::aggregate>) return family::aggregate;
  else return family::none;
}

/// codec<T> has `static value save(const T&, save_context&)` and
/// `static void load(const value&, load_context&, T&)` (either may be absent
/// for save-only or load-only types). The primary template has neither, so
/// saveable<T> and loadable<T> below are plain concepts; save_value and
/// load_value (dispatch.hpp) turn a missing handler into one readable error
/// (codec/diagnostics.hpp).
template <class T, family F = family_of<T>()>
struct codec {};

template <class T>
concept saveable = requires(const T& v, save_context& ctx) { codec<T>::save(v, ctx); };
template <class T>
concept loadable = requires(const value& node, load_context& ctx, T& out) { codec<T>::load(node, ctx, out); };

/// Saves one value at the current path, applying the error mode.
template <class T>
value save_value(const T& v, save_context& ctx);

/// Loads one value at the current path into `out`.
template <class T>
void load_value(const value& node, load_context& ctx, T& out);

/// Loads a new T at the current path; T need not be default-constructible
/// when its zanj_traits has a load.
template <class T>
T load_new(const value& node, load_context& ctx);

}  // namespace zanj::detail
