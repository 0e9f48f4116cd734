// SPDX-License-Identifier: GPL-2.0
/*
 * cpustress sampler: every interval_ms, turn each CPU's counters into rates
 * over the interval. The samples are written round a ring of CS_RING_LEN.
 * The newest, ring[head], is what cs_sample_cpu() and cs_sample_latest()
 * give sysfs, /proc and GET_STATS; GET_STATS also gets, from the samples
 * before it, how steady each CPU's rate has been (cs_sample_cpu()'s
 * @recent: include/cpustress/recent.h).
 *
 * The sampler runs whether or not the workers do, so a stopped module reads
 * 0 ops/s after one interval, and the first interval after a start already
 * shows the load. Each sample also goes to the notify callback given at
 * init (netlink.c's SAMPLE event) before it becomes the newest.
 *
 * Also here: the measurement window of GET_STATS. Counters never reset; a
 * window is a base snapshot that RESET_STATS replaces.
 */
#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "cpustress.h"

#define CS_RING_LEN	64
static_assert(CS_RECENT_MAX <= CS_RING_LEN);

/* Told of every sample (netlink.c's SAMPLE event), set at init. */
static void (*cs_sample_notify)(u64 seq, u64 ts_ns, u64 dt_ns, u64 ops_total,
				const struct cs_cpu_rate *rates);

/**
 * struct cs_sample - all CPUs over one interval
 * @seq: 1 for the first sample after load, then +1 each
 * @ts_ns: end of the interval, monotonic
 * @dt_ns: length of the interval
 * @ops_total: sum of the CPUs' rounded units per second
 * @cpu: per-CPU rates, nr_cpu_ids entries
 * @running: the CPUs whose worker ran when the sample was taken
 */
struct cs_sample {
	u64 seq;
	u64 ts_ns;
	u64 dt_ns;
	u64 ops_total;
	struct cs_cpu_rate *cpu;
	unsigned long *running;
};

/**
 * struct cs_sampler - the sampler's state
 * @work: the periodic work
 * @lock: protects everything below
 * @ring: the samples, @ring[@head] the newest
 * @head: index of the newest sample in @ring
 * @seq: sequence number of the newest sample, 0 before the first
 * @prev_ts: end of the previous interval
 * @prev: per-CPU counters at @prev_ts
 * @cur: per-CPU counters now, swapped with @prev after each sample
 */
struct cs_sampler {
	struct delayed_work work;
	struct mutex lock; /* see kernel-doc above */
	struct cs_sample ring[CS_RING_LEN];
	unsigned int head;
	u64 seq;
	u64 prev_ts;
	struct cs_cpu_stats *prev;
	struct cs_cpu_stats *cur;
};

static struct cs_sampler cs_smp;

/**
 * struct cs_window - the measurement window
 * @lock: protects the members below
 * @id: 1 from load, +1 on every reset
 * @start_ns: when it opened, monotonic
 * @base: per-CPU counters when it opened
 */
struct cs_window {
	struct mutex lock; /* see kernel-doc above */
	u64 id;
	u64 start_ns;
	struct cs_cpu_stats *base;
};

static struct cs_window cs_win;

static unsigned long cs_interval_jiffies(void)
{
	return msecs_to_jiffies(READ_ONCE(cs_cfg.interval_ms));
}

