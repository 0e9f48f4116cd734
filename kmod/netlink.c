// SPDX-License-Identifier: GPL-2.0
/*
 * cpustress generic netlink family "cpustress": the ABI is
 * include/uapi/linux/cpustress.h, documented in docs/netlink/cpustress.yaml.
 *
 * Every operation has its own strict policy (resv_start_op is 0, so the core
 * rejects any attribute an operation does not name); changes need
 * CAP_NET_ADMIN; rejections carry an extended-ack message. sysfs and netlink
 * are two views of one state: both go through the functions of run.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <uapi/linux/cpustress.h>

#include "cpustress.h"
#include "iface.h"
#include "run.h"

static_assert(CPUSTRESS_HIST_BUCKETS == CS_HIST_BUCKETS);
static_assert(CPUSTRESS_HIST_SUB_BITS == CS_HIST_SUB_BITS);

/* Room for one CPU's GET_STATS message: the histogram and ~30 numbers. */
#define CS_NL_CPU_MSG_SIZE	(nla_total_size(sizeof(u64) * CS_HIST_BUCKETS) + \
				 40 * nla_total_size_64bit(sizeof(u64)))
/* Room for one CPU in a SAMPLE event. */
#define CS_NL_SAMPLE_CPU_SIZE	(16 * nla_total_size_64bit(sizeof(u64)))
/* Room for GET: three cpulists and ~30 numbers. */
#define CS_NL_GET_SIZE		(3 * nla_total_size(CPUSTRESS_CPUS_MAXLEN) + \
				 40 * nla_total_size_64bit(sizeof(u64)))

enum cs_nl_mcgrp {
	CS_NL_MCGRP_SAMPLES,
};

static const struct genl_multicast_group cs_nl_mcgrps[] = {
	[CS_NL_MCGRP_SAMPLES] = { .name = CPUSTRESS_MCGRP_SAMPLES },
};

static struct netlink_range_validation cs_nl_period_range = {
	.min = CS_PERIOD_MS_MIN,
	.max = CS_PERIOD_MS_MAX,
};

static struct netlink_range_validation cs_nl_interval_range = {
	.min = CS_INTERVAL_MS_MIN,
	.max = CS_INTERVAL_MS_MAX,
};

static struct netlink_range_validation cs_nl_limit_range = {
	.min = 0,
	.max = CS_TIME_LIMIT_MS_MAX,
};

/* SET and START; OWNED is refused by SET itself. */
static const struct nla_policy cs_nl_settings_policy[CPUSTRESS_A_MAX + 1] = {
	[CPUSTRESS_A_BUSY_PCT] = NLA_POLICY_RANGE(NLA_U32, CS_BUSY_PCT_MIN,
						  CS_BUSY_PCT_MAX),
	[CPUSTRESS_A_PERIOD_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&cs_nl_period_range),
	[CPUSTRESS_A_INTERVAL_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &cs_nl_interval_range),
	[CPUSTRESS_A_TIME_LIMIT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &cs_nl_limit_range),
	[CPUSTRESS_A_CPUS] = { .type = NLA_NUL_STRING,
			       .len = CPUSTRESS_CPUS_MAXLEN - 1 },
	[CPUSTRESS_A_OWNED] = { .type = NLA_FLAG },
};

static const struct nla_policy cs_nl_stats_policy[CPUSTRESS_A_MAX + 1] = {
	[CPUSTRESS_A_CPU_ID] = { .type = NLA_U32 },
};

static struct genl_family cs_nl_family;

/* Whether SAMPLE events may be sent: false once unregistering begins. */
static bool cs_nl_up;
static DEFINE_MUTEX(cs_nl_lock); /* protects cs_nl_up against senders */

static int cs_nl_put_u64(struct sk_buff *skb, int attr, u64 v)
{
	return nla_put_u64_64bit(skb, attr, v, CPUSTRESS_A_PAD);
}

static int cs_nl_put_cpu_u64(struct sk_buff *skb, int attr, u64 v)
{
	return nla_put_u64_64bit(skb, attr, v, CPUSTRESS_CPU_A_PAD);
}

