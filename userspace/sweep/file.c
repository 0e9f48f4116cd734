// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A sweep saved to a file: the output checked before a sweep starts (the
 * room the results will take reserved once, so a full disk is found then),
 * and replaced atomically (temporary file, fsync, rename) after every
 * measurement, so the file always holds a complete result. The temporary
 * file is anonymous (O_TMPFILE) until it is complete, where the file
 * system allows, so a save killed half-way leaves nothing behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/errf.h"
#include "sweep/sweep.h"

/* Mode of a saved file: a plain "> file" under the usual umask 022. */
#define SAVE_MODE	0644

/* Chunk written where a file system cannot reserve room. */
#define RESERVE_CHUNK	65536

/* Names tried for a complete anonymous file before giving up on it. */
#define LINK_TRIES	16

/* Bytes cs_sweep_size_max() adds to what it measured: it is a bound. */
#define SIZE_SLACK	4096

/*
 * The directory of @path into @dir and the template of a hidden temporary
 * file beside @path into @tmp. Return: 0, -EISDIR when @path ends in '/',
 * or -ENAMETOOLONG.
 */
static int temp_path(const char *path, char *dir, char *tmp)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int n;

	if (!*base)
		return -EISDIR;
	if (!slash)
		n = snprintf(dir, PATH_MAX, ".");
	else if (slash == path)
		n = snprintf(dir, PATH_MAX, "/");
	else
		n = snprintf(dir, PATH_MAX, "%.*s", (int)(slash - path), path);
	if (n >= PATH_MAX)
		return -ENAMETOOLONG;
	n = snprintf(tmp, PATH_MAX, "%s%s.%s.XXXXXX", dir,
		     slash == path ? "" : "/", base);
	return n < PATH_MAX ? 0 : -ENAMETOOLONG;
}

/*
 * temp_path(), and refuse a @path that names a directory or anything but
 * a regular file: the rename would replace a device node such as
 * /dev/null, and root may do that. Return: 0, or -errno with @err set.
 */
static int check_target(const char *path, char *dir, char *tmp, char *err,
			size_t errlen)
{
	struct stat st;
	int ret;

	ret = temp_path(path, dir, tmp);
	if (!ret && !stat(path, &st)) {
		if (S_ISDIR(st.st_mode))
			ret = -EISDIR;
		else if (!S_ISREG(st.st_mode))
			return cs_errf(err, errlen, -EINVAL,
				       "%s is not a regular file: name a file for the results",
				       path);
	}
	if (ret == -EISDIR)
		return cs_errf(err, errlen, ret,
			       "%s is a directory: name a file for the results",
			       path);
	if (ret)
		return cs_errf(err, errlen, ret,
			       "cannot write results to %s: %s", path,
			       strerror(-ret));
	return 0;
}

/*
 * check_target(), then a temporary file in @path's directory @dir, open:
 * anonymous (*@anon set) where the file system has O_TMPFILE, else named
 * by the template @tmp; or -errno with @err set.
 */
static int open_temp(const char *path, char *dir, char *tmp, bool *anon,
		     char *err, size_t errlen)
{
	int fd, e;

	fd = check_target(path, dir, tmp, err, errlen);
	if (fd)
		return fd;
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	*anon = fd >= 0;
	if (fd >= 0)
		return fd;
	/* Not supported, or an error that mkostemp() names as well. */
	fd = mkostemp(tmp, O_CLOEXEC);
	e = errno;
	if (fd >= 0)
		return fd;
	return cs_errf(err, errlen, -e,
		       "cannot write results to %s: creating a file in %s: %s",
		       path, dir, strerror(e));
}

/*
 * Give the complete anonymous file @fd a name from the template @tmp (its
 * XXXXXX replaced), for the rename. Return: 0, or -errno (no /proc, say)
 * with @tmp a template again.
 */
static int link_temp(int fd, char *tmp)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char proc[64], *x = tmp + strlen(tmp) - 6;
	unsigned long long r;
	struct timespec ts;
	int i, j, ret = -EEXIST;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	r = (unsigned long long)ts.tv_nsec * 2654435761ULL ^
	    (unsigned long long)getpid();
	for (i = 0; i < LINK_TRIES; i++, r = r * 6364136223846793005ULL + 1) {
		for (j = 0; j < 6; j++)
			x[j] = digits[(r >> (j * 5 + 16)) % 36];
		if (!linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW))
			return 0;
		ret = -errno;
		if (ret != -EEXIST)
			break;
	}
	memcpy(x, "XXXXXX", 6);
	return ret;
}

/*
 * Make a rename in @dir durable. Best effort: the new file is already in
 * place, and some file systems cannot sync a directory.
 */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/*
 * Write @s into the temporary file @fd, sync it, and put it in place of
 * @path: by name @tmp if it has one, else linked to a name from @tmp
 * first. Return: 0, -errno, or 1 when an anonymous file could not be
 * given a name (the caller saves again through a named one).
 */
