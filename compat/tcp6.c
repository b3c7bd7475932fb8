// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's IPv6 TCP proto and proto_ops where they are not exported (see
 * compat/include/net/transp_v6.h).
 */
#include <linux/net.h>
#include <linux/printk.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/transp_v6.h>

#if IS_ENABLED(CONFIG_IPV6) && \
	!(defined(OVPN_HAVE_EXPORT_inet6_stream_ops) && defined(OVPN_HAVE_EXPORT_tcpv6_prot))
/**
 * ovpn_compat_tcpv6_protos - the proto and proto_ops of an IPv6 TCP socket
 * @prot: set to the kernel's tcpv6_prot
 * @ops: set to the kernel's inet6_stream_ops
 *
 * Both are static objects of the IPv6 stack, which cannot be unloaded, so
 * they outlive the socket they are read from.
 *
 * Return: 0 on success, or the error of creating the socket
 */
int ovpn_compat_tcpv6_protos(const struct proto **prot,
			     const struct proto_ops **ops)
{
	struct socket *sock;
	int ret;

	ret = sock_create_kern(&init_net, AF_INET6, SOCK_STREAM, IPPROTO_TCP,
			       &sock);
	if (ret < 0) {
		pr_warn("ovpn: no IPv6 TCP socket (%d): TCP over IPv6 disabled\n",
			ret);
		return ret;
	}

	*prot = sock->sk->sk_prot;
	*ops = sock->ops;
	sock_release(sock);
	return 0;
}
#endif
