// Bad input never crashes and never loses data: corrupt, truncated and
// hostile files give a zanj::error naming the file, the object path and the
// member involved; a failed save leaves any existing file untouched and no
// temporary behind; error_mode warn/ignore replace what cannot be saved.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <zanj/detail/zip_writer.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using zanj_test::member_names;
using zanj_test::member_text;
using zanj_test::message_has;
using zanj_test::scratch_dir;
using bytes = std::vector<std::byte>;

namespace {

// ---- test types ----

struct with_array {
  std::string name;
  std::vector<double> arr;
  int q = 0;
  bool operator==(const with_array&) const = default;
};

struct box {
  std::vector<with_array> container;
  bool operator==(const box&) const = default;
};

struct basic {
  std::string a;
  int q = 42;
  std::vector<int> c;
  bool operator==(const basic&) const = default;
};

struct outer {
  std::vector<basic> container;
};

struct small_ints {
  std::uint8_t u8 = 0;
  int q = 0;
};

struct listed {
  std::vector<int> L;
};

struct strings {
  std::vector<std::string> L;
};

struct fixed_pair {
  std::array<int, 2> p{};
};

/// Its zanj_traits save throws std::runtime_error when `fail` is set.
struct thrower {
  bool fail = true;
  int v = 7;
};

struct inner_t {
  int ok = 1;
  thrower bad;
};

struct outer_t {
  inner_t inner;
  std::string name = "kept";
};

struct holder {
  std::vector<double> big;
  thrower t;
};

}  // namespace

template <>
struct zanj::zanj_traits<thrower> {
  static int save(const thrower& t) {
    if (t.fail) throw std::runtime_error("thrower refused to serialize");
    return t.v;
  }
};

namespace {

/// A sequence whose iterator throws when item `throw_at` is reached, after
/// the earlier items (big arrays) have been saved and registered as externals.
class flaky_seq {
 public:
  using value_type = std::vector<double>;

  class iterator {
   public:
    using value_type = std::vector<double>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const flaky_seq* s, std::size_t i) : s_(s), i_(i) {}
    const value_type& operator*() const {
      if (i_ == s_->throw_at) throw std::runtime_error("flaky_seq broke while iterating");
      return s_->items[i_];
    }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++i_;
      return old;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }

   private:
    const flaky_seq* s_ = nullptr;
    std::size_t i_ = 0;
  };

  std::vector<std::vector<double>> items;
  std::size_t throw_at = 1;

  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, items.size()}; }
  void push_back(const value_type& v) { items.push_back(v); }
  void clear() { items.clear(); }
};

struct with_flaky {
  flaky_seq items;
  int after = 5;
};

// ---- helpers ----

bytes to_bytes(std::string_view s) {
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  return bytes(p, p + s.size());
}

bytes file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return to_bytes(s);
}

void write_file(const fs::path& p, std::span<const std::byte> data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

void write_file(const fs::path& p, std::string_view text) { write_file(p, to_bytes(text)); }

/// Overwrites one byte in place (much cheaper than rewriting the file).
void put_byte(const fs::path& p, std::size_t at, std::byte b) {
  std::fstream f(p, std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(static_cast<std::streamoff>(at));
  f.put(static_cast<char>(b));
}

std::vector<std::string> folder_listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// A member of a hand-made archive.
struct member {
  std::string name;
  bytes content;
  bool compress = false;
};

member text_member(std::string name, std::string_view text, bool compress = false) {
  return {std::move(name), to_bytes(text), compress};
}

/// Writes an archive member by member, as given.
void write_zip(const fs::path& file, const std::vector<member>& members) {
  zanj::detail::zip_writer zip(file);
  for (auto& m : members) {
    zanj::detail::zip_member_options o;
    o.method = m.compress ? zanj::detail::zip_method::deflated : zanj::detail::zip_method::stored;
    zip.add_member(m.name, m.content, o);
  }
  zip.finish();
}

/// An archive with metadata, the given document, and extra members.
void write_document(const fs::path& file, std::string_view document, std::vector<member> extra = {}) {
  std::vector<member> members{text_member("__zanj_meta__.json", "{}"), text_member("__zanj__.json", document)};
  for (auto& m : extra) members.push_back(std::move(m));
  write_zip(file, members);
}

/// Copies every member of `src` into `dst`, replacing the content of the
/// members named in `replace` (nullopt drops the member).
void rewrite_zip(const fs::path& src, const fs::path& dst, const std::map<std::string, std::optional<bytes>>& replace) {
  std::vector<member> members;
  {
    zanj::detail::zip_reader zip(src);
    for (auto& e : zip.entries()) {
      auto it = replace.find(e.name);
      if (it == replace.end())
        members.push_back({e.name, zip.read(e), false});
      else if (it->second)
        members.push_back({e.name, *it->second, false});
    }
  }
  write_zip(dst, members);
}

/// A .npy file with exactly the given header dict and data bytes.
bytes make_npy(std::string_view dict, std::span<const std::byte> data) {
  std::string header(dict);
  const std::size_t prefix = 10;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\0';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  bytes result = to_bytes(out);
  result.insert(result.end(), data.begin(), data.end());
  return result;
}

bytes doubles_bytes(std::size_t n, double start = 0.0) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = start + static_cast<double>(i);
  bytes out(n * sizeof(double));
  std::memcpy(out.data(), v.data(), out.size());
  return out;
}

std::vector<double> ramp(std::size_t n, double start = 0.0) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = start + 0.5 * static_cast<double>(i);
  return v;
}

with_array sample() { return {"sample", ramp(300), 3}; }

/// A document whose "arr" field is an external .npy reference.
std::string external_doc(std::string_view member_name = "arr.npy", std::string_view shape = "[300]",
                         std::string_view dtype = "float64") {
  return R"j({"__muutils_format__": "with_array(SerializableDataclass)", "name": "x", "arr": )j"
         R"({"__muutils_format__": "numpy.ndarray:external", "$ref": ")" +
         std::string(member_name) + R"(", "shape": )" + std::string(shape) + R"(, "dtype": ")" + std::string(dtype) +
         R"(", "n_elements": 300}, "q": 1})";
}

/// A predicate: the error's file() is `file` and its message has every part.
auto error_at(const fs::path& file, std::initializer_list<std::string> parts) {
  auto has = message_has(parts);
  return [file, has](const zanj::error& e) {
    if (e.file() != file) {
      std::cerr << "error names file '" << e.file().string() << "', expected '" << file.string() << "': " << e.what()
                << "\n";
      return false;
    }
    return has(e);
  };
}

/// Reads `file` as T, expecting a zanj::error naming the file; returns the
/// error's message or, when something else happens, a description of it.
template <class T>
std::string read_expecting_error(const fs::path& file) {
  try {
    (void)zanj::read<T>(file);
    return "<no error>";
  } catch (const zanj::error& e) {
    if (e.file() != file) return "<error names another file: " + std::string(e.what()) + ">";
    if (std::string(e.what()).find(file.string()) == std::string::npos)
      return "<message lacks the file name: " + std::string(e.what()) + ">";
    return e.what();
  } catch (const std::exception& e) {
    return "<foreign exception: " + std::string(e.what()) + ">";
  } catch (...) {
    return "<unknown exception>";
  }
}

