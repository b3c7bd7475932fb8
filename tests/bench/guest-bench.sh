#!/usr/bin/env bash
# The benchmark inside the test guest (started by guest.sh for the "bench"
# test): for each repetition, every variant once, in the same order (a b c a b
# c ...), so that drift of the emulated machine hits every variant alike. One
# JSON line per variant and repetition goes to RESULTS/raw.jsonl.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/guest-lib.sh
. "$here/../vm/guest-lib.sh"
# shellcheck source=tests/vm/openvpn-lib.sh
. "$here/../vm/openvpn-lib.sh"

usage() {
	cat <<'USAGE'
Usage: guest-bench.sh --conf FILE --tools DIR --results DIR

FILE (written by tests/bench/bench.sh) sets BENCH_VARIANTS, BENCH_REPS,
BENCH_SECONDS (iperf3 -t), BENCH_OMIT (iperf3 -O), BENCH_PINGS, BENCH_UDP_RATE
(iperf3 -b, the fixed offered load), BENCH_TUN_MTU (the tunnel's MTU on both
ends; empty: OpenVPN's default) and, on a kernel with an in-tree ovpn,
BENCH_OURS_KO (our ovpn.ko, loaded with insmod in place of the in-tree one).
Deterministic mode (the guest runs under qemu -icount with
tests/bench/icount-plugin.c): BENCH_ICOUNT_MARK (tests/bench/icount-mark.c,
built static), BENCH_BYTES, BENCH_PAYLOAD (default 1200) and BENCH_PROFILE;
per variant and repetition, one iperf3 UDP transfer of BENCH_BYTES at
BENCH_UDP_RATE in datagrams of BENCH_PAYLOAD bytes runs
between the plugin's markers, which count the guest instructions of the
whole machine meanwhile, user and kernel apart (per byte delivered), and
the Ip FragCreates/ReasmReqds and Tcp RetransSegs of both namespaces (and
the datagrams delivered, for the instructions per packet). The
guest's clock then counts instructions and skips idle time: its seconds
are no wall-clock time. BENCH_PROFILE=1 (the plugin's per-function profile):
each measurement's directory gets the guest's kernel text symbols after the
transfer, its modules' included (kallsyms.txt, for icount-profile.py).
BENCH_CPU_MODULES=1: first the modules udev loads on a real machine for the
CPU's features (modprobe of /sys/devices/system/cpu/modalias; on 7.3
aesni-intel, kvm-amd, ccp); the guest has no udev; the list of modules then
loaded goes to guest-info.txt. BENCH_LATENCY=1 (deterministic): 50 pings
through the idle tunnel first, then pings every 10 ms during the transfer
(inside the window: they count); round trips in guest-clock ms.
BENCH_NETEM_LOSS=PCT: after the setup, both ends of the veth pair lose PCT %
of what they send (netem), in any mode.

A variant is KIND[-PROTO-CIPHER][.MODULE]:
  veth             iperf3 over the plain veth pair (the guest's ceiling)
  cli-udp-C        two ovpn P2P ifaces set up with ovpn-cli (no OpenVPN)
  dco-P-C          OpenVPN 2.7 server+client, data channel in ovpn (DCO)
  user-P-C         the same OpenVPN with --disable-dco (tun + userspace crypto)
  wg               the kernel's WireGuard between the same two namespaces
                   (ChaCha20-Poly1305 over UDP; wg of wireguard-tools)
  mp-N             deterministic only: an ovpn MP interface with N peers
                   (AES-256-GCM; tests/vm/ovpnctl.py mp-bench), BENCH_MP_PACKETS
                   datagrams of BENCH_PAYLOAD bytes sent through it in turn to
                   each peer, whose endpoints drop them: the server's side,
                   instructions per packet (a window without packets, the
                   sender's start and exit, subtracted)
  P: udp|tcp, C: aes (AES-256-GCM) | chacha (CHACHA20-POLY1305)
  MODULE: ours (default) | intree (the kernel's own ovpn)
Per variant and repetition: iperf3 TCP 1 and 4 streams, UDP at the fixed
load (loss, received throughput), BENCH_PINGS pings (median, p99) and the
guest's busy CPU seconds per GB received during the 1-stream run.
USAGE
}

conf="" tools="" out=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--conf) conf="$2"; shift 2 ;;
	--tools) tools="$2"; shift 2 ;;
	--results) out="$2"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ -z "$conf" ] || [ -z "$tools" ] || [ -z "$out" ]; then usage >&2; exit 2; fi
