/* The platform for a system without an OS: no clock (the time is 0 unless the host supplies a
 * now_ms), no sleeping (a Wait ends at once), no randomness (States.UUID and States.MathRandom
 * fail cleanly), one thread (a pool runs its jobs in a loop; locks do nothing), and no heap (the
 * host gives every execution its allocator, asl_options.allocator). A host with a clock, an RNG
 * or threads copies asl_platform_default() and replaces those functions. services.c: no
 * bindings but C handlers. */
#include "asl/platform_core.h"

/* Non-NULL handles: a pool and a lock need no state on one thread. */
static char single_thread;

static int64_t now_ms(void *user)
{
	(void)user;
	return 0;
}

static void sleep_ms(void *user, int64_t ms)
{
	(void)user, (void)ms;
}

static int random_bytes(void *user, void *buf, size_t len)
{
	(void)user, (void)buf, (void)len;
	return -1;
}

static int cpu_count(void *user)
{
	(void)user;
	return 1;
}

static asl_pool *pool_new(void *user, int threads)
{
	(void)user, (void)threads;
	return (asl_pool *)&single_thread;
}

static void pool_free(void *user, asl_pool *pool)
{
	(void)user, (void)pool;
}

/* One after another: at most one runs at a time, within any max_concurrency. */
static void pool_run(void *user, asl_pool *pool, asl_job_fn fn, void *const *args, size_t n,
		     int max_concurrency)
{
	(void)user, (void)pool, (void)max_concurrency;
	for (size_t i = 0; i < n; i++)
		fn(args[i]);
}

static asl_lock *lock_new(void *user)
{
	(void)user;
	return (asl_lock *)&single_thread;
}

static void lock_nothing(void *user, asl_lock *lock)
{
	(void)user, (void)lock;
}

static const asl_platform none_platform = {
	.now_ms = now_ms,
	.sleep_ms = sleep_ms,
	.random = random_bytes,
	.cpu_count = cpu_count,
	.pool_new = pool_new,
	.pool_free = pool_free,
	.pool_run = pool_run,
	.lock_new = lock_new,
	.lock_free = lock_nothing,
	.lock = lock_nothing,
	.unlock = lock_nothing,
};

const asl_platform *asl_platform_default(void)
{
	return &none_platform;
}

/* No heap: every allocation fails, so an execution without the host's allocator ends with
 * States.Runtime "The execution ran out of memory." rather than touching memory it lacks. */
static void *no_alloc(void *user, size_t size)
{
	(void)user, (void)size;
	return NULL;
}

static void no_release(void *user, void *block)
{
	(void)user, (void)block;
}

static const asl_allocator no_allocator = {no_alloc, no_release, NULL};

const asl_allocator *asl_default_allocator(void)
{
	return &no_allocator;
}
