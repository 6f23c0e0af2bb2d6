/* `tong exec`: a new process in a running container. */
#ifndef TONG_EXEC_H
#define TONG_EXEC_H

#include <stdbool.h>

#include "container.h"
#include "oci/runtime-spec.h"
#include "runtime.h"

struct tong_cgroup;

struct tong_exec_opts {
  bool detach;
  const char *pid_file;
  const char *console_socket;
  /* Foreground -t without --console-socket: receive the master here and
   * proxy the terminal. */
  bool proxy_tty;
  int preserve_fds;
  char **sub_cgroups;  /* --cgroup arguments */
  size_t n_sub_cgroups;
  /* The container's cgroup, loaded by the caller; NULL when it has none. */
  const struct tong_cgroup *cg;
};

/* Joins every namespace of c's init and runs proc there.  Returns the
 * process's exit status in the foreground, 0 when detached, or a negative
 * error. */
int tong_exec_process (const struct tong_globals *g, const struct tong_container *c, const struct oci_spec *config,
                       const struct oci_spec_process *proc, const struct tong_exec_opts *o, struct oci_error *err);

#endif
