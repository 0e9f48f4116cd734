// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Readers of the kernel's per-CPU and per-thread accounting in /proc, for
 * the user-space engine. Each costs a few microseconds: the engine reads
 * steal and interrupts once per sample, the wait every ~10 ms.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/procstat.h"

#define CS_NSEC_PER_SEC_U	1000000000ULL
/* Fields of a cpuN line of /proc/stat before steal (user .. softirq). */
#define CS_STAT_STEAL_FIELD	7

int cs_proc_steal(uint64_t *steal_ns, unsigned int n)
{
	long hz = sysconf(_SC_CLK_TCK);
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	memset(steal_ns, 0, n * sizeof(*steal_ns));
	if (hz <= 0)
		return -EINVAL;
	f = fopen("/proc/stat", "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		unsigned long long v[CS_STAT_STEAL_FIELD + 1];
		unsigned int cpu;

		/* "cpu " is the total: only "cpuN" lines have a digit here. */
		if (strncmp(line, "cpu", 3) || !isdigit((unsigned char)line[3]))
			continue;
		if (sscanf(line + 3, "%u %llu %llu %llu %llu %llu %llu %llu %llu",
			   &cpu, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7]) != CS_STAT_STEAL_FIELD + 2)
			continue;	/* a kernel without steal accounting */
		if (cpu < n)
			steal_ns[cpu] = v[CS_STAT_STEAL_FIELD] *
					(CS_NSEC_PER_SEC_U / (unsigned long)hz);
	}
	free(line);
	fclose(f);
	return 0;
}

/*
 * The header names the columns ("CPU0 CPU3 ..."): only online CPUs have
 * one. Fill @col with their numbers; return how many, or -1.
 */
static int cs_irq_columns(const char *hdr, unsigned int *col, unsigned int max)
{
	unsigned int ncol = 0, cpu;
	int used;

	while (sscanf(hdr, " CPU%u%n", &cpu, &used) == 1) {
		if (ncol == max)
			return -1;
		col[ncol++] = cpu;
		hdr += used;
	}
	return (int)ncol;
}

/* One "NN: c0 c1 ... chip name" line: add its counts to @irqs. */
static void cs_irq_line(const char *line, const unsigned int *col, int ncol,
			uint64_t *irqs, unsigned int n)
{
	const char *p = line;
	char *end;
	int i;

	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return;		/* NMI, LOC, RES...: IPIs, not device irqs */
	while (isdigit((unsigned char)*p))
		p++;
	if (*p++ != ':')
		return;
	for (i = 0; i < ncol; i++) {
		unsigned long long v = strtoull(p, &end, 10);

		if (end == p)
			return;
		if (col[i] < n)
			irqs[col[i]] += v;
		p = end;
	}
}

int cs_proc_irqs(uint64_t *irqs, unsigned int n)
{
	unsigned int *col;
	char *line = NULL;
	size_t cap = 0;
	int ncol, ret = 0;
	FILE *f;

	memset(irqs, 0, n * sizeof(*irqs));
	col = calloc(n, sizeof(*col));
	if (!col)
		return -ENOMEM;
	f = fopen("/proc/interrupts", "re");
	if (!f) {
		ret = -errno;
		goto out;
	}
	if (getline(&line, &cap, f) <= 0 ||
	    (ncol = cs_irq_columns(line, col, n)) <= 0) {
		ret = -EINVAL;
		goto out_close;
	}
	while (getline(&line, &cap, f) > 0)
		cs_irq_line(line, col, ncol, irqs, n);
out_close:
	fclose(f);
out:
	free(line);
	free(col);
	return ret;
}

int cs_proc_wait_open(void)
{
	int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int cs_proc_wait_read(int fd, uint64_t *wait_ns)
{
	unsigned long long run, wait;
	char buf[96];
	ssize_t len;

	/* pread at 0 makes the seq_file produce fresh values each time. */
	len = pread(fd, buf, sizeof(buf) - 1, 0);
	if (len < 0)
		return -errno;
	buf[len] = '\0';
	if (sscanf(buf, "%llu %llu", &run, &wait) != 2)
		return -EINVAL;
	*wait_ns = wait;
	return 0;
}
