#include "mount-options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

enum opt_kind {
  OPT_FLAG,         /* MS_* flag for mount(2) */
  OPT_PROPAGATION,  /* MS_SHARED... for a separate mount(2) */
  OPT_REC_ATTR,     /* MOUNT_ATTR_* for mount_setattr(2) AT_RECURSIVE */
  OPT_TMPCOPYUP,
  OPT_IDMAP,
  OPT_RIDMAP,
  OPT_NOOP,
};

struct opt {
  const char *name;
  enum opt_kind kind;
  bool clear;
  unsigned long value;
};

/* Sorted by name: tong_mount_opts_known() returns the names in this order
 * and the lookup is a binary search. */
static const struct opt opts[] = {
  { "async", OPT_FLAG, true, MS_SYNCHRONOUS },
  { "atime", OPT_FLAG, true, MS_NOATIME },
  { "bind", OPT_FLAG, false, MS_BIND },
  { "defaults", OPT_NOOP, false, 0 },
  { "dev", OPT_FLAG, true, MS_NODEV },
  { "diratime", OPT_FLAG, true, MS_NODIRATIME },
  { "dirsync", OPT_FLAG, false, MS_DIRSYNC },
  { "exec", OPT_FLAG, true, MS_NOEXEC },
  { "idmap", OPT_IDMAP, false, 0 },
  { "iversion", OPT_FLAG, false, MS_I_VERSION },
  { "lazytime", OPT_FLAG, false, MS_LAZYTIME },
  { "loud", OPT_FLAG, true, MS_SILENT },
  { "mand", OPT_FLAG, false, MS_MANDLOCK },
  { "noatime", OPT_FLAG, false, MS_NOATIME },
  { "nodev", OPT_FLAG, false, MS_NODEV },
  { "nodiratime", OPT_FLAG, false, MS_NODIRATIME },
  { "noexec", OPT_FLAG, false, MS_NOEXEC },
  { "noiversion", OPT_FLAG, true, MS_I_VERSION },
  { "nolazytime", OPT_FLAG, true, MS_LAZYTIME },
  { "nomand", OPT_FLAG, true, MS_MANDLOCK },
  { "norelatime", OPT_FLAG, true, MS_RELATIME },
  { "nostrictatime", OPT_FLAG, true, MS_STRICTATIME },
  { "nosuid", OPT_FLAG, false, MS_NOSUID },
  { "nosymfollow", OPT_FLAG, false, MS_NOSYMFOLLOW },
  { "private", OPT_PROPAGATION, false, MS_PRIVATE },
  { "ratime", OPT_REC_ATTR, true, MOUNT_ATTR_NOATIME },
  { "rbind", OPT_FLAG, false, MS_BIND | MS_REC },
  { "rdev", OPT_REC_ATTR, true, MOUNT_ATTR_NODEV },
  { "rdiratime", OPT_REC_ATTR, true, MOUNT_ATTR_NODIRATIME },
  { "relatime", OPT_FLAG, false, MS_RELATIME },
  { "remount", OPT_FLAG, false, MS_REMOUNT },
  { "rexec", OPT_REC_ATTR, true, MOUNT_ATTR_NOEXEC },
  { "ridmap", OPT_RIDMAP, false, 0 },
  { "rnoatime", OPT_REC_ATTR, false, MOUNT_ATTR_NOATIME },
  { "rnodev", OPT_REC_ATTR, false, MOUNT_ATTR_NODEV },
  { "rnodiratime", OPT_REC_ATTR, false, MOUNT_ATTR_NODIRATIME },
  { "rnoexec", OPT_REC_ATTR, false, MOUNT_ATTR_NOEXEC },
  { "rnorelatime", OPT_REC_ATTR, true, MOUNT_ATTR_RELATIME },
  { "rnostrictatime", OPT_REC_ATTR, true, MOUNT_ATTR_STRICTATIME },
  { "rnosuid", OPT_REC_ATTR, false, MOUNT_ATTR_NOSUID },
  { "rnosymfollow", OPT_REC_ATTR, false, MOUNT_ATTR_NOSYMFOLLOW },
  { "ro", OPT_FLAG, false, MS_RDONLY },
  { "rprivate", OPT_PROPAGATION, false, MS_PRIVATE | MS_REC },
  { "rrelatime", OPT_REC_ATTR, false, MOUNT_ATTR_RELATIME },
  { "rro", OPT_REC_ATTR, false, MOUNT_ATTR_RDONLY },
  { "rrw", OPT_REC_ATTR, true, MOUNT_ATTR_RDONLY },
  { "rshared", OPT_PROPAGATION, false, MS_SHARED | MS_REC },
  { "rslave", OPT_PROPAGATION, false, MS_SLAVE | MS_REC },
  { "rstrictatime", OPT_REC_ATTR, false, MOUNT_ATTR_STRICTATIME },
  { "rsuid", OPT_REC_ATTR, true, MOUNT_ATTR_NOSUID },
  { "rsymfollow", OPT_REC_ATTR, true, MOUNT_ATTR_NOSYMFOLLOW },
  { "runbindable", OPT_PROPAGATION, false, MS_UNBINDABLE | MS_REC },
  { "rw", OPT_FLAG, true, MS_RDONLY },
  { "shared", OPT_PROPAGATION, false, MS_SHARED },
  { "silent", OPT_FLAG, false, MS_SILENT },
  { "slave", OPT_PROPAGATION, false, MS_SLAVE },
  { "strictatime", OPT_FLAG, false, MS_STRICTATIME },
  { "suid", OPT_FLAG, true, MS_NOSUID },
  { "symfollow", OPT_FLAG, true, MS_NOSYMFOLLOW },
  { "sync", OPT_FLAG, false, MS_SYNCHRONOUS },
  { "tmpcopyup", OPT_TMPCOPYUP, false, 0 },
  { "unbindable", OPT_PROPAGATION, false, MS_UNBINDABLE },
};

