// The quickstart of examples/quickstart.cpp written against Boost.JSON alone:
// the same structs, saved as JSON text to a file and read back. It exists to
// be compiled by benchmarks/compile_time.sh, beside examples/quickstart.cpp,
// so that the compile time of zanj can be set against that of the JSON
// library it builds on. (It stores the samples inline: JSON has no arrays
// beside the document.)
#include <boost/describe.hpp>
#include <boost/json.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

struct basic {
  std::string a;
  int q = 42;
  std::vector<int> c;
};
BOOST_DESCRIBE_STRUCT(basic, (), (a, q, c))

struct complicated {
  std::string name;
  std::vector<double> samples;
  std::vector<basic> container;
  std::map<std::string, double> scores;
  std::optional<int> maybe;
};
BOOST_DESCRIBE_STRUCT(complicated, (), (name, samples, container, scores, maybe))

int main(int argc, char** argv) {
  std::string target = argc > 1 ? argv[1] : "out/run.json";

  complicated obj;
  obj.name = "quickstart";
  for (int i = 0; i < 1000; ++i) obj.samples.push_back(std::sin(i * 0.01));
  obj.container = {{"first", 1, {1, 2, 3}}, {"second", 2, {}}};
  obj.scores = {{"accuracy", 0.93}, {"loss", 0.125}};

  std::ofstream(target) << boost::json::serialize(boost::json::value_from(obj));
  std::ifstream in(target);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto back = boost::json::value_to<complicated>(boost::json::parse(text));

  std::cout << "read back " << back.container.size() << " items, samples[100] = " << back.samples[100] << "\n";
  return back.samples == obj.samples && back.name == obj.name ? 0 : 1;
}
