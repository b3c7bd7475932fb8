// excerpt of drivers/net/ovpn/main.c (upstream 7.3)
static int ovpn_newlink(struct net_device *dev,
			struct rtnl_newlink_params *params,
			struct netlink_ext_ack *extack)
{
	struct ovpn_priv *ovpn = netdev_priv(dev);
	struct nlattr **data = params->data;
	int ret;

	ret = register_netdevice(dev);
	if (ret < 0)
		return ret;

	return 0;
}

static size_t ovpn_get_size(const struct net_device *dev)
{
	/* IFLA_OVPN_MODE */
	return nla_total_size(sizeof(u8));
}

static struct rtnl_link_ops ovpn_link_ops = {
	.kind = "ovpn",
	.netns_refund = false,
	.priv_size = sizeof(struct ovpn_priv),
	.setup = ovpn_setup,
	.policy = ovpn_policy,
	.maxtype = IFLA_OVPN_MAX,
	.newlink = ovpn_newlink,
	.get_size = ovpn_get_size,
	.fill_info = ovpn_fill_info,
};
