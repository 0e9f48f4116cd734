// SPDX-License-Identifier: GPL-2.0
/*
 * cpustress: does this machine get the CPU it was promised?
 *
 * One kernel thread per selected CPU, bound to it, runs a standard work unit
 * on a duty cycle; the module counts units per CPU and reports the rate and
 * why it is low (steal, run-queue wait, interrupts) through sysfs, /proc and
 * netlink.
 *
 * This file holds the module's parameters, its load and its unload; the
 * state they set up lives in run.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stringify.h>

#include "cpustress.h"
#include "iface.h"
#include "run.h"
#include <cpustress/version.h>

static bool autostart;
module_param(autostart, bool, 0444);
MODULE_PARM_DESC(autostart, "Start loading the CPUs at module load (default 0)");

static unsigned int busy_pct = CS_BUSY_PCT_MAX;
module_param(busy_pct, uint, 0444);
MODULE_PARM_DESC(busy_pct, "Initial busy share of each period, "
		 __stringify(CS_BUSY_PCT_MIN) ".." __stringify(CS_BUSY_PCT_MAX)
		 " (default " __stringify(CS_BUSY_PCT_MAX) ")");

static char *cpus;
module_param(cpus, charp, 0444);
MODULE_PARM_DESC(cpus, "Initial cpulist to load (default: all online CPUs)");

static unsigned int period_ms = CS_PERIOD_MS_DEFAULT;
module_param(period_ms, uint, 0444);
MODULE_PARM_DESC(period_ms, "Initial duty-cycle period in ms, "
		 __stringify(CS_PERIOD_MS_MIN) ".." __stringify(CS_PERIOD_MS_MAX)
		 " (default " __stringify(CS_PERIOD_MS_DEFAULT) ")");

static unsigned int interval_ms = CS_INTERVAL_MS_DEFAULT;
module_param(interval_ms, uint, 0444);
MODULE_PARM_DESC(interval_ms, "Initial sampling interval in ms, "
		 __stringify(CS_INTERVAL_MS_MIN) ".." __stringify(CS_INTERVAL_MS_MAX)
		 " (default " __stringify(CS_INTERVAL_MS_DEFAULT) ")");

unsigned int cs_wu_kib = CS_WU_KIB_DEFAULT;
module_param_named(wu_kib, cs_wu_kib, uint, 0444);
MODULE_PARM_DESC(wu_kib, "Work-unit buffer per CPU in KiB, "
		 __stringify(CS_WU_KIB_MIN) ".." __stringify(CS_WU_KIB_MAX)
		 " (default " __stringify(CS_WU_KIB_DEFAULT) ")");

unsigned int cs_wu_spins = CS_WU_SPINS_DEFAULT;
module_param_named(wu_spins, cs_wu_spins, uint, 0444);
MODULE_PARM_DESC(wu_spins, "Spin iterations per element, "
		 __stringify(CS_WU_SPINS_MIN) ".." __stringify(CS_WU_SPINS_MAX)
		 " (default " __stringify(CS_WU_SPINS_DEFAULT) ")");

static int __init cs_check_params(void)
{
	if (!cs_in_range(busy_pct, CS_BUSY_PCT_MIN, CS_BUSY_PCT_MAX) ||
	    !cs_in_range(period_ms, CS_PERIOD_MS_MIN, CS_PERIOD_MS_MAX) ||
	    !cs_in_range(interval_ms, CS_INTERVAL_MS_MIN, CS_INTERVAL_MS_MAX) ||
	    !cs_in_range(cs_wu_kib, CS_WU_KIB_MIN, CS_WU_KIB_MAX) ||
	    !cs_in_range(cs_wu_spins, CS_WU_SPINS_MIN, CS_WU_SPINS_MAX)) {
		pr_err("parameter out of range: see modinfo cpustress\n");
		return -ERANGE;
	}
	return 0;
}

static int __init cs_init(void)
{
	int ret;

	ret = cs_check_params();
	if (ret)
		return ret;
	ret = cs_run_init(busy_pct, period_ms, interval_ms, cpus,
			  cs_netlink_sample);
	if (ret)
		return ret;
	ret = cs_sysfs_init();
	if (ret)
		goto err_run;
	ret = cs_procfs_init();
	if (ret)
		goto err_sysfs;
	ret = cs_netlink_init();
	if (ret)
		goto err_procfs;
	pr_info("loaded: work unit %u KiB x %u spins, %u possible CPUs\n",
		cs_wu_kib, cs_wu_spins, num_possible_cpus());
	if (autostart) {
		ret = cs_start(0);
		if (ret)
			goto err_netlink;
	}
	return 0;

err_netlink:
	cs_netlink_exit();
err_procfs:
	cs_procfs_exit();
err_sysfs:
	cs_sysfs_exit();
err_run:
	cs_run_exit();
	return ret;
}

static void __exit cs_exit(void)
{
	/* No new requests first, then no new workers, then stop the rest. */
	cs_procfs_exit();
	cs_sysfs_exit();
	cs_netlink_exit();
	pr_info("unloaded: %llu units done\n", cs_run_exit());
}

module_init(cs_init);
module_exit(cs_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("CPU work-unit load generator and throughput reporter");
MODULE_AUTHOR("The cpustress developers");
MODULE_VERSION(CS_VERSION);
