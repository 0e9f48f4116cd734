// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/cpustress/: one value per file, and a cpuN/ directory per
 * possible CPU. A bad write fails with -EINVAL (not a number, not a cpulist,
 * an offline CPU) or -ERANGE (out of range) and changes nothing.
 */
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "cpustress.h"
#include "iface.h"
#include "run.h"

static struct kobject *cs_kobj;
static struct kobject **cs_cpu_kobjs;

/**
 * struct cs_cpu_dir - the kobject of a cpuN/ directory
 * @kobj: the kobject
 * @cpu: the CPU it describes
 */
struct cs_cpu_dir {
	struct kobject kobj;
	unsigned int cpu;
};

static ssize_t cs_emit_pm(char *buf, u32 pm)
{
	return sysfs_emit(buf, "%u.%u\n", pm / 10, pm % 10);
}

static int cs_sysfs_parse_u32(const char *buf, u32 *v)
{
	return kstrtou32(buf, 10, v);
}

static ssize_t ops_per_sec_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", cs_sample_latest(NULL));
}

static ssize_t units_total_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", cs_units_total());
}

static ssize_t running_show(struct kobject *kobj,
			    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(cs_running));
}

static ssize_t running_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	u32 v;
	int ret;

	ret = cs_sysfs_parse_u32(buf, &v);
	if (ret)
		return ret;
	if (v > 1)
		return -ERANGE;
	if (v)
		ret = cs_start(0);
	else
		cs_stop();
	/* Starting a running module is no error here: it runs, as asked. */
	return ret && ret != -EALREADY ? ret : count;
}

static ssize_t busy_pct_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(cs_cfg.busy_pct));
}

static ssize_t busy_pct_store(struct kobject *kobj, struct kobj_attribute *attr,
			      const char *buf, size_t count)
{
	u32 v;
	int ret;

	ret = cs_sysfs_parse_u32(buf, &v);
	if (!ret)
		ret = cs_set_busy_pct(v);
	return ret ? ret : count;
}

static ssize_t period_ms_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(cs_cfg.period_ms));
}

static ssize_t period_ms_store(struct kobject *kobj,
			       struct kobj_attribute *attr,
			       const char *buf, size_t count)
{
	u32 v;
	int ret;

	ret = cs_sysfs_parse_u32(buf, &v);
	if (!ret)
		ret = cs_set_period_ms(v);
	return ret ? ret : count;
}

static ssize_t interval_ms_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(cs_cfg.interval_ms));
}

static ssize_t interval_ms_store(struct kobject *kobj,
				 struct kobj_attribute *attr,
				 const char *buf, size_t count)
{
	u32 v;
	int ret;

	ret = cs_sysfs_parse_u32(buf, &v);
	if (!ret)
		ret = cs_set_interval_ms(v);
	return ret ? ret : count;
}

static ssize_t cpus_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	ssize_t len;

	mutex_lock(&cs_lock);
	len = sysfs_emit(buf, "%*pbl\n",
			 cpumask_pr_args(cs_cfg.cpus_all ? cpu_online_mask :
					 cs_cfg.cpus));
	mutex_unlock(&cs_lock);
	return len;
}

static ssize_t cpus_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	int ret = cs_set_cpus(buf);

	return ret ? ret : count;
}

static ssize_t wu_kib_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", cs_wu_kib);
}

static ssize_t wu_spins_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", cs_wu_spins);
}

static struct kobj_attribute cs_attr_ops_per_sec = __ATTR_RO(ops_per_sec);
static struct kobj_attribute cs_attr_units_total = __ATTR_RO(units_total);
static struct kobj_attribute cs_attr_running = __ATTR_RW(running);
static struct kobj_attribute cs_attr_busy_pct = __ATTR_RW(busy_pct);
static struct kobj_attribute cs_attr_period_ms = __ATTR_RW(period_ms);
static struct kobj_attribute cs_attr_interval_ms = __ATTR_RW(interval_ms);
static struct kobj_attribute cs_attr_cpus = __ATTR_RW(cpus);
static struct kobj_attribute cs_attr_wu_kib = __ATTR_RO(wu_kib);
static struct kobj_attribute cs_attr_wu_spins = __ATTR_RO(wu_spins);

static struct attribute *cs_attrs[] = {
	&cs_attr_ops_per_sec.attr,
	&cs_attr_units_total.attr,
	&cs_attr_running.attr,
	&cs_attr_busy_pct.attr,
	&cs_attr_period_ms.attr,
	&cs_attr_interval_ms.attr,
	&cs_attr_cpus.attr,
	&cs_attr_wu_kib.attr,
	&cs_attr_wu_spins.attr,
	NULL,
};

static const struct attribute_group cs_group = {
	.attrs = cs_attrs,
};