bool is_failure_marker(const std::string& s) { return s.starts_with("<"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(errors)

// ---------------------------------------------------------------------------
// 1. Truncated archives
// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(truncated_archive_at_every_section_boundary) {
  scratch_dir dir;
  for (bool compress : {false, true}) {
    BOOST_TEST_CONTEXT("compress=" << compress) {
      zanj::options o;
      o.compress = compress;
      const fs::path full = zanj::save(sample(), dir / "full.zanj", o);
      const bytes original = file_bytes(full);
      const std::size_t size = original.size();

      // Section boundaries, from the intact archive.
      std::set<std::size_t> cuts{0, 1, 4, 21, 22};
      {
        zanj::detail::zip_reader zip(full);
        BOOST_REQUIRE(zip.find("arr.npy") != nullptr);
        for (auto& e : zip.entries()) {
          const std::size_t lh = e.local_header_offset, data = e.data_offset, len = e.compressed_size;
          for (std::size_t d : {0, 1, 4, 14, 18, 26, 29, 30, 31}) cuts.insert(lh + d);
          for (std::size_t d : {std::size_t{0}, std::size_t{1}, len / 2, len - 1, len}) cuts.insert(data + d);
        }
      }
      const std::size_t eocd = size - 22;  // no archive comment
      std::size_t cd_offset = 0;
      for (int i = 3; i >= 0; --i)
        cd_offset = (cd_offset << 8) | std::to_integer<std::size_t>(original[eocd + 16 + static_cast<std::size_t>(i)]);
      BOOST_REQUIRE_LT(cd_offset, eocd);
      for (std::size_t d : {0, 1, 4, 46, 47}) cuts.insert(cd_offset + d);
      cuts.insert((cd_offset + eocd) / 2);
      for (std::size_t d : {0, 1, 4, 10, 12, 16, 20, 21}) cuts.insert(eocd + d);
      for (std::size_t i = 0; i < 20; ++i) cuts.insert(size * i / 20);

      const fs::path cut_file = dir / "cut.zanj";
      for (std::size_t cut : cuts) {
        if (cut >= size) continue;
        write_file(cut_file, std::span(original).first(cut));
        const std::string outcome = read_expecting_error<with_array>(cut_file);
        BOOST_TEST_CONTEXT("truncated at " << cut << " of " << size) {
          BOOST_TEST(!is_failure_marker(outcome), outcome);
        }
      }
    }
  }
}

// Cutting bytes out of the middle (the directory then points at the wrong
// places) and flipping each byte in turn must give an error or, when the
// damage hit a field nobody reads, the intact value -- never other data.
BOOST_AUTO_TEST_CASE(excised_and_flipped_bytes_never_yield_wrong_data) {
  scratch_dir dir;
  zanj::options o;
  o.compress = false;
  const with_array expected = sample();
  const fs::path full = zanj::save(expected, dir / "full.zanj", o);
  const bytes original = file_bytes(full);
  const fs::path damaged = dir / "damaged.zanj";

  auto check = [&](const std::string& what) {
    try {
      with_array got = zanj::read<with_array>(damaged);
      BOOST_TEST_CONTEXT(what) { BOOST_TEST((got == expected), "read succeeded with different data"); }
    } catch (const zanj::error& e) {
      BOOST_TEST_CONTEXT(what) { BOOST_TEST((e.file() == damaged), e.what()); }
    } catch (const std::exception& e) {
      BOOST_ERROR(what << ": foreign exception: " << e.what());
    }
  };

  for (std::size_t at = 0; at + 8 <= original.size(); at += original.size() / 37 + 1) {
    bytes b = original;
    b.erase(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + 8));
    write_file(damaged, b);
    check("8 bytes removed at " + std::to_string(at));
  }
  write_file(damaged, original);
  for (std::size_t at = 0; at < original.size(); ++at) {
    put_byte(damaged, at, original[at] ^ std::byte{0x5a});
    check("byte flipped at " + std::to_string(at));
    put_byte(damaged, at, original[at]);
  }
}

// ---------------------------------------------------------------------------
// 2. Bad CRC
// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(bad_crc_in_stored_npy_payload) {
  scratch_dir dir;
  zanj::options o;
  o.compress = false;
  const fs::path file = zanj::save(sample(), dir / "crc.zanj", o);
  bytes b = file_bytes(file);
  {
    zanj::detail::zip_reader zip(file);
    auto* e = zip.find("arr.npy");
    BOOST_REQUIRE(e);
    b[e->data_offset + e->compressed_size - 100] ^= std::byte{0x01};  // inside the float data
  }
  write_file(file, b);
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"member 'arr.npy'", "CRC", "at /arr"}));
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error, error_at(file, {"member 'arr.npy'", "CRC"}));
}

BOOST_AUTO_TEST_CASE(bad_crc_in_document_payload) {
  scratch_dir dir;
  zanj::options o;
  o.compress = false;
  const fs::path file = zanj::save(sample(), dir / "crc.zanj", o);
  bytes b = file_bytes(file);
  {
    zanj::detail::zip_reader zip(file);
    auto* e = zip.find("__zanj__.json");
    BOOST_REQUIRE(e);
    // A digit inside the document stays valid JSON: only the CRC can tell.
    std::size_t at = e->data_offset;
    while (at < e->data_offset + e->compressed_size && b[at] != std::byte{'3'}) ++at;
    BOOST_REQUIRE_LT(at, e->data_offset + e->compressed_size);
    b[at] = std::byte{'4'};
  }
  write_file(file, b);
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"member '__zanj__.json'", "CRC"}));
  try {
    (void)zanj::read<with_array>(file);
  } catch (const zanj::error& e) {
    BOOST_TEST(e.member() == "__zanj__.json");
    BOOST_TEST(e.reason().find("CRC") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(corrupt_deflated_member) {
  scratch_dir dir;
  const fs::path file = zanj::save(sample(), dir / "deflated.zanj");  // compressed by default
  bytes b = file_bytes(file);
  {
    zanj::detail::zip_reader zip(file);
    auto* e = zip.find("arr.npy");
    BOOST_REQUIRE(e);
    BOOST_REQUIRE_EQUAL(e->method, 8);
    b[e->data_offset + e->compressed_size / 2] ^= std::byte{0xff};
  }
  write_file(file, b);
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error, error_at(file, {"member 'arr.npy'", "at /arr"}));
}

// ---------------------------------------------------------------------------
// 3. Missing member
// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(missing_external_member) {
  scratch_dir dir;
  const fs::path file = dir / "missing.zanj";
  write_document(file, external_doc());
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"at /arr", "member 'arr.npy'", "missing member"}));
  try {
    (void)zanj::read<with_array>(file);
  } catch (const zanj::error& e) {
    BOOST_TEST(e.object_path() == "/arr");
    BOOST_TEST(e.member() == "arr.npy");
  }
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error,
                        error_at(file, {"at /arr", "member 'arr.npy'"}));
}

BOOST_AUTO_TEST_CASE(missing_nested_external_member_from_a_real_save) {
  scratch_dir dir;
  box b{{sample(), sample(), sample()}};
  const fs::path saved = zanj::save(b, dir / "box.zanj");
  const fs::path file = dir / "box_missing.zanj";
  rewrite_zip(saved, file, {{"container/2/arr.npy", std::nullopt}});
  BOOST_CHECK_EXCEPTION(zanj::read<box>(file), zanj::error,
                        error_at(file, {"at /container/2/arr", "member 'container/2/arr.npy'"}));
}

BOOST_AUTO_TEST_CASE(missing_document_and_meta) {
  scratch_dir dir;
  const fs::path file = dir / "nodoc.zanj";
  write_zip(file, {text_member("__zanj_meta__.json", "{}")});
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error, error_at(file, {"__zanj__.json"}));
  const fs::path nometa = dir / "nometa.zanj";
  write_zip(nometa, {text_member("__zanj__.json", "{}")});
  BOOST_CHECK_EXCEPTION(zanj::read_meta(nometa), zanj::error, error_at(nometa, {"__zanj_meta__.json"}));
}

// ---------------------------------------------------------------------------
// 4. Wrong types in the document
// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(string_where_int_expected) {
  scratch_dir dir;
  const fs::path file = dir / "q.zanj";
  write_document(file, R"({"a": "x", "q": "text", "c": []})");
  BOOST_CHECK_EXCEPTION(zanj::read<basic>(file), zanj::error,
                        error_at(file, {"at /q", "expected int32, found string"}));
  try {
    (void)zanj::read<basic>(file);
  } catch (const zanj::error& e) {
    BOOST_TEST(e.object_path() == "/q");
    BOOST_TEST(e.reason() == "expected int32, found string");
    BOOST_TEST(e.member().empty());
  }
}

