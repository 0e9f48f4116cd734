// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress start, stop and set.
 *
 * A plain start leaves the run to the module and returns. An owned start
 * (--owned), and every start of the user-space engine, lives in this
 * process: it stays in the foreground until the run ends, by its time limit
 * or a stop from elsewhere, or until SIGINT/SIGTERM. An owned run also ends
 * when the process dies by SIGKILL: the module stops it when the netlink
 * socket that started it closes.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* How often a foreground run checks its state and redraws its progress. */
#define CS_WAIT_SLICE_MS	250

static void show_progress(const struct cs_status *st, uint64_t elapsed_ms)
{
	fprintf(stderr, "\r" PROG_NAME ": run %llu, %llu s, %llu ops/s",
		(unsigned long long)st->run_id,
		(unsigned long long)(elapsed_ms / 1000),
		(unsigned long long)st->ops_per_sec);
	if (st->time_limit_ms)
		fprintf(stderr, ", %llu s left",
			(unsigned long long)(st->time_left_ms + 999) / 1000);
	fprintf(stderr, "   ");
}

/*
 * Wait in the foreground for the run just started to end. A signal ends
 * the wait and stops the run; a run that ended by itself, or was stopped
 * or replaced by someone else, ends it quietly.
 */
static int wait_run(struct cs_engine *e, struct cs_status *st)
{
	bool tty = isatty(STDERR_FILENO);
	uint64_t run_id = st->run_id, t0 = cs_now_ms();
	int ret = 0;

	while (!cs_interrupted) {
		/* poll() without fds: a sleep that a signal cuts short. */
		poll(NULL, 0, CS_WAIT_SLICE_MS);
		if (cs_interrupted)
			break;
		if (e->ops->status(e, st) < 0) {
			ret = cs_fail(e, "status");
			break;
		}
		if (!st->running || st->run_id != run_id)
			break;
		if (tty)
			show_progress(st, cs_now_ms() - t0);
	}
	if (tty)
		fprintf(stderr, "\n");
	if (cs_interrupted && e->ops->stop(e) < 0)
		ret = cs_fail(e, "stop");
	return ret;
}

static int run_start(struct cs_engine *e, const struct cs_start_opts *o)
{
	bool foreground = o->set.owned;
	struct cs_status *st;
	int ret = 0;

	/* Before the start: a signal right after it must still stop it. */
	if (foreground)
		cs_install_signals();
	ret = e->ops->start(e, &o->set);
	if (ret < 0)
		return cs_fail_setting(e, ret, "start", start_usage);
	if (!foreground)
		return 0;
	st = calloc(1, sizeof(*st));
	if (!st) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		e->ops->stop(e);
		return EXIT_RUNTIME;
	}
	if (e->ops->status(e, st) < 0)
		ret = cs_fail(e, "status");
	else
		ret = wait_run(e, st);
	free(st);
	return ret;
}

int start_main(int argc, char **argv)
{
	struct cs_start_opts o;
	struct cs_engine *e;
	char err[CS_ERR_MAX];
	int ret;

	ret = cmd_parse_result(parse_start_args(argc, argv, &o, err,
						sizeof(err)),
			       "start", start_usage, err);
	if (ret >= 0)
		return ret;
	ret = cs_open_engine(o.engine, &e);
	if (ret)
		return ret;
	ret = run_start(e, &o);
	cs_engine_close(e);
	return ret;
}

int stop_main(int argc, char **argv)
{
	struct cs_stop_opts o;
	struct cs_engine *e;
	char err[CS_ERR_MAX];
	int ret;

	ret = cmd_parse_result(parse_stop_args(argc, argv, &o, err,
					       sizeof(err)),
			       "stop", stop_usage, err);
	if (ret >= 0)
		return ret;
	ret = cs_open_engine(o.engine, &e);
	if (ret)
		return ret;
	if (e->ops->stop(e) < 0)
		ret = cs_fail(e, "stop");
	cs_engine_close(e);
	return ret;
}

int set_main(int argc, char **argv)
{
	struct cs_set_opts o;
	struct cs_engine *e;
	char err[CS_ERR_MAX];
	int ret;

	ret = cmd_parse_result(parse_set_args(argc, argv, &o, err, sizeof(err)),
			       "set", set_usage, err);
	if (ret >= 0)
		return ret;
	ret = cs_open_engine(o.engine, &e);
	if (ret)
		return ret;
	ret = e->ops->set(e, &o.set);
	if (ret < 0)
		ret = cs_fail_setting(e, ret, "set", set_usage);
	cs_engine_close(e);
	return ret;
}

/* The user engine's process: every --engine user command reaches it. */
int engine_daemon_main(int argc, char **argv)
{
	struct up_daemon_opts o;
	char err[CS_ERR_MAX];
	int ret;

	ret = cmd_parse_result(parse_engine_daemon_args(argc, argv, &o, err,
							sizeof(err)),
			       "engine-daemon", engine_daemon_usage, err);
	if (ret >= 0)
		return ret;
	return up_daemon_main(&o);
}
