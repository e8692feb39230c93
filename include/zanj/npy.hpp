// The .npy codec: numpy's array file format (versions 1.0, 2.0 and 3.0), as
// used for the external array members of a .zanj archive (FORMAT.md §6.4).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <zanj/detail/byte_order.hpp>
#include <zanj/dtype.hpp>
#include <zanj/error.hpp>
#include <zanj/limits.hpp>
#include <zanj/value.hpp>

namespace zanj::npy {

/// The metadata of a .npy file.
struct header {
  dtype_spec type;
  /// The data is stored column-major (first index fastest).
  bool fortran_order = false;
  std::vector<std::size_t> shape;
  /// Bytes from the start of the .npy to its data.
  std::size_t data_offset = 0;

  /// Product of `shape` (1 for 0-d). Throws zanj::error on overflow.
  std::size_t element_count() const;
  /// element_count() * itemsize. Throws zanj::error on overflow.
  std::size_t data_bytes() const;

  friend bool operator==(const header&, const header&) = default;
};

/// Parses the magic, version and header dict of a .npy and checks that the
/// data it announces lies within `npy` (extra trailing bytes are tolerated,
/// as numpy does). Keys may come in any order with any whitespace.
/// *Throws:* zanj::error for a malformed header, an unsupported descr
/// (object, string, structured, long double...), data shorter than
/// declared, a header longer than `limits.max_npy_header_length` or a shape
/// of more than `limits.max_array_elements` elements.
inline header parse_header(std::span<const std::byte> npy, const read_limits& limits = {});

/// The same from the first bytes of a .npy of `file_size` bytes (a member
/// not yet inflated): `head` must hold at least the magic and header dict.
inline header parse_header(std::span<const std::byte> head, std::uint64_t file_size, const read_limits& limits = {});

/// The header numpy 1.24's `np.save` writes for an array of this type and
/// shape, byte for byte: magic, version 1.0 (2.0 only if the dict exceeds
/// 65535 bytes), sorted keys, numpy's growth padding, and spaces plus a final
/// newline up to a multiple of 64 bytes.
inline std::string format_header(dtype_spec type, std::span<const std::size_t> shape, bool fortran_order = false);
/// The same for little-endian data.
inline std::string format_header(dtype type, std::span<const std::size_t> shape, bool fortran_order = false);

/// Copies the data of a parsed .npy into `dest` (exactly data_bytes() long)
/// in C order and native byte order, transposing Fortran-order data and
/// swapping foreign byte order. *Throws:* zanj::error if the sizes disagree.
inline void decode_into(const header& h, std::span<const std::byte> npy, std::span<std::byte> dest);

/// Reads a whole .npy into an array in C order and native byte order.
/// bfloat16 is not a numpy type: a bfloat16 array reads back as uint16 (its
/// raw bits), and the caller retypes it from the JSON dtype. *Throws:* as
/// parse_header.
inline array_value read(std::span<const std::byte> npy, const read_limits& limits = {});

/// A .npy file (header + C-order data) holding `array`.
/// *Throws:* zanj::error if the byte count does not match the shape.
inline std::vector<std::byte> write(const array_value& array);

// ---------------------------------------------------------------------------

namespace detail {

inline constexpr std::string_view magic = "\x93NUMPY";

// Product of the dimensions, or nullopt when it overflows size_t. A zero
// dimension makes the product 0 whatever the others are.
inline std::optional<std::size_t> checked_product(std::span<const std::size_t> dims,
                                                  std::size_t factor = 1) noexcept {
  if (std::find(dims.begin(), dims.end(), std::size_t{0}) != dims.end()) return 0;
  std::size_t n = factor;
  for (auto d : dims)
    if (__builtin_mul_overflow(n, d, &n)) return std::nullopt;
  return n;
}

inline std::string shape_repr(std::span<const std::size_t> shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ',';
  s += ')';
  return s;
}

// Reader of the Python-literal subset numpy writes for the header dict.
class header_dict_parser {
 public:
  explicit header_dict_parser(std::string_view text) : text_(text) {}

