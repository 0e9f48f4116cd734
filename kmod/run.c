// SPDX-License-Identifier: GPL-2.0
/*
 * cpustress run: the configuration, its lock, the setters, start/stop, the
 * owned run's settings loan, its time limit and CPU hotplug.
 *
 * The interfaces (netlink.c, sysfs.c, procfs.c) and module.c change state
 * only through this file; it drives the workers (worker.c) and the sampler
 * (sampler.c), which never call back up. Lock order: cpus_read_lock(), then
 * cs_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/ctype.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "cpustress.h"
#include "run.h"

static enum cpuhp_state cs_hp_state;

struct cs_config cs_cfg;
/* Serialises configuration changes, start/stop and the worker table. */
DEFINE_MUTEX(cs_lock);
bool cs_running;
struct cs_run cs_run;

static void cs_limit_fn(struct work_struct *work);
static void cs_release_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(cs_limit_work, cs_limit_fn);
static DECLARE_WORK(cs_release_work, cs_release_fn);
/* The port whose socket closed, for cs_release_fn(). */
static u32 cs_released_portid;

/*
 * The settings an owned run found, under cs_lock: an owned START lends
 * the configuration to its run, and the run's end gives it back, so that
 * an owner killed half-way leaves the module as it was before.
 */
static struct {
	bool held;
	u32 busy_pct;
	u32 period_ms;
	u32 interval_ms;
	u32 time_limit_ms;
	bool cpus_all;
	cpumask_var_t cpus;
} cs_loan;

bool cs_cpu_selected(unsigned int cpu)
{
	return cs_cfg.cpus_all || cpumask_test_cpu(cpu, cs_cfg.cpus);
}

/**
 * cs_cpu_state() - what a CPU is doing, for /proc and netlink alike
 * @cpu: the CPU
 *
 * Return: CPUSTRESS_CPU_OFFLINE, _RUNNING when its worker runs, else _IDLE.
 */
enum cpustress_cpu_state cs_cpu_state(unsigned int cpu)
{
	if (!cpu_online(cpu))
		return CPUSTRESS_CPU_OFFLINE;
	return READ_ONCE(cs_cpu_get(cpu)->task) ? CPUSTRESS_CPU_RUNNING :
						  CPUSTRESS_CPU_IDLE;
}

static void cs_lock_all(void)
{
	cpus_read_lock();
	mutex_lock(&cs_lock);
}

static void cs_unlock_all(void)
{
	mutex_unlock(&cs_lock);
	cpus_read_unlock();
}

/* A change of busy_pct or period_ms: workers restart their cycle. */
static void cs_config_changed(void)
{
	/* Pairs with the acquire in cs_worker_configure(): new values first. */
	smp_store_release(&cs_cfg.gen, cs_cfg.gen + 1);
	cs_workers_kick();
}

/* Give back the settings an owned run found; both locks held, no run. */
static void cs_give_back_locked(void)
{
	if (!cs_loan.held)
		return;
	cs_loan.held = false;
	WRITE_ONCE(cs_cfg.busy_pct, cs_loan.busy_pct);
	WRITE_ONCE(cs_cfg.period_ms, cs_loan.period_ms);
	cs_config_changed();
	cs_cfg.time_limit_ms = cs_loan.time_limit_ms;
	cpumask_copy(cs_cfg.cpus, cs_loan.cpus);
	cs_cfg.cpus_all = cs_loan.cpus_all;
	if (cs_cfg.interval_ms != cs_loan.interval_ms) {
		WRITE_ONCE(cs_cfg.interval_ms, cs_loan.interval_ms);
		cs_sampler_reschedule();
	}
	pr_info("settings of the owned run given back: busy %u%% of %u ms, time limit %u ms\n",
		cs_cfg.busy_pct, cs_cfg.period_ms, cs_cfg.time_limit_ms);
}

/* Stop every worker; called with both locks held. */
static void cs_stop_locked(const char *why)
{
	bool owned = cs_running && cs_run.owner;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		cs_worker_stop(cpu);
	if (cs_running)
		pr_info("stopped: %s\n", why);
	WRITE_ONCE(cs_running, false);
	WRITE_ONCE(cs_run.owner, 0);
	WRITE_ONCE(cs_run.deadline_ns, 0);
	/* Not _sync: this may run from the limit work itself. */
	cancel_delayed_work(&cs_limit_work);
	if (owned)
		cs_give_back_locked();
}

