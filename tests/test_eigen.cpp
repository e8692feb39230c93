// Eigen matrices, arrays, vectors, maps and blocks (ext/eigen.hpp): exact
// round trips in every array form, the .npy members numpy reads (Fortran
// order for column-major storage), no copies of mapped memory, the
// reference's fixtures, and the errors for shapes and dtypes that do not fit.
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include <bit>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <zanj/ext/eigen.hpp>

#include "fixture_support.hpp"
#include "huge_pages_support.hpp"
#include "test_support.hpp"

namespace {

using zanj_test::member_names;
using zanj_test::member_text;
using zanj_test::message_has;
using zanj_test::scratch_dir;

template <class M>
using doc_of = std::map<std::string, M>;

// ---- values -----------------------------------------------------------------

/// Element k of a test matrix: the awkward values first, then a pattern that
/// differs at every index.
template <class S>
S element(std::size_t k) {
  if constexpr (std::is_same_v<S, bool>) {
    return (k * 7 + k / 3) % 2 == 0;
  } else if constexpr (std::is_integral_v<S>) {
    using L = std::numeric_limits<S>;
    const S special[] = {L::min(), L::max(), S(0), S(1), S(L::max() - 1)};
    if (k < std::size(special)) return special[k];
    return static_cast<S>(k * 37 % 101);
  } else if constexpr (std::is_floating_point_v<S>) {
    using L = std::numeric_limits<S>;
    const S special[] = {L::quiet_NaN(), -L::infinity(), L::infinity(), S(-0.0), L::max(), L::lowest(),
                         L::denorm_min(), L::min(), L::epsilon(), S(0.1)};
    if (k < std::size(special)) return special[k];
    return static_cast<S>(k) * S(0.3) - S(17.25);
  } else {  // std::complex
    using R = typename S::value_type;
    return S(element<R>(k), element<R>(k + 3) + R(k));
  }
}

/// Fills in C order (row by row), so that the layout in memory depends on
/// the storage order while the matrix does not.
template <class M>
void fill(M& m) {
  std::size_t k = 0;
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    for (Eigen::Index c = 0; c < m.cols(); ++c) m(r, c) = element<typename M::Scalar>(k++);
}

template <class M>
M make(Eigen::Index rows, Eigen::Index cols) {
  M m(rows, cols);
  fill(m);
  return m;
}

/// Same shape and the same bits in every coefficient (NaN equals NaN, -0.0
/// differs from 0.0).
template <class A, class B>
bool same_bits(const A& a, const B& b) {
  static_assert(sizeof(typename A::Scalar) == sizeof(typename B::Scalar));
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index r = 0; r < a.rows(); ++r)
    for (Eigen::Index c = 0; c < a.cols(); ++c) {
      typename A::Scalar x = a(r, c);
      typename B::Scalar y = b(r, c);
      if (std::memcmp(&x, &y, sizeof x) != 0) return false;
    }
  return true;
}

/// Saves `m` under the key "m" (the root is never external) and reads it back.
template <class Out, class M>
Out round_trip(const M& m, const scratch_dir& dir, const zanj::options& opts = {}) {
  auto path = zanj::save(doc_of<M>{{"m", m}}, dir / "m", opts);
  return zanj::read<doc_of<Out>>(path, opts).at("m");
}

/// The raw bytes of a member.
std::vector<std::byte> member_bytes(const std::filesystem::path& file, const std::string& member) {
  std::string text = member_text(file, member);
  std::vector<std::byte> out(text.size());
  std::memcpy(out.data(), text.data(), text.size());
  return out;
}

/// The stored array as the dynamic reader decodes it (C order).
zanj::array_value stored_array(const std::filesystem::path& file, const std::string& key = "m") {
  return zanj::read<zanj::value>(file).find(key)->as_array();
}

/// `m` in C order, as raw bytes: what every inline form must hold.
template <class M>
std::vector<std::byte> c_order_bytes(const M& m) {
  Eigen::Matrix<typename M::Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = m;
  auto bytes = std::as_bytes(std::span(rows.data(), std::size_t(rows.size())));
  return {bytes.begin(), bytes.end()};
}

std::string npy_header_of(const std::filesystem::path& file, const std::string& member) {
  auto bytes = member_bytes(file, member);
  auto h = zanj::npy::parse_header(bytes);
  return std::string(reinterpret_cast<const char*>(bytes.data()) + 10, h.data_offset - 10);
}

using rm_xd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using rm_xf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace

BOOST_AUTO_TEST_SUITE(eigen)

// ---- round trips --------------------------------------------------------------

using dynamic_types = boost::mpl::list<
    Eigen::MatrixXd, rm_xd, Eigen::MatrixXf, rm_xf, Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic>,
    Eigen::Matrix<std::uint64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>,
    Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic>, Eigen::MatrixXcd,
    Eigen::Matrix<std::complex<float>, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>,
    Eigen::Array<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>,
    Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>,
    Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>>;

BOOST_AUTO_TEST_CASE_TEMPLATE(dynamic_matrices_round_trip_inline_and_external, M, dynamic_types) {
  const std::string dtype(zanj::numpy_name(zanj::dtype_v<typename M::Scalar>));
  for (bool compress : {true, false}) {
    zanj::options opts;
    opts.compress = compress;
    // 3 x 5 stays inline; 20 x 30 (600 elements) becomes m.npy.
    for (auto [rows, cols] : {std::pair{3, 5}, std::pair{20, 30}}) {
      BOOST_TEST_CONTEXT(dtype << " " << rows << "x" << cols << " compress=" << compress) {
        scratch_dir dir;
        M m = make<M>(rows, cols);
        auto path = zanj::save(doc_of<M>{{"m", m}}, dir / "m", opts);
        M back = zanj::read<doc_of<M>>(path).at("m");
        BOOST_TEST(same_bits(back, m));
        // Whatever the storage order, the stored array is the same matrix.
        auto stored = stored_array(path);
        BOOST_TEST((stored.shape == std::vector<std::size_t>{std::size_t(rows), std::size_t(cols)}));
        BOOST_TEST((stored.type == zanj::dtype_v<typename M::Scalar>));
        BOOST_TEST((stored.bytes == c_order_bytes(m)));
        const bool external = rows * cols >= 256;
        auto names = member_names(path);
        BOOST_TEST((std::find(names.begin(), names.end(), "m.npy") != names.end()) == external);
        if (external) {
          const std::string order = M::IsRowMajor ? "False" : "True";
          BOOST_TEST(npy_header_of(path, "m.npy").find("'fortran_order': " + order) != std::string::npos);
        }
      }
    }
  }
}

