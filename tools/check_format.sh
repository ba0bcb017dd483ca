#!/usr/bin/env bash
# Fails when a C file differs from what clang-format makes of it with the project's
# .clang-format (tools/format.sh rewrites them). Generated goldens are left as aslc writes them.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
	echo "check_format: SKIPPED, clang-format is not installed (tools/setup.sh installs it)"
	exit 0
fi
mapfile -t files < <(git ls-files '*.c' '*.h' | grep -v '^tests/golden/')
report=$(mktemp)
trap 'rm -f "$report"' EXIT
if ! clang-format --dry-run --Werror "${files[@]}" 2>"$report"; then
	# the places that differ, or clang-format's own complaint when it names none
	{ grep -o '^[^:]*:[0-9]*' "$report" || cat "$report"; } | sort -u | head -20
	echo "check_format: the files above are not formatted; run tools/format.sh"
	exit 1
fi
echo "check_format: ${#files[@]} files formatted"
