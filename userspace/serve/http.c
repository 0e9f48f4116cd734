// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress serve: what a request is checked against, kept apart from the
 * daemon so that the unit tests can call it: API keys and their
 * constant-time comparison, the body of POST /v1/loadtest, load-test IDs,
 * the listening socket, and the small JSON answers.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include <cpustress/limits.h>

#include "util/cpulist.h"
#include "serve/serve.h"
#include "util/errf.h"

#define LISTEN_BACKLOG	128

/* --- API keys ---------------------------------------------------------- */

/* The whole file into @buf (CS_APIKEYS_FILE_MAX + 1 bytes); its length. */
static ssize_t read_keys_file(const char *path, char *buf, char *err,
			      size_t errlen)
{
	struct stat st;
	ssize_t n, len = 0;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		return cs_errf(err, errlen, -e, "cannot read the API key file %s: %s",
			       path, strerror(e));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return cs_errf(err, errlen, -EINVAL,
			       "the API key file %s is not a regular file",
			       path);
	}
	/* As ssh does for its keys: every read, so a chmod shows at once. */
	if (st.st_mode & (S_IWGRP | S_IROTH | S_IWOTH))
		cs_log(CS_LOG_WARN, "the API key file %s is %s by others (mode %04o): chmod 600, or 640 with the service's group",
		       path, st.st_mode & S_IROTH ?
		       (st.st_mode & S_IWOTH ? "readable and writable" :
			"readable") : "writable",
		       (unsigned int)(st.st_mode & 07777));
	while (len <= CS_APIKEYS_FILE_MAX) {
		n = read(fd, buf + len, CS_APIKEYS_FILE_MAX + 1 - (size_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			close(fd);
			return cs_errf(err, errlen, -e,
				       "cannot read the API key file %s: %s",
				       path, strerror(e));
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	if (len > CS_APIKEYS_FILE_MAX)
		return cs_errf(err, errlen, -EFBIG,
			       "the API key file %s is larger than %d KiB: keep one key per line",
			       path, CS_APIKEYS_FILE_MAX / 1024);
	return len;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* One line, trimmed, into @k if it is a usable key. */
static void add_key(struct cs_apikeys *k, const char *path, unsigned int ln,
		    const char *s, size_t len, bool *full)
{
	while (len && is_blank(*s)) {
		s++;
		len--;
	}
	while (len && is_blank(s[len - 1]))
		len--;
	if (!len || *s == '#')
		return;
	if (memchr(s, '\0', len)) {
		cs_log(CS_LOG_WARN, "%s:%u: a key with a NUL byte, ignored",
		       path, ln);
		return;
	}
	if (len < CS_APIKEY_MIN || len > CS_APIKEY_MAX) {
		cs_log(CS_LOG_WARN, "%s:%u: a key of %zu characters, ignored: keys have %d to %d",
		       path, ln, len, CS_APIKEY_MIN, CS_APIKEY_MAX);
		return;
	}
	if (k->n == CS_APIKEYS_MAX) {
		if (!*full)
			cs_log(CS_LOG_WARN, "%s:%u: more than %d keys: this one and the rest are ignored",
			       path, ln, CS_APIKEYS_MAX);
		*full = true;
		return;
	}
	memcpy(k->key[k->n], s, len);
	k->key[k->n][len] = '\0';
	k->len[k->n++] = len;
}

int cs_apikeys_load(const char *path, struct cs_apikeys *k, char *err,
		    size_t errlen)
{
	char *buf, *p, *end, *nl;
	unsigned int ln = 0;
	bool full = false;
	ssize_t len;

	k->n = 0;
	buf = malloc(CS_APIKEYS_FILE_MAX + 1);
	if (!buf)
		return cs_errf(err, errlen, -ENOMEM, "out of memory");
	len = read_keys_file(path, buf, err, errlen);
	if (len < 0) {
		free(buf);
		return (int)len;
	}
	for (p = buf, end = buf + len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		add_key(k, path, ++ln, p, (size_t)(nl - p), &full);
	}
	free(buf);
	return 0;
}

void cs_apikeys_advice(const char *path, int load_ret, char *buf,
		       size_t len)
{
	char how[160];

	snprintf(how, sizeof(how), "add a key of at least %d characters with 'echo KEY >> %s' (read on every request, no restart needed)",
		 CS_APIKEY_MIN, path);
	if (load_ret == -ENOENT)
		snprintf(buf, len, "the API key file %s does not exist: %s",
			 path, how);
	else if (load_ret < 0)
		snprintf(buf, len, "the API key file %s cannot be used (%s): %s",
			 path, strerror(-load_ret), how);
	else
		snprintf(buf, len, "the API key file %s has no usable key: %s",
			 path, how);
}

uint32_t cs_apikeys_count(const char *path, char *why, size_t len)
{
	struct cs_apikeys *k = malloc(sizeof(*k));
	char err[CS_ERR_MAX];
	uint32_t n = 0;
	int ret = -ENOMEM;

	if (k)
		ret = cs_apikeys_load(path, k, err, sizeof(err));
	if (!ret)
		n = k->n;
	free(k);
	if (!n)
		cs_apikeys_advice(path, ret, why, len);
	return n;
}

bool cs_ct_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	const volatile unsigned char *x = (const unsigned char *)a;
	const volatile unsigned char *y = (const unsigned char *)b;
	size_t i, n = alen > blen ? alen : blen;
	unsigned int diff = alen != blen;

	/* Past its end a string reads as zeros; the lengths differ then. */
	for (i = 0; i < n; i++) {
		unsigned char cx = i < alen ? x[i] : 0;
		unsigned char cy = i < blen ? y[i] : 0;

		diff |= (unsigned int)(cx ^ cy);
	}
	return diff == 0;
}

enum cs_auth cs_apikey_check(const char *path, const char *given, char *msg,
			     size_t msglen)
{
	struct cs_apikeys *k;
	char why[CS_ERR_MAX];
	bool match = false;
	size_t glen;
	uint32_t i;
	int ret;

	if (!given) {
		snprintf(msg, msglen, "missing apikey header");
		return CS_AUTH_MISSING;
	}
	k = malloc(sizeof(*k));
	if (!k) {
		snprintf(msg, msglen, "out of memory");
		return CS_AUTH_NO_KEYS;
	}
	ret = cs_apikeys_load(path, k, why, sizeof(why));
	if (ret < 0 || !k->n) {
		/* The path and the advice are for the log, not for strangers. */
		cs_apikeys_advice(path, ret, why, sizeof(why));
		cs_log(CS_LOG_WARN, "a load test refused: %s", why);
		snprintf(msg, msglen, "load tests are not enabled on this server (no API key is set up)");
		free(k);
		return CS_AUTH_NO_KEYS;
	}
	/* Every key is compared, whichever matches. */
	glen = strnlen(given, CS_APIKEY_MAX + 1);
	for (i = 0; i < k->n; i++)
		match |= cs_ct_equal(given, glen, k->key[i], k->len[i]);
	free(k);
	if (!match) {
		snprintf(msg, msglen, "wrong apikey");
		return CS_AUTH_WRONG;
	}
	return CS_AUTH_OK;
}

/* --- POST /v1/loadtest ----------------------------------------------- */

void cs_loadtest_plan_default(struct cs_sweep_plan *p)
{
	cs_sweep_plan_busy(p, CS_LOADTEST_DURATION_DEF * 1000,
			   CS_LOADTEST_WARMUP_MS_DEF,
			   CS_SWEEP_PERIOD_DEF);
	p->time_limit_ms = CS_LOADTEST_LIMIT_S * 1000;
}

/* An integer field in [@min, @max]. */
static int plan_int(json_t *v, const char *key, uint32_t min, uint32_t max,
		    const char *unit, uint32_t *out, char *err, size_t errlen)
{
	json_int_t x;

	if (!json_is_integer(v))
		return cs_errf(err, errlen, -EINVAL,
			       "field %s: expected an integer%s in %u..%u",
			       key, unit, min, max);
	x = json_integer_value(v);
	if (x < min || x > max)
		return cs_errf(err, errlen, -EINVAL,
			       "field %s: %lld is out of range %u..%u%s", key,
			       (long long)x, min, max, unit);
	*out = (uint32_t)x;
	return 0;
}

static int plan_busy(json_t *v, struct cs_sweep_plan *p, char *err,
		     size_t errlen)
{
	size_t i, n = json_is_array(v) ? json_array_size(v) : 0;
	char key[32];
	int ret;

	if (!n || n > CS_LOADTEST_LEVELS_MAX)
		return cs_errf(err, errlen, -EINVAL,
			       "field busy: expected an array of 1 to %d busy percentages, strictly increasing",
			       CS_LOADTEST_LEVELS_MAX);
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "busy[%zu]", i);
		ret = plan_int(json_array_get(v, i), key, CS_BUSY_PCT_MIN,
			       CS_BUSY_PCT_MAX, " %", &p->levels[i], err,
			       errlen);
		if (ret)
			return ret;
		if (i && p->levels[i] <= p->levels[i - 1])
			return cs_errf(err, errlen, -EINVAL,
				       "field busy: values must go strictly up (%u after %u)",
				       p->levels[i], p->levels[i - 1]);
	}
	p->nlevels = (uint32_t)n;
	return 0;
}

