#!/usr/bin/env bash
# More scenarios of tests/vm/openvpn-server.sh (sourced; its --help says what
# each asserts): a client's NAT rebinding (float), a client restarting with
# persist-tun, twenty clients on one server. As openvpn-server-cases.sh:
# case_NAME runs one, calls fail for each thing that went wrong and leaves
# what it found in note.
# shellcheck disable=SC2154,SC2034 # d, SRV, CIPHER, pid_of, note, ...: openvpn-server.sh

# client_up NAME [LINE...]: client NAME to the server with LINEs added to its
# configuration, and it and the server up with DCO
client_up() {
	local n="$1"
	shift
	{ ovpn_conf "$work" client server udp "$CIPHER" "$n" server; printf '%s\n' "$@"; } > "$d/$n.conf"
	start "$n" "$d/$n.conf"
	for n in server "$n"; do
		vm_wait_for 90 grep -q 'Initialization Sequence Completed' "$d/$n.log" ||
			{ fail "$n: no 'Initialization Sequence Completed' within 90 s"; continue; }
		dco_used "$n"
	done
}

# peer_n FILE: the number of peers in peers FILE
peer_n() {
	jq '[if type == "array" then .[] else . end] | length' "$d/peers-$1.json" 2>/dev/null || echo 0
}

# only_peer FILE FIELD: FIELD of the one peer of peers FILE ("none" unless
# there is exactly one)
only_peer() {
	jq -r --arg f "$2" '[if type == "array" then .[] else . end | (.peer? // .)]
		| if length == 1 then .[0][$f] // "none" else "none" end' "$d/peers-$1.json" 2>/dev/null ||
		echo none
}

# ifindex NS: the ifindex of NS's tun0 (none without it)
ifindex() { ip netns exec "$1" cat /sys/class/net/tun0/ifindex 2>/dev/null || echo none; }

# lost FILE: the packet loss (percent) ping wrote to FILE (100 without it)
lost() {
	local l
	l=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$1")
	echo "${l:-100}"
}

# float_nat: client-a's namespace rewrites its OpenVPN's packets to the
# server to 10.201.0.21:40000 from now on (one nft transaction). The server's
# packets to the old address stay untracked: conntrack, off until the nat
# chain exists, must see the client's packet first to apply the SNAT
float_nat() {
	ip netns exec ovpn_a nft -f - <<'NFT'
table ip float {
	chain raw {
		type filter hook prerouting priority raw;
		ip daddr 10.201.0.11 udp sport 1194 notrack
	}
	chain post {
		type nat hook postrouting priority srcnat;
		ip daddr 10.201.0.1 udp dport 1194 counter snat to 10.201.0.21:40000
	}
}
NFT
}

# float_natted: flows the SNAT rule took (its counter: a nat chain sees the
# first packet of a flow only; 0 without the rule)
float_natted() {
	ip netns exec ovpn_a nft -j list chain ip float post 2>/dev/null |
		jq '[.nftables[].rule? // empty | .expr[] | .counter? // empty | .packets][0] // 0' 2>/dev/null ||
		echo 0
}

