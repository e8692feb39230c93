// The JSON reader: text -> zanj::value, accepting exactly what Python's
// json.loads accepts (NaN/Infinity tokens, lone surrogates, duplicate keys).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <zanj/error.hpp>
#include <zanj/value.hpp>

namespace zanj::detail {

/// Nesting depth (open arrays/objects) above which parsing fails, about
/// where Python's json module hits its recursion limit.
inline constexpr std::size_t default_json_max_depth = 1000;

// ---------------------------------------------------------------------------
// UTF-8 (shared with the writer)

/// Decodes the UTF-8 sequence at `p` (p < end) into `code_point` and returns
/// its length, or 0 if it is not a well-formed sequence (overlong, truncated,
/// beyond U+10FFFF). Encoded surrogates (ED A0..BF xx) are accepted only with
/// `allow_surrogates`: the parser turns lone `\udXXX` escapes into them, as
/// Python keeps lone surrogates in its strings, so the writer must take them
/// back; raw text never contains them.
inline std::size_t decode_utf8(const unsigned char* p, const unsigned char* end, bool allow_surrogates,
                               char32_t& code_point) noexcept {
  const std::size_t available = static_cast<std::size_t>(end - p);
  const unsigned char lead = p[0];
  auto continuation = [](unsigned char c) { return (c & 0xC0u) == 0x80u; };
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  if (lead < 0xC2) return 0;  // stray continuation byte or overlong 2-byte form
  if (lead < 0xE0) {
    if (available < 2 || !continuation(p[1])) return 0;
    code_point = (char32_t(lead & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    return 2;
  }
  if (lead < 0xF0) {
    if (available < 3 || !continuation(p[1]) || !continuation(p[2])) return 0;
    code_point = (char32_t(lead & 0x0Fu) << 12) | (char32_t(p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    if (code_point < 0x800) return 0;  // overlong
    if (code_point >= 0xD800 && code_point <= 0xDFFF && !allow_surrogates) return 0;
    return 3;
  }
  if (lead < 0xF5) {
    if (available < 4 || !continuation(p[1]) || !continuation(p[2]) || !continuation(p[3])) return 0;
    code_point = (char32_t(lead & 0x07u) << 18) | (char32_t(p[1] & 0x3Fu) << 12) | (char32_t(p[2] & 0x3Fu) << 6) |
                 (p[3] & 0x3Fu);
    if (code_point < 0x10000 || code_point > 0x10FFFF) return 0;  // overlong or out of range
    return 4;
  }
  return 0;
}

/// Appends `code_point` as UTF-8; surrogates get their 3-byte (WTF-8) form.
inline void encode_utf8(std::string& out, char32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    const char bytes[] = {static_cast<char>(0xC0 | (code_point >> 6)), static_cast<char>(0x80 | (code_point & 0x3F))};
    out.append(bytes, 2);
  } else if (code_point < 0x10000) {
    const char bytes[] = {static_cast<char>(0xE0 | (code_point >> 12)),
                          static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)),
                          static_cast<char>(0x80 | (code_point & 0x3F))};
    out.append(bytes, 3);
  } else {
    const char bytes[] = {static_cast<char>(0xF0 | (code_point >> 18)),
                          static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)),
                          static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)),
                          static_cast<char>(0x80 | (code_point & 0x3F))};
    out.append(bytes, 4);
  }
}

// ---------------------------------------------------------------------------

/// Finds members of an object under construction by key, so duplicate keys
/// can overwrite in place. Small objects are scanned linearly; past
/// `linear_limit` members an open-addressing table of member indices is
/// built, keeping large objects O(n). It stores indices, not string_views,
/// because the members' strings move when the member vector grows.
class object_key_index {
 public:
  static constexpr std::size_t linear_limit = 16;

