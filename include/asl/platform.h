/* The platform layer: everything OS-specific the runtime core needs. One implementation per
 * platform (runtime/platform_posix.c here); the core itself uses only the C library. */
#ifndef ASL_PLATFORM_H
#define ASL_PLATFORM_H

#include <stdint.h>

/* Wall-clock time in milliseconds since the Unix epoch. */
int64_t asl_platform_now_ms(void);
/* Sleeps for `ms` milliseconds (returns early only on error). */
void asl_platform_sleep_ms(int64_t ms);

#endif
