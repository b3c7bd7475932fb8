/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovpn-backports: <net/genetlink.h> as the upstream ovpn expects it.
 *
 * The OVPN_HAVE_* gates are probes that grep the target kernel's headers
 * (compat/gates.txt, evaluated by compat/gates.sh at build time), since
 * stable and distribution kernels backport these APIs without a change of
 * LINUX_VERSION_CODE, where a version gate would take the wrong branch.
 */
#ifndef _OVPN_COMPAT_NET_GENETLINK_H
#define _OVPN_COMPAT_NET_GENETLINK_H

#include_next <net/genetlink.h>

#include <linux/build_bug.h>
#include <linux/cache.h>

/*
 * A const struct genl_info: genl_info_net() takes one since "genetlink: make
 * genl_info->nlhdr const" and friends (6.6); GENL_REQ_ATTR_CHECK(): below.
 */
#ifndef OVPN_HAVE_GENL_INFO_NET_CONST
OVPN_SHIM(GENL_INFO_NET_CONST);

static inline struct net *ovpn_genl_info_net(const struct genl_info *info)
{
	return read_pnet(&info->_net);
}

#define genl_info_net(info) ovpn_genl_info_net(info)
#endif

/*
 * GENL_REQ_ATTR_CHECK(): mainline 6.1 (45dca1575964, "netlink: add helpers
 * for extack attr presence checking"); taking a const genl_info: mainline 6.9
 * (5fd5403964ec, "genetlink: make info in GENL_REQ_ATTR_CHECK() const").
 */
#ifndef OVPN_HAVE_GENL_REQ_ATTR_CHECK_CONST
OVPN_SHIM(GENL_REQ_ATTR_CHECK_CONST);
#undef GENL_REQ_ATTR_CHECK
#ifdef OVPN_NL_REQ_ATTR_CHECK
/* <net/netlink.h> emulates NL_REQ_ATTR_CHECK(): let it name the attribute */
#define GENL_REQ_ATTR_CHECK(info, attr) ({				\
	const struct genl_info *__info = (info);			\
									\
	OVPN_NL_REQ_ATTR_CHECK(__info->extack, NULL, __info->attrs,	\
			       (attr), #attr);				\
})
#else
#define GENL_REQ_ATTR_CHECK(info, attr) ({				\
	const struct genl_info *__info = (info);			\
									\
	NL_REQ_ATTR_CHECK(__info->extack, NULL, __info->attrs, (attr)); \
})
#endif
#endif /* !OVPN_HAVE_GENL_REQ_ATTR_CHECK_CONST */

/*
 * genl_info_dump(): mainline 6.6 (9272af109fe6, "genetlink: add struct
 * genl_info to struct genl_dumpit_info"). Before
 * it, a dump has no struct genl_info: build one, filled in as genl_start()
 * does since 6.6, in a compound literal that lives until the end of the
 * caller's block (callers use it as a local variable of the dumpit function).
 */
#ifndef OVPN_HAVE_GENL_INFO_DUMP
OVPN_SHIM(GENL_INFO_DUMP);

static inline struct nlattr **ovpn_genl_dump_attrs(struct netlink_callback *cb)
{
#ifdef OVPN_HAVE_GENL_DUMPIT_INFO
	/* parsed by the core before the dump starts (5.5 and later) */
	return genl_dumpit_info(cb)->attrs;
#else
	/* parsed by ovpn_genl_split_start(), compat/genetlink.c */
	return cb->data;
#endif
}

static inline const struct genl_info *
ovpn_genl_info_dump(struct netlink_callback *cb, struct genl_info *info,
		    struct net *net)
{
	info->snd_seq = cb->nlh->nlmsg_seq;
	info->snd_portid = NETLINK_CB(cb->skb).portid;
	info->nlhdr = (struct nlmsghdr *)cb->nlh;
	info->genlhdr = nlmsg_data(cb->nlh);
	info->attrs = ovpn_genl_dump_attrs(cb);
	genl_info_net_set(info, net);
	info->extack = cb->extack;
	return info;
}

/* a macro, so that sock_net() is resolved where <net/sock.h> is included */
#define genl_info_dump(cb)						\
	ovpn_genl_info_dump((cb), &(struct genl_info){},		\
			    sock_net((cb)->skb->sk))
#endif /* !OVPN_HAVE_GENL_INFO_DUMP */

