// SPDX-License-Identifier: GPL-2.0
// Fixes: upstream ovpn's peer-new applies the keepalive before the peer is in
//   the tables (since 1d36a36f6d53 "ovpn: implement peer add/get/dump/delete via
//   netlink", mainline 6.16): ovpn_nl_peer_new_doit() calls ovpn_nl_peer_modify(),
//   whose ovpn_peer_keepalive_set() kicks the keepalive worker at once, before
//   ovpn_peer_add(). The worker only looks at the peers in the tables; when it
//   runs before the add and no other peer of the interface has a keepalive, it
//   finds nothing to watch and does not re-arm itself, and nothing arms it again:
//   a keepalive given only at peer-new never starts (no keepalive is sent, and a
//   dead peer never expires, the timeout being the same worker's job). P2P and MP
//   alike; it is hidden only while another peer with a keepalive keeps the worker
//   running (in MP an earlier peer; in P2P the peer being replaced, which the
//   early run still sees), the new peer then being watched from its next run.
//   Which runs first is a race that follows the preemption model: on 6.1
//   (voluntary) without this patch a P2P and an MP peer given a keepalive of 1 s
//   (timeout 4 s) in peer-new sent none and did not expire in 8 s (tests/vm
//   keepalive-new); the in-tree 7.3.4 module under lazy preemption started both,
//   under preempt=full not the P2P one. OpenVPN and the selftests' ovpn-cli set the keepalive with a
//   later peer-set and are not affected; userspace that gives it in peer-new, as
//   the netlink spec allows, is.
// Needed on: every kernel this tree is built for: the bug is in every release of
//   upstream ovpn up to the pinned one (7.3.4), so in every tree generated here.
// Upstream: patches/upstream/0002-ovpn-set-the-keepalive-of-a-new-peer-once-it-is-added.patch
//   (the same change in the form upstream takes)
// Files: drivers/net/ovpn/netlink.c
//
// The keepalive part of ovpn_nl_peer_modify() becomes
// ovpn_nl_peer_keepalive_set(), called by peer-set right after
// ovpn_nl_peer_modify() (as before: under ovpn->lock, then peer->lock) and by
// peer-new only after ovpn_peer_add() succeeded, so the worker's run it asks
// for sees the peer. Why this and not a second kick of the worker after the add:
// - arming stays in ovpn_peer_keepalive_set() (and the worker itself), the one
//   place that patches/0304-keepalive-rearm.cocci guards on kernels without
//   disable_delayed_work_sync(); a new mod_delayed_work() here would be
//   unguarded there (this patch runs after 0304) and could re-arm the work after
//   ndo_uninit cancelled it;
// - a peer-new that fails (socket, sockaddr or add errors) no longer touches the
//   keepalive worker at all: the error paths are as before, with one more put.
// Locking and lifetime: the values are written under peer->lock, as
// ovpn_nl_peer_modify() did and as the worker reads them. Once added, the peer
// belongs to the tables and may leave them at any time (peer-del, a new P2P
// peer replacing it, its TCP socket closing): peer-new holds a reference of its
// own from before the add to after the keepalive is set (dropped on the add's
// error path too). If the peer is gone meanwhile, the keepalive is set on a
// peer no table has, and the worker's run finds nothing: harmless.
// Detect: ovpn_nl_peer_modify() setting the keepalive.

virtual detect

@modify depends on !detect@
identifier peer, attrs, interv, timeout;
@@
 ovpn_nl_peer_modify(struct ovpn_peer *peer, ..., struct nlattr **attrs)
 {
 ...
-if (attrs[OVPN_A_PEER_KEEPALIVE_INTERVAL] &&
-    attrs[OVPN_A_PEER_KEEPALIVE_TIMEOUT]) {
-	interv = nla_get_u32(attrs[OVPN_A_PEER_KEEPALIVE_INTERVAL]);
-	timeout = nla_get_u32(attrs[OVPN_A_PEER_KEEPALIVE_TIMEOUT]);
-	ovpn_peer_keepalive_set(peer, interv, timeout);
-}
 ...
 }

// its variables, one rule each: they share a declaration upstream
@depends on modify && !detect@
identifier modify.interv;
type T;
@@
 ovpn_nl_peer_modify(...)
 {
 ...
-T interv;
 ...
 }

@depends on modify && !detect@
identifier modify.timeout;
type T;
@@
 ovpn_nl_peer_modify(...)
 {
 ...
-T timeout;
 ...
 }

@helper depends on modify && !detect@
type T;
@@
 T ovpn_nl_peer_modify(...)
 {
 ...
 }
+
+static void ovpn_nl_peer_keepalive_set(struct ovpn_peer *peer,
+				       struct nlattr **attrs)
+{
+	struct nlattr *interv = attrs[OVPN_A_PEER_KEEPALIVE_INTERVAL];
+	struct nlattr *timeout = attrs[OVPN_A_PEER_KEEPALIVE_TIMEOUT];
+
+	/* when setting the keepalive, both parameters have to be configured.
+	 * This arms the keepalive worker, which only looks at the peers in
+	 * the tables: call it once the peer is there.
+	 */
+	if (interv && timeout) {
+		spin_lock_bh(&peer->lock);
+		ovpn_peer_keepalive_set(peer, nla_get_u32(interv),
+					nla_get_u32(timeout));
+		spin_unlock_bh(&peer->lock);
+	}
+}

@new depends on helper && !detect@
identifier skb, info, ovpn, peer, attrs, ret, err;
statement S;
@@
 ovpn_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info)
 {
 ...
 ret = ovpn_nl_peer_modify(peer, info, attrs);
 if (ret < 0) S
+
+	/* once added, the peer may leave the tables at any time (peer-del, a
+	 * new P2P peer, its TCP socket closed): hold it until its keepalive
+	 * is set
+	 */
+	ovpn_peer_hold(peer);
 ret = ovpn_peer_add(ovpn, peer);
 if (ret < 0) {
 ...
+	ovpn_peer_put(peer);
 goto err;
 }
+
+	/* set only now: a run of the keepalive worker before the add would
+	 * have found no peer to watch and not re-armed itself
+	 */
+	ovpn_nl_peer_keepalive_set(peer, attrs);
+	ovpn_peer_put(peer);
 return 0;
 ...
 }

@set depends on helper && !detect@
identifier skb, info, peer, attrs, ret, err;
@@
 ovpn_nl_peer_set_doit(struct sk_buff *skb, struct genl_info *info)
 {
 ...
 ret = ovpn_nl_peer_modify(peer, info, attrs);
 if (ret < 0)
 	goto err;
+
+	ovpn_nl_peer_keepalive_set(peer, attrs);
 ...
 }

@depends on detect@
@@
 ovpn_nl_peer_modify(...)
 {
 <...
*ovpn_peer_keepalive_set(...);
 ...>
 }
