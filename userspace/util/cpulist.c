// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * CPU lists to and from bitmaps.
 *
 * The parser is strict on purpose: a list comes from a user who meant
 * something by it, so "0-", "1,,2" or "3-1" is an error to report, never a
 * guess (the kernel's cpulist_parse refuses the same).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/cpulist.h"
#include "util/errf.h"

/*
 * Read one CPU number at *p, advancing past it. Digits only: strtoul would
 * take signs and leading spaces, and wrap "-1" to a huge number.
 */
static int cs_cpulist_num(const char **p, unsigned int nbits, unsigned int *v)
{
	const char *s = *p;
	unsigned long n = 0;
	int big = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (unsigned long)(*s - '0');
		if (n >= nbits)
			big = 1;	/* keep scanning: report the whole number */
		if (big)
			n = nbits;
	}
	*p = s;
	*v = (unsigned int)n;
	return big ? -ERANGE : 0;
}

int cs_cpulist_parse(const char *s, uint64_t *mask, unsigned int nbits,
		     char *err, size_t errlen)
{
	const char *p = s, *start;
	unsigned int a, b, cpu;
	int ret;

	memset(mask, 0, CS_MASK_WORDS(nbits) * sizeof(*mask));
	if (!*s || !strcmp(s, "\n"))
		return cs_errf(err, errlen, -EINVAL,
			       "empty CPU list: name CPUs such as 0-3,5");
	for (;;) {
		start = p;
		ret = cs_cpulist_num(&p, nbits, &a);
		b = a;
		if (!ret && *p == '-') {
			p++;
			ret = cs_cpulist_num(&p, nbits, &b);
		}
		if (ret == -ERANGE)
			return cs_errf(err, errlen, ret,
				       "CPU list \"%s\": CPU number in \"%.*s\" too large: CPUs go from 0 to %u",
				       s, (int)(p - start), start,
				       nbits - 1);
		if (ret)
			break;
		if (a > b)
			return cs_errf(err, errlen, -EINVAL,
				       "CPU list \"%s\": range %u-%u is reversed: write %u-%u",
				       s, a, b, b, a);
		for (cpu = a; cpu <= b; cpu++)
			cs_mask_set(mask, cpu);
		if (*p == ',') {
			p++;
			continue;
		}
		if (!*p || !strcmp(p, "\n"))
			return 0;
		break;
	}
	return cs_errf(err, errlen, -EINVAL,
		       "CPU list \"%s\": unexpected \"%s\" at position %zu: expected a list such as 0-3,5",
		       s, *p ? p : "end of text", (size_t)(p - s) + 1);
}

/* Append "a" or "a-b" to @buf at *pos, with a comma unless first. */
static int cs_cpulist_emit(char *buf, size_t len, size_t *pos,
			   unsigned int a, unsigned int b)
{
	int n;

	if (a == b)
		n = snprintf(buf + *pos, len - *pos, "%s%u", *pos ? "," : "",
			     a);
	else
		n = snprintf(buf + *pos, len - *pos, "%s%u-%u",
			     *pos ? "," : "", a, b);
	if (n < 0 || (size_t)n >= len - *pos)
		return -ENOSPC;
	*pos += (size_t)n;
	return 0;
}

int cs_cpulist_format(const uint64_t *mask, unsigned int nbits, char *buf,
		      size_t len)
{
	unsigned int cpu = 0, first;
	size_t pos = 0;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	while (cpu < nbits) {
		if (!cs_mask_test(mask, cpu)) {
			cpu++;
			continue;
		}
		first = cpu;
		while (cpu + 1 < nbits && cs_mask_test(mask, cpu + 1))
			cpu++;
		if (cs_cpulist_emit(buf, len, &pos, first, cpu)) {
			buf[0] = '\0';
			return -ENOSPC;
		}
		cpu++;
	}
	return (int)pos;
}

bool cs_cpulist_valid(const char *s)
{
	uint64_t mask[CS_MASK_WORDS(CS_CPUS_MAX)];

	return !cs_cpulist_parse(s, mask, CS_CPUS_MAX, NULL, 0);
}

unsigned int cs_mask_weight(const uint64_t *mask, unsigned int nbits)
{
	unsigned int cpu, n = 0;

	for (cpu = 0; cpu < nbits; cpu++)
		n += cs_mask_test(mask, cpu);
	return n;
}
