// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress compare: sweep result files side by side, the first one the
 * baseline, and with --cost the throughput a dollar per hour buys on
 * each host. Files are given as arguments; "--" ends the options, for a
 * file whose name starts with '-'.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "util/escape.h"
#include "sweep/compare.h"

static const char compare_usage[] =
	"usage: " PROG_NAME " compare FILE.json... [--cost NAME=USD_PER_HOUR]..."
	" [--format table|csv]\n";

/**
 * struct compare_opts - what the command line asks for
 * @files: the result files, the baseline first
 * @nfiles: entries in @files
 * @cost_name: each --cost's NAME
 * @cost: each --cost's price, USD per hour
 * @ncosts: entries in @cost_name and @cost
 * @csv: --format csv
 * @names: copies of the NAMEs, for cost_name
 * @id: each file's device and inode, to catch one file under two names
 *	(st_ino 0 when it cannot be stat()ed: reading it will say why)
 */
struct compare_opts {
	const char *files[CS_COMPARE_FILES_MAX];
	size_t nfiles;
	const char *cost_name[CS_COMPARE_FILES_MAX];
	double cost[CS_COMPARE_FILES_MAX];
	size_t ncosts;
	bool csv;
	char names[CS_COMPARE_FILES_MAX][CS_COMPARE_LABEL_MAX];
	struct {
		dev_t dev;
		ino_t ino;
	} id[CS_COMPARE_FILES_MAX];
};

enum { CMP_COST, CMP_FORMAT, CMP_HELP };

/* --cost NAME=USD_PER_HOUR: split at the last '=', check both halves. */
static int parse_cost(struct cs_argscan *sc, struct compare_opts *o)
{
	const char *eq = strrchr(sc->val, '=');
	size_t i, len = eq ? (size_t)(eq - sc->val) : 0;
	double v;

	if (!eq || !len || !eq[1]) {
		cs_arg_error(sc, "--cost '%s': expected NAME=USD_PER_HOUR, like host-a=0.45",
			     sc->val);
		return CS_ARG_ERR;
	}
	if (len >= CS_COMPARE_LABEL_MAX) {
		cs_arg_error(sc, "--cost: NAME longer than %d characters",
			     CS_COMPARE_LABEL_MAX - 1);
		return CS_ARG_ERR;
	}
	if (cs_compare_parse_price(eq + 1, &v)) {
		cs_arg_error(sc, "--cost %s: '%s' is not a price in USD per hour, like 0.45",
			     sc->val, eq + 1);
		return CS_ARG_ERR;
	}
	if (v <= 0 || v > CS_COMPARE_COST_MAX) {
		cs_arg_error(sc, "--cost %s: the price must be above 0 and at most %.0f USD per hour",
			     sc->val, CS_COMPARE_COST_MAX);
		return CS_ARG_ERR;
	}
	if (o->ncosts == CS_COMPARE_FILES_MAX) {
		cs_arg_error(sc, "more than %d --cost options",
			     CS_COMPARE_FILES_MAX);
		return CS_ARG_ERR;
	}
	snprintf(o->names[o->ncosts], sizeof(o->names[0]), "%.*s", (int)len,
		 sc->val);
	for (i = 0; i < o->ncosts; i++) {
		if (!strcmp(o->cost_name[i], o->names[o->ncosts])) {
			cs_arg_error(sc, "--cost %s given twice",
				     o->names[o->ncosts]);
			return CS_ARG_ERR;
		}
	}
	o->cost_name[o->ncosts] = o->names[o->ncosts];
	o->cost[o->ncosts++] = v;
	return 0;
}

static int add_file(struct cs_argscan *sc, struct compare_opts *o,
		    const char *path)
{
	struct stat st;
	size_t i;

	if (o->nfiles == CS_COMPARE_FILES_MAX) {
		cs_arg_error(sc, "more than %d files: compare at most %d at once",
			     CS_COMPARE_FILES_MAX, CS_COMPARE_FILES_MAX);
		return CS_ARG_ERR;
	}
	if (stat(path, &st))
		st.st_ino = 0;
	for (i = 0; i < o->nfiles; i++) {
		if (!strcmp(o->files[i], path)) {
			cs_arg_error(sc, "file '%s' given twice", path);
			return CS_ARG_ERR;
		}
		if (st.st_ino && o->id[i].ino == st.st_ino &&
		    o->id[i].dev == st.st_dev) {
			cs_arg_error(sc, "'%s' and '%s' are the same file",
				     o->files[i], path);
			return CS_ARG_ERR;
		}
	}
	o->id[o->nfiles].dev = st.st_dev;
	o->id[o->nfiles].ino = st.st_ino;
	o->files[o->nfiles++] = path;
	return 0;
}

/*
 * The options and the files, in any order. cs_argscan takes options
 * only, so the files are picked out between its calls; --cost may be
 * given once per file, so its "seen" bit is cleared each time.
 */
