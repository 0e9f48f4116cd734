// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The exporter's collector and the locked engine handle, driven by a
 * scripted engine: each poll of the collector gets the next prepared status
 * and snapshot, one poll at a time (the test hands out a token per poll).
 * Checked: totals that never go down across statistics windows, restarts
 * and CPUs going offline and back; up/err/seq through an engine error and
 * its recovery; the view copy; stopping without waiting for a poll period;
 * and the locked handle's forwarding, locking and error copying.
 */
#define _GNU_SOURCE
#include "unit.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include "serve/serve.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NSTEP_CPUS	3
#define HB		100	/* the histogram bucket the steps use */

/* One CPU of a step: what the engine's window holds at that poll. */
struct step_cpu {
	uint32_t cpu;
	enum cpustress_cpu_state state;
	uint64_t steal, wait, irqs, busy, selfcheck, hist, units_total;
	uint64_t ops_milli;
};

/* One poll's answers. */
struct step {
	int status_ret;		/* < 0: status() fails with @err */
	int snap_ret;		/* < 0: snapshot() fails with @err */
	const char *err;
	uint64_t window_id;
	uint64_t ops_per_sec;
	uint32_t ncpus;
	struct step_cpu cpu[NSTEP_CPUS];
};

/**
 * struct fake - the scripted engine
 * @gated: status() waits for a token (one poll at a time)
 * @tokens: polls allowed and not yet begun
 * @entered: status() calls so far
 * @release: stop gating and fail every call (the test is ending)
 * @outer: the mutex a locked handle should hold during every call
 * @calls: calls of each op (status, set, start, stop, reset, snap, next)
 * @fail: the ops fail with -EIO (and @pub.err = @fail_msg)
 */
struct fake {
	struct cs_engine pub;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool gated;
	unsigned int tokens;
	unsigned int entered;
	bool release;
	const struct step *steps;
	unsigned int nsteps;
	unsigned int next;
	const struct step *cur;
	bool closed;
	pthread_mutex_t *outer;
	unsigned int calls[7];
	bool fail;
	const char *fail_msg;
	const struct cs_settings *last_set;
	int last_timeout;
	void *last_arg;
};

static struct fake *fk(struct cs_engine *e)
{
	return e->priv;
}

/* A locked handle must hold its mutex during the call. */
static void check_outer(struct fake *f)
{
	if (f->outer)
		assert_int_equal(pthread_mutex_trylock(f->outer), EBUSY);
}

static int fake_ret(struct fake *f, unsigned int op)
{
	check_outer(f);
	f->calls[op]++;
	if (!f->fail)
		return 0;
	snprintf(f->pub.err, sizeof(f->pub.err), "%s", f->fail_msg);
	return -EIO;
}

static int fake_status(struct cs_engine *e, struct cs_status *st)
{
	struct fake *f = fk(e);
	const struct step *s;

	if (!f->steps)
		return fake_ret(f, 0);
	pthread_mutex_lock(&f->mu);
	f->entered++;
	pthread_cond_broadcast(&f->cv);
	while (f->gated && !f->tokens && !f->release)
		pthread_cond_wait(&f->cv, &f->mu);
	if (f->release) {
		pthread_mutex_unlock(&f->mu);
		snprintf(e->err, sizeof(e->err), "released");
		return -ECANCELED;
	}
	if (f->gated)
		f->tokens--;
	s = &f->steps[f->next < f->nsteps ? f->next : f->nsteps - 1];
	f->next++;
	f->cur = s;
	pthread_mutex_unlock(&f->mu);

	if (s->status_ret < 0) {
		snprintf(e->err, sizeof(e->err), "%s", s->err);
		return s->status_ret;
	}
	memset(st, 0, sizeof(*st));
	st->running = true;
	st->busy_pct = 100;
	st->ops_per_sec = s->ops_per_sec;
	st->window_id = s->window_id;
	strcpy(st->cpus, "all");
	return 0;
}