static void cs_sampler_fn(struct work_struct *work)
{
	struct cs_sampler *sp = container_of(to_delayed_work(work),
					     struct cs_sampler, work);
	u64 epu = cs_elems_per_unit();
	struct cs_cpu_stats *swap;
	struct cs_sample *s;
	unsigned int cpu;
	u64 now, total = 0;

	mutex_lock(&sp->lock);
	now = ktime_get_ns();
	if (now == sp->prev_ts)
		goto out;
	s = &sp->ring[(sp->head + 1) % CS_RING_LEN];
	for_each_possible_cpu(cpu) {
		cs_stats_snapshot(&cs_cpu_get(cpu)->stats, &sp->cur[cpu]);
		cs_rate_compute(&sp->prev[cpu], &sp->cur[cpu],
				now - sp->prev_ts, epu, &s->cpu[cpu]);
		total += cs_rate_ops(&s->cpu[cpu]);
		/* As cs_cpu_state() tells CPUSTRESS_CPU_RUNNING. */
		__assign_bit(cpu, s->running, READ_ONCE(cs_cpu_get(cpu)->task));
	}
	s->seq = ++sp->seq;
	s->ts_ns = now;
	s->dt_ns = now - sp->prev_ts;
	s->ops_total = total;
	if (cs_sample_notify)
		cs_sample_notify(s->seq, s->ts_ns, s->dt_ns, s->ops_total, s->cpu);
	sp->head = (sp->head + 1) % CS_RING_LEN;
	swap = sp->prev;
	sp->prev = sp->cur;
	sp->cur = swap;
	sp->prev_ts = now;
out:
	/* Under the lock, and mod_: see cs_sampler_reschedule(). */
	mod_delayed_work(system_unbound_wq, &sp->work, cs_interval_jiffies());
	mutex_unlock(&sp->lock);
}

/* @cpu's recent rates, newest first, back to a sample taken while idle. */
static void cs_sample_recent(unsigned int cpu, struct cs_recent *recent)
{
	const struct cs_sample *s;
	struct cs_recent_buf b;
	unsigned int i, have;

	lockdep_assert_held(&cs_smp.lock);
	cs_recent_init(&b);
	have = min_t(u64, cs_smp.seq, CS_RING_LEN);
	for (i = 0; i < have; i++) {
		s = &cs_smp.ring[(cs_smp.head + CS_RING_LEN - i) % CS_RING_LEN];
		if (!test_bit(cpu, s->running) ||
		    !cs_recent_add(&b, s->cpu[cpu].ops_milli))
			break;
	}
	cs_recent_get(&b, recent);
}

/**
 * cs_sample_cpu() - the newest sample of one CPU, and how steady it is
 * @cpu: a possible CPU
 * @r: the rates; zeroed when there is no sample yet
 * @recent: if not NULL, set to the median, p10 and p90 of ops_milli over
 *	the CPU's newest samples (the newest included), at most
 *	CS_RECENT_MAX, back to the first one taken while its worker was not
 *	running: so a stopped or idle CPU has none (n 0), and a run counts
 *	from its start
 *
 * Return: true if a sample exists.
 */
bool cs_sample_cpu(unsigned int cpu, struct cs_cpu_rate *r,
		   struct cs_recent *recent)
{
	bool have;

	mutex_lock(&cs_smp.lock);
	have = cs_smp.seq != 0;
	if (have)
		*r = cs_smp.ring[cs_smp.head].cpu[cpu];
	else
		memset(r, 0, sizeof(*r));
	if (recent)
		cs_sample_recent(cpu, recent);
	mutex_unlock(&cs_smp.lock);
	return have;
}

/**
 * cs_sample_latest() - the newest sample's total rate and sequence number
 * @seq: set to the sequence number, 0 before the first sample; may be NULL
 *
 * Return: units per second of all CPUs: the sum of the per-CPU rounded
 * rates, so that it equals the sum of the per-CPU files; 0 before the first
 * sample.
 */
u64 cs_sample_latest(u64 *seq)
{
	u64 ops = 0;

	mutex_lock(&cs_smp.lock);
	if (seq)
		*seq = cs_smp.seq;
	if (cs_smp.seq)
		ops = cs_smp.ring[cs_smp.head].ops_total;
	mutex_unlock(&cs_smp.lock);
	return ops;
}

/**
 * cs_window_current() - the measurement window's id and start
 * @start_ns: set to when it opened
 *
 * Return: the window's id.
 */
u64 cs_window_current(u64 *start_ns)
{
	u64 id;

	mutex_lock(&cs_win.lock);
	id = cs_win.id;
	*start_ns = cs_win.start_ns;
	mutex_unlock(&cs_win.lock);
	return id;
}

/**
 * cs_window_reset() - open a new measurement window now
 */
void cs_window_reset(void)
{
	unsigned int cpu;

	mutex_lock(&cs_win.lock);
	for_each_possible_cpu(cpu)
		cs_stats_snapshot(&cs_cpu_get(cpu)->stats, &cs_win.base[cpu]);
	cs_win.start_ns = ktime_get_ns();
	cs_win.id++;
	mutex_unlock(&cs_win.lock);
}

