#!/usr/bin/env bash
# aslc benchmark: AOT executable vs `aslc run` (libtcc JIT) vs aws-local-stepfunctions (Node),
# all measured in this one run on this machine.  See bench/README.md.
# Usage, from the repo root: bash bench/run.sh   (env: REPS=5 NPM_REPS=3 START_REPS=11)
set -euo pipefail
shopt -s inherit_errexit # so failures inside $(...) stop the script too
cd "$(dirname "$0")/.."
ROOT=$PWD B=$PWD/bench BUILD=$PWD/build-bench W=$PWD/build-bench/bench
REPS=${REPS:-5} NPM_REPS=${NPM_REPS:-3} START_REPS=${START_REPS:-11}
K=5 # throughput loop: 10^5 iterations

echo "== building aslc ($BUILD), the timing helper and the npm baseline" >&2
mkdir -p "$W"
{ cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
	cmake --build "$BUILD" -j2 --target aslc; } >"$W/build.log" 2>&1 ||
	{ cat "$W/build.log" >&2; exit 1; }
ASLC=$BUILD/bin/aslc
"${CC:-cc}" -O2 -o "$W/runit" "$B/runit.c"
[ -d "$B/npm/node_modules/aws-local-stepfunctions" ] ||
	(cd "$B/npm" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
NPM_VER=$(node -p "require('$B/npm/node_modules/aws-local-stepfunctions/package.json').version")

gen() { node "$B/gen.mjs" "$@"; }
# run OUT CMD...: CMD's stdout goes to OUT; prints "wall_ms peak_rss_kib"; fails if CMD fails
run() { "$W/runit" "$@"; }
# stats: "median min" of the numbers on stdin
stats() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[1] }'; }
# timed N OUT CMD...: one warm-up run, then "median min" wall ms of N runs
timed() {
	local n=$1; shift
	run "$@" >/dev/null
	for _ in $(seq "$n"); do run "$@"; done | cut -d' ' -f1 | stats
}

echo "== generating machines in $W" >&2
for k in $K 6 7; do
	gen counter $k >"$W/counter-$k.asl.json"
	build=$(run /dev/null "$ASLC" "$W/counter-$k.asl.json" -o "$W/counter-$k")
	[ $k != $K ] || build_ms=${build% *}
done
gen chain 100 >"$W/chain-100.asl.json"
M=$W/counter-$K.asl.json IN0=$(gen input $K 0) IN9=$(gen input $K 9)
T=$(gen transitions $K) T_TINY=$(gen tiny $K)

echo "== checking the transition count against aws-local-stepfunctions' event log (10^3 loop)" >&2
gen counter 3 >"$W/counter-3.asl.json"
counted=$(node "$B/npm/harness.mjs" "$W/counter-3.asl.json" "$(gen input 3 0)" --count-states 2>&1 >/dev/null | tail -1)
[ "$counted" = "$(gen transitions 3)" ] || { echo "transition count mismatch: $counted" >&2; exit 1; }

echo "== throughput: 10^$K iterations = $T transitions (REPS=$REPS, NPM_REPS=$NPM_REPS)" >&2
aot=$(timed "$REPS" "$W/aot.json" "$W/counter-$K" --input "$IN0")
jit=$(timed "$REPS" "$W/jit.json" "$ASLC" run "$M" --input "$IN0")
tiny=$(timed "$REPS" "$W/tiny.json" "$ASLC" run "$M" --input "$IN9")
: >"$W/npm.ms"
for _ in $(seq "$NPM_REPS"); do # the harness reports its in-process time on stderr
	run "$W/npm.json" node "$B/npm/harness.mjs" "$M" "$IN0" 2>"$W/npm.err" >"$W/npm.runit"
	tail -1 "$W/npm.err" >>"$W/npm.ms"
