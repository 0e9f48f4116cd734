// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The collector: one thread polls the engine (status and snapshot) every
 * poll period and publishes what it saw as a struct cs_view. Request
 * threads only copy the newest view, so a slow engine or a running sweep
 * never holds up a scrape.
 *
 * Totals that never go down. The engine's per-CPU counters cover the
 * current statistics window, and a sweep opens a new one (RESET_STATS),
 * where they start again from 0. For each CPU the collector remembers the
 * window's counters at its previous poll and adds their growth:
 * - same window as before: the difference;
 * - a new window: the new window's counters whole (they started from 0 when
 *   it opened; what grew between the previous poll and the reset is lost);
 * - a counter lower than at the previous poll in the same window (the
 *   module was reloaded): a restart, the new counters are added whole.
 * The first poll that sees a CPU takes its counters as the starting point,
 * so the totals count from the exporter's start.
 *
 * Totals are kept by CPU number for every CPU the snapshots list, offline
 * ones included, so a CPU that goes offline and comes back keeps them; the
 * view shows the CPUs that are not offline.
 *
 * A failed poll marks the view down with the engine's message and keeps
 * the last good poll's data, its seq and its time (the time of the failed
 * attempt when no poll has succeeded yet); polling goes on, and the next
 * success brings the view up again (a reloaded module, for one).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/serve.h"

/* What the collector keeps of one CPU between polls. */
struct cs_acc {
	uint64_t window_id;
	struct cs_cpu_stats last;	/* the window's counters last poll */
	struct cs_view_cpu tot;		/* the totals (only the counters) */
};

/**
 * struct cs_collector - the collector thread and its views
 * @e: the engine handle (owned)
 * @poll_ms: the poll period
 * @thread: the collector thread
 * @mu: protects @front: readers share it, and a waiting writer goes first,
 *       so that a flood of requests never starves the collector's swap
 * @stop_mu: protects @stop (a mutex of its own, so that readers of the
 *           view never delay the thread's wake-up)
 * @cond: signalled by cs_collector_stop()
 * @stop: the thread is to end
 * @front: the newest view, what cs_collector_view() copies
 * @back: the view being built by a poll, then swapped with @front
 * @snap: snapshot storage
 * @acc: per CPU number, allocated when the CPU is first seen
 * @render_flags: CS_RENDER_* for @text
 * @text: the view's part of /metrics, rendered from @front after each poll
 *        (p NULL if that ran out of memory); guarded by @mu
 * @spare: the text before, whose buffer the next poll renders into
 * @hist: the recent history, a point about every CS_HISTORY_STEP_MS (a
 *        lock of its own: a request copying it never delays the views)
 */
struct cs_collector {
	struct cs_engine *e;
	uint32_t poll_ms;
	pthread_t thread;
	pthread_rwlock_t mu;
	pthread_mutex_t stop_mu;
	pthread_cond_t cond;
	bool stop;
	struct cs_view front;
	struct cs_view back;
	struct cs_snapshot snap;
	struct cs_acc **acc;
	unsigned int render_flags;
	struct cs_text text;
	struct cs_text spare;
	struct cs_history hist;
};

static int64_t cs_realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Did any counter of @cur go down since @prev (a restart)? */
static bool cs_went_down(const struct cs_cpu_stats *prev,
			 const struct cs_cpu_stats *cur)
{
	unsigned int b;

	if (cur->steal_ns < prev->steal_ns || cur->wait_ns < prev->wait_ns ||
	    cur->irqs < prev->irqs || cur->busy_ns < prev->busy_ns ||
	    cur->selfcheck_errors < prev->selfcheck_errors ||
	    cur->units < prev->units)
		return true;
	for (b = 0; b < CS_HIST_BUCKETS; b++)
		if (cur->hist[b] < prev->hist[b])
			return true;
	return false;
}

/* Add the growth of one CPU's counters to its totals. */
static void cs_acc_add(struct cs_acc *a, uint64_t window_id,
		       const struct cs_cpu_stats *cur)
{
	static const struct cs_cpu_stats zero;
	const struct cs_cpu_stats *base = &a->last;
	unsigned int b;

	if (a->window_id != window_id || cs_went_down(&a->last, cur))
		base = &zero;
	a->tot.steal_ns += cur->steal_ns - base->steal_ns;
	a->tot.wait_ns += cur->wait_ns - base->wait_ns;
	a->tot.irqs += cur->irqs - base->irqs;
	a->tot.busy_ns += cur->busy_ns - base->busy_ns;
	a->tot.selfcheck_errors += cur->selfcheck_errors -
				   base->selfcheck_errors;
	for (b = 0; b < CS_HIST_BUCKETS; b++) {
		uint64_t d = cur->hist[b] - base->hist[b];

		a->tot.hist[b] += d;
		a->tot.hist_count += d;
	}
	a->window_id = window_id;
	a->last = *cur;
}

