// State of one read: the archive, the current object path, and the loading
// of external members on demand (only the members a value needs are read).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <zanj/detail/format_names.hpp>
#include <zanj/detail/jsonl_lines.hpp>
#include <zanj/detail/object_path.hpp>
#include <zanj/detail/zip_reader.hpp>
#include <zanj/error.hpp>
#include <zanj/json.hpp>
#include <zanj/npy.hpp>
#include <zanj/options.hpp>
#include <zanj/value.hpp>

namespace zanj::detail {

class load_context {
 public:
  /// `archive` may be null when loading from a value held in memory, in which
  /// case every external must already carry its payload under "data".
  load_context(const zip_reader* archive, std::filesystem::path file, const zanj::options& o)
      : opts(o), file(std::move(file)), archive_(archive) {}
  /// The context keeps a reference to the options: a temporary would dangle.
  load_context(const zip_reader*, std::filesystem::path, const zanj::options&&) = delete;

  const zanj::options& opts;
  std::filesystem::path file;
  object_path path;

  /// The archive being read; null for a value held in memory.
  const zip_reader* archive() const noexcept { return archive_; }

  /// Throws zanj::error located at the current path.
  [[noreturn]] void fail(std::string reason, std::string member = {}) const {
    throw error(std::move(reason), file, path.pointer(), std::move(member));
  }

  /// "expected <what>, found <kind of node>".
  [[noreturn]] void mismatch(std::string_view expected, const value& node) const {
    fail("expected " + std::string(expected) + ", found " + describe(node));
  }

  static std::string describe(const value& node) {
    if (auto fmt = format_of(node); !fmt.empty()) return "'" + std::string(fmt) + "' object";
    if (node.is_array()) return "array of " + std::string(numpy_name(node.as_array().type));
    return std::string(kind_name(node.kind()));
  }

  /// True for a reference object left in the tree for an external member.
  static bool is_external_ref(const value& node) {
    auto fmt = format_of(node);
    return fmt.ends_with(external_suffix);
  }

  /// Holds an external member open while its payload is being resolved, so
  /// that a member referring back into itself (directly or through others)
  /// is reported as a loop instead of recursing until the stack overflows.
  class member_scope {
   public:
    member_scope(const member_scope&) = delete;
    member_scope& operator=(const member_scope&) = delete;
    ~member_scope() { open_.pop_back(); }

   private:
    friend class load_context;
    explicit member_scope(std::vector<std::string>& open) : open_(open) {}
    std::vector<std::string>& open_;
  };

  /// Externals may nest (a .npy inside a .jsonl line), but not without bound
  /// (opts.limits.max_external_nesting).
  [[nodiscard]] member_scope enter_external(const value& ref) {
    std::string member;
    if (auto* name = ref.find(ref_key); name && name->is_string()) member = name->as_string();
    for (auto& m : open_members_)
      if (m == member) fail("reference loop: member '" + member + "' refers back to itself", member);
    const std::size_t limit = opts.limits.max_external_nesting;
    if (open_members_.size() >= limit)
      fail("external members nested " + std::to_string(open_members_.size() + 1) + " deep, " +
               over_limit(limit, "max_external_nesting", "levels"),
           member);
    open_members_.push_back(member);
    return member_scope(open_members_);
  }

  /// Runs `step`, which reads the content of `member`: an error inside it
  /// (a limit hit in a .jsonl line) continues the path of the reference.
  template <class F>
  decltype(auto) in_member(const std::string& member, F&& step) const {
    try {
      return step();
    } catch (const error& e) {
      throw error(e.reason(), file, path.pointer() + e.object_path(), e.member().empty() ? member : e.member());
    }
  }

  /// The payload of an external reference: the array of a .npy member, the
  /// list of lines of a .jsonl member. A payload already present under "data"
  /// (a tree resolved elsewhere) is used as is.
  value load_external(const value& ref) const {
    if (auto* data = ref.find("data")) return *data;
    auto* name = ref.find(ref_key);
    if (!name || !name->is_string()) fail("external reference without a '$ref' member name");
    const std::string& member = name->as_string();
    if (!archive_) fail("external reference '" + member + "' outside an archive", member);
    const zip_entry* entry = archive_->find(member);
    if (!entry) fail("missing member", member);
    std::optional<value> payload = in_member(member, [&] {
      // Stored members decode straight from the file mapping.
      auto decode = [&](std::span<const std::byte> bytes) -> std::optional<value> {
        if (member.ends_with(".npy")) return value(npy::read(bytes, opts.limits));
        if (member.ends_with(".jsonl")) return value(parse_jsonl(bytes, opts.limits));
        return std::nullopt;
      };
      if (auto view = archive_->stored_view(*entry)) return decode(*view);
      return decode(archive_->read_buffer(*entry).bytes());
    });
    if (payload) return std::move(*payload);
    fail("external member of unknown type (neither .npy nor .jsonl)", member);
  }

