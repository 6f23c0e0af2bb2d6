/* The container init, from clone() to execve(): namespaces, rootfs,
 * pivot_root, then it reports READY and blocks on the exec FIFO until
 * `start`; only then does it become the user's process.  Errors before
 * READY travel back to `tong create`; after it they can only be told on
 * the container's stderr. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "create.h"
#include "hooks.h"
#include "namespaces.h"
#include "oci/cleanup.h"
#include "paths.h"
#include "process.h"
#include "rootfs.h"
#include "sync.h"
#include "terminal.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

static int
become_root_in_userns (struct tong_init_args *a, struct oci_error *err)
{
  int r;

  r = tong_sync_send (a->sync_fd, TONG_SYNC_USERMAP_PLS, 0, err);
  if (r == 0)
    r = tong_sync_expect (a->sync_fd, TONG_SYNC_USERMAP_ACK, NULL, err);
  if (r < 0)
    return r;
  if (setresgid (0, 0, 0) < 0)
    return oci_error_set (err, errno, "setresgid 0 in the user namespace");
  if (setresuid (0, 0, 0) < 0)
    return oci_error_set (err, errno, "setresuid 0 in the user namespace");
  return 0;
}

static int
fork_into_pid_ns (struct tong_init_args *a, struct oci_error *err)
{
  int r;

  r = tong_ns_join_pid (a->plan, err);
  if (r < 0)
    return r;
  /* setns(CLONE_NEWPID) moves only our future children. */
  /* No PDEATHSIG here: our parent is the intermediate, which exits at
   * once; a dead `tong create` shows as EOF on the sync socket. */
  return tong_fork_reporting_pid (a->sync_fd, err);
}

static int
set_names (const struct oci_spec *spec, struct oci_error *err)
{
  if (spec->hostname && *spec->hostname && sethostname (spec->hostname, strlen (spec->hostname)) < 0)
    return oci_error_set (err, errno, "hostname: sethostname \"%s\"", spec->hostname);
  if (spec->domainname && *spec->domainname && setdomainname (spec->domainname, strlen (spec->domainname)) < 0)
    return oci_error_set (err, errno, "domainname: setdomainname \"%s\"", spec->domainname);
  return 0;
}

static int
join_keyring (const struct tong_init_args *a, struct oci_error *err)
{
  char name[PATH_MAX];

  if (a->opts->no_new_keyring)
    return 0;
  /* A session keyring of its own, so the container cannot read the host's
   * keys (runc does the same). */
  snprintf (name, sizeof name, "_ses.%s", a->opts->id);
  if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS)
    return oci_error_set (err, errno, "join a new session keyring");
  return 0;
}

static int
setup (struct tong_init_args *a, struct tong_process *proc, struct oci_error *err)
{
  const struct oci_spec *spec = a->spec;
  struct tong_rootfs rfs = {
    .spec = spec, .rootfs = a->rootfs, .bundle = a->bundle, .userns = a->new_user, .cgroupns = a->new_cgroup,
    .rootfd = -1, .source_fds = a->source_fds,
  };
  int r;

  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    return oci_error_set (err, errno, "prctl PR_SET_PDEATHSIG");
  r = tong_sync_expect (a->sync_fd, TONG_SYNC_CGROUP_ACK, NULL, err);
  if (r < 0)
    return r;
  if (a->new_user)
    {
      r = become_root_in_userns (a, err);
      if (r < 0)
        return r;
    }
  /* Until execve, nothing in the container may ptrace us or open our
   * /proc/<pid>/exe or fds (CVE-2019-5736); execve resets it.  Only now:
   * an unprivileged parent had to write our id maps in /proc/<pid>/, which
   * a non-dumpable process's files would not let it do. */
  if (prctl (PR_SET_DUMPABLE, 0) < 0)
    return oci_error_set (err, errno, "prctl PR_SET_DUMPABLE");
  if (a->new_cgroup && unshare (CLONE_NEWCGROUP) < 0)
    return oci_error_set (err, errno, "unshare the cgroup namespace");
  r = tong_ns_join (a->plan, err);
  if (r == 0 && a->join_pid)
    r = fork_into_pid_ns (a, err);
  if (r == 0)
    r = set_names (spec, err);
  if (r == 0)
    r = tong_rootfs_prepare (&rfs, err);
  if (r == 0)
    r = tong_rootfs_mount_all (&rfs, err);
  if (r == 0)
    r = tong_rootfs_create_devices (&rfs, err);
  if (r == 0)
    {
      /* runc and crun make a missing cwd, before the root may turn
       * read-only. */
      int cwd_fd = -1;
      r = tong_open_in_root (rfs.rootfd, spec->process->cwd, true, TONG_TARGET_DIR, &cwd_fd, err);
      if (cwd_fd >= 0)
        close (cwd_fd);
      if (r < 0)
        oci_error_wrap (err, "process.cwd");
    }
  if (r == 0)
    r = tong_sync_send (a->sync_fd, TONG_SYNC_HOOKS_PLS, 0, err);
  if (r == 0)
    r = tong_sync_expect (a->sync_fd, TONG_SYNC_HOOKS_ACK, NULL, err);
  if (r < 0)
    goto out;
  if (spec->hooks && spec->hooks->create_container_len)
    {
      cleanup_free char *state = NULL;
      r = tong_hook_state (a->opts->id, "creating", getpid (), a->bundle, spec->annotations, &state, err);
      /* In the rootfs, as runc runs them: hooks use paths relative to it. */
      if (r == 0 && chdir (a->rootfs) < 0)
        r = oci_error_set (err, errno, "chdir %s for the createContainer hooks", a->rootfs);
      if (r == 0)
        r = tong_hooks_run (spec->hooks->create_container, spec->hooks->create_container_len, "createContainer",
                          state, err);
      if (r < 0)
        goto out;
    }
  if (spec->linux_->seccomp)
    {
      cleanup_free char *state = NULL;
      r = tong_hook_state (a->opts->id, "creating", 0, a->bundle, spec->annotations, &state, err);
      if (r == 0)
        r = tong_process_connect_listener (proc, spec->linux_->seccomp, state, err);
      if (r < 0)
        goto out;
    }
  r = tong_rootfs_pivot (&rfs, a->opts->no_pivot, err);
  if (r == 0 && a->console_fd >= 0)
    r = tong_terminal_setup (a->console_fd, spec->process->console_size,
                             spec->process->user ? spec->process->user->uid : 0, true, err);
  /* As runc: without a terminal too, the container leads a session of its
   * own; in the caller's process group (containerd's shim's) a `kill 0` in
   * the container would reach the caller. */
  if (r == 0 && a->console_fd < 0 && setsid () < 0)
    r = oci_error_set (err, errno, "setsid");
  if (r == 0)
    r = tong_rootfs_finalize (&rfs, err);
  if (r == 0)
    r = join_keyring (a, err);
  if (r == 0)
    r = tong_process_prepare (spec->process, spec->linux_, a->opts->preserve_fds, a->seccomp, proc, err);
out:
  if (rfs.rootfd >= 0)
    close (rfs.rootfd);
  return r;
}

