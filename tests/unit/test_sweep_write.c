// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Sweep output against docs/sweep-format.md: the JSON file parsed back
 * (pcd keys and their arithmetic, the extension, nulls), CSV split as
 * RFC 4180 says, JSONL keys against the CSV header, the human summary's
 * alignment, and the atomic save and output checks on real directories.
 */
#include "unit.h"
#include "json.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep/sweep.h"

#define NCOLS		31	/* columns of cs_sweep_csv_header */
#define FIELD_MAX	256
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BAD_ERROR	"engine said \"no\", twice"

/* The CSV columns that are measurements: empty unless the row is OK. */
static const char *const metric_cols[] = {
	"duration_sec", "units", "units_per_sec", "units_per_sec_per_cpu",
	"busy_achieved_pct", "steal_pct", "wait_pct", "irqs_per_sec",
	"p50_us", "p90_us", "p99_us", "max_us",
};

static void meas_ok(struct cs_sweep_meas *m, double ups, uint32_t ncpus)
{
	m->status = CS_MEAS_OK;
	m->ts = 1712345000 + m->level * 10 + m->run;
	m->ncpus = ncpus;
	m->duration_s = 10.0004;
	m->units = ups * 10;
	m->units_per_sec = ups;
	m->units_per_sec_per_cpu = ups / ncpus;
	m->busy_pct = 24.987;
	m->steal_pct = 0.123;
	m->wait_pct = 1.005;
	m->irqs_per_sec = 1234.56;
	m->p50_ns = 12345;
	m->p90_ns = 23456;
	m->p99_ns = 34567;
	m->max_ns = 45678;
	m->hist[cs_hist_bucket(12345)] = 10;
}

static void meas_bad(struct cs_sweep_meas *m, enum cs_meas_status st,
		     const char *why)
{
	m->status = st;
	m->ts = 1712345999;
	snprintf(m->error, sizeof(m->error), "%s", why);
}

static void fixture_host(struct cs_sweep *s)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->hostname, "box1");
	strcpy(s->kernel, "6.1.0-18-amd64");
	strcpy(s->cpu_model, "Test CPU @ 2.00GHz");
	strcpy(s->engine, "user");
	strcpy(s->version, "0.2");
	s->timestamp = 1712345000;
	s->elapsed_s = 61.2344;
	s->num_cores = 4;
	s->wu_kib = 64;
	s->wu_spins = 1;
	s->plan.runs = 2;
	s->plan.duration_ms = 10000;
	s->plan.warmup_ms = 1500;
	s->plan.period_ms = 100;
	s->plan.level_timeout_ms = 30000;
	s->plan.time_limit_ms = 3600000;
	s->plan.nlevels = 3;
}

/*
 * Busy 25, 50, 100 % x 2 runs, still running: 25 has two good runs
 * (median 1051 units/s), 50 one good and one error, 100 a timeout and a
 * run never attempted.
 */
static void fixture_busy(struct cs_sweep *s)
{
	fixture_host(s);
	s->plan.kind = CS_SWEEP_BUSY;
	s->plan.levels[0] = 25;
	s->plan.levels[1] = 50;
	s->plan.levels[2] = 100;
	strcpy(s->plan.cpus, "all");
	assert_int_equal(cs_sweep_alloc(s), 0);
	meas_ok(cs_sweep_at(s, 0, 0), 1000.2, 4);
	meas_ok(cs_sweep_at(s, 0, 1), 1101.8, 4);
	meas_ok(cs_sweep_at(s, 1, 0), 2002, 4);
	meas_bad(cs_sweep_at(s, 1, 1), CS_MEAS_ERROR, BAD_ERROR);
	meas_bad(cs_sweep_at(s, 2, 0), CS_MEAS_TIMEOUT, "took over 30 s");
	s->status = CS_SWEEP_RUNNING;
	cs_sweep_summarise(s);
}

