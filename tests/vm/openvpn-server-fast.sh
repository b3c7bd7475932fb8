#!/usr/bin/env bash
# The short OpenVPN server run of tests/vm/openvpn-server.sh (sourced;
# its --help says what each row asserts): one set-up shared by four rows,
# openvpn-srv-fast-{three,tcp6,rekey,timeout}, the checks of one overlapping
# the waits of another (a rekey window under the pings, a peer's expiry
# under the verdicts), the peers read in one process per snapshot.
# shellcheck disable=SC2154,SC2034 # d, work, SRV, CIPHER, why, note, row, ...: openvpn-server.sh

FAST_SRV6=ovpn_server6  # the tcp6 server's namespace (ns_of server6)
FAST_RENEG=4            # client-a's reneg-sec
FAST_PINGS=100          # client-a's pings to the server under the rekeys (-i 0.1)

# fast_phase NAME: the guest's uptime at the end of phase NAME, into
# $d/phases.txt (where the run's seconds went)
fast_phase() {
	local up _
	read -r up _ < /proc/uptime
	echo "$up $1" >> "$d/phases.txt"
}

# fast_start NAME CONF_CMD...: OpenVPN NAME with the configuration CONF_CMD prints
fast_start() {
	local n="$1"
	shift
	"$@" > "$d/$n.conf"
	start "$n" "$d/$n.conf"
}

