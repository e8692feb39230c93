// Reading a type whose zanj_traits has a save and no load.
//
// expect-first: zanj_traits_has_no_load<compile_fail::handle>|can_read<compile_fail::handle>
// expect: this type is save-only: its zanj::zanj_traits<T> has a save but no load
// expect: static T load\(const zanj::value& stored\)
#include <map>
#include <string>

#include <zanj/read.hpp>
#include <zanj/save.hpp>

namespace compile_fail {
class handle {  // saved as its id; reading one back needs a load
 public:
  explicit handle(int id) : id_(id) {}
  int id() const { return id_; }

 private:
  int id_;
};
}  // namespace compile_fail

template <>
struct zanj::zanj_traits<compile_fail::handle> {
  static int save(const compile_fail::handle& h) { return h.id(); }
#ifndef ZANJ_EXPECT_COMPILE_ERROR
  static compile_fail::handle load(const zanj::value& stored) { return compile_fail::handle(int(stored.as_int64())); }
#endif
};

std::size_t count_handles(const std::filesystem::path& file) {
  zanj::save(std::map<std::string, compile_fail::handle>{{"a", compile_fail::handle(1)}}, file);
  return zanj::read<std::map<std::string, compile_fail::handle>>(file).size();
}
