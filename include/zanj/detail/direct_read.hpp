// Reading .jsonl lines straight into C++ objects, with no zanj::value in
// between: the hot path of long lists of records (W3) and of tables. It
// accepts only the exact form direct_json writes (keys in field order, the
// expected format names, plain ASCII strings without escapes, numbers the
// generic parser would read the same way) and says "no" to anything else;
// the caller then reads the whole member through zanj::value, which decides
// what the other forms mean and words every error. So a file read either way
// gives the same objects, and a bad or unusual file the same error.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/pfr.hpp>

#include <zanj/codec/aggregate.hpp>  // dataclass_name
#include <zanj/codec/codec.hpp>
#include <zanj/detail/array_elements.hpp>
#include <zanj/detail/digits.hpp>
#include <zanj/detail/format_names.hpp>
#include <zanj/detail/huge_pages.hpp>
#include <zanj/detail/jsonl_lines.hpp>
#include <zanj/detail/parallel.hpp>
#include <zanj/limits.hpp>

namespace zanj::detail {

/// A JSON number as the generic parser would hold it.
struct json_number {
  enum { integer, unsigned_integer, floating } kind = integer;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
};

/// The double that digits `integer` . `fraction` (counted in `*_digits`)
/// times 10^exponent spell, computed exactly when that is easy: the digits
/// fit 2^53 and the power of ten is one of the exact doubles 1e0..1e22, so
/// one correctly rounded multiply or divide gives the correctly rounded
/// result (Clinger's fast path), as from_chars would. False otherwise (the
/// caller asks from_chars), and under -ffast-math, where the division may
/// be turned into an inexact reciprocal multiply.
inline bool exact_double(bool negative, std::uint64_t integer, std::size_t integer_digits, std::uint64_t fraction,
                         std::size_t fraction_digits, int exponent, double& out) noexcept {
#if defined(__FAST_MATH__)
  (void)negative, (void)integer, (void)integer_digits, (void)fraction, (void)fraction_digits, (void)exponent, (void)out;
  return false;
#else
  static constexpr double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  static constexpr auto scale = [] {
    std::array<std::uint64_t, 20> out{1};
    for (std::size_t i = 1; i < out.size(); ++i) out[i] = out[i - 1] * 10;
    return out;
  }();
  // Up to 19 digits in all fit a uint64 without wrapping.
  if (integer_digits + fraction_digits > 19) return false;
  const std::uint64_t digits = integer * scale[fraction_digits] + fraction;
  const int power = exponent - static_cast<int>(fraction_digits);
  if (digits > (std::uint64_t{1} << 53) || power < -22 || power > 22) return false;
  double value = static_cast<double>(digits);
  value = power < 0 ? value / powers[-power] : value * powers[power];
  out = negative ? -value : value;
  return true;
#endif
}

/// A position in one line of JSON text.
struct json_cursor {
  const char* p;
  const char* end;
  const read_limits& limits;

