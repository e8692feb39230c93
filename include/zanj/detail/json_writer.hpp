// The JSON writer: zanj::value -> text, byte-identical to Python's
// json.dump as the reference calls it (indent="\t" for .json members,
// default separators for .jsonl lines, ensure_ascii).
#pragma once

#include <array>
#include <charconv>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include <zanj/detail/float_repr.hpp>
#include <zanj/detail/json_parser.hpp>  // decode_utf8, default_json_max_depth
#include <zanj/dtype.hpp>
#include <zanj/error.hpp>
#include <zanj/half.hpp>
#include <zanj/value.hpp>

namespace zanj::detail {

/// What a byte needs when it appears in a string: nothing (printable ASCII
/// other than '"' and '\\'), a short escape, a \u00XX escape, or UTF-8
/// decoding.
enum class string_byte : std::uint8_t { plain, short_escape, unicode_escape, multibyte };

inline constexpr std::array<string_byte, 256> string_byte_classes = [] {
  std::array<string_byte, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    if (c < 0x20 || c == 0x7F)
      classes[c] = string_byte::unicode_escape;
    else if (c >= 0x80)
      classes[c] = string_byte::multibyte;
    else
      classes[c] = string_byte::plain;
  }
  for (unsigned char c : {'"', '\\', '\n', '\r', '\t', '\b', '\f'}) classes[c] = string_byte::short_escape;
  return classes;
}();

inline void append_unicode_escape(std::string& out, char32_t unit) {
  constexpr char hex[] = "0123456789abcdef";
  const char escape[] = {'\\', 'u', hex[(unit >> 12) & 0xF], hex[(unit >> 8) & 0xF], hex[(unit >> 4) & 0xF],
                         hex[unit & 0xF]};
  out.append(escape, sizeof escape);
}

/// Appends `utf8` as a JSON string literal the way Python's json.dumps
/// (ensure_ascii=True) does. Encoded lone surrogates (WTF-8, as the parser
/// produces for lone `\udXXX` escapes) are written back as `\udXXX`.
inline void append_json_string(std::string& out, std::string_view utf8) {
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  while (p != end) {
    const auto* run = p;
    while (p != end && string_byte_classes[*p] == string_byte::plain) ++p;
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    if (p == end) break;
    switch (string_byte_classes[*p]) {
      case string_byte::short_escape: {
        char escaped = static_cast<char>(*p);
        switch (*p) {
          case '\n': escaped = 'n'; break;
          case '\r': escaped = 'r'; break;
          case '\t': escaped = 't'; break;
          case '\b': escaped = 'b'; break;
          case '\f': escaped = 'f'; break;
          default: break;  // '"' and '\\' escape as themselves
        }
        const char escape[] = {'\\', escaped};
        out.append(escape, 2);
        ++p;
        break;
      }
      case string_byte::unicode_escape:
        append_unicode_escape(out, *p);
        ++p;
        break;
      default: {
        char32_t code_point;
        const std::size_t length = decode_utf8(p, end, true, code_point);
        if (length == 0) throw error("string is not valid UTF-8");
        if (code_point >= 0x10000) {
          code_point -= 0x10000;
          append_unicode_escape(out, 0xD800 + (code_point >> 10));
          append_unicode_escape(out, 0xDC00 + (code_point & 0x3FF));
        } else {
          append_unicode_escape(out, code_point);
        }
        p += length;
      }
    }
  }
  out.push_back('"');
}

template <class Integer>
inline void append_integer(std::string& out, Integer i) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, i).ptr);
}

/// Writes values in one of the two layouts. `Pretty` is the __zanj__.json
/// layout (json.dump(indent="\t")), otherwise the .jsonl line layout
/// (json.dumps defaults). A template so the layout costs no branches.
template <bool Pretty>
class json_writer {
 public:
  explicit json_writer(std::string& out, std::size_t max_depth = default_json_max_depth) noexcept
      : out_(out), max_depth_(max_depth) {}

  void write(const value& v) {
    switch (v.kind()) {
      case kind::null: out_.append("null", 4); return;
      case kind::boolean: v.as_bool() ? out_.append("true", 4) : out_.append("false", 5); return;
      case kind::int64: append_integer(out_, v.as_int64()); return;
      case kind::uint64: append_integer(out_, v.as_uint64()); return;
      case kind::float64: append_float_repr(out_, v.as_double()); return;
      case kind::string: append_json_string(out_, v.as_string()); return;
      case kind::list:
      case kind::tuple: write_items(*v.items()); return;
      case kind::object: write_object(v.as_object()); return;
      case kind::array: write_array(v.as_array()); return;
    }
  }

 private:
  // -- layout ---------------------------------------------------------------

  /// Readers (ours and Python's) give up on deeper documents, so refuse to
  /// write one; this also bounds the writer's recursion.
  void check_depth() const {
    if (depth_ >= max_depth_)
      throw error("value nested deeper than " + std::to_string(max_depth_) + " levels cannot be written as JSON");
  }
  void open(char bracket) {
    check_depth();
    ++depth_;
    out_.push_back(bracket);
    newline();
  }
  void close(char bracket) {
    --depth_;
    newline();
    out_.push_back(bracket);
  }
  void separator() {
    if constexpr (Pretty) {
      out_.push_back(',');
      newline();
    } else {
      out_.append(", ", 2);
    }
  }
  void newline() {
    if constexpr (Pretty) {
      out_.push_back('\n');
      out_.append(depth_, '\t');
    }
  }
  void key(std::string_view name) {
    append_json_string(out_, name);
    out_.append(": ", 2);
  }

