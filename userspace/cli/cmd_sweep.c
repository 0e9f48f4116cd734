// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress sweep: a load-test sweep over busy levels or CPU counts.
 *
 * The output file is checked before anything runs (with room reserved
 * for all the results), written before the start (no measurement yet,
 * status running), rewritten atomically after every measurement, and
 * written once more at the end with the sweep's final status: a sweep
 * that is interrupted, fails, or is killed at any point leaves every
 * finished measurement in a valid file that says so.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

struct sweep_out {
	const struct cs_sweep_opts *o;
	char err[CS_ERR_MAX];
	bool tty;
};

static void show_progress(const struct cs_sweep *s, uint32_t li,
			  uint32_t ri, uint64_t elapsed_ms, uint64_t left_ms,
			  void *arg)
{
	const struct cs_sweep_plan *p = &s->plan;
	char level[32];

	(void)arg;
	fprintf(stderr, "\r" PROG_NAME ": level %u/%u (%s), run %u/%u, %llu s elapsed, about %llu s left   ",
		li + 1, p->nlevels,
		cs_sweep_level_text(level, sizeof(level), p->kind,
				    p->levels[li]),
		ri + 1, p->runs, (unsigned long long)(elapsed_ms / 1000),
		(unsigned long long)((left_ms + 999) / 1000));
}

static int checkpoint(const struct cs_sweep *s, void *arg)
{
	struct sweep_out *out = arg;

	return cs_sweep_save(out->o->output, s, out->o->format, out->err,
			     sizeof(out->err));
}

/* The time limit: as given, or twice the plan's length plus a minute. */
static int check_time_limit(struct cs_sweep_plan *p, bool given)
{
	uint64_t est = cs_sweep_estimate_ms(p);
	char windows[CS_DESIGN_TEXT_MAX];

	if (!given)
		p->time_limit_ms = est * 2 + 60000 < CS_SWEEP_LIMIT_MAX * 1000ULL ?
				   (uint32_t)(est * 2 + 60000) :
				   CS_SWEEP_LIMIT_MAX * 1000U;
	if (est <= p->time_limit_ms)
		return 0;
	return cmd_usage_error("sweep", sweep_usage, "the plan takes about %llu s (%s, each warm-up + duration), more than the time limit of %u s: raise --time-limit or shorten the plan",
			       (unsigned long long)(est / 1000),
			       cs_design_text(windows, sizeof(windows),
					      p->nlevels, p->runs),
			       p->time_limit_ms / 1000);
}

/* Before the start: room for every result, then the file, still empty. */
static int prepare_output(const struct cs_sweep *s, const char *path,
			  enum cs_sweep_format fmt)
{
	char err[CS_ERR_MAX];

	if (cs_sweep_save_first(path, s, fmt, err, sizeof(err)) < 0) {
		fprintf(stderr, PROG_NAME ": %s; nothing was started\n", err);
		return EXIT_RUNTIME;
	}
	return 0;
}

/* Write the results where they go; returns the exit code so far. */
static int finish(const struct cs_sweep *s, const struct sweep_out *out)
{
	const struct cs_sweep_opts *o = out->o;
	char err[CS_ERR_MAX];
	int ret = 0;

	if (o->output) {
		if (cs_sweep_save(o->output, s, o->format, err,
				  sizeof(err)) < 0) {
			fprintf(stderr, PROG_NAME ": %s\n", err);
			ret = EXIT_RUNTIME;
		}
	} else if (o->format_given || o->stdout_given) {
		if (cs_sweep_write(stdout, s, o->format) < 0 ||
		    fflush(stdout)) {
			fprintf(stderr, PROG_NAME ": cannot write the results to stdout\n");
			ret = EXIT_RUNTIME;
		}
	}
	/* The summary table, unless stdout carries the results. */
	if (o->output || !(o->format_given || o->stdout_given))
		cs_sweep_print_summary(stdout, s);
	return ret;
}

static int run_sweep(struct cs_engine *e, const struct cs_sweep_opts *o)
{
	struct sweep_out out = { .o = o, .tty = isatty(STDERR_FILENO) };
	struct cs_sweep_hooks h = {
		.stop = &cs_interrupted,
		.progress = out.tty ? show_progress : NULL,
		.checkpoint = o->output ? checkpoint : NULL,
		.arg = &out,
	};
	struct cs_sweep *s;
	char err[CS_ERR_MAX];
	int ret, code;

	s = calloc(1, sizeof(*s));
	if (!s) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		return EXIT_RUNTIME;
	}
	s->plan = o->plan;
	ret = cs_sweep_prepare(e, s, err, sizeof(err));
	if (ret == -EINVAL) {
		/* The plan does not fit this host: CPUs, steps. */
		code = cmd_usage_error("sweep", sweep_usage, "%s", err);
		goto out;
	}
	if (ret < 0) {
		fprintf(stderr, PROG_NAME ": %s\n", err);
		code = EXIT_RUNTIME;
		goto out;
	}
	/* Now that the CPU-count steps are known. */
	code = check_time_limit(&s->plan, o->time_limit_given);
	if (!code && o->output)
		code = prepare_output(s, o->output, o->format);
	if (code)
		goto out;
	ret = cs_sweep_run(e, s, &h);
	if (out.tty)
		fprintf(stderr, "\n");
	if (out.err[0])
		fprintf(stderr, PROG_NAME ": %s\n", out.err);
	code = finish(s, &out);
	if (ret == 0)
		goto out;
	fprintf(stderr, PROG_NAME ": sweep %s: %s%s%s\n",
		cs_sweep_status_name(s->status), s->error,
		o->output ? "; what was measured is in " : "",
		o->output ? o->output : "");
	if (s->status == CS_SWEEP_INTERRUPTED && cs_interrupted)
		code = 128 + cs_interrupted;
	else
		code = EXIT_RUNTIME;
out:
	cs_sweep_free(s);
	free(s);
	return code;
}

int sweep_main(int argc, char **argv)
{
	struct cs_sweep_opts o;
	struct cs_engine *e;
	char err[CS_ERR_MAX];
	int ret;

	ret = cmd_parse_result(parse_sweep_args(argc, argv, &o, err,
						sizeof(err)),
			       "sweep", sweep_usage, err);
	if (ret >= 0)
		return ret;
	/* A file-size limit is a full disk: an error to report, not a kill. */
	signal(SIGXFSZ, SIG_IGN);
	ret = cs_open_engine(o.engine, &e);
	if (ret)
		return ret;
	/* Before the start: a signal right after it must still stop it. */
	cs_install_signals();
	ret = run_sweep(e, &o);
	cs_engine_close(e);
	return ret;
}