  void skip_space() noexcept {
    while (p != end && (*p == ' ' || *p == '\t')) ++p;
  }
  bool consume(char c) noexcept {
    skip_space();
    if (p == end || *p != c) return false;
    ++p;
    return true;
  }
  bool peek(char c) noexcept {
    skip_space();
    return p != end && *p == c;
  }
  bool literal(std::string_view word) noexcept {
    skip_space();
    if (static_cast<std::size_t>(end - p) < word.size()) return false;
    // A byte loop, not memcmp: "true" in every row of a table is too short
    // to pay for a call.
    for (std::size_t i = 0; i < word.size(); ++i)
      if (p[i] != word[i]) return false;
    p += word.size();
    return true;
  }
  /// A string of printable ASCII without escapes (anything else: no).
  bool plain_string(std::string_view& out) noexcept {
    if (!consume('"')) return false;
    const char* start = p;
    while (p != end && *p != '"') {
      const auto c = static_cast<unsigned char>(*p);
      if (c < 0x20 || c >= 0x7F || c == '\\') return false;
      ++p;
    }
    if (p == end) return false;
    out = std::string_view(start, static_cast<std::size_t>(p - start));
    ++p;
    return out.size() <= limits.max_string_length;
  }
  /// Any string, its escapes decoded into UTF-8 as the generic parser
  /// decodes them (a lone surrogate, a raw control or non-ASCII byte: no).
  bool string(std::string& out) {
    if (!consume('"')) return false;
    out.clear();
    for (;;) {
      const char* run = p;
      while (p != end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20 &&
             static_cast<unsigned char>(*p) < 0x80)
        ++p;
      out.append(run, static_cast<std::size_t>(p - run));
      if (p == end) return false;
      if (*p == '"') {
        ++p;
        return out.size() <= limits.max_string_length;
      }
      if (*p != '\\') return false;
      if (++p == end) return false;
      switch (*p++) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          char32_t unit;
          if (!hex4(unit)) return false;
          if (unit >= 0xDC00 && unit <= 0xDFFF) return false;
          if (unit >= 0xD800 && unit <= 0xDBFF) {
            char32_t low;
            if (end - p < 2 || p[0] != '\\' || p[1] != 'u') return false;
            p += 2;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, unit);
          break;
        }
        default: return false;
      }
    }
  }
  bool hex4(char32_t& unit) noexcept {
    if (end - p < 4) return false;
    unit = 0;
    for (int i = 0; i < 4; ++i, ++p) {
      const char c = *p;
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return false;
      unit = unit * 16 + static_cast<char32_t>(d);
    }
    return true;
  }
  static void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  /// `"<name>":`
  bool key(std::string_view name) noexcept {
    skip_space();
    const std::size_t n = name.size();
    if (static_cast<std::size_t>(end - p) < n + 2 || p[0] != '"' || p[n + 1] != '"' || n > limits.max_string_length)
      return false;
    // Field names are short: a loop the compiler unrolls beats a call to
    // memcmp, which a table row would make once per cell.
    if (n <= 16) {
      for (std::size_t i = 0; i < n; ++i)
        if (p[1 + i] != name[i]) return false;
    } else if (std::memcmp(p + 1, name.data(), n) != 0) {
      return false;
    }
    p += n + 2;
    return consume(':');
  }
  /// After a value: the end of the line or of its container.
  bool at_delimiter() const noexcept {
    return p == end || *p == ',' || *p == ']' || *p == '}' || *p == ' ' || *p == '\t';
  }
  /// A number as the generic parser reads it: an integer literal as int64
  /// (else uint64), anything with a fraction or exponent as double. Numbers
  /// it would read otherwise (beyond 2^64, out of double's range) are left
  /// to it.
  bool number(json_number& out) noexcept {
    skip_space();
    // The tokens Python's json writes for NaN and the infinities.
    if (p != end && (*p == 'N' || *p == 'I' || (*p == '-' && end - p > 1 && p[1] == 'I'))) {
      const bool negative = *p == '-';
      out.kind = json_number::floating;
      if (literal("NaN")) {
        out.d = std::numeric_limits<double>::quiet_NaN();
      } else if (literal(negative ? "-Infinity" : "Infinity")) {
        out.d = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
      } else {
        return false;
      }
      return at_delimiter();
    }
    const char* start = p;
    const char* q = p;
    const bool negative = q != end && *q == '-';
    if (negative) ++q;
    if (q == end || *q < '0' || *q > '9') return false;
    const char* digits = q;
    std::uint64_t magnitude = 0;
    if (*q == '0') {
      ++q;
    } else {
      // Past 19 digits the magnitude wraps; from_chars reads those below.
      for (std::uint64_t word; end - q >= 8 && eight_digits(word = load_eight(q)); q += 8)
        magnitude = magnitude * 100'000'000 + eight_digit_value(word);
      for (; q != end && *q >= '0' && *q <= '9'; ++q) magnitude = magnitude * 10 + static_cast<unsigned>(*q - '0');
    }
    const std::size_t integer_digits = static_cast<std::size_t>(q - digits);
    bool is_float = false;
    std::uint64_t fraction = 0;  // wraps past 19 digits, like magnitude: then unused
    std::size_t fraction_digits = 0;
    if (q != end && *q == '.') {
      ++q;
      if (q == end || *q < '0' || *q > '9') return false;
      const char* first = q;
      for (std::uint64_t word; end - q >= 8 && eight_digits(word = load_eight(q)); q += 8)
        fraction = fraction * 100'000'000 + eight_digit_value(word);
      for (; q != end && is_digit(*q); ++q) fraction = fraction * 10 + static_cast<unsigned>(*q - '0');
      fraction_digits = static_cast<std::size_t>(q - first);
      is_float = true;
    }
    int exponent = 0;  // saturates: a larger one never takes the fast path
    if (q != end && (*q == 'e' || *q == 'E')) {
      ++q;
      const bool negative_exponent = q != end && *q == '-';
      if (q != end && (*q == '+' || *q == '-')) ++q;
      if (q == end || *q < '0' || *q > '9') return false;
      for (; q != end && is_digit(*q); ++q)
        if (exponent < 100'000) exponent = exponent * 10 + (*q - '0');
      if (negative_exponent) exponent = -exponent;
      is_float = true;
    }
    if (q != end && *q != ',' && *q != ']' && *q != '}' && *q != ' ' && *q != '\t') return false;
    if (is_float) {
      if (!exact_double(negative, magnitude, integer_digits, fraction, fraction_digits, exponent, out.d)) {
        auto r = std::from_chars(start, q, out.d);
        if (r.ec != std::errc{} || r.ptr != q) return false;
      }
      out.kind = json_number::floating;
    } else if (q - digits <= 19) {
      // Up to 19 digits fit the uint64 accumulated: int64 if in its range
      // (2^63 only negative), else uint64, as the generic parser decides.
      constexpr std::uint64_t int64_limit = std::uint64_t{1} << 63;
      if (negative ? magnitude > int64_limit : magnitude >= int64_limit) {
        if (negative) return false;
        out.kind = json_number::unsigned_integer;
        out.u = magnitude;
      } else {
        out.kind = json_number::integer;
        out.i = negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
      }
    } else if (auto r = std::from_chars(start, q, out.i); r.ec == std::errc{} && r.ptr == q) {
      out.kind = json_number::integer;
    } else {
      if (negative) return false;
      auto ru = std::from_chars(start, q, out.u);
      if (ru.ec != std::errc{} || ru.ptr != q) return false;
      out.kind = json_number::unsigned_integer;
    }
    p = q;
    return true;
  }
  /// An integer literal equal to n.
  bool count(std::size_t n) noexcept {
    json_number x;
    return number(x) && x.kind == json_number::integer && x.i >= 0 && static_cast<std::uint64_t>(x.i) == n;
  }
};

