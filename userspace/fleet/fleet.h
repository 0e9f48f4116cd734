/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * cpustress fleet: many `cpustress serve` exporters seen from one place.
 *
 *   fleet/targets.c  the target list: HOST:PORT arguments, file_sd JSON
 *   fleet/client.c   a bounded HTTP/1.1 client (time, header, body)
 *   fleet/poll.c     /v1/stats of every host at once, read strictly
 *   fleet/verdict.c  the fleet median and each host's verdict over a window
 *
 * No target is ever contacted but those named; every request is bounded
 * in time and size, and a host that answers garbage is "down" with the
 * reason, never a reason to stop.
 */
#ifndef CPUSTRESS_FLEET_H
#define CPUSTRESS_FLEET_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- the verdict's thresholds: tools/prometheus/alerts.yml follows these
 * (tests/host/fleet.sh fails when they differ) ------------------------- */

#define CS_FLEET_SLOW_RATIO	0.8	/* per-CPU rate / fleet median, below */
#define CS_FLEET_STEAL_RATIO	0.1	/* steal share of a CPU, above */
#define CS_FLEET_WAIT_EXCESS	0.25	/* wait share of a CPU above the fleet median's */
#define CS_FLEET_WINDOW		3	/* polls a condition must hold (or not) */

/* --- limits and defaults --------------------------------------------- */

#define CS_FLEET_TARGETS_MAX	64
#define CS_FLEET_LABELS_MAX	16	/* labels per target */
#define CS_FLEET_LABEL_LEN	128	/* bytes of a label's name or value */
#define CS_FLEET_HOST_LEN	256	/* bytes of "HOST:PORT" */
#define CS_FLEET_FILE_MAX	(1u << 20)	/* bytes of a targets file */
#define CS_FLEET_HEADER_MAX	(16u << 10)	/* bytes of an answer's header */
#define CS_FLEET_STATS_MAX	(1u << 20)	/* bytes of a /v1/stats body */
#define CS_FLEET_TIMEOUT_MS	2000	/* one poll: resolve, connect, answer */
#define CS_FLEET_INTERVAL_DEF	2	/* s between rounds */
#define CS_FLEET_INTERVAL_MAX	3600	/* s, --interval's largest */
#define CS_FLEET_ERR_MAX	256

/* --- fleet/targets.c ------------------------------------------------- */

struct cs_fleet_label {
	char name[CS_FLEET_LABEL_LEN];
	char value[CS_FLEET_LABEL_LEN];
};

/**
 * struct cs_fleet_target - one exporter
 * @name: "HOST:PORT" as given ("[V6]:PORT" for IPv6)
 * @host: the host part, without brackets
 * @port: the port
 * @nlabels: entries in @labels
 * @labels: its file_sd labels (none for a target given as an argument)
 * @cost: the cost_per_hour label, USD per hour; 0 when none
 */
struct cs_fleet_target {
	char name[CS_FLEET_HOST_LEN];
	char host[CS_FLEET_HOST_LEN];
	uint16_t port;
	uint32_t nlabels;
	struct cs_fleet_label labels[CS_FLEET_LABELS_MAX];
	double cost;
};

struct cs_fleet_targets {
	uint32_t n;
	struct cs_fleet_target t[CS_FLEET_TARGETS_MAX];
};

/*
 * Add "HOST:PORT" (HOST a name or IPv4 address, or "[V6]"); a duplicate,
 * a bad port, a bad host or one past CS_FLEET_TARGETS_MAX is -EINVAL with
 * a sentence naming @s.
 */
int cs_fleet_target_add(struct cs_fleet_targets *ts, const char *s,
			char *err, size_t errlen);

/*
 * The targets of a Prometheus file_sd JSON document (@name for messages):
 * an array of {"targets": [...], "labels": {...}}, labels strings. A
 * "cost_per_hour" label must be a price (a decimal number above 0).
 */
int cs_fleet_targets_parse(struct cs_fleet_targets *ts, const char *buf,
			   size_t len, const char *name, char *err,
			   size_t errlen);
/* The same from a file of at most CS_FLEET_FILE_MAX bytes. */
int cs_fleet_targets_load(struct cs_fleet_targets *ts, const char *path,
			  char *err, size_t errlen);

