/* Namespaces of the config: which to create with clone(), which to join by
 * path, and the id maps of a new user namespace. */
#ifndef TONG_NAMESPACES_H
#define TONG_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "oci/error.h"
#include "oci/runtime-spec.h"

struct tong_ns_plan {
  int clone_flags;           /* CLONE_NEW* to create */
  const char *join_paths[8]; /* by index of tong_ns_order, NULL when none */
  bool new_user;
  bool new_pid;
  bool new_mount;
  bool join_user;
  bool join_pid;
  bool new_cgroup;
  bool new_time;
};

int tong_ns_plan (const struct oci_spec *spec, struct tong_ns_plan *ret, struct oci_error *err);
/* Joins every namespace given by path except pid (pid needs a fork after
 * setns, the caller does that).  User first, so the others are allowed. */
int tong_ns_join (const struct tong_ns_plan *p, struct oci_error *err);
int tong_ns_join_pid (const struct tong_ns_plan *p, struct oci_error *err);
/* Called by the parent for a child in a new user namespace. */
int tong_ns_write_id_maps (pid_t pid, const struct oci_spec_linux *l, struct oci_error *err);

#endif
