/* The service's SQLite store (compiler/serve/store.h, store_sqlite*.c) through its table of
 * functions: every operation, "not found" and "already there" as 1, keyset pagination of
 * executions, history in both directions, texts with NUL bytes, transactions that roll back,
 * data that survives a reopen, two threads writing at once, and a message per thread. Each test has a store of its
 * own in a fresh temporary directory. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <check.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

static char dir[128];
static char path[160];

/* $TMPDIR, or /tmp: where the test's scratch folder goes. */
static const char *temp_dir(void)
{
	const char *t = getenv("TMPDIR");
	return t && *t ? t : "/tmp";
}
static st_store *store;
static const st_store_ops *ops;
static asl_arena arena;

static st_store *open_store(void)
{
	char err[256] = "";
	st_store *s = st_sqlite_open(path, 0, err, sizeof err);
	ck_assert_msg(s != NULL, "open: %s", err);
	return s;
}

static void setup(void)
{
	snprintf(dir, sizeof dir, "%s/aslc-store-XXXXXX", temp_dir());
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/store.db", dir);
	store = open_store();
	ops = store->ops;
	asl_arena_init(&arena, asl_default_allocator());
}

static void teardown(void)
{
	if (store)
		ops->close(store);
	store = NULL;
	asl_arena_destroy(&arena);
	const char *suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char f[192];
		snprintf(f, sizeof f, "%s%s", path, suffixes[i]);
		unlink(f);
	}
	rmdir(dir);
}

static int text_is(st_text t, const char *s)
{
	return t.ptr && t.len == strlen(s) && memcmp(t.ptr, s, t.len) == 0;
}

static st_text bytes(const char *p, size_t len)
{
	st_text t = {p, len};
	return t;
}

/* A STANDARD machine named `name` (its ARN from the name); returns its id. */
static int64_t put_machine(const char *name)
{
	static char arns[64][96];
	static int next;
	char *arn = arns[next++ % 64];
	snprintf(arn, 96, "arn:aws:states:us-east-1:123456789012:stateMachine:%s", name);
	st_machine m = {0};
	m.arn = st_cstr(arn);
	m.name = st_cstr(name);
	m.type = st_cstr("STANDARD");
	m.role_arn = st_cstr("arn:aws:iam::123456789012:role/r");
	m.status = st_cstr("ACTIVE");
	m.created_ms = m.updated_ms = 1000;
	ck_assert_int_eq(ops->machine_put(store, &m), 0);
	ck_assert_int_gt(m.id, 0);
	return m.id;
}

static int64_t put_definition(int64_t machine_id)
{
	st_definition d = {0};
	d.machine_id = machine_id;
	d.text = st_cstr("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}");
	d.created_ms = 1000;
	ck_assert_int_eq(ops->definition_put(store, &d), 0);
	return d.id;
}

/* Puts a RUNNING execution: 0, 1 or -1 as execution_put; its id in *id. */
static int try_put_execution(int64_t machine_id, const char *name, int64_t start_ms, int express,
			     int64_t *id)
{
	char arn[160];
	snprintf(arn, sizeof arn, "arn:aws:states:us-east-1:123456789012:execution:m%lld:%s:%lld",
		 (long long)machine_id, name, (long long)(express ? start_ms : 0));
	st_execution e = {0};
	e.machine_id = machine_id;
	e.definition_id = 1;
	e.arn = st_cstr(arn);
	e.name = st_cstr(name);
	e.machine_arn = st_cstr("arn:aws:states:us-east-1:123456789012:stateMachine:m");
	e.status = st_cstr("RUNNING");
	e.input = st_cstr("{}");
	e.start_ms = start_ms;
	e.express = express;
	int r = ops->execution_put(store, &e);
	if (id)
		*id = e.id;
	return r;
}

static int64_t put_execution(int64_t machine_id, const char *name, int64_t start_ms)
{
	int64_t id = 0;
	ck_assert_int_eq(try_put_execution(machine_id, name, start_ms, 0, &id), 0);
	ck_assert_int_gt(id, 0);
	return id;
}

static st_event event(int64_t id, const char *type)
{
	st_event e = {0};
	e.id = id;
	e.previous_id = id - 1;
	e.timestamp_ms = 5000 + id;
	e.type = st_cstr(type);
	e.details_key = st_cstr("passStateEnteredEventDetails");
	e.details = st_cstr("{\"name\":\"A\"}");
	return e;
}

