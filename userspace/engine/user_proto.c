// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The shared user engine's messages and socket home: engine/user_proto.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/user_proto.h"

void up_req_init(struct up_req *r, enum up_op op)
{
	memset(r, 0, sizeof(*r));
	r->magic = UP_MAGIC;
	r->version = UP_VERSION;
	r->op = op;
	r->busy_pct = CS_UNSET;
	r->period_ms = CS_UNSET;
	r->interval_ms = CS_UNSET;
	r->time_limit_ms = CS_UNSET;
}

int up_req_settings(struct up_req *r, const struct cs_settings *s)
{
	r->busy_pct = s->busy_pct;
	r->period_ms = s->period_ms;
	r->interval_ms = s->interval_ms;
	r->time_limit_ms = s->time_limit_ms;
	if (s->owned)
		r->flags |= UP_F_OWNED;
	if (s->cpus) {
		if (strlen(s->cpus) >= sizeof(r->cpus))
			return -E2BIG;
		strcpy(r->cpus, s->cpus);
		r->flags |= UP_F_CPUS;
	}
	return 0;
}

void up_req_to_settings(const struct up_req *r, struct cs_settings *s)
{
	cs_settings_init(s);
	s->busy_pct = r->busy_pct;
	s->period_ms = r->period_ms;
	s->interval_ms = r->interval_ms;
	s->time_limit_ms = r->time_limit_ms;
	s->owned = !!(r->flags & UP_F_OWNED);
	s->cpus = r->flags & UP_F_CPUS ? r->cpus : NULL;
}

int up_req_check(const struct up_req *r, size_t n, int trunc,
		 char *err, size_t errlen)
{
	const char *why = NULL;

	if (trunc || n != sizeof(*r))
		snprintf(err, errlen, "bad request: %s%zu bytes, a request is %zu",
			 trunc ? "more than " : "", n, sizeof(*r));
	else if (r->magic != UP_MAGIC)
		why = "not a cpustress request (bad magic)";
	else if (r->version != UP_VERSION)
		snprintf(err, errlen, "bad request: protocol version %u, this engine speaks %u",
			 r->version, UP_VERSION);
	else if (!r->op || r->op >= UP_OP_END)
		snprintf(err, errlen, "bad request: unknown operation %u", r->op);
	else if (r->flags & ~(UP_F_CPUS | UP_F_OWNED))
		snprintf(err, errlen, "bad request: unknown flags 0x%x", r->flags);
	else if (!memchr(r->cpus, '\0', sizeof(r->cpus)))
		why = "cpus is not a terminated string";
	else if (r->timeout_ms < 0 || r->timeout_ms > UP_WAIT_MAX_MS)
		snprintf(err, errlen, "bad request: wait of %d ms, the longest is %d ms",
			 r->timeout_ms, UP_WAIT_MAX_MS);
	else
		return 0;
	if (why)
		snprintf(err, errlen, "bad request: %s", why);
	return -EBADMSG;
}

int up_op_changes(uint32_t op)
{
	return op == UP_SET || op == UP_START || op == UP_STOP ||
	       op == UP_RESET_STATS;
}

static int up_path_fmt(char *buf, size_t len, char *err, size_t errlen,
		       const char *fmt, const char *a, unsigned int u)
{
	int n = snprintf(buf, len, fmt, a, u);

	if (n < 0 || (size_t)n >= len || (size_t)n >= UP_PATH_MAX) {
		snprintf(err, errlen, "the user engine's socket path is too long (a Unix socket path has at most %d bytes): set %s to a shorter one",
			 UP_PATH_MAX - 1, UP_SOCK_ENV);
		return -ENAMETOOLONG;
	}
	return 0;
}

int up_sock_path(char *buf, size_t len, char *err, size_t errlen)
{
	const char *env = getenv(UP_SOCK_ENV), *xdg;
	struct stat sb;

	if (env && *env)
		return up_path_fmt(buf, len, err, errlen, "%s", env, 0);
	if (!geteuid() || (!stat(UP_SOCK_HOST, &sb) && S_ISSOCK(sb.st_mode)))
		return up_path_fmt(buf, len, err, errlen, "%s", UP_SOCK_HOST, 0);
	xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg && *xdg == '/')
		return up_path_fmt(buf, len, err, errlen,
				   "%s/cpustress/" UP_SOCK_NAME, xdg, 0);
	return up_path_fmt(buf, len, err, errlen,
			   "%s/cpustress-%u/" UP_SOCK_NAME, "/tmp",
			   (unsigned int)geteuid());
}

int up_dir_check(const char *sock, uid_t uid, char *err, size_t errlen)
{
	char dir[UP_PATH_MAX];
	const char *slash = strrchr(sock, '/');
	struct stat sb;
	size_t n;

	if (!slash) {
		snprintf(dir, sizeof(dir), ".");
	} else {
		n = (size_t)(slash - sock);
		if (!n)
			n = 1;		/* "/x.sock": the root directory */
		if (n >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, sock, n);
		dir[n] = '\0';
	}
	if (lstat(dir, &sb)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s, the directory of the user engine's socket, is not a directory (a symlink?): remove it",
			 dir);
		return -ENOTDIR;
	}
	if ((sb.st_uid && sb.st_uid != uid) || (sb.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "%s, the directory of the user engine's socket, must belong to root or uid %u and be writable by its owner only (it is uid %u, mode %03o)",
			 dir, (unsigned int)uid, (unsigned int)sb.st_uid,
			 (unsigned int)(sb.st_mode & 0777));
		return -EPERM;
	}
	return 0;
}

int up_send(int fd, const void *msg, size_t len)
{
	ssize_t n;

	do
		n = send(fd, msg, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}
