// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * csbench: the benchmark suite's helper, run in the test VM (tools/bench/).
 *
 *   csbench unit --cpu C [--warmup S] [--seconds S]
 *	The standard work unit (include/cpustress/workunit.h) in one thread
 *	pinned to CPU C, with nothing else: no duty cycle, no counters that
 *	anyone reads. Several of these as separate processes are the ceiling
 *	of scaling. Prints "units_per_sec X elements N wall_ns N".
 *
 *   csbench duty [--cpu C] [--busy P] [--period MS] [--seconds S]
 *	The engines' duty cycle in one pinned thread, every chunk timed by its
 *	position after the wake-up: where the time of a busy phase goes.
 *	Prints "units_per_busy_sec X chunk_us C0,C1,...,C15,REST".
 *
 *   csbench seed [--threads N] [--seconds S] [--add-every ELEMS]
 *	The design of the reporter cpustress replaces: N threads, not pinned,
 *	running the same work unit and adding to one shared atomic counter
 *	every ELEMS elements (default 4096, the engines' chunk); a sampler
 *	sleeps one second, swaps the counter with 0 and reports what it held
 *	as that second's rate, without measuring how long the second was.
 *	Prints "sample I UNITS" per second.
 *
 *   csbench window [--seconds S] [--file PATH]... [--pid TID]...
 *		    [--proc PID]...
 *	Reads each file (an integer, e.g. /sys/kernel/cpustress/units_total),
 *	each thread's CPU time (/proc/TID/schedstat) and each process's (the
 *	sum over /proc/PID/task/{TID}/schedstat) at the start and the end of a
 *	window of S seconds, timed with CLOCK_MONOTONIC. Prints "wall_ns N",
 *	"file PATH DELTA", "pid TID CPU_NS PERCENT" and "proc PID CPU_NS
 *	PERCENT" (of one CPU). A thread of a process that starts or ends
 *	inside the window is counted for the part of it that is seen.
 *
 *   csbench http --url http://HOST:PORT/PATH [--rate R] [--seconds S]
 *		  [--conns N]
 *	An open-loop client: one GET every 1/R s on up to N keep-alive
 *	connections. Latency runs from the time a request was due, not from
 *	when it could be sent, so a slow server cannot hide its backlog.
 *	Prints "requests N ok N errors N p50_us X p90_us X p99_us X max_us X
 *	mean_us X".
 *
 * Exit status: 0, 1 on a runtime error (the message names it), 2 on bad
 * arguments.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cpustress/workunit.h>

#define PROG		"csbench"
#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_USEC	1000ULL
/* The engines' chunk: elements between two looks at the clock or a flag. */
#define CHUNK_ELEMS	4096ULL
#define FILES_MAX	16
#define PIDS_MAX	64
#define CONNS_MAX	64
#define RATE_MAX	100000.0
#define SECONDS_MAX	3600.0
#define RESP_MAX	65536

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = {
		.tv_sec = (time_t)(t / NSEC_PER_SEC),
		.tv_nsec = (long)(t % NSEC_PER_SEC),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: " PROG " unit --cpu C [--warmup S] [--seconds S]\n"
		"       " PROG " duty [--cpu C] [--busy P] [--period MS] [--seconds S]\n"
		"       " PROG " seed [--threads N] [--seconds S] [--add-every ELEMS]\n"
		"       " PROG " window [--seconds S] [--file PATH]... [--pid TID]... [--proc PID]...\n"
		"       " PROG " http --url http://HOST:PORT/PATH [--rate R] [--seconds S] [--conns N]\n");
	return 2;
}

static int bad_arg(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, PROG ": %s: bad value '%s': want %s\n", opt, val, want);
	return 2;
}

/* Parse a number in [lo, hi]; false if it is not one. */
static bool parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* A numeric option: --name V with V in [lo, hi] goes to *val. */
struct num_opt {
	const char *name;
	double lo, hi;
	const char *want;
	double *val;
};

/*
 * Other options of a command: called with each "--name value" that no
 * num_opt takes; returns 0, 2 after a message, or -1 when it does not know
 * the option either.
 */
typedef int (*other_opt_fn)(const char *o, const char *v, void *arg);

