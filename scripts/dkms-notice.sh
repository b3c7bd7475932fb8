#!/usr/bin/env bash
# Tell which installed kernels DKMS will not build ovpn for, and why.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/kernel-tree.sh
. "$here/kernel-tree.sh"

usage() {
	cat <<USAGE
Usage: dkms-notice.sh [--root DIR] [KERNEL_RELEASE...]

For each kernel release (default: every directory of DIR/lib/modules) outside
the range this backport supports (Linux $(krange_text), scripts/kernel-range.conf),
prints one line saying that DKMS skips it and why. Kernels of $OVPN_KERNEL_INTREE and
later with ovpn (CONFIG_OVPN=y/m in DIR/lib/modules/K/build/.config, or no
configuration to tell) keep their own module, unless the user opted in
(OVPN_ALLOW_INTREE_KERNEL=1, in the environment or DIR/etc/dkms/ovpn.conf);
those built without ovpn get this backport, and a line says so.
Run by DKMS after \`dkms add\` (POST_ADD), by scripts/dkms-kernels.sh and by the
.deb/.rpm install scripts. Always exits 0.
USAGE
}
root=""
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--root) root="$2"; shift 2 ;;
esac

kernels=("$@")
if [ ${#kernels[@]} -eq 0 ]; then
	for d in "$root"/lib/modules/*/; do
		[ -d "$d" ] && kernels+=("$(basename "$d")")
	done
fi
for k in "${kernels[@]}"; do
	[[ "$k" =~ ^([0-9]+)\.([0-9]+) ]] || continue
	case "$(krange_class "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")" in
	intree)
		kbuild="$root/lib/modules/$k/build"
		if [ -r "$kbuild/.config" ] && ! ktree_has_ovpn "$kbuild"; then
			echo "ovpn-backports: kernel $k is built without ovpn (CONFIG_OVPN is not set): DKMS builds this backport for it"
		elif krange_allow_intree "$root"; then
			echo "ovpn-backports: kernel $k ships ovpn in-tree; OVPN_ALLOW_INTREE_KERNEL=1: the backport is built for it and is loaded instead of the kernel's own ovpn module (README: \"Kernels that ship ovpn\")"
		else
			echo "ovpn-backports: kernel $k is skipped: Linux $OVPN_KERNEL_INTREE and later ship ovpn in-tree; that kernel keeps its own ovpn module (this backport is for $(krange_text); README: OVPN_ALLOW_INTREE_KERNEL)"
		fi ;;
	below)
		echo "ovpn-backports: kernel $k is skipped: it is older than $OVPN_KERNEL_MIN, the oldest this backport supports" ;;
	esac
done
exit 0
