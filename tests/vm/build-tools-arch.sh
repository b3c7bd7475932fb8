#!/usr/bin/env bash
# Build (once, cached) the guest test tools of build-tools.sh for a guest of
# another architecture: the same selftests and ynl (scripts, any architecture)
# with ovpn-cli cross-built statically for that architecture against its own
# Debian libraries, and an openvpn/run-openvpn that runs the guest root
# image's OpenVPN (rootimg-arch.sh puts Debian's 2.7 there).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

usage() {
	cat <<'USAGE'
Usage: build-tools-arch.sh ARCH

Prints the directory holding the guest test tools for ARCH (arm64, s390x), laid out
as build-tools.sh's, building it first unless a cached copy exists:
  tree/...                   build-tools.sh's selftests, ynl and specs
  tree/.../ovpn-cli          cross-built statically with ARCH's compiler
                             (Debian's gcc-12-<triplet>) against bookworm's
                             ARCH libc6-dev, libnl-3-dev, libnl-genl-3-dev and
                             libmbedtls-dev (devel/apt-fetch.sh, a sysroot)
  openvpn/run-openvpn        runs /usr/sbin/openvpn of the guest's root image
The cache key covers build-tools.sh's output, ARCH and this script.
USAGE
}

log() { echo "build-tools-arch: $*" >&2; }
die() { echo "build-tools-arch: $*" >&2; exit 1; }
# shellcheck source=tests/vm/cache-publish.sh
. "$here/cache-publish.sh"

case "${1:-}" in
-h|--help) usage; exit 0 ;;
arm64) arch=arm64 cc=aarch64-linux-gnu-gcc-12 ;;
s390x) arch=s390x cc=s390x-linux-gnu-gcc-12 ;;
*) usage >&2; exit 2 ;;
esac
command -v "$cc" >/dev/null || die "no $cc (Debian: apt-get install gcc-12-${cc%-gcc-12})"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports"
base=$("$here/build-tools.sh")
key=$({ echo "$base" "$arch"; cat "$0"; } | sha256sum | cut -c1-16)
out="$cache/vmtools-$arch/$key"
mkdir -p "$cache/vmtools-$arch"
exec 9>"$cache/vmtools-$arch/.lock"
flock 9
if [ -e "$out/OK" ]; then echo "$out"; exit 0; fi

t0=$(date +%s)
tmp=$(mktemp -d "$cache/vmtools-$arch/.tmp.XXXXXX")
# shellcheck disable=SC2064 # expand now: the path is fixed
trap "rm -rf '$tmp'" EXIT
cp -a "$base/tree" "$tmp/tree"
log "fetching $arch's libraries for ovpn-cli"
"$top/devel/apt-fetch.sh" --deps bookworm --unpack "$tmp/sysroot" libc6-dev:"$arch" \
	libnl-3-dev:"$arch" libnl-genl-3-dev:"$arch" libmbedtls-dev:"$arch" >/dev/null
st="$tmp/tree/tools/testing/selftests/net/ovpn"
log "building ovpn-cli for $arch (static)"
rm -f "$st/ovpn-cli"
"$cc" --sysroot="$tmp/sysroot" -static -O2 -Wall -Wno-maybe-uninitialized \
	-I "$tmp/tree/tools/include/uapi" -I "$tmp/tree/tools/testing/selftests" \
	-I "$tmp/sysroot/usr/include/libnl3" \
	"$st/ovpn-cli.c" -o "$st/ovpn-cli" \
	-lnl-genl-3 -lnl-3 -lmbedtls -lmbedcrypto -lpthread -lm 2>"$tmp/cc.log" ||
	{ cat "$tmp/cc.log" >&2; die "ovpn-cli did not build for $arch"; }
grep -E 'error|warning:' "$tmp/cc.log" | grep -v 'statically linked applications' >&2 || true
rm -rf "$tmp/sysroot" "$tmp/cc.log"
mkdir -p "$tmp/openvpn"
cat > "$tmp/openvpn/run-openvpn" <<'RUN'
#!/bin/sh
# OpenVPN of the guest's root image (tests/vm/rootimg-arch.sh)
exec /usr/sbin/openvpn "$@"
RUN
chmod +x "$tmp/openvpn/run-openvpn"
cache_publish "$tmp" "$out" "$t0"
