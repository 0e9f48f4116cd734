// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress serve's request checks, without a server: the API key file
 * and the constant-time comparison, load-test IDs, the body of POST
 * /v1/loadtest (every bad field refused with its name), listen addresses,
 * and the options of `cpustress serve` with their environment fallbacks.
 */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "serve/serve.h"
#include "tmplog.h"

#define MAX_ARGS	32

/* --- helpers ----------------------------------------------------------- */

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static const char *keyfile(const char *text)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/keys", tmpdir);
	write_file(path, text, strlen(text));
	return path;
}

static int setup(void **state)
{
	(void)state;
	if (tmplog_setup("cs-serve-http"))
		return -1;
	cs_log_set_level(CS_LOG_DEBUG);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmplog_teardown();
}

/* --- API keys ---------------------------------------------------------- */

static void test_keys_parse(void **state)
{
	struct cs_apikeys *k = malloc(sizeof(*k));
	char err[CS_ERR_MAX];
	const char *log;

	(void)state;
	assert_non_null(k);
	log_capture();
	assert_int_equal(cs_apikeys_load(keyfile(
		"# the keys of this host\n"
		"\n"
		"   key-one-123   \n"
		"\tkey-two-456\r\n"
		"short\n"
		"   # an indented comment\n"
		"  \t \n"
		"key with spaces inside\n"
		"last-key-no-newline"), k, err, sizeof(err)), 0);
	log = log_release();
	assert_int_equal(k->n, 4);
	assert_string_equal(k->key[0], "key-one-123");
	assert_int_equal(k->len[0], 11);
	assert_string_equal(k->key[1], "key-two-456");
	assert_string_equal(k->key[2], "key with spaces inside");
	assert_string_equal(k->key[3], "last-key-no-newline");
	/* The short key is named by its line, and only it. */
	assert_non_null(strstr(log, "keys:5: a key of 5 characters, ignored"));
	assert_null(strstr(log, "keys:1:"));
	free(k);
}

