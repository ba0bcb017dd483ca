/* runit [-i IN] OUT CMD [ARG...]: run CMD with its stdout sent to the file OUT (and its stdin
 * read from the file IN) and print "<wall-clock ms> <peak RSS KiB>" -- the peak RSS is the
 * child's ru_maxrss from wait4(), the same figure GNU `time -v` reports as "Maximum resident
 * set size".  Exits with CMD's status. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int in = -1;
	if (argc > 2 && !strcmp(argv[1], "-i")) {
		in = open(argv[2], O_RDONLY);
		if (in < 0) {
			perror(argv[2]);
			return 2;
		}
		argc -= 2, argv += 2;
	}
	if (argc < 3) {
		fputs("usage: runit [-i IN] OUT CMD [ARG...]\n", stderr);
		return 2;
	}
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		if (in >= 0)
			dup2(in, 0);
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("runit");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.3f %ld\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6,
	       ru.ru_maxrss);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "runit: %s failed (status %d)\n", argv[2], status);
		return 1;
	}
	return 0;
}
