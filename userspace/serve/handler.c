// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress serve: the request handler. libmicrohttpd calls it for every
 * request (serve/daemon.c starts the daemon): routing, the refusals that
 * need no body, the GET answers rendered from the collector's newest view,
 * and POST /v1/loadtest, whose request waits suspended for its sweep.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include <cpustress/version.h>

#include "serve/serve.h"

#define DRAIN_MAX	(64 * 1024)	/* chunked body read, at most */

#define JSON_TYPE	"application/json"
#define TEXT_TYPE	"text/plain; charset=utf-8"
#define HTML_TYPE	"text/html; charset=utf-8"
#define ALLOW_GET	"GET, HEAD"
#define ALLOW_POST	"POST"

enum route {
	R_PAGE,
	R_CPU_PERF,
	R_METRICS,
	R_PING,
	R_STATS,
	R_HISTORY,
	R_LOADTEST,
	R_LOADTESTS,
	R_LOADTEST_ID,
	R_LOADTEST_STOP,
};

static const struct {
	const char *path;
	enum route route;
	bool post;		/* POST, else GET and HEAD */
} routes[] = {
	{ "/", R_PAGE, false },
	{ "/cpu-perf", R_CPU_PERF, false },
	{ "/metrics", R_METRICS, false },
	{ "/v1/ping", R_PING, false },
	{ "/v1/stats", R_STATS, false },
	{ "/v1/history", R_HISTORY, false },
	{ "/v1/loadtest", R_LOADTEST, true },
	{ "/v1/loadtests", R_LOADTESTS, false },
};

#define ID_PREFIX	"/v1/loadtests/"
#define STOP_SUFFIX	"/stop"

/**
 * struct req - one request
 * @route: what it asks for
 * @conn: its connection (NULL if it could not be tracked)
 * @t0: when its header was in (monotonic ns)
 * @method: for the log
 * @url: for the log, cut short
 * @wait: POST /v1/loadtest waits for the result (no ?wait=0)
 * @body: the POST body so far
 * @len: its length
 * @too_big: the body went past CS_SERVE_BODY_MAX
 * @answered: an answer was queued
 * @job: the load test it started
 * @suspended: waiting for @job, suspended
 * @c: its connection
 * @auth_ret: what queuing an API key refusal returned
 */
struct req {
	enum route route;
	struct cs_srv_conn *conn;
	uint64_t t0;
	char method[16];
	char url[128];
	bool wait;
	char body[CS_SERVE_BODY_MAX];
	size_t len;
	bool too_big;
	bool answered;
	struct cs_lt_job *job;
	bool suspended;
	struct MHD_Connection *c;
	enum MHD_Result auth_ret;
};

/* --- answers ------------------------------------------------------- */

/* Queue @resp (NULL: out of memory) and count and log the answer. */
static enum MHD_Result reply_resp(struct cs_srv *srv, struct MHD_Connection *c,
				  struct req *r, unsigned int status,
				  struct MHD_Response *resp, size_t len,
				  const char *allow)
{
	enum MHD_Result ret;
	bool ok;

	cs_srv_set_deadline(srv, r->conn, false);
	r->answered = true;
	if (!resp) {
		cs_log(CS_LOG_WARN, "%s %s: out of memory for the answer",
		       r->method, r->url);
		return MHD_NO;
	}
	ok = !allow || MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
					       allow) == MHD_YES;
	if (ok && r->route == R_PAGE && status == 200)
		ok = MHD_add_response_header(resp, "Content-Security-Policy",
					     CS_PAGE_CSP) == MHD_YES &&
		     MHD_add_response_header(resp, "X-Content-Type-Options",
					     "nosniff") == MHD_YES;
	ret = ok ? MHD_queue_response(c, status, resp) : MHD_NO;
	MHD_destroy_response(resp);
	if (ret == MHD_YES && status / 100 < 6)
		__atomic_fetch_add(&srv->info.requests[status / 100], 1,
				   __ATOMIC_RELAXED);
	cs_log(status >= 500 ? CS_LOG_WARN : CS_LOG_DEBUG,
	       "%s %s %s %u %zu B %.1f ms", r->conn ? r->conn->peer : "?",
	       r->method, r->url, status, len,
	       (cs_now_ns() - r->t0) / 1e6);
	return ret;
}

