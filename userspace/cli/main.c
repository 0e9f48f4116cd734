// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress: the command-line front end of the module (and of the
 * user-space engine). main() picks a command from the table; each command
 * parses its own options and prints its own usage.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

volatile sig_atomic_t cs_interrupted;

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "status", status_main, "configuration, state and a per-CPU table" },
	{ "start", start_main, "start loading the CPUs" },
	{ "stop", stop_main, "stop the run" },
	{ "set", set_main, "change busy %, CPUs, period or interval" },
	{ "top", top_main, "live per-CPU view, one screen per sample" },
	{ "sweep", sweep_main, "load-test sweep over busy % or CPU counts" },
	{ "compare", compare_main, "compare sweep result files side by side" },
	{ "fleet", fleet_main, "many exporters: live table with verdicts, load tests" },
	{ "serve", serve_main, "HTTP exporter: /metrics, /cpu-perf, load tests, dashboard" },
	{ "engine-daemon", engine_daemon_main, "the user engine's process, shared by --engine user" },
};

static void show_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: " PROG_NAME " [--help | --version] COMMAND [OPTIONS]\n"
		"commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "'" PROG_NAME " COMMAND --help' shows a command's options.\n");
}

static void on_signal(int sig)
{
	cs_interrupted = sig;
}

/*
 * SIGINT and SIGTERM only set a flag, without SA_RESTART, so that a
 * waiting poll() returns and the command stops its run and closes its
 * engine the normal way.
 */
void cs_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Open an engine by name; on failure say why and return EXIT_RUNTIME. */
int cs_open_engine(const char *name, struct cs_engine **e)
{
	char err[CS_ERR_MAX];
	int ret;

	if (!strcmp(name, CS_ENGINE_USER))
		ret = cs_engine_open_shared(e, err, sizeof(err));
	else
		ret = cs_engine_open_kernel(e, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, PROG_NAME ": %s\n", err);
		return EXIT_RUNTIME;
	}
	return 0;
}

/* Report a failed engine operation; returns the exit code. */
int cs_fail(struct cs_engine *e, const char *what)
{
	if (e->err[0])
		fprintf(stderr, PROG_NAME ": %s\n", e->err);
	else
		fprintf(stderr, PROG_NAME ": %s failed\n", what);
	return EXIT_RUNTIME;
}

/*
 * A start or set the engine refused: a setting it finds invalid (a CPU
 * that is not online) is an argument error, exit 2 with the usage, as the
 * parser's own; anything else is cs_fail().
 */
int cs_fail_setting(struct cs_engine *e, int err, const char *what,
		    const char *usage)
{
	if (err != -EINVAL && err != -ERANGE)
		return cs_fail(e, what);
	return cmd_usage_error(what, usage, "%s",
			       e->err[0] ? e->err : "invalid setting");
}

/*
 * The per-CPU table of status and top. @first is a column of the caller's
 * own (top's sample number, or ""); @units is status's unit count, NULL
 * for top, whose samples carry none.
 */
void cs_print_cpu_header(const char *first, bool units)
{
	printf("%s%-4s %-8s %8s", first, "cpu", "state", "ops/s");
	if (units)
		printf(" %8s %5s %2s %12s", "recent", "+-%", "n", "units");
	printf(" %7s %7s %7s %7s %9s %9s\n", "busy%", "steal%", "wait%",
	       "irq/s", "p50_us", "p99_us");
}

void cs_print_cpu_row(const char *first, const struct cs_cpu_snap *c,
		      const uint64_t *units)
{
	const struct cs_cpu_rate *r = &c->rate;

	printf("%s%-4u %-8s %8llu", first, c->cpu, cs_state_name(c->state),
	       (unsigned long long)cs_rate_ops(r));
	if (units && c->recent.n) {
		uint32_t pm = cs_recent_spread_pm(&c->recent);

		printf(" %8llu %3u.%u %2u",
		       (unsigned long long)((c->recent.median + 500) / 1000),
		       pm / 10, pm % 10, c->recent.n);
	} else if (units) {
		printf(" %8s %5s %2s", "-", "-", "0");
	}
	if (units)
		printf(" %12llu", (unsigned long long)*units);
	printf(" %5u.%u %5u.%u %5u.%u %7u %9llu %9llu\n",
	       r->busy_pm / 10, r->busy_pm % 10, r->steal_pm / 10,
	       r->steal_pm % 10, r->wait_pm / 10, r->wait_pm % 10,
	       r->irqs_ps, (unsigned long long)(r->p50_ns / 1000),
	       (unsigned long long)(r->p99_ns / 1000));
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	size_t i;

	if (!cmd) {
		fprintf(stderr, PROG_NAME ": no command given\n");
		show_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") ||
	    !strcmp(cmd, "help")) {
		if (argc > 2) {
			fprintf(stderr, PROG_NAME ": unexpected argument '%s'\n",
				argv[2]);
			show_usage(stderr);
			return EXIT_USAGE;
		}
		show_usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf(PROG_NAME " " CS_VERSION " (netlink family v%d)\n",
		       CPUSTRESS_GENL_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].main(argc - 1, argv + 1);
	if (cmd[0] == '-')
		fprintf(stderr, PROG_NAME ": unknown option '%s'\n", cmd);
	else
		fprintf(stderr, PROG_NAME ": unknown command '%s'\n", cmd);
	show_usage(stderr);
	return EXIT_USAGE;
}
