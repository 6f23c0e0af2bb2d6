/* mounts[].options → mount(2) flags, propagation, mount_setattr(2)
 * attributes and filesystem data, mapped as runc's specconv does. */
#ifndef TONG_MOUNT_OPTIONS_H
#define TONG_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci/error.h"

struct tong_mount_opts {
  /* MS_* for mount(2), including MS_BIND and MS_BIND|MS_REC for bind and
   * rbind.  Later options win: ["ro", "rw"] leaves MS_RDONLY clear. */
  unsigned long flags;
  /* MS_* the options asked to clear ("rw", "suid", "dev", "exec", "atime",
   * "async"...), so that a bind remount can tell a flag the user cleared
   * from one to keep from the source mount. */
  unsigned long clear_flags;
  /* Propagation options (MS_PRIVATE, MS_SLAVE|MS_REC...), each to be applied
   * with its own mount(2) call, in this order: propagation changes depend
   * on the state they start from, so ["rshared", "rslave"] is not
   * ["rslave"].  `propagation` is the last of them (0 when none), enough
   * for callers when propagation_len <= 1. */
  unsigned long *propagation_list;
  size_t propagation_len;
  unsigned long propagation;
  bool bind;       /* "bind" or "rbind" */
  bool rbind;      /* "rbind" */
  bool tmpcopyup;  /* copy the target's contents into the new tmpfs */
  bool idmap;      /* "idmap" or "ridmap": the mount gets an ID mapping */
  bool idmap_recursive;  /* "ridmap" (the last of the two wins) */
  /* MOUNT_ATTR_* for mount_setattr(2) with AT_RECURSIVE, from the r-prefixed
   * options (rro, rnosuid, rnoatime...).  An atime option also puts
   * MOUNT_ATTR__ATIME in attr_clr, as mount_setattr(2) requires. */
  uint64_t attr_set;
  uint64_t attr_clr;
  /* Every option this table does not know, comma-joined in order, for
   * mount(2)'s data argument ("mode=755,size=65536k"); NULL when none. */
  char *data;
};

/* Fills *ret (zeroed first).  Empty strings are skipped; "defaults" sets
 * nothing (runc passes it on as data, which tmpfs and others refuse).
 * Fails only on a NULL option or ENOMEM; ret is released on failure. */
int tong_mount_opts_parse (char *const *options, size_t n, struct tong_mount_opts *ret, struct oci_error *err);
void tong_mount_opts_release (struct tong_mount_opts *o);

/* Every option with a meaning of its own (the rest go to data), sorted, NULL
 * terminated; for `tong features`. */
const char *const *tong_mount_opts_known (void);

#endif
