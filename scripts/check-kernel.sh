#!/usr/bin/env bash
# Check that a kernel tree can take the backported ovpn: it exists, is a
# supported version, and its .config has everything ovpn needs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/kernel-tree.sh
. "$here/kernel-tree.sh"

usage() {
	cat <<USAGE
Usage: check-kernel.sh [--allow-intree] KERNEL_DIR

Exits 0 if KERNEL_DIR is a configured kernel build tree of Linux $(krange_text)
(scripts/kernel-range.conf) whose .config enables what ovpn needs; otherwise
prints one line naming what is wrong (the missing options by name) and exits 1.
Exit 77 (the DKMS "skip" code) for kernels of $OVPN_KERNEL_INTREE and later whose .config
has ovpn (CONFIG_OVPN=y or =m: they keep their own module), unless --allow-intree
is given or OVPN_ALLOW_INTREE_KERNEL=1 is in the environment (README: the opt-in;
also used to build the native reference). A kernel of $OVPN_KERNEL_INTREE or later built
without ovpn takes this backport: one line on stderr says so.
USAGE
}

allow_intree=0
[ "${OVPN_ALLOW_INTREE_KERNEL:-}" != 1 ] || allow_intree=1
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--allow-intree) allow_intree=1; shift ;;
esac
[ $# -eq 1 ] || { usage >&2; exit 2; }
k="$1"

die() { echo "ovpn-backports: $*" >&2; exit "${2:-1}"; }

[ -d "$k" ] || die "no kernel tree at $k (install the kernel headers, e.g. linux-headers-\$(uname -r), or pass KERNEL_SRC=DIR / KVER=X)"
[ -f "$k/Makefile" ] || die "$k is not a kernel build tree (no Makefile)"
[ -f "$k/.config" ] || die "$k has no .config: configure the kernel first (make olddefconfig modules_prepare)"
read -r maj min sub < <(ktree_version "$k" || echo) && [ -n "${sub:-}" ] ||
	die "$k is not prepared (no include/generated/uapi/linux/version.h): run make modules_prepare there"
rel=$(ktree_release "$k")
case "$(krange_class "$maj" "$min")" in
below)
	die "kernel $rel is older than $OVPN_KERNEL_MIN, the oldest this backport supports" ;;
intree)
	if ! ktree_has_ovpn "$k"; then
		echo "ovpn-backports: kernel $rel is built without ovpn (CONFIG_OVPN is not set in its .config): building this backport for it" >&2
	elif [ "$allow_intree" != 1 ]; then
		die "kernel $rel ships ovpn in-tree (CONFIG_OVPN, since $OVPN_KERNEL_INTREE): use its own module, this backport is for $(krange_text) and for kernels built without ovpn (README: OVPN_ALLOW_INTREE_KERNEL=1 builds it anyway)" 77
	fi ;;
esac

# What drivers/net/Kconfig's OVPN depends on and selects (upstream, in-tree).
need=(NET INET MODULES DST_CACHE NET_UDP_TUNNEL STREAM_PARSER CRYPTO CRYPTO_AES
      CRYPTO_AEAD CRYPTO_GCM CRYPTO_CHACHA20POLY1305)
missing=()
for o in "${need[@]}"; do
	grep -qE "^CONFIG_${o}=(y|m)$" "$k/.config" || missing+=("CONFIG_$o")
done
if [ ${#missing[@]} -gt 0 ]; then
	die "kernel $rel lacks what ovpn needs: ${missing[*]} (enable them, =y or =m, and rebuild the kernel)"
fi
exit 0
