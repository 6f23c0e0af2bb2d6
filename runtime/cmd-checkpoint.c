/* checkpoint and restore need CRIU, which tong does not drive yet: both
 * commands exist (callers probe them, `-h` describes them) and refuse
 * plainly, before touching the container. */
#include <errno.h>

#include "runtime.h"

int
tong_cmd_checkpoint (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  return oci_error_set (err, ENOTSUP, "checkpoint: tong does not support CRIU checkpoints yet");
}

int
tong_cmd_restore (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  return oci_error_set (err, ENOTSUP, "restore: tong does not support CRIU checkpoints yet");
}
