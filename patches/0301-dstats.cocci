// SPDX-License-Identifier: GPL-2.0
// Undoes: core-managed per-CPU dstats, as used by upstream ovpn ("net: Move {l,t,d}stats
//   allocation to core and convert veth & vrf", mainline 6.6, dev->pcpu_stat_type; and
//   "net: core: Implement dstats-type stats collections", mainline 6.11, which reports
//   them).
// Needed on: kernels without NETDEV_PCPU_STAT_DSTATS (<= 5.15, 6.1 before the stable
//   backport, 6.2-6.5: allocate and free dev->dstats in ovpn) and kernels without the
//   dev_dstats_*() helpers (<= 6.12, where the core does not or may not report dstats:
//   install .ndo_get_stats64): probed (OVPN_HAVE_NETDEV_PCPU_STAT_DSTATS,
//   OVPN_HAVE_DEV_DSTATS).
// Why not a header: net_device has no pcpu_stat_type field to assign on those kernels,
//   and the allocation/free and the ndo must be placed in ovpn's setup, newlink,
//   priv_destructor and netdev_ops.
// Hooks: ovpn_compat_dstats_setup, ovpn_compat_dstats_alloc, ovpn_compat_dstats_free,
//   ovpn_compat_dstats_register_netdevice, ovpn_compat_ndo_get_stats64
//   (compat/include/linux/netdevice.h)
// Files: drivers/net/ovpn/main.c
//
// The hooks are the upstream assignment / no-ops / NULL where the kernel manages
// the stats itself. newlink registers the device either as "ret =
// register_netdevice(dev); if (ret < 0) return ret;" (7.1 and later) or as
// "return register_netdevice(dev);" (before): the allocation goes before it, the
// free on its failure (ovpn_compat_dstats_register_netdevice() does both).
// Detect: any pcpu_stat_type left, and a setup rewritten while the allocation,
// the destructor's free or the ndo is missing (a newlink, destructor or
// netdev_ops in a shape the rules below do not know).

virtual detect

@setup depends on !detect@
identifier dev;
@@
-	dev->pcpu_stat_type = NETDEV_PCPU_STAT_DSTATS;
+	ovpn_compat_dstats_setup(dev);

@ndo depends on !detect@
identifier nops, xmit;
@@
 struct net_device_ops nops = {
	.ndo_start_xmit = xmit,
+	.ndo_get_stats64	= ovpn_compat_ndo_get_stats64,
 };

@newlink depends on !detect@
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

@newlink_return depends on !detect@
identifier fn, dev, params, extack;
@@
 fn(struct net_device *dev, struct rtnl_newlink_params *params,
    struct netlink_ext_ack *extack)
 {
 ...
-	return register_netdevice(dev);
+	return ovpn_compat_dstats_register_netdevice(dev);
 }

@destructor depends on !detect@
identifier setup_fn, priv_free, dev;
@@
 setup_fn(struct net_device *dev)
 {
 ...
 dev->priv_destructor = priv_free;
 ...
 }

@depends on destructor && !detect@
identifier destructor.priv_free, net;
@@
 priv_free(struct net_device *net)
 {
 ...
+	ovpn_compat_dstats_free(net);
 }

@depends on detect@
expression D, V;
@@
* D->pcpu_stat_type = V

@rewritten depends on detect@
expression D;
@@
  ovpn_compat_dstats_setup(D)

@allocated depends on detect@
expression D;
@@
(
  ovpn_compat_dstats_alloc(D)
|
  ovpn_compat_dstats_register_netdevice(D)
)

@dtor depends on detect@
identifier setup_fn, priv_free, dev;
@@
 setup_fn(struct net_device *dev)
 {
 ...
 dev->priv_destructor = priv_free;
 ...
 }

@freed depends on detect@
identifier dtor.priv_free, net;
expression D;
@@
 priv_free(struct net_device *net)
 {
 <+...
 ovpn_compat_dstats_free(D);
 ...+>
 }

@reported depends on detect@
identifier nops;
@@
 struct net_device_ops nops = {
	.ndo_get_stats64 = ovpn_compat_ndo_get_stats64,
 };

@depends on detect && rewritten && !(allocated && freed && reported)@
expression D;
@@
* ovpn_compat_dstats_setup(D)
