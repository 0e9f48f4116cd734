/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * How steady a CPU's rate is: the median and the p10..p90 range of its
 * recent samples. The one computation of it, shared by the module's
 * sampler (GET_STATS) and the user-space engine's; the views (status,
 * /v1/stats, the dashboard) print what the engine gives.
 *
 * The caller feeds the samples newest first into a struct cs_recent_buf,
 * which keeps them sorted (insertion, at most CS_RECENT_MAX values), and
 * then reads the percentiles. Percentiles are nearest-rank: the value of
 * rank ceil(q * n / 100) in the sorted samples, so every figure is a
 * sample that happened (an even count's median is the lower middle one),
 * and no 64-bit division is needed.
 *
 * Freestanding: no libc, no kernel API beyond the __u32/__u64 types.
 */
#ifndef CPUSTRESS_RECENT_H
#define CPUSTRESS_RECENT_H

#include <linux/types.h>

/*
 * Samples one computation takes at most: with the default 1 s interval,
 * the last half minute. Both engines' sample rings hold at least this many.
 */
#define CS_RECENT_MAX	30

/**
 * struct cs_recent - the recent samples of one rate
 * @n: samples used, 0..CS_RECENT_MAX (0: none, the others are 0)
 * @p10: 10th percentile, in the samples' unit
 * @median: 50th percentile
 * @p90: 90th percentile
 */
struct cs_recent {
	__u32 n;
	__u64 p10;
	__u64 median;
	__u64 p90;
};

/**
 * struct cs_recent_buf - samples being gathered, kept sorted
 * @n: how many are in @v
 * @v: the samples, ascending
 */
struct cs_recent_buf {
	__u32 n;
	__u64 v[CS_RECENT_MAX];
};

/**
 * cs_recent_init() - empty a buffer
 * @b: the buffer
 */
static inline void cs_recent_init(struct cs_recent_buf *b)
{
	b->n = 0;
}

/**
 * cs_recent_add() - add one sample, if there is room
 * @b: the buffer
 * @x: the sample
 *
 * Return: 1 if @x was added, 0 if @b already holds CS_RECENT_MAX samples
 * (feeding newest first, the oldest ones are the ones left out).
 */
static inline int cs_recent_add(struct cs_recent_buf *b, __u64 x)
{
	__u32 j;

	if (b->n >= CS_RECENT_MAX)
		return 0;
	for (j = b->n; j > 0 && b->v[j - 1] > x; j--)
		b->v[j] = b->v[j - 1];
	b->v[j] = x;
	b->n++;
	return 1;
}

/* Percentile @q (1..100) of the sorted b->v[0..n), n >= 1: nearest rank. */
static inline __u64 cs_recent_rank(const struct cs_recent_buf *b, __u32 q)
{
	__u32 rank = (q * b->n + 99) / 100;

	return b->v[rank ? rank - 1 : 0];
}

/**
 * cs_recent_get() - the percentiles of the samples added so far
 * @b: the buffer
 * @out: the result; all 0 when @b is empty
 */
static inline void cs_recent_get(const struct cs_recent_buf *b,
				 struct cs_recent *out)
{
	out->n = b->n;
	if (!b->n) {
		out->p10 = 0;
		out->median = 0;
		out->p90 = 0;
		return;
	}
	out->p10 = cs_recent_rank(b, 10);
	out->median = cs_recent_rank(b, 50);
	out->p90 = cs_recent_rank(b, 90);
}

/**
 * cs_recent_spread_pm() - half the p10..p90 range in per mille of the median
 * @r: the result of cs_recent_get()
 *
 * The figure the views print as "±": 50 means p10..p90 is median ± 5 %.
 * For the views only (user space): the module never divides by it.
 *
 * Return: the spread, 0 when there is no median.
 */
static inline __u32 cs_recent_spread_pm(const struct cs_recent *r)
{
	__u64 pm;

	if (!r->n || !r->median)
		return 0;
	pm = (r->p90 - r->p10) * 500 / r->median;
	return pm > 0xffffffffULL ? 0xffffffffU : (__u32)pm;
}

#endif /* CPUSTRESS_RECENT_H */
