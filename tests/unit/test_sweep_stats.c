// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The sweep's design (level orders, reference windows, length) and its
 * statistics (interpolation, intervals, noise, knee, efficiency, Holm)
 * on inputs whose answers are known.
 */
#include "unit.h"

#include <math.h>

#include "sweep/sweep.h"
#include "sweep/stats.h"

static void test_orders(void **state)
{
	uint32_t a[10], b[10], seen[10] = { 0 }, i;

	(void)state;
	cs_design_order(10, 0, 42, a);
	for (i = 0; i < 10; i++)
		assert_int_equal(a[i], i);
	cs_design_order(10, 1, 42, a);
	for (i = 0; i < 10; i++)
		assert_int_equal(a[i], 9 - i);
	cs_design_order(10, 2, 42, a);
	cs_design_order(10, 2, 42, b);
	assert_memory_equal(a, b, sizeof(a));	/* seeded */
	for (i = 0; i < 10; i++)
		seen[a[i]]++;
	for (i = 0; i < 10; i++)
		assert_int_equal(seen[i], 1);	/* a permutation */
	cs_design_order(10, 2, 43, b);
	assert_memory_not_equal(a, b, sizeof(a));
	cs_design_order(10, 3, 42, b);
	assert_memory_not_equal(a, b, sizeof(a));
}

/* The windows in words agree with their counts, "1 level", not "1 levels". */
static void test_design_text(void **state)
{
	char buf[CS_DESIGN_TEXT_MAX];

	(void)state;
	assert_string_equal(cs_design_text(buf, sizeof(buf), 10, 3),
			    "10 levels x 3 runs + 10 reference windows");
	assert_string_equal(cs_design_text(buf, sizeof(buf), 1, 1),
			    "1 level x 1 run + 2 reference windows");
	assert_string_equal(cs_design_text(buf, sizeof(buf), 0, 0),
			    "0 levels x 0 runs + 0 reference windows");
	/* The largest plan fits. */
	cs_design_text(buf, sizeof(buf), UINT32_MAX, UINT32_MAX);
	assert_true(strlen(buf) < sizeof(buf) - 1);
}

static void test_slots(void **state)
{
	struct cs_slot sl[64];
	uint32_t n, i, refs = 0, lvl = 0, since = 0;

	(void)state;
	/* 10 levels: a start reference, then after 4, 8 and 10 per run. */
	assert_int_equal(cs_design_nrefs(10, 3), 10);
	assert_int_equal(cs_design_nslots(10, 3), 40);
	assert_int_equal(cs_design_nrefs(8, 1), 3);
	assert_int_equal(cs_design_nrefs(0, 3), 0);
	n = cs_design_slots(10, 3, 1, sl);
	assert_int_equal(n, 40);
	assert_int_equal(sl[0].kind, CS_SLOT_REF);
	assert_int_equal(sl[n - 1].kind, CS_SLOT_REF);
	for (i = 0; i < n; i++) {
		if (sl[i].kind == CS_SLOT_REF) {
			assert_int_equal(sl[i].ref, refs++);
			since = 0;
			continue;
		}
		lvl++;
		assert_true(++since <= CS_SWEEP_REF_EVERY);
	}
	assert_int_equal(lvl, 30);
	/* Default busy sweep: 40 x 2.5 s = 100 s; one window each was 70 s. */
	assert_int_equal(cs_design_ms(10, CS_SWEEP_RUNS_DEF,
				      CS_SWEEP_SETTLE_MS_DEF,
				      CS_SWEEP_WINDOW_MS_DEF), 100000);
}

static void test_splitmix(void **state)
{
	uint64_t st = 1234567;

	(void)state;
	/* Reference value of splitmix64 seeded 1234567 (Vigna's C code). */
	assert_true(cs_splitmix64(&st) == 6457827717110365317ULL);
	assert_true(cs_rand01(&st) < 1);
}

static void test_ref_at(void **state)
{
	const double t[] = { 0, 10, 20 }, v[] = { 100, 200, 100 };

	(void)state;
	assert_true(fabs(cs_ref_at(t, v, 3, -5) - 100) < 1e-9);
	assert_true(fabs(cs_ref_at(t, v, 3, 5) - 150) < 1e-9);
	assert_true(fabs(cs_ref_at(t, v, 3, 15) - 150) < 1e-9);
	assert_true(fabs(cs_ref_at(t, v, 3, 25) - 100) < 1e-9);
	assert_true(isnan(cs_ref_at(t, v, 0, 5)));
	assert_true(fabs(cs_geomean(v, 3) - cbrt(2e6)) < 1e-6);
	assert_true(isnan(cs_geomean(v, 0)));
}

static void test_t975(void **state)
{
	(void)state;
	assert_true(fabs(cs_t975(2) - 4.303) < 1e-9);
	assert_true(fabs(cs_t975(60) - 2.000) < 0.001);
	assert_true(fabs(cs_t975(1e6) - 1.960) < 0.001);
	assert_true(isnan(cs_t975(0)));
}

/*
 * A host that speeds up 2x linearly; each level measured exactly: the
 * corrected values are the truth at the references' mean speed.
 */
