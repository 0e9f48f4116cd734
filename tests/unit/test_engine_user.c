// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The user-space engine, run for real on this machine's CPUs: pinned
 * threads, consistent counters, windows, the duty cycle as the kernel
 * accounts the threads' time, settings checks, the time limit, samples.
 *
 * CPUSTRESS_TEST_CPUS=LIST restricts the load to LIST (default: all).
 */
#define _GNU_SOURCE
#include "unit.h"

#include <errno.h>
#include <stdio.h>

#include "util/cpulist.h"
#include "engine/engine.h"
#include "task.h"

#define MS		1000000ULL
#define WORKER_PREFIX	"cpustress/"

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int workers_find(struct task *w)
{
	return tasks_find(WORKER_PREFIX, w, MAX_TASKS);
}

static const char *test_cpus(void)
{
	const char *s = getenv("CPUSTRESS_TEST_CPUS");

	return s && *s ? s : NULL;
}

static struct cs_engine *engine_open(void)
{
	struct cs_engine *e = NULL;
	char err[CS_ERR_MAX];

	if (cs_engine_open_user(&e, err, sizeof(err)))
		fail_msg("open: %s", err);
	return e;
}

/* Each test gets its own engine; a failed test leaves no thread behind. */
static int engine_setup(void **state)
{
	*state = engine_open();
	return 0;
}

static int engine_teardown(void **state)
{
	cs_engine_close(*state);
	return 0;
}

static void engine_start(struct cs_engine *e, uint32_t busy, uint32_t interval,
			 uint32_t limit)
{
	struct cs_settings s;
	int ret;

	cs_settings_init(&s);
	s.busy_pct = busy;
	s.interval_ms = interval;
	s.time_limit_ms = limit;
	s.cpus = test_cpus();
	ret = e->ops->start(e, &s);
	if (ret)
		fail_msg("start: %d %s", ret, e->err);
}

static struct cs_status engine_status(struct cs_engine *e)
{
	struct cs_status st;

	assert_int_equal(e->ops->status(e, &st), 0);
	return st;
}

/* The CPUs the tests load, as a canonical list, and how many. */
static unsigned int expected_cpus(struct cs_engine *e, char *buf, size_t len)
{
	uint64_t mask[CS_MASK_WORDS(CS_CPUS_MAX)];
	struct cs_status st = engine_status(e);
	const char *list = test_cpus() ? test_cpus() : st.online;

	assert_int_equal(cs_cpulist_parse(list, mask, CS_CPUS_MAX, NULL, 0), 0);
	assert_true(cs_cpulist_format(mask, CS_CPUS_MAX, buf, len) > 0);
	return cs_mask_weight(mask, CS_CPUS_MAX);
}

/* Wait up to 2 s for @n workers to show. */
static int workers_wait(struct task *w, int n)
{
	int found = 0;

	for (int i = 0; i < 200 && found != n; i++) {
		found = workers_find(w);
		if (found != n)
			sleep_ms(10);
	}
	return found;
}

static uint64_t hist_count(const struct cs_cpu_stats *s)
{
	uint64_t n = 0;

	for (unsigned int b = 0; b < CS_HIST_BUCKETS; b++)
		n += s->hist[b];
	return n;
}

static void test_start_stop_pinned(void **state)
{
	struct task w[MAX_TASKS], tmp[1];
	char want[CS_CPULIST_MAX], allowed[64];
	struct cs_settings s;
	struct cs_engine *e = *state;
	struct cs_status st;
	unsigned int n;

	/* Opening starts no thread. */
	assert_int_equal(tasks_find("cpustress", tmp, 1), 0);
	n = expected_cpus(e, want, sizeof(want));
	engine_start(e, 100, 1000, 0);
	assert_int_equal(workers_wait(w, (int)n), (int)n);
	for (unsigned int i = 0; i < n; i++) {
		char cpu[16];

		snprintf(cpu, sizeof(cpu), "%u", w[i].cpu);
		task_status(w[i].tid, "Cpus_allowed_list:", allowed,
			    sizeof(allowed));
		assert_string_equal(allowed, cpu);
	}
	st = engine_status(e);
	assert_true(st.running);
	assert_string_equal(st.loaded, want);
	assert_string_equal(st.cpus, test_cpus() ? want : "all");
	assert_int_equal(st.run_id, 1);
	assert_int_equal(st.owner_portid, 0);
	cs_settings_init(&s);
	assert_int_equal(e->ops->start(e, &s), -EALREADY);
	assert_int_equal(e->ops->stop(e), 0);
	assert_int_equal(workers_find(w), 0);
	st = engine_status(e);
	assert_false(st.running);
	assert_string_equal(st.loaded, "");
	assert_int_equal(e->ops->stop(e), 0);	/* idempotent */
	cs_engine_close(e);
	*state = NULL;
	assert_int_equal(tasks_find("cpustress", tmp, 1), 0);
}

