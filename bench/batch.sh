#!/usr/bin/env bash
# Batch mode benchmark: executions/s for 10,000 inputs of a 5-state machine that reshapes its
# input (examples/batch/reshape.asl.json), all measured in this one run and printed as ratios:
# `--batch` of the AOT executable and of `aslc run` (JIT) against one process per execution
# (xargs, one at a time and one per CPU), the npm interpreter's CLI (local-sfn of
# aws-local-stepfunctions, reading the same NDJSON on stdin, each execution's output on a line
# of its own) and `jq -c` doing the same
# reshaping. Every tool's outputs are checked equal first. See bench/README.md.
# Usage, from the repo root: bash bench/batch.sh   (env: REPS=5 N=10000 BUILD=build-bench)
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
ROOT=$PWD B=$PWD/bench BUILD=${BUILD:-$PWD/build-bench}
W=$BUILD/bench/batch REPS=${REPS:-5} N=${N:-10000}
mkdir -p "$W"

echo "== building aslc ($BUILD), the timing helper and the npm baseline" >&2
{ cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
	cmake --build "$BUILD" -j2 --target aslc; } >"$W/build.log" 2>&1 ||
	{ cat "$W/build.log" >&2; exit 1; }
ASLC=$BUILD/bin/aslc
"${CC:-cc}" -O2 -o "$W/runit" "$B/runit.c"
[ -d "$B/npm/node_modules/aws-local-stepfunctions" ] ||
	(cd "$B/npm" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
SFN=$B/npm/node_modules/aws-local-stepfunctions/bin/CLI.cjs
command -v jq >/dev/null || { echo "batch.sh: needs jq (apt install jq)" >&2; exit 1; }

M=$ROOT/examples/batch/reshape.asl.json
"$ASLC" "$M" -o "$W/reshape"
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++)
	printf "{\"id\":%d,\"first\":\"Ada%d\",\"last\":\"Lovelace\",\"items\":[%d,%d,%d]}\n", i, i, i % 9, 2, 3 }' >"$W/in.ndjson"
# the same reshaping as the machine's five states
JQ='if (.items | length) > 0 then {order: .id, customer: "\(.first) \(.last)", first: .items[0],
	total: (.items[0] + (.items | length))} else error("EmptyOrder") end'
CPUS=$(nproc)

# time NAME CMD: the median wall ms of REPS runs (after a warm-up) of `sh -c CMD` with stdin
# in.ndjson, stdout $W/NAME.out
time_it() {
	local name=$1 reps=${3:-$REPS}; shift
	"$W/runit" -i "$W/in.ndjson" "$W/$name.out" sh -c "$1" >/dev/null
	for _ in $(seq "$reps"); do
		"$W/runit" -i "$W/in.ndjson" "$W/$name.out" sh -c "$1" | cut -d' ' -f1
	done | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

echo "== timing $N executions (REPS=$REPS)" >&2
aot=$(time_it aot "'$W/reshape' --batch 2>/dev/null")
aot1=$(time_it aot1 "'$W/reshape' --batch -j 1 2>/dev/null")
jit=$(time_it jit "'$ASLC' run '$M' --batch 2>/dev/null")
jq_ms=$(time_it jq "jq -c '$JQ'")
npm=$(time_it npm "node '$SFN' -f '$M'" 1)
proc=$(time_it proc "xargs -d '\n' -n 1 '$W/reshape' --input" 1)
procp=$(time_it procp "xargs -d '\n' -n 1 -P $CPUS '$W/reshape' --input" 1)

echo "== checking that every tool gave the same $N outputs" >&2
# local-sfn prints each output with console.log (util.inspect's form, not JSON): read it back
node -e 'for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n"))
	if (l) console.log(JSON.stringify((0, eval)("(" + l + ")")))' "$W/npm.out" >"$W/npm.json.out"
python3 - "$W" "$N" <<'PY'
import json, sys
w, n = sys.argv[1], int(sys.argv[2])
def plain(name):
    with open("%s/%s.out" % (w, name)) as f:
        return [json.loads(x) for x in f]
batch = plain("aot")
assert [b["line"] for b in batch] == list(range(1, n + 1)), "aot: line numbers"
assert all(b["status"] == "SUCCEEDED" for b in batch), "aot: statuses"
want = [b["output"] for b in batch]
for name in ("aot1", "jit"):
    assert [b["output"] for b in plain(name)] == want, name
for name in ("jq", "npm.json", "proc"):
    assert plain(name) == want, name
assert sorted(map(json.dumps, plain("procp"))) == sorted(map(json.dumps, want)), "procp"
PY

awk -v n="$N" -v aot="$aot" -v aot1="$aot1" -v jit="$jit" -v jq="$jq_ms" -v npm="$npm" \
	-v proc="$proc" -v procp="$procp" -v cpus="$CPUS" -v host="$(uname -srm)" \
	-v node="$(node --version)" -v jqv="$(jq --version)" '
function rate(ms) { return n / (ms / 1000) }
function row(name, ms) {
	printf "%-48s %9.0f %12.0f %10.1fx %10.1fx %8.2fx\n", name, ms, rate(ms), rate(aot) / rate(ms),
		rate(ms) / rate(npm), rate(ms) / rate(jq)
}
BEGIN {
	printf "\naslc batch benchmark (%s, %d CPUs, node %s, %s)\n", host, cpus, node, jqv
	printf "%d inputs of examples/batch/reshape.asl.json (5 states), whole processes timed, median of runs;\n", n
	printf "all outputs checked equal. Columns: how many times faster --batch (AOT, default -j) is; this\n"
	printf "engine against the npm CLI and against jq\n\n"
	printf "%-48s %9s %12s %11s %11s %9s\n", "engine", "ms", "exec/s", "batch is", "vs npm", "vs jq"
	row("./machine --batch (AOT, -j " cpus ")", aot)
	row("./machine --batch -j 1 (AOT)", aot1)
	row("aslc run --batch (JIT, compile included)", jit)
	row("jq -c (same reshaping)", jq)
	row("local-sfn (aws-local-stepfunctions CLI)", npm)
	row("one process per execution (xargs -n 1)", proc)
	row("one process per execution (xargs -P " cpus ")", procp)
	printf "\nTargets: --batch >= 50x one process per execution: %.0fx %s; >= 100x the npm CLI: %.0fx %s;",
		rate(aot) / rate(proc), (rate(aot) / rate(proc) >= 50 ? "met" : "MISSED"),
		rate(aot) / rate(npm), (rate(aot) / rate(npm) >= 100 ? "met" : "MISSED")
	printf " faster than jq: %.1fx %s\n", rate(aot) / rate(jq), (aot < jq ? "met" : "MISSED")
}'
