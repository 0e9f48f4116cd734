/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * cpustress serve: the HTTP exporter (libmicrohttpd, jansson).
 *
 *   cli/cmd_serve.c  main: options, state directory, socket, signals
 *   serve/args.c     the listen address and log level syntax, the log
 *   serve/daemon.c   the server: engine, load tests, collector, daemon,
 *                    connections and their deadline; start and stop
 *   serve/handler.c  the request handler: routing, limits, answers
 *   serve/http.c     request checks: API keys, bodies, IDs, error answers
 *   serve/store.c    load-test results as files under the state directory
 *   serve/loadtest.c POST /v1/loadtest: one sweep at a time, on its thread
 *   serve/shared_engine.c  one engine shared by threads, a mutex around each call
 *   serve/collect.c  the collector thread: the newest view of the engine
 *   serve/history.c  its recent history, for GET /v1/history
 *   serve/render.c   /metrics, /v1/stats, /v1/history and /cpu-perf
 *   build/gen/serve_page.c  GET /: the dashboard (generated from web/, see Makefile)
 *
 * Request threads never call the engine: they render the collector's
 * newest view, so a slow engine or a running sweep never holds up a scrape.
 */
#ifndef CPUSTRESS_SERVE_H
#define CPUSTRESS_SERVE_H

#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "sweep/sweep.h"

/* --- limits and defaults --------------------------------------------- */

#define CS_SERVE_LISTEN_DEFAULT		"0.0.0.0:8080"
#define CS_SERVE_APIKEYS_DEFAULT	"~/.pcd/apikeys"	/* ~ = $HOME */
#define CS_SERVE_CONNS_DEFAULT		256	/* --max-connections */
#define CS_SERVE_CONNS_PER_IP_DEFAULT	64	/* --max-per-ip */
#define CS_SERVE_TIMEOUT_DEFAULT	10	/* s, --request-timeout */
#define CS_SERVE_KEEP_DEFAULT		100	/* results kept, --keep */
#define CS_SERVE_KEEP_MAX		10000
#define CS_SERVE_THREADS		4	/* libmicrohttpd's thread pool */
#define CS_SERVE_HEADER_MAX		8192	/* bytes of request line + headers: 431 */
/* Headers read in full and answered by cpustress, and memory kept for the
 * answer's own headers (serve/daemon.c) */
#define CS_SERVE_HEADER_READ_MAX	(96 * 1024)
#define CS_SERVE_ANSWER_RESERVE		(32 * 1024)
#define CS_SERVE_BODY_MAX		4096	/* bytes of a POST body: 413 */
#define CS_SERVE_POLL_MS		500	/* collector period */
#define CS_APIKEY_MIN			8	/* characters */
#define CS_APIKEY_MAX			256
#define CS_APIKEYS_MAX			64	/* keys in the file */
#define CS_LOADTEST_LIMIT_S		120	/* a load test's whole time limit */
#define CS_LOADTEST_ID_MAX		64

/* --- logging: --log-level or PCD_LOGLEVEL ---------------------------- */

enum cs_log_level {
	CS_LOG_ERROR,
	CS_LOG_WARN,
	CS_LOG_INFO,
	CS_LOG_DEBUG,
};