  /// The text of the .jsonl member a reference names, read as load_external
  /// reads it (a view of the file mapping when stored), for readers that
  /// parse it themselves; nothing when load_external would not read a
  /// .jsonl member from the archive (its "data" is present, there is no
  /// archive or no such member), so that the caller goes that way instead.
  /// A deflated member with a chunk map whose reference says how many lines
  /// it has ("len(data)") is left to be inflated chunk by chunk
  /// (inflate_chunks), or whole by load_text.
  struct jsonl_member {
    std::string name;
    zip_reader::content_buffer inflated;  // holds the text of a deflated member
    std::span<const std::byte> bytes;
    bool loaded = false;                  // bytes holds the text
    const zip_entry* entry = nullptr;
    std::optional<std::size_t> declared_lines;  // the reference's "len(data)"
  };
  std::optional<jsonl_member> jsonl_text(const value& ref) const {
    if (ref.find("data")) return std::nullopt;
    auto* name = ref.find(ref_key);
    if (!archive_ || !name || !name->is_string() || !name->as_string().ends_with(".jsonl")) return std::nullopt;
    const zip_entry* entry = archive_->find(name->as_string());
    if (!entry) return std::nullopt;
    jsonl_member m;
    m.name = name->as_string();
    m.entry = entry;
    if (auto* lines = ref.find("len(data)"); lines && lines->kind() == kind::int64 && lines->as_int64() >= 0)
      m.declared_lines = static_cast<std::size_t>(lines->as_int64());
    if (!(zip_reader::chunked(*entry) && m.declared_lines)) load_text(m);
    return m;
  }

  /// Reads the text of `m` into memory if it is not there yet.
  void load_text(jsonl_member& m) const {
    if (m.loaded) return;
    in_member(m.name, [&] {
      if (auto view = archive_->stored_view(*m.entry)) {
        m.bytes = *view;
      } else {
        m.inflated = archive_->read_buffer(*m.entry);
        m.bytes = m.inflated.bytes();
      }
    });
    m.loaded = true;
  }

  /// zip_reader::for_each_inflated_chunk on the member of `m`, with errors
  /// placed as load_text places them.
  template <class Use, class Abandon>
  bool inflate_chunks(const jsonl_member& m, Use&& use, Abandon&& abandon) const {
    return in_member(m.name, [&] { return archive_->for_each_inflated_chunk(*m.entry, use, abandon); });
  }

  /// The lines of a member got from jsonl_text, as load_external gives them.
  list parse_jsonl(jsonl_member& m) const {
    load_text(m);
    return in_member(m.name, [&] { return parse_jsonl(m.bytes, opts.limits); });
  }

  /// One JSON value per line; a missing final newline and "\r\n" are fine, a
  /// blank line is not (the reference reader fails on it too). An error in
  /// line N carries the object path of its item, "/<N-1>" (and deeper, for
  /// a limit hit inside it).
  static list parse_jsonl(std::span<const std::byte> bytes, const read_limits& limits = {}) {
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    // Counted before any item is made: a line costs two bytes of the file
    // but a whole value in memory.
    const std::size_t lines = jsonl_line_count(text);
    if (lines > limits.max_jsonl_lines)
      throw error("jsonl member has " + std::to_string(lines) + " lines, " +
                  over_limit(limits.max_jsonl_lines, "max_jsonl_lines"));
    list items;
    std::size_t line_number = 0;
    const auto item_path = [&] { return "/" + std::to_string(line_number - 1); };
    while (!text.empty()) {
      ++line_number;
      const std::string_view line = take_jsonl_line(text);
      if (line.find_first_not_of(" \t") == std::string_view::npos)
        throw error("blank line " + std::to_string(line_number) + " in jsonl member", {}, item_path());
      try {
        items.push_back(json::parse(line, limits));
      } catch (const error& e) {
        throw error("line " + std::to_string(line_number) + ": " + e.reason(), {}, item_path() + e.object_path());
      }
    }
    return items;
  }

 private:
  const zip_reader* archive_;
  std::vector<std::string> open_members_;
};

}  // namespace zanj::detail
