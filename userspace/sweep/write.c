// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A sweep written out: the JSON result file, CSV and JSON Lines rows.
 * docs/sweep-format.md is the contract for every byte written here.
 *
 * The per-run row is described once, by row_cols[]: the CSV, JSONL and the
 * JSON file's "cpustress.runs" all take their columns, order and rounding
 * from it. Numbers are rounded before they are stored, so the files show
 * "12.3", never "12.300000000000001".
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "sweep/sweep.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * 15 significant digits (DBL_DIG) print every value rounded above back as
 * written; 16 or 17 would show the binary error (0.07000000000000001).
 */
#define JSON_FLAGS	(JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

const char cs_sweep_csv_header[] =
	"ts,host,engine,kind,level,busy_target_pct,cpus,run_idx,duration_sec,"
	"units,units_per_sec,units_per_sec_per_cpu,busy_achieved_pct,"
	"steal_pct,wait_pct,irqs_per_sec,p50_us,p90_us,p99_us,max_us,wu_kib,"
	"wu_spins,status,error,t_sec,sub1_units_per_sec,sub2_units_per_sec,"
	"level_median_units_per_sec,level_corrected_units_per_sec,"
	"level_ci95_lo,level_ci95_hi";

enum row_type { ROW_INT, ROW_REAL, ROW_TEXT };

/**
 * struct row_col - one column of a per-run row
 * @name: CSV header field and JSON key
 * @type: how the value is written
 * @decimals: ROW_REAL: decimals kept
 * @metric: a measured value: empty (CSV) or null (JSON) unless the run is OK
 */
struct row_col {
	const char *name;
	enum row_type type;
	int decimals;
	bool metric;
};

enum row_col_id {
	COL_TS, COL_HOST, COL_ENGINE, COL_KIND, COL_LEVEL, COL_BUSY_TARGET,
	COL_CPUS, COL_RUN, COL_DURATION, COL_UNITS, COL_UPS, COL_UPS_CPU,
	COL_BUSY, COL_STEAL, COL_WAIT, COL_IRQS, COL_P50, COL_P90, COL_P99,
	COL_MAX, COL_WU_KIB, COL_WU_SPINS, COL_STATUS, COL_ERROR, COL_T,
	COL_SUB1, COL_SUB2, COL_LV_MEDIAN, COL_LV_CORR, COL_LV_LO, COL_LV_HI,
	COL_COUNT
};

_Static_assert(CS_SWEEP_SUBWIN == 2, "one sub-window column each");

#define ID(name, type)		{ name, type, 0, false }
#define METRIC(name, decimals)	{ name, ROW_REAL, decimals, true }

/* In cs_sweep_csv_header's order: test_sweep_write checks they agree. */
static const struct row_col row_cols[] = {
	[COL_TS] = ID("ts", ROW_INT),
	[COL_HOST] = ID("host", ROW_TEXT),
	[COL_ENGINE] = ID("engine", ROW_TEXT),
	[COL_KIND] = ID("kind", ROW_TEXT),
	[COL_LEVEL] = ID("level", ROW_INT),
	[COL_BUSY_TARGET] = ID("busy_target_pct", ROW_INT),
	[COL_CPUS] = ID("cpus", ROW_INT),
	[COL_RUN] = ID("run_idx", ROW_INT),
	[COL_DURATION] = METRIC("duration_sec", CS_DEC_SEC),
	[COL_UNITS] = METRIC("units", CS_DEC_RATE),
	[COL_UPS] = METRIC("units_per_sec", CS_DEC_RATE),
	[COL_UPS_CPU] = METRIC("units_per_sec_per_cpu", CS_DEC_RATE),
	[COL_BUSY] = METRIC("busy_achieved_pct", CS_DEC_PCT),
	[COL_STEAL] = METRIC("steal_pct", CS_DEC_PCT),
	[COL_WAIT] = METRIC("wait_pct", CS_DEC_PCT),
	[COL_IRQS] = METRIC("irqs_per_sec", CS_DEC_RATE),
	[COL_P50] = METRIC("p50_us", CS_DEC_US),
	[COL_P90] = METRIC("p90_us", CS_DEC_US),
	[COL_P99] = METRIC("p99_us", CS_DEC_US),
	[COL_MAX] = METRIC("max_us", CS_DEC_US),
	[COL_WU_KIB] = ID("wu_kib", ROW_INT),
	[COL_WU_SPINS] = ID("wu_spins", ROW_INT),
	[COL_STATUS] = ID("status", ROW_TEXT),
	[COL_ERROR] = ID("error", ROW_TEXT),
	[COL_T] = METRIC("t_sec", CS_DEC_SEC),
	[COL_SUB1] = METRIC("sub1_units_per_sec", CS_DEC_RATE),
	[COL_SUB2] = METRIC("sub2_units_per_sec", CS_DEC_RATE),
	[COL_LV_MEDIAN] = METRIC("level_median_units_per_sec", CS_DEC_RATE),
	[COL_LV_CORR] = METRIC("level_corrected_units_per_sec", CS_DEC_RATE),
	[COL_LV_LO] = METRIC("level_ci95_lo", CS_DEC_RATE),
	[COL_LV_HI] = METRIC("level_ci95_hi", CS_DEC_RATE),
};

