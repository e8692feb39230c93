// Writes the corrupt-file corpus: small broken .zanj and .npy files, each
// made from an intact file written by this library (or built member by member
// with its zip writer) and then damaged, plus MANIFEST.tsv, which lists every
// file with what is broken and the exact error each reader must give.
//
//   make_corrupt_corpus <folder>       (the folder is tests/corrupt)
//
// The files are committed; tests/test_corrupt_corpus.cpp and the cli_corrupt
// test read them without this program. The output is the same on every run
// (the metadata's timestamp and system information are fixed, zip times are
// 1980-01-01) as long as the writer and zlib write the same bytes.
#include <zanj/zanj.hpp>

#include <zanj/detail/zip_reader.hpp>
#include <zanj/detail/zip_writer.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "corpus_types.hpp"

namespace {

namespace fs = std::filesystem;
namespace zd = zanj::detail;
using bytes = std::vector<std::byte>;

bytes to_bytes(std::string_view s) {
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  return bytes(p, p + s.size());
}

bytes read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  const std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return to_bytes(s);
}

void write_file(const fs::path& p, std::span<const std::byte> data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

std::uint64_t load_le(const bytes& b, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = width; i-- > 0;) v = (v << 8) | std::to_integer<std::uint64_t>(b[at + i]);
  return v;
}

void store_le(bytes& b, std::size_t at, std::uint64_t v, std::size_t width) { zd::store_le(b.data() + at, v, width); }

std::string hex32(std::uint32_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(8, '0');
  for (int i = 7; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 0xF];
  return s;
}

