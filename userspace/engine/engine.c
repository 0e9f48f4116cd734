// SPDX-License-Identifier: GPL-2.0 OR MIT
/* What both engines share: settings, snapshot storage, closing. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cpustress/version.h>

#include "engine/engine.h"

void cs_settings_init(struct cs_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->busy_pct = CS_UNSET;
	s->period_ms = CS_UNSET;
	s->interval_ms = CS_UNSET;
	s->time_limit_ms = CS_UNSET;
}

uint64_t cs_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * CS_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

void cs_snapshot_free(struct cs_snapshot *snap)
{
	free(snap->cpu);
	memset(snap, 0, sizeof(*snap));
}

void cs_engine_close(struct cs_engine *e)
{
	if (e)
		e->ops->close(e);
}

const char *cs_engine_stop_cmd(const struct cs_engine *e)
{
	return strcmp(e->ops->name, "user") ? PROG_NAME " stop" :
					      PROG_NAME " stop --engine user";
}

const char *cs_state_name(enum cpustress_cpu_state state)
{
	switch (state) {
	case CPUSTRESS_CPU_OFFLINE:
		return "offline";
	case CPUSTRESS_CPU_IDLE:
		return "idle";
	case CPUSTRESS_CPU_RUNNING:
		return "running";
	}
	return "unknown";
}
