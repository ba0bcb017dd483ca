/* The bare-metal platform (runtime/platform/baremetal): what a firmware gives the runtime when
 * there is no OS. Time and randomness come from the host's callbacks, memory from a buffer the
 * host owns (no malloc), and nothing sleeps or starts a thread: the firmware runs an execution
 * with the step API (asl/asl.h: asl_start, then asl_advance from its main loop; a Wait returns
 * ASL_STEP_WAIT_TIME with the time it ends, by the clock below). */
#ifndef ASL_BAREMETAL_H
#define ASL_BAREMETAL_H

#include <stddef.h>
#include <stdint.h>

#include "asl/json.h"
#include "asl/platform_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the board supplies. Either function may be NULL: no clock (the time is then always 0,
 * the epoch) or no randomness (States.UUID and States.MathRandom fail cleanly). */
typedef struct asl_baremetal_host {
	int64_t (*now_ms)(void *user); /* ms since the Unix epoch (or since boot, if that is all) */
	int (*random_bytes)(void *user, void *buf, size_t len); /* 0, or -1 when it has none */
	void *user;
} asl_baremetal_host;

/* Fills `platform` for asl_options.platform: asl_platform_default() (on a device, platform/none:
 * one thread, no sleeping) with the clock and randomness of `host` (borrowed: it must outlive
 * every execution that uses the platform). */
void asl_baremetal_platform(asl_platform *platform, const asl_baremetal_host *host);

/* An allocator over a buffer of the host's (first fit, freed blocks merged with their
 * neighbours), for asl_options.allocator (&a->allocator). One thread at a time, which is all the
 * bare-metal platform has. It keeps the high-water mark: `top` is the most of the buffer ever
 * in use from its start (the caller's start: an unaligned one skipped counts), that is the
 * smallest buffer at the same address the same run would have fitted in (first fit places
 * every block the same in any buffer at least that large). Declare the buffer
 * _Alignas(max_align_t) so that nothing is skipped. */
typedef struct asl_buffer_allocator {
	asl_allocator allocator; /* alloc/release/user, with user = this */
	unsigned char *base; /* the buffer, aligned to max_align_t */
	size_t size;
	size_t skipped; /* bytes of the caller's buffer before base (to align it) */
	void *free_list; /* free blocks in address order */
	size_t in_use; /* bytes of the buffer held now, block headers included */
	size_t peak; /* the most in_use ever was */
	size_t top; /* the high-water mark: the end of the highest block ever handed out */
} asl_buffer_allocator;

/* `buf` of `size` bytes (borrowed for the allocator's life); an unaligned start is skipped. */
void asl_buffer_allocator_init(asl_buffer_allocator *a, void *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
