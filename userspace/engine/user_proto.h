/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The shared user engine: one engine process per host (or per user, see
 * up_sock_path()) owns the in-process user engine of engine/user.c and
 * answers the cs_engine_ops over a Unix socket, so that every command with
 * --engine user sees one run, as every command sees the module's.
 *
 *   engine/user_proto.c   messages, their checks, the socket's home
 *   engine/user_daemon.c  the engine process (cpustress engine-daemon)
 *   engine/user_client.c  the cs_engine_ops the CLI opens for --engine user
 *
 * The socket is SOCK_SEQPACKET: a message arrives whole or not at all, and
 * one longer than its fixed size shows as truncated. A request is one
 * struct up_req; its answer one struct up_rep, then rep.nchunks messages
 * struct up_chunk with the CPUs of a snapshot or a sample, UP_CHUNK_CPUS
 * at most in each.
 */
#ifndef CPUSTRESS_ENGINE_USER_PROTO_H
#define CPUSTRESS_ENGINE_USER_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/engine.h"

#define UP_MAGIC		0x43535545u	/* "CSUE" */
#define UP_VERSION		1u

/* The environment variable that moves the socket (tests, several users). */
#define UP_SOCK_ENV		"CPUSTRESS_USER_SOCK"
/* The socket of the host's engine process, started by root. */
#define UP_SOCK_HOST		"/run/cpustress/user.sock"
#define UP_SOCK_NAME		"user.sock"
#define UP_PATH_MAX		108		/* sun_path */

/* Engine-process limits: clients at once, the longest wait for a sample. */
#define UP_CLIENTS_MAX		32
#define UP_WAIT_MAX_MS		10000
/* A reply not taken within this long ends the client's connection. */
#define UP_SEND_TIMEOUT_MS	2000
/*
 * How long a client waits for an answer beyond the request's own wait: long
 * enough for an engine process starved by a busy host, since giving up
 * closes the connection, and with it the run the client owns.
 */
#define UP_REPLY_TIMEOUT_MS	30000
/* The engine process a start or set spawns ends after this long idle. */
#define UP_IDLE_EXIT_S		60

#define UP_CHUNK_CPUS		64

enum up_op {
	UP_STATUS = 1,
	UP_SET,
	UP_START,
	UP_STOP,
	UP_RESET_STATS,
	UP_SNAPSHOT,
	UP_NEXT_SAMPLE,
	UP_OP_END,
};

#define UP_F_CPUS	0x1u	/* cpus[] is set */
#define UP_F_OWNED	0x2u	/* start: the run belongs to this connection */

struct up_req {
	uint32_t magic;
	uint32_t version;
	uint32_t op;
	uint32_t flags;
	uint32_t busy_pct;
	uint32_t period_ms;
	uint32_t interval_ms;
	uint32_t time_limit_ms;
	int32_t timeout_ms;		/* next_sample */
	char cpus[CS_CPULIST_MAX];
};

struct up_rep {
	uint32_t magic;
	uint32_t op;
	int32_t ret;			/* 0, 1 (a sample) or a negative errno */
	uint32_t nchunks;		/* struct up_chunk messages that follow */
	char err[CS_ERR_MAX];
	union {
		struct cs_status st;
		struct {
			uint64_t ts_ns;
			uint64_t window_id;
			uint64_t window_start_ns;
			uint32_t ncpus;
		} snap;
		struct {
			uint64_t seq;
			uint64_t ts_ns;
			uint64_t dt_ns;
			uint64_t ops_per_sec;
			uint32_t ncpus;
		} smp;
	} u;
};

struct up_chunk {
	uint32_t magic;
	uint32_t n;
	struct cs_cpu_snap cpu[UP_CHUNK_CPUS];
};

/* Settings to a request and back. */
void up_req_init(struct up_req *r, enum up_op op);
int up_req_settings(struct up_req *r, const struct cs_settings *s);
void up_req_to_settings(const struct up_req *r, struct cs_settings *s);

/*
 * Check a request received as @n bytes (@trunc: longer than the buffer):
 * 0, or -EBADMSG with a sentence in @err.
 */
int up_req_check(const struct up_req *r, size_t n, int trunc,
		 char *err, size_t errlen);

/* Chunks needed for @ncpus CPUs. */
static inline uint32_t up_nchunks(uint32_t ncpus)
{
	return (ncpus + UP_CHUNK_CPUS - 1) / UP_CHUNK_CPUS;
}

/* Whether op changes the engine (root or the socket's group only). */
int up_op_changes(uint32_t op);

/**
 * up_sock_path() - where the engine process listens
 *
 * $CPUSTRESS_USER_SOCK if set; else UP_SOCK_HOST for root, and for others
 * too when the host's engine process runs; else a socket of the user's
 * own: $XDG_RUNTIME_DIR/cpustress/user.sock, or /tmp/cpustress-UID/.
 *
 * Return: 0, or -ENAMETOOLONG with a sentence in @err.
 */
int up_sock_path(char *buf, size_t len, char *err, size_t errlen);

/*
 * Check the directory of @sock: a real directory (no symlink) owned by
 * root or @uid, writable by its owner only. 0, or a negative errno and a
 * sentence in @err.
 */
int up_dir_check(const char *sock, uid_t uid, char *err, size_t errlen);

/* Send all of a message; 0 or a negative errno. */
int up_send(int fd, const void *msg, size_t len);

/* engine/user_daemon.c */
struct up_daemon_opts {
	const char *sock;		/* NULL: up_sock_path() */
	const char *group;		/* NULL: the process's group */
	int background;			/* detach once listening */
	uint32_t idle_exit_s;		/* 0 = never */
};

int up_daemon_main(const struct up_daemon_opts *o);

#endif /* CPUSTRESS_ENGINE_USER_PROTO_H */
