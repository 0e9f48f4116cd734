/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Several sweep result files side by side: the curves level by level, the
 * difference of each to the first file (the baseline), and, given each
 * host's price, the throughput a dollar per hour buys.
 *
 *   compare.c      the comparison and its table and CSV (no argv, no exit)
 *   cmd_compare.c  cpustress compare: options, reading files, messages
 *
 * docs/sweep-format.md "compare --format csv" documents the CSV.
 */
#ifndef CPUSTRESS_COMPARE_H
#define CPUSTRESS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sweep/sweep.h"

#define CS_COMPARE_FILES_MAX	16
#define CS_COMPARE_LABEL_MAX	512
#define CS_COMPARE_COST_MAX	1e6	/* USD per hour: more is a typo */

/* The CSV header line, without its newline. */
const char *cs_compare_csv_header(void);

/**
 * struct cs_compare_file - one file of a comparison
 * @sweep: what it holds (owned by the caller)
 * @path: its name, as given
 * @label: its host name, or "host (file name)" when two files share a
 *	host, or "host (path)" when they share the file name too
 * @cost: USD per hour of the host; 0 when not given
 * @cost_name: the --cost NAME that gave @cost
 */
struct cs_compare_file {
	const struct cs_sweep *sweep;
	const char *path;
	char label[CS_COMPARE_LABEL_MAX];
	double cost;
	const char *cost_name;
};

/**
 * struct cs_compare_test - is a value different from the one it is
 *	compared with, beyond the noise (sweep/stats.h)
 * @tested: both values have a 95 % interval (format 2); otherwise the
 *	rest is NaN and false: no interval, never significant
 * @ratio_lo: 95 % interval of the ratio of the two drift-corrected
 *	values (cs_ratio_ci())
 * @ratio_hi: see @ratio_lo
 * @p: two-sided p-value of "equal" (cs_ratio_p())
 * @sig: significant at a family-wise CS_COMPARE_ALPHA (cs_holm() over
 *	the test's family)
 */
struct cs_compare_test {
	bool tested;
	double ratio_lo;
	double ratio_hi;
	double p;
	bool sig;
};

/**
 * struct cs_compare_row - one level across the files
 * @level: busy % or CPU count (0 in the maxUnits row)
 * @have: the file has a good run at this level
 * @units: its workUnits there (median units/s, all loaded CPUs)
 * @corrected: its drift-corrected median there (format 1: the median)
 * @ci_lo: 95 % interval of @corrected; NaN when the file has none
 * @ci_hi: see @ci_lo
 * @have_diff: the file and the baseline (file 0) both have the level
 * @diff_units: @units minus the baseline's
 * @diff_pct: @diff_units in % of the baseline's; NaN if that is 0
 * @test: the file against the baseline; a family is one file's levels
 *	(the maxUnits row is a family of its own)
 */
struct cs_compare_row {
	uint32_t level;
	bool have[CS_COMPARE_FILES_MAX];
	uint64_t units[CS_COMPARE_FILES_MAX];
	double corrected[CS_COMPARE_FILES_MAX];
	double ci_lo[CS_COMPARE_FILES_MAX];
	double ci_hi[CS_COMPARE_FILES_MAX];
	bool have_diff[CS_COMPARE_FILES_MAX];
	int64_t diff_units[CS_COMPARE_FILES_MAX];
	double diff_pct[CS_COMPARE_FILES_MAX];
	struct cs_compare_test test[CS_COMPARE_FILES_MAX];
};

/**
 * struct cs_compare - the comparison
 * @kind: busy or CPU-count sweeps (every file the same)
 * @wu_kib: work-unit size of every file
 * @wu_spins: work-unit spins of every file
 * @nfiles: entries in @file
 * @file: the files, the baseline first
 * @nrows: entries in @rows
 * @rows: every level that any file has a good run at, ascending
 * @max: each file's maxUnits and their differences, over the levels
 *	every file has (a row only some files have is left out of it);
 *	its intervals are those of the level each maximum is at
 * @max_left_out: rows left out of @max
 */
struct cs_compare {
	enum cs_sweep_kind kind;
	uint32_t wu_kib;
	uint32_t wu_spins;
	size_t nfiles;
	struct cs_compare_file file[CS_COMPARE_FILES_MAX];
	size_t nrows;
	struct cs_compare_row *rows;
	struct cs_compare_row max;
	size_t max_left_out;
};

/**
 * struct cs_compare_price - price-performance of one file with a cost
 * @file: its index in the comparison
 * @value: maxUnits ÷ USD per hour: units/s per $/h
 * @lo: 95 % interval of the drift-corrected maxUnits ÷ USD per hour
 *	(NaN: no interval)
 * @hi: see @lo
 * @rel_pct: @value in % of the best value; NaN if the best is 0
 * @rank: 1 for the best; equal values share a rank (1, 1, 3)
 * @test: against the best (not for the best itself); the family is
 *	every other priced file, so @test.sig means "worse than the best"
 */
struct cs_compare_price {
	size_t file;
	double value;
	double lo;
	double hi;
	double rel_pct;
	unsigned int rank;
	struct cs_compare_test test;
};

/**
 * cs_compare_build() - line up @n sweeps
 * @c: the comparison, filled; cs_compare_free() it after a success
 * @sweeps: the sweeps, the baseline first
 * @paths: their file names, for labels and messages
 * @n: 1..CS_COMPARE_FILES_MAX
 * @err: why they cannot be compared
 * @errlen: its size
 *
 * Files measured with different work units, or mixing busy and CPU-count
 * sweeps, are refused: their numbers do not measure the same thing.
 * Return: 0, -EINVAL (not comparable, or a bad @n) or -ENOMEM.
 */
int cs_compare_build(struct cs_compare *c, const struct cs_sweep *sweeps,
		     const char *const *paths, size_t n, char *err,
		     size_t errlen);
void cs_compare_free(struct cs_compare *c);

/**
 * cs_compare_set_cost() - give the files @name stands for a price
 * @c: the comparison
 * @name: a file's label, host name, path, file name, or file name
 *	without ".json"; every file it names gets the price
 * @usd_per_hour: the price, > 0
 * @err: why not
 * @errlen: its size
 *
 * Return: 0, -ENOENT if @name names no file, -EEXIST if a file it names
 * already has a price from another name.
 */
int cs_compare_set_cost(struct cs_compare *c, const char *name,
			double usd_per_hour, char *err, size_t errlen);

/**
 * cs_compare_price() - rank the files that have a price, best first
 * @c: the comparison
 * @out: room for CS_COMPARE_FILES_MAX entries
 *
 * Equal values keep the files' order. Return: entries in @out.
 */
size_t cs_compare_price(const struct cs_compare *c,
			struct cs_compare_price *out);

/*
 * A price as the user writes it: a plain decimal number ("0.45", "12"),
 * nothing else (no sign, exponent or blank). Return: 0 or -EINVAL.
 */
int cs_compare_parse_price(const char *s, double *out);

/*
 * The human table: curves, maxUnits, then price-performance if priced.
 * Each file after the baseline gets its difference, the difference's
 * 95 % interval ("no interval" without one) and whether it is
 * significant.
 */
void cs_compare_print_table(FILE *f, const struct cs_compare *c);

/* The same in long CSV form: cs_compare_csv_header, then the rows. */
void cs_compare_print_csv(FILE *f, const struct cs_compare *c);

#endif /* CPUSTRESS_COMPARE_H */
