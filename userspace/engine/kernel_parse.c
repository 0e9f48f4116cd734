// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Attributes of the kernel engine's messages: settings out; GET replies,
 * GET_STATS dump messages and SAMPLE events in. Every message is parsed
 * against a policy, so a module and CLI that disagree on a type or a
 * length fail with a message instead of reading garbage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "engine/kernel.h"

#define HIST_BYTES	(CPUSTRESS_HIST_BUCKETS * sizeof(uint64_t))

static const struct nla_policy cs_policy[CPUSTRESS_A_MAX + 1] = {
	[CPUSTRESS_A_RUNNING]		= { .type = NLA_U8 },
	[CPUSTRESS_A_BUSY_PCT]		= { .type = NLA_U32 },
	[CPUSTRESS_A_PERIOD_MS]		= { .type = NLA_U32 },
	[CPUSTRESS_A_INTERVAL_MS]	= { .type = NLA_U32 },
	[CPUSTRESS_A_CPUS]		= { .type = NLA_STRING,
					    .maxlen = CPUSTRESS_CPUS_MAXLEN },
	[CPUSTRESS_A_TIME_LIMIT_MS]	= { .type = NLA_U32 },
	[CPUSTRESS_A_OWNED]		= { .type = NLA_FLAG },
	[CPUSTRESS_A_WU_KIB]		= { .type = NLA_U32 },
	[CPUSTRESS_A_WU_SPINS]		= { .type = NLA_U32 },
	[CPUSTRESS_A_ONLINE_CPUS]	= { .type = NLA_STRING,
					    .maxlen = CPUSTRESS_CPUS_MAXLEN },
	[CPUSTRESS_A_LOADED_CPUS]	= { .type = NLA_STRING,
					    .maxlen = CPUSTRESS_CPUS_MAXLEN },
	[CPUSTRESS_A_OPS_PER_SEC]	= { .type = NLA_U64 },
	[CPUSTRESS_A_UNITS_TOTAL]	= { .type = NLA_U64 },
	[CPUSTRESS_A_TIME_LEFT_MS]	= { .type = NLA_U64 },
	[CPUSTRESS_A_OWNER_PORTID]	= { .type = NLA_U32 },
	[CPUSTRESS_A_TIMESTAMP_NS]	= { .type = NLA_U64 },
	[CPUSTRESS_A_WINDOW_ID]		= { .type = NLA_U64 },
	[CPUSTRESS_A_WINDOW_START_NS]	= { .type = NLA_U64 },
	[CPUSTRESS_A_SAMPLE_SEQ]	= { .type = NLA_U64 },
	[CPUSTRESS_A_SAMPLE_DT_NS]	= { .type = NLA_U64 },
	[CPUSTRESS_A_HIST_BUCKETS]	= { .type = NLA_U32 },
	[CPUSTRESS_A_HIST_SUB_BITS]	= { .type = NLA_U32 },
	[CPUSTRESS_A_SELFCHECK_ERRORS]	= { .type = NLA_U64 },
	[CPUSTRESS_A_CPU_ID]		= { .type = NLA_U32 },
	[CPUSTRESS_A_CPU]		= { .type = NLA_NESTED },
	[CPUSTRESS_A_RUN_ID]		= { .type = NLA_U64 },
};

static const struct nla_policy cs_cpu_policy[CPUSTRESS_CPU_A_MAX + 1] = {
	[CPUSTRESS_CPU_A_ID]		= { .type = NLA_U32 },
	[CPUSTRESS_CPU_A_STATE]		= { .type = NLA_U8 },
	[CPUSTRESS_CPU_A_ELEMENTS]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_UNITS]		= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_BUSY_NS]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_SLEEP_NS]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_STEAL_NS]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_WAIT_NS]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_NIVCSW]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_IRQS]		= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_UNIT_MAX_NS]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_SELFCHECK_ERRORS] = { .type = NLA_U64 },
	/* Exactly the buckets this CLI knows, or the reply is refused. */
	[CPUSTRESS_CPU_A_HIST]		= { .type = NLA_UNSPEC,
					    .minlen = HIST_BYTES,
					    .maxlen = HIST_BYTES },
	[CPUSTRESS_CPU_A_OPS_MILLI]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_BUSY_PM]	= { .type = NLA_U32 },
	[CPUSTRESS_CPU_A_STEAL_PM]	= { .type = NLA_U32 },
	[CPUSTRESS_CPU_A_WAIT_PM]	= { .type = NLA_U32 },
	[CPUSTRESS_CPU_A_IRQS_PS]	= { .type = NLA_U32 },
	[CPUSTRESS_CPU_A_NIVCSW_PS]	= { .type = NLA_U32 },
	[CPUSTRESS_CPU_A_P50_NS]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_P90_NS]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_P99_NS]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_MAX_NS]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_UNITS_TOTAL]	= { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_RECENT_N]	= { .type = NLA_U32 },
	[CPUSTRESS_CPU_A_RECENT_MEDIAN_MILLI] = { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_RECENT_P10_MILLI] = { .type = NLA_U64 },
	[CPUSTRESS_CPU_A_RECENT_P90_MILLI] = { .type = NLA_U64 },
};

