/* Arm semihosting calls: BKPT 0xAB with the operation in r0 and a parameter block in r1. */
#include "semihost.h"

#include <string.h>

enum {
	SYS_OPEN = 0x01,
	SYS_CLOSE = 0x02,
	SYS_WRITE = 0x05,
	SYS_READ = 0x06,
	SYS_FLEN = 0x0c,
	SYS_TIME = 0x11,
	SYS_CLOCK = 0x10,
	SYS_GET_CMDLINE = 0x15,
	SYS_EXIT = 0x18,
	SYS_EXIT_EXTENDED = 0x20,
	ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static int32_t call(int32_t op, void *args)
{
	register int32_t r0 __asm__("r0") = op;
	register void *r1 __asm__("r1") = args;
	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

int sh_open(const char *path, const char *mode)
{
	/* fopen's modes in the order semihosting numbers them */
	static const char *const modes[] = {"r",  "rb",  "r+", "r+b", "w",  "wb",
					    "w+", "w+b", "a",  "ab",  "a+", "a+b"};
	uint32_t m = 0;
	while (m < 12 && strcmp(modes[m], mode))
		m++;
	uint32_t args[3] = {(uint32_t)(uintptr_t)path, m, (uint32_t)strlen(path)};
	return call(SYS_OPEN, args);
}

long sh_flen(int fd)
{
	uint32_t args[1] = {(uint32_t)fd};
	return call(SYS_FLEN, args);
}

size_t sh_read(int fd, void *buf, size_t len)
{
	uint32_t args[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)len};
	return (size_t)call(SYS_READ, args);
}

void sh_write(int fd, const void *buf, size_t len)
{
	uint32_t args[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)len};
	call(SYS_WRITE, args);
}

void sh_close(int fd)
{
	uint32_t args[1] = {(uint32_t)fd};
	call(SYS_CLOSE, args);
}

int sh_cmdline(char *buf, size_t len)
{
	uint32_t args[2] = {(uint32_t)(uintptr_t)buf, (uint32_t)len};
	return call(SYS_GET_CMDLINE, args) == 0 ? 0 : -1;
}

int64_t sh_time(void)
{
	return (uint32_t)call(SYS_TIME, NULL);
}

int64_t sh_clock(void)
{
	return call(SYS_CLOCK, NULL);
}

_Noreturn void sh_exit(int status)
{
	uint32_t args[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
	call(SYS_EXIT_EXTENDED, args);
	/* a host without the extended call: the plain one, which tells success from failure */
	call(SYS_EXIT, (void *)(uintptr_t)(status ? 0x20024 : ADP_STOPPED_APPLICATION_EXIT));
	for (;;)
		;
}
