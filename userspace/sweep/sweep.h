/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Load-test sweeps: the plan, what one measurement holds, the per-level
 * summary, the knee, and the result file that carries them.
 *
 *   sweep/run.c      runs a plan on an engine (cmd_sweep.c is its CLI)
 *   sweep/analysis.c pure arithmetic: one measurement from a window
 *                    snapshot, spread over runs, efficiency, the knee
 *   sweep/write.c    JSON, CSV and JSONL
 *   sweep/summary.c  the human summary table and the knee line
 *   sweep/file.c     checking an output file and replacing it atomically
 *   sweep/read.c     a JSON result file back into a struct cs_sweep
 *   json_in.c        checked JSON fields, errors naming the path (json_in.h)
 *   compare.c        several result files side by side (cmd_compare.c)
 *
 * The JSON file's top level is the pcd /v1/loadtest response, so existing
 * consumers keep working; everything else sits under the "cpustress" key.
 * docs/sweep-format.md documents every field.
 */
#ifndef CPUSTRESS_SWEEP_H
#define CPUSTRESS_SWEEP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cpustress/hist.h>
#include <cpustress/limits.h>

#include "sweep/stats.h"

/*
 * Version of the "cpustress" extension object of a result file: 2 adds
 * the design (seed, orders, references), intervals and noise; files of
 * format 1 are still read.
 */
#define CS_SWEEP_FORMAT		2

/* Caps that bound a plan (and what a result file may hold). */
#define CS_SWEEP_LEVELS_MAX	128
#define CS_SWEEP_RUNS_MAX	100
#define CS_SWEEP_DURATION_MAX	3600	/* s, per level and run */
#define CS_SWEEP_WARMUP_MAX	600	/* s */
#define CS_SWEEP_LIMIT_MAX	86400	/* s, whole sweep */
#define CS_SWEEP_TEXT_MAX	256	/* host name, CPU model, messages */

/*
 * Defaults of cpustress sweep; the period is POST /v1/loadtest's too.
 * Runs, settle and window time are the design's (sweep/stats.h).
 */
#define CS_SWEEP_DURATION_DEF	CS_SWEEP_WINDOW_MS_DEF	/* ms */
#define CS_SWEEP_WARMUP_DEF	CS_SWEEP_SETTLE_MS_DEF	/* ms */
#define CS_SWEEP_PERIOD_DEF	CS_PERIOD_MS_DEFAULT	/* ms */

enum cs_sweep_kind {
	CS_SWEEP_BUSY,		/* levels are busy %, on a fixed CPU set */
	CS_SWEEP_CPUS,		/* levels are CPU counts, at busy 100 */
};

/* How a sweep ended. */
enum cs_sweep_status {
	CS_SWEEP_RUNNING,	/* in progress (or the process was killed) */
	CS_SWEEP_COMPLETE,	/* every (level, run) was attempted */
	CS_SWEEP_INTERRUPTED,	/* SIGINT/SIGTERM: stopped early */
	CS_SWEEP_FAILED,	/* an engine error or the time limit */
};

/* How one (level, run) measurement ended. */
enum cs_meas_status {
	CS_MEAS_PENDING,	/* not attempted yet */
	CS_MEAS_OK,
	CS_MEAS_TIMEOUT,	/* took longer than the level timeout */
	CS_MEAS_INTERRUPTED,	/* a signal arrived during it */
	CS_MEAS_ERROR,		/* the engine failed, or the run was stopped */
};

/**
 * struct cs_sweep_plan - what to run
 * @kind: busy or CPU-count sweep
 * @nlevels: entries used in @levels
 * @levels: busy % (1..100) or CPU counts (1..online), strictly ascending
 * @runs: repetitions of every level
 * @duration_ms: measured time of each window (level, run, or reference),
 *	cut into CS_SWEEP_SUBWIN sub-windows
 * @warmup_ms: time at the level before its window opens (the settle)
 * @seed: orders the shuffled runs and seeds the bootstrap
 * @period_ms: duty-cycle period
 * @level_timeout_ms: longest one (level, run) may take, warm-up included
 * @time_limit_ms: longest the whole sweep may take
 * @cpus: busy sweeps: the CPUs to load ("all" or a cpulist); CPU-count
 *	sweeps: the CPUs the steps take from, lowest first
 */
