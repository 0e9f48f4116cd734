/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The cpustress CLI: one *_main(argc, argv) per command, each with a pure
 * parse_*_args() beside it so that argument handling can be tested without
 * a kernel (tests/unit/test_cli_args.c).
 *
 *   main.c        main, the command table, global options
 *   cmd_args.c    every command's options, usage line and parser (the
 *                 scanner is util/args.c)
 *   cmd_status.c  status             cmd_run.c      start, stop, set
 *   cmd_top.c     top                cmd_sweep.c    sweep
 *   cmd_compare.c compare            cmd_serve.c    serve
 *   json_out.c    engine structures as JSON
 *
 * The top layer: a file here may include any layer below
 * (util < engine < sweep < serve < fleet < cli), none includes this one.
 */
#ifndef CPUSTRESS_CLI_H
#define CPUSTRESS_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cpustress/limits.h>
#include <cpustress/version.h>

#include "util/args.h"
#include "engine/engine.h"
#include "engine/user_proto.h"
#include "sweep/sweep.h"


/* Exit codes: success, runtime error, bad usage. */
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

/*
 * Ranges of the command-line values of the CLI's own; the settings'
 * ranges are <cpustress/limits.h>.
 */
#define CS_FOR_MIN	1
#define CS_FOR_MAX	86400		/* a day */
#define CS_COUNT_MAX	1000000000

/* Results of a parse_*_args(). */
enum cs_parse {
	CS_PARSE_OK,
	CS_PARSE_HELP,		/* -h/--help: print usage to stdout, exit 0 */
	CS_PARSE_ERR,		/* err holds one line: print it and the usage */
};

/* --- cmd_args.c: options of each command ----------------------------- */

#define CS_ENGINE_KERNEL	"kernel"
#define CS_ENGINE_USER		"user"

struct cs_status_opts {
	bool json;
	const char *engine;
};

struct cs_start_opts {
	struct cs_settings set;		/* owned, time_limit_ms included */
	uint32_t for_s;			/* 0 = no time limit */
	const char *engine;
};

struct cs_stop_opts {
	const char *engine;
};

struct cs_set_opts {
	struct cs_settings set;
	const char *engine;
};

struct cs_top_opts {
	uint32_t count;			/* 0 = until interrupted */
	bool once;
	bool json;
	const char *engine;
};

/**
 * struct cs_sweep_opts - options of cpustress sweep
 * @plan: the plan; a CPU-count sweep with no levels means "1, 2, 4, ...
 *	up to every CPU, plus every CPU", filled in by cs_sweep_prepare()
 * @level_timeout_given: --level-timeout was given (else derived)
 * @time_limit_given: --time-limit was given (else derived from the plan)
 * @format: output format
 * @format_given: --format was given, or -o's extension named it
 * @stdout_given: -o - was given: the results go to stdout
 * @output: -o FILE, or NULL for stdout (also with -o -)
 * @engine: "kernel" or "user"
 */
struct cs_sweep_opts {
	struct cs_sweep_plan plan;
	bool level_timeout_given;
	bool time_limit_given;
	enum cs_sweep_format format;
	bool format_given;
	bool stdout_given;
	const char *output;
	const char *engine;
};

enum cs_parse parse_status_args(int argc, char **argv,
				struct cs_status_opts *o,
				char *err, size_t errlen);
enum cs_parse parse_start_args(int argc, char **argv,
			       struct cs_start_opts *o,
			       char *err, size_t errlen);
enum cs_parse parse_stop_args(int argc, char **argv, struct cs_stop_opts *o,
			      char *err, size_t errlen);
enum cs_parse parse_set_args(int argc, char **argv, struct cs_set_opts *o,
			     char *err, size_t errlen);
enum cs_parse parse_engine_daemon_args(int argc, char **argv,
				       struct up_daemon_opts *o,
				       char *err, size_t errlen);
enum cs_parse parse_top_args(int argc, char **argv, struct cs_top_opts *o,
			     char *err, size_t errlen);
