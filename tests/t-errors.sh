#!/usr/bin/env bash
# Bad input gets a clear one-line error, a non-zero exit and nothing half-written.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/kernel-range.conf
. "$TOP/scripts/kernel-range.conf"

case "${1:-}" in
-h|--help)
	echo "Usage: tests/t-errors.sh [--can-fail]"
	echo "Bad input gets a clear error. --can-fail: one case fed an input that is not"
	echo "bad (a tree of the oldest supported kernel, scripts/kernel-range.conf, for"
	echo "'older than' it): must print not ok and exit non-zero."
	exit 0 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect_error NAME PATTERN CMD...: CMD fails and its stderr matches PATTERN
expect_error() {
	local name="$1" pat="$2" rc=0; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" -ne 0 ] && grep -qE "$pat" "$tmp/err"; then
		tap 0 "$name (exit $rc: $(grep -m1 -E "$pat" "$tmp/err" | cut -c1-110))"
	else
		tap 1 "$name"
		diag "exit $rc, stderr:"; sed 's/^/#   /' "$tmp/err" | tail -n 10
	fi
}

# fake_tree DIR MAJOR MINOR RELEASE: a fake configured kernel tree of that version
fake_tree() {
	mkdir -p "$1/include/generated/uapi/linux"
	touch "$1/Makefile"
	echo 'CONFIG_NET=y' > "$1/.config"
	echo "#define UTS_RELEASE \"$4\"" > "$1/include/generated/utsrelease.h"
	echo "#define LINUX_VERSION_CODE $(($2 * 65536 + $3 * 256 + 255))" > "$1/include/generated/uapi/linux/version.h"
}

# no_ovpn_copy KERNEL DIR [VALUE]: in DIR, a copy of KERNEL's headers whose
# configuration (.config, auto.conf, autoconf.h) has CONFIG_OVPN unset, or =VALUE.
# A real copy of the flavour tree: its Makefile names its own directory as
# KBUILD_OUTPUT, where kbuild reads the configuration and writes Module.symvers
# (the cached tree is never written). The -common tree it includes and the host
# tools (scripts, tools) stay the cached ones: a module build only reads them.
no_ovpn_copy() {
	local k f l
	k=$("$TOP/devel/fetch-kernel.sh" "$1") || return 1
	rm -rf "$2" && cp -a "$k" "$2" || return 1
	for l in scripts tools; do
		[ -L "$k/$l" ] || continue
		ln -sfn "$(readlink -f "$k/$l")" "$2/$l" || return 1
	done
	sed -i "s|^KBUILD_OUTPUT=.*|KBUILD_OUTPUT=$2|" "$2/Makefile" || return 1
	for f in .config include/config/auto.conf include/generated/autoconf.h; do
		[ -e "$2/$f" ] || continue
		sed -i -E '/^(# )?CONFIG_OVPN[= ]|^#define CONFIG_OVPN(_MODULE)? /d' "$2/$f"
	done
	if [ -n "${3:-}" ]; then
		echo "CONFIG_OVPN=$3" >> "$2/.config"
		echo "CONFIG_OVPN=$3" >> "$2/include/config/auto.conf"
		if [ "$3" = m ]; then
			echo "#define CONFIG_OVPN_MODULE 1" >> "$2/include/generated/autoconf.h"
		else
			echo "#define CONFIG_OVPN 1" >> "$2/include/generated/autoconf.h"
		fi
	else
		echo "# CONFIG_OVPN is not set" >> "$2/.config"
	fi
}
# builds_by_default DIR: check-kernel.sh takes DIR (no opt-in) and says why
builds_by_default() {
	local rc=0
	env -u OVPN_ALLOW_INTREE_KERNEL "$TOP/scripts/check-kernel.sh" "$1" 2>"$tmp/err" || rc=$?
	cat "$tmp/err"
	echo "exit $rc"
	[ "$rc" -eq 0 ] && grep -q "is built without ovpn (CONFIG_OVPN is not set" "$tmp/err"
}

# The generated tree must exist and be up to date (the Makefile regenerates it when
# upstream.pin, VERSION, gentree or a patch changed) for the build checks to get past it.
make -s -C "$TOP" "$TOP/backports/PROVENANCE" >/dev/null 2>&1