static int cs_nl_put_cpulist(struct sk_buff *skb, int attr,
			     const struct cpumask *mask)
{
	int len = snprintf(NULL, 0, "%*pbl", cpumask_pr_args(mask)) + 1;
	struct nlattr *nla;

	nla = nla_reserve(skb, attr, len);
	if (!nla)
		return -EMSGSIZE;
	snprintf(nla_data(nla), len, "%*pbl", cpumask_pr_args(mask));
	return 0;
}

/* Configuration and run state; cs_lock held. */
static int cs_nl_fill_config(struct sk_buff *skb, struct cpumask *loaded)
{
	u64 left = 0, now = ktime_get_ns();
	unsigned int cpu;

	cpumask_clear(loaded);
	for_each_possible_cpu(cpu)
		if (cs_cpu_get(cpu)->task)
			cpumask_set_cpu(cpu, loaded);
	if (cs_run.deadline_ns > now)
		left = div_u64(cs_run.deadline_ns - now, NSEC_PER_MSEC);

	if (nla_put_u8(skb, CPUSTRESS_A_RUNNING, cs_running) ||
	    nla_put_u32(skb, CPUSTRESS_A_BUSY_PCT, cs_cfg.busy_pct) ||
	    nla_put_u32(skb, CPUSTRESS_A_PERIOD_MS, cs_cfg.period_ms) ||
	    nla_put_u32(skb, CPUSTRESS_A_INTERVAL_MS, cs_cfg.interval_ms) ||
	    nla_put_u32(skb, CPUSTRESS_A_TIME_LIMIT_MS, cs_cfg.time_limit_ms) ||
	    nla_put_u32(skb, CPUSTRESS_A_WU_KIB, cs_wu_kib) ||
	    nla_put_u32(skb, CPUSTRESS_A_WU_SPINS, cs_wu_spins) ||
	    cs_nl_put_u64(skb, CPUSTRESS_A_RUN_ID, cs_run.id) ||
	    cs_nl_put_cpulist(skb, CPUSTRESS_A_ONLINE_CPUS, cpu_online_mask) ||
	    cs_nl_put_cpulist(skb, CPUSTRESS_A_LOADED_CPUS, loaded))
		return -EMSGSIZE;
	if (cs_cfg.cpus_all ?
	    nla_put_string(skb, CPUSTRESS_A_CPUS, "all") :
	    cs_nl_put_cpulist(skb, CPUSTRESS_A_CPUS, cs_cfg.cpus))
		return -EMSGSIZE;
	if (cs_run.owner &&
	    nla_put_u32(skb, CPUSTRESS_A_OWNER_PORTID, cs_run.owner))
		return -EMSGSIZE;
	if (cs_running && cs_run.deadline_ns &&
	    cs_nl_put_u64(skb, CPUSTRESS_A_TIME_LEFT_MS, left))
		return -EMSGSIZE;
	return 0;
}

/* Totals, newest sample, window, and the histogram's shape. */
static int cs_nl_fill_totals(struct sk_buff *skb)
{
	u64 ops, seq, win, win_start, errors = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		errors += READ_ONCE(cs_cpu_get(cpu)->stats.selfcheck_errors);
	ops = cs_sample_latest(&seq);
	win = cs_window_current(&win_start);
	if (cs_nl_put_u64(skb, CPUSTRESS_A_OPS_PER_SEC, ops) ||
	    cs_nl_put_u64(skb, CPUSTRESS_A_SAMPLE_SEQ, seq) ||
	    cs_nl_put_u64(skb, CPUSTRESS_A_UNITS_TOTAL, cs_units_total()) ||
	    cs_nl_put_u64(skb, CPUSTRESS_A_SELFCHECK_ERRORS, errors) ||
	    cs_nl_put_u64(skb, CPUSTRESS_A_WINDOW_ID, win) ||
	    cs_nl_put_u64(skb, CPUSTRESS_A_WINDOW_START_NS, win_start) ||
	    cs_nl_put_u64(skb, CPUSTRESS_A_TIMESTAMP_NS, ktime_get_ns()) ||
	    nla_put_u32(skb, CPUSTRESS_A_HIST_BUCKETS, CS_HIST_BUCKETS) ||
	    nla_put_u32(skb, CPUSTRESS_A_HIST_SUB_BITS, CS_HIST_SUB_BITS))
		return -EMSGSIZE;
	return 0;
}