static void test_stats_consistent(void **state)
{
	struct cs_snapshot snap = { 0 };
	uint64_t t0, wall, sum = 0, epu;
	struct cs_engine *e = *state;
	struct cs_status st;
	unsigned int loaded = 0;
	char want[CS_CPULIST_MAX];

	expected_cpus(e, want, sizeof(want));
	t0 = unit_now_ns();
	engine_start(e, 100, 100, 0);
	sleep_ms(600);
	assert_int_equal(e->ops->snapshot(e, &snap), 0);
	assert_int_equal(e->ops->stop(e), 0);
	wall = unit_now_ns() - t0;
	assert_int_equal(e->ops->snapshot(e, &snap), 0);
	st = engine_status(e);
	epu = (uint64_t)st.wu_kib * 1024 / 8;
	assert_int_equal(st.wu_kib, 512);
	assert_int_equal(st.wu_spins, 17);
	assert_int_equal(snap.window_id, 1);
	for (unsigned int i = 0; i < snap.ncpus; i++) {
		const struct cs_cpu_snap *c = &snap.cpu[i];
		const struct cs_cpu_stats *s = &c->stats;
		uint64_t by_elems = s->elements / epu;

		assert_int_equal(c->cpu, i);
		sum += c->units_total;
		if (!s->elements) {
			assert_int_equal(c->units_total, 0);
			continue;
		}
		loaded++;
		assert_int_equal(c->state, CPUSTRESS_CPU_IDLE);
		/* Since open, so window and total agree. */
		assert_int_equal(s->units, c->units_total);
		assert_true(s->units + 1 >= by_elems && s->units <= by_elems + 1);
		assert_int_equal(hist_count(s), s->units);
		assert_true(s->units > 0);
		assert_true(s->unit_max_ns > 0);
		assert_int_equal(s->selfcheck_errors, 0);
		/*
		 * Busy plus sleep is the thread's life, within 10 %, but for
		 * the wait to be first scheduled: count all the wait.
		 */
		assert_true(s->busy_ns + s->sleep_ns <= wall);
		assert_true(s->busy_ns + s->sleep_ns + s->wait_ns >=
			    wall * 9 / 10);
		assert_true(c->rate.ops_milli > 0);
		print_message("# cpu %u: %llu units, p50 %llu us, max %llu us, wait %llu ms, nivcsw %llu, steal %llu ms, irqs %llu\n",
			      c->cpu, (unsigned long long)s->units,
			      (unsigned long long)c->rate.p50_ns / 1000,
			      (unsigned long long)s->unit_max_ns / 1000,
			      (unsigned long long)s->wait_ns / MS,
			      (unsigned long long)s->nivcsw,
			      (unsigned long long)s->steal_ns / MS,
			      (unsigned long long)s->irqs);
	}
	assert_int_equal(sum, st.units_total);
	assert_int_equal(loaded, expected_cpus(e, want, sizeof(want)));
	assert_true(st.ops_per_sec > 0);
	assert_int_equal(st.selfcheck_errors, 0);
	cs_snapshot_free(&snap);
}

