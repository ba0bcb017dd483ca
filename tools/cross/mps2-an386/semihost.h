/* Arm semihosting (the debugger's or qemu's host does the I/O): the calls the cortex-m4.sh
 * runner and the firmware example need, on `-semihosting-config enable=on,target=native`. */
#ifndef MPS2_SEMIHOST_H
#define MPS2_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* A host file: open ("r" or "w" as in fopen; ":tt" is the console), -1 when it cannot. */
int sh_open(const char *path, const char *mode);
/* The host file's length in bytes, or -1. */
long sh_flen(int fd);
/* Reads len bytes: 0 when all came, else the number that did not. */
size_t sh_read(int fd, void *buf, size_t len);
void sh_write(int fd, const void *buf, size_t len);
void sh_close(int fd);
/* The command line of qemu's -append, NUL-terminated in buf; -1 when there is none. */
int sh_cmdline(char *buf, size_t len);
/* Seconds since the epoch, and centiseconds since the program started, by the host's clock. */
int64_t sh_time(void);
int64_t sh_clock(void);
/* Ends the program (qemu exits) with this status. */
_Noreturn void sh_exit(int status);

#endif
