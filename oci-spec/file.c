/* Whole-file writes (oci/file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "oci/file.h"

int
oci_write_all (int fd, const void *buf, size_t len, const char *what, struct oci_error *err)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return oci_error_set (err, errno, "write %s", what);
      /* A regular file takes what it can; 0 would loop for ever. */
      if (n == 0)
        return oci_error_set (err, ENOSPC, "write %s", what);
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

int
oci_replace_file_at (int dirfd, const char *path, const struct iovec *parts, size_t n_parts, mode_t mode,
                     unsigned flags, struct oci_error *err)
{
  const char *slash = strrchr (path, '/');
  const char *base = slash ? slash + 1 : path;
  cleanup_free char *tmp = NULL;
  int fd, r = 0;

  if (!*base)
    return oci_error_set (err, EINVAL, "replace %s: not a file name", path);
  if (asprintf (&tmp, "%.*s.%s.tmp-%ld", (int) (base - path), path, base, (long) getpid ()) < 0)
    return oci_error_set (err, ENOMEM, "replace %s", path);
  fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0)
    return oci_error_set (err, errno, "create %s", tmp);
  for (size_t i = 0; r == 0 && i < n_parts; i++)
    r = oci_write_all (fd, parts[i].iov_base, parts[i].iov_len, tmp, err);
  if (r == 0 && (flags & OCI_REPLACE_SYNC_FILE) && fsync (fd) < 0)
    r = oci_error_set (err, errno, "fsync %s", tmp);
  /* close reports a failed delayed write on some file systems (NFS). */
  if (close (fd) < 0 && r == 0)
    r = oci_error_set (err, errno, "close %s", tmp);
  if (r == 0 && renameat (dirfd, tmp, dirfd, path) < 0)
    r = oci_error_set (err, errno, "rename %s to %s", tmp, path);
  if (r < 0)
    {
      unlinkat (dirfd, tmp, 0);
      return r;
    }
  if (flags & OCI_REPLACE_SYNC_DIR)
    {
      /* The directory part of path, its final slash kept ("a/" is "a"). */
      cleanup_free char *dir = base == path ? strdup (".") : strndup (path, (size_t) (base - path));
      cleanup_close int dfd = dir ? openat (dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
      if (dfd < 0 || fsync (dfd) < 0)
        return oci_error_set (err, dir ? errno : ENOMEM, "fsync the directory of %s", path);
    }
  return 0;
}
