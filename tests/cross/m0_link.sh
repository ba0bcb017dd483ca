#!/usr/bin/env bash
# tests/cross/m0_link.sh ASLC DIR: the toolchain file's other core, as its comment gives it
# (-DASLC_MCU_FLAGS="-mcpu=cortex-m0plus ..."), with no other option on the configure command
# (cmake/arm-none-eabi.cmake sets the platform and turns off what a device lacks): the runtime
# builds, and a machine with the board's objects links. ARMv6-M has no LDREX/STREX, so this
# fails when the runtime lacks the 32-bit atomics (runtime/platform/baremetal/atomic64.c).
# Linked only: qemu's MPS2 boards are M3/M4/M7, none runs an M0+ image. DIR caches the build.
# Exit 77 (ctest's skip) without the toolchain.
set -euo pipefail
aslc=$1
dir=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v arm-none-eabi-gcc >/dev/null; then
	echo "m0_link: SKIPPED, arm-none-eabi-gcc is not installed (tools/cross/setup-arm.sh)"
	exit 77
fi
mcu="-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft"
toolchain=$root/cmake/arm-none-eabi.cmake
mkdir -p "$dir"
log=$dir/log
# (-nt is also true when there is no cache; a failed configure leaves none behind)
if [ "$toolchain" -nt "$dir/rt/CMakeCache.txt" ]; then
	rm -rf "$dir/rt"
	cmake -S "$root" -B "$dir/rt" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
		-DCMAKE_BUILD_TYPE=MinSizeRel -DASLC_MCU_FLAGS="$mcu" >"$log" 2>&1 ||
		{ rm -rf "$dir/rt"; cat "$log"; echo "m0_link: FAILED, configuring with the toolchain file alone"; exit 1; }
fi
{ cmake --build "$dir/rt" -j2 && cmake --install "$dir/rt" --prefix "$dir/prefix"; } >"$log" 2>&1 ||
	{ cat "$log"; echo "m0_link: FAILED, building the Cortex-M0+ runtime"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
links=()
for f in startup semihost run_machine syscalls; do
	arm-none-eabi-gcc $mcu -Os -ffunction-sections -std=c11 -Wall -Wextra -Werror \
		-I"$dir/prefix/include" -c "$root/tools/cross/mps2-an386/$f.c" -o "$work/$f.o"
	links+=(--link "$work/$f.o")
done
if ! "$aslc" "$root/examples/order-routing/definition.asl.json" -o "$work/machine.elf" \
	--cc arm-none-eabi-gcc --runtime "$dir/prefix" \
	--cflags "$mcu -Os -ffunction-sections -fdata-sections -DASL_NO_MAIN" "${links[@]}" \
	--ldflags "-T $root/tools/cross/mps2-an386/mps2-an386.ld -nostartfiles --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections" \
	>"$work/link.log" 2>&1; then
	cat "$work/link.log"
	echo "m0_link: FAILED, a machine does not link for the Cortex-M0+"
	exit 1
fi
echo "m0_link: ok, the Cortex-M0+ runtime builds and a machine links ($(arm-none-eabi-size "$work/machine.elf" | awk 'NR == 2 { print $1 + $2 }') bytes of flash)"
