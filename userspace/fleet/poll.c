// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * One round of polls: GET /v1/stats of every target at once, one thread
 * each, each request bounded by the poll timeout, so a host that does
 * not answer delays no other row. The answer is read strictly (the
 * fields of docs/metrics.md "GET /v1/stats"): anything else is "down"
 * with the reason.
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "fleet/fleet.h"
#include "util/errf.h"

static int bad(char *err, size_t errlen, const char *what)
{
	return cs_errf(err, errlen, -EPROTO,
		       "not a cpustress exporter: /v1/stats %s", what);
}

static bool get_num(json_t *o, const char *key, double *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_number(v))
		return false;
	*out = json_number_value(v);
	return *out >= 0 && *out < 1e18;
}

/*
 * A CPU's rate for the verdict: the median of its recent samples when it
 * has them (docs/metrics.md, "recent"), else its newest 1-s rate. A 1-s
 * rate of a guest on a busy host moves by a third from one second to the
 * next; the median of its newest CS_RECENT_MAX samples does not, so a host at
 * half the fleet's rate reads half in every poll.
 */
static bool get_rate(json_t *c, double *out)
{
	json_t *recent = json_object_get(c, "recent");
	double n;

	if (!recent || json_is_null(recent))
		return get_num(c, "opsPerSec", out);
	return json_is_object(recent) && get_num(recent, "n", &n) && n >= 1 &&
	       get_num(recent, "medianOpsPerSec", out);
}

/* Each loaded CPU: its rate, and the largest steal and wait shares. */
static int parse_cpus(json_t *cpus, struct cs_fleet_stats *st, char *err,
		      size_t errlen)
{
	double ops, steal, wait, sum = 0;
	const char *state;
	json_t *c;
	size_t i;

	if (!json_is_array(cpus))
		return bad(err, errlen, "has no \"cpus\" array");
	st->ncpus = (uint32_t)json_array_size(cpus);
	json_array_foreach(cpus, i, c) {
		state = json_string_value(json_object_get(c, "state"));
		if (!state || !get_num(c, "opsPerSec", &ops) ||
		    !get_num(c, "stealPct", &steal) ||
		    !get_num(c, "waitPct", &wait) || steal > 100 ||
		    wait > 100)
			return bad(err, errlen, "has a CPU without state, opsPerSec, stealPct and waitPct");
		if (!get_rate(c, &ops))
			return bad(err, errlen, "has a CPU whose \"recent\" is neither null nor n and medianOpsPerSec");
		if (strcmp(state, "running"))
			continue;
		st->loaded++;
		sum += ops;
		if (steal / 100 > st->steal)
			st->steal = steal / 100;
		if (wait / 100 > st->wait)
			st->wait = wait / 100;
	}
	st->per_cpu = st->loaded ? sum / st->loaded : 0;
	return 0;
}

int cs_fleet_stats_parse(const char *buf, size_t len,
			 struct cs_fleet_stats *st, char *err, size_t errlen)
{
	json_t *o, *up, *running, *lt;
	const char *s;
	double seq;
	int ret;

	memset(st, 0, sizeof(*st));
	o = json_loadb(buf, len, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return bad(err, errlen, "is not a JSON object");
	}
	up = json_object_get(o, "up");
	running = json_object_get(o, "running");
	s = json_string_value(json_object_get(o, "hostname"));
	if (!json_is_boolean(up) || !json_is_boolean(running) || !s ||
	    !get_num(o, "opsPerSec", &st->ops) ||
	    !get_num(o, "sampleSeq", &seq)) {
		ret = bad(err, errlen, "lacks hostname, up, running, opsPerSec or sampleSeq");
		goto out;
	}
	snprintf(st->hostname, sizeof(st->hostname), "%s", s);
	s = json_string_value(json_object_get(o, "engine"));
	snprintf(st->engine, sizeof(st->engine), "%s", s ? s : "");
	st->seq = (uint64_t)seq;
	lt = json_object_get(o, "loadtest");
	st->loadtest = json_is_true(json_object_get(lt, "running"));
	ret = parse_cpus(json_object_get(o, "cpus"), st, err, errlen);
	if (ret)
		goto out;
	if (!json_is_true(up)) {
		s = json_string_value(json_object_get(o, "error"));
		ret = cs_errf(err, errlen, -EIO, "the exporter cannot read its engine: %s",
			      s ? s : "no reason given");
		goto out;
	}
	st->state = json_is_true(running) && st->loaded ? CS_FLEET_RUNNING :
							  CS_FLEET_STOPPED;
out:
	json_decref(o);
	return ret;
}

