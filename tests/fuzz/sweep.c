// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer harness: the sweep result reader (sweep_read.c, json_in.c) on
 * arbitrary bytes, as `cpustress compare` reads a file it is given.
 *
 * A refusal must say why, naming the file. A file read whole is written
 * back as JSON, which must read back and write out to the same bytes (what
 * the reader takes, the writer writes and the reader takes again), and
 * as CSV, JSONL and the human summary, which must not fail.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sweep.h"

#define NAME	"fuzz.json"

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz/sweep: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	abort();
}

/* @s as JSON, malloc'd in *@buf. */
static void write_json(const struct cs_sweep *s, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f)
		fail("open_memstream", NULL);
	if (cs_sweep_write(f, s, CS_FMT_JSON))
		fail("cs_sweep_write failed on a sweep the reader took", NULL);
	if (fclose(f))
		fail("fclose", NULL);
}

static void write_others(const struct cs_sweep *s)
{
	static FILE *null;

	if (!null)
		null = fopen("/dev/null", "w");
	if (!null)
		fail("fopen /dev/null", NULL);
	if (cs_sweep_write(null, s, CS_FMT_CSV) ||
	    cs_sweep_write(null, s, CS_FMT_JSONL))
		fail("the CSV or JSONL writer failed", NULL);
	cs_sweep_print_summary(null, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CS_ERR_MAX], *a = NULL, *b = NULL;
	struct cs_sweep s, back;
	size_t alen = 0, blen = 0;

	err[0] = '\0';
	if (cs_sweep_parse((const char *)data, size, NAME, &s, err,
			   sizeof(err))) {
		if (strncmp(err, NAME ":", strlen(NAME ":")))
			fail("a refusal that does not name the file", err);
		return 0;
	}
	write_others(&s);
	write_json(&s, &a, &alen);
	if (cs_sweep_parse(a, alen, "written", &back, err, sizeof(err))) {
		fprintf(stderr, "fuzz/sweep: written:\n%.*s\n", (int)alen, a);
		fail("what the writer wrote does not read back", err);
	}
	write_json(&back, &b, &blen);
	if (alen != blen || memcmp(a, b, alen)) {
		fprintf(stderr, "fuzz/sweep: first:\n%.*s\nsecond:\n%.*s\n",
			(int)alen, a, (int)blen, b);
		fail("written, read back and written again, it changed", NULL);
	}
	free(a);
	free(b);
	cs_sweep_free(&back);
	cs_sweep_free(&s);
	return 0;
}
