// LibTorch: torch::Tensor as an array (family::tensor), and torch modules as
// configured models (zanj::torch_model). The only header of the library that
// includes torch.
//
// A tensor is saved as the Python reference saves a torch.Tensor: inline
// below external_array_threshold elements (dtype named as numpy names it),
// a .npy member at or above it and a zero_dim object for 0-d (dtype named as
// torch names it: "torch.float32"). It loads from every tensor and array form
// into a tensor of the stored dtype and shape. Only CPU tensors are saved: a
// tensor on another device is an error (call .cpu() first), because the
// bytes are written straight from the tensor's memory, never copied, when it
// is contiguous.
//
//     struct MyNNConfig { int input_dim = 4; int hidden_dim = 8; zanj::by_name<activations> act_fn{"ReLU"}; };
//
//     class MyNN : public zanj::torch_model<MyNN, MyNNConfig> {
//      public:
//       explicit MyNN(const MyNNConfig& c) : torch_model(c) {
//         net = register_module("net", torch::nn::Sequential(torch::nn::Linear(c.input_dim, c.hidden_dim), ...));
//       }
//       torch::nn::Sequential net{nullptr};   // state_dict: net.0.weight, net.0.bias, ...
//     };
//
//     model.save("out/model");                         // Python: MyNN.read("out/model.zanj")
//     MyNN back = MyNN::read("out/model.zanj");        // built from the config, then every tensor loaded
#pragma once

// clang 14 with libstdc++ 12 in C++20 mode rejects LibTorch 1.13's headers
// unless c10::IValue is complete before c10::List is used; including
// ivalue.h first gets that order right (g++ does not mind).
#include <ATen/core/ivalue.h>
#include <torch/nn/module.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <zanj/codec/codec.hpp>
#include <zanj/codec/model.hpp>
#include <zanj/codec/ndarray.hpp>
#include <zanj/detail/array_decode.hpp>
#include <zanj/detail/array_elements.hpp>
#include <zanj/detail/array_save.hpp>
#include <zanj/model.hpp>
#include <zanj/read.hpp>
#include <zanj/save.hpp>

