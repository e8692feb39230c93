// Saves a plain struct to a .zanj file, reads it back, and prints what is
// inside. Run it, then open the file from Python: `zipfile` + `numpy.load`
// see the same data.
#include <zanj/zanj.hpp>

#include <cmath>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

struct basic {
  std::string a;
  int q = 42;
  std::vector<int> c;
};

struct complicated {
  std::string name;
  std::vector<double> samples;  // 1000 values: stored as samples.npy beside the JSON
  std::vector<basic> container;
  std::map<std::string, double> scores;
  std::optional<int> maybe;
};

int main(int argc, char** argv) {
  std::string target = argc > 1 ? argv[1] : "out/run.zanj";

  complicated obj;
  obj.name = "quickstart";
  for (int i = 0; i < 1000; ++i) obj.samples.push_back(std::sin(i * 0.01));
  obj.container = {{"first", 1, {1, 2, 3}}, {"second", 2, {}}};
  obj.scores = {{"accuracy", 0.93}, {"loss", 0.125}};
  obj.maybe = std::nullopt;

  auto path = zanj::save(obj, target);
  auto back = zanj::read<complicated>(path);

  std::cout << "saved and read back " << path.string() << "\n"
            << "  name:      " << back.name << "\n"
            << "  samples:   " << back.samples.size() << " values, samples[100] = " << back.samples[100] << "\n"
            << "  container: " << back.container.size() << " items, container[0].c has " << back.container[0].c.size()
            << " ints\n"
            << "  scores:    accuracy = " << back.scores.at("accuracy") << ", loss = " << back.scores.at("loss") << "\n"
            << "  maybe:     " << (back.maybe ? std::to_string(*back.maybe) : "null") << "\n\n"
            << "__zanj__.json as a dynamic value (externals resolved):\n";
  auto everything = zanj::read<zanj::value>(path);
  auto& fields = everything.as_object();
  for (auto& [key, v] : fields) {
    std::cout << "  " << key << ": ";
    if (v.is_array())
      std::cout << "array of " << zanj::numpy_name(v.as_array().type) << ", " << v.as_array().size() << " elements";
    else
      std::cout << zanj::json::to_string(v, zanj::json::style::compact).substr(0, 100);
    std::cout << "\n";
  }
  bool same = back.samples == obj.samples && back.container[0].c == obj.container[0].c && back.name == obj.name;
  std::cout << (same ? "round trip: exact\n" : "round trip: MISMATCH\n");
  return same ? 0 : 1;
}
