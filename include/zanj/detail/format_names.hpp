// Names fixed by the Python reference: member names and format strings
// (FORMAT.md §2.1, §4.1, Appendix B).
#pragma once

#include <string_view>

#include <zanj/value.hpp>

namespace zanj::detail {

inline constexpr std::string_view format_key = "__muutils_format__";
inline constexpr std::string_view ref_key = "$ref";
inline constexpr std::string_view main_member = "__zanj__.json";
inline constexpr std::string_view meta_member = "__zanj_meta__.json";

inline constexpr std::string_view numpy_prefix = "numpy.ndarray";
inline constexpr std::string_view torch_prefix = "torch.Tensor";
inline constexpr std::string_view external_suffix = ":external";
inline constexpr std::string_view list_external = "list:external";
inline constexpr std::string_view tuple_external = "tuple:external";
inline constexpr std::string_view dataclass_suffix = "(SerializableDataclass)";

/// The format string of an object node, or "" when it has none.
inline std::string_view format_of(const value& node) noexcept {
  if (auto* f = node.find(format_key))
    if (auto* s = f->get_if<std::string>()) return *s;
  return {};
}

}  // namespace zanj::detail