/* "error", "warn"/"warning", "info", "debug" (any case); -EINVAL otherwise. */
int cs_log_level_parse(const char *s, enum cs_log_level *out);
void cs_log_set_level(enum cs_log_level l);
/* One line on stderr: "<ISO time> <level> <message>", if @l is enabled. */
void cs_log(enum cs_log_level l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* --- options (filled by cli/cmd_args.c) ----------------------------- */

/**
 * struct cs_serve_opts - cpustress serve's options
 * @listen: --listen, else $LISTENADDRESS, else CS_SERVE_LISTEN_DEFAULT:
 *          "HOST:PORT", "[V6ADDR]:PORT" or ":PORT" (all addresses, v4+v6)
 * @apikey_file: --apikey-file (CS_SERVE_APIKEYS_DEFAULT, ~ expanded)
 * @state_dir: --state-dir, else $STATE_DIRECTORY (systemd), else
 *             /var/lib/cpustress for root, ~/.local/state/cpustress others
 * @log_level: --log-level, else $PCD_LOGLEVEL, else info
 * @engine: --engine kernel|user
 * @load: --load: start a run at @busy_pct on @cpus when serving begins
 *        (stopped on exit; a load test pauses it and starts it again)
 * @busy_pct: --busy (100)
 * @cpus: --cpus (all)
 * @max_conns: --max-connections
 * @max_per_ip: --max-per-ip
 * @timeout_s: --request-timeout: idle or trickling connections are closed
 * @keep: --keep: results kept in the state directory, oldest removed
 * @per_cpu_hist: --per-cpu-histogram: /metrics has the unit-duration
 *        histogram per CPU instead of once for the host
 */
struct cs_serve_opts {
	char listen[128];
	char apikey_file[PATH_MAX];
	char state_dir[PATH_MAX];
	enum cs_log_level log_level;
	const char *engine;
	bool load;
	uint32_t busy_pct;
	const char *cpus;
	uint32_t max_conns;
	uint32_t max_per_ip;
	uint32_t timeout_s;
	uint32_t keep;
	bool per_cpu_hist;
};

/* --- serve/shared_engine.c ------------------------------------------------- */

/**
 * cs_engine_locked() - a handle on @inner whose every call holds @mu
 * @inner: the engine (not owned: closing the handle leaves it open)
 * @mu: the mutex all handles on @inner share
 * @out: the new handle; its err is its own
 *
 * Return: 0 or -ENOMEM.
 */
int cs_engine_locked(struct cs_engine *inner, pthread_mutex_t *mu,
		     struct cs_engine **out);

/* --- serve/collect.c ------------------------------------------------- */

#define CS_VIEW_CPUS_MAX	1024

/**
 * struct cs_view_cpu - one CPU as the exporter shows it
 * @cpu: CPU number
 * @state: offline, idle or running
 * @rate: newest sample of the engine
 * @units_total: work units since the module was loaded (user engine: since
 *               serve started)
 * @steal_ns, @wait_ns, @irqs, @busy_ns: monotonic totals since serve
 *               started. The engine's own counters restart at every
 *               statistics window (a sweep's RESET_STATS); the collector adds
 *               their growth, so these never go down.
 * @hist: unit-duration histogram (include/cpustress/hist.h buckets),
 *        monotonic the same way
 * @hist_count: sum of @hist
 */
struct cs_view_cpu {
	uint32_t cpu;
	enum cpustress_cpu_state state;
	struct cs_cpu_rate rate;
	struct cs_recent recent;
	uint64_t units_total;
	uint64_t steal_ns;
	uint64_t wait_ns;
	uint64_t irqs;
	uint64_t busy_ns;
	uint64_t selfcheck_errors;
	uint64_t hist[CS_HIST_BUCKETS];
	uint64_t hist_count;
};

/**
 * struct cs_view - what the engine looked like at the collector's last poll
 * @seq: poll number, from 1; 0 = no poll has succeeded yet
 * @time_ms: wall-clock time of the poll (Unix ms)
 * @up: the last poll succeeded; if not, @err says why and the rest is the
 *      last good poll's
 * @err: the engine's message when !@up
 * @engine: "kernel" or "user"
 * @st: status
 * @host: the host's unit-duration histogram: @hist, @hist_count and
 *        @busy_ns summed over every CPU the collector has seen, offline ones
 *        included, so they never go down (the other fields are unused)
 * @ncpus: entries in @cpu (online CPUs, ascending)
 * @cpu: per CPU (CS_VIEW_CPUS_MAX entries)
 */
struct cs_view {
	uint64_t seq;
	int64_t time_ms;
	bool up;
	char err[CS_ERR_MAX];
	char engine[16];
	struct cs_status st;
	struct cs_view_cpu host;
	uint32_t ncpus;
	struct cs_view_cpu *cpu;
};

/* --- serve/history.c: the recent history ----------------------------- */

/*
 * GET /v1/history: one poll kept per CS_HISTORY_STEP_MS, the newest
 * CS_HISTORY_POINTS of them, so the last CS_HISTORY_WINDOW_MS: what the
 * dashboard's live chart shows (its WINDOW_MS, web/index.html; the test
 * tests/host/dashboard.sh fails when the two differ).
 */
#define CS_HISTORY_WINDOW_MS	(5 * 60 * 1000)
#define CS_HISTORY_STEP_MS	1000
#define CS_HISTORY_POINTS	(CS_HISTORY_WINDOW_MS / CS_HISTORY_STEP_MS)

/* One CPU of a point: its work units per second (x 1000) at that poll. */
struct cs_history_cpu {
	uint32_t cpu;
	uint64_t ops_milli;
};

/**
 * struct cs_history_point - one poll kept
 * @time_ms: the view's time (Unix ms)
 * @ops_per_sec: the total, as /v1/stats has it
 * @ncpus: entries in @cpu
 * @cpu: each online CPU, ascending
 */
struct cs_history_point {
	int64_t time_ms;
	uint64_t ops_per_sec;
	uint32_t ncpus;
	struct cs_history_cpu *cpu;
};

/**
 * struct cs_history - the newest points, a ring
 * @mu: guards the rest
 * @cap: CPUs a point holds, fixed by the first point (0: none yet)
 * @n: points held, at most CS_HISTORY_POINTS
 * @next: the slot the next point goes to
 * @pt: the ring; pt[i].cpu is @cpu + i * @cap
 * @cpu: CS_HISTORY_POINTS * @cap entries
 */
struct cs_history {
	pthread_mutex_t mu;
	uint32_t cap;
	uint32_t n;
	uint32_t next;
	struct cs_history_point pt[CS_HISTORY_POINTS];
	struct cs_history_cpu *cpu;
};

void cs_history_init(struct cs_history *h);
void cs_history_destroy(struct cs_history *h);
int cs_history_add(struct cs_history *h, const struct cs_view *v,
		   uint32_t max_cpus, uint32_t poll_ms);
int cs_history_copy(struct cs_history *h, struct cs_history_point **out,
		    uint32_t *n);

struct cs_collector;

/*
 * Start the collector thread polling @e (a cs_engine_locked() handle, which
 * it owns from then on) every @poll_ms. The first poll is done before this
 * returns, so a view is ready at once (its @up says how it went). After
 * every poll it renders the view's part of /metrics (with @render_flags,
 * CS_RENDER_*). On failure @e stays the caller's.
 */
int cs_collector_start(struct cs_engine *e, uint32_t poll_ms,
		       unsigned int render_flags, struct cs_collector **out);
void cs_collector_stop(struct cs_collector *c);
/* Copy the newest view into @v (allocating v->cpu the first time). */
int cs_collector_view(struct cs_collector *c, struct cs_view *v);
/* The same without the CPUs: @v->ncpus is 0, @v->cpu is left alone. */
void cs_collector_view_head(struct cs_collector *c, struct cs_view *v);
struct cs_serve_info;
/*
 * /metrics of the newest view, the text rendered at its poll with @i's
 * families of now around it (malloc'd in *@out). Return: 0 or -ENOMEM.
 */
int cs_collector_metrics(struct cs_collector *c,
			 const struct cs_serve_info *i, char **out,
			 size_t *len);
/* GET /v1/history of the collector (malloc'd in *@out): 0 or -ENOMEM. */
int cs_collector_history(struct cs_collector *c, char **out, size_t *len);
void cs_view_free(struct cs_view *v);

/* --- serve/render.c -------------------------------------------------- */

/**
 * struct cs_serve_info - what the renderers show beside the view
 * @version: CS_VERSION
 * @hostname: gethostname()
 * @kernel: uname release
 * @loadtest_running: a load test is in progress
 * @loadtest_id: its ID, or the newest finished one's, or ""
 * @loadtests_done: load tests finished since serve started, by outcome
 * @loadtests_failed: ... of which did not complete
 * @requests: HTTP requests answered, by class (index = status / 100)
 */
struct cs_serve_info {
	const char *version;
	char hostname[256];
	char kernel[128];
	bool loadtest_running;
	char loadtest_id[CS_LOADTEST_ID_MAX];
	uint64_t loadtests_done;
	uint64_t loadtests_failed;
	uint64_t requests[6];
};

/* The unit-duration histogram's family name. */
#define CS_HIST_FAMILY		"cpustress_work_unit_duration_seconds"

/*
 * Render flags. CS_RENDER_PER_CPU_HIST (serve --per-cpu-histogram): the
 * unit-duration histogram per CPU, with a cpu label, instead of once for
 * the host.
 */
#define CS_RENDER_PER_CPU_HIST	1u

/* The Prometheus text format 0.0.4 content type, exactly. */
#define CS_METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/*
 * Each renderer returns a malloc'd NUL-terminated body in *@out (length in
 * *@len), or -ENOMEM.
 *
 * /cpu-perf: the total ops/s of the newest sample, an integer, and "\n".
 * /metrics: the families are listed in docs/metrics.md.
 * /v1/stats: JSON, its fields are in docs/metrics.md too.
 */
