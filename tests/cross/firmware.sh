#!/usr/bin/env bash
# tests/cross/firmware.sh ASLC M4_DIR: builds examples/firmware with its Makefile against the
# Cortex-M4 runtime (tools/cross/cortex-m4.sh --runtime), runs it under qemu and checks what it
# prints (examples/firmware/expected.txt, then its memory high-water mark, which must be the
# figure examples/firmware/README.md shows within 5%, and its stack peak, which must stay
# below the stack's size) and that it exits 0. The run takes 4 s of the board's time: four 1-second Waits
# between readings, slept through on the SysTick tick. Exit 77 (ctest's skip) without the
# toolchain.
set -euo pipefail
aslc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export ASLC_M4_DIR=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
for tool in arm-none-eabi-gcc qemu-system-arm make; do
	if ! command -v "$tool" >/dev/null; then
		echo "firmware: SKIPPED, $tool is not installed (tools/cross/setup-arm.sh)"
		exit 77
	fi
done
prefix=$(ASLC="$aslc" "$root/tools/cross/cortex-m4.sh" --runtime)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
make -s -C "$root/examples/firmware" RUNTIME="$prefix" ASLC="$aslc" OUT="$out" >"$out/build.log"
status=0
timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
	-semihosting-config enable=on,target=native -kernel "$out/firmware.elf" \
	</dev/null >"$out/console.txt" 2>&1 || status=$?
cat "$out/console.txt"
if [ "$status" -ne 0 ]; then
	echo "firmware: FAILED, exit status $status"
	exit 1
fi
if ! diff <(head -n -2 "$out/console.txt") "$root/examples/firmware/expected.txt"; then
	echo "firmware: FAILED, the console differs from examples/firmware/expected.txt"
	exit 1
fi
mark=$(sed -n 's/^firmware: memory high-water mark \([0-9]*\) bytes$/\1/p' "$out/console.txt")
documented=$(sed -n 's/^firmware: memory high-water mark \([0-9]*\) bytes$/\1/p' \
	"$root/examples/firmware/README.md")
if [ -z "$mark" ] || [ -z "$documented" ] || [ $((mark * 100)) -gt $((documented * 105)) ] ||
	[ $((mark * 100)) -lt $((documented * 95)) ]; then
	echo "firmware: FAILED, the high-water mark ${mark:-(none)} is not README's ${documented:-(none)} within 5%"
	exit 1
fi
read -r peak size < <(sed -n 's/^firmware: stack peak \([0-9]*\) of \([0-9]*\) bytes$/\1 \2/p' "$out/console.txt")
if [ -z "${peak:-}" ] || [ "$peak" -ge "$size" ]; then
	echo "firmware: FAILED, no stack peak below the stack's size (${peak:-none} of ${size:-none})"
	exit 1
fi
sizes=$(arm-none-eabi-size "$out/firmware.elf" | awk 'NR == 2 { print "text " $1 ", data " $2 }')
echo "firmware: ok ($sizes, memory $mark of 8192 bytes, stack $peak of $size)"
