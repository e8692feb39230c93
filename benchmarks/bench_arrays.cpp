// Big arrays: W1 (noise), W2 (smooth) and W7 (compressible int16), saved
// and read back whole, stored and deflated; for W1 also one array read
// lazily and the zero-copy view. Every case is set against the machine's
// limits for the array bytes (harness.hpp); the deflated W7 cases also
// against single-thread zlib level 6 on the same bytes.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include <zanj/archive.hpp>
#include <zanj/read.hpp>
#include <zanj/save.hpp>

#include "harness.hpp"
#include "workloads.hpp"
#include "zlib_reference.hpp"

namespace zanj_bench {
namespace {

zanj::options stored() {
  zanj::options o;
  o.compress = false;
  return o;
}

template <class W>
std::span<const std::byte> data_bytes(const W& w) {
  return std::as_bytes(w.data.elements());
}

/// The workload object of one case, built on first use.
template <class W>
std::shared_ptr<const W> shared_workload(W (*make)()) {
  static std::weak_ptr<const W> cached;
  if (auto w = cached.lock()) return w;
  auto w = std::make_shared<const W>(make());
  cached = w;
  return w;
}

template <class W>
bool same(const W& a, const W& b) {
  return a.name == b.name && a.data == b.data;
}

/// Cases save/<mode> and read/<mode> (and, with lazy, lazy/<mode>,
/// save/stored-nosync and view/stored) of workload `id`.
template <class W>
void register_workload(const std::string& id, W (*make)(), bool zlib_references, bool lazy) {
  for (bool compress : {false, true}) {
    const std::string mode = compress ? "deflated" : "stored";
    zanj::options opts;
    opts.compress = compress;

    // References measured on the array bytes: only for the deflated cases.
    auto references = [id, compress, zlib_references](const W& w) {
      std::vector<std::pair<std::string, double>> refs;
      std::vector<std::pair<std::string, double>> extra;
      if (compress && zlib_references) {
        const zlib_figures& z = zlib_reference(id, data_bytes(w));
        refs = {{"zlib6_deflate", z.deflate_seconds}, {"zlib_inflate", z.inflate_seconds}};
        extra = {{"zlib6_MB", static_cast<double>(z.compressed_bytes) / 1e6}};
      }
      return std::make_pair(refs, extra);
    };

    // The default save fsyncs before renaming into place; np.save does not.
    // W1 (the lazy workload) is also saved without it, save/stored-nosync,
    // which is what the write() limit measures; its default stored save is
    // also set against write() + fsync().
    const bool with_nosync = lazy && !compress;
    for (bool sync : {true, false}) {
      if (!sync && !with_nosync) continue;
      zanj::options save_opts = opts;
      save_opts.sync = sync;
      register_case(id + "/save/" + mode + (sync ? "" : "-nosync"), [=] {
        auto w = shared_workload(make);
        const fs::path file = scratch::instance().file(id + "-save.zanj");
        timed_case c;
        c.prepare = [file] { remove_file(file); };
        c.step = [w, file, save_opts] {
          zanj::save(*w, file, save_opts);
          return kept_result{};
        };
        c.info = [w, file, references, fsync_limit = sync && with_nosync] {
          auto [refs, extra] = references(*w);
          if (fsync_limit) refs.emplace_back("write_fsync", limit_seconds(limit_kind::write_fsync, data_bytes(*w).size()));
          return case_info{data_bytes(*w).size(), size_of_file(file), refs, extra};
        };
        return c;
      });
    }

    register_case(id + "/read/" + mode, [=] {
      auto w = shared_workload(make);
      const fs::path file = scratch::instance().file(id + "-read.zanj");
      zanj::save(*w, file, opts);
      if (!same(zanj::read<W>(file), *w)) throw std::runtime_error(id + " read back differs");
      timed_case c;
      c.step = [file] { return keep(zanj::read<W>(file)); };
      c.info = [w, file, references] {
        auto [refs, extra] = references(*w);
        return case_info{data_bytes(*w).size(), size_of_file(file), refs, extra};
      };
      return c;
    });

    if (!lazy) continue;
    register_case(id + "/lazy/" + mode, [=] {
      auto w = shared_workload(make);
      const fs::path file = scratch::instance().file(id + "-lazy.zanj");
      zanj::save(*w, file, opts);
      timed_case c;
      c.step = [file] {
        zanj::archive a(file);
        return keep(a.get<zanj::ndarray<typename decltype(W::data)::value_type>>("/data"));
      };
      c.info = [w, file] { return case_info{data_bytes(*w).size(), size_of_file(file), {}, {}}; };
      return c;
    });
  }
  if (!lazy) return;
  register_case(id + "/view/stored", [=] {
    auto w = shared_workload(make);
    const fs::path file = scratch::instance().file(id + "-view.zanj");
    zanj::save(*w, file, stored());
    {
      zanj::archive a(file);
      if (!a.view<typename decltype(W::data)::value_type>("/data").zero_copy())
        throw std::runtime_error(id + ": the view is not zero-copy");
    }
    timed_case c;
    c.step = [file] {
      zanj::archive a(file);
      auto v = a.view<typename decltype(W::data)::value_type>("/data");
      auto last = v.data()[v.size() - 1];
      benchmark::DoNotOptimize(last);
      return kept_result{};
    };
    c.info = [w, file] { return case_info{data_bytes(*w).size(), size_of_file(file), {}, {}}; };
    c.fresh_bytes = 64 * mib;
    return c;
  });
}

w1 make_w1_full() { return make_w1(); }

void register_all() {
  register_limits("W1", w1_rows * w1_row_bytes);
  register_limits("W1", w1_rows * w1_row_bytes, {limit_kind::write_fsync});
  register_workload<w1>("W1", &make_w1_full, false, true);
  register_workload<w2>("W2", &make_w2, false, false);
  register_limits("W7", w1_rows * w1_cols * sizeof(std::int16_t));
  register_workload<w7>("W7", &make_w7, true, false);
}

}  // namespace
}  // namespace zanj_bench

int main(int argc, char** argv) { return zanj_bench::run_main(argc, argv, zanj_bench::register_all); }
