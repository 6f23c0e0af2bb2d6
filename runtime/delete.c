/* Removing a container: stop what still runs, run poststop hooks, remove
 * the state directory. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "create.h"
#include "hooks.h"
#include "oci/cleanup.h"
#include "signal-all.h"

static void
wait_gone (const struct tong_container *c)
{
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, (pid_t) c->pid, 0);

  if (pidfd >= 0)
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      while (poll (&p, 1, -1) < 0 && errno == EINTR)
        ;
    }
  /* Reap it if it is ours (run in the foreground), ignore if not. */
  waitpid ((pid_t) c->pid, NULL, WNOHANG);
}

static int
remove_dir (const char *dir, struct oci_error *err)
{
  cleanup_dir DIR *d = opendir (dir);
  struct dirent *de;
  char path[PATH_MAX];

  if (!d)
    return errno == ENOENT ? 0 : oci_error_set (err, errno, "open %s", dir);
  while ((de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      snprintf (path, sizeof path, "%s/%s", dir, de->d_name);
      if (unlink (path) < 0 && errno != ENOENT)
        return oci_error_set (err, errno, "remove %s", path);
    }
  if (rmdir (dir) < 0 && errno != ENOENT)
    return oci_error_set (err, errno, "remove %s", dir);
  return 0;
}

int
tong_destroy_container (const struct tong_globals *g, struct tong_container *c, struct oci_error *err)
{
  cleanup_cgroup struct tong_cgroup *cg = NULL;
  struct oci_spec *spec = NULL;
  int r;

  if (c->cgroup_path && *c->cgroup_path && tong_cgroup_load (c->cgroup_path, &cg, err) < 0)
    return -1;
  if (tong_container_init_alive (c))
    {
      bool frozen = false;
      r = c->own_pid_ns ? (kill ((pid_t) c->pid, SIGKILL) < 0 ? -1 : 0) : tong_signal_all (c, SIGKILL, err);
      if (r < 0 && errno != ESRCH && !oci_error_is_set (err))
        return oci_error_set (err, errno, "kill container \"%s\"", c->id);
      /* A frozen (paused) process takes its SIGKILL only once thawed. */
      if (cg && tong_cgroup_paused (cg, &frozen, err) == 0 && frozen && tong_cgroup_freeze (cg, false, err) < 0)
        return -1;
      oci_error_clear (err);
      wait_gone (c);
    }
  if (c->bundle && tong_load_saved_config (c, &spec, err) == 0)
    {
      if (spec->hooks && spec->hooks->poststop_len)
        {
          cleanup_free char *state = NULL;
          struct oci_error hook_err = { 0 };
          if (tong_hook_state (c->id, "stopped", 0, c->bundle, c->annotations, &state, &hook_err) < 0)
            tong_log_error (g, hook_err.msg);
          else
            tong_hooks_run_warn (g, spec->hooks->poststop, spec->hooks->poststop_len, "poststop", state);
        }
      oci_spec_free (spec);
    }
  oci_error_clear (err);
  if (cg)
    {
      /* Whatever the init left behind in its cgroup goes too. */
      tong_cgroup_kill_all (cg, SIGKILL, err);
      oci_error_clear (err);
      if (tong_cgroup_destroy (cg, err) < 0)
        return -1;
    }
  return remove_dir (c->dir, err);
}
