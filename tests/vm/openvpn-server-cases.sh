#!/usr/bin/env bash
# The scenarios of tests/vm/openvpn-server.sh (sourced; its --help says what
# each asserts): case_NAME runs one, calls fail for each thing that went
# wrong and leaves what it found in note.
# shellcheck disable=SC2154,SC2034 # d, SRV, CIPHER, pid_of, note, ...: openvpn-server.sh

# case_three: a server and three clients, client to client by kernel routing
case_three() {
	local s c ip ab
	declare -A vip=()
	ovpn_lan "$SRV" ovpn_a ovpn_b ovpn_c
	server_up
	clients_up client-a client-b client-c
	[ -z "$why" ] || return 0
	for c in a b c; do vip[$c]=$(vpn_ip "ovpn_$c"); done
	ip netns exec "$SRV" sysctl -qw net.ipv4.ip_forward=0
	! ip netns exec ovpn_a ping -c 2 -W 1 "${vip[b]}" > "$d/ping-noforward.txt" 2>&1 ||
		fail "client-a reached client-b with forwarding off in the server's namespace"
	ip netns exec "$SRV" sysctl -qw net.ipv4.ip_forward=1
	for s in a b c; do
		for ip in 10.8.0.1 "${vip[a]}" "${vip[b]}" "${vip[c]}"; do
			[ "$ip" != "${vip[$s]}" ] || continue
			pings "ovpn_$s" "$ip" 3 || fail "client-$s -> $ip: no answer"
		done
	done
	peers "$SRV" before
	pings ovpn_a "${vip[c]}" 10 || fail "client-a -> client-c (10 pings): no answer"
	peers "$SRV" after
	three_counters "${vip[a]}" "${vip[b]}" "${vip[c]}"
	three_table "${vip[a]}" "${vip[b]}" "${vip[c]}"
	for c in a b c; do
		peers "ovpn_$c" "client-$c"
		ovpn_moved "$d/peers-client-$c.json" || fail "client-$c: its peer's counters did not move"
	done
	routes "$SRV" ovpn_a ovpn_b ovpn_c
	grep -q "^10.8.0.0/24 dev tun0 .*src 10.8.0.1" "$d/routes-$SRV.txt" ||
		fail "server: no route 10.8.0.0/24 dev tun0 src 10.8.0.1"
	ab=$(delta before after "${vip[b]}")
	note="a=${vip[a]} b=${vip[b]} c=${vip[c]}; a->c x10 moved b by $ab"
}

# three_counters A B C: 10 pings from a to c moved a's and c's peers by 10
# each way, b's by less than 4 (the VPN addresses A B C)
three_counters() {
	local n
	n=$(delta before after "$1")
	[ "$n" -ge 10 ] || fail "server: client-a's peer moved by $n vpn packets (10 pings to c)"
	n=$(delta before after "$3")
	[ "$n" -ge 10 ] || fail "server: client-c's peer moved by $n vpn packets (10 pings from a)"
	n=$(delta before after "$2")
	[ "$n" -ge 0 ] && [ "$n" -lt 4 ] ||
		fail "server: client-b's peer moved by $n vpn packets (pings between a and c)"
}

# three_table A B C: the server's peers are exactly the three, each VPN
# address with its client's LAN address (a 10.201.0.11, b .12, c .13)
three_table() {
	local i=11 ip n
	n=$(jq '[if type == "array" then .[] else . end] | length' "$d/peers-after.json" 2>/dev/null || echo 0)
	[ "$n" = 3 ] || fail "server: $n peers, not 3"
	for ip in "$@"; do
		[ "$(peer_field after "$ip" remote-ipv4)" = "10.201.0.$i" ] ||
			fail "server: the peer of $ip is not at 10.201.0.$i"
		i=$((i + 1))
	done
}

