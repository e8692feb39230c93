// bool, integers, floating point (incl. float16/bfloat16) and enums.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include <zanj/codec/codec.hpp>
#include <zanj/detail/array_decode.hpp>

namespace zanj::detail {

/// A 0-d array (zero_dim object, decoded 0-d array) stands for its element,
/// as numpy scalars do; anything else is returned unchanged.
inline const value& unwrap_zero_dim(const value& node, load_context& ctx, value& storage) {
  if (!is_array_node(node)) return node;
  array_value a = decode_array(node, ctx);
  if (!a.shape.empty()) ctx.mismatch("a scalar", node);
  storage = element_to_value(a.type, a.bytes.data());
  return storage;
}

template <class E>
bool scalar_from_value(const value& v, E& out) {
  switch (v.kind()) {
    case kind::boolean: return convert_scalar(v.as_bool(), out);
    case kind::int64: return convert_scalar(v.as_int64(), out);
    case kind::uint64: return convert_scalar(v.as_uint64(), out);
    case kind::float64: return convert_scalar(v.as_double(), out);
    default: return false;
  }
}

template <>
struct codec<bool, family::boolean> {
  static value save(bool v, save_context&) { return v; }
  static void load(const value& node, load_context& ctx, bool& out) {
    value storage;
    const value& v = unwrap_zero_dim(node, ctx, storage);
    if (!v.is_bool()) ctx.mismatch("bool", node);
    out = v.as_bool();
  }
};

template <class T>
struct codec<T, family::integer> {
  static value save(T v, save_context&) { return value(v); }
  static void load(const value& node, load_context& ctx, T& out) {
    value storage;
    const value& v = unwrap_zero_dim(node, ctx, storage);
    if (!v.is_integer()) ctx.mismatch(numpy_name(dtype_v<T>), node);
    if (!scalar_from_value(v, out))
      ctx.fail("integer " + (v.kind() == kind::int64 ? std::to_string(v.as_int64()) : std::to_string(v.as_uint64())) +
               " does not fit " + std::string(numpy_name(dtype_v<T>)));
  }
};

template <class T>
struct codec<T, family::floating> {
  static value save(T v, save_context&) {
    if constexpr (std::is_floating_point_v<T>)
      return value(static_cast<double>(v));
    else
      return value(static_cast<double>(static_cast<float>(v)));
  }
  static void load(const value& node, load_context& ctx, T& out) {
    value storage;
    const value& v = unwrap_zero_dim(node, ctx, storage);
    if (!v.is_number() || !scalar_from_value(v, out)) ctx.mismatch(numpy_name(dtype_v<T>), node);
  }
};

template <class T>
struct codec<T, family::enumeration> {
  using underlying = std::underlying_type_t<T>;
  static value save(T v, save_context& ctx) { return codec<underlying>::save(static_cast<underlying>(v), ctx); }
  static void load(const value& node, load_context& ctx, T& out) {
    underlying u{};
    codec<underlying>::load(node, ctx, u);
    out = static_cast<T>(u);
  }
};

}  // namespace zanj::detail
