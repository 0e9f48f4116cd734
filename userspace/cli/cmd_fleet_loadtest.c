// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress fleet loadtest: POST /v1/loadtest?wait=0 on every host (one
 * at a time, or --together), then GET /v1/loadtests/ID every second for
 * the progress, so that a long load test holds no connection. Each
 * result is saved as DIR/HOST.json the moment it arrives (written to a
 * temporary file and renamed); a host that refuses, fails or times out is
 * reported with the reason and the others are kept. Ctrl-C stops the
 * load tests this command started (POST /v1/loadtests/ID/stop) and keeps
 * what they measured. Then a summary and the compare table.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cpustress/duty.h>

#include "cli/cli.h"
#include "fleet/fleet.h"
#include "serve/serve.h"
#include "sweep/compare.h"
#include "util/words.h"

#define LT_POLL_MS		1000	/* between progress polls */
#define LT_REQ_TIMEOUT_MS	10000	/* one request */
#define LT_ANSWER_MAX		(64u << 10)	/* POST and stop answers */
#define LT_SLACK_S		30	/* past the server's own limit */
#define LT_STOP_WAIT_S		20	/* for a stopped test's last save */
#define LT_POLL_FAILS_MAX	5	/* progress polls in a row that fail */

enum lt_state { LT_PENDING, LT_RUNNING, LT_DONE, LT_FAILED };

/**
 * struct lt_host - one host's load test
 * @t: its target
 * @stem: its file name without ".json": the host, or host_port when two
 *	targets share the host
 * @id: the load test's ID on the host
 * @state: see enum lt_state
 * @why: why it failed, or the result's status when not complete
 * @body: the result as it arrived (kept for the summary)
 * @len: its length
 * @cost: USD per hour, 0 for none
 */
struct lt_host {
	const struct cs_fleet_target *t;
	char stem[CS_FLEET_HOST_LEN];
	char id[CS_LOADTEST_ID_MAX];
	enum lt_state state;
	char why[CS_FLEET_ERR_MAX];
	char *body;
	size_t len;
	double cost;
	pthread_t th;
};

struct lt_opts {
	struct cs_fleet_targets ts;
	const char *keyfile;
	const char *dir;
	bool together;
	uint32_t ncosts;
	char cost_name[CS_FLEET_TARGETS_MAX][CS_FLEET_HOST_LEN];
	double cost[CS_FLEET_TARGETS_MAX];
	uint32_t busy[CS_LOADTEST_LEVELS_MAX];
	uint32_t nbusy;
	uint32_t duration_s;
	uint32_t warmup_s;
	bool duration_given;
	bool warmup_given;
	char key[CS_APIKEY_MAX + 1];
	char plan[512];
};

static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;

static void say(const struct lt_host *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(const struct lt_host *h, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_mu);
	printf("%-24s ", h->t->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&out_mu);
}

/* --- options --------------------------------------------------------- */

enum {
	LT_TARGETS, LT_KEYFILE, LT_TOGETHER, LT_OUT, LT_COST, LT_BUSY,
	LT_DURATION, LT_WARMUP, LT_HELP
};

static int parse_cost(struct cs_argscan *sc, struct lt_opts *o)
{
	const char *eq = strrchr(sc->val, '=');
	size_t len = eq ? (size_t)(eq - sc->val) : 0;
	double v;

	if (!eq || !len || len >= CS_FLEET_HOST_LEN ||
	    cs_compare_parse_price(eq + 1, &v) || v <= 0 ||
	    v > CS_COMPARE_COST_MAX) {
		cs_arg_error(sc, "--cost '%s': expected NAME=USD_PER_HOUR, like vm-01=0.45",
			     sc->val);
		return CS_ARG_ERR;
	}
	if (o->ncosts == CS_FLEET_TARGETS_MAX) {
		cs_arg_error(sc, "more than %d --cost options",
			     CS_FLEET_TARGETS_MAX);
		return CS_ARG_ERR;
	}
	snprintf(o->cost_name[o->ncosts], CS_FLEET_HOST_LEN, "%.*s", (int)len,
		 sc->val);
	o->cost[o->ncosts++] = v;
	return 0;
}