# fast_conf ROLE PROTO CERT PEERS [LINE...]: ovpn_conf of ROLE over PROTO with
# CERT's certificate accepting those of PEERS (a comma list), then LINEs
fast_conf() {
	# shellcheck disable=SC2086 # PEERS split into names
	ovpn_conf "$work" "$1" server "$2" "$CIPHER" "$3" ${4//,/ }
	[ $# -lt 5 ] || printf '%s\n' "${@:5}"
}

# fast_up: two labs at once: the UDP server (keepalive 1 3: peers expire
# after 6 s) with client-a (reneg-sec FAST_RENEG), -b and -c on its LAN;
# the tcp6 server (server-ipv6) with client-d (client-c's certificate) on
# another; every OpenVPN up with DCO. First (beside the labs' set-up) the
# kernel's gcm(aes) is instantiated once through AF_ALG: its first use in a
# boot loads modules and runs the crypto self-tests (5.10 under TCG: 13-25
# s), which would otherwise fall between the first peer's creation and its
# key, longer than its 6 s keepalive timeout
fast_up() {
	local n warm
	python3 -c 'import socket; socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET).bind(("aead", "gcm(aes)"))' \
		> "$d/gcm-warm-up.txt" 2>&1 &
	warm=$!
	ovpn_lan "$SRV" ovpn_a ovpn_b ovpn_c
	ovpn_lan "$FAST_SRV6" ovpn_d
	wait "$warm" || true
	ip netns exec "$SRV" sysctl -qw net.ipv4.ip_forward=1
	fast_start server fast_conf server udp server client-a,client-b,client-c "keepalive 1 3"
	fast_start server6 fast_conf server tcp6 server client-c "server-ipv6 fd00:8::/64"
	vm_wait_for 30 ip netns exec "$SRV" ss -Hlnu "sport = :1194" || fail "server: no udp socket on :1194"
	vm_wait_for 30 ip netns exec "$FAST_SRV6" ss -Hlnt "sport = :1194" || fail "server6: no tcp6 socket"
	fast_start client-a fast_conf client udp client-a server "reneg-sec $FAST_RENEG"
	fast_start client-b fast_conf client udp client-b server
	fast_start client-c fast_conf client udp client-c server
	fast_start client-d fast_conf client tcp6 client-c server
	for n in server server6 client-a client-b client-c client-d; do
		if ! vm_wait_for 90 grep -q 'Initialization Sequence Completed' "$d/$n.log"; then
			fail "$n: no 'Initialization Sequence Completed' within 90 s"
			continue
		fi
		dco_used "$n"
	done
}

# fast_snap FILE NS...: the peers (and primary key-ids) of those namespaces
# in one process, into $d/peers-FILE-NS.json each (peer_field FILE-NS)
fast_snap() {
	local f="$1" ns
	shift
	python3 "$here/ovpnpeers.py" "$@" > "$d/snap-$f.json" 2> "$d/snap-$f.err" ||
		fail "peer dump $f failed: $(tail -n 2 "$d/snap-$f.err" | xargs)"
	for ns in "$@"; do
		jq --arg ns "$ns" '.[$ns]' "$d/snap-$f.json" > "$d/peers-$f-$ns.json" 2>/dev/null || true
	done
}

# case_fast: the four rows; openvpn-server.sh writes the last (row). The
# rekey window (pings a->server) runs from the set-up's end to the snapshot
# "final", under the pings between all, the snapshot "before", the 10 pings
# a->c, the snapshot "after", client-b's kill and expiry
case_fast() {
	local c rekey_pid watch_pid killed expired_after tcp6_why=""
	declare -A vip=()
	fast_phase start
	fast_up
	fast_phase up
	if [ -n "$why" ]; then
		fast_rows_fail
		return 0
	fi
	for c in a b c d; do vip[$c]=$(vpn_ip "ovpn_$c"); done
	ip netns exec ovpn_a ping -q -i 0.1 -c "$FAST_PINGS" -w 40 10.8.0.1 > "$d/ping-rekey.txt" 2>&1 &
	rekey_pid=$!
	python3 "$here/ovpnpeers.py" --watch $((FAST_PINGS / 10)) "$SRV" > "$d/keys-watch.json" 2>&1 &
	watch_pid=$!
	fast_all_pings
	fast_phase pings
	fast_snap before "$SRV"
	fast_phase before
	pings ovpn_a "${vip[c]}" 10 || fail "client-a -> client-c (10 pings): no answer"
	fast_snap after "$SRV" ovpn_a ovpn_b ovpn_c "$FAST_SRV6"
	fast_phase after
	kill -9 "${pid_of[client-b]}" 2>/dev/null || fail "client-b: not running to be killed"
	killed=$(date +%s)
	fast_three
	verdict openvpn-srv-fast-three "$t0"
	t0=$(vm_now)
	fast_tcp6
	verdict openvpn-srv-fast-tcp6 "$t0"
	t0=$(vm_now)
	wait "$rekey_pid" || true
	wait "$watch_pid" || true
	fast_phase rekey-window
	fast_expired
	fast_phase expired
	fast_snap final "$SRV"
	fast_phase final
	fast_rekey
	verdict openvpn-srv-fast-rekey "$t0"
	t0=$(vm_now)
	row=openvpn-srv-fast-timeout
	fast_timeout
}

# fast_rows_fail: the set-up failed: the first three rows say so (the last
# is openvpn-server.sh's)
fast_rows_fail() {
	local r w="$why"
	for r in three tcp6 rekey; do
		why="$w"
		verdict "openvpn-srv-fast-$r" "$t0"
	done
	why="$w"
	row=openvpn-srv-fast-timeout
}

# fast_all_pings: forwarding off, a cannot reach b; on, every UDP client
# pings the server and the others, all at once, beside client-d's pings of
# the tcp6 server (fast_tcp6_pings)
fast_all_pings() {
	local s ip i tcp6_pid
	local -a pair=() pid=()
	fast_tcp6_pings &
	tcp6_pid=$!
	ip netns exec "$SRV" sysctl -qw net.ipv4.ip_forward=0
	! ip netns exec ovpn_a ping -c 1 -W 1 "${vip[b]}" > "$d/ping-noforward.txt" 2>&1 ||
		fail "client-a reached client-b with forwarding off in the server's namespace"
	ip netns exec "$SRV" sysctl -qw net.ipv4.ip_forward=1
	for s in a b c; do
		for ip in 10.8.0.1 "${vip[a]}" "${vip[b]}" "${vip[c]}"; do
			[ "$ip" != "${vip[$s]}" ] || continue
			ip netns exec "ovpn_$s" ping -c 2 -i 0.2 -w 20 "$ip" > "$d/ping-$s-$ip.txt" 2>&1 &
			pair+=("client-$s -> $ip")
			pid+=($!)
		done
	done
	for i in "${!pid[@]}"; do
		wait "${pid[$i]}" || fail "${pair[$i]}: no answer"
	done
	wait "$tcp6_pid" || true
	[ ! -s "$d/tcp6-why.txt" ] || tcp6_why=$(cat "$d/tcp6-why.txt")
}

# fast_three: the counters and the peer table of the three (openvpn-srv-three's)
fast_three() {
	local c n
	cp "$d/peers-before-$SRV.json" "$d/peers-before.json" 2>/dev/null || true
	cp "$d/peers-after-$SRV.json" "$d/peers-after.json" 2>/dev/null || true
	three_counters "${vip[a]}" "${vip[b]}" "${vip[c]}"
	three_table "${vip[a]}" "${vip[b]}" "${vip[c]}"
	for c in a b c; do
		ovpn_moved "$d/peers-after-ovpn_$c.json" || fail "client-$c: its peer's counters did not move"
	done
	n=$(delta before after "${vip[b]}")
	note="a=${vip[a]} b=${vip[b]} c=${vip[c]}; a->c x10 moved b by $n"
}

# fast_tcp6_pings: client-d pings the tcp6 server over IPv4 and IPv6 inside
# (run in the background: what failed into $d/tcp6-why.txt, for the tcp6 row)
fast_tcp6_pings() {
	local ip
	for ip in 10.8.0.1 fd00:8::1; do
		ip netns exec ovpn_d ping -c 3 -i 0.2 -w 20 "$ip" > "$d/ping-d-$ip.txt" 2>&1 ||
			printf '%s' "tcp6: client-d -> $ip: no answer; " >> "$d/tcp6-why.txt"
	done
	ip netns exec "$FAST_SRV6" ss -Htn state established "sport = :1194" > "$d/tcp-client-d.txt" 2>&1 || true
}

# fast_tcp6: the tcp6 server's connection is from client-d's IPv6 address,
# its peer has client-d's VPN addresses and counted the pings
fast_tcp6() {
	local f="after-$FAST_SRV6" v6 n
	why="$why$tcp6_why"
	v6=$(vpn_ip ovpn_d inet6)
	grep -qF "[fd01::11]:" "$d/tcp-client-d.txt" ||
		fail "tcp6: no TCP connection from fd01::11 (ss: $(xargs < "$d/tcp-client-d.txt"))"
	[ "$v6" != none ] || fail "tcp6: client-d has no VPN IPv6 address"
	[ "$(peer_field "$f" "${vip[d]}" vpn-ipv6)" = "$v6" ] ||
		fail "tcp6: the server's peer of client-d (${vip[d]}) has not its VPN IPv6 address $v6"
	n=$(peer_field "$f" "${vip[d]}" vpn-rx-packets)
	[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 6 ] || fail "tcp6: the server's peer of client-d counted $n packets, not 6"
	note="client-d ${vip[d]} $v6 over tcp6 from [fd01::11]; $n packets in"
}

# fast_rekey: client-a renegotiated every FAST_RENEG s under FAST_PINGS
# pings: the server's kernel got new primary keys for a while the pings ran
# (ovpnpeers.py --watch), little lost, DCO kept
fast_rekey() {
	local keys n loss resets
	keys=$(jq -c --arg ns "$SRV" --arg ip "${vip[a]}" '.[$ns][$ip] // []' "$d/keys-watch.json" 2>/dev/null ||
		echo '[]')
	n=$(jq 'length - 1' <<< "$keys")
	resets=$(grep -c 'TLS: soft reset' "$d/client-a.log" || true)
	[ "$resets" -ge 2 ] || fail "client-a: $resets renegotiations ('TLS: soft reset'), not 2 or more"
	[ "$n" -ge 1 ] && ! jq -e 'any(. == null)' <<< "$keys" >/dev/null ||
		fail "server: client-a's primary key-ids in the kernel during the pings: $keys (no new key)"
	rekey_kept "$FAST_PINGS"
	note="$resets renegotiations; the kernel's primary key-ids of a under the pings: $keys; ${loss}% of $FAST_PINGS lost"
}

# fast_expired: the server logged client-b's expiry within 30 s of its kill
# (killed: epoch seconds); expired_after: the seconds from the kill to the
# log line's time stamp, or none
fast_expired() {
	local line
	expired_after=none
	vm_wait_for 30 grep -q 'client-b/.*\[soft,ovpn-dco: ping expired\] received' "$d/server.log" ||
		return 0
	line=$(grep -m1 'client-b/.*\[soft,ovpn-dco: ping expired\] received' "$d/server.log")
	expired_after=$(($(date -d "$(cut -d' ' -f1,2 <<< "$line")" +%s) - killed))
}

# fast_timeout: client-b, killed -9, expired in the server's kernel
# (keepalive 1 3: 6 s) and OpenVPN logged it (fast_expired); in the
# snapshot "final" b's peer is gone, a's and c's stay; c still pings
fast_timeout() {
	local secs="$expired_after"
	if [ "$secs" = none ]; then
		fail "server: no 'client-b/... [soft,ovpn-dco: ping expired]' within 30 s of the kill"
		return 0
	fi
	[ "$secs" -ge 3 ] || fail "server: client-b expired ${secs} s after the kill, before its 6 s timeout"
	[ "$(peer_field "final-$SRV" "${vip[b]}" id)" = none ] || fail "server: client-b's peer is still there"
	[ "$(peer_field "final-$SRV" "${vip[a]}" id)" != none ] || fail "server: client-a's peer is gone too"
	[ "$(peer_field "final-$SRV" "${vip[c]}" id)" != none ] || fail "server: client-c's peer is gone too"
	pings ovpn_c 10.8.0.1 2 || fail "client-c -> server after b's expiry: no answer"
	note="peer expired ${secs} s after the kill (keepalive-timeout $(peer_field "before-$SRV" "${vip[b]}" keepalive-timeout))"
}
