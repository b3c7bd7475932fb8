#!/usr/bin/env bash
# Make another Debian release's coccinelle runnable here, for the tests.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: tests/spatch-from-suite.sh SUITE

Unpacks the coccinelle package of Debian SUITE (bullseye: 1.1.0, trixie: 1.3.0,
...) with that suite's C library and the other shared libraries its Depends
names into the cache (never installed), writes a `spatch` wrapper that runs it
through that suite's own loader, and prints the directory holding the wrapper
(put it first on PATH). Cached under
${XDG_CACHE_HOME:-~/.cache}/ovpn-backports/spatch/SUITE-VERSION.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") usage >&2; exit 2 ;; esac
[ $# -eq 1 ] || { usage >&2; exit 2; }
suite="$1"

top=$(cd "$(dirname "$0")/.." && pwd)
fetch="$top/devel/apt-fetch.sh"
ver=$("$fetch" --print-version "coccinelle/$suite" | cut -d' ' -f2)
dir="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports/spatch/$suite-$ver"
if [ -x "$dir/bin/spatch" ]; then
	echo "$dir/bin"
	exit 0
fi

tmp="$dir.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"
deb=$("$fetch" --unpack "$tmp" "coccinelle=$ver")
# Shared libraries it links (the OCaml ones are built in): lib*N, libc6 among them.
mapfile -t libs < <(dpkg-deb -f "$deb" Depends | tr ',' '\n' |
	sed -E 's/^ *//; s/[ :].*//' | grep -E '^lib.*[0-9]$' | grep -v ocaml || true)
"$fetch" --unpack "$tmp" "${libs[@]/%//$suite}" >/dev/null
mkdir -p "$tmp/bin"
cat > "$tmp/bin/spatch" <<'WRAP'
#!/bin/sh
# coccinelle of another Debian release, through that release's loader and libraries
d=$(dirname "$(dirname "$(readlink -f "$0")")")
COCCINELLE_HOME="$d/usr/lib/coccinelle"
export COCCINELLE_HOME
# before the /usr merge (bullseye) the C library lives in /lib
ld="$d/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
[ -e "$ld" ] || ld="$d/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
exec "$ld" --library-path "$d/lib/x86_64-linux-gnu:$d/usr/lib/x86_64-linux-gnu" \
	"$d/usr/bin/spatch" "$@"
WRAP
chmod +x "$tmp/bin/spatch"
"$tmp/bin/spatch" --version >/dev/null ||
	{ echo "spatch-from-suite: coccinelle $ver of $suite does not run here" >&2; exit 1; }
rm -rf "$dir"
mv "$tmp" "$dir"
echo "$dir/bin"
