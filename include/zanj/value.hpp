// zanj::value: a dynamic value for any subtree whose shape is not known at
// compile time -- JSON kinds plus tuples and n-d arrays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <zanj/dtype.hpp>

namespace zanj {

class value;

/// A JSON array.
using list = std::vector<value>;

/// A Python tuple (the reference's `tuple:external`); JSON-wise a list.
struct tuple_list {
  std::vector<value> items;
  friend bool operator==(const tuple_list&, const tuple_list&) = default;
};

/// An n-d array owned by a dynamic value: C (row-major) order, native byte
/// order, whatever order or encoding it had on disk.
struct array_value {
  zanj::dtype type = dtype::float64;
  std::vector<std::size_t> shape;
  std::vector<std::byte> bytes;
  /// Written by the reference as a `torch.Tensor` rather than a numpy array.
  bool torch = false;

  /// Number of elements: the product of `shape` (1 for a 0-d array).
  std::size_t size() const noexcept {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }

  /// The elements as `T`, which must be the exact element type.
  template <array_element T>
  std::span<const T> elements() const {
    if (dtype_v<T> != type) throw std::logic_error("zanj::array_value: element type does not match dtype");
    return {reinterpret_cast<const T*>(bytes.data()), bytes.size() / sizeof(T)};
  }
  template <array_element T>
  std::span<T> elements() {
    if (dtype_v<T> != type) throw std::logic_error("zanj::array_value: element type does not match dtype");
    return {reinterpret_cast<T*>(bytes.data()), bytes.size() / sizeof(T)};
  }

  /// A 1-d (or `shape`d) array copied from `data`.
  template <array_element T>
  static array_value from(std::span<const T> data, std::vector<std::size_t> shape = {}) {
    array_value a;
    a.type = dtype_v<T>;
    a.shape = shape.empty() ? std::vector<std::size_t>{data.size()} : std::move(shape);
    a.bytes.resize(data.size_bytes());
    if (!data.empty()) std::memcpy(a.bytes.data(), data.data(), data.size_bytes());
    return a;
  }

  friend bool operator==(const array_value&, const array_value&) = default;
};

/// A JSON object: members keep their insertion order, as Python dicts do.
class object {
 public:
  using member = std::pair<std::string, value>;
  using iterator = std::vector<member>::iterator;
  using const_iterator = std::vector<member>::const_iterator;

  object() = default;
  object(std::initializer_list<member> members);

  /// The member named `key`, or nullptr.
  value* find(std::string_view key) noexcept;
  const value* find(std::string_view key) const noexcept;
  bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }

  /// The member named `key`; throws std::out_of_range if absent.
  value& at(std::string_view key);
  const value& at(std::string_view key) const;

  /// The member named `key`, appended as null if absent.
  value& operator[](std::string_view key);

  /// Appends a member, replacing the value of an existing one in place.
  value& insert_or_assign(std::string key, value v);

  /// Appends a member without looking for an existing one (the caller knows
  /// the key is new, as a parser reading unique keys does).
  value& append(std::string key, value v);

  bool erase(std::string_view key);

  // Defined below, once `value` is complete (clang needs it for pair<>).
  std::size_t size() const noexcept;
  bool empty() const noexcept;
  void reserve(std::size_t n);
  iterator begin() noexcept;
  iterator end() noexcept;
  const_iterator begin() const noexcept;
  const_iterator end() const noexcept;

  friend bool operator==(const object&, const object&);

 private:
  std::vector<member> members_;
};

/// What a value holds.
enum class kind : std::uint8_t { null, boolean, int64, uint64, float64, string, list, tuple, object, array };

/// A dynamic value: any JSON kind (integers signed and unsigned 64-bit,
/// floats as double, so NaN/inf/-0.0 survive), a tuple, or an n-d array.
class value {
 public:
  value() noexcept = default;
  value(std::nullptr_t) noexcept {}
  value(bool b) noexcept : v_(b) {}
  template <class I>
    requires(std::is_integral_v<I> && !std::is_same_v<I, bool> && std::is_signed_v<I>)
  value(I i) noexcept : v_(static_cast<std::int64_t>(i)) {}
  template <class I>
    requires(std::is_integral_v<I> && !std::is_same_v<I, bool> && std::is_unsigned_v<I>)
  value(I i) noexcept {
    // Unsigned values that fit int64 are stored signed, as a parser would.
    if (i <= static_cast<std::uint64_t>(INT64_MAX))
      v_ = static_cast<std::int64_t>(i);
    else
      v_ = static_cast<std::uint64_t>(i);
  }
  value(double d) noexcept : v_(d) {}
  value(float f) noexcept : v_(static_cast<double>(f)) {}
  value(std::string s) noexcept : v_(std::move(s)) {}
  value(std::string_view s) : v_(std::string(s)) {}
  value(const char* s) : v_(std::string(s)) {}
  value(list l) noexcept : v_(std::move(l)) {}
  value(tuple_list t) noexcept : v_(std::move(t)) {}
  value(object o) noexcept : v_(std::move(o)) {}
  value(array_value a) noexcept : v_(std::move(a)) {}

  zanj::kind kind() const noexcept { return static_cast<zanj::kind>(v_.index()); }

  bool is_null() const noexcept { return kind() == kind::null; }
  bool is_bool() const noexcept { return kind() == kind::boolean; }
  /// int64 or uint64.
  bool is_integer() const noexcept { return kind() == kind::int64 || kind() == kind::uint64; }
  bool is_float() const noexcept { return kind() == kind::float64; }
  bool is_number() const noexcept { return is_integer() || is_float(); }
  bool is_string() const noexcept { return kind() == kind::string; }
  bool is_list() const noexcept { return kind() == kind::list; }
  bool is_tuple() const noexcept { return kind() == kind::tuple; }
  bool is_object() const noexcept { return kind() == kind::object; }
  bool is_array() const noexcept { return kind() == kind::array; }