/// A scratch folder for the files zip_reader and zip_writer need.
class scratch {
 public:
  scratch() : dir_(fs::temp_directory_path() / ("zanj-corpus-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
  fs::path file(const std::string& name) const { return dir_ / name; }

 private:
  fs::path dir_;
};

const scratch& work() {
  static const scratch s;
  return s;
}

/// One member of an archive built member by member.
struct member {
  std::string name;
  bytes content;
  bool deflate = false;
};

/// An archive of `members`, in order, written by zd::zip_writer (zip times
/// 1980-01-01; Zip64 records everywhere with `zip64`).
bytes build(const std::vector<member>& members, bool zip64 = false) {
  const fs::path file = work().file("build.zip");
  {
    zd::zip_writer zip(file);
    if (zip64) zip.force_zip64_for_testing();
    for (const member& m : members) {
      zd::zip_member_options o;
      o.method = m.deflate ? zd::zip_method::deflated : zd::zip_method::stored;
      zip.add_member(m.name, m.content, o);
    }
    zip.finish();
  }
  return read_file(file);
}

/// The members of an archive, in order, with their content.
std::vector<member> members_of(const bytes& archive) {
  const fs::path file = work().file("members.zip");
  write_file(file, archive);
  const zd::zip_reader zip(file);
  std::vector<member> out;
  for (const zd::zip_entry& e : zip.entries())
    out.push_back({e.name, zip.read(e), e.method == static_cast<std::uint16_t>(zd::zip_method::deflated)});
  return out;
}

/// The directory entries of an archive, and where its records are.
struct layout {
  std::vector<zd::zip_entry> entries;
  std::map<std::string, std::size_t> central;  // member name -> offset of its central directory header
  std::size_t central_directory = 0;           // offset of the central directory
  std::size_t end_record = 0;                  // offset of the end of central directory record

  const zd::zip_entry& entry(const std::string& name) const {
    for (const auto& e : entries)
      if (e.name == name) return e;
    throw std::runtime_error("no member " + name);
  }
};

layout layout_of(const bytes& archive) {
  const fs::path file = work().file("layout.zip");
  write_file(file, archive);
  const zd::zip_reader zip(file);
  layout out;
  out.entries = zip.entries();
  out.end_record = archive.size() - zd::zip_eocd_size;  // no archive comment
  std::size_t pos = 0;
  const std::uint64_t offset32 = load_le(archive, out.end_record + 16, 4);
  if (offset32 != zd::zip32_sentinel) {
    pos = static_cast<std::size_t>(offset32);
  } else {  // the Zip64 record, which the locator before the end record points to
    const std::size_t record = load_le(archive, out.end_record - zd::zip64_locator_size + 8, 8);
    pos = static_cast<std::size_t>(load_le(archive, record + 48, 8));
  }
  out.central_directory = pos;
  for (const auto& e : out.entries) {
    out.central[e.name] = pos;
    pos += zd::zip_central_header_size + load_le(archive, pos + 28, 2) + load_le(archive, pos + 30, 2) +
           load_le(archive, pos + 32, 2);
  }
  return out;
}

/// Replaces every occurrence of `from` by `to` (same length) in the archive
/// bytes: a member name in its local and its central header.
bytes replace_bytes(bytes archive, std::string_view from, std::string_view to) {
  if (from.size() != to.size()) throw std::logic_error("replace_bytes needs equal lengths");
  const bytes f = to_bytes(from), t = to_bytes(to);
  std::size_t found = 0;
  for (auto it = archive.begin(); (it = std::search(it, archive.end(), f.begin(), f.end())) != archive.end();) {
    std::copy(t.begin(), t.end(), it);
    it += static_cast<std::ptrdiff_t>(t.size());
    ++found;
  }
  if (found == 0) throw std::logic_error("replace_bytes: '" + std::string(from) + "' not found");
  return archive;
}

/// `members` with the content of `name` replaced (nullopt drops the member).
std::vector<member> with(std::vector<member> members, const std::string& name, std::optional<bytes> content) {
  for (auto it = members.begin(); it != members.end(); ++it)
    if (it->name == name) {
      if (content)
        it->content = std::move(*content);
      else
        members.erase(it);
      return members;
    }
  throw std::logic_error("no member " + name);
}

/// A saved sample, with the metadata made reproducible: fixed timestamp and
/// system information. Member order, content and compression are the writer's.
std::vector<member> saved_sample(bool compress) {
  const fs::path file = zanj::save(zanj_corpus::make_sample(), work().file("sample.zanj"),
                                   zanj_corpus::corpus_options(compress));
  std::vector<member> members = members_of(read_file(file));
  for (member& m : members) {
    if (m.name != "__zanj_meta__.json") continue;
    zanj::value meta = zanj::json::parse(std::string_view(reinterpret_cast<const char*>(m.content.data()), m.content.size()));
    meta.as_object().insert_or_assign("sysinfo", zanj::object{{"cpp", zanj::object{{"implementation", "zanj-cpp"}}}});
    meta.as_object().insert_or_assign("timestamp", 0.0);
    m.content = to_bytes(zanj::json::to_string(meta));
  }
  return members;
}

std::string text_of(const std::vector<member>& members, const std::string& name) {
  for (const member& m : members)
    if (m.name == name) return std::string(reinterpret_cast<const char*>(m.content.data()), m.content.size());
  throw std::logic_error("no member " + name);
}

/// The document of the sample with `from` replaced by `to` (which must occur once).
bytes edited_document(const std::vector<member>& members, std::string_view from, std::string_view to) {
  std::string doc = text_of(members, "__zanj__.json");
  const auto at = doc.find(from);
  if (at == std::string::npos || doc.find(from, at + 1) != std::string::npos)
    throw std::logic_error("edited_document: '" + std::string(from) + "' must occur exactly once");
  doc.replace(at, from.size(), to);
  return to_bytes(doc);
}

/// A .npy of version 1.0 with exactly this header dict (padded to 64 bytes) and data.
bytes npy_with_header(std::string_view dict, std::span<const std::byte> data) {
  std::string header(dict);
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += static_cast<char>(header.size() & 0xFF);
  out += static_cast<char>((header.size() >> 8) & 0xFF);
  bytes result = to_bytes(out + header);
  result.insert(result.end(), data.begin(), data.end());
  return result;
}

/// The data of the sample's values (8 float64).
bytes values_data() {
  bytes out(8 * sizeof(double));
  for (int i = 0; i < 8; ++i) {
    const double v = 0.5 * i;
    std::memcpy(out.data() + static_cast<std::size_t>(i) * sizeof(double), &v, sizeof v);
  }
  return out;
}

// ---------------------------------------------------------------------------

/// One row of MANIFEST.tsv. Expected messages leave out the "zanj: <file>: "
/// that starts every message naming the file; "=" repeats the read column,
/// "-" means not checked, "ok" (verify) that `zanj verify` finds nothing.
struct entry {
  std::string file;
  std::string broken;
  std::string read_as;  // value, sample (the struct of corpus_types.hpp), npy (npy::read of the bytes)
  std::string read;     // the error of zanj::read<T> (npy: of npy::read)
  std::string archive = "=";  // the error of zanj::archive(file).get<T>("")
  std::string verify = "=";   // a line `zanj verify` prints
};

class corpus {
 public:
  explicit corpus(fs::path dir) : dir_(std::move(dir)) {}

  void add(const bytes& content, entry e) {
    if (e.file.find('\t') != std::string::npos) throw std::logic_error("tab in a file name");
    for (const std::string* field : {&e.broken, &e.read, &e.archive, &e.verify})
      if (field->find_first_of("\t\n") != std::string::npos) throw std::logic_error(e.file + ": tab or newline");
    if (e.read_as == "npy") e.archive = e.verify = "-";
    write_file(dir_ / e.file, content);
    entries_.push_back(std::move(e));
  }

  void write_manifest() const {
    std::ofstream out(dir_ / "MANIFEST.tsv", std::ios::trunc);
    out << "# The corrupt-file corpus: every file of this folder (but the generator's sources) and the error each\n"
           "# reader gives. Written by make_corpus.cpp; read by tests/test_corrupt_corpus.cpp and tests/cli.\n"
           "# Messages follow 'zanj: <file>: ' (npy rows: 'zanj: '). '=' repeats the read column, '-' is not\n"
           "# checked, 'ok' means zanj verify finds no problem (it does not know the C++ type).\n"
           "# file\tbroken\tread_as\tread\tarchive\tverify\n";
    for (const entry& e : entries_)
      out << e.file << '\t' << e.broken << '\t' << e.read_as << '\t' << e.read << '\t' << e.archive << '\t'
          << e.verify << '\n';
    if (!out) throw std::runtime_error("cannot write the manifest");
  }

 private:
  fs::path dir_;
  std::vector<entry> entries_;
};

// ---------------------------------------------------------------------------

void truncations(corpus& c) {
  const bytes stored = build(saved_sample(false));
  const layout l = layout_of(stored);
  const std::string no_end = "not a zip archive (no end of central directory record)";
  const auto cut = [&](const bytes& whole, std::size_t at) { return bytes(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(at)); };
  const zd::zip_entry& values = l.entry("values.npy");

  c.add({}, {"truncated_empty.zanj", "an empty file", "value", "not a zip archive (file is only 0 bytes)"});
  c.add(cut(stored, 20), {"truncated_in_local_header.zanj", "cut 20 bytes into the first local header", "value",
                          "not a zip archive (file is only 20 bytes)"});
  c.add(cut(stored, l.entries[0].data_offset),
        {"truncated_after_local_header.zanj", "cut after the first local header and its name", "value", no_end});
  c.add(cut(stored, values.local_header_offset),
        {"truncated_at_member.zanj", "cut where the local header of values.npy starts", "value", no_end});
  c.add(cut(stored, values.data_offset + values.compressed_size / 2),
        {"truncated_in_member_data.zanj", "cut in the middle of the data of values.npy", "value", no_end});
  c.add(cut(stored, l.central_directory),
        {"truncated_at_central_directory.zanj", "cut where the central directory starts", "value", no_end});
  c.add(cut(stored, l.central_directory + 30),
        {"truncated_in_central_directory.zanj", "cut 30 bytes into the central directory", "value", no_end});
  c.add(cut(stored, l.end_record),
        {"truncated_at_end_record.zanj", "cut where the end of central directory record starts", "value", no_end});
  c.add(cut(stored, stored.size() - 1),
        {"truncated_in_end_record.zanj", "the last byte of the end record missing", "value", no_end});

  // Zip64: record, locator, end record.
  const bytes zip64 = build(saved_sample(false), true);
  const std::size_t end = zip64.size() - zd::zip_eocd_size, locator = end - zd::zip64_locator_size,
                    record = locator - zd::zip64_eocd_size;
  c.add(cut(zip64, record), {"zip64_truncated_at_record.zanj", "Zip64 records: cut where the Zip64 end record starts",
                             "value", no_end});
  c.add(cut(zip64, record + 30),
        {"zip64_truncated_in_record.zanj", "Zip64 records: cut 30 bytes into the Zip64 end record", "value", no_end});
  c.add(cut(zip64, locator + 10),
        {"zip64_truncated_in_locator.zanj", "Zip64 records: cut 10 bytes into the Zip64 locator", "value", no_end});
  c.add(cut(zip64, end + 10),
        {"zip64_truncated_in_end_record.zanj", "Zip64 records: cut 10 bytes into the end record", "value", no_end});

  bytes b = zip64;
  store_le(b, locator + 8, zip64.size(), 8);
  c.add(b, {"zip64_locator_points_outside.zanj", "the Zip64 locator points past the end of the file", "value",
            "Zip64 end of central directory record lies outside the file"});
  b = zip64;
  b[record] = std::byte{'X'};
  c.add(b, {"zip64_bad_record_signature.zanj", "the Zip64 end record's signature is damaged", "value",
            "bad Zip64 end of central directory signature"});
  b = zip64;
  store_le(b, record + 32, 999, 8);
  store_le(b, record + 24, 999, 8);
  c.add(b, {"zip64_entry_count_lies.zanj", "the Zip64 end record claims 999 entries", "value",
            "central directory too small for 999 entries"});
}

void bad_crcs(corpus& c) {
  const bytes stored = build(saved_sample(false));
  const layout l = layout_of(stored);
  const zd::zip_entry& values = l.entry("values.npy");
  bytes b = stored;
  b[values.data_offset + values.compressed_size - 1] ^= std::byte{0x01};  // the last byte of the last value
  std::uint32_t computed = zd::crc32_update(0, std::span(b).subspan(values.data_offset, values.compressed_size));
  c.add(b, {"crc_npy_data.zanj", "one bit of the data of values.npy flipped", "value",
            "at /values: member 'values.npy': CRC-32 mismatch (stored " + hex32(values.crc32) + ", computed " +
                hex32(computed) + ")"});

  const zd::zip_entry& doc = l.entry("__zanj__.json");
  b = stored;
  store_le(b, l.central.at("__zanj__.json") + 16, doc.crc32 ^ 0x80000000u, 4);
  c.add(b, {"crc_document_field.zanj", "the CRC-32 of __zanj__.json in the central directory is wrong", "value",
            "member '__zanj__.json': CRC-32 mismatch (stored " + hex32(doc.crc32 ^ 0x80000000u) + ", computed " +
                hex32(doc.crc32) + ")"});

  const bytes deflated = build(saved_sample(true));
  const layout ld = layout_of(deflated);
  const zd::zip_entry& tags = ld.entry("tags.jsonl");
  b = deflated;
  store_le(b, ld.central.at("tags.jsonl") + 16, tags.crc32 + 1, 4);
  c.add(b, {"crc_deflated_jsonl.zanj", "the CRC-32 of the deflated tags.jsonl is wrong", "value",
            "at /tags: member 'tags.jsonl': CRC-32 mismatch (stored " + hex32(tags.crc32 + 1) + ", computed " +
                hex32(tags.crc32) + ")"});
}

void bad_offsets(corpus& c) {
  const bytes stored = build(saved_sample(false));
  const layout l = layout_of(stored);
  const zd::zip_entry& values = l.entry("values.npy");
  const std::size_t values_central = l.central.at("values.npy");
  const std::size_t directory_size = l.end_record - l.central_directory;

  bytes b = stored;
  store_le(b, l.end_record + 16, stored.size(), 4);
  c.add(b, {"offset_directory_past_end.zanj", "the end record puts the central directory past the end of the file",
            "value",
            "central directory (offset " + std::to_string(stored.size()) + ", size " + std::to_string(directory_size) +
                ") lies outside the file"});
  b = stored;
  store_le(b, l.end_record + 16, l.central_directory - 1, 4);
  c.add(b, {"offset_directory_off_by_one.zanj", "the central directory offset is one byte early", "value",
            "bad central directory signature at entry 0"});
  b = stored;
  store_le(b, values_central + 42, values.local_header_offset + 1, 4);
  c.add(b, {"offset_local_header_off_by_one.zanj", "the local header offset of values.npy is one byte late", "value",
            "member 'values.npy': bad local header signature"});
  b = stored;
  store_le(b, values_central + 42, l.central_directory, 4);
  c.add(b, {"offset_local_header_in_directory.zanj", "the local header offset of values.npy points into the central "
            "directory", "value",
            "member 'values.npy': local header offset " + std::to_string(l.central_directory) +
                " lies outside the member area"});
  b = stored;
  store_le(b, values_central + 20, 100000, 4);
  store_le(b, values_central + 24, 100000, 4);
  c.add(b, {"offset_data_past_directory.zanj", "values.npy claims 100000 bytes, running into the central directory",
            "value", "member 'values.npy': member data (100000 bytes) extends past the member area"});
  b = stored;
  store_le(b, l.end_record + 8, 500, 2);
  store_le(b, l.end_record + 10, 500, 2);
  c.add(b, {"entry_count_lies.zanj", "the end record claims 500 entries", "value",
            "central directory too small for 500 entries"});
}

void overlaps(corpus& c) {
  // A stored member whose content is a copy of values.npy's local header
  // and data, and a directory entry for values.npy pointing at that copy:
  // two entries sharing bytes, the zip bomb by overlap.
  std::vector<member> members = saved_sample(false);
  const bytes intact = build(members);
  const layout l = layout_of(intact);
  const zd::zip_entry& values = l.entry("values.npy");
  const bytes copy(intact.begin() + static_cast<std::ptrdiff_t>(values.local_header_offset),
                   intact.begin() + static_cast<std::ptrdiff_t>(values.data_offset + values.compressed_size));
  members.insert(members.end() - 1, member{"cover.bin", copy, false});  // before the last member
  bytes b = build(members);
  const layout lc = layout_of(b);
  const zd::zip_entry& cover = lc.entry("cover.bin");
  store_le(b, lc.central.at("values.npy") + 42, cover.data_offset, 4);
  c.add(b, {"overlap_header_inside_member.zanj", "values.npy's directory entry points at a copy of its local header "
            "inside the data of cover.bin", "value",
            "member 'values.npy': overlaps member 'cover.bin': its local header at offset " +
                std::to_string(cover.data_offset) + " lies inside bytes " + std::to_string(cover.local_header_offset) +
                ".." + std::to_string(cover.data_offset + cover.compressed_size) +
                " (overlapping members are refused)"});

  // The first member claims enough bytes to cover the next local header.
  b = intact;
  const zd::zip_entry& first = l.entries[0];
  const zd::zip_entry& second = l.entries[1];
  const std::uint64_t longer = second.data_offset + 10 - first.data_offset;
  store_le(b, l.central.at(first.name) + 20, longer, 4);
  store_le(b, l.central.at(first.name) + 24, longer, 4);
  c.add(b, {"overlap_size_covers_next.zanj", "the first member's sizes reach into the second member", "value",
            "member '" + second.name + "': overlaps member '" + first.name + "': its local header at offset " +
                std::to_string(second.local_header_offset) + " lies inside bytes " +
                std::to_string(first.local_header_offset) + ".." + std::to_string(first.data_offset + longer) +
                " (overlapping members are refused)"});
}

void npy_lies(corpus& c) {
  const std::vector<member> members = saved_sample(false);
  const std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (8,), }";
  const auto in_archive = [&](const bytes& npy) { return build(with(members, "values.npy", npy)); };

  bytes npy = npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (9,), }", values_data());
  c.add(in_archive(npy), {"npy_shape_larger_than_data.zanj", "values.npy's header says 9 elements, its data holds 8",
                          "value", "at /values: member 'values.npy': npy: data is shorter than declared: shape (9,) "
                          "needs 72 bytes, 64 present"});
  npy = npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }", values_data());
  c.add(in_archive(npy), {"npy_shape_disagrees_with_reference.zanj", "values.npy holds shape (4, 2), the reference "
                          "object says [8]", "value", "at /values: member 'values.npy': the .npy header's shape [4, 2] "
                          "disagrees with the reference's [8]",
                          "=", "at /values: member 'values.npy': reference states shape [8], the .npy holds [4, 2]"});
  npy = npy_with_header("{'descr': '<x8', 'fortran_order': False, 'shape': (8,), }", values_data());
  c.add(in_archive(npy), {"npy_bad_descr.zanj", "values.npy has the descr '<x8'", "value",
                          "at /values: member 'values.npy': npy: unsupported descr '<x8' (only bool, integer, "
                          "float16/32/64 and complex64/128 elements can be read)"});
  npy = npy_with_header(header, values_data());
  store_le(npy, 8, 0xFFFF, 2);
  c.add(in_archive(npy), {"npy_header_length_beyond_member.zanj", "values.npy's header length is 65535, past the "
                          "member's end", "value", "at /values: member 'values.npy': npy: header length 65535 runs "
                          "past the end of the file (" + std::to_string(npy.size()) + " bytes)"});
  c.add(in_archive(to_bytes("not an array")), {"npy_not_npy.zanj", "values.npy holds text", "value",
                                               "at /values: member 'values.npy': npy: not a .npy file (bad or "
                                               "truncated magic)"});

  // Plain .npy files, read with npy::read.
  c.add(to_bytes("\x93NUM"), {"npy_truncated_magic.npy", "4 bytes of the magic", "npy",
                              "npy: not a .npy file (bad or truncated magic)"});
  npy = npy_with_header(header, values_data());
  npy[6] = std::byte{4};
  c.add(npy, {"npy_unsupported_version.npy", "format version 4.0", "npy", "npy: unsupported format version 4.0"});
  c.add(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (9,), }", values_data()),
        {"npy_shape_larger_than_data.npy", "the header says 9 float64, the data holds 8", "npy",
         "npy: data is shorter than declared: shape (9,) needs 72 bytes, 64 present"});
  c.add(npy_with_header("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (8,), }", values_data()),
        {"npy_structured_descr.npy", "a structured dtype (a list descr)", "npy",
         "npy header: structured dtypes (a list descr) are not supported (at offset 10 of the header dict)"});
  c.add(npy_with_header("{'descr': '<f8', 'fortran_order': 0, 'shape': (8,), }", values_data()),
        {"npy_fortran_order_not_bool.npy", "fortran_order is 0, not a bool", "npy",
         "npy header: fortran_order is not True or False (at offset 34 of the header dict)"});
  c.add(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (-8,), }", values_data()),
        {"npy_negative_dimension.npy", "a negative dimension", "npy",
         "npy header: negative dimension in shape (at offset 51 of the header dict)"});
  c.add(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }",
                        values_data()),
        {"npy_shape_overflows.npy", "a shape whose size overflows 64 bits", "npy",
         "npy: shape (4294967296, 4294967296, 4294967296) is too large (size overflows)"});
  npy = npy_with_header(header, values_data());
  store_le(npy, 8, 0xFFFF, 2);
  c.add(npy, {"npy_header_length_beyond_file.npy", "the header length runs past the end of the file", "npy",
              "npy: header length 65535 runs past the end of the file (" + std::to_string(npy.size()) + " bytes)"});
  std::string long_dict(header);
  long_dict.insert(long_dict.size() - 1, std::string(10000, ' '));  // whitespace numpy would accept
  npy = npy_with_header(long_dict, values_data());
  c.add(npy, {"npy_header_over_limit.npy", "a header dict padded to " + std::to_string(npy.size() - 64 - 10) +
              " bytes, over numpy's limit", "npy",
              "npy: header length " + std::to_string(npy.size() - 64 - 10) +
                  " is over the limit of 10000 bytes (options.limits.max_npy_header_length)"});
}

