#!/usr/bin/env bash
# The static x86-64 executable of the 10-state example (examples/telemetry-summary), built as
# the README says (tools/cross/linux.sh, target x86_64-linux-musl): statically linked (no
# INTERP program header, no dynamic section), stripped, at most 200 KB (200,000 bytes), and it
# runs as the host's executable does (same stdout, same exit status); an HTTP binding fails
# cleanly (no libcurl). Also an aarch64 executable linked -static with glibc (for boards with an
# older glibc) runs without the target's libraries. linux.sh configures a runtime again when
# its cache is older than its toolchain file. The other examples' static sizes are printed for
# the record.
# Exit 77 (skipped) without musl-gcc.
# Usage: linux_static.sh ASLC CROSS_DIR EXAMPLES_DIR
set -uo pipefail
aslc=$1 cross_dir=$2 examples=$3
limit=200000
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v musl-gcc >/dev/null || ! command -v readelf >/dev/null; then
	echo "linux_static: musl-gcc or readelf not installed (tools/cross/setup-linux.sh): SKIPPED (exit 77)"
	exit 77
fi
aslc=$(realpath "$aslc") cross_dir=$(realpath -m "$cross_dir") examples=$(realpath "$examples")
export ASLC=$aslc ASLC_CROSS_DIR=$cross_dir
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then passed=$((passed + 1)); else
		echo "FAIL: $what"
		failed=$((failed + 1))
	fi
}

# The commands of README.md's "Linux boards and static executables".
(cd "$tmp" && "$root/tools/cross/linux.sh" build x86_64-linux-musl \
	"$examples/telemetry-summary/definition.asl.json" -o telemetry-summary) ||
	{ echo "FAIL: the static executable does not build"; exit 1; }
exe=$tmp/telemetry-summary
size=$(stat -c %s "$exe")
echo "linux_static: telemetry-summary (10 states): $size bytes static, stripped (limit $limit)"
size -A "$exe" | awk '$2 ~ /^[0-9]+$/ && $2 > 1024 && $1 != "Total" { printf "  %-20s %8d\n", $1, $2 }'
check "no INTERP program header (not static)" bash -c "! readelf -lW '$exe' | grep -q INTERP"
check "no dynamic section (not static)" bash -c "readelf -dW '$exe' | grep -q 'no dynamic section'"
check "a symbol table is left (not stripped)" bash -c "! readelf -sW '$exe' | grep -q '.symtab'"
check "$size bytes, more than $limit" test "$size" -le "$limit"

"$aslc" "$examples/telemetry-summary/definition.asl.json" -o "$tmp/host"
want=$("$tmp/host" <"$examples/telemetry-summary/input.json")
want_rc=$?
got=$("$exe" <"$examples/telemetry-summary/input.json")
got_rc=$?
check "static output '$got' (exit $got_rc), host '$want' (exit $want_rc)" \
	test "$got" = "$want" -a "$got_rc" = "$want_rc"
# a failing execution and bad input too: same error JSON and exit status
for input in '{"readings": 5}' '{"readings": [1,'; do
	want=$("$tmp/host" --input "$input" 2>/dev/null)
	want_rc=$?
	got=$("$exe" --input "$input" 2>/dev/null)
	got_rc=$?
	check "input $input: static '$got' (exit $got_rc), host '$want' (exit $want_rc)" \
		test "$got" = "$want" -a "$got_rc" = "$want_rc"
done

# No libcurl in a cross runtime: an HTTP binding fails the Task with a cause that says so.
echo '{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "notify", "End": true}}}' \
	>"$tmp/http.asl.json"
"$root/tools/cross/linux.sh" build x86_64-linux-musl "$tmp/http.asl.json" -o "$tmp/http" \
	--task notify=http://127.0.0.1:9/notify
got=$("$tmp/http" </dev/null)
got_rc=$?
check "HTTP binding without curl: exit $got_rc, $got" test "$got_rc" = 1 -a "$got" = \
	'{"Error":"States.TaskFailed","Cause":"The request to http://127.0.0.1:9/notify failed: this runtime was built without HTTP support (ASLC_WITH_CURL=OFF)"}'

