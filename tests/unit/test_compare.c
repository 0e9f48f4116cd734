// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Reading result files back (sweep/read.c) and comparing them
 * (compare.c): differences and price-performance against hand-computed
 * values, and every refusal with the file and field it names.
 *
 * The fixtures are in tests/data/sweeps/ (CS_TEST_DATA overrides it), and
 * the tests run from the repository root. host-a.json and host-b.json:
 *
 *   busy%   25    50    75    90   100   maxUnits  numCores
 *   host-a  1000  2000  2900  -    3600  3600      4
 *   host-b  1100  2300  -     3800 4000  4000      8
 */
#include "unit.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "sweep/compare.h"

#define ERR_MAX		512
#define TEXT_MAX	(64 * 1024)

static const char *data_path(const char *name)
{
	static char path[4][512];
	static unsigned int next;
	const char *dir = getenv("CS_TEST_DATA");
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", dir ? dir : "tests/data/sweeps",
		 name);
	return p;
}

static void read_ok(const char *name, struct cs_sweep *s)
{
	char err[ERR_MAX];
	int ret = cs_sweep_read(data_path(name), s, err, sizeof(err));

	if (ret)
		fail_msg("%s: %s", name, err);
}

/* Must refuse @path with a message holding each of @want (NULL-ended). */
static void read_refused(const char *path, const char *const *want)
{
	struct cs_sweep s;
	char err[ERR_MAX];

	memset(&s, 0xaa, sizeof(s));
	assert_true(cs_sweep_read(path, &s, err, sizeof(err)) < 0);
	if (strncmp(err, path, strlen(path)))
		fail_msg("message does not start with %s: %s", path, err);
	for (; *want; want++)
		if (!strstr(err, *want))
			fail_msg("'%s' not in: %s", *want, err);
	/* Nothing left allocated, nothing half-filled. */
	assert_null(s.levels);
	assert_null(s.meas);
	assert_int_equal(s.hostname[0], 0);
}

/*
 * A sweep in memory: @n levels of @kind with workUnits @units (0: no good
 * run at that level).
 */
static void make_sweep(struct cs_sweep *s, const char *host,
		       enum cs_sweep_kind kind, uint32_t wu_kib,
		       const uint32_t *levels, const uint64_t *units, size_t n)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	snprintf(s->hostname, sizeof(s->hostname), "%s", host);
	s->wu_kib = wu_kib;
	s->wu_spins = 17;
	s->num_cores = 4;
	s->status = CS_SWEEP_COMPLETE;
	s->plan.kind = kind;
	s->plan.runs = 1;
	s->plan.nlevels = (uint32_t)n;
	memcpy(s->plan.levels, levels, n * sizeof(*levels));
	assert_int_equal(cs_sweep_alloc(s), 0);
	for (i = 0; i < n; i++) {
		s->levels[i].runs = 1;
		s->levels[i].runs_ok = units[i] ? 1 : 0;
		s->levels[i].work_units = units[i];
		/* As format 1 reads: the median, no interval. */
		s->levels[i].corrected = (double)units[i];
		s->levels[i].ci_lo = s->levels[i].ci_hi = NAN;
	}
}

/*
 * Level @li of @s gets corrected value @v and the interval
 * v / e^w .. v x e^w: a log half-width of @w, a standard error of
 * w / 1.96 (sweep/stats.h cs_ratio_p()).
 */
static void set_ci(struct cs_sweep *s, size_t li, double v, double w)
{
	s->levels[li].corrected = v;
	s->levels[li].ci_lo = v / exp(w);
	s->levels[li].ci_hi = v * exp(w);
}

static void free_sweeps(struct cs_sweep *s, size_t n)
{
	while (n--)
		cs_sweep_free(&s[n]);
}

static void build(struct cs_compare *c, const struct cs_sweep *s,
		  const char *const *paths, size_t n)
{
	char err[ERR_MAX];

	if (cs_compare_build(c, s, paths, n, err, sizeof(err)))
		fail_msg("%s", err);
}

/* --- reading --------------------------------------------------------- */

static void test_read_fields(void **state)
{
	struct cs_sweep s;
	const struct cs_sweep_meas *m;

	(void)state;
	read_ok("host-a.json", &s);
	assert_string_equal(s.hostname, "host-a");
	assert_string_equal(s.kernel, "6.1.0-13-amd64");
	assert_string_equal(s.cpu_model, "Example CPU @ 2.00GHz");
	assert_string_equal(s.engine, "kernel");
	assert_string_equal(s.version, "0.2");
	assert_int_equal(s.timestamp, 1700000000);
	assert_int_equal(s.num_cores, 4);
	assert_int_equal(s.wu_kib, 512);
	assert_int_equal(s.wu_spins, 17);
	assert_int_equal(s.status, CS_SWEEP_COMPLETE);
	assert_string_equal(s.error, "");
	assert_int_equal(s.plan.kind, CS_SWEEP_BUSY);
	assert_int_equal(s.plan.nlevels, 4);
	assert_int_equal(s.plan.levels[3], 100);
	assert_int_equal(s.plan.runs, 3);
	assert_int_equal(s.plan.duration_ms, 10000);
	assert_int_equal(s.plan.warmup_ms, 2000);
	assert_int_equal(s.plan.period_ms, 100);
	assert_int_equal(s.plan.level_timeout_ms, 22000);
	assert_int_equal(s.plan.time_limit_ms, 3600000);
	assert_string_equal(s.plan.cpus, "all");
	assert_int_equal(s.levels[2].level, 75);
	assert_int_equal(s.levels[2].runs_ok, 3);
	assert_int_equal(s.levels[2].work_units, 2900);
	assert_true(s.levels[2].ups.min == 2842.0);
	assert_true(s.levels[2].ups.max == 2929.0);
	assert_int_equal(s.levels[2].p99_ns, 1300000);
	assert_true(s.levels[2].efficiency < 0);
	assert_false(s.knee.found);
	assert_int_equal(s.knee.reason, CS_KNEE_NONE);
	assert_int_equal(s.knee.level, 100);
	assert_int_equal(s.knee.next_level, 0);
	assert_true(isnan(s.knee.gain));
	assert_int_equal(s.knee.recommend_min, 50);
	assert_int_equal(s.knee.recommend_max, 75);
	assert_int_equal(s.nmeas, 12);
	m = cs_sweep_at(&s, 1, 2);
	assert_int_equal(m->status, CS_MEAS_OK);
	assert_int_equal(m->level, 50);
	assert_int_equal(m->run, 3);
	assert_int_equal(m->ncpus, 4);
	assert_true(m->units_per_sec == 2020.0);
	assert_true(m->duration_s == 10.0);
	assert_int_equal(m->p99_ns, 1100000);
	cs_sweep_free(&s);
}

