// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cs_sweep_run() on the user engine, stopped in the second half of a
 * measurement window (after its first sub-window's snapshot): the sweep
 * ends interrupted, what it holds is freed (the -san build's leak check
 * fails otherwise), and the engine is left idle.
 */
#define _GNU_SOURCE
#include "unit.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "engine/engine.h"
#include "sweep/sweep.h"

#define WINDOW_MS	2000	/* cut into CS_SWEEP_SUBWIN halves */
#define STOP_AFTER_MS	1500	/* in the second half */

static volatile sig_atomic_t stop_flag;

static void *stopper(void *arg)
{
	(void)arg;
	usleep(STOP_AFTER_MS * 1000);
	stop_flag = 1;
	return NULL;
}

static void test_stop_mid_window(void **state)
{
	struct cs_sweep_hooks h = { .stop = &stop_flag };
	struct cs_engine *e = NULL;
	struct cs_sweep *s;
	struct cs_status st;
	char err[CS_ERR_MAX];
	pthread_t t;

	(void)state;
	if (cs_engine_open_user(&e, err, sizeof(err)))
		fail_msg("open: %s", err);
	s = calloc(1, sizeof(*s));
	assert_non_null(s);
	cs_sweep_plan_busy(&s->plan, WINDOW_MS, 0, CS_SWEEP_PERIOD_DEF);
	s->plan.nlevels = 1;
	s->plan.levels[0] = 10;
	s->plan.runs = 1;
	s->plan.time_limit_ms = 10 * WINDOW_MS;
	snprintf(s->plan.cpus, sizeof(s->plan.cpus), "0");
	if (cs_sweep_prepare(e, s, err, sizeof(err)))
		fail_msg("prepare: %s", err);
	assert_int_equal(pthread_create(&t, NULL, stopper, NULL), 0);
	assert_true(cs_sweep_run(e, s, &h) < 0);
	pthread_join(t, NULL);
	if (s->status != CS_SWEEP_INTERRUPTED)
		fail_msg("status %d: %s", s->status, cs_sweep_error(s));
	assert_int_equal(e->ops->status(e, &st), 0);
	assert_false(st.running);
	cs_sweep_free(s);
	free(s);
	cs_engine_close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_mid_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
