// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress fleet serve: one libmicrohttpd server (serve's limits, log
 * and request deadline: struct cs_httpd) over many exporters. A poller
 * thread takes /v1/stats of every host each interval (fleet/poll.c,
 * every request bounded) into the newest round under a mutex; GET
 * /v1/fleet renders that round and never waits for a host. The other
 * routes ask the hosts on the request's thread, each request bounded in
 * time and body size; a host that fails is named with its reason.
 *
 *   GET  /v1/fleet                     every host's row, total, median
 *   GET  /v1/fleet/loadtests           every host's results, newest first
 *   GET  /v1/fleet/loadtests/HOST/ID   one result, from HOST
 *   POST /v1/fleet/HOST/loadtest       proxied to HOST with the client's apikey
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "fleet/fleet.h"
#include "serve/serve.h"
#include "sweep/compare.h"
#include "util/words.h"

#define TICK_MS		250
#define LIST_PATH	"/v1/fleet/loadtests"
#define HOST_PREFIX	"/v1/fleet/"
#define LT_SUFFIX	"/loadtest"
/* A proxied load test answers when its sweep ends. */
#define PROXY_LT_TIMEOUT_MS	((CS_LOADTEST_LIMIT_S + 10) * 1000u)
#define LIST_BODY_MAX	(1u << 20)
#define ID_PATH_PREFIX	"/v1/loadtests/"

struct fsrv {
	const struct cs_fleet_serve_opts *o;
	struct cs_httpd http;
	pthread_mutex_t mu;		/* guards hosts, round, nround */
	struct cs_fleet_host hosts[CS_FLEET_TARGETS_MAX];
	struct cs_fleet_round round;
	uint64_t nround;
	volatile sig_atomic_t stop;
	pthread_t poller;
};

struct freq {
	struct cs_srv_conn *conn;
	char method[16];
	char url[160];
	char body[CS_SERVE_BODY_MAX];
	size_t len;
	bool too_big;
	uint64_t t0;
};

/* --- the poller ------------------------------------------------------ */

static void *poller(void *arg)
{
	struct fsrv *s = arg;
	static struct cs_fleet_stats polled[CS_FLEET_TARGETS_MAX];
	struct timespec tick = { 0, TICK_MS * 1000000L };
	uint32_t waited;

	while (!s->stop) {
		cs_fleet_poll(&s->o->ts, CS_FLEET_TIMEOUT_MS, polled);
		pthread_mutex_lock(&s->mu);
		cs_fleet_update(s->hosts, s->o->ts.n, polled, &s->round);
		s->nround++;
		pthread_mutex_unlock(&s->mu);
		for (waited = 0; !s->stop && waited < s->o->interval_s * 1000;
		     waited += TICK_MS)
			nanosleep(&tick, NULL);
	}
	return NULL;
}

/* --- answers --------------------------------------------------------- */

static enum MHD_Result reply(struct fsrv *s, struct MHD_Connection *c,
			     struct freq *r, unsigned int status, char *body,
			     size_t len, const char *ctype)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	cs_httpd_set_deadline(&s->http, r->conn, false);
	if (!body) {
		cs_log(CS_LOG_WARN, "%s %s: out of memory for the answer",
		       r->method, r->url);
		return MHD_NO;
	}
	resp = cs_http_response_take(body, len, ctype);
	if (!resp)
		return MHD_NO;
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	cs_log(status >= 500 ? CS_LOG_WARN : CS_LOG_DEBUG,
	       "%s %s %s %u %zu B %.1f ms", r->conn ? r->conn->peer : "?",
	       r->method, r->url, status, len, (cs_now_ns() - r->t0) / 1e6);
	return ret;
}

static enum MHD_Result reply_json(struct fsrv *s, struct MHD_Connection *c,
				  struct freq *r, unsigned int status,
				  char *body)
{
	return reply(s, c, r, status, body, body ? strlen(body) : 0,
		     "application/json");
}