int cs_render_cpu_perf(const struct cs_view *v, char **out, size_t *len);
int cs_render_metrics(const struct cs_view *v, const struct cs_serve_info *i,
		      unsigned int flags, char **out, size_t *len);
/*
 * /metrics in two parts: the families of the view (cpustress_up to the
 * histogram), rendered once per poll, and around them those of the
 * request's time (build info, load tests, request counters).
 */
struct cs_text {
	char *p;	/* NUL-terminated, malloc'd */
	size_t len;
	size_t cap;	/* bytes allocated */
};
int cs_render_metrics_view(const struct cs_view *v, unsigned int flags,
			   struct cs_text *t);
int cs_render_metrics_wrap(const char *engine, const char *view_text,
			   size_t view_len, const struct cs_serve_info *i,
			   char **out, size_t *len);
int cs_render_stats(const struct cs_view *v, const struct cs_serve_info *i,
		    char **out, size_t *len);
/* /v1/history: the @n points @pt, oldest first (docs/http-api.md). */
int cs_render_history(const struct cs_history_point *pt, uint32_t n,
		      char **out, size_t *len);

/* --- serve_page.c (generated) ---------------------------------------- */

/* The pages' Content-Security-Policy: nothing from anywhere else. */
#define CS_PAGE_CSP	"default-src 'self'; script-src 'self' 'unsafe-inline'; " \
			"style-src 'self' 'unsafe-inline'; img-src 'self' data:; " \
			"connect-src 'self'"
