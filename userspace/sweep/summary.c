// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The human summary of a sweep: one row per level, then the knee. Numbers
 * are rounded as the files round them, so the table and the files agree.
 */
#include <math.h>
#include <string.h>

#include "sweep/sweep.h"
#include "util/words.h"

enum sum_col {
	SUM_LEVEL, SUM_RUNS, SUM_UPS, SUM_CORR, SUM_CI, SUM_SPREAD,
	SUM_PER_CPU, SUM_BUSY, SUM_STEAL, SUM_WAIT, SUM_P50, SUM_P99, SUM_EFF,
	SUM_EFF_CI, SUM_COUNT
};

/* SUM_LEVEL's header depends on the kind; SUM_EFF is for CPU sweeps. */
static const char *const sum_headers[SUM_COUNT] = {
	"", "runs", "units/s", "corrected", "95% CI", "min..max", "per CPU",
	"achieved%", "steal%", "wait%", "p50 us", "p99 us", "eff", "eff 95% CI",
};

#define SUM_CELL	48

/* @x as the files show it: rounded first, so "1005.3" in both. */
static void sum_num(char *cell, double x, int decimals)
{
	snprintf(cell, SUM_CELL, "%.*f", decimals, cs_round_to(x, decimals));
}

/* The cells of level @l's row: "-" for what it has no good run for. */
static void sum_cells(const struct cs_sweep_level *l, char cell[][SUM_CELL])
{
	int c;

	snprintf(cell[SUM_LEVEL], SUM_CELL, "%u", l->level);
	snprintf(cell[SUM_RUNS], SUM_CELL, "%u/%u", l->runs_ok, l->runs);
	for (c = SUM_UPS; c < SUM_COUNT; c++)
		strcpy(cell[c], "-");
	if (!l->runs_ok)
		return;
	sum_num(cell[SUM_UPS], l->ups.median, CS_DEC_RATE);
	if (isfinite(l->corrected))
		sum_num(cell[SUM_CORR], l->corrected, CS_DEC_RATE);
	if (isfinite(l->ci_lo) && isfinite(l->ci_hi))
		snprintf(cell[SUM_CI], SUM_CELL, "%.*f..%.*f",
			 CS_DEC_RATE, cs_round_to(l->ci_lo, CS_DEC_RATE),
			 CS_DEC_RATE, cs_round_to(l->ci_hi, CS_DEC_RATE));
	snprintf(cell[SUM_SPREAD], SUM_CELL, "%.*f..%.*f",
		 CS_DEC_RATE, cs_round_to(l->ups.min, CS_DEC_RATE),
		 CS_DEC_RATE, cs_round_to(l->ups.max, CS_DEC_RATE));
	sum_num(cell[SUM_PER_CPU], l->ups_per_cpu, CS_DEC_RATE);
	sum_num(cell[SUM_BUSY], l->busy_pct, CS_DEC_PCT);
	sum_num(cell[SUM_STEAL], l->steal_pct, CS_DEC_PCT);
	sum_num(cell[SUM_WAIT], l->wait_pct, CS_DEC_PCT);
	sum_num(cell[SUM_P50], cs_ns_to_us(l->p50_ns), CS_DEC_US);
	sum_num(cell[SUM_P99], cs_ns_to_us(l->p99_ns), CS_DEC_US);
	if (l->efficiency >= 0)
		sum_num(cell[SUM_EFF], l->efficiency, CS_DEC_RATIO);
	if (l->efficiency >= 0 && isfinite(l->eff_lo) && isfinite(l->eff_hi))
		snprintf(cell[SUM_EFF_CI], SUM_CELL, "%.*f..%.*f",
			 CS_DEC_RATIO, cs_round_to(l->eff_lo, CS_DEC_RATIO),
			 CS_DEC_RATIO, cs_round_to(l->eff_hi, CS_DEC_RATIO));
}

static void sum_print_row(FILE *f, const char *const *cell,
			  const int *width, int ncols)
{
	int c;

	for (c = 0; c < ncols; c++)
		fprintf(f, "%s%*s", c ? "  " : "", width[c], cell[c]);
	fputc('\n', f);
}

char *cs_sweep_level_text(char *buf, size_t len, enum cs_sweep_kind kind,
			  uint32_t level)
{
	if (kind == CS_SWEEP_CPUS)
		snprintf(buf, len, "%u %s", level,
			 cs_plural(level, "CPU", "CPUs"));
	else
		snprintf(buf, len, "%u %% busy", level);
	return buf;
}

char *cs_sweep_plan_text(char *buf, size_t len, const struct cs_sweep_plan *p)
{
	uint32_t lo = p->nlevels ? p->levels[0] : 0;
	uint32_t hi = p->nlevels ? p->levels[p->nlevels - 1] : 0;
	char range[CS_RANGE_MAX], windows[CS_DESIGN_TEXT_MAX];

	cs_range(range, sizeof(range), lo, hi);
	cs_design_text(windows, sizeof(windows), p->nlevels, p->runs);
	if (p->kind == CS_SWEEP_CPUS)
		snprintf(buf, len, "%s %s (%s)", range,
			 cs_plural(hi, "CPU", "CPUs"), windows);
	else
		snprintf(buf, len, "busy %s %% (%s)", range, windows);
	return buf;
}