static enum cs_parse parse_compare_args(int argc, char **argv,
					struct compare_opts *o,
					char *err, size_t errlen)
{
	static const struct cs_opt opts[] = {
		[CMP_COST] = { .name = "cost", .has_arg = true },
		[CMP_FORMAT] = { .name = "format", .has_arg = true },
		[CMP_HELP] = { .name = "help", .short_name = 'h' },
		{ }
	};
	struct cs_argscan sc;
	bool files_only = false;
	int idx, ret;

	memset(o, 0, sizeof(*o));
	cs_argscan_init(&sc, argc, argv, opts, err, errlen);
	while (sc.pos < argc) {
		const char *arg = argv[sc.pos];

		if (!files_only && !strcmp(arg, "--")) {
			files_only = true;
			sc.pos++;
			continue;
		}
		if (files_only || arg[0] != '-') {
			sc.pos++;
			if (add_file(&sc, o, arg))
				return CS_PARSE_ERR;
			continue;
		}
		idx = cs_argscan_next(&sc);
		if (idx < 0)
			return CS_PARSE_ERR;
		switch (idx) {
		case CMP_COST:
			sc.seen &= ~(1ULL << CMP_COST);
			ret = parse_cost(&sc, o);
			break;
		case CMP_FORMAT:
			o->csv = !strcmp(sc.val, "csv");
			ret = o->csv || !strcmp(sc.val, "table") ? 0 : CS_ARG_ERR;
			if (ret)
				cs_arg_error(&sc, "--format: '%s' is not table or csv",
					     sc.val);
			break;
		default:
			return CS_PARSE_HELP;
		}
		if (ret)
			return CS_PARSE_ERR;
	}
	if (!o->nfiles) {
		cs_arg_error(&sc, "no result files given");
		return CS_PARSE_ERR;
	}
	return CS_PARSE_OK;
}

/*
 * An error about a file on stderr: it may quote the file's text, so its
 * control bytes are escaped.
 */
static void file_error(const char *err)
{
	char esc[4 * CS_ERR_MAX];

	fprintf(stderr, PROG_NAME ": %s\n",
		cs_escape_ctl(esc, sizeof(esc), err, 0));
}

/* Read every file; on failure say which and why. */
static int read_files(const struct compare_opts *o, struct cs_sweep *s)
{
	char err[CS_ERR_MAX];
	size_t i;

	for (i = 0; i < o->nfiles; i++) {
		if (cs_sweep_read(o->files[i], &s[i], err, sizeof(err)) < 0) {
			file_error(err);
			while (i--)
				cs_sweep_free(&s[i]);
			return EXIT_RUNTIME;
		}
	}
	return 0;
}

/* An incomplete file is compared, but its curve may stop early. */
static void warn_incomplete(const struct compare_opts *o,
			    const struct cs_sweep *s)
{
	char err[CS_ERR_MAX];
	size_t i;

	for (i = 0; i < o->nfiles; i++) {
		if (s[i].status == CS_SWEEP_COMPLETE)
			continue;
		snprintf(err, sizeof(err), "warning: %s: the sweep is %s, not complete%s%s%s: levels may be missing",
			 o->files[i], cs_sweep_status_name(s[i].status),
			 s[i].error[0] ? " (" : "", s[i].error,
			 s[i].error[0] ? ")" : "");
		file_error(err);
	}
}

/* Compare the files read into @s; returns the exit code. */
static int compare_sweeps(const struct compare_opts *o,
			  const struct cs_sweep *s)
{
	struct cs_compare *c;
	char err[CS_ERR_MAX];
	int ret = 0;
	size_t i;

	c = malloc(sizeof(*c));
	if (!c) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		return EXIT_RUNTIME;
	}
	if (cs_compare_build(c, s, o->files, o->nfiles, err, sizeof(err))) {
		file_error(err);
		free(c);
		return EXIT_RUNTIME;
	}
	warn_incomplete(o, s);
	/* The files named by --cost are known only now that they are read. */
	for (i = 0; i < o->ncosts && !ret; i++) {
		if (cs_compare_set_cost(c, o->cost_name[i], o->cost[i], err,
					sizeof(err))) {
			fprintf(stderr, PROG_NAME " compare: --cost %s\n%s", err,
				compare_usage);
			ret = EXIT_USAGE;
		}
	}
	if (!ret) {
		if (o->csv)
			cs_compare_print_csv(stdout, c);
		else
			cs_compare_print_table(stdout, c);
		if (fflush(stdout) || ferror(stdout)) {
			fprintf(stderr, PROG_NAME ": cannot write the comparison: %s\n",
				strerror(errno));
			ret = EXIT_RUNTIME;
		}
	}
	cs_compare_free(c);
	free(c);
	return ret;
}

int compare_main(int argc, char **argv)
{
	struct compare_opts *o;
	struct cs_sweep *s;
	char err[CS_ERR_MAX];
	size_t i;
	int ret;

	o = malloc(sizeof(*o));
	s = calloc(CS_COMPARE_FILES_MAX, sizeof(*s));
	if (!o || !s) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		ret = EXIT_RUNTIME;
		goto out;
	}
	ret = cmd_parse_result(parse_compare_args(argc, argv, o, err,
						  sizeof(err)),
			       "compare", compare_usage, err);
	if (ret >= 0)
		goto out;
	ret = read_files(o, s);
	if (ret)
		goto out;
	ret = compare_sweeps(o, s);
	for (i = 0; i < o->nfiles; i++)
		cs_sweep_free(&s[i]);
out:
	free(s);
	free(o);
	return ret;
}
