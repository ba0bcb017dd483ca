#!/usr/bin/env bash
# tools/cross/cortex-m4.sh MACHINE.asl.json INPUT.json (INPUT "-": standard input)
# tools/cross/cortex-m4.sh --runtime   builds the runtime only and prints its install prefix
#
# Builds MACHINE for a Cortex-M4F (arm-none-eabi-gcc, newlib-nano), runs it under
# qemu-system-arm -M mps2-an386 with semihosting, and prints on stdout exactly what the host
# executable (`aslc MACHINE -o m && ./m < INPUT`) prints, exiting with its status. On stderr:
# the execution's messages, then `flash=BYTES ram=BYTES ram_reserved=BYTES`: flash is
# text+data of the ELF, ram the measured peak, data+bss (without the runtime's buffer) + the
# buffer's high-water mark + the stack's peak, and ram_reserved what the board sets aside,
# data+bss (the buffer included) + both stacks: the RAM a device must have. Nothing comes from
# newlib's malloc: a line says so when malloc or _sbrk is linked (the suite fails on it).
#
# The route: `aslc -o m.elf --cc arm-none-eabi-gcc --cflags ... -DASL_NO_MAIN --link BOARD.o
# --ldflags "-T mps2-an386.ld ..." --runtime PREFIX`, the board's firmware main
# (mps2-an386/run_machine.c) in place of the host's command line.
#
# Environment:
#   ASLC           aslc to use (default: build/bin/aslc of this checkout)
#   ASLC_M4_DIR    where the Cortex-M4 runtime and board objects are built and cached
#                  (default: build-cross-m4 in this checkout; rebuilt when sources change)
#   ASLC_M4_BUFFER bytes of the runtime's buffer, every byte an execution uses (default 11008)
#   ASLC_M4_STACK  bytes of stack (default 4608: 16 levels of nesting)
#   ASLC_M4_STACK_RESERVE  bytes of that stack under the runtime's recursive walks (default
#                  1536): values nest at most (STACK - RESERVE) / 192 levels (asl/tuning.h);
#                  the runtime is built once per stack size
#   ASLC_M4_FIRST_CHUNK, ASLC_M4_COMPACT_MIN  asl_options.arena_first_chunk and compact_min
#                  of the execution (0: the runtime's, asl/tuning.h; defaults 768 and 0: with
#                  768-byte first chunks the 10-state example needs 10,032 bytes of the buffer,
#                  with the runtime's 1024 11,824, and buffer, stack, data and bss then fit 16 KiB)
#   ASLC_M4_CFLAGS extra flags for compiling and linking the machine's C only: the runtime
#                  and the board are not rebuilt with them, so -DASL_ARENA_FIRST_CHUNK=... does
#                  nothing here; an execution's first chunk is ASLC_M4_FIRST_CHUNK=256
#   ASLC_M4_TIMEOUT seconds qemu may run (default 60); exit 124 when it ran out
#   ASLC_M4_NO_REBUILD set: trust ASLC_M4_DIR's runtime as it is (a suite running many cases
#                  builds it once first)
#   ASLC_M4_KEEP   set: keep the temporary folder (the ELF, the generated C) and say where
# Exit status: the machine's (0, 1, 2, 3, 6); 70 a fault on the device, or the stack's peak
# reached its size; 124 timeout; 125 the build failed; 127 the toolchain is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ $# -ne 2 ] && [ "${1:-} $#" != "--runtime 1" ]; then
	echo "usage: $0 MACHINE.asl.json INPUT.json | --runtime" >&2
	exit 2
fi
machine=$1
input=${2:-}
for tool in arm-none-eabi-gcc arm-none-eabi-size qemu-system-arm cmake; do
	if ! command -v "$tool" >/dev/null; then
		echo "cortex-m4: $tool is not installed (tools/cross/setup-arm.sh installs it)" >&2
		exit 127
	fi