struct poll_job {
	const struct cs_fleet_target *t;
	uint32_t timeout_ms;
	struct cs_fleet_stats *st;
	pthread_t th;
	bool started;
};

static void poll_one(struct poll_job *j)
{
	struct cs_http_req q = {
		.host = j->t->host,
		.port = j->t->port,
		.method = "GET",
		.path = "/v1/stats",
		.timeout_ms = j->timeout_ms,
		.body_max = CS_FLEET_STATS_MAX,
	};
	struct cs_http_resp r;
	char err[CS_FLEET_ERR_MAX];
	int ret;

	ret = cs_http_request(&q, &r, err, sizeof(err));
	if (!ret && r.status != 200) {
		snprintf(err, sizeof(err), "HTTP %u from /v1/stats", r.status);
		ret = -EPROTO;
	}
	if (!ret)
		ret = cs_fleet_stats_parse(r.body, r.len, j->st, err,
					   sizeof(err));
	cs_http_resp_free(&r);
	if (ret) {
		j->st->state = CS_FLEET_DOWN;
		snprintf(j->st->err, sizeof(j->st->err), "%s", err);
	}
}

static void *poll_thread(void *arg)
{
	poll_one(arg);
	return NULL;
}

void cs_fleet_poll(const struct cs_fleet_targets *ts, uint32_t timeout_ms,
		   struct cs_fleet_stats *out)
{
	struct poll_job jobs[CS_FLEET_TARGETS_MAX];
	uint32_t i;

	for (i = 0; i < ts->n; i++) {
		jobs[i] = (struct poll_job){ .t = &ts->t[i],
					    .timeout_ms = timeout_ms,
					    .st = &out[i] };
		memset(&out[i], 0, sizeof(out[i]));
		/* Without a thread (none left), the poll is done here. */
		jobs[i].started = !pthread_create(&jobs[i].th, NULL,
						  poll_thread, &jobs[i]);
		if (!jobs[i].started)
			poll_one(&jobs[i]);
	}
	for (i = 0; i < ts->n; i++)
		if (jobs[i].started)
			pthread_join(jobs[i].th, NULL);
}

/* Any GET of every target at once (fleet serve's lists), one thread each. */

struct get_job {
	const struct cs_fleet_target *t;
	const char *path;
	uint32_t timeout_ms;
	size_t body_max;
	struct cs_fleet_answer *a;
	pthread_t th;
};

static void *get_thread(void *arg)
{
	struct get_job *j = arg;
	struct cs_http_req q = {
		.host = j->t->host, .port = j->t->port, .method = "GET",
		.path = j->path, .timeout_ms = j->timeout_ms,
		.body_max = j->body_max,
	};

	j->a->ret = cs_http_request(&q, &j->a->resp, j->a->err,
				    sizeof(j->a->err));
	return NULL;
}

void cs_fleet_get_all(const struct cs_fleet_targets *ts, const char *path,
		      uint32_t timeout_ms, size_t body_max,
		      struct cs_fleet_answer *out)
{
	struct get_job jobs[CS_FLEET_TARGETS_MAX];
	bool started[CS_FLEET_TARGETS_MAX];
	uint32_t i;

	for (i = 0; i < ts->n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		jobs[i] = (struct get_job){ &ts->t[i], path, timeout_ms,
					    body_max, &out[i], 0 };
		started[i] = !pthread_create(&jobs[i].th, NULL, get_thread,
					     &jobs[i]);
		if (!started[i])
			get_thread(&jobs[i]);
	}
	for (i = 0; i < ts->n; i++)
		if (started[i])
			pthread_join(jobs[i].th, NULL);
}
