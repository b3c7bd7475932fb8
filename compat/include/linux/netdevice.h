/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_LINUX_NETDEVICE_H
#define _OVPN_COMPAT_LINUX_NETDEVICE_H
#include_next <linux/netdevice.h>

#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>

/*
 * netdevice_tracker: mainline 5.17 (4d92b95ff2f9, "net: add net device
 * refcount tracker infrastructure"), with dev_hold_track()/dev_put_track(); renamed to
 * netdev_hold()/netdev_put() in 6.0 ("net: rename dev_hold_track() to
 * netdev_hold()"). Distribution kernels (RHEL 9) carry both: probed.
 * Without the tracker a plain reference is taken: only the debugging aid
 * (CONFIG_NET_DEV_REFCNT_TRACKER) is missing. The tracker stays an empty
 * object, so it still fits where upstream stores it in a pointer slot
 * (genl_info::user_ptr[1] in netlink.c).
 */
#ifndef OVPN_HAVE_NETDEVICE_TRACKER
OVPN_SHIM(NETDEVICE_TRACKER);
typedef struct {} netdevice_tracker;
#endif

#ifndef OVPN_HAVE_NETDEV_HOLD
OVPN_SHIM(NETDEV_HOLD);

static inline void netdev_hold(struct net_device *dev,
			       netdevice_tracker *tracker, gfp_t gfp)
{
	if (!dev)
		return;
#ifdef OVPN_HAVE_NETDEVICE_TRACKER
	dev_hold_track(dev, tracker, gfp);
#else
	dev_hold(dev);
#endif
}

static inline void netdev_put(struct net_device *dev,
			      netdevice_tracker *tracker)
{
	if (!dev)
		return;
#ifdef OVPN_HAVE_NETDEVICE_TRACKER
	dev_put_track(dev, tracker);
#else
	dev_put(dev);
#endif
}
#endif /* !OVPN_HAVE_NETDEV_HOLD */

/*
 * struct pcpu_dstats: private to drivers/net/vrf.c before mainline 6.7
 * (79e0c5be8c73, "net, vrf: Move dstats structure to core"; also in 6.6.y and
 * 6.1.y); 5.4, 5.10 and 5.15 only have the incomplete type behind
 * net_device::dstats: probed, and completed here with vrf's layout. Mainline 6.11 ("net: core,vrf:
 * Change pcpu_dstat fields to u64_stats_t") changed the field types: both
 * layouts are probed and handled below.
 */
#ifndef OVPN_HAVE_PCPU_DSTATS
OVPN_SHIM(PCPU_DSTATS);

struct pcpu_dstats {
	u64			rx_packets;
	u64			rx_bytes;
	u64			rx_drops;
	u64			tx_packets;
	u64			tx_bytes;
	u64			tx_drops;
	struct u64_stats_sync	syncp;
} __aligned(8 * sizeof(u64));
#endif

#ifdef OVPN_HAVE_PCPU_DSTATS_U64_STATS_T
#define __ovpn_dstats_add(field, n)	u64_stats_add(&(field), n)
#define __ovpn_dstats_read(field)	u64_stats_read(&(field))
#else
OVPN_SHIM(PCPU_DSTATS_U64_STATS_T);
#define __ovpn_dstats_add(field, n)	((field) += (n))
#define __ovpn_dstats_read(field)	(field)
#endif

/*
 * dev_dstats_{rx,tx}_{add,dropped}(): added to mainline after 6.12 (absent
 * from 6.12.y, present in 7.3): probed. Same
 * semantics: per-CPU counters, callers run with BHs disabled.
 *
 * Without them the core does not (<= 6.10) or may not report dstats either,
 * so ovpn_compat_ndo_get_stats64() below is installed as .ndo_get_stats64
 * (patches/0301-dstats.cocci); it is NULL where the kernel has the helpers
 * (the core then reports NETDEV_PCPU_STAT_DSTATS itself, since mainline 6.11,
 * 94b601bc4f85 "net: core: Implement dstats-type stats collections").
 */
#ifndef OVPN_HAVE_DEV_DSTATS
OVPN_SHIM(DEV_DSTATS);

static inline void dev_dstats_rx_add(struct net_device *dev, unsigned int len)
{
	struct pcpu_dstats *dstats = this_cpu_ptr(dev->dstats);

	u64_stats_update_begin(&dstats->syncp);
	__ovpn_dstats_add(dstats->rx_packets, 1);
	__ovpn_dstats_add(dstats->rx_bytes, len);
	u64_stats_update_end(&dstats->syncp);
}