void type_confusions(corpus& c) {
  const std::vector<member> members = saved_sample(false);
  const auto document = [&](std::string_view from, std::string_view to) {
    return build(with(members, "__zanj__.json", edited_document(members, from, to)));
  };
  c.add(document("\"count\": 7", "\"count\": \"7\""),
        {"type_string_for_int.zanj", "the int field count holds the string \"7\"", "sample",
         "at /count: expected int32, found string", "=", "ok"});
  c.add(document("\"name\": \"corpus\"", "\"name\": [\"corpus\"]"),
        {"type_list_for_string.zanj", "the string field name holds a list", "sample",
         "at /name: expected string, found list", "=", "ok"});
  c.add(build(with(members, "__zanj__.json", to_bytes("[1, 2]"))),
        {"type_list_for_struct.zanj", "the document is a list, the struct wants an object", "sample",
         "expected an object for sample, found list", "=", "-"});
  c.add(document("\"sample(SerializableDataclass)\"", "\"other(SerializableDataclass)\""),
        {"type_other_dataclass.zanj",
         "the document is a dataclass object of another class (an error with on_type_name_mismatch = except)", "sample",
         "expected 'sample(SerializableDataclass)' object, found 'other(SerializableDataclass)' object", "=", "ok"});
  const std::string inline_array =
      R"({"__muutils_format__": "numpy.ndarray:array_list_meta", "shape": [8], "dtype": "float64", "data": "abc"})";
  // The reference object of values, replaced by an inline array whose data is a string.
  std::string doc = text_of(members, "__zanj__.json");
  const auto start = doc.find("\"values\": {");
  const auto stop = doc.find('}', start);
  if (start == std::string::npos || stop == std::string::npos) throw std::logic_error("no values reference");
  doc.replace(start, stop + 1 - start, "\"values\": " + inline_array);
  c.add(build(with(with(members, "__zanj__.json", to_bytes(doc)), "values.npy", std::nullopt)),
        {"type_array_data_not_list.zanj", "an inline array object whose data is a string, not a list", "value",
         "at /values: array 'data' does not match its shape", "=",
         "at /values: member 'values.npy': externals_info lists a member the archive lacks"});
  doc = text_of(members, "__zanj__.json");
  doc.replace(start, stop + 1 - start,
              R"("values": {"__muutils_format__": "numpy.ndarray:array_list_meta", "shape": [-1], "dtype": "float64", "data": []})");
  c.add(build(with(with(members, "__zanj__.json", to_bytes(doc)), "values.npy", std::nullopt)),
        {"type_array_negative_shape.zanj", "an inline array object with shape [-1]", "value",
         "at /values: array 'shape' holds something other than a non-negative integer", "=",
         "at /values: member 'values.npy': externals_info lists a member the archive lacks"});
}