extern const unsigned char cs_page_html[];
extern const size_t cs_page_html_len;

/* === internal API of the exporter's files (and of cli/cmd_serve.c)
 * -------------------------------------------------------------------- */

struct MHD_Connection;
struct MHD_Daemon;
struct MHD_Response;

/* --- serve/args.c: the listen address ------------------------------- */

/**
 * struct cs_listen - a listen address taken apart
 * @host: the address without brackets; "" for every address (v4 and v6)
 * @port: the port; 0 lets the kernel choose a free one
 * @v6: the address was given in brackets
 */
struct cs_listen {
	char host[128];
	uint16_t port;
	bool v6;
};

/**
 * cs_listen_parse() - "HOST:PORT", "[V6ADDR]:PORT" or ":PORT"
 *
 * HOST is an IPv4 address or a host name; an IPv6 address must be in
 * brackets. Return: 0, or -EINVAL with a sentence in @err naming @s.
 */
int cs_listen_parse(const char *s, struct cs_listen *l, char *err,
		    size_t errlen);

/* --- serve/http.c: API keys ------------------------------------------ */

#define CS_APIKEYS_FILE_MAX	(64 * 1024)	/* bytes */

/**
 * struct cs_apikeys - the keys of an API key file
 * @n: usable keys
 * @len: length of each
 * @key: the keys, NUL-terminated
 */
struct cs_apikeys {
	uint32_t n;
	size_t len[CS_APIKEYS_MAX];
	char key[CS_APIKEYS_MAX][CS_APIKEY_MAX + 1];
};

/**
 * cs_apikeys_load() - read an API key file
 *
 * One key per line, surrounding blanks trimmed; blank lines and lines
 * starting with '#' are skipped. A key shorter than CS_APIKEY_MIN or
 * longer than CS_APIKEY_MAX characters, and any key past the first
 * CS_APIKEYS_MAX, is ignored with a warning naming its line.
 * Return: 0 (@k->n may be 0), or a negative errno with a sentence in
 * @err: -ENOENT (no file), -EFBIG (over CS_APIKEYS_FILE_MAX), others.
 */
