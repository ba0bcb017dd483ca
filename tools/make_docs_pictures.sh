#!/usr/bin/env bash
# Regenerates the README's picture with the project's own commands: runs the order-processing
# example (its charge fails once, is retried, then succeeds) with --history, then draws the
# definition's graph with that history overlaid as a PNG (`aslc graph --format png`, through
# graphviz's dot). The PNG is committed; keep it small (the check below: under 150 KB).
# usage: tools/make_docs_pictures.sh [ASLC [OUTDIR]]   (defaults: build/bin/aslc, docs)
# exit: 0 written; 1 a step failed; 3 dot is missing (aslc graph's own exit code)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
aslc=$(realpath "${1:-$root/build/bin/aslc}")
out=$(realpath -m "${2:-$root/docs}")
max_bytes=153600
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$out"

example=$root/examples/order-processing
# the example's tasks.json runs ./reserve-stock.sh: relative to the example's folder
(cd "$example" && "$aslc" run definition.asl.json --tasks tasks.json --link handlers.c \
	--wait-scale 0 --history "$scratch/history.json" <input.json >"$scratch/output.json")
png=$out/graph-order-processing.png
rc=0
"$aslc" graph "$example/definition.asl.json" --history "$scratch/history.json" --format png \
	-o "$png" || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
size=$(stat -c %s "$png")
if [ "$size" -ge "$max_bytes" ]; then
	echo "make_docs_pictures: $png is $size bytes, over $max_bytes" >&2
	exit 1
fi
echo "$png ($size bytes)"
