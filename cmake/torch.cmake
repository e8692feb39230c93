# LibTorch, optional (Debian 12: libtorch-dev, LibTorch 1.13): the interface
# target zanj::torch is zanj::zanj plus torch, for code that includes
# <zanj/ext/torch.hpp>. zanj::zanj itself never depends on torch.
#
# Looked for when zanj is the top-level project (its tests and examples use
# it) or ZANJ_WITH_TORCH is ON; a parent project that found Torch itself
# (a `torch` target exists) gets zanj::torch either way.
option(ZANJ_WITH_TORCH "Look for LibTorch and define zanj::torch (zanj/ext/torch.hpp)" ${PROJECT_IS_TOP_LEVEL})

if(ZANJ_WITH_TORCH AND NOT TARGET torch)
  # TorchConfig.cmake finds Caffe2 and its dependencies (and says so).
  find_package(Torch QUIET)
endif()

if(TARGET torch)
  add_library(zanj_torch INTERFACE)
  add_library(zanj::torch ALIAS zanj_torch)
  target_link_libraries(zanj_torch INTERFACE zanj_zanj torch)
  message(STATUS "zanj: LibTorch ${Torch_VERSION} found: zanj::torch defined")
elseif(ZANJ_WITH_TORCH)
  message(STATUS "zanj: LibTorch not found: zanj/ext/torch.hpp, its tests and example are left out")
endif()