/* An interrupted sweep: levels without data, runs not ok, runs never run. */
static void test_read_partial(void **state)
{
	struct cs_sweep s;

	(void)state;
	read_ok("host-a-partial.json", &s);
	assert_int_equal(s.status, CS_SWEEP_INTERRUPTED);
	assert_string_equal(s.error, "sweep interrupted by a signal");
	assert_int_equal(s.levels[1].runs, 2);
	assert_int_equal(s.levels[1].runs_ok, 1);
	assert_int_equal(s.levels[2].runs_ok, 0);
	assert_int_equal(s.levels[2].work_units, 0);
	assert_int_equal(cs_sweep_at(&s, 1, 1)->status, CS_MEAS_INTERRUPTED);
	assert_string_equal(cs_sweep_at(&s, 1, 1)->error,
			    "interrupted by a signal");
	assert_int_equal(cs_sweep_at(&s, 1, 2)->status, CS_MEAS_PENDING);
	assert_int_equal(cs_sweep_at(&s, 3, 0)->status, CS_MEAS_PENDING);
	assert_int_equal(s.knee.level, 50);
	cs_sweep_free(&s);
}

static void test_read_cpus(void **state)
{
	struct cs_sweep s;

	(void)state;
	read_ok("host-cpus.json", &s);
	assert_int_equal(s.plan.kind, CS_SWEEP_CPUS);
	assert_string_equal(s.plan.cpus, "0-3");
	assert_int_equal(s.levels[2].ncpus, 4);
	assert_int_equal(s.levels[2].busy_target, 100);
	assert_true(fabs(s.levels[2].efficiency - 0.95) < 1e-9);
	cs_sweep_free(&s);
}

#define WANT(...)	((const char *const[]){ __VA_ARGS__, NULL })

static void test_read_refusals(void **state)
{
	char dir[512];

	(void)state;
	read_refused(data_path("bad-syntax.json"),
		     WANT(":3:24: not valid JSON"));
	/* Cut after line 200, as a writer killed mid-file would leave it. */
	read_refused(data_path("bad-truncated.json"),
		     WANT(":201:0: not valid JSON", "end of file"));
	read_refused(data_path("bad-empty.json"), WANT(": empty file"));
	read_refused(data_path("bad-missing-key.json"),
		     WANT(": field cpustress.plan.runs: missing"));
	read_refused(data_path("bad-type.json"),
		     WANT(": field cpustress.levels[2].p99Us: expected a number"));
	read_refused(data_path("bad-level-range.json"),
		     WANT(": field cpustress.plan.levels[3]: 150 is out of range 1..100"));
	read_refused(data_path("bad-not-ascending.json"),
		     WANT(": field cpustress.plan.levels[2]: 50 after 75",
			  "strictly ascending"));
	read_refused(data_path("bad-format3.json"),
		     WANT(": written by a newer cpustress (format 3); this one reads formats 1 to 2"));
	read_refused(data_path("bad-plain-pcd.json"),
		     WANT("plain pcd", "work-unit parameters",
			  "cannot be compared safely"));
	snprintf(dir, sizeof(dir), "%s", data_path(""));
	dir[strlen(dir) - 1] = '\0';
	read_refused(dir, WANT(": is a directory"));
	read_refused(data_path("no-such-file.json"),
		     WANT(": cannot open: No such file or directory"));
	read_refused("/dev/null", WANT(": not a regular file"));
}

/* host-a.json with the first @from replaced by @to, in a file of its own. */
static void read_edited(const char *from, const char *to,
			const char *const *want)
{
	char *text = malloc(TEXT_MAX), *out = malloc(TEXT_MAX), *at;
	char path[] = "/tmp/cs-compare-XXXXXX";
	FILE *f = fopen(data_path("host-a.json"), "r");
	size_t len;
	int fd;

	assert_non_null(f);
	len = fread(text, 1, TEXT_MAX - 1, f);
	fclose(f);
	text[len] = '\0';
	at = strstr(text, from);
	if (!at)
		fail_msg("'%s' not in host-a.json", from);
	snprintf(out, TEXT_MAX, "%.*s%s%s", (int)(at - text), text, to,
		 at + strlen(from));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out, strlen(out)), (ssize_t)strlen(out));
	close(fd);
	read_refused(path, want);
	unlink(path);
	free(text);
	free(out);
}

