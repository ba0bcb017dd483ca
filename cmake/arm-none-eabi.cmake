# CMake toolchain file for Cortex-M4F devices with Debian's gcc-arm-none-eabi and newlib-nano:
#   cmake -S . -B build-m4 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake \
#     -DASLC_BUILD_COMPILER=OFF -DASLC_WITH_CURL=OFF -DASLC_WITH_NETTLE=OFF -DASLC_PLATFORM=baremetal
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
