/* --pid-file: written whole or not at all (temporary file, rename), as
 * runc does. */
#include <fcntl.h>
#include <stdio.h>

#include "oci/file.h"
#include "runtime.h"

int
tong_write_pid_file (const char *path, pid_t pid, struct oci_error *err)
{
  char buf[32];
  struct iovec text = { buf, (size_t) snprintf (buf, sizeof buf, "%d", pid) };

  if (oci_replace_file_at (AT_FDCWD, path, &text, 1, 0644, 0, err) < 0)
    return oci_error_wrap (err, "pid file");
  return 0;
}
