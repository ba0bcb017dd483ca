/* What the files of the SQLite store (store_sqlite*.c) share, and nothing outside them sees:
 * the store's struct, its statements by number, and the helpers that bind, run and read them
 * under the store's lock. The store's interface is store.h. */
#ifndef ASLC_SERVE_STORE_SQLITE_H
#define ASLC_SERVE_STORE_SQLITE_H

#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* The statements, by number; their SQL is sq_sql[] (store_sqlite_sql.c). */
enum {
	Q_BEGIN,
	Q_COMMIT,
	Q_ROLLBACK,
	Q_SAVEPOINT,
	Q_RELEASE,
	Q_ROLLBACK_TO,
	Q_MACHINE_PUT,
	Q_MACHINE_UPDATE,
	Q_MACHINE_GET,
	Q_MACHINE_GET_ID,
	Q_MACHINE_TAGS_DELETE,
	Q_MACHINE_DELETE,
	Q_MACHINE_LIST,
	Q_DEFINITION_PUT,
	Q_DEFINITION_GET,
	Q_EXECUTION_PUT,
	Q_EXECUTION_GET,
	Q_EXECUTION_GET_ID,
	Q_EXECUTION_GET_NAME,
	Q_EXECUTION_CHECKPOINT,
	Q_EXECUTION_FINISH,
	Q_EXECUTION_CLOSE_TASKS,
	Q_EXECUTION_LIST,
	Q_EXECUTION_LIST_STATUS,
	Q_EXECUTION_RUNNING,
	Q_EVENT_PUT,
	Q_EVENT_LIST,
	Q_EVENT_LIST_REVERSE,
	Q_ACTIVITY_PUT,
	Q_ACTIVITY_GET,
	Q_ACTIVITY_LIST,
	Q_ACTIVITY_TAGS_DELETE,
	Q_ACTIVITY_DELETE,
	Q_TASK_PUT,
	Q_TASK_GET,
	Q_TASK_UPDATE,
	Q_TASK_OPEN,
	Q_TASK_OPEN_ALL,
	Q_TAG_SET,
	Q_TAG_REMOVE,
	Q_TAG_LIST,
	Q_COUNT
};

extern const char sq_schema[]; /* the tables and indexes of a new store */
extern const char *const sq_sql[Q_COUNT];
/* The schema sq_schema writes, kept in PRAGMA user_version; a store of an older version is
 * migrated at open (none yet), one of a newer version is refused. */
#define SQ_SCHEMA_VERSION 1

typedef struct sq_store {
	st_store base;
	sqlite3 *db;
	sqlite3_stmt *stmt[Q_COUNT]; /* prepared on first use */
	/* recursive: begin keeps it locked until commit or rollback, and the calls that thread
	 * makes in between lock it again */
	pthread_mutex_t mutex;
	int in_tx; /* between a successful begin and its commit or rollback; read under mutex */
} sq_store;

static inline sq_store *sq_from(st_store *s)
{
	return (sq_store *)s;
}

static inline void sq_lock(sq_store *s)
{
	pthread_mutex_lock(&s->mutex);
}

static inline void sq_unlock(sq_store *s)
{
	pthread_mutex_unlock(&s->mutex);
}

/* --- the calling thread's message (store_sqlite.c) --- */

/* Sets the message, printf-style. */
void sq_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The database's message, with the operation it came from: -1. */
int sq_fail(sq_store *s, const char *op);
int sq_fail_nomem(const char *op); /* -1 */

/* --- statements (store_sqlite.c) --- */

/* The cached statement `q`, reset and ready for binding; NULL when it cannot be prepared. */
sqlite3_stmt *sq_stmt(sq_store *s, int q);
/* An operation of several statements opens a savepoint (inside begin..commit or not) and ends
 * it with sq_op_end: released when r is 0, rolled back to otherwise. sq_op_begin locks the
 * store (0) or reports (-1); sq_op_end unlocks it and returns r. */
int sq_op_begin(sq_store *s, const char *op);
int sq_op_end(sq_store *s, int r, const char *op);

/* --- binding, running and reading (store_sqlite_rows.c) --- */

static inline int sq_bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v);
}

int sq_bind_text(sqlite3_stmt *st, int i, st_text t); /* absent: NULL */
int sq_bind_blob(sqlite3_stmt *st, int i, st_text t);
int sq_bind_limit(sqlite3_stmt *st, int i, size_t limit);