static enum MHD_Result reply(struct cs_srv *srv, struct MHD_Connection *c,
			     struct req *r, unsigned int status,
			     const void *body, size_t len, const char *ctype,
			     const char *allow)
{
	return reply_resp(srv, c, r, status, cs_http_response(body, len, ctype),
			  len, allow);
}

/* The JSON @body (malloc'd, taken over; NULL: out of memory). */
static enum MHD_Result reply_json(struct cs_srv *srv, struct MHD_Connection *c,
				  struct req *r, unsigned int status,
				  char *body, const char *allow)
{
	size_t len;

	if (!body)
		return MHD_NO;
	len = strlen(body);
	return reply_resp(srv, c, r, status,
			  cs_http_response_take(body, len, JSON_TYPE), len,
			  allow);
}

static enum MHD_Result reply_error(struct cs_srv *srv, struct MHD_Connection *c,
				   struct req *r, unsigned int status,
				   const char *msg, const char *id,
				   const char *allow)
{
	return reply_json(srv, c, r, status, cs_json_error(msg, id), allow);
}

/*
 * Every 409, whichever request met the conflict: @msg, and the ID of the
 * load test running (@running; "" when none is).
 */
static enum MHD_Result reply_conflict(struct cs_srv *srv,
				      struct MHD_Connection *c, struct req *r,
				      const char *msg, const char *running)
{
	return reply_json(srv, c, r, 409, cs_json_conflict(msg, running), NULL);
}

/*
 * 202: the load test @id was started or told to stop. Its result is at
 * the Location, which the body names too; @stopping adds "stopping": true.
 */
static enum MHD_Result reply_accepted(struct cs_srv *srv,
				      struct MHD_Connection *c, struct req *r,
				      const char *id, bool stopping)
{
	char loc[sizeof(ID_PREFIX) + CS_LOADTEST_ID_MAX], *body;
	struct MHD_Response *resp;
	int len;

	snprintf(loc, sizeof(loc), ID_PREFIX "%s", id);
	len = asprintf(&body, "{\"id\":\"%s\",\"location\":\"%s\"%s}\n", id,
		       loc, stopping ? ",\"stopping\":true" : "");
	if (len < 0)
		return MHD_NO;
	resp = cs_http_response_take(body, (size_t)len, JSON_TYPE);
	if (resp && MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
					    loc) != MHD_YES) {
		MHD_destroy_response(resp);
		resp = NULL;
	}
	return reply_resp(srv, c, r, 202, resp, (size_t)len, NULL);
}

/* What a renderer or the store made, or 500 when it failed with @ret. */
static enum MHD_Result reply_rendered(struct cs_srv *srv,
				      struct MHD_Connection *c, struct req *r,
				      int ret, char *body, size_t len,
				      const char *ctype)
{
	enum MHD_Result res;
	char msg[128];

	if (ret) {
		snprintf(msg, sizeof(msg), "cannot answer: %s", strerror(-ret));
		return reply_error(srv, c, r, 500, msg, NULL, NULL);
	}
	/* The response takes the body over: no copy of a large answer. */
	res = reply_resp(srv, c, r, 200, cs_http_response_take(body, len, ctype),
			 len, NULL);
	return res;
}

/* This thread's view buffer, refreshed from the collector. */
static struct cs_view *view(struct cs_srv *srv)
{
	struct cs_view *v = pthread_getspecific(srv->view_key);

	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v || pthread_setspecific(srv->view_key, v)) {
			free(v);
			return NULL;
		}
	}
	return cs_collector_view(srv->col, v) ? NULL : v;
}

static void info(struct cs_srv *srv, struct cs_serve_info *i)
{
	unsigned int k;

	/* The host fields never change; the counters are atomic. */
	memset(i, 0, sizeof(*i));
	i->version = srv->info.version;
	memcpy(i->hostname, srv->info.hostname, sizeof(i->hostname));
	memcpy(i->kernel, srv->info.kernel, sizeof(i->kernel));
	for (k = 0; k < 6; k++)
		i->requests[k] = __atomic_load_n(&srv->info.requests[k],
						 __ATOMIC_RELAXED);
	cs_lt_info(srv->lt, i);
}