struct cs_sweep_plan {
	enum cs_sweep_kind kind;
	uint32_t nlevels;
	uint32_t levels[CS_SWEEP_LEVELS_MAX];
	uint32_t runs;
	uint32_t duration_ms;
	uint32_t warmup_ms;
	uint32_t period_ms;
	uint32_t level_timeout_ms;
	uint32_t time_limit_ms;
	uint64_t seed;
	char cpus[512];
};

/**
 * struct cs_sweep_meas - one (level, run)
 * @level: busy % or CPU count
 * @run: 1-based
 * @status: see enum cs_meas_status; the metrics below are valid only
 *	for CS_MEAS_OK
 * @error: why it is not OK ("" when OK)
 * @ts: unix time (s) when the measurement ended, or was cut short
 * @busy_target: busy % asked for
 * @ncpus: CPUs loaded
 * @duration_s: length of the measurement window
 * @units: work units done in the window, all loaded CPUs
 * @units_per_sec: @units / @duration_s
 * @units_per_sec_per_cpu: @units_per_sec / @ncpus
 * @busy_pct: achieved busy %, mean over the loaded CPUs
 * @steal_pct: hypervisor steal %, mean over the loaded CPUs
 * @wait_pct: run-queue wait % of the workers, mean over the loaded CPUs
 * @irqs_per_sec: interrupts per second, summed over the loaded CPUs
 * @p50_ns: unit-duration percentiles over all loaded CPUs (histogram
 *	bucket upper bounds, see hist.h); 0 when no unit completed
 * @p90_ns: see @p50_ns
 * @p99_ns: see @p50_ns
 * @max_ns: see @p50_ns
 * @t_s: the window's middle, s after the sweep's start (0: unknown)
 * @sub_ups: units/s of each sub-window (0: not measured)
 * @hist: the loaded CPUs' unit-duration histograms, summed (not in files)
 */
struct cs_sweep_meas {
	uint32_t level;
	uint32_t run;
	enum cs_meas_status status;
	char error[CS_SWEEP_TEXT_MAX];
	int64_t ts;
	uint32_t busy_target;
	uint32_t ncpus;
	double duration_s;
	double units;
	double units_per_sec;
	double units_per_sec_per_cpu;
	double busy_pct;
	double steal_pct;
	double wait_pct;
	double irqs_per_sec;
	uint64_t p50_ns;
	uint64_t p90_ns;
	uint64_t p99_ns;
	uint64_t max_ns;
	double t_s;
	double sub_ups[CS_SWEEP_SUBWIN];
	__u64 hist[CS_HIST_BUCKETS];
};

/** struct cs_spread - min, median and max over the OK runs of a level */
struct cs_spread {
	double min;
	double median;
	double max;
};

/**
 * struct cs_sweep_level - one level, summarised over its runs
 * @level: busy % or CPU count
 * @busy_target: busy % asked for
 * @ncpus: CPUs loaded
 * @runs: runs attempted
 * @runs_ok: runs with status OK; the rest is valid only if this is > 0
 * @work_units: pcd's "workUnits": median units/s of all loaded CPUs,
 *	rounded to an integer
 * @ups: spread of units/s (all loaded CPUs) over the runs
 * @ups_per_cpu: median units/s per loaded CPU
 * @busy_pct: median achieved busy %
 * @steal_pct: median steal %
 * @wait_pct: median wait %
 * @p50_ns: percentiles of the histogram of all OK runs together
 * @p90_ns: see @p50_ns
 * @p99_ns: see @p50_ns
 * @max_ns: see @p50_ns
 * @efficiency: CPU-count sweeps: units/s ÷ (level × units/s per CPU of
 *	the first level); negative when not applicable
 * @corrected: drift-corrected median units/s (sweep/stats.h)
 * @ci_lo: 95 % interval of @corrected (NaN: unknown)
 * @ci_hi: see @ci_lo
 * @eff_lo: 95 % interval of the efficiency, from the corrected values
 *	(NaN: unknown)
 * @eff_hi: see @eff_lo
 * @eff_drift: the efficiency is above CS_DRIFT_EFFICIENCY beyond the
 *	noise: drift, not super-linear scaling
 */
