/* Timing helper of bench/parse.sh: builds one adversarial JSON text of about SIZE bytes and
 * prints the CPU milliseconds asl_parse takes per MiB of it (the median of repeated parses),
 * and whether the text was accepted.
 * Usage: parse KIND SIZE   (KIND: see `kinds` below) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asl/json.h"

typedef struct text {
	char *s;
	size_t len, cap;
} text;

static void put(text *t, const char *s)
{
	size_t n = strlen(s);
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		if (!t->s) {
			perror("realloc");
			exit(1);
		}
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
}

static void nest(text *t, const char *open, const char *inner, const char *close, int depth)
{
	for (int i = 0; i < depth; i++)
		put(t, open);
	put(t, inner);
	for (int i = 0; i < depth; i++)
		put(t, close);
}

/* One text of the given kind and about `size` bytes. */
static void build(text *t, const char *kind, size_t size)
{
	if (strcmp(kind, "quote-brackets") == 0) {
		/* half valid values, then `1"`, which hid the brackets after it from the old depth
		 * check (jsmn then took quadratic time over them) */
		put(t, "[");
		while (t->len + 5 < size / 2)
			put(t, "[[]],");
		put(t, "1\" ");
		nest(t, "[", "", "]", (int)((size - t->len - 1) / 2));
		put(t, "]");
	} else if (strcmp(kind, "deep-arrays") == 0 || strcmp(kind, "deep-objects") == 0) {
		int arrays = kind[5] == 'a';
		put(t, "[");
		while (t->len + 2 * (ASL_PARSE_MAX_DEPTH * 6) < size) {
			if (arrays)
				nest(t, "[", "1", "]", ASL_PARSE_MAX_DEPTH - 1);
			else
				nest(t, "{\"k\":", "1", "}", ASL_PARSE_MAX_DEPTH - 1);
			put(t, ",");
		}
		put(t, "1]");
	} else if (strcmp(kind, "long-string") == 0) {
		put(t, "[\"");
		while (t->len + 8 < size)
			put(t, "ab\xC3\xA9\\n\\u00e9");
		put(t, "\"]");
	} else if (strcmp(kind, "small-tokens") == 0) {
		put(t, "[1");
		while (t->len + 8 < size)
			put(t, ",1,[],{}");
		put(t, "]");
	} else if (strcmp(kind, "many-keys") == 0) {
		char key[48];
		put(t, "{\"k\":0");
		for (int i = 0; t->len + 32 < size; i++) {
			snprintf(key, sizeof key, ",\"k%d\":%d", i, i);
			put(t, key);
		}
		put(t, "}");
	} else if (strcmp(kind, "same-key") == 0) {
		put(t, "{\"a\":1");
		while (t->len + 8 < size)
			put(t, ",\"a\":1");
		put(t, "}");
	} else {
		fprintf(stderr, "unknown kind %s\n", kind);
		exit(2);
	}
}

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KIND SIZE\n", argv[0]);
		return 2;
	}
	text t = {NULL, 0, 0};
	build(&t, argv[1], strtoul(argv[2], NULL, 10));
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	/* parse again and again for at least 0.3 s of CPU (at least 5 times), median per parse */
	double times[1000], total = 0;
	int n = 0, accepted = 0;
	while (n < 1000 && (n < 5 || total < 0.3)) {
		asl_parse_error err;
		double t0 = cpu_seconds();
		accepted = asl_parse(&arena, t.s, t.len, 0, &err) != NULL;
		times[n] = cpu_seconds() - t0;
		total += times[n++];
		asl_arena_reset(&arena);
		if (total > 60)
			break; /* quadratic code: one run is enough to show it */
	}
	qsort(times, (size_t)n, sizeof times[0], cmp);
	double mib = (double)t.len / (1024 * 1024);
	printf("%zu %.3f %s %d\n", t.len, times[n / 2] * 1000 / mib,
	       accepted ? "accepted" : "rejected", n);
	asl_arena_destroy(&arena);
	free(t.s);
	return 0;
}
