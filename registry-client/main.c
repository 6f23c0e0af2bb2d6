/* tong-regctl: pull, push, copy and inspect images against OCI registries.
 * Its issue has not landed yet: usage only. */
#include <stdio.h>
#include <string.h>

int
main (int argc, char **argv)
{
  FILE *out = argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0) ? stdout : stderr;

  fprintf (out, "usage: tong-regctl image pull|push|copy|inspect [options]\n"
                "tong-regctl %s: not implemented yet\n",
           TONG_VERSION);
  return out == stdout ? 0 : 2;
}