static enum MHD_Result answer_get(struct cs_srv *srv, struct MHD_Connection *c,
				  struct req *r, const char *url)
{
	struct cs_serve_info i;
	struct cs_view *v = NULL;
	char *body = NULL;
	size_t len = 0;
	int ret;

	if (r->route == R_STATS) {
		v = view(srv);
		if (!v)
			return reply_error(srv, c, r, 500, "out of memory",
					   NULL, NULL);
	}
	switch (r->route) {
	case R_PAGE:
		return reply(srv, c, r, 200, cs_page_html, cs_page_html_len,
			     HTML_TYPE, NULL);
	case R_CPU_PERF: {
		struct cs_view head = { 0 };

		cs_collector_view_head(srv->col, &head);
		ret = cs_render_cpu_perf(&head, &body, &len);
		return reply_rendered(srv, c, r, ret, body, len, TEXT_TYPE);
	}
	case R_METRICS:
		info(srv, &i);
		ret = cs_collector_metrics(srv->col, &i, &body, &len);
		return reply_rendered(srv, c, r, ret, body, len,
				      CS_METRICS_CONTENT_TYPE);
	case R_STATS:
		info(srv, &i);
		ret = cs_render_stats(v, &i, &body, &len);
		return reply_rendered(srv, c, r, ret, body, len, JSON_TYPE);
	case R_HISTORY:
		ret = cs_collector_history(srv->col, &body, &len);
		return reply_rendered(srv, c, r, ret, body, len, JSON_TYPE);
	case R_PING: {
		static const char ping[] =
			"{\"status\":\"ok\",\"version\":\"" CS_VERSION "\"}\n";

		return reply(srv, c, r, 200, ping, sizeof(ping) - 1, JSON_TYPE,
			     NULL);
	}
	case R_LOADTESTS:
		ret = cs_store_list(&srv->store, &body, &len);
		if (ret)
			cs_log(CS_LOG_WARN, "listing %s: %s", srv->store.dir,
			       strerror(-ret));
		return reply_rendered(srv, c, r, ret, body, len, JSON_TYPE);
	case R_LOADTEST_ID:
		url += strlen(ID_PREFIX);
		if (!cs_loadtest_id_valid(url))
			return reply_error(srv, c, r, 400,
					   "bad load-test ID: IDs are 1 to 63 letters, digits and '-'",
					   NULL, NULL);
		ret = cs_store_read(&srv->store, url, &body, &len);
		if (ret == -ENOENT)
			return reply_error(srv, c, r, 404, "no such load test",
					   url, NULL);
		if (ret)
			cs_log(CS_LOG_WARN, "reading load test %s: %s", url,
			       strerror(-ret));
		return reply_rendered(srv, c, r, ret, body, len, JSON_TYPE);
	default:
		return MHD_NO;
	}
}

/* --- POST /v1/loadtest ----------------------------------------------- */

static void suspend_req(void *arg)
{
	struct req *r = arg;

	r->suspended = true;
	MHD_suspend_connection(r->c);
}

static void resume_req(void *arg)
{
	struct req *r = arg;

	MHD_resume_connection(r->c);
}

static enum MHD_Result answer_job(struct cs_srv *srv, struct MHD_Connection *c,
				  struct req *r)
{
	unsigned int status;
	const char *body;
	size_t len;

	if (cs_lt_result(r->job, &status, &body, &len))
		return MHD_NO;	/* not reached: resumed only once it ended */
	if (!body)
		return reply_error(srv, c, r, 500, "out of memory", NULL, NULL);
	return reply(srv, c, r, status, body, len, JSON_TYPE, NULL);
}

/* The JSON media type, with or without parameters. */
static bool is_json_type(const char *ct)
{
	size_t n = strlen("application/json");

	return ct && !strncasecmp(ct, "application/json", n) &&
	       (!ct[n] || ct[n] == ';' || ct[n] == ' ');
}

/* The whole body is in: parse it and start the load test. */
/* The HTTP status of a load test the manager refused. */
static unsigned int lt_err_status(enum cs_lt_err e)
{
	switch (e) {
	case CS_LT_OK:
		return 200;
	case CS_LT_BAD_PLAN:
		return 400;
	case CS_LT_UNAVAILABLE:
		return 503;
	case CS_LT_BUSY:	/* 409: reply_conflict() */
	case CS_LT_FAILED:
		break;
	}
	return 500;
}

