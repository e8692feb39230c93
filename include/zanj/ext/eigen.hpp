// Eigen dense matrices (family::dense_matrix): Matrix and Array of any size
// and storage order, and the Map, Ref, Block and Transpose views of them,
// saved as numpy arrays -- vectors as 1-d [n], everything else as 2-d
// [rows, cols]. The only header of the library that includes Eigen.
//
// Saving never copies a large matrix whose storage is contiguous: its .npy
// member borrows the matrix's bytes, in Fortran order for column-major
// storage (as numpy writes a Fortran-ordered array). A strided view (a block
// of a larger matrix) is written one column (or row) at a time.
#pragma once

#include <array>
#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include <zanj/codec/codec.hpp>
#include <zanj/detail/array_decode.hpp>
#include <zanj/detail/array_save.hpp>
#include <zanj/detail/huge_pages.hpp>

namespace zanj::detail {

/// An Eigen dense object whose coefficients sit in memory at fixed strides
/// (Eigen's DirectAccessBit), with a numpy element type.
template <class T>
concept eigen_direct_access = std::is_base_of_v<Eigen::DenseBase<T>, T> &&
                              (int(T::Flags) & Eigen::DirectAccessBit) != 0 && array_element<typename T::Scalar>;

template <class T>
  requires eigen_direct_access<T>
struct codec<T, family::dense_matrix> {
  using scalar = typename T::Scalar;
  static constexpr int rows_at_compile_time = T::RowsAtCompileTime;
  static constexpr int cols_at_compile_time = T::ColsAtCompileTime;
  static constexpr bool is_vector = T::IsVectorAtCompileTime;
  static constexpr bool is_row_vector = is_vector && rows_at_compile_time == 1;
  static constexpr bool is_plain = std::is_base_of_v<Eigen::PlainObjectBase<T>, T>;
  static constexpr bool is_writable = (int(T::Flags) & Eigen::LvalueBit) != 0;
  // Fixed-size types below the default threshold (options' 256) get a stack
  // buffer for the C-order copy an inline column-major matrix needs.
  static constexpr int size_at_compile_time = T::SizeAtCompileTime;
  static constexpr bool small_fixed_size = size_at_compile_time != Eigen::Dynamic && size_at_compile_time < 256;

  static value save(const T& m, save_context& ctx) {
    const auto rows = static_cast<std::size_t>(m.rows());
    const auto cols = static_cast<std::size_t>(m.cols());
    const std::array<std::size_t, 2> dims =
        is_vector ? std::array<std::size_t, 2>{rows * cols, 0} : std::array<std::size_t, 2>{rows, cols};
    const std::span<const std::size_t> shape(dims.data(), is_vector ? 1 : 2);
    array_view view{dtype_v<scalar>, shape, {}};

    // The threshold is a run-time option, so it alone decides, fixed sizes
    // included: a lowered threshold sends a Matrix4d to a .npy member.
    if (!saves_external(shape.size(), rows * cols, ctx)) {
      if (is_contiguous(m) && (T::IsRowMajor || orders_coincide(shape))) {
        view.bytes = bytes_of(m.data(), rows * cols);
        return save_array(view, ctx);
      }
      // Inline forms are C order: gather a small copy in row order.
      auto gather_and_save = [&](std::span<std::byte> buffer) {
        gather(m.data(), rows, cols, m.rowStride(), m.colStride(), buffer.data());
        view.bytes = buffer;
        return save_array(view, ctx);
      };
      if constexpr (small_fixed_size) {
        std::array<std::byte, std::size_t(size_at_compile_time) * sizeof(scalar)> buffer;
        return gather_and_save(buffer);
      } else {
        std::vector<std::byte> buffer(rows * cols * sizeof(scalar));
        return gather_and_save(buffer);
      }
    }

    // Externals keep the storage order: column-major data is written as a
    // Fortran-order .npy (numpy reads it as the same matrix).
    view.fortran_order = !T::IsRowMajor && !is_vector;
    const auto inner = static_cast<std::size_t>(m.innerSize());
    const auto outer = static_cast<std::size_t>(m.outerSize());
    if (is_contiguous(m)) return save_external_array(view, {bytes_of(m.data(), rows * cols)}, ctx);
    // A block of a larger matrix: one chunk per column (row, if row-major),
    // unless the chunks are so short that listing them costs more than a copy.
    if (!is_vector && m.innerStride() == 1 && inner * sizeof(scalar) >= sizeof(std::span<const std::byte>)) {
      std::vector<std::span<const std::byte>> chunks;
      chunks.reserve(outer);
      for (std::size_t o = 0; o < outer; ++o) chunks.push_back(bytes_of(m.data() + o * m.outerStride(), inner));
      return save_external_array(view, std::move(chunks), ctx);
    }
    std::vector<std::byte> copy(rows * cols * sizeof(scalar));
    gather(m.data(), outer, inner, m.outerStride(), m.innerStride(), copy.data());
    const std::span<const std::byte> data(copy);
    return save_external_array(view, {data}, ctx, std::move(copy));
  }

