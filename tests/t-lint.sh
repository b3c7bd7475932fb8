#!/usr/bin/env bash
# Lint every shell script of the project with shellcheck; check --help works.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mapfile -t scripts < <(cd "$TOP" && git ls-files 2>/dev/null | while read -r f; do
	case "$f" in *.sh) echo "$f" ;; *) head -c 40 "$f" 2>/dev/null | grep -qE '^#!.*bash' && echo "$f" ;; esac
done | sort -u)
[ ${#scripts[@]} -gt 0 ] || mapfile -t scripts < <(cd "$TOP" && find scripts tests .ci -name '*.sh' -o -name run | sort)
for f in "${scripts[@]}"; do
	run_ok "shellcheck $f" shellcheck -x -P "$TOP" -S warning "$TOP/$f"
done
for f in "${scripts[@]}"; do
	case "$f" in scripts/*.sh|devel/*.sh) ;; *) continue ;; esac
	grep -q 'kernels.sh\|kernel-tree.sh\|lib.sh' <<< "$f" && continue
	run_ok "$f --help" "$TOP/$f" --help
done
# --- compat/ C code: the kernel's checkpatch.pl and sparse (probes) ---
# checkpatch from linux-source-7.3 (the pinned upstream's Debian package),
# extracted once into the cache. The types ignored are what a compat layer
# does by design: version gates (LINUX_VERSION_CODE, CONSTANT_COMPARISON in
# LINUX_VERSION_IS_LESS), the kernel's own typedefs and macro signatures
# (NEW_TYPEDEFS, MACRO_ARG_UNUSED, UNNECESSARY_CASTS of kmalloc_obj()),
# declaration macros (COMPLEX_MACRO) and a raw section attribute, because
# __section() stringified its argument before 5.10
# (PREFER_DEFINED_ATTRIBUTE_MACRO).
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
	mkdir -p "$lint_tmp/src"
	cp -a "$TOP/Kbuild" "$TOP/compat" "$TOP/backports" "$lint_tmp/src/"
	check "sparse: compat/*.c (with every shadow header) is clean on debian-6.1" sparse_clean "$lint_tmp/src"
	echo 'int ovpn_lint_undeclared;' >> "$lint_tmp/src/compat/tcp6.c"
	check "sparse flags a compat file with a non-static global" fails sparse_clean "$lint_tmp/src"
else
	tap 1 "sparse is not installed (Debian package sparse, in tests/test-packages.txt)"
fi
rm -rf "$lint_tmp"
tap_done
