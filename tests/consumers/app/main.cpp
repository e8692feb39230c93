// A program that uses zanj the way a user's project does: save a struct,
// read it back, and fail unless every value came back.
#include <zanj/zanj.hpp>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

struct sample {
  std::string name;
  std::vector<double> values;  // 300 values: stored as a deflated .npy member
  std::map<std::string, int> counts;
};

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer <file.zanj>\n");
    return 2;
  }
  sample out{"consumer", {}, {{"a", 1}, {"b", -2}}};
  for (int i = 0; i < 300; ++i) out.values.push_back(i * 0.25);

  auto path = zanj::save(out, argv[1]);
  auto back = zanj::read<sample>(path);

  bool same = back.name == out.name && back.values == out.values && back.counts == out.counts;
  std::printf("zanj %s: %s %s\n", ZANJ_VERSION_STRING, path.string().c_str(),
              same ? "read back exactly" : "MISMATCH");
  return same ? 0 : 1;
}