/* The totals of @cs's CPU, brought up to date; NULL without memory. */
static struct cs_acc *cs_acc_update(struct cs_collector *c, uint64_t window_id,
				    const struct cs_cpu_snap *cs)
{
	struct cs_acc *a = c->acc[cs->cpu];

	if (a) {
		cs_acc_add(a, window_id, &cs->stats);
		return a;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	/* First seen: its counters now are the starting point. */
	a->window_id = window_id;
	a->last = cs->stats;
	c->acc[cs->cpu] = a;
	return a;
}

/*
 * The host's histogram: every CPU seen, offline ones too, so that a CPU
 * going offline takes nothing away from it.
 */
static void cs_host_totals(const struct cs_collector *c,
			   struct cs_view_cpu *h)
{
	unsigned int i, b;

	for (i = 0; i < CS_VIEW_CPUS_MAX; i++) {
		const struct cs_acc *a = c->acc[i];

		if (!a)
			continue;
		for (b = 0; b < CS_HIST_BUCKETS; b++)
			h->hist[b] += a->tot.hist[b];
		h->hist_count += a->tot.hist_count;
		h->busy_ns += a->tot.busy_ns;
	}
}

/* Fill @c->back from the snapshot; returns 0 or -ENOMEM. */
static int cs_build_view(struct cs_collector *c, const struct cs_status *st)
{
	const struct cs_snapshot *snap = &c->snap;
	struct cs_view *v = &c->back;
	uint32_t i;

	v->ncpus = 0;
	memset(&v->host, 0, sizeof(v->host));
	for (i = 0; i < snap->ncpus; i++) {
		const struct cs_cpu_snap *cs = &snap->cpu[i];
		struct cs_view_cpu *vc;
		struct cs_acc *a;

		if (cs->cpu >= CS_VIEW_CPUS_MAX)
			continue;
		a = cs_acc_update(c, snap->window_id, cs);
		if (!a) {
			snprintf(v->err, sizeof(v->err),
				 "out of memory for the totals of CPU %u",
				 cs->cpu);
			return -ENOMEM;
		}
		if (cs->state == CPUSTRESS_CPU_OFFLINE ||
		    v->ncpus >= CS_VIEW_CPUS_MAX)
			continue;
		vc = &v->cpu[v->ncpus++];
		*vc = a->tot;
		vc->cpu = cs->cpu;
		vc->state = cs->state;
		vc->rate = cs->rate;
		vc->recent = cs->recent;
		vc->units_total = cs->units_total;
	}
	cs_host_totals(c, &v->host);
	v->st = *st;
	v->up = true;
	v->err[0] = '\0';
	v->time_ms = cs_realtime_ms();
	v->seq = c->front.seq + 1;
	snprintf(v->engine, sizeof(v->engine), "%s", c->e->ops->name);
	return 0;
}

/*
 * Render @v's part of /metrics and make it the one served. Only the
 * collector thread writes the views, so it reads @v without the lock.
 */
static void cs_publish_text(struct cs_collector *c, const struct cs_view *v)
{
	struct cs_text t;

	cs_render_metrics_view(v, c->render_flags, &c->spare);
	pthread_rwlock_wrlock(&c->mu);
	t = c->text;
	c->text = c->spare;
	c->spare = t;
	pthread_rwlock_unlock(&c->mu);
}

/* Mark the view down with the engine's message, keeping the last data. */
static void cs_view_down(struct cs_collector *c, const char *what, int ret,
			 const char *msg)
{
	struct cs_view *v = &c->front;

	pthread_rwlock_wrlock(&c->mu);
	v->up = false;
	if (msg && msg[0])
		snprintf(v->err, sizeof(v->err), "%s", msg);
	else
		snprintf(v->err, sizeof(v->err), "the %s engine's %s failed: %s",
			 c->e->ops->name, what, strerror(-ret));
	if (!v->seq)
		v->time_ms = cs_realtime_ms();
	pthread_rwlock_unlock(&c->mu);
	cs_publish_text(c, v);
}

/* One poll: the engine's status and snapshot, then a new view. */
static void cs_poll(struct cs_collector *c)
{
	struct cs_status st;
	struct cs_view tmp;
	struct cs_text text;
	int ret;

	memset(&st, 0, sizeof(st));
	ret = c->e->ops->status(c->e, &st);
	if (ret < 0) {
		cs_view_down(c, "status", ret, c->e->err);
		return;
	}
	ret = c->e->ops->snapshot(c->e, &c->snap);
	if (ret < 0) {
		cs_view_down(c, "snapshot", ret, c->e->err);
		return;
	}
	/* Only this thread writes seq: reading it unlocked is safe. */
	if (cs_build_view(c, &st) < 0) {
		cs_view_down(c, "snapshot", -ENOMEM, c->back.err);
		return;
	}
	cs_render_metrics_view(&c->back, c->render_flags, &c->spare);
	pthread_rwlock_wrlock(&c->mu);
	tmp = c->front;
	c->front = c->back;
	c->back = tmp;
	text = c->text;
	c->text = c->spare;
	c->spare = text;
	pthread_rwlock_unlock(&c->mu);
	/* Out of memory: no point this time, the next poll tries again. */
	cs_history_add(&c->hist, &c->front, c->snap.ncpus, c->poll_ms);
}

static void *cs_collector_thread(void *arg)
{
	struct cs_collector *c = arg;
	uint64_t period = (uint64_t)c->poll_ms * 1000000, next;

	next = cs_now_ns() + period;
	pthread_mutex_lock(&c->stop_mu);
	while (!c->stop) {
		struct timespec ts = {
			.tv_sec = (time_t)(next / CS_NSEC_PER_SEC),
			.tv_nsec = (long)(next % CS_NSEC_PER_SEC),
		};
		uint64_t now;

		if (pthread_cond_timedwait(&c->cond, &c->stop_mu, &ts) !=
		    ETIMEDOUT)
			continue;	/* woken: check stop; or spurious */
		pthread_mutex_unlock(&c->stop_mu);
		cs_poll(c);
		now = cs_now_ns();
		next += period;
		if (next <= now)	/* a slow poll: no catching up */
			next = now + period;
		pthread_mutex_lock(&c->stop_mu);
	}
	pthread_mutex_unlock(&c->stop_mu);
	return NULL;
}

static int cs_view_alloc(struct cs_view *v)
{
	v->cpu = calloc(CS_VIEW_CPUS_MAX, sizeof(*v->cpu));
	return v->cpu ? 0 : -ENOMEM;
}

static void cs_collector_free(struct cs_collector *c)
{
	unsigned int i;

	if (c->acc)
		for (i = 0; i < CS_VIEW_CPUS_MAX; i++)
			free(c->acc[i]);
	free(c->acc);
	free(c->text.p);
	free(c->spare.p);
	cs_history_destroy(&c->hist);
	cs_view_free(&c->front);
	cs_view_free(&c->back);
	cs_snapshot_free(&c->snap);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->stop_mu);
	pthread_rwlock_destroy(&c->mu);
	free(c);
}

