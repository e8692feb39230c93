// Tests for zanj/detail/reflect.hpp: field names, type names, field visiting.
#include <zanj/detail/reflect.hpp>

#include <boost/test/unit_test.hpp>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using zanj::detail::field_count;
using zanj::detail::field_names;
using zanj::detail::for_each_field;
using zanj::detail::reflectable_aggregate;
using zanj::detail::type_name;

namespace ns {
struct one {
  int only;
};
struct two {
  double x;
  std::string label;
};
struct ten {
  int a0;
  char b1;
  short c2;
  long d3;
  float e4;
  double f5;
  bool g6;
  unsigned h7;
  std::string i8;
  std::vector<int> j9;
};
struct sixty {
  int f00;
  double f01;
  std::string f02;
  std::vector<int> f03;
  char f04;
  bool f05;
  long f06;
  std::optional<int> f07;
  float f08;
  unsigned f09;
  int f10;
  double f11;
  std::string f12;
  std::vector<int> f13;
  char f14;
  bool f15;
  long f16;
  std::optional<int> f17;
  float f18;
  unsigned f19;
  int f20;
  double f21;
  std::string f22;
  std::vector<int> f23;
  char f24;
  bool f25;
  long f26;
  std::optional<int> f27;
  float f28;
  unsigned f29;
  int f30;
  double f31;
  std::string f32;
  std::vector<int> f33;
  char f34;
  bool f35;
  long f36;
  std::optional<int> f37;
  float f38;
  unsigned f39;
  int f40;
  double f41;
  std::string f42;
  std::vector<int> f43;
  char f44;
  bool f45;
  long f46;
  std::optional<int> f47;
  float f48;
  unsigned f49;
  int f50;
  double f51;
  std::string f52;
  std::vector<int> f53;
  char f54;
  bool f55;
  long f56;
  std::optional<int> f57;
  float f58;
  unsigned f59;
};
struct inner {
  int depth;
  std::string tag;
};
struct no_default {
  explicit no_default(int v) : value(v) {}
  int value;
};
struct every_kind {
  int i;
  std::string s;
  std::vector<int> v;
  inner nested;
  std::optional<double> maybe;
  std::map<std::string, int> dict;
  std::array<int, 3> arr;
  int field_2_with_digits_3;
  int _;
  int x1;
  int __double_leading;
  no_default needs_arg;
};
struct outer {
  struct middle {
    struct innermost {
      int leaf;
    };
    innermost in;
    int m;
  };
  middle mid;
  inner other;
};
template <class T>
struct box {
  T value;
};
template <class A, class B>
struct pair_of {
  A first;
  B second;
};
struct empty {};
struct no_address_of {
  int v;
  void operator&() const = delete;  // reflection must not take addresses with '&'
};
struct odd_members {
  [[no_unique_address]] empty e;
  int x;
  empty e2;
  no_address_of guarded;
};
}  // namespace ns

namespace {
struct anon {
  int hidden;
  std::string secret_2;
};
}  // namespace

struct global_scope {
  int g;
};

// Compile-time use, as the serializer will do it.
static_assert(reflectable_aggregate<ns::two>);
static_assert(!reflectable_aggregate<int>);
static_assert(!reflectable_aggregate<std::array<int, 3>>);
static_assert(!reflectable_aggregate<std::string>);
static_assert(field_count<ns::two> == 2);
static_assert(field_names<ns::two>()[0] == "x" && field_names<ns::two>()[1] == "label");
static_assert(field_names<anon>()[1] == "secret_2");
static_assert(field_names<ns::empty>().empty());
static_assert(type_name<ns::two>() == "two");
static_assert(type_name<ns::box<int>>() == "box<int>");
static_assert(type_name<anon>() == "anon");
constexpr auto two_names = field_names<ns::two>();
static_assert(two_names.size() == 2 && two_names[1].size() == 5);

