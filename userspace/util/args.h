/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Command-line scanning (util/args.c): one strict number parser and one
 * option scanner, used by the CLI's commands and by the exporter's own
 * address syntax.
 */
#ifndef CPUSTRESS_UTIL_ARGS_H
#define CPUSTRESS_UTIL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int cs_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/**
 * struct cs_opt - one option a command accepts
 * @name: long name without the dashes ("busy")
 * @short_name: one-letter alias, or 0
 * @has_arg: takes a value, as "--name VALUE" or "--name=VALUE"
 */
struct cs_opt {
	const char *name;
	char short_name;
	bool has_arg;
};

/**
 * struct cs_argscan - walks argv[1..] over a table of options
 * @argc: argument count, argv[0] being the command name
 * @argv: the arguments
 * @opts: the table, ended by an entry with a NULL name
 * @pos: next argument to look at
 * @seen: bitmap of options already given (an option given twice is an error)
 * @val: the value of the option just returned
 * @err: where an error message goes
 * @errlen: its size
 */
struct cs_argscan {
	int argc;
	char **argv;
	const struct cs_opt *opts;
	int pos;
	uint64_t seen;
	const char *val;
	char *err;
	size_t errlen;
};

#define CS_ARG_END	(-1)
#define CS_ARG_ERR	(-2)

void cs_argscan_init(struct cs_argscan *sc, int argc, char **argv,
		     const struct cs_opt *opts, char *err, size_t errlen);
int cs_argscan_next(struct cs_argscan *sc);
int cs_arg_u32(struct cs_argscan *sc, int idx, uint32_t min, uint32_t max,
	       uint32_t *out);
int cs_arg_u32_list(struct cs_argscan *sc, int idx, uint32_t min,
		    uint32_t max, uint32_t *out, uint32_t cap, uint32_t *n);
void cs_arg_error(struct cs_argscan *sc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* CPUSTRESS_UTIL_ARGS_H */
