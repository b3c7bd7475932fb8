/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_NET_RTNETLINK_H
#define _OVPN_COMPAT_NET_RTNETLINK_H
#include_next <net/rtnetlink.h>

/*
 * struct rtnl_newlink_params and the rtnl_link_ops::newlink(dev, params,
 * extack) signature: mainline 6.15 ("rtnetlink: Pack newlink() params into
 * struct"); CentOS Stream 10 took it without a RHEL_RELEASE_CODE change:
 * probed. Before it newlink() took (src_net, dev, tb, data, extack).
 *
 * ovpn_compat_rtnl_newlink(fn) names the function to put in rtnl_link_ops::newlink;
 * OVPN_COMPAT_DEFINE_RTNL_NEWLINK(fn); (at file scope, after fn) defines, where
 * needed, the old-signature adapter that packs the arguments and calls fn.
 * Where the kernel has the struct both are no-ops (fn itself; a redundant
 * declaration of fn). patches/0305-rtnl-newlink-params.cocci uses them.
 * link_net stays NULL ("not specified") and peer_net NULL: before 6.15 the
 * core resolved IFLA_LINK_NETNSID itself and passed no peer netns.
 */
#ifdef OVPN_HAVE_RTNL_NEWLINK_PARAMS
#define ovpn_compat_rtnl_newlink(fn)		fn
#define OVPN_COMPAT_DEFINE_RTNL_NEWLINK(fn)	extern typeof(fn) fn
#else
OVPN_SHIM(RTNL_NEWLINK_PARAMS);

struct rtnl_newlink_params {
	struct net *src_net;
	struct net *link_net;
	struct net *peer_net;
	struct nlattr **tb;
	struct nlattr **data;
};

static inline struct net *rtnl_newlink_link_net(struct rtnl_newlink_params *p)
{
	return p->link_net ? : p->src_net;
}

#define ovpn_compat_rtnl_newlink(fn)		__ovpn_rtnl_newlink_##fn
#define OVPN_COMPAT_DEFINE_RTNL_NEWLINK(fn)				\
static int __ovpn_rtnl_newlink_##fn(struct net *src_net,		\
				    struct net_device *dev,		\
				    struct nlattr *tb[],		\
				    struct nlattr *data[],		\
				    struct netlink_ext_ack *extack)	\
{									\
	struct rtnl_newlink_params params = {				\
		.src_net = src_net,					\
		.tb = tb,						\
		.data = data,						\
	};								\
									\
	return fn(dev, &params, extack);				\
}									\
extern typeof(fn) fn
#endif

#endif /* _OVPN_COMPAT_NET_RTNETLINK_H */
