/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The sweep's design against drift and the statistics drawn from it.
 * Pure arithmetic: no engine, no I/O, no clock.
 *
 *   sweep/design.c  which window comes when: level orders per run and
 *                   the reference windows between them
 *   sweep/stats.c   drift correction, confidence intervals, the noise
 *                   of the sweep, and the knee, efficiency and compare
 *                   tests that respect it
 *
 * docs/sweep-format.md "Design and statistics" explains every choice.
 */
#ifndef CPUSTRESS_SWEEP_STATS_H
#define CPUSTRESS_SWEEP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- sweep/design.c -------------------------------------------------- */

#define CS_SWEEP_RUNS_DEF	3	/* runs of every level */
#define CS_SWEEP_SETTLE_MS_DEF	500	/* at a level before its window */
#define CS_SWEEP_WINDOW_MS_DEF	2000	/* measured time of one window */
#define CS_SWEEP_SUBWIN		2	/* sub-windows a window is cut into */
#define CS_SWEEP_REF_EVERY	4	/* level windows between references */

enum cs_slot_kind {
	CS_SLOT_REF,		/* a reference window */
	CS_SLOT_LEVEL,		/* a level window */
};

/**
 * struct cs_slot - one window of a sweep, in the order they run
 * @kind: see enum cs_slot_kind
 * @li: CS_SLOT_LEVEL: the level's index (0-based, ascending levels)
 * @run: CS_SLOT_LEVEL: the run (0-based); CS_SLOT_REF: the run it
 *	starts or follows
 * @ref: CS_SLOT_REF: the reference's index (0-based)
 */
struct cs_slot {
	enum cs_slot_kind kind;
	uint32_t li;
	uint32_t run;
	uint32_t ref;
};

/** One step of splitmix64 (Steele, Lea, Flood 2014): @state advances. */
uint64_t cs_splitmix64(uint64_t *state);

/** A uniform double in [0, 1) from @state. */
double cs_rand01(uint64_t *state);

/**
 * cs_design_order() - the order run @run visits @nlevels levels
 * @order: filled with level indexes: run 0 ascending, run 1 descending,
 *	later runs a Fisher-Yates shuffle seeded by (@seed, @run)
 */
void cs_design_order(uint32_t nlevels, uint32_t run, uint64_t seed,
		     uint32_t *order);

/** Reference windows of a plan: one at the start, then ceil(n / 4) per run. */
uint32_t cs_design_nrefs(uint32_t nlevels, uint32_t runs);

/** Windows of a plan: level windows plus reference windows. */
uint32_t cs_design_nslots(uint32_t nlevels, uint32_t runs);

/**
 * cs_design_slots() - every window of a plan, in order
 * @slot: room for cs_design_nslots() entries
 *
 * A reference at the start, one after every CS_SWEEP_REF_EVERY level
 * windows of a run and one at the end of every run (which is also the
 * start of the next).
 * Return: the number of slots written.
 */
uint32_t cs_design_slots(uint32_t nlevels, uint32_t runs, uint64_t seed,
			 struct cs_slot *slot);

/**
 * cs_design_text() - a plan's windows in words, for messages
 * @buf: room for CS_DESIGN_TEXT_MAX bytes (@len)
 *
 * "5 levels x 3 runs + 7 reference windows", "1 level x 1 run + 2
 * reference windows": what cs_design_nslots() counts.
 * Return: @buf.
 */
#define CS_DESIGN_TEXT_MAX	80
char *cs_design_text(char *buf, size_t len, uint32_t nlevels, uint32_t runs);

/** Length of a plan in ms: every window with its settle time. */
uint64_t cs_design_ms(uint32_t nlevels, uint32_t runs, uint32_t settle_ms,
		      uint32_t window_ms);

/* --- sweep/stats.c --------------------------------------------------- */

#define CS_CI_LEVEL		0.95	/* of every interval */
#define CS_BOOT_RESAMPLES	1000
#define CS_NOISY_CV		0.10	/* reference CV beyond: noisy */
#define CS_NOISY_DRIFT		1.25	/* largest / smallest reference */
#define CS_DRIFT_EFFICIENCY	1.05	/* efficiency beyond: drift */
#define CS_COMPARE_ALPHA	0.05	/* family-wise, Holm */

/**
 * cs_ref_at() - the reference interpolated at time @t
 * @rt: reference times, ascending
 * @rv: their values (> 0)
 * @n: how many (0: NaN)
 *
 * Linear between the two references around @t, the nearest one outside.
 */
double cs_ref_at(const double *rt, const double *rv, size_t n, double t);

/** Geometric mean of the positive, finite values of @v; NaN if none. */
double cs_geomean(const double *v, size_t n);

/** Two-sided 95 % quantile of Student's t with @df degrees of freedom. */
double cs_t975(double df);

/**
 * struct cs_stats_in - the windows of a sweep
 * @nlevels: levels
 * @runs: runs
 * @nsub: sub-windows per window (1..CS_SWEEP_SUBWIN)
 * @sub: units/s of every sub-window, [(li * runs + run) * nsub + k];
 *	NaN (or <= 0) where the window was not measured
 * @t: time (s from the sweep's start) of every level window's middle,
 *	[li * runs + run]
 * @nrefs: reference windows measured
 * @ref_t: their times, ascending
 * @ref_v: their units/s
 */
