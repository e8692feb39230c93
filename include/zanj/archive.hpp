// zanj::archive: an open .zanj file, read lazily. Opening parses the zip
// directory and __zanj__.json only; a value is loaded by JSON pointer,
// touching only the members it needs; arrays of stored members can be viewed
// in place, without a copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <zanj/codec/dispatch.hpp>
#include <zanj/detail/array_decode.hpp>
#include <zanj/detail/format_names.hpp>
#include <zanj/detail/json_pointer.hpp>
#include <zanj/detail/load_context.hpp>
#include <zanj/detail/zip_reader.hpp>
#include <zanj/dtype.hpp>
#include <zanj/error.hpp>
#include <zanj/json.hpp>
#include <zanj/npy.hpp>
#include <zanj/options.hpp>
#include <zanj/read.hpp>
#include <zanj/value.hpp>

namespace zanj {

/// The elements of an array, either viewed in place inside the file mapping
/// (a stored, aligned, C-order, native-endian .npy member) or held in a copy
/// (compressed members, other layouts, inline arrays). Either way it keeps
/// what it points into alive.
template <array_element T>
class array_view {
 public:
  const std::vector<std::size_t>& shape() const noexcept { return shape_; }
  std::span<const T> elements() const noexcept { return elements_; }
  const T* data() const noexcept { return elements_.data(); }
  std::size_t size() const noexcept { return elements_.size(); }
  /// True when the elements lie inside the file mapping (no copy was made).
  bool zero_copy() const noexcept { return zero_copy_; }

 private:
  friend class archive;
  std::vector<std::size_t> shape_;
  std::span<const T> elements_;
  std::shared_ptr<const void> owner_;
  bool zero_copy_ = false;
};

/// What a path holds, told from the document and the zip directory alone.
struct node_info {
  std::string kind;                  // "object", "list", "array", "SomeClass(SerializableDataclass)", "int64"...
  std::string format;                // the __muutils_format__ string, if any
  std::vector<std::size_t> shape;    // arrays
  std::string dtype;                 // arrays
  std::string member;                // external member name, if any
  std::uint64_t stored_bytes = 0;    // member size in the archive
  std::uint64_t content_bytes = 0;   // member size uncompressed
  std::size_t children = 0;          // object members / list items (0 for externals not yet read)
};

/// An open .zanj file. Each call reads within `opts.limits` on its own
/// (opening counts the document), so the limits bound one call, not the
/// lifetime of the archive.
class archive {
 public:
  explicit archive(std::filesystem::path file, zanj::options opts = {})
      : zip_(std::make_shared<detail::zip_reader>(file, opts.limits)), opts_(std::move(opts)), file_(std::move(file)) {
    document_ = detail::read_json_member(*zip_, detail::main_member, file_);
  }

  const std::filesystem::path& path() const noexcept { return file_; }

  /// The parsed __zanj__.json, external references left as they are.
  const value& document() const noexcept { return document_; }

  /// The parsed __zanj_meta__.json (read on demand).
  value meta() const {
    zip_->restart_inflation_count();
    return detail::read_json_member(*zip_, detail::meta_member, file_);
  }

  /// Loads the value at a JSON pointer ("" is the root, "/layers/3/w" an
  /// item) into a T, reading only the members it needs.
  template <class T>
  T get(std::string_view pointer) const {
    detail::load_context ctx = context();
    const value& node = locate(pointer, ctx);
    return detail::load_new<T>(node, ctx);
  }

  /// The value at a pointer, every external below it resolved.
  value get(std::string_view pointer) const { return get<value>(pointer); }

  bool contains(std::string_view pointer) const {
    try {
      detail::load_context ctx = context();
      locate(pointer, ctx);
      return true;
    } catch (const error&) {
      return false;
    }
  }

  /// The keys of an object, or the indices of a list ("0", "1", ...).
  std::vector<std::string> children(std::string_view pointer) const {
    detail::load_context ctx = context();
    const value& node = step_into_payload(locate(pointer, ctx), ctx);
    std::vector<std::string> out;
    if (auto* obj = node.get_if<object>()) {
      for (auto& [key, v] : *obj)
        if (key != detail::format_key) out.push_back(key);
    } else if (auto* items = node.items()) {
      for (std::size_t i = 0; i < items->size(); ++i) out.push_back(std::to_string(i));
    }
    return out;
  }

  /// Kind, shape, dtype and member sizes at a pointer, without reading any
  /// array data (a stored .npy member's header is read from the mapping).
  node_info info(std::string_view pointer) const {
    detail::load_context ctx = context();
    const value& node = locate(pointer, ctx);
    node_info out;
    out.format = std::string(detail::format_of(node));
    out.kind = out.format.empty() ? std::string(kind_name(node.kind())) : out.format;
    if (auto* items = node.items()) out.children = items->size();
    if (auto* obj = node.get_if<object>()) out.children = obj->size() - (out.format.empty() ? 0 : 1);
    if (detail::is_array_node(node)) {
      out.kind = "array";
      if (auto* d = node.find("dtype"); d && d->is_string()) out.dtype = d->as_string();
      if (node.find("shape")) out.shape = detail::read_shape(node, ctx);
      out.children = 0;
    }
    if (detail::load_context::is_external_ref(node)) {
      out.member = detail::ref_name(node);
      out.children = 0;
      if (auto* entry = zip_->find(out.member)) {
        out.stored_bytes = entry->compressed_size;
        out.content_bytes = entry->uncompressed_size;
        if (entry->method == 0 && out.member.ends_with(".npy")) {
          try {
            auto h = npy::parse_header(zip_->raw(*entry), opts_.limits);
            out.shape = h.shape;
          } catch (const error&) {
            // info() describes; verify() and reads report a broken header.
          }
        }
      }
    }
    return out;
  }

