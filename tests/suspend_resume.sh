#!/usr/bin/env bash
# --suspend-after, --snapshot and --resume end to end, in an AOT executable and `aslc run`:
# suspended at every state boundary and resumed, or suspended again and again, the execution
# ends with the output of a run never suspended; exit status 4 and nothing on stdout while
# suspended; a bad snapshot or misused options give one line and exit 2; a snapshot that
# cannot be written leaves nothing behind.
set -uo pipefail
aslc=$1
machine=$2 # tests/embed/snapshots.asl.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

"$aslc" "$machine" -o "$work/machine" || { echo "FAIL cannot compile $machine"; exit 1; }
input='{"case":"nested","items":[2,1]}'
expected=$("$aslc" run "$machine" --wait-scale 0 --input "$input")

for backend in aot jit; do
  if [ "$backend" = aot ]; then run=("$work/machine"); else run=("$aslc" run "$machine"); fi
  # suspended after N states and resumed to the end, for every N until it finishes first
  suspended=0
  for n in $(seq 1 30); do
    out=$("${run[@]}" --wait-scale 0 --input "$input" --suspend-after "$n" \
      --snapshot "$work/s.bin" 2>"$work/err"); rc=$?
    if [ "$rc" != 4 ]; then
      [ "$rc" = 0 ] && [ "$out" = "$expected" ] && ok || bad "$backend n=$n unsuspended: $rc $out"
      break
    fi
    suspended=$((suspended + 1))
    [ -z "$out" ] && grep -q "suspended after $n states.*$work/s.bin" "$work/err" && ok ||
      bad "$backend n=$n: stdout '$out', stderr $(cat "$work/err")"
    out=$("${run[@]}" --wait-scale 0 --resume "$work/s.bin" 2>"$work/err"); rc=$?
    [ "$rc" = 0 ] && [ "$out" = "$expected" ] && ok ||
      bad "$backend resumed after $n: $rc $out $(cat "$work/err")"
  done
  [ "$suspended" -ge 6 ] && ok || bad "$backend suspended only $suspended times"

  # suspended after every single state, resumed each time from the last snapshot
  "${run[@]}" --wait-scale 0 --input "$input" --suspend-after 1 --snapshot "$work/c.bin" \
    2>/dev/null; rc=$? steps=0
  while [ "$rc" = 4 ] && [ "$steps" -lt 50 ]; do
    out=$("${run[@]}" --wait-scale 0 --resume "$work/c.bin" --suspend-after 1 \
      --snapshot "$work/c.bin" 2>/dev/null); rc=$?
    steps=$((steps + 1))
  done
  [ "$rc" = 0 ] && [ "$out" = "$expected" ] && [ "$steps" -ge 6 ] && ok ||
    bad "$backend chained: $rc after $steps resumes: $out"

  # bad snapshots and options: one line on stderr, exit 2
  "${run[@]}" --wait-scale 0 --input "$input" --suspend-after 2 --snapshot "$work/s.bin" 2>/dev/null
  head -c 30 "$work/s.bin" > "$work/cut.bin"
  for args in "--resume $work/cut.bin" "--resume $work/missing.bin" "--resume $work/s.bin --input {}" \
    "--suspend-after 2" "--snapshot $work/x.bin" "--suspend-after 0 --snapshot $work/x.bin" \
    "--suspend-after -1 --snapshot $work/x.bin"; do
    # shellcheck disable=SC2086
    out=$("${run[@]}" $args < /dev/null 2>"$work/err"); rc=$?
    [ "$rc" = 2 ] && [ -z "$out" ] && [ "$(wc -l < "$work/err")" = 1 ] && ok ||
      bad "$backend $args: $rc '$out' $(cat "$work/err")"
  done
  grep -q "truncated or corrupt" <(
    "${run[@]}" --resume "$work/cut.bin" 2>&1) && ok || bad "$backend: no word of corruption"

  # a snapshot of another definition is refused, naming both hashes
  printf '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}' > "$work/other.asl.json"
  err=$("$aslc" run "$work/other.asl.json" --resume "$work/s.bin" 2>&1); rc=$?
  [ "$rc" = 2 ] && [ "$(grep -o '[0-9a-f]\{64\}' <<< "$err" | sort -u | wc -l)" = 2 ] && ok ||
    bad "$backend other definition: $rc $err"

  # a snapshot that cannot be written (its name is a directory's): nothing left behind
  mkdir -p "$work/w/s.bin/inside"
  "${run[@]}" --wait-scale 0 --input "$input" --suspend-after 1 --snapshot "$work/w/s.bin" \
    2>"$work/err"; rc=$?
  [ "$rc" != 0 ] && [ "$rc" != 2 ] && grep -q "cannot write $work/w/s.bin" "$work/err" && ok ||
    bad "$backend unwritable: $rc $(cat "$work/err")"
  [ "$(ls "$work/w")" = s.bin ] && [ -d "$work/w/s.bin/inside" ] && ok ||
    bad "$backend unwritable: left $(ls "$work/w")"
done

echo "suspend_resume: $passed passed, $failed failed"
[ "$failed" = 0 ]
