// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Every command's options, usage line and argument parser. Parsing only
 * fills a struct: nothing here opens an engine, so the unit tests can call
 * each parser with any argv.
 */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/cpulist.h"
#include "serve/serve.h"

const char status_usage[] =
	"usage: " PROG_NAME " status [--json] [--engine kernel|user]\n";
const char start_usage[] =
	"usage: " PROG_NAME " start [--busy P] [--cpus LIST] [--period MS]"
	" [--interval MS] [--for S] [--owned] [--engine kernel|user]\n";
const char stop_usage[] =
	"usage: " PROG_NAME " stop [--engine kernel|user]\n";
const char set_usage[] =
	"usage: " PROG_NAME " set [--busy P] [--cpus LIST] [--period MS]"
	" [--interval MS]  (at least one)\n"
	"         [--engine kernel|user]\n";
const char engine_daemon_usage[] =
	"usage: " PROG_NAME " engine-daemon [--socket PATH] [--group GROUP]"
	" [--idle-exit S] [--background]\n";
const char top_usage[] =
	"usage: " PROG_NAME " top [--count N] [--once] [--json]"
	" [--engine kernel|user]\n";
const char sweep_usage[] =
	"usage: " PROG_NAME " sweep [--busy P,P,... | --cpus-steps N,N,...|auto]"
	" [--cpus LIST]\n"
	"         [--duration S] [--warmup S] [--runs N] [--seed N]"
	" [--period MS] [--level-timeout S]\n"
	"         [--time-limit S] [--format json|csv|jsonl] [-o FILE]"
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
		return cs_arg_u32(sc, idx, CS_BUSY_PCT_MIN, CS_BUSY_PCT_MAX,
				  &s->busy_pct);
	case OPT_CPUS:
		s->cpus = sc->val;
		return check_cpus(sc);
	case OPT_PERIOD:
		return cs_arg_u32(sc, idx, CS_PERIOD_MS_MIN, CS_PERIOD_MS_MAX,
				  &s->period_ms);
	case OPT_INTERVAL:
		return cs_arg_u32(sc, idx, CS_INTERVAL_MS_MIN, CS_INTERVAL_MS_MAX,
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

enum { STOP_ENGINE, STOP_HELP };

enum cs_parse parse_stop_args(int argc, char **argv, struct cs_stop_opts *o,
			      char *err, size_t errlen)
{
	static const struct cs_opt opts[] = {
		[STOP_ENGINE] = { .name = "engine", .has_arg = true },
		[STOP_HELP] = { .name = "help", .short_name = 'h' },
		{ }
	};
	struct cs_argscan sc;
	int idx;

	memset(o, 0, sizeof(*o));
	o->engine = CS_ENGINE_KERNEL;
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while ((idx = cs_argscan_next(&sc)) >= 0) {
		if (idx == STOP_HELP)
			return CS_PARSE_HELP;
		if (parse_engine(&sc, &o->engine))
			return CS_PARSE_ERR;
	}
	return idx == CS_ARG_END ? CS_PARSE_OK : CS_PARSE_ERR;
}

enum { SET_ENGINE = OPT_NEXT };

enum cs_parse parse_set_args(int argc, char **argv, struct cs_set_opts *o,
			     char *err, size_t errlen)
{
	static const struct cs_opt opts[] = {
		SETTING_OPTS,
		[SET_ENGINE] = { .name = "engine", .has_arg = true },
		{ }
	};
	struct cs_argscan sc;
	int idx, ret;

	memset(o, 0, sizeof(*o));
	cs_settings_init(&o->set);
	o->engine = CS_ENGINE_KERNEL;
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while ((idx = cs_argscan_next(&sc)) >= 0) {
		if (idx == OPT_HELP)
			return CS_PARSE_HELP;
		if (idx == SET_ENGINE)
			ret = parse_engine(&sc, &o->engine);
		else
			ret = parse_setting(&sc, idx, &o->set);
		if (ret)
			return CS_PARSE_ERR;
	}
	if (idx != CS_ARG_END)
		return CS_PARSE_ERR;
	if (!(sc.seen & ~(1ULL << SET_ENGINE))) {
		cs_arg_error(&sc, "nothing to set: give at least one option");
		return CS_PARSE_ERR;
	}
	return CS_PARSE_OK;
}

enum { ED_SOCKET, ED_GROUP, ED_IDLE_EXIT, ED_BACKGROUND, ED_HELP };

enum cs_parse parse_engine_daemon_args(int argc, char **argv,
				       struct up_daemon_opts *o,
				       char *err, size_t errlen)
{
	static const struct cs_opt opts[] = {
		[ED_SOCKET] = { .name = "socket", .has_arg = true },
		[ED_GROUP] = { .name = "group", .has_arg = true },
		[ED_IDLE_EXIT] = { .name = "idle-exit", .has_arg = true },
		[ED_BACKGROUND] = { .name = "background" },
		[ED_HELP] = { .name = "help", .short_name = 'h' },
		{ }
	};
	struct cs_argscan sc;
	int idx, ret = 0;

	memset(o, 0, sizeof(*o));
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while ((idx = cs_argscan_next(&sc)) >= 0) {
		switch (idx) {
		case ED_SOCKET:
			o->sock = sc.val;
			if (strlen(sc.val) >= UP_PATH_MAX || !*sc.val) {
				cs_arg_error(&sc, "--socket: give a path of 1..%d bytes",
					     UP_PATH_MAX - 1);
				ret = CS_ARG_ERR;
			}
			break;
		case ED_GROUP:
			o->group = sc.val;
			break;
		case ED_IDLE_EXIT:
			ret = cs_arg_u32(&sc, idx, 0, CS_FOR_MAX, &o->idle_exit_s);
			break;
		case ED_BACKGROUND:
			o->background = 1;
			break;
		case ED_HELP:
			return CS_PARSE_HELP;
		}
		if (ret)
			return CS_PARSE_ERR;
	}
	return idx == CS_ARG_END ? CS_PARSE_OK : CS_PARSE_ERR;
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

enum {
	SWEEP_BUSY, SWEEP_STEPS, SWEEP_CPUS, SWEEP_DURATION, SWEEP_WARMUP,
	SWEEP_RUNS, SWEEP_PERIOD, SWEEP_LEVEL_TIMEOUT, SWEEP_TIME_LIMIT,
	SWEEP_FORMAT, SWEEP_OUTPUT, SWEEP_ENGINE, SWEEP_SEED, SWEEP_HELP,
};

/* @ms as seconds, without trailing zeros: "2", "0.5", "0.002". */
static const char *fmt_secs(char *buf, size_t len, uint32_t ms)
{
	size_t n;

	if (!(ms % 1000)) {
		snprintf(buf, len, "%u", ms / 1000);
		return buf;
	}
	snprintf(buf, len, "%u.%03u", ms / 1000, ms % 1000);
	for (n = strlen(buf); buf[n - 1] == '0'; n--)
		buf[n - 1] = '\0';
	return buf;
}

/*
 * Decimal seconds ("2", "0.5", "1.25") to ms, in [@min_ms, @max_ms]; at
 * most 3 decimals. Both messages name the range.
 */
static int arg_ms(struct cs_argscan *sc, int idx, uint32_t min_ms,
		  uint32_t max_ms, uint32_t *out)
{
	const char *name = sc->opts[idx].name, *v = sc->val;
	char lo[16], hi[16];
	uint64_t ms = 0;
	int dec = -1;

	fmt_secs(lo, sizeof(lo), min_ms);
	fmt_secs(hi, sizeof(hi), max_ms);

	for (; *v; v++) {
		if (*v == '.' && dec < 0) {
			dec = 0;
			continue;
		}
		if (*v < '0' || *v > '9' || dec >= 3 || ms > UINT32_MAX)
			goto bad;
		ms = ms * 10 + (uint64_t)(*v - '0');
		if (dec >= 0)
			dec++;
	}
	if (v == sc->val || !strcmp(sc->val, ".") || sc->val[0] == '.' ||
	    v[-1] == '.')
		goto bad;
	for (dec = dec < 0 ? 0 : dec; dec < 3; dec++)
		ms *= 10;
	if (ms < min_ms || ms > max_ms) {
		cs_arg_error(sc, "--%s: %s s is out of range %s..%s s",
			     name, sc->val, lo, hi);
		return CS_ARG_ERR;
	}
	*out = (uint32_t)ms;
	return 0;
bad:
	cs_arg_error(sc, "--%s: '%s' is not a number of seconds in %s..%s (like 2 or 0.5, at most 3 decimals)",
		     name, sc->val, lo, hi);
	return CS_ARG_ERR;
}

static int arg_seed(struct cs_argscan *sc, uint64_t *out)
{
	const char *v = sc->val;
	uint64_t x = 0;

	for (; *v; v++) {
		if (*v < '0' || *v > '9' ||
		    x > ((uint64_t)INT64_MAX - (uint64_t)(*v - '0')) / 10) {
			cs_arg_error(sc, "--seed: '%s' is not a number in 0..%lld",
				     sc->val, (long long)INT64_MAX);
			return CS_ARG_ERR;
		}
		x = x * 10 + (uint64_t)(*v - '0');
	}
	*out = x;
	return 0;
}

static void sweep_defaults(struct cs_sweep_opts *o)
{
	memset(o, 0, sizeof(*o));
	cs_sweep_plan_busy(&o->plan, CS_SWEEP_DURATION_DEF, CS_SWEEP_WARMUP_DEF,
			   CS_SWEEP_PERIOD_DEF);
	o->format = CS_FMT_JSON;
	o->engine = CS_ENGINE_KERNEL;
}

static int parse_sweep_opt(struct cs_argscan *sc, int idx,
			   struct cs_sweep_opts *o)
{
	struct cs_sweep_plan *p = &o->plan;
	uint32_t v = 0;
	int ret;

	switch (idx) {
	case SWEEP_BUSY:
		return cs_arg_u32_list(sc, idx, CS_BUSY_PCT_MIN, CS_BUSY_PCT_MAX,
				       p->levels, CS_SWEEP_LEVELS_MAX,
				       &p->nlevels);
	case SWEEP_STEPS:
		p->kind = CS_SWEEP_CPUS;
		p->nlevels = 0;		/* auto */
		if (!strcmp(sc->val, "auto"))
			return 0;
		return cs_arg_u32_list(sc, idx, 1, CS_CPUS_MAX, p->levels,
				       CS_SWEEP_LEVELS_MAX, &p->nlevels);
	case SWEEP_CPUS:
		if (check_cpus(sc))
			return CS_ARG_ERR;
		snprintf(p->cpus, sizeof(p->cpus), "%s", sc->val);
		return 0;
	case SWEEP_FORMAT:
		if (cs_sweep_format_parse(sc->val, &o->format) < 0) {
			cs_arg_error(sc, "--format: '%s' is not json, csv or jsonl",
				     sc->val);
			return CS_ARG_ERR;
		}
		o->format_given = true;
		return 0;
	case SWEEP_OUTPUT:
		if (!*sc->val) {
			cs_arg_error(sc, "-o: empty file name");
			return CS_ARG_ERR;
		}
		o->output = strcmp(sc->val, "-") ? sc->val : NULL;
		o->stdout_given = !o->output;
		return 0;
	case SWEEP_ENGINE:
		return parse_engine(sc, &o->engine);
	case SWEEP_PERIOD:
		return cs_arg_u32(sc, idx, CS_PERIOD_MS_MIN, CS_PERIOD_MS_MAX,
				  &p->period_ms);
	case SWEEP_RUNS:
		return cs_arg_u32(sc, idx, 1, CS_SWEEP_RUNS_MAX, &p->runs);
	case SWEEP_SEED:
		return arg_seed(sc, &p->seed);
	/* A window of at least 2 ms: 1 ms per sub-window. */
	case SWEEP_DURATION:
		return arg_ms(sc, idx, CS_SWEEP_SUBWIN,
			      CS_SWEEP_DURATION_MAX * 1000, &p->duration_ms);
	case SWEEP_WARMUP:
		return arg_ms(sc, idx, 0, CS_SWEEP_WARMUP_MAX * 1000,
			      &p->warmup_ms);
	}
	/* The rest are whole seconds. */
	switch (idx) {
	case SWEEP_LEVEL_TIMEOUT:
		ret = cs_arg_u32(sc, idx, 1, CS_SWEEP_DURATION_MAX * 4, &v);
		p->level_timeout_ms = v * 1000;
		o->level_timeout_given = true;
		break;
	default:
		ret = cs_arg_u32(sc, idx, 1, CS_SWEEP_LIMIT_MAX, &v);
		p->time_limit_ms = v * 1000;
		o->time_limit_given = true;
	}
	return ret;
}

/*
 * -o FILE.csv without --format writes CSV; a --format that the name
 * contradicts (-o r.csv --format json) is refused rather than guessed.
 */
static int sweep_output_format(struct cs_argscan *sc, struct cs_sweep_opts *o)
{
	enum cs_sweep_format named;

	if (!o->output || cs_sweep_format_of_path(o->output, &named))
		return 0;
	if (!o->format_given) {
		o->format = named;
		o->format_given = true;
		return 0;
	}
	if (o->format == named)
		return 0;
	cs_arg_error(sc, "-o %s: the name says %s, --format says %s: give a name and a format that agree",
		     o->output, cs_sweep_format_name(named),
		     cs_sweep_format_name(o->format));
	return -1;
}

/**
 * parse_sweep_args() - options of cpustress sweep
 *
 * The time limit is only checked against the plan once the CPU-count
 * steps are known (cmd_sweep.c); everything else is checked here.
 */
enum cs_parse parse_sweep_args(int argc, char **argv,
			       struct cs_sweep_opts *o,
			       char *err, size_t errlen)
{
	static const struct cs_opt opts[] = {
		[SWEEP_BUSY] = { .name = "busy", .has_arg = true },
		[SWEEP_STEPS] = { .name = "cpus-steps", .has_arg = true },
		[SWEEP_CPUS] = { .name = "cpus", .has_arg = true },
		[SWEEP_DURATION] = { .name = "duration", .has_arg = true },
		[SWEEP_WARMUP] = { .name = "warmup", .has_arg = true },
		[SWEEP_RUNS] = { .name = "runs", .has_arg = true },
		[SWEEP_PERIOD] = { .name = "period", .has_arg = true },
		[SWEEP_LEVEL_TIMEOUT] = { .name = "level-timeout",
					  .has_arg = true },
		[SWEEP_TIME_LIMIT] = { .name = "time-limit", .has_arg = true },
		[SWEEP_FORMAT] = { .name = "format", .has_arg = true },
		[SWEEP_OUTPUT] = { .name = "output", .short_name = 'o',
				   .has_arg = true },
		[SWEEP_ENGINE] = { .name = "engine", .has_arg = true },
		[SWEEP_SEED] = { .name = "seed", .has_arg = true },
		[SWEEP_HELP] = { .name = "help", .short_name = 'h' },
		{ }
	};
	struct cs_sweep_plan *p = &o->plan;
	struct cs_argscan sc;
	uint32_t held;
	int idx;

	sweep_defaults(o);
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while ((idx = cs_argscan_next(&sc)) >= 0) {
		if (idx == SWEEP_HELP)
			return CS_PARSE_HELP;
		if (parse_sweep_opt(&sc, idx, o))
			return CS_PARSE_ERR;
	}
	if (idx != CS_ARG_END)
		return CS_PARSE_ERR;
	if ((sc.seen >> SWEEP_BUSY & 1) && (sc.seen >> SWEEP_STEPS & 1)) {
		cs_arg_error(&sc, "--busy and --cpus-steps are two kinds of sweep: give one");
		return CS_PARSE_ERR;
	}
	if (sweep_output_format(&sc, o))
		return CS_PARSE_ERR;
	held = p->warmup_ms + p->duration_ms;
	if (!o->level_timeout_given)
		p->level_timeout_ms = 2 * held + 10000;
	if (p->level_timeout_ms <= held) {
		cs_arg_error(&sc, "--level-timeout %u s is not longer than --warmup + --duration (%u.%03u s)",
			     p->level_timeout_ms / 1000, held / 1000,
			     held % 1000);
		return CS_PARSE_ERR;
	}
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
		return cmd_usage_error(cmd, usage, "%s", err);
	}
}

/**
 * cmd_usage_error() - an argument error, found while parsing or later
 * @cmd: the command's name
 * @usage: its usage line
 * @fmt: the one-line message
 *
 * An argument that only the engine or the plan can refuse (a CPU that is
 * not online, more CPU steps than CPUs) is reported as the parser reports
 * a malformed one.
 *
 * Return: EXIT_USAGE.
 */
int cmd_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG_NAME " %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return EXIT_USAGE;
}