/* "2-3 CPUs", "2 CPUs" or "30-45 % busy". */
static void range_text(char *buf, size_t len, enum cs_sweep_kind kind,
		       uint32_t lo, uint32_t hi)
{
	char top[32];
	int n = 0;

	if (lo != hi)
		n = snprintf(buf, len, "%u-", lo);
	cs_sweep_level_text(top, sizeof(top), kind, hi);
	snprintf(buf + n, len - (size_t)n, "%s", top);
}

static void print_knee(FILE *f, const struct cs_sweep *s)
{
	const struct cs_knee *k = &s->knee;
	enum cs_sweep_kind kind = s->plan.kind;
	char at[32], next[32], run[48];

	if (kind == CS_SWEEP_BUSY)
		return;		/* only a CPU-count sweep has a knee */
	if (!k->level) {
		fputs("knee: none (no level has a good run)\n", f);
		return;
	}
	cs_sweep_level_text(at, sizeof(at), kind, k->level);
	range_text(run, sizeof(run), kind, k->recommend_min, k->recommend_max);
	if (!k->found && k->noise_aware) {
		fprintf(f, "knee: no knee beyond the noise up to %s (noise %.1f %%); run at %s or more (50-75 %% of the highest level measured)\n",
			at, 100 * s->noise.cv, run);
		return;
	}
	if (!k->found) {
		fprintf(f, "knee: none up to %s; run at %s or more (50-75 %% of the highest level measured)\n",
			at, run);
		return;
	}
	cs_sweep_level_text(next, sizeof(next), kind, k->next_level);
	fprintf(f, "knee: %s (", at);
	if (k->reason != CS_KNEE_TAIL)
		fprintf(f, "plateau: %s added %.0f %% of the linear gain",
			next, k->gain * 100);
	if (k->reason != CS_KNEE_TAIL && isfinite(k->gain_hi))
		fprintf(f, ", at most %.0f %% with 95 %% confidence",
			k->gain_hi * 100);
	if (k->reason == CS_KNEE_BOTH)
		fputs("; ", f);
	if (k->reason != CS_KNEE_PLATEAU)
		fprintf(f, "tail: p99 rose %.1fx at %s%s", k->p99_ratio, next,
			k->noise_aware ? ", more than 1.5x in every run" : "");
	fprintf(f, "); run at %s (50-75 %% of the knee)\n", run);
}

/* The sweep's noise, and what drift the efficiency shows. */
static void print_noise(FILE *f, const struct cs_sweep *s)
{
	const struct cs_noise *n = &s->noise;
	uint32_t i;

	if (n->n >= 2)
		fprintf(f, "noise: reference CV %.1f %%, drift %.2fx over %u reference windows%s\n",
			100 * n->cv, n->drift, n->n,
			n->noisy ? " - noisy" : "");
	if (n->noisy) {
		fprintf(f, "warning: noisy sweep (CV above %.0f %% or drift above %.2fx): %s\n",
			100 * CS_NOISY_CV, CS_NOISY_DRIFT, cs_noise_advice);
		if (f != stderr)
			fprintf(stderr, "warning: noisy sweep (reference CV %.1f %%, drift %.2fx): %s\n",
				100 * n->cv, n->drift, cs_noise_advice);
	}
	for (i = 0; i < s->plan.nlevels; i++) {
		const struct cs_sweep_level *l = &s->levels[i];

		char at[32];

		if (l->runs_ok && l->eff_drift)
			fprintf(f, "efficiency %.3f at %s (95 %% CI %.3f..%.3f) is drift of the host's speed, not super-linear scaling\n",
				l->efficiency,
				cs_sweep_level_text(at, sizeof(at),
						    CS_SWEEP_CPUS, l->level),
				l->eff_lo, l->eff_hi);
	}
}

void cs_sweep_print_summary(FILE *f, const struct cs_sweep *s)
{
	int ncols = s->plan.kind == CS_SWEEP_CPUS ? SUM_COUNT : SUM_EFF;
	char cell[SUM_COUNT][SUM_CELL];
	const char *head[SUM_COUNT], *row[SUM_COUNT];
	int width[SUM_COUNT], c, len;
	uint32_t i;

	for (c = 0; c < SUM_COUNT; c++) {
		head[c] = sum_headers[c];
		row[c] = cell[c];
	}
	head[SUM_LEVEL] = s->plan.kind == CS_SWEEP_CPUS ? "cpus" : "busy%";
	for (c = 0; c < ncols; c++)
		width[c] = (int)strlen(head[c]);
	for (i = 0; i < s->plan.nlevels; i++) {
		sum_cells(&s->levels[i], cell);
		for (c = 0; c < ncols; c++) {
			len = (int)strlen(cell[c]);
			if (len > width[c])
				width[c] = len;
		}
	}
	sum_print_row(f, head, width, ncols);
	for (i = 0; i < s->plan.nlevels; i++) {
		sum_cells(&s->levels[i], cell);
		sum_print_row(f, row, width, ncols);
	}
	if (s->status != CS_SWEEP_COMPLETE)
		fprintf(f, "status: %s: %s\n", cs_sweep_status_name(s->status),
			cs_sweep_error(s));
	print_noise(f, s);
	print_knee(f, s);
}
