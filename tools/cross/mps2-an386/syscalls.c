/* What newlib-nano needs of the board here: _sbrk, for malloc inside the C library (strtod's
 * big numbers allocate; the runtime itself never mallocs), and __assert_func, which strtod's
 * hexadecimal parsing may call. The heap is a fixed pool of ASL_M4_LIBC_HEAP bytes whose
 * high-water mark counts in the RAM report; when nothing pulls malloc in, --gc-sections drops
 * the pool and the function. newlib's own __assert_func would bring fprintf and all of stdio
 * (some 3 KB of flash) for a message nobody reads on a device. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "semihost.h"

#ifndef ASL_M4_LIBC_HEAP
#define ASL_M4_LIBC_HEAP 1024
#endif

static unsigned char asl_m4_libc_heap[ASL_M4_LIBC_HEAP] __attribute__((aligned(8)));
static size_t brk;

void *_sbrk(ptrdiff_t incr)
{
	if (incr < 0 ? (size_t)-incr > brk : (size_t)incr > sizeof asl_m4_libc_heap - brk) {
		errno = ENOMEM;
		return (void *)-1;
	}
	void *old = asl_m4_libc_heap + brk;
	brk += (size_t)incr;
	return old;
}

/* The most the C library took; 0 when nothing linked _sbrk. */
size_t libc_heap_peak(void)
{
	return brk; /* sbrk's break only moves up in newlib-nano's malloc */
}

_Noreturn void __assert_func(const char *file, int line, const char *func, const char *expr)
{
	(void)line, (void)func;
	int fd = sh_open(":tt", "a");
	sh_write(fd, "assertion failed: ", 18);
	sh_write(fd, expr, strlen(expr));
	sh_write(fd, " in ", 4);
	sh_write(fd, file, strlen(file));
	sh_write(fd, "\n", 1);
	sh_exit(70);
}
