#!/usr/bin/env bash
# Build (once, cached) what the qemu guests run besides the kernel: the
# upstream ovpn selftests with tests/vm/patches/ applied, a static ovpn-cli, and
# OpenVPN 2.7 with its own (sid) libraries in a private prefix.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

usage() {
	cat <<'USAGE'
Usage: build-tools.sh [--force]

Prints the directory holding the guest test tools, building it first unless
a cached copy for the same inputs exists:
  tree/tools/testing/selftests/net/ovpn   selftests (+ ovpn-cli, built statically
                                          against the upstream uapi headers)
  tree/tools/net/ynl, tree/Documentation/netlink/specs
  openvpn/                                OpenVPN (Debian sid) + its libraries;
                                          run it with openvpn/run-openvpn
The selftests come from the pristine upstream copy (devel/fetch-upstream.sh,
the pin) with tests/vm/patches/*.patch applied in name order (plain patches
to the upstream tests, -p1 from the top of the kernel tree).
The cache key covers the pinned upstream, tests/vm/patches/ and this script.
Environment: XDG_CACHE_HOME (cache root), OPENVPN_PKG (default: openvpn, the
newest version in any Debian suite; pin with openvpn=VERSION).
USAGE
}

force=0
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--force) force=1 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

log() { echo "build-tools: $*" >&2; }
die() { echo "build-tools: $*" >&2; exit 1; }
# shellcheck source=tests/vm/cache-publish.sh
. "$here/cache-publish.sh"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports"
pristine=$("$top/devel/fetch-upstream.sh")
openvpn_pkg="${OPENVPN_PKG:-openvpn}"

patches=("$here"/patches/*.patch)
[ -e "${patches[0]}" ] || patches=()
key=$({
	cat "$pristine/PROVENANCE"
	for p in "${patches[@]}"; do basename "$p"; cat "$p"; done
	cat "$0"
	echo "$openvpn_pkg"
} | sha256sum | cut -c1-16)
out="$cache/vmtools/$key"
# One builder at a time: a second one waits and then finds the tools cached.
mkdir -p "$cache/vmtools"
exec 9>"$cache/vmtools/.lock"
flock 9
if [ "$force" = 0 ] && [ -e "$out/OK" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache/vmtools"
tmp=$(mktemp -d "$cache/vmtools/.tmp.XXXXXX")
# shellcheck disable=SC2064 # expand now: the path is fixed
trap "rm -rf '$tmp'" EXIT

t0=$(date +%s)
log "copying the selftests from $pristine"
mkdir -p "$tmp/tree/Documentation" "$tmp/tree/tools/include/uapi/linux"
cp -a "$pristine/src/tools/." "$tmp/tree/tools/"
# the specs and the schemas ynl validates them against (genetlink*.yaml)
cp -a "$pristine/src/Documentation/netlink" "$tmp/tree/Documentation/"
[ -f "$tmp/tree/Documentation/netlink/genetlink.yaml" ] ||
	die "the pristine copy lacks Documentation/netlink/genetlink.yaml (ynl needs it)"
# ovpn-cli is built with the uapi of the upstream release, not the host's
cp "$pristine/src/include/uapi/linux/"{ovpn.h,if_link.h,udp.h} "$tmp/tree/tools/include/uapi/linux/"
cp "$pristine/PROVENANCE" "$tmp/tree/"
for p in "${patches[@]}"; do
	log "applying $(basename "$p")"
	patch -d "$tmp/tree" -p1 -s --no-backup-if-mismatch -f -r - < "$p" >"$tmp/patch.log" 2>&1 ||
		{ sed 's/^/  /' "$tmp/patch.log" >&2; die "$(basename "$p") does not apply to $pristine"; }
done
rm -f "$tmp/patch.log"

st="$tmp/tree/tools/testing/selftests/net/ovpn"
log "building ovpn-cli (static)"
# The upstream uapi headers (ovpn.h, if_link.h, udp.h) come first: the host's
# are older than the ones the selftests were written for.
gcc -static -O2 -Wall -Wno-maybe-uninitialized \
	-I "$tmp/tree/tools/include/uapi" -I "$tmp/tree/tools/testing/selftests" \
	-I /usr/include/libnl3 \
	"$st/ovpn-cli.c" -o "$st/ovpn-cli" \
	-lnl-genl-3 -lnl-3 -lmbedtls -lmbedcrypto -lpthread -lm 2>"$tmp/cc.log" ||
	{ cat "$tmp/cc.log" >&2; die "ovpn-cli did not build (host packages: tests/vm/host-packages.txt)"; }
grep -E 'error|warning:' "$tmp/cc.log" | grep -v 'statically linked applications' >&2 || true

log "fetching $openvpn_pkg and its libraries"
pfx="$tmp/openvpn"
"$top/devel/apt-fetch.sh" --unpack "$pfx" "$openvpn_pkg" libc6 libcap-ng0 liblz4-1 liblzo2-2 \
	libnl-3-200 libnl-genl-3-200 libpam0g libpkcs11-helper1t64 libssl3t64 \
	libsystemd0 libaudit1 libzstd1 zlib1g libcap2 >/dev/null
cat > "$pfx/run-openvpn" <<'RUN'
#!/bin/sh
# Run the private OpenVPN through its own loader and libraries.
d=$(dirname "$(readlink -f "$0")")
exec "$d/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
	--library-path "$d/usr/lib/x86_64-linux-gnu" "$d/usr/sbin/openvpn" "$@"
RUN
chmod +x "$pfx/run-openvpn"
ver=$("$pfx/run-openvpn" --version | head -n1) || die "the private openvpn does not run"
log "$ver"
case "$ver" in
*DCO*) ;;
*) die "this openvpn has no DCO support" ;;
esac

cache_publish "$tmp" "$out" "$t0"
