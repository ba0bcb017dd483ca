/* 64-bit atomics for Cortex-M (ARMv7-M has 32-bit LDREX/STREX only): GCC turns the core's
 * 64-bit atomic counters and flags into calls to these, which libatomic provides on Linux and
 * nothing does on bare metal. One core: an operation is atomic when no interrupt comes in
 * between, so each masks interrupts (PRIMASK) around a plain access and puts the mask back as it
 * was. Built only into the cross-compiled runtime (runtime/CMakeLists.txt). The asm labels give
 * the functions the names GCC calls without declaring its built-ins again. */
#include <stdbool.h>
#include <stdint.h>

static inline uint32_t mask(void)
{
	uint32_t primask;
	__asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
	return primask;
}

static inline void unmask(uint32_t primask)
{
	__asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

uint64_t atomic_load_8(const volatile void *p, int order) __asm__("__atomic_load_8");
void atomic_store_8(volatile void *p, uint64_t v, int order) __asm__("__atomic_store_8");
uint64_t atomic_exchange_8(volatile void *p, uint64_t v, int order) __asm__("__atomic_exchange_8");
uint64_t atomic_fetch_add_8(volatile void *p, uint64_t v,
			    int order) __asm__("__atomic_fetch_add_8");
uint64_t atomic_fetch_sub_8(volatile void *p, uint64_t v,
			    int order) __asm__("__atomic_fetch_sub_8");
bool atomic_compare_exchange_8(volatile void *p, void *expected, uint64_t desired, int success,
			       int failure) __asm__("__atomic_compare_exchange_8");

uint64_t atomic_load_8(const volatile void *p, int order)
{
	(void)order;
	uint32_t m = mask();
	uint64_t v = *(const volatile uint64_t *)p;
	unmask(m);
	return v;
}

void atomic_store_8(volatile void *p, uint64_t v, int order)
{
	(void)order;
	uint32_t m = mask();
	*(volatile uint64_t *)p = v;
	unmask(m);
}

uint64_t atomic_exchange_8(volatile void *p, uint64_t v, int order)
{
	(void)order;
	uint32_t m = mask();
	uint64_t old = *(volatile uint64_t *)p;
	*(volatile uint64_t *)p = v;
	unmask(m);
	return old;
}

uint64_t atomic_fetch_add_8(volatile void *p, uint64_t v, int order)
{
	(void)order;
	uint32_t m = mask();
	uint64_t old = *(volatile uint64_t *)p;
	*(volatile uint64_t *)p = old + v;
	unmask(m);
	return old;
}

uint64_t atomic_fetch_sub_8(volatile void *p, uint64_t v, int order)
{
	(void)order;
	uint32_t m = mask();
	uint64_t old = *(volatile uint64_t *)p;
	*(volatile uint64_t *)p = old - v;
	unmask(m);
	return old;
}

bool atomic_compare_exchange_8(volatile void *p, void *expected, uint64_t desired, int success,
			       int failure)
{
	(void)success, (void)failure;
	uint32_t m = mask();
	uint64_t cur = *(volatile uint64_t *)p;
	bool same = cur == *(uint64_t *)expected;
	if (same)
		*(volatile uint64_t *)p = desired;
	else
		*(uint64_t *)expected = cur;
	unmask(m);
	return same;
}
