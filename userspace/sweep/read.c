// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A JSON sweep result file back into a struct cs_sweep, for compare.
 *
 * Every field is checked: a file is either read whole and consistent or
 * refused with one sentence naming the file and the JSON path of the
 * first problem ("a.json: field cpustress.levels[3].p99Us: expected a
 * number"), so that nothing downstream works from half a file. The
 * fields of each object are described by a table of struct cs_json_field
 * and read by json_in.c.
 *
 * Free text (kernel, CPU model, version, error messages) longer than the
 * struct holds is cut short; the host name and the plan's cpulist, which
 * name things, are refused instead, since a cut one names something else.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include <cpustress/limits.h>
#include <cpustress/version.h>

#include "util/json_in.h"
#include "sweep/sweep.h"
#include "util/words.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Bounds of the fields that the plan does not bound. */
#define READ_CPUS_MAX		4096	/* numCores, CPU-count levels */
#define MS_PER_S		1000
#define NS_PER_US		1000

/* Index of @level in the plan, or -1. */
static int plan_index(const struct cs_sweep_plan *p, uint32_t level)
{
	uint32_t i;

	for (i = 0; i < p->nlevels; i++)
		if (p->levels[i] == level)
			return (int)i;
	return -1;
}

/* The pcd summary, checked and compared with the levels at the end. */
struct pcd_sums {
	uint64_t max_units;
	uint64_t avg_units;
	uint64_t units_per_sec;
};

static const struct cs_json_field pcd_fields[] = {
	CS_FIELD(struct cs_sweep, "hostname", CS_F_NAME, hostname, 0, 0, 0),
	CS_FIELD(struct cs_sweep, "timestamp", CS_F_U64, timestamp, 0,
		 INT64_MAX, 0),
	CS_FIELD(struct cs_sweep, "numCores", CS_F_U32, num_cores, 1,
		 READ_CPUS_MAX, 0),
};

static const struct cs_json_field pcd_sum_fields[] = {
	CS_FIELD(struct pcd_sums, "maxUnits", CS_F_U64, max_units, 0, INT64_MAX,
		 0),
	CS_FIELD(struct pcd_sums, "avgUnits", CS_F_U64, avg_units, 0, INT64_MAX,
		 0),
	CS_FIELD(struct pcd_sums, "unitsPerSec", CS_F_U64, units_per_sec, 0,
		 INT64_MAX, 0),
};

/* The pcd top level: host fields, and the types of the pcd summary. */
static int read_pcd(struct cs_json_in *r, const json_t *root,
		    struct cs_sweep *s, struct pcd_sums *sums)
{
	json_t *res = NULL, *e;
	size_t i, len;
	uint64_t v;
	int ret;

	ret = cs_json_read_fields(r, root, pcd_fields, ARRAY_SIZE(pcd_fields),
				  s, NULL);
	if (!ret && !s->hostname[0])
		ret = cs_json_fail(r, "hostname", "empty");
	if (!ret)
		ret = cs_json_read_fields(r, root, pcd_sum_fields,
					  ARRAY_SIZE(pcd_sum_fields), sums,
					  NULL);
	if (!ret && json_object_get(root, "error"))
		ret = cs_json_get_text(r, root, "error", s->error,
				       sizeof(s->error), false);
	if (!ret)
		ret = cs_json_get(r, root, "results", JSON_ARRAY, false, &res);
	json_array_foreach(res, i, e) {
		if (ret)
			break;
		len = cs_json_enter(r, "results", (long)i);
		if (!json_is_object(e))
			ret = cs_json_fail(r, NULL, "expected an object");
		if (!ret)
			ret = cs_json_get_int(r, e, "busyPct", 0, 100, false,
					      &v);
		if (!ret)
			ret = cs_json_get_int(r, e, "workUnits", 0, INT64_MAX,
					      false, &v);
		cs_json_leave(r, len);
	}
	return ret;
}

static const struct cs_json_field head_fields[] = {
	CS_FIELD(struct cs_sweep, "version", CS_F_TEXT, version, 0, 0, 0),
	CS_FIELD(struct cs_sweep, "kernel", CS_F_TEXT, kernel, 0, 0, 0),
	CS_FIELD(struct cs_sweep, "cpuModel", CS_F_TEXT, cpu_model, 0, 0, 0),
	CS_FIELD(struct cs_sweep, "elapsedSec", CS_F_NUM, elapsed_s, 0,
		 HUGE_VAL, 0),
};

static const struct cs_json_field wu_fields[] = {
	CS_FIELD(struct cs_sweep, "wuKib", CS_F_U32, wu_kib, 1, UINT32_MAX, 0),
	CS_FIELD(struct cs_sweep, "wuSpins", CS_F_U32, wu_spins, 1, UINT32_MAX,
		 0),
};

/* "cpustress": who wrote it, how it ended, the work unit. */
static int read_head(struct cs_json_in *r, const json_t *cs, struct cs_sweep *s)
{
	const char *const statuses[] = {
		[CS_SWEEP_RUNNING] = cs_sweep_status_name(CS_SWEEP_RUNNING),
		[CS_SWEEP_COMPLETE] = cs_sweep_status_name(CS_SWEEP_COMPLETE),
		[CS_SWEEP_INTERRUPTED] =
			cs_sweep_status_name(CS_SWEEP_INTERRUPTED),
		[CS_SWEEP_FAILED] = cs_sweep_status_name(CS_SWEEP_FAILED),
	};
	const char *const engines[] = { "kernel", "user" };
	unsigned int st, eng;
	json_t *wu;
	int ret;

	ret = cs_json_read_fields(r, cs, head_fields, ARRAY_SIZE(head_fields),
				  s, NULL);
	if (!ret)
		ret = cs_json_get_enum(r, cs, "status", statuses,
				       ARRAY_SIZE(statuses), &st);
	if (!ret)
		ret = cs_json_get_enum(r, cs, "engine", engines,
				       ARRAY_SIZE(engines), &eng);
	if (ret)
		return ret;
	s->status = (enum cs_sweep_status)st;
	snprintf(s->engine, sizeof(s->engine), "%s", engines[eng]);
	return cs_json_read_object(r, cs, "workUnit", wu_fields,
				   ARRAY_SIZE(wu_fields), s, &wu);
}

/* The plan's levels: in range for the kind, strictly ascending. */
static int read_plan_levels(struct cs_json_in *r, const json_t *plan,
			    struct cs_sweep_plan *p)
{
	uint32_t max = p->kind == CS_SWEEP_BUSY ? 100 : READ_CPUS_MAX;
	json_t *arr, *v;
	char key[32];
	size_t i;
	int ret = cs_json_get(r, plan, "levels", JSON_ARRAY, false, &arr);

	if (ret)
		return ret;
	if (!json_array_size(arr) || json_array_size(arr) > CS_SWEEP_LEVELS_MAX)
		return cs_json_fail(r, "levels", "%zu levels, expected 1..%d",
				    json_array_size(arr), CS_SWEEP_LEVELS_MAX);
	json_array_foreach(arr, i, v) {
		json_int_t x = json_is_integer(v) ? json_integer_value(v) : 0;

		snprintf(key, sizeof(key), "levels[%zu]", i);
		if (!json_is_integer(v))
			return cs_json_fail(r, key, "expected an integer");
		if (x < 1 || x > max)
			return cs_json_fail(r, key, "%lld is out of range 1..%u for a %s sweep",
					    (long long)x, max,
					    cs_sweep_kind_name(p->kind));
		if (i && (uint32_t)x <= p->levels[i - 1])
			return cs_json_fail(r, key, "%lld after %u: levels must be strictly ascending",
					    (long long)x, p->levels[i - 1]);
		p->levels[i] = (uint32_t)x;
	}
	p->nlevels = (uint32_t)json_array_size(arr);
	return 0;
}

static const struct cs_json_field plan_fields[] = {
	CS_FIELD(struct cs_sweep_plan, "runs", CS_F_U32, runs, 1,
		 CS_SWEEP_RUNS_MAX, 0),
	CS_FIELD(struct cs_sweep_plan, "durationSec", CS_F_MS, duration_ms,
		 1.0 / MS_PER_S, CS_SWEEP_DURATION_MAX, 0),
	CS_FIELD(struct cs_sweep_plan, "warmupSec", CS_F_MS, warmup_ms, 0,
		 CS_SWEEP_WARMUP_MAX, 0),
	CS_FIELD(struct cs_sweep_plan, "periodMs", CS_F_U32, period_ms,
		 CS_PERIOD_MS_MIN, CS_PERIOD_MS_MAX, 0),
	CS_FIELD(struct cs_sweep_plan, "levelTimeoutSec", CS_F_MS,
		 level_timeout_ms, 0, CS_SWEEP_LIMIT_MAX, 0),
	CS_FIELD(struct cs_sweep_plan, "timeLimitSec", CS_F_MS, time_limit_ms,
		 0, CS_SWEEP_LIMIT_MAX, 0),
	CS_FIELD(struct cs_sweep_plan, "cpus", CS_F_NAME, cpus, 0, 0, 0),
};

static int read_plan(struct cs_json_in *r, const json_t *cs,
		     struct cs_sweep_plan *p)
{
	const char *const kinds[] = {
		[CS_SWEEP_BUSY] = cs_sweep_kind_name(CS_SWEEP_BUSY),
		[CS_SWEEP_CPUS] = cs_sweep_kind_name(CS_SWEEP_CPUS),
	};
	unsigned int kind = 0;
	json_t *o;
	size_t len;
	int ret = cs_json_get(r, cs, "plan", JSON_OBJECT, false, &o);

	if (ret)
		return ret;
	len = cs_json_enter(r, "plan", -1);
	ret = cs_json_get_enum(r, o, "kind", kinds, ARRAY_SIZE(kinds), &kind);
	p->kind = (enum cs_sweep_kind)kind;
	if (!ret)
		ret = read_plan_levels(r, o, p);
	if (!ret)
		ret = cs_json_read_fields(r, o, plan_fields,
					  ARRAY_SIZE(plan_fields), p, NULL);
	cs_json_leave(r, len);
	return ret;
}

#define LEVEL(k, t, m, lo, hi, fl) \
	CS_FIELD(struct cs_sweep_level, k, t, m, lo, hi, fl)

/* A level: what it is and how many runs it has... */
static const struct cs_json_field level_count_fields[] = {
	LEVEL("level", CS_F_U32, level, 1, READ_CPUS_MAX, 0),
	LEVEL("busyTargetPct", CS_F_U32, busy_target, 1, 100, 0),
	LEVEL("cpus", CS_F_U32, ncpus, 0, READ_CPUS_MAX, 0),
	LEVEL("runs", CS_F_U32, runs, 0, CS_SWEEP_RUNS_MAX, 0),
	LEVEL("runsOk", CS_F_U32, runs_ok, 0, CS_SWEEP_RUNS_MAX, 0),
};

/* ...and what they measured: null when runsOk is 0. */
static const struct cs_json_field level_metric_fields[] = {
	LEVEL("efficiency", CS_F_NUM, efficiency, 0, HUGE_VAL, CS_F_NULL),
	LEVEL("workUnits", CS_F_U64, work_units, 0, INT64_MAX, CS_F_METRIC),
	LEVEL("unitsPerSecMin", CS_F_NUM, ups.min, 0, HUGE_VAL, CS_F_METRIC),
	LEVEL("unitsPerSecMedian", CS_F_NUM, ups.median, 0, HUGE_VAL,
	      CS_F_METRIC),
	LEVEL("unitsPerSecMax", CS_F_NUM, ups.max, 0, HUGE_VAL, CS_F_METRIC),
	LEVEL("unitsPerSecPerCpu", CS_F_NUM, ups_per_cpu, 0, HUGE_VAL,
	      CS_F_METRIC),
	LEVEL("busyAchievedPct", CS_F_NUM, busy_pct, 0, HUGE_VAL, CS_F_METRIC),
	LEVEL("stealPct", CS_F_NUM, steal_pct, 0, HUGE_VAL, CS_F_METRIC),
	LEVEL("waitPct", CS_F_NUM, wait_pct, 0, HUGE_VAL, CS_F_METRIC),
	LEVEL("p50Us", CS_F_US, p50_ns, 0, 0, CS_F_METRIC),
	LEVEL("p90Us", CS_F_US, p90_ns, 0, 0, CS_F_METRIC),
	LEVEL("p99Us", CS_F_US, p99_ns, 0, 0, CS_F_METRIC),
	LEVEL("maxUs", CS_F_US, max_ns, 0, 0, CS_F_METRIC),
};

/* Level @li of the plan: its counts first, to know whether it has data. */
static int read_level(struct cs_json_in *r, const json_t *o,
		      const struct cs_sweep_plan *p, uint32_t li,
		      struct cs_sweep_level *l)
{
	int ret;

	if (!json_is_object(o))
		return cs_json_fail(r, NULL, "expected an object");
	ret = cs_json_read_fields(r, o, level_count_fields,
				  ARRAY_SIZE(level_count_fields), l, NULL);
	if (!ret && l->level != p->levels[li])
		ret = cs_json_fail(r, "level",
				   "%u, but cpustress.plan.levels[%u] is %u",
				   l->level, li, p->levels[li]);
	if (!ret && l->runs > p->runs)
		ret = cs_json_fail(r, "runs", "%u, more than the plan's %u",
				   l->runs, p->runs);
	if (!ret && l->runs_ok > l->runs)
		ret = cs_json_fail(r, "runsOk", "%u, more than runs (%u)",
				   l->runs_ok, l->runs);
	if (!ret)
		ret = cs_json_read_fields(r, o, level_metric_fields,
					  ARRAY_SIZE(level_metric_fields), l,
					  l->runs_ok ? NULL : "runsOk is 0");
	if (ret)
		return ret;
	if (isnan(l->efficiency))
		l->efficiency = -1;
	if (l->runs_ok && !(l->ups.min <= l->ups.median &&
			    l->ups.median <= l->ups.max))
		return cs_json_fail(r, NULL, "unitsPerSecMin %g, unitsPerSecMedian %g and unitsPerSecMax %g are not in order",
				    l->ups.min, l->ups.median, l->ups.max);
	return 0;
}

/* [lo, hi] with 0 <= lo <= hi, or null (NaN, NaN). */
static int read_pair(struct cs_json_in *r, const json_t *o, const char *key,
		     double *lo, double *hi)
{
	json_t *a;
	int ret = cs_json_get(r, o, key, JSON_ARRAY, true, &a);

	*lo = *hi = NAN;
	if (ret || !a)
		return ret;
	if (json_array_size(a) != 2 || !json_is_number(json_array_get(a, 0)) ||
	    !json_is_number(json_array_get(a, 1)))
		return cs_json_fail(r, key, "expected [low, high] or null");
	*lo = json_number_value(json_array_get(a, 0));
	*hi = json_number_value(json_array_get(a, 1));
	if (!(0 <= *lo && *lo <= *hi && isfinite(*hi)))
		return cs_json_fail(r, key, "[%g, %g] is not an interval",
				    *lo, *hi);
	return 0;
}

/* Format 2: the level's drift-corrected value and intervals. */
static int read_level_ci(struct cs_json_in *r, const json_t *o,
			 struct cs_sweep_level *l)
{
	json_t *b;
	int ret;

	ret = cs_json_get_num(r, o, "unitsPerSecCorrected", 0, HUGE_VAL, true,
			      &l->corrected);
	if (!ret)
		ret = read_pair(r, o, "ci95", &l->ci_lo, &l->ci_hi);
	if (!ret)
		ret = read_pair(r, o, "efficiencyCi95", &l->eff_lo,
				&l->eff_hi);
	if (!ret)
		ret = cs_json_get(r, o, "efficiencyIsDrift", JSON_TRUE, false,
				  &b);
	if (!ret)
		l->eff_drift = json_is_true(b);
	return ret;
}

/* Format 2: the sweep's noise (its quality follows from the numbers). */
static int read_noise(struct cs_json_in *r, const json_t *cs,
		      struct cs_sweep *s)
{
	json_t *o;
	uint64_t n;
	size_t len;
	int ret = cs_json_get(r, cs, "noise", JSON_OBJECT, false, &o);

	if (ret)
		return ret;
	len = cs_json_enter(r, "noise", -1);
	ret = cs_json_get_int(r, o, "references", 0, UINT32_MAX, false, &n);
	if (!ret)
		ret = cs_json_get_num(r, o, "cvPct", 0, HUGE_VAL, true,
				      &s->noise.cv);
	if (!ret)
		ret = cs_json_get_num(r, o, "drift", 1, HUGE_VAL, true,
				      &s->noise.drift);
	cs_json_leave(r, len);
	s->noise.n = (uint32_t)n;
	s->noise.cv /= 100;
	s->noise.noisy = s->noise.cv > CS_NOISY_CV ||
			 s->noise.drift > CS_NOISY_DRIFT;
	return ret;
}

/* "cpustress.levels": one summary per planned level, in plan order. */
static int read_levels(struct cs_json_in *r, const json_t *cs,
		       struct cs_sweep *s, uint64_t format)
{
	json_t *arr, *o;
	size_t i, len;
	int ret = cs_json_get(r, cs, "levels", JSON_ARRAY, false, &arr);

	if (ret)
		return ret;
	if (json_array_size(arr) != s->plan.nlevels)
		return cs_json_fail(r, "levels",
				    "%zu entries, but the plan has %u %s",
				    json_array_size(arr), s->plan.nlevels,
				    cs_plural(s->plan.nlevels, "level",
					      "levels"));
	json_array_foreach(arr, i, o) {
		len = cs_json_enter(r, "levels", (long)i);
		ret = read_level(r, o, &s->plan, (uint32_t)i, &s->levels[i]);
		s->levels[i].corrected = s->levels[i].runs_ok ?
					 s->levels[i].ups.median : NAN;
		s->levels[i].ci_lo = s->levels[i].ci_hi = NAN;
		s->levels[i].eff_lo = s->levels[i].eff_hi = NAN;
		if (!ret && format >= 2)
			ret = read_level_ci(r, o, &s->levels[i]);
		cs_json_leave(r, len);
		if (ret)
			return ret;
	}
	return 0;
}

static const struct cs_json_field knee_fields[] = {
	CS_FIELD(struct cs_knee, "level", CS_F_U32, level, 0, READ_CPUS_MAX, 0),
	CS_FIELD(struct cs_knee, "nextLevel", CS_F_U32, next_level, 0,
		 READ_CPUS_MAX, CS_F_NULL),
	CS_FIELD(struct cs_knee, "gain", CS_F_NUM, gain, -HUGE_VAL, HUGE_VAL,
		 CS_F_NULL),
	CS_FIELD(struct cs_knee, "p99Ratio", CS_F_NUM, p99_ratio, 0, HUGE_VAL,
		 CS_F_NULL),
	CS_FIELD(struct cs_knee, "recommendMin", CS_F_U32, recommend_min, 0,
		 READ_CPUS_MAX, 0),
	CS_FIELD(struct cs_knee, "recommendMax", CS_F_U32, recommend_max, 0,
		 READ_CPUS_MAX, 0),
};

static int read_knee(struct cs_json_in *r, const json_t *cs, struct cs_sweep *s)
{
	const char *const reasons[] = {
		[CS_KNEE_NONE] = cs_knee_reason_name(CS_KNEE_NONE),
		[CS_KNEE_PLATEAU] = cs_knee_reason_name(CS_KNEE_PLATEAU),
		[CS_KNEE_TAIL] = cs_knee_reason_name(CS_KNEE_TAIL),
		[CS_KNEE_BOTH] = cs_knee_reason_name(CS_KNEE_BOTH),
	};
	struct cs_knee *k = &s->knee;
	unsigned int reason = 0;
	json_t *o, *found = NULL;
	size_t len;
	int ret = cs_json_read_object(r, cs, "knee", knee_fields,
				      ARRAY_SIZE(knee_fields), k, &o);

	if (ret)
		return ret;
	len = cs_json_enter(r, "knee", -1);
	if (k->level && plan_index(&s->plan, k->level) < 0)
		ret = cs_json_fail(r, "level", "%u is not a level of the plan",
				   k->level);
	if (!ret && k->next_level && plan_index(&s->plan, k->next_level) < 0)
		ret = cs_json_fail(r, "nextLevel",
				   "%u is not a level of the plan",
				   k->next_level);
	if (!ret)
		ret = cs_json_get(r, o, "found", JSON_TRUE, false, &found);
	if (!ret)
		ret = cs_json_get_enum(r, o, "reason", reasons,
				       ARRAY_SIZE(reasons), &reason);
	k->found = !ret && json_is_true(found);
	k->reason = (enum cs_knee_reason)reason;
	if (!ret && k->found != (k->reason != CS_KNEE_NONE))
		ret = cs_json_fail(r, "reason", "'%s' contradicts found: %s",
				   reasons[reason],
				   k->found ? "true" : "false");
	cs_json_leave(r, len);
	return ret;
}

#define ROW(k, t, m, lo, hi, fl) \
	CS_FIELD(struct cs_sweep_meas, k, t, m, lo, hi, fl)

/* A run row besides level, run_idx, status and the file-wide columns. */
static const struct cs_json_field row_fields[] = {
	ROW("ts", CS_F_U64, ts, 0, INT64_MAX, 0),
	ROW("busy_target_pct", CS_F_U32, busy_target, 1, 100, 0),
	ROW("cpus", CS_F_U32, ncpus, 0, READ_CPUS_MAX, 0),
	ROW("error", CS_F_TEXT, error, 0, 0, 0),
	ROW("duration_sec", CS_F_NUM, duration_s, 0, HUGE_VAL, CS_F_METRIC),
	ROW("units", CS_F_NUM, units, 0, HUGE_VAL, CS_F_METRIC),
	ROW("units_per_sec", CS_F_NUM, units_per_sec, 0, HUGE_VAL, CS_F_METRIC),
	ROW("units_per_sec_per_cpu", CS_F_NUM, units_per_sec_per_cpu, 0,
	    HUGE_VAL, CS_F_METRIC),
	ROW("busy_achieved_pct", CS_F_NUM, busy_pct, 0, HUGE_VAL, CS_F_METRIC),
	ROW("steal_pct", CS_F_NUM, steal_pct, 0, HUGE_VAL, CS_F_METRIC),
	ROW("wait_pct", CS_F_NUM, wait_pct, 0, HUGE_VAL, CS_F_METRIC),
	ROW("irqs_per_sec", CS_F_NUM, irqs_per_sec, 0, HUGE_VAL, CS_F_METRIC),
	ROW("p50_us", CS_F_US, p50_ns, 0, 0, CS_F_METRIC),
	ROW("p90_us", CS_F_US, p90_ns, 0, 0, CS_F_METRIC),
	ROW("p99_us", CS_F_US, p99_ns, 0, 0, CS_F_METRIC),
	ROW("max_us", CS_F_US, max_ns, 0, 0, CS_F_METRIC),
};

/* Text column @key of a row must repeat the file's @want. */
static int check_same(struct cs_json_in *r, const json_t *o, const char *key,
		      const char *want)
{
	char val[CS_SWEEP_TEXT_MAX];
	int ret = cs_json_get_text(r, o, key, val, sizeof(val), false);

	if (!ret && strcmp(val, want))
		ret = cs_json_fail(r, key, "'%s' differs from the file's '%s'",
				   val, want);
	return ret;
}

static int check_same_u32(struct cs_json_in *r, const json_t *o,
			  const char *key, uint32_t want)
{
	uint64_t v;
	int ret = cs_json_get_int(r, o, key, 0, UINT32_MAX, false, &v);

	if (!ret && v != want)
		ret = cs_json_fail(r, key, "%llu differs from the file's %u",
				   (unsigned long long)v, want);
	return ret;
}

/* One "cpustress.runs" row into its (level, run) slot of @s->meas. */
static int read_row(struct cs_json_in *r, const json_t *o, struct cs_sweep *s)
{
	/* From CS_MEAS_OK on: a file holds attempted runs only. */
	const char *const statuses[] = {
		cs_meas_status_name(CS_MEAS_OK),
		cs_meas_status_name(CS_MEAS_TIMEOUT),
		cs_meas_status_name(CS_MEAS_INTERRUPTED),
		cs_meas_status_name(CS_MEAS_ERROR),
	};
	struct cs_sweep_meas *m;
	uint64_t level, run;
	unsigned int st = 0;
	int li, ret;

	if (!json_is_object(o))
		return cs_json_fail(r, NULL, "expected an object");
	ret = cs_json_get_int(r, o, "level", 0, UINT32_MAX, false, &level);
	li = ret ? -1 : plan_index(&s->plan, (uint32_t)level);
	if (!ret && li < 0)
		ret = cs_json_fail(r, "level",
				   "%llu is not a level of the plan",
				   (unsigned long long)level);
	if (!ret)
		ret = cs_json_get_int(r, o, "run_idx", 1, s->plan.runs, false,
				      &run);
	if (!ret)
		ret = cs_json_get_enum(r, o, "status", statuses,
				       ARRAY_SIZE(statuses), &st);
	if (ret)
		return ret;
	st += CS_MEAS_OK;
	m = cs_sweep_at(s, (uint32_t)li, (uint32_t)run - 1);
	if (m->status != CS_MEAS_PENDING)
		return cs_json_fail(r, NULL, "level %u run %u appears twice",
				    m->level, m->run);
	m->status = (enum cs_meas_status)st;
	ret = check_same(r, o, "host", s->hostname);
	if (!ret)
		ret = check_same(r, o, "engine", s->engine);
	if (!ret)
		ret = check_same(r, o, "kind", cs_sweep_kind_name(s->plan.kind));
	if (!ret)
		ret = check_same_u32(r, o, "wu_kib", s->wu_kib);
	if (!ret)
		ret = check_same_u32(r, o, "wu_spins", s->wu_spins);
	if (!ret)
		ret = cs_json_read_fields(
			r, o, row_fields, ARRAY_SIZE(row_fields), m,
			st == CS_MEAS_OK ? NULL : "status is not ok");
	return ret;
}

/*
 * "cpustress.runs": every attempted (level, run). Each level summary must
 * count the runs its rows hold.
 */
static int read_rows(struct cs_json_in *r, const json_t *cs, struct cs_sweep *s)
{
	uint32_t li, ri, runs, ok;
	json_t *arr, *o;
	size_t i, len;
	int ret = cs_json_get(r, cs, "runs", JSON_ARRAY, false, &arr);

	if (ret)
		return ret;
	if (json_array_size(arr) > s->nmeas)
		return cs_json_fail(r, "runs", "%zu rows, but the plan has only %u (level, run) %s",
				    json_array_size(arr), s->nmeas,
				    cs_plural(s->nmeas, "pair", "pairs"));
	json_array_foreach(arr, i, o) {
		len = cs_json_enter(r, "runs", (long)i);
		ret = read_row(r, o, s);
		cs_json_leave(r, len);
		if (ret)
			return ret;
	}
	for (li = 0; li < s->plan.nlevels; li++) {
		runs = 0;
		ok = 0;
		for (ri = 0; ri < s->plan.runs; ri++) {
			enum cs_meas_status st = cs_sweep_at(s, li, ri)->status;

			runs += st != CS_MEAS_PENDING;
			ok += st == CS_MEAS_OK;
		}
		if (runs == s->levels[li].runs && ok == s->levels[li].runs_ok)
			continue;
		len = cs_json_enter(r, "levels", (long)li);
		ret = cs_json_fail(r, NULL, "runs %u and runsOk %u, but cpustress.runs holds %u %s, %u ok, for level %u",
				   s->levels[li].runs, s->levels[li].runs_ok,
				   runs, cs_plural(runs, "row", "rows"), ok,
				   s->plan.levels[li]);
		cs_json_leave(r, len);
		return ret;
	}
	return 0;
}

/* The pcd maxUnits must be the best level's workUnits. */
static int check_max_units(struct cs_json_in *r, const struct cs_sweep *s,
			   const struct pcd_sums *sums)
{
	uint64_t best = 0;
	uint32_t li;

	for (li = 0; li < s->plan.nlevels; li++)
		if (s->levels[li].runs_ok && s->levels[li].work_units > best)
			best = s->levels[li].work_units;
	if (best != sums->max_units)
		return cs_json_fail(r, "maxUnits", "%llu, but the largest workUnits of cpustress.levels is %llu",
				    (unsigned long long)sums->max_units,
				    (unsigned long long)best);
	return 0;
}

/* Is there a "cpustress" object, of a format this reader knows? */
static int check_format(struct cs_json_in *r, const json_t *root, json_t **cs,
			uint64_t *format_out)
{
	uint64_t format = 0;
	size_t len;
	int ret;

	if (!json_is_object(root))
		return cs_json_fail_file(r, "not a sweep result: the top level is not a JSON object");
	*cs = json_object_get(root, "cpustress");
	if (!*cs && json_object_get(root, "results"))
		return cs_json_fail_file(r, "no \"cpustress\" object: this looks like a plain pcd /v1/loadtest response, which lacks the work-unit parameters, so it cannot be compared safely");
	if (!*cs)
		return cs_json_fail_file(r, "not a sweep result: no \"cpustress\" object");
	if (!json_is_object(*cs))
		return cs_json_fail(r, "cpustress", "expected an object");
	len = cs_json_enter(r, "cpustress", -1);
	ret = cs_json_get_int(r, *cs, "format", 1, UINT32_MAX, false, &format);
	cs_json_leave(r, len);
	if (!ret && format > CS_SWEEP_FORMAT)
		ret = cs_json_fail_file(r, "written by a newer cpustress (format %llu); this one reads formats 1 to %d",
					(unsigned long long)format,
					CS_SWEEP_FORMAT);
	*format_out = format;
	return ret;
}

static int sweep_from_json(struct cs_json_in *r, const json_t *root,
			   struct cs_sweep *s)
{
	struct pcd_sums sums;
	json_t *cs = NULL;
	uint64_t format = 0;
	size_t len;
	int ret = check_format(r, root, &cs, &format);

	if (!ret)
		ret = read_pcd(r, root, s, &sums);
	if (ret)
		return ret;
	len = cs_json_enter(r, "cpustress", -1);
	ret = read_head(r, cs, s);
	if (!ret)
		ret = read_plan(r, cs, &s->plan);
	if (!ret && cs_sweep_alloc(s)) {
		cs_json_fail_file(r, "out of memory");
		ret = -ENOMEM;
	}
	s->noise.cv = s->noise.drift = NAN;
	s->knee.gain_hi = NAN;
	if (!ret)
		ret = read_levels(r, cs, s, format);
	if (!ret && format >= 2)
		ret = read_noise(r, cs, s);
	if (!ret)
		ret = read_knee(r, cs, s);
	if (!ret)
		ret = read_rows(r, cs, s);
	cs_json_leave(r, len);
	if (!ret)
		ret = check_max_units(r, s, &sums);
	return ret;
}

/*
 * The row formats a sweep also writes (write.c): CSV, which starts with
 * cs_sweep_csv_header's first field, and JSON Lines, one object a line.
 * Return: "CSV" or "JSON Lines" when @buf looks like one, else NULL.
 */
static const char *row_format(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);
	size_t first = strcspn(cs_sweep_csv_header, ",");
	json_t *row;

	if (len > first && !memcmp(buf, cs_sweep_csv_header, first) &&
	    buf[first] == ',')
		return "CSV";
	if (!nl || buf[0] != '{')
		return NULL;
	row = json_loadb(buf, (size_t)(nl - buf), 0, NULL);
	if (!row)
		return NULL;
	json_decref(row);
	return "JSON Lines";
}

