// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The arithmetic of a sweep, without I/O: one measurement from a window
 * snapshot, each level summarised over its runs, the scaling efficiency
 * and the knee.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/cpulist.h"
#include "engine/engine.h"
#include "sweep/sweep.h"

void cs_sweep_plan_busy(struct cs_sweep_plan *p, uint32_t duration_ms,
			uint32_t warmup_ms, uint32_t period_ms)
{
	uint32_t i;

	memset(p, 0, sizeof(*p));
	p->kind = CS_SWEEP_BUSY;
	for (i = 0; i < 10; i++)
		p->levels[i] = 10 * (i + 1);
	p->nlevels = 10;
	p->runs = CS_SWEEP_RUNS_DEF;
	p->seed = 1;
	p->duration_ms = duration_ms;
	p->warmup_ms = warmup_ms;
	p->period_ms = period_ms;
	snprintf(p->cpus, sizeof(p->cpus), "all");
}

int cs_sweep_alloc(struct cs_sweep *s)
{
	const struct cs_sweep_plan *p = &s->plan;
	uint32_t li, ri;

	s->meas = NULL;
	s->levels = NULL;
	s->refs = NULL;
	s->nmeas = p->nlevels * p->runs;
	s->nrefs = cs_design_nrefs(p->nlevels, p->runs);
	if (p->nlevels) {
		s->levels = calloc(p->nlevels, sizeof(*s->levels));
		if (!s->levels)
			return -ENOMEM;
	}
	if (s->nmeas) {
		s->meas = calloc(s->nmeas, sizeof(*s->meas));
		s->refs = calloc(s->nrefs, sizeof(*s->refs));
		if (!s->meas || !s->refs) {
			cs_sweep_free(s);
			return -ENOMEM;
		}
	}
	for (ri = 0; ri < s->nrefs; ri++) {
		struct cs_sweep_meas *m = &s->refs[ri];

		m->level = p->kind == CS_SWEEP_BUSY ? 100 : p->levels[0];
		m->run = ri;
		m->status = CS_MEAS_PENDING;
		m->busy_target = 100;
		m->ncpus = p->kind == CS_SWEEP_CPUS ? p->levels[0] : 0;
	}
	for (li = 0; li < p->nlevels; li++) {
		uint32_t busy = p->kind == CS_SWEEP_BUSY ? p->levels[li] : 100;
		struct cs_sweep_level *l = &s->levels[li];

		l->level = p->levels[li];
		l->busy_target = busy;
		l->ncpus = p->kind == CS_SWEEP_CPUS ? p->levels[li] : 0;
		l->efficiency = -1;
		for (ri = 0; ri < p->runs; ri++) {
			struct cs_sweep_meas *m = cs_sweep_at(s, li, ri);

			m->level = p->levels[li];
			m->run = ri + 1;
			m->status = CS_MEAS_PENDING;
			m->busy_target = busy;
			m->ncpus = l->ncpus;
		}
	}
	return 0;
}

void cs_sweep_free(struct cs_sweep *s)
{
	free(s->meas);
	free(s->refs);
	free(s->levels);
	s->meas = NULL;
	s->refs = NULL;
	s->levels = NULL;
	s->nmeas = 0;
	s->nrefs = 0;
}

struct cs_sweep_meas *cs_sweep_at(struct cs_sweep *s, uint32_t li,
				  uint32_t ri)
{
	return &s->meas[(size_t)li * s->plan.runs + ri];
}

