// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Running a sweep on an engine.
 *
 * One owned run carries the whole sweep: it is started at the first level
 * and changed with SET between levels, so the load never stops between
 * measurements, and it stops when this process dies (the module's netlink
 * notifier; the user engine's threads die with the process). Its time
 * limit is the plan's plus a margin, so even a stuck process cannot leave
 * the CPUs loaded for long.
 *
 * The windows come in the order of the sweep's design (sweep/design.c):
 * runs in their own level orders, reference windows between them. Each
 * window is a settle time at its level, then a statistics window
 * (RESET_STATS) of the planned duration with a snapshot at the end of
 * every sub-window: the window's counters give every metric, so nothing
 * from the settle time or the previous level counts, and the sub-window
 * rates are differences of the snapshots.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cpustress/version.h>

#include "util/cpulist.h"
#include "engine/engine.h"
#include "sweep/sweep.h"
#include "sweep/stats.h"
#include "util/words.h"

/* How often the waits check the run, the stop flag and the progress. */
#define SLICE_MS		250
/* The engine's time limit exceeds the plan's by this much. */
#define ENGINE_LIMIT_MARGIN_MS	10000

struct sweep_ctx {
	struct cs_engine *e;
	struct cs_sweep *s;
	const struct cs_sweep_hooks *h;
	struct cs_status st;
	uint64_t t0_ms;
	uint64_t run_id;
	uint32_t done;		/* measurements attempted */
	uint32_t li, ri;	/* the one under way */
	bool started;		/* the owned run is going */
};

static void say(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

uint64_t cs_sweep_estimate_ms(const struct cs_sweep_plan *p)
{
	return cs_design_ms(p->nlevels, p->runs, p->warmup_ms, p->duration_ms);
}

/* The first "model name" of /proc/cpuinfo, or "". */
static void cpu_model(char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !v)
			continue;
		v += 1 + strspn(v + 1, " \t");
		v[strcspn(v, "\n")] = '\0';
		snprintf(buf, len, "%s", v);
		break;
	}
	fclose(f);
}

static void describe_host(struct cs_sweep *s, const struct cs_engine *e)
{
	struct utsname u;

	if (gethostname(s->hostname, sizeof(s->hostname)) < 0)
		snprintf(s->hostname, sizeof(s->hostname), "unknown");
	s->hostname[sizeof(s->hostname) - 1] = '\0';
	if (uname(&u) == 0)
		snprintf(s->kernel, sizeof(s->kernel), "%s", u.release);
	cpu_model(s->cpu_model, sizeof(s->cpu_model));
	snprintf(s->engine, sizeof(s->engine), "%s", e->ops->name);
	snprintf(s->version, sizeof(s->version), "%s", CS_VERSION);
	s->timestamp = time(NULL);
}

/*
 * The CPUs of level @li as a cpulist: the plan's CPUs for a busy sweep,
 * the first @level of them for a CPU-count sweep.
 */
static void level_cpus(const struct cs_sweep *s, const uint64_t *base,
		       uint32_t li, uint64_t *mask, char *list, size_t len)
{
	uint32_t cpu, n = 0, want = s->plan.levels[li];

	memset(mask, 0, CS_MASK_WORDS(CS_CPUS_MAX) * sizeof(*mask));
	for (cpu = 0; cpu < CS_CPUS_MAX; cpu++) {
		if (!cs_mask_test(base, cpu))
			continue;
		if (s->plan.kind == CS_SWEEP_CPUS && n == want)
			break;
		cs_mask_set(mask, cpu);
		n++;
	}
	cs_cpulist_format(mask, CS_CPUS_MAX, list, len);
}

/*
 * The CPUs plan @p draws from: its list, all online ones by default.
 * @nonline, if not NULL, is set to the number of online CPUs. @what
 * names the list in messages ("--cpus", "field cpus").
 */
