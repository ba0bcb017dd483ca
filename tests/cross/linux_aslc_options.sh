#!/usr/bin/env bash
# `aslc -o` for another target, on the host: --runtime DIR (an installed runtime) supplies the
# headers, libaslrt.a and aslrt.link, and a DIR missing one of them is named in a diagnostic
# (exit 2) before any compiler runs; --ldflags ($ASLC_LDFLAGS when absent) comes last on the
# link line, every word of it. A stand-in compiler records the command line it is given.
# Usage: linux_aslc_options.sh ASLC BUILD_DIR EXAMPLES_DIR
set -uo pipefail
aslc=$1 build=$2 examples=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
def=$examples/order-routing/definition.asl.json
input=$examples/order-routing/input.json
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# A runtime installed in a prefix, as a cross-built one would be (the host's, so it runs here).
cmake --install "$build" --prefix "$tmp/rt" >/dev/null || { echo "cmake --install failed"; exit 1; }
if "$aslc" "$def" -o "$tmp/m" --runtime "$tmp/rt" && [ "$("$tmp/m" <"$input")" = "$("$aslc" run "$def" <"$input")" ]; then
	ok
else
	fail "a machine built with --runtime of an installed runtime does not run as aslc run does"
fi

# A --runtime directory without one of its files: exit 2, one line naming the file, and no
# compiler output (the check comes first).
for gone in include/asl/abi.h lib/libaslrt.a lib/aslrt.link; do
	rm -rf "$tmp/partial" && cp -r "$tmp/rt" "$tmp/partial" && rm "$tmp/partial/$gone"
	"$aslc" "$def" -o "$tmp/m2" --runtime "$tmp/partial" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ] || ! grep -q "^aslc: --runtime $tmp/partial: $tmp/partial/$gone is missing" "$tmp/err" ||
		[ "$(wc -l <"$tmp/err")" -ne 1 ] || [ -e "$tmp/m2" ]; then
		fail "--runtime without $gone: exit $rc, stderr: $(cat "$tmp/err")"
	else
		ok
	fi
done
"$aslc" "$def" -o "$tmp/m2" --runtime "$tmp/none" 2>"$tmp/err"
rc=$?
grep -q "$tmp/none/include/asl/abi.h is missing" "$tmp/err" && [ $rc -eq 2 ] && ok ||
	fail "--runtime of a directory that does not exist: exit $rc, stderr: $(cat "$tmp/err")"
ASLC_LIB_DIR=$tmp/none "$aslc" "$def" -o "$tmp/m2" 2>"$tmp/err"
rc=$?
grep -q "^aslc: the runtime is incomplete: $tmp/none/libaslrt.a is missing (\$ASLC_LIB_DIR)" "$tmp/err" &&
	[ $rc -eq 2 ] && ok || fail "\$ASLC_LIB_DIR without libaslrt.a: exit $rc, stderr: $(cat "$tmp/err")"

# $ASLC_LIB_DIR of a runtime without aslrt.link: exit 2 naming it, not a link with the host's
# libraries (that runtime may be built without nettle or for another target); with it, a
# machine that runs.
rm -rf "$tmp/nolink" && cp -r "$tmp/rt" "$tmp/nolink" && rm "$tmp/nolink/lib/aslrt.link"
ASLC_LIB_DIR=$tmp/nolink/lib "$aslc" "$def" -o "$tmp/m2" 2>"$tmp/err"
rc=$?
grep -q "^aslc: the runtime is incomplete: $tmp/nolink/lib/aslrt.link is missing (\$ASLC_LIB_DIR)" "$tmp/err" &&
	[ $rc -eq 2 ] && [ ! -e "$tmp/m2" ] && ok ||
	fail "\$ASLC_LIB_DIR without aslrt.link: exit $rc, stderr: $(cat "$tmp/err")"
if ASLC_LIB_DIR=$tmp/rt/lib "$aslc" "$def" -o "$tmp/m2" && [ "$("$tmp/m2" <"$input")" = "$("$aslc" run "$def" <"$input")" ]; then
	ok
else
	fail "a machine built with \$ASLC_LIB_DIR of an installed runtime does not run as aslc run does"
fi

# The stand-in compiler: one argument a line in $tmp/args, exit 0.
cat >"$tmp/cc" <<EOF
#!/bin/sh
printf '%s\n' "\$@" > "$tmp/args"
EOF
chmod +x "$tmp/cc"
printf -- '-lfirst -Wl,--target-only\n' >"$tmp/rt/lib/aslrt.link"
last_words() { tail -n "$1" "$tmp/args" | tr '\n' ' '; }

# --ldflags last, all eleven words of it (a firmware link's), after the runtime's aslrt.link.
ld="-T board.ld --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections -u _printf_float -lc -lnosys -lm -Wl,-Map=m.map"
"$aslc" "$def" -o "$tmp/m3" --cc "$tmp/cc" --runtime "$tmp/rt" --ldflags "$ld" || fail "stand-in compiler run failed"
want="-L$tmp/rt/lib -laslrt -lfirst -Wl,--target-only $ld "
n=$(echo "$want" | wc -w)
[ "$(last_words "$n")" = "$want" ] && ok || fail "link line ends with '$(last_words "$n")', expected '$want'"
grep -qx -- "-I$tmp/rt/include" "$tmp/args" && ok || fail "no -I$tmp/rt/include in: $(cat "$tmp/args")"

# $ASLC_LDFLAGS when there is no --ldflags; --ldflags wins over it.
ASLC_LDFLAGS="-static -s" "$aslc" "$def" -o "$tmp/m3" --cc "$tmp/cc" --runtime "$tmp/rt" || fail "stand-in compiler run failed"
[ "$(last_words 4)" = "-lfirst -Wl,--target-only -static -s " ] && ok ||
	fail "\$ASLC_LDFLAGS: link line ends with '$(last_words 4)'"
ASLC_LDFLAGS="-static" "$aslc" "$def" -o "$tmp/m3" --cc "$tmp/cc" --runtime "$tmp/rt" --ldflags "-pie" || fail "stand-in compiler run failed"
[ "$(last_words 2)" = "-Wl,--target-only -pie " ] && ! grep -qx -- -static "$tmp/args" && ok ||
	fail "--ldflags with \$ASLC_LDFLAGS set: link line ends with '$(last_words 2)'"

# --cflags of many words reach the compiler whole, before the runtime's -I.
cf="-Os -g0 -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -DA=1 -DB=2 -DC=3 -DD=4 -DE=5"
"$aslc" "$def" -o "$tmp/m3" --cc "$tmp/cc" --runtime "$tmp/rt" --cflags "$cf" || fail "stand-in compiler run failed"
[ "$(sed -n 1,10p "$tmp/args" | tr '\n' ' ')" = "$cf " ] && ok || fail "cflags: $(head -12 "$tmp/args" | tr '\n' ' ')"

# A real link: --ldflags reaches the linker (an unknown linker option fails the build).
"$aslc" "$def" -o "$tmp/m4" --ldflags "-Wl,--no-such-linker-option" 2>"$tmp/err"
rc=$?
[ $rc -ne 0 ] && grep -q "no-such-linker-option" "$tmp/err" && ok ||
	fail "--ldflags -Wl,--no-such-linker-option did not reach the linker (exit $rc)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
