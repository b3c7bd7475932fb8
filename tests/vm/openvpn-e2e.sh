#!/usr/bin/env bash
# OpenVPN 2.7 end-to-end over the ovpn module (DCO): a server and a client in
# two network namespaces, certificates made at test time (self-signed,
# peer-fingerprint), UDP and TCP x AES-256-GCM and CHACHA20-POLY1305, plus a
# p2p-mode run. Runs inside the test guest (as root, ovpn.ko installed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/guest-lib.sh
. "$here/guest-lib.sh"
# shellcheck source=tests/vm/openvpn-lib.sh
. "$here/openvpn-lib.sh"

usage() {
	cat <<'USAGE'
Usage: openvpn-e2e.sh --tools DIR --results DIR [--cases LIST]

DIR of --tools is the output of tests/vm/build-tools.sh (openvpn/run-openvpn,
the ynl cli). Cases (default: all): autoload udp-aes udp-chacha tcp-aes
tcp-chacha p2p. autoload is udp-aes started with ovpn NOT loaded (no modprobe):
openvpn must get DCO through the module's genl family alias, and before it
`openvpn --version` says "DCO version: N/A"; the module it loaded must be
the one guest.sh checked (RESULTS/../module.txt: ours in updates/, or in-tree).
Each case passes when both ends reach "Initialization Sequence Completed"
with DCO in use (the logs show "DCO version:" and "DCO device tun0 opened",
tun0 is an ovpn netdev, p2p also "P2P mode NCP negotiation result: ...
DATA_v2=1"), the negotiated cipher is the one asked for, ping crosses the
tunnel, and the ovpn per-peer counters (genetlink peer-get) moved on both ends.
Results: one line per case in RESULTS/../summary.tsv (VM_RESULTS), logs in RESULTS.
USAGE
}

tools=""
out=""
# tests.tsv: the rows the host expects, openvpn-CASE
cases=$(vm_rows openvpn | sed 's/^openvpn-//' | xargs)
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--tools) tools="$2"; shift 2 ;;
	--results) out="$2"; shift 2 ;;
	--cases) cases="${2//,/ }"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ -z "$tools" ] || [ -z "$out" ]; then usage >&2; exit 2; fi
vm_results_dir "$out"
openvpn="$tools/openvpn/run-openvpn"
# guest.sh's OVPN_YNL: ynl without the spec check it did once
ynl="${OVPN_YNL:-$tools/tree/tools/net/ynl/pyynl/cli.py}"
work=$(mktemp -d)
SRV=ovpn_e2e_srv
CLI=ovpn_e2e_cli
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
	ip netns del "$SRV" 2>/dev/null || true
	ip netns del "$CLI" 2>/dev/null || true
}
trap 'cleanup; rm -rf "$work"' EXIT

setup_net() {
	cleanup
	ovpn_netns_pair "$SRV" "$CLI"
}

# counters NS: the ovpn peers of tun0 in NS, as JSON (genetlink peer-get dump)
counters() { ovpn_peers "$1" "$ynl"; }

