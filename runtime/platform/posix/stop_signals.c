/* POSIX: SIGINT and SIGTERM turned into a stop request of the running execution (see
 * asl_platform_stop_signals_catch in asl/platform.h). */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include "asl/platform.h"

/* A signal handler reaches nothing but static storage, and dispositions are the process's, so
 * this state is too (one command line runs at a time). The flag is an atomic rather than a
 * volatile sig_atomic_t because should_stop reads it on the pool's threads as well; C11
 * allows lock-free atomics in handlers. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the signal flag must be lock-free");
static atomic_int caught;
static struct sigaction old_int, old_term;
static int have_int, have_term; /* a handler was installed (not when the signal is ignored) */

static void on_signal(int sig)
{
	/* SA_RESETHAND has already put back the default action for the next one */
	int none = 0;
	atomic_compare_exchange_strong(&caught, &none, sig);
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
	/* no SA_RESTART: a blocking poll or sleep returns early to look at the flag */
	sa.sa_flags = SA_RESETHAND;
	return sigaction(sig, &sa, NULL) == 0;
}

void asl_platform_stop_signals_catch(void)
{
	atomic_store(&caught, 0);
	have_int = catch (SIGINT, &old_int);
	have_term = catch (SIGTERM, &old_term);
}

void asl_platform_stop_signals_restore(void)
{
	if (have_int)
		sigaction(SIGINT, &old_int, NULL);
	if (have_term)
		sigaction(SIGTERM, &old_term, NULL);
	have_int = have_term = 0;
}

const char *asl_platform_stop_signal(void)
{
	int sig = atomic_load_explicit(&caught, memory_order_relaxed);
	if (!sig)
		return NULL;
	return sig == SIGINT ? "SIGINT" : "SIGTERM";
}
