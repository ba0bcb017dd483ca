/* The runtime's memory sizes that a small device may want smaller, in one place. Each is a
 * compile-time default that -D overrides (the runtime and the programs that include this header
 * must agree, so give the same -D to both); the arena and compaction sizes can also be set per
 * execution through asl_options (0 there: these defaults). */
#ifndef ASL_TUNING_H
#define ASL_TUNING_H

/* Arenas get memory from the allocator in chunks that start at ASL_ARENA_FIRST_CHUNK bytes and
 * double up to ASL_ARENA_MAX_CHUNK (a value larger than that gets a chunk of its own size). An
 * execution holds at least one first chunk per arena it uses (its permanent arena, two heaps,
 * the result's, and those of every running branch and iteration). */
#ifndef ASL_ARENA_FIRST_CHUNK
#define ASL_ARENA_FIRST_CHUNK 1024
#endif
#ifndef ASL_ARENA_MAX_CHUNK
#define ASL_ARENA_MAX_CHUNK (64 * 1024)
#endif

/* An execution copies its live data into its other heap (and frees the first) between states
 * once the current heap holds more than twice what was live after the last compaction, and at
 * least ASL_COMPACT_MIN bytes: smaller means less memory held, more copying. */
#ifndef ASL_COMPACT_MIN
#define ASL_COMPACT_MIN (1024 * 1024)
#endif

#endif
