// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress serve's result store on a real directory: IDs that sort by
 * time and never repeat, results saved, listed newest first and read
 * back, --keep pruning the oldest, and the files that are not results
 * (foreign names, temporary files, unreadable ones) left alone.
 */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve/serve.h"
#include "tmplog.h"

/* 2024-01-02 03:04:05 UTC */
#define T0	1704164645

static int setup(void **state)
{
	(void)state;
	if (tmplog_setup("cs-serve-store"))
		return -1;
	cs_log_set_level(CS_LOG_WARN);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmplog_teardown();
}

/* A fresh state directory <tmpdir>/@name, opened. */
static void open_store(struct cs_store *st, const char *name, uint32_t keep)
{
	char dir[PATH_MAX], err[CS_ERR_MAX];

	snprintf(dir, sizeof(dir), "%s/%s", tmpdir, name);
	if (cs_store_open(st, dir, keep, err, sizeof(err)))
		fail_msg("%s", err);
}

static void touch(const struct cs_store *st, const char *name,
		  const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	assert_true(snprintf(path, sizeof(path), "%s/%s", st->dir, name) <
		    (int)sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static bool exists(const struct cs_store *st, const char *name)
{
	char path[PATH_MAX];

	assert_true(snprintf(path, sizeof(path), "%s/%s", st->dir, name) <
		    (int)sizeof(path));
	return access(path, F_OK) == 0;
}

/* A small complete busy sweep whose maxUnits is @units. */
static void make_sweep(struct cs_sweep *s, int64_t ts, uint32_t units)
{
	struct cs_sweep_meas *m;
	uint32_t li;

	memset(s, 0, sizeof(*s));
	strcpy(s->hostname, "box1");
	strcpy(s->engine, "user");
	strcpy(s->version, "0.2");
	s->timestamp = ts;
	s->num_cores = 2;
	s->wu_kib = 512;
	s->wu_spins = 17;
	s->plan.kind = CS_SWEEP_BUSY;
	s->plan.nlevels = 2;
	s->plan.levels[0] = 50;
	s->plan.levels[1] = 100;
	s->plan.runs = 1;
	s->plan.duration_ms = 1000;
	s->plan.period_ms = 100;
	s->plan.level_timeout_ms = 12000;
	s->plan.time_limit_ms = 120000;
	strcpy(s->plan.cpus, "all");
	assert_int_equal(cs_sweep_alloc(s), 0);
	for (li = 0; li < 2; li++) {
		m = cs_sweep_at(s, li, 0);
		m->status = CS_MEAS_OK;
		m->ts = ts + li;
		m->ncpus = 2;
		m->duration_s = 1;
		m->units = units * (li + 1) / 2.0;
		m->units_per_sec = m->units;
		m->units_per_sec_per_cpu = m->units / 2;
		m->busy_pct = li ? 100 : 50;
	}
	s->status = CS_SWEEP_COMPLETE;
	cs_sweep_summarise(s);
}

static void save(struct cs_store *st, const char *id, int64_t ts,
		 uint32_t units)
{
	struct cs_sweep *s = calloc(1, sizeof(*s));
	char err[CS_ERR_MAX];

	assert_non_null(s);
	make_sweep(s, ts, units);
	if (cs_store_save(st, id, s, err, sizeof(err)))
		fail_msg("%s", err);
	cs_sweep_free(s);
	free(s);
}

static json_t *list(struct cs_store *st)
{
	json_error_t jerr;
	json_t *arr;
	char *out;
	size_t len;

	assert_int_equal(cs_store_list(st, &out, &len), 0);
	assert_int_equal(strlen(out), len);
	assert_true(len && out[len - 1] == '\n');
	arr = json_loadb(out, len, 0, &jerr);
	free(out);
	if (!arr)
		fail_msg("listing is not JSON: %s", jerr.text);
	assert_true(json_is_array(arr));
	return arr;
}

static const char *list_id(json_t *arr, size_t i)
{
	return json_string_value(json_object_get(json_array_get(arr, i),
						 "id"));
}

/* --- tests ----------------------------------------------------------- */

static void test_id_order(void **state)
{
	char a[32], b[32], c[32], d[32], e[32];
	struct cs_store st;
	int i;

	(void)state;
	open_store(&st, "ids", 10);
	assert_int_equal(cs_store_new_id(&st, T0, a, sizeof(a)), 0);
	assert_string_equal(a, "20240102-030405-000");
	assert_int_equal(cs_store_new_id(&st, T0, b, sizeof(b)), 0);
	assert_string_equal(b, "20240102-030405-001");
	assert_int_equal(cs_store_new_id(&st, T0 + 1, c, sizeof(c)), 0);
	assert_string_equal(c, "20240102-030406-000");
	/* Across a day, a month and a year: still in order as strings. */
	assert_int_equal(cs_store_new_id(&st, 1704067199, d, sizeof(d)), 0);
	assert_string_equal(d, "20231231-235959-000");
	assert_int_equal(cs_store_new_id(&st, 1704067200, e, sizeof(e)), 0);
	assert_string_equal(e, "20240101-000000-000");
	assert_true(strcmp(a, b) < 0 && strcmp(b, c) < 0);
	assert_true(strcmp(d, e) < 0 && strcmp(e, a) < 0);
	assert_true(cs_loadtest_id_valid(a) && cs_loadtest_id_valid(e));
	assert_int_equal(cs_store_new_id(&st, T0, a, CS_STORE_ID_LEN), -EINVAL);

	/* A result left by an earlier serve in the same second. */
	touch(&st, "20240102-030500-007.json", "{}");
	assert_int_equal(cs_store_new_id(&st, T0 + 55, a, sizeof(a)), 0);
	assert_string_equal(a, "20240102-030500-008");
	cs_store_close(&st);

	/* 1000 IDs in one second, then no more. */
	open_store(&st, "ids-full", 10);
	for (i = 0; i < 1000; i++)
		assert_int_equal(cs_store_new_id(&st, T0, a, sizeof(a)), 0);
	assert_string_equal(a, "20240102-030405-999");
	assert_int_equal(cs_store_new_id(&st, T0, a, sizeof(a)), -EAGAIN);
	assert_int_equal(cs_store_new_id(&st, T0 + 1, a, sizeof(a)), 0);
	cs_store_close(&st);
}

static void test_save_list_read(void **state)
{
	struct cs_store st;
	char *buf, path[PATH_MAX];
	struct stat sb;
	json_t *arr, *o, *root;
	size_t len;

	(void)state;
	open_store(&st, "state/nested", 10);
	/* The state directory is private to the server. */
	snprintf(path, sizeof(path), "%s/state/nested", tmpdir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);

	arr = list(&st);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);

	save(&st, "20240102-030405-000", T0, 1000);
	save(&st, "20240102-030405-001", T0, 2000);
	save(&st, "20240103-000000-000", T0 + 86000, 3000);
	arr = list(&st);
	assert_int_equal(json_array_size(arr), 3);
	assert_string_equal(list_id(arr, 0), "20240103-000000-000");
	assert_string_equal(list_id(arr, 1), "20240102-030405-001");
	assert_string_equal(list_id(arr, 2), "20240102-030405-000");
	o = json_array_get(arr, 0);
	assert_int_equal(json_integer_value(json_object_get(o, "timestamp")),
			 T0 + 86000);
	assert_string_equal(json_string_value(json_object_get(o, "status")),
			    "complete");
	assert_int_equal(json_integer_value(json_object_get(o, "numCores")), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "maxUnits")),
			 3000);
	assert_string_equal(json_string_value(json_object_get(o, "engine")),
			    "user");
	assert_int_equal(json_object_size(o), 6);
	json_decref(arr);

	/* Read back: the file as saved, a pcd response at the top. */
	assert_int_equal(cs_store_read(&st, "20240102-030405-001", &buf, &len),
			 0);
	root = json_loadb(buf, len, 0, NULL);
	assert_non_null(root);
	assert_int_equal(json_integer_value(json_object_get(root, "maxUnits")),
			 2000);
	assert_int_equal(json_array_size(json_object_get(root, "results")), 2);
	json_decref(root);
	free(buf);
	assert_int_equal(cs_store_read(&st, "20240102-030405-002", &buf, &len),
			 -ENOENT);
	assert_int_equal(cs_store_read(&st, "nope", &buf, &len), -ENOENT);
	assert_int_equal(cs_store_read(&st, "../nested/x", &buf, &len),
			 -ENOENT);
	cs_store_close(&st);
}