using fixed_types =
    boost::mpl::list<Eigen::Matrix3d, Eigen::Matrix<float, 2, 5, Eigen::RowMajor>, Eigen::Matrix<std::int16_t, 4, 2>,
                     Eigen::Matrix<std::complex<double>, 3, 2>, Eigen::Array<std::uint32_t, 2, 3, Eigen::RowMajor>,
                     Eigen::Array33f, Eigen::Matrix<double, 16, 20>, Eigen::Matrix<float, 16, 20, Eigen::RowMajor>>;

BOOST_AUTO_TEST_CASE_TEMPLATE(fixed_matrices_round_trip, M, fixed_types) {
  scratch_dir dir;
  M m;
  fill(m);
  auto path = zanj::save(doc_of<M>{{"m", m}}, dir / "m");
  BOOST_TEST(same_bits(zanj::read<doc_of<M>>(path).at("m"), m));
  BOOST_TEST((stored_array(path).shape == std::vector<std::size_t>{std::size_t(M::RowsAtCompileTime),
                                                                   std::size_t(M::ColsAtCompileTime)}));
  BOOST_TEST((stored_array(path).bytes == c_order_bytes(m)));
  // Into the dynamic type of the other storage order as well.
  using other = Eigen::Matrix<typename M::Scalar, Eigen::Dynamic, Eigen::Dynamic,
                              M::IsRowMajor ? Eigen::ColMajor : Eigen::RowMajor>;
  BOOST_TEST(same_bits(zanj::read<doc_of<other>>(path).at("m"), m));
}

BOOST_AUTO_TEST_CASE(the_runtime_threshold_decides_for_fixed_sizes_too) {
  scratch_dir dir;
  Eigen::Matrix4d small;
  fill(small);
  Eigen::Matrix<double, 16, 20> large;
  fill(large);
  zanj::options lowered;
  lowered.external_array_threshold = 16;
  auto p1 = zanj::save(doc_of<Eigen::Matrix4d>{{"m", small}}, dir / "lowered", lowered);
  BOOST_TEST(member_text(p1, "__zanj__.json").find("numpy.ndarray:external") != std::string::npos);
  BOOST_TEST(same_bits(zanj::read<doc_of<Eigen::Matrix4d>>(p1).at("m"), small));
  zanj::options raised;
  raised.external_array_threshold = 1000;
  auto p2 = zanj::save(doc_of<Eigen::Matrix<double, 16, 20>>{{"m", large}}, dir / "raised", raised);
  BOOST_TEST(member_text(p2, "__zanj__.json").find("numpy.ndarray:array_list_meta") != std::string::npos);
  BOOST_TEST(member_names(p2).size() == 2u);
  BOOST_TEST(same_bits(zanj::read<doc_of<Eigen::Matrix<double, 16, 20>>>(p2).at("m"), large));
}

BOOST_AUTO_TEST_CASE(inline_column_major_is_written_in_c_order_in_every_mode) {
  Eigen::Matrix<double, 2, 3> m;
  m << 1, 2, 3, 4, 5, 6;
  scratch_dir dir;
  auto path = zanj::save(doc_of<Eigen::Matrix<double, 2, 3>>{{"m", m}}, dir / "m");
  const std::string text = member_text(path, "__zanj__.json");
  BOOST_TEST(text.find("\"data\": [\n\t\t\t[\n\t\t\t\t1.0,\n\t\t\t\t2.0,\n\t\t\t\t3.0\n\t\t\t],") != std::string::npos,
             text);
  for (auto mode : {zanj::array_mode::list, zanj::array_mode::array_hex_meta, zanj::array_mode::array_b64_meta}) {
    zanj::options opts;
    opts.internal_array_mode = mode;
    auto p = zanj::save(doc_of<Eigen::Matrix<double, 2, 3>>{{"m", m}}, dir / "mode", opts);
    BOOST_TEST(same_bits(zanj::read<doc_of<Eigen::MatrixXd>>(p).at("m"), m));
    if (mode != zanj::array_mode::list) BOOST_TEST((stored_array(p).bytes == c_order_bytes(m)));
  }
  // list mode writes plain nested lists: [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].
  zanj::options list_mode;
  list_mode.internal_array_mode = zanj::array_mode::list;
  auto p = zanj::save(doc_of<Eigen::Matrix<double, 2, 3>>{{"m", m}}, dir / "list", list_mode);
  auto stored = *zanj::read<zanj::value>(p).find("m");
  BOOST_TEST((zanj::json::to_string(stored, zanj::json::style::compact) == "[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]"));
}

