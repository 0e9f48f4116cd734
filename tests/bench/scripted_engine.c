// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * TEST DOUBLE, for benchmarks and tests only (scripted_engine.h): a fake
 * engine of many CPUs whose counters advance at every poll.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scripted_engine.h"

struct scripted {
	uint32_t ncpus;
	uint64_t polls;
};

static int sc_status(struct cs_engine *e, struct cs_status *st)
{
	struct scripted *s = e->priv;

	memset(st, 0, sizeof(*st));
	st->running = true;
	st->busy_pct = 100;
	st->period_ms = 100;
	st->interval_ms = 1000;
	st->wu_kib = 512;
	st->wu_spins = 1;
	snprintf(st->cpus, sizeof(st->cpus), "all");
	snprintf(st->online, sizeof(st->online), "0-%u", s->ncpus - 1);
	snprintf(st->loaded, sizeof(st->loaded), "0-%u", s->ncpus - 1);
	st->ops_per_sec = 3000ULL * s->ncpus;
	st->units_total = 1500ULL * s->ncpus * s->polls;
	st->window_id = 1;
	st->run_id = 1;
	st->sample_seq = s->polls;
	return 0;
}

static int sc_snapshot(struct cs_engine *e, struct cs_snapshot *snap)
{
	struct scripted *s = e->priv;
	uint64_t t = ++s->polls;
	uint32_t i;

	if (snap->cap < s->ncpus) {
		struct cs_cpu_snap *p = realloc(snap->cpu,
						s->ncpus * sizeof(*p));

		if (!p)
			return -ENOMEM;
		snap->cpu = p;
		snap->cap = s->ncpus;
	}
	snap->ts_ns = cs_now_ns();
	snap->window_id = 1;
	snap->window_start_ns = 0;
	snap->ncpus = s->ncpus;
	for (i = 0; i < s->ncpus; i++) {
		struct cs_cpu_snap *c = &snap->cpu[i];
		uint64_t u = 1500 * t + i;

		memset(c, 0, sizeof(*c));
		c->cpu = i;
		c->state = CPUSTRESS_CPU_RUNNING;
		c->stats.units = u;
		c->stats.elements = u * 64;
		c->stats.busy_ns = t * 500000000ULL + i;
		c->stats.steal_ns = t * 1000000ULL + i;
		c->stats.wait_ns = t * 200000ULL + i;
		c->stats.irqs = t * 125 + i;
		/* Units of 300..400 us, spread over a few buckets. */
		c->stats.hist[cs_hist_bucket(300000)] = u / 2;
		c->stats.hist[cs_hist_bucket(330000 + 1000 * (i % 8))] = u / 3;
		c->stats.hist[cs_hist_bucket(400000)] = u - u / 2 - u / 3;
		c->rate.ops_milli = 3000000 + i;
		c->rate.busy_pm = 1000;
		c->rate.steal_pm = 2;
		c->rate.wait_pm = 1;
		c->rate.irqs_ps = 250;
		c->rate.p50_ns = 327000;
		c->rate.p90_ns = 344100;
		c->rate.p99_ns = 376800;
		c->rate.max_ns = 1204000;
		c->units_total = u;
	}
	return 0;
}

static int sc_nothing(struct cs_engine *e)
{
	(void)e;
	return 0;
}

static int sc_settings(struct cs_engine *e, const struct cs_settings *s)
{
	(void)e;
	(void)s;
	return 0;
}

static int sc_next_sample(struct cs_engine *e, int timeout_ms,
			  void (*cb)(const struct cs_sample *s, void *arg),
			  void *arg)
{
	(void)e;
	(void)timeout_ms;
	(void)cb;
	(void)arg;
	return 0;
}

static void sc_close(struct cs_engine *e)
{
	free(e->priv);
	free(e);
}

static const struct cs_engine_ops sc_ops = {
	.name = "scripted",
	.status = sc_status,
	.set = sc_settings,
	.start = sc_settings,
	.stop = sc_nothing,
	.reset_stats = sc_nothing,
	.snapshot = sc_snapshot,
	.next_sample = sc_next_sample,
	.close = sc_close,
};

int cs_engine_open_scripted(uint32_t ncpus, struct cs_engine **out)
{
	struct cs_engine *e;

	if (!ncpus || ncpus > CS_SCRIPTED_CPUS_MAX)
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->priv = calloc(1, sizeof(struct scripted));
	if (!e->priv) {
		free(e);
		return -ENOMEM;
	}
	((struct scripted *)e->priv)->ncpus = ncpus;
	e->ops = &sc_ops;
	*out = e;
	return 0;
}
