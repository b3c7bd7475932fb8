// SPDX-License-Identifier: GPL-2.0
// Files: drivers/net/ovpn/netlink-gen.c
//
// Undoes: "genetlink: allow families to use split ops directly"
// (6.2): the family points to its split ops table with .split_ops and
// .n_split_ops.
// Needed by: kernels without struct genl_split_ops (mainline < 6.2; probe
// OVPN_HAVE_GENL_SPLIT_OPS).
// Why not a header: struct genl_family of those kernels has no such fields,
// and only registration can turn the table into classic ops.
//
// The table itself stays as upstream generates it. The two fields become
// OVPN_GENL_SPLIT_OPS(table), which is exactly them where the kernel has
// split ops, and the family is tied to its table by OVPN_GENL_SPLIT_FAMILY():
// compat/include/net/genetlink.h and compat/genetlink.c do the rest (classic
// ops with the same permission flags, per-op pre_doit/post_doit, policies).

@family@
identifier F, OPS;
expression N;
attribute name __ro_after_init;
declarer name OVPN_GENL_SPLIT_FAMILY;
@@
 struct genl_family F __ro_after_init = {
	...,
-	.split_ops = OPS,
-	.n_split_ops = N,
+	OVPN_GENL_SPLIT_OPS(OPS),
	...
 };
+OVPN_GENL_SPLIT_FAMILY(F, OPS);
