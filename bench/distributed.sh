#!/usr/bin/env bash
# Distributed Map over a 1,000,000-line JSONL file (ItemReader on local files, ResultWriter to
# files): items per second at 1 and 2 threads, and peak RSS against the peak RSS of the same
# machine over 1,000 lines, to show memory does not grow with the item count.
# Usage, from the repo root: bash bench/distributed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD BUILD=$PWD/build-bench W=$PWD/build-bench/distributed
mkdir -p "$W/s3/data"
{ cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
	cmake --build "$BUILD" -j2 --target aslc; } >"$W/build.log" 2>&1 ||
	{ cat "$W/build.log" >&2; exit 1; }
"${CC:-cc}" -O2 -o "$W/runit" bench/runit.c
for n in 1000 1000000; do
	[ -f "$W/s3/data/items-$n.jsonl" ] ||
		awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) printf "{\"id\":%d,\"v\":%d}\n", i, i % 7 }' \
			>"$W/s3/data/items-$n.jsonl"
done
cat >"$W/map.asl.json" <<'JSON'
{"StartAt":"M","States":{"M":{"Type":"Map",
 "ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL"},
   "Parameters":{"Bucket":"data","Key.$":"$.key"}},
 "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"C","States":{
   "C":{"Type":"Choice","Choices":[{"Variable":"$.v","NumericGreaterThan":3,"Next":"Big"}],"Default":"Small"},
   "Big":{"Type":"Pass","Result":"big","End":true},"Small":{"Type":"Pass","Result":"small","End":true}}},
 "ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"bench"}},
 "End":true}}}
JSON
"$BUILD/bin/aslc" "$W/map.asl.json" -o "$W/map"
measure() { # items threads -> "wall_ms rss_kib"
	"$W/runit" /dev/null "$W/map" --s3-root "$W/s3" --threads "$2" --input "{\"key\":\"items-$1.jsonl\"}"
}
read -r small_ms small_rss <<<"$(measure 1000 1)"
printf '%-34s %12s %12s %10s\n' "run" "items/s" "peak RSS" "RSS ratio"
for t in 1 2; do
	read -r ms rss <<<"$(measure 1000000 $t)"
	awk -v t="$t" -v ms="$ms" -v rss="$rss" -v base="$small_rss" 'BEGIN {
		printf "%-34s %12.0f %9d KiB %9.2fx\n", "1,000,000 lines, --threads " t,
			1000000 * 1000 / ms, rss, rss / base }'
done
printf '%-34s %12s %9d KiB %9.2fx\n' "1,000 lines (memory baseline)" "-" "$small_rss" 1
lines=$(grep -o '"Status":"SUCCEEDED"' "$W/s3/out/bench/local-execution/SUCCEEDED_0.json" | wc -l)
[ "$lines" = 1000000 ] || { echo "expected 1000000 results, found $lines" >&2; exit 1; }
