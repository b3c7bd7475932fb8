#!/usr/bin/env bash
# Install a built ovpn.ko for the kernel it was built for, then run depmod.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

usage() {
	cat <<'USAGE'
Usage: install.sh [--root DIR] OVPN_KO

Copies OVPN_KO to DIR/lib/modules/<its vermagic release>/updates/ovpn.ko and
runs depmod for that kernel. Refuses a module built for a kernel that is not
installed (no /lib/modules/<release>) unless --root is given. Then says so if
this machine's openvpn is older than 2.7, which does not use the module
(scripts/openvpn-check.sh).
USAGE
}
root=""
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--root) root="$2"; shift 2 ;;
esac
[ $# -eq 1 ] || { usage >&2; exit 2; }
ko="$1"
[ -f "$ko" ] || { echo "ovpn-backports: $ko not built yet: run make first" >&2; exit 1; }
rel=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
if [ -z "$root" ] && ! [ -d "/lib/modules/$rel" ]; then
	echo "ovpn-backports: $ko is for kernel $rel, which is not installed here (was it built against a reference tree?)" >&2
	exit 1
fi
dest="$root/lib/modules/$rel/updates"
install -D -m 644 "$ko" "$dest/ovpn.ko"
depmod ${root:+-b "$root"} "$rel"
echo "installed $dest/ovpn.ko"
"$here/openvpn-check.sh" >&2
