#!/usr/bin/env bash
# `cmake --install` must give a working aslc: it finds its runtime next to itself, for native
# builds and for the JIT, and pkg-config finds the runtime library.
set -euo pipefail
build=$1 examples=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
def=$examples/order-routing/definition.asl.json
input=$examples/order-routing/input.json
"$prefix/bin/aslc" "$def" -o "$prefix/order-routing"
native=$("$prefix/order-routing" < "$input")
jit=$("$prefix/bin/aslc" run "$def" < "$input")
[ "$native" = "$jit" ] || { echo "native and JIT outputs differ"; exit 1; }
echo "$native" | grep -q '"lane":"priority"' || { echo "unexpected output: $native"; exit 1; }
PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --libs aslrt | grep -q -- "-laslrt"
echo "1 passed, 0 failed"