BOOST_AUTO_TEST_CASE(an_array_view_in_fortran_order_is_written_inline_in_c_order) {
  // The generic path of save_array, for any caller with Fortran-order data.
  const std::int32_t column_major[] = {1, 4, 2, 5, 3, 6};  // [[1, 2, 3], [4, 5, 6]]
  const std::size_t shape[] = {2, 3};
  zanj::options opts;
  zanj::detail::save_context ctx(opts, "x.zanj");
  zanj::detail::array_view view{zanj::dtype::int32, shape, std::as_bytes(std::span(column_major))};
  view.fortran_order = true;
  zanj::value v = zanj::detail::save_array(view, ctx);
  BOOST_TEST(zanj::json::to_string(*v.find("data"), zanj::json::style::compact) == "[[1, 2, 3], [4, 5, 6]]");
}

using vector_types = boost::mpl::list<Eigen::VectorXd, Eigen::RowVectorXf, Eigen::ArrayXi,
                                      Eigen::Array<std::complex<double>, 1, Eigen::Dynamic>, Eigen::VectorXcf>;

BOOST_AUTO_TEST_CASE_TEMPLATE(vectors_are_one_dimensional, V, vector_types) {
  for (Eigen::Index n : {0, 1, 7, 300}) {
    BOOST_TEST_CONTEXT("n=" << n) {
      scratch_dir dir;
      V v(n);
      fill(v);
      auto path = zanj::save(doc_of<V>{{"m", v}}, dir / "v");
      BOOST_TEST(same_bits(zanj::read<doc_of<V>>(path).at("m"), v));
      BOOST_TEST((stored_array(path).shape == std::vector<std::size_t>{std::size_t(n)}));
      if (n >= 256) BOOST_TEST(npy_header_of(path, "m.npy").find("'fortran_order': False, 'shape': (300,)") !=
                               std::string::npos);
      // Row and column vectors are the same 1-d array.
      using other = std::conditional_t<V::RowsAtCompileTime == 1,
                                       Eigen::Matrix<typename V::Scalar, Eigen::Dynamic, 1>,
                                       Eigen::Matrix<typename V::Scalar, 1, Eigen::Dynamic>>;
      auto transposed = zanj::read<doc_of<other>>(path).at("m");
      BOOST_TEST(same_bits(transposed.transpose(), v));
    }
  }
}

BOOST_AUTO_TEST_CASE(fixed_vectors_and_one_by_one) {
  scratch_dir dir;
  Eigen::Vector4i v(-7, 0, std::numeric_limits<int>::max(), std::numeric_limits<int>::min());
  auto p = zanj::save(doc_of<Eigen::Vector4i>{{"m", v}}, dir / "v");
  BOOST_TEST((zanj::read<doc_of<Eigen::Vector4i>>(p).at("m") == v));
  BOOST_TEST((stored_array(p).shape == std::vector<std::size_t>{4}));
  // A fixed 1x1 is a vector type (1-d); a dynamic 1x1 a matrix (2-d).
  Eigen::Matrix<double, 1, 1> one(-0.0);
  auto p1 = zanj::save(doc_of<Eigen::Matrix<double, 1, 1>>{{"m", one}}, dir / "one");
  BOOST_TEST((stored_array(p1).shape == std::vector<std::size_t>{1}));
  BOOST_TEST(std::signbit(zanj::read<doc_of<Eigen::Matrix<double, 1, 1>>>(p1).at("m")(0, 0)));
  Eigen::MatrixXd dyn_one(1, 1);
  dyn_one(0, 0) = std::numeric_limits<double>::denorm_min();
  auto p2 = zanj::save(doc_of<Eigen::MatrixXd>{{"m", dyn_one}}, dir / "dyn_one");
  BOOST_TEST((stored_array(p2).shape == std::vector<std::size_t>{1, 1}));
  BOOST_TEST(same_bits(zanj::read<doc_of<Eigen::MatrixXd>>(p2).at("m"), dyn_one));
  // A [n, 1] array reads into a column vector, [1, n] into a row vector.
  Eigen::MatrixXd column = make<Eigen::MatrixXd>(5, 1);
  auto p3 = zanj::save(doc_of<Eigen::MatrixXd>{{"m", column}}, dir / "column");
  BOOST_TEST(same_bits(zanj::read<doc_of<Eigen::VectorXd>>(p3).at("m"), column));
  BOOST_CHECK_EXCEPTION(zanj::read<doc_of<Eigen::RowVectorXd>>(p3), zanj::error,
                        message_has({"at /m", "expected a vector (1-d array) of shape [any]", "[5, 1]"}));
}

BOOST_AUTO_TEST_CASE(empty_matrices_keep_their_shape) {
  for (auto [rows, cols] : {std::pair{0, 5}, std::pair{5, 0}, std::pair{0, 0}}) {
    for (std::size_t threshold : {256u, 0u}) {  // inline, and an empty .npy
      BOOST_TEST_CONTEXT(rows << "x" << cols << " threshold " << threshold) {
        scratch_dir dir;
        zanj::options opts;
        opts.external_array_threshold = threshold;
        Eigen::MatrixXf m(rows, cols);
        auto path = zanj::save(doc_of<Eigen::MatrixXf>{{"m", m}}, dir / "e", opts);
        auto back = zanj::read<doc_of<Eigen::MatrixXf>>(path).at("m");
        BOOST_TEST(back.rows() == rows);
        BOOST_TEST(back.cols() == cols);
        BOOST_TEST((stored_array(path).shape == std::vector<std::size_t>{std::size_t(rows), std::size_t(cols)}));
        if (threshold == 0)  // numpy: an empty array is C-contiguous, so never fortran_order
          BOOST_TEST(npy_header_of(path, "m.npy").find("'fortran_order': False") != std::string::npos);
        auto as_rm = zanj::read<doc_of<rm_xf>>(path).at("m");
        BOOST_TEST(as_rm.rows() == rows);
        BOOST_TEST(as_rm.cols() == cols);
      }
    }
  }
  // numpy's tolist() of a 0 x n array is "[]": a fixed column count fills in.
  scratch_dir dir;
  zanj::options list_mode;
  list_mode.internal_array_mode = zanj::array_mode::list;
  auto path = zanj::save(doc_of<Eigen::MatrixXd>{{"m", Eigen::MatrixXd(0, 3)}}, dir / "l", list_mode);
  auto fixed_cols = zanj::read<doc_of<Eigen::Matrix<double, Eigen::Dynamic, 3>>>(path).at("m");
  BOOST_TEST(fixed_cols.rows() == 0);
  BOOST_TEST(fixed_cols.cols() == 3);
}

