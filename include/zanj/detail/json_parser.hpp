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

#include <zanj/detail/digits.hpp>
#include <zanj/detail/object_path.hpp>
#include <zanj/detail/utf8.hpp>
#include <zanj/error.hpp>
#include <zanj/limits.hpp>
#include <zanj/value.hpp>

namespace zanj::detail {

/// Nesting depth (open arrays/objects) above which parsing fails, about
/// where Python's json module hits its recursion limit.
inline constexpr std::size_t default_json_max_depth = read_limits{}.max_json_depth;

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
/// explicit stack, so hostile nesting fails with an error at the depth limit
/// instead of exhausting the call stack. Limit errors carry the JSON pointer
/// of the value being parsed as their object path.
class json_parser {
 public:
  json_parser(std::string_view text, std::size_t max_depth, std::size_t max_string_length) noexcept
      : begin_(text.data()),
        p_(text.data()),
        end_(text.data() + text.size()),
        max_depth_(max_depth),
        max_string_length_(max_string_length) {}

  value parse_document() {
    value root;
    skip_whitespace();
    parse_tree(root);
    skip_whitespace();
    if (p_ != end_) fail("extra data after the JSON value");
    return root;
  }

 private:
  static constexpr std::size_t no_member = static_cast<std::size_t>(-1);

  struct open_container {
    value* container;        // a list or an object
    object_key_index index;  // objects only
    std::size_t current = no_member;  // the member being parsed (objects only; lists: the last item)
  };

  /// Parses one value into `root`. `slot` is where the next value goes; it
  /// points into its parent's vector, which cannot grow while it is open.
  void parse_tree(value& root) {
    std::vector<open_container>& open = open_;
    value* slot = &root;
    for (;;) {
      // A value into *slot; an opening bracket descends instead.
      if (p_ == end_) fail("unexpected end of input, expecting a value");
      const char c = *p_;
      if (c == '[' || c == '{') {
        if (open.size() >= max_depth_)
          fail_limit("nesting", max_depth_, "max_json_depth", "levels");
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
    top.current = no_member;  // a key too long is reported at its object
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
      top.current = existing;
      return &v;
    }
    value& v = members.append(std::move(key), value{});
    top.current = members.size() - 1;
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

  void skip_digits() noexcept { p_ = detail::skip_digits(p_, end_); }

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
      skip_digits();
    }
    const char* integer_end = p_;
    bool is_float = false;
    if (p_ != end_ && *p_ == '.' && end_ - p_ > 1 && is_digit(p_[1])) {
      is_float = true;
      p_ += 2;
      skip_digits();
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
    const char* const opening_quote = p_ - 1;
    for (;;) {
      const char* run = p_;
      while (p_ != end_ && !needs_attention(static_cast<unsigned char>(*p_))) ++p_;
      // Checked before each piece is appended, so a huge string is refused
      // before it is copied.
      if (static_cast<std::size_t>(p_ - run) > max_string_length_ - out.size()) string_too_long(opening_quote);
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
        if (length > max_string_length_ - out.size()) string_too_long(opening_quote);
        out.append(p_, length);
        p_ += length;
        continue;
      }
      parse_escape(out);  // c == '\\'
      if (out.size() > max_string_length_) string_too_long(opening_quote);
    }
  }

  [[noreturn]] void string_too_long(const char* opening_quote) {
    p_ = opening_quote;
    fail_limit("string", max_string_length_, "max_string_length", "bytes");
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

  /// "line L, column C" of the current position (columns count bytes, from 1).
  std::string position() const {
    std::size_t line = 1;
    const char* line_start = begin_;
    for (const char* q = begin_; q != p_; ++q)
      if (*q == '\n') {
        ++line;
        line_start = q + 1;
      }
    const auto column = static_cast<std::size_t>(p_ - line_start) + 1;
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
  }

  [[noreturn]] void fail(const std::string& what) const { throw error("invalid JSON at " + position() + ": " + what); }

  /// A limit was hit: not invalid JSON, but more than the reader accepts.
  /// The object path is the JSON pointer of the value being parsed.
  [[noreturn]] void fail_limit(std::string_view what, std::size_t limit, std::string_view option,
                               std::string_view unit) const {
    object_path where;
    for (const open_container& c : open_) {
      if (c.container->is_list()) {
        where.push(c.container->as_list().size() - 1);
      } else {
        if (c.current == no_member) break;  // its key is being read
        where.push((c.container->as_object().begin() + static_cast<std::ptrdiff_t>(c.current))->first);
      }
    }
    throw error("JSON at " + position() + ": " + std::string(what) + " " + over_limit(limit, option, unit), {},
                where.pointer());
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  std::size_t max_depth_;
  std::size_t max_string_length_;
  std::vector<open_container> open_;
};

}  // namespace zanj::detail
