// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress fleet serve: the options, then fleet/server.c until SIGINT or
 * SIGTERM.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "fleet/fleet.h"
#include "serve/serve.h"

enum { FS_TARGETS, FS_LISTEN, FS_KEYFILE, FS_INTERVAL, FS_HELP };

static enum cs_parse parse_args(int argc, char **argv,
				struct cs_fleet_serve_opts *o, char *err,
				size_t errlen)
{
	static const struct cs_opt opts[] = {
		[FS_TARGETS] = { .name = "targets", .has_arg = true },
		[FS_LISTEN] = { .name = "listen", .has_arg = true },
		[FS_KEYFILE] = { .name = "apikey-file", .has_arg = true },
		[FS_INTERVAL] = { .name = "interval", .has_arg = true },
		[FS_HELP] = { .name = "help", .short_name = 'h' },
		{ }
	};
	struct cs_listen l;
	char why[CS_ERR_MAX];
	struct cs_argscan sc;
	int idx, ret = 0;

	memset(o, 0, sizeof(*o));
	o->interval_s = CS_FLEET_INTERVAL_DEF;
	snprintf(o->listen, sizeof(o->listen), "%s", CS_FLEET_LISTEN_DEFAULT);
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while ((idx = cs_fleet_args_next(&sc, &o->ts)) != CS_FLEET_ARGS_END) {
		if (idx < 0)
			return CS_PARSE_ERR;
		switch (idx) {
		case FS_TARGETS:
			ret = cs_fleet_args_file(&sc, &o->ts);
			break;
		case FS_LISTEN:
			if (cs_listen_parse(sc.val, &l, why, sizeof(why))) {
				cs_arg_error(&sc, "--listen: %s", why);
				ret = -1;
			}
			snprintf(o->listen, sizeof(o->listen), "%s", sc.val);
			break;
		case FS_KEYFILE:
			snprintf(o->apikey_file, sizeof(o->apikey_file), "%s",
				 sc.val);
			break;
		case FS_INTERVAL:
			ret = cs_arg_u32(&sc, idx, 1, CS_FLEET_INTERVAL_MAX,
					 &o->interval_s);
			break;
		default:
			return CS_PARSE_HELP;
		}
		if (ret)
			return CS_PARSE_ERR;
	}
	if (cs_fleet_args_need_targets(&sc, &o->ts))
		return CS_PARSE_ERR;
	return CS_PARSE_OK;
}

int fleet_serve_main(int argc, char **argv, const char *usage)
{
	struct cs_fleet_serve_opts *o = malloc(sizeof(*o));
	char err[CS_ERR_MAX];
	sigset_t set;
	int ret;

	if (!o) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		return EXIT_RUNTIME;
	}
	ret = cmd_parse_result(parse_args(argc, argv, o, err, sizeof(err)),
			       "fleet serve", usage, err);
	if (ret < 0) {
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		signal(SIGPIPE, SIG_IGN);
		ret = cs_fleet_serve(o, &set) ? EXIT_RUNTIME : 0;
	}
	free(o);
	return ret;
}