done
npm=$(stats <"$W/npm.ms") npm_rss=$(cut -d' ' -f2 "$W/npm.runit")
gen check $K "$W/aot.json" "$W/jit.json" "$W/tiny.json" "$W/npm.json" # tiny ends the same way

echo "== JIT start latency: chain of 100 Pass states (START_REPS=$START_REPS)" >&2
start=$(timed "$START_REPS" "$W/chain.json" "$ASLC" run "$W/chain-100.asl.json" --input '{}')
grep -q '"last": *98' "$W/chain.json" || { echo "chain: unexpected output" >&2; exit 1; }

echo "== peak RSS of the AOT executable" >&2
declare -A rss
for k in $K 6 7; do
	rss[$k]=$(run "$W/rss.json" "$W/counter-$k" --input "$(gen input $k 0)")
	gen check $k "$W/rss.json"
done

# the figures are "median min" (timed) and "ms KiB" (run) pairs; awk splits them
awk -v K="$K" -v T="$T" -v TT="$T_TINY" -v T7="$(gen transitions 7)" -v ver="$NPM_VER" \
	-v aot="$aot" -v jit="$jit" -v tiny="$tiny" -v npm="$npm" -v start="$start" \
	-v r5="${rss[$K]}" -v r6="${rss[6]}" -v r7="${rss[7]}" -v nrss="$npm_rss" -v build="$build_ms" \
	-v host="$(uname -srm)" -v node="$(node --version)" -v cpus="$(nproc)" '
function commas(x,   s, r) {
	for (s = sprintf("%d", x); length(s) > 3; s = substr(s, 1, length(s) - 3))
		r = "," substr(s, length(s) - 2) r
	return s r
}
function row(name, span, ms, n,   tps) {
	tps = n / (ms / 1000)
	printf "%-30s %-38s %10.1f %14s %9.1fx\n", name, span, ms, commas(tps), tps / npm_tps
}
BEGIN {
	split(aot, a); split(jit, j); split(tiny, t); split(npm, n); split(start, s)
	split(r5, m5); split(r6, m6); split(r7, m7)
	aot = a[1]; jit = j[1]; tiny = t[1]; npm = n[1]
	npm_tps = T / (npm / 1000)
	printf "\naslc benchmark  (%s, %d CPUs, node %s)\n", host, cpus, node
	printf "Loop: Pass/Choice decimal counter, 10^%d = %s iterations = %s state transitions;\n", K, commas(10 ^ K), commas(T)
	printf "all three outputs checked equal to the expected one; count checked against the npm event log.\n\n"
	printf "%-30s %-38s %10s %14s %10s\n", "engine", "timed span", "median ms", "transitions/s", "vs npm"
	row("AOT executable", "whole process", aot, T)
	row("aslc run (JIT)", "whole process, incl. libtcc compile", jit, T)
	row("aslc run (JIT), excl. compile", "minus a 1-iteration run (" tiny " ms)", jit - tiny, T - TT)
	row("aws-local-stepfunctions " ver, "sm.run() to result, in-process", npm, T)
	printf "\nJIT start latency, aslc run of a 100-Pass-state chain (whole process):\n"
	printf "  median %.1f ms, min %.1f ms; target 20 ms: %s\n", s[1], s[2], s[1] <= 20 ? "met" : "MISSED"
	printf "\nPeak RSS of the AOT executable (ru_maxrss):\n"
	printf "  10^%d iterations %6.1f MiB\n  10^6 iterations %6.1f MiB\n", K, m5[2] / 1024, m6[2] / 1024
	printf "  10^7 iterations %6.1f MiB  (%s transitions in %.2f s)\n", m7[2] / 1024, commas(T7), m7[1] / 1000
	printf "  for scale: the aws-local-stepfunctions process peaked at %.0f MiB on the 10^%d loop\n", nrss / 1024, K
	printf "\nAOT build of the 10^%d counter machine (aslc -o, cc -O2): %.0f ms\n", K, build
}'
