/* `aslc serve`'s entry point, for aslc's main.c. */
#ifndef ASLC_SERVE_H
#define ASLC_SERVE_H

/* argv holds the options after "serve". The exit status: 0 after a clean shutdown, 1 when the
 * store or the listener could not start, 2 for bad options. */
int aslc_serve_main(int argc, char **argv);

#endif
