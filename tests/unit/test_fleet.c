// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress fleet's own parts: the target list (arguments and file_sd
 * JSON), the HTTP client against a loopback server of this test that
 * answers garbage, slowly, hugely or not at all, the strict /v1/stats
 * reader, and the verdict's window.
 */
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fleet/fleet.h"

/* --- targets --------------------------------------------------------- */

static void add_ok(struct cs_fleet_targets *ts, const char *s)
{
	char err[256] = "";

	if (cs_fleet_target_add(ts, s, err, sizeof(err)))
		fail_msg("'%s' refused: %s", s, err);
}

static void add_bad(struct cs_fleet_targets *ts, const char *s,
		    const char *want)
{
	char err[256] = "";

	if (!cs_fleet_target_add(ts, s, err, sizeof(err)))
		fail_msg("'%s' accepted", s);
	if (!strstr(err, want))
		fail_msg("'%s': '%s' does not say '%s'", s, err, want);
}

static void test_target_args(void **state)
{
	static struct cs_fleet_targets ts;
	char big[400];

	(void)state;
	add_ok(&ts, "127.0.0.1:8080");
	add_ok(&ts, "vm-01.example.internal:9100");
	add_ok(&ts, "[::1]:8080");
	assert_int_equal(ts.n, 3);
	assert_string_equal(ts.t[2].host, "::1");
	assert_int_equal(ts.t[2].port, 8080);
	assert_string_equal(ts.t[1].host, "vm-01.example.internal");
	add_bad(&ts, "127.0.0.1:8080", "given twice");
	add_bad(&ts, "VM-01.example.internal:9100", "given twice");
	add_bad(&ts, "127.0.0.1", "expected HOST:PORT");
	add_bad(&ts, "127.0.0.1:0", "port must be 1..65535");
	add_bad(&ts, "127.0.0.1:65536", "port must be 1..65535");
	add_bad(&ts, "127.0.0.1:80x", "port must be 1..65535");
	add_bad(&ts, "127.0.0.1:+80", "port must be 1..65535");
	add_bad(&ts, ":8080", "host must be");
	add_bad(&ts, "a/b:8080", "host must be");
	add_bad(&ts, "::1:8080", "host must be");
	add_bad(&ts, "[zz]:8080", "not an IPv6 address");
	add_bad(&ts, "[::1]8080", "expected [IPV6]:PORT");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	add_bad(&ts, big, "longer than");
	assert_int_equal(ts.n, 3);
}

static int parse(struct cs_fleet_targets *ts, const char *json, char *err)
{
	memset(ts, 0, sizeof(*ts));
	err[0] = '\0';
	return cs_fleet_targets_parse(ts, json, strlen(json), "t.json", err,
				      256);
}

static void parse_bad(const char *json, const char *want)
{
	static struct cs_fleet_targets ts;
	char err[256];

	if (!parse(&ts, json, err))
		fail_msg("accepted: %s", json);
	if (!strstr(err, want) || strncmp(err, "t.json: ", 8))
		fail_msg("%s: '%s' does not say 't.json: ...%s'", json, err,
			 want);
}

