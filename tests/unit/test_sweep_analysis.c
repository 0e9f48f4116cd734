// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Sweep arithmetic: the knee rule on synthetic curves, percentiles of the
 * merged histograms against exact values, one measurement from a window
 * snapshot, and the per-level summary (median, spread, efficiency).
 */
#include "unit.h"

#include <errno.h>
#include <math.h>

#include "util/cpulist.h"
#include "engine/engine.h"
#include "sweep/sweep.h"

#define MS 1000000ULL

static void knee(const uint32_t *lv, const double *ups, const uint64_t *p99,
		 size_t n, struct cs_knee *k)
{
	cs_knee_find(lv, ups, p99, n, k);
}

/* Linear scaling: no knee; the answer is the top level, as a lower bound. */
static void test_knee_linear(void **state)
{
	const uint32_t lv[] = { 1, 2, 4, 8, 16 };
	const double ups[] = { 640, 1280, 2560, 5120, 10240 };
	const uint64_t p99[] = { 2 * MS, 2 * MS, 2 * MS, 2 * MS, 2 * MS };
	struct cs_knee k;

	(void)state;
	knee(lv, ups, p99, 5, &k);
	assert_false(k.found);
	assert_int_equal(k.reason, CS_KNEE_NONE);
	assert_int_equal(k.level, 16);
	assert_int_equal(k.recommend_min, 8);
	assert_int_equal(k.recommend_max, 12);
	assert_true(isnan(k.gain));
}

/* 4 -> 8 CPUs adds 2 % of the linear gain: the knee is 4 (lower level). */
static void test_knee_plateau(void **state)
{
	const uint32_t lv[] = { 1, 2, 4, 8 };
	const double ups[] = { 640, 1270, 2500, 2550 };
	const uint64_t p99[] = { 2 * MS, 2 * MS, 2 * MS, 2 * MS };
	struct cs_knee k;

	(void)state;
	knee(lv, ups, p99, 4, &k);
	assert_true(k.found);
	assert_int_equal(k.reason, CS_KNEE_PLATEAU);
	assert_int_equal(k.level, 4);
	assert_int_equal(k.next_level, 8);
	assert_true(fabs(k.gain - 0.02) < 1e-9);
	assert_true(fabs(k.p99_ratio - 1.0) < 1e-9);
	assert_int_equal(k.recommend_min, 2);
	assert_int_equal(k.recommend_max, 3);
}

/* Throughput still grows, but p99 jumps 1.6x from 2 to 4: knee at 2. */
static void test_knee_tail(void **state)
{
	const uint32_t lv[] = { 1, 2, 4, 8 };
	const double ups[] = { 640, 1280, 2400, 4000 };
	const uint64_t p99[] = { 2 * MS, 2 * MS, 32 * MS / 10, 4 * MS };
	struct cs_knee k;

	(void)state;
	knee(lv, ups, p99, 4, &k);
	assert_true(k.found);
	assert_int_equal(k.reason, CS_KNEE_TAIL);
	assert_int_equal(k.level, 2);
	assert_int_equal(k.next_level, 4);
	assert_true(fabs(k.p99_ratio - 1.6) < 1e-9);
	assert_int_equal(k.recommend_min, 1);
	assert_int_equal(k.recommend_max, 1);
}

/* A flat step with a p99 jump is both. 1.5x exactly is not a jump. */
static void test_knee_both_and_edge(void **state)
{
	const uint32_t lv[] = { 2, 3, 4 };
	const double ups[] = { 1000, 1490, 1500 };
	const uint64_t p99[] = { 2 * MS, 3 * MS, 5 * MS };
	struct cs_knee k;

	(void)state;
	knee(lv, ups, p99, 3, &k);
	/* 2 -> 3: gain 490 of a linear 500 (0.98), p99 exactly 1.5x: fine. */
	assert_true(k.found);
	assert_int_equal(k.level, 3);
	assert_int_equal(k.reason, CS_KNEE_BOTH);
}

