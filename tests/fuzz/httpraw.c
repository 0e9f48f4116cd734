// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * httpraw: raw HTTP abuse against a running `cpustress serve`, on
 * 127.0.0.1 only. Batches of random attacks (bad request lines, huge or
 * many headers, bad Content-Length, chunked garbage, stalled partial
 * requests, pipelining, binary junk, more connections than the server
 * takes, bad and long API keys, mutations of valid requests); after each
 * batch, GET /cpu-perf must answer 200 and an integer.
 *
 *   httpraw --port PORT [--seconds S] [--seed N] [--apikey KEY] [--jobs N]
 *           [--request-timeout S]
 *
 * --jobs: processes attacking at once (default 2), so that the server's
 * threads meet; each checks the server after each of its batches.
 *
 * --request-timeout: the server's; partial requests are then kept open
 * across batches, and each must be closed by the server within that
 * time and a second.
 *
 * --apikey: the server's key. It goes only with bodies that are not a
 * valid plan, so no load test ever starts: a real one would load the CPUs
 * for up to two minutes. Without it, every key sent is a wrong one.
 *
 * The last line counts what was sent: "httpraw: N requests on M
 * connections in S s by J jobs, B health checks ok (seed X)", after a
 * line that counts the first answers by status class. Exit 0, or 1 (with
 * the failed check) when the server stopped answering.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define BATCH		40	/* attacks between two health checks */
#define FLOOD_MAX	300	/* connections of a flood (server: 256, 64 per IP) */
#define STALL_MAX	20	/* partial requests kept open in a batch */
#define IO_MS		300	/* to send, and to wait for an answer */
#define HEALTH_MS	5000	/* for the health check's answer */
#define HEALTH_TRIES	10
#define HEALTH_PAUSE_MS	200
#define REQ_MAX		(256 * 1024)
#define JOBS_MAX	8

struct buf {
	char *p;
	size_t len, cap;
};

static uint64_t rng;
static const char *apikey = "";
static uint16_t port;
/* What one job sent and saw, in memory its parent reads. */
struct counts {
	uint64_t requests, conns, health_ok;
	uint64_t answers[6];	/* first answers by status class; [0]: none */
};