void references(corpus& c) {
  const std::vector<member> members = saved_sample(false);
  c.add(build(with(members, "values.npy", std::nullopt)),
        {"ref_missing_member.zanj", "the $ref of values names a member the archive lacks", "value",
         "at /values: member 'values.npy': missing member", "=",
         "at /values: member 'values.npy': dangling reference: no such member"});
  const std::string self = R"({"__muutils_format__": "list:external", "$ref": "tags.jsonl"})";
  c.add(build(with(members, "tags.jsonl", to_bytes("\"t0\"\n" + self + "\n"))),
        {"ref_loop_self.zanj", "line 2 of tags.jsonl refers to tags.jsonl", "value",
         "at /tags/1: member 'tags.jsonl': reference loop: member 'tags.jsonl' refers back to itself", "=",
         "at /tags/1: member 'tags.jsonl': member is referenced a second time (first at /tags)"});
  std::vector<member> pair = with(members, "tags.jsonl",
                                  to_bytes(R"({"__muutils_format__": "list:external", "$ref": "more.jsonl"})" "\n"));
  pair.insert(pair.end() - 1,
              member{"more.jsonl", to_bytes(R"({"__muutils_format__": "list:external", "$ref": "tags.jsonl"})" "\n")});
  c.add(build(pair), {"ref_loop_pair.zanj", "tags.jsonl refers to more.jsonl, which refers back to tags.jsonl", "value",
                      "at /tags/0/0: member 'tags.jsonl': reference loop: member 'tags.jsonl' refers back to itself",
                      "=", "at /tags/0/0: member 'tags.jsonl': member is referenced a second time (first at /tags)"});
  c.add(build(with(members, "__zanj__.json", edited_document(members, "\"$ref\": \"values.npy\"", "\"$ref\": 17"))),
        {"ref_not_a_string.zanj", "the $ref of values is a number", "value",
         "at /values: external reference without a '$ref' member name", "=",
         "at /values: external reference without a '$ref' member name"});
}