static enum MHD_Result start_loadtest(struct cs_srv *srv,
				      struct MHD_Connection *c, struct req *r)
{
	struct cs_sweep_plan *plan;
	char err[CS_ERR_MAX], id[CS_LOADTEST_ID_MAX];
	enum cs_lt_err lerr;
	int ret;

	cs_srv_set_deadline(srv, r->conn, false);
	if (r->len && !is_json_type(MHD_lookup_connection_value(c,
			MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE)))
		return reply_error(srv, c, r, 415,
				   "the body must be JSON (Content-Type: application/json)",
				   NULL, NULL);
	plan = malloc(sizeof(*plan));
	if (!plan)
		return MHD_NO;
	ret = cs_loadtest_plan_parse(r->body, r->len, plan, err, sizeof(err));
	if (ret) {
		free(plan);
		return reply_error(srv, c, r, 400, err, NULL, NULL);
	}
	lerr = cs_lt_start(srv->lt, plan, &r->job, id, sizeof(id), err,
			   sizeof(err));
	free(plan);
	if (lerr == CS_LT_BUSY)
		return reply_conflict(srv, c, r, err, id);
	if (lerr)
		return reply_error(srv, c, r, lt_err_status(lerr), err, NULL,
				   NULL);
	if (!r->wait)
		return reply_accepted(srv, c, r, id, false);
	ret = cs_lt_wait(r->job, suspend_req, resume_req, r);
	if (ret == 1)
		return answer_job(srv, c, r);
	if (ret < 0)
		return reply_error(srv, c, r, 500, "out of memory", id, NULL);
	__atomic_fetch_add(&srv->waiting, 1, __ATOMIC_RELAXED);
	return MHD_YES;
}

/*
 * POST /v1/loadtests/ID/stop (the key checked already): 202 when the load
 * test ID runs and is told to stop (it saves what it measured, status
 * interrupted), 409 when it is not the one running, 400 for a bad ID.
 */
static enum MHD_Result stop_loadtest(struct cs_srv *srv,
				     struct MHD_Connection *c, struct req *r,
				     const char *url)
{
	char id[CS_LOADTEST_ID_MAX], running[CS_LOADTEST_ID_MAX], msg[CS_ERR_MAX];
	size_t len = strlen(url) - strlen(ID_PREFIX) - strlen(STOP_SUFFIX);

	if (len >= sizeof(id))
		len = sizeof(id) - 1;	/* then invalid: no '/' in an ID */
	memcpy(id, url + strlen(ID_PREFIX), len);
	id[len] = '\0';
	if (!cs_loadtest_id_valid(id) || len != strlen(url) -
	    strlen(ID_PREFIX) - strlen(STOP_SUFFIX))
		return reply_error(srv, c, r, 400,
				   "bad load-test ID: IDs are 1 to 63 letters, digits and '-'",
				   NULL, NULL);
	if (cs_lt_stop(srv->lt, id, running, sizeof(running))) {
		if (running[0])
			snprintf(msg, sizeof(msg), "load test %s is not running: the one running is %s",
				 id, running);
		else
			snprintf(msg, sizeof(msg), "load test %s is not running: no load test is running",
				 id);
		return reply_conflict(srv, c, r, msg, running);
	}
	cs_log(CS_LOG_INFO, "%s: load test %s told to stop",
	       r->conn ? r->conn->peer : "?", id);
	return reply_accepted(srv, c, r, id, true);
}

static enum MHD_Result count_arg(void *cls, enum MHD_ValueKind kind,
				 const char *key, const char *value)
{
	(void)kind;
	(void)key;
	(void)value;
	(*(unsigned int *)cls)++;
	return MHD_YES;
}

/*
 * The apikey header of a POST: true when it is a key of the file; else
 * the refusal (401 without a key, 403 with a wrong one) is queued and
 * false returned (the caller returns MHD_NO only if queuing failed: see
 * r->answered).
 */
