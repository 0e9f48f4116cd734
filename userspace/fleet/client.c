// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A small HTTP/1.1 client for the fleet, bounded in everything: one
 * deadline for the whole exchange (resolving the name included:
 * getaddrinfo_a() waited for with a timeout), a largest header and a
 * largest body, one connection per request ("Connection: close"). What
 * does not parse as HTTP is an error with a reason, never a hang.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fleet/fleet.h"
#include "util/errf.h"

#define SLICE_MS	100	/* longest wait between looks at q->stop */
#define REQ_HEAD_MAX	1024	/* our request's header */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Milliseconds to wait for now, at most SLICE_MS; -1 past the deadline. */
static int slice(uint64_t deadline)
{
	uint64_t t = now_ms();

	if (t >= deadline)
		return -1;
	return deadline - t > SLICE_MS ? SLICE_MS : (int)(deadline - t);
}

static bool stopped(const struct cs_http_req *q)
{
	return q->stop && *q->stop;
}

/* Resolve q->host within the deadline; the first address that connects. */
static int resolve(const struct cs_http_req *q, uint64_t deadline,
		   struct addrinfo **res, char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_ADDRCONFIG,
	};
	char port[8];
	struct gaicb cb = { 0 }, *list[1] = { &cb };
	struct timespec ts;
	int ret, ms;

	snprintf(port, sizeof(port), "%u", q->port);
	cb.ar_name = q->host;
	cb.ar_service = port;
	cb.ar_request = &hints;
	/* An address needs no lookup: no thread, no wait. */
	hints.ai_flags |= AI_NUMERICHOST;
	ret = getaddrinfo(q->host, port, &hints, res);
	if (!ret)
		return 0;
	hints.ai_flags &= ~AI_NUMERICHOST;
	ret = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	if (ret)
		return cs_errf(err, errlen, -EHOSTUNREACH, "cannot resolve %s: %s",
			       q->host, gai_strerror(ret));
	for (;;) {
		ret = gai_error(&cb);
		if (ret != EAI_INPROGRESS)
			break;
		ms = slice(deadline);
		if (ms < 0 || stopped(q)) {
			if (gai_cancel(&cb) == EAI_NOTCANCELED) {
				/* The lookup thread still owns cb: wait it out. */
				while (gai_error(&cb) == EAI_INPROGRESS)
					gai_suspend((const struct gaicb *const *)list, 1, NULL);
			}
			if (!gai_error(&cb))
				freeaddrinfo(cb.ar_result);
			if (ms >= 0)
				return cs_errf(err, errlen, -EINTR, "interrupted");
			return cs_errf(err, errlen, -ETIMEDOUT,
				       "resolving %s timed out", q->host);
		}
		ts.tv_sec = 0;
		ts.tv_nsec = (long)ms * 1000000;
		gai_suspend((const struct gaicb *const *)list, 1, &ts);
	}
	if (ret)
		return cs_errf(err, errlen, -EHOSTUNREACH, "cannot resolve %s: %s",
			       q->host, gai_strerror(ret));
	*res = cb.ar_result;
	return 0;
}