  void parse(header& out) {
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    skip_space();
    expect('{', "the header is not a dict");
    skip_space();
    while (!at('}')) {
      const std::string key = parse_string("a dict key");
      skip_space();
      expect(':', "missing ':' after key '" + key + "'");
      skip_space();
      if (key == "descr") {
        take_once(seen_descr, key);
        out.type = parse_descr();
      } else if (key == "fortran_order") {
        take_once(seen_fortran, key);
        out.fortran_order = parse_bool();
      } else if (key == "shape") {
        take_once(seen_shape, key);
        out.shape = parse_shape();
      } else {
        fail("unexpected key '" + key + "'");
      }
      skip_space();
      if (at(',')) {
        ++pos_;
        skip_space();
      } else if (!at('}')) {
        fail("expected ',' or '}'");
      }
    }
    ++pos_;
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the dict");
    if (!seen_descr || !seen_fortran || !seen_shape)
      fail(std::string("missing key '") + (!seen_descr ? "descr" : !seen_fortran ? "fortran_order" : "shape") + "'");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw error("npy header: " + what + " (at offset " + std::to_string(pos_) + " of the header dict)");
  }
  bool at(char c) const noexcept { return pos_ < text_.size() && text_[pos_] == c; }
  void expect(char c, const std::string& what) {
    if (!at(c)) fail(what);
    ++pos_;
  }
  void skip_space() noexcept {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\f' || text_[pos_] == '\v'))
      ++pos_;
  }
  void take_once(bool& seen, const std::string& key) {
    if (seen) fail("duplicate key '" + key + "'");
    seen = true;
  }

  // A quoted string without escapes (no dtype or key needs one).
  std::string parse_string(const char* what) {
    if (!at('\'') && !at('"')) fail(std::string("expected a quoted string as ") + what);
    const char quote = text_[pos_++];
    const std::size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string s(text_.substr(pos_, end - pos_));
    if (s.find('\\') != std::string::npos) fail("escape sequences are not supported");
    pos_ = end + 1;
    return s;
  }

  dtype_spec parse_descr() {
    if (at('[')) fail("structured dtypes (a list descr) are not supported");
    if (!at('\'') && !at('"')) fail("descr is not a string");
    const std::string descr = parse_string("descr");
    auto spec = zanj::detail::dtype_from_descr(descr);
    if (!spec) {
      // numpy also accepts dtype names here (np.dtype('float32')).
      if (auto t = zanj::detail::dtype_from_name(descr); t && *t != dtype::bfloat16 && !descr.starts_with("torch.") &&
                                                            !descr.starts_with("<"))
        spec = dtype_spec{*t, std::endian::little};
    }
    if (!spec)
      throw error("npy: unsupported descr '" + descr +
                  "' (only bool, integer, float16/32/64 and complex64/128 elements can be read)");
    return *spec;
  }

  bool parse_bool() {
    if (text_.substr(pos_).starts_with("True")) {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_).starts_with("False")) {
      pos_ += 5;
      return false;
    }
    fail("fortran_order is not True or False");
  }

