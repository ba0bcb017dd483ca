#!/usr/bin/env bash
# aslc parser benchmark: CPU time per MiB of asl_parse on adversarial JSON texts of 10 KB,
# 100 KB and 1 MB, and the ratio of the 1 MB cost per MiB to the 10 KB one (about 1 when
# parsing is linear; a quadratic parser's ratio is about 100).  See bench/README.md.
# Usage, from the repo root: bash bench/parse.sh   (env: BUILD=build-bench)
set -euo pipefail
shopt -s inherit_errexit # so failures inside $(...) stop the script too
cd "$(dirname "$0")/.."
ROOT=$PWD B=$PWD/bench BUILD=${BUILD:-$PWD/build-bench}
W=$BUILD/bench/parse

echo "== building the runtime ($BUILD) and the timing helper" >&2
mkdir -p "$W"
{ cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
	cmake --build "$BUILD" -j2 --target aslrt; } >"$W/build.log" 2>&1 ||
	{ cat "$W/build.log" >&2; exit 1; }
"${CC:-cc}" -O2 -I"$ROOT/include" -o "$W/parse" "$B/parse.c" "$BUILD/lib/libaslrt.a" \
	-lnettle -lm -lpthread

# kind and whether the parser must accept it
KINDS="quote-brackets:rejected deep-arrays:accepted deep-objects:accepted long-string:accepted
small-tokens:accepted many-keys:accepted same-key:accepted"
SIZES="10240 102400 1048576"
: >"$W/results"
for entry in $KINDS; do
	kind=${entry%%:*} want=${entry#*:}
	echo "== $kind" >&2
	for size in $SIZES; do
		read -r bytes ms_per_mib got runs <<<"$("$W/parse" "$kind" "$size")"
		[ "$got" = "$want" ] || { echo "$kind ($size bytes): $got, expected $want" >&2; exit 1; }
		echo "$kind $size $bytes $ms_per_mib $got $runs" >>"$W/results"
	done
done

awk -v host="$(uname -srm)" -v cpus="$(nproc)" '
{ kind[NR] = $1; ms[$1, $2] = $4; bytes[$1, $2] = $3; verdict[$1] = $5; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
END {
	printf "\naslc parser benchmark  (%s, %d CPUs)\n", host, cpus
	printf "CPU ms per MiB of asl_parse (median of repeated parses) on texts of about 10 KB, 100 KB\n"
	printf "and 1 MB; ratio = the 1 MB figure / the 10 KB figure (1.0: linear, ~100: quadratic).\n\n"
	printf "%-16s %-9s %12s %12s %12s %8s\n", "input", "outcome", "10 KB", "100 KB", "1 MB", "ratio"
	worst = 0
	for (i = 1; i <= n; i++) {
		k = order[i]; a = ms[k, 10240]; b = ms[k, 102400]; c = ms[k, 1048576]
		r = a > 0.001 ? c / a : 1
		if (r > worst) worst = r
		printf "%-16s %-9s %12.2f %12.2f %12.2f %7.2fx\n", k, verdict[k], a, b, c, r
	}
	printf "\ninputs: quote-brackets = [[[]],... then 1\" and nested brackets (rejected at 1\", half-way);\n"
	printf "deep-arrays / deep-objects = values nested %d deep (the limit), over and over;\n", 511
	printf "long-string = one string of ASCII, UTF-8 and escapes; small-tokens = [1,1,[],{},...];\n"
	printf "many-keys = one object of distinct keys; same-key = one key repeated (the last wins).\n"
	printf "Worst ratio: %.2fx (%s).\n", worst, worst < 2 ? "flat: linear" : "NOT FLAT"
}' "$W/results"
