#!/usr/bin/env bash
# Unit tests of the semantic patches: for every patches/NAME.cocci, apply it to
# tests/cocci/NAME.c (and NAME.VARIANT.c, other upstream shapes) and compare
# with NAME.res / NAME.VARIANT.res (the coccinelle test convention, as
# "spatch --test" does); run its detect rules on both; check its header and
# hooks. Prints TAP.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

usage() {
	cat <<'USAGE'
Usage: tests/cocci/run.sh [NAME...]

Runs the unit tests of each semantic patch (default: all in patches/series):
  - NAME.c (and every NAME.VARIANT.c) patched is NAME.res (NAME.VARIANT.res);
  - its detect rules (spatch -D detect, devel/cocci-detect.sh) find the
    construct in the input and nothing in the result;
  - its header has the fields SPDX, Undoes, Needed on, Why not a header, Hooks,
    Files, in this order; a fix of an upstream bug (05xx, the "fixes" section
    of patches/series) has SPDX, Fixes, Needed on, Upstream, Files instead, its
    Upstream: file (the same fix in the form upstream takes) exists and it uses
    no compat hook;
  - every hook on its Hooks: line is named ovpn_compat_* (functions and
    expressions) or OVPN_COMPAT_* (OVPN_COMPAT_DEFINE_* for what is placed at
    file scope, OVPN_COMPAT_<X> for initializer macros), is defined in the file
    named there and appears in a .res of the patch, and every ovpn_compat_ /
    OVPN_ name the .res files show is listed.
A semantic patch without a test fails. Then shows that each kind of check can
fail (broken inputs, made here). Needs spatch (coccinelle).
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
command -v spatch >/dev/null || { echo "Bail out! spatch not found (apt-get install coccinelle)"; exit 1; }

if [ $# -gt 0 ]; then
	names=("$@")
else
	mapfile -t names < <(sed -n 's/^\([^#][^ ]*\)\.cocci.*/\1/p' "$TOP/patches/series")
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
detect="$TOP/devel/cocci-detect.sh"

# transforms PATCH C RES: PATCH applied to a copy of C gives RES
transforms() {
	local sp="$1" c="$2" res="$3" w="$tmp/work"
	rm -rf "$w" && mkdir -p "$w" && cp "$c" "$w/in.c" &&
		(cd "$w" && spatch --very-quiet --no-show-diff --in-place --sp-file "$sp" in.c) &&
		diff -u "$res" "$w/in.c"
}

# detects PATCH FILE: the detect rules find something in FILE (shown)
detects() {
	local out
	out=$("$detect" --dir "$(dirname "$2")" "$1" "$(basename "$2")") && echo "$out" && [ -n "$out" ]
}

# detects_nothing PATCH FILE: the detect rules find nothing in FILE
detects_nothing() {
	local out
	out=$("$detect" --dir "$(dirname "$2")" "$1" "$(basename "$2")") &&
		{ [ -z "$out" ] || { echo "found: $out"; false; }; }
}

fields=("SPDX-License-Identifier" "Undoes" "Needed on" "Why not a header" "Hooks" "Files")
fix_fields=("SPDX-License-Identifier" "Fixes" "Needed on" "Upstream" "Files")

# is_fix PATCH: a fix of an upstream bug (05xx), not a compat patch
is_fix() {
	case "$(basename "$1")" in 05[0-9][0-9]-*) return 0 ;; esac
	return 1
}

# header_ok PATCH: the header (the comment lines before the first empty "//" or
# rule) has these fields (fix_fields for a fix), each once, in this order
header_ok() {
	local sp="$1" got want
	got=$(sed -n '/^\/\/$/q; /^@/q; s|^// \([A-Za-z][A-Za-z -]*\): .*|\1|p' "$sp")
	if is_fix "$sp"; then
		want=$(printf '%s\n' "${fix_fields[@]}")
	else
		want=$(printf '%s\n' "${fields[@]}")
	fi
	[ "$got" = "$want" ] || { printf 'header fields:\n%s\nwanted:\n%s\n' "$got" "$want"; false; }
}

# hooks_of PATCH: "HOOK FILE" per hook of its "// Hooks: A, B (FILE); C (FILE2)"
# field (continued on "//   " lines)
hooks_of() {
	sed -n '/^\/\/ Hooks:/,/^\/\/ [A-Z]/p' "$1" | sed '$d' |
		sed 's|^// Hooks:||; s|^//||' | paste -sd ' ' | tr ';' '\n' |
		sed -n 's/^ *\(.*[^ ]\) *(\([^)]*\)) *$/\2 \1/p' |
		while read -r file list; do
			for h in ${list//,/ }; do echo "$h $file"; done
		done
}

# hooks_ok PATCH RES...: every hook listed is defined in its file and used in a
# .res; every hook-like name (ovpn_compat_*, OVPN_*) a .res shows that the
# input did not have is listed
hooks_ok() {
	local sp="$1" h f hooks used rc=0; shift
	hooks=$(hooks_of "$sp")
	[ -n "$hooks" ] || { echo "no hooks listed"; return 1; }
	while read -r h f; do
		[[ "$h" =~ ^(ovpn_compat_[a-z0-9_]+|OVPN_COMPAT_[A-Z0-9_]+)$ ]] ||
			{ echo "$h: not named ovpn_compat_* or OVPN_COMPAT_*"; rc=1; }
		case "$f" in /*) ;; *) f="$TOP/$f" ;; esac
		grep -qE "^[[:space:]]*#[[:space:]]*define[[:space:]]+$h\\b|^([a-z].*[^a-z_0-9])?$h\\(" "$f" ||
			{ echo "$h: not defined in $f"; rc=1; }
		grep -qw "$h" "$@" || { echo "$h: in no .res of the patch"; rc=1; }
	done <<< "$hooks"
	for used in $(cat "$@" | grep -oE '\b(ovpn_compat_[a-z0-9_]+|OVPN_[A-Z0-9_]+)' | sort -u); do
		grep -qw "$used" "${@/%.res/.c}" 2>/dev/null && continue
		awk '{print $1}' <<< "$hooks" | grep -qx "$used" ||
			{ echo "$used: in a .res but not on the Hooks: line"; rc=1; }
	done
	return "$rc"
}

# upstream_ok PATCH: the file on its "// Upstream:" line exists
upstream_ok() {
	local f
	f=$(sed -n 's|^// Upstream: *\([^ ]*\).*|\1|p' "$1" | head -n1)
	[ -n "$f" ] || { echo "no Upstream: file named"; return 1; }
	[ -f "$TOP/$f" ] || { echo "$f: no such file"; return 1; }
}

# no_hooks RES...: no compat hook (ovpn_compat_*, OVPN_*) in a .res that its
# input did not have: a fix stands on its own
no_hooks() {
	local used rc=0
	for used in $(cat "$@" | grep -oE '\b(ovpn_compat_[a-z0-9_]+|OVPN_[A-Z0-9_]+)' | sort -u); do
		grep -qw "$used" "${@/%.res/.c}" 2>/dev/null && continue
		echo "$used: a compat hook in the result of a fix"; rc=1
	done
	return "$rc"
}

for name in "${names[@]}"; do
	sp="$TOP/patches/$name.cocci"
	if is_fix "$sp"; then
		check "$name: header fields (${fix_fields[*]})" header_ok "$sp"
		check "$name: its upstream-form patch exists" upstream_ok "$sp"
	else
		check "$name: header fields (${fields[*]})" header_ok "$sp"
	fi
	cases=()
	[ -f "$here/$name.c" ] && cases+=("$here/$name.c")
	for c in "$here/$name".*.c; do [ -f "$c" ] && cases+=("$c"); done
	if [ ${#cases[@]} -eq 0 ]; then
		check "$name: has a unit test ($name.c and $name.res)" false
		continue
	fi
	results=()
	for c in "${cases[@]}"; do
		res="${c%.c}.res" t=$(basename "${c%.c}")
		results+=("$res")
		check "$t: patched input is $t.res" transforms "$sp" "$c" "$res"
		check "$t: detect rules find the construct in $t.c" detects "$sp" "$c"
		check "$t: detect rules find nothing in $t.res" detects_nothing "$sp" "$res"
	done
	if is_fix "$sp"; then
		check "$name: uses no compat hook" no_hooks "${results[@]}"
	else
		check "$name: hooks listed, defined in their compat header, used" hooks_ok "$sp" "${results[@]}"
	fi
done

# Each kind of check can fail (inputs broken on purpose, here).
n1="${names[0]}"
sed '/^\/\/ Hooks:/d' "$TOP/patches/$n1.cocci" > "$tmp/nohooks.cocci"
check "header check fails on $n1 without its Hooks: line" \
	eval '! header_ok "$tmp/nohooks.cocci"'
sed 's|^// Hooks: |// Hooks: ovpn_compat_no_such_hook, |' "$TOP/patches/$n1.cocci" > "$tmp/badhook.cocci"
check "hooks check fails on $n1 listing a hook no header defines" \
	eval '! hooks_ok "$tmp/badhook.cocci" "$here/$n1.res"'
printf '#define OVPN_BAD_NAME(x) (x)\n' > "$tmp/bad.h"
echo 'int y = OVPN_BAD_NAME(1);' > "$tmp/bad.res"
printf '// Hooks: OVPN_BAD_NAME (%s)\n// Files: x.c\n' "$tmp/bad.h" > "$tmp/badname.cocci"
check "hooks check fails on a hook outside the naming scheme (defined and used)" \
	eval '{ hooks_ok "$tmp/badname.cocci" "$tmp/bad.res" || true; } | grep -q "not named"'
check "detect check fails on $n1's unpatched input taken as its result" \
	eval '! detects_nothing "$TOP/patches/$n1.cocci" "$here/$n1.c"'
printf 'int f(void)\n{\n\treturn 0;\n}\n' > "$tmp/none.c"
check "detect check fails on an input without the construct" \
	eval '! detects "$TOP/patches/$n1.cocci" "$tmp/none.c"'
printf 'int x = ovpn_compat_f(1);\n' > "$tmp/hook.res" && echo 'int x = 1;' > "$tmp/hook.c"
check "fix check fails on a result that uses a compat hook" \
	eval '! no_hooks "$tmp/hook.res"'
printf '// Upstream: patches/upstream/no-such.patch\n' > "$tmp/noup.cocci"
check "fix check fails on an Upstream: file that does not exist" \
	eval '! upstream_ok "$tmp/noup.cocci"'
cp "$here/$n1.res" "$tmp/wrong.res" && echo '/* not what the patch makes */' >> "$tmp/wrong.res"
check "transform check fails against a wrong .res" \
	eval '! transforms "$TOP/patches/$n1.cocci" "$here/$n1.c" "$tmp/wrong.res"'
tap_done
