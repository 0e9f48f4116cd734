// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress serve: POST /v1/loadtest. One busy sweep at a time, on a
 * thread of its own, so that the request threads keep answering; the
 * request that asked for it waits suspended (see serve.c) and is woken
 * when the sweep ends.
 *
 * The result is saved under the state directory before the sweep starts
 * (status running), after every measurement, and at the end, so a crash
 * or a kill leaves a valid file saying how far it got. serve's own --load
 * run is stopped for the sweep and started again after it; a run someone
 * else started is never touched: the load test is refused instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/serve.h"

struct lt_waiter {
	struct lt_waiter *next;
	void (*resume)(void *arg);
	void *arg;
};

/**
 * struct cs_lt_job - one load test
 * @lt: its manager
 * @refs: references (the manager's, and one per request), under lt->mu
 * @id: its ID, the name of its result file
 * @s: the sweep
 * @stop: its sweep's stop flag: set by cs_lt_stop() or at shutdown
 * @stop_asked: cs_lt_stop() set it (under lt->mu), for the sweep's error
 * @stop_by: that error's cause, written by the sweep's thread
 * @load_paused: serve's --load run was stopped for it
 * @done: it ended; the fields below are set
 * @status: 200 when it completed, else 500
 * @body: the answer: the result file's JSON
 * @len: its length
 * @waiters: requests to wake when it ends
 */
struct cs_lt_job {
	struct cs_lt *lt;
	unsigned int refs;
	char id[CS_LOADTEST_ID_MAX];
	struct cs_sweep *s;
	volatile sig_atomic_t stop;
	bool stop_asked;
	char stop_by[CS_LOADTEST_ID_MAX + 48];
	bool load_paused;
	bool done;
	unsigned int status;
	char *body;
	size_t len;
	struct lt_waiter *waiters;
};

/**
 * struct cs_lt - the load-test manager
 * @cfg: what it works with
 * @mu: guards everything below but @stop
 * @idle: signalled when @starting goes false
 * @stop: set once, at shutdown (and from the start in a dry run): every
 *	load test's own flag is set from it
 * @closing: refusing new load tests
 * @starting: a request is setting a load test up (engine, first save)
 * @running: a load test is set up or running
 * @thread: the sweep's thread, if @thread_valid
 * @thread_valid: @thread is to be joined
 * @cur: the running load test or the newest ended one (a reference)
 * @done: load tests ended since serve started
 * @failed: ... of which did not complete
 * @load_run_id: run ID of serve's --load run, 0 when none is running
 */
struct cs_lt {
	struct cs_lt_cfg cfg;
	pthread_mutex_t mu;
	pthread_cond_t idle;
	volatile sig_atomic_t stop;
	bool closing;
	bool starting;
	bool running;
	pthread_t thread;
	bool thread_valid;
	struct cs_lt_job *cur;
	uint64_t done;
	uint64_t failed;
	uint64_t load_run_id;
};

static const char *engine_err(const struct cs_engine *e, const char *what)
{
	return e->err[0] ? e->err : what;
}

/* Start serve's --load run; 0 or a negative errno with @err set. */
static int load_start(struct cs_lt *lt, char *err, size_t errlen)
{
	struct cs_engine *e = lt->cfg.e;
	struct cs_settings set;
	struct cs_status st;

	cs_settings_init(&set);
	set.busy_pct = lt->cfg.busy_pct;
	set.cpus = lt->cfg.cpus;
	set.time_limit_ms = 0;
	set.owned = true;
	if (e->ops->start(e, &set) < 0 || e->ops->status(e, &st) < 0) {
		snprintf(err, errlen, "cannot start the --load run: %s",
			 engine_err(e, "start failed"));
		return -EIO;
	}
	lt->load_run_id = st.run_id;
	cs_log(CS_LOG_INFO, "--load: run %llu at busy %u %% on CPUs %s",
	       (unsigned long long)st.run_id, lt->cfg.busy_pct, lt->cfg.cpus);
	return 0;
}

int cs_lt_init(const struct cs_lt_cfg *cfg, struct cs_lt **out, char *err,
	       size_t errlen)
{
	struct cs_lt *lt = calloc(1, sizeof(*lt));
	int ret;

	if (!lt) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	lt->cfg = *cfg;
	/* A dry run's sweeps see the stop at once, before any level. */
	lt->stop = cfg->dry_run;
	pthread_mutex_init(&lt->mu, NULL);
	pthread_cond_init(&lt->idle, NULL);
	if (cfg->load) {
		ret = load_start(lt, err, errlen);
		if (ret) {
			cs_lt_free(lt);
			return ret;
		}
	}
	*out = lt;
	return 0;
}

