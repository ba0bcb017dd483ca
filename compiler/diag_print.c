/* Printing diagnostics as aslc does: file:line:col: error: message, the source line and a caret
 * under the column (chibicc's error_tok), then the number of errors. */
#include <string.h>

#include "aslc.h"

static void print_line(FILE *out, const char *text, size_t len, size_t pos)
{
	if (!text || pos > len)
		return;
	size_t start = pos, end = pos;
	/* a long line (minified JSON) gets no caret line, and is not scanned to its ends */
	while (start > 0 && text[start - 1] != '\n' && pos - start <= 200)
		start--;
	while (end < len && text[end] != '\n' && end - start <= 200)
		end++;
	if (end - start > 200)
		return;
	fprintf(out, "  %.*s\n  ", (int)(end - start), text + start);
	for (size_t i = start; i < pos; i++)
		fputc(text[i] == '\t' ? '\t' : ' ', out);
	fputs("^\n", out);
}

/* Errors the validator found (the count follows them); a definition that is not JSON, or is
 * too large, never reached it. */
static int is_validation_error(const aslc_diagnostic *it)
{
	return it->severity == ASLC_ERROR && it->pointer &&
	       it->code != ASLC_INVALID_JSON_DESCRIPTION && it->code != ASLC_DEFINITION_TOO_LARGE;
}

void aslc_print_diagnostics(FILE *out, const aslc_diagnostics *d, const char *text, size_t len,
			    const char *prog)
{
	int validation_errors = 0;
	const char *file = NULL;
	for (size_t i = 0; i < d->count; i++) {
		const aslc_diagnostic *it = &d->items[i];
		const char *kind = it->severity == ASLC_ERROR ? "error" : "note";
		if (!it->pointer) {
			fprintf(out, "%s: %s\n", prog, it->message);
		} else if (!it->line) {
			fprintf(out, "%s: %s: %s\n", it->file, kind, it->message);
		} else {
			fprintf(out, "%s:%d:%d: %s: %s\n", it->file, it->line, it->column, kind,
				it->message);
			print_line(out, text, len, it->offset);
		}
		if (is_validation_error(it)) {
			validation_errors++;
			file = it->file;
		}
	}
	if (validation_errors)
		fprintf(out, "%s: %d error%s\n", file, validation_errors,
			validation_errors == 1 ? "" : "s");
}