namespace {
template <class T, std::size_t N>
void check_names(const std::array<std::string_view, N>& got, const std::vector<std::string>& want) {
  BOOST_TEST_REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < N; ++i) BOOST_TEST(std::string(got[i]) == want[i], type_name<T>() << " field " << i);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(reflect)

BOOST_AUTO_TEST_CASE(one_two_ten_fields) {
  check_names<ns::one>(field_names<ns::one>(), {"only"});
  check_names<ns::two>(field_names<ns::two>(), {"x", "label"});
  check_names<ns::ten>(field_names<ns::ten>(), {"a0", "b1", "c2", "d3", "e4", "f5", "g6", "h7", "i8", "j9"});
  BOOST_TEST(field_count<ns::ten> == 10u);
}

BOOST_AUTO_TEST_CASE(sixty_fields) {
  constexpr auto names = field_names<ns::sixty>();
  static_assert(names.size() == 60);
  static_assert(names[59] == "f59");
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string want = "f" + std::to_string(i / 10) + std::to_string(i % 10);
    BOOST_TEST(std::string(names[i]) == want);
  }
}

BOOST_AUTO_TEST_CASE(every_kind_of_field) {
  check_names<ns::every_kind>(field_names<ns::every_kind>(),
                              {"i", "s", "v", "nested", "maybe", "dict", "arr", "field_2_with_digits_3", "_", "x1",
                               "__double_leading", "needs_arg"});
}

BOOST_AUTO_TEST_CASE(empty_and_address_of_overloading_members) {
  check_names<ns::odd_members>(field_names<ns::odd_members>(), {"e", "x", "e2", "guarded"});
}

BOOST_AUTO_TEST_CASE(nested_structs) {
  check_names<ns::outer>(field_names<ns::outer>(), {"mid", "other"});
  check_names<ns::outer::middle>(field_names<ns::outer::middle>(), {"in", "m"});
  check_names<ns::outer::middle::innermost>(field_names<ns::outer::middle::innermost>(), {"leaf"});
  check_names<ns::inner>(field_names<ns::inner>(), {"depth", "tag"});
}

BOOST_AUTO_TEST_CASE(scopes) {
  check_names<anon>(field_names<anon>(), {"hidden", "secret_2"});
  check_names<global_scope>(field_names<global_scope>(), {"g"});
  struct local {
    int here;
    std::vector<std::string> there_9;
  };
  check_names<local>(field_names<local>(), {"here", "there_9"});
  static_assert(field_names<local>()[0] == "here");
  auto lambda = [] {
    struct in_lambda {
      int l;
    };
    return field_names<in_lambda>()[0];
  };
  BOOST_TEST(lambda() == "l");
}

BOOST_AUTO_TEST_CASE(templates) {
  check_names<ns::box<std::string>>(field_names<ns::box<std::string>>(), {"value"});
  check_names<ns::pair_of<int, anon>>(field_names<ns::pair_of<int, anon>>(), {"first", "second"});
}

namespace {
struct op_holder {
  auto operator<(int) const {
    struct from_operator {
      int o;
    };
    return from_operator{};
  }
  auto operator()() const {
    struct from_call {
      int c;
    };
    return from_call{};
  }
};
template <class T>
auto make_local(T) {
  struct from_template {
    T t;
  };
  return from_template{};
}
}  // namespace

BOOST_AUTO_TEST_CASE(type_names) {
  BOOST_TEST(type_name<ns::one>() == "one");
  BOOST_TEST(type_name<ns::every_kind>() == "every_kind");
  BOOST_TEST(type_name<ns::outer>() == "outer");
  BOOST_TEST(type_name<ns::outer::middle>() == "middle");
  BOOST_TEST(type_name<ns::outer::middle::innermost>() == "innermost");
  BOOST_TEST(type_name<global_scope>() == "global_scope");
  BOOST_TEST(type_name<anon>() == "anon");
  struct local {
    int x;
  };
  BOOST_TEST(type_name<local>() == "local");
  static_assert(type_name<local>() == "local");
  auto lambda = [] {
    struct in_lambda {};
    return type_name<in_lambda>();
  };
  BOOST_TEST(lambda() == "in_lambda");
  BOOST_TEST(type_name<decltype(make_local(1.0))>() == "from_template");
  BOOST_TEST(type_name<decltype(op_holder{} < 1)>() == "from_operator");
  BOOST_TEST(type_name<decltype(op_holder{}())>() == "from_call");
  BOOST_TEST(field_names<decltype(op_holder{} < 1)>()[0] == "o");
  BOOST_TEST(field_names<decltype(make_local(1.0))>()[0] == "t");
}