  /// Eigen's resize leaves new storage untouched: advised here, before the
  /// read first writes it.
  static void resize_advised(T& out, std::size_t rows, std::size_t cols) {
    const bool fresh = Eigen::Index(rows) != out.rows() || Eigen::Index(cols) != out.cols();
    out.resize(Eigen::Index(rows), Eigen::Index(cols));
    if (fresh) advise_huge_pages(out.data(), rows * cols * sizeof(scalar));
  }

  static void load(const value& node, load_context& ctx, T& out)
    requires is_writable
  {
    const std::string member = ref_name(node);
    // An external .npy of this scalar type goes straight into the matrix's
    // storage, in its storage order (a Fortran-order .npy is a column-major
    // matrix's bytes as they are).
    if (is_plain || is_contiguous(out)) {
      if (read_external_into<scalar>(node, ctx, !T::IsRowMajor && !is_vector, [&](const std::vector<std::size_t>& shape) {
            const auto [r, c] = matrix_shape(shape, out, ctx, member);
            if constexpr (is_plain) resize_advised(out, r, c);
            return out.data();
          }))
        return;
    }
    array_value a = read_array(node, ctx);
    const auto [rows, cols] = matrix_shape(a.shape, out, ctx, member);
    if constexpr (is_plain) resize_advised(out, rows, cols);

    auto refuse_elements = [&] {
      ctx.fail("expected " + std::string(numpy_name(dtype_v<scalar>)) + " elements, found " +
                   std::string(numpy_name(a.type)) + " elements that do not fit",
               member);
    };
    // Plain storage whose order matches C order takes the elements directly.
    if (is_plain && (T::IsRowMajor || rows <= 1 || cols <= 1)) {
      if (!convert_elements(a, out.data())) refuse_elements();
      return;
    }
    std::unique_ptr<scalar[]> converted;  // not vector<scalar>: vector<bool> has no data()
    const scalar* c_order = nullptr;
    if (a.type == dtype_v<scalar>) {
      c_order = a.elements<scalar>().data();
    } else {
      converted = std::make_unique<scalar[]>(rows * cols);
      if (!convert_elements(a, converted.get())) refuse_elements();
      c_order = converted.get();
    }
    // Eigen's assignment moves the elements into out's storage order.
    out = Eigen::Map<const c_order_type>(c_order, Eigen::Index(rows), Eigen::Index(cols));
  }

 private:
  // A plain type of T's kind and compile-time shape whose storage is C order.
  static constexpr int c_order_options =
      (cols_at_compile_time == 1 && rows_at_compile_time != 1) ? Eigen::ColMajor : Eigen::RowMajor;
  using c_order_type =
      std::conditional_t<std::is_base_of_v<Eigen::ArrayBase<T>, T>,
                         Eigen::Array<scalar, rows_at_compile_time, cols_at_compile_time, c_order_options>,
                         Eigen::Matrix<scalar, rows_at_compile_time, cols_at_compile_time, c_order_options>>;

