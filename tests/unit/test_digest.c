/* The built-in hashes and Base64 (runtime/core/digest_builtin.c, base64_builtin.c) against
 * nettle's (digest_nettle.c), both linked into this test: the FIPS 180-4 / RFC 1321 vectors,
 * every length across the padding boundaries, and Base64 decoding's accept/reject on every byte
 * value and every short string over a troublesome alphabet. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"

static const char *const alg_names[] = {"MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"};

static void hex(char *out, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* Both implementations agree on in[0..len) for alg; returns the built-in's digest as hex. */
static const char *both(asl_digest_alg alg, const uint8_t *in, size_t len)
{
	static char text[2 * ASL_DIGEST_MAX_SIZE + 1];
	uint8_t a[ASL_DIGEST_MAX_SIZE], b[ASL_DIGEST_MAX_SIZE];
	size_t na = asl__digest_builtin(alg, in, len, a), nb = asl__digest_nettle(alg, in, len, b);
	ck_assert_uint_eq(na, nb);
	ck_assert_msg(!memcmp(a, b, na), "%s differs from nettle at length %zu", alg_names[alg],
		      len);
	hex(text, a, na);
	return text;
}

START_TEST(standard_vectors)
{
	/* the "abc" digests as the standards print them: a check that does not rest on nettle */
	const uint8_t *abc = (const uint8_t *)"abc";
	ck_assert_str_eq(both(ASL_DIGEST_MD5, abc, 3), "900150983cd24fb0d6963f7d28e17f72");
	ck_assert_str_eq(both(ASL_DIGEST_SHA1, abc, 3), "a9993e364706816aba3e25717850c26c9cd0d89d");
	ck_assert_str_eq(both(ASL_DIGEST_SHA256, abc, 3),
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_str_eq(both(ASL_DIGEST_SHA384, abc, 3),
			 "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
			 "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
	ck_assert_str_eq(both(ASL_DIGEST_SHA512, abc, 3),
			 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
			 "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
	ck_assert_str_eq(both(ASL_DIGEST_SHA256, NULL, 0),
			 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	static const char *const messages[] = {
		"", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		"ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"};
	size_t million = 1000000;
	uint8_t *a = malloc(million);
	memset(a, 'a', million);
	for (int alg = 0; alg < 5; alg++) {
		for (size_t i = 0; i < sizeof messages / sizeof *messages; i++)
			both(alg, (const uint8_t *)messages[i], strlen(messages[i]));
		both(alg, a, million);
	}
	ck_assert_str_eq(both(ASL_DIGEST_SHA256, a, million),
			 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}
END_TEST

static uint32_t rng = 12345;
static uint8_t next_byte(void)
{
	rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
	return (uint8_t)rng;
}

START_TEST(every_length)
{
	/* 0..1100 covers the one- and two-block tails of 64-byte (55/56/63/64) and 128-byte
	 * (111/112/127/128) blocks several times over */
	static uint8_t data[1101];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = next_byte();
	for (int alg = 0; alg < 5; alg++)
		for (size_t len = 0; len < sizeof data; len++)
			both(alg, data, len);
}
END_TEST

START_TEST(base64_encode_and_round_trip)
{
	static uint8_t data[300];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = next_byte();
	char a[ASL_BASE64_ENCODED_LENGTH(sizeof data)], b[sizeof a];
	uint8_t back[ASL_BASE64_DECODED_MAX(sizeof a)];
	for (size_t len = 0; len <= sizeof data; len++) {
		size_t n = ASL_BASE64_ENCODED_LENGTH(len), m = 0;
		asl__base64_encode_builtin(a, data, len);
		asl__base64_encode_nettle(b, data, len);
		ck_assert_msg(!memcmp(a, b, n), "Base64 of %zu bytes differs from nettle", len);
		ck_assert(asl__base64_decode_builtin(back, &m, a, n));
		ck_assert_uint_eq(m, len);
		ck_assert(!memcmp(back, data, len));
	}
	asl__base64_encode_builtin(a, (const uint8_t *)"hello", 5);
	ck_assert(!memcmp(a, "aGVsbG8=", 8));
}
END_TEST

/* Both decoders accept or refuse in[0..len) alike, with the same bytes; returns acceptance. */
static int decode_both(const char *in, size_t len)
{
	uint8_t a[64], b[64];
	size_t na = 0, nb = 0;
	ck_assert_uint_le(ASL_BASE64_DECODED_MAX(len), sizeof a);
	int ra = asl__base64_decode_builtin(a, &na, in, len);
	int rb = asl__base64_decode_nettle(b, &nb, in, len);
	char shown[64];
	for (size_t i = 0; i < len; i++)
		shown[i] = in[i] >= ' ' && in[i] < 127 ? in[i] : '?';
	shown[len] = 0;
	ck_assert_msg(ra == rb, "'%s' (%zu chars): built-in %s, nettle %s", shown, len,
		      ra ? "accepts" : "refuses", rb ? "accepts" : "refuses");
	if (ra) {
		ck_assert_uint_eq(na, nb);
		ck_assert(!memcmp(a, b, na));
	}
	return ra;
}

START_TEST(base64_decode_like_nettle)
{
	/* every byte value before, inside and after a group, and as padding */
	for (int c = 0; c < 256; c++) {
		const char *frames[] = {"#QUJD", "QUJD#", "QU#JD", "QQ#=", "QQ=#", "QUI#", "#"};
		for (size_t f = 0; f < sizeof frames / sizeof *frames; f++) {
			char s[8];
			size_t n = strlen(frames[f]);
			memcpy(s, frames[f], n);
			*strchr(s, '#') = (char)c;
			decode_both(s, n);
		}
	}
	/* every string of up to 6 characters over letters of each kind of leftover bits,
	 * padding, white space and characters other alphabets use */
	const char alphabet[] = "AQgB= \n-_*";
	size_t k = sizeof alphabet - 1;
	char s[6];
	for (size_t len = 0; len <= sizeof s; len++) {
		size_t total = 1;
		for (size_t i = 0; i < len; i++)
			total *= k;
		for (size_t code = 0; code < total; code++) {
			size_t c = code;
			for (size_t i = 0; i < len; i++, c /= k)
				s[i] = alphabet[c % k];
			decode_both(s, len);
		}
	}
	/* what States.Base64Decode refuses: bad characters, bad or early padding, truncation */
	const char *refused[] = {"QUJ*",  "QUJD-w", "QQ=", "QR==", "QUI==", "QQ==QQ==",
				 "QUJDR", "Q",      "QQ",  "QUI",  "=QQ=",  "QUJD="};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
		ck_assert_msg(!decode_both(refused[i], strlen(refused[i])), "'%s' accepted",
			      refused[i]);
	const char *accepted[] = {"", "QQ==", "QUI=", "QUJD", "QU JD\n", "QQ== "};
	for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++)
		ck_assert_msg(decode_both(accepted[i], strlen(accepted[i])), "'%s' refused",
			      accepted[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("digest");
	TCase *tc = tcase_create("digest");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, standard_vectors);
	tcase_add_test(tc, every_length);
	tcase_add_test(tc, base64_encode_and_round_trip);
	tcase_add_test(tc, base64_decode_like_nettle);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