/* 1, 2, 4 CPUs x 2 runs, complete, a plateau from 2 to 4 CPUs. */
static void fixture_cpus(struct cs_sweep *s)
{
	static const double ups[] = { 1000, 1990, 2050 };
	uint32_t li;

	fixture_host(s);
	s->plan.kind = CS_SWEEP_CPUS;
	s->plan.levels[0] = 1;
	s->plan.levels[1] = 2;
	s->plan.levels[2] = 4;
	strcpy(s->plan.cpus, "0-3");
	assert_int_equal(cs_sweep_alloc(s), 0);
	for (li = 0; li < 3; li++) {
		meas_ok(cs_sweep_at(s, li, 0), ups[li], s->plan.levels[li]);
		meas_ok(cs_sweep_at(s, li, 1), ups[li], s->plan.levels[li]);
	}
	s->status = CS_SWEEP_COMPLETE;
	cs_sweep_summarise(s);
}

/* @s written in @fmt, as a malloc'ed string. */
static char *write_str(const struct cs_sweep *s, enum cs_sweep_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cs_sweep_write(f, s, fmt), 0);
	fclose(f);
	return buf;
}

static json_t *write_json(const struct cs_sweep *s)
{
	char *text = write_str(s, CS_FMT_JSON);
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);

	if (!root)
		fail_msg("JSON does not parse: %s (line %d)", jerr.text,
			 jerr.line);
	free(text);
	return root;
}

/* @o has exactly the keys @keys, in that order. */
static void assert_keys(json_t *o, const char *const *keys, size_t n)
{
	const char *key;
	json_t *v;
	size_t i = 0;

	assert_true(json_is_object(o));
	json_object_foreach(o, key, v) {
		assert_true(i < n);
		assert_string_equal(key, keys[i]);
		i++;
	}
	assert_int_equal(i, n);
}

static void test_json_pcd(void **state)
{
	static const char *const top[] = {
		"hostname", "timestamp", "numCores", "results", "maxUnits",
		"avgUnits", "unitsPerSec", "error", "cpustress",
	};
	struct cs_sweep s;
	json_t *root, *res;

	(void)state;
	fixture_busy(&s);
	root = write_json(&s);
	assert_keys(root, top, 9);
	assert_string_equal(jget_str(root, "hostname"), "box1");
	assert_int_equal(jget_int(root, "timestamp"), 1712345000);
	assert_int_equal(jget_int(root, "numCores"), 4);
	res = json_object_get(root, "results");
	assert_int_equal(json_array_size(res), 2);	/* not busy 100 */
	assert_int_equal(jget_int(json_array_get(res, 0), "busyPct"), 25);
	assert_int_equal(jget_int(json_array_get(res, 0), "workUnits"), 1051);
	assert_int_equal(jget_int(json_array_get(res, 1), "busyPct"), 50);
	assert_int_equal(jget_int(json_array_get(res, 1), "workUnits"), 2002);
	assert_null(json_object_get(json_array_get(res, 0), "cpus"));
	assert_int_equal(jget_int(root, "maxUnits"), 2002);
	assert_int_equal(jget_int(root, "avgUnits"), 1527);	/* 1526.5 */
	assert_int_equal(jget_int(root, "unitsPerSec"), 501);	/* 500.5 */
	assert_string_equal(jget_str(root, "error"),
			    "sweep did not finish (still running, or killed)");
	json_decref(root);

	strcpy(s.error, "time limit reached");
	s.status = CS_SWEEP_FAILED;
	root = write_json(&s);
	assert_string_equal(jget_str(root, "error"), "time limit reached");
	json_decref(root);

	s.status = CS_SWEEP_COMPLETE;
	s.num_cores = 0;
	root = write_json(&s);
	assert_null(json_object_get(root, "error"));
	assert_int_equal(jget_int(root, "unitsPerSec"), 0);
	json_decref(root);
	cs_sweep_free(&s);
}

static void test_json_cpus(void **state)
{
	struct cs_sweep s;
	json_t *root, *res, *lv;

	(void)state;
	fixture_cpus(&s);
	root = write_json(&s);
	assert_null(json_object_get(root, "error"));
	res = json_object_get(root, "results");
	assert_int_equal(json_array_size(res), 3);
	assert_int_equal(jget_int(json_array_get(res, 2), "cpus"), 4);
	assert_int_equal(jget_int(json_array_get(res, 2), "busyPct"), 100);
	assert_int_equal(jget_int(root, "maxUnits"), 2050);
	assert_int_equal(jget_int(root, "avgUnits"), 1680);
	assert_int_equal(jget_int(root, "unitsPerSec"), 513);	/* 512.5 */
	lv = json_array_get(json_object_get(json_object_get(root, "cpustress"),
					    "levels"), 1);
	assert_true(jget_real(lv, "efficiency") == 0.995);
	json_decref(root);
	cs_sweep_free(&s);
}

