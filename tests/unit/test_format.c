/* The core's printf-free formatting (runtime/core/format.c, decimal.c) against glibc's
 * snprintf: asl_format_number against its former snprintf/strtod implementation (kept here as
 * the reference), %g and %.0f of doubles, and asl__fmt's conversions, byte for byte. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <check.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "asl/json.h"
#include "decimal.h"
#include "format.h"

/* asl_format_number as it was, on glibc's printf: the specification of the new one. Not
 * exactly the old code: it printed -0.0 as "0" only when the buffer held the whole text, and
 * through snprintf's "%.0f" ("-0", length 2; "%.1f": "-0.0", 4) when it did not; here -0.0 is
 * made 0 first, so a truncated -0.0 has the length of "0" (1) or "0.0" (3), as everywhere
 * else. The new code does the same: a harmless difference, as the length only sizes a
 * buffer. */
static int ref_format_number(char *out, size_t size, double d, int integer_flag)
{
	if (d > -1e15 && d < 1e15 && d == (double)(int64_t)d) {
		if (d == 0)
			d = 0;
		return snprintf(out, size, integer_flag ? "%.0f" : "%.1f", d);
	}
	if (isnan(d))
		return snprintf(out, size, "null");
	if (isinf(d))
		return snprintf(out, size, d < 0 ? "-1e999" : "1e999");
	if (floor(d) == d && fabs(d) < 1e17)
		return snprintf(out, size, integer_flag ? "%.0f" : "%.1f", d);
	if (integer_flag && floor(d) == d && fabs(d) < 1e19)
		return snprintf(out, size, "%.0f", d);
	char tmp[40];
	int prec = 1;
	while (prec < 17) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
		prec++;
	}
	snprintf(tmp, sizeof tmp, "%.*g", prec, d);
	char *e = strchr(tmp, 'e');
	if (e) {
		char *src = e + 1, *dst = e + 1;
		if (*src == '+')
			src++;
		else if (*src == '-')
			*dst++ = *src++;
		while (*src == '0' && src[1])
			src++;
		memmove(dst, src, strlen(src) + 1);
	}
	return snprintf(out, size, "%s", tmp);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t next_random(void) /* splitmix64: the same sequence on every run */
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

static double from_bits(uint64_t b)
{
	double d;
	memcpy(&d, &b, sizeof d);
	return d;
}

/* How many random doubles a test tries: ASL_FORMAT_ITERATIONS, else a count that keeps the suite
 * within seconds (a run of 5,000,000 each was made when the formatter was written). */
static long iterations(long fallback)
{
	const char *s = getenv("ASL_FORMAT_ITERATIONS");
	return s ? atol(s) : fallback;
}

/* Both integer_flag values, and the truncated forms of the text, against the reference. */
static void check_number(double d)
{
	for (int flag = 0; flag < 2; flag++) {
		char want[64], got[64];
		int wn = ref_format_number(want, sizeof want, d, flag);
		int gn = asl_format_number(got, sizeof got, d, flag);
		if (wn != gn || strcmp(want, got) != 0)
			ck_abort_msg("asl_format_number(%a, %d) = \"%s\" (%d), want \"%s\" (%d)", d,
				     flag, got, gn, want, wn);
	}
}

static const double edge_cases[] = {
	0.0,
	-0.0,
	1.0,
	-1.0,
	0.1,
	0.2,
	0.1 + 0.2,
	1.0 / 3,
	2.0 / 3,
	12.99,
	3.14159,
	1e-7,
	1e-5,
	1e-4,
	1e-3,
	0.5,
	0.25,
	0.125,
	1.5,
	2.5,
	0.05,
	0.15,
	0.35,
	4.35,
	1.005,
	123.456,
	1e15,
	1e15 + 0.5,
	1e15 + 1,
	1e16,
	1e16 + 2,
	1e17,
	1e17 + 16,
	1e18,
	1e19,
	1e19 + 2048,
	1e20,
	1e21,
	1e22,
	1e23,
	1e100,
	1e300,
	1e308,
	DBL_MAX,
	-DBL_MAX,
	DBL_MIN,
	DBL_TRUE_MIN,
	-DBL_TRUE_MIN,
	2.2250738585072009e-308,
	4.9406564584124654e-324,
	9007199254740991.0,
	9007199254740992.0,
	9007199254740993.0,
	9007199254740994.0,
	-9007199254740993.0,
	18446744073709551615.0,
	18446744073709551616.0,
	9223372036854775807.0,
	999999999999999.9,
	99999999999999.99,
	0.9999999999999999,
	9.999999999999999e22,
	5e-324,
	1.7976931348623157e308,
	123456789012.5,
	-0.000001,
	0.000001,
	0.0001234,
	1.25e-5,
	8.41e21,
	5.9604644775390625e-8,
	2.0e-7,
	3e-7,
	1.2345678901234567e-300,
	7.0e-10,
	299792458.0,
	6.02214076e23,
	1.602176634e-19,
	NAN,
	INFINITY,
	-INFINITY,
};

