/* Batch mode (`--batch`): one execution per line of standard input on a pool of worker threads.
 * The main thread reads lines into a window of slots (16 per worker, at least 64) and stops
 * reading while it is full, so memory is bounded by the lines in flight, not by the input.
 * Workers take the slots in order, run them and turn the outcome into its output line;
 * whichever worker finishes the oldest unwritten line writes every finished line from there
 * on, so results come out in input order without a thread of their own. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "asl/platform.h"
#include "asl/platform_core.h"
#include "batch.h"
#include "exec.h" /* ASL_PAYLOAD_LIMIT */
#include "format.h"
#include "json_scan.h"

/* A slot's buffers above this size are freed after their line: the window holds 16 slots a
 * worker, and each kept at the largest line it saw (~256 KiB in, as much out) otherwise. */
#define SLOT_KEEP (64u << 10)

typedef struct slot {
	uint64_t line;
	asl_bytes text; /* the input line */
	int too_big; /* it was longer than ASL_PAYLOAD_LIMIT: text holds the start */
	asl_bytes out; /* its output line, once done */
	int done, aborted; /* aborted: stopped or never run, because the batch was stopped */
	asl_status status;
	int rejected;
	uint64_t transitions;
} slot;

typedef struct batch batch;

typedef struct worker {
	batch *b;
	pthread_t thread;
	/* The execution it runs, for stop_all: under a lock of its own, which only a stop
	 * contends for (not under the batch's lock: that is for the window). */
	pthread_mutex_t lock;
	asl_execution *running;
	asl_arena input; /* the parsed line, reset for the next one */
	asl_bytes name;
	asl_options opts;
} worker;

typedef struct counts {
	uint64_t succeeded, failed, timed_out, rejected, transitions;
} counts;

struct batch {
	const char *prog;
	const asl_machine *machine;
	const asl_batch_options *bo;
	const char *name; /* execution names are NAME-LINE */
	pthread_mutex_t lock;
	pthread_cond_t work, space;
	slot *ring;
	size_t window;
	/* Slots by sequence number: [head, next) run or done, [next, tail) queued; a worker
	 * writing holds `writing` and the finished ones from head. */
	uint64_t head, next, tail;
	int eof, writing, reader_stalled;
	atomic_int stopping; /* set under the lock; read without it by a worker starting a line */
	int out_stopped, out_failed; /* set by the writer when it gives up */
	/* Sleepers are woken only when there is enough for them: a worker when a line comes, the
	 * reader once half the window is free (not for every slot, which would switch threads
	 * for every line). */
	int idle_workers, reader_waiting;
	uint64_t pending; /* lines read after tail, not yet queued (the reader's own) */
	worker *workers;
	int nworkers;
	asl_out out;
	int wake[2]; /* written once the batch stops: the reader's wait ends */
	counts n;
	uint64_t blank, last_line;
	int tty; /* progress lines on stderr */
	int64_t t0_ns, progress_ns;
};

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Under the lock: nothing more is read or started, and what runs is stopped. */
static void stop_all(batch *b)
{
	if (!atomic_load(&b->stopping)) {
		const char byte = 1;
		ssize_t n = write(b->wake[1], &byte, 1);
		(void)n; /* the pipe is empty until now: the byte fits */
	}
	atomic_store(&b->stopping, 1);
	for (int i = 0; i < b->nworkers; i++) {
		worker *w = &b->workers[i];
		pthread_mutex_lock(&w->lock);
		if (w->running)
			asl_stop(w->running, NULL, NULL);
		pthread_mutex_unlock(&w->lock);
	}
	pthread_cond_broadcast(&b->work);
	pthread_cond_broadcast(&b->space);
}

/* SIGINT or SIGTERM (asl_platform_stop_signals_catch's thread). */
static void stop_by_signal(void *user)
{
	batch *b = user;
	pthread_mutex_lock(&b->lock);
	stop_all(b);
	pthread_mutex_unlock(&b->lock);
}