namespace zanj::detail {

/// zanj's element type of a torch dtype; nullopt for those numpy has no
/// dtype for (quantized types, complex32, ...).
inline std::optional<dtype> dtype_of_scalar_type(c10::ScalarType t) noexcept {
  switch (t) {
    case c10::ScalarType::Bool: return dtype::bool_;
    case c10::ScalarType::Char: return dtype::int8;
    case c10::ScalarType::Short: return dtype::int16;
    case c10::ScalarType::Int: return dtype::int32;
    case c10::ScalarType::Long: return dtype::int64;
    case c10::ScalarType::Byte: return dtype::uint8;
    case c10::ScalarType::Half: return dtype::float16;
    case c10::ScalarType::BFloat16: return dtype::bfloat16;
    case c10::ScalarType::Float: return dtype::float32;
    case c10::ScalarType::Double: return dtype::float64;
    case c10::ScalarType::ComplexFloat: return dtype::complex64;
    case c10::ScalarType::ComplexDouble: return dtype::complex128;
    default: return std::nullopt;
  }
}

/// torch's dtype for zanj's; nullopt for the unsigned types wider than 8
/// bits, which torch 1.13 does not have.
inline std::optional<c10::ScalarType> scalar_type_of(dtype t) noexcept {
  switch (t) {
    case dtype::bool_: return c10::ScalarType::Bool;
    case dtype::int8: return c10::ScalarType::Char;
    case dtype::int16: return c10::ScalarType::Short;
    case dtype::int32: return c10::ScalarType::Int;
    case dtype::int64: return c10::ScalarType::Long;
    case dtype::uint8: return c10::ScalarType::Byte;
    case dtype::float16: return c10::ScalarType::Half;
    case dtype::bfloat16: return c10::ScalarType::BFloat16;
    case dtype::float32: return c10::ScalarType::Float;
    case dtype::float64: return c10::ScalarType::Double;
    case dtype::complex64: return c10::ScalarType::ComplexFloat;
    case dtype::complex128: return c10::ScalarType::ComplexDouble;
    default: return std::nullopt;
  }
}

/// Why a tensor cannot be saved or loaded into, or "" if it can: it must
/// hold data, be strided (not sparse) and live on the CPU, and its dtype must
/// have a numpy equivalent.
inline std::string unusable_tensor(const at::Tensor& t) {
  if (!t.defined()) return "undefined tensor (a default-constructed torch::Tensor holds no data)";
  if (t.layout() != c10::kStrided) {
    std::ostringstream layout;
    layout << t.layout();
    return "tensor of layout " + layout.str() + " (only strided tensors)";
  }
  if (!t.device().is_cpu()) return "tensor on device " + t.device().str() + " (only CPU tensors: call .cpu() first)";
  if (!dtype_of_scalar_type(t.scalar_type()))
    return "tensor of dtype " + std::string(c10::toString(t.scalar_type())) + ", which has no numpy dtype";
  return {};
}

/// The dtype numpy gives nested lists of JSON scalars (np.array(data)):
/// float64 if any element is a float, else int64 if any is an integer, else
/// bool if any is a bool; float64 for no elements at all.
inline dtype list_dtype(const value& data) {
  bool any_float = false, any_integer = false, any_bool = false;
  auto visit = [&](auto& self, const value& v) -> void {
    if (auto* items = v.items())
      for (auto& item : *items) self(self, item);
    else if (v.is_float())
      any_float = true;
    else if (v.is_bool())
      any_bool = true;
    else if (v.is_integer())
      any_integer = true;
  };
  visit(visit, data);
  if (any_float) return dtype::float64;
  if (any_integer) return dtype::int64;
  return any_bool ? dtype::bool_ : dtype::float64;
}

/// Nested lists (list mode, a Python list, the lines of a list:external) as
/// an array of dtype `t`, every element checked to fit it.
inline array_value lists_to_array(const value& data, dtype t, load_context& ctx, const std::string& member) {
  if (!data.items() && !data.is_number() && !data.is_bool())
    ctx.mismatch("a tensor, an array or nested lists of numbers", data);
  array_value a;
  a.type = t;
  a.torch = true;
  a.shape = nested_list_shape<double>(data);
  // Checked before allocating: a ragged list must not size the array.
  if (!matches_shape(data, a.shape, 0))
    ctx.fail("nested lists are ragged: they do not form an array of shape " + shape_text(a.shape), member);
  const std::size_t n = checked_size(a.shape, itemsize(t), ctx);
  check_element_limit(a.shape, n, ctx);
  a.bytes.resize(n * itemsize(t));
  std::byte* cursor = a.bytes.data();
  try {
    flatten_into(data, a.shape, 0, t, cursor, ctx);
  } catch (const error& e) {
    ctx.fail(e.reason(), member);
  }
  return a;
}

/// The stored array of any tensor form: an array object (numpy.ndarray or
/// torch.Tensor, inline or external), nested lists or a list:external.
/// Lists carry no dtype: they take `list_type`, or numpy's choice.
inline array_value stored_array(const value& node, load_context& ctx, std::optional<dtype> list_type) {
  if (is_array_node(node)) return decode_array(node, ctx);
  if (format_of(node) == list_external || format_of(node) == tuple_external) {
    auto scope = ctx.enter_external(node);
    const value lists = ctx.load_external(node);
    return lists_to_array(lists, list_type.value_or(list_dtype(lists)), ctx, ref_name(node));
  }
  return lists_to_array(node, list_type.value_or(list_dtype(node)), ctx, {});
}

/// The elements of `a` as dtype `t` (a.size() of them), or nullopt when one
/// does not fit; bools come out as 0 or 1 whatever byte was stored.
inline std::optional<std::vector<std::byte>> elements_as(const array_value& a, dtype t) {
  std::vector<std::byte> out(a.size() * itemsize(t));
  const bool ok = visit_dtype(t, [&](auto zero) {
    // operator new aligns the buffer for every element type.
    return convert_elements(a, reinterpret_cast<decltype(zero)*>(out.data()));
  });
  if (!ok) return std::nullopt;
  return out;
}

inline std::vector<std::int64_t> torch_sizes(const std::vector<std::size_t>& shape, load_context& ctx,
                                             const std::string& member) {
  std::vector<std::int64_t> sizes;
  sizes.reserve(shape.size());
  for (auto d : shape) {
    if (d > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()))
      ctx.fail("array dimension " + std::to_string(d) + " is too large for a tensor", member);
    sizes.push_back(static_cast<std::int64_t>(d));
  }
  return sizes;
}

