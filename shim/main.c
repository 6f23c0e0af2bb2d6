/* tong-shim: supervises one container's PID 1 (stdio, logs, exit status,
 * attach), like conmon.  Its issue has not landed yet: usage only. */
#include <stdio.h>
#include <string.h>

int
main (int argc, char **argv)
{
  FILE *out = argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0) ? stdout : stderr;

  fprintf (out, "usage: tong-shim --id ID --bundle DIR --log-path FILE --exit-dir DIR [--runtime PATH]\n"
                "tong-shim %s: supervision is not implemented yet\n",
           TONG_VERSION);
  return out == stdout ? 0 : 2;
}