if [ "${1:-}" = --can-fail ]; then
	# The suite can fail (tests/t-canfail.sh): the "older than $OVPN_KERNEL_MIN"
	# case given a tree of $OVPN_KERNEL_MIN itself, which is not too old: no
	# such error, so "not ok".
	fake_tree "$tmp/linux-min" "${OVPN_KERNEL_MIN%%.*}" "${OVPN_KERNEL_MIN#*.}" "$OVPN_KERNEL_MIN.0-1-amd64"
	expect_error "kernel older than $OVPN_KERNEL_MIN" "older than $OVPN_KERNEL_MIN" \
		make -s -C "$TOP" KERNEL_SRC="$tmp/linux-min"
	# ... and the "built without ovpn" case given a 7.3 copy with CONFIG_OVPN=m
	no_ovpn_copy debian-7.3 "$tmp/k73m" m
	check "7.3 copy without CONFIG_OVPN is taken by default, with the notice" builds_by_default "$tmp/k73m"
	tap_done
	exit 0
fi

before=$(cd "$TOP" && find backports -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)

expect_error "no kernel tree" "no kernel tree at /nonexistent" \
	make -s -C "$TOP" KERNEL_SRC=/nonexistent
expect_error "KVER without headers" "no kernel tree at /lib/modules/0.0.0-none/build" \
	make -s -C "$TOP" KVER=0.0.0-none

# A fake configured 4.19 tree.
fake_tree "$tmp/linux-4.19" 4 19 4.19.0-27-amd64
expect_error "kernel older than $OVPN_KERNEL_MIN" "older than $OVPN_KERNEL_MIN" \
	make -s -C "$TOP" KERNEL_SRC="$tmp/linux-4.19"

# A real 6.1 tree whose config lacks STREAM_PARSER and CRYPTO_CHACHA20POLY1305.
cfg="$tmp/k61"
k61_nocfg() {
	local k61
	k61=$("$TOP/devel/fetch-kernel.sh" debian-6.1) &&
		cp -as "$k61" "$cfg" && rm "$cfg/.config" &&
		grep -vE '^CONFIG_(STREAM_PARSER|CRYPTO_CHACHA20POLY1305)=' "$k61/.config" > "$cfg/.config"
}
check "a debian-6.1 tree whose .config lacks two options" k61_nocfg
if passed; then
	expect_error "config lacks needed options (named)" \
		"lacks what ovpn needs: .*CONFIG_STREAM_PARSER.*CONFIG_CRYPTO_CHACHA20POLY1305" \
		make -s -C "$TOP" KERNEL_SRC="$cfg"
else
	not_run "config lacks needed options (named)" "no debian-6.1 tree"
fi

# A kernel that ships ovpn itself: DKMS "skip" exit code 77 with the reason.
refused_77() {
	local k73 rc=0
	k73=$("$TOP/devel/fetch-kernel.sh" debian-7.3) || return 1
	"$TOP/scripts/check-kernel.sh" "$k73" 2>"$tmp/err" || rc=$?
	cat "$tmp/err"
	echo "exit $rc"
	[ "$rc" -eq 77 ] && grep -q "ships ovpn in-tree" "$tmp/err"
}
check "$OVPN_KERNEL_INTREE+ kernel is refused with exit 77 and the reason" refused_77

# Kernels of $OVPN_KERNEL_INTREE and later are decided by their configuration: built
# without ovpn, they take this backport by default (a notice says so); with
# CONFIG_OVPN=m they keep their own module (exit 77, as above).
for k in debian-7.2.12+deb13 debian-7.3; do
	check "${k#debian-}: a copy of its headers without CONFIG_OVPN" no_ovpn_copy "$k" "$tmp/$k-noovpn"
	check "${k#debian-} copy without CONFIG_OVPN is taken by default, with the notice" \
		builds_by_default "$tmp/$k-noovpn"
	check "${k#debian-}: the same copy with CONFIG_OVPN=m" no_ovpn_copy "$k" "$tmp/$k-m" m
	expect_error "${k#debian-} copy with CONFIG_OVPN=m is skipped (exit 77) as before" "ships ovpn in-tree" \
		env -u OVPN_ALLOW_INTREE_KERNEL "$TOP/scripts/check-kernel.sh" "$tmp/$k-m"