/* The consistency checks, each one edit away from a good file. */
static void test_read_inconsistent(void **state)
{
	char host[400];

	(void)state;
	read_edited("\"hostname\": \"host-a\"", "\"hostname\": \"host-a\", \"hostname\": \"x\"",
		    WANT("not valid JSON: duplicate object key"));
	read_edited("\"numCores\": 4", "\"numCores\": 0",
		    WANT("field numCores: 0 is out of range 1..4096"));
	read_edited("\"format\": 1", "\"format\": \"1\"",
		    WANT("field cpustress.format: expected an integer"));
	read_edited("\"status\": \"complete\"", "\"status\": \"done\"",
		    WANT("field cpustress.status: 'done' is not one of"));
	read_edited("\"wuKib\": 512", "\"wuKib\": 256",
		    WANT("field cpustress.runs[0].wu_kib: 512 differs from the file's 256"));
	read_edited("\"runs\": 3", "\"runs\": 200",
		    WANT("field cpustress.plan.runs: 200 is out of range 1..100"));
	read_edited("\"level\": 50,\n        \"busyTargetPct\"",
		    "\"level\": 55,\n        \"busyTargetPct\"",
		    WANT("field cpustress.levels[1].level: 55,",
			 "but cpustress.plan.levels[1] is 50"));
	read_edited("\"runsOk\": 3", "\"runsOk\": 0",
		    WANT("field cpustress.levels[0].workUnits: expected null, as runsOk is 0"));
	read_edited("\"runsOk\": 3", "\"runsOk\": 4",
		    WANT("field cpustress.levels[0].runsOk: 4, more than runs (3)"));
	read_edited("\"unitsPerSecMin\": 980.0", "\"unitsPerSecMin\": 1500.0",
		    WANT("field cpustress.levels[0]: unitsPerSecMin 1500", "not in order"));
	read_edited("\"run_idx\": 2", "\"run_idx\": 1",
		    WANT("field cpustress.runs[1]: level 25 run 1 appears twice"));
	read_edited("\"run_idx\": 2", "\"run_idx\": 4",
		    WANT("field cpustress.runs[1].run_idx: 4 is out of range 1..3"));
	read_edited("\"status\": \"ok\"", "\"status\": \"timeout\"",
		    WANT("field cpustress.runs[0].duration_sec:",
			 "expected null, as status is not ok"));
	read_edited("\"p99_us\": 1000.0", "\"p99_us\": null",
		    WANT("field cpustress.runs[0].p99_us: expected a number"));
	read_edited("\"level\": 25,\n        \"busy_target_pct\"",
		    "\"level\": 30,\n        \"busy_target_pct\"",
		    WANT("field cpustress.runs[0].level: 30 is not a level of the plan"));
	read_edited("\"maxUnits\": 3600", "\"maxUnits\": 3601",
		    WANT("field maxUnits: 3601, but the largest workUnits"));
	read_edited("\"found\": false", "\"found\": true",
		    WANT("field cpustress.knee.reason: 'none' contradicts found: true"));
	read_edited("\"kind\": \"busy\",\n      \"levels\"",
		    "\"kind\": \"cpus\",\n      \"levels\"",
		    WANT("field cpustress.runs[0].kind: 'busy' differs from the file's 'cpus'"));
	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	read_edited("host-a", host,
		    WANT("field hostname: longer than 255 characters"));
	read_edited("{", "[{", WANT("not valid JSON"));
	read_edited("\"cpustress\": {", "\"cpustress\": 1, \"x\": {",
		    WANT("field cpustress: expected an object"));
}

/*
 * What cs_sweep_write() writes, cs_sweep_read() reads back: a CPU-count
 * sweep interrupted in its third level.
 */
static void test_round_trip(void **state)
{
	static const uint32_t levels[] = { 1, 2, 4 };
	char path[] = "/tmp/cs-compare-XXXXXX", err[ERR_MAX];
	struct cs_sweep s, back;
	uint32_t li, ri;
	FILE *f;
	int fd;

	(void)state;
	memset(&s, 0, sizeof(s));
	snprintf(s.hostname, sizeof(s.hostname), "round, \"trip\"");
	snprintf(s.engine, sizeof(s.engine), "user");
	snprintf(s.version, sizeof(s.version), "0.2");
	s.num_cores = 4;
	s.wu_kib = 256;
	s.wu_spins = 17;
	s.status = CS_SWEEP_INTERRUPTED;
	snprintf(s.error, sizeof(s.error), "interrupted");
	s.plan.kind = CS_SWEEP_CPUS;
	s.plan.nlevels = 3;
	memcpy(s.plan.levels, levels, sizeof(levels));
	s.plan.runs = 2;
	s.plan.duration_ms = 1500;
	s.plan.period_ms = 100;
	snprintf(s.plan.cpus, sizeof(s.plan.cpus), "0-3");
	assert_int_equal(cs_sweep_alloc(&s), 0);
	for (li = 0; li < 3; li++) {
		for (ri = 0; ri < 2; ri++) {
			struct cs_sweep_meas *m = cs_sweep_at(&s, li, ri);

			if (li == 2 && ri == 1)
				break;
			m->status = li == 2 ? CS_MEAS_INTERRUPTED : CS_MEAS_OK;
			m->ncpus = levels[li];
			m->duration_s = 1.5;
			m->units_per_sec = 1000.0 * levels[li] + ri;
			m->units = m->units_per_sec * 1.5;
			m->units_per_sec_per_cpu = m->units_per_sec / levels[li];
			m->busy_pct = 99.5;
			m->hist[cs_hist_bucket(100000 << li)] = 10;
			m->max_ns = 100000 << li;
		}
	}
	cs_sweep_summarise(&s);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_int_equal(cs_sweep_write(f, &s, CS_FMT_JSON), 0);
	fclose(f);
	if (cs_sweep_read(path, &back, err, sizeof(err)))
		fail_msg("%s", err);
	unlink(path);
	assert_string_equal(back.hostname, s.hostname);
	assert_int_equal(back.status, CS_SWEEP_INTERRUPTED);
	assert_string_equal(back.error, "interrupted");
	assert_int_equal(back.plan.duration_ms, 1500);
	assert_int_equal(back.wu_kib, 256);
	for (li = 0; li < 3; li++) {
		assert_int_equal(back.levels[li].runs, s.levels[li].runs);
		assert_int_equal(back.levels[li].runs_ok, s.levels[li].runs_ok);
		assert_int_equal(back.levels[li].work_units,
				 s.levels[li].work_units);
		assert_int_equal(back.levels[li].p99_ns, s.levels[li].p99_ns);
	}
	assert_true(fabs(back.levels[1].efficiency - s.levels[1].efficiency) <
		    1e-3);
	assert_int_equal(back.knee.found, s.knee.found);
	assert_int_equal(back.knee.level, s.knee.level);
	assert_int_equal(cs_sweep_at(&back, 2, 0)->status, CS_MEAS_INTERRUPTED);
	assert_int_equal(cs_sweep_at(&back, 2, 1)->status, CS_MEAS_PENDING);
	cs_sweep_free(&back);
	cs_sweep_free(&s);
}