static void test_json_extension(void **state)
{
	static const char *const ext[] = {
		"format", "version", "status", "engine", "kernel", "cpuModel",
		"elapsedSec", "workUnit", "plan", "levels", "knee", "runs",
		"design", "noise", "quality",
	};
	static const char *const plan[] = {
		"kind", "levels", "runs", "durationSec", "warmupSec",
		"periodMs", "levelTimeoutSec", "timeLimitSec", "cpus",
	};
	static const char *const level[] = {
		"level", "busyTargetPct", "cpus", "runs", "runsOk",
		"workUnits", "unitsPerSecMin", "unitsPerSecMedian",
		"unitsPerSecMax", "unitsPerSecPerCpu", "busyAchievedPct",
		"stealPct", "waitPct", "p50Us", "p90Us", "p99Us", "maxUs",
		"efficiency", "unitsPerSecCorrected", "ci95", "efficiencyCi95",
		"efficiencyIsDrift",
	};
	static const char *const knee[] = {
		"found", "reason", "level", "nextLevel", "gain", "p99Ratio",
		"recommendMin", "recommendMax", "noiseAware", "gainUpper",
	};
	struct cs_sweep s;
	json_t *root, *x, *p, *l0, *l2, *k, *runs;
	size_t i;

	(void)state;
	fixture_busy(&s);
	root = write_json(&s);
	x = json_object_get(root, "cpustress");
	assert_keys(x, ext, 15);
	assert_int_equal(jget_int(x, "format"), CS_SWEEP_FORMAT);
	assert_string_equal(jget_str(x, "status"), "running");
	assert_string_equal(jget_str(x, "cpuModel"), "Test CPU @ 2.00GHz");
	assert_true(jget_real(x, "elapsedSec") == 61.234);
	assert_int_equal(jget_int(json_object_get(x, "workUnit"), "wuKib"), 64);
	p = json_object_get(x, "plan");
	assert_keys(p, plan, 9);
	assert_string_equal(jget_str(p, "kind"), "busy");
	assert_int_equal(json_array_size(json_object_get(p, "levels")), 3);
	assert_true(jget_real(p, "warmupSec") == 1.5);
	assert_int_equal(jget_int(p, "periodMs"), 100);

	assert_int_equal(json_array_size(json_object_get(x, "levels")), 3);
	l0 = json_array_get(json_object_get(x, "levels"), 0);
	assert_keys(l0, level, 22);
	assert_int_equal(jget_int(l0, "runsOk"), 2);
	assert_true(jget_real(l0, "unitsPerSecMin") == 1000.2);
	assert_true(jget_real(l0, "unitsPerSecMedian") == 1051.0);
	assert_true(jget_real(l0, "busyAchievedPct") == 24.99);
	/* The level's p50 is a bucket bound of the merged histogram. */
	assert_true(fabs(jget_real(l0, "p50Us") - s.levels[0].p50_ns / 1e3) <=
		    0.05);
	assert_true(json_is_null(json_object_get(l0, "efficiency")));
	l2 = json_array_get(json_object_get(x, "levels"), 2);
	assert_int_equal(jget_int(l2, "runs"), 1);
	assert_int_equal(jget_int(l2, "runsOk"), 0);
	for (i = 5; i < 18; i++)
		assert_true(json_is_null(json_object_get(l2, level[i])));

	k = json_object_get(x, "knee");
	assert_keys(k, knee, 10);
	assert_true(json_is_boolean(json_object_get(k, "found")));

	runs = json_object_get(x, "runs");
	assert_int_equal(json_array_size(runs), 5);	/* one pending */
	assert_string_equal(jget_str(json_array_get(runs, 3), "error"),
			    BAD_ERROR);
	assert_true(json_is_null(json_object_get(json_array_get(runs, 3),
						 "units")));
	assert_true(jget_real(json_array_get(runs, 0), "units") == 10002.0);
	assert_true(jget_real(json_array_get(runs, 0), "p50_us") == 12.3);
	assert_string_equal(jget_str(json_array_get(runs, 0), "error"), "");
	json_decref(root);
	cs_sweep_free(&s);
}