/* Blocks until `start` opens the FIFO, runs startContainer hooks, then
 * tells `start` with one byte.  The fd stays open (close-on-exec): its
 * closing at execve is what `start` waits for before poststart hooks. */
static int
wait_for_start (struct tong_init_args *a, struct tong_process *proc, bool *reported, struct oci_error *err)
{
  int fd, r;

  /* Through the state directory's fd, not /proc/self/fd: in a user
   * namespace that leaves host root unmapped, a non-dumpable process may
   * not use its own /proc/self/fd. */
  do
    fd = openat (a->state_dir_fd, TONG_EXEC_FIFO, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return oci_error_set (err, errno, "open the exec FIFO");
  close (a->state_dir_fd);
  if (a->spec->hooks && a->spec->hooks->start_container_len)
    {
      cleanup_free char *state = NULL;
      r = tong_hook_state (a->opts->id, "created", getpid (), a->bundle, a->spec->annotations, &state, err);
      /* As in runc, startContainer hooks run as the process will: its
       * user, capabilities and seccomp filter (whose notify fd reaches the
       * agent now), with no fd of ours. */
      if (r == 0)
        r = tong_process_enter (proc, err);
      if (r == 0)
        r = tong_hooks_run (a->spec->hooks->start_container, a->spec->hooks->start_container_len, "startContainer",
                            state, err);
      if (r < 0)
        {
          /* `start` reads this instead of the go-ahead byte, and reports
           * it (runc's start reports its init's hook errors too). */
          if (write (fd, "E", 1) == 1 && write (fd, err->msg, strlen (err->msg)) >= 0)
            *reported = true;
          close (fd);
          return r;
        }
    }
  if (write (fd, "0", 1) != 1)
    {
      int e = errno;
      close (fd);
      return oci_error_set (err, e, "write the exec FIFO");
    }
  return 0;
}

_Noreturn void
tong_init_main (struct tong_init_args *a)
{
  struct oci_error err = { 0 };
  struct tong_process proc;
  bool reported = false;

  memset (&proc, 0, sizeof proc);
  proc.listener_fd = -1;
  tong_log_debug (a->g, "child process in init(): pid %d sets up container %s in rootfs %s", (int) getpid (),
                  a->opts->id, a->rootfs);
  if (setup (a, &proc, &err) < 0)
    {
      tong_sync_send_error (a->sync_fd, &err);
      _exit (1);
    }
  /* From here the parent may exit at any time: that must not kill us. */
  prctl (PR_SET_PDEATHSIG, 0);
  tong_log_debug (a->g, "init: closing the pipe to signal completion; waiting for start on %s/%s", a->state_dir,
                  TONG_EXEC_FIFO);
  if (tong_sync_send (a->sync_fd, TONG_SYNC_READY, 0, &err) < 0)
    _exit (1);
  close (a->sync_fd);
  if (a->console_fd >= 0)
    close (a->console_fd);
  if (wait_for_start (a, &proc, &reported, &err) < 0)
    goto failed;
  tong_process_exec (&proc, &err);
failed:
  if (!reported)
    fprintf (stderr, "tong: %s\n", err.msg);
  _exit (127);
}
