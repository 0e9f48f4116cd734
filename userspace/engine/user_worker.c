// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * User-space workers: one thread per loaded CPU, pinned to it, running the
 * work unit on a duty cycle. The twin of kmod/worker.c, line for line where
 * user space allows, so that the two engines measure the same thing.
 *
 * A worker processes its buffer in chunks. After every chunk it publishes
 * its counters and checks for stop and for a new configuration, so a stop
 * or a change of busy_pct takes effect within one chunk (~20 us).
 *
 * Counters live in struct ue_cpu, which belongs to the CPU, not to the
 * thread: they keep growing across stop and start. Each is written by one
 * thread only, with relaxed atomic stores, and read with relaxed loads:
 * readers never block a worker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "engine/user.h"
#include "engine/procstat.h"

/*
 * Run-queue wait and involuntary switches cost a system call each: read
 * them every 10 ms of work (and after each sleep), not after every chunk.
 */
#define UE_SLOW_NS		(10 * CS_NSEC_PER_MSEC)

/**
 * struct ue_raw - the kernel's counters of the thread, as read
 * @wait: run-queue wait, ns (stays 0 without /proc/thread-self/schedstat)
 * @nivcsw: involuntary context switches
 */
struct ue_raw {
	uint64_t wait;
	uint64_t nivcsw;
};

/**
 * struct ue_worker - one worker thread
 * @ue: its engine
 * @c: its CPU
 * @thread: the thread
 * @buf: the work-unit buffer
 * @stop: set (atomically) to make the thread return
 *
 * Private to the thread once it runs:
 * @spins: spin iterations per element
 * @unit: progress through the unit in progress
 * @duty: the duty cycle
 * @gen: configuration generation @duty was built from
 * @wait_fd: the thread's schedstat, or -1
 * @slow_ns: when the wait and switches were last published
 * @raw0: the kernel's counters when the thread started
 * @base: published counters when the thread started
 */
struct ue_worker {
	struct ue_engine *ue;
	struct ue_cpu *c;
	pthread_t thread;
	uint64_t *buf;
	int stop;
	uint32_t spins;
	struct cs_unit_progress unit;
	struct cs_duty duty;
	uint32_t gen;
	int wait_fd;
	uint64_t slow_ns;
	struct ue_raw raw0;
	struct ue_raw base;
};

/* Read the thread's counters; a counter that cannot be read keeps @r's. */
static void ue_raw_read(const struct ue_worker *w, struct ue_raw *r)
{
	struct rusage ru;

	if (w->wait_fd >= 0)
		cs_proc_wait_read(w->wait_fd, &r->wait);
	if (!getrusage(RUSAGE_THREAD, &ru))
		r->nivcsw = (uint64_t)ru.ru_nivcsw;
}

/* Publish the kernel-derived counters: base + growth since thread start. */
static void ue_worker_publish(struct ue_worker *w, uint64_t now)
{
	struct cs_cpu_stats *s = &w->c->stats;
	struct ue_raw r = w->raw0;

	ue_raw_read(w, &r);
	CS_STAT_STORE(&s->wait_ns, w->base.wait + r.wait - w->raw0.wait);
	CS_STAT_STORE(&s->nivcsw, w->base.nivcsw + r.nivcsw - w->raw0.nivcsw);
	w->slow_ns = now;
}

static void ue_worker_begin(struct ue_worker *w)
{
	struct cs_cpu_stats *s = &w->c->stats;
	int fd = cs_proc_wait_open();

	w->wait_fd = fd < 0 ? -1 : fd;
	w->raw0 = (struct ue_raw){ 0 };
	ue_raw_read(w, &w->raw0);
	w->base.wait = s->wait_ns;
	w->base.nivcsw = s->nivcsw;
	w->unit.nelems = ue_elems_per_unit(w->ue);
	w->spins = w->ue->wu_spins;
}

/* A wrong test vector means this CPU computes wrong results: say so. */
static void ue_worker_selfcheck(struct ue_worker *w)
{
	struct cs_cpu_stats *s = &w->c->stats;
	uint64_t scratch[CS_SELFCHECK_ELEMS];
	unsigned int bad;

	bad = cs_wu_selfcheck((__u64 *)scratch, CS_SELFCHECK_ELEMS);
	if (!bad)
		return;
	CS_STAT_STORE(&s->selfcheck_errors, s->selfcheck_errors + 1);
	fprintf(stderr, "cpustress: CPU %u: work-unit self-check FAILED, %u of %u elements wrong: this CPU computes wrong results\n",
		w->c->cpu, bad, CS_SELFCHECK_ELEMS);
}

static bool ue_worker_should_stop(const struct ue_worker *w)
{
	return CS_STAT_LOAD(&w->stop);
}

static bool ue_worker_reconfigured(const struct ue_worker *w)
{
	/* Pairs with the release in ue_config_changed(). */
	return __atomic_load_n(&w->ue->gen, __ATOMIC_ACQUIRE) != w->gen;
}

static void ue_worker_configure(struct ue_worker *w)
{
	/* Read the generation before the values it publishes. */
	w->gen = __atomic_load_n(&w->ue->gen, __ATOMIC_ACQUIRE);
	cs_duty_init(&w->duty, CS_STAT_LOAD(&w->ue->busy_pct),
		     CS_STAT_LOAD(&w->ue->period_ms));
}

