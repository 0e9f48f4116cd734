// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The user engine's process (cpustress engine-daemon): one in-process user
 * engine (engine/user.c) that every --engine user command reaches over a
 * Unix socket, as every command reaches the module over netlink.
 *
 * - Threads: the main thread accepts (up to UP_CLIENTS_MAX connections),
 *   one thread per connection answers its requests in order, and one
 *   sample thread takes the engine's samples into a ring from which each
 *   connection reads at its own pace (as each netlink socket has its own
 *   queue of SAMPLE events).
 * - Permissions as the module's: anyone who can reach the socket may read;
 *   only root, the process's own user or a member of the socket's group
 *   (SO_PEERCRED, SO_PEERGROUPS) may change anything.
 * - An owned start belongs to its connection: when that closes, by exit
 *   or SIGKILL, the run stops, as the module stops a run whose netlink
 *   socket closes. Time limits run in the engine, so here.
 * - A reply that is not taken within UP_SEND_TIMEOUT_MS, and a bad
 *   request, end that connection only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cpustress/duty.h>

#include "engine/user_proto.h"

/* Samples kept for the connections: a reader this far behind loses some. */
#define UD_RING		16

struct ud;

struct ud_client {
	struct ud *d;
	int fd;
	bool used;
	bool done;		/* the thread has ended: join it */
	pthread_t thread;
	struct ucred cred;
	bool may_change;
	uint64_t cursor;	/* newest sample handed to it */
};

struct ud {
	struct cs_engine *e;
	pthread_mutex_t elock;	/* one engine call at a time: e->err */
	pthread_mutex_t lock;	/* the fields below, not the engine */
	pthread_cond_t sample;	/* a new sample in the ring */
	struct cs_sample *ring[UD_RING];
	uint64_t seq;		/* newest sample in the ring, 0 = none */
	bool quit;
	struct ud_client cl[UP_CLIENTS_MAX];
	unsigned int nclients;
	int owner;		/* the connection that owns the run, or -1 */
	pid_t owner_pid;
	uint64_t owner_run;
	gid_t sock_gid;
	uid_t uid;
	unsigned int nposs;
};

static volatile sig_atomic_t ud_signalled;

static void ud_on_signal(int sig)
{
	ud_signalled = sig;
}

static void ud_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void ud_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "cpustress engine-daemon: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

/* --- the sample thread ------------------------------------------------ */

static void ud_take_sample(const struct cs_sample *s, void *arg)
{
	struct ud *d = arg;
	struct cs_sample *c;
	size_t sz = sizeof(*s) + s->ncpus * sizeof(s->cpu[0]);

	c = malloc(sz);
	if (!c)
		return;		/* a gap, as a full socket's */
	memcpy(c, s, sz);
	pthread_mutex_lock(&d->lock);
	d->seq = s->seq;
	free(d->ring[s->seq % UD_RING]);
	d->ring[s->seq % UD_RING] = c;
	pthread_cond_broadcast(&d->sample);
	pthread_mutex_unlock(&d->lock);
}

static void *ud_sample_fn(void *arg)
{
	struct ud *d = arg;
	bool quit = false;

	while (!quit) {
		if (d->e->ops->next_sample(d->e, 200, ud_take_sample, d) < 0)
			poll(NULL, 0, 200);
		pthread_mutex_lock(&d->lock);
		quit = d->quit;
		pthread_mutex_unlock(&d->lock);
	}
	return NULL;
}

/* --- one connection --------------------------------------------------- */

static bool ud_in_group(int fd, gid_t gid, const struct ucred *cr)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);
	size_t i;

	if (cr->gid == gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
		return false;
	for (i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == gid)
			return true;
	return false;
}

static int ud_send_cpus(struct ud_client *c, const struct cs_cpu_snap *cpu,
			uint32_t ncpus)
{
	struct up_chunk *ch = calloc(1, sizeof(*ch));
	uint32_t done = 0;
	int ret = 0;

	if (!ch)
		return -ENOMEM;
	ch->magic = UP_MAGIC;
	while (!ret && done < ncpus) {
		ch->n = ncpus - done < UP_CHUNK_CPUS ? ncpus - done :
						       UP_CHUNK_CPUS;
		memcpy(ch->cpu, cpu + done, ch->n * sizeof(ch->cpu[0]));
		ret = up_send(c->fd, ch, sizeof(*ch));
		done += ch->n;
	}
	free(ch);
	return ret;
}