/* Rounded numbers print short: no binary noise such as 24.989999999. */
static void test_json_numbers_short(void **state)
{
	struct cs_sweep s;
	char *text;

	(void)state;
	fixture_busy(&s);
	text = write_str(&s, CS_FMT_JSON);
	assert_non_null(strstr(text, "\"busyAchievedPct\": 24.99,"));
	assert_non_null(strstr(text, "\"irqs_per_sec\": 1234.6,"));
	assert_non_null(strstr(text, "\"duration_sec\": 10.0,"));
	assert_null(strstr(text, "99999"));
	assert_null(strstr(text, "00001"));
	free(text);
	cs_sweep_free(&s);
}

/* Append @c to a field of @len characters. */
static void field_put(char *field, size_t *len, char c)
{
	assert_true(*len < FIELD_MAX - 1);
	field[(*len)++] = c;
}

/*
 * One RFC 4180 record at *p into @field, advancing past its line end.
 * Return: number of fields, or 0 at the end of the text.
 */
static int csv_next(const char **p, char field[][FIELD_MAX])
{
	const char *s = *p;
	int n = 0;
	size_t len;

	if (!*s)
		return 0;
	for (;;) {
		len = 0;
		assert_true(n <= NCOLS);
		if (*s == '"') {
			for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
				if (*s == '"')
					s++;	/* "" is one quote */
				field_put(field[n], &len, *s);
			}
			assert_int_equal(*s++, '"');
		} else {
			for (; *s && *s != ',' && *s != '\n'; s++)
				field_put(field[n], &len, *s);
		}
		field[n++][len] = '\0';
		if (*s != ',')
			break;
		s++;
	}
	assert_int_equal(*s, '\n');
	*p = s + 1;
	return n;
}

static int col_index(char head[][FIELD_MAX], const char *name)
{
	int i;

	for (i = 0; i < NCOLS; i++)
		if (!strcmp(head[i], name))
			return i;
	fail_msg("no column %s", name);
	return -1;
}

static void test_csv(void **state)
{
	char head[NCOLS + 1][FIELD_MAX], row[NCOLS + 1][FIELD_MAX];
	struct cs_sweep s;
	char *text;
	const char *p, *nl;
	int rows = 0, st, err, n;
	size_t i;

	(void)state;
	fixture_busy(&s);
	text = write_str(&s, CS_FMT_CSV);
	nl = strchr(text, '\n');
	assert_non_null(nl);
	assert_int_equal(nl - text, strlen(cs_sweep_csv_header));
	assert_memory_equal(text, cs_sweep_csv_header, nl - text);
	p = text;
	assert_int_equal(csv_next(&p, head), NCOLS);
	st = col_index(head, "status");
	err = col_index(head, "error");
	while ((n = csv_next(&p, row))) {
		bool ok = !strcmp(row[st], "ok");

		assert_int_equal(n, NCOLS);

		for (i = 0; i < ARRAY_SIZE(metric_cols); i++) {
			int c = col_index(head, metric_cols[i]);

			assert_int_equal(row[c][0] == '\0', !ok);
		}
		assert_int_equal(row[err][0] == '\0', ok);
		rows++;
		if (rows == 4)
			assert_string_equal(row[err], BAD_ERROR);
	}
	assert_int_equal(rows, 5);
	assert_non_null(strstr(text, ",\"engine said \"\"no\"\", twice\","));
	assert_non_null(strstr(text,
			       ",10.000,10002.0,1000.2,250.1,24.99,0.12,"));
	free(text);
	cs_sweep_free(&s);
}

static void test_jsonl(void **state)
{
	char head[NCOLS + 1][FIELD_MAX], hdr[1024];
	const char *keys[NCOLS], *p;
	struct cs_sweep s;
	char *text, *line, *save = NULL;
	int lines = 0, i;

	(void)state;
	snprintf(hdr, sizeof(hdr), "%s\n", cs_sweep_csv_header);
	p = hdr;
	assert_int_equal(csv_next(&p, head), NCOLS);
	for (i = 0; i < NCOLS; i++)
		keys[i] = head[i];
	fixture_busy(&s);
	text = write_str(&s, CS_FMT_JSONL);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		json_t *o = json_loads(line, 0, NULL);

		assert_non_null(o);
		assert_keys(o, keys, NCOLS);
		assert_int_equal(json_is_null(json_object_get(o, "p99_us")),
				 strcmp(jget_str(o, "status"), "ok") != 0);
		json_decref(o);
		lines++;
	}
	assert_int_equal(lines, 5);
	free(text);
	cs_sweep_free(&s);
}