static void test_correction_exact(void **state)
{
	double sub[2 * 2 * 2], t[4], rt[3] = { 0, 10, 20 }, rv[3];
	struct cs_level_ci c[2];
	struct cs_stats_in in = {
		.nlevels = 2, .runs = 2, .nsub = 2, .sub = sub, .t = t,
		.nrefs = 3, .ref_t = rt, .ref_v = rv,
	};
	const double truth[2] = { 50, 100 };
	uint32_t i, k;

	(void)state;
	for (i = 0; i < 3; i++)
		rv[i] = 100 * (1 + rt[i] / 20);
	t[0] = 2; t[1] = 18; t[2] = 7; t[3] = 13;	/* li * runs + run */
	for (i = 0; i < 4; i++)
		for (k = 0; k < 2; k++)
			sub[i * 2 + k] = truth[i / 2] * (1 + t[i] / 20);
	assert_int_equal(cs_stats_levels(&in, 1, c), 0);
	for (i = 0; i < 2; i++) {
		double s = cbrt(1.0 * 1.5 * 2.0);

		assert_int_equal(c[i].n, 2);
		assert_true(fabs(c[i].corrected - truth[i] * s) < 1e-6);
		/* No residual left: the interval is a point. */
		assert_true(fabs(c[i].lo - c[i].corrected) < 1e-6);
		assert_true(fabs(c[i].hi - c[i].corrected) < 1e-6);
	}
	assert_true(fabs(c[0].raw - 50 * (1.1 + 1.9) / 2) < 1e-6);
}

/* Noisy runs: the interval holds the median and widens with the noise. */
static void test_interval(void **state)
{
	double sub[3 * 3], t[3] = { 1, 2, 3 };
	double w[2];
	struct cs_level_ci c[3], c2[3];
	struct cs_stats_in in = {
		.nlevels = 3, .runs = 3, .nsub = 1, .sub = sub, .t = t,
	};
	uint32_t i, pass;
	const double f[3] = { 0.95, 1.0, 1.05 };

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 9; i++)
			sub[i] = 100 * (i / 3 + 1) *
				 pow(f[i % 3], pass + 1);
		assert_int_equal(cs_stats_levels(&in, 9, c), 0);
		assert_int_equal(cs_stats_levels(&in, 9, c2), 0);
		for (i = 0; i < 3; i++) {
			assert_true(c[i].lo == c2[i].lo);	/* seeded */
			assert_true(c[i].hi == c2[i].hi);
			assert_true(c[i].lo < c[i].corrected);
			assert_true(c[i].corrected < c[i].hi);
			assert_true(fabs(c[i].raw - 100 * (i + 1)) < 1e-9);
		}
		w[pass] = c[0].hi / c[0].lo;
	}
	assert_true(w[1] > w[0]);
	/* A missing window: that level has 2 runs, still an interval. */
	sub[0] = NAN;
	assert_int_equal(cs_stats_levels(&in, 9, c), 0);
	assert_int_equal(c[0].n, 2);
	assert_true(c[0].lo < c[0].hi);
}

/* One run: the interval comes from the sub-windows. */
static void test_interval_one_run(void **state)
{
	double sub[2 * 2] = { 98, 102, 196, 204 }, t[2] = { 1, 2 };
	struct cs_level_ci c[2];
	struct cs_stats_in in = {
		.nlevels = 2, .runs = 1, .nsub = 2, .sub = sub, .t = t,
	};

	(void)state;
	assert_int_equal(cs_stats_levels(&in, 1, c), 0);
	assert_true(fabs(c[0].corrected - 100) < 1e-9);
	assert_true(c[0].lo < 100 && c[0].hi > 100);
	/* Nothing at all: no interval. */
	sub[0] = sub[1] = sub[2] = sub[3] = NAN;
	assert_int_equal(cs_stats_levels(&in, 1, c), 0);
	assert_int_equal(c[0].n, 0);
	assert_true(isnan(c[0].lo));
}

static void test_noise(void **state)
{
	const double quiet[] = { 100, 101, 99, 100 };
	const double drift[] = { 100, 115, 115, 115, 115, 115, 115, 130 };
	const double cv[] = { 80, 120, 80, 120 };
	struct cs_noise n;

	(void)state;
	cs_noise_of(quiet, 4, &n);
	assert_int_equal(n.n, 4);
	assert_false(n.noisy);
	assert_true(fabs(n.drift - 101.0 / 99) < 1e-9);
	cs_noise_of(drift, 8, &n);
	assert_true(n.noisy);			/* drift 1.3 */
	assert_true(n.cv < CS_NOISY_CV);
	cs_noise_of(cv, 4, &n);
	assert_true(n.noisy);			/* CV 23 % */
	assert_true(fabs(n.cv - sqrt(1600 / 3.0) / 100) < 1e-9);
	cs_noise_of(cv, 1, &n);
	assert_false(n.noisy);
	assert_true(isnan(n.cv));
}

static struct cs_level_ci lc(double v, double rel)
{
	return (struct cs_level_ci){
		.n = 3, .raw = v, .corrected = v, .lo = v / (1 + rel),
		.hi = v * (1 + rel),
	};
}

