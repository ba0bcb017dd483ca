#!/usr/bin/env bash
# The whole test suite:
# - the C files' formatting (tools/check_format.sh);
# - a warning-free build with every test;
# - the runtime alone (no libtcc, curl or nettle: what cross-compiling builds, the built-in
#   hashes and Base64 included), with its core's boundary checked;
# - the suite built with AddressSanitizer and UndefinedBehaviorSanitizer, and with
#   ThreadSanitizer (without the tests labelled cross: they build for other targets with
#   other compilers, which instrumenting the host's aslc does not change);
# - a short run of each libFuzzer target.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)

# run_ctest BUILD_DIR [ctest args]: the build's tests, with a scratch TMPDIR of their own
# that must be empty afterwards.
run_ctest() {
	local dir=$1 scratch=$PWD/$1/scratch
	shift
	rm -rf "$scratch" && mkdir -p "$scratch"
	(cd "$dir" && TMPDIR=$scratch ctest --output-on-failure -j "$jobs" "$@")
	tools/check_scratch.sh "$scratch"
}

tools/check_format.sh

cmake -S . -B build -DASLC_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
run_ctest build

cmake -S . -B build-runtime -DASLC_BUILD_COMPILER=OFF -DASLC_WITH_CURL=OFF -DASLC_WITH_NETTLE=OFF \
	-DASLC_WERROR=ON >/dev/null
cmake --build build-runtime -j "$jobs"
python3 tests/core_boundary.py --sources runtime/core --library build-runtime/lib/libaslrt_core.a

cmake -S . -B build-asan -DASLC_SANITIZE=ON -DASLC_WERROR=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 run_ctest build-asan -LE cross

cmake -S . -B build-tsan -DASLC_TSAN=ON -DASLC_WERROR=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-tsan -j "$jobs"
TSAN_OPTIONS=halt_on_error=1 run_ctest build-tsan -LE cross

tools/fuzz.sh 20