static void job_free(struct cs_lt_job *j)
{
	if (j->s) {
		cs_sweep_free(j->s);
		free(j->s);
	}
	free(j->body);
	free(j);
}

void cs_lt_put(struct cs_lt_job *j)
{
	struct cs_lt *lt;
	bool last;

	if (!j)
		return;
	lt = j->lt;
	pthread_mutex_lock(&lt->mu);
	last = --j->refs == 0;
	pthread_mutex_unlock(&lt->mu);
	if (last)
		job_free(j);
}

/* What stopped the sweep of @arg: a stop request, or (NULL) a signal. */
static const char *stop_why(void *arg)
{
	struct cs_lt_job *j = arg;
	bool asked;

	pthread_mutex_lock(&j->lt->mu);
	asked = j->stop_asked;
	pthread_mutex_unlock(&j->lt->mu);
	if (!asked)
		return NULL;
	snprintf(j->stop_by, sizeof(j->stop_by),
		 "a stop request (POST /v1/loadtests/%s/stop)", j->id);
	return j->stop_by;
}

static int checkpoint(const struct cs_sweep *s, void *arg)
{
	struct cs_lt_job *j = arg;
	char err[CS_ERR_MAX];
	int ret;

	ret = cs_store_save(j->lt->cfg.store, j->id, s, err, sizeof(err));
	if (ret < 0)
		cs_log(CS_LOG_WARN, "load test %s: %s", j->id, err);
	return ret;
}

/* The result as the answer's body: the JSON of the result file. */
static void render(struct cs_lt_job *j)
{
	const struct cs_sweep *s = j->s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ret = -ENOMEM;

	f = open_memstream(&buf, &len);
	if (f) {
		ret = cs_sweep_write(f, s, CS_FMT_JSON);
		if (fclose(f))
			ret = -EIO;
	}
	j->status = s->status == CS_SWEEP_COMPLETE ? 200 : 500;
	if (!ret) {
		j->body = buf;
		j->len = len;
		return;
	}
	free(buf);
	j->status = 500;
	j->body = cs_json_error("cannot write the load-test result", j->id);
	j->len = j->body ? strlen(j->body) : 0;
}

static uint64_t max_units(const struct cs_sweep *s)
{
	uint64_t max = 0;
	uint32_t i;

	for (i = 0; i < s->plan.nlevels; i++)
		if (s->levels[i].runs_ok && s->levels[i].work_units > max)
			max = s->levels[i].work_units;
	return max;
}

static void *lt_thread(void *arg)
{
	struct cs_lt_job *j = arg;
	struct cs_lt *lt = j->lt;
	struct cs_sweep *s = j->s;
	struct cs_sweep_hooks h = {
		.stop = &j->stop,
		.checkpoint = checkpoint,
		.stop_why = stop_why,
		.arg = j,
	};
	struct lt_waiter *w, *next;
	char err[CS_ERR_MAX];
	uint64_t max, per_core;

	cs_sweep_run(lt->cfg.e, s, &h);
	if (cs_store_save(lt->cfg.store, j->id, s, err, sizeof(err)) < 0)
		cs_log(CS_LOG_WARN, "load test %s: %s", j->id, err);
	render(j);
	max = max_units(s);
	per_core = s->num_cores ? (max + s->num_cores / 2) / s->num_cores : 0;
	if (s->status == CS_SWEEP_COMPLETE)
		cs_log(CS_LOG_INFO, "load test %s complete in %.1f s: maxUnits %llu, unitsPerSec %llu",
		       j->id, s->elapsed_s, (unsigned long long)max,
		       (unsigned long long)per_core);
	else
		cs_log(CS_LOG_WARN, "load test %s %s after %.1f s: %s", j->id,
		       cs_sweep_status_name(s->status), s->elapsed_s,
		       cs_sweep_error(s));
	if (j->load_paused && !lt->stop &&
	    load_start(lt, err, sizeof(err)) < 0)
		cs_log(CS_LOG_WARN, "after load test %s: %s", j->id, err);

	pthread_mutex_lock(&lt->mu);
	j->done = true;
	lt->running = false;
	lt->done++;
	if (s->status != CS_SWEEP_COMPLETE)
		lt->failed++;
	for (w = j->waiters; w; w = next) {
		next = w->next;
		w->resume(w->arg);
		free(w);
	}
	j->waiters = NULL;
	pthread_mutex_unlock(&lt->mu);
	return NULL;
}

/*
 * Make the engine free for a sweep: stop serve's own --load run, refuse
 * anyone else's. Returns CS_LT_OK or the refusal with @err set.
 */
