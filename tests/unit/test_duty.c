// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Duty-cycle arithmetic: the long-run average holds despite chunking. */
#include "unit.h"

#include <cpustress/duty.h>

#define MS 1000000ULL

static void test_budget(void **state)
{
	struct cs_duty d;

	(void)state;
	cs_duty_init(&d, 30, 100);
	assert_int_equal(d.period_ns, 100 * MS);
	assert_int_equal(cs_duty_budget(&d), 30 * MS);
	cs_duty_init(&d, 100, 250);
	assert_true(d.full);
	assert_int_equal(cs_duty_budget(&d), 250 * MS);
	cs_duty_account(&d, 999 * MS);
	assert_int_equal(cs_duty_budget(&d), 250 * MS);
}

/* Work comes in chunks of 0.7 ms: each period overshoots its budget. */
static __u64 run_chunked(__u64 budget)
{
	const __u64 chunk = 700000;

	return (budget + chunk - 1) / chunk * chunk;
}

static void test_carry_keeps_average(void **state)
{
	static const unsigned int levels[] = { 1, 10, 30, 60, 90, 99 };

	(void)state;
	for (unsigned int i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		struct cs_duty d;
		__u64 total = 0;
		const unsigned int periods = 1000;

		cs_duty_init(&d, levels[i], 100);
		for (unsigned int p = 0; p < periods; p++) {
			__u64 done = run_chunked(cs_duty_budget(&d));

			cs_duty_account(&d, done);
			total += done;
		}
		/* Within one chunk over the whole run. */
		__u64 target = (__u64)levels[i] * MS * periods;

		assert_true(total >= target);
		assert_true(total - target <= 700000);
	}
}

/* A stall is not paid back as a burst of more than one period. */
static void test_carry_bounded(void **state)
{
	struct cs_duty d;

	(void)state;
	cs_duty_init(&d, 50, 100);
	for (int p = 0; p < 20; p++)
		cs_duty_account(&d, 0);
	assert_int_equal(d.carry_ns, 100 * (__s64)MS);
	assert_int_equal(cs_duty_budget(&d), 100 * MS);
	for (int p = 0; p < 20; p++)
		cs_duty_account(&d, 100 * MS);
	assert_int_equal(d.carry_ns, -100 * (__s64)MS);
	assert_int_equal(cs_duty_budget(&d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_carry_keeps_average),
		cmocka_unit_test(test_carry_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