/* Parse "--name value" pairs. Returns 0, or 2 after a message. */
static int parse_opts(int argc, char **argv, const struct num_opt *opts,
		      other_opt_fn other, void *arg)
{
	int i;

	for (i = 0; i + 1 < argc; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];
		const struct num_opt *n;
		int ret = -1;

		for (n = opts; n->name; n++)
			if (!strcmp(o, n->name))
				break;
		if (n->name) {
			if (!parse_num(v, n->lo, n->hi, n->val))
				return bad_arg(o, v, n->want);
			continue;
		}
		if (other)
			ret = other(o, v, arg);
		if (ret < 0)
			return usage();
		if (ret)
			return ret;
	}
	return i < argc ? usage() : 0;
}

/* --- the work unit --------------------------------------------------- */

static uint64_t elems_per_unit(void)
{
	return (uint64_t)CS_WU_KIB_DEFAULT * CS_WU_ELEMS_PER_KIB;
}

static int pin_to(int cpu)
{
	cpu_set_t set;
	int ret;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ret = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (ret)
		fprintf(stderr, PROG ": cannot pin to CPU %d: %s\n", cpu,
			strerror(ret));
	return ret;
}

/* A unit buffer, or NULL with a message. */
static __u64 *unit_buffer(void)
{
	__u64 *buf = calloc(elems_per_unit(), sizeof(*buf));

	if (!buf)
		fprintf(stderr, PROG ": out of memory for a %d KiB unit buffer\n",
			CS_WU_KIB_DEFAULT);
	return buf;
}

/* Run chunks until @until; return the elements done. */
static uint64_t unit_run_until(__u64 *buf, uint64_t *pos, uint64_t until)
{
	uint64_t n = elems_per_unit(), done = 0;

	while (now_ns() < until) {
		uint64_t c = n - *pos < CHUNK_ELEMS ? n - *pos : CHUNK_ELEMS;

		cs_wu_run(buf, *pos, c, CS_WU_SPINS_DEFAULT);
		*pos = (*pos + c) % n;
		done += c;
	}
	return done;
}

static int unit_main(int argc, char **argv)
{
	double cpu = -1, warmup = 1, secs = 5;
	const struct num_opt opts[] = {
		{ "--cpu", 0, CPU_SETSIZE - 1, "a CPU number", &cpu },
		{ "--warmup", 0, SECONDS_MAX, "seconds", &warmup },
		{ "--seconds", 0.1, SECONDS_MAX, "seconds", &secs },
		{ NULL },
	};
	uint64_t pos = 0, t0, t1, elems;
	__u64 *buf;
	int ret;

	ret = parse_opts(argc, argv, opts, NULL, NULL);
	if (ret)
		return ret;
	if (cpu < 0)
		return usage();
	if (pin_to((int)cpu))
		return 1;
	buf = unit_buffer();
	if (!buf)
		return 1;
	if (cs_wu_selfcheck(buf, 8)) {
		fprintf(stderr, PROG ": work-unit self-check FAILED on CPU %d\n",
			(int)cpu);
		free(buf);
		return 1;
	}
	t0 = now_ns();
	unit_run_until(buf, &pos, t0 + (uint64_t)(warmup * NSEC_PER_SEC));
	t0 = now_ns();
	elems = unit_run_until(buf, &pos, t0 + (uint64_t)(secs * NSEC_PER_SEC));
	t1 = now_ns();
	printf("units_per_sec %.2f elements %" PRIu64 " wall_ns %" PRIu64 "\n",
	       (double)elems * NSEC_PER_SEC / (double)(t1 - t0) /
	       (double)elems_per_unit(), elems, t1 - t0);
	free(buf);
	return 0;
}

/* --- duty: where the time of a busy phase goes ----------------------- */

#define DUTY_IDX	16	/* chunks timed one by one after each wake-up */

/*
 * The engines' duty cycle in one pinned thread, each chunk timed by its
 * position in the busy phase: chunk 0 right after the wake-up, 1, ...,
 * DUTY_IDX - 1, and the rest together. A slow start after each sleep shows
 * as slow first chunks; a slower machine as every chunk slower.
 */