/* The run's owner for status: its pid while its run goes on. */
static void ud_status(struct ud *d, struct up_rep *rep)
{
	struct cs_status *st = &rep->u.st;

	rep->ret = d->e->ops->status(d->e, st);
	pthread_mutex_lock(&d->lock);
	st->owner_portid = d->owner >= 0 && st->running &&
			   st->run_id == d->owner_run ?
			   (uint32_t)d->owner_pid : 0;
	pthread_mutex_unlock(&d->lock);
}

static int ud_start(struct ud_client *c, const struct up_req *r,
		    struct up_rep *rep)
{
	struct ud *d = c->d;
	struct cs_settings s;
	struct cs_status *st;

	up_req_to_settings(r, &s);
	rep->ret = d->e->ops->start(d->e, &s);
	if (rep->ret || !s.owned)
		return 0;
	st = calloc(1, sizeof(*st));
	if (!st) {
		d->e->ops->stop(d->e);	/* an owned run needs its owner */
		rep->ret = -ENOMEM;
		snprintf(d->e->err, sizeof(d->e->err), "the user engine is out of memory");
		return 0;
	}
	d->e->ops->status(d->e, st);
	pthread_mutex_lock(&d->lock);
	d->owner = (int)(c - d->cl);
	d->owner_pid = c->cred.pid;
	d->owner_run = st->run_id;
	pthread_mutex_unlock(&d->lock);
	free(st);
	return 0;
}

/* Wait for a sample newer than the connection's cursor; send it. */
static int ud_next_sample(struct ud_client *c, const struct up_req *r,
			  struct up_rep *rep)
{
	struct ud *d = c->d;
	uint64_t until = cs_now_ns() +
			 (uint64_t)r->timeout_ms * CS_NSEC_PER_MSEC;
	struct timespec ts = {
		.tv_sec = (time_t)(until / CS_NSEC_PER_SEC),
		.tv_nsec = (long)(until % CS_NSEC_PER_SEC),
	};
	struct cs_sample *s = NULL;
	int ret;

	pthread_mutex_lock(&d->lock);
	while (d->seq == c->cursor && !d->quit)
		if (pthread_cond_timedwait(&d->sample, &d->lock, &ts) ==
		    ETIMEDOUT)
			break;
	if (d->seq != c->cursor) {
		if (d->seq - c->cursor > UD_RING)
			c->cursor = d->seq - UD_RING;
		c->cursor++;
		s = d->ring[c->cursor % UD_RING];
		if (s && s->seq == c->cursor) {
			size_t sz = sizeof(*s) + s->ncpus * sizeof(s->cpu[0]);
			struct cs_sample *copy = malloc(sz);

			if (copy)
				memcpy(copy, s, sz);
			s = copy;
		} else {
			s = NULL;	/* lost: the sample thread had no memory */
		}
	}
	pthread_mutex_unlock(&d->lock);
	if (!s) {
		rep->ret = 0;
		return up_send(c->fd, rep, sizeof(*rep));
	}
	rep->ret = 1;
	rep->u.smp.seq = s->seq;
	rep->u.smp.ts_ns = s->ts_ns;
	rep->u.smp.dt_ns = s->dt_ns;
	rep->u.smp.ops_per_sec = s->ops_per_sec;
	rep->u.smp.ncpus = s->ncpus;
	rep->nchunks = up_nchunks(s->ncpus);
	ret = up_send(c->fd, rep, sizeof(*rep));
	if (!ret)
		ret = ud_send_cpus(c, s->cpu, s->ncpus);
	free(s);
	return ret;
}

/* Take a snapshot for the reply; its CPUs follow it. */
static void ud_snapshot(struct ud *d, struct up_rep *rep,
			struct cs_snapshot *snap)
{
	rep->ret = d->e->ops->snapshot(d->e, snap);
	if (rep->ret)
		return;
	rep->u.snap.ts_ns = snap->ts_ns;
	rep->u.snap.window_id = snap->window_id;
	rep->u.snap.window_start_ns = snap->window_start_ns;
	rep->u.snap.ncpus = snap->ncpus;
	rep->nchunks = up_nchunks(snap->ncpus);
}

/* Call the engine for one checked request, under d->elock. */
static int ud_call(struct ud_client *c, const struct up_req *r,
		   struct up_rep *rep, struct cs_snapshot *snap)
{
	struct cs_engine *e = c->d->e;
	struct cs_settings s;
	int ret = 0;

