/* exec: open the init's namespaces first (then check it is still the same
 * process, so a reused pid cannot lead us elsewhere), fork a child that
 * joins them, and fork once more inside the pid namespace.  The child tells
 * the parent the final pid, or its error, over the same sync protocol as
 * create. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "exec.h"
#include "oci/cleanup.h"
#include "process.h"
#include "sync.h"
#include "terminal.h"
#include "tty-proxy.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct ns_file {
  const char *type;   /* runtime-spec name */
  const char *proc;   /* /proc/<pid>/ns/<proc> */
  int flag;
};

/* Join order: user first (it grants the rights for the rest), mount last
 * (it changes root and cwd). */
static const struct ns_file ns_files[] = {
  { "user", "user", CLONE_NEWUSER }, { "ipc", "ipc", CLONE_NEWIPC },         { "uts", "uts", CLONE_NEWUTS },
  { "network", "net", CLONE_NEWNET }, { "cgroup", "cgroup", CLONE_NEWCGROUP }, { "time", "time", CLONE_NEWTIME },
  { "pid", "pid", CLONE_NEWPID },     { "mount", "mnt", CLONE_NEWNS },
};
#define N_NS (sizeof ns_files / sizeof ns_files[0])

static bool
config_has_ns (const struct oci_spec *config, const char *type)
{
  size_t i;

  for (i = 0; config->linux_ && i < config->linux_->namespaces_len; i++)
    if (strcmp (config->linux_->namespaces[i].type, type) == 0)
      return true;
  return false;
}