static int duty_main(int argc, char **argv)
{
	double cpu = 0, busy = 100, period = 100, secs = 5;
	uint64_t sum[DUTY_IDX + 1] = { 0 }, cnt[DUTY_IDX + 1] = { 0 };
	uint64_t pos = 0, n = elems_per_unit(), elems = 0, busy_ns = 0;
	uint64_t t_end, pstart, pns, bns, periods = 0;
	const struct num_opt opts[] = {
		{ "--cpu", 0, CPU_SETSIZE - 1, "a CPU number", &cpu },
		{ "--busy", 1, 100, "1..100", &busy },
		{ "--period", 1, 10000, "1..10000 ms", &period },
		{ "--seconds", 0.1, SECONDS_MAX, "seconds", &secs },
		{ NULL },
	};
	__u64 *buf;
	int i;

	i = parse_opts(argc, argv, opts, NULL, NULL);
	if (i)
		return i;
	if (pin_to((int)cpu))
		return 1;
	buf = unit_buffer();
	if (!buf)
		return 1;
	pns = (uint64_t)(period * 1e6);
	bns = (uint64_t)(period * 1e6 * busy / 100);
	pstart = now_ns();
	t_end = pstart + (uint64_t)(secs * NSEC_PER_SEC);
	while (pstart < t_end) {
		uint64_t t = now_ns(), done = 0;
		int idx = 0;

		while (done < bns) {
			uint64_t c = n - pos < CHUNK_ELEMS ? n - pos : CHUNK_ELEMS;
			uint64_t t1, d;

			cs_wu_run(buf, pos, c, CS_WU_SPINS_DEFAULT);
			pos = (pos + c) % n;
			elems += c;
			t1 = now_ns();
			d = t1 - t;
			t = t1;
			done += d;
			/* Only full chunks: a unit's last may be shorter. */
			if (c == CHUNK_ELEMS) {
				sum[idx] += d;
				cnt[idx]++;
			}
			if (idx < DUTY_IDX)
				idx++;
		}
		busy_ns += done;
		periods++;
		pstart += pns;
		if (busy < 100)
			sleep_until(pstart);
		else
			pstart = now_ns();
	}
	printf("busy %.0f period_ms %.0f periods %" PRIu64
	       " units_per_busy_sec %.2f chunk_us",
	       busy, period, periods,
	       (double)elems * NSEC_PER_SEC / (double)busy_ns /
	       (double)elems_per_unit());
	for (i = 0; i <= DUTY_IDX; i++)
		printf("%c%.1f", i ? ',' : ' ',
		       cnt[i] ? (double)sum[i] / (double)cnt[i] / 1000 : 0.0);
	printf(" chunk_n");
	for (i = 0; i <= DUTY_IDX; i++)
		printf("%c%" PRIu64, i ? ',' : ' ', cnt[i]);
	printf("\n");
	free(buf);
	return 0;
}

/* --- seed: one shared counter ----------------------------------------- */

static uint64_t seed_counter;
static int seed_stop;
static uint64_t seed_add_every = CHUNK_ELEMS;

static void *seed_worker(void *arg)
{
	uint64_t n = elems_per_unit(), pos = 0, pending = 0;
	__u64 *buf = arg;

	while (!__atomic_load_n(&seed_stop, __ATOMIC_RELAXED)) {
		uint64_t c = n - pos < CHUNK_ELEMS ? n - pos : CHUNK_ELEMS;

		cs_wu_run(buf, pos, c, CS_WU_SPINS_DEFAULT);
		pos = (pos + c) % n;
		pending += c;
		if (pending >= seed_add_every) {
			__atomic_fetch_add(&seed_counter, pending,
					   __ATOMIC_SEQ_CST);
			pending = 0;
		}
	}
	return NULL;
}

