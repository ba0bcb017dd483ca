/* The core's printf (internal): snprintf's contract over the few conversions the core's texts
 * use, so that they do not depend on the C library's printf (newlib-nano's garbles %zu and
 * %lld and drops floats). */
#ifndef ASL_FORMAT_H
#define ASL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define ASL_FMT_CHECK(f, a) __attribute__((format(printf, f, a)))
#else
#define ASL_FMT_CHECK(f, a)
#endif

/* Conversions: %d %i %u %x %X (with hh, h, l, ll, z, j, t), %c, %s, %g, %p, %%; the flags '-'
 * and '0', a width and a precision (digits or '*'), %f %F %e %E %G exactly as glibc writes
 * them (precision at most 40); %a %A (with L: a long double) are written as %g and %G are;
 * %n takes its pointer and stores nothing. Every argument is taken as printf would take it,
 * so a conversion not listed never shifts the next ones. Any other '%' sequence is written as
 * it stands. Returns the length of the whole text; writes at most size bytes, NUL-terminated
 * when size > 0. */
int asl__fmt(char *out, size_t size, const char *fmt, ...) ASL_FMT_CHECK(3, 4);
int asl__vfmt(char *out, size_t size, const char *fmt, va_list ap) ASL_FMT_CHECK(3, 0);

#endif
