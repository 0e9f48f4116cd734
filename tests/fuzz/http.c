// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer harness: each input is what a client sends on one connection
 * to cpustress serve. The server is the real one (serve/daemon.c and the
 * handler of serve/handler.c, in libmicrohttpd's thread pool, with the
 * user engine and its collector), started once with no listening socket:
 * each input goes in over a socketpair given to MHD_add_connection(), the
 * client's side is shut for writing, and the answer is read until the
 * server closes the connection.
 *
 * The API key file holds the key of the seeds and the dictionary, so that
 * POST /v1/loadtest goes through the body parser to the load-test manager
 * and the result store; its load tests are dry runs (struct cs_lt_cfg),
 * which end before they load a CPU. At exit the server is stopped and
 * every thread joined, so that LeakSanitizer sees a clean process.
 *
 * A failure is a sanitizer report, an answer that does not start with an
 * HTTP status line, a 500 or 503 that is not a load test's (see
 * check_answers()), or a connection still open CONN_WAIT_MS after the
 * client stopped sending (the idle timeout is longer).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/sockios.h>
#include <microhttpd.h>

#include "cli/cli.h"
#include "fuzz.h"
#include "serve/serve.h"

#define FUZZ_APIKEY	"fuzz-key-0001"	/* also in http.dict and the seeds */
#define FUZZ_KEEP	3		/* results kept: the pruning runs too */
#define FUZZ_RESULT	"20260101-000000-000"	/* in http.dict and the seeds */
#define CONN_WAIT_MS	5000	/* below the idle timeout */
#define POLL_MS		100
#define ANSWER_MAX	(256 * 1024)	/* of the answer, kept and checked */

static struct cs_srv *srv;
static char tmpdir[] = "/tmp/cs-fuzz-http.XXXXXX";

static void die(const char *what)
{
	fprintf(stderr, "fuzz/http: %s: %s\n", what, strerror(errno));
	abort();
}

/* At exit: every thread of the server joined, the files removed. */
static void teardown(void)
{
	if (!srv)
		return;
	cs_srv_stop(srv);
	cs_store_close(&srv->store);
	free(srv);
	srv = NULL;
	fuzz_rmtree(tmpdir);
}

static void write_keys(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "# the fuzzer's key\n%s\n", FUZZ_APIKEY) < 0 ||
	    fclose(f))
		die(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *lvl = getenv("PCD_LOGLEVEL");
	enum cs_log_level level = CS_LOG_ERROR;
	struct cs_serve_opts *o;
	struct cs_engine *e;
	char err[CS_ERR_MAX];

	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	if (lvl)
		cs_log_level_parse(lvl, &level);
	cs_log_set_level(level);
	if (!mkdtemp(tmpdir))
		die("mkdtemp");
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		die("calloc");
	o = &srv->o;
	snprintf(o->apikey_file, sizeof(o->apikey_file), "%s/keys", tmpdir);
	snprintf(o->state_dir, sizeof(o->state_dir), "%s/state", tmpdir);
	snprintf(o->listen, sizeof(o->listen), "fuzzer");
	o->log_level = level;
	o->engine = CS_ENGINE_USER;
	o->busy_pct = 100;
	o->cpus = "all";
	o->max_conns = CS_SERVE_CONNS_DEFAULT;
	o->max_per_ip = CS_SERVE_CONNS_PER_IP_DEFAULT;
	o->timeout_s = CS_SERVE_TIMEOUT_DEFAULT;
	o->keep = FUZZ_KEEP;
	srv->dry_run = true;
	write_keys(o->apikey_file);
	if (cs_store_open(&srv->store, o->state_dir, o->keep, err,
			  sizeof(err))) {
		fprintf(stderr, "fuzz/http: %s\n", err);
		abort();
	}
	if (cs_engine_open_user(&e, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz/http: %s\n", err);
		abort();
	}
	if (cs_srv_start(srv, e, -1)) {
		fprintf(stderr, "fuzz/http: the server did not start\n");
		abort();
	}
	atexit(teardown);
	return 0;
}

/* A connection as accept() would give it, from 127.0.0.1. */
static int connect_server(void)
{
	struct sockaddr_in peer = {
		.sin_family = AF_INET,
		.sin_port = htons(40000),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0,
		       sv))
		die("socketpair");
	/* The server's side is libmicrohttpd's from here on, even on failure. */
	if (MHD_add_connection(srv->d, sv[0], (struct sockaddr *)&peer,
			       sizeof(peer)) != MHD_YES)
		die("MHD_add_connection");
	return sv[1];
}

