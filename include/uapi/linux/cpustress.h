/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * cpustress generic netlink ABI, shared by the kernel module and the CLI.
 * Also described as a netlink spec in docs/netlink/cpustress.yaml.
 *
 * Commands (family "cpustress", version CPUSTRESS_GENL_VERSION):
 *
 * GET          config, state and totals                    anyone
 * SET          busy_pct, period_ms, interval_ms, cpus,
 *              time_limit_ms; at least one                  CAP_NET_ADMIN
 * START        the same optional settings, plus OWNED: the
 *              run stops when the requesting socket closes,
 *              and its end gives back the settings (time
 *              limit included) it found                     CAP_NET_ADMIN
 * STOP                                                      CAP_NET_ADMIN
 * GET_STATS    dump: one message per possible CPU with its
 *              counters over the measurement window, its
 *              unit-duration histogram, its newest rates and
 *              the median and spread of its recent ones;
 *              as a request (not dump) with CPU_ID: one CPU anyone
 * RESET_STATS  opens a new measurement window               CAP_NET_ADMIN
 * SAMPLE       event to the "samples" group, once per
 *              sampling interval, with every CPU's rates
 *
 * Counters in GET_STATS are differences since the window opened (module
 * load, or the last RESET_STATS), so a reader never races a reset: the
 * window id in each reply says which window the numbers belong to.
 */
#ifndef _UAPI_LINUX_CPUSTRESS_H
#define _UAPI_LINUX_CPUSTRESS_H

#define CPUSTRESS_GENL_NAME		"cpustress"
#define CPUSTRESS_GENL_VERSION		1
#define CPUSTRESS_MCGRP_SAMPLES		"samples"

/* The unit-duration histogram: see include/cpustress/hist.h. */
#define CPUSTRESS_HIST_BUCKETS		256
#define CPUSTRESS_HIST_SUB_BITS		3

/* Longest cpulist accepted in CPUSTRESS_A_CPUS, including the NUL. */
#define CPUSTRESS_CPUS_MAXLEN		4096

enum cpustress_cmd {
	CPUSTRESS_CMD_UNSPEC,
	CPUSTRESS_CMD_GET,
	CPUSTRESS_CMD_SET,
	CPUSTRESS_CMD_START,
	CPUSTRESS_CMD_STOP,
	CPUSTRESS_CMD_GET_STATS,
	CPUSTRESS_CMD_RESET_STATS,
	CPUSTRESS_CMD_SAMPLE,

	__CPUSTRESS_CMD_MAX,
	CPUSTRESS_CMD_MAX = __CPUSTRESS_CMD_MAX - 1
};

/**
 * enum cpustress_cpu_state - what a CPU's worker is doing
 * @CPUSTRESS_CPU_OFFLINE: the CPU is offline
 * @CPUSTRESS_CPU_IDLE: online, no worker (stopped, or not selected)
 * @CPUSTRESS_CPU_RUNNING: its worker runs
 */
enum cpustress_cpu_state {
	CPUSTRESS_CPU_OFFLINE,
	CPUSTRESS_CPU_IDLE,
	CPUSTRESS_CPU_RUNNING,
};

/*
 * Top-level attributes. Times are ns on the kernel's monotonic clock unless
 * the name says otherwise; percentages are per mille ("_PM").
 */
enum cpustress_attr {
	CPUSTRESS_A_UNSPEC,
	CPUSTRESS_A_PAD,
	CPUSTRESS_A_RUNNING,		/* u8: 0 or 1 */
	CPUSTRESS_A_BUSY_PCT,		/* u32: 1..100 */
	CPUSTRESS_A_PERIOD_MS,		/* u32: 10..10000 */
	CPUSTRESS_A_INTERVAL_MS,	/* u32: 10..60000 */
	CPUSTRESS_A_CPUS,		/* string: cpulist or "all" */
	CPUSTRESS_A_TIME_LIMIT_MS,	/* u32: run length, 0 = none */
	CPUSTRESS_A_OWNED,		/* flag (START): stop when I close */
	CPUSTRESS_A_WU_KIB,		/* u32 */
	CPUSTRESS_A_WU_SPINS,		/* u32 */
	CPUSTRESS_A_ONLINE_CPUS,	/* string: cpulist of online CPUs */
	CPUSTRESS_A_LOADED_CPUS,	/* string: cpulist of running workers */
	CPUSTRESS_A_OPS_PER_SEC,	/* u64: all CPUs, newest sample */
	CPUSTRESS_A_UNITS_TOTAL,	/* u64: since module load */
	CPUSTRESS_A_TIME_LEFT_MS,	/* u64: of the time limit, if any */
	CPUSTRESS_A_OWNER_PORTID,	/* u32: owner of the run, if owned */
	CPUSTRESS_A_TIMESTAMP_NS,	/* u64: when the reply was built */
	CPUSTRESS_A_WINDOW_ID,		/* u64: measurement window */
	CPUSTRESS_A_WINDOW_START_NS,	/* u64: when it opened */
	CPUSTRESS_A_SAMPLE_SEQ,		/* u64: sample number, 1 = first */
	CPUSTRESS_A_SAMPLE_DT_NS,	/* u64: length of the interval */
	CPUSTRESS_A_HIST_BUCKETS,	/* u32: CPUSTRESS_HIST_BUCKETS */
	CPUSTRESS_A_HIST_SUB_BITS,	/* u32: CPUSTRESS_HIST_SUB_BITS */
	CPUSTRESS_A_SELFCHECK_ERRORS,	/* u64: all CPUs, since load */
	CPUSTRESS_A_CPU_ID,		/* u32: request filter (GET_STATS) */
	CPUSTRESS_A_CPU,		/* nest: enum cpustress_cpu_attr */
	CPUSTRESS_A_RUN_ID,		/* u64: +1 on every start */

