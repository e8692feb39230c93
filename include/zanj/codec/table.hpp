// Tables (zanj::table, zanj::table_of<Row>) saved as the reference saves a
// pandas DataFrame (FORMAT.md §4.2 #5, §6.3, §6.5): one record object per row
// in a .jsonl member, referred to by a "pandas.DataFrame:external" object.
// Read back from every form the reference writes (§10.2, §12).
#pragma once

#include <cmath>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <zanj/codec/codec.hpp>
#include <zanj/detail/direct_json.hpp>
#include <zanj/detail/direct_read.hpp>
#include <zanj/detail/format_names.hpp>
#include <zanj/json.hpp>
#include <zanj/table.hpp>

namespace zanj::detail {

inline constexpr std::string_view dataframe_format = "pandas.DataFrame";
inline constexpr std::string_view dataframe_external = "pandas.DataFrame:external";

/// Saves rows given as record objects (keys in column order) at the current
/// path: always as a .jsonl external, as zanj 0.6 does; at the root, where the
/// reference cannot read an external, inline in the zanj 0.5 form.
inline value save_records(const std::vector<std::string>& columns, list records, save_context& ctx) {
  list names(columns.begin(), columns.end());
  if (!ctx.may_externalize()) {
    return object{{std::string(format_key), std::string(dataframe_format)},
                  {"columns", std::move(names)},
                  {"data", std::move(records)},
                  {"path", list{}}};
  }
  external_member m;
  m.name = ctx.claim_member("jsonl");
  m.path = ctx.path.to_value();
  m.kind = external_kind::jsonl;
  for (auto& record : records) {
    json::write(m.head, record, json::style::compact);
    m.head += '\n';
  }
  m.length = records.size();
  object ref{{std::string(format_key), std::string(dataframe_external)},
             {std::string(ref_key), m.name},
             {"len(data)", static_cast<std::uint64_t>(records.size())},
             {"columns", std::move(names)}};
  if (!records.empty()) {
    m.first_item = records.front();
    ref.append("data[0]", records.front());
  }
  ctx.externals.push_back(std::move(m));
  return ref;
}

/// A DataFrame node of the reference, pandas or polars, inline or external.
inline bool is_dataframe_node(const value& node) {
  auto fmt = format_of(node);
  return fmt.starts_with("pandas.DataFrame") || fmt.starts_with("polars.DataFrame");
}

/// The rows of a stored table and its column names.
struct stored_records {
  std::vector<std::string> columns;
  list records;
  std::string member;  // the .jsonl member holding the rows, if any
};

/// Reads the records of a DataFrame node (or of a plain list of records).
/// Columns are the record keys in order of first appearance, as
/// pandas.DataFrame(records) makes them; only a frame without rows takes
/// them from a "columns" list (0.6 writes one; 0.5 writes statistics).
/// `lines`, if given, are those of the node's .jsonl member, already read.
inline stored_records read_records(const value& node, load_context& ctx, list* lines = nullptr) {
  stored_records out;
  auto fmt = format_of(node);
  if (is_dataframe_node(node) || fmt == list_external) {
    if (fmt.ends_with(external_suffix)) {
      if (auto* name = node.find(ref_key); name && name->is_string()) out.member = name->as_string();
      auto scope = ctx.enter_external(node);
      value payload = lines ? value(std::move(*lines)) : ctx.load_external(node);
      if (!payload.is_list()) ctx.fail("expected a jsonl list of records, found " + load_context::describe(payload), out.member);
      out.records = std::move(payload.as_list());
    } else {
      auto* data = node.find("data");
      if (!data || !data->is_list()) ctx.fail("a '" + std::string(fmt) + "' object without a 'data' list of records");
      out.records = data->as_list();
    }
  } else if (node.is_list()) {
    out.records = node.as_list();
  } else {
    ctx.mismatch("a DataFrame (a 'pandas.DataFrame' object or a list of records)", node);
  }

  for (std::size_t row = 0; row < out.records.size(); ++row) {
    auto* record = out.records[row].get_if<object>();
    if (!record) {
      path_guard g(ctx, row);
      ctx.fail("expected a record object for row " + std::to_string(row) + ", found " +
                   load_context::describe(out.records[row]),
               out.member);
    }
    std::size_t position = 0;
    for (auto& [key, cell] : *record) {
      if (key == format_key) continue;  // records of a list of dataclass objects
      // Records usually repeat the column order: check that first.
      if (position < out.columns.size() && out.columns[position] == key) {
        ++position;
        continue;
      }
      bool known = false;
      for (auto& c : out.columns) known = known || c == key;
      if (!known) out.columns.push_back(key);
      ++position;
    }
  }
  if (out.records.empty()) {
    if (auto* columns = node.find("columns"); columns && columns->is_list())
      for (auto& c : columns->as_list())
        if (c.is_string()) out.columns.push_back(c.as_string());
  }
  return out;
}

/// A DataFrame as zanj::read<zanj::value> gives it, whatever form it was
/// stored in: {"__muutils_format__": "pandas.DataFrame", "columns": [...],
/// "data": [records]}, the inline form both references read.
inline value dataframe_as_value(const value& node, load_context& ctx) {
  stored_records stored = read_records(node, ctx);
  return object{{std::string(format_key), std::string(dataframe_format)},
                {"columns", list(stored.columns.begin(), stored.columns.end())},
                {"data", std::move(stored.records)}};
}

/// The inline form above, held in a zanj::value about to be saved.
inline bool is_dataframe_value(const value& v) {
  if (format_of(v) != dataframe_format) return false;
  auto* columns = v.find("columns");
  auto* data = v.find("data");
  if (!columns || !columns->is_list() || !data || !data->is_list()) return false;
  for (auto& c : columns->as_list())
    if (!c.is_string()) return false;
  for (auto& r : data->as_list())
    if (!r.is_object()) return false;
  return true;
}

/// Saves a DataFrame held in a zanj::value (see is_dataframe_value).
inline value save_dataframe_value(const value& v, save_context& ctx) {
  std::vector<std::string> columns;
  for (auto& c : v.find("columns")->as_list()) columns.push_back(c.as_string());
  list records;
  auto& rows = v.find("data")->as_list();
  records.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    path_guard g(ctx, i);
    records.push_back(save_value(rows[i], ctx));
  }
  return save_records(columns, std::move(records), ctx);
}