/*
 * Send @data, then end the stream; read until the server closes. Keeps
 * the start of the answer in @head (NUL-terminated) and returns its length
 * there.
 *
 * The end of the stream is sent only once the server has read all the
 * data (or answered): libmicrohttpd's epoll loop would not see an end
 * that came in with the last data, and would keep the connection until
 * its idle timeout.
 */
static size_t exchange(int fd, const uint8_t *data, size_t size, char *head,
		       size_t headlen)
{
	uint64_t end = cs_now_ms() + CONN_WAIT_MS;
	bool writing = size > 0, shut = false;
	size_t sent = 0, got = 0;
	char buf[16384];
	ssize_t n;
	int unread;

	head[0] = '\0';
	for (;;) {
		struct pollfd p = { fd, POLLIN | (writing ? POLLOUT : 0), 0 };

		if (cs_now_ms() > end) {
			fprintf(stderr, "fuzz/http: the connection is still open %d ms after the request was sent\n",
				CONN_WAIT_MS);
			abort();
		}
		if (!writing && !shut && (got || (!ioctl(fd, SIOCOUTQ, &unread) &&
						  !unread))) {
			shutdown(fd, SHUT_WR);
			shut = true;
		}
		if (poll(&p, 1, shut ? POLL_MS : 1) < 0 && errno != EINTR)
			die("poll");
		if (writing && (p.revents & (POLLOUT | POLLERR | POLLHUP))) {
			n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			/* The server closed early: it read all it wanted. */
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				sent = size;
			writing = sent < size;
		}
		if (!(p.revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return got < headlen ? got : headlen - 1;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			die("recv");
		if (n > 0)
			got = fuzz_keep_head(head, headlen, got, buf, (size_t)n);
	}
}

/*
 * The answers kept, @len bytes of @a: the first starts with a status
 * line, and no status line says 500 or 503 but for a load test. The dry
 * runs end interrupted: 500 with the result; 503 only when a second saw
 * too many of them. A 500 from the renderers or the store is a bug.
 */
static void check_answers(const char *a, size_t len)
{
	const char *p, *next, *end = a + len;

	if (len && strncmp(a, "HTTP/1.1 ", 9) && strncmp(a, "HTTP/1.0 ", 9)) {
		fprintf(stderr, "fuzz/http: an answer without a status line: '%.64s'\n",
			a);
		abort();
	}
	/* A status line starts the kept text or follows a body's newline. */
	for (p = a; p && end - p > 13; p = next) {
		next = memmem(p + 1, (size_t)(end - p - 1), "\nHTTP/1.", 9);
		if (next)
			next++;
		if (p != a && p[-1] != '\n')
			continue;
		if ((!strncmp(p + 8, " 500 ", 5) &&
		     !memmem(p, (size_t)((next ? next : end) - p),
			     "\"interrupted\"", 13)) ||
		    (!strncmp(p + 8, " 503 ", 5) &&
		     !memmem(p, (size_t)((next ? next : end) - p),
			     "too many load tests", 19))) {
			fprintf(stderr, "fuzz/http: a 5xx answer that is not a load test's:\n%.*s\n",
				(int)((next ? next : end) - p), p);
			abort();
		}
	}
}

/*
 * The stored result the seeds and the dictionary name, made again when
 * the pruning (--keep) has removed it, so that GET /v1/loadtests/ID and
 * the listing read a file.
 */
static void keep_result(void)
{
	static const char json[] =
		"{\"hostname\": \"fuzz\", \"timestamp\": 1767225600, \"numCores\": 2, "
		"\"maxUnits\": 100, \"cpustress\": {\"status\": \"complete\", "
		"\"engine\": \"user\"}}\n";
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/" FUZZ_RESULT ".json", srv->store.dir);
	if (!access(path, F_OK))
		return;
	f = fopen(path, "w");
	if (!f || fputs(json, f) < 0 || fclose(f))
		die(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char answer[ANSWER_MAX];
	size_t len;
	int fd;

	keep_result();
	fd = connect_server();

	len = exchange(fd, data, size, answer, sizeof(answer));
	close(fd);
	check_answers(answer, len);
	return 0;
}