static void test_target_file(void **state)
{
	static struct cs_fleet_targets ts;
	char err[256];

	(void)state;
	assert_int_equal(parse(&ts,
		"[{\"targets\": [\"a:1\", \"b:2\"], \"labels\": {\"machine_type\": \"4vcpu\", \"cost_per_hour\": \"0.45\"}},"
		" {\"targets\": [\"c:3\"]}]", err), 0);
	assert_int_equal(ts.n, 3);
	assert_int_equal(ts.t[1].nlabels, 2);
	assert_string_equal(ts.t[1].labels[0].name, "machine_type");
	assert_string_equal(ts.t[1].labels[0].value, "4vcpu");
	assert_true(fabs(ts.t[0].cost - 0.45) < 1e-9);
	assert_int_equal(ts.t[2].nlabels, 0);
	assert_true(ts.t[2].cost == 0);

	parse_bad("[{\"targets\": [\"a:1\"]}", "not JSON");
	parse_bad("{\"targets\": [\"a:1\"]}", "expected a file_sd list");
	parse_bad("[{\"labels\": {}}]", "group 0: expected an object with a \"targets\" array");
	parse_bad("[{\"targets\": [1]}]", "target 0 is not a string");
	parse_bad("[{\"targets\": [\"a:1\"]}, {\"targets\": [\"a:1\"]}]", "given twice");
	parse_bad("[{\"targets\": [\"a\"]}]", "expected HOST:PORT");
	parse_bad("[{\"targets\": [\"a:1\"], \"labels\": {\"x\": 1}}]", "label \"x\" must be a string");
	parse_bad("[{\"targets\": [\"a:1\"], \"labels\": {\"cost_per_hour\": \"-1\"}}]", "not a price");
	parse_bad("[{\"targets\": [\"a:1\"], \"labels\": {\"cost_per_hour\": \"1e3\"}}]", "not a price");
	parse_bad("[{\"targets\": [\"a:1\"], \"labels\": []}]", "must be an object");
	parse_bad("[]", "no targets");
	parse_bad("[{\"targets\": [\"a:1\"], \"targets\": []}]", "not JSON");
}

