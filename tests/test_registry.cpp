// zanj::loader_registry (registry.hpp): loaders picked at run time by the
// stored __muutils_format__, from a dynamic read and from an archive.
#include <boost/test/unit_test.hpp>

#include <any>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <zanj/registry.hpp>

#include "test_support.hpp"

namespace reg {

// Plain structs, as Python dataclasses would be: read into std::any.
struct circle {
  double r = 1.0;
};
struct rect {
  double w = 0, h = 0;
  std::vector<float> outline;  // long: a .npy member
};

// A class hierarchy: each class saved through zanj_traits, read into a
// std::unique_ptr<animal>.
class animal {
 public:
  virtual ~animal() = default;
  virtual std::string speak() const = 0;
};
class dog : public animal {
 public:
  explicit dog(std::string name) : name_(std::move(name)) {}
  std::string speak() const override { return name_ + ": woof"; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};
class cat : public animal {
 public:
  cat(std::string name, int lives) : name_(std::move(name)), lives_(lives) {}
  std::string speak() const override { return name_ + ": meow x" + std::to_string(lives_); }
  const std::string& name() const { return name_; }
  int lives() const { return lives_; }

 private:
  std::string name_;
  int lives_;
};

// A configured model that is also a user base class.
class predictor {
 public:
  virtual ~predictor() = default;
  virtual double predict(double x) const = 0;
};
struct line_config {
  int degree = 1;
};
class Line : public zanj::configured_model<Line, line_config>, public predictor {
 public:
  explicit Line(const line_config& c) : configured_model(c), coef(std::size_t(c.degree + 1)) {}
  template <class Self, class Visit>
  static void parameters(Self& self, Visit&& visit) {
    visit("coef", self.coef);
  }
  double predict(double x) const override {
    double y = 0;
    for (std::size_t i = coef.size(); i-- > 0;) y = y * x + coef[i];
    return y;
  }
  std::vector<double> coef;
};

}  // namespace reg

template <>
struct zanj::zanj_traits<reg::dog> {
  static constexpr std::string_view format = "Dog(SerializableDataclass)";
  static zanj::value save(const reg::dog& d) {
    return zanj::object{{"__muutils_format__", std::string(format)}, {"name", d.name()}};
  }
  static reg::dog load(const zanj::value& stored) { return reg::dog(stored.find("name")->as_string()); }
};
template <>
struct zanj::zanj_traits<reg::cat> {
  static constexpr std::string_view format = "Cat(SerializableDataclass)";
  static zanj::value save(const reg::cat& c) {
    return zanj::object{{"__muutils_format__", std::string(format)}, {"name", c.name()}, {"lives", c.lives()}};
  }
  static reg::cat load(const zanj::value& stored) {
    return reg::cat(stored.find("name")->as_string(), int(stored.find("lives")->as_int64()));
  }
};

namespace {

struct drawing {
  std::string title;
  std::vector<reg::circle> circles;
  reg::rect frame;
  std::vector<int> sizes;
};

drawing sample_drawing() {
  drawing d{"sketch", {{0.5}, {2.0}}, {3.0, 4.0, std::vector<float>(300, 0.25f)}, {1, 2, 3}};
  d.frame.outline[299] = -1.5f;
  return d;
}

zanj::loader_registry<std::any> shapes_registry() {
  zanj::loader_registry<std::any> shapes;
  shapes.add<reg::circle>().add<reg::rect>();
  return shapes;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(registry)

BOOST_AUTO_TEST_CASE(format_names_are_those_the_types_are_saved_under) {
  BOOST_TEST(zanj::format_name<reg::circle>() == "circle(SerializableDataclass)");
  BOOST_TEST(zanj::format_name<reg::Line>() == "Line");
  auto shapes = shapes_registry();
  BOOST_TEST((shapes.formats() == std::vector<std::string>{"circle(SerializableDataclass)", "rect(SerializableDataclass)"}));
  BOOST_TEST(shapes.contains("rect(SerializableDataclass)"));
  BOOST_TEST(!shapes.contains("rect"));
}

BOOST_AUTO_TEST_CASE(loads_what_a_dynamic_read_returns) {
  zanj_test::scratch_dir dir;
  auto path = zanj::save(sample_drawing(), dir / "d");
  const zanj::value doc = zanj::read<zanj::value>(path);  // types unknown to this reader
  auto shapes = shapes_registry();

  std::vector<std::any> found;
  for (auto& item : *doc.find("circles")->items())
    if (auto s = shapes.try_load(item)) found.push_back(std::move(*s));
  if (auto s = shapes.try_load(*doc.find("frame"))) found.push_back(std::move(*s));
  BOOST_REQUIRE(found.size() == 3u);
  BOOST_TEST(std::any_cast<reg::circle>(found[1]).r == 2.0);
  const auto& frame = std::any_cast<const reg::rect&>(found[2]);
  BOOST_TEST(frame.h == 4.0);
  BOOST_REQUIRE(frame.outline.size() == 300u);  // the .npy member, resolved by the dynamic read
  BOOST_TEST(frame.outline[299] == -1.5f);

  BOOST_TEST(!shapes.try_load(*doc.find("title")).has_value());  // not an object with a format
  BOOST_TEST(!shapes.knows(doc));                                  // "drawing(...)" is not registered
  BOOST_CHECK_EXCEPTION(shapes.load(doc), zanj::error,
                        zanj_test::message_has({"no loader for format 'drawing(SerializableDataclass)'",
                                                "(registered: circle(SerializableDataclass), rect(SerializableDataclass))"}));
}

BOOST_AUTO_TEST_CASE(finds_and_loads_known_objects_in_an_archive) {
  zanj_test::scratch_dir dir;
  drawing d = sample_drawing();
  for (int i = 0; i < 300; ++i) d.circles.push_back({double(i)});  // the list goes to a .jsonl member
  auto path = zanj::save(d, dir / "d");
  zanj::archive a(path);
  auto shapes = shapes_registry();
  auto pointers = shapes.find_in(a);
  BOOST_REQUIRE(pointers.size() == 303u);
  BOOST_TEST(pointers[0] == "/circles/0");
  BOOST_TEST(pointers[301] == "/circles/301");
  BOOST_TEST(pointers[302] == "/frame");
  BOOST_TEST(std::any_cast<reg::circle>(shapes.get(a, "/circles/301")).r == 299.0);
  const auto reads_before = a.member_reads();
  auto frame = std::any_cast<reg::rect>(shapes.get(a, "/frame"));
  BOOST_TEST(frame.outline[299] == -1.5f);
  BOOST_TEST(a.member_reads() == reads_before + 1);  // frame/outline.npy, nothing else
  BOOST_TEST(!shapes.try_get(a, "/sizes").has_value());
  BOOST_CHECK_EXCEPTION(shapes.get(a, ""), zanj::error,
                        zanj_test::message_has({"d.zanj", "no loader for format 'drawing(SerializableDataclass)'"}));
  BOOST_CHECK_EXCEPTION(shapes.get(a, "/nothing"), zanj::error, zanj_test::message_has({"at /nothing", "no such key"}));
}

BOOST_AUTO_TEST_CASE(pointers_escape_keys) {
  zanj_test::scratch_dir dir;
  std::map<std::string, reg::circle> named{{"a/b", {7.0}}, {"c~d", {8.0}}};
  zanj::archive a(zanj::save(named, dir / "named"));
  auto shapes = shapes_registry();
  BOOST_TEST((shapes.find_in(a) == std::vector<std::string>{"/a~1b", "/c~0d"}));
  BOOST_TEST(std::any_cast<reg::circle>(shapes.get(a, "/c~0d")).r == 8.0);
}

BOOST_AUTO_TEST_CASE(base_class_pointers_from_a_hierarchy) {
  zanj_test::scratch_dir dir;
  zanj::value zoo = zanj::object{{"pets", zanj::list{}}};
  auto& pets = *zoo.as_object()["pets"].get_if<zanj::list>();
  zanj_test::scratch_dir tmp;
  // Each pet as its traits save it, gathered in one document.
  pets.push_back(zanj::read<zanj::value>(zanj::save(reg::dog("rex"), tmp / "a")));
  pets.push_back(zanj::read<zanj::value>(zanj::save(reg::cat("tom", 9), tmp / "b")));
  pets.push_back(zanj::object{{"__muutils_format__", "Parrot(SerializableDataclass)"}, {"name", "polly"}});
  auto path = zanj::save(zoo, dir / "zoo");

  zanj::loader_registry<std::unique_ptr<reg::animal>> animals;
  animals.add<reg::dog>("Dog(SerializableDataclass)").add<reg::cat>("Cat(SerializableDataclass)");
  zanj::archive a(path);
  std::vector<std::string> said;
  for (auto& p : animals.find_in(a)) said.push_back(animals.get(a, p)->speak());
  BOOST_TEST((said == std::vector<std::string>{"rex: woof", "tom: meow x9"}));

  // A loader of the stored value, for a format without a C++ type of its own.
  animals.add("Parrot(SerializableDataclass)", [](const zanj::value& stored) -> std::unique_ptr<reg::animal> {
    return std::make_unique<reg::dog>(stored.find("name")->as_string() + " the parrot");
  });
  BOOST_TEST(animals.get(a, "/pets/2")->speak() == "polly the parrot: woof");
  const zanj::value doc = zanj::read<zanj::value>(path);
  BOOST_TEST(animals.load(doc.find("pets")->items()->at(1))->speak() == "tom: meow x9");

  // Adding a format again replaces its loader, in place.
  animals.add("Dog(SerializableDataclass)", [](const zanj::value&) -> std::unique_ptr<reg::animal> {
    return std::make_unique<reg::cat>("not a dog", 1);
  });
  BOOST_TEST(animals.formats().size() == 3u);
  BOOST_TEST(animals.formats()[0] == "Dog(SerializableDataclass)");
  BOOST_TEST(animals.get(a, "/pets/0")->speak() == "not a dog: meow x1");
}

BOOST_AUTO_TEST_CASE(a_configured_model_behind_its_base_class) {
  zanj_test::scratch_dir dir;
  reg::Line line(reg::line_config{2});
  line.coef = {1.0, -2.0, 0.5};
  auto path = line.save(dir / "line");

  zanj::loader_registry<std::shared_ptr<reg::predictor>> models;
  models.add<reg::Line>();
  auto p = models.read(path);
  BOOST_TEST(p->predict(2.0) == 1.0 - 4.0 + 2.0);
  BOOST_TEST(models.load(zanj::read<zanj::value>(path))->predict(1.0) == -0.5);

  // Exact matching: a "LineV2" model is not claimed by the "Line" loader
  // (the reference's prefix match would).
  zanj::value renamed = zanj::read<zanj::value>(path);
  renamed.as_object()["__muutils_format__"] = "LineV2";
  auto other = zanj::save(renamed, dir / "v2");
  BOOST_TEST(!models.try_get(zanj::archive(other), "").has_value());
}

BOOST_AUTO_TEST_CASE(errors_name_the_file_and_the_path) {
  zanj_test::scratch_dir dir;
  zanj::value doc = zanj::object{
      {"items", zanj::list{zanj::object{{"__muutils_format__", "circle(SerializableDataclass)"}, {"r", "wide"}},
                           zanj::object{{"__muutils_format__", "Cat(SerializableDataclass)"}, {"name", "x"}}}}};
  auto path = zanj::save(doc, dir / "bad");
  zanj::archive a(path);
  auto shapes = shapes_registry();
  BOOST_CHECK_EXCEPTION(shapes.get(a, "/items/0"), zanj::error,
                        zanj_test::message_has({"bad.zanj", "at /items/0/r", "expected float64, found string"}));
  zanj::loader_registry<std::unique_ptr<reg::animal>> animals;
  animals.add("Cat(SerializableDataclass)", [](const zanj::value& stored) -> std::unique_ptr<reg::animal> {
    if (!stored.find("lives")) throw std::runtime_error("a cat needs lives");
    return nullptr;
  });
  BOOST_CHECK_EXCEPTION(animals.get(a, "/items/1"), zanj::error,
                        zanj_test::message_has({"bad.zanj", "at /items/1", "a cat needs lives"}));
  // From a dynamic read: the path below the value given.
  BOOST_CHECK_EXCEPTION(shapes.load(zanj::read<zanj::value>(path).find("items")->items()->at(0)), zanj::error,
                        zanj_test::message_has({"at /r", "expected float64, found string"}));
}

BOOST_AUTO_TEST_SUITE_END()
