#!/usr/bin/env bash
# The core's number parsing (runtime/core/number_parse.c, which replaced strtod) against glibc's
# strtod on typical JSON numbers and a few that take its exact path: ns per number, the median
# of REPS alternating runs of both in this one process, and the ratio (strtod / ours: above 1,
# ours is faster). See bench/README.md.
# Usage, from the repo root: bash bench/number_parse.sh   (env: REPS=7 CC=cc)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${BUILD:-$PWD/build-bench}/bench/number_parse
mkdir -p "$out"
"${CC:-cc}" -O2 -Iruntime/core -o "$out/number_parse" bench/number_parse.c runtime/core/number_parse.c
typical="12.99 0.1 1e-7 3.14159 6.02214076e23 123456.789"
# 17 digits (what %.17g prints), an integer past 2^53, a long mantissa, near the underflow
exact="0.30000000000000004 9007199254740993 3.141592653589793238462643383279 2.2250738585072011e-308"
echo "number text, ns asl__parse_number, ns glibc strtod, strtod/ours  ($(uname -m), ${REPS:-7} runs)"
"$out/number_parse" "${REPS:-7}" $typical $exact | awk '{ printf "  %-34s %7s %7s %6sx\n", $1, $2, $3, $4 }'
