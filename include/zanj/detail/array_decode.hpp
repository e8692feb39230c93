// Reading an n-d array from every form the reference writes (FORMAT.md §5,
// §10.2): array_list_meta, array_hex_meta, array_b64_meta, zero_dim and
// external .npy, under the numpy.ndarray and torch.Tensor prefixes.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <zanj/detail/array_elements.hpp>
#include <zanj/detail/byte_order.hpp>
#include <zanj/detail/format_names.hpp>
#include <zanj/detail/hex_base64.hpp>
#include <zanj/detail/load_context.hpp>
#include <zanj/dtype.hpp>
#include <zanj/half.hpp>
#include <zanj/value.hpp>

namespace zanj::detail {

/// True for a node that holds an array: a decoded array_value, or an object
/// whose format starts with numpy.ndarray / torch.Tensor.
inline bool is_array_node(const value& node) {
  if (node.is_array()) return true;
  auto fmt = format_of(node);
  return fmt.starts_with(numpy_prefix) || fmt.starts_with(torch_prefix);
}

inline std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// The member named by a reference object's "$ref", or "".
inline std::string ref_name(const value& ref) {
  auto* name = ref.find(ref_key);
  return name && name->is_string() ? name->as_string() : std::string{};
}

inline std::vector<std::size_t> read_shape(const value& node, load_context& ctx) {
  auto* shape = node.find("shape");
  if (!shape || !shape->is_list()) ctx.fail("array object without a 'shape' list");
  std::vector<std::size_t> out;
  for (auto& d : shape->as_list()) {
    if (d.kind() == kind::int64 && d.as_int64() >= 0)
      out.push_back(static_cast<std::size_t>(d.as_int64()));
    else
      ctx.fail("array 'shape' holds something other than a non-negative integer");
  }
  return out;
}

/// Total element count, refusing shapes whose product, or byte size with
/// `item_size` bytes per element, overflows.
inline std::size_t checked_size(const std::vector<std::size_t>& shape, std::size_t item_size, load_context& ctx) {
  const auto n = npy::detail::checked_product(shape);
  if (!n || !npy::detail::checked_product(shape, item_size)) ctx.fail("array shape is too large");
  return *n;
}

/// Refuses arrays of more than opts.limits.max_array_elements elements;
/// checked once the data is known to match the shape, before the elements
/// are allocated.
inline void check_element_limit(const std::vector<std::size_t>& shape, std::size_t n, load_context& ctx) {
  if (n > ctx.opts.limits.max_array_elements)
    ctx.fail("array shape " + shape_text(shape) + " has " + std::to_string(n) + " elements, " +
             over_limit(ctx.opts.limits.max_array_elements, "max_array_elements"));
}

/// Whether nested lists have exactly the lengths `shape` gives, at every level.
inline bool matches_shape(const value& data, const std::vector<std::size_t>& shape, std::size_t axis) {
  if (axis == shape.size()) return true;
  auto* items = data.items();
  if (!items || items->size() != shape[axis]) return false;
  for (auto& item : *items)
    if (!matches_shape(item, shape, axis + 1)) return false;
  return true;
}

/// Flattens nested lists that must mirror `shape` exactly.
inline void flatten_into(const value& data, const std::vector<std::size_t>& shape, std::size_t axis, dtype t,
                         std::byte*& cursor, load_context& ctx) {
  if (axis == shape.size()) {
    if (!store_element(t, data, cursor))
      ctx.fail("array element " + load_context::describe(data) + " does not fit dtype " +
               std::string(numpy_name(t)));
    cursor += itemsize(t);
    return;
  }
  auto* items = data.items();
  if (!items || items->size() != shape[axis])
    ctx.fail("array 'data' does not match its shape at axis " + std::to_string(axis));
  for (auto& item : *items) flatten_into(item, shape, axis + 1, t, cursor, ctx);
}

/// Decodes any array node into C-order, native-byte-order elements of the
/// dtype named in the node.
inline array_value decode_array(const value& node, load_context& ctx) {
  if (node.is_array()) return node.as_array();
  auto fmt = format_of(node);
  array_value out;
  out.torch = fmt.starts_with(torch_prefix);
  auto colon = fmt.find(':');
  std::string_view mode = colon == std::string_view::npos ? std::string_view{} : fmt.substr(colon + 1);

  auto* dtype_node = node.find("dtype");
  if (!dtype_node || !dtype_node->is_string()) ctx.fail("array object without a 'dtype' string");
  auto spec = parse_dtype(dtype_node->as_string());
  if (!spec) ctx.fail("unsupported dtype '" + dtype_node->as_string() + "'");
  out.type = spec->type;

  if (mode == "external") {
    value payload = ctx.load_external(node);
    if (!payload.is_array()) ctx.mismatch("a .npy array payload", payload);
    array_value stored = std::move(payload.as_array());
    stored.torch = out.torch;
    const std::string member = ref_name(node);
    if (node.find("shape")) {
      auto declared = read_shape(node, ctx);
      if (declared != stored.shape)
        ctx.fail("the .npy header's shape " + shape_text(stored.shape) + " disagrees with the reference's " +
                     shape_text(declared),
                 member);
    }
    if (stored.type == out.type) return stored;
    if (out.type == dtype::bfloat16 && stored.type == dtype::uint16) {
      // numpy has no bfloat16: the .npy holds its raw bits as '<u2' and the
      // JSON names the real dtype. Retype the bits; a numeric cast would
      // turn bit patterns into integer values.
      stored.type = dtype::bfloat16;
      return stored;
    }
    // The reference casts the stored array to the dtype named in the JSON.
    out.shape = stored.shape;
    out.bytes.resize(stored.size() * itemsize(out.type));
    bool ok = visit_dtype(out.type, [&](auto zero) {
      return convert_elements(stored, reinterpret_cast<decltype(zero)*>(out.bytes.data()));
    });
    if (!ok)
      ctx.fail("stored " + std::string(numpy_name(stored.type)) + " data does not fit dtype " +
                   std::string(numpy_name(out.type)),
               member);
    return out;
  }

  auto* data = node.find("data");
  if (!data) ctx.fail("array object without 'data'");
  out.shape = read_shape(node, ctx);
  const std::size_t item = itemsize(out.type);
  const std::size_t n = checked_size(out.shape, item, ctx);

  if (mode == "array_list_meta") {
    // Check the nesting against the shape before allocating, so a lying
    // shape cannot make us reserve memory the document does not back.
    if (!out.shape.empty() && !matches_shape(*data, out.shape, 0))
      ctx.fail("array 'data' does not match its shape");
    check_element_limit(out.shape, n, ctx);
    out.bytes.resize(n * item);
    std::byte* cursor = out.bytes.data();
    if (out.shape.empty()) {
      if (!store_element(out.type, *data, cursor)) ctx.fail("array element does not fit its dtype");
    } else {
      flatten_into(*data, out.shape, 0, out.type, cursor, ctx);
    }
  } else if (mode == "array_hex_meta" || mode == "array_b64_meta") {
    if (!data->is_string()) ctx.mismatch("a string of array bytes", *data);
    try {
      out.bytes = mode == "array_hex_meta" ? hex_decode(data->as_string()) : base64_decode(data->as_string());
    } catch (const error& e) {
      ctx.fail(e.reason());
    }
    if (out.bytes.size() != n * item)
      ctx.fail("array data holds " + std::to_string(out.bytes.size()) + " bytes, shape and dtype need " +
               std::to_string(n * item));
    check_element_limit(out.shape, n, ctx);
    convert_byte_order(out.bytes, out.type, spec->order);
  } else if (mode == "zero_dim") {
    if (!out.shape.empty()) ctx.fail("zero_dim array with a non-empty shape");
    out.bytes.resize(item);
    if (!store_element(out.type, *data, out.bytes.data())) ctx.fail("array element does not fit its dtype");
  } else {
    ctx.fail("unknown array format '" + std::string(fmt) + "'");
  }
  return out;
}

/// The fast path for an external .npy of element type E: the destination is
/// allocated by `allocate(shape)` -> E* (uninitialised storage for the
/// shape's elements, in C order, or in Fortran order when
/// `fortran_destination`, as a column-major matrix stores them) and the data
/// goes straight into it -- copied from the file mapping or inflated on every
/// core, the CRC checked on the way -- with no array_value in between and at
/// most one transpose. Returns false, having allocated nothing, for anything
/// it does not handle (not an external reference, another dtype, a payload
/// already in memory...): decode_array then reads it, and reports any error.
template <class E, class Allocate>
bool read_external_into(const value& node, load_context& ctx, bool fortran_destination, Allocate&& allocate) {
  if constexpr (std::is_same_v<E, bool>) {
    return false;  // bools are normalised element by element: the general path
  } else {
    const zip_reader* zip = ctx.archive();
    if (!zip || node.is_array() || node.find("data")) return false;
    if (!format_of(node).ends_with(":external")) return false;
    auto* dtype_node = node.find("dtype");
    if (!dtype_node || !dtype_node->is_string()) return false;
    const auto spec = parse_dtype(dtype_node->as_string());
    if (!spec || spec->type != dtype_v<E>) return false;
    const std::string member = ref_name(node);
    const zip_entry* entry = zip->find(member);
    if (!entry || !member.ends_with(".npy")) return false;
    const bool stored = entry->method == static_cast<std::uint16_t>(zip_method::stored);
    if (!stored && entry->method != static_cast<std::uint16_t>(zip_method::deflated)) return false;
    // A member over a read limit goes the general way, which reports it.
    if (!zip->within_limits(*entry)) return false;

    // The header: in the mapping when stored; else from the first bytes
    // inflated, or, for a small member, from all of it, inflated once (a
    // member that then goes the general way is counted twice towards
    // max_total_inflated, within the bound of 64 KiB each).
    npy::header h;
    std::vector<std::byte> head;
    zip_reader::content_buffer small_member;
    constexpr std::size_t prefix_limit = 64 * 1024 + 16;
    try {
      if (stored) {
        h = npy::parse_header(zip->raw(*entry), entry->uncompressed_size, ctx.opts.limits);
      } else if (entry->uncompressed_size <= prefix_limit) {
        small_member = zip->read_buffer(*entry);
        h = npy::parse_header(small_member.bytes(), entry->uncompressed_size, ctx.opts.limits);
      } else {
        head.resize(prefix_limit);
        inflate_stream s;
        std::span<const std::byte> in = zip->raw(*entry);
        std::span<std::byte> out(head);
        while (!out.empty()) {
          const auto r = s.step(in, out);
          in = in.subspan(r.consumed);
          out = out.subspan(r.produced);
          if (r.consumed == 0 && r.produced == 0) return false;
        }
        h = npy::parse_header(head, entry->uncompressed_size, ctx.opts.limits);
      }
    } catch (const error&) {
      return false;
    }
    // numpy has no bfloat16: its bits come as '<u2' (see decode_array).
    const dtype stored_type = dtype_v<E> == dtype::bfloat16 ? dtype::uint16 : dtype_v<E>;
    if (h.type.type != stored_type || h.data_offset + h.data_bytes() != entry->uncompressed_size) return false;
    if (node.find("shape")) {
      auto declared = read_shape(node, ctx);
      if (declared != h.shape)
        ctx.fail("the .npy header's shape " + shape_text(h.shape) + " disagrees with the reference's " +
                     shape_text(declared),
                 member);
    }

    // C and Fortran order are the same sequence when at most one axis is longer than 1.
    const bool orders_coincide = std::find(h.shape.begin(), h.shape.end(), std::size_t{0}) != h.shape.end() ||
                                 std::count_if(h.shape.begin(), h.shape.end(), [](std::size_t d) { return d > 1; }) <= 1;
    const bool source_fortran = npy::detail::needs_transpose(h);
    const bool same_order = orders_coincide || source_fortran == fortran_destination;
    E* dest = allocate(h.shape);
    const std::span<std::byte> dest_bytes(reinterpret_cast<std::byte*>(dest), h.data_bytes());
    try {
      if (same_order && small_member.data) {
        if (!dest_bytes.empty()) std::memcpy(dest_bytes.data(), small_member.data.get() + h.data_offset, dest_bytes.size());
      } else if (same_order) {
        std::vector<std::byte> header_bytes(h.data_offset);
        const std::span<std::byte> outs[] = {header_bytes, dest_bytes};
        zip->read_into(*entry, outs);
      } else {
        // One transpose, from the member's bytes into the destination.
        // Fortran order of a shape is C order of the reversed shape.
        zip_reader::content_buffer whole;
        std::span<const std::byte> npy_bytes;
        if (auto view = zip->stored_view(*entry)) {
          npy_bytes = *view;
        } else if (small_member.data) {
          npy_bytes = small_member.bytes();
        } else {
          whole = zip->read_buffer(*entry);
          npy_bytes = whole.bytes();
        }
        std::vector<std::size_t> shape = h.shape;
        if (!source_fortran) std::reverse(shape.begin(), shape.end());
        npy::detail::fortran_to_c_order(npy_bytes.data() + h.data_offset, dest_bytes.data(), shape, sizeof(E));
      }
    } catch (const error& e) {
      throw e.with_context(ctx.file, ctx.path.pointer(), member);
    }
    convert_byte_order(dest_bytes, dtype_v<E>, h.type.order);
    return true;
  }
}

/// A sub-array: item `index` along the first axis.
inline array_value slice_first_axis(const array_value& a, std::size_t index) {
  array_value out;
  out.type = a.type;
  out.torch = a.torch;
  out.shape.assign(a.shape.begin() + 1, a.shape.end());
  const std::size_t bytes = out.size() * itemsize(a.type);
  auto first = a.bytes.begin() + static_cast<std::ptrdiff_t>(index * bytes);
  out.bytes.assign(first, first + static_cast<std::ptrdiff_t>(bytes));
  return out;
}

}  // namespace zanj::detail
