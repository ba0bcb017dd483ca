/* Reset and fault handling for the MPS2 AN386 (Cortex-M4F): the vector table, copying .data
 * from flash, clearing .bss, turning the FPU on, and painting the stack with a pattern so that
 * stack_peak() can tell how deep it ever went. The program runs on that stack through PSP; the
 * handlers run on a stack of their own (MSP), so that a fault raised by an overflowed program
 * stack (which the linker script places at the start of RAM, so that it faults) can still be
 * handled. Each exception taken in the program pushes its frame (up to 104 bytes with the FPU)
 * on the program's stack. A fault prints its name and exits with 70. */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "semihost.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[], __handler_stack_top[];

int main(void);

#define PAINT 0xa5a5a5a5u

/* Paints from the stack's limit up to just below the current stack pointer: nothing lives
 * there yet. Inlined into board_start, whose own frame is tiny. */
static inline __attribute__((always_inline)) void paint_stack(void)
{
	uint32_t *sp;
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	for (uint32_t *p = __stack_limit; p < sp - 16; p++)
		*p = PAINT;
}

size_t stack_peak(void)
{
	const uint32_t *p = __stack_limit;
	while (p < __stack_top && *p == PAINT)
		p++;
	return (size_t)((const char *)__stack_top - (const char *)p);
}

size_t stack_size(void)
{
	return (size_t)((const char *)__stack_top - (const char *)__stack_limit);
}

/* Where reset_handler goes once it runs on the program's stack. */
__attribute__((noreturn, used)) void board_start(void)
{
	memcpy(__data_start, __data_load, (size_t)((char *)__data_end - (char *)__data_start));
	memset(__bss_start, 0, (size_t)((char *)__bss_end - (char *)__bss_start));
	/* CPACR: full access to the coprocessors 10 and 11, the FPU (-mfloat-abi=hard) */
	*(volatile uint32_t *)0xE000ED88 |= 0xfu << 20;
	__asm__ volatile("dsb\n\tisb");
	paint_stack();
	sh_exit(main());
}

/* Entered on the handlers' stack (the vector table's initial MSP): the program's stack becomes
 * PSP and the current one (CONTROL.SPSEL), before any C code puts a frame on MSP. */
__attribute__((naked, noreturn)) void reset_handler(void)
{
	__asm__ volatile("ldr r0, =__stack_top\n\t"
			 "msr psp, r0\n\t"
			 "movs r0, #2\n\t"
			 "msr control, r0\n\t"
			 "isb\n\t"
			 "b board_start\n\t"
			 ".ltorg");
}

static void fault(const char *what)
{
	int fd = sh_open(":tt", "a");
	sh_write(fd, what, strlen(what));
	sh_exit(70);
}

static void hard_fault(void)
{
	/* a stack that ran into .bss often ends here: say which it was */
	fault(stack_peak() >= stack_size() ? "fault: stack overflow\n" : "fault: HardFault\n");
}

static void other_fault(void)
{
	fault("fault: unexpected exception\n");
}

/* The program's SysTick interrupt, if it has one (examples/firmware ticks with it). */
void systick_handler(void) __attribute__((weak, alias("other_fault")));

typedef void (*vector)(void);

__attribute__((section(".vectors"), used)) static const vector vectors[16] = {
	(vector)(uintptr_t)__handler_stack_top, /* the initial stack pointer (MSP) */
	reset_handler,
	other_fault, /* NMI */
	hard_fault,
	other_fault, /* MemManage */
	other_fault, /* BusFault */
	other_fault, /* UsageFault */
	0,
	0,
	0,
	0,
	other_fault, /* SVCall */
	other_fault, /* DebugMonitor */
	0,
	other_fault, /* PendSV */
	systick_handler,
};