BOOST_AUTO_TEST_CASE(nested_path_in_a_vector_of_structs) {
  scratch_dir dir;
  const fs::path file = dir / "nested.zanj";
  write_document(file, R"({"container": [{"c": [1]}, {"c": [2]}, {"c": "text"}]})");
  BOOST_CHECK_EXCEPTION(zanj::read<outer>(file), zanj::error,
                        error_at(file, {"at /container/2/c: ", "found string"}));

  write_document(file, R"({"container": [{"c": [1]}, {"c": [2]}, {"c": [3, "x"]}]})");
  BOOST_CHECK_EXCEPTION(zanj::read<outer>(file), zanj::error,
                        error_at(file, {"at /container/2/c/1: ", "expected int32, found string"}));

  // An object where a list is expected.
  write_document(file, R"({"container": [{"c": [1]}, {"c": {"x": 1}}]})");
  BOOST_CHECK_EXCEPTION(zanj::read<outer>(file), zanj::error,
                        error_at(file, {"at /container/1/c: ", "found object"}));

  // A string where the list of structs is expected.
  write_document(file, R"({"container": "not a list"})");
  BOOST_CHECK_EXCEPTION(zanj::read<outer>(file), zanj::error,
                        error_at(file, {"at /container: ", "expected a list, found string"}));

  // A number where a struct is expected.
  write_document(file, R"({"container": [{"c": [1]}, 5]})");
  BOOST_CHECK_EXCEPTION(zanj::read<outer>(file), zanj::error,
                        error_at(file, {"at /container/1: ", "expected an object for basic, found int64"}));
}

BOOST_AUTO_TEST_CASE(string_where_array_expected) {
  scratch_dir dir;
  const fs::path file = dir / "arr.zanj";
  write_document(file, R"j({"name": "x", "arr": "array([0., 1.])", "q": 1})j");
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"at /arr: ", "expected a list or array of float64, found string"}));
}

BOOST_AUTO_TEST_CASE(integer_out_of_range_and_float_into_int) {
  scratch_dir dir;
  const fs::path file = dir / "range.zanj";
  write_document(file, R"({"u8": 300, "q": 1})");
  BOOST_CHECK_EXCEPTION(zanj::read<small_ints>(file), zanj::error,
                        error_at(file, {"at /u8: ", "300", "does not fit uint8"}));
  write_document(file, R"({"u8": -1, "q": 1})");
  BOOST_CHECK_EXCEPTION(zanj::read<small_ints>(file), zanj::error,
                        error_at(file, {"at /u8: ", "-1", "does not fit uint8"}));
  write_document(file, R"({"u8": 1, "q": 99999999999})");
  BOOST_CHECK_EXCEPTION(zanj::read<small_ints>(file), zanj::error,
                        error_at(file, {"at /q: ", "does not fit int32"}));
  write_document(file, R"({"u8": 1, "q": 18446744073709551615})");
  BOOST_CHECK_EXCEPTION(zanj::read<small_ints>(file), zanj::error,
                        error_at(file, {"at /q: ", "does not fit int32"}));
  write_document(file, R"({"u8": 1, "q": 1.5})");
  BOOST_CHECK_EXCEPTION(zanj::read<small_ints>(file), zanj::error,
                        error_at(file, {"at /q: ", "expected int32, found float"}));
  write_document(file, R"({"u8": 1, "q": true})");
  BOOST_CHECK_EXCEPTION(zanj::read<small_ints>(file), zanj::error,
                        error_at(file, {"at /q: ", "expected int32, found bool"}));
  write_document(file, R"({"u8": 1, "q": null})");
  BOOST_CHECK_EXCEPTION(zanj::read<small_ints>(file), zanj::error,
                        error_at(file, {"at /q: ", "expected int32, found null"}));
  // An element of an int array that is out of range, inline.
  write_document(file, R"({"container": [{"c": {"__muutils_format__": "numpy.ndarray:array_list_meta",)"
                       R"( "data": [1, 2.5], "shape": [2], "dtype": "float64", "n_elements": 2}}]})");
  BOOST_CHECK_EXCEPTION(zanj::read<outer>(file), zanj::error,
                        error_at(file, {"at /container/0/c: ", "int32", "float64"}));
}

BOOST_AUTO_TEST_CASE(dataclass_of_another_class) {
  scratch_dir dir;
  const fs::path file = dir / "class.zanj";
  write_document(file, R"j({"container": [{"__muutils_format__": "Other(SerializableDataclass)", "q": 1}]})j");
  // Accepted by default, as the reference's loaders do (README "Schema
  // evolution"); refused when the options say so.
  BOOST_TEST(zanj::read<outer>(file).container.at(0).q == 1);
  zanj::options strict;
  strict.on_type_name_mismatch = zanj::error_mode::except;
  BOOST_CHECK_EXCEPTION(zanj::read<outer>(file, strict), zanj::error,
                        error_at(file, {"at /container/0: ", "expected 'basic(SerializableDataclass)' object",
                                        "found 'Other(SerializableDataclass)' object"}));
}

// ---------------------------------------------------------------------------
// 5. .npy members that lie
// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(npy_header_claims_more_data_than_present) {
  scratch_dir dir;
  const fs::path file = dir / "short.zanj";
  write_document(file, external_doc(),
                 {{"arr.npy", make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (300,), }",
                                       doubles_bytes(100))}});
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"at /arr: ", "member 'arr.npy'", "shorter than declared"}));

  // A huge shape over tiny data: refused before anything is allocated.
  write_document(file, external_doc(),
                 {{"arr.npy", make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000000,), }",
                                       doubles_bytes(3))}});
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"at /arr: ", "member 'arr.npy'", "shorter than declared"}));
  write_document(file, external_doc(),
                 {{"arr.npy", make_npy("{'descr': '<f8', 'fortran_order': True, 'shape': (4294967296, 4294967296, "
                                       "4294967296), }",
                                       doubles_bytes(3))}});
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"at /arr: ", "member 'arr.npy'", "npy"}));
}

BOOST_AUTO_TEST_CASE(npy_with_unknown_descr) {
  scratch_dir dir;
  const fs::path file = dir / "descr.zanj";
  for (std::string descr : {"<U5", "|O", "O", "<f16", "|V8", "<M8[ns]"}) {
    BOOST_TEST_CONTEXT("descr " << descr) {
      write_document(file, external_doc(),
                     {{"arr.npy", make_npy("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (300,), }",
                                           doubles_bytes(600))}});
      BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                            error_at(file, {"at /arr: ", "member 'arr.npy'", "descr"}));
    }
  }
  // A structured (list) descr.
  write_document(file, external_doc(),
                 {{"arr.npy", make_npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (300,), }",
                                       doubles_bytes(300))}});
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"at /arr: ", "member 'arr.npy'", "structured"}));
}

BOOST_AUTO_TEST_CASE(npy_malformed_headers) {
  scratch_dir dir;
  const fs::path file = dir / "hdr.zanj";
  const std::vector<std::pair<std::string, bytes>> cases{
      {"bad magic", to_bytes("\x93NUMPX\x01\x00\x10\x00{}")},
      {"empty", bytes{}},
      {"version 9", to_bytes(std::string("\x93NUMPY\x09\x00\x10\x00", 10) + "{}")},
      {"header length past end", to_bytes(std::string("\x93NUMPY\x01\x00\xff\xff", 10) + "{'descr'")},
      {"truncated length", to_bytes(std::string("\x93NUMPY\x01\x00\x05", 9))},
      {"no dict", make_npy("[1, 2]", {})},
      {"missing shape", make_npy("{'descr': '<f8', 'fortran_order': False, }", doubles_bytes(300))},
      {"negative dim", make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-3,), }", doubles_bytes(3))},
      {"dim overflow",
       make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }", {})},
      {"unterminated", make_npy("{'descr': '<f8", {})},
      {"duplicate key", make_npy("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                                 doubles_bytes(1))},
  };
  for (auto& [what, npy] : cases) {
    BOOST_TEST_CONTEXT(what) {
      write_document(file, external_doc(), {{"arr.npy", npy}});
      BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                            error_at(file, {"at /arr: ", "member 'arr.npy'", "npy"}));
    }
  }
}