static inline void dev_dstats_rx_dropped(struct net_device *dev)
{
	struct pcpu_dstats *dstats = this_cpu_ptr(dev->dstats);

	u64_stats_update_begin(&dstats->syncp);
	__ovpn_dstats_add(dstats->rx_drops, 1);
	u64_stats_update_end(&dstats->syncp);
}

static inline void dev_dstats_tx_add(struct net_device *dev, unsigned int len)
{
	struct pcpu_dstats *dstats = this_cpu_ptr(dev->dstats);

	u64_stats_update_begin(&dstats->syncp);
	__ovpn_dstats_add(dstats->tx_packets, 1);
	__ovpn_dstats_add(dstats->tx_bytes, len);
	u64_stats_update_end(&dstats->syncp);
}

static inline void dev_dstats_tx_dropped(struct net_device *dev)
{
	struct pcpu_dstats *dstats = this_cpu_ptr(dev->dstats);

	u64_stats_update_begin(&dstats->syncp);
	__ovpn_dstats_add(dstats->tx_drops, 1);
	u64_stats_update_end(&dstats->syncp);
}

/* what the core's dev_get_dstats64() does since 6.11 */
static inline void ovpn_compat_get_stats64(struct net_device *dev,
					   struct rtnl_link_stats64 *s)
{
	int cpu;

	netdev_stats_to_stats64(s, &dev->stats);
	if (!dev->dstats)
		return;

	for_each_possible_cpu(cpu) {
		u64 rx_packets, rx_bytes, rx_drops;
		u64 tx_packets, tx_bytes, tx_drops;
		const struct pcpu_dstats *stats;
		unsigned int start;

		stats = per_cpu_ptr(dev->dstats, cpu);
		do {
			start = u64_stats_fetch_begin(&stats->syncp);
			rx_packets = __ovpn_dstats_read(stats->rx_packets);
			rx_bytes = __ovpn_dstats_read(stats->rx_bytes);
			rx_drops = __ovpn_dstats_read(stats->rx_drops);
			tx_packets = __ovpn_dstats_read(stats->tx_packets);
			tx_bytes = __ovpn_dstats_read(stats->tx_bytes);
			tx_drops = __ovpn_dstats_read(stats->tx_drops);
		} while (u64_stats_fetch_retry(&stats->syncp, start));

		s->rx_packets += rx_packets;
		s->rx_bytes += rx_bytes;
		s->rx_dropped += rx_drops;
		s->tx_packets += tx_packets;
		s->tx_bytes += tx_bytes;
		s->tx_dropped += tx_drops;
	}
}
#define ovpn_compat_ndo_get_stats64	ovpn_compat_get_stats64
#else
#define ovpn_compat_ndo_get_stats64	NULL
#endif /* !OVPN_HAVE_DEV_DSTATS */

/*
 * net_device::pcpu_stat_type = NETDEV_PCPU_STAT_DSTATS (core-managed per-CPU
 * stats): mainline 6.7 (34d21de99cea, "net: Move {l,t,d}stats allocation to
 * core and convert veth & vrf"), taken by stable 6.6.y and 6.1.y (Debian's
 * 6.1.192 has it): probed. Without it ovpn allocates dev->dstats itself before
 * register_netdevice() and frees it from its priv_destructor, i.e. after the
 * last reference to the device is gone, as the core does from free_netdev().
 * The free is idempotent: on some kernels register_netdevice() already calls
 * priv_destructor on failure.
 */
#ifdef OVPN_HAVE_NETDEV_PCPU_STAT_DSTATS
static inline void ovpn_compat_dstats_setup(struct net_device *dev)
{
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_DSTATS;
}

static inline int ovpn_compat_dstats_alloc(struct net_device *dev)
{
	return 0;
}

static inline void ovpn_compat_dstats_free(struct net_device *dev)
{
}
#else
OVPN_SHIM(NETDEV_PCPU_STAT_DSTATS);

static inline void ovpn_compat_dstats_setup(struct net_device *dev)
{
}

static inline int ovpn_compat_dstats_alloc(struct net_device *dev)
{
	dev->dstats = netdev_alloc_pcpu_stats(struct pcpu_dstats);
	return dev->dstats ? 0 : -ENOMEM;
}

static inline void ovpn_compat_dstats_free(struct net_device *dev)
{
	free_percpu(dev->dstats);
	dev->dstats = NULL;
}
#endif

