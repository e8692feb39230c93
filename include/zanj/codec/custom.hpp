// Types with a zanj_traits<T> specialization: save through traits::save
// (whose result is saved like any value), load through traits::load from the
// fully resolved stored value.
#pragma once

#include <zanj/codec/codec.hpp>
#include <zanj/codec/dynamic.hpp>

namespace zanj::detail {

template <class T>
struct codec<T, family::custom> {
  static value save(const T& v, save_context& ctx)
    requires has_traits_save<T>
  {
    // The saved form may be a temporary whose arrays become external members
    // written only after the document: the context keeps it alive until then.
    auto& saved = ctx.keep_alive(zanj_traits<T>::save(v));
    return save_value(saved, ctx);
  }

  static void load(const value& node, load_context& ctx, T& out)
    requires has_traits_load<T>
  {
    out = make(node, ctx);
  }

  /// Builds a T without default-constructing one first.
  static T make(const value& node, load_context& ctx)
    requires has_traits_load<T>
  {
    return zanj_traits<T>::load(resolve(node, ctx));
  }
};

}  // namespace zanj::detail
