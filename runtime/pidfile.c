/* --pid-file: written whole or not at all (temp file, rename), as runc. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "runtime.h"

int
tong_write_pid_file (const char *path, pid_t pid, struct oci_error *err)
{
  cleanup_free char *tmp = NULL;
  cleanup_close int fd = -1;
  char buf[32];
  int n;

  if (asprintf (&tmp, "%s.tmp-%d", path, getpid ()) < 0)
    return oci_error_set (err, ENOMEM, "pid file");
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return oci_error_set (err, errno, "create pid file %s", tmp);
  n = snprintf (buf, sizeof buf, "%d", pid);
  if (write (fd, buf, n) != n || rename (tmp, path) < 0)
    {
      int e = errno;
      unlink (tmp);
      return oci_error_set (err, e, "write pid file %s", path);
    }
  return 0;
}
