/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The kernel's accounting as user space sees it, for the user-space engine:
 * what kmod/worker.c reads from kernel structures, read from /proc.
 *
 *   steal    /proc/stat, cpuN line, 8th value (USER_HZ ticks)
 *   irqs     /proc/interrupts, numbered lines only: the device interrupts
 *            that kstat_cpu_irqs_sum() counts, not the LOC/RES/CAL IPIs
 *   wait     /proc/thread-self/schedstat, 2nd value (run_delay, ns)
 */
#ifndef CPUSTRESS_PROCSTAT_H
#define CPUSTRESS_PROCSTAT_H

#include <stdint.h>

/**
 * cs_proc_steal() - steal time of every CPU
 * @steal_ns: @n entries, set to each CPU's steal time in ns (0 if unlisted)
 * @n: entries in @steal_ns
 *
 * Return: 0 or a negative errno.
 */
int cs_proc_steal(uint64_t *steal_ns, unsigned int n);

/**
 * cs_proc_irqs() - device interrupts every CPU handled since boot
 * @irqs: @n entries, set to each CPU's count (0 for CPUs not shown)
 * @n: entries in @irqs
 *
 * Return: 0 or a negative errno.
 */
int cs_proc_irqs(uint64_t *irqs, unsigned int n);

/**
 * cs_proc_wait_open() - open the calling thread's scheduler statistics
 *
 * Return: a descriptor for cs_proc_wait_read(), or a negative errno.
 */
int cs_proc_wait_open(void);

/**
 * cs_proc_wait_read() - run-queue wait of the thread that opened @fd
 * @fd: from cs_proc_wait_open()
 * @wait_ns: the thread's total time waiting runnable, ns
 *
 * Return: 0 or a negative errno.
 */
int cs_proc_wait_read(int fd, uint64_t *wait_ns);

#endif /* CPUSTRESS_PROCSTAT_H */