_Static_assert(ARRAY_SIZE(row_cols) == COL_COUNT, "a column without a name");

/* A value of a row; which member holds it follows its column's type. */
struct row_val {
	bool null;
	int64_t i;
	double d;
	const char *s;
};

/* @x to @decimals; a value too large to scale is left as it is. */
double cs_round_to(double x, int decimals)
{
	static const double scale[] = { 1, 10, 100, 1000 };
	double r = round(x * scale[decimals]) / scale[decimals];

	return isfinite(r) ? r : x;
}

double cs_ns_to_us(uint64_t ns)
{
	return (double)ns / 1000;
}

/* The row of @m, rounded; metrics are null unless @m is OK. */
static void row_values(const struct cs_sweep *s,
		       const struct cs_sweep_meas *m, struct row_val *v)
{
	int id;

	memset(v, 0, COL_COUNT * sizeof(*v));
	v[COL_TS].i = m->ts;
	v[COL_HOST].s = s->hostname;
	v[COL_ENGINE].s = s->engine;
	v[COL_KIND].s = cs_sweep_kind_name(s->plan.kind);
	v[COL_LEVEL].i = m->level;
	v[COL_BUSY_TARGET].i = m->busy_target;
	v[COL_CPUS].i = m->ncpus;
	v[COL_RUN].i = m->run;
	v[COL_DURATION].d = m->duration_s;
	v[COL_UNITS].d = m->units;
	v[COL_UPS].d = m->units_per_sec;
	v[COL_UPS_CPU].d = m->units_per_sec_per_cpu;
	v[COL_BUSY].d = m->busy_pct;
	v[COL_STEAL].d = m->steal_pct;
	v[COL_WAIT].d = m->wait_pct;
	v[COL_IRQS].d = m->irqs_per_sec;
	v[COL_P50].d = cs_ns_to_us(m->p50_ns);
	v[COL_P90].d = cs_ns_to_us(m->p90_ns);
	v[COL_P99].d = cs_ns_to_us(m->p99_ns);
	v[COL_MAX].d = cs_ns_to_us(m->max_ns);
	v[COL_WU_KIB].i = s->wu_kib;
	v[COL_WU_SPINS].i = s->wu_spins;
	v[COL_STATUS].s = cs_meas_status_name(m->status);
	v[COL_ERROR].s = m->error;
	v[COL_T].d = m->t_s > 0 ? m->t_s : NAN;
	v[COL_SUB1].d = m->sub_ups[0] > 0 ? m->sub_ups[0] : NAN;
	v[COL_SUB2].d = m->sub_ups[1] > 0 ? m->sub_ups[1] : NAN;
	v[COL_LV_MEDIAN].d = v[COL_LV_CORR].d = NAN;
	v[COL_LV_LO].d = v[COL_LV_HI].d = NAN;
	for (id = 0; s->levels && id < (int)s->plan.nlevels; id++) {
		const struct cs_sweep_level *l = &s->levels[id];

		if (l->level != m->level || !l->runs_ok)
			continue;
		v[COL_LV_MEDIAN].d = l->ups.median;
		v[COL_LV_CORR].d = l->corrected;
		v[COL_LV_LO].d = l->ci_lo;
		v[COL_LV_HI].d = l->ci_hi;
	}
	for (id = 0; id < COL_COUNT; id++) {
		const struct row_col *c = &row_cols[id];

		if (c->metric && m->status != CS_MEAS_OK)
			v[id].null = true;
		else if (c->type == ROW_REAL && !isfinite(v[id].d))
			v[id].null = true;
		else if (c->type == ROW_REAL)
			v[id].d = cs_round_to(v[id].d, c->decimals);
	}
}

