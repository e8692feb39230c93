// The single Boost.Test entry point shared by every suite.
#define BOOST_TEST_MODULE zanj
#include <boost/test/unit_test.hpp>
