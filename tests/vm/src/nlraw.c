// SPDX-License-Identifier: GPL-2.0
/*
 * nlraw: sends hand-made generic netlink messages to the cpustress family,
 * without libnl, to check what a well-behaved client never sends: wrong
 * attribute types and lengths, out-of-range values, unknown attributes, a
 * missing required attribute, an unknown command, broken framing. Each case
 * must be refused, with an extended-ack message where the kernel gives one,
 * and must change nothing (checked with GET before and after).
 *
 *   nlraw malformed      run every malformed case, PASS/FAIL lines
 *   nlraw owned          START with OWNED, then exit without STOP
 *   nlraw owned-hold     START with OWNED, then wait to be killed
 *   nlraw start          START (not owned); prints the errno and message
 *   nlraw set-busy N     SET BUSY_PCT=N; prints the errno and message
 *   nlraw set-limit MS   SET TIME_LIMIT_MS=MS
 *   nlraw reset-stats    RESET_STATS (a new measurement window)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nlmsg.h"

static int nl_fd;
static uint16_t family_id;
static uint32_t seq;
static int passed, failed;

/* A request to the family that asks for an ack. */
static void msg_init_req(struct msg *m, uint8_t cmd)
{
	msg_init(m, family_id, cmd, NLM_F_REQUEST | NLM_F_ACK);
}

/*
 * Send @m and read until its ack. Returns the (positive) errno, 0 for
 * success; copies the extended-ack message to @ext and, when @reply is
 * given, the first reply message to it.
 */
static int msg_send(struct msg *m, char *ext, size_t extlen, struct msg *reply)
{
	return nl_request(nl_fd, m, ++seq, reply, NULL, ext, extlen);
}

static int resolve_family(void)
{
	static struct msg m, r;
	int err = nl_resolve_family(nl_fd, ++seq, &m, &r, &family_id, NULL);

	if (err)
		fprintf(stderr, "nlraw: family %s not found: %s\n",
			CPUSTRESS_GENL_NAME, strerror(err));
	return err ? -1 : 0;
}

/* The state a refused request must leave as it was. */
static int get_state(char *out, size_t len)
{
	static const uint16_t keys[] = {
		CPUSTRESS_A_RUNNING, CPUSTRESS_A_BUSY_PCT, CPUSTRESS_A_PERIOD_MS,
		CPUSTRESS_A_INTERVAL_MS, CPUSTRESS_A_TIME_LIMIT_MS,
		CPUSTRESS_A_CPUS, CPUSTRESS_A_WINDOW_ID, CPUSTRESS_A_RUN_ID,
	};
	struct msg m, r = { .len = 0 };
	size_t used = 0;
	unsigned int i;

	msg_init_req(&m, CPUSTRESS_CMD_GET);
	if (msg_send(&m, NULL, 0, &r) || !r.len)
		return -1;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct nlattr *a = attr_find(&r, keys[i]);
		int alen = a ? a->nla_len - NLA_HDRLEN : 0;
		const unsigned char *d = a ? (unsigned char *)a + NLA_HDRLEN : NULL;

		used += snprintf(out + used, len - used, " %u=", keys[i]);
		for (int k = 0; k < alen && used + 3 < len; k++)
			used += snprintf(out + used, len - used, "%02x", d[k]);
	}
	return 0;
}

enum want_msg { NO_MSG, WANT_MSG };

/* Send a malformed request: it must fail, say why, and change nothing. */
static void expect_refused(const char *name, struct msg *m, enum want_msg want)
{
	char before[1024], after[1024], ext[256];
	int err;

	if (get_state(before, sizeof(before))) {
		printf("FAIL netlink: %s: GET before failed\n", name);
		failed++;
		return;
	}
	err = msg_send(m, ext, sizeof(ext), NULL);
	if (get_state(after, sizeof(after))) {
		printf("FAIL netlink: %s: GET after failed\n", name);
		failed++;
		return;
	}
	if (!err) {
		printf("FAIL netlink: %s: accepted\n", name);
		failed++;
	} else if (want == WANT_MSG && !ext[0]) {
		printf("FAIL netlink: %s: refused (%s) without an extended-ack message\n",
		       name, strerror(err));
		failed++;
	} else if (strcmp(before, after)) {
		printf("FAIL netlink: %s: refused but changed state:%s ->%s\n",
		       name, before, after);
		failed++;
	} else {
		printf("PASS netlink: %s: refused, %s%s%s%s\n", name,
		       strerror(err), ext[0] ? " (\"" : "", ext,
		       ext[0] ? "\")" : "");
		passed++;
	}
}

