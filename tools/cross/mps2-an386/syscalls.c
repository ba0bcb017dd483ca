/* The one system call newlib-nano may need here: _sbrk, for malloc inside the C library (its
 * number conversions allocate). The runtime itself never mallocs. The heap is a fixed pool of
 * ASL_M4_LIBC_HEAP bytes whose high-water mark counts in the RAM report; when nothing pulls
 * malloc in, --gc-sections drops the pool and the function. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#ifndef ASL_M4_LIBC_HEAP
#define ASL_M4_LIBC_HEAP 4096
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