static bool authorized(struct cs_srv *srv, struct MHD_Connection *c,
		       struct req *r)
{
	const char *key;
	char msg[CS_ERR_MAX];
	enum cs_auth auth;

	key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "apikey");
	auth = cs_apikey_check(srv->o.apikey_file, key, msg, sizeof(msg));
	if (auth == CS_AUTH_OK)
		return true;
	cs_log(CS_LOG_INFO, "%s POST %s refused: %s",
	       r->conn ? r->conn->peer : "?", r->url, msg);
	r->auth_ret = reply_error(srv, c, r, auth == CS_AUTH_MISSING ? 401 : 403,
				  msg, NULL, NULL);
	return false;
}

/* The first call for a POST /v1/loadtest: its query, key and length. */
static enum MHD_Result begin_loadtest(struct cs_srv *srv,
				      struct MHD_Connection *c, struct req *r)
{
	const char *wait, *clen;
	char msg[CS_ERR_MAX];
	unsigned int nargs = 0;

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_arg, &nargs);
	wait = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "wait");
	if (nargs > (wait ? 1u : 0u) ||
	    (wait && strcmp(wait, "0") && strcmp(wait, "1")))
		return reply_error(srv, c, r, 400,
				   "the only query parameter is wait=0 (answer at once) or wait=1",
				   NULL, NULL);
	r->wait = !wait || !strcmp(wait, "1");
	if (!authorized(srv, c, r))
		return r->auth_ret;
	clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					   MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (clen && strtoull(clen, NULL, 10) > CS_SERVE_BODY_MAX) {
		snprintf(msg, sizeof(msg), "the body is larger than %d bytes",
			 CS_SERVE_BODY_MAX);
		return reply_error(srv, c, r, 413, msg, NULL, NULL);
	}
	return MHD_YES;
}

/* --- the handler ----------------------------------------------------- */

/* "/v1/loadtests/ID/stop": stop the load test ID. */
static bool is_stop_url(const char *url)
{
	size_t n = strlen(url), p = strlen(ID_PREFIX), k = strlen(STOP_SUFFIX);

	return n > p + k && !strncmp(url, ID_PREFIX, p) &&
	       !strcmp(url + n - k, STOP_SUFFIX);
}

/* Which route @url is; -1 for none. */
static int find_route(const char *url)
{
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (!strcmp(url, routes[i].path))
			return (int)i;
	return -1;
}

/*
 * The first call, when the header is in: refusals that need no body
 * (header size, route, method, query string, key, announced length) are
 * answered at once, which closes the connection; everything else is
 * answered once the body is in, so that keep-alive connections stay open.
 */
static enum MHD_Result add_len(void *cls, enum MHD_ValueKind kind,
			       const char *key, const char *value)
{
	size_t *n = cls;

	(void)kind;
	*n += strlen(key) + 2 + (value ? strlen(value) : 0);
	return MHD_YES;
}

/* About the request target's length: the path and its query arguments. */
static size_t target_len(struct MHD_Connection *c, const char *url)
{
	size_t n = strlen(url);

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_len, &n);
	return n;
}

static enum MHD_Result first_call(struct cs_srv *srv, struct MHD_Connection *c,
				  struct req *r, const char *url,
				  const char *method)
{
	const union MHD_ConnectionInfo *ci;
	bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	bool post, id_route = !strncmp(url, ID_PREFIX, strlen(ID_PREFIX));
	unsigned int nargs = 0;
	char msg[128];
	int i;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	if (ci && ci->header_size > CS_SERVE_HEADER_MAX &&
	    target_len(c, url) > CS_SERVE_HEADER_MAX) {
		snprintf(msg, sizeof(msg), "the request target is longer than %d bytes",
			 CS_SERVE_HEADER_MAX);
		return reply_error(srv, c, r, 414, msg, NULL, NULL);
	}
	if (ci && ci->header_size > CS_SERVE_HEADER_MAX) {
		snprintf(msg, sizeof(msg), "the request header is larger than %d bytes",
			 CS_SERVE_HEADER_MAX);
		return reply_error(srv, c, r, 431, msg, NULL, NULL);
	}
	i = find_route(url);
	if (i < 0 && !id_route)
		return reply_error(srv, c, r, 404, "no such resource", NULL,
				   NULL);
	r->route = i < 0 ? R_LOADTEST_ID : routes[i].route;
	post = i >= 0 && routes[i].post;
	if (is_stop_url(url)) {
		r->route = R_LOADTEST_STOP;
		post = true;
	}
	if (post ? strcmp(method, "POST") : !get)
		return reply_error(srv, c, r, 405, "method not allowed", NULL,
				   post ? ALLOW_POST : ALLOW_GET);
	if (r->route == R_LOADTEST_STOP) {
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_arg,
					  &nargs);
		if (nargs)
			return reply_error(srv, c, r, 404,
					   "no such resource: this path takes no query string",
					   NULL, NULL);
		return authorized(srv, c, r) ? MHD_YES : r->auth_ret;
	}
	if (post)
		return begin_loadtest(srv, c, r);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_arg, &nargs);
	if (nargs)
		return reply_error(srv, c, r, 404,
				   "no such resource: this path takes no query string",
				   NULL, NULL);
	return MHD_YES;
}

