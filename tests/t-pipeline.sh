#!/usr/bin/env bash
# Fetch + transform + build: upstream 7.3.4 (the pin) and 7.2.13 on every matrix
# kernel, the older upstreams of the shapes of 6.16, 6.17, 6.18 and 7.0 derived
# from the pin (tests/older-upstream/; OLDER_UPSTREAM=all builds every shape on
# 5.10, 6.1 and 6.12), and every kind of upstream source. Prints how long each
# stage took.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=devel/kernels.sh
. "$TOP/devel/kernels.sh"

tmp=$(mktemp -d)
made=()	# cache entries this test creates from throw-away sources
cleanup() { rm -rf "$tmp" "${made[@]}"; }
trap cleanup EXIT
now() { date +%s.%N; }
secs() { printf '%.1f' "$(echo "$2 - $1" | bc)"; }

# build_on LABEL TREE KERNEL: build TREE for KERNEL; zero warnings, no undefined
# symbols. Sets line (build.sh's summary) and rel (the kernel's release).
build_on() {
	local label="$1" tree="$2" k="$3" kdir
	line="" rel=""
	[ -f "$tree/PROVENANCE" ] || { echo "no generated tree at $tree"; return 1; }
	kdir=$("$TOP/devel/fetch-kernel.sh" "$k") &&
		rel=$(. "$TOP/scripts/kernel-tree.sh"; ktree_release "$kdir") || return 1
	line=$("$TOP/scripts/build.sh" --allow-intree --quiet --tree "$tree" "$kdir" \
		"$tmp/build/$label/$k" 2>"$tmp/build.err") || { tail -n 20 "$tmp/build.err"; }
	[[ "$line" == *" built=yes warnings=0 undefined=0 "* ]]
}
# version_ok VERSION VERMAGIC UPSTREAM_VERSION RELEASE
version_ok() {
	[[ "$1" == "$3+bp"*"; ovpn-backports "* ]] && [ -n "$4" ] && [[ "$2" == "$4 "* ]]
}

# check_matrix LABEL TREE UPSTREAM_VERSION: every kernel builds clean, module says where it came from
check_matrix() {
	local label="$1" tree="$2" upver="$3" k ko ver vm
	for k in $KERNELS_ALL; do
		check "$label builds on $k with zero warnings and no undefined symbols" build_on "$label" "$tree" "$k"
		diag "$label $k: $line"
		ko="$tmp/build/$label/$k/ovpn.ko"
		ver=$(modinfo -F version "$ko" 2>/dev/null || true)
		vm=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
		check "$label on $k: modinfo version '$ver', vermagic '${vm%% *}'" version_ok "$ver" "$vm" "$upver" "$rel"
	done
}

case "${1:-}" in
-h|--help)
	echo "Usage: [OLDER_UPSTREAM=all] tests/t-pipeline.sh [--can-fail]"
	echo "Fetch, transform, build the matrix; OLDER_UPSTREAM=all builds every older"
	echo "upstream shape on 5.10, 6.1 and 6.12. --can-fail: the matrix check on debian-6.1"
	echo "given a tree that cannot build and one that does not exist: must print not ok."
	exit 0 ;;
