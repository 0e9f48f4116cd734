// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * One engine shared by several threads: each handle made here forwards its
 * calls to the inner engine with the shared mutex held, and keeps its own
 * copy of the error message, so a thread never reads another's error.
 *
 * cpustress serve needs this: the collector thread polls status and
 * snapshots while a load test drives a sweep on its own thread, and the
 * kernel engine's owned run belongs to its one netlink socket, so both must
 * use the same inner engine.
 *
 * A call that blocks (next_sample() waiting for a sample) holds the mutex
 * for as long as it waits, and its callback runs with the mutex held (it
 * must not call the engine): callers sharing an engine keep such timeouts
 * short.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

struct cs_locked {
	struct cs_engine pub;
	struct cs_engine_ops ops;
	struct cs_engine *inner;
	pthread_mutex_t *mu;
};

static struct cs_locked *cs_lk(struct cs_engine *e)
{
	return e->priv;
}

static void cs_lk_lock(struct cs_locked *lk)
{
	pthread_mutex_lock(lk->mu);
	lk->inner->err[0] = '\0';
}

/* Unlock, after copying the inner error into the handle on failure. */
static int cs_lk_unlock(struct cs_locked *lk, int ret, const char *what)
{
	if (ret < 0) {
		if (lk->inner->err[0])
			snprintf(lk->pub.err, sizeof(lk->pub.err), "%s",
				 lk->inner->err);
		else
			snprintf(lk->pub.err, sizeof(lk->pub.err),
				 "the %s engine's %s failed: %s",
				 lk->ops.name, what, strerror(-ret));
	}
	pthread_mutex_unlock(lk->mu);
	return ret;
}

static int cs_lk_status(struct cs_engine *e, struct cs_status *st)
{
	struct cs_locked *lk = cs_lk(e);

	cs_lk_lock(lk);
	return cs_lk_unlock(lk, lk->inner->ops->status(lk->inner, st),
			    "status");
}

static int cs_lk_set(struct cs_engine *e, const struct cs_settings *s)
{
	struct cs_locked *lk = cs_lk(e);

	cs_lk_lock(lk);
	return cs_lk_unlock(lk, lk->inner->ops->set(lk->inner, s), "set");
}

static int cs_lk_start(struct cs_engine *e, const struct cs_settings *s)
{
	struct cs_locked *lk = cs_lk(e);

	cs_lk_lock(lk);
	return cs_lk_unlock(lk, lk->inner->ops->start(lk->inner, s), "start");
}

static int cs_lk_stop(struct cs_engine *e)
{
	struct cs_locked *lk = cs_lk(e);

	cs_lk_lock(lk);
	return cs_lk_unlock(lk, lk->inner->ops->stop(lk->inner), "stop");
}

static int cs_lk_reset_stats(struct cs_engine *e)
{
	struct cs_locked *lk = cs_lk(e);

	cs_lk_lock(lk);
	return cs_lk_unlock(lk, lk->inner->ops->reset_stats(lk->inner),
			    "reset_stats");
}

static int cs_lk_snapshot(struct cs_engine *e, struct cs_snapshot *snap)
{
	struct cs_locked *lk = cs_lk(e);

	cs_lk_lock(lk);
	return cs_lk_unlock(lk, lk->inner->ops->snapshot(lk->inner, snap),
			    "snapshot");
}

static int cs_lk_next_sample(struct cs_engine *e, int timeout_ms,
			     void (*cb)(const struct cs_sample *s, void *arg),
			     void *arg)
{
	struct cs_locked *lk = cs_lk(e);

	cs_lk_lock(lk);
	return cs_lk_unlock(lk, lk->inner->ops->next_sample(lk->inner,
							    timeout_ms, cb,
							    arg),
			    "next_sample");
}

/* Closing a handle leaves the inner engine open: its owner closes it. */
static void cs_lk_close(struct cs_engine *e)
{
	free(cs_lk(e));
}

int cs_engine_locked(struct cs_engine *inner, pthread_mutex_t *mu,
		     struct cs_engine **out)
{
	struct cs_locked *lk = calloc(1, sizeof(*lk));

	if (!lk)
		return -ENOMEM;
	lk->ops = (struct cs_engine_ops){
		.name = inner->ops->name,
		.status = cs_lk_status,
		.set = cs_lk_set,
		.start = cs_lk_start,
		.stop = cs_lk_stop,
		.reset_stats = cs_lk_reset_stats,
		.snapshot = cs_lk_snapshot,
		.next_sample = cs_lk_next_sample,
		.close = cs_lk_close,
	};
	lk->inner = inner;
	lk->mu = mu;
	lk->pub.ops = &lk->ops;
	lk->pub.priv = lk;
	*out = &lk->pub;
	return 0;
}