	e->err[0] = '\0';
	switch (r->op) {
	case UP_STATUS:
		ud_status(c->d, rep);
		break;
	case UP_SET:
		up_req_to_settings(r, &s);
		s.owned = false;
		rep->ret = e->ops->set(e, &s);
		break;
	case UP_START:
		ret = ud_start(c, r, rep);
		break;
	case UP_STOP:
		rep->ret = e->ops->stop(e);
		break;
	case UP_RESET_STATS:
		rep->ret = e->ops->reset_stats(e);
		break;
	case UP_SNAPSHOT:
		ud_snapshot(c->d, rep, snap);
		break;
	}
	if (rep->ret < 0)
		snprintf(rep->err, sizeof(rep->err), "%s", e->err);
	return ret;
}

/* Answer one checked request; a negative return ends the connection. */
static int ud_answer(struct ud_client *c, const struct up_req *r,
		     struct up_rep *rep)
{
	struct cs_snapshot snap = { 0 };
	int ret;

	if (up_op_changes(r->op) && !c->may_change) {
		rep->ret = -EPERM;
		snprintf(rep->err, sizeof(rep->err), "permission denied: changing the user engine needs root, uid %u or group %u (the socket's group)",
			 (unsigned int)c->d->uid, (unsigned int)c->d->sock_gid);
		return up_send(c->fd, rep, sizeof(*rep));
	}
	if (r->op == UP_NEXT_SAMPLE)
		return ud_next_sample(c, r, rep);
	pthread_mutex_lock(&c->d->elock);
	ret = ud_call(c, r, rep, &snap);
	pthread_mutex_unlock(&c->d->elock);
	/* Sent outside the lock: a slow reader delays no one else. */
	if (!ret)
		ret = up_send(c->fd, rep, sizeof(*rep));
	if (!ret && r->op == UP_SNAPSHOT && !rep->ret)
		ret = ud_send_cpus(c, snap.cpu, snap.ncpus);
	cs_snapshot_free(&snap);
	return ret;
}

/* The connection closed: an owned run it started stops. */
static void ud_client_gone(struct ud_client *c)
{
	struct ud *d = c->d;
	struct cs_status *st;
	uint64_t run;
	bool owner;

	pthread_mutex_lock(&d->lock);
	owner = d->owner == (int)(c - d->cl);
	run = d->owner_run;
	if (owner)
		d->owner = -1;
	pthread_mutex_unlock(&d->lock);
	if (!owner)
		return;
	st = calloc(1, sizeof(*st));
	pthread_mutex_lock(&d->elock);
	if (st && !d->e->ops->status(d->e, st) && st->running &&
	    st->run_id == run) {
		ud_log("run %llu: its owner (pid %d) is gone: stopping it",
		       (unsigned long long)run, (int)c->cred.pid);
		d->e->ops->stop(d->e);
	}
	pthread_mutex_unlock(&d->elock);
	free(st);
}

static void *ud_client_fn(void *arg)
{
	struct ud_client *c = arg;
	struct up_req *r = malloc(sizeof(*r) + 1);
	struct up_rep *rep = malloc(sizeof(*rep));
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;

	while (r && rep) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = r;
		iov.iov_len = sizeof(*r) + 1;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		n = recvmsg(c->fd, &mh, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		memset(rep, 0, sizeof(*rep));
		rep->magic = UP_MAGIC;
		rep->op = (size_t)n >= sizeof(r->op) + 8 ? r->op : 0;
		rep->ret = up_req_check(r, (size_t)n,
					!!(mh.msg_flags & MSG_TRUNC),
					rep->err, sizeof(rep->err));
		if (rep->ret) {
			ud_log("pid %d: %s: closing its connection",
			       (int)c->cred.pid, rep->err);
			up_send(c->fd, rep, sizeof(*rep));
			break;
		}
		if (ud_answer(c, r, rep) < 0)
			break;
	}
	free(rep);
	free(r);
	ud_client_gone(c);
	close(c->fd);
	pthread_mutex_lock(&c->d->lock);
	c->done = true;
	pthread_mutex_unlock(&c->d->lock);
	return NULL;
}

/* Join the threads of closed connections; the count of open ones. */
static unsigned int ud_reap(struct ud *d)
{
	unsigned int i, n = 0;

	for (i = 0; i < UP_CLIENTS_MAX; i++) {
		struct ud_client *c = &d->cl[i];
		bool done;

		if (!c->used)
			continue;
		pthread_mutex_lock(&d->lock);
		done = c->done;
		pthread_mutex_unlock(&d->lock);
		if (done) {
			pthread_join(c->thread, NULL);
			c->used = false;
		} else {
			n++;
		}
	}
	d->nclients = n;
	return n;
}

