// zanj::options: what the Python `ZANJ(...)` constructor takes.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <zanj/limits.hpp>
#include <zanj/value.hpp>

namespace zanj {

/// What to do about a problem that need not stop the work: on save, a value
/// that cannot be serialized (FORMAT.md §11: a description string is stored
/// instead); on read, a schema difference the options below may accept.
enum class error_mode {
  except,  ///< throw zanj::error
  warn,    ///< report through options::on_warning (else stderr) and go on
  ignore,  ///< go on silently
};

/// How arrays below `external_array_threshold` are written inline (FORMAT.md §5.2).
enum class array_mode {
  array_list_meta,  ///< {"__muutils_format__": "numpy.ndarray:array_list_meta", "data": nested lists, ...}
  list,             ///< bare nested lists: no dtype, Python reads lists back
  array_hex_meta,   ///< hex of the raw little-endian bytes
  array_b64_meta,   ///< base64 of the raw little-endian bytes
};

/// Settings of a save or read. Defaults match the Python reference.
struct options {
  /// Arrays with at least this many elements go to their own .npy member.
  std::size_t external_array_threshold = 256;
  /// Lists and tuples with at least this many items go to their own .jsonl member.
  std::size_t external_list_threshold = 256;
  /// Deflate members (zip method 8); false stores them (method 0).
  bool compress = true;
  /// -1: the fast default (Intel ISA-L when zanj is built with it, else
  /// zlib's default level, which the reference uses); 0..9: that zlib level.
  int compress_level = -1;
  /// fsync the file before renaming it into place, so that a finished save
  /// survives a power loss. false leaves the writeback to the kernel, as
  /// numpy, torch and the reference do: several times faster for big files.
  bool sync = true;
  /// On save, a value that cannot be serialized (FORMAT.md §11).
  zanj::error_mode error_mode = error_mode::except;
  array_mode internal_array_mode = array_mode::array_list_meta;
  /// Schema evolution, on read (README "Schema evolution"); the defaults read
  /// as the reference does (FORMAT.md §8). A field missing from the file
  /// always keeps its default member initializer. These two say what to do
  /// with a stored struct key that has no field, and with a stored
  /// "<Name>(SerializableDataclass)" other than the C++ struct's.
  zanj::error_mode on_unknown_key = error_mode::ignore;
  zanj::error_mode on_type_name_mismatch = error_mode::ignore;
  /// Free-form settings for custom traits; stored in the metadata.
  object custom_settings;
  /// Receives warnings in error_mode::warn; when empty they go to std::cerr.
  std::function<void(std::string_view)> on_warning;

  /// Reading only: what one read may cost (zanj/limits.hpp); the defaults
  /// accept every legitimate file.
  read_limits limits{};
};

constexpr std::string_view to_string(error_mode m) noexcept {
  switch (m) {
    case error_mode::except: return "except";
    case error_mode::warn: return "warn";
    case error_mode::ignore: return "ignore";
  }
  return "";
}

constexpr std::string_view to_string(array_mode m) noexcept {
  switch (m) {
    case array_mode::array_list_meta: return "array_list_meta";
    case array_mode::list: return "list";
    case array_mode::array_hex_meta: return "array_hex_meta";
    case array_mode::array_b64_meta: return "array_b64_meta";
  }
  return "";
}

}  // namespace zanj