/// direct_read<T>::supported, read(cursor, out) -> bool, and depth: how
/// deep T's JSON form nests (for the max_json_depth limit).
template <class T, family F = family_of<T>()>
struct direct_read {
  static constexpr bool supported = false;
};

template <class T>
concept direct_readable = direct_read<T>::supported;

/// A number into an arithmetic T as scalar_from_value converts it.
template <class T>
bool read_number_as(json_cursor& c, T& out) {
  json_number x;
  if (!c.number(x)) return false;
  switch (x.kind) {
    case json_number::integer: return convert_scalar(x.i, out);
    case json_number::unsigned_integer: return convert_scalar(x.u, out);
    default: return convert_scalar(x.d, out);
  }
}

template <>
struct direct_read<bool, family::boolean> {
  static constexpr bool supported = true;
  static constexpr std::size_t depth = 0;
  static bool read(json_cursor& c, bool& out) {
    if (c.literal("true")) {
      out = true;
      return true;
    }
    if (c.literal("false")) {
      out = false;
      return true;
    }
    return false;
  }
};

template <class T>
struct direct_read<T, family::integer> {
  static constexpr bool supported = true;
  static constexpr std::size_t depth = 0;
  static bool read(json_cursor& c, T& out) {
    json_number x;
    if (!c.number(x) || x.kind == json_number::floating) return false;
    return x.kind == json_number::integer ? convert_scalar(x.i, out) : convert_scalar(x.u, out);
  }
};

template <class T>
  requires std::is_floating_point_v<T>
struct direct_read<T, family::floating> {
  static constexpr bool supported = true;
  static constexpr std::size_t depth = 0;
  static bool read(json_cursor& c, T& out) { return read_number_as(c, out); }
};

template <class T>
  requires direct_readable<std::underlying_type_t<T>>
struct direct_read<T, family::enumeration> {
  using underlying = std::underlying_type_t<T>;
  static constexpr bool supported = true;
  static constexpr std::size_t depth = 0;
  static bool read(json_cursor& c, T& out) {
    underlying u{};
    if (!direct_read<underlying>::read(c, u)) return false;
    out = static_cast<T>(u);
    return true;
  }
};

