/* The user's process: everything decided at create (so config errors are
 * reported by `tong create`), applied after `start` right before execve. */
#ifndef TONG_PROCESS_H
#define TONG_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "capabilities.h"
#include "oci/error.h"
#include "oci/runtime-spec.h"
#include "runtime.h"

struct tong_seccomp;

struct tong_process {
  const struct oci_spec_process *spec;
  const struct oci_spec_seccomp *seccomp_spec;
  char *exe;            /* resolved in the container's PATH */
  char **envp;          /* spec env plus HOME when missing */
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  size_t groups_len;
  struct tong_caps caps;
  bool has_caps;
  struct tong_seccomp *seccomp;
  int preserve_fds;
  /* seccomp notify: a socket to the agent at linux.seccomp.listenerPath,
   * connected while the host's paths were reachable, and what to send. */
  int listener_fd;
  char *listener_state;
  bool entered;         /* tong_process_enter done */
};

/* linux.seccomp compiled, or found in <g->root>/@cache/seccomp, by create
 * and exec before they clone (a debug line says which).  No seccomp:
 * *ret NULL. */
int tong_process_compile_seccomp (const struct tong_globals *g, const struct oci_spec_linux *l,
                                  struct tong_seccomp **ret, struct oci_error *err);

/* In the container, after pivot_root, still root.  seccomp_program: the
 * linux.seccomp program the parent compiled before cloning
 * (tong_process_compile_seccomp; borrowed), NULL without one. */
int tong_process_prepare (const struct oci_spec_process *p, const struct oci_spec_linux *l, int preserve_fds,
                          struct tong_seccomp *seccomp_program, struct tong_process *ret, struct oci_error *err);
/* Everything but the execve: fds, seccomp, capabilities, user, no_new_privs,
 * CPU affinity, umask.  What runs after it (startContainer hooks, forked
 * from here) runs as the container's process will. */
int tong_process_enter (struct tong_process *p, struct oci_error *err);
/* tong_process_enter unless done, then execve; returns only on failure. */
int tong_process_exec (struct tong_process *p, struct oci_error *err);
/* Before pivot_root or setns into the mount namespace: connects to the
 * seccomp agent when the profile notifies, and composes its message.
 * `container_state` is the container's state JSON. */
int tong_process_connect_listener (struct tong_process *p, const struct oci_spec_seccomp *seccomp,
                                   const char *container_state, struct oci_error *err);
/* Looks up `name` in PATH from envp, as execvp would, in the current root. */
int tong_find_executable (const char *name, char *const *envp, char **ret, struct oci_error *err);

#endif