START_TEST(machines_round_trip_and_conflicts_return_1)
{
	int64_t id = put_machine("alpha");
	st_machine m;
	const char *arn = "arn:aws:states:us-east-1:123456789012:stateMachine:alpha";
	ck_assert_int_eq(ops->machine_get(store, arn, &arena, &m), 0);
	ck_assert_int_eq(m.id, id);
	ck_assert(text_is(m.name, "alpha"));
	ck_assert(text_is(m.type, "STANDARD"));
	ck_assert(text_is(m.status, "ACTIVE"));
	ck_assert_ptr_null(m.revision_id.ptr); /* absent stays absent */
	ck_assert_ptr_null(m.logging.ptr);
	ck_assert_int_eq(m.created_ms, 1000);

	/* the name, or the ARN, taken */
	st_machine dup = m;
	dup.arn = st_cstr("arn:aws:states:us-east-1:123456789012:stateMachine:other");
	ck_assert_int_eq(ops->machine_put(store, &dup), 1);
	dup = m;
	dup.name = st_cstr("other");
	ck_assert_int_eq(ops->machine_put(store, &dup), 1);
	ck_assert_int_eq(ops->machine_get(store, "arn:nope", &arena, &m), 1);
	ck_assert_int_eq(ops->machine_get_id(store, 999, &arena, &m), 1);

	/* an update writes every field */
	int64_t def = put_definition(id);
	ck_assert_int_eq(ops->machine_get_id(store, id, &arena, &m), 0);
	m.definition_id = def;
	m.revision_id = st_cstr("rev-1");
	m.logging = st_cstr("{\"level\":\"OFF\"}");
	m.updated_ms = 2000;
	ck_assert_int_eq(ops->machine_update(store, &m), 0);
	st_machine back;
	ck_assert_int_eq(ops->machine_get_id(store, id, &arena, &back), 0);
	ck_assert_int_eq(back.definition_id, def);
	ck_assert(text_is(back.revision_id, "rev-1"));
	ck_assert(text_is(back.logging, "{\"level\":\"OFF\"}"));
	ck_assert_int_eq(back.updated_ms, 2000);
	m.id = 999;
	ck_assert_int_eq(ops->machine_update(store, &m), 1);
	/* renaming onto a name that is taken */
	int64_t beta = put_machine("beta");
	ck_assert_int_eq(ops->machine_get_id(store, beta, &arena, &m), 0);
	m.name = st_cstr("alpha");
	ck_assert_int_eq(ops->machine_update(store, &m), 1);

	st_definition d;
	ck_assert_int_eq(ops->definition_get(store, def, &arena, &d), 0);
	ck_assert_int_eq(d.machine_id, id);
	ck_assert(text_is(
		d.text, "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}"));
	ck_assert_int_eq(ops->definition_get(store, 999, &arena, &d), 1);
}
END_TEST

