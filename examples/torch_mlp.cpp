// Loads a model trained in Python into a LibTorch module and runs it.
//
// The Python side (zanj's README):
//
//     @serializable_dataclass
//     class MyNNConfig(SerializableDataclass):
//         input_dim: int
//         hidden_dim: int
//         output_dim: int
//         act_fn: type = serializable_field(serialization_fn=lambda x: x.__name__,
//                                           loading_fn=lambda d: getattr(torch.nn, d["act_fn"]))
//         loss_kwargs: dict = serializable_field(default_factory=dict)
//         loss_factory: ... (by name, like act_fn)
//
//     @set_config_class(MyNNConfig)
//     class MyNN(ConfiguredModel[MyNNConfig]):
//         def __init__(self, config):
//             super().__init__(config)
//             self.net = torch.nn.Sequential(torch.nn.Linear(config.input_dim, config.hidden_dim),
//                                            config.act_fn(),
//                                            torch.nn.Linear(config.hidden_dim, config.output_dim))
//
// The C++ module has the same structure, so its state_dict names are the
// same ("net.0.weight", ...); the activation and the loss are looked up by
// name. A file saved by either side loads in the other.
//
// Usage: torch_mlp [model.zanj]   (default: the Python reference's
// configured_model_small.zanj fixture, whose extra/probe_input and
// extra/probe_output hold one forward pass computed by PyTorch). Exits 0
// when LibTorch reproduces probe_output to 1e-6.
#include <zanj/ext/torch.hpp>  // first: it includes torch's headers in the order clang 14 needs
#include <zanj/field.hpp>
#include <zanj/zanj.hpp>

#include <torch/nn.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <string>

namespace mlp {

/// torch.nn activation modules by class name.
struct activations {
  static constexpr std::string_view what = "activation";
  using factory = std::function<torch::nn::AnyModule()>;
  static const std::map<std::string, factory>& entries() {
    static const std::map<std::string, factory> table{
        {"Identity", [] { return torch::nn::AnyModule(torch::nn::Identity()); }},
        {"ReLU", [] { return torch::nn::AnyModule(torch::nn::ReLU()); }},
        {"LeakyReLU", [] { return torch::nn::AnyModule(torch::nn::LeakyReLU()); }},
        {"Tanh", [] { return torch::nn::AnyModule(torch::nn::Tanh()); }},
        {"Sigmoid", [] { return torch::nn::AnyModule(torch::nn::Sigmoid()); }},
        {"SiLU", [] { return torch::nn::AnyModule(torch::nn::SiLU()); }},
        {"GELU", [] { return torch::nn::AnyModule(torch::nn::GELU()); }},
        {"ELU", [] { return torch::nn::AnyModule(torch::nn::ELU()); }},
    };
    return table;
  }
};

/// torch.nn losses by class name: loss(outputs, targets, reduction).
struct losses {
  static constexpr std::string_view what = "loss";
  using function = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&, const std::string&)>;
  static torch::nn::MSELossOptions::reduction_t reduction(const std::string& name) {
    if (name == "sum") return torch::kSum;
    if (name == "none") return torch::kNone;
    return torch::kMean;
  }
  static const std::map<std::string, function>& entries() {
    namespace F = torch::nn::functional;
    static const std::map<std::string, function> table{
        {"MSELoss",
         [](const torch::Tensor& y, const torch::Tensor& t, const std::string& r) {
           return F::mse_loss(y, t, F::MSELossFuncOptions().reduction(reduction(r)));
         }},
        // targets: class indices, or class probabilities (one row per sample)
        {"CrossEntropyLoss",
         [](const torch::Tensor& y, const torch::Tensor& t, const std::string& r) {
           return F::cross_entropy(y, t, F::CrossEntropyFuncOptions().reduction(reduction(r)));
         }},
    };
    return table;
  }
};

/// The name and fields of the Python config class.
struct MyNNConfig {
  int input_dim = 4;
  int hidden_dim = 8;
  int output_dim = 3;
  zanj::by_name<activations> act_fn{"ReLU"};
  zanj::value loss_kwargs = zanj::object{};  // {"reduction": "sum"}
  zanj::by_name<losses> loss_factory{"CrossEntropyLoss"};
};

class MyNN : public zanj::torch_model<MyNN, MyNNConfig> {
 public:
  explicit MyNN(const MyNNConfig& c) : torch_model(c) {
    net = register_module("net", torch::nn::Sequential(torch::nn::Linear(c.input_dim, c.hidden_dim), c.act_fn.get()(),
                                                       torch::nn::Linear(c.hidden_dim, c.output_dim)));
  }

  torch::Tensor forward(const torch::Tensor& x) { return net->forward(x); }

  torch::Tensor loss(const torch::Tensor& x, const torch::Tensor& targets) {
    std::string reduction = "mean";
    if (auto* r = config().loss_kwargs.find("reduction")) reduction = r->as_string();
    return config().loss_factory(forward(x), targets, reduction);
  }

  torch::nn::Sequential net{nullptr};
};

}  // namespace mlp

int main(int argc, char** argv) {
  const std::filesystem::path file = argc > 1 ? argv[1] : ZANJ_MODEL_FIXTURE;
  if (argc <= 1 && !std::filesystem::exists(file)) {
    std::cout << "ZANJ_FIXTURES_SKIPPED: " << file.string() << " not found\n";
    return 0;
  }
  try {
    // The fixture holds {"model": <MyNN>, "extra": {"probe_input", "probe_output"}};
    // a file saved with model.save() holds the model at the root ("").
    zanj::archive archive(file);
    const bool nested = archive.contains("/model");
    mlp::MyNN model = archive.get<mlp::MyNN>(nested ? "/model" : "");
    model.eval();
    torch::NoGradGuard no_grad;
    std::int64_t parameters = 0;
    for (auto& p : model.parameters()) parameters += p.numel();
    std::cout << "loaded into LibTorch:\n" << model << "\nwith " << parameters
              << " parameters; act_fn=" << model.config().act_fn.name()
              << ", loss=" << model.config().loss_factory.name() << "\n";
    if (!archive.contains("/extra/probe_input")) {
      std::cout << "no probe in this file: nothing to check\n";
      return 0;
    }
    const auto x = archive.get<torch::Tensor>("/extra/probe_input");
    const auto expected = archive.get<torch::Tensor>("/extra/probe_output");
    const auto y = model.forward(x);
    if (y.sizes() != expected.sizes()) {
      std::cerr << "output shape " << y.sizes() << " differs from the probe's " << expected.sizes() << "\n";
      return 1;
    }
    const float max_error = (y - expected).abs().max().item<float>();
    std::cout << "probe: max |LibTorch - PyTorch| = " << max_error << "\n";
    std::cout << "loss on the probe (targets = softmax of PyTorch's output): "
              << model.loss(x, torch::softmax(expected, 1)).item<float>() << "\n";

    // Saved from C++ as Python's MyNN.read expects, and read back the same.
    const auto saved = model.save(std::filesystem::temp_directory_path() /
                                  ("torch_mlp_" + std::to_string(std::random_device{}()) + ".zanj"));
    mlp::MyNN again = mlp::MyNN::read(saved, model.config());
    std::filesystem::remove(saved);
    again.eval();
    const float resave_error = (again.forward(x) - y).abs().max().item<float>();
    std::cout << "re-saved from C++: max difference " << resave_error << "\n";
    return max_error <= 1e-6f && resave_error == 0.0f ? 0 : 1;
  } catch (const zanj::error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
