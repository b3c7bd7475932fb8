// Undo: core-managed per-CPU dstats, as used by upstream ovpn
//   ("net: Move {l,t,d}stats allocation to core and convert veth & vrf",
//   mainline 6.6, dev->pcpu_stat_type; and "net: core: Implement dstats-type
//   stats collections", mainline 6.11, which reports them).
// Needed on: kernels without NETDEV_PCPU_STAT_DSTATS (<= 5.15, 6.1 before
//   the stable backport, 6.2-6.5: allocate and free dev->dstats in ovpn) and
//   kernels without the dev_dstats_*() helpers (<= 6.12, where the core does
//   not or may not report dstats: install .ndo_get_stats64).
// Why not a header: net_device has no pcpu_stat_type field to assign on those
//   kernels, and the allocation/free and the ndo must be placed in ovpn's
//   setup, newlink, priv_destructor and netdev_ops. The calls go to
//   ovpn_compat_dstats_{setup,alloc,free}() and ovpn_compat_ndo_get_stats64
//   (compat/include/linux/netdevice.h), which are the upstream assignment /
//   no-ops / NULL where the kernel manages the stats itself.
// Files: drivers/net/ovpn/main.c

@setup@
identifier dev;
@@
-	dev->pcpu_stat_type = NETDEV_PCPU_STAT_DSTATS;
+	ovpn_compat_dstats_setup(dev);

@ndo@
identifier nops, xmit;
@@
 struct net_device_ops nops = {
	.ndo_start_xmit = xmit,
+	.ndo_get_stats64	= ovpn_compat_ndo_get_stats64,
 };

@newlink@
identifier fn, dev, params, extack;
expression ret;
@@
 fn(struct net_device *dev, struct rtnl_newlink_params *params,
    struct netlink_ext_ack *extack)
 {
 ...
+	ret = ovpn_compat_dstats_alloc(dev);
+	if (ret < 0)
+		return ret;
 	ret = register_netdevice(dev);
 	if (ret < 0)
+	{
+		ovpn_compat_dstats_free(dev);
 		return ret;
+	}
 ...
 }

@destructor@
identifier setup_fn, priv_free, dev;
@@
 setup_fn(struct net_device *dev)
 {
 ...
 dev->priv_destructor = priv_free;
 ...
 }

@depends on destructor@
identifier destructor.priv_free, net;
@@
 priv_free(struct net_device *net)
 {
 ...
+	ovpn_compat_dstats_free(net);
 }