struct cs_sweep_level {
	uint32_t level;
	uint32_t busy_target;
	uint32_t ncpus;
	uint32_t runs;
	uint32_t runs_ok;
	uint64_t work_units;
	struct cs_spread ups;
	double ups_per_cpu;
	double busy_pct;
	double steal_pct;
	double wait_pct;
	uint64_t p50_ns;
	uint64_t p90_ns;
	uint64_t p99_ns;
	uint64_t max_ns;
	double efficiency;
	double corrected;
	double ci_lo;
	double ci_hi;
	double eff_lo;
	double eff_hi;
	bool eff_drift;
};

/* Why a level is the knee. */
enum cs_knee_reason {
	CS_KNEE_NONE,		/* no knee in the measured range */
	CS_KNEE_PLATEAU,	/* the next level added (almost) no throughput */
	CS_KNEE_TAIL,		/* the next level's p99 jumped */
	CS_KNEE_BOTH,
};

/* The knee rule's constants (README.md "The knee"). */
#define CS_KNEE_GAIN_MIN	0.05	/* of the linear gain */
#define CS_KNEE_P99_JUMP	1.5

/**
 * struct cs_knee - where adding load stops paying
 * @found: a knee was found; otherwise @level is the highest level
 *	measured and the true knee lies at or above it
 * @reason: see enum cs_knee_reason
 * @level: the knee: the lower level of the first pair that fails the rule
 * @next_level: the higher level of that pair (0 if none)
 * @gain: that pair's throughput gain ÷ the linear gain (NaN if none)
 * @p99_ratio: that pair's p99 ratio, higher ÷ lower (NaN if none)
 * @recommend_min: 50 % of @level (at least the lowest level unit: 1)
 * @recommend_max: 75 % of @level (at least @recommend_min)
 * @noise_aware: decided on the intervals (cs_knee_noise()); otherwise by
 *	the plain rule (format 1, or no interval)
 * @gain_hi: the gain's one-sided 95 % upper bound (NaN if none)
 */
struct cs_knee {
	bool found;
	enum cs_knee_reason reason;
	uint32_t level;
	uint32_t next_level;
	double gain;
	double p99_ratio;
	uint32_t recommend_min;
	uint32_t recommend_max;
	bool noise_aware;
	double gain_hi;
};

/**
 * struct cs_sweep - a sweep and its results, as run or as read from a file
 * @hostname: the host measured
 * @kernel: its kernel release (uname -r)
 * @cpu_model: /proc/cpuinfo "model name" of its first CPU ("" unknown)
 * @engine: "kernel" or "user"
 * @version: cpustress version that made it
 * @timestamp: unix time (s) at the start
 * @elapsed_s: wall-clock length of the sweep so far
 * @num_cores: online CPUs of the host
 * @wu_kib: work-unit buffer size
 * @wu_spins: work-unit inner iterations
 * @status: see enum cs_sweep_status
 * @error: why the sweep is not complete ("" when complete)
 * @plan: what was asked for
 * @nmeas: entries in @meas: plan.nlevels × plan.runs, level-major
 * @meas: every (level, run), PENDING if never attempted
 * @nrefs: entries in @refs: cs_design_nrefs() (0 for format 1 files)
 * @refs: the reference windows in time order, PENDING if not measured
 * @noise: the references' CV and drift (filled by cs_sweep_summarise())
 * @levels: plan.nlevels summaries (filled by cs_sweep_summarise())
 * @knee: filled by cs_sweep_summarise()
 */
struct cs_sweep {
	char hostname[CS_SWEEP_TEXT_MAX];
	char kernel[CS_SWEEP_TEXT_MAX];
	char cpu_model[CS_SWEEP_TEXT_MAX];
	char engine[16];
	char version[32];
	int64_t timestamp;
	double elapsed_s;
	uint32_t num_cores;
	uint32_t wu_kib;
	uint32_t wu_spins;
	enum cs_sweep_status status;
	char error[CS_SWEEP_TEXT_MAX];
	struct cs_sweep_plan plan;
	uint32_t nmeas;
	struct cs_sweep_meas *meas;
	uint32_t nrefs;
	struct cs_sweep_meas *refs;
	struct cs_sweep_level *levels;
	struct cs_knee knee;
	struct cs_noise noise;
};

/* --- sweep/analysis.c ------------------------------------------------ */

/**
 * cs_sweep_plan_busy() - the default busy sweep: 10, 20, ..., 100 % on all
 * CPUs, CS_SWEEP_RUNS_DEF runs, seed 1
 * @p: the plan to fill (zeroed first)
 * @duration_ms: measured time per window
 * @warmup_ms: settle time per window
 * @period_ms: duty-cycle period
 */
