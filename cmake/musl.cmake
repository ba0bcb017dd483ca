# CMake toolchain file: the runtime for static x86-64 Linux executables with musl libc, through
# Debian's musl-gcc wrapper (musl-tools; tools/cross/setup-linux.sh installs it). Every
# function and object in a section of its own, so that a machine linked with
# -Wl,--gc-sections keeps only what it calls, and no unwind tables (nothing unwinds the C
# runtime; 16 KB of a 10-state machine): tools/cross/linux.sh, target x86_64-linux-musl.
# Use with -DASLC_BUILD_COMPILER=OFF -DASLC_WITH_CURL=OFF -DASLC_WITH_NETTLE=OFF: musl-gcc sees
# none of the host's libraries (curl, nettle) and there are none for musl in Debian.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER musl-gcc)
set(CMAKE_C_FLAGS_INIT "-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables")
set(CMAKE_FIND_ROOT_PATH /usr/lib/x86_64-linux-musl /usr/include/x86_64-linux-musl)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