START_TEST(number_edge_cases)
{
	for (size_t i = 0; i < sizeof edge_cases / sizeof edge_cases[0]; i++) {
		check_number(edge_cases[i]);
		check_number(-edge_cases[i]);
	}
	for (int e = -1074; e <= 1023; e++) { /* powers of two, and their neighbours */
		double p = ldexp(1.0, e);
		check_number(p);
		check_number(nextafter(p, 0));
		check_number(nextafter(p, INFINITY));
	}
	for (int e = -323; e <= 308; e++) { /* powers of ten, and their neighbours */
		char text[16];
		snprintf(text, sizeof text, "1e%d", e);
		double p = strtod(text, NULL);
		check_number(p);
		check_number(nextafter(p, 0));
		check_number(nextafter(p, INFINITY));
	}
	for (int64_t i = -64; i <= 64; i++) /* integers near 2^53 */
		check_number((double)(((int64_t)1 << 53) + i));
}
END_TEST

START_TEST(number_random_bits)
{
	long n = iterations(400000);
	for (long i = 0; i < n; i++) {
		double d = from_bits(next_random());
		check_number(d);
	}
}
END_TEST

START_TEST(number_random_decimals)
{
	long n = iterations(200000);
	for (long i = 0; i < n; i++) {
		uint64_t r = next_random();
		/* 1 to 17 digits, exponents across the range, most of them near 0 as data is */
		int digits = 1 + (int)(r % 17);
		int exp = (r >> 8) % 4 ? (int)((r >> 16) % 41) - 20 : (int)((r >> 16) % 640) - 330;
		char text[48];
		int k = 0;
		for (int j = 0; j < digits; j++)
			text[k++] = (char)('0' + next_random() % 10);
		snprintf(text + k, sizeof text - (size_t)k, "e%d", exp);
		check_number(strtod(text, NULL));
	}
}
END_TEST

START_TEST(number_truncation)
{
	const double values[] = {0.0, -12.0,    12.99, 1e-7, 1e300, 123456789012345678.0,
				 NAN, -INFINITY};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
		for (int flag = 0; flag < 2; flag++)
			for (size_t size = 0; size < 24; size++) {
				char want[32], got[32];
				memset(want, 'x', sizeof want);
				memset(got, 'x', sizeof got);
				int wn = ref_format_number(want, size, values[i], flag);
				int gn = asl_format_number(got, size, values[i], flag);
				ck_assert_int_eq(gn, wn);
				ck_assert_mem_eq(got, want, sizeof got);
			}
}
END_TEST

/* %.0f of integral doubles up to DBL_MAX, and %.<P>g, against glibc. */
START_TEST(integer_and_g_against_glibc)
{
	long n = iterations(100000);
	for (long i = 0; i < n; i++) {
		uint64_t r = next_random();
		double d = from_bits(r);
		if (!isfinite(d))
			continue;
		char want[400], got[400];
		double t = trunc(d);
		int wn = snprintf(want, sizeof want, "%.0f", t);
		int gn = asl__format_integer(got, sizeof got, t);
		if (wn != gn || strcmp(want, got) != 0)
			ck_abort_msg("%%.0f of %a: \"%s\", want \"%s\"", t, got, want);
		int prec = (int)(r >> 59) % 18; /* 0..17 */
		wn = snprintf(want, sizeof want, "%.*g", prec, d);
		gn = asl__format_g(got, sizeof got, d, prec);
		if (wn != gn || strcmp(want, got) != 0)
			ck_abort_msg("%%.%dg of %a: \"%s\", want \"%s\"", prec, d, got, want);
	}
	const double specials[] = {0.0,      -0.0,      NAN,   -NAN,        INFINITY, -INFINITY,
				   0.5,      1.5,       2.5,   1e-5,        123456.5, 1234565.0,
				   999999.5, 9.9999995, 1e100, DBL_TRUE_MIN};
	for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++) {
		char want[400], got[400];
		for (int prec = 0; prec <= 20; prec++) {
			snprintf(want, sizeof want, "%.*g", prec, specials[i]);
			asl__format_g(got, sizeof got, specials[i], prec);
			ck_assert_str_eq(got, want);
		}
		if (isfinite(specials[i])) {
			snprintf(want, sizeof want, "%.0f", trunc(specials[i]));
			asl__format_integer(got, sizeof got, trunc(specials[i]));
			ck_assert_str_eq(got, want);
		}
	}
}
END_TEST

