# CMake toolchain file: the runtime for static x86-64 Linux executables with musl libc, through
# Debian's musl-gcc wrapper (musl-tools; tools/cross/setup-linux.sh installs it). Every
# function and object in a section of its own, so that a machine linked with
# -Wl,--gc-sections keeps only what it calls, and no unwind tables (nothing unwinds the C
# runtime; 16 KB of a 10-state machine): tools/cross/linux.sh, target x86_64-linux-musl.
# Only the runtime library is built for the target.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER musl-gcc)
set(CMAKE_C_FLAGS_INIT "-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables")
set(CMAKE_FIND_ROOT_PATH /usr/lib/x86_64-linux-musl /usr/include/x86_64-linux-musl)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# What the target lacks is off unless the configure command turns it on (-D...=ON): aslc
# (it needs libtcc), libcurl, and nettle (musl-gcc sees none of the host's libraries, and
# Debian has none for musl). Cache entries: project() reads this file before the project's
# option()s, which keep them.
set(ASLC_BUILD_COMPILER OFF CACHE BOOL "Build aslc (needs libtcc) and the test suite")
set(ASLC_WITH_CURL OFF CACHE BOOL "HTTP task bindings with libcurl")
set(ASLC_WITH_NETTLE OFF CACHE BOOL "The runtime's hashes and Base64 from nettle")
