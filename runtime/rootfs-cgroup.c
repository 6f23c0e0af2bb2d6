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
#include <sys/mount.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "paths.h"
#include "rootfs.h"

#define CGROUP_ROOT "/sys/fs/cgroup/"

/* The path of this process in the hierarchy whose superblock options are
 * `super` (e.g. "rw,cpu,cpuacct" or "rw,name=systemd"), or in cgroup2. */
static char *
own_cgroup (const char *fstype, const char *super)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/cgroup", "re");
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

static int
bind_hierarchy (struct tong_rootfs *r, const char *dest, const char *mountpoint, const char *fstype,
                const char *super, unsigned long flags, struct oci_error *err)
{
  cleanup_free char *own = own_cgroup (fstype, super);
  cleanup_free char *src = NULL, *target = NULL;
  cleanup_close int fd = -1;
  char fdpath[64];
  int ret;

  if (!own)
    return 0;
  if (asprintf (&src, "%s%s", mountpoint, own) < 0
      || asprintf (&target, "%s/%s", dest, mountpoint + strlen (CGROUP_ROOT)) < 0)
    return oci_error_set (err, ENOMEM, "mount cgroups");
  ret = tong_open_in_root (r->rootfd, target, true, TONG_TARGET_DIR, &fd, err);
  if (ret < 0)
    return ret;
  tong_fd_path (fd, fdpath, sizeof fdpath);
  if (mount (src, fdpath, NULL, MS_BIND | MS_REC, NULL) < 0)
    return oci_error_set (err, errno, "bind mount %s on %s", src, target);
  close (fd);
  fd = -1;
  ret = tong_open_in_root (r->rootfd, target, false, TONG_TARGET_DIR, &fd, err);
  if (ret < 0)
    return ret;
  tong_fd_path (fd, fdpath, sizeof fdpath);
  if (mount (NULL, fdpath, NULL, MS_REMOUNT | MS_BIND | (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)), NULL)
      < 0)
    return oci_error_set (err, errno, "remount %s", target);
  return 0;
}

int
tong_rootfs_mount_cgroup (struct tong_rootfs *r, const struct oci_spec_mount *m, int target_fd, unsigned long flags,
                          struct oci_error *err)
{
  cleanup_fclose FILE *f = NULL;
  cleanup_free char *line = NULL;
  size_t cap = 0;
  char fdpath[64];
  int ret;

  tong_fd_path (target_fd, fdpath, sizeof fdpath);
  if (mount ("tmpfs", fdpath, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
    return oci_error_set (err, errno, "mount tmpfs on %s", m->destination);
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
        ret = bind_hierarchy (r, m->destination, mp, fstype, super, flags, err);
        if (ret < 0)
          return ret;
      }
    }
  if (flags & MS_RDONLY)
    {
      cleanup_close int fd = -1;
      ret = tong_open_in_root (r->rootfd, m->destination, false, TONG_TARGET_DIR, &fd, err);
      if (ret < 0)
        return ret;
      tong_fd_path (fd, fdpath, sizeof fdpath);
      if (mount (NULL, fdpath, NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "mode=755") < 0)
        return oci_error_set (err, errno, "remount %s read-only", m->destination);
    }
  return 0;
}
