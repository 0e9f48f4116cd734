/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Typed getters for the unit tests that parse what the code wrote: each
 * fails the test, naming the key, when the member is missing or of
 * another type. Include after unit.h.
 */
#ifndef CPUSTRESS_TEST_JSON_H
#define CPUSTRESS_TEST_JSON_H

#include <jansson.h>

static inline json_int_t jget_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		fail_msg("\"%s\" is not an integer", key);
	return json_integer_value(v);
}

/* A real: written with a decimal point or exponent. */
static inline double jget_real(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_real(v))
		fail_msg("\"%s\" is not a real", key);
	return json_real_value(v);
}

/* An integer or a real. */
static inline double jget_num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_number(v))
		fail_msg("\"%s\" is not a number", key);
	return json_number_value(v);
}

static inline const char *jget_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("\"%s\" is not a string", key);
	return json_string_value(v);
}

#endif
