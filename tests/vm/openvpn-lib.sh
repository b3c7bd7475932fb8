#!/usr/bin/env bash
# OpenVPN in the test guest, shared by tests/vm/openvpn-e2e.sh and
# tests/bench/guest-bench.sh (sourced): certificates, the two namespaces of a
# server and a client joined by a veth, and their configurations.

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

# ovpn_conf DIR ROLE MODE PROTO CIPHER: the configuration of ROLE (server |
# client) in MODE (server: topology subnet, 10.8.0.0/24; p2p: 10.9.0.1 and
# .2) over PROTO (udp | tcp) with CIPHER, certificates from DIR (ovpn_mkcert)
ovpn_conf() {
	local dir="$1" role="$2" mode="$3" proto="$4" cipher="$5" peer=client
	[ "$role" = server ] || peer=server
	cat <<CONF
dev tun0
dev-type tun
cert $dir/$role.crt
key $dir/$role.key
peer-fingerprint $(cat "$dir/$peer.fp")
data-ciphers $cipher
verb 4
keepalive 5 30
CONF
	case "$mode:$role" in
	server:server)
		printf '%s\n' "proto ${proto}4$([ "$proto" = tcp ] && echo -server)" "local 10.201.0.1" \
			"lport 1194" "server 10.8.0.0 255.255.255.0" "topology subnet" "dh none" ;;
	server:client)
		printf '%s\n' client "proto ${proto}4$([ "$proto" = tcp ] && echo -client)" \
			"remote 10.201.0.1 1194" nobind ;;
	p2p:server)
		printf '%s\n' tls-server "dh none" "proto ${proto}4" "local 10.201.0.1" "port 1194" \
			"remote 10.201.0.2" "ifconfig 10.9.0.1 10.9.0.2" ;;
	p2p:client)
		printf '%s\n' tls-client "proto ${proto}4" "local 10.201.0.2" "port 1194" \
			"remote 10.201.0.1" "ifconfig 10.9.0.2 10.9.0.1" ;;
	esac
}
