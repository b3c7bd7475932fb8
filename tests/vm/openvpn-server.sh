#!/usr/bin/env bash
# OpenVPN 2.7 as operators run a server, over the ovpn module (DCO): several
# clients on the server's LAN (a bridge), topology subnet over UDP, one
# scenario per run (--test openvpn-srv-CASE). Runs inside the test guest (as
# root, ovpn.ko installed); the scenarios are in openvpn-server-cases.sh and
# openvpn-server-more.sh, the run of four rows on one set-up
# (openvpn-srv-fast) in openvpn-server-fast.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/guest-lib.sh
. "$here/guest-lib.sh"
# shellcheck source=tests/vm/openvpn-lib.sh
. "$here/openvpn-lib.sh"
# shellcheck source=tests/vm/openvpn-server-cases.sh
. "$here/openvpn-server-cases.sh"
# shellcheck source=tests/vm/openvpn-server-fast.sh
. "$here/openvpn-server-fast.sh"
# shellcheck source=tests/vm/openvpn-server-more.sh
. "$here/openvpn-server-more.sh"

usage() {
	cat <<'USAGE'
Usage: openvpn-server.sh --tools DIR --test NAME --results DIR

DIR of --tools is the output of tests/vm/build-tools.sh (openvpn/run-openvpn,
the ynl cli). NAME is one scenario, openvpn-srv-CASE:
  three     a server (10.8.0.0/24, topology subnet, UDP) and three clients:
            each pings the server and both others; with IPv4 forwarding off
            in the server's namespace a client cannot reach another (the
            kernel routes client to client, not OpenVPN: no client-to-client
            option), with it on all can; 10 pings a->c move the vpn counters
            of a's and c's peers on the server by 10 each way, b's by less
            than 4; the server's peer table lists exactly the three, each
            VPN address with its client's LAN address; ip route saved
  iroute    client-a (ifconfig-push 10.8.0.50, iroute 10.99.0.0/24 from
            client-config-dir) has a network behind it; the server also has
            `route 10.99.0.0/24` (via 10.8.0.2, client-b's address) and pushes
            it: the iroute route (via 10.8.0.50, metric 100) must win over it
            (metric 200); the server and client-b reach 10.99.0.2, the host
            behind a reaches b, and those pings move a's and b's counters
  timeout   as iroute with keepalive 2 6 (the server's peers expire after
            12 s); client-a killed -9: the server logs "client-a/...
            [soft,ovpn-dco: ping expired]" 6 to 40 s later, a's peer and its
            iroute route are gone, b's peer stays and b still pings
  ipv6      IPv6 inside (server-ipv6 fd00:8::/64) and as transport: a
            dual-stack udp6 server with client-a over IPv4 and client-b over
            IPv6, then a tcp6-server with client-c (tcp6-client): each client
            pings the server and the others over IPv4 and IPv6 inside; the
            server's peer of each has the client's VPN IPv6 address, its LAN
            address of the transport's family as remote, and packets counted
  rekey     one client, the server with reneg-sec 8, 300 pings in 30 s: at
            least 2 "TLS: soft reset" in the server's log, the kernel's
            primary key-id (key-get) changed, under 5% lost, the peer's vpn
            counters moved by 285 or more, DCO still in use, no "Attempting to
            send data packet while data channel offload is in use"
  fallback  one client, three runs, each in userspace on a tun device (no
            ovpn netdev anywhere, no "DCO device tun0 opened") with the note
            that says why and a ping through: data-ciphers AES-256-CBC,
            compress lz4-v2 with allow-compression asym, and ovpn made
            unloadable (blacklist + install /bin/false in modprobe.d, module
            unloaded): "Kernel support for ovpn ... missing", ovpn stays
            unloaded
  float     client-a's packets to the server rewritten (nft SNAT in its
            namespace) to 10.201.0.21:40000 under 100 pings: the server's
            kernel peer (the same peer id) moves from 10.201.0.11 to it,
            OpenVPN logs "floated from ... to 10.201.0.21:40000" and its
            status file shows it, the rule took the flow, under 10% lost,
            10 pings after it move the peer's counters
  persist   client-a with persist-tun restarted by SIGUSR1: a second
            "Initialization Sequence Completed", "Preserving previous TUN/TAP
            instance: tun0", tun0 the same ifindex and still an ovpn netdev,
            one kernel peer on each side, 10 pings move both
  many      20 clients (one namespace each on the LAN, one certificate,
            duplicate-cn), all up with DCO, each pinging the server 3 times:
            the server's kernel peer table lists 20 peers, at the 20 LAN
            addresses, with 20 VPN addresses, each with 3 pings each way
  fast      one set-up, four rows (a run meant for the fast set): a UDP
            server (keepalive 1 3) with client-a (reneg-sec 4), -b and -c on its
            LAN, and beside it a tcp6 server (server-ipv6) with client-d on
            another LAN, all up at once; the pings between them at once;
            openvpn-srv-fast-three: as three, with 2 pings a pair;
            openvpn-srv-fast-tcp6: client-d pings the tcp6 server over IPv4
              and IPv6 inside, the server's TCP connection is from
              fd01::11, its peer has d's VPN IPv6 address and counted 6;
            openvpn-srv-fast-rekey: 100 pings a->server (10 s, from the
              set-up's end on, under the other rows' work) across a's
              renegotiations: 2 or more "TLS: soft reset" in a's log, the
              server's primary key-id of a changed while they ran (read
              every 0.2 s), under 5% lost, DCO kept, no data packet in
              OpenVPN;
            openvpn-srv-fast-timeout: client-b killed -9: the server logs
              "client-b/... [soft,ovpn-dco: ping expired]" 3 to 30 s after
              the kill (its time stamp), b's peer is gone, a's and c's
              stay, c still pings
            (the peers are read by ovpnpeers.py, one process a snapshot)
