/* aslc graph's command line (graph_cli.c). */
#ifndef ASLC_GRAPH_CLI_H
#define ASLC_GRAPH_CLI_H

/* argv: what follows "graph". Returns the exit status. */
int aslc_graph_main(int argc, char **argv);

#endif
