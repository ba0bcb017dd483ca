/* The service's durable store, as the API and the engine see it: state machines and their
 * definitions, executions with their history and checkpoints, activities, task tokens and tags.
 * One implementation today (store_sqlite*.c); another database implements the same table of
 * functions, and nothing else changes.
 *
 * Conventions: every function returns 0 on success, 1 for "not found" (gets) or "already
 * there" (puts with a unique key), and -1 on a database error, with a message that
 * ops->error gives the thread that made the call.
 * Strings a get fills in live in the caller's arena. Times are ms since the epoch. Writes that
 * belong together go inside begin/commit: a call outside a transaction commits by itself.
 * The store is used from several threads; it serializes its calls inside. */
#ifndef ASLC_SERVE_STORE_H
#define ASLC_SERVE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "asl/json.h"

typedef struct st_text {
	const char *ptr; /* NULL: absent */
	size_t len;
} st_text;

typedef struct st_machine {
	int64_t id;
	st_text arn, name, type /* STANDARD | EXPRESS */, role_arn, status /* ACTIVE | DELETING */;
	int64_t definition_id; /* the current revision's definition */
	st_text revision_id; /* absent until the first update */
	st_text logging, tracing, encryption; /* the JSON the client gave; absent: defaults */
	int64_t created_ms, updated_ms;
} st_machine;

/* A definition as submitted (byte for byte), with the revision it belonged to; executions point
 * at it, so an update does not change what running executions run. */
typedef struct st_definition {
	int64_t id, machine_id;
	st_text text, revision_id, role_arn;
	int64_t created_ms;
} st_definition;

typedef struct st_execution {
	int64_t id, machine_id, definition_id;
	st_text arn, name, machine_arn, status; /* RUNNING SUCCEEDED FAILED TIMED_OUT ABORTED */
	st_text input, output, error, cause, trace_header;
	int64_t start_ms, stop_ms; /* stop_ms 0 while running */
	int64_t event_count; /* events stored */
	st_text snapshot; /* the checkpoint: asl_snapshot's bytes; absent before the first */
	int64_t wake_ms; /* when the checkpoint can go on by itself; 0: it waits for outside */
	int express;
} st_execution;

typedef struct st_event {
	int64_t id, previous_id, timestamp_ms;
	st_text type, details_key, details; /* details: JSON object text; absent: none */
} st_event;

typedef struct st_activity {
	int64_t id;
	st_text arn, name;
	int64_t created_ms;
} st_activity;

/* A task token handed to the outside: an activity task, a callback (.waitForTaskToken) or a
 * nested execution the parent waits for. */
typedef enum st_task_status {
	ST_TASK_SCHEDULED, /* activity: queued for a worker */
	ST_TASK_STARTED, /* activity: a worker has it; callback/nested: waiting */
	ST_TASK_DONE, /* the outcome came and is stored below, not yet checkpointed */
	ST_TASK_CLOSED /* consumed, timed out, or the execution ended */
} st_task_status;

typedef struct st_task {
	st_text token;
	int64_t execution_id;
	st_text kind; /* "activity", "callback", "nested" */
	st_text activity_arn; /* activity: its ARN; nested: the child execution's ARN */
	st_text input; /* activity: the task's input */
	st_task_status status;
	st_text worker_name;
	int64_t scheduled_ms;
	int succeeded; /* DONE: 1 with output, 0 with error and cause */
	st_text output, error, cause;
} st_task;

typedef struct st_tag {
	st_text key, value;
} st_tag;

/* ListExecutions: newest first by (start_ms, id); after_* is the last key of the previous page
 * (after_id 0: the first page). status absent: all. */
typedef struct st_exec_query {
	int64_t machine_id;
	st_text status;
	int64_t after_start_ms, after_id;
	size_t limit;
} st_exec_query;

typedef struct st_store st_store;