static bool
same_as_ours (int fd, const char *proc)
{
  char path[64];
  struct stat a, b;

  snprintf (path, sizeof path, "/proc/self/ns/%s", proc);
  return fstat (fd, &a) == 0 && stat (path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int
open_namespaces (const struct tong_container *c, const struct oci_spec *config, int fds[N_NS],
                 struct oci_error *err)
{
  char path[64];
  size_t i;

  for (i = 0; i < N_NS; i++)
    {
      fds[i] = -1;
      if (!config_has_ns (config, ns_files[i].type))
        continue;
      snprintf (path, sizeof path, "/proc/%lld/ns/%s", (long long) c->pid, ns_files[i].proc);
      fds[i] = open (path, O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0)
        return oci_error_set (err, errno, "open %s", path);
      /* setns into a user namespace we are already in fails with EINVAL. */
      if (same_as_ours (fds[i], ns_files[i].proc))
        {
          close (fds[i]);
          fds[i] = -1;
        }
    }
  if (!tong_container_init_alive (c))
    return oci_error_set (err, ESRCH, "container \"%s\" is not running", c->id);
  return 0;
}

static void
close_namespaces (int fds[N_NS])
{
  size_t i;

  for (i = 0; i < N_NS; i++)
    if (fds[i] >= 0)
      close (fds[i]);
}

/* In the child: everything up to execve; returns only on failure. */
static int
child_main (const struct tong_globals *g, int sync_fd, int fds[N_NS], int console_fd, const struct oci_spec *config,
            const struct oci_spec_process *proc, const struct tong_exec_opts *o, struct oci_error *err)
{
  struct tong_process p;
  size_t i;
  int r;

  memset (&p, 0, sizeof p);
  p.listener_fd = -1;
  /* Into the container's cgroup before anything else (the parent moves us). */
  r = tong_sync_expect (sync_fd, TONG_SYNC_CGROUP_ACK, NULL, err);
  if (r < 0)
    return r;
  /* Processes of the container must not ptrace us or open our
   * /proc/<pid>/exe while we are in their namespaces. */
  if (prctl (PR_SET_DUMPABLE, 0) < 0)
    return oci_error_set (err, errno, "prctl PR_SET_DUMPABLE");
  for (i = 0; i < N_NS; i++)
    if (fds[i] >= 0 && ns_files[i].flag != CLONE_NEWNS && setns (fds[i], ns_files[i].flag) < 0)
      return oci_error_set (err, errno, "join the container's %s namespace", ns_files[i].type);
  /* setns(pid) and setns(time) apply to our children: fork into them. */
  r = tong_fork_reporting_pid (sync_fd, err);
  if (r < 0)
    return r;
  tong_log_debug (g, "child process in init(): pid %d joined the namespaces of the container", (int) getpid ());
  if (config->linux_ && config->linux_->seccomp)
    {
      r = tong_process_connect_listener (&p, config->linux_->seccomp, "{}", err);
      if (r < 0)
        return r;
    }
  if (fds[N_NS - 1] >= 0 && setns (fds[N_NS - 1], CLONE_NEWNS) < 0)
    return oci_error_set (err, errno, "join the container's mount namespace");
  if (chdir ("/") < 0)
    return oci_error_set (err, errno, "chdir / in the container");
  if (console_fd >= 0)
    {
      r = tong_terminal_setup (console_fd, proc->console_size, proc->user ? proc->user->uid : 0, false, err);
      if (r < 0)
        return r;
      close (console_fd);
    }
  /* As runc: a session of its own, terminal or not (see init.c). */
  else if (setsid () < 0)
    return oci_error_set (err, errno, "setsid");
  r = tong_process_prepare (proc, config->linux_, o->preserve_fds, &p, err);
  if (r < 0)
    return r;
  r = tong_sync_send (sync_fd, TONG_SYNC_READY, 0, err);
  if (r < 0)
    return r;
  close (sync_fd);
  tong_log_debug (g, "setns_init: about to exec %s", proc->args_len ? proc->args[0] : "");
  return tong_process_exec (&p, err);
}


int
tong_exec_process (const struct tong_globals *g, const struct tong_container *c, const struct oci_spec *config,
                   const struct oci_spec_process *proc, const struct tong_exec_opts *o, struct oci_error *err)
{
  int fds[N_NS], sv[2] = { -1, -1 };
  cleanup_close int console_fd = -1, tty_ours = -1, master = -1;
  int64_t value = 0;
  pid_t child, pid;
  int r;

  r = open_namespaces (c, config, fds, err);
  if (r < 0)
    goto out;
  if (o->console_socket)
    {
      r = tong_console_socket_connect (o->console_socket, &console_fd, err);
      if (r < 0)
        {
          oci_error_wrap (err, "--console-socket");
          goto out;
        }
    }
  else if (o->proxy_tty)
    {
      r = tong_tty_socketpair (&tty_ours, &console_fd, err);
      if (r < 0)
        goto out;
    }
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      r = oci_error_set (err, errno, "socketpair");
      goto out;
    }
  /* In the foreground we reap the process the child forks. */
  if (!o->detach)
    prctl (PR_SET_CHILD_SUBREAPER, 1);
  child = fork ();
  if (child < 0)
    {
      r = oci_error_set (err, errno, "fork");
      goto out;
    }
  if (child == 0)
    {
      struct oci_error child_err = { 0 };
      close (sv[0]);
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      tong_log_debug (g, "nsexec container setup: joining the namespaces of container %s (init pid %lld)", c->id,
                      (long long) c->pid);
      child_main (g, sv[1], fds, console_fd, config, proc, o, &child_err);
      /* Before READY the parent hears it; after, only stderr can. */
      tong_sync_send_error (sv[1], &child_err);
      fprintf (stderr, "tong: %s\n", child_err.msg);
      _exit (127);
    }
  close (sv[1]);
  sv[1] = -1;
  if (c->cgroup_path && *c->cgroup_path)
    {
      cleanup_cgroup struct tong_cgroup *cg = NULL;
      r = tong_cgroup_load (c->cgroup_path, &cg, err);
      if (r == 0)
        r = o->n_sub_cgroups ? tong_cgroup_enter_sub (cg, child, o->sub_cgroups, o->n_sub_cgroups, err)
                             : tong_cgroup_enter (cg, child, err);
      if (r < 0)
        {
          kill (child, SIGKILL);
          waitpid (child, NULL, 0);
          goto out;
        }
    }
  r = tong_sync_send (sv[0], TONG_SYNC_CGROUP_ACK, 0, err);
  if (r < 0)
    goto out;
  if (console_fd >= 0)
    {
      close (console_fd);
      console_fd = -1;
    }
  r = tong_sync_expect (sv[0], TONG_SYNC_INIT_PID, &value, err);
  waitpid (child, NULL, 0);
  if (r < 0)
    goto out;
  pid = (pid_t) value;
  r = tong_sync_expect (sv[0], TONG_SYNC_READY, NULL, err);
  if (r < 0)
    {
      waitpid (pid, NULL, 0);
      goto out;
    }
  if (o->pid_file)
    {
      r = tong_write_pid_file (o->pid_file, pid, err);
      if (r < 0)
        {
          kill (pid, SIGKILL);
          goto out;
        }
    }
  if (tty_ours >= 0)
    {
      r = tong_recv_fd (tty_ours, &master, err);
      if (r < 0)
        {
          kill (pid, SIGKILL);
          goto out;
        }
    }
  if (o->detach)
    r = 0;
  else if (master >= 0)
    r = tong_tty_proxy_wait (pid, master, err);
  else
    r = tong_wait_forwarding_signals (pid, err);
out:
  close_namespaces (fds);
  if (sv[0] >= 0)
    close (sv[0]);
  if (sv[1] >= 0)
    close (sv[1]);
  return r;
}