/* --- fleet/client.c -------------------------------------------------- */

/**
 * struct cs_http_req - one request
 * @host: name or address (resolution is bounded by @timeout_ms too)
 * @port: its port
 * @method: "GET" or "POST"
 * @path: the path and query
 * @apikey: the value of an "apikey" header, or NULL
 * @body: a JSON body, or NULL
 * @body_len: its length
 * @timeout_ms: the whole exchange, from resolving to the last byte
 * @body_max: the largest body accepted
 * @stop: when set, the request gives up within about 100 ms (or NULL)
 */
struct cs_http_req {
	const char *host;
	uint16_t port;
	const char *method;
	const char *path;
	const char *apikey;
	const char *body;
	size_t body_len;
	uint32_t timeout_ms;
	size_t body_max;
	volatile sig_atomic_t *stop;
};

/**
 * struct cs_http_resp - the answer
 * @status: the HTTP status
 * @body: the body, NUL-terminated (malloc'd; cs_http_resp_free())
 * @len: its length
 */
struct cs_http_resp {
	unsigned int status;
	char *body;
	size_t len;
};

/*
 * Send @q and read the whole answer (HTTP/1.0 or 1.1, Content-Length or
 * up to the close; "Connection: close" is asked). Return: 0 (any status),
 * or a negative errno with the reason in @err: -ETIMEDOUT, -ECONNREFUSED,
 * -EHOSTUNREACH (resolving failed), -EFBIG (header or body too large),
 * -EPROTO (not HTTP), -EINTR (@stop), others.
 */
int cs_http_request(const struct cs_http_req *q, struct cs_http_resp *r,
		    char *err, size_t errlen);
void cs_http_resp_free(struct cs_http_resp *r);

/* --- fleet/poll.c ---------------------------------------------------- */

enum cs_fleet_state {
	CS_FLEET_DOWN,		/* no answer, or not a working exporter */
	CS_FLEET_STOPPED,	/* answers, no load running */
	CS_FLEET_RUNNING,
};

/**
 * struct cs_fleet_stats - what one poll of one host found
 * @state: see enum cs_fleet_state
 * @err: why it is down
 * @hostname: the exporter's host name
 * @engine: its engine
 * @seq: its sampleSeq
 * @ncpus: CPUs online
 * @loaded: CPUs whose worker runs
 * @ops: work units per second, all CPUs (the /cpu-perf number)
 * @per_cpu: work units per second per loaded CPU, each CPU's the median
 *	of its recent rates (its newest 1-s rate while it has none)
 * @steal: the largest steal share of a loaded CPU, 0..1
 * @wait: the largest run-queue wait share of a loaded CPU, 0..1
 * @loadtest: a load test runs on it
 */
struct cs_fleet_stats {
	enum cs_fleet_state state;
	char err[CS_FLEET_ERR_MAX];
	char hostname[CS_FLEET_HOST_LEN];
	char engine[16];
	uint64_t seq;
	uint32_t ncpus;
	uint32_t loaded;
	double ops;
	double per_cpu;
	double steal;
	double wait;
	bool loadtest;
};

/* A /v1/stats body read strictly: 0, or -EPROTO with the reason in @err. */
int cs_fleet_stats_parse(const char *buf, size_t len,
			 struct cs_fleet_stats *st, char *err, size_t errlen);

/* Poll /v1/stats of every target at once, each within @timeout_ms. */
void cs_fleet_poll(const struct cs_fleet_targets *ts, uint32_t timeout_ms,
		   struct cs_fleet_stats *out);

/* --- fleet/verdict.c ------------------------------------------------- */

enum cs_fleet_reason {
	CS_REASON_SLOW,
	CS_REASON_STEAL,
	CS_REASON_WAIT,
	CS_REASONS,
};

extern const char *const cs_fleet_reason_names[CS_REASONS];

/**
 * struct cs_fleet_host - one host across rounds
 * @cur: the newest poll
 * @ratio: its per-CPU rate relative to the fleet median; NaN when not
 *	running or no median
 * @wait_excess: its wait share above the fleet median's
 * @held: per reason, the condition held in the last @run[reason] polls
 *	(when @held) or failed in them (when not)
 * @run: see @held
 * @flag: per reason, the verdict: set once the condition held in
 *	CS_FLEET_WINDOW polls in a row, cleared once it failed in as many
 * @polls: polls of this host in which it was running
 */
