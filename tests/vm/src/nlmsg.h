/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink by hand, for the VM tests' raw client (nlraw.c) and the
 * netlink fuzzer (nlfuzz.c): no libnl, so that messages can be built
 * wrong on purpose. A message, its attributes, one request and its
 * answer, and the family's id from the controller.
 */
#ifndef CS_VM_NLMSG_H
#define CS_VM_NLMSG_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/cpustress.h>

#define BUF		(160 * 1024)

struct msg {
	unsigned char b[BUF];
	size_t len;
};

static inline struct nlmsghdr *hdr(struct msg *m)
{
	return (struct nlmsghdr *)m->b;
}

/* A generic netlink header for @cmd of family @type, no attributes. */
static inline void msg_init(struct msg *m, uint16_t type, uint8_t cmd,
			    uint16_t flags)
{
	struct genlmsghdr *g = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);

	memset(m->b, 0, NLMSG_SPACE(GENL_HDRLEN));
	hdr(m)->nlmsg_type = type;
	hdr(m)->nlmsg_flags = flags;
	g->cmd = cmd;
	g->version = CPUSTRESS_GENL_VERSION;
	m->len = NLMSG_SPACE(GENL_HDRLEN);
}

/*
 * Append an attribute of @len bytes from @d (zeros if NULL); nla_len is
 * what is given, the room what fits. Nothing is appended past BUF.
 */
static inline void put_raw(struct msg *m, uint16_t type, const void *d,
			   size_t len, uint16_t nla_len)
{
	struct nlattr *a = (struct nlattr *)(m->b + m->len);

	if (m->len + NLA_HDRLEN + NLA_ALIGN(len) > BUF)
		return;
	a->nla_type = type;
	a->nla_len = nla_len;
	if (d)
		memcpy(m->b + m->len + NLA_HDRLEN, d, len);
	else
		memset(m->b + m->len + NLA_HDRLEN, 0, len);
	m->len += NLA_HDRLEN + NLA_ALIGN(len);
}

/* Append an attribute with a payload of any length, no checks. */
static inline void put(struct msg *m, uint16_t type, const void *d, size_t len)
{
	put_raw(m, type, d, len, len + NLA_HDRLEN > 0xffff ? 0xffff :
		(uint16_t)(len + NLA_HDRLEN));
}

static inline void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

static inline void put_str(struct msg *m, uint16_t type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

/* The attribute @type among the @len bytes of attributes at @p, or NULL. */
static inline struct nlattr *attr_in(const unsigned char *p, int len,
				     uint16_t type)
{
	while (len >= NLA_HDRLEN) {
		struct nlattr *a = (struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

/* The top-level attribute @type of the generic netlink message @r. */
static inline struct nlattr *attr_find(const struct msg *r, uint16_t type)
{
	return attr_in(r->b + NLMSG_SPACE(GENL_HDRLEN),
		       (int)r->len - NLMSG_SPACE(GENL_HDRLEN), type);
}

/* The extended-ack message of the error @r into @ext ("" if none). */
static inline void ext_ack_msg(const struct nlmsghdr *r, char *ext,
			       size_t extlen)
{
	const struct nlmsgerr *e = NLMSG_DATA(r);
	const unsigned char *p = (const unsigned char *)(e + 1);
	int len = (int)r->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(*e);
	const struct nlattr *a;

	ext[0] = 0;
	if (!(r->nlmsg_flags & NLM_F_CAPPED)) {
		/* The whole request is echoed before the attributes. */
		p += e->msg.nlmsg_len - NLMSG_HDRLEN;
		len -= e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	a = attr_in(p, len, NLMSGERR_ATTR_MSG);
	if (a)
		snprintf(ext, extlen, "%.*s", (int)(a->nla_len - NLA_HDRLEN),
			 (const char *)a + NLA_HDRLEN);
}

/*
 * Send @m on @fd as sequence number @seq and read until its answer (an
 * ack, an error or the end of a dump). The first reply goes to @r and the
 * number of replies to @parts (each if given), the extended-ack message
 * to @ext (if given). Returns the answer's errno, 0 for success;
 * ETIMEDOUT if @fd has a receive timeout and it passed.
 */
static inline int nl_request(int fd, struct msg *m, uint32_t seq,
			     struct msg *r, int *parts, char *ext,
			     size_t extlen)
{
	static unsigned char rb[BUF];

	hdr(m)->nlmsg_len = m->len;
	hdr(m)->nlmsg_seq = seq;
	if (r)
		r->len = 0;
	if (parts)
		*parts = 0;
	if (ext)
		ext[0] = 0;
	if (send(fd, m->b, m->len, 0) < 0)
		return errno;
	for (;;) {
		ssize_t n = recv(fd, rb, sizeof(rb), 0);
		struct nlmsghdr *h;

		if (n < 0)
			return errno == EAGAIN ? ETIMEDOUT : errno;
		for (h = (struct nlmsghdr *)rb; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR ||
			    h->nlmsg_type == NLMSG_DONE) {
				if (ext && h->nlmsg_type == NLMSG_ERROR)
					ext_ack_msg(h, ext, extlen);
				return -*(int *)NLMSG_DATA(h);
			}
			if (r && !r->len) {
				memcpy(r->b, h, h->nlmsg_len);
				r->len = h->nlmsg_len;
			}
			if (parts)
				++*parts;
		}
	}
}

/*
 * The id of the cpustress family, asked of the controller on @fd with
 * sequence number @seq, into @fam; the id of its multicast group (there
 * is one, "samples") into @grp if given and found. @m and @r are room for
 * the request and the answer. Returns 0, or the errno (ENOENT if the
 * answer had no id).
 */
static inline int nl_resolve_family(int fd, uint32_t seq, struct msg *m,
				    struct msg *r, uint16_t *fam, uint32_t *grp)
{
	struct genlmsghdr *g = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);
	struct nlattr *a, *grps;
	int err;

	msg_init(m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST | NLM_F_ACK);
	g->version = 1;
	put_str(m, CTRL_ATTR_FAMILY_NAME, CPUSTRESS_GENL_NAME);
	err = nl_request(fd, m, seq, r, NULL, NULL, 0);
	if (err)
		return err;
	a = r->len ? attr_find(r, CTRL_ATTR_FAMILY_ID) : NULL;
	if (!a)
		return ENOENT;
	memcpy(fam, (char *)a + NLA_HDRLEN, sizeof(*fam));
	grps = grp ? attr_find(r, CTRL_ATTR_MCAST_GROUPS) : NULL;
	/* One nest per group: { NAME, ID }. */
	a = grps ? attr_in((unsigned char *)grps + NLA_HDRLEN,
			   grps->nla_len - NLA_HDRLEN, 1) : NULL;
	a = a ? attr_in((unsigned char *)a + NLA_HDRLEN,
			a->nla_len - NLA_HDRLEN, CTRL_ATTR_MCAST_GRP_ID) : NULL;
	if (a)
		memcpy(grp, (char *)a + NLA_HDRLEN, sizeof(*grp));
	return 0;
}

#endif /* CS_VM_NLMSG_H */
