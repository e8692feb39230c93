// zanj::writer: piece-by-piece writing with bounded memory, streamed arrays,
// and members over 4 GiB (writer.hpp).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <zanj/archive.hpp>
#include <zanj/writer.hpp>

#include "test_support.hpp"

namespace {

struct summary {
  std::string name;
  int step = 0;
  std::vector<double> losses;
};

/// Deterministic test data: element i of a streamed array.
float element(std::uint64_t i) { return float(i % 1000003) * 0.5f - 7.0f; }

}  // namespace

BOOST_AUTO_TEST_SUITE(writer)

BOOST_AUTO_TEST_CASE(values_put_one_by_one_read_back_as_a_whole) {
  zanj_test::scratch_dir dir;
  zanj::writer w(dir / "run");
  w.put("/summary", summary{"w", 7, std::vector<double>(500, 0.25)});
  w.put("/extra/tags", std::vector<std::string>{"a", "b"});
  w.put("/extra/weights", std::vector<float>(1000, 1.5f));
  BOOST_TEST(!std::filesystem::exists(dir / "run.zanj"));  // nothing at the target before close()
  auto path = w.close();
  BOOST_TEST(path == dir / "run.zanj");

  struct extra_t {
    std::vector<std::string> tags;
    std::vector<float> weights;
  };
  struct whole_t {
    ::summary summary;
    extra_t extra;
  };
  auto back = zanj::read<whole_t>(path);
  BOOST_TEST(back.summary.step == 7);
  BOOST_TEST((back.summary.losses == std::vector<double>(500, 0.25)));
  BOOST_TEST((back.extra.tags == std::vector<std::string>{"a", "b"}));
  BOOST_TEST((back.extra.weights == std::vector<float>(1000, 1.5f)));
  // externals_info lists every member written along the way
  auto info = zanj::read_meta(path).as_object().at("externals_info").as_object();
  BOOST_TEST(info.contains("summary/losses.npy"));
  BOOST_TEST(info.contains("extra/weights.npy"));
  // and no temporary is left beside it
  BOOST_TEST(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 1);
}

BOOST_AUTO_TEST_CASE(streamed_array_in_chunks) {
  zanj_test::scratch_dir dir;
  zanj::options stored;
  stored.compress = false;
  zanj::writer w(dir / "s", stored);
  w.put("/name", std::string("streamed"));
  const std::size_t rows = 1000, cols = 777;
  auto s = w.stream_array("/data", zanj::dtype::float32, {rows, cols});
  std::vector<float> chunk(cols);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) chunk[c] = element(r * cols + c);
    s.write(std::span<const float>(chunk));
  }
  s.finish();
  auto path = w.close();
  zanj::archive a(path);
  auto view = a.view<float>("/data");
  BOOST_TEST(view.zero_copy());
  BOOST_TEST((view.shape() == std::vector<std::size_t>{rows, cols}));
  bool all_equal = true;
  for (std::size_t i = 0; i < rows * cols; ++i) all_equal = all_equal && view.elements()[i] == element(i);
  BOOST_TEST(all_equal);
  BOOST_TEST(a.get<std::string>("/name") == "streamed");
  auto nested = a.get<std::vector<std::vector<float>>>("/data");  // CRC-checked read
  BOOST_TEST(nested[999][776] == element(999 * 777 + 776));
}

BOOST_AUTO_TEST_CASE(streamed_table_row_by_row) {
  struct sample {
    std::int64_t id = 0;
    double x = 0;
    std::optional<std::string> label;
  };
  zanj_test::scratch_dir dir;
  zanj::writer w(dir / "t");
  auto t = w.stream_table<sample>("/samples");
  for (std::int64_t i = 0; i < 1000; ++i)
    t.write(sample{i, double(i) / 8, i % 3 == 0 ? std::nullopt : std::optional<std::string>("r" + std::to_string(i))});
  BOOST_CHECK_EXCEPTION(w.put("/x", 1), zanj::error, zanj_test::message_has({"stream is open"}));
  t.finish();
  auto empty = w.stream_table<sample>("/none");
  empty.finish();
  auto path = w.close();

  auto text = zanj_test::member_text(path, "__zanj__.json");
  BOOST_TEST(text.find("\"__muutils_format__\": \"pandas.DataFrame:external\",\n\t\t\"$ref\": \"samples.jsonl\",\n\t\t"
                       "\"len(data)\": 1000") != std::string::npos);
  auto jsonl = zanj_test::member_text(path, "samples.jsonl");
  BOOST_TEST(jsonl.starts_with("{\"id\": 0, \"x\": 0.0, \"label\": null}\n{\"id\": 1, \"x\": 0.125, \"label\": \"r1\"}\n"));
  BOOST_TEST(zanj_test::member_text(path, "none.jsonl").empty());
  auto back = zanj::read<std::map<std::string, zanj::table_of<sample>>>(path);
  BOOST_REQUIRE(back.at("samples").rows.size() == 1000u);
  BOOST_TEST(back.at("samples").rows[999].x == 999.0 / 8);
  BOOST_TEST(*back.at("samples").rows[998].label == "r998");
  BOOST_TEST(!back.at("samples").rows[999].label.has_value());
  BOOST_TEST(back.at("none").rows.empty());
  auto info = zanj::read_meta(path).as_object().at("externals_info").as_object().at("samples.jsonl");
  BOOST_TEST(info.find("len(data)")->as_int64() == 1000);
}