static inline int64_t sq_col_i64(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

/* Copies column i into the arena, NUL-terminated; NULL stays absent. -1: out of memory. */
int sq_col_text(sqlite3_stmt *st, int i, asl_arena *a, st_text *out);

/* Reads the current row into *out; nonzero: out of memory. */
typedef int (*sq_row_reader)(sqlite3_stmt *st, asl_arena *a, void *out);

/* Runs a statement that returns no rows: 0, 1 for a unique or primary key conflict, -1. */
int sq_run(sq_store *s, sqlite3_stmt *st, const char *op);
/* The rows an UPDATE or DELETE changed: none is "not found" (1); otherwise r. */
int sq_changed(sq_store *s, int r, const char *op);

/* One call of one statement: sq_start locks the store and returns statement q (NULL: it
 * reported and unlocked); the caller binds, then ends with one of the others, which reset the
 * statement and unlock. */
sqlite3_stmt *sq_start(sq_store *s, int q, const char *op);
int sq_bind_failed(sq_store *s, sqlite3_stmt *st, const char *op); /* -1 */
/* the first row into `out`: 0, 1 when there is none, -1 */
int sq_get_one(sq_store *s, sqlite3_stmt *st, const char *op, sq_row_reader read, asl_arena *a,
	       void *out);
/* every row, into an array of `size`-byte items in the arena (*rows; NULL when none): 0, -1 */
int sq_get_all(sq_store *s, sqlite3_stmt *st, const char *op, sq_row_reader read, size_t size,
	       asl_arena *a, void **rows, size_t *n);
/* an INSERT: 0 with the new row's id in *id (id may be NULL), 1 when a unique key is taken */
int sq_insert(sq_store *s, sqlite3_stmt *st, const char *op, int64_t *id);
/* an UPDATE of one row: 0, 1 when there is no such row or a unique key is taken */
int sq_update(sq_store *s, sqlite3_stmt *st, const char *op);

/* --- the operations of st_store_ops, by file --- */

/* store_sqlite_machines.c */
int sq_machine_put(st_store *base, st_machine *m);
int sq_machine_update(st_store *base, const st_machine *m);
int sq_machine_get(st_store *base, const char *arn, asl_arena *a, st_machine *out);
int sq_machine_get_id(st_store *base, int64_t id, asl_arena *a, st_machine *out);
int sq_machine_delete(st_store *base, int64_t id);
int sq_machine_list(st_store *base, const char *after_name, size_t limit, asl_arena *a,
		    st_machine **out, size_t *n);
int sq_definition_put(st_store *base, st_definition *d);
int sq_definition_get(st_store *base, int64_t id, asl_arena *a, st_definition *out);
int sq_activity_put(st_store *base, st_activity *act);
int sq_activity_get(st_store *base, const char *arn, asl_arena *a, st_activity *out);
int sq_activity_list(st_store *base, const char *after_name, size_t limit, asl_arena *a,
		     st_activity **out, size_t *n);
int sq_activity_delete(st_store *base, const char *arn);
int sq_tag_set(st_store *base, const char *arn, const st_tag *tags, size_t n);
int sq_tag_remove(st_store *base, const char *arn, const st_text *keys, size_t n);
int sq_tag_list(st_store *base, const char *arn, asl_arena *a, st_tag **out, size_t *n);

/* store_sqlite_executions.c */
int sq_execution_put(st_store *base, st_execution *e);
int sq_execution_get(st_store *base, const char *arn, asl_arena *a, st_execution *out);
int sq_execution_get_id(st_store *base, int64_t id, asl_arena *a, st_execution *out);
int sq_execution_get_name(st_store *base, int64_t machine_id, const char *name, asl_arena *a,
			  st_execution *out);
int sq_execution_checkpoint(st_store *base, int64_t id, const st_event *events, size_t n,
			    st_text snapshot, int64_t wake_ms);
int sq_execution_finish(st_store *base, int64_t id, const st_event *events, size_t n,
			const st_execution *end);
int sq_execution_list(st_store *base, const st_exec_query *q, asl_arena *a, st_execution **out,
		      size_t *n);
int sq_execution_running(st_store *base, asl_arena *a, st_execution **out, size_t *n);
int sq_event_list(st_store *base, int64_t execution_id, int reverse, int64_t from_id, size_t limit,
		  asl_arena *a, st_event **out, size_t *n);

/* store_sqlite_tasks.c */
int sq_task_put(st_store *base, const st_task *t);
int sq_task_get(st_store *base, const char *token, asl_arena *a, st_task *out);
int sq_task_update(st_store *base, const st_task *t);
int sq_task_open(st_store *base, int64_t execution_id, asl_arena *a, st_task **out, size_t *n);

#endif
