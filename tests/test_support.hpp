// Small helpers shared by the suites: a scratch folder per test, reading a
// member's text, and checking the message of a zanj::error.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>

#include <unistd.h>

#include <zanj/detail/zip_reader.hpp>
#include <zanj/zanj.hpp>

namespace zanj_test {

/// A fresh folder, removed with everything in it at the end of the scope.
class scratch_dir {
 public:
  scratch_dir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("zanj_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The text of one archive member.
inline std::string member_text(const std::filesystem::path& file, const std::string& member) {
  zanj::detail::zip_reader zip(file);
  auto* e = zip.find(member);
  if (!e) return "<missing member " + member + ">";
  auto bytes = zip.read(*e);
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

inline std::vector<std::string> member_names(const std::filesystem::path& file) {
  zanj::detail::zip_reader zip(file);
  std::vector<std::string> names;
  for (auto& e : zip.entries()) names.push_back(e.name);
  return names;
}

/// A predicate for BOOST_CHECK_EXCEPTION: the message contains every part.
inline auto message_has(std::initializer_list<std::string> parts) {
  std::vector<std::string> wanted(parts);
  return [wanted](const zanj::error& e) {
    std::string what = e.what();
    for (auto& w : wanted)
      if (what.find(w) == std::string::npos) {
        std::cerr << "message lacks '" << w << "': " << what << "\n";
        return false;
      }
    return true;
  };
}

}  // namespace zanj_test