static enum MHD_Result reply_error(struct fsrv *s, struct MHD_Connection *c,
				   struct freq *r, unsigned int status,
				   const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static enum MHD_Result reply_error(struct fsrv *s, struct MHD_Connection *c,
				   struct freq *r, unsigned int status,
				   const char *fmt, ...)
{
	char msg[CS_FLEET_ERR_MAX + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return reply_json(s, c, r, status, cs_json_error(msg, NULL));
}

/* The target named @name ("HOST:PORT"), or NULL. */
static const struct cs_fleet_target *find_target(struct fsrv *s,
						 const char *name, size_t len)
{
	uint32_t i;

	for (i = 0; i < s->o->ts.n; i++)
		if (strlen(s->o->ts.t[i].name) == len &&
		    !strncmp(s->o->ts.t[i].name, name, len))
			return &s->o->ts.t[i];
	return NULL;
}

/* A host's answer passed on: its status and JSON body, or 502 why not. */
static enum MHD_Result relay(struct fsrv *s, struct MHD_Connection *c,
			     struct freq *r, const struct cs_fleet_target *t,
			     const struct cs_http_req *q)
{
	struct cs_http_resp resp = { 0 };
	char err[CS_FLEET_ERR_MAX];
	enum MHD_Result ret;
	char *body;

	if (cs_http_request(q, &resp, err, sizeof(err)))
		return reply_error(s, c, r, 502, "%s: %s", t->name, err);
	body = resp.body;
	resp.body = NULL;
	ret = reply(s, c, r, resp.status, body, resp.len, "application/json");
	cs_http_resp_free(&resp);
	return ret;
}

/* GET /: the page (web/fleet.html), under the host dashboard's CSP. */
static enum MHD_Result answer_page(struct fsrv *s, struct MHD_Connection *c,
				   struct freq *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	cs_httpd_set_deadline(&s->http, r->conn, false);
	resp = cs_http_response(cs_fleet_page_html, cs_fleet_page_html_len,
				"text/html; charset=utf-8");
	if (!resp ||
	    MHD_add_response_header(resp, "Content-Security-Policy",
				    CS_PAGE_CSP) != MHD_YES ||
	    MHD_add_response_header(resp, "X-Content-Type-Options",
				    "nosniff") != MHD_YES) {
		if (resp)
			MHD_destroy_response(resp);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	cs_log(CS_LOG_DEBUG, "%s GET / 200 %zu B", r->conn ? r->conn->peer : "?",
	       cs_fleet_page_html_len);
	return ret;
}

static enum MHD_Result answer_fleet(struct fsrv *s, struct MHD_Connection *c,
				    struct freq *r)
{
	char *body;

	pthread_mutex_lock(&s->mu);
	body = cs_fleet_render(&s->o->ts, s->hosts, &s->round, s->nround);
	pthread_mutex_unlock(&s->mu);
	return reply_json(s, c, r, 200, body);
}

static enum MHD_Result answer_lists(struct fsrv *s, struct MHD_Connection *c,
				    struct freq *r)
{
	struct cs_fleet_answer *a = calloc(CS_FLEET_TARGETS_MAX, sizeof(*a));
	enum MHD_Result ret;
	uint32_t i;

	if (!a)
		return MHD_NO;
	cs_fleet_get_all(&s->o->ts, "/v1/loadtests", CS_FLEET_TIMEOUT_MS,
			 LIST_BODY_MAX, a);
	ret = reply_json(s, c, r, 200, cs_fleet_merge_lists(&s->o->ts, a));
	for (i = 0; i < s->o->ts.n; i++)
		cs_http_resp_free(&a[i].resp);
	free(a);
	return ret;
}

/* GET /v1/fleet/loadtests/HOST/ID */
static enum MHD_Result answer_result(struct fsrv *s, struct MHD_Connection *c,
				     struct freq *r, const char *rest)
{
	const char *slash = strrchr(rest, '/');
	const struct cs_fleet_target *t;
	char path[sizeof(ID_PATH_PREFIX) + CS_LOADTEST_ID_MAX];
	struct cs_http_req q = { .method = "GET",
				 .timeout_ms = CS_FLEET_TIMEOUT_MS,
				 .body_max = CS_FLEET_RESULT_MAX };

	t = slash ? find_target(s, rest, (size_t)(slash - rest)) : NULL;
	if (!t)
		return reply_error(s, c, r, 404, "no such host in the fleet: give /v1/fleet/loadtests/HOST:PORT/ID");
	if (!cs_loadtest_id_valid(slash + 1))
		return reply_error(s, c, r, 400, "not a load-test ID: '%.64s'", slash + 1);
	snprintf(path, sizeof(path), ID_PATH_PREFIX "%s", slash + 1);
	q.host = t->host;
	q.port = t->port;
	q.path = path;
	return relay(s, c, r, t, &q);
}

/* POST /v1/fleet/HOST/loadtest: the body and the client's key to HOST. */
static enum MHD_Result proxy_loadtest(struct fsrv *s, struct MHD_Connection *c,
				      struct freq *r, const char *host,
				      size_t hlen)
{
	const struct cs_fleet_target *t = find_target(s, host, hlen);
	const char *key, *query;
	char path[64];
	struct cs_http_req q = { .method = "POST",
				 .timeout_ms = PROXY_LT_TIMEOUT_MS,
				 .body_max = CS_FLEET_RESULT_MAX,
				 .stop = &s->stop };

	if (!t)
		return reply_error(s, c, r, 404, "no such host in the fleet: '%.*s'",
				   (int)(hlen > 200 ? 200 : hlen), host);
	key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "apikey");
	/*
	 * With --apikey-file, only a key of that file gets past this server
	 * (and goes on to the host); without, the host's own keys decide.
	 * Never a key of the server's for a client that gave none.
	 */
	if (s->o->apikey_file[0]) {
		char msg[CS_ERR_MAX];
		enum cs_auth auth = cs_apikey_check(s->o->apikey_file, key, msg,
						    sizeof(msg));

		if (auth != CS_AUTH_OK) {
			cs_log(CS_LOG_INFO, "POST /v1/fleet/%s/loadtest refused: %s",
			       t->name, msg);
			return reply_error(s, c, r,
					   auth == CS_AUTH_MISSING ? 401 : 403,
					   "%s", msg);
		}
	}
	if (!key)
		return reply_error(s, c, r, 401, "no API key: send the apikey header (the key of %s)",
				   t->name);
	query = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "wait");
	snprintf(path, sizeof(path), "/v1/loadtest%s",
		 query && !strcmp(query, "0") ? "?wait=0" : "");
	q.host = t->host;
	q.port = t->port;
	q.path = path;
	q.apikey = key;
	q.body = r->body;
	q.body_len = r->len;
	return relay(s, c, r, t, &q);
}

/* --- GET /v1/fleet/compare?r=HOST/ID&r=...&cost=USD&cost=... --------- */

#define COMPARE_MAX	4	/* results the page compares */

struct cmp_args {
	unsigned int nr, ncost;
	const char *r[COMPARE_MAX + 1];
	const char *cost[COMPARE_MAX + 1];
};

static enum MHD_Result take_arg(void *cls, enum MHD_ValueKind kind,
				const char *key, const char *value)
{
	struct cmp_args *a = cls;

	(void)kind;
	if (!value)
		value = "";
	if (!strcmp(key, "r") && a->nr <= COMPARE_MAX)
		a->r[a->nr++] = value;
	else if (!strcmp(key, "cost") && a->ncost <= COMPARE_MAX)
		a->cost[a->ncost++] = value;
	return MHD_YES;
}

/*
 * Fetch result @i ("HOST:PORT/ID") into @s under the name
 * "HOST_PORT/ID.json" (the path `cpustress compare` is given for the same
 * files); its target in @t. Return: 0, or an HTTP status with @msg.
 */
static unsigned int fetch_result(struct fsrv *s, const char *spec,
				 struct cs_sweep *sw, char *name, size_t nlen,
				 const struct cs_fleet_target **t, char *msg,
				 size_t mlen)
{
	const char *slash = strrchr(spec, '/');
	char path[sizeof(ID_PATH_PREFIX) + CS_LOADTEST_ID_MAX], err[CS_ERR_MAX];
	struct cs_http_req q = { .method = "GET",
				 .timeout_ms = CS_FLEET_TIMEOUT_MS,
				 .body_max = CS_FLEET_RESULT_MAX };
	struct cs_http_resp resp = { 0 };
	unsigned int status = 0;
	char *p;

	*t = slash ? find_target(s, spec, (size_t)(slash - spec)) : NULL;
	if (!*t || !cs_loadtest_id_valid(slash + 1)) {
		snprintf(msg, mlen, "'%.200s': give HOST:PORT/ID of a host of the fleet", spec);
		return 400;
	}
	snprintf(path, sizeof(path), ID_PATH_PREFIX "%s", slash + 1);
	snprintf(name, nlen, "%s/%s.json", (*t)->name, slash + 1);
	for (p = name; *p && *p != '/'; p++)
		if (*p == ':')
			*p = '_';
	q.host = (*t)->host;
	q.port = (*t)->port;
	q.path = path;
	if (cs_http_request(&q, &resp, err, sizeof(err))) {
		snprintf(msg, mlen, "%s: %s", (*t)->name, err);
		status = 502;
	} else if (resp.status != 200) {
		snprintf(msg, mlen, "%s: HTTP %u for %s", (*t)->name,
			 resp.status, path);
		status = 502;
	} else if (cs_sweep_parse(resp.body, resp.len, name, sw, err,
				  sizeof(err)) < 0) {
		snprintf(msg, mlen, "%s: not a load-test result: %s", spec, err);
		status = 502;
	}
	cs_http_resp_free(&resp);
	return status;
}

/* The comparison's CSV (cs_compare_print_csv()), malloc'd. */
static char *compare_csv(const struct cs_compare *c, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	cs_compare_print_csv(f, c);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static enum MHD_Result answer_compare(struct fsrv *s, struct MHD_Connection *c,
				      struct freq *r)
{
	static const size_t names_len = CS_FLEET_HOST_LEN + CS_LOADTEST_ID_MAX + 8;
	struct cmp_args a = { 0 };
	struct cs_sweep *sw = calloc(COMPARE_MAX, sizeof(*sw));
	struct cs_compare *cmp = calloc(1, sizeof(*cmp));
	char (*names)[CS_FLEET_HOST_LEN + CS_LOADTEST_ID_MAX + 8] =
		calloc(COMPARE_MAX, names_len);
	const char *paths[COMPARE_MAX];
	const struct cs_fleet_target *t[COMPARE_MAX];
	char msg[CS_ERR_MAX + 300], *csv = NULL;
	unsigned int status = 0, i, got = 0;
	enum MHD_Result ret;
	size_t len = 0;
	double cost;

	if (!sw || !cmp || !names) {
		ret = MHD_NO;
		goto out;
	}
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, take_arg, &a);
	if (!a.nr || a.nr > COMPARE_MAX) {
		snprintf(msg, sizeof(msg), "give 1 to %d results: ?r=HOST:PORT/ID&r=...", COMPARE_MAX);
		status = 400;
	}
	if (!status && a.ncost && a.ncost != a.nr) {
		snprintf(msg, sizeof(msg), "give one cost per result (empty: the host's cost_per_hour label), not %u for %u",
			 a.ncost, a.nr);
		status = 400;
	}
	for (i = 0; !status && i < a.ncost; i++) {
		if (a.cost[i][0] && (cs_compare_parse_price(a.cost[i], &cost) ||
				     !(cost > 0))) {
			snprintf(msg, sizeof(msg), "cost of result %u: '%.40s' is not a price: give USD per hour as a number above 0, like 0.45",
				 i + 1, a.cost[i]);
			status = 400;
		}
	}
	for (i = 0; !status && i < a.nr; i++, got++)
		status = fetch_result(s, a.r[i], &sw[i], names[i], names_len,
				      &t[i], msg, sizeof(msg));
	if (status)
		goto reply;
	for (i = 0; i < a.nr; i++)
		paths[i] = names[i];
	if (cs_compare_build(cmp, sw, paths, a.nr, msg, sizeof(msg))) {
		status = 422;
		goto reply;
	}
	for (i = 0; !status && i < a.nr; i++) {
		cost = t[i]->cost;
		if (i < a.ncost && a.cost[i][0])
			cs_compare_parse_price(a.cost[i], &cost);
		if (cost > 0 && cs_compare_set_cost(cmp, names[i], cost, msg,
						    sizeof(msg)))
			status = 422;
	}
	if (!status)
		csv = compare_csv(cmp, &len);
	cs_compare_free(cmp);
reply:
	if (status)
		ret = reply_error(s, c, r, status, "%s", msg);
	else
		ret = reply(s, c, r, 200, csv, len, "text/csv; charset=utf-8");
out:
	for (i = 0; i < got; i++)
		cs_sweep_free(&sw[i]);
	free(sw);
	free(cmp);
	free(names);
	return ret;
}

static enum MHD_Result route(struct fsrv *s, struct MHD_Connection *c,
			     struct freq *r, const char *url,
			     const char *method)
{
	bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	size_t ul = strlen(url), sl = strlen(LT_SUFFIX);

	if (!strcmp(url, "/v1/fleet") && get)
		return answer_fleet(s, c, r);
	if (!strcmp(url, LIST_PATH) && get)
		return answer_lists(s, c, r);
	if (!strcmp(url, "/v1/fleet/compare") && get)
		return answer_compare(s, c, r);
	if (!strcmp(url, "/") && get)
		return answer_page(s, c, r);
	if (!strncmp(url, LIST_PATH "/", sizeof(LIST_PATH)) && get)
		return answer_result(s, c, r, url + sizeof(LIST_PATH));
	if (!strcmp(method, "POST") && !strncmp(url, HOST_PREFIX, strlen(HOST_PREFIX)) &&
	    ul > strlen(HOST_PREFIX) + sl && !strcmp(url + ul - sl, LT_SUFFIX))
		return proxy_loadtest(s, c, r, url + strlen(HOST_PREFIX),
				      ul - strlen(HOST_PREFIX) - sl);
	if (!strcmp(url, "/v1/fleet") || !strcmp(url, LIST_PATH))
		return reply_error(s, c, r, 405, "method not allowed");
	return reply_error(s, c, r, 404, "no such resource");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c,
			       const char *url, const char *method,
			       const char *version, const char *data,
			       size_t *size, void **con_cls)
{
	const union MHD_ConnectionInfo *ci;
	struct fsrv *s = cls;
	struct freq *r = *con_cls;

	(void)version;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		*con_cls = r;
		r->t0 = cs_now_ns();
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		r->conn = ci ? ci->socket_context : NULL;
		snprintf(r->method, sizeof(r->method), "%s", method);
		snprintf(r->url, sizeof(r->url), "%s", url);
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
		if (ci && ci->header_size > CS_SERVE_HEADER_MAX)
			return reply_error(s, c, r, 431, "the request header is larger than %d bytes",
					   CS_SERVE_HEADER_MAX);
		return MHD_YES;
	}
	if (*size) {
		if (r->len + *size > sizeof(r->body))
			r->too_big = true;
		else
			memcpy(r->body + r->len, data, *size);
		r->len += *size;
		*size = 0;
		return r->len > 4 * sizeof(r->body) ? MHD_NO : MHD_YES;
	}
	if (r->too_big)
		return reply_error(s, c, r, 413, "the body is larger than %d bytes",
				   CS_SERVE_BODY_MAX);
	/*
	 * The request is in: the deadline bounds its receiving only. A
	 * proxied load test or a fan-out to the hosts can take longer.
	 */
	cs_httpd_set_deadline(&s->http, r->conn, false);
	return route(s, c, r, url, method);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct fsrv *s = cls;
	struct freq *r = *con_cls;
	const union MHD_ConnectionInfo *ci;

	(void)toe;
	if (!r) {
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		if (ci && ci->socket_context)
			cs_httpd_set_deadline(&s->http, ci->socket_context, true);
		return;
	}
	cs_httpd_set_deadline(&s->http, r->conn, true);
	free(r);
	*con_cls = NULL;
}

