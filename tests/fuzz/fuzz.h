/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What the fuzzers of tests/fuzz/ share: the start of an answer kept as
 * it comes in, and a temporary directory removed at exit.
 */
#ifndef CPUSTRESS_FUZZ_H
#define CPUSTRESS_FUZZ_H

#include <ftw.h>
#include <stdio.h>
#include <string.h>

/*
 * @n more bytes @buf of an answer, of which @got came before: keep its
 * start in @head (@headlen bytes, NUL-terminated). Returns the new @got.
 */
static inline size_t fuzz_keep_head(char *head, size_t headlen, size_t got,
				    const char *buf, size_t n)
{
	if (got + 1 < headlen) {
		size_t k = n < headlen - 1 - got ? n : headlen - 1 - got;

		memcpy(head + got, buf, k);
		head[got + k] = '\0';
	}
	return got + n;
}

static inline int fuzz_rm_entry(const char *path, const struct stat *st,
				int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove @dir and everything in it. */
static inline void fuzz_rmtree(const char *dir)
{
	nftw(dir, fuzz_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif /* CPUSTRESS_FUZZ_H */
