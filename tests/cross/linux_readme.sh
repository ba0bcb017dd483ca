#!/usr/bin/env bash
# The commands of README.md's "Linux boards and static executables" (its two sh blocks), run
# as written, one command at a time, from a folder that looks like the source tree (its files
# linked; `aslc` on the PATH; the second block's machine.asl.json and input.json are
# examples/telemetry-summary's, its /opt/ prefix a folder of the test's): each must exit 0, and
# one that reads an input.json must print what `aslc run` prints for it. Then each cmake/
# toolchain file for these targets, given alone, must configure a runtime that links only
# what the target has. Exit 77 (skipped) without the toolchains.
# Usage: linux_readme.sh ASLC CROSS_DIR README.md
set -uo pipefail
aslc=$1 cross_dir=$2 readme=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
for tool in arm-linux-gnueabihf-gcc aarch64-linux-gnu-gcc qemu-arm qemu-aarch64 musl-gcc; do
	command -v $tool >/dev/null || {
		echo "linux_readme: no $tool (tools/cross/setup-linux.sh installs it): SKIPPED (exit 77)"
		exit 77
	}
done
aslc=$(realpath "$aslc") cross_dir=$(realpath -m "$cross_dir") readme=$(realpath "$readme")
export ASLC=$aslc ASLC_CROSS_DIR=$cross_dir
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$root"/*; do
	case $(basename "$f") in build*) ;; *) ln -s "$f" "$tmp/" ;; esac
done
mkdir "$tmp/bin"
ln -s "$aslc" "$tmp/bin/aslc"
cp "$root/examples/telemetry-summary/definition.asl.json" "$tmp/machine.asl.json"
cp "$root/examples/telemetry-summary/input.json" "$tmp/input.json"
# the sh blocks after the heading, up to the next heading; a line ending in \ goes on
awk '/^### Linux boards and static executables/ { found = 1; next }
	found && /^#/ { exit }
	found && /^```sh/ { inside = 1; next }
	inside && /^```/ { inside = 0; next }
	inside && /\\$/ { sub(/\\$/, ""); printf "%s", $0; next }
	inside { print }' "$readme" | sed "s|/opt/|$tmp/opt/|g" >"$tmp/commands"
[ "$(wc -l <"$tmp/commands")" -ge 10 ] || { echo "FAIL: no sh blocks under the heading in $readme"; exit 1; }
passed=0 failed=0
while IFS= read -r line; do
	out=$(cd "$tmp" && PATH=$tmp/bin:$PATH bash -c "$line" </dev/null 2>"$tmp/err")
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL (exit $rc): $line"
		cat "$tmp/err"
		failed=$((failed + 1))
		continue
	fi
	input=$(echo "$line" | sed -n 's|.*< \([^ ]*input.json\).*|\1|p')
	if [ -n "$input" ]; then
		def=${input%input.json}definition.asl.json
		[ -f "$tmp/$def" ] || def=machine.asl.json # the second block's
		want=$(cd "$tmp" && "$aslc" run "$def" <"$input")
		if [ "$out" != "$want" ]; then
			echo "FAIL: $line printed '$out', aslc run prints '$want'"
			failed=$((failed + 1))
			continue
		fi
	fi
	echo "ok: $line"
	passed=$((passed + 1))
done <"$tmp/commands"

# The toolchain files alone configure a runtime the target can link: without aslc, curl and
# nettle (a nettle found among the host's headers would put -lnettle in aslrt.link).
for tc in "$root"/cmake/{arm-linux-gnueabihf,aarch64-linux-gnu,musl}.cmake; do
	cmake -S "$root" -B "$tmp/tc" -DCMAKE_TOOLCHAIN_FILE="$tc" >"$tmp/err" 2>&1
	rc=$?
	link=$(cat "$tmp/tc/lib/aslrt.link" 2>/dev/null)
	if [ $rc -ne 0 ] || [ "$link" != "-lpthread -lm " ]; then
		echo "FAIL: configuring with only $tc: exit $rc, aslrt.link '$link'"
		tail -5 "$tmp/err"
		failed=$((failed + 1))
	else
		echo "ok: $(basename "$tc") alone: aslrt.link '$link'"
		passed=$((passed + 1))
	fi
	rm -rf "$tmp/tc"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
