// zanj::error: the one exception type of the library.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>

namespace zanj {

/// Thrown for every failure while saving or reading. The message names the
/// file, the object path as a JSON pointer (`/container/2/c`) and, where one
/// is involved, the archive member (`container/2/c.npy`), then the reason
/// (`expected int64, found string`). Each part is also available on its own.
class error : public std::runtime_error {
 public:
  explicit error(std::string reason, std::filesystem::path file = {}, std::string object_path = {},
                 std::string member = {})
      : std::runtime_error(compose(reason, file, object_path, member)),
        reason_(std::move(reason)),
        file_(std::move(file)),
        object_path_(std::move(object_path)),
        member_(std::move(member)) {}

  /// What went wrong, without the location.
  const std::string& reason() const noexcept { return reason_; }
  /// The .zanj file involved (empty if none).
  const std::filesystem::path& file() const noexcept { return file_; }
  /// JSON pointer to the value involved ("" for the root or none).
  const std::string& object_path() const noexcept { return object_path_; }
  /// The archive member involved (empty if none).
  const std::string& member() const noexcept { return member_; }

  /// The same error with location parts filled in where still empty; used
  /// as an error travels outwards through layers that know more context.
  error with_context(const std::filesystem::path& file, const std::string& object_path = {},
                     const std::string& member = {}) const {
    return error(reason_, file_.empty() ? file : file_, object_path_.empty() ? object_path : object_path_,
                 member_.empty() ? member : member_);
  }

 private:
  static std::string compose(const std::string& reason, const std::filesystem::path& file,
                             const std::string& object_path, const std::string& member) {
    std::string m = "zanj: ";
    if (!file.empty()) m += file.string() + ": ";
    if (!object_path.empty()) m += "at " + object_path + ": ";
    if (!member.empty()) m += "member '" + member + "': ";
    m += reason;
    return m;
  }

  std::string reason_;
  std::filesystem::path file_;
  std::string object_path_;
  std::string member_;
};

}  // namespace zanj