void names(corpus& c) {
  std::vector<member> members = saved_sample(false);
  // "bad\xc3\xa9.bin" is written with the UTF-8 flag (it is not ASCII); then
  // its second byte is damaged, in the local and the central header.
  members.insert(members.end() - 1, member{"bad\xc3\xa9.bin", to_bytes("x"), false});
  c.add(replace_bytes(build(members), "bad\xc3\xa9", "bad\xc3\xff"),
        {"name_bad_utf8.zanj", "a member name with a malformed UTF-8 sequence and the UTF-8 flag set", "value",
         "member 'bad\\xc3\\xff.bin': member name is not valid UTF-8, although its UTF-8 flag is set"});

  members = saved_sample(false);
  members.insert(members.end() - 1, member{"values.np_", to_bytes("x"), false});
  c.add(replace_bytes(build(members), "values.np_", "values.npy"),
        {"name_duplicate.zanj", "two members named values.npy", "value", "member 'values.npy': duplicate member name"});

  const bytes stored = build(saved_sample(false));
  const layout l = layout_of(stored);
  bytes b = stored;
  b[l.entry("values.npy").local_header_offset + zd::zip_local_header_size] = std::byte{'V'};
  c.add(b, {"name_local_differs.zanj", "the local header of values.npy names Values.npy", "value",
            "member 'values.npy': local header name differs from the central directory"});
}

