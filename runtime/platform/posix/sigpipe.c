/* POSIX: SIGPIPE blocked in one thread around writes (see platform_sigpipe.h). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "sigpipe.h"

static void pipe_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGPIPE);
}

void asl__sigpipe_block(asl_sigpipe_guard *g)
{
	sigset_t set, pending;
	pipe_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
	sigpending(&pending);
	g->was_pending = sigismember(&pending, SIGPIPE) == 1;
}

void asl__sigpipe_restore(asl_sigpipe_guard *g)
{
	sigset_t set, pending;
	pipe_set(&set);
	sigpending(&pending);
	if (!g->was_pending && sigismember(&pending, SIGPIPE) == 1) {
		const struct timespec zero = {0, 0};
		int saved = errno; /* the caller still reads the failed write's EPIPE */
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
		errno = saved;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}
