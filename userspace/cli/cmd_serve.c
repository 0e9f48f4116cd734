// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress serve: the command. main reads the options, sets up the
 * listening socket, the state directory and the engine, starts the server
 * (serve/daemon.c) and waits for SIGTERM or SIGINT, closing late requests
 * meanwhile; then it stops the server and takes the rest down in the
 * reverse order. A server that fails to start leaves no directory behind.
 *
 * Requests are answered by libmicrohttpd's thread pool from the
 * collector's newest view (serve/handler.c); a POST /v1/loadtest that
 * waits for its sweep is suspended, so it holds no thread, and resumed
 * when the sweep ends.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "serve/serve.h"
#include "util/words.h"

#define TICK_MS		250	/* main looks for late requests */

/* Wait for SIGTERM or SIGINT, closing late requests meanwhile. */
static int wait_signal(struct cs_srv *srv, const sigset_t *set)
{
	struct timespec tick = { 0, TICK_MS * 1000000L };
	int sig;

	for (;;) {
		sig = sigtimedwait(set, NULL, &tick);
		if (sig > 0)
			return sig;
		cs_srv_reap(srv);
	}
}

static uint32_t count_keys(const char *path)
{
	char why[CS_ERR_MAX];
	uint32_t n = cs_apikeys_count(path, why, sizeof(why));

	if (!n)
		cs_log(CS_LOG_WARN, "POST /v1/loadtest is refused until a key is added: %s",
		       why);
	return n;
}

/* Everything that runs, from the engine on, then the wait and the end. */
static int serve(struct cs_srv *srv, int fd, const char *where,
		 const sigset_t *set)
{
	struct cs_engine *e;
	uint32_t nkeys;
	int ret, sig;

	ret = cs_open_engine(srv->o.engine, &e);
	if (ret) {
		close(fd);
		return ret;
	}
	if (cs_srv_start(srv, e, fd))
		return EXIT_RUNTIME;
	nkeys = count_keys(srv->o.apikey_file);
	cs_log(CS_LOG_INFO, "listening on %s, engine %s, state dir %s, %u %s",
	       where, srv->o.engine, srv->o.state_dir, nkeys,
	       cs_plural(nkeys, "API key", "API keys"));
	cs_log(CS_LOG_DEBUG, "limits: %u connections, %u per client, request timeout %u s, header %d B, body %d B",
	       srv->o.max_conns, srv->o.max_per_ip, srv->o.timeout_s,
	       CS_SERVE_HEADER_MAX, CS_SERVE_BODY_MAX);
	sig = wait_signal(srv, set);
	cs_log(CS_LOG_INFO, "%s: stopping", strsignal(sig));
	cs_srv_stop(srv);
	return 0;
}

int serve_main(int argc, char **argv)
{
	struct cs_srv *srv;
	char err[CS_ERR_MAX], where[INET6_ADDRSTRLEN + 16] = "?";
	sigset_t set;
	int ret, fd;

	srv = calloc(1, sizeof(*srv));
	if (!srv) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		return EXIT_RUNTIME;
	}
	ret = cmd_parse_result(parse_serve_args(argc, argv, &srv->o, err,
						sizeof(err)),
			       "serve", serve_usage, err);
	if (ret >= 0)
		goto out_free;
	cs_log_set_level(srv->o.log_level);
	/* Every thread started from here on leaves these to sigtimedwait(). */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	ret = EXIT_RUNTIME;
	/* The socket first: a server that cannot listen creates nothing. */
	fd = cs_listen_open(srv->o.listen, where, sizeof(where), err,
			    sizeof(err));
	if (fd < 0) {
		cs_log(CS_LOG_ERROR, "%s", err);
		goto out_free;
	}
	if (cs_store_open(&srv->store, srv->o.state_dir, srv->o.keep, err,
			  sizeof(err))) {
		cs_log(CS_LOG_ERROR, "%s", err);
		close(fd);
		goto out_free;
	}
	ret = serve(srv, fd, where, &set);
	if (!ret)
		cs_log(CS_LOG_INFO, "stopped");
	else
		cs_store_unmake(&srv->store);	/* it never served */
	cs_store_close(&srv->store);
out_free:
	free(srv);
	return ret;
}
