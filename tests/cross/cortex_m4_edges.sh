#!/usr/bin/env bash
# tests/cross/cortex_m4_edges.sh ASLC M4_DIR: tools/cross/cortex-m4.sh at the edges, each
# compared with the host executable where it has an answer: an input that is not JSON (exit 2,
# nothing on stdout), a Fail state ({"Error","Cause"}, exit 1), an hour's Wait (skipped to at
# once), buffers too small for the input (exit 2) and for the execution (States.Runtime, out of
# memory, exit 1), an input over AWS's 256 KiB limit (exit 2, as the host), an input nested
# deeper than the default stack allows (refused with exit 2, never a fault) and one at that
# limit (the same output as the host's, its stack peak inside the stack), Parallels nested
# deeper than the stack holds (a fault, exit 70, never a silent overflow into the buffer), and
# a temporary folder with a long name. Exit 77 (ctest's skip) without the toolchain.
set -uo pipefail
aslc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export ASLC=$aslc ASLC_M4_DIR=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
m4=$root/tools/cross/cortex-m4.sh
for tool in arm-none-eabi-gcc qemu-system-arm; do
	if ! command -v "$tool" >/dev/null; then
		echo "cortex_m4_edges: SKIPPED, $tool is not installed (tools/cross/setup-arm.sh)"
		exit 77
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# runs MACHINE INPUT on the device; sets out, err, rc
device() {
	out=$("$m4" "$1" "$2" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}
# the same on the host; sets host_out, host_rc
host() {
	"$aslc" "$1" -o "$tmp/host" || exit 1
	host_out=$("$tmp/host" <"$2" 2>/dev/null)
	host_rc=$?
}
same_as_host() {
	host "$1" "$2"
	device "$1" "$2"
	[ "$out" = "$host_out" ] && [ "$rc" -eq "$host_rc" ] ||
		fail "$3: device exit $rc '${out:0:200}', host exit $host_rc '${host_out:0:200}'"
}

cat >"$tmp/fail.asl.json" <<'JSON'
{"StartAt": "Wait", "States": {
  "Wait": {"Type": "Wait", "Seconds": 3600, "Next": "Check"},
  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Done"}],
            "Default": "Broken"},
  "Broken": {"Type": "Fail", "Error": "Edge.Broken", "Cause": "not ok"},
  "Done": {"Type": "Succeed"}}}
JSON
echo '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}' >"$tmp/pass.asl.json"
echo '{"ok": false}' >"$tmp/not_ok.json"
echo '{"ok": true}' >"$tmp/ok.json"
echo '{"ok": tru' >"$tmp/bad.json"

start=$(date +%s)
device "$tmp/fail.asl.json" "$tmp/ok.json"
[ "$out" = '{"ok":true}' ] && [ "$rc" -eq 0 ] || fail "an hour's Wait: exit $rc '$out' ($err)"
[ $(($(date +%s) - start)) -lt 60 ] || fail "the Wait was waited"
device "$tmp/fail.asl.json" "$tmp/not_ok.json"
[ "$out" = '{"Error":"Edge.Broken","Cause":"not ok"}' ] && [ "$rc" -eq 1 ] ||
	fail "a Fail state: exit $rc '$out'"
[[ $err == *flash=*ram=* ]] || fail "no flash/ram line on stderr: $err"
device "$tmp/fail.asl.json" "$tmp/bad.json"
[ -z "$out" ] && [ "$rc" -eq 2 ] && [[ $err == *"invalid input JSON at line 1, column"* ]] ||
	fail "input that is not JSON: exit $rc '$out' ($err)"

# too small for the input, then for the execution
ASLC_M4_BUFFER=1024 device "$root/examples/telemetry-summary/definition.asl.json" \
	"$root/examples/telemetry-summary/input.json"
[ "$rc" -eq 2 ] && [ -z "$out" ] && [[ $err == *"the input does not fit the buffer"* ]] ||
	fail "a 1 KiB buffer: exit $rc '$out' ($err)"
ASLC_M4_BUFFER=4096 device "$root/examples/telemetry-summary/definition.asl.json" \
	"$root/examples/telemetry-summary/input.json"
[ "$rc" -eq 1 ] && [ "$out" = '{"Error":"States.Runtime","Cause":"The execution ran out of memory."}' ] ||
	fail "a 4 KiB buffer: exit $rc '$out' ($err)"

