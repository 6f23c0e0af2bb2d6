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

#define MAX_DEPTH 256
#define MAX_LINKS 40

/* Resolution with creation: component by component from rootfd, following
 * symlinks as if rootfd were "/" (an absolute target restarts at it, ".."
 * never climbs above it), making every missing directory, and the last
 * component as `kind`.  A symlink that points outside, even dangling, so
 * leads to a new directory inside the rootfs, as runc's securejoin does. */
static int
walk_create (int rootfd, const char *path, enum tong_target_kind kind, int *ret_fd, struct oci_error *err)
{
  int stack[MAX_DEPTH];
  int depth = 0, links = 0, r = 0;
  cleanup_free char *rest = strdup (path);
  char *p;

  if (!rest)
    return oci_error_set (err, ENOMEM, "open %s in rootfs", path);
  p = rest;
  for (;;)
    {
      char *comp, *slash, *next;
      bool last;
      struct stat st;
      int cur = depth ? stack[depth - 1] : rootfd, fd;

      while (*p == '/')
        p++;
      if (!*p)
        break;
      comp = p;
      slash = strchr (p, '/');
      if (slash)
        {
          *slash = '\0';
          next = slash + 1;
        }
      else
        next = p + strlen (p);
      while (*next == '/')
        next++;
      last = *next == '\0';
      if (strcmp (comp, ".") == 0)
        {
          p = next;
          continue;
        }
      if (strcmp (comp, "..") == 0)
        {
          if (depth)
            close (stack[--depth]);
          p = next;
          continue;
        }
      fd = openat (cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT)
        {
          if (!last || kind == TONG_TARGET_DIR)
            {
              if (mkdirat (cur, comp, 0755) < 0 && errno != EEXIST)
                {
                  r = oci_error_set (err, errno, "mkdir %s in rootfs (for %s)", comp, path);
                  goto out;
                }
            }
          else
            {
              int f = openat (cur, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
              if (f < 0 && errno != EEXIST)
                {
                  r = oci_error_set (err, errno, "create %s in rootfs", path);
                  goto out;
                }
              if (f >= 0)
                close (f);
            }
          fd = openat (cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        }
      if (fd < 0 || fstat (fd, &st) < 0)
        {
          r = oci_error_set (err, errno, "open %s in rootfs", path);
          if (fd >= 0)
            close (fd);
          goto out;
        }
      if (S_ISLNK (st.st_mode))
        {
          char target[PATH_MAX];
          ssize_t n = readlinkat (fd, "", target, sizeof target - 1);
          char *joined = NULL;
          close (fd);
          if (n < 0 || ++links > MAX_LINKS)
            {
              r = oci_error_set (err, n < 0 ? errno : ELOOP, "resolve %s in rootfs", path);
              goto out;
            }
          target[n] = '\0';
          if (asprintf (&joined, "%s/%s", target, next) < 0)
            {
              r = oci_error_set (err, ENOMEM, "resolve %s in rootfs", path);
              goto out;
            }
          if (target[0] == '/')
            while (depth)
              close (stack[--depth]);
          free (rest);
          rest = joined;
          p = rest;
          continue;
        }
      if (!last && !S_ISDIR (st.st_mode))
        {
          close (fd);
          r = oci_error_set (err, ENOTDIR, "open %s in rootfs: %s is not a directory", path, comp);
          goto out;
        }
      if (depth == MAX_DEPTH)
        {
          close (fd);
          r = oci_error_set (err, ENAMETOOLONG, "open %s in rootfs", path);
          goto out;
        }
      stack[depth++] = fd;
      p = next;
    }
  if (depth)
    *ret_fd = stack[--depth];
  else
    {
      *ret_fd = openat (rootfd, ".", O_PATH | O_CLOEXEC);
      if (*ret_fd < 0)
        r = oci_error_set (err, errno, "open the rootfs");
    }
out:
  while (depth)
    close (stack[--depth]);
  return r;
}

int
tong_open_in_root (int rootfd, const char *path, bool create, enum tong_target_kind kind, int *ret_fd,
                   struct oci_error *err)
{
  int fd = openat2_in_root (rootfd, path, O_PATH);

  if (fd >= 0)
    {
      *ret_fd = fd;
      return 0;
    }
  if (errno != ENOENT || !create)
    return oci_error_set (err, errno, "open %s in rootfs", path);
  return walk_create (rootfd, path, kind, ret_fd, err);
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
