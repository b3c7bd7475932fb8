/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovpn-backports: <net/netlink.h> (and the extack helpers of
 * <linux/netlink.h>, which it includes) as the upstream ovpn expects them.
 *
 * Gates: macros are tested with #ifndef; enum values, functions and struct
 * layouts with the OVPN_HAVE_* probes (compat/gates.txt, evaluated by
 * compat/gates.sh at build time: each greps the target kernel's headers),
 * because stable and distribution kernels backport them without a change of
 * LINUX_VERSION_CODE, where a version gate would take the wrong branch.
 */
#ifndef _OVPN_COMPAT_NET_NETLINK_H
#define _OVPN_COMPAT_NET_NETLINK_H

#include_next <net/netlink.h>

/*
 * NLA_BE16/NLA_BE32 as types that the range checks accept: the types are
 * mainline 6.1 (ecaf75ffd5f5, "netlink: introduce bigendian integer types"),
 * their acceptance by every unsigned range check mainline 6.6 (5fac9b7c16c5,
 * "netlink: allow be16 and be32 types in all uint policy checks"), taken by
 * 6.1.168 (Debian's 6.1.192 has it), 5.15.y and 5.10.y: probed. Without them the attribute is checked as the host-order integer of
 * the same size: the length check is the same, and ovpn only asks for a
 * minimum of 1 (that is, non-zero), which does not depend on byte order.
 */
#ifndef OVPN_HAVE_NLA_BE_RANGE
OVPN_SHIM(NLA_BE_RANGE);
#define NLA_BE16 NLA_U16
#define NLA_BE32 NLA_U32
#endif

/*
 * NLA_UINT / nla_put_uint(): mainline 6.7 (374d345d9b5e, "netlink: add
 * variable-length / auto integers"). nla_put_uint() is copied in behaviour: a u32 when the value fits,
 * else a u64, without padding (readers use nla_get_uint() or accept both).
 * As a policy type, NLA_UINT accepts 4 or 8 bytes; older kernels have no such
 * type, so it is checked as NLA_U64 (8 bytes). ovpn only sends these
 * attributes (peer statistics); a request that carries one is rejected with
 * -EINVAL either way, only the extack text differs for a 4-byte attribute.
 */
#ifndef OVPN_HAVE_NLA_UINT
OVPN_SHIM(NLA_UINT);

#define NLA_UINT NLA_U64

static inline int nla_put_uint(struct sk_buff *skb, int attrtype, u64 value)
{
	u64 tmp64 = value;
	u32 tmp32 = value;

	if (tmp64 == tmp32)
		return nla_put_u32(skb, attrtype, tmp32);
	return nla_put(skb, attrtype, sizeof(u64), &tmp64);
}
#endif

/*
 * NLA_POLICY_MAX_LEN(): mainline 6.13 (4138e9ec0093, "netlink: add
 * NLA_POLICY_MAX_LEN macro"). Before
 * 5.10 (no binary range checks, NLA_ENSURE_UINT_OR_BINARY_TYPE missing) the
 * maximum length of an NLA_BINARY is its .len; both reject a longer attribute
 * with -ERANGE.
 */
#ifndef NLA_POLICY_MAX_LEN
OVPN_SHIM(NLA_POLICY_MAX_LEN);
#ifdef NLA_ENSURE_UINT_OR_BINARY_TYPE
#define NLA_POLICY_MAX_LEN(_len)	NLA_POLICY_MAX(NLA_BINARY, _len)
#else
#define NLA_POLICY_MAX_LEN(_len)	{ .type = NLA_BINARY, .len = _len }
#endif
#endif

/*
 * NLA_POLICY_FULL_RANGE(): mainline 5.8 (d06a09b94c61, "netlink: extend policy
 * range validation"), and its const range pointer: mainline 6.7 (ea23fbd2a8f7,
 * "netlink: make range pointers in policies const").
 * netlink-gen.c uses OVPN_COMPAT_NLA_POLICY_FULL_RANGE(tp, range, validate_fn)
 * (patches/0102-nla-policy-full-range.cocci), where validate_fn checks the
 * same range by hand for kernels without NLA_POLICY_FULL_RANGE: the check is
 * kept everywhere, only its mechanism changes. The by-hand check reads a u32:
 * any other type fails the build there instead of being checked wrongly.
 */
#ifdef NLA_POLICY_FULL_RANGE
#ifdef OVPN_HAVE_NLA_CONST_RANGE
#define OVPN_COMPAT_NLA_POLICY_FULL_RANGE(tp, _range, _fn)		\
	NLA_POLICY_FULL_RANGE(tp, _range)
#else
/* the kernel only reads the range: casting const away is safe */
OVPN_SHIM(NLA_CONST_RANGE);
#define OVPN_COMPAT_NLA_POLICY_FULL_RANGE(tp, _range, _fn)		\
	NLA_POLICY_FULL_RANGE(tp, (struct netlink_range_validation *)(_range))
#endif
#else /* !NLA_POLICY_FULL_RANGE */
OVPN_SHIM(NLA_POLICY_FULL_RANGE);

struct netlink_range_validation {
	u64 min, max;
};

#define OVPN_COMPAT_NLA_POLICY_FULL_RANGE(tp, _range, _fn)		\
	NLA_POLICY_VALIDATE_FN(__NLA_ENSURE((tp) == NLA_U32) + (tp), _fn)
#endif /* NLA_POLICY_FULL_RANGE */

/**
 * ovpn_compat_nla_validate_range_u32 - check a u32 attribute against a range
 * @attr: the attribute, whose length the policy already checked
 * @range: the allowed range (inclusive)
 * @extack: extended ACK report struct
 *
 * Same verdict, errno and message as the kernel's NLA_VALIDATE_RANGE_PTR.
 *
 * Return: 0 when the value is in range, -ERANGE otherwise
 */
static inline int
ovpn_compat_nla_validate_range_u32(const struct nlattr *attr,
			    const struct netlink_range_validation *range,
			    struct netlink_ext_ack *extack)
{
	u64 value = nla_get_u32(attr);

	if (value < range->min || value > range->max) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "integer out of range");
		return -ERANGE;
	}
	return 0;
}