/* The key: the first usable one of the file. */
static int read_key(struct cs_argscan *sc, struct lt_opts *o)
{
	struct cs_apikeys *k = malloc(sizeof(*k));
	char why[CS_ERR_MAX];
	int ret = 0;

	if (!k) {
		cs_arg_error(sc, "out of memory");
		return CS_ARG_ERR;
	}
	if (cs_apikeys_load(o->keyfile, k, why, sizeof(why))) {
		cs_arg_error(sc, "--apikey-file: %s", why);
		ret = CS_ARG_ERR;
	} else if (!k->n) {
		cs_arg_error(sc, "--apikey-file: %s has no usable key (%d to %d characters)",
			     o->keyfile, CS_APIKEY_MIN, CS_APIKEY_MAX);
		ret = CS_ARG_ERR;
	} else {
		memcpy(o->key, k->key[0], sizeof(o->key));
	}
	free(k);
	return ret;
}

/* The body of POST /v1/loadtest: the plan fields given, or none. */
static void make_plan(struct lt_opts *o)
{
	size_t used = 0;
	uint32_t i;

	if (!o->nbusy && !o->duration_given && !o->warmup_given)
		return;
	used += (size_t)snprintf(o->plan, sizeof(o->plan), "{");
	if (o->nbusy) {
		used += (size_t)snprintf(o->plan + used, sizeof(o->plan) - used,
					 "\"busy\":[");
		for (i = 0; i < o->nbusy; i++)
			used += (size_t)snprintf(o->plan + used,
						 sizeof(o->plan) - used, "%s%u",
						 i ? "," : "", o->busy[i]);
		used += (size_t)snprintf(o->plan + used, sizeof(o->plan) - used,
					 "]");
	}
	if (o->duration_given)
		used += (size_t)snprintf(o->plan + used, sizeof(o->plan) - used,
					 "%s\"duration\":%u", used > 1 ? "," : "",
					 o->duration_s);
	if (o->warmup_given)
		used += (size_t)snprintf(o->plan + used, sizeof(o->plan) - used,
					 "%s\"warmup\":%u", used > 1 ? "," : "",
					 o->warmup_s);
	snprintf(o->plan + used, sizeof(o->plan) - used, "}");
}

static enum cs_parse parse_lt_args(int argc, char **argv, struct lt_opts *o,
				   char *err, size_t errlen)
{
	static const struct cs_opt opts[] = {
		[LT_TARGETS] = { .name = "targets", .has_arg = true },
		[LT_KEYFILE] = { .name = "apikey-file", .has_arg = true },
		[LT_TOGETHER] = { .name = "together" },
		[LT_OUT] = { .name = "output", .short_name = 'o', .has_arg = true },
		[LT_COST] = { .name = "cost", .has_arg = true },
		[LT_BUSY] = { .name = "busy", .has_arg = true },
		[LT_DURATION] = { .name = "duration", .has_arg = true },
		[LT_WARMUP] = { .name = "warmup", .has_arg = true },
		[LT_HELP] = { .name = "help", .short_name = 'h' },
		{ }
	};
	struct cs_argscan sc;
	int idx, ret = 0;

	memset(o, 0, sizeof(*o));
	o->dir = ".";
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while ((idx = cs_fleet_args_next(&sc, &o->ts)) != CS_FLEET_ARGS_END) {
		if (idx < 0)
			return CS_PARSE_ERR;
		switch (idx) {
		case LT_TARGETS:
			ret = cs_fleet_args_file(&sc, &o->ts);
			break;
		case LT_KEYFILE:
			o->keyfile = sc.val;
			break;
		case LT_TOGETHER:
			o->together = true;
			break;
		case LT_OUT:
			o->dir = sc.val;
			break;
		case LT_COST:
			sc.seen &= ~(1ULL << LT_COST);
			ret = parse_cost(&sc, o);
			break;
		case LT_BUSY:
			ret = cs_arg_u32_list(&sc, idx, CS_BUSY_PCT_MIN, CS_BUSY_PCT_MAX,
					      o->busy, CS_LOADTEST_LEVELS_MAX,
					      &o->nbusy);
			break;
		case LT_DURATION:
			o->duration_given = true;
			ret = cs_arg_u32(&sc, idx, 1, CS_LOADTEST_DURATION_MAX,
					 &o->duration_s);
			break;
		case LT_WARMUP:
			o->warmup_given = true;
			ret = cs_arg_u32(&sc, idx, 0, CS_LOADTEST_WARMUP_MAX,
					 &o->warmup_s);
			break;
		default:
			return CS_PARSE_HELP;
		}
		if (ret)
			return CS_PARSE_ERR;
	}
	if (cs_fleet_args_need_targets(&sc, &o->ts))
		return CS_PARSE_ERR;
	if (!o->keyfile) {
		cs_arg_error(&sc, "--apikey-file FILE is needed: load tests need an API key");
		return CS_PARSE_ERR;
	}
	if (read_key(&sc, o))
		return CS_PARSE_ERR;
	make_plan(o);
	return CS_PARSE_OK;
}

