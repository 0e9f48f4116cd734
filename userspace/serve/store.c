// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress serve: load-test results as files, <state dir>/loadtests/
 * <ID>.json, each the JSON of `cpustress sweep` (docs/sweep-format.md).
 *
 * IDs are the UTC start time and a sequence number, YYYYMMDD-HHMMSS-NNN,
 * so that file names sort by time: the listing and the pruning need
 * nothing but the names. Files are replaced atomically (cs_sweep_save),
 * so a reader never sees half a file; any other file in the directory,
 * and the temporary files of a save, are left alone.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "serve/serve.h"
#include "util/errf.h"

/* Names looked at in the directory, at most: far beyond CS_SERVE_KEEP_MAX. */
#define SCAN_MAX	100000

/*
 * mkdir -p @path, the last component with @mode; 0 or -errno. The first
 * directory it creates (the one nearest the root) goes into @made, if
 * @made is still empty: what cs_store_unmake() removes down to.
 */
static int make_dir(const char *path, mode_t mode, char *made)
{
	if (mkdir(path, mode))
		return errno == EEXIST ? 0 : -errno;
	if (!made[0])
		strcpy(made, path);	/* both PATH_MAX */
	return 0;
}

static int make_dirs(const char *path, mode_t mode, char *made)
{
	char buf[PATH_MAX];
	struct stat st;
	char *p;
	int ret;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		ret = make_dir(buf, 0755, made);
		if (ret)
			return ret;
		*p = '/';
	}
	ret = make_dir(buf, mode, made);
	if (ret)
		return ret;
	if (stat(buf, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int cs_store_open(struct cs_store *st, const char *state_dir, uint32_t keep,
		  char *err, size_t errlen)
{
	int ret;

	memset(st, 0, sizeof(*st));
	st->keep = keep ? keep : 1;
	if (snprintf(st->dir, sizeof(st->dir), "%s/loadtests", state_dir) >=
	    (int)sizeof(st->dir))
		return cs_errf(err, errlen, -ENAMETOOLONG,
			       "the state directory %s: path too long",
			       state_dir);
	ret = make_dirs(state_dir, 0700, st->made);
	if (ret) {
		cs_store_unmake(st);
		return cs_errf(err, errlen, ret,
			       "cannot create the state directory %s: %s (choose another with --state-dir)",
			       state_dir, strerror(-ret));
	}
	ret = make_dirs(st->dir, 0700, st->made);
	if (!ret && access(st->dir, W_OK | X_OK))
		ret = -errno;
	if (ret) {
		cs_store_unmake(st);
		return cs_errf(err, errlen, ret,
			       "cannot use %s for load-test results: %s (choose another state directory with --state-dir)",
			       st->dir, strerror(-ret));
	}
	pthread_mutex_init(&st->mu, NULL);
	return 0;
}

void cs_store_close(struct cs_store *st)
{
	pthread_mutex_destroy(&st->mu);
}

void cs_store_unmake(struct cs_store *st)
{
	char path[PATH_MAX];
	char *slash;

	if (!st->made[0])
		return;
	snprintf(path, sizeof(path), "%s", st->dir);
	/*
	 * From loadtests/ up to the first one made (one that failed to be
	 * made is skipped); rmdir keeps a directory something was put in.
	 */
	for (;;) {
		if (rmdir(path) && errno != ENOENT)
			break;
		if (!strcmp(path, st->made))
			break;
		slash = strrchr(path, '/');
		if (!slash || slash == path)
			break;
		*slash = '\0';
	}
	st->made[0] = '\0';
}

static bool digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* YYYYMMDD-HHMMSS-NNN, exactly. */
static bool is_id(const char *s, size_t n)
{
	return n == CS_STORE_ID_LEN && digits(s, 8) && s[8] == '-' &&
	       digits(s + 9, 6) && s[15] == '-' && digits(s + 16, 3);
}

bool cs_store_is_result(const char *name)
{
	size_t n = strlen(name);

	return n == CS_STORE_ID_LEN + 5 && is_id(name, CS_STORE_ID_LEN) &&
	       !strcmp(name + CS_STORE_ID_LEN, ".json");
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	while (n)
		free(names[--n]);
	free(names);
}

/* The IDs of the results present, oldest first, into *@out. */
static int scan(struct cs_store *st, char ***out, size_t *count)
{
	size_t n = 0, cap = 0;
	char **names = NULL, **grown;
	struct dirent *d;
	DIR *dir;
	int ret = 0;

	dir = opendir(st->dir);
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (!cs_store_is_result(d->d_name))
			continue;
		if (n == SCAN_MAX) {
			cs_log(CS_LOG_WARN, "%s: more than %d results, the rest are not looked at",
			       st->dir, SCAN_MAX);
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown) {
				ret = -ENOMEM;
				break;
			}
			names = grown;
		}
		names[n] = strndup(d->d_name, CS_STORE_ID_LEN);
		if (!names[n]) {
			ret = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(dir);
	if (ret) {
		free_names(names, n);
		return ret;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_name);
	*out = names;
	*count = n;
	return 0;
}

int cs_store_new_id(struct cs_store *st, int64_t now, char *id, size_t len)
{
	char sec[16], **names = NULL;
	time_t t = (time_t)now;
	uint32_t seq = 0;
	size_t n = 0, i;
	struct tm tm;
	int ret = 0;

	if (!gmtime_r(&t, &tm) || len <= CS_STORE_ID_LEN)
		return -EINVAL;
	strftime(sec, sizeof(sec), "%Y%m%d-%H%M%S", &tm);
	pthread_mutex_lock(&st->mu);
	if (!strcmp(sec, st->last))
		seq = st->seq + 1;
	/* A result of this second left by an earlier serve. */
	if (!scan(st, &names, &n)) {
		for (i = 0; i < n; i++) {
			uint32_t next = (uint32_t)atoi(names[i] + 16) + 1;

			if (!strncmp(names[i], sec, 15) && next > seq)
				seq = next;
		}
		free_names(names, n);
	}
	if (seq > 999) {
		ret = -EAGAIN;
	} else {
		snprintf(st->last, sizeof(st->last), "%s", sec);
		st->seq = seq;
		snprintf(id, len, "%s-%03u", sec, seq);
	}
	pthread_mutex_unlock(&st->mu);
	return ret;
}

static int result_path(const struct cs_store *st, const char *id, char *path,
		       size_t len)
{
	if (!is_id(id, strlen(id)))
		return -ENOENT;
	if (snprintf(path, len, "%s/%s.json", st->dir, id) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int cs_store_save(struct cs_store *st, const char *id, const struct cs_sweep *s,
		  char *err, size_t errlen)
{
	char path[PATH_MAX];
	int ret = result_path(st, id, path, sizeof(path));

	if (ret)
		return cs_errf(err, errlen, ret, "bad load-test ID '%s'", id);
	return cs_sweep_save(path, s, CS_FMT_JSON, err, errlen);
}

int cs_store_save_first(struct cs_store *st, const char *id,
			const struct cs_sweep *s, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int ret = result_path(st, id, path, sizeof(path));

	if (ret)
		return cs_errf(err, errlen, ret, "bad load-test ID '%s'", id);
	return cs_sweep_save_first(path, s, CS_FMT_JSON, err, errlen);
}

int cs_store_prune(struct cs_store *st)
{
	char path[PATH_MAX], **names = NULL;
	size_t n = 0, i;
	int gone = 0;

	pthread_mutex_lock(&st->mu);
	if (scan(st, &names, &n)) {
		pthread_mutex_unlock(&st->mu);
		return 0;
	}
	for (i = 0; i + st->keep < n; i++) {
		if (result_path(st, names[i], path, sizeof(path)))
			continue;
		if (unlink(path) && errno != ENOENT) {
			cs_log(CS_LOG_WARN, "cannot remove the old result %s: %s",
			       path, strerror(errno));
			continue;
		}
		cs_log(CS_LOG_DEBUG, "removed the old result %s (--keep %u)",
		       path, st->keep);
		gone++;
	}
	free_names(names, n);
	pthread_mutex_unlock(&st->mu);
	return gone;
}

/* The file @path into *@buf, if a regular file of at most @max bytes. */
static int read_file(const char *path, size_t max, char **buf, size_t *len)
{
	struct stat sb;
	size_t done = 0;
	ssize_t n;
	char *b;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb)) {
		ret = -errno;
		goto out;
	}
	ret = -EINVAL;
	if (!S_ISREG(sb.st_mode))
		goto out;
	ret = -EFBIG;
	if ((uint64_t)sb.st_size > max)
		goto out;
	ret = -ENOMEM;
	b = malloc((size_t)sb.st_size + 1);
	if (!b)
		goto out;
	while (done < (size_t)sb.st_size) {
		n = read(fd, b + done, (size_t)sb.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done < (size_t)sb.st_size) {
		ret = n < 0 ? -errno : -EIO;
		free(b);
		goto out;
	}
	b[done] = '\0';
	*buf = b;
	*len = done;
	ret = 0;
out:
	close(fd);
	return ret;
}

int cs_store_read(struct cs_store *st, const char *id, char **buf,
		  size_t *len)
{
	char path[PATH_MAX];
	int ret = result_path(st, id, path, sizeof(path));

	if (ret)
		return ret;
	return read_file(path, CS_SWEEP_FILE_MAX, buf, len);
}

/* Member @key of @o, copied, or null. */
static json_t *field(json_t *o, const char *key, json_type type)
{
	json_t *v = json_object_get(o, key);

	if (v && (json_typeof(v) == type ||
		  (type == JSON_REAL && json_is_number(v))))
		return json_incref(v);
	return json_null();
}

/* The summary of the result @id, or NULL with a warning. */
static json_t *summary(struct cs_store *st, const char *id)
{
	char path[PATH_MAX], *buf = NULL;
	json_t *root, *ext, *o;
	json_error_t jerr;
	size_t len = 0;
	int ret;

	ret = result_path(st, id, path, sizeof(path));
	if (!ret)
		ret = read_file(path, CS_STORE_SUMMARY_MAX, &buf, &len);
	if (ret) {
		if (ret != -ENOENT)	/* pruned meanwhile: not a problem */
			cs_log(CS_LOG_WARN, "listing results: skipped %s: %s",
			       path, ret == -EFBIG ? "larger than the listing reads" :
			       strerror(-ret));
		return NULL;
	}
	root = json_loadb(buf, len, 0, &jerr);
	free(buf);
	ext = json_object_get(root, "cpustress");
	if (!json_is_object(root) || !json_is_object(ext)) {
		cs_log(CS_LOG_WARN, "listing results: skipped %s: not a load-test result%s%s",
		       path, root ? "" : ": ", root ? "" : jerr.text);
		json_decref(root);
		return NULL;
	}
	o = json_object();
	if (o) {
		json_object_set_new(o, "id", json_string(id));
		json_object_set_new(o, "timestamp",
				    field(root, "timestamp", JSON_INTEGER));
		json_object_set_new(o, "status",
				    field(ext, "status", JSON_STRING));
		json_object_set_new(o, "numCores",
				    field(root, "numCores", JSON_INTEGER));
		json_object_set_new(o, "maxUnits",
				    field(root, "maxUnits", JSON_INTEGER));
		json_object_set_new(o, "engine",
				    field(ext, "engine", JSON_STRING));
	}
	json_decref(root);
	return o;
}

int cs_store_list(struct cs_store *st, char **out, size_t *len)
{
	char **names = NULL, *s;
	size_t n = 0, i, shown = 0;
	json_t *arr, *o;
	int ret;

	pthread_mutex_lock(&st->mu);
	ret = scan(st, &names, &n);
	pthread_mutex_unlock(&st->mu);
	if (ret)
		return ret;
	arr = json_array();
	if (!arr) {
		free_names(names, n);
		return -ENOMEM;
	}
	for (i = n; i-- > 0 && shown < CS_STORE_LIST_MAX;) {
		o = summary(st, names[i]);
		if (!o)
			continue;
		if (json_array_append_new(arr, o)) {
			ret = -ENOMEM;
			break;
		}
		shown++;
	}
	free_names(names, n);
	s = ret ? NULL : json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(arr);
	if (!s)
		return ret ? ret : -ENOMEM;
	ret = asprintf(out, "%s\n", s);
	free(s);
	if (ret < 0)
		return -ENOMEM;
	*len = (size_t)ret;
	return 0;
}