static enum cs_lt_err free_engine(struct cs_lt *lt, bool *paused, char *err,
				  size_t errlen)
{
	struct cs_engine *e = lt->cfg.e;
	struct cs_status st;

	*paused = false;
	if (e->ops->status(e, &st) < 0) {
		snprintf(err, errlen, "%s", engine_err(e, "status failed"));
		return CS_LT_FAILED;
	}
	if (!st.running)
		return CS_LT_OK;
	if (!lt->load_run_id || st.run_id != lt->load_run_id) {
		snprintf(err, errlen, "a run not started by cpustress serve is in progress (run %llu, busy %u %% on CPUs %s): a load test needs the CPUs to itself; stop that run first ('%s')",
			 (unsigned long long)st.run_id, st.busy_pct, st.cpus,
			 cs_engine_stop_cmd(e));
		return CS_LT_BUSY;
	}
	if (e->ops->stop(e) < 0) {
		snprintf(err, errlen, "cannot stop the --load run for the load test: %s",
			 engine_err(e, "stop failed"));
		return CS_LT_FAILED;
	}
	lt->load_run_id = 0;
	*paused = true;
	return CS_LT_OK;
}

/* Set up and save the load test @j; CS_LT_OK or the refusal, @err set. */
static enum cs_lt_err prepare(struct cs_lt *lt, struct cs_lt_job *j,
			      char *err, size_t errlen)
{
	struct cs_sweep *s = j->s;
	enum cs_lt_err code;
	int ret;

	/* A plan refused changes nothing: check it before --load stops. */
	ret = cs_sweep_check_cpus(lt->cfg.e, &s->plan, "field cpus", err,
				  errlen);
	if (ret < 0)
		return ret == -EINVAL ? CS_LT_BAD_PLAN : CS_LT_FAILED;
	code = free_engine(lt, &j->load_paused, err, errlen);
	if (code)
		return code;
	ret = cs_sweep_prepare(lt->cfg.e, s, err, errlen);
	if (ret < 0)
		return ret == -EINVAL ? CS_LT_BAD_PLAN :
		       ret == -EBUSY ? CS_LT_BUSY : CS_LT_FAILED;
	ret = cs_store_new_id(lt->cfg.store, s->timestamp, j->id,
			      sizeof(j->id));
	if (ret < 0) {
		snprintf(err, errlen, "too many load tests in one second: try again");
		return CS_LT_UNAVAILABLE;
	}
	ret = cs_store_save_first(lt->cfg.store, j->id, s, err, errlen);
	if (ret < 0)
		return CS_LT_FAILED;
	cs_store_prune(lt->cfg.store);
	return CS_LT_OK;
}

static void describe(const struct cs_lt_job *j)
{
	const struct cs_sweep_plan *p = &j->s->plan;
	char plan[CS_SWEEP_PLAN_TEXT_MAX];

	cs_log(CS_LOG_INFO, "load test %s started: %s, %g s each after %g s of warm-up, CPUs %s, about %llu s",
	       j->id, cs_sweep_plan_text(plan, sizeof(plan), p),
	       p->duration_ms / 1000.0, p->warmup_ms / 1000.0, p->cpus,
	       (unsigned long long)(cs_sweep_estimate_ms(p) / 1000));
}

/* The ID of the load test running into @id ("" if none); under lt->mu. */
static bool running_id(const struct cs_lt *lt, char *id, size_t len)
{
	bool running = lt->cur && !lt->cur->done;

	snprintf(id, len, "%s", running ? lt->cur->id : "");
	return running;
}

enum cs_lt_err cs_lt_start(struct cs_lt *lt, const struct cs_sweep_plan *plan,
			   struct cs_lt_job **job, char *id, size_t idlen,
			   char *err, size_t errlen)
{
	struct cs_lt_job *j, *old = NULL;
	enum cs_lt_err code = CS_LT_OK;

	id[0] = '\0';
	pthread_mutex_lock(&lt->mu);
	if (lt->closing) {
		snprintf(err, errlen, "the server is shutting down");
		code = CS_LT_UNAVAILABLE;
	} else if (lt->running) {
		if (running_id(lt, id, idlen))
			snprintf(err, errlen, "a load test is already running");
		else
			snprintf(err, errlen, "a load test is being set up: try again in a moment");
		code = CS_LT_BUSY;
	} else {
		lt->running = true;
		lt->starting = true;
	}
	pthread_mutex_unlock(&lt->mu);
	if (code)
		return code;
	/* The previous sweep's thread has ended (running was false). */
	if (lt->thread_valid) {
		pthread_join(lt->thread, NULL);
		lt->thread_valid = false;
	}

	j = calloc(1, sizeof(*j));
	if (j)
		j->s = calloc(1, sizeof(*j->s));
	if (!j || !j->s) {
		snprintf(err, errlen, "out of memory");
		code = CS_LT_FAILED;
		goto out;
	}
	j->lt = lt;
	j->stop = lt->stop;
	j->refs = 2;		/* the manager's and the caller's */
	j->s->plan = *plan;
	code = prepare(lt, j, err, errlen);
	if (code)
		goto out;
	describe(j);
	if (pthread_create(&lt->thread, NULL, lt_thread, j)) {
		snprintf(err, errlen, "cannot start the load test's thread");
		code = CS_LT_FAILED;
		goto out;
	}
	lt->thread_valid = true;
out:
	if (code && j && j->load_paused && !lt->stop) {
		char why[CS_ERR_MAX];

		if (load_start(lt, why, sizeof(why)) < 0)
			cs_log(CS_LOG_WARN, "%s", why);
	}
	pthread_mutex_lock(&lt->mu);
	if (code) {
		lt->running = false;
	} else {
		old = lt->cur;
		lt->cur = j;
		snprintf(id, idlen, "%s", j->id);
		*job = j;
	}
	lt->starting = false;
	pthread_cond_broadcast(&lt->idle);
	pthread_mutex_unlock(&lt->mu);
	if (code && j)
		job_free(j);
	cs_lt_put(old);
	return code;
}

