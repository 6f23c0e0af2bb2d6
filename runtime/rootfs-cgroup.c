/* /sys/fs/cgroup inside the container: a tmpfs holding, for each hierarchy
 * the host mounts under /sys/fs/cgroup, a bind of the container's own
 * cgroup in it (runc's layout), so that the container sees its cgroup and
 * nothing above it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "paths.h"
#include "rootfs.h"

#define CGROUP_ROOT "/sys/fs/cgroup/"

/* The path of this process in the hierarchy whose superblock options are
 * `super` (e.g. "rw,cpu,cpuacct" or "rw,name=systemd"), or in cgroup2. */
static char *
own_cgroup (const char *self_cgroup, const char *fstype, const char *super)
{
  cleanup_fclose FILE *f = fmemopen ((void *) self_cgroup, strlen (self_cgroup), "r");
  cleanup_free char *line = NULL;
  size_t cap = 0;

  if (!f)
    return NULL;
  while (getline (&line, &cap, f) > 0)
    {
      char *ctrls = strchr (line, ':'), *path;
      if (!ctrls)
        continue;
      ctrls++;
      path = strchr (ctrls, ':');
      if (!path)
        continue;
      *path++ = '\0';
      path[strcspn (path, "\n")] = '\0';
      if (strcmp (fstype, "cgroup2") == 0)
        {
          if (*ctrls == '\0')
            return strdup (path);
          continue;
        }
      if (*ctrls == '\0')
        continue;
      /* Every controller of the line must be among the mount's options. */
      {
        cleanup_free char *copy = strdup (ctrls);
        char *save = NULL, *c;
        bool all = copy != NULL;
        for (c = copy ? strtok_r (copy, ",", &save) : NULL; c; c = strtok_r (NULL, ",", &save))
          {
            size_t n = strlen (c);
            const char *s = super;
            bool found = false;
            while ((s = strstr (s, c)))
              {
                if ((s == super || s[-1] == ',') && (s[n] == ',' || s[n] == '\0'))
                  {
                    found = true;
                    break;
                  }
                s += n;
              }
            if (!found)
              all = false;
          }
        if (all)
          return strdup (path);
      }
    }
  return NULL;
}

/* Binds the container's cgroup of one hierarchy; its mount flags come
 * later, for all of them at once (tong_rootfs_mount_cgroup). */
static int
bind_hierarchy (struct tong_rootfs *r, const char *dest, const char *mountpoint, const char *fstype,
                const char *super, const char *self_cgroup, char **ret_target, struct oci_error *err)
{
  cleanup_free char *own = own_cgroup (self_cgroup, fstype, super);
  cleanup_free char *src = NULL, *target = NULL;
  cleanup_close int fd = -1;
  char fdpath[64];
  int ret;

  if (!own)
    return 0;
  if (r->cgroupns)
    {
      /* In a cgroup namespace /proc/self/cgroup says "/": a bind would be
       * the host's whole hierarchy.  A fresh mount of the same controllers
       * is rooted at the container's cgroup instead (runc does the same). */
      cleanup_free char *opts = strdup (super), *ctrls = NULL;
      char *save = NULL, *o;
      size_t len = 0;
      if (!opts || !(ctrls = calloc (1, strlen (super) + 1)))
        return oci_error_set (err, ENOMEM, "mount cgroups");
      for (o = strtok_r (opts, ",", &save); o; o = strtok_r (NULL, ",", &save))
        if (strcmp (o, "rw") != 0 && strcmp (o, "ro") != 0)
          len += (size_t) snprintf (ctrls + len, strlen (super) + 1 - len, "%s%s", len ? "," : "", o);
      if (asprintf (&target, "%s/%s", dest, mountpoint + strlen (CGROUP_ROOT)) < 0)
        return oci_error_set (err, ENOMEM, "mount cgroups");
      ret = tong_open_in_root (r->rootfd, target, true, TONG_TARGET_DIR, &fd, err);
      if (ret < 0)
        return ret;
      tong_fd_path (fd, fdpath, sizeof fdpath);
      if (mount (fstype, fdpath, fstype, 0, strcmp (fstype, "cgroup") == 0 ? ctrls : NULL) < 0)
        return oci_error_set (err, errno, "mount %s (%s) on %s", fstype, ctrls, target);
      *ret_target = oci_steal (target);
      return 0;
    }
  if (asprintf (&src, "%s%s", mountpoint, own) < 0
      || asprintf (&target, "%s/%s", dest, mountpoint + strlen (CGROUP_ROOT)) < 0)
    return oci_error_set (err, ENOMEM, "mount cgroups");
  ret = tong_open_in_root (r->rootfd, target, true, TONG_TARGET_DIR, &fd, err);
  if (ret < 0)
    return ret;
  tong_fd_path (fd, fdpath, sizeof fdpath);
  if (mount (src, fdpath, NULL, MS_BIND | MS_REC, NULL) < 0)
    return oci_error_set (err, errno, "bind mount %s on %s", src, target);
  *ret_target = oci_steal (target);
  return 0;
}