# shellcheck disable=SC1090 # written by bench.sh for this run
. "$conf"
: "${BENCH_VARIANTS:?}" "${BENCH_REPS:?}" "${BENCH_SECONDS:?}" "${BENCH_PINGS:?}"
: "${BENCH_OMIT:=0}" "${BENCH_UDP_RATE:=50M}" "${BENCH_OURS_KO:=}"
: "${BENCH_ICOUNT_MARK:=}" "${BENCH_BYTES:=0}" "${BENCH_TUN_MTU:=}" "${BENCH_PROFILE:=0}"
: "${BENCH_CPU_MODULES:=0}" "${BENCH_PAYLOAD:=1200}" "${BENCH_LATENCY:=0}" "${BENCH_NETEM_LOSS:=}"
: "${BENCH_MP_PACKETS:=20000}"
vm_results_dir "$out"
raw="$out/raw.jsonl"
: > "$raw"

openvpn="$tools/openvpn/run-openvpn"
cli="$tools/tree/tools/testing/selftests/net/ovpn/ovpn-cli"
key="$tools/tree/tools/testing/selftests/net/ovpn/data64.key"
work=$(mktemp -d)
SRV=bench_srv
CLI=bench_cli
pids=()
hz=$(getconf CLK_TCK)

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
	vm_kill_ovpn_cli
	ip netns pids "$SRV" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns del "$SRV" 2>/dev/null || true
	ip netns del "$CLI" 2>/dev/null || true
}
trap 'cleanup; rm -rf "$work"' EXIT

# load_module ours|intree|none: exactly that ovpn is loaded (none: whichever
# modprobe picks stays as it is). Sets $module_info.
load_module() {
	local want="$1" taint
	module_info=""
	[ "$want" != none ] || return 0
	if [ -e /sys/module/ovpn ]; then
		why=$(vm_unload) || return 1
	fi
	if [ "$want" = ours ] && [ -n "$BENCH_OURS_KO" ]; then
		# the in-tree module's dependencies first, then ours under the same name
		modprobe ovpn && rmmod ovpn && insmod "$BENCH_OURS_KO" ||
			{ why="insmod $BENCH_OURS_KO failed"; return 1; }
	else
		modprobe ovpn || { why="modprobe ovpn failed"; return 1; }
	fi
	taint=$(cat /sys/module/ovpn/taint)
	# ours is out of tree (taint O), the in-tree one is not
	case "$want:$taint" in
	ours:*O*|intree:) ;;
	*) why="wanted the $want ovpn, the loaded one has taint '$taint'"; return 1 ;;
	esac
	module_info="$(cat /sys/module/ovpn/version 2>/dev/null || echo in-tree) taint=$taint"
}

setup_net() { ovpn_netns_pair "$SRV" "$CLI"; }

# setup_cli CIPHER: a P2P ovpn pair over UDP made with ovpn-cli
setup_cli() {
	local ns c=aes
	[ "$1" != CHACHA20-POLY1305 ] || c=chachapoly
	for ns in "$SRV" "$CLI"; do
		ip netns exec "$ns" "$cli" new_iface tun0 P2P >> "$log" 2>&1 || return 1
	done
	ip -n "$SRV" addr add 10.9.9.1/24 dev tun0
	ip -n "$CLI" addr add 10.9.9.2/24 dev tun0
	{
		ip netns exec "$SRV" "$cli" new_peer tun0 1 10 1194 10.201.0.2 1194 &&
		ip netns exec "$CLI" "$cli" new_peer tun0 10 1 1194 10.201.0.1 1194 &&
		ip netns exec "$SRV" "$cli" new_key tun0 1 1 0 "$c" 0 "$key" &&
		ip netns exec "$CLI" "$cli" new_key tun0 10 1 0 "$c" 1 "$key"
	} >> "$log" 2>&1 || return 1
	ip -n "$SRV" link set tun0 up
	ip -n "$CLI" link set tun0 up

	# (the MTU an operator sets: the encapsulated packet fits the veth)
	[ -z "$BENCH_TUN_MTU" ] || for ns in "$SRV" "$CLI"; do
		ip -n "$ns" link set tun0 mtu "$BENCH_TUN_MTU" || return 1
	done
}