/* Text that is not UTF-8 (jansson refuses it) still gives valid JSON. */
static void test_json_not_utf8(void **state)
{
	struct cs_sweep s;
	json_t *root;

	(void)state;
	fixture_busy(&s);
	strcpy(s.hostname, "box\xff" "1");
	root = write_json(&s);
	assert_string_equal(jget_str(root, "hostname"), "box?1");
	json_decref(root);
	cs_sweep_free(&s);
}

/* A stream that cannot be written: -EIO, not a silent short file. */
static void test_write_error(void **state)
{
	struct cs_sweep s;
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (!f)
		skip();
	fixture_busy(&s);
	assert_int_equal(cs_sweep_write(f, &s, CS_FMT_JSON), -EIO);
	fclose(f);
	cs_sweep_free(&s);
}

static void test_format_parse(void **state)
{
	enum cs_sweep_format fmt = CS_FMT_JSON;

	(void)state;
	assert_int_equal(cs_sweep_format_parse("jsonl", &fmt), 0);
	assert_int_equal(fmt, CS_FMT_JSONL);
	assert_int_equal(cs_sweep_format_parse("csv", &fmt), 0);
	assert_int_equal(fmt, CS_FMT_CSV);
	assert_int_equal(cs_sweep_format_parse("json", &fmt), 0);
	assert_int_equal(fmt, CS_FMT_JSON);
	assert_int_equal(cs_sweep_format_parse("JSON", &fmt), -EINVAL);
	assert_int_equal(cs_sweep_format_parse("", &fmt), -EINVAL);
}

/* Every table line is as long as the header; then status and knee. */
static void test_summary(void **state)
{
	struct cs_sweep s;
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0, width = 0;
	FILE *f;
	int n = 0;

	(void)state;
	fixture_busy(&s);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	cs_sweep_print_summary(f, &s);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		if (n == 0) {
			assert_int_equal(strncmp(line, "busy%", 5), 0);
			width = strlen(line);
		} else if (n <= 3) {
			assert_int_equal(strlen(line), width);
		} else {
			assert_int_equal(strncmp(line, "status: running", 15),
					 0);
		}
	}
	/* Header, 3 levels, the status; a busy sweep has no knee line. */
	assert_int_equal(n, 5);
	free(buf);
	cs_sweep_free(&s);
}

/* Levels, counts and ranges in words: "1 CPU", "busy 100 %", no "100..100". */
static void test_words(void **state)
{
	char buf[CS_SWEEP_PLAN_TEXT_MAX];
	struct cs_sweep s;

	(void)state;
	fixture_busy(&s);
	assert_string_equal(cs_sweep_plan_text(buf, sizeof(buf), &s.plan),
			    "busy 25..100 % (3 levels x 2 runs + 3 reference windows)");
	s.plan.nlevels = 1;
	s.plan.levels[0] = 100;
	s.plan.runs = 1;
	assert_string_equal(cs_sweep_plan_text(buf, sizeof(buf), &s.plan),
			    "busy 100 % (1 level x 1 run + 2 reference windows)");
	s.plan.kind = CS_SWEEP_CPUS;
	s.plan.levels[0] = 1;
	assert_string_equal(cs_sweep_plan_text(buf, sizeof(buf), &s.plan),
			    "1 CPU (1 level x 1 run + 2 reference windows)");
	s.plan.nlevels = 2;
	s.plan.levels[1] = 4;
	assert_string_equal(cs_sweep_plan_text(buf, sizeof(buf), &s.plan),
			    "1..4 CPUs (2 levels x 1 run + 2 reference windows)");
	assert_string_equal(cs_sweep_level_text(buf, sizeof(buf),
						CS_SWEEP_CPUS, 1), "1 CPU");
	assert_string_equal(cs_sweep_level_text(buf, sizeof(buf),
						CS_SWEEP_CPUS, 2), "2 CPUs");
	assert_string_equal(cs_sweep_level_text(buf, sizeof(buf),
						CS_SWEEP_BUSY, 60), "60 % busy");
	cs_sweep_free(&s);
}

