// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The fleet server's answers, from what the polls and the hosts gave:
 * GET /v1/fleet (every host's row, the fleet's total and median) and
 * GET /v1/fleet/loadtests (every host's /v1/loadtests merged, newest
 * first). Pure functions of their inputs, for tests/unit/test_fleet_serve.c.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"
#include "serve/serve.h"

static const char *const state_names[] = {
	[CS_FLEET_DOWN] = "down",
	[CS_FLEET_STOPPED] = "stopped",
	[CS_FLEET_RUNNING] = "running",
};

/* A number, or null for NaN (JSON has no NaN). */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *host_row(const struct cs_fleet_target *t,
			const struct cs_fleet_host *h)
{
	char verdict[CS_FLEET_ERR_MAX + 16];
	json_t *o = json_object(), *labels = json_object();
	uint32_t i;

	for (i = 0; i < t->nlabels; i++)
		json_object_set_new(labels, t->labels[i].name,
				    json_string(t->labels[i].value));
	cs_fleet_verdict(h, verdict, sizeof(verdict));
	json_object_set_new(o, "host", json_string(t->name));
	json_object_set_new(o, "state", json_string(state_names[h->cur.state]));
	json_object_set_new(o, "error", h->cur.state == CS_FLEET_DOWN ?
			    json_string(h->cur.err) : json_null());
	json_object_set_new(o, "hostname", json_string(h->cur.hostname));
	json_object_set_new(o, "engine", json_string(h->cur.engine));
	json_object_set_new(o, "cpus", json_integer(h->cur.ncpus));
	json_object_set_new(o, "loaded", json_integer(h->cur.loaded));
	json_object_set_new(o, "opsPerSec", num(h->cur.ops));
	json_object_set_new(o, "perCpu", num(h->cur.per_cpu));
	json_object_set_new(o, "ratio", num(h->ratio));
	json_object_set_new(o, "steal", num(h->cur.steal));
	json_object_set_new(o, "wait", num(h->cur.wait));
	json_object_set_new(o, "throttled", json_boolean(cs_fleet_throttled(h)));
	json_object_set_new(o, "verdict", json_string(verdict));
	json_object_set_new(o, "loadtest", json_boolean(h->cur.loadtest));
	json_object_set_new(o, "labels", labels);
	json_object_set_new(o, "costPerHour", t->cost > 0 ? json_real(t->cost) :
			    json_null());
	return o;
}

char *cs_fleet_render(const struct cs_fleet_targets *ts,
		      const struct cs_fleet_host *hosts,
		      const struct cs_fleet_round *r, uint64_t round)
{
	json_t *o = json_object(), *arr = json_array();
	char *s;
	uint32_t i;

	for (i = 0; i < ts->n; i++)
		json_array_append_new(arr, host_row(&ts->t[i], &hosts[i]));
	json_object_set_new(o, "round", json_integer((json_int_t)round));
	json_object_set_new(o, "hosts", arr);
	json_object_set_new(o, "total", num(r->total));
	json_object_set_new(o, "median", num(r->median));
	json_object_set_new(o, "medianTotal", num(r->median_total));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static int cmp_newest(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a,
							   "timestamp"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b,
							   "timestamp"));

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * One host's /v1/loadtests answer into @all, each entry with "host"; a
 * body that is not an array of objects with an "id" string is the host's
 * error.
 */
static int take_list(const char *host, const char *body, size_t len,
		     json_t *all, char *err, size_t errlen)
{
	json_t *arr = json_loadb(body, len, 0, NULL), *e;
	size_t i;

	if (!json_is_array(arr)) {
		json_decref(arr);
		snprintf(err, errlen, "/v1/loadtests is not a JSON array");
		return -EPROTO;
	}
	json_array_foreach(arr, i, e) {
		if (!json_is_object(e) ||
		    !json_is_string(json_object_get(e, "id")) ||
		    !cs_loadtest_id_valid(json_string_value(json_object_get(e, "id")))) {
			json_decref(arr);
			snprintf(err, errlen, "/v1/loadtests entry %zu has no valid \"id\"", i);
			return -EPROTO;
		}
	}
	json_array_foreach(arr, i, e) {
		if (json_array_size(all) >= CS_FLEET_LIST_MAX)
			break;
		json_object_set_new(e, "host", json_string(host));
		json_array_append(all, e);
	}
	json_decref(arr);
	return 0;
}

char *cs_fleet_merge_lists(const struct cs_fleet_targets *ts,
			   const struct cs_fleet_answer *a)
{
	json_t *o = json_object(), *all = json_array(), *errs = json_object();
	char err[CS_FLEET_ERR_MAX];
	json_t **v;
	size_t i, n;
	char *s;

	for (i = 0; i < ts->n; i++) {
		if (a[i].ret)
			snprintf(err, sizeof(err), "%s", a[i].err);
		else if (a[i].resp.status != 200)
			snprintf(err, sizeof(err), "HTTP %u from /v1/loadtests",
				 a[i].resp.status);
		if ((a[i].ret || a[i].resp.status != 200 ||
		     take_list(ts->t[i].name, a[i].resp.body, a[i].resp.len,
			       all, err, sizeof(err))))
			json_object_set_new(errs, ts->t[i].name, json_string(err));
	}
	/* Newest first, whichever host: sort a copy of the handles. */
	n = json_array_size(all);
	v = calloc(n ? n : 1, sizeof(*v));
	if (v) {
		for (i = 0; i < n; i++)
			v[i] = json_incref(json_array_get(all, i));
		qsort(v, n, sizeof(*v), cmp_newest);
		json_array_clear(all);
		for (i = 0; i < n; i++)
			json_array_append_new(all, v[i]);
		free(v);
	}
	json_object_set_new(o, "loadtests", all);
	json_object_set_new(o, "errors", errs);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}
