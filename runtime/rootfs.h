/* The container's filesystem view: mounts in config order, devices,
 * pivot_root, then masked and read-only paths. */
#ifndef TONG_ROOTFS_H
#define TONG_ROOTFS_H

#include <stdbool.h>

#include "oci/error.h"
#include "oci/runtime-spec.h"

struct tong_rootfs {
  const struct oci_spec *spec;
  const char *rootfs;   /* absolute host path of the rootfs */
  const char *bundle;   /* absolute host path of the bundle */
  bool userns;          /* in a new user namespace: no mknod, bind devices */
  bool cgroupns;        /* in a new cgroup namespace */
  int rootfd;           /* O_PATH fd of the rootfs mount, after prepare */
  unsigned long dev_ro_flags; /* a read-only /dev's flags, applied by finalize */
  const int *source_fds; /* per mount: O_PATH of a bind source opened by the
                            parent before the user namespace, or -1; NULL */
};

/* In the parent, before clone into a new user namespace: every bind
 * mount's source, opened while host root may still traverse directories
 * the container's root (a mapped uid) cannot.  *ret has one fd or -1 a
 * mount; free with tong_rootfs_close_sources. */
int tong_rootfs_open_bind_sources (const struct oci_spec *spec, const char *bundle, int **ret,
                                   struct oci_error *err);
void tong_rootfs_close_sources (int *fds, size_t n);

/* Before any mount: make the host's mounts unreachable from here (rslave
 * or the configured propagation) and turn the rootfs into a mount point. */
int tong_rootfs_prepare (struct tong_rootfs *r, struct oci_error *err);
int tong_rootfs_mount_all (struct tong_rootfs *r, struct oci_error *err);
int tong_rootfs_create_devices (struct tong_rootfs *r, struct oci_error *err);
int tong_rootfs_pivot (struct tong_rootfs *r, bool no_pivot, struct oci_error *err);
/* After pivot_root: what needs the final view. */
int tong_rootfs_finalize (const struct tong_rootfs *r, struct oci_error *err);

/* rootfs-copyup.c: a tmpfs at target seeded with target's contents. */
int tong_rootfs_tmpcopyup (const char *target_fdpath, unsigned long flags, const char *data, const char *what,
                           struct oci_error *err);

/* rootfs-cgroup.c: /sys/fs/cgroup inside the container. */
int tong_rootfs_mount_cgroup (struct tong_rootfs *r, const struct oci_spec_mount *m, int target_fd,
                              unsigned long flags, struct oci_error *err);

#endif
