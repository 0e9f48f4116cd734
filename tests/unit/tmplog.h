/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A temporary directory for a test binary, and what cs_log() writes to
 * fd 2 caught in a file in it for the tests to read.
 */
#ifndef CPUSTRESS_TEST_TMPLOG_H
#define CPUSTRESS_TEST_TMPLOG_H

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "unit.h"

static char tmpdir[64];
static char logfile[PATH_MAX];
static int saved_stderr = -1;

/* Create /tmp/@prefix.XXXXXX as tmpdir; 0 or -1. */
static inline int tmplog_setup(const char *prefix)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/%s.XXXXXX", prefix);
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(logfile, sizeof(logfile), "%s/log", tmpdir);
	return 0;
}

/* Remove tmpdir and all in it; 0 or -1. */
static inline int tmplog_teardown(void)
{
	char cmd[sizeof(tmpdir) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) ? -1 : 0;
}

/* Catch fd 2 in logfile, emptied. */
static inline void log_capture(void)
{
	int fd = open(logfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	if (saved_stderr < 0)
		saved_stderr = dup(STDERR_FILENO);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	close(fd);
}

/* Stop catching; what was logged, in a static buffer. */
static inline const char *log_release(void)
{
	static char buf[8192];
	FILE *f;
	size_t n;

	dup2(saved_stderr, STDERR_FILENO);
	f = fopen(logfile, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

#endif