# setup_wg: the same P2P pair over WireGuard (ChaCha20-Poly1305, UDP), the
# kernel's wireguard module configured with wg (wireguard-tools); the
# interface is named tun0 as the others'
setup_wg() {
	local ns peer
	for ns in "$SRV" "$CLI"; do
		wg genkey > "$work/wg-$ns.key" && wg pubkey < "$work/wg-$ns.key" > "$work/wg-$ns.pub" &&
			ip -n "$ns" link add tun0 type wireguard || return 1
	done
	ip -n "$SRV" addr add 10.9.9.1/24 dev tun0
	ip -n "$CLI" addr add 10.9.9.2/24 dev tun0
	{
		ip netns exec "$SRV" wg set tun0 listen-port 51820 private-key "$work/wg-$SRV.key" \
			peer "$(cat "$work/wg-$CLI.pub")" allowed-ips 10.9.9.2/32 endpoint 10.201.0.2:51820 &&
		ip netns exec "$CLI" wg set tun0 listen-port 51820 private-key "$work/wg-$CLI.key" \
			peer "$(cat "$work/wg-$SRV.pub")" allowed-ips 10.9.9.1/32 endpoint 10.201.0.1:51820
	} >> "$log" 2>&1 || return 1
	for peer in "$SRV" "$CLI"; do ip -n "$peer" link set tun0 up; done
}

# openvpn_conf ROLE PROTO CIPHER DCO(1|0): server mode, as tests/vm/openvpn-e2e.sh
openvpn_conf() {
	ovpn_conf "$work" "$1" server "$2" "$3"
	[ "$4" = 1 ] || echo disable-dco
	[ -z "$BENCH_TUN_MTU" ] || echo "tun-mtu $BENCH_TUN_MTU"
}

# setup_openvpn PROTO CIPHER DCO: both ends up, the data path checked. The
# logs are polled on tmpfs and copied to the results share afterwards: under
# -icount the guest's clock skips idle time, waits for the host's 9p answers
# included (the same ovpn-cli setup took 0.7 s and 250 s of guest time), and
# a 30-s poll of a log on 9p ran out although the line was there.
setup_openvpn() {
	local proto="$1" cipher="$2" dco="$3" role kind want=tun
	for role in server client; do
		openvpn_conf "$role" "$proto" "$cipher" "$dco" > "$vdir/$role.conf"
	done
	: > "$work/server.log"
	: > "$work/client.log"
	ip netns exec "$SRV" "$openvpn" --config "$vdir/server.conf" --log "$work/server.log" &
	pids+=($!)
	wait_fast 30 ip netns exec "$SRV" ss -Hln "sport = :1194" -A "$proto" || true
	ip netns exec "$CLI" "$openvpn" --config "$vdir/client.conf" --log "$work/client.log" &
	pids+=($!)
	for role in server client; do
		wait_fast 90 grep -q 'Initialization Sequence Completed' "$work/$role.log" ||
			{ why="$role: no 'Initialization Sequence Completed'"; return 1; }
		vm_wait_for 30 grep -q "Data Channel: cipher '$cipher'" "$work/$role.log" ||
			{ why="$role: cipher $cipher not negotiated"; return 1; }
	done
	[ "$dco" = 0 ] || want=ovpn
	for role in "$SRV" "$CLI"; do
		kind=$(ip -n "$role" -j -d link show tun0 | jq -r '.[0].linkinfo.info_kind // "none"')
		[ "$kind" = "$want" ] || { why="$role: tun0 is of kind $kind, not $want"; return 1; }
	done
}

# mark NAME: seconds since the previous mark, collected in $phases (JSON)
mark() {
	local now
	now=$(date +%s.%N)
	phases="$phases\"$1\": $(awk -v a="$last_mark" -v b="$now" 'BEGIN { printf "%.2f", b - a }'), "
	last_mark=$now
}

