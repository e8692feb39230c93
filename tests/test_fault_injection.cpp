// Fault injection for saving (archive_write.hpp, zip_writer.hpp, writer.hpp):
// a save killed with SIGKILL at many points, a filesystem that fills up, and
// a write error at every system call of the archive writer. The target must
// always hold the complete old file or the complete new one; a failed save
// must report a zanj::error naming the target and leave no temporary behind;
// the temporaries of killed writers go away with the next successful save.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <zanj/detail/zip_reader.hpp>
#include <zanj/detail/zip_writer.hpp>
#include <zanj/writer.hpp>
#include <zanj/zanj.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using zanj::detail::testing::io_call;

namespace {

/// The object saved: four arrays, each its own .npy member, one of them
/// bytes that do not compress.
struct payload {
  std::string tag;
  std::int64_t version = 0;
  std::vector<double> a;
  std::vector<float> b;
  std::vector<std::int32_t> c;
  std::vector<std::uint8_t> noise;
  bool operator==(const payload&) const = default;
};

/// Version `version`: 14 * n bytes of arrays and `noise` random bytes.
payload make_payload(std::int64_t version, std::size_t n, std::size_t noise) {
  payload p;
  p.tag = "version " + std::to_string(version);
  p.version = version;
  p.a.resize(n);
  p.b.resize(n);
  p.c.resize(n / 2);
  p.noise.resize(noise);
  for (std::size_t i = 0; i < n; ++i) {
    p.a[i] = double(i % 1021) * 0.5 + double(version);
    p.b[i] = float(i % 1013) - float(version);
  }
  for (std::size_t i = 0; i < p.c.size(); ++i) p.c[i] = std::int32_t(i * 7) + std::int32_t(version);
  std::uint64_t state = 0x9E3779B97F4A7C15u * std::uint64_t(version + 1);
  for (auto& x : p.noise) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    x = std::uint8_t(state >> 56);
  }
  return p;
}

zanj::options compressing(bool on) {
  zanj::options o;
  o.compress = on;
  return o;
}

/// How a version is put in the target: zanj::save at once, or zanj::writer piece by piece.
using saver = void (*)(const payload&, const fs::path&, const zanj::options&);

void save_whole(const payload& p, const fs::path& target, const zanj::options& o) { zanj::save(p, target, o); }

void save_piecewise(const payload& p, const fs::path& target, const zanj::options& o) {
  zanj::writer w(target, o);
  w.put("/tag", p.tag);
  w.put("/version", p.version);
  w.put("/a", p.a);
  w.put("/b", p.b);
  w.put("/c", p.c);
  w.put("/noise", p.noise);
  w.close();
}

struct saving_way {
  const char* name;
  saver save;
};
const saving_way saving_ways[] = {{"zanj::save", save_whole}, {"zanj::writer", save_piecewise}};

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(fs::file_size(p)), '\0');
  in.read(bytes.data(), std::streamsize(bytes.size()));
  BOOST_REQUIRE(in.gcount() == std::streamsize(bytes.size()));
  return bytes;
}

void put_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

/// The names in `dir`.
std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

std::size_t temporaries_in(const fs::path& dir) {
  std::size_t n = 0;
  for (auto& name : names_in(dir)) n += name.find(".tmp-") != std::string::npos;
  return n;
}

/// A predicate for BOOST_CHECK_EXCEPTION: the error names `target` (not the
/// temporary the failure happened in) and gives `reason`.
auto names_target(const fs::path& target, const std::string& reason) {
  return [target, reason](const zanj::error& e) {
    const std::string what = e.what();
    const bool ok = e.file() == target && what.find(target.string()) != std::string::npos &&
                    what.find(reason) != std::string::npos && what.find(".tmp-") == std::string::npos;
    if (!ok) std::cerr << "expected an error naming " << target << " with '" << reason << "', got: " << what << "\n";
    return ok;
  };
}