/**
 * cs_collector_start() - poll an engine on a thread of its own
 * @e: the engine handle; the collector owns it once this succeeds (and
 *     closes it in cs_collector_stop()); on failure it stays the caller's
 * @poll_ms: the poll period in ms, at least 1
 * @render_flags: CS_RENDER_* for the /metrics text
 * @out: the collector
 *
 * The first poll is done before this returns, so a view is ready at once;
 * its @up says whether the engine answered. The thread blocks every signal.
 *
 * Return: 0, -EINVAL for a poll period of 0, -ENOMEM, or the negative
 * errno of pthread_create().
 */
int cs_collector_start(struct cs_engine *e, uint32_t poll_ms,
		       unsigned int render_flags, struct cs_collector **out)
{
	struct cs_collector *c;
	pthread_condattr_t ca;
	pthread_rwlockattr_t ra;
	sigset_t all, old;
	int ret;

	if (!poll_ms)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&c->mu, &ra);
	pthread_rwlockattr_destroy(&ra);
	pthread_mutex_init(&c->stop_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	ret = -pthread_cond_init(&c->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (ret) {
		pthread_mutex_destroy(&c->stop_mu);
		pthread_rwlock_destroy(&c->mu);
		free(c);
		return ret;
	}
	cs_history_init(&c->hist);
	c->e = e;
	c->poll_ms = poll_ms;
	c->render_flags = render_flags;
	c->acc = calloc(CS_VIEW_CPUS_MAX, sizeof(*c->acc));
	if (!c->acc || cs_view_alloc(&c->front) || cs_view_alloc(&c->back)) {
		cs_collector_free(c);
		return -ENOMEM;
	}
	snprintf(c->front.engine, sizeof(c->front.engine), "%s",
		 e->ops->name);
	cs_poll(c);

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = -pthread_create(&c->thread, NULL, cs_collector_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		cs_collector_free(c);
		return ret;
	}
	pthread_setname_np(c->thread, "cs-collect");
	*out = c;
	return 0;
}

/**
 * cs_collector_stop() - end the thread, close the engine handle, free all
 * @c: the collector, or NULL
 *
 * Returns as soon as a poll in progress ends, without waiting for the
 * period to run out.
 */
void cs_collector_stop(struct cs_collector *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->stop_mu);
	c->stop = true;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->stop_mu);
	pthread_join(c->thread, NULL);
	cs_engine_close(c->e);
	cs_collector_free(c);
}

