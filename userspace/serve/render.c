// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The exporter's answers, rendered from one collector view: /cpu-perf (a
 * plain integer), /metrics (Prometheus text format 0.0.4) and /v1/stats
 * (JSON). docs/metrics.md describes every family and field.
 *
 * Metric values are printed from integers with fixed decimals (ns as
 * seconds with 9, milli-ops with 3, per mille with 3), so no value is ever
 * rounded twice, and "nan" or "inf" cannot appear.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

/* The histogram's le boundaries: 2^12 ns (4.096 us) .. 2^32 ns (4.29 s). */
#define CS_LE_MIN_SHIFT	12
#define CS_LE_MAX_SHIFT	32

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* --- a growing text buffer ------------------------------------------- */

struct cs_buf {
	char *p;
	size_t len;
	size_t cap;
	bool oom;
};

static bool cs_buf_grow(struct cs_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->oom)
		return false;
	while (cap < b->len + need + 1)
		cap *= 2;
	if (cap == b->cap)
		return true;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

static void cs_buf_printf(struct cs_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void cs_buf_printf(struct cs_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Mostly it fits at once; else grow to the size asked for, again. */
	if (!cs_buf_grow(b, 128))
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->p[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (!cs_buf_grow(b, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

static void cs_buf_putc(struct cs_buf *b, char c)
{
	if (!cs_buf_grow(b, 1))
		return;
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

/* Hand the text over, or free it and say -ENOMEM. */
static int cs_buf_finish(struct cs_buf *b, char **out, size_t *len)
{
	if (!cs_buf_grow(b, 0)) {
		free(b->p);
		return -ENOMEM;
	}
	b->p[b->len] = '\0';
	*out = b->p;
	*len = b->len;
	return 0;
}

/* A label value, escaped as the text format says: \\, \" and \n. */
static void cs_buf_label(struct cs_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '\\':
			cs_buf_printf(b, "\\\\");
			break;
		case '"':
			cs_buf_printf(b, "\\\"");
			break;
		case '\n':
			cs_buf_printf(b, "\\n");
			break;
		default:
			cs_buf_putc(b, *s);
		}
	}
}

/* --- /cpu-perf -------------------------------------------------------- */

/**
 * cs_render_cpu_perf() - the Rust reporter's answer: total ops/s
 * @v: the view
 * @out: the body
 * @len: its length
 *
 * The newest sample's work units per second over all CPUs, "0" before the
 * first successful poll, then a newline.
 *
 * Return: 0 or -ENOMEM.
 */
int cs_render_cpu_perf(const struct cs_view *v, char **out, size_t *len)
{
	struct cs_buf b = { 0 };

	cs_buf_printf(&b, "%" PRIu64 "\n", v->seq ? v->st.ops_per_sec : 0);
	return cs_buf_finish(&b, out, len);
}

/* --- /metrics --------------------------------------------------------- */

static void cs_family(struct cs_buf *b, const char *name, const char *type,
		      const char *help)
{
	cs_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
		      type);
}

/* ns as seconds, exactly: 9 decimals. */
static void cs_buf_seconds(struct cs_buf *b, uint64_t ns)
{
	cs_buf_printf(b, "%" PRIu64 ".%09" PRIu64,
		      (uint64_t)(ns / CS_NSEC_PER_SEC),
		      (uint64_t)(ns % CS_NSEC_PER_SEC));
}

/* thousandths as a number with 3 decimals */
static void cs_buf_milli(struct cs_buf *b, uint64_t milli)
{
	cs_buf_printf(b, "%" PRIu64 ".%03" PRIu64, milli / 1000,
		      milli % 1000);
}

/* One sample of a per-CPU family: NAME{cpu="N"} and the value follows. */
static void cs_cpu_sample(struct cs_buf *b, const char *name, uint32_t cpu)
{
	cs_buf_printf(b, "%s{cpu=\"%u\"} ", name, cpu);
}

enum cs_cpu_metric {
	CS_M_UNITS,
	CS_M_UNITS_PS,
	CS_M_BUSY,
	CS_M_STEAL,
	CS_M_WAIT,
	CS_M_BUSY_S,
	CS_M_IRQS,
	CS_M_SELFCHECK,
};

static const struct {
	const char *name;
	const char *type;
	const char *help;
} cs_cpu_families[] = {
	[CS_M_UNITS] = { "cpustress_work_units_total", "counter",
		"Work units completed on the CPU since the module was loaded (user engine: since the exporter started)." },
	[CS_M_UNITS_PS] = { "cpustress_work_units_per_second", "gauge",
		"Work units per second on the CPU over the newest sampling interval." },
	[CS_M_BUSY] = { "cpustress_busy_ratio", "gauge",
		"Share of the newest sampling interval the CPU's worker spent working (0..1)." },
	[CS_M_STEAL] = { "cpustress_steal_seconds_total", "counter",
		"Steal time of the CPU while its worker ran, in seconds." },
	[CS_M_WAIT] = { "cpustress_wait_seconds_total", "counter",
		"Time the CPU's worker waited runnable on the run queue, in seconds." },
	[CS_M_BUSY_S] = { "cpustress_busy_seconds_total", "counter",
		"Time the CPU's worker spent working (the busy part of its duty cycle), in seconds." },
	[CS_M_IRQS] = { "cpustress_interrupts_total", "counter",
		"Hardware interrupts on the CPU while its worker ran." },
	[CS_M_SELFCHECK] = { "cpustress_selfcheck_errors_total", "counter",
		"Work-unit test-vector mismatches found on the CPU (should stay 0)." },
};

static void cs_cpu_value(struct cs_buf *b, enum cs_cpu_metric m,
			 const struct cs_view_cpu *c)
{
	switch (m) {
	case CS_M_UNITS:
		cs_buf_printf(b, "%" PRIu64, c->units_total);
		break;
	case CS_M_UNITS_PS:
		cs_buf_milli(b, c->rate.ops_milli);
		break;
	case CS_M_BUSY:
		cs_buf_milli(b, c->rate.busy_pm);
		break;
	case CS_M_STEAL:
		cs_buf_seconds(b, c->steal_ns);
		break;
	case CS_M_WAIT:
		cs_buf_seconds(b, c->wait_ns);
		break;
	case CS_M_BUSY_S:
		cs_buf_seconds(b, c->busy_ns);
		break;
	case CS_M_IRQS:
		cs_buf_printf(b, "%" PRIu64, c->irqs);
		break;
	case CS_M_SELFCHECK:
		cs_buf_printf(b, "%" PRIu64, c->selfcheck_errors);
		break;
	}
}

/*
 * One unit-duration histogram: @h's buckets, @count units, @busy_ns of
 * working time. @cpu is the CPU's label, or NULL for the host's histogram
 * (no label but le). Bucket "le = 2^k ns" counts the hist.h buckets below
 * the one that starts at 2^k ns: every unit shorter than 2^k ns. (A unit of
 * exactly 2^k ns is counted from the next boundary on.)
 */
static void cs_hist_samples(struct cs_buf *b, const char *cpu,
			    const uint64_t *h, uint64_t count,
			    uint64_t busy_ns)
{
	static const char name[] = CS_HIST_FAMILY;
	char lb[32] = "";
	uint64_t cum = 0;
	unsigned int k, bk = 0;

	if (cpu)
		snprintf(lb, sizeof(lb), "cpu=\"%s\",", cpu);
	for (k = CS_LE_MIN_SHIFT; k <= CS_LE_MAX_SHIFT; k++) {
		unsigned int end = cs_hist_bucket(1ULL << k);

		for (; bk < end; bk++)
			cum += h[bk];
		cs_buf_printf(b, "%s_bucket{%sle=\"", name, lb);
		cs_buf_seconds(b, 1ULL << k);
		cs_buf_printf(b, "\"} %" PRIu64 "\n", cum);
	}
	cs_buf_printf(b, "%s_bucket{%sle=\"+Inf\"} %" PRIu64 "\n", name, lb,
		      count);
	if (cpu)
		cs_buf_printf(b, "%s_sum{cpu=\"%s\"} ", name, cpu);
	else
		cs_buf_printf(b, "%s_sum ", name);
	cs_buf_seconds(b, busy_ns);
	if (cpu)
		cs_buf_printf(b, "\n%s_count{cpu=\"%s\"} %" PRIu64 "\n", name,
			      cpu, count);
	else
		cs_buf_printf(b, "\n%s_count %" PRIu64 "\n", name, count);
}

/* The histogram family: the host's, or (CS_RENDER_PER_CPU_HIST) per CPU. */
static void cs_histogram(struct cs_buf *b, const struct cs_view *v,
			 unsigned int flags)
{
	uint32_t i;

	if (!(flags & CS_RENDER_PER_CPU_HIST)) {
		cs_family(b, CS_HIST_FAMILY, "histogram",
			  "Duration of the host's work units, all CPUs merged (busy time per unit), in seconds.");
		cs_hist_samples(b, NULL, v->host.hist, v->host.hist_count,
				v->host.busy_ns);
		return;
	}
	cs_family(b, CS_HIST_FAMILY, "histogram",
		  "Duration of the CPU's work units (busy time per unit), in seconds.");
	for (i = 0; i < v->ncpus; i++) {
		const struct cs_view_cpu *c = &v->cpu[i];
		char cpu[12];

		snprintf(cpu, sizeof(cpu), "%u", c->cpu);
		cs_hist_samples(b, cpu, c->hist, c->hist_count, c->busy_ns);
	}
}

static void cs_gauge(struct cs_buf *b, const char *name, const char *help,
		     uint64_t val)
{
	cs_family(b, name, "gauge", help);
	cs_buf_printf(b, "%s %" PRIu64 "\n", name, val);
}

/**
 * cs_render_metrics_view() - the part of /metrics that only the view sets
 * @v: the view
 * @flags: CS_RENDER_PER_CPU_HIST or 0
 * @t: the text (every family from cpustress_up to the histogram), written
 *     over what @t held, in its buffer if that is large enough
 *
 * The collector renders this once per poll, into the buffer of the poll
 * before last: no fresh memory per poll, however large the text.
 * cs_render_metrics_wrap() puts the families of the request's time around
 * it.
 *
 * Return: 0, or -ENOMEM with @t freed and zeroed.
 */
int cs_render_metrics_view(const struct cs_view *v, unsigned int flags,
			   struct cs_text *t)
{
	struct cs_buf b = { .p = t->p, .cap = t->cap };
	int ret;
	uint64_t loaded = 0;
	uint32_t n;
	unsigned int m;

	for (n = 0; n < v->ncpus; n++)
		loaded += v->cpu[n].state == CPUSTRESS_CPU_RUNNING;
	cs_gauge(&b, "cpustress_up",
		 "1 if the exporter's last poll of the engine succeeded, else 0.",
		 v->up);
	cs_gauge(&b, "cpustress_running",
		 "1 while a load runs (workers started), else 0.",
		 v->st.running);
	cs_family(&b, "cpustress_busy_target_ratio", "gauge",
		  "Busy share each loaded CPU's duty cycle aims at (0..1).");
	cs_buf_printf(&b, "cpustress_busy_target_ratio %u.%02u\n",
		      v->st.busy_pct / 100, v->st.busy_pct % 100);
	cs_gauge(&b, "cpustress_cpus_loaded",
		 "CPUs whose worker is running.", loaded);

	for (m = 0; m < ARRAY_SIZE(cs_cpu_families); m++) {
		cs_family(&b, cs_cpu_families[m].name, cs_cpu_families[m].type,
			  cs_cpu_families[m].help);
		for (n = 0; n < v->ncpus; n++) {
			cs_cpu_sample(&b, cs_cpu_families[m].name,
				      v->cpu[n].cpu);
			cs_cpu_value(&b, m, &v->cpu[n]);
			cs_buf_putc(&b, '\n');
		}
	}
	cs_histogram(&b, v, flags);
	ret = cs_buf_finish(&b, &t->p, &t->len);
	if (ret) {
		memset(t, 0, sizeof(*t));
		return ret;
	}
	t->cap = b.cap;
	return 0;
}

/**
 * cs_render_metrics_wrap() - /metrics from the view's part
 * @engine: the engine's name, for cpustress_build_info
 * @view_text: what cs_render_metrics_view() made
 * @view_len: its length
 * @i: what serve knows beside it (version, load tests, requests), as of now
 * @out: the body (text format 0.0.4, CS_METRICS_CONTENT_TYPE)
 * @len: its length
 *
 * Return: 0 or -ENOMEM.
 */
int cs_render_metrics_wrap(const char *engine, const char *view_text,
			   size_t view_len, const struct cs_serve_info *i,
			   char **out, size_t *len)
{
	static const char *const results[] = { "complete", "failed" };
	struct cs_buf b = { 0 };
	uint64_t lt[2];
	unsigned int k;

	lt[1] = i->loadtests_failed;
	lt[0] = i->loadtests_done > lt[1] ? i->loadtests_done - lt[1] : 0;

	/* One allocation for all, mostly: the view's part and some 2 KiB. */
	if (!cs_buf_grow(&b, view_len + 2048))
		return -ENOMEM;
	cs_family(&b, "cpustress_build_info", "gauge",
		  "Version of cpustress, engine in use and kernel release; always 1.");
	cs_buf_printf(&b, "cpustress_build_info{version=\"");
	cs_buf_label(&b, i->version);
	cs_buf_printf(&b, "\",engine=\"");
	cs_buf_label(&b, engine);
	cs_buf_printf(&b, "\",kernel=\"");
	cs_buf_label(&b, i->kernel);
	cs_buf_printf(&b, "\"} 1\n");

	if (cs_buf_grow(&b, view_len)) {
		memcpy(b.p + b.len, view_text, view_len);
		b.len += view_len;
		b.p[b.len] = '\0';
	}

	cs_gauge(&b, "cpustress_loadtest_running",
		 "1 while a load test (POST /v1/loadtest) runs, else 0.",
		 i->loadtest_running);
	cs_family(&b, "cpustress_loadtests_total", "counter",
		  "Load tests finished since the exporter started, by result.");
	for (k = 0; k < 2; k++)
		cs_buf_printf(&b,
			      "cpustress_loadtests_total{result=\"%s\"} %" PRIu64 "\n",
			      results[k], lt[k]);
	cs_family(&b, "cpustress_http_requests_total", "counter",
		  "HTTP requests answered since the exporter started, by status class.");
	for (k = 1; k <= 5; k++)
		cs_buf_printf(&b,
			      "cpustress_http_requests_total{code=\"%uxx\"} %" PRIu64 "\n",
			      k, i->requests[k]);
	return cs_buf_finish(&b, out, len);
}

/**
 * cs_render_metrics() - the Prometheus exposition of a view, in one go
 * @v: the view
 * @i: what serve knows beside it (version, load tests, requests)
 * @flags: CS_RENDER_PER_CPU_HIST or 0
 * @out: the body (text format 0.0.4, CS_METRICS_CONTENT_TYPE)
 * @len: its length
 *
 * Every family has HELP and TYPE lines, also when it has no sample yet.
 *
 * Return: 0 or -ENOMEM.
 */
int cs_render_metrics(const struct cs_view *v, const struct cs_serve_info *i,
		      unsigned int flags, char **out, size_t *len)
{
	struct cs_text t = { 0 };
	int ret;

	ret = cs_render_metrics_view(v, flags, &t);
	if (ret)
		return ret;
	ret = cs_render_metrics_wrap(v->engine, t.p, t.len, i, out, len);
	free(t.p);
	return ret;
}

/* --- /v1/stats and /v1/history ------------------------------------- */

static int cs_set(json_t *o, const char *key, json_t *val)
{
	return json_object_set_new(o, key, val);
}

/*
 * A string; one that is not valid UTF-8 (a hostname, an engine message)
 * has its non-ASCII bytes replaced by '?', since JSON cannot carry it.
 */
static json_t *cs_json_str(const char *s)
{
	json_t *j = json_string(s ? s : "");
	char *t, *p;

	if (j)
		return j;
	t = strdup(s);
	if (!t)
		return NULL;
	for (p = t; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(t);
	free(t);
	return j;
}

static json_t *cs_json_u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

/* per mille as a percentage with 1 decimal */
static json_t *cs_json_pct(uint32_t pm)
{
	return json_real(pm / 10.0);
}

/* ns as microseconds, rounded to 1 decimal */
static json_t *cs_json_us(uint64_t ns)
{
	return json_real((double)((ns + 50) / 100) / 10.0);
}

/* ns as seconds (9 decimals, 15 significant digits in the output) */
static json_t *cs_json_s(uint64_t ns)
{
	return json_real((double)(ns / CS_NSEC_PER_SEC) +
			 (double)(ns % CS_NSEC_PER_SEC) / 1e9);
}

/* milli-ops as ops/s, 3 decimals */
static json_t *cs_json_ops(uint64_t ops_milli)
{
	return json_real((double)ops_milli / 1e3);
}

/* How steady opsPerSec has been; null without recent samples. */
static json_t *cs_json_recent(const struct cs_recent *r)
{
	json_t *o;

	if (!r->n)
		return json_null();
	o = json_object();
	if (!o)
		return NULL;
	if (cs_set(o, "n", cs_json_u64(r->n)) ||
	    cs_set(o, "medianOpsPerSec", cs_json_ops(r->median)) ||
	    cs_set(o, "p10OpsPerSec", cs_json_ops(r->p10)) ||
	    cs_set(o, "p90OpsPerSec", cs_json_ops(r->p90)) ||
	    cs_set(o, "spreadPct", cs_json_pct(cs_recent_spread_pm(r)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *cs_json_cpu(const struct cs_view_cpu *c)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (cs_set(o, "cpu", cs_json_u64(c->cpu)) ||
	    cs_set(o, "state", cs_json_str(cs_state_name(c->state))) ||
	    cs_set(o, "opsPerSec", cs_json_ops(c->rate.ops_milli)) ||
	    cs_set(o, "recent", cs_json_recent(&c->recent)) ||
	    cs_set(o, "unitsTotal", cs_json_u64(c->units_total)) ||
	    cs_set(o, "busyPct", cs_json_pct(c->rate.busy_pm)) ||
	    cs_set(o, "stealPct", cs_json_pct(c->rate.steal_pm)) ||
	    cs_set(o, "waitPct", cs_json_pct(c->rate.wait_pm)) ||
	    cs_set(o, "irqsPerSec", cs_json_u64(c->rate.irqs_ps)) ||
	    cs_set(o, "p50Us", cs_json_us(c->rate.p50_ns)) ||
	    cs_set(o, "p90Us", cs_json_us(c->rate.p90_ns)) ||
	    cs_set(o, "p99Us", cs_json_us(c->rate.p99_ns)) ||
	    cs_set(o, "maxUs", cs_json_us(c->rate.max_ns)) ||
	    cs_set(o, "stealSecondsTotal", cs_json_s(c->steal_ns)) ||
	    cs_set(o, "waitSecondsTotal", cs_json_s(c->wait_ns))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *cs_json_config(const struct cs_status *st)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (cs_set(o, "busyPct", cs_json_u64(st->busy_pct)) ||
	    cs_set(o, "periodMs", cs_json_u64(st->period_ms)) ||
	    cs_set(o, "intervalMs", cs_json_u64(st->interval_ms)) ||
	    cs_set(o, "cpus", cs_json_str(st->cpus)) ||
	    cs_set(o, "online", cs_json_str(st->online)) ||
	    cs_set(o, "loaded", cs_json_str(st->loaded)) ||
	    cs_set(o, "wuKib", cs_json_u64(st->wu_kib)) ||
	    cs_set(o, "wuSpins", cs_json_u64(st->wu_spins)) ||
	    cs_set(o, "timeLimitMs", cs_json_u64(st->time_limit_ms))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *cs_json_loadtest(const struct cs_serve_info *i)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (cs_set(o, "running", json_boolean(i->loadtest_running)) ||
	    cs_set(o, "id", i->loadtest_id[0] ?
			    cs_json_str(i->loadtest_id) : json_null())) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *cs_json_stats(const struct cs_view *v,
			     const struct cs_serve_info *i)
{
	json_t *o = json_object(), *cpus = json_array();
	uint32_t n;

	if (!o || !cpus)
		goto fail;
	if (cs_set(o, "hostname", cs_json_str(i->hostname)) ||
	    cs_set(o, "timestamp", json_integer(v->time_ms / 1000)) ||
	    cs_set(o, "timestampMs", json_integer(v->time_ms)) ||
	    cs_set(o, "engine", cs_json_str(v->engine)) ||
	    cs_set(o, "version", cs_json_str(i->version)) ||
	    cs_set(o, "kernel", cs_json_str(i->kernel)) ||
	    cs_set(o, "up", json_boolean(v->up)) ||
	    (!v->up && cs_set(o, "error", cs_json_str(v->err))) ||
	    cs_set(o, "running", json_boolean(v->st.running)) ||
	    cs_set(o, "config", cs_json_config(&v->st)) ||
	    cs_set(o, "opsPerSec",
		   cs_json_u64(v->seq ? v->st.ops_per_sec : 0)) ||
	    cs_set(o, "unitsTotal", cs_json_u64(v->st.units_total)) ||
	    cs_set(o, "sampleSeq", cs_json_u64(v->st.sample_seq)))
		goto fail;
	for (n = 0; n < v->ncpus; n++)
		if (json_array_append_new(cpus, cs_json_cpu(&v->cpu[n])))
			goto fail;
	if (cs_set(o, "cpus", cpus))
		goto fail_o;
	if (cs_set(o, "loadtest", cs_json_loadtest(i)))
		goto fail_o;
	return o;
fail:
	json_decref(cpus);
fail_o:
	json_decref(o);
	return NULL;
}

/* @o (taken over; NULL: out of memory) as the compact body in *@out. */
static int cs_json_render(json_t *o, char **out, size_t *len)
{
	char *s;

	if (!o)
		return -ENOMEM;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
			  JSON_REAL_PRECISION(15));
	json_decref(o);
	if (!s)
		return -ENOMEM;
	*out = s;
	*len = strlen(s);
	return 0;
}

/**
 * cs_render_stats() - the /v1/stats JSON of a view
 * @v: the view
 * @i: what serve knows beside it
 * @out: the body, one compact JSON object (no newline)
 * @len: its length
 *
 *
 * Return: 0 or -ENOMEM.
 */
int cs_render_stats(const struct cs_view *v, const struct cs_serve_info *i,
		    char **out, size_t *len)
{
	return cs_json_render(cs_json_stats(v, i), out, len);
}

/**
 * cs_render_history() - the /v1/history JSON
 * @pt: the points, oldest first
 * @n: how many
 * @out: the body, one compact JSON object: windowMs, stepMs and points,
 *	each with timestampMs, opsPerSec and cpus (cpu, opsPerSec: the field
 *	names and values of /v1/stats)
 * @len: its length
 *
 * Printed straight into one buffer, not built as JSON values: at 1,024
 * CPUs that is 300,000 numbers, some 10 MB of text.
 *
 * Return: 0 or -ENOMEM.
 */
int cs_render_history(const struct cs_history_point *pt, uint32_t n,
		      char **out, size_t *len)
{
	struct cs_buf b = { 0 };
	uint32_t i, k;

	cs_buf_printf(&b, "{\"windowMs\":%d,\"stepMs\":%d,\"points\":[",
		      CS_HISTORY_WINDOW_MS, CS_HISTORY_STEP_MS);
	for (i = 0; i < n; i++) {
		cs_buf_printf(&b, "%s{\"timestampMs\":%" PRId64
			      ",\"opsPerSec\":%" PRIu64 ",\"cpus\":[",
			      i ? "," : "", pt[i].time_ms, pt[i].ops_per_sec);
		for (k = 0; k < pt[i].ncpus; k++) {
			cs_buf_printf(&b, "%s{\"cpu\":%u,\"opsPerSec\":",
				      k ? "," : "", pt[i].cpu[k].cpu);
			cs_buf_milli(&b, pt[i].cpu[k].ops_milli);
			cs_buf_putc(&b, '}');
		}
		cs_buf_printf(&b, "]}");
	}
	cs_buf_printf(&b, "]}");
	return cs_buf_finish(&b, out, len);
}
