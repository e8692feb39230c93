// libFuzzer target: arbitrary bytes as a .zanj file. The zip directory is
// indexed and every member read (within a budget), then the archive is loaded
// as a document (zanj::read, zanj::archive). Only zanj::error may come out.
//
// zip_reader maps a file by path, so the input goes to an anonymous in-memory
// file (memfd_create) opened through /proc/self/fd/N; where memfd is missing
// a file in the temporary directory is used instead.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include <zanj/archive.hpp>
#include <zanj/detail/zip_reader.hpp>
#include <zanj/error.hpp>
#include <zanj/read.hpp>
#include <zanj/value.hpp>

namespace {

// What the members of one input may inflate to, in all: the reader accepts
// what deflate can produce (about 1100:1), so a large input could otherwise
// ask for gigabytes that are legitimate and only slow.
constexpr std::uint64_t content_budget = std::uint64_t{64} << 20;

class input_file {
 public:
  input_file() {
    fd_ = ::memfd_create("zanj-fuzz", MFD_CLOEXEC);
    if (fd_ >= 0) {
      path_ = "/proc/self/fd/" + std::to_string(fd_);
    } else {
      path_ = std::filesystem::temp_directory_path() / ("zanj-fuzz-" + std::to_string(::getpid()) + ".zanj");
      fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      owns_path_ = true;
    }
    if (fd_ < 0) {
      std::perror("zanj fuzz: cannot create the input file");
      std::abort();
    }
  }
  input_file(const input_file&) = delete;
  input_file& operator=(const input_file&) = delete;
  ~input_file() {
    ::close(fd_);
    if (owns_path_) {
      std::error_code ec;
      std::filesystem::remove(path_, ec);
    }
  }

  const std::filesystem::path& hold(const std::uint8_t* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) fail("ftruncate");
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) fail("pwrite");
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }

 private:
  [[noreturn]] static void fail(const char* what) {
    std::perror(what);
    std::abort();
  }

  int fd_ = -1;
  bool owns_path_ = false;
  std::filesystem::path path_;
};

// Indexes the directory and reads every member; returns whether the whole
// archive fits the content budget (then it may be loaded as a document).
bool read_members(const std::filesystem::path& path) {
  const zanj::detail::zip_reader zip(path);
  std::uint64_t budget = content_budget;
  bool all_fit = true;
  for (const zanj::detail::zip_entry& entry : zip.entries()) {
    if (zip.find(entry.name) != &entry) __builtin_trap();  // names are unique
    if (entry.uncompressed_size > budget) {
      all_fit = false;
      continue;
    }
    budget -= entry.uncompressed_size;
    try {  // one broken member must not hide the others
      const std::vector<std::byte> content = zip.read(entry);
      if (content.size() != entry.uncompressed_size) __builtin_trap();
      if (auto view = zip.stored_view(entry))
        if (!std::equal(view->begin(), view->end(), content.begin(), content.end())) __builtin_trap();
    } catch (const zanj::error&) {
    }
  }
  return all_fit;
}

void load_document(const std::filesystem::path& path) {
  try {
    (void)zanj::read<zanj::value>(path);
  } catch (const zanj::error&) {
  }
  try {
    (void)zanj::read_meta(path);
  } catch (const zanj::error&) {
  }
  const zanj::archive archive(path);
  const auto attempt = [](auto&& step) {
    try {
      step();
    } catch (const zanj::error&) {
    }
  };
  attempt([&] { (void)archive.info(""); });
  attempt([&] { (void)archive.view<double>(""); });
  attempt([&] {
    std::size_t visited = 0;
    for (const std::string& child : archive.children("")) {
      if (++visited > 16) break;  // keeps each input quick
      // children() lists keys and indices; a pointer needs '~' and '/' escaped.
      std::string pointer = "/";
      for (char c : child) pointer += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
      attempt([&] { (void)archive.info(pointer); });
      attempt([&] { (void)archive.get(pointer); });
      attempt([&] { (void)archive.view<float>(pointer); });
    }
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static input_file file;
  const std::filesystem::path& path = file.hold(data, size);
  try {
    if (read_members(path)) load_document(path);
  } catch (const zanj::error&) {
  }
  return 0;
}
