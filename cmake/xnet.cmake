# Helpers shared by every stage's CMakeLists.txt.

# xnet_library(NAME SOURCES a.cpp b.cpp DEPS xnet_core OpenCV... [TORCH])
# Creates the static library xnet_NAME with src/ as include root. TORCH marks a library
# whose sources include LibTorch: it shares one precompiled <torch/torch.h> (a clean compile
# of one such file costs ~45 s without it).
function(xnet_library name)
  cmake_parse_arguments(ARG "TORCH" "" "SOURCES;DEPS" ${ARGN})
  add_library(xnet_${name} STATIC ${ARG_SOURCES})
  target_include_directories(xnet_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(xnet_${name} PUBLIC ${ARG_DEPS})
  target_compile_options(xnet_${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(ARG_TORCH)
    xnet_use_torch(xnet_${name})
  endif()
endfunction()

# Links LibTorch (with OpenMP, which at::parallel_for needs) and reuses the one precompiled
# torch header.
function(xnet_use_torch target)
  target_link_libraries(${target} PUBLIC ${TORCH_LIBRARIES} OpenMP::OpenMP_CXX)
  if(NOT TARGET xnet_torch_pch)
    file(WRITE ${PROJECT_BINARY_DIR}/torch_pch.cpp "// anchor for the torch PCH\n")
    add_library(xnet_torch_pch STATIC ${PROJECT_BINARY_DIR}/torch_pch.cpp)
    target_link_libraries(xnet_torch_pch PUBLIC ${TORCH_LIBRARIES} OpenMP::OpenMP_CXX)
    target_precompile_headers(xnet_torch_pch PUBLIC <torch/torch.h>)
  endif()
  target_precompile_headers(${target} REUSE_FROM xnet_torch_pch)
  add_dependencies(${target} xnet_torch_pch)
endfunction()

# xnet_test(NAME SOURCES a_test.cpp DEPS xnet_io [TORCH]): a GoogleTest program registered with
# CTest. TORCH tests are left out of a build without LibTorch (XNET_WITH_TORCH=OFF).
function(xnet_test name)
  if(NOT XNET_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "TORCH" "" "SOURCES;DEPS" ${ARGN})
  if(ARG_TORCH AND NOT XNET_WITH_TORCH)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    XNET_SHARED_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data"
    XNET_BINARY="${PROJECT_BINARY_DIR}/xnet")
  if(ARG_TORCH)
    xnet_use_torch(${name})
  endif()
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 900)
endfunction()

# xnet_fuzzer(NAME SOURCES a_fuzz.cpp DEPS xnet_io): a libFuzzer harness (XNET_FUZZ, clang),
# built as build/fuzz/NAME; scripts/fuzz runs it.
function(xnet_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  target_compile_options(${name} PRIVATE -Wall -Wextra -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
endfunction()