static int cs_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	cpumask_var_t loaded;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	/* A killed owner's run reads stopped once its process is reaped. */
	cs_release_flush();
	if (!alloc_cpumask_var(&loaded, GFP_KERNEL))
		return -ENOMEM;
	msg = genlmsg_new(CS_NL_GET_SIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	hdr = genlmsg_put_reply(msg, info, &cs_nl_family, 0, CPUSTRESS_CMD_GET);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_msg;
	}
	mutex_lock(&cs_lock);
	ret = cs_nl_fill_config(msg, loaded);
	mutex_unlock(&cs_lock);
	if (!ret)
		ret = cs_nl_fill_totals(msg);
	if (ret)
		goto err_msg;
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
	goto out;
err_msg:
	nlmsg_free(msg);
out:
	free_cpumask_var(loaded);
	return ret;
}

/*
 * Apply SET/START settings. The policy has checked every range; the cpulist
 * is the one setting that can still be refused, so it goes first and an
 * error changes nothing.
 */
static int cs_nl_apply(struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	int ret;

	if (a[CPUSTRESS_A_CPUS]) {
		ret = cs_set_cpus(nla_data(a[CPUSTRESS_A_CPUS]));
		if (ret == -ERANGE)
			NL_SET_ERR_MSG_ATTR(info->extack, a[CPUSTRESS_A_CPUS],
					    "CPU number past the last possible CPU");
		else if (ret == -EINVAL)
			NL_SET_ERR_MSG_ATTR(info->extack, a[CPUSTRESS_A_CPUS],
					    "not a cpulist of online CPUs (e.g. 0-3,6 or all)");
		if (ret)
			return ret;
	}
	if (a[CPUSTRESS_A_BUSY_PCT])
		cs_set_busy_pct(nla_get_u32(a[CPUSTRESS_A_BUSY_PCT]));
	if (a[CPUSTRESS_A_PERIOD_MS])
		cs_set_period_ms(nla_get_u32(a[CPUSTRESS_A_PERIOD_MS]));
	if (a[CPUSTRESS_A_INTERVAL_MS])
		cs_set_interval_ms(nla_get_u32(a[CPUSTRESS_A_INTERVAL_MS]));
	if (a[CPUSTRESS_A_TIME_LIMIT_MS])
		cs_set_time_limit_ms(nla_get_u32(a[CPUSTRESS_A_TIME_LIMIT_MS]));
	return 0;
}

static int cs_nl_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;

	if (a[CPUSTRESS_A_OWNED]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[CPUSTRESS_A_OWNED],
				    "only START can make a run owned");
		return -EINVAL;
	}
	if (!a[CPUSTRESS_A_BUSY_PCT] && !a[CPUSTRESS_A_PERIOD_MS] &&
	    !a[CPUSTRESS_A_INTERVAL_MS] && !a[CPUSTRESS_A_TIME_LIMIT_MS] &&
	    !a[CPUSTRESS_A_CPUS]) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give BUSY_PCT, PERIOD_MS, INTERVAL_MS, TIME_LIMIT_MS or CPUS");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, CPUSTRESS_A_BUSY_PCT);
		return -EINVAL;
	}
	return cs_nl_apply(info);
}