static void progress(batch *b, int64_t now)
{
	counts c = b->n;
	double s = (double)(now - b->t0_ns) / 1e9;
	uint64_t lines = c.succeeded + c.failed + c.timed_out + c.rejected;
	fprintf(stderr, "\rbatch: %" PRIu64 " lines, %" PRIu64 " not succeeded, %.0f/s ", lines,
		lines - c.succeeded, s > 0 ? (double)lines / s : 0.0);
	b->progress_ns = now;
}

/* Writes the finished slots [from, to) (no lock held: `writing` is ours); returns how far it
 * got, which is short of `to` at a line the stop interrupted (*stopped set) or when the write
 * failed. */
static uint64_t write_slots(batch *b, uint64_t from, uint64_t to, int *stopped)
{
	for (uint64_t seq = from; seq < to; seq++) {
		slot *s = &b->ring[seq % b->window];
		if (s->aborted) {
			*stopped = 1;
			return seq;
		}
		if (asl__out_write(&b->out, s->out.data, s->out.len) < 0)
			return seq;
		asl__bytes_trim(&s->out, SLOT_KEEP);
		b->last_line = s->line;
		b->n.transitions += s->transitions;
		if (s->rejected)
			b->n.rejected++;
		else if (s->status == ASL_SUCCEEDED)
			b->n.succeeded++;
		else if (s->status == ASL_TIMED_OUT)
			b->n.timed_out++;
		else
			b->n.failed++;
	}
	return to;
}

/* Under the lock: writes what is finished from the oldest unwritten line on, unless another
 * thread does; flushes when the reader waits for input or has read it all (an interactive
 * producer sees its results; a fast one gets them in large blocks). */
static void write_ready(batch *b)
{
	while (!b->writing && !b->out_stopped && !b->out_failed) {
		uint64_t from = b->head, to = from;
		while (to < b->tail && b->ring[to % b->window].done)
			to++;
		int flush = (b->reader_stalled || b->eof) && (to > from || b->out.buf.len);
		if (to == from && !flush)
			return;
		b->writing = 1;
		pthread_mutex_unlock(&b->lock);
		int stopped = 0;
		uint64_t end = write_slots(b, from, to, &stopped);
		if (flush || stopped)
			asl__out_flush(&b->out);
		int failed = b->out.error != 0;
		if (b->tty) {
			int64_t now = now_ns();
			if (now - b->progress_ns >= 100000000)
				progress(b, now);
		}
		pthread_mutex_lock(&b->lock);
		b->writing = 0;
		b->head = end;
		b->out_stopped = stopped;
		b->out_failed = failed;
		if (b->reader_waiting && b->tail - b->head <= b->window / 2)
			pthread_cond_signal(&b->space);
		if (failed)
			stop_all(b);
	}
}

/* Under the lock, when the reader has waited a while for the window: results written but not
 * sent (the oldest line in flight takes long) go out, so a reader of the output sees them. */
static void flush_idle(batch *b)
{
	if (b->writing || b->out_stopped || b->out_failed || !b->out.buf.len)
		return;
	b->writing = 1;
	pthread_mutex_unlock(&b->lock);
	asl__out_flush(&b->out);
	int failed = b->out.error != 0;
	pthread_mutex_lock(&b->lock);
	b->writing = 0;
	b->out_failed = failed;
	if (failed)
		stop_all(b);
}

static int reject(slot *s, const char *cause)
{
	s->rejected = 1;
	return asl__batch_rejected_line(&s->out, s->line, cause);
}

