/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * How steady a rate is: the median and the 10th..90th percentile range of
 * its recent samples. The one place the live views (status, /v1/stats and
 * the dashboard through it) compute it.
 */
#ifndef CPUSTRESS_SPREAD_H
#define CPUSTRESS_SPREAD_H

#include <stddef.h>
#include <stdint.h>

/* Samples one computation takes: the module's ring (kmod/sampler.c). */
#define CS_SPREAD_MAX	64

/**
 * struct cs_spread - the recent samples of one rate
 * @n: samples used (0: none, the other members are 0)
 * @p10: 10th percentile, same unit as the samples
 * @median: 50th percentile
 * @p90: 90th percentile
 */
struct cs_spread {
	uint32_t n;
	uint64_t p10;
	uint64_t median;
	uint64_t p90;
};

/*
 * cs_spread_compute() - percentiles of v[0..n), the order of v not mattering
 * (v is not changed). Percentiles interpolate linearly between the order
 * statistics (the usual "type 7"): the median of an even count is the mean
 * of the middle two, rounded down. n above CS_SPREAD_MAX uses the first
 * CS_SPREAD_MAX values (the newest, when v is newest first).
 */
void cs_spread_compute(const uint64_t *v, size_t n, struct cs_spread *out);

/*
 * cs_spread_rel_pm() - the p10..p90 range in per mille of the median
 * (0 when the median is 0): the figure the views print as "±".
 */
uint32_t cs_spread_rel_pm(const struct cs_spread *s);

#endif
