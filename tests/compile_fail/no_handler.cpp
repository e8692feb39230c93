// Saving a struct that holds a class no handler accepts: the error names the
// class itself (not the struct around it) and shows the traits to write.
//
// expect-first: type_has_no_zanj_handler<compile_fail::widget>|has_zanj_handler<compile_fail::widget>
// expect: no handler saves or reads this type
// expect: template <> struct zanj::zanj_traits<T> \{ static auto save\(const T& v\)
// expect: static T load\(const zanj::value& stored\)
#include <string>
#include <vector>

#include <zanj/save.hpp>

namespace compile_fail {

/// Private state and a constructor: neither an aggregate nor a library type.
class widget {
 public:
  explicit widget(int size) : size_(size) {}
  int size() const { return size_; }

 private:
  int size_;
};

struct twin_widget {  // the passing twin: a plain aggregate
  int size = 0;
};

#ifdef ZANJ_EXPECT_COMPILE_ERROR
using part = widget;
#else
using part = twin_widget;
#endif

struct machine {
  std::string name;
  std::vector<part> parts;
};

}  // namespace compile_fail

void save_machine(const compile_fail::machine& m) { zanj::save(m, "machine"); }