BOOST_AUTO_TEST_CASE(a_struct_with_eigen_members) {
  struct state {
    std::string name;
    Eigen::Matrix3d rotation;
    Eigen::MatrixXf weights;
    Eigen::VectorXd bias;
  };
  state s{"layer", Eigen::Matrix3d::Identity(), make<Eigen::MatrixXf>(16, 32), Eigen::VectorXd::LinSpaced(5, 0, 1)};
  s.rotation(0, 1) = -0.0;
  scratch_dir dir;
  auto path = zanj::save(s, dir / "s");
  auto names = member_names(path);
  BOOST_TEST((names == std::vector<std::string>{"__zanj_meta__.json", "__zanj__.json", "weights.npy"}));
  state back = zanj::read<state>(path);
  BOOST_TEST(back.name == "layer");
  BOOST_TEST(same_bits(back.rotation, s.rotation));
  BOOST_TEST(same_bits(back.weights, s.weights));
  BOOST_TEST(same_bits(back.bias, s.bias));
}

// ---- .npy members -------------------------------------------------------------

BOOST_AUTO_TEST_CASE(stored_column_major_npy_is_the_matrix_memory_in_fortran_order) {
  scratch_dir dir;
  zanj::options stored;
  stored.compress = false;
  Eigen::MatrixXd col = make<Eigen::MatrixXd>(20, 30);
  rm_xd row = col;
  struct both {
    Eigen::MatrixXd col;
    rm_xd row;
  };
  auto path = zanj::save(both{col, row}, dir / "both", stored);
  for (auto [member, memory, fortran] :
       {std::tuple{"col.npy", col.data(), "True"}, std::tuple{"row.npy", row.data(), "False"}}) {
    auto bytes = member_bytes(path, member);
    auto h = zanj::npy::parse_header(bytes);
    BOOST_TEST(h.fortran_order == (std::string(fortran) == "True"));
    BOOST_TEST((h.shape == std::vector<std::size_t>{20, 30}));
    BOOST_TEST(npy_header_of(path, member)
                   .starts_with("{'descr': '<f8', 'fortran_order': " + std::string(fortran) + ", 'shape': (20, 30), }"));
    BOOST_REQUIRE(bytes.size() == h.data_offset + 600 * sizeof(double));
    BOOST_TEST(std::memcmp(bytes.data() + h.data_offset, memory, 600 * sizeof(double)) == 0);
  }
}

/// Whether Debian's python3 with numpy is there to check our files.
bool have_numpy() {
  return std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0;
}

BOOST_AUTO_TEST_CASE(numpy_reads_the_matrices) {
  if (!have_numpy()) {
    BOOST_WARN_MESSAGE(false, "skipped: /usr/bin/python3 with numpy not found");
    return;
  }
  scratch_dir dir;
  // m(r, c) = 1000 r + c - 0.5 is exact in float32 and float64.
  Eigen::MatrixXd col(20, 30);
  for (Eigen::Index r = 0; r < 20; ++r)
    for (Eigen::Index c = 0; c < 30; ++c) col(r, c) = 1000.0 * double(r) + double(c) - 0.5;
  rm_xf row = col.cast<float>();
  Eigen::MatrixXd big = Eigen::MatrixXd::Zero(40, 50);
  big.block(3, 5, 20, 30) = col;
  struct sample {
    Eigen::MatrixXd col;
    rm_xf row;
    Eigen::Block<Eigen::MatrixXd> block;
    Eigen::Transpose<Eigen::MatrixXd> transposed;
    Eigen::Matrix<double, 3, 4> small;
  };
  Eigen::MatrixXd transposed_source = col.transpose();
  Eigen::Matrix<double, 3, 4> small = col.topLeftCorner<3, 4>();
  for (bool compress : {true, false}) {
    zanj::options opts;
    opts.compress = compress;
    auto path = zanj::save(
        std::tuple<Eigen::MatrixXd, rm_xf, Eigen::Block<Eigen::MatrixXd>, Eigen::Transpose<Eigen::MatrixXd>,
                   Eigen::Matrix<double, 3, 4>>{col, row, big.block(3, 5, 20, 30), transposed_source.transpose(),
                                                small},
        dir / ("py" + std::to_string(compress)), opts);
    const std::string script = (dir / "check.py").string();
    std::ofstream(script) << R"(
import io, json, sys, zipfile
import numpy as np
z = zipfile.ZipFile(sys.argv[1])
doc = json.loads(z.read("__zanj__.json"))
want = np.arange(20)[:, None] * 1000.0 + np.arange(30)[None, :] - 0.5
def load(i):
    ref = doc[i]
    assert ref["__muutils_format__"] == "numpy.ndarray:external", ref
    return np.load(io.BytesIO(z.read(ref["$ref"])))
col, row, block, transposed = (load(i) for i in range(4))
assert col.dtype == np.float64 and col.flags.f_contiguous and not col.flags.c_contiguous
assert row.dtype == np.float32 and row.flags.c_contiguous
assert block.flags.f_contiguous and transposed.flags.c_contiguous
for a in (col, row, block, transposed):
    assert a.shape == (20, 30), a.shape
    assert np.array_equal(a, want), a
small = doc[4]
assert small["__muutils_format__"] == "numpy.ndarray:array_list_meta"
assert np.array_equal(np.array(small["data"]), want[:3, :4])
print("numpy agrees")
)";
    BOOST_TEST(std::system(("/usr/bin/python3 " + script + " " + path.string()).c_str()) == 0);
  }
}

