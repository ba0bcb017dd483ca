/* The load client of bench/serve.sh: sends COUNT AWS JSON 1.0 requests (POST /, X-Amz-Target:
 * AWSStepFunctions.OP) to HOST:PORT on CONNS keep-alive connections, one request in flight on
 * each (a thread per connection), and prints the rate and the latency percentiles:
 *
 *   serve_load HOST PORT OP CONNS COUNT BODY [EXPECT]
 *   -> requests N seconds S rps R p50_ms A p90_ms B p99_ms C
 *
 * BODY may hold one %d, replaced by the request's number (unique execution names). Every
 * response must be a 200 with a Content-Length (and contain EXPECT when given); the first one
 * that is not is printed and the exit status is 1. C, not Python, so that the client is not
 * what limits the rate. */
#define _GNU_SOURCE /* strcasestr */
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 256
#define BUF_SIZE (1 << 20)

struct load {
	const char *host, *port, *op, *body, *expect;
	int count;
	atomic_int next, failed;
	double *latency_ms; /* per request */
};

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int connect_to(const struct load *l)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
	if (getaddrinfo(l->host, l->port, &hints, &ai) != 0)
		return -1;
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	int one = 1; /* small requests: do not let Nagle hold them back */
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one response into buf; returns its status (0: the connection broke). */
static int read_response(int fd, char *buf, size_t cap, size_t *len)
{
	size_t have = 0, need = 0;
	for (;;) {
		ssize_t r = read(fd, buf + have, cap - 1 - have);
		if (r <= 0)
			return 0;
		have += (size_t)r;
		buf[have] = 0;
		char *end = strstr(buf, "\r\n\r\n");
		if (!end)
			continue;
		if (!need) {
			const char *cl = strcasestr(buf, "\r\ncontent-length:");
			if (!cl || cl > end)
				return 0;
			need = (size_t)(end + 4 - buf) + strtoul(cl + 17, NULL, 10);
			if (need >= cap)
				return 0;
		}
		if (have >= need) {
			*len = have;
			return atoi(buf + 9); /* "HTTP/1.1 200" */
		}
	}
}

static void fail_once(struct load *l, const char *what, const char *detail)
{
	if (atomic_fetch_add(&l->failed, 1) == 0)
		fprintf(stderr, "serve_load: %s %s: %.2000s\n", l->op, what, detail);
}

static void *connection(void *arg)
{
	struct load *l = arg;
	char *buf = malloc(BUF_SIZE), *req = malloc(BUF_SIZE), body[8192];
	int fd = -1;
	for (int i; buf && req && (i = atomic_fetch_add(&l->next, 1)) < l->count;) {
		int blen = snprintf(body, sizeof body, l->body, i);
		int n = snprintf(
			req, BUF_SIZE,
			"POST / HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: application/x-amz-json-1.0\r\n"
			"X-Amz-Target: AWSStepFunctions.%s\r\nContent-Length: %d\r\n\r\n%s",
			l->host, l->port, l->op, blen, body);
		double t0 = now_ms();
		size_t len = 0;
		int status = 0;
		for (int attempt = 0; attempt < 2 && !status;
		     attempt++) { /* a closed keep-alive: reconnect */
			if (fd < 0 && (fd = connect_to(l)) < 0)
				break;
			if (send_all(fd, req, (size_t)n) == 0)
				status = read_response(fd, buf, BUF_SIZE, &len);
			if (!status) {
				close(fd);
				fd = -1;
			}
		}
		l->latency_ms[i] = now_ms() - t0;
		if (status != 200)
			fail_once(l, status ? "answered" : "got no answer", status ? buf : "");
		else if (l->expect && !strstr(buf, l->expect))
			fail_once(l, "lacks the expected text", buf);
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	free(req);
	return NULL;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 7 || argc > 8) {
		fprintf(stderr, "usage: serve_load HOST PORT OP CONNS COUNT BODY [EXPECT]\n");
		return 2;
	}
	struct load l = {.host = argv[1],
			 .port = argv[2],
			 .op = argv[3],
			 .body = argv[6],
			 .expect = argc > 7 ? argv[7] : NULL,
			 .count = atoi(argv[5])};
	int conns = atoi(argv[4]);
	if (conns < 1 || conns > MAX_CONNS || l.count < 1) {
		fprintf(stderr, "serve_load: CONNS must be 1..%d and COUNT at least 1\n",
			MAX_CONNS);
		return 2;
	}
	l.latency_ms = calloc((size_t)l.count, sizeof *l.latency_ms);
	pthread_t threads[MAX_CONNS];
	double t0 = now_ms();
	for (int i = 0; i < conns; i++)
		pthread_create(&threads[i], NULL, connection, &l);
	for (int i = 0; i < conns; i++)
		pthread_join(threads[i], NULL);
	double seconds = (now_ms() - t0) / 1e3;
	qsort(l.latency_ms, (size_t)l.count, sizeof *l.latency_ms, by_value);
	double *v = l.latency_ms;
	printf("requests %d seconds %.3f rps %.1f p50_ms %.3f p90_ms %.3f p99_ms %.3f\n", l.count,
	       seconds, l.count / seconds, v[l.count / 2], v[(int)(l.count * 0.9)],
	       v[(int)(l.count * 0.99)]);
	free(l.latency_ms);
	return atomic_load(&l.failed) ? 1 : 0;
}
