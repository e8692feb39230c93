// zanj::value: saved by walking it (arrays and long lists still go external);
// loaded by resolving the stored subtree completely -- every external read,
// every array decoded.
#pragma once

#include <string>

#include <zanj/codec/codec.hpp>
#include <zanj/codec/table.hpp>
#include <zanj/detail/array_decode.hpp>
#include <zanj/detail/array_save.hpp>
#include <zanj/detail/list_save.hpp>

namespace zanj::detail {

/// The stored subtree with externals and arrays resolved, as the reference
/// reader returns it; DataFrames in whatever form become the inline form
/// (codec/table.hpp: dataframe_as_value).
inline value resolve(const value& node, load_context& ctx) {
  switch (node.kind()) {
    case kind::object: {
      auto fmt = format_of(node);
      if (is_array_node(node)) return decode_array(node, ctx);
      if (is_dataframe_node(node)) return dataframe_as_value(node, ctx);
      if (fmt == list_external || fmt == tuple_external) {
        auto scope = ctx.enter_external(node);
        value payload = ctx.load_external(node);
        auto* items = payload.items();
        if (!items) ctx.mismatch("a jsonl list payload", payload);
        list out;
        out.reserve(items->size());
        for (std::size_t i = 0; i < items->size(); ++i) {
          path_guard g(ctx, i);
          out.push_back(resolve((*items)[i], ctx));
        }
        if (fmt == tuple_external) return tuple_list{std::move(out)};
        return out;
      }
      object out;
      out.reserve(node.as_object().size() + 1);
      for (auto& [key, v] : node.as_object()) {
        path_guard g(ctx, key);
        out.append(key, resolve(v, ctx));
      }
      if (load_context::is_external_ref(node) && !out.contains("data")) {
        // Another kind of external (e.g. a DataFrame): attach its payload
        // under "data", as the reference reader does before converting.
        path_guard g(ctx, std::string("data"));
        auto scope = ctx.enter_external(node);
        out.append("data", resolve(ctx.load_external(node), ctx));
      }
      return out;
    }
    case kind::list:
    case kind::tuple: {
      list out;
      auto& items = *node.items();
      out.reserve(items.size());
      for (std::size_t i = 0; i < items.size(); ++i) {
        path_guard g(ctx, i);
        out.push_back(resolve(items[i], ctx));
      }
      if (node.is_tuple()) return tuple_list{std::move(out)};
      return out;
    }
    default: return node;
  }
}

template <>
struct codec<value, family::dynamic> {
  static value save(const value& v, save_context& ctx) {
    switch (v.kind()) {
      case kind::object: {
        if (is_dataframe_value(v)) return save_dataframe_value(v, ctx);
        object out;
        out.reserve(v.as_object().size());
        for (auto& [key, member] : v.as_object()) {
          path_guard g(ctx, key);
          out.append(key, save_value(member, ctx));
        }
        return out;
      }
      case kind::list:
      case kind::tuple: {
        auto& items = *v.items();
        list out;
        out.reserve(items.size());
        for (std::size_t i = 0; i < items.size(); ++i) {
          path_guard g(ctx, i);
          out.push_back(save_value(items[i], ctx));
        }
        return save_list(std::move(out), ctx, v.is_tuple());
      }
      case kind::array: {
        auto& a = v.as_array();
        if (a.bytes.size() != a.size() * itemsize(a.type)) ctx.fail("array_value bytes do not match shape and dtype");
        return save_array({a.type, a.shape, a.bytes, a.torch}, ctx);
      }
      default: return v;
    }
  }

  static void load(const value& node, load_context& ctx, value& out) { out = resolve(node, ctx); }
};

}  // namespace zanj::detail
