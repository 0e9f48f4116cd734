// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The user-space engine's sampler and measurement window: every
 * interval_ms, each CPU's rates over the interval, kept in a ring of recent
 * samples for status, snapshots and next_sample(); and the window that
 * reset_stats() opens. The twin of kmod/sampler.c.
 *
 * The sampler thread also fires the time limit. It starts with the first
 * start() or next_sample() and runs until close, so a stopped engine reads
 * 0 units/s after one interval, as the module does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/user.h"
#include "engine/procstat.h"
#include "util/words.h"

/*
 * Account steal time and interrupts since the last call to the CPUs whose
 * worker ran meanwhile. Called with ue->lock before every change of the
 * set of running workers, so a CPU is charged only while it was loaded.
 */
void ue_sys_account(struct ue_engine *ue)
{
	uint64_t *steal = calloc(2 * (size_t)ue->nposs, sizeof(*steal));
	uint64_t *irqs = steal + ue->nposs;
	bool have_steal, have_irqs;
	unsigned int cpu;

	if (!steal)
		return;
	have_steal = !cs_proc_steal(steal, ue->nposs);
	have_irqs = !cs_proc_irqs(irqs, ue->nposs);
	for (cpu = 0; cpu < ue->nposs; cpu++) {
		struct ue_cpu *c = &ue->cpu[cpu];
		struct cs_cpu_stats *s = &c->stats;

		if (c->w && have_steal && steal[cpu] >= c->steal_raw)
			CS_STAT_STORE(&s->steal_ns,
				 s->steal_ns + steal[cpu] - c->steal_raw);
		if (c->w && have_irqs && irqs[cpu] >= c->irqs_raw)
			CS_STAT_STORE(&s->irqs, s->irqs + irqs[cpu] - c->irqs_raw);
		if (have_steal)
			c->steal_raw = steal[cpu];
		if (have_irqs)
			c->irqs_raw = irqs[cpu];
	}
	free(steal);
}

/*
 * Snapshot every CPU's counters into @dst, after bringing steal and
 * interrupts up to date; ue->lock held.
 */
static void ue_stats_read_all(struct ue_engine *ue, struct cs_cpu_stats *dst)
{
	unsigned int cpu;

	ue_sys_account(ue);
	for (cpu = 0; cpu < ue->nposs; cpu++)
		cs_stats_snapshot(&ue->cpu[cpu].stats, &dst[cpu]);
}

/**
 * ue_sample_newest() - the newest sample, all zeros before the first
 * @ue: the engine, ue->lock held
 */
const struct ue_sample *ue_sample_newest(const struct ue_engine *ue)
{
	return &ue->smp.ring[ue->smp.seq % UE_SAMPLE_RING];
}

/* One sample: the rates of every CPU since the previous one. */
static void ue_sample_take(struct ue_engine *ue, uint64_t now)
{
	struct ue_sample *s = &ue->smp.ring[(ue->smp.seq + 1) % UE_SAMPLE_RING];
	uint64_t dt = now - ue->smp.prev_ts;
	struct cs_cpu_stats *swap;
	unsigned int cpu;

	if (!dt)
		return;
	ue_stats_read_all(ue, ue->smp.cur);
	s->ncpus = 0;
	s->ops_per_sec = 0;
	for (cpu = 0; cpu < ue->nposs; cpu++) {
		const struct cs_cpu_stats *prev = &ue->smp.prev[cpu];
		const struct cs_cpu_stats *cur = &ue->smp.cur[cpu];
		struct ue_sample_cpu *c = &s->cpu[cpu];

		cs_rate_compute(prev, cur, dt, ue_elems_per_unit(ue), &c->rate);
		s->ops_per_sec += cs_rate_ops(&c->rate);
		c->state = ue_cpu_state(ue, cpu);
		/* Loaded now, or during the interval (stopped since). */
		c->listed = ue->cpu[cpu].w || cur->elements != prev->elements;
		s->ncpus += c->listed;
	}
	s->ts_ns = now;
	s->dt_ns = dt;
	ue->smp.seq++;
	swap = ue->smp.prev;
	ue->smp.prev = ue->smp.cur;
	ue->smp.cur = swap;
	ue->smp.prev_ts = now;
	pthread_cond_broadcast(&ue->smp.done);
}

