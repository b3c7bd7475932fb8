// SPDX-License-Identifier: GPL-2.0
/*
 * ovpn-backports: generic netlink split operations for kernels before 6.2.
 *
 * Built into ovpn.ko only when the target kernel lacks struct genl_split_ops
 * (the GENL_SPLIT_OPS probe of compat/gates.txt, decided in
 * compat/Kbuild.include). The split ops table of netlink-gen.c stays as
 * upstream generates it; genl_register_family() turns it into the classic
 * form those kernels understand, with the same behaviour:
 *
 * - one struct genl_ops per command: .doit from the "do" op, .dumpit from
 *   the "dump" op, and the permission flags (GENL_ADMIN_PERM,
 *   GENL_UNS_ADMIN_PERM) of both, which the core checks before anything else.
 *   A command whose do and dump ops ask for different permissions cannot be
 *   expressed in that form: registration fails instead of weakening one.
 * - family pre_doit/post_doit hooks that call the pre_doit/post_doit of the
 *   command's own "do" op, with that op as argument, as the core does in 6.2+.
 * - policies: 5.10+ kernels validate each command with its classic op's
 *   policy, that of the "do" op when there is one. A "dump" op with another
 *   policy is checked again with its own in .start; registration makes sure
 *   the "do" policy accepts everything the "dump" policy accepts, so that the
 *   dump sees exactly what upstream lets through. Before 5.10 policies are per
 *   family: the family gets none (only the attribute count is checked while
 *   parsing) and every op is validated with its own policy in pre_doit or
 *   .start, before it runs.
 * - before 6.1 (no resv_start_op) the core does not check the reserved bits
 *   of the genetlink header and of nlmsg_flags, which 6.1+ does for ovpn: the
 *   same checks run here, after the permission check.
 */

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>

#ifndef OVPN_HAVE_GENL_SPLIT_OPS

#undef genl_register_family
#undef genl_unregister_family

#define OVPN_GENL_PERM_FLAGS	(GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM)
#define OVPN_GENL_CAP_FLAGS	(GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP | \
				 GENL_CMD_CAP_HASPOL)

/* the split op of @cmd of kind @cap (GENL_CMD_CAP_DO or GENL_CMD_CAP_DUMP) */
static const struct genl_split_ops *ovpn_genl_split_op(u8 cmd, u8 cap)
{
	const struct ovpn_genl_split_family *sf = &ovpn_genl_split_family;
	unsigned int i;

	for (i = 0; i < sf->n_split_ops; i++)
		if (sf->split_ops[i].cmd == cmd && (sf->split_ops[i].flags & cap))
			return &sf->split_ops[i];
	return NULL;
}

static int ovpn_genl_hdrlen(void)
{
	return GENL_HDRLEN + ovpn_genl_split_family.family->hdrsize;
}

/* the checks that 6.1+ does for commands from resv_start_op (0 for ovpn) */
static int ovpn_genl_header_check(const struct nlmsghdr *nlh,
				  struct netlink_ext_ack *extack)
{
#ifndef OVPN_HAVE_GENL_RESV_START_OP
	const struct genlmsghdr *hdr = nlmsg_data(nlh);
	u16 flags;

	if (hdr->reserved) {
		NL_SET_ERR_MSG(extack, "genlmsghdr.reserved field is not 0");
		return -EINVAL;
	}

	flags = nlh->nlmsg_flags;
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP) /* DUMP is 2 bits */
		flags &= ~NLM_F_DUMP;
	if (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) {
		NL_SET_ERR_MSG(extack,
			       "ambiguous or reserved bits set in nlmsg_flags");
		return -EINVAL;
	}
#endif
	return 0;
}

/* true if the kernel already validates @op's requests with @op's policy */
static bool ovpn_genl_policy_is_native(const struct genl_split_ops *op)
{
#ifdef OVPN_HAVE_GENL_OPS_POLICY
	const struct genl_family *family = ovpn_genl_split_family.family;
	unsigned int i;

	for (i = 0; i < family->n_ops; i++)
		if (family->ops[i].cmd == op->cmd)
			return family->ops[i].policy == op->policy &&
			       family->ops[i].maxattr == op->maxattr;
#endif
	return false;
}

/* validate the request @nlh with the policy of @op, as the core would */
static int ovpn_genl_validate(const struct genl_split_ops *op,
			      const struct nlmsghdr *nlh, u8 no_strict_flag,
			      struct netlink_ext_ack *extack)
{
	unsigned int validate = op->validate & no_strict_flag ?
				NL_VALIDATE_LIBERAL : NL_VALIDATE_STRICT;
	int hdrlen = ovpn_genl_hdrlen();

	return __nla_validate(nlmsg_attrdata(nlh, hdrlen),
			      nlmsg_attrlen(nlh, hdrlen), op->maxattr,
			      op->policy, validate, extack);
}

/**
 * ovpn_genl_split_pre_doit - family pre_doit: checks, then the op's pre_doit
 * @ops: the classic op of the command
 * @skb: the request
 * @info: the request's genl_info
 *
 * Return: 0 to run the doit, or a negative error code
 */