/* (Re)arm the time limit of a running run from now; cs_lock held. */
static void cs_arm_limit(void)
{
	u32 ms = cs_cfg.time_limit_ms;

	if (!ms) {
		WRITE_ONCE(cs_run.deadline_ns, 0);
		cancel_delayed_work(&cs_limit_work);
		return;
	}
	WRITE_ONCE(cs_run.deadline_ns, ktime_get_ns() + ms * NSEC_PER_MSEC);
	mod_delayed_work(system_wq, &cs_limit_work, msecs_to_jiffies(ms));
}

static void cs_limit_fn(struct work_struct *work)
{
	u64 deadline, now;

	cs_lock_all();
	deadline = cs_run.deadline_ns;
	now = ktime_get_ns();
	if (cs_running && deadline) {
		if (now >= deadline)
			cs_stop_locked("time limit reached");
		else	/* jiffies rounding woke us early */
			mod_delayed_work(system_wq, &cs_limit_work,
					 nsecs_to_jiffies(deadline - now) + 1);
	}
	cs_unlock_all();
}

static void cs_release_fn(struct work_struct *work)
{
	cs_lock_all();
	if (cs_running && cs_run.owner &&
	    cs_run.owner == READ_ONCE(cs_released_portid))
		cs_stop_locked("the owning socket closed");
	cs_unlock_all();
}

/**
 * cs_release_flush() - let a closed owner's stop finish
 *
 * The stop of a run whose owner went away runs from a work item; waiting
 * for it means that once the owner's process has been reaped, the next
 * request sees the run stopped and the settings given back.
 */
void cs_release_flush(void)
{
	flush_work(&cs_release_work);
}

/**
 * cs_lend_settings() - an owned START is about to apply its settings
 *
 * Remembers the configuration as it is now. The owned run gives it back
 * when it ends, however it ends (cs_stop_locked()); a START that fails
 * gives it back at once (cs_return_settings()).
 */
void cs_lend_settings(void)
{
	mutex_lock(&cs_lock);
	cs_loan.busy_pct = cs_cfg.busy_pct;
	cs_loan.period_ms = cs_cfg.period_ms;
	cs_loan.interval_ms = cs_cfg.interval_ms;
	cs_loan.time_limit_ms = cs_cfg.time_limit_ms;
	cs_loan.cpus_all = cs_cfg.cpus_all;
	cpumask_copy(cs_loan.cpus, cs_cfg.cpus);
	cs_loan.held = true;
	mutex_unlock(&cs_lock);
}

/**
 * cs_return_settings() - an owned START failed: undo its settings
 *
 * If a run started from elsewhere meanwhile, its settings are left alone.
 */
void cs_return_settings(void)
{
	cs_lock_all();
	if (cs_running)
		cs_loan.held = false;
	else
		cs_give_back_locked();
	cs_unlock_all();
}

/**
 * cs_owner_released() - a netlink socket closed
 * @portid: its port id
 *
 * Called from a notifier, in atomic context: if the socket owned the run,
 * the run is stopped from a work item.
 */
void cs_owner_released(u32 portid)
{
	if (!portid || portid != READ_ONCE(cs_run.owner))
		return;
	WRITE_ONCE(cs_released_portid, portid);
	schedule_work(&cs_release_work);
}

/**
 * cs_start() - start a worker on every selected online CPU
 * @owner: netlink port id whose closing stops the run, or 0
 *
 * If any worker cannot start, none is left running.
 *
 * Return: 0, -EALREADY if a run is active (nothing changes), or a negative
 * errno.
 */
int cs_start(u32 owner)
{
	unsigned int cpu;
	int ret = 0;

	cs_release_flush();
	cs_lock_all();
	if (cs_running) {
		ret = -EALREADY;
		goto out;
	}
	/* Only an owned run borrows the settings it was started with. */
	if (!owner)
		cs_loan.held = false;
	for_each_online_cpu(cpu) {
		if (!cs_cpu_selected(cpu))
			continue;
		ret = cs_worker_start(cpu);
		if (ret)
			break;
	}
	if (ret) {
		cs_stop_locked("a worker failed to start");
		goto out;
	}
	WRITE_ONCE(cs_run.id, cs_run.id + 1);
	WRITE_ONCE(cs_run.owner, owner);
	WRITE_ONCE(cs_running, true);
	cs_arm_limit();
	pr_info("started: busy %u%% of %u ms on CPUs %*pbl%s\n",
		cs_cfg.busy_pct, cs_cfg.period_ms,
		cpumask_pr_args(cs_cfg.cpus_all ? cpu_online_mask : cs_cfg.cpus),
		owner ? ", owned" : "");
out:
	cs_unlock_all();
	return ret;
}

/**
 * cs_stop() - stop every worker; returns once none runs
 */