# wait_fast SECONDS CMD...: vm_wait_for, polling every 0.1 s
wait_fast() {
	local n=$(($1 * 10))
	shift
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

cpu_busy() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }
cpu_total() { awk '$1 == "cpu" {print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat; }

# iperf NAME OMIT ARGS...: one iperf3 client run from the client ns (the first
# OMIT seconds not counted), JSON to $vdir/NAME.json
iperf() {
	local name="$1" omit="$2"
	shift 2
	timeout $((BENCH_SECONDS + omit + 60)) ip netns exec "$CLI" \
		iperf3 -c "$target" -t "$BENCH_SECONDS" -O "$omit" -J "$@" > "$vdir/$name.json" 2>&1 &&
		jq -e '.end.sum_received.bits_per_second > 0' "$vdir/$name.json" >/dev/null
}

# measure: the figures of one variant and repetition, as JSON fields in $vdir/figures.json
measure() {
	local b0 b1 t0 t1
	ip netns exec "$SRV" iperf3 -s -D -B "$target" --pidfile "$work/iperf3.pid" ||
		{ why="iperf3 -s failed"; return 1; }
	wait_fast 10 ip netns exec "$SRV" ss -Hltn "sport = :5201" ||
		{ why="iperf3 server did not listen"; return 1; }
	mark iperf3_server
	b0=$(cpu_busy) t0=$(cpu_total)
	iperf tcp1 "$BENCH_OMIT" || { why="iperf3 tcp 1 stream failed"; return 1; }
	b1=$(cpu_busy) t1=$(cpu_total)
	mark tcp1
	iperf tcp4 "$BENCH_OMIT" -P 4 || { why="iperf3 tcp 4 streams failed"; return 1; }
	mark tcp4
	# (no -O for UDP: iperf3 then counts the omitted second's losses against the
	# measured packets only)
	iperf udp 0 -u -b "$BENCH_UDP_RATE" -l 1200 || { why="iperf3 udp failed"; return 1; }
	mark udp
	ip netns exec "$CLI" ping -n -c "$BENCH_PINGS" -i 0.01 -W 2 "$target" > "$vdir/ping.txt" 2>&1 ||
		{ why="ping failed"; return 1; }
	mark ping
	kill "$(cat "$work/iperf3.pid")" 2>/dev/null || true
	sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$vdir/ping.txt" | sort -g > "$vdir/rtt.txt"
	[ -s "$vdir/rtt.txt" ] || { why="no ping replies"; return 1; }
	jq -n --slurpfile t1 "$vdir/tcp1.json" --slurpfile t4 "$vdir/tcp4.json" \
		--slurpfile u "$vdir/udp.json" --rawfile rtt "$vdir/rtt.txt" \
		--argjson busy $((b1 - b0)) --argjson total $((t1 - t0)) --argjson hz "$hz" \
		--argjson pings "$BENCH_PINGS" '
		($rtt | split("\n") | map(select(length > 0) | tonumber)) as $r |
		($r | length) as $n |
		def mbps: . / 1e6;
		{
		  tcp1_mbps: ($t1[0].end.sum_received.bits_per_second | mbps),
		  tcp4_mbps: ($t4[0].end.sum_received.bits_per_second | mbps),
		  tcp1_retransmits: $t1[0].end.sum_sent.retransmits,
		  udp_mbps: ($u[0].end.sum_received.bits_per_second | mbps),
		  udp_loss_pct: ($u[0].end | if .sum_sent.bytes > 0
		                 then ([0, 100 * (1 - .sum_received.bytes / .sum_sent.bytes)] | max)
		                 else null end),
		  udp_loss_pct_iperf3: $u[0].end.sum_received.lost_percent,
		  rtt_median_ms: $r[(($n - 1) / 2 | floor)],
		  rtt_p99_ms: $r[((($n - 1) * 0.99) | ceil)],
		  rtt_min_ms: $r[0],
		  ping_loss_pct: (100 * ($pings - $n) / $pings),
		  cpu_busy_pct: (if $total > 0 then 100 * $busy / $total else null end),
		  cpu_s_per_gb: (($t1[0].end.sum_received.bytes / 1e9) as $gb |
		                 if $gb > 0 then ($busy / $hz) / $gb else null end)
		}' > "$vdir/figures.json"
}

# icount_window N: the plugin's line of window N (WINDOW USER KERNEL), written
# on the host into the results share when the guest ran the stop marker
icount_window() {
	awk -v n="$1" '$1 == n {print; found = 1} END {exit !found}' "$VM_RESULTS/icount.tsv"
}

# snmp NS PROTO:FIELD...: those counters of /proc/net/snmp in namespace NS,
# in that order on one line (each protocol has a line of names, then one of
# values)
snmp() {
	local ns="$1"
	shift
	ip netns exec "$ns" awk -v want="$*" '{p = $1}
		p in names {for (i = 2; i <= NF; i++) v[p names[p, i]] = $i; next}
		{names[p] = 1; for (i = 2; i <= NF; i++) names[p, i] = $i}
		END {n = split(want, w, " "); for (i = 1; i <= n; i++) printf "%s%s", v[w[i]], (i < n ? " " : "\n")}' \
		/proc/net/snmp
}

# udp_errors: the server namespace's UDP receive errors (InErrors RcvbufErrors)
udp_errors() { snmp "$SRV" Udp:InErrors Udp:RcvbufErrors; }

# net_counters: Ip FragCreates, Ip ReasmReqds and Tcp RetransSegs, each summed
# over both namespaces (the transport's fragments and retransmissions)
net_counters() {
	local ns
	for ns in "$SRV" "$CLI"; do
		snmp "$ns" Ip:FragCreates Ip:ReasmReqds Tcp:RetransSegs
	done | awk '{f += $1; r += $2; t += $3} END {print f, r, t}'
}

# rtt_ms FILE: "MEDIAN P99 COUNT" of the round trips (ms) in ping's output
# FILE ("null null 0" without one)
rtt_ms() {
	sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$1" | sort -g | awk '{v[NR] = $1}
		END {if (!NR) {print "null null 0"; exit}
		     p = (NR - 1) * 0.99; i = int(p); if (p > i) i++
		     print v[int((NR + 1) / 2)], v[i + 1], NR}'
}

# latency_start: with BENCH_LATENCY=1, 50 pings through the idle tunnel, then
# pings every 10 ms (guest clock) in the background until latency_stop
latency_start() {
	ping_pid=""
	[ "$BENCH_LATENCY" = 1 ] || return 0
	ip netns exec "$CLI" ping -n -c 50 -i 0.01 -W 2 "$target" > "$vdir/ping-idle.txt" 2>&1 ||
		{ why="ping through the idle tunnel failed"; return 1; }
	ip netns exec "$CLI" ping -n -i 0.01 -W 2 "$target" > "$vdir/ping-load.txt" 2>&1 &
	ping_pid=$!
}

# latency_stop: the pings' round trips, idle and under the transfer, as JSON
latency_stop() {
	local idle load
	[ -n "$ping_pid" ] || { echo '{}'; return 0; }
	kill -INT "$ping_pid" 2>/dev/null || true
	wait "$ping_pid" 2>/dev/null || true
	read -r -a idle < <(rtt_ms "$vdir/ping-idle.txt")
	read -r -a load < <(rtt_ms "$vdir/ping-load.txt")
	jq -n --argjson i "${idle[0]}" --argjson l "${load[0]}" --argjson p "${load[1]}" \
		--argjson n "${load[2]}" '{rtt_idle_median_ms: $i, rtt_load_median_ms: $l,
		rtt_load_p99_ms: $p, pings_under_load: $n}'
}

