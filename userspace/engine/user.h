/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The user-space engine's insides, shared by its three files:
 *
 *   engine/user.c          configuration, start/stop, time limit, status
 *                          (the twin of kmod/run.c)
 *   engine/user_sampler.c  samples and the measurement window (sampler.c)
 *   engine/user_worker.c   the pinned worker threads (worker.c)
 *
 * Everything here is named ue_ (the module's twins are cs_), so grep and
 * ctags tell the two engines apart. Counters are written and read with
 * stats.h's CS_STAT_STORE/CS_STAT_LOAD, as in the module.
 *
 * Locking: ue->lock serialises every operation, the worker table and the
 * sampler. Workers never take it: they read the configuration through
 * ue->gen and atomics, and sleep on ue->wake_lock/ue->wake only.
 */
#ifndef CPUSTRESS_ENGINE_USER_H
#define CPUSTRESS_ENGINE_USER_H

#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cpustress/duty.h>
#include <cpustress/limits.h>
#include <cpustress/stats.h>
#include <cpustress/workunit.h>

#include "util/cpulist.h"
#include "engine/engine.h"

#define UE_CACHELINE		64

struct ue_worker;

/*
 * Samples kept for next_sample(): from its first call on, every sample is
 * delivered in order, as the kernel engine's netlink socket queues SAMPLE
 * events; a reader this many samples behind starts losing the oldest.
 * Also the samples a snapshot's recent figures come from: as many as the
 * module keeps (kmod/sampler.c), at least CS_RECENT_MAX.
 */
#define UE_SAMPLE_RING		64
static_assert(UE_SAMPLE_RING >= CS_RECENT_MAX, "recent samples must fit the ring");

/**
 * struct ue_sample - one sample as the sampler keeps it
 * @ts_ns: end of the interval, monotonic
 * @dt_ns: length of the interval
 * @ops_per_sec: sum of the CPUs' rounded units per second
 * @ncpus: CPUs listed in the sample
 * @cpu: every possible CPU's rates; @listed if loaded during the interval
 */
struct ue_sample {
	uint64_t ts_ns;
	uint64_t dt_ns;
	uint64_t ops_per_sec;
	uint32_t ncpus;
	struct ue_sample_cpu {
		struct cs_cpu_rate rate;
		enum cpustress_cpu_state state;
		bool listed;
	} *cpu;
};

/**
 * struct ue_cpu - one possible CPU: its worker and its counters
 * @stats: counters since the engine opened. steal_ns and irqs are written
 *	by the holder of ue->lock (from /proc, once per sample); every other
 *	field only by the CPU's worker.
 * @cpu: the CPU number
 * @w: its worker, NULL when none runs (under ue->lock)
 * @steal_raw: the CPU's /proc steal time at the last accounting (ue->lock)
 * @irqs_raw: the CPU's /proc interrupt count at the last accounting
 */
struct ue_cpu {
	struct cs_cpu_stats stats;
	unsigned int cpu;
	struct ue_worker *w;
	uint64_t steal_raw;
	uint64_t irqs_raw;
} __attribute__((aligned(UE_CACHELINE)));

/**
 * struct ue_engine - the user-space engine
 * @pub: what callers hold
 * @lock: serialises operations, see the file comment
 * @busy_pct: configuration; busy_pct and period_ms are read by workers
 * @period_ms: after an acquire load of @gen
 * @interval_ms: sampling interval
 * @time_limit_ms: length of a run, 0 = none
 * @gen: bumped (release) on every change of busy_pct or period_ms
 * @cpus_all: load every CPU of @online, else those of @cpus
 * @cpus: the selected CPUs
 * @online: CPUs this process may run on, read at each operation
 * @nposs: possible CPUs, entries of @cpu
 * @wu_kib: work-unit buffer size
 * @wu_spins: spins per element
 * @cpu: per-CPU state, each on its own cache lines
 * @running: a run is on
 * @owned: the run is owned: its end gives back @loan
 * @loan: the settings an owned run found (as kmod/run.c's cs_loan)
 * @run_id: +1 on every start
 * @deadline_ns: when the time limit stops the run, 0 = none
 * @wake_lock: protects nothing; the mutex of @wake
 * @wake: workers sleep on it; broadcast on stop and reconfiguration
 * @smp: the sampler and its newest samples, see engine/user_sampler.c
 * @win_id: measurement window, 1 from open, +1 on every reset
 * @win_start_ns: when it opened
 * @win_base: per-CPU counters when it opened
 */
struct ue_engine {
	struct cs_engine pub;
	pthread_mutex_t lock;
	uint32_t busy_pct;
	uint32_t period_ms;
	uint32_t interval_ms;
	uint32_t time_limit_ms;
	uint32_t gen;
	bool cpus_all;
	uint64_t cpus[CS_MASK_WORDS(CS_CPUS_MAX)];
	uint64_t online[CS_MASK_WORDS(CS_CPUS_MAX)];
	unsigned int nposs;
	uint32_t wu_kib;
	uint32_t wu_spins;
	struct ue_cpu *cpu;
	bool running;
	bool owned;
	struct {
		bool held;
		uint32_t busy_pct;
		uint32_t period_ms;
		uint32_t interval_ms;
		uint32_t time_limit_ms;
		bool cpus_all;
		uint64_t cpus[CS_MASK_WORDS(CS_CPUS_MAX)];
	} loan;
	uint64_t run_id;
	uint64_t deadline_ns;
	pthread_mutex_t wake_lock;
	pthread_cond_t wake;
	struct {
		pthread_t thread;
		bool on;
		bool quit;
		bool listening;
		pthread_cond_t kick;	/* new interval, limit, quit */
		pthread_cond_t done;	/* a new sample */
		uint64_t next_ns;
		uint64_t prev_ts;
		struct cs_cpu_stats *prev;
		struct cs_cpu_stats *cur;
		uint64_t seq;		/* newest sample, 0 = none yet */
		uint64_t delivered;	/* newest handed to next_sample() */
		struct ue_sample ring[UE_SAMPLE_RING];
	} smp;
	uint64_t win_id;
	uint64_t win_start_ns;
	struct cs_cpu_stats *win_base;
};

static inline uint64_t ue_elems_per_unit(const struct ue_engine *ue)
{
	return (uint64_t)ue->wu_kib * CS_WU_ELEMS_PER_KIB;
}

static inline struct ue_engine *ue_of(struct cs_engine *e)
{
	return e->priv;
}

/* engine/user.c */
int ue_cond_init_mono(pthread_cond_t *c);
int ue_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, uint64_t until);
int ue_thread_create(pthread_t *t, const char *name, int cpu,
		     void *(*fn)(void *), void *arg);