  /// The array at a pointer as elements of T. A stored .npy member in C order
  /// and native byte order whose data is aligned for T is viewed in place, with
  /// no copy and without a CRC check of its data (the point is not to read it;
  /// `get` checks the CRC). Anything else is decoded into a copy.
  template <array_element T>
  array_view<T> view(std::string_view pointer) const {
    detail::load_context ctx = context();
    const value& node = locate(pointer, ctx);
    if (!detail::is_array_node(node)) ctx.mismatch("an array", node);
    array_view<T> out;
    if (try_view_in_place(node, ctx, out)) return out;
    auto decoded = std::make_shared<array_value>(detail::decode_array(node, ctx));
    auto elements = std::make_shared<std::vector<T>>(decoded->size());
    if (!detail::convert_elements(*decoded, elements->data()))
      ctx.fail("array of " + std::string(numpy_name(decoded->type)) + " does not fit " +
               std::string(numpy_name(dtype_v<T>)));
    out.shape_ = decoded->shape;
    out.elements_ = *elements;
    out.owner_ = elements;
    return out;
  }

  /// The file as mapped in memory; zero-copy views point into it.
  std::span<const std::byte> mapping() const noexcept { return zip_->mapping(); }

  /// How many member contents were read so far (laziness, in tests).
  std::size_t member_reads() const noexcept { return zip_->content_reads(); }

 private:
  /// The context of one call, with a fresh count for max_total_inflated.
  detail::load_context context() const {
    zip_->restart_inflation_count();
    return detail::load_context(zip_.get(), file_, opts_);
  }

  /// Walks an RFC 6901 pointer from the root, stepping through the payload of
  /// external lists; records the path in ctx for error messages.
  const value& locate(std::string_view pointer, detail::load_context& ctx) const {
    auto tokens = detail::split_pointer(pointer);
    if (!tokens) ctx.fail("JSON pointer must be empty or start with '/'");
    const value* node = &document_;
    for (const std::string& token : *tokens) {
      node = &step_into_payload(*node, ctx);
      if (auto* items = node->items()) {
        std::size_t index = 0;
        auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
        if (ec != std::errc{} || end != token.data() + token.size() || token.empty())
          ctx.fail("'" + token + "' is not a list index");
        ctx.path.push(index);
        if (index >= items->size()) ctx.fail("index out of range (list has " + std::to_string(items->size()) + ")");
        node = &(*items)[index];
      } else if (auto* obj = node->get_if<object>()) {
        ctx.path.push(token);
        node = obj->find(token);
        if (!node) ctx.fail("no such key");
      } else {
        ctx.path.push(token);
        ctx.fail("cannot step into " + detail::load_context::describe(*node));
      }
    }
    return *node;
  }

  /// The items of an external list (read once, then cached); other nodes as they are.
  const value& step_into_payload(const value& node, detail::load_context& ctx) const {
    auto fmt = detail::format_of(node);
    if (fmt != detail::list_external && fmt != detail::tuple_external) return node;
    std::string member = detail::ref_name(node);
    auto cached = payloads_.find(member);
    if (cached == payloads_.end())
      cached = payloads_.emplace(member, std::make_shared<const value>(ctx.load_external(node))).first;
    return *cached->second;
  }

  template <array_element T>
  bool try_view_in_place(const value& node, detail::load_context& ctx, array_view<T>& out) const {
    if (!detail::format_of(node).ends_with(detail::external_suffix)) return false;
    auto* dtype_node = node.find("dtype");
    auto spec = dtype_node && dtype_node->is_string() ? parse_dtype(dtype_node->as_string()) : std::nullopt;
    if (!spec || spec->type != dtype_v<T>) return false;
    std::string member = detail::ref_name(node);
    const detail::zip_entry* entry = zip_->find(member);
    if (!entry || entry->method != 0) return false;
    std::span<const std::byte> bytes;
    npy::header h;
    try {
      bytes = zip_->raw(*entry);
      h = npy::parse_header(bytes, opts_.limits);
    } catch (const error& e) {
      throw e.with_context(file_, ctx.path.pointer(), member);
    }
    const bool native = h.type.type == dtype_v<T> && (itemsize(h.type.type) == 1 || h.type.order == std::endian::native);
    const auto* first = bytes.data() + h.data_offset;
    if (!native || h.fortran_order || reinterpret_cast<std::uintptr_t>(first) % alignof(T) != 0) return false;
    out.shape_ = h.shape;
    out.elements_ = {reinterpret_cast<const T*>(first), h.element_count()};
    out.owner_ = zip_;  // the mapping lives as long as the reader
    out.zero_copy_ = true;
    return true;
  }

  std::shared_ptr<detail::zip_reader> zip_;
  zanj::options opts_;
  std::filesystem::path file_;
  value document_;
  mutable std::map<std::string, std::shared_ptr<const value>> payloads_;
};

}  // namespace zanj