/*
 * Noise of a few percent on a linear curve finds no knee; the same noise
 * on a curve that flattens after 8 finds 8.
 */
static void test_knee_noisy(void **state)
{
	const uint32_t lv[] = { 1, 2, 4, 8, 16, 32 };
	const double noise[] = { 1.03, 0.97, 1.02, 0.98, 1.01, 0.97 };
	const uint64_t p99[] = { 2 * MS, 21 * MS / 10, 19 * MS / 10,
				 22 * MS / 10, 2 * MS, 21 * MS / 10 };
	double lin[6], flat[6];
	struct cs_knee k;
	unsigned int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		lin[i] = 600.0 * lv[i] * noise[i];
		flat[i] = 600.0 * (lv[i] < 8 ? lv[i] : 8) * noise[i];
	}
	knee(lv, lin, p99, 6, &k);
	assert_false(k.found);
	assert_int_equal(k.level, 32);
	knee(lv, flat, p99, 6, &k);
	assert_true(k.found);
	assert_int_equal(k.reason, CS_KNEE_PLATEAU);
	assert_int_equal(k.level, 8);
	assert_int_equal(k.recommend_min, 4);
	assert_int_equal(k.recommend_max, 6);
}

/* Fine steps (63 -> 64 CPUs) are judged against their own linear gain. */
static void test_knee_fine_steps(void **state)
{
	const uint32_t lv[] = { 62, 63, 64 };
	const double ups[] = { 620 * 62, 620 * 63, 620 * 64 };
	const uint64_t p99[] = { 0, 0, 0 };	/* unknown: tail test off */
	struct cs_knee k;

	(void)state;
	knee(lv, ups, p99, 3, &k);
	assert_false(k.found);
}

static void test_knee_single_and_empty(void **state)
{
	const uint32_t lv[] = { 4 };
	const double ups[] = { 2500 };
	const uint64_t p99[] = { 2 * MS };
	struct cs_knee k;

	(void)state;
	knee(lv, ups, p99, 1, &k);
	assert_false(k.found);
	assert_int_equal(k.level, 4);
	assert_int_equal(k.recommend_min, 2);
	assert_int_equal(k.recommend_max, 3);
	knee(lv, ups, p99, 0, &k);
	assert_false(k.found);
	assert_int_equal(k.level, 0);
	assert_int_equal(k.recommend_min, 0);
	assert_int_equal(k.recommend_max, 0);
}

static void test_median(void **state)
{
	double a[] = { 5, 1, 3 }, b[] = { 4, 1, 3, 2 }, c[] = { 7 };

	(void)state;
	assert_true(cs_median(a, 3) == 3);
	assert_true(cs_median(b, 4) == 2.5);
	assert_true(cs_median(c, 1) == 7);
	assert_true(isnan(cs_median(c, 0)));
}

/* A snapshot of @n CPUs over a @win_ns window. */
static struct cs_cpu_snap cpus[4];

static void snap_init(struct cs_snapshot *snap, uint32_t n, uint64_t win_ns)
{
	memset(cpus, 0, sizeof(cpus));
	memset(snap, 0, sizeof(*snap));
	snap->window_start_ns = 1000 * MS;
	snap->ts_ns = snap->window_start_ns + win_ns;
	snap->ncpus = n;
	snap->cap = n;
	snap->cpu = cpus;
	for (uint32_t i = 0; i < n; i++)
		cpus[i].cpu = i;
}

/*
 * Two loaded CPUs, one not: units, rates, means and percentiles against
 * values worked out by hand. 100 units of 1 ms on cpu0 and 100 of 3 ms
 * on cpu1: p50 is in 1 ms's bucket, p90 and p99 in 3 ms's; the max is
 * the exact largest unit when it falls in the top bucket.
 */
