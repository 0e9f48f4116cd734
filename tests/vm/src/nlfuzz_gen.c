// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz's messages: valid ones with the answer the ABI promises, random
 * ones, mutations of valid ones, and framing that does not add up.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "nlfuzz.h"

expect_t E(int answer)
{
	static const int known[] = { 0, EINVAL, ERANGE, EPERM, EOPNOTSUPP, EBUSY };
	unsigned int i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (answer == known[i])
			return 1ULL << i;
	return 1ULL << 63;
}

/* --- building messages ------------------------------------------------ */

/* A nest of @depth levels around junk or attributes. */
static void put_nest(struct msg *m, uint16_t type, int depth)
{
	size_t start = m->len;
	struct nlattr *a;

	put_raw(m, type | (chance(80) ? NLA_F_NESTED : 0), NULL, 0, NLA_HDRLEN);
	if (m->len == start)
		return;
	if (depth > 0) {
		put_nest(m, (uint16_t)below(CPUSTRESS_A_MAX + 3), depth - 1);
	} else {
		uint32_t v = (uint32_t)rnd();

		put(m, (uint16_t)below(CPUSTRESS_CPU_A_MAX + 3), &v, below(9));
	}
	a = (struct nlattr *)(m->b + start);
	a->nla_len = m->len - start > 0xffff ? 0xffff : (uint16_t)(m->len - start);
}

static const uint32_t interesting[] = {
	0, 1, 2, 9, 10, 11, 99, 100, 101, 9999, 10000, 10001, 59999, 60000,
	60001, 65535, 65536, LIMIT_MAX - 1, LIMIT_MAX, LIMIT_MAX + 1,
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
};

static uint32_t any_u32(void)
{
	if (chance(60))
		return interesting[below(sizeof(interesting) / sizeof(interesting[0]))];
	return chance(50) ? below(1000) : (uint32_t)rnd();
}

static const char *const odd_lists[] = {
	"all", "ALL", "all\n", "all,0", "0", "1", "0-1", "1-0", "0,1", "1,0",
	"0-0", "0-1:1/2", "0-1:2/1", "0-1:0/1", "0-1:1/0", "N", "0-N", "2", "3",
	"63", "64", "4095", "4096", "8191", "0-4294967295", "4294967295",
	"4294967296", "99999999999999999999", "-1", "0-", "-", ",", ",,0", "0,",
	" 0", "0 ", "0\n", "\n", "", "0x1", "+0", "0-1-2", "0:1/1", "a",
	"1-1:1/4294967295", "0-1:4294967295/4294967295", "0,,,1", "\t0",
};

/* A cpulist: valid for the online CPUs, odd, random or 4 KiB long. */
static void any_cpulist(char *s, size_t n, int *valid)
{
	unsigned int i, cpus = 0;
	size_t len;

	*valid = 0;
	switch (below(5)) {
	case 0:
		snprintf(s, n, "%s", odd_lists[below(sizeof(odd_lists) /
						     sizeof(odd_lists[0]))]);
		return;
	case 1: /* at and past CPUSTRESS_CPUS_MAXLEN */
		len = CPUSTRESS_CPUS_MAXLEN - 4 + below(8);
		for (i = 0; i + 2 < len && i + 2 < n; i += 2)
			memcpy(s + i, "0,", 2);
		s[i] = '0';
		s[i + 1] = 0;
		return;
	case 2: /* random characters of the syntax */
		len = below(24);
		for (i = 0; i < len && i + 1 < n; i++)
			s[i] = "0123456789,-:/N \n"[below(17)];
		s[i] = 0;
		return;
	default: /* a subset of the online CPUs, or "all" */
		if (chance(20)) {
			snprintf(s, n, "all");
			*valid = 1;
			return;
		}
		s[0] = 0;
		for (i = 0; i < 64; i++) {
			if ((online >> i & 1) && chance(60)) {
				len = strlen(s);
				snprintf(s + len, n - len, "%s%u", cpus ? "," : "", i);
				cpus++;
			}
		}
		*valid = cpus > 0;
	}
}

/*
 * A setting, valid (in lo..hi) three times in four, mostly up to @gen_hi;
 * sets *bad for an invalid one.
 */
static void put_setting(struct msg *m, uint16_t type, uint32_t lo, uint32_t hi,
			uint32_t gen_hi, int *bad)
{
	uint32_t v;

	if (chance(75))
		v = lo + below(gen_hi - lo + 1);
	else
		v = any_u32();
	if (v < lo || v > hi)
		*bad = 1;
	put_u32(m, type, v);
}

/*
 * A message the ABI says how to answer: a command with settings in and out
 * of range, and the flags a client may use.
 */
