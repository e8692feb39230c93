// Every fixture written by the Python reference (zanj 0.5.0 and 0.6.0) reads
// into zanj::value equal to its X.expected.json, exactly.
#include <boost/test/unit_test.hpp>

#include <set>

#include <zanj/detail/zip_reader.hpp>

#include "fixture_support.hpp"

namespace {

// Fixtures whose types later work takes (DataFrames, configured models):
// read here only to check they load without error.
const std::set<std::string> value_checked_elsewhere = {
    "dataframe_iris",
    "dataframe_brain_networks_large",
    "configured_model_small",
};

}  // namespace

BOOST_AUTO_TEST_SUITE(fixtures)

BOOST_AUTO_TEST_CASE(every_fixture_reads_to_its_expected_value) {
  auto root = zanj_test::fixture_root();
  if (root.empty()) {
    zanj_test::report_fixtures_missing();
    return;
  }
  int compared = 0;
  for (std::string version : {"v0.5.0", "v0.6.0"}) {
    for (auto& entry : std::filesystem::directory_iterator(root / version)) {
      if (entry.path().extension() != ".zanj") continue;
      std::string name = entry.path().stem().string();
      BOOST_TEST_CONTEXT("fixture " << version << "/" << name) {
        zanj::value expected = zanj::json::parse(zanj_test::slurp(root / version / (name + ".expected.json")));
        zanj::value got;
        BOOST_REQUIRE_NO_THROW(got = zanj::read<zanj::value>(entry.path()));
        if (value_checked_elsewhere.count(name)) continue;
        std::string diff = zanj_test::difference(zanj_test::to_convention(got), expected.as_object().at("value"));
        BOOST_TEST(diff.empty(), diff);
        ++compared;
      }
    }
  }
  BOOST_TEST(compared >= 60);
}

// Reading a fixture into zanj::value and saving it again with the fixture's
// settings reproduces every member byte for byte (__zanj__.json, each .npy
// and .jsonl), except the metadata (timestamps, Python sysinfo).
BOOST_AUTO_TEST_CASE(resaving_a_fixture_reproduces_its_members_byte_for_byte) {
  auto root = zanj_test::fixture_root();
  if (root.empty()) {
    zanj_test::report_fixtures_missing();
    return;
  }
  // Not reproducible: list_long_dicts' "columns" statistics come from Python
  // sets (their order varies between runs, FORMAT.md §14.17); DataFrames are
  // a later issue's; array_fortran_order's .npy members hold column-major
  // data, which we read into C order and write back as such.
  const std::set<std::string> not_reproducible = {"list_long_dicts", "dataframe_iris",
                                                  "dataframe_brain_networks_large", "array_fortran_order"};
  auto out_dir = std::filesystem::temp_directory_path() / "zanj_test_resave";
  std::filesystem::remove_all(out_dir);
  int compared = 0;
  for (std::string version : {"v0.6.0", "v0.5.0"}) {
    for (auto& entry : std::filesystem::directory_iterator(root / version)) {
      if (entry.path().extension() != ".zanj") continue;
      std::string name = entry.path().stem().string();
      if (not_reproducible.count(name)) continue;
      BOOST_TEST_CONTEXT("fixture " << version << "/" << name) {
        auto cfg = zanj::read_meta(entry.path()).as_object().at("zanj_cfg");
        zanj::options opts;
        std::string mode = cfg.find("array_mode")->as_string();
        if (mode == "array_hex_meta") opts.internal_array_mode = zanj::array_mode::array_hex_meta;
        if (mode == "array_b64_meta") opts.internal_array_mode = zanj::array_mode::array_b64_meta;
        if (mode == "list") opts.internal_array_mode = zanj::array_mode::list;
        opts.compress = cfg.find("compress")->as_int64() != 0;

        auto saved = zanj::save(zanj::read<zanj::value>(entry.path()), out_dir / version / name, opts);
        zanj::detail::zip_reader original(entry.path()), ours(saved);
        std::vector<std::string> names_original, names_ours;
        for (auto& m : original.entries()) names_original.push_back(m.name);
        for (auto& m : ours.entries()) names_ours.push_back(m.name);
        BOOST_TEST(names_ours == names_original, boost::test_tools::per_element());
        for (auto& m : original.entries()) {
          if (m.name == "__zanj_meta__.json") continue;
          auto* mine = ours.find(m.name);
          BOOST_TEST_REQUIRE(mine != nullptr, "member " << m.name);
          BOOST_TEST(mine->method == m.method, "compression of " << m.name);
          auto a = original.read(m);
          auto b = ours.read(*mine);
          BOOST_TEST((a == b), "member " << m.name << " differs");
        }
        ++compared;
      }
    }
  }
  BOOST_TEST(compared >= 30);
  std::filesystem::remove_all(out_dir);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(convention_comparison)

// The comparison itself must be able to fail, or the test above proves nothing.
BOOST_AUTO_TEST_CASE(detects_every_kind_of_difference) {
  using zanj_test::difference;
  BOOST_TEST(difference(zanj::value(0.0), zanj::value(-0.0)) != "");
  BOOST_TEST(difference(zanj::value(1), zanj::value(1.0)) != "");
  BOOST_TEST(difference(zanj::value(true), zanj::value(1)) != "");
  BOOST_TEST(difference(zanj::list{1, 2}, zanj::list{1, 2, 3}) != "");
  BOOST_TEST(difference(zanj::object{{"a", 1}}, zanj::object{{"b", 1}}) != "");
  BOOST_TEST(difference(zanj::object{{"a", 1}, {"b", 2}}, zanj::object{{"b", 2}, {"a", 1}}) == "");
  zanj::value dc1 = zanj::object{{"name", "X"}, {"fields", zanj::object{{"a", 1}, {"b", 2}}}};
  zanj::value dc2 = zanj::object{{"name", "X"}, {"fields", zanj::object{{"b", 2}, {"a", 1}}}};
  BOOST_TEST(difference(dc1, dc2) != "");
  auto nan = zanj_test::to_convention(zanj::value(std::nan("")));
  BOOST_TEST(difference(nan, zanj::object{{"$float", "nan"}}) == "");
  BOOST_TEST(difference(nan, zanj::object{{"$float", "inf"}}) != "");
}

BOOST_AUTO_TEST_SUITE_END()