static int plan_cpus(const struct cs_sweep_plan *p, const struct cs_status *st,
		     uint64_t *base, uint32_t *nonline, const char *what,
		     char *err, size_t errlen)
{
	uint64_t online[CS_MASK_WORDS(CS_CPUS_MAX)];
	char why[CS_ERR_MAX];
	uint32_t cpu;

	if (cs_cpulist_parse(st->online, online, CS_CPUS_MAX, why,
			     sizeof(why))) {
		say(err, errlen, "cannot read the online CPUs ('%s'): %s",
		    st->online, why);
		return -EIO;
	}
	if (nonline)
		*nonline = cs_mask_weight(online, CS_CPUS_MAX);
	if (!p->cpus[0] || !strcmp(p->cpus, "all")) {
		memcpy(base, online, sizeof(online));
		return 0;
	}
	if (cs_cpulist_parse(p->cpus, base, CS_CPUS_MAX, why,
			     sizeof(why))) {
		say(err, errlen, "%s: %s", what, why);
		return -EINVAL;
	}
	for (cpu = 0; cpu < CS_CPUS_MAX; cpu++) {
		if (cs_mask_test(base, cpu) && !cs_mask_test(online, cpu)) {
			say(err, errlen, "%s: CPU %u is not online (online: %s)",
			    what, cpu, st->online);
			return -EINVAL;
		}
	}
	return 0;
}

/* CPU-count steps 1, 2, 4, ... below @n, then @n. */
static void auto_steps(struct cs_sweep_plan *p, uint32_t n)
{
	uint32_t step;

	p->nlevels = 0;
	for (step = 1; step < n && p->nlevels < CS_SWEEP_LEVELS_MAX - 1;
	     step *= 2)
		p->levels[p->nlevels++] = step;
	p->levels[p->nlevels++] = n;
}

/* A busy sweep loads the same CPUs at every level. */
static void busy_cpus(struct cs_sweep *s, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < s->plan.nlevels; i++)
		s->levels[i].ncpus = n;
	for (i = 0; i < s->nmeas; i++)
		s->meas[i].ncpus = n;
}