BOOST_AUTO_TEST_CASE(npy_two_dimensional_into_a_vector) {
  scratch_dir dir;
  const fs::path file = dir / "2d.zanj";
  write_document(file, external_doc("arr.npy", "[10, 30]"),
                 {{"arr.npy", make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (10, 30), }",
                                       doubles_bytes(300))}});
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"at /arr: ", "expected a 1-d array of float64, found shape [10, 30]"}));
}

// The JSON reference object says shape [300]; the .npy holds 5 elements.
BOOST_AUTO_TEST_CASE(npy_shape_differs_from_json_shape) {
  // The .npy header's shape must agree with the reference object's "shape".
  scratch_dir dir;
  const fs::path file = dir / "shape.zanj";
  write_document(file, external_doc("arr.npy", "[300]"),
                 {{"arr.npy", make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }",
                                       doubles_bytes(5))}});
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"at /arr: ", "member 'arr.npy'", "shape"}));
}

// The JSON says int32; the .npy holds float64 values that do not fit.
BOOST_AUTO_TEST_CASE(npy_dtype_differs_from_json_dtype) {
  scratch_dir dir;
  const fs::path file = dir / "dtype.zanj";
  bytes data = doubles_bytes(300, 0.25);
  write_document(file, external_doc("arr.npy", "[300]", "int32"),
                 {{"arr.npy", make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (300,), }", data)}});
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"at /arr: ", "float64", "int32"}));
  // JSON dtype that is not a dtype at all.
  write_document(file, external_doc("arr.npy", "[300]", "float128x"),
                 {{"arr.npy", make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (300,), }", data)}});
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"at /arr: ", "unsupported dtype 'float128x'"}));
}

BOOST_AUTO_TEST_CASE(npy_dtype_mismatch_names_the_member) {
  // A stored dtype that cannot be cast to the JSON dtype names the member.
  scratch_dir dir;
  const fs::path file = dir / "dtype.zanj";
  write_document(file, external_doc("arr.npy", "[300]", "int32"),
                 {{"arr.npy", make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (300,), }",
                                       doubles_bytes(300, 0.25))}});
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"at /arr: ", "member 'arr.npy'", "float64", "int32"}));
}

BOOST_AUTO_TEST_CASE(npy_lies_deep_in_a_real_save) {
  scratch_dir dir;
  box b{{sample(), sample(), sample()}};
  const fs::path saved = zanj::save(b, dir / "box.zanj");
  const fs::path file = dir / "box_bad.zanj";
  rewrite_zip(saved, file,
              {{"container/2/arr.npy", make_npy("{'descr': '<U5', 'fortran_order': False, 'shape': (300,), }",
                                                doubles_bytes(600))}});
  BOOST_CHECK_EXCEPTION(zanj::read<box>(file), zanj::error,
                        error_at(file, {"at /container/2/arr: ", "member 'container/2/arr.npy'", "'<U5'"}));
  try {
    (void)zanj::read<box>(file);
  } catch (const zanj::error& e) {
    BOOST_TEST(e.object_path() == "/container/2/arr");
    BOOST_TEST(e.member() == "container/2/arr.npy");
  }
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error,
                        error_at(file, {"at /container/2/arr: ", "member 'container/2/arr.npy'"}));
}

// ---------------------------------------------------------------------------
// 6. Hostile JSON
// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(document_is_not_json) {
  scratch_dir dir;
  const fs::path file = dir / "notjson.zanj";
  for (std::string doc : {"", "{\"q\": ", "{\"q\": 1,}", "nonsense", "{\"q\": 1} trailing", "\xff\xfe{}",
                          "[1, 2", "{\"q\": \"unterminated}", "{\"q\": tru}"}) {
    BOOST_TEST_CONTEXT("document '" << doc << "'") {
      write_document(file, doc);
      BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error,
                            error_at(file, {"member '__zanj__.json'"}));
    }
  }
}

BOOST_AUTO_TEST_CASE(nesting_bomb) {
  scratch_dir dir;
  const fs::path file = dir / "bomb.zanj";
  write_document(file, std::string(100000, '['));
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error,
                        error_at(file, {"member '__zanj__.json'", "nesting"}));
  BOOST_CHECK_EXCEPTION(zanj::read<basic>(file), zanj::error, error_at(file, {"member '__zanj__.json'"}));
  std::string closed = std::string(100000, '[') + std::string(100000, ']');
  write_document(file, closed);
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error,
                        error_at(file, {"member '__zanj__.json'", "nesting"}));
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\": ";
  write_document(file, objects);
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error,
                        error_at(file, {"member '__zanj__.json'", "nesting"}));
  // Deep but within the limit: read completely without exhausting the stack.
  write_document(file, std::string(900, '[') + std::string(900, ']'));
  BOOST_CHECK_NO_THROW(zanj::read<zanj::value>(file));
  // The same depth in a jsonl line of an external list.
  write_document(file, R"({"L": {"__muutils_format__": "list:external", "$ref": "L.jsonl"}})",
                 {text_member("L.jsonl", std::string(100000, '[') + "\n")});
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error,
                        error_at(file, {"at /L", "member 'L.jsonl'", "nesting"}));
}

BOOST_AUTO_TEST_CASE(format_key_that_is_not_a_string) {
  scratch_dir dir;
  const fs::path file = dir / "fmt.zanj";
  write_document(file, R"({"name": "x", "arr": {"__muutils_format__": 5, "data": [1.0]}, "q": 1})");
  BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error,
                        error_at(file, {"at /arr: ", "found object"}));
  write_document(file, R"({"container": [{"__muutils_format__": 5, "q": "x"}]})");
  BOOST_CHECK_EXCEPTION(zanj::read<outer>(file), zanj::error,
                        error_at(file, {"at /container/0/q: ", "expected int32, found string"}));
  // As a generic value it is just an object, kept as is.
  write_document(file, R"({"a": {"__muutils_format__": 5}})");
  zanj::value v;
  BOOST_REQUIRE_NO_THROW(v = zanj::read<zanj::value>(file));
  BOOST_TEST(v.find("a")->find("__muutils_format__")->as_int64() == 5);
}

