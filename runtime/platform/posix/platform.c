/* The POSIX platform as the table the core calls (asl_platform_default), and the C library's
 * malloc/free as the default allocator. */
#include <stdlib.h>

#include "posix.h"

static int64_t now_ms(void *user)
{
	(void)user;
	return asl__posix_now_ms();
}

static void sleep_ms(void *user, int64_t ms)
{
	(void)user;
	asl__posix_sleep_ms(ms);
}

static int random_bytes(void *user, void *buf, size_t len)
{
	(void)user;
	return asl__posix_random(buf, len);
}

static int cpu_count(void *user)
{
	(void)user;
	return asl__posix_cpu_count();
}

static asl_pool *pool_new(void *user, int threads)
{
	(void)user;
	return asl__posix_pool_new(threads);
}

static void pool_free(void *user, asl_pool *pool)
{
	(void)user;
	asl__posix_pool_free(pool);
}

static void pool_run(void *user, asl_pool *pool, asl_job_fn fn, void *const *args, size_t n,
		     int max_concurrency)
{
	(void)user;
	asl__posix_pool_run(pool, fn, args, n, max_concurrency);
}

static asl_lock *lock_new(void *user)
{
	(void)user;
	return asl__posix_lock_new();
}

static void lock_free(void *user, asl_lock *lock)
{
	(void)user;
	asl__posix_lock_free(lock);
}

static void lock(void *user, asl_lock *l)
{
	(void)user;
	asl__posix_lock(l);
}

static void unlock(void *user, asl_lock *l)
{
	(void)user;
	asl__posix_unlock(l);
}

static const asl_platform posix_platform = {
	.now_ms = now_ms,
	.sleep_ms = sleep_ms,
	.random = random_bytes,
	.cpu_count = cpu_count,
	.pool_new = pool_new,
	.pool_free = pool_free,
	.pool_run = pool_run,
	.lock_new = lock_new,
	.lock_free = lock_free,
	.lock = lock,
	.unlock = unlock,
};

const asl_platform *asl_platform_default(void)
{
	return &posix_platform;
}

static void *malloc_alloc(void *user, size_t size)
{
	(void)user;
	return malloc(size);
}

static void malloc_release(void *user, void *block)
{
	(void)user;
	free(block);
}

static const asl_allocator malloc_allocator = {malloc_alloc, malloc_release, NULL};

const asl_allocator *asl_default_allocator(void)
{
	return &malloc_allocator;
}
