/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the VM tests' fuzzers (nlfuzz.c, sysfsfuzz.c) share: a seeded
 * generator, splitmix64, so that a seed printed by a run repeats its
 * sequence, and a monotonic clock. Each program defines fuzz_rng, its
 * state, and seeds it.
 */
#ifndef CS_VM_FUZZ_H
#define CS_VM_FUZZ_H

#include <stdint.h>
#include <time.h>

extern uint64_t fuzz_rng;

static inline uint64_t rnd(void)
{
	uint64_t z = (fuzz_rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0..n-1; 0 for n = 0. */
static inline uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

/* True with a probability of @pct %. */
static inline int chance(unsigned int pct)
{
	return below(100) < pct;
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* CS_VM_FUZZ_H */
