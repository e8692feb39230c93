// zanj::writer: builds a .zanj file piece by piece with bounded memory. Each
// value put into it is serialized at once and its external members written
// straight to the file; an array can also be streamed in chunks. The document
// and the metadata are written when the writer is closed, and only then is
// the file renamed into place.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <zanj/codec/dispatch.hpp>
#include <zanj/detail/archive_write.hpp>
#include <zanj/detail/array_save.hpp>
#include <zanj/detail/json_pointer.hpp>
#include <zanj/detail/meta.hpp>
#include <zanj/detail/zip_writer.hpp>
#include <zanj/dtype.hpp>
#include <zanj/error.hpp>
#include <zanj/npy.hpp>
#include <zanj/options.hpp>
#include <zanj/table.hpp>
#include <zanj/value.hpp>

namespace zanj {

class writer;

/// An array being streamed into a .npy member: write its elements in C order,
/// in as many calls as you like, then finish().
class array_stream {
 public:
  array_stream(const array_stream&) = delete;
  array_stream& operator=(const array_stream&) = delete;
  array_stream(array_stream&& other) noexcept
      : owner_(other.owner_), item_(other.item_), expected_(other.expected_), written_(other.written_) {
    other.owner_ = nullptr;
  }

  /// Appends raw element bytes (native byte order, C order).
  void write_bytes(std::span<const std::byte> bytes);

  template <array_element T>
  void write(std::span<const T> elements) {
    if (dtype_v<T> != type_) throw error("array_stream: writing " + std::string(numpy_name(dtype_v<T>)) +
                                         " elements into a " + std::string(numpy_name(type_)) + " array");
    write_bytes(std::as_bytes(elements));
  }

  /// Ends the member; throws if fewer bytes than the shape needs were written.
  void finish();

 private:
  friend class writer;
  array_stream(writer* owner, dtype type, std::uint64_t expected)
      : owner_(owner), type_(type), item_(itemsize(type)), expected_(expected) {}
  writer* owner_;
  dtype type_{};
  std::size_t item_ = 1;
  std::uint64_t expected_ = 0;
  std::uint64_t written_ = 0;
};

/// A table being streamed row by row into a DataFrame .jsonl member (the
/// zanj 0.6 layout): write rows, then finish().
template <table_row Row>
class table_stream {
 public:
  table_stream(const table_stream&) = delete;
  table_stream& operator=(const table_stream&) = delete;
  table_stream(table_stream&& other) noexcept
      : owner_(other.owner_), slot_(other.slot_), rows_(other.rows_), first_(std::move(other.first_)) {
    other.owner_ = nullptr;
  }

  void write(const Row& row);

  /// Ends the member and fills in the reference object (row count, first row).
  void finish();

 private:
  friend class writer;
  table_stream(writer* owner, value* slot) : owner_(owner), slot_(slot) {}
  writer* owner_;
  value* slot_;  // the reference object in the document
  std::uint64_t rows_ = 0;
  std::optional<value> first_;
  std::string line_;
};

class writer {
 public:
  /// Starts writing `path` (".zanj" appended if missing, parent folders
  /// created). Nothing appears at `path` until close().
  explicit writer(std::filesystem::path path, options opts = {})
      : opts_(std::move(opts)), target_(normalize(std::move(path))), temp_(detail::temporary_path_for(target_)),
        ctx_(opts_, target_), zip_(temp_), document_(object{}) {
    zip_.sync_on_finish(opts_.sync);
  }

  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  /// Abandons an unclosed file: the temporary is removed, the target untouched.
  ~writer() {
    if (!closed_) {
      std::error_code ignored;
      std::filesystem::remove(temp_, ignored);
    }
  }

  /// Serializes `v` at `pointer` ("/results/loss"; intermediate objects are
  /// created) and writes its external members now. The caller's data need
  /// only live until put() returns.
  template <class T>
  void put(std::string_view pointer, const T& v) {
    check_open();
    // The open member of a stream is being written: nothing may come between.
    if (streaming_) throw error("writer: put() while a stream is open; finish() it first", target_);
    auto tokens = parse_pointer(pointer);
    set_path(tokens);
    value saved = detail::save_value(v, ctx_);
    on_file([&] { flush_externals(); });
    slot(tokens) = std::move(saved);
  }

