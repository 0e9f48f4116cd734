// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The kernel engine: cpustress.ko over generic netlink, with libnl-genl-3.
 *
 * Two sockets. Requests go on one that lives exactly as long as the engine:
 * a START with OWNED is tied to it, so the run stops when this process
 * ends, however it ends. SAMPLE events arrive on a second one, opened on
 * the first next_sample(), so that events never interleave with the replies
 * to requests. Attribute parsing is in engine/kernel_parse.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "engine/kernel.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/*
 * A listener that heard nothing for two sampling intervals asks the module
 * whether it is still there, at most this often: an unloaded family sends
 * no goodbye on the samples group.
 */
#define CS_ALIVE_CHECK_MS	2000

static const char msg_unloaded[] =
	"module unloaded: run insmod kmod/cpustress.ko (or modprobe cpustress)";
static const char msg_eperm[] =
	"permission denied: need CAP_NET_ADMIN (run as root)";

/* libnl reports its own error codes; the engine interface speaks errno. */
static int nl_to_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_PERM:
		return -EPERM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_INTR:
		return -EINTR;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INVAL:
	case NLE_RANGE:
		return -EINVAL;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

/*
 * The kernel's extended-ack message, as iw does it: after the error and
 * the echoed request (unless the kernel capped it) come NLMSGERR_ATTR_*.
 */
static int cs_nl_error(struct sockaddr_nl *nla, struct nlmsgerr *nlerr,
		       void *arg)
{
	struct cs_req *req = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)nlerr - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int ack_len = (int)(sizeof(*nlh) + sizeof(*nlerr));
	int len = (int)nlh->nlmsg_len;

	(void)nla;
	req->err = nlerr->error < 0 ? nlerr->error : -EIO;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += NLMSG_ALIGN(nlerr->msg.nlmsg_len - sizeof(*nlh));
	if (len <= ack_len)
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + ack_len),
		      len - ack_len, NULL) < 0)
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(req->msg, tb[NLMSGERR_ATTR_MSG], sizeof(req->msg));
	return NL_STOP;
}

static int cs_nl_done(struct nl_msg *msg, void *arg)
{
	struct cs_req *req = arg;

	(void)msg;
	req->err = 0;
	return NL_STOP;
}

static int cs_nl_valid(struct nl_msg *msg, void *arg)
{
	struct cs_req *req = arg;
	int ret;

	/* Read on to the ack even after a bad message: keep the socket sane. */
	if (req->parse && !req->parse_err) {
		ret = req->parse(req->e, nlmsg_hdr(msg), req->arg);
		if (ret < 0)
			req->parse_err = ret;
	}
	return NL_OK;
}

/* Whether the family still exists, under its old id. */
static bool cs_family_present(struct cs_kernel *k)
{
	return genl_ctrl_resolve(k->sk, CPUSTRESS_GENL_NAME) == k->family;
}

/*
 * Turn a failed request into the sentence the user sees: the common causes
 * get their fix; anything else gets the kernel's own words.
 */
static int cs_request_fail(struct cs_engine *e, const char *what,
			   const struct cs_req *req, int err)
{
	struct cs_kernel *k = e->priv;

	if (err == -EPERM) {
		snprintf(e->err, sizeof(e->err), "%s", msg_eperm);
	} else if ((err == -ENOENT || err == -EOPNOTSUPP) && !req->msg[0] &&
		   !cs_family_present(k)) {
		snprintf(e->err, sizeof(e->err), "%s", msg_unloaded);
		err = -ENODEV;
	} else if (req->msg[0]) {
		snprintf(e->err, sizeof(e->err), "%s: %s", what, req->msg);
	} else {
		snprintf(e->err, sizeof(e->err), "%s: %s", what,
			 strerror(-err));
	}
	return err;
}

/**
 * cs_kernel_request() - send one request, read every reply up to its ack
 * @e: the engine
 * @cmd: CPUSTRESS_CMD_*
 * @flags: 0 or NLM_F_DUMP
 * @put: adds the request's attributes, or NULL
 * @put_arg: its argument
 * @parse: called for each reply message, or NULL
 * @arg: its argument
 * @what: names the request in error messages
 *
 * Return: 0 or a negative errno, with the message in e->err.
 */
