// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Every command's options, usage line and argument parser. Parsing only
 * fills a struct: nothing here opens an engine, so the unit tests can call
 * each parser with any argv.
 */
#include <string.h>

#include "cli.h"
#include "cpulist.h"

const char status_usage[] =
	"usage: " PROG_NAME " status [--json] [--engine kernel|user]\n";
const char start_usage[] =
	"usage: " PROG_NAME " start [--busy P] [--cpus LIST] [--period MS]"
	" [--interval MS] [--for S] [--owned] [--engine kernel|user]\n";
const char stop_usage[] =
	"usage: " PROG_NAME " stop\n";
const char set_usage[] =
	"usage: " PROG_NAME " set [--busy P] [--cpus LIST] [--period MS]"
	" [--interval MS]  (at least one)\n";
const char top_usage[] =
	"usage: " PROG_NAME " top [--count N] [--once] [--json]"
	" [--engine kernel|user]\n";

/*
 * The settings shared by start and set; their indices are the same in both
 * tables so that parse_setting() serves both.
 */
enum {
	OPT_BUSY,
	OPT_CPUS,
	OPT_PERIOD,
	OPT_INTERVAL,
	OPT_HELP,
	OPT_NEXT,	/* first option of a command's own */
};

#define SETTING_OPTS					\
	{ .name = "busy", .has_arg = true },		\
	{ .name = "cpus", .has_arg = true },		\
	{ .name = "period", .has_arg = true },		\
	{ .name = "interval", .has_arg = true },	\
	{ .name = "help", .short_name = 'h' }

/*
 * Whether a --cpus value is a cpulist at all; which CPUs exist and are
 * online is for the engine to say.
 */
static int check_cpus(struct cs_argscan *sc)
{
	uint64_t mask[CS_MASK_WORDS(CS_CPUS_MAX)];
	char why[CS_ERR_MAX];

	if (!strcmp(sc->val, "all"))
		return 0;
	if (strlen(sc->val) >= CS_CPULIST_MAX) {
		cs_arg_error(sc, "--cpus: list longer than %d characters",
			     CS_CPULIST_MAX - 1);
		return CS_ARG_ERR;
	}
	if (cs_cpulist_parse(sc->val, mask, CS_CPUS_MAX, why, sizeof(why))) {
		cs_arg_error(sc, "--cpus: %s (or all)", why);
		return CS_ARG_ERR;
	}
	return 0;
}

/* One of the options every setting-taking command shares. */
static int parse_setting(struct cs_argscan *sc, int idx, struct cs_settings *s)
{
	switch (idx) {
	case OPT_BUSY:
		return cs_arg_u32(sc, idx, CS_BUSY_MIN, CS_BUSY_MAX,
				  &s->busy_pct);
	case OPT_CPUS:
		s->cpus = sc->val;
		return check_cpus(sc);
	case OPT_PERIOD:
		return cs_arg_u32(sc, idx, CS_PERIOD_MIN, CS_PERIOD_MAX,
				  &s->period_ms);
	case OPT_INTERVAL:
		return cs_arg_u32(sc, idx, CS_INTERVAL_MIN, CS_INTERVAL_MAX,
				  &s->interval_ms);
	}
	return CS_ARG_ERR;
}

static int parse_engine(struct cs_argscan *sc, const char **engine)
{
	if (strcmp(sc->val, CS_ENGINE_KERNEL) &&
	    strcmp(sc->val, CS_ENGINE_USER)) {
		cs_arg_error(sc, "--engine: '%s' is not kernel or user",
			     sc->val);
		return CS_ARG_ERR;
	}
	*engine = sc->val;
	return 0;
}

enum { STATUS_JSON, STATUS_ENGINE, STATUS_HELP };

enum cs_parse parse_status_args(int argc, char **argv,
				struct cs_status_opts *o,
				char *err, size_t errlen)
{
	static const struct cs_opt opts[] = {
		[STATUS_JSON] = { .name = "json" },
		[STATUS_ENGINE] = { .name = "engine", .has_arg = true },
		[STATUS_HELP] = { .name = "help", .short_name = 'h' },
		{ }
	};
	struct cs_argscan sc;
	int idx;

	memset(o, 0, sizeof(*o));
	o->engine = CS_ENGINE_KERNEL;
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while ((idx = cs_argscan_next(&sc)) >= 0) {
		if (idx == STATUS_JSON)
			o->json = true;
		else if (idx == STATUS_HELP)
			return CS_PARSE_HELP;
		else if (parse_engine(&sc, &o->engine))
			return CS_PARSE_ERR;
	}
	return idx == CS_ARG_END ? CS_PARSE_OK : CS_PARSE_ERR;
}

enum { START_FOR = OPT_NEXT, START_OWNED, START_ENGINE };