BOOST_AUTO_TEST_CASE(misuse_is_reported_and_leaves_nothing) {
  zanj_test::scratch_dir dir;
  {
    zanj::writer w(dir / "m");
    auto s = w.stream_array("/a", zanj::dtype::int32, {4});
    std::vector<std::int32_t> three{1, 2, 3};
    s.write(std::span<const std::int32_t>(three));
    BOOST_CHECK_EXCEPTION(s.finish(), zanj::error, zanj_test::message_has({"12 of 16 bytes"}));
    BOOST_CHECK_EXCEPTION(s.write(std::span<const std::int32_t>(three)), zanj::error,
                          zanj_test::message_has({"more data than the shape"}));
    BOOST_CHECK_EXCEPTION(s.write(std::span<const float>()), zanj::error, zanj_test::message_has({"float32"}));
    BOOST_CHECK_EXCEPTION(w.close(), zanj::error, zanj_test::message_has({"not finished"}));
  }  // abandoned: the temporary goes away
  BOOST_TEST(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 0);
}

// A member over 4 GiB, streamed with bounded memory, read back by our reader
// in place and by Python's zipfile (Zip64 local, central and end records).
// Label "large": run by .ci/run; takes ~1 minute and 4.4 GB of disk.
bool large_tests_enabled(boost::unit_test::test_unit_id) {
  return std::getenv("ZANJ_LARGE_TESTS") != nullptr;  // ctest's test_writer_over_4gib sets it
}

BOOST_AUTO_TEST_CASE(member_over_4_gib, *boost::unit_test::label("large") *
                                             boost::unit_test::precondition(large_tests_enabled)) {
  zanj_test::scratch_dir dir;
  zanj::options stored;
  stored.compress = false;
  const std::uint64_t n = (std::uint64_t{4} << 30) / 4 + 12345;  // > 4 GiB of float32
  zanj::writer w(dir / "huge", stored);
  w.put("/before", 1);
  {
    auto s = w.stream_array("/big", zanj::dtype::float32, {n});
    std::vector<float> chunk(std::size_t{1} << 22);
    for (std::uint64_t done = 0; done < n;) {
      std::size_t k = std::size_t(std::min<std::uint64_t>(chunk.size(), n - done));
      for (std::size_t i = 0; i < k; ++i) chunk[i] = element(done + i);
      s.write(std::span<const float>(chunk.data(), k));
      done += k;
    }
    s.finish();
  }
  w.put("/after", std::vector<double>(300, 2.0));  // a member past the 4 GiB offset
  auto path = w.close();
  BOOST_TEST(std::filesystem::file_size(path) > (std::uint64_t{4} << 30));

  zanj::archive a(path);
  auto view = a.view<float>("/big");
  BOOST_TEST(view.zero_copy());
  BOOST_REQUIRE(view.size() == n);
  for (std::uint64_t i : {std::uint64_t{0}, std::uint64_t{1}, n / 2, n - 2, n - 1})
    BOOST_TEST(view.elements()[i] == element(i));
  BOOST_TEST((a.get<std::vector<double>>("/after") == std::vector<double>(300, 2.0)));
  BOOST_TEST(a.get<int>("/before") == 1);

  if (std::system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") == 0) {
    std::string script =
        "import zipfile, numpy as np, sys\n"
        "z = zipfile.ZipFile(sys.argv[1])\n"
        "info = z.getinfo('big.npy')\n"
        "assert info.file_size > 4 * 2**30, info.file_size\n"
        "f = z.open('big.npy')\n"
        "v = np.lib.format.read_magic(f); shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)\n"
        "assert shape == (" + std::to_string(n) + ",) and dtype == np.float32 and not fortran\n"
        "start = f.tell(); f.seek(start + 4 * (shape[0] - 1))\n"
        "last = np.frombuffer(f.read(4), dtype=np.float32)[0]\n"
        "assert last == np.float32(" + std::to_string(element(n - 1)) + "), last\n"
        "assert np.load(__import__('io').BytesIO(z.read('after.npy')))[299] == 2.0\n";
    std::ofstream(dir / "check.py") << script;
    BOOST_TEST(std::system(("/usr/bin/python3 " + (dir / "check.py").string() + " " + path.string()).c_str()) == 0);
  }
}

BOOST_AUTO_TEST_SUITE_END()