static void *ue_sampler_fn(void *arg)
{
	struct ue_engine *ue = arg;
	uint64_t now, interval, wake;

	pthread_mutex_lock(&ue->lock);
	while (!ue->smp.quit) {
		now = cs_now_ns();
		if (ue->running && ue->deadline_ns && now >= ue->deadline_ns)
			ue_stop_locked(ue);
		if (now >= ue->smp.next_ns) {
			ue_sample_take(ue, now);
			/* A fixed grid, unless a whole interval was missed. */
			interval = ue->interval_ms * CS_NSEC_PER_MSEC;
			ue->smp.next_ns += interval;
			if (ue->smp.next_ns <= now)
				ue->smp.next_ns = now + interval;
		}
		wake = ue->smp.next_ns;
		if (ue->running && ue->deadline_ns && ue->deadline_ns < wake)
			wake = ue->deadline_ns;
		ue_cond_wait_until(&ue->smp.kick, &ue->lock, wake);
	}
	pthread_mutex_unlock(&ue->lock);
	return NULL;
}

/* Start the sampler unless it runs; ue->lock held. */
int ue_sampler_start(struct ue_engine *ue)
{
	int ret;

	if (ue->smp.on)
		return 0;
	ue_stats_read_all(ue, ue->smp.prev);
	ue->smp.prev_ts = cs_now_ns();
	ue->smp.next_ns = ue->smp.prev_ts + ue->interval_ms * CS_NSEC_PER_MSEC;
	ret = ue_thread_create(&ue->smp.thread, "cpustress-smp", -1,
			       ue_sampler_fn, ue);
	if (ret)
		return ue_err(ue, ret, "cannot start the sampler thread: %s",
			      strerror(-ret));
	ue->smp.on = true;
	return 0;
}

int ue_reset_stats(struct cs_engine *e)
{
	struct ue_engine *ue = ue_of(e);

	pthread_mutex_lock(&ue->lock);
	ue_stats_read_all(ue, ue->win_base);
	ue->win_start_ns = cs_now_ns();
	ue->win_id++;
	pthread_mutex_unlock(&ue->lock);
	return 0;
}

/*
 * The recent rates of @cpu as the module gives them (kmod/sampler.c): its
 * newest samples, newest first, back to one taken while its worker was not
 * running; ue->lock held.
 */
static void ue_sample_recent(const struct ue_engine *ue, unsigned int cpu,
			     struct cs_recent *r)
{
	uint64_t have = ue->smp.seq < UE_SAMPLE_RING ? ue->smp.seq : UE_SAMPLE_RING;
	struct cs_recent_buf b;
	uint64_t i;

	cs_recent_init(&b);
	for (i = 0; i < have; i++) {
		const struct ue_sample_cpu *c =
			&ue->smp.ring[(ue->smp.seq - i) % UE_SAMPLE_RING].cpu[cpu];

		if (c->state != CPUSTRESS_CPU_RUNNING ||
		    !cs_recent_add(&b, c->rate.ops_milli))
			break;
	}
	cs_recent_get(&b, r);
}

int ue_snapshot(struct cs_engine *e, struct cs_snapshot *snap)
{
	struct ue_engine *ue = ue_of(e);
	struct cs_cpu_snap *cpus;
	unsigned int cpu;

	if (snap->cap < ue->nposs) {
		cpus = realloc(snap->cpu, ue->nposs * sizeof(*cpus));
		if (!cpus)
			return ue_err(ue, -ENOMEM, "out of memory for a snapshot of %u %s",
				      ue->nposs,
				      cs_plural(ue->nposs, "CPU", "CPUs"));
		snap->cpu = cpus;
		snap->cap = ue->nposs;
	}
	pthread_mutex_lock(&ue->lock);
	ue_online_read(ue);
	ue_sys_account(ue);
	for (cpu = 0; cpu < ue->nposs; cpu++) {
		struct cs_cpu_snap *cs = &snap->cpu[cpu];

		cs->cpu = cpu;
		cs->state = ue_cpu_state(ue, cpu);
		cs_stats_snapshot(&ue->cpu[cpu].stats, &cs->stats);
		cs->units_total = cs->stats.units;
		cs_stats_window(&cs->stats, &ue->win_base[cpu]);
		cs->rate = ue_sample_newest(ue)->cpu[cpu].rate;
		ue_sample_recent(ue, cpu, &cs->recent);
	}
	snap->ncpus = ue->nposs;
	snap->ts_ns = cs_now_ns();
	snap->window_id = ue->win_id;
	snap->window_start_ns = ue->win_start_ns;
	pthread_mutex_unlock(&ue->lock);
	return 0;
}

