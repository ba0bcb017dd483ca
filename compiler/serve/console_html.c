/* The console's page being built: raw HTML, text escaped for HTML, percent-encoded URL parts,
 * JSON for <script> blocks and <pre>, times, the page frame and form decoding. Everything a
 * page shows from the definition or an execution goes through cn_esc or cn_url. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "console.h"

void cn_page_init(cn_page *p, sv_server *srv, cn_arg_fn arg, void *arg_user)
{
	memset(p, 0, sizeof *p);
	p->srv = srv;
	p->status = 200;
	p->arg = arg;
	p->arg_user = arg_user;
	asl_arena_init(&p->arena, NULL);
	asl_buffer_init(&p->out, &p->arena);
}

void cn_page_free(cn_page *p)
{
	asl_arena_destroy(&p->arena);
}

void cn_putn(cn_page *p, const char *s, size_t n)
{
	asl_buffer_append(&p->out, s, n);
}

void cn_put(cn_page *p, const char *s)
{
	cn_putn(p, s, strlen(s));
}

void cn_printf(cn_page *p, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		cn_putn(p, small, (size_t)n);
		return;
	}
	char *big = asl_arena_alloc(&p->arena, (size_t)n + 1);
	if (!big)
		return;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	cn_putn(p, big, (size_t)n);
}

void cn_escn(cn_page *p, const char *s, size_t n)
{
	size_t run = 0; /* bytes that need no escape, written together */
	for (size_t i = 0; i < n; i++) {
		const char *e = NULL;
		switch (s[i]) {
		case '&':
			e = "&amp;";
			break;
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '"':
			e = "&quot;";
			break;
		case '\'':
			e = "&#39;";
			break;
		case '\0':
			e = "\xef\xbf\xbd";
			break; /* U+FFFD: HTML has no NUL */
		default:
			continue;
		}
		cn_putn(p, s + run, i - run);
		cn_put(p, e);
		run = i + 1;
	}
	cn_putn(p, s + run, n - run);
}

void cn_esc(cn_page *p, const char *s)
{
	if (s)
		cn_escn(p, s, strlen(s));
}

void cn_url(cn_page *p, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			cn_putn(p, s, 1);
		} else {
			char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
			cn_putn(p, e, 3);
		}
	}
}

void cn_script_json(cn_page *p, const char *id, const char *json, size_t len)
{
	cn_put(p, "<script type=\"application/json\" id=\"");
	cn_esc(p, id);
	cn_put(p, "\">");
	size_t run = 0;
	for (size_t i = 0; i < len; i++)
		if (json[i] == '<') {
			cn_putn(p, json + run, i - run);
			cn_put(p, "\\u003c");
			run = i + 1;
		}
	cn_putn(p, json + run, len - run);
	cn_put(p, "</script>\n");
}

/* Re-indents compact JSON text (as asl_to_json writes it) two spaces a level: a pass over
 * the text rather than the value, so any depth costs no stack; indentation stops growing at
 * MAX_INDENT levels, so deep nesting cannot make the page quadratic in its depth. */
#define MAX_INDENT 16

static void newline(cn_page *p, int depth)
{
	static const char spaces[2 * MAX_INDENT + 1] = "                                ";
	cn_put(p, "\n");
	cn_putn(p, spaces, 2 * (size_t)(depth < 0 ? 0 : depth > MAX_INDENT ? MAX_INDENT : depth));
}

void cn_pretty_json(cn_page *p, const char *json, size_t len)
{
	int depth = 0, in_string = 0;
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = json[i];
		if (in_string) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_string = 0;
			continue;
		}
		const char *after = NULL;
		int wrap = 0;
		if (ch == '"') {
			in_string = 1;
		} else if ((ch == '{' || ch == '[') && i + 1 < len && json[i + 1] != '}' &&
			   json[i + 1] != ']') {
			depth++, wrap = 1;
		} else if ((ch == '}' || ch == ']') && i > 0 && json[i - 1] != '{' &&
			   json[i - 1] != '[') {
			cn_escn(p, json + run, i - run);
			run = i;
			newline(p, --depth);
		} else if (ch == ',') {
			wrap = 1;
		} else if (ch == ':') {
			after = " ";
		}
		if (wrap || after) {
			cn_escn(p, json + run, i + 1 - run);
			run = i + 1;
			if (after)
				cn_put(p, after);
			if (wrap)
				newline(p, depth);
		}
	}
	cn_escn(p, json + run, len - run);
}

void cn_iso_time(cn_page *p, const asl_value *seconds)
{
	if (!asl_is_number(seconds))
		return;
	double s = asl_number_value(seconds);
	int64_t ms = (int64_t)(s * 1000.0 + (s >= 0 ? 0.5 : -0.5));
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return;
	char text[64];
	size_t n = strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
	cn_printf(p, "%.*s.%03dZ", (int)n, text, (int)(ms % 1000));
}

void cn_head(cn_page *p, const char *title)
{
	cn_put(p, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		  "<title>");
	cn_esc(p, title);
	cn_put(p, " - aslc console</title>\n"
		  "<link rel=\"icon\" href=\"data:,\">\n" /* no /favicon.ico request: no 404 */
		  "<link rel=\"stylesheet\" href=\"/console/app.css\">\n"
		  "<script src=\"/console/app.js\" defer></script>\n</head><body>\n"
		  "<nav><a href=\"/\">Home</a></nav>\n<main>\n");
}

void cn_foot(cn_page *p)
{
	cn_put(p, "</main>\n</body></html>\n");
}

void cn_message_page(cn_page *p, int status, const char *title, const char *message)
{
	p->status = status;
	p->out.len = 0;
	cn_head(p, title);
	cn_put(p, "<h1>");
	cn_esc(p, title);
	cn_put(p, "</h1>\n<p class=\"error\">");
	cn_esc(p, message);
	cn_put(p, "</p>\n");
	cn_foot(p);
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decodes n bytes of a form field into a NUL-terminated string in `a`. */
static char *form_decode(asl_arena *a, const char *s, size_t n)
{
	char *out = asl_arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && (hi = hex_value(s[i + 1])) >= 0 &&
			   (lo = hex_value(s[i + 2])) >= 0) {
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = 0;
	return out;
}

const char *cn_form_value(asl_arena *a, const char *body, size_t len, const char *key)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i < len;) {
		const char *amp = memchr(body + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - body) : len;
		const char *eq = memchr(body + i, '=', end - i);
		size_t name_end = eq ? (size_t)(eq - body) : end;
		char *name = form_decode(a, body + i, name_end - i);
		if (name && strlen(name) == klen && !memcmp(name, key, klen))
			return eq ? form_decode(a, eq + 1, end - name_end - 1) : "";
		i = end + 1;
	}
	return NULL;
}

const char *cn_str(const asl_value *obj, const char *key)
{
	const asl_value *v = asl_object_get(obj, key, strlen(key));
	return asl_is_string(v) ? asl_string_ptr(v) : NULL;
}
