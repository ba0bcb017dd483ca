#!/usr/bin/env bash
# Installs the Debian packages the Linux cross targets need (armhf and aarch64 cross compilers
# with their C libraries, qemu-user to run what they build, musl-gcc for static executables),
# only those that are missing. Called by tools/setup.sh and by tests/cross/linux_*.
set -euo pipefail
packages=(gcc-arm-linux-gnueabihf gcc-aarch64-linux-gnu libc6-dev-armhf-cross
  libc6-dev-arm64-cross qemu-user musl-tools file binutils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-linux: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
