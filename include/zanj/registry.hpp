// zanj::loader_registry<R>: loaders chosen at run time by the stored
// __muutils_format__ string, the C++ analogue of the reference's
// register_loader_handler (FORMAT.md §10.2). A program that learns from the
// file which types it holds registers the formats it knows, each with a
// loader that turns the stored object into an R -- a std::any, a
// std::unique_ptr<Base>, a std::variant... -- and loads by format:
//
//     zanj::loader_registry<std::unique_ptr<shape>> shapes;
//     shapes.add<circle>();                                // "circle(SerializableDataclass)"
//     shapes.add<square>("Square(SerializableDataclass)"); // a C++ type under another format
//     shapes.add("Point(SerializableDataclass)",           // any loader of the stored value
//                [](const zanj::value& v) { return std::make_unique<point>(...); });
//
//     zanj::archive a("drawing.zanj");
//     for (auto& p : shapes.find_in(a)) draw(*shapes.get(a, p));   // every known object in the file
//
//     auto doc = zanj::read<zanj::value>("drawing.zanj");           // or from a dynamic read
//     if (auto s = shapes.try_load(*doc.find("title_shape"))) draw(**s);
#pragma once

#include <any>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <zanj/archive.hpp>
#include <zanj/codec/aggregate.hpp>
#include <zanj/codec/dispatch.hpp>
#include <zanj/codec/model.hpp>
#include <zanj/concepts.hpp>
#include <zanj/detail/format_names.hpp>
#include <zanj/detail/load_context.hpp>
#include <zanj/detail/object_path.hpp>
#include <zanj/error.hpp>
#include <zanj/options.hpp>
#include <zanj/read.hpp>
#include <zanj/value.hpp>

namespace zanj {

/// The __muutils_format__ string a T is saved under: "<Name>(SerializableDataclass)"
/// for a reflected struct, the class name for a configured model (<Name> is
/// the unqualified C++ name, or zanj_traits<T>::name).
template <class T>
std::string format_name() {
  if constexpr (configured_model_like<T>)
    return detail::model_name<T>();
  else if constexpr (detail::family_of<T>() == family::aggregate)
    return detail::dataclass_name<T>() + std::string(detail::dataclass_suffix);
  else
    static_assert(configured_model_like<T> || detail::family_of<T>() == family::aggregate,
                  "zanj: only reflected structs and configured models have a format name of their own; give the "
                  "format to loader_registry::add<T>(format)");
}

/// Loaders by format string, each giving an R. Matching is exact: unlike the
/// reference, whose model loaders match by prefix (so that `Model` claims
/// `ModelV2`, FORMAT.md §14.18), a format is loaded only by its own entry.
/// Adding a format again replaces its loader in place, as the reference does.
/// Not synchronized: fill it first, then load from any number of threads.
template <class R>
class loader_registry {
 public:
  /// A loader of the stored object, given with every external resolved and
  /// every array decoded (as zanj_traits<T>::load receives it).
  using loader = std::function<R(const value& stored)>;

  /// Registers T under format_name<T>(): the object is read as
  /// zanj::read<T> reads it (every check and option applies) and becomes an R:
  /// R(T&&), or a std::unique_ptr / std::shared_ptr to a base of T.
  template <class T>
  loader_registry& add() {
    return add<T>(format_name<T>());
  }

  /// Registers T under another format string.
  template <class T>
  loader_registry& add(std::string format) {
    entry e{std::move(format), {}, {}};
    e.from_node = [](const value& node, detail::load_context& ctx) { return to_result(detail::load_new<T>(node, ctx)); };
    e.from_archive = [](const archive& a, std::string_view pointer) { return to_result(a.get<T>(pointer)); };
    return insert(std::move(e));
  }

  /// Registers a function of the stored value. Its exceptions become
  /// zanj::errors naming the file and the object's path.
  loader_registry& add(std::string format, loader load) {
    if (!load) throw error("loader_registry: empty loader for format '" + format + "'");
    entry e{std::move(format), {}, {}};
    e.from_node = [load](const value& node, detail::load_context& ctx) {
      const value stored = detail::resolve(node, ctx);
      return detail::located(ctx, [&] { return load(stored); });
    };
    e.from_archive = [load](const archive& a, std::string_view pointer) {
      const value stored = a.get(pointer);
      try {
        return load(stored);
      } catch (const error& err) {
        throw err.with_context(a.path(), std::string(pointer));
      } catch (const std::bad_alloc&) {
        throw;
      } catch (const std::exception& ex) {
        throw error(ex.what(), a.path(), std::string(pointer));
      }
    };
    return insert(std::move(e));
  }

  bool contains(std::string_view format) const noexcept { return find(format) != nullptr; }