  /// The index of the member named `key`, or npos.
  std::size_t find(const object& members, std::string_view key) const noexcept {
    if (slots_.empty()) {
      std::size_t i = 0;
      for (auto& m : members) {
        if (m.first == key) return i;
        ++i;
      }
      return npos;
    }
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t s = hash(key) & mask;; s = (s + 1) & mask) {
      const std::uint32_t entry = slots_[s];
      if (entry == empty_slot) return npos;
      if ((members.begin() + entry)->first == key) return entry;
    }
  }

  /// Records that member `index` (the last one) has just been appended.
  void added(const object& members, std::size_t index) {
    if (slots_.empty()) {
      if (members.size() <= linear_limit) return;
      rebuild(members, 64);
      return;
    }
    if ((members.size()) * 2 > slots_.size()) {
      rebuild(members, slots_.size() * 2);
      return;
    }
    insert(members, index);
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  static constexpr std::uint32_t empty_slot = 0xFFFFFFFFu;

  static std::size_t hash(std::string_view key) noexcept {
    std::uint64_t h = 14695981039346656037ull;  // FNV-1a
    for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }

  void insert(const object& members, std::size_t index) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t s = hash((members.begin() + static_cast<std::ptrdiff_t>(index))->first) & mask;
    while (slots_[s] != empty_slot) s = (s + 1) & mask;
    slots_[s] = static_cast<std::uint32_t>(index);
  }

  void rebuild(const object& members, std::size_t capacity) {
    while (capacity < members.size() * 2) capacity *= 2;
    slots_.assign(capacity, empty_slot);
    for (std::size_t i = 0; i < members.size(); ++i) insert(members, i);
  }

  std::vector<std::uint32_t> slots_;
};

