// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer harness: what a user types. The input is a command line, its
 * words separated by NUL bytes; the first byte picks the command whose
 * parser (cmd_args.c) takes the rest. Each word is also parsed as a CPU
 * list (cpulist.c), which must format back to a list that parses to the
 * same mask, and as a serve --listen address.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/cpulist.h"
#include "serve/serve.h"

#define WORDS_MAX	32

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz/args: %s: '%s'\n", what, detail);
	abort();
}

/* A list that parses must format to one that parses to the same mask. */
static void check_cpulist(const char *s)
{
	static uint64_t a[CS_MASK_WORDS(CS_CPUS_MAX)];
	static uint64_t b[CS_MASK_WORDS(CS_CPUS_MAX)];
	static char text[5 * CS_CPUS_MAX];
	char err[CS_ERR_MAX];
	bool valid = cs_cpulist_valid(s);

	if (cs_cpulist_parse(s, a, CS_CPUS_MAX, err, sizeof(err))) {
		if (valid && !strchr(s, '\n'))
			fail("cs_cpulist_valid() takes a list the parser refuses", s);
		return;
	}
	if (cs_cpulist_format(a, CS_CPUS_MAX, text, sizeof(text)) < 0)
		fail("a parsed list does not format", s);
	if (text[0] && (cs_cpulist_parse(text, b, CS_CPUS_MAX, err,
					 sizeof(err)) ||
			memcmp(a, b, sizeof(a))))
		fail("formatted, the list names other CPUs", s);
}

static void check_listen(const char *s)
{
	struct cs_listen l;
	char err[CS_ERR_MAX];

	err[0] = '\0';
	if (cs_listen_parse(s, &l, err, sizeof(err)) && !err[0])
		fail("a refused listen address without a reason", s);
}

static void parse(unsigned int cmd, int argc, char **argv)
{
	char err[CS_ERR_MAX];
	union {
		struct cs_status_opts status;
		struct cs_start_opts start;
		struct cs_set_opts set;
		struct cs_stop_opts stop;
		struct cs_top_opts top;
		struct cs_sweep_opts sweep;
		struct cs_serve_opts serve;
	} *o = calloc(1, sizeof(*o));

	if (!o)
		fail("out of memory", "");
	switch (cmd % 7) {
	case 0:
		parse_status_args(argc, argv, &o->status, err, sizeof(err));
		break;
	case 1:
		parse_start_args(argc, argv, &o->start, err, sizeof(err));
		break;
	case 2:
		parse_stop_args(argc, argv, &o->stop, err, sizeof(err));
		break;
	case 3:
		parse_set_args(argc, argv, &o->set, err, sizeof(err));
		break;
	case 4:
		parse_top_args(argc, argv, &o->top, err, sizeof(err));
		break;
	case 5:
		parse_sweep_args(argc, argv, &o->sweep, err, sizeof(err));
		break;
	default:
		parse_serve_args(argc, argv, &o->serve, err, sizeof(err));
	}
	free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[WORDS_MAX + 2], *p, *end;
	int argc = 1;

	if (!size)
		return 0;
	/* The words, each NUL-terminated, after the command's name. */
	buf = malloc(size + 1);
	if (!buf)
		fail("out of memory", "");
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	argv[0] = "cmd";
	for (p = buf, end = buf + size - 1; p < end && argc <= WORDS_MAX;
	     p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	parse(data[0], argc, argv);
	for (int i = 1; i < argc; i++) {
		check_cpulist(argv[i]);
		check_listen(argv[i]);
	}
	free(buf);
	return 0;
}