# iroute_up [LINE...]: client-a with 10.99.0.0/24 behind it (namespace
# ovpn_lan_a at 10.99.0.2) and client-b; a's client-config-dir file gives it
# 10.8.0.50 and the iroute; the server also routes and pushes the network
iroute_up() {
	ovpn_lan "$SRV" ovpn_a ovpn_b
	ip netns add ovpn_lan_a
	ip link add lan0 netns ovpn_a type veth peer name eth0 netns ovpn_lan_a
	ip -n ovpn_a addr add 10.99.0.1/24 dev lan0
	ip -n ovpn_lan_a addr add 10.99.0.2/24 dev eth0
	ip -n ovpn_a link set lan0 up
	ip -n ovpn_lan_a link set eth0 up
	ip -n ovpn_lan_a link set lo up
	ip -n ovpn_lan_a route add default via 10.99.0.1
	ip netns exec ovpn_a sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$SRV" sysctl -qw net.ipv4.ip_forward=1
	mkdir -p "$d/ccd"
	printf '%s\n' "ifconfig-push 10.8.0.50 255.255.255.0" "iroute 10.99.0.0 255.255.255.0" \
		> "$d/ccd/client-a"
	server_up "client-config-dir $d/ccd" "route 10.99.0.0 255.255.255.0" \
		'push "route 10.99.0.0 255.255.255.0"' "$@"
	clients_up client-a client-b
}

# iroute_route: the server's route to 10.99.0.2 is the iroute's, via client-a
iroute_route() {
	local gw
	routes "$SRV" ovpn_a ovpn_b
	ip -n "$SRV" route get 10.99.0.2 > "$d/route-get.txt" 2>&1 || true
	grep -q '^10.99.0.0/24 via 10.8.0.50 dev tun0 .*metric 100' "$d/routes-$SRV.txt" ||
		fail "server: no route 10.99.0.0/24 via 10.8.0.50 dev tun0 metric 100 (the iroute)"
	gw=$(ip -n "$SRV" -j route get 10.99.0.2 | jq -r '.[0].gateway // "none"')
	[ "$gw" = 10.8.0.50 ] || fail "server: 10.99.0.2 is routed via $gw, not client-a's 10.8.0.50"
}

# case_iroute: the network behind client-a reached from the server and b
case_iroute() {
	local vb na nb
	iroute_up
	[ -z "$why" ] || return 0
	vb=$(vpn_ip ovpn_b)
	[ "$(vpn_ip ovpn_a)" = 10.8.0.50 ] || fail "client-a has $(vpn_ip ovpn_a), not 10.8.0.50"
	iroute_route
	pings "$SRV" 10.99.0.2 3 || fail "server -> 10.99.0.2 (behind client-a): no answer"
	peers "$SRV" before
	pings ovpn_b 10.99.0.2 10 || fail "client-b -> 10.99.0.2 (behind client-a): no answer"
	pings ovpn_lan_a "$vb" 3 || fail "10.99.0.2 -> client-b ($vb): no answer"
	peers "$SRV" after
	na=$(delta before after 10.8.0.50)
	nb=$(delta before after "$vb")
	[ "$na" -ge 13 ] || fail "server: client-a's peer moved by $na vpn packets (13 pings through it)"
	[ "$nb" -ge 13 ] || fail "server: client-b's peer moved by $nb vpn packets (13 pings)"
	note="routes to 10.99.0.0/24: $(awk '$1 == "10.99.0.0/24" {printf "via %s metric %s, ", $3, $NF}' \
		"$d/routes-$SRV.txt")b=$vb; a moved $na, b $nb"
}

# case_timeout: client-a killed -9; the kernel expires its peer
case_timeout() {
	local vb t0 secs
	iroute_up "keepalive 2 6"
	[ -z "$why" ] || return 0
	vb=$(vpn_ip ovpn_b)
	iroute_route
	peers "$SRV" before
	kill -9 "${pid_of[client-a]}"
	t0=$(vm_now)
	if ! vm_wait_for 40 grep -q 'client-a/.*\[soft,ovpn-dco: ping expired\] received' "$d/server.log"; then
		fail "server: no 'client-a/... [soft,ovpn-dco: ping expired]' within 40 s of the kill"
		return 0
	fi
	secs=$(($(vm_now) - t0))
	[ "$secs" -ge 6 ] || fail "server: client-a expired ${secs} s after the kill, before its 12 s timeout"
	peers "$SRV" after
	[ "$(peer_field after 10.8.0.50 id)" = none ] || fail "server: client-a's peer is still there"
	[ "$(peer_field after "$vb" id)" != none ] || fail "server: client-b's peer is gone too"
	vm_wait_for 10 sh -c "! ip -n $SRV route show | grep -q 10.8.0.50" ||
		fail "server: a route via client-a (10.8.0.50) is left"
	routes "$SRV"
	pings ovpn_b 10.8.0.1 3 || fail "client-b -> server after a's expiry: no answer"
	note="peer expired after ${secs} s (keepalive-timeout $(peer_field before 10.8.0.50 keepalive-timeout))"
}

