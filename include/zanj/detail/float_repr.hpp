// Python's repr(float): how the reference writes every float in JSON.
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <system_error>

namespace zanj::detail {

/// Longest text `float_repr` produces ("-1.7976931348623157e+308" is 24),
/// with room to spare.
inline constexpr std::size_t float_repr_max_chars = 32;

/// Writes Python's `repr(d)` to `buf` (at least `float_repr_max_chars` long)
/// and returns the end. Python (and JSON as the reference writes it) wants
/// the shortest round-trip digits -- which std::to_chars gives us -- laid out
/// by Python's own rule: positional when 1e-4 <= |d| < 1e16, always with a
/// fractional part so the value reads back as a float; exponent form
/// otherwise, with a sign and at least two exponent digits. Non-finite
/// values become the tokens Python's json module writes.
inline char* float_repr(char* buf, double d) noexcept {
  char* out = buf;
  auto put = [&out](const char* text) {
    while (*text) *out++ = *text++;
  };
  if (std::isnan(d)) {
    put("NaN");  // Python writes every NaN (any sign or payload) as NaN
    return out;
  }
  if (std::isinf(d)) {
    put(d < 0 ? "-Infinity" : "Infinity");
    return out;
  }

  // Shortest round-trip digits: "-d.ddddde+XX" (or "de+XX" for one digit).
  char sci[float_repr_max_chars];
  auto [sci_end, ec] = std::to_chars(sci, sci + sizeof sci, d, std::chars_format::scientific);
  (void)ec;  // cannot fail: the buffer is large enough for any double
  const char* p = sci;
  if (*p == '-') *out++ = *p++;

  char digits[20];  // at most 17 significant digits
  int n_digits = 0;
  for (; p != sci_end && *p != 'e'; ++p)
    if (*p != '.') digits[n_digits++] = *p;
  int exponent = 0;
  std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), sci_end, exponent);  // from_chars rejects a leading '+'

  if (exponent < -4 || exponent >= 16) {
    // Exponent form: "1e-05", "1.5e-07", "1e+16".
    *out++ = digits[0];
    if (n_digits > 1) {
      *out++ = '.';
      for (int i = 1; i < n_digits; ++i) *out++ = digits[i];
    }
    *out++ = 'e';
    *out++ = exponent < 0 ? '-' : '+';
    int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10) *out++ = '0';
    out = std::to_chars(out, buf + float_repr_max_chars, magnitude).ptr;
    return out;
  }

  if (exponent < 0) {
    // 0.000ddd
    *out++ = '0';
    *out++ = '.';
    for (int i = -1; i > exponent; --i) *out++ = '0';
    for (int i = 0; i < n_digits; ++i) *out++ = digits[i];
    return out;
  }

  // ddd.ddd, padding the integer part with zeros; ".0" when integral.
  const int integer_digits = exponent + 1;
  for (int i = 0; i < integer_digits; ++i) *out++ = i < n_digits ? digits[i] : '0';
  *out++ = '.';
  if (n_digits <= integer_digits) {
    *out++ = '0';
  } else {
    for (int i = integer_digits; i < n_digits; ++i) *out++ = digits[i];
  }
  return out;
}

/// Appends Python's `repr(d)` to `out`.
inline void append_float_repr(std::string& out, double d) {
  char buf[float_repr_max_chars];
  out.append(buf, float_repr(buf, d));
}

}  // namespace zanj::detail
