// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Median and p10..p90 of recent samples: util/spread.c. */
#include "unit.h"

#include "util/spread.h"

static void check(const uint64_t *v, size_t n, uint64_t p10, uint64_t med,
		  uint64_t p90)
{
	struct cs_spread s;

	cs_spread_compute(v, n, &s);
	assert_int_equal(s.n, n > CS_SPREAD_MAX ? CS_SPREAD_MAX : n);
	if (s.p10 != p10 || s.median != med || s.p90 != p90)
		fail_msg("n %zu: got %llu/%llu/%llu, want %llu/%llu/%llu", n,
			 (unsigned long long)s.p10, (unsigned long long)s.median,
			 (unsigned long long)s.p90, (unsigned long long)p10,
			 (unsigned long long)med, (unsigned long long)p90);
}

static void test_none(void **state)
{
	struct cs_spread s = { 7, 7, 7, 7 };

	(void)state;
	cs_spread_compute(NULL, 3, &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.median, 0);
	s.n = 9;
	cs_spread_compute((const uint64_t[]){ 5 }, 0, &s);
	assert_int_equal(s.n + s.p10 + s.median + s.p90, 0);
	assert_int_equal(cs_spread_rel_pm(&s), 0);
}

static void test_small(void **state)
{
	(void)state;
	check((const uint64_t[]){ 42 }, 1, 42, 42, 42);
	/* Even count: the median is the mean of the middle two. */
	check((const uint64_t[]){ 10, 20 }, 2, 11, 15, 19);
	check((const uint64_t[]){ 40, 10, 30, 20 }, 4, 13, 25, 37);
	/* Order does not matter; one outlier moves p90, not the median. */
	check((const uint64_t[]){ 100, 100, 100, 100, 100, 100, 100, 100, 100,
				  100, 5000 }, 11, 100, 100, 100);
	check((const uint64_t[]){ 5000, 100, 100, 100, 100, 100, 100, 100, 100,
				  100, 100 }, 11, 100, 100, 100);
}

static void test_known(void **state)
{
	uint64_t v[11];
	size_t i;

	(void)state;
	/* 0, 10, ..., 100 reversed: p10 10, median 50, p90 90 exactly. */
	for (i = 0; i < 11; i++)
		v[i] = (10 - i) * 10;
	check(v, 11, 10, 50, 90);
}

static void test_cap_and_input_kept(void **state)
{
	uint64_t v[100];
	struct cs_spread s;
	size_t i;

	(void)state;
	/* The first 64 (the newest) are used: 0..63, then 1000s. */
	for (i = 0; i < 100; i++)
		v[i] = i < CS_SPREAD_MAX ? i : 1000;
	cs_spread_compute(v, 100, &s);
	assert_int_equal(s.n, CS_SPREAD_MAX);
	assert_int_equal(s.p90, 56);	/* 0.9 x 63 = 56.7, rounded down */
	assert_int_equal(s.median, 31);	/* 31.5 */
	assert_int_equal(s.p10, 6);	/* 6.3 */
	/* v is not sorted in place. */
	assert_int_equal(v[0], 0);
	assert_int_equal(v[99], 1000);
}

static void test_rel(void **state)
{
	struct cs_spread s = { 3, 900, 1000, 1150 };

	(void)state;
	assert_int_equal(cs_spread_rel_pm(&s), 250);
	/* Large rates (ops_milli) do not overflow. */
	s = (struct cs_spread){ 3, 1000000000000ULL, 2000000000000ULL,
				3000000000000ULL };
	assert_int_equal(cs_spread_rel_pm(&s), 1000);
	s.median = 0;
	assert_int_equal(cs_spread_rel_pm(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_cap_and_input_kept),
		cmocka_unit_test(test_rel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
