/* Standard input, output and error that were closed (`<&-`) stay unusable, but taken: the
 * next open() or pipe() would get their numbers, and then the input would be read from a
 * definition, a header or batch mode's own wake pipe, or results written into one. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <unistd.h>

#include "bindings.h"

void asl__hold_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		/* the other direction: reads of a closed input or writes of a closed output fail
		 * with EBADF, as they did */
		int held = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
		if (held >= 0 && held != fd) /* not expected: the lower ones are taken by now */
			close(held);
	}
}