static const struct nla_policy cs_ctrl_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID]		= { .type = NLA_U16 },
};

/* Absent attributes read as 0: the module may leave out what is unset. */
static uint64_t get_u64(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u64(tb[a]) : 0;
}

static uint32_t get_u32(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u32(tb[a]) : 0;
}

static uint8_t get_u8(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u8(tb[a]) : 0;
}

static void get_str(struct nlattr **tb, int a, char *buf, size_t len)
{
	buf[0] = '\0';
	if (tb[a])
		nla_strlcpy(buf, tb[a], len);
}

static int bad_reply(struct cs_engine *e, const char *what, int nlerr)
{
	snprintf(e->err, sizeof(e->err),
		 "%s: the module's reply does not parse (%s): module and CLI differ, rebuild both",
		 what, nl_geterror(nlerr));
	return -EPROTO;
}

int cs_put_settings(struct nl_msg *msg, const void *settings)
{
	const struct cs_settings *s = settings;

	if ((s->busy_pct != CS_UNSET &&
	     nla_put_u32(msg, CPUSTRESS_A_BUSY_PCT, s->busy_pct) < 0) ||
	    (s->period_ms != CS_UNSET &&
	     nla_put_u32(msg, CPUSTRESS_A_PERIOD_MS, s->period_ms) < 0) ||
	    (s->interval_ms != CS_UNSET &&
	     nla_put_u32(msg, CPUSTRESS_A_INTERVAL_MS, s->interval_ms) < 0) ||
	    (s->time_limit_ms != CS_UNSET &&
	     nla_put_u32(msg, CPUSTRESS_A_TIME_LIMIT_MS, s->time_limit_ms) < 0) ||
	    (s->cpus && nla_put_string(msg, CPUSTRESS_A_CPUS, s->cpus) < 0) ||
	    (s->owned && nla_put_flag(msg, CPUSTRESS_A_OWNED) < 0))
		return -EMSGSIZE;
	return 0;
}

int cs_parse_status(struct cs_engine *e, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CPUSTRESS_A_MAX + 1];
	struct cs_status *st = arg;
	int ret;

	ret = genlmsg_parse(nlh, 0, tb, CPUSTRESS_A_MAX, cs_policy);
	if (ret < 0)
		return bad_reply(e, "status", ret);
	st->running = get_u8(tb, CPUSTRESS_A_RUNNING);
	st->busy_pct = get_u32(tb, CPUSTRESS_A_BUSY_PCT);
	st->period_ms = get_u32(tb, CPUSTRESS_A_PERIOD_MS);
	st->interval_ms = get_u32(tb, CPUSTRESS_A_INTERVAL_MS);
	st->wu_kib = get_u32(tb, CPUSTRESS_A_WU_KIB);
	st->wu_spins = get_u32(tb, CPUSTRESS_A_WU_SPINS);
	st->time_limit_ms = get_u32(tb, CPUSTRESS_A_TIME_LIMIT_MS);
	st->time_left_ms = get_u64(tb, CPUSTRESS_A_TIME_LEFT_MS);
	st->owner_portid = get_u32(tb, CPUSTRESS_A_OWNER_PORTID);
	get_str(tb, CPUSTRESS_A_CPUS, st->cpus, sizeof(st->cpus));
	get_str(tb, CPUSTRESS_A_ONLINE_CPUS, st->online, sizeof(st->online));
	get_str(tb, CPUSTRESS_A_LOADED_CPUS, st->loaded, sizeof(st->loaded));
	st->ops_per_sec = get_u64(tb, CPUSTRESS_A_OPS_PER_SEC);
	st->units_total = get_u64(tb, CPUSTRESS_A_UNITS_TOTAL);
	st->selfcheck_errors = get_u64(tb, CPUSTRESS_A_SELFCHECK_ERRORS);
	st->window_id = get_u64(tb, CPUSTRESS_A_WINDOW_ID);
	st->run_id = get_u64(tb, CPUSTRESS_A_RUN_ID);
	st->sample_seq = get_u64(tb, CPUSTRESS_A_SAMPLE_SEQ);
	return 0;
}

