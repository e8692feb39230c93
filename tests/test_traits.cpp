// zanj_traits<T>: custom save/load for types reflection cannot handle, and
// renaming a struct's format string (traits.hpp, codec/custom.hpp).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
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

/// One value built from two stored fields: events are stored as two columns,
/// "times" (a .npy member when long) and "labels" (a .jsonl member when long).
class event_log {
 public:
  void add(double t, std::string label) { events_.emplace_back(t, std::move(label)); }
  const std::vector<std::pair<double, std::string>>& events() const { return events_; }
  bool operator==(const event_log&) const = default;

 private:
  std::vector<std::pair<double, std::string>> events_;
};

struct columns {  // the stored layout of an event_log
  std::vector<double> times;
  std::vector<std::string> labels;
};

struct session {
  std::string user;
  event_log log;
};

/// A device-like value chosen by name, as torch.device("cuda:1") is.
struct device {
  enum class kind { cpu, cuda } type = kind::cpu;
  int index = 0;
  bool operator==(const device&) const = default;
};

struct devices {
  static constexpr std::string_view what = "device";
  static const std::vector<std::pair<std::string, device>>& entries() {
    static const std::vector<std::pair<std::string, device>> table{
        {"cpu", {device::kind::cpu, 0}}, {"cuda:0", {device::kind::cuda, 0}}, {"cuda:1", {device::kind::cuda, 1}}};
    return table;
  }
};

struct placement {
  zanj::by_name<devices> device{"cpu"};
  std::vector<zanj::by_name<devices>> replicas;
};

}  // namespace demo

template <>
struct zanj::zanj_traits<demo::event_log> {
  static demo::columns save(const demo::event_log& log) {
    demo::columns c;
    for (auto& [t, label] : log.events()) {
      c.times.push_back(t);
      c.labels.push_back(label);
    }
    return c;
  }
  static demo::event_log load(const zanj::value& stored) {
    // Both columns arrive resolved: the .npy as an array, the .jsonl as a list.
    const auto times = stored.find("times")->as_array().elements<double>();
    const auto& labels = *stored.find("labels")->items();
    if (times.size() != labels.size())
      throw std::invalid_argument("event_log: " + std::to_string(times.size()) + " times but " +
                                  std::to_string(labels.size()) + " labels");
    demo::event_log log;
    for (std::size_t i = 0; i < times.size(); ++i) log.add(times[i], labels[i].as_string());
    return log;
  }
};

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

BOOST_AUTO_TEST_CASE(load_builds_one_value_from_two_stored_fields) {
  zanj_test::scratch_dir dir;
  demo::session small{"ann", {}};
  small.log.add(0.5, "start");
  small.log.add(-0.0, "caf\u00e9");
  demo::session big{"bob", {}};
  for (int i = 0; i < 300; ++i) big.log.add(i * 0.25, "e" + std::to_string(i));
  std::vector<demo::session> sessions{small, big};
  auto path = zanj::save(sessions, dir / "s");

  // The long columns went external, each by the usual threshold.
  auto names = zanj_test::member_names(path);
  BOOST_TEST((std::find(names.begin(), names.end(), "1/log/times.npy") != names.end()));
  BOOST_TEST((std::find(names.begin(), names.end(), "1/log/labels.jsonl") != names.end()));
  BOOST_TEST(zanj_test::member_text(path, "__zanj__.json").find("\"labels\": [\n") != std::string::npos);  // small: inline

  auto back = zanj::read<std::vector<demo::session>>(path);
  BOOST_REQUIRE(back.size() == 2u);
  BOOST_TEST((back[0].log == small.log));
  BOOST_TEST(std::signbit(back[0].log.events()[1].first));
  BOOST_TEST((back[1].log == big.log));
  BOOST_TEST(back[1].log.events()[299].second == "e299");
  // The same through an archive, one item.
  BOOST_TEST((zanj::archive(path).get<demo::event_log>("/1/log") == big.log));
}

BOOST_AUTO_TEST_CASE(load_errors_from_two_fields_name_the_path) {
  zanj_test::scratch_dir dir;
  const std::vector<double> times{1.0, 2.0};
  zanj::value stored = zanj::object{
      {"user", "x"},
      {"log", zanj::object{{"times", zanj::array_value::from<double>(std::span<const double>(times))},
                           {"labels", zanj::list{"only one"}}}}};
  auto path = zanj::save(stored, dir / "bad");
  BOOST_CHECK_EXCEPTION(zanj::read<demo::session>(path), zanj::error,
                        zanj_test::message_has({"bad.zanj", "at /log: ", "event_log: 2 times but 1 labels"}));
}

BOOST_AUTO_TEST_CASE(a_device_like_field_by_name) {
  zanj_test::scratch_dir dir;
  demo::placement p;
  p.device = "cuda:1";
  p.replicas = {"cpu", "cuda:0"};
  BOOST_TEST((*p.device == demo::device{demo::device::kind::cuda, 1}));
  auto path = zanj::save(p, dir / "p");
  BOOST_TEST(zanj_test::member_text(path, "__zanj__.json") ==
             "{\n\t\"__muutils_format__\": \"placement(SerializableDataclass)\",\n\t\"device\": \"cuda:1\",\n"
             "\t\"replicas\": [\n\t\t\"cpu\",\n\t\t\"cuda:0\"\n\t]\n}");
  auto back = zanj::read<demo::placement>(path);
  BOOST_TEST(back.device->index == 1);
  BOOST_TEST((back.device->type == demo::device::kind::cuda));
  BOOST_REQUIRE(back.replicas.size() == 2u);
  BOOST_TEST((back.replicas[1].get() == demo::device{demo::device::kind::cuda, 0}));

  zanj::value doc = zanj::read<zanj::value>(path);
  doc.as_object()["replicas"].get_if<zanj::list>()->at(1) = "tpu:0";
  BOOST_CHECK_EXCEPTION(zanj::read<demo::placement>(zanj::save(doc, dir / "q")), zanj::error,
                        zanj_test::message_has({"q.zanj", "at /replicas/1: ",
                                                "unknown device 'tpu:0' (known: cpu, cuda:0, cuda:1)"}));
}

BOOST_AUTO_TEST_CASE(public_traits_say_what_can_be_saved_and_read) {
  static_assert(zanj::can_save<demo::save_only> && !zanj::can_read<demo::save_only>);
  static_assert(zanj::can_save<demo::interval> && zanj::can_read<demo::interval>);  // no default constructor
  static_assert(zanj::can_save<std::string_view> && !zanj::can_read<std::string_view>);
  static_assert(zanj::has_zanj_handler<demo::renamed> && zanj::can_read<demo::renamed>);
  struct opaque {
    opaque() {}
    int hidden_ = 0;
  };
  static_assert(!zanj::has_zanj_handler<opaque> && !zanj::can_save<opaque> && !zanj::can_read<opaque>);
  BOOST_TEST(zanj::can_read<demo::event_log>);
}

BOOST_AUTO_TEST_SUITE_END()
