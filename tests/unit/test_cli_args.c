// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The CLI's argument parsing, without a kernel: every bad argument is
 * refused with a message naming it (the command then exits 2 with its
 * usage), every good one parses to the right values.
 */
#include "unit.h"

#include <errno.h>
#include <stdio.h>

#include "cli/cli.h"

#define MAX_ARGS	32

union any_opts {
	struct cs_status_opts status;
	struct cs_start_opts start;
	struct cs_set_opts set;
	struct cs_stop_opts stop;
	struct cs_top_opts top;
	struct cs_sweep_opts sweep;
};

/* Split "start --busy 5" at spaces into argv (argv[0] the command). */
static int split(char *line, char **argv)
{
	int argc = 0;
	char *tok;

	for (tok = strtok(line, " "); tok && argc < MAX_ARGS - 1;
	     tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

/* Run the parser of the command named by the first word of @cmdline. */
static enum cs_parse parse(const char *cmdline, union any_opts *o,
			   char *err, size_t errlen)
{
	char line[256], *argv[MAX_ARGS];
	int argc;

	snprintf(line, sizeof(line), "%s", cmdline);
	argc = split(line, argv);
	if (!strcmp(argv[0], "status"))
		return parse_status_args(argc, argv, &o->status, err, errlen);
	if (!strcmp(argv[0], "start"))
		return parse_start_args(argc, argv, &o->start, err, errlen);
	if (!strcmp(argv[0], "stop"))
		return parse_stop_args(argc, argv, &o->stop, err, errlen);
	if (!strcmp(argv[0], "set"))
		return parse_set_args(argc, argv, &o->set, err, errlen);
	if (!strcmp(argv[0], "top"))
		return parse_top_args(argc, argv, &o->top, err, errlen);
	if (!strcmp(argv[0], "sweep"))
		return parse_sweep_args(argc, argv, &o->sweep, err, errlen);
	fail_msg("no parser for %s", argv[0]);
	return CS_PARSE_ERR;
}

static const struct {
	const char *cmdline;
	const char *err;	/* a part of the message */
} bad[] = {
	/* unknown options, positional arguments */
	{ "status --bogus", "unknown option '--bogus'" },
	{ "status -x", "unknown option '-x'" },
	{ "status extra", "unexpected argument 'extra'" },
	{ "status --json --json", "'--json' given twice" },
	{ "status --json=1", "'--json' takes no value" },
	{ "status --engine", "'--engine' needs a value" },
	{ "status --engine bpf", "'bpf' is not kernel or user" },
	{ "stop now", "unexpected argument 'now'" },
	{ "stop --busy 5", "unknown option '--busy'" },
	{ "start -", "unexpected argument '-'" },
	{ "start --", "unexpected argument '--'" },
	{ "start --bus 5", "unknown option '--bus'" },
	/* missing values */
	{ "start --busy", "'--busy' needs a value" },
	{ "start --busy=", "'--busy' needs a value" },
	{ "start --cpus", "'--cpus' needs a value" },
	{ "start --for", "'--for' needs a value" },
	{ "top --count", "'--count' needs a value" },
	/* not numbers */
	{ "start --busy abc", "'abc' is not a number" },
	{ "start --busy 5x", "'5x' is not a number" },
	{ "start --busy -5", "'-5' is not a number: give a whole number in 1..100" },
	{ "start --busy +5", "'+5' is not a number" },
	{ "start --busy 0x10", "'0x10' is not a number" },
	{ "start --busy 5.5", "'5.5' is not a number" },
	{ "start --period 1e3", "'1e3' is not a number" },
	{ "top --count ten", "'ten' is not a number" },
	/* out of range */
	{ "start --busy 0", "--busy: 0 is out of range 1..100" },
	{ "start --busy 101", "out of range 1..100" },
	{ "start --busy 99999999999999999999", "out of range 1..100" },
	{ "start --period 9", "--period: 9 is out of range 10..10000" },
	{ "start --period 10001", "out of range 10..10000" },
	{ "start --interval 9", "--interval: 9 is out of range 10..60000" },
	{ "start --interval 60001", "out of range 10..60000" },
	{ "start --for 0", "--for: 0 is out of range 1..86400" },
	{ "start --for 86401", "out of range 1..86400" },
	{ "set --busy 0", "out of range 1..100" },
	{ "set --period=5", "out of range 10..10000" },
	{ "top --count 0", "--count: 0 is out of range" },
	/* bad cpulists */
	{ "start --cpus x", "--cpus:" },
	{ "start --cpus 3-1", "reversed" },
	{ "start --cpus 1,,2", "--cpus:" },
	{ "start --cpus 0-", "--cpus:" },
	{ "start --cpus -1", "--cpus:" },
	{ "set --cpus 99999", "too large" },
	{ "set --cpus ALL", "--cpus:" },
	/* commands' own rules */
	{ "set", "nothing to set" },
	{ "set --owned", "unknown option '--owned'" },
	{ "set --for 5", "unknown option '--for'" },
	{ "top --once --count 3", "contradict" },
	{ "start --owned --owned", "given twice" },
	{ "start --busy 5 --busy 6", "given twice" },
	/* sweep */
	{ "sweep --busy 10,,20", "not a comma-separated list" },
	{ "sweep --busy 10,", "not a comma-separated list" },
	{ "sweep --busy ,10", "not a comma-separated list" },
	{ "sweep --busy 10,x", "'x' is not a number" },
	{ "sweep --busy 0,10", "--busy: 0 is out of range 1..100" },
	{ "sweep --busy 10,101", "101 is out of range 1..100" },
	{ "sweep --busy 20,10", "strictly up (10 after 20)" },
	{ "sweep --busy 10,10", "strictly up" },
	{ "sweep --cpus-steps 0,1", "--cpus-steps: 0 is out of range" },
	{ "sweep --cpus-steps many", "'many' is not a number" },
	{ "sweep --busy 50 --cpus-steps 1,2", "two kinds of sweep" },
	{ "sweep --duration 0", "--duration: 0 s is out of range 0.002..3600 s" },
	{ "sweep --duration 1.5s", "'1.5s' is not a number of seconds" },
	{ "sweep --duration .5", "'.5' is not a number of seconds" },
	{ "sweep --duration 2.", "'2.' is not a number of seconds" },
	{ "sweep --duration 0.0001", "at most 3 decimals" },
	{ "sweep --duration 1.2.3", "not a number of seconds" },
	{ "sweep --warmup 601", "--warmup: 601 s is out of range 0..600 s" },
	{ "sweep --warmup -1", "'-1' is not a number of seconds in 0..600" },
	{ "sweep --duration -1", "'-1' is not a number of seconds in 0.002..3600" },
	{ "sweep --runs 0", "--runs: 0 is out of range 1..100" },
	{ "sweep --seed x1", "--seed: 'x1' is not a number" },
	{ "sweep --seed -3", "--seed: '-3' is not a number" },
	{ "sweep --seed 9223372036854775808", "not a number in 0..9223372036854775807" },
	{ "sweep --runs 101", "out of range 1..100" },
	{ "sweep --time-limit 0", "--time-limit: 0 is out of range" },
	{ "sweep --time-limit 86401", "out of range 1..86400" },
	{ "sweep --level-timeout 2", "not longer than --warmup + --duration (2.500 s)" },
	{ "sweep --format xml", "'xml' is not json, csv or jsonl" },
	{ "sweep -o", "needs a value" },
	{ "sweep --cpus 2-1", "reversed" },
	{ "sweep --engine gpu", "not kernel or user" },
	{ "sweep 10", "unexpected argument '10'" },
};

static void test_bad_args(void **state)
{
	union any_opts o;
	char err[CS_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (parse(bad[i].cmdline, &o, err, sizeof(err)) != CS_PARSE_ERR)
			fail_msg("'%s' was accepted", bad[i].cmdline);
		if (!strstr(err, bad[i].err))
			fail_msg("'%s': message '%s' lacks '%s'",
				 bad[i].cmdline, err, bad[i].err);
		if (strchr(err, '\n'))
			fail_msg("'%s': message is not one line: '%s'",
				 bad[i].cmdline, err);
		/* A value that is not a number in range says the range. */
		if ((strstr(err, "not a number") || strstr(err, "out of range") ||
		     strstr(err, "list of numbers")) && !strstr(err, ".."))
			fail_msg("'%s': message names no range: '%s'",
				 bad[i].cmdline, err);
	}
}

static void test_help(void **state)
{
	static const char *const help[] = {
		"status --help", "start -h", "stop --help", "set --help",
		"top -h", "start --busy 5 --help", "sweep --help",
	};
	union any_opts o;
	char err[CS_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(help) / sizeof(help[0]); i++)
		if (parse(help[i], &o, err, sizeof(err)) != CS_PARSE_HELP)
			fail_msg("'%s' is not a help request", help[i]);
}

static void test_status(void **state)
{
	union any_opts o;
	char err[CS_ERR_MAX];

	(void)state;
	assert_int_equal(parse("status", &o, err, sizeof(err)), CS_PARSE_OK);
	assert_false(o.status.json);
	assert_string_equal(o.status.engine, "kernel");
	assert_int_equal(parse("status --engine=user --json", &o, err,
			       sizeof(err)), CS_PARSE_OK);
	assert_true(o.status.json);
	assert_string_equal(o.status.engine, "user");
}

static void test_start(void **state)
{
	union any_opts o;
	char err[CS_ERR_MAX];
	const struct cs_settings *s = &o.start.set;

	(void)state;
	assert_int_equal(parse("start", &o, err, sizeof(err)), CS_PARSE_OK);
	assert_int_equal(s->busy_pct, CS_UNSET);
	assert_int_equal(s->period_ms, CS_UNSET);
	assert_int_equal(s->interval_ms, CS_UNSET);
	assert_int_equal(s->time_limit_ms, 0);	/* a plain start has none */
	assert_null(s->cpus);
	assert_false(s->owned);
	assert_string_equal(o.start.engine, "kernel");

	assert_int_equal(parse("start --busy 1 --cpus 0-3,6 --period=10000"
			       " --interval 60000 --for 86400 --owned"
			       " --engine user", &o, err, sizeof(err)),
			 CS_PARSE_OK);
	assert_int_equal(s->busy_pct, 1);
	assert_string_equal(s->cpus, "0-3,6");
	assert_int_equal(s->period_ms, 10000);
	assert_int_equal(s->interval_ms, 60000);
	assert_int_equal(o.start.for_s, 86400);
	assert_int_equal(s->time_limit_ms, 86400000);
	assert_true(s->owned);
	assert_string_equal(o.start.engine, "user");

	assert_int_equal(parse("start --busy 100 --cpus all --period 10"
			       " --interval 10 --for 1", &o, err, sizeof(err)),
			 CS_PARSE_OK);
	assert_int_equal(s->busy_pct, 100);
	assert_string_equal(s->cpus, "all");
	assert_int_equal(s->period_ms, 10);
	assert_int_equal(s->interval_ms, 10);
	assert_int_equal(s->time_limit_ms, 1000);
}

static void test_set(void **state)
{
	union any_opts o;
	char err[CS_ERR_MAX];
	const struct cs_settings *s = &o.set.set;

	(void)state;
	assert_int_equal(parse("set --busy 50", &o, err, sizeof(err)),
			 CS_PARSE_OK);
	assert_int_equal(s->busy_pct, 50);
	assert_int_equal(s->period_ms, CS_UNSET);
	assert_int_equal(s->interval_ms, CS_UNSET);
	assert_int_equal(s->time_limit_ms, CS_UNSET);	/* set keeps it */
	assert_null(s->cpus);
	assert_int_equal(parse("set --cpus 1 --interval 250 --period 200", &o,
			       err, sizeof(err)), CS_PARSE_OK);
	assert_string_equal(s->cpus, "1");
	assert_int_equal(s->interval_ms, 250);
	assert_int_equal(s->period_ms, 200);
	assert_int_equal(s->busy_pct, CS_UNSET);
}

static void test_stop_top(void **state)
{
	union any_opts o;
	char err[CS_ERR_MAX];

	(void)state;
	assert_int_equal(parse("stop", &o, err, sizeof(err)), CS_PARSE_OK);
	assert_int_equal(parse("top", &o, err, sizeof(err)), CS_PARSE_OK);
	assert_int_equal(o.top.count, 0);
	assert_false(o.top.once);
	assert_false(o.top.json);
	assert_int_equal(parse("top --count 3 --json", &o, err, sizeof(err)),
			 CS_PARSE_OK);
	assert_int_equal(o.top.count, 3);
	assert_true(o.top.json);
	assert_int_equal(parse("top --once --engine user", &o, err,
			       sizeof(err)), CS_PARSE_OK);
	assert_true(o.top.once);
	assert_int_equal(o.top.count, 1);
	assert_string_equal(o.top.engine, "user");
	assert_int_equal(parse("top -n 1 --once", &o, err, sizeof(err)),
			 CS_PARSE_OK);
}

static void test_sweep(void **state)
{
	union any_opts o;
	struct cs_sweep_plan *p = &o.sweep.plan;
	char err[CS_ERR_MAX];

	(void)state;
	assert_int_equal(parse("sweep", &o, err, sizeof(err)), CS_PARSE_OK);
	assert_int_equal(p->kind, CS_SWEEP_BUSY);
	assert_int_equal(p->nlevels, 10);
	assert_int_equal(p->levels[0], 10);
	assert_int_equal(p->levels[9], 100);
	assert_int_equal(p->runs, CS_SWEEP_RUNS_DEF);
	assert_int_equal(p->seed, 1);
	assert_int_equal(p->duration_ms, 2000);
	assert_int_equal(p->warmup_ms, 500);
	assert_int_equal(p->period_ms, 100);
	assert_int_equal(p->level_timeout_ms, 2 * 2500 + 10000);
	assert_string_equal(p->cpus, "all");
	assert_false(o.sweep.time_limit_given);
	assert_null(o.sweep.output);
	assert_int_equal(o.sweep.format, CS_FMT_JSON);
	assert_false(o.sweep.format_given);
	assert_string_equal(o.sweep.engine, "kernel");

	assert_int_equal(parse("sweep --busy 25,50,100 --runs 3 --duration 2 --warmup 0 --seed 18446 --period 200 --level-timeout 9 --time-limit 60 --format jsonl -o r.jsonl --engine user --cpus 0-1",
			       &o, err, sizeof(err)), CS_PARSE_OK);
	assert_int_equal(p->nlevels, 3);
	assert_int_equal(p->levels[1], 50);
	assert_int_equal(p->runs, 3);
	assert_int_equal(p->duration_ms, 2000);
	assert_int_equal(p->warmup_ms, 0);
	assert_int_equal(p->period_ms, 200);
	assert_int_equal(p->level_timeout_ms, 9000);
	assert_int_equal(p->seed, 18446);
	assert_int_equal(p->time_limit_ms, 60000);
	assert_true(o.sweep.time_limit_given);
	assert_int_equal(o.sweep.format, CS_FMT_JSONL);
	assert_string_equal(o.sweep.output, "r.jsonl");
	assert_string_equal(o.sweep.engine, "user");
	assert_string_equal(p->cpus, "0-1");

	assert_int_equal(parse("sweep --duration 0.25 --warmup 1.5", &o, err,
			       sizeof(err)), CS_PARSE_OK);
	assert_int_equal(p->duration_ms, 250);
	assert_int_equal(p->warmup_ms, 1500);

	assert_int_equal(parse("sweep --cpus-steps 1,2,4", &o, err,
			       sizeof(err)), CS_PARSE_OK);
	assert_int_equal(p->kind, CS_SWEEP_CPUS);
	assert_int_equal(p->nlevels, 3);
	assert_int_equal(p->levels[2], 4);
	assert_int_equal(parse("sweep --cpus-steps auto --format csv", &o, err,
			       sizeof(err)), CS_PARSE_OK);
	assert_int_equal(p->kind, CS_SWEEP_CPUS);
	assert_int_equal(p->nlevels, 0);
	assert_int_equal(o.sweep.format, CS_FMT_CSV);

	/* The format from -o's extension; a contradiction refused. */
	assert_int_equal(parse("sweep -o dir.v2/r.csv", &o, err,
			       sizeof(err)), CS_PARSE_OK);
	assert_int_equal(o.sweep.format, CS_FMT_CSV);
	assert_true(o.sweep.format_given);
	assert_int_equal(parse("sweep -o r.jsonl --format jsonl", &o, err,
			       sizeof(err)), CS_PARSE_OK);
	assert_int_equal(o.sweep.format, CS_FMT_JSONL);
	assert_int_equal(parse("sweep -o dir.csv/r", &o, err,
			       sizeof(err)), CS_PARSE_OK);
	assert_int_equal(o.sweep.format, CS_FMT_JSON);
	assert_false(o.sweep.format_given);
	assert_int_equal(parse("sweep -o r.csv --format json", &o, err,
			       sizeof(err)), CS_PARSE_ERR);
	assert_non_null(strstr(err, "the name says csv, --format says json"));
	assert_int_equal(parse("sweep --format jsonl -o r.json", &o, err,
			       sizeof(err)), CS_PARSE_ERR);
	/* -o - is stdout, not a file named '-'. */
	assert_int_equal(parse("sweep -o - --format csv", &o, err,
			       sizeof(err)), CS_PARSE_OK);
	assert_null(o.sweep.output);
	assert_true(o.sweep.stdout_given);
	assert_int_equal(o.sweep.format, CS_FMT_CSV);
}

static void test_parse_u32(void **state)
{
	static const struct {
		const char *s;
		uint32_t min, max;
		int ret;
		uint32_t v;
	} cases[] = {
		{ "0", 0, 10, 0, 0 },
		{ "10", 0, 10, 0, 10 },
		{ "007", 0, 10, 0, 7 },
		{ "4294967295", 0, UINT32_MAX, 0, UINT32_MAX },
		{ "4294967296", 0, UINT32_MAX, -ERANGE, 0 },
		{ "11", 0, 10, -ERANGE, 0 },
		{ "0", 1, 10, -ERANGE, 0 },
		{ "", 0, 10, -EINVAL, 0 },
		{ " 1", 0, 10, -EINVAL, 0 },
		{ "1 ", 0, 10, -EINVAL, 0 },
		{ "1\n", 0, 10, -EINVAL, 0 },
		{ "99999999999999999999x", 0, 10, -EINVAL, 0 },
	};
	uint32_t v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 0;
		assert_int_equal(cs_parse_u32(cases[i].s, cases[i].min,
					      cases[i].max, &v), cases[i].ret);
		assert_int_equal(v, cases[i].v);
	}
	assert_int_equal(cs_parse_u32(NULL, 0, 10, &v), -EINVAL);
}

/* The exit codes the commands return for each parse result. */
static void test_exit_codes(void **state)
{
	FILE *saved_out = stdout, *saved_err = stderr, *null;

	(void)state;
	null = fopen("/dev/null", "w");
	assert_non_null(null);
	stdout = null;
	stderr = null;
	assert_int_equal(cmd_parse_result(CS_PARSE_OK, "x", "u\n", ""), -1);
	assert_int_equal(cmd_parse_result(CS_PARSE_HELP, "x", "u\n", ""), 0);
	assert_int_equal(cmd_parse_result(CS_PARSE_ERR, "x", "u\n", "e"),
			 EXIT_USAGE);
	stdout = saved_out;
	stderr = saved_err;
	fclose(null);
	assert_int_equal(EXIT_USAGE, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_stop_top),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_parse_u32),
		cmocka_unit_test(test_exit_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