# fallback_run NAME CIPHER NOTE [LINE...]: server and client with CIPHER and
# LINEs in userspace on tun, OpenVPN's NOTE (a regex) in both logs, a ping
fallback_run() {
	local run="$1" cipher="$2" re="$3" n
	shift 3
	d="$top/$run"
	mkdir -p "$d"
	ovpn_netns_pair "$SRV" ovpn_client
	for n in server client; do
		{ ovpn_conf "$work" "$n" server udp "$cipher"; printf '%s\n' "$@"; } > "$d/$n.conf"
		start "$n" "$d/$n.conf"
		[ "$n" = client ] || vm_wait_for 30 ip netns exec "$SRV" ss -Hlnu "sport = :1194" || true
	done
	for n in server client; do
		vm_wait_for 90 grep -q 'Initialization Sequence Completed' "$d/$n.log" ||
			fail "$run: $n: no 'Initialization Sequence Completed' within 90 s"
		grep -qE "$re" "$d/$n.log" || fail "$run: $n: no '$re'"
		! grep -q 'DCO device tun0 opened' "$d/$n.log" || fail "$run: $n: DCO used"
		[ "$(tun_kind "$(ns_of "$n")")" = tun ] || fail "$run: $n: tun0 is not a tun device"
	done
	[ "$(vm_ovpn_links)" = 0 ] || fail "$run: an ovpn netdev exists"
	pings ovpn_client 10.8.0.1 3 || fail "$run: client -> server: no answer"
	cleanup
	d="$top"
}

# case_fallback: options DCO cannot do, then no module: userspace, working
case_fallback() {
	local top="$d" unload loaded=()
	modprobe tun
	fallback_run cbc AES-256-CBC \
		"Note: cipher 'AES-256-CBC' in --data-ciphers is not supported by ovpn-dco, disabling data channel offload"
	[ ! -e /sys/module/ovpn ] || loaded+=(cbc)
	fallback_run compress "$CIPHER" \
		"Note: '--allow-compression' is not set to 'no', disabling data channel offload" \
		"allow-compression asym" "compress lz4-v2"
	[ ! -e /sys/module/ovpn ] || loaded+=(compress)
	unload=$(vm_unload) || fail "before the no-module run: $unload"
	printf '%s\n' "blacklist ovpn" "install ovpn /bin/false" > "$BLACKLIST"
	fallback_run no-module "$CIPHER" \
		"Note: Kernel support for ovpn.* missing, disabling data channel offload"
	[ ! -e /sys/module/ovpn ] || fail "no-module: ovpn got loaded"
	grep -h 'Kernel support for ovpn' "$top/no-module/server.log" | head -n1 | cut -d' ' -f4- \
		> "$top/no-module/note.txt" || true
	note="cbc, compress, no-module: userspace on tun; ovpn loaded during: ${loaded[*]:-none}"
}

# case_ipv6: IPv6 inside (server-ipv6) and as transport: a dual-stack udp6
# server with client-a over IPv4 and client-b over IPv6, then a tcp6 server
# with client-c over IPv6
case_ipv6() {
	local top="$d"
	PROTO=udp6
	proto_of=([client-a]=udp)
	ipv6_run udp6 client-a client-b
	PROTO=tcp6
	proto_of=()
	ipv6_run tcp6 client-c
	note="udp6 server: a over IPv4, b over IPv6; tcp6 server: c over IPv6; pings over IPv4 and IPv6 inside"
}

# ipv6_run RUN NAME...: the server (PROTO, IPv6 inside) and those clients up
# with DCO, each pinging the server and the others over both families
ipv6_run() {
	local run="$1" c ip
	declare -A v4=() v6=()
	shift
	d="$top/$run"
	mkdir -p "$d"
	ovpn_lan "$SRV" ovpn_a ovpn_b ovpn_c
	ip netns exec "$SRV" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	server_up "server-ipv6 fd00:8::/64"
	clients_up "$@"
	if [ -z "$why" ]; then
		for c in "$@"; do
			v4[$c]=$(vpn_ip "$(ns_of "$c")")
			v6[$c]=$(vpn_ip "$(ns_of "$c")" inet6)
		done
		for c in "$@"; do
			for ip in 10.8.0.1 fd00:8::1 "${v4[@]}" "${v6[@]}"; do
				[ "$ip" != "${v4[$c]}" ] && [ "$ip" != "${v6[$c]}" ] || continue
				pings "$(ns_of "$c")" "$ip" 3 || fail "$run: $c -> $ip: no answer"
			done
		done
		peers "$SRV" server
		for c in "$@"; do ipv6_peer "$c"; done
		routes "$SRV"
		ip -n "$SRV" -6 route show > "$d/routes6-$SRV.txt" 2>&1 || true
	fi
	cleanup
	d="$top"
}

