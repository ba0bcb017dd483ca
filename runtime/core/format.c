/* The core's printf: a small snprintf for the conversions its texts use (see format.h). */
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "decimal.h"
#include "format.h"

typedef struct {
	char *out;
	size_t size;
	size_t len; /* of the whole text, written or not */
} sink;

static void put(sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->out[s->len] = c;
	s->len++;
}

static void put_n(sink *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(s, p[i]);
}

static void pad(sink *s, char c, int n)
{
	while (n-- > 0)
		put(s, c);
}

typedef struct {
	int left, zero, width, prec; /* prec < 0: none given */
} spec;

/* body (n bytes, after an optional sign) padded to the width as printf pads it */
static void put_field(sink *s, const spec *sp, const char *sign, const char *body, size_t n)
{
	size_t total = strlen(sign) + n;
	int fill = sp->width > (int)total ? sp->width - (int)total : 0;
	if (!sp->left && !sp->zero)
		pad(s, ' ', fill);
	put_n(s, sign, strlen(sign));
	if (!sp->left && sp->zero)
		pad(s, '0', fill);
	put_n(s, body, n);
	if (sp->left)
		pad(s, ' ', fill);
}

static void put_integer(sink *s, spec sp, uintmax_t u, int neg, int base, int upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[72];
	int n = sizeof tmp;
	while (u) {
		tmp[--n] = set[u % (unsigned)base];
		u /= (unsigned)base;
	}
	int digits = (int)sizeof tmp - n;
	int min = sp.prec < 0 ? 1 : sp.prec; /* %.0d of 0 is empty, as in C */
	while (digits < min && n > 0) {
		tmp[--n] = '0';
		digits++;
	}
	if (sp.prec >= 0)
		sp.zero = 0; /* a precision turns off '0' padding */
	put_field(s, &sp, neg ? "-" : "", tmp + n, (size_t)digits);
}

/* %p's digits after 0x, padded to the width as one field */
static void put_prefixed(sink *s, spec sp, const char *prefix, uintmax_t u)
{
	char tmp[24];
	int n = sizeof tmp;
	do {
		tmp[--n] = "0123456789abcdef"[u % 16];
		u /= 16;
	} while (u);
	put_field(s, &sp, prefix, tmp + n, sizeof tmp - (size_t)n);
}

/* %G %E %F %A: the upper-case letters of the %g text ("1E+20", "INF", "NAN") */
static void upper(char *text)
{
	for (; *text; text++)
		if (*text >= 'a' && *text <= 'z')
			*text = (char)(*text - 'a' + 'A');
}

/* %g %f %e (%a as %g) and their upper case. Not inlined: its buffer, large enough for %f of
 * DBL_MAX, is on the stack only while a double is written, not in every caller's frame. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void
put_double(sink *s, spec sp, char conv, double v)
{
	char text[DBL_MAX_10_EXP + 48];
	int prec = sp.prec < 0 ? 6 : sp.prec;
	int n = conv == 'f' || conv == 'F'   ? asl__format_fixed(text, sizeof text, v, prec)
		: conv == 'e' || conv == 'E' ? asl__format_exponent(text, sizeof text, v, prec)
					     : asl__format_g(text, sizeof text, v, prec);
	if (conv >= 'A' && conv <= 'Z')
		upper(text);
	const char *body = text;
	const char *sign = "";
	if (*body == '-') {
		sign = "-";
		body++;
		n--;
	}
	if (*body == 'i' || *body == 'n')
		sp.zero = 0;
	put_field(s, &sp, sign, body, (size_t)n);
}

int asl__vfmt(char *out, size_t size, const char *fmt, va_list ap)
{
	sink s = {out, size, 0};
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&s, *f);
			continue;
		}
		const char *start = f++;
		spec sp = {0, 0, 0, -1};
		for (;; f++) {
			if (*f == '-')
				sp.left = 1;
			else if (*f == '0')
				sp.zero = 1;
			else
				break;
		}
		if (*f == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = 1;
				sp.width = -sp.width;
			}
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp.width = sp.width * 10 + (*f++ - '0');
		}
		if (*f == '.') {
			f++;
			sp.prec = 0;
			if (*f == '*') {
				sp.prec = va_arg(ap, int);
				f++;
			} else {
				while (*f >= '0' && *f <= '9')
					sp.prec = sp.prec * 10 + (*f++ - '0');
			}
		}
		char len = 0; /* 'H' hh, 'h', 'l', 'L' ll or L (long double), 'z', 'j', 't' */
		if (*f == 'h' || *f == 'l') {
			len = *f++;
			if (*f == len) {
				len = len == 'h' ? 'H' : 'L';
				f++;
			}
		} else if (*f == 'z' || *f == 'j' || *f == 't' || *f == 'L') {
			len = *f++;
		}
		switch (*f) {
		case 'd':
		case 'i': {
			intmax_t v;
			switch (len) {
			case 'l':
				v = va_arg(ap, long);
				break;
			case 'L':
				v = va_arg(ap, long long);
				break;
			case 'j':
				v = va_arg(ap, intmax_t);
				break;
			case 'z':
			case 't':
				v = va_arg(ap, ptrdiff_t);
				break;
			default:
				v = va_arg(ap, int);
				v = len == 'H' ? (signed char)v : len == 'h' ? (short)v : v;
			}
			uintmax_t u = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
			put_integer(&s, sp, u, v < 0, 10, 0);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uintmax_t u;
			switch (len) {
			case 'l':
				u = va_arg(ap, unsigned long);
				break;
			case 'L':
				u = va_arg(ap, unsigned long long);
				break;
			case 'j':
				u = va_arg(ap, uintmax_t);
				break;
			case 'z':
			case 't':
				u = va_arg(ap, size_t);
				break;
			default:
				u = va_arg(ap, unsigned);
				u = len == 'H'   ? (unsigned char)u
				    : len == 'h' ? (unsigned short)u
						 : u;
			}
			put_integer(&s, sp, u, 0, *f == 'u' ? 10 : 16, *f == 'X');
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			sp.zero = 0;
			put_field(&s, &sp, "", &c, 1);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			size_t n = 0; /* the bound first: %.*s of bytes with no NUL after them */
			while ((sp.prec < 0 || n < (size_t)sp.prec) && str[n])
				n++;
			sp.zero = 0;
			put_field(&s, &sp, "", str, n);
			break;
		}
		case 'g':
		case 'G':
		case 'f':
		case 'F':
		case 'e':
		case 'E':
		case 'a':
		case 'A': /* the argument is a double either way */
			put_double(&s, sp, *f,
				   len == 'L' ? (double)va_arg(ap, long double)
					      : va_arg(ap, double));
			break;
		case 'p': {
			const void *ptr = va_arg(ap, const void *);
			sp.zero = 0;
			if (ptr)
				put_prefixed(&s, sp, "0x", (uintptr_t)ptr);
			else
				put_field(&s, &sp, "", "(nil)", 5); /* glibc's text */
			break;
		}
		case 'n': /* its pointer taken, nothing stored: no text writes memory */
			(void)va_arg(ap, void *);
			break;
		case '%':
			put(&s, '%');
			break;
		default: /* no conversion of C's, so no argument: written as it stands */
			if (!*f)
				f--;
			put_n(&s, start, (size_t)(f - start + 1));
		}
	}
	if (size)
		out[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int asl__fmt(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = asl__vfmt(out, size, fmt, ap);
	va_end(ap);
	return n;
}