// ---------------------------------------------------------------------------
// Cells

/// A cell as written: a missing float is NaN (pandas' float missing value),
/// any other missing cell null.
template <class F>
value cell_to_value(const F& field) {
  if constexpr (is_specialization_v<F, std::optional>) {
    if (field) return cell_to_value(*field);
    if constexpr (std::is_floating_point_v<typename F::value_type>) return std::numeric_limits<double>::quiet_NaN();
    return nullptr;
  } else if constexpr (std::is_floating_point_v<F>) {
    return static_cast<double>(field);
  } else {
    return value(field);
  }
}

/// The column type the cells of one column hold: ints and floats together
/// make float64 (as pandas stores ints beside NaN); a column without values
/// is float64; bools, strings and numbers do not mix.
inline column_type infer_column_type(const stored_records& stored, const std::string& name, load_context& ctx) {
  bool ints = false, floats = false, bools = false, strings = false;
  for (std::size_t row = 0; row < stored.records.size(); ++row) {
    const value* cell = stored.records[row].find(name);
    if (!cell) continue;
    switch (cell->kind()) {
      case kind::null: break;
      case kind::boolean: bools = true; break;
      case kind::int64:
      case kind::uint64: ints = true; break;
      case kind::float64: floats = true; break;
      case kind::string: strings = true; break;
      default: {
        path_guard g(ctx, row);
        path_guard k(ctx, name);
        ctx.fail("column '" + name + "': a table cell must be a number, bool, string or null, found " +
                     load_context::describe(*cell),
                 stored.member);
      }
    }
  }
  const int groups = (ints || floats) + bools + strings;
  if (groups > 1)
    ctx.fail("column '" + name + "' mixes " + std::string(bools ? "bool" : "") +
                 (bools && (ints || floats) ? " and " : "") + ((ints || floats) ? "number" : "") +
                 ((bools || ints || floats) && strings ? " and " : "") + (strings ? "string" : "") + " cells",
             stored.member);
  if (bools) return column_type::boolean;
  if (strings) return column_type::string;
  if (ints && !floats) return column_type::int64;
  return column_type::float64;
}

