// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The exporter's renderers from a view with known values: /cpu-perf's exact
 * text; /metrics against the text format (HELP and TYPE before every
 * family's samples, exact values, cumulative histogram buckets at exact
 * boundaries, escaped labels, no NaN or Inf values) and against
 * `promtool check metrics`; /v1/stats parsed back; and the engine-down
 * case.
 */
#include "unit.h"
#include "json.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "serve/serve.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ODD_KERNEL	"6.1.0 \"odd\" C:\\dir\nline2"
#define HIST		"cpustress_work_unit_duration_seconds"
#define NLE		21	/* le = 2^12 .. 2^32 ns */

static struct cs_view_cpu cpus[3];

static void fixture(struct cs_view *v, struct cs_serve_info *i)
{
	struct cs_view_cpu *c;
	unsigned int b;

	memset(v, 0, sizeof(*v));
	memset(i, 0, sizeof(*i));
	memset(cpus, 0, sizeof(cpus));
	v->seq = 42;
	v->time_ms = 1712345678901LL;
	v->up = true;
	strcpy(v->engine, "user");
	v->st.running = true;
	v->st.busy_pct = 75;
	v->st.period_ms = 100;
	v->st.interval_ms = 1000;
	v->st.wu_kib = 512;
	v->st.wu_spins = 1;
	v->st.time_limit_ms = 0;
	strcpy(v->st.cpus, "0,3");
	strcpy(v->st.online, "0-1,3");
	strcpy(v->st.loaded, "0,3");
	v->st.ops_per_sec = 12345;
	v->st.units_total = 999999;
	v->st.sample_seq = 77;
	v->ncpus = 3;
	v->cpu = cpus;

	c = &cpus[0];
	c->cpu = 0;
	c->state = CPUSTRESS_CPU_RUNNING;
	c->rate.ops_milli = 6172500;		/* 6172.500 */
	c->rate.busy_pm = 750;
	c->rate.steal_pm = 12;
	c->rate.wait_pm = 5;
	c->rate.irqs_ps = 250;
	c->rate.p50_ns = 120049;		/* 120.0 us */
	c->rate.p90_ns = 130050;		/* 130.1 us */
	c->rate.p99_ns = 140000;
	c->rate.max_ns = 2000000;
	c->recent = (struct cs_recent){ 12, 5900250, 6100000, 6210000 };
	c->units_total = 500000;
	c->steal_ns = 1500000000ULL;		/* 1.5 s */
	c->wait_ns = 7;				/* 0.000000007 s */
	c->irqs = 1000;
	c->busy_ns = 12000000123ULL;
	c->selfcheck_errors = 0;
	c->hist[0] = 1;				/* 0 ns */
	c->hist[cs_hist_bucket(4095)] = 2;	/* < 2^12 */
	c->hist[cs_hist_bucket(4096)] = 4;	/* = 2^12: next boundary */
	c->hist[cs_hist_bucket(5000)] = 10;
	c->hist[cs_hist_bucket(120000)] = 100;
	c->hist[cs_hist_bucket(1ULL << 40)] = 3;	/* only +Inf */
	for (b = 0; b < CS_HIST_BUCKETS; b++)
		c->hist_count += c->hist[b];

	c = &cpus[1];
	c->cpu = 1;
	c->state = CPUSTRESS_CPU_IDLE;

	c = &cpus[2];
	c->cpu = 3;
	c->state = CPUSTRESS_CPU_RUNNING;
	c->rate.ops_milli = 6172499;
	c->rate.busy_pm = 1000;
	c->units_total = 400000;
	c->selfcheck_errors = 2;
	c->hist[cs_hist_bucket(1ULL << 32)] = 5;	/* first past 2^32 */
	c->hist[cs_hist_bucket((1ULL << 32) - 1)] = 6;
	c->hist_count = 11;

	/* The host: both CPUs' histograms and one that went offline since. */
	for (b = 0; b < CS_HIST_BUCKETS; b++)
		v->host.hist[b] = cpus[0].hist[b] + cpus[2].hist[b];
	v->host.hist[cs_hist_bucket(5000)] += 9;
	v->host.hist_count = 120 + 11 + 9;
	v->host.busy_ns = cpus[0].busy_ns + 1000000000ULL;

	i->version = "0.2";
	strcpy(i->hostname, "box1");
	strcpy(i->kernel, "6.1.0-18-amd64");
	i->loadtest_running = false;
	strcpy(i->loadtest_id, "20240405-101010-ab12");
	i->loadtests_done = 5;
	i->loadtests_failed = 2;
	i->requests[2] = 1000;
	i->requests[4] = 3;
}