/* Wait for @events on @fd within the deadline; 0, -ETIMEDOUT, -EINTR. */
static int wait_fd(const struct cs_http_req *q, int fd, short events,
		   uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int ms, n;

	for (;;) {
		if (stopped(q))
			return -EINTR;
		ms = slice(deadline);
		if (ms < 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, ms);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static int connect_one(const struct cs_http_req *q, const struct addrinfo *a,
		       uint64_t deadline)
{
	socklen_t sl = sizeof(int);
	int fd, ret, soerr = 0;

	fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    a->ai_protocol);
	if (fd < 0)
		return -errno;
	if (connect(fd, a->ai_addr, a->ai_addrlen) && errno != EINPROGRESS) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = wait_fd(q, fd, POLLOUT, deadline);
	if (!ret && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
		ret = -errno;
	if (!ret && soerr)
		ret = -soerr;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

static int send_all(const struct cs_http_req *q, int fd, const char *p,
		    size_t len, uint64_t deadline)
{
	ssize_t n;
	int ret;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		ret = wait_fd(q, fd, POLLOUT, deadline);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The header in buf[0..hlen): status and Content-Length (-1 when none).
 * Return: 0 or -EPROTO with @err set.
 */
static int parse_header(char *buf, size_t hlen, unsigned int *status,
			long long *clen, char *err, size_t errlen)
{
	char *line, *next, *end = buf + hlen, *v;
	unsigned int code;
	char *pend;

	buf[hlen - 1] = '\0';
	if (strncmp(buf, "HTTP/1.", 7) || (buf[7] != '0' && buf[7] != '1') ||
	    buf[8] != ' ' || buf[9] < '1' || buf[9] > '5' ||
	    buf[10] < '0' || buf[10] > '9' || buf[11] < '0' ||
	    buf[11] > '9' || (buf[12] != ' ' && buf[12] != '\r'))
		return cs_errf(err, errlen, -EPROTO,
			       "not an HTTP answer: '%.24s'", buf);
	code = (unsigned int)((buf[9] - '0') * 100 + (buf[10] - '0') * 10 +
			      (buf[11] - '0'));
	*status = code;
	*clen = -1;
	for (line = strchr(buf, '\n'); line && line < end; line = next) {
		line++;
		next = strchr(line, '\n');
		if (!next)
			break;
		*next = '\0';
		if (!strncasecmp(line, "Transfer-Encoding:", 18))
			return cs_errf(err, errlen, -EPROTO,
				       "a chunked answer (not a cpustress exporter)");
		if (strncasecmp(line, "Content-Length:", 15))
			continue;
		v = line + 15;
		while (*v == ' ' || *v == '\t')
			v++;
		errno = 0;
		*clen = strtoll(v, &pend, 10);
		while (*pend == ' ' || *pend == '\t' || *pend == '\r')
			pend++;
		if (v[0] < '0' || v[0] > '9' || *pend || errno || *clen < 0)
			return cs_errf(err, errlen, -EPROTO,
				       "a bad Content-Length");
	}
	return 0;
}

/* The end of the header in @buf (just past "\r\n\r\n" or "\n\n"), or 0. */
static size_t header_end(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			return i + 2;
		if (i + 3 < len && !memcmp(buf + i, "\r\n\r\n", 4))
			return i + 4;
	}
	return 0;
}

/* Read the answer from @fd into @r within the limits. */
static int read_answer(const struct cs_http_req *q, int fd, uint64_t deadline,
		       struct cs_http_resp *r, char *err, size_t errlen)
{
	size_t cap = CS_FLEET_HEADER_MAX + q->body_max + 1, len = 0, hlen = 0;
	long long clen = -1;
	char *buf;
	ssize_t n;
	int ret = 0;

	buf = malloc(cap + 1);
	if (!buf)
		return cs_errf(err, errlen, -ENOMEM, "out of memory");
	for (;;) {
		if (hlen && clen >= 0 && len - hlen >= (size_t)clen)
			break;
		n = recv(fd, buf + len, cap - len, 0);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR) {
				ret = cs_errf(err, errlen, -errno, "%s",
					      strerror(errno));
				goto fail;
			}
			ret = wait_fd(q, fd, POLLIN, deadline);
			if (ret) {
				cs_errf(err, errlen, ret, ret == -EINTR ?
					"interrupted" :
					"no complete answer within %u ms",
					q->timeout_ms);
				goto fail;
			}
			continue;
		}
		len += (size_t)n;
		if (!hlen) {
			hlen = header_end(buf, len);
			if (!hlen && len > CS_FLEET_HEADER_MAX) {
				ret = cs_errf(err, errlen, -EFBIG,
					      "an answer header larger than %u bytes",
					      CS_FLEET_HEADER_MAX);
				goto fail;
			}
			if (hlen) {
				ret = parse_header(buf, hlen, &r->status, &clen,
						   err, errlen);
				if (ret)
					goto fail;
				if (clen > (long long)q->body_max) {
					ret = -EFBIG;
					goto big;
				}
			}
		}
		if (hlen && len - hlen > q->body_max) {
			ret = -EFBIG;
			goto big;
		}
	}
	if (!hlen) {
		ret = cs_errf(err, errlen, -EPROTO, len ?
			      "not an HTTP answer (closed within its header)" :
			      "closed without an answer");
		goto fail;
	}
	if (clen >= 0 && len - hlen < (size_t)clen) {
		ret = cs_errf(err, errlen, -EPROTO,
			      "the answer ended after %zu of %lld body bytes",
			      len - hlen, clen);
		goto fail;
	}
	r->len = clen >= 0 ? (size_t)clen : len - hlen;
	memmove(buf, buf + hlen, r->len);
	buf[r->len] = '\0';
	r->body = buf;
	return 0;
big:
	cs_errf(err, errlen, ret, "an answer body larger than %zu bytes",
		q->body_max);
fail:
	free(buf);
	return ret;
}

int cs_http_request(const struct cs_http_req *q, struct cs_http_resp *r,
		    char *err, size_t errlen)
{
	uint64_t deadline = now_ms() + q->timeout_ms;
	struct addrinfo *res = NULL, *a;
	char head[REQ_HEAD_MAX], key[CS_FLEET_ERR_MAX] = "";
	int fd = -ENOENT, ret, n;

	memset(r, 0, sizeof(*r));
	if (q->apikey) {
		if (strpbrk(q->apikey, "\r\n") ||
		    strlen(q->apikey) >= sizeof(key) - 16)
			return cs_errf(err, errlen, -EINVAL, "a bad API key");
		snprintf(key, sizeof(key), "apikey: %s\r\n", q->apikey);
	}
	n = snprintf(head, sizeof(head),
		     "%s %s HTTP/1.1\r\nHost: %s%s%s:%u\r\n"
		     "User-Agent: cpustress-fleet\r\nAccept: application/json\r\n"
		     "Connection: close\r\n%s%s%s%zu\r\n\r\n",
		     q->method, q->path, strchr(q->host, ':') ? "[" : "",
		     q->host, strchr(q->host, ':') ? "]" : "", q->port, key,
		     q->body ? "Content-Type: application/json\r\n" : "",
		     "Content-Length: ", q->body ? q->body_len : 0);
	if (n < 0 || (size_t)n >= sizeof(head))
		return cs_errf(err, errlen, -EINVAL, "request too long");
	ret = resolve(q, deadline, &res, err, errlen);
	if (ret)
		return ret;
	for (a = res; a; a = a->ai_next) {
		fd = connect_one(q, a, deadline);
		if (fd >= 0 || fd == -ETIMEDOUT || fd == -EINTR)
			break;
	}
	freeaddrinfo(res);
	if (fd == -ETIMEDOUT)
		return cs_errf(err, errlen, fd, "no connection within %u ms",
			       q->timeout_ms);
	if (fd < 0)
		return cs_errf(err, errlen, fd, "%s",
			       fd == -EINTR ? "interrupted" : strerror(-fd));
	ret = send_all(q, fd, head, (size_t)n, deadline);
	if (!ret && q->body)
		ret = send_all(q, fd, q->body, q->body_len, deadline);
	if (ret)
		cs_errf(err, errlen, ret, "sending the request: %s",
			ret == -ETIMEDOUT ? "timed out" : strerror(-ret));
	else
		ret = read_answer(q, fd, deadline, r, err, errlen);
	close(fd);
	return ret;
}

void cs_http_resp_free(struct cs_http_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}