void cs_sweep_plan_busy(struct cs_sweep_plan *p, uint32_t duration_ms,
			uint32_t warmup_ms, uint32_t period_ms);

/**
 * cs_sweep_alloc() - allocate @s->meas and @s->levels for @s->plan
 *
 * Every measurement (and reference window) starts PENDING with its
 * level, run and targets set.
 * Return: 0, or -ENOMEM.
 */
int cs_sweep_alloc(struct cs_sweep *s);
void cs_sweep_free(struct cs_sweep *s);

/** Measurement of level index @li, run index @ri (both 0-based). */
struct cs_sweep_meas *cs_sweep_at(struct cs_sweep *s, uint32_t li,
				  uint32_t ri);

struct cs_snapshot;

/**
 * cs_sweep_measure() - one measurement from a window snapshot
 * @m: filled: ncpus, duration_s and every metric (status is not touched)
 * @snap: the engine's snapshot, counters over the measurement window
 * @mask: the CPUs loaded at this level (cpulist.h bitmap, CS_CPUS_MAX bits)
 * @elems_per_unit: elements in one work unit (wu_kib × 1024 / 8)
 *
 * Return: 0, or -ENODATA when the window is empty or holds no loaded CPU.
 */
int cs_sweep_measure(struct cs_sweep_meas *m, const struct cs_snapshot *snap,
		     const uint64_t *mask, uint64_t elems_per_unit);

/** Median of @n values (sorted in place); NaN when @n is 0. */
double cs_median(double *v, size_t n);

/**
 * cs_sweep_summarise() - fill @s->levels and @s->knee from @s->meas
 *
 * Levels without an OK run are left with runs_ok 0 and are skipped by
 * the knee and the efficiency. Busy sweeps get no knee (found false,
 * level 0).
 */
void cs_sweep_summarise(struct cs_sweep *s);

/**
 * cs_knee_find() - the knee of a curve
 * @level: the levels, strictly ascending
 * @ups: throughput at each level
 * @p99: p99 unit time at each level (0: unknown, that test is skipped)
 * @n: number of points
 * @knee: the answer
 *
 * Between successive points i-1 and i, with linear gain
 * G = ups[i-1] × (level[i] − level[i-1]) / level[i-1], the pair fails when
 * the throughput added, ups[i] − ups[i-1], is below CS_KNEE_GAIN_MIN × G
 * (plateau), or when p99[i] > CS_KNEE_P99_JUMP × p99[i-1] (tail jump).
 * The knee is level[i-1] of the first failing pair.
 */
void cs_knee_find(const uint32_t *level, const double *ups,
		  const uint64_t *p99, size_t n, struct cs_knee *knee);

const char *cs_sweep_kind_name(enum cs_sweep_kind k);
const char *cs_sweep_status_name(enum cs_sweep_status st);
const char *cs_meas_status_name(enum cs_meas_status st);
const char *cs_knee_reason_name(enum cs_knee_reason r);

/* --- sweep/run.c ----------------------------------------------------- */

struct cs_engine;

/**
 * struct cs_sweep_hooks - what the caller of cs_sweep_run() sees and steers
 * @stop: set (by a signal handler, or another thread) to end the sweep
 *	early; the measurement under way is marked interrupted
 * @progress: called about every 250 ms: level index, run index, elapsed
 *	and estimated remaining time (may be NULL)
 * @checkpoint: called after every measurement, with the results so far
 *	summarised; a negative return ends the sweep as failed (may be NULL)
 * @stop_why: once @stop ended the sweep, what set it, for the errors
 *	("stopped by WHY after ..."); NULL, or returning NULL: "a signal"
 * @arg: passed to all three
 */
struct cs_sweep_hooks {
	const volatile sig_atomic_t *stop;
	void (*progress)(const struct cs_sweep *s, uint32_t li, uint32_t ri,
			 uint64_t elapsed_ms, uint64_t left_ms, void *arg);
	int (*checkpoint)(const struct cs_sweep *s, void *arg);
	const char *(*stop_why)(void *arg);
	void *arg;
};

/**
 * cs_sweep_estimate_ms() - how long a plan takes when nothing goes wrong
 */
