#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "oci/cleanup.h"

static int
openat2_in_root (int rootfd, const char *path, int flags)
{
  struct open_how how = {
    .flags = flags | O_CLOEXEC,
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  int fd;

  do
    fd = (int) syscall (SYS_openat2, rootfd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

void
tong_fd_path (int fd, char *buf, size_t len)
{
  snprintf (buf, len, "/proc/self/fd/%d", fd);
}

/* Creates the last component of `path` inside its (already existing)
 * parent; the parent is resolved in the root, the new name is a single
 * component, so the creation cannot escape. */
static int
create_last (int rootfd, const char *path, enum tong_target_kind kind, struct oci_error *err)
{
  cleanup_free char *copy = strdup (path);
  cleanup_close int parent = -1;
  const char *name;
  char *slash;

  if (!copy)
    return oci_error_set (err, ENOMEM, "create %s", path);
  slash = strrchr (copy, '/');
  if (slash)
    {
      *slash = '\0';
      name = slash + 1;
      parent = openat2_in_root (rootfd, *copy ? copy : "/", O_PATH | O_DIRECTORY);
    }
  else
    {
      name = copy;
      parent = openat2_in_root (rootfd, ".", O_PATH | O_DIRECTORY);
    }
  if (parent < 0)
    return oci_error_set (err, errno, "open parent of %s in rootfs", path);
  if (kind == TONG_TARGET_DIR)
    {
      if (mkdirat (parent, name, 0755) < 0 && errno != EEXIST)
        return oci_error_set (err, errno, "mkdir %s in rootfs", path);
    }
  else
    {
      int fd = openat (parent, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
      if (fd < 0 && errno != EEXIST)
        return oci_error_set (err, errno, "create %s in rootfs", path);
      if (fd >= 0)
        close (fd);
    }
  return 0;
}

int
tong_open_in_root (int rootfd, const char *path, bool create, enum tong_target_kind kind, int *ret_fd,
                   struct oci_error *err)
{
  char partial[PATH_MAX];
  const char *p;
  int fd, r;

  fd = openat2_in_root (rootfd, path, O_PATH);
  if (fd >= 0 || errno != ENOENT || !create)
    {
      if (fd < 0)
        return oci_error_set (err, errno, "open %s in rootfs", path);
      *ret_fd = fd;
      return 0;
    }
  if (strlen (path) >= sizeof partial)
    return oci_error_set (err, ENAMETOOLONG, "open %s in rootfs", path);
  /* Walk down, making each missing directory. */
  for (p = path; *p;)
    {
      const char *next;
      while (*p == '/')
        p++;
      if (!*p)
        break;
      next = strchr (p, '/');
      if (!next)
        break;
      memcpy (partial, path, next - path);
      partial[next - path] = '\0';
      fd = openat2_in_root (rootfd, partial, O_PATH | O_DIRECTORY);
      if (fd < 0)
        {
          if (errno != ENOENT)
            return oci_error_set (err, errno, "open %s in rootfs", partial);
          r = create_last (rootfd, partial, TONG_TARGET_DIR, err);
          if (r < 0)
            return r;
        }
      else
        close (fd);
      p = next;
    }
  r = create_last (rootfd, path, kind, err);
  if (r < 0)
    return r;
  fd = openat2_in_root (rootfd, path, O_PATH);
  if (fd < 0)
    return oci_error_set (err, errno, "open %s in rootfs", path);
  *ret_fd = fd;
  return 0;
}

int
tong_mkdir_p (const char *path, mode_t mode, struct oci_error *err)
{
  char buf[PATH_MAX];
  char *p;

  if (strlen (path) >= sizeof buf)
    return oci_error_set (err, ENAMETOOLONG, "mkdir %s", path);
  snprintf (buf, sizeof buf, "%s", path);
  for (p = buf + 1; *p; p++)
    if (*p == '/')
      {
        *p = '\0';
        if (mkdir (buf, mode) < 0 && errno != EEXIST)
          return oci_error_set (err, errno, "mkdir %s", buf);
        *p = '/';
      }
  if (mkdir (buf, mode) < 0 && errno != EEXIST)
    return oci_error_set (err, errno, "mkdir %s", buf);
  return 0;
}

int
tong_open_in_root_nosymlinks (int rootfd, const char *path, int *ret_fd, struct oci_error *err)
{
  struct open_how how = {
    .flags = O_PATH | O_CLOEXEC,
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  int fd;

  do
    fd = (int) syscall (SYS_openat2, rootfd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  if (fd < 0)
    return oci_error_set (err, errno, "open %s in rootfs%s", path,
                          errno == ELOOP ? " (a symlink is on the way)" : "");
  *ret_fd = fd;
  return 0;
}

int
tong_check_procfs (int fd, const char *what, struct oci_error *err)
{
  struct statfs sf;

  if (fstatfs (fd, &sf) < 0)
    return oci_error_set (err, errno, "statfs %s", what);
  if (sf.f_type != PROC_SUPER_MAGIC)
    return oci_error_set_code (err, EPERM, "%s is not on procfs", what);
  return 0;
}
