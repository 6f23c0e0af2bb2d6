#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mount-options.h"
#include "oci/cleanup.h"
#include "paths.h"

/* runc's mapping: the plain names are not recursive. */
static unsigned long
propagation_flags (const char *name)
{
  static const struct {
    const char *name;
    unsigned long flags;
  } map[] = {
    { "private", MS_PRIVATE },         { "rprivate", MS_PRIVATE | MS_REC }, { "shared", MS_SHARED },
    { "rshared", MS_SHARED | MS_REC }, { "slave", MS_SLAVE },               { "rslave", MS_SLAVE | MS_REC },
    { "unbindable", MS_UNBINDABLE },   { "runbindable", MS_UNBINDABLE | MS_REC },
  };
  size_t i;

  for (i = 0; name && i < sizeof map / sizeof map[0]; i++)
    if (strcmp (map[i].name, name) == 0)
      return map[i].flags;
  return 0;
}

/* pivot_root refuses a new root whose parent mount is shared: make that
 * parent (the mount holding the rootfs directory) private, as runc does. */
static int
make_parent_mount_private (const char *rootfs, struct oci_error *err)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL, *best = NULL;
  size_t cap = 0, best_len = 0;
  bool best_shared = false;

  if (!f)
    return oci_error_set (err, errno, "open /proc/self/mountinfo");
  while (getline (&line, &cap, f) > 0)
    {
      char *save = NULL, *fields[7] = { 0 }, *p;
      int n = 0;
      size_t len;
      for (p = strtok_r (line, " ", &save); p && n < 7; p = strtok_r (NULL, " ", &save))
        fields[n++] = p;
      if (n < 7)
        continue;
      len = strlen (fields[4]);
      /* fields[4] is the mount point; the rootfs must be it or below it. */
      if (strncmp (rootfs, fields[4], len) != 0
          || !(rootfs[len] == '/' || rootfs[len] == '\0' || (len == 1 && fields[4][0] == '/')))
        continue;
      if (len >= best_len)
        {
          free (best);
          best = strdup (fields[4]);
          best_len = len;
          best_shared = strncmp (fields[6], "shared:", 7) == 0;
        }
    }
  if (best && best_shared && mount (NULL, best, NULL, MS_PRIVATE, NULL) < 0)
    return oci_error_set (err, errno, "make %s private", best);
  return 0;
}

