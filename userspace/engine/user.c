// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The user-space engine: the work unit in pinned pthreads, the baseline the
 * kernel engine is measured against and the fallback where no module can be
 * loaded. It behaves as kmod/ does: same work unit, duty cycle, counters,
 * rates, limits and errors. This file is the twin of kmod/run.c: settings,
 * start/stop, time limit, status; the workers are in engine/user_worker.c.
 *
 * Where user space differs:
 * - "online" means the CPUs this process may run on (sched_getaffinity),
 *   so taskset and cpusets are respected. CPU hotplug is not followed: the
 *   kernel moves a worker whose CPU goes offline elsewhere, where it keeps
 *   counting for its own CPU until the next stop.
 * - Steal and interrupts come from /proc/stat and /proc/interrupts, read
 *   when a sample, a snapshot or a window is taken and whenever the set of
 *   running workers changes, not after every chunk.
 * - A run always ends with the process, so "owned" needs no socket: it is
 *   accepted and owner_portid stays 0. As in the module, an owned run
 *   gives back the settings it found when it ends.
 * - The engine starts no thread when opened: the sampler starts with the
 *   first start() or next_sample(), and from then on runs until close, so
 *   a stopped engine reads 0 units/s after one interval, as the module does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/user.h"

int ue_cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t a;
	int ret;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	ret = pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
	return -ret;
}

/* Wait on @c until @until (monotonic ns); returns ETIMEDOUT or 0. */
int ue_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, uint64_t until)
{
	struct timespec ts = {
		.tv_sec = (time_t)(until / CS_NSEC_PER_SEC),
		.tv_nsec = (long)(until % CS_NSEC_PER_SEC),
	};

	return pthread_cond_timedwait(c, m, &ts);
}

/**
 * ue_thread_create() - start an engine thread
 * @t: the thread
 * @name: its name, as ps and /proc/PID/task/TID/comm show it
 * @cpu: the CPU to pin it to from its first instruction, or -1
 * @fn: its function
 * @arg: @fn's argument
 *
 * Engine threads block every signal: the caller's handlers (^C in the CLI)
 * must run in the caller's threads, never in the middle of a measurement.
 *
 * Return: 0 or a negative errno.
 */
int ue_thread_create(pthread_t *t, const char *name, int cpu,
		     void *(*fn)(void *), void *arg)
{
	size_t sz = CPU_ALLOC_SIZE(CS_CPUS_MAX);
	cpu_set_t *set = NULL;
	sigset_t all, old;
	pthread_attr_t a;
	int ret;

	pthread_attr_init(&a);
	if (cpu >= 0) {
		set = CPU_ALLOC(CS_CPUS_MAX);
		if (!set) {
			ret = ENOMEM;
			goto out;
		}
		CPU_ZERO_S(sz, set);
		CPU_SET_S((size_t)cpu, sz, set);
		ret = pthread_attr_setaffinity_np(&a, sz, set);
		if (ret)
			goto out;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(t, &a, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ret)
		pthread_setname_np(*t, name);
out:
	CPU_FREE(set);
	pthread_attr_destroy(&a);
	return -ret;
}

/* Record an error for the caller and return it. */
int ue_err(struct ue_engine *ue, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ue->pub.err, sizeof(ue->pub.err), fmt, ap);
	va_end(ap);
	return ret;
}

static int ue_sysfs_cpulist(const char *path, uint64_t *mask)
{
	char buf[CS_CPULIST_MAX];
	size_t n;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return cs_cpulist_parse(buf, mask, CS_CPUS_MAX, NULL, 0);
}

/* Possible CPUs: one past the highest CPU number the kernel may bring up. */
static unsigned int ue_possible_count(void)
{
	uint64_t mask[CS_MASK_WORDS(CS_CPUS_MAX)];
	long n;
	int cpu;

	if (!ue_sysfs_cpulist("/sys/devices/system/cpu/possible", mask))
		for (cpu = CS_CPUS_MAX - 1; cpu >= 0; cpu--)
			if (cs_mask_test(mask, (unsigned int)cpu))
				return (unsigned int)cpu + 1;
	n = sysconf(_SC_NPROCESSORS_CONF);
	if (n < 1)
		n = 1;
	return n > CS_CPUS_MAX ? CS_CPUS_MAX : (unsigned int)n;
}

