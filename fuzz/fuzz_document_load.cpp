// libFuzzer target: arbitrary bytes as the text of __zanj__.json, parsed with
// json::parse and loaded, with a load_context that has no archive (externals
// must carry their payload under "data"), into a few C++ types. Only
// zanj::error may come out; a text that parses under tight limits parses to
// the same value as under the defaults.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <zanj/codec/dispatch.hpp>
#include <zanj/detail/load_context.hpp>
#include <zanj/error.hpp>
#include <zanj/json.hpp>
#include <zanj/limits.hpp>
#include <zanj/ndarray.hpp>
#include <zanj/options.hpp>
#include <zanj/table.hpp>
#include <zanj/value.hpp>

namespace {

struct fuzz_point {
  double x;
  double y;
};

struct fuzz_inner {
  int depth;
  std::string tag;
  std::vector<double> weights;
  std::optional<fuzz_point> where;
};

struct fuzz_document {
  std::string name;
  std::int64_t count;
  bool flag;
  std::vector<std::string> labels;
  std::map<std::string, std::vector<int>> groups;
  std::optional<std::string> note;
  fuzz_inner inner;
  std::vector<fuzz_inner> items;
};

template <class T>
void load_as(const zanj::value& document) {
  static const zanj::options opts;
  zanj::detail::load_context ctx(nullptr, "fuzz.zanj", opts);
  try {
    (void)zanj::detail::load_new<T>(document, ctx);
  } catch (const zanj::error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  zanj::value document;
  try {
    document = zanj::json::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const zanj::error&) {
    return 0;
  }
  try {  // compared as text: NaN is not equal to itself
    constexpr zanj::read_limits tight{.max_json_depth = 8, .max_string_length = 64};
    const zanj::value again = zanj::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), tight);
    if (zanj::json::to_string(again) != zanj::json::to_string(document)) __builtin_trap();
  } catch (const zanj::error&) {
  }
  load_as<fuzz_document>(document);
  load_as<std::vector<double>>(document);
  load_as<zanj::value>(document);
  load_as<zanj::ndarray<float>>(document);
  load_as<zanj::table>(document);
  try {  // what was read can be written back (or fails cleanly, e.g. for non-UTF-8 text)
    (void)zanj::json::to_string(document);
  } catch (const zanj::error&) {
  }
  return 0;
}
