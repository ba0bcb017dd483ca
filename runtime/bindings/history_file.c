/* --history FILE: writes an execution's history events to a file as they come, as
 * {"events": [...]} in the shape of Step Functions' GetExecutionHistory response. */
#include <stdio.h>
#include <string.h>

#include "bindings.h"

int asl__history_open(asl_history_file *h, const char *path)
{
	memset(h, 0, sizeof *h);
	h->f = fopen(path, "wb");
	if (!h->f)
		return -1;
	asl_arena_init(&h->arena, NULL);
	h->failed = fputs("{\"events\":[", h->f) < 0;
	return 0;
}

/* asl_options.on_event: the core calls it for one event at a time, in id order. */
void asl__history_event(void *user, const asl_event *e)
{
	asl_history_file *h = user;
	asl_buffer b;
	asl_buffer_init(&b, &h->arena);
	char head[160];
	long long ms = (long long)e->timestamp_ms;
	/* AWS's wire form of a timestamp: seconds since the epoch, as a number */
	int n = snprintf(head, sizeof head,
			 "%s{\"id\":%lld,\"previousEventId\":%lld,\"timestamp\":%lld.%03lld,"
			 "\"type\":",
			 h->count ? "," : "", (long long)e->id, (long long)e->previous_id,
			 ms / 1000, ms % 1000);
	int bad = asl_buffer_append(&b, head, (size_t)n) < 0;
	/* the type and key are identifiers: no escaping needed */
	bad |= asl_buffer_putc(&b, '"') < 0 ||
	       asl_buffer_append(&b, e->type, strlen(e->type)) < 0 || asl_buffer_putc(&b, '"') < 0;
	if (e->details)
		bad |= asl_buffer_append(&b, ",\"", 2) < 0 ||
		       asl_buffer_append(&b, e->details_key, strlen(e->details_key)) < 0 ||
		       asl_buffer_append(&b, "\":", 2) < 0 || asl_write(&b, e->details) < 0;
	bad |= asl_buffer_putc(&b, '}') < 0;
	if (bad || fwrite(b.data, 1, b.len, h->f) != b.len)
		h->failed = 1;
	h->count++;
	asl_arena_reset(&h->arena);
}

int asl__history_close(asl_history_file *h)
{
	int failed = h->failed || fputs("]}\n", h->f) < 0;
	failed |= fclose(h->f) != 0;
	asl_arena_destroy(&h->arena);
	return failed ? -1 : 0;
}
