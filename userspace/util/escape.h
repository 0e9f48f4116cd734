/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Text from a file (a host name, a CPU model) on its way to a terminal:
 * control bytes become \xNN, so an ESC or BEL in a result file cannot
 * move the cursor, recolour the screen or ring the bell.
 */
#ifndef CPUSTRESS_ESCAPE_H
#define CPUSTRESS_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Whether @c would act on a terminal rather than show: C0 bytes and DEL. */
static inline int cs_is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/*
 * @src into @dst (of @len bytes, NUL-terminated, cut at a whole escape),
 * every control byte but '\n' as \xNN when @keep_newline, else every one.
 * Return: @dst.
 */
static inline char *cs_escape_ctl(char *dst, size_t len, const char *src,
				  int keep_newline)
{
	size_t o = 0;

	if (!len)
		return dst;
	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;
		size_t need = cs_is_control(c) &&
			      !(keep_newline && c == '\n') ? 4 : 1;

		if (o + need >= len)
			break;
		if (need == 4)
			snprintf(dst + o, 5, "\\x%02x", c);
		else
			dst[o] = (char)c;
		o += need;
	}
	dst[o] = '\0';
	return dst;
}

#endif