static int plan_cpus(json_t *v, struct cs_sweep_plan *p, char *err,
		     size_t errlen)
{
	const char *s = json_string_value(v);

	if (!s)
		return cs_errf(err, errlen, -EINVAL,
			       "field cpus: expected a string, a CPU list like \"0-3,6\" or \"all\"");
	if (strcmp(s, "all") &&
	    (strlen(s) >= CS_CPULIST_MAX || !cs_cpulist_valid(s)))
		return cs_errf(err, errlen, -EINVAL,
			       "field cpus: '%.64s' is not a CPU list like \"0-3,6\" or \"all\"",
			       s);
	snprintf(p->cpus, sizeof(p->cpus), "%s", s);
	return 0;
}

static int plan_field(const char *key, json_t *v, struct cs_sweep_plan *p,
		      char *err, size_t errlen)
{
	uint32_t x;
	int ret;

	if (!strcmp(key, "busy"))
		return plan_busy(v, p, err, errlen);
	if (!strcmp(key, "cpus"))
		return plan_cpus(v, p, err, errlen);
	if (!strcmp(key, "runs"))
		return plan_int(v, key, 1, CS_LOADTEST_RUNS_MAX, "", &p->runs,
				err, errlen);
	if (!strcmp(key, "duration")) {
		ret = plan_int(v, key, 1, CS_LOADTEST_DURATION_MAX, " s", &x,
			       err, errlen);
		p->duration_ms = x * 1000;
		return ret;
	}
	if (!strcmp(key, "warmup")) {
		ret = plan_int(v, key, 0, CS_LOADTEST_WARMUP_MAX, " s", &x,
			       err, errlen);
		p->warmup_ms = x * 1000;
		return ret;
	}
	return cs_errf(err, errlen, -EINVAL,
		       "unknown field '%.64s': the fields are busy, duration, warmup, runs and cpus",
		       key);
}

