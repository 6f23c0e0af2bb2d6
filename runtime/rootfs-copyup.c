/* tmpcopyup: a tmpfs mounted over a directory of the image starts with a
 * copy of what the image had there (Docker's volume semantics). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "rootfs.h"

#define MAX_COPY_DEPTH 64

static int copy_tree (int src_dir, int dst_dir, int depth, struct oci_error *err);

static int
copy_file (int src_dir, const char *name, int dst_dir, const struct stat *st, struct oci_error *err)
{
  cleanup_close int in = openat (src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int out = -1;
  char buf[65536];
  ssize_t n;

  if (in < 0)
    return oci_error_set (err, errno, "tmpcopyup: open %s", name);
  out = openat (dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
  if (out < 0)
    return oci_error_set (err, errno, "tmpcopyup: create %s", name);
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (write (out, buf, n) != n)
      return oci_error_set (err, errno, "tmpcopyup: write %s", name);
  if (n < 0)
    return oci_error_set (err, errno, "tmpcopyup: read %s", name);
  return 0;
}

static int
copy_entry (int src_dir, int dst_dir, const char *name, int depth, struct oci_error *err)
{
  struct stat st;
  int r = 0;

  if (fstatat (src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return oci_error_set (err, errno, "tmpcopyup: stat %s", name);
  if (S_ISDIR (st.st_mode))
    {
      cleanup_close int s = -1, d = -1;
      if (mkdirat (dst_dir, name, st.st_mode & 07777) < 0)
        return oci_error_set (err, errno, "tmpcopyup: mkdir %s", name);
      s = openat (src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      d = openat (dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (s < 0 || d < 0)
        return oci_error_set (err, errno, "tmpcopyup: open directory %s", name);
      r = copy_tree (s, d, depth + 1, err);
    }
  else if (S_ISREG (st.st_mode))
    r = copy_file (src_dir, name, dst_dir, &st, err);
  else if (S_ISLNK (st.st_mode))
    {
      char target[PATH_MAX];
      ssize_t n = readlinkat (src_dir, name, target, sizeof target - 1);
      if (n < 0)
        return oci_error_set (err, errno, "tmpcopyup: readlink %s", name);
      target[n] = '\0';
      if (symlinkat (target, dst_dir, name) < 0)
        return oci_error_set (err, errno, "tmpcopyup: symlink %s", name);
    }
  else if (mknodat (dst_dir, name, st.st_mode, st.st_rdev) < 0)
    return oci_error_set (err, errno, "tmpcopyup: mknod %s", name);
  if (r < 0)
    return r;
  if (fchownat (dst_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return oci_error_set (err, errno, "tmpcopyup: chown %s", name);
  return 0;
}

static int
copy_tree (int src_dir, int dst_dir, int depth, struct oci_error *err)
{
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  int fd, r;

  if (depth > MAX_COPY_DEPTH)
    return oci_error_set (err, ELOOP, "tmpcopyup: directories nested deeper than %d", MAX_COPY_DEPTH);
  fd = dup (src_dir);
  if (fd < 0 || !(d = fdopendir (fd)))
    {
      if (fd >= 0)
        close (fd);
      return oci_error_set (err, errno, "tmpcopyup: read directory");
    }
  while ((de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      r = copy_entry (src_dir, dst_dir, de->d_name, depth, err);
      if (r < 0)
        return r;
    }
  return 0;
}

int
tong_rootfs_tmpcopyup (const char *target_fdpath, unsigned long flags, const char *data, const char *what,
                       struct oci_error *err)
{
  char tmp[] = "/tmp/.tong-copyup-XXXXXX";
  cleanup_close int src = -1, dst = -1;
  int r;

  if (!mkdtemp (tmp))
    return oci_error_set (err, errno, "tmpcopyup %s: mkdtemp", what);
  /* The scratch mount lives in the container's private mount namespace:
   * the host never sees it. */
  if (mount ("tmpfs", tmp, "tmpfs", flags & ~MS_RDONLY, data) < 0)
    {
      r = oci_error_set (err, errno, "tmpcopyup %s: mount tmpfs", what);
      rmdir (tmp);
      return r;
    }
  src = open (target_fdpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  dst = open (tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (src < 0 || dst < 0)
    r = oci_error_set (err, errno, "tmpcopyup %s: open", what);
  else
    r = copy_tree (src, dst, 0, err);
  if (r == 0 && mount (tmp, target_fdpath, NULL, MS_MOVE, NULL) < 0)
    r = oci_error_set (err, errno, "tmpcopyup %s: move the tmpfs in place", what);
  if (r < 0)
    umount2 (tmp, MNT_DETACH);
  rmdir (tmp);
  if (r == 0 && (flags & MS_RDONLY) && mount (NULL, target_fdpath, NULL, MS_REMOUNT | flags, data) < 0)
    r = oci_error_set (err, errno, "tmpcopyup %s: remount read-only", what);
  return r;
}