typedef struct st_store_ops {
	void (*close)(st_store *s);
	int (*begin)(st_store *s);
	int (*commit)(st_store *s);
	void (*rollback)(st_store *s);
	/* the calling thread's last message (a failure's, or a get's "not found"); per thread, so
	 * that another thread's failure does not replace it; valid until this thread's next call */
	const char *(*error)(st_store *s);

	/* state machines; machine_put sets m->id; definition_put sets d->id */
	int (*machine_put)(st_store *s, st_machine *m); /* 1: the name is taken */
	int (*machine_update)(st_store *s, const st_machine *m); /* by m->id: every field */
	int (*machine_get)(st_store *s, const char *arn, asl_arena *a, st_machine *out);
	int (*machine_get_id)(st_store *s, int64_t id, asl_arena *a, st_machine *out);
	int (*machine_delete)(st_store *s, int64_t id); /* its tags too; executions stay */
	/* by name, after `after_name` (NULL: from the start); *n filled, at most `limit` */
	int (*machine_list)(st_store *s, const char *after_name, size_t limit, asl_arena *a,
			    st_machine **out, size_t *n);
	int (*definition_put)(st_store *s, st_definition *d);
	int (*definition_get)(st_store *s, int64_t id, asl_arena *a, st_definition *out);

	/* executions; execution_put sets e->id; 1: (machine_id, name) is taken */
	int (*execution_put)(st_store *s, st_execution *e);
	int (*execution_get)(st_store *s, const char *arn, asl_arena *a, st_execution *out);
	int (*execution_get_id)(st_store *s, int64_t id, asl_arena *a, st_execution *out);
	int (*execution_get_name)(st_store *s, int64_t machine_id, const char *name, asl_arena *a,
				  st_execution *out);
	/* a checkpoint: the new events, and the snapshot and wake time (snapshot absent: keep) */
	int (*execution_checkpoint)(st_store *s, int64_t id, const st_event *events, size_t n,
				    st_text snapshot, int64_t wake_ms);
	/* the end: the last events, then status, output or error and cause, stop_ms; the snapshot
	 * is dropped and the execution's open tasks are closed. 1: it is not RUNNING (it ended
	 * already): nothing is written */
	int (*execution_finish)(st_store *s, int64_t id, const st_event *events, size_t n,
				const st_execution *end);
	int (*execution_list)(st_store *s, const st_exec_query *q, asl_arena *a, st_execution **out,
			      size_t *n);
	/* every RUNNING execution (with its snapshot), for recovery, oldest first */
	int (*execution_running)(st_store *s, asl_arena *a, st_execution **out, size_t *n);

	/* history: ascending from after_id + 1, or descending from before_id - 1 (0: the end) */
	int (*event_list)(st_store *s, int64_t execution_id, int reverse, int64_t from_id,
			  size_t limit, asl_arena *a, st_event **out, size_t *n);

	/* activities; activity_put sets a->id; 1: the name is taken */
	int (*activity_put)(st_store *s, st_activity *act);
	int (*activity_get)(st_store *s, const char *arn, asl_arena *a, st_activity *out);
	int (*activity_list)(st_store *s, const char *after_name, size_t limit, asl_arena *a,
			     st_activity **out, size_t *n);
	int (*activity_delete)(st_store *s, const char *arn); /* 1: there was none */

	/* task tokens */
	int (*task_put)(st_store *s, const st_task *t); /* 1: the token exists */
	int (*task_get)(st_store *s, const char *token, asl_arena *a, st_task *out);
	int (*task_update)(st_store *s, const st_task *t); /* by token: every field */
	/* the open tasks (not CLOSED) of one execution (id > 0) or of all (id 0), for recovery */
	int (*task_open)(st_store *s, int64_t execution_id, asl_arena *a, st_task **out, size_t *n);

	/* tags of a state machine or activity ARN */
	int (*tag_set)(st_store *s, const char *arn, const st_tag *tags, size_t n);
	int (*tag_remove)(st_store *s, const char *arn, const st_text *keys, size_t n);
	int (*tag_list)(st_store *s, const char *arn, asl_arena *a, st_tag **out, size_t *n);
} st_store_ops;

struct st_store {
	const st_store_ops *ops;
};

/* Opens (creating when needed) the SQLite store at `path`: WAL, synchronous NORMAL, or FULL
 * with `sync_full`. NULL with a message in `err`. */
st_store *st_sqlite_open(const char *path, int sync_full, char *err, size_t errlen);

static inline st_text st_cstr(const char *s)
{
	st_text t = {s, s ? strlen(s) : 0};
	return t;
}

#endif
