/* The engine's view of one running execution, for tasks.c and activities.c (engine.c owns
 * it). Fields marked (lock) are under srv->lock. */
#ifndef ASLC_SERVE_ENGINE_H
#define ASLC_SERVE_ENGINE_H

#include "server.h"

/* A task token the execution handed out during its current step (tasks.c adds it; the engine
 * stores it with the step's checkpoint, then publishes it). */
typedef struct sv_fresh_task {
	st_task task;
	const char *params; /* nested: the Task's effective input (JSON) */
	int sync; /* nested: 0 request-response, 1 .sync, 2 .sync:2 */
	struct sv_fresh_task *next;
} sv_fresh_task;

/* A token the execution waits on, kept until the state stops waiting (outcome, timeout). */
typedef struct sv_open_task {
	char token[80];
	char kind; /* 'a' activity, 'c' callback, 'n' nested */
	char *activity_arn; /* malloc'd; activity: its queue */
	struct sv_open_task *next;
} sv_open_task;

struct sv_live {
	sv_server *srv;
	int64_t id;
	char *arn, *machine_arn, *name; /* in `arena` */
	int express;
	const asl_machine *machine;
	asl_execution *ex;
	asl_options opts;
	asl_handler handler; /* tasks.c's, with this live as its user */
	asl_arena arena; /* for the live's lifetime */
	enum { SV_IDLE, SV_READY, SV_RUNNING } state; /* (lock) */
	int poked; /* (lock) a delivery or a stop came while it ran: step it again */
	uint64_t timer_gen; /* (lock) the current timer; older heap entries are stale */
	sv_live *ready_next, *hash_next; /* (lock) */
	/* the step's new events, in `events_arena` until the checkpoint */
	asl_arena events_arena;
	st_event *events;
	size_t event_count, event_cap;
	sv_fresh_task *fresh; /* (lock) added by tasks.c during the step */
	asl_arena fresh_arena; /* (lock) */
	sv_open_task *open;
	/* a nested execution: the parent's task token and execution */
	char *parent_token;
	int64_t parent_id;
	int parent_sync;
};

#endif
