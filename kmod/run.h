/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpustress run.c: what the interfaces call. Every state change goes
 * through these, which take the locks.
 */
#ifndef CPUSTRESS_KMOD_RUN_H
#define CPUSTRESS_KMOD_RUN_H

#include <uapi/linux/cpustress.h>

#include "cpustress.h"

static inline bool cs_in_range(u32 v, u32 lo, u32 hi)
{
	return v >= lo && v <= hi;
}

int cs_run_init(u32 busy_pct, u32 period_ms, u32 interval_ms,
		const char *cpus,
		void (*notify)(u64 seq, u64 ts_ns, u64 dt_ns, u64 ops_total,
			       const struct cs_cpu_rate *rates));
u64 cs_run_exit(void);

bool cs_cpu_selected(unsigned int cpu);
enum cpustress_cpu_state cs_cpu_state(unsigned int cpu);
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

#endif /* CPUSTRESS_KMOD_RUN_H */