static void test_measure(void **state)
{
	uint64_t mask[CS_MASK_WORDS(CS_CPUS_MAX)] = { 0 };
	const uint64_t epu = 65536;
	struct cs_snapshot snap;
	struct cs_sweep_meas *m = calloc(1, sizeof(*m));

	(void)state;
	assert_non_null(m);
	snap_init(&snap, 3, 2000 * MS);
	cs_mask_set(mask, 0);
	cs_mask_set(mask, 1);
	cpus[0].stats.elements = 300 * epu;
	cpus[0].stats.busy_ns = 2000 * MS;
	cpus[0].stats.steal_ns = 200 * MS;
	cpus[0].stats.hist[cs_hist_bucket(1 * MS)] = 100;
	cpus[0].stats.unit_max_ns = 1 * MS;
	cpus[0].stats.irqs = 500;
	cpus[1].stats.elements = 100 * epu + epu / 2;
	cpus[1].stats.busy_ns = 1000 * MS;
	cpus[1].stats.wait_ns = 1000 * MS;
	cpus[1].stats.hist[cs_hist_bucket(3 * MS)] = 100;
	cpus[1].stats.unit_max_ns = 3 * MS + 17;
	cpus[1].stats.irqs = 300;
	cpus[2].stats.elements = 999 * epu;	/* not loaded: ignored */
	cpus[2].stats.hist[cs_hist_bucket(50 * MS)] = 5;

	assert_int_equal(cs_sweep_measure(m, &snap, mask, epu), 0);
	assert_int_equal(m->ncpus, 2);
	assert_true(fabs(m->duration_s - 2.0) < 1e-12);
	assert_true(fabs(m->units - 400.5) < 1e-9);
	assert_true(fabs(m->units_per_sec - 200.25) < 1e-9);
	assert_true(fabs(m->units_per_sec_per_cpu - 100.125) < 1e-9);
	assert_true(fabs(m->busy_pct - 75.0) < 1e-9);
	assert_true(fabs(m->steal_pct - 5.0) < 1e-9);
	assert_true(fabs(m->wait_pct - 25.0) < 1e-9);
	assert_true(fabs(m->irqs_per_sec - 400.0) < 1e-9);
	assert_int_equal(m->p50_ns, cs_hist_upper(cs_hist_bucket(1 * MS)));
	assert_int_equal(m->p90_ns, 3 * MS + 17);
	assert_int_equal(m->p99_ns, 3 * MS + 17);
	assert_int_equal(m->max_ns, 3 * MS + 17);
	/* The percentile is a bucket bound within 1/8 above the value. */
	assert_true(m->p50_ns >= 1 * MS && m->p50_ns <= 1 * MS * 9 / 8);
	assert_int_equal(m->hist[cs_hist_bucket(1 * MS)], 100);
	assert_int_equal(m->hist[cs_hist_bucket(50 * MS)], 0);

	/*
	 * A CPU's counter a little longer than the window (a slice across
	 * its edge: 100.17 % raw) is a share of 100 %, on each CPU: one at
	 * 100.17 % does not lift another's 99 % share.
	 */
	cpus[0].stats.busy_ns = 2000 * MS + 3400 * 1000;
	cpus[0].stats.steal_ns = 2001 * MS;
	cpus[1].stats.busy_ns = 2000 * MS;
	cpus[1].stats.wait_ns = 2002 * MS;
	assert_int_equal(cs_sweep_measure(m, &snap, mask, epu), 0);
	assert_true(m->busy_pct == 100.0);
	assert_true(m->steal_pct == 50.0);
	assert_true(m->wait_pct == 50.0);
	cpus[1].stats.busy_ns = 1980 * MS;
	assert_int_equal(cs_sweep_measure(m, &snap, mask, epu), 0);
	assert_true(fabs(m->busy_pct - 99.5) < 1e-9);

	/* An empty window, or no loaded CPU, is no measurement. */
	memset(mask, 0, sizeof(mask));
	cs_mask_set(mask, 3);
	assert_int_equal(cs_sweep_measure(m, &snap, mask, epu), -ENODATA);
	snap.ts_ns = snap.window_start_ns;
	cs_mask_set(mask, 0);
	assert_int_equal(cs_sweep_measure(m, &snap, mask, epu), -ENODATA);
	free(m);
}