#define N_OPTS (sizeof opts / sizeof opts[0])

static int
opt_cmp (const void *key, const void *elem)
{
  return strcmp (key, ((const struct opt *) elem)->name);
}

static int
append_data (char **data, size_t *len, const char *o)
{
  size_t n = strlen (o);
  char *p = realloc (*data, *len + n + 2);

  if (!p)
    return -1;
  if (*len)
    p[(*len)++] = ',';
  memcpy (p + *len, o, n + 1);
  *len += n;
  *data = p;
  return 0;
}

static int
append_propagation (struct tong_mount_opts *o, unsigned long v)
{
  unsigned long *p = realloc (o->propagation_list, (o->propagation_len + 1) * sizeof *p);

  if (!p)
    return -1;
  p[o->propagation_len++] = v;
  o->propagation_list = p;
  o->propagation = v;
  return 0;
}

static void
apply_rec_attr (struct tong_mount_opts *o, const struct opt *f)
{
  if (f->clear)
    {
      o->attr_clr |= f->value;
      o->attr_set &= ~(uint64_t) f->value;
    }
  else
    {
      o->attr_set |= f->value;
      o->attr_clr &= ~(uint64_t) f->value;
    }
  /* The atime modes are an enum inside MOUNT_ATTR__ATIME (relatime is 0):
   * mount_setattr(2) takes a new mode only with the whole field cleared. */
  if ((f->value & MOUNT_ATTR__ATIME) == f->value)
    o->attr_clr |= MOUNT_ATTR__ATIME;
}

int
tong_mount_opts_parse (char *const *options, size_t n, struct tong_mount_opts *ret, struct oci_error *err)
{
  size_t i, data_len = 0;

  memset (ret, 0, sizeof *ret);
  for (i = 0; i < n; i++)
    {
      const char *name = options[i];
      const struct opt *f;

      if (!name)
        {
          tong_mount_opts_release (ret);
          return oci_error_set (err, EINVAL, "options[%zu]: missing", i);
        }
      if (!*name)
        continue;
      f = bsearch (name, opts, N_OPTS, sizeof opts[0], opt_cmp);
      if (!f)
        {
          if (append_data (&ret->data, &data_len, name) < 0)
            goto nomem;
          continue;
        }
      switch (f->kind)
        {
        case OPT_FLAG:
          if (f->clear)
            {
              ret->flags &= ~f->value;
              ret->clear_flags |= f->value;
            }
          else
            {
              ret->flags |= f->value;
              ret->clear_flags &= ~f->value;
            }
          break;
        case OPT_PROPAGATION:
          if (append_propagation (ret, f->value) < 0)
            goto nomem;
          break;
        case OPT_REC_ATTR:
          apply_rec_attr (ret, f);
          break;
        case OPT_TMPCOPYUP:
          ret->tmpcopyup = true;
          break;
        case OPT_IDMAP:
        case OPT_RIDMAP:
          ret->idmap = true;
          ret->idmap_recursive = f->kind == OPT_RIDMAP;
          break;
        case OPT_NOOP:
          break;
        }
    }
  ret->bind = (ret->flags & MS_BIND) != 0;
  ret->rbind = ret->bind && (ret->flags & MS_REC) != 0;
  return 0;

nomem:
  tong_mount_opts_release (ret);
  return oci_error_set (err, ENOMEM, "mount options");
}

void
tong_mount_opts_release (struct tong_mount_opts *o)
{
  if (!o)
    return;
  free (o->data);
  free (o->propagation_list);
  o->data = NULL;
  o->propagation_list = NULL;
  o->propagation_len = 0;
}

const char *const *
tong_mount_opts_known (void)
{
  static const char *const names[N_OPTS + 1] = {
    "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "idmap", "iversion",
    "lazytime", "loud", "mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime",
    "nomand", "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind",
    "rdev", "rdiratime", "relatime", "remount", "rexec", "ridmap", "rnoatime", "rnodev", "rnodiratime",
    "rnoexec", "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime",
    "rro", "rrw", "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw",
    "shared", "silent", "slave", "strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable",
    NULL,
  };
  return names;
}
