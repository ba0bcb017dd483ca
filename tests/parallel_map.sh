#!/usr/bin/env bash
# Parallel and Map end to end: results in order whatever finishes first, a failing branch
# stops a slow sibling at once (its command killed), MaxConcurrency observed through a task
# that records how many copies of itself run, tolerated failures, one thread, objects as items.
set -uo pipefail
# The state letter of a process (R, S, Z...) from /proc, empty when it is gone.
process_state() { sed -n 's/^[0-9]* (.*) \([A-Z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null; }
aslc=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

run() { # definition input [options...]: prints output, sets rc
  printf '%s' "$1" > "$work/m.asl.json"
  local input=$2; shift 2
  out=$("$aslc" run "$work/m.asl.json" --input "$input" "$@" 2>"$work/err"); rc=$?
}

# Branch results come back in Branches order even when the first finishes last.
run '{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
  {"StartAt":"Slow","States":{"Slow":{"Type":"Task","Resource":"slow","End":true}}},
  {"StartAt":"Fast","States":{"Fast":{"Type":"Pass","Result":"fast","End":true}}}],"End":true}}}' \
  '{}' --task 'slow=exec:sleep 0.3; echo "\"slow\""' --threads 2
[ "$rc" = 0 ] && [ "$out" = '["slow","fast"]' ] && ok || bad "parallel order: $rc $out"

# The first failure fails the state with its own error and cancels the sibling promptly.
start=$(date +%s%N)
run '{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
  {"StartAt":"Long","States":{"Long":{"Type":"Task","Resource":"long","End":true}}},
  {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"F"},"F":{"Type":"Fail","Error":"Branch.Failed","Cause":"on purpose"}}}],"End":true}}}' \
  '{}' --task "long=exec:echo \$\$ > $work/pid; sleep 30" --threads 2 --wait-scale 0.2
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$rc" = 1 ] && [ "$out" = '{"Error":"Branch.Failed","Cause":"on purpose"}' ] && ok ||
  bad "parallel failure: $rc $out"
[ "$elapsed" -lt 2000 ] && ok || bad "parallel failure took ${elapsed} ms"
state=$(process_state "$(cat "$work/pid")")
[ -z "$state" ] || [ "${state#Z}" != "$state" ] && ok || bad "the slow branch's command survived"

# MaxConcurrency: a task that counts its running copies.
cat > "$work/count.sh" <<'SH'
#!/bin/sh
dir=$1; item=$(cat)
mkdir -p "$dir/running"; touch "$dir/running/$$"
ls "$dir/running" | wc -l >> "$dir/concurrency"
echo "$item" >> "$dir/order"
sleep 0.1; rm "$dir/running/$$"; echo "$item"
SH
chmod +x "$work/count.sh"
map='{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":MAXC,"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"count","End":true}}},"End":true}}}'
for maxc in 2 1; do
  rm -rf "$work/c"; mkdir -p "$work/c"
  run "${map/MAXC/$maxc}" '[0,1,2,3,4,5]' --task "count=exec:$work/count.sh $work/c" --threads 4
  peak=$(sort -n "$work/c/concurrency" | tail -1)
  [ "$rc" = 0 ] && [ "$out" = '[0,1,2,3,4,5]' ] && [ "$peak" -le "$maxc" ] && ok ||
    bad "MaxConcurrency $maxc: rc $rc out $out peak $peak"
done
[ "$(tr '\n' ' ' < "$work/c/order")" = "0 1 2 3 4 5 " ] && ok || bad "MaxConcurrency 1 order"
rm -rf "$work/c"; mkdir -p "$work/c"
run "${map/MAXC/0}" '[0,1,2,3,4,5]' --task "count=exec:$work/count.sh $work/c" --threads 4
peak=$(sort -n "$work/c/concurrency" | tail -1)
[ "$rc" = 0 ] && [ "$peak" -ge 2 ] && ok || bad "MaxConcurrency 0 ran no copies at once ($peak)"

# Tolerated failures: one failing item is tolerated, two are not.
tol='{"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,"ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericLessThan":0,"Next":"F"}],"Default":"OK"},"F":{"Type":"Fail","Error":"Negative"},"OK":{"Type":"Pass","End":true}}},"End":true}}}'
run "$tol" '[1,-1,2]'
[ "$rc" = 0 ] && [ "$out" = '[1,{"Error":"Negative","Cause":null},2]' ] && ok || bad "tolerated: $rc $out"
run "$tol" '[1,-1,-2]'
[ "$rc" = 1 ] && grep -q 'States.ExceedToleratedFailureThreshold' <<<"$out" && ok ||
  bad "beyond tolerance: $rc $out"

# One thread: a Map inside a Parallel inside a Map still finishes (the waiting thread helps).
run '{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"I","States":{"I":{"Type":"Map","ItemsPath":"$.xs","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"End":true}}}],"End":true}}},"End":true}}}' \
  '[{"xs":[1,2]},{"xs":[3]}]' --threads 1
[ "$rc" = 0 ] && [ "$out" = '[[[1,2]],[[3]]]' ] && ok || bad "nested with one thread: $rc $out"