# 40 levels: more than the 16 a 4608-byte stack allows
python3 -c 'print("[" * 40 + "]" * 40)' >"$tmp/deep.json"
device "$tmp/fail.asl.json" "$tmp/deep.json"
[ "$rc" -eq 2 ] && [ -z "$out" ] || fail "40 levels of nesting: exit $rc '$out' ($err)"

# 16 levels, the most it allows: they fit, with stack to spare (painted and measured), and the
# output is the host's
python3 -c 'print("[" * 16 + "]" * 16)' >"$tmp/deep16.json"
same_as_host "$tmp/pass.asl.json" "$tmp/deep16.json" "16 levels of nesting"
peak=$(echo "$err" | sed -n 's/.* stack=\([0-9]*\) of \([0-9]*\).*/\1 \2/p')
[ "$rc" -eq 0 ] && [ -n "$peak" ] && [ "${peak% *}" -lt "${peak#* }" ] ||
	fail "16 levels of nesting: exit $rc, stack $peak ($err)"

# numbers that take the parser's exact (bignum) path, at the deepest level: they fit too, and
# nothing mallocs (newlib's strtod did, for these)
python3 -c 'print("[" * 15 + "[0.30000000000000004, 1." + "3" * 800 + "e-300, 2.4703282292062328e-324, 1e999]" + "]" * 15)' >"$tmp/long16.json"
same_as_host "$tmp/pass.asl.json" "$tmp/long16.json" "long numbers 16 levels deep"
peak=$(echo "$err" | sed -n 's/.* stack=\([0-9]*\) of \([0-9]*\).*/\1 \2/p')
[ "$rc" -eq 0 ] && [ -n "$peak" ] && [ "${peak% *}" -lt "${peak#* }" ] &&
	[[ $err != *"malloc"* ]] || fail "long numbers 16 levels deep: exit $rc, stack $peak ($err)"

# AWS's input limit, with a buffer that would hold it: refused as the host refuses it; one
# trailing newline is not counted
python3 -c 'print("[" + "1," * 131099 + "1]")' >"$tmp/big.json"
ASLC_M4_BUFFER=600000 same_as_host "$tmp/pass.asl.json" "$tmp/big.json" "an input over 256 KiB"
[ "$rc" -eq 2 ] && [[ $err == *"larger than AWS's limit of 262144 bytes"* ]] ||
	fail "an input over 256 KiB: exit $rc ($err)"
python3 -c 'import sys; sys.stdout.write("\"" + "a" * 262142 + "\"\n")' >"$tmp/limit.json"
ASLC_M4_BUFFER=2000000 same_as_host "$tmp/pass.asl.json" "$tmp/limit.json" "an input of 256 KiB"

# Parallels nested deeper than the 4608-byte stack holds (each level takes about 1.1 KB): the
# overflow runs off the start of RAM and faults, never silently into the buffer below
python3 - "$tmp/par.asl.json" <<'PY'
import json, sys
m = {"StartAt": "L", "States": {"L": {"Type": "Pass", "End": True}}}
for n in range(1, 5):
	m = {"StartAt": "P%d" % n, "States": {"P%d" % n: {"Type": "Parallel", "Branches": [m], "End": True}}}
json.dump(m, open(sys.argv[1], "w"))
PY
device "$tmp/par.asl.json" "$tmp/ok.json"
[ "$rc" -eq 70 ] && [[ $err == *"stack overflow"* || $err == *"stack's peak reached"* ]] ||
	fail "4 nested Parallels on a 4608-byte stack: exit $rc '$out' ($err)"
ASLC_M4_STACK=8192 same_as_host "$tmp/par.asl.json" "$tmp/ok.json" "4 nested Parallels, 8 KiB of stack"

# a temporary folder with a long name (and a space): the device's command line still fits
long="$tmp/a folder with a long name to hold the device's files, longer than any before it"
mkdir -p "$long"
TMPDIR=$long same_as_host "$root/examples/sensor-alerts/definition.asl.json" \
	"$root/examples/sensor-alerts/input.json" "a 100-character TMPDIR"

# and were anything to pull newlib's malloc in, cortex-m4.sh says so (the suite then fails)
ASLC_M4_CFLAGS="-Wl,--undefined=malloc" device "$root/examples/sensor-alerts/definition.asl.json" \
	"$root/examples/sensor-alerts/input.json"
[[ $err == *"the C library's malloc is linked: "*"malloc"* ]] ||
	fail "a firmware with malloc linked in: no word of it ($err)"

same_as_host "$root/examples/order-routing/definition.asl.json" \
	"$root/examples/order-routing/input.json" "order-routing"

[ "$failures" -eq 0 ] || exit 1
echo "cortex_m4_edges: ok"
