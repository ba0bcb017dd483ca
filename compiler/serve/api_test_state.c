/* TestState: one state run on its own (in progress). */
#include "api.h"

int sv_op_TestState(sv_call *c)
{
	return sv_error(c, "UnsupportedOperation", "aslc serve does not implement %s yet.",
			"TestState");
}
