#!/usr/bin/env bash
# Installs the Debian packages aslc needs, only those that are missing.
set -euo pipefail
packages=(gcc make cmake pkg-config python3 libtcc-dev tcc check nettle-dev libcurl4-openssl-dev
  clang libclang-rt-dev clang-format libsqlite3-dev sqlite3 libmicrohttpd-dev awscli python3-boto3
  parallel)
# clang and its libFuzzer for tools/fuzz.sh; clang-format for tools/check_format.sh; SQLite and
# libmicrohttpd for aslc serve, sqlite3, awscli (the CLI v2) and python3-boto3 for its tests
# (tests/serve; the pip CLI v1 and boto3 come with the image's Python); GNU parallel for the
# batch recipes (tests/batch/recipes.py)
"$(dirname "$0")/install_missing.sh" setup "${packages[@]}"
# Graphs and the console (issue 13): graphviz's dot for `aslc graph --format svg|png` and the
# console's server-side SVG; chromium, its chromedriver and Debian's python3-selenium for the
# browser tests (tests/browser, ctest label "browser")
"$(dirname "$0")/install_missing.sh" graphs graphviz chromium chromium-driver python3-selenium
# Linux targets and static executables (tests/cross/linux_*): armhf/aarch64 cross compilers,
# qemu-user, musl-gcc
"$(dirname "$0")/cross/setup-linux.sh"
# Cortex-M4 cross builds and qemu (tests labelled cross; tools/cross/cortex-m4.sh)
"$(dirname "$0")/cross/setup-arm.sh"
