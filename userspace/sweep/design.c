// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The sweep's design against drift: in which order each run visits the
 * levels and where the reference windows go. See sweep/stats.h.
 */
#include <stdio.h>

#include "sweep/stats.h"
#include "util/words.h"

uint64_t cs_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double cs_rand01(uint64_t *state)
{
	return (double)(cs_splitmix64(state) >> 11) * 0x1.0p-53;
}

void cs_design_order(uint32_t nlevels, uint32_t run, uint64_t seed,
		     uint32_t *order)
{
	uint64_t st;
	uint32_t i;

	for (i = 0; i < nlevels; i++)
		order[i] = run == 1 ? nlevels - 1 - i : i;
	if (run < 2 || nlevels < 2)
		return;
	/* Its own stream per run: adding runs does not reorder the others. */
	st = seed ^ (0xd1b54a32d192ed03ULL * (run + 1));
	for (i = nlevels - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(cs_splitmix64(&st) % (i + 1));
		uint32_t x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
}

static uint32_t refs_per_run(uint32_t nlevels)
{
	return (nlevels + CS_SWEEP_REF_EVERY - 1) / CS_SWEEP_REF_EVERY;
}

uint32_t cs_design_nrefs(uint32_t nlevels, uint32_t runs)
{
	if (!nlevels || !runs)
		return 0;
	return 1 + runs * refs_per_run(nlevels);
}

uint32_t cs_design_nslots(uint32_t nlevels, uint32_t runs)
{
	return nlevels * runs + cs_design_nrefs(nlevels, runs);
}

char *cs_design_text(char *buf, size_t len, uint32_t nlevels, uint32_t runs)
{
	uint32_t nrefs = cs_design_nrefs(nlevels, runs);

	snprintf(buf, len, "%u %s x %u %s + %u reference %s", nlevels,
		 cs_plural(nlevels, "level", "levels"), runs,
		 cs_plural(runs, "run", "runs"), nrefs,
		 cs_plural(nrefs, "window", "windows"));
	return buf;
}

uint32_t cs_design_slots(uint32_t nlevels, uint32_t runs, uint64_t seed,
			 struct cs_slot *slot)
{
	uint32_t order[nlevels ? nlevels : 1];
	uint32_t r, i, n = 0, ref = 0;

	if (!nlevels || !runs)
		return 0;
	slot[n++] = (struct cs_slot){ .kind = CS_SLOT_REF, .ref = ref++ };
	for (r = 0; r < runs; r++) {
		cs_design_order(nlevels, r, seed, order);
		for (i = 0; i < nlevels; i++) {
			slot[n++] = (struct cs_slot){
				.kind = CS_SLOT_LEVEL, .li = order[i], .run = r,
			};
			if ((i + 1) % CS_SWEEP_REF_EVERY == 0 ||
			    i + 1 == nlevels)
				slot[n++] = (struct cs_slot){
					.kind = CS_SLOT_REF, .run = r,
					.ref = ref++,
				};
		}
	}
	return n;
}

uint64_t cs_design_ms(uint32_t nlevels, uint32_t runs, uint32_t settle_ms,
		      uint32_t window_ms)
{
	return (uint64_t)cs_design_nslots(nlevels, runs) *
	       ((uint64_t)settle_ms + window_ms);
}
