// SPDX-License-Identifier: GPL-2.0
// Undoes: the use of NLA_POLICY_FULL_RANGE() (NLA_VALIDATE_RANGE_PTR, "netlink: extend
//   policy range validation", mainline 5.8) and of a const range pointer in it
//   ("netlink: make range pointers in policies const", mainline 6.7).
// Needed on: 5.4 (no NLA_POLICY_FULL_RANGE: the s16 min/max of older policies cannot
//   hold ovpn's peer-id and keepalive bounds) and, for the const range, kernels before
//   6.7: probed (OVPN_HAVE_NLA_CONST_RANGE).
// Why not a header: on 5.4 the check must be a validation function per range
//   (NLA_POLICY_VALIDATE_FN gives the function no access to the policy), and a header
//   cannot define functions from a policy initializer.
// Hooks: OVPN_COMPAT_NLA_POLICY_FULL_RANGE, ovpn_compat_nla_validate_range_u32
//   (compat/include/net/netlink.h)
// Files: drivers/net/ovpn/netlink-gen.c
//
// Each range gets a validation function next to it, and its uses become
// OVPN_COMPAT_NLA_POLICY_FULL_RANGE(type, &range, function), which is the upstream
// NLA_POLICY_FULL_RANGE(type, &range) where the kernel has it and
// NLA_POLICY_VALIDATE_FN(type, function) on 5.4: the range is checked on every
// kernel (same -ERANGE and message). The functions are __maybe_unused as only
// 5.4 references them.
// Detect: any NLA_POLICY_FULL_RANGE{,_SIGNED}() left, e.g. one on a range that
// is not a struct netlink_range_validation (a signed or 64-bit one).

virtual detect

@range depends on !detect@
identifier R;
fresh identifier V = R ## "_validate";
@@
 static const struct netlink_range_validation R = { ... };
+
+static int __maybe_unused V(const struct nlattr *attr,
+			    struct netlink_ext_ack *extack)
+{
+	return ovpn_compat_nla_validate_range_u32(attr, &R, extack);
+}

@depends on !detect@
identifier range.R, range.V;
expression T;
@@
- NLA_POLICY_FULL_RANGE(T, &R)
+ OVPN_COMPAT_NLA_POLICY_FULL_RANGE(T, &R, V)

@depends on detect@
expression list es;
@@
(
* NLA_POLICY_FULL_RANGE(es)
|
* NLA_POLICY_FULL_RANGE_SIGNED(es)
)