# A JSON object's members as items, with $$.Map.Item.Key.
run '{"StartAt":"M","States":{"M":{"Type":"Map","ItemSelector":{"k.$":"$$.Map.Item.Key","v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"End":true}}}' \
  '{"a":1,"b":2}'
[ "$rc" = 0 ] && [ "$out" = '[{"k":"a","v":1,"i":0},{"k":"b","v":2,"i":1}]' ] && ok || bad "object items: $rc $out"

# Distributed mode on local files: readers, MaxItems, batching, the result writer, errors.
mkdir -p "$work/s3/in"
printf '{"n":1}\n\n{"n":2}\n{"n":3}\n' > "$work/s3/in/items.jsonl"
printf 'a|b\n"x|y"|2\nz|3\n' > "$work/s3/in/items.psv"
printf '[10, 20, 30]' > "$work/s3/in/items.json"
printf '{"not": "an array"}' > "$work/s3/in/object.json"
reader() { # InputType Key [extra ReaderConfig members] [extra Map members]
  echo '{"StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"'"$1"'"'"${3-}"'},"Parameters":{"Bucket":"in","Key":"'"$2"'"}},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}'"${4-}"',"End":true}}}'
}
run "$(reader JSONL items.jsonl ',"MaxItems":2')" '{}' --s3-root "$work/s3"
[ "$rc" = 0 ] && [ "$out" = '[{"n":1},{"n":2}]' ] && ok || bad "JSONL with MaxItems: $rc $out"
run "$(reader CSV items.psv ',"CSVHeaderLocation":"FIRST_ROW","CSVDelimiter":"PIPE"')" '{}' --s3-root "$work/s3"
[ "$rc" = 0 ] && [ "$out" = '[{"a":"x|y","b":"2"},{"a":"z","b":"3"}]' ] && ok || bad "CSV: $rc $out"
run "$(reader CSV items.psv ',"CSVHeaderLocation":"GIVEN","CSVHeaders":["p","p"],"CSVDelimiter":"PIPE"')" '{}' --s3-root "$work/s3"
[ "$rc" = 1 ] && [ "$out" = '{"Error":"States.ItemReaderFailed","Cause":"CSV headers cannot contain duplicates."}' ] && ok || bad "CSV duplicate headers: $rc $out"
run "$(reader JSON object.json '')" '{}' --s3-root "$work/s3"
[ "$rc" = 1 ] && grep -q 'Attempting to map over non-iterable node.' <<<"$out" && ok || bad "JSON object: $rc $out"
run "$(reader JSON missing.json '')" '{}' --s3-root "$work/s3"
[ "$rc" = 1 ] && grep -q 'States.ItemReaderFailed' <<<"$out" && ok || bad "missing object: $rc $out"
run "$(reader JSON items.json '' ',"ItemBatcher":{"MaxInputBytesPerBatch":5,"BatchInput":{"k":1}}')" '{}' --s3-root "$work/s3"
[ "$rc" = 0 ] && [ "$out" = '[{"Items":[10,20],"BatchInput":{"k":1}},{"Items":[30],"BatchInput":{"k":1}}]' ] && ok || bad "batcher by bytes: $rc $out"
run "$(reader JSON items.json '' ',"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"p"}}')" '{}' --s3-root "$work/s3" --name run1
[ "$rc" = 0 ] && grep -q '"Key":"p/run1/manifest.json"' <<<"$out" &&
  grep -q '"SUCCEEDED":\[{"Key":"p/run1/SUCCEEDED_0.json"' "$work/s3/out/p/run1/manifest.json" &&
  [ "$(cat "$work/s3/out/p/run1/SUCCEEDED_0.json")" = '[{"Input":"10","Output":"10","Status":"SUCCEEDED"},{"Input":"20","Output":"20","Status":"SUCCEEDED"},{"Input":"30","Output":"30","Status":"SUCCEEDED"}]' ] &&
  ok || bad "result writer: $rc $out"

# Lines are read up to 1 MiB (far past any item AWS passes on), not grown without end.
{ printf '{"n":1}\n{"s":"'; head -c 2000000 /dev/zero | tr '\0' a; printf '"}\n'; } > "$work/s3/in/long.jsonl"
run "$(reader JSONL long.jsonl '')" '{}' --s3-root "$work/s3"
[ "$rc" = 1 ] && [ "$out" = '{"Error":"States.ItemReaderFailed","Cause":"Line 2 of the object is longer than 1 MiB."}' ] && ok || bad "JSONL line over 1 MiB: $rc $out"
head -c 2000000 /dev/zero | tr '\0' a > "$work/s3/in/long.csv"
run "$(reader CSV long.csv ',"CSVHeaderLocation":"FIRST_ROW"')" '{}' --s3-root "$work/s3"
[ "$rc" = 1 ] && [ "$out" = '{"Error":"States.ItemReaderFailed","Cause":"Line 1 of the object is longer than 1 MiB."}' ] && ok || bad "CSV header over 1 MiB: $rc $out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