void cs_stop(void)
{
	cs_lock_all();
	cs_stop_locked("on request");
	cs_unlock_all();
}

/**
 * cs_set_time_limit_ms() - limit the length of runs
 * @v: 0 for none, else up to CS_TIME_LIMIT_MS_MAX
 *
 * A running run ends @v ms from now; later runs end @v ms after their start.
 * Set during an owned run (or by its START), it lasts until that run ends.
 *
 * Return: 0 or -ERANGE.
 */
int cs_set_time_limit_ms(u32 v)
{
	if (v > CS_TIME_LIMIT_MS_MAX)
		return -ERANGE;
	mutex_lock(&cs_lock);
	cs_cfg.time_limit_ms = v;
	if (cs_running)
		cs_arm_limit();
	mutex_unlock(&cs_lock);
	return 0;
}

int cs_set_busy_pct(u32 v)
{
	if (!cs_in_range(v, CS_BUSY_PCT_MIN, CS_BUSY_PCT_MAX))
		return -ERANGE;
	mutex_lock(&cs_lock);
	WRITE_ONCE(cs_cfg.busy_pct, v);
	cs_config_changed();
	mutex_unlock(&cs_lock);
	return 0;
}

int cs_set_period_ms(u32 v)
{
	if (!cs_in_range(v, CS_PERIOD_MS_MIN, CS_PERIOD_MS_MAX))
		return -ERANGE;
	mutex_lock(&cs_lock);
	WRITE_ONCE(cs_cfg.period_ms, v);
	cs_config_changed();
	mutex_unlock(&cs_lock);
	return 0;
}

int cs_set_interval_ms(u32 v)
{
	if (!cs_in_range(v, CS_INTERVAL_MS_MIN, CS_INTERVAL_MS_MAX))
		return -ERANGE;
	WRITE_ONCE(cs_cfg.interval_ms, v);
	cs_sampler_reschedule();
	return 0;
}

/*
 * cpulist_parse() walks a region "A-B:used/group" in u32 steps of group: a
 * group size within nr_cpumask_bits of U32_MAX wraps around and sets CPUs
 * outside the region ("1-1:1/4294967295" sets CPUs 0 and 1). No sensible
 * list has a group that large: such a list is out of range.
 */
static bool cs_cpulist_group_too_large(const char *list)
{
	const char *p;
	u64 group;

	for (p = strchr(list, '/'); p; p = strchr(p, '/')) {
		for (group = 0, p++; isdigit(*p) && group <= U32_MAX; p++)
			group = group * 10 + (*p - '0');
		if (group > U32_MAX - nr_cpumask_bits)
			return true;
	}
	return false;
}

/*
 * Parse a cpulist ("all" for every online CPU) into @mask. Every CPU named
 * must be online now: loading a CPU that is not there is a mistake to report,
 * not to remember.
 */
static int cs_parse_cpus(const char *list, struct cpumask *mask, bool *all)
{
	int ret;

	if (sysfs_streq(list, "all")) {
		*all = true;
		cpumask_copy(mask, cpu_online_mask);
		return 0;
	}
	*all = false;
	if (cs_cpulist_group_too_large(list))
		return -ERANGE;
	ret = cpulist_parse(list, mask);
	/* A number too large for the parser is out of range too. */
	if (ret == -EOVERFLOW || ret == -ERANGE)
		return -ERANGE;
	if (ret)
		return -EINVAL;
	if (cpumask_empty(mask) || !cpumask_subset(mask, cpu_online_mask))
		return -EINVAL;
	return 0;
}

/**
 * cs_set_cpus() - choose the CPUs to load
 * @list: a cpulist ("0-2,5") or "all"
 *
 * While running, workers stop on CPUs no longer chosen and start on the new
 * ones. On error nothing changes.
 *
 * Return: 0, -EINVAL for a malformed list, an empty one or an offline CPU,
 * -ERANGE for a CPU number past the last possible CPU, or -ENOMEM.
 */
int cs_set_cpus(const char *list)
{
	cpumask_var_t mask;
	unsigned int cpu;
	bool all;
	int ret;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	cs_lock_all();
	ret = cs_parse_cpus(list, mask, &all);
	if (ret)
		goto out;
	if (cs_running) {
		for_each_online_cpu(cpu) {
			if (!cpumask_test_cpu(cpu, mask))
				continue;
			ret = cs_worker_start(cpu);
			if (ret)
				goto undo;
		}
		for_each_possible_cpu(cpu)
			if (!cpumask_test_cpu(cpu, mask))
				cs_worker_stop(cpu);
	}
	cpumask_copy(cs_cfg.cpus, mask);
	cs_cfg.cpus_all = all;
	goto out;
undo:
	/* Stop the workers this call started; keep those that ran before. */
	for_each_online_cpu(cpu)
		if (!cs_cpu_selected(cpu))
			cs_worker_stop(cpu);
out:
	cs_unlock_all();
	free_cpumask_var(mask);
	return ret;
}