/**
 * cs_collector_view() - copy the newest view
 * @c: the collector
 * @v: zero-initialised the first time; its cpu array (CS_VIEW_CPUS_MAX
 *     entries) is allocated then and reused after. cs_view_free() frees it.
 *
 * Return: 0 or -ENOMEM.
 */
int cs_collector_view(struct cs_collector *c, struct cs_view *v)
{
	struct cs_view_cpu *cpu = v->cpu;

	if (!cpu) {
		cpu = malloc(CS_VIEW_CPUS_MAX * sizeof(*cpu));
		if (!cpu)
			return -ENOMEM;
	}
	pthread_rwlock_rdlock(&c->mu);
	*v = c->front;
	v->cpu = cpu;
	memcpy(cpu, c->front.cpu, c->front.ncpus * sizeof(*cpu));
	pthread_rwlock_unlock(&c->mu);
	return 0;
}

/**
 * cs_collector_view_head() - copy the newest view without its CPUs
 * @c: the collector
 * @v: gets every field but @cpu (left alone); @ncpus is set to 0
 *
 * For answers that need no CPU (/cpu-perf): a few hundred bytes copied
 * rather than some 2 KiB per CPU.
 */
void cs_collector_view_head(struct cs_collector *c, struct cs_view *v)
{
	struct cs_view_cpu *cpu = v->cpu;

	pthread_rwlock_rdlock(&c->mu);
	*v = c->front;
	pthread_rwlock_unlock(&c->mu);
	v->cpu = cpu;
	v->ncpus = 0;
}

/**
 * cs_collector_metrics() - the /metrics answer of the newest view
 * @c: the collector
 * @i: the request-time fields (build info, load tests, request counters)
 * @out: the body, malloc'd
 * @len: its length
 *
 * The view's families are the text rendered at its poll: serving them
 * costs one copy, however many CPUs there are.
 *
 * Return: 0, or -ENOMEM (also when rendering at the poll ran out of it).
 */
int cs_collector_metrics(struct cs_collector *c,
			 const struct cs_serve_info *i, char **out,
			 size_t *len)
{
	int ret = -ENOMEM;

	pthread_rwlock_rdlock(&c->mu);
	if (c->text.p)
		ret = cs_render_metrics_wrap(c->front.engine, c->text.p,
					     c->text.len, i, out, len);
	pthread_rwlock_unlock(&c->mu);
	return ret;
}

/**
 * cs_collector_history() - the /v1/history answer
 * @c: the collector
 * @out: the body, malloc'd
 * @len: its length
 *
 * Return: 0 or -ENOMEM.
 */
int cs_collector_history(struct cs_collector *c, char **out, size_t *len)
{
	struct cs_history_point *pt;
	uint32_t n;
	int ret;

	ret = cs_history_copy(&c->hist, &pt, &n);
	if (ret)
		return ret;
	ret = cs_render_history(pt, n, out, len);
	free(pt);
	return ret;
}

void cs_view_free(struct cs_view *v)
{
	free(v->cpu);
	v->cpu = NULL;
	v->ncpus = 0;
}
