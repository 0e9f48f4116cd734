// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The exporter's recent history: the collector keeps one poll per
 * CS_HISTORY_STEP_MS in a ring of CS_HISTORY_POINTS, the total and every
 * online CPU's work units per second, and GET /v1/history serves it, so
 * that the dashboard's live chart opens with the last minutes instead of
 * empty. Its memory is fixed when the first point comes: the ring's points
 * and, for each, room for the engine's CPUs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

void cs_history_init(struct cs_history *h)
{
	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->mu, NULL);
}

void cs_history_destroy(struct cs_history *h)
{
	free(h->cpu);
	h->cpu = NULL;
	pthread_mutex_destroy(&h->mu);
}

/* The ring's memory for @max_cpus CPUs a point; under h->mu. */
static int cs_history_alloc(struct cs_history *h, uint32_t max_cpus)
{
	uint32_t i;

	if (max_cpus > CS_VIEW_CPUS_MAX)
		max_cpus = CS_VIEW_CPUS_MAX;
	if (!max_cpus)
		max_cpus = 1;
	h->cpu = calloc((size_t)CS_HISTORY_POINTS * max_cpus, sizeof(*h->cpu));
	if (!h->cpu)
		return -ENOMEM;
	h->cap = max_cpus;
	for (i = 0; i < CS_HISTORY_POINTS; i++)
		h->pt[i].cpu = h->cpu + (size_t)i * max_cpus;
	return 0;
}

/* The newest point; h->n > 0, under h->mu. */
static const struct cs_history_point *cs_history_newest(const struct cs_history *h)
{
	return &h->pt[(h->next + CS_HISTORY_POINTS - 1) % CS_HISTORY_POINTS];
}

/**
 * cs_history_add() - keep a poll's view if it is time for a point
 * @h: the history
 * @v: the view of a poll that succeeded
 * @max_cpus: the CPUs a point may hold (the engine's CPU count); fixed by
 *	the first point, a view with more keeps the first ones
 * @poll_ms: the collector's period: a point is kept when
 *	CS_HISTORY_STEP_MS less half a period has passed since the newest
 *	one, so that polls every 500 ms keep every second one
 *
 * A view older than the newest point (the wall clock was set back) starts
 * the history again.
 *
 * Return: 1 when kept, 0 when not its time, -ENOMEM.
 */
int cs_history_add(struct cs_history *h, const struct cs_view *v,
		   uint32_t max_cpus, uint32_t poll_ms)
{
	struct cs_history_point *p;
	int ret = 1;
	uint32_t i;

	pthread_mutex_lock(&h->mu);
	if (!h->cap && cs_history_alloc(h, max_cpus)) {
		ret = -ENOMEM;
		goto out;
	}
	if (h->n) {
		int64_t since = v->time_ms - cs_history_newest(h)->time_ms;

		if (since < 0) {
			h->n = 0;
			h->next = 0;
		} else if (since < CS_HISTORY_STEP_MS - (int64_t)poll_ms / 2) {
			ret = 0;
			goto out;
		}
	}
	p = &h->pt[h->next];
	p->time_ms = v->time_ms;
	p->ops_per_sec = v->st.ops_per_sec;
	p->ncpus = v->ncpus < h->cap ? v->ncpus : h->cap;
	for (i = 0; i < p->ncpus; i++) {
		p->cpu[i].cpu = v->cpu[i].cpu;
		p->cpu[i].ops_milli = v->cpu[i].rate.ops_milli;
	}
	h->next = (h->next + 1) % CS_HISTORY_POINTS;
	if (h->n < CS_HISTORY_POINTS)
		h->n++;
out:
	pthread_mutex_unlock(&h->mu);
	return ret;
}

/**
 * cs_history_copy() - the points, oldest first
 * @h: the history
 * @out: one malloc'd block (free() it): the points, then their CPUs
 * @n: how many points
 *
 * The lock is held for the copy only: rendering it holds up no poll.
 *
 * Return: 0 or -ENOMEM.
 */
int cs_history_copy(struct cs_history *h, struct cs_history_point **out,
		    uint32_t *n)
{
	struct cs_history_point *pt;
	struct cs_history_cpu *cpu;
	uint32_t i;

	pthread_mutex_lock(&h->mu);
	pt = malloc(h->n * (sizeof(*pt) + (size_t)h->cap * sizeof(*cpu)) + 1);
	if (!pt) {
		pthread_mutex_unlock(&h->mu);
		return -ENOMEM;
	}
	cpu = (struct cs_history_cpu *)(pt + h->n);
	for (i = 0; i < h->n; i++) {
		const struct cs_history_point *src =
			&h->pt[(h->next + CS_HISTORY_POINTS - h->n + i) %
			       CS_HISTORY_POINTS];

		pt[i] = *src;
		pt[i].cpu = cpu;
		memcpy(cpu, src->cpu, src->ncpus * sizeof(*cpu));
		cpu += src->ncpus;
	}
	*n = h->n;
	pthread_mutex_unlock(&h->mu);
	*out = pt;
	return 0;
}
