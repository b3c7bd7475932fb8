#!/usr/bin/env bash
# Fault paths under load: key swaps at full rate during traffic, transport
# socket closed under traffic (UDP, TCP), interface deleted while another
# process adds peers, namespace deleted with a live interface. Runs inside the
# test guest, as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/guest-lib.sh
. "$here/guest-lib.sh"

usage() {
	cat <<'USAGE'
Usage: faults.sh --results DIR [--test faults|faults-full] [--only NAME,...]

faults (make check): key-swap, tcp-close, iface-del, netns-del,
wrong-sockets once each with 1 s of traffic; faults-full: all seven below,
5 times with 10 s
(VMTEST_FAULT_ITERS, VMTEST_FAULT_SECONDS, VMTEST_FAULTS_ONLY override). One
result row each (the work is ovpnctl.py fault NAME...):
  fault-key-swap    P2P tunnel, ping floods both ways; both ends swap their key
                    slots as fast as they can (every 50th swap the secondary
                    key is deleted and installed again); afterwards, with a
                    new key on both ends (as a renegotiation would), the tunnel
                    must pass traffic
  fault-udp-close   the process owning one end's UDP socket is killed under
                    ping floods: its peer must go (transport-disconnect)
                    within 10 s, both interfaces must delete
  fault-tcp-close   the same over TCP
  fault-iface-del   one process adds MP peers as fast as it can, another deletes
                    the interface meanwhile: the adder must stop with an error,
                    no ovpn netdev may stay
  fault-netns-del   the interface in a namespace of its own, its peer's socket
                    in another, traffic flowing: the interface's namespace is
                    deleted; the peer must be released (logged within 20 s),
                    the socket's owner lives on
  fault-netns-kill  a namespace with P2P and MP (50 peers) interfaces, their
                    sockets and owners, under traffic: killed and deleted
  fault-wrong-sockets  peer-new with sockets whose protocol number says UDP or TCP but that
                    are raw, netlink or packet sockets: ours must refuse each
                    with ENOTSOCK (patches/0501); the in-tree module
                    (VM_EXPECT_MODULE=native) must accept exactly the kinds
                    upstream is known to take (raw4-udp, raw6-udp,
                    raw4-tcp-connected) and refuse the rest, said in the note
  fault-unload      afterwards ovpn must unload (rmmod bounded to 60 s) with no
                    ovpn netdev left and no "unregister_netdevice: waiting"
Each also fails on a kernel splat that appears while it runs (and on an
"unregister_netdevice: waiting"); panic_on_warn is set while they run.
USAGE
}

out=""
test=faults
only=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--results) out="$2"; shift 2 ;;
	--test) test="$2"; shift 2 ;;
	--only) export VMTEST_FAULTS_ONLY="${2//,/ }"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ -n "$out" ] || { usage >&2; exit 2; }
case "$test" in
faults) iters=${VMTEST_FAULT_ITERS:-1}; secs=${VMTEST_FAULT_SECONDS:-1} ;;
faults-full) iters=${VMTEST_FAULT_ITERS:-5}; secs=${VMTEST_FAULT_SECONDS:-10} ;;
*) usage >&2; exit 2 ;;
esac
# the faults of this test (each set, and VMTEST_FAULTS_ONLY: its rows in tests.tsv)
only=$(vm_rows "$test" | sed -n 's/^fault-//p' | grep -vx unload | xargs)
vm_results_dir "$out"
rc=0
t_all=$(vm_now)

vm_panic_on_warn
modprobe ovpn
# one python process for all (it starts slowly under TCG): a JSON line per fault
python3 "$here/ovpnctl.py" fault $only --iters "$iters" --secs "$secs" > "$out/faults.jsonl" \
	2> "$out/faults.log" || true
for f in $only; do
	j=$(jq -c --arg n "$f" 'select(.name == $n)' "$out/faults.jsonl" 2>/dev/null | tail -n1)
	why=""
	if [ -z "$j" ]; then
		why="no result (ovpnctl.py fault: $(tail -n 2 "$out/faults.log" | tr '\n' ' '))"
	elif [ "$(jq -r .ok <<<"$j")" != true ]; then
		why=$(jq -r .why <<<"$j")
	fi
	secs_f=$(jq -r '.seconds // 0 | floor' <<<"$j" 2>/dev/null || true)
	secs_f=${secs_f:-0}
	if [ -z "$why" ]; then
		vm_result "fault-$f" pass "$secs_f" "$(jq -r .note <<<"$j")"
	else
		vm_result "fault-$f" fail "$secs_f" "$why"
		rc=1
	fi
done
[ "$rc" = 0 ] || tail -n 5 "$out/faults.log" | sed "s/^/vmtest: $test: /"
tu=$(vm_now)
why=$(vm_unload 2>> "$out/unload.log") || true
vm_panic_on_warn off
if [ -z "$why" ]; then
	vm_result fault-unload pass $(($(vm_now) - tu)) "ovpn unloaded after $((tu - t_all)) s of fault tests"
else
	vm_result fault-unload fail $(($(vm_now) - tu)) "$why"
	rc=1
fi
exit "$rc"