int cs_apikeys_load(const char *path, struct cs_apikeys *k, char *err,
		    size_t errlen);

/**
 * cs_apikeys_advice() - why no key is usable, and how to add one
 * @path: the API key file
 * @load_ret: what cs_apikeys_load() returned (0: the file has no key)
 * @buf: the sentence, for the server's log (it names the path)
 * @len: its size
 *
 * A missing file, an unusable one and one without a usable key are told
 * apart.
 */
void cs_apikeys_advice(const char *path, int load_ret, char *buf,
		       size_t len);

/**
 * cs_apikeys_count() - how many usable keys an API key file has, now
 * @path: the API key file
 * @why: when none, cs_apikeys_advice()'s sentence (for the server's log)
 * @len: its size
 *
 * Return: the count; 0 when the file is missing, unusable or has no key.
 */
uint32_t cs_apikeys_count(const char *path, char *why, size_t len);

/**
 * cs_ct_equal() - compare two strings in constant time
 *
 * Time depends only on the lengths: every byte of the longer string is
 * looked at, whatever differs where.
 */
bool cs_ct_equal(const char *a, size_t alen, const char *b, size_t blen);

enum cs_auth {
	CS_AUTH_OK,
	CS_AUTH_MISSING,	/* no apikey header: 401 */
	CS_AUTH_WRONG,		/* no key matches: 403 */
	CS_AUTH_NO_KEYS,	/* the file has no usable key: 403 */
};

/**
 * cs_apikey_check() - whether @given (NULL: no header) is a key of @path
 * @msg: the sentence for the client when the answer is not CS_AUTH_OK
 *
 * The file is read on every call, so keys added take effect at once.
 */
enum cs_auth cs_apikey_check(const char *path, const char *given, char *msg,
			     size_t msglen);

/* --- serve/http.c: load-test requests and IDs ------------------------ */

#define CS_LOADTEST_LEVELS_MAX		20
#define CS_LOADTEST_DURATION_MAX	30	/* s */
#define CS_LOADTEST_DURATION_DEF	(CS_SWEEP_WINDOW_MS_DEF / 1000) /* s */
#define CS_LOADTEST_WARMUP_MAX		10	/* s */
#define CS_LOADTEST_WARMUP_MS_DEF	CS_SWEEP_SETTLE_MS_DEF
#define CS_LOADTEST_RUNS_MAX		5
#define CS_LOADTEST_MARGIN_S		5	/* of the limit, for overheads */

/* The plan of a POST /v1/loadtest without a body: 10..100 % step 10. */
void cs_loadtest_plan_default(struct cs_sweep_plan *p);

/**
 * cs_loadtest_plan_parse() - the body of POST /v1/loadtest
 * @body: the body (not NUL-terminated); empty for the default plan
 * @len: its length
 * @p: the plan: the default with the body's fields applied
 *
 * A JSON object with optional "busy", "duration", "warmup", "runs" and
 * "cpus". Return: 0, or -EINVAL with a sentence naming the field in @err.
 */
int cs_loadtest_plan_parse(const char *body, size_t len,
			   struct cs_sweep_plan *p, char *err, size_t errlen);

/* [A-Za-z0-9-]{1,63}: what /v1/loadtests/ID accepts at all. */
bool cs_loadtest_id_valid(const char *id);

/* --- serve/http.c: the listening socket ----------------------------- */

/**
 * cs_listen_open() - a listening socket for the address @spec
 * @spec: as cs_listen_parse() takes it; ":PORT" listens on every address,
 *	IPv6 and IPv4 (one dual-stack socket; IPv4 alone without IPv6)
 * @desc: the address actually bound, "127.0.0.1:8080" or "[::1]:8080"
 *	(port 0 asks the kernel for a free port: @desc names it)
 *
 * Return: the socket (non-blocking, close-on-exec), or a negative errno
 * with a sentence in @err naming @spec and the cause.
 */
