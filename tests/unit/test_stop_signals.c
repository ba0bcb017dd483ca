/* The POSIX stop signals (asl_platform_stop_signals_*): the first SIGINT or SIGTERM calls the
 * host's stop function on the watcher thread, the same signal again has its default action,
 * and restore gives the program its own handlers back. */
#define _POSIX_C_SOURCE 200809L
#include <asl/platform.h>
#include <check.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static atomic_int stops;

/* The stop function (on the watcher thread, where Check cannot assert): counts its calls with
 * the right context. */
static void count_stop(void *ctx)
{
	if (ctx == &stops)
		atomic_fetch_add(&stops, 1);
}

static void hosts_handler(int sig)
{
	(void)sig;
}

/* Waits up to 2 s for the watcher to have called the stop function `n` times. */
static int stops_reach(int n)
{
	for (int i = 0; i < 200 && atomic_load(&stops) < n; i++)
		nanosleep(&(struct timespec){0, 10000000L}, NULL);
	return atomic_load(&stops) >= n;
}

START_TEST(the_first_signal_calls_stop_on_the_watcher)
{
	atomic_store(&stops, 0);
	ck_assert_int_eq(asl_platform_stop_signals_catch(count_stop, &stops), 0);
	ck_assert_ptr_null(asl_platform_stop_signal());
	raise(SIGTERM);
	ck_assert(stops_reach(1));
	ck_assert_str_eq(asl_platform_stop_signal(), "SIGTERM");
	asl_platform_stop_signals_restore();
	ck_assert_int_eq(atomic_load(&stops), 1);
}
END_TEST

START_TEST(restore_gives_back_the_programs_handlers)
{
	struct sigaction mine, now;
	memset(&mine, 0, sizeof mine);
	mine.sa_handler = hosts_handler;
	sigemptyset(&mine.sa_mask);
	sigaction(SIGINT, &mine, NULL);
	atomic_store(&stops, 0);
	ck_assert_int_eq(asl_platform_stop_signals_catch(count_stop, &stops), 0);
	sigaction(SIGINT, NULL, &now);
	ck_assert_ptr_ne((void *)now.sa_handler, (void *)hosts_handler);
	raise(SIGINT); /* caught, then the default action until restore */
	ck_assert(stops_reach(1));
	asl_platform_stop_signals_restore();
	sigaction(SIGINT, NULL, &now);
	ck_assert_ptr_eq((void *)now.sa_handler, (void *)hosts_handler);
	raise(SIGINT); /* the program's own handler: nothing happens */
	ck_assert_int_eq(atomic_load(&stops), 1);
}
END_TEST

START_TEST(an_ignored_signal_stays_ignored)
{
	signal(SIGTERM, SIG_IGN);
	atomic_store(&stops, 0);
	ck_assert_int_eq(asl_platform_stop_signals_catch(count_stop, &stops), 0);
	raise(SIGTERM);
	nanosleep(&(struct timespec){0, 50000000L}, NULL);
	asl_platform_stop_signals_restore();
	ck_assert_int_eq(atomic_load(&stops), 0);
	ck_assert_ptr_null(asl_platform_stop_signal());
}
END_TEST

START_TEST(the_same_signal_again_kills)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		atomic_store(&stops, 0);
		if (asl_platform_stop_signals_catch(count_stop, &stops) != 0)
			_exit(2);
		raise(SIGINT);
		if (!stops_reach(1))
			_exit(3);
		raise(SIGINT); /* the default action: the process ends here */
		_exit(0);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT, "status %d", status);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stop_signals");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, the_first_signal_calls_stop_on_the_watcher);
	tcase_add_test(tc, restore_gives_back_the_programs_handlers);
	tcase_add_test(tc, an_ignored_signal_stays_ignored);
	tcase_add_test(tc, the_same_signal_again_kills);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