  /// Typed access: a pointer to the held alternative, or nullptr.
  template <class T>
  T* get_if() noexcept { return std::get_if<T>(&v_); }
  template <class T>
  const T* get_if() const noexcept { return std::get_if<T>(&v_); }

  /// Typed access that throws std::bad_variant_access on the wrong kind.
  bool as_bool() const { return std::get<bool>(v_); }
  std::int64_t as_int64() const { return std::get<std::int64_t>(v_); }
  std::uint64_t as_uint64() const { return std::get<std::uint64_t>(v_); }
  double as_double() const { return std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  std::string& as_string() { return std::get<std::string>(v_); }
  const list& as_list() const { return std::get<list>(v_); }
  list& as_list() { return std::get<list>(v_); }
  const tuple_list& as_tuple() const { return std::get<tuple_list>(v_); }
  tuple_list& as_tuple() { return std::get<tuple_list>(v_); }
  const object& as_object() const { return std::get<object>(v_); }
  object& as_object() { return std::get<object>(v_); }
  const array_value& as_array() const { return std::get<array_value>(v_); }
  array_value& as_array() { return std::get<array_value>(v_); }

  /// The items of a list or a tuple; nullptr for other kinds.
  const std::vector<value>* items() const noexcept {
    if (auto* l = get_if<list>()) return l;
    if (auto* t = get_if<tuple_list>()) return &t->items;
    return nullptr;
  }

  /// Object member lookup; nullptr when this is not an object or has no such key.
  const value* find(std::string_view key) const noexcept {
    auto* o = get_if<object>();
    return o ? o->find(key) : nullptr;
  }

  /// Structural equality. Floats compare as doubles (so NaN != NaN, as in
  /// IEEE); use `identical` for bit-exact comparison.
  friend bool operator==(const value&, const value&) = default;

 private:
  std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, list, tuple_list, object,
               array_value>
      v_;
};

/// Human-readable name of a kind, as used in error messages ("string", "int64").
constexpr std::string_view kind_name(zanj::kind k) noexcept {
  switch (k) {
    case kind::null: return "null";
    case kind::boolean: return "bool";
    case kind::int64: return "int64";
    case kind::uint64: return "uint64";
    case kind::float64: return "float";
    case kind::string: return "string";
    case kind::list: return "list";
    case kind::tuple: return "tuple";
    case kind::object: return "object";
    case kind::array: return "array";
  }
  return "?";
}

/// Bit-exact structural equality: floats equal when their bits are equal
/// (NaN equals NaN of the same payload, -0.0 differs from 0.0), integers and
/// floats are different kinds, and object member order matters.
bool identical(const value& a, const value& b) noexcept;

// ---------------------------------------------------------------------------

inline object::object(std::initializer_list<member> members) : members_(members) {}
inline std::size_t object::size() const noexcept { return members_.size(); }
inline bool object::empty() const noexcept { return members_.empty(); }
inline void object::reserve(std::size_t n) { members_.reserve(n); }
inline object::iterator object::begin() noexcept { return members_.begin(); }
inline object::iterator object::end() noexcept { return members_.end(); }
inline object::const_iterator object::begin() const noexcept { return members_.begin(); }
inline object::const_iterator object::end() const noexcept { return members_.end(); }

inline value* object::find(std::string_view key) noexcept {
  for (auto& m : members_)
    if (m.first == key) return &m.second;
  return nullptr;
}
inline const value* object::find(std::string_view key) const noexcept {
  for (auto& m : members_)
    if (m.first == key) return &m.second;
  return nullptr;
}
inline value& object::at(std::string_view key) {
  if (auto* v = find(key)) return *v;
  throw std::out_of_range("zanj::object: no member '" + std::string(key) + "'");
}
inline const value& object::at(std::string_view key) const {
  if (auto* v = find(key)) return *v;
  throw std::out_of_range("zanj::object: no member '" + std::string(key) + "'");
}
inline value& object::operator[](std::string_view key) {
  if (auto* v = find(key)) return *v;
  return append(std::string(key), value{});
}
inline value& object::insert_or_assign(std::string key, value v) {
  if (auto* existing = find(key)) return *existing = std::move(v);
  return append(std::move(key), std::move(v));
}
inline value& object::append(std::string key, value v) {
  members_.emplace_back(std::move(key), std::move(v));
  return members_.back().second;
}
inline bool object::erase(std::string_view key) {
  for (auto it = members_.begin(); it != members_.end(); ++it)
    if (it->first == key) {
      members_.erase(it);
      return true;
    }
  return false;
}
inline bool operator==(const object& a, const object& b) { return a.members_ == b.members_; }

inline bool identical(const value& a, const value& b) noexcept {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case kind::float64: {
      double x = a.as_double(), y = b.as_double();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case kind::list:
    case kind::tuple: {
      auto& x = *a.items();
      auto& y = *b.items();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!identical(x[i], y[i])) return false;
      return true;
    }
    case kind::object: {
      auto& x = a.as_object();
      auto& y = b.as_object();
      if (x.size() != y.size()) return false;
      for (auto ix = x.begin(), iy = y.begin(); ix != x.end(); ++ix, ++iy)
        if (ix->first != iy->first || !identical(ix->second, iy->second)) return false;
      return true;
    }
    default: return a == b;
  }
}

}  // namespace zanj
