/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The release version and program name: one home for the CLI's --version,
 * the exporter's /health and result files, the module's MODULE_VERSION and
 * the packages (debian/changelog and dkms.conf are checked against it).
 *
 * Freestanding: no includes.
 */
#ifndef CPUSTRESS_VERSION_H
#define CPUSTRESS_VERSION_H

#define CS_VERSION	"0.2"
#define PROG_NAME	"cpustress"

#endif /* CPUSTRESS_VERSION_H */
