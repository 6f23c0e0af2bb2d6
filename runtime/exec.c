/* exec: open the init's namespaces first (then check it is still the same
 * process, so a reused pid cannot lead us elsewhere), then start a child
 * that joins them and execs the process.  setns(pid) and setns(time) only
 * apply to the caller's children, so someone must join them before the
 * process is born:
 *   - we, when we can (root on the host: no user namespace needs joining
 *     first) and there is no time namespace to join: then one child,
 *     cloned with CLONE_VM|CLONE_VFORK, is the process.  Sharing our memory
 *     while we sleep in clone() spares a fork's page-table copy and every
 *     copy-on-write fault, which on a paravirtualised host cost more than
 *     the rest of exec's own work.
 *   - else a forked child that joins them all and forks once more.
 * Either way the child tells us the final pid, or its error, over the same
 * sync protocol as create. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "exec.h"
#include "oci/cleanup.h"
#include "process.h"
#include "seccomp.h"
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

/* What the child needs; it lives on the parent's stack. */
struct child_ctx {
  const struct tong_globals *g;
  const struct tong_container *c;
  int sync_fd;   /* the child's end */
  int peer_fd;   /* the parent's end, closed in the child */
  int *fds;
  int console_fd;
  const struct oci_spec *config;
  const struct oci_spec_process *proc;
  const struct tong_exec_opts *o;
  /* Set when the parent joined the pid namespace and sleeps until we exec
   * (CLONE_VFORK): we are born in it, and move ourselves into the cgroup. */
  bool vforked;
  const struct tong_cgroup *cg;
  struct tong_seccomp *seccomp;  /* the container's linux.seccomp, compiled here */
};

static int
enter_cgroup (const struct tong_cgroup *cg, pid_t pid, const struct tong_exec_opts *o, struct oci_error *err)
{
  return o->n_sub_cgroups ? tong_cgroup_enter_sub (cg, pid, o->sub_cgroups, o->n_sub_cgroups, err)
                          : tong_cgroup_enter (cg, pid, err);
}

/* In the child: everything up to execve; returns only on failure, with
 * *ready telling whether the parent had been told READY (and so no longer
 * listens). */
static int
child_main (const struct child_ctx *x, bool *ready, struct oci_error *err)
{
  const struct oci_spec *config = x->config;
  const struct oci_spec_process *proc = x->proc;
  struct tong_process p;
  size_t i;
  int r;

  memset (&p, 0, sizeof p);
  p.listener_fd = -1;
  /* Into the container's cgroup before anything else. */
  if (x->vforked)
    r = x->cg ? enter_cgroup (x->cg, 0, x->o, err) : 0;
  else
    r = tong_sync_expect (x->sync_fd, TONG_SYNC_CGROUP_ACK, NULL, err);
  if (r < 0)
    return r;
  /* Processes of the container must not ptrace us or open our
   * /proc/<pid>/exe while we are in their namespaces. */
  if (prctl (PR_SET_DUMPABLE, 0) < 0)
    return oci_error_set (err, errno, "prctl PR_SET_DUMPABLE");
  for (i = 0; i < N_NS; i++)
    {
      if (x->fds[i] < 0 || ns_files[i].flag == CLONE_NEWNS || (x->vforked && ns_files[i].flag == CLONE_NEWPID))
        continue;
      if (setns (x->fds[i], ns_files[i].flag) < 0)
        return oci_error_set (err, errno, "join the container's %s namespace", ns_files[i].type);
    }
  if (!x->vforked)
    {
      /* setns(pid) and setns(time) apply to our children: fork into them. */
      r = tong_fork_reporting_pid (x->sync_fd, err);
      if (r < 0)
        return r;
    }
  tong_log_debug (x->g, "child process in init(): pid %d joined the namespaces of the container", (int) getpid ());
  if (config->linux_ && config->linux_->seccomp)
    {
      r = tong_process_connect_listener (&p, config->linux_->seccomp, "{}", err);
      if (r < 0)
        return r;
    }
  if (x->fds[N_NS - 1] >= 0 && setns (x->fds[N_NS - 1], CLONE_NEWNS) < 0)
    return oci_error_set (err, errno, "join the container's mount namespace");
  if (chdir ("/") < 0)
    return oci_error_set (err, errno, "chdir / in the container");
  if (x->console_fd >= 0)
    {
      r = tong_terminal_setup (x->console_fd, proc->console_size, proc->user ? proc->user->uid : 0, false, err);
      if (r < 0)
        return r;
      close (x->console_fd);
    }
  /* As runc: a session of its own, terminal or not (see init.c). */
  else if (setsid () < 0)
    return oci_error_set (err, errno, "setsid");
  r = tong_process_prepare (proc, config->linux_, x->o->preserve_fds, x->seccomp, &p, err);
  if (r < 0)
    return r;
  /* The death signal survives execve: the process must outlive a
   * detached exec (forked children start without one). */
  if (x->vforked && prctl (PR_SET_PDEATHSIG, 0) < 0)
    return oci_error_set (err, errno, "prctl PR_SET_PDEATHSIG");
  r = tong_sync_send (x->sync_fd, TONG_SYNC_READY, 0, err);
  if (r < 0)
    return r;
  *ready = true;
  close (x->sync_fd);
  tong_log_debug (x->g, "setns_init: about to exec %s", proc->args_len ? proc->args[0] : "");
  return tong_process_exec (&p, err);
}