int ovpn_genl_split_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			     struct genl_info *info)
{
	const struct genl_split_ops *op;
	int err;

	op = ovpn_genl_split_op(ops->cmd, GENL_CMD_CAP_DO);
	if (WARN_ON_ONCE(!op))
		return -EOPNOTSUPP;

	err = ovpn_genl_header_check(info->nlhdr, info->extack);
	if (err)
		return err;

	if (!ovpn_genl_policy_is_native(op)) {
		err = ovpn_genl_validate(op, info->nlhdr,
					 GENL_DONT_VALIDATE_STRICT,
					 info->extack);
		if (err)
			return err;
	}

	return op->pre_doit ? op->pre_doit(op, skb, info) : 0;
}

/**
 * ovpn_genl_split_post_doit - family post_doit: the op's post_doit
 * @ops: the classic op of the command
 * @skb: the request
 * @info: the request's genl_info
 */
void ovpn_genl_split_post_doit(const struct genl_ops *ops, struct sk_buff *skb,
			       struct genl_info *info)
{
	const struct genl_split_ops *op;

	op = ovpn_genl_split_op(ops->cmd, GENL_CMD_CAP_DO);
	if (op && op->post_doit)
		op->post_doit(op, skb, info);
}

static const struct genl_split_ops *
ovpn_genl_dump_op(struct netlink_callback *cb)
{
	const struct genlmsghdr *hdr = nlmsg_data(cb->nlh);

	return ovpn_genl_split_op(hdr->cmd, GENL_CMD_CAP_DUMP);
}

#ifndef OVPN_HAVE_GENL_DUMPIT_INFO
/* the core keeps no attributes for dumps: parse them into cb->data */
static int ovpn_genl_dump_parse(const struct genl_split_ops *op,
				struct netlink_callback *cb)
{
	unsigned int validate = NL_VALIDATE_STRICT;
	struct nlattr **attrs;
	int err;

	if (!op->maxattr)
		return ovpn_genl_validate(op, cb->nlh,
					  GENL_DONT_VALIDATE_DUMP_STRICT,
					  cb->extack);

	if (op->validate & GENL_DONT_VALIDATE_DUMP_STRICT)
		validate = NL_VALIDATE_LIBERAL;
	attrs = kmalloc_array(op->maxattr + 1, sizeof(*attrs), GFP_KERNEL);
	if (!attrs)
		return -ENOMEM;
	err = __nlmsg_parse(cb->nlh, ovpn_genl_hdrlen(), attrs, op->maxattr,
			    op->policy, validate, cb->extack);
	if (err) {
		kfree(attrs);
		return err;
	}
	cb->data = attrs;
	return 0;
}
#endif

/* .start of every dump: checks, attributes, then the op's .start */
static int ovpn_genl_split_start(struct netlink_callback *cb)
{
	const struct genl_split_ops *op = ovpn_genl_dump_op(cb);
	int err;

	if (WARN_ON_ONCE(!op))
		return -EOPNOTSUPP;

	err = ovpn_genl_header_check(cb->nlh, cb->extack);
	if (err)
		return err;

#ifdef OVPN_HAVE_GENL_DUMPIT_INFO
	/* the core parsed the attributes: check them with the op's policy */
	if (!ovpn_genl_policy_is_native(op))
		err = ovpn_genl_validate(op, cb->nlh,
					 GENL_DONT_VALIDATE_DUMP_STRICT,
					 cb->extack);
#else
	err = ovpn_genl_dump_parse(op, cb);
#endif
	if (err)
		return err;

	if (op->start) {
		err = op->start(cb);
#ifndef OVPN_HAVE_GENL_DUMPIT_INFO
		if (err) {
			kfree(cb->data);
			cb->data = NULL;
		}
#endif
	}
	return err;
}

/* .done of every dump: the op's .done, then free what .start allocated */
static int ovpn_genl_split_done(struct netlink_callback *cb)
{
	const struct genl_split_ops *op = ovpn_genl_dump_op(cb);
	int err = 0;

	if (op && op->done)
		err = op->done(cb);
#ifndef OVPN_HAVE_GENL_DUMPIT_INFO
	kfree(cb->data);
	cb->data = NULL;
#endif
	return err;
}

/*
 * true if validating with @policy/@maxattr, then with @op's policy, accepts
 * exactly what @op's policy alone accepts: every attribute that @op's policy
 * knows is checked by @policy the same way
 */
static bool __maybe_unused
ovpn_genl_policy_covers(const struct nla_policy *policy, unsigned int maxattr,
			const struct genl_split_ops *op)
{
	static const struct nla_policy unspec;
	unsigned int i;

	if (maxattr < op->maxattr)
		return false;
	if (!policy || !op->policy)
		return !policy;
	for (i = 1; i <= op->maxattr; i++) {
		if (!memcmp(&op->policy[i], &unspec, sizeof(unspec)))
			continue; /* rejected by op's own policy anyway */
		if (memcmp(&policy[i], &op->policy[i], sizeof(*policy)))
			return false;
	}
	return true;
}

