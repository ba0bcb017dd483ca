#!/usr/bin/env bash
# Number formatting: the core's asl_format_number against the snprintf/strtod one it replaced,
# ns per call of each on typical values and their ratio, measured in this one run (bench/format.c).
# Usage, from the repo root: bash bench/format.sh   (env: N=200000 ROUNDS=7 BUILD=build-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD B=$PWD/bench BUILD=${BUILD:-$PWD/build-bench}
W=$BUILD/bench/format

echo "== building the runtime ($BUILD) and bench/format.c" >&2
mkdir -p "$W"
{ cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
	cmake --build "$BUILD" -j2 --target aslrt; } >"$W/build.log" 2>&1 ||
	{ cat "$W/build.log" >&2; exit 1; }
# the library's Release flags, so the old code (compiled here) is compiled as it was
"${CC:-cc}" ${CFLAGS:--O3 -fPIC} -I"$ROOT/include" -o "$W/format" "$B/format.c" "$BUILD/lib/libaslrt.a" \
	-lnettle -lm -lpthread
"$W/format" "${N:-200000}" "${ROUNDS:-7}"