static int cs_nl_start_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool owned = nla_get_flag(info->attrs[CPUSTRESS_A_OWNED]);
	int ret;

	/* A killed owner's run is over before the next START looks. */
	cs_release_flush();
	if (READ_ONCE(cs_running)) {
		NL_SET_ERR_MSG(info->extack, "already running: STOP it first");
		return -EBUSY;
	}
	/* An owned run's settings, time limit included, end with it. */
	if (owned)
		cs_lend_settings();
	ret = cs_nl_apply(info);
	if (ret)
		goto out;
	ret = cs_start(owned ? info->snd_portid : 0);
	if (ret == -EALREADY) {
		NL_SET_ERR_MSG(info->extack, "already running: STOP it first");
		ret = -EBUSY;
	} else if (ret) {
		NL_SET_ERR_MSG(info->extack, "a worker thread could not start");
	}
out:
	if (ret && owned)
		cs_return_settings();
	return ret;
}

static int cs_nl_stop_doit(struct sk_buff *skb, struct genl_info *info)
{
	cs_stop();
	return 0;
}

static int cs_nl_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	cs_window_reset();
	return 0;
}

static int cs_nl_put_rate(struct sk_buff *skb, const struct cs_cpu_rate *r)
{
	if (cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_OPS_MILLI, r->ops_milli) ||
	    nla_put_u32(skb, CPUSTRESS_CPU_A_BUSY_PM, r->busy_pm) ||
	    nla_put_u32(skb, CPUSTRESS_CPU_A_STEAL_PM, r->steal_pm) ||
	    nla_put_u32(skb, CPUSTRESS_CPU_A_WAIT_PM, r->wait_pm) ||
	    nla_put_u32(skb, CPUSTRESS_CPU_A_IRQS_PS, r->irqs_ps) ||
	    nla_put_u32(skb, CPUSTRESS_CPU_A_NIVCSW_PS, r->nivcsw_ps) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_P50_NS, r->p50_ns) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_P90_NS, r->p90_ns) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_P99_NS, r->p99_ns) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_MAX_NS, r->max_ns))
		return -EMSGSIZE;
	return 0;
}

static int cs_nl_put_counters(struct sk_buff *skb, const struct cs_cpu_stats *d,
			      u64 units_total)
{
	if (cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_ELEMENTS, d->elements) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_UNITS, d->units) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_BUSY_NS, d->busy_ns) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_SLEEP_NS, d->sleep_ns) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_STEAL_NS, d->steal_ns) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_WAIT_NS, d->wait_ns) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_NIVCSW, d->nivcsw) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_IRQS, d->irqs) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_UNIT_MAX_NS, d->unit_max_ns) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_SELFCHECK_ERRORS,
			      d->selfcheck_errors) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_UNITS_TOTAL, units_total) ||
	    nla_put(skb, CPUSTRESS_CPU_A_HIST, sizeof(d->hist), d->hist))
		return -EMSGSIZE;
	return 0;
}

static int cs_nl_put_recent(struct sk_buff *skb, const struct cs_recent *rc)
{
	if (nla_put_u32(skb, CPUSTRESS_CPU_A_RECENT_N, rc->n) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_RECENT_MEDIAN_MILLI,
			      rc->median) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_RECENT_P10_MILLI, rc->p10) ||
	    cs_nl_put_cpu_u64(skb, CPUSTRESS_CPU_A_RECENT_P90_MILLI, rc->p90))
		return -EMSGSIZE;
	return 0;
}

/* One CPU's GET_STATS message body; @scratch holds its window counters. */
static int cs_nl_fill_stats(struct sk_buff *skb, unsigned int cpu,
			    struct cs_cpu_stats *scratch)
{
	struct cs_recent recent;
	struct cs_cpu_rate r;
	struct nlattr *nest;
	u64 win, win_start;

	win = cs_window_read(cpu, scratch, &win_start);
	cs_sample_cpu(cpu, &r, &recent);
	if (cs_nl_put_u64(skb, CPUSTRESS_A_WINDOW_ID, win) ||
	    cs_nl_put_u64(skb, CPUSTRESS_A_WINDOW_START_NS, win_start) ||
	    cs_nl_put_u64(skb, CPUSTRESS_A_TIMESTAMP_NS, ktime_get_ns()) ||
	    nla_put_u32(skb, CPUSTRESS_A_HIST_BUCKETS, CS_HIST_BUCKETS))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, CPUSTRESS_A_CPU);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CPUSTRESS_CPU_A_ID, cpu) ||
	    nla_put_u8(skb, CPUSTRESS_CPU_A_STATE, cs_cpu_state(cpu)) ||
	    cs_nl_put_counters(skb, scratch,
			       READ_ONCE(cs_cpu_get(cpu)->stats.units)) ||
	    cs_nl_put_rate(skb, &r) || cs_nl_put_recent(skb, &recent)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The CPU named by CPUSTRESS_A_CPU_ID, or -1 with an extended ack. */
