// Configured models (family::configured_model): written as the Python
// reference writes a ConfiguredModel (FORMAT.md §9), read back by building the
// model from its stored config and then loading every parameter, checked by
// name, shape and dtype. The public side is zanj/model.hpp.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <ranges>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <zanj/codec/aggregate.hpp>
#include <zanj/codec/codec.hpp>
#include <zanj/codec/dispatch.hpp>
#include <zanj/detail/array_decode.hpp>
#include <zanj/detail/format_names.hpp>
#include <zanj/dtype.hpp>

namespace zanj::detail {

/// A parameter's element type and shape, as it is saved.
struct parameter_layout {
  dtype type{};
  std::vector<std::size_t> shape;

  std::size_t count() const noexcept {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
};

/// A parameter whose element type is known at run time only, so its codec
/// reports the layout (torch::Tensor: zanj/ext/torch.hpp).
template <class P>
concept run_time_typed_parameter = requires(const P& p) {
  { codec<P>::layout(p) } -> std::same_as<parameter_layout>;
};

/// What a model parameter can be: an Eigen-like dense matrix or vector, an
/// n-d array (zanj::ndarray), a std::vector / std::array of numbers, or a
/// run-time typed one (torch::Tensor).
template <class P>
concept model_parameter =
    dense_matrix_like<P> || contiguous_ndarray<P> || numeric_sequence<P> || run_time_typed_parameter<P>;

}  // namespace zanj::detail

namespace zanj {
/// The compile error for a parameter of another type; it names the type.
template <class P>
struct type_is_not_a_model_parameter {
  static_assert(detail::model_parameter<P>,
                "zanj: a model parameter must be an Eigen matrix or vector, a zanj::ndarray (or another n-d "
                "array type), a std::vector / std::array of numbers, or a torch::Tensor");
};
}  // namespace zanj

namespace zanj::detail {

template <class P>
parameter_layout layout_of(const P& p) {
  if constexpr (!model_parameter<P>) {
    (void)type_is_not_a_model_parameter<P>{};
    return {};
  } else if constexpr (dense_matrix_like<P>) {
    using scalar = std::remove_cv_t<typename P::Scalar>;
    const auto rows = static_cast<std::size_t>(p.rows()), cols = static_cast<std::size_t>(p.cols());
    // As the Eigen codec saves them: vector types 1-d, everything else 2-d.
    if constexpr (P::RowsAtCompileTime == 1 || P::ColsAtCompileTime == 1)
      return {dtype_v<scalar>, {rows * cols}};
    else
      return {dtype_v<scalar>, {rows, cols}};
  } else if constexpr (contiguous_ndarray<P>) {
    parameter_layout out{dtype_v<std::remove_cv_t<typename P::value_type>>, {}};
    for (auto d : p.shape()) out.shape.push_back(static_cast<std::size_t>(d));
    return out;
  } else if constexpr (numeric_sequence<P>) {
    return {dtype_v<std::remove_cv_t<std::ranges::range_value_t<P>>>, {std::ranges::size(p)}};
  } else {
    return codec<P>::layout(p);
  }
}

/// Loads a stored parameter into `p`. A codec with `load_parameter` (the
/// torch::Tensor one) fills the parameter's own storage in its own dtype: a
/// torch module shares its tensors, so they are written, never replaced.
template <class P>
void load_parameter(const value& node, load_context& ctx, P& p) {
  if constexpr (requires { codec<P>::load_parameter(node, ctx, p); })
    located(ctx, [&] { codec<P>::load_parameter(node, ctx, p); });
  else
    load_value(node, ctx, p);
}

/// The element types the reference's torch reader maps (FORMAT.md §5.3).
inline bool torch_has_dtype(dtype t) noexcept {
  switch (t) {
    case dtype::bool_: case dtype::int8: case dtype::int16: case dtype::int32: case dtype::int64:
    case dtype::uint8: case dtype::float16: case dtype::float32: case dtype::float64:
    case dtype::complex64: case dtype::complex128:
      return true;
    default:
      return false;
  }
}

/// Turns a saved numpy array object into the torch.Tensor object the
/// reference writes for a state_dict entry: same payload, "torch.Tensor:*"
/// format, and torch's dtype names where torch writes them (external, zero_dim).
inline void retag_as_tensor(value& saved) {
  auto* obj = saved.get_if<object>();
  const std::string_view fmt = format_of(saved);
  if (!obj || !fmt.starts_with(numpy_prefix)) return;  // list mode: bare lists, as the reference writes them
  const std::string mode(fmt.substr(numpy_prefix.size()));
  obj->insert_or_assign(std::string(format_key), std::string(torch_prefix) + mode);
  if (mode == ":external" || mode == ":zero_dim")
    if (auto* dt = obj->find("dtype"); dt && dt->is_string() && !dt->as_string().starts_with("torch."))
      *dt = "torch." + dt->as_string();
}

/// The shape and dtype a stored tensor declares, read from its array object
/// (inline or external) without decoding the data; nullopt for bare lists.
inline std::optional<parameter_layout> stored_layout(const value& node) {
  if (node.is_array()) return parameter_layout{node.as_array().type, node.as_array().shape};
  if (!is_array_node(node)) return std::nullopt;
  const value* shape = node.find("shape");
  const value* dt = node.find("dtype");
  if (!shape || !dt || !dt->is_string() || !shape->items()) return std::nullopt;
  auto spec = parse_dtype(dt->as_string());
  if (!spec) return std::nullopt;
  parameter_layout out{spec->type, {}};
  for (auto& d : *shape->items()) {
    if (d.kind() == kind::uint64)
      out.shape.push_back(static_cast<std::size_t>(d.as_uint64()));
    else if (d.kind() == kind::int64 && d.as_int64() >= 0)
      out.shape.push_back(static_cast<std::size_t>(d.as_int64()));
    else
      return std::nullopt;
  }
  return out;
}

/// The number of parameter elements of a model (the reference's num_params):
/// trainable parameters only, or frozen ones too; buffers never. A parameter
/// visited under two names (tied weights, one storage) counts once, as torch
/// counts it.
template <class Model>
std::size_t count_parameters(const Model& m, bool only_trainable) {
  std::size_t n = 0;
  std::vector<const void*> seen;
  m.for_each_parameter([&](std::string_view, const auto& p, parameter_kind kind = parameter_kind::trainable) {
    if (kind == parameter_kind::buffer || (only_trainable && kind == parameter_kind::frozen)) return;
    const std::size_t count = layout_of(p).count();
    if (count == 0) return;
    // The storage's address identifies it: data_ptr() (torch's own test), else data().
    const void* storage = static_cast<const void*>(std::addressof(p));
    if constexpr (requires { { p.data_ptr() } -> std::convertible_to<const void*>; })
      storage = p.data_ptr();
    else if constexpr (requires { { std::data(p) } -> std::convertible_to<const void*>; })
      storage = std::data(p);
    if (std::find(seen.begin(), seen.end(), storage) != seen.end()) return;
    seen.push_back(storage);
    n += count;
  });
  return n;
}

/// The class name a model is saved under: zanj_traits<T>::name, else the
/// unqualified C++ name (the Python class name, for files Python reads).
template <class T>
std::string model_name() {
  return dataclass_name<T>();
}

template <class T>
  requires configured_model_like<T>
struct codec<T, family::configured_model> {
  using config_type = typename T::config_type;