static void test_prune(void **state)
{
	char id[32];
	struct cs_store st;
	json_t *arr;
	int i;

	(void)state;
	open_store(&st, "prune", 3);
	touch(&st, "notes.json", "{}");
	for (i = 0; i < 5; i++) {
		assert_int_equal(cs_store_new_id(&st, T0 + i, id, sizeof(id)), 0);
		save(&st, id, T0 + i, 100 * (i + 1));
	}
	assert_int_equal(cs_store_prune(&st), 2);
	assert_int_equal(cs_store_prune(&st), 0);
	assert_false(exists(&st, "20240102-030405-000.json"));
	assert_false(exists(&st, "20240102-030406-000.json"));
	assert_true(exists(&st, "20240102-030407-000.json"));
	assert_true(exists(&st, "notes.json"));
	arr = list(&st);
	assert_int_equal(json_array_size(arr), 3);
	assert_string_equal(list_id(arr, 0), "20240102-030409-000");
	assert_string_equal(list_id(arr, 2), "20240102-030407-000");
	json_decref(arr);
	cs_store_close(&st);
}

static void test_foreign_files(void **state)
{
	char path[PATH_MAX];
	struct cs_store st;
	const char *log;
	json_t *arr;
	int i;

	(void)state;
	open_store(&st, "foreign", 2);
	save(&st, "20240102-030405-000", T0, 1000);
	/* Not results: other names, temporary files of a save, an ID short. */
	touch(&st, "notes.json", "{\"cpustress\": {}}");
	touch(&st, "README", "hello");
	touch(&st, ".20240102-030405-001.json.AbC123", "{\"partial");
	touch(&st, "20240102-030405-01.json", "{}");
	touch(&st, "20240102-030405-001.json.bak", "{}");
	touch(&st, "20240102-030405-001.JSON", "{}");
	/* Results that cannot be read: skipped with a warning. */
	touch(&st, "20240102-030405-002.json", "{\"truncated\": ");
	touch(&st, "20240102-030405-003.json", "[1, 2]");
	assert_true(snprintf(path, sizeof(path), "%s/20240102-030405-004.json",
			     st.dir) < (int)sizeof(path));
	assert_int_equal(mkdir(path, 0700), 0);

	log_capture();
	arr = list(&st);
	log = log_release();
	assert_int_equal(json_array_size(arr), 1);
	assert_string_equal(list_id(arr, 0), "20240102-030405-000");
	json_decref(arr);
	for (i = 2; i <= 4; i++) {
		char name[PATH_MAX + 64];

		assert_true(snprintf(name, sizeof(name),
				     "skipped %s/20240102-030405-00%d.json",
				     st.dir, i) < (int)sizeof(name));
		if (!strstr(log, name))
			fail_msg("no warning for result %d in: %s", i, log);
	}
	assert_non_null(strstr(log, " warn listing results: "));
	assert_null(strstr(log, "notes.json"));
	assert_null(strstr(log, "README"));

	/* Pruning counts results only, and never touches the rest. */
	assert_int_equal(cs_store_prune(&st), 2);
	assert_true(exists(&st, "notes.json"));
	assert_true(exists(&st, "README"));
	assert_true(exists(&st, ".20240102-030405-001.json.AbC123"));
	assert_true(exists(&st, "20240102-030405-01.json"));
	assert_true(exists(&st, "20240102-030405-001.json.bak"));
	assert_false(exists(&st, "20240102-030405-000.json"));
	cs_store_close(&st);
}