  static std::span<const std::byte> bytes_of(const scalar* data, std::size_t count) {
    return std::as_bytes(std::span<const scalar>(data, count));
  }

  /// Whether the coefficients fill one block of memory in storage order.
  static bool is_contiguous(const T& m) {
    if (m.size() <= 1) return true;
    if (is_vector) return m.innerStride() == 1;
    return m.innerStride() == 1 && (m.outerStride() == m.innerSize() || m.outerSize() == 1);
  }

  /// Copies `outer` x `inner` coefficients at the given strides (in
  /// elements), inner index fastest, into `dest`.
  static void gather(const scalar* data, std::size_t outer, std::size_t inner, Eigen::Index outer_stride,
                     Eigen::Index inner_stride, std::byte* dest) {
    for (std::size_t o = 0; o < outer; ++o) {
      const scalar* line = data + Eigen::Index(o) * outer_stride;
      for (std::size_t i = 0; i < inner; ++i, dest += sizeof(scalar))
        std::memcpy(dest, line + Eigen::Index(i) * inner_stride, sizeof(scalar));
    }
  }

  /// The stored array: any array form, or a list (internal_array_mode
  /// "list", a Python list, a list:external) whose rank T gives: numbers for
  /// a vector, rows -- lists or 1-d arrays -- for a matrix.
  static array_value read_array(const value& node, load_context& ctx) {
    if (is_array_node(node)) return decode_array(node, ctx);
    if (format_of(node) == list_external || format_of(node) == tuple_external) {
      auto scope = ctx.enter_external(node);
      return list_to_array(ctx.load_external(node), ctx);
    }
    return list_to_array(node, ctx);
  }

  static array_value list_to_array(const value& list_node, load_context& ctx) {
    auto* items = list_node.items();
    if (!items) ctx.mismatch(is_vector ? "an array or a list of numbers" : "an array or a list of rows", list_node);
    array_value a;
    a.type = dtype_v<scalar>;
    if constexpr (is_vector) {
      a.shape = {items->size()};
      a.bytes.resize(items->size() * sizeof(scalar));
      for (std::size_t i = 0; i < items->size(); ++i) {
        path_guard g(ctx, i);
        if (!store_element(a.type, (*items)[i], a.bytes.data() + i * sizeof(scalar)))
          ctx.mismatch(numpy_name(a.type), (*items)[i]);
      }
    } else {
      // "[]" is numpy's tolist() of any 0 x n array: a fixed n fills in.
      std::size_t cols = cols_at_compile_time == Eigen::Dynamic ? 0 : std::size_t(cols_at_compile_time);
      for (std::size_t i = 0; i < items->size(); ++i) {
        path_guard g(ctx, i);
        array_value row = read_row((*items)[i], ctx);
        if (i == 0)
          cols = row.shape[0];
        else if (row.shape[0] != cols)
          ctx.fail("a row of " + std::to_string(row.shape[0]) + " elements after rows of " + std::to_string(cols) +
                   ": rows of different lengths are not a matrix");
        a.bytes.insert(a.bytes.end(), row.bytes.begin(), row.bytes.end());
      }
      a.shape = {items->size(), cols};
    }
    return a;
  }

