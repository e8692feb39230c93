// Compile-time reflection of plain aggregates: field count, field names, the
// unqualified type name, and a visitor over fields.
//
// Boost.PFR gives us the fields; Boost 1.81's PFR has no field names (those
// arrived in 1.84 as boost::pfr::names_as_array), so below 1.84 we recover
// them from __PRETTY_FUNCTION__: a function template instantiated on a
// pointer to the I-th member of a never-constructed object has the member's
// name spelled out in its signature.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/pfr.hpp>
#include <boost/version.hpp>

#if BOOST_VERSION >= 108400
#include <boost/pfr/core_name.hpp>
#endif

#if !BOOST_PFR_USE_CPP17
#error "zanj: the field-name extraction needs Boost.PFR's C++17 core (BOOST_PFR_USE_CPP17=1)"
#endif

namespace zanj::detail {

/// What Boost.PFR can reflect: class aggregates (not unions, arrays or
/// tuple-like types such as std::array, which structured bindings would
/// decompose through get<> rather than by member).
template <class T>
concept reflectable_aggregate = std::is_aggregate_v<T> && std::is_class_v<T> && !std::is_union_v<T> &&
                                !requires { std::tuple_size<T>::value; };

template <reflectable_aggregate T>
inline constexpr std::size_t field_count = boost::pfr::tuple_size_v<T>;

namespace reflect_impl {

// Storage with room for a T that never constructs one: only addresses of its
// members are taken, inside constant evaluation. It must be *defined* (not the
// usual `extern const T`), because types in an anonymous namespace or local to
// a function have no linkage, and an odr-used variable of such a type has to
// be defined in the translation unit.
template <class T>
union storage {
  char none;
  T value;
  constexpr storage() : none{} {}
  constexpr ~storage() {}  // never destroys `value`, so T's destructor doesn't matter
};

#if defined(__clang__)
// clang 14 deems the union non-literal when T is, so it refuses constexpr; a
// const object with constant initialisation and destruction is not emitted.
template <class T>
inline const storage<T> fake_object{};
#else
// g++ 12 emits a merely const object (and registers its destructor);
// constexpr keeps it out of the binary.
template <class T>
inline constexpr storage<T> fake_object{};
#endif

// Class-type template argument: both compilers accept a pointer to a
// subobject here, and print it as an access path ending in the member's name.
template <class M>
struct member_address {
  const M* pointer;
};

template <class T, std::size_t I>
consteval auto address_of_field() {
  auto refs = boost::pfr::detail::tie_as_tuple(fake_object<T>.value);
  const auto& field = boost::pfr::detail::sequence_tuple::get<I>(refs);
  return member_address<std::remove_cvref_t<decltype(field)>>{std::addressof(field)};  // operator& may be overloaded
}

// `auto` return type keeps g++ from appending "; std::string_view = ..." to
// the signature.
template <auto Address>
consteval auto signature_with_address() {
  return std::string_view{__PRETTY_FUNCTION__};
}
template <class T>
consteval auto signature_with_type() {
  return std::string_view{__PRETTY_FUNCTION__};
}

constexpr bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;  // UTF-8 in extended identifiers
}

// The member name is the identifier just before the closing brackets:
//   g++ 12:   consteval auto signature_with_address() [with auto Address =
//             member_address<int>{(& fake_object<ns::basic>.storage<ns::basic>::value.ns::basic::alpha)}]
//   clang 14: auto signature_with_address() [Address = {&fake_object.value.alpha}]
// Returns "" if the text does not look like either, which the self-test
// below turns into a compile error.
constexpr std::string_view parse_member_name(std::string_view sig) {
  std::size_t end = sig.size();
  while (end > 0 && (sig[end - 1] == ']' || sig[end - 1] == '}' || sig[end - 1] == ')')) --end;
  std::size_t begin = end;
  while (begin > 0 && is_identifier_char(sig[begin - 1])) --begin;
  if (begin == 0 || begin == end || (sig[begin - 1] != '.' && sig[begin - 1] != ':')) return {};
  return sig.substr(begin, end - begin);
}

// The type is everything after "T = " up to the closing ']':
//   g++ 12:   consteval auto signature_with_type() [with T = ns::box<int>]
//   clang 14: auto signature_with_type() [T = ns::box<int>]
// and we drop the qualification: everything up to the last "::" outside
// brackets. Scopes such as "main()::", "{anonymous}::",
// "(anonymous namespace)::", "f<int>(int)::" and "main()::<lambda()>::"
// are bracketed, so they vanish with it; template arguments keep theirs.
constexpr std::string_view parse_type_name(std::string_view sig) {
  const std::size_t eq = sig.find(" = ");
  if (eq == std::string_view::npos || sig.empty() || sig.back() != ']') return {};
  const std::string_view full = sig.substr(eq + 3, sig.size() - eq - 4);
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i < full.size(); ++i) {
    const char c = full[i];
    // Skip an operator's symbol so "op::operator<(int)::local" stays balanced.
    if (full.substr(i, 8) == "operator" && (i == 0 || !is_identifier_char(full[i - 1])) &&
        !is_identifier_char(i + 8 < full.size() ? full[i + 8] : 'x')) {
      constexpr std::string_view symbol_chars = "<>=!+-*/%^&|~[]";
      i += 8;                              // now at the symbol's first char
      if (full.substr(i, 2) == "()") ++i;  // operator()
      while (i + 1 < full.size() && symbol_chars.find(full[i + 1]) != std::string_view::npos) ++i;
      continue;
    }
    if (c == '<' || c == '(' || c == '[' || c == '{') ++depth;
    else if (c == '>' || c == ')' || c == ']' || c == '}') --depth;
    else if (depth == 0 && c == ':' && i + 1 < full.size() && full[i + 1] == ':') start = ++i + 1;
  }
  return full.substr(start);
}

