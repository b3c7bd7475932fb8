#!/usr/bin/env bash
# Run the "detect" rules of a semantic patch and print where they match.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: cocci-detect.sh [--dir DIR] PATCH.cocci FILE...

Every semantic patch of patches/ has, besides its transformation, rules that
run only with "spatch -D detect": they star (*) the upstream construct the
patch undoes, in any shape, and any half-done result of the patch. Run on a
file the patch has been applied to, they must find nothing; run on the
pristine file, they find what the patch is for.

Prints one line per starred line: FILE:LINE: CODE (FILE as given, relative to
DIR, default the current directory). Exits 0 whether or not something was
found, 1 when spatch fails (its messages on stderr).
USAGE
}

dir=.
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--dir) dir="$2"; shift 2 ;;
esac
[ $# -ge 2 ] || { usage >&2; exit 2; }
sp=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
[ -f "$sp" ] || { echo "cocci-detect: no such patch $sp" >&2; exit 2; }

log=$(mktemp)
out=$(mktemp)
trap 'rm -f "$log" "$out"' EXIT
if ! (cd "$dir" && spatch --very-quiet -D detect --include-headers --timeout 120 \
	--sp-file "$sp" "$@") >"$out" 2>"$log" ||
	grep -qiE '^(error|fatal)|exception' "$log"; then
	cat "$log" >&2
	exit 1
fi
# The starred lines are the removed ("-") lines of spatch's context diff; the
# hunk headers give the line numbers in the file.
awk '
	/^--- / && !inhunk { file = substr($0, 5); next }
	/^\+\+\+ / && !inhunk { next }
	/^@@ / {
		split($2, a, ","); line = substr(a[1], 2) + 0
		n = split($2, a, ","); left = (n > 1) ? a[2] + 0 : 1
		inhunk = left > 0; next
	}
	inhunk && /^-/ {
		code = substr($0, 2); gsub(/^[ \t]+|[ \t]+$/, "", code)
		printf "%s:%d: %s\n", file, line, code
		line++; if (--left == 0) inhunk = 0; next
	}
	inhunk && (/^ / || /^$/) { line++; if (--left == 0) inhunk = 0; next }
' "$out"