/* The engine's status into a new *@st (to free); 0 or a negative errno. */
static int status_new(struct cs_engine *e, struct cs_status **st, char *err,
		      size_t errlen)
{
	int ret;

	*st = calloc(1, sizeof(**st));
	if (!*st) {
		say(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = e->ops->status(e, *st);
	if (ret < 0)
		say(err, errlen, "%s", e->err[0] ? e->err : "status failed");
	return ret;
}

int cs_sweep_check_cpus(struct cs_engine *e, const struct cs_sweep_plan *p,
			const char *what, char *err, size_t errlen)
{
	uint64_t base[CS_MASK_WORDS(CS_CPUS_MAX)];
	struct cs_status *st;
	int ret;

	ret = status_new(e, &st, err, errlen);
	if (!ret)
		ret = plan_cpus(p, st, base, NULL, what, err, errlen);
	free(st);
	return ret;
}

int cs_sweep_prepare(struct cs_engine *e, struct cs_sweep *s, char *err,
		     size_t errlen)
{
	uint64_t base[CS_MASK_WORDS(CS_CPUS_MAX)];
	struct cs_status *st;
	uint32_t nbase;
	int ret;

	ret = status_new(e, &st, err, errlen);
	if (ret < 0)
		goto out;
	ret = -EBUSY;
	if (st->running) {
		say(err, errlen, "a run is in progress (run %llu): a sweep needs the CPUs to itself; stop it first with '%s'",
		    (unsigned long long)st->run_id, cs_engine_stop_cmd(e));
		goto out;
	}
	ret = plan_cpus(&s->plan, st, base, &s->num_cores, "--cpus", err,
			errlen);
	if (ret < 0)
		goto out;
	nbase = cs_mask_weight(base, CS_CPUS_MAX);
	if (s->plan.kind == CS_SWEEP_CPUS && !s->plan.nlevels)
		auto_steps(&s->plan, nbase);
	ret = -EINVAL;
	if (s->plan.kind == CS_SWEEP_CPUS &&
	    s->plan.levels[s->plan.nlevels - 1] > nbase) {
		say(err, errlen, "--cpus-steps %u: only %u %s to draw from (%s)",
		    s->plan.levels[s->plan.nlevels - 1], nbase,
		    cs_plural(nbase, "CPU", "CPUs"),
		    s->plan.cpus[0] ? s->plan.cpus : st->online);
		goto out;
	}
	describe_host(s, e);
	s->wu_kib = st->wu_kib;
	s->wu_spins = st->wu_spins;
	s->status = CS_SWEEP_RUNNING;
	s->error[0] = '\0';
	ret = cs_sweep_alloc(s);
	if (ret < 0) {
		say(err, errlen, "out of memory");
		goto out;
	}
	if (s->plan.kind == CS_SWEEP_BUSY)
		busy_cpus(s, nbase);
out:
	free(st);
	return ret;
}

static void progress(struct sweep_ctx *c)
{
	uint64_t elapsed = cs_now_ms() - c->t0_ms;
	uint64_t total = cs_sweep_estimate_ms(&c->s->plan);

	if (c->h->progress)
		c->h->progress(c->s, c->li, c->ri, elapsed,
			       total > elapsed ? total - elapsed : 0,
			       c->h->arg);
}

static bool stopped(const struct sweep_ctx *c)
{
	return c->h->stop && *c->h->stop;
}

/*
 * Sleep @ms while the run goes on. Returns 0, -EINTR when asked to stop,
 * or -ESRCH (with the reason in @m->error) when the run ended or was
 * replaced by someone else.
 */
static int hold(struct sweep_ctx *c, struct cs_sweep_meas *m, uint32_t ms)
{
	uint64_t end = cs_now_ms() + ms, t;

	while ((t = cs_now_ms()) < end) {
		if (stopped(c))
			return -EINTR;
		poll(NULL, 0, end - t < SLICE_MS ? (int)(end - t) : SLICE_MS);
		if (stopped(c))
			return -EINTR;
		if (c->e->ops->status(c->e, &c->st) < 0) {
			say(m->error, sizeof(m->error), "%s",
			    c->e->err[0] ? c->e->err : "status failed");
			return -EIO;
		}
		if (!c->st.running || c->st.run_id != c->run_id) {
			say(m->error, sizeof(m->error),
			    "the run was stopped or replaced from outside the sweep");
			return -ESRCH;
		}
		progress(c);
	}
	return 0;
}

/*
 * Settle, open a window, snapshot at the end of every sub-window, and
 * measure: the whole window in @m, each sub-window's rate beside it.
 */
static int measure(struct sweep_ctx *c, struct cs_sweep_meas *m,
		   const uint64_t *mask)
{
	const struct cs_sweep_plan *p = &c->s->plan;
	struct cs_snapshot snap = { 0 };
	struct cs_sweep_meas part;
	uint64_t t0 = cs_now_ms(), window, topen, elems;
	double prev_units = 0, prev_s = 0;
	uint32_t k, held = 0;
	bool bad = false;
	int ret;

	elems = (uint64_t)c->s->wu_kib * 1024 / 8;
	ret = hold(c, m, p->warmup_ms);
	if (ret < 0)
		return ret;
	/* Our RESET_STATS opens window + 1; any other id means others. */
	window = c->st.window_id + 1;
	if (c->e->ops->reset_stats(c->e) < 0)
		goto engine_error;
	topen = cs_now_ms();
	for (k = 0; k < CS_SWEEP_SUBWIN; k++) {
		uint32_t upto = (uint32_t)((uint64_t)p->duration_ms * (k + 1) /
					   CS_SWEEP_SUBWIN);

		ret = hold(c, m, upto - held);
		if (ret < 0) {
			cs_snapshot_free(&snap);	/* the sub-window's before */
			return ret;
		}
		held = upto;
		cs_snapshot_free(&snap);
		memset(&snap, 0, sizeof(snap));
		if (c->e->ops->snapshot(c->e, &snap) < 0)
			goto engine_error;
		if (snap.window_id != window) {
			bad = true;
			break;
		}
		if (k + 1 < CS_SWEEP_SUBWIN &&
		    cs_sweep_measure(&part, &snap, mask, elems) == 0) {
			if (part.duration_s > prev_s)
				m->sub_ups[k] = (part.units - prev_units) /
						(part.duration_s - prev_s);
			prev_units = part.units;
			prev_s = part.duration_s;
		}
	}
	m->ts = time(NULL);
	m->t_s = ((topen + cs_now_ms()) / 2.0 - c->t0_ms) / 1000.0;
	if (cs_now_ms() - t0 > p->level_timeout_ms) {
		say(m->error, sizeof(m->error),
		    "took %llu ms, more than the level timeout of %u ms",
		    (unsigned long long)(cs_now_ms() - t0), p->level_timeout_ms);
		m->status = CS_MEAS_TIMEOUT;
	} else if (bad) {
		say(m->error, sizeof(m->error),
		    "the statistics were reset from outside the sweep during the measurement");
		m->status = CS_MEAS_ERROR;
	} else if (cs_sweep_measure(m, &snap, mask, elems) < 0) {
		say(m->error, sizeof(m->error),
		    "the measurement window holds no loaded CPU");
		m->status = CS_MEAS_ERROR;
	} else {
		if (m->duration_s > prev_s)
			m->sub_ups[CS_SWEEP_SUBWIN - 1] =
				(m->units - prev_units) /
				(m->duration_s - prev_s);
		m->status = CS_MEAS_OK;
	}
	cs_snapshot_free(&snap);
	return 0;

engine_error:
	say(m->error, sizeof(m->error), "%s",
	    c->e->err[0] ? c->e->err : "engine call failed");
	cs_snapshot_free(&snap);
	return -EIO;
}

/* Whether our run is still the one going (status read into c->st). */
static bool our_run(struct sweep_ctx *c)
{
	return c->e->ops->status(c->e, &c->st) == 0 && c->st.running &&
	       c->st.run_id == c->run_id;
}

static int apply_level(struct sweep_ctx *c, uint32_t busy, const char *list)
{
	const struct cs_sweep_plan *p = &c->s->plan;
	struct cs_settings set;
	int ret;

	cs_settings_init(&set);
	set.busy_pct = busy;
	set.cpus = list;
	if (c->started) {
		/* A SET on a stopped module would outlive the sweep. */
		if (c->e->ops->status(c->e, &c->st) < 0)
			return -EIO;
		if (!c->st.running || c->st.run_id != c->run_id) {
			say(c->e->err, sizeof(c->e->err),
			    "the run was stopped or replaced from outside the sweep");
			return -ESRCH;
		}
		return c->e->ops->set(c->e, &set);
	}
	set.period_ms = p->period_ms;
	set.time_limit_ms = p->time_limit_ms + ENGINE_LIMIT_MARGIN_MS;
	set.owned = true;
	ret = c->e->ops->start(c->e, &set);
	if (ret < 0)
		return ret;
	c->started = true;
	ret = c->e->ops->status(c->e, &c->st);
	c->run_id = c->st.run_id;
	return ret;
}

/* End the sweep early: @why for the sweep, @ms for the measurement. */
static int end_early(struct sweep_ctx *c, enum cs_sweep_status st,
		     struct cs_sweep_meas *m, enum cs_meas_status ms, int ret)
{
	struct cs_sweep *s = c->s;
	const char *why = NULL;

	if (ms == CS_MEAS_INTERRUPTED || st == CS_SWEEP_INTERRUPTED)
		why = c->h->stop_why ? c->h->stop_why(c->h->arg) : NULL;
	if (!why)
		why = "a signal";
	if (m) {
		m->status = ms;
		m->ts = time(NULL);	/* when it was cut short */
		if (ms == CS_MEAS_INTERRUPTED)
			say(m->error, sizeof(m->error),
			    "stopped by %s during the measurement", why);
	}
	s->status = st;
	if (st == CS_SWEEP_INTERRUPTED)
		say(s->error, sizeof(s->error),
		    "stopped by %s after %u of %u %s", why,
		    c->done, s->nmeas,
		    cs_plural(s->nmeas, "measurement", "measurements"));
	else if (m && m->error[0])
		say(s->error, sizeof(s->error), "%s (after %u of %u %s)",
		    m->error, c->done, s->nmeas,
		    cs_plural(s->nmeas, "measurement", "measurements"));
	return ret;
}

static int walk(struct sweep_ctx *c)
{
	struct cs_sweep *s = c->s;
	const struct cs_sweep_plan *p = &s->plan;
	uint64_t base[CS_MASK_WORDS(CS_CPUS_MAX)];
	uint64_t mask[CS_MASK_WORDS(CS_CPUS_MAX)];
	char list[CS_CPULIST_MAX], why[CS_ERR_MAX];
	struct cs_slot *slot;
	uint32_t nslots, i;
	int ret = 0;

	if (plan_cpus(p, &c->st, base, NULL, "--cpus", why, sizeof(why)) < 0) {
		say(s->error, sizeof(s->error), "%s", why);
		s->status = CS_SWEEP_FAILED;
		return -EINVAL;
	}
	slot = calloc(cs_design_nslots(p->nlevels, p->runs) + 1, sizeof(*slot));
	if (!slot) {
		say(s->error, sizeof(s->error), "out of memory");
		s->status = CS_SWEEP_FAILED;
		return -ENOMEM;
	}
	nslots = cs_design_slots(p->nlevels, p->runs, p->seed, slot);
	for (i = 0; i < nslots; i++) {
		bool ref = slot[i].kind == CS_SLOT_REF;
		struct cs_sweep_meas *m;
		uint32_t busy = 100;
		uint64_t used = cs_now_ms() - c->t0_ms;

		c->li = ref ? 0 : slot[i].li;
		c->ri = slot[i].run;
		m = ref ? &s->refs[slot[i].ref] : cs_sweep_at(s, c->li, c->ri);
		/* The reference: busy 100 % on the sweep's CPUs, or step 1. */
		level_cpus(s, base, c->li, mask, list, sizeof(list));
		if (!ref && p->kind == CS_SWEEP_BUSY)
			busy = p->levels[c->li];
		if (stopped(c)) {
			ret = end_early(c, CS_SWEEP_INTERRUPTED, NULL, 0, -EINTR);
			goto out;
		}
		if (used + p->warmup_ms + p->duration_ms > p->time_limit_ms) {
			say(s->error, sizeof(s->error),
			    "time limit of %u s reached after %u of %u %s",
			    p->time_limit_ms / 1000, c->done, s->nmeas,
			    cs_plural(s->nmeas, "measurement",
				      "measurements"));
			s->status = CS_SWEEP_FAILED;
			ret = -ETIME;
			goto out;
		}
		if (apply_level(c, busy, list) < 0) {
			say(s->error, sizeof(s->error), "%s",
			    c->e->err[0] ? c->e->err : "cannot set the level");
			s->status = CS_SWEEP_FAILED;
			ret = -EIO;
			goto out;
		}
		ret = measure(c, m, mask);
		if (ret == -EINTR) {
			ret = end_early(c, CS_SWEEP_INTERRUPTED, m,
					CS_MEAS_INTERRUPTED, ret);
			goto out;
		}
		if (ret < 0) {
			ret = end_early(c, CS_SWEEP_FAILED, m, CS_MEAS_ERROR,
					ret);
			goto out;
		}
		if (!ref)
			c->done++;
		s->elapsed_s = (cs_now_ms() - c->t0_ms) / 1000.0;
		cs_sweep_summarise(s);
		if (c->h->checkpoint && c->h->checkpoint(s, c->h->arg) < 0) {
			s->status = CS_SWEEP_FAILED;
			ret = -EIO;
			goto out;
		}
	}
	s->status = CS_SWEEP_COMPLETE;
out:
	free(slot);
	return ret;
}

int cs_sweep_run(struct cs_engine *e, struct cs_sweep *s,
		 const struct cs_sweep_hooks *h)
{
	struct sweep_ctx *c;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c) {
		say(s->error, sizeof(s->error), "out of memory");
		s->status = CS_SWEEP_FAILED;
		return -ENOMEM;
	}
	c->e = e;
	c->s = s;
	c->h = h;
	c->t0_ms = cs_now_ms();
	ret = e->ops->status(e, &c->st);
	if (ret < 0) {
		say(s->error, sizeof(s->error), "%s", e->err);
		s->status = CS_SWEEP_FAILED;
	} else {
		ret = walk(c);
	}
	/*
	 * Stop our run, not one started from elsewhere after ours ended; a
	 * run already gone is not an error. Its end gives back the settings
	 * the sweep found (an owned run's settings are its own).
	 */
	if (c->run_id && our_run(c) && e->ops->stop(e) < 0 && ret == 0) {
		say(s->error, sizeof(s->error), "cannot stop the run: %s",
		    e->err);
		s->status = CS_SWEEP_FAILED;
		ret = -EIO;
	}
	s->elapsed_s = (cs_now_ms() - c->t0_ms) / 1000.0;
	cs_sweep_summarise(s);
	free(c);
	return ret;
}