/* %.Pf and %.Pe (P = 0..40) against glibc: random doubles of every magnitude, halfway cases
 * (x.5 at each precision), zeros and the values that round up across a power of ten. */
START_TEST(fixed_and_exponent_against_glibc)
{
	long n = iterations(100000);
	const double specials[] = {0.0,    -0.0,     0.5,    1.5,    2.5,   0.125,   0.005,
				   0.0049, 9.995,    99.995, 1e-300, 1e300, DBL_MAX, DBL_TRUE_MIN,
				   12.345, 0.999999, 1e22,   1e23,   -7.5,  NAN,     INFINITY};
	size_t ns = sizeof specials / sizeof specials[0];
	for (long i = 0; i < n + (long)ns * 41; i++) {
		double d;
		int prec;
		if (i < (long)ns * 41) {
			d = specials[i / 41], prec = (int)(i % 41);
		} else {
			uint64_t r = next_random();
			d = from_bits(r);
			prec = (int)(r >> 58) % 41;
			if (r & 1) /* a magnitude where %f shows digits: 1e-12 .. 1e12 */
				d = ldexp(fmod(fabs(d), 1.0) + 0.5, (int)(r >> 40) % 80 - 40);
			if (!isfinite(d))
				continue;
		}
		char want[400], got[400];
		int wn = snprintf(want, sizeof want, "%.*f", prec, d);
		int gn = asl__format_fixed(got, sizeof got, d, prec);
		if (wn != gn || strcmp(want, got) != 0)
			ck_abort_msg("%%.%df of %a: \"%s\", want \"%s\"", prec, d, got, want);
		wn = snprintf(want, sizeof want, "%.*e", prec, d);
		gn = asl__format_exponent(got, sizeof got, d, prec);
		if (wn != gn || strcmp(want, got) != 0)
			ck_abort_msg("%%.%de of %a: \"%s\", want \"%s\"", prec, d, got, want);
	}
}
END_TEST

/* asl__fmt and snprintf on the same format and arguments, at every buffer size. */
#define SAME_AS_SNPRINTF(...)                                                      \
	do {                                                                       \
		char want_[256], got_[256];                                        \
		int wn_ = snprintf(want_, sizeof want_, __VA_ARGS__);              \
		int gn_ = asl__fmt(got_, sizeof got_, __VA_ARGS__);                \
		ck_assert_int_eq(gn_, wn_);                                        \
		ck_assert_str_eq(got_, want_);                                     \
		for (size_t size_ = 0; size_ <= (size_t)wn_ + 1; size_++) {        \
			memset(want_, 'x', sizeof want_);                          \
			memset(got_, 'x', sizeof got_);                            \
			snprintf(want_, size_, __VA_ARGS__);                       \
			ck_assert_int_eq(asl__fmt(got_, size_, __VA_ARGS__), wn_); \
			ck_assert_mem_eq(got_, want_, sizeof got_);                \
		}                                                                  \
	} while (0)

