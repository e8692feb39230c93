// Writing a list or tuple of already-saved items: inline JSON list, or an
// external .jsonl member at or above external_list_threshold (FORMAT.md §6).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <zanj/detail/format_names.hpp>
#include <zanj/detail/save_context.hpp>
#include <zanj/json.hpp>
#include <zanj/value.hpp>

namespace zanj::detail {

/// Python's type name of a JSON value, for the informational "columns".
inline std::string_view python_type_name(const value& v) {
  switch (v.kind()) {
    case kind::null: return "NoneType";
    case kind::boolean: return "bool";
    case kind::int64:
    case kind::uint64: return "int";
    case kind::float64: return "float";
    case kind::string: return "str";
    case kind::list:
    case kind::tuple: return "list";
    case kind::object:
    case kind::array: return "dict";
  }
  return "";
}

/// The reference's per-key statistics of a list of objects (FORMAT.md §6.3).
inline value column_statistics(const list& items) {
  object columns;
  for (auto& item : items) {
    for (auto& [key, v] : item.as_object()) {
      if (key == format_key) continue;
      value* column = columns.find(key);
      if (!column) column = &columns.append(key, object{{"types", list{}}, {"len", 0}});
      auto& col = column->as_object();
      col.at("len") = col.at("len").as_int64() + 1;
      auto type = python_type_name(v);
      auto& types = col.at("types").as_list();
      bool known = false;
      for (auto& t : types) known = known || t.as_string() == type;
      if (!known) types.emplace_back(std::string(type));
    }
  }
  return columns;
}

/// Saves a list of items at the current path.
inline value save_list(list items, save_context& ctx, bool is_tuple = false) {
  if (!ctx.may_externalize() || items.size() < ctx.opts.external_list_threshold) return items;
  external_member m;
  m.name = ctx.claim_member("jsonl");
  m.path = ctx.path.to_value();
  m.kind = external_kind::jsonl;
  for (auto& item : items) {
    json::write(m.head, item, json::style::compact);
    m.head += '\n';
  }
  m.length = items.size();
  if (!items.empty()) m.first_item = items.front();

  object ref{{std::string(format_key), std::string(is_tuple ? tuple_external : list_external)},
             {std::string(ref_key), m.name}};
  bool all_objects = true;
  for (auto& item : items) all_objects = all_objects && item.is_object();
  if (all_objects) {
    ref.append("len(data)", static_cast<std::uint64_t>(items.size()));
    ref.append("columns", column_statistics(items));
    if (!items.empty()) ref.append("data[0]", items.front());
  }
  ctx.externals.push_back(std::move(m));
  return ref;
}

}  // namespace zanj::detail