int cs_kernel_request(struct cs_engine *e, uint8_t cmd, int flags,
		      int (*put)(struct nl_msg *msg, const void *put_arg),
		      const void *put_arg, cs_parse_fn parse, void *arg,
		      const char *what)
{
	struct cs_kernel *k = e->priv;
	struct cs_req req = { .e = e, .parse = parse, .arg = arg };
	struct nl_msg *msg;
	struct nl_cb *cb;
	int ret;

	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb) {
		ret = -ENOMEM;
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, k->family, 0,
			 flags | NLM_F_ACK, cmd, CPUSTRESS_GENL_VERSION) ||
	    (put && put(msg, put_arg) < 0)) {
		ret = -EMSGSIZE;
		goto out;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, cs_nl_error, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, cs_nl_done, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, cs_nl_done, &req);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, cs_nl_valid, &req);

	ret = nl_send_auto(k->sk, msg);
	if (ret < 0)
		goto out_nl;
	req.err = 1;
	while (req.err > 0) {
		ret = nl_recvmsgs(k->sk, cb);
		if (ret < 0 && req.err > 0)
			goto out_nl;
	}
	ret = req.err ? cs_request_fail(e, what, &req, req.err) : req.parse_err;
	goto out;
out_nl:
	snprintf(e->err, sizeof(e->err), "%s: netlink: %s", what,
		 nl_geterror(ret));
	ret = nl_to_errno(ret);
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return ret;
}

/* A socket for requests: extended acks on, the echoed request capped. */
static int cs_socket_open(struct nl_sock **skp, char *err, size_t errlen)
{
	struct nl_sock *sk;
	int one = 1, ret;

	sk = nl_socket_alloc();
	if (!sk) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = genl_connect(sk);
	if (ret < 0) {
		snprintf(err, errlen, "netlink: cannot open a socket: %s",
			 nl_geterror(ret));
		nl_socket_free(sk);
		return nl_to_errno(ret);
	}
	/*
	 * libnl 3.7 has no nl_socket_set_ext_ack(): set the options directly.
	 * Old kernels lack them; errors then come without the text.
	 */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	*skp = sk;
	return 0;
}

/* The family's version, from the controller's list of families. */
static int cs_family_version(struct nl_sock *sk, int *version)
{
	struct nl_cache *cache;
	struct genl_family *fam;
	int ret;

	ret = genl_ctrl_alloc_cache(sk, &cache);
	if (ret < 0)
		return ret;
	fam = genl_ctrl_search_by_name(cache, CPUSTRESS_GENL_NAME);
	if (fam) {
		*version = genl_family_get_version(fam);
		genl_family_put(fam);
	}
	nl_cache_free(cache);
	return fam ? 0 : -NLE_OBJ_NOTFOUND;
}

/* Find the family and refuse one this CLI was not built for. */
static int cs_family_check(struct cs_kernel *k, char *err, size_t errlen)
{
	int ret, version = 0;

	ret = genl_ctrl_resolve(k->sk, CPUSTRESS_GENL_NAME);
	if (ret == -NLE_OBJ_NOTFOUND) {
		cs_kernel_why_not_loaded(err, errlen);
		return -ENOENT;
	}
	if (ret < 0) {
		snprintf(err, errlen, "netlink: cannot look up family %s: %s",
			 CPUSTRESS_GENL_NAME, nl_geterror(ret));
		return nl_to_errno(ret);
	}
	k->family = ret;
	ret = cs_family_version(k->sk, &version);
	if (ret < 0) {
		snprintf(err, errlen, "netlink: cannot read the version of family %s: %s",
			 CPUSTRESS_GENL_NAME, nl_geterror(ret));
		return nl_to_errno(ret);
	}
	if (version != CPUSTRESS_GENL_VERSION) {
		snprintf(err, errlen,
			 "family version mismatch: module v%d, CLI v%d: rebuild both",
			 version, CPUSTRESS_GENL_VERSION);
		return -EPROTO;
	}
	return 0;
}

/* --- the samples socket ------------------------------------------------- */