done
aslc=${ASLC:-$root/build/bin/aslc}
dir=${ASLC_M4_DIR:-$root/build-cross-m4}
buffer=${ASLC_M4_BUFFER:-11008}
stack=${ASLC_M4_STACK:-4608}
reserve=${ASLC_M4_STACK_RESERVE:-1536}
first_chunk=${ASLC_M4_FIRST_CHUNK:-768}
compact_min=${ASLC_M4_COMPACT_MIN:-0}
mcu="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
# the nesting limit follows the stack: the runtime and everything that includes its headers
# are built with the same ASL_STACK_SIZE (asl/tuning.h)
tuning="-DASL_STACK_SIZE=$stack -DASL_STACK_RESERVE=$reserve"
cflags="$mcu -Os -ffunction-sections -fdata-sections -DASL_NO_MAIN $tuning ${ASLC_M4_CFLAGS:-}"
rt="$dir/runtime-$stack-$reserve"
prefix="$dir/prefix-$stack-$reserve"
mkdir -p "$dir"

# The runtime and the board's objects, once for many runs (and runs at the same time: the lock)
build_runtime() {
	local cache="$rt/CMakeCache.txt" toolchain="$root/cmake/arm-none-eabi.cmake"
	# a changed toolchain file or configure command only reaches a fresh cache (as linux.sh)
	if [ "$toolchain" -nt "$cache" ] || [ "$here/cortex-m4.sh" -nt "$cache" ]; then
		rm -rf "$cache" "$rt/CMakeFiles" # (-nt is also true when there is no cache)
	fi
	if [ ! -f "$cache" ]; then
		# a failed configure leaves a cache behind: remove it, or the next run would not retry
		CFLAGS="$tuning" cmake -S "$root" -B "$rt" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
			-DCMAKE_BUILD_TYPE=MinSizeRel -DASLC_BUILD_COMPILER=OFF -DASLC_WITH_CURL=OFF \
			-DASLC_WITH_NETTLE=OFF -DASLC_PLATFORM=baremetal >/dev/null ||
			{ rm -f "$cache"; return 1; }
	fi
	# (set -e does not apply inside a condition: every step says itself when it fails)
	cmake --build "$rt" -j2 >/dev/null || return 1
	cmake --install "$rt" --prefix "$prefix" >/dev/null || return 1
	local board="$rt/board-$buffer-$first_chunk-$compact_min"
	mkdir -p "$board"
	for src in startup semihost run_machine syscalls; do
		# rebuilt when its source, a board header or any installed header (asl/baremetal.h,
		# asl/tuning.h, ...: the layout it was compiled against) is newer than the object
		if [ ! -f "$board/$src.o" ] || [ -n "$(find "$here/mps2-an386" "$prefix/include" \
			-name '*.[ch]' \( -name "$src.c" -o -name '*.h' \) -newer "$board/$src.o" \
			-print -quit)" ]; then
			arm-none-eabi-gcc $mcu -Os -ffunction-sections -fdata-sections -std=c11 -Wall -Wextra \
				-Werror -I"$prefix/include" $tuning -DASL_M4_BUFFER="$buffer" \
				-DASL_M4_FIRST_CHUNK="$first_chunk" -DASL_M4_COMPACT_MIN="$compact_min" \
				-c "$here/mps2-an386/$src.c" -o "$board/$src.o.tmp" || return 1
			mv "$board/$src.o.tmp" "$board/$src.o" || return 1
		fi
	done
}
tmp=$(mktemp -d)
if [ -n "${ASLC_M4_KEEP:-}" ]; then
	echo "cortex-m4: keeping $tmp" >&2
else
	trap 'rm -rf "$tmp"' EXIT
fi
if [ -z "${ASLC_M4_NO_REBUILD:-}" ] &&
	! (flock 9 && build_runtime) 9>"$dir/.lock" >"$tmp/runtime.log" 2>&1; then
	cat "$tmp/runtime.log" >&2
	echo "cortex-m4: building the Cortex-M4 runtime failed" >&2
	exit 125
fi
if [ "$machine" = --runtime ]; then
	echo "$prefix"
	exit 0
fi
if [ "$input" = - ]; then
	cat >"$tmp/input.json"
else
	cp "$input" "$tmp/input.json"
fi
# newlib-nano: the core formats numbers and texts itself, so no printf of the C library is
# linked (newlib-nano's drops fractions without -u _printf_float and garbles %zu/%lld)
libc="--specs=nano.specs --specs=nosys.specs"
board="$rt/board-$buffer-$first_chunk-$compact_min"
links=()
for o in startup semihost run_machine syscalls; do
	links+=(--link "$board/$o.o")