START_TEST(fmt_conversions)
{
	SAME_AS_SNPRINTF("plain text, 100%% sure");
	SAME_AS_SNPRINTF("%s and '%s'", "a string", "");
	SAME_AS_SNPRINTF("%.*s|%.3s|%.0s", 4, "truncated", "abcdef", "gone");
	SAME_AS_SNPRINTF("%d %d %d %d", 0, -1, INT_MAX, INT_MIN);
	SAME_AS_SNPRINTF("%u %u", 0u, UINT_MAX);
	SAME_AS_SNPRINTF("%lld %lld %lld", 0LL, LLONG_MAX, LLONG_MIN);
	SAME_AS_SNPRINTF("%llu %llu", 0ULL, ULLONG_MAX);
	SAME_AS_SNPRINTF("%ld %lu", LONG_MIN, ULONG_MAX);
	SAME_AS_SNPRINTF("%zu %zu", (size_t)0, SIZE_MAX);
	SAME_AS_SNPRINTF("%02x %02x %02X %04x %x", 0u, 0xABu, 0xCDu, 0x1Fu, 0xDEADBEEFu);
	SAME_AS_SNPRINTF("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", 2024, 2, 29, 23, 59, 7, 5);
	SAME_AS_SNPRINTF("%04d|%04d|%03d|%02d", -1, -12345, 1000, -3);
	SAME_AS_SNPRINTF("%5d|%-5d|%-5s|%5s|%5c|%-3c|", 42, 42, "ab", "ab", 'x', 'y');
	SAME_AS_SNPRINTF("%*d|%-*d|%*s", 6, -7, 4, 9, -4, "l");
	SAME_AS_SNPRINTF("%.3d|%.0d|%5.3d", 7, 0, -7);
	SAME_AS_SNPRINTF("%hhd %hd %hhu %hu", 300, 70000, 300, 70000);
	SAME_AS_SNPRINTF("%c%c%c", 'a', '"', '\\');
	SAME_AS_SNPRINTF("%g %g %g %g %g %g", 0.0, 1.5, 1e20, 1e-5, 123456789.0, -0.000123456);
	SAME_AS_SNPRINTF("%g %g %g %g", 3.0, 4294967296.0, 9007199254740993.0, -2.5e-300);
	SAME_AS_SNPRINTF("%g %g %g", INFINITY, -INFINITY, NAN);
	SAME_AS_SNPRINTF("%.3g %.10g %.17g %.0g", 3.14159, 1.0 / 3, 0.1, 0.5);
	SAME_AS_SNPRINTF("%8g|%-8g|%08g", 1.5, 2.5, -3.5);
	SAME_AS_SNPRINTF("[%lld]", (long long)-1);
	SAME_AS_SNPRINTF("An error occurred while executing the state '%s' (entered at the event "
			 "id #%lld). %s",
			 "Task", 5LL, "The JSONPath '$.x' could not be found in the input '{}'");
}
END_TEST

/* %.Ns of N bytes with no NUL after them (a slice of a larger text): only those N are read.
 * They end a page whose next page is unmapped, so a byte read past them faults. */
START_TEST(fmt_precision_reads_no_further)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(map, MAP_FAILED);
	ck_assert_int_eq(mprotect(map + page, (size_t)page, PROT_NONE), 0);
	char *abc = map + page - 3;
	memcpy(abc, "abc", 3);
	char got[16];
	ck_assert_int_eq(asl__fmt(got, sizeof got, "[%.*s]", 3, abc), 5);
	ck_assert_str_eq(got, "[abc]");
	ck_assert_int_eq(asl__fmt(got, sizeof got, "[%.3s|%.2s]", abc, abc + 1), 8);
	ck_assert_str_eq(got, "[abc|bc]");
	munmap(map, (size_t)page * 2);
}
END_TEST

/* The conversions format.h writes as %g, or takes without printing as printf does, take
 * their argument: the ones after them are printed (a %s after a %f read a double as a
 * pointer). */
START_TEST(fmt_other_conversions_take_their_argument)
{
	char got[128];
	SAME_AS_SNPRINTF("%.2f|%s|%f|%s", 12.345, "after f", 0.1, "end");
	SAME_AS_SNPRINTF("%e %E %F %G %s", 1e20, 1e20, 1.5, -INFINITY, "end");
	asl__fmt(got, sizeof got, "%a %A %s", 0.5, 1e-30, "end"); /* %a as %g */
	ck_assert_str_eq(got, "0.5 1E-30 end");
	asl__fmt(got, sizeof got, "%Lg %Lf|%d", (long double)2.5, (long double)-0.25, 7);
	ck_assert_str_eq(got, "2.5 -0.250000|7");
	int count = -1;
	asl__fmt(got, sizeof got, "ab%n|%s", &count, "end");
	ck_assert_str_eq(got, "ab|end");
	ck_assert_int_eq(count, -1); /* %n stores nothing */
	int x;
	SAME_AS_SNPRINTF("%p|%s|%20p|%-20p|%p", (void *)&x, "end", (void *)&x, (void *)&x,
			 (void *)NULL);
}
END_TEST

static Suite *format_suite(void)
{
	Suite *s = suite_create("format");
	TCase *numbers = tcase_create("numbers");
	tcase_set_timeout(numbers, 280);
	tcase_add_test(numbers, number_edge_cases);
	tcase_add_test(numbers, number_random_bits);
	tcase_add_test(numbers, number_random_decimals);
	tcase_add_test(numbers, number_truncation);
	tcase_add_test(numbers, integer_and_g_against_glibc);
	tcase_add_test(numbers, fixed_and_exponent_against_glibc);
	suite_add_tcase(s, numbers);
	TCase *fmt = tcase_create("fmt");
	tcase_add_test(fmt, fmt_conversions);
	tcase_add_test(fmt, fmt_precision_reads_no_further);
	tcase_add_test(fmt, fmt_other_conversions_take_their_argument);
	suite_add_tcase(s, fmt);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(format_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