// ---- maps and blocks: no copies -----------------------------------------------

/// The external members a value registers, saved at /m.
template <class M>
std::vector<zanj::detail::external_member> externals_of(const M& m, zanj::value* ref = nullptr) {
  static const zanj::options opts;
  zanj::detail::save_context ctx(opts, "x.zanj");
  zanj::detail::path_guard g(ctx, std::string("m"));
  zanj::value v = zanj::detail::save_value(m, ctx);
  if (ref) *ref = v;
  return std::move(ctx.externals);
}

BOOST_AUTO_TEST_CASE(maps_save_their_memory_without_a_copy) {
  std::vector<float> buffer(24 * 25);
  for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = element<float>(i);
  Eigen::Map<const Eigen::MatrixXf> col_map(buffer.data(), 24, 25);
  Eigen::Map<const rm_xf> row_map(buffer.data(), 24, 25);
  for (bool row_major : {false, true}) {
    auto ext = row_major ? externals_of(row_map) : externals_of(col_map);
    BOOST_REQUIRE(ext.size() == 1u);
    BOOST_REQUIRE(ext[0].body.size() == 1u);
    BOOST_TEST(static_cast<const void*>(ext[0].body[0].data()) == static_cast<const void*>(buffer.data()));
    BOOST_TEST(ext[0].body[0].size() == buffer.size() * sizeof(float));
    BOOST_TEST(ext[0].owned_body.empty());
    BOOST_TEST(ext[0].head.find(row_major ? "'fortran_order': False" : "'fortran_order': True") != std::string::npos);
  }
  // And the file: the stored member's data is the mapped memory, byte for byte.
  scratch_dir dir;
  zanj::options stored;
  stored.compress = false;
  auto path = zanj::save(doc_of<Eigen::Map<const Eigen::MatrixXf>>{{"m", col_map}}, dir / "map", stored);
  auto bytes = member_bytes(path, "m.npy");
  auto h = zanj::npy::parse_header(bytes);
  BOOST_TEST(std::memcmp(bytes.data() + h.data_offset, buffer.data(), buffer.size() * sizeof(float)) == 0);
  BOOST_TEST(same_bits(zanj::read<doc_of<Eigen::MatrixXf>>(path).at("m"), col_map));
  BOOST_TEST(same_bits(zanj::read<doc_of<rm_xf>>(path).at("m"), col_map));
}

BOOST_AUTO_TEST_CASE(blocks_are_written_in_chunks_of_the_parent_memory) {
  Eigen::MatrixXd big = make<Eigen::MatrixXd>(40, 50);
  rm_xd big_rm = big;
  scratch_dir dir;
  zanj::options stored;
  stored.compress = false;

  // Column-major block: one chunk per column, Fortran order.
  auto block = big.block(3, 5, 20, 30);
  auto ext = externals_of(block);
  BOOST_REQUIRE(ext.size() == 1u);
  BOOST_REQUIRE(ext[0].body.size() == 30u);
  for (std::size_t j = 0; j < 30; ++j) {
    BOOST_TEST(static_cast<const void*>(ext[0].body[j].data()) == static_cast<const void*>(&big(3, 5 + Eigen::Index(j))));
    BOOST_TEST(ext[0].body[j].size() == 20 * sizeof(double));
  }
  BOOST_TEST(ext[0].owned_body.empty());
  BOOST_TEST(ext[0].head.find("'fortran_order': True, 'shape': (20, 30)") != std::string::npos);

  // Row-major block: one chunk per row, C order.
  auto rm_block = big_rm.block(3, 5, 20, 30);
  auto rm_ext = externals_of(rm_block);
  BOOST_REQUIRE(rm_ext[0].body.size() == 20u);
  BOOST_TEST(static_cast<const void*>(rm_ext[0].body[7].data()) == static_cast<const void*>(&big_rm(10, 5)));
  BOOST_TEST(rm_ext[0].head.find("'fortran_order': False, 'shape': (20, 30)") != std::string::npos);

  // A block of whole columns is contiguous: one borrowed chunk.
  auto cols = big.middleCols(10, 20);
  auto cols_ext = externals_of(cols);
  BOOST_REQUIRE(cols_ext[0].body.size() == 1u);
  BOOST_TEST(static_cast<const void*>(cols_ext[0].body[0].data()) == static_cast<const void*>(&big(0, 10)));

  // A transposed matrix is its memory in the other order: borrowed too.
  auto t = big.transpose();
  zanj::value ref;
  auto t_ext = externals_of(t, &ref);
  BOOST_REQUIRE(t_ext[0].body.size() == 1u);
  BOOST_TEST(static_cast<const void*>(t_ext[0].body[0].data()) == static_cast<const void*>(big.data()));
  BOOST_TEST(t_ext[0].head.find("'fortran_order': False, 'shape': (50, 40)") != std::string::npos);

  // In the file: each form reads back as the same matrix.
  auto path = zanj::save(std::tuple{block, rm_block, t}, dir / "blocks", stored);
  auto back = zanj::read<std::tuple<Eigen::MatrixXd, rm_xd, Eigen::MatrixXd>>(path);
  BOOST_TEST(same_bits(std::get<0>(back), block));
  BOOST_TEST(same_bits(std::get<1>(back), rm_block));
  BOOST_TEST(same_bits(std::get<2>(back), t));
  auto bytes = member_bytes(path, "0.npy");
  auto h = zanj::npy::parse_header(bytes);
  BOOST_REQUIRE(bytes.size() == h.data_offset + 600 * sizeof(double));
  for (Eigen::Index j = 0; j < 30; ++j)  // column j of the block, straight from big
    BOOST_TEST(std::memcmp(bytes.data() + h.data_offset + std::size_t(j) * 20 * sizeof(double), &big(3, 5 + j),
                           20 * sizeof(double)) == 0);
}

