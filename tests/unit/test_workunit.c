// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The work unit: test vector, chunking, and that the spins really run. */
#include "unit.h"

#include <cpustress/workunit.h>

#define NELEMS (CS_WU_KIB_DEFAULT * CS_WU_ELEMS_PER_KIB)

/* The definition written out plainly, as a reference. */
static uint64_t ref_spin(uint32_t spins)
{
	volatile uint64_t x = 0;

	for (uint64_t i = 0xaa55aa55ULL; i < 0xaa55aa55ULL + spins; i++) {
		x = x + i;
		x = x | 0x55aa55aaULL;
	}
	return x;
}

static void test_vector(void **state)
{
	__u64 *mem = calloc(NELEMS, sizeof(*mem));

	(void)state;
	assert_non_null(mem);
	cs_wu_run(mem, 0, NELEMS, CS_WU_SPINS_DEFAULT);
	assert_int_equal(mem[0], 0x10ffffffffULL);
	assert_int_equal(mem[1], 0x10fffffffeULL);
	for (uint64_t k = 0; k < NELEMS; k++)
		if (mem[k] != (CS_WU_VEC0 ^ k))
			fail_msg("element %llu: %#llx", (unsigned long long)k,
				 (unsigned long long)mem[k]);
	free(mem);
}

static void test_spin_matches_reference(void **state)
{
	(void)state;
	for (uint32_t s = 0; s <= 64; s++)
		assert_int_equal(cs_wu_spin(s), ref_spin(s));
	assert_int_equal(cs_wu_spin(CS_WU_SPINS_DEFAULT), CS_WU_VEC0);
}

/* Two passes, whole and in odd-sized chunks, give the same buffer. */
static void test_chunks_equal_whole(void **state)
{
	__u64 *a = calloc(NELEMS, sizeof(*a));
	__u64 *b = calloc(NELEMS, sizeof(*b));
	const uint64_t chunk = 4093;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (int pass = 0; pass < 2; pass++) {
		cs_wu_run(a, 0, NELEMS, 17);
		for (uint64_t k = 0; k < NELEMS; k += chunk)
			cs_wu_run(b, k, k + chunk > NELEMS ? NELEMS - k : chunk,
				  17);
	}
	assert_memory_equal(a, b, NELEMS * sizeof(*a));
	/* Second pass over k ^ x: ((k ^ x) + k) ^ x. */
	assert_int_equal(a[5], ((5 ^ CS_WU_VEC0) + 5) ^ CS_WU_VEC0);
	free(a);
	free(b);
}

static void test_selfcheck(void **state)
{
	__u64 scratch[8];

	(void)state;
	assert_int_equal(cs_wu_selfcheck(scratch, 8), 0);
	assert_int_equal(scratch[7], CS_WU_VEC0 ^ 7);
}

/*
 * Constant spin counts, as the compiler sees them when the unit is inlined
 * with the default: the case where a foldable loop would be folded.
 */
static __attribute__((noinline)) void pass17(__u64 *mem)
{
	cs_wu_run(mem, 0, NELEMS / 4, 17);
}

static __attribute__((noinline)) void pass68(__u64 *mem)
{
	cs_wu_run(mem, 0, NELEMS / 4, 68);
}

static uint64_t min_pass_ns(__u64 *mem, void (*pass)(__u64 *))
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 7; i++) {
		uint64_t t0 = unit_now_ns(), d;

		pass(mem);
		d = unit_now_ns() - t0;
		if (d < best)
			best = d;
	}
	return best;
}

/*
 * A folded or hoisted spin would cost the same whatever the spin count, and
 * folding only the short spin makes it almost free. Four times the spins
 * must cost about four times as much: between 2x and 12x (the best of seven
 * passes filters out a busy machine). Built without the barrier at -O3,
 * this reads 48x here: 17 spins folded.
 */
static void test_spins_really_run(void **state)
{
	__u64 *mem = calloc(NELEMS, sizeof(*mem));
	uint64_t t17, t68;

	(void)state;
	assert_non_null(mem);
	t17 = min_pass_ns(mem, pass17);
	t68 = min_pass_ns(mem, pass68);
	print_message("pass time ratio spins 68/17: %.2f\n",
		      (double)t68 / (double)t17);
	assert_true(t68 > 2 * t17);
	assert_true(t68 < 12 * t17);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_spin_matches_reference),
		cmocka_unit_test(test_chunks_equal_whole),
		cmocka_unit_test(test_selfcheck),
		cmocka_unit_test(test_spins_really_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
