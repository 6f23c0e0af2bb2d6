/* Creating a container: `create`, and the first half of `run`. */
#ifndef TONG_CREATE_H
#define TONG_CREATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "container.h"
#include "oci/error.h"
#include "oci/runtime-spec.h"
#include "runtime.h"

struct tong_create_opts {
  const char *id;
  const char *bundle;
  const char *pid_file;
  const char *console_socket;
  /* Instead of console_socket: an already-connected socket (foreground
   * run proxying the terminal itself); used only when process.terminal. */
  bool have_console_fd;
  int console_fd;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  /* `run` in the foreground stays the parent of the init and reaps it. */
  bool foreground;
};

/* Leaves the container in `created`, its init waiting on the exec FIFO. */
int tong_create_container (const struct tong_globals *g, const struct tong_create_opts *o,
                           struct tong_container **ret, struct oci_error *err);

/* Parses create's flags (shared with run); returns the index of the id. */
int tong_parse_create_flags (int argc, char **argv, struct tong_create_opts *o, bool *detach, bool *keep,
                             const char *cmd, struct oci_error *err);

/* start.c: release a created container's init (and run poststart hooks). */
int tong_start_container (const struct tong_globals *g, struct tong_container *c, struct oci_error *err);
/* delete.c: remove what the runtime made for c (state dir, cgroups),
 * running poststop hooks. */
int tong_destroy_container (const struct tong_globals *g, struct tong_container *c, struct oci_error *err);
int tong_load_saved_config (const struct tong_container *c, struct oci_spec **ret, struct oci_error *err);

/* init.c: runs in the cloned child; never returns. */
struct tong_seccomp;

struct tong_init_args {
  const struct tong_globals *g;
  const struct tong_create_opts *opts;
  const struct oci_spec *spec;
  const char *rootfs;
  const char *bundle;
  const char *state_dir;
  int sync_fd;
  int state_dir_fd;       /* O_PATH of <root>/<id>, to reach the exec FIFO */
  int console_fd;         /* connected console socket or -1 */
  bool new_user;
  bool new_cgroup;
  bool join_pid;
  const void *plan;       /* struct tong_ns_plan */
  const int *source_fds;  /* bind mount sources opened by the parent, or NULL */
  struct tong_seccomp *seccomp; /* linux.seccomp compiled by the parent, or NULL */
};
_Noreturn void tong_init_main (struct tong_init_args *a);

#endif