static struct counts *cnt;
static int *flooding;	/* shared: jobs flooding the server now */
/* Partial requests left open, and when they were sent. */
static struct {
	int fd;
	uint64_t t0;
} stalled[STALL_MAX];
static unsigned int nstalled;
static unsigned int req_timeout;	/* --request-timeout, 0: unknown */

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* 0..n-1 */
static size_t pick(size_t n)
{
	return n ? rnd() % n : 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void put(struct buf *b, const void *s, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			fprintf(stderr, "httpraw: out of memory\n");
			exit(1);
		}
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void __attribute__((format(printf, 2, 3)))
putf(struct buf *b, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put(b, tmp, n < (int)sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void put_rep(struct buf *b, char c, size_t n)
{
	while (n--)
		put(b, &c, 1);
}

static void put_junk(struct buf *b, size_t n)
{
	while (n--) {
		char c = (char)rnd();

		put(b, &c, 1);
	}
}

static const char *const paths[] = {
	"/", "/cpu-perf", "/metrics", "/v1/ping", "/v1/stats", "/v1/history",
	"/v1/loadtest",
	"/v1/loadtests", "/v1/loadtests/20260101-000000-000",
	"/v1/loadtests/../../etc/passwd", "/v1/loadtests/%00", "/metrics?x=1",
	"/v1/loadtest?wait=0", "/v1/loadtest?wait=1&wait=0", "//cpu-perf",
	"/cpu-perf/", "*", "http://127.0.0.1/cpu-perf",
};
static const char *const methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT",
	"PATCH", "get", "G ET", "", "\x01\x02",
};

static const char *any_path(void)
{
	return paths[pick(sizeof(paths) / sizeof(paths[0]))];
}

/*
 * A key the server does not have: wrong, empty, long, odd bytes, near
 * misses. Never the key itself: a body this goes with may be empty, the
 * default plan.
 */
static void put_bad_key(struct buf *b)
{
	switch (pick(6)) {
	case 0:
		putf(b, "apikey: wrong-key-%llu\r\n", (unsigned long long)rnd());
		break;
	case 1:
		put(b, "apikey: \r\n", 10);
		break;
	case 2:
		put(b, "apikey: ", 8);
		put_rep(b, 'k', 200 + pick(20000));
		put(b, "\r\n", 2);
		break;
	case 3:
		put(b, "apikey: ", 8);
		put_junk(b, 1 + pick(64));
		put(b, "\r\n", 2);
		break;
	case 4:		/* near misses: the key and one more, the key but one */
		putf(b, "apikey: %sx\r\n", apikey);
		if (strlen(apikey) > 1)
			putf(b, "apikey: %.*s\r\n", (int)strlen(apikey) - 1,
			     apikey);
		break;
	default:
		putf(b, "X-API-Key: %s\r\n", apikey);
	}
}

/* Bodies that are never a valid plan: a load test must not start. */
static const char *const bad_plans[] = {
	"{\"busy\": [50, 100], \"nope\": 1}",
	"{\"busy\": [100, 50]}",
	"{\"duration\": 0}",
	"{\"duration\": 31}",
	"{\"runs\": 99}",
	"{\"busy\": []}",
	"{\"busy\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21]}",
	"{\"cpus\": \"0-\"}",
	"{\"cpus\": 7}",
	"{\"warmup\": -1}",
	"[1, 2, 3]",
	"{\"busy\": [50], \"busy\": [60]}",
	"{\"busy\": [1e400]}",
	"{\"busy\": [50]",
	"{\"busy\":[10,20,30,40,50,60,70,80,90,100],\"runs\":5,\"duration\":30}",
	"\"\\ud800\"",
	"nul\x00l",
};

static void put_bad_plan(struct buf *b)
{
	const char *s = bad_plans[pick(sizeof(bad_plans) / sizeof(bad_plans[0]))];
	size_t n = strlen(s);

	/* The entry with a NUL: its length is that of the literal. */
	if (s[0] == 'n')
		n = 6;
	putf(b, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
	     n);
	put(b, s, n);
}

/* One ordinary request, maybe with a body; counted by the caller. */
static void put_request(struct buf *b, bool close)
{
	const char *path = any_path();

	if (!strncmp(path, "/v1/loadtest", 12) && !strstr(path, "tests") &&
	    pick(2)) {
		putf(b, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", path);
		if (pick(2) && apikey[0])
			putf(b, "apikey: %s\r\n", apikey);
		else
			put_bad_key(b);
		if (close)
			putf(b, "Connection: close\r\n");
		put_bad_plan(b);
		return;
	}
	putf(b, "%s %s HTTP/1.%d\r\nHost: 127.0.0.1\r\n%s\r\n",
	     pick(4) ? "GET" : "HEAD", path, (int)pick(2),
	     close ? "Connection: close\r\n" : "");
}

/* Flip, insert, delete and duplicate bytes of @b. */
static void mutate(struct buf *b)
{
	size_t i, n = 1 + pick(8), at;

	for (i = 0; i < n && b->len; i++) {
		at = pick(b->len);
		switch (pick(4)) {
		case 0:
			b->p[at] ^= (char)(1u << pick(8));
			break;
		case 1:
			b->p[at] = "\r\n :\0\t%/?"[pick(9)];
			break;
		case 2:
			memmove(b->p + at, b->p + at + 1, b->len - at - 1);
			b->len--;
			break;
		default:
			if (b->len < REQ_MAX / 2) {
				size_t k = 1 + pick(b->len - at);

				put(b, b->p + at, k);
			}
		}
	}
}

/* --- the socket -------------------------------------------------------- */

static int dial(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd;

	/* Loopback only: the address is fixed. */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	cnt->conns++;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* Send what the server takes within @ms; false if it stopped taking. */
static bool send_all(int fd, const char *p, size_t len, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	struct pollfd pf = { fd, POLLOUT, 0 };
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (now_ms() >= end || poll(&pf, 1, 20) < 0)
			return false;
	}
	return true;
}

/* Read the answer for up to @ms, or until the server closes; its length. */
static size_t drain(int fd, char *head, size_t headlen, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	struct pollfd pf = { fd, POLLIN, 0 };
	char tmp[65536];
	size_t got = 0;
	ssize_t n;

	if (headlen)
		head[0] = '\0';
	while (now_ms() < end) {
		if (poll(&pf, 1, 20) <= 0)
			continue;
		n = recv(fd, tmp, sizeof(tmp), 0);
		if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR)))
			break;
		if (n > 0)
			got = fuzz_keep_head(head, headlen, got, tmp, (size_t)n);
	}
	return got;
}

