/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpustress interfaces: what module.c sets up and tears down.
 */
#ifndef CPUSTRESS_KMOD_IFACE_H
#define CPUSTRESS_KMOD_IFACE_H

#include "cpustress.h"

/* netlink.c */
int cs_netlink_init(void);
void cs_netlink_exit(void);
void cs_netlink_sample(u64 seq, u64 ts_ns, u64 dt_ns, u64 ops_total,
		       const struct cs_cpu_rate *rates);

/* sysfs.c, procfs.c */
int cs_sysfs_init(void);
void cs_sysfs_exit(void);
int cs_procfs_init(void);
void cs_procfs_exit(void);

#endif /* CPUSTRESS_KMOD_IFACE_H */