int cs_listen_open(const char *spec, char *desc, size_t desclen, char *err,
		   size_t errlen);

/* --- serve/http.c: answers ------------------------------------------- */

/* {"error": @msg} (with "id": @id unless NULL) as a malloc'd line, or NULL. */
char *cs_json_error(const char *msg, const char *id);
/*
 * The body of every 409: {"error": @msg, "id": @running}, the ID of the
 * load test running, null when none is (NULL or ""); a malloc'd line, or
 * NULL.
 */
char *cs_json_conflict(const char *msg, const char *running);

/*
 * A response holding a copy of @body, with Content-Type @ctype and
 * Cache-Control: no-store; NULL when out of memory.
 */
struct MHD_Response *cs_http_response(const void *body, size_t len,
				      const char *ctype);
/* The same taking @body over (malloc'd: freed with the response, or now). */
struct MHD_Response *cs_http_response_take(char *body, size_t len,
					   const char *ctype);

/* --- serve/store.c --------------------------------------------------- */

#define CS_STORE_LIST_MAX	500		/* entries in /v1/loadtests */
#define CS_STORE_SUMMARY_MAX	(4u << 20)	/* bytes of a file listed */
#define CS_STORE_ID_LEN		19		/* YYYYMMDD-HHMMSS-NNN */

/**
 * struct cs_store - load-test results under the state directory
 * @dir: <state dir>/loadtests
 * @keep: results kept
 * @mu: guards the rest
 * @last: the second of the newest ID made ("YYYYMMDD-HHMMSS")
 * @seq: its sequence number
 */
struct cs_store {
	char dir[PATH_MAX];
	char made[PATH_MAX];	/* the first directory open created, or "" */
	uint32_t keep;
	pthread_mutex_t mu;
	char last[16];
	uint32_t seq;
};

/*
 * Create @state_dir (0700) and its loadtests/ if missing. Return: 0, or a
 * negative errno with a sentence naming the path in @err.
 */
int cs_store_open(struct cs_store *st, const char *state_dir, uint32_t keep,
		  char *err, size_t errlen);
void cs_store_close(struct cs_store *st);

/*
 * cs_store_unmake() - remove the directories cs_store_open() created
 *
 * For a server that fails to start: it leaves behind no state directory
 * it made. Only empty directories go (rmdir), from loadtests/ up to the
 * first one cs_store_open() created; one that existed before stays.
 */
void cs_store_unmake(struct cs_store *st);

/* Whether @name is "<ID>.json" with an ID as cs_store_new_id() makes. */
bool cs_store_is_result(const char *name);

/*
 * A new ID for time @now (UTC), after every ID made before and every
 * result file present: YYYYMMDD-HHMMSS-NNN. -EAGAIN when 1000 were made
 * in that second.
 */
int cs_store_new_id(struct cs_store *st, int64_t now, char *id, size_t len);

/* Save @s as the result @id, atomically. */
int cs_store_save(struct cs_store *st, const char *id, const struct cs_sweep *s,
		  char *err, size_t errlen);

/* Before the sweep @s starts: cs_sweep_save_first() of the result @id. */
int cs_store_save_first(struct cs_store *st, const char *id,
			const struct cs_sweep *s, char *err, size_t errlen);

/* Remove the oldest results beyond @st->keep; returns how many went. */
int cs_store_prune(struct cs_store *st);

/*
 * The result @id as stored (malloc'd in *@buf). Return: 0, -ENOENT (no
 * such result), or another negative errno.
 */
int cs_store_read(struct cs_store *st, const char *id, char **buf,
		  size_t *len);

/*
 * /v1/loadtests: a JSON array, newest first, of each result's id,
 * timestamp, status, numCores, maxUnits and engine (malloc'd in *@out).
 * Files that cannot be read are skipped with a warning.
 */
int cs_store_list(struct cs_store *st, char **out, size_t *len);

/* --- serve/loadtest.c ------------------------------------------------ */

struct cs_lt;
struct cs_lt_job;

