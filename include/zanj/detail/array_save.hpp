// Writing an n-d array: inline in the configured array mode, or as an
// external .npy member at or above external_array_threshold (FORMAT.md §5, §6).
#pragma once

#include <complex>
#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <zanj/detail/array_elements.hpp>
#include <zanj/detail/format_names.hpp>
#include <zanj/detail/hex_base64.hpp>
#include <zanj/detail/save_context.hpp>
#include <zanj/dtype.hpp>
#include <zanj/half.hpp>
#include <zanj/npy.hpp>
#include <zanj/value.hpp>

namespace zanj::detail {

/// A borrowed array: native (little-endian) bytes in C order, or in Fortran
/// order (first index fastest) when `fortran_order` is set.
struct array_view {
  dtype type;
  std::span<const std::size_t> shape;
  std::span<const std::byte> bytes;
  bool torch = false;
  bool fortran_order = false;

  std::size_t size() const noexcept {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
};

/// Whether C and Fortran order put the elements in the same sequence: no
/// elements, or at most one axis longer than 1. numpy then writes
/// `fortran_order: False` (FORMAT.md §6.4: True only when F-contiguous and
/// not C-contiguous).
inline bool orders_coincide(std::span<const std::size_t> shape) noexcept {
  std::size_t long_axes = 0;
  for (auto d : shape) {
    if (d == 0) return true;
    long_axes += d > 1 ? 1 : 0;
  }
  return long_axes <= 1;
}

/// Whether an array of this rank and element count, saved at the current
/// path, becomes an external .npy member (else it is written inline).
inline bool saves_external(std::size_t rank, std::size_t n, const save_context& ctx) noexcept {
  return rank > 0 && ctx.may_externalize() && n >= ctx.opts.external_array_threshold;
}

/// Nested JSON lists mirroring `shape` (the `data` of array_list_meta).
inline value nested_list(const array_view& a) {
  const std::size_t item = itemsize(a.type);
  auto build = [&](auto& self, std::size_t axis, std::size_t offset) -> value {
    list out;
    std::size_t n = a.shape[axis];
    out.reserve(n);
    if (axis + 1 == a.shape.size()) {
      for (std::size_t i = 0; i < n; ++i) out.push_back(element_to_value(a.type, a.bytes.data() + (offset + i) * item));
    } else {
      std::size_t stride = 1;
      for (std::size_t k = axis + 1; k < a.shape.size(); ++k) stride *= a.shape[k];
      for (std::size_t i = 0; i < n; ++i) out.push_back(self(self, axis + 1, offset + i * stride));
    }
    return out;
  };
  return build(build, 0, 0);
}

inline value shape_value(std::span<const std::size_t> shape) {
  list out;
  for (auto d : shape) out.emplace_back(static_cast<std::uint64_t>(d));
  return out;
}

inline std::string array_format(const array_view& a, std::string_view mode) {
  return std::string(a.torch ? torch_prefix : numpy_prefix) + ":" + std::string(mode);
}

/// The dtype string the reference writes: numpy names inline, torch names
/// ("torch.float32") for tensors written external or zero_dim (FORMAT.md §5.3).
inline std::string dtype_string(const array_view& a, bool torch_style) {
  if (a.torch && torch_style) return "torch." + std::string(numpy_name(a.type));
  return std::string(numpy_name(a.type));
}

/// Registers a .npy member for an array of `a`'s type, shape and order whose
/// data is `chunks` written one after the other (a.bytes is not used), and
/// returns the reference object that stands for it in the document. The
/// chunks are borrowed; they may point into `owned`, which the member keeps
/// alive (moving a vector keeps its buffer where it is).
inline value save_external_array(const array_view& a, std::vector<std::span<const std::byte>> chunks,
                                 save_context& ctx, std::vector<std::byte> owned = {}) {
  const std::size_t n = a.size();
  external_member m;
  m.body = std::move(chunks);
  m.owned_body = std::move(owned);
  if (m.body_size() != n * itemsize(a.type))
    ctx.fail("array data holds " + std::to_string(m.body_size()) + " bytes, shape and dtype need " +
             std::to_string(n * itemsize(a.type)));
  m.name = ctx.claim_member("npy");
  m.path = ctx.path.to_value();
  m.kind = external_kind::npy;
  m.head = npy::format_header(a.type, a.shape, a.fortran_order && !orders_coincide(a.shape));
  m.length = a.shape[0];
  value ref = object{{std::string(format_key), array_format(a, "external")},
                     {std::string(ref_key), m.name},
                     {"shape", shape_value(a.shape)},
                     {"dtype", dtype_string(a, true)},
                     {"n_elements", static_cast<std::uint64_t>(n)}};
  ctx.externals.push_back(std::move(m));
  return ref;
}

/// Saves an array at the current path. `owned`, if given, holds the bytes
/// when they are a temporary conversion and is moved into the external member.
inline value save_array(const array_view& a, save_context& ctx, std::vector<std::byte>* owned = nullptr) {
  const std::size_t n = a.size();
  array_mode mode_setting = ctx.opts.internal_array_mode;
  // Complex numbers have no JSON form numpy reads back (FORMAT.md §14.14):
  // they are written as hex of their bytes, whatever the mode.
  const bool complex_as_hex = is_complex(a.type);
  if (a.shape.empty() && complex_as_hex) mode_setting = array_mode::array_hex_meta;
  if (a.shape.empty() && mode_setting == array_mode::list) {
    return element_to_value(a.type, a.bytes.data());  // muutils 0.9: a bare scalar
  }
  if (a.shape.empty() && !complex_as_hex) {  // 0-d: zero_dim in the meta modes (FORMAT.md §5.2)
    return object{{std::string(format_key), array_format(a, "zero_dim")},
                  {"data", element_to_value(a.type, a.bytes.data())},
                  {"shape", list{}},
                  {"dtype", dtype_string(a, true)},
                  {"n_elements", 1}};
  }
  if (saves_external(a.shape.size(), n, ctx)) {
    if (owned) {
      std::vector<std::byte> bytes = std::move(*owned);
      std::span<const std::byte> data(bytes);
      return save_external_array(a, {data}, ctx, std::move(bytes));
    }
    return save_external_array(a, {a.bytes}, ctx);
  }
  if (a.fortran_order && !orders_coincide(a.shape)) {
    // Inline forms are C order; inline arrays are small, so transpose a copy.
    std::vector<std::byte> c_order(a.bytes.size());
    npy::detail::fortran_to_c_order(a.bytes.data(), c_order.data(), a.shape, itemsize(a.type));
    array_view c_view = a;
    c_view.bytes = c_order;
    c_view.fortran_order = false;
    return save_array(c_view, ctx);
  }
  if (complex_as_hex && (mode_setting == array_mode::list || mode_setting == array_mode::array_list_meta))
    mode_setting = array_mode::array_hex_meta;
  value data;
  std::string_view mode = to_string(mode_setting);
  switch (mode_setting) {
    case array_mode::list: return nested_list(a);
    case array_mode::array_list_meta: data = nested_list(a); break;
    case array_mode::array_hex_meta: data = hex_encode(a.bytes); break;
    case array_mode::array_b64_meta: data = base64_encode(a.bytes); break;
  }
  return object{{std::string(format_key), array_format(a, mode)},
                {"data", std::move(data)},
                {"shape", shape_value(a.shape)},
                {"dtype", dtype_string(a, false)},
                {"n_elements", static_cast<std::uint64_t>(n)}};
}

}  // namespace zanj::detail
