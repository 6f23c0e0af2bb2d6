/* `tong run`: create and start; in the foreground, forward signals to the
 * init, exit with its status (128+signal when killed), then delete. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "create.h"
#include "oci/cleanup.h"
#include "tty-proxy.h"

int
tong_cmd_run (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  struct tong_create_opts o = { 0 };
  cleanup_container struct tong_container *c = NULL;
  cleanup_close int tty_ours = -1, tty_theirs = -1, master = -1;
  bool detach = false, keep = false;
  int r, status;

  r = tong_parse_create_flags (argc, argv, &o, &detach, &keep, "run", err);
  if (r < 0)
    return r;
  o.foreground = !detach;
  if (!detach)
    prctl (PR_SET_CHILD_SUBREAPER, 1);
  if (!detach && !o.console_socket)
    {
      r = tong_tty_socketpair (&tty_ours, &tty_theirs, err);
      if (r < 0)
        return r;
      o.have_console_fd = true;
      o.console_fd = tty_theirs;
    }
  r = tong_create_container (g, &o, &c, err);
  if (r < 0)
    return r;
  if (c->terminal && tty_ours >= 0)
    {
      r = tong_recv_fd (tty_ours, &master, err);
      if (r < 0)
        {
          struct oci_error ignored = { 0 };
          tong_destroy_container (g, c, &ignored);
          return r;
        }
    }
  r = tong_start_container (g, c, err);
  if (r < 0)
    {
      struct oci_error ignored = { 0 };
      tong_destroy_container (g, c, &ignored);
      return r;
    }
  if (detach)
    return 0;
  status = master >= 0 ? tong_tty_proxy_wait ((pid_t) c->pid, master, err)
                      : tong_wait_forwarding_signals ((pid_t) c->pid, err);
  if (status < 0)
    return status;
  if (!keep)
    {
      r = tong_destroy_container (g, c, err);
      if (r < 0)
        return r;
    }
  return status;
}
