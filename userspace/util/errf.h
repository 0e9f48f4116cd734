/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Why a call failed, in the caller's buffer. */
#ifndef CPUSTRESS_ERRF_H
#define CPUSTRESS_ERRF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

static inline int cs_errf(char *err, size_t errlen, int ret, const char *fmt,
			  ...) __attribute__((format(printf, 4, 5)));

/* Format the reason into @err (when given) and return @ret. */
static inline int cs_errf(char *err, size_t errlen, int ret, const char *fmt,
			  ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

#endif
