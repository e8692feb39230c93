// std::pair and std::tuple, saved as JSON lists like Python tuples
// (tuple:external .jsonl when they reach external_list_threshold).
#pragma once

#include <cstddef>
#include <tuple>
#include <utility>

#include <zanj/codec/codec.hpp>
#include <zanj/codec/sequence.hpp>
#include <zanj/detail/list_save.hpp>

namespace zanj::detail {

template <class T>
struct codec<T, family::tuple> {
  static constexpr std::size_t arity = std::tuple_size_v<T>;

  static value save(const T& t, save_context& ctx) {
    list items;
    items.reserve(arity);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((void)[&] {
        path_guard g(ctx, I);
        items.push_back(save_value(std::get<I>(t), ctx));
      }(), ...);
    }(std::make_index_sequence<arity>{});
    return save_list(std::move(items), ctx, /*is_tuple=*/true);
  }

  static void load(const value& node, load_context& ctx, T& out) {
    list items = sequence_items(node, ctx, "a list of " + std::to_string(arity) + " items");
    if (items.size() != arity)
      ctx.fail("expected a list of " + std::to_string(arity) + " items, found " + std::to_string(items.size()));
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((void)[&] {
        path_guard g(ctx, I);
        load_value(items[I], ctx, std::get<I>(out));
      }(), ...);
    }(std::make_index_sequence<arity>{});
  }
};

}  // namespace zanj::detail