/* The sample handed to next_sample()'s callback: the listed CPUs. */
static struct cs_sample *ue_sample_export(const struct ue_engine *ue,
					  uint64_t seq)
{
	const struct ue_sample *u = &ue->smp.ring[seq % UE_SAMPLE_RING];
	struct cs_sample *s;
	unsigned int cpu;

	s = calloc(1, sizeof(*s) + u->ncpus * sizeof(s->cpu[0]));
	if (!s)
		return NULL;
	s->seq = seq;
	s->ts_ns = u->ts_ns;
	s->dt_ns = u->dt_ns;
	s->ops_per_sec = u->ops_per_sec;
	for (cpu = 0; cpu < ue->nposs; cpu++) {
		struct cs_cpu_snap *c;

		if (!u->cpu[cpu].listed)
			continue;
		c = &s->cpu[s->ncpus++];
		c->cpu = cpu;
		c->state = u->cpu[cpu].state;
		c->rate = u->cpu[cpu].rate;
	}
	return s;
}

/*
 * From the first call on, every sample in order, as the kernel engine's
 * socket queues SAMPLE events. A timeout_ms of 0 or less does not wait.
 * The sampler starts here if no start() did yet: samples of a stopped
 * engine read 0 units/s.
 */
int ue_next_sample(struct cs_engine *e, int timeout_ms,
		   void (*cb)(const struct cs_sample *s, void *arg),
		   void *arg)
{
	struct ue_engine *ue = ue_of(e);
	uint64_t until = cs_now_ns() +
			 (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) *
			 CS_NSEC_PER_MSEC;
	struct cs_sample *s = NULL;
	int ret;

	pthread_mutex_lock(&ue->lock);
	ret = ue_sampler_start(ue);
	if (!ret && !ue->smp.listening) {
		ue->smp.listening = true;
		ue->smp.delivered = ue->smp.seq;
	}
	while (!ret && ue->smp.seq == ue->smp.delivered)
		if (ue_cond_wait_until(&ue->smp.done, &ue->lock,
				       until) == ETIMEDOUT)
			break;
	if (!ret && ue->smp.seq != ue->smp.delivered) {
		/* Overrun: the oldest ones are gone, as from a full socket. */
		if (ue->smp.seq - ue->smp.delivered > UE_SAMPLE_RING)
			ue->smp.delivered = ue->smp.seq - UE_SAMPLE_RING;
		s = ue_sample_export(ue, ue->smp.delivered + 1);
		if (s)
			ue->smp.delivered++;
		else
			ret = ue_err(ue, -ENOMEM, "out of memory for a sample");
	}
	pthread_mutex_unlock(&ue->lock);
	if (!s)
		return ret;
	/* Outside the lock: the callback may call the engine. */
	if (cb)
		cb(s, arg);
	free(s);
	return 1;
}

int ue_sampler_alloc(struct ue_engine *ue)
{
	size_t n = ue->nposs;
	unsigned int i;

	ue->win_base = calloc(n, sizeof(*ue->win_base));
	ue->smp.prev = calloc(n, sizeof(*ue->smp.prev));
	ue->smp.cur = calloc(n, sizeof(*ue->smp.cur));
	if (!ue->win_base || !ue->smp.prev || !ue->smp.cur)
		return -ENOMEM;
	for (i = 0; i < UE_SAMPLE_RING; i++) {
		ue->smp.ring[i].cpu = calloc(n, sizeof(*ue->smp.ring[i].cpu));
		if (!ue->smp.ring[i].cpu)
			return -ENOMEM;
	}
	return 0;
}

/* Free what ue_sampler_alloc() got, even partly; the sampler has ended. */
void ue_sampler_free(struct ue_engine *ue)
{
	unsigned int i;

	for (i = 0; i < UE_SAMPLE_RING; i++)
		free(ue->smp.ring[i].cpu);
	free(ue->smp.cur);
	free(ue->smp.prev);
	free(ue->win_base);
}