static void test_reset_window(void **state)
{
	struct cs_snapshot a = { 0 }, b = { 0 }, c = { 0 };
	struct cs_engine *e = *state;

	engine_start(e, 100, 1000, 0);
	sleep_ms(300);
	assert_int_equal(e->ops->snapshot(e, &a), 0);
	assert_int_equal(e->ops->reset_stats(e), 0);
	assert_int_equal(e->ops->snapshot(e, &b), 0);
	assert_int_equal(b.window_id, a.window_id + 1);
	assert_true(b.window_start_ns > a.window_start_ns);
	assert_int_equal(engine_status(e).window_id, b.window_id);
	sleep_ms(300);
	assert_int_equal(e->ops->stop(e), 0);
	assert_int_equal(e->ops->snapshot(e, &c), 0);
	assert_int_equal(c.window_id, b.window_id);
	for (unsigned int i = 0; i < c.ncpus; i++) {
		const struct cs_cpu_stats *s = &c.cpu[i].stats;
		uint64_t h = hist_count(s);

		if (!c.cpu[i].units_total)
			continue;
		/* The window holds what came after the reset, no more. */
		assert_true(s->units <= c.cpu[i].units_total - a.cpu[i].units_total);
		assert_true(s->units >= c.cpu[i].units_total - b.cpu[i].units_total);
		assert_true(s->units > 0);
		/*
		 * Units and histogram are separate counters, read while a
		 * worker runs: the base taken mid-run may be one unit apart.
		 */
		assert_true(h + 1 >= s->units && h <= s->units + 1);
		/* unit_max_ns and selfcheck_errors count since open. */
		assert_true(s->unit_max_ns >= a.cpu[i].stats.unit_max_ns);
	}
	/* A window opened while stopped: exact agreement. */
	assert_int_equal(e->ops->reset_stats(e), 0);
	engine_start(e, 100, 1000, 0);
	sleep_ms(200);
	assert_int_equal(e->ops->stop(e), 0);
	assert_int_equal(e->ops->snapshot(e, &c), 0);
	for (unsigned int i = 0; i < c.ncpus; i++)
		assert_int_equal(hist_count(&c.cpu[i].stats),
				 c.cpu[i].stats.units);
	cs_snapshot_free(&a);
	cs_snapshot_free(&b);
	cs_snapshot_free(&c);
}

struct duty {
	double cpu;	/* on a CPU, % of wall time (schedstat) */
	double wait;	/* runnable, waiting for a CPU (schedstat) */
	double engine;	/* the engine's own busy share */
	double steal;	/* the CPU's steal time while loaded */
};

/* Over 2 s, each worker's time as the kernel and the engine account it. */
static int duty_measure(struct cs_engine *e, unsigned int busy,
			struct duty *d, unsigned int *cpus)
{
	uint64_t run0[MAX_TASKS], wait0[MAX_TASKS], t0, wall, run, wait;
	struct cs_snapshot s0 = { 0 }, s1 = { 0 };
	struct task w[MAX_TASKS];
	struct cs_settings set;
	int n;

	cs_settings_init(&set);
	set.busy_pct = busy;
	assert_int_equal(e->ops->set(e, &set), 0);
	sleep_ms(300);	/* a few periods on the new setting */
	n = workers_find(w);
	assert_true(n > 0 && n <= MAX_TASKS);
	assert_int_equal(e->ops->snapshot(e, &s0), 0);
	t0 = unit_now_ns();
	for (int i = 0; i < n; i++)
		task_schedstat(w[i].tid, &run0[i], &wait0[i]);
	sleep_ms(2000);
	wall = unit_now_ns() - t0;
	for (int i = 0; i < n; i++) {
		task_schedstat(w[i].tid, &run, &wait);
		d[i].cpu = (double)(run - run0[i]) * 100 / (double)wall;
		d[i].wait = (double)(wait - wait0[i]) * 100 / (double)wall;
	}
	assert_int_equal(e->ops->snapshot(e, &s1), 0);
	for (int i = 0; i < n; i++) {
		const struct cs_cpu_stats *a = &s0.cpu[w[i].cpu].stats;
		const struct cs_cpu_stats *b = &s1.cpu[w[i].cpu].stats;

		cpus[i] = w[i].cpu;
		/*
		 * Busy over busy + sleep, not over wall: a worker publishes
		 * busy time after each chunk, which a preemption can stretch
		 * to tens of ms on a busy machine, and sleep time after each
		 * sleep, so either snapshot may miss that much of one or the
		 * other (up to ~2 points of the 2 s).
		 */
		d[i].engine = (double)(b->busy_ns - a->busy_ns) * 100 /
			      (double)(b->busy_ns - a->busy_ns +
				       b->sleep_ns - a->sleep_ns);
		d[i].steal = (double)(b->steal_ns - a->steal_ns) * 100 /
			     (double)wall;
	}
	cs_snapshot_free(&s0);
	cs_snapshot_free(&s1);
	return n;
}

