// Sets -- std::set, std::unordered_set -- saved as muutils 0.9 does:
// {"__muutils_format__": "set", "data": [...]}. A plain list (muutils 0.8)
// reads back too.
#pragma once

#include <zanj/codec/codec.hpp>
#include <zanj/codec/sequence.hpp>
#include <zanj/detail/list_save.hpp>

namespace zanj::detail {

template <class T>
struct codec<T, family::set> {
  using element = typename T::value_type;

  static value save(const T& s, save_context& ctx) {
    path_guard data_path(ctx, std::string("data"));
    list items;
    items.reserve(s.size());
    std::size_t i = 0;
    for (auto& e : s) {
      path_guard g(ctx, i++);
      items.push_back(save_value(e, ctx));
    }
    return object{{std::string(format_key), "set"}, {"data", save_list(std::move(items), ctx)}};
  }

  static void load(const value& node, load_context& ctx, T& out) {
    list items = sequence_items(node, ctx, "a set or list");
    out.clear();
    for (std::size_t i = 0; i < items.size(); ++i) {
      path_guard g(ctx, i);
      out.insert(load_new<element>(items[i], ctx));
    }
  }
};

}  // namespace zanj::detail