/* --- one host -------------------------------------------------------- */

static int request(const struct lt_opts *o, const struct lt_host *h,
		   const char *method, const char *path, const char *body,
		   size_t body_max, struct cs_http_resp *r, char *err,
		   size_t errlen)
{
	struct cs_http_req q = {
		.host = h->t->host,
		.port = h->t->port,
		.method = method,
		.path = path,
		.apikey = o->key,
		.body = body,
		.body_len = body ? strlen(body) : 0,
		.timeout_ms = LT_REQ_TIMEOUT_MS,
		.body_max = body_max,
	};

	return cs_http_request(&q, r, err, errlen);
}

/* "HTTP 409: a load test is already running", from an error answer. */
static void refusal(const struct cs_http_resp *r, char *why, size_t len)
{
	json_t *j = json_loadb(r->body, r->len, 0, NULL);
	const char *msg = json_string_value(json_object_get(j, "error"));

	snprintf(why, len, "HTTP %u%s%s", r->status, msg ? ": " : "",
		 msg ? msg : "");
	json_decref(j);
}

static int start_test(const struct lt_opts *o, struct lt_host *h)
{
	struct cs_http_resp r;
	char err[CS_FLEET_ERR_MAX];
	const char *id;
	json_t *j;
	int ret;

	ret = request(o, h, "POST", "/v1/loadtest?wait=0",
		      o->plan[0] ? o->plan : NULL, LT_ANSWER_MAX, &r, err,
		      sizeof(err));
	if (ret) {
		snprintf(h->why, sizeof(h->why), "%s", err);
		return -1;
	}
	if (r.status != 202) {
		refusal(&r, h->why, sizeof(h->why));
		cs_http_resp_free(&r);
		return -1;
	}
	j = json_loadb(r.body, r.len, 0, NULL);
	id = json_string_value(json_object_get(j, "id"));
	if (id && cs_loadtest_id_valid(id))
		snprintf(h->id, sizeof(h->id), "%s", id);
	else
		snprintf(h->why, sizeof(h->why), "not a cpustress exporter: no load-test ID in its answer");
	json_decref(j);
	cs_http_resp_free(&r);
	return h->id[0] ? 0 : -1;
}

