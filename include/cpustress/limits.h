/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The ranges and defaults of the settings: one home for the module (its
 * checks, its netlink policy and MODULE_PARM_DESC), both engines, the CLI's
 * parsers and the sweep reader. The copies in the uapi header's comments,
 * docs/netlink/cpustress.yaml and the docs are checked against this file
 * by tests/host/netlink-spec.sh.
 *
 * Plain decimal literals, so that __stringify() makes them text.
 * Freestanding: no includes.
 */
#ifndef CPUSTRESS_LIMITS_H
#define CPUSTRESS_LIMITS_H

/* Busy share of each period, percent. */
#define CS_BUSY_PCT_MIN		1
#define CS_BUSY_PCT_MAX		100

/* Duty-cycle period, ms. */
#define CS_PERIOD_MS_MIN	10
#define CS_PERIOD_MS_MAX	10000
#define CS_PERIOD_MS_DEFAULT	100

/* Sampling interval, ms. */
#define CS_INTERVAL_MS_MIN	10
#define CS_INTERVAL_MS_MAX	60000
#define CS_INTERVAL_MS_DEFAULT	1000

/* Length of a run, ms, 0 = none. A week: a longer run is a mistake. */
#define CS_TIME_LIMIT_MS_MAX	604800000

/* Work-unit parameters, fixed at module load (defaults: workunit.h). */
#define CS_WU_KIB_MIN		4
#define CS_WU_KIB_MAX		65536
#define CS_WU_SPINS_MIN		1
#define CS_WU_SPINS_MAX		1000000

#endif /* CPUSTRESS_LIMITS_H */
