/* The SQLite store's executions and their history: an execution's row, its checkpoints and its
 * end, each stored with the events that led to it in one savepoint. */
#include <stdint.h>

#include "store_sqlite.h"

/* Row readers (sq_row_reader), in the order of EXECUTION_COLS and EVENT_COLS in
 * store_sqlite_sql.c. */
static int read_execution(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_execution *e = out;
	e->id = sq_col_i64(st, 0);
	e->machine_id = sq_col_i64(st, 1);
	e->definition_id = sq_col_i64(st, 2);
	e->start_ms = sq_col_i64(st, 12);
	e->stop_ms = sq_col_i64(st, 13);
	e->event_count = sq_col_i64(st, 14);
	e->wake_ms = sq_col_i64(st, 16);
	e->express = (int)sq_col_i64(st, 17);
	return sq_col_text(st, 3, a, &e->arn) || sq_col_text(st, 4, a, &e->name) ||
	       sq_col_text(st, 5, a, &e->machine_arn) || sq_col_text(st, 6, a, &e->status) ||
	       sq_col_text(st, 7, a, &e->input) || sq_col_text(st, 8, a, &e->output) ||
	       sq_col_text(st, 9, a, &e->error) || sq_col_text(st, 10, a, &e->cause) ||
	       sq_col_text(st, 11, a, &e->trace_header) || sq_col_text(st, 15, a, &e->snapshot);
}

static int read_event(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_event *e = out;
	e->id = sq_col_i64(st, 0);
	e->previous_id = sq_col_i64(st, 1);
	e->timestamp_ms = sq_col_i64(st, 2);
	return sq_col_text(st, 3, a, &e->type) || sq_col_text(st, 4, a, &e->details_key) ||
	       sq_col_text(st, 5, a, &e->details);
}

int sq_execution_put(st_store *base, st_execution *e)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_EXECUTION_PUT, "execution_put");
	if (!st)
		return -1;
	int bad = sq_bind_i64(st, 1, e->machine_id) || sq_bind_i64(st, 2, e->definition_id) ||
		  sq_bind_text(st, 3, e->arn) || sq_bind_text(st, 4, e->name) ||
		  sq_bind_text(st, 5, e->machine_arn) || sq_bind_text(st, 6, e->status) ||
		  sq_bind_text(st, 7, e->input) || sq_bind_text(st, 8, e->output) ||
		  sq_bind_text(st, 9, e->error) || sq_bind_text(st, 10, e->cause) ||
		  sq_bind_text(st, 11, e->trace_header) || sq_bind_i64(st, 12, e->start_ms) ||
		  sq_bind_i64(st, 13, e->stop_ms) || sq_bind_i64(st, 14, e->event_count) ||
		  sq_bind_blob(st, 15, e->snapshot) || sq_bind_i64(st, 16, e->wake_ms) ||
		  sq_bind_i64(st, 17, e->express != 0);
	if (bad)
		return sq_bind_failed(s, st, "execution_put");
	return sq_insert(s, st, "execution_put", &e->id);
}

int sq_execution_get(st_store *base, const char *arn, asl_arena *a, st_execution *out)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_EXECUTION_GET, "execution_get");
	if (!st)
		return -1;
	if (sq_bind_text(st, 1, st_cstr(arn)))
		return sq_bind_failed(s, st, "execution_get");
	return sq_get_one(s, st, "execution_get", read_execution, a, out);
}

int sq_execution_get_id(st_store *base, int64_t id, asl_arena *a, st_execution *out)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_EXECUTION_GET_ID, "execution_get_id");
	if (!st)
		return -1;
	sq_bind_i64(st, 1, id);
	return sq_get_one(s, st, "execution_get_id", read_execution, a, out);
}

int sq_execution_get_name(st_store *base, int64_t machine_id, const char *name, asl_arena *a,
			  st_execution *out)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_EXECUTION_GET_NAME, "execution_get_name");
	if (!st)
		return -1;
	if (sq_bind_i64(st, 1, machine_id) || sq_bind_text(st, 2, st_cstr(name)))
		return sq_bind_failed(s, st, "execution_get_name");
	return sq_get_one(s, st, "execution_get_name", read_execution, a, out);
}

/* The largest event id of events[0..n-1]: the execution's event_count after they are stored
 * (ids only grow). */
static int64_t last_id(const st_event *events, size_t n)
{
	int64_t last = 0;
	for (size_t i = 0; i < n; i++)
		if (events[i].id > last)
			last = events[i].id;
	return last;
}

