#!/usr/bin/env bash
# Unit tests of the semantic patches: for every patches/NAME.cocci, apply it to
# tests/cocci/NAME.c and compare with tests/cocci/NAME.res (the coccinelle
# test convention, as "spatch --test" does). Prints TAP.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: tests/cocci/run.sh [NAME...]

Runs the unit test of each semantic patch (default: all in patches/series).
A semantic patch without a test fails. Needs spatch (coccinelle).
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
command -v spatch >/dev/null || { echo "Bail out! spatch not found (apt-get install coccinelle)"; exit 1; }

if [ $# -gt 0 ]; then
	names=("$@")
else
	mapfile -t names < <(sed -n 's/^\([^#][^ ]*\)\.cocci.*/\1/p' "$top/patches/series")
fi
echo "1..${#names[@]}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
for name in "${names[@]}"; do
	n=$((n + 1))
	c="$here/$name.c" res="$here/$name.res" sp="$top/patches/$name.cocci"
	if ! [ -f "$c" ] || ! [ -f "$res" ]; then
		echo "not ok $n - $name: no test ($name.c and $name.res)"
		fail=$((fail + 1))
		continue
	fi
	cp "$c" "$tmp/$name.c"
	if ! (cd "$tmp" && spatch --very-quiet --no-show-diff --in-place --sp-file "$sp" "$name.c") \
		>"$tmp/log" 2>&1; then
		echo "not ok $n - $name: spatch failed"
		sed 's/^/# /' "$tmp/log"
		fail=$((fail + 1))
	elif ! diff -u "$res" "$tmp/$name.c" >"$tmp/diff"; then
		echo "not ok $n - $name: result differs from $name.res"
		sed 's/^/# /' "$tmp/diff"
		fail=$((fail + 1))
	else
		echo "ok $n - $name"
	fi
done
echo "# cocci: $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
