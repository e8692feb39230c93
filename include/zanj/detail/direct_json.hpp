// Writing the .jsonl line of a value straight from the C++ object, with no
// zanj::value in between: the hot path of long lists of records (W3) and of
// tables. Only for types whose saved form is plain JSON fixed by the value
// and the options (numbers, strings, small lists and numeric arrays,
// aggregates and optionals of those); the text is byte for byte what
// json::write(save_value(v), compact) gives. A value it cannot write the same
// way (a list or array long enough to go external, another inline array
// mode, a string that is not UTF-8) makes write() return false, and the
// caller saves the whole list through zanj::value instead.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/pfr.hpp>

#include <zanj/codec/aggregate.hpp>  // dataclass_name
#include <zanj/codec/codec.hpp>
#include <zanj/detail/format_names.hpp>
#include <zanj/detail/json_writer.hpp>
#include <zanj/detail/parallel.hpp>
#include <zanj/options.hpp>

namespace zanj::detail {

/// direct_json<T>::supported, write(v, out, opts) -> bool, and
/// python_type(v): the Python type name of v's saved form, for the column
/// statistics of a list of records (FORMAT.md §6.3).
template <class T, family F = family_of<T>()>
struct direct_json {
  static constexpr bool supported = false;
};

template <class T>
concept direct_writable = direct_json<T>::supported;

template <>
struct direct_json<bool, family::boolean> {
  static constexpr bool supported = true;
  static bool write(bool v, std::string& out, const options&) {
    v ? out.append("true", 4) : out.append("false", 5);
    return true;
  }
  static std::string_view python_type(bool) { return "bool"; }
};

template <class T>
struct direct_json<T, family::integer> {
  static constexpr bool supported = true;
  static bool write(T v, std::string& out, const options&) {
    if constexpr (std::is_signed_v<T>)
      append_integer(out, static_cast<std::int64_t>(v));
    else
      append_integer(out, static_cast<std::uint64_t>(v));
    return true;
  }
  static std::string_view python_type(T) { return "int"; }
};

template <class T>
  requires std::is_floating_point_v<T> && (sizeof(T) <= sizeof(double))
struct direct_json<T, family::floating> {
  static constexpr bool supported = true;
  static bool write(T v, std::string& out, const options&) {
    append_float_repr(out, static_cast<double>(v));
    return true;
  }
  static std::string_view python_type(T) { return "float"; }
};

template <class T>
  requires direct_writable<std::underlying_type_t<T>>
struct direct_json<T, family::enumeration> {
  using underlying = std::underlying_type_t<T>;
  static constexpr bool supported = true;
  static bool write(T v, std::string& out, const options& o) {
    return direct_json<underlying>::write(static_cast<underlying>(v), out, o);
  }
  static std::string_view python_type(T v) { return direct_json<underlying>::python_type(static_cast<underlying>(v)); }
};

template <class T>
  requires std::same_as<T, std::string> || std::same_as<T, std::string_view>
struct direct_json<T, family::string> {
  static constexpr bool supported = true;
  static bool write(const T& v, std::string& out, const options&) {
    try {
      append_json_string(out, v);
    } catch (const error&) {
      return false;  // not UTF-8: the zanj::value path reports it
    }
    return true;
  }
  static std::string_view python_type(const T&) { return "str"; }
};

template <class T>
  requires direct_writable<typename T::value_type>
struct direct_json<T, family::optional> {
  using inner = typename T::value_type;
  static constexpr bool supported = true;
  static bool write(const T& v, std::string& out, const options& o) {
    if (!v) {
      out.append("null", 4);
      return true;
    }
    return direct_json<inner>::write(*v, out, o);
  }
  static std::string_view python_type(const T& v) { return v ? direct_json<inner>::python_type(*v) : "NoneType"; }
};

/// A numeric sequence below external_array_threshold, in the default inline
/// mode: {"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [...],
/// "shape": [n], "dtype": "...", "n_elements": n} (array_save.hpp).
template <class T>
  requires(!std::is_same_v<T, std::vector<bool>> && std::is_arithmetic_v<std::ranges::range_value_t<T>> &&
           direct_writable<std::remove_cv_t<std::ranges::range_value_t<T>>>)
struct direct_json<T, family::numeric_array> {
  using element = std::remove_cv_t<std::ranges::range_value_t<T>>;
  static constexpr bool supported = true;
  static bool write(const T& v, std::string& out, const options& o) {
    const std::size_t n = std::ranges::size(v);
    if (n >= o.external_array_threshold || o.internal_array_mode != array_mode::array_list_meta) return false;
    out += "{\"__muutils_format__\": \"numpy.ndarray:array_list_meta\", \"data\": [";
    bool first = true;
    for (const element& e : v) {
      if (!first) out.append(", ", 2);
      first = false;
      direct_json<element>::write(e, out, o);  // a number: never declines
    }
    out += "], \"shape\": [";
    append_integer(out, static_cast<std::uint64_t>(n));
    out += "], \"dtype\": \"";
    out += numpy_name(dtype_v<element>);
    out += "\", \"n_elements\": ";
    append_integer(out, static_cast<std::uint64_t>(n));
    out += '}';
    return true;
  }
  static std::string_view python_type(const T&) { return "dict"; }
};

/// A list below external_list_threshold.
template <class T>
  requires direct_writable<std::ranges::range_value_t<T>>
struct direct_json<T, family::sequence> {
  using element = std::ranges::range_value_t<T>;
  static constexpr bool supported = true;
  static bool write(const T& v, std::string& out, const options& o) {
    std::size_t n = 0;
    if constexpr (std::ranges::sized_range<T>)
      n = std::ranges::size(v);
    else
      n = static_cast<std::size_t>(std::ranges::distance(v));
    if (n >= o.external_list_threshold) return false;
    if (n == 0) {
      out.append("[]", 2);
      return true;
    }
    out.push_back('[');
    bool first = true;
    for (auto& e : v) {
      if (!first) out.append(", ", 2);
      first = false;
      if (!direct_json<element>::write(e, out, o)) return false;
    }
    out.push_back(']');
    return true;
  }
  static std::string_view python_type(const T&) { return "list"; }
};

template <class T>
constexpr bool all_fields_direct_writable() {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    return (direct_writable<boost::pfr::tuple_element_t<I, T>> && ...);
  }(std::make_index_sequence<field_count<T>>{});
}

