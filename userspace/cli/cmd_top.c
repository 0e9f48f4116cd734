// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress top: a live per-CPU view driven by the module's SAMPLE events,
 * so it shows every sample exactly once and costs nothing between them.
 * One screen per sample on a terminal; plain lines otherwise (a header,
 * then one row per CPU and sample); --json: one object per sample and line.
 *
 * A viewer never makes load: with --engine user it shows the run of the
 * user engine's process, and with no such process says there is none.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* How long one wait for a sample lasts before the signal flag is checked. */
#define CS_TOP_WAIT_MS	1000

#define CLEAR_SCREEN	"\033[H\033[2J"

struct top_state {
	const struct cs_top_opts *o;
	bool tty;
	bool header_done;
	uint32_t shown;
};

static void show_sample(const struct cs_sample *s, void *arg)
{
	struct top_state *ts = arg;
	char seq[24];
	uint32_t i;

	if (ts->o->count && ts->shown >= ts->o->count)
		return;
	ts->shown++;
	if (ts->o->json) {
		cs_json_sample(stdout, s);
		return;
	}
	if (ts->tty && !ts->o->once) {
		printf(CLEAR_SCREEN PROG_NAME " top: sample %llu, %llu ops/s,"
		       " interval %llu ms   (Ctrl-C quits)\n\n",
		       (unsigned long long)s->seq,
		       (unsigned long long)s->ops_per_sec,
		       (unsigned long long)(s->dt_ns / 1000000));
		ts->header_done = false;
	}
	if (!ts->header_done) {
		cs_print_cpu_header("seq     ", false);
		ts->header_done = true;
	}
	snprintf(seq, sizeof(seq), "%-7llu ", (unsigned long long)s->seq);
	for (i = 0; i < s->ncpus; i++)
		cs_print_cpu_row(seq, &s->cpu[i], NULL);
	printf("%s%-4s %-8s %8llu\n", seq, "all", "",
	       (unsigned long long)s->ops_per_sec);
	fflush(stdout);
}

static int top_loop(struct cs_engine *e, struct top_state *ts)
{
	bool waiting_shown = false;
	int ret;

	while (!cs_interrupted && (!ts->o->count || ts->shown < ts->o->count)) {
		ret = e->ops->next_sample(e, CS_TOP_WAIT_MS, show_sample, ts);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			return cs_fail(e, "waiting for samples");
		if (ret == 0 && ts->tty && !ts->shown && !waiting_shown) {
			fprintf(stderr, PROG_NAME " top: waiting for samples"
				" (is a run going? " PROG_NAME " start)\n");
			waiting_shown = true;
		}
	}
	return 0;
}

int top_main(int argc, char **argv)
{
	struct top_state ts = { 0 };
	struct cs_top_opts o;
	struct cs_engine *e;
	char err[CS_ERR_MAX];
	int ret;

	ret = cmd_parse_result(parse_top_args(argc, argv, &o, err, sizeof(err)),
			       "top", top_usage, err);
	if (ret >= 0)
		return ret;
	ts.o = &o;
	ts.tty = isatty(STDOUT_FILENO);
	cs_install_signals();
	ret = cs_open_engine(o.engine, &e);
	if (ret)
		return ret;
	ret = top_loop(e, &ts);
	cs_engine_close(e);
	return ret;
}
