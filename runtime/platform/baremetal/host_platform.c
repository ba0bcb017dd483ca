/* The bare-metal platform's clock and randomness: platform/none's table (one thread, no
 * sleeping, no heap) with the board's now_ms and random_bytes in it. */
#include "asl/baremetal.h"

static int64_t host_now_ms(void *user)
{
	const asl_baremetal_host *host = user;
	return host->now_ms ? host->now_ms(host->user) : 0;
}

static int host_random(void *user, void *buf, size_t len)
{
	const asl_baremetal_host *host = user;
	return host->random_bytes ? host->random_bytes(host->user, buf, len) : -1;
}

void asl_baremetal_platform(asl_platform *platform, const asl_baremetal_host *host)
{
	*platform = *asl_platform_default();
	platform->user = (void *)host; /* the table's functions only read it */
	platform->now_ms = host_now_ms;
	platform->random = host_random;
}
