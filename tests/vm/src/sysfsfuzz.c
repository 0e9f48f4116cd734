// SPDX-License-Identifier: GPL-2.0
/*
 * sysfsfuzz: random writes to every writable file under
 * /sys/kernel/cpustress/ while a run is live: valid values, the limits and
 * past them, negative, huge, whitespace, empty, binary, long strings and
 * odd cpulists.
 *
 * Each write is checked against a model of the documented interface
 * (README, "/sys/kernel/cpustress/"): a number is what kstrtou32() takes
 * (an optional '+', decimal digits, one optional newline), a cpulist what
 * cpulist_parse() takes, or "all"; the kernel reads up to the first NUL.
 * An accepted write must read back as the value written, normalised ("+07"
 * reads 7, "all" the online CPUs); a refused one must fail with EINVAL or
 * ERANGE and leave the value as it was (of a longer write, sysfs passes on
 * the first page, and the write returns its length). The model and
 * the kernel must agree on which writes are accepted. The run stays live
 * with a worker on exactly the selected CPUs (a write of 0 to running is
 * followed by a 1), and read-only files refuse writes.
 *
 *   cs-sysfsfuzz [-s SEED] [-n WRITES] [-t SECS]
 *
 * Prints the seed first and "sysfsfuzz: writes N accepted A refused R
 * failures F secs S" at the end; exits 1 on a failure.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define DIR_CS		"/sys/kernel/cpustress"
#define MAX_ATTRS	2048
#define MAX_DIRS	300
#define VAL_MAX		8192
#define PAGE		4096
#define MAX_FAIL_PRINT	20
#define WORKER_CHECK	25	/* writes between checks of the workers */

enum kind { K_RUNNING, K_BUSY, K_PERIOD, K_INTERVAL, K_CPUS, K_OTHER };

struct attr {
	char path[256];
	enum kind kind;
	int writable;
	uint64_t writes, accepted;
};

