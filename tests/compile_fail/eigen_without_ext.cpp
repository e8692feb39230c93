// Saving an Eigen matrix without <zanj/ext/eigen.hpp>.
//
// expect-first: eigen_type_needs_zanj_ext_eigen<Eigen::Matrix<double, ?3, ?3(, ?0, ?3, ?3)?> ?>|can_save<Eigen::Matrix<double, ?3, ?3(, ?0, ?3, ?3)?> ?>
// expect: Eigen types are saved and read by <zanj/ext/eigen.hpp>: #include it
#include <Eigen/Core>

#include <zanj/save.hpp>
#ifndef ZANJ_EXPECT_COMPILE_ERROR
#include <zanj/ext/eigen.hpp>  // the twin
#endif

void save_rotation(const Eigen::Matrix3d& r) { zanj::save(r, "rotation"); }