/* --- JSON ------------------------------------------------------------ */

/* A JSON string; bytes that are not ASCII become '?' if it is not UTF-8. */
static json_t *json_text(const char *str)
{
	char buf[sizeof(((struct cs_sweep_plan *)0)->cpus)];
	json_t *v = json_string(str);
	size_t i;

	if (v)
		return v;
	snprintf(buf, sizeof(buf), "%s", str);
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] >= 0x80)
			buf[i] = '?';
	return json_string(buf);
}

/* @x rounded to @decimals, or null when not @valid or not finite. */
static json_t *json_num(bool valid, double x, int decimals)
{
	if (!valid || !isfinite(x))
		return json_null();
	return json_real(cs_round_to(x, decimals));
}

static json_t *json_sec(uint32_t ms)
{
	return json_real(cs_round_to(ms / 1e3, CS_DEC_SEC));
}

static void set_new(json_t *o, const char *key, json_t *v)
{
	json_object_set_new(o, key, v);
}

static void set_int(json_t *o, const char *key, int64_t v)
{
	json_object_set_new(o, key, json_integer(v));
}

static json_t *json_row(const struct cs_sweep *s,
			const struct cs_sweep_meas *m)
{
	struct row_val v[COL_COUNT];
	json_t *o = json_object(), *j;
	int id;

	row_values(s, m, v);
	for (id = 0; id < COL_COUNT; id++) {
		if (v[id].null)
			j = json_null();
		else if (row_cols[id].type == ROW_INT)
			j = json_integer(v[id].i);
		else if (row_cols[id].type == ROW_REAL)
			j = json_real(v[id].d);
		else
			j = json_text(v[id].s);
		set_new(o, row_cols[id].name, j);
	}
	return o;
}

/* [lo, hi], or null when either is unknown. */
static json_t *pair(bool valid, double lo, double hi, int decimals)
{
	json_t *a;

	if (!valid || !isfinite(lo) || !isfinite(hi))
		return json_null();
	a = json_array();
	json_array_append_new(a, json_real(cs_round_to(lo, decimals)));
	json_array_append_new(a, json_real(cs_round_to(hi, decimals)));
	return a;
}

static json_t *json_level(const struct cs_sweep *s,
			  const struct cs_sweep_level *l)
{
	bool ok = l->runs_ok > 0;
	bool eff = ok && s->plan.kind == CS_SWEEP_CPUS && l->efficiency >= 0;
	json_t *o = json_object();

	set_int(o, "level", l->level);
	set_int(o, "busyTargetPct", l->busy_target);
	set_int(o, "cpus", l->ncpus);
	set_int(o, "runs", l->runs);
	set_int(o, "runsOk", l->runs_ok);
	set_new(o, "workUnits",
		ok ? json_integer((json_int_t)l->work_units) : json_null());
	set_new(o, "unitsPerSecMin", json_num(ok, l->ups.min, CS_DEC_RATE));
	set_new(o, "unitsPerSecMedian",
		json_num(ok, l->ups.median, CS_DEC_RATE));
	set_new(o, "unitsPerSecMax", json_num(ok, l->ups.max, CS_DEC_RATE));
	set_new(o, "unitsPerSecPerCpu",
		json_num(ok, l->ups_per_cpu, CS_DEC_RATE));
	set_new(o, "busyAchievedPct", json_num(ok, l->busy_pct, CS_DEC_PCT));
	set_new(o, "stealPct", json_num(ok, l->steal_pct, CS_DEC_PCT));
	set_new(o, "waitPct", json_num(ok, l->wait_pct, CS_DEC_PCT));
	set_new(o, "p50Us", json_num(ok, cs_ns_to_us(l->p50_ns), CS_DEC_US));
	set_new(o, "p90Us", json_num(ok, cs_ns_to_us(l->p90_ns), CS_DEC_US));
	set_new(o, "p99Us", json_num(ok, cs_ns_to_us(l->p99_ns), CS_DEC_US));
	set_new(o, "maxUs", json_num(ok, cs_ns_to_us(l->max_ns), CS_DEC_US));
	set_new(o, "efficiency", json_num(eff, l->efficiency, CS_DEC_RATIO));
	set_new(o, "unitsPerSecCorrected",
		json_num(ok, l->corrected, CS_DEC_RATE));
	set_new(o, "ci95", pair(ok, l->ci_lo, l->ci_hi, CS_DEC_RATE));
	set_new(o, "efficiencyCi95",
		pair(eff, l->eff_lo, l->eff_hi, CS_DEC_RATIO));
	set_new(o, "efficiencyIsDrift", json_boolean(eff && l->eff_drift));
	return o;
}

