// Compile-time diagnostics: saving or reading a type that has no handler (or
// only half of one) fails with ONE static_assert that names the type and says
// what to write. A static_assert message must be a string literal, so the
// type is named by the template the assertion sits in: g++ prints
// "In instantiation of 'struct zanj::type_has_no_zanj_handler<my::widget>'"
// as the first line, clang "static_assert failed due to requirement
// 'zanj::has_zanj_handler<my::widget>'" as the error line itself.
// tests/compile_fail/ checks the messages with both compilers.
#pragma once

#include <zanj/codec/codec.hpp>

namespace zanj {

/// Whether some handler (a zanj_traits specialization, a reflected struct, a
/// library type family) saves or reads T.
template <class T>
inline constexpr bool has_zanj_handler = detail::family_of<T>() != family::none;

/// Whether zanj can save a T, and read one back.
template <class T>
inline constexpr bool can_save = detail::saveable<T>;
template <class T>
inline constexpr bool can_read = detail::loadable<T> || requires(const value& node, detail::load_context& ctx) {
  detail::codec<T>::make(node, ctx);
};

template <class T>
struct type_has_no_zanj_handler {
  static_assert(has_zanj_handler<T>,
                "zanj: no handler saves or reads this type. Make it a plain aggregate struct (public "
                "fields, no constructors, no base classes) or specialize zanj::zanj_traits for it: "
                "`template <> struct zanj::zanj_traits<T> { static auto save(const T& v); /* returns anything zanj "
                "saves: a struct, a map, zanj::value */ static T load(const zanj::value& stored); /* the whole "
                "stored value */ };` (either function may be left out for a save-only or load-only type)");
};

template <class T>
struct zanj_traits_has_no_save {
  static_assert(can_save<T>,
                "zanj: this type is load-only: its zanj::zanj_traits<T> has a load but no save. To save it, add "
                "`static auto save(const T& v);` returning anything zanj saves (a struct, a map, zanj::value)");
};

template <class T>
struct zanj_traits_has_no_load {
  static_assert(can_read<T>,
                "zanj: this type is save-only: its zanj::zanj_traits<T> has a save but no load. To read it, add "
                "`static T load(const zanj::value& stored);` (it receives the whole stored value, externals "
                "resolved)");
};

template <class T>
struct eigen_type_needs_zanj_ext_eigen {
  static_assert(can_save<T>,
                "zanj: Eigen types are saved and read by <zanj/ext/eigen.hpp>: #include it (an Eigen expression "
                "such as `a + b` must be evaluated first: save `(a + b).eval()`)");
};

template <class T>
struct torch_tensor_needs_zanj_ext_torch {
  static_assert(can_save<T>, "zanj: torch tensors are saved and read by <zanj/ext/torch.hpp>: #include it");
};

template <class T>
struct type_can_be_saved_but_not_read {
  static_assert(can_read<T>,
                "zanj: this type can be saved but not read into: it views data it does not own (std::string_view, "
                "const char*, std::span, a read-only Eigen::Map). Read into an owning type: std::string, "
                "std::vector, Eigen::Matrix");
};

template <class T>
struct type_can_be_read_but_not_saved {
  static_assert(can_save<T>, "zanj: the handler of this type reads it but cannot save it");
};

namespace detail {

/// Instantiates the one diagnostic that explains why T cannot be saved.
template <class T>
void diagnose_not_saveable() {
  if constexpr (family_of<T>() == family::none)
    (void)type_has_no_zanj_handler<T>{};
  else if constexpr (family_of<T>() == family::dense_matrix)
    (void)eigen_type_needs_zanj_ext_eigen<T>{};
  else if constexpr (family_of<T>() == family::tensor)
    (void)torch_tensor_needs_zanj_ext_torch<T>{};
  else if constexpr (family_of<T>() == family::custom)
    (void)zanj_traits_has_no_save<T>{};
  else
    (void)type_can_be_read_but_not_saved<T>{};
}

/// Instantiates the one diagnostic that explains why T cannot be read.
template <class T>
void diagnose_not_readable() {
  if constexpr (family_of<T>() == family::none)
    (void)type_has_no_zanj_handler<T>{};
  else if constexpr (family_of<T>() == family::dense_matrix && !saveable<T>)
    (void)eigen_type_needs_zanj_ext_eigen<T>{};
  else if constexpr (family_of<T>() == family::tensor && !saveable<T>)
    (void)torch_tensor_needs_zanj_ext_torch<T>{};
  else if constexpr (family_of<T>() == family::custom)
    (void)zanj_traits_has_no_load<T>{};
  else
    (void)type_can_be_saved_but_not_read<T>{};
}

}  // namespace detail
}  // namespace zanj
