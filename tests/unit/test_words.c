// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Counts and ranges in messages: util/words.h. */
#include "unit.h"

#include "util/words.h"

static void test_plural(void **state)
{
	(void)state;
	assert_string_equal(cs_plural(1, "CPU", "CPUs"), "CPU");
	assert_string_equal(cs_plural(0, "CPU", "CPUs"), "CPUs");
	assert_string_equal(cs_plural(2, "CPU", "CPUs"), "CPUs");
	assert_string_equal(cs_plural(1, "is", "are"), "is");
	/* A count wider than 32 bits is not cut to 1. */
	assert_string_equal(cs_plural(0x100000001ULL, "run", "runs"), "runs");
}

static void test_range(void **state)
{
	char buf[CS_RANGE_MAX];

	(void)state;
	assert_string_equal(cs_range(buf, sizeof(buf), 100, 100), "100");
	assert_string_equal(cs_range(buf, sizeof(buf), 20, 100), "20..100");
	assert_string_equal(cs_range(buf, sizeof(buf), 0, 0), "0");
	/* The widest range fits CS_RANGE_MAX. */
	assert_string_equal(cs_range(buf, sizeof(buf), 4294967295U,
				     4294967294U),
			    "4294967295..4294967294");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plural),
		cmocka_unit_test(test_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
