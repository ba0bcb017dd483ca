/* Temporary files for the C that aslc hands to the C compiler. */
#ifndef ASLC_TEMP_FILE_H
#define ASLC_TEMP_FILE_H

/* Creates a new file named "$TMPDIR/STEM-XXXXXX.c" (/tmp without TMPDIR) and opens it for
 * writing. Returns the descriptor and sets *path to the malloc'd name, or returns -1 with
 * errno set (*path is then NULL). */
int temp_c_file(const char *stem, char **path);

#endif
