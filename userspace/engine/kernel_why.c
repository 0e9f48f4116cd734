// SPDX-License-Identifier: GPL-2.0
/*
 * Why the module is not loaded, said as it is on this host: the kernel
 * loads only signed modules, no module is installed for the running
 * kernel (with or without headers to build one), a container, or simply
 * not loaded yet. Every message names the fallback, --engine user.
 * docs/install.md "When the module is not loaded" lists the messages.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "engine/kernel.h"

#define CS_WHY_FALLBACK	"; without the module: --engine user"

/* The first line of @path contains @needle. */
static bool file_has(const char *path, const char *needle)
{
	char line[256];
	FILE *f = fopen(path, "re");
	bool found = false;

	if (!f)
		return false;
	if (fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* Secure Boot's lockdown or module.sig_enforce=1. */
static bool sig_enforced(void)
{
	return file_has("/sys/module/module/parameters/sig_enforce", "Y") ||
	       file_has("/sys/kernel/security/lockdown", "[integrity]") ||
	       file_has("/sys/kernel/security/lockdown", "[confidentiality]");
}

/* modprobe would find a cpustress module for kernel @release. */
static bool module_installed(const char *release)
{
	char path[PATH_MAX], line[1024];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", release);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *base;

		if (!colon)
			continue;
		*colon = '\0';
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		found = strncmp(base, "cpustress.ko", strlen("cpustress.ko")) == 0;
	}
	fclose(f);
	return found;
}

static bool in_container(void)
{
	return access("/.dockerenv", F_OK) == 0 ||
	       access("/run/.containerenv", F_OK) == 0 ||
	       file_has("/run/systemd/container", "");
}

void cs_kernel_why_not_loaded(char *err, size_t errlen)
{
	struct utsname u;
	char path[PATH_MAX];
	struct stat st;

	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	if (sig_enforced()) {
		snprintf(err, errlen,
			 "module not loaded, and this kernel loads only signed modules (Secure Boot or module.sig_enforce=1): enrol DKMS's signing key with 'mokutil --import /var/lib/dkms/mok.pub' and reboot, or use a VM without Secure Boot"
			 CS_WHY_FALLBACK);
	} else if (in_container()) {
		snprintf(err, errlen,
			 "module not loaded, and this is a container: load it on the host (modprobe cpustress) and share the host's network namespace"
			 CS_WHY_FALLBACK);
	} else if (module_installed(u.release)) {
		snprintf(err, errlen,
			 "module not loaded: run modprobe cpustress (as root)"
			 CS_WHY_FALLBACK);
	} else {
		snprintf(path, sizeof(path), "/lib/modules/%s/build", u.release);
		if (stat(path, &st) == 0)
			snprintf(err, errlen,
				 "module not loaded, and none is installed for kernel %s: install cpustress-dkms, or build it (make module) and run insmod kmod/cpustress.ko"
				 CS_WHY_FALLBACK, u.release);
		else
			snprintf(err, errlen,
				 "module not loaded, and none is built for kernel %s, which has no headers here to build one: install linux-headers-%s and cpustress-dkms"
				 CS_WHY_FALLBACK, u.release, u.release);
	}
}