static json_t *json_knee(const struct cs_knee *k)
{
	json_t *o = json_object();

	set_new(o, "found", json_boolean(k->found));
	set_new(o, "reason", json_string(cs_knee_reason_name(k->reason)));
	set_int(o, "level", k->level);
	set_new(o, "nextLevel",
		k->next_level ? json_integer(k->next_level) : json_null());
	set_new(o, "gain", json_num(true, k->gain, CS_DEC_RATIO));
	set_new(o, "p99Ratio", json_num(true, k->p99_ratio, CS_DEC_RATIO));
	set_int(o, "recommendMin", k->recommend_min);
	set_int(o, "recommendMax", k->recommend_max);
	set_new(o, "noiseAware", json_boolean(k->noise_aware));
	set_new(o, "gainUpper", json_num(true, k->gain_hi, CS_DEC_RATIO));
	return o;
}

/* The design: seed, each run's level order, the reference windows. */
static json_t *json_design(const struct cs_sweep *s)
{
	const struct cs_sweep_plan *p = &s->plan;
	json_t *o = json_object(), *orders = json_array();
	json_t *refs = json_array();
	uint32_t order[CS_SWEEP_LEVELS_MAX], r, i, k;

	for (r = 0; r < p->runs; r++) {
		json_t *a = json_array();

		cs_design_order(p->nlevels, r, p->seed, order);
		for (i = 0; i < p->nlevels; i++)
			json_array_append_new(a,
				json_integer(p->levels[order[i]]));
		json_array_append_new(orders, a);
	}
	for (i = 0; i < s->nrefs; i++) {
		const struct cs_sweep_meas *m = &s->refs[i];
		bool ok = m->status == CS_MEAS_OK;
		json_t *x, *sub;

		if (m->status == CS_MEAS_PENDING)
			continue;
		x = json_object();
		sub = json_array();
		for (k = 0; k < CS_SWEEP_SUBWIN; k++)
			json_array_append_new(sub, json_num(ok && m->sub_ups[k] > 0,
							    m->sub_ups[k],
							    CS_DEC_RATE));
		set_int(x, "afterRun", m->run);
		set_new(x, "tSec", json_num(ok, m->t_s, CS_DEC_SEC));
		set_new(x, "unitsPerSec",
			json_num(ok, m->units_per_sec, CS_DEC_RATE));
		set_new(x, "subUnitsPerSec", sub);
		set_new(x, "status", json_string(cs_meas_status_name(m->status)));
		json_array_append_new(refs, x);
	}
	set_new(o, "seed", json_integer((json_int_t)p->seed));
	set_new(o, "orders", orders);
	set_int(o, "referenceEvery", CS_SWEEP_REF_EVERY);
	set_int(o, "subWindows", CS_SWEEP_SUBWIN);
	set_new(o, "references", refs);
	return o;
}

static json_t *json_noise(const struct cs_noise *n)
{
	json_t *o = json_object();
	/* Before its first reference window a sweep knows no noise: null. */
	bool known = n->n > 0 && isfinite(n->cv) && isfinite(n->drift) &&
		     n->drift >= 1;

	set_int(o, "references", n->n);
	set_new(o, "cvPct", json_num(known, 100 * n->cv, CS_DEC_PCT));
	set_new(o, "drift", json_num(known, n->drift, CS_DEC_RATIO));
	set_new(o, "quality", json_string(n->noisy ? "noisy" : "ok"));
	set_new(o, "advice", n->noisy ? json_string(cs_noise_advice) :
					json_null());
	return o;
}