/*
 * Part of a body: kept for POST, counted and dropped for the others. A
 * body without a length (chunked) that goes past CS_SERVE_BODY_MAX is
 * read on, and dropped, up to DRAIN_MAX, to answer 413 at its end (an
 * answer cannot be queued halfway through a body); past that the
 * connection is closed.
 */
static enum MHD_Result take_body(struct req *r,
				 const char *data, size_t *size)
{
	if (r->len + *size > DRAIN_MAX) {
		cs_log(CS_LOG_INFO, "%s %s %s: a body of more than %d bytes: connection closed",
		       r->conn ? r->conn->peer : "?", r->method, r->url,
		       DRAIN_MAX);
		return MHD_NO;
	}
	if (r->len + *size > sizeof(r->body))
		r->too_big = true;
	else if (r->route == R_LOADTEST)
		memcpy(r->body + r->len, data, *size);
	r->len += *size;
	*size = 0;
	return MHD_YES;
}

enum MHD_Result cs_srv_handler(void *cls, struct MHD_Connection *c,
			       const char *url, const char *method,
			       const char *version, const char *upload_data,
			       size_t *upload_size, void **con_cls)
{
	const union MHD_ConnectionInfo *ci;
	struct cs_srv *srv = cls;
	struct req *r = *con_cls;
	char msg[64];

	(void)version;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		*con_cls = r;
		r->c = c;
		r->t0 = cs_now_ns();
		ci = MHD_get_connection_info(c,
					     MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		r->conn = ci ? ci->socket_context : NULL;
		snprintf(r->method, sizeof(r->method), "%s", method);
		snprintf(r->url, sizeof(r->url), "%s", url);
		return first_call(srv, c, r, url, method);
	}
	if (r->job)
		return answer_job(srv, c, r);
	if (r->answered)
		return MHD_NO;	/* refused already: the rest is not read */
	if (*upload_size)
		return take_body(r, upload_data, upload_size);
	if (r->too_big) {
		snprintf(msg, sizeof(msg), "the body is larger than %d bytes",
			 CS_SERVE_BODY_MAX);
		return reply_error(srv, c, r, 413, msg, NULL, NULL);
	}
	if (r->route == R_LOADTEST)
		return start_loadtest(srv, c, r);
	if (r->route == R_LOADTEST_STOP)
		return stop_loadtest(srv, c, r, url);
	return answer_get(srv, c, r, url);
}

void cs_srv_completed(void *cls, struct MHD_Connection *c, void **con_cls,
		     enum MHD_RequestTerminationCode toe)
{
	struct cs_srv *srv = cls;
	struct req *r = *con_cls;
	const union MHD_ConnectionInfo *ci;

	(void)toe;
	if (!r) {
		/* Not even a header: the next request's deadline. */
		ci = MHD_get_connection_info(c,
					     MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		if (ci && ci->socket_context)
			cs_srv_set_deadline(srv, ci->socket_context, true);
		return;
	}
	if (r->suspended)
		__atomic_fetch_sub(&srv->waiting, 1, __ATOMIC_RELAXED);
	cs_srv_set_deadline(srv, r->conn, true);
	cs_lt_put(r->job);
	free(r);
	*con_cls = NULL;
}
