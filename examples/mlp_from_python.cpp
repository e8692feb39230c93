// Loads a model trained in Python and runs it in C++ with Eigen.
//
// The Python side (zanj's README, torch):
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
// The C++ side mirrors it: the config struct has the same name and fields,
// the activation and loss are zanj::by_name fields, and the parameters carry
// the names of the torch state_dict. A file saved by either side loads in the
// other.
//
// Usage: mlp_from_python [model.zanj]   (default: the Python reference's
// configured_model_small.zanj fixture, whose extra/probe_input and
// extra/probe_output hold one forward pass computed by torch). Exits 0 when
// the C++ forward pass reproduces probe_output to 1e-6.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>

#include <Eigen/Core>

#include <zanj/ext/eigen.hpp>
#include <zanj/field.hpp>
#include <zanj/model.hpp>
#include <zanj/zanj.hpp>

namespace mlp {

/// torch.nn activations by class name, applied element-wise.
struct activations {
  static constexpr std::string_view what = "activation";
  using function = std::function<float(float)>;
  static const std::map<std::string, function>& entries() {
    static const std::map<std::string, function> table{
        {"Identity", [](float x) { return x; }},
        {"ReLU", [](float x) { return x > 0.0f ? x : 0.0f; }},
        {"LeakyReLU", [](float x) { return x > 0.0f ? x : 0.01f * x; }},
        {"Tanh", [](float x) { return std::tanh(x); }},
        {"Sigmoid", [](float x) { return 1.0f / (1.0f + std::exp(-x)); }},
        {"SiLU", [](float x) { return x / (1.0f + std::exp(-x)); }},
        // torch's default GELU is the exact one, with erf.
        {"GELU", [](float x) { return 0.5f * x * (1.0f + std::erf(x / std::numbers::sqrt2_v<float>)); }},
        {"ELU", [](float x) { return x > 0.0f ? x : std::expm1(x); }},
    };
    return table;
  }
};

/// torch.nn losses by class name: loss(outputs, targets, reduction).
struct losses {
  static constexpr std::string_view what = "loss";
  using function = std::function<float(const Eigen::MatrixXf&, const Eigen::MatrixXf&, const std::string&)>;
  static float reduce(const Eigen::VectorXf& per_sample, const std::string& reduction) {
    if (reduction == "sum") return per_sample.sum();
    if (reduction == "mean") return per_sample.mean();
    throw std::invalid_argument("unknown reduction '" + reduction + "'");
  }
  static const std::map<std::string, function>& entries() {
    static const std::map<std::string, function> table{
        {"MSELoss",
         [](const Eigen::MatrixXf& y, const Eigen::MatrixXf& t, const std::string& r) {
           Eigen::VectorXf squares = (y - t).array().square().rowwise().sum();
           return r == "mean" ? squares.sum() / float(y.size()) : reduce(squares, r);
         }},
        // targets as class probabilities (one row per sample)
        {"CrossEntropyLoss",
         [](const Eigen::MatrixXf& y, const Eigen::MatrixXf& t, const std::string& r) {
           Eigen::VectorXf max = y.rowwise().maxCoeff();
           Eigen::MatrixXf shifted = y.colwise() - max;
           Eigen::VectorXf log_z = shifted.array().exp().rowwise().sum().log();
           Eigen::MatrixXf log_p = shifted.colwise() - log_z;
           Eigen::VectorXf nll = -(t.array() * log_p.array()).rowwise().sum();
           return reduce(nll, r);
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

using matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using vector = Eigen::VectorXf;

class MyNN : public zanj::configured_model<MyNN, MyNNConfig> {
 public:
  explicit MyNN(const MyNNConfig& c) : configured_model(c) {
    if (c.input_dim <= 0 || c.hidden_dim <= 0 || c.output_dim <= 0)
      throw std::invalid_argument("MyNN: dimensions must be positive");
    // torch.nn.Linear's initialization: uniform in +-1/sqrt(fan_in).
    std::mt19937 gen(0);
    auto init = [&](auto& m, int fan_in) {
      std::uniform_real_distribution<float> u(-1.0f / std::sqrt(float(fan_in)), 1.0f / std::sqrt(float(fan_in)));
      for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = u(gen);
    };
    w0.resize(c.hidden_dim, c.input_dim), b0.resize(c.hidden_dim);
    w2.resize(c.output_dim, c.hidden_dim), b2.resize(c.output_dim);
    init(w0, c.input_dim), init(b0, c.input_dim), init(w2, c.hidden_dim), init(b2, c.hidden_dim);
  }

  /// The names torch gives the parameters of `net = Sequential(Linear, act, Linear)`.
  template <class Self, class Visit>
  static void parameters(Self& self, Visit&& visit) {
    visit("net.0.weight", self.w0);
    visit("net.0.bias", self.b0);
    visit("net.2.weight", self.w2);
    visit("net.2.bias", self.b2);
  }

  /// x: one sample per row.
  matrix forward(const matrix& x) const {
    matrix h = (x * w0.transpose()).rowwise() + b0.transpose();
    h = h.unaryExpr(std::cref(config().act_fn.get()));
    return (h * w2.transpose()).rowwise() + b2.transpose();
  }

  float loss(const matrix& x, const matrix& targets) const {
    std::string reduction = "mean";
    if (auto* r = config().loss_kwargs.find("reduction")) reduction = r->as_string();
    return config().loss_factory(Eigen::MatrixXf(forward(x)), Eigen::MatrixXf(targets), reduction);
  }

  matrix w0, w2;  // [out_features, in_features], as torch stores them
  vector b0, b2;
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
    const mlp::MyNN model = archive.get<mlp::MyNN>(nested ? "/model" : "");
    const auto& cfg = model.config();
    std::cout << "MyNN(" << cfg.input_dim << " -> " << cfg.hidden_dim << " -> " << cfg.output_dim
              << ", act_fn=" << cfg.act_fn.name() << ", loss=" << cfg.loss_factory.name() << ") with "
              << model.num_params() << " parameters\n";
    if (!archive.contains("/extra/probe_input")) {
      std::cout << "no probe in this file: nothing to check\n";
      return 0;
    }
    const auto x = archive.get<mlp::matrix>("/extra/probe_input");
    const auto expected = archive.get<mlp::matrix>("/extra/probe_output");
    const mlp::matrix y = model.forward(x);
    if (y.rows() != expected.rows() || y.cols() != expected.cols()) {
      std::cerr << "output shape " << y.rows() << "x" << y.cols() << " differs from the probe's\n";
      return 1;
    }
    const float max_error = (y - expected).cwiseAbs().maxCoeff();
    std::cout << "probe: max |C++ - torch| = " << max_error << "\n";
    std::cout << "loss on the probe (targets = softmax of torch's output): "
              << model.loss(x, (expected.array().exp().colwise() / expected.array().exp().rowwise().sum()).matrix())
              << "\n";

    // The C++ model saves as Python's MyNN.read expects, and reads back the same.
    const auto saved = model.save(std::filesystem::temp_directory_path() /
                                  ("mlp_from_python_" + std::to_string(std::random_device{}()) + ".zanj"));
    const auto again = mlp::MyNN::read(saved, cfg);
    std::filesystem::remove(saved);
    const float resave_error = (again.forward(x) - y).cwiseAbs().maxCoeff();
    std::cout << "re-saved from C++: max difference " << resave_error << "\n";

    // An unknown activation name is an error that says which.
    try {
      mlp::MyNNConfig bad = cfg;
      bad.act_fn = "Swish2";
    } catch (const zanj::error& e) {
      std::cout << "as expected: " << e.what() << "\n";
    }
    return max_error <= 1e-6f && resave_error == 0.0f ? 0 : 1;
  } catch (const zanj::error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
