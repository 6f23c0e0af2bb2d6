#include <errno.h>
#include <getopt.h>

#include "create.h"

int
tong_cmd_delete (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  cleanup_container struct tong_container *c = NULL;
  bool force = false;
  enum tong_status st;
  int opt, r;

  while ((opt = getopt_long (argc, argv, "f", opts, NULL)) != -1)
    if (opt == 'f')
      force = true;
    else
      return oci_error_set (err, 0, "delete: unknown option \"%s\"", argv[optind - 1]);
  if (optind != argc - 1)
    return oci_error_set (err, 0, "delete: usage: tong delete [--force] ID");
  r = tong_container_load (g->root, argv[optind], &c, err);
  if (r < 0)
    {
      /* runc: deleting what is not there is fine when forced; containerd
       * relies on it in its cleanup. */
      if (force && err->errnum == ENOENT)
        {
          oci_error_clear (err);
          return 0;
        }
      return r;
    }
  st = tong_container_status (c);
  if ((st == TONG_RUNNING || st == TONG_PAUSED) && !force)
    return oci_error_set (err, 0, "cannot delete container \"%s\" that is not stopped: %s", c->id,
                          tong_status_name (st));
  return tong_destroy_container (g, c, err);
}
