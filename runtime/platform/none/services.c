/* Without an OS there is nothing to bind a Task to but C handlers, which the core calls itself:
 * no processes (exec:), no HTTP, no mocks, no files for Distributed Map's ItemReader and
 * ResultWriter. Those fail as unknown bindings or "built without files". */
#include "services.h"

const asl__services *asl__services_default(void)
{
	static const asl__services none = {0};
	return &none;
}