int
tong_rootfs_prepare (struct tong_rootfs *r, struct oci_error *err)
{
  const char *prop = r->spec->linux_ ? r->spec->linux_->rootfs_propagation : NULL;
  unsigned long flags = propagation_flags (prop);
  int ret;

  if (mount (NULL, "/", NULL, flags ? flags : MS_SLAVE | MS_REC, NULL) < 0)
    return oci_error_set (err, errno, "make / %s", prop ? prop : "rslave");
  ret = make_parent_mount_private (r->rootfs, err);
  if (ret < 0)
    return ret;
  /* pivot_root needs the new root to be a mount point. */
  if (mount (r->rootfs, r->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return oci_error_set (err, errno, "bind mount rootfs %s", r->rootfs);
  r->rootfd = open (r->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (r->rootfd < 0)
    return oci_error_set (err, errno, "open rootfs %s", r->rootfs);
  return 0;
}

/* MS_* flags a bind remount must keep, or the kernel refuses it when they
 * are locked (mounts inherited into a user namespace). */
static unsigned long
locked_flags (const char *target)
{
  struct statvfs s;
  unsigned long f = 0;

  if (statvfs (target, &s) < 0)
    return 0;
  if (s.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (s.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (s.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (s.f_flag & ST_RDONLY)
    f |= MS_RDONLY;
  if (s.f_flag & ST_NOATIME)
    f |= MS_NOATIME;
  if (s.f_flag & ST_NODIRATIME)
    f |= MS_NODIRATIME;
  if (s.f_flag & ST_RELATIME)
    f |= MS_RELATIME;
  return f;
}

static int
bind_remount (const char *target, unsigned long flags, const char *what, struct oci_error *err)
{
  if (mount (NULL, target, NULL, MS_REMOUNT | MS_BIND | flags, NULL) == 0)
    return 0;
  if (errno == EPERM
      && mount (NULL, target, NULL, MS_REMOUNT | MS_BIND | flags | locked_flags (target), NULL) == 0)
    return 0;
  return oci_error_set (err, errno, "remount %s", what);
}

static int
set_recursive_attrs (int fd, const struct tong_mount_opts *o, const char *what, struct oci_error *err)
{
  struct mount_attr attr = { 0 };

  if (!o->attr_set && !o->attr_clr)
    return 0;
  attr.attr_set = o->attr_set;
  attr.attr_clr = o->attr_clr;
  if (syscall (SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return oci_error_set (err, errno, "set recursive mount attributes on %s", what);
  return 0;
}

static int
source_is_dir (const char *source)
{
  struct stat st;

  if (stat (source, &st) < 0)
    return -1;
  return S_ISDIR (st.st_mode);
}

/* A read-only /dev (not a bind) is mounted read-write and made read-only
 * in tong_rootfs_finalize, once the devices, /dev/pts, /dev/shm… are in
 * it (runc does the same). */
static bool
readonly_dev_later (const struct oci_spec_mount *m, const struct tong_mount_opts *o, bool bind)
{
  size_t n = m->destination ? strlen (m->destination) : 0;

  while (n > 1 && m->destination[n - 1] == '/')
    n--;
  return !bind && (o->flags & MS_RDONLY) && n == 4 && strncmp (m->destination, "/dev", 4) == 0;
}

static int
mount_one (struct tong_rootfs *r, const struct oci_spec_mount *m, size_t idx, struct oci_error *err)
{
  struct tong_mount_opts o = { 0 };
  cleanup_free char *source = NULL;
  cleanup_close int target = -1;
  char target_path[64];
  const char *type = m->type;
  bool bind;
  int ret, is_dir = 1;

  ret = tong_mount_opts_parse (m->options, m->options_len, &o, err);
  if (ret < 0)
    return oci_error_wrap (err, "mounts[%zu]", idx);
  bind = o.bind || (type && strcmp (type, "bind") == 0);
  if (readonly_dev_later (m, &o, bind))
    {
      r->dev_ro_flags = o.flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME
                                   | MS_RELATIME | MS_STRICTATIME);
      o.flags &= ~MS_RDONLY;
    }
  if (o.tmpcopyup && !(type && strcmp (type, "tmpfs") == 0))
    {
      ret = oci_error_set (err, EINVAL, "mounts[%zu] %s: tmpcopyup applies to tmpfs mounts only", idx,
                           m->destination);
      goto out;
    }
  if (m->uid_mappings_len || m->gid_mappings_len || o.idmap)
    {
      ret = oci_error_set (err, ENOTSUP, "mounts[%zu] %s: id-mapped mounts are not supported yet", idx,
                           m->destination);
      goto out;
    }
  if (bind && r->source_fds && r->source_fds[idx] >= 0)
    {
      /* The parent's detached copy: the path itself may be closed to us. */
      struct stat st;
      if (fstat (r->source_fds[idx], &st) < 0)
        {
          ret = oci_error_set (err, errno, "mount %s: source %s", m->destination, m->source);
          goto out;
        }
      is_dir = S_ISDIR (st.st_mode);
    }
  else if (bind)
    {
      const char *s = m->source ? m->source : "";
      if (s[0] != '/' && asprintf (&source, "%s/%s", r->bundle, s) < 0)
        {
          ret = oci_error_set (err, ENOMEM, "mount %s", m->destination);
          goto out;
        }
      if (!source && !(source = strdup (s)))
        {
          ret = oci_error_set (err, ENOMEM, "mount %s", m->destination);
          goto out;
        }
      is_dir = source_is_dir (source);
      if (is_dir < 0)
        {
          ret = oci_error_set (err, errno, "mount %s: source %s", m->destination, source);
          goto out;
        }
    }
  /* A tmpfs over a directory of the image takes that directory's mode and
   * owner, as runc does, unless the options say otherwise. */
  struct stat before;
  bool existed = false;
  if (type && strcmp (type, "tmpfs") == 0 && tong_open_in_root (r->rootfd, m->destination, false, TONG_TARGET_DIR,
                                                                &target, err) == 0)
    {
      existed = fstat (target, &before) == 0 && S_ISDIR (before.st_mode);
      close (target);
      target = -1;
    }
  oci_error_clear (err);
  ret = tong_open_in_root (r->rootfd, m->destination, true, is_dir ? TONG_TARGET_DIR : TONG_TARGET_FILE, &target,
                           err);
  if (ret == 0 && type && (strcmp (type, "proc") == 0 || strcmp (type, "sysfs") == 0))
    {
      /* Made above if missing; now it must be reachable without a symlink. */
      close (target);
      target = -1;
      ret = tong_open_in_root_nosymlinks (r->rootfd, m->destination, &target, err);
      if (ret < 0 && err->errnum == ELOOP)
        oci_error_wrap (err, "%s must be mounted on ordinary directory (CVE-2019-19921)", type);
    }
  if (ret < 0)
    {
      oci_error_wrap (err, "mount %s", m->destination);
      goto out;
    }
  tong_fd_path (target, target_path, sizeof target_path);
  if (existed && !(o.data && strstr (o.data, "mode=")))
    {
      /* Through the mount data, so that a read-only tmpfs gets it too. */
      char *data = NULL;
      if (asprintf (&data, "%s%smode=%o", o.data ? o.data : "", o.data ? "," : "", before.st_mode & 07777) < 0)
        {
          ret = oci_error_set (err, ENOMEM, "mount %s", m->destination);
          goto out;
        }
      free (o.data);
      o.data = data;
    }

  if (type && strcmp (type, "cgroup") == 0)
    {
      ret = tong_rootfs_mount_cgroup (r, m, target, o.flags, err);
      goto out;
    }
  if (bind)
    {
      if (r->source_fds && r->source_fds[idx] >= 0)
        {
          if (syscall (SYS_move_mount, r->source_fds[idx], "", target, "",
                       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
              < 0)
            {
              ret = oci_error_set (err, errno, "bind mount %s on %s", m->source, m->destination);
              goto out;
            }
        }
      else if (mount (source, target_path, NULL, MS_BIND | (o.rbind ? MS_REC : 0), NULL) < 0)
        {
          ret = oci_error_set (err, errno, "bind mount %s on %s", source, m->destination);
          goto out;
        }
      /* The new mount sits on top of the fd we hold: reopen to reach it. */
      close (target);
      ret = tong_open_in_root (r->rootfd, m->destination, false, TONG_TARGET_DIR, &target, err);
      if (ret < 0)
        goto out;
      tong_fd_path (target, target_path, sizeof target_path);
      if (o.flags & ~(MS_BIND | MS_REC))
        {
          ret = bind_remount (target_path, o.flags & ~(MS_BIND | MS_REC), m->destination, err);
          if (ret < 0)
            goto out;
        }
    }
  else if (o.tmpcopyup && type && strcmp (type, "tmpfs") == 0)
    {
      ret = tong_rootfs_tmpcopyup (target_path, o.flags, o.data, m->destination, err);
      if (ret < 0)
        goto out;
      close (target);
      ret = tong_open_in_root (r->rootfd, m->destination, false, TONG_TARGET_DIR, &target, err);
      if (ret < 0)
        goto out;
      tong_fd_path (target, target_path, sizeof target_path);
    }
  else
    {
      if (mount (m->source ? m->source : type, target_path, type, o.flags, o.data) < 0)
        {
          ret = oci_error_set (err, errno, "mount %s (type %s) on %s", m->source ? m->source : "none",
                               type ? type : "none", m->destination);
          goto out;
        }
      close (target);
      ret = tong_open_in_root (r->rootfd, m->destination, false, TONG_TARGET_DIR, &target, err);
      if (ret < 0)
        goto out;
      tong_fd_path (target, target_path, sizeof target_path);
    }
  for (size_t i = 0; i < o.propagation_len; i++)
    if (mount (NULL, target_path, NULL, o.propagation_list[i], NULL) < 0)
      {
        ret = oci_error_set (err, errno, "set propagation of %s", m->destination);
        goto out;
      }
  ret = set_recursive_attrs (target, &o, m->destination, err);
out:
  tong_mount_opts_release (&o);
  return ret;
}

int
tong_rootfs_open_bind_sources (const struct oci_spec *spec, const char *bundle, int **ret, struct oci_error *err)
{
  int *fds = calloc (spec->mounts_len ? spec->mounts_len : 1, sizeof *fds);
  size_t i;

  if (!fds)
    return oci_error_set (err, ENOMEM, "open the bind mount sources");
  for (i = 0; i < spec->mounts_len; i++)
    fds[i] = -1;
  for (i = 0; i < spec->mounts_len; i++)
    {
      const struct oci_spec_mount *m = &spec->mounts[i];
      struct tong_mount_opts o = { 0 };
      cleanup_free char *path = NULL;
      const char *s = m->source ? m->source : "";
      bool bind, rec;

      if (tong_mount_opts_parse (m->options, m->options_len, &o, err) < 0)
        {
          tong_rootfs_close_sources (fds, spec->mounts_len);
          return oci_error_wrap (err, "mounts[%zu]", i);
        }
      bind = o.bind || (m->type && strcmp (m->type, "bind") == 0);
      tong_mount_opts_release (&o);
      if (!bind)
        continue;
      rec = o.rbind;
      if (s[0] != '/' && asprintf (&path, "%s/%s", bundle, s) < 0)
        {
          tong_rootfs_close_sources (fds, spec->mounts_len);
          return oci_error_set (err, ENOMEM, "open the bind mount sources");
        }
      /* A detached copy of the source's mount (open_tree): a plain fd
       * would name a mount of this mount namespace, which the child's
       * cannot bind from.  A source we cannot open is the child's to
       * report, with the mount it belongs to. */
      fds[i] = (int) syscall (SYS_open_tree, AT_FDCWD, path ? path : s,
                              OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
    }
  *ret = fds;
  return 0;
}

void
tong_rootfs_close_sources (int *fds, size_t n)
{
  if (!fds)
    return;
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  free (fds);
}

int
tong_rootfs_mount_all (struct tong_rootfs *r, struct oci_error *err)
{
  size_t i;
  int ret;

  for (i = 0; i < r->spec->mounts_len; i++)
    {
      ret = mount_one (r, &r->spec->mounts[i], i, err);
      if (ret < 0)
        return ret;
    }
  return 0;
}

struct default_dev {
  const char *path;
  unsigned major, minor;
};

static const struct default_dev default_devices[] = {
  { "/dev/null", 1, 3 }, { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
  { "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static int
make_device (struct tong_rootfs *r, const char *path, char type, unsigned major, unsigned minor, mode_t perm,
             uid_t uid, gid_t gid, struct oci_error *err)
{
  cleanup_close int parent = -1, target = -1;
  cleanup_free char *dir = strdup (path);
  char fdpath[64];
  const char *name;
  char *slash;
  mode_t kind = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
  int ret;

  if (!dir)
    return oci_error_set (err, ENOMEM, "device %s", path);
  slash = strrchr (dir, '/');
  if (!slash || !slash[1])
    return oci_error_set (err, EINVAL, "device path %s", path);
  *slash = '\0';
  name = slash + 1;
  ret = tong_open_in_root (r->rootfd, *dir ? dir : "/", true, TONG_TARGET_DIR, &parent, err);
  if (ret < 0)
    return ret;
  /* O_PATH fds cannot be used for mknodat: reopen the directory. */
  tong_fd_path (parent, fdpath, sizeof fdpath);
  {
    int d = open (fdpath, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (d < 0)
      return oci_error_set (err, errno, "open %s", dir);
    close (parent);
    parent = d;
  }
  unlinkat (parent, name, 0);
  if (!r->userns && mknodat (parent, name, kind | perm, makedev (major, minor)) == 0)
    {
      /* mknod's mode went through the umask. */
      if (fchmodat (parent, name, perm, 0) < 0)
        return oci_error_set (err, errno, "chmod device %s", path);
      if (fchownat (parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
        return oci_error_set (err, errno, "chown device %s", path);
      return 0;
    }
  if (!r->userns && errno != EPERM)
    return oci_error_set (err, errno, "mknod %s", path);
  /* In a user namespace mknod is not allowed: bind the host's node. */
  {
    int fd = openat (parent, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
      return oci_error_set (err, errno, "create %s", path);
    close (fd);
  }
  ret = tong_open_in_root (r->rootfd, path, false, TONG_TARGET_FILE, &target, err);
  if (ret < 0)
    return ret;
  tong_fd_path (target, fdpath, sizeof fdpath);
  if (mount (path, fdpath, NULL, MS_BIND, NULL) < 0)
    return oci_error_set (err, errno, "bind mount device %s", path);
  return 0;
}

/* The rootfs's /dev, resolved inside it, opened as a directory. */
static int
open_dev_dir (struct tong_rootfs *r, struct oci_error *err)
{
  cleanup_close int dev = -1;
  char fdpath[64];
  int d;

  if (tong_open_in_root (r->rootfd, "/dev", true, TONG_TARGET_DIR, &dev, err) < 0)
    return -1;
  tong_fd_path (dev, fdpath, sizeof fdpath);
  d = open (fdpath, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (d < 0)
    return oci_error_set (err, errno, "open /dev in rootfs");
  return d;
}

static int
make_symlink (struct tong_rootfs *r, const char *target, const char *link, struct oci_error *err)
{
  int d = open_dev_dir (r, err);

  if (d < 0)
    return d;
  if (symlinkat (target, d, link) < 0 && errno != EEXIST)
    {
      int e = errno;
      close (d);
      return oci_error_set (err, e, "symlink /dev/%s", link);
    }
  close (d);
  return 0;
}

/* As runc (setupPtmx): /dev/ptmx ends as the symlink to the container's
 * devpts instance, also when linux.devices lists a ptmx node (containerd's
 * --privileged passes every host device).  A node bind-mounted in a user
 * namespace cannot be unlinked and stays. */
static int
make_ptmx_symlink (struct tong_rootfs *r, struct oci_error *err)
{
  int d = open_dev_dir (r, err);

  if (d < 0)
    return d;
  if (unlinkat (d, "ptmx", 0) < 0 && errno != ENOENT)
    {
      close (d);
      return 0;
    }
  close (d);
  return make_symlink (r, "pts/ptmx", "ptmx", err);
}

/* runc's rule: /dev is ours to fill unless the config binds a directory
 * there (then it belongs to whoever made it, and we touch nothing in it). */
static bool
dev_is_ours (const struct oci_spec *spec)
{
  size_t i, k;

  for (i = 0; i < spec->mounts_len; i++)
    {
      const struct oci_spec_mount *m = &spec->mounts[i];
      if (strcmp (m->destination, "/dev") != 0)
        continue;
      if (m->type && strcmp (m->type, "bind") == 0)
        return false;
      for (k = 0; k < m->options_len; k++)
        if (strcmp (m->options[k], "bind") == 0 || strcmp (m->options[k], "rbind") == 0)
          return false;
    }
  return true;
}

int
tong_rootfs_create_devices (struct tong_rootfs *r, struct oci_error *err)
{
  const struct oci_spec_linux *l = r->spec->linux_;
  size_t i, k;
  int ret;

  if (!dev_is_ours (r->spec))
    return 0;
  for (i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++)
    {
      bool overridden = false;
      for (k = 0; l && k < l->devices_len; k++)
        if (strcmp (l->devices[k].path, default_devices[i].path) == 0)
          overridden = true;
      if (overridden)
        continue;
      ret = make_device (r, default_devices[i].path, 'c', default_devices[i].major, default_devices[i].minor,
                         0666, 0, 0, err);
      if (ret < 0)
        return ret;
    }
  if (make_symlink (r, "/proc/self/fd", "fd", err) < 0 || make_symlink (r, "/proc/self/fd/0", "stdin", err) < 0
      || make_symlink (r, "/proc/self/fd/1", "stdout", err) < 0
      || make_symlink (r, "/proc/self/fd/2", "stderr", err) < 0 || make_symlink (r, "pts/ptmx", "ptmx", err) < 0)
    return -1;
  if (access ("/proc/kcore", F_OK) == 0 && make_symlink (r, "/proc/kcore", "core", err) < 0)
    return -1;
  for (i = 0; l && i < l->devices_len; i++)
    {
      const struct oci_spec_device *d = &l->devices[i];
      ret = make_device (r, d->path, d->type[0] == 'u' ? 'c' : d->type[0], (unsigned) d->major, (unsigned) d->minor,
                         d->file_mode_present ? d->file_mode : 0666, d->uid_present ? d->uid : 0,
                         d->gid_present ? d->gid : 0, err);
      if (ret < 0)
        return oci_error_wrap (err, "linux.devices[%zu]", i);
    }
  for (i = 0; l && i < l->devices_len; i++)
    if (strcmp (l->devices[i].path, "/dev/ptmx") == 0)
      return make_ptmx_symlink (r, err);
  return 0;
}

/* With chroot instead of pivot_root the host's mounts stay in the
 * container's mount namespace, and a full procfs or sysfs there lets a
 * process in a new user namespace mount an unmasked proc or sysfs of its
 * own (the kernel allows it when one fully visible instance exists).
 * Detach every such host mount outside the rootfs; cover it with an empty
 * tmpfs where it cannot be detached. */
static int
hide_host_proc_sys (const char *rootfs, struct oci_error *err)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  char **found = NULL;
  size_t cap = 0, n = 0, rlen = strlen (rootfs);
  int r = 0;

  if (!f)
    return oci_error_set (err, errno, "open /proc/self/mountinfo");
  while (getline (&line, &cap, f) > 0)
    {
      char *fields[5] = { 0 }, *save = NULL, *p, *sep = strstr (line, " - "), fstype[16] = "";
      char **nf;
      int k = 0;
      if (!sep || sscanf (sep + 3, "%15s", fstype) != 1 || (strcmp (fstype, "proc") && strcmp (fstype, "sysfs")))
        continue;
      *sep = '\0';
      for (p = strtok_r (line, " ", &save); p && k < 5; p = strtok_r (NULL, " ", &save))
        fields[k++] = p;
      /* fields[3]: the mount's root in its filesystem (not "/": a partial
       * view, which the kernel does not count); fields[4]: mount point. */
      if (k < 5 || strcmp (fields[3], "/") != 0
          || (strncmp (fields[4], rootfs, rlen) == 0 && (fields[4][rlen] == '/' || fields[4][rlen] == '\0')))
        continue;
      nf = realloc (found, (n + 1) * sizeof *found);
      if (!nf || !(nf[n] = strdup (fields[4])))
        {
          found = nf ? nf : found;
          r = oci_error_set (err, ENOMEM, "--no-pivot: hide the host's proc and sysfs");
          goto out;
        }
      found = nf;
      n++;
    }
  /* Deepest (latest) first. */
  while (n > 0 && r == 0)
    {
      const char *mp = found[n - 1];
      if (mount (NULL, mp, NULL, MS_SLAVE | MS_REC, NULL) < 0)
        {
          if (errno != ENOENT)
            r = oci_error_set (err, errno, "--no-pivot: make %s rslave", mp);
        }
      else if (umount2 (mp, MNT_DETACH) < 0)
        {
          if ((errno != EINVAL && errno != EPERM) || mount ("tmpfs", mp, "tmpfs", 0, NULL) < 0)
            r = oci_error_set (err, errno, "--no-pivot: hide the host's %s", mp);
        }
      free (found[--n]);
    }
out:
  while (n > 0)
    free (found[--n]);
  free (found);
  return r;
}

int
tong_rootfs_pivot (struct tong_rootfs *r, bool no_pivot, struct oci_error *err)
{
  cleanup_close int oldroot = -1, newroot = -1;

  if (no_pivot)
    {
      int ret = hide_host_proc_sys (r->rootfs, err);
      if (ret < 0)
        return ret;
      if (chdir (r->rootfs) < 0)
        return oci_error_set (err, errno, "chdir %s", r->rootfs);
      if (mount (r->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        return oci_error_set (err, errno, "move %s to /", r->rootfs);
      if (chroot (".") < 0)
        return oci_error_set (err, errno, "chroot %s", r->rootfs);
      if (chdir ("/") < 0)
        return oci_error_set (err, errno, "chdir /");
      return 0;
    }
  oldroot = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  newroot = open (r->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0 || newroot < 0)
    return oci_error_set (err, errno, "open / or %s", r->rootfs);
  if (fchdir (newroot) < 0)
    return oci_error_set (err, errno, "chdir %s", r->rootfs);
  /* pivot_root(".", ".") stacks the old root under the new one, so no
   * directory for it is needed inside the rootfs. */
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return oci_error_set (err, errno, "pivot_root %s", r->rootfs);
  if (fchdir (oldroot) < 0)
    return oci_error_set (err, errno, "chdir to the old root");
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return oci_error_set (err, errno, "make the old root rslave");
  if (umount2 (".", MNT_DETACH) < 0)
    return oci_error_set (err, errno, "unmount the old root");
  if (chdir ("/") < 0)
    return oci_error_set (err, errno, "chdir /");
  return 0;
}

static int
mask_path (const char *path, struct oci_error *err)
{
  cleanup_close int fd = -1, null = -1;
  char fdpath[64], nullpath[64];
  struct stat st, nst;
  int r;

  r = tong_open_in_root (AT_FDCWD, path, false, TONG_TARGET_FILE, &fd, err);
  if (r < 0)
    {
      if (err->errnum == ENOENT)
        return 0;
      return r;
    }
  if (fstat (fd, &st) < 0)
    return oci_error_set (err, errno, "stat %s", path);
  tong_fd_path (fd, fdpath, sizeof fdpath);
  if (S_ISDIR (st.st_mode))
    {
      if (mount ("tmpfs", fdpath, "tmpfs", MS_RDONLY, "size=0k") < 0)
        return oci_error_set (err, errno, "mask %s", path);
      return 0;
    }
  /* The /dev/null we bind must really be the null device, not something a
   * container swapped in (CVE-2025-31133). */
  null = open ("/dev/null", O_PATH | O_CLOEXEC | O_NOFOLLOW);
  if (null < 0 || fstat (null, &nst) < 0)
    return oci_error_set (err, errno, "open /dev/null to mask %s", path);
  if (!S_ISCHR (nst.st_mode) || nst.st_rdev != makedev (1, 3))
    return oci_error_set (err, EPERM, "mask %s: /dev/null is not the null device", path);
  tong_fd_path (null, nullpath, sizeof nullpath);
  if (mount (nullpath, fdpath, NULL, MS_BIND, NULL) < 0)
    return oci_error_set (err, errno, "mask %s", path);
  return 0;
}

static int
readonly_path (const char *path, struct oci_error *err)
{
  cleanup_close int fd = -1;
  char fdpath[64];
  int r;

  r = tong_open_in_root (AT_FDCWD, path, false, TONG_TARGET_FILE, &fd, err);
  if (r < 0)
    {
      if (err->errnum == ENOENT)
        return 0;
      return r;
    }
  tong_fd_path (fd, fdpath, sizeof fdpath);
  if (mount (fdpath, fdpath, NULL, MS_BIND | MS_REC, NULL) < 0)
    return oci_error_set (err, errno, "bind %s read-only", path);
  close (fd);
  fd = -1;
  r = tong_open_in_root (AT_FDCWD, path, false, TONG_TARGET_FILE, &fd, err);
  if (r < 0)
    return r;
  tong_fd_path (fd, fdpath, sizeof fdpath);
  /* As runc: the read-only bind keeps the nosuid, nodev and noexec of the
   * mount it comes from (/proc's for /proc/sys and the like). */
  return bind_remount (fdpath,
                       MS_RDONLY | MS_REC | (locked_flags (fdpath) & (MS_NOSUID | MS_NODEV | MS_NOEXEC)),
                       path, err);
}

static int
write_sysctl (const char *key, const char *value, struct oci_error *err)
{
  char path[PATH_MAX];
  cleanup_close int fd = -1;
  size_t i, n;

  n = (size_t) snprintf (path, sizeof path, "/proc/sys/%s", key);
  if (n >= sizeof path || strstr (key, ".."))
    return oci_error_set (err, EINVAL, "linux.sysctl: invalid key \"%s\"", key);
  for (i = strlen ("/proc/sys/"); i < n; i++)
    if (path[i] == '.')
      path[i] = '/';
  fd = open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return oci_error_set (err, errno, "linux.sysctl: open %s", path);
  if (tong_check_procfs (fd, path, err) < 0)
    return oci_error_wrap (err, "linux.sysctl");
  if (write (fd, value, strlen (value)) < 0)
    return oci_error_set (err, errno, "linux.sysctl: write \"%s\" to %s", value, path);
  return 0;
}

int
tong_rootfs_finalize (const struct tong_rootfs *rfs, struct oci_error *err)
{
  const struct oci_spec *spec = rfs->spec;
  const struct oci_spec_linux *l = spec->linux_;
  size_t i;
  int r;

  if (l && l->sysctl)
    for (i = 0; i < l->sysctl->len; i++)
      {
        r = write_sysctl (l->sysctl->keys[i], l->sysctl->values[i], err);
        if (r < 0)
          return r;
      }
  for (i = 0; l && i < l->readonly_paths_len; i++)
    {
      r = readonly_path (l->readonly_paths[i], err);
      if (r < 0)
        return oci_error_wrap (err, "linux.readonlyPaths[%zu]", i);
    }
  for (i = 0; l && i < l->masked_paths_len; i++)
    {
      r = mask_path (l->masked_paths[i], err);
      if (r < 0)
        return oci_error_wrap (err, "linux.maskedPaths[%zu]", i);
    }
  if (rfs->dev_ro_flags && (r = bind_remount ("/dev", rfs->dev_ro_flags, "/dev read-only", err)) < 0)
    return r;
  if (spec->root && spec->root->readonly_present && spec->root->readonly)
    {
      r = bind_remount ("/", MS_RDONLY, "/ read-only", err);
      if (r < 0)
        return r;
    }
  /* Propagation applies to one mount point: only now is the rootfs "/". */
  if (l && l->rootfs_propagation && propagation_flags (l->rootfs_propagation)
      && mount (NULL, "/", NULL, propagation_flags (l->rootfs_propagation), NULL) < 0)
    return oci_error_set (err, errno, "linux.rootfsPropagation: make / %s", l->rootfs_propagation);
  return 0;
}