static char *render_metrics_f(const struct cs_view *v,
			      const struct cs_serve_info *i, unsigned int flags)
{
	struct cs_text mid = { 0 };
	char *out = NULL, *two = NULL;
	size_t len = 0, tlen = 0;

	assert_int_equal(cs_render_metrics(v, i, flags, &out, &len), 0);
	/* The two halves the collector and a request render give the same. */
	assert_int_equal(cs_render_metrics_view(v, flags, &mid), 0);
	assert_int_equal(cs_render_metrics_wrap(v->engine, mid.p, mid.len, i,
						&two, &tlen), 0);
	assert_int_equal(tlen, len);
	assert_string_equal(two, out);
	free(two);
	/* Again into the same buffer, as the collector does: the same text. */
	mid.p[0] = 'X';
	assert_int_equal(cs_render_metrics_view(v, flags, &mid), 0);
	assert_true(mid.cap > mid.len);
	assert_int_equal(cs_render_metrics_wrap(v->engine, mid.p, mid.len, i,
						&two, &tlen), 0);
	assert_string_equal(two, out);
	free(mid.p);
	free(two);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	assert_true(len > 0 && out[len - 1] == '\n');
	return out;
}

static char *render_metrics(const struct cs_view *v,
			    const struct cs_serve_info *i)
{
	return render_metrics_f(v, i, 0);
}

/* The text has @line as a whole line. */
static void assert_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
		p++;
	}
	fail_msg("line not found: %s", line);
}

static void test_cpu_perf(void **state)
{
	struct cs_serve_info i;
	struct cs_view v;
	char *out;
	size_t len;

	(void)state;
	fixture(&v, &i);
	assert_int_equal(cs_render_cpu_perf(&v, &out, &len), 0);
	assert_string_equal(out, "12345\n");
	assert_int_equal(len, 6);
	free(out);

	v.seq = 0;		/* no poll has succeeded */
	assert_int_equal(cs_render_cpu_perf(&v, &out, &len), 0);
	assert_string_equal(out, "0\n");
	assert_int_equal(len, 2);
	free(out);
}

/* The metric name of a sample line, in @name. */
static void sample_name(const char *line, char *name, size_t size)
{
	size_t n = strcspn(line, "{ ");

	assert_true(n > 0 && n < size);
	memcpy(name, line, n);
	name[n] = '\0';
}

/* Strip a histogram's sample suffix, if the family is one. */
static void family_of(char *name)
{
	static const char *const sfx[] = { "_bucket", "_sum", "_count" };
	size_t n = strlen(name), k;

	if (strncmp(name, HIST, strlen(HIST)))
		return;
	for (k = 0; k < ARRAY_SIZE(sfx); k++) {
		size_t s = strlen(sfx[k]);

		if (n > s && !strcmp(name + n - s, sfx[k])) {
			name[n - s] = '\0';
			return;
		}
	}
}

/*
 * Walk the text: every family has one HELP, then its TYPE, then its
 * samples, no sample without both, no family twice; every value a finite
 * number written without letters. Returns the number of families.
 */