/// Runs `body` in a forked child, which exits with 0 when it returns and 1
/// when it throws; no test output comes from the child.
template <class Body>
pid_t spawn(Body&& body) {
  const pid_t pid = ::fork();
  BOOST_REQUIRE_MESSAGE(pid >= 0, "fork failed: " << std::strerror(errno));
  if (pid == 0) {
    int code = 0;
    try {
      body();
    } catch (...) {
      code = 1;
    }
    ::_exit(code);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

bool killed(int status) { return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL; }
bool exited_ok(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

/// The metadata's timestamp makes the size of a file vary by a few bytes
/// from one save to the next: a save stopped this close to the end of a
/// probe of the same content may complete.
constexpr std::uint64_t end_slack = 16;

/// A target holding an old version, and the new version saved over it.
struct scene {
  fs::path target;
  payload old_obj, new_obj;
  std::string old_bytes;  // the old file as saved
  zanj::options opts;
  saver save;

  scene(const fs::path& dir, payload old_version, payload new_version, bool compress, saver how)
      : target(dir / "t.zanj"),
        old_obj(std::move(old_version)),
        new_obj(std::move(new_version)),
        opts(compressing(compress)),
        save(how) {
    zanj::save(old_obj, target, opts);
    old_bytes = file_bytes(target);
    BOOST_REQUIRE((zanj::read<payload>(target) == old_obj));
  }

  enum class found { old_file, new_file, other };

  /// What the target holds: zip_reader opens it, and it is the old file
  /// byte for byte (read back whole once, in the constructor), or zanj::read
  /// reads back the new version whole.
  found inspect() const {
    try {
      zanj::detail::zip_reader zip(target);
      BOOST_TEST(!zip.entries().empty());
      if (file_bytes(target) == old_bytes) return found::old_file;
      if (zanj::read<payload>(target) == new_obj) return found::new_file;
    } catch (const zanj::error& e) {
      BOOST_TEST_MESSAGE("target unreadable: " << e.what());
    }
    return found::other;
  }

  /// The target still byte-identical to the old file, alone in its folder.
  void check_untouched(const std::string& after) const {
    BOOST_TEST((file_bytes(target) == old_bytes), "old target changed after " << after);
    BOOST_TEST((names_in(target.parent_path()) == std::set<std::string>{target.filename().string()}),
               "files left beside the target after " << after);
  }

  /// After a kill: the old or the new version, whole; puts the old one back.
  found check_after_kill(const std::string& what) const {
    const found f = inspect();
    BOOST_TEST((f != found::other), "target neither the old nor the new file after " << what);
    if (f != found::old_file) put_bytes(target, old_bytes);
    return f;
  }

  /// One successful save removes the temporaries of the killed writers.
  void check_cleanup(const std::string& what) const {
    save(new_obj, target, opts);
    BOOST_TEST((inspect() == found::new_file));
    BOOST_TEST((names_in(target.parent_path()) == std::set<std::string>{target.filename().string()}),
               "temporaries left after " << what << " and one successful save");
    put_bytes(target, old_bytes);
  }
};

/// File offsets worth stopping a write at: each member's local header and
/// payload start and middle, the central directory, the end record, the last
/// byte, and `spread` points evenly over the whole file.
std::vector<std::uint64_t> interesting_offsets(const fs::path& file, std::uint64_t spread) {
  const std::uint64_t size = fs::file_size(file);
  std::set<std::uint64_t> at;
  zanj::detail::zip_reader zip(file);
  std::uint64_t directory = 0;
  for (const auto& e : zip.entries()) {
    at.insert({e.local_header_offset, e.local_header_offset + 1, e.data_offset, e.data_offset + e.compressed_size / 2});
    directory = std::max(directory, e.data_offset + e.compressed_size);
  }
  at.insert({directory, directory + 1, directory + 8, size - 22, size - 12, size - 1});
  for (std::uint64_t k = 0; k < spread; ++k) at.insert(size * k / spread);
  std::vector<std::uint64_t> out;
  for (auto o : at)
    if (o < size) out.push_back(o);
  return out;
}

/// The size and layout of the file `s` writes, from a save elsewhere.
fs::path probe_file(const scene& s, const zanj_test::scratch_dir& elsewhere) {
  const fs::path probe = elsewhere / "probe.zanj";
  s.save(s.new_obj, probe, s.opts);
  return probe;
}

// ---- SIGKILL at chosen file offsets: the child's file size limit is the kill point.

void kill_self(int) { ::raise(SIGKILL); }

/// In a child: any write reaching file offset `limit` kills the process.
void die_when_file_reaches(std::uint64_t limit) {
  struct sigaction sa {};
  sa.sa_handler = kill_self;
  ::sigemptyset(&sa.sa_mask);
  ::sigaction(SIGXFSZ, &sa, nullptr);
  rlimit r{};
  ::getrlimit(RLIMIT_FSIZE, &r);
  r.rlim_cur = static_cast<rlim_t>(limit);
  if (::setrlimit(RLIMIT_FSIZE, &r) != 0) ::_exit(2);
}

/// In a child, with kill_on_planned_call as the hook, the call the child
/// dies at: just before fsync, or just after close (before the rename).
io_call kill_before = io_call::fsync;
int kill_on_planned_call(io_call c) {
  if (c == kill_before) ::raise(SIGKILL);
  return 0;
}

// ---- Write errors injected through zanj::detail::testing::zip_io_fault.

struct fault_plan {
  io_call kind = io_call::write;
  int index = 0;  // fail the index-th call of `kind` (from 0)
  int err = EIO;
  int seen = 0;
  bool fired = false;
  int counts[4] = {0, 0, 0, 0};
};
fault_plan plan;

int count_calls(io_call c) {
  ++plan.counts[static_cast<int>(c)];
  return 0;
}

int fail_planned_call(io_call c) {
  if (c != plan.kind || plan.fired || plan.seen++ != plan.index) return 0;
  plan.fired = true;
  return plan.err;
}

/// Installs a zip_io_fault hook for the scope.
struct fault_hook {
  explicit fault_hook(int (*hook)(io_call)) { zanj::detail::testing::zip_io_fault = hook; }
  ~fault_hook() { zanj::detail::testing::zip_io_fault = nullptr; }
  fault_hook(const fault_hook&) = delete;
  fault_hook& operator=(const fault_hook&) = delete;
};

/// In this process, writes reaching file offset `limit` fail with EFBIG
/// (SIGXFSZ ignored) for the scope.
struct file_size_limit {
  explicit file_size_limit(std::uint64_t limit) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGXFSZ, &ignore, &saved_action_);
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    rlimit r = saved_;
    r.rlim_cur = static_cast<rlim_t>(limit);
    ok = ::setrlimit(RLIMIT_FSIZE, &r) == 0;
  }
  ~file_size_limit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::sigaction(SIGXFSZ, &saved_action_, nullptr);
  }
  file_size_limit(const file_size_limit&) = delete;
  file_size_limit& operator=(const file_size_limit&) = delete;
  bool ok = false;

 private:
  rlimit saved_{};
  struct sigaction saved_action_ {};
};

