// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Checked JSON input: every getter names the field's JSON path in its
 * message, so a caller refuses a bad document with one exact sentence.
 * json_in.h describes the interface.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/json_in.h"

#define ENUM_MAX	32	/* longest enum value, and then some */
#define MS_PER_S	1000
#define NS_PER_US	1000

/* @fmt after the first @n characters of the message. Returns -EINVAL. */
static int vfail(struct cs_json_in *r, int n, const char *fmt, va_list ap)
{
	if (n >= 0 && (size_t)n < r->errlen)
		vsnprintf(r->err + n, r->errlen - n, fmt, ap);
	return -EINVAL;
}

int __attribute__((format(printf, 2, 3)))
cs_json_fail_file(struct cs_json_in *r, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(r, snprintf(r->err, r->errlen, "%s: ", r->name), fmt, ap);
	va_end(ap);
	return ret;
}

int __attribute__((format(printf, 3, 4)))
cs_json_fail(struct cs_json_in *r, const char *key, const char *fmt, ...)
{
	const char *dot = r->path[0] && key ? "." : "";
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(r, snprintf(r->err, r->errlen, "%s: field %s%s%s: ",
				r->name, r->path, dot, key ? key : ""),
		    fmt, ap);
	va_end(ap);
	return ret;
}

size_t cs_json_enter(struct cs_json_in *r, const char *key, long idx)
{
	size_t len = strlen(r->path);
	const char *dot = len ? "." : "";

	if (idx < 0)
		snprintf(r->path + len, sizeof(r->path) - len, "%s%s", dot, key);
	else
		snprintf(r->path + len, sizeof(r->path) - len, "%s%s[%ld]",
			 dot, key, idx);
	return len;
}

void cs_json_leave(struct cs_json_in *r, size_t len)
{
	r->path[len] = '\0';
}

static bool has_type(const json_t *v, json_type type)
{
	if (type == JSON_REAL)
		return json_is_number(v);
	if (type == JSON_TRUE)
		return json_is_boolean(v);
	return json_typeof(v) == type;
}

static const char *type_name(json_type type)
{
	switch (type) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_TRUE:
		return "true or false";
	default:
		return "a number";
	}
}

int cs_json_get(struct cs_json_in *r, const json_t *obj, const char *key,
		json_type type, bool nullable, json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v)
		return cs_json_fail(r, key, "missing");
	if (nullable && json_is_null(v))
		return 0;
	if (!has_type(v, type))
		return cs_json_fail(r, key, "expected %s%s", type_name(type),
			    nullable ? " or null" : "");
	*out = v;
	return 0;
}

int cs_json_get_int(struct cs_json_in *r, const json_t *obj, const char *key,
		    uint64_t min, uint64_t max, bool nullable, uint64_t *out)
{
	json_int_t n;
	json_t *v;
	int ret = cs_json_get(r, obj, key, JSON_INTEGER, nullable, &v);

	*out = 0;
	if (ret || !v)
		return ret;
	n = json_integer_value(v);
	if (n < 0 || (uint64_t)n < min || (uint64_t)n > max)
		return cs_json_fail(r, key, "%lld is out of range %llu..%llu",
			    (long long)n, (unsigned long long)min,
			    (unsigned long long)max);
	*out = (uint64_t)n;
	return 0;
}

int cs_json_get_num(struct cs_json_in *r, const json_t *obj, const char *key,
		    double min, double max, bool nullable, double *out)
{
	json_t *v;
	int ret = cs_json_get(r, obj, key, JSON_REAL, nullable, &v);

	*out = NAN;
	if (ret || !v)
		return ret;
	*out = json_number_value(v);
	if (*out < min && isinf(max))
		return cs_json_fail(r, key, "%g is less than %g", *out, min);
	if (*out < min || *out > max)
		return cs_json_fail(r, key, "%g is out of range %g..%g", *out, min,
				    max);
	return 0;
}

int cs_json_get_text(struct cs_json_in *r, const json_t *obj,
		     const char *key, char *buf, size_t size, bool exact)
{
	json_t *v;
	int ret = cs_json_get(r, obj, key, JSON_STRING, false, &v);

	if (ret)
		return ret;
	if (exact && json_string_length(v) >= size)
		return cs_json_fail(r, key, "longer than %zu characters",
				    size - 1);
	snprintf(buf, size, "%s", json_string_value(v));
	return 0;
}

int cs_json_get_enum(struct cs_json_in *r, const json_t *obj,
		     const char *key, const char *const *names,
		     unsigned int n, unsigned int *out)
{
	char list[ENUM_MAX * 4] = "", val[ENUM_MAX];
	unsigned int i;
	int ret = cs_json_get_text(r, obj, key, val, sizeof(val), false);

	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		if (!strcmp(val, names[i])) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", i ? ", " : "", names[i]);
	}
	return cs_json_fail(r, key, "'%s' is not one of %s", val, list);
}

/*
 * One field into @base, as @f says. With @why, a metric must be
 * null, @why says why ("runsOk is 0"), and is left as it is.
 */
static int read_field(struct cs_json_in *r, const json_t *obj,
		      const struct cs_json_field *f, void *base,
		      const char *why)
{
	bool nullable = f->flags & CS_F_NULL;
	void *p = (char *)base + f->off;
	uint64_t u;
	double d;
	json_t *v;
	int ret;

	if (why && (f->flags & CS_F_METRIC)) {
		v = json_object_get(obj, f->key);
		if (!v)
			return cs_json_fail(r, f->key, "missing");
		return json_is_null(v) ? 0 :
		       cs_json_fail(r, f->key, "expected null, as %s", why);
	}
	switch (f->type) {
	case CS_F_U32:
	case CS_F_U64:
		ret = cs_json_get_int(r, obj, f->key, (uint64_t)f->min,
			      (uint64_t)f->max, nullable, &u);
		if (f->type == CS_F_U32)
			*(uint32_t *)p = (uint32_t)u;
		else
			*(uint64_t *)p = u;
		return ret;
	case CS_F_NUM:
		return cs_json_get_num(r, obj, f->key, f->min, f->max, nullable,
				       p);
	case CS_F_MS:
		ret = cs_json_get_num(r, obj, f->key, f->min, f->max, false,
				      &d);
		*(uint32_t *)p = ret ? 0 : (uint32_t)llround(d * MS_PER_S);
		return ret;
	case CS_F_US:
		ret = cs_json_get_num(r, obj, f->key, 0, CS_JSON_US_MAX, false,
				      &d);
		*(uint64_t *)p = ret ? 0 : (uint64_t)llround(d * NS_PER_US);
		return ret;
	case CS_F_TEXT:
	case CS_F_NAME:
		return cs_json_get_text(r, obj, f->key, p, f->size,
					f->type == CS_F_NAME);
	}
	return -EINVAL;
}

int cs_json_read_fields(struct cs_json_in *r, const json_t *obj,
			const struct cs_json_field *f, size_t n, void *base,
			const char *why)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < n && !ret; i++)
		ret = read_field(r, obj, &f[i], base, why);
	return ret;
}

int cs_json_read_object(struct cs_json_in *r, const json_t *parent,
			const char *key, const struct cs_json_field *f,
			size_t n, void *base, json_t **obj)
{
	size_t len;
	int ret = cs_json_get(r, parent, key, JSON_OBJECT, false, obj);

	if (ret)
		return ret;
	len = cs_json_enter(r, key, -1);
	ret = cs_json_read_fields(r, *obj, f, n, base, NULL);
	cs_json_leave(r, len);
	return ret;
}
