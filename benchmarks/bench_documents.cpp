// JSON-heavy documents: W3 (100 000 small records, inline values) and W4
// (2000 small arrays, each its own .npy member), saved and read back whole,
// stored and deflated; W4 also at 500..8000 arrays, to show that the cost
// per member does not grow with their number. Set against the machine's
// limits for the payload bytes (harness.hpp).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <zanj/read.hpp>
#include <zanj/save.hpp>

#include "harness.hpp"
#include "workloads.hpp"

namespace zanj_bench {
namespace {

/// Cases <id>/save/<mode> and <id>/read/<mode> for a workload made by `make`,
/// and with `with_nosync` <id>/save/<mode>-nosync.
template <class W, class Make, class Same>
void register_workload(const std::string& id, Make make, Same same, bool with_nosync) {
  for (bool compress : {false, true}) {
    const std::string mode = compress ? "deflated" : "stored";
    zanj::options opts;
    opts.compress = compress;
    // The default save fsyncs before renaming into place; the reference does
    // not: save/<mode>-nosync (sync = false) is the like-for-like case.
    for (bool sync : {true, false}) {
      if (!sync && !with_nosync) continue;
      zanj::options save_opts = opts;
      save_opts.sync = sync;
      register_case(id + "/save/" + mode + (sync ? "" : "-nosync"), [=] {
        auto w = std::make_shared<const W>(make());
        const fs::path file = scratch::instance().file("save.zanj");
        timed_case c;
        c.prepare = [file] { remove_file(file); };
        c.step = [w, file, save_opts] {
          zanj::save(*w, file, save_opts);
          return kept_result{};
        };
        c.info = [w, file] { return case_info{payload_bytes(*w), size_of_file(file), {}, {}}; };
        return c;
      });
    }
    register_case(id + "/read/" + mode, [=] {
      auto w = std::make_shared<const W>(make());
      const fs::path file = scratch::instance().file("read.zanj");
      zanj::save(*w, file, opts);
      if (!same(zanj::read<W>(file), *w)) throw std::runtime_error(id + " read back differs");
      timed_case c;
      c.step = [file] { return keep(zanj::read<W>(file)); };
      c.info = [w, file] { return case_info{payload_bytes(*w), size_of_file(file), {}, {}}; };
      return c;
    });
  }
}

void register_all() {
  auto same_w3 = [](const w3& a, const w3& b) { return a.records == b.records; };
  auto same_w4 = [](const w4& a, const w4& b) { return a.arrays == b.arrays; };
  register_workload<w3>("W3", [] { return make_w3(); }, same_w3, true);
  register_workload<w4>("W4", [] { return make_w4(); }, same_w4, true);
  // W4's shape with n arrays, stored: linear means the time per array stays put.
  for (std::size_t n : {500, 1000, 2000, 4000, 8000})
    register_workload<w4>("W4-" + std::to_string(n), [n] { return make_w4(n); }, same_w4, false);
}

}  // namespace
}  // namespace zanj_bench

int main(int argc, char** argv) { return zanj_bench::run_main(argc, argv, zanj_bench::register_all); }
