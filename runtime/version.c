#include <seccomp.h>
#include <stdio.h>

#include "oci/runtime-spec.h"
#include "runtime.h"

#ifndef TONG_COMMIT
#define TONG_COMMIT "unknown"
#endif

void
tong_print_version (const char *prog)
{
  const struct scmp_version *v = seccomp_version ();

  printf ("%s version %s\n", prog, TONG_VERSION);
  printf ("commit: %s\n", TONG_COMMIT);
  printf ("spec: %s\n", OCI_RUNTIME_SPEC_VERSION);
  if (v)
    printf ("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
}
