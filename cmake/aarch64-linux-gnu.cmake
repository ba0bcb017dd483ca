# CMake toolchain file: the runtime for 64-bit ARM Linux (aarch64, arm64:
# Raspberry Pi OS 64-bit, Jetson, AWS Graviton, most ARMv8 boards), with Debian's cross compiler
# (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross; tools/cross/setup-linux.sh installs them).
# Use with -DASLC_BUILD_COMPILER=OFF: only the runtime library is built for the target.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
# programs come from the host, headers and libraries only from the target's root
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
