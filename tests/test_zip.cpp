// Zip container layer: writer/reader round trips, Python reference fixtures,
// interoperability with real zip clients, hostile input, Zip64.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include "zanj/detail/zip_reader.hpp"
#include "zanj/detail/zip_writer.hpp"
#include "zanj/error.hpp"

namespace fs = std::filesystem;
using zanj::detail::zip_entry;
using zanj::detail::zip_member_options;
using zanj::detail::zip_method;
using zanj::detail::zip_reader;
using zanj::detail::zip_writer;
using bytes = std::vector<std::byte>;

namespace {

// ---- helpers ----

struct temp_dir {
  fs::path path;
  temp_dir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("zanj_test_zip_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path operator/(const std::string& name) const { return path / name; }
};

bytes to_bytes(std::string_view s) {
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  return bytes(p, p + s.size());
}

bytes random_bytes(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>(rng() & 0xFF);
  return out;
}

bytes compressible_bytes(std::size_t n) {
  const std::string_view words = "lorem ipsum dolor sit amet, consectetur adipiscing elit 0123456789\n";
  bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>(words[(i * 7 / 5) % words.size()]);
  return out;
}

bytes read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes out(chars.size());
  std::transform(chars.begin(), chars.end(), out.begin(), [](char c) { return static_cast<std::byte>(c); });
  return out;
}

void write_file(const fs::path& p, std::span<const std::byte> data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

void write_text(const fs::path& p, std::string_view text) { write_file(p, to_bytes(text)); }

// Opens an archive and reads every member (what a loader would do).
void open_and_read_all(const fs::path& p) {
  zip_reader reader(p);
  for (const zip_entry& e : reader.entries()) (void)reader.read(e);
}

// Predicate for BOOST_CHECK_EXCEPTION: the error names `file` and, if given, `member`.
auto names(const fs::path& file, std::string member = {}, std::string reason_part = {}) {
  return [file, member, reason_part](const zanj::error& e) {
    const std::string what = e.what();
    bool ok = e.file() == file && what.find(file.string()) != std::string::npos;
    if (!member.empty()) ok = ok && e.member() == member && what.find(member) != std::string::npos;
    if (!reason_part.empty()) ok = ok && what.find(reason_part) != std::string::npos;
    if (!ok) BOOST_TEST_MESSAGE("unexpected error: " << what);
    return ok;
  };
}

bool run(const std::string& command) {
  const int status = std::system(command.c_str());
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// ---- preconditions: these cases are skipped (not failed) when the tool is absent ----

const fs::path fixtures_root = fs::path(ZANJ_SHARED_DIR) / "fixtures" / "python-reference";

boost::test_tools::assertion_result fixtures_present(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(fs::is_directory(fixtures_root / "v0.6.0") &&
                                        fs::is_directory(fixtures_root / "v0.5.0"));
  r.message() << "python-reference fixtures not found under " << fixtures_root;
  return r;
}

boost::test_tools::assertion_result python_present(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(fs::exists("/usr/bin/python3"));
  r.message() << "/usr/bin/python3 not found";
  return r;
}

boost::test_tools::assertion_result zip_clients_present(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(fs::exists("/usr/bin/python3") && run("command -v unzip >/dev/null 2>&1"));
  r.message() << "/usr/bin/python3 or unzip not found";
  return r;
}

// Checks with Python's zipfile that `archive` passes testzip() and that its
// members are exactly `members` (name, content) in this order.
bool python_agrees(const temp_dir& dir, const fs::path& archive,
                   const std::vector<std::pair<std::string, bytes>>& members) {
  const fs::path expected = dir / "expected";
  fs::create_directories(expected);
  std::string names_txt;
  for (std::size_t i = 0; i < members.size(); ++i) {
    names_txt += members[i].first + "\n";
    write_file(expected / (std::to_string(i) + ".bin"), members[i].second);
  }
  write_text(expected / "names.txt", names_txt);
  write_text(dir / "check.py",
             "import os, sys, zipfile\n"
             "archive, expected = sys.argv[1], sys.argv[2]\n"
             "with open(os.path.join(expected, 'names.txt'), encoding='utf-8') as f:\n"
             "    names = f.read().split('\\n')[:-1]\n"
             "with zipfile.ZipFile(archive) as z:\n"
             "    assert z.testzip() is None\n"
             "    assert z.namelist() == names, (z.namelist(), names)\n"
             "    for i, name in enumerate(names):\n"
             "        with open(os.path.join(expected, f'{i}.bin'), 'rb') as f:\n"
             "            assert z.read(name) == f.read(), name\n");
  return run("/usr/bin/python3 " + quoted(dir / "check.py") + " " + quoted(archive) + " " + quoted(expected));
}

// A small archive with a deflated, a stored and a Zip64-local-extra member.
struct small_archive {
  fs::path path;
  std::vector<std::pair<std::string, bytes>> members;
  small_archive(const temp_dir& dir) : path(dir / "small.zip") {
    members = {{"a.json", to_bytes(std::string(20, ' ') + "{\"key\": [1, 2, 3], \"text\": \"hello hello hello\"}")},
               {"b.npy", random_bytes(100, 7)},
               {"c.bin", compressible_bytes(400)}};
    zip_writer w(path);
    w.add_member(members[0].first, members[0].second);
    w.add_member(members[1].first, members[1].second, {.method = zip_method::stored});
    w.add_member(members[2].first, members[2].second, {.zip64_local_extra = true});
    w.finish();
  }
};

// File offset of the central directory record of entry `index`.
std::size_t central_record_offset(const bytes& file, std::size_t index) {
  const std::byte* eocd = file.data() + file.size() - 22;
  std::size_t pos = zanj::detail::load_le32(eocd + 16);
  if (pos == 0xFFFFFFFF) {  // in the Zip64 end record, found through the locator
    const std::size_t record = zanj::detail::load_le64(eocd - 20 + 8);
    pos = zanj::detail::load_le64(file.data() + record + 48);
  }
  for (std::size_t i = 0; i < index; ++i)
    pos += 46 + zanj::detail::load_le16(file.data() + pos + 28) + zanj::detail::load_le16(file.data() + pos + 30) +
           zanj::detail::load_le16(file.data() + pos + 32);
  return pos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(zip)

// ---------------------------------------------------------------- round trips

BOOST_AUTO_TEST_CASE(round_trip_stored_and_deflated) {
  temp_dir dir;
  const fs::path file = dir / "round.zip";
  const bytes random = random_bytes(3 * 1024 * 1024 + 17, 1);
  const bytes text = compressible_bytes(5 * 1024 * 1024);
  const std::string utf8_name = "donn\xC3\xA9" "es/\xCF\x80 \xCE\xBB.npy";  // "données/π λ.npy"
  struct member {
    std::string name;
    bytes data;
    zip_member_options options;
  };
  std::vector<member> members = {
      {"empty_stored", {}, {.method = zip_method::stored}},
      {"empty_deflated", {}, {}},
      {"one_stored", {std::byte{0x42}}, {.method = zip_method::stored}},
      {"one_deflated", {std::byte{0x00}}, {}},
      {"random.bin", random, {}},
      {"random stored.bin", random, {.method = zip_method::stored}},
      {"text/compressible.txt", text, {.level = 9}},
      {"fast.txt", text, {.level = 1}},
      {utf8_name, to_bytes("utf-8 named"), {}},
      {"dir/sub dir/name.with.dots.npy", to_bytes("dots and spaces"), {}},
      {"a (1)", to_bytes("parens"), {.method = zip_method::stored}},
      {"aligned64.npy", random_bytes(1001, 2), {.method = zip_method::stored, .align = 64}},
      {"odd", to_bytes("xyz"), {.method = zip_method::stored}},
      {"aligned64_zip64.npy", random_bytes(999, 3), {.method = zip_method::stored, .zip64_local_extra = true, .align = 64}},
      {"aligned4096.npy", random_bytes(5000, 4), {.method = zip_method::stored, .align = 4096}},
      {"timed", to_bytes("timestamp"), {.dos_time = (13 << 11) | (14 << 5) | 15, .dos_date = (46 << 9) | (11 << 5) | 28}},
  };

  zip_writer writer(file);
  for (const member& m : members) {
    if (m.name == "random.bin") {
      // Many small writes through the buffer, then one larger than the buffer.
      writer.begin_member(m.name, m.options);
      const std::span<const std::byte> all(m.data);
      std::size_t pos = 0;
      for (; pos < 1000 * 1000; pos += 1000) writer.write(all.subspan(pos, 1000));
      writer.write(all.subspan(pos));
      writer.end_member();
    } else {
      writer.add_member(m.name, m.data, m.options);
    }
  }
  writer.finish();

  const zip_reader reader(file);
  BOOST_TEST(reader.path() == file);
  BOOST_REQUIRE_EQUAL(reader.entries().size(), members.size());
  BOOST_REQUIRE_EQUAL(writer.entries().size(), members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    const member& m = members[i];
    const zip_entry& e = reader.entries()[i];
    BOOST_TEST_CONTEXT("member " << m.name) {
      BOOST_TEST(e.name == m.name);
      BOOST_TEST(reader.find(m.name) == &e);
      BOOST_TEST(e.method == static_cast<std::uint16_t>(m.options.method));
      BOOST_TEST(e.uncompressed_size == m.data.size());
      BOOST_TEST(e.flags == (m.name == utf8_name ? 0x0800 : 0));
      BOOST_TEST(e.dos_time == m.options.dos_time);
      BOOST_TEST(e.dos_date == m.options.dos_date);
      const zip_entry& w = writer.entries()[i];
      BOOST_TEST(w.crc32 == e.crc32);
      BOOST_TEST(w.compressed_size == e.compressed_size);
      BOOST_TEST(w.local_header_offset == e.local_header_offset);
      BOOST_TEST(w.data_offset == e.data_offset);
      BOOST_CHECK(reader.read(e) == m.data);
      bytes into(m.data.size());
      reader.read_into(e, into);
      BOOST_CHECK(into == m.data);
      if (m.options.method == zip_method::stored) {
        const auto raw = reader.raw(e);
        BOOST_CHECK(std::equal(raw.begin(), raw.end(), m.data.begin(), m.data.end()));
      }
      if (m.options.align > 0) BOOST_TEST(e.data_offset % m.options.align == 0u);
    }
  }
  BOOST_TEST(reader.find("missing") == nullptr);
  BOOST_TEST(reader.find("text/") == nullptr);
  // Compressible data compresses; random data cannot grow much.
  BOOST_TEST(reader.find("text/compressible.txt")->compressed_size < text.size() / 10);
  BOOST_TEST(reader.find("random.bin")->compressed_size < random.size() + random.size() / 100);
  BOOST_TEST(reader.find("empty_stored")->crc32 == 0u);
  // Default timestamp is 1980-01-01 00:00:00, like the reference's externals.
  BOOST_TEST(reader.find("random.bin")->dos_date == 0x21);
  BOOST_TEST(reader.find("random.bin")->dos_time == 0);
}

BOOST_AUTO_TEST_CASE(writes_reference_header_fields) {
  temp_dir dir;
  const fs::path file = dir / "fields.zip";
  zip_writer writer(file);
  writer.add_member("x.npy", to_bytes("payload"), {.zip64_local_extra = true});
  writer.add_member("y.json", to_bytes("{}"), {.method = zip_method::stored});
  writer.finish();
  const bytes f = read_file(file);
  using zanj::detail::load_le16;
  using zanj::detail::load_le32;
  using zanj::detail::load_le64;
  // Local header of x.npy: version 20, no flags, deflate, 1980-01-01, Zip64 extra with the real sizes.
  BOOST_TEST(load_le32(f.data()) == 0x04034b50u);
  BOOST_TEST(load_le16(f.data() + 4) == 20);
  BOOST_TEST(load_le16(f.data() + 6) == 0);
  BOOST_TEST(load_le16(f.data() + 8) == 8);
  BOOST_TEST(load_le16(f.data() + 10) == 0);
  BOOST_TEST(load_le16(f.data() + 12) == 0x21);
  BOOST_TEST(load_le32(f.data() + 22) == 7u);
  BOOST_TEST(load_le16(f.data() + 28) == 20);
  BOOST_TEST(load_le16(f.data() + 30 + 5) == 1);
  BOOST_TEST(load_le16(f.data() + 30 + 5 + 2) == 16);
  BOOST_TEST(load_le64(f.data() + 30 + 5 + 4) == 7u);
  BOOST_TEST(load_le64(f.data() + 30 + 5 + 12) == load_le32(f.data() + 18));
  // Central entry: made by 0x0314, needs 20, mode 0600, no extra (nothing overflows).
  const std::size_t c = central_record_offset(f, 0);
  BOOST_TEST(load_le32(f.data() + c) == 0x02014b50u);
  BOOST_TEST(load_le16(f.data() + c + 4) == 0x0314);
  BOOST_TEST(load_le16(f.data() + c + 6) == 20);
  BOOST_TEST(load_le16(f.data() + c + 30) == 0);
  BOOST_TEST(load_le32(f.data() + c + 38) == 0x01800000u);
  // Plain EOCD with no comment, nothing after it.
  BOOST_TEST(load_le32(f.data() + f.size() - 22) == 0x06054b50u);
  BOOST_TEST(load_le16(f.data() + f.size() - 12) == 2);
}

BOOST_AUTO_TEST_CASE(writer_rejects_misuse) {
  temp_dir dir;
  const fs::path file = dir / "misuse.zip";
  zip_writer writer(file);
  writer.add_member("a", to_bytes("1"));
  BOOST_CHECK_EXCEPTION(writer.add_member("a", to_bytes("2")), zanj::error, names(file, "a", "duplicate"));
  BOOST_CHECK_EXCEPTION(writer.write(to_bytes("x")), zanj::error, names(file));
  BOOST_CHECK_EXCEPTION(writer.end_member(), zanj::error, names(file));
  BOOST_CHECK_EXCEPTION(writer.begin_member(""), zanj::error, names(file));
  BOOST_CHECK_EXCEPTION(writer.begin_member("big", {.align = 65536}), zanj::error, names(file, "big"));
  BOOST_CHECK_EXCEPTION(writer.begin_member("lvl", {.level = 12}), zanj::error, names(file, "lvl", "level"));
  writer.begin_member("open");
  BOOST_CHECK_EXCEPTION(writer.begin_member("other"), zanj::error, names(file, "other"));
  BOOST_CHECK_EXCEPTION(writer.finish(), zanj::error, names(file, "open"));
  writer.end_member();
  writer.finish();
  BOOST_CHECK_EXCEPTION(writer.finish(), zanj::error, names(file));
  BOOST_CHECK_EXCEPTION(writer.add_member("late", {}), zanj::error, names(file, "late"));
  BOOST_TEST(zip_reader(file).entries().size() == 2u);

  const fs::path unwritable = dir / "no" / "such" / "dir.zip";
  BOOST_CHECK_EXCEPTION(zip_writer{unwritable}, zanj::error, names(unwritable, {}, "cannot create"));
  const fs::path missing = dir / "missing.zip";
  BOOST_CHECK_EXCEPTION(zip_reader{missing}, zanj::error, names(missing));
  BOOST_CHECK_EXCEPTION(zip_reader{dir.path}, zanj::error, names(dir.path));
}

// ---------------------------------------------------------------- reference fixtures

BOOST_AUTO_TEST_CASE(reads_python_reference_fixtures, *boost::unit_test::precondition(fixtures_present)) {
  std::size_t archives = 0, members = 0, zip64_local_members = 0, stored_members = 0;
  for (const char* version : {"v0.5.0", "v0.6.0"}) {
    for (const auto& item : fs::directory_iterator(fixtures_root / version)) {
      if (item.path().extension() != ".zanj") continue;
      BOOST_TEST_CONTEXT(item.path()) {
        const zip_reader reader(item.path());
        ++archives;
        BOOST_TEST(reader.find("__zanj__.json") != nullptr);
        BOOST_TEST(reader.find("__zanj_meta__.json") != nullptr);
        const bytes file = read_file(item.path());
        for (const zip_entry& e : reader.entries()) {
          ++members;
          const bytes content = reader.read(e);  // verifies size and CRC-32
          BOOST_TEST(content.size() == e.uncompressed_size);
          bytes into(content.size());
          reader.read_into(e, into);
          BOOST_CHECK(into == content);
          if (e.method == 0) ++stored_members;
          // The reference puts a 16-byte Zip64 extra in the local header of externals only.
          const std::byte* local = file.data() + e.local_header_offset;
          const std::size_t name_size = zanj::detail::load_le16(local + 26);
          const std::size_t extra_size = zanj::detail::load_le16(local + 28);
          BOOST_TEST(e.data_offset == e.local_header_offset + 30 + name_size + extra_size);
          if (extra_size == 20 && zanj::detail::load_le16(local + 30 + name_size) == 0x0001) {
            ++zip64_local_members;
            BOOST_TEST(zanj::detail::load_le64(local + 30 + name_size + 4) == e.uncompressed_size);
            BOOST_TEST(zanj::detail::load_le64(local + 30 + name_size + 12) == e.compressed_size);
            BOOST_TEST((e.name.ends_with(".npy") || e.name.ends_with(".jsonl")));
            BOOST_TEST(e.dos_date == 0x21);
          }
          if (e.name == "__zanj_meta__.json") BOOST_TEST(std::to_integer<char>(content.at(0)) == '{');
        }
      }
    }
  }
  BOOST_TEST(archives >= 2u);
  BOOST_TEST_MESSAGE("fixtures: " << archives << " archives, " << members << " members, " << zip64_local_members
                                  << " with Zip64 local extra, " << stored_members << " stored");
  BOOST_TEST(zip64_local_members > 0u);
  BOOST_TEST(stored_members > 0u);
}

BOOST_AUTO_TEST_CASE(reproduces_reference_external_header, *boost::unit_test::precondition(fixtures_present)) {
  // Re-writing a reference external member with the reference's options gives the
  // same local header (up to the compressed size, which depends on the zlib build).
  const fs::path fixture = fixtures_root / "v0.6.0" / "array_float32.zanj";
  if (!fs::exists(fixture)) return;
  const zip_reader ref(fixture);
  const zip_entry* e = ref.find("large_vector.npy");
  BOOST_REQUIRE(e != nullptr);
  temp_dir dir;
  const fs::path file = dir / "mine.zip";
  zip_writer writer(file);
  writer.add_member(e->name, ref.read(*e), {.zip64_local_extra = true});
  writer.finish();
  const bytes ours = read_file(file);
  const bytes theirs = read_file(fixture);
  const std::size_t header_size = 30 + e->name.size() + 20;
  bytes a(ours.begin(), ours.begin() + header_size);
  bytes b(theirs.begin() + e->local_header_offset, theirs.begin() + e->local_header_offset + header_size);
  for (bytes* h : {&a, &b}) {  // blank the compressed sizes
    std::fill_n(h->begin() + 18, 4, std::byte{0});
    std::fill_n(h->begin() + 30 + e->name.size() + 12, 8, std::byte{0});
  }
  BOOST_CHECK(a == b);
}

// ---------------------------------------------------------------- real zip clients

BOOST_AUTO_TEST_CASE(python_and_unzip_read_our_archives, *boost::unit_test::precondition(zip_clients_present)) {
  temp_dir dir;
  const fs::path file = dir / "clients.zanj";
  const std::vector<std::pair<std::string, bytes>> members = {
      {"__zanj_meta__.json", to_bytes("{\"zanj_cfg\": {}}")},
      {"__zanj__.json", to_bytes("{\"a\": 1}")},
      {"stored.npy", random_bytes(10000, 5)},
      {"deflated.npy", compressible_bytes(200000)},
      {"zip64_local.npy", random_bytes(3000, 6)},
      {"aligned.npy", random_bytes(4096, 7)},
      {"nested/dir/x y.jsonl", to_bytes("[1, 2]\n[3]\n")},
      {"\xC3\xA9t\xC3\xA9.npy", to_bytes("utf8")},
      {"empty.jsonl", {}},
      {"noise.npy", random_bytes(150000, 9)},  // deflate as stored blocks
  };
  zip_writer writer(file);
  writer.add_member(members[0].first, members[0].second, {.dos_date = zanj::detail::dos_datetime_now().date});
  writer.add_member(members[1].first, members[1].second);
  writer.add_member(members[2].first, members[2].second, {.method = zip_method::stored});
  writer.add_member(members[3].first, members[3].second, {.zip64_local_extra = true});
  writer.add_member(members[4].first, members[4].second, {.method = zip_method::stored, .zip64_local_extra = true});
  writer.add_member(members[5].first, members[5].second, {.method = zip_method::stored, .align = 64});
  writer.add_member(members[6].first, members[6].second, {.zip64_local_extra = true});
  writer.add_member(members[7].first, members[7].second);
  writer.add_member(members[8].first, members[8].second, {.zip64_local_extra = true});
  writer.add_member(members[9].first, members[9].second);
  writer.finish();
  BOOST_TEST(zip_reader(file).find("noise.npy")->method == 8);
  BOOST_TEST(python_agrees(dir, file, members));
  BOOST_TEST(run("unzip -tq " + quoted(file) + " >/dev/null"));
}

BOOST_AUTO_TEST_CASE(reads_python_written_archives, *boost::unit_test::precondition(python_present)) {
  // Written to a pipe, zipfile cannot seek back and uses data descriptors (flag bit 3);
  // force_zip64 puts a Zip64 extra in the local header only.
  temp_dir dir;
  const fs::path file = dir / "python.zip";
  write_text(dir / "make.py",
             "import sys, zipfile\n"
             "with zipfile.ZipFile(sys.stdout.buffer, 'w') as z:\n"
             "    z.writestr('dd_deflated.txt', b'hello ' * 1000, compress_type=zipfile.ZIP_DEFLATED)\n"
             "    z.writestr('dd_stored.bin', bytes(range(256)), compress_type=zipfile.ZIP_STORED)\n"
             "    with z.open('forced64.bin', 'w', force_zip64=True) as f:\n"
             "        f.write(b'x' * 5000)\n"
             "    z.writestr('bz.txt', b'bzip' * 100, compress_type=zipfile.ZIP_BZIP2)\n");
  BOOST_REQUIRE(run("/usr/bin/python3 " + quoted(dir / "make.py") + " | cat > " + quoted(file)));
  const zip_reader reader(file);
  BOOST_REQUIRE_EQUAL(reader.entries().size(), 4u);
  const zip_entry* dd = reader.find("dd_deflated.txt");
  BOOST_REQUIRE(dd != nullptr);
  BOOST_TEST((dd->flags & 0x0008) != 0);
  std::string hello;
  for (int i = 0; i < 1000; ++i) hello += "hello ";
  BOOST_CHECK(reader.read(*dd) == to_bytes(hello));
  bytes all(256);
  for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<std::byte>(i);
  BOOST_CHECK(reader.read(*reader.find("dd_stored.bin")) == all);
  BOOST_CHECK(reader.read(*reader.find("forced64.bin")) == to_bytes(std::string(5000, 'x')));
  BOOST_CHECK_EXCEPTION(reader.read(*reader.find("bz.txt")), zanj::error,
                        names(file, "bz.txt", "unsupported compression method 12"));
}

// ---------------------------------------------------------------- Zip64

BOOST_AUTO_TEST_CASE(zip64_central_directory_forced, *boost::unit_test::precondition(python_present)) {
  temp_dir dir;
  const fs::path file = dir / "forced64.zip";
  const std::vector<std::pair<std::string, bytes>> members = {
      {"a.npy", random_bytes(777, 8)}, {"b.json", compressible_bytes(5000)}, {"c", {}}};
  zip_writer writer(file);
  writer.force_zip64_for_testing();
  writer.add_member(members[0].first, members[0].second, {.method = zip_method::stored, .zip64_local_extra = true});
  writer.add_member(members[1].first, members[1].second);
  writer.add_member(members[2].first, members[2].second, {.zip64_local_extra = true});
  writer.finish();

  const bytes f = read_file(file);
  // Zip64 end record + locator precede the EOCD, whose fields hold sentinels.
  BOOST_TEST(zanj::detail::load_le32(f.data() + f.size() - 22 - 20) == 0x07064b50u);
  BOOST_TEST(zanj::detail::load_le32(f.data() + f.size() - 22 - 20 - 56) == 0x06064b50u);
  BOOST_TEST(zanj::detail::load_le16(f.data() + f.size() - 22 + 10) == 0xFFFF);
  BOOST_TEST(zanj::detail::load_le32(f.data() + f.size() - 22 + 16) == 0xFFFFFFFFu);
  BOOST_TEST(zanj::detail::load_le32(f.data() + central_record_offset(f, 0) + 42) == 0xFFFFFFFFu);

  const zip_reader reader(file);
  BOOST_REQUIRE_EQUAL(reader.entries().size(), members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    BOOST_TEST(reader.entries()[i].name == members[i].first);
    BOOST_TEST(reader.entries()[i].local_header_offset == writer.entries()[i].local_header_offset);
    BOOST_CHECK(reader.read(reader.entries()[i]) == members[i].second);
  }
  BOOST_TEST(python_agrees(dir, file, members));
}

BOOST_AUTO_TEST_CASE(zip64_more_than_65535_members, *boost::unit_test::precondition(python_present)) {
  temp_dir dir;
  const fs::path file = dir / "many.zip";
  constexpr std::size_t count = 70000;
  zip_writer writer(file);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string s = std::to_string(i);
    writer.add_member("m/" + s, to_bytes(s), {.method = zip_method::stored});
  }
  writer.finish();
  const zip_reader reader(file);
  BOOST_REQUIRE_EQUAL(reader.entries().size(), count);
  for (std::size_t i : {std::size_t{0}, std::size_t{65534}, std::size_t{65535}, std::size_t{65536}, count - 1}) {
    const zip_entry* e = reader.find("m/" + std::to_string(i));
    BOOST_REQUIRE(e != nullptr);
    BOOST_CHECK(reader.read(*e) == to_bytes(std::to_string(i)));
  }
  write_text(dir / "many.py",
             "import sys, zipfile\n"
             "with zipfile.ZipFile(sys.argv[1]) as z:\n"
             "    assert len(z.infolist()) == 70000\n"
             "    assert z.testzip() is None\n"
             "    assert z.read('m/69999') == b'69999'\n");
  BOOST_TEST(run("/usr/bin/python3 " + quoted(dir / "many.py") + " " + quoted(file)));
}

// Slow (writes and inflates 4 GiB, needs 4 GiB of RAM): run explicitly with
// --run_test=zip/zip64_member_over_4gib.
BOOST_AUTO_TEST_CASE(zip64_member_over_4gib, *boost::unit_test::disabled()) {
  temp_dir dir;
  const fs::path file = dir / "huge.zip";
  const std::uint64_t size = (std::uint64_t{1} << 32) + 1000;
  const bytes chunk(std::size_t{64} << 20, std::byte{0});
  const auto write_zeros = [&](zip_writer& w) {
    for (std::uint64_t left = size; left > 0;) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
      w.write(std::span<const std::byte>(chunk).first(n));
      left -= n;
    }
  };
  {
    zip_writer w(dir / "refused.zip");  // without a Zip64 local extra the local header cannot hold the sizes
    w.begin_member("big.bin", {.level = 1});
    write_zeros(w);
    BOOST_CHECK_EXCEPTION(w.end_member(), zanj::error, names(dir / "refused.zip", "big.bin", "4 GiB"));
  }
  zip_writer writer(file);
  writer.add_member("first.txt", to_bytes("before"));
  writer.begin_member("big.bin", {.level = 1, .size_hint = size});
  write_zeros(writer);
  writer.end_member();
  writer.add_member("last.txt", to_bytes("after"));
  writer.finish();

  const bytes head = [&] {
    std::ifstream in(file, std::ios::binary);
    std::vector<char> c(200);
    in.seekg(static_cast<std::streamoff>(writer.entries()[1].local_header_offset));
    in.read(c.data(), 200);
    bytes out(200);
    std::transform(c.begin(), c.end(), out.begin(), [](char x) { return static_cast<std::byte>(x); });
    return out;
  }();
  BOOST_TEST(zanj::detail::load_le16(head.data() + 4) == 45);            // version needed
  BOOST_TEST(zanj::detail::load_le32(head.data() + 22) == 0xFFFFFFFFu);  // uncompressed size in the extra
  BOOST_TEST(zanj::detail::load_le64(head.data() + 30 + 7 + 4) == size);

  const zip_reader reader(file);
  const zip_entry* big = reader.find("big.bin");
  BOOST_REQUIRE(big != nullptr);
  BOOST_TEST(big->uncompressed_size == size);
  bytes content(static_cast<std::size_t>(size), std::byte{1});
  reader.read_into(*big, content);
  BOOST_TEST(std::all_of(content.begin(), content.end(), [](std::byte b) { return b == std::byte{0}; }));
  BOOST_CHECK(reader.read(*reader.find("last.txt")) == to_bytes("after"));
  if (fs::exists("/usr/bin/python3")) {
    write_text(dir / "huge.py",
               "import sys, zipfile\n"
               "with zipfile.ZipFile(sys.argv[1]) as z:\n"
               "    assert z.testzip() is None\n"
               "    assert z.getinfo('big.bin').file_size == (1 << 32) + 1000\n"
               "    assert z.read('last.txt') == b'after'\n");
    BOOST_TEST(run("/usr/bin/python3 " + quoted(dir / "huge.py") + " " + quoted(file)));
  }
}

// ---------------------------------------------------------------- corrupt input

BOOST_AUTO_TEST_CASE(rejects_truncated_archives) {
  temp_dir dir;
  const small_archive archive(dir);
  const bytes good = read_file(archive.path);
  open_and_read_all(archive.path);  // sanity: the intact archive reads
  const fs::path cut = dir / "cut.zip";
  for (std::size_t size = 0; size < good.size(); size += 7) {
    BOOST_TEST_CONTEXT("truncated to " << size << " of " << good.size() << " bytes") {
      write_file(cut, std::span<const std::byte>(good).first(size));
      BOOST_CHECK_EXCEPTION(open_and_read_all(cut), zanj::error, names(cut));
    }
  }
  write_file(cut, {});
  BOOST_CHECK_EXCEPTION(open_and_read_all(cut), zanj::error, names(cut, {}, "not a zip archive"));
}

BOOST_AUTO_TEST_CASE(rejects_corrupt_payloads_and_headers) {
  temp_dir dir;
  const small_archive archive(dir);
  const bytes good = read_file(archive.path);
  const zip_reader original(archive.path);
  const zip_entry& a = *original.find("a.json");  // deflated
  const zip_entry& b = *original.find("b.npy");   // stored
  const fs::path bad = dir / "bad.zip";
  const auto corrupt = [&](auto&& edit) {
    bytes copy = good;
    edit(copy);
    write_file(bad, copy);
  };
  using zanj::detail::store_le;

  // Flipped payload byte in a stored member: CRC mismatch naming the member.
  corrupt([&](bytes& f) { f[b.data_offset + 50] ^= std::byte{0x10}; });
  {
    const zip_reader r(bad);
    BOOST_CHECK_EXCEPTION(r.read(*r.find("b.npy")), zanj::error, names(bad, "b.npy", "CRC-32 mismatch"));
    BOOST_CHECK(r.read(*r.find("a.json")) == archive.members[0].second);  // others unaffected
  }
  // Flipped byte in a deflated member: inflate error or CRC mismatch, naming the member.
  for (std::size_t k = 0; k < a.compressed_size; ++k) {
    corrupt([&](bytes& f) { f[a.data_offset + k] ^= std::byte{0x01}; });
    const zip_reader r(bad);
    BOOST_CHECK_EXCEPTION(r.read(*r.find("a.json")), zanj::error, names(bad, "a.json"));
  }
  // Bad local header signature.
  corrupt([&](bytes& f) { f[b.local_header_offset] = std::byte{'X'}; });
  BOOST_CHECK_EXCEPTION(zip_reader{bad}, zanj::error, names(bad, "b.npy", "local header signature"));
  // Local header name differing from the central one.
  corrupt([&](bytes& f) { f[b.local_header_offset + 30] = std::byte{'q'}; });
  BOOST_CHECK_EXCEPTION(zip_reader{bad}, zanj::error, names(bad, "b.npy", "name"));
  // Central directory offset past EOF, and inside the wrong place.
  corrupt([&](bytes& f) { store_le(f.data() + f.size() - 22 + 16, f.size() + 100, 4); });
  BOOST_CHECK_EXCEPTION(zip_reader{bad}, zanj::error, names(bad, {}, "central directory"));
  corrupt([&](bytes& f) { store_le(f.data() + f.size() - 22 + 16, 0, 4); });
  BOOST_CHECK_EXCEPTION(zip_reader{bad}, zanj::error, names(bad));
  // Absurd entry count.
  corrupt([&](bytes& f) {
    store_le(f.data() + f.size() - 22 + 8, 0xFFFE, 2);
    store_le(f.data() + f.size() - 22 + 10, 0xFFFE, 2);
  });
  BOOST_CHECK_EXCEPTION(zip_reader{bad}, zanj::error, names(bad));
  // Lying uncompressed sizes (central directory is authoritative).
  const std::size_t a_central = central_record_offset(good, 0), b_central = central_record_offset(good, 1);
  corrupt([&](bytes& f) { store_le(f.data() + a_central + 24, 0xFFFFFFF0u, 4); });
  {
    const zip_reader r(bad);  // opening is fine; reading refuses before allocating 4 GiB
    BOOST_CHECK_EXCEPTION(r.read(*r.find("a.json")), zanj::error, names(bad, "a.json", "(options.limits.max_compression_ratio)"));
  }
  for (const int delta : {+1, -1}) {
    corrupt([&](bytes& f) { store_le(f.data() + a_central + 24, a.uncompressed_size + delta, 4); });
    const zip_reader r(bad);
    BOOST_CHECK_EXCEPTION(r.read(*r.find("a.json")), zanj::error, names(bad, "a.json"));
    corrupt([&](bytes& f) { store_le(f.data() + b_central + 24, b.uncompressed_size + delta, 4); });
    const zip_reader r2(bad);
    BOOST_CHECK_EXCEPTION(r2.read(*r2.find("b.npy")), zanj::error, names(bad, "b.npy"));
  }
  // Lying compressed size: data would extend past the members.
  corrupt([&](bytes& f) { store_le(f.data() + b_central + 20, 0x7FFFFFFF, 4); });
  BOOST_CHECK_EXCEPTION(zip_reader{bad}, zanj::error, names(bad, "b.npy"));
  // Encrypted flag, unknown method.
  corrupt([&](bytes& f) { f[b_central + 8] |= std::byte{1}; });
  BOOST_CHECK_EXCEPTION(zip_reader{bad}, zanj::error, names(bad, "b.npy", "encrypted"));
  corrupt([&](bytes& f) { store_le(f.data() + b_central + 10, 99, 2); });
  {
    const zip_reader r(bad);  // unsupported methods fail only when read
    BOOST_CHECK_EXCEPTION(r.read(*r.find("b.npy")), zanj::error, names(bad, "b.npy", "method 99"));
  }
  // Wrong destination size for read_into.
  bytes small(3);
  BOOST_CHECK_EXCEPTION(original.read_into(b, small), zanj::error, names(archive.path, "b.npy"));
}

BOOST_AUTO_TEST_CASE(rejects_duplicate_names) {
  temp_dir dir;
  const fs::path file = dir / "dup.zip";
  {
    zip_writer w(file);
    w.add_member("same", to_bytes("1"));
    w.add_member("sam2", to_bytes("2"));
    w.finish();
  }
  bytes f = read_file(file);
  const std::size_t c = central_record_offset(f, 1);
  f[c + 46 + 3] = std::byte{'e'};  // central name "sam2" -> "same"
  write_file(file, f);
  BOOST_CHECK_EXCEPTION(zip_reader{file}, zanj::error, names(file, "same", "duplicate"));
}

// Names without the UTF-8 flag are code page 437, as Python's zipfile reads
// them (and as old DOS-era tools wrote them); flagged names must be UTF-8.
BOOST_AUTO_TEST_CASE(member_names_cp437_unless_flagged_utf8) {
  temp_dir dir;
  const fs::path file = dir / "names.zip";
  {
    zip_writer w(file);
    w.add_member("caf?.txt", to_bytes("unflagged"));       // ASCII: written without the flag
    w.add_member("r\xc3\xa9sum\xc3\xa9", to_bytes("flagged"));  // not ASCII: written with it
    w.finish();
  }
  bytes f = read_file(file);
  for (std::size_t at : {std::size_t{30 + 3}, central_record_offset(f, 0) + 46 + 3})
    f[at] = std::byte{0x82};  // '?' -> CP437 0x82, e with acute accent
  write_file(file, f);
  {
    const zip_reader r(file);
    BOOST_REQUIRE_EQUAL(r.entries().size(), 2u);
    BOOST_TEST(r.entries()[0].name == "caf\xc3\xa9.txt");
    BOOST_TEST(r.entries()[1].name == "r\xc3\xa9sum\xc3\xa9");
    BOOST_REQUIRE(r.find("caf\xc3\xa9.txt") != nullptr);
    const bytes content = r.read(*r.find("caf\xc3\xa9.txt"));
    BOOST_TEST(std::string(reinterpret_cast<const char*>(content.data()), content.size()) == "unflagged");
  }
  if (fs::exists("/usr/bin/python3")) {  // Python decodes the names the same way
    write_text(dir / "names.py",
               "import sys, zipfile\n"
               "names = zipfile.ZipFile(sys.argv[1]).namelist()\n"
               "assert names == ['caf\\u00e9.txt', 'r\\u00e9sum\\u00e9'], names\n");
    BOOST_TEST(run("/usr/bin/python3 " + quoted(dir / "names.py") + " " + quoted(file)));
  }
  // The flag set on bytes that are not UTF-8.
  const std::size_t second = central_record_offset(f, 1);
  f[second + 46 + 2] = std::byte{0xFF};
  write_file(file, f);
  BOOST_CHECK_EXCEPTION(zip_reader{file}, zanj::error,
                        names(file, "r\\xc3\\xffsum\xc3\xa9", "not valid UTF-8, although its UTF-8 flag is set"));
}

BOOST_AUTO_TEST_CASE(survives_every_single_byte_corruption) {
  // Every byte of a small archive, altered three ways: opening and reading
  // either succeeds or throws zanj::error -- nothing else, no crash (run
  // under ASan/valgrind to also catch out-of-bounds reads).
  temp_dir dir;
  const small_archive archive(dir);
  const bytes good = read_file(archive.path);
  const fs::path bad = dir / "fuzz.zip";
  std::size_t rejected = 0, accepted = 0;
  for (std::size_t pos = 0; pos < good.size(); ++pos) {
    for (const std::byte mask : {std::byte{0x01}, std::byte{0x80}, std::byte{0xFF}}) {
      bytes copy = good;
      copy[pos] ^= mask;
      write_file(bad, copy);
      try {
        open_and_read_all(bad);
        ++accepted;
      } catch (const zanj::error& e) {
        ++rejected;
        BOOST_CHECK(e.file() == bad);
      }
    }
  }
  BOOST_TEST_MESSAGE("single-byte corruptions: " << rejected << " rejected, " << accepted << " accepted");
  BOOST_TEST(rejected > good.size());
}

BOOST_AUTO_TEST_CASE(finds_eocd_after_comment_and_rejects_trailing_garbage) {
  temp_dir dir;
  const small_archive archive(dir);
  bytes f = read_file(archive.path);
  const std::string comment(1000, 'c');
  zanj::detail::store_le(f.data() + f.size() - 2, comment.size(), 2);
  const bytes c = to_bytes(comment);
  f.insert(f.end(), c.begin(), c.end());
  const fs::path commented = dir / "commented.zip";
  write_file(commented, f);
  open_and_read_all(commented);
  BOOST_TEST(zip_reader(commented).entries().size() == 3u);
  f.push_back(std::byte{0});  // comment length no longer reaches the end
  write_file(commented, f);
  BOOST_CHECK_EXCEPTION(zip_reader{commented}, zanj::error, names(commented, {}, "not a zip archive"));
}

// ---------------------------------------------------------------- fast paths: chunks, samples, CRC

/// A 16-bit signal with small noise: compresses to about half, like W7.
bytes signal_bytes(std::size_t n) {
  bytes out(n);
  std::mt19937_64 rng(11);
  for (std::size_t i = 0; i + 1 < n; i += 2) {
    const auto v = static_cast<std::uint16_t>(static_cast<int>(1000.0 * std::sin(double(i / 2) * 0.001)) +
                                              static_cast<int>(rng() >> 62));
    out[i] = static_cast<std::byte>(v & 0xFF);
    out[i + 1] = static_cast<std::byte>(v >> 8);
  }
  return out;
}

/// zlib's own inflate of a raw deflate stream (what any zip reader does).
bytes zlib_inflate(std::span<const std::byte> in, std::size_t size) {
  bytes out(size + 1);
  z_stream z{};
  BOOST_REQUIRE(inflateInit2(&z, -15) == Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  out.resize(z.total_out);
  inflateEnd(&z);
  BOOST_TEST(rc == Z_STREAM_END);
  return out;
}

BOOST_AUTO_TEST_CASE(crc32_of_pieces_concatenates) {
  const bytes data = random_bytes(100003, 21);
  const std::span<const std::byte> all(data);
  const std::uint32_t whole = zanj::detail::crc32_update(0, all);
  BOOST_TEST(whole == static_cast<std::uint32_t>(::crc32(0, reinterpret_cast<const Bytef*>(data.data()), uInt(data.size()))));
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{4096}, std::size_t{99999}, data.size()}) {
    const std::uint32_t a = zanj::detail::crc32_update(0, all.first(cut));
    const std::uint32_t b = zanj::detail::crc32_update(0, all.subspan(cut));
    BOOST_TEST(zanj::detail::crc32_concat(a, b, data.size() - cut) == whole, "cut at " << cut);
  }
  BOOST_TEST(zanj::detail::crc32_concat(whole, 0, 0) == whole);
}

// A large member deflated on every core is one stream: zlib inflates it
// whole, our reader inflates it chunk by chunk, Python's zipfile reads it.
BOOST_AUTO_TEST_CASE(chunked_deflate_is_one_valid_stream) {
  temp_dir dir;
  const fs::path file = dir / "chunked.zip";
  const bytes data = signal_bytes((std::size_t{40} << 20) + 12345);  // 5 chunks of 8 MiB and a short one
  const bytes head = to_bytes("a header in its own piece");
  bytes whole = head;
  whole.insert(whole.end(), data.begin(), data.end());
  {
    zip_writer writer(file);
    const std::span<const std::byte> pieces[] = {head, data};
    writer.add_member_pieces("big.npy", pieces, {.zip64_local_extra = true});
    writer.add_member("small.json", to_bytes("{}"));
    writer.finish();
  }
  zip_reader reader(file);
  const zip_entry& e = *reader.find("big.npy");
  BOOST_TEST(e.method == 8);
  BOOST_TEST(e.uncompressed_size == whole.size());
  BOOST_TEST(e.compressed_size < whole.size() * 6 / 10);
  if (zanj::detail::worker_count() > 1) {
    BOOST_TEST(e.chunk_size == (std::uint64_t{8} << 20));
    BOOST_TEST(e.chunk_sizes.size() == 6u);
  }
  BOOST_TEST(e.crc32 == zanj::detail::crc32_update(0, whole));
  BOOST_CHECK(zlib_inflate(reader.raw(e), whole.size()) == whole);
  BOOST_CHECK(reader.read(e) == whole);
  // Into pieces: a header buffer, then the data's own memory.
  bytes h(head.size()), d(data.size());
  const std::span<std::byte> outs[] = {h, d};
  reader.read_into(e, outs);
  BOOST_CHECK(h == head);
  BOOST_CHECK(d == data);
  if (fs::exists("/usr/bin/python3"))
    BOOST_TEST(python_agrees(dir, file, {{"big.npy", whole}, {"small.json", to_bytes("{}")}}));
}

// The chunk map only speeds reading up: one that lies is ignored or
// overruled by reading the member as one stream.
BOOST_AUTO_TEST_CASE(a_wrong_chunk_map_does_not_change_what_is_read) {
  if (zanj::detail::worker_count() < 2) return;  // no chunks written on one core
  temp_dir dir;
  const fs::path file = dir / "chunked.zip";
  const bytes data = signal_bytes(std::size_t{20} << 20);  // 3 chunks
  {
    zip_writer writer(file);
    writer.add_member("big.bin", data);
    writer.finish();
  }
  std::uint64_t map_at = 0;
  {
    zip_reader reader(file);
    const zip_entry& e = *reader.find("big.bin");
    BOOST_REQUIRE(e.chunk_sizes.size() == 3u);
    // The map's field: after the name, the Zip64 extra is absent here: id, size, u64 chunk size, sizes.
    const bytes f = read_file(file);
    for (std::uint64_t at = e.local_header_offset + 30 + 7; at + 4 < e.data_offset; ++at)
      if (zanj::detail::load_le16(f.data() + at) == zanj::detail::zip_chunk_map_extra_id) map_at = at;
    BOOST_REQUIRE(map_at != 0);
  }
  const bytes original = read_file(file);
  auto check = [&](const char* what, auto&& tamper) {
    bytes f = original;
    tamper(f);
    const fs::path bad = dir / "tampered.zip";
    write_file(bad, f);
    zip_reader reader(bad);
    BOOST_CHECK_MESSAGE(reader.read(*reader.find("big.bin")) == data, what);
  };
  using zanj::detail::load_le32;
  using zanj::detail::store_le;
  check("two sizes swapped (same sum)", [&](bytes& f) {
    const std::uint32_t a = load_le32(f.data() + map_at + 12), b = load_le32(f.data() + map_at + 16);
    store_le(f.data() + map_at + 12, b, 4);
    store_le(f.data() + map_at + 16, a, 4);
  });
  check("sizes moved by one byte (same sum)", [&](bytes& f) {
    store_le(f.data() + map_at + 12, load_le32(f.data() + map_at + 12) - 1, 4);
    store_le(f.data() + map_at + 16, load_le32(f.data() + map_at + 16) + 1, 4);
  });
  check("a sum that does not match", [&](bytes& f) { store_le(f.data() + map_at + 12, 1, 4); });
  check("a chunk size that does not match the count", [&](bytes& f) { store_le(f.data() + map_at + 4, 1 << 20, 8); });
  {
    zip_reader reader(file);
    bytes f = original;
    const zip_entry& e = *reader.find("big.bin");
    f[e.data_offset + e.chunk_sizes[0] + 100] ^= std::byte{0x55};  // corrupt the second chunk's data
    const fs::path bad = dir / "corrupt.zip";
    write_file(bad, f);
    zip_reader corrupt(bad);
    BOOST_CHECK_THROW(corrupt.read(*corrupt.find("big.bin")), zanj::error);
  }
}

// Deflating what does not shrink costs time for nothing: large members whose
// sample deflate would not shrink by 15% are stored; small ones keep the
// method deflate, as the reference writes them, but their stream is stored
// blocks (5 bytes of header per 65535), which inflate at the cost of a copy.
BOOST_AUTO_TEST_CASE(incompressible_large_members_are_stored) {
  temp_dir dir;
  const fs::path file = dir / "sampled.zip";
  const bytes noise = random_bytes(std::size_t{2} << 20, 31);
  const bytes small_noise = random_bytes(std::size_t{1} << 19, 32);
  const bytes text = compressible_bytes(std::size_t{2} << 20);
  {
    zip_writer writer(file);
    writer.add_member("noise.npy", noise, {.align = 64});
    writer.add_member("small_noise.npy", small_noise);
    writer.add_member("text.jsonl", text);
    writer.finish();
  }
  zip_reader reader(file);
  BOOST_TEST(reader.find("noise.npy")->method == 0);
  BOOST_TEST(reader.find("noise.npy")->data_offset % 64 == 0u);  // stored: aligned as asked
  BOOST_TEST(reader.find("small_noise.npy")->method == 8);
  BOOST_TEST(reader.find("small_noise.npy")->compressed_size == small_noise.size() + 5 * (small_noise.size() / 65535 + 1));
  BOOST_TEST(reader.find("text.jsonl")->method == 8);
  BOOST_TEST(reader.find("text.jsonl")->compressed_size < text.size() / 10);
  BOOST_CHECK(reader.read(*reader.find("noise.npy")) == noise);
  BOOST_CHECK(reader.read(*reader.find("small_noise.npy")) == small_noise);
  BOOST_CHECK(reader.read(*reader.find("text.jsonl")) == text);
}

// A large stored member is written while another core computes its CRC.
BOOST_AUTO_TEST_CASE(large_stored_members_round_trip) {
  temp_dir dir;
  const fs::path file = dir / "stored.zip";
  const bytes data = random_bytes((std::size_t{24} << 20) + 3, 41);
  const bytes head = to_bytes("head");
  {
    zip_writer writer(file);
    const std::span<const std::byte> pieces[] = {head, data};
    writer.add_member_pieces("big.npy", pieces, {.method = zip_method::stored, .align = 64});
    writer.finish();
  }
  zip_reader reader(file);
  const zip_entry& e = *reader.find("big.npy");
  bytes whole = head;
  whole.insert(whole.end(), data.begin(), data.end());
  BOOST_TEST(e.data_offset % 64 == 0u);
  BOOST_TEST(e.crc32 == zanj::detail::crc32_update(0, whole));
  BOOST_CHECK(reader.read(e) == whole);
  BOOST_TEST(fs::file_size(file) < whole.size() + 4096);  // no space left allocated past the end
}

BOOST_AUTO_TEST_SUITE_END()
