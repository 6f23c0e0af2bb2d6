/* CVE-2019-5736: a process in the container that gets hold of
 * /proc/<pid>/exe of a runtime process must not reach the host's binary.
 * Commands that enter a container re-exec themselves from a sealed,
 * anonymous copy (crun's approach), so /proc/<pid>/exe is that copy. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "runtime.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static bool
running_sealed (void)
{
  cleanup_close int fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  int seals;

  if (fd < 0)
    return false;
  seals = fcntl (fd, F_GET_SEALS);
  return seals >= 0 && (seals & SEALS) == SEALS;
}

int
tong_reexec_sealed (char **argv, struct oci_error *err)
{
  cleanup_close int src = -1, mem = -1;
  struct stat st;
  off_t off = 0;
  extern char **environ;

  if (running_sealed ())
    return 0;
  src = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (src < 0 || fstat (src, &st) < 0)
    return oci_error_set (err, errno, "open /proc/self/exe");
  mem = memfd_create ("tong", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mem < 0)
    return oci_error_set (err, errno, "memfd_create");
  while (off < st.st_size)
    {
      ssize_t n = sendfile (mem, src, &off, st.st_size - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return oci_error_set (err, n < 0 ? errno : EIO, "copy /proc/self/exe into a sealed memfd");
    }
  /* F_SEAL_WRITE is refused (EBUSY) when a page of the copy still has an
   * extra reference after the kernel has waited ~150 ms for it to go (seen
   * once, in `make asan` on a loaded machine; what held the page is not
   * known): a few more tries. */
  for (int tries = 0; fcntl (mem, F_ADD_SEALS, SEALS) < 0; tries++)
    {
      if (errno != EBUSY || tries == 20)
        return oci_error_set (err, errno, "seal the runtime's copy");
      nanosleep (&(struct timespec) { .tv_nsec = 1000000 }, NULL);
    }
  fexecve (mem, argv, environ);
  return oci_error_set (err, errno, "re-exec from the sealed copy");
}
