#!/usr/bin/env bash
# Lint every shell script of the project with shellcheck and every Python
# script with pyflakes; check --help works; test points are written so that they cannot be lost (see tap_form_lint).
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

case "${1:-}" in
-h|--help)
	cat <<'USAGE'
Usage: tests/t-lint.sh [FILE...]

Lints the shell and Python scripts of the project (default: every tracked
one; or the FILEs given, relative to the top or absolute): shellcheck -S
warning, pyflakes (*.py and python scripts), --help of each script under
scripts/ and devel/, and the test-point rule: no tap of the previous
command's status (a failing command ends a set -e script before tap reports
it: use check NAME CMD...), no point behind && or || (it is dropped when the
left side decides). Prints TAP.
USAGE
	exit 0
	;;
esac

# tap_form_lint FILE...: print FILE:LINE: REASON for every test point written
# in a form that can be lost, and fail if there is one. Comment lines are not
# looked at. Forbidden:
#   cmd; tap $? NAME      and   cmd <newline> tap $? NAME  (any "tap $?")
#   X && check|tap|...    and   X || check|...   (also with the && ending the
#                                                 previous line)
# Allowed: "X || tap 1 NAME" (a point that only exists to report a failure).
tap_form_lint() {
	awk '
	function flag(why) { printf "%s:%d: %s\n", FILENAME, FNR, why; bad = 1 }
	FNR == 1 { prev = "" }
	/^[[:space:]]*#/ { next }
	{
		line = $0
		if (line ~ /(^|[^[:alnum:]_])tap[[:space:]]+"?\$\?/)
			flag("\"tap" " $?\" after a command: use check NAME CMD... (or if CMD; then ...)")
		if (line ~ /&&[[:space:]]*(tap|check|run_ok|require|not_run|skip|expect_[[:alnum:]_]+|check_[[:alnum:]_]+)([[:space:]]|$)/)
			flag("a test point behind &&: it is dropped when the left side fails")
		if (line ~ /\|\|[[:space:]]*(check|run_ok|require|skip|expect_[[:alnum:]_]+|check_[[:alnum:]_]+)([[:space:]]|$)/)
			flag("a test point behind ||: it is dropped when the left side succeeds")
		if (line ~ /^[[:space:]]*(tap|check|run_ok|require|not_run|skip|expect_[[:alnum:]_]+|check_[[:alnum:]_]+)([[:space:]]|$)/ &&
		    prev ~ /(&&|\|\|)[[:space:]\\]*$/ &&
		    !(prev ~ /\|\|[[:space:]\\]*$/ && line ~ /^[[:space:]]*(tap[[:space:]]+1|not_run)([[:space:]]|$)/))
			flag("a test point continuing a && / || chain: it is dropped when the chain stops before it")
		prev = line
	}
	END { exit bad }
	' "$@"
}

# The rule itself can fail: a sample with each old form, and one with the new.
# (built from pieces, so that this file does not contain the forms it forbids)
selftest_bad() {
	local f="$1" T=tap C=check
	printf '%s\n' \
		"false; $T \$? \"one\"" \
		"false" "$T \$? \"two\"" \
		"grep -q x f" "	$T \"\$?\" \"three\"" \
		"[ -f X ] && $C \"four\" true" \
		"[ -f X ] && $T 0 \"five\"" \
		"[ -f X ] ||" "	$C \"six\" true" \
		"[ -f X ] &&" "	check_matrix seven" > "$f"
}
selftest_good() {
	local f="$1" T=tap C=check
	printf '%s\n' \
		"$C \"one\" false" \
		"if false; then $T 0 \"two\"; else $T 1 \"two\"; fi" \
		"[ \"\$rc\" -eq 0 ] || $T 1 \"three: exited \$rc\"" \
		"# a comment may say: cmd; $T \$? name" \
		"$T \"\$ok\" \"four\"" > "$f"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lint_catches_all() {
	local out n
	selftest_bad "$tmp/bad.sh"
	out=$(tap_form_lint "$tmp/bad.sh") && { echo "the rule passed the bad sample"; return 1; }
	echo "$out"
	n=$(grep -c . <<< "$out")
	[ "$n" -eq 7 ] || { echo "flagged $n lines, want 7 (one per old form)"; return 1; }
}
lint_passes_good() {
	selftest_good "$tmp/good.sh"
	tap_form_lint "$tmp/good.sh"
}

# is_python FILE: a *.py file or a script run by python
is_python() {
	case "$1" in *.py) return 0 ;; *.sh) return 1 ;; esac
	head -c 40 "$1" 2>/dev/null | grep -qE '^#!.*python'
}
if [ $# -gt 0 ]; then
	files=()
	for f in "$@"; do
		case "$f" in /*) files+=("$f") ;; *) files+=("$TOP/$f") ;; esac
	done
else
	mapfile -t rel < <(cd "$TOP" && git ls-files 2>/dev/null | while read -r f; do
		case "$f" in *.sh|*.py) echo "$f" ;; *) head -c 40 "$f" 2>/dev/null | grep -qE '^#!.*(bash|python)' && echo "$f" ;; esac
	done | sort -u)
	[ ${#rel[@]} -gt 0 ] ||
		mapfile -t rel < <(cd "$TOP" && find scripts devel tests .ci -name '*.sh' -o -name '*.py' -o -name run | sort)
	files=("${rel[@]/#/$TOP/}")
fi
scripts=() pyfiles=()
for f in "${files[@]}"; do
	if is_python "$f"; then pyfiles+=("$f"); else scripts+=("$f"); fi
done
for f in "${scripts[@]}"; do
	run_ok "shellcheck ${f#"$TOP"/}" shellcheck -x -P "$TOP" -S warning "$f"
done
# pyflakes3: Debian's pyflakes for the system python3 (python3-pyflakes)
for f in "${pyfiles[@]}"; do
	run_ok "pyflakes ${f#"$TOP"/}" pyflakes3 "$f"
done
for f in "${scripts[@]}"; do
	case "${f#"$TOP"/}" in scripts/*.sh|devel/*.sh) ;; *) continue ;; esac
	grep -q 'kernels.sh\|kernel-tree.sh\|lib.sh' <<< "$f" && continue
	run_ok "${f#"$TOP"/} --help" "$f" --help
done
check "test points cannot be lost: no 'tap \$?', no point behind && or ||" tap_form_lint /dev/null "${scripts[@]}"
check "the test-point rule flags each old form in a sample (self-test)" lint_catches_all
check "the test-point rule accepts check, if/else, '|| tap 1' and comments (self-test)" lint_passes_good
# --- compat/ C code: the kernel's checkpatch.pl and sparse (probes) ---
# (on the whole tree only, not when FILEs are given)
# checkpatch from linux-source-7.3 (the pinned upstream's Debian package),
# extracted once into the cache. The types ignored are what a compat layer
# does by design: version gates (LINUX_VERSION_CODE, CONSTANT_COMPARISON in
# LINUX_VERSION_IS_LESS), the kernel's own typedefs and macro signatures
# (NEW_TYPEDEFS, MACRO_ARG_UNUSED, UNNECESSARY_CASTS of kmalloc_obj()),
# declaration macros (COMPLEX_MACRO) and a raw section attribute, because
# __section() stringified its argument before 5.10
# (PREFER_DEFINED_ATTRIBUTE_MACRO).
if [ "$#" -eq 0 ]; then
	declare -F fails >/dev/null || fails() { ! "$@"; }
	cp_ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON,NEW_TYPEDEFS,MACRO_ARG_UNUSED,UNNECESSARY_CASTS
	cp_ignore+=,COMPLEX_MACRO,PREFER_DEFINED_ATTRIBUTE_MACRO
	checkpatch_dir="$CACHE/checkpatch-7.3"
	get_checkpatch() {
		local deb
		[ -x "$checkpatch_dir/scripts/checkpatch.pl" ] && return 0
		deb=$("$TOP/devel/apt-fetch.sh" linux-source-7.3 | tail -n1) && [ -f "$deb" ] || return 1
		mkdir -p "$checkpatch_dir.tmp"
		dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-7.3.tar.xz |
			tar -xJ -C "$checkpatch_dir.tmp" --strip-components=1 --wildcards 'linux-source-7.3/scripts/checkpatch.pl' \
				'linux-source-7.3/scripts/spelling.txt' 'linux-source-7.3/scripts/const_structs.checkpatch' &&
			rm -rf "$checkpatch_dir" && mv "$checkpatch_dir.tmp" "$checkpatch_dir"
	}
	# checkpatch_clean FILE...: no error, warning or check outside the ignored types
	checkpatch_clean() {
		local out
		out=$("$checkpatch_dir/scripts/checkpatch.pl" --no-tree --file --terse --ignore "$cp_ignore" "$@" || true)
		out=$(grep -v '^total: 0 errors, 0 warnings, ' <<< "$out" || true)
		[ -z "$out" ] || { echo "$out"; return 1; }
	}
	mapfile -t compat_c < <(cd "$TOP" && git ls-files 'compat/*.c' 'compat/*.h' | sed "s|^|$TOP/|")
	check "checkpatch.pl of linux-source-7.3 is at hand (cached)" get_checkpatch
	check "checkpatch: compat/ C code is clean (${#compat_c[@]} files)" checkpatch_clean "${compat_c[@]}"
	lint_tmp=$(mktemp -d)
	printf '// SPDX-License-Identifier: GPL-2.0\nint ovpn_lint(void) {  \n\treturn 0;\n}\n' > "$lint_tmp/bad.c"
	check "checkpatch flags a broken compat file (brace, trailing space)" fails checkpatch_clean "$lint_tmp/bad.c"

	# patches/upstream/: the fixes in the form upstream takes, checkpatch-clean as
	# mails (--strict) but for the two things only their sender can settle: the
	# Signed-off-by (theirs) and the Fixes: commit id (checked in a kernel tree)
	# upstream_clean PATCH...: checkpatch --strict finds nothing else
	upstream_clean() {
		local out
		out=$("$checkpatch_dir/scripts/checkpatch.pl" --no-tree --strict --terse \
			--ignore MISSING_SIGN_OFF,UNKNOWN_COMMIT_ID "$@" || true)
		out=$(grep -v 'total: 0 errors, 0 warnings, 0 checks' <<< "$out" || true)
		[ -z "$out" ] || { echo "$out"; return 1; }
	}
	mapfile -t up_patches < <(cd "$TOP" && git ls-files 'patches/upstream/*.patch' | sed "s|^|$TOP/|")
	check "checkpatch --strict: patches/upstream/ (${#up_patches[@]} mails) are clean" \
		upstream_clean "${up_patches[@]}"
	if [ ${#up_patches[@]} -gt 0 ]; then
		sed 's/^+\t\treturn false;$/+        return false;  /' "${up_patches[0]}" > "$lint_tmp/bad.patch"
		check "checkpatch flags an upstream-form patch with spaces for tabs" fails upstream_clean "$lint_tmp/bad.patch"
	fi

	# sparse on compat/*.c against Debian 6.1 (all compat objects are built
	# there; compat/shims.c includes every shadow header)
	# sparse_clean SRC: compat/ of SRC compiles under sparse without a warning
	sparse_clean() {
		local k61 out
		k61=$("$TOP/devel/fetch-kernel.sh" debian-6.1) || return 1
		out=$(make -C "$k61" M="$1" CC=gcc-12 C=2 compat/shims.o compat/skb_send_sock.o \
			compat/datagram.o compat/tcp6.o compat/genetlink.o 2>&1) || { echo "$out"; return 1; }
		! grep -E 'warning:|error:' <<< "$out"
	}
	if command -v sparse >/dev/null; then
		[ -f "$TOP/backports/PROVENANCE" ] || make -s -C "$TOP" sources >/dev/null
		mkdir -p "$lint_tmp/src/scripts"
		cp -a "$TOP/Kbuild" "$TOP/compat" "$TOP/backports" "$lint_tmp/src/"
		cp -a "$TOP/scripts/kernel-range.conf" "$lint_tmp/src/scripts/" # (Kbuild reads the range)
		check "sparse: compat/*.c (with every shadow header) is clean on debian-6.1" sparse_clean "$lint_tmp/src"
		echo 'int ovpn_lint_undeclared;' >> "$lint_tmp/src/compat/tcp6.c"
		check "sparse flags a compat file with a non-static global" fails sparse_clean "$lint_tmp/src"
	else
		tap 1 "sparse is not installed (Debian package sparse, in tests/test-packages.txt)"
	fi
	rm -rf "$lint_tmp"
fi
tap_done