static int fake_snapshot(struct cs_engine *e, struct cs_snapshot *snap)
{
	struct fake *f = fk(e);
	const struct step *s = f->cur;
	uint32_t i;

	if (!f->steps)
		return fake_ret(f, 5);
	if (s->snap_ret < 0) {
		snprintf(e->err, sizeof(e->err), "%s", s->err);
		return s->snap_ret;
	}
	if (snap->cap < NSTEP_CPUS) {
		snap->cpu = realloc(snap->cpu, NSTEP_CPUS * sizeof(*snap->cpu));
		assert_non_null(snap->cpu);
		snap->cap = NSTEP_CPUS;
	}
	memset(snap->cpu, 0, NSTEP_CPUS * sizeof(*snap->cpu));
	for (i = 0; i < s->ncpus; i++) {
		const struct step_cpu *sc = &s->cpu[i];
		struct cs_cpu_snap *c = &snap->cpu[i];

		c->cpu = sc->cpu;
		c->state = sc->state;
		c->stats.steal_ns = sc->steal;
		c->stats.wait_ns = sc->wait;
		c->stats.irqs = sc->irqs;
		c->stats.busy_ns = sc->busy;
		c->stats.selfcheck_errors = sc->selfcheck;
		c->stats.hist[HB] = sc->hist;
		c->stats.units = sc->hist;
		c->units_total = sc->units_total;
		c->rate.ops_milli = sc->ops_milli;
	}
	snap->ncpus = s->ncpus;
	snap->window_id = s->window_id;
	return 0;
}

static int fake_set(struct cs_engine *e, const struct cs_settings *s)
{
	fk(e)->last_set = s;
	return fake_ret(fk(e), 1);
}

static int fake_start(struct cs_engine *e, const struct cs_settings *s)
{
	fk(e)->last_set = s;
	return fake_ret(fk(e), 2);
}

static int fake_stop(struct cs_engine *e)
{
	return fake_ret(fk(e), 3);
}

static int fake_reset(struct cs_engine *e)
{
	return fake_ret(fk(e), 4);
}

static int fake_next(struct cs_engine *e, int timeout_ms,
		     void (*cb)(const struct cs_sample *s, void *arg),
		     void *arg)
{
	struct cs_sample s = { .seq = 9 };
	struct fake *f = fk(e);
	int ret = fake_ret(f, 6);

	f->last_timeout = timeout_ms;
	f->last_arg = arg;
	if (ret)
		return ret;
	cb(&s, arg);
	return 1;
}

static void fake_close(struct cs_engine *e)
{
	fk(e)->closed = true;
}

static const struct cs_engine_ops fake_ops = {
	.name = "fake",
	.status = fake_status,
	.set = fake_set,
	.start = fake_start,
	.stop = fake_stop,
	.reset_stats = fake_reset,
	.snapshot = fake_snapshot,
	.next_sample = fake_next,
	.close = fake_close,
};

static void fake_init(struct fake *f, const struct step *steps,
		      unsigned int n, bool gated)
{
	memset(f, 0, sizeof(*f));
	f->pub.ops = &fake_ops;
	f->pub.priv = f;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	f->steps = steps;
	f->nsteps = n;
	f->gated = gated;
}

static void fake_destroy(struct fake *f)
{
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
}

/*
 * Let the collector do one more poll and wait until it has published it:
 * it has when it comes back for the next poll's status().
 */
static void poll_once(struct fake *f)
{
	unsigned int target;

	pthread_mutex_lock(&f->mu);
	f->tokens++;
	target = f->next + 1 + 1;	/* this poll's entry, then the next */
	pthread_cond_broadcast(&f->cv);
	while (f->entered < target)
		pthread_cond_wait(&f->cv, &f->mu);
	pthread_mutex_unlock(&f->mu);
}

/* Let a blocked collector go, then stop it. */
static void collector_end(struct fake *f, struct cs_collector *c)
{
	pthread_mutex_lock(&f->mu);
	f->release = true;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	cs_collector_stop(c);
}

static int64_t realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define RUN(cpu, steal, wait, irqs, busy, sc, hist, units) \
	{ cpu, CPUSTRESS_CPU_RUNNING, steal, wait, irqs, busy, sc, hist, \
	  units, (units) * 10 }
#define IDLE(cpu, irqs) \
	{ cpu, CPUSTRESS_CPU_IDLE, 0, 0, irqs, 0, 0, 0, 0, 0 }
#define OFF(cpu, irqs) \
	{ cpu, CPUSTRESS_CPU_OFFLINE, 0, 0, irqs, 0, 0, 0, 0, 0 }

/*
 * The script: CPU 0 runs, CPU 1 idles, goes offline and comes back; CPU
 * 1500 is beyond the view's range and must be ignored.
 */
