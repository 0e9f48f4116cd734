// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress fleet serve's aggregation: GET /v1/fleet from a round of
 * polls (rows, ratio to the median, verdicts, labels, costs, a down host
 * with its reason), GET /v1/fleet/loadtests merged from every host's
 * answer (newest first, each with its host; garbage, an error status and
 * a dead host each the host's own error), and the fan-out's limits
 * against loopback hosts answering well, hugely and garbage.
 */
#include "unit.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fleet/fleet.h"

static json_t *parse(char *s)
{
	json_t *o;

	assert_non_null(s);
	o = json_loads(s, 0, NULL);
	free(s);
	assert_non_null(o);
	return o;
}

static void running(struct cs_fleet_stats *st, double ops, uint32_t cpus,
		    double steal)
{
	memset(st, 0, sizeof(*st));
	st->state = CS_FLEET_RUNNING;
	st->ops = ops;
	st->ncpus = st->loaded = cpus;
	st->per_cpu = ops / cpus;
	st->steal = steal;
	snprintf(st->hostname, sizeof(st->hostname), "h");
}

static void test_render(void **state)
{
	static struct cs_fleet_targets ts;
	static struct cs_fleet_host hosts[3];
	struct cs_fleet_stats polled[3];
	struct cs_fleet_round r;
	json_t *o, *h;
	char err[256];
	int i;
	static const char doc[] =
		"[{\"targets\":[\"a:1\",\"b:2\"],\"labels\":{\"cost_per_hour\":\"0.5\",\"zone\":\"z1\"}},"
		"{\"targets\":[\"c:3\"]}]";

	if (cs_fleet_targets_parse(&ts, doc, strlen(doc), "t", err, sizeof(err)))
		fail_msg("%s", err);
	(void)state;
	assert_int_equal(ts.n, 3);
	running(&polled[0], 400, 2, 0);
	running(&polled[1], 100, 2, 0.3);
	memset(&polled[2], 0, sizeof(polled[2]));
	snprintf(polled[2].err, sizeof(polled[2].err), "Connection refused");
	for (i = 0; i < CS_FLEET_WINDOW; i++)
		cs_fleet_update(hosts, 3, polled, &r);
	o = parse(cs_fleet_render(&ts, hosts, &r, 7));
	assert_int_equal(json_integer_value(json_object_get(o, "round")), 7);
	assert_true(json_real_value(json_object_get(o, "total")) == 500);
	assert_true(json_real_value(json_object_get(o, "median")) == 125);
	h = json_array_get(json_object_get(o, "hosts"), 0);
	assert_string_equal(json_string_value(json_object_get(h, "host")), "a:1");
	assert_string_equal(json_string_value(json_object_get(h, "verdict")), "ok");
	assert_true(json_real_value(json_object_get(h, "ratio")) == 1.6);
	assert_true(json_real_value(json_object_get(h, "costPerHour")) == 0.5);
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(h, "labels"), "zone")), "z1");
	h = json_array_get(json_object_get(o, "hosts"), 1);
	assert_string_equal(json_string_value(json_object_get(h, "verdict")),
			    "THROTTLED (slow,steal)");
	assert_true(json_is_true(json_object_get(h, "throttled")));
	h = json_array_get(json_object_get(o, "hosts"), 2);
	assert_string_equal(json_string_value(json_object_get(h, "state")), "down");
	assert_string_equal(json_string_value(json_object_get(h, "error")),
			    "Connection refused");
	assert_true(json_is_null(json_object_get(h, "ratio")));
	assert_true(json_is_null(json_object_get(h, "costPerHour")));
	json_decref(o);
}

static void answer(struct cs_fleet_answer *a, unsigned int status,
		   const char *body)
{
	memset(a, 0, sizeof(*a));
	a->resp.status = status;
	a->resp.body = strdup(body);
	a->resp.len = strlen(body);
}