/* The CPUs this process may run on: the engine's "online" CPUs. */
void ue_online_read(struct ue_engine *ue)
{
	size_t sz = CPU_ALLOC_SIZE(CS_CPUS_MAX);
	cpu_set_t *set = CPU_ALLOC(CS_CPUS_MAX);
	unsigned int cpu;

	memset(ue->online, 0, sizeof(ue->online));
	if (set && !sched_getaffinity(0, sz, set)) {
		for (cpu = 0; cpu < ue->nposs; cpu++)
			if (CPU_ISSET_S(cpu, sz, set))
				cs_mask_set(ue->online, cpu);
	} else if (ue_sysfs_cpulist("/sys/devices/system/cpu/online",
				    ue->online)) {
		cs_mask_set(ue->online, 0);	/* we run somewhere */
	}
	CPU_FREE(set);
	for (cpu = ue->nposs; cpu < CS_CPUS_MAX; cpu++)
		ue->online[cpu / 64] &= ~(1ULL << (cpu % 64));
}

static bool ue_cpu_selected(const struct ue_engine *ue, unsigned int cpu)
{
	return cs_mask_test(ue->cpus_all ? ue->online : ue->cpus, cpu);
}

enum cpustress_cpu_state ue_cpu_state(const struct ue_engine *ue,
				      unsigned int cpu)
{
	if (ue->cpu[cpu].w)
		return CPUSTRESS_CPU_RUNNING;
	if (cs_mask_test(ue->online, cpu))
		return CPUSTRESS_CPU_IDLE;
	return CPUSTRESS_CPU_OFFLINE;
}

/* Arm the time limit of a running run from now; ue->lock held. */
static void ue_arm_limit(struct ue_engine *ue)
{
	ue->deadline_ns = ue->time_limit_ms ?
		cs_now_ns() + ue->time_limit_ms * CS_NSEC_PER_MSEC : 0;
	pthread_cond_broadcast(&ue->smp.kick);
}

static void ue_give_back(struct ue_engine *ue);

/* Stop every worker; ue->lock held. */
void ue_stop_locked(struct ue_engine *ue)
{
	bool owned = ue->running && ue->owned;
	unsigned int cpu;

	ue_sys_account(ue);
	for (cpu = 0; cpu < ue->nposs; cpu++)
		ue_worker_stop(ue, cpu);
	ue->running = false;
	ue->owned = false;
	ue->deadline_ns = 0;
	if (owned)
		ue_give_back(ue);
}

/* Start a worker on every selected CPU, or none; ue->lock held. */
static int ue_start_locked(struct ue_engine *ue)
{
	unsigned int cpu;
	int ret;

	ue_sys_account(ue);
	for (cpu = 0; cpu < ue->nposs; cpu++) {
		if (!cs_mask_test(ue->online, cpu) || !ue_cpu_selected(ue, cpu))
			continue;
		ret = ue_worker_start(ue, cpu);
		if (ret) {
			ue_stop_locked(ue);
			return ret;
		}
	}
	ue->running = true;
	ue->run_id++;
	ue_arm_limit(ue);
	return 0;
}

static bool ue_in_range(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v >= lo && v <= hi;
}

/*
 * Parse a cpulist ("all" for every online CPU) into @mask. Every CPU named
 * must be online now: loading a CPU that is not there is a mistake to
 * report, not to remember.
 */
static int ue_cpus_parse(struct ue_engine *ue, const char *list,
			 bool *all, uint64_t *mask)
{
	char msg[CS_ERR_MAX / 2], online[CS_ERR_MAX / 4];
	unsigned int cpu;
	int ret;

	*all = !strcmp(list, "all");
	if (*all) {
		memcpy(mask, ue->online, sizeof(ue->online));
		return 0;
	}
	ret = cs_cpulist_parse(list, mask, ue->nposs, msg, sizeof(msg));
	if (ret)
		return ue_err(ue, ret, "cpus: %s", msg);
	for (cpu = 0; cpu < ue->nposs; cpu++) {
		if (!cs_mask_test(mask, cpu) || cs_mask_test(ue->online, cpu))
			continue;
		if (cs_cpulist_format(ue->online, ue->nposs, online,
				      sizeof(online)) < 0)
			strcpy(online, "(too many to list)");
		return ue_err(ue, -EINVAL, "cpus: CPU %u is offline or not allowed for this process: choose among %s, or \"all\"",
			      cpu, online);
	}
	return 0;
}