template <table_cell T>
std::optional<T> table_cell_from(const value& cell, const std::string& name, const stored_records& stored,
                                 load_context& ctx) {
  if (cell.is_null()) return std::nullopt;
  if constexpr (std::same_as<T, std::int64_t>) {
    if (cell.kind() == kind::uint64)
      ctx.fail("column '" + name + "': integer " + std::to_string(cell.as_uint64()) + " does not fit int64",
               stored.member);
    return cell.as_int64();
  } else if constexpr (std::same_as<T, double>) {
    if (cell.kind() == kind::int64) return static_cast<double>(cell.as_int64());
    if (cell.kind() == kind::uint64) return static_cast<double>(cell.as_uint64());
    return cell.as_double();
  } else {
    return *cell.get_if<T>();  // infer_column_type checked the kind
  }
}

template <table_cell T>
table::cells<T> table_column_from(const stored_records& stored, const std::string& name, load_context& ctx) {
  table::cells<T> out;
  out.reserve(stored.records.size());
  for (std::size_t row = 0; row < stored.records.size(); ++row) {
    const value* cell = stored.records[row].find(name);
    if (!cell) {
      out.emplace_back();
      continue;
    }
    path_guard g(ctx, row);
    path_guard k(ctx, name);
    out.push_back(table_cell_from<T>(*cell, name, stored, ctx));
  }
  return out;
}

// ---------------------------------------------------------------------------
// The codecs

template <class T>
struct codec<T, family::table> {
  static_assert(sizeof(T) == 0,
                "zanj: only zanj::table and zanj::table_of<Row> are saved as tables; specialize zanj::zanj_traits "
                "for this type, or opt it out with zanj::family_enabled<T, zanj::family::table> = false");
};

template <>
struct codec<table, family::table> {
  static value save(const table& t, save_context& ctx) {
    // Column by column: each record receives its cells in column order.
    std::vector<object> rows(t.row_count());
    for (auto& r : rows) r.reserve(t.column_count());
    t.for_each_column([&](const std::string& name, auto cells) {
      for (std::size_t row = 0; row < cells.size(); ++row) rows[row].append(name, cell_to_value(cells[row]));
    });
    list records(std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
    return save_records(t.column_names(), std::move(records), ctx);
  }

  static void load(const value& node, load_context& ctx, table& out) {
    stored_records stored = read_records(node, ctx);
    table result;
    for (auto& name : stored.columns) {
      switch (infer_column_type(stored, name, ctx)) {
        case column_type::int64: result.add_column(name, table_column_from<std::int64_t>(stored, name, ctx)); break;
        case column_type::float64: result.add_column(name, table_column_from<double>(stored, name, ctx)); break;
        case column_type::boolean: result.add_column(name, table_column_from<bool>(stored, name, ctx)); break;
        case column_type::string: result.add_column(name, table_column_from<std::string>(stored, name, ctx)); break;
      }
    }
    out = std::move(result);
  }
};

template <class Row>
struct codec<table_of<Row>, family::table> {
  static value save(const table_of<Row>& t, save_context& ctx) {
    if (auto ref = save_direct(t, ctx)) return std::move(*ref);
    list records;
    records.reserve(t.rows.size());
    for (auto& row : t.rows) records.emplace_back(record_of(row));
    return save_records(t.column_names(), std::move(records), ctx);
  }

  /// Fields are found by column name: unknown columns are ignored, and a
  /// missing column or cell leaves the field at its default.
  static void load(const value& node, load_context& ctx, table_of<Row>& out) {
    std::optional<list> lines;
    if (format_of(node) == dataframe_external) {
      // Straight from the .jsonl text when every line is in the form
      // save writes; else through zanj::value, from the same text.
      auto scope = ctx.enter_external(node);
      if (auto member = ctx.jsonl_text(node)) {
        if (read_direct(*member, ctx, out.rows)) return;
        lines = ctx.parse_jsonl(*member);
      }
    }
    stored_records stored = read_records(node, ctx, lines ? &*lines : nullptr);
    out.rows.clear();
    out.rows.reserve(stored.records.size());
    for (std::size_t row = 0; row < stored.records.size(); ++row) {
      auto& record = stored.records[row].as_object();
      Row r{};
      for_each_field(r, [&](std::string_view name, auto& field) {
        const value* cell = record.find(name);
        if (!cell) return;
        path_guard g(ctx, row);
        path_guard k(ctx, std::string(name));
        load_field(*cell, field, name, stored, ctx);
      });
      out.rows.push_back(std::move(r));
    }
  }