static int seed_main(int argc, char **argv)
{
	double threads = 0, secs = 30, every = CHUNK_ELEMS;
	pthread_t tid[CPU_SETSIZE];
	__u64 *bufs[CPU_SETSIZE];
	const struct num_opt opts[] = {
		{ "--threads", 1, CPU_SETSIZE, "1..1024 threads", &threads },
		{ "--seconds", 1, SECONDS_MAX, "seconds", &secs },
		{ "--add-every", 1, 1e9, "elements", &every },
		{ NULL },
	};
	int i, n, started = 0, ret;

	ret = parse_opts(argc, argv, opts, NULL, NULL);
	if (ret)
		return ret;
	n = threads > 0 ? (int)threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	seed_add_every = (uint64_t)every;
	for (i = 0; i < n; i++) {
		bufs[i] = unit_buffer();
		if (!bufs[i]) {
			ret = 1;
			break;
		}
		ret = pthread_create(&tid[i], NULL, seed_worker, bufs[i]);
		if (ret) {
			fprintf(stderr, PROG ": cannot start a thread: %s\n",
				strerror(ret));
			free(bufs[i]);
			ret = 1;
			break;
		}
		started++;
	}
	/* As the seed's sampler: sleep a second, take the count, repeat. */
	for (i = 0; !ret && i < (int)secs; i++) {
		uint64_t c;

		sleep(1);
		c = __atomic_exchange_n(&seed_counter, 0, __ATOMIC_SEQ_CST);
		printf("sample %d %.2f\n", i, (double)c / elems_per_unit());
		fflush(stdout);
	}
	__atomic_store_n(&seed_stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < started; i++) {
		pthread_join(tid[i], NULL);
		free(bufs[i]);
	}
	return ret;
}

/* --- window: counters and thread CPU time over a timed window --------- */

static bool read_u64_file(const char *path, uint64_t *v)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fscanf(f, "%" SCNu64, v) == 1;
	fclose(f);
	return ok;
}

static bool read_cputime(long pid, uint64_t *v)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/schedstat", pid);
	return read_u64_file(path, v);
}

/* The CPU time of every thread of process @pid, summed. */
static bool read_proc_cputime(long pid, uint64_t *v)
{
	char path[64];
	struct dirent *d;
	uint64_t sum = 0, t;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((d = readdir(dir))) {
		char *end;
		long tid = strtol(d->d_name, &end, 10);

		if (*end || tid <= 0)
			continue;
		/* A thread that ended since readdir() counts as nothing. */
		if (read_cputime(tid, &t))
			sum += t;
	}
	closedir(dir);
	*v = sum;
	return true;
}

struct window_item {
	const char *file;
	long pid;
	bool proc;
	uint64_t v0;
	uint64_t v1;
};

static bool window_read(struct window_item *it, uint64_t *v)
{
	if (it->file) {
		if (read_u64_file(it->file, v))
			return true;
		fprintf(stderr, PROG ": cannot read a number from %s\n",
			it->file);
	} else if (it->proc) {
		if (read_proc_cputime(it->pid, v))
			return true;
		fprintf(stderr, PROG ": cannot read /proc/%ld/task (process gone?)\n",
			it->pid);
	} else {
		if (read_cputime(it->pid, v))
			return true;
		fprintf(stderr, PROG ": cannot read /proc/%ld/schedstat (thread gone?)\n",
			it->pid);
	}
	return false;
}

struct window_args {
	struct window_item it[FILES_MAX + PIDS_MAX];
	int n, nfiles, npids;
};

/* --file PATH, --pid TID and --proc PID of csbench window. */
static int window_opt(const char *o, const char *v, void *arg)
{
	struct window_args *w = arg;
	bool proc = !strcmp(o, "--proc");
	double pid;

	if (!strcmp(o, "--file")) {
		if (w->nfiles++ >= FILES_MAX)
			return bad_arg(o, v, "at most 16 files");
		w->it[w->n++] = (struct window_item){ .file = v };
		return 0;
	}
	if (!proc && strcmp(o, "--pid"))
		return -1;
	if (w->npids++ >= PIDS_MAX)
		return bad_arg(o, v, "at most 64 pids");
	if (!parse_num(v, 1, 1e9, &pid))
		return bad_arg(o, v, "a pid");
	w->it[w->n++] = (struct window_item){ .pid = (long)pid, .proc = proc };
	return 0;
}

