/* Public JSON value API of the aslc runtime: arenas, values, parsing and serialising.
 *
 * Ownership in one word: every value lives in the arena it was created in and dies with it.
 * Values are immutable once built and returned (builders mutate only values they just made),
 * so they may be shared freely between places in a document. */
#ifndef ASL_JSON_H
#define ASL_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "asl/tuning.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Host-supplied memory: the runtime's core and bindings take every byte from an allocator, the
 * execution's (asl_options.allocator) or the platform's default; they never call malloc. Only
 * the POSIX platform layer (runtime/platform/posix: threads, child processes, curl) and
 * asl_read_stream's caller use the C library's heap directly. Called from several threads at
 * once when Parallel or Map run on several. */
typedef struct asl_allocator {
	void *(*alloc)(void *user, size_t size);
	void (*release)(void *user, void *block);
	void *user;
} asl_allocator;

/* The platform's allocator: the C library's malloc/free on POSIX; on platform/none one that
 * always fails (a host without an OS gives every execution its allocator). */
const asl_allocator *asl_default_allocator(void);

typedef struct asl_chunk asl_chunk;

/* Bump allocator: values are freed all at once by reset or destroy. */
typedef struct asl_arena {
	const asl_allocator *allocator;
	asl_chunk *chunks;
	size_t used; /* bytes handed out since the last reset */
	int failed; /* an allocation failed (out of memory) */
	size_t first_chunk, max_chunk; /* chunk sizes (asl/tuning.h) */
} asl_arena;

/* Chunks of ASL_ARENA_FIRST_CHUNK doubling up to ASL_ARENA_MAX_CHUNK bytes (asl/tuning.h). */
void asl_arena_init(asl_arena *arena, const asl_allocator *allocator);
/* Other chunk sizes for an arena just initialised (0: the default of asl/tuning.h). */
void asl_arena_set_chunks(asl_arena *arena, size_t first_chunk, size_t max_chunk);
void *asl_arena_alloc(asl_arena *arena, size_t size);
/* Frees every value of the arena but keeps one chunk for reuse. */
void asl_arena_reset(asl_arena *arena);
void asl_arena_destroy(asl_arena *arena);
/* Moves every value of `from` into `arena` without copying (`from` is left empty): they then
 * live as long as `arena`. Both must use the same allocator; -1 (nothing moved) otherwise. */
int asl_arena_adopt(asl_arena *arena, asl_arena *from);

typedef enum asl_type {
	ASL_NONE = -1, /* no value: what asl_type_of says of NULL (an absent member, say) */
	ASL_NULL,
	ASL_BOOL,
	ASL_NUMBER,
	ASL_STRING,
	ASL_ARRAY,
	ASL_OBJECT
} asl_type;

enum {
	ASL_FLAG_INTEGER = 1, /* number was written without fraction or exponent */
	ASL_FLAG_STATIC = 2 /* value lives in static storage (generated code), perhaps read-only:
			       * never copied, never written */
};

typedef struct asl_value asl_value;
typedef struct asl_member {
	const char *key;
	size_t key_len;
	asl_value *value;
} asl_member;

struct asl_value {
	uint8_t type;
	uint8_t flags;
	uint8_t boolean;
	uint32_t pos; /* byte offset in the parsed text, for diagnostics */
	union {
		struct {
			double number;
			/* NULL, or the source digits of an integer that `number` does not hold
			 * exactly or would print otherwise (2^64, 9007199254740993), or "-0.0":
			 * written out and compared in place of the double, so numbers that pass
			 * through keep their value */
			const char *number_text;
		};
		struct {
			const char *ptr; /* NUL-terminated, may contain NULs (len counts) */
			size_t len;
		} string;
		struct {
			asl_value **items;
			size_t len, cap;
		} array;
		struct {
			asl_member *members; /* in insertion order */
			size_t len, cap;
		} object;
	} u;
};

/* Shared constants (static storage, valid forever). */
asl_value *asl_null(void);
asl_value *asl_true(void);
asl_value *asl_false(void);
asl_value *asl_bool(int b);

/* Constructors: the result belongs to `arena`. They return NULL only when memory runs out. */
asl_value *asl_number(asl_arena *arena, double n);
asl_value *asl_integer(asl_arena *arena, int64_t n);
asl_value *asl_string(asl_arena *arena, const char *s, size_t len);
asl_value *asl_cstring(asl_arena *arena, const char *s);
asl_value *asl_array(asl_arena *arena, size_t capacity);
asl_value *asl_object(asl_arena *arena, size_t capacity);

/* Builders, only for values the caller just created. Return 0, or -1 when out of memory. */
int asl_array_push(asl_arena *arena, asl_value *array, asl_value *item);
/* Appends without checking for an existing key (parsers, generated templates). */
int asl_object_append(asl_arena *arena, asl_value *object, const char *key, size_t key_len,
		      asl_value *value);
/* Replaces the value of an existing key, else appends. */
int asl_object_set(asl_arena *arena, asl_value *object, const char *key, size_t key_len,
		   asl_value *value);

/* Reading values: what task handlers and hosts use instead of the struct's members.
 *
 * Every accessor takes any value, or NULL for none (the result of a lookup that found nothing,
 * so lookups chain), and has one defined answer for each: a value of another type, or NULL,
 * gives false, 0, NULL or ASL_NONE as said below, never a crash. Values returned are borrowed:
 * they belong to `v`'s arena (or static storage) and live as long as it; to make them part of
 * a value you build, copy them with asl_copy (which shares static values, so it is cheap for
 * constants). */