/* Exact percentiles of a histogram with one sample per millisecond. */
static void test_percentiles_exact(void **state)
{
	uint64_t mask[CS_MASK_WORDS(CS_CPUS_MAX)] = { 0 };
	struct cs_snapshot snap;
	struct cs_sweep_meas *m = calloc(1, sizeof(*m));
	uint64_t v;

	(void)state;
	assert_non_null(m);
	snap_init(&snap, 1, 1000 * MS);
	cs_mask_set(mask, 0);
	cpus[0].stats.elements = 1000;
	/* 1000 units of 1, 2, ..., 1000 ms. */
	for (v = 1; v <= 1000; v++)
		cpus[0].stats.hist[cs_hist_bucket(v * MS)]++;
	cpus[0].stats.unit_max_ns = 1000 * MS;
	assert_int_equal(cs_sweep_measure(m, &snap, mask, 1), 0);
	/* Rank 500 is 500 ms, 900 is 900 ms, 990 is 990 ms: each answer is
	 * the upper bound of that value's bucket. */
	assert_int_equal(m->p50_ns, cs_hist_upper(cs_hist_bucket(500 * MS)));
	assert_int_equal(m->p90_ns, cs_hist_upper(cs_hist_bucket(900 * MS)));
	assert_int_equal(m->p99_ns, 1000 * MS);	/* shares the top bucket */
	assert_int_equal(m->max_ns, 1000 * MS);
	assert_true(m->p50_ns >= 500 * MS && m->p50_ns < 500 * MS * 9 / 8);
	assert_true(m->p90_ns >= 900 * MS && m->p90_ns < 900 * MS * 9 / 8);
	free(m);
}

/* A CPU-count sweep of 1, 2, 4 with 3 runs each, one run failed. */
static void test_summarise(void **state)
{
	static const double ups[3][3] = {
		{ 600, 640, 620 }, { 1250, 1240, 1270 }, { 2400, 0, 2300 },
	};
	struct cs_sweep s;
	uint32_t li, ri;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.plan.kind = CS_SWEEP_CPUS;
	s.plan.nlevels = 3;
	s.plan.levels[0] = 1;
	s.plan.levels[1] = 2;
	s.plan.levels[2] = 4;
	s.plan.runs = 3;
	assert_int_equal(cs_sweep_alloc(&s), 0);
	assert_int_equal(s.nmeas, 9);
	for (li = 0; li < 3; li++) {
		for (ri = 0; ri < 3; ri++) {
			struct cs_sweep_meas *m = cs_sweep_at(&s, li, ri);

			assert_int_equal(m->level, s.plan.levels[li]);
			assert_int_equal(m->run, ri + 1);
			assert_int_equal(m->busy_target, 100);
			assert_int_equal(m->status, CS_MEAS_PENDING);
			if (li == 2 && ri == 1) {
				m->status = CS_MEAS_TIMEOUT;
				continue;
			}
			m->status = CS_MEAS_OK;
			m->ncpus = m->level;
			m->units_per_sec = ups[li][ri];
			m->units_per_sec_per_cpu = ups[li][ri] / m->level;
			m->busy_pct = 99 + ri * 0.25;
			m->p99_ns = 2 * MS;
			m->max_ns = 2 * MS;
			m->hist[cs_hist_bucket(2 * MS - 1000 * li)] = 10;
		}
	}
	cs_sweep_summarise(&s);
	assert_int_equal(s.levels[0].runs, 3);
	assert_int_equal(s.levels[0].runs_ok, 3);
	assert_true(s.levels[0].ups.median == 620);
	assert_true(s.levels[0].ups.min == 600);
	assert_true(s.levels[0].ups.max == 640);
	assert_int_equal(s.levels[0].work_units, 620);
	assert_true(s.levels[0].busy_pct == 99.25);
	assert_int_equal(s.levels[2].runs, 3);
	assert_int_equal(s.levels[2].runs_ok, 2);
	assert_true(s.levels[2].ups.median == 2350);
	assert_int_equal(s.levels[2].work_units, 2350);
	/* Efficiency: 1250 / (2 x 620), 2350 / (4 x 620). */
	assert_true(fabs(s.levels[0].efficiency - 1.0) < 1e-12);
	assert_true(fabs(s.levels[1].efficiency - 1250.0 / 1240) < 1e-12);
	assert_true(fabs(s.levels[2].efficiency - 2350.0 / 2480) < 1e-12);
	/*
	 * Level percentiles come from all runs' histograms together; the
	 * largest run max is exact when it shares the answer's bucket.
	 */
	assert_int_equal(s.levels[0].p50_ns, 2 * MS);
	assert_int_equal(s.levels[1].p50_ns, 2 * MS);
	assert_int_equal(s.levels[1].max_ns, 2 * MS);
	assert_false(s.knee.found);
	assert_int_equal(s.knee.level, 4);

	/* A level without a good run is left out of the knee and scaling. */
	for (ri = 0; ri < 3; ri++)
		cs_sweep_at(&s, 1, ri)->status = CS_MEAS_ERROR;
	cs_sweep_summarise(&s);
	assert_int_equal(s.levels[1].runs_ok, 0);
	assert_true(s.levels[1].efficiency < 0);
	assert_true(fabs(s.levels[2].efficiency - 2350.0 / 2480) < 1e-12);
	cs_sweep_free(&s);
	assert_null(s.meas);
}

