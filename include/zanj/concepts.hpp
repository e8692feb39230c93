// Structural concepts: which family of handler a C++ type belongs to.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <zanj/dtype.hpp>
#include <zanj/half.hpp>

namespace zanj {

namespace detail {
template <class T, template <class...> class Template>
inline constexpr bool is_specialization_v = false;
template <template <class...> class Template, class... Args>
inline constexpr bool is_specialization_v<Template<Args...>, Template> = true;

template <class T>
inline constexpr bool is_std_array_v = false;
template <class E, std::size_t N>
inline constexpr bool is_std_array_v<std::array<E, N>> = true;

template <class T>
inline constexpr bool is_std_span_v = false;
template <class E, std::size_t N>
inline constexpr bool is_std_span_v<std::span<E, N>> = true;
}  // namespace detail

/// The families of types, each with one handler in include/zanj/codec/
/// (Eigen's and torch's in include/zanj/ext/). detail::family_of gives the order
/// in which they are tried.
enum class family {
  custom,           // zanj_traits<T> with save and/or load   -> codec/custom.hpp
  configured_model, // a model built from its config          -> codec/model.hpp
  dynamic,          // zanj::value                            -> codec/dynamic.hpp
  boolean,          // bool                                   -> codec/scalar.hpp
  integer,          // every integer width                    -> codec/scalar.hpp
  floating,         // float, double, float16, bfloat16       -> codec/scalar.hpp
  enumeration,      // enums, as their underlying integer     -> codec/scalar.hpp
  string,           // std::string (+ save-only views)        -> codec/string.hpp
  filesystem_path,  // std::filesystem::path                  -> codec/string.hpp
  optional,         // std::optional                          -> codec/optional.hpp
  dense_matrix,     // Eigen matrices, arrays, maps, blocks   -> ext/eigen.hpp
  tensor,           // torch::Tensor                          -> ext/torch.hpp
  ndarray,          // n-d arrays with a run-time shape       -> codec/ndarray.hpp
  table,            // tables of named columns                -> codec/table.hpp
  numeric_array,    // vector/array/span of numbers           -> codec/numeric_array.hpp
  map,              // map-like with string/integer keys      -> codec/map.hpp
  set,              // set-like                               -> codec/set.hpp
  sequence,         // other sequences                        -> codec/sequence.hpp
  tuple,            // std::pair, std::tuple                  -> codec/tuple.hpp
  aggregate,        // plain structs, by reflection           -> codec/aggregate.hpp
  none,
};

/// Specialize to false to keep a type out of a family it would otherwise
/// match (a container type that also looks like a table, say):
///
///     template <> inline constexpr bool zanj::family_enabled<my_grid, zanj::family::sequence> = false;
template <class T, family F>
inline constexpr bool family_enabled = true;

/// A dense matrix with compile-time and run-time dimensions and contiguous
/// storage, as Eigen's Matrix, Array, Map and Block of those are.
template <class T>
concept dense_matrix_like = requires(const T& m) {
  typename T::Scalar;
  T::RowsAtCompileTime;
  T::ColsAtCompileTime;
  T::IsRowMajor;
  { m.rows() } -> std::convertible_to<std::ptrdiff_t>;
  { m.cols() } -> std::convertible_to<std::ptrdiff_t>;
  m.data();
};

/// A tensor whose element type, shape and device are known at run time only,
/// as torch::Tensor is.
template <class T>
concept tensor_like = requires(const T& t) {
  t.scalar_type();
  { t.sizes() } -> std::ranges::range;
  { t.numel() } -> std::convertible_to<std::int64_t>;
  t.is_contiguous();
  t.data_ptr();
  t.device();
};

/// An n-d array whose rank and shape are known at run time, with contiguous
/// C-order storage: `shape()`, `data()`, `size()` and an array element type.
template <class T>
concept contiguous_ndarray = requires(const T& a) {
  typename T::value_type;
  { a.shape() } -> std::ranges::range;
  a.data();
  { a.size() } -> std::convertible_to<std::size_t>;
} && array_element<typename T::value_type> && !dense_matrix_like<T> && !requires { typename T::allocator_type; };

/// A table of named columns (the C++ side of a pandas DataFrame).
template <class T>
concept table_like = requires(const T& t) {
  { t.column_names() } -> std::ranges::range;
  { t.row_count() } -> std::convertible_to<std::size_t>;
};

/// Text: std::string, and for saving only std::string_view and C strings.
template <class T>
concept string_like = std::same_as<T, std::string> || std::same_as<T, std::string_view> ||
                      std::same_as<T, const char*> || std::same_as<T, char*>;

/// A contiguous sequence of array elements, saved as an n-d array (.npy when
/// large): std::vector<E>, std::array<E, N>, std::span<E>, with E a number,
/// bool, float16/bfloat16 or std::complex.
template <class T>
concept numeric_sequence =
    (detail::is_specialization_v<T, std::vector> || detail::is_std_array_v<T> || detail::is_std_span_v<T>) &&
    array_element<std::ranges::range_value_t<T>>;

/// A dictionary: saved as a JSON object with keys converted to strings.
template <class T>
concept map_like = std::ranges::range<T> && requires {
  typename T::key_type;
  typename T::mapped_type;
} && (std::same_as<typename T::key_type, std::string> || std::is_integral_v<typename T::key_type> ||
      std::is_enum_v<typename T::key_type>);

/// A set: saved as {"__muutils_format__": "set", "data": [...]}, as muutils 0.9 does.
template <class T>
concept set_like = std::ranges::range<T> && requires { typename T::key_type; } && !requires {
  typename T::mapped_type;
} && requires(T& s, typename T::value_type v) { s.insert(v); };

/// Any other sequence: saved as a JSON list (a .jsonl member when long).
template <class T>
concept sequence_like = std::ranges::range<T> && !string_like<T> && !requires { typename T::key_type; } &&
                        (detail::is_std_array_v<T> || requires(T& c, std::ranges::range_value_t<T> v) {
                          c.push_back(v);
                          c.clear();
                        });

/// std::pair and std::tuple: saved as JSON lists.
template <class T>
concept tuple_like = detail::is_specialization_v<T, std::tuple> || detail::is_specialization_v<T, std::pair>;

/// What a model parameter is (zanj/model.hpp), as torch tells them apart: a
/// trainable parameter, a parameter with requires_grad = False, or a buffer
/// (running_mean, num_batches_tracked). All are saved in the state_dict;
/// num_params counts trainable ones, or all parameters, never buffers.
enum class parameter_kind { trainable, frozen, buffer };

namespace detail {
/// Stands for any parameter visitor in configured_model_like below; a model
/// calls it with or without a parameter_kind.
struct parameter_probe {
  template <class P>
  void operator()(std::string_view, P&, parameter_kind = parameter_kind::trainable) const noexcept {}
};
}  // namespace detail

/// A model rebuilt from its config alone, with parameters visited by dotted
/// name and training records: saved as a Python ConfiguredModel (zanj/model.hpp).
template <class T>
concept configured_model_like = requires(T& m, const T& cm) {
  typename T::config_type;
  { cm.config() } -> std::convertible_to<const typename T::config_type&>;
  m.training_records();
  cm.training_records();
  m.for_each_parameter(detail::parameter_probe{});
  cm.for_each_parameter(detail::parameter_probe{});
} && std::constructible_from<T, const typename T::config_type&>;

/// std::optional: null when empty.
template <class T>
concept optional_like = detail::is_specialization_v<T, std::optional>;

}  // namespace zanj