done
if ! "$aslc" "$machine" -o "$tmp/m.elf" --cc arm-none-eabi-gcc --cflags "$cflags" "${links[@]}" \
	--ldflags "-T $here/mps2-an386/mps2-an386.ld -Wl,--defsym=STACK_SIZE=$stack,--gc-sections -nostartfiles $libc" \
	--runtime "$prefix" 2>"$tmp/build.err"; then
	cat "$tmp/build.err" >&2
	echo "cortex-m4: building the machine failed" >&2
	exit 125
fi

status=0
# run in $tmp with relative names: the device's command line stays short (and free of spaces)
# however long TMPDIR's name is
(cd "$tmp" && timeout "${ASLC_M4_TIMEOUT:-60}" qemu-system-arm -M mps2-an386 -nographic \
	-monitor none -serial none -semihosting-config enable=on,target=native -kernel m.elf \
	-append "input.json out err" </dev/null >qemu.log 2>&1) || status=$?
[ -f "$tmp/out" ] && cat "$tmp/out"
if [ -f "$tmp/err" ]; then
	grep -v '^buffer=' "$tmp/err" >&2 || true
fi
cat "$tmp/qemu.log" >&2
if [ "$status" -eq 124 ]; then
	echo "cortex-m4: qemu did not finish in ${ASLC_M4_TIMEOUT:-60} s" >&2
	exit 124
fi
measured=$(grep '^buffer=' "$tmp/err" 2>/dev/null || true)
if [ -n "$measured" ]; then
	# text+data from the ELF; .data and .bss by section (the .stack region is measured, not
	# counted whole), less the reserved pools whose high-water marks are measured instead
	read -r text data _ < <(arm-none-eabi-size "$tmp/m.elf" | awk 'NR == 2 { print $1, $2 }')
	bss=$(arm-none-eabi-size -A "$tmp/m.elf" | awk '$1 == ".bss" { print $2 }')
	hstack=$(arm-none-eabi-size -A "$tmp/m.elf" | awk '$1 == ".handler_stack" { print $2 }')
	reserved=0
	while read -r _ size _ name; do
		case $name in asl_m4_buffer) reserved=$((reserved + 16#$size)) ;; esac
	done < <(arm-none-eabi-nm -S "$tmp/m.elf")
	eval "$(echo "$measured" | tr ' ' '\n' | sed 's/^/m_/')"
	echo "cortex-m4: text=$text data=$data bss=$((bss - reserved)) (without the buffer)" \
		"arena=$m_arena of $m_buffer (at most $m_held held at once) stack=$m_stack of $stack" >&2
	# the core formats by itself: newlib-nano's printf (which garbles %zu and %lld and drops
	# fractions) must not be linked at all; nor newlib's malloc (its strtod was what used it),
	# as every byte comes from the buffer
	printfs=$(arm-none-eabi-nm "$tmp/m.elf" | awk '$3 ~ /printf/ { printf "%s ", $3 }')
	[ -z "$printfs" ] || echo "cortex-m4: the C library's printf is linked: $printfs" >&2
	mallocs=$(arm-none-eabi-nm "$tmp/m.elf" |
		awk '$3 ~ /^_?(malloc|_malloc_r|calloc|_calloc_r|realloc|_realloc_r|_sbrk|_sbrk_r)$/ { printf "%s ", $3 }')
	[ -z "$mallocs" ] || echo "cortex-m4: the C library's malloc is linked: $mallocs" >&2
	echo "flash=$((text + data)) ram=$((data + bss - reserved + m_arena + m_stack))" \
		"ram_reserved=$((data + bss + stack + hstack))" >&2
	# the peak reaching the stack's size means the paint's last word went: the stack may have
	# overflowed (below RAM, so it would have faulted) or come too close to trust the run
	if [ "$m_stack" -ge "$stack" ] && [ "$status" -ne 70 ]; then
		echo "cortex-m4: the stack's peak reached its size ($stack bytes): give more (ASLC_M4_STACK)" >&2
		status=70
	fi
fi
exit "$status"