static int cs_nl_cpu_arg(const struct nlattr *attr,
			 struct netlink_ext_ack *extack)
{
	u32 cpu = nla_get_u32(attr);

	if (cpu >= nr_cpu_ids || !cpu_possible(cpu)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "no such CPU");
		return -1;
	}
	return cpu;
}

static int cs_nl_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct cs_cpu_stats *scratch;
	struct sk_buff *msg;
	void *hdr;
	int cpu, ret;

	if (!info->attrs[CPUSTRESS_A_CPU_ID]) {
		NL_SET_ERR_MSG(info->extack,
			       "CPU_ID is required; dump GET_STATS for every CPU");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, CPUSTRESS_A_CPU_ID);
		return -EINVAL;
	}
	cpu = cs_nl_cpu_arg(info->attrs[CPUSTRESS_A_CPU_ID], info->extack);
	if (cpu < 0)
		return -ERANGE;
	scratch = kmalloc(sizeof(*scratch), GFP_KERNEL);
	msg = genlmsg_new(CS_NL_CPU_MSG_SIZE, GFP_KERNEL);
	if (!scratch || !msg) {
		ret = -ENOMEM;
		goto err;
	}
	hdr = genlmsg_put_reply(msg, info, &cs_nl_family, 0,
				CPUSTRESS_CMD_GET_STATS);
	ret = hdr ? cs_nl_fill_stats(msg, cpu, scratch) : -EMSGSIZE;
	if (ret)
		goto err;
	kfree(scratch);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	kfree(scratch);
	return ret;
}

/* A dump: one message per possible CPU, or only the one of CPU_ID. */
static int cs_nl_stats_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct nlattr *only = info->attrs[CPUSTRESS_A_CPU_ID];
	struct cs_cpu_stats *scratch;
	unsigned int cpu = cb->args[0];
	void *hdr;
	int sel = -1;

	if (only) {
		sel = cs_nl_cpu_arg(only, cb->extack);
		if (sel < 0)
			return -ERANGE;
	}
	scratch = kmalloc(sizeof(*scratch), GFP_KERNEL);
	if (!scratch)
		return -ENOMEM;
	for (; cpu < nr_cpu_ids; cpu++) {
		if (!cpu_possible(cpu) || (sel >= 0 && cpu != sel))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &cs_nl_family,
				  NLM_F_MULTI, CPUSTRESS_CMD_GET_STATS);
		if (!hdr)
			break;
		if (cs_nl_fill_stats(skb, cpu, scratch)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = cpu;
	kfree(scratch);
	return skb->len;
}

/**
 * cs_netlink_sample() - send a SAMPLE event if anyone listens
 * @seq: the sample's sequence number
 * @ts_ns: end of its interval
 * @dt_ns: length of its interval
 * @ops_total: units per second, all CPUs
 * @rates: per-CPU rates, nr_cpu_ids entries
 *
 * Called by the sampler once per interval; builds nothing when no socket is
 * in the "samples" group.
 */