  static value save(const T& m, save_context& ctx) {
    object out;
    out.reserve(5);
    {
      path_guard g(ctx, "zanj_model_config");
      out.append("zanj_model_config", save_value(m.config(), ctx));
    }
    out.append("meta", meta(m));
    {
      path_guard g(ctx, "training_records");
      out.append("training_records", save_value(m.training_records(), ctx));
    }
    object state;
    {
      path_guard g(ctx, "state_dict");
      m.for_each_parameter([&](std::string_view name, const auto& p, parameter_kind = parameter_kind::trainable) {
        path_guard item(ctx, std::string(name));
        if (state.contains(name)) ctx.fail("parameter name '" + std::string(name) + "' given twice");
        const parameter_layout layout = layout_of(p);
        if (!torch_has_dtype(layout.type))
          ctx.fail("parameter '" + std::string(name) + "' of dtype " + std::string(numpy_name(layout.type)) +
                   " has no torch tensor type");
        value saved = save_value(p, ctx);
        retag_as_tensor(saved);
        state.append(std::string(name), std::move(saved));
      });
    }
    out.append("state_dict", std::move(state));
    out.append(std::string(format_key), model_name<T>());
    return out;
  }

  static void load(const value& node, load_context& ctx, T& out)
    requires std::is_move_assignable_v<T>
  {
    out = make(node, ctx);
  }

