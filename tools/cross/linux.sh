#!/usr/bin/env bash
# Builds state machines for other Linux targets and runs them: the runtime cross-built for the
# target (CMake toolchain file, runtime only: no libtcc, curl or nettle) and installed in a
# prefix, the machine built by the host's aslc with the target's compiler and that runtime,
# then run under qemu-user (or natively for the static x86-64 musl target).
#
#   linux.sh TARGET MACHINE.asl.json [ASLC OPTIONS] < INPUT   build and run (stdout, exit
#                                                             status: as the host executable)
#   linux.sh runtime TARGET            (re)build the runtime for TARGET, print its prefix
#   linux.sh build TARGET MACHINE.asl.json -o EXE [ASLC OPTIONS]   build only
#   linux.sh run TARGET EXE [RUN OPTIONS] < INPUT                  run only
#   (the runtime is built the first time and again when its sources changed; --cflags and
#   --ldflags among the ASLC OPTIONS add to the target's)
#
# TARGET: arm-linux-gnueabihf (32-bit ARM), aarch64-linux-gnu (64-bit ARM): dynamically
# linked with glibc, run as `qemu-arm -L /usr/arm-linux-gnueabihf EXE` (on a board: just EXE);
# x86_64-linux-musl: static, stripped, size-optimised (musl-gcc), run as it is.
# Environment: ASLC (default build/bin/aslc), ASLC_CROSS_DIR (runtime builds and prefixes,
# default build-cross). tools/cross/setup-linux.sh installs the toolchains and qemu-user.
# Exit status: that of the machine (run), 2 when the runtime or the machine cannot be built.
set -euo pipefail
root=$(cd -P "$(dirname "$0")/../.." && pwd)
aslc=${ASLC:-$root/build/bin/aslc}
cross_dir=${ASLC_CROSS_DIR:-$root/build-cross}

usage() {
	sed -n '7,13p' "$0" | cut -c5- >&2
	exit 2
}

# The target's C compiler, CMake toolchain file, aslc flags and runner.
target_facts() {
	case $1 in
	arm-linux-gnueabihf | aarch64-linux-gnu)
		cc=$1-gcc
		toolchain=$root/cmake/$1.cmake
		build_type=Release
		cflags="-O2"
		ldflags=""
		runner=("qemu-${1%%-*}" -L "/usr/$1") # qemu-arm, qemu-aarch64
		;;
	x86_64-linux-musl)
		cc=musl-gcc
		toolchain=$root/cmake/musl.cmake
		# gc-sections drops the runtime's functions the machine does not call (the runtime is
		# built with -ffunction-sections -fdata-sections by cmake/musl.cmake)
		build_type=MinSizeRel
		cflags="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables"
		ldflags="-static -s -Wl,--gc-sections"
		runner=()
		;;
	*)
		echo "linux.sh: unknown target '$1' (arm-linux-gnueabihf, aarch64-linux-gnu," \
			"x86_64-linux-musl)" >&2
		exit 2
		;;
	esac
	command -v "$cc" >/dev/null || {
		echo "linux.sh: $cc not found (tools/cross/setup-linux.sh installs it)" >&2
		exit 2
	}
}