 private:
  static value record_of(const Row& row) {
    object record;
    record.reserve(field_count<Row>);
    for_each_field(row, [&](std::string_view name, const auto& field) {
      record.append(std::string(name), cell_to_value(field));
    });
    return record;
  }

  // -- the direct paths (direct_json.hpp, direct_read.hpp) --------------------

  /// One row as its record line, as json::write(record_of(row)) writes it.
  static bool write_record(const Row& row, std::string& out, const options& o) {
    static const auto keys = [] {
      std::array<std::string, field_count<Row>> k;
      constexpr auto names = field_names<Row>();
      for (std::size_t i = 0; i < k.size(); ++i) {
        k[i] = i ? ", " : "{";
        append_json_string(k[i], names[i]);
        k[i] += ": ";
      }
      return k;
    }();
    if constexpr (field_count<Row> == 0) {
      out.append("{}", 2);
      return true;
    }
    bool ok = true;
    std::size_t i = 0;
    for_each_field(row, [&](std::string_view, const auto& field) {
      using F = std::remove_cvref_t<decltype(field)>;
      out += keys[i++];
      if constexpr (is_specialization_v<F, std::optional>) {
        if constexpr (std::is_floating_point_v<typename F::value_type>) {
          if (!field) {
            append_float_repr(out, std::numeric_limits<double>::quiet_NaN());  // pandas' missing float
            return;
          }
        }
      }
      ok = ok && direct_json<F>::write(field, out, o);
    });
    out.push_back('}');
    return ok;
  }

  static std::optional<value> save_direct(const table_of<Row>& t, save_context& ctx) {
    const std::size_t n = t.rows.size();
    if (n == 0 || !ctx.may_externalize()) return std::nullopt;
    auto text = jsonl_pieces(
        t.rows, jsonl_piece_count(n), [&](const Row& r, std::string& out) { return write_record(r, out, ctx.opts); },
        [](std::size_t, const Row&) {});
    if (!text) return std::nullopt;
    value first = record_of(t.rows.front());
    external_member m = jsonl_member_of(std::move(*text), n, first, ctx);
    auto names = t.column_names();
    object ref{{std::string(format_key), std::string(dataframe_external)},
               {std::string(ref_key), m.name},
               {"len(data)", static_cast<std::uint64_t>(n)},
               {"columns", list(names.begin(), names.end())},
               {"data[0]", std::move(first)}};
    ctx.externals.push_back(std::move(m));
    return value(std::move(ref));
  }

  /// One cell into a field as load_field reads it: a float field takes null
  /// as NaN.
  template <class F>
  static bool read_cell(json_cursor& c, F& field) {
    if constexpr (std::is_floating_point_v<F>) {
      if (c.literal("null")) {
        field = std::numeric_limits<F>::quiet_NaN();
        return true;
      }
    }
    return direct_read<F>::read(c, field);
  }

  static bool read_record(json_cursor& c, Row& row) {
    if (!c.consume('{')) return false;
    if constexpr (field_count<Row> == 0) return c.consume('}');
    bool ok = true, first = true;
    for_each_field(row, [&](std::string_view name, auto& field) {
      ok = ok && (first || c.consume(',')) && c.key(name) && read_cell(c, field);
      first = false;
    });
    return ok && c.consume('}');
  }

  static bool read_direct(load_context::jsonl_member& member, const load_context& ctx, std::vector<Row>& rows) {
    return read_lines_into(member, ctx, 1, rows, [](json_cursor& c, Row& r) { return read_record(c, r); });
  }

 private:
  template <class F>
  static void load_field(const value& cell, F& field, std::string_view name, const stored_records& stored,
                         load_context& ctx) {
    // pandas' missing float is NaN, and a float column read from an object
    // column may hold null for it.
    if constexpr (std::is_floating_point_v<F>) {
      if (cell.is_null()) {
        field = std::numeric_limits<F>::quiet_NaN();
        return;
      }
    }
    try {
      load_value(cell, ctx, field);
    } catch (const error& e) {
      ctx.fail("column '" + std::string(name) + "': " + e.reason(), stored.member);
    }
  }
};

}  // namespace zanj::detail
