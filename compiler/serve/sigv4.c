/* AWS Signature Version 4, checked (--auth KEY:SECRET): the request's Authorization header is
 * recomputed from the received method, path, signed headers (Host as received, so a "sync-"
 * prefix is fine) and the body's SHA-256, with the one secret the server knows. */
#define _DEFAULT_SOURCE /* timegm */
#include "sigv4.h"

#include <nettle/hmac.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void sha256_hex(const char *s, size_t n, char out[65])
{
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, n, (const uint8_t *)s);
	sha256_digest(&ctx, sizeof d, d);
	hex(d, sizeof d, out);
}

static void hmac(const unsigned char *key, size_t klen, const char *msg, size_t mlen,
		 unsigned char out[SHA256_DIGEST_SIZE])
{
	struct hmac_sha256_ctx ctx;
	hmac_sha256_set_key(&ctx, klen, key);
	hmac_sha256_update(&ctx, mlen, (const uint8_t *)msg);
	hmac_sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
}

/* The value of `name=` in the Authorization header, up to the next comma; 0 when absent. */
static int part(const char *auth, const char *name, const char **v, size_t *len)
{
	const char *p = strstr(auth, name);
	if (!p)
		return 0;
	*v = p + strlen(name);
	const char *end = strchr(*v, ',');
	*len = end ? (size_t)(end - *v) : strlen(*v);
	while (*len && (*v)[*len - 1] == ' ')
		(*len)--;
	return 1;
}

/* A header's value with its surrounding blanks trimmed and inner runs of blanks made one. */
static size_t canonical_value(const char *v, char *out, size_t size)
{
	size_t n = 0;
	int blank = 0;
	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v && n + 1 < size; v++) {
		if (*v == ' ' || *v == '\t') {
			blank = 1;
			continue;
		}
		if (blank && n)
			out[n++] = ' ';
		blank = 0;
		out[n++] = *v;
	}
	out[n] = '\0';
	return n;
}

int sv_sigv4_check(const char *key_id, const char *secret, const char *method, const char *path,
		   sv_header_fn header, void *user, const char *body, size_t len, char *why,
		   size_t whylen)
{
	const char *auth = header(user, "Authorization");
	const char *date = header(user, "X-Amz-Date");
	const char *cred, *signed_h, *sig;
	size_t cred_len, signed_len, sig_len;
	if (!auth || strncmp(auth, "AWS4-HMAC-SHA256 ", 17) || !date ||
	    !part(auth, "Credential=", &cred, &cred_len) ||
	    !part(auth, "SignedHeaders=", &signed_h, &signed_len) ||
	    !part(auth, "Signature=", &sig, &sig_len) || sig_len != 64) {
		snprintf(why, whylen, "Missing Authentication Token");
		return -3;
	}
	const char *slash = memchr(cred, '/', cred_len);
	if (!slash || (size_t)(slash - cred) != strlen(key_id) ||
	    strncmp(cred, key_id, strlen(key_id))) {
		snprintf(why, whylen, "The security token included in the request is invalid.");
		return -2;
	}
	struct tm tm = {0};
	if (sscanf(date, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec) != 6) {
		snprintf(why, whylen, "X-Amz-Date is not a date (YYYYMMDD'T'HHMMSS'Z').");
		return -1;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t signed_at = timegm(&tm);
	if (llabs((long long)(time(NULL) - signed_at)) > 15 * 60) { /* AWS's window */
		snprintf(why, whylen, "Signature expired: %s is more than 15 minutes from now.",
			 date);
		return -1;
	}
	char scope[256];
	snprintf(scope, sizeof scope, "%.*s", (int)(cred_len - (size_t)(slash + 1 - cred)),
		 slash + 1);
	/* the canonical request */
	char canon[16384], value[4096], names[1024];
	size_t n = (size_t)snprintf(canon, sizeof canon, "%s\n%s\n\n", method, path);
	snprintf(names, sizeof names, "%.*s", (int)signed_len, signed_h);
	for (char *name = names, *next; name && *name && n < sizeof canon; name = next) {
		next = strchr(name, ';');
		if (next)
			*next++ = '\0';
		const char *v = header(user, name);
		canonical_value(v ? v : "", value, sizeof value);
		n += (size_t)snprintf(canon + n, sizeof canon - n, "%s:%s\n", name, value);
	}
	char payload[65];
	sha256_hex(body, len, payload);
	if (n < sizeof canon)
		n += (size_t)snprintf(canon + n, sizeof canon - n, "\n%.*s\n%s", (int)signed_len,
				      signed_h, payload);
	if (n >= sizeof canon) {
		snprintf(why, whylen, "The request's signed headers are too long.");
		return -1;
	}
	char canon_hash[65], to_sign[512];
	sha256_hex(canon, n, canon_hash);
	int m = snprintf(to_sign, sizeof to_sign, "AWS4-HMAC-SHA256\n%s\n%s\n%s", date, scope,
			 canon_hash);
	/* the signing key: HMAC chain over the scope's parts */
	unsigned char k[SHA256_DIGEST_SIZE];
	char first[300];
	snprintf(first, sizeof first, "AWS4%s", secret);
	const unsigned char *key = (const unsigned char *)first;
	size_t klen = strlen(first);
	char parts[256];
	snprintf(parts, sizeof parts, "%s", scope);
	for (char *p = parts, *next; p; p = next) {
		next = strchr(p, '/');
		if (next)
			*next++ = '\0';
		hmac(key, klen, p, strlen(p), k);
		key = k;
		klen = sizeof k;
	}
	unsigned char mac[SHA256_DIGEST_SIZE];
	hmac(k, sizeof k, to_sign, (size_t)m, mac);
	char expect[65];
	hex(mac, sizeof mac, expect);
	if (strncasecmp(expect, sig, 64)) {
		snprintf(why, whylen,
			 "The request signature we calculated does not match the signature you "
			 "provided. Check your AWS Secret Access Key and signing method.");
		return -1;
	}
	return 0;
}
