/* The container's cgroup, for commands that act on a running container. */
#ifndef TONG_CGROUP_CMD_H
#define TONG_CGROUP_CMD_H

#include "cgroup.h"
#include "container.h"
#include "runtime.h"

/* Loads the container `id` and its cgroup; fails clearly when the
 * container has none (rootless without a delegated cgroup). */
int tong_load_with_cgroup (const struct tong_globals *g, const char *id, struct tong_container **ret_c,
                           struct tong_cgroup **ret_cg, struct oci_error *err);

#endif