Each DCO scenario first requires every OpenVPN to reach "Initialization
Sequence Completed" with "DCO device tun0 opened", no "disabling data channel
offload" and tun0 an ovpn netdev. After it, ovpn unloads and nothing stays
(vm_unload). Results: one line in RESULTS/../summary.tsv (VM_RESULTS); the
logs, configurations, peer dumps (peers-*.json), routes (routes-*.txt) and
pings in RESULTS.
USAGE
}

tools=""
out=""
test=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--tools) tools="$2"; shift 2 ;;
	--results) out="$2"; shift 2 ;;
	--test) test="$2"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ -z "$tools" ] || [ -z "$out" ] || [ -z "$test" ]; then usage >&2; exit 2; fi
name=${test#openvpn-srv-}
case "$name" in
three|iroute|timeout|fallback|ipv6|rekey|float|persist|many|fast) ;;
*) echo "openvpn-server.sh: unknown test $test" >&2; exit 2 ;;
esac
vm_results_dir "$out"
openvpn="$tools/openvpn/run-openvpn"
# guest.sh's OVPN_YNL: ynl without the spec check it did once
ynl="${OVPN_YNL:-$tools/tree/tools/net/ynl/pyynl/cli.py}"
work=$(mktemp -d)
# the logs are written in the guest's tmpfs and copied to the results at the
# end (a line appended through the 9p results share is a round trip)
d="$work/$name"
mkdir -p "$d"
SRV=ovpn_s
CIPHER=AES-256-GCM
PROTO=udp                 # the server's transport (ovpn_conf's PROTO)
declare -A proto_of=()    # a client's transport, when not PROTO
BLACKLIST=/etc/modprobe.d/ovpn-test-unavailable.conf
pids=()
declare -A pid_of=()
why=""   # why the scenario failed (fail)
note=""  # what it found, for its row
row="$test"  # the row the end of the run writes (case_fast writes others first)
failed=""    # a row failed (verdict)

# fail WHY: one reason the scenario fails (they add up)
fail() { why="$why$*; "; }