# netem_loss PCT: both ends of the veth pair (the tunnel's transport) lose
# PCT % of what they send (sch_netem, random)
netem_loss() {
	modprobe sch_netem 2>/dev/null || true
	tc -n "$SRV" qdisc add dev veth-s root netem loss "$1%" &&
		tc -n "$CLI" qdisc add dev veth-c root netem loss "$1%"
}

# measure_icount: one UDP transfer of BENCH_BYTES between the markers; the
# guest instructions per byte received, as JSON fields in $vdir/figures.json
measure_icount() {
	local w user kernel e0 e1 n0 n1 lat
	ip netns exec "$SRV" iperf3 -s -D -B "$target" --pidfile "$work/iperf3.pid" ||
		{ why="iperf3 -s failed"; return 1; }
	wait_fast 10 ip netns exec "$SRV" ss -Hltn "sport = :5201" ||
		{ why="iperf3 server did not listen"; return 1; }
	# a first, unmarked tenth: programs and caches warm, the output on tmpfs
	# (no host I/O inside the window)
	ip netns exec "$CLI" iperf3 -c "$target" -u -b "$BENCH_UDP_RATE" -l "$BENCH_PAYLOAD" \
		-n $((BENCH_BYTES / 10)) -J > "$work/warm.json" 2>&1 || { why="iperf3 warm-up failed"; return 1; }
	icount_windows=$((icount_windows + 1))
	e0=$(udp_errors) n0=$(net_counters)
	latency_start || return 1
	timeout 600 ip netns exec "$CLI" "$work/icount-mark" iperf3 -c "$target" -u -b "$BENCH_UDP_RATE" \
		-l "$BENCH_PAYLOAD" -n "$BENCH_BYTES" -J > "$work/udp.json" 2>&1 ||
		{ cp "$work/udp.json" "$vdir/"; why="iperf3 udp -n $BENCH_BYTES failed"; return 1; }
	mark udp
	lat=$(latency_stop)
	e1=$(udp_errors) n1=$(net_counters)
	cp "$work/udp.json" "$vdir/udp.json"
	kill "$(cat "$work/iperf3.pid")" 2>/dev/null || true
	read -r w user kernel < <(icount_window "$icount_windows") ||
		{ why="no window $icount_windows in the plugin's icount.tsv"; return 1; }
	# (the modules' addresses change with every load: one copy per measurement)
	[ "$BENCH_PROFILE" = 0 ] || awk '$2 ~ /^[tTwW]$/' /proc/kallsyms > "$vdir/kallsyms.txt"
	# delivered: sent less what the server's sequence numbers found lost, and
	# no datagram dropped by the server's UDP (its count of bytes stops at the
	# end-of-test message on the control connection, which may overtake the
	# last datagrams: those are in its socket, uncounted)
	# (with netem's loss TCP transport delivers in bursts after each
	# retransmission, and the server's socket overflows: counted, not refused)
	[ "$e1" = "$e0" ] || [ -n "$BENCH_NETEM_LOSS" ] ||
		{ why="UDP receive errors in $SRV: $e0 -> $e1"; return 1; }
	jq -e '.end.sum_sent.bytes > 0 and .end.sum.lost_packets != null' "$vdir/udp.json" > /dev/null ||
		{ why="no bytes sent or no loss count"; return 1; }
	jq -n --slurpfile u "$vdir/udp.json" --argjson w "$w" --argjson user "$user" \
		--argjson kernel "$kernel" --arg n0 "$n0" --arg n1 "$n1" --argjson len "$BENCH_PAYLOAD" \
		--argjson lat "$lat" --arg e0 "$e0" --arg e1 "$e1" '
		$u[0].end as $e |
		([$n0, $n1] | map(split(" ") | map(tonumber))) as [$c0, $c1] |
		($e.sum_sent.bytes - $len * $e.sum.lost_packets) as $b |
		{
		  icount_window: $w, icount_user: $user, icount_kernel: $kernel, payload: $len,
		  bytes_sent: $e.sum_sent.bytes, bytes_delivered: $b, packets_delivered: ($b / $len),
		  bytes_counted_at_end: $e.sum_received.bytes, lost_packets: $e.sum.lost_packets,
		  udp_loss_pct: (100 * (1 - $b / $e.sum_sent.bytes)),
		  user_insn_per_byte: ($user / $b), kernel_insn_per_byte: ($kernel / $b),
		  insn_per_byte: (($user + $kernel) / $b), insn_per_packet: (($user + $kernel) * $len / $b),
		  ip_frag_creates: ($c1[0] - $c0[0]), ip_reasm_reqds: ($c1[1] - $c0[1]),
		  tcp_retrans_segs: ($c1[2] - $c0[2]),
		  udp_rcvbuf_errors: (($e1 | split(" ")[1] | tonumber) - ($e0 | split(" ")[1] | tonumber))
		} + $lat' > "$vdir/figures.json"
}

