/* POSIX: SIGINT and SIGTERM turned into a call of the host's stop function on a thread of their
 * own (see asl_platform_stop_signals_catch in asl/platform.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "asl/platform.h"

/* A signal handler reaches nothing but static storage, and dispositions are the process's, so
 * this state is too (one command line runs at a time). The handler records the signal and
 * writes a byte to a pipe (both async-signal-safe); the watcher thread reads it and calls the
 * stop function, which need not be async-signal-safe. The flag is a lock-free atomic, which
 * C11 allows in handlers, because other threads read it. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the signal flag must be lock-free");
static atomic_int caught;
static int wake[2] = {-1, -1}; /* the pipe: the handler writes 1, restore writes 0 */
static pthread_t watcher;
static void (*stop_fn)(void *ctx);
static void *stop_ctx;
static struct sigaction old_int, old_term;
static int have_int, have_term; /* a handler was installed (not when the signal is ignored) */

static void on_signal(int sig)
{
	/* SA_RESETHAND has already put back this signal's default action; the other one gets
	 * its default too: after a stop, SIGINT or SIGTERM again (a supervisor's SIGTERM after a
	 * Ctrl-C) ends the process */
	int none = 0, saved = errno;
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	if (have_int && sig != SIGINT)
		sigaction(SIGINT, &dfl, NULL);
	if (have_term && sig != SIGTERM)
		sigaction(SIGTERM, &dfl, NULL);
	if (atomic_compare_exchange_strong(&caught, &none, sig)) {
		const char one = 1;
		ssize_t n = write(wake[1], &one, 1); /* the only byte before restore's: it fits */
		(void)n;
	}
	errno = saved;
}

static void *watch(void *arg)
{
	(void)arg;
	for (;;) {
		char c;
		ssize_t n = read(wake[0], &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == 0)
			return NULL;
		stop_fn(stop_ctx);
	}
}

/* Installs the handler unless the signal is ignored: a program started with it ignored (nohup,
 * a background job of a non-interactive shell) must keep ignoring it. */
static int catch (int sig, struct sigaction *old)
{
	if (sigaction(sig, NULL, old) < 0 || old->sa_handler == SIG_IGN)
		return 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a blocking poll or sleep returns early */
	sa.sa_flags = SA_RESETHAND;
	return sigaction(sig, &sa, NULL) == 0;
}

static void close_pipe(void)
{
	for (int i = 0; i < 2; i++) {
		if (wake[i] >= 0)
			close(wake[i]);
		wake[i] = -1;
	}
}

int asl_platform_stop_signals_catch(void (*stop)(void *ctx), void *ctx)
{
	atomic_store(&caught, 0);
	if (pipe(wake) < 0)
		return -1;
	/* commands the execution starts must not inherit the pipe; the handler never blocks */
	for (int i = 0; i < 2; i++)
		fcntl(wake[i], F_SETFD, FD_CLOEXEC);
	fcntl(wake[1], F_SETFL, O_NONBLOCK);
	stop_fn = stop;
	stop_ctx = ctx;
	if (pthread_create(&watcher, NULL, watch, NULL) != 0) {
		close_pipe();
		return -1;
	}
	have_int = catch (SIGINT, &old_int);
	have_term = catch (SIGTERM, &old_term);
	return 0;
}

void asl_platform_stop_signals_restore(void)
{
	if (have_int)
		sigaction(SIGINT, &old_int, NULL);
	if (have_term)
		sigaction(SIGTERM, &old_term, NULL);
	have_int = have_term = 0;
	const char zero = 0; /* after a signal's byte, if one came: that stop is called first */
	while (write(wake[1], &zero, 1) < 0 && (errno == EINTR || errno == EAGAIN))
		;
	pthread_join(watcher, NULL);
	close_pipe();
}

const char *asl_platform_stop_signal(void)
{
	int sig = atomic_load(&caught);
	if (!sig)
		return NULL;
	return sig == SIGINT ? "SIGINT" : "SIGTERM";
}