/* Inserts events of execution `id`, keeping those already there: 0 or -1. Under the lock. */
static int put_events(sq_store *s, int64_t id, const st_event *events, size_t n, const char *op)
{
	sqlite3_stmt *st = sq_stmt(s, Q_EVENT_PUT);
	if (!st)
		return sq_fail(s, op);
	for (size_t i = 0; i < n; i++) {
		const st_event *e = &events[i];
		if (sq_bind_i64(st, 1, id) || sq_bind_i64(st, 2, e->id) ||
		    sq_bind_i64(st, 3, e->previous_id) || sq_bind_i64(st, 4, e->timestamp_ms) ||
		    sq_bind_text(st, 5, e->type) || sq_bind_text(st, 6, e->details_key) ||
		    sq_bind_text(st, 7, e->details)) {
			sqlite3_reset(st);
			return sq_fail(s, op);
		}
		if (sq_run(s, st, op))
			return -1; /* OR IGNORE: any error here is a real one */
	}
	return 0;
}

int sq_execution_checkpoint(st_store *base, int64_t id, const st_event *events, size_t n,
			    st_text snapshot, int64_t wake_ms)
{
	sq_store *s = sq_from(base);
	const char *op = "execution_checkpoint";
	if (sq_op_begin(s, op))
		return -1;
	/* the execution first, so that an unknown one is "not found", not a foreign key error */
	sqlite3_stmt *st = sq_stmt(s, Q_EXECUTION_CHECKPOINT);
	int r;
	if (!st)
		r = sq_fail(s, op);
	else if (sq_bind_i64(st, 1, id) || sq_bind_blob(st, 2, snapshot) ||
		 sq_bind_i64(st, 3, wake_ms) || sq_bind_i64(st, 4, last_id(events, n))) {
		sqlite3_reset(st);
		r = sq_fail(s, op);
	} else
		r = sq_changed(s, sq_run(s, st, op), op);
	if (r == 0)
		r = put_events(s, id, events, n, op);
	return sq_op_end(s, r, op);
}

int sq_execution_finish(st_store *base, int64_t id, const st_event *events, size_t n,
			const st_execution *end)
{
	sq_store *s = sq_from(base);
	const char *op = "execution_finish";
	if (sq_op_begin(s, op))
		return -1;
	sqlite3_stmt *st = sq_stmt(s, Q_EXECUTION_FINISH),
		     *tasks = sq_stmt(s, Q_EXECUTION_CLOSE_TASKS);
	int r;
	if (!st || !tasks)
		r = sq_fail(s, op);
	else if (sq_bind_i64(st, 1, id) || sq_bind_text(st, 2, end->status) ||
		 sq_bind_text(st, 3, end->output) || sq_bind_text(st, 4, end->error) ||
		 sq_bind_text(st, 5, end->cause) || sq_bind_i64(st, 6, end->stop_ms) ||
		 sq_bind_i64(st, 7, last_id(events, n))) {
		sqlite3_reset(st);
		r = sq_fail(s, op);
	} else
		r = sq_changed(s, sq_run(s, st, op), op); /* first, as in a checkpoint */
	if (r == 0)
		r = put_events(s, id, events, n, op);
	if (r == 0) {
		sq_bind_i64(tasks, 1, id);
		r = sq_run(s, tasks, op);
	}
	return sq_op_end(s, r, op);
}

int sq_execution_list(st_store *base, const st_exec_query *q, asl_arena *a, st_execution **out,
		      size_t *n)
{
	sq_store *s = sq_from(base);
	int by_status = q->status.ptr != NULL;
	sqlite3_stmt *st = sq_start(s, by_status ? Q_EXECUTION_LIST_STATUS : Q_EXECUTION_LIST,
				    "execution_list");
	if (!st)
		return -1;
	/* the first page starts after the largest key there can be */
	int64_t after_start = q->after_id ? q->after_start_ms : INT64_MAX;
	int64_t after_id = q->after_id ? q->after_id : INT64_MAX;
	if (sq_bind_i64(st, 1, q->machine_id) || (by_status && sq_bind_text(st, 2, q->status)) ||
	    sq_bind_i64(st, 3, after_start) || sq_bind_i64(st, 4, after_id) ||
	    sq_bind_limit(st, 5, q->limit))
		return sq_bind_failed(s, st, "execution_list");
	void *rows;
	int r = sq_get_all(s, st, "execution_list", read_execution, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}

int sq_execution_running(st_store *base, asl_arena *a, st_execution **out, size_t *n)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_EXECUTION_RUNNING, "execution_running");
	if (!st)
		return -1;
	void *rows;
	int r = sq_get_all(s, st, "execution_running", read_execution, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}

int sq_event_list(st_store *base, int64_t execution_id, int reverse, int64_t from_id, size_t limit,
		  asl_arena *a, st_event **out, size_t *n)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, reverse ? Q_EVENT_LIST_REVERSE : Q_EVENT_LIST, "event_list");
	if (!st)
		return -1;
	if (reverse && from_id == 0)
		from_id = INT64_MAX; /* from the end */
	sq_bind_i64(st, 1, execution_id);
	sq_bind_i64(st, 2, from_id);
	sq_bind_limit(st, 3, limit);
	void *rows;
	int r = sq_get_all(s, st, "event_list", read_event, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}
