/* The host's platform hooks (asl_options.platform and .pool): a fake clock and fixed
 * randomness make $$ times, Waits and States.UUID deterministic (and instant), and a pool the
 * host owns runs the Parallel branches of many executions. tests/embed/host_hooks.asl.json. */
#include <check.h>
#include <string.h>

#include "asl/asl.h"
#include "asl/platform_core.h"

extern const asl_machine asl_generated_machine;

#define EPOCH_MS 1700000000000 /* 2023-11-14T22:13:20Z */

/* What the fake platform saw. Its pool runs jobs in a loop on the calling thread. */
typedef struct host {
	int64_t now;
	int64_t slept;
	int pools_made, pools_freed;
	size_t jobs_run;
	int locks;
	int no_randomness;
} host;

static int64_t fake_now(void *user)
{
	return ((host *)user)->now;
}

static void fake_sleep(void *user, int64_t ms)
{
	host *h = user;
	h->now += ms; /* time passes only when the machine waits */
	h->slept += ms;
}

static int fake_random(void *user, void *buf, size_t len)
{
	if (((host *)user)->no_randomness)
		return -1;
	memset(buf, 0xab, len);
	return 0;
}

static int one_cpu(void *user)
{
	(void)user;
	return 1;
}

static asl_pool *counting_pool_new(void *user, int threads)
{
	(void)threads;
	host *h = user;
	h->pools_made++;
	return (asl_pool *)h;
}

static void counting_pool_free(void *user, asl_pool *pool)
{
	(void)pool;
	((host *)user)->pools_freed++;
}

static void counting_pool_run(void *user, asl_pool *pool, asl_job_fn fn, void *const *args,
			      size_t n, int max_concurrency)
{
	(void)pool, (void)max_concurrency;
	for (size_t i = 0; i < n; i++) {
		fn(args[i]);
		((host *)user)->jobs_run++;
	}
}

static asl_lock *counting_lock_new(void *user)
{
	return (asl_lock *)user;
}

static void counting_lock(void *user, asl_lock *lock)
{
	(void)lock;
	((host *)user)->locks++;
}

static void nothing(void *user, asl_lock *lock)
{
	(void)user, (void)lock;
}

static host h;
static asl_platform fake;

static void setup(void)
{
	memset(&h, 0, sizeof h);
	h.now = EPOCH_MS;
	fake = (asl_platform){
		.user = &h,
		.now_ms = fake_now,
		.sleep_ms = fake_sleep,
		.random = fake_random,
		.cpu_count = one_cpu,
		.pool_new = counting_pool_new,
		.pool_free = counting_pool_free,
		.pool_run = counting_pool_run,
		.lock_new = counting_lock_new,
		.lock_free = nothing,
		.lock = counting_lock,
		.unlock = nothing,
	};
}

static asl_result run(asl_pool *shared)
{
	asl_arena a;
	asl_arena_init(&a, NULL);
	asl_parse_error err;
	asl_value *input = asl_parse(&a, "{}", 2, 0, &err);
	asl_options opts;
	asl_options_init(&opts);
	opts.platform = &fake;
	opts.pool = shared;
	asl_result r;
	asl_execute(&asl_generated_machine, input, &opts, &r);
	asl_arena_destroy(&a);
	return r;
}

START_TEST(host_clock_and_randomness_make_times_waits_and_uuids_deterministic)
{
	asl_result r = run(NULL);
	ck_assert_int_eq(r.status, ASL_SUCCEEDED);
	/* Wait 10 s, then branch B's 5 s: Report is entered 15 s after the start */
	ck_assert_str_eq(r.output, "{\"start\":\"2023-11-14T22:13:20.000Z\","
				   "\"entered\":\"2023-11-14T22:13:35.000Z\","
				   "\"uuid\":\"abababab-abab-4bab-abab-abababababab\","
				   "\"branches\":[\"a\",\"b\",\"c\"]}");
	ck_assert_int_eq(h.slept, 15000);
	asl_result_free(&r);
}
END_TEST

START_TEST(execution_makes_and_frees_its_pool_on_the_host_platform)
{
	asl_result r = run(NULL);
	ck_assert_int_eq(r.status, ASL_SUCCEEDED);
	ck_assert_int_eq(h.pools_made, 1);
	ck_assert_int_eq(h.pools_freed, 1);
	ck_assert_uint_eq(h.jobs_run, 3); /* one per branch */
	ck_assert_int_eq(h.locks, 3); /* each branch's result is recorded under the lock */
	asl_result_free(&r);
}
END_TEST

START_TEST(shared_pool_serves_many_executions_and_stays_the_hosts)
{
	asl_pool *pool = fake.pool_new(fake.user, 4);
	for (int i = 0; i < 2; i++) {
		asl_result r = run(pool);
		ck_assert_int_eq(r.status, ASL_SUCCEEDED);
		asl_result_free(&r);
	}
	ck_assert_uint_eq(h.jobs_run, 6);
	ck_assert_int_eq(h.pools_made, 1); /* ours: the executions made none */
	ck_assert_int_eq(h.pools_freed, 0);
	fake.pool_free(fake.user, pool);
}
END_TEST

START_TEST(host_without_randomness_fails_uuid_as_an_intrinsic_failure)
{
	h.no_randomness = 1;
	asl_result r = run(NULL);
	ck_assert_int_eq(r.status, ASL_FAILED_STATUS);
	ck_assert_str_eq(r.error, "States.IntrinsicFailure");
	ck_assert_str_eq(r.cause, "States.UUID: no randomness available");
	asl_result_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host_hooks");
	TCase *tc = tcase_create("platform");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, host_clock_and_randomness_make_times_waits_and_uuids_deterministic);
	tcase_add_test(tc, execution_makes_and_frees_its_pool_on_the_host_platform);
	tcase_add_test(tc, shared_pool_serves_many_executions_and_stays_the_hosts);
	tcase_add_test(tc, host_without_randomness_fails_uuid_as_an_intrinsic_failure);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