static const struct step script[] = {
	/* 1: the first poll, window 1: the starting point */
	{ .window_id = 1, .ops_per_sec = 100, .ncpus = 2, .cpu = {
		RUN(0, 100, 10, 5, 1000, 0, 2, 50), IDLE(1, 0) } },
	/* 2: same window: growth */
	{ .window_id = 1, .ops_per_sec = 200, .ncpus = 3, .cpu = {
		RUN(0, 150, 20, 7, 3000, 1, 5, 53), IDLE(1, 3),
		RUN(1500, 1, 1, 1, 1, 1, 1, 1) } },
	/*
	 * 3: a sweep reset the statistics: window 2 from 0 (already above
	 * window 1's counters: only the window ID tells)
	 */
	{ .window_id = 2, .ops_per_sec = 300, .ncpus = 2, .cpu = {
		RUN(0, 200, 25, 8, 3500, 1, 6, 54), IDLE(1, 4) } },
	/* 4: the engine fails */
	{ .status_ret = -ENODEV, .err = "module not loaded: run insmod" },
	/* 5: ... at the snapshot this time */
	{ .snap_ret = -EIO, .err = "snapshot broke" },
	/* 6: back */
	{ .window_id = 2, .ops_per_sec = 400, .ncpus = 2, .cpu = {
		RUN(0, 210, 27, 9, 3800, 1, 8, 56), IDLE(1, 5) } },
	/* 7: CPU 1 goes offline */
	{ .window_id = 2, .ops_per_sec = 500, .ncpus = 2, .cpu = {
		RUN(0, 215, 27, 9, 3900, 1, 9, 57), OFF(1, 5) } },
	/* 8: ... and comes back */
	{ .window_id = 2, .ops_per_sec = 600, .ncpus = 2, .cpu = {
		RUN(0, 220, 27, 9, 4000, 1, 10, 58), IDLE(1, 9) } },
	/* 9: counters lower in the same window: a restart (module reload) */
	{ .window_id = 2, .ops_per_sec = 700, .ncpus = 2, .cpu = {
		RUN(0, 5, 1, 1, 100, 0, 1, 1), IDLE(1, 1) } },
};

/* CPU @cpu's expected totals after each step (index = step - 1). */
struct want {
	uint64_t seq;
	bool up;
	const char *err;
	uint64_t ops;
	uint32_t ncpus;
	uint64_t steal, wait, irqs, busy, sc, hist, units;	/* CPU 0 */
	uint64_t irqs1;						/* CPU 1 */
};

static const struct want wants[] = {
	{ 1, true, "", 100, 2,   0,  0, 0,    0, 0, 0, 50, 0 },
	{ 2, true, "", 200, 2,  50, 10, 2, 2000, 1, 3, 53, 3 },
	{ 3, true, "", 300, 2, 250, 35, 10, 5500, 2, 9, 54, 7 },
	{ 3, false, "module not loaded: run insmod", 300, 2,
			      250, 35, 10, 5500, 2, 9, 54, 7 },
	{ 3, false, "snapshot broke", 300, 2,
			      250, 35, 10, 5500, 2, 9, 54, 7 },
	{ 4, true, "", 400, 2, 260, 37, 11, 5800, 2, 11, 56, 8 },
	{ 5, true, "", 500, 1, 265, 37, 11, 5900, 2, 12, 57, 8 },
	{ 6, true, "", 600, 2, 270, 37, 11, 6000, 2, 13, 58, 12 },
	{ 7, true, "", 700, 2, 275, 38, 12, 6100, 2, 14, 1, 13 },
};

static const struct cs_view_cpu *view_cpu(const struct cs_view *v,
					  uint32_t cpu)
{
	uint32_t i;

	for (i = 0; i < v->ncpus; i++)
		if (v->cpu[i].cpu == cpu)
			return &v->cpu[i];
	return NULL;
}

