/* User text in generated C: escaped string literals (byte arrays past C11's limit on a
 * literal's length), comment-safe renderings and the State.Field comments on helpers. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "emit.h"

/* Longer user text is split into adjacent literals of this many bytes, one per line, so that
 * no generated line is longer than C11's 4095-character translation limit. */
enum { LITERAL_PIECE = 64 };

void emit_c_string(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i && i % LITERAL_PIECE == 0)
			fputs("\"\n\t\"", out);
		/* octal escapes take at most three digits, so they never swallow what follows;
		 * '?' is escaped too so no trigraph can form */
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c && strchr(" _-.,:;/$@#!()[]{}<>=+*&^%~|`'", c)))
			fputc(c, out);
		else
			fprintf(out, "\\%03o", c);
	}
	fputc('"', out);
}

void emit_c_text(emitter *e, FILE *out, const char *s, size_t len)
{
	/* C11 guarantees string literals of 4095 characters only (the NUL counted, to be safe) */
	if (len < 4095) {
		emit_c_string(out, s, len);
		return;
	}
	int id = e->counter++;
	fprintf(e->data, "static const char B%d_[%zu] = {\n\t", id, len + 1);
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)s[i] : 0;
		emit_list_separator(e->data, i);
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			fprintf(e->data, "'%c'", c);
		else
			fprintf(e->data, "'\\%03o'", c);
	}
	fputs("\n};\n", e->data);
	fprintf(out, "B%d_", id);
}

void emit_list_separator(FILE *out, size_t i)
{
	if (i)
		fputs(i % 16 ? ", " : ",\n\t", out);
}

void emit_comment_text(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len && i < 80; i++) {
		unsigned char c = (unsigned char)s[i];
		int safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || (c && strchr(" _-.,:", c));
		fputc(safe ? c : '_', out);
	}
}

void emit_origin(emitter *e, FILE *out, const char *slot)
{
	if (!slot || !e->state)
		return;
	if (out == e->out) { /* a run of tables from one field needs one comment */
		if (e->out_state == e->state && !strcmp(e->out_slot, slot))
			return;
		e->out_state = e->state;
		e->out_slot = slot;
	}
	fputs("/* ", out);
	emit_comment_text(out, e->state->name, e->state->name_len);
	fputc('.', out);
	emit_comment_text(out, slot, strlen(slot));
	fputs(" */\n", out);
}