/* for a newlink that ends in "return register_netdevice(dev);" (patches/0301) */
static inline int ovpn_compat_dstats_register_netdevice(struct net_device *dev)
{
	int ret = ovpn_compat_dstats_alloc(dev);

	if (ret < 0)
		return ret;
	ret = register_netdevice(dev);
	if (ret < 0)
		ovpn_compat_dstats_free(dev);
	return ret;
}

/*
 * net_device::lltx: mainline 6.12 ("netdev_features: convert NETIF_F_LLTX to
 * dev->lltx"); before it the NETIF_F_LLTX feature bit: probed. Used by
 * patches/0306-lltx.cocci.
 */
#ifdef OVPN_HAVE_NETDEV_LLTX
static inline void ovpn_compat_netdev_set_lltx(struct net_device *dev)
{
	dev->lltx = true;
}
#else
OVPN_SHIM(NETDEV_LLTX);

static inline void ovpn_compat_netdev_set_lltx(struct net_device *dev)
{
	dev->features |= NETIF_F_LLTX;
}
#endif

/*
 * netdev_lock()/netdev_unlock(): mainline 6.14 (ebda2f0bbde5, "net: add
 * netdev_lock() / netdev_unlock() helpers"; "net: make netdev_lock() protect
 * netdev->reg_state"): probed. ovpn takes it only to read reg_state without
 * racing with unregister_netdevice_many(), which before 6.14 changes
 * reg_state under RTNL only: RTNL gives the same exclusion there
 * (patches/0303-netdev-lock.cocci explains the choice). Callers must not hold
 * RTNL already.
 */
#ifdef OVPN_HAVE_NETDEV_LOCK
static inline void ovpn_compat_netdev_lock(struct net_device *dev)
{
	netdev_lock(dev);
}

static inline void ovpn_compat_netdev_unlock(struct net_device *dev)
{
	netdev_unlock(dev);
}
#else
OVPN_SHIM(NETDEV_LOCK);

/* <linux/rtnetlink.h> includes this header: declare what is used here */
void rtnl_lock(void);
void rtnl_unlock(void);

static inline void ovpn_compat_netdev_lock(struct net_device *dev)
{
	rtnl_lock();
}

static inline void ovpn_compat_netdev_unlock(struct net_device *dev)
{
	rtnl_unlock();
}
#endif

/*
 * disable_delayed_work_sync(): mainline 6.10 (86898fa6b8cd, "workqueue:
 * Implement disable/enable for (delayed) work items"). The fallback in
 * compat/include/linux/workqueue.h only cancels: a later queueing would
 * re-arm the work on a device being destroyed. ovpn disables its keepalive
 * work from ndo_uninit, which unregister_netdevice_many() runs after setting
 * reg_state to NETREG_UNREGISTERING and a synchronize_net(). So queueing it
 * under RCU only while the device is still NETREG_REGISTERED can never
 * re-arm it after ndo_uninit (patches/0304-keepalive-rearm.cocci).
 */
#ifndef OVPN_HAVE_DISABLE_DELAYED_WORK_SYNC
/*
 * reg_state is an 8-bit bit-field before 6.1 (no READ_ONCE() possible): a
 * single byte load, ordered against the writer by RCU (see above).
 */
static inline bool ovpn_compat_netdev_registered(const struct net_device *dev)
{
	return dev->reg_state == NETREG_REGISTERED;
}
#endif

static inline bool ovpn_compat_queue_delayed_work(struct net_device *dev,
						  struct workqueue_struct *wq,
						  struct delayed_work *dwork,
						  unsigned long delay)
{
#ifdef OVPN_HAVE_DISABLE_DELAYED_WORK_SYNC
	return queue_delayed_work(wq, dwork, delay);
#else
	bool ret = false;

	rcu_read_lock();
	if (ovpn_compat_netdev_registered(dev))
		ret = queue_delayed_work(wq, dwork, delay);
	rcu_read_unlock();
	return ret;
#endif
}

static inline bool ovpn_compat_mod_delayed_work(struct net_device *dev,
						struct workqueue_struct *wq,
						struct delayed_work *dwork,
						unsigned long delay)
{
#ifdef OVPN_HAVE_DISABLE_DELAYED_WORK_SYNC
	return mod_delayed_work(wq, dwork, delay);
#else
	bool ret = false;

	rcu_read_lock();
	if (ovpn_compat_netdev_registered(dev))
		ret = mod_delayed_work(wq, dwork, delay);
	rcu_read_unlock();
	return ret;
#endif
}

#endif /* _OVPN_COMPAT_LINUX_NETDEVICE_H */
