/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpustress: internal interfaces between the module's parts.
 *
 * Calls run one way: the interfaces call run.c, which drives the workers
 * and the sampler; those never call back up.
 *
 * module.c   parameters, module load and unload            (iface.h)
 * netlink.c  the generic netlink family and its events     (iface.h)
 * sysfs.c    /sys/kernel/cpustress/                        (iface.h)
 * procfs.c   /proc/cpustress                               (iface.h)
 * run.c      configuration, its lock, setters, start/stop,
 *            the owned run's loan, time limit, CPU hotplug (run.h)
 * worker.c   the per-CPU kernel threads                    (this file)
 * sampler.c  per-interval rates, the latest sample, the
 *            GET_STATS window                              (this file)
 */
#ifndef CPUSTRESS_KMOD_H
#define CPUSTRESS_KMOD_H

#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include <cpustress/duty.h>
#include <cpustress/limits.h>
#include <cpustress/recent.h>
#include <cpustress/stats.h>
#include <cpustress/workunit.h>

/**
 * struct cs_cpu - one CPU's worker and its counters
 * @cpu: the CPU this worker is bound to
 * @task: the worker thread, NULL when none runs (under cs_lock)
 * @buf: the work-unit buffer, on the CPU's node (under cs_lock)
 * @stats: counters, written only by @task, read locklessly
 */
struct cs_cpu {
	unsigned int cpu;
	struct task_struct *task;
	u64 *buf;
	struct cs_cpu_stats stats;
};

/**
 * struct cs_config - what the user asked for
 * @busy_pct: busy share of each period, CS_BUSY_PCT_MIN..CS_BUSY_PCT_MAX
 * @period_ms: duty-cycle period
 * @interval_ms: sampling interval
 * @cpus: CPUs to load; ignored while @cpus_all is set
 * @cpus_all: load every online CPU, following hotplug
 * @time_limit_ms: runs stop by themselves after this long, 0 = never
 *
 * An owned run borrows all of these but @gen: run.c gives back what the
 * run found when it ends.
 * @gen: bumped on every change of @busy_pct or @period_ms so that workers
 *	restart their duty cycle with the new values at once
 */
struct cs_config {
	u32 busy_pct;
	u32 period_ms;
	u32 interval_ms;
	cpumask_var_t cpus;
	bool cpus_all;
	u32 time_limit_ms;
	u32 gen;
};

/**
 * struct cs_run - the current run, under cs_lock (READ_ONCE to peek)
 * @id: +1 on every start
 * @owner: netlink port id whose socket's closing stops the run, 0 = none
 * @deadline_ns: monotonic time the time limit stops the run, 0 = none
 */
struct cs_run {
	u64 id;
	u32 owner;
	u64 deadline_ns;
};

/* Work-unit parameters: fixed at load time. */
extern unsigned int cs_wu_kib;
extern unsigned int cs_wu_spins;

extern struct cs_config cs_cfg;
extern struct mutex cs_lock;
extern bool cs_running;
extern struct cs_run cs_run;

static inline u64 cs_elems_per_unit(void)
{
	return (u64)cs_wu_kib * CS_WU_ELEMS_PER_KIB;
}

/* worker.c: called by run.c, with cs_lock held where noted there */
struct cs_cpu *cs_cpu_get(unsigned int cpu);
int cs_workers_init(void);
void cs_workers_exit(void);
int cs_worker_start(unsigned int cpu);
void cs_worker_stop(unsigned int cpu);
void cs_workers_kick(void);

/* sampler.c: @notify is called with every sample (netlink.c's event) */
int cs_sampler_init(void (*notify)(u64 seq, u64 ts_ns, u64 dt_ns,
				   u64 ops_total,
				   const struct cs_cpu_rate *rates));
void cs_sampler_exit(void);
void cs_sampler_reschedule(void);
bool cs_sample_cpu(unsigned int cpu, struct cs_cpu_rate *r,
		   struct cs_recent *recent);

/* sampler.c: the measurement window of GET_STATS */
void cs_window_reset(void);
u64 cs_window_current(u64 *start_ns);
u64 cs_window_read(unsigned int cpu, struct cs_cpu_stats *delta, u64 *start_ns);
u64 cs_sample_latest(u64 *seq);

#endif /* CPUSTRESS_KMOD_H */
