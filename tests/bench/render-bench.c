// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The exporter's renderers alone, with the scripted engine (a TEST DOUBLE,
 * scripted_engine.h) of N CPUs: for each N given, the collector's first
 * poll, then CPU time per /metrics render (the view's families into a
 * buffer used again, what the collector does once per poll), per scrape (the cached text with the
 * request's families: what a request does), per /v1/stats render, per
 * /cpu-perf answer (the ratio scrape / that is the renderers' part of
 * /metrics against /cpu-perf), per /v1/history answer (a full ring of
 * CS_HISTORY_POINTS copies of the view: the copy and its text), and the
 * size of the text in bytes and series. One JSON object per line.
 *   render-bench [--per-cpu-histogram] N...
 * CPU time of this thread, so a busy host slows nothing but the wall time;
 * after as many untimed runs first (the first large allocations are fresh
 * pages from mmap; then glibc's malloc keeps them, as in a running serve).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/serve.h"
#include "scripted_engine.h"

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Runs of each kind: at least 50, and at least ~0.2 s of CPU time. */
#define MIN_RUNS	50
#define MIN_NS		200000000ULL

enum what { W_RENDER, W_SCRAPE, W_STATS, W_CPU_PERF, W_HISTORY };

static struct cs_history hist;	/* full, of the view's CPUs */

/* /v1/history as a request makes it: copy the ring, then its text. */
static int history(char **out, size_t *len)
{
	struct cs_history_point *pt;
	uint32_t n;
	int ret = cs_history_copy(&hist, &pt, &n);

	if (ret)
		return ret;
	ret = cs_render_history(pt, n, out, len);
	free(pt);
	return ret;
}

static double ns_per(enum what w, struct cs_collector *c,
		     const struct cs_view *v, const struct cs_serve_info *i,
		     unsigned int flags)
{
	struct cs_text text = { 0 };
	uint64_t t0 = 0, t = 0;
	int n = -MIN_RUNS;	/* warm-up first: malloc settles on its sizes */

	do {
		if (!n)
			t0 = cpu_ns();
		char *out = NULL;
		size_t len;
		int ret;

		if (w == W_RENDER)
			ret = cs_render_metrics_view(v, flags, &text);
		else if (w == W_SCRAPE)
			ret = cs_collector_metrics(c, i, &out, &len);
		else if (w == W_STATS)
			ret = cs_render_stats(v, i, &out, &len);
		else if (w == W_HISTORY)
			ret = history(&out, &len);
		else {
			struct cs_view head = { 0 };

			cs_collector_view_head(c, &head);
			ret = cs_render_cpu_perf(&head, &out, &len);
		}
		if (ret) {
			fprintf(stderr, "render-bench: out of memory\n");
			exit(1);
		}
		free(out);
		n++;
		if (n > 0)
			t = cpu_ns() - t0;
	} while (n < MIN_RUNS || t < MIN_NS);
	free(text.p);
	return (double)t / n;
}

int main(int argc, char **argv)
{
	struct cs_serve_info i = { .version = "bench" };
	unsigned int flags = 0;
	int a = 1;

	if (a < argc && !strcmp(argv[a], "--per-cpu-histogram")) {
		flags = CS_RENDER_PER_CPU_HIST;
		a++;
	}
	if (a >= argc) {
		fprintf(stderr, "usage: render-bench [--per-cpu-histogram] NCPUS...\n");
		return 2;
	}
	strcpy(i.hostname, "bench");
	strcpy(i.kernel, "bench");
	for (; a < argc; a++) {
		unsigned long n = strtoul(argv[a], NULL, 10);
		struct cs_collector *c = NULL;
		struct cs_view v = { 0 };
		struct cs_engine *e;
		double render, scrape, stats, cpu_perf, hist_ns;
		unsigned long series = 0;
		char *text, *p;
		size_t len, slen, hlen;
		uint32_t k;

		if (!n || n > CS_VIEW_CPUS_MAX ||
		    cs_engine_open_scripted((uint32_t)n, &e) ||
		    cs_collector_start(e, 1000000, flags, &c) ||
		    cs_collector_view(c, &v)) {
			fprintf(stderr, "render-bench: %s: cannot set up (1..%d CPUs)\n",
				argv[a], CS_VIEW_CPUS_MAX);
			return 2;
		}
		if (cs_render_metrics(&v, &i, flags, &text, &len))
			return 1;
		for (p = text; *p; p = strchr(p, '\n') + 1)
			series += *p != '#';
		free(text);
		if (cs_render_stats(&v, &i, &text, &slen))
			return 1;
		free(text);
		cs_history_init(&hist);
		for (k = 0; k < CS_HISTORY_POINTS; k++) {
			v.time_ms += CS_HISTORY_STEP_MS;
			if (cs_history_add(&hist, &v, v.ncpus, 500) < 0)
				return 1;
		}
		if (history(&text, &hlen))
			return 1;
		free(text);
		render = ns_per(W_RENDER, c, &v, &i, flags);
		scrape = ns_per(W_SCRAPE, c, &v, &i, flags);
		stats = ns_per(W_STATS, c, &v, &i, flags);
		cpu_perf = ns_per(W_CPU_PERF, c, &v, &i, flags);
		hist_ns = ns_per(W_HISTORY, c, &v, &i, flags);
		cs_history_destroy(&hist);
		printf("{\"cpus\":%lu,\"perCpuHistogram\":%s,\"metricsBytes\":%zu,"
		       "\"series\":%lu,\"renderUs\":%.1f,\"renderNsPerCpu\":%.0f,"
		       "\"scrapeUs\":%.1f,\"scrapeNsPerCpu\":%.0f,"
		       "\"statsBytes\":%zu,\"statsUs\":%.1f,\"statsNsPerCpu\":%.0f,"
		       "\"cpuPerfUs\":%.2f,\"scrapeToCpuPerf\":%.1f,"
		       "\"historyBytes\":%zu,\"historyUs\":%.1f,"
		       "\"historyNsPerCpuPoint\":%.0f}\n",
		       n, flags ? "true" : "false", len, series, render / 1e3,
		       render / n, scrape / 1e3, scrape / n, slen, stats / 1e3,
		       stats / n, cpu_perf / 1e3, scrape / cpu_perf, hlen,
		       hist_ns / 1e3, hist_ns / n / CS_HISTORY_POINTS);
		fflush(stdout);
		cs_view_free(&v);
		cs_collector_stop(c);
	}
	return 0;
}
