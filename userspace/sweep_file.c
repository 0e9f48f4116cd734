// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A sweep saved to a file: the output checked before a sweep starts, and
 * replaced atomically (temporary file, fsync, rename) after every
 * measurement, so the file always holds a complete result.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep.h"

/* Mode of a saved file: a plain "> file" under the usual umask 022. */
#define SAVE_MODE	0644

/* Bytes cs_sweep_check_output() writes and syncs to find a full disk. */
#define PROBE_BYTES	4096

/* An error sentence into @err; returns @ret. */
static int __attribute__((format(printf, 4, 5)))
set_err(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

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
			return set_err(err, errlen, -EINVAL,
				       "%s is not a regular file: name a file for the results",
				       path);
	}
	if (ret == -EISDIR)
		return set_err(err, errlen, ret,
			       "%s is a directory: name a file for the results",
			       path);
	if (ret)
		return set_err(err, errlen, ret,
			       "cannot write results to %s: %s", path,
			       strerror(-ret));
	return 0;
}

/* The temporary file in @dir, open; or -errno with @err set. */
static int open_temp(const char *path, const char *dir, char *tmp,
		     char *err, size_t errlen)
{
	int fd = mkostemp(tmp, O_CLOEXEC), e = errno;

	if (fd >= 0)
		return fd;
	return set_err(err, errlen, -e,
		       "cannot write results to %s: creating a file in %s: %s",
		       path, dir, strerror(e));
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

int cs_sweep_save(const char *path, const struct cs_sweep *s,
		  enum cs_sweep_format fmt, char *err, size_t errlen)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	FILE *f;
	int fd, ret;

	ret = check_target(path, dir, tmp, err, errlen);
	if (ret)
		return ret;
	fd = open_temp(path, dir, tmp, err, errlen);
	if (fd < 0)
		return fd;
	f = fdopen(fd, "w");
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
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (!ret) {
		sync_dir(dir);
		return 0;
	}
out:
	unlink(tmp);
	return set_err(err, errlen, ret, "cannot write results to %s: %s",
		       path, strerror(-ret));
}

/* Write and sync PROBE_BYTES to @fd: a full disk fails here, not later. */
static int probe_write(int fd)
{
	static const char zeros[PROBE_BYTES];
	size_t done = 0;
	ssize_t n;

	while (done < sizeof(zeros)) {
		n = write(fd, zeros + done, sizeof(zeros) - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return fsync(fd) ? -errno : 0;
}

int cs_sweep_check_output(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	int fd, ret;

	ret = check_target(path, dir, tmp, err, errlen);
	if (ret)
		return ret;
	fd = open_temp(path, dir, tmp, err, errlen);
	if (fd < 0)
		return fd;
	ret = probe_write(fd);
	close(fd);
	unlink(tmp);
	if (ret)
		return set_err(err, errlen, ret,
			       "cannot write results to %s: %s", path,
			       strerror(-ret));
	return 0;
}
