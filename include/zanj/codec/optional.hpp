// std::optional: null when empty, the value otherwise.
#pragma once

#include <optional>

#include <zanj/codec/codec.hpp>

namespace zanj::detail {

template <class T>
struct codec<T, family::optional> {
  using inner = typename T::value_type;
  static value save(const T& v, save_context& ctx) { return v ? save_value(*v, ctx) : value(nullptr); }
  static void load(const value& node, load_context& ctx, T& out) {
    if (node.is_null()) {
      out.reset();
      return;
    }
    out.emplace(load_new<inner>(node, ctx));
  }
};

}  // namespace zanj::detail