static void check_step(const struct cs_view *v, const struct cs_view *prev,
		       const struct want *w, unsigned int step)
{
	const struct cs_view_cpu *c0 = view_cpu(v, 0), *c1 = view_cpu(v, 1);

	print_message("step %u\n", step);
	assert_int_equal(v->seq, w->seq);
	assert_int_equal(v->up, w->up);
	assert_string_equal(v->err, w->err);
	assert_string_equal(v->engine, "fake");
	assert_int_equal(v->st.ops_per_sec, w->ops);
	assert_int_equal(v->ncpus, w->ncpus);
	assert_non_null(c0);
	assert_int_equal(c0->state, CPUSTRESS_CPU_RUNNING);
	assert_int_equal(c0->steal_ns, w->steal);
	assert_int_equal(c0->wait_ns, w->wait);
	assert_int_equal(c0->irqs, w->irqs);
	assert_int_equal(c0->busy_ns, w->busy);
	assert_int_equal(c0->selfcheck_errors, w->sc);
	assert_int_equal(c0->hist[HB], w->hist);
	assert_int_equal(c0->hist_count, w->hist);
	assert_int_equal(c0->units_total, w->units);
	assert_int_equal(c0->rate.ops_milli, w->units * 10);
	/* The host's histogram: CPU 0's (CPU 1 has none, CPU 1500 is out). */
	assert_int_equal(v->host.hist[HB], w->hist);
	assert_int_equal(v->host.hist_count, w->hist);
	assert_int_equal(v->host.busy_ns, w->busy);
	if (w->ncpus == 2) {
		assert_non_null(c1);
		assert_int_equal(c1->state, CPUSTRESS_CPU_IDLE);
		assert_int_equal(c1->irqs, w->irqs1);
		assert_true(c0 < c1);		/* ascending */
	} else {
		assert_null(c1);
	}
	assert_null(view_cpu(v, 1500));

	/* Monotonic, whatever the engine did. */
	if (prev) {
		const struct cs_view_cpu *p0 = view_cpu(prev, 0);

		assert_true(v->seq >= prev->seq);
		assert_true(c0->steal_ns >= p0->steal_ns);
		assert_true(c0->wait_ns >= p0->wait_ns);
		assert_true(c0->irqs >= p0->irqs);
		assert_true(c0->busy_ns >= p0->busy_ns);
		assert_true(c0->hist_count >= p0->hist_count);
	}
}

