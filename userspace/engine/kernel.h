/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Internals of the kernel engine, shared by engine/kernel.c (sockets,
 * requests, events) and engine/kernel_parse.c (attributes in and out).
 */
#ifndef CPUSTRESS_ENGINE_KERNEL_H
#define CPUSTRESS_ENGINE_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/msg.h>

#include "engine/engine.h"

/**
 * struct cs_kernel - the kernel engine's state
 * @sk: requests; an owned run is tied to it
 * @mc: the samples socket, NULL until the first next_sample()
 * @family: the family's id
 * @interval_ms: newest known sampling interval
 * @last_event_ms: when the last sample arrived (monotonic ms)
 * @last_check_ms: when a quiet listener last checked the module
 * @mc_cb: the caller's callback for the sample being waited for
 * @mc_arg: its argument
 * @mc_got: samples handed to @mc_cb during this next_sample()
 * @mc_err: a sample that did not parse (the message is in the engine)
 * @mc_gone: the controller announced the family's removal
 * @e: the engine, for error messages from the samples socket
 * @sample: the sample being parsed, reused
 * @sample_cap: CPUs @sample has room for
 */
struct cs_kernel {
	struct nl_sock *sk;
	struct nl_sock *mc;
	int family;
	uint32_t interval_ms;
	uint64_t last_event_ms;
	uint64_t last_check_ms;
	void (*mc_cb)(const struct cs_sample *s, void *arg);
	void *mc_arg;
	unsigned int mc_got;
	int mc_err;
	bool mc_gone;
	struct cs_engine *e;
	struct cs_sample *sample;
	uint32_t sample_cap;
};

/* Parses one reply message; 0 or a negative errno with e->err set. */
typedef int (*cs_parse_fn)(struct cs_engine *e, struct nlmsghdr *nlh,
			   void *arg);

/**
 * struct cs_req - one request in flight
 * @e: the engine
 * @err: 1 while waiting, then 0 or the kernel's negative errno
 * @msg: the kernel's extended-ack message, if any
 * @parse: called for each reply, or NULL
 * @arg: its argument
 * @parse_err: the first error @parse returned
 */
struct cs_req {
	struct cs_engine *e;
	int err;
	char msg[256];
	cs_parse_fn parse;
	void *arg;
	int parse_err;
};

int cs_kernel_request(struct cs_engine *e, uint8_t cmd, int flags,
		      int (*put)(struct nl_msg *msg, const void *put_arg),
		      const void *put_arg, cs_parse_fn parse, void *arg,
		      const char *what);

/* engine/kernel_parse.c */
int cs_put_settings(struct nl_msg *msg, const void *settings);
int cs_parse_status(struct cs_engine *e, struct nlmsghdr *nlh, void *st);
int cs_parse_stats(struct cs_engine *e, struct nlmsghdr *nlh, void *snap);
void cs_snapshot_sort(struct cs_snapshot *snap);
int cs_parse_sample(struct cs_kernel *k, struct nlmsghdr *nlh);
bool cs_ctrl_family_deleted(struct nlmsghdr *nlh, int family);
/* engine/kernel_why.c: "module not loaded", with why on this host. */
void cs_kernel_why_not_loaded(char *err, size_t errlen);

#endif /* CPUSTRESS_ENGINE_KERNEL_H */
