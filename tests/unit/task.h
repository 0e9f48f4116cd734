/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * This process's threads as the kernel shows them in /proc/self/task: for
 * tests that check what an engine's threads really do (pinning, CPU time),
 * independently of what the engine reports.
 */
#ifndef CPUSTRESS_TEST_TASK_H
#define CPUSTRESS_TEST_TASK_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>

#include "unit.h"

#define MAX_TASKS	256

/**
 * struct task - a thread found by name
 * @cpu: the number after the name's prefix ("cpustress/3": 3)
 * @tid: its thread id
 */
struct task {
	unsigned int cpu;
	int tid;
};

/* Read /proc/self/task/TID/FILE; false if the thread is gone. */
static inline bool task_read(int tid, const char *file, char *buf, size_t len)
{
	char path[64];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", tid, file);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n > 0;
}

/* The threads whose name starts with @prefix; fills up to @max of @w. */
static inline int tasks_find(const char *prefix, struct task *w, int max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	char comm[32];
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		int tid = atoi(de->d_name);

		if (tid <= 0 || !task_read(tid, "comm", comm, sizeof(comm)) ||
		    strncmp(comm, prefix, strlen(prefix)))
			continue;
		if (n < max) {
			w[n].tid = tid;
			w[n].cpu = (unsigned int)atoi(comm + strlen(prefix));
		}
		n++;
	}
	closedir(d);
	return n;
}

/* A line "Key:\tvalue" of /proc/self/task/TID/status. */
static inline void task_status(int tid, const char *key, char *out, size_t len)
{
	char buf[4096], *p, *nl;

	assert_true(task_read(tid, "status", buf, sizeof(buf)));
	p = strstr(buf, key);
	assert_non_null(p);
	p += strlen(key);
	while (*p == '\t' || *p == ' ')
		p++;
	nl = strchr(p, '\n');
	if (nl)
		*nl = '\0';
	snprintf(out, len, "%s", p);
}

/* The thread's time on a CPU and waiting for one, ns (schedstat). */
static inline void task_schedstat(int tid, uint64_t *run, uint64_t *wait)
{
	unsigned long long r, w;
	char buf[128];

	assert_true(task_read(tid, "schedstat", buf, sizeof(buf)));
	assert_int_equal(sscanf(buf, "%llu %llu", &r, &w), 2);
	*run = r;
	*wait = w;
}

#endif /* CPUSTRESS_TEST_TASK_H */