static void parse_rate(struct nlattr **tb, struct cs_cpu_rate *r)
{
	r->ops_milli = get_u64(tb, CPUSTRESS_CPU_A_OPS_MILLI);
	r->busy_pm = get_u32(tb, CPUSTRESS_CPU_A_BUSY_PM);
	r->steal_pm = get_u32(tb, CPUSTRESS_CPU_A_STEAL_PM);
	r->wait_pm = get_u32(tb, CPUSTRESS_CPU_A_WAIT_PM);
	r->irqs_ps = get_u32(tb, CPUSTRESS_CPU_A_IRQS_PS);
	r->nivcsw_ps = get_u32(tb, CPUSTRESS_CPU_A_NIVCSW_PS);
	r->p50_ns = get_u64(tb, CPUSTRESS_CPU_A_P50_NS);
	r->p90_ns = get_u64(tb, CPUSTRESS_CPU_A_P90_NS);
	r->p99_ns = get_u64(tb, CPUSTRESS_CPU_A_P99_NS);
	r->max_ns = get_u64(tb, CPUSTRESS_CPU_A_MAX_NS);
}

static void parse_counters(struct nlattr **tb, struct cs_cpu_stats *s)
{
	s->elements = get_u64(tb, CPUSTRESS_CPU_A_ELEMENTS);
	s->units = get_u64(tb, CPUSTRESS_CPU_A_UNITS);
	s->busy_ns = get_u64(tb, CPUSTRESS_CPU_A_BUSY_NS);
	s->sleep_ns = get_u64(tb, CPUSTRESS_CPU_A_SLEEP_NS);
	s->steal_ns = get_u64(tb, CPUSTRESS_CPU_A_STEAL_NS);
	s->wait_ns = get_u64(tb, CPUSTRESS_CPU_A_WAIT_NS);
	s->nivcsw = get_u64(tb, CPUSTRESS_CPU_A_NIVCSW);
	s->irqs = get_u64(tb, CPUSTRESS_CPU_A_IRQS);
	s->unit_max_ns = get_u64(tb, CPUSTRESS_CPU_A_UNIT_MAX_NS);
	s->selfcheck_errors = get_u64(tb, CPUSTRESS_CPU_A_SELFCHECK_ERRORS);
	if (tb[CPUSTRESS_CPU_A_HIST])
		memcpy(s->hist, nla_data(tb[CPUSTRESS_CPU_A_HIST]), HIST_BYTES);
	else
		memset(s->hist, 0, HIST_BYTES);
}

/* A module without the RECENT_* attributes (older) gives n 0: none. */
static void parse_recent(struct nlattr **tb, struct cs_recent *r)
{
	r->n = get_u32(tb, CPUSTRESS_CPU_A_RECENT_N);
	r->median = get_u64(tb, CPUSTRESS_CPU_A_RECENT_MEDIAN_MILLI);
	r->p10 = get_u64(tb, CPUSTRESS_CPU_A_RECENT_P10_MILLI);
	r->p90 = get_u64(tb, CPUSTRESS_CPU_A_RECENT_P90_MILLI);
}

/* One CPUSTRESS_A_CPU nest; @full for GET_STATS (counters too). */
static int parse_cpu(struct cs_engine *e, const char *what,
		     struct nlattr *nest, struct cs_cpu_snap *c, bool full)
{
	struct nlattr *tb[CPUSTRESS_CPU_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, CPUSTRESS_CPU_A_MAX, nest, cs_cpu_policy);
	if (ret < 0)
		return bad_reply(e, what, ret);
	if (!tb[CPUSTRESS_CPU_A_ID])
		return bad_reply(e, what, -NLE_MISSING_ATTR);
	memset(c, 0, sizeof(*c));
	c->cpu = nla_get_u32(tb[CPUSTRESS_CPU_A_ID]);
	c->state = get_u8(tb, CPUSTRESS_CPU_A_STATE);
	parse_rate(tb, &c->rate);
	if (full) {
		parse_counters(tb, &c->stats);
		c->units_total = get_u64(tb, CPUSTRESS_CPU_A_UNITS_TOTAL);
		parse_recent(tb, &c->recent);
	}
	return 0;
}

static int snapshot_grow(struct cs_engine *e, struct cs_snapshot *snap)
{
	uint32_t cap = snap->cap ? snap->cap * 2 : 16;
	struct cs_cpu_snap *cpu;

	if (snap->ncpus < snap->cap)
		return 0;
	cpu = realloc(snap->cpu, cap * sizeof(*cpu));
	if (!cpu) {
		snprintf(e->err, sizeof(e->err), "stats: out of memory");
		return -ENOMEM;
	}
	snap->cpu = cpu;
	snap->cap = cap;
	return 0;
}

