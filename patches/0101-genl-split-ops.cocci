// SPDX-License-Identifier: GPL-2.0
// Undoes: "genetlink: allow families to use split ops directly" (mainline 6.2): the
//   family points to its split ops table with .split_ops and .n_split_ops.
// Needed on: kernels without struct genl_split_ops (mainline < 6.2): probed
//   (OVPN_HAVE_GENL_SPLIT_OPS).
// Why not a header: struct genl_family of those kernels has no such fields, and only
//   registration can turn the table into classic ops.
// Hooks: OVPN_COMPAT_GENL_SPLIT_OPS, OVPN_COMPAT_DEFINE_GENL_SPLIT_FAMILY
//   (compat/include/net/genetlink.h)
// Files: drivers/net/ovpn/netlink-gen.c
//
// The table itself stays as upstream generates it. The two fields become
// OVPN_COMPAT_GENL_SPLIT_OPS(table), which is exactly them where the kernel has split
// ops, and the family is tied to its table by OVPN_COMPAT_DEFINE_GENL_SPLIT_FAMILY():
// compat/include/net/genetlink.h and compat/genetlink.c do the rest (classic
// ops with the same permission flags, per-op pre_doit/post_doit, policies).
// Detect: either field, wherever it is set.

virtual detect

@family depends on !detect@
identifier F, OPS;
expression N;
attribute name __ro_after_init;
declarer name OVPN_COMPAT_DEFINE_GENL_SPLIT_FAMILY;
@@
 struct genl_family F __ro_after_init = {
	...,
-	.split_ops = OPS,
-	.n_split_ops = N,
+	OVPN_COMPAT_GENL_SPLIT_OPS(OPS),
	...
 };
+OVPN_COMPAT_DEFINE_GENL_SPLIT_FAMILY(F, OPS);

@depends on detect@
identifier F, fld = {split_ops, n_split_ops};
expression E;
attribute name __ro_after_init;
@@
 struct genl_family F __ro_after_init = {
	...,
*	.fld = E,
	...
 };

@depends on detect@
identifier F, fld = {split_ops, n_split_ops};
expression E;
@@
 struct genl_family F = {
	...,
*	.fld = E,
	...
 };
