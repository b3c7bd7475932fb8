#!/usr/bin/env bash
# IPv4 peers on dual-stack IPv6 UDP sockets (v4-mapped addresses): the data
# packets must go through ovpn's encapsulation hook, never to userspace.
# Runs inside the test guest, as root: the runtime check of the
# IPv6-mapped-IPv4 udp_encap shim (compat's V4MAPPED gate), run with the shim
# forced on and without it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/guest-lib.sh
. "$here/guest-lib.sh"

usage() {
	cat <<'USAGE'
Usage: v4mapped.sh --results DIR [--test v4mapped]

Two namespaces joined by a veth with IPv4 addresses only. Each end is a P2P
ovpn interface whose UDP socket is an IPv6 socket bound to [::]:1194 with
IPV6_V6ONLY off, its peer given as a v4-mapped address (::ffff:10.240.0.x):
the packets on the wire are IPv4, and no IPv4 UDP socket has the encap hook
(so only the IPv6 socket's setup can switch on the kernel's IPv4 encap path;
before the upstream fix a4a600dd301c, v5.12, it did not, and the shim does it).
Passes (ovpnctl.py v4mapped) when 20 pings cross the tunnel, the server's
per-peer counters show them, the server socket's receive queue stays empty
(userspace saw no data packet), and then a non-data (control) datagram sent
to that socket does show up in its queue (the check can see what reaches
userspace). With VM_MAKEVARS holding OVPN_FORCE_V4MAPPED_SHIM=1 (vmtest.sh
--make) the module must carry the shim (it imports udp_encap_enable); without
it, it must not (every matrix kernel has the fix). One result row: v4mapped.
USAGE
}

out=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--results) out="$2"; shift 2 ;;
	--test) shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ -n "$out" ] || { usage >&2; exit 2; }
vm_results_dir "$out"
t0=$(vm_now)
why=""

vm_panic_on_warn
modprobe ovpn
file=$(modinfo -n ovpn)
shim=no
nm -u "$file" 2>/dev/null | grep -qw udp_encap_enable && shim=yes
case " ${VM_MAKEVARS:-} " in
*" OVPN_FORCE_V4MAPPED_SHIM=1 "*)
	mode="shim forced on (OVPN_FORCE_V4MAPPED_SHIM=1)"
	[ "$shim" = yes ] || why="built with OVPN_FORCE_V4MAPPED_SHIM=1 but $file does not import udp_encap_enable" ;;
*)
	mode="no shim (the kernel's own udp_encap fix)"
	[ "$shim" = no ] || why="$file imports udp_encap_enable: the shim is compiled in on a kernel that has the fix" ;;
esac
if [ -z "$why" ]; then
	python3 "$here/ovpnctl.py" v4mapped > "$out/v4mapped.json" 2> "$out/v4mapped.log" || true
	[ "$(jq -r .ok "$out/v4mapped.json" 2>/dev/null)" = true ] ||
		why="$(jq -r '.why // empty' "$out/v4mapped.json" 2>/dev/null)"
	[ -n "$why" ] || [ "$(jq -r .ok "$out/v4mapped.json" 2>/dev/null)" = true ] ||
		why="ovpnctl.py v4mapped failed: $(tail -n 2 "$out/v4mapped.log" | tr '\n' ' ')"
fi
unload=$(vm_unload) || why="${why:+$why; }$unload"
vm_panic_on_warn off
if [ -z "$why" ]; then
	vm_result v4mapped pass $(($(vm_now) - t0)) "$mode: $(jq -r .note "$out/v4mapped.json")"
else
	vm_result v4mapped fail $(($(vm_now) - t0)) "$mode: $why"
	exit 1
fi
