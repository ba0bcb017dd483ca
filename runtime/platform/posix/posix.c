/* POSIX implementation of the platform layer. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "posix.h"

int64_t asl__posix_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void asl__posix_sleep_ms(int64_t ms)
{
	if (ms <= 0)
		return;
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int asl__posix_random(void *buf, size_t len)
{
	unsigned char *p = buf;
	while (len > 0) {
		ssize_t got = getrandom(p, len, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += got;
		len -= (size_t)got;
	}
	return 0;
}

/* Creates `path` and its missing parents (the root given on the command line). */
static int mkdirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n >= sizeof buf)
		return -1;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return -1;
		buf[i] = c;
	}
	return 0;
}

static int is_link(int dir, const char *name)
{
	struct stat st;
	return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

/* Opens the directory `name` below `dir` (closing `dir`) without following a symbolic link;
 * with `create`, makes it first when missing. -1, or -2 for a symbolic link. */
static int open_subdir(int dir, const char *name, int create)
{
	if (create && mkdirat(dir, name, 0777) != 0 && errno != EEXIST) {
		close(dir);
		return -1;
	}
	int sub = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int link = sub < 0 && is_link(dir, name);
	close(dir);
	return sub >= 0 ? sub : link ? -2 : -1;
}

int asl_platform_open_below(const char *root, const char *rel, int create, FILE **out)
{
	*out = NULL;
	if (create && mkdirs(root) < 0)
		return -1;
	/* every name below the root is opened relative to its parent, never through a symbolic
	 * link, so neither ".." nor a link can lead out of it (and no race can swap one in) */
	int dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *p = rel;
	char name[NAME_MAX + 1];
	for (;;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (dir < 0 || n == 0 || n > NAME_MAX) {
			if (dir >= 0)
				close(dir);
			return dir == -2 ? -2 : -1;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		if (!strcmp(name, "..")) {
			close(dir);
			return -2;
		}
		p += n;
		if (!*p)
			break; /* the file itself */
		if (strcmp(name, ".") != 0)
			dir = open_subdir(dir, name, create);
	}
	int flags = O_NOFOLLOW | O_CLOEXEC | (create ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY);
	int fd = openat(dir, name, flags, 0666);
	int link = fd < 0 && is_link(dir, name);
	close(dir);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) { /* a directory, a FIFO */
		close(fd);
		return -1;
	}
	if (fd >= 0 && !(*out = fdopen(fd, create ? "wb" : "rb")))
		close(fd);
	return *out ? 0 : link ? -2 : -1;
}