asl_type asl_type_of(const asl_value *v); /* ASL_NONE for NULL */
int asl_is_null(const asl_value *v); /* the JSON null; 0 for NULL (absent) */
int asl_is_bool(const asl_value *v);
int asl_is_number(const asl_value *v);
int asl_is_string(const asl_value *v);
int asl_is_array(const asl_value *v);
int asl_is_object(const asl_value *v);
int asl_bool_value(const asl_value *v); /* 1 for true; 0 for false and non-booleans */
double asl_number_value(const asl_value *v); /* 0 for non-numbers */
/* A string's bytes, NUL-terminated (a NUL may also be part of them: use the length); NULL and
 * 0 for non-strings. */
const char *asl_string_ptr(const asl_value *v);
size_t asl_string_len(const asl_value *v);
size_t asl_array_len(const asl_value *v); /* 0 for non-arrays */
/* Item `index` (negative counts from the end); NULL out of range and for non-arrays. */
const asl_value *asl_array_get(const asl_value *array, int64_t index);
size_t asl_object_len(const asl_value *v); /* members; 0 for non-objects */
/* Member `i` in insertion order: its key (NUL-terminated; *key_len its length, may be NULL)
 * and its value; NULL (and *key_len 0) out of range and for non-objects. */
const char *asl_object_key(const asl_value *object, size_t i, size_t *key_len);
const asl_value *asl_object_value(const asl_value *object, size_t i);
/* The value of `key` (the last member of that name); NULL when absent and for non-objects. */
const asl_value *asl_object_get(const asl_value *object, const char *key, size_t key_len);

int asl_is_integral(const asl_value *v);
/* Deep structural equality; numbers compare by value. */
int asl_equal(const asl_value *a, const asl_value *b);
/* Deep copy into `arena` (static values are shared, not copied). */
asl_value *asl_copy(asl_arena *arena, const asl_value *v);
/* Shallow copy of an array or object (new member table, same children). */
asl_value *asl_shallow_copy(asl_arena *arena, const asl_value *v);

/* Parsing. */
enum {
	ASL_PARSE_KEEP_DUPLICATES = 1 /* keep every member of a duplicated key (for validation) */
};
/* ASL_PARSE_MAX_DEPTH (asl/tuning.h): the deepest nesting accepted, 512 unless ASL_STACK_SIZE
 * is set small. */

/* Why a text did not parse. The message says it in words (and more precisely: the code of
 * "expected ':' after object key" is ASL_JSON_SYNTAX). */
typedef enum asl_json_error {
	ASL_JSON_OK, /* no error */
	ASL_JSON_EMPTY, /* nothing but whitespace */
	ASL_JSON_TRUNCATED, /* the text ends inside a value (more text might make it valid) */
	ASL_JSON_SYNTAX, /* a misplaced or missing bracket, comma, colon or key, or data after
			       * the value */
	ASL_JSON_BAD_LITERAL, /* not a number, true, false or null */
	ASL_JSON_BAD_STRING, /* a control character or a bad escape in a string */
	ASL_JSON_BAD_UTF8, /* a string that is not UTF-8 */
	ASL_JSON_TOO_DEEP, /* nested deeper than ASL_PARSE_MAX_DEPTH */
	ASL_JSON_TOO_LARGE, /* longer than 2^31 - 1 bytes */
	ASL_JSON_NOMEM /* the arena's allocator failed */
} asl_json_error;

typedef struct asl_parse_error {
	asl_json_error code;
	size_t offset;
	int line, column; /* 1-based */
	char message[128];
} asl_parse_error;

/* Reads `f` to its end into a NUL-terminated text from asl_default_allocator() (on POSIX
 * malloc'd: the caller frees it), but never more than `max` + 1 bytes. NULL on a read error,
 * when out of memory, or when the stream holds more than `max` bytes (then *too_big is set). */
char *asl_read_stream(FILE *f, size_t max, size_t *len, int *too_big);

/* Parses exactly one JSON text (surrounding whitespace allowed). NULL on error, with `err` set. */
asl_value *asl_parse(asl_arena *arena, const char *text, size_t len, int flags,
		     asl_parse_error *err);
/* 1-based line and column of a byte offset (columns count bytes). */
void asl_text_position(const char *text, size_t offset, int *line, int *column);

/* Serialising: compact JSON, keys in insertion order, non-ASCII kept as UTF-8. */
typedef struct asl_buffer {
	asl_arena *arena; /* storage comes from here */
	char *data;
	size_t len, cap;
} asl_buffer;

void asl_buffer_init(asl_buffer *buf, asl_arena *arena);
int asl_buffer_append(asl_buffer *buf, const char *s, size_t n);
int asl_buffer_putc(asl_buffer *buf, char c);
/* Appends the JSON text of `v`; returns -1 when out of memory. */
int asl_write(asl_buffer *buf, const asl_value *v);
/* The JSON text of `v` as a NUL-terminated string in `arena`. */
const char *asl_to_json(asl_arena *arena, const asl_value *v, size_t *len);
/* Length in bytes of the JSON text of `v`; stops counting once it passes `limit`. Returns
 * ASL_TOO_DEEP for a value nested deeper than ASL_PARSE_MAX_DEPTH, which the runtime refuses
 * to keep (every recursive walk over values then stays within a bounded stack). */
#define ASL_TOO_DEEP ((size_t)-1)
size_t asl_json_size(const asl_value *v, size_t limit);
/* Shortest decimal text that reads back as `d` (Java-like for integral doubles: "1.0"). */
int asl_format_number(char *out, size_t size, double d, int integer_flag);

#ifdef __cplusplus
}
#endif
#endif
