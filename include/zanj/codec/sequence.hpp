// Sequences of anything that is not a number -- std::vector<S>, std::deque,
// std::list, std::array<S, N> -- saved as JSON lists (.jsonl when long).
#pragma once

#include <cstddef>
#include <iterator>

#include <zanj/codec/codec.hpp>
#include <zanj/detail/array_decode.hpp>
#include <zanj/detail/direct_json.hpp>
#include <zanj/detail/direct_read.hpp>
#include <zanj/detail/list_save.hpp>

namespace zanj::detail {

/// The items a sequence node stands for: a list or tuple; the payload of a
/// list:external / tuple:external / set object; or, for an n-d array, its
/// sub-arrays along the first axis (so nested vectors read 2-d arrays).
inline list sequence_items(const value& node, load_context& ctx, std::string_view expected) {
  if (auto* items = node.items()) return *items;
  auto fmt = format_of(node);
  if (fmt == list_external || fmt == tuple_external) {
    value payload = ctx.load_external(node);
    if (auto* items = payload.get_if<list>()) return std::move(*items);  // moved, not copied
    if (auto* tuple = payload.get_if<tuple_list>()) return std::move(tuple->items);
    ctx.mismatch("a jsonl list payload", payload);
  }
  if (fmt == "set" || fmt == "frozenset") {
    if (auto* data = node.find("data")) return sequence_items(*data, ctx, expected);
  }
  if (is_array_node(node)) {
    array_value a = decode_array(node, ctx);
    if (a.shape.empty()) ctx.mismatch(expected, node);
    // An empty array can claim any number of empty rows, each a value to
    // make from no data: bounded before the list is allocated.
    const std::size_t max_empty_rows = ctx.opts.limits.max_empty_rows;
    if (a.size() == 0 && a.shape[0] > max_empty_rows)
      ctx.fail("array of shape " + shape_text(a.shape) + " has " + std::to_string(a.shape[0]) + " empty rows, " +
               over_limit(max_empty_rows, "max_empty_rows"));
    list out;
    out.reserve(a.shape[0]);
    for (std::size_t i = 0; i < a.shape[0]; ++i) out.emplace_back(slice_first_axis(a, i));
    return out;
  }
  ctx.mismatch(expected, node);
}

template <class T>
struct codec<T, family::sequence> {
  using element = std::ranges::range_value_t<T>;

  static value save(const T& v, save_context& ctx) {
    if constexpr (std::ranges::sized_range<T> && family_of<element>() == family::aggregate && direct_writable<element>) {
      // Long lists of plain records: straight to .jsonl text.
      if (auto ref = save_records_direct(v, ctx)) return std::move(*ref);
    }
    list items;
    if constexpr (std::ranges::sized_range<T>) items.reserve(std::ranges::size(v));
    std::size_t i = 0;
    for (auto& e : v) {
      path_guard g(ctx, i++);
      items.push_back(save_value(e, ctx));
    }
    return save_list(std::move(items), ctx);
  }

  static void load(const value& node, load_context& ctx, T& out) {
    if constexpr (family_of<element>() == family::aggregate && direct_readable<element> &&
                  requires(std::size_t n) {
                    out.resize(n);
                    out[n];
                  }) {
      // Long lists of plain records: straight from the .jsonl text, or, if
      // a line is in another form, through zanj::value from the same text.
      if (auto fmt = format_of(node); fmt == list_external || fmt == tuple_external) {
        if (auto member = ctx.jsonl_text(node)) {
          if (read_records_direct(*member, ctx, out)) return;
          load_items(ctx.parse_jsonl(*member), ctx, out);
          return;
        }
      }
    }
    // A list in the document is read where it is; other forms are resolved first.
    if (const list* items = node.items()) {
      load_items(*items, ctx, out);
      return;
    }
    load_items(sequence_items(node, ctx, "a list"), ctx, out);
  }

 private:
  static void load_items(const list& items, load_context& ctx, T& out) {
    if constexpr (is_std_array_v<T>) {
      if (items.size() != out.size())
        ctx.fail("expected " + std::to_string(out.size()) + " items, found " + std::to_string(items.size()));
      for (std::size_t i = 0; i < items.size(); ++i) {
        path_guard g(ctx, i);
        load_value(items[i], ctx, out[i]);
      }
    } else {
      out.clear();
      if constexpr (requires { out.reserve(items.size()); }) out.reserve(items.size());
      for (std::size_t i = 0; i < items.size(); ++i) {
        path_guard g(ctx, i);
        out.push_back(load_new<element>(items[i], ctx));
      }
    }
  }
};

}  // namespace zanj::detail
