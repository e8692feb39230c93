// Plain aggregate structs, field by field through reflection, written as
// the reference writes a SerializableDataclass (FORMAT.md §8).
#pragma once

#include <string>
#include <string_view>

#include <zanj/codec/codec.hpp>
#include <zanj/detail/format_names.hpp>
#include <zanj/detail/reflect.hpp>

namespace zanj::detail {

/// The class name written in "<Name>(SerializableDataclass)": the unqualified
/// C++ name unless zanj_traits<T>::name says otherwise.
template <class T>
std::string dataclass_name() {
  if constexpr (has_traits_name<T>)
    return std::string(std::string_view(zanj_traits<T>::name));
  else
    return std::string(type_name<T>());
}

template <class T>
struct codec<T, family::aggregate> {
  static value save(const T& v, save_context& ctx) {
    object out;
    out.reserve(field_count<T> + 1);
    out.append(std::string(format_key), dataclass_name<T>() + std::string(dataclass_suffix));
    for_each_field(v, [&](std::string_view name, const auto& field) {
      path_guard g(ctx, std::string(name));
      out.append(std::string(name), save_value(field, ctx));
    });
    return out;
  }

  /// Reads an object by field name: unknown keys are ignored and missing
  /// fields keep their default, as a SerializableDataclass loads. A plain
  /// dict works as well; a dataclass object of another class does not.
  static void load(const value& node, load_context& ctx, T& out) {
    auto* obj = node.get_if<object>();
    if (!obj) ctx.mismatch("an object for " + dataclass_name<T>(), node);
    auto fmt = format_of(node);
    if (!fmt.empty()) {
      std::string expected = dataclass_name<T>() + std::string(dataclass_suffix);
      if (fmt != expected) ctx.fail("expected '" + expected + "' object, found '" + std::string(fmt) + "' object");
    }
    for_each_field(out, [&](std::string_view name, auto& field) {
      if (const value* stored = obj->find(name)) {
        path_guard g(ctx, std::string(name));
        load_value(*stored, ctx, field);
      }
    });
  }
};

}  // namespace zanj::detail
