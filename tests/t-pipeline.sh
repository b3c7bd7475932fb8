#!/usr/bin/env bash
# Fetch + transform + build: upstream 7.3.4 (the pin) and 7.2.13 on every matrix
# kernel, an older upstream derived from the pin (tests/older-upstream/) on
# 5.10, 6.1 and 6.12, and every kind of upstream source. Prints how long each
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

# --- the pin -> backports/
t0=$(now)
pristine=$("$TOP/devel/fetch-upstream.sh" 2>"$tmp/fetch.err")
tap $? "fetch the pinned upstream"
t1=$(now)
sed 's/^/# /' "$tmp/fetch.err"
"$TOP/devel/gentree.sh" "$pristine" 2>"$tmp/gentree.err"
tap $? "transform upstream 7.3.4 into backports/"
t2=$(now)
sed 's/^/# /' "$tmp/gentree.err"
grep -qx 'UPSTREAM_KVER=7.3.4' "$TOP/backports/PROVENANCE"
tap $? "backports/PROVENANCE records upstream 7.3.4"
diag "benchmark: fetch $(secs "$t0" "$t1") s, transform $(secs "$t1" "$t2") s"

# check_matrix LABEL TREE UPSTREAM_VERSION: every kernel builds clean, module says where it came from
check_matrix() {
	local label="$1" tree="$2" upver="$3" k kdir rel line ko ver vm
	for k in $KERNELS_ALL; do
		kdir=$("$TOP/devel/fetch-kernel.sh" "$k")
		rel=$(. "$TOP/scripts/kernel-tree.sh"; ktree_release "$kdir")
		line=$("$TOP/scripts/build.sh" --allow-intree --quiet --tree "$tree" "$kdir" \
			"$tmp/build/$label/$k" 2>"$tmp/build.err") || true
		diag "$label $k: $line"
		[[ "$line" == *" built=yes warnings=0 undefined=0 "* ]]
		tap $? "$label builds on $k with zero warnings and no undefined symbols"
		ko="$tmp/build/$label/$k/ovpn.ko"
		ver=$(modinfo -F version "$ko" 2>/dev/null || true)
		vm=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
		[[ "$ver" == "$upver+bp"*"; ovpn-backports "* ]] && [[ "$vm" == "$rel "* ]]
		tap $? "$label on $k: modinfo version '$ver', vermagic '${vm%% *}'"
	done
}

t0=$(now)
check_matrix 7.3.4 "$TOP/backports" 7.3.4
diag "benchmark: build matrix (4 kernels) $(secs "$t0" "$(now)") s"

# --- the same series on upstream 7.2.13
p72=$("$TOP/devel/fetch-upstream.sh" debian:linux-source-7.2 2>/dev/null)
tap $? "fetch upstream 7.2 (debian:linux-source-7.2)"
grep -qx 'UPSTREAM_KVER=7.2.13' "$p72/PROVENANCE"
tap $? "linux-source-7.2 is upstream 7.2.13"
"$TOP/devel/gentree.sh" --out "$tmp/bp72" "$p72" 2>"$tmp/g72.err"
tap $? "the same series applies to upstream 7.2.13"
sed 's/^/# /' "$tmp/g72.err"
[ -f "$tmp/bp72/PROVENANCE" ] && check_matrix 7.2.13 "$tmp/bp72" 7.2.13

# --- an older upstream, derived from the pin without a download: the upstream
# changes the patches exist for reverted in a copy (tests/older-upstream/).
# gentree must skip what has nothing to undo, give the older shapes their hooks,
# and the tree must build clean on the kernels that need the patches.
t0=$(now)
older="$tmp/older"
check "derive an older upstream from the pin (tests/older-upstream/*.patch)" \
	"$TOP/tests/older-upstream/derive.sh" "$pristine" "$older"
check "gentree carries the older upstream" \
	eval '"$TOP/devel/gentree.sh" --out "$tmp/bpold" "$older" 2>"$tmp/gold.err"'
