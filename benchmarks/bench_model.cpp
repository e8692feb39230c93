// W6: a configured model (an MLP of 8.4 M float32 parameters, four .npy
// members, and 1000 training records), saved and read back whole, stored and
// deflated; one weight matrix read lazily; the zero-copy view of it. Set
// against the machine's limits for the payload bytes (harness.hpp).

#include <memory>
#include <stdexcept>
#include <string>

#include <zanj/archive.hpp>
#include <zanj/model.hpp>

#include "harness.hpp"
#include "workloads.hpp"

namespace zanj_bench {
namespace {

constexpr const char* weight = "/state_dict/net.0.weight";

void register_all() {
  for (bool compress : {false, true}) {
    const std::string mode = compress ? "deflated" : "stored";
    zanj::options opts;
    opts.compress = compress;
    // torch.save does not fsync; the default save does (options::sync), so
    // the stored save is also timed without it (save/stored-nosync).
    for (bool sync : {true, false}) {
      if (!sync && compress) continue;
      zanj::options save_opts = opts;
      save_opts.sync = sync;
      register_case("W6/save/" + mode + (sync ? "" : "-nosync"), [=] {
        auto m = std::make_shared<const MLP>(make_w6());
        const fs::path file = scratch::instance().file("save.zanj");
        timed_case c;
        c.prepare = [file] { remove_file(file); };
        c.step = [m, file, save_opts] {
          m->save(file, save_opts);
          return kept_result{};
        };
        c.info = [m, file] { return case_info{payload_bytes(*m), size_of_file(file), {}, {}}; };
        return c;
      });
    }
    register_case("W6/read/" + mode, [=] {
      auto m = std::make_shared<const MLP>(make_w6());
      const fs::path file = scratch::instance().file("read.zanj");
      m->save(file, opts);
      if (!same_model(MLP::read(file), *m)) throw std::runtime_error("W6 read back differs");
      timed_case c;
      c.step = [file] { return keep(MLP::read(file)); };
      c.info = [m, file] { return case_info{payload_bytes(*m), size_of_file(file), {}, {}}; };
      return c;
    });
    register_case("W6/lazy/" + mode, [=] {
      auto m = std::make_shared<const MLP>(make_w6());
      const fs::path file = scratch::instance().file("lazy.zanj");
      m->save(file, opts);
      if (zanj::archive(file).get<zanj::ndarray<float>>(weight) != m->w0)
        throw std::runtime_error("W6 net.0.weight read back differs");
      timed_case c;
      c.step = [file] {
        zanj::archive a(file);
        return keep(a.get<zanj::ndarray<float>>(weight));
      };
      c.info = [m, file] { return case_info{m->w0.size() * sizeof(float), size_of_file(file), {}, {}}; };
      return c;
    });
  }
  register_case("W6/view/stored", [] {
    auto m = std::make_shared<const MLP>(make_w6());
    const fs::path file = scratch::instance().file("view.zanj");
    zanj::options opts;
    opts.compress = false;
    m->save(file, opts);
    if (!zanj::archive(file).view<float>(weight).zero_copy()) throw std::runtime_error("W6: the view is not zero-copy");
    timed_case c;
    c.step = [file] {
      zanj::archive a(file);
      auto v = a.view<float>(weight);
      float last = v.data()[v.size() - 1];
      benchmark::DoNotOptimize(last);
      return kept_result{};
    };
    c.info = [m, file] { return case_info{m->w0.size() * sizeof(float), size_of_file(file), {}, {}}; };
    c.fresh_bytes = 64 * mib;
    return c;
  });
}

}  // namespace
}  // namespace zanj_bench

int main(int argc, char** argv) { return zanj_bench::run_main(argc, argv, zanj_bench::register_all); }