# measure_mp PEERS: variant mp-PEERS (ovpnctl.py mp-bench, two windows: no
# packet, then BENCH_MP_PACKETS), as JSON fields in $vdir/figures.json
measure_mp() {
	local u0 k0 w user kernel
	[ -n "$BENCH_ICOUNT_MARK" ] || { why="mp-$1: deterministic mode only"; return 1; }
	python3 "$here/../vm/ovpnctl.py" mp-bench --peers "$1" --packets "$BENCH_MP_PACKETS" \
		--payload "$BENCH_PAYLOAD" --mark "$work/icount-mark" > "$vdir/mp.json" 2> "$vdir/mp.log"
	# (the windows that ran, whatever failed: the plugin numbers them)
	icount_windows=$(awk 'END {print $1 + 0}' "$VM_RESULTS/icount.tsv" 2>/dev/null || echo 0)
	jq -e '.ok' "$vdir/mp.json" > /dev/null 2>&1 ||
		{ why="ovpnctl.py mp-bench: $(tail -c 300 "$vdir/mp.json" "$vdir/mp.log" | tr '\n' ' ')"; return 1; }
	read -r _ u0 k0 < <(icount_window $((icount_windows - 1))) &&
		read -r w user kernel < <(icount_window "$icount_windows") ||
		{ why="no windows $((icount_windows - 1)), $icount_windows in icount.tsv"; return 1; }
	[ "$BENCH_PROFILE" = 0 ] || awk '$2 ~ /^[tTwW]$/' /proc/kallsyms > "$vdir/kallsyms.txt"
	jq --argjson w "$w" --argjson u "$((user - u0))" --argjson k "$((kernel - k0))" '
		(.packets * .payload) as $b |
		{icount_window: $w, icount_user: $u, icount_kernel: $k, payload: .payload,
		 peers: .peers, packets_delivered: .packets, bytes_delivered: $b,
		 user_insn_per_byte: ($u / $b), kernel_insn_per_byte: ($k / $b),
		 insn_per_byte: (($u + $k) / $b), insn_per_packet: (($u + $k) / .packets),
		 kernel_insn_per_packet: ($k / .packets)}' "$vdir/mp.json" > "$vdir/figures.json"
}