START_TEST(machines_list_by_name_in_pages)
{
	const char *names[] = {"delta", "alpha", "echo", "charlie", "bravo"};
	for (size_t i = 0; i < 5; i++)
		put_machine(names[i]);
	st_machine *list;
	size_t n;
	ck_assert_int_eq(ops->machine_list(store, NULL, 2, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(text_is(list[0].name, "alpha"));
	ck_assert(text_is(list[1].name, "bravo"));
	ck_assert_int_eq(ops->machine_list(store, "bravo", 10, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert(text_is(list[0].name, "charlie"));
	ck_assert(text_is(list[2].name, "echo"));
	ck_assert_int_eq(ops->machine_list(store, "echo", 10, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(machine_delete_takes_its_tags_and_leaves_executions)
{
	int64_t id = put_machine("gone");
	const char *arn = "arn:aws:states:us-east-1:123456789012:stateMachine:gone";
	st_tag tags[] = {{st_cstr("team"), st_cstr("a")}};
	ck_assert_int_eq(ops->tag_set(store, arn, tags, 1), 0);
	int64_t ex = put_execution(id, "run", 10);
	ck_assert_int_eq(ops->machine_delete(store, id), 0);
	st_machine m;
	ck_assert_int_eq(ops->machine_get(store, arn, &arena, &m), 1);
	st_tag *list;
	size_t n = 9;
	ck_assert_int_eq(ops->tag_list(store, arn, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 0);
	st_execution e;
	ck_assert_int_eq(ops->execution_get_id(store, ex, &arena, &e), 0);
	ck_assert_int_eq(ops->machine_delete(store, id), 1);
}
END_TEST

START_TEST(executions_are_unique_by_name_unless_express)
{
	int64_t m = put_machine("m");
	int64_t other = put_machine("other");
	int64_t id = put_execution(m, "same", 10);
	ck_assert_int_eq(try_put_execution(m, "same", 20, 0, NULL), 1);
	put_execution(other, "same", 10); /* another machine's */
	int64_t x1, x2;
	ck_assert_int_eq(try_put_execution(m, "express", 30, 1, &x1), 0);
	ck_assert_int_eq(try_put_execution(m, "express", 40, 1, &x2), 0);
	ck_assert_int_ne(x1, x2);

	st_execution e;
	ck_assert_int_eq(ops->execution_get_name(store, m, "same", &arena, &e), 0);
	ck_assert_int_eq(e.id, id);
	ck_assert(text_is(e.status, "RUNNING"));
	ck_assert(text_is(e.input, "{}"));
	ck_assert_ptr_null(e.output.ptr);
	ck_assert_ptr_null(e.snapshot.ptr);
	ck_assert_int_eq(e.express, 0);
	/* an EXPRESS name names no one execution */
	ck_assert_int_eq(ops->execution_get_name(store, m, "express", &arena, &e), 1);
	ck_assert_int_eq(ops->execution_get_id(store, x2, &arena, &e), 0);
	ck_assert_int_eq(e.express, 1);
	ck_assert_int_eq(ops->execution_get_name(store, m, "none", &arena, &e), 1);

	ck_assert_int_eq(ops->execution_get_id(store, id, &arena, &e), 0);
	st_execution by_arn;
	ck_assert_int_eq(ops->execution_get(store, e.arn.ptr, &arena, &by_arn), 0);
	ck_assert_int_eq(by_arn.id, id);
	ck_assert_int_eq(ops->execution_get(store, "arn:nope", &arena, &by_arn), 1);
	ck_assert_int_eq(ops->execution_get_id(store, 999, &arena, &by_arn), 1);
}
END_TEST

/* Pages through machine m's executions `page` at a time (status absent: all), checking that
 * they come newest first, each once; `between` runs after the first page. Returns the count
 * and the page sizes in sizes[]. */
static size_t page_through(int64_t m, const char *status, size_t page, size_t *sizes,
			   void (*between)(int64_t m))
{
	st_exec_query q = {0};
	q.machine_id = m;
	q.status = st_cstr(status);
	q.limit = page;
	size_t total = 0, pages = 0;
	int64_t last_start = INT64_MAX, last_id = INT64_MAX;
	for (;;) {
		st_execution *list;
		size_t n;
		ck_assert_int_eq(ops->execution_list(store, &q, &arena, &list, &n), 0);
		if (n == 0)
			break;
		sizes[pages++] = n;
		for (size_t i = 0; i < n; i++) {
			/* strictly decreasing (start_ms, id): newest first, no duplicates */
			ck_assert(list[i].start_ms < last_start ||
				  (list[i].start_ms == last_start && list[i].id < last_id));
			ck_assert_int_eq(list[i].machine_id, m);
			if (status)
				ck_assert(text_is(list[i].status, status));
			last_start = list[i].start_ms;
			last_id = list[i].id;
		}
		total += n;
		q.after_start_ms = last_start;
		q.after_id = last_id;
		if (between && pages == 1)
			between(m);
	}
	return total;
}

static void insert_newest(int64_t m)
{
	put_execution(m, "late", 1000000);
}

START_TEST(executions_page_newest_first_by_keyset)
{
	int64_t m = put_machine("m");
	int64_t other = put_machine("other");
	char name[32];
	for (int i = 0; i < 250; i++) {
		snprintf(name, sizeof name, "e%d", i);
		put_execution(m, name, 1000 + i / 3); /* ties on start_ms, broken by id */
	}
	put_execution(other, "x", 5000);
	size_t sizes[8] = {0};
	ck_assert_uint_eq(page_through(m, NULL, 100, sizes, NULL), 250);
	ck_assert_uint_eq(sizes[0], 100);
	ck_assert_uint_eq(sizes[1], 100);
	ck_assert_uint_eq(sizes[2], 50);

	/* the first page is the newest */
	st_exec_query q = {0};
	q.machine_id = m;
	q.limit = 1;
	st_execution *list;
	size_t n;
	ck_assert_int_eq(ops->execution_list(store, &q, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(text_is(list[0].name, "e249"));

	/* an execution started while a client pages is not in the pages after */
	memset(sizes, 0, sizeof sizes);
	ck_assert_uint_eq(page_through(m, NULL, 100, sizes, insert_newest), 250);
	ck_assert_uint_eq(sizes[0], 100);
	ck_assert_uint_eq(sizes[1], 100);
	ck_assert_uint_eq(sizes[2], 50);
}
END_TEST

static void finish(int64_t id, const char *status, int64_t stop_ms)
{
	st_execution end = {0};
	end.status = st_cstr(status);
	end.output = st_cstr("{\"done\":true}");
	end.stop_ms = stop_ms;
	ck_assert_int_eq(ops->execution_finish(store, id, NULL, 0, &end), 0);
}

START_TEST(executions_list_by_status)
{
	int64_t m = put_machine("m");
	char name[32];
	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof name, "e%d", i);
		int64_t id = put_execution(m, name, 100 + i);
		if (i % 3 == 0)
			finish(id, "SUCCEEDED", 500);
	}
	size_t sizes[8] = {0};
	ck_assert_uint_eq(page_through(m, "SUCCEEDED", 4, sizes, NULL), 10);
	ck_assert_uint_eq(sizes[2], 2);
	ck_assert_uint_eq(page_through(m, "RUNNING", 100, sizes, NULL), 20);
	ck_assert_uint_eq(page_through(m, "FAILED", 100, sizes, NULL), 0);
	ck_assert_uint_eq(page_through(m, NULL, 7, sizes, NULL), 30);
}
END_TEST

START_TEST(history_lists_both_ways_and_repeated_events_are_kept_once)
{
	int64_t m = put_machine("m");
	int64_t ex = put_execution(m, "run", 10);
	st_event evs[5];
	for (int i = 0; i < 5; i++)
		evs[i] = event(i + 1, "PassStateEntered");
	st_text snap = st_cstr("snapshot-1");
	ck_assert_int_eq(ops->execution_checkpoint(store, ex, evs, 3, snap, 7000), 0);
	/* after a crash: events 2 and 3 again (changed, to see which is kept), then 4 and 5 */
	evs[1].type = st_cstr("Changed");
	ck_assert_int_eq(ops->execution_checkpoint(store, ex, evs + 1, 4, bytes(NULL, 0), 0), 0);
	st_execution e;
	ck_assert_int_eq(ops->execution_get_id(store, ex, &arena, &e), 0);
	ck_assert_int_eq(e.event_count, 5);
	ck_assert(text_is(e.snapshot, "snapshot-1")); /* absent: kept */
	ck_assert_int_eq(e.wake_ms, 0);

	st_event *list;
	size_t n;
	ck_assert_int_eq(ops->event_list(store, ex, 0, 0, 100, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 5);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(list[i].id, (int64_t)i + 1);
		ck_assert(text_is(list[i].type, "PassStateEntered"));
		ck_assert_int_eq(list[i].previous_id, (int64_t)i);
		ck_assert_int_eq(list[i].timestamp_ms, 5001 + (int64_t)i);
		ck_assert(text_is(list[i].details_key, "passStateEnteredEventDetails"));
		ck_assert(text_is(list[i].details, "{\"name\":\"A\"}"));
	}
	ck_assert_int_eq(ops->event_list(store, ex, 0, 2, 2, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(list[0].id, 3);
	ck_assert_int_eq(list[1].id, 4);
	ck_assert_int_eq(ops->event_list(store, ex, 1, 0, 2, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(list[0].id, 5);
	ck_assert_int_eq(list[1].id, 4);
	ck_assert_int_eq(ops->event_list(store, ex, 1, 4, 100, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(list[0].id, 3);
	ck_assert_int_eq(list[2].id, 1);
	ck_assert_int_eq(ops->event_list(store, ex, 0, 5, 100, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 0);

	ck_assert_int_eq(ops->execution_checkpoint(store, 999, NULL, 0, snap, 0), 1);
	ck_assert_int_eq(ops->execution_checkpoint(store, 999, evs, 2, snap, 0), 1);
	ck_assert_int_eq(ops->event_list(store, 999, 0, 0, 10, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

static void put_task(const char *token, int64_t execution_id, const char *kind, int64_t at)
{
	st_task t = {0};
	t.token = st_cstr(token);
	t.execution_id = execution_id;
	t.kind = st_cstr(kind);
	t.activity_arn = st_cstr("arn:aws:states:us-east-1:123456789012:activity:act");
	t.input = st_cstr("{\"job\":1}");
	t.status = ST_TASK_SCHEDULED;
	t.scheduled_ms = at;
	ck_assert_int_eq(ops->task_put(store, &t), 0);
}

START_TEST(finish_ends_the_execution_and_closes_its_tasks)
{
	int64_t m = put_machine("m");
	int64_t ex = put_execution(m, "run", 10);
	int64_t other = put_execution(m, "other", 20);
	ck_assert_int_eq(ops->execution_checkpoint(store, ex, NULL, 0, st_cstr("snap"), 9000), 0);
	ck_assert_int_eq(ops->execution_checkpoint(store, other, NULL, 0, st_cstr("snap2"), 0), 0);
	put_task("t1", ex, "activity", 1);
	put_task("t2", ex, "callback", 2);
	put_task("t3", other, "callback", 3);

	st_execution *running;
	size_t n;
	ck_assert_int_eq(ops->execution_running(store, &arena, &running, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(running[0].id, ex); /* oldest first, with the snapshot */
	ck_assert(text_is(running[0].snapshot, "snap"));
	ck_assert_int_eq(running[0].wake_ms, 9000);

	st_event last[2] = {event(1, "ExecutionStarted"), event(2, "ExecutionFailed")};
	st_execution end = {0};
	end.status = st_cstr("FAILED");
	end.error = st_cstr("States.TaskFailed");
	end.cause = st_cstr("boom");
	end.stop_ms = 777;
	ck_assert_int_eq(ops->execution_finish(store, ex, last, 2, &end), 0);
	st_execution e;
	ck_assert_int_eq(ops->execution_get_id(store, ex, &arena, &e), 0);
	ck_assert(text_is(e.status, "FAILED"));
	ck_assert(text_is(e.error, "States.TaskFailed"));
	ck_assert(text_is(e.cause, "boom"));
	ck_assert_ptr_null(e.output.ptr);
	ck_assert_int_eq(e.stop_ms, 777);
	ck_assert_int_eq(e.event_count, 2);
	ck_assert_ptr_null(e.snapshot.ptr);
	ck_assert_int_eq(e.wake_ms, 0);

	st_task *open;
	ck_assert_int_eq(ops->task_open(store, ex, &arena, &open, &n), 0);
	ck_assert_uint_eq(n, 0);
	st_task t;
	ck_assert_int_eq(ops->task_get(store, "t1", &arena, &t), 0);
	ck_assert_int_eq(t.status, ST_TASK_CLOSED);
	ck_assert_int_eq(ops->task_open(store, 0, &arena, &open, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(text_is(open[0].token, "t3"));
	ck_assert_int_eq(ops->execution_running(store, &arena, &running, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(running[0].id, other);
	ck_assert_int_eq(ops->execution_finish(store, 999, NULL, 0, &end), 1);
	ck_assert_int_eq(ops->execution_finish(store, 999, last, 2, &end), 1);
}
END_TEST

START_TEST(texts_with_nul_bytes_round_trip)
{
	int64_t m = put_machine("m");
	static const char input[] = "{\"a\":\"x\0y\"}";
	static const char snap[] = "\0\1\2snap\0shot\0";
	static const char details[] = "de\0tails";
	st_execution e = {0};
	e.machine_id = m;
	e.definition_id = 1;
	e.arn = st_cstr("arn:x");
	e.name = st_cstr("nul");
	e.machine_arn = st_cstr("arn:m");
	e.status = st_cstr("RUNNING");
	e.input = bytes(input, sizeof input - 1);
	e.output = bytes("", 0); /* empty, not absent */
	e.snapshot = bytes(snap, sizeof snap - 1);
	ck_assert_int_eq(ops->execution_put(store, &e), 0);
	st_event ev = event(1, "ExecutionStarted");
	ev.details = bytes(details, sizeof details - 1);
	ck_assert_int_eq(ops->execution_checkpoint(store, e.id, &ev, 1, bytes(NULL, 0), 0), 0);

	st_execution back;
	ck_assert_int_eq(ops->execution_get_id(store, e.id, &arena, &back), 0);
	ck_assert_uint_eq(back.input.len, sizeof input - 1);
	ck_assert(memcmp(back.input.ptr, input, sizeof input - 1) == 0);
	ck_assert_uint_eq(back.snapshot.len, sizeof snap - 1);
	ck_assert(memcmp(back.snapshot.ptr, snap, sizeof snap - 1) == 0);
	ck_assert_ptr_nonnull(back.output.ptr);
	ck_assert_uint_eq(back.output.len, 0);
	ck_assert_int_eq(back.output.ptr[0], '\0'); /* NUL-terminated */
	st_event *list;
	size_t n;
	ck_assert_int_eq(ops->event_list(store, e.id, 0, 0, 10, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(list[0].details.len, sizeof details - 1);
	ck_assert(memcmp(list[0].details.ptr, details, sizeof details) == 0);
}
END_TEST

START_TEST(a_rolled_back_transaction_leaves_nothing)
{
	ck_assert_int_eq(ops->begin(store), 0);
	int64_t m = put_machine("m");
	int64_t ex = put_execution(m, "run", 10);
	st_event ev = event(1, "ExecutionStarted");
	ck_assert_int_eq(ops->execution_checkpoint(store, ex, &ev, 1, st_cstr("s"), 0), 0);
	/* a conflict inside the transaction fails that call only */
	ck_assert_int_eq(try_put_execution(m, "run", 20, 0, NULL), 1);
	ops->rollback(store);
	st_machine got;
	ck_assert_int_eq(ops->machine_get_id(store, m, &arena, &got), 1);
	st_execution e;
	ck_assert_int_eq(ops->execution_get_id(store, ex, &arena, &e), 1);
	st_event *list;
	size_t n;
	ck_assert_int_eq(ops->event_list(store, ex, 0, 0, 10, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 0);

	/* committed, it stays */
	ck_assert_int_eq(ops->begin(store), 0);
	m = put_machine("kept");
	ck_assert_int_eq(ops->begin(store), -1); /* no nesting */
	ck_assert_int_eq(ops->commit(store), 0);
	ck_assert_int_eq(ops->machine_get_id(store, m, &arena, &got), 0);
	ck_assert_int_eq(ops->commit(store), -1); /* none open */
	ck_assert(strstr(ops->error(store), "no transaction") != NULL);
	ops->rollback(store); /* none open: nothing happens */
}
END_TEST

START_TEST(data_survives_close_and_reopen)
{
	int64_t m = put_machine("m");
	int64_t ex = put_execution(m, "run", 10);
	st_event ev = event(1, "ExecutionStarted");
	ck_assert_int_eq(ops->execution_checkpoint(store, ex, &ev, 1, st_cstr("snap"), 42), 0);
	put_task("tok", ex, "activity", 5);
	ops->close(store);
	store = open_store();
	st_execution *running;
	size_t n;
	ck_assert_int_eq(ops->execution_running(store, &arena, &running, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(text_is(running[0].name, "run"));
	ck_assert(text_is(running[0].snapshot, "snap"));
	ck_assert_int_eq(running[0].wake_ms, 42);
	ck_assert_int_eq(running[0].event_count, 1);
	st_task *open;
	ck_assert_int_eq(ops->task_open(store, 0, &arena, &open, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(text_is(open[0].token, "tok"));
	/* the same names are still taken */
	ck_assert_int_eq(try_put_execution(m, "run", 20, 0, NULL), 1);
}
END_TEST

START_TEST(a_store_closed_inside_a_transaction_keeps_nothing_of_it)
{
	int64_t kept = put_machine("kept");
	ck_assert_int_eq(ops->begin(store), 0);
	int64_t dropped = put_machine("dropped");
	ops->close(store);
	store = open_store();
	st_machine m;
	ck_assert_int_eq(ops->machine_get_id(store, kept, &arena, &m), 0);
	ck_assert_int_eq(ops->machine_get_id(store, dropped, &arena, &m), 1);
}
END_TEST

START_TEST(a_store_of_a_newer_schema_is_refused)
{
	ops->close(store);
	store = NULL;
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), 0);
	sqlite3_close(db);
	char err[256] = "";
	ck_assert_ptr_null(st_sqlite_open(path, 1, err, sizeof err));
	ck_assert_msg(strstr(err, "schema version is 99") != NULL, "%s", err);
}
END_TEST

START_TEST(a_store_that_cannot_be_opened_says_why)
{
	char err[256] = "";
	ck_assert_ptr_null(st_sqlite_open("/nonexistent-dir/x/store.db", 0, err, sizeof err));
	ck_assert_msg(strstr(err, "/nonexistent-dir/x/store.db") != NULL, "%s", err);
}
END_TEST

START_TEST(activities_round_trip)
{
	const char *arn = "arn:aws:states:us-east-1:123456789012:activity:act";
	st_activity a = {0, st_cstr(arn), st_cstr("act"), 3000};
	ck_assert_int_eq(ops->activity_put(store, &a), 0);
	ck_assert_int_gt(a.id, 0);
	st_activity dup = {0, st_cstr("arn:other"), st_cstr("act"), 3000};
	ck_assert_int_eq(ops->activity_put(store, &dup), 1);
	st_activity b = {0, st_cstr("arn:b"), st_cstr("another"), 3001};
	ck_assert_int_eq(ops->activity_put(store, &b), 0);
	st_activity got;
	ck_assert_int_eq(ops->activity_get(store, arn, &arena, &got), 0);
	ck_assert_int_eq(got.id, a.id);
	ck_assert(text_is(got.name, "act"));
	ck_assert_int_eq(got.created_ms, 3000);
	ck_assert_int_eq(ops->activity_get(store, "arn:nope", &arena, &got), 1);
	st_activity *list;
	size_t n;
	ck_assert_int_eq(ops->activity_list(store, NULL, 10, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(text_is(list[0].name, "act"));
	ck_assert(text_is(list[1].name, "another"));
	ck_assert_int_eq(ops->activity_list(store, "act", 10, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 1);

	st_tag tag = {st_cstr("k"), st_cstr("v")};
	ck_assert_int_eq(ops->tag_set(store, arn, &tag, 1), 0);
	ck_assert_int_eq(ops->activity_delete(store, arn), 0);
	ck_assert_int_eq(ops->activity_get(store, arn, &arena, &got), 1);
	st_tag *tags;
	ck_assert_int_eq(ops->tag_list(store, arn, &arena, &tags, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(ops->activity_delete(store, arn), 1);
}
END_TEST

START_TEST(tasks_round_trip)
{
	int64_t m = put_machine("m");
	int64_t ex = put_execution(m, "run", 10);
	int64_t ex2 = put_execution(m, "run2", 11);
	put_task("tok-1", ex, "activity", 100);
	put_task("tok-2", ex2, "nested", 50);
	st_task dup = {0};
	dup.token = st_cstr("tok-1");
	dup.execution_id = ex;
	dup.kind = st_cstr("callback");
	ck_assert_int_eq(ops->task_put(store, &dup), 1);

	st_task t;
	ck_assert_int_eq(ops->task_get(store, "tok-1", &arena, &t), 0);
	ck_assert_int_eq(t.execution_id, ex);
	ck_assert(text_is(t.kind, "activity"));
	ck_assert(text_is(t.input, "{\"job\":1}"));
	ck_assert_int_eq(t.status, ST_TASK_SCHEDULED);
	ck_assert_ptr_null(t.worker_name.ptr);
	ck_assert_int_eq(t.scheduled_ms, 100);
	ck_assert_int_eq(ops->task_get(store, "nope", &arena, &t), 1);

	t.status = ST_TASK_DONE;
	t.worker_name = st_cstr("worker-1");
	t.succeeded = 1;
	t.output = st_cstr("{\"ok\":true}");
	ck_assert_int_eq(ops->task_update(store, &t), 0);
	st_task back;
	ck_assert_int_eq(ops->task_get(store, "tok-1", &arena, &back), 0);
	ck_assert_int_eq(back.status, ST_TASK_DONE);
	ck_assert(text_is(back.worker_name, "worker-1"));
	ck_assert_int_eq(back.succeeded, 1);
	ck_assert(text_is(back.output, "{\"ok\":true}"));
	ck_assert_ptr_null(back.error.ptr);
	t.token = st_cstr("nope");
	ck_assert_int_eq(ops->task_update(store, &t), 1);

	st_task *open;
	size_t n;
	ck_assert_int_eq(ops->task_open(store, 0, &arena, &open, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(text_is(open[0].token, "tok-2")); /* scheduled first */
	ck_assert_int_eq(ops->task_open(store, ex, &arena, &open, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(text_is(open[0].token, "tok-1"));
	back.status = ST_TASK_CLOSED;
	ck_assert_int_eq(ops->task_update(store, &back), 0);
	ck_assert_int_eq(ops->task_open(store, ex, &arena, &open, &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(tags_set_replace_and_remove)
{
	const char *arn = "arn:aws:states:us-east-1:123456789012:stateMachine:m";
	put_machine("m");
	st_tag tags[] = {{st_cstr("b"), st_cstr("1")}, {st_cstr("a"), st_cstr("2")}};
	ck_assert_int_eq(ops->tag_set(store, arn, tags, 2), 0);
	st_tag again = {st_cstr("b"), st_cstr("3")};
	ck_assert_int_eq(ops->tag_set(store, arn, &again, 1), 0);
	st_tag *list;
	size_t n;
	ck_assert_int_eq(ops->tag_list(store, arn, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(text_is(list[0].key, "a"));
	ck_assert(text_is(list[0].value, "2"));
	ck_assert(text_is(list[1].key, "b"));
	ck_assert(text_is(list[1].value, "3"));
	st_text keys[] = {st_cstr("a"), st_cstr("absent")};
	ck_assert_int_eq(ops->tag_remove(store, arn, keys, 2), 0);
	ck_assert_int_eq(ops->tag_list(store, arn, &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(text_is(list[0].key, "b"));
	ck_assert_int_eq(ops->tag_list(store, "arn:other", &arena, &list, &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* Two writers at once: one in transactions (every other one rolled back), one call by call;
 * the store serializes them, so every call succeeds and only the committed rows remain. */
enum { ROUNDS = 20, PER_ROUND = 5, SINGLES = 100 };
static int64_t shared_machine;

static void *in_transactions(void *arg)
{
	int *failures = arg;
	char name[32];
	for (int r = 0; r < ROUNDS; r++) {
		if (ops->begin(store) != 0) {
			(*failures)++;
			continue;
		}
		for (int i = 0; i < PER_ROUND; i++) {
			snprintf(name, sizeof name, "tx-%d-%d", r, i);
			if (try_put_execution(shared_machine, name, r * 10 + i, 0, NULL) != 0)
				(*failures)++;
		}
		if (r % 2)
			ops->rollback(store);
		else if (ops->commit(store) != 0)
			(*failures)++;
	}
	return NULL;
}

static void *one_by_one(void *arg)
{
	int *failures = arg;
	char name[32];
	asl_arena local;
	asl_arena_init(&local, asl_default_allocator());
	for (int i = 0; i < SINGLES; i++) {
		snprintf(name, sizeof name, "single-%d", i);
		int64_t id;
		if (try_put_execution(shared_machine, name, 1000 + i, 0, &id) != 0)
			(*failures)++;
		st_execution e;
		if (ops->execution_get_id(store, id, &local, &e) != 0)
			(*failures)++;
		st_event ev = event(1, "ExecutionStarted");
		if (ops->execution_checkpoint(store, id, &ev, 1, st_cstr("s"), 0) != 0)
			(*failures)++;
	}
	asl_arena_destroy(&local);
	return NULL;
}

START_TEST(two_threads_write_at_once)
{
	shared_machine = put_machine("m");
	int fail_tx = 0, fail_single = 0;
	pthread_t a, b;
	ck_assert_int_eq(pthread_create(&a, NULL, in_transactions, &fail_tx), 0);
	ck_assert_int_eq(pthread_create(&b, NULL, one_by_one, &fail_single), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	ck_assert_int_eq(fail_tx, 0);
	ck_assert_int_eq(fail_single, 0);
	size_t sizes[8];
	ck_assert_uint_eq(page_through(shared_machine, NULL, 1000, sizes, NULL),
			  ROUNDS / 2 * PER_ROUND + SINGLES);
	st_execution e;
	ck_assert_int_eq(ops->execution_get_name(store, shared_machine, "tx-0-0", &arena, &e), 0);
	ck_assert_int_eq(ops->execution_get_name(store, shared_machine, "tx-1-0", &arena, &e), 1);
}
END_TEST

/* A message belongs to the thread whose call failed: another thread failing in between (here
 * the main thread, while the other waits) does not replace it. */
static pthread_mutex_t turn_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cond = PTHREAD_COND_INITIALIZER;
static int turn; /* 1: the other thread has failed; 2: the main thread has too */

static void wait_turn(int t)
{
	pthread_mutex_lock(&turn_mutex);
	while (turn < t)
		pthread_cond_wait(&turn_cond, &turn_mutex);
	pthread_mutex_unlock(&turn_mutex);
}

static void give_turn(int t)
{
	pthread_mutex_lock(&turn_mutex);
	turn = t;
	pthread_cond_broadcast(&turn_cond);
	pthread_mutex_unlock(&turn_mutex);
}

static void *fail_then_wait(void *arg)
{
	char *seen = arg;
	int r = ops->commit(store); /* none open */
	give_turn(1);
	wait_turn(2);
	snprintf(seen, 256, "%d %s", r, ops->error(store));
	return NULL;
}

START_TEST(each_thread_keeps_its_own_message)
{
	char seen[256] = "";
	pthread_t t;
	turn = 0;
	ck_assert_int_eq(pthread_create(&t, NULL, fail_then_wait, seen), 0);
	wait_turn(1);
	st_machine m;
	ck_assert_int_eq(ops->machine_get(store, "arn:nope", &arena, &m), 1);
	give_turn(2);
	pthread_join(t, NULL);
	ck_assert_str_eq(seen, "-1 commit: no transaction is open");
	ck_assert_str_eq(ops->error(store), "machine_get: not found");
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("sqlite");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, machines_round_trip_and_conflicts_return_1);
	tcase_add_test(tc, machines_list_by_name_in_pages);
	tcase_add_test(tc, machine_delete_takes_its_tags_and_leaves_executions);
	tcase_add_test(tc, executions_are_unique_by_name_unless_express);
	tcase_add_test(tc, executions_page_newest_first_by_keyset);
	tcase_add_test(tc, executions_list_by_status);
	tcase_add_test(tc, history_lists_both_ways_and_repeated_events_are_kept_once);
	tcase_add_test(tc, finish_ends_the_execution_and_closes_its_tasks);
	tcase_add_test(tc, texts_with_nul_bytes_round_trip);
	tcase_add_test(tc, a_rolled_back_transaction_leaves_nothing);
	tcase_add_test(tc, data_survives_close_and_reopen);
	tcase_add_test(tc, a_store_closed_inside_a_transaction_keeps_nothing_of_it);
	tcase_add_test(tc, a_store_of_a_newer_schema_is_refused);
	tcase_add_test(tc, a_store_that_cannot_be_opened_says_why);
	tcase_add_test(tc, activities_round_trip);
	tcase_add_test(tc, tasks_round_trip);
	tcase_add_test(tc, tags_set_replace_and_remove);
	tcase_add_test(tc, two_threads_write_at_once);
	tcase_add_test(tc, each_thread_keeps_its_own_message);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(store_suite());
	/* fork mode, so a crash fails one test; CK_FORK=no in the environment still wins */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists every test */
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
