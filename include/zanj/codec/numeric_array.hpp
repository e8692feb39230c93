// Contiguous sequences of numbers -- std::vector<E>, std::array<E, N>,
// std::span<E> -- saved as 1-d arrays: inline below external_array_threshold,
// a .npy member at or above it.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

#include <zanj/codec/codec.hpp>
#include <zanj/detail/array_decode.hpp>
#include <zanj/detail/array_save.hpp>
#include <zanj/detail/huge_pages.hpp>

namespace zanj::detail {

template <class T>
struct codec<T, family::numeric_array> {
  using element = std::remove_cv_t<std::ranges::range_value_t<T>>;
  static constexpr bool is_fixed = is_std_array_v<T>;

  static value save(const T& v, save_context& ctx) {
    std::size_t shape[1] = {std::ranges::size(v)};
    if constexpr (std::is_same_v<T, std::vector<bool>>) {
      // vector<bool> is packed bits: expand to numpy's one byte per bool.
      std::vector<std::byte> bytes(v.size());
      for (std::size_t i = 0; i < v.size(); ++i) bytes[i] = std::byte{v[i] ? std::uint8_t{1} : std::uint8_t{0}};
      return save_array({dtype::bool_, shape, bytes}, ctx, &bytes);
    } else {
      return save_array({dtype_v<element>, shape, std::as_bytes(std::span(std::data(v), std::size(v)))}, ctx);
    }
  }

  static void load(const value& node, load_context& ctx, T& out)
    requires(!is_std_span_v<T>)
  {
    if constexpr (!std::is_same_v<T, std::vector<bool>>) {
      // An external .npy of this element type goes straight into `out`.
      if (read_external_into<element>(node, ctx, false, [&](const std::vector<std::size_t>& shape) {
            if (shape.size() != 1)
              ctx.fail("expected a 1-d array of " + std::string(numpy_name(dtype_v<element>)) + ", found shape " +
                       shape_text(shape));
            resize(out, shape[0], ctx);
            return std::data(out);
          }))
        return;
    }
    if (is_array_node(node)) {
      array_value a = decode_array(node, ctx);
      if (a.shape.size() != 1)
        ctx.fail("expected a 1-d array of " + std::string(numpy_name(dtype_v<element>)) + ", found shape " +
                 shape_text(a.shape));
      resize(out, a.shape[0], ctx);
      bool ok;
      if constexpr (std::is_same_v<T, std::vector<bool>>) {
        ok = a.type == dtype::bool_;
        for (std::size_t i = 0; ok && i < a.size(); ++i) out[i] = a.bytes[i] != std::byte{0};
      } else {
        ok = convert_elements(a, std::data(out));
      }
      if (!ok)
        ctx.fail("expected " + std::string(numpy_name(dtype_v<element>)) + " elements, found " +
                 std::string(numpy_name(a.type)) + " elements that do not fit");
      return;
    }
    const value* items_node = &node;
    value external;
    if (format_of(node) == list_external || format_of(node) == tuple_external) {
      external = ctx.load_external(node);
      items_node = &external;
    }
    auto* items = items_node->items();
    if (!items) ctx.mismatch("a list or array of " + std::string(numpy_name(dtype_v<element>)), node);
    resize(out, items->size(), ctx);
    for (std::size_t i = 0; i < items->size(); ++i) {
      path_guard g(ctx, i);
      element e{};
      load_value((*items)[i], ctx, e);
      out[i] = e;
    }
  }

 private:
  static void resize(T& out, std::size_t n, load_context& ctx) {
    if constexpr (is_fixed) {
      if (n != std::tuple_size_v<T>)
        ctx.fail("expected " + std::to_string(std::tuple_size_v<T>) + " elements, found " + std::to_string(n));
    } else {
      assign_fresh(out, n);
    }
  }
};

}  // namespace zanj::detail
