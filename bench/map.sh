#!/usr/bin/env bash
# aslc Map benchmark: one Map state over 100,000 items (Choice + two Pass states per item) in the
# AOT executable (--threads 1 and 2) and `aslc run` (--threads 2) against aws-local-stepfunctions,
# all measured in this run.  See bench/README.md.
# Usage, from the repo root: bash bench/map.sh
# (env: ITEMS=100000 NPM_ITEMS=$ITEMS REPS=7 NPM_REPS=3 BUILD=build-bench)
set -euo pipefail
shopt -s inherit_errexit # so failures inside $(...) stop the script too
cd "$(dirname "$0")/.."
ROOT=$PWD B=$PWD/bench BUILD=${BUILD:-$PWD/build-bench}
W=$BUILD/bench/map
ITEMS=${ITEMS:-100000} NPM_ITEMS=${NPM_ITEMS:-${ITEMS:-100000}}
REPS=${REPS:-7} NPM_REPS=${NPM_REPS:-3}

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
run() { "$W/runit" "$@"; } # run [-i IN] OUT CMD...: prints "wall_ms peak_rss_kib"
# stats: "median min" of the numbers on stdin
stats() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[1] }'; }
# timed N [-i IN] OUT CMD...: one warm-up run, then "median min" wall ms of N runs, then the median
# run's peak RSS KiB (the RSS of the run with the median time)
timed() {
	local n=$1; shift
	run "$@" >/dev/null
	for _ in $(seq "$n"); do run "$@"; done | sort -g |
		awk '{ t[NR] = $1; r[NR] = $2 } END { m = int((NR + 1) / 2); print t[m], t[1], r[m] }'
}

echo "== generating the machine and inputs in $W" >&2
M=$W/map.asl.json
gen map >"$M"
gen mapinput "$ITEMS" >"$W/input.json"
gen mapinput 1 >"$W/input-1.json"
[ "$NPM_ITEMS" = "$ITEMS" ] || gen mapinput "$NPM_ITEMS" >"$W/input-npm.json"
build=$(run /dev/null "$ASLC" "$M" -o "$W/map")

echo "== $ITEMS items: AOT --threads 1 and 2, aslc run --threads 2 (REPS=$REPS)" >&2
IN=$W/input.json IN1=$W/input-1.json # inputs on stdin (200 KB is more than one argument may hold)
aot1=$(timed "$REPS" -i "$IN" "$W/aot1.json" "$W/map" --threads 1)
aot2=$(timed "$REPS" -i "$IN" "$W/aot2.json" "$W/map" --threads 2)
jit=$(timed "$REPS" -i "$IN" "$W/jit.json" "$ASLC" run "$M" --threads 2)
jit1=$(timed "$REPS" -i "$IN1" "$W/jit1.json" "$ASLC" run "$M" --threads 2)
gen mapcheck "$ITEMS" "$W/aot1.json" "$W/aot2.json" "$W/jit.json"
gen mapcheck 1 "$W/jit1.json"

echo "== $NPM_ITEMS items: aws-local-stepfunctions $NPM_VER (NPM_REPS=$NPM_REPS)" >&2
NPM_IN=$W/input.json
[ "$NPM_ITEMS" = "$ITEMS" ] || NPM_IN=$W/input-npm.json
: >"$W/npm.ms"
for _ in $(seq "$NPM_REPS"); do # the harness reports its in-process time on stderr
	run "$W/npm.json" node "$B/npm/harness.mjs" "$M" "@$NPM_IN" 2>"$W/npm.err" >"$W/npm.runit"
	tail -1 "$W/npm.err" >>"$W/npm.ms"
done
npm=$(stats <"$W/npm.ms") npm_rss=$(cut -d' ' -f2 "$W/npm.runit")
gen mapcheck "$NPM_ITEMS" "$W/npm.json"
# all engines agree: the same items give the same output (also checked against the expected one)
[ "$NPM_ITEMS" != "$ITEMS" ] || node -e '
	const fs = require("node:fs"), [a, ...rest] = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
	for (const b of rest) require("node:assert/strict").deepStrictEqual(b, a);' \
	"$W/aot1.json" "$W/aot2.json" "$W/jit.json" "$W/npm.json"

awk -v N="$ITEMS" -v NN="$NPM_ITEMS" -v ver="$NPM_VER" -v reps="$REPS" -v nreps="$NPM_REPS" \
	-v aot1="$aot1" -v aot2="$aot2" -v jit="$jit" -v jit1="$jit1" -v npm="$npm" \
	-v nrss="$npm_rss" -v build="$build" -v bytes="$(wc -c <"$W/input.json")" \
	-v host="$(uname -srm)" -v node="$(node --version)" -v cpus="$(nproc)" '
function commas(x,   s, r) {
	for (s = sprintf("%d", x); length(s) > 3; s = substr(s, 1, length(s) - 3))
		r = "," substr(s, length(s) - 2) r
	return s r
}
function row(name, span, items, ms, rss,   ips) {
	ips = items / (ms / 1000)
	printf "%-32s %-36s %8s %9.1f %12s %9sx %9s\n", name, span, commas(items), ms, commas(ips),
		(ips / npm_ips >= 100 ? commas(ips / npm_ips + 0.5) : sprintf("%.1f", ips / npm_ips)),
		rss ? sprintf("%.1f", rss / 1024) : "-"
	return ips
}
BEGIN {
	split(aot1, a1); split(aot2, a2); split(jit, j); split(jit1, j1); split(npm, n); split(build, bd)
	npm_ips = NN / (n[1] / 1000)
	printf "\naslc Map benchmark  (%s, %d CPUs, node %s)\n", host, cpus, node
	printf "One Map state over %s items (digits 1..9, %s bytes of input); per item a Choice and one of\n", commas(N), commas(bytes)
	printf "two Pass states (2 transitions).  All outputs checked equal, as parsed JSON, to the expected one%s.\n",
		NN == N ? " and to each other" : ""
	if (NN != N)
		printf "NOTE: aws-local-stepfunctions ran on %s items (NPM_ITEMS), not %s; items/s is compared.\n", commas(NN), commas(N)
	printf "Medians of %d runs (npm: %d runs).\n\n", reps, nreps
	printf "%-32s %-36s %8s %9s %12s %10s %9s\n", "engine", "timed span", "items", "median ms", "items/s", "vs npm", "peak MiB"
	r1 = row("AOT executable, --threads 1", "whole process", N, a1[1], a1[3])
	r2 = row("AOT executable, --threads 2", "whole process", N, a2[1], a2[3])
	row("aslc run (JIT), --threads 2", "whole process, incl. libtcc compile", N, j[1], j[3])
	row("aslc run (JIT), --threads 2", "minus a 1-item run (" j1[1] " ms)", N - 1, j[1] - j1[1], 0)
	row("aws-local-stepfunctions " ver, "sm.run() to result, in-process", NN, n[1], nrss)
	printf "\nTarget: AOT at --threads 1 >= 100x the npm items/s: %s (%sx).\n",
		(r1 / npm_ips >= 100 ? "met" : "MISSED"), commas(r1 / npm_ips + 0.5)
	printf "AOT --threads 2 vs --threads 1: %.2fx.\n", r2 / r1
	printf "Peak RSS (ru_maxrss) of the AOT executable: %.1f MiB at --threads 1, %.1f MiB at --threads 2;\n", a1[3] / 1024, a2[3] / 1024
	printf "the npm engine'"'"'s Node process: %.0f MiB.  AOT build of the machine (aslc -o, cc -O2): %.0f ms.\n", nrss / 1024, bd[1]
}'
