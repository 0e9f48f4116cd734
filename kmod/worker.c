// SPDX-License-Identifier: GPL-2.0
/*
 * cpustress workers: one kernel thread per loaded CPU, bound to it, running
 * the work unit on a duty cycle.
 *
 * A worker processes its buffer in chunks. Between chunks it is preemptible
 * (cond_resched), reports a quiescent state to RCU-tasks, checks for stop
 * and for a new configuration, and publishes its counters, so that even at
 * busy 100 % it never holds off the watchdog, RCU or a stop request for
 * longer than one chunk.
 *
 * Counters live in struct cs_cpu, which belongs to the CPU, not to the
 * thread: they keep growing across stop/start and hotplug, and each worker
 * writes only the struct of the CPU it was created for, never that of
 * smp_processor_id(): a bound thread woken on a dying CPU may run its last
 * lines elsewhere.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/hrtimer.h>
#include <linux/kernel_stat.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include "cpustress.h"

#if BITS_PER_LONG != 64
/* Counters are plain u64 read without locks: that needs 64-bit stores. */
#error "cpustress needs a 64-bit kernel"
#endif

/* Slack of the duty cycle's sleep: 0.05 % of the default period. */
#define CS_SLEEP_SLACK_NS	(50 * NSEC_PER_USEC)

static struct cs_cpu **cs_cpus;

/**
 * struct cs_raw - the kernel's own counters a worker turns into its stats
 * @steal: the CPU's steal time, ns
 * @wait: the thread's run-queue wait, ns
 * @nivcsw: the thread's involuntary context switches
 * @irqs: the CPU's interrupt count
 */
struct cs_raw {
	u64 steal;
	u64 wait;
	u64 nivcsw;
	unsigned long irqs;
};

/**
 * struct cs_worker - a worker thread's private state
 * @c: its CPU's shared part
 * @spins: spin iterations per element
 * @unit: progress through the unit in progress
 * @duty: the duty cycle
 * @gen: configuration generation @duty was built from
 * @raw0: kernel counters when the thread started
 * @base: published counters when the thread started
 */
struct cs_worker {
	struct cs_cpu *c;
	u32 spins;
	struct cs_unit_progress unit;
	struct cs_duty duty;
	u32 gen;
	struct cs_raw raw0;
	struct cs_raw base;
};

struct cs_cpu *cs_cpu_get(unsigned int cpu)
{
	return cs_cpus[cpu];
}

static void cs_raw_read(unsigned int cpu, struct cs_raw *r)
{
	struct kernel_cpustat kcs;

	kcpustat_cpu_fetch(&kcs, cpu);
	r->steal = kcs.cpustat[CPUTIME_STEAL];
#ifdef CONFIG_SCHED_INFO
	r->wait = current->sched_info.run_delay;
#else
	r->wait = 0;
#endif
	r->nivcsw = current->nivcsw;
	r->irqs = kstat_cpu_irqs_sum(cpu);
}

/* Publish the kernel-derived counters: base + growth since thread start. */
static void cs_worker_publish(struct cs_worker *w)
{
	struct cs_cpu_stats *s = &w->c->stats;
	struct cs_raw now;

	cs_raw_read(w->c->cpu, &now);
	WRITE_ONCE(s->steal_ns, w->base.steal + now.steal - w->raw0.steal);
	WRITE_ONCE(s->wait_ns, w->base.wait + now.wait - w->raw0.wait);
	WRITE_ONCE(s->nivcsw, w->base.nivcsw + now.nivcsw - w->raw0.nivcsw);
	WRITE_ONCE(s->irqs, w->base.irqs + (now.irqs - w->raw0.irqs));
}

static void cs_worker_begin(struct cs_worker *w)
{
	struct cs_cpu_stats *s = &w->c->stats;

	cs_raw_read(w->c->cpu, &w->raw0);
	w->base.steal = s->steal_ns;
	w->base.wait = s->wait_ns;
	w->base.nivcsw = s->nivcsw;
	w->base.irqs = s->irqs;
	w->unit.nelems = cs_elems_per_unit();
	w->spins = cs_wu_spins;
}

/* A wrong test vector means this CPU computes wrong results: say so. */
static void cs_worker_selfcheck(struct cs_worker *w)
{
	struct cs_cpu_stats *s = &w->c->stats;
	u64 scratch[CS_SELFCHECK_ELEMS];
	unsigned int bad;

	bad = cs_wu_selfcheck(scratch, ARRAY_SIZE(scratch));
	if (!bad)
		return;
	WRITE_ONCE(s->selfcheck_errors, s->selfcheck_errors + 1);
	pr_err("CPU %u: work-unit self-check FAILED, %u of %zu elements wrong: this CPU computes wrong results\n",
	       w->c->cpu, bad, ARRAY_SIZE(scratch));
}

static bool cs_worker_reconfigured(const struct cs_worker *w)
{
	/* Pairs with the release in cs_config_changed(). */
	return smp_load_acquire(&cs_cfg.gen) != w->gen;
}

static void cs_worker_configure(struct cs_worker *w)
{
	/* Read the generation before the values it publishes. */
	w->gen = smp_load_acquire(&cs_cfg.gen);
	cs_duty_init(&w->duty, READ_ONCE(cs_cfg.busy_pct),
		     READ_ONCE(cs_cfg.period_ms));
}