/* Every message on the samples socket: a SAMPLE, or the controller's news. */
static int cs_mc_valid(struct nl_msg *msg, void *arg)
{
	struct cs_kernel *k = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int ret;

	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		if (cs_ctrl_family_deleted(nlh, k->family))
			k->mc_gone = true;
		return NL_OK;
	}
	if (nlh->nlmsg_type != k->family ||
	    genlmsg_hdr(nlh)->cmd != CPUSTRESS_CMD_SAMPLE)
		return NL_OK;
	ret = cs_parse_sample(k, nlh);
	if (ret < 0) {
		k->mc_err = ret;
		return NL_OK;
	}
	k->last_event_ms = cs_now_ms();
	if (k->sample->dt_ns)
		k->interval_ms = (uint32_t)(k->sample->dt_ns / 1000000);
	k->mc_got++;
	if (k->mc_cb)
		k->mc_cb(k->sample, k->mc_arg);
	return NL_OK;
}

/*
 * Join "samples", and the controller's "notify" group too: it announces
 * an unload at once, where the alive check would take two intervals.
 */
static int cs_mc_open(struct cs_engine *e)
{
	struct cs_kernel *k = e->priv;
	int grp, ctrl_grp, ret;

	grp = genl_ctrl_resolve_grp(k->sk, CPUSTRESS_GENL_NAME,
				    CPUSTRESS_MCGRP_SAMPLES);
	if (grp < 0) {
		if (!cs_family_present(k)) {
			snprintf(e->err, sizeof(e->err), "%s", msg_unloaded);
			return -ENODEV;
		}
		snprintf(e->err, sizeof(e->err),
			 "netlink: no multicast group '%s': %s",
			 CPUSTRESS_MCGRP_SAMPLES, nl_geterror(grp));
		return nl_to_errno(grp);
	}
	ctrl_grp = genl_ctrl_resolve_grp(k->sk, "nlctrl", "notify");
	ret = cs_socket_open(&k->mc, e->err, sizeof(e->err));
	if (ret < 0)
		return ret;
	nl_socket_disable_seq_check(k->mc);
	nl_socket_modify_cb(k->mc, NL_CB_VALID, NL_CB_CUSTOM, cs_mc_valid, k);
	ret = nl_socket_add_membership(k->mc, grp);
	if (ret >= 0 && ctrl_grp >= 0)
		ret = nl_socket_add_membership(k->mc, ctrl_grp);
	if (ret >= 0)
		ret = nl_socket_set_nonblocking(k->mc);
	if (ret < 0) {
		snprintf(e->err, sizeof(e->err),
			 "netlink: cannot join group '%s': %s",
			 CPUSTRESS_MCGRP_SAMPLES, nl_geterror(ret));
		nl_socket_free(k->mc);
		k->mc = NULL;
		return nl_to_errno(ret);
	}
	k->last_event_ms = cs_now_ms();
	return 0;
}

/* Read what is queued on the samples socket. */
static int cs_mc_read(struct cs_engine *e)
{
	struct cs_kernel *k = e->priv;
	int ret;

	ret = nl_recvmsgs_default(k->mc);
	/* An overrun (ENOBUFS) only means lost samples: the next one comes. */
	if (ret < 0 && ret != -NLE_AGAIN && ret != -NLE_NOMEM) {
		snprintf(e->err, sizeof(e->err), "netlink: samples: %s",
			 nl_geterror(ret));
		return nl_to_errno(ret);
	}
	if (k->mc_gone) {
		snprintf(e->err, sizeof(e->err), "%s", msg_unloaded);
		return -ENODEV;
	}
	if (k->mc_err) {
		ret = k->mc_err;
		k->mc_err = 0;
		return ret;
	}
	return 0;
}

/* After two quiet intervals: is the module still there? */
static int cs_mc_check_alive(struct cs_engine *e, uint64_t now)
{
	struct cs_kernel *k = e->priv;
	struct cs_status *st;
	uint64_t quiet = 2ULL * (k->interval_ms ? k->interval_ms : 1000);
	int ret;

	if (now - k->last_event_ms < quiet ||
	    now - k->last_check_ms < CS_ALIVE_CHECK_MS)
		return 0;
	k->last_check_ms = now;
	st = malloc(sizeof(*st));
	if (!st)
		return 0;
	ret = e->ops->status(e, st);
	free(st);
	return ret == -ENODEV ? ret : 0;
}

