#!/usr/bin/env bash
# Installs the Debian packages the Linux cross targets need (armhf and aarch64 cross compilers
# with their C libraries, qemu-user to run what they build, musl-gcc for static executables),
# only those that are missing. Called by tools/setup.sh and by tests/cross/linux_*.
set -euo pipefail
packages=(gcc-arm-linux-gnueabihf gcc-aarch64-linux-gnu libc6-dev-armhf-cross
  libc6-dev-arm64-cross qemu-user musl-tools file binutils)
"$(dirname "$0")/../install_missing.sh" setup-linux "${packages[@]}"
