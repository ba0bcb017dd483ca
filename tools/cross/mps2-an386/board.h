/* What the MPS2 AN386 support code (startup.c) tells the program about its RAM. */
#ifndef MPS2_BOARD_H
#define MPS2_BOARD_H

#include <stddef.h>

/* The deepest the stack ever was since reset, in bytes, and its size (STACK_SIZE). */
size_t stack_peak(void);
size_t stack_size(void);

#endif
