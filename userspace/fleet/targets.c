// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The fleet's target list: "HOST:PORT" arguments, or a Prometheus file_sd
 * JSON file (tools/prometheus/targets/fleet.json), so that one list
 * serves both Prometheus and `cpustress fleet`. Labels are kept; the
 * "cost_per_hour" label is the host's price, USD per hour.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet/fleet.h"
#include "sweep/compare.h"
#include "util/errf.h"

#define COST_LABEL	"cost_per_hour"

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

static bool v6_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

/* "HOST:PORT" or "[V6]:PORT" taken apart into @t; -EINVAL with @err. */
static int split_target(const char *s, struct cs_fleet_target *t, char *err,
			size_t errlen)
{
	const char *colon, *host = s, *end;
	unsigned long port;
	char *pend;
	size_t hlen, i;

	if (strlen(s) >= sizeof(t->name))
		return cs_errf(err, errlen, -EINVAL,
			       "target '%.40s...': longer than %zu characters",
			       s, sizeof(t->name) - 1);
	colon = strrchr(s, ':');
	if (!colon)
		return cs_errf(err, errlen, -EINVAL,
			       "target '%s': expected HOST:PORT, like 127.0.0.1:8080",
			       s);
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end || end + 1 != colon)
			return cs_errf(err, errlen, -EINVAL,
				       "target '%s': expected [IPV6]:PORT", s);
		host = s + 1;
		hlen = (size_t)(end - host);
		for (i = 0; i < hlen; i++)
			if (!v6_char(host[i]))
				break;
		if (!hlen || i < hlen)
			return cs_errf(err, errlen, -EINVAL,
				       "target '%s': '%.*s' is not an IPv6 address",
				       s, (int)hlen, host);
	} else {
		hlen = (size_t)(colon - s);
		for (i = 0; i < hlen; i++)
			if (!host_char(s[i]))
				break;
		if (!hlen || i < hlen)
			return cs_errf(err, errlen, -EINVAL,
				       "target '%s': the host must be a name or an address (IPv6 in brackets)",
				       s);
	}
	errno = 0;
	port = strtoul(colon + 1, &pend, 10);
	if (!colon[1] || *pend || colon[1] < '0' || colon[1] > '9' ||
	    errno || port < 1 || port > 65535)
		return cs_errf(err, errlen, -EINVAL,
			       "target '%s': the port must be 1..65535", s);
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", s);
	memcpy(t->host, host, hlen);
	t->host[hlen] = '\0';
	t->port = (uint16_t)port;
	return 0;
}

int cs_fleet_target_add(struct cs_fleet_targets *ts, const char *s,
			char *err, size_t errlen)
{
	struct cs_fleet_target t;
	uint32_t i;
	int ret;

	ret = split_target(s, &t, err, errlen);
	if (ret)
		return ret;
	for (i = 0; i < ts->n; i++)
		if (!strcasecmp(ts->t[i].name, t.name))
			return cs_errf(err, errlen, -EINVAL,
				       "target '%s' given twice", s);
	if (ts->n == CS_FLEET_TARGETS_MAX)
		return cs_errf(err, errlen, -EINVAL,
			       "more than %d targets", CS_FLEET_TARGETS_MAX);
	ts->t[ts->n++] = t;
	return 0;
}