/// A dataclass object: the format key, then the fields in declaration order.
template <class T>
  requires(all_fields_direct_writable<T>())
struct direct_json<T, family::aggregate> {
  static constexpr bool supported = true;
  static bool write(const T& v, std::string& out, const options& o) {
    static const std::string head = [] {
      std::string h = "{";
      append_json_string(h, format_key);
      h += ": ";
      append_json_string(h, dataclass_name<T>() + std::string(dataclass_suffix));
      return h;
    }();
    static const auto keys = [] {
      std::array<std::string, field_count<T>> k;
      constexpr auto names = field_names<T>();
      for (std::size_t i = 0; i < k.size(); ++i) {
        k[i] = ", ";
        append_json_string(k[i], names[i]);
        k[i] += ": ";
      }
      return k;
    }();
    out += head;
    bool ok = true;
    std::size_t i = 0;
    for_each_field(v, [&](std::string_view, const auto& field) {
      out += keys[i++];
      ok = ok && direct_json<std::remove_cvref_t<decltype(field)>>::write(field, out, o);
    });
    out.push_back('}');
    return ok;
  }
  static std::string_view python_type(const T&) { return "dict"; }
};

/// The statistics save_list writes under "columns" (column_statistics in
/// list_save.hpp), gathered while the records of type T are written.
template <class T>
class direct_column_statistics {
 public:
  void add(const T& record) {
    std::size_t i = 0;
    for_each_field(record, [&](std::string_view, const auto& field) {
      auto type = direct_json<std::remove_cvref_t<decltype(field)>>::python_type(field);
      auto& seen = types_[i++];
      for (auto t : seen)
        if (t == type) return;
      seen.push_back(type);
    });
    ++count_;
  }

  /// Adds the records another instance saw after this one's.
  void merge(const direct_column_statistics& later) {
    for (std::size_t i = 0; i < types_.size(); ++i)
      for (auto type : later.types_[i]) {
        bool known = false;
        for (auto t : types_[i]) known = known || t == type;
        if (!known) types_[i].push_back(type);
      }
    count_ += later.count_;
  }

  value to_value() const {
    object columns;
    constexpr auto names = field_names<T>();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == format_key) continue;
      columns.append(std::string(names[i]), object{{"types", list(types_[i].begin(), types_[i].end())}, {"len", count_}});
    }
    return columns;
  }

 private:
  std::array<std::vector<std::string_view>, field_count<T>> types_;
  std::size_t count_ = 0;
};

