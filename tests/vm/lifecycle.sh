#!/usr/bin/env bash
# Module life cycle under load: load ovpn, create two P2P interfaces in two
# namespaces with a peer and a key each, run traffic through the tunnel, and
# rmmod the module with the peers up and the traffic still running; N times.
# Runs inside the test guest, as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/guest-lib.sh
. "$here/guest-lib.sh"

usage() {
	cat <<'USAGE'
Usage: lifecycle.sh --results DIR [--iterations N] [--cli PATH/ovpn-cli]

Each iteration: modprobe ovpn; ovpn-cli new_iface/new_peer/new_key in two
namespaces (UDP, AES-GCM); check that ping crosses the tunnel; start a ping
flood; rmmod ovpn while it runs (bounded: 60 s). Fails when the tunnel does
not pass traffic, rmmod fails or hangs, /sys/module/ovpn stays, an ovpn netdev
survives the unload, a namespace cannot be deleted afterwards, or the kernel
logs a splat (Oops/BUG/WARNING/refcount_t/unregister_netdevice waiting).
Writes one lifecycle line to VM_RESULTS/summary.tsv and logs to DIR.
USAGE
}

out=""
iters=50
cli="${OVPN_CLI:-}"
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--results) out="$2"; shift 2 ;;
	--iterations) iters="$2"; shift 2 ;;
	--cli) cli="$2"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ -z "$out" ] || [ -z "$cli" ]; then usage >&2; exit 2; fi
vm_results_dir "$out"
# the log is written in the guest's tmpfs and copied to DIR at the exit: an
# append through the 9p results share costs a round trip to the host each
log=$(mktemp)
A=ovpn_lc_a
B=ovpn_lc_b
key="$(dirname "$cli")/data64.key"
ping_pids=()

stop_traffic() {
	local p
	for p in "${ping_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${ping_pids[@]}"; do wait "$p" 2>/dev/null || true; done
	ping_pids=()
}
cleanup() {
	stop_traffic
	vm_kill_ovpn_cli
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	cp "$log" "$out/lifecycle.log" && rm -f "$log"
}
trap cleanup EXIT

run() { echo "# [$(cut -d" " -f1 /proc/uptime)] $*" >> "$log"; "$@" >> "$log" 2>&1; }

no_udp_socket() {
	! ip netns exec "$1" ss -Huan | grep -q ':1194 '
}

# one_iteration I: returns non-zero with a reason in $why
one_iteration() {
	local i="$1" unload
	why=""
	run modprobe ovpn || { why="modprobe ovpn failed"; return 1; }
	run ip netns exec "$A" "$cli" new_iface tun0 P2P || { why="new_iface A"; return 1; }
	run ip netns exec "$B" "$cli" new_iface tun0 P2P || { why="new_iface B"; return 1; }
	run ip -n "$A" addr add 10.9.9.1/24 dev tun0
	run ip -n "$B" addr add 10.9.9.2/24 dev tun0
	run ip netns exec "$A" "$cli" new_peer tun0 1 10 1194 10.202.0.2 1194 || { why="new_peer A"; return 1; }
	run ip netns exec "$B" "$cli" new_peer tun0 10 1 1194 10.202.0.1 1194 || { why="new_peer B"; return 1; }
	run ip netns exec "$A" "$cli" new_key tun0 1 1 0 aes 0 "$key" || { why="new_key A"; return 1; }
	run ip netns exec "$B" "$cli" new_key tun0 10 1 0 aes 1 "$key" || { why="new_key B"; return 1; }
	run ip -n "$A" link set tun0 up
	run ip -n "$B" link set tun0 up
	if ! run ip netns exec "$A" ping -c 1 -w 10 10.9.9.2; then
		why="no traffic through the tunnel (iteration $i)"
		run ip netns exec "$A" ss -uanmp || true
		run ip netns exec "$B" ss -uanmp || true
		run ip netns exec "$A" "$cli" get_peer tun0 || true
		run ip netns exec "$B" "$cli" get_peer tun0 || true
		return 1
	fi
	# traffic both ways, still running at rmmod time
	ip netns exec "$A" ping -q -f -w 60 10.9.9.2 > /dev/null 2>&1 &
	ping_pids+=($!)
	ip netns exec "$B" ping -q -f -s 1200 -w 60 10.9.9.1 > /dev/null 2>&1 &
	ping_pids+=($!)
	sleep 1
	if [ "$i" = 1 ]; then
		run ip netns exec "$A" "$cli" get_peer tun0 || true
	fi
	unload=$(vm_unload) || { why="iteration $i: $unload"; return 1; }
	stop_traffic
	# the ovpn-cli daemons of new_peer held the sockets (as openvpn would)
	vm_kill_ovpn_cli
	# the peers' UDP sockets must go then
	vm_wait_for 10 no_udp_socket "$A" || { why="UDP socket of ns A still open 10 s after rmmod and its owner's exit"; return 1; }
	vm_wait_for 10 no_udp_socket "$B" || { why="UDP socket of ns B still open 10 s after rmmod and its owner's exit"; return 1; }
	if [ -n "$(vm_splats)" ]; then
		why="kernel splat in iteration $i: $(vm_splats | head -n1)"
		return 1
	fi
}

t0=$(vm_now)
modprobe -r ovpn 2>/dev/null || true
vm_netns_pair "$A" "$B" 10.202.0
why=""
done_iters=0
for i in $(seq 1 "$iters"); do
	echo "## iteration $i" >> "$log"
	if ! one_iteration "$i"; then
		break
	fi
	done_iters=$i
	[ $((i % 10)) != 0 ] || vm_log "lifecycle: $i/$iters iterations"
done
stop_traffic
if [ -z "$why" ]; then
	# the namespaces (and their veths and sockets) go away too
	if ! ip netns del "$A" || ! ip netns del "$B"; then
		why="cannot delete the namespaces"
	fi
	sleep 3
	if [ -n "$(vm_splats)" ]; then
		why="kernel splat after the namespaces went: $(vm_splats | head -n1)"
	fi
fi
if [ -z "$why" ]; then
	vm_result lifecycle pass $(($(vm_now) - t0)) "$done_iters load/traffic/rmmod cycles"
else
	vm_result lifecycle fail $(($(vm_now) - t0)) "after $done_iters good cycles: $why"
	tail -n 15 "$log" | sed 's/^/vmtest: lifecycle: /'
	exit 1
fi
