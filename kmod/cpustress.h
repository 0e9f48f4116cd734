/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpustress: internal interfaces between the module's parts.
 *
 * main.c     configuration, start/stop, module load and unload
 * worker.c   the per-CPU kernel threads and CPU hotplug
 * sampler.c  per-interval rates and the ring of recent samples
 * sysfs.c    /sys/kernel/cpustress/
 * procfs.c   /proc/cpustress
 */
#ifndef CPUSTRESS_KMOD_H
#define CPUSTRESS_KMOD_H

#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include <cpustress/duty.h>
#include <cpustress/limits.h>
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
 * An owned run borrows all of these but @gen: main.c gives back what the
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

struct cs_cpu *cs_cpu_get(unsigned int cpu);
bool cs_cpu_selected(unsigned int cpu);

/* main.c: every state change goes through these, which take the locks. */
int cs_start(u32 owner);
void cs_stop(void);
void cs_owner_released(u32 portid);
void cs_release_flush(void);
void cs_lend_settings(void);
void cs_return_settings(void);
int cs_set_time_limit_ms(u32 time_limit_ms);
int cs_set_busy_pct(u32 busy_pct);
int cs_set_period_ms(u32 period_ms);
int cs_set_interval_ms(u32 interval_ms);
int cs_set_cpus(const char *list);
u64 cs_units_total(void);

/* worker.c */
int cs_workers_init(void);
void cs_workers_exit(void);
int cs_worker_start(unsigned int cpu);
void cs_worker_stop(unsigned int cpu);
void cs_workers_kick(void);
int cs_hotplug_init(void);
void cs_hotplug_exit(void);

/* sampler.c */
int cs_sampler_init(void);
void cs_sampler_exit(void);
void cs_sampler_reschedule(void);
bool cs_sample_cpu(unsigned int cpu, struct cs_cpu_rate *r);

/* sampler.c: the measurement window of GET_STATS */
void cs_window_reset(void);
u64 cs_window_current(u64 *start_ns);
u64 cs_window_read(unsigned int cpu, struct cs_cpu_stats *delta, u64 *start_ns);
u64 cs_sample_latest(u64 *seq);

/* netlink.c */
int cs_netlink_init(void);
void cs_netlink_exit(void);
void cs_netlink_sample(u64 seq, u64 ts_ns, u64 dt_ns, u64 ops_total,
		       const struct cs_cpu_rate *rates);

/* sysfs.c, procfs.c */
int cs_sysfs_init(void);
void cs_sysfs_exit(void);
int cs_procfs_init(void);
void cs_procfs_exit(void);

#endif /* CPUSTRESS_KMOD_H */