/* One connection: send @b (@nreq requests), read a while, close. */
static void shoot(struct buf *b, unsigned int nreq)
{
	char head[16];
	int fd = dial();

	if (fd < 0)
		return;
	cnt->requests += nreq;
	head[0] = '\0';
	if (send_all(fd, b->p, b->len, IO_MS))
		drain(fd, head, sizeof(head), pick(4) ? 20 : IO_MS);
	close(fd);
	/* The first answer's class: "HTTP/1.1 404 " counts as 4. */
	if (!strncmp(head, "HTTP/1.", 7) && head[9] >= '1' && head[9] <= '5')
		cnt->answers[head[9] - '0']++;
	else
		cnt->answers[0]++;
}

/*
 * After a batch: with --request-timeout, a partial request sent longer
 * ago than that (and a second more) must have been closed by the server,
 * and the younger ones stay open for later batches; without, all go.
 * Returns false, with @why, for one the server left open.
 */
static bool check_stalled(char *why, size_t len)
{
	uint64_t limit = (req_timeout + 1) * 1000ULL, age;
	unsigned int i, kept = 0;
	bool ok = true;
	char c;

	for (i = 0; i < nstalled; i++) {
		age = now_ms() - stalled[i].t0;
		if (req_timeout && age <= limit) {
			stalled[kept++] = stalled[i];
			continue;
		}
		if (req_timeout && ok &&
		    recv(stalled[i].fd, &c, 1, MSG_DONTWAIT) < 0 &&
		    errno == EAGAIN) {
			snprintf(why, len, "a partial request is still open after %.1f s (--request-timeout %u)",
				 age / 1000.0, req_timeout);
			ok = false;
		}
		close(stalled[i].fd);
	}
	nstalled = kept;
	return ok;
}

/* --- the attacks --------------------------------------------------------- */