  /// Builds the model from the stored config, then loads its parameters.
  static T make(const value& node, load_context& ctx) {
    const std::string name = model_name<T>();
    auto* obj = node.get_if<object>();
    if (!obj) ctx.mismatch("a '" + name + "' model object", node);
    if (auto fmt = format_of(node); !fmt.empty() && fmt != name)
      ctx.fail("expected '" + name + "' model object, found '" + std::string(fmt) + "' object");
    const value* stored_config = obj->find("zanj_model_config");
    if (!stored_config) ctx.fail("'" + name + "' model object without 'zanj_model_config'");
    const value* state = obj->find("state_dict");
    if (!state) ctx.fail("'" + name + "' model object without 'state_dict'");

    config_type config = [&] {
      path_guard g(ctx, "zanj_model_config");
      return load_new<config_type>(*stored_config, ctx);
    }();
    T model = located(ctx, [&] { return T(std::as_const(config)); });
    if (const value* records = obj->find("training_records")) {
      path_guard g(ctx, "training_records");
      load_value(*records, ctx, model.training_records());
    }
    path_guard g(ctx, "state_dict");
    load_state(*state, ctx, model, name);
    return model;
  }

 private:
  static value meta(const T& m) {
    const std::string name = model_name<T>();
    std::vector<std::string> lines{name + "("};
    m.for_each_parameter([&](std::string_view param, const auto& p, parameter_kind kind = parameter_kind::trainable) {
      const parameter_layout layout = layout_of(p);
      lines.push_back("  (" + std::string(param) + "): " + std::string(numpy_name(layout.type)) +
                      shape_text(layout.shape) + (kind == parameter_kind::buffer   ? " buffer"
                                                  : kind == parameter_kind::frozen ? " frozen"
                                                                                   : ""));
    });
    lines.push_back(")");
    // Built in one go: growing a list of values one line at a time trips a
    // false -Wstringop-overflow in g++ 12 (std::variant inside vector growth).
    list as_str(lines.begin(), lines.end());
    const std::uint64_t count = count_parameters(m, true);  // torch's num_params(): trainable only
    // Informational only: the reference never reads it back.
    return object{{"class_name", name},
                  {"class_doc", list{}},
                  {"class_source", list{}},
                  {"module_name", "zanj-cpp"},
                  {"module_mro", list{value(name)}},
                  {"num_params", count},
                  {"as_str", std::move(as_str)}};
  }

  /// Strict, as torch's load_state_dict: every parameter present with the
  /// shape and dtype the config gives it, and nothing else. All problems are
  /// reported together before anything is loaded.
  static void load_state(const value& state, load_context& ctx, T& model, const std::string& name) {
    auto* stored = state.get_if<object>();
    if (!stored) ctx.mismatch("an object of parameters by name", state);
    std::vector<std::string> missing, unexpected, wrong;
    std::set<std::string, std::less<>> known;
    model.for_each_parameter([&](std::string_view param, auto& p, parameter_kind = parameter_kind::trainable) {
      known.emplace(param);
      const value* node = stored->find(param);
      if (!node) {
        missing.emplace_back(param);
        return;
      }
      const parameter_layout want = layout_of(p);
      if (auto got = stored_layout(*node)) {
        if (got->shape != want.shape)
          wrong.push_back(std::string(param) + ": expected shape " + shape_text(want.shape) + ", found " +
                          shape_text(got->shape));
        else if (got->type != want.type)
          wrong.push_back(std::string(param) + ": expected dtype " + std::string(numpy_name(want.type)) +
                          ", found " + std::string(numpy_name(got->type)));
      }
    });
    for (auto& [key, v] : *stored)
      if (!known.contains(key)) unexpected.push_back(key);
    if (!missing.empty() || !unexpected.empty() || !wrong.empty()) {
      auto join = [](const std::vector<std::string>& items) {
        std::string s;
        for (auto& i : items) s += (s.empty() ? "" : ", ") + i;
        return s;
      };
      std::string reason = "state_dict does not match model '" + name + "':";
      if (!missing.empty()) reason += " missing parameters: " + join(missing) + ";";
      if (!unexpected.empty()) reason += " unexpected parameters: " + join(unexpected) + ";";
      if (!wrong.empty()) reason += " " + join(wrong) + ";";
      reason.pop_back();
      ctx.fail(std::move(reason));
    }
    model.for_each_parameter([&](std::string_view param, auto& p, parameter_kind = parameter_kind::trainable) {
      path_guard g(ctx, std::string(param));
      const parameter_layout want = layout_of(p);
      load_parameter(*stored->find(param), ctx, p);
      // Bare lists (list mode) carry no shape to check beforehand.
      if (const parameter_layout got = layout_of(p); got.shape != want.shape)
        ctx.fail("expected shape " + shape_text(want.shape) + ", found " + shape_text(got.shape));
    });
  }
};

}  // namespace zanj::detail
