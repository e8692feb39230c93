// Configured models: a model type that names its config struct, is built
// from the config alone and exposes its parameters by dotted name. zanj::save
// writes it as the Python reference writes a ConfiguredModel (FORMAT.md §9),
// so Python's `MyModel.read(path)` loads it (and C++ reads Python's files).
//
//     struct mlp_config { int input_dim = 4; int hidden_dim = 8; zanj::by_name<activations> act_fn{"ReLU"}; };
//
//     class MyNN : public zanj::configured_model<MyNN, mlp_config> {
//      public:
//       explicit MyNN(const mlp_config& c) : configured_model(c), w(c.hidden_dim, c.input_dim), b(c.hidden_dim) {}
//       template <class Self, class Visit>               // Self: MyNN or const MyNN
//       static void parameters(Self& self, Visit&& visit) {
//         visit("net.0.weight", self.w);
//         visit("net.0.bias", self.b);
//       }
//       Eigen::MatrixXf w; Eigen::VectorXf b;          // or zanj::ndarray<float>, std::vector<float>
//     };
//
//     model.save("out/model");                          // or zanj::save(model, "out/model")
//     auto back = MyNN::read("out/model.zanj");         // or zanj::read<MyNN>(...)
//     auto checked = MyNN::read("out/model.zanj", expected_config);   // zanj::config_mismatch if it differs
//
// This header does not include Eigen: Eigen parameters need
// <zanj/ext/eigen.hpp> where the model is saved or read.
#pragma once

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <zanj/codec/dispatch.hpp>
#include <zanj/codec/model.hpp>
#include <zanj/detail/weights_compare.hpp>
#include <zanj/error.hpp>
#include <zanj/json.hpp>
#include <zanj/options.hpp>
#include <zanj/read.hpp>
#include <zanj/save.hpp>
#include <zanj/value.hpp>

namespace zanj {

/// One field in which two configs differ: its dotted path ("loss_kwargs.reduction")
/// and each side's value as compact JSON.
struct config_difference {
  std::string field;
  std::string expected;
  std::string found;
};

/// Thrown when a config is not the one expected (the reference's
/// ConfigMismatchException); a zanj::error whose message lists the fields.
class config_mismatch : public error {
 public:
  config_mismatch(std::vector<config_difference> differences, std::filesystem::path file = {},
                  std::string object_path = {})
      : error(describe(differences), std::move(file), std::move(object_path)), differences_(std::move(differences)) {}

  const std::vector<config_difference>& differences() const noexcept { return differences_; }

 private:
  static std::string describe(const std::vector<config_difference>& differences) {
    std::string s = "config mismatch in " + std::to_string(differences.size()) +
                    (differences.size() == 1 ? " field: " : " fields: ");
    for (std::size_t i = 0; i < differences.size(); ++i)
      s += (i ? "; " : "") + differences[i].field + " (expected " + differences[i].expected + ", found " +
           differences[i].found + ")";
    return s;
  }

  std::vector<config_difference> differences_;
};

namespace detail {

/// A value as it would be saved, every array and list inline.
template <class T>
value saved_inline(const T& v) {
  options opts;
  opts.external_array_threshold = std::numeric_limits<std::size_t>::max();
  opts.external_list_threshold = std::numeric_limits<std::size_t>::max();
  save_context ctx(opts, {});
  return save_value(v, ctx);
}

inline std::string short_json(const value& v) {
  std::string s = json::to_string(v, json::style::compact);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

inline void diff_values(const std::string& field, const value& expected, const value& found,
                        std::vector<config_difference>& out) {
  auto* a = expected.get_if<object>();
  auto* b = found.get_if<object>();
  if (a && b) {
    auto child = [&](const std::string& key) { return field.empty() ? key : field + "." + key; };
    for (auto& [key, v] : *a) {
      if (const value* w = b->find(key))
        diff_values(child(key), v, *w, out);
      else
        out.push_back({child(key), short_json(v), "nothing"});
    }
    for (auto& [key, w] : *b)
      if (!a->contains(key)) out.push_back({child(key), "nothing", short_json(w)});
    return;
  }
  auto* la = expected.items();
  auto* lb = found.items();
  if (la && lb && la->size() == lb->size()) {
    for (std::size_t i = 0; i < la->size(); ++i)
      diff_values(field + "." + std::to_string(i), (*la)[i], (*lb)[i], out);
    return;
  }
  // Compared as text, so NaN equals NaN and 1 differs from 1.0.
  std::string ta = json::to_string(expected, json::style::compact), tb = json::to_string(found, json::style::compact);
  if (ta != tb) out.push_back({field.empty() ? "<config>" : field, short_json(expected), short_json(found)});
}

}  // namespace detail

/// The fields in which two configs differ, compared field by field as they
/// are saved (nested structs and objects by dotted path); empty when equal.
/// Works for any saveable type: reflected structs, zanj_traits types, by_name
/// fields (compared by name), maps, zanj::value.
template <class Config>
std::vector<config_difference> config_differences(const Config& expected, const Config& found) {
  std::vector<config_difference> out;
  detail::diff_values("", detail::saved_inline(expected), detail::saved_inline(found), out);
  return out;
}

/// Throws zanj::config_mismatch listing the differing fields, if any.
template <class Config>
  requires(!configured_model_like<Config>)
void require_same_config(const Config& expected, const Config& found) {
  if (auto d = config_differences(expected, found); !d.empty()) throw config_mismatch(std::move(d));
}

/// The same for two models (the reference's assert_model_cfg_equality).
template <configured_model_like Model>
void require_same_config(const Model& expected, const Model& found) {
  require_same_config(expected.config(), found.config());
}

/// The number of parameter elements of a model, as the reference's
/// num_params(model, only_trainable) counts them: trainable parameters, or
/// with `only_trainable = false` the frozen ones too (never buffers); tied
/// weights once.
template <configured_model_like Model>
std::size_t num_params(const Model& model, bool only_trainable = true) {
  return detail::count_parameters(model, only_trainable);
}

/// Where two models' weights first differ: the parameter's dotted name, the
/// element's position in the parameter's saved shape (empty when the
/// parameters differ as a whole: name, shape, dtype, or one is missing), and
/// what each side has there.
struct weight_difference {
  std::string parameter;
  std::vector<std::size_t> index;
  std::string expected;
  std::string found;

