/* The core's strtod-free number parsing (runtime/core/number_parse.c) against glibc's strtod,
 * bit for bit: edge cases, the exact halfway points between doubles (and one unit either side
 * in their last digit), every power of two's, random doubles printed at several precisions,
 * random digit strings, and asl__strtod's whole grammar (hex, inf, nan, white space, ends). */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number_parse.h"

static uint64_t rng_state = 0x2545F4914F6CDD1Du;

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

/* How many random cases a test tries: ASL_NUMBER_PARSE_ITERATIONS, else a count that keeps the
 * suite within seconds under ASan. */
static long iterations(long fallback)
{
	const char *s = getenv("ASL_NUMBER_PARSE_ITERATIONS");
	return s ? atol(s) : fallback;
}

/* A JSON number text reads as glibc's strtod reads it, bit for bit. */
static void expect_like_strtod(const char *s)
{
	double want = strtod(s, NULL), got = asl__parse_number(s, strlen(s));
	ck_assert_msg(memcmp(&want, &got, sizeof want) == 0, "%s: strtod %a, asl__parse_number %a",
		      s, want, got);
}

START_TEST(edge_cases)
{
	static const char *const cases[] = {
		"0",
		"-0",
		"0.0",
		"-0.0",
		"0e999",
		"1",
		"-1",
		"0.1",
		"0.2",
		"0.3",
		"1e23",
		"-1e23",
		"8.98846567431158e307",
		"9007199254740992",
		"9007199254740993",
		"9007199254740994",
		"9007199254740995",
		"18014398509481985",
		"1.7976931348623157e308",
		"1.7976931348623158e308",
		"1.7976931348623158079e308",
		"1.797693134862315807e308",
		"1.7976931348623159e308",
		"1e308",
		"1e309",
		"1e999",
		"-1e999",
		"1e+99999999",
		"1e-99999999",
		"123456789e-99999999",
		"2.2250738585072014e-308",
		"2.2250738585072011e-308",
		"2.2250738585072012e-308",
		"4.9406564584124654e-324",
		"2.4703282292062327e-324",
		"2.4703282292062328e-324",
		"2.4703282292062327e-325",
		"5e-324",
		"3e-324",
		"2e-324",
		"1e-324",
		"1e-400",
		"12.99",
		"3.14159",
		"6.02214076e23",
		"123456.789",
		"1e-7",
		"1E+2",
		"1.5E-3",
		"100000000000000000000000",
		"0.000000000000000000000000000000000000000000001e-280",
		"1448997445238699",
		"71687584612820492",
		"465576520699446950e-2",
		"7.038531e-26",
		"2.2250738585072e-308",
		"1.00000000000000011102230246251565404236316680908203125",
		"1.00000000000000011102230246251565404236316680908203124",
		"1.00000000000000011102230246251565404236316680908203126",
		"9.999999999999999e22",
		"1.0000000000000000000000000000000000000000000001",
		"4503599627370496.5",
		"4503599627370497.5",
		"0.30000000000000004440892098500626"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_like_strtod(cases[i]);
}
END_TEST

/* The exact decimal text of the halfway point between the finite double of bits u >= 0 and the
 * next one up, into out: x87's long double holds it exactly and glibc prints it exactly. */
static void halfway_text(uint64_t u, char *out, size_t size)
{
	long double a = from_bits(u), b = from_bits(u + 1);
	if (isinf(b))
		b = ldexpl(1, DBL_MAX_EXP); /* where DBL_MAX's next exponent would be */
	snprintf(out, size, "%.800Le", a + (b - a) / 2);
	char *e = strchr(out, 'e'), *end = e; /* drop the trailing zeros of the mantissa */
	while (end[-1] == '0')
		end--;
	if (end[-1] == '.')
		end--;
	memmove(end, e, strlen(e) + 1);
}

/* The text with its last mantissa digit (a 5: halfway points end in 5) moved by delta. */
static void nudge_last_digit(char *s, int delta)
{
	char *e = strchr(s, 'e');
	e[-1] = (char)(e[-1] + delta);
}

static void expect_halfway(uint64_t u)
{
	char text[1000];
	halfway_text(u, text, sizeof text);
	expect_like_strtod(text);
	nudge_last_digit(text, -1);
	expect_like_strtod(text);
	nudge_last_digit(text, 2);
	expect_like_strtod(text);
}

START_TEST(halfway_points)
{
	ck_assert_int_ge(LDBL_MANT_DIG,
			 64); /* the reference needs the 54 bits of a halfway point */
	for (int e = 0; e < 2046; e++) { /* every power of two, the halfway points around it */
		uint64_t u = (uint64_t)e << 52;
		expect_halfway(u);
		if (u)
			expect_halfway(u - 1);
	}
	expect_halfway(0x7fefffffffffffffu); /* DBL_MAX's upper halfway point: a tie to inf */
	for (uint64_t u = 0; u < 64; u++) /* the smallest subnormals */
		expect_halfway(u);
	long n = iterations(20000);
	for (long i = 0; i < n; i++) {
		uint64_t u = next_random() & 0x7fffffffffffffffu;
		if (u < 0x7fefffffffffffffu)
			expect_halfway(u);
	}
}
END_TEST

START_TEST(long_mantissas)
{
	char text[2000];
	/* the halfway point below the smallest subnormal: a tie to 0, then just above it */
	halfway_text(0, text, sizeof text);
	ck_assert_int_gt((int)strlen(text), 750);
	expect_like_strtod(text);
	char *e = strchr(text, 'e');
	char tail[16];
	strcpy(tail, e);
	strcpy(e, "0000000000000000000000000000000000000000000000000000000000000000000");
	strcat(text, tail); /* past 800 digits, still exactly the tie */
	ck_assert_int_gt((int)strlen(text), 800);
	expect_like_strtod(text);
	e = strchr(text, 'e');
	e[-1] = '1'; /* a nonzero digit past the 800th: just above the tie */
	expect_like_strtod(text);
	/* 1.000...0001 with 1000 digits, and 1000 nines */
	char *p = text;
	*p++ = '1';
	*p++ = '.';
	memset(p, '0', 998);
	p[998] = '1';
	p[999] = '\0';
	expect_like_strtod(text);
	memset(text, '9', 1000);
	strcpy(text + 1000, "e-700");
	expect_like_strtod(text);
	strcpy(text + 1000, "e-1300");
	expect_like_strtod(text);
}
END_TEST

START_TEST(printed_doubles)
{
	static const char *const formats[] = {"%.17g", "%.16g", "%.15g", "%.25e", "%.1e", "%.3g"};
	char text[64];
	long n = iterations(100000);
	for (long i = 0; i < n; i++) {
		double d = from_bits(next_random());
		if (!isfinite(d))
			continue;
		snprintf(text, sizeof text, formats[i % 6], d);
		expect_like_strtod(text);
	}
}
END_TEST

START_TEST(random_digits)
{
	char text[80];
	long n = iterations(100000);
	for (long i = 0; i < n; i++) {
		char *p = text;
		if (next_random() & 1)
			*p++ = '-';
		int digits = 1 + (int)(next_random() % 40);
		int point = (int)(next_random() % (uint64_t)(digits + 1));
		for (int j = 0; j < digits; j++) {
			if (j == point && j > 0)
				*p++ = '.';
			*p++ = (char)('0' + (j == 0 && digits > 1 ? 1 + next_random() % 9
								  : next_random() % 10));
		}
		snprintf(p, (size_t)(text + sizeof text - p), "e%d",
			 (int)(next_random() % 661) - 350);
		expect_like_strtod(text);
	}
}
END_TEST

/* asl__strtod and glibc's strtod agree on the value (any NaN for a NaN) and on where they end. */
static void expect_strtod(const char *s)
{
	char *want_end;
	const char *got_end;
	double want = strtod(s, &want_end), got = asl__strtod(s, &got_end);
	ck_assert_msg(memcmp(&want, &got, sizeof want) == 0 || (isnan(want) && isnan(got)),
		      "'%s': strtod %a, asl__strtod %a", s, want, got);
	ck_assert_msg(got_end == want_end, "'%s': strtod ends at %d, asl__strtod at %d", s,
		      (int)(want_end - s), (int)(got_end - s));
}

START_TEST(strtod_grammar)
{
	static const char *const cases[] = {"",
					    " ",
					    "+",
					    "-",
					    ".",
					    "e5",
					    "1",
					    " \t\n\v\f\r12",
					    "+3",
					    "-3",
					    "5.",
					    ".5",
					    "-.5e1",
					    "5.e2",
					    "1e",
					    "1e+",
					    "1e-",
					    "1ex",
					    "1.5.5",
					    "12abc",
					    "0x",
					    "0X",
					    "0x.",
					    "0x.p1",
					    "0xg",
					    "0x1",
					    "-0x1.8p3",
					    "0x1P-1074",
					    "0x1p-1075",
					    "0x1.8p-1075",
					    "0x1p-1076",
					    "0x1p1023",
					    "0x1p1024",
					    "0x1.fffffffffffff8p1023",
					    "0x1.fffffffffffff7p1023",
					    "0x1.00000000000008p0",
					    "0x1.00000000000018p0",
					    "0x1.000000000000080000000001p0",
					    "0x1fffffffffffff8p-3",
					    "0x0.0000000000001p-1022",
					    "0x0.00000000000008p-1022",
					    "0x0.00000000000018p-1022",
					    "0x.000000000000000000000000001p+100",
					    "0x1p",
					    "0x1p+",
					    "0x1p99999999999",
					    "0x1p-99999999999",
					    "inf",
					    "INF",
					    "-Infinity",
					    "infinity!",
					    "infin",
					    "in",
					    "nan",
					    "-NaN",
					    "nan(",
					    "nan()",
					    "nan(123)",
					    "nan(a_Z9)",
					    "nan(1 2)",
					    "nanx",
					    "1e999",
					    "-1e-999",
					    "0.000",
					    "00012",
					    "1,5",
					    "١"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_strtod(cases[i]);
	char text[64];
	long n = iterations(100000) / 5;
	for (long i = 0; i < n; i++) {
		double d = from_bits(next_random());
		snprintf(text, sizeof text, i & 1 ? "%a" : " %.20g!", d);
		expect_strtod(text);
	}
}
END_TEST

static Suite *number_parse_suite(void)
{
	Suite *s = suite_create("number_parse");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, edge_cases);
	tcase_add_test(tc, halfway_points);
	tcase_add_test(tc, long_mantissas);
	tcase_add_test(tc, printed_doubles);
	tcase_add_test(tc, random_digits);
	tcase_add_test(tc, strtod_grammar);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(number_parse_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