run_case() {
	local name="$1" mode proto cipher srvip d t0 why="" ns autoload=0 file want unload
	case "$name" in
	autoload) mode=server proto=udp cipher=AES-256-GCM autoload=1 ;;
	udp-aes) mode=server proto=udp cipher=AES-256-GCM ;;
	udp-chacha) mode=server proto=udp cipher=CHACHA20-POLY1305 ;;
	tcp-aes) mode=server proto=tcp cipher=AES-256-GCM ;;
	tcp-chacha) mode=server proto=tcp cipher=CHACHA20-POLY1305 ;;
	p2p) mode=p2p proto=udp cipher=AES-256-GCM ;;
	*) vm_result "openvpn-$name" fail 0 "unknown case"; return 1 ;;
	esac
	if [ "$mode" = p2p ]; then srvip=10.9.0.1; else srvip=10.8.0.1; fi
	# the case's files are written in the guest's tmpfs and copied to the
	# results at the end: openvpn's log (verb 4: ~300 lines at start-up) written
	# line by line through the 9p results share took 6-10 s a start
	d="$work/$name"
	mkdir -p "$d"
	t0=$(vm_now)
	setup_net
	if [ "$autoload" = 1 ]; then
		# Nothing loads ovpn but openvpn itself (genl family alias, modules.alias).
		vm_unload > /dev/null || true
		[ ! -e /sys/module/ovpn ] || why="ovpn still loaded before the run; "
		grep -qw 'net-pf-16-proto-16-family-ovpn' "/lib/modules/$(uname -r)/modules.alias" ||
			why="${why}no genl family alias for ovpn in modules.alias; "
		"$openvpn" --version > "$d/version-before.txt" 2>&1 || true
		grep -q '^DCO version: N/A' "$d/version-before.txt" ||
			why="${why}openvpn --version before the load: $(grep 'DCO version' "$d/version-before.txt" || echo 'no DCO version line'); "
	else
		modprobe ovpn
	fi
	ovpn_conf "$work" server "$mode" "$proto" "$cipher" > "$d/server.conf"
	ovpn_conf "$work" client "$mode" "$proto" "$cipher" > "$d/client.conf"
	ip netns exec "$SRV" "$openvpn" --config "$d/server.conf" --log "$d/server.log" &
	pids+=($!)
	# the client starts once the server's socket is there
	vm_wait_for 30 ip netns exec "$SRV" ss -Hln "sport = :1194" -A "$proto" || true
	ip netns exec "$CLI" "$openvpn" --config "$d/client.conf" --log "$d/client.log" &
	pids+=($!)

	if ! vm_wait_for 90 grep -q 'Initialization Sequence Completed' "$d/server.log" ||
		! vm_wait_for 30 grep -q 'Initialization Sequence Completed' "$d/client.log"; then
		why="no 'Initialization Sequence Completed' within 120 s; "
	fi
	for ns in server client; do
		grep -q 'DCO version:' "$d/$ns.log" || why="$why$ns: no 'DCO version:'; "
		grep -q 'DCO device tun0 opened' "$d/$ns.log" || why="$why$ns: no 'DCO device tun0 opened'; "
		! grep -qi 'disabling data channel offload' "$d/$ns.log" || why="$why$ns: DCO disabled; "
		vm_wait_for 30 grep -q "Data Channel: cipher '$cipher'" "$d/$ns.log" ||
			why="$why$ns: cipher $cipher not negotiated; "
	done
	if [ "$mode" = p2p ]; then
		grep -q 'P2P mode NCP negotiation result: .*DATA_v2=1' "$d/server.log" "$d/client.log" ||
			why="${why}no 'P2P mode NCP negotiation result: ... DATA_v2=1'; "
	fi
	for ns in "$SRV" "$CLI"; do
		ip -n "$ns" -j -d link show tun0 2>/dev/null | jq -e '.[0].linkinfo.info_kind == "ovpn"' >/dev/null ||
			why="$why$ns: tun0 is not an ovpn netdev; "
	done
	if ! ip netns exec "$CLI" ping -c 10 -i 0.2 -w 30 "$srvip" > "$d/ping.txt" 2>&1; then
		why="${why}ping $srvip through the tunnel failed; "
	fi
	ip netns exec "$CLI" ping -c 3 -s 1300 -w 20 "$srvip" >> "$d/ping.txt" 2>&1 ||
		why="${why}large ping $srvip failed; "
	for ns in "$SRV" "$CLI"; do
		if counters "$ns" > "$d/counters-$ns.json" 2>&1; then
			ovpn_moved "$d/counters-$ns.json" || why="$why$ns: per-peer counters did not move; "
		else
			why="$why$ns: peer-get failed; "
		fi
	done
	grep -h 'DCO version:' "$d/server.log" | head -n1 | sed 's/^/  /' > "$d/dco-version.txt" || true
	if [ "$autoload" = 1 ]; then
		# The module guest.sh checked (module.txt): ours, or the in-tree one on 7.3.
		file=$(modinfo -n ovpn 2>/dev/null || true)
		want=$(sed -n 's/^file: //p' "$VM_RESULTS/module.txt" 2>/dev/null || true)
		if [ ! -e /sys/module/ovpn ]; then
			why="${why}openvpn ran without loading ovpn; "
		elif [ -n "$want" ] && [ "$file" != "$want" ]; then
			why="${why}the ovpn loaded is $file, not $want; "
		fi
	fi
	cleanup
	cp -r "$d" "$out/"
	unload=$(vm_unload) || why="${why}after the run: $unload; "
	if [ -z "$why" ]; then
		vm_result "openvpn-$name" pass $(($(vm_now) - t0)) "$proto $cipher $mode"
	else
		vm_result "openvpn-$name" fail $(($(vm_now) - t0)) "${why%; }"
		tail -n 8 "$d/server.log" "$d/client.log" 2>/dev/null | sed "s/^/vmtest: openvpn-$name: /" || true
		return 1
	fi
}

"$openvpn" --version | head -n1 > "$out/openvpn-version.txt"
ovpn_mkcert "$work" server
ovpn_mkcert "$work" client
rc=0
for c in $cases; do
	run_case "$c" || rc=1
done
exit "$rc"