static unsigned int check_format(const char *text)
{
	char fams[64][96], cur[96] = "", line[512], name[96];
	unsigned int nfam = 0, k;
	bool typed = false;
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");
		char *val, *end;

		assert_true(n < sizeof(line));
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (p[n] == '\n');
		assert_true(n > 0);
		if (!strncmp(line, "# HELP ", 7)) {
			sample_name(line + 7, name, sizeof(name));
			for (k = 0; k < nfam; k++)
				assert_string_not_equal(fams[k], name);
			assert_true(nfam < ARRAY_SIZE(fams));
			strcpy(fams[nfam++], name);
			strcpy(cur, name);
			typed = false;
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			sample_name(line + 7, name, sizeof(name));
			assert_string_equal(name, cur);
			assert_false(typed);
			typed = true;
			continue;
		}
		assert_true(line[0] != '#');
		sample_name(line, name, sizeof(name));
		family_of(name);
		assert_string_equal(name, cur);
		assert_true(typed);
		val = strrchr(line, ' ');
		assert_non_null(val);
		val++;
		assert_true(strspn(val, "0123456789.") == strlen(val));
		errno = 0;
		assert_true(isfinite(strtod(val, &end)));
		assert_int_equal(*end, '\0');
	}
	return nfam;
}

static void test_metrics_format(void **state)
{
	static const char *const families[] = {
		"cpustress_build_info gauge",
		"cpustress_up gauge",
		"cpustress_running gauge",
		"cpustress_busy_target_ratio gauge",
		"cpustress_cpus_loaded gauge",
		"cpustress_work_units_total counter",
		"cpustress_work_units_per_second gauge",
		"cpustress_busy_ratio gauge",
		"cpustress_steal_seconds_total counter",
		"cpustress_wait_seconds_total counter",
		"cpustress_busy_seconds_total counter",
		"cpustress_interrupts_total counter",
		"cpustress_selfcheck_errors_total counter",
		HIST " histogram",
		"cpustress_loadtest_running gauge",
		"cpustress_loadtests_total counter",
		"cpustress_http_requests_total counter",
	};
	struct cs_serve_info i;
	struct cs_view v;
	char *text, line[160];
	unsigned int k;

	(void)state;
	fixture(&v, &i);
	text = render_metrics(&v, &i);
	assert_int_equal(check_format(text), ARRAY_SIZE(families));
	for (k = 0; k < ARRAY_SIZE(families); k++) {
		snprintf(line, sizeof(line), "# TYPE %s", families[k]);
		assert_line(text, line);
	}
	free(text);

	/* No CPU at all: still every family, with HELP and TYPE. */
	v.ncpus = 0;
	text = render_metrics(&v, &i);
	assert_int_equal(check_format(text), ARRAY_SIZE(families));
	free(text);
}