/// A list of records saved as save_list saves it at or above
/// external_list_threshold (a .jsonl member, its reference object with the
/// statistics and the first record), each line written by direct_json.
/// Nothing when the list stays inline or a record cannot be written
/// directly: the caller then takes the zanj::value path, which gives the
/// same result (or the error).
/// The .jsonl text of `items`, one line per item written by
/// `write_line(item, out) -> bool`, in pieces of consecutive items written on
/// every core, each into its own string (the member is their concatenation,
/// written one after the other, never joined in memory). `seen(piece, item)`
/// is called for every item of a piece, in order. Nothing if a line cannot
/// be written.
template <class Range, class WriteLine, class Seen>
std::optional<std::vector<std::string>> jsonl_pieces(const Range& items, std::size_t pieces, WriteLine&& write_line,
                                                     Seen&& seen) {
  const std::size_t n = std::ranges::size(items);
  std::vector<std::string> text(pieces);
  std::atomic<bool> ok{true};
  auto first_of = [&](std::size_t k) { return n / pieces * k + std::min(k, n % pieces); };
  parallel_for(pieces, [&](std::size_t k) {
    auto it = std::ranges::begin(items);
    std::ranges::advance(it, static_cast<std::ptrdiff_t>(first_of(k)));
    const std::size_t count = first_of(k + 1) - first_of(k);
    std::string& out = text[k];
    for (std::size_t i = 0; i < count && ok.load(std::memory_order_relaxed); ++i, ++it) {
      if (!write_line(*it, out)) {
        ok = false;
        return;
      }
      out += '\n';
      // Lines of one type are about the same length: room for the rest.
      if (i == 0) out.reserve(out.size() * count / 8 * 9 + 64);
      seen(k, *it);
    }
  });
  if (!ok) return std::nullopt;
  return text;
}

/// How many pieces jsonl_pieces makes of n lines: enough to keep every core
/// busy, each long enough to pay for its thread.
inline std::size_t jsonl_piece_count(std::size_t n) noexcept {
  return std::clamp<std::size_t>(n / 4096, 1, 4 * worker_count());
}

/// A .jsonl member of the pieces of text jsonl_pieces made, at the current path.
inline external_member jsonl_member_of(std::vector<std::string> text, std::size_t length, value first,
                                       save_context& ctx) {
  external_member m;
  m.name = ctx.claim_member("jsonl");
  m.path = ctx.path.to_value();
  m.kind = external_kind::jsonl;
  m.length = length;
  m.first_item = std::move(first);
  m.head = std::move(text[0]);
  m.owned_text.assign(std::make_move_iterator(text.begin() + 1), std::make_move_iterator(text.end()));
  for (auto& piece : m.owned_text) m.body.push_back(std::as_bytes(std::span(piece.data(), piece.size())));
  return m;
}

/// A list of records saved as save_list saves it at or above
/// external_list_threshold (a .jsonl member, its reference object with the
/// statistics and the first record), each line written by direct_json.
/// Nothing when the list stays inline or a record cannot be written
/// directly: the caller then takes the zanj::value path, which gives the
/// same result (or the error).
template <class Sequence>
std::optional<value> save_records_direct(const Sequence& records, save_context& ctx) {
  using record = std::ranges::range_value_t<Sequence>;
  const std::size_t n = std::ranges::size(records);
  if (n == 0 || !ctx.may_externalize() || n < ctx.opts.external_list_threshold) return std::nullopt;
  const std::size_t pieces = jsonl_piece_count(n);
  std::vector<direct_column_statistics<record>> columns(pieces);
  auto text = jsonl_pieces(
      records, pieces, [&](const record& r, std::string& out) { return direct_json<record>::write(r, out, ctx.opts); },
      [&](std::size_t piece, const record& r) { columns[piece].add(r); });
  if (!text) return std::nullopt;
  for (std::size_t k = 1; k < pieces; ++k) columns[0].merge(columns[k]);

  value first;
  {
    path_guard g(ctx, std::size_t{0});
    first = save_value(*std::ranges::begin(records), ctx);
  }
  external_member m = jsonl_member_of(std::move(*text), n, first, ctx);
  object ref{{std::string(format_key), std::string(list_external)},
             {std::string(ref_key), m.name},
             {"len(data)", static_cast<std::uint64_t>(n)},
             {"columns", columns[0].to_value()},
             {"data[0]", std::move(first)}};
  ctx.externals.push_back(std::move(m));
  return value(std::move(ref));
}

}  // namespace zanj::detail