# verdict ROW T0: ROW's result from why and note, seconds since T0; both
# cleared for the next row
verdict() {
	if [ -z "$why" ]; then
		vm_result "$1" pass $(($(vm_now) - $2)) "$note"
	else
		vm_result "$1" fail $(($(vm_now) - $2)) "${why%; }"
		tail -n 6 "$d"/*.log 2>/dev/null | sed "s/^/vmtest: $1: /" || true
		failed=1
	fi
	why="" note=""
}

cleanup() {
	local p ns
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
	for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^ovpn_/ {print $1}'); do
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -f "$BLACKLIST"
}
trap 'cleanup; rm -rf "$work"' EXIT

# ns_of NAME: the namespace of OpenVPN NAME (server, client-a, ...)
ns_of() { if [ "$1" = server ]; then echo "$SRV"; else echo "ovpn_${1#client-}"; fi; }

# start NAME CONF: OpenVPN NAME in its namespace with the configuration CONF
# (what it prints before its log is open goes to NAME.out, not the console:
# a "WARNING:" there would read as a kernel splat)
start() {
	: > "$d/$1.log"
	ip netns exec "$(ns_of "$1")" "$openvpn" --config "$2" --log "$d/$1.log" > "$d/$1.out" 2>&1 &
	pids+=($!)
	pid_of[$1]=$!
}

# server_up [LINE...]: the server accepting client-a, -b and -c, with LINEs
# added to its configuration; returns once its socket (PROTO) is there
server_up() {
	{
		ovpn_conf "$work" server server "$PROTO" "$CIPHER" server client-a client-b client-c
		printf '%s\n' "$@"
	} > "$d/server.conf"
	start server "$d/server.conf"
	vm_wait_for 30 ip netns exec "$SRV" ss -Hln "sport = :1194" -A "${PROTO%6}" ||
		fail "server: no $PROTO socket on :1194 within 30 s"
}

# clients_up NAME...: those clients started, then every OpenVPN of the
# scenario up with DCO
clients_up() {
	local n
	for n in "$@"; do
		ovpn_conf "$work" client server "${proto_of[$n]:-$PROTO}" "$CIPHER" "$n" server > "$d/$n.conf"
		start "$n" "$d/$n.conf"
	done
	for n in server "$@"; do
		if ! vm_wait_for 90 grep -q 'Initialization Sequence Completed' "$d/$n.log"; then
			fail "$n: no 'Initialization Sequence Completed' within 90 s"
			continue
		fi
		dco_used "$n"
	done
}

# dco_used NAME: OpenVPN NAME has its data channel in the kernel
dco_used() {
	grep -q 'DCO device tun0 opened' "$d/$1.log" || fail "$1: no 'DCO device tun0 opened'"
	! grep -qi 'disabling data channel offload' "$d/$1.log" || fail "$1: DCO disabled"
	[ "$(tun_kind "$(ns_of "$1")")" = ovpn ] || fail "$1: tun0 is not an ovpn netdev"
}

# rekey_kept PINGS: what client-a's renegotiations under PINGS pings
# ($d/ping-rekey.txt) must leave: under 5% lost, DCO in use by the server and
# client-a, no data packet in OpenVPN; sets loss (the percentage lost)
rekey_kept() {
	loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$d/ping-rekey.txt")
	awk -v l="${loss:-100}" 'BEGIN { exit !(l < 5) }' || fail "${loss:-100}% of $1 pings lost (bound: 5%)"
	dco_used server
	dco_used client-a
	! grep -q 'Attempting to send data packet while data channel offload is in use' "$d"/*.log ||
		fail "a data packet reached OpenVPN"
}

# tun_kind NS: the kind of NS's tun0 (ovpn, tun, none)
tun_kind() {
	ip -n "$1" -j -d link show tun0 2>/dev/null | jq -r '.[0].linkinfo.info_kind // "none"' ||
		echo none
}

# vpn_ip NS [inet6]: the IPv4 (IPv6) address of NS's tun0
vpn_ip() {
	ip -n "$1" -j addr show dev tun0 scope global 2>/dev/null | jq -r --arg f "${2:-inet}" \
		'[.[0].addr_info[] | select(.family == $f) | .local][0] // "none"'
}

# pings NS DST COUNT: COUNT pings from NS to DST answered (ping.txt)
pings() {
	echo "== $1 -> $2" >> "$d/ping.txt"
	ip netns exec "$1" ping -c "$3" -i 0.2 -w 20 "$2" >> "$d/ping.txt" 2>&1
}

# peers NS FILE: NS's ovpn peers (peer-get dump) into $d/peers-FILE.json
peers() {
	ovpn_peers "$1" "$ynl" > "$d/peers-$2.json" 2>&1 || fail "$1: peer-get dump failed ($2)"
}

# peer_field FILE VPNIP FIELD: FIELD of the peer of FILE (peers) with VPNIP
# ("none" without that peer or field)
peer_field() {
	jq -r --arg ip "$2" --arg f "$3" '[if type == "array" then .[] else . end | (.peer? // .)
		| select(.["vpn-ipv4"] == $ip) | .[$f] // "none"][0] // "none"' "$d/peers-$1.json" 2>/dev/null ||
		echo none
}

# delta A B VPNIP: the least growth of that peer's vpn rx and tx packets
# from peers file A to B (-1 when the peer is missing from either)
delta() {
	local k v a b min=-1
	for k in vpn-rx-packets vpn-tx-packets; do
		a=$(peer_field "$1" "$3" "$k")
		b=$(peer_field "$2" "$3" "$k")
		[[ "$a" =~ ^[0-9]+$ && "$b" =~ ^[0-9]+$ ]] || { echo -1; return; }
		v=$((b - a))
		if [ "$min" = -1 ] || [ "$v" -lt "$min" ]; then min=$v; fi
	done
	echo "$min"
}

# routes NS...: ip route of each NS into $d/routes-NS.txt
routes() {
	local ns
	for ns in "$@"; do ip -n "$ns" route show > "$d/routes-$ns.txt" 2>&1 || true; done
}

t0=$(vm_now)
"$openvpn" --version | head -n1 > "$out/openvpn-version.txt"
for n in server client client-a client-b client-c; do ovpn_mkcert "$work" "$n" & done
wait
modprobe ovpn
"case_$name"
cleanup
cp -r "$d/." "$out/"
unload=$(vm_unload) || fail "after the run: $unload"
verdict "$row" "$t0"
[ -z "$failed" ] || exit 1