  /// "net.0.weight[2, 1]: expected 0.5, found -0.0".
  std::string describe() const {
    std::string s = parameter;
    if (!index.empty()) {
      s += '[';
      for (std::size_t i = 0; i < index.size(); ++i) s += (i ? ", " : "") + std::to_string(index[i]);
      s += ']';
    }
    return s + ": expected " + expected + ", found " + found;
  }
};

/// Thrown by require_exact_equality when the weights differ; a zanj::error.
class weights_mismatch : public error {
 public:
  explicit weights_mismatch(weight_difference difference)
      : error("weights differ: " + difference.describe()), difference_(std::move(difference)) {}
  const weight_difference& difference() const noexcept { return difference_; }

 private:
  weight_difference difference_;
};

namespace detail {

/// The name and elements of a model's parameter number `position`, if it has one.
template <class Model>
std::optional<std::pair<std::string, array_value>> parameter_at(const Model& m, std::size_t position) {
  std::optional<std::pair<std::string, array_value>> out;
  std::size_t i = 0;
  m.for_each_parameter([&](std::string_view name, const auto& p, parameter_kind = parameter_kind::trainable) {
    if (i++ == position) out.emplace(std::string(name), parameter_elements(p));
  });
  return out;
}

template <class Model>
std::size_t parameter_count(const Model& m) {
  std::size_t n = 0;
  m.for_each_parameter([&](std::string_view, const auto&, parameter_kind = parameter_kind::trainable) { ++n; });
  return n;
}

}  // namespace detail

/// The first difference between the weights of two models, in state_dict
/// order, or nothing when they are exactly equal: the same parameter names in
/// the same order, shapes, dtypes and elements, where NaN equals NaN and
/// -0.0 differs from 0.0 (buffers and frozen parameters included). The
/// config is not compared: see config_differences / require_same_config.
template <configured_model_like Model>
std::optional<weight_difference> first_weight_difference(const Model& expected, const Model& found) {
  const std::size_t n = detail::parameter_count(expected), m = detail::parameter_count(found);
  auto quoted = [](const std::string& name) { return "'" + name + "'"; };
  // One parameter of each model at a time: never a copy of a whole model.
  for (std::size_t i = 0; i < std::max(n, m); ++i) {
    auto a = detail::parameter_at(expected, i);
    auto b = detail::parameter_at(found, i);
    if (!a) return weight_difference{b->first, {}, "no parameter", "parameter " + quoted(b->first)};
    if (!b) return weight_difference{a->first, {}, "parameter " + quoted(a->first), "no parameter"};
    auto& [name, x] = *a;
    auto& [other_name, y] = *b;
    if (name != other_name) return weight_difference{name, {}, "name " + quoted(name), "name " + quoted(other_name)};
    if (x.shape != y.shape)
      return weight_difference{name, {}, "shape " + detail::shape_text(x.shape), "shape " + detail::shape_text(y.shape)};
    if (x.type != y.type)
      return weight_difference{name, {}, "dtype " + std::string(numpy_name(x.type)),
                               "dtype " + std::string(numpy_name(y.type))};
    if (auto at = detail::first_different_element(x, y))
      return weight_difference{name, detail::unflatten(*at, x.shape), detail::element_text(x, *at),
                               detail::element_text(y, *at)};
  }
  return std::nullopt;
}

/// The reference's assert_model_exact_equality: the same config (else
/// zanj::config_mismatch listing the fields), then exactly the same weights
/// (else zanj::weights_mismatch naming the first difference).
template <configured_model_like Model>
void require_exact_equality(const Model& expected, const Model& found) {
  require_same_config(expected, found);
  if (auto d = first_weight_difference(expected, found)) throw weights_mismatch(std::move(*d));
}

namespace detail {

/// What every configured-model base shares (zanj::configured_model, and
/// zanj::torch_model of ext/torch.hpp): the config it was built from, its
/// training records, and save / read / num_params through Derived.
template <class Derived, class Config, class Records>
class model_core {
 public:
  using config_type = Config;
  using records_type = Records;