/* The labels of one file_sd group onto the targets @first.. just added. */
static int set_labels(struct cs_fleet_targets *ts, uint32_t first,
		      json_t *labels, const char *name, size_t group,
		      char *err, size_t errlen)
{
	struct cs_fleet_target *t;
	const char *key;
	json_t *val;
	double cost = 0;
	uint32_t i, n = 0;

	if (!labels)
		return 0;
	if (!json_is_object(labels))
		return cs_errf(err, errlen, -EINVAL,
			       "%s: group %zu: \"labels\" must be an object of strings",
			       name, group);
	if (json_object_size(labels) > CS_FLEET_LABELS_MAX)
		return cs_errf(err, errlen, -EINVAL,
			       "%s: group %zu: more than %d labels", name,
			       group, CS_FLEET_LABELS_MAX);
	json_object_foreach(labels, key, val) {
		if (!json_is_string(val))
			return cs_errf(err, errlen, -EINVAL,
				       "%s: group %zu: label \"%s\" must be a string",
				       name, group, key);
		if (!*key || strlen(key) >= CS_FLEET_LABEL_LEN ||
		    json_string_length(val) >= CS_FLEET_LABEL_LEN)
			return cs_errf(err, errlen, -EINVAL,
				       "%s: group %zu: label \"%.40s\": names and values are 1 to %d characters",
				       name, group, key, CS_FLEET_LABEL_LEN - 1);
		if (!strcmp(key, COST_LABEL) &&
		    (cs_compare_parse_price(json_string_value(val), &cost) ||
		     cost <= 0 || cost > CS_COMPARE_COST_MAX))
			return cs_errf(err, errlen, -EINVAL,
				       "%s: group %zu: label " COST_LABEL " '%s' is not a price in USD per hour, like 0.45",
				       name, group, json_string_value(val));
	}
	for (i = first; i < ts->n; i++) {
		t = &ts->t[i];
		n = 0;
		json_object_foreach(labels, key, val) {
			snprintf(t->labels[n].name, CS_FLEET_LABEL_LEN, "%s", key);
			snprintf(t->labels[n].value, CS_FLEET_LABEL_LEN, "%s",
				 json_string_value(val));
			n++;
		}
		t->nlabels = n;
		t->cost = cost;
	}
	return 0;
}

int cs_fleet_targets_parse(struct cs_fleet_targets *ts, const char *buf,
			   size_t len, const char *name, char *err,
			   size_t errlen)
{
	json_error_t jerr;
	json_t *root, *g, *list, *t;
	size_t gi, ti;
	uint32_t first;
	char why[CS_FLEET_ERR_MAX];
	int ret = 0;

	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return cs_errf(err, errlen, -EINVAL,
			       "%s: not JSON (line %d: %s)", name, jerr.line,
			       jerr.text);
	if (!json_is_array(root)) {
		ret = cs_errf(err, errlen, -EINVAL,
			      "%s: expected a file_sd list: [{\"targets\": [\"HOST:PORT\", ...], \"labels\": {...}}]",
			      name);
		goto out;
	}
	json_array_foreach(root, gi, g) {
		list = json_is_object(g) ? json_object_get(g, "targets") : NULL;
		if (!json_is_array(list)) {
			ret = cs_errf(err, errlen, -EINVAL,
				      "%s: group %zu: expected an object with a \"targets\" array",
				      name, gi);
			goto out;
		}
		first = ts->n;
		json_array_foreach(list, ti, t) {
			if (!json_is_string(t)) {
				ret = cs_errf(err, errlen, -EINVAL,
					      "%s: group %zu: target %zu is not a string",
					      name, gi, ti);
				goto out;
			}
			ret = cs_fleet_target_add(ts, json_string_value(t),
						  why, sizeof(why));
			if (ret) {
				cs_errf(err, errlen, ret, "%s: %s", name, why);
				goto out;
			}
		}
		ret = set_labels(ts, first, json_object_get(g, "labels"), name,
				 gi, err, errlen);
		if (ret)
			goto out;
	}
	if (!ts->n)
		ret = cs_errf(err, errlen, -EINVAL, "%s: no targets", name);
out:
	json_decref(root);
	return ret;
}

int cs_fleet_targets_load(struct cs_fleet_targets *ts, const char *path,
			  char *err, size_t errlen)
{
	struct stat sb;
	char *buf;
	ssize_t got;
	size_t len = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cs_errf(err, errlen, -errno, "%s: %s", path,
			       strerror(errno));
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) ||
	    sb.st_size > CS_FLEET_FILE_MAX) {
		close(fd);
		return cs_errf(err, errlen, -EINVAL,
			       "%s: not a regular file of at most %u bytes",
			       path, CS_FLEET_FILE_MAX);
	}
	buf = malloc(CS_FLEET_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		return cs_errf(err, errlen, -ENOMEM, "out of memory");
	}
	while ((got = read(fd, buf + len, CS_FLEET_FILE_MAX + 1 - len)) > 0)
		len += (size_t)got;
	ret = got < 0 ? -errno : 0;
	close(fd);
	if (ret)
		cs_errf(err, errlen, ret, "%s: %s", path, strerror(-ret));
	else if (len > CS_FLEET_FILE_MAX)
		ret = cs_errf(err, errlen, -EINVAL, "%s: larger than %u bytes",
			      path, CS_FLEET_FILE_MAX);
	else
		ret = cs_fleet_targets_parse(ts, buf, len, path, err, errlen);
	free(buf);
	return ret;
}