/* The /metrics text the collector rendered at its poll says the same. */
static void check_metrics(struct cs_collector *c, const struct want *w)
{
	struct cs_serve_info i = { .version = "0.2" };
	char *text, line[128];
	size_t len;

	assert_int_equal(cs_collector_metrics(c, &i, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	snprintf(line, sizeof(line), "\ncpustress_up %d\n", w->up);
	assert_non_null(strstr(text, line));
	snprintf(line, sizeof(line), "\n" CS_HIST_FAMILY "_count %llu\n",
		 (unsigned long long)w->hist);
	assert_non_null(strstr(text, line));
	snprintf(line, sizeof(line),
		 "\ncpustress_work_units_total{cpu=\"0\"} %llu\n",
		 (unsigned long long)w->units);
	assert_non_null(strstr(text, line));
	assert_non_null(strstr(text, "cpustress_build_info{version=\"0.2\",engine=\"fake\","));
	free(text);
}

static void test_collect_script(void **state)
{
	struct cs_view v = { 0 }, prev = { 0 };
	struct cs_collector *c = NULL;
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	struct cs_view_cpu *keep;
	struct cs_engine *h;
	struct fake f;
	unsigned int k;
	int64_t t0, t1;

	(void)state;
	fake_init(&f, script, ARRAY_SIZE(script), true);
	f.tokens = 1;				/* the first poll */
	assert_int_equal(cs_engine_locked(&f.pub, &mu, &h), 0);
	t0 = realtime_ms();
	assert_int_equal(cs_collector_start(h, 1, 0, &c), 0);
	t1 = realtime_ms();

	assert_int_equal(cs_collector_view(c, &v), 0);
	assert_true(v.time_ms >= t0 && v.time_ms <= t1);
	keep = v.cpu;
	check_step(&v, NULL, &wants[0], 1);
	check_metrics(c, &wants[0]);
	for (k = 1; k < ARRAY_SIZE(script); k++) {
		cs_view_free(&prev);
		prev = v;
		prev.cpu = malloc(CS_VIEW_CPUS_MAX * sizeof(*prev.cpu));
		assert_non_null(prev.cpu);
		memcpy(prev.cpu, v.cpu, v.ncpus * sizeof(*v.cpu));

		poll_once(&f);
		assert_int_equal(cs_collector_view(c, &v), 0);
		assert_ptr_equal(v.cpu, keep);	/* allocated once */
		check_step(&v, &prev, &wants[k], k + 1);
		check_metrics(c, &wants[k]);
	}
	assert_int_equal(f.next, ARRAY_SIZE(script));

	collector_end(&f, c);
	assert_false(f.closed);		/* the locked handle leaves it open */
	cs_view_free(&v);
	cs_view_free(&prev);
	assert_null(v.cpu);
	fake_destroy(&f);
}

/* The first poll fails: a view all the same, down, seq 0. */
static void test_collect_first_fails(void **state)
{
	static const struct step down[] = {
		{ .status_ret = -EACCES,
		  .err = "permission denied: need CAP_NET_ADMIN" },
		{ .window_id = 7, .ops_per_sec = 1, .ncpus = 1, .cpu = {
			RUN(0, 1, 1, 1, 1, 0, 1, 1) } },
	};
	struct cs_collector *c = NULL;
	struct cs_view v = { 0 };
	struct fake f;

	(void)state;
	fake_init(&f, down, ARRAY_SIZE(down), true);
	f.tokens = 1;
	assert_int_equal(cs_collector_start(&f.pub, 1, 0, &c), 0);
	assert_int_equal(cs_collector_view(c, &v), 0);
	assert_int_equal(v.seq, 0);
	assert_false(v.up);
	assert_string_equal(v.err, "permission denied: need CAP_NET_ADMIN");
	assert_string_equal(v.engine, "fake");
	assert_int_equal(v.ncpus, 0);
	assert_true(v.time_ms > 0);

	poll_once(&f);			/* recovers */
	assert_int_equal(cs_collector_view(c, &v), 0);
	assert_int_equal(v.seq, 1);
	assert_true(v.up);
	assert_string_equal(v.err, "");
	assert_int_equal(v.ncpus, 1);
	assert_int_equal(v.cpu[0].steal_ns, 0);	/* starting point */

	collector_end(&f, c);
	assert_true(f.closed);		/* the collector closed its handle */
	cs_view_free(&v);
	fake_destroy(&f);
}

/* An engine that fails without a message still gives a clear one. */
static void test_collect_no_message(void **state)
{
	static const struct step down[] = {
		{ .status_ret = -ETIMEDOUT, .err = "" },
	};
	struct cs_collector *c = NULL;
	struct cs_view v = { 0 };
	struct fake f;

	(void)state;
	fake_init(&f, down, ARRAY_SIZE(down), true);
	f.tokens = 1;
	assert_int_equal(cs_collector_start(&f.pub, 1, 0, &c), 0);
	assert_int_equal(cs_collector_view(c, &v), 0);
	assert_false(v.up);
	assert_non_null(strstr(v.err, "fake"));
	assert_non_null(strstr(v.err, "status"));
	assert_non_null(strstr(v.err, strerror(ETIMEDOUT)));
	collector_end(&f, c);
	cs_view_free(&v);
	fake_destroy(&f);
}

/* Stopping does not wait for the poll period to end. */
static void test_collect_stop_fast(void **state)
{
	static const struct step one[] = {
		{ .window_id = 1, .ops_per_sec = 5, .ncpus = 1, .cpu = {
			RUN(0, 1, 1, 1, 1, 0, 1, 1) } },
	};
	struct cs_collector *c = NULL;
	struct timespec ts = { 0, 50 * 1000000L };
	struct fake f;
	uint64_t t0;

	(void)state;
	fake_init(&f, one, 1, false);
	assert_int_equal(cs_collector_start(&f.pub, 10000, 0, &c), 0);
	assert_int_equal(f.entered, 1);
	nanosleep(&ts, NULL);
	t0 = unit_now_ns();
	cs_collector_stop(c);
	assert_true(unit_now_ns() - t0 < 1000000000ULL);
	assert_int_equal(f.entered, 1);		/* no second poll */
	assert_true(f.closed);
	fake_destroy(&f);

	assert_int_equal(cs_collector_start(&f.pub, 0, 0, &c), -EINVAL);
}

struct reader {
	struct cs_collector *c;
	uint64_t views;
	bool bad;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct cs_view v = { 0 };
	uint64_t last = 0, t0 = unit_now_ns();

	while (unit_now_ns() - t0 < 200000000ULL) {
		if (cs_collector_view(r->c, &v) || v.seq < last ||
		    v.ncpus != 1 || v.cpu[0].steal_ns != 0)
			r->bad = true;
		last = v.seq;
		r->views++;
	}
	cs_view_free(&v);
	return NULL;
}

/*
 * Fast polls and two readers copying the view as fast as they can: the
 * polls go on (readers never hold up the collector's wake-up), and the
 * sanitizers watch the copies.
 */
static void test_collect_concurrent(void **state)
{
	static const struct step one[] = {
		{ .window_id = 1, .ops_per_sec = 5, .ncpus = 1, .cpu = {
			RUN(0, 1, 1, 1, 1, 0, 1, 1) } },
	};
	struct cs_collector *c = NULL;
	struct reader r[2];
	pthread_t t[2];
	struct fake f;
	unsigned int k;

	(void)state;
	fake_init(&f, one, 1, false);
	assert_int_equal(cs_collector_start(&f.pub, 1, 0, &c), 0);
	for (k = 0; k < 2; k++) {
		r[k] = (struct reader){ .c = c };
		assert_int_equal(pthread_create(&t[k], NULL, reader_main,
						&r[k]), 0);
	}
	for (k = 0; k < 2; k++) {
		pthread_join(t[k], NULL);
		assert_false(r[k].bad);
		assert_true(r[k].views > 0);
	}
	cs_collector_stop(c);
	print_message("%u polls, %llu + %llu views in 200 ms\n", f.entered,
		      (unsigned long long)r[0].views,
		      (unsigned long long)r[1].views);
	assert_true(f.entered > 10);
	fake_destroy(&f);
}

static void sample_cb(const struct cs_sample *s, void *arg)
{
	*(uint64_t *)arg = s->seq;
}

/* Every op forwarded with the mutex held; errors copied; close. */
static void test_locked(void **state)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	struct cs_engine *h = NULL, *h2 = NULL;
	struct cs_snapshot snap = { 0 };
	struct cs_settings s;
	struct cs_status st;
	uint64_t seq = 0;
	struct fake f;
	unsigned int k;

	(void)state;
	fake_init(&f, NULL, 0, false);
	f.outer = &mu;
	assert_int_equal(cs_engine_locked(&f.pub, &mu, &h), 0);
	assert_int_equal(cs_engine_locked(&f.pub, &mu, &h2), 0);
	assert_string_equal(h->ops->name, "fake");
	assert_ptr_not_equal(h->ops, &fake_ops);
	cs_settings_init(&s);

	assert_int_equal(h->ops->status(h, &st), 0);
	assert_int_equal(h->ops->set(h, &s), 0);
	assert_ptr_equal(f.last_set, &s);
	assert_int_equal(h->ops->start(h, &s), 0);
	assert_int_equal(h->ops->stop(h), 0);
	assert_int_equal(h->ops->reset_stats(h), 0);
	assert_int_equal(h->ops->snapshot(h, &snap), 0);
	assert_int_equal(h->ops->next_sample(h, 123, sample_cb, &seq), 1);
	assert_int_equal(f.last_timeout, 123);
	assert_ptr_equal(f.last_arg, &seq);
	assert_int_equal(seq, 9);
	for (k = 0; k < ARRAY_SIZE(f.calls); k++)
		assert_int_equal(f.calls[k], 1);
	assert_string_equal(h->err, "");
	assert_int_equal(pthread_mutex_trylock(&mu), 0);	/* released */
	pthread_mutex_unlock(&mu);

	/* Failures: the inner message lands in the calling handle only. */
	f.fail = true;
	f.fail_msg = "module not loaded: run insmod kmod/cpustress.ko";
	assert_int_equal(h->ops->start(h, &s), -EIO);
	assert_string_equal(h->err, f.fail_msg);
	assert_string_equal(h2->err, "");
	assert_int_equal(h2->ops->stop(h2), -EIO);
	assert_string_equal(h2->err, f.fail_msg);
	f.fail_msg = "permission denied: need CAP_NET_ADMIN";
	assert_int_equal(h->ops->status(h, &st), -EIO);
	assert_string_equal(h->err, f.fail_msg);
	assert_int_equal(h->ops->snapshot(h, &snap), -EIO);
	assert_int_equal(h->ops->reset_stats(h), -EIO);
	assert_int_equal(h->ops->set(h, &s), -EIO);
	assert_int_equal(h->ops->next_sample(h, 1, sample_cb, &seq), -EIO);
	assert_string_equal(h2->err, "module not loaded: run insmod kmod/cpustress.ko");

	/* No message from the engine: the handle says which call failed. */
	f.fail_msg = "";
	assert_int_equal(h->ops->reset_stats(h), -EIO);
	assert_non_null(strstr(h->err, "fake"));
	assert_non_null(strstr(h->err, "reset_stats"));
	assert_non_null(strstr(h->err, strerror(EIO)));
	assert_int_equal(pthread_mutex_trylock(&mu), 0);
	pthread_mutex_unlock(&mu);

	cs_engine_close(h);
	cs_engine_close(h2);
	assert_false(f.closed);
	cs_snapshot_free(&snap);
	fake_destroy(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collect_script),
		cmocka_unit_test(test_collect_first_fails),
		cmocka_unit_test(test_collect_no_message),
		cmocka_unit_test(test_collect_stop_fast),
		cmocka_unit_test(test_collect_concurrent),
		cmocka_unit_test(test_locked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