/* The newest sample of the CPU a cpuN/ directory describes. */
static void cs_dir_rate(struct kobject *kobj, struct cs_cpu_rate *r)
{
	cs_sample_cpu(container_of(kobj, struct cs_cpu_dir, kobj)->cpu, r, NULL);
}

static ssize_t cpu_ops_per_sec_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	struct cs_cpu_rate r;

	cs_dir_rate(kobj, &r);
	return sysfs_emit(buf, "%llu\n", cs_rate_ops(&r));
}

static ssize_t cpu_units_total_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	unsigned int cpu = container_of(kobj, struct cs_cpu_dir, kobj)->cpu;

	return sysfs_emit(buf, "%llu\n", READ_ONCE(cs_cpu_get(cpu)->stats.units));
}

/*
 * A per-CPU percentage: one show for all, the attribute says which field
 * of the rate it prints.
 */
struct cs_pct_attr {
	struct kobj_attribute attr;
	size_t field;	/* offset of a u32 per-mille in struct cs_cpu_rate */
};

static ssize_t cpu_pct_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	size_t field = container_of(attr, struct cs_pct_attr, attr)->field;
	struct cs_cpu_rate r;

	cs_dir_rate(kobj, &r);
	return cs_emit_pm(buf, *(u32 *)((char *)&r + field));
}

#define CS_PCT_ATTR(_name, _field) {					\
	.attr = __ATTR(_name, 0444, cpu_pct_show, NULL),		\
	.field = offsetof(struct cs_cpu_rate, _field),			\
}

/* cpu_pct_show() reads the fields CS_PCT_ATTR() names below as u32. */
static_assert(sizeof_field(struct cs_cpu_rate, busy_pm) == sizeof(u32) &&
	      sizeof_field(struct cs_cpu_rate, steal_pm) == sizeof(u32) &&
	      sizeof_field(struct cs_cpu_rate, wait_pm) == sizeof(u32));

static struct kobj_attribute cs_cpu_attr_ops_per_sec =
	__ATTR(ops_per_sec, 0444, cpu_ops_per_sec_show, NULL);
static struct kobj_attribute cs_cpu_attr_units_total =
	__ATTR(units_total, 0444, cpu_units_total_show, NULL);
static struct cs_pct_attr cs_cpu_attr_busy_pct = CS_PCT_ATTR(busy_pct, busy_pm);
static struct cs_pct_attr cs_cpu_attr_steal_pct = CS_PCT_ATTR(steal_pct, steal_pm);
static struct cs_pct_attr cs_cpu_attr_wait_pct = CS_PCT_ATTR(wait_pct, wait_pm);

static struct attribute *cs_cpu_attrs[] = {
	&cs_cpu_attr_ops_per_sec.attr,
	&cs_cpu_attr_units_total.attr,
	&cs_cpu_attr_busy_pct.attr.attr,
	&cs_cpu_attr_steal_pct.attr.attr,
	&cs_cpu_attr_wait_pct.attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(cs_cpu);

static void cs_cpu_dir_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct cs_cpu_dir, kobj));
}

static const struct kobj_type cs_cpu_ktype = {
	.release = cs_cpu_dir_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = cs_cpu_groups,
};

static int cs_cpu_dir_add(unsigned int cpu)
{
	struct cs_cpu_dir *d;
	int ret;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->cpu = cpu;
	ret = kobject_init_and_add(&d->kobj, &cs_cpu_ktype, cs_kobj, "cpu%u",
				   cpu);
	if (ret) {
		kobject_put(&d->kobj);
		return ret;
	}
	cs_cpu_kobjs[cpu] = &d->kobj;
	return 0;
}

static void cs_cpu_dirs_del(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		kobject_put(cs_cpu_kobjs[cpu]);
}

int cs_sysfs_init(void)
{
	unsigned int cpu;
	int ret;

	cs_cpu_kobjs = kcalloc(nr_cpu_ids, sizeof(*cs_cpu_kobjs), GFP_KERNEL);
	if (!cs_cpu_kobjs)
		return -ENOMEM;
	cs_kobj = kobject_create_and_add(KBUILD_MODNAME, kernel_kobj);
	if (!cs_kobj) {
		ret = -ENOMEM;
		goto err_array;
	}
	ret = sysfs_create_group(cs_kobj, &cs_group);
	if (ret)
		goto err_kobj;
	for_each_possible_cpu(cpu) {
		ret = cs_cpu_dir_add(cpu);
		if (ret)
			goto err_dirs;
	}
	return 0;

err_dirs:
	cs_cpu_dirs_del();
	sysfs_remove_group(cs_kobj, &cs_group);
err_kobj:
	kobject_put(cs_kobj);
err_array:
	kfree(cs_cpu_kobjs);
	return ret;
}

void cs_sysfs_exit(void)
{
	cs_cpu_dirs_del();
	sysfs_remove_group(cs_kobj, &cs_group);
	kobject_put(cs_kobj);
	kfree(cs_cpu_kobjs);
}
