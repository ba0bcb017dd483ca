#!/usr/bin/env bash
# Invalid definitions: `aslc --check` must exit 2 and print every expected diagnostic (each line
# of NAME.expected must appear in stderr, which reads file:line:col: error: ...).
set -uo pipefail
aslc=$1 dir=$2
passed=0 failed=0
for def in "$dir"/*.asl.json; do
  name=${def%.asl.json}
  err=$("$aslc" --check "$def" 2>&1 >/dev/null)
  rc=$?
  ok=1
  [ $rc -eq 2 ] || { echo "FAIL $name: exit $rc, expected 2"; ok=0; }
  while IFS= read -r want; do
    [ -z "$want" ] && continue
    grep -qF -- "$want" <<<"$err" || { echo "FAIL $name: missing diagnostic: $want"; ok=0; }
  done < "$name.expected"
  grep -qE '^[^:]+:[0-9]+:[0-9]+: error: ' <<<"$err" || { echo "FAIL $name: no file:line:col"; ok=0; }
  if [ $ok -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "$err" | head -5; fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
