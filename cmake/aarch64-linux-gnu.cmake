# CMake toolchain file: the runtime for 64-bit ARM Linux (aarch64, arm64:
# Raspberry Pi OS 64-bit, Jetson, AWS Graviton, most ARMv8 boards), with Debian's cross compiler
# (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross; tools/cross/setup-linux.sh installs them).
# Only the runtime library is built for the target.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
# programs come from the host, headers and libraries only from the target's root
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# What the target lacks is off unless the configure command turns it on (-D...=ON): aslc
# (it needs libtcc), libcurl, and nettle (Debian's cross compiler would find the host's nettle
# headers and the runtime would then need a -lnettle the target does not have). Cache
# entries: project() reads this file before the project's option()s, which keep them.
set(ASLC_BUILD_COMPILER OFF CACHE BOOL "Build aslc (needs libtcc) and the test suite")
set(ASLC_WITH_CURL OFF CACHE BOOL "HTTP task bindings with libcurl")
set(ASLC_WITH_NETTLE OFF CACHE BOOL "The runtime's hashes and Base64 from nettle")