int cs_loadtest_plan_parse(const char *body, size_t len,
			   struct cs_sweep_plan *p, char *err, size_t errlen)
{
	char windows[CS_DESIGN_TEXT_MAX];
	uint64_t est, allowed;
	json_error_t jerr;
	const char *key;
	json_t *root, *v;
	int ret = 0;

	allowed = (CS_LOADTEST_LIMIT_S - CS_LOADTEST_MARGIN_S) * 1000ULL;
	cs_loadtest_plan_default(p);
	if (len) {
		root = json_loadb(body, len,
				  JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
				  &jerr);
		if (!root)
			return cs_errf(err, errlen, -EINVAL,
				       "the body is not valid JSON (line %d, column %d: %s)",
				       jerr.line, jerr.column, jerr.text);
		if (!json_is_object(root))
			ret = cs_errf(err, errlen, -EINVAL,
				      "the body must be a JSON object, like {\"busy\": [50, 100], \"duration\": 5}");
		json_object_foreach(root, key, v) {
			if (ret)
				break;
			ret = plan_field(key, v, p, err, errlen);
		}
		json_decref(root);
		if (ret)
			return ret;
	}
	p->level_timeout_ms = 2 * (p->warmup_ms + p->duration_ms) + 10000;
	est = cs_sweep_estimate_ms(p);
	if (est > allowed)
		return cs_errf(err, errlen, -EINVAL,
			       "the plan takes about %llu s (%s, each warmup + duration), more than the %llu s a load test may take: use fewer levels or runs, or shorter ones",
			       (unsigned long long)(est / 1000),
			       cs_design_text(windows, sizeof(windows),
					      p->nlevels, p->runs),
			       (unsigned long long)(allowed / 1000));
	return 0;
}

