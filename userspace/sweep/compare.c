// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Sweep results side by side. Pure: the caller reads the files and prints
 * the messages; here the curves are lined up level by level, compared
 * with the first file, priced, and printed as a table or CSV.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "sweep/compare.h"
#include "sweep/stats.h"
#include "util/words.h"

/* Values this close (relative) rank equal: they differ by rounding only. */
#define PRICE_TIE_REL	1e-9

/* One table cell: a label and a suffix (" diff%"), or a number. */
#define CELL_MAX	(CS_COMPARE_LABEL_MAX + 16)
/* A file's text escaped: every byte may become four. */
#define ESC_MAX		(4 * CS_SWEEP_TEXT_MAX)
/* Curve table columns per file after the baseline: diff, %, CI, sig. */
#define DIFF_COLS	4
#define TABLE_COLS	(1 + CS_COMPARE_FILES_MAX * (1 + DIFF_COLS))

/*
 * The CSV's columns, in order: the one list the header and every row
 * are written from (docs/sweep-format.md "compare --format csv").
 */
#define CSV_COLUMNS(X)						\
	X(SECTION, "section")					\
	X(LEVEL, "level")					\
	X(LABEL, "label")					\
	X(UNITS, "units")					\
	X(DIFF_UNITS, "diff_units")				\
	X(DIFF_PCT, "diff_pct")					\
	X(COST, "cost_usd_per_hour")				\
	X(VALUE, "units_per_dollar_hour")			\
	X(RANK, "rank")						\
	X(CORRECTED, "units_corrected")				\
	X(CI_LO, "ci95_lo")					\
	X(CI_HI, "ci95_hi")					\
	X(DIFF_CI_LO, "diff_pct_ci95_lo")			\
	X(DIFF_CI_HI, "diff_pct_ci95_hi")			\
	X(P_VALUE, "p_value")					\
	X(SIGNIFICANT, "significant")

#define CSV_ENUM(id, name)	CSV_##id,
#define CSV_HEADER(id, name)	"," name

enum { CSV_COLUMNS(CSV_ENUM) CSV_COLS };

/* Every name with a comma before it: the header is this past its first. */
static const char csv_header[] = CSV_COLUMNS(CSV_HEADER);

const char *cs_compare_csv_header(void)
{
	return csv_header + 1;
}

