#!/usr/bin/env bash
# Tell which installed kernels DKMS will not build ovpn for, and why.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: dkms-notice.sh [--root DIR] [KERNEL_RELEASE...]

For each kernel release (default: every directory of DIR/lib/modules) outside
the range this backport supports (Linux 5.4 to 6.15), prints one line saying
that DKMS skips it and why. Kernels of 6.16 and later ship ovpn in-tree: they
keep their own module. Run by DKMS after `dkms add` (POST_ADD) and by the
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
	maj=${BASH_REMATCH[1]} min=${BASH_REMATCH[2]}
	code=$((maj * 256 + min))
	if [ "$code" -ge $((6 * 256 + 16)) ]; then
		echo "ovpn-dkms: kernel $k is skipped: Linux 6.16 and later ship ovpn in-tree; that kernel keeps its own ovpn module (this backport is for 5.4 to 6.15)"
	elif [ "$code" -lt $((5 * 256 + 4)) ]; then
		echo "ovpn-dkms: kernel $k is skipped: it is older than 5.4, the oldest this backport supports"
	fi
done
exit 0
