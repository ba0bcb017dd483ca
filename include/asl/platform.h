/* The platform layer: everything OS-specific the runtime core needs. One implementation per
 * platform (runtime/platform_posix.c here); the core itself uses only the C library. */
#ifndef ASL_PLATFORM_H
#define ASL_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* Wall-clock time in milliseconds since the Unix epoch. */
int64_t asl_platform_now_ms(void);
/* Sleeps for `ms` milliseconds (returns early only on error). */
void asl_platform_sleep_ms(int64_t ms);

/* Fills `buf` with cryptographically strong random bytes; 0, or -1 on failure. */
int asl_platform_random(void *buf, size_t len);

#endif
