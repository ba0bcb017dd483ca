/* Checking AWS Signature Version 4 on a request (sigv4.c). */
#ifndef ASLC_SERVE_SIGV4_H
#define ASLC_SERVE_SIGV4_H

#include <stddef.h>

/* A request header by name (any case), or NULL. */
typedef const char *(*sv_header_fn)(void *user, const char *name);

/* 0 when the request is signed by key_id with `secret`; else AWS's message in `why` and -1 (a
 * wrong signature: InvalidSignatureException), -2 (another key: UnrecognizedClientException) or
 * -3 (not signed: MissingAuthenticationTokenException). */
int sv_sigv4_check(const char *key_id, const char *secret, const char *method, const char *path,
		   sv_header_fn header, void *user, const char *body, size_t len, char *why,
		   size_t whylen);

#endif