/*
 * Work for @budget ns of wall time, or until told to stop or reconfigure.
 * Wall time, not CPU time: time lost to a competing task or the hypervisor
 * inside the working part counts as busy, which is what makes contention
 * show as fewer units, longer units and more wait or steal.
 */
static uint64_t ue_worker_work(struct ue_worker *w, uint64_t budget)
{
	uint64_t t = cs_now_ns();
	uint64_t done = 0;

	while (done < budget) {
		uint64_t n = cs_unit_chunk(&w->unit, CS_CHUNK_ELEMS);
		uint64_t now, d;

		cs_wu_run((__u64 *)w->buf, w->unit.pos, n, w->spins);
		now = cs_now_ns();
		d = now - t;
		t = now;
		done += d;
		cs_unit_account(&w->c->stats, &w->unit, n, d);
		if (now - w->slow_ns >= UE_SLOW_NS)
			ue_worker_publish(w, now);
		if (ue_worker_should_stop(w) || ue_worker_reconfigured(w))
			break;
	}
	return done;
}

/*
 * Sleep until @until (monotonic ns), a stop request or a new configuration:
 * an absolute timed wait on a monotonic condition variable is
 * clock_nanosleep(TIMER_ABSTIME) that the engine can cut short.
 */
static void ue_worker_sleep(struct ue_worker *w, uint64_t until)
{
	struct cs_cpu_stats *s = &w->c->stats;
	uint64_t t0 = cs_now_ns();

	pthread_mutex_lock(&w->ue->wake_lock);
	while (!ue_worker_should_stop(w) && !ue_worker_reconfigured(w))
		if (ue_cond_wait_until(&w->ue->wake, &w->ue->wake_lock,
				       until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&w->ue->wake_lock);
	CS_STAT_STORE(&s->sleep_ns, s->sleep_ns + (cs_now_ns() - t0));
}

static void *ue_worker_fn(void *data)
{
	struct ue_worker *w = data;
	uint64_t period_start, period_end, now;

	ue_worker_selfcheck(w);
	ue_worker_begin(w);
	ue_worker_configure(w);
	period_start = cs_now_ns();

	while (!ue_worker_should_stop(w)) {
		if (ue_worker_reconfigured(w)) {
			ue_worker_configure(w);
			period_start = cs_now_ns();
		}
		cs_duty_account(&w->duty,
				ue_worker_work(w, cs_duty_budget(&w->duty)));
		period_end = period_start + w->duty.period_ns;
		if (!w->duty.full)
			ue_worker_sleep(w, period_end);
		/*
		 * Periods follow each other on a fixed grid, unless this one
		 * overran by a whole period (the process was stopped, the
		 * thread starved): then the grid restarts from now.
		 */
		now = cs_now_ns();
		if (now > period_end && now - period_end >= w->duty.period_ns)
			period_start = now;
		else
			period_start = period_end;
	}
	ue_worker_publish(w, cs_now_ns());
	if (w->wait_fd >= 0)
		close(w->wait_fd);
	return NULL;
}

/**
 * ue_worker_start() - start the worker of @cpu unless it runs already
 * @ue: the engine, ue->lock held
 * @cpu: a CPU this process may run on
 *
 * Return: 0 or a negative errno, with ue->pub.err set.
 */
int ue_worker_start(struct ue_engine *ue, unsigned int cpu)
{
	struct ue_cpu *c = &ue->cpu[cpu];
	struct ue_worker *w;
	char name[16];
	int ret = -ENOMEM;

	if (c->w)
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		goto err;
	/*
	 * A large calloc is fresh mmap()ed memory: the pinned worker touches
	 * its pages first, so they come from its CPU's node, as the module's
	 * kvzalloc_node() buffers do.
	 */
	w->buf = calloc(ue_elems_per_unit(ue), sizeof(*w->buf));
	if (!w->buf)
		goto err_free;
	w->ue = ue;
	w->c = c;
	w->wait_fd = -1;
	snprintf(name, sizeof(name), "cpustress/%u", cpu);
	ret = ue_thread_create(&w->thread, name, (int)cpu, ue_worker_fn, w);
	if (ret)
		goto err_free;
	c->w = w;
	return 0;

err_free:
	free(w->buf);
	free(w);
err:
	return ue_err(ue, ret, "CPU %u: cannot start a worker thread: %s",
		      cpu, strerror(-ret));
}

/**
 * ue_workers_kick() - wake every sleeping worker to look at its flags
 * @ue: the engine
 */
void ue_workers_kick(struct ue_engine *ue)
{
	pthread_mutex_lock(&ue->wake_lock);
	pthread_cond_broadcast(&ue->wake);
	pthread_mutex_unlock(&ue->wake_lock);
}

/**
 * ue_worker_stop() - stop the worker of @cpu, if any, and wait for it
 * @ue: the engine, ue->lock held
 * @cpu: a possible CPU
 */
void ue_worker_stop(struct ue_engine *ue, unsigned int cpu)
{
	struct ue_cpu *c = &ue->cpu[cpu];
	struct ue_worker *w = c->w;

	if (!w)
		return;
	CS_STAT_STORE(&w->stop, 1);
	ue_workers_kick(ue);
	pthread_join(w->thread, NULL);
	free(w->buf);
	free(w);
	c->w = NULL;
}