/*
 * The duty cycle is wall-clock time spent working. On an idle machine the
 * workers' CPU time must be within 5 points of it. On a busy one a worker
 * also waits for its CPU inside the working part, so the kernel's account
 * brackets the duty: on-CPU time at most target + 5, on-CPU plus waiting
 * plus the time the hypervisor stole from its CPU at least target - 5 (a
 * guest kernel leaves stolen time out of a task's run time, and a shared
 * host can steal 10 % and more). The engine's own busy share must hit the
 * target.
 */
static void test_duty_cycle(void **state)
{
	static const unsigned int levels[] = { 30, 60, 100 };
	struct cs_engine *e = *state;
	struct duty d[MAX_TASKS];
	unsigned int cpus[MAX_TASKS];

	engine_start(e, 30, 1000, 0);
	for (unsigned int l = 0; l < 3; l++) {
		double t = levels[l];
		int n = duty_measure(e, levels[l], d, cpus);

		for (int i = 0; i < n; i++) {
			print_message("# duty %u%%, CPU %u: on CPU %.1f%%, +wait %.1f%%, engine's busy share %.1f%%, steal %.1f%%\n",
				      levels[l], cpus[i], d[i].cpu, d[i].wait,
				      d[i].engine, d[i].steal);
			if (d[i].cpu > t + 5 ||
			    d[i].cpu + d[i].wait + d[i].steal < t - 5 ||
			    d[i].engine < t - 5 || d[i].engine > t + 5)
				fail_msg("busy %u%% on CPU %u: outside +-5 points",
					 levels[l], cpus[i]);
		}
	}
}

static void check_refused(struct cs_engine *e, struct cs_settings *s, int want,
			  const struct cs_status *before)
{
	struct cs_status after;
	int ret;

	e->err[0] = '\0';
	ret = e->ops->set(e, s);
	if (ret != want)
		fail_msg("set: got %d, want %d (%s)", ret, want, e->err);
	assert_true(strlen(e->err) > 10);
	after = engine_status(e);
	assert_int_equal(after.running, before->running);
	assert_int_equal(after.busy_pct, before->busy_pct);
	assert_int_equal(after.period_ms, before->period_ms);
	assert_int_equal(after.interval_ms, before->interval_ms);
	assert_int_equal(after.time_limit_ms, before->time_limit_ms);
	assert_string_equal(after.cpus, before->cpus);
	assert_string_equal(after.loaded, before->loaded);
	cs_settings_init(s);
}