void bombs_and_methods(corpus& c) {
  const bytes deflated = build(saved_sample(true));
  const layout l = layout_of(deflated);
  const zd::zip_entry& doc = l.entry("__zanj__.json");
  bytes b = deflated;
  store_le(b, l.central.at("__zanj__.json") + 24, 0xFFFFFFF0u, 4);
  c.add(b, {"bomb_ratio.zanj", "__zanj__.json declares 4 GiB from a few hundred bytes of deflate data", "value",
            "member '__zanj__.json': declared uncompressed size 4294967280 for " + std::to_string(doc.compressed_size) +
                " compressed bytes is a ratio over the limit of 1100 (options.limits.max_compression_ratio)"});
  b = deflated;
  for (std::size_t i = 0; i < 4; ++i) b[doc.data_offset + i] = std::byte{0xFF};
  c.add(b, {"deflate_corrupt.zanj", "the deflate data of __zanj__.json starts with an invalid block type", "value",
            "member '__zanj__.json': corrupt deflate data"});
  b = deflated;
  store_le(b, l.central.at("__zanj__.json") + 10, 12, 2);
  c.add(b, {"method_unsupported.zanj", "__zanj__.json says compression method 12 (bzip2)", "value",
            "member '__zanj__.json': unsupported compression method 12 (only stored and deflate)"});
  b = deflated;
  b[l.central.at("values.npy") + 8] |= std::byte{0x01};
  c.add(b, {"member_encrypted.zanj", "values.npy has the encryption flag", "value",
            "member 'values.npy': encrypted members are not supported"});
}