template <>
struct direct_read<std::string, family::string> {
  static constexpr bool supported = true;
  static constexpr std::size_t depth = 0;
  static bool read(json_cursor& c, std::string& out) { return c.string(out); }
};

template <class T>
  requires direct_readable<typename T::value_type> && std::is_default_constructible_v<typename T::value_type>
struct direct_read<T, family::optional> {
  using inner = typename T::value_type;
  static constexpr bool supported = true;
  static constexpr std::size_t depth = direct_read<inner>::depth;
  static bool read(json_cursor& c, T& out) {
    if (c.literal("null")) {
      out.reset();
      return true;
    }
    return direct_read<inner>::read(c, out.emplace());
  }
};

/// The array_list_meta object of a 1-d array whose dtype is exactly the
/// element type's (array_save.hpp writes it so).
template <class T>
  requires(!std::is_same_v<T, std::vector<bool>> && !is_std_span_v<T> &&
           std::is_arithmetic_v<std::ranges::range_value_t<T>> &&
           direct_readable<std::remove_cv_t<std::ranges::range_value_t<T>>>)
struct direct_read<T, family::numeric_array> {
  using element = std::remove_cv_t<std::ranges::range_value_t<T>>;
  static constexpr bool supported = true;
  static constexpr std::size_t depth = 2;
  static bool read(json_cursor& c, T& out) {
    std::string_view s;
    if (!c.consume('{') || !c.key(format_key) || !c.plain_string(s) || s != "numpy.ndarray:array_list_meta" ||
        !c.consume(',') || !c.key("data") || !c.consume('['))
      return false;
    std::size_t n = 0;
    if constexpr (!is_std_array_v<T>) out.clear();
    if (!c.consume(']')) {
      do {
        element e{};
        if (!direct_read<element>::read(c, e)) return false;
        if constexpr (is_std_array_v<T>) {
          if (n >= out.size()) return false;
          out[n] = e;
        } else {
          out.push_back(e);
        }
        ++n;
      } while (c.consume(','));
      if (!c.consume(']')) return false;
    }
    if constexpr (is_std_array_v<T>) {
      if (n != out.size()) return false;
    }
    return n <= c.limits.max_array_elements && c.consume(',') && c.key("shape") && c.consume('[') &&
           c.count(n) &&
           c.consume(']') && c.consume(',') && c.key("dtype") && c.plain_string(s) &&
           s == numpy_name(dtype_v<element>) && c.consume(',') && c.key("n_elements") && c.count(n) && c.consume('}');
  }
};

/// A JSON list into a sequence (a std::array needs exactly its size).
template <class T>
  requires direct_readable<std::ranges::range_value_t<T>> &&
           std::is_default_constructible_v<std::ranges::range_value_t<T>>
struct direct_read<T, family::sequence> {
  using element = std::ranges::range_value_t<T>;
  static constexpr bool supported = true;
  static constexpr std::size_t depth = 1 + direct_read<element>::depth;
  static bool read(json_cursor& c, T& out) {
    if (!c.consume('[')) return false;
    std::size_t n = 0;
    if constexpr (!is_std_array_v<T>) out.clear();
    if (!c.consume(']')) {
      do {
        if constexpr (is_std_array_v<T>) {
          if (n >= out.size() || !direct_read<element>::read(c, out[n])) return false;
        } else {
          element e{};
          if (!direct_read<element>::read(c, e)) return false;
          out.push_back(std::move(e));
        }
        ++n;
      } while (c.consume(','));
      if (!c.consume(']')) return false;
    }
    if constexpr (is_std_array_v<T>) return n == out.size();
    return true;
  }
};

template <class T>
constexpr bool all_fields_direct_readable() {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    return (direct_readable<boost::pfr::tuple_element_t<I, T>> && ...);
  }(std::make_index_sequence<field_count<T>>{});
}

template <class T>
constexpr std::size_t deepest_field() {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    std::size_t d = 0;
    ((d = std::max(d, direct_read<boost::pfr::tuple_element_t<I, T>>::depth)), ...);
    return d;
  }(std::make_index_sequence<field_count<T>>{});
}

/// A dataclass object with its own format name and every field, in order.
template <class T>
  requires(all_fields_direct_readable<T>())