uint64_t cs_sweep_estimate_ms(const struct cs_sweep_plan *p);

/**
 * cs_sweep_check_cpus() - whether plan @p's CPUs are online, run or not
 * @e: an open engine
 * @p: the plan
 * @what: the list's name in @err ("--cpus", "field cpus")
 * @err: why not ("field cpus: CPU 5 is not online (online: 0-1)")
 * @errlen: its size
 *
 * For a caller that must refuse a plan before it stops what runs.
 * Return: 0, -EINVAL with @err set, or another negative errno.
 */
int cs_sweep_check_cpus(struct cs_engine *e, const struct cs_sweep_plan *p,
			const char *what, char *err, size_t errlen);

/**
 * cs_sweep_prepare() - check @s->plan against the engine and set up @s
 * @e: an open engine, idle
 * @s: plan filled in; the host fields and the measurements are set here
 * @err: why the plan cannot run ("CPU-count step 8: only 2 CPUs online")
 * @errlen: its size
 *
 * Nothing runs yet. Return: 0, -EINVAL when the plan does not fit the host
 * (its CPUs, its CPU-count steps: the caller's arguments are wrong), or
 * another negative errno, all with @err set.
 */
int cs_sweep_prepare(struct cs_engine *e, struct cs_sweep *s, char *err,
		     size_t errlen);

/**
 * cs_sweep_run() - run a prepared sweep
 *
 * Starts an owned run (it stops if this process dies) with a time limit
 * just above the plan's, walks the levels, measures each (level, run) in
 * its own statistics window, and stops the run (if it is still the one
 * going). The end of an owned run gives back the busy, period, CPU list
 * and time limit it found (the engine does it, so a killed sweep gives
 * them back too): the next run is not the sweep's last level and does
 * not stop at the sweep's time limit. @s->status says how it ended and
 * @s->error why; the measurements done are in @s either way.
 * Return: 0 when complete, else a negative errno.
 */
int cs_sweep_run(struct cs_engine *e, struct cs_sweep *s,
		 const struct cs_sweep_hooks *h);

/* --- sweep/write.c --------------------------------------------------- */

/* Decimals kept (docs/sweep-format.md "Numbers"), in files and summary. */
#define CS_DEC_RATE	1	/* units and rates */
#define CS_DEC_PCT	2	/* percentages */
#define CS_DEC_US	1	/* unit-duration percentiles */
#define CS_DEC_SEC	3	/* durations in s, to the ms */
#define CS_DEC_RATIO	3	/* efficiency, knee gain and p99 ratio */

/** @x to @decimals (at most 3); a value too large to scale is left as is. */
double cs_round_to(double x, int decimals);
double cs_ns_to_us(uint64_t ns);

/** Why @s is not complete: its own message, or what its status implies. */
const char *cs_sweep_error(const struct cs_sweep *s);

/** RFC 4180: @str as a CSV field, quoted if it holds , " CR or LF. */
void cs_csv_field(FILE *f, const char *str);

enum cs_sweep_format {
	CS_FMT_JSON,
	CS_FMT_CSV,
	CS_FMT_JSONL,
};

/** The format's name, as --format takes it: "json", "csv" or "jsonl". */
const char *cs_sweep_format_name(enum cs_sweep_format fmt);

/** Parse "json", "csv" or "jsonl"; -EINVAL otherwise. */
int cs_sweep_format_parse(const char *name, enum cs_sweep_format *fmt);

/**
 * cs_sweep_format_of_path() - the format a file name's extension names
 * @path: a file name
 * @fmt: set to the format of ".json", ".csv" or ".jsonl"
 *
 * Return: 0, or -EINVAL when the name has none of those extensions.
 */
int cs_sweep_format_of_path(const char *path, enum cs_sweep_format *fmt);

/** The CSV header line, without its newline (docs/sweep-format.md). */
extern const char cs_sweep_csv_header[];

/**
 * cs_sweep_write() - write @s in @fmt to @f
 *
 * JSON: the whole result (pcd top level plus "cpustress"); CSV: the
 * header and one row per attempted (level, run); JSONL: one object per
 * attempted (level, run) with the CSV's columns as keys.
 * Return: 0, or -EIO when writing failed.
 */
int cs_sweep_write(FILE *f, const struct cs_sweep *s,
		   enum cs_sweep_format fmt);

