// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Median and p10..p90 of recent samples (spread.h). */
#include "util/spread.h"

#include <string.h>

/* Percentile q (0..100) of sorted s[0..n), n >= 1, type 7. */
static uint64_t pct(const uint64_t *s, size_t n, unsigned int q)
{
	/* Position q / 100 * (n - 1), in hundredths, without floating point. */
	uint64_t pos = (uint64_t)q * (n - 1);
	size_t i = pos / 100;
	uint64_t frac = pos % 100;

	if (i + 1 >= n || !frac)
		return s[i];
	/* s[i] <= s[i + 1]: the difference is not negative. */
	return s[i] + (s[i + 1] - s[i]) * frac / 100;
}

void cs_spread_compute(const uint64_t *v, size_t n, struct cs_spread *out)
{
	uint64_t s[CS_SPREAD_MAX];
	size_t i, j;

	memset(out, 0, sizeof(*out));
	if (!v || !n)
		return;
	if (n > CS_SPREAD_MAX)
		n = CS_SPREAD_MAX;
	/* Insertion sort: at most 64 values. */
	for (i = 0; i < n; i++) {
		uint64_t x = v[i];

		for (j = i; j > 0 && s[j - 1] > x; j--)
			s[j] = s[j - 1];
		s[j] = x;
	}
	out->n = (uint32_t)n;
	out->p10 = pct(s, n, 10);
	out->median = pct(s, n, 50);
	out->p90 = pct(s, n, 90);
}

uint32_t cs_spread_rel_pm(const struct cs_spread *s)
{
	uint64_t r;

	if (!s->median)
		return 0;
	r = (s->p90 - s->p10) * 1000 / s->median;
	return r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}