  /// One row of a matrix stored as a list of rows, as elements of `scalar`.
  static array_value read_row(const value& node, load_context& ctx) {
    if (is_array_node(node)) {
      array_value row = decode_array(node, ctx);
      if (row.shape.size() != 1) ctx.fail("expected a row (1-d array), found an array of shape " + shape_text(row.shape));
      if (row.type != dtype_v<scalar>) {
        std::vector<std::byte> bytes(row.size() * sizeof(scalar));
        if (!convert_elements(row, reinterpret_cast<scalar*>(bytes.data())))
          ctx.fail("expected " + std::string(numpy_name(dtype_v<scalar>)) + " elements, found " +
                   std::string(numpy_name(row.type)) + " elements that do not fit");
        row.bytes = std::move(bytes);
        row.type = dtype_v<scalar>;
      }
      return row;
    }
    auto* items = node.items();
    if (!items) ctx.mismatch("a row (a list or a 1-d array)", node);
    array_value row;
    row.type = dtype_v<scalar>;
    row.shape = {items->size()};
    row.bytes.resize(items->size() * sizeof(scalar));
    for (std::size_t j = 0; j < items->size(); ++j) {
      path_guard g(ctx, j);
      if (!store_element(row.type, (*items)[j], row.bytes.data() + j * sizeof(scalar)))
        ctx.mismatch(numpy_name(row.type), (*items)[j]);
    }
    return row;
  }

  static std::string dimension_text(int at_compile_time, Eigen::Index current) {
    if constexpr (is_plain) {
      (void)current;
      return at_compile_time == Eigen::Dynamic ? "any" : std::to_string(at_compile_time);
    } else {
      return std::to_string(current);  // a view cannot be resized
    }
  }

  /// The shape T can take: a vector type any 1-d array (or a 2-d one of its
  /// orientation), a matrix type a 2-d array; fixed dimensions (and a view's
  /// current size) must match, dynamic ones stay within their maximum.
  static std::array<std::size_t, 2> matrix_shape(const std::vector<std::size_t>& shape, const T& out,
                                                 load_context& ctx, const std::string& member) {
    std::array<std::size_t, 2> rc{};
    bool rank_ok = true;
    if (shape.size() == 2) {
      rc = {shape[0], shape[1]};
      if (is_vector) rank_ok = is_row_vector ? shape[0] == 1 : shape[1] == 1;
    } else if (shape.size() == 1 && is_vector) {
      rc = is_row_vector ? std::array<std::size_t, 2>{1, shape[0]} : std::array<std::size_t, 2>{shape[0], 1};
    } else {
      rank_ok = false;
    }
    const std::string expected =
        is_vector ? "[" + dimension_text(size_at_compile_time, out.size()) + "]"
                  : "[" + dimension_text(rows_at_compile_time, out.rows()) + ", " +
                        dimension_text(cols_at_compile_time, out.cols()) + "]";
    auto refuse = [&](const char* what) {
      ctx.fail(std::string(what) + " of shape " + expected + ", found an array of shape " + shape_text(shape),
               member);
    };
    if (!rank_ok) refuse(is_vector ? "expected a vector (1-d array)" : "expected a matrix (2-d array)");
    auto fits = [](std::size_t n, int fixed, int max, Eigen::Index current) {
      if (!is_plain) return n == std::size_t(current);
      if (fixed != Eigen::Dynamic) return n == std::size_t(fixed);
      return max == Eigen::Dynamic || n <= std::size_t(max);
    };
    if (!fits(rc[0], rows_at_compile_time, T::MaxRowsAtCompileTime, out.rows()) ||
        !fits(rc[1], cols_at_compile_time, T::MaxColsAtCompileTime, out.cols()))
      refuse(is_vector ? "expected a vector" : "expected a matrix");
    return rc;
  }
};

/// Eigen types the codec above refuses, with the reason: an element type
/// numpy has no dtype for (long double, Eigen::half -- use zanj::float16 --,
/// custom scalars), or coefficients not in memory.
template <class T>
  requires(std::is_base_of_v<Eigen::DenseBase<T>, T> && !eigen_direct_access<T>)
struct codec<T, family::dense_matrix> {
  static_assert(array_element<typename T::Scalar>,
                "zanj: the Scalar of this Eigen type has no numpy dtype (use a number, bool, std::complex, "
                "zanj::float16 or zanj::bfloat16)");
  static_assert((int(T::Flags) & Eigen::DirectAccessBit) != 0,
                "zanj: this Eigen expression has no coefficients in memory: save its .eval()");
};

}  // namespace zanj::detail