static void test_metrics_values(void **state)
{
	static const char *const lines[] = {
		"cpustress_build_info{version=\"0.2\",engine=\"user\",kernel=\"6.1.0-18-amd64\"} 1",
		"cpustress_up 1",
		"cpustress_running 1",
		"cpustress_busy_target_ratio 0.75",
		"cpustress_cpus_loaded 2",
		"cpustress_work_units_total{cpu=\"0\"} 500000",
		"cpustress_work_units_total{cpu=\"1\"} 0",
		"cpustress_work_units_total{cpu=\"3\"} 400000",
		"cpustress_work_units_per_second{cpu=\"0\"} 6172.500",
		"cpustress_work_units_per_second{cpu=\"1\"} 0.000",
		"cpustress_work_units_per_second{cpu=\"3\"} 6172.499",
		"cpustress_busy_ratio{cpu=\"0\"} 0.750",
		"cpustress_busy_ratio{cpu=\"3\"} 1.000",
		"cpustress_steal_seconds_total{cpu=\"0\"} 1.500000000",
		"cpustress_wait_seconds_total{cpu=\"0\"} 0.000000007",
		"cpustress_busy_seconds_total{cpu=\"0\"} 12.000000123",
		"cpustress_busy_seconds_total{cpu=\"1\"} 0.000000000",
		"cpustress_interrupts_total{cpu=\"0\"} 1000",
		"cpustress_selfcheck_errors_total{cpu=\"0\"} 0",
		"cpustress_selfcheck_errors_total{cpu=\"3\"} 2",
		/* The host's histogram, with the offline CPU's units. */
		HIST "_sum 13.000000123",
		HIST "_count 140",
		HIST "_bucket{le=\"0.000004096\"} 3",
		HIST "_bucket{le=\"0.000008192\"} 26",
		HIST "_bucket{le=\"0.000131072\"} 126",
		HIST "_bucket{le=\"2.147483648\"} 126",
		HIST "_bucket{le=\"4.294967296\"} 132",
		HIST "_bucket{le=\"+Inf\"} 140",
		"cpustress_loadtest_running 0",
		"cpustress_loadtests_total{result=\"complete\"} 3",
		"cpustress_loadtests_total{result=\"failed\"} 2",
		"cpustress_http_requests_total{code=\"1xx\"} 0",
		"cpustress_http_requests_total{code=\"2xx\"} 1000",
		"cpustress_http_requests_total{code=\"4xx\"} 3",
		"cpustress_http_requests_total{code=\"5xx\"} 0",
	};
	struct cs_serve_info i;
	struct cs_view v;
	unsigned int k;
	char *text;

	(void)state;
	fixture(&v, &i);
	text = render_metrics(&v, &i);
	for (k = 0; k < ARRAY_SIZE(lines); k++)
		assert_line(text, lines[k]);
	/* Offline CPUs are not in the view, so not in the text. */
	assert_null(strstr(text, "cpu=\"2\""));
	/* By default no histogram per CPU. */
	assert_null(strstr(text, HIST "_bucket{cpu="));
	assert_null(strstr(text, HIST "_sum{"));
	free(text);
}

/* --per-cpu-histogram: the same families, the histogram per CPU. */
static void test_metrics_per_cpu_values(void **state)
{
	static const char *const lines[] = {
		"cpustress_work_units_total{cpu=\"0\"} 500000",
		HIST "_sum{cpu=\"0\"} 12.000000123",
		HIST "_count{cpu=\"0\"} 120",
		HIST "_count{cpu=\"1\"} 0",
		HIST "_bucket{cpu=\"0\",le=\"0.000004096\"} 3",
		HIST "_bucket{cpu=\"0\",le=\"0.000008192\"} 17",
		HIST "_bucket{cpu=\"0\",le=\"0.000131072\"} 117",
		HIST "_bucket{cpu=\"0\",le=\"4.294967296\"} 117",
		HIST "_bucket{cpu=\"0\",le=\"+Inf\"} 120",
		HIST "_bucket{cpu=\"3\",le=\"2.147483648\"} 0",
		HIST "_bucket{cpu=\"3\",le=\"4.294967296\"} 6",
		HIST "_bucket{cpu=\"3\",le=\"+Inf\"} 11",
	};
	struct cs_serve_info i;
	struct cs_view v;
	unsigned int k;
	char *text;

	(void)state;
	fixture(&v, &i);
	text = render_metrics_f(&v, &i, CS_RENDER_PER_CPU_HIST);
	for (k = 0; k < ARRAY_SIZE(lines); k++)
		assert_line(text, lines[k]);
	/* Not the host's as well: sum() over the family would count twice. */
	assert_null(strstr(text, HIST "_bucket{le="));
	assert_null(strstr(text, HIST "_count "));
	check_format(text);
	free(text);
}