struct direct_read<T, family::aggregate> {
  static constexpr bool supported = true;
  static constexpr std::size_t depth = 1 + deepest_field<T>();
  static bool read(json_cursor& c, T& out) {
    static const std::string format = dataclass_name<T>() + std::string(dataclass_suffix);
    std::string_view s;
    if (!c.consume('{') || !c.key(format_key) || !c.plain_string(s) || s != format) return false;
    bool ok = true;
    for_each_field(out, [&](std::string_view name, auto& field) {
      ok = ok && c.consume(',') && c.key(name) && direct_read<std::remove_cvref_t<decltype(field)>>::read(c, field);
    });
    return ok && c.consume('}');
  }
};

/// A run of whole lines of a .jsonl member and the number of lines before it.
struct jsonl_piece {
  std::string_view text;
  std::size_t first_line = 0;
};

/// The text of a .jsonl member cut at line ends into pieces of about
/// `piece_bytes`, each knowing the index of its first line, so that every
/// core can read its pieces straight into their elements: no list of the
/// lines is built (for W5, a million of them). Sets `total` to the number of
/// lines, as load_context::parse_jsonl counts them; nothing if it would
/// refuse that many.
inline std::optional<std::vector<jsonl_piece>> jsonl_pieces_of(std::string_view text, const read_limits& limits,
                                                              std::size_t& total,
                                                              std::size_t piece_bytes = std::size_t{1} << 20) {
  std::vector<jsonl_piece> pieces;
  while (!text.empty()) {
    std::size_t cut = text.size();
    if (text.size() > piece_bytes) {
      const std::size_t newline = text.find('\n', piece_bytes - 1);
      if (newline != std::string_view::npos) cut = newline + 1;
    }
    pieces.push_back({text.substr(0, cut), 0});
    text.remove_prefix(cut);
  }
  // Counting the line ends is a fraction of reading the lines: do it on
  // every core too, then number the pieces.
  std::vector<std::size_t> lines(pieces.size());
  parallel_for(pieces.size(), [&](std::size_t k) {
    lines[k] = jsonl_line_count(pieces[k].text);
  }, pieces.size() >= 4 ? worker_count() : 1);
  total = 0;
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    pieces[k].first_line = total;
    total += lines[k];
  }
  if (total > limits.max_jsonl_lines) return std::nullopt;
  return pieces;
}

/// Reads one line (without its line end) by read_line(cursor, i) -> bool:
/// false if it says no, leaves text after the value, or the line is blank
/// (parse_jsonl then words the error).
template <class ReadLine>
bool read_jsonl_line(std::string_view line, std::size_t i, const read_limits& limits, ReadLine& read_line) {
  json_cursor c{line.data(), line.data() + line.size(), limits};
  c.skip_space();
  if (c.p == c.end || !read_line(c, i)) return false;
  c.skip_space();
  return c.p == c.end;
}

/// Calls read_line(cursor, i) -> bool for every line i of `pieces`, on every
/// core when there are several; false if a line is refused (read_jsonl_line).
template <class ReadLine>
bool for_each_line(const std::vector<jsonl_piece>& pieces, const read_limits& limits, ReadLine&& read_line) {
  std::atomic<bool> ok{true};
  parallel_for(pieces.size(), [&](std::size_t k) {
    std::string_view text = pieces[k].text;
    for (std::size_t i = pieces[k].first_line; !text.empty() && ok.load(std::memory_order_relaxed); ++i) {
      if (!read_jsonl_line(take_jsonl_line(text), i, limits, read_line)) {
        ok = false;
        return;
      }
    }
  }, pieces.size() >= 2 ? worker_count() : 1);
  return ok;
}