sed 's/^/# /' "$tmp/gold.err"
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
check "older upstream: only 0303 skipped (one line, in PROVENANCE), every other patch applied" \
	gen_older_skips "$tmp/gold.err" "$tmp/bpold"
# older_shapes TREE: the older shapes of recvmsg, newlink and keepalive got their hooks
older_shapes() {
	local d="$1/drivers/net/ovpn"
	grep -q 'recvmsg = ovpn_compat_proto_recvmsg_addr_len(ovpn_tcp_recvmsg);' "$d/tcp.c" &&
		grep -q 'return ovpn_compat_dstats_register_netdevice(dev);' "$d/main.c" &&
		grep -q 'ovpn_compat_queue_delayed_work(ovpn->dev, system_wq,' "$d/peer.c" &&
		! grep -qE '(^|[^_])(schedule|queue|mod)_delayed_work\(' "$d/peer.c"
}
check "older upstream: its recvmsg, newlink and keepalive shapes got their hooks" \
	older_shapes "$tmp/bpold"
# both checks can fail: the pin's tree skips nothing and has the newer shapes
check "the skip check fails on the pin's tree" eval '! gen_older_skips "$tmp/gentree.err" "$TOP/backports"'
check "the shapes check fails on the pin's tree" eval '! older_shapes "$TOP/backports"'
for k in debian-5.10 debian-6.1 debian-6.12; do
	kdir=$("$TOP/devel/fetch-kernel.sh" "$k")
	line=$("$TOP/scripts/build.sh" --quiet --tree "$tmp/bpold" "$kdir" "$tmp/build/older/$k" \
		2>"$tmp/build.err") || true
	diag "older $k: $line"
	check "older upstream builds on $k with zero warnings and no undefined symbols" \
		eval '[[ "$line" == *" built=yes warnings=0 undefined=0 "* ]]'
	[ "$CHECK_RC" = 0 ] || sed 's/^/#   /' "$tmp/build.err" | head -n 20
done
diag "benchmark: older upstream (derive, transform, 3 builds) $(secs "$t0" "$(now)") s"

# --- the other kinds of source: git URL@REF, local tree, tarball
src="$tmp/linux"
cp -a "$pristine/src" "$src"
git -C "$src" init -q
git -C "$src" add -A
git -C "$src" -c user.email=t@t -c user.name=t commit -qm "v7.3.4 subset"
git -C "$src" tag v7.3.4
sha=$(git -C "$src" rev-parse HEAD)
p=$("$TOP/devel/fetch-upstream.sh" "git:file://$src@v7.3.4" 2>/dev/null) && made+=("$p") &&
	grep -qx "UPSTREAM_COMMIT=$sha" "$p/PROVENANCE" && grep -qx "UPSTREAM_REF=v7.3.4" "$p/PROVENANCE"
tap $? "git:URL@REF source records ref and commit"
"$TOP/devel/gentree.sh" --out "$tmp/bpgit" "$p" 2>/dev/null &&
	grep -q "git v7.3.4 ${sha:0:12}" "$tmp/bpgit/version.h"
tap $? "git provenance reaches the module version string"
p=$("$TOP/devel/fetch-upstream.sh" "$src" 2>/dev/null) && made+=("$p") && grep -qx 'UPSTREAM_SOURCE=dir' "$p/PROVENANCE"
tap $? "local kernel tree source"
tar -C "$tmp" -cJf "$tmp/linux-7.3.4.tar.xz" linux
sum=$(sha256sum "$tmp/linux-7.3.4.tar.xz" | cut -d' ' -f1)
p=$("$TOP/devel/fetch-upstream.sh" "$tmp/linux-7.3.4.tar.xz" 2>/dev/null) && made+=("$p") &&
	grep -qx "UPSTREAM_SHA256=$sum" "$p/PROVENANCE"
tap $? "tarball source records its sha256"
tap_done