static int window_main(int argc, char **argv)
{
	struct window_args w = { 0 };
	struct window_item *it = w.it;
	double secs = 5;
	const struct num_opt opts[] = {
		{ "--seconds", 0.01, SECONDS_MAX, "seconds", &secs },
		{ NULL },
	};
	uint64_t t0, t1;
	int i, n;

	i = parse_opts(argc, argv, opts, window_opt, &w);
	if (i)
		return i;
	n = w.n;
	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (!window_read(&it[i], &it[i].v0))
			return 1;
	sleep_until(t0 + (uint64_t)(secs * NSEC_PER_SEC));
	t1 = now_ns();
	for (i = 0; i < n; i++)
		if (!window_read(&it[i], &it[i].v1))
			return 1;
	printf("wall_ns %" PRIu64 "\n", t1 - t0);
	for (i = 0; i < n; i++) {
		uint64_t d = it[i].v1 - it[i].v0;

		/* Threads that ended make a process's sum go down. */
		if (it[i].v1 < it[i].v0)
			d = 0;
		if (it[i].file)
			printf("file %s %" PRIu64 "\n", it[i].file, d);
		else if (it[i].proc)
			printf("proc %ld %" PRIu64 " %.3f\n", it[i].pid, d,
			       100.0 * (double)d / (double)(t1 - t0));
		else
			printf("pid %ld %" PRIu64 " %.3f\n", it[i].pid, d,
			       100.0 * (double)d / (double)(t1 - t0));
	}
	return 0;
}

/* --- http: a fixed-rate client ---------------------------------------- */

enum conn_state { C_CLOSED, C_CONNECTING, C_IDLE, C_BUSY };

struct conn {
	int fd;
	enum conn_state state;
	uint64_t due;		/* when the request in flight was due */
	size_t have;		/* bytes of the response so far */
	char buf[RESP_MAX];
};

struct http_run {
	struct sockaddr_in addr;
	char req[512];
	size_t req_len;
	struct conn *conns;
	int nconns;
	uint64_t *lat;		/* ns, one per answered request */
	size_t nlat, cap;
	uint64_t sent, ok, errors;
};

static int http_parse_url(const char *url, struct sockaddr_in *a,
			  char *host, size_t hlen, char *path, size_t plen)
{
	const char *p = url + strlen("http://"), *slash, *colon;
	unsigned long port = 80;
	char ip[64];
	size_t n;

	if (strncmp(url, "http://", 7))
		return -1;
	slash = strchr(p, '/');
	if (!slash)
		slash = p + strlen(p);
	colon = memchr(p, ':', (size_t)(slash - p));
	n = (size_t)((colon ? colon : slash) - p);
	if (!n || n >= sizeof(ip) || n >= hlen)
		return -1;
	memcpy(ip, p, n);
	ip[n] = 0;
	snprintf(host, hlen, "%.*s", (int)(slash - p), p);
	if (colon) {
		char *end;

		port = strtoul(colon + 1, &end, 10);
		if (end != slash || !port || port > 65535)
			return -1;
	}
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &a->sin_addr) != 1)
		return -1;
	snprintf(path, plen, "%s", *slash ? slash : "/");
	return 0;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = C_CLOSED;
	c->have = 0;
}

static int conn_open(struct http_run *r, struct conn *c)
{
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->have = 0;
	if (connect(c->fd, (struct sockaddr *)&r->addr, sizeof(r->addr)) &&
	    errno != EINPROGRESS) {
		int e = -errno;

		conn_close(c);
		return e;
	}
	c->state = C_CONNECTING;
	return 0;
}

static void conn_send(struct http_run *r, struct conn *c)
{
	ssize_t w = send(c->fd, r->req, r->req_len, MSG_NOSIGNAL);

	c->have = 0;
	if (w != (ssize_t)r->req_len) {
		/* A request this small fits any fresh socket buffer. */
		r->errors++;
		conn_close(c);
		return;
	}
	c->state = C_BUSY;
}

static void http_record(struct http_run *r, uint64_t lat)
{
	if (r->nlat == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 4096;
		uint64_t *p = realloc(r->lat, cap * sizeof(*p));

		if (!p)
			return;	/* counted in ok, not in the percentiles */
		r->lat = p;
		r->cap = cap;
	}
	r->lat[r->nlat++] = lat;
}

/*
 * A whole response is in c->buf: headers, then Content-Length bytes.
 * Returns 1 when complete, 0 when more is needed, -1 when malformed.
 */