static void case_u32(const char *name, uint8_t cmd, uint16_t type, uint32_t v)
{
	struct msg m;

	msg_init_req(&m, cmd);
	put_u32(&m, type, v);
	expect_refused(name, &m, WANT_MSG);
}

static void run_malformed(void)
{
	static char big[CPUSTRESS_CPUS_MAXLEN + 16];
	uint8_t u8 = 50;
	uint64_t u64 = 50;
	struct msg m;

	case_u32("SET busy_pct 0", CPUSTRESS_CMD_SET, CPUSTRESS_A_BUSY_PCT, 0);
	case_u32("SET busy_pct 101", CPUSTRESS_CMD_SET, CPUSTRESS_A_BUSY_PCT, 101);
	case_u32("SET busy_pct 0xffffffff", CPUSTRESS_CMD_SET, CPUSTRESS_A_BUSY_PCT,
		 0xffffffffu);
	case_u32("SET period_ms 9", CPUSTRESS_CMD_SET, CPUSTRESS_A_PERIOD_MS, 9);
	case_u32("SET period_ms 10001", CPUSTRESS_CMD_SET, CPUSTRESS_A_PERIOD_MS, 10001);
	case_u32("SET interval_ms 9", CPUSTRESS_CMD_SET, CPUSTRESS_A_INTERVAL_MS, 9);
	case_u32("SET interval_ms 60001", CPUSTRESS_CMD_SET, CPUSTRESS_A_INTERVAL_MS,
		 60001);
	case_u32("SET time_limit_ms past a week", CPUSTRESS_CMD_SET,
		 CPUSTRESS_A_TIME_LIMIT_MS, 7u * 24 * 3600 * 1000 + 1);
	case_u32("START busy_pct 0", CPUSTRESS_CMD_START, CPUSTRESS_A_BUSY_PCT, 0);

	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put(&m, CPUSTRESS_A_BUSY_PCT, &u8, sizeof(u8));
	expect_refused("SET busy_pct as u8 (wrong length)", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put(&m, CPUSTRESS_A_BUSY_PCT, &u64, sizeof(u64));
	expect_refused("SET busy_pct as u64 (wrong length)", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put(&m, CPUSTRESS_A_CPUS, "0-1", 3);
	expect_refused("SET cpus without NUL", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put_str(&m, CPUSTRESS_A_CPUS, "abc");
	expect_refused("SET cpus garbage", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put_str(&m, CPUSTRESS_A_CPUS, "1-0");
	expect_refused("SET cpus reversed range", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put_str(&m, CPUSTRESS_A_CPUS, "4095");
	expect_refused("SET cpus absent CPU", &m, WANT_MSG);
	memset(big, '0', sizeof(big) - 1);
	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put_str(&m, CPUSTRESS_A_CPUS, big);
	expect_refused("SET cpus longer than CPUSTRESS_CPUS_MAXLEN", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put_str(&m, CPUSTRESS_A_CPUS, "0");
	put_u32(&m, CPUSTRESS_A_BUSY_PCT, 0);
	expect_refused("SET valid cpus with invalid busy_pct", &m, WANT_MSG);

	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put_u32(&m, 200, 1);
	expect_refused("SET unknown attribute type 200", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put_u32(&m, CPUSTRESS_A_WU_KIB, 4);
	expect_refused("SET read-only attribute WU_KIB", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put(&m, CPUSTRESS_A_OWNED, NULL, 0);
	expect_refused("SET with OWNED", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_SET);
	expect_refused("SET with nothing (missing attribute)", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put(&m, CPUSTRESS_A_CPU, "\x08\x00\x02\x00\x00\x00\x00\x00", 8);
	expect_refused("SET nested CPU attribute", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_GET);
	put_u32(&m, CPUSTRESS_A_BUSY_PCT, 50);
	expect_refused("GET with an attribute", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_STOP);
	put_u32(&m, CPUSTRESS_A_CPU_ID, 0);
	expect_refused("STOP with an attribute", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_RESET_STATS);
	put_u32(&m, CPUSTRESS_A_CPU_ID, 0);
	expect_refused("RESET_STATS with an attribute", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_GET_STATS);
	expect_refused("GET_STATS without CPU_ID (missing attribute)", &m, WANT_MSG);
	case_u32("GET_STATS CPU_ID 4095", CPUSTRESS_CMD_GET_STATS, CPUSTRESS_A_CPU_ID,
		 4095);
	msg_init_req(&m, CPUSTRESS_CMD_GET_STATS);
	put(&m, CPUSTRESS_A_CPU_ID, &u8, sizeof(u8));
	expect_refused("GET_STATS CPU_ID as u8", &m, WANT_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_SAMPLE);
	expect_refused("SAMPLE sent as a request", &m, NO_MSG);

	/* The genetlink core refuses these before the family sees them. */
	msg_init_req(&m, 99);
	expect_refused("unknown command 99", &m, NO_MSG);
	msg_init_req(&m, CPUSTRESS_CMD_SET);
	put_u32(&m, CPUSTRESS_A_BUSY_PCT, 50);
	((struct nlattr *)(m.b + NLMSG_SPACE(GENL_HDRLEN)))->nla_len = 64;
	expect_refused("SET attribute longer than the message", &m, WANT_MSG);
}

static int simple(uint8_t cmd, uint16_t attr, uint32_t v, int has_attr)
{
	char ext[256];
	struct msg m;
	int err;

	msg_init_req(&m, cmd);
	if (has_attr == 1)
		put_u32(&m, attr, v);
	else if (has_attr == 2)
		put(&m, attr, NULL, 0);
	err = msg_send(&m, ext, sizeof(ext), NULL);
	printf("%s%s%s\n", err ? strerror(err) : "ok", ext[0] ? ": " : "", ext);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: nlraw malformed|owned|owned-hold|start|set-busy N|set-limit MS|reset-stats\n");
		return 2;
	}
	nl_fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (nl_fd < 0 || bind(nl_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(nl_fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(nl_fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		perror("nlraw: netlink socket");
		return 1;
	}
	if (resolve_family())
		return 1;
	if (!strcmp(argv[1], "malformed")) {
		run_malformed();
		return failed ? 1 : 0;
	}
	if (!strcmp(argv[1], "owned"))
		return simple(CPUSTRESS_CMD_START, CPUSTRESS_A_OWNED, 0, 2);
	if (!strcmp(argv[1], "owned-hold")) {
		if (simple(CPUSTRESS_CMD_START, CPUSTRESS_A_OWNED, 0, 2))
			return 1;
		fflush(stdout);
		for (;;)
			pause();
	}
	if (!strcmp(argv[1], "set-limit") && argc == 3)
		return simple(CPUSTRESS_CMD_SET, CPUSTRESS_A_TIME_LIMIT_MS,
			      (uint32_t)strtoul(argv[2], NULL, 10), 1);
	if (!strcmp(argv[1], "start"))
		return simple(CPUSTRESS_CMD_START, 0, 0, 0);
	if (!strcmp(argv[1], "reset-stats"))
		return simple(CPUSTRESS_CMD_RESET_STATS, 0, 0, 0);
	if (!strcmp(argv[1], "set-busy") && argc == 3)
		return simple(CPUSTRESS_CMD_SET, CPUSTRESS_A_BUSY_PCT,
			      (uint32_t)strtoul(argv[2], NULL, 10), 1);
	fprintf(stderr, "nlraw: unknown case %s\n", argv[1]);
	return 2;
}
