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

/* The stack: ASL_STACK_SIZE is the stack an execution may use (a thread's or the firmware's
 * whole stack), and values nested deeper than ASL_PARSE_MAX_DEPTH are refused (by the parser,
 * and when a state's output or an Assign would be deeper), so that every recursive walk over a
 * value (parsing, writing, sizing, copying, comparing, snapshots) stays within it. The default
 * is large, which keeps the usual 512 levels; a small device sets its own, e.g.
 * -DASL_STACK_SIZE=8192, and gets the depth that fits.
 *
 * How the depth is derived: depth = (ASL_STACK_SIZE - ASL_STACK_RESERVE) / ASL_STACK_PER_LEVEL,
 * at most 512. ASL_STACK_PER_LEVEL is the frame of the deepest recursive walk per level of
 * nesting, with a margin. Measured with gcc -fstack-usage -fcallgraph-info=su on runtime/core
 * (the recursive cycles of the call graph): the parser's parse_value is the largest, 208 bytes
 * at -O2 on x86-64 and 152 at -Os or -O2 on Cortex-M4 (then size_at 160 / 80, get_value 112 /
 * 72, asl_write 96 / 80, asl_copy 80 / 40); the scanner's on-stack arrays add 5 bytes per level.
 * ASL_STACK_RESERVE is the stack under the walk: the host's call, the step driver, a state's
 * compiled code, an intrinsic. tests/unit/test_stack_depth.c measures both on the host by
 * painting the stack of a thread that parses and runs a value at the limit (x86-64, -O2: 4.8 KB
 * at depth 1, 191 bytes per level after) and checks that it stays within ASL_STACK_SIZE; the
 * 32-bit values are the 64-bit ones scaled by the Cortex-M4 frames above. Unoptimised and
 * sanitizer builds need more (ASan at -O0: 361 bytes per level), so size their stacks apart. */
#ifndef ASL_STACK_SIZE
#define ASL_STACK_SIZE (1024 * 1024)
#endif
#ifndef ASL_STACK_PER_LEVEL
#if defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ <= 4
#define ASL_STACK_PER_LEVEL 192
#else
#define ASL_STACK_PER_LEVEL 256
#endif
#endif
#ifndef ASL_STACK_RESERVE
#if defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ <= 4
#define ASL_STACK_RESERVE 4096
#else
#define ASL_STACK_RESERVE 8192
#endif
#endif
#if ASL_STACK_SIZE < ASL_STACK_RESERVE + 16 * ASL_STACK_PER_LEVEL
#error "ASL_STACK_SIZE leaves fewer than 16 levels of nesting (see asl/tuning.h)"
#endif
#define ASL_STACK_DEPTH ((ASL_STACK_SIZE - ASL_STACK_RESERVE) / ASL_STACK_PER_LEVEL)
#define ASL_PARSE_MAX_DEPTH (ASL_STACK_DEPTH < 512 ? (int)ASL_STACK_DEPTH : 512)

#endif