/* --- serve ----------------------------------------------------------- */

const char serve_usage[] =
	"usage: " PROG_NAME " serve [--listen ADDR:PORT] [--apikey-file FILE]"
	" [--state-dir DIR]\n"
	"         [--log-level error|warn|info|debug] [--engine kernel|user]"
	" [--load]\n"
	"         [--busy P] [--cpus LIST] [--max-connections N]"
	" [--max-per-ip N]\n"
	"         [--request-timeout S] [--keep N] [--per-cpu-histogram]\n"
	"  environment: LISTENADDRESS (for --listen), PCD_LOGLEVEL (for"
	" --log-level),\n"
	"  STATE_DIRECTORY (for --state-dir)\n";

/* $HOME, else the password database's home of this user, else "". */
static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && *home)
		return home;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : "";
}

/* @path with a leading "~/" replaced by the home directory, into @out. */
static int expand_home(struct cs_argscan *sc, const char *what,
		       const char *path, char *out, size_t len)
{
	int n;

	if (!strncmp(path, "~/", 2))
		n = snprintf(out, len, "%s/%s", home_dir(), path + 2);
	else
		n = snprintf(out, len, "%s", path);
	if (n < 0 || (size_t)n >= len) {
		cs_arg_error(sc, "%s: path longer than %zu characters", what,
			     len - 1);
		return CS_ARG_ERR;
	}
	return 0;
}