/// Runs a step that calls torch, turning a c10::Error into a zanj::error
/// at the current path with torch's message (without its C++ backtrace).
template <class Context, class F>
decltype(auto) torch_step(Context& ctx, F&& step, const std::string& member = {}) {
  try {
    return step();
  } catch (const c10::Error& e) {
    ctx.fail("torch: " + std::string(e.what_without_backtrace()), member);
  }
}

template <>
struct codec<at::Tensor, family::tensor> {
  static value save(const at::Tensor& t, save_context& ctx) {
    if (std::string why = unusable_tensor(t); !why.empty()) ctx.fail("cannot save a " + why);
    // Conjugate and negative views keep their flag beside unchanged data;
    // resolve them, then make the elements contiguous (both are no-ops,
    // returning `t` itself, for an ordinary tensor).
    const at::Tensor data = torch_step(ctx, [&] { return t.resolve_conj().resolve_neg().contiguous(); });
    std::vector<std::size_t> shape(data.sizes().begin(), data.sizes().end());
    const auto count = static_cast<std::size_t>(data.numel());
    const std::span<const std::byte> bytes(static_cast<const std::byte*>(data.data_ptr()),
                                           count * static_cast<std::size_t>(data.element_size()));
    const array_view view{*dtype_of_scalar_type(data.scalar_type()), shape, bytes, /*torch=*/true};
    // An external member borrows the bytes until the archive is written:
    // keep the storage alive even when `data` is a contiguous copy.
    if (saves_external(shape.size(), count, ctx)) ctx.keep_alive(data);
    return save_array(view, ctx);
  }

  /// A new tensor of the stored dtype and shape. numpy's unsigned types that
  /// torch lacks widen exactly: uint16 to int32, uint32 and uint64 to int64
  /// (uint64 only when every value fits).
  static void load(const value& node, load_context& ctx, at::Tensor& out) {
    const std::string member = load_context::is_external_ref(node) ? ref_name(node) : std::string{};
    array_value a = stored_array(node, ctx, std::nullopt);
    dtype type = a.type;
    if (type == dtype::uint16) type = dtype::int32;
    if (type == dtype::uint32 || type == dtype::uint64) type = dtype::int64;
    const std::vector<std::int64_t> sizes = torch_sizes(a.shape, ctx, member);
    at::Tensor t = torch_step(
        ctx, [&] { return torch::empty(sizes, torch::TensorOptions().dtype(*scalar_type_of(type))); }, member);
    if (type == a.type && type != dtype::bool_) {
      if (!a.bytes.empty()) std::memcpy(t.data_ptr(), a.bytes.data(), a.bytes.size());
    } else {
      auto elements = elements_as(a, type);
      if (!elements)
        ctx.fail("stored " + std::string(numpy_name(a.type)) + " elements do not fit " +
                     std::string(numpy_name(type)) + ", the nearest torch dtype",
                 member);
      if (!elements->empty()) std::memcpy(t.data_ptr(), elements->data(), elements->size());
    }
    out = std::move(t);
  }

  /// Loading into a module's parameter or buffer: the stored elements are
  /// written into `p` itself (its storage is the module's), in p's dtype,
  /// every element checked to fit, and the shape must be p's.
  static void load_parameter(const value& node, load_context& ctx, at::Tensor& p) {
    if (std::string why = unusable_tensor(p); !why.empty()) ctx.fail("cannot load into a " + why);
    const std::string member = load_context::is_external_ref(node) ? ref_name(node) : std::string{};
    const dtype want = *dtype_of_scalar_type(p.scalar_type());
    array_value a = stored_array(node, ctx, want);
    const std::vector<std::size_t> shape(p.sizes().begin(), p.sizes().end());
    if (a.shape != shape)
      ctx.fail("expected shape " + shape_text(shape) + ", found " + shape_text(a.shape), member);
    if (a.size() == 0) return;
    std::optional<std::vector<std::byte>> converted;
    void* source = a.bytes.data();
    if (a.type != want || want == dtype::bool_) {
      converted = elements_as(a, want);
      if (!converted)
        ctx.fail("expected " + std::string(numpy_name(want)) + " elements, found " + std::string(numpy_name(a.type)) +
                     " elements that do not fit",
                 member);
      source = converted->data();
    }
    torch_step(
        ctx,
        [&] {
          const at::Tensor stored =
              torch::from_blob(source, p.sizes(), torch::TensorOptions().dtype(p.scalar_type()));
          // A parameter requires grad; writing it must not be recorded.
          torch::NoGradGuard no_grad;
          p.copy_(stored);
        },
        member);
  }