/* Check every setting before changing any; ue->lock held. */
static int ue_settings_check(struct ue_engine *ue, const struct cs_settings *s,
			     bool *all, uint64_t *mask)
{
	if (s->busy_pct != CS_UNSET &&
	    !ue_in_range(s->busy_pct, CS_BUSY_PCT_MIN, CS_BUSY_PCT_MAX))
		return ue_err(ue, -ERANGE, "busy_pct %u out of range: use %u..%u",
			      s->busy_pct, CS_BUSY_PCT_MIN, CS_BUSY_PCT_MAX);
	if (s->period_ms != CS_UNSET &&
	    !ue_in_range(s->period_ms, CS_PERIOD_MS_MIN, CS_PERIOD_MS_MAX))
		return ue_err(ue, -ERANGE, "period_ms %u out of range: use %u..%u",
			      s->period_ms, CS_PERIOD_MS_MIN, CS_PERIOD_MS_MAX);
	if (s->interval_ms != CS_UNSET &&
	    !ue_in_range(s->interval_ms, CS_INTERVAL_MS_MIN, CS_INTERVAL_MS_MAX))
		return ue_err(ue, -ERANGE, "interval_ms %u out of range: use %u..%u",
			      s->interval_ms, CS_INTERVAL_MS_MIN,
			      CS_INTERVAL_MS_MAX);
	if (s->time_limit_ms != CS_UNSET &&
	    s->time_limit_ms > CS_TIME_LIMIT_MS_MAX)
		return ue_err(ue, -ERANGE, "time_limit_ms %u out of range: use 0 (none) to %u (a week)",
			      s->time_limit_ms, CS_TIME_LIMIT_MS_MAX);
	if (s->cpus)
		return ue_cpus_parse(ue, s->cpus, all, mask);
	return 0;
}

/*
 * Choose the CPUs to load. While running, workers stop on CPUs no longer
 * chosen and start on the new ones; if one cannot start, nothing changes.
 */
static int ue_cpus_apply(struct ue_engine *ue, bool all, const uint64_t *mask)
{
	unsigned int cpu;
	int ret;

	if (ue->running) {
		ue_sys_account(ue);
		for (cpu = 0; cpu < ue->nposs; cpu++) {
			if (!cs_mask_test(mask, cpu))
				continue;
			ret = ue_worker_start(ue, cpu);
			if (ret)
				goto undo;
		}
		for (cpu = 0; cpu < ue->nposs; cpu++)
			if (!cs_mask_test(mask, cpu))
				ue_worker_stop(ue, cpu);
	}
	memcpy(ue->cpus, mask, sizeof(ue->cpus));
	ue->cpus_all = all;
	return 0;
undo:
	/* Stop the workers this call started; keep those that ran before. */
	for (cpu = 0; cpu < ue->nposs; cpu++)
		if (!ue_cpu_selected(ue, cpu))
			ue_worker_stop(ue, cpu);
	return ret;
}

/* A change of busy_pct or period_ms: workers restart their cycle. */
static void ue_config_changed(struct ue_engine *ue)
{
	/* Pairs with the acquire in ue_worker_configure(): values first. */
	__atomic_store_n(&ue->gen, ue->gen + 1, __ATOMIC_RELEASE);
	ue_workers_kick(ue);
}

/* Apply checked settings; ue->lock held. */
static int ue_settings_apply(struct ue_engine *ue, const struct cs_settings *s,
			     bool all, const uint64_t *mask)
{
	int ret;

	/* The one step that can fail goes first: on failure nothing changed. */
	if (s->cpus) {
		ret = ue_cpus_apply(ue, all, mask);
		if (ret)
			return ret;
	}
	if (s->busy_pct != CS_UNSET)
		CS_STAT_STORE(&ue->busy_pct, s->busy_pct);
	if (s->period_ms != CS_UNSET)
		CS_STAT_STORE(&ue->period_ms, s->period_ms);
	if (s->busy_pct != CS_UNSET || s->period_ms != CS_UNSET)
		ue_config_changed(ue);
	if (s->interval_ms != CS_UNSET) {
		ue->interval_ms = s->interval_ms;
		/* As mod_delayed_work(): the next sample one interval on. */
		ue->smp.next_ns = cs_now_ns() + s->interval_ms * CS_NSEC_PER_MSEC;
		pthread_cond_broadcast(&ue->smp.kick);
	}
	if (s->time_limit_ms != CS_UNSET) {
		/* A running run ends that long from now. */
		ue->time_limit_ms = s->time_limit_ms;
		if (ue->running)
			ue_arm_limit(ue);
	}
	return 0;
}