// ---- A small tmpfs, in a mount namespace of this test process's own.

std::string tmpfs_unavailable_reason() {
  static const std::string reason = []() -> std::string {
    if (::geteuid() != 0) return "not running as root";
    // Mounts made from here on are seen by this process alone and vanish with it.
    if (::unshare(CLONE_NEWNS) != 0) return std::string("unshare(CLONE_NEWNS): ") + std::strerror(errno);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      return std::string("mount --make-rprivate /: ") + std::strerror(errno);
    zanj_test::scratch_dir probe;
    if (::mount("tmpfs", probe.path().c_str(), "tmpfs", 0, "size=1m") != 0)
      return std::string("mount -t tmpfs -o size=1m: ") + std::strerror(errno);
    ::umount2(probe.path().c_str(), MNT_DETACH);
    return {};
  }();
  return reason;
}

boost::test_tools::assertion_result tmpfs_mountable(boost::unit_test::test_unit_id) {
  const std::string reason = tmpfs_unavailable_reason();
  boost::test_tools::assertion_result r(reason.empty());
  r.message() << "cannot mount a tmpfs: " << reason;
  return r;
}

struct tmpfs_mount {
  explicit tmpfs_mount(const fs::path& at) : at_(at) {
    BOOST_REQUIRE_MESSAGE(::mount("tmpfs", at.c_str(), "tmpfs", 0, "size=1m") == 0,
                          "mount tmpfs: " << std::strerror(errno));
  }
  ~tmpfs_mount() { ::umount2(at_.c_str(), MNT_DETACH); }
  tmpfs_mount(const tmpfs_mount&) = delete;
  tmpfs_mount& operator=(const tmpfs_mount&) = delete;