/**
 * cs_sweep_parse() - a result file's text into @s
 * @buf: the text (need not end in a NUL)
 * @len: its length
 * @name: what to call it in messages (the file name)
 * @s: filled on success; zeroed, with nothing allocated, on failure
 * @err: the reason, one sentence naming @name and the field
 * @errlen: its size
 *
 * cs_sweep_read() without the file: for tests and fuzzers.
 * Return: 0, or -EINVAL or -ENOMEM with @err set.
 */
int cs_sweep_parse(const char *buf, size_t len, const char *name,
		   struct cs_sweep *s, char *err, size_t errlen)
{
	struct cs_json_in r = { .name = name, .err = err, .errlen = errlen };
	json_error_t jerr;
	json_t *root;
	int ret;

	memset(s, 0, sizeof(*s));
	if (!len)
		return cs_json_fail_file(&r, "empty file, not a sweep result");
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		const char *other = row_format(buf, len);

		if (other)
			return cs_json_fail_file(&r, "holds %s rows, not a sweep result: results are read from the JSON file that `" PROG_NAME " sweep -o FILE.json` writes (--format json, the default)",
						 other);
		snprintf(err, errlen, "%s:%d:%d: not valid JSON: %s", name,
			 jerr.line, jerr.column, jerr.text);
		return -EINVAL;
	}
	ret = sweep_from_json(&r, root, s);
	json_decref(root);
	if (ret) {
		cs_sweep_free(s);
		memset(s, 0, sizeof(*s));
	}
	return ret;
}