/* One message of the GET_STATS dump: the window and one CPU. */
int cs_parse_stats(struct cs_engine *e, struct nlmsghdr *nlh, void *arg)
{
	struct cs_snapshot *snap = arg;
	struct nlattr *tb[CPUSTRESS_A_MAX + 1];
	struct nlattr *nla;
	int ret, rem;

	ret = genlmsg_parse(nlh, 0, tb, CPUSTRESS_A_MAX, cs_policy);
	if (ret < 0)
		return bad_reply(e, "stats", ret);
	if (tb[CPUSTRESS_A_HIST_BUCKETS] &&
	    nla_get_u32(tb[CPUSTRESS_A_HIST_BUCKETS]) != CPUSTRESS_HIST_BUCKETS)
		return bad_reply(e, "stats", -NLE_RANGE);
	snap->ts_ns = get_u64(tb, CPUSTRESS_A_TIMESTAMP_NS);
	snap->window_id = get_u64(tb, CPUSTRESS_A_WINDOW_ID);
	snap->window_start_ns = get_u64(tb, CPUSTRESS_A_WINDOW_START_NS);
	/* The policy parse keeps the last nest only: walk them all. */
	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(nla) != CPUSTRESS_A_CPU)
			continue;
		ret = snapshot_grow(e, snap);
		if (ret < 0)
			return ret;
		ret = parse_cpu(e, "stats", nla, &snap->cpu[snap->ncpus], true);
		if (ret < 0)
			return ret;
		snap->ncpus++;
	}
	return 0;
}

static int cmp_cpu(const void *a, const void *b)
{
	const struct cs_cpu_snap *x = a, *y = b;

	return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

void cs_snapshot_sort(struct cs_snapshot *snap)
{
	if (snap->ncpus)
		qsort(snap->cpu, snap->ncpus, sizeof(*snap->cpu), cmp_cpu);
}

static int sample_room(struct cs_kernel *k, uint32_t ncpus)
{
	struct cs_sample *s;

	if (k->sample && ncpus <= k->sample_cap)
		return 0;
	s = realloc(k->sample, sizeof(*s) + ncpus * sizeof(s->cpu[0]));
	if (!s) {
		snprintf(k->e->err, sizeof(k->e->err), "samples: out of memory");
		return -ENOMEM;
	}
	k->sample = s;
	k->sample_cap = ncpus;
	return 0;
}

/* A SAMPLE event into k->sample. */
int cs_parse_sample(struct cs_kernel *k, struct nlmsghdr *nlh)
{
	struct nlattr *tb[CPUSTRESS_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct cs_sample *s;
	struct nlattr *nla;
	uint32_t n = 0;
	int ret, rem;

	ret = genlmsg_parse(nlh, 0, tb, CPUSTRESS_A_MAX, cs_policy);
	if (ret < 0)
		return bad_reply(k->e, "sample", ret);
	nla_for_each_attr(nla, genlmsg_attrdata(gh, 0),
			  genlmsg_attrlen(gh, 0), rem)
		n += nla_type(nla) == CPUSTRESS_A_CPU;
	ret = sample_room(k, n);
	if (ret < 0)
		return ret;
	s = k->sample;
	s->seq = get_u64(tb, CPUSTRESS_A_SAMPLE_SEQ);
	s->ts_ns = get_u64(tb, CPUSTRESS_A_TIMESTAMP_NS);
	s->dt_ns = get_u64(tb, CPUSTRESS_A_SAMPLE_DT_NS);
	s->ops_per_sec = get_u64(tb, CPUSTRESS_A_OPS_PER_SEC);
	s->ncpus = 0;
	nla_for_each_attr(nla, genlmsg_attrdata(gh, 0),
			  genlmsg_attrlen(gh, 0), rem) {
		if (nla_type(nla) != CPUSTRESS_A_CPU)
			continue;
		ret = parse_cpu(k->e, "sample", nla, &s->cpu[s->ncpus], false);
		if (ret < 0)
			return ret;
		s->ncpus++;
	}
	return 0;
}

/* Whether a controller event announces the removal of @family. */
bool cs_ctrl_family_deleted(struct nlmsghdr *nlh, int family)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (genlmsg_hdr(nlh)->cmd != CTRL_CMD_DELFAMILY)
		return false;
	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, cs_ctrl_policy) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return false;
	return nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == family;
}
