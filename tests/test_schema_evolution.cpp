// Schema evolution (README "Schema evolution"; options::on_unknown_key and
// on_type_name_mismatch; codec/aggregate.hpp): reading a file written by an
// older or newer version of a struct. Every rule is tested at the root and
// at depth, in a struct inside a vector inside a struct.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "test_support.hpp"

namespace evo {

struct settings {
  int retries = 3;
  std::string mode = "fast";
  double scale = 1.5;
};

struct run {
  std::string name;
  std::vector<settings> stages;
  settings fallback{.retries = 9};  // a nested default: missing from the file, it stays this
};

struct experiment {
  std::string title = "untitled";
  std::vector<run> runs;
  int version = 2;
};

}  // namespace evo

namespace {

/// A file written by another version of evo::experiment: `version` and one
/// stage's `mode` are missing, one stage has a key the struct lacks, and one
/// stage object carries the class name it had before a rename.
const char* const old_file_text = R"j({
  "__muutils_format__": "experiment(SerializableDataclass)",
  "title": "t1",
  "runs": [
    {"__muutils_format__": "run(SerializableDataclass)", "name": "a",
     "stages": [{"__muutils_format__": "settings(SerializableDataclass)", "retries": 1, "mode": "slow", "scale": 2.0}]},
    {"__muutils_format__": "run(SerializableDataclass)", "name": "b",
     "stages": [
       {"__muutils_format__": "settings(SerializableDataclass)", "retries": 5, "legacy_flag": true},
       {"__muutils_format__": "StageSettings(SerializableDataclass)", "retries": 6, "mode": "exact", "scale": -0.0}
     ]}
  ]
})j";

std::filesystem::path write_old_file(const zanj_test::scratch_dir& dir, const char* text = old_file_text) {
  return zanj::save(zanj::json::parse(text), dir / "old");
}

/// Options whose warnings land in `sink`.
zanj::options collecting(std::vector<std::string>& sink) {
  zanj::options o;
  o.on_warning = [&sink](std::string_view message) { sink.emplace_back(message); };
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(schema_evolution)

BOOST_AUTO_TEST_CASE(defaults_read_an_old_file_as_the_reference_does) {
  zanj_test::scratch_dir dir;
  auto path = write_old_file(dir);
  std::vector<std::string> warnings;
  auto e = zanj::read<evo::experiment>(path, collecting(warnings));
  BOOST_TEST(warnings.empty());  // ignore: nothing reported
  BOOST_TEST(e.title == "t1");
  BOOST_TEST(e.version == 2);  // missing at the root: its default member initializer
  BOOST_REQUIRE(e.runs.size() == 2u);
  BOOST_TEST(e.runs[0].stages.at(0).mode == "slow");
  const auto& b = e.runs[1];
  BOOST_REQUIRE(b.stages.size() == 2u);
  BOOST_TEST(b.stages[0].retries == 5);
  BOOST_TEST(b.stages[0].mode == "fast");  // missing at depth: the default
  BOOST_TEST(b.stages[0].scale == 1.5);
  BOOST_TEST(b.stages[1].retries == 6);     // another class name: read into settings all the same
  BOOST_TEST(b.stages[1].mode == "exact");
  BOOST_TEST(std::signbit(b.stages[1].scale));
  // A nested struct missing from the file keeps the initializer of the field
  // that holds it, not the defaults of its own type.
  BOOST_TEST(b.fallback.retries == 9);
  BOOST_TEST(b.fallback.mode == "fast");
}

BOOST_AUTO_TEST_CASE(a_plain_dict_reads_as_well) {
  zanj_test::scratch_dir dir;
  auto path = write_old_file(dir, R"j({"runs": [{"name": "x", "stages": [{"scale": 0.25}]}], "extra": [1, 2]})j");
  auto e = zanj::read<evo::experiment>(path);
  BOOST_TEST(e.title == "untitled");
  BOOST_TEST(e.runs.at(0).stages.at(0).scale == 0.25);
  BOOST_TEST(e.runs.at(0).stages.at(0).retries == 3);
}

BOOST_AUTO_TEST_CASE(unknown_keys_warn_with_file_and_pointer) {
  zanj_test::scratch_dir dir;
  auto path = write_old_file(dir, R"j({"title": "t", "owner": "me",
    "runs": [{"name": "b", "stages": [{"retries": 5, "legacy_flag": true, "mode/old": 1}]}]})j");
  std::vector<std::string> warnings;
  auto opts = collecting(warnings);
  opts.on_unknown_key = zanj::error_mode::warn;
  auto e = zanj::read<evo::experiment>(path, opts);
  BOOST_TEST(e.runs.at(0).stages.at(0).retries == 5);  // read all the same
  BOOST_REQUIRE(warnings.size() == 3u);
  const std::string file = path.string();
  BOOST_TEST(warnings[0] == "zanj: " + file + ": at /owner: unknown key 'owner': experiment has no such field");
  BOOST_TEST(warnings[1] == "zanj: " + file +
                                ": at /runs/0/stages/0/legacy_flag: unknown key 'legacy_flag': settings has no such field");
  BOOST_TEST(warnings[2] == "zanj: " + file + ": at /runs/0/stages/0/mode~1old: unknown key 'mode/old': settings has no such field");
}