expect_t gen_valid(struct msg *m)
{
	static const uint8_t cmds[] = {
		CPUSTRESS_CMD_GET, CPUSTRESS_CMD_GET, CPUSTRESS_CMD_SET,
		CPUSTRESS_CMD_SET, CPUSTRESS_CMD_SET, CPUSTRESS_CMD_START,
		CPUSTRESS_CMD_START, CPUSTRESS_CMD_GET_STATS,
		CPUSTRESS_CMD_GET_STATS, CPUSTRESS_CMD_RESET_STATS,
		CPUSTRESS_CMD_STOP,
	};
	uint8_t cmd = cmds[below(sizeof(cmds))];
	int dump = chance(15), bad = 0, n = 0, valid;
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	char list[CPUSTRESS_CPUS_MAXLEN + 16];
	uint32_t cpu;

	if (chance(5))
		flags |= NLM_F_ECHO;
	if (cmd == CPUSTRESS_CMD_STOP && chance(70))
		cmd = CPUSTRESS_CMD_GET;	/* rarer: keep a run live */
	msg_init(m, fam, cmd, flags);
	if (!priv && cmd != CPUSTRESS_CMD_GET && cmd != CPUSTRESS_CMD_GET_STATS)
		return E(EPERM);
	if (dump && cmd != CPUSTRESS_CMD_GET_STATS)
		return E(EOPNOTSUPP);
	switch (cmd) {
	case CPUSTRESS_CMD_SET:
	case CPUSTRESS_CMD_START:
		if (chance(50) && ++n)
			put_setting(m, CPUSTRESS_A_BUSY_PCT, BUSY_MIN, BUSY_MAX,
				    BUSY_MAX, &bad);
		if (chance(30) && ++n)
			put_setting(m, CPUSTRESS_A_PERIOD_MS, PERIOD_MIN, PERIOD_MAX,
				    PERIOD_MAX, &bad);
		if (chance(20) && ++n)	/* mostly short: samples keep coming */
			put_setting(m, CPUSTRESS_A_INTERVAL_MS, INTERVAL_MIN,
				    INTERVAL_MAX, chance(80) ? 2000 : INTERVAL_MAX,
				    &bad);
		if (chance(8) && ++n)	/* mostly none or long: runs stay live */
			put_setting(m, CPUSTRESS_A_TIME_LIMIT_MS, 0, LIMIT_MAX,
				    chance(50) ? 0 : chance(90) ? LIMIT_MAX : 3000,
				    &bad);
		if (chance(25) && ++n) {
			any_cpulist(list, sizeof(list), &valid);
			put_str(m, CPUSTRESS_A_CPUS, list);
			bad |= !valid;
			if (!valid)	/* some odd lists are valid: no promise */
				return strlen(list) >= CPUSTRESS_CPUS_MAXLEN ?
					E(EINVAL) | E(ERANGE) : E_ANY;
		}
		if (chance(5)) {
			put(m, CPUSTRESS_A_OWNED, NULL, 0);
			if (cmd == CPUSTRESS_CMD_SET)
				return E(EINVAL) | E(ERANGE);
		}
		if (bad)
			return E(EINVAL) | E(ERANGE);
		if (cmd == CPUSTRESS_CMD_START)
			return E(0) | E(EBUSY);
		return n ? E(0) : E(EINVAL);
	case CPUSTRESS_CMD_GET_STATS:
		if (dump && chance(50))
			return E(0);
		cpu = chance(80) ? below(nposs) : any_u32();
		put_u32(m, CPUSTRESS_A_CPU_ID, cpu);
		return (cpu < 64 && (possible >> cpu & 1)) ? E(0) : E(ERANGE);
	default:
		return E(0);
	}
}

/* Any attribute at all: type, length and payload from the ranges above. */
static void gen_attr(struct msg *m)
{
	uint16_t type = chance(80) ? (uint16_t)below(CPUSTRESS_A_MAX + 4) :
			(uint16_t)rnd();
	static unsigned char junk[70000];
	static int junk_made;
	char list[CPUSTRESS_CPUS_MAXLEN + 16];
	uint32_t v = any_u32();
	size_t len;
	int valid;

	if (chance(10))
		type |= NLA_F_NESTED;
	if (chance(5))
		type |= NLA_F_NET_BYTEORDER;
	switch (below(8)) {
	case 0:
		put(m, type, &v, below(4));			/* short */
		break;
	case 1:
		put(m, type, &v, 4 + below(2) * (1 + below(8)));	/* exact, long */
		break;
	case 2:
		any_cpulist(list, sizeof(list), &valid);
		len = strlen(list) + chance(80);	/* unterminated or not */
		put(m, type, list, len);
		break;
	case 3:
		put_nest(m, type, chance(20) ? (int)below(64) : (int)below(3));
		break;
	case 4:	/* huge: digits and bytes, a few changed each time */
		for (len = 0; !junk_made && len < sizeof(junk); len++)
			junk[len] = (unsigned char)(chance(50) ? '0' + below(10) :
						    rnd());
		junk_made = 1;
		for (len = 0; len < 16; len++)
			junk[below(sizeof(junk))] = (unsigned char)rnd();
		put(m, type, junk, 1000 + below(65535 - 1000 - NLA_HDRLEN));
		break;
	case 5:	/* nla_len inconsistent with the room */
		put_raw(m, type, &v, 4, (uint16_t)(chance(50) ? below(4) : rnd()));
		break;
	case 6:
		put(m, type, NULL, 0);
		break;
	default:
		put(m, type, &v, chance(50) ? 1 : 8);
	}
}

