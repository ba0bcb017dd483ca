#!/usr/bin/env bash
# aslc Task benchmark: the cost of one Task state per binding kind (c:, exec:, http://) in the
# AOT executable, against the same loop with a Pass state instead, all measured in this run.
# See bench/README.md.  Usage, from the repo root: bash bench/tasks.sh
# (env: REPS=5 PASS_N=1000000 C_N=1000000 EXEC_N=500 HTTP_N=2000 BUILD=build-bench)
set -euo pipefail
shopt -s inherit_errexit # so failures inside $(...) stop the script too
cd "$(dirname "$0")/.."
ROOT=$PWD B=$PWD/bench BUILD=${BUILD:-$PWD/build-bench}
W=$BUILD/bench/tasks
REPS=${REPS:-5}
PASS_N=${PASS_N:-1000000} C_N=${C_N:-1000000} EXEC_N=${EXEC_N:-500} HTTP_N=${HTTP_N:-2000}

echo "== building aslc ($BUILD) and the timing helper" >&2
mkdir -p "$W"
{ cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
	cmake --build "$BUILD" -j2 --target aslc; } >"$W/build.log" 2>&1 ||
	{ cat "$W/build.log" >&2; exit 1; }
ASLC=$BUILD/bin/aslc
"${CC:-cc}" -O2 -o "$W/runit" "$B/runit.c"

gen() { node "$B/gen.mjs" "$@"; }
run() { "$W/runit" "$@"; } # run OUT CMD...: prints "wall_ms peak_rss_kib"
stats() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[1] }'; }
# timed N OUT CMD...: one warm-up run, then "median min" wall ms of N runs
timed() {
	local n=$1; shift
	run "$@" >/dev/null
	for _ in $(seq "$n"); do run "$@"; done | cut -d' ' -f1 | stats
}
RES=bench:echo # the Resource of gen.mjs's taskloop (TASK_RESOURCE)

echo "== compiling the loops in $W" >&2
gen taskloop pass >"$W/pass.asl.json"
gen taskloop task >"$W/task.asl.json"
"$ASLC" "$W/pass.asl.json" -o "$W/loop-pass"
"$ASLC" "$W/task.asl.json" -o "$W/loop-c" --task "$RES=c:bench_echo" --link "$B/handlers.c"
"$ASLC" "$W/task.asl.json" -o "$W/loop-exec" --task "$RES=exec:cat"

# The echo server answers exactly the requests the http runs make (warm-up included), then
# exits; it also exits after 30 s without a request.  The trap stops it if this script fails.
HTTP_TOTAL=$(((REPS + 1) * HTTP_N))
rm -f "$W/port"
python3 "$B/echo_server.py" --max-requests "$HTTP_TOTAL" --idle 30 --port-file "$W/port" \
	2>"$W/server.log" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
[ -s "$W/port" ] || { echo "echo server did not start" >&2; cat "$W/server.log" >&2; exit 1; }
URL=http://127.0.0.1:$(cat "$W/port")/
"$ASLC" "$W/task.asl.json" -o "$W/loop-http" --task "$RES=$URL"

loopin() { printf '{"i":0,"n":%d}' "$1"; }
echo "== Pass baseline: $PASS_N iterations (REPS=$REPS)" >&2
pass=$(timed "$REPS" "$W/pass.json" "$W/loop-pass" --input "$(loopin "$PASS_N")")
gen loopcheck "$PASS_N" "$W/pass.json"
echo "== c:bench_echo: $C_N calls" >&2
cfn=$(timed "$REPS" "$W/c.json" "$W/loop-c" --input "$(loopin "$C_N")")
gen loopcheck "$C_N" "$W/c.json"
echo "== exec:cat: $EXEC_N calls" >&2
exe=$(timed "$REPS" "$W/exec.json" "$W/loop-exec" --input "$(loopin "$EXEC_N")")
gen loopcheck "$EXEC_N" "$W/exec.json"
echo "== $URL (bench/echo_server.py): $HTTP_N calls" >&2
http=$(timed "$REPS" "$W/http.json" "$W/loop-http" --input "$(loopin "$HTTP_N")")
gen loopcheck "$HTTP_N" "$W/http.json"
wait "$SERVER" || true
trap - EXIT
served=$(grep -o 'served [0-9]*' "$W/server.log" | cut -d' ' -f2)
[ "$served" = "$HTTP_TOTAL" ] ||
	{ echo "echo server served ${served:-?} requests, expected $HTTP_TOTAL" >&2; exit 1; }

