/* SPDX-License-Identifier: GPL-2.0 */
/* nlfuzz (nlfuzz.c) and its message generator (nlfuzz_gen.c). */
#ifndef CS_VM_NLFUZZ_H
#define CS_VM_NLFUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "nlmsg.h"

/* Documented limits (uapi header). */
#define BUSY_MIN	1
#define BUSY_MAX	100
#define PERIOD_MIN	10
#define PERIOD_MAX	10000
#define INTERVAL_MIN	10
#define INTERVAL_MAX	60000
#define LIMIT_MAX	(7U * 24 * 3600 * 1000)

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

expect_t gen_valid(struct msg *m);
void gen_random(struct msg *m);
void mutate(struct msg *m);
void gen_framing(struct msg *m);

#endif /* CS_VM_NLFUZZ_H */