static void ud_refuse(int fd, const char *why)
{
	struct up_rep *rep = calloc(1, sizeof(*rep));

	if (rep) {
		rep->magic = UP_MAGIC;
		rep->ret = -EBUSY;
		snprintf(rep->err, sizeof(rep->err), "%s", why);
		up_send(fd, rep, sizeof(*rep));
		free(rep);
	}
	close(fd);
}

static void ud_accept(struct ud *d, int lfd)
{
	struct timeval tv = {
		.tv_sec = UP_SEND_TIMEOUT_MS / 1000,
		.tv_usec = (UP_SEND_TIMEOUT_MS % 1000) * 1000,
	};
	socklen_t len = sizeof(struct ucred);
	struct ud_client *c = NULL;
	unsigned int i;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	ud_reap(d);
	for (i = 0; i < UP_CLIENTS_MAX && !c; i++)
		if (!d->cl[i].used)
			c = &d->cl[i];
	if (!c) {
		char why[96];

		snprintf(why, sizeof(why), "the user engine has too many clients (the most is %d): try again later",
			 UP_CLIENTS_MAX);
		ud_refuse(fd, why);
		return;
	}
	memset(c, 0, sizeof(*c));
	c->d = d;
	c->fd = fd;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &len)) {
		close(fd);
		return;
	}
	c->may_change = c->cred.uid == 0 || c->cred.uid == d->uid ||
			ud_in_group(fd, d->sock_gid, &c->cred);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	pthread_mutex_lock(&d->lock);
	c->cursor = d->seq;
	pthread_mutex_unlock(&d->lock);
	c->used = true;
	if (pthread_create(&c->thread, NULL, ud_client_fn, c)) {
		c->used = false;
		ud_refuse(fd, "the user engine is out of threads: try again later");
	}
}

/* --- the socket --------------------------------------------------------- */

/* A socket at @path with an engine behind it: another daemon runs. */
static bool ud_alive(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	alive = !connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return alive;
}

static int ud_mkdir(const char *path)
{
	char dir[UP_PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	/* Private unless it is the host's: others reach that one to read. */
	if (mkdir(dir, strcmp(path, UP_SOCK_HOST) ? 0700 : 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * Bind and listen at @path. PATH.lock is held from the check that no
 * engine process listens until this one does, so that two started at once
 * (two starts with none running) cannot both unlink and bind: the second
 * finds the first.
 */
static int ud_bind(struct ud *d, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char lock[UP_PATH_MAX + 8];
	int fd, lfd, ret;

	snprintf(lock, sizeof(lock), "%s.lock", path);
	lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd < 0 || flock(lfd, LOCK_EX)) {
		ret = -errno;
		ud_log("%s: %s", lock, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return ret;
	}
	if (ud_alive(path)) {
		ud_log("an engine process already listens on %s", path);
		close(lfd);
		return -EADDRINUSE;
	}
	unlink(path);		/* a stale socket: its process is gone */
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		close(lfd);
		return ret;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	/*
	 * Anyone who can reach the directory may connect and read. No chown
	 * without --group: a service's seccomp filter may refuse it.
	 */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(path, 0666) ||
	    (d->sock_gid != getegid() &&
	     chown(path, (uid_t)-1, d->sock_gid)) ||
	    listen(fd, UP_CLIENTS_MAX)) {
		ret = -errno;
		ud_log("cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		fd = ret;
	}
	close(lfd);
	return fd;
}

static int ud_listen(struct ud *d, const char *path, const char *group)
{
	char err[CS_ERR_MAX];
	struct group *g;
	int ret;

	d->sock_gid = getegid();
	if (group) {
		g = getgrnam(group);
		if (!g) {
			ud_log("--group: no group '%s'", group);
			return -EINVAL;
		}
		d->sock_gid = g->gr_gid;
	}
	ret = ud_mkdir(path);
	if (ret) {
		ud_log("cannot create the directory of %s: %s", path,
		       strerror(-ret));
		return ret;
	}
	ret = up_dir_check(path, d->uid, err, sizeof(err));
	if (ret) {
		ud_log("%s", err);
		return ret;
	}
	return ud_bind(d, path);
}

/* PATH.pid: @pid, or none (0). */
static void ud_pidfile(const char *path, pid_t pid)
{
	char pf[UP_PATH_MAX + 8];
	FILE *f;

	snprintf(pf, sizeof(pf), "%s.pid", path);
	if (!pid) {
		unlink(pf);
		return;
	}
	f = fopen(pf, "we");
	if (f) {
		fprintf(f, "%d\n", (int)pid);
		fclose(f);
	}
}

/*
 * Detach once listening. The parent writes the child's pid file and exits:
 * its exit says the socket is ready and the pid file written.
 */
static int ud_detach(const char *path)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid > 0) {
		ud_pidfile(path, pid);
		_exit(0);
	}
	setsid();
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return 0;
}

/* --- main loop -------------------------------------------------------- */

static void ud_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	/* Started by a process that blocks them for a sigwait thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ud_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static bool ud_running(struct ud *d)
{
	struct cs_status *st = calloc(1, sizeof(*st));
	bool running = true;	/* when in doubt, stay */

	pthread_mutex_lock(&d->elock);
	if (st && !d->e->ops->status(d->e, st))
		running = st->running;
	pthread_mutex_unlock(&d->elock);
	free(st);
	return running;
}

static void ud_serve(struct ud *d, int lfd, uint32_t idle_exit_s)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	uint64_t idle_since = cs_now_ms();

	while (!ud_signalled) {
		if (poll(&p, 1, 500) > 0 && (p.revents & POLLIN))
			ud_accept(d, lfd);
		if (ud_reap(d) || ud_running(d))
			idle_since = cs_now_ms();
		else if (idle_exit_s &&
			 cs_now_ms() - idle_since >= idle_exit_s * 1000ULL)
			break;
	}
}

