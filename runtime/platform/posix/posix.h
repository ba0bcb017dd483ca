/* Runtime-internal: the POSIX functions behind asl_platform_default() (platform.c). */
#ifndef ASL_POSIX_H
#define ASL_POSIX_H

#include "asl/platform.h"
#include "asl/platform_core.h"

int64_t asl__posix_now_ms(void);
void asl__posix_sleep_ms(int64_t ms);
int asl__posix_random(void *buf, size_t len);

/* pool.c: POSIX threads */
int asl__posix_cpu_count(void);
asl_pool *asl__posix_pool_new(int threads);
void asl__posix_pool_free(asl_pool *pool);
void asl__posix_pool_run(asl_pool *pool, asl_job_fn fn, void *const *args, size_t n,
			 int max_concurrency);
asl_lock *asl__posix_lock_new(void);
void asl__posix_lock_free(asl_lock *lock);
void asl__posix_lock(asl_lock *lock);
void asl__posix_unlock(asl_lock *lock);

#endif