static void test_knee(void **state)
{
	const uint32_t lv[] = { 1, 2, 4, 8 };
	struct cs_level_ci c[4];
	struct cs_knee_ci k;

	(void)state;
	/* Flat from 4 to 8, tight intervals: a plateau at 4. */
	c[0] = lc(100, 0.01); c[1] = lc(200, 0.01);
	c[2] = lc(400, 0.01); c[3] = lc(402, 0.01);
	cs_knee_noise(lv, c, NULL, 4, 3, &k);
	assert_true(k.found);
	assert_true(k.plateau);
	assert_int_equal(k.li, 2);
	assert_int_equal(k.next, 3);
	assert_true(k.gain_lo < k.gain && k.gain < k.gain_hi);
	assert_true(k.gain_hi < CS_KNEE_GAIN_MIN);
	/* The same curve with 10 % intervals: not beyond the noise. */
	c[2] = lc(400, 0.10); c[3] = lc(402, 0.10);
	cs_knee_noise(lv, c, NULL, 4, 3, &k);
	assert_false(k.found);
	assert_int_equal(k.li, 3);
	/* A level without runs is skipped. */
	c[2] = lc(400, 0.01); c[3] = lc(402, 0.01);
	c[1].n = 0;
	cs_knee_noise(lv, c, NULL, 4, 3, &k);
	assert_true(k.found);
	assert_int_equal(k.li, 2);
}

static void test_knee_tail(void **state)
{
	const uint32_t lv[] = { 1, 2 };
	struct cs_level_ci c[2] = { lc(100, 0.05), lc(200, 0.05) };
	uint64_t p99[2 * 2] = { 1000, 1000, 2000, 2000 };
	struct cs_knee_ci k;

	(void)state;
	cs_knee_noise(lv, c, p99, 2, 2, &k);
	assert_true(k.found && k.tail && !k.plateau);
	assert_true(fabs(k.p99_min - 2) < 1e-9);
	p99[3] = 1400;				/* one run 1.4x */
	cs_knee_noise(lv, c, p99, 2, 2, &k);
	assert_false(k.found);
	/* One run only: never a tail knee. */
	cs_knee_noise(lv, c, p99, 2, 1, &k);
	assert_false(k.found);
}

static void test_efficiency(void **state)
{
	struct cs_level_ci c1 = lc(100, 0.02), c2 = lc(238, 0.02);
	struct cs_level_ci c3 = lc(238, 0.20);
	double e, lo, hi;

	(void)state;
	/* 1.19 with a tight interval: drift, not super-linear scaling. */
	assert_true(cs_efficiency_ci(2, &c2, 1, &c1, &e, &lo, &hi));
	assert_true(fabs(e - 1.19) < 1e-9);
	assert_true(lo > 1 && lo < e && e < hi);
	/* The same with a wide interval: within the noise. */
	assert_false(cs_efficiency_ci(2, &c3, 1, &c1, &e, &lo, &hi));
	assert_true(lo < 1);
	assert_false(cs_efficiency_ci(1, &c1, 1, &c1, &e, &lo, &hi));
	assert_true(e == 1 && lo == 1 && hi == 1);
	c3.n = 0;
	assert_false(cs_efficiency_ci(2, &c3, 1, &c1, &e, &lo, &hi));
	assert_true(isnan(e));
}

static void test_compare_holm(void **state)
{
	double p[4];
	bool sig[4];

	(void)state;
	/* Equal values: p 1; 20 % apart with 2 % intervals: tiny p. */
	assert_true(fabs(cs_ratio_p(100, 98, 102, 100, 98, 102) - 1) < 1e-9);
	assert_true(cs_ratio_p(120, 118, 122, 100, 98, 102) < 1e-6);
	/* 3 % apart with 5 % intervals: not significant. */
	assert_true(cs_ratio_p(103, 98, 108, 100, 95, 105) > 0.05);
	assert_true(cs_ratio_p(NAN, 1, 2, 1, 1, 2) == 1);
	/* Holm over 4: 0.01 <= 0.05/4? yes; 0.02 <= 0.05/3? no: stop. */
	p[0] = 0.02; p[1] = 0.01; p[2] = 0.04; p[3] = 0.5;
	cs_holm(p, 4, 0.05, sig);
	assert_true(sig[1]);
	assert_false(sig[0] || sig[2] || sig[3]);
	p[0] = 0.012;
	cs_holm(p, 4, 0.05, sig);
	assert_true(sig[0] && sig[1]);
	assert_false(sig[2] || sig[3]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orders),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_design_text),
		cmocka_unit_test(test_splitmix),
		cmocka_unit_test(test_ref_at),
		cmocka_unit_test(test_t975),
		cmocka_unit_test(test_correction_exact),
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_interval_one_run),
		cmocka_unit_test(test_noise),
		cmocka_unit_test(test_knee),
		cmocka_unit_test(test_knee_tail),
		cmocka_unit_test(test_efficiency),
		cmocka_unit_test(test_compare_holm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
