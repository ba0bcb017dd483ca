#!/usr/bin/env bash
# The cost of the step API: the counting loop's transitions/s in this tree's build against a
# base build of the blocking implementation (BASE, default d69d380), both built and measured in
# this one run, alternating base and new; and, when valgrind is installed, callgrind's
# instruction counts (independent of the machine's load). See bench/README.md.
# Usage, from the repo root: bash bench/step.sh   (env: REPS=9 K=6 BASE=d69d380 BUILD=build-bench)
set -euo pipefail
shopt -s inherit_errexit # so failures inside $(...) stop the script too
cd "$(dirname "$0")/.."
ROOT=$PWD B=$PWD/bench BUILD=${BUILD:-$PWD/build-bench}
W=$BUILD/bench/step BASE=${BASE:-d69d380} REPS=${REPS:-9} K=${K:-6}
BASE_SRC=$W/base-src BASE_BUILD=$W/base-build
BASE_REV=$(git rev-parse --short "$BASE^{commit}")

# build SRC DIR: aslc in DIR, Release, as bench/run.sh builds it
build() {
	{ cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
		cmake --build "$2" -j2 --target aslc; } >"$W/build.log" 2>&1 ||
		{ cat "$W/build.log" >&2; exit 1; }
}
echo "== building aslc ($BUILD) and the base $BASE_REV ($BASE_BUILD)" >&2
mkdir -p "$W"
build "$ROOT" "$BUILD"
if [ "$(cat "$BASE_SRC/.rev" 2>/dev/null)" != "$BASE_REV" ]; then
	rm -rf "$BASE_SRC" "$BASE_BUILD" && mkdir -p "$BASE_SRC"
	git archive "$BASE_REV" | tar -x -C "$BASE_SRC" # no worktree to register or remove
	echo "$BASE_REV" >"$BASE_SRC/.rev"
fi
build "$BASE_SRC" "$BASE_BUILD"
NEW=$BUILD/bin/aslc OLD=$BASE_BUILD/bin/aslc

gen() { node "$B/gen.mjs" "$@"; }
# run OUT CMD...: "wall_ms cpu_ms" of CMD (bash's time: CPU is user + system, which a busy
# machine disturbs much less than the wall clock), its stdout to OUT; fails if CMD fails
TIMEFORMAT='%3R %3U %3S'
run() {
	local out=$1 t
	shift
	t=$({ time "$@" >"$out" 2>/dev/null; } 2>&1)
	awk '{ printf "%.1f %.1f\n", $1 * 1000, ($2 + $3) * 1000 }' <<<"$t"
}
# median COLUMN FILE: the median of a column
median() { cut -d' ' -f"$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

M=$W/counter-$K.asl.json IN=$(gen input "$K" 0) T=$(gen transitions "$K")
gen counter "$K" >"$M"
"$OLD" "$M" -o "$W/base" && "$NEW" "$M" -o "$W/new"

echo "== 10^$K iterations = $T transitions, base and new alternating (REPS=$REPS)" >&2
for f in aot-base aot-new jit-base jit-new; do : >"$W/$f.ms"; done
run /dev/null "$W/base" --input "$IN" >/dev/null && run /dev/null "$W/new" --input "$IN" >/dev/null
for _ in $(seq "$REPS"); do
	run "$W/aot-base.json" "$W/base" --input "$IN" >>"$W/aot-base.ms"
	run "$W/aot-new.json" "$W/new" --input "$IN" >>"$W/aot-new.ms"
	run "$W/jit-base.json" "$OLD" run "$M" --input "$IN" >>"$W/jit-base.ms"
	run "$W/jit-new.json" "$NEW" run "$M" --input "$IN" >>"$W/jit-new.ms"
done
gen check "$K" "$W/aot-base.json" "$W/aot-new.json" "$W/jit-base.json" "$W/jit-new.json"

# instructions of one AOT run of the 10^5 loop under callgrind, when valgrind is installed
ir_base=- ir_new=- T5=$(gen transitions 5)
if command -v valgrind >/dev/null; then
	echo "== callgrind: instructions of the 10^5 loop, AOT" >&2
	gen counter 5 >"$W/counter-5.asl.json"
	"$OLD" "$W/counter-5.asl.json" -o "$W/base5" && "$NEW" "$W/counter-5.asl.json" -o "$W/new5"
	ir() {
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" --input "$(gen input 5 0)" \
			2>&1 >/dev/null | sed -n 's/.*refs: *//p' | tr -d ,
	}
	ir_base=$(ir "$W/base5") ir_new=$(ir "$W/new5")
fi

# "wall cpu" medians of one engine
pair() { echo "$(median 1 "$W/$1.ms") $(median 2 "$W/$1.ms")"; }
awk -v K="$K" -v T="$T" -v T5="$T5" -v rev="$BASE_REV" -v head="$(git rev-parse --short HEAD)" \
	-v ab="$(pair aot-base)" -v an="$(pair aot-new)" -v jb="$(pair jit-base)" -v jn="$(pair jit-new)" \
	-v irb="$ir_base" -v irn="$ir_new" -v reps="$REPS" \
	-v host="$(uname -srm)" -v cpus="$(nproc)" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
function row(name, bs, ns,   b, n, r) {
	split(bs, b); split(ns, n); r = b[2] / n[2]
	printf "%-30s %12.0f %12.0f %9.3f %9.3f  %s\n", name, T / (b[2] / 1000), T / (n[2] / 1000),
		r, b[1] / n[1], (r >= 0.9 ? "within 10%" : "MORE THAN 10% SLOWER")
}
BEGIN {
	printf "\naslc step API benchmark  (%s, %d CPUs, load %s)\n", host, cpus, load
	printf "Counting loop, 10^%d iterations = %d transitions; base %s (blocking), new %s;\n", K, T, rev, head
	printf "medians of %d runs each, base and new alternating, whole processes; outputs checked.\n\n", reps
	printf "%-30s %12s %12s %9s %9s\n", "engine", "base tr/cpu-s", "new tr/cpu-s", "new/base", "wall"
	row("AOT executable", ab, an)
	row("aslc run (JIT), with compile", jb, jn)
	if (irb == "-")
		printf "\ncallgrind: valgrind is not installed\n"
	else
		printf "\ncallgrind, AOT 10^5 loop: base %.1f, new %.1f instructions per transition (new/base %.3f)\n",
			irb / T5, irn / T5, irn / irb
}'