enum {
	SERVE_LISTEN, SERVE_APIKEY_FILE, SERVE_STATE_DIR, SERVE_LOG_LEVEL,
	SERVE_ENGINE, SERVE_LOAD, SERVE_BUSY, SERVE_CPUS, SERVE_MAX_CONNS,
	SERVE_MAX_PER_IP, SERVE_TIMEOUT, SERVE_KEEP, SERVE_PER_CPU_HIST,
	SERVE_HELP,
};

static int parse_serve_opt(struct cs_argscan *sc, int idx,
			   struct cs_serve_opts *o)
{
	enum cs_log_level level;

	switch (idx) {
	case SERVE_LISTEN:
		if (strlen(sc->val) >= sizeof(o->listen)) {
			cs_arg_error(sc, "--listen: '%.40s...' is too long",
				     sc->val);
			return CS_ARG_ERR;
		}
		snprintf(o->listen, sizeof(o->listen), "%s", sc->val);
		return 0;
	case SERVE_APIKEY_FILE:
		return expand_home(sc, "--apikey-file", sc->val,
				   o->apikey_file, sizeof(o->apikey_file));
	case SERVE_STATE_DIR:
		return expand_home(sc, "--state-dir", sc->val, o->state_dir,
				   sizeof(o->state_dir));
	case SERVE_LOG_LEVEL:
		if (cs_log_level_parse(sc->val, &level)) {
			cs_arg_error(sc, "--log-level: '%s' is not error, warn, info or debug",
				     sc->val);
			return CS_ARG_ERR;
		}
		o->log_level = level;
		return 0;
	case SERVE_ENGINE:
		return parse_engine(sc, &o->engine);
	case SERVE_LOAD:
		o->load = true;
		return 0;
	case SERVE_BUSY:
		return cs_arg_u32(sc, idx, CS_BUSY_PCT_MIN, CS_BUSY_PCT_MAX,
				  &o->busy_pct);
	case SERVE_CPUS:
		o->cpus = sc->val;
		return check_cpus(sc);
	case SERVE_MAX_CONNS:
		return cs_arg_u32(sc, idx, 1, 65536, &o->max_conns);
	case SERVE_MAX_PER_IP:
		return cs_arg_u32(sc, idx, 1, 65536, &o->max_per_ip);
	case SERVE_TIMEOUT:
		return cs_arg_u32(sc, idx, 1, 3600, &o->timeout_s);
	case SERVE_KEEP:
		return cs_arg_u32(sc, idx, 1, CS_SERVE_KEEP_MAX, &o->keep);
	case SERVE_PER_CPU_HIST:
		o->per_cpu_hist = true;
		return 0;
	}
	return CS_ARG_ERR;
}

