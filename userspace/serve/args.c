// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cpustress serve: its own syntax (the listen address, the log level) and
 * its log. No libmicrohttpd here: the CLI's option parser (cli/cmd_args.c)
 * and its tests link this file alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util/args.h"
#include "serve/serve.h"

/* --- the log ---------------------------------------------------------- */

static enum cs_log_level log_level = CS_LOG_INFO;

void cs_log_set_level(enum cs_log_level l)
{
	__atomic_store_n(&log_level, l, __ATOMIC_RELAXED);
}

void cs_log(enum cs_log_level l, const char *fmt, ...)
{
	static const char *const names[] = {
		[CS_LOG_ERROR] = "error",
		[CS_LOG_WARN] = "warn",
		[CS_LOG_INFO] = "info",
		[CS_LOG_DEBUG] = "debug",
	};
	char line[1024], stamp[32];
	struct timeval tv;
	struct tm tm;
	va_list ap;
	int n;

	if (l > __atomic_load_n(&log_level, __ATOMIC_RELAXED))
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s.%03ldZ %s ", stamp,
		     (long)(tv.tv_usec / 1000), names[l]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One write per line: lines of several threads never mix. */
	n = (int)strcspn(line, "\n");
	line[n] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n + 1) < 0)
		return;
}

int cs_log_level_parse(const char *s, enum cs_log_level *out)
{
	static const struct {
		const char *name;
		enum cs_log_level level;
	} names[] = {
		{ "error", CS_LOG_ERROR },
		{ "warn", CS_LOG_WARN },
		{ "warning", CS_LOG_WARN },
		{ "info", CS_LOG_INFO },
		{ "debug", CS_LOG_DEBUG },
	};
	size_t i;

	for (i = 0; s && i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcasecmp(s, names[i].name)) {
			*out = names[i].level;
			return 0;
		}
	}
	return -EINVAL;
}

/* --- the listen address ---------------------------------------------- */

/* A host name: letters, digits, '-' and '.', as DNS allows. */
static bool host_name_valid(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
			     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");

	return *s && !s[n] && s[0] != '-' && s[0] != '.';
}

/*
 * "http://127.0.0.1:18558/" is a URL, not an address to listen on: say so,
 * with its HOST:PORT as the example when it has one.
 */
static int refuse_url(const char *s, const char *scheme_end, char *err,
		      size_t errlen)
{
	const char *rest = scheme_end + 3;
	char hostport[sizeof(((struct cs_listen *)0)->host) + 8];
	struct cs_listen l;
	char why[8];
	size_t n = strcspn(rest, "/?#");

	if (n < sizeof(hostport)) {
		memcpy(hostport, rest, n);
		hostport[n] = '\0';
		if (!cs_listen_parse(hostport, &l, why, sizeof(why))) {
			snprintf(err, errlen, "'%s' is a URL; give HOST:PORT, for example %s",
				 s, hostport);
			return -EINVAL;
		}
	}
	snprintf(err, errlen, "'%s' is a URL; give HOST:PORT, [IPV6ADDR]:PORT or :PORT, for example 127.0.0.1:8080",
		 s);
	return -EINVAL;
}

int cs_listen_parse(const char *s, struct cs_listen *l, char *err,
		    size_t errlen)
{
	const char *colon, *port, *url = strstr(s, "://");
	unsigned char addr[16];
	uint32_t v;
	size_t n;

	memset(l, 0, sizeof(*l));
	if (url)
		return refuse_url(s, url, err, errlen);
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':') {
			snprintf(err, errlen, "'%s' is not [IPV6ADDR]:PORT", s);
			return -EINVAL;
		}
		n = (size_t)(end - s - 1);
		if (n >= sizeof(l->host)) {
			snprintf(err, errlen, "'%s': address too long", s);
			return -EINVAL;
		}
		memcpy(l->host, s + 1, n);
		l->host[n] = '\0';
		if (inet_pton(AF_INET6, l->host, addr) != 1) {
			snprintf(err, errlen, "'%s': '%s' is not an IPv6 address",
				 s, l->host);
			return -EINVAL;
		}
		l->v6 = true;
		port = end + 2;
	} else {
		colon = strrchr(s, ':');
		if (!colon) {
			snprintf(err, errlen, "'%s' has no port: give HOST:PORT, [IPV6ADDR]:PORT or :PORT",
				 s);
			return -EINVAL;
		}
		if (memchr(s, ':', (size_t)(colon - s))) {
			snprintf(err, errlen, "'%s': put an IPv6 address in brackets, as in [::1]:8080",
				 s);
			return -EINVAL;
		}
		n = (size_t)(colon - s);
		if (n >= sizeof(l->host)) {
			snprintf(err, errlen, "'%s': host too long", s);
			return -EINVAL;
		}
		memcpy(l->host, s, n);
		l->host[n] = '\0';
		if (n && !host_name_valid(l->host)) {
			snprintf(err, errlen, "'%s': '%s' is not an address or a host name",
				 s, l->host);
			return -EINVAL;
		}
		port = colon + 1;
	}
	if (cs_parse_u32(port, 0, 65535, &v)) {
		snprintf(err, errlen, "'%s': the port '%s' is not a number in 0..65535",
			 s, port);
		return -EINVAL;
	}
	l->port = (uint16_t)v;
	return 0;
}
