// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The engine --engine user opens: a client of the user engine's process
 * (engine/user_daemon.c), so that every command sees the one shared run.
 *
 * - With no engine process, reading commands change nothing: status and
 *   snapshot answer from a fresh in-process engine that never starts
 *   (stopped, the defaults), stop and reset_stats have nothing to do, and
 *   next_sample says no engine runs. start and set start the process
 *   (cpustress engine-daemon --background), which ends by itself after
 *   UP_IDLE_EXIT_S seconds with no run and no client.
 * - One connection per open engine, requests in order. An owned start
 *   belongs to this connection: the run stops when it closes, also when
 *   the process dies by SIGKILL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cpulist.h"
#include "engine/user_proto.h"

struct uc {
	struct cs_engine pub;
	int fd;
	char path[UP_PATH_MAX];
	struct cs_engine *local;	/* no engine process: the defaults */
	struct up_req req;
	struct up_rep rep;
	struct up_chunk chunk;
};

static struct uc *uc_of(struct cs_engine *e)
{
	return e->priv;
}

__attribute__((format(printf, 3, 4)))
static int uc_err(struct uc *uc, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(uc->pub.err, sizeof(uc->pub.err), fmt, ap);
	va_end(ap);
	return ret;
}

static void uc_disconnect(struct uc *uc)
{
	if (uc->fd >= 0)
		close(uc->fd);
	uc->fd = -1;
}

