// zanj-cpp: save C++ objects to .zanj files and read them back.
//
//     #include <zanj/zanj.hpp>
//     zanj::save(obj, "out/run.zanj");
//     auto back = zanj::read<my_struct>("out/run.zanj");
#pragma once

#include <zanj/archive.hpp>
#include <zanj/concepts.hpp>
#include <zanj/dtype.hpp>
#include <zanj/error.hpp>
#include <zanj/field.hpp>
#include <zanj/half.hpp>
#include <zanj/json.hpp>
#include <zanj/limits.hpp>
#include <zanj/model.hpp>
#include <zanj/ndarray.hpp>
#include <zanj/npy.hpp>
#include <zanj/options.hpp>
#include <zanj/read.hpp>
#include <zanj/registry.hpp>
#include <zanj/save.hpp>
#include <zanj/table.hpp>
#include <zanj/traits.hpp>
#include <zanj/value.hpp>
#include <zanj/version.hpp>
