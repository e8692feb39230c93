// Dictionaries -- std::map, std::unordered_map, ... -- saved as JSON objects.
// Keys become strings as Python's str() makes them (7 -> "7") and are parsed
// back on load.
#pragma once

#include <charconv>
#include <string>
#include <type_traits>

#include <zanj/codec/codec.hpp>

namespace zanj::detail {

template <class T>
struct codec<T, family::map> {
  using key_type = typename T::key_type;
  using mapped_type = typename T::mapped_type;

  static std::string key_to_string(const key_type& k) {
    if constexpr (std::is_same_v<key_type, std::string>)
      return k;
    else if constexpr (std::is_same_v<key_type, bool>)
      return k ? "True" : "False";  // Python's str(True)
    else if constexpr (std::is_enum_v<key_type>)
      return std::to_string(static_cast<std::underlying_type_t<key_type>>(k));
    else
      return std::to_string(k);
  }

  static bool key_from_string(const std::string& s, key_type& k) {
    if constexpr (std::is_same_v<key_type, std::string>) {
      k = s;
      return true;
    } else if constexpr (std::is_same_v<key_type, bool>) {
      if (s != "True" && s != "False") return false;
      k = s == "True";
      return true;
    } else {
      using integer = typename std::conditional_t<std::is_enum_v<key_type>, std::underlying_type<key_type>,
                                                  std::type_identity<key_type>>::type;
      integer i{};
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
      if (ec != std::errc{} || end != s.data() + s.size()) return false;
      k = static_cast<key_type>(i);
      return true;
    }
  }

  static value save(const T& m, save_context& ctx) {
    object out;
    out.reserve(m.size());
    for (auto& [k, v] : m) {
      std::string key = key_to_string(k);
      path_guard g(ctx, key);
      // key_to_string is injective for every key type allowed, so keys stay
      // unique without a lookup per key.
      value saved = save_value(v, ctx);
      out.append(std::move(key), std::move(saved));
    }
    return out;
  }

  static void load(const value& node, load_context& ctx, T& out) {
    auto* obj = node.get_if<object>();
    if (!obj) ctx.mismatch("an object (dict)", node);
    out.clear();
    for (auto& [key, v] : *obj) {
      path_guard g(ctx, key);
      key_type k{};
      if (!key_from_string(key, k)) ctx.fail("object key '" + key + "' is not a valid " + key_kind());
      out.insert_or_assign(std::move(k), load_new<mapped_type>(v, ctx));
    }
  }

 private:
  static std::string key_kind() {
    if constexpr (std::is_same_v<key_type, std::string>) return "string";
    else if constexpr (std::is_enum_v<key_type>) return "enum value";
    else if constexpr (std::is_same_v<key_type, bool>) return "bool";
    else return std::string(numpy_name(dtype_v<key_type>));
  }
};

}  // namespace zanj::detail