/* What the command line left out, from the environment or the defaults. */
static int serve_fallbacks(struct cs_argscan *sc, struct cs_serve_opts *o)
{
	const char *env, *from = "--listen";
	char why[CS_ERR_MAX], first[PATH_MAX];
	struct cs_listen l;
	int n;

	if (!(sc->seen >> SERVE_LISTEN & 1)) {
		env = getenv("LISTENADDRESS");
		from = env && *env ? "LISTENADDRESS" : "default";
		snprintf(o->listen, sizeof(o->listen), "%s",
			 env && *env ? env : CS_SERVE_LISTEN_DEFAULT);
		if (env && strlen(env) >= sizeof(o->listen)) {
			cs_arg_error(sc, "LISTENADDRESS: '%.40s...' is too long",
				     env);
			return CS_ARG_ERR;
		}
	}
	if (cs_listen_parse(o->listen, &l, why, sizeof(why))) {
		cs_arg_error(sc, "%s: %s", from, why);
		return CS_ARG_ERR;
	}
	env = getenv("PCD_LOGLEVEL");
	if (!(sc->seen >> SERVE_LOG_LEVEL & 1) && env && *env &&
	    cs_log_level_parse(env, &o->log_level)) {
		cs_arg_error(sc, "PCD_LOGLEVEL: '%s' is not error, warn, info or debug",
			     env);
		return CS_ARG_ERR;
	}
	if (!(sc->seen >> SERVE_APIKEY_FILE & 1) &&
	    expand_home(sc, "--apikey-file", CS_SERVE_APIKEYS_DEFAULT,
			o->apikey_file, sizeof(o->apikey_file)))
		return CS_ARG_ERR;
	if (sc->seen >> SERVE_STATE_DIR & 1)
		return 0;
	/* systemd's StateDirectory=: a colon-separated list, take the first. */
	env = getenv("STATE_DIRECTORY");
	if (env && *env) {
		n = snprintf(first, sizeof(first), "%.*s",
			     (int)strcspn(env, ":"), env);
		if (n < 0 || (size_t)n >= sizeof(first)) {
			cs_arg_error(sc, "STATE_DIRECTORY: path too long");
			return CS_ARG_ERR;
		}
		return expand_home(sc, "STATE_DIRECTORY", first, o->state_dir,
				   sizeof(o->state_dir));
	}
	return expand_home(sc, "--state-dir",
			   getuid() == 0 ? "/var/lib/cpustress" :
					   "~/.local/state/cpustress",
			   o->state_dir, sizeof(o->state_dir));
}