/* Runs one line to its output line. */
static int run_line(worker *w, slot *s)
{
	batch *b = w->b;
	char cause[256];
	s->rejected = 0;
	s->transitions = 0;
	s->status = ASL_SUCCEEDED; /* until it ran */
	if (s->too_big) { /* worded as the single execution's refusal */
		snprintf(cause, sizeof cause, "the input is larger than AWS's limit of %d bytes",
			 ASL_PAYLOAD_LIMIT);
		return reject(s, cause);
	}
	asl_arena_reset(&w->input);
	asl_parse_error err;
	asl_value *input = asl_parse(&w->input, s->text.data, s->text.len, 0, &err);
	if (!input) {
		snprintf(cause, sizeof cause, "invalid input JSON at column %d: %s", err.column,
			 err.message);
		return reject(s, cause);
	}
	char num[24];
	size_t n = (size_t)asl__fmt(num, sizeof num, "-%" PRIu64, s->line);
	w->name.len = 0;
	if (asl__bytes_add(&w->name, b->name, strlen(b->name)) < 0 ||
	    asl__bytes_add(&w->name, num, n) < 0)
		return reject(s, "out of memory");
	w->opts.execution_name = w->name.data;
	asl_result r;
	asl_execution *e = asl_start(b->machine, input, &w->opts);
	if (!e) {
		/* asl_execute's no-memory result, made here: asl_execute would start the machine
		 * again, outside w->running, where a stop cannot reach it */
		memset(&r, 0, sizeof r);
		asl_arena_init(&r.arena, w->opts.allocator);
		r.status = ASL_FAILED_STATUS;
		r.error = ASL_OOM_ERROR;
		r.error_len = sizeof ASL_OOM_ERROR - 1;
		r.cause = ASL_OOM_CAUSE;
		r.cause_len = sizeof ASL_OOM_CAUSE - 1;
	} else {
		pthread_mutex_lock(&w->lock);
		w->running = e;
		pthread_mutex_unlock(&w->lock);
		if (atomic_load(&b->stopping)) /* stop_all may have passed this worker by */
			asl_stop(e, NULL, NULL);
		asl_run_to_end(e);
		pthread_mutex_lock(&w->lock);
		w->running = NULL;
		pthread_mutex_unlock(&w->lock);
		asl_finish(e, &r);
	}
	s->status = r.status;
	s->transitions = r.transitions;
	int rc = asl__batch_result_line(&s->out, s->line, &r);
	asl_result_free(&r);
	return rc;
}

