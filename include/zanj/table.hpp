// Tables: the C++ side of a pandas DataFrame. zanj::table holds named, typed
// columns built at run time; zanj::table_of<Row> stores a std::vector of flat
// structs as a table, one column per field. Both are saved as the reference
// saves a DataFrame (codec/table.hpp).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <zanj/error.hpp>
#include <zanj/value.hpp>
#include <zanj/detail/reflect.hpp>

namespace zanj {

/// The cell types of a zanj::table column: pandas' int64, float64, bool and
/// (string) object dtypes.
template <class T>
concept table_cell = std::same_as<T, std::int64_t> || std::same_as<T, double> || std::same_as<T, bool> ||
                     std::same_as<T, std::string>;

enum class column_type { int64, float64, boolean, string };

inline std::string_view column_type_name(column_type t) noexcept {
  switch (t) {
    case column_type::int64: return "int64";
    case column_type::float64: return "float64";
    case column_type::boolean: return "bool";
    case column_type::string: return "string";
  }
  return "";
}

/// Named, typed columns of equal length, in the order they were added. Every
/// cell may be missing (an empty std::optional).
class table {
 public:
  template <table_cell T>
  using cells = std::vector<std::optional<T>>;

  std::size_t row_count() const noexcept { return rows_; }
  std::size_t column_count() const noexcept { return names_.size(); }
  const std::vector<std::string>& column_names() const noexcept { return names_; }
  bool has_column(std::string_view name) const noexcept { return index_of(name) != npos; }

  /// The type of a column; throws zanj::error for an unknown name.
  column_type type_of(std::string_view name) const { return type_at(checked_index(name)); }

  /// Appends a column. The first column sets row_count(); later ones must
  /// have as many cells, and names must be unique (zanj::error otherwise).
  template <table_cell T>
  table& add_column(std::string name, cells<T> column) {
    if (has_column(name)) throw error("table: a column named '" + name + "' exists already");
    if (!names_.empty() && column.size() != rows_)
      throw error("table: column '" + name + "' has " + std::to_string(column.size()) + " cells, the table has " +
                  std::to_string(rows_) + " rows");
    rows_ = column.size();
    names_.push_back(std::move(name));
    columns_.emplace_back(std::move(column));
    return *this;
  }

  /// Appends a column without missing cells.
  template <table_cell T>
  table& add_column(std::string name, const std::vector<T>& column) {
    return add_column<T>(std::move(name), cells<T>(column.begin(), column.end()));
  }

  /// The cells of a column of type T; throws zanj::error for an unknown name
  /// or another type. The span stays valid until a column is added.
  template <table_cell T>
  std::span<const std::optional<T>> column(std::string_view name) const {
    return typed<T>(checked_index(name));
  }
  template <table_cell T>
  std::span<std::optional<T>> column(std::string_view name) {
    return const_cast<cells<T>&>(typed<T>(checked_index(name)));
  }

  /// One cell of a column of type T (bounds and type checked).
  template <table_cell T>
  const std::optional<T>& at(std::size_t row, std::string_view name) const {
    const auto& c = typed<T>(checked_index(name));
    if (row >= c.size()) throw error("table: row " + std::to_string(row) + " is out of range");
    return c[row];
  }

  /// One cell whatever its type: null when missing.
  value cell(std::size_t row, std::string_view name) const {
    const std::size_t i = checked_index(name);
    if (row >= rows_) throw error("table: row " + std::to_string(row) + " is out of range");
    return std::visit(
        [&](const auto& c) -> value {
          if (!c[row]) return nullptr;
          return value(*c[row]);
        },
        columns_[i]);
  }

  /// Calls f(name, cells) for each column in order; `cells` is a
  /// std::span<const std::optional<T>> of the column's type T.
  template <class F>
  void for_each_column(F&& f) const {
    for (std::size_t i = 0; i < names_.size(); ++i)
      std::visit([&](const auto& c) { f(names_[i], std::span(c)); }, columns_[i]);
  }

  /// Same names, types and cells (NaN cells compare unequal, as doubles do).
  friend bool operator==(const table&, const table&) = default;

 private:
  using any_column = std::variant<cells<std::int64_t>, cells<double>, cells<bool>, cells<std::string>>;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  std::size_t index_of(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == name) return i;
    return npos;
  }
  std::size_t checked_index(std::string_view name) const {
    std::size_t i = index_of(name);
    if (i == npos) throw error("table: no column named '" + std::string(name) + "'");
    return i;
  }
  column_type type_at(std::size_t i) const noexcept { return static_cast<column_type>(columns_[i].index()); }

  template <table_cell T>
  const cells<T>& typed(std::size_t i) const {
    if (auto* c = std::get_if<cells<T>>(&columns_[i])) return *c;
    throw error("table: column '" + names_[i] + "' holds " + std::string(column_type_name(type_at(i))) + " cells");
  }

  std::vector<std::string> names_;
  std::vector<any_column> columns_;
  std::size_t rows_ = 0;
};

namespace detail {
/// Fields a table row may have: numbers, bool, std::string, std::optional of those.
template <class F>
inline constexpr bool is_table_field_v =
    std::is_integral_v<F> || std::same_as<F, float> || std::same_as<F, double> || std::same_as<F, std::string>;
template <class F>
inline constexpr bool is_table_field_v<std::optional<F>> = is_table_field_v<F>;

template <class Row>
consteval bool is_flat_row() {
  if constexpr (!reflectable_aggregate<Row>) {
    return false;
  } else {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (is_table_field_v<boost::pfr::tuple_element_t<I, Row>> && ...);
    }(std::make_index_sequence<field_count<Row>>{});
  }
}
}  // namespace detail

/// A plain struct whose fields are all numbers, bools, strings or
/// std::optional of those: one row of a table_of.
template <class Row>
concept table_row = detail::is_flat_row<Row>();

/// Opt-in: a std::vector of rows saved as a table (a pandas DataFrame with one
/// column per field, in field order) instead of a list of dataclass objects.
///
///     struct sample { std::int64_t id; double x; std::optional<std::string> label; };
///     zanj::save(zanj::table_of<sample>{rows}, "out/samples");
template <table_row Row>
struct table_of {
  std::vector<Row> rows;

  std::size_t row_count() const noexcept { return rows.size(); }
  std::vector<std::string> column_names() const {
    std::vector<std::string> out;
    for (auto name : detail::field_names<Row>()) out.emplace_back(name);
    return out;
  }
};

}  // namespace zanj