/* Every CPU's buckets: exact le list, cumulative, +Inf == _count. */
static void test_metrics_histogram(void **state)
{
	struct cs_serve_info i;
	struct cs_view v;
	char *text, pre[96], le[NLE][16];
	unsigned int c, k;

	(void)state;
	for (k = 0; k < NLE; k++) {
		uint64_t ns = 1ULL << (k + 12);

		snprintf(le[k], sizeof(le[k]), "%llu.%09llu",
			 (unsigned long long)(ns / 1000000000),
			 (unsigned long long)(ns % 1000000000));
	}
	assert_string_equal(le[0], "0.000004096");
	assert_string_equal(le[NLE - 1], "4.294967296");

	fixture(&v, &i);
	text = render_metrics_f(&v, &i, CS_RENDER_PER_CPU_HIST);
	for (c = 0; c < v.ncpus; c++) {
		unsigned long long prev = 0, val, count;
		const char *p;
		int n;

		snprintf(pre, sizeof(pre), HIST "_bucket{cpu=\"%u\",le=\"",
			 cpus[c].cpu);
		p = strstr(text, pre);
		assert_non_null(p);
		for (k = 0; k <= NLE; k++) {
			const char *want = k < NLE ? le[k] : "+Inf";

			assert_memory_equal(p, pre, strlen(pre));
			p += strlen(pre);
			assert_memory_equal(p, want, strlen(want));
			p += strlen(want);
			n = 0;
			assert_int_equal(sscanf(p, "\"} %llu\n%n", &val, &n), 1);
			assert_true(n > 0);
			p += n;
			assert_true(val >= prev);
			prev = val;
		}
		snprintf(pre, sizeof(pre), HIST "_sum{cpu=\"%u\"} ",
			 cpus[c].cpu);
		assert_memory_equal(p, pre, strlen(pre));
		p = strchr(p, '\n') + 1;
		snprintf(pre, sizeof(pre), HIST "_count{cpu=\"%u\"} %%llu",
			 cpus[c].cpu);
		assert_int_equal(sscanf(p, pre, &count), 1);
		assert_int_equal(count, prev);
		assert_int_equal(count, cpus[c].hist_count);
	}
	free(text);
}

static void test_metrics_escape(void **state)
{
	struct cs_serve_info i;
	struct cs_view v;
	char *text;

	(void)state;
	fixture(&v, &i);
	strcpy(i.kernel, ODD_KERNEL);
	text = render_metrics(&v, &i);
	assert_line(text, "cpustress_build_info{version=\"0.2\",engine=\"user\",kernel=\"6.1.0 \\\"odd\\\" C:\\\\dir\\nline2\"} 1");
	check_format(text);
	free(text);
}

static void test_metrics_down(void **state)
{
	struct cs_serve_info i;
	struct cs_view v;
	char *text;

	(void)state;
	fixture(&v, &i);
	v.up = false;
	strcpy(v.err, "module not loaded: run insmod kmod/cpustress.ko");
	text = render_metrics(&v, &i);
	assert_line(text, "cpustress_up 0");
	/* The last good poll's values stay. */
	assert_line(text, "cpustress_work_units_total{cpu=\"0\"} 500000");
	check_format(text);
	free(text);
}

