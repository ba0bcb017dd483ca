#!/usr/bin/env bash
# The generated C must compile without a single warning (-Wall -Wextra) under gcc and tcc, for
# every machine we have: our own, the examples and, when present, the conformance corpus. gcc
# also gets -pedantic: the C must be strictly conforming C11 (no string literal over 4095
# characters, see tests/machines/long_strings).
set -uo pipefail
aslc=$1 include=$2; shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checked=0 failed=0
for dir in "$@"; do
  [ -d "$dir" ] || continue
  while IFS= read -r def; do
    "$aslc" --emit-c "$def" -o "$work/m.c" 2>/dev/null || continue  # unsupported: not emitted
    checked=$((checked + 1))
    if ! gcc -std=c11 -pedantic -Wall -Wextra -Werror -I"$include" -c "$work/m.c" -o "$work/g.o" 2>"$work/err" ||
       ! tcc -Wall -Werror -I"$include" -c "$work/m.c" -o "$work/t.o" 2>>"$work/err"; then
      failed=$((failed + 1))
      echo "FAIL $def"; head -5 "$work/err"
    fi
  done < <(find "$dir" -name definition.asl.json | sort)
done
echo "$((checked - failed)) passed, $failed failed"
[ "$checked" -gt 0 ] && [ "$failed" -eq 0 ]
