// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress serve: the server, as serve.c's main and the HTTP fuzzer
 * (tests/fuzz/) start it: one engine behind two locked handles (the
 * collector's and the load tests'), the load-test manager, the collector
 * and the libmicrohttpd daemon running serve/handler.c; the connections
 * it tracks for the request deadline; and the stop, in the reverse order.
 *
 * Limits: libmicrohttpd enforces the connection counts, the idle timeout
 * and (through the per-connection memory) a hard ceiling on the request
 * header; the handler refuses headers over CS_SERVE_HEADER_MAX (431) and
 * bodies over CS_SERVE_BODY_MAX (413); and cs_srv_reap() closes any
 * connection whose request is not received in full within
 * --request-timeout, which an idle timeout alone would miss for a client
 * trickling a byte at a time.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include <cpustress/version.h>

#include "serve/serve.h"

/*
 * libmicrohttpd's memory per connection: a request header of up to
 * CS_SERVE_HEADER_READ_MAX bytes, read in full, and CS_SERVE_ANSWER_RESERVE
 * left for the answer's headers whatever the request held. A header over
 * CS_SERVE_HEADER_MAX but within the read size is read whole, so the
 * client has nothing unsent when cpustress answers 431 and closes (a close
 * with request bytes unread resets the connection, and the client may
 * lose the answer: what a 64 KiB header through QEMU's forwarded port
 * saw). Only larger requests get libmicrohttpd's own 431 or 414. The
 * memory is reserved, not touched: a connection uses what it reads.
 */
#define CONN_MEMORY	(CS_SERVE_HEADER_READ_MAX + CS_SERVE_ANSWER_RESERVE)
#define FLUSH_WAIT_MS	2000	/* at shutdown, for woken load tests */

/* --- connections and their deadline ---------------------------------- */

static void peer_name(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  host, sizeof(host));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, host,
			  sizeof(host));
	snprintf(buf, len, "%s", host);
}

static void notify_conn(void *cls, struct MHD_Connection *c, void **ctx,
			enum MHD_ConnectionNotificationCode code)
{
	struct cs_httpd *h = cls;
	const union MHD_ConnectionInfo *ci;
	struct cs_srv_conn *k;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		k = calloc(1, sizeof(*k));
		*ctx = k;
		if (!k)
			return;
		ci = MHD_get_connection_info(c,
					     MHD_CONNECTION_INFO_CONNECTION_FD);
		k->fd = ci ? ci->connect_fd : -1;
		ci = MHD_get_connection_info(c,
					     MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		peer_name(ci ? ci->client_addr : NULL, k->peer,
			  sizeof(k->peer));
		k->deadline_ms = cs_now_ms() + h->timeout_s * 1000ULL;
		pthread_mutex_lock(&h->mu);
		k->next = h->conns;
		if (k->next)
			k->next->prev = k;
		h->conns = k;
		pthread_mutex_unlock(&h->mu);
		return;
	}
	/* Closed: called before the socket is closed, so @fd is still ours. */
	k = *ctx;
	if (!k)
		return;
	pthread_mutex_lock(&h->mu);
	if (k->prev)
		k->prev->next = k->next;
	else
		h->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&h->mu);
	free(k);
	*ctx = NULL;
}

void cs_httpd_set_deadline(struct cs_httpd *h, struct cs_srv_conn *k, bool on)
{
	if (!k)
		return;
	pthread_mutex_lock(&h->mu);
	k->deadline_ms = on ? cs_now_ms() + h->timeout_s * 1000ULL : 0;
	pthread_mutex_unlock(&h->mu);
}

void cs_srv_set_deadline(struct cs_srv *srv, struct cs_srv_conn *k, bool on)
{
	cs_httpd_set_deadline(&srv->http, k, on);
}

/*
 * Shut down every connection whose request is late; libmicrohttpd then
 * sees the end of the stream and closes it the normal way.
 */
void cs_httpd_reap(struct cs_httpd *h)
{
	uint64_t now = cs_now_ms();
	struct cs_srv_conn *k;

	pthread_mutex_lock(&h->mu);
	for (k = h->conns; k; k = k->next) {
		if (!k->deadline_ms || now < k->deadline_ms || k->closed ||
		    k->fd < 0)
			continue;
		k->closed = true;
		shutdown(k->fd, SHUT_RDWR);
		cs_log(CS_LOG_INFO, "%s: request not received within %u s: connection closed",
		       k->peer, h->timeout_s);
	}
	pthread_mutex_unlock(&h->mu);
}

void cs_srv_reap(struct cs_srv *srv)
{
	cs_httpd_reap(&srv->http);
}

static void view_destroy(void *p)
{
	cs_view_free(p);
	free(p);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	cs_log(CS_LOG_WARN, "libmicrohttpd: %s", msg);
}

void cs_httpd_init(struct cs_httpd *h, const struct cs_serve_opts *o)
{
	memset(h, 0, sizeof(*h));
	h->max_conns = o->max_conns;
	h->max_per_ip = o->max_per_ip;
	h->timeout_s = o->timeout_s;
	pthread_mutex_init(&h->mu, NULL);
}

