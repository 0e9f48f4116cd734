// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer harness: `cpustress compare` on two fuzzed result files. The
 * input is cut at the first SEPARATOR into the two files (without one,
 * the input is both); each is read by the sweep reader, and two that read
 * are compared, priced and printed as the table and as CSV.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sweep/compare.h"
#include "sweep/sweep.h"

#define SEPARATOR	"\n--8<--\n"	/* in compare.dict too */

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz/compare: %s: %s\n", what, detail);
	abort();
}

static void compare(const struct cs_sweep *s)
{
	/* The same file name in two folders: labels tell them apart. */
	static const char *const paths[] = { "a/host.json", "b/host.json" };
	struct cs_compare_price price[CS_COMPARE_FILES_MAX];
	static FILE *null;
	struct cs_compare *c;
	char err[CS_ERR_MAX];
	size_t i, n;

	if (!null)
		null = fopen("/dev/null", "w");
	c = malloc(sizeof(*c));
	if (!c || !null)
		fail("out of memory", "");
	err[0] = '\0';
	if (cs_compare_build(c, s, paths, 2, err, sizeof(err))) {
		if (!err[0])
			fail("a refusal without a reason", "");
		free(c);
		return;
	}
	cs_compare_set_cost(c, s[0].hostname, 0.25, err, sizeof(err));
	cs_compare_set_cost(c, "b/host.json", 1.5, err, sizeof(err));
	n = cs_compare_price(c, price);
	for (i = 0; i < n; i++)
		if (price[i].file >= c->nfiles || !price[i].rank)
			fail("a price for no file", c->file[0].label);
	cs_compare_print_table(null, c);
	cs_compare_print_csv(null, c);
	cs_compare_free(c);
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *cut;
	size_t alen = size, blen = size, k;
	const char *a = in, *b = in;
	struct cs_sweep s[2];
	char err[CS_ERR_MAX];

	cut = memmem(in, size, SEPARATOR, strlen(SEPARATOR));
	if (cut) {
		alen = (size_t)(cut - in);
		b = cut + strlen(SEPARATOR);
		blen = size - alen - strlen(SEPARATOR);
	}
	if (cs_sweep_parse(a, alen, "a/host.json", &s[0], err, sizeof(err)))
		return 0;
	if (cs_sweep_parse(b, blen, "b/host.json", &s[1], err, sizeof(err))) {
		cs_sweep_free(&s[0]);
		return 0;
	}
	compare(s);
	for (k = 0; k < 2; k++)
		cs_sweep_free(&s[k]);
	return 0;
}