static void test_bad_settings(void **state)
{
	struct cs_engine *e = *state;
	struct cs_snapshot snap = { 0 };
	struct cs_settings s;
	struct cs_status st;
	char offline[16];

	cs_settings_init(&s);
	s.busy_pct = 40;
	s.period_ms = 50;
	s.interval_ms = 200;
	s.time_limit_ms = 60000;
	assert_int_equal(e->ops->set(e, &s), 0);
	st = engine_status(e);
	assert_int_equal(st.busy_pct, 40);

	for (int running = 0; running < 2; running++) {
		const char *bad_cpus[] = { "", "1-0", "abc", "0,", "0-1x",
					   "-1" };

		s.busy_pct = 0; check_refused(e, &s, -ERANGE, &st);
		s.busy_pct = 101; check_refused(e, &s, -ERANGE, &st);
		s.period_ms = 9; check_refused(e, &s, -ERANGE, &st);
		s.period_ms = 10001; check_refused(e, &s, -ERANGE, &st);
		s.interval_ms = 9; check_refused(e, &s, -ERANGE, &st);
		s.interval_ms = 60001; check_refused(e, &s, -ERANGE, &st);
		s.time_limit_ms = 7U * 24 * 3600 * 1000 + 1;
		check_refused(e, &s, -ERANGE, &st);
		for (unsigned int i = 0; i < 6; i++) {
			s.cpus = bad_cpus[i];
			check_refused(e, &s, -EINVAL, &st);
		}
		s.cpus = "99999999999"; check_refused(e, &s, -ERANGE, &st);
		s.cpus = "4096"; check_refused(e, &s, -ERANGE, &st);
		/* Good values beside a bad one change nothing either. */
		s.busy_pct = 77;
		s.period_ms = 20;
		s.cpus = "0-";
		check_refused(e, &s, -EINVAL, &st);
		s.interval_ms = 500;
		s.busy_pct = 0;
		check_refused(e, &s, -ERANGE, &st);
		if (!running) {
			/* A refused start starts nothing. */
			s.busy_pct = 200;
			assert_int_equal(e->ops->start(e, &s), -ERANGE);
			assert_false(engine_status(e).running);
			cs_settings_init(&s);
			engine_start(e, 40, 200, 60000);
			st = engine_status(e);
		}
	}
	/* A possible CPU that is offline, if this machine has one. */
	assert_int_equal(e->ops->snapshot(e, &snap), 0);
	for (unsigned int i = 0; i < snap.ncpus; i++)
		if (snap.cpu[i].state == CPUSTRESS_CPU_OFFLINE) {
			snprintf(offline, sizeof(offline), "%u", i);
			s.cpus = offline;
			check_refused(e, &s, -EINVAL, &st);
			break;
		}
	cs_snapshot_free(&snap);
}

static void test_time_limit(void **state)
{
	struct task w[MAX_TASKS];
	struct cs_engine *e = *state;
	struct cs_status st;
	uint64_t t0, took;

	t0 = unit_now_ns();
	engine_start(e, 50, 50, 300);
	st = engine_status(e);
	assert_true(st.running);
	assert_int_equal(st.time_limit_ms, 300);
	assert_true(st.time_left_ms <= 300);
	while (engine_status(e).running && unit_now_ns() - t0 < 3000 * MS)
		sleep_ms(5);
	took = unit_now_ns() - t0;
	print_message("# time limit 300 ms: stopped after %llu ms\n",
		      (unsigned long long)took / MS);
	/* The sampler thread fires the limit: allow for its wake-up. */
	assert_true(took >= 300 * MS && took < 800 * MS);
	assert_int_equal(workers_find(w), 0);
	st = engine_status(e);
	assert_string_equal(st.loaded, "");
	/* The limit stays for the next run, and it may start again. */
	assert_int_equal(st.time_limit_ms, 300);
	engine_start(e, 50, 50, 0);
	assert_true(engine_status(e).running);
	sleep_ms(400);
	assert_true(engine_status(e).running);	/* 0: no limit any more */
}

struct samples {
	int n;
	struct cs_sample s[10];
	uint32_t running[10];
};

static void sample_cb(const struct cs_sample *s, void *arg)
{
	struct samples *ss = arg;

	assert_true(ss->n < 10);
	ss->s[ss->n] = *s;	/* the header only: count the CPUs here */
	ss->running[ss->n] = 0;
	for (uint32_t i = 0; i < s->ncpus; i++)
		if (s->cpu[i].state == CPUSTRESS_CPU_RUNNING &&
		    s->cpu[i].rate.ops_milli > 0)
			ss->running[ss->n]++;
	ss->n++;
}