static void stop_test(const struct lt_opts *o, struct lt_host *h)
{
	char path[128], err[CS_FLEET_ERR_MAX];
	struct cs_http_resp r;

	snprintf(path, sizeof(path), "/v1/loadtests/%s/stop", h->id);
	if (request(o, h, "POST", path, NULL, LT_ANSWER_MAX, &r, err,
		    sizeof(err))) {
		say(h, "could not stop load test %s: %s", h->id, err);
		return;
	}
	if (r.status == 202)
		say(h, "stopping load test %s", h->id);
	else if (r.status != 409)	/* 409: it had ended already */
		say(h, "could not stop load test %s: HTTP %u", h->id, r.status);
	cs_http_resp_free(&r);
}

/* Write @h's result as DIR/STEM.json, by a rename. */
static int save(const struct lt_opts *o, struct lt_host *h, char *path,
		size_t len)
{
	char tmp[PATH_MAX];
	FILE *f;
	int ret = 0;

	snprintf(path, len, "%s/%s.json", o->dir, h->stem);
	snprintf(tmp, sizeof(tmp), "%s/.%s.json.tmp", o->dir, h->stem);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	if (fwrite(h->body, 1, h->len, f) != h->len || fflush(f) ||
	    fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

/* One progress poll; 1 when the test has ended (body kept), 0 if not. */
static int poll_test(const struct lt_opts *o, struct lt_host *h,
		     uint32_t *levels_seen, char *err, size_t errlen)
{
	struct cs_http_resp r;
	char path[128];
	const char *status;
	json_t *j, *cs;
	uint32_t done, planned;
	int ret;

	snprintf(path, sizeof(path), "/v1/loadtests/%s", h->id);
	ret = request(o, h, "GET", path, NULL, CS_SWEEP_FILE_MAX, &r, err,
		      errlen);
	if (ret)
		return ret;
	if (r.status != 200) {
		refusal(&r, err, errlen);
		cs_http_resp_free(&r);
		return -EPROTO;
	}
	j = json_loadb(r.body, r.len, 0, NULL);
	cs = json_object_get(j, "cpustress");
	status = json_string_value(json_object_get(cs, "status"));
	if (!status) {
		json_decref(j);
		cs_http_resp_free(&r);
		snprintf(err, errlen, "not a load-test result");
		return -EPROTO;
	}
	done = (uint32_t)json_array_size(json_object_get(j, "results"));
	planned = (uint32_t)json_array_size(json_object_get(
			json_object_get(cs, "plan"), "levels"));
	if (!strcmp(status, "running")) {
		if (done != *levels_seen)
			say(h, "%u of %u %s", done, planned,
			    cs_plural(planned, "level", "levels"));
		*levels_seen = done;
		json_decref(j);
		cs_http_resp_free(&r);
		return 0;
	}
	if (strcmp(status, "complete"))
		snprintf(h->why, sizeof(h->why), "%s after %u of %u %s",
			 status, done, planned,
			 cs_plural(planned, "level", "levels"));
	json_decref(j);
	h->body = r.body;
	h->len = r.len;
	return 1;
}

static void run_host(const struct lt_opts *o, struct lt_host *h)
{
	time_t t0 = time(NULL), stop_at = 0;
	uint32_t levels = 0, fails = 0;
	char err[CS_FLEET_ERR_MAX], path[PATH_MAX];
	int ret;

	if (cs_interrupted)
		return;
	if (start_test(o, h)) {
		h->state = LT_FAILED;
		say(h, "refused: %s", h->why);
		return;
	}
	h->state = LT_RUNNING;
	say(h, "load test %s started", h->id);
	for (;;) {
		/* After a Ctrl-C the sleep is not cut short: poll calmly. */
		if (stop_at)
			usleep(LT_POLL_MS * 1000);
		else
			cs_fleet_sleep_ms(LT_POLL_MS);
		if (!stop_at && (cs_interrupted ||
		    time(NULL) - t0 > CS_LOADTEST_LIMIT_S + LT_SLACK_S)) {
			if (!cs_interrupted)
				snprintf(h->why, sizeof(h->why),
					 "no result within %d s", CS_LOADTEST_LIMIT_S + LT_SLACK_S);
			stop_test(o, h);
			stop_at = time(NULL);
		}
		ret = poll_test(o, h, &levels, err, sizeof(err));
		if (ret == 1)
			break;
		fails = ret < 0 ? fails + 1 : 0;
		if (fails >= LT_POLL_FAILS_MAX ||
		    (stop_at && time(NULL) - stop_at > LT_STOP_WAIT_S)) {
			h->state = LT_FAILED;
			snprintf(h->why, sizeof(h->why), "lost: %.200s",
				 fails ? err : "no result after the stop");
			say(h, "failed: %s", h->why);
			return;
		}
	}
	ret = save(o, h, path, sizeof(path));
	if (ret) {
		h->state = LT_FAILED;
		snprintf(h->why, sizeof(h->why), "cannot save %.150s: %s", path,
			 strerror(-ret));
		say(h, "%s", h->why);
		return;
	}
	h->state = LT_DONE;
	if (h->why[0])
		say(h, "%s, what was measured is saved: %s", h->why, path);
	else
		say(h, "complete: %s", path);
}

struct lt_job {
	const struct lt_opts *o;
	struct lt_host *h;
};

static void *host_thread(void *arg)
{
	struct lt_job *j = arg;

	run_host(j->o, j->h);
	return NULL;
}

/* --- the summary ----------------------------------------------------- */

/* The file stems: the host, or host_port when the host is not unique. */
static void name_hosts(const struct lt_opts *o, struct lt_host *h)
{
	uint32_t i, k, same;
	char *p;

	for (i = 0; i < o->ts.n; i++) {
		h[i].t = &o->ts.t[i];
		for (same = 0, k = 0; k < o->ts.n; k++)
			same += !strcmp(o->ts.t[k].host, o->ts.t[i].host);
		if (same > 1)
			snprintf(h[i].stem, sizeof(h[i].stem), "%s_%u",
				 o->ts.t[i].host, o->ts.t[i].port);
		else
			snprintf(h[i].stem, sizeof(h[i].stem), "%s",
				 o->ts.t[i].host);
		for (p = h[i].stem; *p; p++)
			if (*p == ':' || *p == '/')
				*p = '_';
		h[i].cost = o->ts.t[i].cost;
	}
}

/* --cost NAME: a target, its host or its file stem. */
static int apply_costs(const struct lt_opts *o, struct lt_host *h)
{
	uint32_t c, i, hits;

	for (c = 0; c < o->ncosts; c++) {
		for (hits = 0, i = 0; i < o->ts.n; i++) {
			if (strcmp(o->cost_name[c], h[i].t->name) &&
			    strcmp(o->cost_name[c], h[i].t->host) &&
			    strcmp(o->cost_name[c], h[i].stem))
				continue;
			h[i].cost = o->cost[c];
			hits++;
		}
		if (!hits) {
			fprintf(stderr, PROG_NAME " fleet loadtest: --cost %s: no such target\n",
				o->cost_name[c]);
			return -1;
		}
	}
	return 0;
}

static uint64_t max_units(const struct cs_sweep *s)
{
	uint64_t max = 0;
	uint32_t i;

	for (i = 0; i < s->plan.nlevels; i++)
		if (s->levels[i].runs_ok && s->levels[i].work_units > max)
			max = s->levels[i].work_units;
	return max;
}

static void summary(const struct lt_opts *o, struct lt_host *h)
{
	struct cs_sweep *s = calloc(o->ts.n, sizeof(*s));
	const char *paths[CS_COMPARE_FILES_MAX];
	struct cs_sweep keep[CS_COMPARE_FILES_MAX];
	bool have[CS_FLEET_TARGETS_MAX] = { false };
	uint64_t best = 0, m;
	struct cs_compare *c = NULL;
	char err[CS_ERR_MAX];
	size_t n = 0;
	uint32_t i;

	if (!s)
		return;
	for (i = 0; i < o->ts.n; i++) {
		if (h[i].state != LT_DONE)
			continue;
		if (cs_sweep_parse(h[i].body, h[i].len, h[i].stem, &s[i], err,
				   sizeof(err))) {
			say(&h[i], "the result does not read: %s", err);
			continue;
		}
		have[i] = true;
		m = max_units(&s[i]);
		if (m > best)
			best = m;
	}
	printf("\n%-24s %-12s %10s %9s %7s %8s %12s\n", "host", "status",
	       "maxUnits", "per-cpu", "vs best", "USD/h", "units/USD/h");
	for (i = 0; i < o->ts.n; i++) {
		if (!have[i]) {
			printf("%-24s %-12s %s\n", h[i].t->name, "failed",
			       h[i].why);
			continue;
		}
		m = max_units(&s[i]);
		printf("%-24s %-12s %10llu %9.0f %6.0f%% ", h[i].t->name,
		       cs_sweep_status_name(s[i].status),
		       (unsigned long long)m,
		       s[i].num_cores ? (double)m / s[i].num_cores : 0,
		       best ? 100.0 * (double)m / (double)best : 0);
		if (h[i].cost > 0)
			printf("%8.3f %12.0f\n", h[i].cost, (double)m / h[i].cost);
		else
			printf("%8s %12s\n", "-", "-");
		if (n < CS_COMPARE_FILES_MAX && m) {
			keep[n] = s[i];
			paths[n++] = h[i].stem;
		}
	}
	if (n) {
		c = malloc(sizeof(*c));
		if (c && !cs_compare_build(c, keep, paths, n, err, sizeof(err))) {
			for (i = 0; i < o->ts.n; i++)
				if (have[i] && h[i].cost > 0)
					cs_compare_set_cost(c, h[i].stem, h[i].cost,
							    err, sizeof(err));
			putchar('\n');
			cs_compare_print_table(stdout, c);
			cs_compare_free(c);
		} else if (c) {
			fprintf(stderr, PROG_NAME ": no comparison: %s\n", err);
		}
		free(c);
	}
	for (i = 0; i < o->ts.n; i++)
		if (have[i])
			cs_sweep_free(&s[i]);
	free(s);
}

int fleet_loadtest_main(int argc, char **argv, const char *usage)
{
	struct lt_opts *o = malloc(sizeof(*o));
	struct lt_host *h = NULL;
	struct lt_job jobs[CS_FLEET_TARGETS_MAX];
	char err[CS_ERR_MAX];
	uint32_t i, ok = 0;
	int ret;

	if (!o) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		return EXIT_RUNTIME;
	}
	ret = cmd_parse_result(parse_lt_args(argc, argv, o, err, sizeof(err)),
			       "fleet loadtest", usage, err);
	if (ret >= 0)
		goto out;
	h = calloc(o->ts.n, sizeof(*h));
	if (!h) {
		ret = EXIT_RUNTIME;
		goto out;
	}
	name_hosts(o, h);
	if (apply_costs(o, h)) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (mkdir(o->dir, 0755) && errno != EEXIST) {
		fprintf(stderr, PROG_NAME ": cannot make %s: %s\n", o->dir,
			strerror(errno));
		ret = EXIT_RUNTIME;
		goto out;
	}
	cs_install_signals();
	for (i = 0; i < o->ts.n; i++) {
		jobs[i] = (struct lt_job){ .o = o, .h = &h[i] };
		if (!o->together || pthread_create(&h[i].th, NULL, host_thread,
						   &jobs[i])) {
			run_host(o, &h[i]);
			h[i].th = 0;
		}
	}
	for (i = 0; i < o->ts.n; i++)
		if (o->together && h[i].th)
			pthread_join(h[i].th, NULL);
	summary(o, h);
	for (i = 0; i < o->ts.n; i++) {
		ok += h[i].state == LT_DONE && !h[i].why[0];
		free(h[i].body);
	}
	ret = ok == o->ts.n ? 0 : EXIT_RUNTIME;
out:
	free(h);
	free(o);
	return ret;
}
