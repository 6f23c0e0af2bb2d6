/* tong-build: Dockerfile → OCI image layout, image → bundle, commit.  Its
 * issue has not landed yet: usage only. */
#include <stdio.h>
#include <string.h>

int
main (int argc, char **argv)
{
  FILE *out = argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0) ? stdout : stderr;

  fprintf (out, "usage: tong-build build|bundle|commit [options]\n"
                "tong-build %s: not implemented yet\n",
           TONG_VERSION);
  return out == stdout ? 0 : 2;
}
