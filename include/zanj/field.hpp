// zanj::by_name<Registry>: a field stored by a registered name, the C++
// analogue of a Python dataclass field with a serialization_fn / loading_fn
// pair such as `act_fn` (saved as "Tanh", loaded with getattr(torch.nn, ...)).
#pragma once

#include <concepts>
#include <functional>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <zanj/error.hpp>
#include <zanj/traits.hpp>
#include <zanj/value.hpp>

namespace zanj {

/// A registry: `static const R& entries()` giving (name, value) pairs -- a
/// std::map<std::string, V>, a vector or array of pairs --, and optionally
/// `static constexpr std::string_view what = "activation";` for messages.
template <class Registry>
concept name_registry = requires {
  { Registry::entries() } -> std::ranges::input_range;
  { std::ranges::begin(Registry::entries())->first } -> std::convertible_to<std::string_view>;
  std::ranges::begin(Registry::entries())->second;
};

/// A value chosen by name from `Registry`: a std::function, an enum, a
/// device... It is saved as its name (a JSON string) and looked up again on
/// load; an unknown name is a zanj::error naming the path of the field.
///
///     struct activations {
///       static constexpr std::string_view what = "activation";
///       static const std::map<std::string, std::function<float(float)>>& entries();
///     };
///     struct config { zanj::by_name<activations> act_fn{"Tanh"}; };
///     float y = cfg.act_fn(0.5f);           // calls the registered function
///
/// A default-constructed one is unset (empty name, value-initialized value)
/// and is saved as null.
template <name_registry Registry>
class by_name {
 public:
  using value_type =
      std::remove_cvref_t<decltype(std::ranges::begin(Registry::entries())->second)>;

  by_name() = default;

  /// *Throws:* zanj::error if the registry has no such name.
  by_name(std::string_view name) : name_(name), value_(find_or_throw(name)) {}
  by_name(const char* name) : by_name(std::string_view(name)) {}
  by_name(const std::string& name) : by_name(std::string_view(name)) {}

  const std::string& name() const noexcept { return name_; }
  bool has_value() const noexcept { return !name_.empty(); }
  const value_type& get() const noexcept { return value_; }
  const value_type& operator*() const noexcept { return value_; }
  const value_type* operator->() const noexcept { return &value_; }

  /// Calls the value when it is callable (a std::function, a function pointer).
  template <class... Args>
    requires std::invocable<const value_type&, Args...>
  decltype(auto) operator()(Args&&... args) const {
    return std::invoke(value_, std::forward<Args>(args)...);
  }

  /// Equal when they name the same entry.
  friend bool operator==(const by_name& a, const by_name& b) noexcept { return a.name_ == b.name_; }

  /// What the registry holds for `name`, if anything.
  static std::optional<value_type> lookup(std::string_view name) {
    for (const auto& entry : Registry::entries())
      if (std::string_view(entry.first) == name) return entry.second;
    return std::nullopt;
  }

  /// "activation", or "name" when the registry does not say.
  static std::string what() {
    if constexpr (requires { std::string_view(Registry::what); })
      return std::string(std::string_view(Registry::what));
    else
      return "name";
  }

  /// "unknown activation 'Swish2' (known: ReLU, Tanh, ...)".
  static std::string unknown_message(std::string_view name) {
    std::string known;
    for (const auto& entry : Registry::entries()) known += (known.empty() ? "" : ", ") + std::string(entry.first);
    return "unknown " + what() + " '" + std::string(name) + "' (known: " + known + ")";
  }

 private:
  static value_type find_or_throw(std::string_view name) {
    if (auto found = lookup(name)) return std::move(*found);
    throw error(unknown_message(name));
  }

  std::string name_;
  value_type value_{};
};

/// Saved as its name (null when unset); loaded by looking the name up. The
/// errors thrown here get the field's path from the codec.
template <class Registry>
struct zanj_traits<by_name<Registry>> {
  static value save(const by_name<Registry>& field) {
    if (!field.has_value()) return value{};
    return field.name();
  }
  static by_name<Registry> load(const value& stored) {
    if (stored.is_null()) return {};
    if (!stored.is_string())
      throw std::invalid_argument("expected the name of " + by_name<Registry>::what() + " (a string)");
    if (!by_name<Registry>::lookup(stored.as_string()))
      throw std::invalid_argument(by_name<Registry>::unknown_message(stored.as_string()));
    return by_name<Registry>(stored.as_string());
  }
};

}  // namespace zanj