/* Wake every connection's thread and the sample thread; join them all. */
static void ud_shutdown(struct ud *d, pthread_t smp)
{
	unsigned int i;

	pthread_mutex_lock(&d->lock);
	d->quit = true;
	pthread_cond_broadcast(&d->sample);
	for (i = 0; i < UP_CLIENTS_MAX; i++)
		if (d->cl[i].used && !d->cl[i].done)
			shutdown(d->cl[i].fd, SHUT_RDWR);
	pthread_mutex_unlock(&d->lock);
	for (i = 0; i < UP_CLIENTS_MAX; i++)
		if (d->cl[i].used)
			pthread_join(d->cl[i].thread, NULL);
	pthread_join(smp, NULL);
	for (i = 0; i < UD_RING; i++)
		free(d->ring[i]);
}

/**
 * up_daemon_main() - run the user engine's process until SIGTERM/SIGINT
 * @o: its options
 *
 * Return: the exit code: 0, or 1 with the reason on stderr.
 */
int up_daemon_main(const struct up_daemon_opts *o)
{
	char path[UP_PATH_MAX], err[CS_ERR_MAX];
	pthread_condattr_t ca;
	struct ud *d;
	pthread_t smp;
	int lfd, ret = 1;

	if (o->sock)
		snprintf(path, sizeof(path), "%s", o->sock);
	else if (up_sock_path(path, sizeof(path), err, sizeof(err))) {
		ud_log("%s", err);
		return 1;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return 1;
	d->uid = geteuid();
	d->owner = -1;
	ud_signals();
	lfd = ud_listen(d, path, o->group);
	if (lfd < 0)
		goto out;
	if (o->background) {
		if (ud_detach(path))
			goto out_sock;
	} else {
		ud_pidfile(path, getpid());
	}
	/* Threads only now: after the fork of ud_detach(). */
	pthread_mutex_init(&d->lock, NULL);
	pthread_mutex_init(&d->elock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->sample, &ca);
	pthread_condattr_destroy(&ca);
	if (cs_engine_open_user(&d->e, err, sizeof(err))) {
		ud_log("%s", err);
		goto out_pid;
	}
	if (pthread_create(&smp, NULL, ud_sample_fn, d)) {
		ud_log("cannot start the sample thread");
		goto out_engine;
	}
	ud_log("listening on %s", path);
	ud_serve(d, lfd, o->idle_exit_s);
	close(lfd);
	lfd = -1;
	ud_shutdown(d, smp);
	ret = 0;
out_engine:
	cs_engine_close(d->e);
out_pid:
	ud_pidfile(path, 0);
out_sock:
	if (lfd >= 0)
		close(lfd);
	unlink(path);
out:
	free(d);
	return ret;
}