done
# built_without_ovpn KERNEL: build.sh (what make runs) builds the copy of
# KERNEL without CONFIG_OVPN (no opt-in): the module, its probe report and the notice
built_without_ovpn() {
	local k="$1" out="$tmp/b-$1" rel
	rel=$(sed -n 's/.*UTS_RELEASE "\(.*\)".*/\1/p' "$tmp/$k-noovpn/include/generated/utsrelease.h")
	env -u OVPN_ALLOW_INTREE_KERNEL "$TOP/scripts/build.sh" --quiet "$tmp/$k-noovpn" "$out" \
		>"$tmp/b.out" 2>"$tmp/b.err"
	cat "$tmp/b.out" "$tmp/b.err"
	grep -q ' built=yes warnings=0 undefined=0 ' "$tmp/b.out" &&
		test -s "$out/ovpn.ko" &&
		grep -q "^# ovpn-backports probe report: kernel $rel " "$out/probe-report.txt" &&
		grep -q "kernel $rel is built without ovpn" "$tmp/b.err"
}
for k in debian-7.2.12+deb13 debian-7.3; do
	if [ -d "$tmp/$k-noovpn" ]; then
		check "${k#debian-} copy without CONFIG_OVPN: ovpn.ko built (zero warnings, no undefined symbols), probe report, notice" \
			built_without_ovpn "$k"
	else
		not_run "${k#debian-} copy without CONFIG_OVPN: ovpn.ko built" "no copy of its headers"
	fi
done

# Unreachable or wrong upstream refs; the generated tree stays as it was.
expect_error "unreachable git upstream" "cannot reach ref 'v7.3.4' at https://git.invalid/linux.git" \
	make -s -C "$TOP" sources UPSTREAM=git:https://git.invalid/linux.git@v7.3.4
git init -q "$tmp/repo"
git -C "$tmp/repo" -c user.email=t@t -c user.name=t commit -q --allow-empty -m empty
expect_error "wrong ref in a reachable repo" "cannot reach ref 'v9.9.9'" \
	make -s -C "$TOP" sources UPSTREAM="git:file://$tmp/repo@v9.9.9"
expect_error "kernel tree without ovpn" "has no drivers/net/ovpn" \
	make -s -C "$TOP" sources UPSTREAM="$tmp/repo"
expect_error "unknown upstream source" "unknown source" \
	make -s -C "$TOP" sources UPSTREAM=/does/not/exist
# Debian's linux-source-6.1 exists (from the mirror or the cache) but has no
# ovpn: the error must say so about its tarball, not that the package could
# not be found or downloaded (an offline mirror fails here, and says why).
expect_error "Debian source without ovpn" \
	"linux-source-6\.1\.tar\.[a-z0-9]+ does not hold the ovpn sources" \
	make -s -C "$TOP" sources UPSTREAM=debian:linux-source-6.1

# A semantic patch that no longer matches: an upstream where the construct a
# patch undoes is present in a new place (a netdev_lock() outside
# ovpn_peer_add(), which patches/0303 must not rewrite unchecked). gentree
# stops naming the patch, the file and the line of that construct.
# mutated_upstream: the pin with a netdev_lock() in ovpn_peer_keepalive_set()
mutline=""
mutated_upstream() {
	local pristine f="$tmp/changed/src/drivers/net/ovpn/peer.c"
	pristine=$("$TOP/devel/fetch-upstream.sh" 2>/dev/null) &&
		cp -a "$pristine" "$tmp/changed" &&
		sed -i '/^void ovpn_peer_keepalive_set(/,/^}/s/^\tmod_delayed_work(/\tnetdev_lock(peer->ovpn->dev);\n&/' "$f" &&
		mutline=$(grep -n 'netdev_lock(peer->ovpn->dev);' "$f" | cut -d: -f1) && [ -n "$mutline" ]
}
nothing_half_written() {
	[ ! -e "$tmp/gen/backports" ] && [ -z "$(find "$tmp/gen" -name '.gentree.*')" ]
}
check "mutated upstream: netdev_lock() in ovpn_peer_keepalive_set()" mutated_upstream
if passed; then
	expect_error "construct in a new place stops gentree (one line: patch, file, line)" \
		"^gentree: 0303-netdev-lock.cocci: drivers/net/ovpn/peer.c:$mutline: netdev_lock\\(peer->ovpn->dev\\); is the construct" \
		"$TOP/devel/gentree.sh" --out "$tmp/gen/backports" "$tmp/changed"
	check "the error is one line" test "$(grep -c . "$tmp/err")" -eq 1
	check "failed transform leaves nothing half-written" nothing_half_written
else
	not_run "construct in a new place stops gentree (one line: patch, file, line)" "no mutated upstream"
	not_run "the error is one line" "no mutated upstream"
	not_run "failed transform leaves nothing half-written" "no mutated upstream"
fi