/* An owned start: remember the settings to give back; ue->lock held. */
static void ue_lend(struct ue_engine *ue)
{
	ue->loan.busy_pct = ue->busy_pct;
	ue->loan.period_ms = ue->period_ms;
	ue->loan.interval_ms = ue->interval_ms;
	ue->loan.time_limit_ms = ue->time_limit_ms;
	ue->loan.cpus_all = ue->cpus_all;
	memcpy(ue->loan.cpus, ue->cpus, sizeof(ue->cpus));
	ue->loan.held = true;
}

/* Give back what an owned run found; ue->lock held, no run. */
static void ue_give_back(struct ue_engine *ue)
{
	struct cs_settings set;

	if (!ue->loan.held)
		return;
	ue->loan.held = false;
	cs_settings_init(&set);
	set.busy_pct = ue->loan.busy_pct;
	set.period_ms = ue->loan.period_ms;
	if (ue->interval_ms != ue->loan.interval_ms)
		set.interval_ms = ue->loan.interval_ms;
	set.time_limit_ms = ue->loan.time_limit_ms;
	memcpy(ue->cpus, ue->loan.cpus, sizeof(ue->cpus));
	ue->cpus_all = ue->loan.cpus_all;
	ue_settings_apply(ue, &set, false, NULL);
}

/* Check, then apply, a change of settings; ue->lock held. */
static int ue_settings_change(struct ue_engine *ue, const struct cs_settings *s)
{
	uint64_t mask[CS_MASK_WORDS(CS_CPUS_MAX)];
	bool all = false;
	int ret;

	ue_online_read(ue);
	ret = ue_settings_check(ue, s, &all, mask);
	return ret ? ret : ue_settings_apply(ue, s, all, mask);
}

static int ue_start(struct cs_engine *e, const struct cs_settings *s)
{
	struct ue_engine *ue = ue_of(e);
	int ret;

	pthread_mutex_lock(&ue->lock);
	if (ue->running) {
		ret = ue_err(ue, -EALREADY, "already running: stop it first, or change the running load with set");
		goto out;
	}
	/*
	 * As the module's START: an owned run borrows the settings, and
	 * gives them back when it ends or fails to start; a plain start's
	 * settings stay, even if the start then fails.
	 */
	ue->loan.held = false;
	if (s->owned)
		ue_lend(ue);
	ret = ue_settings_change(ue, s);
	/* Before the workers: the first interval already shows the load. */
	if (!ret)
		ret = ue_sampler_start(ue);
	if (!ret)
		ret = ue_start_locked(ue);
	if (!ret)
		ue->owned = s->owned;
	else
		ue_give_back(ue);
out:
	pthread_mutex_unlock(&ue->lock);
	return ret;
}

static int ue_set(struct cs_engine *e, const struct cs_settings *s)
{
	struct ue_engine *ue = ue_of(e);
	int ret;

	pthread_mutex_lock(&ue->lock);
	ret = ue_settings_change(ue, s);
	pthread_mutex_unlock(&ue->lock);
	return ret;
}

static int ue_stop(struct cs_engine *e)
{
	struct ue_engine *ue = ue_of(e);

	pthread_mutex_lock(&ue->lock);
	ue_stop_locked(ue);
	pthread_mutex_unlock(&ue->lock);
	return 0;
}

static void ue_mask_format(const uint64_t *mask, unsigned int nbits,
			   char *buf, size_t len)
{
	if (cs_cpulist_format(mask, nbits, buf, len) < 0)
		snprintf(buf, len, "?");	/* thousands of scattered CPUs */
}

static int ue_status(struct cs_engine *e, struct cs_status *st)
{
	struct ue_engine *ue = ue_of(e);
	uint64_t loaded[CS_MASK_WORDS(CS_CPUS_MAX)] = { 0 };
	uint64_t now = cs_now_ns();
	unsigned int cpu;

	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&ue->lock);
	ue_online_read(ue);
	st->running = ue->running;
	st->busy_pct = ue->busy_pct;
	st->period_ms = ue->period_ms;
	st->interval_ms = ue->interval_ms;
	st->wu_kib = ue->wu_kib;
	st->wu_spins = ue->wu_spins;
	st->time_limit_ms = ue->time_limit_ms;
	if (ue->running && ue->deadline_ns)
		st->time_left_ms = ue->deadline_ns > now ?
			(ue->deadline_ns - now) / CS_NSEC_PER_MSEC : 0;
	else
		st->time_left_ms = ue->time_limit_ms;
	for (cpu = 0; cpu < ue->nposs; cpu++) {
		if (ue->cpu[cpu].w)
			cs_mask_set(loaded, cpu);
		st->units_total += CS_STAT_LOAD(&ue->cpu[cpu].stats.units);
		st->selfcheck_errors +=
			CS_STAT_LOAD(&ue->cpu[cpu].stats.selfcheck_errors);
	}
	if (ue->cpus_all)
		strcpy(st->cpus, "all");
	else
		ue_mask_format(ue->cpus, ue->nposs, st->cpus, sizeof(st->cpus));
	ue_mask_format(ue->online, ue->nposs, st->online, sizeof(st->online));
	ue_mask_format(loaded, ue->nposs, st->loaded, sizeof(st->loaded));
	st->ops_per_sec = ue_sample_newest(ue)->ops_per_sec;
	st->window_id = ue->win_id;
	st->run_id = ue->run_id;
	st->sample_seq = ue->smp.seq;
	pthread_mutex_unlock(&ue->lock);
	return 0;
}