static int save_fd(int fd, bool anon, char *tmp, const char *path,
		   const struct cs_sweep *s, enum cs_sweep_format fmt)
{
	FILE *f = fdopen(fd, "w");
	bool named = !anon;
	int ret;

	if (!f) {
		ret = -errno;
		close(fd);
		goto out;
	}
	ret = cs_sweep_write_errno(f, s, fmt);
	if (!ret && fsync(fd))
		ret = -errno;
	if (!ret && fchmod(fd, SAVE_MODE))
		ret = -errno;
	if (!ret && anon) {
		named = link_temp(fd, tmp) == 0;
		ret = named ? 0 : 1;
	}
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
out:
	if (ret && named)
		unlink(tmp);
	return ret;
}

int cs_sweep_save(const char *path, const struct cs_sweep *s,
		  enum cs_sweep_format fmt, char *err, size_t errlen)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	bool anon;
	int fd, ret;

	fd = open_temp(path, dir, tmp, &anon, err, errlen);
	if (fd < 0)
		return fd;
	ret = save_fd(fd, anon, tmp, path, s, fmt);
	if (ret == 1) {
		/* No /proc to name the anonymous file by: a named one. */
		fd = mkostemp(tmp, O_CLOEXEC);
		ret = fd < 0 ? -errno : save_fd(fd, false, tmp, path, s, fmt);
	}
	if (!ret) {
		sync_dir(dir);
		return 0;
	}
	return cs_errf(err, errlen, ret, "cannot write results to %s: %s",
		       path, strerror(-ret));
}

/* Write zeros up to @len: for file systems that cannot reserve room. */
static int reserve_write(int fd, off_t len)
{
	static const char zeros[RESERVE_CHUNK];
	off_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pwrite(fd, zeros, len - done < RESERVE_CHUNK ?
			   (size_t)(len - done) : RESERVE_CHUNK, done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += n;
	}
	return 0;
}

/* Reserve @len bytes in @fd and sync: a full disk fails here, not later. */
static int reserve(int fd, off_t len)
{
	int ret = posix_fallocate(fd, 0, len);

	if (ret == EOPNOTSUPP || ret == ENOSYS || ret == EINVAL)
		ret = -reserve_write(fd, len);
	if (ret)
		return -ret;
	return fsync(fd) ? -errno : 0;
}

int cs_sweep_check_output(const char *path, size_t need, char *err,
			  size_t errlen)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	bool anon;
	int fd, ret;

	fd = open_temp(path, dir, tmp, &anon, err, errlen);
	if (fd < 0)
		return fd;
	ret = reserve(fd, need ? (off_t)need : 1);
	close(fd);
	if (!anon)
		unlink(tmp);
	if (ret)
		return cs_errf(err, errlen, ret,
			       "cannot write results to %s: %s (the results need about %zu KiB there)",
			       path, strerror(-ret), (need + 1023) / 1024);
	return 0;
}

/* @m with every field as wide as it can be written. */
static void widest_meas(struct cs_sweep_meas *m)
{
	m->status = CS_MEAS_OK;
	memset(m->error, 'x', sizeof(m->error) - 1);
	m->error[sizeof(m->error) - 1] = '\0';
	m->ts = 9999999999LL;
	m->duration_s = 99999.999;
	m->units = 1e15 + 0.1;
	m->units_per_sec = 1e15 + 0.1;
	m->units_per_sec_per_cpu = 1e15 + 0.1;
	m->busy_pct = 99.99;
	m->steal_pct = 99.99;
	m->wait_pct = 99.99;
	m->irqs_per_sec = 1e15 + 0.1;
	m->p50_ns = 999999999999999ULL;
	m->p90_ns = 999999999999999ULL;
	m->p99_ns = 999999999999999ULL;
	m->max_ns = 999999999999999ULL;
}

size_t cs_sweep_size_max(const struct cs_sweep *s, enum cs_sweep_format fmt)
{
	struct cs_sweep w = *s;
	size_t len = 0, i;
	char *buf = NULL;
	FILE *f;

	if (cs_sweep_alloc(&w) < 0)
		return 0;
	for (i = 0; i < w.nmeas; i++)
		widest_meas(&w.meas[i]);
	w.status = CS_SWEEP_FAILED;
	memset(w.error, 'x', sizeof(w.error) - 1);
	w.error[sizeof(w.error) - 1] = '\0';
	w.elapsed_s = 9999999.999;
	cs_sweep_summarise(&w);
	f = open_memstream(&buf, &len);
	if (f) {
		if (cs_sweep_write(f, &w, fmt) < 0)
			len = 0;
		if (fclose(f))
			len = 0;
	}
	free(buf);
	cs_sweep_free(&w);
	return len ? len + len / 8 + SIZE_SLACK : 0;
}

int cs_sweep_save_first(const char *path, const struct cs_sweep *s,
			enum cs_sweep_format fmt, char *err, size_t errlen)
{
	int ret;

	/* Twice: a save holds the old file and the new one at once. */
	ret = cs_sweep_check_output(path, 2 * cs_sweep_size_max(s, fmt), err,
				    errlen);
	return ret ? ret : cs_sweep_save(path, s, fmt, err, errlen);
}