/* A fresh directory under /tmp; @path gets its name. */
static void make_dir(char *path, size_t len)
{
	snprintf(path, len, "/tmp/cs-sweep-write.XXXXXX");
	assert_non_null(mkdtemp(path));
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* A result file's previous contents, and the check that they stayed. */
static void put_old(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("old contents\n", f);
	fclose(f);
}

static void assert_old(const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "old contents\n");
}

/* A fresh directory holding an old result file, out.json. */
struct old_out {
	char dir[64];
	char path[128];
};

static void old_out_make(struct old_out *o)
{
	make_dir(o->dir, sizeof(o->dir));
	snprintf(o->path, sizeof(o->path), "%s/out.json", o->dir);
	put_old(o->path);
}

static void old_out_remove(struct old_out *o)
{
	unlink(o->path);
	assert_int_equal(rmdir(o->dir), 0);
}

static void test_save(void **state)
{
	char path[160], err[512];
	struct old_out o;
	struct cs_sweep s;
	struct stat st;
	json_t *root;

	(void)state;
	old_out_make(&o);
	fixture_busy(&s);
	assert_int_equal(cs_sweep_save(o.path, &s, CS_FMT_JSON, err,
				       sizeof(err)), 0);
	root = json_load_file(o.path, 0, NULL);
	assert_non_null(root);
	assert_string_equal(jget_str(root, "hostname"), "box1");
	json_decref(root);
	assert_int_equal(count_entries(o.dir), 1);	/* no temp left */
	assert_int_equal(stat(o.path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);

	snprintf(path, sizeof(path), "%s/missing/out.json", o.dir);
	assert_int_equal(cs_sweep_save(path, &s, CS_FMT_CSV, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, path));
	assert_int_equal(count_entries(o.dir), 1);

	/* Refused before anything is written: a directory, a FIFO. */
	assert_int_equal(cs_sweep_save(o.dir, &s, CS_FMT_JSON, err, sizeof(err)),
			 -EISDIR);
	snprintf(path, sizeof(path), "%s/fifo", o.dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(cs_sweep_save(path, &s, CS_FMT_JSON, err,
				       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, path));
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	unlink(path);
	assert_int_equal(count_entries(o.dir), 1);

	old_out_remove(&o);
	cs_sweep_free(&s);
}

/* Writes past @limit bytes fail with EFBIG, as on a full disk. */
static void limit_file_size(rlim_t limit, struct rlimit *old)
{
	struct rlimit rl;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, old), 0);
	rl = *old;
	rl.rlim_cur = limit;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

/* A write that fails half-way keeps the old file and leaves no temp. */
static void test_save_write_fails(void **state)
{
	char err[512];
	struct old_out o;
	struct cs_sweep s;
	struct rlimit old;
	int ret;

	(void)state;
	old_out_make(&o);
	fixture_busy(&s);
	limit_file_size(100, &old);
	ret = cs_sweep_save(o.path, &s, CS_FMT_JSON, err, sizeof(err));
	setrlimit(RLIMIT_FSIZE, &old);
	assert_int_equal(ret, -EFBIG);
	assert_non_null(strstr(err, o.path));
	assert_non_null(strstr(err, strerror(EFBIG)));
	assert_old(o.path);
	assert_int_equal(count_entries(o.dir), 1);

	/* The output check finds the same failure before a sweep starts. */
	limit_file_size(100, &old);
	ret = cs_sweep_check_output(o.path, 4096, err, sizeof(err));
	setrlimit(RLIMIT_FSIZE, &old);
	assert_int_equal(ret, -EFBIG);
	assert_non_null(strstr(err, o.path));
	assert_int_equal(count_entries(o.dir), 1);

	old_out_remove(&o);
	cs_sweep_free(&s);
}

static void test_check_output(void **state)
{
	char dir[64], path[128], err[512];

	(void)state;
	make_dir(dir, sizeof(dir));
	assert_int_equal(cs_sweep_check_output(dir, 1, err, sizeof(err)),
			 -EISDIR);
	assert_non_null(strstr(err, dir));
	snprintf(path, sizeof(path), "%s/", dir);
	assert_int_equal(cs_sweep_check_output(path, 1, err, sizeof(err)),
			 -EISDIR);

	snprintf(path, sizeof(path), "%s/missing/out.csv", dir);
	assert_int_equal(cs_sweep_check_output(path, 1, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, path));

	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(cs_sweep_check_output(path, 1, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, path));
	unlink(path);

	/* Not writable even by root. */
	assert_true(cs_sweep_check_output("/proc/cs-out.json", 1, err,
					  sizeof(err)) < 0);
	assert_non_null(strstr(err, "/proc/cs-out.json"));

	snprintf(path, sizeof(path), "%s/out.json", dir);
	assert_int_equal(cs_sweep_check_output(path, 1, err, sizeof(err)), 0);
	assert_int_equal(count_entries(dir), 0);	/* probe removed */

	if (geteuid() != 0) {
		assert_int_equal(chmod(dir, 0555), 0);
		assert_int_equal(cs_sweep_check_output(path, 1, err, sizeof(err)),
				 -EACCES);
		assert_non_null(strstr(err, path));
		chmod(dir, 0755);
	}
	rmdir(dir);
}

/* The bound of the size holds for every format, and stays a bound. */
static void test_size_max(void **state)
{
	static const enum cs_sweep_format fmts[] = {
		CS_FMT_JSON, CS_FMT_CSV, CS_FMT_JSONL
	};
	struct cs_sweep s, fresh;
	size_t i, max, len;
	char *str;

	(void)state;
	fixture_cpus(&s);
	fresh = s;
	fresh.meas = NULL;
	fresh.levels = NULL;
	fresh.status = CS_SWEEP_RUNNING;
	assert_int_equal(cs_sweep_alloc(&fresh), 0);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		str = write_str(&s, fmts[i]);
		len = strlen(str);
		free(str);
		/* From the plan alone, before any measurement. */
		max = cs_sweep_size_max(&fresh, fmts[i]);
		print_message("# format %d: %zu bytes written, bound %zu\n",
			      (int)fmts[i], len, max);
		assert_true(max >= len);
		/* A loose bound, not a wild one. */
		assert_true(max < 20 * len + 8192);
		assert_int_equal(cs_sweep_size_max(&s, fmts[i]), max);
	}
	cs_sweep_free(&fresh);
	cs_sweep_free(&s);
}

