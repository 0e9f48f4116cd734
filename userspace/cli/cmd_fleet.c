// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress fleet: a live table of many `cpustress serve` exporters,
 * polled at once every --interval, each with its verdict (fleet/verdict.c),
 * then the fleet's total and median. `cpustress fleet loadtest` is in
 * cmd_fleet_loadtest.c. A host going down or coming back never stops the
 * view; the exit status says whether, at the end, a host was throttled
 * or down (1) or not (0), for cron and CI.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fleet/fleet.h"
#include "util/words.h"

#define WARMUP_MS	1000	/* between the first polls, to fill the window */

static const char fleet_usage[] =
	"usage: " PROG_NAME " fleet [TARGET...] [--targets FILE] [--interval S]"
	" [--once] [--count N] [--json]\n"
	"       " PROG_NAME " fleet loadtest [TARGET...] [--targets FILE]"
	" --apikey-file FILE [--together]\n"
	"         [-o DIR] [--cost NAME=USD_PER_HOUR]... [--busy P,P,...]"
	" [--duration S] [--warmup S]\n"
	"       " PROG_NAME " fleet serve [TARGET...] [--targets FILE]"
	" [--listen ADDR] [--apikey-file FILE]\n"
	"         [--interval S]\n"
	"  TARGET is HOST:PORT of a 'cpustress serve'; FILE a Prometheus"
	" file_sd JSON list.\n";

struct fleet_opts {
	struct cs_fleet_targets ts;
	uint32_t interval_s;
	uint32_t count;		/* 0 = until interrupted */
	bool json;
};

enum { FL_TARGETS, FL_INTERVAL, FL_ONCE, FL_COUNT, FL_JSON, FL_HELP };

int cs_fleet_args_target(struct cs_argscan *sc, struct cs_fleet_targets *ts,
			 const char *arg)
{
	char why[CS_FLEET_ERR_MAX];

	if (cs_fleet_target_add(ts, arg, why, sizeof(why))) {
		cs_arg_error(sc, "%s", why);
		return CS_ARG_ERR;
	}
	return 0;
}

int cs_fleet_args_next(struct cs_argscan *sc, struct cs_fleet_targets *ts)
{
	while (sc->pos < sc->argc && sc->argv[sc->pos][0] != '-')
		if (cs_fleet_args_target(sc, ts, sc->argv[sc->pos++]))
			return -1;
	if (sc->pos >= sc->argc)
		return CS_FLEET_ARGS_END;
	return cs_argscan_next(sc);
}

int cs_fleet_args_file(struct cs_argscan *sc, struct cs_fleet_targets *ts)
{
	char why[CS_FLEET_ERR_MAX];

	if (cs_fleet_targets_load(ts, sc->val, why, sizeof(why))) {
		cs_arg_error(sc, "--targets: %s", why);
		return CS_ARG_ERR;
	}
	return 0;
}

int cs_fleet_args_need_targets(struct cs_argscan *sc,
			       const struct cs_fleet_targets *ts)
{
	if (ts->n)
		return 0;
	cs_arg_error(sc, "no targets: give HOST:PORT arguments or --targets FILE");
	return CS_ARG_ERR;
}

static enum cs_parse parse_fleet_args(int argc, char **argv,
				      struct fleet_opts *o, char *err,
				      size_t errlen)
{
	static const struct cs_opt opts[] = {
		[FL_TARGETS] = { .name = "targets", .has_arg = true },
		[FL_INTERVAL] = { .name = "interval", .has_arg = true },
		[FL_ONCE] = { .name = "once" },
		[FL_COUNT] = { .name = "count", .has_arg = true },
		[FL_JSON] = { .name = "json" },
		[FL_HELP] = { .name = "help", .short_name = 'h' },
		{ }
	};
	struct cs_argscan sc;
	int idx, ret = 0;

	memset(o, 0, sizeof(*o));
	o->interval_s = CS_FLEET_INTERVAL_DEF;
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while ((idx = cs_fleet_args_next(&sc, &o->ts)) != CS_FLEET_ARGS_END) {
		if (idx < 0)
			return CS_PARSE_ERR;
		switch (idx) {
		case FL_TARGETS:
			ret = cs_fleet_args_file(&sc, &o->ts);
			break;
		case FL_INTERVAL:
			ret = cs_arg_u32(&sc, idx, 1, CS_FLEET_INTERVAL_MAX,
					 &o->interval_s);
			break;
		case FL_ONCE:
			o->count = 1;
			break;
		case FL_COUNT:
			ret = cs_arg_u32(&sc, idx, 1, CS_COUNT_MAX, &o->count);
			break;
		case FL_JSON:
			o->json = true;
			break;
		default:
			return CS_PARSE_HELP;
		}
		if (ret)
			return CS_PARSE_ERR;
	}
	if ((sc.seen & (1u << FL_ONCE)) && (sc.seen & (1u << FL_COUNT))) {
		cs_arg_error(&sc, "--once and --count: give one");
		return CS_PARSE_ERR;
	}
	if (cs_fleet_args_need_targets(&sc, &o->ts))
		return CS_PARSE_ERR;
	return CS_PARSE_OK;
}

