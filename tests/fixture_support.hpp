// Helpers for tests that read the Python reference's fixtures: where they
// are, and the "zanj-expected/1" value convention of X.expected.json.
#pragma once

#include <cmath>
#include <complex>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <zanj/zanj.hpp>

namespace zanj_test {

/// The fixture folder of ../shared, or an empty path when it is absent.
inline std::filesystem::path fixture_root() {
  std::filesystem::path root = std::filesystem::path(ZANJ_SHARED_DIR) / "fixtures" / "python-reference";
  return std::filesystem::is_directory(root) ? root : std::filesystem::path{};
}

/// Tells ctest (SKIP_REGULAR_EXPRESSION) that the fixtures were missing.
inline void report_fixtures_missing() {
  std::cout << "ZANJ_FIXTURES_SKIPPED: " << ZANJ_SHARED_DIR << "/fixtures/python-reference not found\n";
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The expected.json form of a float.
inline zanj::value convention_float(double d) {
  if (std::isnan(d)) return zanj::object{{"$float", "nan"}};
  if (std::isinf(d)) return zanj::object{{"$float", d > 0 ? "inf" : "-inf"}};
  return d;
}

/// An array element in expected.json: floats as numbers or "nan"/"inf"/"-inf".
inline zanj::value convention_element(const zanj::value& v) {
  if (v.is_float()) {
    double d = v.as_double();
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  }
  if (auto* items = v.items()) {
    zanj::list out;
    for (auto& i : *items) out.push_back(convention_element(i));
    return out;
  }
  return v;
}

/// A value as FIXTURES.md writes it: tagged objects for what JSON cannot say.
inline zanj::value to_convention(const zanj::value& v) {
  using zanj::kind;
  switch (v.kind()) {
    case kind::float64: return convention_float(v.as_double());
    case kind::list: {
      zanj::list out;
      for (auto& i : v.as_list()) out.push_back(to_convention(i));
      return out;
    }
    case kind::tuple: {
      zanj::list out;
      for (auto& i : v.as_tuple().items) out.push_back(to_convention(i));
      return zanj::object{{"$tuple", std::move(out)}};
    }
    case kind::array: {
      auto& a = v.as_array();
      zanj::list shape, data;
      for (auto d : a.shape) shape.emplace_back(static_cast<std::uint64_t>(d));
      const std::size_t item = zanj::itemsize(a.type);
      for (std::size_t i = 0; i < a.size(); ++i)
        data.push_back(convention_element(zanj::detail::element_to_value(a.type, a.bytes.data() + i * item)));
      return zanj::object{{a.torch ? "$tensor" : "$ndarray",
                           zanj::object{{"dtype", std::string(zanj::numpy_name(a.type))},
                                        {"shape", std::move(shape)},
                                        {"data", std::move(data)}}}};
    }
    case kind::object: {
      auto& o = v.as_object();
      std::string fmt;
      if (auto* f = o.find("__muutils_format__"); f && f->is_string()) fmt = f->as_string();
      if (fmt == "pandas.DataFrame") {  // as zanj::read<zanj::value> gives every DataFrame
        zanj::list rows;
        for (auto& record : o.at("data").as_list()) {
          zanj::list cells;
          for (auto& column : o.at("columns").as_list()) {
            const zanj::value* cell = record.find(column.as_string());
            cells.push_back(cell ? to_convention(*cell) : zanj::value());
          }
          rows.emplace_back(std::move(cells));
        }
        return zanj::object{{"$dataframe", zanj::object{{"columns", o.at("columns")}, {"data", std::move(rows)}}}};
      }
      const std::string sdc = "(SerializableDataclass)";
      if (fmt.size() > sdc.size() && fmt.ends_with(sdc)) {
        zanj::object fields;
        for (auto& [k, m] : o)
          if (k != "__muutils_format__") fields.append(k, to_convention(m));
        return zanj::object{
            {"$dataclass", zanj::object{{"name", fmt.substr(0, fmt.size() - sdc.size())}, {"fields", std::move(fields)}}}};
      }
      zanj::object out;
      bool dollar = false;
      for (auto& [k, m] : o) {
        dollar = dollar || (!k.empty() && k[0] == '$');
        out.append(k, to_convention(m));
      }
      if (dollar) return zanj::object{{"$dict", std::move(out)}};
      return out;
    }
    default: return v;
  }
}

/// Exact comparison per FIXTURES.md: kinds must match (int vs float vs bool),
/// floats bit for bit, object key order ignored except for dataclass fields.
/// Returns "" when equal, else where and how they differ.
inline std::string difference(const zanj::value& got, const zanj::value& want, const std::string& at = "") {
  using zanj::kind;
  auto show = [](const zanj::value& v) {
    std::string s = zanj::json::to_string(v, zanj::json::style::compact);
    return s.size() > 120 ? s.substr(0, 120) + "..." : s;
  };
  bool both_int = got.is_integer() && want.is_integer();
  if (got.kind() != want.kind() && !both_int) return at + ": got " + show(got) + ", want " + show(want);
  switch (want.kind()) {
    case kind::object: {
      auto& g = got.as_object();
      auto& w = want.as_object();
      if (g.size() != w.size()) return at + ": got keys " + show(got) + ", want " + show(want);
      for (auto& [k, wv] : w) {
        auto* gv = g.find(k);
        if (!gv) return at + ": missing key '" + k + "'";
        if (auto d = difference(*gv, wv, at + "/" + k); !d.empty()) return d;
      }
      if (w.contains("fields") && w.contains("name")) {  // $dataclass field order matters
        auto gi = g.at("fields").as_object().begin();
        for (auto& [k, wv] : w.at("fields").as_object()) {
          if (gi->first != k) return at + ": dataclass field order differs at '" + k + "'";
          ++gi;
        }
      }
      return "";
    }
    case kind::list: {
      auto& g = got.as_list();
      auto& w = want.as_list();
      if (g.size() != w.size())
        return at + ": list length " + std::to_string(g.size()) + ", want " + std::to_string(w.size());
      for (std::size_t i = 0; i < w.size(); ++i)
        if (auto d = difference(g[i], w[i], at + "/" + std::to_string(i)); !d.empty()) return d;
      return "";
    }
    case kind::int64:
    case kind::uint64: {
      bool equal = got.kind() == want.kind() &&
                   (got.kind() == kind::int64 ? got.as_int64() == want.as_int64() : got.as_uint64() == want.as_uint64());
      return equal ? "" : at + ": got " + show(got) + ", want " + show(want);
    }
    default: return zanj::identical(got, want) ? "" : at + ": got " + show(got) + ", want " + show(want);
  }
}

}  // namespace zanj_test
