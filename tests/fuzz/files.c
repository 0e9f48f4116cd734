// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer harness: the other files cpustress serve reads, each input
 * written as both. As the API key file (--apikey-file): the keys it
 * yields must be usable ones (8 to 256 characters, no blank at either end,
 * no NUL, not a comment), and each must pass cs_apikey_check(); a key not
 * in the file must not. As a stored load-test result in the state
 * directory: GET /v1/loadtests lists it (or skips it) as valid JSON.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "fuzz.h"
#include "serve/serve.h"

#define RESULT_NAME	"20260101-000000-000.json"

static char tmpdir[] = "/tmp/cs-fuzz-files.XXXXXX";
static char keys_path[PATH_MAX], result_path[PATH_MAX];
static struct cs_store store;
static struct cs_apikeys *keys;

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz/files: %s: %s\n", what, detail);
	abort();
}

static void teardown(void)
{
	cs_store_close(&store);
	free(keys);
	fuzz_rmtree(tmpdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[PATH_MAX], err[CS_ERR_MAX];

	(void)argc;
	(void)argv;
	/* The warnings for bad lines would flood the output. */
	cs_log_set_level(CS_LOG_ERROR);
	if (!mkdtemp(tmpdir))
		fail("mkdtemp", tmpdir);
	snprintf(keys_path, sizeof(keys_path), "%s/keys", tmpdir);
	snprintf(dir, sizeof(dir), "%s/state", tmpdir);
	if (cs_store_open(&store, dir, 10, err, sizeof(err)))
		fail("cs_store_open", err);
	snprintf(result_path, sizeof(result_path), "%s/" RESULT_NAME,
		 store.dir);
	keys = malloc(sizeof(*keys));
	if (!keys)
		fail("malloc", "");
	atexit(teardown);
	return 0;
}

static void put(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) ||
	    close(fd))
		fail("cannot write", path);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void check_keys(void)
{
	char err[CS_ERR_MAX], msg[CS_ERR_MAX];
	const char *k;
	uint32_t i;

	if (cs_apikeys_load(keys_path, keys, err, sizeof(err)))
		return;		/* too large: refused as a whole */
	if (keys->n > CS_APIKEYS_MAX)
		fail("too many keys", keys_path);
	for (i = 0; i < keys->n; i++) {
		k = keys->key[i];
		if (keys->len[i] < CS_APIKEY_MIN ||
		    keys->len[i] > CS_APIKEY_MAX || strlen(k) != keys->len[i] ||
		    is_blank(k[0]) || is_blank(k[keys->len[i] - 1]) ||
		    k[0] == '#' || strchr(k, '\n'))
			fail("an unusable key was taken", k);
		if (cs_apikey_check(keys_path, k, msg, sizeof(msg)) !=
		    CS_AUTH_OK)
			fail("a key of the file is refused", msg);
	}
	/* Longer than any key: never in the file. */
	if (keys->n && cs_apikey_check(keys_path,
				       "not-a-key-of-the-file-because-it-is-longer-than-any-key-may-be-"
				       "not-a-key-of-the-file-because-it-is-longer-than-any-key-may-be-"
				       "not-a-key-of-the-file-because-it-is-longer-than-any-key-may-be-"
				       "not-a-key-of-the-file-because-it-is-longer-than-any-key-may-be-",
				       msg, sizeof(msg)) != CS_AUTH_WRONG)
		fail("a key not in the file is taken", msg);
}

static void check_listing(void)
{
	json_error_t jerr;
	json_t *root;
	char *out;
	size_t len;

	if (cs_store_list(&store, &out, &len))
		fail("cs_store_list failed", result_path);
	root = json_loadb(out, len, 0, &jerr);
	if (!json_is_array(root) || json_array_size(root) > 1)
		fail("the listing is not an array of at most one result", out);
	json_decref(root);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	put(keys_path, data, size);
	check_keys();
	put(result_path, data, size);
	check_listing();
	return 0;
}