static void attack(void)
{
	struct buf b = { 0 };
	unsigned int i, n, nreq = 1;
	int fd, fds[FLOOD_MAX];

	switch (pick(11)) {
	case 0:		/* a bad request line */
		putf(&b, "%s ", methods[pick(sizeof(methods) / sizeof(methods[0]))]);
		if (pick(3))
			put(&b, any_path(), strlen(any_path()));
		else
			put_rep(&b, 'a', pick(40000));
		putf(&b, " %s\r\n\r\n",
		     (const char *[]){ "HTTP/1.1", "HTTP/9.9", "HTTP/1.1x",
				       "", "HTTP/1.1 extra", "http/1.1" }[pick(6)]);
		break;
	case 1:		/* one huge header, or very many */
		putf(&b, "GET /cpu-perf HTTP/1.1\r\nHost: 127.0.0.1\r\n");
		if (pick(2)) {
			put(&b, "X-Big: ", 7);
			put_rep(&b, 'x', 4000 + pick(60000));
			put(&b, "\r\n", 2);
		} else {
			for (i = 0, n = 100 + pick(3000); i < n; i++)
				putf(&b, "X-H%u: %u\r\n", i, i);
		}
		put(&b, "\r\n", 2);
		break;
	case 2:		/* a Content-Length that lies, or is no number */
		putf(&b, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n",
		     pick(2) ? "/v1/loadtest" : any_path());
		put_bad_key(&b);
		putf(&b, "Content-Type: application/json\r\nContent-Length: %s\r\n",
		     (const char *[]){ "-1", "abc", "18446744073709551616",
				       "99999999999", "4097", "1e3", " 5",
				       "0x10", "5, 6", "" }[pick(10)]);
		if (pick(2))
			putf(&b, "Content-Length: %zu\r\n", pick(100));
		put(&b, "\r\n", 2);
		put_junk(&b, pick(6000));
		break;
	case 3:		/* chunked garbage */
		putf(&b, "POST /v1/loadtest HTTP/1.1\r\nHost: 127.0.0.1\r\n");
		put_bad_key(&b);
		putf(&b, "Transfer-Encoding: %s\r\n\r\n",
		     pick(4) ? "chunked" : "gzip, chunked");
		for (i = 0, n = pick(20); i < n; i++) {
			putf(&b, "%s\r\n", (const char *[]){ "zz", "-5", "ffffffffffffffffff",
					   "10;ext=1", "3", "0", "1000" }[pick(7)]);
			put_junk(&b, pick(300));
			if (pick(2))
				put(&b, "\r\n", 2);
		}
		break;
	case 4:		/* partial requests left hanging */
		put_request(&b, false);
		b.len = pick(b.len);
		fd = dial();
		if (fd < 0)
			break;
		cnt->requests++;
		if (send_all(fd, b.p, b.len, IO_MS) && nstalled < STALL_MAX) {
			stalled[nstalled].fd = fd;
			stalled[nstalled++].t0 = now_ms();
		}
		else
			close(fd);
		free(b.p);
		return;
	case 5:		/* pipelining */
		for (n = 2 + pick(40), i = 0; i < n; i++)
			put_request(&b, i + 1 == n && pick(2));
		nreq = n;
		break;
	case 6:		/* binary junk */
		put_junk(&b, 1 + pick(20000));
		break;
	case 7:		/* more connections than the server takes */
		__atomic_add_fetch(flooding, 1, __ATOMIC_SEQ_CST);
		for (n = 0; n < FLOOD_MAX; n++) {
			fds[n] = dial();
			if (fds[n] < 0)
				break;
		}
		for (i = 0; i < n; i++)
			close(fds[i]);
		__atomic_sub_fetch(flooding, 1, __ATOMIC_SEQ_CST);
		return;
	case 8:		/* the load-test endpoint with bad keys */
		putf(&b, "POST /v1/loadtest%s HTTP/1.1\r\nHost: 127.0.0.1\r\n",
		     pick(2) ? "" : "?wait=0");
		put_bad_key(&b);
		put_bad_plan(&b);
		break;
	default:	/* a valid request, mutated */
		put_request(&b, true);
		mutate(&b);
		/* A mutated body could become a valid plan: no good key. */
		if (apikey[0] && memmem(b.p, b.len, apikey, strlen(apikey))) {
			free(b.p);
			return;
		}
	}
	shoot(&b, nreq);
	free(b.p);
}

/* One GET /cpu-perf: 200 and an integer; @why on failure. */
static bool cpu_perf_ok(char *why, size_t len)
{
	static const char req[] =
		"GET /cpu-perf HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	char ans[4096], *body;
	int fd = dial();

	if (fd < 0) {
		snprintf(why, len, "cannot connect: %s", strerror(errno));
		return false;
	}
	if (!send_all(fd, req, sizeof(req) - 1, HEALTH_MS)) {
		close(fd);
		snprintf(why, len, "cannot send the request");
		return false;
	}
	drain(fd, ans, sizeof(ans), HEALTH_MS);
	close(fd);
	body = strstr(ans, "\r\n\r\n");
	if (strncmp(ans, "HTTP/1.1 200 ", 13) || !body ||
	    strspn(body + 4, "0123456789") == 0 ||
	    strcmp(body + 4 + strspn(body + 4, "0123456789"), "\n")) {
		snprintf(why, len, "GET /cpu-perf answered '%.200s'", ans);
		return false;
	}
	return true;
}

