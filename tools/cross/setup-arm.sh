#!/usr/bin/env bash
# Installs what tools/cross/cortex-m4.sh needs, only what is missing: Debian's Cortex-M
# toolchain with newlib (newlib-nano included) and qemu-system-arm (the MPS2 AN386 board).
set -euo pipefail
packages=(gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)
"$(dirname "$0")/../install_missing.sh" setup-arm --no-recommends "${packages[@]}"
