// LibTorch (ext/torch.hpp): torch::Tensor saved as the reference saves a
// torch.Tensor and read from every array form, and torch modules as
// configured models -- the Python reference's MyNN fixture run in LibTorch,
// C++-saved modules read back, PyTorch's state_dict names and order, strict
// loading. Built only when LibTorch is found (cmake/torch.cmake).
#include <boost/test/unit_test.hpp>

#include <zanj/ext/torch.hpp>
#include <zanj/field.hpp>
#include <zanj/zanj.hpp>

#include <torch/nn.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "fixture_support.hpp"
#include "test_support.hpp"
#include "torch_models.hpp"

using zanj_test::message_has;
using zanj_test::scratch_dir;

namespace {

/// Options for load contexts built by hand: the context keeps a reference.
const zanj::options default_options{};

static_assert(zanj::detail::family_of<torch::Tensor>() == zanj::family::tensor);

const std::vector<torch::ScalarType> every_dtype = {
    torch::kBool,  torch::kUInt8,    torch::kInt8,  torch::kInt16,  torch::kInt32,        torch::kInt64,
    torch::kHalf,  torch::kBFloat16, torch::kFloat, torch::kDouble, torch::kComplexFloat, torch::kComplexDouble};

std::string dtype_label(torch::ScalarType t) { return c10::toString(t); }

bool is_float_type(torch::ScalarType t) {
  return t == torch::kHalf || t == torch::kBFloat16 || t == torch::kFloat || t == torch::kDouble;
}

/// A tensor of `shape` and dtype `t` whose bytes are pseudo-random (so
/// floats include NaNs with payloads, infinities, subnormals and -0.0), with
/// the extremes of the type at the front.
torch::Tensor sample(torch::ScalarType t, std::vector<std::int64_t> shape, unsigned seed = 1) {
  torch::Tensor out = torch::empty(shape, torch::TensorOptions().dtype(t));
  auto* bytes = static_cast<unsigned char*>(out.data_ptr());
  const std::size_t n = static_cast<std::size_t>(out.numel()), item = static_cast<std::size_t>(out.element_size());
  std::mt19937 gen(seed);
  for (std::size_t i = 0; i < n * item; ++i) bytes[i] = static_cast<unsigned char>(gen());
  if (t == torch::kBool)
    for (std::size_t i = 0; i < n; ++i) bytes[i] &= 1;
  // Known specials first: for floats 0.0, -0.0, NaN, inf, -inf; for ints min and max.
  auto flat = out.view({-1});
  const std::vector<double> float_specials = {0.0, -0.0, std::nan(""), INFINITY, -INFINITY, 0.1};
  if (is_float_type(t))
    for (std::size_t i = 0; i < n && i < float_specials.size(); ++i) flat[std::int64_t(i)] = float_specials[i];
  if (t == torch::kInt64 && n >= 2) {
    flat[0] = std::numeric_limits<std::int64_t>::min();
    flat[1] = std::numeric_limits<std::int64_t>::max();
  }
  return out;
}

/// Same dtype, shape and bytes (NaN payloads and -0.0 included).
bool same_bits(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  if (a.numel() == 0) return true;
  auto ca = a.contiguous(), cb = b.contiguous();
  return std::memcmp(ca.data_ptr(), cb.data_ptr(), std::size_t(ca.numel() * ca.element_size())) == 0;
}

/// Same dtype, shape and values, where every NaN equals every NaN but -0.0
/// still differs from 0.0 (what JSON numbers keep).
bool same_values(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  if (!is_float_type(a.scalar_type())) return same_bits(a, b);
  auto da = a.to(torch::kDouble).contiguous(), db = b.to(torch::kDouble).contiguous();
  const double* x = da.data_ptr<double>();
  const double* y = db.data_ptr<double>();
  for (std::int64_t i = 0; i < da.numel(); ++i) {
    if (std::isnan(x[i]) && std::isnan(y[i])) continue;
    if (std::bit_cast<std::uint64_t>(x[i]) != std::bit_cast<std::uint64_t>(y[i])) return false;
  }
  return true;
}

struct holder {
  torch::Tensor t;
};

/// The stored JSON of /t in a saved holder.
zanj::value stored_node(const std::filesystem::path& file) {
  return zanj::json::parse(zanj_test::member_text(file, "__zanj__.json")).as_object().at("t");
}

std::uint16_t member_method(const std::filesystem::path& file, const std::string& member) {
  zanj::detail::zip_reader zip(file);
  auto* e = zip.find(member);
  BOOST_REQUIRE_MESSAGE(e, "no member " << member);
  return e->method;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(torch_tensor)

BOOST_AUTO_TEST_CASE(every_dtype_and_shape_round_trips_in_every_array_mode) {
  scratch_dir dir;
  const std::vector<std::vector<std::int64_t>> shapes = {{}, {0}, {3}, {2, 3}, {2, 0, 3}, {16, 16}, {300}, {2, 3, 50}};
  const std::vector<zanj::array_mode> modes = {zanj::array_mode::array_list_meta, zanj::array_mode::array_hex_meta,
                                               zanj::array_mode::array_b64_meta};
  int cases = 0;
  for (auto t : every_dtype)
    for (auto& shape : shapes)
      for (auto mode : modes)
        for (bool compress : {true, false}) {
          const holder h{sample(t, shape, unsigned(cases))};
          zanj::options opts;
          opts.internal_array_mode = mode;
          opts.compress = compress;
          const auto path = zanj::save(h, dir / ("t" + std::to_string(cases++)), opts);
          const auto back = zanj::read<holder>(path);
          const std::string label = dtype_label(t) + " " + zanj::detail::shape_text({shape.begin(), shape.end()}) +
                                    " " + std::string(zanj::to_string(mode)) + (compress ? " deflated" : " stored");
          // JSON lists keep values but not NaN payloads; hex, b64 and .npy keep every bit.
          const bool list_form = mode == zanj::array_mode::array_list_meta && h.t.numel() < 256 &&
                                 !c10::isComplexType(t) && h.t.dim() > 0;
          const bool zero_dim = h.t.dim() == 0;
          BOOST_TEST_CONTEXT(label) {
            BOOST_TEST(back.t.dtype() == h.t.dtype());
            BOOST_TEST(back.t.sizes() == h.t.sizes());
            if (list_form || zero_dim)
              BOOST_TEST(same_values(back.t, h.t));
            else
              BOOST_TEST(same_bits(back.t, h.t));

            const zanj::value node = stored_node(path);
            const std::string fmt(zanj::detail::format_of(node));
            const std::string numpy_name(zanj::numpy_name(*zanj::detail::dtype_of_scalar_type(t)));
            if (zero_dim && c10::isComplexType(t)) {
              // Complex numbers have no JSON form numpy reads back: hex, whatever the shape.
              BOOST_TEST(fmt == "torch.Tensor:array_hex_meta");
              BOOST_TEST(node.find("dtype")->as_string() == numpy_name);
            } else if (zero_dim) {
              BOOST_TEST(fmt == "torch.Tensor:zero_dim");
              BOOST_TEST(node.find("dtype")->as_string() == "torch." + numpy_name);
            } else if (h.t.numel() >= 256) {
              BOOST_TEST(fmt == "torch.Tensor:external");
              BOOST_TEST(node.find("dtype")->as_string() == "torch." + numpy_name);
              BOOST_TEST(node.find("$ref")->as_string() == "t.npy");
              BOOST_TEST(member_method(path, "t.npy") == (compress ? 8 : 0));
            } else {
              const std::string mode_name = c10::isComplexType(t) && mode == zanj::array_mode::array_list_meta
                                                ? "array_hex_meta"  // complex numbers have no JSON list form
                                                : std::string(zanj::to_string(mode));
              BOOST_TEST(fmt == "torch.Tensor:" + mode_name);
              BOOST_TEST(node.find("dtype")->as_string() == numpy_name);
            }
          }
        }
  BOOST_TEST(cases == 12 * 8 * 3 * 2);
}

BOOST_AUTO_TEST_CASE(list_mode_stores_bare_lists_and_reads_numpys_dtype) {
  scratch_dir dir;
  zanj::options opts;
  opts.internal_array_mode = zanj::array_mode::list;
  const holder f{torch::tensor({{1.5f, -0.0f}, {NAN, INFINITY}})};
  const auto path = zanj::save(f, dir / "f", opts);
  BOOST_TEST(zanj::json::to_string(stored_node(path), zanj::json::style::compact) == "[[1.5, -0.0], [NaN, Infinity]]");
  const auto back = zanj::read<holder>(path);
  // No dtype in the file: floats read as float64, as numpy reads the list.
  BOOST_TEST(back.t.dtype() == torch::kDouble);
  BOOST_TEST(same_values(back.t, f.t.to(torch::kDouble)));

  const holder i{torch::tensor({std::int64_t{-1}, std::numeric_limits<std::int64_t>::max()})};
  BOOST_TEST(same_bits(zanj::read<holder>(zanj::save(i, dir / "i", opts)).t, i.t));
  const holder b{torch::tensor({true, false})};
  BOOST_TEST(same_bits(zanj::read<holder>(zanj::save(b, dir / "b", opts)).t, b.t));
  const holder s{torch::tensor(7)};  // 0-d: a bare scalar in list mode
  const auto scalar_path = zanj::save(s, dir / "s", opts);
  BOOST_TEST(zanj::json::to_string(stored_node(scalar_path)) == "7");
  const auto scalar = zanj::read<holder>(scalar_path).t;
  BOOST_TEST(scalar.dim() == 0);
  BOOST_TEST(scalar.item<std::int64_t>() == 7);
}

BOOST_AUTO_TEST_CASE(views_are_saved_as_their_values_in_c_order) {
  scratch_dir dir;
  const torch::Tensor base = torch::arange(600, torch::kFloat).reshape({20, 30});
  const std::vector<std::pair<std::string, torch::Tensor>> views = {
      {"transposed", base.t()},
      {"strided slice", base.index({torch::indexing::Slice(1, torch::indexing::None, 3),
                                    torch::indexing::Slice(torch::indexing::None, torch::indexing::None, 2)})},
      {"expanded", torch::arange(3, torch::kInt).expand({100, 3})},
      {"small transposed", base.index({torch::indexing::Slice(0, 3), torch::indexing::Slice(0, 2)}).t()},
      {"conjugate", torch::complex(torch::arange(4, torch::kDouble), torch::ones({4}, torch::kDouble)).conj()},
      {"negative view", torch::_neg_view(torch::arange(5, torch::kDouble))},
  };
  for (auto& [label, view] : views) {
    BOOST_TEST_CONTEXT(label) {
      const auto back = zanj::read<holder>(zanj::save(holder{view}, dir / "v"));
      const torch::Tensor expected = view.resolve_conj().resolve_neg().contiguous();
      BOOST_TEST(same_bits(back.t, expected));
      BOOST_TEST(back.t.is_contiguous());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_map_of_tensors_names_members_by_key) {
  scratch_dir dir;
  const std::map<std::string, torch::Tensor> tensors = {{"big", torch::randn({300})}, {"small", torch::randn({3})}};
  const auto path = zanj::save(tensors, dir / "m");
  const auto names = zanj_test::member_names(path);
  BOOST_TEST((std::find(names.begin(), names.end(), "big.npy") != names.end()));
  const auto back = zanj::read<std::map<std::string, torch::Tensor>>(path);
  BOOST_TEST(same_bits(back.at("big"), tensors.at("big")));
  BOOST_TEST(same_bits(back.at("small"), tensors.at("small")));
  // numpy's view of the member is the tensor's data.
  const auto as_numpy = zanj::read<zanj::value>(path).as_object().at("big");
  BOOST_TEST(as_numpy.as_array().torch);
  BOOST_TEST(as_numpy.as_array().elements<float>()[7] == tensors.at("big")[7].item<float>());
}

BOOST_AUTO_TEST_CASE(a_tensor_that_cannot_be_saved_is_an_error_naming_its_path) {
  scratch_dir dir;
  struct holders {
    std::vector<torch::Tensor> items;
  };
  auto fails_with = [&](torch::Tensor t, const std::string& reason) {
    BOOST_TEST_CONTEXT(reason) {
      BOOST_CHECK_EXCEPTION(zanj::save(holders{{torch::zeros({2}), t}}, dir / "bad"), zanj::error,
                            message_has({"at /items/1", reason}));
    }
  };
  fails_with(torch::Tensor(), "undefined tensor");
  fails_with(torch::empty({2, 2}, torch::TensorOptions().device(torch::kMeta)), "device meta");
  fails_with(torch::eye(3).to_sparse(), "layout Sparse");
  fails_with(torch::zeros({2}, torch::kComplexHalf), "dtype ComplexHalf, which has no numpy dtype");
  BOOST_TEST(!std::filesystem::exists(dir / "bad.zanj"));
}

BOOST_AUTO_TEST_CASE(an_optional_tensor_stands_for_a_missing_one) {
  scratch_dir dir;
  struct maybe {
    std::optional<torch::Tensor> absent, present;
  };
  const auto path = zanj::save(maybe{std::nullopt, torch::arange(4)}, dir / "m");
  const auto doc = zanj::json::parse(zanj_test::member_text(path, "__zanj__.json")).as_object();
  BOOST_TEST(doc.at("absent").is_null());
  const auto back = zanj::read<maybe>(path);
  BOOST_TEST(!back.absent.has_value());
  BOOST_TEST_REQUIRE(back.present.has_value());
  BOOST_TEST(same_bits(*back.present, torch::arange(4)));
}

BOOST_AUTO_TEST_CASE(bfloat16_is_stored_as_the_project_stores_it) {
  scratch_dir dir;
  const holder small{torch::tensor({1.5f, -2.0f, NAN}).to(torch::kBFloat16)};
  const auto inline_path = zanj::save(small, dir / "small");
  BOOST_TEST(zanj::json::to_string(stored_node(inline_path), zanj::json::style::compact) ==
             R"({"__muutils_format__": "torch.Tensor:array_list_meta", "data": [1.5, -2.0, NaN], "shape": [3], )"
             R"("dtype": "bfloat16", "n_elements": 3})");
  // External: the raw bits as '<u2', named bfloat16 in the reference object.
  const holder big{sample(torch::kBFloat16, {300})};
  const auto path = zanj::save(big, dir / "big");
  BOOST_TEST(stored_node(path).find("dtype")->as_string() == "torch.bfloat16");
  BOOST_TEST(zanj_test::member_text(path, "t.npy").find("'descr': '<u2'") != std::string::npos);
  BOOST_TEST(same_bits(zanj::read<holder>(path).t, big.t));
}

BOOST_AUTO_TEST_CASE(nested_lists_read_with_numpys_dtype) {
  struct case_ {
    std::string json;
    torch::ScalarType dtype;
    std::vector<std::int64_t> shape;
  };
  const std::vector<case_> cases = {
      {"[[1, 2, 3], [4, 5, 6]]", torch::kInt64, {2, 3}},
      {"[[1, 2.5], [3, 4]]", torch::kDouble, {2, 2}},
      {"[true, false]", torch::kBool, {2}},
      {"[]", torch::kDouble, {0}},
      {"[[], []]", torch::kDouble, {2, 0}},
      {"2.5", torch::kDouble, {}},
  };
  for (auto& c : cases) {
    BOOST_TEST_CONTEXT(c.json) {
      holder h;
      zanj::detail::load_context ctx(nullptr, "mem.zanj", default_options);
      zanj::detail::load_value(zanj::json::parse(c.json), ctx, h.t);
      BOOST_TEST(h.t.scalar_type() == c.dtype);
      BOOST_TEST(h.t.sizes() == c10::IntArrayRef(c.shape));
    }
  }
  auto fails = [](const std::string& json, const std::string& reason) {
    BOOST_TEST_CONTEXT(json) {
      torch::Tensor t;
      zanj::detail::load_context ctx(nullptr, "mem.zanj", default_options);
      BOOST_CHECK_EXCEPTION(zanj::detail::load_value(zanj::json::parse(json), ctx, t), zanj::error,
                            message_has({"mem.zanj", reason}));
    }
  };
  fails("[[1, 2], [3]]", "ragged");
  fails("[true, 1]", "does not fit dtype int64");
  fails("[18446744073709551615]", "does not fit dtype int64");
  fails("[\"a\"]", "does not fit dtype float64");
  fails("{\"a\": 1}", "expected a tensor, an array or nested lists of numbers, found object");
}

BOOST_AUTO_TEST_CASE(unsigned_arrays_widen_to_a_torch_dtype_exactly) {
  zanj::detail::load_context ctx(nullptr, "mem.zanj", default_options);
  auto load = [&](const zanj::array_value& a) {
    torch::Tensor t;
    zanj::detail::load_value(zanj::value(a), ctx, t);
    return t;
  };
  const std::vector<std::uint16_t> u16 = {0, 65535};
  const auto t16 = load(zanj::array_value::from<std::uint16_t>(u16));
  BOOST_TEST(t16.scalar_type() == torch::kInt32);
  BOOST_TEST(t16[1].item<std::int32_t>() == 65535);
  const std::vector<std::uint32_t> u32 = {0, 4294967295u};
  const auto t32 = load(zanj::array_value::from<std::uint32_t>(u32));
  BOOST_TEST(t32.scalar_type() == torch::kInt64);
  BOOST_TEST(t32[1].item<std::int64_t>() == 4294967295);
  const std::vector<std::uint64_t> fits = {0, 9223372036854775807u};
  BOOST_TEST(load(zanj::array_value::from<std::uint64_t>(fits))[1].item<std::int64_t>() ==
             std::numeric_limits<std::int64_t>::max());
  const std::vector<std::uint64_t> too_big = {18446744073709551615u};
  BOOST_CHECK_EXCEPTION(load(zanj::array_value::from<std::uint64_t>(too_big)), zanj::error,
                        message_has({"uint64 elements do not fit int64"}));
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// The Python reference's files.

namespace {

/// Every $ndarray / $tensor in an expected value, with the JSON pointer of
/// its place in the document.
void collect_arrays(const zanj::value& v, const std::string& pointer,
                    std::vector<std::pair<std::string, zanj::value>>& out) {
  auto* o = v.get_if<zanj::object>();
  if (!o) return;
  if (o->size() == 1 && (o->contains("$ndarray") || o->contains("$tensor"))) {
    out.emplace_back(pointer, v);
    return;
  }
  if (auto* dc = o->find("$dataclass")) return collect_arrays(dc->as_object().at("fields"), pointer, out);
  if (o->size() == 1 && o->contains("$dict")) return collect_arrays(o->at("$dict"), pointer, out);
  for (auto& [k, m] : *o) collect_arrays(m, pointer + "/" + k, out);
}

/// A tensor in the fixtures' value convention, tagged as `tag`.
zanj::value tensor_convention(const torch::Tensor& t, const std::string& tag) {
  const torch::Tensor c = t.contiguous();
  zanj::array_value a;
  a.type = *zanj::detail::dtype_of_scalar_type(c.scalar_type());
  a.shape.assign(c.sizes().begin(), c.sizes().end());
  a.torch = tag == "$tensor";
  const auto* p = static_cast<const std::byte*>(c.data_ptr());
  a.bytes.assign(p, p + c.numel() * c.element_size());
  return zanj_test::to_convention(zanj::value(std::move(a)));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(torch_fixtures)

BOOST_AUTO_TEST_CASE(every_array_and_tensor_of_the_reference_loads_into_a_tensor) {
  const auto root = zanj_test::fixture_root();
  if (root.empty()) return zanj_test::report_fixtures_missing();
  int checked = 0;
  for (auto version : {"v0.5.0", "v0.6.0"})
    for (auto& entry : std::filesystem::directory_iterator(root / version)) {
      const std::string name = entry.path().stem().string();
      if (entry.path().extension() != ".zanj") continue;
      if (!name.starts_with("array_") && !name.starts_with("torch_") && !name.starts_with("mode_")) continue;
      const auto expected = zanj::json::parse(zanj_test::slurp(root / version / (name + ".expected.json")));
      std::vector<std::pair<std::string, zanj::value>> arrays;
      collect_arrays(expected.as_object().at("value"), "", arrays);
      zanj::archive archive(entry.path());
      for (auto& [pointer, want] : arrays) {
        BOOST_TEST_CONTEXT(version << "/" << name << pointer) {
          const std::string tag = want.as_object().begin()->first;
          const std::string want_dtype = want.as_object().at(tag).as_object().at("dtype").as_string();
          if (want_dtype == "uint64" && name == "array_zero_dim") {
            // 2^64-1: no torch dtype holds it.
            BOOST_CHECK_EXCEPTION(archive.get<torch::Tensor>(pointer), zanj::error,
                                  message_has({"at /u64", "uint64 elements do not fit int64"}));
            continue;
          }
          const auto t = archive.get<torch::Tensor>(pointer);
          zanj::value got = tensor_convention(t, tag);
          // torch has no uint16 / uint32 / uint64: those widen, values unchanged.
          if (want_dtype == "uint16" || want_dtype == "uint32" || want_dtype == "uint64") {
            BOOST_TEST(got.as_object().at(tag).as_object().at("dtype").as_string() ==
                       (want_dtype == "uint16" ? "int32" : "int64"));
            got.as_object().at(tag).as_object().insert_or_assign("dtype", want_dtype);
          }
          BOOST_TEST(zanj_test::difference(got, want).empty(), zanj_test::difference(got, want));
          ++checked;
        }
      }
    }
  BOOST_TEST(checked > 100);
}

BOOST_AUTO_TEST_CASE(resaving_the_reference_tensors_reproduces_its_members) {
  const auto root = zanj_test::fixture_root();
  if (root.empty()) return zanj_test::report_fixtures_missing();
  scratch_dir dir;
  struct torch_fixture {
    torch::Tensor small, vector, scalar_0d, large;
  };
  for (auto name : {"torch_float32", "torch_int64", "torch_bool"}) {
    BOOST_TEST_CONTEXT(name) {
      const auto fixture = root / "v0.6.0" / (std::string(name) + ".zanj");
      const auto loaded = zanj::read<torch_fixture>(fixture);
      const auto path = zanj::save(loaded, dir / name);
      const auto ours = zanj::json::parse(zanj_test::member_text(path, "__zanj__.json")).as_object();
      const auto theirs = zanj::json::parse(zanj_test::member_text(fixture, "__zanj__.json")).as_object();
      for (auto key : {"small", "vector", "scalar_0d", "large"})
        BOOST_TEST(zanj::json::to_string(ours.at(key)) == zanj::json::to_string(theirs.at(key)), key);
      BOOST_TEST(zanj_test::member_text(path, "large.npy") == zanj_test::member_text(fixture, "large.npy"));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// torch modules as configured models.

namespace tnn {

/// name -> tensor of every state entry, in order.
template <class Model>
std::vector<std::pair<std::string, torch::Tensor>> state_of(const Model& m) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  m.for_each_parameter([&](std::string_view name, const torch::Tensor& t) { out.emplace_back(name, t.clone()); });
  return out;
}

template <class Model>
void randomize(Model& m, std::uint64_t seed) {
  torch::manual_seed(seed);
  torch::NoGradGuard no_grad;
  m.for_each_parameter([&](std::string_view, torch::Tensor& t) {
    if (t.is_floating_point()) t.copy_(torch::randn_like(t));
  });
}

}  // namespace tnn

BOOST_AUTO_TEST_SUITE(torch_model)

BOOST_AUTO_TEST_CASE(the_python_model_fixture_runs_in_libtorch) {
  const auto root = zanj_test::fixture_root();
  if (root.empty()) return zanj_test::report_fixtures_missing();
  static_assert(zanj::detail::family_of<tnn::MyNN>() == zanj::family::configured_model);
  for (auto version : {"v0.5.0", "v0.6.0"}) {
    BOOST_TEST_CONTEXT(version) {
      zanj::archive archive(root / version / "configured_model_small.zanj");
      tnn::MyNN model = archive.get<tnn::MyNN>("/model");
      const auto& cfg = model.config();
      BOOST_TEST(cfg.hidden_dim == 8);
      BOOST_TEST(cfg.act_fn.name() == "Tanh");
      BOOST_TEST(cfg.loss_kwargs.find("reduction")->as_string() == "sum");
      BOOST_TEST(zanj::json::to_string(model.training_records(), zanj::json::style::compact) ==
                 R"({"loss": [1.5, 0.75, 0.5], "epochs": 3})");
      const auto names = state_of(model);
      BOOST_TEST_REQUIRE(names.size() == 4u);
      BOOST_TEST(names[0].first == "net.0.weight");
      BOOST_TEST(names[3].first == "net.2.bias");

      model.eval();
      const auto x = archive.get<torch::Tensor>("/extra/probe_input");
      const auto expected = archive.get<torch::Tensor>("/extra/probe_output");
      torch::NoGradGuard no_grad;
      const auto y = model.forward(x);
      BOOST_TEST(y.sizes() == expected.sizes());
      BOOST_TEST((y - expected).abs().max().item<float>() <= 1e-6f);
    }
  }
}

BOOST_AUTO_TEST_CASE(state_dict_names_and_order_are_pytorchs) {
  const tnn::Rich model(tnn::RichConfig{});
  std::vector<std::string> names;
  for (auto& [name, t] : tnn::state_of(model)) names.push_back(name);
  // PyTorch's state_dict() of the same structure (each module's parameters,
  // then its buffers, then its children; None skipped).
  const std::vector<std::string> pytorch = {
      "scale", "step", "body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias", "body.1.running_mean",
      "body.1.running_var", "body.1.num_batches_tracked", "body.3.weight", "head.weight", "head.bias"};
  BOOST_TEST(names == pytorch, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_cpp_saved_module_reads_back_equal) {
  scratch_dir dir;
  tnn::Rich model(tnn::RichConfig{.width = 100});  // body.0.weight: 300 elements, a .npy member
  tnn::randomize(model, 7);
  {
    // Moves the batch-norm statistics and counter away from their initial values.
    model.train();
    torch::NoGradGuard no_grad;
    model.forward(torch::randn({5, 3}));
    model.step.fill_(12);
  }
  model.training_records() = zanj::object{{"epochs", 2}, {"loss", zanj::list{0.5, 0.25}}};
  for (bool compress : {true, false}) {
    BOOST_TEST_CONTEXT((compress ? "deflated" : "stored")) {
      zanj::options opts;
      opts.compress = compress;
      const auto path = model.save(dir / "rich", opts);
      tnn::Rich back = tnn::Rich::read(path);
      BOOST_TEST(back.config().width == 100);
      BOOST_TEST(zanj::identical(back.training_records(), model.training_records()));
      const auto saved = tnn::state_of(model), loaded = tnn::state_of(back);
      BOOST_TEST_REQUIRE(saved.size() == loaded.size());
      for (std::size_t i = 0; i < saved.size(); ++i) {
        BOOST_TEST(loaded[i].first == saved[i].first);
        BOOST_TEST(same_bits(loaded[i].second, saved[i].second), saved[i].first);
      }
      BOOST_TEST(back.body[1]->as<torch::nn::BatchNorm1d>()->num_batches_tracked.item<std::int64_t>() == 1);

      // The layout of Python's ConfiguredModel (FORMAT.md §9).
      const auto doc = zanj::json::parse(zanj_test::member_text(path, "__zanj__.json")).as_object();
      std::vector<std::string> keys;
      for (auto& [k, v] : doc) keys.push_back(k);
      BOOST_TEST(keys == (std::vector<std::string>{"zanj_model_config", "meta", "training_records", "state_dict",
                                                   "__muutils_format__"}),
                 boost::test_tools::per_element());
      BOOST_TEST(doc.at("__muutils_format__").as_string() == "Rich");
      const auto& state = doc.at("state_dict").as_object();
      BOOST_TEST(zanj::detail::format_of(state.at("body.0.weight")) == "torch.Tensor:external");
      BOOST_TEST(state.at("body.0.weight").find("dtype")->as_string() == "torch.float32");
      BOOST_TEST(state.at("body.0.weight").find("$ref")->as_string() == "state_dict/body.0.weight.npy");
      BOOST_TEST(zanj::detail::format_of(state.at("body.3.weight")) == "torch.Tensor:array_list_meta");
      BOOST_TEST(state.at("body.3.weight").find("dtype")->as_string() == "float32");
      BOOST_TEST(state.at("body.1.num_batches_tracked").find("dtype")->as_string() == "torch.int64");
      BOOST_TEST(zanj::detail::format_of(state.at("step")) == "torch.Tensor:zero_dim");
    }
  }
}

BOOST_AUTO_TEST_CASE(num_params_counts_what_pytorch_counts) {
  scratch_dir dir;
  tnn::Rich model(tnn::RichConfig{});
  // PyTorch: sum(p.numel() for p in m.parameters() if p.requires_grad); buffers never.
  auto pytorch_count = [&](bool only_trainable) {
    std::size_t n = 0;
    for (auto& p : model.parameters())
      if (!only_trainable || p.requires_grad()) n += static_cast<std::size_t>(p.numel());
    return n;
  };
  std::size_t with_buffers = 0;
  for (auto& [name, t] : tnn::state_of(model)) with_buffers += static_cast<std::size_t>(t.numel());
  BOOST_TEST(zanj::num_params(model) == pytorch_count(true));
  BOOST_TEST(zanj::num_params(model) < with_buffers);  // the batch-norm statistics are not counted

  model.head->weight.requires_grad_(false);  // frozen: counted only when all are asked for
  BOOST_TEST(zanj::num_params(model) == pytorch_count(true));
  BOOST_TEST(zanj::num_params(model, false) == pytorch_count(false));
  BOOST_TEST(zanj::num_params(model) + static_cast<std::size_t>(model.head->weight.numel()) ==
             zanj::num_params(model, false));

  const auto path = model.save(dir / "frozen");
  const auto doc = zanj::json::parse(zanj_test::member_text(path, "__zanj__.json")).as_object();
  BOOST_TEST(static_cast<std::size_t>(doc.at("meta").find("num_params")->as_int64()) == pytorch_count(true));
}

BOOST_AUTO_TEST_CASE(loading_fills_the_modules_own_tensors_without_autograd) {
  scratch_dir dir;
  tnn::MyNN model(tnn::MyNNConfig{});
  tnn::randomize(model, 3);
  tnn::MyNN back = tnn::MyNN::read(model.save(dir / "m"));
  // The module's attributes (the Linear's weight) hold the loaded values:
  // the tensors were written in place, not replaced in a copy of the dict.
  auto& first = *back.net[0]->as<torch::nn::Linear>();
  BOOST_TEST(same_bits(first.weight, model.net[0]->as<torch::nn::Linear>()->weight));
  BOOST_TEST(first.weight.requires_grad());
  BOOST_TEST(first.weight.is_leaf());
  BOOST_TEST(!first.weight.grad().defined());
  // Still trainable: a backward pass reaches the loaded parameters.
  back.forward(torch::randn({2, 4})).sum().backward();
  BOOST_TEST(first.weight.grad().defined());
}

BOOST_AUTO_TEST_CASE(list_mode_state_dicts_load_into_the_parameters_dtype) {
  scratch_dir dir;
  tnn::MyNN model(tnn::MyNNConfig{});
  tnn::randomize(model, 5);
  zanj::options opts;
  opts.internal_array_mode = zanj::array_mode::list;
  const auto path = model.save(dir / "m", opts);
  BOOST_TEST(zanj::json::parse(zanj_test::member_text(path, "__zanj__.json"))
                 .as_object().at("state_dict").as_object().at("net.0.bias").is_list());
  const tnn::MyNN back = tnn::MyNN::read(path);
  const auto saved = tnn::state_of(model), loaded = tnn::state_of(back);
  for (std::size_t i = 0; i < saved.size(); ++i) {
    BOOST_TEST(loaded[i].second.dtype() == torch::kFloat);
    BOOST_TEST(same_bits(loaded[i].second, saved[i].second), saved[i].first);  // float -> JSON double -> float is exact
  }
}

BOOST_AUTO_TEST_CASE(strict_loading_reports_every_problem_at_once) {
  scratch_dir dir;
  tnn::MyNN model(tnn::MyNNConfig{});
  const auto path = model.save(dir / "m");
  zanj::value doc = zanj::read<zanj::value>(path);
  auto& state = doc.as_object().at("state_dict").as_object();
  state.erase("net.0.bias");
  state.insert_or_assign("net.9.weight", state.at("net.2.bias"));
  state.insert_or_assign("net.2.weight", zanj::value(zanj::array_value::from<float>(std::vector<float>(5, 1.0f))));
  state.insert_or_assign("net.2.bias", zanj::value(zanj::array_value::from<double>(std::vector<double>(3, 1.0))));
  const auto bad = zanj::save(doc, dir / "bad");
  BOOST_CHECK_EXCEPTION(tnn::MyNN::read(bad), zanj::error,
                        message_has({"bad.zanj", "at /state_dict", "missing parameters: net.0.bias",
                                     "unexpected parameters: net.9.weight",
                                     "net.2.weight: expected shape [3, 8], found [5]",
                                     "net.2.bias: expected dtype float32, found float64"}));

  // A float64 module does not load into the float32 one its config builds.
  tnn::MyNN as_double(tnn::MyNNConfig{});
  as_double.to(torch::kDouble);
  BOOST_CHECK_EXCEPTION(tnn::MyNN::read(as_double.save(dir / "double")), zanj::error,
                        message_has({"net.0.weight: expected dtype float32, found float64"}));
}

BOOST_AUTO_TEST_CASE(config_mismatch_and_unknown_names_are_errors) {
  scratch_dir dir;
  tnn::MyNNConfig cfg;
  cfg.hidden_dim = 5;
  cfg.act_fn = "GELU";
  const auto path = tnn::MyNN(cfg).save(dir / "m");
  BOOST_CHECK_EXCEPTION(tnn::MyNN::read(path, tnn::MyNNConfig{}), zanj::config_mismatch,
                        message_has({"hidden_dim (expected 8, found 5)",
                                     "act_fn (expected \"ReLU\", found \"GELU\")"}));
  BOOST_TEST(tnn::MyNN::read(path, cfg).config().act_fn.name() == "GELU");

  zanj::value doc = zanj::read<zanj::value>(path);
  doc.as_object().at("zanj_model_config").as_object().insert_or_assign("act_fn", "Swish2");
  BOOST_CHECK_EXCEPTION(tnn::MyNN::read(zanj::save(doc, dir / "unknown")), zanj::error,
                        message_has({"at /zanj_model_config/act_fn", "unknown activation 'Swish2'"}));
}

BOOST_AUTO_TEST_CASE(a_torch_module_holder_saves_and_reads_through_its_impl) {
  scratch_dir dir;
  tnn::Tiny tiny(tnn::RichConfig{.width = 3});
  const auto path = tiny->save(dir / "tiny");
  BOOST_TEST(zanj::json::parse(zanj_test::member_text(path, "__zanj__.json")).as_object().at("__muutils_format__")
                 .as_string() == "Tiny");
  tnn::Tiny back(std::make_shared<tnn::TinyImpl>(tnn::TinyImpl::read(path)));
  BOOST_TEST(same_bits(back->fc->weight, tiny->fc->weight));
  const auto x = torch::randn({4, 3});
  BOOST_TEST(same_bits(back->forward(x), tiny->forward(x)));
}

namespace tnn {
struct PlacedConfig {
  bool on_meta = false;
};
// A parameter on torch's meta device (no data), the stand-in here for a GPU one.
class Placed : public zanj::torch_model<Placed, PlacedConfig> {
 public:
  explicit Placed(const PlacedConfig& c) : torch_model(c) {
    const auto device = c.on_meta ? torch::kMeta : torch::kCPU;
    w = register_parameter("w", torch::zeros({2}, torch::TensorOptions().device(device)));
  }
  torch::Tensor w;
};
}  // namespace tnn

BOOST_AUTO_TEST_CASE(a_module_not_on_the_cpu_is_an_error) {
  scratch_dir dir;
  BOOST_CHECK_EXCEPTION(tnn::Placed({.on_meta = true}).save(dir / "meta"), zanj::error,
                        message_has({"meta.zanj", "at /state_dict/w", "device meta", "call .cpu() first"}));
  zanj::value doc = zanj::read<zanj::value>(tnn::Placed({.on_meta = false}).save(dir / "cpu"));
  doc.as_object().at("zanj_model_config").as_object().insert_or_assign("on_meta", true);
  BOOST_CHECK_EXCEPTION(tnn::Placed::read(zanj::save(doc, dir / "to_meta")), zanj::error,
                        message_has({"to_meta.zanj", "at /state_dict/w", "cannot load into a tensor on device meta"}));
}

BOOST_AUTO_TEST_SUITE_END()
