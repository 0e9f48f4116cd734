/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The engine interface: what every command (status, start, stop, set, top,
 * sweep, serve) uses, implemented twice:
 *
 *   engine/kernel.c  the cpustress.ko module, over generic netlink
 *   engine/user.c    the same work unit in pinned pthreads (the baseline,
 *                    and the fallback where no module can be loaded)
 *
 * Both report the same structures (include/cpustress/stats.h), so callers
 * never need to know which engine they drive.
 */
#ifndef CPUSTRESS_ENGINE_H
#define CPUSTRESS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/cpustress.h>
#include <cpustress/recent.h>
#include <cpustress/stats.h>

#define CS_CPULIST_MAX	CPUSTRESS_CPUS_MAXLEN
#define CS_ERR_MAX	512

/** Settings to change; a field left at CS_UNSET (or NULL) stays as it is. */
#define CS_UNSET	UINT32_MAX
struct cs_settings {
	uint32_t busy_pct;	/* CS_BUSY_PCT_MIN..MAX (cpustress/limits.h) */
	uint32_t period_ms;	/* CS_PERIOD_MS_MIN..MAX */
	uint32_t interval_ms;	/* CS_INTERVAL_MS_MIN..MAX */
	uint32_t time_limit_ms;	/* 0 = none, else up to CS_TIME_LIMIT_MS_MAX */
	const char *cpus;	/* cpulist or "all" */
	bool owned;		/* start only: stop when this engine closes */
};

/** Initialise settings to "change nothing". */
void cs_settings_init(struct cs_settings *s);

/** Configuration and state of an engine. */
struct cs_status {
	bool running;
	uint32_t busy_pct;
	uint32_t period_ms;
	uint32_t interval_ms;
	uint32_t wu_kib;
	uint32_t wu_spins;
	uint32_t time_limit_ms;		/* 0 = none */
	uint64_t time_left_ms;		/* valid if time_limit_ms */
	uint32_t owner_portid;		/* 0 = not owned */
	char cpus[CS_CPULIST_MAX];	/* selected ("all" or a cpulist) */
	char online[CS_CPULIST_MAX];	/* online CPUs */
	char loaded[CS_CPULIST_MAX];	/* CPUs with a running worker */
	uint64_t ops_per_sec;		/* newest sample, all CPUs */
	uint64_t units_total;		/* since load (kernel) / open (user) */
	uint64_t selfcheck_errors;
	uint64_t window_id;
	uint64_t run_id;
	uint64_t sample_seq;
};

/** One CPU in a snapshot. */
struct cs_cpu_snap {
	uint32_t cpu;
	enum cpustress_cpu_state state;
	struct cs_cpu_stats stats;	/* over the measurement window */
	struct cs_cpu_rate rate;	/* newest sample */
	uint64_t units_total;		/* since load */
	struct cs_recent recent;	/* ops_milli of the recent samples */
};

/** Every possible CPU's counters and rates at one moment. */
struct cs_snapshot {
	uint64_t ts_ns;			/* engine's monotonic clock */
	uint64_t window_id;
	uint64_t window_start_ns;
	uint32_t ncpus;			/* entries used in cpu[] */
	uint32_t cap;			/* entries allocated */
	struct cs_cpu_snap *cpu;	/* sorted by cpu */
};

/** One sample: every loaded CPU's rates over one interval. */
struct cs_sample {
	uint64_t seq;
	uint64_t ts_ns;
	uint64_t dt_ns;
	uint64_t ops_per_sec;
	uint32_t ncpus;
	struct cs_cpu_snap cpu[];	/* only id, state and rate are set */
};

struct cs_engine;

struct cs_engine_ops {
	const char *name;		/* "kernel" or "user" */
	int (*status)(struct cs_engine *e, struct cs_status *st);
	int (*set)(struct cs_engine *e, const struct cs_settings *s);
	int (*start)(struct cs_engine *e, const struct cs_settings *s);
	int (*stop)(struct cs_engine *e);
	int (*reset_stats)(struct cs_engine *e);
	int (*snapshot)(struct cs_engine *e, struct cs_snapshot *snap);
	/*
	 * Wait up to timeout_ms for the next sample and hand it to cb
	 * (kernel: a SAMPLE event; user: the engine's own sampler).
	 * Returns 1 after a sample, 0 on timeout, or a negative errno.
	 */
	int (*next_sample)(struct cs_engine *e, int timeout_ms,
			   void (*cb)(const struct cs_sample *s, void *arg),
			   void *arg);
	void (*close)(struct cs_engine *e);
};

/**
 * struct cs_engine - an open engine
 * @ops: its implementation
 * @err: the last error, a sentence for the user naming cause and fix
 * @priv: the implementation's state
 */
struct cs_engine {
	const struct cs_engine_ops *ops;
	char err[CS_ERR_MAX];
	void *priv;
};

/*
 * Every call returns 0 or a negative errno and, on error, leaves a message
 * in e->err ("module not loaded: run insmod kmod/cpustress.ko", "permission
 * denied: need CAP_NET_ADMIN", the kernel's extended-ack text, ...).
 */
int cs_engine_open_kernel(struct cs_engine **e, char *err, size_t errlen);
int cs_engine_open_user(struct cs_engine **e, char *err, size_t errlen);
/* The user engine shared by every process: engine/user_client.c. */
int cs_engine_open_shared(struct cs_engine **e, char *err, size_t errlen);
void cs_engine_close(struct cs_engine *e);
/* The command that stops @e's run, for messages: "cpustress stop ...". */
const char *cs_engine_stop_cmd(const struct cs_engine *e);

/** Snapshot storage: zero-initialise, let snapshot() grow it, then free. */
void cs_snapshot_free(struct cs_snapshot *snap);

/** "offline", "idle" or "running". */
const char *cs_state_name(enum cpustress_cpu_state state);

/** CLOCK_MONOTONIC in ns: the clock of the user engine and of the CLI. */
uint64_t cs_now_ns(void);

static inline uint64_t cs_now_ms(void)
{
	return cs_now_ns() / 1000000;
}

#endif /* CPUSTRESS_ENGINE_H */