static double pct_of(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/*
 * A CPU's busy, steal or wait time in a window of @win ns, at most the
 * window: the counters are read when the snapshot is taken, and a slice
 * that straddles the window's start or end is counted whole, so at busy
 * 100 the raw time can come out a little longer than the window (100.17 %
 * was seen). A share of a window is 0..100 %; docs/sweep-format.md.
 */
static uint64_t in_window(uint64_t ns, uint64_t win)
{
	return ns < win ? ns : win;
}

/* p50, p90, p99 and max of a histogram whose largest sample is @vmax. */
static void percentiles(const __u64 *hist, uint64_t vmax, uint64_t *p50,
			uint64_t *p90, uint64_t *p99, uint64_t *max)
{
	*p50 = cs_hist_percentile(hist, NULL, 5000, vmax);
	*p90 = cs_hist_percentile(hist, NULL, 9000, vmax);
	*p99 = cs_hist_percentile(hist, NULL, 9900, vmax);
	*max = cs_hist_percentile(hist, NULL, 10000, vmax);
}

int cs_sweep_measure(struct cs_sweep_meas *m, const struct cs_snapshot *snap,
		     const uint64_t *mask, uint64_t elems_per_unit)
{
	uint64_t win = snap->ts_ns - snap->window_start_ns;
	uint64_t elements = 0, busy = 0, steal = 0, wait = 0, irqs = 0;
	uint64_t vmax = 0;
	uint32_t i, n = 0;
	unsigned int b;

	if (snap->ts_ns <= snap->window_start_ns || !elems_per_unit)
		return -ENODATA;
	memset(m->hist, 0, sizeof(m->hist));
	for (i = 0; i < snap->ncpus; i++) {
		const struct cs_cpu_snap *c = &snap->cpu[i];
		const struct cs_cpu_stats *st = &c->stats;

		if (c->cpu >= CS_CPUS_MAX || !cs_mask_test(mask, c->cpu))
			continue;
		n++;
		elements += st->elements;
		busy += in_window(st->busy_ns, win);
		steal += in_window(st->steal_ns, win);
		wait += in_window(st->wait_ns, win);
		irqs += st->irqs;
		if (st->unit_max_ns > vmax)
			vmax = st->unit_max_ns;
		for (b = 0; b < CS_HIST_BUCKETS; b++)
			m->hist[b] += st->hist[b];
	}
	if (!n)
		return -ENODATA;
	m->ncpus = n;
	m->duration_s = (double)win / 1e9;
	m->units = (double)elements / (double)elems_per_unit;
	m->units_per_sec = m->units / m->duration_s;
	m->units_per_sec_per_cpu = m->units_per_sec / n;
	/* Means over the loaded CPUs: each CPU's share (0..100 %) of the window. */
	m->busy_pct = pct_of(busy, win) / n;
	m->steal_pct = pct_of(steal, win) / n;
	m->wait_pct = pct_of(wait, win) / n;
	m->irqs_per_sec = (double)irqs / m->duration_s;
	percentiles(m->hist, vmax, &m->p50_ns, &m->p90_ns, &m->p99_ns,
		    &m->max_ns);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double cs_median(double *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	if (n % 2)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Summarise level @li over its OK runs. */
static void summarise_level(struct cs_sweep *s, uint32_t li)
{
	struct cs_sweep_level *l = &s->levels[li];
	double ups[CS_SWEEP_RUNS_MAX], per_cpu[CS_SWEEP_RUNS_MAX];
	double busy[CS_SWEEP_RUNS_MAX], steal[CS_SWEEP_RUNS_MAX];
	double wait[CS_SWEEP_RUNS_MAX];
	__u64 hist[CS_HIST_BUCKETS] = { 0 };
	uint64_t vmax = 0;
	uint32_t ri, n = 0;
	unsigned int b;

	l->runs = 0;
	l->runs_ok = 0;
	for (ri = 0; ri < s->plan.runs && ri < CS_SWEEP_RUNS_MAX; ri++) {
		const struct cs_sweep_meas *m = cs_sweep_at(s, li, ri);

		if (m->status == CS_MEAS_PENDING)
			continue;
		l->runs++;
		if (m->status != CS_MEAS_OK)
			continue;
		ups[n] = m->units_per_sec;
		per_cpu[n] = m->units_per_sec_per_cpu;
		busy[n] = m->busy_pct;
		steal[n] = m->steal_pct;
		wait[n] = m->wait_pct;
		l->ncpus = m->ncpus;
		if (m->max_ns > vmax)
			vmax = m->max_ns;
		for (b = 0; b < CS_HIST_BUCKETS; b++)
			hist[b] += m->hist[b];
		n++;
	}
	l->runs_ok = n;
	if (!n)
		return;
	l->ups.median = cs_median(ups, n);	/* sorts: min and max follow */
	l->ups.min = ups[0];
	l->ups.max = ups[n - 1];
	l->work_units = (uint64_t)llround(l->ups.median);
	l->ups_per_cpu = cs_median(per_cpu, n);
	l->busy_pct = cs_median(busy, n);
	l->steal_pct = cs_median(steal, n);
	l->wait_pct = cs_median(wait, n);
	percentiles(hist, vmax, &l->p50_ns, &l->p90_ns, &l->p99_ns,
		    &l->max_ns);
}

/*
 * Scaling efficiency of a CPU-count sweep: each level's units/s over what
 * its CPUs would do at the per-CPU rate of the first measured level (one
 * CPU, when the steps start at 1).
 */
static void efficiency(struct cs_sweep *s)
{
	double base = 0;
	uint32_t li;

	for (li = 0; li < s->plan.nlevels; li++) {
		struct cs_sweep_level *l = &s->levels[li];

		l->efficiency = -1;
		if (s->plan.kind != CS_SWEEP_CPUS || !l->runs_ok)
			continue;
		if (base <= 0)
			base = l->ups.median / l->level;
		if (base > 0)
			l->efficiency = l->ups.median / (l->level * base);
	}
}

static void recommend(struct cs_knee *k);

/* A window's sub-window rates; a row without them counts as one window. */
static void window_subs(const struct cs_sweep_meas *m, double *sub)
{
	uint32_t k;
	bool any = false;

	for (k = 0; k < CS_SWEEP_SUBWIN; k++) {
		sub[k] = NAN;
		if (m->status == CS_MEAS_OK && m->sub_ups[k] > 0) {
			sub[k] = m->sub_ups[k];
			any = true;
		}
	}
	if (!any && m->status == CS_MEAS_OK && m->units_per_sec > 0)
		sub[0] = m->units_per_sec;
}

/*
 * Intervals, drift correction and noise (sweep/stats.c) from the windows;
 * the knee on them when any level has an interval. Return: whether one
 * has.
 */
static bool summarise_noise(struct cs_sweep *s)
{
	const struct cs_sweep_plan *p = &s->plan;
	struct cs_level_ci *c = NULL;
	double *sub = NULL, *t = NULL, *rt = NULL, *rv = NULL;
	uint64_t *p99 = NULL;
	uint32_t li, ri, nr = 0, first = UINT32_MAX;
	struct cs_stats_in in = { 0 };
	bool any = false;

	memset(&s->noise, 0, sizeof(s->noise));
	s->noise.cv = s->noise.drift = NAN;
	for (li = 0; li < p->nlevels; li++) {
		struct cs_sweep_level *l = &s->levels[li];

		l->corrected = l->runs_ok ? l->ups.median : NAN;
		l->ci_lo = l->ci_hi = l->eff_lo = l->eff_hi = NAN;
		l->eff_drift = false;
	}
	if (!s->nmeas)
		return false;
	c = calloc(p->nlevels, sizeof(*c));
	sub = calloc((size_t)s->nmeas * CS_SWEEP_SUBWIN, sizeof(*sub));
	t = calloc(s->nmeas, sizeof(*t));
	p99 = calloc(s->nmeas, sizeof(*p99));
	rt = calloc(s->nrefs + 1, sizeof(*rt));
	rv = calloc(s->nrefs + 1, sizeof(*rv));
	if (!c || !sub || !t || !p99 || !rt || !rv)
		goto out;
	for (li = 0; li < p->nlevels; li++) {
		for (ri = 0; ri < p->runs; ri++) {
			size_t w = (size_t)li * p->runs + ri;
			const struct cs_sweep_meas *m = &s->meas[w];

			window_subs(m, &sub[w * CS_SWEEP_SUBWIN]);
			t[w] = m->t_s;
			p99[w] = m->status == CS_MEAS_OK ? m->p99_ns : 0;
		}
	}
	for (ri = 0; ri < s->nrefs; ri++) {
		const struct cs_sweep_meas *m = &s->refs[ri];

		if (m->status != CS_MEAS_OK || !(m->units_per_sec > 0))
			continue;
		rt[nr] = m->t_s;
		rv[nr++] = m->units_per_sec;
	}
	in = (struct cs_stats_in){
		.nlevels = p->nlevels, .runs = p->runs,
		.nsub = CS_SWEEP_SUBWIN, .sub = sub, .t = t,
		.nrefs = nr, .ref_t = rt, .ref_v = rv,
	};
	if (cs_stats_levels(&in, p->seed, c) < 0)
		goto out;
	cs_noise_of(rv, nr, &s->noise);
	for (li = 0; li < p->nlevels; li++) {
		struct cs_sweep_level *l = &s->levels[li];

		if (!c[li].n)
			continue;
		l->corrected = c[li].corrected;
		l->ci_lo = c[li].lo;
		l->ci_hi = c[li].hi;
		any |= isfinite(c[li].lo);
		if (p->kind != CS_SWEEP_CPUS)
			continue;
		if (first == UINT32_MAX)
			first = li;
		l->eff_drift = cs_efficiency_ci(l->level, &c[li],
						s->levels[first].level,
						&c[first], &l->efficiency,
						&l->eff_lo, &l->eff_hi);
	}
	if (any && p->kind == CS_SWEEP_CPUS) {
		struct cs_knee_ci k;
		struct cs_knee *kn = &s->knee;

		cs_knee_noise(p->levels, c, p99, p->nlevels, p->runs, &k);
		memset(kn, 0, sizeof(*kn));
		kn->noise_aware = true;
		kn->found = k.found;
		kn->reason = k.plateau && k.tail ? CS_KNEE_BOTH :
			     k.plateau ? CS_KNEE_PLATEAU :
			     k.tail ? CS_KNEE_TAIL : CS_KNEE_NONE;
		kn->level = p->levels[k.li];
		kn->next_level = k.found ? p->levels[k.next] : 0;
		kn->gain = k.gain;
		kn->gain_hi = k.gain_hi;
		kn->p99_ratio = k.found && s->levels[k.li].p99_ns ?
			(double)s->levels[k.next].p99_ns / s->levels[k.li].p99_ns :
			NAN;
		recommend(kn);
	}
out:
	free(c);
	free(sub);
	free(t);
	free(p99);
	free(rt);
	free(rv);
	return any;
}

void cs_sweep_summarise(struct cs_sweep *s)
{
	uint32_t level[CS_SWEEP_LEVELS_MAX];
	double ups[CS_SWEEP_LEVELS_MAX];
	uint64_t p99[CS_SWEEP_LEVELS_MAX];
	uint32_t li, n = 0;

	for (li = 0; li < s->plan.nlevels && li < CS_SWEEP_LEVELS_MAX; li++) {
		summarise_level(s, li);
		if (!s->levels[li].runs_ok)
			continue;
		level[n] = s->levels[li].level;
		ups[n] = s->levels[li].ups.median;
		p99[n] = s->levels[li].p99_ns;
		n++;
	}
	efficiency(s);
	/*
	 * Only a CPU-count sweep has a knee: along busy levels a plateau
	 * or a p99 jump says the host throttles, not where to stop adding
	 * load, and the summary shows the curve itself.
	 */
	if (s->plan.kind == CS_SWEEP_CPUS)
		cs_knee_find(level, ups, p99, n, &s->knee);
	else
		cs_knee_find(level, ups, p99, 0, &s->knee);
	s->knee.gain_hi = NAN;
	/* With intervals, the knee and efficiency are the noise-aware ones. */
	summarise_noise(s);
}

static void recommend(struct cs_knee *k)
{
	k->recommend_min = k->level / 2;
	if (k->recommend_min < 1)
		k->recommend_min = 1;
	k->recommend_max = k->level * 3 / 4;
	if (k->recommend_max < k->recommend_min)
		k->recommend_max = k->recommend_min;
}

void cs_knee_find(const uint32_t *level, const double *ups,
		  const uint64_t *p99, size_t n, struct cs_knee *knee)
{
	size_t i;

	memset(knee, 0, sizeof(*knee));
	knee->reason = CS_KNEE_NONE;
	knee->gain = NAN;
	knee->p99_ratio = NAN;
	if (!n)
		return;
	for (i = 1; i < n; i++) {
		double linear = ups[i - 1] * (level[i] - level[i - 1]) /
				level[i - 1];
		double gain = linear > 0 ? (ups[i] - ups[i - 1]) / linear : 0;
		bool plateau = gain < CS_KNEE_GAIN_MIN;
		bool tail = p99[i - 1] && p99[i] &&
			    p99[i] > CS_KNEE_P99_JUMP * p99[i - 1];

		if (!plateau && !tail)
			continue;
		knee->found = true;
		knee->reason = plateau && tail ? CS_KNEE_BOTH :
			       plateau ? CS_KNEE_PLATEAU : CS_KNEE_TAIL;
		knee->level = level[i - 1];
		knee->next_level = level[i];
		knee->gain = gain;
		if (p99[i - 1] && p99[i])
			knee->p99_ratio = (double)p99[i] / p99[i - 1];
		recommend(knee);
		return;
	}
	/* No knee: it lies at or above the highest level measured. */
	knee->level = level[n - 1];
	recommend(knee);
}

const char *cs_sweep_kind_name(enum cs_sweep_kind k)
{
	return k == CS_SWEEP_CPUS ? "cpus" : "busy";
}

const char *cs_sweep_status_name(enum cs_sweep_status st)
{
	switch (st) {
	case CS_SWEEP_RUNNING:
		return "running";
	case CS_SWEEP_COMPLETE:
		return "complete";
	case CS_SWEEP_INTERRUPTED:
		return "interrupted";
	case CS_SWEEP_FAILED:
		return "failed";
	}
	return "unknown";
}

const char *cs_meas_status_name(enum cs_meas_status st)
{
	switch (st) {
	case CS_MEAS_PENDING:
		return "pending";
	case CS_MEAS_OK:
		return "ok";
	case CS_MEAS_TIMEOUT:
		return "timeout";
	case CS_MEAS_INTERRUPTED:
		return "interrupted";
	case CS_MEAS_ERROR:
		return "error";
	}
	return "unknown";
}

const char *cs_knee_reason_name(enum cs_knee_reason r)
{
	switch (r) {
	case CS_KNEE_NONE:
		return "none";
	case CS_KNEE_PLATEAU:
		return "plateau";
	case CS_KNEE_TAIL:
		return "tail";
	case CS_KNEE_BOTH:
		return "both";
	}
	return "unknown";
}