# The private apt configuration takes the machine's mirrors: deb822 and
# one-line sources, a disabled stanza left out; none at all is one line
apt_sources() {
	mkdir -p "$tmp/apt/sources.list.d"
	printf '%s\n' "Types: deb" "URIs: http://off.example/debian" "Suites: bookworm" "Enabled: no" "" \
		"Types: deb deb-src" "URIs: http://mirror.example/debian/" "Suites: bookworm bookworm-updates" \
		"Components: main" > "$tmp/apt/sources.list.d/debian.sources"
	echo "deb [arch=amd64] http://sec.example/debian-security bookworm-security main" > "$tmp/apt/sources.list"
	[ "$("$TOP/devel/apt-mirror.sh" --sources "$tmp/apt")" = "http://mirror.example/debian http://sec.example/debian-security" ]
}
check "apt-mirror.sh: the Debian and security mirrors of a machine's apt sources" apt_sources
mkdir -p "$tmp/noapt"
expect_error "apt-mirror.sh: no Debian mirror in the apt sources (one line: what to set)" \
	"^apt-mirror.sh: no Debian archive in .*: set APT_FETCH_MIRROR$" "$TOP/devel/apt-mirror.sh" --sources "$tmp/noapt"

# vmtest.sh --image: an image that cannot boot the guest is refused before
# anything is built or booted, in one line naming what it lacks (no qemu).
# fake_image DIR RELEASE: boot/vmlinuz-RELEASE (a bzImage boot header whose
# version string says RELEASE), boot/config-RELEASE with every option the
# guest needs but CONFIG_9P_FS, an empty lib/modules/RELEASE
fake_image() {
	local bz="$1/boot/vmlinuz-$2" o
	mkdir -p "$1/boot" "$1/lib/modules/$2" &&
		head -c 4096 /dev/zero > "$bz" &&
		printf 'HdrS' | dd of="$bz" bs=1 seek=$((0x202)) conv=notrunc status=none &&
		printf '\x00\x04' | dd of="$bz" bs=1 seek=$((0x20e)) conv=notrunc status=none &&
		printf '%s (fake) #1\0' "$2" | dd of="$bz" bs=1 seek=$((0x600)) conv=notrunc status=none &&
		for o in BLK_DEV_INITRD DEVTMPFS VIRTIO_PCI NET_9P_VIRTIO OVERLAY_FS VIRTIO_BLK EXT4_FS \
			SERIAL_8250_CONSOLE NET_NS VETH; do echo "CONFIG_$o=y"; done > "$1/boot/config-$2"
}
mkdir -p "$tmp/img-empty/lib/modules/6.1.0-99-amd64"
expect_error "vmtest --image: a directory without a kernel (one line)" \
	"^vmtest: --image $tmp/img-empty: no kernel in it \(boot/vmlinuz-RELEASE" \
	"$TOP/tests/vm/vmtest.sh" --image "$tmp/img-empty" --tests test.sh
check "a fake image 6.1.0-99-amd64 whose configuration lacks CONFIG_9P_FS" fake_image "$tmp/img" 6.1.0-99-amd64
expect_error "vmtest --image: a configuration without CONFIG_9P_FS, named (one line)" \
	"^vmtest: image-6\.1\.0-99-amd64: its configuration \(.*/boot/config-6\.1\.0-99-amd64\) lacks what the guest needs: CONFIG_9P_FS \(" \
	"$TOP/tests/vm/vmtest.sh" --image "$tmp/img" --tests test.sh
echo "CONFIG_9P_FS=m" >> "$tmp/img/boot/config-6.1.0-99-amd64"
expect_error "vmtest --image: 9p as a module the module tree lacks, named (one line)" \
	"^vmtest: image-6\.1\.0-99-amd64: its module tree \(.*\) lacks modules the guest loads: 9p\.ko \(CONFIG_9P_FS=m\)$" \
	"$TOP/tests/vm/vmtest.sh" --image "$tmp/img" --tests test.sh
mkdir -p "$tmp/img/lib/modules/6.1.0-99-amd64/kernel/fs/9p"
: > "$tmp/img/lib/modules/6.1.0-99-amd64/kernel/fs/9p/9p.ko.xz"
img_state() { find "$tmp/img" "$tmp/img-empty" -printf '%p %s %T@\n' | sort; }
img_before=$(img_state)
expect_error "vmtest --image: no build tree and no --module (one line)" \
	"^vmtest: image-6\.1\.0-99-amd64: no kernel build tree .*: give --module" \
	"$TOP/tests/vm/vmtest.sh" --image "$tmp/img" --tests test.sh
check "vmtest --image: the image directories are left as they were" test "$(img_state)" = "$img_before"
expect_error "make selftest: a test that is not for a real machine (one line)" \
	"^selftest: 'nldiff' is not a test for a real machine" "$TOP/tests/selftest/run.sh" --tests nldiff

after=$(cd "$TOP" && find backports -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
check "backports/ untouched by every failed run" test "$before" = "$after"
tap_done
