// Configured models (model.hpp, codec/model.hpp), fields stored by name
// (field.hpp), and zanj_traits save forms that nest structures, arrays and
// tables. The model here keeps its weights in zanj::ndarray, so this suite
// needs no Eigen; examples/mlp_from_python.cpp is the Eigen version.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <zanj/field.hpp>
#include <zanj/model.hpp>

#include "fixture_support.hpp"
#include "test_support.hpp"

namespace nn {

struct activations {
  static constexpr std::string_view what = "activation";
  static const std::map<std::string, std::function<float(float)>>& entries() {
    static const std::map<std::string, std::function<float(float)>> table{
        {"Identity", [](float x) { return x; }},
        {"ReLU", [](float x) { return x > 0 ? x : 0.0f; }},
        {"Sigmoid", [](float x) { return 1.0f / (1.0f + std::exp(-x)); }},
        {"Tanh", [](float x) { return std::tanh(x); }},
    };
    return table;
  }
};

enum class reduction_kind { mean, sum };

struct losses {  // no `what`: messages say "name"
  static const std::vector<std::pair<std::string, reduction_kind>>& entries() {
    static const std::vector<std::pair<std::string, reduction_kind>> table{
        {"CrossEntropyLoss", reduction_kind::mean}, {"MSELoss", reduction_kind::mean}};
    return table;
  }
};

// Mirrors the fixture's config (MyNNConfig in the Python reference's README).
struct MyNNConfig {
  int input_dim = 4;
  int hidden_dim = 8;
  int output_dim = 3;
  zanj::by_name<activations> act_fn{"ReLU"};
  zanj::value loss_kwargs = zanj::object{};
  zanj::by_name<losses> loss_factory{"CrossEntropyLoss"};
};

using matrix = zanj::ndarray<float>;

class MyNN : public zanj::configured_model<MyNN, MyNNConfig> {
 public:
  explicit MyNN(const MyNNConfig& c)
      : configured_model(c),
        w0({std::size_t(c.hidden_dim), std::size_t(c.input_dim)}),
        b0({std::size_t(c.hidden_dim)}),
        w2({std::size_t(c.output_dim), std::size_t(c.hidden_dim)}),
        b2({std::size_t(c.output_dim)}) {}

  template <class Self, class Visit>
  static void parameters(Self& self, Visit&& visit) {
    visit("net.0.weight", self.w0);
    visit("net.0.bias", self.b0);
    visit("net.2.weight", self.w2);
    visit("net.2.bias", self.b2);
  }

  void randomize(unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    for (matrix* m : {&w0, &b0, &w2, &b2})
      for (auto& x : *m) x = u(gen);
  }

  /// x: [batch, input_dim] -> [batch, output_dim].
  matrix forward(const matrix& x) const {
    return affine(apply(affine(x, w0, b0)), w2, b2);
  }

  matrix w0, b0, w2, b2;

 private:
  static matrix affine(const matrix& x, const matrix& w, const matrix& b) {
    const std::size_t n = x.shape()[0], in = w.shape()[1], out = w.shape()[0];
    matrix y({n, out});
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t o = 0; o < out; ++o) {
        float s = b(o);
        for (std::size_t k = 0; k < in; ++k) s += x(i, k) * w(o, k);
        y(i, o) = s;
      }
    return y;
  }
  matrix apply(matrix h) const {
    for (auto& v : h) v = config().act_fn(v);
    return h;
  }
};

/// A model with a large parameter (external .npy), a 0-d buffer and typed records.
struct big_config {
  int n = 20;
};
struct records {
  std::vector<double> loss;
  int epochs = 0;
};
class Big : public zanj::configured_model<Big, big_config, std::optional<records>> {
 public:
  explicit Big(const big_config& c) : configured_model(c), w(std::size_t(c.n * c.n)), steps(zanj::ndarray<std::int64_t>::shape_type{}) {}
  template <class Self, class Visit>
  static void parameters(Self& self, Visit&& visit) {
    visit("layer.weight", self.w);
    visit("bn.num_batches_tracked", self.steps);
  }
  std::vector<float> w;
  zanj::ndarray<std::int64_t> steps;
};

}  // namespace nn