/* Sleep @ms unless interrupted first. */
void cs_fleet_sleep_ms(uint32_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	if (!cs_interrupted)
		nanosleep(&ts, NULL);
}

static void labels_text(const struct cs_fleet_target *t, char *buf,
			size_t len)
{
	uint32_t i;
	size_t used = 0;

	buf[0] = '\0';
	for (i = 0; i < t->nlabels && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s",
					 i ? "," : "", t->labels[i].name,
					 t->labels[i].value);
}

static void print_table(const struct fleet_opts *o,
			const struct cs_fleet_host *hosts,
			const struct cs_fleet_round *r, uint64_t round)
{
	char verdict[CS_FLEET_ERR_MAX + 32], labels[48], ratio[16];
	uint32_t i, running = 0;

	if (isatty(STDOUT_FILENO))
		fputs("\033[H\033[2J", stdout);
	else if (round > 1)
		putchar('\n');
	printf("%-24s %-8s %5s %10s %9s %6s %6s %6s %-20s %s\n", "host",
	       "state", "cpus", "units/s", "per-cpu", "ratio", "steal%",
	       "wait%", "labels", "verdict");
	for (i = 0; i < o->ts.n; i++) {
		const struct cs_fleet_host *h = &hosts[i];
		const struct cs_fleet_stats *s = &h->cur;

		cs_fleet_verdict(h, verdict, sizeof(verdict));
		labels_text(&o->ts.t[i], labels, sizeof(labels));
		if (s->state == CS_FLEET_DOWN) {
			printf("%-24s %-8s %5s %10s %9s %6s %6s %6s %-20.20s %s\n",
			       o->ts.t[i].name, "down", "-", "-", "-", "-", "-",
			       "-", labels, verdict);
			continue;
		}
		running += s->state == CS_FLEET_RUNNING;
		snprintf(ratio, sizeof(ratio), isnan(h->ratio) ? "-" : "%.2f",
			 h->ratio);
		printf("%-24s %-8s %2u/%-2u %10.0f %9.0f %6s %6.1f %6.1f %-20.20s %s\n",
		       o->ts.t[i].name, s->state == CS_FLEET_RUNNING ?
		       "running" : "stopped", s->loaded, s->ncpus, s->ops,
		       s->per_cpu, ratio, s->steal * 100, s->wait * 100,
		       labels, verdict);
	}
	printf("fleet: %u %s, %u running: total %.0f units/s, median per CPU %.0f units/s, median host %.0f units/s\n",
	       o->ts.n, cs_plural(o->ts.n, "host", "hosts"), running, r->total, isnan(r->median) ? 0 : r->median,
	       isnan(r->median_total) ? 0 : r->median_total);
	printf("verdict over the last %d polls: slow below %.0f %% of the median per CPU, steal above %.0f %%, wait above the median's by %.0f points\n",
	       CS_FLEET_WINDOW, CS_FLEET_SLOW_RATIO * 100,
	       CS_FLEET_STEAL_RATIO * 100, CS_FLEET_WAIT_EXCESS * 100);
}

static json_t *num_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(round(v * 1000) / 1000);
}

static json_t *host_json(const struct cs_fleet_target *t,
			 const struct cs_fleet_host *h)
{
	const struct cs_fleet_stats *s = &h->cur;
	char verdict[CS_FLEET_ERR_MAX + 32];
	json_t *o = json_object(), *labels = json_object(),
	       *reasons = json_array();
	enum cs_fleet_reason r;
	uint32_t i;

	for (i = 0; i < t->nlabels; i++)
		json_object_set_new(labels, t->labels[i].name,
				    json_string(t->labels[i].value));
	for (r = 0; r < CS_REASONS; r++)
		if (h->flag[r] && s->state == CS_FLEET_RUNNING)
			json_array_append_new(reasons,
				json_string(cs_fleet_reason_names[r]));
	cs_fleet_verdict(h, verdict, sizeof(verdict));
	json_object_set_new(o, "target", json_string(t->name));
	json_object_set_new(o, "labels", labels);
	json_object_set_new(o, "costPerHour", t->cost > 0 ?
			    json_real(t->cost) : json_null());
	json_object_set_new(o, "state", json_string(
		s->state == CS_FLEET_DOWN ? "down" :
		s->state == CS_FLEET_STOPPED ? "stopped" : "running"));
	json_object_set_new(o, "verdict", json_string(verdict));
	json_object_set_new(o, "throttled", json_boolean(cs_fleet_throttled(h)));
	json_object_set_new(o, "reason", json_array_size(reasons) ?
			    json_copy(json_array_get(reasons, 0)) : json_null());
	json_object_set_new(o, "reasons", reasons);
	if (s->state == CS_FLEET_DOWN) {
		json_object_set_new(o, "error", json_string(s->err));
		return o;
	}
	json_object_set_new(o, "hostname", json_string(s->hostname));
	json_object_set_new(o, "engine", json_string(s->engine));
	json_object_set_new(o, "cpus", json_integer(s->ncpus));
	json_object_set_new(o, "loaded", json_integer(s->loaded));
	json_object_set_new(o, "unitsPerSec", num_or_null(s->ops));
	json_object_set_new(o, "perCpu", num_or_null(s->per_cpu));
	json_object_set_new(o, "ratio", num_or_null(h->ratio));
	json_object_set_new(o, "stealPct", num_or_null(s->steal * 100));
	json_object_set_new(o, "waitPct", num_or_null(s->wait * 100));
	json_object_set_new(o, "loadtestRunning", json_boolean(s->loadtest));
	return o;
}

