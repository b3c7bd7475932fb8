#!/usr/bin/env bash
# OpenVPN in the test guest, shared by tests/vm/openvpn-e2e.sh,
# tests/vm/openvpn-server.sh and tests/bench/guest-bench.sh (sourced):
# certificates, the namespaces of a server and its clients, their
# configurations, the kernel's view of the peers.

# ovpn_mkcert DIR NAME: a self-signed P-256 certificate DIR/NAME.crt, its key
# DIR/NAME.key and its SHA-256 fingerprint DIR/NAME.fp (for peer-fingerprint)
ovpn_mkcert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-days 2 -subj "/CN=$2" -keyout "$1/$2.key" -out "$1/$2.crt" 2>/dev/null &&
	openssl x509 -noout -fingerprint -sha256 -in "$1/$2.crt" | cut -d= -f2 > "$1/$2.fp"
}

# ovpn_netns_pair SRV CLI: namespaces SRV (10.201.0.1) and CLI (10.201.0.2)
# joined by a veth, loopback up
ovpn_netns_pair() { vm_netns_pair "$1" "$2" 10.201.0; }

# ovpn_conf DIR ROLE MODE PROTO CIPHER [NAME PEER...]: the configuration of
# ROLE (server | client) in MODE (server: topology subnet, 10.8.0.0/24; p2p:
# 10.9.0.1 and .2) over PROTO (udp | tcp: IPv4 to 10.201.0.1; in server
# mode also udp6 | tcp6: a server on [::], dual-stack, and a client to
# fd01::1 over IPv6) with CIPHER, certificates from DIR (ovpn_mkcert): its own
# DIR/NAME (default ROLE), accepting those of each PEER (default: the other
# role; a server with several clients lists them all)
ovpn_conf() {
	local dir="$1" role="$2" mode="$3" proto="$4" cipher="$5" name="${6:-$2}" peers=(client)
	local fam=4 local="local 10.201.0.1" remote=10.201.0.1
	[ "$role" = server ] || peers=(server)
	[ $# -lt 7 ] || peers=("${@:7}")
	case "$proto" in *6) fam=6 local="" remote=fd01::1 proto=${proto%6} ;; esac
	cat <<CONF
dev tun0
dev-type tun
cert $dir/$name.crt
key $dir/$name.key
$(ovpn_fingerprints "$dir" "${peers[@]}")
data-ciphers $cipher
verb 4
keepalive 5 30
CONF
	case "$mode:$role" in
	server:server)
		printf '%s\n' "proto $proto$fam$([ "$proto" = tcp ] && echo -server)" "$local" \
			"lport 1194" "server 10.8.0.0 255.255.255.0" "topology subnet" "dh none" ;;
	server:client)
		printf '%s\n' client "proto $proto$fam$([ "$proto" = tcp ] && echo -client)" \
			"remote $remote 1194" nobind ;;
	p2p:server)
		printf '%s\n' tls-server "dh none" "proto ${proto}4" "local 10.201.0.1" "port 1194" \
			"remote 10.201.0.2" "ifconfig 10.9.0.1 10.9.0.2" ;;
	p2p:client)
		printf '%s\n' tls-client "proto ${proto}4" "local 10.201.0.2" "port 1194" \
			"remote 10.201.0.1" "ifconfig 10.9.0.2 10.9.0.1" ;;
	esac
}

# ovpn_fingerprints DIR NAME...: the peer-fingerprint option accepting the
# certificates DIR/NAME.crt (one line for one, an inline list for several)
ovpn_fingerprints() {
	local dir="$1" n
	shift
	if [ $# = 1 ]; then echo "peer-fingerprint $(cat "$dir/$1.fp")"; return; fi
	echo '<peer-fingerprint>'
	for n in "$@"; do cat "$dir/$n.fp"; done
	echo '</peer-fingerprint>'
}

# ovpn_lan SRV NS...: namespace SRV with a bridge br0 (10.201.0.1/24 and
# fd01::1/64, the server's LAN) and each NS joined to it by a veth (eth0:
# 10.201.0.11 and fd01::11, .12, ...)
ovpn_lan() {
	local srv="$1" ns i=11
	shift
	ip netns add "$srv"
	ip -n "$srv" link set lo up
	ip -n "$srv" link add br0 type bridge
	ip -n "$srv" addr add 10.201.0.1/24 dev br0
	ip -n "$srv" addr add fd01::1/64 dev br0 nodad
	ip -n "$srv" link set br0 up
	for ns in "$@"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		ip link add "veth$i" netns "$srv" type veth peer name eth0 netns "$ns"
		ip -n "$srv" link set "veth$i" master br0 up
		ip -n "$ns" addr add "10.201.0.$i/24" dev eth0
		ip -n "$ns" addr add "fd01::$i/64" dev eth0 nodad
		ip -n "$ns" link set eth0 up
		i=$((i + 1))
	done
}

# ovpn_peers NS YNL: the ovpn peers of tun0 in NS as the kernel lists them
# (genetlink peer-get dump with the ynl cli YNL), JSON
ovpn_peers() {
	local idx
	idx=$(ip netns exec "$1" cat /sys/class/net/tun0/ifindex)
	ip netns exec "$1" "$2" --family ovpn --dump peer-get \
		--json "{\"ifindex\": $idx}" --output-json
}

# ovpn_moved FILE: some peer of FILE (ovpn_peers) has non-zero vpn and link
# rx/tx packets
ovpn_moved() {
	jq -e '[if type == "array" then .[] else . end | (.peer? // .)
		| select((.["vpn-rx-packets"] // 0) > 0 and (.["vpn-tx-packets"] // 0) > 0
		and (.["link-rx-packets"] // 0) > 0 and (.["link-tx-packets"] // 0) > 0)]
		| length > 0' "$1" >/dev/null
}
