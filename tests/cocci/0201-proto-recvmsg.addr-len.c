// Unit test of patches/0201-proto-recvmsg.cocci on an older upstream ovpn: from
// before the removal of addr_len from struct proto::recvmsg, its handler takes it.
static int ovpn_tcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			    int flags, int *addr_len)
{
	struct sk_buff *skb;
	int err = 0, off;

	skb = __skb_recv_datagram(sk, &peer->tcp.user_queue, flags, &off, &err);
	if (!skb)
		return err;
	return skb->len;
}

void ovpn_tcp_socket_detach(struct ovpn_socket *ovpn_sock)
{
	strp_stop(&peer->tcp.strp);
}

static void ovpn_tcp_build_protos(struct proto *new_prot,
				  struct proto_ops *new_ops,
				  const struct proto *orig_prot,
				  const struct proto_ops *orig_ops)
{
	memcpy(new_prot, orig_prot, sizeof(*new_prot));
	memcpy(new_ops, orig_ops, sizeof(*new_ops));
	new_prot->recvmsg = ovpn_tcp_recvmsg;
	new_prot->sendmsg = ovpn_tcp_sendmsg;
	new_ops->poll = ovpn_tcp_poll;
}