namespace {

zanj::value document(const std::filesystem::path& p) {
  return zanj::json::parse(zanj_test::member_text(p, "__zanj__.json"));
}

std::vector<std::string> keys(const zanj::value& v) {
  std::vector<std::string> out;
  for (auto& [k, x] : v.as_object()) out.push_back(k);
  return out;
}

nn::MyNNConfig tanh_config() {
  nn::MyNNConfig c;
  c.act_fn = "Tanh";
  c.loss_kwargs = zanj::object{{"reduction", "sum"}};
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model)

BOOST_AUTO_TEST_CASE(round_trip_gives_equal_outputs) {
  zanj_test::scratch_dir dir;
  nn::MyNN m(tanh_config());
  m.randomize(7);
  m.training_records() = zanj::object{{"loss", zanj::list{1.5, 0.75}}, {"epochs", 2}};
  auto path = m.save(dir / "mlp");
  BOOST_TEST(path.filename() == "mlp.zanj");

  auto back = nn::MyNN::read(path);
  BOOST_TEST(back.config().act_fn.name() == "Tanh");
  BOOST_TEST(back.config().input_dim == 4);
  BOOST_TEST((back.config().loss_kwargs == zanj::value(zanj::object{{"reduction", "sum"}})));
  BOOST_TEST((back.training_records() == m.training_records()));
  BOOST_TEST((back.w0 == m.w0));
  BOOST_TEST((back.b2 == m.b2));
  nn::matrix x({2, 4}, {-1.0f, -0.5f, 0.25f, 1.0f, 0.5f, 0.0f, -2.0f, 3.0f});
  BOOST_TEST((back.forward(x) == m.forward(x)));
  BOOST_TEST(m.num_params() == 67u);

  // zanj::read<T> and archive::get<T> give the same model.
  BOOST_TEST((zanj::read<nn::MyNN>(path).w2 == m.w2));
  BOOST_TEST((zanj::archive(path).get<nn::MyNN>("").b0 == m.b0));
}

BOOST_AUTO_TEST_CASE(layout_is_that_of_a_python_configured_model) {
  zanj_test::scratch_dir dir;
  nn::MyNN m(tanh_config());
  m.randomize(1);
  auto doc = document(m.save(dir / "mlp"));
  BOOST_TEST((keys(doc) == std::vector<std::string>{"zanj_model_config", "meta", "training_records", "state_dict",
                                                    "__muutils_format__"}));
  BOOST_TEST(doc.find("__muutils_format__")->as_string() == "MyNN");
  BOOST_TEST(doc.find("training_records")->is_null());
  auto& cfg = *doc.find("zanj_model_config");
  BOOST_TEST(cfg.find("__muutils_format__")->as_string() == "MyNNConfig(SerializableDataclass)");
  BOOST_TEST((keys(cfg) == std::vector<std::string>{"__muutils_format__", "input_dim", "hidden_dim", "output_dim",
                                                    "act_fn", "loss_kwargs", "loss_factory"}));
  BOOST_TEST(cfg.find("act_fn")->as_string() == "Tanh");
  BOOST_TEST(cfg.find("loss_factory")->as_string() == "CrossEntropyLoss");
  auto& meta = *doc.find("meta");
  BOOST_TEST(meta.find("class_name")->as_string() == "MyNN");
  BOOST_TEST(meta.find("num_params")->as_int64() == 67);
  auto& sd = *doc.find("state_dict");
  BOOST_TEST((keys(sd) == std::vector<std::string>{"net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias"}));
  auto& w = *sd.find("net.0.weight");
  BOOST_TEST(w.find("__muutils_format__")->as_string() == "torch.Tensor:array_list_meta");
  BOOST_TEST(w.find("dtype")->as_string() == "float32");
  BOOST_TEST((*w.find("shape") == zanj::value(zanj::list{8, 4})));
  BOOST_TEST((*sd.find("net.0.bias")->find("shape") == zanj::value(zanj::list{8})));
}

BOOST_AUTO_TEST_CASE(large_parameters_are_npy_members_named_by_dotted_path) {
  zanj_test::scratch_dir dir;
  nn::Big b(nn::big_config{});
  for (std::size_t i = 0; i < b.w.size(); ++i) b.w[i] = float(i) * 0.5f;
  b.steps.at({}) = 12;
  b.training_records() = nn::records{{0.5, 0.25}, 2};
  auto path = b.save(dir / "big");
  auto names = zanj_test::member_names(path);
  BOOST_TEST((std::find(names.begin(), names.end(), "state_dict/layer.weight.npy") != names.end()));
  auto doc = document(path);
  auto& w = *doc.find("state_dict")->find("layer.weight");
  BOOST_TEST(w.find("__muutils_format__")->as_string() == "torch.Tensor:external");
  BOOST_TEST(w.find("$ref")->as_string() == "state_dict/layer.weight.npy");
  BOOST_TEST(w.find("dtype")->as_string() == "torch.float32");
  auto& steps = *doc.find("state_dict")->find("bn.num_batches_tracked");
  BOOST_TEST(steps.find("__muutils_format__")->as_string() == "torch.Tensor:zero_dim");
  BOOST_TEST(steps.find("dtype")->as_string() == "torch.int64");
  BOOST_TEST(steps.find("data")->as_int64() == 12);
  // The metadata tells the Python reader where the member goes.
  const zanj::value meta = zanj::read_meta(path);
  const zanj::value* info = meta.find("externals_info")->find("state_dict/layer.weight.npy");
  BOOST_REQUIRE(info);
  BOOST_TEST((*info->find("path") == zanj::value(zanj::list{"state_dict", "layer.weight"})));

  auto back = nn::Big::read(path);
  BOOST_TEST((back.w == b.w));
  BOOST_TEST(back.steps.at({}) == 12);
  BOOST_REQUIRE(back.training_records().has_value());
  BOOST_TEST(back.training_records()->epochs == 2);
  BOOST_TEST((back.training_records()->loss == std::vector<double>{0.5, 0.25}));
}

BOOST_AUTO_TEST_CASE(reads_the_python_fixture_and_reproduces_the_probe) {
  auto root = zanj_test::fixture_root();
  if (root.empty()) return zanj_test::report_fixtures_missing();
  for (const char* version : {"v0.5.0", "v0.6.0"}) {
    BOOST_TEST_CONTEXT(version) {
      zanj::archive a(root / version / "configured_model_small.zanj");
      auto m = a.get<nn::MyNN>("/model");
      BOOST_TEST(m.config().act_fn.name() == "Tanh");
      BOOST_TEST(m.config().hidden_dim == 8);
      BOOST_TEST(m.config().loss_factory.name() == "CrossEntropyLoss");
      BOOST_TEST(m.training_records().find("epochs")->as_int64() == 3);
      BOOST_TEST(m.num_params() == 67u);
      auto x = a.get<nn::matrix>("/extra/probe_input");
      auto expected = a.get<nn::matrix>("/extra/probe_output");
      auto y = m.forward(x);
      BOOST_REQUIRE((y.shape() == expected.shape()));
      float worst = 0;
      for (std::size_t i = 0; i < y.size(); ++i) worst = std::max(worst, std::abs(y.data()[i] - expected.data()[i]));
      BOOST_TEST(worst <= 1e-6f);

      // Re-saved from C++, the model reads back identical.
      zanj_test::scratch_dir dir;
      auto again = nn::MyNN::read(m.save(dir / "again"), m.config());
      BOOST_TEST((again.forward(x) == y));
    }
  }
}

BOOST_AUTO_TEST_CASE(config_mismatch_lists_the_fields) {
  zanj_test::scratch_dir dir;
  nn::MyNN m(tanh_config());
  auto path = m.save(dir / "mlp");
  nn::MyNNConfig other = tanh_config();
  other.hidden_dim = 16;
  other.act_fn = "ReLU";
  other.loss_kwargs = zanj::object{{"reduction", "mean"}};
  BOOST_CHECK_EXCEPTION(nn::MyNN::read(path, other), zanj::error,
                        zanj_test::message_has({"mlp.zanj", "/zanj_model_config", "config mismatch in 3 fields",
                                                "hidden_dim (expected 16, found 8)",
                                                "act_fn (expected \"ReLU\", found \"Tanh\")",
                                                "loss_kwargs.reduction (expected \"mean\", found \"sum\")"}));
  try {
    nn::MyNN::read(path, other);
  } catch (const zanj::config_mismatch& e) {
    BOOST_REQUIRE(e.differences().size() == 3u);
    BOOST_TEST(e.differences()[0].field == "hidden_dim");
  }
  BOOST_TEST(nn::MyNN::read(path, tanh_config()).config().act_fn.name() == "Tanh");
  BOOST_TEST(zanj::config_differences(tanh_config(), tanh_config()).empty());
  // Two models
  BOOST_CHECK_NO_THROW(zanj::require_same_config(m, nn::MyNN(tanh_config())));
  BOOST_CHECK_EXCEPTION(zanj::require_same_config(m, nn::MyNN(other)), zanj::config_mismatch,
                        zanj_test::message_has({"hidden_dim (expected 8, found 16)"}));
}

BOOST_AUTO_TEST_CASE(missing_unexpected_and_misshapen_parameters_are_errors) {
  zanj_test::scratch_dir dir;
  nn::MyNN m(tanh_config());
  m.randomize(3);
  auto doc = document(m.save(dir / "mlp"));
  auto& sd = doc.as_object()["state_dict"].as_object();

  zanj::value missing_extra = doc;
  auto& sd1 = missing_extra.as_object()["state_dict"].as_object();
  sd1.erase("net.2.bias");
  sd1.erase("net.0.bias");
  sd1.append("net.4.weight", sd.at("net.2.weight"));
  BOOST_CHECK_EXCEPTION(nn::MyNN::read(zanj::save(missing_extra, dir / "a")), zanj::error,
                        zanj_test::message_has({"a.zanj", "at /state_dict", "state_dict does not match model 'MyNN'",
                                                "missing parameters: net.0.bias, net.2.bias",
                                                "unexpected parameters: net.4.weight"}));

  // The config says 8 hidden units; a stored weight of another shape is refused.
  zanj::value misshapen = doc;
  misshapen.as_object()["state_dict"].as_object()["net.0.weight"] = sd.at("net.2.weight");
  BOOST_CHECK_EXCEPTION(nn::MyNN::read(zanj::save(misshapen, dir / "b")), zanj::error,
                        zanj_test::message_has({"net.0.weight: expected shape [8, 4], found [3, 8]"}));

  // Same shape, other dtype.
  zanj::value retyped = doc;
  retyped.as_object()["state_dict"].as_object()["net.2.bias"] = zanj::object{
      {"__muutils_format__", "torch.Tensor:array_list_meta"}, {"data", zanj::list{1.0, 2.0, 3.0}},
      {"shape", zanj::list{3}}, {"dtype", "float64"}, {"n_elements", 3}};
  BOOST_CHECK_EXCEPTION(nn::MyNN::read(zanj::save(retyped, dir / "c")), zanj::error,
                        zanj_test::message_has({"net.2.bias: expected dtype float32, found float64"}));

  // Bare lists (list mode) are checked after loading.
  zanj::value bare = doc;
  bare.as_object()["state_dict"].as_object()["net.2.bias"] = zanj::list{1.0, 2.0};
  BOOST_CHECK_EXCEPTION(nn::MyNN::read(zanj::save(bare, dir / "d")), zanj::error,
                        zanj_test::message_has({"at /state_dict/net.2.bias", "expected shape [3], found [2]"}));

  // Another class, and a plain object without a config.
  zanj::value renamed = doc;
  renamed.as_object()["__muutils_format__"] = "OtherNN";
  BOOST_CHECK_EXCEPTION(nn::MyNN::read(zanj::save(renamed, dir / "e")), zanj::error,
                        zanj_test::message_has({"expected 'MyNN' model object, found 'OtherNN' object"}));
  zanj::value no_config = doc;
  no_config.as_object().erase("zanj_model_config");
  BOOST_CHECK_EXCEPTION(nn::MyNN::read(zanj::save(no_config, dir / "f")), zanj::error,
                        zanj_test::message_has({"without 'zanj_model_config'"}));
}

BOOST_AUTO_TEST_CASE(list_mode_state_dict_reads_back) {
  zanj_test::scratch_dir dir;
  nn::MyNN m(tanh_config());
  m.randomize(5);
  zanj::options opts;
  opts.internal_array_mode = zanj::array_mode::list;
  auto path = m.save(dir / "l", opts);
  BOOST_TEST(document(path).find("state_dict")->find("net.0.bias")->is_list());
  BOOST_TEST((nn::MyNN::read(path).w0 == m.w0));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(by_name_field)

BOOST_AUTO_TEST_CASE(stores_the_name_and_looks_it_up) {
  zanj::by_name<nn::activations> f{"Sigmoid"};
  BOOST_TEST(f.name() == "Sigmoid");
  BOOST_TEST(f(0.0f) == 0.5f);
  BOOST_TEST((f == zanj::by_name<nn::activations>("Sigmoid")));
  zanj::by_name<nn::losses> l{"MSELoss"};
  BOOST_TEST((*l == nn::reduction_kind::mean));
  BOOST_CHECK_EXCEPTION(zanj::by_name<nn::activations>("Swish2"), zanj::error,
                        zanj_test::message_has({"unknown activation 'Swish2' (known: Identity, ReLU, Sigmoid, Tanh)"}));

  zanj_test::scratch_dir dir;
  std::map<std::string, zanj::by_name<nn::activations>> m{{"a", "Tanh"}, {"unset", {}}};
  auto path = zanj::save(m, dir / "m");
  BOOST_TEST(zanj_test::member_text(path, "__zanj__.json") == "{\n\t\"a\": \"Tanh\",\n\t\"unset\": null\n}");
  auto back = zanj::read<std::map<std::string, zanj::by_name<nn::activations>>>(path);
  BOOST_TEST(back.at("a")(0.0f) == 0.0f);
  BOOST_TEST(!back.at("unset").has_value());
}

BOOST_AUTO_TEST_CASE(unknown_name_on_load_names_the_path) {
  zanj_test::scratch_dir dir;
  zanj::value doc = zanj::read<zanj::value>(nn::MyNN(tanh_config()).save(dir / "mlp"));
  doc.as_object()["zanj_model_config"].as_object()["act_fn"] = "Swish2";
  BOOST_CHECK_EXCEPTION(nn::MyNN::read(zanj::save(doc, dir / "bad")), zanj::error,
                        zanj_test::message_has({"bad.zanj", "at /zanj_model_config/act_fn",
                                                "unknown activation 'Swish2' (known: Identity, ReLU, Sigmoid, Tanh)"}));
  doc.as_object()["zanj_model_config"].as_object()["act_fn"] = "ReLU";
  doc.as_object()["zanj_model_config"].as_object()["loss_factory"] = 3;
  BOOST_CHECK_EXCEPTION(nn::MyNN::read(zanj::save(doc, dir / "bad2")), zanj::error,
                        zanj_test::message_has({"at /zanj_model_config/loss_factory", "expected the name of name"}));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// zanj_traits: save forms that nest structures, arrays and tables, with
// external members; save-only and load-only types.

namespace traits_demo {

/// Private state; its saved form nests a map of arrays and a table.
class experiment {
 public:
  experiment() = default;
  experiment(std::string name, std::vector<double> trace) : name_(std::move(name)), trace_(std::move(trace)) {}
  const std::string& name() const { return name_; }
  const std::vector<double>& trace() const { return trace_; }

 private:
  std::string name_;
  std::vector<double> trace_;
};

struct row {
  std::int64_t step;
  double value;
};

struct saved_experiment {
  std::string name;
  std::map<std::string, std::vector<double>> series;  // "trace": external when long
  zanj::table_of<row> rows;                            // a pandas DataFrame
  std::vector<std::map<std::string, zanj::ndarray<float>>> nested;
};

/// Load-only: read from what another program wrote.
struct legacy_point {
  double x = 0, y = 0;
};

}  // namespace traits_demo

template <>
struct zanj::zanj_traits<traits_demo::experiment> {
  static traits_demo::saved_experiment save(const traits_demo::experiment& e) {
    traits_demo::saved_experiment s{e.name(), {{"trace", e.trace()}}, {}, {}};
    for (std::size_t i = 0; i < 3; ++i) s.rows.rows.push_back({std::int64_t(i), e.trace()[i]});
    zanj::ndarray<float> big({20, 20});
    big(3, 4) = 2.5f;
    s.nested.push_back({{"big", std::move(big)}, {"small", zanj::ndarray<float>({2}, {1.0f, 2.0f})}});
    return s;
  }
  static traits_demo::experiment load(const zanj::value& stored) {
    auto& trace = stored.find("series")->find("trace")->as_array();
    auto values = trace.elements<double>();
    return {stored.find("name")->as_string(), {values.begin(), values.end()}};
  }
};

template <>
struct zanj::zanj_traits<traits_demo::legacy_point> {
  static traits_demo::legacy_point load(const zanj::value& stored) {
    auto* l = stored.items();
    if (!l || l->size() != 2) throw std::invalid_argument("expected [x, y]");
    return {l->at(0).as_double(), l->at(1).as_double()};
  }
};

BOOST_AUTO_TEST_SUITE(traits_nested)

BOOST_AUTO_TEST_CASE(save_form_with_nested_arrays_tables_and_externals) {
  zanj_test::scratch_dir dir;
  std::vector<double> trace(300);
  for (std::size_t i = 0; i < trace.size(); ++i) trace[i] = double(i) / 4;
  std::map<std::string, traits_demo::experiment> runs{{"run", {"first", trace}}};
  auto path = zanj::save(runs, dir / "e");
  auto names = zanj_test::member_names(path);
  auto has = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  BOOST_TEST(has("run/series/trace.npy"));
  BOOST_TEST(has("run/nested/0/big.npy"));
  BOOST_TEST(has("run/rows.jsonl"));  // the table, as zanj 0.6 writes a DataFrame
  auto doc = document(path);
  auto& run = *doc.find("run");
  BOOST_TEST(run.find("__muutils_format__")->as_string() == "saved_experiment(SerializableDataclass)");
  BOOST_TEST(run.find("rows")->find("__muutils_format__")->as_string() == "pandas.DataFrame:external");
  BOOST_TEST(run.find("nested")->items()->at(0).find("small")->find("__muutils_format__")->as_string() ==
             "numpy.ndarray:array_list_meta");

  auto back = zanj::read<std::map<std::string, traits_demo::experiment>>(path);
  BOOST_TEST(back.at("run").name() == "first");
  BOOST_TEST((back.at("run").trace() == trace));
  // The whole tree reads back too, externals resolved.
  auto any = zanj::read<zanj::value>(path);
  BOOST_TEST(any.find("run")->find("nested")->items()->at(0).find("big")->as_array().elements<float>()[3 * 20 + 4] ==
             2.5f);
}

BOOST_AUTO_TEST_CASE(load_only_and_save_only_are_known_at_compile_time) {
  static_assert(zanj::detail::loadable<traits_demo::legacy_point>);
  static_assert(!zanj::detail::saveable<traits_demo::legacy_point>);
  static_assert(zanj::detail::saveable<traits_demo::experiment> && zanj::detail::loadable<traits_demo::experiment>);
  static_assert(zanj::detail::saveable<zanj::by_name<nn::activations>> &&
                zanj::detail::loadable<zanj::by_name<nn::activations>>);
  static_assert(zanj::detail::family_of<nn::MyNN>() == zanj::family::configured_model);
  static_assert(zanj::configured_model_like<nn::MyNN> && !zanj::configured_model_like<nn::MyNNConfig>);
  zanj_test::scratch_dir dir;
  auto path = zanj::save(std::vector<std::pair<double, double>>{{1.5, -2.0}, {0.0, 4.0}}, dir / "p");
  auto points = zanj::read<std::vector<traits_demo::legacy_point>>(path);
  BOOST_REQUIRE(points.size() == 2u);
  BOOST_TEST(points[0].x == 1.5);
  BOOST_TEST(points[1].y == 4.0);
  BOOST_CHECK_EXCEPTION(zanj::read<std::vector<traits_demo::legacy_point>>(zanj::save(zanj::list{1, 2}, dir / "q")),
                        zanj::error, zanj_test::message_has({"at /0", "expected [x, y]"}));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// The rest of the reference's toolkit: num_params with buffers and frozen
// parameters, exact equality of two models.

namespace toolkit {

struct norm_config {
  int features = 4;
};

/// A layer with a batch norm: a trainable weight and bias, a frozen
/// embedding, running statistics as buffers, and a tied output weight (the
/// same storage as the embedding, under a second name, as torch lists it).
class Normed : public zanj::configured_model<Normed, norm_config> {
 public:
  explicit Normed(const norm_config& c)
      : configured_model(c),
        weight({std::size_t(c.features), std::size_t(c.features)}),
        bias(std::size_t(c.features)),
        embedding({3, std::size_t(c.features)}),
        running_mean(std::size_t(c.features)),
        num_batches_tracked(zanj::ndarray<std::int64_t>::shape_type{}) {}

  template <class Self, class Visit>
  static void parameters(Self& self, Visit&& visit) {
    using zanj::parameter_kind;
    visit("lin.weight", self.weight);
    visit("lin.bias", self.bias);
    visit("emb.weight", self.embedding, parameter_kind::frozen);
    visit("bn.running_mean", self.running_mean, parameter_kind::buffer);
    visit("bn.num_batches_tracked", self.num_batches_tracked, parameter_kind::buffer);
    visit("head.weight", self.embedding, parameter_kind::frozen);  // tied to emb.weight
  }

  zanj::ndarray<float> weight;
  std::vector<double> bias;
  zanj::ndarray<float> embedding;
  std::vector<float> running_mean;
  zanj::ndarray<std::int64_t> num_batches_tracked;
};

}  // namespace toolkit

BOOST_AUTO_TEST_SUITE(model_toolkit)

BOOST_AUTO_TEST_CASE(num_params_counts_trainable_or_all_parameters_never_buffers) {
  toolkit::Normed m(toolkit::norm_config{});
  BOOST_TEST(m.num_params() == 16u + 4u);                 // lin.weight, lin.bias
  BOOST_TEST(m.num_params(false) == 16u + 4u + 12u);      // + emb.weight, once although tied
  BOOST_TEST(zanj::num_params(m, false) == 32u);
  nn::MyNN mlp(tanh_config());
  BOOST_TEST(zanj::num_params(mlp) == 67u);  // a model without kinds: all trainable

  // Every kind is in the state_dict, in order; the meta counts as torch does.
  zanj_test::scratch_dir dir;
  m.num_batches_tracked.at({}) = 5;
  auto path = m.save(dir / "normed");
  auto doc = document(path);
  BOOST_TEST((keys(*doc.find("state_dict")) == std::vector<std::string>{"lin.weight", "lin.bias", "emb.weight",
                                                                        "bn.running_mean", "bn.num_batches_tracked",
                                                                        "head.weight"}));
  BOOST_TEST(doc.find("meta")->find("num_params")->as_int64() == 20);
  auto& as_str = *doc.find("meta")->find("as_str")->items();
  BOOST_TEST(as_str.at(3).as_string() == "  (emb.weight): float32[3, 4] frozen");
  BOOST_TEST(as_str.at(4).as_string() == "  (bn.running_mean): float32[4] buffer");
  auto back = toolkit::Normed::read(path);
  BOOST_TEST(back.num_batches_tracked.at({}) == 5);
  BOOST_TEST(back.num_params(false) == 32u);
}

BOOST_AUTO_TEST_CASE(for_each_parameter_gives_the_kind_to_visitors_that_take_it) {
  const toolkit::Normed m(toolkit::norm_config{});
  std::vector<std::string> seen;
  m.for_each_parameter([&](std::string_view name, const auto&, zanj::parameter_kind kind) {
    seen.push_back(std::string(name) + (kind == zanj::parameter_kind::buffer   ? ":buffer"
                                        : kind == zanj::parameter_kind::frozen ? ":frozen"
                                                                               : ""));
  });
  BOOST_TEST((seen == std::vector<std::string>{"lin.weight", "lin.bias", "emb.weight:frozen", "bn.running_mean:buffer",
                                               "bn.num_batches_tracked:buffer", "head.weight:frozen"}));
  std::size_t two_argument_calls = 0;
  m.for_each_parameter([&](std::string_view, const auto&) { ++two_argument_calls; });
  BOOST_TEST(two_argument_calls == 6u);
}

BOOST_AUTO_TEST_CASE(exact_equality_reports_the_first_difference) {
  nn::MyNN a(tanh_config());
  a.randomize(11);
  nn::MyNN b = a;
  BOOST_TEST(!zanj::first_weight_difference(a, b).has_value());
  BOOST_CHECK_NO_THROW(zanj::require_exact_equality(a, b));

  // A saved and re-read model is exactly equal.
  zanj_test::scratch_dir dir;
  auto back = nn::MyNN::read(a.save(dir / "mlp"));
  BOOST_TEST(!zanj::first_weight_difference(a, back).has_value());

  // One element, by name and position in the parameter's shape.
  b.w2(2, 5) = 0.25f;
  a.w2(2, 5) = 0.5f;
  auto d = zanj::first_weight_difference(a, b);
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(d->parameter == "net.2.weight");
  BOOST_TEST((d->index == std::vector<std::size_t>{2, 5}));
  BOOST_TEST(d->expected == "0.5");
  BOOST_TEST(d->found == "0.25");
  BOOST_TEST(d->describe() == "net.2.weight[2, 5]: expected 0.5, found 0.25");
  BOOST_CHECK_EXCEPTION(zanj::require_exact_equality(a, b), zanj::weights_mismatch,
                        zanj_test::message_has({"weights differ: net.2.weight[2, 5]: expected 0.5, found 0.25"}));

  // The first difference in state_dict order wins.
  b.b0(7) = a.b0(7) + 1.0f;
  BOOST_TEST(zanj::first_weight_difference(a, b)->parameter == "net.0.bias");
  BOOST_TEST((zanj::first_weight_difference(a, b)->index == std::vector<std::size_t>{7}));
}

BOOST_AUTO_TEST_CASE(exact_means_nan_equals_nan_and_signed_zeros_differ) {
  nn::MyNN a(tanh_config());
  nn::MyNN b = a;
  a.b0(1) = std::numeric_limits<float>::quiet_NaN();
  b.b0(1) = -std::numeric_limits<float>::quiet_NaN();  // another NaN: still "the same value"
  a.w0(3, 3) = std::numeric_limits<float>::infinity();
  b.w0(3, 3) = std::numeric_limits<float>::infinity();
  BOOST_TEST(!zanj::first_weight_difference(a, b).has_value());
  b.b2(0) = -0.0f;
  auto d = zanj::first_weight_difference(a, b);
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(d->describe() == "net.2.bias[0]: expected 0.0, found -0.0");
  b.b2(0) = 0.0f;
  b.b0(1) = 1.0f;
  BOOST_TEST(zanj::first_weight_difference(a, b)->describe() == "net.0.bias[1]: expected NaN, found 1.0");
  // Integer buffers and 0-d parameters compare too.
  toolkit::Normed x(toolkit::norm_config{}), y(toolkit::norm_config{});
  y.num_batches_tracked.at({}) = -3;
  BOOST_TEST(zanj::first_weight_difference(x, y)->describe() == "bn.num_batches_tracked: expected 0, found -3");
  y.num_batches_tracked.at({}) = 0;
  y.bias[3] = 1e-300;
  BOOST_TEST(zanj::first_weight_difference(x, y)->describe() == "lin.bias[3]: expected 0.0, found 1e-300");
}

BOOST_AUTO_TEST_CASE(configs_are_compared_before_weights) {
  nn::MyNN a(tanh_config());
  nn::MyNNConfig wider = tanh_config();
  wider.hidden_dim = 9;
  nn::MyNN b(wider);
  BOOST_CHECK_EXCEPTION(zanj::require_exact_equality(a, b), zanj::config_mismatch,
                        zanj_test::message_has({"hidden_dim (expected 8, found 9)"}));
  // Without the config check, the shapes are what differs first.
  BOOST_TEST(zanj::first_weight_difference(a, b)->describe() == "net.0.weight: expected shape [8, 4], found shape [9, 4]");
}

BOOST_AUTO_TEST_SUITE_END()