 private:
  fs::path at_;
};

/// Fills the filesystem of `file`'s folder to the last byte.
void fill_up(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  BOOST_REQUIRE(fd >= 0);
  const std::vector<char> block(4096, 'x');
  for (std::size_t step = block.size(); step > 0; step /= 2)
    while (::write(fd, block.data(), step) == static_cast<ssize_t>(step)) {
    }
  ::close(fd);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fault_injection)

// A save over an old file, killed as its file reaches each member's header
// and payload, the central directory, the end record and `spread` more
// offsets, then just before fsync and just before the rename. The largest:
// ~22 MB stored over ~16 MB; compressed saves are smaller, deflate being slow.
BOOST_AUTO_TEST_CASE(sigkill_at_file_offsets_leaves_old_or_new_target) {
  struct setup {
    const char* name;
    saver save;
    bool compress;
    std::size_t n_old, n_new, noise;
    std::uint64_t spread;
  };
  const setup setups[] = {
      {"zanj::save, stored", save_whole, false, 1'100'000, 1'500'000, 400'000, 16},
      {"zanj::save, compressed", save_whole, true, 150'000, 200'000, 300'000, 4},
      {"zanj::writer, stored", save_piecewise, false, 300'000, 400'000, 300'000, 8},
      {"zanj::writer, compressed", save_piecewise, true, 100'000, 150'000, 200'000, 4},
  };
  for (const auto& c : setups) {
    BOOST_TEST_CONTEXT(c.name) {
      zanj_test::scratch_dir dir, elsewhere;
      const scene s(dir.path(), make_payload(1, c.n_old, c.noise), make_payload(2, c.n_new, c.noise), c.compress,
                    c.save);
      const fs::path probe = probe_file(s, elsewhere);
      const std::uint64_t size = fs::file_size(probe);
      const auto offsets = interesting_offsets(probe, c.spread);
      BOOST_TEST_MESSAGE(c.name << ": killed at " << offsets.size() << " offsets of " << size << " bytes");
      std::size_t left_behind = 0;  // temporaries of killed writers since the last complete save
      for (const std::uint64_t limit : offsets) {
        const int status = wait_for(spawn([&] {
          die_when_file_reaches(limit);
          s.save(s.new_obj, s.target, s.opts);
        }));
        const std::string what = "a kill at offset " + std::to_string(limit) + " of " + std::to_string(size);
        if (killed(status)) {
          ++left_behind;
          BOOST_TEST((s.check_after_kill(what) == scene::found::old_file));
        } else {
          // The metadata's timestamp makes sizes vary by a few bytes: a
          // limit near the probe's end may let the save complete.
          BOOST_TEST((exited_ok(status) && limit + end_slack >= size), "not killed by " << what);
          BOOST_TEST((s.check_after_kill(what) == scene::found::new_file));
          left_behind = 0;
        }
      }
      // Killed with every byte written: before fsync, and after close (before the rename).
      for (io_call before : {io_call::fsync, io_call::close}) {
        const int status = wait_for(spawn([&] {
          kill_before = before;
          zanj::detail::testing::zip_io_fault = kill_on_planned_call;
          s.save(s.new_obj, s.target, s.opts);
        }));
        BOOST_TEST(killed(status));
        left_behind += killed(status);
        BOOST_TEST((s.check_after_kill("a kill at fsync/close") == scene::found::old_file));
      }
      BOOST_TEST(temporaries_in(dir.path()) == left_behind);  // each killed writer left its own
      s.check_cleanup("the kills");
    }
  }
}

// zanj::save killed at moments spread over its measured duration: 32 for
// ~22 MB stored, 16 for ~4 MB compressed.
BOOST_AUTO_TEST_CASE(sigkill_at_timed_points_leaves_old_or_new_target) {
  using clock = std::chrono::steady_clock;
  for (bool compress : {false, true}) {
    BOOST_TEST_CONTEXT((compress ? "compressed" : "stored")) {
      zanj_test::scratch_dir dir;
      const std::size_t n = compress ? 250'000 : 1'500'000;
      const scene s(dir.path(), make_payload(1, n * 3 / 4, 300'000), make_payload(2, n, 400'000), compress, save_whole);
      const auto start = clock::now();
      BOOST_REQUIRE(exited_ok(wait_for(spawn([&] { s.save(s.new_obj, s.target, s.opts); }))));
      const auto duration = clock::now() - start;
      BOOST_TEST((s.check_after_kill("a complete save") == scene::found::new_file));
      const int points = compress ? 16 : 32;
      int old_found = 0, new_found = 0;
      for (int k = 0; k < points; ++k) {
        const auto when = duration * (k + 1) / (points + 1);
        const pid_t pid = spawn([&] { s.save(s.new_obj, s.target, s.opts); });
        std::this_thread::sleep_for(when);
        ::kill(pid, SIGKILL);
        const int status = wait_for(pid);
        BOOST_TEST((killed(status) || exited_ok(status)));
        const auto f = s.check_after_kill("a kill after " + std::to_string(when.count()) + " ns");
        old_found += f == scene::found::old_file;
        new_found += f == scene::found::new_file;
      }
      BOOST_TEST_MESSAGE("save takes " << std::chrono::duration<double>(duration).count() << " s; " << old_found
                                       << " kills left the old file, " << new_found << " the new one");
      s.check_cleanup("the kills");
    }
  }
}

// Write errors (EIO, ENOSPC) at every write, pwrite, fsync and close of the
// archive writer: the save reports it naming the target, the old file stays.
BOOST_AUTO_TEST_CASE(injected_error_at_every_call_leaves_old_target) {
  for (const auto& way : saving_ways) {
    for (bool compress : {false, true}) {
      BOOST_TEST_CONTEXT(way.name << (compress ? ", compressed" : ", stored")) {
        zanj_test::scratch_dir dir, elsewhere;
        // the noise member (> 1 MiB) bypasses the writer's buffer: a write of its own
        const scene s(dir.path(), make_payload(1, 150'000, 50'000), make_payload(2, 150'000, 1'100'000), compress,
                      way.save);
        plan = {};
        {
          fault_hook counting(count_calls);
          probe_file(s, elsewhere);
        }
        const fault_plan counted = plan;
        BOOST_TEST(counted.counts[static_cast<int>(io_call::write)] >= 2);
        BOOST_TEST(counted.counts[static_cast<int>(io_call::fsync)] == 1);
        BOOST_TEST(counted.counts[static_cast<int>(io_call::close)] == 1);
        for (io_call kind : {io_call::write, io_call::pwrite, io_call::fsync, io_call::close}) {
          const char* kind_name[] = {"write", "pwrite", "fsync", "close"};
          for (int i = 0; i < counted.counts[static_cast<int>(kind)]; ++i) {
            for (int err : {EIO, ENOSPC}) {
              const std::string what = std::string(kind_name[static_cast<int>(kind)]) + " #" + std::to_string(i) +
                                       " failing with " + std::strerror(err);
              plan = {};
              plan.kind = kind;
              plan.index = i;
              plan.err = err;
              {
                fault_hook failing(fail_planned_call);
                BOOST_CHECK_EXCEPTION(s.save(s.new_obj, s.target, s.opts), zanj::error,
                                      names_target(s.target, std::strerror(err)));
              }
              BOOST_TEST(plan.fired, what);
              s.check_untouched(what);
            }
          }
        }
      }
    }
  }
}

// Writes refused by the kernel (EFBIG past RLIMIT_FSIZE) at member boundaries,
// inside payloads, in the central directory and in the end record.
BOOST_AUTO_TEST_CASE(kernel_write_error_at_file_offsets_leaves_old_target) {
  for (const auto& way : saving_ways) {
    for (bool compress : {false, true}) {
      BOOST_TEST_CONTEXT(way.name << (compress ? ", compressed" : ", stored")) {
        zanj_test::scratch_dir dir, elsewhere;
        const scene s(dir.path(), make_payload(1, 150'000, 50'000), make_payload(2, 100'000, 200'000), compress,
                      way.save);
        const fs::path probe = probe_file(s, elsewhere);
        const std::uint64_t size = fs::file_size(probe);
        for (const std::uint64_t limit : interesting_offsets(probe, 8)) {
          std::string message;
          fs::path named;
          {
            file_size_limit limited(limit);
            BOOST_REQUIRE(limited.ok);
            try {
              s.save(s.new_obj, s.target, s.opts);
            } catch (const zanj::error& e) {
              message = e.what();
              named = e.file();
            }
          }
          BOOST_TEST_CONTEXT("file size limit " << limit << " of " << size << ": " << message) {
            if (message.empty()) {  // the save completed: only possible at the very end
              BOOST_TEST(limit + end_slack >= size);
              BOOST_TEST((s.check_after_kill("a complete save") == scene::found::new_file));
              continue;
            }
            BOOST_TEST(named == s.target);
            BOOST_TEST(message.find(std::strerror(EFBIG)) != std::string::npos);
            BOOST_TEST(message.find(".tmp-") == std::string::npos);
            s.check_untouched("a write refused at offset " + std::to_string(limit));
          }
        }
      }
    }
  }
}

// The rename fails (the target is a folder): reported, nothing left behind.
BOOST_AUTO_TEST_CASE(failed_rename_leaves_target_and_no_temporary) {
  for (const auto& way : saving_ways) {
    BOOST_TEST_CONTEXT(way.name) {
      zanj_test::scratch_dir dir;
      const fs::path target = dir / "t.zanj";
      fs::create_directories(target / "inside");
      BOOST_CHECK_EXCEPTION(way.save(make_payload(1, 1000, 1000), target, {}), zanj::error,
                            names_target(target, "cannot move the finished archive into place"));
      BOOST_TEST((names_in(dir.path()) == std::set<std::string>{"t.zanj"}));
      BOOST_TEST((names_in(target) == std::set<std::string>{"inside"}));
    }
  }
}

// A 1 MiB tmpfs: saves too big for it, and any save once it is full, fail
// with ENOSPC naming the target, keep an old target byte-identical and leave
// no temporary; once space is freed a save succeeds.
BOOST_AUTO_TEST_CASE(full_filesystem_leaves_old_target_and_no_temporary,
                     *boost::unit_test::precondition(tmpfs_mountable)) {
  const std::string no_space = std::strerror(ENOSPC);
  for (const auto& way : saving_ways) {
    for (bool compress : {false, true}) {
      BOOST_TEST_CONTEXT(way.name << (compress ? ", compressed" : ", stored")) {
        zanj_test::scratch_dir dir;
        tmpfs_mount small(dir.path());
        const fs::path target = dir / "t.zanj";
        const auto opts = compressing(compress);
        const payload too_big = make_payload(3, 100'000, 1'500'000);
        // no old target
        BOOST_CHECK_EXCEPTION(way.save(too_big, target, opts), zanj::error, names_target(target, no_space));
        BOOST_TEST(names_in(dir.path()).empty());
        // an old target in the folder, room for a small save only
        const payload old_obj = make_payload(1, 5'000, 20'000), new_obj = make_payload(2, 5'000, 20'000);
        way.save(old_obj, target, opts);
        const std::string old_bytes = file_bytes(target);
        BOOST_CHECK_EXCEPTION(way.save(too_big, target, opts), zanj::error, names_target(target, no_space));
        BOOST_TEST((file_bytes(target) == old_bytes));
        BOOST_TEST((names_in(dir.path()) == std::set<std::string>{"t.zanj"}));
        // the filesystem full to the last byte: even a small save fails
        fill_up(dir / "filler");
        BOOST_CHECK_EXCEPTION(way.save(new_obj, target, opts), zanj::error, names_target(target, no_space));
        BOOST_TEST((file_bytes(target) == old_bytes));
        BOOST_TEST((names_in(dir.path()) == std::set<std::string>{"filler", "t.zanj"}));
        BOOST_TEST((zanj::read<payload>(target) == old_obj));
        // space freed: the small save succeeds
        fs::remove(dir / "filler");
        way.save(new_obj, target, opts);
        BOOST_TEST((zanj::read<payload>(target) == new_obj));
        BOOST_TEST((names_in(dir.path()) == std::set<std::string>{"t.zanj"}));
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
