/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Duty-cycle arithmetic shared by the kernel workers and the user-space
 * engine: how long to work in the coming period so that the long-run
 * average busy time stays on target.
 *
 * Work happens in chunks, so a period's busy time overshoots its budget by
 * up to a chunk (and by any preemption inside it). The difference between
 * target and achieved busy time is carried over to the next period's budget;
 * the carry is bounded by one period so that a long stall (a stopped VM, a
 * CPU taken by the hypervisor) is not paid back as a burst afterwards.
 *
 * Freestanding: no libc, no kernel API beyond the __u64/__s64 types
 * (and the busy range of limits.h).
 */
#ifndef CPUSTRESS_DUTY_H
#define CPUSTRESS_DUTY_H

#include <linux/types.h>

#include <cpustress/limits.h>

#define CS_NSEC_PER_MSEC	1000000ULL

/**
 * struct cs_duty - duty-cycle state of one worker
 * @period_ns: length of a period
 * @busy_ns: target busy time per period
 * @carry_ns: busy time owed (positive) or worked ahead (negative)
 * @full: busy 100 %: work continuously, never sleep
 */
struct cs_duty {
	__u64 period_ns;
	__u64 busy_ns;
	__s64 carry_ns;
	int full;
};

/**
 * cs_duty_init() - set the target, forgetting any carry
 * @d: the state
 * @busy_pct: CS_BUSY_PCT_MIN..CS_BUSY_PCT_MAX
 * @period_ms: period length in ms
 */
static inline void cs_duty_init(struct cs_duty *d, __u32 busy_pct,
				__u32 period_ms)
{
	d->period_ns = (__u64)period_ms * CS_NSEC_PER_MSEC;
	d->busy_ns = d->period_ns * busy_pct / 100;
	d->carry_ns = 0;
	d->full = busy_pct >= CS_BUSY_PCT_MAX;
}

/**
 * cs_duty_budget() - busy time to spend in the coming period
 * @d: the state
 *
 * Return: the budget in ns, within [0, period].
 */
static inline __u64 cs_duty_budget(const struct cs_duty *d)
{
	__s64 b = (__s64)d->busy_ns + d->carry_ns;

	if (d->full)
		return d->period_ns;
	if (b < 0)
		return 0;
	if (b > (__s64)d->period_ns)
		return d->period_ns;
	return (__u64)b;
}

/**
 * cs_duty_account() - record the busy time a period really had
 * @d: the state
 * @done_ns: busy time achieved in the period
 */
static inline void cs_duty_account(struct cs_duty *d, __u64 done_ns)
{
	__s64 lim = (__s64)d->period_ns;

	if (d->full)
		return;
	d->carry_ns += (__s64)d->busy_ns - (__s64)done_ns;
	if (d->carry_ns > lim)
		d->carry_ns = lim;
	if (d->carry_ns < -lim)
		d->carry_ns = -lim;
}

#endif /* CPUSTRESS_DUTY_H */
