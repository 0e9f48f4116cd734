// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Median and p10..p90 of recent samples: include/cpustress/recent.h. */
#include "unit.h"

#include <cpustress/recent.h>

static void check(const __u64 *v, __u32 n, __u64 p10, __u64 med, __u64 p90)
{
	struct cs_recent_buf b;
	struct cs_recent r;
	__u32 i;

	cs_recent_init(&b);
	for (i = 0; i < n; i++)
		assert_int_equal(cs_recent_add(&b, v[i]), 1);
	cs_recent_get(&b, &r);
	assert_int_equal(r.n, n);
	if (r.p10 != p10 || r.median != med || r.p90 != p90)
		fail_msg("n %u: got %llu/%llu/%llu, want %llu/%llu/%llu", n,
			 (unsigned long long)r.p10, (unsigned long long)r.median,
			 (unsigned long long)r.p90, (unsigned long long)p10,
			 (unsigned long long)med, (unsigned long long)p90);
	/* The buffer is sorted. */
	for (i = 1; i < n; i++)
		assert_true(b.v[i - 1] <= b.v[i]);
}

static void test_none(void **state)
{
	struct cs_recent r = { 7, 7, 7, 7 };
	struct cs_recent_buf b;

	(void)state;
	b.n = 5;
	cs_recent_init(&b);
	cs_recent_get(&b, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.p10 + r.median + r.p90, 0);
	assert_int_equal(cs_recent_spread_pm(&r), 0);
}

static void test_small(void **state)
{
	(void)state;
	check((const __u64[]){ 42 }, 1, 42, 42, 42);
	/* Even count: the median is the lower middle sample. */
	check((const __u64[]){ 20, 10 }, 2, 10, 10, 20);
	check((const __u64[]){ 40, 10, 30, 20 }, 4, 10, 20, 40);
	/* Odd count: the middle one. */
	check((const __u64[]){ 5, 1, 4, 2, 3 }, 5, 1, 3, 5);
	/* 0, 10, ..., 100 reversed: ranks 2, 6 and 10 of 11. */
	check((const __u64[]){ 100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 0 },
	      11, 10, 50, 90);
}

static void test_duplicates(void **state)
{
	(void)state;
	/* One outlier of 11 moves neither the median nor p90 (rank 10). */
	check((const __u64[]){ 100, 100, 100, 100, 100, 5000, 100, 100, 100,
			       100, 100 }, 11, 100, 100, 100);
	check((const __u64[]){ 7, 7, 7 }, 3, 7, 7, 7);
	check((const __u64[]){ 3, 9, 3, 9 }, 4, 3, 3, 9);
}

static void test_cap(void **state)
{
	struct cs_recent_buf b;
	struct cs_recent r;
	__u64 i;

	(void)state;
	/* Newest first: 0..29 are kept, the older 1000s are left out. */
	cs_recent_init(&b);
	for (i = 0; i < CS_RECENT_MAX; i++)
		assert_int_equal(cs_recent_add(&b, i), 1);
	assert_int_equal(cs_recent_add(&b, 1000), 0);
	assert_int_equal(cs_recent_add(&b, 1000), 0);
	cs_recent_get(&b, &r);
	assert_int_equal(r.n, CS_RECENT_MAX);
	assert_int_equal(CS_RECENT_MAX, 30);
	assert_int_equal(r.p10, 2);	/* rank 3 */
	assert_int_equal(r.median, 14);	/* rank 15 */
	assert_int_equal(r.p90, 26);	/* rank 27 */
}

static void test_spread(void **state)
{
	struct cs_recent r = { 3, 900, 1000, 1100 };

	(void)state;
	assert_int_equal(cs_recent_spread_pm(&r), 100);	/* ± 10 % */
	r = (struct cs_recent){ 5, 1000, 1000, 1000 };
	assert_int_equal(cs_recent_spread_pm(&r), 0);
	/* ops_milli scale does not overflow. */
	r = (struct cs_recent){ 3, 1000000000000ULL, 2000000000000ULL,
				3000000000000ULL };
	assert_int_equal(cs_recent_spread_pm(&r), 500);
	r.median = 0;
	assert_int_equal(cs_recent_spread_pm(&r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