	__CPUSTRESS_A_MAX,
	CPUSTRESS_A_MAX = __CPUSTRESS_A_MAX - 1
};

/* Attributes of one CPU, nested in CPUSTRESS_A_CPU. */
enum cpustress_cpu_attr {
	CPUSTRESS_CPU_A_UNSPEC,
	CPUSTRESS_CPU_A_PAD,
	CPUSTRESS_CPU_A_ID,		/* u32 */
	CPUSTRESS_CPU_A_STATE,		/* u8: enum cpustress_cpu_state */
	/* Counters over the measurement window (GET_STATS). */
	CPUSTRESS_CPU_A_ELEMENTS,	/* u64 */
	CPUSTRESS_CPU_A_UNITS,		/* u64 */
	CPUSTRESS_CPU_A_BUSY_NS,	/* u64 */
	CPUSTRESS_CPU_A_SLEEP_NS,	/* u64 */
	CPUSTRESS_CPU_A_STEAL_NS,	/* u64 */
	CPUSTRESS_CPU_A_WAIT_NS,	/* u64 */
	CPUSTRESS_CPU_A_NIVCSW,		/* u64 */
	CPUSTRESS_CPU_A_IRQS,		/* u64 */
	CPUSTRESS_CPU_A_UNIT_MAX_NS,	/* u64: longest unit since load */
	CPUSTRESS_CPU_A_SELFCHECK_ERRORS, /* u64: since load */
	CPUSTRESS_CPU_A_HIST,		/* binary: u64[HIST_BUCKETS], window */
	/* Rates of the newest sample (GET_STATS and SAMPLE). */
	CPUSTRESS_CPU_A_OPS_MILLI,	/* u64: units/s x 1000 */
	CPUSTRESS_CPU_A_BUSY_PM,	/* u32 */
	CPUSTRESS_CPU_A_STEAL_PM,	/* u32 */
	CPUSTRESS_CPU_A_WAIT_PM,	/* u32 */
	CPUSTRESS_CPU_A_IRQS_PS,	/* u32 */
	CPUSTRESS_CPU_A_NIVCSW_PS,	/* u32 */
	CPUSTRESS_CPU_A_P50_NS,		/* u64 */
	CPUSTRESS_CPU_A_P90_NS,		/* u64 */
	CPUSTRESS_CPU_A_P99_NS,		/* u64 */
	CPUSTRESS_CPU_A_MAX_NS,		/* u64 */
	/* Counters since module load (GET_STATS). */
	CPUSTRESS_CPU_A_UNITS_TOTAL,	/* u64 */
	/*
	 * How steady OPS_MILLI has been (GET_STATS): nearest-rank median,
	 * p10 and p90 over the CPU's newest samples, the newest included,
	 * at most CS_RECENT_MAX (include/cpustress/recent.h), back to the
	 * first one taken while its worker was not running. RECENT_N 0:
	 * none (stopped or idle), the others are 0.
	 */
	CPUSTRESS_CPU_A_RECENT_N,	/* u32 */
	CPUSTRESS_CPU_A_RECENT_MEDIAN_MILLI, /* u64: units/s x 1000 */
	CPUSTRESS_CPU_A_RECENT_P10_MILLI, /* u64 */
	CPUSTRESS_CPU_A_RECENT_P90_MILLI, /* u64 */

	__CPUSTRESS_CPU_A_MAX,
	CPUSTRESS_CPU_A_MAX = __CPUSTRESS_CPU_A_MAX - 1
};

#endif /* _UAPI_LINUX_CPUSTRESS_H */
