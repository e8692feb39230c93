// W5: a table of 1 000 000 rows (a pandas DataFrame for Python: a .jsonl
// member with one record per row), saved and read back whole, stored and
// deflated, against the machine's limits for the payload bytes.

#include <memory>
#include <stdexcept>
#include <string>

#include <zanj/read.hpp>
#include <zanj/save.hpp>

#include "harness.hpp"
#include "workloads.hpp"

namespace zanj_bench {
namespace {

void register_all() {
  for (bool compress : {false, true}) {
    const std::string mode = compress ? "deflated" : "stored";
    zanj::options opts;
    opts.compress = compress;
    // The default save fsyncs before renaming into place; pandas and the
    // reference do not: save/<mode>-nosync (sync = false) is the like-for-like case.
    for (bool sync : {true, false}) {
      zanj::options save_opts = opts;
      save_opts.sync = sync;
      register_case("W5/save/" + mode + (sync ? "" : "-nosync"), [=] {
        auto w = std::make_shared<const w5>(make_w5());
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
    register_case("W5/read/" + mode, [=] {
      auto w = std::make_shared<const w5>(make_w5());
      const fs::path file = scratch::instance().file("read.zanj");
      zanj::save(*w, file, opts);
      if (zanj::read<w5>(file).table.rows != w->table.rows) throw std::runtime_error("W5 read back differs");
      timed_case c;
      c.step = [file] { return keep(zanj::read<w5>(file)); };
      c.info = [w, file] { return case_info{payload_bytes(*w), size_of_file(file), {}, {}}; };
      return c;
    });
  }
}

}  // namespace
}  // namespace zanj_bench

int main(int argc, char** argv) { return zanj_bench::run_main(argc, argv, zanj_bench::register_all); }
