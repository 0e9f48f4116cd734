// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The engine structures as JSON (jansson), for `status --json` and
 * `top --json`. One compact object per line, keys in a fixed order, and
 * numbers in the ABI's own units (per mille, ns, milli-ops) so that nothing
 * is rounded on the way: scripts and the VM tests read these.
 */
#include <jansson.h>

#include "cli/cli.h"

static void set_u64(json_t *o, const char *key, uint64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

static json_t *json_rate(const struct cs_cpu_snap *c)
{
	const struct cs_cpu_rate *r = &c->rate;
	json_t *o = json_object();

	set_u64(o, "cpu", c->cpu);
	json_object_set_new(o, "state", json_string(cs_state_name(c->state)));
	set_u64(o, "ops_per_sec", cs_rate_ops(r));
	set_u64(o, "ops_milli", r->ops_milli);
	set_u64(o, "busy_pm", r->busy_pm);
	set_u64(o, "steal_pm", r->steal_pm);
	set_u64(o, "wait_pm", r->wait_pm);
	set_u64(o, "irqs_ps", r->irqs_ps);
	set_u64(o, "nivcsw_ps", r->nivcsw_ps);
	set_u64(o, "p50_ns", r->p50_ns);
	set_u64(o, "p90_ns", r->p90_ns);
	set_u64(o, "p99_ns", r->p99_ns);
	set_u64(o, "max_ns", r->max_ns);
	return o;
}

/* How steady ops_milli has been: the recent samples, in milli-ops. */
static json_t *json_recent(const struct cs_recent *r)
{
	json_t *o = json_object();

	set_u64(o, "n", r->n);
	set_u64(o, "median_milli", r->median);
	set_u64(o, "p10_milli", r->p10);
	set_u64(o, "p90_milli", r->p90);
	return o;
}

/* The counters of the measurement window; the histogram stays binary. */
static json_t *json_window(const struct cs_cpu_stats *s)
{
	json_t *o = json_object();

	set_u64(o, "elements", s->elements);
	set_u64(o, "units", s->units);
	set_u64(o, "busy_ns", s->busy_ns);
	set_u64(o, "sleep_ns", s->sleep_ns);
	set_u64(o, "steal_ns", s->steal_ns);
	set_u64(o, "wait_ns", s->wait_ns);
	set_u64(o, "nivcsw", s->nivcsw);
	set_u64(o, "irqs", s->irqs);
	set_u64(o, "unit_max_ns", s->unit_max_ns);
	set_u64(o, "selfcheck_errors", s->selfcheck_errors);
	return o;
}

static void json_print(FILE *f, json_t *o)
{
	json_dumpf(o, f, JSON_COMPACT);
	fputc('\n', f);
	fflush(f);
	json_decref(o);
}

void cs_json_status(FILE *f, const char *engine, const struct cs_status *st,
		    const struct cs_snapshot *snap)
{
	json_t *o = json_object(), *cpus = json_array(), *c;
	uint32_t i;

	json_object_set_new(o, "engine", json_string(engine));
	json_object_set_new(o, "running", json_boolean(st->running));
	set_u64(o, "busy_pct", st->busy_pct);
	set_u64(o, "period_ms", st->period_ms);
	set_u64(o, "interval_ms", st->interval_ms);
	json_object_set_new(o, "cpus", json_string(st->cpus));
	json_object_set_new(o, "online", json_string(st->online));
	json_object_set_new(o, "loaded", json_string(st->loaded));
	set_u64(o, "wu_kib", st->wu_kib);
	set_u64(o, "wu_spins", st->wu_spins);
	set_u64(o, "time_limit_ms", st->time_limit_ms);
	set_u64(o, "time_left_ms", st->time_left_ms);
	set_u64(o, "owner_portid", st->owner_portid);
	set_u64(o, "ops_per_sec", st->ops_per_sec);
	set_u64(o, "units_total", st->units_total);
	set_u64(o, "selfcheck_errors", st->selfcheck_errors);
	set_u64(o, "run_id", st->run_id);
	set_u64(o, "sample_seq", st->sample_seq);
	set_u64(o, "window_id", snap->window_id);
	set_u64(o, "window_start_ns", snap->window_start_ns);
	set_u64(o, "timestamp_ns", snap->ts_ns);
	for (i = 0; i < snap->ncpus; i++) {
		c = json_rate(&snap->cpu[i]);
		set_u64(c, "units_total", snap->cpu[i].units_total);
		json_object_set_new(c, "recent",
				    json_recent(&snap->cpu[i].recent));
		json_object_set_new(c, "window",
				    json_window(&snap->cpu[i].stats));
		json_array_append_new(cpus, c);
	}
	json_object_set_new(o, "per_cpu", cpus);
	json_print(f, o);
}

void cs_json_sample(FILE *f, const struct cs_sample *s)
{
	json_t *o = json_object(), *cpus = json_array();
	uint32_t i;

	set_u64(o, "seq", s->seq);
	set_u64(o, "timestamp_ns", s->ts_ns);
	set_u64(o, "dt_ns", s->dt_ns);
	set_u64(o, "ops_per_sec", s->ops_per_sec);
	for (i = 0; i < s->ncpus; i++)
		json_array_append_new(cpus, json_rate(&s->cpu[i]));
	json_object_set_new(o, "per_cpu", cpus);
	json_print(f, o);
}
