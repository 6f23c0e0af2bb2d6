#include "create.h"

int
tong_cmd_start (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  cleanup_container struct tong_container *c = NULL;
  int r;

  if (argc != 2)
    return oci_error_set (err, 0, "start: expected exactly one container id (usage: tong start ID)");
  r = tong_container_load (g->root, argv[1], &c, err);
  if (r < 0)
    return r;
  return tong_start_container (g, c, err);
}