  std::vector<std::size_t> parse_shape() {
    expect('(', "shape is not a tuple");
    std::vector<std::size_t> shape;
    skip_space();
    while (!at(')')) {
      if (at('-')) fail("negative dimension in shape");
      if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') fail("shape holds a non-integer");
      std::size_t d = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        const auto digit = static_cast<std::size_t>(text_[pos_] - '0');
        if (__builtin_mul_overflow(d, std::size_t{10}, &d) || __builtin_add_overflow(d, digit, &d))
          fail("dimension does not fit in size_t");
        ++pos_;
      }
      if (at('L')) ++pos_;  // Python 2 long literal, as numpy still tolerates
      shape.push_back(d);
      skip_space();
      if (at(',')) {
        ++pos_;
        skip_space();
      } else if (!at(')')) {
        fail("expected ',' or ')' in shape");
      } else if (shape.size() == 1) {
        // "(300)" is a parenthesised int in Python, not a tuple.
        fail("shape is not a tuple");
      }
    }
    ++pos_;
    return shape;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

// Copies a Fortran-order array into C order. Both orders are the same array
// with its axes reversed, so for every index of the middle axes this is a
// 2-d transpose of (first axis) x (last axis), done in cache-sized tiles:
// the source is contiguous along the first axis, the destination along the
// last.
template <std::size_t ItemSize>
inline void fortran_to_c_order(const std::byte* src, std::byte* dst, std::span<const std::size_t> shape) {
  const std::size_t rank = shape.size();
  const std::size_t first = shape.front(), last = shape.back();
  std::size_t middle = 1;
  for (std::size_t k = 1; k + 1 < rank; ++k) middle *= shape[k];
  const std::size_t src_last_stride = first * middle;  // elements between consecutive last-axis indices
  const std::size_t dst_first_stride = last * middle;  // elements between consecutive first-axis indices
  constexpr std::size_t tile = 32;

  // F-order strides of the middle axes, in elements of the middle block.
  std::vector<std::size_t> middle_stride(rank, 1);
  for (std::size_t k = 2; k + 1 < rank; ++k) middle_stride[k] = middle_stride[k - 1] * shape[k - 1];
  std::vector<std::size_t> index(rank, 0);  // middle-axis counter, C order
  std::size_t src_middle = 0;               // F-order offset of the middle index
  for (std::size_t dst_middle = 0; dst_middle < middle; ++dst_middle) {
    const std::byte* s = src + src_middle * first * ItemSize;
    std::byte* d = dst + dst_middle * last * ItemSize;
    for (std::size_t i0 = 0; i0 < first; i0 += tile) {
      const std::size_t i_end = std::min(first, i0 + tile);
      for (std::size_t j0 = 0; j0 < last; j0 += tile) {
        const std::size_t j_end = std::min(last, j0 + tile);
        for (std::size_t i = i0; i < i_end; ++i) {
          std::byte* out = d + (i * dst_first_stride + j0) * ItemSize;
          const std::byte* in = s + (j0 * src_last_stride + i) * ItemSize;
          for (std::size_t j = j0; j < j_end; ++j, out += ItemSize, in += src_last_stride * ItemSize)
            std::memcpy(out, in, ItemSize);
        }
      }
    }
    // Advance the middle index in C order (last middle axis fastest) and
    // keep its F-order offset in step.
    for (std::size_t k = rank - 2; k >= 1; --k) {
      if (++index[k] < shape[k]) {
        src_middle += middle_stride[k];
        break;
      }
      src_middle -= (shape[k] - 1) * middle_stride[k];
      index[k] = 0;
    }
  }
}

inline void fortran_to_c_order(const std::byte* src, std::byte* dst, std::span<const std::size_t> shape,
                               std::size_t item_size) {
  switch (item_size) {
    case 1: return fortran_to_c_order<1>(src, dst, shape);
    case 2: return fortran_to_c_order<2>(src, dst, shape);
    case 4: return fortran_to_c_order<4>(src, dst, shape);
    case 8: return fortran_to_c_order<8>(src, dst, shape);
    case 16: return fortran_to_c_order<16>(src, dst, shape);
    default: throw error("npy: unsupported item size " + std::to_string(item_size));
  }
}

// A Fortran-order array with at most one axis longer than 1 has the same
// element order as in C; only the others need transposing.
inline bool needs_transpose(const header& h) noexcept {
  return h.fortran_order && std::count_if(h.shape.begin(), h.shape.end(), [](std::size_t d) { return d > 1; }) > 1;
}

inline std::uint32_t read_le(std::span<const std::byte> bytes, std::size_t at, std::size_t width) noexcept {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v |= std::to_integer<std::uint32_t>(bytes[at + i]) << (8 * i);
  return v;
}

}  // namespace detail

inline std::size_t header::element_count() const {
  auto n = detail::checked_product(shape);
  if (!n) throw error("npy: the element count of shape " + detail::shape_repr(shape) + " overflows");
  return *n;
}

inline std::size_t header::data_bytes() const {
  auto n = detail::checked_product(shape, itemsize(type.type));
  if (!n) throw error("npy: the byte size of shape " + detail::shape_repr(shape) + " overflows");
  return *n;
}

inline header parse_header(std::span<const std::byte> npy, const read_limits& limits) {
  return parse_header(npy, npy.size(), limits);
}

inline header parse_header(std::span<const std::byte> npy, std::uint64_t file_size, const read_limits& limits) {
  if (file_size < npy.size()) file_size = npy.size();
  constexpr std::size_t magic_size = detail::magic.size();
  if (npy.size() < magic_size + 2 ||
      std::memcmp(npy.data(), detail::magic.data(), magic_size) != 0)
    throw error("npy: not a .npy file (bad or truncated magic)");
  const auto major = std::to_integer<unsigned>(npy[magic_size]);
  const auto minor = std::to_integer<unsigned>(npy[magic_size + 1]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    throw error("npy: unsupported format version " + std::to_string(major) + "." + std::to_string(minor));
  // Version 1.0 stores the header length in 2 bytes, later versions in 4.
  const std::size_t length_width = major == 1 ? 2 : 4;
  const std::size_t prefix = magic_size + 2 + length_width;
  if (npy.size() < prefix) throw error("npy: truncated before the header length");
  const std::size_t header_length = detail::read_le(npy, magic_size + 2, length_width);
  if (header_length > npy.size() - prefix)
    throw error("npy: header length " + std::to_string(header_length) + " runs past the end of the " +
                (file_size == npy.size() ? "file (" + std::to_string(npy.size()) + " bytes)"
                                         : "first " + std::to_string(npy.size()) + " bytes"));
  if (header_length > limits.max_npy_header_length)
    throw error("npy: header length " + std::to_string(header_length) + " is " +
                zanj::detail::over_limit(limits.max_npy_header_length, "max_npy_header_length", "bytes"));

  // Versions 1.0/2.0 are latin-1, 3.0 UTF-8; the keys and values we accept
  // are ASCII either way, so the bytes are parsed as they are.
  const std::string_view text(reinterpret_cast<const char*>(npy.data() + prefix), header_length);
  header h;
  detail::header_dict_parser(text).parse(h);
  h.data_offset = prefix + header_length;

  const auto elements = detail::checked_product(h.shape);
  const auto bytes = detail::checked_product(h.shape, itemsize(h.type.type));
  if (!elements || !bytes) throw error("npy: shape " + detail::shape_repr(h.shape) + " is too large (size overflows)");
  if (*bytes > file_size - h.data_offset)
    throw error("npy: data is shorter than declared: shape " + detail::shape_repr(h.shape) + " needs " +
                std::to_string(*bytes) + " bytes, " + std::to_string(file_size - h.data_offset) + " present");
  // The data present bounds the bytes; the limit bounds the elements, which
  // a conversion to a wider type, or into one value each, multiplies.
  if (*elements > limits.max_array_elements)
    throw error("npy: shape " + detail::shape_repr(h.shape) + " has " + std::to_string(*elements) + " elements, " +
                zanj::detail::over_limit(limits.max_array_elements, "max_array_elements"));
  return h;
}

inline std::string format_header(dtype_spec type, std::span<const std::size_t> shape, bool fortran_order) {
  std::string dict = "{'descr': '" + npy_descr(type.type, type.order) +
                     "', 'fortran_order': " + (fortran_order ? "True" : "False") +
                     ", 'shape': " + detail::shape_repr(shape) + ", }";
  // numpy (>= 1.24) reserves room for the growth axis to reach 21 digits, so
  // that appending along it can rewrite the header in place.
  constexpr std::size_t growth_axis_max_digits = 21;
  if (!shape.empty()) {
    const std::size_t digits = std::to_string(fortran_order ? shape.back() : shape.front()).size();
    if (digits < growth_axis_max_digits) dict.append(growth_axis_max_digits - digits, ' ');
  }

  constexpr std::size_t align = 64;
  const std::size_t text_length = dict.size() + 1;  // + the final '\n'
  // Version 1.0 unless its 2-byte header length cannot hold the length.
  const std::size_t v1_prefix = detail::magic.size() + 2 + 2;
  const unsigned major = text_length + (align - (v1_prefix + text_length) % align) <= 0xffff ? 1 : 2;
  const std::size_t length_width = major == 1 ? 2 : 4;
  const std::size_t prefix = detail::magic.size() + 2 + length_width;
  // As numpy: a full block of padding when already aligned.
  const std::size_t padding = align - (prefix + text_length) % align;
  const std::size_t header_length = text_length + padding;
  std::string out(detail::magic);
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t i = 0; i < length_width; ++i) out += static_cast<char>((header_length >> (8 * i)) & 0xffu);
  out += dict;
  out.append(padding, ' ');
  out += '\n';
  return out;
}

inline std::string format_header(dtype type, std::span<const std::size_t> shape, bool fortran_order) {
  return format_header(dtype_spec{type, std::endian::little}, shape, fortran_order);
}

inline void decode_into(const header& h, std::span<const std::byte> npy, std::span<std::byte> dest) {
  const std::size_t bytes = h.data_bytes();
  if (dest.size() != bytes)
    throw error("npy: destination holds " + std::to_string(dest.size()) + " bytes, the data " +
                std::to_string(bytes));
  if (h.data_offset > npy.size() || bytes > npy.size() - h.data_offset)
    throw error("npy: data is shorter than declared");
  if (bytes == 0) return;
  const std::byte* src = npy.data() + h.data_offset;
  if (detail::needs_transpose(h))
    detail::fortran_to_c_order(src, dest.data(), h.shape, itemsize(h.type.type));
  else
    std::memcpy(dest.data(), src, bytes);
  zanj::detail::convert_byte_order(dest, h.type.type, h.type.order);
}

inline array_value read(std::span<const std::byte> npy, const read_limits& limits) {
  const header h = parse_header(npy, limits);
  array_value a;
  a.type = h.type.type;
  a.shape = h.shape;
  // data_bytes() is bounded by npy.size(), checked in parse_header.
  if (detail::needs_transpose(h)) {
    a.bytes.resize(h.data_bytes());
    decode_into(h, npy, a.bytes);
  } else {
    // Copying the range directly skips resize()'s zero fill.
    const auto data = npy.subspan(h.data_offset, h.data_bytes());
    a.bytes.assign(data.begin(), data.end());
    zanj::detail::convert_byte_order(a.bytes, h.type.type, h.type.order);
  }
  return a;
}

inline std::vector<std::byte> write(const array_value& array) {
  const auto expected = detail::checked_product(array.shape, itemsize(array.type));
  if (!expected || *expected != array.bytes.size())
    throw error("npy: array of shape " + detail::shape_repr(array.shape) + " and dtype " +
                std::string(numpy_name(array.type)) + " has " + std::to_string(array.bytes.size()) +
                " bytes of data");
  // array_value holds native order; say so in the descr.
  const std::string head = format_header(dtype_spec{array.type, std::endian::native}, array.shape);
  std::vector<std::byte> out(head.size() + array.bytes.size());
  std::memcpy(out.data(), head.data(), head.size());
  if (!array.bytes.empty()) std::memcpy(out.data() + head.size(), array.bytes.data(), array.bytes.size());
  return out;
}

}  // namespace zanj::npy
