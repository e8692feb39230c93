// Torch modules shared by test_torch.cpp and torch_interop/: the Python
// reference's MyNN, and a module with buffers, nested children and a layer
// without bias. tests/torch_interop/check_torch_models.py builds the same
// structures in PyTorch.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

// First, for clang 14: see the top of ext/torch.hpp.
#include <zanj/ext/torch.hpp>
#include <zanj/field.hpp>

#include <torch/nn.h>

namespace tnn {

/// torch.nn activations by class name: each entry makes a fresh module.
struct activations {
  static constexpr std::string_view what = "activation";
  using factory = std::function<torch::nn::AnyModule()>;
  static const std::map<std::string, factory>& entries() {
    static const std::map<std::string, factory> table{
        {"Identity", [] { return torch::nn::AnyModule(torch::nn::Identity()); }},
        {"ReLU", [] { return torch::nn::AnyModule(torch::nn::ReLU()); }},
        {"Tanh", [] { return torch::nn::AnyModule(torch::nn::Tanh()); }},
        {"Sigmoid", [] { return torch::nn::AnyModule(torch::nn::Sigmoid()); }},
        {"GELU", [] { return torch::nn::AnyModule(torch::nn::GELU()); }},
    };
    return table;
  }
};

struct losses {
  static constexpr std::string_view what = "loss";
  static const std::map<std::string, int>& entries() {
    static const std::map<std::string, int> table{{"CrossEntropyLoss", 0}, {"MSELoss", 1}};
    return table;
  }
};

// The Python fixture's config (MyNNConfig in the reference's README).
struct MyNNConfig {
  int input_dim = 4;
  int hidden_dim = 8;
  int output_dim = 3;
  zanj::by_name<activations> act_fn{"ReLU"};
  zanj::value loss_kwargs = zanj::object{};
  zanj::by_name<losses> loss_factory{"CrossEntropyLoss"};
};

// The fixture's MyNN: net = Sequential(Linear, act_fn(), Linear).
class MyNN : public zanj::torch_model<MyNN, MyNNConfig> {
 public:
  explicit MyNN(const MyNNConfig& c) : torch_model(c) {
    net = register_module("net", torch::nn::Sequential(torch::nn::Linear(c.input_dim, c.hidden_dim), c.act_fn.get()(),
                                                       torch::nn::Linear(c.hidden_dim, c.output_dim)));
  }
  torch::Tensor forward(const torch::Tensor& x) { return net->forward(x); }

  torch::nn::Sequential net{nullptr};
};

struct RichConfig {
  int width = 4;
};

// Parameters and buffers of its own, nested children, a layer without bias.
class Rich : public zanj::torch_model<Rich, RichConfig> {
 public:
  explicit Rich(const RichConfig& c) : torch_model(c) {
    scale = register_parameter("scale", torch::ones({3}));
    step = register_buffer("step", torch::zeros({}, torch::kLong));
    body = register_module(
        "body", torch::nn::Sequential(torch::nn::Linear(3, c.width), torch::nn::BatchNorm1d(c.width), torch::nn::ReLU(),
                                      torch::nn::Linear(torch::nn::LinearOptions(c.width, 2).bias(false))));
    head = register_module("head", torch::nn::Linear(2, 1));
  }
  torch::Tensor forward(const torch::Tensor& x) { return head->forward(body->forward(x * scale)); }

  torch::Tensor scale, step;
  torch::nn::Sequential body{nullptr};
  torch::nn::Linear head{nullptr};
};

// The TORCH_MODULE idiom: a holder `Tiny` of `TinyImpl`, saved under the
// holder's name (zanj_traits below), as Python names the class.
class TinyImpl : public zanj::torch_model<TinyImpl, RichConfig> {
 public:
  explicit TinyImpl(const RichConfig& c) : torch_model(c) { fc = register_module("fc", torch::nn::Linear(c.width, 2)); }
  torch::Tensor forward(const torch::Tensor& x) { return fc->forward(x); }
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Tiny);

}  // namespace tnn

template <>
struct zanj::zanj_traits<tnn::TinyImpl> {
  static constexpr std::string_view name = "Tiny";
};
