// Plain aggregate structs, field by field through reflection, written as
// the reference writes a SerializableDataclass (FORMAT.md §8).
#pragma once

#include <algorithm>
#include <iostream>
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

/// A difference between the file and the C++ type that the options may
/// accept: ignored, reported through options::on_warning (else stderr) with
/// the location, or thrown.
inline void schema_difference(const load_context& ctx, error_mode mode, std::string reason) {
  if (mode == error_mode::except) ctx.fail(std::move(reason));
  if (mode == error_mode::ignore) return;
  const error located(std::move(reason), ctx.file, ctx.path.pointer());
  if (ctx.opts.on_warning)
    ctx.opts.on_warning(located.what());
  else
    std::cerr << located.what() << '\n';
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

  /// Reads an object by field name, as a SerializableDataclass loads (the
  /// schema evolution rules, README "Schema evolution"): a field missing from
  /// the file keeps its default member initializer; a key without a field
  /// and another "<Name>(SerializableDataclass)" than T's are ignored, warned
  /// about or refused by options::on_unknown_key / on_type_name_mismatch. A
  /// plain dict works too; an object of another kind (an array...) does not.
  static void load(const value& node, load_context& ctx, T& out) {
    auto* obj = node.get_if<object>();
    if (!obj) ctx.mismatch("an object for " + dataclass_name<T>(), node);
    if (auto fmt = format_of(node); !fmt.empty()) {
      const std::string expected = dataclass_name<T>() + std::string(dataclass_suffix);
      if (fmt != expected) {
        std::string reason = "expected '" + expected + "' object, found '" + std::string(fmt) + "' object";
        if (fmt.ends_with(dataclass_suffix))
          schema_difference(ctx, ctx.opts.on_type_name_mismatch, std::move(reason));
        else
          ctx.fail(std::move(reason));
      }
    }
    if (ctx.opts.on_unknown_key != error_mode::ignore) {
      constexpr auto names = field_names<T>();
      for (auto& [key, v] : *obj) {
        if (key == format_key || std::find(names.begin(), names.end(), key) != names.end()) continue;
        path_guard g(ctx, key);
        schema_difference(ctx, ctx.opts.on_unknown_key,
                          "unknown key '" + key + "': " + dataclass_name<T>() + " has no such field");
      }
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
