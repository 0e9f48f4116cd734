// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The log-linear histogram: bucket bounds and percentiles. */
#include "unit.h"

#include <cpustress/hist.h>

static void test_constants(void **state)
{
	(void)state;
	assert_int_equal(CS_HIST_SUB, 1U << CS_HIST_SUB_BITS);
}

/* Every value lies within its bucket's bounds; buckets tile the line. */
static void test_bounds(void **state)
{
	(void)state;
	for (unsigned int b = 0; b + 1 < CS_HIST_BUCKETS; b++) {
		assert_int_equal(cs_hist_lower(b + 1), cs_hist_upper(b) + 1);
		assert_int_equal(cs_hist_bucket(cs_hist_lower(b)), b);
		assert_int_equal(cs_hist_bucket(cs_hist_upper(b)), b);
		/* Width at most 1/8 of the lower bound above the exact range. */
		if (b >= CS_HIST_SUB)
			assert_true(cs_hist_upper(b) - cs_hist_lower(b) + 1 <=
				    cs_hist_lower(b) / CS_HIST_SUB);
	}
	for (unsigned int sh = 0; sh < 40; sh++) {
		__u64 v = 1ULL << sh;
		__u64 vals[] = { v - 1, v, v + 1, v + v / 3 };

		for (unsigned int i = 0; i < 4; i++) {
			unsigned int b = cs_hist_bucket(vals[i]);

			assert_true(b < CS_HIST_BUCKETS);
			assert_true(cs_hist_lower(b) <= vals[i]);
			assert_true(vals[i] <= cs_hist_upper(b));
		}
	}
	assert_int_equal(cs_hist_bucket(~0ULL), CS_HIST_BUCKETS - 1);
	assert_int_equal(cs_hist_upper(CS_HIST_BUCKETS - 1), ~0ULL);
}

static void test_percentiles(void **state)
{
	__u64 h[CS_HIST_BUCKETS] = { 0 };

	(void)state;
	assert_int_equal(cs_hist_percentile(h, NULL, 5000, 0), 0);
	/* 1..100 us, one each. */
	for (__u64 us = 1; us <= 100; us++)
		h[cs_hist_bucket(us * 1000)]++;
	assert_int_equal(cs_hist_percentile(h, NULL, 5000, 0),
			 cs_hist_upper(cs_hist_bucket(50000)));
	assert_int_equal(cs_hist_percentile(h, NULL, 9900, 0),
			 cs_hist_upper(cs_hist_bucket(99000)));
	/* The maximum, known exactly, tightens the top bucket. */
	assert_int_equal(cs_hist_percentile(h, NULL, 10000, 100000), 100000);
	/* A percentile is an upper bound, off by at most a bucket. */
	assert_true(cs_hist_percentile(h, NULL, 9000, 0) >= 90000);
	assert_true(cs_hist_percentile(h, NULL, 9000, 0) <= 90000 * 9 / 8);
}

static void test_window(void **state)
{
	__u64 prev[CS_HIST_BUCKETS] = { 0 }, cur[CS_HIST_BUCKETS] = { 0 };

	(void)state;
	/* Before the window: 1000 fast units; in it: 10 slow ones. */
	prev[cs_hist_bucket(1000)] = 1000;
	memcpy(cur, prev, sizeof(cur));
	cur[cs_hist_bucket(5000000)] += 10;
	assert_int_equal(cs_hist_percentile(cur, prev, 5000, 0),
			 cs_hist_upper(cs_hist_bucket(5000000)));
	assert_int_equal(cs_hist_percentile(cur, NULL, 5000, 0),
			 cs_hist_upper(cs_hist_bucket(1000)));
	assert_int_equal(cs_hist_percentile(prev, prev, 5000, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
