#!/usr/bin/env bash
# tools/make_docs_pictures.sh still makes the README's picture: run into a scratch folder, it
# must write a PNG under the size limit; the committed docs/ picture must be there and small.
# usage: tests/docs_pictures.sh ASLC   (77: graphviz's dot is missing)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v dot >/dev/null; then
	echo "SKIPPED: graphviz's dot is missing (apt-get install graphviz)"
	exit 77
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$root/tools/make_docs_pictures.sh" "$1" "$scratch"
for png in "$scratch/graph-order-processing.png" "$root/docs/graph-order-processing.png"; do
	[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || {
		echo "FAIL: $png is not a PNG" >&2
		exit 1
	}
	[ "$(stat -c %s "$png")" -lt 153600 ] || {
		echo "FAIL: $png is 150 KB or more" >&2
		exit 1
	}
done
echo "docs pictures: ok"
