#!/usr/bin/env bash
# Fails when a test run left files in its scratch folder (the TMPDIR tools/test.sh gives it):
# tests must clean up after themselves, or a long CI run fills the disk.
set -euo pipefail
scratch=$1
left=$(find "$scratch" -mindepth 1 -maxdepth 1 | sort)
if [ -n "$left" ]; then
	echo "FAIL: tests left files in $scratch:" >&2
	du -sh $left >&2
	exit 1
fi
rmdir "$scratch"