# case_float: client-a's source address and port change under pings (NAT
# rebinding): the kernel floats the server's peer, OpenVPN follows
case_float() {
	local vip id p0 n natted
	ovpn_lan "$SRV" ovpn_a
	ip -n ovpn_a addr add 10.201.0.21/24 dev eth0
	server_up "status $d/status.txt 1"
	client_up client-a
	[ -z "$why" ] || return 0
	vip=$(vpn_ip ovpn_a)
	pings ovpn_a 10.8.0.1 3 || fail "client-a -> server: no answer"
	peers "$SRV" before
	id=$(peer_field before "$vip" id)
	p0=$(peer_field before "$vip" remote-port)
	[ "$(peer_field before "$vip" remote-ipv4)" = 10.201.0.11 ] || fail "server: client-a's peer is not at 10.201.0.11"
	ip netns exec ovpn_a ping -i 0.2 -c 100 -W 2 10.8.0.1 > "$d/ping-float.txt" 2>&1 &
	vm_wait_for 30 sh -c "[ \$(grep -c icmp_seq '$d/ping-float.txt') -ge 20 ]" || fail "no 20 pings before the float"
	float_nat || fail "client-a: the nft SNAT rule was refused"
	wait $! || true
	awk -v l="$(lost "$d/ping-float.txt")" 'BEGIN { exit !(l < 10) }' ||
		fail "$(lost "$d/ping-float.txt")% of 100 pings lost across the float (bound: 10%)"
	peers "$SRV" after
	float_after "$vip" "$id" "$p0"
	natted=$(float_natted)
	[ "$natted" -gt 0 ] || fail "client-a: the SNAT rule took no flow"
	pings ovpn_a 10.8.0.1 10 || fail "client-a -> server after the float: no answer"
	peers "$SRV" last
	n=$(delta after last "$vip")
	[ "$n" -ge 10 ] || fail "server: client-a's peer moved by $n vpn packets after the float (10 pings)"
	note="peer $id 10.201.0.11:$p0 -> 10.201.0.21:40000, $(lost "$d/ping-float.txt")% of 100 pings lost, SNAT took $natted flow(s)"
}

# float_after VPNIP ID PORT0: the server's peer of client-a (the same ID) is
# at the new address and port; OpenVPN logged the float and shows it in its
# status file
float_after() {
	local a='(udp4:)?(\[AF_INET\])?'
	local re="floated from ${a}10.201.0.11:$3 to ${a}10.201.0.21:40000"
	[ "$(peer_field after "$1" id)" = "$2" ] || fail "server: client-a's peer is not peer $2 any more"
	[ "$(peer_field after "$1" remote-ipv4):$(peer_field after "$1" remote-port)" = 10.201.0.21:40000 ] ||
		fail "server: client-a's peer is at $(peer_field after "$1" remote-ipv4):$(peer_field after "$1" remote-port), not 10.201.0.21:40000"
	vm_wait_for 10 grep -qE "$re" "$d/server.log" || fail "server: no '$re' in its log"
	vm_wait_for 10 grep -qE '^client-a,(udp4:)?10.201.0.21:40000,' "$d/status.txt" ||
		fail "server: its status file does not list client-a at 10.201.0.21:40000"
}

# case_persist: client-a restarts (SIGUSR1) with persist-tun: its ovpn
# netdev stays, a new kernel peer is added to it and carries the traffic
case_persist() {
	local i0 i1 n inits
	ovpn_lan "$SRV" ovpn_a
	server_up
	client_up client-a persist-tun
	[ -z "$why" ] || return 0
	i0=$(ifindex ovpn_a)
	pings ovpn_a 10.8.0.1 3 || fail "client-a -> server: no answer"
	peers ovpn_a client-before
	kill -USR1 "${pid_of[client-a]}"
	vm_wait_for 90 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '$d/client-a.log') -ge 2 ]" ||
		{ fail "client-a: no second 'Initialization Sequence Completed' within 90 s of SIGUSR1"; return 0; }
	grep -q 'Preserving previous TUN/TAP instance: tun0' "$d/client-a.log" ||
		fail "client-a: no 'Preserving previous TUN/TAP instance: tun0'"
	i1=$(ifindex ovpn_a)
	[ "$i1" = "$i0" ] || fail "client-a: tun0's ifindex went from $i0 to $i1"
	dco_used client-a
	persist_traffic
	inits=$(grep -c 'Initialization Sequence Completed' "$d/client-a.log")
	n=$(delta restarted after "$(vpn_ip ovpn_a)")
	note="tun0 ifindex $i0 -> $i1, $inits initializations, client peer $(only_peer client-before id) -> $(only_peer client-after id), server peer moved $n"
}