# A board with an older glibc than the cross toolchain's: --ldflags -static, threads and exec:
# tasks included (order-processing), run with no -L (nothing of the target's libc needed).
if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; then
	d=$examples/order-processing
	"$root/tools/cross/linux.sh" build aarch64-linux-gnu "$d/definition.asl.json" -o "$tmp/op" \
		--link "$d/handlers.c" --tasks "$d/tasks.json" --ldflags -static
	"$aslc" "$d/definition.asl.json" -o "$tmp/op-host" --link "$d/handlers.c" --tasks "$d/tasks.json"
	want=$(cd "$d" && "$tmp/op-host" <input.json)
	got=$(cd "$d" && qemu-aarch64 "$tmp/op" <input.json)
	check "aarch64 glibc -static: '$got', host '$want'" test -n "$got" -a "$got" = "$want"
	check "aarch64 glibc -static: not static" bash -c "! readelf -lW '$tmp/op' | grep -q INTERP"
fi

# --cflags and --ldflags given to linux.sh add to the target's: a machine linked with
# --ldflags -lm is still static and stripped. A stand-in aslc shows both whole.
if "$root/tools/cross/linux.sh" build x86_64-linux-musl "$examples/telemetry-summary/definition.asl.json" \
	-o "$tmp/with-lm" --ldflags -lm --cflags -DASLC_TEST_FLAG; then
	check "--ldflags -lm: not static" bash -c "! readelf -lW '$tmp/with-lm' | grep -q INTERP"
	check "--ldflags -lm: not stripped" bash -c "! readelf -sW '$tmp/with-lm' | grep -q '.symtab'"
else
	check "linux.sh build x86_64-linux-musl ... --ldflags -lm --cflags -DASLC_TEST_FLAG" false
fi
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s"\n' "$tmp/args" >"$tmp/fake-aslc"
chmod +x "$tmp/fake-aslc"
ASLC=$tmp/fake-aslc "$root/tools/cross/linux.sh" build x86_64-linux-musl m.asl.json -o m \
	--ldflags "-lfoo -lbar" --cflags -O0 --tasks t.json
want="--cc musl-gcc --runtime $cross_dir/x86_64-linux-musl/prefix --cflags \
-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -O0 --ldflags \
-static -s -Wl,--gc-sections -lfoo -lbar m.asl.json -o m --tasks t.json"
got=$(tr '\n' ' ' <"$tmp/args" 2>/dev/null)
check "aslc given: '$got', expected '$want'" test "$got" = "$want "

# A runtime configured before its toolchain file last changed is configured again, not only
# rebuilt: the cache's CMAKE_C_FLAGS (set from the toolchain file's flags on a first configure
# only) would keep the old ones. A build folder of its own, its cache made to look older than
# cmake/musl.cmake and to hold other flags.
cross2=$tmp/cross-reconfigure
if ASLC_CROSS_DIR=$cross2 "$root/tools/cross/linux.sh" runtime x86_64-linux-musl >/dev/null; then
	cache=$cross2/x86_64-linux-musl/CMakeCache.txt
	sed -i 's/^CMAKE_C_FLAGS:STRING=.*/CMAKE_C_FLAGS:STRING=-DASLC_STALE_FLAGS/' "$cache"
	touch -d @0 "$cache" "$cross2/x86_64-linux-musl/prefix/built"
	ASLC_CROSS_DIR=$cross2 "$root/tools/cross/linux.sh" build x86_64-linux-musl \
		"$examples/telemetry-summary/definition.asl.json" -o "$tmp/reconfigured" >/dev/null
	check "a cache older than cmake/musl.cmake was kept: $(grep '^CMAKE_C_FLAGS:' "$cache")" \
		grep -qx -- "CMAKE_C_FLAGS:STRING=-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables" "$cache"
else
	check "linux.sh runtime x86_64-linux-musl in $cross2" false
fi

# The other examples, for the record (order-processing with its C handlers and exec: task).
for d in "$examples"/*/; do
	name=$(basename "$d")
	[ -f "$d/definition.asl.json" ] && [ "$name" != telemetry-summary ] || continue
	links=()
	[ -f "$d/handlers.c" ] && links=(--link "$d/handlers.c")
	[ -f "$d/tasks.json" ] && links+=(--tasks "$d/tasks.json")
	if "$root/tools/cross/linux.sh" build x86_64-linux-musl "$d/definition.asl.json" \
		-o "$tmp/$name" "${links[@]}" 2>"$tmp/err"; then
		echo "linux_static: $name: $(stat -c %s "$tmp/$name") bytes static, stripped"
	else
		check "$name does not build static: $(tail -1 "$tmp/err")" false
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
