# CMake toolchain file: the runtime for 32-bit ARM Linux with hardware floating point (armhf:
# Raspberry Pi OS 32-bit, BeagleBone, most ARMv7 boards), with Debian's cross compiler
# (gcc-arm-linux-gnueabihf, libc6-dev-armhf-cross; tools/cross/setup-linux.sh installs them).
# Use with -DASLC_BUILD_COMPILER=OFF: only the runtime library is built for the target.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf)
# programs come from the host, headers and libraries only from the target's root
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