void cs_netlink_sample(u64 seq, u64 ts_ns, u64 dt_ns, u64 ops_total,
		       const struct cs_cpu_rate *rates)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	unsigned int cpu;
	void *hdr;

	mutex_lock(&cs_nl_lock);
	if (!cs_nl_up ||
	    !genl_has_listeners(&cs_nl_family, &init_net, CS_NL_MCGRP_SAMPLES))
		goto out;
	msg = genlmsg_new(4 * nla_total_size_64bit(sizeof(u64)) +
			  num_online_cpus() * CS_NL_SAMPLE_CPU_SIZE,
			  GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put(msg, 0, 0, &cs_nl_family, 0, CPUSTRESS_CMD_SAMPLE);
	if (!hdr ||
	    cs_nl_put_u64(msg, CPUSTRESS_A_SAMPLE_SEQ, seq) ||
	    cs_nl_put_u64(msg, CPUSTRESS_A_TIMESTAMP_NS, ts_ns) ||
	    cs_nl_put_u64(msg, CPUSTRESS_A_SAMPLE_DT_NS, dt_ns) ||
	    cs_nl_put_u64(msg, CPUSTRESS_A_OPS_PER_SEC, ops_total))
		goto err;
	for_each_online_cpu(cpu) {
		nest = nla_nest_start(msg, CPUSTRESS_A_CPU);
		if (!nest ||
		    nla_put_u32(msg, CPUSTRESS_CPU_A_ID, cpu) ||
		    nla_put_u8(msg, CPUSTRESS_CPU_A_STATE, cs_cpu_state(cpu)) ||
		    cs_nl_put_rate(msg, &rates[cpu]))
			goto err;
		nla_nest_end(msg, nest);
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&cs_nl_family, msg, 0, CS_NL_MCGRP_SAMPLES,
			  GFP_KERNEL);
	goto out;
err:
	/* Sized for every online CPU: only a CPU onlined meanwhile gets here. */
	pr_err_ratelimited("SAMPLE event too large, not sent\n");
	nlmsg_free(msg);
out:
	mutex_unlock(&cs_nl_lock);
}

static const struct genl_ops cs_nl_ops[] = {
	{
		.cmd = CPUSTRESS_CMD_GET,
		.doit = cs_nl_get_doit,
	},
	{
		.cmd = CPUSTRESS_CMD_SET,
		.doit = cs_nl_set_doit,
		.policy = cs_nl_settings_policy,
		.maxattr = CPUSTRESS_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CPUSTRESS_CMD_START,
		.doit = cs_nl_start_doit,
		.policy = cs_nl_settings_policy,
		.maxattr = CPUSTRESS_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CPUSTRESS_CMD_STOP,
		.doit = cs_nl_stop_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CPUSTRESS_CMD_GET_STATS,
		.doit = cs_nl_stats_doit,
		.dumpit = cs_nl_stats_dumpit,
		.policy = cs_nl_stats_policy,
		.maxattr = CPUSTRESS_A_MAX,
	},
	{
		.cmd = CPUSTRESS_CMD_RESET_STATS,
		.doit = cs_nl_reset_doit,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family cs_nl_family __ro_after_init = {
	.name = CPUSTRESS_GENL_NAME,
	.version = CPUSTRESS_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = cs_nl_ops,
	.n_ops = ARRAY_SIZE(cs_nl_ops),
	.mcgrps = cs_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(cs_nl_mcgrps),
};

/* A closing netlink socket may own the run. */
static int cs_nl_notify(struct notifier_block *nb, unsigned long state,
			void *ptr)
{
	struct netlink_notify *n = ptr;

	if (state == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    net_eq(n->net, &init_net))
		cs_owner_released(n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block cs_nl_notifier = {
	.notifier_call = cs_nl_notify,
};

int cs_netlink_init(void)
{
	int ret;

	ret = netlink_register_notifier(&cs_nl_notifier);
	if (ret)
		return ret;
	ret = genl_register_family(&cs_nl_family);
	if (ret) {
		netlink_unregister_notifier(&cs_nl_notifier);
		return ret;
	}
	mutex_lock(&cs_nl_lock);
	cs_nl_up = true;
	mutex_unlock(&cs_nl_lock);
	return 0;
}

void cs_netlink_exit(void)
{
	mutex_lock(&cs_nl_lock);
	cs_nl_up = false;
	mutex_unlock(&cs_nl_lock);
	genl_unregister_family(&cs_nl_family);
	netlink_unregister_notifier(&cs_nl_notifier);
}