BOOST_AUTO_TEST_CASE(unknown_keys_can_be_errors) {
  zanj_test::scratch_dir dir;
  auto path = write_old_file(dir);
  zanj::options strict;
  strict.on_unknown_key = zanj::error_mode::except;
  BOOST_CHECK_EXCEPTION(zanj::read<evo::experiment>(path, strict), zanj::error,
                        zanj_test::message_has({path.string(), "at /runs/1/stages/0/legacy_flag: ",
                                                "unknown key 'legacy_flag': settings has no such field"}));
  try {
    zanj::read<evo::experiment>(path, strict);
    BOOST_FAIL("no error");
  } catch (const zanj::error& e) {
    BOOST_TEST(e.file() == path);
    BOOST_TEST(e.object_path() == "/runs/1/stages/0/legacy_flag");
  }
  // The format key itself is never an unknown key: a file without extras reads.
  zanj_test::scratch_dir other;
  evo::experiment saved{"s", {{"r", {{}, {.retries = 0}}, {}}}, 7};
  auto back = zanj::read<evo::experiment>(zanj::save(saved, other / "clean"), strict);
  BOOST_TEST(back.version == 7);
  BOOST_TEST(back.runs.at(0).stages.at(1).retries == 0);
}

BOOST_AUTO_TEST_CASE(another_type_name_can_warn_or_be_refused) {
  zanj_test::scratch_dir dir;
  auto path = write_old_file(dir);
  std::vector<std::string> warnings;
  auto opts = collecting(warnings);
  opts.on_type_name_mismatch = zanj::error_mode::warn;
  auto e = zanj::read<evo::experiment>(path, opts);
  BOOST_TEST(e.runs.at(1).stages.at(1).mode == "exact");
  BOOST_REQUIRE(warnings.size() == 1u);
  BOOST_TEST(warnings[0] == "zanj: " + path.string() +
                                ": at /runs/1/stages/1: expected 'settings(SerializableDataclass)' object, found "
                                "'StageSettings(SerializableDataclass)' object");

  opts.on_type_name_mismatch = zanj::error_mode::except;
  BOOST_CHECK_EXCEPTION(zanj::read<evo::experiment>(path, opts), zanj::error,
                        zanj_test::message_has({path.string(), "at /runs/1/stages/1: ",
                                                "expected 'settings(SerializableDataclass)' object",
                                                "found 'StageSettings(SerializableDataclass)' object"}));
  // At the root too.
  auto renamed = write_old_file(dir, R"j({"__muutils_format__": "Experiment2(SerializableDataclass)", "version": 3})j");
  BOOST_TEST(zanj::read<evo::experiment>(renamed).version == 3);
  BOOST_CHECK_EXCEPTION(zanj::read<evo::experiment>(renamed, opts), zanj::error,
                        zanj_test::message_has({"old.zanj: expected 'experiment(SerializableDataclass)' object, "
                                                "found 'Experiment2(SerializableDataclass)' object"}));
}

BOOST_AUTO_TEST_CASE(an_object_of_another_kind_is_always_an_error) {
  // The options accept a renamed dataclass, not an array where a struct belongs.
  zanj_test::scratch_dir dir;
  auto path = write_old_file(dir, R"j({"runs": [{"name": "a", "stages": [
    {"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [1], "shape": [1], "dtype": "int64", "n_elements": 1}]}]})j");
  BOOST_CHECK_EXCEPTION(zanj::read<evo::experiment>(path), zanj::error,
                        zanj_test::message_has({"at /runs/0/stages/0: ", "expected 'settings(SerializableDataclass)' object",
                                                "found 'numpy.ndarray:array_list_meta' object"}));
}

BOOST_AUTO_TEST_CASE(the_same_rules_hold_in_an_archive) {
  zanj_test::scratch_dir dir;
  auto path = write_old_file(dir);
  zanj::options strict;
  strict.on_unknown_key = zanj::error_mode::except;
  zanj::archive lenient(path), refusing(path, strict);
  BOOST_TEST(lenient.get<evo::settings>("/runs/1/stages/0").retries == 5);
  BOOST_TEST(refusing.get<evo::settings>("/runs/1/stages/1").scale == 0.0);
  BOOST_CHECK_EXCEPTION(refusing.get<evo::run>("/runs/1"), zanj::error,
                        zanj_test::message_has({"at /runs/1/stages/0/legacy_flag: ", "unknown key 'legacy_flag'"}));
}

BOOST_AUTO_TEST_SUITE_END()