# measure_mode KIND PROTO: the measurement of the variant in the mode
# (deterministic or wall-clock)
measure_mode() {
	if [ "$1" = mp ]; then measure_mp "$2"
	elif [ -n "$BENCH_ICOUNT_MARK" ]; then measure_icount
	else measure; fi
}

# run_variant NAME REP: one measurement; a JSON line in raw.jsonl either way
run_variant() {
	local name="$1" rep="$2" base mod kind proto="" cipher="" t0 t1 ok=1 figs='{}' mtu
	base=${name%%.*}
	mod=${name#"$base"}; mod=${mod#.}
	IFS=- read -r kind proto cipher <<< "$base"
	case "$kind" in
	cli|dco|mp) mod=${mod:-ours} ;;
	*) mod=none ;;
	esac
	case "$cipher" in
	aes) cipher=AES-256-GCM ;;
	chacha) cipher=CHACHA20-POLY1305 ;;
	esac
	vdir="$out/$name/rep$rep"
	log="$vdir/setup.log"
	mkdir -p "$vdir"
	: > "$log"
	why=""
	t0=$(date +%s.%N)
	phases="" last_mark=$t0
	# (after a failed measurement something may be left over)
	[ ! -e "/run/netns/$SRV" ] && [ ${#pids[@]} = 0 ] || cleanup
	mark cleanup_before
	if ! load_module "$mod"; then
		ok=0
	else
		setup_net
		case "$kind" in
		veth) target=10.201.0.1 ;;
		cli) target=10.9.9.1; setup_cli "$cipher" || { ok=0; why="ovpn-cli setup failed (see setup.log)"; } ;;
		dco) target=10.8.0.1; setup_openvpn "$proto" "$cipher" 1 || ok=0 ;;
		wg) target=10.9.9.1; setup_wg || { ok=0; why="WireGuard setup failed (see setup.log)"; } ;;
		mp) target="" ;;
		user) target=10.8.0.1; setup_openvpn "$proto" "$cipher" 0 || ok=0 ;;
		*) ok=0; why="unknown variant kind '$kind'" ;;
		esac
	fi
	mark setup
	if [ "$ok" = 1 ] && [ -n "$target" ] && ! wait_fast 30 ip netns exec "$CLI" ping -c 1 -W 1 "$target"; then
		ok=0; why="no ping to $target after setup"
	fi
	mark first_ping
	if [ "$ok" = 1 ] && [ -n "$BENCH_NETEM_LOSS" ] && ! netem_loss "$BENCH_NETEM_LOSS"; then
		ok=0; why="netem loss $BENCH_NETEM_LOSS % on the veth pair failed"
	fi
	mtu=$(ip -n "$CLI" -j link show 2>/dev/null | jq -r '(map(select(.ifname == "tun0")) + map(select(.ifname == "veth-c")))[0].mtu // ""' 2>/dev/null || true)
	if [ "$ok" = 1 ] && measure_mode "$kind" "$proto"; then
		figs=$(cat "$vdir/figures.json")
	else
		ok=0
	fi
	mark figures
	[ "$ok" = 1 ] || ip netns exec "$CLI" ip -s link show > "$vdir/links.txt" 2>&1 || true
	cleanup
	[ "$kind" != dco ] && [ "$kind" != user ] || mv "$work/server.log" "$work/client.log" "$vdir/" 2>/dev/null || true
	mark cleanup_after
	t1=$(date +%s.%N)
	jq -cn --arg v "$name" --arg k "$kind" --arg p "$proto" --arg c "$cipher" --arg m "$mod" \
		--arg mi "$module_info" --arg mtu "$mtu" --argjson rep "$rep" --argjson seq "$step" \
		--argjson t0 "$t0" --argjson t1 "$t1" --arg why "$why" --argjson f "$figs" \
		--argjson ph "{${phases%, }}" '
		{variant: $v, kind: $k, proto: $p, cipher: $c, module: $m, module_info: $mi,
		 mtu: ($mtu | tonumber? // null), rep: $rep, seq: $seq,
		 seconds: (($t1 - $t0) * 10 | round / 10), phase_s: $ph,
		 error: (if $why == "" then null else $why end)}
		+ $f' >> "$raw"
	if [ "$ok" = 1 ] && [ -n "$BENCH_ICOUNT_MARK" ]; then
		vm_log "$(jq -r --arg n "$nsteps" '"bench: [\(.seq)/\($n)] \(.variant) rep \(.rep):" +
			" \(.bytes_delivered) B delivered (\(.lost_packets // 0) datagrams lost)," +
			" insn/B user \(.user_insn_per_byte * 100 | round / 100) kernel \(.kernel_insn_per_byte * 100 | round / 100)," +
			" insn/packet \(.insn_per_packet | round) (\(.payload)-byte datagrams)"' \
			<<< "$(tail -n1 "$raw")")"
	elif [ "$ok" = 1 ]; then
		vm_log "$(jq -r --arg n "$nsteps" '"bench: [\(.seq)/\($n)] \(.variant) rep \(.rep): \(.seconds) s" +
			"  tcp1 \(.tcp1_mbps * 10 | round / 10) tcp4 \(.tcp4_mbps * 10 | round / 10)" +
			" udp \(.udp_mbps * 10 | round / 10) Mbit/s (loss \(.udp_loss_pct * 10 | round / 10) %)" +
			" rtt \(.rtt_median_ms) ms"' <<< "$(tail -n1 "$raw")")"
	else
		vm_log "bench: [$step/$nsteps] $name rep $rep: FAILED: $why"
		failures=$((failures + 1))
	fi
}