/* Busy sweeps have no efficiency; names are what the files say. */
static void test_busy_and_names(void **state)
{
	struct cs_sweep s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.plan.kind = CS_SWEEP_BUSY;
	s.plan.nlevels = 2;
	s.plan.levels[0] = 50;
	s.plan.levels[1] = 100;
	s.plan.runs = 1;
	assert_int_equal(cs_sweep_alloc(&s), 0);
	assert_int_equal(cs_sweep_at(&s, 0, 0)->busy_target, 50);
	cs_sweep_at(&s, 0, 0)->status = CS_MEAS_OK;
	cs_sweep_at(&s, 0, 0)->units_per_sec = 100;
	cs_sweep_at(&s, 1, 0)->status = CS_MEAS_OK;
	cs_sweep_at(&s, 1, 0)->units_per_sec = 200;
	cs_sweep_summarise(&s);
	assert_true(s.levels[0].efficiency < 0);
	assert_true(s.levels[1].efficiency < 0);
	assert_int_equal(s.levels[1].work_units, 200);
	assert_false(s.knee.found);
	assert_int_equal(s.knee.level, 0);
	cs_sweep_free(&s);
	assert_string_equal(cs_sweep_kind_name(CS_SWEEP_CPUS), "cpus");
	assert_string_equal(cs_sweep_status_name(CS_SWEEP_INTERRUPTED),
			    "interrupted");
	assert_string_equal(cs_meas_status_name(CS_MEAS_TIMEOUT), "timeout");
	assert_string_equal(cs_knee_reason_name(CS_KNEE_BOTH), "both");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_knee_linear),
		cmocka_unit_test(test_knee_plateau),
		cmocka_unit_test(test_knee_tail),
		cmocka_unit_test(test_knee_both_and_edge),
		cmocka_unit_test(test_knee_noisy),
		cmocka_unit_test(test_knee_fine_steps),
		cmocka_unit_test(test_knee_single_and_empty),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_measure),
		cmocka_unit_test(test_percentiles_exact),
		cmocka_unit_test(test_summarise),
		cmocka_unit_test(test_busy_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