static void ue_engine_free(struct ue_engine *ue)
{
	pthread_cond_destroy(&ue->smp.done);
	pthread_cond_destroy(&ue->smp.kick);
	pthread_cond_destroy(&ue->wake);
	pthread_mutex_destroy(&ue->wake_lock);
	pthread_mutex_destroy(&ue->lock);
	ue_sampler_free(ue);
	free(ue->cpu);
	free(ue);
}

static void ue_close(struct cs_engine *e)
{
	struct ue_engine *ue = ue_of(e);
	bool sampler;

	pthread_mutex_lock(&ue->lock);
	ue_stop_locked(ue);
	ue->smp.quit = true;
	pthread_cond_broadcast(&ue->smp.kick);
	sampler = ue->smp.on;
	pthread_mutex_unlock(&ue->lock);
	if (sampler)
		pthread_join(ue->smp.thread, NULL);
	ue_engine_free(ue);
}

static const struct cs_engine_ops ue_ops = {
	.name = "user",
	.status = ue_status,
	.set = ue_set,
	.start = ue_start,
	.stop = ue_stop,
	.reset_stats = ue_reset_stats,
	.snapshot = ue_snapshot,
	.next_sample = ue_next_sample,
	.close = ue_close,
};

static int ue_engine_alloc(struct ue_engine *ue)
{
	size_t n = ue->nposs;
	unsigned int cpu;

	ue->cpu = aligned_alloc(UE_CACHELINE, n * sizeof(*ue->cpu));
	if (!ue->cpu || ue_sampler_alloc(ue))
		return -ENOMEM;
	memset(ue->cpu, 0, n * sizeof(*ue->cpu));
	for (cpu = 0; cpu < ue->nposs; cpu++)
		ue->cpu[cpu].cpu = cpu;
	return 0;
}

/**
 * cs_engine_open_user() - open a user-space engine; no thread starts yet
 * @e: set to the engine
 * @err: on error, why
 * @errlen: size of @err
 *
 * Defaults are the module's: busy 100 % of 100 ms, samples every 1000 ms,
 * every online CPU, work unit CS_WU_KIB_DEFAULT KiB x CS_WU_SPINS_DEFAULT.
 *
 * Return: 0 or a negative errno.
 */
int cs_engine_open_user(struct cs_engine **e, char *err, size_t errlen)
{
	struct ue_engine *ue = calloc(1, sizeof(*ue));

	if (!ue) {
		snprintf(err, errlen, "out of memory for the user-space engine");
		return -ENOMEM;
	}
	pthread_mutex_init(&ue->lock, NULL);
	pthread_mutex_init(&ue->wake_lock, NULL);
	if (ue_cond_init_mono(&ue->wake) || ue_cond_init_mono(&ue->smp.kick) ||
	    ue_cond_init_mono(&ue->smp.done))
		goto nomem;
	ue->nposs = ue_possible_count();
	if (ue_engine_alloc(ue))
		goto nomem;
	ue->busy_pct = CS_BUSY_PCT_MAX;
	ue->period_ms = CS_PERIOD_MS_DEFAULT;
	ue->interval_ms = CS_INTERVAL_MS_DEFAULT;
	ue->wu_kib = CS_WU_KIB_DEFAULT;
	ue->wu_spins = CS_WU_SPINS_DEFAULT;
	ue->cpus_all = true;
	ue->win_id = 1;
	ue->win_start_ns = cs_now_ns();
	ue_online_read(ue);
	ue->pub.ops = &ue_ops;
	ue->pub.priv = ue;
	*e = &ue->pub;
	return 0;
nomem:
	ue_engine_free(ue);
	snprintf(err, errlen, "out of memory for the user-space engine");
	return -ENOMEM;
}