  /// For the configured-model codec: a parameter's dtype and shape. Only a
  /// dtype without a numpy one stops it here (as std::invalid_argument, which
  /// the save or load locates); save and load_parameter refuse the rest.
  static parameter_layout layout(const at::Tensor& p) {
    const auto type = p.defined() ? dtype_of_scalar_type(p.scalar_type()) : std::nullopt;
    if (!type) throw std::invalid_argument("model parameter: " + unusable_tensor(p));
    parameter_layout out{*type, {}};
    out.shape.assign(p.sizes().begin(), p.sizes().end());
    return out;
  }
};

/// Calls f(name, tensor) for every parameter and buffer of `m` and its
/// submodules, named and ordered as PyTorch's state_dict(): each module's
/// own parameters, then its own buffers, then its children in registration
/// order, names joined by dots ("net.0.weight"). Undefined tensors (a Linear
/// without bias) are skipped, as PyTorch skips None.
template <class Module, class F>
void for_each_state_entry(Module& m, const std::string& prefix, F& f) {
  // Constness follows m's; named_parameters() hands out handles that share
  // the module's storage, and children are held through shared_ptr<Module>.
  constexpr bool read_only = std::is_const_v<Module>;
  using tensor_ref = std::conditional_t<read_only, const at::Tensor&, at::Tensor&>;
  using module_ref = std::conditional_t<read_only, const torch::nn::Module&, torch::nn::Module&>;
  // The kind (trainable, frozen by requires_grad(false), buffer) goes to
  // visitors that take it, so num_params counts what PyTorch counts.
  auto visit = [&](const std::string& name, tensor_ref t, parameter_kind kind) {
    if constexpr (std::is_invocable_v<F&, std::string_view, tensor_ref, parameter_kind>)
      f(std::string_view(name), t, kind);
    else
      f(std::string_view(name), t);
  };
  for (auto& item : m.named_parameters(/*recurse=*/false))
    if (item.value().defined())
      visit(prefix + item.key(), static_cast<tensor_ref>(item.value()),
            item.value().requires_grad() ? parameter_kind::trainable : parameter_kind::frozen);
  for (auto& item : m.named_buffers(/*recurse=*/false))
    if (item.value().defined()) visit(prefix + item.key(), static_cast<tensor_ref>(item.value()), parameter_kind::buffer);
  for (auto& child : m.named_children())
    for_each_state_entry(static_cast<module_ref>(*child.value()), prefix + child.key() + ".", f);
}

}  // namespace zanj::detail

namespace zanj {

/// Base class of a torch module that is a configured model: built from its
/// config alone (`explicit Derived(const Config&)`), it registers its
/// submodules, parameters and buffers as any torch::nn::Module does, and its
/// state_dict names are PyTorch's for the same structure ("net.0.weight" for
/// a Sequential registered as "net"). Saved as the Python reference saves a
/// ConfiguredModel (FORMAT.md §9); read back by building the module from the
/// stored config and loading every tensor into it, in place and without
/// autograd, checked by name, shape and dtype (all problems reported together).
///
/// The class name in the file is the unqualified C++ name of Derived, or
/// zanj_traits<Derived>::name (for a TORCH_MODULE(MyNN) holder of MyNNImpl,
/// name it "MyNN"). `Records` holds the training records, as in
/// zanj::configured_model.
template <class Derived, class Config, class Records = value>
class torch_model : public torch::nn::Module, public detail::model_core<Derived, Config, Records> {
  using core = detail::model_core<Derived, Config, Records>;

 public:
  using core::core;

  /// Calls f(name, tensor) -- or f(name, tensor, zanj::parameter_kind) -- for
  /// each state_dict entry, in PyTorch's order.
  /// The tensors share the module's storage: writing them writes the module.
  template <class F>
  void for_each_parameter(F&& f) {
    detail::for_each_state_entry(static_cast<torch::nn::Module&>(*this), std::string{}, f);
  }
  template <class F>
  void for_each_parameter(F&& f) const {
    detail::for_each_state_entry(static_cast<const torch::nn::Module&>(*this), std::string{}, f);
  }

  /// zanj's save(path, opts), and torch's own serialization
  /// (torch::save(module, ...)) beside it.
  using core::save;
  using torch::nn::Module::save;
};

}  // namespace zanj