static json_t *json_plan(const struct cs_sweep_plan *p)
{
	json_t *o = json_object(), *levels = json_array();
	uint32_t i;

	for (i = 0; i < p->nlevels; i++)
		json_array_append_new(levels, json_integer(p->levels[i]));
	set_new(o, "kind", json_string(cs_sweep_kind_name(p->kind)));
	set_new(o, "levels", levels);
	set_int(o, "runs", p->runs);
	set_new(o, "durationSec", json_sec(p->duration_ms));
	set_new(o, "warmupSec", json_sec(p->warmup_ms));
	set_int(o, "periodMs", p->period_ms);
	set_new(o, "levelTimeoutSec", json_sec(p->level_timeout_ms));
	set_new(o, "timeLimitSec", json_sec(p->time_limit_ms));
	set_new(o, "cpus", json_text(p->cpus));
	return o;
}

/* Why @s is not complete: its own message, or what its status implies. */
const char *cs_sweep_error(const struct cs_sweep *s)
{
	if (s->error[0])
		return s->error;
	switch (s->status) {
	case CS_SWEEP_RUNNING:
		return "sweep did not finish (still running, or killed)";
	case CS_SWEEP_INTERRUPTED:
		return "sweep interrupted by a signal";
	case CS_SWEEP_FAILED:
		return "sweep failed";
	case CS_SWEEP_COMPLETE:
		break;
	}
	return "";
}

static json_t *json_extension(const struct cs_sweep *s)
{
	json_t *o = json_object(), *wu = json_object();
	json_t *levels = json_array(), *runs = json_array();
	uint32_t i;

	set_int(wu, "wuKib", s->wu_kib);
	set_int(wu, "wuSpins", s->wu_spins);
	for (i = 0; i < s->plan.nlevels; i++)
		json_array_append_new(levels, json_level(s, &s->levels[i]));
	for (i = 0; i < s->nmeas; i++)
		if (s->meas[i].status != CS_MEAS_PENDING)
			json_array_append_new(runs, json_row(s, &s->meas[i]));

	set_int(o, "format", CS_SWEEP_FORMAT);
	set_new(o, "version", json_text(s->version));
	set_new(o, "status", json_string(cs_sweep_status_name(s->status)));
	set_new(o, "engine", json_text(s->engine));
	set_new(o, "kernel", json_text(s->kernel));
	set_new(o, "cpuModel", json_text(s->cpu_model));
	set_new(o, "elapsedSec", json_num(true, s->elapsed_s, CS_DEC_SEC));
	set_new(o, "workUnit", wu);
	set_new(o, "plan", json_plan(&s->plan));
	set_new(o, "levels", levels);
	set_new(o, "knee", json_knee(&s->knee));
	set_new(o, "runs", runs);
	set_new(o, "design", json_design(s));
	set_new(o, "noise", json_noise(&s->noise));
	set_new(o, "quality", json_string(s->noise.noisy ? "noisy" : "ok"));
	return o;
}

/* The pcd /v1/loadtest response, then the "cpustress" extension. */
static json_t *json_sweep(const struct cs_sweep *s)
{
	json_t *o = json_object(), *results = json_array();
	uint64_t max = 0, sum = 0, n = 0, cores = s->num_cores;
	uint32_t i;

	for (i = 0; i < s->plan.nlevels; i++) {
		const struct cs_sweep_level *l = &s->levels[i];
		json_t *r;

		if (!l->runs_ok)
			continue;
		r = json_object();
		set_int(r, "busyPct", l->busy_target);
		set_int(r, "workUnits", (json_int_t)l->work_units);
		if (s->plan.kind == CS_SWEEP_CPUS)
			set_int(r, "cpus", l->ncpus);
		json_array_append_new(results, r);
		if (l->work_units > max)
			max = l->work_units;
		sum += l->work_units;
		n++;
	}
	set_new(o, "hostname", json_text(s->hostname));
	set_int(o, "timestamp", s->timestamp);
	set_int(o, "numCores", s->num_cores);
	set_new(o, "results", results);
	set_int(o, "maxUnits", (json_int_t)max);
	set_int(o, "avgUnits", n ? (json_int_t)((sum + n / 2) / n) : 0);
	set_int(o, "unitsPerSec",
		n && cores ? (json_int_t)((max + cores / 2) / cores) : 0);
	if (s->status != CS_SWEEP_COMPLETE)
		set_new(o, "error", json_text(cs_sweep_error(s)));
	set_new(o, "cpustress", json_extension(s));
	return o;
}