awk -v pass="$pass" -v cfn="$cfn" -v exe="$exe" -v http="$http" \
	-v PN="$PASS_N" -v CN="$C_N" -v EN="$EXEC_N" -v HN="$HTTP_N" -v reps="$REPS" \
	-v host="$(uname -srm)" -v cpus="$(nproc)" -v py="$(python3 --version 2>&1)" '
function commas(x,   s, r) {
	for (s = sprintf("%d", x); length(s) > 3; s = substr(s, 1, length(s) - 3))
		r = "," substr(s, length(s) - 2) r
	return s r
}
# a ratio: "13,450x", "10.8x", "0.59x", or "1/22,800" below 0.1
function ratio(r) {
	return r >= 100 ? commas(r + 0.5) "x" : r >= 0.1 ? sprintf("%.3gx", r) : "1/" commas(1 / r + 0.5)
}
function rate(name,   t) { split(med[name], t); return n[name] / (t[1] / 1000) }
function row(name, label, binding,   r, us, over) {
	r = rate(name); us = 1e6 / r; over = us - 1e6 / rate("pass")
	printf "%-12s %-26s %10s %10.1f %13s %10.2f %11s %12s\n", label, binding, commas(n[name]),
		ms[name], commas(r), us, ratio(r / rate("pass")),
		name == "pass" ? "-" : sprintf("%.2f", over)
}
BEGIN {
	n["pass"] = PN; n["c"] = CN; n["exec"] = EN; n["http"] = HN
	med["pass"] = pass; med["c"] = cfn; med["exec"] = exe; med["http"] = http
	for (k in med) { split(med[k], t); ms[k] = t[1] }
	printf "\naslc Task benchmark  (%s, %d CPUs; AOT executables, whole process timed, median of %d runs)\n", host, cpus, reps
	printf "Loop: Work (the Task, or a Pass for the baseline) -> Inc (Pass, States.MathAdd) -> Loop (Choice);\n"
	printf "3 transitions per iteration, one call per iteration; every output checked to be {\"i\":N,\"n\":N}.\n\n"
	printf "%-12s %-26s %10s %10s %13s %10s %11s %12s\n", "Work state", "binding", "iterations",
		"median ms", "iterations/s", "us/iter", "vs Pass", "+us per call"
	row("pass", "Pass", "(baseline)")
	row("c", "Task c:", "c:bench_echo (handlers.c)")
	row("exec", "Task exec:", "exec:cat")
	row("http", "Task http:", "POST to echo_server.py")
	printf "\nPass baseline: %s transitions/s.  \"+us per call\" = us/iter minus the Pass baseline us/iter.\n",
		commas((3 * PN + 1) / (ms["pass"] / 1000))
	printf "\nRatios between the bindings (calls/s of the row / calls/s of the column):\n"
	printf "%-10s %12s %12s %12s\n", "", "c:", "exec:", "http:"
	split("c exec http", kinds); split("c: exec: http:", labels)
	for (i = 1; i <= 3; i++) {
		printf "%-10s", labels[i]
		for (j = 1; j <= 3; j++) printf " %12s", ratio(rate(kinds[i]) / rate(kinds[j]))
		printf "\n"
	}
	printf "\nhttp: the server is single-threaded %s (http.server); aslc opens one connection per call.\n", py
}'
