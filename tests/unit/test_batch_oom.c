/* Batch mode when an execution cannot be started for want of memory (asl_start returns
 * NULL): the line gets the out-of-memory result at once. It used to be started a second time
 * through asl_execute, out of the batch's sight, so that SIGTERM could not stop it. Each run
 * fails exactly one allocation (the K-th), for every K up to past asl_start's, on a line that
 * waits 3 s, with SIGTERM after 0.2 s: every run must end within a second. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../runtime/bindings/batch.h"

extern const asl_machine asl_generated_machine;

typedef struct fail_once {
	atomic_long left; /* allocations until the one that fails */
	asl_allocator allocator;
} fail_once;

static void *fail_once_alloc(void *user, size_t size)
{
	fail_once *f = user;
	return atomic_fetch_sub(&f->left, 1) == 1 ? NULL : malloc(size);
}

static void plain_release(void *user, void *block)
{
	(void)user;
	free(block);
}

static double seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The program's own handler, which the batch gives back when it ends: a SIGTERM that comes
 * after a fast run then does nothing. */
static void ignore_term(int sig)
{
	(void)sig;
}

static void *term_later(void *arg)
{
	(void)arg;
	nanosleep(&(struct timespec){0, 200000000L}, NULL);
	kill(getpid(), SIGTERM);
	return NULL;
}

/* One batch of the line "{}" with the K-th allocation failing: its exit status and time. */
static int run_failing(long k, double *took)
{
	int in[2];
	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(write(in[1], "{}\n", 3), 3);
	close(in[1]);
	dup2(in[0], 0);
	close(in[0]);
	int out = open("/dev/null", O_WRONLY);
	dup2(out, 1);
	close(out);
	static fail_once f; /* outlives the results of the run */
	atomic_store(&f.left, k);
	f.allocator = (asl_allocator){fail_once_alloc, plain_release, &f};
	asl_options opts;
	asl_options_init(&opts);
	opts.allocator = &f.allocator;
	asl_batch_options bo = {1, 0, 1, 0};
	signal(SIGTERM, ignore_term); /* again: a SIGTERM caught leaves the default action */
	pthread_t t;
	double t0 = seconds();
	ck_assert_int_eq(pthread_create(&t, NULL, term_later, NULL), 0);
	int rc = asl__batch_run("test", &asl_generated_machine, &opts, &bo);
	*took = seconds() - t0;
	pthread_join(t, NULL);
	return rc;
}

START_TEST(a_line_that_cannot_start_is_not_run_out_of_sight)
{
	/* in a child of its own (Check's fork): the SIGTERM is for this process alone */
	for (long k = 1; k <= 12; k++) {
		double took;
		int rc = run_failing(k, &took);
		ck_assert_msg(took < 1.5, "allocation %ld failing: the batch took %.1f s (exit %d)",
			      k, took, rc);
		ck_assert_msg(rc == 1 || rc == 6 || rc == 2, "allocation %ld: exit %d", k, rc);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("batch_oom");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_line_that_cannot_start_is_not_run_out_of_sight);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