bool cs_loadtest_id_valid(const char *id)
{
	size_t n = strspn(id, "abcdefghijklmnopqrstuvwxyz"
			      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

	return n && !id[n] && n < CS_LOADTEST_ID_MAX;
}

/* --- the listening socket ------------------------------------------- */

static int bind_to(const struct sockaddr *sa, socklen_t len, bool v6only,
		   char *err, size_t errlen, const char *what)
{
	int fd, one = 1, e;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "cannot listen on %s: %s", what,
			 strerror(e));
		return -e;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (sa->sa_family == AF_INET6) {
		one = v6only;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	}
	if (bind(fd, sa, len) || listen(fd, LISTEN_BACKLOG)) {
		e = errno;
		close(fd);
		snprintf(err, errlen, "cannot listen on %s: %s%s", what,
			 strerror(e), e == EADDRINUSE ?
			 " (another server has that port: choose another with --listen)" :
			 e == EACCES ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)" : "");
		return -e;
	}
	return fd;
}

int cs_listen_open(const char *spec, char *desc, size_t desclen, char *err,
		   size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG };
	struct sockaddr_storage ss;
	struct sockaddr_in6 any6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in any4 = { .sin_family = AF_INET };
	struct addrinfo *ai = NULL;
	char port[8], host[INET6_ADDRSTRLEN];
	socklen_t sl = sizeof(ss);
	struct cs_listen l;
	int fd, ret;

	if (cs_listen_parse(spec, &l, err, errlen))
		return -EINVAL;
	if (!l.host[0]) {
		/* Every address, v4 and v6; v4 alone without IPv6. */
		any6.sin6_port = htons(l.port);
		fd = bind_to((struct sockaddr *)&any6, sizeof(any6), false,
			     err, errlen, spec);
		if (fd == -EAFNOSUPPORT) {
			any4.sin_port = htons(l.port);
			fd = bind_to((struct sockaddr *)&any4, sizeof(any4),
				     false, err, errlen, spec);
		}
	} else {
		snprintf(port, sizeof(port), "%u", l.port);
		hints.ai_family = l.v6 ? AF_INET6 : AF_UNSPEC;
		ret = getaddrinfo(l.host, port, &hints, &ai);
		if (ret) {
			snprintf(err, errlen, "cannot listen on %s: %s", spec,
				 gai_strerror(ret));
			return -EINVAL;
		}
		fd = bind_to(ai->ai_addr, ai->ai_addrlen, true, err, errlen,
			     spec);
		freeaddrinfo(ai);
	}
	if (fd < 0)
		return fd;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
			snprintf(desc, desclen, "[%s]:%u", host,
				 ntohs(a->sin6_port));
		} else {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
			snprintf(desc, desclen, "%s:%u", host,
				 ntohs(a->sin_port));
		}
	}
	return fd;
}

/* --- answers ------------------------------------------------------- */

/* @o (taken over; NULL: out of memory) as one compact line, or NULL. */
static char *cs_json_line(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
				    JSON_ENSURE_ASCII) : NULL, *out = NULL;

	if (s && asprintf(&out, "%s\n", s) < 0)
		out = NULL;
	free(s);
	json_decref(o);
	return out;
}

char *cs_json_error(const char *msg, const char *id)
{
	json_t *o = json_pack("{s:s}", "error", msg);

	if (o && id && json_object_set_new(o, "id", json_string(id))) {
		json_decref(o);
		return NULL;
	}
	return cs_json_line(o);
}

char *cs_json_conflict(const char *msg, const char *running)
{
	return cs_json_line(json_pack("{s:s, s:o}", "error", msg, "id",
				      running && running[0] ?
				      json_string(running) : json_null()));
}

/* Content-Type and Cache-Control on @r; NULL (and @r destroyed) if not. */
static struct MHD_Response *cs_http_headers(struct MHD_Response *r,
					    const char *ctype)
{
	if (!r)
		return NULL;
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				    ctype) != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
				    "no-store") != MHD_YES) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

struct MHD_Response *cs_http_response(const void *body, size_t len,
				      const char *ctype)
{
	return cs_http_headers(MHD_create_response_from_buffer(len, (void *)body,
						MHD_RESPMEM_MUST_COPY), ctype);
}

struct MHD_Response *cs_http_response_take(char *body, size_t len,
					   const char *ctype)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r)
		free(body);
	return cs_http_headers(r, ctype);
}