static void *work(void *arg)
{
	worker *w = arg;
	batch *b = w->b;
	pthread_mutex_lock(&b->lock);
	for (;;) {
		while (b->next == b->tail && !b->eof && !b->stopping) {
			b->idle_workers++;
			pthread_cond_wait(&b->work, &b->lock);
			b->idle_workers--;
		}
		if (b->next == b->tail)
			break;
		slot *s = &b->ring[b->next++ % b->window];
		int skip = b->stopping;
		pthread_mutex_unlock(&b->lock);
		s->aborted = skip;
		if (!skip && run_line(w, s) < 0) { /* out of memory even for the line */
			s->out.len = 0;
			s->aborted = 1;
		}
		asl__bytes_trim(&s->text, SLOT_KEEP); /* the line is parsed: not needed any more */
		pthread_mutex_lock(&b->lock);
		s->done = 1;
		s->aborted |= s->status == ASL_ABORTED && b->stopping;
		if (s->aborted && !b->stopping)
			stop_all(b); /* the batch cannot go on without this line */
		write_ready(b);
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* Under the lock: the lines the reader has read since it last did are queued for the
 * workers. The reader hands them over a few at a time, not one lock per line. */
static void publish(batch *b)
{
	if (!b->pending)
		return;
	b->tail += b->pending;
	b->pending = 0;
	b->reader_stalled = 0;
	if (b->idle_workers)
		pthread_cond_broadcast(&b->work);
}

/* The input reader waits for more: what it read goes to the workers, results written so far
 * go out now. */
static void reader_stalled(void *user)
{
	batch *b = user;
	pthread_mutex_lock(&b->lock);
	publish(b);
	b->reader_stalled = 1;
	write_ready(b);
	pthread_mutex_unlock(&b->lock);
}

/* Under the lock: waits until the window has room, flushing the output when that takes long
 * (the oldest line in flight is slow). The number of free slots; 0 once the batch stops. */
static size_t wait_for_room(batch *b)
{
	while (!b->stopping && b->tail - b->head >= b->window) {
		b->reader_waiting = 1;
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 100000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		if (pthread_cond_timedwait(&b->space, &b->lock, &t) == ETIMEDOUT)
			flush_idle(b);
		b->reader_waiting = 0;
	}
	return b->stopping ? 0 : b->window - (size_t)(b->tail - b->head);
}

/* Reads the next line of this shard that is not blank into `s`: as asl__lines_next. */
static int next_line(batch *b, asl_lines *in, slot *s)
{
	const asl_batch_options *bo = b->bo;
	for (;;) {
		int keep = in->number % bo->shards == bo->shard, too_big;
		int rc = asl__lines_next(in, keep, ASL_PAYLOAD_LIMIT, &s->text, &too_big);
		if (rc <= 0)
			return rc;
		if (!keep)
			continue;
		if (too_big || !asl__json_blank(s->text.data, s->text.len)) {
			s->line = in->number;
			s->too_big = too_big;
			s->done = s->aborted = 0;
			return 1;
		}
		b->blank++; /* a line, numbered, but nothing to run */
	}
}

/* Reads the lines into the window until the input ends or the batch stops: 0, or the errno of
 * a failed read. Only this thread changes tail and pending, so it reads them without the
 * lock. */
static int read_lines(batch *b, asl_lines *in)
{
	size_t room = 0, group = b->window / 8;
	int rc;
	for (;;) {
		if (room == 0 || b->pending >= group) {
			pthread_mutex_lock(&b->lock);
			publish(b);
			room = wait_for_room(b);
			pthread_mutex_unlock(&b->lock);
			if (!room)
				return 0;
		}
		slot *s = &b->ring[(b->tail + b->pending) % b->window]; /* free: not in flight */
		if ((rc = next_line(b, in, s)) <= 0)
			break;
		b->pending++;
		room--;
	}
	pthread_mutex_lock(&b->lock);
	publish(b);
	pthread_mutex_unlock(&b->lock);
	if (rc == -1)
		return in->error ? in->error : ENOMEM;
	return 0;
}

/* The last line on stderr: how many lines ended how, and how fast. */
static void summary(batch *b)
{
	const counts *c = &b->n;
	double s = (double)(now_ns() - b->t0_ns) / 1e9;
	uint64_t lines = c->succeeded + c->failed + c->timed_out + c->rejected;
	if (b->tty && b->progress_ns)
		fputs("\r\033[K", stderr); /* the progress line goes */
	fprintf(stderr, "batch: %" PRIu64 " lines", lines);
	if (b->blank)
		fprintf(stderr, " (and %" PRIu64 " blank)", b->blank);
	fprintf(stderr,
		": %" PRIu64 " succeeded, %" PRIu64 " failed, %" PRIu64 " timed out, %" PRIu64
		" rejected in %.2f s (%.0f/s)",
		c->succeeded, c->failed, c->timed_out, c->rejected, s,
		s > 0 ? (double)lines / s : 0.0);
	if (b->bo->stats)
		fprintf(stderr, "; states entered: %" PRIu64, c->transitions);
	fputc('\n', stderr);
}

/* The worker threads; 0, or -1 when not even one could start. */
static int start_workers(batch *b, const asl_options *opts, int jobs)
{
	b->workers = calloc((size_t)jobs, sizeof *b->workers);
	if (!b->workers)
		return -1;
	for (int i = 0; i < jobs; i++) {
		worker *w = &b->workers[i];
		w->b = b;
		w->opts = *opts;
		asl_arena_init(&w->input, opts->allocator);
		pthread_mutex_init(&w->lock, NULL);
		if (pthread_create(&w->thread, NULL, work, w) != 0) {
			pthread_mutex_destroy(&w->lock);
			break;
		}
		pthread_mutex_lock(&b->lock);
		b->nworkers++;
		pthread_mutex_unlock(&b->lock);
	}
	return b->nworkers ? 0 : -1;
}

static void free_batch(batch *b)
{
	for (int i = 0; i < b->nworkers; i++) {
		asl_arena_destroy(&b->workers[i].input);
		asl__bytes_free(&b->workers[i].name);
		pthread_mutex_destroy(&b->workers[i].lock);
	}
	free(b->workers);
	for (size_t i = 0; b->ring && i < b->window; i++) {
		asl__bytes_free(&b->ring[i].text);
		asl__bytes_free(&b->ring[i].out);
	}
	free(b->ring);
	asl__bytes_free(&b->out.buf);
	for (int i = 0; i < 2; i++)
		if (b->wake[i] >= 0)
			close(b->wake[i]);
	pthread_cond_destroy(&b->work);
	pthread_cond_destroy(&b->space);
	pthread_mutex_destroy(&b->lock);
}

/* The wake pipe, at descriptors 3 and up: with standard input or output closed, pipe() would
 * hand out 0 or 1, and the reader would read its own wake pipe, or the results go into it
 * (asl_main holds them, asl__hold_std_fds; this holds for any other caller).
 * Close-on-exec: commands of exec: tasks must not inherit it. 0, or -1. */
static int open_wake(batch *b)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		b->wake[i] = fcntl(p[i], F_DUPFD_CLOEXEC, 3);
		close(p[i]);
	}
	return b->wake[0] >= 0 && b->wake[1] >= 0 ? 0 : -1;
}

