/* Writing to pipes and sockets without SIGPIPE while leaving the signal's disposition alone:
 * it belongs to the program embedding the runtime. The signal is blocked in the calling thread
 * (where a failed write raises it) for the duration, and one raised meanwhile is consumed. */
#ifndef ASL_POSIX_SIGPIPE_H
#define ASL_POSIX_SIGPIPE_H

#include <signal.h>

typedef struct asl_sigpipe_guard {
	sigset_t old; /* the thread's signal mask before */
	int was_pending; /* a SIGPIPE already pending is not ours to consume */
} asl_sigpipe_guard;

void asl__sigpipe_block(asl_sigpipe_guard *g);
void asl__sigpipe_restore(asl_sigpipe_guard *g);

#endif
