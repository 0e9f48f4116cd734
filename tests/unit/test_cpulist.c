// SPDX-License-Identifier: GPL-2.0 OR MIT
/* CPU lists: strict parsing, and formatting back to the shortest list. */
#include "unit.h"

#include <errno.h>
#include <stdio.h>

#include "util/cpulist.h"

#define NBITS	CS_CPUS_MAX

static void check_parse(const char *s, int want, const char *canon)
{
	uint64_t mask[CS_MASK_WORDS(NBITS)];
	char err[256] = "", out[256];
	int ret;

	ret = cs_cpulist_parse(s, mask, NBITS, err, sizeof(err));
	if (ret != want)
		fail_msg("\"%s\": got %d, want %d (%s)", s, ret, want, err);
	if (ret) {
		/* Every refusal says why. */
		assert_true(strlen(err) > 10);
		return;
	}
	assert_true(cs_cpulist_format(mask, NBITS, out, sizeof(out)) >= 0);
	if (strcmp(out, canon))
		fail_msg("\"%s\": formatted \"%s\", want \"%s\"", s, out, canon);
}

static void test_parse_good(void **state)
{
	(void)state;
	check_parse("0", 0, "0");
	check_parse("0-3,5", 0, "0-3,5");
	check_parse("5,0-3", 0, "0-3,5");
	check_parse("1,2,3,7", 0, "1-3,7");
	check_parse("3-3", 0, "3");
	check_parse("0-1\n", 0, "0-1");		/* as read from a file */
	check_parse("007", 0, "7");
	check_parse("0-2,1-4", 0, "0-4");
	check_parse("63-64,127,128", 0, "63-64,127-128");
	check_parse("4095", 0, "4095");
}

static void test_parse_bad(void **state)
{
	static const char *const inval[] = {
		"", "\n", ",", "0,", ",0", "1,,2", "3-1", "0-", "-1", "+1",
		" 1", "1 ", "1\n\n", "a", "0-3x", "0x1", "1-2-3", "all",
		"0;1", "1.5", "0-3,", "1\n2",
	};
	static const char *const range[] = {
		"4096", "0-4096", "99999999999999999999", "1,4097",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(inval) / sizeof(inval[0]); i++)
		check_parse(inval[i], -EINVAL, NULL);
	for (i = 0; i < sizeof(range) / sizeof(range[0]); i++)
		check_parse(range[i], -ERANGE, NULL);
	assert_true(cs_cpulist_valid("0-3,5"));
	assert_false(cs_cpulist_valid("3-0"));
}

/* A CPU number at or past nbits is out of range, whatever nbits is. */
static void test_parse_nbits(void **state)
{
	uint64_t mask[1];

	(void)state;
	assert_int_equal(cs_cpulist_parse("0-1", mask, 2, NULL, 0), 0);
	assert_int_equal(mask[0], 3);
	assert_int_equal(cs_cpulist_parse("2", mask, 2, NULL, 0), -ERANGE);
	assert_int_equal(cs_cpulist_parse("0-63", mask, 64, NULL, 0), 0);
	assert_int_equal(mask[0], ~0ULL);
	assert_int_equal(cs_mask_weight(mask, 64), 64);
}

static void test_format(void **state)
{
	uint64_t mask[CS_MASK_WORDS(NBITS)] = { 0 };
	char buf[8];

	(void)state;
	assert_int_equal(cs_cpulist_format(mask, NBITS, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	cs_mask_set(mask, 0);
	cs_mask_set(mask, 2);
	cs_mask_set(mask, 3);
	assert_int_equal(cs_cpulist_format(mask, NBITS, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "0,2-3");
	cs_mask_set(mask, 1000);
	/* "0,2-3,1000" needs 11 bytes: refused whole, never cut short. */
	assert_int_equal(cs_cpulist_format(mask, NBITS, buf, sizeof(buf)),
			 -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(cs_mask_weight(mask, NBITS), 4);
}

/* Every mask of 12 CPUs survives format then parse. */
static void test_round_trip(void **state)
{
	uint64_t in[1], out[1];
	char buf[64];

	(void)state;
	for (in[0] = 0; in[0] < 4096; in[0]++) {
		int n = cs_cpulist_format(in, 12, buf, sizeof(buf));

		assert_true(n >= 0);
		if (!in[0])
			continue;	/* "" is no list */
		assert_int_equal(cs_cpulist_parse(buf, out, 12, NULL, 0), 0);
		assert_int_equal(in[0], out[0]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_nbits),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
