// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The shared user engine's protocol: what a request must be to be
 * answered, where the socket is, and which directories it may live in.
 */
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/user_proto.h"

static int check(const struct up_req *r, size_t n, int trunc, char *err)
{
	err[0] = '\0';
	return up_req_check(r, n, trunc, err, CS_ERR_MAX);
}

static void test_req_good(void **state)
{
	struct cs_settings s;
	struct up_req r, back;
	char err[CS_ERR_MAX];

	(void)state;
	up_req_init(&r, UP_START);
	assert_int_equal(check(&r, sizeof(r), 0, err), 0);

	cs_settings_init(&s);
	s.busy_pct = 30;
	s.period_ms = 200;
	s.cpus = "0-1";
	s.owned = true;
	assert_int_equal(up_req_settings(&r, &s), 0);
	assert_int_equal(check(&r, sizeof(r), 0, err), 0);
	back = r;
	up_req_to_settings(&back, &s);
	assert_int_equal(s.busy_pct, 30);
	assert_int_equal(s.period_ms, 200);
	assert_int_equal(s.interval_ms, CS_UNSET);
	assert_true(s.owned);
	assert_string_equal(s.cpus, "0-1");

	up_req_init(&r, UP_NEXT_SAMPLE);
	r.timeout_ms = UP_WAIT_MAX_MS;
	assert_int_equal(check(&r, sizeof(r), 0, err), 0);
}

/* Each refusal is -EBADMSG with a sentence that names what is wrong. */
static void want_bad(const struct up_req *r, size_t n, int trunc,
		     const char *why)
{
	char err[CS_ERR_MAX];

	assert_int_equal(check(r, n, trunc, err), -EBADMSG);
	if (!strstr(err, why))
		fail_msg("error '%s' does not say '%s'", err, why);
	assert_non_null(strstr(err, "bad request"));
}

static void test_req_bad(void **state)
{
	struct up_req r;

	(void)state;
	up_req_init(&r, UP_STATUS);
	want_bad(&r, sizeof(r) - 1, 0, "a request is");
	want_bad(&r, 3, 0, "3 bytes");
	want_bad(&r, sizeof(r) + 1, 1, "more than");

	r.magic ^= 1;
	want_bad(&r, sizeof(r), 0, "magic");
	up_req_init(&r, UP_STATUS);
	r.version = UP_VERSION + 1;
	want_bad(&r, sizeof(r), 0, "protocol version");
	up_req_init(&r, 0);
	want_bad(&r, sizeof(r), 0, "unknown operation 0");
	up_req_init(&r, UP_OP_END);
	want_bad(&r, sizeof(r), 0, "unknown operation");
	up_req_init(&r, UP_START);
	r.flags = 0x80;
	want_bad(&r, sizeof(r), 0, "unknown flags 0x80");
	up_req_init(&r, UP_START);
	memset(r.cpus, '1', sizeof(r.cpus));
	want_bad(&r, sizeof(r), 0, "not a terminated string");
	up_req_init(&r, UP_NEXT_SAMPLE);
	r.timeout_ms = -1;
	want_bad(&r, sizeof(r), 0, "wait of -1 ms");
	r.timeout_ms = UP_WAIT_MAX_MS + 1;
	want_bad(&r, sizeof(r), 0, "the longest is");
}

static void test_req_cpus_too_long(void **state)
{
	char cpus[CS_CPULIST_MAX + 1];
	struct cs_settings s;
	struct up_req r;

	(void)state;
	memset(cpus, '1', sizeof(cpus) - 1);
	cpus[sizeof(cpus) - 1] = '\0';
	cs_settings_init(&s);
	s.cpus = cpus;
	up_req_init(&r, UP_SET);
	assert_int_equal(up_req_settings(&r, &s), -E2BIG);
}

static void test_changes(void **state)
{
	(void)state;
	assert_true(up_op_changes(UP_SET));
	assert_true(up_op_changes(UP_START));
	assert_true(up_op_changes(UP_STOP));
	assert_true(up_op_changes(UP_RESET_STATS));
	assert_false(up_op_changes(UP_STATUS));
	assert_false(up_op_changes(UP_SNAPSHOT));
	assert_false(up_op_changes(UP_NEXT_SAMPLE));
}

static void test_sock_path(void **state)
{
	char path[UP_PATH_MAX], err[CS_ERR_MAX], longp[UP_PATH_MAX + 8];

	(void)state;
	setenv(UP_SOCK_ENV, "/tmp/x/user.sock", 1);
	assert_int_equal(up_sock_path(path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(path, "/tmp/x/user.sock");

	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	setenv(UP_SOCK_ENV, longp, 1);
	assert_int_equal(up_sock_path(path, sizeof(path), err, sizeof(err)),
			 -ENAMETOOLONG);
	assert_non_null(strstr(err, UP_SOCK_ENV));

	unsetenv(UP_SOCK_ENV);
	assert_int_equal(up_sock_path(path, sizeof(path), err, sizeof(err)), 0);
	if (!geteuid())
		assert_string_equal(path, UP_SOCK_HOST);
	else
		assert_non_null(strstr(path, "/cpustress"));
}

static void test_dir_check(void **state)
{
	char dir[] = "/tmp/cs-user-proto.XXXXXX", sock[128], link[64];
	char err[CS_ERR_MAX];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/user.sock", dir);
	assert_int_equal(up_dir_check(sock, geteuid(), err, sizeof(err)), 0);

	/* Writable by others: anyone could put a socket of theirs there. */
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(up_dir_check(sock, geteuid(), err, sizeof(err)),
			 -EPERM);
	assert_non_null(strstr(err, "mode 777"));
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(up_dir_check(sock, geteuid(), err, sizeof(err)), 0);
	/* Someone else's directory (root can make one to try). */
	if (!geteuid() && !chown(dir, 65534, 65534)) {
		assert_int_equal(up_dir_check(sock, 65534, err, sizeof(err)),
				 0);
		/* Not even root trusts another user's directory. */
		assert_int_equal(up_dir_check(sock, 0, err, sizeof(err)),
				 -EPERM);
		assert_non_null(strstr(err, "it is uid 65534"));
		assert_int_equal(up_dir_check(sock, 1000, err, sizeof(err)),
				 -EPERM);
		assert_int_equal(chown(dir, 0, 0), 0);
	}

	/* A symlink in its place is refused, not followed. */
	snprintf(link, sizeof(link), "%s.l", dir);
	assert_int_equal(symlink(dir, link), 0);
	snprintf(sock, sizeof(sock), "%s/user.sock", link);
	assert_int_equal(up_dir_check(sock, geteuid(), err, sizeof(err)),
			 -ENOTDIR);
	assert_non_null(strstr(err, "symlink"));
	unlink(link);

	/* No directory yet: -ENOENT, the client's "no engine process". */
	snprintf(sock, sizeof(sock), "%s/none/user.sock", dir);
	assert_int_equal(up_dir_check(sock, geteuid(), err, sizeof(err)),
			 -ENOENT);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_req_good),
		cmocka_unit_test(test_req_bad),
		cmocka_unit_test(test_req_cpus_too_long),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_sock_path),
		cmocka_unit_test(test_dir_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