/* tools/prometheus/targets/fleet.json, the one list both tools read. */
static void test_target_shipped_file(void **state)
{
	static struct cs_fleet_targets ts;
	char err[256] = "";

	(void)state;
	if (cs_fleet_targets_load(&ts, "tools/prometheus/targets/fleet.json",
				  err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(ts.n >= 1);
	assert_true(ts.t[0].nlabels >= 1);
	memset(&ts, 0, sizeof(ts));
	assert_int_equal(cs_fleet_targets_load(&ts, "/nonexistent/t.json",
					       err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/t.json"));
	assert_int_equal(cs_fleet_targets_load(&ts, "/", err, sizeof(err)),
			 -EINVAL);
}

/* --- the client against a fake server -------------------------------- */

/**
 * struct fake - a loopback server that answers one connection its way
 * @fd: the listening socket
 * @port: its port
 * @answer: what it sends (NULL: nothing)
 * @len: its length
 * @repeat: send @answer this many times (a huge body)
 * @delay_ms: before answering
 * @got: the request it read
 */
struct fake {
	int fd;
	uint16_t port;
	const char *answer;
	size_t len;
	size_t repeat;
	uint32_t delay_ms;
	char got[4096];
	pthread_t th;
};

static void *fake_thread(void *arg)
{
	struct fake *f = arg;
	size_t i, have = 0;
	ssize_t n;
	int c;

	c = accept(f->fd, NULL, NULL);
	if (c < 0)
		return NULL;
	{
		while (have < sizeof(f->got) - 1 &&
		       !strstr(f->got, "\r\n\r\n")) {
			n = recv(c, f->got + have, sizeof(f->got) - 1 - have, 0);
			if (n <= 0)
				break;
			have += (size_t)n;
			f->got[have] = '\0';
		}
		usleep(f->delay_ms * 1000);
		for (i = 0; f->answer && i < (f->repeat ? f->repeat : 1); i++)
			if (send(c, f->answer, f->len, MSG_NOSIGNAL) < 0)
				break;
	}
	close(c);
	return NULL;
}

static void fake_start(struct fake *f)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t sl = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(f->fd >= 0);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(f->fd, 4), 0);
	assert_int_equal(getsockname(f->fd, (struct sockaddr *)&a, &sl), 0);
	f->port = ntohs(a.sin_port);
	if (f->answer && !f->len)
		f->len = strlen(f->answer);
	assert_int_equal(pthread_create(&f->th, NULL, fake_thread, f), 0);
}

static void fake_stop(struct fake *f)
{
	shutdown(f->fd, SHUT_RDWR);
	pthread_join(f->th, NULL);
	close(f->fd);
}

/* Ask @f; returns the client's result, the answer in @r, the time taken. */
static int ask(struct fake *f, uint32_t timeout_ms, size_t body_max,
	       struct cs_http_resp *r, char *err, uint64_t *ms)
{
	struct cs_http_req q = {
		.host = "127.0.0.1",
		.method = "GET",
		.path = "/v1/stats",
		.apikey = "key-1234",
		.timeout_ms = timeout_ms,
		.body_max = body_max,
	};
	uint64_t t0 = unit_now_ns();
	int ret;

	fake_start(f);
	q.port = f->port;
	ret = cs_http_request(&q, r, err, 256);
	*ms = (unit_now_ns() - t0) / 1000000;
	fake_stop(f);
	return ret;
}

static void test_client_good(void **state)
{
	struct fake f = {
		.answer = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\nhello-and-more",
	};
	struct cs_http_resp r;
	char err[256] = "";
	uint64_t ms;

	(void)state;
	assert_int_equal(ask(&f, 2000, 100, &r, err, &ms), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 5);
	assert_string_equal(r.body, "hello");
	assert_non_null(strstr(f.got, "GET /v1/stats HTTP/1.1\r\n"));
	assert_non_null(strstr(f.got, "\r\napikey: key-1234\r\n"));
	assert_non_null(strstr(f.got, "\r\nConnection: close\r\n"));
	cs_http_resp_free(&r);

	/* No length: the body runs to the close. A 409 is an answer too. */
	f = (struct fake){ .answer = "HTTP/1.0 409 Conflict\n\n{\"a\":1}" };
	assert_int_equal(ask(&f, 2000, 100, &r, err, &ms), 0);
	assert_int_equal(r.status, 409);
	assert_string_equal(r.body, "{\"a\":1}");
	cs_http_resp_free(&r);
}

static void client_bad(struct fake *f, uint32_t timeout_ms, int want,
		       const char *says, uint64_t max_ms)
{
	struct cs_http_resp r;
	char err[256] = "";
	uint64_t ms;
	int ret;

	ret = ask(f, timeout_ms, 1000, &r, err, &ms);
	if (ret != want || !strstr(err, says))
		fail_msg("got %d '%s', want %d '%s'", ret, err, want, says);
	assert_null(r.body);
	if (ms > max_ms)
		fail_msg("took %llu ms, more than %llu", (unsigned long long)ms,
			 (unsigned long long)max_ms);
}

static void test_client_garbage(void **state)
{
	static char huge_hdr[CS_FLEET_HEADER_MAX + 64];
	struct fake f;

	(void)state;
	f = (struct fake){ .answer = "SSH-2.0-OpenSSH_9.2\r\n" };
	client_bad(&f, 2000, -EPROTO, "closed within its header", 2000);
	f = (struct fake){ .answer = "garbage garbage\r\n\r\nxx" };
	client_bad(&f, 2000, -EPROTO, "not an HTTP answer", 2000);
	f = (struct fake){ .answer = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc" };
	client_bad(&f, 2000, -EPROTO, "ended after 3 of 10", 2000);
	f = (struct fake){ .answer = "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\nabc" };
	client_bad(&f, 2000, -EPROTO, "bad Content-Length", 2000);
	f = (struct fake){ .answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" };
	client_bad(&f, 2000, -EPROTO, "chunked", 2000);
	f = (struct fake){ 0 };
	client_bad(&f, 2000, -EPROTO, "closed without an answer", 2000);
	/* Huge: a header that never ends, a body past the limit. */
	memset(huge_hdr, 'x', sizeof(huge_hdr));
	f = (struct fake){ .answer = huge_hdr, .len = sizeof(huge_hdr) };
	client_bad(&f, 2000, -EFBIG, "header larger than", 2000);
	f = (struct fake){ .answer = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" };
	client_bad(&f, 2000, -EFBIG, "body larger than 1000", 2000);
	/* A body without a length that goes on past the limit. */
	f = (struct fake){ .answer = "HTTP/1.1 200 OK\r\n\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
			   .repeat = 50 };
	client_bad(&f, 2000, -EFBIG, "body larger than 1000", 2000);
}

static void test_client_slow(void **state)
{
	struct cs_http_req q = {
		.host = "127.0.0.1",
		.method = "GET",
		.path = "/",
		.timeout_ms = 300,
		.body_max = 100,
	};
	struct cs_http_resp r;
	struct fake f;
	char err[256] = "";
	uint64_t t0;
	int fd;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t sl = sizeof(a);

	(void)state;
	/* Answers after the deadline: timed out at about the deadline. */
	f = (struct fake){ .answer = "HTTP/1.1 200 OK\r\n\r\n", .delay_ms = 1500 };
	client_bad(&f, 300, -ETIMEDOUT, "no complete answer within 300 ms", 1000);

	/* Nobody listening: refused at once. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &sl), 0);
	q.port = ntohs(a.sin_port);
	close(fd);
	assert_int_equal(cs_http_request(&q, &r, err, sizeof(err)), -ECONNREFUSED);

	/* A stop flag ends the wait early. */
	{
		volatile sig_atomic_t stop = 1;

		f = (struct fake){ .answer = "HTTP/1.1 200 OK\r\n\r\n", .delay_ms = 1500 };
		fake_start(&f);
		q.port = f.port;
		q.timeout_ms = 5000;
		q.stop = &stop;
		t0 = unit_now_ns();
		assert_int_equal(cs_http_request(&q, &r, err, sizeof(err)), -EINTR);
		assert_true((unit_now_ns() - t0) / 1000000 < 1000);
		fake_stop(&f);
	}

	/* A name that does not resolve is an error, not a hang. */
	q.stop = NULL;
	q.host = "no-such-host.invalid";
	q.timeout_ms = 3000;
	t0 = unit_now_ns();
	assert_true(cs_http_request(&q, &r, err, sizeof(err)) < 0);
	assert_true((unit_now_ns() - t0) / 1000000 < 3500);
	/* A bad API key is never sent. */
	q.host = "127.0.0.1";
	q.apikey = "a\r\nX-Evil: 1";
	assert_int_equal(cs_http_request(&q, &r, err, sizeof(err)), -EINVAL);
}

/* --- /v1/stats ------------------------------------------------------- */

static const char stats_ok[] =
	"{\"hostname\":\"h\",\"timestamp\":1,\"engine\":\"user\",\"up\":true,"
	"\"running\":true,\"opsPerSec\":3000,\"sampleSeq\":7,"
	"\"cpus\":[{\"cpu\":0,\"state\":\"running\",\"opsPerSec\":1000,\"stealPct\":2.5,\"waitPct\":30},"
	"{\"cpu\":1,\"state\":\"running\",\"opsPerSec\":2000,\"stealPct\":12,\"waitPct\":1},"
	"{\"cpu\":2,\"state\":\"idle\",\"opsPerSec\":0,\"stealPct\":90,\"waitPct\":90}],"
	"\"loadtest\":{\"running\":false,\"id\":null}}";

static const char stats_down[] =
	"{\"hostname\":\"h\",\"up\":false,\"error\":\"module unloaded\",\"running\":false,"
	"\"opsPerSec\":0,\"sampleSeq\":0,\"cpus\":[]}";

#define STATS_RECENT(cpu0) \
	"{\"hostname\":\"h\",\"up\":true,\"running\":true,\"opsPerSec\":3000," \
	"\"sampleSeq\":7,\"cpus\":[{\"cpu\":0,\"state\":\"running\",\"opsPerSec\":1000," \
	"\"recent\":" cpu0 ",\"stealPct\":0,\"waitPct\":0}," \
	"{\"cpu\":1,\"state\":\"running\",\"opsPerSec\":2000,\"recent\":null," \
	"\"stealPct\":0,\"waitPct\":0}]}"

static const char stats_recent[] =
	STATS_RECENT("{\"n\":30,\"medianOpsPerSec\":400,\"p10OpsPerSec\":300,"
		     "\"p90OpsPerSec\":500,\"spreadPct\":25}");
static const char stats_recent_fmt[] = STATS_RECENT("%s");
static const char *const recent_bad[] = {
	"{\"n\":30}", "{\"n\":0,\"medianOpsPerSec\":1}",
	"{\"n\":3,\"medianOpsPerSec\":-1}", "{\"n\":3,\"medianOpsPerSec\":\"1\"}",
	"[]", "7",
};

static void test_stats_parse(void **state)
{
	struct cs_fleet_stats st;
	char err[256] = "", buf[1024];
	size_t i;

	(void)state;
	assert_int_equal(cs_fleet_stats_parse(stats_ok, strlen(stats_ok), &st,
					      err, sizeof(err)), 0);
	assert_int_equal(st.state, CS_FLEET_RUNNING);
	assert_int_equal(st.ncpus, 3);
	assert_int_equal(st.loaded, 2);
	assert_true(fabs(st.per_cpu - 1500) < 1e-9);
	assert_true(fabs(st.steal - 0.12) < 1e-9);	/* idle CPUs do not count */
	assert_true(fabs(st.wait - 0.30) < 1e-9);
	assert_int_equal(st.seq, 7);

	/* A CPU's recent median stands for its rate; a CPU without one keeps its 1-s rate. */
	assert_int_equal(cs_fleet_stats_parse(stats_recent, strlen(stats_recent),
					      &st, err, sizeof(err)), 0);
	assert_int_equal(st.loaded, 2);
	assert_true(fabs(st.per_cpu - (400 + 2000) / 2.0) < 1e-9);
	assert_true(fabs(st.ops - 3000) < 1e-9);	/* the total stays the exporter's */
	for (i = 0; i < sizeof(recent_bad) / sizeof(recent_bad[0]); i++) {
		snprintf(buf, sizeof(buf), stats_recent_fmt, recent_bad[i]);
		err[0] = 0;
		assert_int_equal(cs_fleet_stats_parse(buf, strlen(buf), &st, err,
						      sizeof(err)), -EPROTO);
		assert_non_null(strstr(err, "\"recent\" is neither null nor"));
	}

	assert_int_equal(cs_fleet_stats_parse("[1]", 3, &st, err, sizeof(err)),
			 -EPROTO);
	assert_non_null(strstr(err, "not a cpustress exporter"));
	assert_int_equal(cs_fleet_stats_parse("{\"up\":true}", 11, &st, err,
					      sizeof(err)), -EPROTO);
	assert_int_equal(cs_fleet_stats_parse(stats_down, sizeof(stats_down) - 1,
					      &st, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "module unloaded"));
}

/* --- the verdict ----------------------------------------------------- */

static struct cs_fleet_stats running(double per_cpu, double steal)
{
	struct cs_fleet_stats s = {
		.state = CS_FLEET_RUNNING,
		.ncpus = 2,
		.loaded = 2,
		.per_cpu = per_cpu,
		.ops = 2 * per_cpu,
		.steal = steal,
	};

	return s;
}

static void test_median(void **state)
{
	double a[] = { 3, 1, 2 }, b[] = { 4, 1, 3, 2 };

	(void)state;
	assert_true(cs_fleet_median(a, 3) == 2);
	assert_true(cs_fleet_median(b, 4) == 2.5);
	assert_true(isnan(cs_fleet_median(a, 0)));
}

static void test_verdict_window(void **state)
{
	struct cs_fleet_host h[3];
	struct cs_fleet_stats p[3];
	struct cs_fleet_round r;
	char v[128];
	int i;

	(void)state;
	memset(h, 0, sizeof(h));
	/* Host 2 at half speed: flagged after the window, not before. */
	for (i = 0; i < CS_FLEET_WINDOW; i++) {
		p[0] = running(1000, 0);
		p[1] = running(1100, 0);
		p[2] = running(500, 0);
		cs_fleet_update(h, 3, p, &r);
		cs_fleet_verdict(&h[2], v, sizeof(v));
		if (i < CS_FLEET_WINDOW - 1)
			assert_string_equal(v, "ok");
	}
	assert_string_equal(v, "THROTTLED (slow)");
	assert_true(fabs(h[2].ratio - 0.5) < 1e-9);
	assert_true(fabs(r.median - 1000) < 1e-9);
	assert_true(fabs(r.total - 5200) < 1e-9);
	assert_false(cs_fleet_throttled(&h[0]));
	assert_false(cs_fleet_throttled(&h[1]));

	/* One good poll does not clear it; a window of them does. */
	p[2] = running(1000, 0);
	cs_fleet_update(h, 3, p, &r);
	assert_true(cs_fleet_throttled(&h[2]));
	p[2] = running(500, 0);
	cs_fleet_update(h, 3, p, &r);
	assert_true(cs_fleet_throttled(&h[2]));
	for (i = 0; i < CS_FLEET_WINDOW; i++) {
		p[2] = running(1000, 0);
		cs_fleet_update(h, 3, p, &r);
		if (i < CS_FLEET_WINDOW - 1)
			assert_true(cs_fleet_throttled(&h[2]));
	}
	assert_false(cs_fleet_throttled(&h[2]));

	/* One slow poll does not flag; steal flags with its own reason. */
	p[2] = running(500, 0);
	cs_fleet_update(h, 3, p, &r);
	assert_false(cs_fleet_throttled(&h[2]));
	p[2] = running(1000, 0);
	for (i = 0; i < CS_FLEET_WINDOW; i++) {
		p[0] = running(1000, CS_FLEET_STEAL_RATIO + 0.01);
		cs_fleet_update(h, 3, p, &r);
	}
	cs_fleet_verdict(&h[0], v, sizeof(v));
	assert_string_equal(v, "THROTTLED (steal)");
	cs_fleet_verdict(&h[2], v, sizeof(v));
	assert_string_equal(v, "ok");

	/* Down and stopped hosts take no part in the median. */
	p[1].state = CS_FLEET_DOWN;
	snprintf(p[1].err, sizeof(p[1].err), "connection refused");
	p[2].state = CS_FLEET_STOPPED;
	cs_fleet_update(h, 3, p, &r);
	cs_fleet_verdict(&h[1], v, sizeof(v));
	assert_string_equal(v, "down (connection refused)");
	cs_fleet_verdict(&h[2], v, sizeof(v));
	assert_string_equal(v, "stopped");
	assert_true(fabs(r.median - 1000) < 1e-9);
	assert_true(fabs(h[0].ratio - 1) < 1e-9);
	assert_false(cs_fleet_throttled(&h[1]));
}

/* Wait counts against the fleet: everyone waiting is a busy machine. */
static void test_verdict_wait(void **state)
{
	struct cs_fleet_host h[3];
	struct cs_fleet_stats p[3];
	struct cs_fleet_round r;
	char v[128];
	int i, k;

	(void)state;
	memset(h, 0, sizeof(h));
	for (i = 0; i < CS_FLEET_WINDOW; i++) {
		for (k = 0; k < 3; k++) {
			p[k] = running(1000, 0);
			p[k].wait = 0.85;
		}
		cs_fleet_update(h, 3, p, &r);
	}
	for (k = 0; k < 3; k++)
		assert_false(cs_fleet_throttled(&h[k]));
	for (i = 0; i < CS_FLEET_WINDOW; i++) {
		p[0].wait = 0.5;
		p[1].wait = 0.5;
		p[2].wait = 0.5 + CS_FLEET_WAIT_EXCESS + 0.05;
		cs_fleet_update(h, 3, p, &r);
	}
	cs_fleet_verdict(&h[2], v, sizeof(v));
	assert_string_equal(v, "THROTTLED (wait)");
	assert_false(cs_fleet_throttled(&h[0]));
	assert_false(cs_fleet_throttled(&h[1]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_args),
		cmocka_unit_test(test_target_file),
		cmocka_unit_test(test_target_shipped_file),
		cmocka_unit_test(test_client_good),
		cmocka_unit_test(test_client_garbage),
		cmocka_unit_test(test_client_slow),
		cmocka_unit_test(test_stats_parse),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_verdict_window),
		cmocka_unit_test(test_verdict_wait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
