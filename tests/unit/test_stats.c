// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Rates from two counter snapshots. */
#include "unit.h"

#include <cpustress/stats.h>

#define SEC 1000000000ULL

static void test_rates(void **state)
{
	static struct cs_cpu_stats a, b;
	struct cs_cpu_rate r;
	const __u64 epu = 65536;

	(void)state;
	b.elements = 2 * epu + epu / 2;		/* 2.5 units */
	b.busy_ns = SEC / 2;
	b.steal_ns = SEC / 10;
	b.wait_ns = 3 * SEC;			/* clamps at 100 % */
	b.irqs = 250;
	b.hist[cs_hist_bucket(1500000)] = 2;
	b.unit_max_ns = 1500000;
	cs_rate_compute(&a, &b, SEC, epu, &r);
	assert_int_equal(r.ops_milli, 2500);
	assert_int_equal(cs_rate_ops(&r), 3);
	assert_int_equal(r.busy_pm, 500);
	assert_int_equal(r.steal_pm, 100);
	assert_int_equal(r.wait_pm, 1000);
	assert_int_equal(r.irqs_ps, 250);
	assert_int_equal(r.p50_ns, 1500000);
	assert_int_equal(r.max_ns, 1500000);
}

/* A minute of a 64 MiB unit on a fast CPU overflows no intermediate. */
static void test_no_overflow(void **state)
{
	static struct cs_cpu_stats a, b;
	struct cs_cpu_rate r;
	const __u64 epu = 8ULL << 20;

	(void)state;
	a.elements = 1ULL << 60;
	b.elements = a.elements + 1000 * epu;
	cs_rate_compute(&a, &b, 60 * SEC, epu, &r);
	assert_int_equal(r.ops_milli, 1000 * 1000 / 60);
}

/* Chunked progress: a unit ends on a chunk end and lands in the histogram. */
static void test_unit_account(void **state)
{
	static struct cs_cpu_stats s;
	struct cs_unit_progress p = { .nelems = 10000 };
	__u64 chunks = 0;

	(void)state;
	while (s.units < 3) {
		__u64 n = cs_unit_chunk(&p, 4096);

		assert_true(n == 4096 || n == 10000 - 2 * 4096);
		cs_unit_account(&s, &p, n, 1000);
		chunks++;
	}
	assert_int_equal(chunks, 9);
	assert_int_equal(s.elements, 30000);
	assert_int_equal(s.busy_ns, 9000);
	assert_int_equal(s.hist[cs_hist_bucket(3000)], 3);
	assert_int_equal(s.unit_max_ns, 3000);
	assert_int_equal(p.pos, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_no_overflow),
		cmocka_unit_test(test_unit_account),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
