// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Drift correction, confidence intervals and the noise-aware tests of a
 * sweep. See sweep/stats.h; docs/sweep-format.md "Design and statistics"
 * says why each choice.
 */
#include "sweep/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep.h"

#define Z975	1.959963984540054
#define Z95	1.644853626951472	/* one-sided 95 % */

const char cs_noise_advice[] =
	"the host's speed moved during the sweep: use more --runs, a longer --duration, or a quieter host";

static bool good(double x)
{
	return isfinite(x) && x > 0;
}

double cs_ref_at(const double *rt, const double *rv, size_t n, double t)
{
	size_t i;

	if (!n)
		return NAN;
	if (t <= rt[0])
		return rv[0];
	for (i = 1; i < n; i++) {
		if (t <= rt[i]) {
			double span = rt[i] - rt[i - 1];
			double f = span > 0 ? (t - rt[i - 1]) / span : 1;

			return rv[i - 1] + f * (rv[i] - rv[i - 1]);
		}
	}
	return rv[n - 1];
}

double cs_geomean(const double *v, size_t n)
{
	double s = 0;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (!good(v[i]))
			continue;
		s += log(v[i]);
		k++;
	}
	return k ? exp(s / k) : NAN;
}

double cs_t975(double df)
{
	static const double tab[] = {
		NAN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
		2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110,
		2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
		2.052, 2.048, 2.045, 2.042,
	};
	double z = Z975;

	if (!(df >= 1))
		return NAN;
	if (df <= 30)
		return tab[(int)df];
	/* Cornish-Fisher, two terms: within 0.001 beyond 30. */
	return z + (z * z * z + z) / (4 * df) +
	       (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * df * df);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of @n values, sorted in place (insertion sort: n is a run count). */
static double median_of(double *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		double x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Log of the mean of window @w's sub-windows, corrected or not; NaN if none. */
static double window_log(const struct cs_stats_in *in, size_t w, double scale)
{
	double s = 0;
	uint32_t k, n = 0;

	for (k = 0; k < in->nsub; k++) {
		double v = in->sub[w * in->nsub + k];

		if (!good(v))
			continue;
		s += v;
		n++;
	}
	return n ? log(s / n * scale) : NAN;
}

/* Correction factor S / ref(t) of level window @w (1 without references). */
static double correction(const struct cs_stats_in *in, double S, size_t w)
{
	double r;

	if (!in->nrefs || !good(S))
		return 1;
	r = cs_ref_at(in->ref_t, in->ref_v, in->nrefs, in->t[w]);
	return good(r) ? S / r : 1;
}

/*
 * Bootstrap of the median of @r draws (each the mean of @per draws) from
 * @pool: its 2.5 % and 97.5 % quantiles.
 */
static void boot(const double *pool, size_t npool, uint32_t r, uint32_t per,
		 uint64_t seed, double *dist, double *q_lo, double *q_hi)
{
	double run[CS_SWEEP_RUNS_MAX];
	uint64_t st = seed;
	uint32_t b, i, k;

	for (b = 0; b < CS_BOOT_RESAMPLES; b++) {
		for (i = 0; i < r; i++) {
			double s = 0;

			for (k = 0; k < per; k++)
				s += pool[(size_t)(cs_rand01(&st) * npool)];
			run[i] = s / per;
		}
		dist[b] = median_of(run, r);
	}
	qsort(dist, CS_BOOT_RESAMPLES, sizeof(*dist), cmp_double);
	*q_lo = dist[(size_t)(0.025 * CS_BOOT_RESAMPLES)];
	*q_hi = dist[(size_t)(0.975 * CS_BOOT_RESAMPLES) - 1];
}

int cs_stats_levels(const struct cs_stats_in *in, uint64_t seed,
		    struct cs_level_ci *out)
{
	size_t nwin = (size_t)in->nlevels * in->runs, npool = 0, w;
	double *lc, *lr, *pool, *dist, S = cs_geomean(in->ref_v, in->nrefs);
	double df = 0, widen, q[CS_SWEEP_RUNS_MAX + 1][2];
	bool have_q[CS_SWEEP_RUNS_MAX + 1] = { false };
	bool by_run;
	uint32_t li, r, k, maxn = 0;

	lc = calloc(nwin ? nwin : 1, sizeof(*lc));
	lr = calloc(nwin ? nwin : 1, sizeof(*lr));
	pool = calloc(nwin * in->nsub + 1, sizeof(*pool));
	dist = calloc(CS_BOOT_RESAMPLES, sizeof(*dist));
	if (!lc || !lr || !pool || !dist) {
		free(lc);
		free(lr);
		free(pool);
		free(dist);
		return -ENOMEM;
	}
	for (w = 0; w < nwin; w++) {
		lr[w] = window_log(in, w, 1);
		lc[w] = window_log(in, w, correction(in, S, w));
	}
	/* Medians; the most runs any level has decides the pool's unit. */
	for (li = 0; li < in->nlevels; li++) {
		double vr[CS_SWEEP_RUNS_MAX], vc[CS_SWEEP_RUNS_MAX];
		struct cs_level_ci *o = &out[li];
		uint32_t n = 0;

		for (r = 0; r < in->runs && r < CS_SWEEP_RUNS_MAX; r++) {
			w = (size_t)li * in->runs + r;
			if (isnan(lc[w]))
				continue;
			vr[n] = lr[w];
			vc[n++] = lc[w];
		}
		o->n = n;
		o->raw = o->corrected = o->lo = o->hi = NAN;
		if (!n)
			continue;
		/* In units/s: with 2 runs, the mean of the two as usual. */
		for (r = 0; r < n; r++) {
			vr[r] = exp(vr[r]);
			vc[r] = exp(vc[r]);
		}
		o->raw = median_of(vr, n);
		o->corrected = median_of(vc, n);
		if (n > maxn)
			maxn = n;
	}
	/*
	 * Residuals, pooled over the levels: of each run's window around its
	 * level's mean when levels have several runs, else of each
	 * sub-window around its window's mean; scaled by sqrt(m / (m - 1))
	 * so that their spread is not shrunk by the centring.
	 */
	by_run = maxn >= 2;
	for (li = 0; li < in->nlevels; li++) {
		double m = 0;
		uint32_t n = 0;

		if (by_run) {
			for (r = 0; r < in->runs; r++) {
				w = (size_t)li * in->runs + r;
				if (!isnan(lc[w])) {
					m += lc[w];
					n++;
				}
			}
			if (n < 2)
				continue;
			m /= n;
			for (r = 0; r < in->runs; r++) {
				w = (size_t)li * in->runs + r;
				if (!isnan(lc[w]))
					pool[npool++] = (lc[w] - m) *
							sqrt(n / (n - 1.0));
			}
			df += n - 1;
			continue;
		}
		for (r = 0; r < in->runs; r++) {
			double v[CS_SWEEP_SUBWIN + 8];

			w = (size_t)li * in->runs + r;
			n = 0;
			m = 0;
			for (k = 0; k < in->nsub && k < CS_SWEEP_SUBWIN + 8;
			     k++) {
				double x = in->sub[w * in->nsub + k];

				if (!good(x))
					continue;
				v[n] = log(x);
				m += v[n++];
			}
			if (n < 2)
				continue;
			m /= n;
			for (k = 0; k < n; k++)
				pool[npool++] = (v[k] - m) * sqrt(n / (n - 1.0));
			df += n - 1;
		}
	}
	widen = cs_t975(df) / Z975;
	for (li = 0; li < in->nlevels && npool && isfinite(widen); li++) {
		struct cs_level_ci *o = &out[li];
		uint32_t n = o->n;
		double c;

		if (!n || n > CS_SWEEP_RUNS_MAX)
			continue;
		if (!have_q[n]) {
			boot(pool, npool, n, by_run ? 1 : in->nsub,
			     seed ^ (0x9e3779b97f4a7c15ULL * n), dist,
			     &q[n][0], &q[n][1]);
			have_q[n] = true;
		}
		c = log(o->corrected);
		o->lo = exp(c - q[n][1] * widen);
		o->hi = exp(c - q[n][0] * widen);
	}
	free(lc);
	free(lr);
	free(pool);
	free(dist);
	return 0;
}

void cs_noise_of(const double *ref_v, size_t n, struct cs_noise *nz)
{
	double s = 0, ss = 0, lo = INFINITY, hi = 0, mean;
	size_t i, k = 0;

	memset(nz, 0, sizeof(*nz));
	nz->cv = nz->drift = NAN;
	for (i = 0; i < n; i++) {
		if (!good(ref_v[i]))
			continue;
		s += ref_v[i];
		lo = fmin(lo, ref_v[i]);
		hi = fmax(hi, ref_v[i]);
		k++;
	}
	nz->n = (uint32_t)k;
	if (k < 2)
		return;
	mean = s / k;
	for (i = 0; i < n; i++)
		if (good(ref_v[i]))
			ss += (ref_v[i] - mean) * (ref_v[i] - mean);
	nz->cv = sqrt(ss / (k - 1)) / mean;
	nz->drift = hi / lo;
	nz->noisy = nz->cv > CS_NOISY_CV || nz->drift > CS_NOISY_DRIFT;
}

void cs_ratio_ci(double a, double alo, double ahi, double b, double blo,
		 double bhi, double *lo, double *hi)
{
	double l;

	*lo = *hi = NAN;
	if (!good(a) || !good(alo) || !good(ahi) || !good(b) || !good(blo) ||
	    !good(bhi))
		return;
	l = log(a / b);
	/* a's upper error with b's lower one, and the other way round. */
	*hi = exp(l + hypot(log(ahi / a), log(b / blo)));
	*lo = exp(l - hypot(log(a / alo), log(bhi / b)));
}

void cs_knee_noise(const uint32_t *level, const struct cs_level_ci *c,
		   const uint64_t *p99, uint32_t n, uint32_t runs,
		   struct cs_knee_ci *k)
{
	uint32_t i, prev = UINT32_MAX, last = 0;

	memset(k, 0, sizeof(*k));
	k->gain = k->gain_lo = k->gain_hi = k->p99_min = NAN;
	for (i = 0; i < n; i++) {
		double f, rlo, rhi, rup, ratio, pmin = INFINITY;
		uint32_t r, nr = 0;
		bool plateau, tail;

		if (!c[i].n)
			continue;
		last = i;
		if (prev == UINT32_MAX) {
			prev = i;
			continue;
		}
		/* Gain over linear = (ratio - 1) x level / step. */
		f = (double)level[prev] / (level[i] - level[prev]);
		cs_ratio_ci(c[i].corrected, c[i].lo, c[i].hi, c[prev].corrected,
			    c[prev].lo, c[prev].hi, &rlo, &rhi);
		for (r = 0; p99 && r < runs; r++) {
			uint64_t a = p99[(size_t)prev * runs + r];
			uint64_t b = p99[(size_t)i * runs + r];

			if (!a || !b)
				continue;
			pmin = fmin(pmin, (double)b / a);
			nr++;
		}
		/*
		 * "Below 5 % with 95 % confidence" is one-sided: the upper
		 * bound of a 90 % two-sided interval of the ratio.
		 */
		ratio = c[i].corrected / c[prev].corrected;
		rup = exp(log(ratio) + log(rhi / ratio) * Z95 / Z975);
		plateau = isfinite(rup) && (rup - 1) * f < CS_KNEE_GAIN_MIN;
		tail = nr >= 2 && pmin > CS_KNEE_P99_JUMP;
		if (plateau || tail) {
			k->found = true;
			k->plateau = plateau;
			k->tail = tail;
			k->li = prev;
			k->next = i;
			k->gain = (ratio - 1) * f;
			k->gain_lo = (rlo - 1) * f;
			k->gain_hi = (rup - 1) * f;
			k->p99_min = nr ? pmin : NAN;
			return;
		}
		prev = i;
	}
	k->li = last;
}

bool cs_efficiency_ci(uint32_t l, const struct cs_level_ci *c, uint32_t l0,
		      const struct cs_level_ci *c0, double *eff, double *lo,
		      double *hi)
{
	double f = (double)l0 / l;

	*eff = *lo = *hi = NAN;
	if (!c->n || !c0->n || !l || !l0)
		return false;
	*eff = c->corrected / c0->corrected * f;
	if (c == c0) {
		*lo = *hi = 1;
		return false;
	}
	cs_ratio_ci(c->corrected, c->lo, c->hi, c0->corrected, c0->lo,
		    c0->hi, lo, hi);
	*lo *= f;
	*hi *= f;
	return *eff > CS_DRIFT_EFFICIENCY && *lo > 1;
}

double cs_ratio_p(double a, double alo, double ahi, double b, double blo,
		  double bhi)
{
	double sa, sb, z;

	if (!good(a) || !good(alo) || !good(ahi) || !good(b) || !good(blo) ||
	    !good(bhi))
		return 1;
	sa = log(ahi / alo) / (2 * Z975);
	sb = log(bhi / blo) / (2 * Z975);
	if (!(sa + sb > 0))
		return a == b ? 1 : 0;
	z = fabs(log(a / b)) / sqrt(sa * sa + sb * sb);
	return erfc(z / sqrt(2));
}

void cs_holm(const double *p, size_t n, double alpha, bool *sig)
{
	size_t i, j, rank;

	/* Step down: the i-th smallest p passes at alpha / (n - i). */
	for (i = 0; i < n; i++)
		sig[i] = false;
	for (rank = 0; rank < n; rank++) {
		size_t best = n;

		for (j = 0; j < n; j++)
			if (!sig[j] && (best == n || p[j] < p[best]))
				best = j;
		if (best == n || !(p[best] <= alpha / (double)(n - rank)))
			return;
		sig[best] = true;
	}
}
