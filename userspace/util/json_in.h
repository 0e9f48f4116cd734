/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Reading a JSON document whose every field is checked: typed getters and
 * tables of fields, each refusing a missing, mistyped or out-of-range
 * value with one sentence naming the file and the JSON path of the field
 * ("a.json: field cpustress.levels[3].p99Us: expected a number").
 *
 * All of them return 0, or -EINVAL with the sentence in the reader's @err.
 */
#ifndef CPUSTRESS_JSON_IN_H
#define CPUSTRESS_JSON_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define CS_JSON_PATH_MAX	64	/* "cpustress.levels[127]" and the like */
#define CS_JSON_US_MAX		1e12	/* µs: a unit time past 11 days is junk */

/**
 * struct cs_json_in - where the reading is, for messages
 * @name: the file, as the user named it
 * @err: the message
 * @errlen: its size
 * @path: JSON path of the object being read ("" for the top level)
 */
struct cs_json_in {
	const char *name;
	char *err;
	size_t errlen;
	char path[CS_JSON_PATH_MAX];
};

/* How a field is read, and what it is stored as. */
enum cs_json_ftype {
	CS_F_U32,	/* integer in [min, max]: uint32_t */
	CS_F_U64,	/* integer in [min, max]: uint64_t or int64_t */
	CS_F_NUM,	/* number in [min, max]: double */
	CS_F_MS,	/* seconds in [min, max]: uint32_t ms */
	CS_F_US,	/* µs in [0, CS_JSON_US_MAX]: uint64_t ns */
	CS_F_TEXT,	/* string, cut short to fit */
	CS_F_NAME,	/* string, refused if it does not fit */
};

#define CS_F_NULL	0x1	/* null is fine too: NaN, or 0 for integers */
#define CS_F_METRIC	0x2	/* null, and only null, when there is no data */

/**
 * struct cs_json_field - one field of a JSON object, and where it goes
 * @key: its key
 * @type: see enum cs_json_ftype
 * @off: offset of the member it is stored in
 * @size: size of that member (the buffer, for strings)
 * @min: smallest value accepted
 * @max: largest value accepted
 * @flags: CS_F_NULL, CS_F_METRIC
 */
struct cs_json_field {
	const char *key;
	enum cs_json_ftype type;
	size_t off;
	size_t size;
	double min;
	double max;
	unsigned int flags;
};

/* The field @k of type @t, stored in member @m of struct type @st. */
#define CS_FIELD(st, k, t, m, lo, hi, fl)				\
	{ .key = k, .type = t, .off = offsetof(st, m),			\
	  .size = sizeof(((st *)0)->m), .min = lo, .max = hi, .flags = fl }

/* A problem with the whole file: "NAME: ...". Returns -EINVAL. */
int __attribute__((format(printf, 2, 3)))
cs_json_fail_file(struct cs_json_in *r, const char *fmt, ...);

/*
 * A problem with field @key of the current object ("NAME: field
 * cpustress.plan.runs: ..."), or with the object itself when @key is NULL.
 * Returns -EINVAL.
 */
int __attribute__((format(printf, 3, 4)))
cs_json_fail(struct cs_json_in *r, const char *key, const char *fmt, ...);

/* Descend into @key (@idx >= 0: its element @idx); returns the old length. */
size_t cs_json_enter(struct cs_json_in *r, const char *key, long idx);
/* Back to where cs_json_enter() returned @len. */
void cs_json_leave(struct cs_json_in *r, size_t len);

/*
 * Field @key of @obj, of @type (JSON_REAL: any number, JSON_TRUE: a
 * boolean); with @nullable, null is taken too and gives *@out NULL.
 */
int cs_json_get(struct cs_json_in *r, const json_t *obj, const char *key,
		json_type type, bool nullable, json_t **out);

/* An integer in [@min, @max]; with @nullable, null gives 0. */
int cs_json_get_int(struct cs_json_in *r, const json_t *obj, const char *key,
		    uint64_t min, uint64_t max, bool nullable, uint64_t *out);

/* A number in [@min, @max]; with @nullable, null gives NaN. */
int cs_json_get_num(struct cs_json_in *r, const json_t *obj, const char *key,
		    double min, double max, bool nullable, double *out);

/* A string into @buf; one that does not fit is cut, or refused if @exact. */
int cs_json_get_text(struct cs_json_in *r, const json_t *obj,
		     const char *key, char *buf, size_t size, bool exact);

/* A string that must be one of the @n @names; its index in *@out. */
int cs_json_get_enum(struct cs_json_in *r, const json_t *obj,
		     const char *key, const char *const *names,
		     unsigned int n, unsigned int *out);

/*
 * The @n fields @f of @obj into @base. With @why, a CS_F_METRIC field
 * must be null, @why says why ("runsOk is 0"), and is left as it is.
 */
int cs_json_read_fields(struct cs_json_in *r, const json_t *obj,
			const struct cs_json_field *f, size_t n, void *base,
			const char *why);

/* Member @key of @parent, an object, read by the table @f into @base. */
int cs_json_read_object(struct cs_json_in *r, const json_t *parent,
			const char *key, const struct cs_json_field *f,
			size_t n, void *base, json_t **obj);

#endif /* CPUSTRESS_JSON_IN_H */
