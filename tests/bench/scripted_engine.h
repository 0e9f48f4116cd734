/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * TEST DOUBLE, for benchmarks and tests only: a scripted engine that
 * implements userspace/engine/engine.h for any number of CPUs without a
 * module or a single worker thread. Every status() or snapshot() call
 * advances its counters as if each CPU ran at a steady rate, so the
 * collector and the renderers see a busy machine of @ncpus CPUs. It is
 * never linked into cpustress itself.
 */
#ifndef CPUSTRESS_SCRIPTED_ENGINE_H
#define CPUSTRESS_SCRIPTED_ENGINE_H

#include "engine/engine.h"

/* A scripted engine of @ncpus CPUs (1..CS_SCRIPTED_CPUS_MAX), running. */
#define CS_SCRIPTED_CPUS_MAX	4096
int cs_engine_open_scripted(uint32_t ncpus, struct cs_engine **e);

#endif
