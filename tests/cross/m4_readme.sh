#!/usr/bin/env bash
# tests/cross/m4_readme.sh ASLC README: runs the shell blocks of README's "Cortex-M, bare metal"
# section as written (the runtime built with the toolchain file and installed, the board's
# objects, aslc -o for the target, qemu), in a folder of its own that links to the checkout's
# source folders, and checks the output file against the host executable's output. Exit 77 (ctest's
# skip) without the toolchain.
set -euo pipefail
aslc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
readme=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
for tool in arm-none-eabi-gcc qemu-system-arm; do
	if ! command -v "$tool" >/dev/null; then
		echo "m4_readme: SKIPPED, $tool is not installed (tools/cross/setup-arm.sh)"
		exit 77
	fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# only the sources, linked: what the commands write (build-m4/, m4-runtime/, *.o, machine.elf,
# output.json) lands in $work, never through a link in the checkout, and a build-m4 the user
# configured there is not reused
for f in CMakeLists.txt cmake include runtime tools examples; do
	ln -s "$root/$f" "$work/$f"
done
# the ```sh blocks from the section's heading to the next heading
awk '/^### Cortex-M, bare metal/ { on = 1; next } on && /^##/ { exit }
	on && /^```sh/ { code = 1; next } on && /^```/ { code = 0; next } code { print }' \
	"$readme" >"$work/blocks.sh"
[ "$(grep -c 'cmake --install' "$work/blocks.sh")" -ge 1 ] && grep -q qemu-system-arm "$work/blocks.sh" || {
	echo "m4_readme: FAILED, the README's Cortex-M blocks were not found"
	exit 1
}
# the blocks name the host's aslc build/bin/aslc, as a reader's checkout has it (not on PATH)
if grep -Eq '(^|[;&|(] *)aslc ' "$work/blocks.sh"; then
	echo "m4_readme: FAILED, a block runs 'aslc' from PATH instead of build/bin/aslc"
	exit 1
fi
mkdir -p "$work/build/bin"
ln -s "$aslc" "$work/build/bin/aslc"
status=0
(cd "$work" && bash -e blocks.sh) >"$work/log" 2>&1 || status=$?
"$aslc" "$root/examples/order-routing/definition.asl.json" -o "$work/host"
expected=$("$work/host" <"$root/examples/order-routing/input.json")
if [ "$status" -ne 0 ] || [ "$(cat "$work/output.json" 2>/dev/null)" != "$expected" ]; then
	tail -20 "$work/log"
	echo "m4_readme: FAILED (exit $status): the README's commands did not print '$expected'"
	exit 1
fi
for f in build-m4 m4-runtime machine.elf output.json messages.txt; do
	if [ -L "$work/$f" ]; then
		echo "m4_readme: FAILED, $f was written through a link into the checkout"
		exit 1
	fi
done
echo "m4_readme: ok, the README's Cortex-M commands run ($(grep -c . "$work/blocks.sh") lines)"