/* Reads, runs and writes it all; then the exit status. */
static int run_all(batch *b, const asl_options *opts, int jobs)
{
	asl_lines in;
	if (asl__lines_open(&in, 0, b->wake[0]) < 0 || start_workers(b, opts, jobs) < 0) {
		asl__lines_close(&in);
		fprintf(stderr, "%s: out of memory\n", b->prog);
		return 2;
	}
	in.on_stall = reader_stalled;
	in.stall_user = b;
	int caught = asl_platform_stop_signals_catch(stop_by_signal, b) == 0;
	int read_error = read_lines(b, &in);
	pthread_mutex_lock(&b->lock);
	b->eof = 1;
	pthread_cond_broadcast(&b->work);
	write_ready(b);
	pthread_mutex_unlock(&b->lock);
	for (int i = 0; i < b->nworkers; i++)
		pthread_join(b->workers[i].thread, NULL);
	if (caught)
		asl_platform_stop_signals_restore();
	asl__lines_close(&in);
	asl__out_flush(&b->out);
	summary(b);
	const char *sig = caught ? asl_platform_stop_signal() : NULL;
	if (b->out.error) {
		fprintf(stderr, "%s: cannot write the output: %s\n", b->prog,
			strerror(b->out.error));
		return 5;
	}
	if (sig || b->out_stopped) {
		fprintf(stderr, "%s: aborted by %s: the output ends with line %" PRIu64 "\n",
			b->prog, sig ? sig : "running out of memory", b->last_line);
		return sig ? 6 : 1;
	}
	if (read_error) {
		fprintf(stderr, "%s: cannot read the input: %s\n", b->prog, strerror(read_error));
		return 2;
	}
	const counts *c = &b->n;
	return c->failed || c->timed_out || c->rejected ? 1 : 0;
}

int asl__batch_run(const char *prog, const asl_machine *machine, const asl_options *opts,
		   const asl_batch_options *bo)
{
	const asl_platform *plat = opts->platform ? opts->platform : asl_platform_default();
	int cpus = plat->cpu_count(plat->user);
	int jobs = bo->jobs > 0 ? bo->jobs : cpus;
	batch b;
	memset(&b, 0, sizeof b);
	b.prog = prog;
	b.machine = machine;
	b.bo = bo;
	b.name = opts->execution_name ? opts->execution_name : "local-execution";
	b.window = (size_t)jobs * 16 < 64 ? 64 : (size_t)jobs * 16;
	b.out.fd = 1;
	b.wake[0] = b.wake[1] = -1;
	b.tty = isatty(2);
	b.t0_ns = now_ns();
	pthread_mutex_init(&b.lock, NULL);
	pthread_cond_init(&b.work, NULL);
	pthread_cond_init(&b.space, NULL);
	/* one pool for the Parallel and Map states of every execution, made once */
	asl_options o = *opts;
	asl_pool *pool = NULL;
	if (!o.pool)
		o.pool = pool = plat->pool_new(plat->user, o.threads > 0 ? o.threads : cpus);
	b.ring = calloc(b.window, sizeof *b.ring);
	int rc = 2;
	if (!o.pool || !b.ring || open_wake(&b) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
	} else {
		rc = run_all(&b, &o, jobs);
	}
	if (pool)
		plat->pool_free(plat->user, pool);
	free_batch(&b);
	return rc;
}