static int
child_run (void *arg)
{
  const struct child_ctx *x = arg;
  struct oci_error child_err = { 0 };
  bool ready = false;

  close (x->peer_fd);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  tong_log_debug (x->g, "nsexec container setup: joining the namespaces of container %s (init pid %lld)", x->c->id,
                  (long long) x->c->pid);
  child_main (x, &ready, &child_err);
  /* Before READY the parent hears it (and prints it); after, only stderr
   * can. */
  if (!ready)
    tong_sync_send_error (x->sync_fd, &child_err);
  else
    fprintf (stderr, "tong: %s\n", child_err.msg);
  _exit (127);
}

/* Enough for libseccomp's compiler and the path buffers on the way to
 * execve; only the pages touched cost anything. */
#define CHILD_STACK_SIZE (1024 * 1024)

/* The child shares our memory and we sleep until it has exec'd or exited,
 * so its stack is ours to free when clone() returns.  A guard page below
 * it turns an overflow into a crash of the child instead of a write into
 * our memory. */
static pid_t
clone_vforked (struct child_ctx *x, struct oci_error *err)
{
  long page = sysconf (_SC_PAGESIZE);
  size_t len = CHILD_STACK_SIZE + (size_t) page;
  char *stack = mmap (NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1,
                      0);
  pid_t pid;

  if (stack == MAP_FAILED)
    return oci_error_set (err, errno, "mmap the child's stack");
  if (mprotect (stack, (size_t) page, PROT_NONE) < 0)
    {
      munmap (stack, len);
      return oci_error_set (err, errno, "mprotect the child's stack guard");
    }
  pid = clone (child_run, stack + len, CLONE_VM | CLONE_VFORK | SIGCHLD, x);
  if (pid < 0)
    pid = oci_error_set (err, errno, "clone");
  munmap (stack, len);
  return pid;
}

static int
ns_index (int flag)
{
  size_t i;

  for (i = 0; i < N_NS; i++)
    if (ns_files[i].flag == flag)
      return (int) i;
  return -1;
}

/* Joins the container's pid namespace for our children ourselves, when
 * that is possible, so that one child suffices (see the top of the file).
 * *own_pid: our own pid namespace, to go back to once that child exists
 * (restore_pid_ns), or -1. */
static bool
join_pid_ns_for_child (int fds[N_NS], int *own_pid)
{
  int pid_fd = fds[ns_index (CLONE_NEWPID)];

  *own_pid = -1;
  /* A time namespace applies at fork, which CLONE_VM does not do. */
  if (fds[ns_index (CLONE_NEWTIME)] >= 0)
    return false;
  if (pid_fd < 0)
    return true;
  *own_pid = open ("/proc/thread-self/ns/pid", O_RDONLY | O_CLOEXEC);
  if (*own_pid < 0)
    return false;
  /* EPERM without rights on the host: the child joins the user namespace
   * first, then the pid namespace, and forks. */
  if (setns (pid_fd, CLONE_NEWPID) == 0)
    return true;
  close (*own_pid);
  *own_pid = -1;
  return false;
}

/* Children we make from here on (a sanitizer's threads at exit among them:
 * LeakSanitizer's tracer, born in the container's pid namespace, could not
 * see us and spun forever) are born in our own pid namespace again. */
static void
restore_pid_ns (int *own_pid)
{
  if (*own_pid < 0)
    return;
  setns (*own_pid, CLONE_NEWPID);
  close (*own_pid);
  *own_pid = -1;
}

int
tong_exec_process (const struct tong_globals *g, const struct tong_container *c, const struct oci_spec *config,
                   const struct oci_spec_process *proc, const struct tong_exec_opts *o, struct oci_error *err)
{
  int fds[N_NS], sv[2] = { -1, -1 };
  cleanup_close int console_fd = -1, tty_ours = -1, master = -1;
  const struct tong_cgroup *cg = o->cg;
  struct child_ctx x;
  struct tong_seccomp *seccomp = NULL;
  int own_pid = -1;
  int64_t value = 0;
  pid_t child, pid;
  int r;

  r = open_namespaces (c, config, fds, err);
  if (r < 0)
    goto out;
  /* Compiled here (or found in the cache): the child only loads it. */
  r = tong_process_compile_seccomp (g, config->linux_, &seccomp, err);
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
  x = (struct child_ctx) { .g = g, .c = c, .sync_fd = sv[1], .peer_fd = sv[0], .fds = fds, .console_fd = console_fd,
                           .config = config, .proc = proc, .o = o, .cg = cg, .seccomp = seccomp };
  x.vforked = join_pid_ns_for_child (fds, &own_pid);
  if (x.vforked)
    {
      /* Returns once the child has exec'd or failed: what it said waits in
       * the socket. */
      pid = clone_vforked (&x, err);
      restore_pid_ns (&own_pid);
      if (pid < 0)
        {
          r = pid;
          goto out;
        }
      close (sv[1]);
      sv[1] = -1;
    }
  else
    {
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
        child_run (&x);
      close (sv[1]);
      sv[1] = -1;
      r = cg ? enter_cgroup (cg, child, o, err) : 0;
      if (r < 0)
        {
          kill (child, SIGKILL);
          waitpid (child, NULL, 0);
          goto out;
        }
      r = tong_sync_send (sv[0], TONG_SYNC_CGROUP_ACK, 0, err);
      if (r < 0)
        goto out;
      r = tong_sync_expect (sv[0], TONG_SYNC_INIT_PID, &value, err);
      waitpid (child, NULL, 0);
      if (r < 0)
        goto out;
      pid = (pid_t) value;
    }
  if (console_fd >= 0)
    {
      close (console_fd);
      console_fd = -1;
    }
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
  tong_seccomp_free (seccomp);
  close_namespaces (fds);
  if (sv[0] >= 0)
    close (sv[0]);
  if (sv[1] >= 0)
    close (sv[1]);
  return r;
}