static void test_next_sample(void **state)
{
	struct cs_engine *e = *state;
	struct samples ss = { 0 };
	char want[CS_CPULIST_MAX];
	struct cs_settings s;
	uint64_t t0, span;
	unsigned int n;

	n = expected_cpus(e, want, sizeof(want));
	engine_start(e, 100, 100, 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(e->ops->next_sample(e, 1000, sample_cb, &ss), 1);
	/* A reader that looks away misses nothing: samples queue. */
	sleep_ms(350);
	for (int i = 0; i < 3; i++)
		assert_int_equal(e->ops->next_sample(e, 0, sample_cb, &ss), 1);
	for (int i = 1; i < ss.n; i++) {
		uint64_t gap = ss.s[i].ts_ns - ss.s[i - 1].ts_ns;

		print_message("# sample %llu: dt %.1f ms, %llu units/s, %u CPUs\n",
			      (unsigned long long)ss.s[i].seq,
			      (double)ss.s[i].dt_ns / MS,
			      (unsigned long long)ss.s[i].ops_per_sec,
			      ss.running[i]);
		assert_int_equal(ss.s[i].seq, ss.s[i - 1].seq + 1);
		assert_int_equal(ss.s[i].dt_ns, gap);
		/* One late wake-up of the sampler is no drift... */
		assert_true(gap >= 50 * MS && gap <= 150 * MS);
		assert_int_equal(ss.running[i], n);
		assert_true(ss.s[i].ops_per_sec > 0);
	}
	/* ...because samples keep to a fixed grid. */
	span = ss.s[ss.n - 1].ts_ns - ss.s[0].ts_ns;
	assert_true(span >= (uint64_t)(ss.n - 1) * 90 * MS &&
		    span <= (uint64_t)(ss.n - 1) * 110 * MS);
	assert_true(engine_status(e).sample_seq >= ss.s[ss.n - 1].seq);
	/* No sample within the timeout: 0. */
	cs_settings_init(&s);
	s.interval_ms = 60000;
	assert_int_equal(e->ops->set(e, &s), 0);
	while (e->ops->next_sample(e, 0, NULL, NULL) == 1)
		;	/* drain what came before the change */
	t0 = unit_now_ns();
	assert_int_equal(e->ops->next_sample(e, 50, sample_cb, &ss), 0);
	assert_true(unit_now_ns() - t0 >= 50 * MS);
}

/* Changing the CPUs of a running load stops and starts workers at once. */
static void test_cpus_while_running(void **state)
{
	struct task w[MAX_TASKS];
	char want[CS_CPULIST_MAX], first[16];
	struct cs_settings s;
	struct cs_engine *e = *state;
	unsigned int n;

	n = expected_cpus(e, want, sizeof(want));
	if (n < 2)
		skip();
	engine_start(e, 50, 1000, 0);
	assert_int_equal(workers_wait(w, (int)n), (int)n);
	snprintf(first, sizeof(first), "%u", (unsigned int)atoi(want));
	cs_settings_init(&s);
	s.cpus = first;
	assert_int_equal(e->ops->set(e, &s), 0);
	assert_int_equal(workers_find(w), 1);
	assert_int_equal(w[0].cpu, (unsigned int)atoi(want));
	assert_string_equal(engine_status(e).loaded, first);
	s.cpus = test_cpus() ? test_cpus() : "all";
	assert_int_equal(e->ops->set(e, &s), 0);
	assert_int_equal(workers_wait(w, (int)n), (int)n);
	assert_string_equal(engine_status(e).loaded, want);
}

/*
 * An owned run borrows the settings: what its START and a SET during it
 * change, time limit included, is given back when it ends, by a stop or
 * by its time limit, and when the start fails; a plain start's stay.
 */
static void test_owned_gives_back(void **state)
{
	struct cs_engine *e = *state;
	struct cs_settings s;
	struct cs_status st;
	uint64_t t0;

	cs_settings_init(&s);
	s.busy_pct = 35;
	s.period_ms = 200;
	assert_int_equal(e->ops->set(e, &s), 0);

	cs_settings_init(&s);
	s.busy_pct = 70;
	s.period_ms = 50;
	s.time_limit_ms = 60000;
	s.cpus = test_cpus() ? test_cpus() : "all";
	s.owned = true;
	assert_int_equal(e->ops->start(e, &s), 0);
	st = engine_status(e);
	assert_int_equal(st.busy_pct, 70);
	assert_int_equal(st.time_limit_ms, 60000);
	cs_settings_init(&s);
	s.busy_pct = 55;
	assert_int_equal(e->ops->set(e, &s), 0);
	assert_int_equal(e->ops->stop(e), 0);
	st = engine_status(e);
	assert_false(st.running);
	assert_int_equal(st.busy_pct, 35);
	assert_int_equal(st.period_ms, 200);
	assert_int_equal(st.time_limit_ms, 0);
	assert_string_equal(st.cpus, "all");

	/* Ended by its own time limit. */
	cs_settings_init(&s);
	s.busy_pct = 80;
	s.time_limit_ms = 200;
	s.owned = true;
	assert_int_equal(e->ops->start(e, &s), 0);
	t0 = unit_now_ns();
	while (engine_status(e).running && unit_now_ns() - t0 < 3000 * MS)
		sleep_ms(5);
	st = engine_status(e);
	assert_false(st.running);
	assert_int_equal(st.busy_pct, 35);
	assert_int_equal(st.time_limit_ms, 0);

	/* A refused owned start changes nothing. */
	cs_settings_init(&s);
	s.busy_pct = 90;
	s.cpus = "99999";
	s.owned = true;
	assert_true(e->ops->start(e, &s) < 0);
	assert_int_equal(engine_status(e).busy_pct, 35);

	/* A plain start's settings outlive its run. */
	cs_settings_init(&s);
	s.busy_pct = 45;
	assert_int_equal(e->ops->start(e, &s), 0);
	assert_int_equal(e->ops->stop(e), 0);
	assert_int_equal(engine_status(e).busy_pct, 45);
}

/*
 * A snapshot's recent figures: over the loaded CPUs' newest samples, at
 * most CS_RECENT_MAX, in order; none for an idle CPU, none after a stop.
 */
static void test_recent(void **state)
{
	struct cs_engine *e = *state;
	struct cs_snapshot snap = { 0 };
	unsigned int i, loaded = 0;

	engine_start(e, 100, 10, 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(e->ops->next_sample(e, 1000, NULL, NULL), 1);
	assert_int_equal(e->ops->snapshot(e, &snap), 0);
	for (i = 0; i < snap.ncpus; i++) {
		const struct cs_cpu_snap *c = &snap.cpu[i];

		if (c->state != CPUSTRESS_CPU_RUNNING) {
			assert_int_equal(c->recent.n, 0);
			assert_int_equal(c->recent.median, 0);
			continue;
		}
		loaded++;
		/* 5 samples seen; more may have come since. */
		assert_true(c->recent.n >= 5 && c->recent.n <= CS_RECENT_MAX);
		/* A 10 ms sample may see no work on a busy host; most do. */
		assert_true(c->recent.p90 > 0);
		assert_true(c->recent.p10 <= c->recent.median);
		assert_true(c->recent.median <= c->recent.p90);
	}
	assert_true(loaded > 0);
	/* More samples than CS_RECENT_MAX: only the newest count. */
	for (i = 0; i < CS_RECENT_MAX; i++)
		assert_int_equal(e->ops->next_sample(e, 1000, NULL, NULL), 1);
	assert_int_equal(e->ops->snapshot(e, &snap), 0);
	for (i = 0; i < snap.ncpus; i++)
		if (snap.cpu[i].state == CPUSTRESS_CPU_RUNNING)
			assert_int_equal(snap.cpu[i].recent.n, CS_RECENT_MAX);
	/* After a stop, once a whole sample had no work: none. */
	assert_int_equal(e->ops->stop(e), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(e->ops->next_sample(e, 1000, NULL, NULL), 1);
	assert_int_equal(e->ops->snapshot(e, &snap), 0);
	for (i = 0; i < snap.ncpus; i++) {
		assert_int_equal(snap.cpu[i].recent.n, 0);
		assert_int_equal(snap.cpu[i].recent.p90, 0);
	}
	cs_snapshot_free(&snap);
}

#define ENGINE_TEST(f)	cmocka_unit_test_setup_teardown(f, engine_setup, \
							engine_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ENGINE_TEST(test_start_stop_pinned),
		ENGINE_TEST(test_stats_consistent),
		ENGINE_TEST(test_reset_window),
		ENGINE_TEST(test_duty_cycle),
		ENGINE_TEST(test_bad_settings),
		ENGINE_TEST(test_time_limit),
		ENGINE_TEST(test_next_sample),
		ENGINE_TEST(test_cpus_while_running),
		ENGINE_TEST(test_owned_gives_back),
		ENGINE_TEST(test_recent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