/*
 * All of @fd, a regular file of at most CS_SWEEP_FILE_MAX bytes, into a
 * new buffer. Return: 0, -EINVAL with r->err set, or a negative errno.
 */
static int slurp(struct cs_json_in *r, int fd, char **buf, size_t *len)
{
	struct stat st;
	size_t size;
	ssize_t n;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return cs_json_fail_file(r, "is a directory, not a result file");
	if (!S_ISREG(st.st_mode))
		return cs_json_fail_file(r, "not a regular file");
	if ((uint64_t)st.st_size > CS_SWEEP_FILE_MAX)
		return cs_json_fail_file(r, "%llu bytes, more than the %u a result file may have",
					 (unsigned long long)st.st_size,
					 CS_SWEEP_FILE_MAX);
	/* One byte more than its size, to notice a file still growing. */
	size = (size_t)st.st_size + 1;
	*buf = malloc(size);
	if (!*buf)
		return -ENOMEM;
	*len = 0;
	while (*len < size) {
		n = read(fd, *buf + *len, size - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return 0;
		*len += (size_t)n;
	}
	return cs_json_fail_file(r, "changed while being read: try again once it is complete");
}

int cs_sweep_read(const char *path, struct cs_sweep *s, char *err,
		  size_t errlen)
{
	struct cs_json_in r = { .name = path, .err = err, .errlen = errlen };
	char *buf = NULL;
	size_t len = 0;
	int fd, ret;

	memset(s, 0, sizeof(*s));
	/* O_NONBLOCK: a FIFO must not hang the reader before it is refused. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(-ret));
		return ret;
	}
	ret = slurp(&r, fd, &buf, &len);
	if (ret < 0 && ret != -EINVAL)
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(-ret));
	close(fd);
	if (!ret)
		ret = cs_sweep_parse(buf, len, path, s, err, errlen);
	free(buf);
	return ret;
}
