#!/usr/bin/env bash
# Executions held suspended: N (default 100,000) executions of bench/hold.asl.json (a Pass, a
# Wait of one hour, a Pass) started in one process and advanced until each suspends on its
# Wait; memory per suspended execution, then the time to resume them all to completion once the
# (fake) clock has passed the hour, against running the same N executions straight through
# with asl_execute and wait_scale 0 in the same run. See bench/README.md.
# Usage, from the repo root: bash bench/suspended.sh   (env: N=100000 REPS=3 BUILD=build-bench)
set -euo pipefail
shopt -s inherit_errexit # so failures inside $(...) stop the script too
cd "$(dirname "$0")/.."
ROOT=$PWD B=$PWD/bench BUILD=${BUILD:-$PWD/build-bench}
W=$BUILD/bench/suspended N=${N:-100000} REPS=${REPS:-3}

echo "== building aslc and the runtime ($BUILD) and bench/suspended.c" >&2
mkdir -p "$W"
{ cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
	cmake --build "$BUILD" -j2 --target aslc aslrt; } >"$W/build.log" 2>&1 ||
	{ cat "$W/build.log" >&2; exit 1; }
"$BUILD/bin/aslc" --emit-c "$B/hold.asl.json" -o "$W/hold.c"
libs=$(sed -n 's/^Libs: -L[^ ]* //p' "$BUILD/aslrt.pc")
# shellcheck disable=SC2086 # $libs is a list of flags
"${CC:-cc}" -O2 -DASL_NO_MAIN -I"$ROOT/include" -o "$W/suspended" "$B/suspended.c" "$W/hold.c" \
	-L"$BUILD/lib" $libs
expected='{"order":42,"count":3,"status":"shipped"}'

echo "== $N executions, suspended then resumed, and straight through (REPS=$REPS)" >&2
for r in $(seq "$REPS"); do "$W/suspended" "$N" "$expected" >"$W/run-$r.txt"; done

# the medians of the runs (each run is one process: its RSS growth is its own)
median() { cat "$W"/run-*.txt | awk -v k="$1" '$1 == k { print $2 }' | sort -g |
	awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
awk -v n="$N" -v reps="$REPS" -v host="$(uname -srm)" -v cpus="$(nproc)" \
	-v sus="$(median suspend_s)" -v sus_sys="$(median suspend_sys_s)" -v res="$(median resume_s)" -v str="$(median straight_s)" \
	-v rss="$(median rss_per_execution)" -v bytes="$(median bytes_per_execution)" \
	-v blocks="$(median blocks_per_execution)" -v total="$(median rss_total_mib)" '
BEGIN {
	printf "\naslc suspended executions  (%s, %d CPUs)\n", host, cpus
	printf "%d executions of bench/hold.asl.json (Pass, Wait 3600 s, Pass) in one process, one thread;\n", n
	printf "medians of %d runs; every outcome checked.\n\n", reps
	printf "memory per suspended execution: %.0f bytes RSS growth (%.1f MiB for all), %.0f bytes\n", rss, total, bytes
	printf "  from the allocator in %.1f blocks\n", blocks
	printf "\n%-46s %10s %14s %9s\n", "phase", "s", "executions/s", "vs straight"
	printf "%-46s %10.3f %14.0f %9.2f\n", "straight through (asl_execute, wait_scale 0)", str, n / str, 1
	printf "%-46s %10.3f %14.0f %9.2f\n", "start and advance to the Wait (suspend)", sus, n / sus, sus / str
	printf "%-46s %10.3f %14.0f %9.2f\n", "resume to completion (advance, finish)", res, n / res, res / str
	printf "%-46s %10.3f %14.0f %9.2f\n", "suspend + resume", sus + res, n / (sus + res), (sus + res) / str
	printf "\nsystem CPU time while suspending (page faults of fresh memory): %.3f s\n", sus_sys
}'
