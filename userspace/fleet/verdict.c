// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The fleet's figures and each host's verdict, by the rule of
 * tools/prometheus/alerts.yml (CpustressHostThrottled): a host is slow
 * when its per-CPU rate is below CS_FLEET_SLOW_RATIO of the median
 * per-CPU rate of the running hosts; it suffers steal when one of its
 * loaded CPUs loses more than CS_FLEET_STEAL_RATIO of its time to the
 * hypervisor; and wait when one of them waits on its run queue for more
 * than CS_FLEET_WAIT_EXCESS of its time beyond what the fleet's median
 * host waits. Wait is relative: on a busy machine every worker waits
 * (80-90 % on the 2-core machine of the tests), what tells is a host
 * that waits much more than the others.
 *
 * Prometheus wants a condition to hold for 5 minutes; here a condition
 * flags a host once it held in CS_FLEET_WINDOW polls in a row, and clears
 * once it failed in as many: one noisy poll neither flags nor clears.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"

const char *const cs_fleet_reason_names[CS_REASONS] = {
	[CS_REASON_SLOW] = "slow",
	[CS_REASON_STEAL] = "steal",
	[CS_REASON_WAIT] = "wait",
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* As Prometheus' quantile(0.5): the mean of the two middle values. */
double cs_fleet_median(double *v, uint32_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One poll's condition for @reason, on a running host. */
static bool condition(const struct cs_fleet_host *h, enum cs_fleet_reason r)
{
	switch (r) {
	case CS_REASON_SLOW:
		return !isnan(h->ratio) && h->ratio < CS_FLEET_SLOW_RATIO;
	case CS_REASON_STEAL:
		return h->cur.steal > CS_FLEET_STEAL_RATIO;
	case CS_REASON_WAIT:
		return !isnan(h->wait_excess) &&
		       h->wait_excess > CS_FLEET_WAIT_EXCESS;
	default:
		return false;
	}
}

/* The window: count polls in a row with the same outcome, flip at the end. */
static void judge(struct cs_fleet_host *h)
{
	enum cs_fleet_reason r;
	bool c;

	for (r = 0; r < CS_REASONS; r++) {
		c = condition(h, r);
		if (h->run[r] && c == h->held[r]) {
			h->run[r]++;
		} else {
			h->held[r] = c;
			h->run[r] = 1;
		}
		if (h->run[r] >= CS_FLEET_WINDOW)
			h->flag[r] = c;
	}
}

/* A host that is not running has no rate: its window starts again. */
static void reset(struct cs_fleet_host *h)
{
	memset(h->held, 0, sizeof(h->held));
	memset(h->run, 0, sizeof(h->run));
	memset(h->flag, 0, sizeof(h->flag));
	h->polls = 0;
}

void cs_fleet_update(struct cs_fleet_host *hosts, uint32_t n,
		     const struct cs_fleet_stats *polled,
		     struct cs_fleet_round *r)
{
	double per_cpu[CS_FLEET_TARGETS_MAX], totals[CS_FLEET_TARGETS_MAX];
	double waits[CS_FLEET_TARGETS_MAX];
	uint32_t i, k = 0;

	memset(r, 0, sizeof(*r));
	r->n = n;
	for (i = 0; i < n; i++) {
		hosts[i].cur = polled[i];
		if (polled[i].state != CS_FLEET_RUNNING)
			continue;
		per_cpu[k] = polled[i].per_cpu;
		waits[k] = polled[i].wait;
		totals[k++] = polled[i].ops;
		r->total += polled[i].ops;
	}
	r->median = cs_fleet_median(per_cpu, k);
	r->median_total = cs_fleet_median(totals, k);
	r->median_wait = cs_fleet_median(waits, k);
	for (i = 0; i < n; i++) {
		struct cs_fleet_host *h = &hosts[i];

		if (h->cur.state != CS_FLEET_RUNNING) {
			h->ratio = NAN;
			h->wait_excess = NAN;
			reset(h);
			continue;
		}
		h->ratio = r->median > 0 ? h->cur.per_cpu / r->median : NAN;
		h->wait_excess = h->cur.wait - r->median_wait;
		h->polls++;
		judge(h);
	}
}

bool cs_fleet_throttled(const struct cs_fleet_host *h)
{
	enum cs_fleet_reason r;

	if (h->cur.state != CS_FLEET_RUNNING)
		return false;
	for (r = 0; r < CS_REASONS; r++)
		if (h->flag[r])
			return true;
	return false;
}

void cs_fleet_verdict(const struct cs_fleet_host *h, char *buf, size_t len)
{
	enum cs_fleet_reason r;
	size_t used;

	if (h->cur.state == CS_FLEET_DOWN) {
		snprintf(buf, len, "down (%s)", h->cur.err);
		return;
	}
	if (h->cur.state == CS_FLEET_STOPPED) {
		snprintf(buf, len, "stopped");
		return;
	}
	if (!cs_fleet_throttled(h)) {
		snprintf(buf, len, "ok");
		return;
	}
	snprintf(buf, len, "THROTTLED (");
	for (r = 0; r < CS_REASONS; r++) {
		if (!h->flag[r])
			continue;
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s",
			 buf[used - 1] == '(' ? "" : ",",
			 cs_fleet_reason_names[r]);
	}
	used = strlen(buf);
	snprintf(buf + used, len - used, ")");
}
