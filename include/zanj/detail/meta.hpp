// __zanj_meta__.json: writer settings, a description of the C++ side, and
// externals_info, which the reference reader needs to find every external
// member (FORMAT.md §7).
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <boost/version.hpp>

#include <zanj/detail/save_context.hpp>
#include <zanj/options.hpp>
#include <zanj/value.hpp>
#include <zanj/version.hpp>

namespace zanj::detail {

inline std::string error_mode_name(error_mode m) {
  switch (m) {
    case error_mode::except: return "ErrorMode.Except";
    case error_mode::warn: return "ErrorMode.Warn";
    case error_mode::ignore: return "ErrorMode.Ignore";
  }
  return "";
}

/// What built the writer: in place of the reference's Python/torch versions.
inline value cpp_sysinfo() {
#if defined(__clang__)
  std::string compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  std::string compiler = "gcc " __VERSION__;
#elif defined(_MSC_VER)
  std::string compiler = "msvc " + std::to_string(_MSC_FULL_VER);
#else
  std::string compiler = "unknown";
#endif
#if defined(_LIBCPP_VERSION)
  std::string stdlib = "libc++ " + std::to_string(_LIBCPP_VERSION);
#elif defined(_GLIBCXX_RELEASE)
  std::string stdlib = "libstdc++ " + std::to_string(_GLIBCXX_RELEASE) + " (" + std::to_string(__GLIBCXX__) + ")";
#else
  std::string stdlib = "unknown";
#endif
#if defined(__linux__)
  std::string os = "linux";
#elif defined(__APPLE__)
  std::string os = "darwin";
#elif defined(_WIN32)
  std::string os = "windows";
#else
  std::string os = "unknown";
#endif
#if defined(__x86_64__) || defined(_M_X64)
  std::string arch = "x86_64";
#elif defined(__aarch64__) || defined(_M_ARM64)
  std::string arch = "aarch64";
#else
  std::string arch = "unknown";
#endif
  std::string boost = std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) + "." +
                      std::to_string(BOOST_VERSION % 100);
  return object{{"cpp",
                 object{{"implementation", "zanj-cpp"},
                        {"zanj_cpp_version", ZANJ_VERSION_STRING},
                        {"compiler", compiler},
                        {"standard_library", stdlib},
                        {"cplusplus", static_cast<std::int64_t>(__cplusplus)},
                        {"platform", os + "-" + arch},
                        {"boost", boost}}}};
}

inline value externals_info(const std::vector<external_member>& externals) {
  // The reference sorts entries by path length, stably.
  std::vector<const external_member*> sorted;
  for (auto& m : externals) sorted.push_back(&m);
  std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
    return a->path.as_list().size() < b->path.as_list().size();
  });
  object info;
  for (auto* m : sorted) {
    bool npy = m->kind == external_kind::npy;
    object entry{{"item_type", npy ? "npy" : "jsonl"},
                 {"path", m->path},
                 {"type(data)", npy ? "<class 'numpy.ndarray'>" : "<class 'list'>"},
                 {"len(data)", static_cast<std::uint64_t>(m->length)}};
    if (m->first_item) entry.append("data[0]", *m->first_item);
    info.append(m->name, std::move(entry));
  }
  return info;
}

inline value build_meta(const save_context& ctx) {
  const options& o = ctx.opts;
  object cfg{{"error_mode", error_mode_name(o.error_mode)},
             {"array_mode", std::string(to_string(o.internal_array_mode))},
             {"external_array_threshold", static_cast<std::uint64_t>(o.external_array_threshold)},
             {"external_list_threshold", static_cast<std::uint64_t>(o.external_list_threshold)},
             {"compress", o.compress ? 8 : 0},
             {"serialization_handlers", object{}},
             {"load_handlers", object{}}};
  if (!o.custom_settings.empty()) cfg.append("custom_settings", o.custom_settings);
  double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return object{{"zanj_cfg", std::move(cfg)},
                {"sysinfo", cpp_sysinfo()},
                {"externals_info", externals_info(ctx.externals)},
                {"timestamp", now}};
}

}  // namespace zanj::detail