// Names are copied into arrays of their own so that they live in static
// storage independent of the (consteval, never emitted) signature functions.
template <std::size_t N>
struct fixed_name {
  std::array<char, N> chars{};
  constexpr std::string_view view() const { return {chars.data(), N}; }
};

template <class T, std::size_t I>
inline constexpr auto field_name_storage = [] {
  constexpr std::string_view name = parse_member_name(signature_with_address<address_of_field<T, I>()>());
  static_assert(!name.empty(), "zanj: cannot parse a field name from __PRETTY_FUNCTION__");
  fixed_name<name.size()> out;
  std::copy(name.begin(), name.end(), out.chars.begin());
  return out;
}();

template <class T>
inline constexpr auto type_name_storage = [] {
  constexpr std::string_view name = parse_type_name(signature_with_type<T>());
  static_assert(!name.empty(), "zanj: cannot parse a type name from __PRETTY_FUNCTION__");
  fixed_name<name.size()> out;
  std::copy(name.begin(), name.end(), out.chars.begin());
  return out;
}();

}  // namespace reflect_impl

/// Names of T's fields in declaration order; usable in constant expressions,
/// the views point to static storage.
template <reflectable_aggregate T>
constexpr std::array<std::string_view, field_count<T>> field_names() {
#if BOOST_VERSION >= 108400 && BOOST_PFR_CORE_NAME_ENABLED
  return boost::pfr::names_as_array<T>();
#else
  return []<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<std::string_view, sizeof...(I)>{reflect_impl::field_name_storage<T, I>.view()...};
  }(std::make_index_sequence<field_count<T>>{});
#endif
}

/// T's name without namespaces or enclosing classes/functions: "basic" for
/// ns::basic, "box<int>" for ns::box<int> (template arguments as the compiler
/// prints them, so they differ between compilers). Meant for class and enum
/// types; for others (pointers, cv-qualified) the result is best effort.
template <class T>
constexpr std::string_view type_name() {
  return reflect_impl::type_name_storage<T>.view();
}

/// Calls f(name, field) for each field of obj in declaration order; field is
/// a reference into obj (const if obj is).
template <class T, class F>
  requires reflectable_aggregate<std::remove_cv_t<T>>
constexpr void for_each_field(T& obj, F&& f) {
  constexpr auto names = field_names<std::remove_cv_t<T>>();
  auto fields = boost::pfr::structure_tie(obj);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(names[I], std::get<I>(fields)), ...);
  }(std::make_index_sequence<names.size()>{});
}

// Self-test: if a compiler prints signatures in a form the parsers above do
// not understand, fail here rather than produce wrong names at run time.
namespace reflect_impl::self_test {
struct probe {
  int first;
  char x2_y;
};
template <class U>
struct probe_box {
  U u;
};
}  // namespace reflect_impl::self_test
static_assert(field_names<reflect_impl::self_test::probe>()[0] == "first" &&
                  field_names<reflect_impl::self_test::probe>()[1] == "x2_y",
              "zanj: cannot parse field names from this compiler's __PRETTY_FUNCTION__");
static_assert(type_name<reflect_impl::self_test::probe>() == "probe" &&
                  type_name<reflect_impl::self_test::probe_box<int>>().starts_with("probe_box<int"),
              "zanj: cannot parse type names from this compiler's __PRETTY_FUNCTION__");

}  // namespace zanj::detail