/*
 * Split operations: mainline 6.2 (b8fd60c36a44, "genetlink: allow families to
 * use split ops directly"). Older kernels only know one struct genl_ops per command, with
 * family-wide pre_doit/post_doit hooks and, before 5.10, family-wide policies.
 *
 * netlink-gen.c keeps its split ops table as upstream generates it
 * (patches/0101-genl-split-ops.cocci only changes how the family points to
 * it). On older kernels the table is data of the type below, and
 * genl_register_family() turns it into classic operations (one per command,
 * do and dump merged, same permission flags) with hooks that dispatch to each
 * split op's own pre_doit/post_doit, policy and start/done: see
 * compat/genetlink.c.
 */
#ifndef OVPN_HAVE_GENL_SPLIT_OPS
OVPN_SHIM(GENL_SPLIT_OPS);

/* what compat/genetlink.c does itself, where the kernel does not */
#ifndef OVPN_HAVE_GENL_DUMPIT_INFO
OVPN_SHIM(GENL_DUMPIT_INFO);	/* parse a dump's attributes */
#endif
#ifndef OVPN_HAVE_GENL_OPS_POLICY
OVPN_SHIM(GENL_OPS_POLICY);	/* validate with each op's policy */
#endif
#ifndef OVPN_HAVE_GENL_RESV_START_OP
OVPN_SHIM(GENL_RESV_START_OP);	/* check the reserved header bits */
#endif

struct genl_split_ops {
	union {
		struct {
			int (*pre_doit)(const struct genl_split_ops *ops,
					struct sk_buff *skb,
					struct genl_info *info);
			int (*doit)(struct sk_buff *skb,
				    struct genl_info *info);
			void (*post_doit)(const struct genl_split_ops *ops,
					  struct sk_buff *skb,
					  struct genl_info *info);
		};
		struct {
			int (*start)(struct netlink_callback *cb);
			int (*dumpit)(struct sk_buff *skb,
				      struct netlink_callback *cb);
			int (*done)(struct netlink_callback *cb);
		};
	};
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 internal_flags;
	u8 flags;
	u8 validate;
};

/**
 * struct ovpn_genl_split_family - a family and its split ops table
 * @family: the family, registered with genl_register_family()
 * @split_ops: its split ops table
 * @n_split_ops: entries in @split_ops
 * @ops: room for the classic ops made from @split_ops (@n_split_ops entries)
 */
struct ovpn_genl_split_family {
	struct genl_family *family;
	const struct genl_split_ops *split_ops;
	unsigned int n_split_ops;
	struct genl_ops *ops;
};

/* defined by OVPN_COMPAT_DEFINE_GENL_SPLIT_FAMILY() (one family per module) */
extern const struct ovpn_genl_split_family ovpn_genl_split_family;

int ovpn_genl_split_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			     struct genl_info *info);
void ovpn_genl_split_post_doit(const struct genl_ops *ops, struct sk_buff *skb,
			       struct genl_info *info);
int ovpn_genl_register_family(struct genl_family *family);
int ovpn_genl_unregister_family(const struct genl_family *family);

#define genl_register_family(family)	ovpn_genl_register_family(family)
#define genl_unregister_family(family)	ovpn_genl_unregister_family(family)

/* in the family's initializer, instead of .split_ops and .n_split_ops */
#define OVPN_COMPAT_GENL_SPLIT_OPS(_ops)				\
	.pre_doit	= ovpn_genl_split_pre_doit,			\
	.post_doit	= ovpn_genl_split_post_doit

/* after the family: tie it to its split ops table */
#define OVPN_COMPAT_DEFINE_GENL_SPLIT_FAMILY(_family, _ops)		\
	static struct genl_ops						\
		ovpn_genl_classic_ops[ARRAY_SIZE(_ops)] __ro_after_init; \
	const struct ovpn_genl_split_family ovpn_genl_split_family = {	\
		.family		= &(_family),				\
		.split_ops	= (_ops),				\
		.n_split_ops	= ARRAY_SIZE(_ops),			\
		.ops		= ovpn_genl_classic_ops,		\
	}
#else /* OVPN_HAVE_GENL_SPLIT_OPS */
#define OVPN_COMPAT_GENL_SPLIT_OPS(_ops)				\
	.split_ops	= (_ops),					\
	.n_split_ops	= ARRAY_SIZE(_ops)

#define OVPN_COMPAT_DEFINE_GENL_SPLIT_FAMILY(_family, _ops)		\
	static_assert(ARRAY_SIZE(_ops) > 0)
#endif /* OVPN_HAVE_GENL_SPLIT_OPS */

#endif /* _OVPN_COMPAT_NET_GENETLINK_H */