BOOST_AUTO_TEST_CASE(array_objects_that_lie) {
  scratch_dir dir;
  const fs::path file = dir / "arrays.zanj";
  auto doc = [](std::string_view array_object) {
    return R"({"name": "x", "arr": )" + std::string(array_object) + R"(, "q": 1})";
  };
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [1.0, 2.0], "dtype": "float64"})",
       "without a 'shape'"},
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [1.0, 2.0], "shape": "2", "dtype": "float64"})",
       "without a 'shape'"},
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [1.0, 2.0], "shape": [2.0], "dtype": "float64"})",
       "shape"},
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [1.0, 2.0], "shape": [-2], "dtype": "float64"})",
       "shape"},
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [1.0, 2.0], "shape": [3], "dtype": "float64"})",
       "does not match its shape"},
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [[1.0], [2.0, 3.0]], "shape": [2, 1], "dtype": "float64"})",
       "does not match its shape"},
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [1.0], "shape": [1000000000000000], "dtype": "float64"})",
       "does not match its shape"},
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [], "shape": [4294967296, 4294967296, 4294967296], "dtype": "float64"})",
       "too large"},
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": ["a", "b"], "shape": [2], "dtype": "float64"})",
       "does not fit dtype float64"},
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "shape": [2], "dtype": "float64"})",
       "without 'data'"},
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [1.0], "shape": [1]})",
       "without a 'dtype'"},
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [1.0], "shape": [1], "dtype": 8})",
       "without a 'dtype'"},
      {R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [1.0], "shape": [1], "dtype": "object"})",
       "unsupported dtype"},
      {R"({"__muutils_format__": "numpy.ndarray:array_hex_meta", "data": "000", "shape": [1], "dtype": "float64"})",
       "odd length"},
      {R"({"__muutils_format__": "numpy.ndarray:array_hex_meta", "data": "0000", "shape": [1], "dtype": "float64"})",
       "holds 2 bytes, shape and dtype need 8"},
      {R"({"__muutils_format__": "numpy.ndarray:array_hex_meta", "data": "zz00000000000000", "shape": [1], "dtype": "float64"})",
       "non-hex"},
      {R"({"__muutils_format__": "numpy.ndarray:array_hex_meta", "data": "0000", "shape": [1000000000000000], "dtype": "float64"})",
       "shape and dtype need 8000000000000000"},
      {R"({"__muutils_format__": "numpy.ndarray:array_hex_meta", "data": 12, "shape": [1], "dtype": "float64"})",
       "expected a string of array bytes, found int64"},
      {R"({"__muutils_format__": "numpy.ndarray:array_b64_meta", "data": "AAA", "shape": [1], "dtype": "float64"})",
       "base64"},
      {R"({"__muutils_format__": "numpy.ndarray:array_b64_meta", "data": "AAAA", "shape": [1], "dtype": "float64"})",
       "holds 3 bytes, shape and dtype need 8"},
      {R"({"__muutils_format__": "numpy.ndarray:array_b64_meta", "data": "====", "shape": [1], "dtype": "float64"})",
       "base64"},
      {R"({"__muutils_format__": "numpy.ndarray:zero_dim", "data": 1.0, "shape": [1], "dtype": "float64"})",
       "zero_dim"},
      {R"({"__muutils_format__": "numpy.ndarray:sparse", "data": [1.0], "shape": [1], "dtype": "float64"})",
       "unknown array format"},
      {R"({"__muutils_format__": "numpy.ndarray:external", "$ref": 5, "shape": [300], "dtype": "float64"})",
       "'$ref'"},
      {R"({"__muutils_format__": "numpy.ndarray:external", "shape": [300], "dtype": "float64"})", "'$ref'"},
      {R"({"__muutils_format__": "numpy.ndarray:external", "$ref": "nowhere.npy", "shape": [300], "dtype": "float64"})",
       "member 'nowhere.npy': missing member"},
      {R"({"__muutils_format__": "numpy.ndarray:external", "$ref": "__zanj_meta__.json", "shape": [300], "dtype": "float64"})",
       "member '__zanj_meta__.json'"},
  };
  for (auto& [array_object, reason] : cases) {
    BOOST_TEST_CONTEXT(array_object) {
      write_document(file, doc(array_object));
      BOOST_CHECK_EXCEPTION(zanj::read<with_array>(file), zanj::error, error_at(file, {"at /arr: ", reason}));
      BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error, error_at(file, {"at /arr: ", reason}));
    }
  }
}

// Shape [1e15, 0] holds no data at all, so its hex string is empty and valid;
// read as nested vectors it would be 1e15 empty rows.
BOOST_AUTO_TEST_CASE(empty_array_with_a_huge_first_axis) {
  // An empty array may claim an absurd number of empty rows: refused with a
  // zanj::error, never an attempt to allocate them.
  scratch_dir dir;
  const fs::path file = dir / "rows.zanj";
  write_document(file, R"({"a": {"__muutils_format__": "numpy.ndarray:array_hex_meta", "data": "",)"
                       R"( "shape": [1000000000000000, 0], "dtype": "float64"}})");
  BOOST_CHECK_EXCEPTION((zanj::read<std::map<std::string, std::vector<std::vector<double>>>>(file)), zanj::error,
                        error_at(file, {"at /a: "}));
}