void documents(corpus& c) {
  const std::vector<member> members = saved_sample(false);
  c.add(to_bytes("just some text, not a zip archive\n"),
        {"not_a_zip.zanj", "a text file", "value", "not a zip archive (no end of central directory record)"});
  c.add(build(with(members, "__zanj__.json", std::nullopt)),
        {"document_missing.zanj", "no __zanj__.json member", "value",
         "member '__zanj__.json': not a zanj archive: no member '__zanj__.json'", "=",
         "member '__zanj__.json': not a zanj archive: member missing"});
  c.add(build(with(members, "__zanj__.json", to_bytes("{oops"))),
        {"document_not_json.zanj", "__zanj__.json holds '{oops'", "value",
         "member '__zanj__.json': invalid JSON at line 1, column 2: expecting a property name in double quotes"});
  std::string pointer;
  for (int i = 0; i < 1000; ++i) pointer += "/0";
  c.add(build(with(members, "__zanj__.json", to_bytes(std::string(1001, '[') + std::string(1001, ']')))),
        {"document_nested_too_deep.zanj", "__zanj__.json nests 1001 lists", "value",
         "at " + pointer + ": member '__zanj__.json': JSON at line 1, column 1001: nesting over the limit of 1000 "
         "levels (options.limits.max_json_depth)"});
  c.add(build(with(members, "tags.jsonl", to_bytes("\"t0\"\n\"t1\"\n\n\"t3\"\n"))),
        {"jsonl_blank_line.zanj", "line 3 of tags.jsonl is blank", "value",
         "at /tags/2: member 'tags.jsonl': blank line 3 in jsonl member"});
  c.add(build(with(members, "tags.jsonl", to_bytes("\"t0\"\n\"t1\n"))),
        {"jsonl_bad_line.zanj", "line 2 of tags.jsonl is an unterminated string", "value",
         "at /tags/1: member 'tags.jsonl': line 2: invalid JSON at line 1, column 4: unterminated string"});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_corrupt_corpus <folder>\n";
    return 2;
  }
  try {
    const fs::path dir = argv[1];
    fs::create_directories(dir);
    // Start from an empty corpus, keeping the sources that live beside it.
    for (const auto& f : fs::directory_iterator(dir)) {
      const std::string ext = f.path().extension().string();
      if (ext == ".zanj" || ext == ".npy") fs::remove(f.path());
    }
    corpus c(dir);
    truncations(c);
    bad_crcs(c);
    bad_offsets(c);
    overlaps(c);
    npy_lies(c);
    type_confusions(c);
    references(c);
    names(c);
    bombs_and_methods(c);
    documents(c);
    c.write_manifest();
  } catch (const std::exception& e) {
    std::cerr << "make_corrupt_corpus: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
