// Writes the .zanj files the command-line tests inspect: one deflated, one
// stored (uncompressed), the same object in both.
#include <zanj/zanj.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

struct inner {
  std::string label;
  std::vector<int> small;  // 3 values: inline array
};

struct layer {
  std::vector<float> w;  // 300 values: layers/<i>/w.npy
  double bias = 0.0;
};

struct record {
  std::int64_t id = 0;
  std::string tag;
};

struct sample {
  std::string name;
  std::vector<double> big;        // 1000 values: big.npy
  zanj::value grid;               // float32 [300, 300]: grid.npy
  inner nested;
  std::vector<layer> layers;
  std::vector<record> records;    // 300 items: records.jsonl
  std::map<std::string, int> odd_keys;
  std::optional<int> maybe;
};

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_cli_samples OUTDIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];

  sample s;
  s.name = "cli sample";
  for (int i = 0; i < 1000; ++i) s.big.push_back(i * 0.5);
  std::vector<float> grid(300 * 300);
  for (std::size_t i = 0; i < grid.size(); ++i) grid[i] = static_cast<float>(i);
  s.grid = zanj::array_value::from<float>(grid, {300, 300});
  s.nested = {"inner one", {1, 2, 3}};
  for (int l = 0; l < 2; ++l) {
    layer ly;
    for (int i = 0; i < 300; ++i) ly.w.push_back(static_cast<float>(l) + static_cast<float>(i) / 4.0f);
    ly.bias = l + 0.25;
    s.layers.push_back(ly);
  }
  for (int i = 0; i < 300; ++i) s.records.push_back({i, "r" + std::to_string(i)});
  s.odd_keys = {{"a/b", 1}, {"t~x", 2}};

  zanj::save(s, dir / "sample.zanj");
  zanj::options stored;
  stored.compress = false;
  zanj::save(s, dir / "stored.zanj", stored);
  std::cout << "wrote " << (dir / "sample.zanj").string() << " and " << (dir / "stored.zanj").string() << "\n";
  return 0;
}