BOOST_AUTO_TEST_CASE(strided_views_without_contiguous_runs_are_copied_correctly) {
  rm_xd big = make<rm_xd>(300, 4);
  Eigen::MatrixXf wide = make<Eigen::MatrixXf>(3, 400);
  // A column of a row-major matrix: a vector with stride 4.
  auto column = big.col(2);
  auto ext = externals_of(column);
  BOOST_REQUIRE(ext[0].body.size() == 1u);
  BOOST_TEST(ext[0].owned_body.size() == 300 * sizeof(double));
  // 2 x 300 float block: 8-byte runs, copied rather than listed.
  auto thin = wide.block(1, 50, 2, 300);
  auto thin_ext = externals_of(thin);
  BOOST_TEST(thin_ext[0].owned_body.size() == 600 * sizeof(float));
  BOOST_TEST(thin_ext[0].head.find("'fortran_order': True, 'shape': (2, 300)") != std::string::npos);
  // Small strided views inline, in C order.
  auto corner = big.block(1, 1, 3, 2);
  scratch_dir dir;
  auto path = zanj::save(std::tuple{column, thin, corner}, dir / "strided");
  auto back = zanj::read<std::tuple<Eigen::VectorXd, Eigen::MatrixXf, Eigen::MatrixXd>>(path);
  BOOST_TEST(same_bits(std::get<0>(back), column));
  BOOST_TEST(same_bits(std::get<1>(back), thin));
  BOOST_TEST(same_bits(std::get<2>(back), corner));
  BOOST_TEST(member_text(path, "__zanj__.json").find("numpy.ndarray:array_list_meta") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(loading_into_maps_and_blocks_of_the_right_size) {
  scratch_dir dir;
  Eigen::MatrixXd m = make<Eigen::MatrixXd>(4, 5);
  auto path = zanj::save(doc_of<Eigen::MatrixXd>{{"m", m}}, dir / "m");
  std::vector<double> memory(20, 7.0);
  Eigen::Map<rm_xd> target(memory.data(), 4, 5);
  zanj::detail::zip_reader zip(path);
  zanj::value document = zanj::json::parse(member_text(path, "__zanj__.json"));
  const zanj::options opts{};
  zanj::detail::load_context ctx(&zip, path, opts);
  zanj::detail::path_guard g(ctx, std::string("m"));
  zanj::detail::load_value(*document.find("m"), ctx, target);
  BOOST_TEST(same_bits(target, m));
  BOOST_TEST(memory[1] == m(0, 1));  // row-major map: (0, 1) is the second double
  Eigen::MatrixXd big = Eigen::MatrixXd::Zero(6, 7);
  auto block = big.block(1, 2, 4, 5);
  zanj::detail::load_value(*document.find("m"), ctx, block);
  BOOST_TEST(same_bits(big.block(1, 2, 4, 5), m));
  BOOST_TEST(big(0, 0) == 0.0);
  Eigen::Map<Eigen::MatrixXd> wrong(memory.data(), 5, 4);
  BOOST_CHECK_EXCEPTION(zanj::detail::load_value(*document.find("m"), ctx, wrong), zanj::error,
                        message_has({"at /m", "expected a matrix of shape [5, 4]", "found an array of shape [4, 5]"}));
}

// ---- conversions and errors ---------------------------------------------------

BOOST_AUTO_TEST_CASE(element_types_convert_when_they_fit) {
  scratch_dir dir;
  using imat = Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic>;
  imat small(2, 2);
  small << -5, 0, 100, 32767;
  imat large = imat::Constant(20, 20, 3);
  large(19, 0) = 70000;
  auto path = zanj::save(std::map<std::string, imat>{{"small", small}, {"large", large}}, dir / "i");
  // int32 -> double and int64: exact.
  auto as_double = zanj::read<std::map<std::string, Eigen::MatrixXd>>(path);
  BOOST_TEST((as_double.at("small") == small.cast<double>()));
  BOOST_TEST((as_double.at("large") == large.cast<double>()));
  using i16 = Eigen::Matrix<std::int16_t, Eigen::Dynamic, Eigen::Dynamic>;
  struct only_small {
    i16 small;
  };
  BOOST_TEST((zanj::read<only_small>(path).small == small.cast<std::int16_t>()));
  // 70000 does not fit int16: the error names the path and the member.
  struct only_large {
    i16 large;
  };
  BOOST_CHECK_EXCEPTION(zanj::read<only_large>(path), zanj::error,
                        message_has({"at /large", "large.npy", "expected int16 elements, found int32"}));
  // Floats never become integers.
  auto fpath = zanj::save(doc_of<Eigen::MatrixXd>{{"m", Eigen::MatrixXd::Constant(2, 2, 1.0)}}, dir / "f");
  BOOST_CHECK_EXCEPTION(zanj::read<doc_of<imat>>(fpath), zanj::error,
                        message_has({"at /m", "int32"}));
  // Complex into real is refused, real into complex is fine.
  auto cpath = zanj::save(doc_of<Eigen::MatrixXd>{{"m", make<Eigen::MatrixXd>(20, 20)}}, dir / "c");
  auto as_complex = zanj::read<doc_of<Eigen::MatrixXcd>>(cpath).at("m");
  BOOST_TEST(same_bits(as_complex.real(), make<Eigen::MatrixXd>(20, 20)));
}

BOOST_AUTO_TEST_CASE(shapes_that_do_not_fit_are_errors_naming_path_and_member) {
  scratch_dir dir;
  Eigen::MatrixXd inline_m = make<Eigen::MatrixXd>(3, 4);
  Eigen::MatrixXd external_m = make<Eigen::MatrixXd>(16, 20);
  auto path = zanj::save(std::map<std::string, Eigen::MatrixXd>{{"a", inline_m}, {"b", external_m}}, dir / "s");
  struct fixed_a {
    Eigen::Matrix<double, 4, 3> a;
  };
  BOOST_CHECK_EXCEPTION(zanj::read<fixed_a>(path), zanj::error,
                        message_has({"s.zanj", "at /a", "expected a matrix of shape [4, 3]",
                                     "found an array of shape [3, 4]"}));
  struct fixed_b {
    Eigen::Matrix<double, 16, Eigen::Dynamic, Eigen::RowMajor> a;
    Eigen::Matrix<double, Eigen::Dynamic, 21> b;
  };
  BOOST_CHECK_EXCEPTION(zanj::read<fixed_b>(path), zanj::error,
                        message_has({"at /a", "[16, any]", "[3, 4]"}));
  struct fixed_b_only {
    Eigen::Matrix<double, Eigen::Dynamic, 21> b;
  };
  BOOST_CHECK_EXCEPTION(zanj::read<fixed_b_only>(path), zanj::error,
                        message_has({"at /b", "member 'b.npy'", "[any, 21]", "[16, 20]"}));
  struct bounded {
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, 3, 3> a;
  };
  BOOST_CHECK_EXCEPTION(zanj::read<bounded>(path), zanj::error, message_has({"at /a", "[3, 4]"}));
  struct vector_a {
    Eigen::VectorXd a;
  };
  BOOST_CHECK_EXCEPTION(zanj::read<vector_a>(path), zanj::error,
                        message_has({"at /a", "expected a vector (1-d array)", "[3, 4]"}));
  // A 1-d array is not a matrix (row or column would be a guess).
  auto vpath = zanj::save(doc_of<Eigen::VectorXd>{{"m", Eigen::VectorXd::Ones(300)}}, dir / "v");
  BOOST_CHECK_EXCEPTION(zanj::read<doc_of<Eigen::MatrixXd>>(vpath), zanj::error,
                        message_has({"at /m", "member 'm.npy'", "expected a matrix (2-d array)", "[300]"}));
  // Not an array at all.
  auto spath = zanj::save(doc_of<std::string>{{"m", "text"}}, dir / "str");
  BOOST_CHECK_EXCEPTION(zanj::read<doc_of<Eigen::MatrixXd>>(spath), zanj::error,
                        message_has({"at /m", "found string"}));
  // Ragged lists are not a matrix.
  auto rpath = zanj::save(doc_of<std::vector<std::vector<double>>>{{"m", {{1.0, 2.0}, {3.0}}}}, dir / "ragged");
  BOOST_CHECK_EXCEPTION(zanj::read<doc_of<Eigen::MatrixXd>>(rpath), zanj::error,
                        message_has({"at /m/1", "a row of 1 elements after rows of 2", "different lengths"}));
  // Nor are rows holding strings.
  auto tpath = zanj::save(doc_of<std::vector<std::vector<std::string>>>{{"m", {{"a"}}}}, dir / "text_rows");
  BOOST_CHECK_EXCEPTION(zanj::read<doc_of<Eigen::MatrixXd>>(tpath), zanj::error,
                        message_has({"at /m/0/0", "expected float64, found string"}));
  BOOST_CHECK_EXCEPTION(zanj::read<doc_of<Eigen::VectorXi>>(tpath), zanj::error,
                        message_has({"at /m/0", "expected int32, found list"}));
}

BOOST_AUTO_TEST_CASE(plain_and_external_lists_read_as_matrices) {
  scratch_dir dir;
  std::vector<std::vector<std::int64_t>> rows(300, std::vector<std::int64_t>{1, 2, 3});
  rows[299] = {-4, 5, std::numeric_limits<std::int64_t>::min()};
  auto path = zanj::save(doc_of<std::vector<std::vector<std::int64_t>>>{{"m", rows}}, dir / "rows");
  BOOST_TEST(member_text(path, "__zanj__.json").find("list:external") != std::string::npos);
  auto m = zanj::read<doc_of<Eigen::Matrix<std::int64_t, Eigen::Dynamic, 3>>>(path).at("m");
  BOOST_TEST(m.rows() == 300);
  BOOST_TEST(m(0, 2) == 3);
  BOOST_TEST(m(299, 2) == std::numeric_limits<std::int64_t>::min());
}

// ---- the reference's fixtures ---------------------------------------------------

namespace {

/// The element `want` of expected.json against a coefficient, bit for bit.
bool same_as_expected(const zanj::value& want, double got) {
  double w;
  if (want.is_string()) {
    const std::string& s = want.as_string();
    w = s == "nan" ? std::numeric_limits<double>::quiet_NaN()
                   : (s == "inf" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity());
    return std::isnan(w) ? std::isnan(got) : w == got;
  }
  w = want.is_float() ? want.as_double() : double(want.as_int64());
  return std::bit_cast<std::uint64_t>(w) == std::bit_cast<std::uint64_t>(got);
}

/// Loads key `key` of a fixture's document into M.
template <class M>
M load_fixture_key(const std::filesystem::path& file, const std::string& key) {
  zanj::detail::zip_reader zip(file);
  zanj::value document = zanj::json::parse(member_text(file, "__zanj__.json"));
  const zanj::options opts{};
  zanj::detail::load_context ctx(&zip, file, opts);
  zanj::detail::path_guard g(ctx, key);
  M out;
  zanj::detail::load_value(*document.find(key), ctx, out);
  return out;
}

template <class M>
void check_fixture_matrix(const std::filesystem::path& dir, const std::string& fixture, const std::string& key) {
  BOOST_TEST_CONTEXT(dir.filename().string() << "/" << fixture << " " << key) {
    auto file = dir / (fixture + ".zanj");
    zanj::value expected = zanj::json::parse(zanj_test::slurp(dir / (fixture + ".expected.json")));
    const zanj::value& entry = *expected.find("value")->find(key);
    const zanj::value& array = entry.find("$ndarray") ? *entry.find("$ndarray") : *entry.find("$tensor");
    auto& shape = array.find("shape")->as_list();
    auto& data = array.find("data")->as_list();
    M m = load_fixture_key<M>(file, key);
    const std::size_t rows = std::size_t(shape[0].as_int64());
    const std::size_t cols = shape.size() == 2 ? std::size_t(shape[1].as_int64()) : 1u;
    BOOST_TEST(std::size_t(m.size()) == rows * cols);
    BOOST_REQUIRE(data.size() == rows * cols);
    std::size_t mismatches = 0;
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c) {
        double got;
        if constexpr (M::IsVectorAtCompileTime)
          got = double(m(Eigen::Index(r * cols + c)));
        else
          got = double(m(Eigen::Index(r), Eigen::Index(c)));
        mismatches += same_as_expected(data[r * cols + c], got) ? 0 : 1;
      }
    BOOST_TEST(mismatches == 0u);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(reference_fixtures_read_into_eigen) {
  auto root = zanj_test::fixture_root();
  if (root.empty()) {
    zanj_test::report_fixtures_missing();
    return;
  }
  for (std::string version : {"v0.5.0", "v0.6.0"}) {
    auto dir = root / version;
    check_fixture_matrix<Eigen::MatrixXd>(dir, "array_float64", "small_matrix");
    check_fixture_matrix<Eigen::Matrix<double, 3, 4, Eigen::RowMajor>>(dir, "array_float64", "small_matrix");
    check_fixture_matrix<Eigen::MatrixXd>(dir, "array_float64", "large_matrix");
    check_fixture_matrix<Eigen::Matrix<double, 16, 20>>(dir, "array_float64", "large_matrix");
    check_fixture_matrix<Eigen::VectorXd>(dir, "array_float64", "large_vector");
    check_fixture_matrix<Eigen::MatrixXd>(dir, "array_fortran_order", "small_f64");
    check_fixture_matrix<Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>>(dir, "array_fortran_order",
                                                                                      "large_i64");
    check_fixture_matrix<Eigen::Matrix<std::int64_t, 20, 30, Eigen::RowMajor>>(dir, "array_fortran_order",
                                                                               "large_i64");
    check_fixture_matrix<Eigen::MatrixXf>(dir, "array_fortran_order", "transposed_large_f32");
    check_fixture_matrix<Eigen::MatrixXf>(dir, "torch_float32", "small");
    check_fixture_matrix<Eigen::VectorXf>(dir, "torch_float32", "vector");
    check_fixture_matrix<rm_xf>(dir, "torch_float32", "large");
    check_fixture_matrix<Eigen::MatrixXd>(dir, "torch_float32", "large");  // float32 -> double, exact

    auto file3d = dir / "array_3d.zanj";
    BOOST_CHECK_EXCEPTION(load_fixture_key<Eigen::MatrixXd>(file3d, "large_float64"), zanj::error,
                          message_has({"array_3d.zanj", "at /large_float64", "member 'large_float64.npy'",
                                       "expected a matrix (2-d array)", "[4, 8, 10]"}));
    BOOST_CHECK_EXCEPTION(load_fixture_key<Eigen::MatrixXi>(file3d, "small_int32"), zanj::error,
                          message_has({"at /small_int32", "[2, 3, 4]"}));
    BOOST_CHECK_EXCEPTION(load_fixture_key<Eigen::MatrixXf>(dir / "array_fortran_order.zanj", "large_3d_f32"),
                          zanj::error, message_has({"at /large_3d_f32", "large_3d_f32.npy", "[4, 8, 10]"}));
    // float64 data into an integer matrix is refused, naming the member.
    BOOST_CHECK_EXCEPTION(load_fixture_key<Eigen::MatrixXi>(dir / "array_float64.zanj", "large_matrix"),
                          zanj::error,
                          message_has({"at /large_matrix", "member 'large_matrix.npy'", "expected int32 elements"}));
  }
}

BOOST_AUTO_TEST_SUITE_END()

// A matrix read from a file gets new storage, advised huge pages before the
// read fills it: from a .npy member, and from an inline array (read_array).
BOOST_AUTO_TEST_SUITE(eigen_huge_pages, *boost::unit_test::fixture<zanj_test::own_mappings_for_large_blocks>())

BOOST_AUTO_TEST_CASE(a_matrix_read_is_advised) {
  if (!zanj_test::kernel_has_huge_pages()) return;
  scratch_dir dir;
  doc_of<Eigen::MatrixXf> original{{"m", Eigen::MatrixXf(1024, 2048)}};  // 8 MiB
  for (Eigen::Index i = 0; i < original["m"].size(); ++i) original["m"].data()[i] = static_cast<float>(i) * 0.25f;
  zanj::options inline_base64;
  inline_base64.external_array_threshold = std::size_t{1} << 40;
  inline_base64.internal_array_mode = zanj::array_mode::array_b64_meta;
  for (const zanj::options& o : {zanj::options{}, inline_base64}) {
    const auto file = zanj::save(original, dir / "m.zanj", o);
    BOOST_TEST(member_names(file).size() == (o.external_array_threshold == 256 ? 3u : 2u));
    const auto back = zanj::read<doc_of<Eigen::MatrixXf>>(file, o);
    BOOST_TEST((back.at("m") == original["m"]));
    BOOST_TEST(zanj_test::advised(zanj_test::first_huge_boundary(back.at("m").data())));
  }
}

BOOST_AUTO_TEST_SUITE_END()