static void print_json(const struct fleet_opts *o,
		       const struct cs_fleet_host *hosts,
		       const struct cs_fleet_round *r, uint64_t round)
{
	json_t *j = json_object(), *th = json_object(), *arr = json_array();
	struct timespec now;
	uint32_t i;
	char *s;

	clock_gettime(CLOCK_REALTIME, &now);
	for (i = 0; i < o->ts.n; i++)
		json_array_append_new(arr, host_json(&o->ts.t[i], &hosts[i]));
	json_object_set_new(th, "slowRatio", json_real(CS_FLEET_SLOW_RATIO));
	json_object_set_new(th, "stealRatio", json_real(CS_FLEET_STEAL_RATIO));
	json_object_set_new(th, "waitExcess", json_real(CS_FLEET_WAIT_EXCESS));
	json_object_set_new(th, "window", json_integer(CS_FLEET_WINDOW));
	json_object_set_new(j, "round", json_integer((json_int_t)round));
	json_object_set_new(j, "timestampMs", json_integer(
		(json_int_t)now.tv_sec * 1000 + now.tv_nsec / 1000000));
	json_object_set_new(j, "hosts", arr);
	json_object_set_new(j, "total", num_or_null(r->total));
	json_object_set_new(j, "median", num_or_null(r->median));
	json_object_set_new(j, "medianHost", num_or_null(r->median_total));
	json_object_set_new(j, "thresholds", th);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER |
			  JSON_REAL_PRECISION(12));
	if (s)
		puts(s);
	free(s);
	json_decref(j);
}

static bool any_bad(const struct cs_fleet_host *hosts, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (hosts[i].cur.state == CS_FLEET_DOWN ||
		    cs_fleet_throttled(&hosts[i]))
			return true;
	return false;
}

static int fleet_view(const struct fleet_opts *o)
{
	struct cs_fleet_stats *polled = calloc(o->ts.n, sizeof(*polled));
	struct cs_fleet_host *hosts = calloc(o->ts.n, sizeof(*hosts));
	uint32_t timeout = CS_FLEET_TIMEOUT_MS, polls = 0;
	struct cs_fleet_round r;
	uint64_t printed = 0;
	int ret = 0;

	if (!polled || !hosts) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		ret = EXIT_RUNTIME;
		goto out;
	}
	if (timeout > o->interval_s * 1000)
		timeout = o->interval_s * 1000;
	cs_install_signals();
	while (!cs_interrupted) {
		cs_fleet_poll(&o->ts, timeout, polled);
		cs_fleet_update(hosts, o->ts.n, polled, &r);
		/* Every table shown has a full window behind it. */
		if (++polls < CS_FLEET_WINDOW) {
			if (!o->json && isatty(STDERR_FILENO))
				fprintf(stderr, "\rfilling the window: poll %u of %d",
					polls, CS_FLEET_WINDOW);
			cs_fleet_sleep_ms(WARMUP_MS);
			continue;
		}
		printed++;
		if (o->json)
			print_json(o, hosts, &r, printed);
		else
			print_table(o, hosts, &r, printed);
		fflush(stdout);
		if (o->count && printed >= o->count)
			break;
		cs_fleet_sleep_ms(o->interval_s * 1000);
	}
	ret = printed && any_bad(hosts, o->ts.n) ? EXIT_RUNTIME : 0;
out:
	free(polled);
	free(hosts);
	return ret;
}

int fleet_main(int argc, char **argv)
{
	struct fleet_opts *o;
	char err[CS_ERR_MAX];
	int ret;

	if (argc > 1 && !strcmp(argv[1], "loadtest"))
		return fleet_loadtest_main(argc - 1, argv + 1, fleet_usage);
	if (argc > 1 && !strcmp(argv[1], "serve"))
		return fleet_serve_main(argc - 1, argv + 1, fleet_usage);
	o = malloc(sizeof(*o));
	if (!o) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		return EXIT_RUNTIME;
	}
	ret = cmd_parse_result(parse_fleet_args(argc, argv, o, err,
						sizeof(err)),
			       "fleet", fleet_usage, err);
	if (ret < 0)
		ret = fleet_view(o);
	free(o);
	return ret;
}
