#!/usr/bin/env bash
# Installs those of the given Debian packages that are not installed yet (with sudo unless
# root): tools/setup.sh and the cross tools' setup scripts share it.
# usage: tools/install_missing.sh LABEL [--no-recommends] PACKAGE...
set -euo pipefail
label=$1
shift
apt_options=()
if [ "${1:-}" = --no-recommends ]; then
	apt_options+=(--no-install-recommends)
	shift
fi
missing=()
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0
echo "$label: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${apt_options[@]}" "${missing[@]}" \
	>/dev/null
