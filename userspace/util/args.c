// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Command-line scanning shared by every command: one strict number parser
 * and one option scanner, so that every command rejects the same mistakes
 * with the same words.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/args.h"

/**
 * cs_parse_u32() - a decimal number in a range, nothing else
 * @s: the text
 * @min: smallest value accepted
 * @max: largest value accepted
 * @out: the value, written only on success
 *
 * strtoul() would take " 12", "+12", "-1" (as a huge number), "12abc" and
 * "0x10"; a user who typed any of those meant something else.
 *
 * Return: 0, -EINVAL if @s is not a plain decimal number, -ERANGE if it is
 * outside [@min, @max].
 */
int cs_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	bool big = false;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX) {
			big = true;
			v = UINT32_MAX + 1ULL;	/* keep scanning for junk */
		}
	}
	if (big || v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

void cs_arg_error(struct cs_argscan *sc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sc->err, sc->errlen, fmt, ap);
	va_end(ap);
}

void cs_argscan_init(struct cs_argscan *sc, int argc, char **argv,
		     const struct cs_opt *opts, char *err, size_t errlen)
{
	memset(sc, 0, sizeof(*sc));
	sc->argc = argc;
	sc->argv = argv;
	sc->opts = opts;
	sc->pos = 1;
	sc->err = err;
	sc->errlen = errlen;
	if (errlen)
		err[0] = '\0';
}

/* The index of the option spelled @arg ("--busy", "-h"), or -1. */
static int find_opt(const struct cs_opt *opts, const char *arg, size_t len)
{
	int i;

	for (i = 0; opts[i].name; i++) {
		if (arg[1] != '-') {
			if (len == 2 && opts[i].short_name == arg[1])
				return i;
			continue;
		}
		if (strlen(opts[i].name) == len - 2 &&
		    !strncmp(opts[i].name, arg + 2, len - 2))
			return i;
	}
	return -1;
}

/**
 * cs_argscan_next() - the next option
 * @sc: the scanner
 *
 * No command takes a positional argument, so anything that is not an
 * option is an error; so is an unknown option, a missing value, a value
 * given to a flag and an option given twice.
 *
 * Return: the index of the option in the table (its value, if any, in
 * sc->val), CS_ARG_END when every argument is consumed, CS_ARG_ERR with a
 * message in sc->err.
 */
int cs_argscan_next(struct cs_argscan *sc)
{
	const char *arg, *eq;
	size_t len;
	int idx;

	if (sc->pos >= sc->argc)
		return CS_ARG_END;
	arg = sc->argv[sc->pos++];
	sc->val = NULL;
	if (arg[0] != '-' || !arg[1] || !strcmp(arg, "--")) {
		cs_arg_error(sc, "unexpected argument '%s'", arg);
		return CS_ARG_ERR;
	}
	eq = arg[1] == '-' ? strchr(arg, '=') : NULL;
	len = eq ? (size_t)(eq - arg) : strlen(arg);
	idx = find_opt(sc->opts, arg, len);
	if (idx < 0) {
		cs_arg_error(sc, "unknown option '%.*s'", (int)len, arg);
		return CS_ARG_ERR;
	}
	if (sc->seen & (1ULL << idx)) {
		cs_arg_error(sc, "option '--%s' given twice", sc->opts[idx].name);
		return CS_ARG_ERR;
	}
	sc->seen |= 1ULL << idx;
	if (!sc->opts[idx].has_arg) {
		if (eq) {
			cs_arg_error(sc, "option '--%s' takes no value",
				     sc->opts[idx].name);
			return CS_ARG_ERR;
		}
		return idx;
	}
	if (eq) {
		sc->val = eq + 1;
	} else if (sc->pos < sc->argc) {
		sc->val = sc->argv[sc->pos++];
	} else {
		cs_arg_error(sc, "option '--%s' needs a value",
			     sc->opts[idx].name);
		return CS_ARG_ERR;
	}
	if (!*sc->val) {
		cs_arg_error(sc, "option '--%s' needs a value, got ''",
			     sc->opts[idx].name);
		return CS_ARG_ERR;
	}
	return idx;
}

/**
 * cs_arg_u32() - the value of the current option as a number in a range
 * @sc: the scanner, just after cs_argscan_next() returned @idx
 * @idx: the option
 * @min: smallest value accepted
 * @max: largest value accepted
 * @out: the value
 *
 * Return: 0, or CS_ARG_ERR with a message naming the option and the range.
 */
int cs_arg_u32(struct cs_argscan *sc, int idx, uint32_t min, uint32_t max,
	       uint32_t *out)
{
	const char *name = sc->opts[idx].name;
	int ret = cs_parse_u32(sc->val, min, max, out);

	if (ret == -EINVAL) {
		cs_arg_error(sc, "--%s: '%s' is not a number: give a whole number in %u..%u",
			     name, sc->val, min, max);
		return CS_ARG_ERR;
	}
	if (ret == -ERANGE) {
		cs_arg_error(sc, "--%s: %s is out of range %u..%u",
			     name, sc->val, min, max);
		return CS_ARG_ERR;
	}
	return 0;
}

/**
 * cs_arg_u32_list() - the option's value as a strictly ascending list
 * @sc: the scanner, positioned on the option
 * @idx: the option's index
 * @min: smallest value accepted
 * @max: largest value accepted
 * @out: the values
 * @cap: room in @out
 * @n: number of values, written only on success
 *
 * "10,20,30": comma-separated decimal numbers, no spaces, no empty item.
 *
 * Return: 0, or CS_ARG_ERR with a message naming the option and the fault.
 */
int cs_arg_u32_list(struct cs_argscan *sc, int idx, uint32_t min,
		    uint32_t max, uint32_t *out, uint32_t cap, uint32_t *n)
{
	const char *name = sc->opts[idx].name, *p = sc->val;
	char item[16];
	uint32_t k = 0;

	for (;;) {
		size_t len = strcspn(p, ",");
		int ret;

		if (!len || len >= sizeof(item)) {
			cs_arg_error(sc, "--%s: '%s' is not a comma-separated list of numbers in %u..%u",
				     name, sc->val, min, max);
			return CS_ARG_ERR;
		}
		if (k == cap) {
			cs_arg_error(sc, "--%s: more than %u values", name,
				     cap);
			return CS_ARG_ERR;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		ret = cs_parse_u32(item, min, max, &out[k]);
		if (ret == -EINVAL) {
			cs_arg_error(sc, "--%s: '%s' is not a number: give whole numbers in %u..%u",
				     name, item, min, max);
			return CS_ARG_ERR;
		}
		if (ret == -ERANGE) {
			cs_arg_error(sc, "--%s: %s is out of range %u..%u",
				     name, item, min, max);
			return CS_ARG_ERR;
		}
		if (k && out[k] <= out[k - 1]) {
			cs_arg_error(sc, "--%s: values must go strictly up (%u after %u)",
				     name, out[k], out[k - 1]);
			return CS_ARG_ERR;
		}
		k++;
		p += len;
		if (!*p)
			break;
		p++;
	}
	*n = k;
	return 0;
}
