/* The graph as JSON: {"name", "nodes":[{"id","name","type","line","col","cluster",
 * "details"}], "edges":[{"from","to","kind","label"}], "clusters":[...], "notes"}, node and
 * cluster ids being JSON Pointers into the definition. Overlay fields appear only when an
 * overlay was applied, so the plain graph stays small. */
#include <stdio.h>
#include <string.h>

#include "graph.h"

/* len bytes of s, which may hold a NUL (a state named "a\u0000b"): written as \u0000. */
static void json_text(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; p < (const unsigned char *)s + len;
	     p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void json_string(FILE *f, const char *s)
{
	json_text(f, s, strlen(s));
}

static const char *const NODE_KINDS[] = {"state", "start", "end"};
static const char *const EDGE_KINDS[] = {"start", "next", "choice", "default",
					 "catch", "end",  "branch"};
static const char *const STATUSES[GR_STATUS_COUNT] = {"not_run", "succeeded", "failed",
						      "caught",  "running",   "aborted"};
static const char *const CHANGES[] = {"same", "added", "removed", "changed"};

static void write_node_overlay(FILE *f, const gr_graph *g, const gr_node *n)
{
	if (g->overlay & GR_OVERLAY_HISTORY)
		fprintf(f, ",\"status\":\"%s\",\"on_path\":%s", STATUSES[n->status],
			n->on_path ? "true" : "false");
	if (g->overlay & (GR_OVERLAY_HISTORY | GR_OVERLAY_RUNS))
		fprintf(f, ",\"visits\":%ld,\"failures\":%ld,\"retries\":%ld", n->visits,
			n->failures, n->retries);
	if ((g->overlay & (GR_OVERLAY_HISTORY | GR_OVERLAY_RUNS)) && n->type &&
	    !strcmp(n->type, "Map")) {
		fputs(",\"iterations\":{", f);
		for (int i = 0; i < GR_STATUS_COUNT; i++)
			fprintf(f, "%s\"%s\":%ld", i ? "," : "", STATUSES[i], n->iterations[i]);
		fputc('}', f);
	}
	if (g->overlay & GR_OVERLAY_DIFF)
		fprintf(f, ",\"change\":\"%s\"", CHANGES[n->change]);
}

static void write_node(FILE *f, const gr_graph *g, const gr_node *n)
{
	fprintf(f, "{\"id\":");
	json_text(f, n->id, n->id_len);
	fprintf(f, ",\"kind\":\"%s\",\"name\":", NODE_KINDS[n->kind]);
	json_text(f, n->name, n->name_len);
	if (n->type) {
		fputs(",\"type\":", f);
		json_string(f, n->type);
	}
	if (n->line)
		fprintf(f, ",\"line\":%d,\"col\":%d", n->line, n->col);
	fprintf(f, ",\"cluster\":");
	json_text(f, g->clusters[n->cluster].id, g->clusters[n->cluster].id_len);
	if (n->detail_count) {
		fputs(",\"details\":[", f);
		for (int i = 0; i < n->detail_count; i++) {
			if (i)
				fputc(',', f);
			json_string(f, n->details[i]);
		}
		fputc(']', f);
	}
	if (n->hidden)
		fputs(",\"hidden\":true", f);
	write_node_overlay(f, g, n);
	fputc('}', f);
}

static void write_edge(FILE *f, const gr_graph *g, const gr_edge *e)
{
	fputs("{\"from\":", f);
	json_text(f, g->nodes[e->from].id, g->nodes[e->from].id_len);
	fputs(",\"to\":", f);
	json_text(f, g->nodes[e->to].id, g->nodes[e->to].id_len);
	fprintf(f, ",\"kind\":\"%s\"", EDGE_KINDS[e->kind]);
	if (e->label) {
		fputs(",\"label\":", f);
		json_string(f, e->label);
	}
	if (e->hidden)
		fputs(",\"hidden\":true", f);
	if (g->overlay & (GR_OVERLAY_HISTORY | GR_OVERLAY_RUNS))
		fprintf(f, ",\"count\":%ld", e->count);
	if (g->overlay & GR_OVERLAY_HISTORY)
		fprintf(f, ",\"on_path\":%s", e->on_path ? "true" : "false");
	if (g->overlay & GR_OVERLAY_DIFF)
		fprintf(f, ",\"change\":\"%s\"", CHANGES[e->change]);
	fputc('}', f);
}

static void write_cluster(FILE *f, const gr_graph *g, const gr_cluster *c)
{
	fputs("{\"id\":", f);
	json_text(f, c->id, c->id_len);
	fputs(",\"label\":", f);
	json_string(f, c->label);
	fprintf(f, ",\"kind\":\"%s\"",
		c->parent < 0  ? "machine"
		: c->scope < 0 ? "container"
			       : "scope");
	if (c->parent >= 0) {
		fputs(",\"parent\":", f);
		json_text(f, g->clusters[c->parent].id, g->clusters[c->parent].id_len);
	}
	if (c->owner >= 0) {
		fputs(",\"owner\":", f);
		json_text(f, g->nodes[c->owner].id, g->nodes[c->owner].id_len);
	}
	if (c->collapsed)
		fputs(",\"collapsed\":true", f);
	fputc('}', f);
}

int graph_write_json(const gr_graph *g, FILE *out)
{
	fputs("{\"name\":", out);
	json_string(out, g->name ? g->name : "");
	if (g->comment) {
		fputs(",\"comment\":", out);
		json_string(out, g->comment);
	}
	if (g->overlay & GR_OVERLAY_RUNS)
		fprintf(out, ",\"runs\":%ld", g->runs);
	fputs(",\n\"nodes\":[", out);
	for (int i = 0; i < g->node_count; i++) {
		fputs(i ? ",\n" : "\n", out);
		write_node(out, g, &g->nodes[i]);
	}
	fputs("],\n\"edges\":[", out);
	for (int i = 0; i < g->edge_count; i++) {
		fputs(i ? ",\n" : "\n", out);
		write_edge(out, g, &g->edges[i]);
	}
	fputs("],\n\"clusters\":[", out);
	for (int i = 0; i < g->cluster_count; i++) {
		fputs(i ? ",\n" : "\n", out);
		write_cluster(out, g, &g->clusters[i]);
	}
	fputs("],\n\"notes\":[", out);
	for (int i = 0; i < g->note_count; i++) {
		if (i)
			fputc(',', out);
		json_string(out, g->notes[i]);
	}
	fputs("]}\n", out);
	return ferror(out) ? -1 : 0;
}