/*
 * Work for @budget ns of wall time, or until told to stop or reconfigure.
 * Wall time, not CPU time: time lost to a competing task or the hypervisor
 * inside the working part counts as busy, which is what makes contention
 * show as fewer units, longer units and more wait or steal.
 */
static u64 cs_worker_work(struct cs_worker *w, u64 budget)
{
	u64 t = ktime_get_ns();
	u64 done = 0;

	while (done < budget) {
		u64 n = cs_unit_chunk(&w->unit, CS_CHUNK_ELEMS);
		u64 now, d;

		cs_wu_run(w->c->buf, w->unit.pos, n, w->spins);
		cond_resched_tasks_rcu_qs();

		now = ktime_get_ns();
		d = now - t;
		t = now;
		done += d;
		cs_unit_account(&w->c->stats, &w->unit, n, d);
		cs_worker_publish(w);
		if (kthread_should_stop() || cs_worker_reconfigured(w))
			break;
	}
	return done;
}

/* Sleep until @until (monotonic ns), a stop request or a new configuration. */
static void cs_worker_sleep(struct cs_worker *w, u64 until)
{
	struct cs_cpu_stats *s = &w->c->stats;
	ktime_t expires = ns_to_ktime(until);
	u64 t0 = ktime_get_ns();

	set_current_state(TASK_INTERRUPTIBLE);
	if (!kthread_should_stop() && !cs_worker_reconfigured(w))
		schedule_hrtimeout_range(&expires, CS_SLEEP_SLACK_NS,
					 HRTIMER_MODE_ABS);
	__set_current_state(TASK_RUNNING);
	WRITE_ONCE(s->sleep_ns, s->sleep_ns + (ktime_get_ns() - t0));
}

static int cs_worker_fn(void *data)
{
	struct cs_worker w = { .c = data };
	u64 period_start, period_end, now;

	cs_worker_selfcheck(&w);
	cs_worker_begin(&w);
	cs_worker_configure(&w);
	period_start = ktime_get_ns();

	while (!kthread_should_stop()) {
		if (cs_worker_reconfigured(&w)) {
			cs_worker_configure(&w);
			period_start = ktime_get_ns();
		}
		cs_duty_account(&w.duty,
				cs_worker_work(&w, cs_duty_budget(&w.duty)));
		period_end = period_start + w.duty.period_ns;
		if (!w.duty.full)
			cs_worker_sleep(&w, period_end);
		/*
		 * Periods follow each other on a fixed grid, unless this one
		 * overran by a whole period (the VM was paused, the thread
		 * starved): then the grid restarts from now.
		 */
		now = ktime_get_ns();
		if (now > period_end && now - period_end >= w.duty.period_ns)
			period_start = now;
		else
			period_start = period_end;
	}
	cs_worker_publish(&w);
	return 0;
}

/**
 * cs_worker_start() - start the worker of @cpu unless it runs already
 * @cpu: an online CPU
 *
 * Called with cpus_read_lock() (or from a hotplug callback) and cs_lock.
 *
 * Return: 0, -ENOMEM, or the error of kthread creation.
 */
int cs_worker_start(unsigned int cpu)
{
	struct cs_cpu *c = cs_cpus[cpu];
	struct task_struct *t;

	lockdep_assert_held(&cs_lock);
	if (c->task)
		return 0;
	c->buf = kvzalloc_node((size_t)cs_wu_kib * SZ_1K, GFP_KERNEL,
			       cpu_to_node(cpu));
	if (!c->buf)
		return -ENOMEM;
	t = kthread_create_on_cpu(cs_worker_fn, c, cpu, "cpustress/%u");
	if (IS_ERR(t)) {
		kvfree(c->buf);
		c->buf = NULL;
		return PTR_ERR(t);
	}
	c->task = t;
	wake_up_process(t);
	return 0;
}

/**
 * cs_worker_stop() - stop the worker of @cpu, if any, and wait for it
 * @cpu: a possible CPU
 *
 * Called with cs_lock held.
 */
void cs_worker_stop(unsigned int cpu)
{
	struct cs_cpu *c = cs_cpus[cpu];

	lockdep_assert_held(&cs_lock);
	if (!c->task)
		return;
	kthread_stop(c->task);
	c->task = NULL;
	kvfree(c->buf);
	c->buf = NULL;
}

/**
 * cs_workers_kick() - make every worker pick up a new configuration now
 *
 * Called with cs_lock held, after the generation was bumped.
 */
void cs_workers_kick(void)
{
	unsigned int cpu;

	lockdep_assert_held(&cs_lock);
	for_each_possible_cpu(cpu)
		if (cs_cpus[cpu]->task)
			wake_up_process(cs_cpus[cpu]->task);
}

int cs_workers_init(void)
{
	unsigned int cpu;

	cs_cpus = kcalloc(nr_cpu_ids, sizeof(*cs_cpus), GFP_KERNEL);
	if (!cs_cpus)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		cs_cpus[cpu] = kzalloc_node(sizeof(*cs_cpus[cpu]), GFP_KERNEL,
					    cpu_to_node(cpu));
		if (!cs_cpus[cpu]) {
			cs_workers_exit();
			return -ENOMEM;
		}
		cs_cpus[cpu]->cpu = cpu;
	}
	return 0;
}

/* Free the per-CPU state; no worker may run any more. */
void cs_workers_exit(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		kfree(cs_cpus[cpu]);
	kfree(cs_cpus);
	cs_cpus = NULL;
}
