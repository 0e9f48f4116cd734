/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Numbers in messages: a noun that agrees with its count ("1 CPU",
 * "2 CPUs"), a range whose equal ends are one value ("100", "20..100").
 * Every message that prints a count or a range goes through these, so
 * "1 CPUs" and "100..100" cannot come back one message at a time.
 */
#ifndef CPUSTRESS_WORDS_H
#define CPUSTRESS_WORDS_H

#include <stddef.h>
#include <stdio.h>

/* Room for cs_range() of two unsigned ints: "4294967295..4294967295". */
#define CS_RANGE_MAX	24

/* @one when @n is 1, else @many: printf("%u %s", n, cs_plural(n, "CPU", "CPUs")). */
static inline const char *cs_plural(unsigned long long n, const char *one,
				    const char *many)
{
	return n == 1 ? one : many;
}

/*
 * "@lo..@hi" into @buf (of @len bytes), or "@lo" alone when the two are
 * equal: a sweep over the single level 100 is "busy 100 %".
 * Return: @buf.
 */
static inline char *cs_range(char *buf, size_t len, unsigned int lo,
			     unsigned int hi)
{
	if (lo == hi)
		snprintf(buf, len, "%u", lo);
	else
		snprintf(buf, len, "%u..%u", lo, hi);
	return buf;
}

#endif
