/* div#graph's content: the definition drawn by aslc_graph as SVG (with an execution's history
 * over it when given), inlined without its XML prolog; when dot is missing, a note and the
 * Mermaid text. Nothing is cached: a drawing costs one dot run, and a cache by definition and
 * event count would only save that. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "aslc/aslc.h"
#include "console.h"

/* The drawing, or NULL with the first diagnostic's message and whether it was "dot missing". */
static char *draw(const char *name, const char *definition, size_t len, aslc_graph_format format,
		  const char *history, size_t history_len, size_t *out_len, cn_page *p,
		  const char **why, int *missing)
{
	aslc_source src = {definition, len, NULL};
	aslc_options opts;
	aslc_options_init(&opts);
	opts.name = name;
	aslc_graph_options g = {.format = format, .history = history, .history_len = history_len};
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	char *out = aslc_graph(&src, &opts, &g, out_len, &d);
	*missing = 0;
	*why = NULL;
	if (!out) {
		for (size_t i = 0; i < d.count; i++)
			if (d.items[i].severity == ASLC_ERROR) {
				*missing |= d.items[i].code == ASLC_TOOL_MISSING;
				if (!*why)
					*why = sv_printf(&p->arena, "%s", d.items[i].message);
			}
		if (!*why)
			*why = "the graph could not be drawn";
	}
	aslc_diagnostics_free(&d);
	return out;
}

static void mermaid_instead(cn_page *p, const char *name, const char *definition, size_t len,
			    const char *why)
{
	cn_put(p, "<p class=\"graph-missing\">The graph needs graphviz's dot to be drawn here (");
	cn_esc(p, why);
	cn_put(p, "). Its Mermaid text:</p>\n");
	size_t n;
	const char *why2;
	int missing;
	char *text =
		draw(name, definition, len, ASLC_GRAPH_MERMAID, NULL, 0, &n, p, &why2, &missing);
	cn_put(p, "<pre class=\"mermaid-text\">");
	if (text)
		cn_escn(p, text, n);
	else
		cn_esc(p, why2);
	cn_put(p, "</pre>\n");
	free(text);
}

void cn_graph(cn_page *p, const char *name, const char *definition, size_t len, const char *history,
	      size_t history_len)
{
	size_t n;
	const char *why;
	int missing;
	char *svg = draw(name, definition, len, ASLC_GRAPH_SVG, history, history_len, &n, p, &why,
			 &missing);
	if (!svg && history && !missing) { /* the overlay failed: the plain graph at least */
		cn_put(p,
		       "<p class=\"graph-note\">The execution could not be drawn over the graph (");
		cn_esc(p, why);
		cn_put(p, ").</p>\n");
		svg = draw(name, definition, len, ASLC_GRAPH_SVG, NULL, 0, &n, p, &why, &missing);
	}
	if (!svg) {
		mermaid_instead(p, name, definition, len, why);
		return;
	}
	/* dot's output starts with <?xml ...?>, a DOCTYPE and a comment: HTML wants the element */
	const char *start = NULL;
	for (size_t i = 0; i + 4 <= n && !start; i++)
		if (!memcmp(svg + i, "<svg", 4))
			start = svg + i;
	if (start)
		cn_putn(p, start, n - (size_t)(start - svg));
	else
		cn_put(p, "<p class=\"graph-note\">dot gave no SVG.</p>\n");
	free(svg);
}