/* Connect; -ENOENT when no engine process listens. */
static int uc_connect(struct uc *uc)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char err[CS_ERR_MAX];
	int ret;

	if (uc->fd >= 0)
		return 0;
	ret = up_dir_check(uc->path, geteuid(), err, sizeof(err));
	if (ret == -ENOENT)
		return ret;
	if (ret)
		return uc_err(uc, ret, "%s", err);
	uc->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (uc->fd < 0)
		return uc_err(uc, -errno, "socket: %s", strerror(errno));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", uc->path);
	if (!connect(uc->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return 0;
	ret = -errno;
	uc_disconnect(uc);
	if (ret == -ENOENT || ret == -ECONNREFUSED)
		return -ENOENT;
	return uc_err(uc, ret, "cannot reach the user engine at %s: %s",
		      uc->path, strerror(-ret));
}

/* Start the engine process and wait until it listens. */
static int uc_spawn(struct uc *uc)
{
	char idle[16];
	int status;
	pid_t pid;

	snprintf(idle, sizeof(idle), "%u", UP_IDLE_EXIT_S);
	pid = fork();
	if (pid < 0)
		return uc_err(uc, -errno, "fork: %s", strerror(errno));
	if (!pid) {
		cpu_set_t all;
		sigset_t none;
		int cpu;

		close_range(3, ~0U, 0);
		/* A server blocks signals for its sigwait thread: not here. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/*
		 * The engine's CPUs are those it may run on: all the host
		 * lets it (its cpuset), not this one command's (taskset).
		 * The kernel keeps the allowed part of the set.
		 */
		CPU_ZERO(&all);
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
			CPU_SET(cpu, &all);
		sched_setaffinity(0, sizeof(all), &all);
		execl("/proc/self/exe", "cpustress", "engine-daemon",
		      "--background", "--idle-exit", idle, "--socket",
		      uc->path, (char *)NULL);
		fprintf(stderr, "cpustress: cannot run the user engine's process: %s\n",
			strerror(errno));
		_exit(127);
	}
	/* It exits once the socket listens, its engine process detached. */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return uc_err(uc, -errno, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return uc_err(uc, -ECHILD, "the user engine's process did not start (its reason is above)");
	return 0;
}

static int uc_recv(struct uc *uc, void *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(uc->fd, buf, len, MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		uc_disconnect(uc);
		return uc_err(uc, -ETIMEDOUT, "the user engine at %s did not answer in time",
			      uc->path);
	}
	if (n <= 0) {
		uc_disconnect(uc);
		return uc_err(uc, -ECONNRESET, "the user engine's process at %s went away",
			      uc->path);
	}
	if ((size_t)n != len || *(uint32_t *)buf != UP_MAGIC) {
		uc_disconnect(uc);
		return uc_err(uc, -EBADMSG, "the user engine at %s answered a malformed message (%zd bytes)",
			      uc->path, n);
	}
	return 0;
}

/*
 * Send uc->req and take the answer into uc->rep; @spawn: start the engine
 * process if none runs. -ENOENT when none runs (and none was started).
 */
static int uc_call(struct uc *uc, bool spawn)
{
	int wait_ms = uc->req.timeout_ms + UP_REPLY_TIMEOUT_MS;
	struct timeval tv = {
		.tv_sec = wait_ms / 1000,
		.tv_usec = (wait_ms % 1000) * 1000,
	};
	int ret;

	uc->pub.err[0] = '\0';
	ret = uc_connect(uc);
	if (ret == -ENOENT && spawn) {
		ret = uc_spawn(uc);
		/* Lost a race with another start's engine process: use it. */
		if (!uc_connect(uc))
			ret = 0;
	}
	if (ret)
		return ret;
	setsockopt(uc->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ret = up_send(uc->fd, &uc->req, sizeof(uc->req));
	if (ret) {
		uc_disconnect(uc);
		return uc_err(uc, ret, "the user engine's process at %s went away",
			      uc->path);
	}
	ret = uc_recv(uc, &uc->rep, sizeof(uc->rep));
	if (ret)
		return ret;
	uc->rep.err[sizeof(uc->rep.err) - 1] = '\0';
	if (uc->rep.op != uc->req.op) {
		uc_disconnect(uc);
		return uc_err(uc, uc->rep.ret < 0 ? uc->rep.ret : -EBADMSG,
			      "the user engine refused the request: %s",
			      uc->rep.err);
	}
	if (uc->rep.ret < 0)
		return uc_err(uc, uc->rep.ret, "%s", uc->rep.err[0] ?
			      uc->rep.err : strerror(-uc->rep.ret));
	return 0;
}

/* Take rep.nchunks chunks of @ncpus CPUs in all into @cpu. */
static int uc_recv_cpus(struct uc *uc, struct cs_cpu_snap *cpu, uint32_t ncpus)
{
	uint32_t i, got = 0;
	int ret;

	if (uc->rep.nchunks != up_nchunks(ncpus))
		goto bad;
	for (i = 0; i < uc->rep.nchunks; i++) {
		ret = uc_recv(uc, &uc->chunk, sizeof(uc->chunk));
		if (ret)
			return ret;
		if (uc->chunk.n > UP_CHUNK_CPUS || uc->chunk.n > ncpus - got)
			goto bad;
		memcpy(cpu + got, uc->chunk.cpu, uc->chunk.n * sizeof(*cpu));
		got += uc->chunk.n;
	}
	if (got == ncpus)
		return 0;
bad:
	uc_disconnect(uc);
	return uc_err(uc, -EBADMSG, "the user engine at %s sent a malformed list of CPUs",
		      uc->path);
}

/* The answers of an engine that is not running: a fresh one's. */
static struct cs_engine *uc_local(struct uc *uc)
{
	if (!uc->local &&
	    cs_engine_open_user(&uc->local, uc->pub.err, sizeof(uc->pub.err)))
		return NULL;
	return uc->local;
}

static int uc_status(struct cs_engine *e, struct cs_status *st)
{
	struct uc *uc = uc_of(e);
	struct cs_engine *l;
	int ret;

	up_req_init(&uc->req, UP_STATUS);
	ret = uc_call(uc, false);
	if (ret == -ENOENT) {
		l = uc_local(uc);
		return l ? l->ops->status(l, st) : -ENOMEM;
	}
	if (ret)
		return ret;
	*st = uc->rep.u.st;
	st->cpus[sizeof(st->cpus) - 1] = '\0';
	st->online[sizeof(st->online) - 1] = '\0';
	st->loaded[sizeof(st->loaded) - 1] = '\0';
	return 0;
}

static int uc_change(struct cs_engine *e, enum up_op op,
		     const struct cs_settings *s)
{
	struct uc *uc = uc_of(e);

	up_req_init(&uc->req, op);
	if (s && up_req_settings(&uc->req, s))
		return uc_err(uc, -EINVAL, "cpus: the list is longer than %d bytes",
			      CS_CPULIST_MAX - 1);
	return uc_call(uc, op == UP_START || op == UP_SET);
}

static int uc_set(struct cs_engine *e, const struct cs_settings *s)
{
	return uc_change(e, UP_SET, s);
}

static int uc_start(struct cs_engine *e, const struct cs_settings *s)
{
	return uc_change(e, UP_START, s);
}

/* Nothing runs without the engine process: nothing to stop or reset. */
static int uc_stop(struct cs_engine *e)
{
	int ret = uc_change(e, UP_STOP, NULL);

	return ret == -ENOENT ? 0 : ret;
}

static int uc_reset_stats(struct cs_engine *e)
{
	int ret = uc_change(e, UP_RESET_STATS, NULL);

	return ret == -ENOENT ? 0 : ret;
}

static int uc_snapshot(struct cs_engine *e, struct cs_snapshot *snap)
{
	struct uc *uc = uc_of(e);
	struct cs_engine *l;
	uint32_t n;
	int ret;

	up_req_init(&uc->req, UP_SNAPSHOT);
	ret = uc_call(uc, false);
	if (ret == -ENOENT) {
		l = uc_local(uc);
		return l ? l->ops->snapshot(l, snap) : -ENOMEM;
	}
	if (ret)
		return ret;
	n = uc->rep.u.snap.ncpus;
	if (n > CS_CPUS_MAX)
		return uc_err(uc, -EBADMSG, "the user engine sent %u CPUs, the most is %u",
			      n, CS_CPUS_MAX);
	if (snap->cap < n) {
		struct cs_cpu_snap *p = realloc(snap->cpu, n * sizeof(*p));

		if (!p)
			return uc_err(uc, -ENOMEM, "out of memory for a snapshot");
		snap->cpu = p;
		snap->cap = n;
	}
	ret = uc_recv_cpus(uc, snap->cpu, n);
	if (ret)
		return ret;
	snap->ts_ns = uc->rep.u.snap.ts_ns;
	snap->window_id = uc->rep.u.snap.window_id;
	snap->window_start_ns = uc->rep.u.snap.window_start_ns;
	snap->ncpus = n;
	return 0;
}

static int uc_next_sample(struct cs_engine *e, int timeout_ms,
			  void (*cb)(const struct cs_sample *s, void *arg),
			  void *arg)
{
	struct uc *uc = uc_of(e);
	struct cs_sample *s;
	uint32_t n;
	int ret;

	up_req_init(&uc->req, UP_NEXT_SAMPLE);
	uc->req.timeout_ms = timeout_ms < 0 ? 0 :
			     timeout_ms > UP_WAIT_MAX_MS ? UP_WAIT_MAX_MS :
			     timeout_ms;
	ret = uc_call(uc, false);
	if (ret == -ENOENT)
		return uc_err(uc, -ENOTCONN, "no user engine is running, so there is nothing to show: start one with cpustress start --engine user");
	if (ret || !uc->rep.ret)
		return ret;
	n = uc->rep.u.smp.ncpus;
	if (n > CS_CPUS_MAX)
		return uc_err(uc, -EBADMSG, "the user engine sent %u CPUs, the most is %u",
			      n, CS_CPUS_MAX);
	s = calloc(1, sizeof(*s) + n * sizeof(s->cpu[0]));
	if (!s)
		return uc_err(uc, -ENOMEM, "out of memory for a sample");
	ret = uc_recv_cpus(uc, s->cpu, n);
	if (!ret) {
		s->seq = uc->rep.u.smp.seq;
		s->ts_ns = uc->rep.u.smp.ts_ns;
		s->dt_ns = uc->rep.u.smp.dt_ns;
		s->ops_per_sec = uc->rep.u.smp.ops_per_sec;
		s->ncpus = n;
		if (cb)
			cb(s, arg);
	}
	free(s);
	return ret ? ret : 1;
}

static void uc_close(struct cs_engine *e)
{
	struct uc *uc = uc_of(e);

	uc_disconnect(uc);
	cs_engine_close(uc->local);
	free(uc);
}

static const struct cs_engine_ops uc_ops = {
	.name = "user",
	.status = uc_status,
	.set = uc_set,
	.start = uc_start,
	.stop = uc_stop,
	.reset_stats = uc_reset_stats,
	.snapshot = uc_snapshot,
	.next_sample = uc_next_sample,
	.close = uc_close,
};

/**
 * cs_engine_open_shared() - open the shared user engine (a client)
 * @e: set to the engine
 * @err: on error, why
 * @errlen: size of @err
 *
 * Connects at the first request, and starts no engine process before a
 * start or set.
 *
 * Return: 0 or a negative errno.
 */
int cs_engine_open_shared(struct cs_engine **e, char *err, size_t errlen)
{
	struct uc *uc = calloc(1, sizeof(*uc));
	int ret;

	if (!uc) {
		snprintf(err, errlen, "out of memory for the user engine's client");
		return -ENOMEM;
	}
	uc->fd = -1;
	ret = up_sock_path(uc->path, sizeof(uc->path), err, errlen);
	if (ret) {
		free(uc);
		return ret;
	}
	uc->pub.ops = &uc_ops;
	uc->pub.priv = uc;
	*e = &uc->pub;
	return 0;
}
