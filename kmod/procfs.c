// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/cpustress: a table for people, one row per possible CPU and a total,
 * from the newest sample.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "cpustress.h"
#include "iface.h"
#include "run.h"

static const char * const cs_cpu_state_names[] = {
	[CPUSTRESS_CPU_OFFLINE] = "offline",
	[CPUSTRESS_CPU_IDLE] = "idle",
	[CPUSTRESS_CPU_RUNNING] = "running",
};

static void cs_show_pm(struct seq_file *m, u32 pm)
{
	seq_printf(m, " %5u.%u", pm / 10, pm % 10);
}

static void cs_show_row(struct seq_file *m, const char *name,
			const char *state, u64 ops, u64 units,
			const struct cs_cpu_rate *r)
{
	seq_printf(m, "%-5s %-8s %9llu %12llu", name, state, ops, units);
	cs_show_pm(m, r->busy_pm);
	cs_show_pm(m, r->steal_pm);
	cs_show_pm(m, r->wait_pm);
	seq_printf(m, " %8u %9llu %9llu\n", r->irqs_ps,
		   div_u64(r->p50_ns, NSEC_PER_USEC),
		   div_u64(r->p99_ns, NSEC_PER_USEC));
}

static int cs_proc_show(struct seq_file *m, void *v)
{
	struct cs_cpu_rate r, sum = {};
	u64 ops, units, errors = 0;
	unsigned int cpu, n = 0;
	char name[16];

	seq_printf(m, "cpustress %s: busy %u%% of %u ms, interval %u ms, work unit %u KiB x %u spins\n",
		   READ_ONCE(cs_running) ? "running" : "stopped",
		   READ_ONCE(cs_cfg.busy_pct), READ_ONCE(cs_cfg.period_ms),
		   READ_ONCE(cs_cfg.interval_ms), cs_wu_kib, cs_wu_spins);
	seq_printf(m, "%-5s %-8s %9s %12s %7s %7s %7s %8s %9s %9s\n",
		   "cpu", "state", "ops/s", "units", "busy%", "steal%",
		   "wait%", "irq/s", "p50_us", "p99_us");
	for_each_possible_cpu(cpu) {
		const struct cs_cpu_stats *s = &cs_cpu_get(cpu)->stats;

		cs_sample_cpu(cpu, &r, NULL);
		ops = cs_rate_ops(&r);
		units = READ_ONCE(s->units);
		errors += READ_ONCE(s->selfcheck_errors);
		snprintf(name, sizeof(name), "%u", cpu);
		cs_show_row(m, name, cs_cpu_state_names[cs_cpu_state(cpu)], ops, units, &r);
		if (!READ_ONCE(cs_cpu_get(cpu)->task))
			continue;
		/* Shares and percentiles of the total: over loaded CPUs. */
		n++;
		sum.busy_pm += r.busy_pm;
		sum.steal_pm += r.steal_pm;
		sum.wait_pm += r.wait_pm;
		sum.irqs_ps += r.irqs_ps;
		sum.p50_ns = max(sum.p50_ns, r.p50_ns);
		sum.p99_ns = max(sum.p99_ns, r.p99_ns);
	}
	if (n) {
		sum.busy_pm /= n;
		sum.steal_pm /= n;
		sum.wait_pm /= n;
	}
	cs_show_row(m, "all", READ_ONCE(cs_running) ? "running" : "stopped",
		    cs_sample_latest(NULL), cs_units_total(), &sum);
	if (errors)
		seq_printf(m, "self-check errors: %llu (a CPU computed the work unit wrongly)\n",
			   errors);
	return 0;
}

int cs_procfs_init(void)
{
	if (!proc_create_single(KBUILD_MODNAME, 0444, NULL, cs_proc_show))
		return -ENOMEM;
	return 0;
}

void cs_procfs_exit(void)
{
	remove_proc_entry(KBUILD_MODNAME, NULL);
}