# Configures, builds and installs the runtime for $1 when it was never built, when a file it
# is built from changed since (or when $2 is "always"): then only what changed is rebuilt.
# Configured again from scratch when the toolchain file or this script (its -D options) is
# newer than the build's cache: cmake reads a toolchain file's CMAKE_C_FLAGS_INIT only into a
# new cache, so an existing one would keep the old flags. Prints nothing; sets prefix. Under a
# lock, as several builds may run at once (the tests build machines in parallel).
build_runtime() {
	target_facts "$1"
	local build=$cross_dir/$1
	prefix=$cross_dir/$1/prefix
	local stamp=$prefix/built cache=$cross_dir/$1/CMakeCache.txt
	mkdir -p "$cross_dir"
	exec 9>"$build.lock"
	flock 9
	if [ "${2:-}" = always ] || [ ! -f "$stamp" ] || [ -n "$(find "$root/runtime" \
		"$root/include" "$root/cmake" "$root/CMakeLists.txt" "$root/tools/cross/linux.sh" \
		-newer "$stamp" -print -quit)" ]; then
		mkdir -p "$prefix" && touch "$stamp.new" # before: a file changed during the build counts
		if [ "$toolchain" -nt "$cache" ] || [ "$root/tools/cross/linux.sh" -nt "$cache" ]; then
			rm -rf "$cache" "$build/CMakeFiles" # (-nt is also true when there is no cache)
		fi
		if [ ! -f "$cache" ]; then
			cmake -S "$root" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
				-DCMAKE_BUILD_TYPE=$build_type -DASLC_BUILD_COMPILER=OFF \
				-DASLC_WITH_CURL=OFF -DASLC_WITH_NETTLE=OFF >"$build.log" 2>&1 ||
				{ rm -f "$cache"; cat "$build.log" >&2; echo "linux.sh: configuring the runtime for $1 failed" >&2; exit 2; }
		fi
		{ cmake --build "$build" -j "$(nproc)" --target aslrt &&
			cmake --install "$build" --prefix "$prefix"; } >"$build.log" 2>&1 ||
			{ cat "$build.log" >&2; echo "linux.sh: building the runtime for $1 failed" >&2; exit 2; }
		mv "$stamp.new" "$stamp"
	fi
	exec 9>&-
}

# build TARGET MACHINE.asl.json -o EXE [ASLC OPTIONS]
build_machine() {
	local target=$1
	shift
	build_runtime "$target"
	[ -x "$aslc" ] || { echo "linux.sh: no aslc at $aslc (build it, or set ASLC)" >&2; exit 2; }
	# --cflags and --ldflags given here come after the target's, not instead of them (the
	# static target's -static -s -Wl,--gc-sections stay; a later -O0 or -static still wins)
	local args=()
	while [ $# -gt 0 ]; do
		case $1 in
		--cflags | --ldflags)
			[ $# -ge 2 ] || { echo "linux.sh: $1 needs a value" >&2; exit 2; }
			if [ "$1" = --cflags ]; then cflags="$cflags $2"; else ldflags="$ldflags $2"; fi
			shift 2
			;;
		*)
			args+=("$1")
			shift
			;;
		esac
	done
	"$aslc" --cc "$cc" --runtime "$prefix" --cflags "$cflags" --ldflags "$ldflags" "${args[@]}" ||
		exit 2
}

# run TARGET EXE [RUN OPTIONS]: the machine's own exit status
run_machine() {
	target_facts "$1"
	shift
	if [ ${#runner[@]} -gt 0 ]; then
		command -v "${runner[0]}" >/dev/null || {
			echo "linux.sh: ${runner[0]} not found (tools/cross/setup-linux.sh installs it)" >&2
			exit 2
		}
	fi
	local exe=$1
	shift
	case $exe in */*) ;; *) exe=./$exe ;; esac
	exec "${runner[@]}" "$exe" "$@"
}

[ $# -ge 2 ] || usage
case $1 in
runtime)
	build_runtime "$2" always
	echo "$prefix"
	;;
build)
	shift
	build_machine "$@"
	;;
run)
	shift
	run_machine "$@"
	;;
-*) usage ;;
*)
	target=$1 def=$2
	shift 2
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslc-$target-XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	name=$(basename "${def%.asl.json}") # the program's name in its messages, as aslc names it
	[ "$name" != definition ] || name=$(basename "$(cd "$(dirname "$def")" && pwd)")
	exe=$tmp/$name
	build_machine "$target" "$def" -o "$exe" "$@"
	set +e
	(run_machine "$target" "$exe")
	exit $?
	;;
esac
