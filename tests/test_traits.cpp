// zanj_traits<T>: custom save/load for types reflection cannot handle, and
// renaming a struct's format string (traits.hpp, codec/custom.hpp).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace demo {

/// A class with private state and no default constructor.
class interval {
 public:
  interval(double lo, double hi) : lo_(lo), hi_(hi) {
    if (hi < lo) throw std::invalid_argument("interval: hi < lo");
  }
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  bool operator==(const interval&) const = default;

 private:
  double lo_, hi_;
};

/// A class whose saved form holds a large array and a nested struct: the
/// array goes external through the usual threshold.
class signal {
 public:
  signal() = default;
  signal(std::string unit, std::vector<float> samples) : unit_(std::move(unit)), samples_(std::move(samples)) {}
  const std::string& unit() const { return unit_; }
  const std::vector<float>& samples() const { return samples_; }
  bool operator==(const signal&) const = default;

 private:
  std::string unit_;
  std::vector<float> samples_;
};

struct saved_signal {  // the stored layout of a signal
  std::string unit;
  std::vector<float> samples;
};

struct renamed {
  int x = 0;
};

struct save_only {
  int secret = 7;
};

struct holder {
  std::string name;
  std::vector<signal> signals;
  std::map<std::string, double> extra;
};

}  // namespace demo

template <>
struct zanj::zanj_traits<demo::interval> {
  static zanj::value save(const demo::interval& i) { return zanj::object{{"lo", i.lo()}, {"hi", i.hi()}}; }
  static demo::interval load(const zanj::value& stored) {
    return demo::interval(stored.find("lo")->as_double(), stored.find("hi")->as_double());
  }
};

template <>
struct zanj::zanj_traits<demo::signal> {
  static demo::saved_signal save(const demo::signal& s) { return {s.unit(), s.samples()}; }
  static demo::signal load(const zanj::value& stored) {
    // The whole stored object arrives with externals resolved and arrays decoded.
    auto& a = stored.find("samples")->as_array();
    auto values = a.elements<float>();
    return demo::signal(stored.find("unit")->as_string(), {values.begin(), values.end()});
  }
};

template <>
struct zanj::zanj_traits<demo::renamed> {
  static constexpr std::string_view name = "RenamedRecord";
};

template <>
struct zanj::zanj_traits<demo::save_only> {
  static int save(const demo::save_only& s) { return s.secret; }
};

BOOST_AUTO_TEST_SUITE(traits)

BOOST_AUTO_TEST_CASE(non_aggregate_with_private_state) {
  zanj_test::scratch_dir dir;
  std::map<std::string, demo::interval> m{{"a", {1.0, 2.5}}, {"b", {-0.0, INFINITY}}};
  auto path = zanj::save(m, dir / "i");
  BOOST_TEST(zanj_test::member_text(path, "__zanj__.json").find("\"lo\": 1.0,\n\t\t\"hi\": 2.5") != std::string::npos);
  auto back = zanj::read<std::map<std::string, demo::interval>>(path);
  BOOST_TEST((back.at("a") == m.at("a")));
  BOOST_TEST(std::signbit(back.at("b").lo()));
  BOOST_TEST(std::isinf(back.at("b").hi()));
  // read<T> works for a T without a default constructor
  auto single = zanj::read<demo::interval>(zanj::save(demo::interval(3, 4), dir / "single"));
  BOOST_TEST((single == demo::interval(3, 4)));
}

BOOST_AUTO_TEST_CASE(saved_form_with_arrays_goes_external) {
  zanj_test::scratch_dir dir;
  demo::holder h{"h", {demo::signal("V", std::vector<float>(1000, 0.5f)), demo::signal("A", {1.0f})}, {{"k", 1.0}}};
  auto path = zanj::save(h, dir / "h");
  auto names = zanj_test::member_names(path);
  BOOST_REQUIRE(names.size() == 3u);
  BOOST_TEST(names[2] == "signals/0/samples.npy");
  auto back = zanj::read<demo::holder>(path);
  BOOST_REQUIRE(back.signals.size() == 2u);
  BOOST_TEST(back.signals[0].unit() == "V"); BOOST_TEST(back.signals[0].samples().size() == 1000u); if (!back.signals[0].samples().empty()) BOOST_TEST(back.signals[0].samples()[5] == 0.5f);
  BOOST_TEST((back.signals[0] == h.signals[0]));
  BOOST_TEST((back.signals[1] == h.signals[1]));
}

BOOST_AUTO_TEST_CASE(name_sets_the_dataclass_format) {
  zanj_test::scratch_dir dir;
  auto path = zanj::save(demo::renamed{5}, dir / "r");
  BOOST_TEST(zanj_test::member_text(path, "__zanj__.json") ==
             "{\n\t\"__muutils_format__\": \"RenamedRecord(SerializableDataclass)\",\n\t\"x\": 5\n}");
  BOOST_TEST(zanj::read<demo::renamed>(path).x == 5);
}

BOOST_AUTO_TEST_CASE(save_only_and_load_only_are_known_at_compile_time) {
  static_assert(zanj::detail::saveable<demo::save_only>);
  static_assert(!zanj::detail::loadable<demo::save_only>);
  static_assert(zanj::detail::saveable<demo::interval> && zanj::detail::loadable<demo::interval>);
  zanj_test::scratch_dir dir;
  auto path = zanj::save(demo::save_only{}, dir / "s");
  BOOST_TEST(zanj::read<int>(path) == 7);
}

BOOST_AUTO_TEST_CASE(errors_from_load_name_the_path) {
  zanj_test::scratch_dir dir;
  // hi < lo: the constructor throws std::invalid_argument inside traits::load
  zanj::value stored = zanj::object{{"x", zanj::object{{"lo", 2.0}, {"hi", 1.0}}}};
  auto path = zanj::save(stored, dir / "bad");
  BOOST_CHECK_EXCEPTION((zanj::read<std::map<std::string, demo::interval>>(path)), zanj::error,
                        zanj_test::message_has({"/x", "interval: hi < lo", "bad.zanj"}));
}

BOOST_AUTO_TEST_SUITE_END()
