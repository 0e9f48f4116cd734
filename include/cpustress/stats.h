/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Per-CPU counters and the rates derived from them, one layout for the
 * kernel engine and the user-space engine.
 *
 * Counters only grow; a measurement window is the difference of two
 * snapshots, never a reset, so the single writer (the CPU's worker) and any
 * number of readers need no lock between them.
 *
 * Freestanding: no libc, no kernel API beyond the __u64/__u32 types.
 */
#ifndef CPUSTRESS_STATS_H
#define CPUSTRESS_STATS_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/math64.h>
#endif
#include "hist.h"

#define CS_NSEC_PER_SEC		1000000000ULL

/**
 * struct cs_cpu_stats - cumulative counters of one CPU's worker
 * @elements: work-unit elements processed
 * @units: whole units completed
 * @busy_ns: time spent in the working part of the duty cycle
 * @sleep_ns: time spent sleeping in the idle part
 * @steal_ns: steal time of the CPU while its worker ran
 * @wait_ns: time the worker waited runnable on the run queue
 * @nivcsw: involuntary context switches of the worker
 * @irqs: hardware interrupts on the CPU while its worker ran
 * @unit_max_ns: the longest unit so far
 * @selfcheck_errors: test-vector mismatches seen at worker start
 * @hist: unit durations (busy time per unit), see hist.h
 */
struct cs_cpu_stats {
	__u64 elements;
	__u64 units;
	__u64 busy_ns;
	__u64 sleep_ns;
	__u64 steal_ns;
	__u64 wait_ns;
	__u64 nivcsw;
	__u64 irqs;
	__u64 unit_max_ns;
	__u64 selfcheck_errors;
	__u64 hist[CS_HIST_BUCKETS];
};

/**
 * struct cs_cpu_rate - one CPU over one sampling interval
 * @ops_milli: work units per second, in thousandths
 * @busy_pm: busy time, per mille of the interval
 * @steal_pm: steal time, per mille of the interval
 * @wait_pm: run-queue wait, per mille of the interval
 * @irqs_ps: interrupts per second
 * @nivcsw_ps: involuntary switches per second
 * @p50_ns: median unit duration
 * @p90_ns: 90th percentile unit duration
 * @p99_ns: 99th percentile unit duration
 * @max_ns: upper bound of the longest unit in the interval
 */
struct cs_cpu_rate {
	__u64 ops_milli;
	__u32 busy_pm;
	__u32 steal_pm;
	__u32 wait_pm;
	__u32 irqs_ps;
	__u32 nivcsw_ps;
	__u64 p50_ns;
	__u64 p90_ns;
	__u64 p99_ns;
	__u64 max_ns;
};

/* a * b / c without intermediate overflow; c must not be 0. */
static inline __u64 cs_mul_div(__u64 a, __u64 b, __u64 c)
{
#ifdef __KERNEL__
	return mul_u64_u64_div_u64(a, b, c);
#else
	return (__u64)((__uint128_t)a * b / c);
#endif
}

static inline __u32 cs_per_mille(__u64 part, __u64 whole)
{
	__u64 pm = cs_mul_div(part, 1000, whole);

	return pm > 1000 ? 1000 : (__u32)pm;
}

/**
 * cs_rate_compute() - rates of one CPU between two snapshots
 * @prev: counters at the start of the interval
 * @cur: counters at its end
 * @dt_ns: length of the interval, not 0
 * @elems_per_unit: elements in one work unit, not 0
 * @r: the result
 */
static inline void cs_rate_compute(const struct cs_cpu_stats *prev,
				   const struct cs_cpu_stats *cur,
				   __u64 dt_ns, __u64 elems_per_unit,
				   struct cs_cpu_rate *r)
{
	__u64 d_elem = cur->elements - prev->elements;

	r->ops_milli = cs_mul_div(d_elem, 1000 * CS_NSEC_PER_SEC,
				  dt_ns * elems_per_unit);
	r->busy_pm = cs_per_mille(cur->busy_ns - prev->busy_ns, dt_ns);
	r->steal_pm = cs_per_mille(cur->steal_ns - prev->steal_ns, dt_ns);
	r->wait_pm = cs_per_mille(cur->wait_ns - prev->wait_ns, dt_ns);
	r->irqs_ps = (__u32)cs_mul_div(cur->irqs - prev->irqs,
				       CS_NSEC_PER_SEC, dt_ns);
	r->nivcsw_ps = (__u32)cs_mul_div(cur->nivcsw - prev->nivcsw,
					 CS_NSEC_PER_SEC, dt_ns);
	r->p50_ns = cs_hist_percentile(cur->hist, prev->hist, 5000,
				       cur->unit_max_ns);
	r->p90_ns = cs_hist_percentile(cur->hist, prev->hist, 9000,
				       cur->unit_max_ns);
	r->p99_ns = cs_hist_percentile(cur->hist, prev->hist, 9900,
				       cur->unit_max_ns);
	r->max_ns = cs_hist_percentile(cur->hist, prev->hist, 10000,
				       cur->unit_max_ns);
}

/*
 * Counters have one writer and lock-free readers: loads and stores must
 * not tear. The kernel's READ_ONCE/WRITE_ONCE, or relaxed atomics in user
 * space.
 */
#ifdef __KERNEL__
#define CS_STAT_LOAD(p)		READ_ONCE(*(p))
#define CS_STAT_STORE(p, v)	WRITE_ONCE(*(p), (v))
#else
#define CS_STAT_LOAD(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define CS_STAT_STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)
#endif

/**
 * cs_stats_snapshot() - copy a CPU's counters as they are now
 * @s: counters being written by a worker
 * @dst: the copy
 */
static inline void cs_stats_snapshot(const struct cs_cpu_stats *s,
				     struct cs_cpu_stats *dst)
{
	unsigned int b;

	dst->elements = CS_STAT_LOAD(&s->elements);
	dst->units = CS_STAT_LOAD(&s->units);
	dst->busy_ns = CS_STAT_LOAD(&s->busy_ns);
	dst->sleep_ns = CS_STAT_LOAD(&s->sleep_ns);
	dst->steal_ns = CS_STAT_LOAD(&s->steal_ns);
	dst->wait_ns = CS_STAT_LOAD(&s->wait_ns);
	dst->nivcsw = CS_STAT_LOAD(&s->nivcsw);
	dst->irqs = CS_STAT_LOAD(&s->irqs);
	dst->unit_max_ns = CS_STAT_LOAD(&s->unit_max_ns);
	dst->selfcheck_errors = CS_STAT_LOAD(&s->selfcheck_errors);
	for (b = 0; b < CS_HIST_BUCKETS; b++)
		dst->hist[b] = CS_STAT_LOAD(&s->hist[b]);
}

/**
 * struct cs_unit_progress - where a worker is in its work unit
 * @nelems: elements in one unit
 * @pos: next element of the unit in progress
 * @unit_ns: busy time spent on the unit in progress
 */
struct cs_unit_progress {
	__u64 nelems;
	__u64 pos;
	__u64 unit_ns;
};

/**
 * cs_unit_chunk() - elements to process next
 * @p: the progress
 * @max: the chunk size
 *
 * Return: up to @max elements, never past the end of the unit, so that a
 * unit's end always falls on a chunk's end.
 */
static inline __u64 cs_unit_chunk(const struct cs_unit_progress *p, __u64 max)
{
	__u64 left = p->nelems - p->pos;

	return left < max ? left : max;
}

/**
 * cs_unit_account() - count a processed chunk
 * @s: the worker's counters (it is their only writer)
 * @p: the progress
 * @n: elements processed, as returned by cs_unit_chunk()
 * @d: busy wall time the chunk took, ns
 *
 * A completed unit adds its duration to the histogram.
 */
static inline void cs_unit_account(struct cs_cpu_stats *s,
				   struct cs_unit_progress *p, __u64 n, __u64 d)
{
	unsigned int b;

	p->pos += n;
	p->unit_ns += d;
	CS_STAT_STORE(&s->elements, s->elements + n);
	CS_STAT_STORE(&s->busy_ns, s->busy_ns + d);
	if (p->pos < p->nelems)
		return;
	b = cs_hist_bucket(p->unit_ns);
	CS_STAT_STORE(&s->hist[b], s->hist[b] + 1);
	if (p->unit_ns > s->unit_max_ns)
		CS_STAT_STORE(&s->unit_max_ns, p->unit_ns);
	CS_STAT_STORE(&s->units, s->units + 1);
	p->pos = 0;
	p->unit_ns = 0;
}

/**
 * cs_stats_window() - turn counters into counters over a window
 * @s: counters now; on return, their growth since @base
 * @base: counters when the window opened
 *
 * unit_max_ns and selfcheck_errors stay as they are: since load.
 */
static inline void cs_stats_window(struct cs_cpu_stats *s,
				   const struct cs_cpu_stats *base)
{
	unsigned int b;

	s->elements -= base->elements;
	s->units -= base->units;
	s->busy_ns -= base->busy_ns;
	s->sleep_ns -= base->sleep_ns;
	s->steal_ns -= base->steal_ns;
	s->wait_ns -= base->wait_ns;
	s->nivcsw -= base->nivcsw;
	s->irqs -= base->irqs;
	for (b = 0; b < CS_HIST_BUCKETS; b++)
		s->hist[b] -= base->hist[b];
}

/* Units per second, rounded to the nearest integer. */
static inline __u64 cs_rate_ops(const struct cs_cpu_rate *r)
{
	return (r->ops_milli + 500) / 1000;
}

#endif /* CPUSTRESS_STATS_H */
