/* What newlib-nano may ask of the board here: _sbrk, which fails loudly (the runtime takes no
 * byte from the C library: it parses numbers itself, runtime/core/number_parse.c, so nothing
 * links malloc; cortex-m4.sh checks with nm that malloc and _sbrk stay out), and
 * __assert_func, in case a C library function asserts. newlib's own __assert_func would bring
 * fprintf and all of stdio (some 3 KB of flash) for a message nobody reads on a device; and
 * libnosys's _sbrk would hand out the RAM above .bss without anyone having set it aside. */
#include <stddef.h>
#include <string.h>

#include "semihost.h"

static _Noreturn void die(const char *what, const char *detail)
{
	int fd = sh_open(":tt", "a");
	sh_write(fd, what, strlen(what));
	sh_write(fd, detail, strlen(detail));
	sh_write(fd, "\n", 1);
	sh_exit(70);
}

void *_sbrk(ptrdiff_t incr)
{
	(void)incr;
	die("the C library's malloc was called: ",
	    "nothing on this board may take memory outside the runtime's buffer");
}

_Noreturn void __assert_func(const char *file, int line, const char *func, const char *expr)
{
	(void)line, (void)func, (void)file;
	die("assertion failed: ", expr);
}