  /// Streams an array of `type` and `shape` into its own .npy member at
  /// `pointer`, whatever its size (never inline); memory stays bounded by
  /// the chunks the caller writes.
  array_stream stream_array(std::string_view pointer, dtype type, std::vector<std::size_t> shape) {
    check_open();
    if (streaming_) throw error("writer: another stream is still open", target_);
    auto tokens = parse_pointer(pointer);
    if (tokens.empty()) throw error("writer: an array stream cannot be the root", target_);
    set_path(tokens);
    std::uint64_t n = 1;
    for (auto d : shape) n *= d;
    std::string name = ctx_.claim_member("npy");
    detail::zip_member_options o = member_options(true);
    o.size_hint = n * itemsize(type) + 128;
    std::string head = npy::format_header(type, shape);
    on_file([&] {
      zip_.begin_member(name, o);
      zip_.write(detail::as_bytes(head));
    });
    detail::external_member m;
    m.name = name;
    m.path = ctx_.path.to_value();
    m.length = shape.empty() ? 1 : shape[0];
    written_externals_.push_back(std::move(m));
    slot(tokens) = object{{std::string(detail::format_key), std::string(detail::numpy_prefix) + ":external"},
                          {std::string(detail::ref_key), name},
                          {"shape", detail::shape_value(shape)},
                          {"dtype", std::string(numpy_name(type))},
                          {"n_elements", static_cast<std::uint64_t>(n)}};
    streaming_ = true;
    return array_stream(this, type, n * itemsize(type));
  }

  /// Streams a table of `Row`s into a .jsonl member at `pointer`, one line per
  /// row as it is written: Python reads it as a pandas DataFrame.
  template <table_row Row>
  table_stream<Row> stream_table(std::string_view pointer) {
    check_open();
    if (streaming_) throw error("writer: another stream is still open", target_);
    auto tokens = parse_pointer(pointer);
    if (tokens.empty()) throw error("writer: a table stream cannot be the root", target_);
    set_path(tokens);
    std::string name = ctx_.claim_member("jsonl");
    detail::zip_member_options o = member_options(true);
    o.align = 0;
    on_file([&] { zip_.begin_member(name, o); });
    detail::external_member m;
    m.name = name;
    m.path = ctx_.path.to_value();
    m.kind = detail::external_kind::jsonl;
    written_externals_.push_back(std::move(m));
    list columns;
    for (auto column : detail::field_names<Row>()) columns.emplace_back(std::string(column));
    value& ref = slot(tokens);
    ref = object{{std::string(detail::format_key), std::string(detail::dataframe_external)},
                 {std::string(detail::ref_key), name},
                 {"len(data)", 0},
                 {"columns", std::move(columns)}};
    streaming_ = true;
    return table_stream<Row>(this, &ref);
  }

  /// Writes the document and the metadata, finishes the archive and renames
  /// it into place. Returns the path written.
  std::filesystem::path close() {
    check_open();
    if (streaming_) throw error("writer: close() with a stream not finished", target_);
    try {
      detail::zip_member_options o = member_options(false);
      detail::set_dos_time_now(o);
      std::string text = json::to_string(document_);
      zip_.add_member(std::string(detail::main_member), detail::as_bytes(text), o);
      ctx_.externals = std::move(written_externals_);
      std::string meta = json::to_string(detail::build_meta(ctx_));
      zip_.add_member(std::string(detail::meta_member), detail::as_bytes(meta), o);
      zip_.finish();
      std::error_code ec;
      std::filesystem::rename(temp_, target_, ec);
      if (ec) throw error("cannot move the finished archive into place: " + ec.message(), target_);
    } catch (const error& e) {
      std::error_code ignored;
      std::filesystem::remove(temp_, ignored);
      closed_ = true;
      throw error(e.reason(), target_, e.object_path(), e.member());
    }
    closed_ = true;
    detail::remove_stale_temporaries(target_);
    return target_;
  }

 private:
  friend class array_stream;
  template <table_row Row>
  friend class table_stream;

  static std::filesystem::path normalize(std::filesystem::path path) {
    if (!path.filename().string().ends_with(".zanj")) path += ".zanj";
    if (auto parent = path.parent_path(); !parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
      if (ec) throw error("cannot create directory '" + parent.string() + "': " + ec.message(), path);
    }
    return path;
  }