/* Random command, flags, header fields and attributes. */
void gen_random(struct msg *m)
{
	uint8_t cmd = chance(80) ? (uint8_t)below(CPUSTRESS_CMD_MAX + 3) :
		      (uint8_t)rnd();
	uint16_t flags = chance(70) ? NLM_F_REQUEST | NLM_F_ACK : (uint16_t)rnd();
	struct genlmsghdr *g = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);
	unsigned int i, n = below(6);

	if (chance(20))
		flags |= NLM_F_DUMP;
	msg_init(m, fam, cmd, flags);
	if (chance(5))
		g->version = (uint8_t)rnd();
	if (chance(5))
		g->reserved = (uint16_t)rnd();
	for (i = 0; i < n; i++)
		gen_attr(m);
}

/* Bit flips, byte writes, splices, truncation of a valid message. */
void mutate(struct msg *m)
{
	static struct msg other;
	unsigned int i, k = 1 + below(4);
	size_t at;

	for (i = 0; i < k && m->len > NLMSG_HDRLEN; i++) {
		at = NLMSG_HDRLEN + below(m->len - NLMSG_HDRLEN);
		switch (below(5)) {
		case 0:
			m->b[at] ^= 1 << below(8);
			break;
		case 1:
			m->b[at] = (unsigned char)(chance(50) ? 0 : chance(50) ? 0xff : rnd());
			break;
		case 2:	/* splice: the tail of another message */
			gen_valid(&other);
			if (other.len > NLMSG_HDRLEN) {
				size_t from = NLMSG_HDRLEN + below(other.len - NLMSG_HDRLEN);
				size_t n = other.len - from;

				if (at + n <= BUF) {
					memcpy(m->b + at, other.b + from, n);
					m->len = at + n;
				}
			}
			break;
		case 3:
			m->len = at;
			break;
		default:	/* duplicate the attributes */
			if (2 * m->len - NLMSG_SPACE(GENL_HDRLEN) <= BUF) {
				memcpy(m->b + m->len, m->b + NLMSG_SPACE(GENL_HDRLEN),
				       m->len - NLMSG_SPACE(GENL_HDRLEN));
				m->len += m->len - NLMSG_SPACE(GENL_HDRLEN);
			}
		}
	}
}

/* Several messages in one send, or framing that does not add up. */
void gen_framing(struct msg *m)
{
	static struct msg one;
	unsigned int i, n;

	switch (below(4)) {
	case 0:	/* a batch */
		m->len = 0;
		for (i = 0, n = 2 + below(4); i < n; i++) {
			if (chance(50))
				gen_valid(&one);
			else
				gen_random(&one);
			hdr(&one)->nlmsg_len = one.len;
			hdr(&one)->nlmsg_seq = ++seqno;
			if (m->len + one.len > BUF)
				break;
			memcpy(m->b + m->len, one.b, one.len);
			m->len += one.len;
		}
		return;
	case 1:	/* nlmsg_len from 0 to past the end */
		gen_valid(m);
		hdr(m)->nlmsg_len = chance(50) ? below(NLMSG_SPACE(GENL_HDRLEN) + 1) :
				    chance(50) ? (uint32_t)m->len + 1 + below(64) :
				    (uint32_t)rnd();
		return;
	case 2:	/* trailing bytes after the message */
		gen_valid(m);
		hdr(m)->nlmsg_len = m->len;
		for (i = 0, n = 1 + below(40); i < n && m->len < BUF; i++)
			m->b[m->len++] = (unsigned char)rnd();
		return;
	default: /* a header cut short */
		gen_valid(m);
		m->len = below(NLMSG_SPACE(GENL_HDRLEN));
		hdr(m)->nlmsg_len = chance(50) ? m->len : NLMSG_SPACE(GENL_HDRLEN);
	}
}