/*
 * Room for all the results is reserved before a sweep: past a file-size
 * limit (as on a full disk) the check fails naming the path, the cause
 * and the room needed, keeps the old file and leaves nothing behind.
 */
static void test_check_output_reserves(void **state)
{
	char err[512];
	struct old_out o;
	struct cs_sweep s;
	struct rlimit old;
	int ret;

	(void)state;
	old_out_make(&o);
	assert_int_equal(cs_sweep_check_output(o.path, 256 << 10, err,
					       sizeof(err)), 0);
	assert_int_equal(count_entries(o.dir), 1);

	limit_file_size(64 << 10, &old);
	ret = cs_sweep_check_output(o.path, 256 << 10, err, sizeof(err));
	setrlimit(RLIMIT_FSIZE, &old);
	assert_int_equal(ret, -EFBIG);
	assert_non_null(strstr(err, o.path));
	assert_non_null(strstr(err, strerror(EFBIG)));
	assert_non_null(strstr(err, "256 KiB"));
	assert_int_equal(count_entries(o.dir), 1);

	/* The first save checks the same way, and writes nothing then. */
	fixture_busy(&s);
	limit_file_size(cs_sweep_size_max(&s, CS_FMT_JSON), &old);
	ret = cs_sweep_save_first(o.path, &s, CS_FMT_JSON, err, sizeof(err));
	setrlimit(RLIMIT_FSIZE, &old);
	assert_int_equal(ret, -EFBIG);
	assert_int_equal(count_entries(o.dir), 1);
	assert_old(o.path);
	assert_int_equal(cs_sweep_save_first(o.path, &s, CS_FMT_JSON, err,
					     sizeof(err)), 0);
	assert_int_equal(count_entries(o.dir), 1);

	old_out_remove(&o);
	cs_sweep_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_pcd),
		cmocka_unit_test(test_json_cpus),
		cmocka_unit_test(test_json_extension),
		cmocka_unit_test(test_json_numbers_short),
		cmocka_unit_test(test_json_not_utf8),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_jsonl),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_save),
		cmocka_unit_test(test_save_write_fails),
		cmocka_unit_test(test_check_output),
		cmocka_unit_test(test_size_max),
		cmocka_unit_test(test_check_output_reserves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