BOOST_AUTO_TEST_CASE(template_type_names) {
  BOOST_TEST(type_name<ns::box<int>>() == "box<int>");
  BOOST_TEST(type_name<ns::box<ns::one>>() == "box<ns::one>");
  BOOST_TEST((type_name<ns::pair_of<int, double>>() == "pair_of<int, double>"));
  // Arguments stay as the compiler prints them.
#if defined(__clang__)
  BOOST_TEST(type_name<ns::box<ns::box<int>>>() == "box<ns::box<int>>");
  BOOST_TEST(type_name<ns::box<anon>>() == "box<(anonymous namespace)::anon>");
#else
  BOOST_TEST(type_name<ns::box<ns::box<int>>>() == "box<ns::box<int> >");
  BOOST_TEST(type_name<ns::box<anon>>() == "box<{anonymous}::anon>");
#endif
  struct local {};
  BOOST_TEST(type_name<ns::box<local>>().starts_with("box<"));
}

BOOST_AUTO_TEST_CASE(for_each_field_visits_in_order_and_modifies) {
  ns::every_kind obj{1, "s", {1, 2}, {3, "t"}, std::nullopt, {{"k", 4}}, {5, 6, 7}, 8, 9, 10, 11, ns::no_default{12}};
  std::vector<std::string> seen;
  for_each_field(obj, [&](std::string_view name, auto& field) {
    seen.emplace_back(name);
    using F = std::remove_cvref_t<decltype(field)>;
    if constexpr (std::is_same_v<F, int>) field *= 100;
    else if constexpr (std::is_same_v<F, std::string>) field += "!";
    else if constexpr (std::is_same_v<F, std::vector<int>>) field.push_back(3);
    else if constexpr (std::is_same_v<F, ns::inner>) for_each_field(field, [](std::string_view, auto& f) {
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(f)>, int>) f = -1;
      });
    else if constexpr (std::is_same_v<F, std::optional<double>>) field = 2.5;
  });
  check_names<ns::every_kind>(field_names<ns::every_kind>(), seen);
  BOOST_TEST(obj.i == 100);
  BOOST_TEST(obj.s == "s!");
  BOOST_TEST(obj.v.size() == 3u);
  BOOST_TEST(obj.nested.depth == -1);
  BOOST_TEST(obj.nested.tag == "t");
  BOOST_TEST(obj.maybe.value() == 2.5);
  BOOST_TEST(obj.field_2_with_digits_3 == 800);
  BOOST_TEST(obj._ == 900);
  BOOST_TEST(obj.x1 == 1000);
  BOOST_TEST(obj.__double_leading == 1100);
  BOOST_TEST(obj.needs_arg.value == 12);
}

BOOST_AUTO_TEST_CASE(for_each_field_const_and_local) {
  struct point {
    int x;
    int y;
  };
  const point p{3, 4};
  std::string out;
  for_each_field(p, [&](std::string_view name, auto& field) {
    static_assert(std::is_const_v<std::remove_reference_t<decltype(field)>>);
    out += std::string(name) + "=" + std::to_string(field) + ";";
  });
  BOOST_TEST(out == "x=3;y=4;");
}

BOOST_AUTO_TEST_CASE(names_are_static_storage) {
  // Views stay valid and identical across calls: they point to static arrays.
  const auto a = field_names<ns::two>();
  const auto b = field_names<ns::two>();
  BOOST_TEST(a[1].data() == b[1].data());
  BOOST_TEST(type_name<ns::two>().data() == type_name<ns::two>().data());
}

BOOST_AUTO_TEST_SUITE_END()