/**
 * cs_units_total() - units completed on all CPUs since the module loaded
 *
 * Return: the sum of the per-CPU unit counters.
 */
u64 cs_units_total(void)
{
	u64 sum = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(cs_cpu_get(cpu)->stats.units);
	return sum;
}

static int cs_cpu_online(unsigned int cpu)
{
	int ret = 0;

	mutex_lock(&cs_lock);
	if (cs_running && cs_cpu_selected(cpu))
		ret = cs_worker_start(cpu);
	mutex_unlock(&cs_lock);
	/* Never fail the CPU's bring-up because of a load generator. */
	if (ret)
		pr_err("CPU %u: worker not started after online: %d\n",
		       cpu, ret);
	return 0;
}

static int cs_cpu_offline(unsigned int cpu)
{
	mutex_lock(&cs_lock);
	cs_worker_stop(cpu);
	mutex_unlock(&cs_lock);
	return 0;
}

static int cs_hotplug_init(void)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "cpustress:online",
					cs_cpu_online, cs_cpu_offline);
	if (ret < 0)
		return ret;
	cs_hp_state = ret;
	return 0;
}

static void cs_hotplug_exit(void)
{
	cpuhp_remove_state_nocalls(cs_hp_state);
}

static void cs_config_free(void)
{
	free_cpumask_var(cs_loan.cpus);
	free_cpumask_var(cs_cfg.cpus);
}

static int __init cs_config_init(u32 busy_pct, u32 period_ms, u32 interval_ms,
				 const char *cpus)
{
	int ret;

	cs_cfg.busy_pct = busy_pct;
	cs_cfg.period_ms = period_ms;
	cs_cfg.interval_ms = interval_ms;
	cs_cfg.cpus_all = true;
	if (!zalloc_cpumask_var(&cs_cfg.cpus, GFP_KERNEL))
		return -ENOMEM;
	if (!zalloc_cpumask_var(&cs_loan.cpus, GFP_KERNEL)) {
		free_cpumask_var(cs_cfg.cpus);
		return -ENOMEM;
	}
	if (!cpus)
		return 0;
	cpus_read_lock();
	ret = cs_parse_cpus(cpus, cs_cfg.cpus, &cs_cfg.cpus_all);
	cpus_read_unlock();
	if (ret) {
		pr_err("cpus=%s: not a list of online CPUs\n", cpus);
		cs_config_free();
	}
	return ret;
}

/**
 * cs_run_init() - set up the configuration, the workers and the sampler
 * @busy_pct: initial busy share, checked by the caller
 * @period_ms: initial period, checked by the caller
 * @interval_ms: initial sampling interval, checked by the caller
 * @cpus: initial cpulist, or NULL for every online CPU
 * @notify: called with every sample (the netlink SAMPLE event)
 *
 * Return: 0 or a negative errno; on error nothing is left set up.
 */
int __init cs_run_init(u32 busy_pct, u32 period_ms, u32 interval_ms,
		       const char *cpus,
		       void (*notify)(u64 seq, u64 ts_ns, u64 dt_ns, u64 ops_total,
				      const struct cs_cpu_rate *rates))
{
	int ret;

	ret = cs_config_init(busy_pct, period_ms, interval_ms, cpus);
	if (ret)
		return ret;
	ret = cs_workers_init();
	if (ret)
		goto err_config;
	ret = cs_sampler_init(notify);
	if (ret)
		goto err_workers;
	ret = cs_hotplug_init();
	if (ret)
		goto err_sampler;
	return 0;

err_sampler:
	cs_sampler_exit();
err_workers:
	cs_workers_exit();
err_config:
	cs_config_free();
	return ret;
}

/**
 * cs_run_exit() - stop the run and free what cs_run_init() set up
 *
 * The interfaces must be gone already: no new requests, then no new
 * workers, then stop the rest.
 *
 * Return: the units done since load, over all CPUs.
 */
u64 cs_run_exit(void)
{
	u64 units;

	cs_hotplug_exit();
	cancel_work_sync(&cs_release_work);
	cs_stop();
	cancel_delayed_work_sync(&cs_limit_work);
	cs_sampler_exit();
	units = cs_units_total();
	cs_workers_exit();
	cs_config_free();
	return units;
}
