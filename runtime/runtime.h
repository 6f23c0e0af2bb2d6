/* What every subcommand of `tong` receives: the global options, parsed
 * once by main(), and nothing mutable besides. */
#ifndef TONG_RUNTIME_H
#define TONG_RUNTIME_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "oci/error.h"

#define TONG_DEFAULT_ROOT "/run/tong"

struct tong_globals {
  const char *root;       /* state directory of all containers */
  const char *log_path;   /* --log: where errors and debug lines go */
  int log_fd;             /* --log opened by main() (O_APPEND), or -1: stderr */
  bool log_json;          /* --log-format json */
  bool debug;
  bool systemd_cgroup;
  int rootless;           /* --rootless: -1 auto, 0 false, 1 true */
  const char *argv0;
};

typedef int (*tong_command_fn) (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);

int tong_cmd_spec (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_features (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_create (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_start (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_run (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_state (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_list (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_kill (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_delete (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_ps (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_pause (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_resume (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_update (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_events (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_exec (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);

/* sealed-exec.c: returns only on failure, or at once when already sealed. */
int tong_reexec_sealed (char **argv, struct oci_error *err);

/* pidfile.c */
int tong_write_pid_file (const char *path, pid_t pid, struct oci_error *err);

/* wait.c: returns the exit status (>= 0) or a negative error. */
int tong_wait_forwarding_signals (pid_t pid, struct oci_error *err);

/* version.c */
void tong_print_version (const char *prog);

/* help.c: runc's help layout, under the name tong was invoked by. */
const char *tong_prog_name (const char *argv0);
void tong_help_main (FILE *f, const char *prog);
int tong_help_command (FILE *f, const char *prog, const char *command);
bool tong_help_known (const char *command);

/* cmd-checkpoint.c */
int tong_cmd_checkpoint (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);
int tong_cmd_restore (const struct tong_globals *g, int argc, char **argv, struct oci_error *err);

/* log.c: runc's log formats, so containerd and conmon can read them. */
void tong_log_error (const struct tong_globals *g, const char *msg);
void tong_log_debug (const struct tong_globals *g, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
void tong_log_warn (const struct tong_globals *g, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* A subcommand's exit status that is not an error (e.g. `run` returns the
 * container's status): commands return it as a positive value. */

#endif
