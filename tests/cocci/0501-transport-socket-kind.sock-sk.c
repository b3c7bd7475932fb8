// excerpt of drivers/net/ovpn/socket.c (upstream 6.16-rc, before the local "sk")
static int ovpn_socket_attach(struct ovpn_socket *sock, struct ovpn_peer *peer)
{
	if (sock->sock->sk->sk_protocol == IPPROTO_UDP)
		return ovpn_udp_socket_attach(sock, peer->ovpn);

	return -EOPNOTSUPP;
}

/**
 * ovpn_socket_new - create a new socket and initialize it
 * @sock: the kernel socket to embed
 * @peer: the peer reachable via this socket
 *
 * Return: an openvpn socket on success or a negative error code otherwise
 */
struct ovpn_socket *ovpn_socket_new(struct socket *sock, struct ovpn_peer *peer)
{
	struct ovpn_socket *ovpn_sock;
	int ret;

	lock_sock(sock->sk);

	/* a TCP socket can only be owned by a single peer, therefore there
	 * can't be any other user
	 */
	if (sock->sk->sk_protocol == IPPROTO_TCP && sock->sk->sk_user_data) {
		ovpn_sock = ERR_PTR(-EBUSY);
		goto sock_release;
	}

	ovpn_sock = kzalloc(sizeof(*ovpn_sock), GFP_KERNEL);
	if (!ovpn_sock) {
		ovpn_sock = ERR_PTR(-ENOMEM);
		goto sock_release;
	}

	ovpn_sock->ovpn = peer->ovpn;
	ovpn_sock->sock = sock;
	kref_init(&ovpn_sock->refcount);

	ret = ovpn_socket_attach(ovpn_sock, peer);
	if (ret < 0) {
		kfree(ovpn_sock);
		ovpn_sock = ERR_PTR(ret);
		goto sock_release;
	}

	rcu_assign_sk_user_data(sock->sk, ovpn_sock);
sock_release:
	release_sock(sock->sk);
	return ovpn_sock;
}
