#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "create.h"
#include "signal-all.h"
#include "signals.h"

int
tong_cmd_kill (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { NULL, 0, NULL, 0 },
  };
  cleanup_container struct tong_container *c = NULL;
  bool all = false;
  enum tong_status st;
  int c_, sig = SIGTERM, r;

  while ((c_ = getopt_long (argc, argv, "a", opts, NULL)) != -1)
    if (c_ == 'a')
      all = true;
    else
      return oci_error_set (err, 0, "kill: unknown option \"%s\"", argv[optind - 1]);
  if (optind != argc - 1 && optind != argc - 2)
    return oci_error_set (err, 0, "kill: usage: tong kill [--all] ID [SIGNAL]");
  if (optind == argc - 2)
    {
      r = tong_signal_parse (argv[optind + 1], &sig, err);
      if (r < 0)
        return r;
    }
  r = tong_container_load (g->root, argv[optind], &c, err);
  if (r < 0)
    return r;
  st = tong_container_status (c);
  /* As runc: --all signals whatever is left in the container's cgroup,
   * which is no error once the init is gone. */
  if (all)
    return tong_signal_all (c, sig, err);
  if (st == TONG_STOPPED)
    return oci_error_set (err, ESRCH, "container \"%s\" is not running", c->id);
  if (kill ((pid_t) c->pid, sig) < 0)
    return oci_error_set (err, errno, "kill container \"%s\" (pid %lld)", c->id, (long long) c->pid);
  return 0;
}
