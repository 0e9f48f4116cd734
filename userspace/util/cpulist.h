/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * CPU lists ("0-3,5") to and from bitmaps, the format of the kernel's
 * cpulist files (/sys/devices/system/cpu/online) and of our `cpus` setting.
 *
 * A mask is an array of uint64_t, bit n of word n / 64 standing for CPU n;
 * size it with CS_MASK_WORDS(nbits).
 */
#ifndef CPUSTRESS_CPULIST_H
#define CPUSTRESS_CPULIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CPUs handled: far above any VM's vCPU count, yet a mask is 512 bytes. */
#define CS_CPUS_MAX		4096
#define CS_MASK_WORDS(nbits)	(((nbits) + 63) / 64)

static inline bool cs_mask_test(const uint64_t *mask, unsigned int cpu)
{
	return (mask[cpu / 64] >> (cpu % 64)) & 1;
}

static inline void cs_mask_set(uint64_t *mask, unsigned int cpu)
{
	mask[cpu / 64] |= 1ULL << (cpu % 64);
}

/**
 * cs_cpulist_parse() - parse a cpulist into a mask
 * @s: comma-separated CPU numbers and ranges "N-M" (N <= M), one trailing
 *	newline allowed (text read from a file); no spaces, signs or "all"
 * @mask: CS_MASK_WORDS(@nbits) words, overwritten (undefined on error)
 * @nbits: CPUs 0..@nbits-1 may be named
 * @err: on error, a sentence naming the fault; may be NULL
 * @errlen: size of @err
 *
 * Return: 0; -EINVAL for an empty list, garbage, an empty element or a
 * reversed range; -ERANGE for a CPU number >= @nbits.
 */
int cs_cpulist_parse(const char *s, uint64_t *mask, unsigned int nbits,
		     char *err, size_t errlen);

/**
 * cs_cpulist_format() - the shortest cpulist of a mask ("0-3,5")
 * @mask: CS_MASK_WORDS(@nbits) words
 * @nbits: bits of @mask to look at
 * @buf: the text, NUL-terminated ("" for an empty mask)
 * @len: size of @buf
 *
 * Return: the length of the text, or -ENOSPC if it does not fit (@buf then
 * holds "").
 */
int cs_cpulist_format(const uint64_t *mask, unsigned int nbits, char *buf,
		      size_t len);

/**
 * cs_cpulist_valid() - whether @s is a well-formed cpulist
 * @s: the text
 *
 * Syntax only, CPUs 0..CS_CPUS_MAX-1: whether they exist is the engine's
 * question.
 */
bool cs_cpulist_valid(const char *s);

/** cs_mask_weight() - number of CPUs set in the first @nbits bits */
unsigned int cs_mask_weight(const uint64_t *mask, unsigned int nbits);

#endif /* CPUSTRESS_CPULIST_H */