/// Recursive-descent parser made iterative: open containers live on an
/// explicit stack, so hostile nesting fails with an error at `max_depth`
/// instead of exhausting the call stack.
class json_parser {
 public:
  json_parser(std::string_view text, std::size_t max_depth) noexcept
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()), max_depth_(max_depth) {}

  value parse_document() {
    value root;
    skip_whitespace();
    parse_tree(root);
    skip_whitespace();
    if (p_ != end_) fail("extra data after the JSON value");
    return root;
  }

 private:
  struct open_container {
    value* container;        // a list or an object
    object_key_index index;  // objects only
  };

  /// Parses one value into `root`. `slot` is where the next value goes; it
  /// points into its parent's vector, which cannot grow while it is open.
  void parse_tree(value& root) {
    std::vector<open_container> open;
    value* slot = &root;
    for (;;) {
      // A value into *slot; an opening bracket descends instead.
      if (p_ == end_) fail("unexpected end of input, expecting a value");
      const char c = *p_;
      if (c == '[' || c == '{') {
        if (open.size() >= max_depth_) fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
        ++p_;
        skip_whitespace();
        if (c == '[') {
          *slot = list{};
          if (p_ != end_ && *p_ == ']') {
            ++p_;  // empty: complete right away
          } else {
            open.push_back({slot, {}});
            slot = &slot->as_list().emplace_back();
            continue;
          }
        } else {
          *slot = object{};
          if (p_ != end_ && *p_ == '}') {
            ++p_;
          } else {
            open.push_back({slot, {}});
            slot = open_member(open.back());
            continue;
          }
        }
      } else {
        parse_scalar(*slot);
      }

      // The value is complete: close finished containers, or find the slot
      // for the next element.
      for (;;) {
        if (open.empty()) return;
        skip_whitespace();
        open_container& top = open.back();
        const bool is_list = top.container->is_list();
        if (p_ == end_) fail(is_list ? "unexpected end of input in an array" : "unexpected end of input in an object");
        if (*p_ == ',') {
          ++p_;
          skip_whitespace();
          slot = is_list ? &top.container->as_list().emplace_back() : open_member(top);
          break;
        }
        if (*p_ == (is_list ? ']' : '}')) {
          ++p_;
          open.pop_back();
          continue;
        }
        fail(is_list ? "expecting ',' or ']'" : "expecting ',' or '}'");
      }
    }
  }

  /// Reads `"key":` and returns the slot for its value. A repeated key
  /// overwrites the earlier value in its original position (a Python dict).
  value* open_member(open_container& top) {
    if (p_ == end_ || *p_ != '"') fail("expecting a property name in double quotes");
    ++p_;
    std::string key;
    parse_string_body(key);
    skip_whitespace();
    if (p_ == end_ || *p_ != ':') fail("expecting ':' after a property name");
    ++p_;
    skip_whitespace();
    object& members = top.container->as_object();
    const std::size_t existing = top.index.find(members, key);
    if (existing != object_key_index::npos) {
      value& v = (members.begin() + static_cast<std::ptrdiff_t>(existing))->second;
      v = value{};
      return &v;
    }
    value& v = members.append(std::move(key), value{});
    top.index.added(members, members.size() - 1);
    return &v;
  }

  void parse_scalar(value& out) {
    switch (*p_) {
      case '"': {
        ++p_;
        std::string s;
        parse_string_body(s);
        out = std::move(s);
        return;
      }
      case 't': expect_literal("true"); out = true; return;
      case 'f': expect_literal("false"); out = false; return;
      case 'n': expect_literal("null"); out = nullptr; return;
      case 'N': expect_literal("NaN"); out = std::numeric_limits<double>::quiet_NaN(); return;
      case 'I': expect_literal("Infinity"); out = std::numeric_limits<double>::infinity(); return;
      case '-':
        if (end_ - p_ > 1 && p_[1] == 'I') {
          ++p_;
          expect_literal("Infinity");
          out = -std::numeric_limits<double>::infinity();
          return;
        }
        parse_number(out);
        return;
      default:
        if (*p_ >= '0' && *p_ <= '9') {
          parse_number(out);
          return;
        }
        fail("expecting a value");
    }
  }

  void expect_literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word)
      fail("expecting a value");
    p_ += word.size();
  }

  static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

  /// JSON number grammar (as Python's scanner: `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`).
  /// Integer literals become int64, else uint64, else (beyond 2^64, where
  /// Python would keep an exact int) the nearest double -- precision is lost
  /// there. Anything with a fraction or exponent is a double.
  void parse_number(value& out) {
    const char* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_ || !is_digit(*p_)) fail("expecting a value");
    const char* integer_start = p_;
    if (*p_ == '0') {
      ++p_;  // a leading zero stands alone; "01" fails later as extra data
    } else {
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    const char* integer_end = p_;
    bool is_float = false;
    if (p_ != end_ && *p_ == '.' && end_ - p_ > 1 && is_digit(p_[1])) {
      is_float = true;
      p_ += 2;
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    const char* fraction_end = p_;
    std::int64_t exponent_estimate = 0;  // only for telling overflow from underflow
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      const char* q = p_ + 1;
      bool negative_exponent = false;
      if (q != end_ && (*q == '+' || *q == '-')) negative_exponent = *q++ == '-';
      if (q != end_ && is_digit(*q)) {  // otherwise the 'e' is not part of the number
        is_float = true;
        for (; q != end_ && is_digit(*q); ++q)
          if (exponent_estimate < 100000) exponent_estimate = exponent_estimate * 10 + (*q - '0');
        if (negative_exponent) exponent_estimate = -exponent_estimate;
        p_ = q;
      }
    }

    if (!is_float) {
      std::int64_t i = 0;
      if (std::from_chars(start, p_, i).ec == std::errc{}) {
        out = i;
        return;
      }
      std::uint64_t u = 0;
      if (*start != '-' && std::from_chars(start, p_, u).ec == std::errc{}) {
        out = value(u);
        return;
      }
    }
    double d = 0;
    const auto result = std::from_chars(start, p_, d);
    if (result.ec == std::errc::result_out_of_range) {
      // Python's float() gives +-inf on overflow and +-0.0 on underflow;
      // from_chars reports both as out of range. Overflow needs a decimal
      // exponent >= 308, underflow <= -324, so the sign of a rough decimal
      // exponent tells them apart.
      std::int64_t decimal_exponent = exponent_estimate;
      const char* first_nonzero = integer_start;
      while (first_nonzero != fraction_end && (*first_nonzero == '0' || *first_nonzero == '.')) ++first_nonzero;
      if (first_nonzero < integer_end)
        decimal_exponent += integer_end - first_nonzero;
      else
        decimal_exponent -= first_nonzero - integer_end;
      const bool negative = *start == '-';
      if (decimal_exponent > 0)
        d = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
      else
        d = negative ? -0.0 : 0.0;
    } else if (result.ec != std::errc{} || result.ptr != p_) {
      fail("invalid number");
    }
    out = d;
  }

  static int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  /// The 4 hex digits at `at`, or -1.
  long read_hex4(const char* at) const noexcept {
    if (end_ - at < 4) return -1;
    long v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex_value(at[i]);
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    return v;
  }

  /// Bytes that end a run of plain string content: '"', '\\', control
  /// characters (an error in strict mode), and non-ASCII (UTF-8 is validated).
  static constexpr bool needs_attention(unsigned char c) noexcept {
    return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  }

  /// Parses the rest of a string after its opening quote into `out`.
  void parse_string_body(std::string& out) {
    for (;;) {
      const char* run = p_;
      while (p_ != end_ && !needs_attention(static_cast<unsigned char>(*p_))) ++p_;
      out.append(run, p_);
      if (p_ == end_) fail("unterminated string");
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return;
      }
      if (c < 0x20) fail("invalid control character in string");
      if (c >= 0x80) {
        char32_t code_point;
        const std::size_t length = decode_utf8(reinterpret_cast<const unsigned char*>(p_),
                                               reinterpret_cast<const unsigned char*>(end_), false, code_point);
        if (length == 0) fail("invalid UTF-8 in string");
        out.append(p_, length);
        p_ += length;
        continue;
      }
      parse_escape(out);  // c == '\\'
    }
  }

  void parse_escape(std::string& out) {
    const char* escape = p_;
    ++p_;  // the backslash
    if (p_ == end_) fail("unterminated string");
    const char kind = *p_++;
    switch (kind) {
      case '"': out.push_back('"'); return;
      case '\\': out.push_back('\\'); return;
      case '/': out.push_back('/'); return;
      case 'b': out.push_back('\b'); return;
      case 'f': out.push_back('\f'); return;
      case 'n': out.push_back('\n'); return;
      case 'r': out.push_back('\r'); return;
      case 't': out.push_back('\t'); return;
      case 'u': break;
      default: p_ = escape; fail("invalid \\escape");
    }
    const long unit = read_hex4(p_);
    if (unit < 0) {
      p_ = escape;
      fail("invalid \\uXXXX escape");
    }
    p_ += 4;
    char32_t code_point = static_cast<char32_t>(unit);
    // A high surrogate directly followed by a \u low surrogate is one
    // character; anything else leaves it lone (kept, as Python does).
    if (unit >= 0xD800 && unit <= 0xDBFF && end_ - p_ >= 2 && p_[0] == '\\' && p_[1] == 'u') {
      const long low = read_hex4(p_ + 2);
      if (low < 0) fail("invalid \\uXXXX escape");  // Python rejects it too
      if (low >= 0xDC00 && low <= 0xDFFF) {
        code_point = 0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) + (static_cast<char32_t>(low) - 0xDC00);
        p_ += 6;
      }
    }
    encode_utf8(out, code_point);
  }

  void skip_whitespace() noexcept {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  [[noreturn]] void fail(const std::string& what) const {
    std::size_t line = 1;
    const char* line_start = begin_;
    for (const char* q = begin_; q != p_; ++q)
      if (*q == '\n') {
        ++line;
        line_start = q + 1;
      }
    const auto column = static_cast<std::size_t>(p_ - line_start) + 1;
    throw error("invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + what);
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  std::size_t max_depth_;
};

}  // namespace zanj::detail