/// Reads the lines of a deflated member with a chunk map into `out`, sized
/// to the line count its reference declares, as the cores inflate its
/// chunks (load_context::inflate_chunks): the lines that start in a chunk
/// are read by the core that inflated it, while the text is in cache, and
/// no buffer of the whole text is made. The line across a chunk boundary is
/// joined from the end of one chunk (kept when it is inflated) and the start
/// of the next, whose core reads it; a line's index is the count of line
/// ends before it, known once the chunks before are inflated. False if the
/// member does not fit this way (a chunk without a line end, a line count
/// other than the declared one) or a line is refused: the caller then reads
/// the whole text.
template <class Vector, class ReadLine>
bool read_chunked_lines(const load_context::jsonl_member& member, const load_context& ctx, Vector& out,
                        ReadLine& read_line) {
  const read_limits& limits = ctx.opts.limits;
  if (!member.entry || !member.declared_lines) return false;
  const std::size_t declared = *member.declared_lines;
  // A line takes at least two bytes but the last: no more lines than that.
  if (declared > limits.max_jsonl_lines || declared > member.entry->uncompressed_size / 2 + 1) return false;
  enum : int { pending, ready, failed };
  struct chunk_end {
    std::atomic<int> state{pending};
    std::size_t line_ends = 0;
    std::string tail;  // after the last line end: the start of a line the next chunk ends
  };
  const std::size_t count = member.entry->chunk_sizes.size();
  std::vector<chunk_end> chunks(count);
  const auto publish = [&](std::size_t k, int state) {
    chunks[k].state.store(state, std::memory_order_release);
    chunks[k].state.notify_all();
  };
  // The line ends before chunk k, once its predecessors have published them.
  const auto line_ends_before = [&](std::size_t k) -> std::optional<std::size_t> {
    std::size_t n = 0;
    for (std::size_t j = 0; j < k; ++j) {
      int state;
      while ((state = chunks[j].state.load(std::memory_order_acquire)) == pending)
        chunks[j].state.wait(pending, std::memory_order_acquire);
      if (state == failed) return std::nullopt;
      n += chunks[j].line_ends;
    }
    return n;
  };
  assign_fresh(out, declared);
  const auto read_at = [&](std::string_view line, std::size_t i) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    return i < declared && read_jsonl_line(line, i, limits, read_line);
  };
  const auto use = [&](std::size_t k, std::span<const std::byte> bytes) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const std::size_t first = text.find('\n');
    if (first == std::string_view::npos) {
      publish(k, failed);
      return false;
    }
    const std::size_t last = text.rfind('\n');
    chunks[k].line_ends = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    chunks[k].tail.assign(text.substr(last + 1));
    publish(k, ready);
    const std::optional<std::size_t> before = line_ends_before(k);
    if (!before) return false;
    std::size_t i = *before;
    std::string joined = k > 0 ? chunks[k - 1].tail : std::string();
    joined += text.substr(0, first);
    if (!read_at(joined, i++)) return false;
    for (std::string_view inner = text.substr(first + 1, last - first); !inner.empty();)
      if (!read_at(take_jsonl_line(inner), i++)) return false;
    if (k + 1 == count && last + 1 < text.size() && !read_at(text.substr(last + 1), i++)) return false;
    return true;
  };
  const auto abandon = [&](std::size_t k) { publish(k, failed); };
  if (!ctx.inflate_chunks(member, use, abandon)) return false;
  const std::size_t lines = *line_ends_before(count) + (chunks.back().tail.empty() ? 0 : 1);
  return lines == declared;
}

/// Reads the lines of `member` into a vector-like `out`, line i by
/// read_one(cursor, out[i]) -> bool, for elements whose JSON nests `depth`
/// deep; false (and `out` empty) if a line is not in the direct form.
template <class Vector, class ReadOne>
bool read_lines_into(load_context::jsonl_member& member, const load_context& ctx, std::size_t depth, Vector& out,
                     ReadOne&& read_one) {
  if (depth >= ctx.opts.limits.max_json_depth) return false;
  auto read_line = [&](json_cursor& c, std::size_t i) { return read_one(c, out[i]); };
  if (!member.loaded && read_chunked_lines(member, ctx, out, read_line)) return true;
  ctx.load_text(member);
  const std::string_view text(reinterpret_cast<const char*>(member.bytes.data()), member.bytes.size());
  std::size_t lines = 0;
  auto pieces = jsonl_pieces_of(text, ctx.opts.limits, lines);
  if (!pieces) {
    out.clear();
    return false;
  }
  assign_fresh(out, lines);
  if (for_each_line(*pieces, ctx.opts.limits, read_line)) return true;
  out.clear();
  return false;
}

/// Reads the .jsonl member of a list:external reference into a vector-like
/// `out`, one record per line; false (and `out` empty) if a line is not in
/// the direct form.
template <class Vector>
bool read_records_direct(load_context::jsonl_member& member, const load_context& ctx, Vector& out) {
  using record = std::ranges::range_value_t<Vector>;
  return read_lines_into(member, ctx, direct_read<record>::depth, out,
                         [](json_cursor& c, record& r) { return direct_read<record>::read(c, r); });
}

}  // namespace zanj::detail