enum cs_parse parse_start_args(int argc, char **argv,
			       struct cs_start_opts *o,
			       char *err, size_t errlen)
{
	static const struct cs_opt opts[] = {
		SETTING_OPTS,
		[START_FOR] = { .name = "for", .has_arg = true },
		[START_OWNED] = { .name = "owned" },
		[START_ENGINE] = { .name = "engine", .has_arg = true },
		{ }
	};
	struct cs_argscan sc;
	int idx, ret;

	memset(o, 0, sizeof(*o));
	cs_settings_init(&o->set);
	/* A time limit is a setting that stays: a start without --for clears it. */
	o->set.time_limit_ms = 0;
	o->engine = CS_ENGINE_KERNEL;
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while ((idx = cs_argscan_next(&sc)) >= 0) {
		switch (idx) {
		case OPT_HELP:
			return CS_PARSE_HELP;
		case START_FOR:
			ret = cs_arg_u32(&sc, idx, CS_FOR_MIN, CS_FOR_MAX,
					 &o->for_s);
			o->set.time_limit_ms = o->for_s * 1000;
			break;
		case START_OWNED:
			o->set.owned = true;
			ret = 0;
			break;
		case START_ENGINE:
			ret = parse_engine(&sc, &o->engine);
			break;
		default:
			ret = parse_setting(&sc, idx, &o->set);
		}
		if (ret)
			return CS_PARSE_ERR;
	}
	return idx == CS_ARG_END ? CS_PARSE_OK : CS_PARSE_ERR;
}

enum cs_parse parse_stop_args(int argc, char **argv,
			      char *err, size_t errlen)
{
	static const struct cs_opt opts[] = {
		{ .name = "help", .short_name = 'h' },
		{ }
	};
	struct cs_argscan sc;
	int idx;

	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	idx = cs_argscan_next(&sc);
	if (idx == 0)
		return CS_PARSE_HELP;
	return idx == CS_ARG_END ? CS_PARSE_OK : CS_PARSE_ERR;
}

enum cs_parse parse_set_args(int argc, char **argv, struct cs_set_opts *o,
			     char *err, size_t errlen)
{
	static const struct cs_opt opts[] = {
		SETTING_OPTS,
		{ }
	};
	struct cs_argscan sc;
	int idx;

	memset(o, 0, sizeof(*o));
	cs_settings_init(&o->set);
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while ((idx = cs_argscan_next(&sc)) >= 0) {
		if (idx == OPT_HELP)
			return CS_PARSE_HELP;
		if (parse_setting(&sc, idx, &o->set))
			return CS_PARSE_ERR;
	}
	if (idx != CS_ARG_END)
		return CS_PARSE_ERR;
	if (!sc.seen) {
		cs_arg_error(&sc, "nothing to set: give at least one option");
		return CS_PARSE_ERR;
	}
	return CS_PARSE_OK;
}

enum { TOP_COUNT, TOP_ONCE, TOP_JSON, TOP_ENGINE, TOP_HELP };

enum cs_parse parse_top_args(int argc, char **argv, struct cs_top_opts *o,
			     char *err, size_t errlen)
{
	static const struct cs_opt opts[] = {
		[TOP_COUNT] = { .name = "count", .short_name = 'n',
				.has_arg = true },
		[TOP_ONCE] = { .name = "once" },
		[TOP_JSON] = { .name = "json" },
		[TOP_ENGINE] = { .name = "engine", .has_arg = true },
		[TOP_HELP] = { .name = "help", .short_name = 'h' },
		{ }
	};
	struct cs_argscan sc;
	int idx, ret = 0;

	memset(o, 0, sizeof(*o));
	o->engine = CS_ENGINE_KERNEL;
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while ((idx = cs_argscan_next(&sc)) >= 0) {
		switch (idx) {
		case TOP_COUNT:
			ret = cs_arg_u32(&sc, idx, 1, CS_COUNT_MAX, &o->count);
			break;
		case TOP_ONCE:
			o->once = true;
			break;
		case TOP_JSON:
			o->json = true;
			break;
		case TOP_ENGINE:
			ret = parse_engine(&sc, &o->engine);
			break;
		case TOP_HELP:
			return CS_PARSE_HELP;
		}
		if (ret)
			return CS_PARSE_ERR;
	}
	if (idx != CS_ARG_END)
		return CS_PARSE_ERR;
	if (o->once && o->count > 1) {
		cs_arg_error(&sc, "--once and --count %u contradict each other",
			     o->count);
		return CS_PARSE_ERR;
	}
	if (o->once)
		o->count = 1;
	return CS_PARSE_OK;
}

/**
 * cmd_parse_result() - report a parse_*_args() result the usual way
 * @r: the result
 * @cmd: the command's name
 * @usage: its usage line
 * @err: the parser's message
 *
 * Return: -1 to go on, else the exit code: 0 after --help (usage on
 * stdout), EXIT_USAGE after an error (message and usage on stderr).
 */
int cmd_parse_result(enum cs_parse r, const char *cmd, const char *usage,
		     const char *err)
{
	switch (r) {
	case CS_PARSE_OK:
		return -1;
	case CS_PARSE_HELP:
		fputs(usage, stdout);
		return 0;
	default:
		fprintf(stderr, PROG_NAME " %s: %s\n%s", cmd, err, usage);
		return EXIT_USAGE;
	}
}
