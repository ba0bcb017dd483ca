/* 64-bit atomics for Cortex-M (ARMv7-M has 32-bit LDREX/STREX only): GCC turns the core's
 * 64-bit atomic counters and flags into calls to these, which libatomic provides on Linux and
 * nothing does on bare metal. One core: an operation is atomic when no interrupt comes in
 * between, so each masks interrupts (PRIMASK) around a plain access and puts the mask back as it
 * was. Built only into the cross-compiled runtime (runtime/CMakeLists.txt). The asm labels give
 * the functions the names GCC calls without declaring its built-ins again. ARMv6-M (Cortex-M0,
 * M0+) has no LDREX/STREX at all: there GCC calls the 32-bit read-modify-writes too, which come
 * below the same way. PRIMASK exists on M-profile cores only, so another ARM target gets
 * nothing from this file (and links its own libatomic). */
#include <stdbool.h>
#include <stdint.h>

#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'

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

#if defined(__ARM_ARCH_6M__)
uint32_t atomic_exchange_4(volatile void *p, uint32_t v, int order) __asm__("__atomic_exchange_4");
uint32_t atomic_fetch_add_4(volatile void *p, uint32_t v,
			    int order) __asm__("__atomic_fetch_add_4");
uint32_t atomic_fetch_sub_4(volatile void *p, uint32_t v,
			    int order) __asm__("__atomic_fetch_sub_4");
bool atomic_compare_exchange_4(volatile void *p, void *expected, uint32_t desired, int success,
			       int failure) __asm__("__atomic_compare_exchange_4");

uint32_t atomic_exchange_4(volatile void *p, uint32_t v, int order)
{
	(void)order;
	uint32_t m = mask();
	uint32_t old = *(volatile uint32_t *)p;
	*(volatile uint32_t *)p = v;
	unmask(m);
	return old;
}

uint32_t atomic_fetch_add_4(volatile void *p, uint32_t v, int order)
{
	(void)order;
	uint32_t m = mask();
	uint32_t old = *(volatile uint32_t *)p;
	*(volatile uint32_t *)p = old + v;
	unmask(m);
	return old;
}

uint32_t atomic_fetch_sub_4(volatile void *p, uint32_t v, int order)
{
	(void)order;
	uint32_t m = mask();
	uint32_t old = *(volatile uint32_t *)p;
	*(volatile uint32_t *)p = old - v;
	unmask(m);
	return old;
}

bool atomic_compare_exchange_4(volatile void *p, void *expected, uint32_t desired, int success,
			       int failure)
{
	(void)success, (void)failure;
	uint32_t m = mask();
	uint32_t cur = *(volatile uint32_t *)p;
	bool same = cur == *(uint32_t *)expected;
	if (same)
		*(volatile uint32_t *)p = desired;
	else
		*(uint32_t *)expected = cur;
	unmask(m);
	return same;
}
#endif /* __ARM_ARCH_6M__ */
#else
typedef int atomic64_not_needed; /* (ISO C: a translation unit declares something) */
#endif