  /// The registered formats, in the order they were first added.
  std::vector<std::string> formats() const {
    std::vector<std::string> out;
    for (auto& e : entries_) out.push_back(e.format);
    return out;
  }

  /// Whether `stored` is an object whose format has a loader here.
  bool knows(const value& stored) const noexcept { return find(detail::format_of(stored)) != nullptr; }

  /// Loads an object of a registered format (externals already resolved, as
  /// zanj::read<zanj::value> and archive::get give them); nothing for any
  /// other value. Errors name the path below `stored`.
  std::optional<R> try_load(const value& stored, const options& opts = {}) const {
    const entry* e = find(detail::format_of(stored));
    if (!e) return std::nullopt;
    detail::load_context ctx(nullptr, {}, opts);
    return e->from_node(stored, ctx);
  }

  /// The same, with a zanj::error for an object of an unregistered format.
  R load(const value& stored, const options& opts = {}) const {
    if (auto r = try_load(stored, opts)) return std::move(*r);
    throw error(unknown(stored));
  }

  /// Loads the object at a JSON pointer of an archive, reading only the
  /// members it needs when its loader is a C++ type's; nothing when the
  /// object's format is not registered.
  std::optional<R> try_get(const archive& a, std::string_view pointer) const {
    const entry* e = find(a.info(pointer).format);
    if (!e) return std::nullopt;
    return e->from_archive(a, pointer);
  }

  R get(const archive& a, std::string_view pointer) const {
    if (auto r = try_get(a, pointer)) return std::move(*r);
    throw error(unknown(a.info(pointer).format), a.path(), std::string(pointer));
  }

  /// The root object of a file.
  R read(const std::filesystem::path& file, const options& opts = {}) const { return get(archive(file, opts), ""); }

  /// The JSON pointers of every object of a registered format in the archive
  /// below `pointer`, in document order; the inside of such an object is not
  /// searched (it is its loader's business), nor are arrays.
  std::vector<std::string> find_in(const archive& a, std::string_view pointer = "") const {
    std::vector<std::string> out;
    search(a, std::string(pointer), out);
    return out;
  }

 private:
  struct entry {
    std::string format;
    std::function<R(const value&, detail::load_context&)> from_node;
    std::function<R(const archive&, std::string_view)> from_archive;
  };

  template <class T>
  static R to_result(T&& loaded) {
    using U = std::remove_cvref_t<T>;
    if constexpr (detail::is_specialization_v<R, std::unique_ptr>) {
      static_assert(std::is_convertible_v<U*, typename R::element_type*>,
                    "zanj: loader_registry<std::unique_ptr<B>>::add<T>: T must derive from B");
      return std::make_unique<U>(std::forward<T>(loaded));
    } else if constexpr (detail::is_specialization_v<R, std::shared_ptr>) {
      static_assert(std::is_convertible_v<U*, typename R::element_type*>,
                    "zanj: loader_registry<std::shared_ptr<B>>::add<T>: T must derive from B");
      return std::make_shared<U>(std::forward<T>(loaded));
    } else {
      static_assert(std::is_constructible_v<R, U&&>,
                    "zanj: loader_registry<R>::add<T>: R must be constructible from T (a std::any, a "
                    "std::variant holding T), or a std::unique_ptr / std::shared_ptr to a base of T");
      return R(std::forward<T>(loaded));
    }
  }

  loader_registry& insert(entry e) {
    for (auto& existing : entries_)
      if (existing.format == e.format) {
        existing = std::move(e);
        return *this;
      }
    entries_.push_back(std::move(e));
    return *this;
  }

  const entry* find(std::string_view format) const noexcept {
    if (format.empty()) return nullptr;
    for (auto& e : entries_)
      if (e.format == format) return &e;
    return nullptr;
  }

  std::string unknown(const value& stored) const { return unknown(std::string(detail::format_of(stored))); }
  std::string unknown(const std::string& format) const {
    if (format.empty()) return "loader_registry: not an object with a __muutils_format__";
    std::string known;
    for (auto& e : entries_) known += (known.empty() ? "" : ", ") + e.format;
    return "loader_registry: no loader for format '" + format + "' (registered: " + known + ")";
  }

  void search(const archive& a, const std::string& pointer, std::vector<std::string>& out) const {
    const node_info info = a.info(pointer);
    if (find(info.format)) {
      out.push_back(pointer);
      return;
    }
    if (info.kind == "array") return;
    for (auto& child : a.children(pointer)) {
      detail::object_path step;  // escapes '~' and '/' in the key
      step.push(child);
      search(a, pointer + step.pointer(), out);
    }
  }

  std::vector<entry> entries_;
};

}  // namespace zanj