# persist_traffic: after the restart, client-a's one kernel peer and the
# server's one peer carry 10 pings
persist_traffic() {
	local vip n
	vip=$(vpn_ip ovpn_a)
	peers ovpn_a client-restarted
	peers "$SRV" restarted
	[ "$(peer_n client-restarted)" = 1 ] || fail "client-a: $(peer_n client-restarted) kernel peers after the restart, not 1"
	[ "$(peer_n restarted)" = 1 ] || fail "server: $(peer_n restarted) peers after client-a's restart, not 1"
	pings ovpn_a 10.8.0.1 10 || fail "client-a -> server after the restart: no answer"
	peers ovpn_a client-after
	peers "$SRV" after
	n=$(( $(only_peer client-after vpn-tx-packets) - $(only_peer client-restarted vpn-tx-packets) ))
	[ "$n" -ge 10 ] || fail "client-a: its kernel peer sent $n vpn packets after the restart (10 pings)"
	n=$(delta restarted after "$vip")
	[ "$n" -ge 10 ] || fail "server: client-a's peer moved by $n vpn packets after the restart (10 pings)"
}

MANY=20

# case_many: MANY clients (one certificate, duplicate-cn), one namespace
# each on the server's LAN, all up with DCO and pinging the server; the
# server's peer table is checked against MANY, not against the clients
# started
case_many() {
	local i c ns=() names=()
	for i in $(seq -w 1 "$MANY"); do ns+=("ovpn_$i"); names+=("client-$i"); done
	ovpn_lan "$SRV" "${ns[@]}"
	{ ovpn_conf "$work" server server udp "$CIPHER" server client; echo duplicate-cn; } > "$d/server.conf"
	start server "$d/server.conf"
	vm_wait_for 30 ip netns exec "$SRV" ss -Hlnu "sport = :1194" || fail "server: no udp socket on :1194 within 30 s"
	for c in "${names[@]}"; do
		ovpn_conf "$work" client server udp "$CIPHER" client server > "$d/$c.conf"
		start "$c" "$d/$c.conf"
	done
	vm_wait_for 240 sh -c "[ \$(grep -l 'Initialization Sequence Completed' $d/client-*.log | wc -l) -ge ${#names[@]} ]" ||
		fail "$(grep -L 'Initialization Sequence Completed' "$d"/client-*.log | wc -l) clients not up within 240 s"
	for c in server "${names[@]}"; do dco_used "$c"; done
	[ -z "$why" ] || return 0
	many_pings "${ns[@]}"
	peers "$SRV" server
	many_table
}

# many_pings NS...: each NS pings the server 3 times, all at once
many_pings() {
	local ns p=()
	for ns in "$@"; do
		ip netns exec "$ns" ping -c 3 -i 0.2 -w 30 10.8.0.1 > "$d/ping-$ns.txt" 2>&1 &
		p+=($!)
	done
	for ns in "$@"; do
		wait "${p[0]}" || fail "$ns -> server: no answer"
		p=("${p[@]:1}")
	done
}

# many_table: the server's kernel peer table lists 20 peers, each at one of
# the clients' LAN addresses, with distinct VPN addresses, each having
# carried the pings both ways
many_table() {
	local n want
	n=$(peer_n server)
	[ "$n" = "$MANY" ] || fail "server: $n kernel peers, not $MANY"
	n=$(jq '[if type == "array" then .[] else . end | (.peer? // .) | select((.["vpn-rx-packets"] // 0) >= 3
		and (.["vpn-tx-packets"] // 0) >= 3)] | length' "$d/peers-server.json" 2>/dev/null || echo 0)
	[ "$n" = "$MANY" ] || fail "server: $n peers carried 3 pings each way, not $MANY"
	want=$(seq 11 $((10 + MANY)) | sed 's/^/10.201.0./' | sort | xargs)
	[ "$(many_sorted remote-ipv4)" = "$want" ] || fail "server: the peers' remotes are not the clients' addresses"
	n=$(many_sorted vpn-ipv4 | wc -w)
	[ "$n" = "$MANY" ] || fail "server: $n distinct VPN addresses among the peers, not $MANY"
	note="$(peer_n server) kernel peers, $n VPN addresses, each 3 pings"
}

# many_sorted FIELD: the distinct values of FIELD of the server's peers
many_sorted() {
	jq -r --arg f "$1" 'if type == "array" then .[] else . end | (.peer? // .) | .[$f] // empty' "$d/peers-server.json" 2>/dev/null |
		sort -u | xargs
}
