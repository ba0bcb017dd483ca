#!/usr/bin/env bash
# tests/cross/m4_cache.sh ASLC: cortex-m4.sh's cached runtime follows its sources. On a copy of
# the sources (the checkout's files are not touched): a changed toolchain file reaches the
# cache; a changed board header or installed header rebuilds the board's objects; a failed
# configure leaves no cache behind, so the next run configures again. Exit 77 without the
# toolchain.
set -euo pipefail
aslc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
for tool in arm-none-eabi-gcc qemu-system-arm; do
	if ! command -v "$tool" >/dev/null; then
		echo "m4_cache: SKIPPED, $tool is not installed (tools/cross/setup-arm.sh)"
		exit 77
	fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/src
mkdir "$src"
cp -r "$root/CMakeLists.txt" "$root/cmake" "$root/include" "$root/runtime" "$root/tools" "$src/"
machine=$root/examples/order-routing/definition.asl.json
input=$root/examples/order-routing/input.json
expected=$("$aslc" "$machine" -o "$work/host" && "$work/host" <"$input")
fail() {
	echo "m4_cache: FAILED, $1"
	exit 1
}
run() { ASLC="$aslc" ASLC_M4_DIR="$work/m4" "$src/tools/cross/cortex-m4.sh" "$machine" "$input" 2>"$work/err"; }
[ "$(run)" = "$expected" ] || fail "the first run"
rt=$work/m4/runtime-4608-1536
obj=$(echo "$rt"/board-*/run_machine.o)
sleep 1 # (a newer modification time)
# (the flags a toolchain file gives are read by the first configure only: CMake's own rerun
# when the file changes keeps the cached CMAKE_C_FLAGS)
echo 'string(APPEND CMAKE_C_FLAGS_INIT " -DASLC_CACHE_PROBE")' >>"$src/cmake/arm-none-eabi.cmake"
echo '/* m4_cache.sh */' >>"$src/tools/cross/mps2-an386/board.h"
[ "$(run)" = "$expected" ] || fail "the run after the changes"
grep -q '^CMAKE_C_FLAGS:.*-DASLC_CACHE_PROBE' "$rt/CMakeCache.txt" || fail "a changed toolchain file did not reach the cache"
[ "$(echo "$rt"/board-*/run_machine.o)" -nt "$src/tools/cross/mps2-an386/board.h" ] ||
	fail "a changed board header did not rebuild run_machine.o"
sleep 1
echo '/* m4_cache.sh */' >>"$src/include/asl/tuning.h"
[ "$(run)" = "$expected" ] || fail "the run after changing tuning.h"
[ "$obj" -nt "$src/include/asl/tuning.h" ] || fail "a changed asl/tuning.h did not rebuild run_machine.o"
echo 'message(FATAL_ERROR "m4_cache.sh")' >>"$src/cmake/arm-none-eabi.cmake"
status=0
run >/dev/null || status=$?
[ "$status" -eq 125 ] || fail "a failed configure exited $status, not 125"
[ ! -f "$rt/CMakeCache.txt" ] || fail "a failed configure left its CMakeCache.txt behind"
sed -i '$d' "$src/cmake/arm-none-eabi.cmake"
[ "$(run)" = "$expected" ] || fail "the run after the configure was repaired: $(tail -3 "$work/err")"
echo "m4_cache: ok, the toolchain file, the headers and a failed configure reach the cached runtime"
