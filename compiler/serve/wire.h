/* The AWS JSON 1.0 wire format as the service's operations see it: one call's request members
 * (read with AWS's constraint checks and wording), its JSON response (written as it is built)
 * or its error ({"__type", "message"} with AWS's status codes), ARNs, names and page tokens. */
#ifndef ASLC_SERVE_WIRE_H
#define ASLC_SERVE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "asl/json.h"

struct sv_server;

typedef struct sv_json {
	asl_buffer buf;
	int depth;
	unsigned char first[32]; /* per open level: no member written yet */
} sv_json;

typedef struct sv_call {
	struct sv_server *srv;
	asl_arena arena; /* everything of this call */
	const asl_value *body; /* the request object */
	const char *region; /* from the request's credential scope, else the server's */
	/* the answer */
	int status; /* HTTP status: 200, or the error's */
	const char *error_type; /* NULL: success */
	sv_json out; /* the response body (success) */
	/* constraint violations found so far ("Value ... at 'x' failed to satisfy ...") */
	const char *violations[8];
	int violation_count;
	int bad_type; /* a member had the wrong JSON type: SerializationException */
} sv_call;

void sv_call_init(sv_call *c, struct sv_server *srv);
void sv_call_free(sv_call *c);

/* The error answer: `type` (AWS's name) and the message fmt % the strings; returns -1. */
int sv_error(sv_call *c, const char *type, const char *fmt, ...);
int sv_error_status(sv_call *c, int status, const char *type, const char *fmt, ...);

/* ---- request members ----
 * Each getter returns the member (NULL when absent); a present member of the wrong type counts
 * as a serialization error, a violated constraint as a violation. After reading, sv_invalid
 * turns what was found into the error answer and returns -1 (0 when all was fine). */
const char *sv_string(sv_call *c, const char *key, int required, size_t min, size_t max,
		      size_t *len);
int64_t sv_int(sv_call *c, const char *key, int64_t dflt, int64_t min, int64_t max);
int sv_bool(sv_call *c, const char *key, int dflt);
/* A string member that must be one of `values` (NULL-terminated): its index, or -1 when
 * absent (a violation when it is none of them: AWS's enum wording). */
int sv_enum(sv_call *c, const char *key, const char *const *values);
const asl_value *sv_member(sv_call *c, const char *key, asl_type type);
int sv_invalid(sv_call *c);
/* A violation in AWS's wording: "Value '<v>' at '<key>' failed to satisfy constraint: <what>" */
void sv_violation(sv_call *c, const char *key, const char *value, const char *what);

/* ---- the response ---- */
void sv_open(sv_call *c, const char *key); /* an object (key NULL: the top or an item) */
void sv_close(sv_call *c);
void sv_open_array(sv_call *c, const char *key);
void sv_close_array(sv_call *c);
void sv_put_string(sv_call *c, const char *key, const char *s, size_t len);
void sv_put_cstr(sv_call *c, const char *key, const char *s); /* skipped when s is NULL */
void sv_put_int(sv_call *c, const char *key, int64_t n);
void sv_put_bool(sv_call *c, const char *key, int b);
void sv_put_time(sv_call *c, const char *key, int64_t ms); /* epoch seconds, ms fraction */
void sv_put_raw(sv_call *c, const char *key, const char *json, size_t len);

/* ---- names, ARNs, tokens ---- */
/* AWS's Name rule: 1..80 characters, none of the forbidden ones. */
int sv_name_valid(const char *name, size_t len);
/* "arn:aws:states:REGION:ACCOUNT:KIND:REST" split; 0, or -1 when it is not one. */
typedef struct sv_arn {
	const char *region, *account, *kind, *rest;
	size_t region_len, account_len, kind_len, rest_len;
} sv_arn;
int sv_arn_parse(const char *arn, sv_arn *out);
/* The "Invalid Arn" error for `arn` that is not of `kind` ("stateMachine", "execution",
 * "activity"): AWS's texts for a bad prefix and for an express execution. -1. */
int sv_bad_arn(sv_call *c, const char *arn, const char *kind);
/* Checks an ARN member of `kind`; 0, or -1 with the error answer. */
int sv_check_arn(sv_call *c, const char *arn, const char *kind);
char *sv_printf(asl_arena *a, const char *fmt, ...);
/* A random v4 UUID text in `out` (37 bytes). */
void sv_uuid(char out[37]);
void sv_random(unsigned char *out, size_t n);
/* Page tokens: the op, a key of up to 3 numbers or one text, and a hash of the other request
 * members bind a token to its listing; sv_token_read gives -1 (InvalidToken answered) for a
 * token of another listing or one that was tampered with. */
typedef struct sv_page_key {
	int64_t n[2];
	const char *text; /* NUL-terminated, in the call's arena */
} sv_page_key;
const char *sv_token_make(sv_call *c, const char *op, uint64_t filter, const sv_page_key *key);
int sv_token_read(sv_call *c, const char *token, const char *op, uint64_t filter, sv_page_key *key);
uint64_t sv_hash(uint64_t h, const char *s, size_t len); /* FNV-1a, h 0 to start */
int64_t sv_now_ms(void);

#endif
