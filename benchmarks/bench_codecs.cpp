// The codecs alone, without the archive around them:
//   - the JSON text of W3 (every record inline): written from a zanj::value
//     and parsed back, in MB/s of text;
//   - the .npy codec on W1's array: npy::write and npy::read;
//   - deflate on W7 (compressible) and W2 (smooth, barely compressible):
//     zlib through Boost.Iostreams (the library's zlib path), libdeflate and
//     Intel ISA-L at several levels, compress and inflate, each set against
//     single-thread zlib level 6 on the same bytes (x_zlib6_deflate,
//     x_zlib_inflate) and reporting its size ratio;
//   - CRC-32 over W1's bytes: zlib, libdeflate, ISA-L.
// libdeflate and ISA-L cases exist when benchmarks/CMakeLists.txt found them.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <zlib.h>

#include <zanj/detail/deflate.hpp>
#include <zanj/detail/zip_common.hpp>
#include <zanj/json.hpp>
#include <zanj/model.hpp>
#include <zanj/npy.hpp>

#if ZANJ_BENCH_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#if ZANJ_BENCH_HAVE_ISAL
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#endif

#include "harness.hpp"
#include "workloads.hpp"
#include "zlib_reference.hpp"

namespace zanj_bench {
namespace {

using bytes = std::vector<std::byte>;

// ---------------------------------------------------------------------------
// JSON

/// W3 as one inline document: the text the library writes for it, records and all.
zanj::value w3_document() { return zanj::detail::saved_inline(make_w3()); }

void register_json() {
  register_case("W3/json/write", [] {
    auto doc = std::make_shared<const zanj::value>(w3_document());
    const std::size_t size = zanj::json::to_string(*doc).size();
    timed_case c;
    c.step = [doc] { return keep(zanj::json::to_string(*doc)); };
    c.info = [size] { return case_info{size, 0, {}, {}}; };
    c.fresh_bytes = 256 * mib;
    return c;
  });
  register_case("W3/json/parse", [] {
    auto text = std::make_shared<const std::string>(zanj::json::to_string(w3_document()));
    timed_case c;
    c.step = [text] { return keep(zanj::json::parse(*text)); };
    c.info = [text] { return case_info{text->size(), 0, {}, {}}; };
    c.fresh_bytes = 256 * mib;
    return c;
  });
}

// ---------------------------------------------------------------------------
// npy

zanj::array_value w1_array() {
  w1 w = make_w1();
  return zanj::array_value::from(std::span<const float>(w.data.elements()), {w1_rows, w1_cols});
}

void register_npy() {
  register_case("W1/npy/write", [] {
    auto a = std::make_shared<const zanj::array_value>(w1_array());
    timed_case c;
    c.step = [a] { return keep(zanj::npy::write(*a)); };
    c.info = [a] { return case_info{a->bytes.size(), 0, {}, {}}; };
    return c;
  });
  register_case("W1/npy/read", [] {
    auto file = std::make_shared<const bytes>(zanj::npy::write(w1_array()));
    timed_case c;
    c.step = [file] { return keep(zanj::npy::read(*file)); };
    c.info = [file] { return case_info{w1_rows * w1_row_bytes, 0, {}, {}}; };
    return c;
  });
}

// ---------------------------------------------------------------------------
// Deflate

/// The bytes of W7's or W2's array.
std::shared_ptr<const bytes> array_bytes(const std::string& id) {
  static std::weak_ptr<const bytes> cached;
  static std::string cached_id;
  if (auto b = cached.lock(); b && cached_id == id) return b;
  std::shared_ptr<bytes> out;
  if (id == "W7") {
    w7 w = make_w7();
    auto s = std::as_bytes(w.data.elements());
    out = std::make_shared<bytes>(s.begin(), s.end());
  } else {
    w2 w = make_w2();
    auto s = std::as_bytes(w.data.elements());
    out = std::make_shared<bytes>(s.begin(), s.end());
  }
  cached = out;
  cached_id = id;
  return out;
}

/// A compressor: raw deflate of the input into the output (resized to the
/// compressed size). An inflater: raw deflate into a buffer of the original size.
using compress_fn = std::function<void(std::span<const std::byte>, bytes&)>;
using inflate_fn = std::function<void(std::span<const std::byte>, std::span<std::byte>)>;

std::vector<std::pair<std::string, double>> zlib_refs(const std::string& id, const bytes& data) {
  const zlib_figures& z = zlib_reference(id, data);
  return {{"zlib6_deflate", z.deflate_seconds}, {"zlib_inflate", z.inflate_seconds}};
}

void register_codec(const std::string& id, const std::string& name, compress_fn compress, inflate_fn inflate) {
  register_case(id + "/deflate/" + name, [=] {
    auto data = array_bytes(id);
    auto out = std::make_shared<bytes>();
    timed_case c;
    c.step = [=] {
      compress(*data, *out);
      return kept_result{};
    };
    c.info = [=] {
      // Checked with zlib's inflate, which any zip reader stands for.
      bytes back(data->size());
      zlib_inflate({reinterpret_cast<const unsigned char*>(out->data()), out->size()}, back);
      if (back != *data) throw std::runtime_error(name + ": zlib inflates something else");
      const double z6 = static_cast<double>(zlib_reference(id, *data).compressed_bytes);
      return case_info{data->size(), 0, zlib_refs(id, *data),
                       {{"ratio", double(out->size()) / double(data->size())}, {"vs_zlib6_size", double(out->size()) / z6}}};
    };
    return c;
  });
  if (!inflate) return;
  register_case(id + "/inflate/" + name, [=] {
    auto data = array_bytes(id);
    auto packed = std::make_shared<bytes>();
    compress(*data, *packed);
    timed_case c;
    c.step = [=] {
      std::shared_ptr<std::byte[]> dest(new std::byte[data->size()]);
      inflate(*packed, {dest.get(), data->size()});
      if (std::memcmp(dest.get(), data->data(), data->size()) != 0) throw std::runtime_error(name + ": inflated bytes differ");
      return kept_result(dest);
    };
    c.info = [=] { return case_info{data->size(), 0, zlib_refs(id, *data), {}}; };
    return c;
  });
}

/// The library's zlib path: detail::raw_deflater (Boost.Iostreams' zlib filter).
compress_fn boost_zlib(int level) {
  return [level](std::span<const std::byte> in, bytes& out) {
    out.clear();
    zanj::detail::raw_deflater d(level);
    auto sink = [&](std::span<const std::byte> chunk) { out.insert(out.end(), chunk.begin(), chunk.end()); };
    d.write(in, sink);
    d.finish(sink);
  };
}

void boost_inflate(std::span<const std::byte> in, std::span<std::byte> out) { zanj::detail::inflate_into(in, out); }

#if ZANJ_BENCH_HAVE_LIBDEFLATE
compress_fn libdeflate_level(int level) {
  return [level](std::span<const std::byte> in, bytes& out) {
    libdeflate_compressor* c = libdeflate_alloc_compressor(level);
    out.resize(libdeflate_deflate_compress_bound(c, in.size()));
    out.resize(libdeflate_deflate_compress(c, in.data(), in.size(), out.data(), out.size()));
    libdeflate_free_compressor(c);
    if (out.empty()) throw std::runtime_error("libdeflate_deflate_compress failed");
  };
}
void libdeflate_inflate(std::span<const std::byte> in, std::span<std::byte> out) {
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  const auto rc = libdeflate_deflate_decompress(d, in.data(), in.size(), out.data(), out.size(), nullptr);
  libdeflate_free_decompressor(d);
  if (rc != LIBDEFLATE_SUCCESS) throw std::runtime_error("libdeflate_deflate_decompress failed");
}
#endif

#if ZANJ_BENCH_HAVE_ISAL
compress_fn isal_level(int level) {
  return [level](std::span<const std::byte> in, bytes& out) {
    isal_zstream s;
    isal_deflate_init(&s);
    std::vector<std::uint8_t> level_buffer(ISAL_DEF_LVL3_LARGE);
    s.level = static_cast<std::uint32_t>(level);
    s.level_buf = level_buffer.data();
    s.level_buf_size = static_cast<std::uint32_t>(level_buffer.size());
    out.resize(in.size() + in.size() / 8 + 65536);
    s.next_in = reinterpret_cast<std::uint8_t*>(const_cast<std::byte*>(in.data()));
    s.avail_in = static_cast<std::uint32_t>(in.size());
    s.next_out = reinterpret_cast<std::uint8_t*>(out.data());
    s.avail_out = static_cast<std::uint32_t>(out.size());
    s.end_of_stream = 1;
    s.flush = NO_FLUSH;
    if (isal_deflate(&s) != COMP_OK || s.avail_in != 0)
      throw std::runtime_error("isal_deflate failed");
    out.resize(s.total_out);
  };
}
void isal_inflate_into(std::span<const std::byte> in, std::span<std::byte> out) {
  inflate_state s;
  isal_inflate_init(&s);
  s.next_in = reinterpret_cast<std::uint8_t*>(const_cast<std::byte*>(in.data()));
  s.avail_in = static_cast<std::uint32_t>(in.size());
  s.next_out = reinterpret_cast<std::uint8_t*>(out.data());
  s.avail_out = static_cast<std::uint32_t>(out.size());
  if (isal_inflate(&s) != ISAL_DECOMP_OK || s.block_state != ISAL_BLOCK_FINISH)
    throw std::runtime_error("isal_inflate failed");
}
#endif

void register_deflate() {
  for (const std::string id : {"W7", "W2"}) {
    register_codec(id, "zlib-6", boost_zlib(6), boost_inflate);
    register_codec(id, "zlib-1", boost_zlib(1), nullptr);
#if ZANJ_BENCH_HAVE_LIBDEFLATE
    for (int level : {1, 4, 6, 9})
      register_codec(id, "libdeflate-" + std::to_string(level), libdeflate_level(level),
                     level == 6 ? inflate_fn(libdeflate_inflate) : nullptr);
#endif
#if ZANJ_BENCH_HAVE_ISAL
    for (int level : {1, 2, 3})
      register_codec(id, "isal-" + std::to_string(level), isal_level(level),
                     level == 2 ? inflate_fn(isal_inflate_into) : nullptr);
#endif
  }
}

// ---------------------------------------------------------------------------
// CRC-32

void register_crc(const std::string& name, std::function<std::uint32_t(std::span<const std::byte>)> crc) {
  register_case("W1/crc32/" + name, [=] {
    w1 w = make_w1();
    auto data = std::make_shared<bytes>(std::as_bytes(w.data.elements()).begin(), std::as_bytes(w.data.elements()).end());
    timed_case c;
    c.step = [=] {
      benchmark::DoNotOptimize(crc(*data));
      return kept_result{};
    };
    c.info = [=] { return case_info{data->size(), 0, {}, {}}; };
    return c;
  });
}

void register_all() {
  register_json();
  register_npy();
  register_deflate();
  register_crc("zlib", [](std::span<const std::byte> d) { return zanj::detail::crc32_update(0, d); });
#if ZANJ_BENCH_HAVE_LIBDEFLATE
  register_crc("libdeflate", [](std::span<const std::byte> d) { return libdeflate_crc32(0, d.data(), d.size()); });
#endif
#if ZANJ_BENCH_HAVE_ISAL
  register_crc("isal", [](std::span<const std::byte> d) {
    return crc32_gzip_refl(0, reinterpret_cast<const unsigned char*>(d.data()), d.size());
  });
#endif
}

}  // namespace
}  // namespace zanj_bench

int main(int argc, char** argv) { return zanj_bench::run_main(argc, argv, zanj_bench::register_all); }