--can-fail)
	# The suite can fail (tests/t-canfail.sh): a generated tree with an #error
	# in every file, and a tree that is not there (its points are not dropped).
	[ -f "$TOP/backports/PROVENANCE" ] || make -s -C "$TOP" sources >/dev/null 2>&1
	cp -a "$TOP/backports" "$tmp/broken"
	for f in "$tmp/broken"/drivers/net/ovpn/*.c; do sed -i '1i #error deliberately broken (t-pipeline.sh --can-fail)' "$f"; done
	KERNELS_ALL=debian-6.1 check_matrix broken "$tmp/broken" 7.3.4
	KERNELS_ALL=debian-6.1 check_matrix missing "$tmp/none" 7.3.4
	tap_done
	exit 0 ;;
esac

# --- the pin -> backports/
# (each step is a function run by check: a failing step prints "not ok NAME"
# and the steps that need its result fail by themselves, naming what is missing)
pristine=""
fetch_pin() { pristine=$("$TOP/devel/fetch-upstream.sh" 2>"$tmp/fetch.err"); }
gentree_pin() {
	[ -n "$pristine" ] || { echo "no pristine upstream (fetch failed)"; return 1; }
	"$TOP/devel/gentree.sh" "$pristine" 2>"$tmp/gentree.err"
}
t0=$(now)
check "fetch the pinned upstream" fetch_pin
t1=$(now)
sed 's/^/# /' "$tmp/fetch.err"
check "transform upstream 7.3.4 into backports/" gentree_pin
t2=$(now)
sed 's/^/# /' "$tmp/gentree.err" 2>/dev/null || true
check "backports/PROVENANCE records upstream 7.3.4" grep -qx 'UPSTREAM_KVER=7.3.4' "$TOP/backports/PROVENANCE"
diag "benchmark: fetch $(secs "$t0" "$t1") s, transform $(secs "$t1" "$t2") s"

# hooks_traceable TREE: every hook in TREE (ovpn_compat_* / OVPN_COMPAT_*) is on
# the Hooks: line of exactly one patch, which names the compat header defining
# it (tests/cocci/run.sh checks that it is defined there)
hooks_traceable() {
	local h n rc=0
	for h in $(grep -rhoE '\b(ovpn_compat_[a-z0-9_]+|OVPN_COMPAT_[A-Z0-9_]+)\b' "$1" | sort -u); do
		n=$(sed -n '/^\/\/ Hooks:/,/^\/\/ Files:/p' "$TOP"/patches/*.cocci | grep -cw "$h" || true)
		[ "$n" = 1 ] || { echo "$h: on the Hooks: line of $n patches"; rc=1; }
	done
	return "$rc"
}
check "every hook in backports/ is listed by exactly one patch (Hooks:)" hooks_traceable "$TOP/backports"
mkdir -p "$tmp/unlisted" && echo 'ovpn_compat_not_a_hook(x);' > "$tmp/unlisted/x.c"
check "the hook check fails on an unlisted one" eval '! hooks_traceable "$tmp/unlisted"'

# upstream_form_ok COCCI [UPSTREAM_PATCH]: the fix COCCI (05xx) in the form
# upstream takes (its "// Upstream:" file, or UPSTREAM_PATCH) applies to the
# pristine pinned upstream with patch -p1 and gives, in each file it touches,
# the same C code as the semantic patch alone gives there
upstream_form_ok() {
	local sp="$1" up="${2:-}" files f d="$tmp/upform"
	[ -n "$up" ] || up="$TOP/$(sed -n 's|^// Upstream: *\([^ ]*\).*|\1|p' "$sp" | head -n1)"
	[ -f "$up" ] || { echo "$(basename "$sp"): no upstream-form patch $up"; return 1; }
	rm -rf "$d" && mkdir -p "$d/a/drivers/net" "$d/b/drivers/net" &&
		cp -a "$pristine/src/drivers/net/ovpn" "$d/a/drivers/net/" &&
		cp -a "$pristine/src/drivers/net/ovpn" "$d/b/drivers/net/" || return 1
	patch -d "$d/a" -p1 --dry-run -s -f < "$up" > "$d/patch.log" 2>&1 &&
		patch -d "$d/a" -p1 -s -f --no-backup-if-mismatch < "$up" >> "$d/patch.log" 2>&1 ||
		{ cat "$d/patch.log"; echo "$(basename "$up") does not apply to the pinned upstream"; return 1; }
	files=$(sed -n 's|^// Files: *||p' "$sp" | head -n1)
	# shellcheck disable=SC2086 # word splitting of the file list is intended
	(cd "$d/b" && spatch --very-quiet --no-show-diff --in-place --sp-file "$sp" $files) \
		> "$d/spatch.log" 2>&1 || { cat "$d/spatch.log"; return 1; }
	for f in $(sed -n 's|^+++ b/||p' "$up"); do
		diff -u "$d/b/$f" "$d/a/$f" || { echo "$f: the upstream form differs from $(basename "$sp")"; return 1; }
	done
}
for sp in "$TOP"/patches/05[0-9][0-9]-*.cocci; do
	[ -f "$sp" ] || continue
	check "$(basename "$sp"): its upstream-form patch applies to 7.3.4 and gives the same code" \
		upstream_form_ok "$sp"
done
sp=$(find "$TOP/patches" -maxdepth 1 -name '05[0-9][0-9]-*.cocci' | sort | head -n1)
if [ -n "$sp" ]; then
	up="$TOP/$(sed -n 's|^// Upstream: *\([^ ]*\).*|\1|p' "$sp" | head -n1)"
	sed '0,/^+\t\treturn false;$/s//+\t\treturn true;/' "$up" > "$tmp/changed.patch"
	check "the upstream-form check fails on a patch that gives other code" \
		eval '! upstream_form_ok "$sp" "$tmp/changed.patch"'
fi

t0=$(now)
check_matrix 7.3.4 "$TOP/backports" 7.3.4
diag "benchmark: build matrix (4 kernels) $(secs "$t0" "$(now)") s"

# --- the same series on upstream 7.2.13
p72=""
fetch_72() { p72=$("$TOP/devel/fetch-upstream.sh" debian:linux-source-7.2 2>/dev/null); }
gentree_72() {
	[ -n "$p72" ] || { echo "no upstream 7.2 (fetch failed)"; return 1; }
	"$TOP/devel/gentree.sh" --out "$tmp/bp72" "$p72" 2>"$tmp/g72.err"
}
check "fetch upstream 7.2 (debian:linux-source-7.2)" fetch_72
check "linux-source-7.2 is upstream 7.2.13" grep -qx 'UPSTREAM_KVER=7.2.13' "$p72/PROVENANCE"
check "the same series applies to upstream 7.2.13" gentree_72
sed 's/^/# /' "$tmp/g72.err" 2>/dev/null || true
# (without the 7.2 tree every point of its matrix fails, naming the missing tree)
check_matrix 7.2.13 "$tmp/bp72" 7.2.13

# --- older upstream releases (6.16, 6.17, 6.18, 7.0), derived from the pin
# without a download: the upstream changes the patches and the compat layer
# exist for, reverted in a copy (tests/older-upstream/shapes). gentree must
# skip what has nothing to undo, give the older shapes their hooks, and the
# trees must build clean on the kernels that need the patches. Every shape is
# generated; make check builds 6.16 (the most older shapes) on 5.10, 6.1 and
# 6.12 and 7.0 (system_percpu_wq) on 6.1; OLDER_UPSTREAM=all builds every shape
# on all three.
t0=$(now)
# gen_older_skips ERR TREE: gentree's stderr ERR and PROVENANCE of TREE say 0303
# alone was skipped
gen_older_skips() {
	local err
	err=$(cat "$1") &&
		grep -qx 'gentree: 0303-netdev-lock.cocci: nothing to undo in drivers/net/ovpn/peer.c .*skipped' <<< "$err" &&
		[ "$(grep -c 'nothing to undo in' <<< "$err")" = 1 ] &&
		grep -qx 'PATCHES_SKIPPED="0303-netdev-lock.cocci:drivers/net/ovpn/peer.c"' "$2/PROVENANCE" &&
		grep -qx "PATCHES_APPLIED=$(($(grep -c '^[0-9].*\.cocci' "$TOP/patches/series") - 1))" "$2/PROVENANCE"
}
# older_shapes SHAPE TREE: the older shapes of recvmsg, newlink, the TCP attach
# and the keepalive work got their hooks, the way SHAPE has them
older_shapes() {
	local d="$2/drivers/net/ovpn" wq=system_wq on_err='return ret;'
	case "$1" in v7.0) wq=system_percpu_wq on_err='goto err;' ;; esac
	grep -q 'recvmsg = ovpn_compat_proto_recvmsg_addr_len(ovpn_tcp_recvmsg);' "$d/tcp.c" &&
		grep -q 'return ovpn_compat_dstats_register_netdevice(dev);' "$d/main.c" &&
		grep -A2 'ret = ovpn_compat_tcp6_check(' "$d/tcp.c" | grep -qF "$on_err" &&
		grep -q "ovpn_compat_mod_delayed_work(peer->ovpn->dev, $wq," "$d/peer.c" &&
		grep -q 'ovpn_compat_queue_delayed_work(ovpn->dev, system_wq,' "$d/peer.c" &&
		! grep -qE '(^|[^_])(schedule|queue|mod)_delayed_work\(' "$d/peer.c"
}
# older_builds SHAPE: the kernels SHAPE is built on
older_builds() {
	case "${OLDER_UPSTREAM:-}:$1" in
	all:*|*:v6.16) echo debian-5.10 debian-6.1 debian-6.12 ;;
	*:v7.0) echo debian-6.1 ;;
	esac
}
for shape in $("$TOP/tests/older-upstream/derive.sh" --list); do
	src_in="$tmp/older-$shape" bp="$tmp/bp-$shape"
	check "derive an upstream of the shape of $shape from the pin (tests/older-upstream/shapes)" \
		"$TOP/tests/older-upstream/derive.sh" "$shape" "$pristine" "$src_in"
	check "gentree carries the $shape upstream" \
		eval '"$TOP/devel/gentree.sh" --out "$bp" "$src_in" 2>"$tmp/gold.err"'
	sed 's/^/# /' "$tmp/gold.err" 2>/dev/null || true
	check "$shape upstream: only 0303 skipped (one line, in PROVENANCE), every other patch applied" \
		gen_older_skips "$tmp/gold.err" "$bp"
	check "$shape upstream: its recvmsg, newlink, TCP attach and keepalive shapes got their hooks" \
		older_shapes "$shape" "$bp"
	check "every hook in the $shape tree is listed by exactly one patch (Hooks:)" hooks_traceable "$bp"
	for k in $(older_builds "$shape"); do
		check "$shape upstream builds on $k with zero warnings and no undefined symbols" \
			build_on "older-$shape" "$bp" "$k"
		diag "$shape $k: $line"
	done
done
# both checks can fail: the pin's tree skips nothing and has the newer shapes
check "the skip check fails on the pin's tree" eval '! gen_older_skips "$tmp/gentree.err" "$TOP/backports"'
check "the shapes check fails on the pin's tree" eval '! older_shapes v7.0 "$TOP/backports"'
diag "benchmark: older upstreams (derive, transform 4 shapes, builds) $(secs "$t0" "$(now)") s"

# --- the other kinds of source: git URL@REF, local tree, tarball
src="$tmp/linux"
sha=""
git_repo() {
	[ -n "$pristine" ] || { echo "no pristine upstream (fetch failed)"; return 1; }
	cp -a "$pristine/src" "$src" &&
		git -C "$src" init -q &&
		git -C "$src" add -A &&
		git -C "$src" -c user.email=t@t -c user.name=t commit -qm "v7.3.4 subset" &&
		git -C "$src" tag v7.3.4 &&
		sha=$(git -C "$src" rev-parse HEAD)
}
git_source() {
	p=$("$TOP/devel/fetch-upstream.sh" "git:file://$src@v7.3.4" 2>/dev/null) && made+=("$p") &&
		grep -qx "UPSTREAM_COMMIT=$sha" "$p/PROVENANCE" && grep -qx "UPSTREAM_REF=v7.3.4" "$p/PROVENANCE"
}
git_version() {
	"$TOP/devel/gentree.sh" --out "$tmp/bpgit" "$p" 2>/dev/null &&
		grep -q "git v7.3.4 ${sha:0:12}" "$tmp/bpgit/version.h"
}
dir_source() {
	p=$("$TOP/devel/fetch-upstream.sh" "$src" 2>/dev/null) && made+=("$p") &&
		grep -qx 'UPSTREAM_SOURCE=dir' "$p/PROVENANCE"
}
tarball_source() {
	local sum
	tar -C "$tmp" -cJf "$tmp/linux-7.3.4.tar.xz" linux &&
		sum=$(sha256sum "$tmp/linux-7.3.4.tar.xz" | cut -d' ' -f1) &&
		p=$("$TOP/devel/fetch-upstream.sh" "$tmp/linux-7.3.4.tar.xz" 2>/dev/null) && made+=("$p") &&
		grep -qx "UPSTREAM_SHA256=$sum" "$p/PROVENANCE"
}
p=""
check "a git repository of the pinned upstream (for the git, dir and tarball sources)" git_repo
check "git:URL@REF source records ref and commit" git_source
check "git provenance reaches the module version string" git_version
check "local kernel tree source" dir_source
check "tarball source records its sha256" tarball_source
tap_done
