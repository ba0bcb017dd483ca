#define _GNU_SOURCE /* mkstemps */
#include "temp_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int temp_c_file(const char *stem, char **path)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	*path = NULL;
	size_t size = strlen(dir) + strlen(stem) + sizeof "/-XXXXXX.c";
	char *name = malloc(size);
	if (!name) {
		errno = ENOMEM;
		return -1;
	}
	snprintf(name, size, "%s/%s-XXXXXX.c", dir, stem);
	int fd = mkstemps(name, 2);
	if (fd < 0) {
		int saved = errno;
		free(name);
		errno = saved;
		return -1;
	}
	*path = name;
	return fd;
}