__attribute__((format(printf, 3, 4)))
int ue_err(struct ue_engine *ue, int ret, const char *fmt, ...);
void ue_online_read(struct ue_engine *ue);
enum cpustress_cpu_state ue_cpu_state(const struct ue_engine *ue,
				      unsigned int cpu);
void ue_stop_locked(struct ue_engine *ue);

/* engine/user_sampler.c, the first three with ue->lock held */
void ue_sys_account(struct ue_engine *ue);
int ue_sampler_start(struct ue_engine *ue);
const struct ue_sample *ue_sample_newest(const struct ue_engine *ue);
int ue_sampler_alloc(struct ue_engine *ue);
void ue_sampler_free(struct ue_engine *ue);
int ue_reset_stats(struct cs_engine *e);
int ue_snapshot(struct cs_engine *e, struct cs_snapshot *snap);
int ue_next_sample(struct cs_engine *e, int timeout_ms,
		   void (*cb)(const struct cs_sample *s, void *arg),
		   void *arg);

/* engine/user_worker.c, all with ue->lock held */
int ue_worker_start(struct ue_engine *ue, unsigned int cpu);
void ue_worker_stop(struct ue_engine *ue, unsigned int cpu);
void ue_workers_kick(struct ue_engine *ue);

#endif /* CPUSTRESS_ENGINE_USER_H */