/**
 * cs_sweep_write_errno() - cs_sweep_write(), but the error is the cause
 *
 * For cs_sweep_save(): -ENOSPC and the like, not -EIO.
 */
int cs_sweep_write_errno(FILE *f, const struct cs_sweep *s,
			 enum cs_sweep_format fmt);

/* --- sweep/summary.c ------------------------------------------------- */

/** A level in words: "4 CPUs", "1 CPU" or "60 % busy"; returns @buf. */
char *cs_sweep_level_text(char *buf, size_t len, enum cs_sweep_kind kind,
			  uint32_t level);

/*
 * A plan's levels and windows in words, for log lines: "busy 20..100 %
 * (5 levels x 3 runs + 7 reference windows)", "busy 100 % (1 level x 1
 * run + 2 reference windows)", "1..4 CPUs (...)". Returns @buf.
 */
#define CS_SWEEP_PLAN_TEXT_MAX	(CS_DESIGN_TEXT_MAX + 48)
char *cs_sweep_plan_text(char *buf, size_t len, const struct cs_sweep_plan *p);

/** The human summary table (one row per level, then the knee). */
void cs_sweep_print_summary(FILE *f, const struct cs_sweep *s);

/* --- sweep/file.c ---------------------------------------------------- */

/**
 * cs_sweep_save() - write @s to @path atomically
 *
 * Writes a temporary file in @path's directory, flushes it to disk and
 * renames it over @path, so @path always holds a complete file.
 * Return: 0, or a negative errno with a sentence in @err.
 */
int cs_sweep_save(const char *path, const struct cs_sweep *s,
		  enum cs_sweep_format fmt, char *err, size_t errlen);

/**
 * cs_sweep_check_output() - whether @path can take the results, before a
 * sweep
 * @path: the result file
 * @need: bytes to reserve (see cs_sweep_size_max())
 * @err: why not, naming @path and the cause
 * @errlen: its size
 *
 * Creates a temporary file in @path's directory, reserves @need bytes in
 * it (posix_fallocate(), or writing zeros where the file system cannot
 * allocate), syncs and removes it; checks that @path, if it exists, is a
 * regular file. Leaves nothing behind either way.
 * Return: 0, or a negative errno with a sentence in @err.
 */
int cs_sweep_check_output(const char *path, size_t need, char *err,
			  size_t errlen);

/**
 * cs_sweep_size_max() - an upper bound of the size of @s's file in @fmt
 * once every planned measurement is done
 *
 * Measured by writing @s's plan with every field at its widest. A save
 * needs room for the old file and the new one at once: twice this.
 * Return: bytes, or 0 when out of memory.
 */
size_t cs_sweep_size_max(const struct cs_sweep *s, enum cs_sweep_format fmt);

/**
 * cs_sweep_save_first() - before a sweep starts: check @path with room
 * reserved for all of @s's results, then save @s (no measurement yet)
 *
 * Return: 0, or a negative errno with a sentence in @err.
 */
int cs_sweep_save_first(const char *path, const struct cs_sweep *s,
			enum cs_sweep_format fmt, char *err, size_t errlen);

/* --- sweep/read.c ---------------------------------------------------- */

/* Largest result file read (a full sweep is a few hundred KiB). */
#define CS_SWEEP_FILE_MAX	(16u << 20)

/**
 * cs_sweep_read() - read a JSON result file written by cs_sweep_write()
 *
 * Fills the host fields, plan, status, @s->levels (from the file's level
 * summaries) and @s->knee; @s->meas holds the file's per-run rows
 * (without histograms). Anything malformed, missing, of the wrong type,
 * out of range or inconsistent is refused.
 * Return: 0, or a negative errno with a sentence naming the file and the
 * field in @err.
 */
int cs_sweep_read(const char *path, struct cs_sweep *s, char *err,
		  size_t errlen);

/**
 * cs_sweep_parse() - cs_sweep_read() on a buffer already in memory
 * @buf: the file's contents (not NUL-terminated)
 * @len: their length
 * @name: the file's name, for the messages
 * @s: filled as by cs_sweep_read()
 * @err: as for cs_sweep_read()
 * @errlen: its size
 */
int cs_sweep_parse(const char *buf, size_t len, const char *name,
		   struct cs_sweep *s, char *err, size_t errlen);

#endif /* CPUSTRESS_SWEEP_H */
