// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer harness: the sweep result reader (sweep/read.c, json_in.c) on
 * arbitrary bytes, as `cpustress compare` reads a file it is given.
 *
 * A refusal must say why, naming the file. A file read whole is written
 * back as JSON, which must read back and write out to the same bytes (what
 * the reader takes, the writer writes and the reader takes again); as
 * CSV, whose every row has the header's fields; as JSONL, whose every
 * line is a JSON object; and as the human summary.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "sweep/sweep.h"

#define NAME	"fuzz.json"

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz/sweep: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	abort();
}

/* @s in @fmt, malloc'd in *@buf. */
static void write_fmt(const struct cs_sweep *s, enum cs_sweep_format fmt,
		      char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f)
		fail("open_memstream", NULL);
	if (cs_sweep_write(f, s, fmt))
		fail("a writer failed on a sweep the reader took", NULL);
	if (fclose(f))
		fail("fclose", NULL);
}

/* Fields of the CSV record at *@p (RFC 4180 quotes); *@p moves past it. */
static size_t csv_record(const char **p, const char *end)
{
	bool quoted = false;
	size_t n = 1;

	for (; *p < end; (*p)++) {
		if (**p == '"')
			quoted = !quoted;
		else if (!quoted && **p == ',')
			n++;
		else if (!quoted && **p == '\n')
			break;
	}
	if (quoted || *p == end)
		fail("a CSV record not ended by a newline, or a quote left open",
		     NULL);
	(*p)++;
	return n;
}

/* Every CSV row has the header's fields; every JSONL line is an object. */
static void check_rows(const struct cs_sweep *s)
{
	const char *p, *end, *nl;
	char *buf = NULL;
	size_t len = 0, nhead;
	json_error_t jerr;
	json_t *o;

	write_fmt(s, CS_FMT_CSV, &buf, &len);
	p = buf;
	end = buf + len;
	nhead = csv_record(&p, end);
	while (p < end)
		if (csv_record(&p, end) != nhead)
			fail("a CSV row has not the header's fields", buf);
	free(buf);
	write_fmt(s, CS_FMT_JSONL, &buf, &len);
	for (p = buf, end = buf + len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			fail("a JSONL line not ended by a newline", buf);
		o = json_loadb(p, (size_t)(nl - p), 0, &jerr);
		if (!json_is_object(o))
			fail("a JSONL line is not a JSON object", jerr.text);
		json_decref(o);
	}
	free(buf);
}

static void write_summary(const struct cs_sweep *s)
{
	static FILE *null;

	if (!null)
		null = fopen("/dev/null", "w");
	if (!null)
		fail("fopen /dev/null", NULL);
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
	check_rows(&s);
	write_summary(&s);
	write_fmt(&s, CS_FMT_JSON, &a, &alen);
	if (cs_sweep_parse(a, alen, "written", &back, err, sizeof(err))) {
		fprintf(stderr, "fuzz/sweep: written:\n%.*s\n", (int)alen, a);
		fail("what the writer wrote does not read back", err);
	}
	write_fmt(&back, CS_FMT_JSON, &b, &blen);
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
