// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The exporter's recent history (GET /v1/history): which polls become
 * points (one per CS_HISTORY_STEP_MS at a 500 ms period), the ring's bound
 * (CS_HISTORY_POINTS, the oldest dropped, oldest first when read), a clock
 * set back, a view with more CPUs than the first, and the JSON parsed back.
 */
#include "unit.h"

#include <jansson.h>

#include "serve/serve.h"

#define POLL_MS		500
#define T0		1712345678000LL
#define NCPUS		2

static struct cs_view_cpu vcpu[NCPUS + 1];

/* A poll's view at @t with CPUs 0..@n-1 at (k+1)*1000 + @ops units/s. */
static void view_at(struct cs_view *v, int64_t t, uint32_t n, uint64_t ops)
{
	uint32_t k;

	memset(v, 0, sizeof(*v));
	memset(vcpu, 0, sizeof(vcpu));
	v->time_ms = t;
	v->up = true;
	v->ncpus = n;
	v->cpu = vcpu;
	v->st.ops_per_sec = ops;
	for (k = 0; k < n; k++) {
		vcpu[k].cpu = k;
		vcpu[k].rate.ops_milli = ((k + 1) * 1000 + ops) * 1000 + 500;
	}
}

static void copy(struct cs_history *h, struct cs_history_point **pt,
		 uint32_t *n)
{
	assert_int_equal(cs_history_copy(h, pt, n), 0);
}

static void test_history_step(void **state)
{
	struct cs_history_point *pt;
	struct cs_history h;
	struct cs_view v;
	uint32_t n, i;
	int kept = 0;

	(void)state;
	cs_history_init(&h);
	copy(&h, &pt, &n);
	assert_int_equal(n, 0);
	free(pt);
	/* Polls every 500 ms, some 20 ms late: every second one is kept. */
	for (i = 0; i < 20; i++) {
		view_at(&v, T0 + i * POLL_MS + (i % 3 ? 20 : 0), NCPUS, i);
		kept += cs_history_add(&h, &v, NCPUS, POLL_MS);
	}
	assert_int_equal(kept, 10);
	copy(&h, &pt, &n);
	assert_int_equal(n, 10);
	for (i = 0; i < n; i++) {
		assert_int_equal(pt[i].ops_per_sec, 2 * i);
		assert_int_equal(pt[i].ncpus, NCPUS);
		assert_int_equal(pt[i].cpu[1].cpu, 1);
		assert_int_equal(pt[i].cpu[1].ops_milli,
				 (2000 + 2 * i) * 1000 + 500);
		if (i)
			assert_true(pt[i].time_ms - pt[i - 1].time_ms >=
				    CS_HISTORY_STEP_MS - POLL_MS / 2);
	}
	free(pt);
	cs_history_destroy(&h);
}

/* More polls than the ring holds: the newest CS_HISTORY_POINTS, in order. */
static void test_history_bound(void **state)
{
	const uint32_t total = CS_HISTORY_POINTS + 57;
	struct cs_history_point *pt;
	struct cs_history h;
	struct cs_view v;
	uint32_t n, i;

	(void)state;
	cs_history_init(&h);
	for (i = 0; i < total; i++) {
		view_at(&v, T0 + (int64_t)i * CS_HISTORY_STEP_MS, NCPUS, i);
		assert_int_equal(cs_history_add(&h, &v, NCPUS, POLL_MS), 1);
	}
	copy(&h, &pt, &n);
	assert_int_equal(n, CS_HISTORY_POINTS);
	assert_int_equal(pt[0].ops_per_sec, total - CS_HISTORY_POINTS);
	assert_int_equal(pt[n - 1].ops_per_sec, total - 1);
	for (i = 1; i < n; i++)
		assert_true(pt[i].time_ms > pt[i - 1].time_ms);
	assert_true(pt[n - 1].time_ms - pt[0].time_ms < CS_HISTORY_WINDOW_MS);
	free(pt);

	/* The wall clock set back: the history starts again. */
	view_at(&v, T0, NCPUS, 7);
	assert_int_equal(cs_history_add(&h, &v, NCPUS, POLL_MS), 1);
	copy(&h, &pt, &n);
	assert_int_equal(n, 1);
	assert_int_equal(pt[0].time_ms, T0);
	free(pt);
	cs_history_destroy(&h);
}

/* A point holds the CPUs of the first one's engine count, no more. */
static void test_history_cpus(void **state)
{
	struct cs_history_point *pt;
	struct cs_history h;
	struct cs_view v;
	uint32_t n;

	(void)state;
	cs_history_init(&h);
	view_at(&v, T0, 1, 1);
	assert_int_equal(cs_history_add(&h, &v, NCPUS, POLL_MS), 1);
	view_at(&v, T0 + CS_HISTORY_STEP_MS, NCPUS + 1, 2);
	assert_int_equal(cs_history_add(&h, &v, NCPUS + 1, POLL_MS), 1);
	copy(&h, &pt, &n);
	assert_int_equal(n, 2);
	assert_int_equal(pt[0].ncpus, 1);
	assert_int_equal(pt[1].ncpus, NCPUS);
	free(pt);
	cs_history_destroy(&h);
}

static void test_history_render(void **state)
{
	struct cs_history_point *pt;
	struct cs_history h;
	struct cs_view v;
	json_t *j, *p, *c;
	json_error_t jerr;
	uint32_t n, i;
	size_t len;
	char *out;

	(void)state;
	cs_history_init(&h);
	copy(&h, &pt, &n);
	assert_int_equal(cs_render_history(pt, n, &out, &len), 0);
	assert_string_equal(out, "{\"windowMs\":300000,\"stepMs\":1000,\"points\":[]}");
	free(out);
	free(pt);
	for (i = 0; i < 3; i++) {
		view_at(&v, T0 + (int64_t)i * CS_HISTORY_STEP_MS, NCPUS, 10 + i);
		cs_history_add(&h, &v, NCPUS, POLL_MS);
	}
	copy(&h, &pt, &n);
	assert_int_equal(cs_render_history(pt, n, &out, &len), 0);
	assert_int_equal(len, strlen(out));
	j = json_loads(out, 0, &jerr);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "windowMs")),
			 CS_HISTORY_WINDOW_MS);
	assert_int_equal(json_integer_value(json_object_get(j, "stepMs")),
			 CS_HISTORY_STEP_MS);
	assert_int_equal(json_array_size(json_object_get(j, "points")), 3);
	p = json_array_get(json_object_get(j, "points"), 2);
	assert_int_equal(json_integer_value(json_object_get(p, "timestampMs")),
			 T0 + 2 * CS_HISTORY_STEP_MS);
	assert_int_equal(json_integer_value(json_object_get(p, "opsPerSec")), 12);
	assert_int_equal(json_array_size(json_object_get(p, "cpus")), NCPUS);
	c = json_array_get(json_object_get(p, "cpus"), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "cpu")), 1);
	/* The same number /v1/stats gives: units/s x 1000, over 1000. */
	assert_true(json_real_value(json_object_get(c, "opsPerSec")) == 2012.5);
	json_decref(j);
	free(out);
	free(pt);
	cs_history_destroy(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_step),
		cmocka_unit_test(test_history_bound),
		cmocka_unit_test(test_history_cpus),
		cmocka_unit_test(test_history_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