/* --- start, wait, stop ---------------------------------------------- */

/* --apikey-file must have a key at start; it is read again on every POST. */
static int load_key(struct fsrv *s)
{
	char why[CS_ERR_MAX];
	uint32_t n;

	if (!s->o->apikey_file[0])
		return 0;
	n = cs_apikeys_count(s->o->apikey_file, why, sizeof(why));
	if (!n) {
		cs_log(CS_LOG_ERROR, "--apikey-file: %s", why);
		return -1;
	}
	cs_log(CS_LOG_INFO, "--apikey-file: %u %s accepted for load tests", n,
	       cs_plural(n, "API key", "API keys"));
	return 0;
}

int cs_fleet_serve(const struct cs_fleet_serve_opts *o, const sigset_t *set)
{
	struct cs_serve_opts lim = {
		.max_conns = CS_SERVE_CONNS_DEFAULT,
		.max_per_ip = CS_SERVE_CONNS_PER_IP_DEFAULT,
		.timeout_s = CS_SERVE_TIMEOUT_DEFAULT,
	};
	struct timespec tick = { 0, TICK_MS * 1000000L };
	char err[CS_ERR_MAX], where[160] = "?";
	struct MHD_Daemon *d = NULL;
	struct fsrv *s;
	int fd, sig, ret = -1;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->o = o;
	if (load_key(s))
		goto out;
	fd = cs_listen_open(o->listen, where, sizeof(where), err, sizeof(err));
	if (fd < 0) {
		cs_log(CS_LOG_ERROR, "%s", err);
		goto out;
	}
	cs_httpd_init(&s->http, &lim);
	pthread_mutex_init(&s->mu, NULL);
	if (pthread_create(&s->poller, NULL, poller, s)) {
		cs_log(CS_LOG_ERROR, "cannot start the poller thread");
		close(fd);
		goto out_mu;
	}
	d = cs_httpd_start(&s->http, fd, handler, completed, s);
	if (!d) {
		cs_log(CS_LOG_ERROR, "cannot start the HTTP server (see the messages above)");
		close(fd);
		goto out_poller;
	}
	cs_log(CS_LOG_INFO, "fleet serve: listening on %s, %u %s, poll every %u s",
	       where, o->ts.n, cs_plural(o->ts.n, "host", "hosts"),
	       o->interval_s);
	for (;;) {
		sig = sigtimedwait(set, NULL, &tick);
		if (sig > 0)
			break;
		cs_httpd_reap(&s->http);
	}
	cs_log(CS_LOG_INFO, "%s: stopping", strsignal(sig));
	ret = 0;
out_poller:
	s->stop = 1;
	if (d)
		MHD_stop_daemon(d);
	pthread_join(s->poller, NULL);
out_mu:
	pthread_mutex_destroy(&s->mu);
	cs_httpd_destroy(&s->http);
out:
	free(s);
	return ret;
}
