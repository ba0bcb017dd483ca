/* The SQLite store's task tokens: activity tasks, callbacks (.waitForTaskToken) and nested
 * executions a parent waits for, with their outcome until it is checkpointed. */
#include "store_sqlite.h"

/* A row reader (sq_row_reader), in the order of TASK_COLS in store_sqlite_sql.c. */
static int read_task(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_task *t = out;
	t->execution_id = sq_col_i64(st, 1);
	t->status = (st_task_status)sq_col_i64(st, 5);
	t->scheduled_ms = sq_col_i64(st, 7);
	t->succeeded = (int)sq_col_i64(st, 8);
	return sq_col_text(st, 0, a, &t->token) || sq_col_text(st, 2, a, &t->kind) ||
	       sq_col_text(st, 3, a, &t->activity_arn) || sq_col_text(st, 4, a, &t->input) ||
	       sq_col_text(st, 6, a, &t->worker_name) || sq_col_text(st, 9, a, &t->output) ||
	       sq_col_text(st, 10, a, &t->error) || sq_col_text(st, 11, a, &t->cause);
}

/* The 12 columns of TASK_COLS, token first. */
static int bind_task(sqlite3_stmt *st, const st_task *t)
{
	return sq_bind_text(st, 1, t->token) || sq_bind_i64(st, 2, t->execution_id) ||
	       sq_bind_text(st, 3, t->kind) || sq_bind_text(st, 4, t->activity_arn) ||
	       sq_bind_text(st, 5, t->input) || sq_bind_i64(st, 6, t->status) ||
	       sq_bind_text(st, 7, t->worker_name) || sq_bind_i64(st, 8, t->scheduled_ms) ||
	       sq_bind_i64(st, 9, t->succeeded != 0) || sq_bind_text(st, 10, t->output) ||
	       sq_bind_text(st, 11, t->error) || sq_bind_text(st, 12, t->cause);
}

int sq_task_put(st_store *base, const st_task *t)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_TASK_PUT, "task_put");
	if (!st)
		return -1;
	if (bind_task(st, t))
		return sq_bind_failed(s, st, "task_put");
	return sq_insert(s, st, "task_put", NULL);
}

int sq_task_get(st_store *base, const char *token, asl_arena *a, st_task *out)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_TASK_GET, "task_get");
	if (!st)
		return -1;
	if (sq_bind_text(st, 1, st_cstr(token)))
		return sq_bind_failed(s, st, "task_get");
	return sq_get_one(s, st, "task_get", read_task, a, out);
}

int sq_task_update(st_store *base, const st_task *t)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_TASK_UPDATE, "task_update");
	if (!st)
		return -1;
	if (bind_task(st, t))
		return sq_bind_failed(s, st, "task_update");
	return sq_update(s, st, "task_update");
}

int sq_task_open(st_store *base, int64_t execution_id, asl_arena *a, st_task **out, size_t *n)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, execution_id ? Q_TASK_OPEN : Q_TASK_OPEN_ALL, "task_open");
	if (!st)
		return -1;
	if (execution_id)
		sq_bind_i64(st, 1, execution_id);
	void *rows;
	int r = sq_get_all(s, st, "task_open", read_task, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}