static struct attr attrs[MAX_ATTRS];
static int nattrs;
uint64_t fuzz_rng;
static uint64_t online;
static unsigned int ncpu_ids;
static uint64_t writes, accepted, refused, failures, restarts, checks;

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void failf(const char *fmt, ...)
{
	va_list ap;

	if (failures++ >= MAX_FAIL_PRINT)
		return;
	printf("FAIL sysfsfuzz: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Printable form of a written value, for messages. */
static const char *show(const char *v, size_t len)
{
	static char out[200];
	size_t i, o = 0;

	for (i = 0; i < len && o + 8 < sizeof(out); i++) {
		unsigned char c = (unsigned char)v[i];

		o += c >= 0x20 && c < 0x7f && c != '\\' ?
		     (size_t)snprintf(out + o, sizeof(out) - o, "%c", c) :
		     (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", c);
	}
	if (i < len)
		snprintf(out + o, sizeof(out) - o, "...(%zu bytes)", len);
	else
		out[o] = 0;
	return out;
}

static int read_value(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = 0;
	if (r && buf[r - 1] == '\n')
		buf[r - 1] = 0;
	return 0;
}

/* --- the model ------------------------------------------------------------ */

/* kstrtou32(s, 10): 0, -EINVAL or -ERANGE. */
static int model_u32(const char *s, uint32_t *v)
{
	uint64_t x = 0;
	int digits = 0, over = 0;

	if (*s == '+')
		s++;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > 0xffffffffULL)
			over = 1;
	}
	if (!digits)
		return -EINVAL;
	if (over)
		return -ERANGE;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

/* A decimal number of the cpulist syntax, or 'N' for the last CPU id. */
static const char *list_num(const char *s, uint64_t *n)
{
	int digits = 0;

	if (*s == 'N') {
		*n = ncpu_ids - 1;
		return s + 1;
	}
	for (*n = 0; *s >= '0' && *s <= '9'; s++, digits++) {
		*n = *n * 10 + (uint64_t)(*s - '0');
		if (*n > 0xffffffffULL)
			*n = 1ULL << 40;	/* stays too large */
	}
	return digits ? s : NULL;
}

/* The kernel's isspace(): also Latin-1's no-break space. */
static int space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (unsigned char)c == 0xa0;
}

/*
 * A cpulist as cpulist_parse() reads it (lib/bitmap.c): regions "A",
 * "A-B" or "all", each optionally ":used/group", separated by commas or
 * white space; "N" is the last CPU id; a newline right after a region
 * without ":used/group" ends the list. Returns 0, -EINVAL or -ERANGE (a
 * CPU past the last id, a number too large, or a group size within the
 * number of CPU ids of U32_MAX).
 */
static int model_cpulist(const char *s, uint64_t *mask)
{
	*mask = 0;
	for (;;) {
		uint64_t a, b, used, group, c;
		int pattern = 0;

		while (*s == ',' || space(*s))
			s++;
		if (!*s)
			return 0;
		if (!strncasecmp(s, "all", 3)) {
			a = 0;
			b = ncpu_ids - 1;
			s += 3;
		} else {
			if (!(s = list_num(s, &a)))
				return -EINVAL;
			b = a;
			if (*s && *s != ',' && !space(*s) &&
			    (*s != '-' || !(s = list_num(s + 1, &b))))
				return -EINVAL;
		}
		if (*s && *s != ',' && !space(*s)) {
			if (*s != ':' || !(s = list_num(s + 1, &used)) ||
			    *s != '/' || !(s = list_num(s + 1, &group)))
				return -EINVAL;
			pattern = 1;
		} else {
			used = group = b + 1;
		}
		/* The module refuses a group size that would wrap in u32. */
		if (a > 0xffffffffULL || b > 0xffffffffULL ||
		    used > 0xffffffffULL || group > 0xffffffffULL - ncpu_ids)
			return -ERANGE;
		if (a > b || !group || used > group)
			return -EINVAL;
		if (b >= ncpu_ids)
			return -ERANGE;
		for (c = a; c <= b && c < 64; c++)
			if ((c - a) % group < used)
				*mask |= 1ULL << c;
		if (!pattern && (!*s || *s == '\n'))
			return 0;
	}
}

static void mask_print(uint64_t m, char *out, size_t n)
{
	unsigned int a, b;
	size_t o = 0;

	out[0] = 0;
	for (a = 0; a < 64; a++) {
		if (!(m >> a & 1))
			continue;
		for (b = a; b + 1 < 64 && (m >> (b + 1) & 1); b++)
			;
		o += a == b ? snprintf(out + o, n - o, "%s%u", o ? "," : "", a) :
		     snprintf(out + o, n - o, "%s%u-%u", o ? "," : "", a, b);
		a = b;
	}
}

/*
 * What writing @v (up to its first NUL) to @a must do: 0 and the value it
 * then reads back in @want, or the errno (negative) it must fail with.
 */
static int model(const struct attr *a, const char *v, char *want, size_t n)
{
	static const uint32_t lo[] = { 0, 1, 10, 10 }, hi[] = { 1, 100, 10000, 60000 };
	uint64_t mask;
	uint32_t x;
	int ret;

	if (a->kind == K_CPUS) {
		if (!strcmp(v, "all") || !strcmp(v, "all\n")) {
			mask_print(online, want, n);
			return 0;
		}
		ret = model_cpulist(v, &mask);
		if (ret)
			return ret;
		if (!mask || (mask & ~online))
			return -EINVAL;
		mask_print(mask, want, n);
		return 0;
	}
	ret = model_u32(v, &x);
	if (ret)
		return ret;
	if (x < lo[a->kind] || x > hi[a->kind])
		return -ERANGE;
	snprintf(want, n, "%u", x);
	return 0;
}

/* --- values --------------------------------------------------------------- */

static const char *const numbers[] = {
	"0", "1", "2", "9", "10", "11", "50", "99", "100", "101", "9999",
	"10000", "10001", "59999", "60000", "60001", "65536", "2147483647",
	"2147483648", "4294967295", "4294967296", "18446744073709551615",
	"18446744073709551616", "99999999999999999999", "-1", "-0", "+0", "+50",
	"0050", "0x10", "0X1", " 50", "50 ", "\t50", "50\n\n", "\n", "", "5.5",
	"1e3", "50x", "x50", "++5", "+-5", "0b1", "١", "50\r", "5 0",
};

static const char *const lists[] = {
	"all", "ALL", "All", "all\n", " all", "all ", "all,0", "0-N", "N", "0",
	"1", "0-1", "1-0", "0,1", "1,0", "0-0", "0-1:1/2", "0-1:2/1", "0-1:0/1",
	"0-1:1/0", "2", "3", "63", "64", "4095", "4096", "0-4294967295",
	"4294967295", "4294967296", "99999999999999999999", "-1", "0-", "-",
	",", ",,0", "0,", " 0", "0 ", "\t0", "0\t", "0x1", "+0", "0-1-2",
	"0:1/1", "a", "1-1:1/4294967295", "0-1:4294967295/4294967295", "0,,,1",
	"N-0", "0-N:1/2", "1-N", "0 1", "0\n1", "0-1:1/2,1",
};

/* A value for @a of @*len bytes in @v (not NUL-terminated). */
static void gen_value(const struct attr *a, char *v, size_t *len)
{
	unsigned int i, n, pool = a->kind == K_CPUS ?
		sizeof(lists) / sizeof(lists[0]) : sizeof(numbers) / sizeof(numbers[0]);
	const char *const *tab = a->kind == K_CPUS ? lists : numbers;
	uint64_t m;

	switch (below(10)) {
	case 0: case 1: case 2:
		strcpy(v, tab[below(pool)]);
		break;
	case 3: case 4: /* in range */
		if (a->kind == K_CPUS) {
			for (m = 0; !m;)
				m = online & rnd();
			mask_print(m, v, VAL_MAX);
		} else {
			/* running, busy_pct, period_ms, interval_ms, cpus, other */
			static const uint32_t hi[] = { 2, 101, 10001, 60001, 1, 101 };

			snprintf(v, VAL_MAX, "%u", a->kind == K_RUNNING ?
				 (chance(90) ? 1 : 0) : below(hi[a->kind]));
		}
		break;
	case 5: /* syntax soup */
		n = below(30);
		for (i = 0; i < n; i++)
			v[i] = "0123456789,-:/N+ \nxa\t"[below(21)];
		v[n] = 0;
		break;
	case 6: /* long: a page, around it, past it */
		n = chance(50) ? PAGE - 4 + below(8) : below(VAL_MAX - 1);
		for (i = 0; i < n; i++)
			v[i] = a->kind == K_CPUS ? (i % 2 ? ',' : '0') :
			       chance(90) ? '0' : '1';
		*len = n;
		return;
	case 7: /* binary */
		n = below(64);
		for (i = 0; i < n; i++)
			v[i] = (char)rnd();
		*len = n;
		return;
	case 8: /* a valid value, then a NUL and junk */
		strcpy(v, tab[below(pool)]);
		n = strlen(v);
		v[n] = 0;
		strcpy(v + n + 1, "junk");
		*len = n + 5;
		return;
	default:
		snprintf(v, VAL_MAX, "%llu", (unsigned long long)(rnd() >> below(64)));
	}
	n = strlen(v);
	if (chance(70))
		v[n++] = '\n';
	*len = n;
}

/* --- checks --------------------------------------------------------------- */

/* The CPUs that have a cpustress worker thread. */
static uint64_t worker_mask(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	uint64_t m = 0;

	while (d && (e = readdir(d))) {
		char path[300], comm[64];
		unsigned int cpu;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		if (!read_value(path, comm, sizeof(comm)) &&
		    sscanf(comm, "cpustress/%u", &cpu) == 1 && cpu < 64)
			m |= 1ULL << cpu;
	}
	if (d)
		closedir(d);
	return m;
}

/* Running, with workers on exactly the CPUs cpus names (threads that just
 * stopped may linger in /proc a little while). */
static void check_live(void)
{
	char run[64], cpus[PAGE], want[PAGE];
	uint64_t sel = 0, w = 0;
	int i;

	checks++;
	if (read_value(DIR_CS "/running", run, sizeof(run)) || strcmp(run, "1")) {
		failf("the run is not live: running reads '%s'", run);
		return;
	}
	if (read_value(DIR_CS "/cpus", cpus, sizeof(cpus)) ||
	    model_cpulist(cpus, &sel)) {
		failf("cpus reads '%s'", cpus);
		return;
	}
	for (i = 0; i < 100; i++) {
		w = worker_mask();
		if (w == sel)
			return;
		usleep(20000);
	}
	mask_print(w, want, sizeof(want));
	failf("cpus reads '%s' but workers run on '%s'", cpus, want);
}

static void discover(void)
{
	static const struct { const char *name; enum kind kind; } known[] = {
		{ "running", K_RUNNING }, { "busy_pct", K_BUSY },
		{ "period_ms", K_PERIOD }, { "interval_ms", K_INTERVAL },
		{ "cpus", K_CPUS },
	};
	char dirs[MAX_DIRS][256];
	int ndirs = 1, i;
	unsigned int k;

	strcpy(dirs[0], DIR_CS);
	for (i = 0; i < ndirs; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			struct attr tmp = { .kind = K_OTHER }, *a = &tmp;
			struct stat sb;

			if (e->d_name[0] == '.' ||
			    snprintf(a->path, sizeof(a->path), "%s/%s", dirs[i],
				     e->d_name) >= (int)sizeof(a->path) ||
			    stat(a->path, &sb))
				continue;
			if (S_ISDIR(sb.st_mode) && ndirs < MAX_DIRS) {
				memcpy(dirs[ndirs++], a->path, sizeof(dirs[0]));
				continue;
			}
			if (!S_ISREG(sb.st_mode) || nattrs == MAX_ATTRS) {
				failf("%s: not a file, or too many files", a->path);
				continue;
			}
			a->writable = !!(sb.st_mode & 0222);
			for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
				if (!strcmp(e->d_name, known[k].name) && i == 0)
					a->kind = known[k].kind;
			if (a->writable && a->kind == K_OTHER)
				failf("%s is writable but not known to the fuzzer", a->path);
			attrs[nattrs++] = tmp;
		}
		if (d)
			closedir(d);
	}
}

