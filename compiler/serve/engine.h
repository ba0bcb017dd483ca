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
	/* a nested execution: the parent's task token and execution (the task row's kind is
	 * "nested", "nested.sync" or "nested.sync:2"; its activity_arn names the child) */
	char *parent_token;
	int64_t parent_id;
	/* its end for the parent (.sync), delivered once the end is committed */
	const char *parent_output, *parent_error, *parent_cause;
};

/* tasks.c: publishing a step's tokens once they are committed, and nested executions */
void sv_publish(sv_server *srv, sv_live *l, sv_fresh_task *fresh);
/* Starts the child of the nested task `token` (its effective input `params`); a failure to
 * start fails the task. */
void sv_nested_start(sv_server *srv, int64_t parent_id, const char *token, const char *params,
		     size_t len);
/* The parent's task row for a child's end (inside the end's transaction): 0, or -1 */
int sv_nested_done(sv_server *srv, sv_live *child, const asl_result *r, int64_t stop_ms);
void sv_nested_deliver(sv_server *srv, sv_live *child);
/* engine.c */
/* A worker took the activity task `token`: its execution records ActivityStarted. */
void sv_engine_started(sv_server *srv, int64_t execution_id, const char *token, const char *worker);
int sv_engine_waiting(sv_server *srv, int64_t execution_id, const char *token);
void sv_engine_give_up(sv_server *srv, const st_execution *e, const char *why);
/* A running child execution learns its parent's token (a repeated nested start). */
void sv_engine_link_parent(sv_server *srv, int64_t child_id, const char *token, int64_t parent_id);

#endif