static void test_open_errors(void **state)
{
	struct cs_store st;
	char path[PATH_MAX], err[CS_ERR_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/a-file", tmpdir);
	assert_int_equal(close(open(path, O_WRONLY | O_CREAT, 0600)), 0);
	assert_int_equal(cs_store_open(&st, path, 5, err, sizeof(err)),
			 -ENOTDIR);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "cannot create the state directory"));
	snprintf(path, sizeof(path), "%s/a-file/below", tmpdir);
	assert_true(cs_store_open(&st, path, 5, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, path));
	/* loadtests/ taken by a file */
	snprintf(path, sizeof(path), "%s/odd", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/odd/loadtests", tmpdir);
	assert_int_equal(close(open(path, O_WRONLY | O_CREAT, 0600)), 0);
	snprintf(path, sizeof(path), "%s/odd", tmpdir);
	assert_int_equal(cs_store_open(&st, path, 5, err, sizeof(err)),
			 -ENOTDIR);
	assert_non_null(strstr(err, "odd/loadtests"));
}

/* Whether <tmpdir>/@name exists. */
static bool in_tmp(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return access(path, F_OK) == 0;
}

/*
 * A server that fails to start removes what cs_store_open() made, and
 * only that: a directory that was there, or that holds a file, stays.
 */
static void test_unmake(void **state)
{
	struct cs_store st;
	char path[PATH_MAX];

	(void)state;
	open_store(&st, "new/a/b", 5);
	assert_true(in_tmp("new/a/b/loadtests"));
	cs_store_unmake(&st);
	cs_store_close(&st);
	assert_false(in_tmp("new"));
	cs_store_unmake(&st);	/* twice: nothing more */

	snprintf(path, sizeof(path), "%s/old", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	open_store(&st, "old", 5);
	cs_store_unmake(&st);
	cs_store_close(&st);
	assert_true(in_tmp("old"));
	assert_false(in_tmp("old/loadtests"));

	open_store(&st, "used/x", 5);
	touch(&st, "20240102-030405-000.json", "{}");
	cs_store_unmake(&st);
	cs_store_close(&st);
	assert_true(in_tmp("used/x/loadtests/20240102-030405-000.json"));

	/* A trailing slash names the same directory. */
	open_store(&st, "slash/", 5);
	cs_store_unmake(&st);
	cs_store_close(&st);
	assert_false(in_tmp("slash"));
}

static void test_is_result(void **state)
{
	(void)state;
	assert_true(cs_store_is_result("20240102-030405-000.json"));
	assert_false(cs_store_is_result("20240102-030405-000.json.tmp"));
	assert_false(cs_store_is_result(".20240102-030405-000.json"));
	assert_false(cs_store_is_result("20240102-030405-0000.json"));
	assert_false(cs_store_is_result("2024010a-030405-000.json"));
	assert_false(cs_store_is_result("20240102_030405-000.json"));
	assert_false(cs_store_is_result("20240102-030405-000"));
	assert_false(cs_store_is_result(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_order),
		cmocka_unit_test(test_save_list_read),
		cmocka_unit_test(test_prune),
		cmocka_unit_test(test_foreign_files),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_unmake),
		cmocka_unit_test(test_is_result),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