struct cs_fleet_host {
	struct cs_fleet_stats cur;
	double ratio;
	double wait_excess;
	bool held[CS_REASONS];
	uint32_t run[CS_REASONS];
	bool flag[CS_REASONS];
	uint32_t polls;
};

/**
 * struct cs_fleet_round - the fleet after one round of polls
 * @n: hosts
 * @total: the sum of the running hosts' work units per second
 * @median: the median per-CPU rate of the running hosts; NaN for none
 * @median_total: the median of their totals; NaN for none
 * @median_wait: the median of their largest wait shares; NaN for none
 */
struct cs_fleet_round {
	uint32_t n;
	double total;
	double median;
	double median_total;
	double median_wait;
};

/* The median of @n values (sorted in place); NaN when @n is 0. */
double cs_fleet_median(double *v, uint32_t n);

/*
 * Take one round of polls (@polled[i] for @hosts[i]) into @hosts and
 * work out the fleet's figures and every verdict.
 */
void cs_fleet_update(struct cs_fleet_host *hosts, uint32_t n,
		     const struct cs_fleet_stats *polled,
		     struct cs_fleet_round *r);

/* Whether the host's verdict is THROTTLED (a reason flagged). */
bool cs_fleet_throttled(const struct cs_fleet_host *h);

/*
 * The verdict as shown: "ok", "THROTTLED (slow)", "THROTTLED (slow,wait)",
 * "stopped", "down (REASON)".
 */
void cs_fleet_verdict(const struct cs_fleet_host *h, char *buf, size_t len);

/* --- fleet/aggregate.c and fleet/server.c: cpustress fleet serve ----- */

#define CS_FLEET_LIST_MAX	2000	/* entries in /v1/fleet/loadtests */
#define CS_FLEET_RESULT_MAX	(4u << 20)	/* bytes of a result fetched */
#define CS_FLEET_LISTEN_DEFAULT	"127.0.0.1:8090"

/**
 * struct cs_fleet_answer - one host's answer to a request of the server
 * @ret: cs_http_request()'s return
 * @err: its reason when @ret
 * @resp: the answer when not
 */
struct cs_fleet_answer {
	int ret;
	char err[CS_FLEET_ERR_MAX];
	struct cs_http_resp resp;
};

/* GET /v1/fleet's body (malloc'd), or NULL when out of memory. */
char *cs_fleet_render(const struct cs_fleet_targets *ts,
		      const struct cs_fleet_host *hosts,
		      const struct cs_fleet_round *r, uint64_t round);

/*
 * GET /v1/fleet/loadtests's body from every host's /v1/loadtests answer
 * (@a[i] for target i): {"loadtests": [...newest first, each with
 * "host"], "errors": {HOST: reason}}; NULL when out of memory.
 */
char *cs_fleet_merge_lists(const struct cs_fleet_targets *ts,
			   const struct cs_fleet_answer *a);

/* GET @path of every target at once, each bounded by @timeout_ms, @body_max. */
void cs_fleet_get_all(const struct cs_fleet_targets *ts, const char *path,
		      uint32_t timeout_ms, size_t body_max,
		      struct cs_fleet_answer *out);

/**
 * struct cs_fleet_serve_opts - cpustress fleet serve's options
 * @ts: the targets
 * @listen: --listen (CS_FLEET_LISTEN_DEFAULT)
 * @apikey_file: --apikey-file: the keys a load test's POST must carry one
 *	of (passed on to the host); empty: the client's key is passed on and
 *	the host's keys decide
 * @interval_s: --interval between polls
 */
struct cs_fleet_serve_opts {
	struct cs_fleet_targets ts;
	char listen[128];
	char apikey_file[4096];
	uint32_t interval_s;
};

/* GET / of fleet serve: build/gen/fleet_page.c, from web/fleet.html. */
extern const unsigned char cs_fleet_page_html[];
extern const size_t cs_fleet_page_html_len;

/* Serve until SIGINT or SIGTERM (blocked by the caller): 0, or -1 logged. */
int cs_fleet_serve(const struct cs_fleet_serve_opts *o, const sigset_t *set);

#endif /* CPUSTRESS_FLEET_H */