/* turn the split ops of @sf into classic ops, in sf->ops */
static int ovpn_genl_make_ops(const struct ovpn_genl_split_family *sf,
			      unsigned int *n_ops, unsigned int *maxattr)
{
	struct genl_ops *ops = sf->ops;
	unsigned int i, j, n = 0;

	memset(ops, 0, sizeof(*ops) * sf->n_split_ops);
	*maxattr = 0;

	for (i = 0; i < sf->n_split_ops; i++) {
		const struct genl_split_ops *s = &sf->split_ops[i];
		bool is_do = s->flags & GENL_CMD_CAP_DO;
		bool is_dump = s->flags & GENL_CMD_CAP_DUMP;
		u8 flags = s->flags & ~OVPN_GENL_CAP_FLAGS;
		struct genl_ops *op;

		/* what 6.2+ requires of split ops */
		if (WARN_ON(is_do == is_dump) ||
		    WARN_ON(is_do && !s->doit) ||
		    WARN_ON(is_dump && !s->dumpit))
			return -EINVAL;

		for (j = 0; j < n; j++)
			if (ops[j].cmd == s->cmd)
				break;
		op = &ops[j];
		if (j == n) {
			n++;
			op->cmd = s->cmd;
			op->flags = flags;
		} else if (WARN_ON(is_do ? !!op->doit : !!op->dumpit)) {
			return -EINVAL; /* two "do" or two "dump" ops */
		} else if ((op->flags ^ flags) & OVPN_GENL_PERM_FLAGS) {
			pr_err("%s: command %u asks for different permissions for do and dump, which this kernel cannot express\n",
			       sf->family->name, s->cmd);
			return -EINVAL;
		}
		op->flags |= flags;
		op->internal_flags |= s->internal_flags;
		op->validate |= s->validate;

		if (is_do) {
			op->doit = s->doit;
		} else {
			op->start = ovpn_genl_split_start;
			op->dumpit = s->dumpit;
			op->done = ovpn_genl_split_done;
		}
#ifdef OVPN_HAVE_GENL_OPS_POLICY
		/* the "do" policy, when there is a "do" op */
		if (is_do || !op->doit) {
			op->policy = s->policy;
			op->maxattr = s->maxattr;
		}
#endif
		*maxattr = max(*maxattr, s->maxattr);
	}

	for (i = 0; i < sf->n_split_ops; i++) {
		const struct genl_split_ops *s = &sf->split_ops[i];

		for (j = 0; j < n; j++)
			if (ops[j].cmd == s->cmd)
				break;
		/* the permission flags of every split op survive */
		if (WARN_ON((ops[j].flags & OVPN_GENL_PERM_FLAGS) !=
			    (s->flags & OVPN_GENL_PERM_FLAGS)))
			return -EINVAL;
#ifdef OVPN_HAVE_GENL_OPS_POLICY
		if ((ops[j].policy != s->policy ||
		     ops[j].maxattr != s->maxattr) &&
		    !ovpn_genl_policy_covers(ops[j].policy, ops[j].maxattr, s)) {
			pr_err("%s: the do and dump policies of command %u cannot be merged on this kernel\n",
			       sf->family->name, s->cmd);
			return -EINVAL;
		}
#endif
	}

	*n_ops = n;
	return 0;
}

/**
 * ovpn_genl_register_family - genl_register_family() for a split ops family
 * @family: the family tied to its split ops by OVPN_COMPAT_DEFINE_GENL_SPLIT_FAMILY()
 *
 * Return: 0 on success or a negative error code
 */
int ovpn_genl_register_family(struct genl_family *family)
{
	const struct ovpn_genl_split_family *sf = &ovpn_genl_split_family;
	unsigned int n_ops, maxattr;
	int err;

	if (WARN_ON(family != sf->family) ||
	    WARN_ON(family->pre_doit != ovpn_genl_split_pre_doit) ||
	    WARN_ON(family->post_doit != ovpn_genl_split_post_doit) ||
	    WARN_ON(family->ops || family->n_ops || family->policy ||
		    family->maxattr))
		return -EINVAL;

	err = ovpn_genl_make_ops(sf, &n_ops, &maxattr);
	if (err)
		return err;

	family->ops = sf->ops;
	family->n_ops = n_ops;
#ifndef OVPN_HAVE_GENL_OPS_POLICY
	/* no policy: attributes are validated per op, see above */
	family->maxattr = maxattr;
#endif

	err = genl_register_family(family);
	if (err) {
		family->ops = NULL;
		family->n_ops = 0;
		family->maxattr = 0;
	}
	return err;
}

/**
 * ovpn_genl_unregister_family - genl_unregister_family() counterpart
 * @family: the family
 *
 * Return: 0 on success or a negative error code
 */
int ovpn_genl_unregister_family(const struct genl_family *family)
{
	return genl_unregister_family(family);
}

#endif /* !OVPN_HAVE_GENL_SPLIT_OPS */