static void test_merge(void **state)
{
	static struct cs_fleet_targets ts;
	struct cs_fleet_answer a[6];
	const char *names[] = { "a:1", "b:2", "c:3", "d:4", "e:5", "f:6" };
	json_t *o, *l, *errs;
	char err[256];
	int i;

	(void)state;
	for (i = 0; i < 6; i++)
		assert_int_equal(cs_fleet_target_add(&ts, names[i], err, sizeof(err)), 0);
	answer(&a[0], 200, "[{\"id\":\"r-1\",\"timestamp\":100},{\"id\":\"r-3\",\"timestamp\":300}]");
	answer(&a[1], 200, "[{\"id\":\"r-2\",\"timestamp\":200}]");
	answer(&a[2], 200, "<html>garbage");
	answer(&a[3], 500, "{\"error\":\"x\"}");
	memset(&a[4], 0, sizeof(a[4]));
	a[4].ret = -27;
	snprintf(a[4].err, sizeof(a[4].err), "the answer is larger than 1048576 bytes");
	answer(&a[5], 200, "[{\"id\":\"../../etc/passwd\",\"timestamp\":900}]");
	o = parse(cs_fleet_merge_lists(&ts, a));
	l = json_object_get(o, "loadtests");
	assert_int_equal(json_array_size(l), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 0), "id")), "r-3");
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 0), "host")), "a:1");
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 1), "host")), "b:2");
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 2), "id")), "r-1");
	errs = json_object_get(o, "errors");
	assert_int_equal(json_object_size(errs), 4);
	assert_non_null(strstr(json_string_value(json_object_get(errs, "c:3")), "not a JSON array"));
	assert_non_null(strstr(json_string_value(json_object_get(errs, "d:4")), "HTTP 500"));
	assert_non_null(strstr(json_string_value(json_object_get(errs, "e:5")), "larger than"));
	assert_non_null(strstr(json_string_value(json_object_get(errs, "f:6")), "no valid \"id\""));
	json_decref(o);
	for (i = 0; i < 6; i++)
		cs_http_resp_free(&a[i].resp);
}

/* --- the fan-out against loopback hosts ------------------------------ */

struct host {
	int fd;
	uint16_t port;
	const char *head;
	size_t repeat;		/* then this many 64 KiB chunks of 'x' */
	pthread_t th;
};

static void *host_thread(void *arg)
{
	static const char chunk[65536];
	struct host *h = arg;
	char buf[4096];
	size_t i;
	int c = accept(h->fd, NULL, NULL);

	if (c < 0)
		return NULL;
	if (recv(c, buf, sizeof(buf), 0) > 0) {
		send(c, h->head, strlen(h->head), MSG_NOSIGNAL);
		for (i = 0; i < h->repeat; i++)
			if (send(c, chunk, sizeof(chunk), MSG_NOSIGNAL) < 0)
				break;
	}
	close(c);
	return NULL;
}

static void host_start(struct host *h, struct cs_fleet_targets *ts)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t sl = sizeof(a);
	char name[64], err[256];

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	h->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(h->fd >= 0);
	assert_int_equal(bind(h->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(h->fd, 4), 0);
	assert_int_equal(getsockname(h->fd, (struct sockaddr *)&a, &sl), 0);
	h->port = ntohs(a.sin_port);
	snprintf(name, sizeof(name), "127.0.0.1:%u", h->port);
	assert_int_equal(cs_fleet_target_add(ts, name, err, sizeof(err)), 0);
	assert_int_equal(pthread_create(&h->th, NULL, host_thread, h), 0);
}

static void test_get_all_limits(void **state)
{
	static struct cs_fleet_targets ts;
	static struct cs_fleet_answer a[3];
	struct host h[3] = {
		{ .head = "HTTP/1.1 200 OK\r\nContent-Length: 26\r\n\r\n[{\"id\":\"x\",\"timestamp\":1}]" },
		{ .head = "HTTP/1.1 200 OK\r\n\r\n", .repeat = 64 },	/* 4 MiB */
		{ .head = "SSH-2.0-OpenSSH\r\n" },
	};
	uint64_t t0 = unit_now_ns();
	json_t *o;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		host_start(&h[i], &ts);
	cs_fleet_get_all(&ts, "/v1/loadtests", 2000, 1u << 20, a);
	assert_true(unit_now_ns() - t0 < 3000000000ULL);
	assert_int_equal(a[0].ret, 0);
	assert_int_equal(a[0].resp.status, 200);
	assert_int_not_equal(a[1].ret, 0);
	assert_int_not_equal(a[2].ret, 0);
	o = parse(cs_fleet_merge_lists(&ts, a));
	assert_int_equal(json_array_size(json_object_get(o, "loadtests")), 1);
	assert_int_equal(json_object_size(json_object_get(o, "errors")), 2);
	json_decref(o);
	for (i = 0; i < 3; i++) {
		shutdown(h[i].fd, SHUT_RDWR);
		pthread_join(h[i].th, NULL);
		close(h[i].fd);
		cs_http_resp_free(&a[i].resp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_get_all_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