/**
 * struct cs_lt_cfg - what the load-test manager works with
 * @e: its own engine handle (a cs_engine_locked() one; not owned)
 * @store: where results go
 * @load: keep a run going between load tests (--load)
 * @busy_pct: its busy %
 * @cpus: its CPUs ("all" or a cpulist)
 * @dry_run: every load test is set up, saved and answered as usual but
 *	stopped before it loads a CPU (status interrupted): for the HTTP
 *	fuzzer, whose requests must stay cheap
 */
struct cs_lt_cfg {
	struct cs_engine *e;
	struct cs_store *store;
	bool load;
	uint32_t busy_pct;
	const char *cpus;
	bool dry_run;
};

/* Set up, and start the --load run if asked. */
int cs_lt_init(const struct cs_lt_cfg *cfg, struct cs_lt **out, char *err,
	       size_t errlen);

/* Why cs_lt_start() refused; serve/handler.c maps each to an HTTP status. */
enum cs_lt_err {
	CS_LT_OK,
	CS_LT_BAD_PLAN,		/* the engine refused the plan */
	CS_LT_BUSY,		/* a load test or another run in progress */
	CS_LT_UNAVAILABLE,	/* shutting down, or too many in one second */
	CS_LT_FAILED,		/* the engine or the store failed */
};

/**
 * cs_lt_start() - start a load test on its own thread
 * @plan: the plan, checked by cs_loadtest_plan_parse()
 * @job: a reference on the new load test, for cs_lt_wait() and cs_lt_put()
 * @id: its ID; on CS_LT_BUSY the ID of the load test running ("" when
 *	the conflict is another run, or a load test still being set up)
 * @err: why not
 *
 * Return: CS_LT_OK (the result file exists already, status running), or
 * the refusal with a sentence in @err.
 */
enum cs_lt_err cs_lt_start(struct cs_lt *lt, const struct cs_sweep_plan *plan,
			   struct cs_lt_job **job, char *id, size_t idlen,
			   char *err, size_t errlen);

/**
 * cs_lt_wait() - wait for @j to end without blocking the caller
 * @suspend: called, under the manager's lock, when @j is still running
 * @resume: called, under the same lock, when it ends
 * @arg: for both
 *
 * Return: 1 when @j has ended already (nothing was called), 0 when
 * @suspend was called, -ENOMEM.
 */
int cs_lt_wait(struct cs_lt_job *j, void (*suspend)(void *arg),
	       void (*resume)(void *arg), void *arg);

/*
 * The answer of an ended load test: 200 and its result when it completed,
 * 500 and the same JSON (with "error") when not. *@body stays valid while
 * the caller holds its reference. Return: 0, or -EAGAIN if not ended.
 */
int cs_lt_result(struct cs_lt_job *j, unsigned int *status,
		 const char **body, size_t *len);
const char *cs_lt_job_id(const struct cs_lt_job *j);
void cs_lt_put(struct cs_lt_job *j);

/* The loadtest_* fields of @i. */
void cs_lt_info(struct cs_lt *lt, struct cs_serve_info *i);

/*
 * Stop the load test @id if it is the one running (POST
 * /v1/loadtests/ID/stop): it saves what it measured, status interrupted,
 * and wakes its waiters. Return: 0, or -ENOENT when @id is not running,
 * with the ID of the one running in @running ("" when none is).
 */
int cs_lt_stop(struct cs_lt *lt, const char *id, char *running,
	       size_t runlen);

/*
 * Refuse new load tests, stop the one running (it saves what it measured,
 * status interrupted, and wakes its waiters) and wait for it.
 */
void cs_lt_shutdown(struct cs_lt *lt);

/* After cs_lt_shutdown(): stop the --load run and free @lt. */
void cs_lt_free(struct cs_lt *lt);

/* --- serve/daemon.c and serve/handler.c: the server ------------------ */

/**
 * struct cs_srv_conn - one connection, for the request deadline
 * @deadline_ms: when the request being received must be in (monotonic);
 *	0 while none is being received
 * @closed: shut down by cs_srv_reap() for missing it
 * @fd: its socket
 * @peer: the client's address, for the log
 */
struct cs_srv_conn {
	struct cs_srv_conn *prev, *next;
	uint64_t deadline_ms;
	bool closed;
	int fd;
	char peer[INET6_ADDRSTRLEN + 8];
};