/*
 * NL_SET_ERR_MSG_FMT{,_MOD}(): mainline 6.2 (51c352bdbcd2, "netlink: add
 * support for formatted extack messages"). Older kernels have no buffer in struct netlink_ext_ack
 * that lives until the ACK is written, and a buffer of our own would be
 * shared by concurrent requests. So the ACK carries the format string itself
 * (e.g. "ovpn: cannot find peer with id %u": same meaning, no values) and the
 * formatted text goes to the kernel log at debug level (dynamic debug).
 */
#ifndef NL_SET_ERR_MSG_FMT
OVPN_SHIM(NL_SET_ERR_MSG_FMT);
#define NL_SET_ERR_MSG_FMT(extack, fmt, args...) do {			\
	NL_SET_ERR_MSG((extack), fmt);					\
	net_dbg_ratelimited("extack: " fmt "\n", ##args);		\
} while (0)
#endif

#ifndef NL_SET_ERR_MSG_FMT_MOD
OVPN_SHIM(NL_SET_ERR_MSG_FMT_MOD);
#define NL_SET_ERR_MSG_FMT_MOD(extack, fmt, args...)			\
	NL_SET_ERR_MSG_FMT((extack), KBUILD_MODNAME ": " fmt, ##args)
#endif

/*
 * NL_REQ_ATTR_CHECK(): mainline 6.1 (45dca1575964, "netlink: add helpers for
 * extack attr presence checking"). Older kernels cannot report the missing attribute
 * (NLMSGERR_ATTR_MISS_TYPE/_NEST do not exist there), so the same -EINVAL
 * verdict comes with a message naming it instead.
 */
#ifndef NL_REQ_ATTR_CHECK
OVPN_SHIM(NL_REQ_ATTR_CHECK);

#define OVPN_NL_REQ_ATTR_CHECK(extack, nest, tb, type, name) ({	\
	struct nlattr **__tb = (tb);					\
	u32 __attr = (type);						\
	int __retval;							\
									\
	__retval = !__tb[__attr];					\
	if (__retval)							\
		NL_SET_ERR_MSG_MOD((extack),				\
				   "missing required attribute " name);	\
	__retval;							\
})

#define NL_REQ_ATTR_CHECK(extack, nest, tb, type)			\
	OVPN_NL_REQ_ATTR_CHECK(extack, nest, tb, type, #type)
#endif

#endif /* _OVPN_COMPAT_NET_NETLINK_H */