int cs_lt_wait(struct cs_lt_job *j, void (*suspend)(void *arg),
	       void (*resume)(void *arg), void *arg)
{
	struct cs_lt *lt = j->lt;
	struct lt_waiter *w;
	int ret = 1;

	pthread_mutex_lock(&lt->mu);
	if (!j->done) {
		w = malloc(sizeof(*w));
		if (!w) {
			ret = -ENOMEM;
		} else {
			w->resume = resume;
			w->arg = arg;
			w->next = j->waiters;
			j->waiters = w;
			suspend(arg);
			ret = 0;
		}
	}
	pthread_mutex_unlock(&lt->mu);
	return ret;
}

int cs_lt_result(struct cs_lt_job *j, unsigned int *status,
		 const char **body, size_t *len)
{
	struct cs_lt *lt = j->lt;
	int ret = -EAGAIN;

	pthread_mutex_lock(&lt->mu);
	if (j->done) {
		*status = j->body ? j->status : 500;
		*body = j->body;
		*len = j->len;
		ret = 0;
	}
	pthread_mutex_unlock(&lt->mu);
	return ret;
}

const char *cs_lt_job_id(const struct cs_lt_job *j)
{
	return j->id;
}

void cs_lt_info(struct cs_lt *lt, struct cs_serve_info *i)
{
	pthread_mutex_lock(&lt->mu);
	i->loadtest_running = lt->running;
	snprintf(i->loadtest_id, sizeof(i->loadtest_id), "%s",
		 lt->cur ? lt->cur->id : "");
	i->loadtests_done = lt->done;
	i->loadtests_failed = lt->failed;
	pthread_mutex_unlock(&lt->mu);
}

int cs_lt_stop(struct cs_lt *lt, const char *id, char *running,
	       size_t runlen)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&lt->mu);
	if (running_id(lt, running, runlen) && !strcmp(running, id)) {
		lt->cur->stop = 1;
		lt->cur->stop_asked = true;
		ret = 0;
	}
	pthread_mutex_unlock(&lt->mu);
	return ret;
}

void cs_lt_shutdown(struct cs_lt *lt)
{
	bool join;

	pthread_mutex_lock(&lt->mu);
	lt->closing = true;
	lt->stop = 1;
	while (lt->starting)
		pthread_cond_wait(&lt->idle, &lt->mu);
	if (lt->cur)
		lt->cur->stop = 1;
	join = lt->thread_valid;
	pthread_mutex_unlock(&lt->mu);
	if (join) {
		pthread_join(lt->thread, NULL);
		lt->thread_valid = false;
	}
}

void cs_lt_free(struct cs_lt *lt)
{
	struct cs_engine *e;
	struct cs_status st;

	if (!lt)
		return;
	e = lt->cfg.e;
	if (lt->thread_valid)
		cs_lt_shutdown(lt);
	/* Stop serve's own run only: another one is not ours to stop. */
	if (lt->load_run_id && e->ops->status(e, &st) == 0 && st.running &&
	    st.run_id == lt->load_run_id) {
		if (e->ops->stop(e) < 0)
			cs_log(CS_LOG_WARN, "cannot stop the --load run: %s",
			       engine_err(e, "stop failed"));
		else
			cs_log(CS_LOG_INFO, "--load: run %llu stopped",
			       (unsigned long long)lt->load_run_id);
	}
	cs_lt_put(lt->cur);
	pthread_cond_destroy(&lt->idle);
	pthread_mutex_destroy(&lt->mu);
	free(lt);
}