/* --- the loop ------------------------------------------------------------- */

/* Write @v to @a, check the answer against the model; 1 if accepted. */
static int write_one(struct attr *a, const char *v, size_t len)
{
	char before[PAGE], after[PAGE], want[PAGE], str[PAGE + 1];
	int fd, err = 0, expect;
	size_t seen;
	ssize_t n;

	writes++;
	a->writes++;
	if (read_value(a->path, before, sizeof(before))) {
		failf("%s unreadable", a->path);
		return 0;
	}
	fd = open(a->path, O_WRONLY);
	if (fd < 0) {
		err = errno;
	} else {
		n = write(fd, v, len);
		err = n < 0 ? errno : (size_t)n == (len < PAGE ? len : PAGE) ? 0 : EIO;
		close(fd);
	}
	if (read_value(a->path, after, sizeof(after))) {
		failf("%s unreadable after a write", a->path);
		return 0;
	}
	if (!a->writable) {
		if (!err)
			failf("read-only %s accepted '%s'", a->path, show(v, len));
		refused++;
		return 0;
	}
	/*
	 * sysfs hands the attribute at most a page, NUL-terminated, and the
	 * attribute reads up to the first NUL; an empty write stores nothing.
	 */
	seen = len < PAGE ? len : PAGE;
	memcpy(str, v, seen);
	str[seen] = 0;
	expect = seen ? model(a, str, want, sizeof(want)) : 0;
	if (!seen)
		snprintf(want, sizeof(want), "%s", before);
	if (err) {
		refused++;
		if (!expect)
			failf("%s <- '%s' refused (%s), expected to read '%s'",
			      a->path, show(v, len), strerror(err), want);
		else if (err != EINVAL && err != ERANGE)
			failf("%s <- '%s' refused with %s", a->path, show(v, len),
			      strerror(err));
		if (strcmp(before, after))
			failf("%s <- '%s' refused but changed '%s' to '%s'", a->path,
			      show(v, len), before, after);
		return 0;
	}
	accepted++;
	a->accepted++;
	if (expect)
		failf("%s <- '%s' accepted (reads '%s'), expected %s", a->path,
		      show(v, len), after, strerror(-expect));
	else if (strcmp(after, want))
		failf("%s <- '%s' accepted, reads '%s', expected '%s'", a->path,
		      show(v, len), after, want);
	return 1;
}