struct cs_stats_in {
	uint32_t nlevels;
	uint32_t runs;
	uint32_t nsub;
	const double *sub;
	const double *t;
	uint32_t nrefs;
	const double *ref_t;
	const double *ref_v;
};

/**
 * struct cs_level_ci - one level's numbers
 * @n: runs measured
 * @raw: median over runs of the window means, as measured
 * @corrected: the same after drift correction
 * @lo: lower 95 % bound of @corrected (NaN when unknown)
 * @hi: upper bound
 */
struct cs_level_ci {
	uint32_t n;
	double raw;
	double corrected;
	double lo;
	double hi;
};

/**
 * cs_stats_levels() - per level: raw and corrected median, 95 % interval
 * @in: the windows
 * @seed: seeds the bootstrap (the same input and seed: the same answer)
 * @out: @in->nlevels entries
 *
 * A sub-window's corrected value is its value x S / ref(t), where ref(t)
 * interpolates the references (cs_ref_at()) and S is their geometric
 * mean; without references the corrected value is the raw one. The
 * interval comes from a bootstrap of the pooled residuals (see
 * docs/sweep-format.md), widened by Student's t for its degrees of
 * freedom.
 * Return: 0, or -ENOMEM.
 */
int cs_stats_levels(const struct cs_stats_in *in, uint64_t seed,
		    struct cs_level_ci *out);

/**
 * struct cs_noise - how steady the host was during the sweep
 * @n: reference windows
 * @cv: their coefficient of variation (sample SD / mean); NaN if n < 2
 * @drift: largest / smallest; NaN if n < 2
 * @noisy: @cv > CS_NOISY_CV or @drift > CS_NOISY_DRIFT
 */
struct cs_noise {
	uint32_t n;
	double cv;
	double drift;
	bool noisy;
};

void cs_noise_of(const double *ref_v, size_t n, struct cs_noise *nz);

/** What to do about a noisy sweep, one sentence. */
extern const char cs_noise_advice[];

/**
 * cs_ratio_ci() - interval of a / b from the two values' intervals
 *
 * In logarithms the half-widths add in quadrature (the two levels'
 * errors taken as independent). NaN bounds when either is unknown.
 */
void cs_ratio_ci(double a, double alo, double ahi, double b, double blo,
		 double bhi, double *lo, double *hi);

/**
 * struct cs_knee_ci - where adding CPUs stops paying, beyond the noise
 * @found: a pair failed the rule beyond the noise
 * @plateau: the gain's one-sided 95 % upper bound is under
 *	CS_KNEE_GAIN_MIN
 * @tail: the p99 rose more than CS_KNEE_P99_JUMP in every run (>= 2)
 * @li: index of the knee level (the lower of the pair); the highest
 *	level when not found
 * @next: index of the higher level of the pair (0 when not found)
 * @gain: that pair's gain over the linear gain; @gain_lo its lower 95 %
 *	bound, @gain_hi its one-sided 95 % upper bound
 * @p99_min: that pair's smallest p99 ratio over the runs
 */
struct cs_knee_ci {
	bool found;
	bool plateau;
	bool tail;
	uint32_t li;
	uint32_t next;
	double gain;
	double gain_lo;
	double gain_hi;
	double p99_min;
};

/**
 * cs_knee_noise() - the knee rule, a pair failing only beyond the noise
 * @level: the levels (CPU counts), ascending
 * @c: their numbers (cs_stats_levels()); levels with n 0 are skipped
 * @p99: p99 unit time per run, [li * runs + run] (0: unknown)
 * @n: levels
 * @runs: runs
 * @k: the answer
 */
void cs_knee_noise(const uint32_t *level, const struct cs_level_ci *c,
		   const uint64_t *p99, uint32_t n, uint32_t runs,
		   struct cs_knee_ci *k);

/**
 * cs_efficiency_ci() - a CPU-count level's efficiency and its interval
 * @l, @c: the level and its numbers; @l0, @c0: the first level's
 * @eff, @lo, @hi: the answer (NaN when unknown)
 * Return: true when it is drift: above CS_DRIFT_EFFICIENCY with an
 * interval that excludes 1.
 */
bool cs_efficiency_ci(uint32_t l, const struct cs_level_ci *c, uint32_t l0,
		      const struct cs_level_ci *c0, double *eff, double *lo,
		      double *hi);

/**
 * cs_ratio_p() - two-sided p-value of "a and b are equal"
 *
 * The log ratio over its standard error, each value's taken from its
 * 95 % interval (half-width / 1.96), against the normal distribution.
 * 1 when either interval is unknown.
 */
double cs_ratio_p(double a, double alo, double ahi, double b, double blo,
		  double bhi);

/**
 * cs_holm() - Holm's step-down correction at family-wise level @alpha
 * @p: @n p-values
 * @sig: set true where the difference is significant
 */
void cs_holm(const double *p, size_t n, double alpha, bool *sig);

#endif /* CPUSTRESS_SWEEP_STATS_H */