/* Dump @o, a line of its own, and drop it. Return: 0 or -1. */
static int dump_line(FILE *f, json_t *o, size_t flags)
{
	int ret = -1;

	if (o && !json_dumpf(o, f, flags | JSON_FLAGS) && fputc('\n', f) != EOF)
		ret = 0;
	json_decref(o);
	return ret;
}

static int write_json(FILE *f, const struct cs_sweep *s)
{
	return dump_line(f, json_sweep(s), JSON_INDENT(2));
}

static int write_jsonl(FILE *f, const struct cs_sweep *s)
{
	uint32_t i;

	for (i = 0; i < s->nmeas; i++) {
		if (s->meas[i].status == CS_MEAS_PENDING)
			continue;
		if (dump_line(f, json_row(s, &s->meas[i]), JSON_COMPACT))
			return -1;
	}
	return 0;
}

/* --- CSV ------------------------------------------------------------- */

/* RFC 4180: quote a field holding a comma, a quote or a line break. */
void cs_csv_field(FILE *f, const char *str)
{
	const char *p;

	if (!strpbrk(str, ",\"\r\n")) {
		fputs(str, f);
		return;
	}
	fputc('"', f);
	for (p = str; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static void csv_row(FILE *f, const struct cs_sweep *s,
		    const struct cs_sweep_meas *m)
{
	struct row_val v[COL_COUNT];
	int id;

	row_values(s, m, v);
	for (id = 0; id < COL_COUNT; id++) {
		const struct row_col *c = &row_cols[id];

		if (id)
			fputc(',', f);
		if (v[id].null)
			continue;
		if (c->type == ROW_INT)
			fprintf(f, "%" PRId64, v[id].i);
		else if (c->type == ROW_REAL)
			fprintf(f, "%.*f", c->decimals, v[id].d);
		else
			cs_csv_field(f, v[id].s);
	}
	fputc('\n', f);
}

static int write_csv(FILE *f, const struct cs_sweep *s)
{
	uint32_t i;

	fprintf(f, "%s\n", cs_sweep_csv_header);
	for (i = 0; i < s->nmeas; i++)
		if (s->meas[i].status != CS_MEAS_PENDING)
			csv_row(f, s, &s->meas[i]);
	return 0;
}

/* --- writing --------------------------------------------------------- */

static const char *const format_names[] = {
	[CS_FMT_JSON] = "json",
	[CS_FMT_CSV] = "csv",
	[CS_FMT_JSONL] = "jsonl",
};

const char *cs_sweep_format_name(enum cs_sweep_format fmt)
{
	return format_names[fmt];
}

int cs_sweep_format_parse(const char *name, enum cs_sweep_format *fmt)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(format_names); i++) {
		if (!strcmp(name, format_names[i])) {
			*fmt = (enum cs_sweep_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

int cs_sweep_format_of_path(const char *path, enum cs_sweep_format *fmt)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return -EINVAL;
	return cs_sweep_format_parse(dot + 1, fmt);
}

int cs_sweep_write_errno(FILE *f, const struct cs_sweep *s,
			 enum cs_sweep_format fmt)
{
	int ret = -1;

	errno = 0;
	switch (fmt) {
	case CS_FMT_JSON:
		ret = write_json(f, s);
		break;
	case CS_FMT_CSV:
		ret = write_csv(f, s);
		break;
	case CS_FMT_JSONL:
		ret = write_jsonl(f, s);
		break;
	}
	if (fflush(f) == EOF || ferror(f))
		ret = -1;
	return ret ? -(errno ? errno : EIO) : 0;
}

int cs_sweep_write(FILE *f, const struct cs_sweep *s,
		   enum cs_sweep_format fmt)
{
	return cs_sweep_write_errno(f, s, fmt) ? -EIO : 0;
}