ovpn_mkcert "$work" server
ovpn_mkcert "$work" client
modprobe tun 2>/dev/null || true
# The guest has no udev: without BENCH_CPU_MODULES=1 the crypto API finds
# only what is built in or pulled in by name (on 7.3 AES-GCM is then the
# library's, block by block, not aesni-intel's)
if [ "$BENCH_CPU_MODULES" = 1 ]; then
	modprobe -b -q "$(cat /sys/devices/system/cpu/modalias)" || true
	cpu_modules=$(lsmod | awk 'NR > 1 {print $1}' | sort | tr '\n' ' ')
fi
icount_windows=0
# (a copy on tmpfs: no 9p read inside a window)
[ -z "$BENCH_ICOUNT_MARK" ] || install -m755 "$BENCH_ICOUNT_MARK" "$work/icount-mark"
{
	echo "kernel: $(uname -r)"
	echo "openvpn: $("$openvpn" --version | head -n1)"
	echo "iperf3: $(iperf3 --version | head -n1)"
	echo "cpus: $(nproc)"
	echo "cpu-modules: ${cpu_modules:-not loaded (BENCH_CPU_MODULES=0)}"
} > "$out/guest-info.txt"
read -r -a variants <<< "$BENCH_VARIANTS"
nsteps=$(( ${#variants[@]} * BENCH_REPS ))
step=0 failures=0 module_info=""
t_start=$(vm_now)
for rep in $(seq 1 "$BENCH_REPS"); do
	for v in "${variants[@]}"; do
		step=$((step + 1))
		run_variant "$v" "$rep"
	done
done
modprobe -r ovpn 2>/dev/null || true
if [ "$failures" = 0 ]; then
	vm_result bench pass $(($(vm_now) - t_start)) "$nsteps measurements"
else
	vm_result bench fail $(($(vm_now) - t_start)) "$failures of $nsteps measurements failed"
	exit 1
fi
