# CMake toolchain file for Cortex-M4F devices with Debian's gcc-arm-none-eabi and newlib-nano:
#   cmake -S . -B build-m4 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake
# ASLC_MCU_FLAGS picks another core (e.g. "-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft").
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
# a probe program cannot link without a board's startup code and linker script
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(ASLC_MCU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
  CACHE STRING "The target core's code-generation flags")
# -Os and one section per function and object: the firmware links with --gc-sections, so what
# a machine does not call stays out of flash.
set(CMAKE_C_FLAGS_INIT "${ASLC_MCU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_RELEASE_INIT "-Os -DNDEBUG")
set(CMAKE_C_FLAGS_RELWITHDEBINFO_INIT "-Os -g -DNDEBUG")
set(CMAKE_C_FLAGS_MINSIZEREL_INIT "-Os -DNDEBUG")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# What a device without an OS lacks is off unless the configure command turns it on (-D...=ON):
# aslc (it needs libtcc), libcurl, nettle (the firmware would have to bring its own), and the
# platform is baremetal. Cache entries: project() reads this file before the project's
# option()s, which keep them (as cmake/aarch64-linux-gnu.cmake does).
set(ASLC_PLATFORM baremetal CACHE STRING "The runtime's platform: posix or baremetal")
set(ASLC_BUILD_COMPILER OFF CACHE BOOL "Build aslc (needs libtcc) and the test suite")
set(ASLC_WITH_CURL OFF CACHE BOOL "HTTP task bindings with libcurl")
set(ASLC_WITH_NETTLE OFF CACHE BOOL "The runtime's hashes and Base64 from nettle")
