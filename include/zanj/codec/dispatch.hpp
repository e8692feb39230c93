// save_value / load_value: the one entry into every codec, where the error
// mode applies and foreign exceptions get a location.
#pragma once

#include <exception>
#include <string>

#include <zanj/codec/aggregate.hpp>
#include <zanj/codec/codec.hpp>
#include <zanj/codec/custom.hpp>
#include <zanj/codec/diagnostics.hpp>
#include <zanj/codec/dynamic.hpp>
#include <zanj/codec/map.hpp>
#include <zanj/codec/ndarray.hpp>
#include <zanj/codec/numeric_array.hpp>
#include <zanj/codec/optional.hpp>
#include <zanj/codec/scalar.hpp>
#include <zanj/codec/sequence.hpp>
#include <zanj/codec/set.hpp>
#include <zanj/codec/string.hpp>
#include <zanj/codec/table.hpp>
#include <zanj/codec/tuple.hpp>

namespace zanj::detail {

template <class T>
value save_value(const T& v, save_context& ctx) {
  if constexpr (!saveable<T>) {
    diagnose_not_saveable<T>();  // the one compile error, naming T
    return {};
  } else {
    const auto mark = ctx.checkpoint();
    auto replace = [&](const std::string& what) -> value {
      // error_mode warn/ignore: keep going with a description in place of
      // the value, as the reference stores repr(value) (FORMAT.md §11).
      ctx.rollback(mark);
      if (ctx.opts.error_mode == error_mode::warn) ctx.warn(what);
      return value("<zanj: value not serialized: " + what + ">");
    };
    try {
      return codec<T>::save(v, ctx);
    } catch (const error& e) {
      if (ctx.opts.error_mode == error_mode::except) throw;
      return replace(e.what());
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      error located(e.what(), ctx.file, ctx.path.pointer());
      if (ctx.opts.error_mode == error_mode::except) throw located;
      return replace(located.what());
    }
  }
}

/// Runs a load step, giving foreign exceptions (from user traits) the path.
template <class F>
decltype(auto) located(load_context& ctx, F&& step) {
  try {
    return step();
  } catch (const error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    ctx.fail(e.what());
  }
}

template <class T>
void load_value(const value& node, load_context& ctx, T& out) {
  if constexpr (!loadable<T>) {
    diagnose_not_readable<T>();  // the one compile error, naming T
  } else {
    located(ctx, [&] { codec<T>::load(node, ctx, out); });
  }
}

template <class T>
T load_new(const value& node, load_context& ctx) {
  if constexpr (requires { codec<T>::make(node, ctx); }) {
    // A codec that builds its T itself: zanj_traits<T>::load, or a configured
    // model from its config. T need not be default-constructible.
    return located(ctx, [&] { return codec<T>::make(node, ctx); });
  } else if constexpr (!loadable<T>) {
    diagnose_not_readable<T>();  // the one compile error, naming T
    throw error("unreachable");
  } else {
    T out{};
    load_value(node, ctx, out);
    return out;
  }
}

}  // namespace zanj::detail