void cs_httpd_destroy(struct cs_httpd *h)
{
	pthread_mutex_destroy(&h->mu);
}

/* @fd < 0: no listening socket, connections come from MHD_add_connection(). */
struct MHD_Daemon *cs_httpd_start(struct cs_httpd *h, int fd,
				  MHD_AccessHandlerCallback handler,
				  MHD_RequestCompletedCallback completed,
				  void *cls)
{
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
				MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
				MHD_ALLOW_SUSPEND_RESUME |
				(fd < 0 ? MHD_USE_NO_LISTEN_SOCKET : 0),
				0, NULL, NULL, handler, cls,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_THREAD_POOL_SIZE,
				(unsigned int)CS_SERVE_THREADS,
				MHD_OPTION_CONNECTION_LIMIT,
				(unsigned int)h->max_conns,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				(unsigned int)h->max_per_ip,
				MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned int)h->timeout_s,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT,
				(size_t)CONN_MEMORY,
				MHD_OPTION_NOTIFY_COMPLETED, completed, cls,
				MHD_OPTION_NOTIFY_CONNECTION, notify_conn, h,
				/* Last: without a socket, the list ends here. */
				fd < 0 ? MHD_OPTION_END :
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_END);
}

/* Let the answers of woken load-test requests go out before the end. */
static void flush_waiting(struct cs_srv *srv)
{
	uint64_t end = cs_now_ms() + FLUSH_WAIT_MS;
	struct timespec ts = { 0, 10 * 1000000L };

	while (__atomic_load_n(&srv->waiting, __ATOMIC_RELAXED) &&
	       cs_now_ms() < end)
		nanosleep(&ts, NULL);
}

static void describe_host(struct cs_serve_info *i)
{
	struct utsname u;

	i->version = CS_VERSION;
	if (gethostname(i->hostname, sizeof(i->hostname)))
		snprintf(i->hostname, sizeof(i->hostname), "unknown");
	i->hostname[sizeof(i->hostname) - 1] = '\0';
	if (!uname(&u))
		snprintf(i->kernel, sizeof(i->kernel), "%s", u.release);
}

int cs_srv_start(struct cs_srv *srv, struct cs_engine *e, int fd)
{
	struct cs_lt_cfg cfg = { 0 };
	char err[CS_ERR_MAX];
	int ret;

	describe_host(&srv->info);
	cs_httpd_init(&srv->http, &srv->o);
	pthread_mutex_init(&srv->engine_mu, NULL);
	pthread_key_create(&srv->view_key, view_destroy);
	srv->e = e;
	srv->fd = fd;
	if (cs_engine_locked(e, &srv->engine_mu, &srv->e_col) ||
	    cs_engine_locked(e, &srv->engine_mu, &srv->e_lt)) {
		cs_log(CS_LOG_ERROR, "out of memory");
		goto fail;
	}
	cfg.e = srv->e_lt;
	cfg.store = &srv->store;
	cfg.load = srv->o.load;
	cfg.busy_pct = srv->o.busy_pct;
	cfg.cpus = srv->o.cpus;
	cfg.dry_run = srv->dry_run;
	if (cs_lt_init(&cfg, &srv->lt, err, sizeof(err))) {
		cs_log(CS_LOG_ERROR, "%s", err);
		goto fail;
	}
	ret = cs_collector_start(srv->e_col, CS_SERVE_POLL_MS,
				 srv->o.per_cpu_hist ? CS_RENDER_PER_CPU_HIST : 0,
				 &srv->col);
	if (ret) {
		cs_log(CS_LOG_ERROR, "cannot start the collector: %s",
		       strerror(-ret));
		goto fail;
	}
	srv->e_col = NULL;		/* the collector's now */
	srv->d = cs_httpd_start(&srv->http, fd, cs_srv_handler,
				cs_srv_completed, srv);
	if (!srv->d) {
		cs_log(CS_LOG_ERROR, "cannot start the HTTP server (see the messages above)");
		goto fail;
	}
	return 0;
fail:
	cs_srv_stop(srv);
	return -1;
}

void cs_srv_stop(struct cs_srv *srv)
{
	int fd;

	/* No new connections; the load test ends and wakes its requests. */
	if (srv->d && srv->fd >= 0) {
		fd = MHD_quiesce_daemon(srv->d);
		if (fd >= 0)
			close(fd);
		srv->fd = -1;
	}
	if (srv->lt)
		cs_lt_shutdown(srv->lt);
	flush_waiting(srv);
	if (srv->d)
		MHD_stop_daemon(srv->d);
	else if (srv->fd >= 0)
		close(srv->fd);
	srv->d = NULL;
	srv->fd = -1;
	cs_collector_stop(srv->col);
	srv->col = NULL;
	cs_lt_free(srv->lt);
	srv->lt = NULL;
	cs_engine_close(srv->e_col);
	cs_engine_close(srv->e_lt);
	cs_engine_close(srv->e);
	srv->e_col = srv->e_lt = srv->e = NULL;
	pthread_mutex_destroy(&srv->engine_mu);
	pthread_key_delete(srv->view_key);
	cs_httpd_destroy(&srv->http);
}