static int http_complete(struct conn *c, bool *status_ok, bool *close_after)
{
	char *end, *cl;
	size_t hdr, len;

	c->buf[c->have] = 0;
	end = strstr(c->buf, "\r\n\r\n");
	if (!end)
		return c->have >= RESP_MAX - 1 ? -1 : 0;
	hdr = (size_t)(end - c->buf) + 4;
	cl = strcasestr(c->buf, "\r\ncontent-length:");
	if (!cl || cl > end)
		return -1;
	len = strtoul(cl + strlen("\r\ncontent-length:"), NULL, 10);
	if (hdr + len >= RESP_MAX)
		return -1;
	if (c->have < hdr + len)
		return 0;
	*status_ok = !strncmp(c->buf, "HTTP/1.1 200", 12) ||
		     !strncmp(c->buf, "HTTP/1.0 200", 12);
	*close_after = strcasestr(c->buf, "\r\nconnection: close") &&
		       strcasestr(c->buf, "\r\nconnection: close") < end;
	return 1;
}

static void conn_readable(struct http_run *r, struct conn *c, uint64_t now)
{
	bool status_ok = false, close_after = false;
	ssize_t n;
	int done;

	n = recv(c->fd, c->buf + c->have, RESP_MAX - 1 - c->have, 0);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		r->errors++;
		conn_close(c);
		return;
	}
	c->have += (size_t)n;
	done = http_complete(c, &status_ok, &close_after);
	if (!done)
		return;
	if (done < 0 || !status_ok) {
		r->errors++;
		conn_close(c);
		return;
	}
	r->ok++;
	http_record(r, now - c->due);
	c->have = 0;
	c->state = C_IDLE;
	if (close_after)
		conn_close(c);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct_us(const uint64_t *v, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	/* Nearest rank. */
	i = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (i < 1)
		i = 1;
	if (i > n)
		i = n;
	return (double)v[i - 1] / NSEC_PER_USEC;
}

/* Start the request due at @due on an idle connection, or open one. */
static bool http_dispatch(struct http_run *r, uint64_t due)
{
	int i, closed = -1;

	for (i = 0; i < r->nconns; i++) {
		struct conn *c = &r->conns[i];

		if (c->state == C_IDLE) {
			c->due = due;
			conn_send(r, c);
			r->sent++;
			return true;
		}
		if (c->state == C_CLOSED && closed < 0)
			closed = i;
	}
	if (closed >= 0) {
		struct conn *c = &r->conns[closed];
		int e = conn_open(r, c);

		if (e) {
			fprintf(stderr, PROG ": connect: %s\n", strerror(-e));
			r->errors++;
			r->sent++;
			return true;	/* dropped: counted as an error */
		}
		c->due = due;
		r->sent++;
		return true;
	}
	return false;	/* every connection busy: stays queued */
}

/* --url of csbench http. */
static int http_url_opt(const char *o, const char *v, void *arg)
{
	if (strcmp(o, "--url"))
		return -1;
	*(const char **)arg = v;
	return 0;
}