/*
 * The server answers GET /cpu-perf. Asked once no job floods it (a flood
 * fills its connections and the kernel's accept queue), and tried a few
 * times: the flood's connections take a moment to go.
 */
static bool healthy(char *why, size_t len)
{
	struct timespec pause = { 0, HEALTH_PAUSE_MS * 1000000L };
	int i;

	while (__atomic_load_n(flooding, __ATOMIC_SEQ_CST))
		nanosleep(&pause, NULL);
	for (i = 0; i < HEALTH_TRIES; i++) {
		if (cpu_perf_ok(why, len)) {
			cnt->health_ok++;
			return true;
		}
		nanosleep(&pause, NULL);
	}
	return false;
}

/* One job: batches of attacks until @end, a health check after each. */
static int run(uint64_t end, uint64_t seed)
{
	char why[512];
	int i;

	rng = seed;
	while (now_ms() < end) {
		for (i = 0; i < BATCH; i++)
			attack();
		if (!check_stalled(why, sizeof(why)) ||
		    !healthy(why, sizeof(why))) {
			fprintf(stderr, "httpraw: after %llu requests (seed %llu): %s\n",
				(unsigned long long)cnt->requests,
				(unsigned long long)seed, why);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long seconds = 20, jobs = 2, j, k;
	uint64_t seed = 0, t0, end;
	struct counts *all, sum = { 0 };
	int i, status, ret = 0;
	char why[512];

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--port"))
			port = (uint16_t)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--apikey"))
			apikey = argv[i + 1];
		else if (!strcmp(argv[i], "--request-timeout"))
			req_timeout = (unsigned int)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--jobs"))
			jobs = strtoul(argv[i + 1], NULL, 10);
		else
			break;
	}
	if (i != argc || !port || !jobs || jobs > JOBS_MAX) {
		fprintf(stderr, "usage: httpraw --port PORT [--seconds S] [--seed N] [--apikey KEY] [--jobs 1..%d] [--request-timeout S]\n",
			JOBS_MAX);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* The jobs' counts, then the flood count. */
	all = mmap(NULL, sizeof(*all) * (jobs + 2), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (all == MAP_FAILED) {
		perror("httpraw: mmap");
		return 1;
	}
	cnt = &all[jobs];
	flooding = (int *)&all[jobs + 1];
	if (!seed)
		seed = (uint64_t)time(NULL) * 2654435761u + (uint64_t)getpid();
	t0 = now_ms();
	end = t0 + seconds * 1000;
	if (!healthy(why, sizeof(why))) {
		fprintf(stderr, "httpraw: the server is not healthy before the start: %s\n", why);
		return 1;
	}
	/* Jobs at once, so that the server's threads meet. */
	for (j = 0; j < jobs; j++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("httpraw: fork");
			return 1;
		}
		if (!pid) {
			cnt = &all[j];
			_exit(run(end, seed + j * 0x9e3779b97f4a7c15ULL));
		}
	}
	for (j = 0; j < jobs; j++)
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			ret = 1;
	for (j = 0; j <= jobs; j++) {
		sum.requests += all[j].requests;
		sum.conns += all[j].conns;
		sum.health_ok += all[j].health_ok;
		for (k = 0; k < 6; k++)
			sum.answers[k] += all[j].answers[k];
	}
	printf("# httpraw: first answers 2xx %llu, 4xx %llu, 5xx %llu, none %llu\n",
	       (unsigned long long)sum.answers[2],
	       (unsigned long long)sum.answers[4],
	       (unsigned long long)sum.answers[5],
	       (unsigned long long)sum.answers[0]);
	printf("httpraw: %llu requests on %llu connections in %.1f s by %lu jobs, %llu health checks ok (seed %llu)\n",
	       (unsigned long long)sum.requests, (unsigned long long)sum.conns,
	       (now_ms() - t0) / 1000.0, jobs,
	       (unsigned long long)sum.health_ok, (unsigned long long)seed);
	return ret;
}
