// The corrupt-file corpus of tests/corrupt/: each file listed in
// MANIFEST.tsv gives exactly the error stated there, through zanj::read and
// zanj::archive (.npy files through npy::read), and no file of the folder is
// missing from the manifest. The files are committed; corrupt/make_corpus.cpp
// regenerates them.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <zanj/zanj.hpp>

#include "corrupt/corpus_types.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path corpus_dir = ZANJ_CORRUPT_DIR;

struct row {
  std::string file, broken, read_as, read, archive, verify;
};

std::vector<row> manifest() {
  std::ifstream in(corpus_dir / "MANIFEST.tsv");
  BOOST_REQUIRE_MESSAGE(in, "cannot open " << (corpus_dir / "MANIFEST.tsv"));
  std::vector<row> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.starts_with('#')) continue;
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      fields.push_back(line.substr(start, tab - start));
    fields.push_back(line.substr(start));
    BOOST_REQUIRE_MESSAGE(fields.size() == 6, "manifest line with " << fields.size() << " fields: " << line);
    rows.push_back({fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]});
  }
  return rows;
}

/// What `f` throws: the zanj::error's message, or a marker.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
    return "<no error>";
  } catch (const zanj::error& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("<foreign exception: ") + e.what() + ">";
  }
}

/// Reads refuse another dataclass name (the default, like the reference,
/// reads it by field name): the corpus holds a file that tests exactly that.
zanj::options strict_options() {
  zanj::options o;
  o.on_type_name_mismatch = zanj::error_mode::except;
  return o;
}

template <class T>
void check_readers(const fs::path& file, const row& r) {
  const std::string prefix = "zanj: " + file.string() + ": ";
  const zanj::options opts = strict_options();
  BOOST_TEST(error_of([&] { (void)zanj::read<T>(file, opts); }) == prefix + r.read);
  if (r.archive != "-") {
    const std::string expected = prefix + (r.archive == "=" ? r.read : r.archive);
    BOOST_TEST(error_of([&] { (void)zanj::archive(file, opts).get<T>(""); }) == expected);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(corrupt_corpus)

BOOST_AUTO_TEST_CASE(every_file_gives_its_error) {
  const std::vector<row> rows = manifest();
  BOOST_TEST(rows.size() >= 50u);
  for (const row& r : rows) {
    BOOST_TEST_CONTEXT(r.file << " (" << r.broken << ")") {
      const fs::path file = corpus_dir / r.file;
      BOOST_REQUIRE(fs::is_regular_file(file));
      if (r.read_as == "value") {
        check_readers<zanj::value>(file, r);
      } else if (r.read_as == "sample") {
        check_readers<zanj_corpus::sample>(file, r);
        // As a value it reads without a type to disagree with.
      } else if (r.read_as == "npy") {
        std::ifstream in(file, std::ios::binary);
        const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const std::span<const std::byte> npy(reinterpret_cast<const std::byte*>(content.data()), content.size());
        BOOST_TEST(error_of([&] { (void)zanj::npy::read(npy); }) == "zanj: " + r.read);
        BOOST_TEST(error_of([&] { (void)zanj::npy::parse_header(npy); }) == "zanj: " + r.read);
      } else {
        BOOST_ERROR("unknown read_as '" << r.read_as << "'");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(the_manifest_lists_every_file_once) {
  std::set<std::string> listed;
  for (const row& r : manifest()) BOOST_TEST(listed.insert(r.file).second, "listed twice: " << r.file);
  const std::set<std::string> sources{"MANIFEST.tsv", "CMakeLists.txt", "make_corpus.cpp", "corpus_types.hpp"};
  std::uintmax_t total = 0;
  for (const auto& f : fs::directory_iterator(corpus_dir)) {
    const std::string name = f.path().filename().string();
    total += f.file_size();
    if (sources.contains(name)) continue;
    BOOST_TEST(listed.contains(name), "not in MANIFEST.tsv: " << name);
  }
  BOOST_TEST(total < 512u * 1024, "the corpus should stay small: " << total << " bytes");
}

BOOST_AUTO_TEST_CASE(the_intact_sample_reads) {
  // What the corrupt files were made from reads back (the generator saves it
  // with the same options), so each failure comes from its damage.
  const fs::path dir = fs::temp_directory_path() / ("zanj_corpus_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (bool compress : {false, true}) {
    const fs::path file = zanj::save(zanj_corpus::make_sample(), dir / "sample", zanj_corpus::corpus_options(compress));
    const zanj_corpus::sample back = zanj::read<zanj_corpus::sample>(file);
    const zanj_corpus::sample expected = zanj_corpus::make_sample();
    BOOST_TEST(back.name == expected.name);
    BOOST_TEST(back.count == expected.count);
    BOOST_TEST(back.values == expected.values);
    BOOST_TEST(back.tags == expected.tags);
  }
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