BOOST_AUTO_TEST_CASE(empty_array_with_a_huge_first_axis_as_a_value) {
  scratch_dir dir;
  const fs::path file = dir / "rows.zanj";
  write_document(file, R"({"a": {"__muutils_format__": "numpy.ndarray:array_hex_meta", "data": "",)"
                       R"( "shape": [1000000000000000, 0], "dtype": "float64"}})");
  zanj::value v;
  BOOST_REQUIRE_NO_THROW(v = zanj::read<zanj::value>(file));
  BOOST_REQUIRE(v.find("a") && v.find("a")->is_array());
  BOOST_TEST(v.find("a")->as_array().bytes.empty());
  BOOST_TEST(v.find("a")->as_array().shape == (std::vector<std::size_t>{1000000000000000, 0}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(external_lists_that_lie) {
  scratch_dir dir;
  const fs::path file = dir / "lists.zanj";
  const std::string ref = R"({"L": {"__muutils_format__": "list:external", "$ref": "L.jsonl"}})";

  write_document(file, ref, {text_member("L.jsonl", "1\n\n2\n")});
  // Errors inside a line name its item.
  BOOST_CHECK_EXCEPTION(zanj::read<listed>(file), zanj::error,
                        error_at(file, {"at /L/1: ", "member 'L.jsonl'", "blank line 2"}));
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error,
                        error_at(file, {"at /L/1: ", "member 'L.jsonl'", "blank line 2"}));

  write_document(file, ref, {text_member("L.jsonl", "1\n2\n[3\n")});
  BOOST_CHECK_EXCEPTION(zanj::read<listed>(file), zanj::error,
                        error_at(file, {"at /L/2: ", "member 'L.jsonl'", "line 3"}));

  write_document(file, ref, {text_member("L.jsonl", "1\n\"two\"\n3\n")});
  BOOST_CHECK_EXCEPTION(zanj::read<listed>(file), zanj::error,
                        error_at(file, {"at /L/1: ", "expected int32, found string"}));

  write_document(file, R"({"L": {"__muutils_format__": "list:external", "$ref": "gone.jsonl"}})");
  BOOST_CHECK_EXCEPTION(zanj::read<listed>(file), zanj::error,
                        error_at(file, {"at /L: ", "member 'gone.jsonl'", "missing member"}));
  BOOST_CHECK_EXCEPTION(zanj::read<strings>(file), zanj::error,
                        error_at(file, {"at /L: ", "member 'gone.jsonl'", "missing member"}));

  write_document(file, R"({"L": {"__muutils_format__": "list:external", "$ref": ["L.jsonl"]}})",
                 {text_member("L.jsonl", "1\n")});
  BOOST_CHECK_EXCEPTION(zanj::read<listed>(file), zanj::error, error_at(file, {"at /L: ", "'$ref'"}));
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error, error_at(file, {"at /L: ", "'$ref'"}));

  write_document(file, R"({"L": {"__muutils_format__": "list:external", "$ref": "L.txt"}})",
                 {text_member("L.txt", "1\n")});
  BOOST_CHECK_EXCEPTION(zanj::read<listed>(file), zanj::error,
                        error_at(file, {"at /L: ", "member 'L.txt'", "unknown type"}));

  // A .npy where a .jsonl list was announced.
  write_document(file, R"({"L": {"__muutils_format__": "list:external", "$ref": "L.npy"}})",
                 {{"L.npy", make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", doubles_bytes(3))}});
  BOOST_CHECK_EXCEPTION(zanj::read<strings>(file), zanj::error, error_at(file, {"at /L: ", "jsonl"}));
}

// A jsonl member whose line refers to the member itself (or two members that
// refer to each other): a finite file that must not recurse forever.
BOOST_AUTO_TEST_CASE(external_reference_cycle) {
  // A member whose payload refers back into itself (directly or through
  // another member) is reported as a loop, not followed until the stack overflows.
  scratch_dir dir;
  const fs::path file = dir / "cycle.zanj";
  write_document(file, R"({"L": {"__muutils_format__": "list:external", "$ref": "L.jsonl"}})",
                 {text_member("L.jsonl", R"({"__muutils_format__": "list:external", "$ref": "L.jsonl"})"
                                         "\n")});
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error, error_at(file, {"member 'L.jsonl'", "reference loop"}));
  write_document(file, R"({"L": {"__muutils_format__": "list:external", "$ref": "A.jsonl"}})",
                 {text_member("A.jsonl", R"({"__muutils_format__": "list:external", "$ref": "B.jsonl"})"
                                         "\n"),
                  text_member("B.jsonl", R"({"__muutils_format__": "list:external", "$ref": "A.jsonl"})"
                                         "\n")});
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error, error_at(file, {"reference loop", "refers back to itself"}));
}

BOOST_AUTO_TEST_CASE(external_reference_cycle_into_a_typed_value) {
  // A C++ type of finite depth stops the recursion by itself.
  scratch_dir dir;
  const fs::path file = dir / "cycle.zanj";
  write_document(file, R"({"L": {"__muutils_format__": "list:external", "$ref": "L.jsonl"}})",
                 {text_member("L.jsonl", R"({"__muutils_format__": "list:external", "$ref": "L.jsonl"})"
                                         "\n")});
  using nested = std::map<std::string, std::vector<std::vector<std::vector<int>>>>;
  BOOST_CHECK_EXCEPTION(zanj::read<nested>(file), zanj::error,
                        error_at(file, {"at /L/0/0/0: ", "expected int32, found 'list:external' object"}));
}

BOOST_AUTO_TEST_CASE(nested_external_missing_inside_a_jsonl_line) {
  scratch_dir dir;
  const fs::path file = dir / "inner.zanj";
  write_document(file, R"({"L": {"__muutils_format__": "list:external", "$ref": "L.jsonl"}})",
                 {text_member("L.jsonl", "1\n" R"({"__muutils_format__": "numpy.ndarray:external", "$ref": )"
                                         R"("L/1.npy", "shape": [300], "dtype": "float64"})"
                                         "\n")});
  BOOST_CHECK_EXCEPTION(zanj::read<zanj::value>(file), zanj::error,
                        error_at(file, {"at /L/1: ", "member 'L/1.npy'", "missing member"}));
}

// ---------------------------------------------------------------------------
// Zip directories that lie
// ---------------------------------------------------------------------------

namespace {

/// Offset of the central directory header of `name` in an archive without comment.
std::size_t central_header_of(const bytes& zip, std::string_view name) {
  auto le = [&](std::size_t at, int width) {
    std::size_t v = 0;
    for (int i = width - 1; i >= 0; --i) v = (v << 8) | std::to_integer<std::size_t>(zip[at + static_cast<std::size_t>(i)]);
    return v;
  };
  const std::size_t eocd = zip.size() - 22;
  std::size_t pos = le(eocd + 16, 4);
  for (std::size_t i = 0, n = le(eocd + 10, 2); i < n; ++i) {
    const std::size_t name_size = le(pos + 28, 2);
    std::string_view entry(reinterpret_cast<const char*>(zip.data() + pos + 46), name_size);
    if (entry == name) return pos;
    pos += 46 + name_size + le(pos + 30, 2) + le(pos + 32, 2);
  }
  throw std::logic_error("no central header for " + std::string(name));
}

void store_le32(bytes& b, std::size_t at, std::uint32_t v) {
  for (std::size_t i = 0; i < 4; ++i) b[at + i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
}

}  // namespace

BOOST_AUTO_TEST_CASE(directory_sizes_that_lie) {
  scratch_dir dir;
  for (bool compress : {false, true}) {
    zanj::options o;
    o.compress = compress;
    const fs::path saved = zanj::save(sample(), dir / "sizes.zanj", o);
    const bytes original = file_bytes(saved);
    const fs::path file = dir / "lying.zanj";
    struct lie {
      std::string member;
      std::size_t field;  // 16 CRC, 20 compressed size, 24 uncompressed size, 42 local header offset
      std::uint32_t value;
    };
    for (const lie& l : {lie{"arr.npy", 24, 1u << 30}, lie{"arr.npy", 24, 100}, lie{"arr.npy", 20, 100},
                         lie{"arr.npy", 20, 0xfffffff0u}, lie{"arr.npy", 16, 0}, lie{"arr.npy", 42, 0},
                         lie{"arr.npy", 42, 0xffffff00u}, lie{"__zanj__.json", 24, 0xffffffffu},
                         lie{"__zanj__.json", 24, 3}}) {
      BOOST_TEST_CONTEXT("compress=" << compress << ", " << l.member << " field " << l.field << " = " << l.value) {
        bytes b = original;
        store_le32(b, central_header_of(b, l.member) + l.field, l.value);
        write_file(file, b);
        const std::string outcome = read_expecting_error<with_array>(file);
        BOOST_TEST(!is_failure_marker(outcome), outcome);
        BOOST_TEST(outcome.find("'" + l.member + "'") != std::string::npos, outcome);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(duplicate_member_names) {
  // Two members called "__zanj__.json": which one is meant is ambiguous.
  scratch_dir dir;
  const fs::path file = dir / "dup.zanj";
  write_zip(file, {text_member("__zanj_meta__.json", "{}"), text_member("__zanj__.json", R"({"q": 1})"),
                   text_member("__zanj__.jsoX", R"({"q": 2})")});
  bytes b = file_bytes(file);
  // Rename the third member in its local and central headers.
  const std::string_view from = "__zanj__.jsoX";
  for (std::size_t at = 0; at + from.size() <= b.size(); ++at)
    if (std::string_view(reinterpret_cast<const char*>(b.data() + at), from.size()) == from)
      b[at + from.size() - 1] = std::byte{'n'};
  write_file(file, b);
  BOOST_CHECK_EXCEPTION(zanj::read<small_ints>(file), zanj::error,
                        error_at(file, {"member '__zanj__.json'", "duplicate"}));
}

// ---------------------------------------------------------------------------
// 7. Not a zip at all
// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(not_a_zip) {
  scratch_dir dir;
  const fs::path empty = dir / "empty.zanj";
  write_file(empty, std::string_view{});
  BOOST_CHECK_EXCEPTION(zanj::read<basic>(empty), zanj::error, error_at(empty, {"not a zip archive"}));

  const fs::path random = dir / "random.zanj";
  bytes noise(4096);
  std::mt19937 rng(1234);
  for (auto& b : noise) b = static_cast<std::byte>(rng() & 0xff);
  write_file(random, noise);
  BOOST_CHECK_EXCEPTION(zanj::read<basic>(random), zanj::error, error_at(random, {"not a zip archive"}));

  const fs::path text = dir / "text.zanj";
  write_file(text, "{\"a\": \"this is JSON, not a zip archive\", \"q\": 1, \"c\": []}\n");
  BOOST_CHECK_EXCEPTION(zanj::read<basic>(text), zanj::error, error_at(text, {"not a zip archive"}));

  const fs::path tiny = dir / "tiny.zanj";
  write_file(tiny, "PK\x05\x06");
  BOOST_CHECK_EXCEPTION(zanj::read<basic>(tiny), zanj::error, error_at(tiny, {"not a zip archive"}));

  // Only an end record, pointing at a directory that is not there.
  const fs::path eocd_only = dir / "eocd.zanj";
  bytes eocd(22, std::byte{0});
  eocd[0] = std::byte{'P'}, eocd[1] = std::byte{'K'}, eocd[2] = std::byte{5}, eocd[3] = std::byte{6};
  eocd[8] = eocd[10] = std::byte{1};
  eocd[12] = std::byte{46};
  write_file(eocd_only, eocd);
  BOOST_CHECK_EXCEPTION(zanj::read<basic>(eocd_only), zanj::error, error_at(eocd_only, {"central directory"}));

  // An empty but valid zip: no document member.
  const fs::path empty_zip = dir / "emptyzip.zanj";
  write_zip(empty_zip, {});
  BOOST_CHECK_EXCEPTION(zanj::read<basic>(empty_zip), zanj::error,
                        error_at(empty_zip, {"member '__zanj__.json'"}));

  const fs::path nowhere = dir / "does" / "not" / "exist.zanj";
  BOOST_CHECK_EXCEPTION(zanj::read<basic>(nowhere), zanj::error, error_at(nowhere, {"cannot open"}));
  BOOST_CHECK_EXCEPTION(zanj::read_meta(nowhere), zanj::error, error_at(nowhere, {"cannot open"}));

  BOOST_CHECK_EXCEPTION(zanj::read<basic>(dir.path()), zanj::error, error_at(dir.path(), {"not a regular file"}));
}

// ---------------------------------------------------------------------------
// 8. Atomic save
// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(failed_save_leaves_the_old_file_untouched) {
  scratch_dir dir;
  holder good{ramp(300), thrower{false, 1}};
  const fs::path target = zanj::save(good, dir / "target.zanj");
  const bytes before = file_bytes(target);
  BOOST_REQUIRE(!before.empty());

  holder bad{ramp(400), thrower{true, 2}};
  BOOST_CHECK_EXCEPTION(zanj::save(bad, target), zanj::error,
                        error_at(target, {"at /t: ", "thrower refused to serialize"}));
  BOOST_TEST((file_bytes(target) == before), "the existing file changed");
  BOOST_TEST(folder_listing(dir.path()) == std::vector<std::string>{"target.zanj"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(failure_while_writing_the_archive_removes_the_temporary) {
  // A key longer than a zip member name may be: the document builds, but the
  // writer refuses the member name of its external array, after the
  // temporary file was created.
  scratch_dir dir;
  const fs::path target = zanj::save(sample(), dir / "target.zanj");
  const bytes before = file_bytes(target);

  std::map<std::string, std::vector<double>> huge_key{{std::string(70000, 'k'), ramp(300)}};
  try {
    zanj::save(huge_key, target);
    BOOST_ERROR("saving a 70000-byte member name succeeded");
  } catch (const zanj::error& e) {
    // (The message holds the 70000-byte name: not printed.)
    BOOST_TEST(std::string(e.what()).find("member name longer than 65535 bytes") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find(dir.path().string()) != std::string::npos);
  }
  BOOST_TEST((file_bytes(target) == before), "the existing file changed");
  BOOST_TEST(folder_listing(dir.path()) == std::vector<std::string>{"target.zanj"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(failed_first_save_leaves_nothing) {
  scratch_dir dir;
  holder bad{ramp(400), thrower{true, 2}};
  BOOST_CHECK_THROW(zanj::save(bad, dir / "fresh.zanj"), zanj::error);
  BOOST_TEST(folder_listing(dir.path()).empty());
  std::map<std::string, std::vector<double>> huge_key{{std::string(70000, 'k'), ramp(300)}};
  BOOST_CHECK_THROW(zanj::save(huge_key, dir / "fresh2.zanj"), zanj::error);
  BOOST_TEST(folder_listing(dir.path()).empty());
}

BOOST_AUTO_TEST_CASE(save_into_a_read_only_directory) {
  scratch_dir dir;
  const fs::path locked = dir / "locked";
  fs::create_directories(locked);
  const fs::path target = zanj::save(sample(), locked / "old.zanj");
  const bytes before = file_bytes(target);
  BOOST_REQUIRE_EQUAL(::chmod(locked.c_str(), 0555), 0);
  struct restore {
    fs::path p;
    ~restore() { ::chmod(p.c_str(), 0755); }
  } restore_on_exit{locked};
  if (::access(locked.c_str(), W_OK) == 0) {
    BOOST_TEST_MESSAGE("running with privileges that ignore directory permissions; skipped");
    return;
  }
  // Over an existing file and as a new one.
  for (const fs::path& p : {target, locked / "new.zanj"}) {
    BOOST_TEST_CONTEXT(p) {
      try {
        zanj::save(sample(), p);
        BOOST_ERROR("save into a read-only directory succeeded");
      } catch (const zanj::error& e) {
        BOOST_TEST(std::string(e.what()).find(locked.string()) != std::string::npos, e.what());
      }
    }
  }
  BOOST_TEST((file_bytes(target) == before));
  BOOST_TEST(folder_listing(locked) == std::vector<std::string>{"old.zanj"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(failed_write_names_the_target_not_the_temporary) {
  // Errors while writing name the target, not the temporary file.
  scratch_dir dir;
  std::map<std::string, std::vector<double>> huge_key{{std::string(70000, 'k'), ramp(300)}};
  try {
    zanj::save(huge_key, dir / "huge.zanj");
    BOOST_ERROR("saving a 70000-byte member name succeeded");
  } catch (const zanj::error& e) {
    BOOST_TEST(e.file().string() == (dir / "huge.zanj").string());
  }

  const fs::path locked = dir / "locked";
  fs::create_directories(locked);
  BOOST_REQUIRE_EQUAL(::chmod(locked.c_str(), 0555), 0);
  struct restore {
    fs::path p;
    ~restore() { ::chmod(p.c_str(), 0755); }
  } restore_on_exit{locked};
  if (::access(locked.c_str(), W_OK) == 0) return;  // root: directory permissions do not apply
  BOOST_CHECK_EXCEPTION(zanj::save(sample(), locked / "new.zanj"), zanj::error,
                        error_at(locked / "new.zanj", {"cannot create"}));
}

BOOST_AUTO_TEST_CASE(save_onto_a_directory_fails_cleanly) {
  // Works even as root: the rename onto a non-empty directory fails after
  // the temporary was written completely.
  scratch_dir dir;
  const fs::path target = dir / "taken.zanj";
  fs::create_directories(target / "inside");
  BOOST_CHECK_EXCEPTION(zanj::save(sample(), target), zanj::error, error_at(target, {"cannot move"}));
  BOOST_TEST(folder_listing(dir.path()) == std::vector<std::string>{"taken.zanj"}, boost::test_tools::per_element());
  BOOST_TEST(fs::is_directory(target / "inside"));
  // A parent that is a file.
  write_file(dir / "plain", "x");
  BOOST_CHECK_EXCEPTION(zanj::save(sample(), dir / "plain" / "sub.zanj"), zanj::error,
                        error_at(dir / "plain" / "sub.zanj", {"cannot create directory"}));
  BOOST_TEST(folder_listing(dir.path()) == (std::vector<std::string>{"plain", "taken.zanj"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(save_over_an_existing_file_replaces_it_completely) {
  scratch_dir dir;
  box big{{sample(), sample(), sample()}};
  const fs::path target = zanj::save(big, dir / "over.zanj");
  const auto big_size = fs::file_size(target);
  BOOST_TEST(member_names(target).size() == 5u);

  with_array small{"small", {1.0, 2.0}, 9};
  BOOST_CHECK_EQUAL(zanj::save(small, target), target);
  BOOST_TEST(fs::file_size(target) < big_size);
  BOOST_TEST(member_names(target) == (std::vector<std::string>{"__zanj_meta__.json", "__zanj__.json"}),
             boost::test_tools::per_element());
  BOOST_TEST((zanj::read<with_array>(target) == small));
  BOOST_TEST(folder_listing(dir.path()) == std::vector<std::string>{"over.zanj"}, boost::test_tools::per_element());

  // Over a file that is not an archive at all, and over a read-only file.
  write_file(target, "garbage");
  ::chmod(target.c_str(), 0444);
  BOOST_CHECK_NO_THROW(zanj::save(big, target));
  BOOST_TEST((zanj::read<box>(target) == big));
  BOOST_TEST(folder_listing(dir.path()) == std::vector<std::string>{"over.zanj"}, boost::test_tools::per_element());
}

// ---------------------------------------------------------------------------
// 9. error_mode
// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(error_mode_warn_replaces_and_warns_once) {
  scratch_dir dir;
  std::vector<std::string> warnings;
  zanj::options o;
  o.error_mode = zanj::error_mode::warn;
  o.on_warning = [&](std::string_view w) { warnings.emplace_back(w); };
  outer_t obj;
  const fs::path file = zanj::save(obj, dir / "warn.zanj", o);
  BOOST_REQUIRE_EQUAL(warnings.size(), 1u);
  BOOST_TEST(warnings[0].find("/inner/bad") != std::string::npos, warnings[0]);
  BOOST_TEST(warnings[0].find("thrower refused to serialize") != std::string::npos, warnings[0]);

  auto doc = zanj::read<zanj::value>(file);
  const zanj::value* bad = doc.find("inner") ? doc.find("inner")->find("bad") : nullptr;
  BOOST_REQUIRE(bad);
  BOOST_REQUIRE(bad->is_string());
  BOOST_TEST(bad->as_string().starts_with("<zanj: value not serialized"), bad->as_string());
  BOOST_TEST(doc.find("inner")->find("ok")->as_int64() == 1);
  BOOST_TEST(doc.find("name")->as_string() == "kept");
}

BOOST_AUTO_TEST_CASE(error_mode_ignore_replaces_silently) {
  scratch_dir dir;
  int calls = 0;
  zanj::options o;
  o.error_mode = zanj::error_mode::ignore;
  o.on_warning = [&](std::string_view) { ++calls; };
  const fs::path file = zanj::save(outer_t{}, dir / "ignore.zanj", o);
  BOOST_TEST(calls == 0);
  auto doc = zanj::read<zanj::value>(file);
  const zanj::value* bad = doc.find("inner")->find("bad");
  BOOST_REQUIRE(bad && bad->is_string());
  BOOST_TEST(bad->as_string().starts_with("<zanj: value not serialized"), bad->as_string());
  BOOST_TEST(doc.find("name")->as_string() == "kept");
}

BOOST_AUTO_TEST_CASE(error_mode_except_names_the_path_of_user_exceptions) {
  scratch_dir dir;
  const fs::path target = dir / "except.zanj";
  BOOST_CHECK_EXCEPTION(zanj::save(outer_t{}, target), zanj::error,
                        error_at(target, {"at /inner/bad: ", "thrower refused to serialize"}));
  try {
    zanj::save(outer_t{}, target);
  } catch (const zanj::error& e) {
    BOOST_TEST(e.object_path() == "/inner/bad");
    BOOST_TEST(e.reason() == "thrower refused to serialize");
  }
  BOOST_TEST(folder_listing(dir.path()).empty());
}

BOOST_AUTO_TEST_CASE(replaced_values_leave_no_external_members) {
  scratch_dir dir;
  for (auto mode : {zanj::error_mode::warn, zanj::error_mode::ignore}) {
    BOOST_TEST_CONTEXT(to_string(mode)) {
      int warnings = 0;
      zanj::options o;
      o.error_mode = mode;
      o.on_warning = [&](std::string_view) { ++warnings; };
      with_flaky obj;
      obj.items.items = {ramp(300), ramp(300), ramp(300)};
      obj.items.throw_at = 1;  // item 0 (a big array) is registered first
      const fs::path file = zanj::save(obj, dir / "flaky.zanj", o);
      BOOST_TEST(warnings == (mode == zanj::error_mode::warn ? 1 : 0));
      BOOST_TEST(member_names(file) == (std::vector<std::string>{"__zanj_meta__.json", "__zanj__.json"}),
                 boost::test_tools::per_element());
      auto doc = zanj::read<zanj::value>(file);
      BOOST_REQUIRE(doc.find("items") && doc.find("items")->is_string());
      BOOST_TEST(doc.find("items")->as_string().starts_with("<zanj: value not serialized"));
      BOOST_TEST(doc.find("after")->as_int64() == 5);
      // No externals_info entry for the dropped member either.
      const std::string meta = member_text(file, "__zanj_meta__.json");
      BOOST_TEST(meta.find("items/0.npy") == std::string::npos, meta);
    }
  }
  // In except mode, the user exception carries the sequence's path.
  with_flaky obj;
  obj.items.items = {ramp(300), ramp(300)};
  const fs::path target = dir / "flaky_except.zanj";
  BOOST_CHECK_EXCEPTION(zanj::save(obj, target), zanj::error,
                        error_at(target, {"at /items: ", "flaky_seq broke while iterating"}));
}

BOOST_AUTO_TEST_CASE(replaced_dynamic_value_drops_its_externals) {
  // In a zanj::value object, "x/y" (an external list) and then "x" -> "y" (a
  // list whose item 0 is a big array) both want member "x/y.jsonl"; the
  // second fails after registering "x/y/0.npy", which must then be dropped.
  scratch_dir dir;
  zanj::list long_ints(300, zanj::value(1));
  zanj::list with_array_item(300, zanj::value(2));
  std::vector<double> big = ramp(300);
  with_array_item[0] = zanj::array_value::from(std::span<const double>(big));
  zanj::object inner{{"y", with_array_item}};
  zanj::value doc = zanj::object{{"x/y", long_ints}, {"x", inner}};

  const fs::path target = dir / "dyn.zanj";
  BOOST_CHECK_EXCEPTION(zanj::save(doc, target), zanj::error, error_at(target, {"at /x/y: ", "x/y.jsonl"}));
  BOOST_TEST(folder_listing(dir.path()).empty());

  zanj::options o;
  o.error_mode = zanj::error_mode::ignore;
  const fs::path file = zanj::save(doc, target, o);
  auto names = member_names(file);
  BOOST_TEST((std::find(names.begin(), names.end(), "x/y/0.npy") == names.end()));
  BOOST_TEST((std::find(names.begin(), names.end(), "x/y.jsonl") != names.end()));
  auto back = zanj::read<zanj::value>(file);
  BOOST_TEST(back.find("x/y")->as_list().size() == 300u);
  BOOST_TEST(back.find("x")->find("y")->as_string().starts_with("<zanj: value not serialized"));
}

// ---------------------------------------------------------------------------
// 10. Fixed-size containers
// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(std_array_too_small) {
  scratch_dir dir;
  const fs::path file = dir / "fixed.zanj";
  write_document(file, R"({"p": [1, 2, 3]})");
  BOOST_CHECK_EXCEPTION(zanj::read<fixed_pair>(file), zanj::error,
                        error_at(file, {"at /p: ", "expected 2 elements, found 3"}));
  write_document(file, R"({"p": [1]})");
  BOOST_CHECK_EXCEPTION(zanj::read<fixed_pair>(file), zanj::error,
                        error_at(file, {"at /p: ", "expected 2 elements, found 1"}));
  write_document(file, R"({"p": {"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [1, 2, 3],)"
                       R"( "shape": [3], "dtype": "int64", "n_elements": 3}})");
  BOOST_CHECK_EXCEPTION(zanj::read<fixed_pair>(file), zanj::error,
                        error_at(file, {"at /p: ", "expected 2 elements, found 3"}));
  // (A struct holding std::array<std::string, N> makes g++ 12 crash inside
  // Boost.PFR's field counting, so this one is read at the root.)
  write_document(file, R"(["a", "b", "c"])");
  BOOST_CHECK_EXCEPTION((zanj::read<std::array<std::string, 2>>(file)), zanj::error,
                        error_at(file, {"expected 2 items, found 3"}));
  write_document(file, R"([1, "two", 3.0])");
  BOOST_CHECK_EXCEPTION((zanj::read<std::tuple<int, std::string>>(file)), zanj::error,
                        error_at(file, {"expected a list of 2 items, found 3"}));
  BOOST_CHECK_EXCEPTION((zanj::read<std::pair<int, int>>(file)), zanj::error,
                        error_at(file, {"expected a list of 2 items, found 3"}));
}

BOOST_AUTO_TEST_SUITE_END()