/* --- comparing ------------------------------------------------------- */

/* The fixtures' table, computed by hand (see the top of this file). */
static void test_diffs(void **state)
{
	static const uint32_t want_levels[] = { 25, 50, 75, 90, 100 };
	const char *paths[] = { data_path("host-a.json"),
				data_path("host-b.json") };
	struct cs_sweep s[2];
	struct cs_compare c;
	size_t i;

	(void)state;
	read_ok("host-a.json", &s[0]);
	read_ok("host-b.json", &s[1]);
	build(&c, s, paths, 2);
	assert_int_equal(c.kind, CS_SWEEP_BUSY);
	assert_string_equal(c.file[0].label, "host-a");
	assert_string_equal(c.file[1].label, "host-b");
	assert_int_equal(c.nrows, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(c.rows[i].level, want_levels[i]);
	/* 25: 1100 - 1000 = +100, +10 % */
	assert_int_equal(c.rows[0].units[0], 1000);
	assert_int_equal(c.rows[0].units[1], 1100);
	assert_true(c.rows[0].have_diff[1]);
	assert_int_equal(c.rows[0].diff_units[1], 100);
	assert_true(fabs(c.rows[0].diff_pct[1] - 10.0) < 1e-9);
	/* 50: 2300 - 2000 = +300, +15 % */
	assert_int_equal(c.rows[1].diff_units[1], 300);
	assert_true(fabs(c.rows[1].diff_pct[1] - 15.0) < 1e-9);
	/* 75: host-b has none; 90: host-a has none. */
	assert_true(c.rows[2].have[0]);
	assert_false(c.rows[2].have[1]);
	assert_false(c.rows[2].have_diff[1]);
	assert_false(c.rows[3].have[0]);
	assert_true(c.rows[3].have[1]);
	assert_int_equal(c.rows[3].units[1], 3800);
	assert_false(c.rows[3].have_diff[1]);
	/* 100 and max: 4000 - 3600 = +400, +11.11 % */
	assert_int_equal(c.rows[4].diff_units[1], 400);
	assert_true(fabs(c.rows[4].diff_pct[1] - 400.0 / 36) < 1e-9);
	assert_int_equal(c.max.units[0], 3600);
	assert_int_equal(c.max.units[1], 4000);
	assert_int_equal(c.max.diff_units[1], 400);
	assert_true(fabs(c.max.diff_pct[1] - 400.0 / 36) < 1e-9);
	assert_false(c.max.have_diff[0]);
	cs_compare_free(&c);
	free_sweeps(s, 2);
}

/*
 * maxUnits over the levels both files have: an interrupted sweep that
 * stopped at 40 % is not compared with the other's 100 % (its +115 %
 * would be the load's, not the host's).
 */
static void test_max_common_levels(void **state)
{
	static const uint32_t la[] = { 20, 40 }, lb[] = { 50, 100 };
	static const uint32_t lc[] = { 20, 40, 100 };
	static const uint64_t a[] = { 800, 1600 }, b[] = { 2000, 3440 };
	static const uint64_t cu[] = { 900, 1500, 3600 };
	const char *paths[] = { "a.json", "b.json" };
	struct cs_sweep s[2];
	struct cs_compare c;

	(void)state;
	make_sweep(&s[0], "a", CS_SWEEP_BUSY, 512, la, a, 2);
	make_sweep(&s[1], "b", CS_SWEEP_BUSY, 512, lb, b, 2);
	build(&c, s, paths, 2);
	assert_int_equal(c.max_left_out, 4);
	assert_false(c.max.have[0]);
	assert_false(c.max.have[1]);
	assert_false(c.max.have_diff[1]);
	cs_compare_free(&c);
	free_sweeps(s, 2);

	/* Common 20 and 40: 1600 against 1500, c's 3600 at 100 left out. */
	make_sweep(&s[0], "a", CS_SWEEP_BUSY, 512, la, a, 2);
	make_sweep(&s[1], "c", CS_SWEEP_BUSY, 512, lc, cu, 3);
	build(&c, s, paths, 2);
	assert_int_equal(c.max_left_out, 1);
	assert_int_equal(c.max.units[0], 1600);
	assert_int_equal(c.max.units[1], 1500);
	assert_int_equal(c.max.diff_units[1], -100);
	cs_compare_free(&c);
	free_sweeps(s, 2);
}

/* A loss, and a baseline of 0 units: a difference but no percentage. */
static void test_diff_negative_and_zero(void **state)
{
	static const uint32_t levels[] = { 10, 20 };
	static const uint64_t a[] = { 3000, 0 }, b[] = { 2250, 500 };
	static const uint64_t one[] = { 1, 0 };
	const char *paths[] = { "a.json", "b.json", "c.json" };
	struct cs_sweep s[3];
	struct cs_compare c;

	(void)state;
	make_sweep(&s[0], "a", CS_SWEEP_BUSY, 512, levels, a, 2);
	make_sweep(&s[1], "b", CS_SWEEP_BUSY, 512, levels, b, 2);
	build(&c, s, paths, 2);
	assert_int_equal(c.rows[0].diff_units[1], -750);
	assert_true(fabs(c.rows[0].diff_pct[1] - -25.0) < 1e-9);
	assert_false(c.rows[1].have_diff[1]);
	/* maxUnits 3000 and 2250: level 20 does not count for a. */
	assert_int_equal(c.max.diff_units[1], -750);
	assert_true(fabs(c.max.diff_pct[1] - -25.0) < 1e-9);
	cs_compare_free(&c);
	free_sweeps(s, 2);

	make_sweep(&s[0], "a", CS_SWEEP_BUSY, 512, levels, one, 2);
	s[0].levels[0].work_units = 0;	/* a good run that did no unit */
	make_sweep(&s[1], "b", CS_SWEEP_BUSY, 512, levels, one, 2);
	make_sweep(&s[2], "c", CS_SWEEP_BUSY, 512, levels, one, 2);
	build(&c, s, paths, 3);
	assert_true(c.rows[0].have_diff[1]);
	assert_int_equal(c.rows[0].diff_units[2], 1);
	assert_true(isnan(c.rows[0].diff_pct[2]));
	cs_compare_free(&c);
	free_sweeps(s, 3);
}

/*
 * maxUnits ÷ USD per hour, best first: a 3600/0.40 = 9000 (rank 1),
 * c 4500/0.50 = 9000 (tie: rank 1), b 4000/0.50 = 8000 (rank 3, 88.9 %),
 * d without a price is left out.
 */
static void test_price(void **state)
{
	static const uint32_t levels[] = { 100 };
	static const uint64_t a[] = { 3600 }, b[] = { 4000 }, cc[] = { 4500 },
			      d[] = { 9999 };
	const char *paths[] = { "x/a.json", "x/b.json", "x/c.json", "x/d.json" };
	struct cs_compare_price p[CS_COMPARE_FILES_MAX];
	struct cs_sweep s[4];
	struct cs_compare c;
	char err[ERR_MAX];

	(void)state;
	make_sweep(&s[0], "host-a", CS_SWEEP_BUSY, 512, levels, a, 1);
	make_sweep(&s[1], "host-b", CS_SWEEP_BUSY, 512, levels, b, 1);
	make_sweep(&s[2], "host-c", CS_SWEEP_BUSY, 512, levels, cc, 1);
	make_sweep(&s[3], "host-d", CS_SWEEP_BUSY, 512, levels, d, 1);
	build(&c, s, paths, 4);
	assert_int_equal(cs_compare_price(&c, p), 0);
	assert_int_equal(cs_compare_set_cost(&c, "b", 0.5, err, sizeof(err)), 0);
	assert_int_equal(cs_compare_set_cost(&c, "host-a", 0.4, err,
					     sizeof(err)), 0);
	assert_int_equal(cs_compare_set_cost(&c, "x/c.json", 0.5, err,
					     sizeof(err)), 0);
	assert_int_equal(cs_compare_price(&c, p), 3);
	assert_int_equal(p[0].file, 0);
	assert_int_equal(p[0].rank, 1);
	assert_true(fabs(p[0].value - 9000) < 1e-6);
	assert_true(fabs(p[0].rel_pct - 100) < 1e-9);
	assert_int_equal(p[1].file, 2);
	assert_int_equal(p[1].rank, 1);
	assert_true(fabs(p[1].value - 9000) < 1e-6);
	assert_int_equal(p[2].file, 1);
	assert_int_equal(p[2].rank, 3);
	assert_true(fabs(p[2].value - 8000) < 1e-6);
	assert_true(fabs(p[2].rel_pct - 800.0 / 9) < 1e-9);
	cs_compare_free(&c);
	free_sweeps(s, 4);
}

/* What a --cost NAME may be, and the names that are refused. */
static void test_cost_names(void **state)
{
	static const uint32_t levels[] = { 100 };
	static const uint64_t u[] = { 1000 };
	const char *paths[] = { "runs/one.json", "runs/two.json", "three" };
	struct cs_sweep s[3];
	struct cs_compare c;
	char err[ERR_MAX];

	(void)state;
	make_sweep(&s[0], "web", CS_SWEEP_BUSY, 512, levels, u, 1);
	make_sweep(&s[1], "web", CS_SWEEP_BUSY, 512, levels, u, 1);
	make_sweep(&s[2], "db", CS_SWEEP_BUSY, 512, levels, u, 1);
	build(&c, s, paths, 3);
	assert_string_equal(c.file[0].label, "web (one.json)");
	assert_string_equal(c.file[1].label, "web (two.json)");
	assert_string_equal(c.file[2].label, "db");
	/* By label, path, file name without .json, and file name. */
	assert_int_equal(cs_compare_set_cost(&c, "web (one.json)", 1, err,
					     sizeof(err)), 0);
	assert_true(c.file[0].cost == 1);
	assert_int_equal(cs_compare_set_cost(&c, "runs/two.json", 2, err,
					     sizeof(err)), 0);
	assert_true(c.file[1].cost == 2);
	assert_int_equal(cs_compare_set_cost(&c, "three", 3, err,
					     sizeof(err)), 0);
	assert_true(c.file[2].cost == 3);
	/* A host name names both its files: one already has a price. */
	assert_int_equal(cs_compare_set_cost(&c, "web", 4, err, sizeof(err)),
			 -EEXIST);
	assert_non_null(strstr(err, "'web (one.json)' and 'web' both name web (one.json)"));
	assert_int_equal(cs_compare_set_cost(&c, "nope", 1, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "'nope' names no file"));
	assert_non_null(strstr(err, "web (one.json), web (two.json), db"));
	cs_compare_free(&c);

	/* A host name for both files of a host; the basename, .json off. */
	build(&c, s, paths, 3);
	assert_int_equal(cs_compare_set_cost(&c, "web", 0.25, err,
					     sizeof(err)), 0);
	assert_true(c.file[0].cost == 0.25 && c.file[1].cost == 0.25);
	assert_int_equal(cs_compare_set_cost(&c, "db", 1, err, sizeof(err)), 0);
	cs_compare_free(&c);

	/* The same file name in two directories: the path tells them apart. */
	paths[1] = "old/one.json";
	build(&c, s, paths, 2);
	assert_string_equal(c.file[0].label, "web (runs/one.json)");
	assert_string_equal(c.file[1].label, "web (old/one.json)");
	assert_int_equal(cs_compare_set_cost(&c, "one", 1, err, sizeof(err)),
			 0);
	assert_true(c.file[0].cost == 1 && c.file[1].cost == 1);
	cs_compare_free(&c);
	free_sweeps(s, 3);
}

static void test_refuse_work_units(void **state)
{
	static const uint32_t levels[] = { 50 };
	static const uint64_t u[] = { 100 };
	const char *paths[] = { "A.json", "B.json" };
	struct cs_sweep s[2];
	struct cs_compare c;
	char err[ERR_MAX];

	(void)state;
	make_sweep(&s[0], "a", CS_SWEEP_BUSY, 512, levels, u, 1);
	make_sweep(&s[1], "b", CS_SWEEP_BUSY, 256, levels, u, 1);
	assert_int_equal(cs_compare_build(&c, s, paths, 2, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "A.json and B.json were measured with different work units (wu_kib 512, wu_spins 17 vs wu_kib 256, wu_spins 17): their units are not comparable");
	assert_null(c.rows);
	free_sweeps(s, 2);
}

static void test_refuse_kinds(void **state)
{
	static const uint32_t levels[] = { 1 };
	static const uint64_t u[] = { 100 };
	const char *paths[] = { "A.json", "B.json" };
	struct cs_sweep s[2];
	struct cs_compare c;
	char err[ERR_MAX];

	(void)state;
	make_sweep(&s[0], "a", CS_SWEEP_BUSY, 512, levels, u, 1);
	make_sweep(&s[1], "b", CS_SWEEP_CPUS, 512, levels, u, 1);
	assert_int_equal(cs_compare_build(&c, s, paths, 2, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "A.json is a busy sweep and B.json a CPU-count sweep: busy % and CPU-count levels are not comparable");
	assert_int_equal(cs_compare_build(&c, s, paths, 0, err, sizeof(err)),
			 -EINVAL);
	free_sweeps(s, 2);
}

/* Print into a string. */
static char *print(const struct cs_compare *c, bool csv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (csv)
		cs_compare_print_csv(f, c);
	else
		cs_compare_print_table(f, c);
	fclose(f);
	return buf;
}

static void compare_fixtures(struct cs_sweep *s, struct cs_compare *c)
{
	const char *paths[] = { "host-a.json", "host-b.json" };
	char err[ERR_MAX];

	read_ok("host-a.json", &s[0]);
	read_ok("host-b.json", &s[1]);
	build(c, s, paths, 2);
	assert_int_equal(cs_compare_set_cost(c, "host-a", 0.4, err,
					     sizeof(err)), 0);
	assert_int_equal(cs_compare_set_cost(c, "host-b", 0.5, err,
					     sizeof(err)), 0);
}

static void test_table(void **state)
{
	struct cs_sweep s[2];
	struct cs_compare c;
	char *out;

	(void)state;
	compare_fixtures(s, &c);
	out = print(&c, false);
	assert_non_null(strstr(out, "\nbusy%  host-a  host-b  host-b diff  host-b diff%  host-b 95% CI  host-b sig\n"));
	assert_non_null(strstr(out, "\n   75    2900       -            -             -              -           -\n"));
	/* Format 1: no interval, never significant. */
	assert_non_null(strstr(out, "\n  max    3600    4000         +400        +11.1%    no interval           -\n"));
	assert_non_null(strstr(out, "\n   1  host-a       0.4      3600           9000.0  no interval   100.0%  best\n"));
	assert_non_null(strstr(out, "\n   2  host-b       0.5      4000           8000.0  no interval    88.9%  no interval\n"));
	assert_null(strstr(out, "yes"));
	assert_null(strstr(out, "worse"));
	free(out);
	cs_compare_free(&c);
	free_sweeps(s, 2);
}

static void test_csv(void **state)
{
	struct cs_sweep s[2];
	struct cs_compare c;
	char *out, *line, *save;
	size_t lines = 0;

	(void)state;
	compare_fixtures(s, &c);
	out = print(&c, true);
	/* Format 1: no interval columns, no verdict. */
	assert_non_null(strstr(out, "curve,25,host-b,1100,100,10.00,,,,,,,,,,\n"));
	assert_non_null(strstr(out, "curve,75,host-b,,,,,,,,,,,,,\n"));
	assert_non_null(strstr(out, "max,,host-b,4000,400,11.11,,,,,,,,,,\n"));
	assert_non_null(strstr(out, "price,,host-a,3600,,0.00,0.4,9000.0,1,,,,,,,\n"));
	assert_non_null(strstr(out, "price,,host-b,4000,,-11.11,0.5,8000.0,2,,,,,,,\n"));
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), lines++) {
		size_t commas = 0;
		char *p;

		for (p = line; *p; p++)
			commas += *p == ',';
		if (!lines)
			assert_string_equal(line, cs_compare_csv_header());
		assert_int_equal(commas, 15);
	}
	/* Header, 5 levels x 2 files, 2 max rows, 2 price rows. */
	assert_int_equal(lines, 1 + 10 + 2 + 2);
	free(out);
	cs_compare_free(&c);
	free_sweeps(s, 2);
}

/* --- significance ---------------------------------------------------- */

/* Two busy sweeps of @n levels 10, 20, ...: a's units @a, b's @b. */
static void make_pair(struct cs_sweep *s, const uint64_t *a, const uint64_t *b,
		      size_t n)
{
	static const uint32_t levels[] = { 10, 20, 30, 40 };

	make_sweep(&s[0], "a", CS_SWEEP_BUSY, 512, levels, a, n);
	make_sweep(&s[1], "b", CS_SWEEP_BUSY, 512, levels, b, n);
}

/*
 * Intervals of log half-width 0.02 (standard error 0.0102 each):
 * +20 % is far outside both (z 12.6), +2.5 % within (z 1.71, p 0.087),
 * equal values give p 1.
 */
static void test_significance(void **state)
{
	static const uint64_t a[] = { 1000, 2000, 3000 };
	static const uint64_t b[] = { 1200, 2050, 3000 };
	const char *paths[] = { "a.json", "b.json" };
	const struct cs_compare_test *t;
	struct cs_sweep s[2];
	struct cs_compare c;
	size_t li;
	char *out;

	(void)state;
	make_pair(s, a, b, 3);
	for (li = 0; li < 3; li++) {
		set_ci(&s[0], li, (double)a[li], 0.02);
		set_ci(&s[1], li, (double)b[li], 0.02);
	}
	build(&c, s, paths, 2);
	t = &c.rows[0].test[1];
	assert_true(t->tested && t->sig);
	assert_true(t->p < 1e-9);
	/* The ratio's interval: log half-widths in quadrature. */
	assert_true(fabs(t->ratio_lo - 1.2 * exp(-hypot(0.02, 0.02))) < 1e-9);
	assert_true(fabs(t->ratio_hi - 1.2 * exp(hypot(0.02, 0.02))) < 1e-9);
	t = &c.rows[1].test[1];
	assert_true(t->tested);
	assert_false(t->sig);
	assert_true(fabs(t->p - 0.087) < 0.001);
	assert_true(t->ratio_lo < 1 && t->ratio_hi > 1);
	t = &c.rows[2].test[1];
	assert_true(t->tested && !t->sig && fabs(t->p - 1) < 1e-12);
	/* The baseline is not tested against itself. */
	assert_false(c.rows[0].test[0].tested);
	/* max: 3000 against 3000, at level 30 of both. */
	assert_true(c.max.test[1].tested && !c.max.test[1].sig);
	out = print(&c, false);
	assert_non_null(strstr(out, "\n   10  1000  1200    +200   +20.0%  +16.7..+23.4%    yes\n"));
	assert_non_null(strstr(out, "\n   20  2000  2050     +50    +2.5%    -0.4..+5.4%     no\n"));
	free(out);
	out = print(&c, true);
	assert_non_null(strstr(out, "\ncurve,10,b,1200,200,20.00,,,,1200.0,1176.2,1224.2,16.65,23.44,"));
	assert_non_null(strstr(out, ",0.0871,no\n"));
	free(out);
	cs_compare_free(&c);
	free_sweeps(s, 2);
}

/* A z of 2.17 is p 0.03, 2.054 is p 0.04, 3.29 is p 0.001. */
#define Z_P030	2.170090
#define Z_P040	2.053749
#define Z_P001	3.290527

/*
 * b = a x e^(z x se), se the standard error of the log ratio for two
 * intervals of log half-width @w.
 */
static uint64_t shifted(uint64_t a, double z, double w)
{
	return (uint64_t)llround((double)a * exp(z * sqrt(2) * w / 1.96));
}

/*
 * Holm: p 0.03 alone is significant; beside p 0.04 neither is (0.03 >
 * 0.05 / 2); beside p 0.001 both are (0.001 <= 0.025, then 0.03 <= 0.05).
 */
static void test_holm_borderline(void **state)
{
	const char *paths[] = { "a.json", "b.json" };
	const double w = 0.05;
	uint64_t a[] = { 100000, 200000 }, b[2];
	struct cs_sweep s[2];
	struct cs_compare c;
	const double z2[] = { Z_P040, Z_P001 };
	size_t k, li;

	(void)state;
	b[0] = shifted(a[0], Z_P030, w);
	make_pair(s, a, b, 1);
	set_ci(&s[0], 0, (double)a[0], w);
	set_ci(&s[1], 0, (double)b[0], w);
	build(&c, s, paths, 2);
	assert_true(fabs(c.rows[0].test[1].p - 0.03) < 1e-4);
	assert_true(c.rows[0].test[1].sig);
	cs_compare_free(&c);
	free_sweeps(s, 2);

	for (k = 0; k < 2; k++) {
		b[1] = shifted(a[1], z2[k], w);
		make_pair(s, a, b, 2);
		for (li = 0; li < 2; li++) {
			set_ci(&s[0], li, (double)a[li], w);
			set_ci(&s[1], li, (double)b[li], w);
		}
		build(&c, s, paths, 2);
		assert_true(fabs(c.rows[0].test[1].p - 0.03) < 1e-4);
		assert_int_equal(c.rows[0].test[1].sig, k == 1);
		assert_int_equal(c.rows[1].test[1].sig, k == 1);
		cs_compare_free(&c);
		free_sweeps(s, 2);
	}
}

/* A file without intervals against one with: compared, never tested. */
static void test_no_interval(void **state)
{
	static const uint64_t a[] = { 1000 }, b[] = { 2000 };
	const char *paths[] = { "a.json", "b.json" };
	struct cs_sweep s[2];
	struct cs_compare c;
	char *out;

	(void)state;
	make_pair(s, a, b, 1);
	set_ci(&s[0], 0, 1000, 0.01);
	build(&c, s, paths, 2);
	assert_true(c.rows[0].have_diff[1]);
	assert_int_equal(c.rows[0].diff_units[1], 1000);
	assert_false(c.rows[0].test[1].tested);
	assert_false(c.rows[0].test[1].sig);
	assert_true(isnan(c.rows[0].test[1].p));
	assert_true(isnan(c.rows[0].test[1].ratio_lo));
	assert_false(c.max.test[1].sig);
	out = print(&c, false);
	assert_non_null(strstr(out, "\n   10  1000  2000   +1000  +100.0%  no interval      -\n"));
	free(out);
	out = print(&c, true);
	assert_non_null(strstr(out, "\ncurve,10,a,1000,,,,,,1000.0,990.0,1010.1,,,,\n"));
	assert_non_null(strstr(out, "\ncurve,10,b,2000,1000,100.00,,,,,,,,,,\n"));
	free(out);
	cs_compare_free(&c);
	free_sweeps(s, 2);
}

/*
 * Price-performance with intervals (log half-width 0.02): a 3600 / 0.40
 * = 9000 is the best; b 4000 / 0.50 = 8000 is worse beyond the noise
 * (z 8.2); c 4400 / 0.50 = 8800 is within it (z 1.56, p 0.12).
 */
static void test_price_significance(void **state)
{
	static const uint32_t levels[] = { 100 };
	static const uint64_t u[3][1] = { { 3600 }, { 4000 }, { 4400 } };
	static const char *const host[] = { "a", "b", "c" };
	static const double cost[] = { 0.4, 0.5, 0.5 };
	const char *paths[] = { "a.json", "b.json", "c.json" };
	struct cs_compare_price p[CS_COMPARE_FILES_MAX];
	struct cs_sweep s[3];
	struct cs_compare c;
	char err[ERR_MAX], *out;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		make_sweep(&s[i], host[i], CS_SWEEP_BUSY, 512, levels, u[i], 1);
		set_ci(&s[i], 0, (double)u[i][0], 0.02);
	}
	build(&c, s, paths, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(cs_compare_set_cost(&c, host[i], cost[i], err,
						     sizeof(err)), 0);
	assert_int_equal(cs_compare_price(&c, p), 3);
	assert_int_equal(p[0].file, 0);
	assert_false(p[0].test.tested);
	assert_true(fabs(p[0].lo - 9000 / exp(0.02)) < 1e-6);
	assert_true(fabs(p[0].hi - 9000 * exp(0.02)) < 1e-6);
	assert_int_equal(p[1].file, 2);
	assert_true(p[1].test.tested && !p[1].test.sig);
	assert_true(fabs(p[1].test.p - 0.119) < 0.001);
	assert_int_equal(p[2].file, 1);
	assert_true(p[2].test.tested && p[2].test.sig);
	out = print(&c, false);
	assert_non_null(strstr(out, "\n   1  a          0.4      3600           9000.0  8821.8..9181.8   100.0%  best\n"));
	assert_non_null(strstr(out, "\n   2  c          0.5      4400           8800.0  8625.7..8977.8    97.8%  within the noise\n"));
	assert_non_null(strstr(out, "\n   3  b          0.5      4000           8000.0  7841.6..8161.6    88.9%  worse than best\n"));
	free(out);
	cs_compare_free(&c);
	free_sweeps(s, 3);
}

/*
 * The format 2 fixtures (host-a-f2.json, host-b-f2.json: the format 1
 * ones with intervals): 25 % +10 % beyond the noise, 50 % +15 % within
 * host-b's wide interval, 100 % +11 % beyond.
 */
static void test_fixtures_format2(void **state)
{
	const char *paths[] = { "host-a-f2.json", "host-b-f2.json" };
	struct cs_sweep s[2];
	struct cs_compare c;

	(void)state;
	read_ok("host-a-f2.json", &s[0]);
	read_ok("host-b-f2.json", &s[1]);
	assert_true(s[1].levels[1].ci_lo == 1700 && s[1].levels[1].ci_hi == 2900);
	build(&c, s, paths, 2);
	assert_true(c.rows[0].test[1].sig);
	assert_true(c.rows[1].test[1].tested);
	assert_false(c.rows[1].test[1].sig);
	assert_false(c.rows[2].test[1].tested);
	assert_true(c.rows[4].test[1].sig);
	assert_true(c.max.test[1].sig);
	assert_true(c.max.ci_lo[1] == 3920 && c.max.ci_hi[1] == 4080);
	cs_compare_free(&c);
	free_sweeps(s, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_fields),
		cmocka_unit_test(test_read_partial),
		cmocka_unit_test(test_read_cpus),
		cmocka_unit_test(test_read_refusals),
		cmocka_unit_test(test_read_inconsistent),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_diffs),
		cmocka_unit_test(test_max_common_levels),
		cmocka_unit_test(test_diff_negative_and_zero),
		cmocka_unit_test(test_price),
		cmocka_unit_test(test_cost_names),
		cmocka_unit_test(test_refuse_work_units),
		cmocka_unit_test(test_refuse_kinds),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_significance),
		cmocka_unit_test(test_holm_borderline),
		cmocka_unit_test(test_no_interval),
		cmocka_unit_test(test_price_significance),
		cmocka_unit_test(test_fixtures_format2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