enum cs_parse parse_serve_args(int argc, char **argv, struct cs_serve_opts *o,
			       char *err, size_t errlen)
{
	static const struct cs_opt opts[] = {
		[SERVE_LISTEN] = { .name = "listen", .has_arg = true },
		[SERVE_APIKEY_FILE] = { .name = "apikey-file",
					.has_arg = true },
		[SERVE_STATE_DIR] = { .name = "state-dir", .has_arg = true },
		[SERVE_LOG_LEVEL] = { .name = "log-level", .has_arg = true },
		[SERVE_ENGINE] = { .name = "engine", .has_arg = true },
		[SERVE_LOAD] = { .name = "load" },
		[SERVE_BUSY] = { .name = "busy", .has_arg = true },
		[SERVE_CPUS] = { .name = "cpus", .has_arg = true },
		[SERVE_MAX_CONNS] = { .name = "max-connections",
				      .has_arg = true },
		[SERVE_MAX_PER_IP] = { .name = "max-per-ip", .has_arg = true },
		[SERVE_TIMEOUT] = { .name = "request-timeout",
				    .has_arg = true },
		[SERVE_KEEP] = { .name = "keep", .has_arg = true },
		[SERVE_PER_CPU_HIST] = { .name = "per-cpu-histogram" },
		[SERVE_HELP] = { .name = "help", .short_name = 'h' },
		{ }
	};
	struct cs_argscan sc;
	int idx;

	memset(o, 0, sizeof(*o));
	o->log_level = CS_LOG_INFO;
	o->engine = CS_ENGINE_KERNEL;
	o->busy_pct = CS_BUSY_PCT_MAX;
	o->cpus = "all";
	o->max_conns = CS_SERVE_CONNS_DEFAULT;
	o->max_per_ip = CS_SERVE_CONNS_PER_IP_DEFAULT;
	o->timeout_s = CS_SERVE_TIMEOUT_DEFAULT;
	o->keep = CS_SERVE_KEEP_DEFAULT;
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while ((idx = cs_argscan_next(&sc)) >= 0) {
		if (idx == SERVE_HELP)
			return CS_PARSE_HELP;
		if (parse_serve_opt(&sc, idx, o))
			return CS_PARSE_ERR;
	}
	if (idx != CS_ARG_END)
		return CS_PARSE_ERR;
	if (!o->load && (sc.seen & (1ULL << SERVE_BUSY | 1ULL << SERVE_CPUS))) {
		cs_arg_error(&sc, "--busy and --cpus set the run of --load: add --load");
		return CS_PARSE_ERR;
	}
	return serve_fallbacks(&sc, o) ? CS_PARSE_ERR : CS_PARSE_OK;
}
