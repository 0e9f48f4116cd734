/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Log-linear histogram of durations in nanoseconds, shared by the kernel
 * module and user space.
 *
 * Values below 2^CS_HIST_SUB_BITS get a bucket each. Above that, every power
 * of two is split into 2^CS_HIST_SUB_BITS equal buckets, so a bucket is at
 * most 1/8 (12.5 %) of its lower bound wide. The last bucket also takes
 * everything larger (about 34 s and up).
 *
 * Freestanding: no libc, no kernel API beyond the __u64/__u32 types.
 */
#ifndef CPUSTRESS_HIST_H
#define CPUSTRESS_HIST_H

#include <linux/types.h>

#define CS_HIST_SUB_BITS	3
#define CS_HIST_SUB		8	/* 2^CS_HIST_SUB_BITS */
#define CS_HIST_BUCKETS		256

/* Position of the highest set bit; @v must not be 0. */
static inline unsigned int cs_hist_msb(__u64 v)
{
	return 63 - (unsigned int)__builtin_clzll(v);
}

/**
 * cs_hist_bucket() - the bucket a value falls in
 * @v: a duration in ns
 *
 * Return: bucket index in [0, CS_HIST_BUCKETS).
 */
static inline unsigned int cs_hist_bucket(__u64 v)
{
	unsigned int msb, idx;

	if (v < CS_HIST_SUB)
		return (unsigned int)v;
	msb = cs_hist_msb(v);
	idx = (msb - CS_HIST_SUB_BITS + 1) * CS_HIST_SUB +
	      (unsigned int)((v >> (msb - CS_HIST_SUB_BITS)) &
			     (CS_HIST_SUB - 1));
	return idx < CS_HIST_BUCKETS ? idx : CS_HIST_BUCKETS - 1;
}

/**
 * cs_hist_lower() - smallest value of a bucket
 * @b: bucket index
 *
 * Return: the lower bound, inclusive, in ns.
 */
static inline __u64 cs_hist_lower(unsigned int b)
{
	unsigned int octave = b / CS_HIST_SUB;
	unsigned int sub = b % CS_HIST_SUB;

	if (octave == 0)
		return b;
	return (__u64)(CS_HIST_SUB + sub) << (octave - 1);
}

/**
 * cs_hist_upper() - largest value of a bucket
 * @b: bucket index
 *
 * Return: the upper bound, inclusive, in ns (~0 for the last bucket, which
 * takes every larger value).
 */
static inline __u64 cs_hist_upper(unsigned int b)
{
	if (b >= CS_HIST_BUCKETS - 1)
		return ~0ULL;
	return cs_hist_lower(b + 1) - 1;
}

/**
 * cs_hist_percentile() - a percentile of the difference of two histograms
 * @cur: bucket counts now
 * @prev: bucket counts at the start of the window, or NULL for none
 * @pct_x100: the percentile in hundredths (9900 for p99)
 * @vmax: the largest value seen, used as the answer when it falls in the
 *	same bucket (0 if unknown)
 *
 * The answer is the upper bound of the bucket holding the sample of rank
 * ceil(n * pct / 100), so the true percentile is at most this value and, in
 * a bucket above 8 ns, at least 8/9 of it; the last bucket answers @vmax.
 *
 * Return: the percentile in ns, 0 when the window holds no sample.
 */
static inline __u64 cs_hist_percentile(const __u64 *cur, const __u64 *prev,
				       __u32 pct_x100, __u64 vmax)
{
	__u64 n = 0, rank, seen = 0, up;
	unsigned int b;

	for (b = 0; b < CS_HIST_BUCKETS; b++)
		n += cur[b] - (prev ? prev[b] : 0);
	if (!n)
		return 0;
	if (pct_x100 > 10000)
		pct_x100 = 10000;
	rank = (n * pct_x100 + 9999) / 10000;
	if (!rank)
		rank = 1;
	for (b = 0; b < CS_HIST_BUCKETS; b++) {
		seen += cur[b] - (prev ? prev[b] : 0);
		if (seen >= rank)
			break;
	}
	up = cs_hist_upper(b);
	if (vmax && cs_hist_bucket(vmax) == b)
		return vmax;
	return up;
}

#endif /* CPUSTRESS_HIST_H */
