/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The cpustress work unit: the one definition of the standard piece of work,
 * compiled into both the kernel module and the user-space baseline engine.
 *
 * One unit is one pass over a buffer of u64 elements. For element k:
 *
 *	x = 0
 *	for i in [CS_WU_SEED, CS_WU_SEED + spins):
 *		x = (x + i) | CS_WU_MASK
 *	mem[k] = (mem[k] + k) ^ x
 *
 * This is the perfcpumeasure/pcd unit, with the spin kept opaque to the
 * compiler so that every iteration really executes: a folded or hoisted
 * spin would make the unit's cost independent of @spins.
 *
 * Freestanding: no libc, no kernel API beyond the __u64/__u32 types.
 */
#ifndef CPUSTRESS_WORKUNIT_H
#define CPUSTRESS_WORKUNIT_H

#include <linux/types.h>

#define CS_WU_SEED		0xaa55aa55ULL
#define CS_WU_MASK		0x55aa55aaULL
#define CS_WU_SPINS_DEFAULT	17
#define CS_WU_KIB_DEFAULT	512

/* One pass over a zeroed buffer with the default spins gives these. */
#define CS_WU_VEC0		0x10ffffffffULL
#define CS_WU_VEC1		0x10fffffffeULL

#define CS_WU_ELEMS_PER_KIB	(1024 / sizeof(__u64))

/*
 * Elements a worker processes between two looks at the clock, its stop
 * flag and (kernel) a preemption point: 1/16 of the default unit, whose
 * 512 KiB hold 65536 elements.
 */
#define CS_CHUNK_ELEMS		4096ULL
/* Elements of the test vector checked when a worker starts. */
#define CS_SELFCHECK_ELEMS	8

/**
 * cs_wu_spin() - the per-element spin of the work unit
 * @spins: iterations, CS_WU_SPINS_DEFAULT for the standard unit
 *
 * The empty asm makes @x opaque after every iteration, so the compiler can
 * neither fold the loop into a constant nor skip iterations.
 *
 * Return: the spin's result, the value XORed into each element.
 */
static inline __u64 cs_wu_spin(__u32 spins)
{
	__u64 x = 0;
	__u64 i;

	for (i = CS_WU_SEED; i < CS_WU_SEED + spins; i++) {
		x += i;
		x |= CS_WU_MASK;
		__asm__ __volatile__("" : "+r" (x));
	}
	return x;
}

/**
 * cs_wu_run() - process elements [@first, @first + @count) of a unit buffer
 * @mem: the buffer
 * @first: index of the first element to process
 * @count: number of elements
 * @spins: spin iterations per element
 *
 * A whole unit is cs_wu_run(mem, 0, nelems, spins); callers split it into
 * chunks to place preemption points between them.
 */
static inline void cs_wu_run(__u64 *mem, __u64 first, __u64 count,
			     __u32 spins)
{
	__u64 k;

	for (k = first; k < first + count; k++)
		mem[k] = (mem[k] + k) ^ cs_wu_spin(spins);
}

/**
 * cs_wu_selfcheck() - verify the test vector on a scratch buffer
 * @scratch: at least @n elements; overwritten
 * @n: number of elements to check, at least 2
 *
 * Return: the number of elements that differ from the standard vector
 * (0 when the CPU computes the unit correctly).
 */
static inline unsigned int cs_wu_selfcheck(__u64 *scratch, unsigned int n)
{
	unsigned int k, bad = 0;

	for (k = 0; k < n; k++)
		scratch[k] = 0;
	cs_wu_run(scratch, 0, n, CS_WU_SPINS_DEFAULT);
	for (k = 0; k < n; k++)
		if (scratch[k] != (CS_WU_VEC0 ^ k))
			bad++;
	if (n >= 2 && scratch[1] != CS_WU_VEC1)
		bad++;
	return bad;
}

#endif /* CPUSTRESS_WORKUNIT_H */
