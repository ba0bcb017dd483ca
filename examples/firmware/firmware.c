/* A firmware main loop that runs a workflow: sensor-alert.asl.json, compiled by
 * `aslc --emit-c --symbol sensor_alert`, on the bare-metal platform (asl/baremetal.h).
 *
 * The board ticks every 10 ms (SysTick); the tick is the clock the runtime reads, through the
 * host callback now_ms. The main loop starts the execution and calls asl_advance whenever what
 * the execution waits for has come: a Wait state returns ASL_STEP_WAIT_TIME with the time it
 * ends, and the core sleeps (WFI) until the tick gets there, free for other work meanwhile.
 * Every byte the execution uses comes from `memory`; nothing mallocs.
 *
 * The board glue (reset, semihosting for the console, the linker script) is
 * tools/cross/mps2-an386 for qemu's MPS2 AN386; on another board only board_* below change. */
#include <stddef.h>
#include <string.h>

#include "asl/asl.h"
#include "asl/baremetal.h"
#include "board.h"
#include "semihost.h"
#include "sensor.h"
#include "sensor_machine.h"

#define TICK_MS 10
#define CPU_HZ 25000000 /* the MPS2 board's system clock */

static volatile uint32_t ticks;
static int console = -1;

void systick_handler(void)
{
	ticks++;
}

/* Starts SysTick on the processor clock, interrupting every TICK_MS. */
static void board_start_tick(void)
{
	volatile uint32_t *syst = (volatile uint32_t *)0xE000E010;
	syst[1] = CPU_HZ / 1000 * TICK_MS - 1; /* RVR: the reload value */
	syst[2] = 0; /* CVR */
	syst[0] = 7; /* CSR: enabled, interrupting, processor clock */
}

static void board_print(const char *s)
{
	sh_write(console, s, strlen(s));
}

/* The clock the runtime reads: the time at reset (a board with an RTC reads it; here the
 * semihosting host's) plus the ticks since. */
static int64_t board_now_ms(void *user)
{
	const int64_t *boot_ms = user;
	return *boot_ms + (int64_t)ticks * TICK_MS;
}

static _Alignas(max_align_t) unsigned char memory[8192];

/* Prints BEFORE, n in decimal, AFTER (the core's formatting is not public; this is all it takes). */
static void print_size(const char *before, size_t n, const char *after)
{
	char line[80], digits[12], *p = digits + sizeof digits;
	*--p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while (n /= 10);
	strcpy(line, before);
	strcat(line, p);
	strcat(line, after);
	board_print(line);
}

int main(void)
{
	console = sh_open(":tt", "w");
	int64_t boot_ms = sh_time() * 1000;
	board_start_tick();

	/* no random numbers on this board: States.UUID would fail cleanly */
	const asl_baremetal_host host = {board_now_ms, NULL, &boot_ms};
	asl_platform platform;
	asl_baremetal_platform(&platform, &host);
	asl_buffer_allocator heap;
	asl_buffer_allocator_init(&heap, memory, sizeof memory);
	static const asl_binding bindings[] = {{"read-sensor", "c:read_sensor"}};
	static const asl_handler handlers[] = {{"read_sensor", read_sensor, NULL}};
	asl_options opts;
	asl_options_init(&opts);
	opts.allocator = &heap.allocator;
	opts.platform = &platform;
	opts.bindings = bindings;
	opts.binding_count = 1;
	opts.handlers = handlers;
	opts.handler_count = 1;

	static const char input_json[] =
		"{\"device\":\"greenhouse-3\",\"threshold\":40,\"maxReadings\":10,\"readings\":0}";
	asl_arena arena;
	asl_arena_init(&arena, &heap.allocator);
	asl_parse_error err;
	asl_value *input = asl_parse(&arena, input_json, sizeof input_json - 1, 0, &err);
	asl_execution *e = input ? asl_start(&sensor_alert, input, &opts) : NULL;
	if (!e) {
		board_print("firmware: out of memory\n");
		return 1;
	}
	board_print("firmware: sensor-alert started\n");
	asl_step s = asl_advance(e);
	while (s.kind != ASL_STEP_FINISHED) {
		if (s.kind !=
		    ASL_STEP_WAIT_TIME) { /* no pending tasks here: handlers finish at once */
			asl_stop(e, "Firmware.Unexpected",
				 "The execution waits for something else.");
		} else {
			board_print("firmware: waiting for the next reading\n");
			while (board_now_ms(&boot_ms) < s.until_ms)
				__asm__ volatile("wfi"); /* the next tick wakes the core */
		}
		s = asl_advance(e);
	}
	asl_result r;
	asl_status status = asl_finish(e, &r);
	board_print(status == ASL_SUCCEEDED ? r.output : asl_result_error_json(&r));
	board_print("\n");
	asl_result_free(&r);
	asl_arena_destroy(&arena);
	/* what a port sizes `memory` and the stack by */
	print_size("firmware: memory high-water mark ", heap.top, " bytes\n");
	print_size("firmware: stack peak ", stack_peak(), "");
	print_size(" of ", stack_size(), " bytes\n");
	return status == ASL_SUCCEEDED ? 0 : 1;
}
