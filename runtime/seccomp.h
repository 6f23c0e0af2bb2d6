/* linux.seccomp: compiled to a BPF program by `create` and `exec` before
 * they clone (so every config error surfaces there, before anything runs,
 * and the program can be kept in <root>/@cache/seccomp for the next
 * container), loaded with one seccomp(2) call in the container process
 * just before execve.
 *
 * The program is libseccomp's with runc's -ENOSYS stub in front: when the
 * default action is not an "allow" one (ALLOW, LOG, TRACE), a syscall
 * numbered above every syscall the profile names (for that architecture)
 * fails with ENOSYS instead of the default action, so that a newer libc
 * falls back from syscalls the profile's author never heard of (clone3,
 * faccessat2...) instead of failing with EPERM.  runc's integration test
 * "seccomp -ENOSYS handling" checks exactly that.
 *
 * Loading:
 *  - without no_new_privs the kernel wants CAP_SYS_ADMIN, so a config with
 *    noNewPrivileges false needs the filter loaded before capabilities are
 *    dropped (what runc does), which means the syscalls the runtime makes
 *    afterwards (capset, setuid...) go through the filter; with
 *    noNewPrivileges true load it last, right before execve;
 *  - with a SCMP_ACT_NOTIFY rule, tong_seccomp_load returns the listener fd.
 *    The process that loaded the filter is then subject to it, so passing
 *    the fd on must not use a notified syscall: like runc, prepare refuses
 *    NOTIFY for `write` (runc writes the fd number to its parent, which
 *    takes the fd with pidfd_getfd(2)).  Every copy of the fd except the
 *    agent's must be closed, or the container's notified syscalls block
 *    instead of failing with ENOSYS when the agent dies. */
#ifndef TONG_SECCOMP_H
#define TONG_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "oci/error.h"
#include "oci/runtime-spec.h"
#include "oci/runtime-state.h"

struct tong_seccomp;

/* s NULL: *ret = NULL and 0.  Errors name the field:
 *   linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY
 *   linux.seccomp.flags[0]: SECCOMP_FILTER_FLAG_X is not supported by this kernel
 *   linux.seccomp.syscalls[3].errnoRet: SCMP_ACT_KILL takes no errno
 * Syscall names unknown to libseccomp are skipped, as runc does (profiles
 * name syscalls of other kernels and architectures).  listenerPath without
 * a NOTIFY rule is ignored, as the spec says; listenerMetadata without
 * listenerPath is refused, as the spec says.  When `flags` is absent,
 * SECCOMP_FILTER_FLAG_SPEC_ALLOW is used where the kernel has it (runc and
 * crun do the same); TSYNC is accepted and has nothing to do, the loading
 * process being single-threaded; WAIT_KILLABLE_RECV only means something
 * with a NOTIFY rule and is dropped without one. */
int tong_seccomp_prepare (const struct oci_spec_seccomp *s, const char *cache_dir, struct tong_seccomp **ret,
                          struct oci_error *err);
/* cache_dir (NULL: none) keeps compiled programs (seccomp-cache.h): with
 * one there, nothing is compiled.  Whether this one came from it: */
bool tong_seccomp_from_cache (const struct tong_seccomp *s);

/* Installs the filter on the calling thread.  *ret_notify_fd: the listener
 * fd (close-on-exec) when a NOTIFY rule exists, else -1.  s NULL: nothing,
 * -1. */
int tong_seccomp_load (struct tong_seccomp *s, int *ret_notify_fd, struct oci_error *err);

void tong_seccomp_free (struct tong_seccomp *s);

/* Whether a rule uses SCMP_ACT_NOTIFY (a listener fd will come). */
bool tong_seccomp_uses_notify (const struct tong_seccomp *s);
/* The SECCOMP_FILTER_FLAG_* bits seccomp(2) gets, for a debug line like
 * runc's "seccomp filter flags: 40". */
unsigned int tong_seccomp_filter_flags (const struct tong_seccomp *s);
/* Instructions in the program (stub included), for debug output. */
size_t tong_seccomp_program_len (const struct tong_seccomp *s);

/* The runtime-spec "container process state" sent to the agent:
 * {"ociVersion", "fds": ["seccompFd"], "pid", "metadata" (omitted when
 * NULL), "state": state_json (the `tong state` document, embedded)}.
 * *ret is NUL-terminated; the caller frees it. */
int tong_seccomp_process_state (pid_t pid, const char *metadata, const char *state_json, char **ret,
                                size_t *ret_len, struct oci_error *err);

/* Connects to listener_path (a leading '@' names an abstract socket),
 * sends process_state (from tong_seccomp_process_state) with notify_fd as
 * SCM_RIGHTS in the first sendmsg, and closes the connection.  notify_fd
 * stays open: the caller closes it. */
int tong_seccomp_send_listener (const char *listener_path, int notify_fd, const char *process_state,
                                struct oci_error *err);

/* What this build, libseccomp and kernel support, for `tong features`:
 * actions and operators libseccomp and the kernel accept, the
 * architectures libseccomp knows, the flags we know and those the kernel
 * takes.  A new struct for oci_features_linux.seccomp, freed with the
 * features. */
int tong_seccomp_features (struct oci_features_seccomp **ret, struct oci_error *err);

#endif
