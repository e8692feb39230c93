// Writes torch modules saved from C++ for check_torch_models.py, into the
// folder given as the only argument: each <name>.zanj written by
// model.save() (the model at the root, as Python's MyNN.read expects), and
// <name>.probe.zanj beside it holding a probe input and the module's output
// on it, computed here by LibTorch.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "../torch_models.hpp"

namespace {

struct probe {
  torch::Tensor input, output;
};

template <class Model>
void write(Model& model, const std::filesystem::path& folder, const std::string& name, const zanj::options& opts,
           std::int64_t input_width) {
  model.eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({6, input_width});
  const probe p{x, model.forward(x)};
  model.save(folder / name, opts);
  zanj::save(p, folder / (name + ".probe"));
  std::cout << "wrote " << name << ".zanj and " << name << ".probe.zanj\n";
}

/// New values for the parameters (not the buffers: a variance stays positive).
void randomize(torch::nn::Module& m) {
  torch::NoGradGuard no_grad;
  for (auto& p : m.parameters()) p.copy_(torch::randn_like(p) * 0.5);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_torch_models FOLDER\n";
    return 2;
  }
  const std::filesystem::path folder = argv[1];
  std::filesystem::create_directories(folder);
  torch::manual_seed(2024);
  try {
    // The README's MyNN, big enough that net.0.weight (32 x 16) becomes a .npy member.
    tnn::MyNNConfig cfg;
    cfg.input_dim = 16;
    cfg.hidden_dim = 32;
    cfg.output_dim = 5;
    cfg.act_fn = "GELU";
    cfg.loss_kwargs = zanj::object{{"reduction", "mean"}};
    cfg.loss_factory = "MSELoss";
    tnn::MyNN mynn(cfg);
    randomize(mynn);
    mynn.training_records() = zanj::object{{"epochs", 4}, {"loss", zanj::list{2.0, 1.0, 0.5, 0.25}}};
    write(mynn, folder, "mynn", {}, cfg.input_dim);

    // The fixture's shape, every tensor inline as base64, nothing deflated.
    tnn::MyNNConfig small;
    small.act_fn = "Tanh";
    tnn::MyNN mynn_b64(small);
    randomize(mynn_b64);
    zanj::options b64;
    b64.internal_array_mode = zanj::array_mode::array_b64_meta;
    b64.compress = false;
    write(mynn_b64, folder, "mynn_b64", b64, small.input_dim);

    // Buffers (batch-norm statistics, an int64 counter), nested children, a
    // Linear without bias; inline tensors as hex.
    tnn::Rich rich(tnn::RichConfig{.width = 100});
    randomize(rich);
    {
      rich.train();
      torch::NoGradGuard no_grad;
      rich.forward(torch::randn({8, 3}));  // moves the running statistics
      rich.step.fill_(3);
    }
    zanj::options hex;
    hex.internal_array_mode = zanj::array_mode::array_hex_meta;
    write(rich, folder, "rich", hex, 3);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