/* The mount flags (ro, nosuid, nodev, noexec) of the tmpfs and every bind
 * below it: one recursive mount_setattr, or a remount each on a kernel
 * without it (before 5.12). */
static int
set_flags (struct tong_rootfs *r, const char *dest, char **targets, size_t n, unsigned long flags,
           struct oci_error *err)
{
  struct mount_attr attr = { 0 };
  cleanup_close int fd = -1;
  char fdpath[64];
  int ret;

  ret = tong_open_in_root (r->rootfd, dest, false, TONG_TARGET_DIR, &fd, err);
  if (ret < 0)
    return ret;
  attr.attr_set = ((flags & MS_NOSUID) ? MOUNT_ATTR_NOSUID : 0) | ((flags & MS_NODEV) ? MOUNT_ATTR_NODEV : 0)
                  | ((flags & MS_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0) | ((flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0);
  if (syscall (SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) == 0)
    n = 0;
  else if (errno != ENOSYS)
    return oci_error_set (err, errno, "set the mount flags of %s", dest);
  for (size_t i = 0; i < n; i++)
    {
      cleanup_close int bfd = -1;
      ret = tong_open_in_root (r->rootfd, targets[i], false, TONG_TARGET_DIR, &bfd, err);
      if (ret < 0)
        return ret;
      tong_fd_path (bfd, fdpath, sizeof fdpath);
      if (mount (NULL, fdpath, NULL, MS_REMOUNT | MS_BIND | (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)),
                 NULL)
          < 0)
        return oci_error_set (err, errno, "remount %s", targets[i]);
    }
  /* The tmpfs itself read-only too, superblock included (runc's view). */
  tong_fd_path (fd, fdpath, sizeof fdpath);
  if ((flags & MS_RDONLY)
      && mount (NULL, fdpath, NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "mode=755") < 0)
    return oci_error_set (err, errno, "remount %s read-only", dest);
  return 0;
}

/* A pure cgroup v2 host (cgroup2 at /sys/fs/cgroup itself): in a cgroup
 * namespace a fresh cgroup2 mount, rooted at the container's cgroup;
 * without one a bind of the container's cgroup (runc's two cases). */
static int
mount_unified (struct tong_rootfs *r, const struct oci_spec_mount *m, const char *fdpath, unsigned long flags,
               struct oci_error *err)
{
  unsigned long f = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME | MS_NOATIME);
  cleanup_free char *self_cgroup = NULL, *own = NULL, *src = NULL;
  cleanup_fclose FILE *fp = NULL;
  cleanup_close int fd = -1;
  char path[64];
  size_t len = 0;
  int ret;