  void check_open() const {
    if (closed_) throw error("writer: already closed", target_);
  }

  detail::zip_member_options member_options(bool external) const {
    detail::zip_member_options o;
    o.method = opts_.compress ? detail::zip_method::deflated : detail::zip_method::stored;
    o.level = opts_.compress_level;
    o.zip64_local_extra = external;
    if (external) o.align = 64;  // applies when stored
    return o;
  }

  /// Writes the members registered by the last put() and drops their data.
  void flush_externals() {
    std::vector<std::span<const std::byte>> pieces;
    for (auto& m : ctx_.externals) {
      detail::zip_member_options o = member_options(true);
      if (m.kind != detail::external_kind::npy) o.align = 0;
      pieces.assign(1, detail::as_bytes(m.head));
      pieces.insert(pieces.end(), m.body.begin(), m.body.end());
      zip_.add_member_pieces(m.name, pieces, o);
      m.head.clear();
      m.head.shrink_to_fit();
      m.body.clear();
      m.owned_body = {};
      m.owned_text = {};
      written_externals_.push_back(std::move(m));
    }
    ctx_.externals.clear();
  }

  std::vector<std::string> parse_pointer(std::string_view pointer) const {
    auto tokens = detail::split_pointer(pointer);
    if (!tokens) throw error("writer: JSON pointer must be empty or start with '/'", target_);
    return std::move(*tokens);
  }

  void set_path(const std::vector<std::string>& tokens) {
    while (!ctx_.path.empty()) ctx_.path.pop();
    for (auto& t : tokens) ctx_.path.push(t);
  }

  /// The place in the document for `tokens`, creating objects on the way.
  value& slot(const std::vector<std::string>& tokens) {
    value* node = &document_;
    for (auto& t : tokens) {
      if (!node->is_object()) *node = object{};
      node = &node->as_object()[t];
    }
    return *node;
  }

  /// Runs `f`, which writes to the temporary file; its errors name the target.
  template <class F>
  void on_file(F&& f) {
    try {
      f();
    } catch (const error& e) {
      throw error(e.reason(), target_, e.object_path(), e.member());
    }
  }

  void stream_bytes(std::span<const std::byte> bytes) {
    on_file([&] { zip_.write(bytes); });
  }
  void end_stream() {
    on_file([&] { zip_.end_member(); });
    streaming_ = false;
  }

  options opts_;
  std::filesystem::path target_;
  std::filesystem::path temp_;
  detail::save_context ctx_;
  detail::zip_writer zip_;
  value document_;
  std::vector<detail::external_member> written_externals_;
  bool streaming_ = false;
  bool closed_ = false;
};

inline void array_stream::write_bytes(std::span<const std::byte> bytes) {
  if (!owner_) throw error("array_stream: already finished");
  if (bytes.size() % item_ != 0) throw error("array_stream: a write must hold whole elements");
  if (written_ + bytes.size() > expected_)
    throw error("array_stream: more data than the shape holds (" + std::to_string(expected_) + " bytes)");
  owner_->stream_bytes(bytes);
  written_ += bytes.size();
}

inline void array_stream::finish() {
  if (!owner_) throw error("array_stream: already finished");
  if (written_ != expected_)
    throw error("array_stream: " + std::to_string(written_) + " of " + std::to_string(expected_) +
                " bytes written before finish()");
  owner_->end_stream();
  owner_ = nullptr;
}

template <table_row Row>
void table_stream<Row>::write(const Row& row) {
  if (!owner_) throw error("table_stream: already finished");
  object record;
  detail::for_each_field(row, [&](std::string_view name, const auto& field) {
    record.append(std::string(name), detail::cell_to_value(field));
  });
  line_.clear();
  json::write(line_, record, json::style::compact);
  line_ += '\n';
  owner_->stream_bytes(detail::as_bytes(line_));
  if (rows_++ == 0) first_ = value(std::move(record));
}

template <table_row Row>
void table_stream<Row>::finish() {
  if (!owner_) throw error("table_stream: already finished");
  auto& ref = slot_->as_object();
  ref.at("len(data)") = rows_;
  if (first_) ref.append("data[0]", *first_);
  auto& member = owner_->written_externals_.back();
  member.length = rows_;
  member.first_item = first_;
  owner_->end_stream();
  owner_ = nullptr;
}

}  // namespace zanj