/**
 * struct cs_httpd - libmicrohttpd with serve's limits, log and deadlines:
 *	every server of cpustress (serve, fleet serve) starts its daemon here
 * @max_conns: --max-connections
 * @max_per_ip: --max-per-ip
 * @timeout_s: --request-timeout
 * @mu: guards @conns and the deadlines
 * @conns: the open connections
 */
struct cs_httpd {
	uint32_t max_conns;
	uint32_t max_per_ip;
	uint32_t timeout_s;
	pthread_mutex_t mu;
	struct cs_srv_conn *conns;
};

/* Limits from @o (its max_conns, max_per_ip, timeout_s); destroy after. */
void cs_httpd_init(struct cs_httpd *h, const struct cs_serve_opts *o);
void cs_httpd_destroy(struct cs_httpd *h);
/* Close every connection whose request is late (a --request-timeout). */
void cs_httpd_reap(struct cs_httpd *h);
/* Arm (@on) or clear the request deadline of @k (NULL: nothing). */
void cs_httpd_set_deadline(struct cs_httpd *h, struct cs_srv_conn *k, bool on);

/**
 * struct cs_srv - the server
 * @o: its options (the caller's, before cs_srv_start())
 * @store: the result store (opened by the caller)
 * @dry_run: load tests measure nothing (struct cs_lt_cfg)
 * @info: host fields and request counters, for the renderers
 * @col: the collector
 * @lt: the load-test manager
 * @d: the libmicrohttpd daemon
 * @fd: its listening socket, -1 for none
 * @e: the engine; @e_col and @e_lt are locked handles on it, by @engine_mu
 * @view_key: each request thread's view buffer
 * @http: the connections and their deadlines (struct cs_httpd)
 * @waiting: load-test answers not sent yet
 */
struct cs_srv {
	struct cs_serve_opts o;
	struct cs_store store;
	bool dry_run;
	struct cs_serve_info info;
	struct cs_collector *col;
	struct cs_lt *lt;
	struct MHD_Daemon *d;
	int fd;
	struct cs_engine *e, *e_col, *e_lt;
	pthread_mutex_t engine_mu;
	pthread_key_t view_key;
	struct cs_httpd http;
	unsigned int waiting;
};

/**
 * cs_srv_start() - start the load-test manager, the collector and the daemon
 * @srv: zeroed, then @o, @store and @dry_run set
 * @e: the engine, the server's from then on (closed by cs_srv_stop())
 * @fd: the listening socket, the server's from then on; -1 for none:
 *	the only connections are then those given to MHD_add_connection()
 *
 * Return: 0, or -1 with the reason logged and everything undone.
 */
int cs_srv_start(struct cs_srv *srv, struct cs_engine *e, int fd);

/*
 * Stop taking connections, stop the load test running (its waiting
 * request is answered), then stop every thread and free the rest; @srv
 * stays the caller's.
 */
void cs_srv_stop(struct cs_srv *srv);

/* Close every connection whose request is late (a --request-timeout). */
void cs_srv_reap(struct cs_srv *srv);

/* Arm (@on) or clear the request deadline of @k (NULL: nothing). */
void cs_srv_set_deadline(struct cs_srv *srv, struct cs_srv_conn *k, bool on);

#ifdef MHD_VERSION	/* <microhttpd.h> included */
/* libmicrohttpd's access handler and its request-completed callback. */
enum MHD_Result cs_srv_handler(void *cls, struct MHD_Connection *c,
			       const char *url, const char *method,
			       const char *version, const char *upload_data,
			       size_t *upload_size, void **con_cls);
void cs_srv_completed(void *cls, struct MHD_Connection *c, void **con_cls,
		     enum MHD_RequestTerminationCode toe);
/*
 * The daemon of @h on @fd (-1: no listening socket) with @handler and
 * @completed (called with @cls); each connection's socket context is its
 * struct cs_srv_conn. NULL when it cannot start (logged).
 */
struct MHD_Daemon *cs_httpd_start(struct cs_httpd *h, int fd,
				  MHD_AccessHandlerCallback handler,
				  MHD_RequestCompletedCallback completed,
				  void *cls);
#endif

#endif /* CPUSTRESS_SERVE_H */