  if (r->cgroupns)
    {
      if (mount ("cgroup2", fdpath, "cgroup2", f, NULL) < 0)
        return oci_error_set (err, errno, "mount cgroup2 on %s", m->destination);
      return 0;
    }
  fp = fopen ("/proc/self/cgroup", "re");
  if (!fp || getdelim (&self_cgroup, &len, '\0', fp) < 0)
    return oci_error_set (err, errno, "read /proc/self/cgroup");
  own = own_cgroup (self_cgroup, "cgroup2", "");
  if (!own || asprintf (&src, "%s%s", CGROUP_ROOT, own) < 0)
    return oci_error_set (err, ENOENT, "mount %s: no cgroup v2 path in /proc/self/cgroup", m->destination);
  if (mount (src, fdpath, NULL, MS_BIND | MS_REC, NULL) < 0)
    return oci_error_set (err, errno, "bind mount %s on %s", src, m->destination);
  ret = tong_open_in_root (r->rootfd, m->destination, false, TONG_TARGET_DIR, &fd, err);
  if (ret < 0)
    return ret;
  tong_fd_path (fd, path, sizeof path);
  if (f && mount (NULL, path, NULL, MS_REMOUNT | MS_BIND | f, NULL) < 0)
    return oci_error_set (err, errno, "remount %s", m->destination);
  return 0;
}

int
tong_rootfs_mount_cgroup (struct tong_rootfs *r, const struct oci_spec_mount *m, int target_fd, unsigned long flags,
                          struct oci_error *err)
{
  cleanup_fclose FILE *f = NULL;
  cleanup_free char *line = NULL, *self_cgroup = NULL;
  char *targets[64];
  size_t cap = 0, ntargets = 0, len = 0;
  char fdpath[64];
  int ret = 0;
  struct statfs sfs;

  tong_fd_path (target_fd, fdpath, sizeof fdpath);
  if (statfs (CGROUP_ROOT, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    return mount_unified (r, m, fdpath, flags, err);
  if (mount ("tmpfs", fdpath, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
    return oci_error_set (err, errno, "mount tmpfs on %s", m->destination);
  /* Read once: every hierarchy's line is in it. */
  f = fopen ("/proc/self/cgroup", "re");
  if (!f || getdelim (&self_cgroup, &len, '\0', f) < 0)
    return oci_error_set (err, errno, "read /proc/self/cgroup");
  fclose (f);
  f = fopen ("/proc/self/mountinfo", "re");
  if (!f)
    return oci_error_set (err, errno, "open /proc/self/mountinfo");
  while (getline (&line, &cap, f) > 0)
    {
      char *fields[12] = { 0 }, *save = NULL, *sep, *p;
      int n = 0;

      sep = strstr (line, " - ");
      if (!sep)
        continue;
      *sep = '\0';
      for (p = strtok_r (line, " ", &save); p && n < 6; p = strtok_r (NULL, " ", &save))
        fields[n++] = p;
      if (n < 5)
        continue;
      save = NULL;
      {
        char *fstype = strtok_r (sep + 3, " ", &save);
        char *source = fstype ? strtok_r (NULL, " ", &save) : NULL;
        char *super = source ? strtok_r (NULL, " \n", &save) : NULL;
        const char *mp = fields[4];
        if (!super || strncmp (mp, CGROUP_ROOT, strlen (CGROUP_ROOT)) != 0 || strchr (mp + strlen (CGROUP_ROOT), '/'))
          continue;
        if (strcmp (fstype, "cgroup") != 0 && strcmp (fstype, "cgroup2") != 0)
          continue;
        if (ntargets == sizeof targets / sizeof targets[0])
          {
            ret = oci_error_set (err, E2BIG, "mount cgroups: more than %zu hierarchies", ntargets);
            break;
          }
        targets[ntargets] = NULL;
        ret = bind_hierarchy (r, m->destination, mp, fstype, super, self_cgroup, &targets[ntargets], err);
        if (ret < 0)
          break;
        if (targets[ntargets])
          ntargets++;
      }
    }
  if (ret == 0)
    ret = set_flags (r, m->destination, targets, ntargets, flags, err);
  while (ntargets > 0)
    free (targets[--ntargets]);
  return ret;
}
