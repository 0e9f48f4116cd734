// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress status: configuration, state and a per-CPU table, from one GET
 * and one GET_STATS dump; --json for scripts.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define NS_PER_MS	1000000ULL

static void print_status(const char *engine, const struct cs_status *st,
			 const struct cs_snapshot *snap)
{
	uint32_t i;

	printf(PROG_NAME ": %s", st->running ? "running" : "stopped");
	if (st->run_id)
		printf(" (run %llu)", (unsigned long long)st->run_id);
	printf(", busy %u%% of %u ms, sampling every %u ms\n",
	       st->busy_pct, st->period_ms, st->interval_ms);
	printf("cpus: %s (online %s, loaded %s)\n", st->cpus, st->online,
	       st->loaded[0] ? st->loaded : "none");
	printf("work unit: %u KiB x %u spins\n", st->wu_kib, st->wu_spins);
	if (st->time_limit_ms) {
		printf("time limit: %u ms", st->time_limit_ms);
		if (st->running)
			printf(", %llu ms left",
			       (unsigned long long)st->time_left_ms);
		printf("\n");
	}
	/* The user engine's process gives the owner's pid as its port. */
	if (st->owner_portid)
		printf("owned by %s %u: stops when it closes\n",
		       strcmp(engine, CS_ENGINE_USER) ? "netlink port" :
							"process",
		       st->owner_portid);
	printf("total: %llu ops/s, %llu units, %llu self-check errors\n",
	       (unsigned long long)st->ops_per_sec,
	       (unsigned long long)st->units_total,
	       (unsigned long long)st->selfcheck_errors);
	if (snap->ts_ns >= snap->window_start_ns && snap->window_start_ns)
		printf("measurement window %llu, open %llu ms\n",
		       (unsigned long long)snap->window_id,
		       (unsigned long long)((snap->ts_ns -
					     snap->window_start_ns) /
					    NS_PER_MS));
	printf("\n");
	cs_print_cpu_header("", true);
	for (i = 0; i < snap->ncpus; i++)
		cs_print_cpu_row("", &snap->cpu[i], &snap->cpu[i].units_total);
}

int status_main(int argc, char **argv)
{
	struct cs_snapshot snap = { 0 };
	struct cs_status_opts o;
	struct cs_status *st;
	struct cs_engine *e;
	char err[CS_ERR_MAX];
	int ret;

	ret = cmd_parse_result(parse_status_args(argc, argv, &o, err,
						 sizeof(err)),
			       "status", status_usage, err);
	if (ret >= 0)
		return ret;
	ret = cs_open_engine(o.engine, &e);
	if (ret)
		return ret;
	/* Three cpulists of CS_CPULIST_MAX: too big for the stack. */
	st = calloc(1, sizeof(*st));
	if (!st) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		ret = EXIT_RUNTIME;
	} else if (e->ops->status(e, st) < 0) {
		ret = cs_fail(e, "status");
	} else if (e->ops->snapshot(e, &snap) < 0) {
		ret = cs_fail(e, "stats");
	} else if (o.json) {
		cs_json_status(stdout, e->ops->name, st, &snap);
	} else {
		print_status(e->ops->name, st, &snap);
	}
	cs_snapshot_free(&snap);
	free(st);
	cs_engine_close(e);
	return ret;
}