/**
 * cs_window_read() - a CPU's counters over the measurement window
 * @cpu: a possible CPU
 * @delta: counters now minus at the window's start; unit_max_ns and
 *	selfcheck_errors are since load
 * @start_ns: set to when the window opened
 *
 * Return: the window's id.
 */
u64 cs_window_read(unsigned int cpu, struct cs_cpu_stats *delta, u64 *start_ns)
{
	u64 id;

	cs_stats_snapshot(&cs_cpu_get(cpu)->stats, delta);
	mutex_lock(&cs_win.lock);
	cs_stats_window(delta, &cs_win.base[cpu]);
	id = cs_win.id;
	*start_ns = cs_win.start_ns;
	mutex_unlock(&cs_win.lock);
	return id;
}

/**
 * cs_sampler_reschedule() - take a new interval_ms into account now
 *
 * The next sample is due one new interval after the previous one, or at
 * once if that time has passed; counting from now instead would let a
 * stream of interval_ms writes (even of the same value) hold every sample
 * back. Both this and the sampler set the timer under the sampler's lock,
 * so the last one to set it has seen the newest sample.
 */
void cs_sampler_reschedule(void)
{
	u64 due, now;

	mutex_lock(&cs_smp.lock);
	due = cs_smp.prev_ts +
	      (u64)READ_ONCE(cs_cfg.interval_ms) * NSEC_PER_MSEC;
	now = ktime_get_ns();
	mod_delayed_work(system_unbound_wq, &cs_smp.work,
			 due > now ? nsecs_to_jiffies(due - now) : 0);
	mutex_unlock(&cs_smp.lock);
}

static void cs_sampler_free(void)
{
	unsigned int i;

	for (i = 0; i < CS_RING_LEN; i++) {
		kfree(cs_smp.ring[i].cpu);
		bitmap_free(cs_smp.ring[i].running);
	}
	kvfree(cs_smp.prev);
	kvfree(cs_smp.cur);
	kvfree(cs_win.base);
}

int cs_sampler_init(void (*notify)(u64 seq, u64 ts_ns, u64 dt_ns,
				   u64 ops_total,
				   const struct cs_cpu_rate *rates))
{
	unsigned int i, cpu;

	cs_sample_notify = notify;
	mutex_init(&cs_smp.lock);
	INIT_DELAYED_WORK(&cs_smp.work, cs_sampler_fn);
	for (i = 0; i < CS_RING_LEN; i++) {
		cs_smp.ring[i].cpu = kcalloc(nr_cpu_ids, sizeof(struct cs_cpu_rate),
					     GFP_KERNEL);
		cs_smp.ring[i].running = bitmap_zalloc(nr_cpu_ids, GFP_KERNEL);
		if (!cs_smp.ring[i].cpu || !cs_smp.ring[i].running)
			goto err;
	}
	cs_smp.prev = kvcalloc(nr_cpu_ids, sizeof(*cs_smp.prev), GFP_KERNEL);
	cs_smp.cur = kvcalloc(nr_cpu_ids, sizeof(*cs_smp.cur), GFP_KERNEL);
	cs_win.base = kvcalloc(nr_cpu_ids, sizeof(*cs_win.base), GFP_KERNEL);
	if (!cs_smp.prev || !cs_smp.cur || !cs_win.base)
		goto err;
	mutex_init(&cs_win.lock);
	cs_win.id = 1;
	cs_win.start_ns = ktime_get_ns();
	for_each_possible_cpu(cpu)
		cs_stats_snapshot(&cs_cpu_get(cpu)->stats, &cs_smp.prev[cpu]);
	cs_smp.prev_ts = ktime_get_ns();
	queue_delayed_work(system_unbound_wq, &cs_smp.work,
			   cs_interval_jiffies());
	return 0;
err:
	cs_sampler_free();
	return -ENOMEM;
}

void cs_sampler_exit(void)
{
	cancel_delayed_work_sync(&cs_smp.work);
	cs_sampler_free();
	mutex_destroy(&cs_smp.lock);
	mutex_destroy(&cs_win.lock);
}