  // -- containers -----------------------------------------------------------

  void write_items(const std::vector<value>& items) {
    check_depth();
    if (items.empty()) {
      out_.append("[]", 2);
      return;
    }
    open('[');
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) separator();
      write(items[i]);
    }
    close(']');
  }

  void write_object(const object& members) {
    check_depth();
    if (members.empty()) {
      out_.append("{}", 2);
      return;
    }
    open('{');
    bool first = true;
    for (auto& [name, member] : members) {
      if (!first) separator();
      first = false;
      key(name);
      write(member);
    }
    close('}');
  }

  // -- arrays ---------------------------------------------------------------

  /// The reference's inline array object: `zero_dim` for 0-d arrays (data
  /// is the scalar, torch dtype as "torch.<name>"), `array_list_meta`
  /// otherwise (data nested by shape, dtype the numpy name).
  void write_array(const array_value& a) {
    std::size_t n_elements = 1;
    bool overflow = false;
    for (std::size_t d : a.shape) {
      if (d != 0 && n_elements > static_cast<std::size_t>(-1) / d) overflow = true;
      n_elements *= d;
    }
    if (overflow || n_elements != a.bytes.size() / itemsize(a.type) || a.bytes.size() % itemsize(a.type) != 0)
      throw error("array of " + std::to_string(a.bytes.size()) + " bytes does not match its shape and dtype");
    const bool zero_dim = a.shape.empty();

    open('{');
    key("__muutils_format__");
    std::string format = a.torch ? "torch.Tensor" : "numpy.ndarray";
    format += zero_dim ? ":zero_dim" : ":array_list_meta";
    append_json_string(out_, format);
    separator();
    key("data");
    write_array_data(a);
    separator();
    key("shape");
    if (zero_dim) {
      out_.append("[]", 2);
    } else {
      open('[');
      for (std::size_t i = 0; i < a.shape.size(); ++i) {
        if (i) separator();
        append_integer(out_, a.shape[i]);
      }
      close(']');
    }
    separator();
    key("dtype");
    std::string dtype_name = a.torch && zero_dim ? "torch." : "";
    dtype_name += numpy_name(a.type);
    append_json_string(out_, dtype_name);
    separator();
    key("n_elements");
    append_integer(out_, n_elements);
    close('}');
  }

  void write_array_data(const array_value& a) {
    switch (a.type) {
      case dtype::bool_: return write_nested<bool>(a);
      case dtype::int8: return write_nested<std::int8_t>(a);
      case dtype::int16: return write_nested<std::int16_t>(a);
      case dtype::int32: return write_nested<std::int32_t>(a);
      case dtype::int64: return write_nested<std::int64_t>(a);
      case dtype::uint8: return write_nested<std::uint8_t>(a);
      case dtype::uint16: return write_nested<std::uint16_t>(a);
      case dtype::uint32: return write_nested<std::uint32_t>(a);
      case dtype::uint64: return write_nested<std::uint64_t>(a);
      case dtype::float16: return write_nested<float16>(a);
      case dtype::bfloat16: return write_nested<bfloat16>(a);
      case dtype::float32: return write_nested<float>(a);
      case dtype::float64: return write_nested<double>(a);
      case dtype::complex64: return write_nested<std::complex<float>>(a);
      case dtype::complex128: return write_nested<std::complex<double>>(a);
    }
  }

  template <class Element>
  void write_nested(const array_value& a) {
    const std::byte* next = a.bytes.data();
    if (a.shape.empty())
      write_element<Element>(next);
    else
      write_dimension<Element>(a.shape, next);
  }

  /// Writes the nested list for `dims`, advancing `next` over the elements.
  template <class Element>
  void write_dimension(std::span<const std::size_t> dims, const std::byte*& next) {
    if (dims[0] == 0) {
      out_.append("[]", 2);
      return;
    }
    open('[');
    for (std::size_t i = 0; i < dims[0]; ++i) {
      if (i) separator();
      if (dims.size() == 1) {
        write_element<Element>(next);
        next += sizeof(Element);
      } else {
        write_dimension<Element>(dims.subspan(1), next);
      }
    }
    close(']');
  }

  /// One element as the reference's `.tolist()` gives it: ints exact, floats
  /// widened to double, complex as [re, im].
  template <class Element>
  void write_element(const std::byte* at) {
    if constexpr (std::is_same_v<Element, bool>) {
      // Read as a byte: a bool object holding anything but 0/1 would be UB.
      std::to_integer<unsigned>(*at) != 0 ? out_.append("true", 4) : out_.append("false", 5);
    } else {
      Element x;
      std::memcpy(&x, at, sizeof x);  // bytes carry no alignment promise
      if constexpr (std::is_integral_v<Element>) {
        append_integer(out_, x);
      } else if constexpr (std::is_same_v<Element, std::complex<float>> ||
                           std::is_same_v<Element, std::complex<double>>) {
        open('[');
        append_float_repr(out_, static_cast<double>(x.real()));
        separator();
        append_float_repr(out_, static_cast<double>(x.imag()));
        close(']');
      } else if constexpr (std::is_same_v<Element, double>) {
        append_float_repr(out_, x);
      } else {  // float, float16, bfloat16: exact through float, then widened
        append_float_repr(out_, static_cast<double>(static_cast<float>(x)));
      }
    }
  }

  std::string& out_;
  std::size_t depth_ = 0;
  std::size_t max_depth_;
};

}  // namespace zanj::detail