  explicit model_core(Config config) : config_(std::move(config)) {}

  const Config& config() const noexcept { return config_; }
  Records& training_records() noexcept { return records_; }
  const Records& training_records() const noexcept { return records_; }

  /// The number of parameter elements (the reference's num_params): trainable
  /// parameters only, or with `only_trainable = false` frozen ones too.
  std::size_t num_params(bool only_trainable = true) const {
    return zanj::num_params(static_cast<const Derived&>(*this), only_trainable);
  }

  /// zanj::save(model, path, opts).
  std::filesystem::path save(std::filesystem::path path, const options& opts = {}) const {
    return zanj::save(static_cast<const Derived&>(*this), std::move(path), opts);
  }

  /// zanj::read<Derived>(path, opts): the model built from the stored config,
  /// with every parameter loaded and checked by name, shape and dtype.
  static Derived read(const std::filesystem::path& path, const options& opts = {}) {
    return zanj::read<Derived>(path, opts);
  }

  /// Reads as above and requires the stored config to equal `expected`:
  /// zanj::config_mismatch (a zanj::error) lists the fields that differ.
  static Derived read(const std::filesystem::path& path, const Config& expected, const options& opts = {}) {
    Derived model = read(path, opts);
    if (auto d = config_differences(expected, model.config()); !d.empty())
      throw config_mismatch(std::move(d), path, "/zanj_model_config");
    return model;
  }

 private:
  Config config_;
  Records records_{};
};

}  // namespace detail

/// Base class of a configured model. `Derived` is built from a `Config`
/// (`explicit Derived(const Config&)`) and lists its parameters with
///
///     template <class Self, class Visit> static void parameters(Self& self, Visit&& visit);
///
/// calling visit("dotted.name", self.member) for each, in state_dict order
/// (Self is Derived or const Derived). A parameter is an Eigen matrix or
/// vector, a zanj::ndarray, or a std::vector / std::array of numbers. A
/// buffer (torch's running_mean) or a frozen parameter (requires_grad =
/// False) says so: visit("bn.running_mean", self.mean, zanj::parameter_kind::buffer).
/// Every kind is saved in the state_dict; num_params() counts trainable ones.
/// `Records` holds the training records: any saveable and loadable type
/// (zanj::value by default, null until set; std::optional<my_records> works).
///
/// The class name in the file (Python's model class) is the unqualified C++
/// name of Derived, or zanj_traits<Derived>::name; the config's is its struct
/// name, "<Config>(SerializableDataclass)".
template <class Derived, class Config, class Records = value>
class configured_model : public detail::model_core<Derived, Config, Records> {
 public:
  using detail::model_core<Derived, Config, Records>::model_core;

  /// Calls f(name, parameter) -- or f(name, parameter, kind) when f takes a
  /// zanj::parameter_kind -- for each parameter, in order.
  template <class F>
  void for_each_parameter(F&& f) {
    Derived::parameters(static_cast<Derived&>(*this), visitor<F>{f});
  }
  template <class F>
  void for_each_parameter(F&& f) const {
    Derived::parameters(static_cast<const Derived&>(*this), visitor<F>{f});
  }

 private:
  /// What parameters() calls: visit(name, p) or visit(name, p, kind).
  template <class F>
  struct visitor {
    F& f;
    template <class P>
    void operator()(std::string_view name, P& p, parameter_kind kind = parameter_kind::trainable) const {
      if constexpr (std::is_invocable_v<F&, std::string_view, P&, parameter_kind>)
        f(name, p, kind);
      else
        f(name, p);
    }
  };
};

}  // namespace zanj