# ipv6_peer NAME: the server's peer of client NAME has its VPN addresses and
# packets counted; its remote is the client's LAN address of its transport's
# family (a TCP peer has none in the dump: the server's TCP connection's)
ipv6_peer() {
	local ns ip4 want f=remote-ipv6 n proto="${proto_of[$1]:-$PROTO}"
	ns=$(ns_of "$1")
	ip4=$(vpn_ip "$ns")
	want="fd01::$(printf '%s' "${ns#ovpn_}" | tr abc 123 | sed 's/^/1/')"
	case "$proto" in *6) ;; *) f=remote-ipv4 want="10.201.0.${want#fd01::}" ;; esac
	if [ "${proto#tcp}" != "$proto" ]; then
		ip netns exec "$SRV" ss -Htn state established "sport = :1194" > "$d/tcp-$1.txt" 2>&1 || true
		grep -qF "[$want]:" "$d/tcp-$1.txt" ||
			fail "$run: the server has no TCP connection from $want (ss: $(xargs < "$d/tcp-$1.txt"))"
	elif [ "$(peer_field server "$ip4" "$f")" != "$want" ]; then
		fail "$run: the server's peer of $1 ($ip4) has $f $(peer_field server "$ip4" "$f"), not $want"
	fi
	[ "$(peer_field server "$ip4" vpn-ipv6)" = "$(vpn_ip "$ns" inet6)" ] ||
		fail "$run: the server's peer of $1 has not its VPN IPv6 address"
	n=$(peer_field server "$ip4" vpn-rx-packets)
	[ "$n" != none ] && [ "$n" -gt 0 ] || fail "$run: the server's peer of $1 counted no packet"
}

# case_rekey: the server renegotiates every 8 s (reneg-sec) under 30 s of
# pings: the new keys go to the kernel, DCO stays in use, little is lost
case_rekey() {
	local id k0 k1 n loss resets
	ovpn_lan "$SRV" ovpn_a
	server_up "reneg-sec 8"
	clients_up client-a
	[ -z "$why" ] || return 0
	peers "$SRV" before
	id=$(peer_field before "$(vpn_ip ovpn_a)" id)
	k0=$(key_id "$SRV" "$id")
	ip netns exec ovpn_a ping -q -i 0.1 -c 300 -w 60 10.8.0.1 > "$d/ping-rekey.txt" 2>&1 || true
	peers "$SRV" after
	k1=$(key_id "$SRV" "$id")
	resets=$(grep -c 'TLS: soft reset' "$d/server.log" || true)
	[ "$resets" -ge 2 ] || fail "server: $resets renegotiations ('TLS: soft reset') in 30 s, not 2 or more"
	[ "$k1" != none ] && [ "$k1" != "$k0" ] || fail "server: the kernel's primary key-id went from $k0 to $k1"
	n=$(delta before after "$(vpn_ip ovpn_a)")
	[ "$n" -ge 285 ] || fail "server: client-a's peer moved by $n vpn packets (300 pings)"
	rekey_kept 300
	note="$resets renegotiations, key-id $k0 -> $k1, ${loss}% lost, $n vpn packets"
}

# key_id NS PEER: the key-id of the primary key of peer PEER of NS's tun0
key_id() {
	local idx
	idx=$(ip netns exec "$1" cat /sys/class/net/tun0/ifindex)
	ip netns exec "$1" "$ynl" --family ovpn --do key-get --output-json --json \
		"{\"ifindex\": $idx, \"keyconf\": {\"peer-id\": $2, \"slot\": \"primary\"}}" 2>/dev/null |
		jq -r '.keyconf["key-id"] // "none"' 2>/dev/null || echo none
}
