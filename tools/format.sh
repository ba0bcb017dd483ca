#!/usr/bin/env bash
# Rewrites every C file (but the generated goldens) with clang-format and .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files '*.c' '*.h' | grep -v '^tests/golden/' | xargs clang-format -i