enum cs_parse parse_sweep_args(int argc, char **argv,
			       struct cs_sweep_opts *o,
			       char *err, size_t errlen);

extern const char status_usage[];
extern const char start_usage[];
extern const char stop_usage[];
extern const char set_usage[];
extern const char engine_daemon_usage[];
extern const char top_usage[];
extern const char sweep_usage[];

struct cs_serve_opts;

extern const char serve_usage[];

/**
 * parse_serve_args() - options of cpustress serve, with their fallbacks
 *
 * Fills @o, reading $LISTENADDRESS, $PCD_LOGLEVEL, $STATE_DIRECTORY and
 * $HOME for what the command line leaves out. A bad value, given or from
 * the environment, is an error naming it.
 */
enum cs_parse parse_serve_args(int argc, char **argv, struct cs_serve_opts *o,
			       char *err, size_t errlen);

int cmd_parse_result(enum cs_parse r, const char *cmd, const char *usage,
		     const char *err);
int cmd_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* --- main.c: shared by the commands ---------------------------------- */

extern volatile sig_atomic_t cs_interrupted;

void cs_install_signals(void);
int cs_open_engine(const char *name, struct cs_engine **e);
int cs_fail(struct cs_engine *e, const char *what);
int cs_fail_setting(struct cs_engine *e, int err, const char *what,
		    const char *usage);

/* --- json_out.c ------------------------------------------------------ */

void cs_json_status(FILE *f, const char *engine, const struct cs_status *st,
		    const struct cs_snapshot *snap);
void cs_json_sample(FILE *f, const struct cs_sample *s);

/* --- the commands ---------------------------------------------------- */

int status_main(int argc, char **argv);
int start_main(int argc, char **argv);
int stop_main(int argc, char **argv);
int set_main(int argc, char **argv);
int engine_daemon_main(int argc, char **argv);	/* cmd_run.c */
int top_main(int argc, char **argv);
int sweep_main(int argc, char **argv);		/* cmd_sweep.c */
int compare_main(int argc, char **argv);	/* cmd_compare.c */
int serve_main(int argc, char **argv);		/* cmd_serve.c */
int fleet_main(int argc, char **argv);		/* cmd_fleet.c */

/* --- cmd_fleet.c, for cmd_fleet_loadtest.c ---------------------------- */

struct cs_fleet_targets;

/* A TARGET argument, or --targets' file (sc->val), added to @ts. */
int cs_fleet_args_target(struct cs_argscan *sc, struct cs_fleet_targets *ts,
			 const char *arg);
int cs_fleet_args_file(struct cs_argscan *sc, struct cs_fleet_targets *ts);
/*
 * The next option of a fleet command, taking the TARGET arguments before
 * it into @ts: cs_argscan_next()'s index, negative on an error, or
 * CS_FLEET_ARGS_END after the last argument.
 */
#define CS_FLEET_ARGS_END	(-100)
int cs_fleet_args_next(struct cs_argscan *sc, struct cs_fleet_targets *ts);
/* After the arguments: 0 when @ts has a target, else the error set. */
int cs_fleet_args_need_targets(struct cs_argscan *sc,
			       const struct cs_fleet_targets *ts);
void cs_fleet_sleep_ms(uint32_t ms);
/* cpustress fleet loadtest (cmd_fleet_loadtest.c); @usage is fleet's. */
int fleet_loadtest_main(int argc, char **argv, const char *usage);
/* cpustress fleet serve (cmd_fleet_serve.c); @usage is fleet's. */
int fleet_serve_main(int argc, char **argv, const char *usage);

/*
 * The per-CPU table of status and top. With @units (status) also the
 * recent columns: the median of the recent samples in ops/s, half their
 * p10..p90 range in % of it (cs_recent_spread_pm()), how many, and units.
 */
void cs_print_cpu_header(const char *first, bool units);
void cs_print_cpu_row(const char *first, const struct cs_cpu_snap *c,
		      const uint64_t *units);

#endif /* CPUSTRESS_CLI_H */