static void test_keys_bounds(void **state)
{
	struct cs_apikeys *k = malloc(sizeof(*k));
	char err[CS_ERR_MAX], *text, path[PATH_MAX];
	const char *log;
	size_t off = 0;
	int i;

	(void)state;
	assert_non_null(k);
	text = calloc(1, CS_APIKEYS_FILE_MAX + 2);
	assert_non_null(text);

	/* 70 keys: the first 64 count, one warning for the rest. */
	for (i = 0; i < 70; i++)
		off += (size_t)sprintf(text + off, "key-number-%02d\n", i);
	log_capture();
	assert_int_equal(cs_apikeys_load(keyfile(text), k, err, sizeof(err)),
			 0);
	log = log_release();
	assert_int_equal(k->n, CS_APIKEYS_MAX);
	assert_string_equal(k->key[63], "key-number-63");
	assert_non_null(strstr(log, "keys:65: more than 64 keys"));
	assert_null(strstr(log, "keys:66:"));

	/* Too long a key. */
	memset(text, 'x', CS_APIKEY_MAX + 1);
	strcpy(text + CS_APIKEY_MAX + 1, "\ngood-key-1\n");
	log_capture();
	assert_int_equal(cs_apikeys_load(keyfile(text), k, err, sizeof(err)),
			 0);
	log = log_release();
	assert_int_equal(k->n, 1);
	assert_non_null(strstr(log, "keys:1: a key of 257 characters"));

	/* Exactly the size limit is read, one byte more is refused. */
	memset(text, '#', CS_APIKEYS_FILE_MAX);
	memcpy(text, "good-key-1\n", 11);
	text[CS_APIKEYS_FILE_MAX] = '\0';
	assert_int_equal(cs_apikeys_load(keyfile(text), k, err, sizeof(err)),
			 0);
	assert_int_equal(k->n, 1);
	text[CS_APIKEYS_FILE_MAX] = '#';
	assert_int_equal(cs_apikeys_load(keyfile(text), k, err, sizeof(err)),
			 -EFBIG);
	assert_non_null(strstr(err, "larger than 64 KiB"));

	/* Missing, and a directory. */
	snprintf(path, sizeof(path), "%s/no-such-file", tmpdir);
	assert_int_equal(cs_apikeys_load(path, k, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
	assert_int_equal(cs_apikeys_load(tmpdir, k, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	free(text);
	free(k);
}

static void test_ct_equal(void **state)
{
	(void)state;
	assert_true(cs_ct_equal("abcdefgh", 8, "abcdefgh", 8));
	assert_false(cs_ct_equal("Xbcdefgh", 8, "abcdefgh", 8));
	assert_false(cs_ct_equal("abcdefgX", 8, "abcdefgh", 8));
	assert_false(cs_ct_equal("abcdefg", 7, "abcdefgh", 8));
	assert_false(cs_ct_equal("abcdefgh", 8, "abcdefg", 7));
	assert_false(cs_ct_equal("abcdefgh\0", 9, "abcdefgh", 8));
	assert_true(cs_ct_equal("", 0, "", 0));
	assert_false(cs_ct_equal("", 0, "a", 1));
	assert_false(cs_ct_equal("a", 1, "", 0));
	/* Only the given lengths are looked at. */
	assert_true(cs_ct_equal("abcXYZ", 3, "abcdef", 3));
}

static void test_apikey_check(void **state)
{
	char msg[CS_ERR_MAX], path[PATH_MAX];
	const char *keys, *log;

	(void)state;
	keys = keyfile("# keys\ngood-key-1\nother-key-2\n");
	assert_int_equal(cs_apikey_check(keys, NULL, msg, sizeof(msg)),
			 CS_AUTH_MISSING);
	assert_string_equal(msg, "missing apikey header");
	assert_int_equal(cs_apikey_check(keys, "good-key-1", msg, sizeof(msg)),
			 CS_AUTH_OK);
	assert_int_equal(cs_apikey_check(keys, "other-key-2", msg,
					 sizeof(msg)), CS_AUTH_OK);
	assert_int_equal(cs_apikey_check(keys, "good-key-", msg, sizeof(msg)),
			 CS_AUTH_WRONG);
	assert_int_equal(cs_apikey_check(keys, "good-key-12", msg,
					 sizeof(msg)), CS_AUTH_WRONG);
	assert_int_equal(cs_apikey_check(keys, "", msg, sizeof(msg)),
			 CS_AUTH_WRONG);
	assert_int_equal(cs_apikey_check(keys, "# keys", msg, sizeof(msg)),
			 CS_AUTH_WRONG);
	assert_string_equal(msg, "wrong apikey");

	/* Keys added to the file count at once: it is read every time. */
	keys = keyfile("good-key-1\nnew-key-33\n");
	assert_int_equal(cs_apikey_check(keys, "new-key-33", msg, sizeof(msg)),
			 CS_AUTH_OK);

	/*
	 * No usable key: empty, comments and short keys only, missing. The
	 * client is told only that load tests are off; the path and how to
	 * add a key go to the log, a missing file told from an empty one.
	 */
	log_capture();
	keys = keyfile("");
	assert_int_equal(cs_apikey_check(keys, "good-key-1", msg, sizeof(msg)),
			 CS_AUTH_NO_KEYS);
	log = log_release();
	assert_string_equal(msg, "load tests are not enabled on this server (no API key is set up)");
	assert_null(strstr(msg, tmpdir));
	assert_non_null(strstr(log, "has no usable key"));
	assert_non_null(strstr(log, "echo KEY >> "));
	assert_non_null(strstr(log, keys));
	assert_non_null(strstr(log, "at least 8 characters"));
	log_capture();
	keys = keyfile("# none yet\nshort\n");
	assert_int_equal(cs_apikey_check(keys, "short", msg, sizeof(msg)),
			 CS_AUTH_NO_KEYS);
	log = log_release();
	assert_non_null(strstr(log, "has no usable key"));
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	log_capture();
	assert_int_equal(cs_apikey_check(path, "good-key-1", msg, sizeof(msg)),
			 CS_AUTH_NO_KEYS);
	log = log_release();
	assert_null(strstr(msg, path));
	assert_non_null(strstr(log, path));
	assert_non_null(strstr(log, "does not exist"));
}

/* A key file others can read or write is warned about on every read. */
static void test_apikey_mode(void **state)
{
	struct cs_apikeys k;
	char err[CS_ERR_MAX];
	const char *keys, *log;

	(void)state;
	keys = keyfile("good-key-1\n");
	assert_int_equal(chmod(keys, 0600), 0);
	log_capture();
	assert_int_equal(cs_apikeys_load(keys, &k, err, sizeof(err)), 0);
	log = log_release();
	assert_null(strstr(log, "mode"));
	assert_int_equal(chmod(keys, 0640), 0);
	log_capture();
	assert_int_equal(cs_apikeys_load(keys, &k, err, sizeof(err)), 0);
	log = log_release();
	assert_null(strstr(log, "mode"));
	assert_int_equal(chmod(keys, 0666), 0);
	log_capture();
	assert_int_equal(cs_apikeys_load(keys, &k, err, sizeof(err)), 0);
	log = log_release();
	assert_non_null(strstr(log, "is readable and writable by others (mode 0666): chmod 600"));
	assert_int_equal(k.n, 1);	/* still used: a warning, as ssh's */
	assert_int_equal(chmod(keys, 0604), 0);
	log_capture();
	assert_int_equal(cs_apikey_check(keys, "good-key-1", err, sizeof(err)),
			 CS_AUTH_OK);
	log = log_release();
	assert_non_null(strstr(log, "is readable by others (mode 0604)"));
	assert_int_equal(chmod(keys, 0600), 0);
}

/* --- IDs ------------------------------------------------------------- */

static void test_id_valid(void **state)
{
	char id[80];

	(void)state;
	assert_true(cs_loadtest_id_valid("20240102-030405-000"));
	assert_true(cs_loadtest_id_valid("a"));
	assert_true(cs_loadtest_id_valid("Run-42-x"));
	memset(id, 'a', 63);
	id[63] = '\0';
	assert_true(cs_loadtest_id_valid(id));
	id[63] = 'a';
	id[64] = '\0';
	assert_false(cs_loadtest_id_valid(id));
	assert_false(cs_loadtest_id_valid(""));
	assert_false(cs_loadtest_id_valid(".."));
	assert_false(cs_loadtest_id_valid("a/b"));
	assert_false(cs_loadtest_id_valid("../etc/passwd"));
	assert_false(cs_loadtest_id_valid("x.json"));
	assert_false(cs_loadtest_id_valid("a b"));
	assert_false(cs_loadtest_id_valid("a%2Fb"));
	assert_false(cs_loadtest_id_valid("a_b"));
	assert_false(cs_loadtest_id_valid("caf\xc3\xa9"));
}

/* --- POST /v1/loadtest body ------------------------------------------ */

static int plan(const char *body, struct cs_sweep_plan *p, char *err,
		size_t errlen)
{
	return cs_loadtest_plan_parse(body, strlen(body), p, err, errlen);
}

static void test_plan_default(void **state)
{
	struct cs_sweep_plan p, q;
	char err[CS_ERR_MAX];
	uint32_t i;

	(void)state;
	assert_int_equal(plan("", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, CS_SWEEP_BUSY);
	assert_int_equal(p.nlevels, 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(p.levels[i], 10 * (i + 1));
	assert_int_equal(p.runs, CS_SWEEP_RUNS_DEF);
	assert_int_equal(p.duration_ms, CS_SWEEP_WINDOW_MS_DEF);
	assert_int_equal(p.warmup_ms, CS_SWEEP_SETTLE_MS_DEF);
	assert_int_equal(p.time_limit_ms, CS_LOADTEST_LIMIT_S * 1000);
	assert_string_equal(p.cpus, "all");
	assert_true(p.level_timeout_ms > p.warmup_ms + p.duration_ms);
	/* The default (40 windows of 2.5 s) fits the limit with room to spare. */
	assert_int_equal(cs_sweep_estimate_ms(&p), 100000);
	assert_true(cs_sweep_estimate_ms(&p) + 15000 <
		    CS_LOADTEST_LIMIT_S * 1000ULL);
	assert_int_equal(plan("{}", &q, err, sizeof(err)), 0);
	assert_memory_equal(&p, &q, sizeof(p));
	assert_int_equal(plan(" { } \n", &q, err, sizeof(err)), 0);
}

static void test_plan_fields(void **state)
{
	struct cs_sweep_plan p;
	char err[CS_ERR_MAX];

	(void)state;
	assert_int_equal(plan("{\"busy\": [50, 100], \"duration\": 1, \"warmup\": 0, \"runs\": 2, \"cpus\": \"0-1\"}",
			      &p, err, sizeof(err)), 0);
	assert_int_equal(p.nlevels, 2);
	assert_int_equal(p.levels[0], 50);
	assert_int_equal(p.levels[1], 100);
	assert_int_equal(p.duration_ms, 1000);
	assert_int_equal(p.warmup_ms, 0);
	assert_int_equal(p.runs, 2);
	assert_string_equal(p.cpus, "0-1");
	assert_int_equal(p.level_timeout_ms, 2 * 1000 + 10000);
	/* Each limit, exactly (1 level, 1 run: 3 windows with references). */
	assert_int_equal(plan("{\"busy\": [1], \"duration\": 30, \"warmup\": 0, \"runs\": 1}",
			      &p, err, sizeof(err)), 0);
	assert_int_equal(plan("{\"busy\": [1], \"duration\": 1, \"warmup\": 10, \"runs\": 4}",
			      &p, err, sizeof(err)), 0);
	assert_int_equal(plan("{\"busy\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20], \"duration\": 1, \"warmup\": 0}",
			      &p, err, sizeof(err)), 0);
	assert_int_equal(p.nlevels, 20);
	assert_int_equal(plan("{\"cpus\": \"all\"}", &p, err, sizeof(err)), 0);
}

static void test_plan_bad(void **state)
{
	static const struct {
		const char *body;
		const char *msg;
	} bad[] = {
		{ "{", "not valid JSON" },
		{ "nonsense", "not valid JSON" },
		{ "[50, 100]", "must be a JSON object" },
		{ "\"busy\"", "must be a JSON object" },
		{ "{\"busy\": [50], \"busy\": [60]}", "not valid JSON" },
		{ "{\"speed\": 3}", "unknown field 'speed'" },
		{ "{\"Busy\": [50]}", "unknown field 'Busy'" },
		{ "{\"busy\": 50}", "field busy: expected an array" },
		{ "{\"busy\": []}", "field busy: expected an array of 1 to 20" },
		{ "{\"busy\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21]}",
		  "field busy: expected an array of 1 to 20" },
		{ "{\"busy\": [0]}", "field busy[0]: 0 is out of range 1..100" },
		{ "{\"busy\": [50, 101]}", "field busy[1]: 101 is out of range" },
		{ "{\"busy\": [50, 50]}", "field busy: values must go strictly up (50 after 50)" },
		{ "{\"busy\": [60, 50]}", "strictly up" },
		{ "{\"busy\": [50.5]}", "field busy[0]: expected an integer" },
		{ "{\"busy\": [\"50\"]}", "field busy[0]: expected an integer" },
		{ "{\"duration\": 0}", "field duration: 0 is out of range 1..30" },
		{ "{\"duration\": 31}", "field duration: 31 is out of range 1..30" },
		{ "{\"duration\": \"5\"}", "field duration: expected an integer" },
		{ "{\"duration\": 5.5}", "field duration: expected an integer" },
		{ "{\"duration\": null}", "field duration: expected an integer" },
		{ "{\"warmup\": 11}", "field warmup: 11 is out of range 0..10" },
		{ "{\"warmup\": -1}", "field warmup: -1 is out of range" },
		{ "{\"runs\": 0}", "field runs: 0 is out of range 1..5" },
		{ "{\"runs\": 6}", "field runs: 6 is out of range 1..5" },
		{ "{\"runs\": true}", "field runs: expected an integer" },
		{ "{\"cpus\": 3}", "field cpus: expected a string" },
		{ "{\"cpus\": \"0-\"}", "field cpus: '0-' is not a CPU list" },
		{ "{\"cpus\": \"\"}", "field cpus: '' is not a CPU list" },
		{ "{\"cpus\": \"1,a\"}", "field cpus: '1,a' is not a CPU list" },
		/* (10 levels x 2 runs + 7 references) x 9.5 s: 256 s */
		{ "{\"runs\": 2, \"duration\": 9}", "the plan takes about 256 s" },
		{ "{\"busy\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20], \"duration\": 5, \"warmup\": 1}",
		  "more than the 115 s a load test may take" },
	};
	struct cs_sweep_plan p;
	char err[CS_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (plan(bad[i].body, &p, err, sizeof(err)) != -EINVAL ||
		    !strstr(err, bad[i].msg))
			fail_msg("body %s: got '%s', want '%s'", bad[i].body,
				 err, bad[i].msg);
	}
	/* A body with a NUL byte in it is not JSON. */
	assert_int_equal(cs_loadtest_plan_parse("{}\0{}", 5, &p, err,
						sizeof(err)), -EINVAL);
}

/* --- listen addresses -------------------------------------------------- */

static void test_listen(void **state)
{
	static const struct {
		const char *s;
		const char *host;
		unsigned int port;
		bool v6;
	} good[] = {
		{ "0.0.0.0:8080", "0.0.0.0", 8080, false },
		{ "127.0.0.1:0", "127.0.0.1", 0, false },
		{ "[::1]:9090", "::1", 9090, true },
		{ "[::]:80", "::", 80, true },
		{ "[fe80::1%eth0]:80", NULL, 0, false },	/* refused */
		{ ":8080", "", 8080, false },
		{ "localhost:65535", "localhost", 65535, false },
		{ "host-1.example.org:1", "host-1.example.org", 1, false },
	};
	static const struct {
		const char *s;
		const char *msg;
	} bad[] = {
		{ "8080", "'8080' has no port" },
		{ "::1:8080", "put an IPv6 address in brackets" },
		{ "[::1]", "'[::1]' is not [IPV6ADDR]:PORT" },
		{ "[::1]8080", "is not [IPV6ADDR]:PORT" },
		{ "[zz]:80", "'zz' is not an IPv6 address" },
		{ "[127.0.0.1]:80", "is not an IPv6 address" },
		{ "1.2.3.4:", "the port '' is not a number" },
		{ "1.2.3.4:65536", "the port '65536' is not a number in 0..65535" },
		{ "1.2.3.4:-1", "the port '-1'" },
		{ "1.2.3.4:80x", "the port '80x'" },
		{ "host name:80", "'host name' is not an address or a host name" },
		{ "-host:80", "is not an address or a host name" },
		{ "", "has no port" },
		/* A URL is named as one, its HOST:PORT the example. */
		{ "http://127.0.0.1:18558",
		  "'http://127.0.0.1:18558' is a URL; give HOST:PORT, for example 127.0.0.1:18558" },
		{ "http://[::1]:9090/metrics", "is a URL; give HOST:PORT, for example [::1]:9090" },
		{ "https://localhost", "is a URL; give HOST:PORT, [IPV6ADDR]:PORT or :PORT, for example 127.0.0.1:8080" },
		{ "://", "is a URL; give HOST:PORT, [IPV6ADDR]:PORT" },
	};
	struct cs_listen l;
	char err[CS_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int ret = cs_listen_parse(good[i].s, &l, err, sizeof(err));

		if (!good[i].host) {
			assert_int_equal(ret, -EINVAL);
			continue;
		}
		if (ret)
			fail_msg("%s: %s", good[i].s, err);
		assert_string_equal(l.host, good[i].host);
		assert_int_equal(l.port, good[i].port);
		assert_int_equal(l.v6, good[i].v6);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (cs_listen_parse(bad[i].s, &l, err, sizeof(err)) != -EINVAL ||
		    !strstr(err, bad[i].msg))
			fail_msg("%s: got '%s', want '%s'", bad[i].s, err,
				 bad[i].msg);
	}
}

static void test_listen_open(void **state)
{
	char desc[64], err[CS_ERR_MAX], spec[64];
	unsigned int port;
	int fd, fd2;

	(void)state;
	fd = cs_listen_open("127.0.0.1:0", desc, sizeof(desc), err,
			    sizeof(err));
	if (fd < 0)
		fail_msg("%s", err);
	assert_int_equal(sscanf(desc, "127.0.0.1:%u", &port), 1);
	assert_true(port > 0 && port < 65536);
	/* The same port again: refused, saying why and what to do. */
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", port);
	fd2 = cs_listen_open(spec, desc, sizeof(desc), err, sizeof(err));
	assert_int_equal(fd2, -EADDRINUSE);
	assert_non_null(strstr(err, spec));
	assert_non_null(strstr(err, "choose another with --listen"));
	close(fd);
	fd = cs_listen_open("localhost:0", desc, sizeof(desc), err,
			    sizeof(err));
	if (fd < 0)
		fail_msg("%s", err);
	close(fd);
	assert_int_equal(cs_listen_open("nope", desc, sizeof(desc), err,
					sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'nope' has no port"));
	/* IPv6 loopback, where the host has it. */
	if (access("/proc/net/if_inet6", F_OK))
		return;
	fd = cs_listen_open("[::1]:0", desc, sizeof(desc), err, sizeof(err));
	if (fd < 0)
		fail_msg("%s", err);
	assert_int_equal(sscanf(desc, "[::1]:%u", &port), 1);
	close(fd);
}

/* --- cpustress serve options ---------------------------------------- */

static void clear_env(void)
{
	unsetenv("LISTENADDRESS");
	unsetenv("PCD_LOGLEVEL");
	unsetenv("STATE_DIRECTORY");
	setenv("HOME", "/home/tester", 1);
}

/* "serve --busy 5" split at spaces. */
static enum cs_parse serve_args(const char *cmdline, struct cs_serve_opts *o,
				char *err, size_t errlen)
{
	char line[512], *argv[MAX_ARGS], *tok;
	int argc = 0;

	snprintf(line, sizeof(line), "%s", cmdline);
	for (tok = strtok(line, " "); tok && argc < MAX_ARGS - 1;
	     tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return parse_serve_args(argc, argv, o, err, errlen);
}

static void test_serve_defaults(void **state)
{
	struct cs_serve_opts o;
	char err[CS_ERR_MAX];

	(void)state;
	clear_env();
	assert_int_equal(serve_args("serve", &o, err, sizeof(err)),
			 CS_PARSE_OK);
	assert_string_equal(o.listen, "0.0.0.0:8080");
	assert_string_equal(o.apikey_file, "/home/tester/.pcd/apikeys");
	assert_string_equal(o.state_dir, getuid() == 0 ?
			    "/var/lib/cpustress" :
			    "/home/tester/.local/state/cpustress");
	assert_int_equal(o.log_level, CS_LOG_INFO);
	assert_string_equal(o.engine, "kernel");
	assert_false(o.load);
	assert_int_equal(o.busy_pct, 100);
	assert_string_equal(o.cpus, "all");
	assert_int_equal(o.max_conns, CS_SERVE_CONNS_DEFAULT);
	assert_int_equal(o.max_per_ip, CS_SERVE_CONNS_PER_IP_DEFAULT);
	assert_int_equal(o.timeout_s, CS_SERVE_TIMEOUT_DEFAULT);
	assert_int_equal(o.keep, CS_SERVE_KEEP_DEFAULT);
	assert_int_equal(serve_args("serve -h", &o, err, sizeof(err)),
			 CS_PARSE_HELP);
	assert_int_equal(serve_args("serve --help", &o, err, sizeof(err)),
			 CS_PARSE_HELP);
}

static void test_serve_options(void **state)
{
	struct cs_serve_opts o;
	char err[CS_ERR_MAX];

	(void)state;
	clear_env();
	assert_int_equal(serve_args("serve --listen [::1]:9000 --apikey-file ~/k --state-dir /srv/cs --log-level DEBUG --engine user --load --busy 40 --cpus 0-1 --max-connections 10 --max-per-ip 2 --request-timeout 3 --keep 7",
				    &o, err, sizeof(err)), CS_PARSE_OK);
	assert_string_equal(o.listen, "[::1]:9000");
	assert_string_equal(o.apikey_file, "/home/tester/k");
	assert_string_equal(o.state_dir, "/srv/cs");
	assert_int_equal(o.log_level, CS_LOG_DEBUG);
	assert_string_equal(o.engine, "user");
	assert_true(o.load);
	assert_int_equal(o.busy_pct, 40);
	assert_string_equal(o.cpus, "0-1");
	assert_int_equal(o.max_conns, 10);
	assert_int_equal(o.max_per_ip, 2);
	assert_int_equal(o.timeout_s, 3);
	assert_int_equal(o.keep, 7);
	assert_int_equal(serve_args("serve --listen=:80 --log-level=warning",
				    &o, err, sizeof(err)), CS_PARSE_OK);
	assert_string_equal(o.listen, ":80");
	assert_int_equal(o.log_level, CS_LOG_WARN);
}

static void test_serve_env(void **state)
{
	struct cs_serve_opts o;
	char err[CS_ERR_MAX];

	(void)state;
	clear_env();
	setenv("LISTENADDRESS", ":9100", 1);
	setenv("PCD_LOGLEVEL", "error", 1);
	setenv("STATE_DIRECTORY", "/var/lib/cpustress:/var/lib/other", 1);
	assert_int_equal(serve_args("serve", &o, err, sizeof(err)),
			 CS_PARSE_OK);
	assert_string_equal(o.listen, ":9100");
	assert_int_equal(o.log_level, CS_LOG_ERROR);
	assert_string_equal(o.state_dir, "/var/lib/cpustress");
	/* The command line wins over the environment. */
	assert_int_equal(serve_args("serve --listen 127.0.0.1:1 --log-level info --state-dir /x",
				    &o, err, sizeof(err)), CS_PARSE_OK);
	assert_string_equal(o.listen, "127.0.0.1:1");
	assert_int_equal(o.log_level, CS_LOG_INFO);
	assert_string_equal(o.state_dir, "/x");
	/* An empty variable is no variable. */
	setenv("LISTENADDRESS", "", 1);
	setenv("PCD_LOGLEVEL", "", 1);
	assert_int_equal(serve_args("serve", &o, err, sizeof(err)),
			 CS_PARSE_OK);
	assert_string_equal(o.listen, "0.0.0.0:8080");
	assert_int_equal(o.log_level, CS_LOG_INFO);
	/* Bad values from the environment name the variable and the value. */
	setenv("LISTENADDRESS", "nowhere", 1);
	assert_int_equal(serve_args("serve", &o, err, sizeof(err)),
			 CS_PARSE_ERR);
	assert_non_null(strstr(err, "LISTENADDRESS: 'nowhere' has no port"));
	/* ... unless the command line overrides them. */
	assert_int_equal(serve_args("serve --listen :1", &o, err, sizeof(err)),
			 CS_PARSE_OK);
	unsetenv("LISTENADDRESS");
	setenv("PCD_LOGLEVEL", "verbose", 1);
	assert_int_equal(serve_args("serve", &o, err, sizeof(err)),
			 CS_PARSE_ERR);
	assert_non_null(strstr(err, "PCD_LOGLEVEL: 'verbose'"));
	assert_int_equal(serve_args("serve --log-level debug", &o, err,
				    sizeof(err)), CS_PARSE_OK);
	assert_int_equal(o.log_level, CS_LOG_DEBUG);
	clear_env();
}

static void test_serve_bad(void **state)
{
	static const struct {
		const char *args;
		const char *msg;
	} bad[] = {
		{ "serve --listen 8080", "--listen: '8080' has no port" },
		{ "serve --listen ::1:80", "--listen: '::1:80': put an IPv6" },
		{ "serve --listen 1.2.3.4:99999", "'99999' is not a number in 0..65535" },
		{ "serve --log-level loud", "--log-level: 'loud' is not error, warn, info or debug" },
		{ "serve --engine gpu", "--engine: 'gpu' is not kernel or user" },
		{ "serve --busy 50", "add --load" },
		{ "serve --cpus 0", "add --load" },
		{ "serve --load --busy 0", "--busy: 0 is out of range 1..100" },
		{ "serve --load --cpus 0-", "--cpus:" },
		{ "serve --max-connections 0", "--max-connections: 0 is out of range" },
		{ "serve --max-per-ip x", "--max-per-ip: 'x' is not a number" },
		{ "serve --request-timeout 0", "--request-timeout: 0 is out of range 1..3600" },
		{ "serve --keep 0", "--keep: 0 is out of range 1..10000" },
		{ "serve --keep 10001", "--keep: 10001 is out of range" },
		{ "serve --load --load", "given twice" },
		{ "serve --port 80", "unknown option '--port'" },
		{ "serve extra", "unexpected argument 'extra'" },
		{ "serve --listen", "needs a value" },
	};
	struct cs_serve_opts o;
	char err[CS_ERR_MAX];
	size_t i;

	(void)state;
	clear_env();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (serve_args(bad[i].args, &o, err, sizeof(err)) !=
		    CS_PARSE_ERR || !strstr(err, bad[i].msg))
			fail_msg("%s: got '%s', want '%s'", bad[i].args, err,
				 bad[i].msg);
	}
}

static void test_log_level(void **state)
{
	enum cs_log_level l = CS_LOG_ERROR;
	const char *log;

	(void)state;
	assert_int_equal(cs_log_level_parse("Warn", &l), 0);
	assert_int_equal(l, CS_LOG_WARN);
	assert_int_equal(cs_log_level_parse("WARNING", &l), 0);
	assert_int_equal(l, CS_LOG_WARN);
	assert_int_equal(cs_log_level_parse("trace", &l), -EINVAL);
	assert_int_equal(cs_log_level_parse("", &l), -EINVAL);

	/* One line each, time first, below the level only. */
	log_capture();
	cs_log_set_level(CS_LOG_WARN);
	cs_log(CS_LOG_WARN, "shown %d", 1);
	cs_log(CS_LOG_INFO, "hidden");
	cs_log(CS_LOG_ERROR, "two\nlines");
	cs_log_set_level(CS_LOG_DEBUG);
	log = log_release();
	assert_non_null(strstr(log, "Z warn shown 1\n"));
	assert_non_null(strstr(log, "Z error two\n"));
	assert_null(strstr(log, "hidden"));
	assert_null(strstr(log, "lines"));
	assert_true(log[4] == '-' && log[10] == 'T');
}

static void test_json_error(void **state)
{
	char *s;

	(void)state;
	s = cs_json_error("a \"quoted\"\nmessage", NULL);
	assert_non_null(s);
	assert_string_equal(s, "{\"error\":\"a \\\"quoted\\\"\\nmessage\"}\n");
	free(s);
	s = cs_json_error("busy", "20240101-000000-000");
	assert_non_null(s);
	assert_string_equal(s, "{\"error\":\"busy\",\"id\":\"20240101-000000-000\"}\n");
	free(s);
}

/* Every 409 has the same keys: the running load test's ID, or null. */
static void test_json_conflict(void **state)
{
	static const char *const none[] = { NULL, "" };
	unsigned int i;
	char *s;

	(void)state;
	s = cs_json_conflict("a load test is already running",
			     "20240101-000000-000");
	assert_non_null(s);
	assert_string_equal(s, "{\"error\":\"a load test is already running\",\"id\":\"20240101-000000-000\"}\n");
	free(s);
	for (i = 0; i < 2; i++) {
		s = cs_json_conflict("load test X is not running", none[i]);
		assert_non_null(s);
		assert_string_equal(s, "{\"error\":\"load test X is not running\",\"id\":null}\n");
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_parse),
		cmocka_unit_test(test_keys_bounds),
		cmocka_unit_test(test_ct_equal),
		cmocka_unit_test(test_apikey_check),
		cmocka_unit_test(test_apikey_mode),
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_plan_default),
		cmocka_unit_test(test_plan_fields),
		cmocka_unit_test(test_plan_bad),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_listen_open),
		cmocka_unit_test(test_serve_defaults),
		cmocka_unit_test(test_serve_options),
		cmocka_unit_test(test_serve_env),
		cmocka_unit_test(test_serve_bad),
		cmocka_unit_test(test_log_level),
		cmocka_unit_test(test_json_error),
		cmocka_unit_test(test_json_conflict),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