static int cs_kernel_next_sample(struct cs_engine *e, int timeout_ms,
				 void (*cb)(const struct cs_sample *s,
					    void *arg),
				 void *arg)
{
	struct cs_kernel *k = e->priv;
	uint64_t now, deadline;
	struct pollfd pfd;
	int ret, slice;

	if (!k->mc) {
		ret = cs_mc_open(e);
		if (ret < 0)
			return ret;
	}
	k->mc_cb = cb;
	k->mc_arg = arg;
	k->mc_got = 0;
	now = cs_now_ms();
	deadline = now + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
	for (;;) {
		slice = (int)(deadline - now);
		if (slice > CS_ALIVE_CHECK_MS)
			slice = CS_ALIVE_CHECK_MS;
		pfd.fd = nl_socket_get_fd(k->mc);
		pfd.events = POLLIN;
		ret = poll(&pfd, 1, slice);
		if (ret < 0 && errno == EINTR)
			return -EINTR;
		if (ret > 0) {
			ret = cs_mc_read(e);
			if (ret < 0)
				return ret;
			if (k->mc_got)
				return 1;
		}
		now = cs_now_ms();
		ret = cs_mc_check_alive(e, now);
		if (ret < 0)
			return ret;
		if (now >= deadline)
			return 0;
	}
}

/* --- the operations ----------------------------------------------------- */

static int cs_kernel_status(struct cs_engine *e, struct cs_status *st)
{
	struct cs_kernel *k = e->priv;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = cs_kernel_request(e, CPUSTRESS_CMD_GET, 0, NULL, NULL,
				cs_parse_status, st, "status");
	if (!ret && st->interval_ms)
		k->interval_ms = st->interval_ms;
	return ret;
}

static int cs_kernel_set(struct cs_engine *e, const struct cs_settings *s)
{
	return cs_kernel_request(e, CPUSTRESS_CMD_SET, 0, cs_put_settings, s,
				 NULL, NULL, "set");
}

static int cs_kernel_start(struct cs_engine *e, const struct cs_settings *s)
{
	return cs_kernel_request(e, CPUSTRESS_CMD_START, 0, cs_put_settings, s,
				 NULL, NULL, "start");
}

static int cs_kernel_stop(struct cs_engine *e)
{
	return cs_kernel_request(e, CPUSTRESS_CMD_STOP, 0, NULL, NULL,
				 NULL, NULL, "stop");
}

static int cs_kernel_reset_stats(struct cs_engine *e)
{
	return cs_kernel_request(e, CPUSTRESS_CMD_RESET_STATS, 0, NULL, NULL,
				 NULL, NULL, "reset stats");
}

static int cs_kernel_snapshot(struct cs_engine *e, struct cs_snapshot *snap)
{
	int ret;

	snap->ncpus = 0;
	ret = cs_kernel_request(e, CPUSTRESS_CMD_GET_STATS, NLM_F_DUMP,
				NULL, NULL, cs_parse_stats, snap, "stats");
	if (!ret)
		cs_snapshot_sort(snap);
	return ret;
}

static void cs_kernel_free(struct cs_kernel *k)
{
	if (k->mc)
		nl_socket_free(k->mc);
	if (k->sk)
		nl_socket_free(k->sk);
	free(k->sample);
	free(k);
}

/* Closing the request socket ends an owned run: that is the point. */
static void cs_kernel_close(struct cs_engine *e)
{
	cs_kernel_free(e->priv);
	free(e);
}

static const struct cs_engine_ops cs_kernel_ops = {
	.name = "kernel",
	.status = cs_kernel_status,
	.set = cs_kernel_set,
	.start = cs_kernel_start,
	.stop = cs_kernel_stop,
	.reset_stats = cs_kernel_reset_stats,
	.snapshot = cs_kernel_snapshot,
	.next_sample = cs_kernel_next_sample,
	.close = cs_kernel_close,
};

int cs_engine_open_kernel(struct cs_engine **ep, char *err, size_t errlen)
{
	struct cs_engine *e;
	struct cs_kernel *k;
	int ret;

	e = calloc(1, sizeof(*e));
	k = calloc(1, sizeof(*k));
	if (!e || !k) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto fail;
	}
	e->ops = &cs_kernel_ops;
	e->priv = k;
	k->e = e;
	ret = cs_socket_open(&k->sk, err, errlen);
	if (ret < 0)
		goto fail;
	ret = cs_family_check(k, err, errlen);
	if (ret < 0)
		goto fail;
	*ep = e;
	return 0;
fail:
	if (k)
		cs_kernel_free(k);
	free(e);
	return ret;
}