static void promtool_check(unsigned int flags)
{
	char path[] = "/tmp/cs-metrics-XXXXXX", cmd[128];
	struct cs_serve_info i;
	struct cs_view v;
	char *text;
	FILE *f;
	int fd, st;

	fixture(&v, &i);
	strcpy(i.kernel, ODD_KERNEL);
	text = render_metrics_f(&v, &i, flags);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	free(text);

	/* promtool exits 0 with no output when the text is clean. */
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s 2>&1", path);
	st = system(cmd);
	unlink(path);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* `promtool check metrics` (Debian's prometheus) on the rendered text. */
static void test_metrics_promtool(void **state)
{
	(void)state;
	if (system("command -v promtool >/dev/null 2>&1") != 0)
		fail_msg("promtool not found: run make deps (Debian package prometheus)");
	promtool_check(0);
	promtool_check(CS_RENDER_PER_CPU_HIST);
}

static json_t *render_stats(const struct cs_view *v,
			    const struct cs_serve_info *i)
{
	json_error_t jerr;
	char *out = NULL;
	size_t len = 0;
	json_t *o;

	assert_int_equal(cs_render_stats(v, i, &out, &len), 0);
	assert_int_equal(strlen(out), len);
	assert_null(strchr(out, '\n'));		/* compact */
	assert_null(strstr(out, ": "));
	o = json_loads(out, 0, &jerr);
	if (!o)
		fail_msg("bad JSON: %s: %s", jerr.text, out);
	free(out);
	return o;
}

static void test_stats(void **state)
{
	static const char *const order[] = {
		"hostname", "timestamp", "timestampMs", "engine", "version",
		"kernel", "up", "running", "config", "opsPerSec", "unitsTotal",
		"sampleSeq", "cpus", "loadtest",
	};
	struct cs_serve_info i;
	struct cs_view v;
	json_t *o, *cfg, *arr, *c, *lt, *r;
	const char *key;
	unsigned int k = 0;
	json_t *val;

	(void)state;
	fixture(&v, &i);
	strcpy(i.kernel, ODD_KERNEL);
	o = render_stats(&v, &i);
	json_object_foreach(o, key, val) {
		assert_true(k < ARRAY_SIZE(order));
		assert_string_equal(key, order[k]);
		k++;
	}
	assert_int_equal(k, ARRAY_SIZE(order));

	assert_string_equal(jget_str(o, "hostname"), "box1");
	assert_int_equal(jget_int(o, "timestamp"), 1712345678);
	assert_int_equal(jget_int(o, "timestampMs"), 1712345678901LL);
	assert_string_equal(jget_str(o, "engine"), "user");
	assert_string_equal(jget_str(o, "version"), "0.2");
	assert_string_equal(jget_str(o, "kernel"), ODD_KERNEL);
	assert_true(json_is_true(json_object_get(o, "up")));
	assert_null(json_object_get(o, "error"));
	assert_true(json_is_true(json_object_get(o, "running")));
	assert_int_equal(jget_int(o, "opsPerSec"), 12345);
	assert_int_equal(jget_int(o, "unitsTotal"), 999999);
	assert_int_equal(jget_int(o, "sampleSeq"), 77);

	cfg = json_object_get(o, "config");
	assert_int_equal(jget_int(cfg, "busyPct"), 75);
	assert_int_equal(jget_int(cfg, "periodMs"), 100);
	assert_int_equal(jget_int(cfg, "intervalMs"), 1000);
	assert_string_equal(jget_str(cfg, "cpus"), "0,3");
	assert_string_equal(jget_str(cfg, "online"), "0-1,3");
	assert_string_equal(jget_str(cfg, "loaded"), "0,3");
	assert_int_equal(jget_int(cfg, "wuKib"), 512);
	assert_int_equal(jget_int(cfg, "wuSpins"), 1);
	assert_int_equal(jget_int(cfg, "timeLimitMs"), 0);

	arr = json_object_get(o, "cpus");
	assert_true(json_is_array(arr));
	assert_int_equal(json_array_size(arr), 3);
	c = json_array_get(arr, 0);
	assert_int_equal(jget_int(c, "cpu"), 0);
	assert_string_equal(jget_str(c, "state"), "running");
	assert_true(jget_num(c, "opsPerSec") == 6172.5);
	assert_int_equal(jget_int(c, "unitsTotal"), 500000);
	assert_true(jget_num(c, "busyPct") == 75.0);
	assert_true(jget_num(c, "stealPct") == 1.2);
	assert_true(jget_num(c, "waitPct") == 0.5);
	assert_int_equal(jget_int(c, "irqsPerSec"), 250);
	assert_true(jget_num(c, "p50Us") == 120.0);
	assert_true(jget_num(c, "p90Us") == 130.1);
	assert_true(jget_num(c, "p99Us") == 140.0);
	assert_true(jget_num(c, "maxUs") == 2000.0);
	assert_true(jget_num(c, "stealSecondsTotal") == 1.5);
	assert_true(jget_num(c, "waitSecondsTotal") == 7e-9);
	r = json_object_get(c, "recent");
	assert_int_equal(jget_int(r, "n"), 12);
	assert_true(jget_num(r, "medianOpsPerSec") == 6100.0);
	assert_true(jget_num(r, "p10OpsPerSec") == 5900.25);
	assert_true(jget_num(r, "p90OpsPerSec") == 6210.0);
	/* (6210 - 5900.25) / 2 / 6100 = 2.54 %: 25 per mille, rounded down */
	assert_true(jget_num(r, "spreadPct") == 2.5);
	c = json_array_get(arr, 1);
	assert_int_equal(jget_int(c, "cpu"), 1);
	assert_string_equal(jget_str(c, "state"), "idle");
	/* No recent samples: null. */
	assert_true(json_is_null(json_object_get(c, "recent")));
	c = json_array_get(arr, 2);
	assert_int_equal(jget_int(c, "cpu"), 3);
	assert_true(jget_num(c, "opsPerSec") == 6172.499);
	assert_true(jget_num(c, "busyPct") == 100.0);

	lt = json_object_get(o, "loadtest");
	assert_true(json_is_false(json_object_get(lt, "running")));
	assert_string_equal(jget_str(lt, "id"), "20240405-101010-ab12");
	json_decref(o);

	/* No load test yet: id is null. */
	i.loadtest_id[0] = '\0';
	i.loadtest_running = true;
	o = render_stats(&v, &i);
	lt = json_object_get(o, "loadtest");
	assert_true(json_is_true(json_object_get(lt, "running")));
	assert_true(json_is_null(json_object_get(lt, "id")));
	json_decref(o);
}

static void test_stats_down(void **state)
{
	struct cs_serve_info i;
	struct cs_view v;
	json_t *o;

	(void)state;
	fixture(&v, &i);
	v.up = false;
	strcpy(v.err, "generic netlink family \"cpustress\" not found");
	o = render_stats(&v, &i);
	assert_true(json_is_false(json_object_get(o, "up")));
	assert_string_equal(jget_str(o, "error"),
			    "generic netlink family \"cpustress\" not found");
	/* "error" comes right after "up". */
	assert_int_equal(json_array_size(json_object_get(o, "cpus")), 3);
	json_decref(o);

	/* Never polled: zeros, no CPU, still valid. */
	memset(&v, 0, sizeof(v));
	strcpy(v.engine, "kernel");
	strcpy(v.err, "module not loaded");
	o = render_stats(&v, &i);
	assert_int_equal(jget_int(o, "opsPerSec"), 0);
	assert_int_equal(json_array_size(json_object_get(o, "cpus")), 0);
	assert_string_equal(jget_str(o, "error"), "module not loaded");
	json_decref(o);
}

/* A hostname that is not UTF-8 still gives valid JSON. */
static void test_stats_not_utf8(void **state)
{
	struct cs_serve_info i;
	struct cs_view v;
	json_t *o;

	(void)state;
	fixture(&v, &i);
	strcpy(i.hostname, "bad\xff\xfehost");
	o = render_stats(&v, &i);
	assert_string_equal(jget_str(o, "hostname"), "bad??host");
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_perf),
		cmocka_unit_test(test_metrics_format),
		cmocka_unit_test(test_metrics_values),
		cmocka_unit_test(test_metrics_per_cpu_values),
		cmocka_unit_test(test_metrics_histogram),
		cmocka_unit_test(test_metrics_escape),
		cmocka_unit_test(test_metrics_down),
		cmocka_unit_test(test_metrics_promtool),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_stats_down),
		cmocka_unit_test(test_stats_not_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
