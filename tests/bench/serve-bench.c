// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The exporter (serve/daemon.c, every route as in cpustress serve) over
 * the scripted engine (a TEST DOUBLE, scripted_engine.h) of N CPUs, for
 * wrk: what /metrics costs against /cpu-perf at a CPU count the host does
 * not have. Load tests are dry runs. Ends on SIGTERM or SIGINT.
 *   serve-bench NCPUS LISTEN STATE_DIR [--per-cpu-histogram]
 * Prints "listening on ADDR" on stderr once it answers.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/serve.h"
#include "scripted_engine.h"

int main(int argc, char **argv)
{
	struct timespec tick = { 0, 250 * 1000000L };
	char err[CS_ERR_MAX], where[INET6_ADDRSTRLEN + 16];
	struct cs_engine *e;
	struct cs_srv *srv;
	sigset_t set;
	int fd;

	if (argc < 4 || argc > 5 ||
	    (argc == 5 && strcmp(argv[4], "--per-cpu-histogram"))) {
		fprintf(stderr, "usage: serve-bench NCPUS LISTEN STATE_DIR [--per-cpu-histogram]\n");
		return 2;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv || cs_engine_open_scripted((uint32_t)atoi(argv[1]), &e)) {
		fprintf(stderr, "serve-bench: bad CPU count or out of memory\n");
		return 2;
	}
	snprintf(srv->o.listen, sizeof(srv->o.listen), "%s", argv[2]);
	snprintf(srv->o.state_dir, sizeof(srv->o.state_dir), "%s", argv[3]);
	snprintf(srv->o.apikey_file, sizeof(srv->o.apikey_file), "%s/none",
		 argv[3]);
	srv->o.log_level = CS_LOG_WARN;
	srv->o.engine = "scripted";
	srv->o.busy_pct = 100;
	srv->o.cpus = "all";
	srv->o.max_conns = CS_SERVE_CONNS_DEFAULT;
	srv->o.max_per_ip = CS_SERVE_CONNS_PER_IP_DEFAULT;
	srv->o.timeout_s = CS_SERVE_TIMEOUT_DEFAULT;
	srv->o.keep = CS_SERVE_KEEP_DEFAULT;
	srv->o.per_cpu_hist = argc == 5;
	srv->dry_run = true;
	cs_log_set_level(CS_LOG_WARN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (cs_store_open(&srv->store, srv->o.state_dir, srv->o.keep, err,
			  sizeof(err))) {
		fprintf(stderr, "serve-bench: %s\n", err);
		return 1;
	}
	fd = cs_listen_open(srv->o.listen, where, sizeof(where), err,
			    sizeof(err));
	if (fd < 0) {
		fprintf(stderr, "serve-bench: %s\n", err);
		return 1;
	}
	if (cs_srv_start(srv, e, fd))
		return 1;
	fprintf(stderr, "listening on %s\n", where);
	while (sigtimedwait(&set, NULL, &tick) < 0)
		cs_srv_reap(srv);
	cs_srv_stop(srv);
	cs_store_close(&srv->store);
	free(srv);
	return 0;
}
