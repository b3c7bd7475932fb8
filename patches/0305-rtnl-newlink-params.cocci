// SPDX-License-Identifier: GPL-2.0
// Undoes: rtnl_link_ops::newlink(dev, struct rtnl_newlink_params *, extack)
//   ("rtnetlink: Pack newlink() params into struct", mainline 6.15).
// Needed on: kernels without struct rtnl_newlink_params (<= 6.14): probed
//   (OVPN_HAVE_RTNL_NEWLINK_PARAMS; CentOS Stream 10 has it without a
//   RHEL_RELEASE_CODE change).
// Why not a header: the struct itself is provided by compat/include/net/rtnetlink.h,
//   but rtnl_link_ops must point to a function with the kernel's own newlink signature.
// Hooks: ovpn_compat_rtnl_newlink, OVPN_COMPAT_DEFINE_RTNL_NEWLINK
//   (compat/include/net/rtnetlink.h)
// Files: drivers/net/ovpn/main.c
//
// The patch routes the ops through ovpn_compat_rtnl_newlink(fn) and defines the adapter
// right after fn with OVPN_COMPAT_DEFINE_RTNL_NEWLINK(fn); both are no-ops where the
// kernel has the struct.
// Detect: a newlink installed other than through the hook.

virtual detect

@ops depends on !detect@
identifier lops, fn;
@@
 struct rtnl_link_ops lops = {
	.newlink =
-		fn
+		ovpn_compat_rtnl_newlink(fn)
	,
 };

@depends on ops && !detect@
identifier ops.fn;
@@
 fn(...)
 {
 ...
 }
+
+OVPN_COMPAT_DEFINE_RTNL_NEWLINK(fn);

@depends on detect@
identifier lops, fn;
@@
 struct rtnl_link_ops lops = {
*	.newlink = fn,
 };