/* nr_cpu_ids, or a bound past the online CPUs: the CPU that "N" names. */
static void probe_last_cpu(const struct attr *cpus)
{
	char old[PAGE], last[64];
	uint64_t m;
	int fd;

	ncpu_ids = 1U << 20;
	if (read_value(cpus->path, old, sizeof(old)))
		return;
	fd = open(cpus->path, O_WRONLY);
	if (fd >= 0 && write(fd, "N", 1) == 1 &&
	    !read_value(cpus->path, last, sizeof(last)) &&
	    !model_cpulist(last, &m) && m && !(m & (m - 1)))
		ncpu_ids = (unsigned int)__builtin_ctzll(m) + 1;
	if (fd >= 0)
		close(fd);
	fd = open(cpus->path, O_WRONLY);
	if (fd < 0 || write(fd, old, strlen(old)) < 0)
		failf("cannot restore cpus '%s'", old);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	uint64_t max_writes = 5000, n_ro = 0;
	unsigned int secs = 60;
	static char v[VAL_MAX + 16];
	char line[PAGE];
	double t0, deadline;
	size_t len;
	int opt, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "s:n:t:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': max_writes = strtoull(optarg, NULL, 0); break;
		case 't': secs = strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: cs-sysfsfuzz [-s SEED] [-n WRITES] [-t SECS]\n");
			return 2;
		}
	}
	fuzz_rng = seed;
	if (read_value("/sys/devices/system/cpu/online", line, sizeof(line))) {
		printf("FAIL sysfsfuzz: no CPU list\n");
		return 1;
	}
	ncpu_ids = 64;
	if (model_cpulist(line, &online) || !online) {
		printf("FAIL sysfsfuzz: more than 64 CPUs: %s\n", line);
		return 1;
	}
	discover();
	for (i = 0; i < nattrs && attrs[i].kind != K_CPUS; i++)
		;
	if (i == nattrs) {
		printf("FAIL sysfsfuzz: no %s/cpus\n", DIR_CS);
		return 1;
	}
	probe_last_cpu(&attrs[i]);
	printf("# sysfsfuzz: seed %llu: up to %llu writes in %u s; %d files, writable:",
	       (unsigned long long)seed, (unsigned long long)max_writes, secs, nattrs);
	for (i = 0; i < nattrs; i++)
		if (attrs[i].writable)
			printf(" %s", attrs[i].path + strlen(DIR_CS) + 1);
	printf("; \"N\" is CPU %u\n", ncpu_ids - 1);
	check_live();
	t0 = now_s();
	deadline = t0 + secs;
	while (writes < max_writes && now_s() < deadline) {
		struct attr *a = &attrs[below(nattrs)];
		int ok;

		if (!a->writable && chance(90))
			continue;	/* a few writes to read-only files */
		n_ro += !a->writable;
		gen_value(a, v, &len);
		ok = write_one(a, v, len);
		if (ok && a->kind == K_RUNNING) {
			/* if the write stopped the run (0, +0, 00...): restart */
			char r[16];

			if (!read_value(a->path, r, sizeof(r)) && !strcmp(r, "0")) {
				restarts++;
				if (!write_one(a, "1\n", 2))
					failf("cannot restart the run");
			}
		}
		if ((ok && (a->kind == K_CPUS || a->kind == K_RUNNING)) ||
		    writes % WORKER_CHECK == 0)
			check_live();
	}
	check_live();
	for (i = 0; i < nattrs; i++)
		if (attrs[i].writable)
			printf("# sysfsfuzz: %s: %llu writes, %llu accepted\n",
			       attrs[i].path + strlen(DIR_CS) + 1,
			       (unsigned long long)attrs[i].writes,
			       (unsigned long long)attrs[i].accepted);
	printf("# sysfsfuzz: %llu run restarts, %llu checks of the workers, %llu writes to read-only files\n",
	       (unsigned long long)restarts, (unsigned long long)checks,
	       (unsigned long long)n_ro);
	printf("sysfsfuzz: writes %llu accepted %llu refused %llu failures %llu secs %.1f\n",
	       (unsigned long long)writes, (unsigned long long)accepted,
	       (unsigned long long)refused, (unsigned long long)failures,
	       now_s() - t0);
	return failures ? 1 : 0;
}