/* "busy" or "CPU-count", before "sweep". */
static const char *kind_text(enum cs_sweep_kind kind)
{
	return kind == CS_SWEEP_CPUS ? "CPU-count" : "busy";
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * Host names label the files; a host measured twice is told apart by the
 * file name, or by the path when the file names are the same too. A
 * label goes to the terminal and to CSV: its control bytes are escaped.
 */
static void make_labels(struct cs_compare *c)
{
	char raw[CS_COMPARE_LABEL_MAX];
	size_t i, j;

	for (i = 0; i < c->nfiles; i++) {
		struct cs_compare_file *fi = &c->file[i];
		bool shared_host = false, shared_base = false;

		for (j = 0; j < c->nfiles; j++) {
			const struct cs_compare_file *fj = &c->file[j];

			if (j == i || strcmp(fi->sweep->hostname,
					     fj->sweep->hostname))
				continue;
			shared_host = true;
			if (!strcmp(base_name(fi->path), base_name(fj->path)))
				shared_base = true;
		}
		if (!shared_host)
			snprintf(raw, sizeof(raw), "%s", fi->sweep->hostname);
		else
			snprintf(raw, sizeof(raw), "%s (%s)",
				 fi->sweep->hostname,
				 shared_base ? fi->path : base_name(fi->path));
		cs_escape_ctl(fi->label, sizeof(fi->label), raw, 0);
	}
}

/* Refuse files whose numbers do not measure the same thing as file 0's. */
static int check_comparable(const struct cs_compare *c, char *err,
			    size_t errlen)
{
	const struct cs_compare_file *a = &c->file[0];
	size_t i;

	for (i = 1; i < c->nfiles; i++) {
		const struct cs_compare_file *b = &c->file[i];

		if (b->sweep->wu_kib != c->wu_kib ||
		    b->sweep->wu_spins != c->wu_spins) {
			snprintf(err, errlen, "%s and %s were measured with different work units (wu_kib %u, wu_spins %u vs wu_kib %u, wu_spins %u): their units are not comparable",
				 a->path, b->path, c->wu_kib, c->wu_spins,
				 b->sweep->wu_kib, b->sweep->wu_spins);
			return -EINVAL;
		}
		if (b->sweep->plan.kind != c->kind) {
			snprintf(err, errlen, "%s is a %s sweep and %s a %s sweep: busy %% and CPU-count levels are not comparable",
				 a->path, kind_text(c->kind), b->path,
				 kind_text(b->sweep->plan.kind));
			return -EINVAL;
		}
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Every level any file has a good run at, ascending, one row each. */
static int make_rows(struct cs_compare *c)
{
	uint32_t levels[CS_COMPARE_FILES_MAX * CS_SWEEP_LEVELS_MAX];
	size_t i, n = 0;
	uint32_t li;

	for (i = 0; i < c->nfiles; i++) {
		const struct cs_sweep *s = c->file[i].sweep;

		for (li = 0; li < s->plan.nlevels && li < CS_SWEEP_LEVELS_MAX; li++)
			if (s->levels[li].runs_ok)
				levels[n++] = s->levels[li].level;
	}
	qsort(levels, n, sizeof(levels[0]), cmp_u32);
	c->nrows = 0;
	c->rows = calloc(n ? n : 1, sizeof(*c->rows));
	if (!c->rows)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (!c->nrows || levels[i] != c->rows[c->nrows - 1].level)
			c->rows[c->nrows++].level = levels[i];
	return 0;
}

static struct cs_compare_row *find_row(struct cs_compare *c, uint32_t level)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		if (c->rows[i].level == level)
			return &c->rows[i];
	return NULL;
}

/* Every file's difference to the baseline, where both have a value. */
static void fill_diffs(struct cs_compare_row *row, size_t nfiles)
{
	size_t i;

	for (i = 1; i < nfiles; i++) {
		row->have_diff[i] = row->have[0] && row->have[i];
		if (!row->have_diff[i])
			continue;
		row->diff_units[i] = (int64_t)row->units[i] -
				     (int64_t)row->units[0];
		row->diff_pct[i] = row->units[0] ?
				   100.0 * (double)row->diff_units[i] /
				   (double)row->units[0] : NAN;
	}
}

/*
 * @row into the maxUnits row if every file has its level: maxima over
 * different levels (an interrupted sweep's 20 and 40 against another's 50
 * and 100) would compare different loads. A row left out is counted.
 */
static void add_to_max(struct cs_compare *c, const struct cs_compare_row *row)
{
	size_t i;

	for (i = 0; i < c->nfiles; i++) {
		if (!row->have[i]) {
			c->max_left_out++;
			return;
		}
	}
	for (i = 0; i < c->nfiles; i++) {
		if (!c->max.have[i] || row->units[i] > c->max.units[i]) {
			c->max.units[i] = row->units[i];
			c->max.corrected[i] = row->corrected[i];
			c->max.ci_lo[i] = row->ci_lo[i];
			c->max.ci_hi[i] = row->ci_hi[i];
		}
		c->max.have[i] = true;
	}
}

/* Each file's workUnits into its level's row; the common best into max. */
static void fill_units(struct cs_compare *c)
{
	struct cs_compare_row *row;
	size_t i, r;
	uint32_t li;

	for (i = 0; i < c->nfiles; i++) {
		const struct cs_sweep *s = c->file[i].sweep;

		for (li = 0; li < s->plan.nlevels && li < CS_SWEEP_LEVELS_MAX; li++) {
			const struct cs_sweep_level *l = &s->levels[li];

			row = l->runs_ok ? find_row(c, l->level) : NULL;
			if (!row)
				continue;
			row->have[i] = true;
			row->units[i] = l->work_units;
			row->corrected[i] = l->corrected;
			row->ci_lo[i] = l->ci_lo;
			row->ci_hi[i] = l->ci_hi;
		}
	}
	for (r = 0; r < c->nrows; r++) {
		fill_diffs(&c->rows[r], c->nfiles);
		add_to_max(c, &c->rows[r]);
	}
	fill_diffs(&c->max, c->nfiles);
}

/*
 * @t: value a (with its 95 % interval alo..ahi) against b. Without
 * both intervals it is not tested, and so never significant.
 */
static void test_ratio(struct cs_compare_test *t, double a, double alo,
		       double ahi, double b, double blo, double bhi)
{
	cs_ratio_ci(a, alo, ahi, b, blo, bhi, &t->ratio_lo, &t->ratio_hi);
	t->tested = isfinite(t->ratio_lo) && isfinite(t->ratio_hi);
	t->p = t->tested ? cs_ratio_p(a, alo, ahi, b, blo, bhi) : NAN;
	t->sig = false;
}

/* Holm's correction over the @n (<= CS_SWEEP_LEVELS_MAX) tests of @t. */
static void holm_family(struct cs_compare_test *const *t, size_t n)
{
	double p[CS_SWEEP_LEVELS_MAX] = { 0 };
	bool sig[CS_SWEEP_LEVELS_MAX] = { false };
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = t[i]->p;
	cs_holm(p, n, CS_COMPARE_ALPHA, sig);
	for (i = 0; i < n; i++)
		t[i]->sig = sig[i];
}

static void test_row(struct cs_compare_row *row, size_t i)
{
	if (!row->have_diff[i]) {
		test_ratio(&row->test[i], NAN, NAN, NAN, NAN, NAN, NAN);
		return;
	}
	test_ratio(&row->test[i], row->corrected[i], row->ci_lo[i],
		   row->ci_hi[i], row->corrected[0], row->ci_lo[0],
		   row->ci_hi[0]);
}

/*
 * Every file against the baseline: its levels are one family, Holm
 * corrected; the maxUnits row is a question of its own.
 */
static void fill_tests(struct cs_compare *c)
{
	struct cs_compare_test *family[CS_SWEEP_LEVELS_MAX];
	size_t i, r, n;

	for (i = 1; i < c->nfiles; i++) {
		n = 0;
		for (r = 0; r < c->nrows; r++) {
			test_row(&c->rows[r], i);
			/* A file has at most CS_SWEEP_LEVELS_MAX levels. */
			if (c->rows[r].test[i].tested && n < CS_SWEEP_LEVELS_MAX)
				family[n++] = &c->rows[r].test[i];
		}
		holm_family(family, n);
		test_row(&c->max, i);
		family[0] = &c->max.test[i];
		holm_family(family, c->max.test[i].tested);
	}
}

int cs_compare_build(struct cs_compare *c, const struct cs_sweep *sweeps,
		     const char *const *paths, size_t n, char *err,
		     size_t errlen)
{
	size_t i;
	int ret;

	memset(c, 0, sizeof(*c));
	if (!n || n > CS_COMPARE_FILES_MAX) {
		snprintf(err, errlen, "%zu files: compare takes 1 to %d",
			 n, CS_COMPARE_FILES_MAX);
		return -EINVAL;
	}
	c->nfiles = n;
	c->kind = sweeps[0].plan.kind;
	c->wu_kib = sweeps[0].wu_kib;
	c->wu_spins = sweeps[0].wu_spins;
	for (i = 0; i < n; i++) {
		c->file[i].sweep = &sweeps[i];
		c->file[i].path = paths[i];
	}
	ret = check_comparable(c, err, errlen);
	if (ret)
		return ret;
	make_labels(c);
	ret = make_rows(c);
	if (ret) {
		snprintf(err, errlen, "out of memory");
		return ret;
	}
	fill_units(c);
	fill_tests(c);
	return 0;
}

void cs_compare_free(struct cs_compare *c)
{
	free(c->rows);
	c->rows = NULL;
	c->nrows = 0;
}

/* Whether @name is @f's label, host name, path or file name (.json or not). */
static bool names_file(const struct cs_compare_file *f, const char *name)
{
	const char *base = base_name(f->path);
	size_t len = strlen(base);
	static const char ext[] = ".json";

	if (!strcmp(name, f->label) || !strcmp(name, f->sweep->hostname) ||
	    !strcmp(name, f->path) || !strcmp(name, base))
		return true;
	return len > strlen(ext) && !strcmp(base + len - strlen(ext), ext) &&
	       strlen(name) == len - strlen(ext) &&
	       !strncmp(name, base, len - strlen(ext));
}

int cs_compare_set_cost(struct cs_compare *c, const char *name,
			double usd_per_hour, char *err, size_t errlen)
{
	char labels[CELL_MAX] = "";
	size_t i, matched = 0, len;

	for (i = 0; i < c->nfiles; i++) {
		struct cs_compare_file *f = &c->file[i];

		if (!names_file(f, name))
			continue;
		if (f->cost_name && strcmp(f->cost_name, name)) {
			snprintf(err, errlen, "'%s' and '%s' both name %s: give each file one price",
				 f->cost_name, name, f->label);
			return -EEXIST;
		}
		f->cost = usd_per_hour;
		f->cost_name = name;
		matched++;
	}
	if (matched)
		return 0;
	for (i = 0; i < c->nfiles; i++) {
		len = strlen(labels);
		snprintf(labels + len, sizeof(labels) - len, "%s%s",
			 i ? ", " : "", c->file[i].label);
	}
	snprintf(err, errlen, "'%s' names no file: give a label (%s), a host name, a path or a file name",
		 name, labels);
	return -ENOENT;
}

static bool same_value(double a, double b)
{
	return fabs(a - b) <= PRICE_TIE_REL * fmax(fabs(a), fabs(b));
}

/*
 * Every priced file against the best, on the drift-corrected maxima per
 * dollar-hour; the family is every file but the best, Holm corrected.
 */
static void test_price(const struct cs_compare *c,
		       struct cs_compare_price *out, size_t n)
{
	struct cs_compare_test *family[CS_COMPARE_FILES_MAX];
	size_t i, nf = 0;

	test_ratio(&out[0].test, NAN, NAN, NAN, NAN, NAN, NAN);
	for (i = 1; i < n; i++) {
		const double ca = c->file[out[i].file].cost;
		const double cb = c->file[out[0].file].cost;

		test_ratio(&out[i].test,
			   c->max.corrected[out[i].file] / ca, out[i].lo,
			   out[i].hi, c->max.corrected[out[0].file] / cb,
			   out[0].lo, out[0].hi);
		if (out[i].test.tested)
			family[nf++] = &out[i].test;
	}
	holm_family(family, nf);
}

size_t cs_compare_price(const struct cs_compare *c,
			struct cs_compare_price *out)
{
	struct cs_compare_price p;
	size_t i, j, n = 0;

	for (i = 0; i < c->nfiles; i++) {
		if (c->file[i].cost <= 0)
			continue;
		p.file = i;
		p.value = c->max.have[i] ?
			  (double)c->max.units[i] / c->file[i].cost : 0;
		p.lo = c->max.have[i] ? c->max.ci_lo[i] / c->file[i].cost : NAN;
		p.hi = c->max.have[i] ? c->max.ci_hi[i] / c->file[i].cost : NAN;
		/* Insertion sort, best first: stable, and n is at most 16. */
		j = n++;
		while (j && out[j - 1].value < p.value &&
		       !same_value(out[j - 1].value, p.value)) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = p;
	}
	for (i = 0; i < n; i++) {
		out[i].rank = i && same_value(out[i].value, out[i - 1].value) ?
			      out[i - 1].rank : (unsigned int)i + 1;
		out[i].rel_pct = out[0].value > 0 ?
				 100.0 * out[i].value / out[0].value : NAN;
	}
	test_price(c, out, n);
	return n;
}

/* --- the table ------------------------------------------------------- */

/*
 * A grid printed in aligned columns: @cell writes the text of row @r
 * (0 is the header) and column @col. Columns in @left are left-aligned.
 */
typedef void (*cell_fn)(const struct cs_compare *c, const void *ctx,
			size_t r, size_t col, char *buf);

static void print_grid(FILE *f, const struct cs_compare *c, const void *ctx,
		       size_t nrows, size_t ncols, cell_fn cell,
		       uint64_t left)
{
	int width[TABLE_COLS] = { 0 }, len;
	char buf[CELL_MAX];
	size_t r, col;

	for (r = 0; r <= nrows; r++) {
		for (col = 0; col < ncols; col++) {
			cell(c, ctx, r, col, buf);
			len = (int)strlen(buf);
			if (len > width[col])
				width[col] = len;
		}
	}
	for (r = 0; r <= nrows; r++) {
		for (col = 0; col < ncols; col++) {
			bool l = col < 64 && (left >> col & 1);

			cell(c, ctx, r, col, buf);
			/* No padding after the last column. */
			if (l && col + 1 == ncols)
				fprintf(f, "%s%s", col ? "  " : "", buf);
			else
				fprintf(f, "%s%*s", col ? "  " : "",
					l ? -width[col] : width[col], buf);
		}
		fputc('\n', f);
	}
}

/* A ratio's interval as a difference in %: "+4.8..+15.6%". */
static void interval_cell(char *buf, const struct cs_compare_test *t)
{
	snprintf(buf, CELL_MAX, "%+.1f..%+.1f%%", 100 * (t->ratio_lo - 1),
		 100 * (t->ratio_hi - 1));
}

enum { DIFF_UNITS, DIFF_PCT, DIFF_CI, DIFF_SIG };

/* Column @k (enum above) of file @i's difference in @row. */
static void diff_cell(const struct cs_compare_row *row, size_t i, size_t k,
		      char *buf)
{
	const struct cs_compare_test *t = &row->test[i];

	if (!row->have_diff[i])
		snprintf(buf, CELL_MAX, "-");
	else if (k == DIFF_UNITS)
		snprintf(buf, CELL_MAX, "%+lld", (long long)row->diff_units[i]);
	else if (k == DIFF_PCT && isfinite(row->diff_pct[i]))
		snprintf(buf, CELL_MAX, "%+.1f%%", row->diff_pct[i]);
	else if (k == DIFF_CI && t->tested)
		interval_cell(buf, t);
	else if (k == DIFF_CI)
		snprintf(buf, CELL_MAX, "no interval");
	else if (k == DIFF_SIG && t->tested)
		snprintf(buf, CELL_MAX, "%s", t->sig ? "yes" : "no");
	else
		snprintf(buf, CELL_MAX, "-");
}

/*
 * Curve table: the level, each file's units, then for each file after the
 * baseline its difference in units and in %, the interval of the
 * difference and whether it is significant. Row nrows + 1 is maxUnits.
 */
static void curve_cell(const struct cs_compare *c, const void *ctx, size_t r,
		       size_t col, char *buf)
{
	static const char *const suffix[DIFF_COLS] = {
		" diff", " diff%", " 95% CI", " sig",
	};
	const struct cs_compare_row *row = r > c->nrows ? &c->max :
					   r ? &c->rows[r - 1] : NULL;
	bool diff = col > c->nfiles;
	size_t i = 0, k = 0;

	(void)ctx;
	if (diff) {
		i = 1 + (col - c->nfiles - 1) / DIFF_COLS;
		k = (col - c->nfiles - 1) % DIFF_COLS;
	} else if (col) {
		i = col - 1;
	}
	if (!col && !row)
		snprintf(buf, CELL_MAX, "%s",
			 c->kind == CS_SWEEP_CPUS ? "cpus" : "busy%");
	else if (!col && row == &c->max)
		snprintf(buf, CELL_MAX, "max");
	else if (!col)
		snprintf(buf, CELL_MAX, "%u", row->level);
	else if (!row)
		snprintf(buf, CELL_MAX, "%s%s", c->file[i].label,
			 diff ? suffix[k] : "");
	else if (diff)
		diff_cell(row, i, k, buf);
	else if (row->have[i])
		snprintf(buf, CELL_MAX, "%llu",
			 (unsigned long long)row->units[i]);
	else
		snprintf(buf, CELL_MAX, "-");
}

enum {
	PRICE_RANK, PRICE_LABEL, PRICE_COST, PRICE_MAX, PRICE_VALUE,
	PRICE_CI, PRICE_REL, PRICE_SIG, PRICE_COLS
};

/* Whether a priced file is worse than the best: only beyond the noise. */
static const char *price_verdict(const struct cs_compare_price *p,
				 size_t idx)
{
	if (!idx)
		return "best";
	if (!p->test.tested)
		return "no interval";
	return p->test.sig ? "worse than best" : "within the noise";
}

static void price_cell(const struct cs_compare *c, const void *ctx, size_t r,
		       size_t col, char *buf)
{
	static const char *const head[PRICE_COLS] = {
		"rank", "host", "USD/hour", "maxUnits", "units/s per $/h",
		"95% CI", "vs best", "significance",
	};
	const struct cs_compare_price *p = (const struct cs_compare_price *)ctx;
	const struct cs_compare_file *f;

	if (!r) {
		snprintf(buf, CELL_MAX, "%s", head[col]);
		return;
	}
	p += r - 1;
	f = &c->file[p->file];
	switch (col) {
	case PRICE_RANK:
		snprintf(buf, CELL_MAX, "%u", p->rank);
		break;
	case PRICE_LABEL:
		snprintf(buf, CELL_MAX, "%s", f->label);
		break;
	case PRICE_COST:
		snprintf(buf, CELL_MAX, "%g", f->cost);
		break;
	case PRICE_MAX:
		snprintf(buf, CELL_MAX, "%llu",
			 (unsigned long long)c->max.units[p->file]);
		break;
	case PRICE_VALUE:
		snprintf(buf, CELL_MAX, "%.1f", p->value);
		break;
	case PRICE_CI:
		if (isfinite(p->lo) && isfinite(p->hi))
			snprintf(buf, CELL_MAX, "%.1f..%.1f", p->lo, p->hi);
		else
			snprintf(buf, CELL_MAX, "no interval");
		break;
	case PRICE_SIG:
		snprintf(buf, CELL_MAX, "%s", price_verdict(p, r - 1));
		break;
	default:
		if (isfinite(p->rel_pct))
			snprintf(buf, CELL_MAX, "%.1f%%", p->rel_pct);
		else
			snprintf(buf, CELL_MAX, "-");
	}
}

static void print_files(FILE *f, const struct cs_compare *c)
{
	size_t i;

	fprintf(f, "files (work unit %u KiB x %u spins, %s sweeps):\n",
		c->wu_kib, c->wu_spins, kind_text(c->kind));
	for (i = 0; i < c->nfiles; i++) {
		const struct cs_sweep *s = c->file[i].sweep;
		char path[ESC_MAX], model[ESC_MAX], kernel[ESC_MAX];
		char engine[ESC_MAX];

		cs_escape_ctl(path, sizeof(path), c->file[i].path, 0);
		cs_escape_ctl(model, sizeof(model), s->cpu_model[0] ?
			      s->cpu_model : "CPU model unknown", 0);
		cs_escape_ctl(kernel, sizeof(kernel), s->kernel, 0);
		cs_escape_ctl(engine, sizeof(engine), s->engine, 0);
		fprintf(f, "  %s  %s: %u %s, %s, kernel %s, %s engine, %s\n",
			c->file[i].label, path, s->num_cores,
			cs_plural(s->num_cores, "CPU", "CPUs"), model, kernel,
			engine, cs_sweep_status_name(s->status));
	}
}

static void print_price(FILE *f, const struct cs_compare *c)
{
	struct cs_compare_price p[CS_COMPARE_FILES_MAX];
	size_t n = cs_compare_price(c, p), i, unpriced = 0;

	if (!n)
		return;
	fprintf(f, "\nprice-performance: maxUnits per USD per hour, best first\n");
	print_grid(f, c, p, n, PRICE_COLS, price_cell,
		   1ULL << PRICE_LABEL | 1ULL << PRICE_SIG);
	for (i = 0; i < c->nfiles; i++) {
		if (c->file[i].cost > 0)
			continue;
		fprintf(f, "%s%s", unpriced++ ? ", " : "no price given: ",
			c->file[i].label);
	}
	if (unpriced)
		fputc('\n', f);
}

/* What the interval columns mean, for the kinds of cell the table has. */
static void print_legend(FILE *f, const struct cs_compare *c)
{
	bool tested = false, untested = false;
	size_t r, i;

	for (r = 0; r <= c->nrows; r++) {
		const struct cs_compare_row *row = r < c->nrows ? &c->rows[r] :
						   &c->max;

		for (i = 1; i < c->nfiles; i++) {
			tested |= row->test[i].tested;
			untested |= row->have_diff[i] && !row->test[i].tested;
		}
	}
	if (tested)
		fprintf(f, "95%% CI: of the difference of the drift-corrected medians; sig: beyond the noise, %.0f %% family-wise (Holm)\n",
			100 * CS_COMPARE_ALPHA);
	if (untested)
		fprintf(f, "no interval: a file without 95 %% intervals (format 1) is never called significant\n");
}

void cs_compare_print_table(FILE *f, const struct cs_compare *c)
{
	print_files(f, c);
	fprintf(f, "\nwork units per second (median over the runs, all loaded CPUs)");
	if (c->nfiles > 1)
		fprintf(f, "; differences against %s", c->file[0].label);
	fprintf(f, "\n");
	print_grid(f, c, NULL, c->nrows + 1,
		   1 + c->nfiles + DIFF_COLS * (c->nfiles - 1), curve_cell, 0);
	if (c->max_left_out)
		fprintf(f, "max: over the levels every file has; %zu %s only some files have %s left out\n",
			c->max_left_out,
			cs_plural(c->max_left_out, "level", "levels"),
			cs_plural(c->max_left_out, "is", "are"));
	print_legend(f, c);
	print_price(f, c);
}

/* --- CSV ------------------------------------------------------------- */

/* One CSV row: @cell per column (empty: ""); the label is quoted. */
struct csv_row {
	char cell[CSV_COLS][64];
	const char *label;
};

static void csv_put(FILE *f, const struct csv_row *row)
{
	size_t col;

	for (col = 0; col < CSV_COLS; col++) {
		if (col)
			fputc(',', f);
		if (col == CSV_LABEL)
			cs_csv_field(f, row->label);
		else
			fputs(row->cell[col], f);
	}
	fputc('\n', f);
}

static void csv_num(struct csv_row *row, int col, const char *fmt, double v)
{
	if (isfinite(v))
		snprintf(row->cell[col], sizeof(row->cell[col]), fmt, v);
}

/*
 * A drift-corrected value and its interval, only where there is an
 * interval (format 1's "corrected" is the plain median).
 */
static void csv_interval(struct csv_row *row, double v, double lo, double hi)
{
	if (!isfinite(lo) || !isfinite(hi))
		return;
	csv_num(row, CSV_CORRECTED, "%.1f", v);
	csv_num(row, CSV_CI_LO, "%.1f", lo);
	csv_num(row, CSV_CI_HI, "%.1f", hi);
}

/* The interval, p-value and verdict of @t; nothing when untested. */
static void csv_test(struct csv_row *row, const struct cs_compare_test *t)
{
	if (!t->tested)
		return;
	csv_num(row, CSV_DIFF_CI_LO, "%.2f", 100 * (t->ratio_lo - 1));
	csv_num(row, CSV_DIFF_CI_HI, "%.2f", 100 * (t->ratio_hi - 1));
	csv_num(row, CSV_P_VALUE, "%.3g", t->p);
	snprintf(row->cell[CSV_SIGNIFICANT], sizeof(row->cell[0]), "%s",
		 t->sig ? "yes" : "no");
}

/* File @i in @row (a curve level or maxUnits). */
static void csv_units(FILE *f, const struct cs_compare *c,
		      const struct cs_compare_row *row, size_t i)
{
	struct csv_row out = { .label = c->file[i].label };

	snprintf(out.cell[CSV_SECTION], sizeof(out.cell[0]), "%s",
		 row == &c->max ? "max" : "curve");
	if (row != &c->max)
		snprintf(out.cell[CSV_LEVEL], sizeof(out.cell[0]), "%u",
			 row->level);
	if (row->have[i]) {
		snprintf(out.cell[CSV_UNITS], sizeof(out.cell[0]), "%llu",
			 (unsigned long long)row->units[i]);
		csv_interval(&out, row->corrected[i], row->ci_lo[i],
			     row->ci_hi[i]);
	}
	if (row->have_diff[i]) {
		snprintf(out.cell[CSV_DIFF_UNITS], sizeof(out.cell[0]), "%lld",
			 (long long)row->diff_units[i]);
		csv_num(&out, CSV_DIFF_PCT, "%.2f", row->diff_pct[i]);
		csv_test(&out, &row->test[i]);
	}
	csv_put(f, &out);
}

/* Priced file @p: @best is the best's entry. */
static void csv_price(FILE *f, const struct cs_compare *c,
		      const struct cs_compare_price *p, bool best)
{
	const struct cs_compare_file *file = &c->file[p->file];
	struct csv_row out = { .label = file->label };

	snprintf(out.cell[CSV_SECTION], sizeof(out.cell[0]), "price");
	snprintf(out.cell[CSV_UNITS], sizeof(out.cell[0]), "%llu",
		 (unsigned long long)c->max.units[p->file]);
	csv_num(&out, CSV_DIFF_PCT, "%.2f", p->rel_pct - 100);
	csv_num(&out, CSV_COST, "%.10g", file->cost);
	csv_num(&out, CSV_VALUE, "%.1f", p->value);
	snprintf(out.cell[CSV_RANK], sizeof(out.cell[0]), "%u", p->rank);
	if (c->max.have[p->file])
		csv_interval(&out, c->max.corrected[p->file] / file->cost,
			     p->lo, p->hi);
	if (!best)
		csv_test(&out, &p->test);
	csv_put(f, &out);
}

void cs_compare_print_csv(FILE *f, const struct cs_compare *c)
{
	struct cs_compare_price p[CS_COMPARE_FILES_MAX];
	size_t n = cs_compare_price(c, p), r, i;

	fprintf(f, "%s\n", cs_compare_csv_header());
	for (r = 0; r < c->nrows; r++)
		for (i = 0; i < c->nfiles; i++)
			csv_units(f, c, &c->rows[r], i);
	for (i = 0; i < c->nfiles; i++)
		csv_units(f, c, &c->max, i);
	for (r = 0; r < n; r++)
		csv_price(f, c, &p[r], !r);
}

int cs_compare_parse_price(const char *s, double *out)
{
	static const char digits[] = "0123456789";
	size_t whole = strspn(s, digits), frac = 0;
	const char *p = s + whole;

	if (*p == '.') {
		frac = strspn(p + 1, digits);
		p += 1 + frac;
	}
	if (!whole || p[-1] == '.' || *p)
		return -EINVAL;
	*out = strtod(s, NULL);
	return 0;
}
