#!/usr/bin/env bash
# The load benchmark of `aslc serve` against the npm interpreter behind a small HTTP server
# (bench/npm_service.mjs), measured in the same run; see bench/README.md, "Service".
# Usage, from the repo root: bash bench/serve.sh
#   env: REPS=3 STARTS=5000 CONCURRENT=1000 SYNC=2000 CONNS=16 SYNC_CONNS=8 WAIT_SCALE=0.1 BUILD=build-bench
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
ROOT=$PWD B=$PWD/bench BUILD=${BUILD:-$PWD/build-bench}
W=$BUILD/bench/serve

echo "== building aslc ($BUILD), the load client and the npm baseline" >&2
mkdir -p "$W"
{ cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
	cmake --build "$BUILD" -j2 --target aslc; } >"$W/build.log" 2>&1 ||
	{ cat "$W/build.log" >&2; exit 1; }
"${CC:-cc}" -O2 -pthread -o "$W/serve_load" "$B/serve_load.c"
[ -d "$B/npm/node_modules/aws-local-stepfunctions" ] ||
	(cd "$B/npm" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)

echo "== $(uname -srm), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), node $(node --version)" >&2
python3 "$B/serve_bench.py" --aslc "$BUILD/bin/aslc" --load "$W/serve_load" --work "$W" \
	--starts "${STARTS:-5000}" --concurrent "${CONCURRENT:-1000}" --sync "${SYNC:-2000}" \
	--conns "${CONNS:-16}" --sync-conns "${SYNC_CONNS:-8}" --wait-scale "${WAIT_SCALE:-0.1}" --reps "${REPS:-3}"
