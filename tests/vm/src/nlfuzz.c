// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: random and mutated generic netlink messages to the cpustress
 * family, without libnl. Every command and attribute, at and past the
 * documented limits (include/uapi/linux/cpustress.h); lengths 0, short,
 * exact, long and huge; nested junk and deep nesting; unknown commands and
 * attributes; every nlmsg flag; truncated and inconsistent nlmsg_len and
 * nla_len; batches; bit flips and splices of valid messages; sockets that
 * START an owned run and close. Two children send at the same time without
 * CAP_NET_ADMIN: one as nobody, one as root with the capability dropped.
 *
 * Oracles: a message built to be valid or invalid gets the answer the ABI
 * promises; no request without CAP_NET_ADMIN ever changes anything (no
 * success for SET, START, STOP, RESET_STATS); every reply is well framed;
 * and every -c messages or 2 s a clean socket checks that GET answers with
 * settings in their ranges, the loaded CPUs matching the state, that a
 * GET_STATS dump has one message per possible CPU, and that samples keep
 * coming.
 *
 *   cs-nlfuzz [-s SEED] [-n MSGS] [-t SECS] [-u PCT] [-c EVERY]
 *       fuzz until MSGS messages or SECS seconds, whichever comes first;
 *       PCT % of the messages (default 20) come from the two children
 *   cs-nlfuzz get
 *       GET as "key=value" lines (for comparing with sysfs)
 *
 * Prints the seed first (rerun with -s to repeat a sequence; the children
 * and the kernel's timing still vary), counts by kind at the end, and
 * "nlfuzz: sent N failures F checks C running R"; exits 1 on a failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "nlfuzz.h"

#define NERR		200
#define NPROC		3	/* root, nobody, root without CAP_NET_ADMIN */
#define MAX_FAIL_PRINT	20
#define CHECK_SECS	2.0
#define NOBODY		65534

/* Counters of one process, in memory shared with the parent. */
struct stats {
	uint64_t sent, send_err[NERR], replies, events, acks, err[NERR];
	uint64_t dumps_done, dump_err[NERR], overruns, truncs, bad_replies;
	uint64_t failures, checks, checks_running, churns, expected;
};

uint64_t fuzz_rng;
static struct stats *st;
uint16_t fam;
static int nl, who;
int priv;
uint32_t seqno;
uint64_t possible, online;	/* CPU masks */
int nposs;
static const char *const who_name[NPROC] = { "root", "nobody", "nocap" };

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void failf(const char *fmt, ...)
{
	va_list ap;

	if (st->failures++ >= MAX_FAIL_PRINT)
		return;
	printf("FAIL nlfuzz (%s): ", who_name[who]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* A cpulist of the kernel's output form ("0-2,5") into a 64-bit mask. */
static int mask_parse(const char *s, uint64_t *m)
{
	char *end;

	*m = 0;
	while (*s && *s != '\n') {
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (end == s)
			return -1;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (b >= 64 || a > b)
			return -1;
		for (; a <= b; a++)
			*m |= 1ULL << a;
		s = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static uint64_t read_mask(const char *path)
{
	char line[256] = "";
	uint64_t m = 0;
	FILE *f = fopen(path, "r");

	if (f) {
		if (!fgets(line, sizeof(line), f) || mask_parse(line, &m))
			m = 0;
		fclose(f);
	}
	return m;
}

/* --- sending and receiving --------------------------------------------- */

static void count_err(uint64_t *tab, int e)
{
	tab[e > 0 && e < NERR ? e : 0]++;
}

/* Every attribute of a reply must lie within it. */
static int reply_ok(const struct nlmsghdr *r)
{
	int len = (int)r->nlmsg_len - NLMSG_SPACE(GENL_HDRLEN);
	const unsigned char *p = (const unsigned char *)r + NLMSG_SPACE(GENL_HDRLEN);

	if (len < 0)
		return 0;
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return 0;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return len == 0 || len < 0;
}

/*
 * Read everything queued, without blocking (the kernel answers within the
 * send; a dump continues on each read). Returns the answer to @seq: 0 or a
 * positive errno; -1 if none came.
 */
static int drain(int fd, uint32_t seq)
{
	static unsigned char rb[BUF];
	int result = -1;

	for (;;) {
		struct iovec iov = { rb, sizeof(rb) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
		struct nlmsghdr *r;

		if (n < 0) {
			if (errno == ENOBUFS) {
				st->overruns++;
				continue;
			}
			return result;
		}
		if (mh.msg_flags & MSG_TRUNC)
			st->truncs++;
		for (r = (struct nlmsghdr *)rb; NLMSG_OK(r, (size_t)n);
		     r = NLMSG_NEXT(r, n)) {
			int e = 0;

			if (r->nlmsg_type == NLMSG_ERROR || r->nlmsg_type == NLMSG_DONE) {
				if (r->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					e = -*(int *)NLMSG_DATA(r);
				if (r->nlmsg_type == NLMSG_DONE) {
					st->dumps_done++;
					if (e)
						count_err(st->dump_err, e);
				} else if (e) {
					count_err(st->err, e);
				} else {
					st->acks++;
				}
				if (r->nlmsg_seq == seq)
					result = e;
				continue;
			}
			if (r->nlmsg_seq == 0 && r->nlmsg_pid == 0)
				st->events++;
			else
				st->replies++;
			if (r->nlmsg_type == fam && !reply_ok(r)) {
				st->bad_replies++;
				failf("reply to seq %u with a broken attribute", r->nlmsg_seq);
			}
		}
	}
}

/* Send @m as it is; returns its send errno or 0. */
static int send_msg(int fd, const struct msg *m)
{
	st->sent++;
	if (send(fd, m->b, m->len, 0) < 0) {
		count_err(st->send_err, errno);
		return errno;
	}
	return 0;
}

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int one = 1, big = 1 << 20;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("nlfuzz: netlink socket");
		exit(2);
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return fd;
}

/*
 * A blocking request on @fd (nlmsg.h: nl_request), with the next sequence
 * number and at most 20 s for the answer.
 */
static int request(int fd, struct msg *m, struct msg *r, int *parts)
{
	struct timeval tv = { .tv_sec = 20 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return nl_request(fd, m, ++seqno, r, parts, NULL, 0);
}

static uint32_t samples_grp;

/* The family's id and the id of its "samples" group. */
static int resolve_family(int fd)
{
	struct msg *m = malloc(sizeof(*m)), *r = malloc(sizeof(*r));
	struct timeval tv = { .tv_sec = 20 };
	int err;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	err = nl_resolve_family(fd, ++seqno, m, r, &fam, &samples_grp);
	free(m);
	free(r);
	return err ? -1 : 0;
}

/* --- the state check ---------------------------------------------------- */

struct state {
	int running;
	uint32_t busy, period, interval, limit;
	uint64_t sample_seq;
	char cpus[CPUSTRESS_CPUS_MAXLEN], loaded[CPUSTRESS_CPUS_MAXLEN],
	     online[CPUSTRESS_CPUS_MAXLEN];
};

static int get_u32(const struct msg *r, uint16_t type, uint32_t *v)
{
	struct nlattr *a = attr_find(r, type);

	if (!a || a->nla_len != NLA_HDRLEN + sizeof(*v))
		return -1;
	memcpy(v, (char *)a + NLA_HDRLEN, sizeof(*v));
	return 0;
}

static int get_str(const struct msg *r, uint16_t type, char *s, size_t n)
{
	struct nlattr *a = attr_find(r, type);
	size_t len = a ? a->nla_len - NLA_HDRLEN : 0;

	if (!a || !len || len > n || ((char *)a)[NLA_HDRLEN + len - 1])
		return -1;
	memcpy(s, (char *)a + NLA_HDRLEN, len);
	return 0;
}

/* GET into @s; 0, an errno, or -1 for a reply missing something. */
static int get_state(int fd, struct state *s)
{
	static struct msg m, r;
	struct nlattr *a;
	int ret;

	msg_init(&m, fam, CPUSTRESS_CMD_GET, NLM_F_REQUEST | NLM_F_ACK);
	ret = request(fd, &m, &r, NULL);
	if (ret)
		return ret;
	a = attr_find(&r, CPUSTRESS_A_RUNNING);
	if (!r.len || !a || a->nla_len != NLA_HDRLEN + 1)
		return -1;
	s->running = *((unsigned char *)a + NLA_HDRLEN);
	a = attr_find(&r, CPUSTRESS_A_SAMPLE_SEQ);
	if (!a || a->nla_len != NLA_HDRLEN + sizeof(s->sample_seq))
		return -1;
	memcpy(&s->sample_seq, (char *)a + NLA_HDRLEN, sizeof(s->sample_seq));
	if (get_u32(&r, CPUSTRESS_A_BUSY_PCT, &s->busy) ||
	    get_u32(&r, CPUSTRESS_A_PERIOD_MS, &s->period) ||
	    get_u32(&r, CPUSTRESS_A_INTERVAL_MS, &s->interval) ||
	    get_u32(&r, CPUSTRESS_A_TIME_LIMIT_MS, &s->limit) ||
	    get_str(&r, CPUSTRESS_A_CPUS, s->cpus, sizeof(s->cpus)) ||
	    get_str(&r, CPUSTRESS_A_LOADED_CPUS, s->loaded, sizeof(s->loaded)) ||
	    get_str(&r, CPUSTRESS_A_ONLINE_CPUS, s->online, sizeof(s->online)))
		return -1;
	return 0;
}

/*
 * Samples keep coming: interval_ms changes all the time, mostly to values
 * up to 2 s; a sampler that has not sampled for STALL_SECS while every
 * check saw an interval of at most SHORT_INTERVAL ms has stalled.
 */
#define STALL_SECS	10.0
#define SHORT_INTERVAL	2000
static void check_sampler(const struct state *s)
{
	static uint64_t seq;
	static double since;
	static int short_only = 1;
	double now = now_s();

	if (s->sample_seq != seq || !since) {
		seq = s->sample_seq;
		since = now;
		short_only = 1;
		return;
	}
	short_only &= s->interval <= SHORT_INTERVAL;
	if (short_only && now - since > STALL_SECS) {
		failf("check: no sample for %.1f s (seq %llu) with interval_ms at most %u",
		      now - since, (unsigned long long)seq, SHORT_INTERVAL);
		since = now;
	}
}

/*
 * The module answers GET with settings in their documented ranges, workers
 * on exactly the selected CPUs while running and none while stopped, and a
 * GET_STATS dump with one message per possible CPU; samples keep coming.
 */
static void check(int fd)
{
	static struct msg m;
	uint64_t sel, loaded, on;
	struct state s;
	int ret, parts;

	st->checks++;
	ret = get_state(fd, &s);
	if (ret) {
		failf("check: GET failed: %s", ret < 0 ? "attribute missing" :
		      strerror(ret));
		return;
	}
	st->checks_running += s.running;
	check_sampler(&s);
	if (s.running > 1 || s.busy < BUSY_MIN || s.busy > BUSY_MAX ||
	    s.period < PERIOD_MIN || s.period > PERIOD_MAX ||
	    s.interval < INTERVAL_MIN || s.interval > INTERVAL_MAX ||
	    s.limit > LIMIT_MAX)
		failf("check: out of range: running %d busy %u period %u interval %u limit %u",
		      s.running, s.busy, s.period, s.interval, s.limit);
	if (mask_parse(s.online, &on) || mask_parse(s.loaded, &loaded) ||
	    (strcmp(s.cpus, "all") ? mask_parse(s.cpus, &sel) : (sel = on, 0)))
		failf("check: cpulists unreadable: cpus '%s' loaded '%s' online '%s'",
		      s.cpus, s.loaded, s.online);
	else if (s.running ? loaded != (sel & on) : loaded != 0)
		failf("check: running %d, cpus '%s', online '%s', but workers on '%s'",
		      s.running, s.cpus, s.online, s.loaded);
	msg_init(&m, fam, CPUSTRESS_CMD_GET_STATS, NLM_F_REQUEST | NLM_F_DUMP);
	ret = request(fd, &m, NULL, &parts);
	if (ret || parts != nposs)
		failf("check: GET_STATS dump: %s, %d messages for %d CPUs",
		      strerror(ret), parts, nposs);
}

/* --- the fuzz loop --------------------------------------------------------- */

static int mutating(uint8_t cmd)
{
	return cmd == CPUSTRESS_CMD_SET || cmd == CPUSTRESS_CMD_START ||
	       cmd == CPUSTRESS_CMD_STOP || cmd == CPUSTRESS_CMD_RESET_STATS;
}

/* A socket that STARTs an owned run and closes: the run must stop. */
static void churn(void)
{
	static struct msg m;
	int fd = nl_open(), ret;

	st->churns++;
	msg_init(&m, fam, CPUSTRESS_CMD_START, NLM_F_REQUEST | NLM_F_ACK);
	put(&m, CPUSTRESS_A_OWNED, NULL, 0);
	st->sent++;
	ret = request(fd, &m, NULL, NULL);
	if (ret && ret != EBUSY)
		failf("owned START: %s", strerror(ret));
	close(fd);
}

static void fuzz(uint64_t budget, double deadline, unsigned int every)
{
	static struct msg m;
	int checker = priv ? nl_open() : -1;
	double next = now_s() + CHECK_SECS;
	uint64_t last_check = 0;

	while (st->sent < budget && now_s() < deadline) {
		expect_t want = E_ANY;
		int framed = 0, ret, single;
		unsigned int kind = below(100);
		struct genlmsghdr *g;
		uint32_t seq;

		if (kind < 35) {
			want = gen_valid(&m);
			st->expected++;
		} else if (kind < 62) {
			gen_random(&m);
		} else if (kind < 90) {
			gen_valid(&m);
			mutate(&m);
		} else if (kind < 97 || !priv) {
			gen_framing(&m);
			framed = 1;
		} else {
			churn();
			continue;
		}
		if (samples_grp && chance(1)) {
			int opt = chance(50) ? NETLINK_ADD_MEMBERSHIP :
				  NETLINK_DROP_MEMBERSHIP;

			setsockopt(nl, SOL_NETLINK, opt, &samples_grp,
				   sizeof(samples_grp));
		}
		seq = framed ? hdr(&m)->nlmsg_seq : ++seqno;
		if (!framed) {
			hdr(&m)->nlmsg_type = fam;
			hdr(&m)->nlmsg_seq = seq;
			hdr(&m)->nlmsg_len = m.len;
		}
		single = !framed && m.len >= NLMSG_SPACE(GENL_HDRLEN);
		g = (struct genlmsghdr *)(m.b + NLMSG_HDRLEN);
		if (send_msg(nl, &m)) {
			if (want != E_ANY)
				failf("send of a generated message: %s", strerror(errno));
			continue;
		}
		ret = drain(nl, seq);
		if (want != E_ANY && (ret < 0 || !(want & E(ret))))
			failf("cmd %u flags %#x len %zu: answer %s, expected mask %#llx",
			      g->cmd, hdr(&m)->nlmsg_flags, m.len,
			      ret < 0 ? "none" : ret ? strerror(ret) : "success",
			      (unsigned long long)want);
		if (!priv && single && ret == 0 && mutating(g->cmd) &&
		    (hdr(&m)->nlmsg_flags & NLM_F_REQUEST))
			failf("cmd %u succeeded without CAP_NET_ADMIN", g->cmd);
		if (priv && (st->sent - last_check >= every || now_s() >= next)) {
			check(checker);
			last_check = st->sent;
			next = now_s() + CHECK_SECS;
		}
	}
	if (priv) {
		check(checker);
		close(checker);
	}
}

/* --- processes ------------------------------------------------------------- */

static int drop_cap_net_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	unsigned int i = CAP_NET_ADMIN / 32, bit = 1U << (CAP_NET_ADMIN % 32);

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[i].effective &= ~bit;
	d[i].permitted &= ~bit;
	d[i].inheritable &= ~bit;
	if (syscall(SYS_capset, &h, d) || syscall(SYS_capget, &h, d))
		return -1;
	return d[i].effective & bit ? -1 : 0;
}

static int become_nobody(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		return -1;
	return getuid() == NOBODY && geteuid() == NOBODY ? 0 : -1;
}

static void print_errs(const char *what, const uint64_t *tab)
{
	uint64_t sum = 0;
	int e;

	for (e = 0; e < NERR; e++)
		sum += tab[e];
	printf(", %s %llu", what, (unsigned long long)sum);
	if (!sum)
		return;
	printf(" (");
	for (e = 0, sum = 0; e < NERR; e++)
		if (tab[e])
			printf("%s%s %llu", sum++ ? ", " : "",
			       e ? strerrorname_np(e) : "other",
			       (unsigned long long)tab[e]);
	printf(")");
}

static void print_stats(int i, const struct stats *s)
{
	printf("# nlfuzz %s: sent %llu (%llu with a known answer, %llu owned-run sockets), replies %llu, events %llu, acks %llu",
	       who_name[i], (unsigned long long)s->sent,
	       (unsigned long long)s->expected, (unsigned long long)s->churns,
	       (unsigned long long)s->replies, (unsigned long long)s->events,
	       (unsigned long long)s->acks);
	print_errs("errors", s->err);
	printf(", dumps %llu", (unsigned long long)s->dumps_done);
	print_errs("dump errors", s->dump_err);
	print_errs("send errors", s->send_err);
	printf(", overruns %llu, failures %llu\n", (unsigned long long)s->overruns,
	       (unsigned long long)s->failures);
}

static void setup_socket(void)
{
	nl = nl_open();
	if (resolve_family(nl)) {
		printf("FAIL nlfuzz (%s): family %s not found\n", who_name[who],
		       CPUSTRESS_GENL_NAME);
		exit(1);
	}
	if (samples_grp)
		setsockopt(nl, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &samples_grp,
			   sizeof(samples_grp));
}

static int print_get(void)
{
	struct state s;

	setup_socket();
	if (get_state(nl, &s))
		return 1;
	printf("running=%d\nbusy_pct=%u\nperiod_ms=%u\ninterval_ms=%u\ntime_limit_ms=%u\ncpus=%s\nloaded=%s\nonline=%s\nsample_seq=%llu\n",
	       s.running, s.busy, s.period, s.interval, s.limit, s.cpus,
	       s.loaded, s.online, (unsigned long long)s.sample_seq);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	uint64_t msgs = 40000, budget[NPROC], total = 0, failures = 0;
	unsigned int secs = 60, unpriv_pct = 20, every = 1000;
	struct stats *all;
	double t0, deadline;
	int opt, i;
	pid_t pid[NPROC] = { 0 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "get"))
		return print_get();
	while ((opt = getopt(argc, argv, "s:n:t:u:c:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': msgs = strtoull(optarg, NULL, 0); break;
		case 't': secs = strtoul(optarg, NULL, 0); break;
		case 'u': unpriv_pct = strtoul(optarg, NULL, 0) % 101; break;
		case 'c': every = strtoul(optarg, NULL, 0) ?: 1; break;
		default:
			fprintf(stderr, "usage: cs-nlfuzz [-s SEED] [-n MSGS] [-t SECS] [-u PCT] [-c EVERY] | get\n");
			return 2;
		}
	}
	possible = read_mask("/sys/devices/system/cpu/possible");
	online = read_mask("/sys/devices/system/cpu/online");
	if (!possible || !online) {
		printf("FAIL nlfuzz: more than 64 CPUs or no CPU list\n");
		return 1;
	}
	nposs = __builtin_popcountll(possible);
	all = mmap(NULL, NPROC * sizeof(*all), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (all == MAP_FAILED)
		return 2;
	budget[1] = budget[2] = msgs * unpriv_pct / 200;
	budget[0] = msgs - budget[1] - budget[2];
	printf("# nlfuzz: seed %llu: up to %llu messages in %u s, %u %% without CAP_NET_ADMIN, check every %u\n",
	       (unsigned long long)seed, (unsigned long long)msgs, secs,
	       unpriv_pct, every);
	t0 = now_s();
	deadline = t0 + secs;
	for (i = NPROC - 1; i >= 0; i--) {
		if (!budget[i])
			continue;
		if (i && (pid[i] = fork()) != 0)
			continue;
		who = i;
		st = &all[i];
		fuzz_rng = seed ^ (0x1000193ULL * (uint64_t)i);
		priv = !i;
		if ((i == 1 && become_nobody()) || (i == 2 && drop_cap_net_admin())) {
			printf("FAIL nlfuzz (%s): cannot drop privileges: %s\n",
			       who_name[i], strerror(errno));
			exit(1);
		}
		setup_socket();
		fuzz(budget[i], deadline, every);
		if (i)
			exit(0);
	}
	for (i = 1; i < NPROC; i++) {
		int status;

		if (pid[i] > 0 && (waitpid(pid[i], &status, 0) < 0 ||
				   !WIFEXITED(status) || WEXITSTATUS(status))) {
			printf("FAIL nlfuzz (%s): the child died\n", who_name[i]);
			failures++;
		}
	}
	for (i = 0; i < NPROC; i++) {
		print_stats(i, &all[i]);
		total += all[i].sent;
		failures += all[i].failures;
	}
	printf("nlfuzz: sent %llu failures %llu checks %llu running %llu secs %.1f\n",
	       (unsigned long long)total, (unsigned long long)failures,
	       (unsigned long long)all[0].checks,
	       (unsigned long long)all[0].checks_running, now_s() - t0);
	return failures ? 1 : 0;
}
