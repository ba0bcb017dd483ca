/* What the runtime core needs from the system it runs on: a clock, sleeping, randomness and
 * threads. The core calls them only through an asl_platform table, so a host can supply its own
 * (asl_options.platform: a fake clock for tests, a thread pool shared by many executions, an
 * RTOS's primitives) and the core itself stays free of OS headers. */
#ifndef ASL_PLATFORM_CORE_H
#define ASL_PLATFORM_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "asl/json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A pool runs batches of jobs on its threads (the caller's included). */
typedef struct asl_pool asl_pool;
typedef struct asl_lock asl_lock;
typedef void (*asl_job_fn)(void *arg);

/* Every function gets `user` first. Parallel and Map call the pool and lock functions from
 * several threads at once; the others may be called from any of them too. */
typedef struct asl_platform {
	void *user;
	/* Wall-clock time in milliseconds since the Unix epoch. */
	int64_t (*now_ms)(void *user);
	/* Sleeps for `ms` milliseconds (may return early; Wait states then simply end sooner). */
	void (*sleep_ms)(void *user, int64_t ms);
	/* Fills `buf` with cryptographically strong random bytes; 0, or -1 when there are none
	 * (States.UUID and States.MathRandom then fail with States.IntrinsicFailure). */
	int (*random)(void *user, void *buf, size_t len);
	/* The number of threads asl_options.threads 0 means. */
	int (*cpu_count)(void *user);
	/* A pool of `threads` threads (the caller included); NULL when out of memory. */
	asl_pool *(*pool_new)(void *user, int threads);
	void (*pool_free)(void *user, asl_pool *pool);
	/* Runs fn(args[0]) .. fn(args[n - 1]), at most `max_concurrency` at a time (0: no limit),
	 * and returns when all ran; the calling thread runs jobs meanwhile, so a job may itself
	 * call pool_run on the same pool (a Map inside a Parallel branch) without deadlock. A
	 * platform without threads runs them in a loop. */
	void (*pool_run)(void *user, asl_pool *pool, asl_job_fn fn, void *const *args, size_t n,
			 int max_concurrency);
	/* A mutual-exclusion lock; NULL when out of memory. */
	asl_lock *(*lock_new)(void *user);
	void (*lock_free)(void *user, asl_lock *lock);
	void (*lock)(void *user, asl_lock *lock);
	void (*unlock)(void *user, asl_lock *lock);
} asl_platform;

/* The platform the runtime was built with (runtime/platform/posix, or runtime/platform/none on
 * a system without an OS): what an execution uses when asl_options.platform is NULL. A host
 * that replaces a few functions copies it and changes those. */
const asl_platform *asl_platform_default(void);

#ifdef __cplusplus
}
#endif
#endif
