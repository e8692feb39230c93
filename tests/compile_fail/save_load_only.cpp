// Saving a type whose zanj_traits has a load and no save.
//
// expect-first: zanj_traits_has_no_save<compile_fail::legacy_point>|can_save<compile_fail::legacy_point>
// expect: this type is load-only: its zanj::zanj_traits<T> has a load but no save
// expect: static auto save\(const T& v\)
#include <zanj/read.hpp>
#include <zanj/save.hpp>

namespace compile_fail {
struct legacy_point {
  double x = 0, y = 0;
};
}  // namespace compile_fail

template <>
struct zanj::zanj_traits<compile_fail::legacy_point> {
  static compile_fail::legacy_point load(const zanj::value& stored) {
    return {stored.items()->at(0).as_double(), stored.items()->at(1).as_double()};
  }
#ifndef ZANJ_EXPECT_COMPILE_ERROR
  static zanj::value save(const compile_fail::legacy_point& p) { return zanj::list{p.x, p.y}; }  // the twin
#endif
};

compile_fail::legacy_point round_trip(const compile_fail::legacy_point& p) {
  return zanj::read<compile_fail::legacy_point>(zanj::save(p, "point"));
}
