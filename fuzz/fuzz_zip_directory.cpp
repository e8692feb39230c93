// libFuzzer target: arbitrary bytes as a .zanj file. The zip directory is
// indexed and every member read, then the archive is loaded as a document
// through zanj::archive (the code of zanj::read and read_meta), all within
// read limits that keep each input quick. Only zanj::error may come out, and
// what the reader promises is checked: unique names, members that do not
// overlap, contents of the declared size.
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
#include <zanj/limits.hpp>
#include <zanj/options.hpp>
#include <zanj/value.hpp>

namespace {

// The reader accepts what deflate can produce (about 1100:1), so a large
// input could ask for gigabytes that are legitimate and only slow: the
// limits bound what one input may inflate (and exercise those checks).
zanj::options fuzz_options() {
  zanj::options o;
  o.limits.max_member_size = std::uint64_t{64} << 20;
  o.limits.max_total_inflated = std::uint64_t{64} << 20;
  return o;
}

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

// Indexes the directory and reads every member.
void read_members(const std::filesystem::path& path, const zanj::options& opts) {
  const zanj::detail::zip_reader zip(path, opts.limits);
  std::vector<const zanj::detail::zip_entry*> by_offset;
  for (const zanj::detail::zip_entry& entry : zip.entries()) {
    if (zip.find(entry.name) != &entry) __builtin_trap();  // names are unique
    by_offset.push_back(&entry);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](auto* a, auto* b) { return a->local_header_offset < b->local_header_offset; });
  for (std::size_t i = 1; i < by_offset.size(); ++i)  // no member's bytes lie inside another's
    if (by_offset[i]->local_header_offset < by_offset[i - 1]->data_offset + by_offset[i - 1]->compressed_size)
      __builtin_trap();
  for (const zanj::detail::zip_entry& entry : zip.entries()) {
    try {  // one broken member must not hide the others
      const std::vector<std::byte> content = zip.read(entry);
      if (content.size() != entry.uncompressed_size) __builtin_trap();
      if (auto view = zip.stored_view(entry))
        if (!std::equal(view->begin(), view->end(), content.begin(), content.end())) __builtin_trap();
    } catch (const zanj::error&) {
    }
  }
  if (zip.inflated_bytes() > opts.limits.max_total_inflated) __builtin_trap();
}

void load_document(const std::filesystem::path& path, const zanj::options& opts) {
  const zanj::archive archive(path, opts);
  const auto attempt = [](auto&& step) {
    try {
      step();
    } catch (const zanj::error&) {
    }
  };
  attempt([&] { (void)archive.get(""); });  // zanj::read<zanj::value>
  attempt([&] { (void)archive.meta(); });   // zanj::read_meta
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
  static const zanj::options opts = fuzz_options();
  const std::filesystem::path& path = file.hold(data, size);
  try {
    read_members(path, opts);
    load_document(path, opts);
  } catch (const zanj::error&) {
  }
  return 0;
}
