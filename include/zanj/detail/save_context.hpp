// State of one save: options, the current object path, and the external
// members registered so far (written after the JSON document).
#pragma once

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <zanj/detail/object_path.hpp>
#include <zanj/error.hpp>
#include <zanj/options.hpp>
#include <zanj/value.hpp>

namespace zanj::detail {

enum class external_kind { npy, jsonl };

/// One .npy or .jsonl member waiting to be written. Array data is borrowed
/// from the caller's object (which outlives the save), so a large array is
/// never copied on its way to the file.
struct external_member {
  std::string name;
  value path;  // externals_info "path"
  external_kind kind = external_kind::npy;
  std::string head;                  // npy header, or the whole jsonl text
  // npy data, little-endian, in the order the header names: chunks written
  // one after the other, so a strided matrix goes out one column (or row) per
  // chunk without being gathered into one buffer first.
  std::vector<std::span<const std::byte>> body;
  std::vector<std::byte> owned_body; // used when the data had to be converted
  std::vector<std::string> owned_text; // jsonl text written in pieces, after head
  std::uint64_t length = 0;          // externals_info "len(data)"
  std::optional<value> first_item;   // externals_info "data[0]" (jsonl)

  std::size_t body_size() const noexcept {
    std::size_t n = 0;
    for (auto chunk : body) n += chunk.size();
    return n;
  }
};

class save_context {
 public:
  save_context(const zanj::options& o, std::filesystem::path f) : opts(o), file(std::move(f)) {}

  const zanj::options& opts;
  std::filesystem::path file;
  object_path path;
  std::vector<external_member> externals;

  /// Whether a value at the current path may go external: never the root,
  /// which the reference cannot read back (FORMAT.md §14.5).
  bool may_externalize() const noexcept { return !path.empty(); }

  /// Reserves the member name for the current path. Only an exact repeat is
  /// refused (a key containing '/' can collide with a nested path); a member
  /// below another one is fine, as "L/3.npy" inside the external list
  /// "L.jsonl" is for the reference, whose reader follows externals_info
  /// paths and never parses member names.
  std::string claim_member(std::string_view extension) {
    std::string name = path.member_stem() + "." + std::string(extension);
    if (!names_.insert(name).second)
      fail("two values would both be stored as member '" + name + "' (a key containing '/' repeats a nested path)",
           name);
    return name;
  }

  /// Keeps a temporary (a zanj_traits save result) alive until the archive is
  /// written, since external members borrow its array data.
  template <class U>
  const std::decay_t<U>& keep_alive(U&& temporary) {
    auto owned = std::make_shared<std::decay_t<U>>(std::forward<U>(temporary));
    kept_.push_back(owned);
    return *owned;
  }

  /// Throws zanj::error located at the current path.
  [[noreturn]] void fail(std::string reason, std::string member = {}) const {
    throw error(std::move(reason), file, path.pointer(), std::move(member));
  }

  /// Externals registered so far; `rollback` drops those registered later,
  /// so a value replaced under error_mode warn/ignore leaves no orphan member.
  std::size_t checkpoint() const noexcept { return externals.size(); }
  void rollback(std::size_t mark) {
    while (externals.size() > mark) {
      names_.erase(externals.back().name);
      externals.pop_back();
    }
  }

  void warn(std::string_view message) const {
    if (opts.on_warning)
      opts.on_warning(message);
    else
      std::cerr << message << '\n';
  }

 private:
  std::set<std::string> names_;
  std::vector<std::shared_ptr<const void>> kept_;
};

}  // namespace zanj::detail