static int http_main(int argc, char **argv)
{
	double rate = 100, secs = 10, nconns = 4;
	char host[128], path[256];
	struct pollfd pfd[CONNS_MAX];
	struct http_run r = { 0 };
	uint64_t t0, end, period, next, drain_end;
	uint64_t queued[4096];
	size_t qhead = 0, qlen = 0;
	const char *url = NULL;
	double sum = 0;
	const struct num_opt opts[] = {
		{ "--rate", 0.1, RATE_MAX, "requests/s, 0.1..100000", &rate },
		{ "--seconds", 0.1, SECONDS_MAX, "seconds", &secs },
		{ "--conns", 1, CONNS_MAX, "1..64 connections", &nconns },
		{ NULL },
	};
	size_t k;
	int i;

	i = parse_opts(argc, argv, opts, http_url_opt, &url);
	if (i)
		return i;
	if (!url)
		return usage();
	if (http_parse_url(url, &r.addr, host, sizeof(host), path,
			   sizeof(path)))
		return bad_arg("--url", url,
			       "http://IPV4[:PORT]/PATH (an address, not a name)");
	r.req_len = (size_t)snprintf(r.req, sizeof(r.req),
				     "GET %s HTTP/1.1\r\nHost: %s\r\n"
				     "User-Agent: csbench\r\n\r\n", path, host);
	r.nconns = (int)nconns;
	r.conns = calloc((size_t)r.nconns, sizeof(*r.conns));
	if (!r.conns) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	for (i = 0; i < r.nconns; i++)
		r.conns[i].fd = -1;
	signal(SIGPIPE, SIG_IGN);

	period = (uint64_t)(NSEC_PER_SEC / rate);
	t0 = now_ns();
	next = t0;
	end = t0 + (uint64_t)(secs * NSEC_PER_SEC);
	/* Answers to the last requests may take a while: wait up to 5 s. */
	drain_end = end + 5 * NSEC_PER_SEC;
	for (;;) {
		uint64_t now = now_ns();
		int timeout, np = 0;
		bool busy = false;

		while (next < end && next <= now) {
			if (qlen == sizeof(queued) / sizeof(queued[0])) {
				r.errors++;	/* backlog overflow: dropped */
				r.sent++;
			} else {
				queued[(qhead + qlen++) % 4096] = next;
			}
			next += period;
		}
		while (qlen && http_dispatch(&r, queued[qhead])) {
			qhead = (qhead + 1) % 4096;
			qlen--;
		}
		for (i = 0; i < r.nconns; i++)
			if (r.conns[i].state == C_CONNECTING ||
			    r.conns[i].state == C_BUSY)
				busy = true;
		if (next >= end && !qlen && !busy)
			break;
		if (now >= drain_end) {
			r.errors += qlen;
			for (i = 0; i < r.nconns; i++)
				if (r.conns[i].state == C_CONNECTING ||
				    r.conns[i].state == C_BUSY)
					r.errors++;
			break;
		}
		for (i = 0; i < r.nconns; i++) {
			struct conn *c = &r.conns[i];

			pfd[i].fd = c->fd;
			pfd[i].events = c->state == C_CONNECTING ? POLLOUT :
					c->state == C_CLOSED ? 0 : POLLIN;
			pfd[i].revents = 0;
			if (c->state == C_CLOSED)
				pfd[i].fd = -1;
			np++;
		}
		if (next < end)
			timeout = next > now ?
				  (int)((next - now + 999999) / 1000000) : 0;
		else
			timeout = 100;
		if (poll(pfd, (nfds_t)np, timeout) < 0 && errno != EINTR) {
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			return 1;
		}
		now = now_ns();
		for (i = 0; i < r.nconns; i++) {
			struct conn *c = &r.conns[i];

			if (!pfd[i].revents || pfd[i].fd < 0)
				continue;
			if (c->state == C_CONNECTING) {
				int err = 0;
				socklen_t l = sizeof(err);

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err,
					   &l);
				if (err) {
					fprintf(stderr, PROG ": connect: %s\n",
						strerror(err));
					r.errors++;
					conn_close(c);
					continue;
				}
				conn_send(&r, c);
			} else if (c->state == C_BUSY || c->state == C_IDLE) {
				if (c->state == C_IDLE) {
					/* The server closed a kept connection. */
					conn_close(c);
					continue;
				}
				conn_readable(&r, c, now);
			}
		}
	}
	for (i = 0; i < r.nconns; i++)
		conn_close(&r.conns[i]);
	qsort(r.lat, r.nlat, sizeof(*r.lat), cmp_u64);
	for (k = 0; k < r.nlat; k++)
		sum += (double)r.lat[k];
	printf("requests %" PRIu64 " ok %" PRIu64 " errors %" PRIu64
	       " p50_us %.1f p90_us %.1f p99_us %.1f max_us %.1f mean_us %.1f"
	       " seconds %.3f\n",
	       r.sent, r.ok, r.errors, pct_us(r.lat, r.nlat, 50),
	       pct_us(r.lat, r.nlat, 90), pct_us(r.lat, r.nlat, 99),
	       pct_us(r.lat, r.nlat, 100),
	       r.nlat ? sum / (double)r.nlat / NSEC_PER_USEC : 0.0,
	       (double)(now_ns() - t0) / NSEC_PER_SEC);
	free(r.lat);
	free(r.conns);
	return r.ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "unit"))
		return unit_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "duty"))
		return duty_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "seed"))
		return seed_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "window"))
		return window_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "http"))
		return http_main(argc - 2, argv + 2);
	return usage();
}
