// n-d arrays with a run-time shape (zanj::ndarray, or any contiguous_ndarray):
// saved with their shape, inline below external_array_threshold elements and
// as a .npy member at or above it; read from every array form and from plain
// nested lists, converting elements only when they fit.
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <zanj/codec/codec.hpp>
#include <zanj/detail/array_decode.hpp>
#include <zanj/detail/array_save.hpp>
#include <zanj/ndarray.hpp>

namespace zanj::detail {

/// The shape of nested lists, found by following the first item down. For
/// complex elements a list of numbers is one element ([re, im]), not an axis.
template <class Element>
std::vector<std::size_t> nested_list_shape(const value& data) {
  constexpr bool complex_element = is_complex(dtype_v<Element>);
  std::vector<std::size_t> shape;
  const value* level = &data;
  while (auto* items = level->items()) {
    if (complex_element && !items->empty() && (*items)[0].is_number()) break;
    shape.push_back(items->size());
    if (items->empty()) break;
    level = &(*items)[0];
  }
  return shape;
}

template <class T>
struct codec<T, family::ndarray> {
  using element = std::remove_cv_t<typename T::value_type>;

  static value save(const T& a, save_context& ctx) {
    std::vector<std::size_t> shape;
    std::size_t count = 1;
    bool overflow = false;
    for (auto d : a.shape()) {
      shape.push_back(static_cast<std::size_t>(d));
      overflow = overflow || __builtin_mul_overflow(count, shape.back(), &count);
    }
    // Another ndarray type's shape and size might disagree; never read past its data.
    if (overflow || count != static_cast<std::size_t>(a.size()))
      ctx.fail("array of shape " + shape_text(shape) + " reports " + std::to_string(a.size()) + " elements");
    // The bytes are borrowed: an external member is written from them directly.
    return save_array({dtype_v<element>, shape, std::as_bytes(std::span(a.data(), static_cast<std::size_t>(a.size())))},
                      ctx);
  }

  static void load(const value& node, load_context& ctx, T& out)
    requires std::constructible_from<T, std::vector<std::size_t>> && requires(T& t) {
      { t.data() } -> std::same_as<element*>;
    }
  {
    if (is_array_node(node)) return load_array(node, ctx, out);
    if (format_of(node) == list_external || format_of(node) == tuple_external) {
      auto scope = ctx.enter_external(node);
      return load_nested_lists(ctx.load_external(node), ctx, out, ref_name(node));
    }
    load_nested_lists(node, ctx, out, {});
  }

 private:
  static std::string element_name() { return std::string(numpy_name(dtype_v<element>)); }

  static void load_array(const value& node, load_context& ctx, T& out) {
    // An external .npy of this element type goes straight into the new array.
    std::optional<T> direct;
    if (read_external_into<element>(node, ctx, false, [&](const std::vector<std::size_t>& shape) {
          if constexpr (std::is_constructible_v<T, std::vector<std::size_t>, for_overwrite_t>)
            direct.emplace(shape, for_overwrite);
          else
            direct.emplace(shape);
          return direct->data();
        })) {
      out = std::move(*direct);
      return;
    }
    const std::string member = load_context::is_external_ref(node) ? ref_name(node) : std::string{};
    array_value a = decode_array(node, ctx);
    T result(a.shape);
    element* dest = result.data();
    bool ok = true;
    if constexpr (std::is_same_v<element, bool>) {
      // Any nonzero byte is true, as numpy reads it; a bool must hold 0 or 1.
      ok = a.type == dtype::bool_;
      for (std::size_t i = 0; ok && i < a.size(); ++i) dest[i] = a.bytes[i] != std::byte{0};
    } else if (a.size() != 0) {
      ok = convert_elements(a, dest);
    }
    if (!ok)
      ctx.fail("expected an array of " + element_name() + ", found " + std::string(numpy_name(a.type)) +
                   " elements that do not fit",
               member);
    out = std::move(result);
  }

  // list mode and Python lists: no dtype, so each element must fit exactly.
  static void load_nested_lists(const value& data, load_context& ctx, T& out, const std::string& member) {
    if (data.is_object()) ctx.mismatch("an array of " + element_name() + " or nested lists of numbers", data);
    const std::vector<std::size_t> shape = nested_list_shape<element>(data);
    // Checked before allocating: a ragged list must not size the array.
    if (!matches_shape(data, shape, 0))
      ctx.fail("nested lists are ragged: they do not form an array of shape " + shape_text(shape), member);
    T result(shape);
    std::byte* cursor = reinterpret_cast<std::byte*>(result.data());
    if (shape.empty()) {
      if (!store_element(dtype_v<element>, data, cursor))
        ctx.fail(load_context::describe(data) + " does not fit " + element_name(), member);
    } else {
      store_nested(data, shape, 0, cursor, ctx, member);
    }
    out = std::move(result);
  }

  static void store_nested(const value& data, const std::vector<std::size_t>& shape, std::size_t axis,
                           std::byte*& cursor, load_context& ctx, const std::string& member) {
    auto& items = *data.items();
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (axis + 1 < shape.size()) {
        path_guard g(ctx, i);
        store_nested(items[i], shape, axis + 1, cursor, ctx, member);
        continue;
      }
      if (!store_element(dtype_v<element>, items[i], cursor)) {
        path_guard g(ctx, i);
        ctx.fail("element " + json::to_string(items[i], json::style::compact) + " does not fit " + element_name(),
                 member);
      }
      cursor += sizeof(element);
    }
  }
};

}  // namespace zanj::detail
