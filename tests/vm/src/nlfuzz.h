/* SPDX-License-Identifier: GPL-2.0 */
/* nlfuzz (nlfuzz.c) and its message generator (nlfuzz_gen.c). */
#ifndef CS_VM_NLFUZZ_H
#define CS_VM_NLFUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/cpustress.h>

#define BUF		(160 * 1024)
/* Documented limits (uapi header). */
#define BUSY_MIN	1
#define BUSY_MAX	100
#define PERIOD_MIN	10
#define PERIOD_MAX	10000
#define INTERVAL_MIN	10
#define INTERVAL_MAX	60000
#define LIMIT_MAX	(7U * 24 * 3600 * 1000)

struct msg {
	unsigned char b[BUF];
	size_t len;
};

/* What a generated message may get: a set of answers, 0 = success. */
typedef uint64_t expect_t;
#define E_ANY		0ULL

expect_t E(int answer);

/* Set up by nlfuzz.c: the family, the sender, the CPUs. */
extern uint16_t fam;
extern int priv;
extern uint32_t seqno;
extern uint64_t possible, online;	/* CPU masks */
extern int nposs;

struct nlmsghdr *hdr(struct msg *m);
void msg_init(struct msg *m, uint8_t cmd, uint16_t flags);
void put(struct msg *m, uint16_t type, const void *d, size_t len);
void put_u32(struct msg *m, uint16_t type, uint32_t v);
void put_str(struct msg *m, uint16_t type, const char *s);
expect_t gen_valid(struct msg *m);
void gen_random(struct msg *m);
void mutate(struct msg *m);
void gen_framing(struct msg *m);

#endif /* CS_VM_NLFUZZ_H */
