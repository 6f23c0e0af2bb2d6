/* `tong pause ID` / `tong resume ID`: the freezer (v1 freezer.state, v2
 * cgroup.freeze). */
#include <errno.h>
#include <stdlib.h>

#include "cgroup-cmd.h"
#include "oci/cleanup.h"

int
tong_load_with_cgroup (const struct tong_globals *g, const char *id, struct tong_container **ret_c,
                       struct tong_cgroup **ret_cg, struct oci_error *err)
{
  cleanup_container struct tong_container *c = NULL;
  int r;

  r = tong_container_load (g->root, id, &c, err);
  if (r < 0)
    return r;
  if (!c->cgroup_path || !*c->cgroup_path)
    return oci_error_set_code (err, ENOTSUP, "container \"%s\" has no cgroup of its own", id);
  r = tong_cgroup_load (c->cgroup_path, ret_cg, err);
  if (r < 0)
    return r;
  *ret_c = oci_steal (c);
  return 0;
}

static int
freeze (const struct tong_globals *g, int argc, char **argv, bool on, struct oci_error *err)
{
  cleanup_container struct tong_container *c = NULL;
  cleanup_cgroup struct tong_cgroup *cg = NULL;
  enum tong_status st;
  int r;

  if (argc != 2)
    return oci_error_set (err, 0, "%s: usage: tong %s ID", argv[0], argv[0]);
  r = tong_load_with_cgroup (g, argv[1], &c, &cg, err);
  if (r < 0)
    return r;
  st = tong_container_status (c);
  if (on && st != TONG_RUNNING && st != TONG_CREATED)
    return oci_error_set_code (err, EINVAL, "container \"%s\" is %s, not running", c->id, tong_status_name (st));
  if (!on && st != TONG_PAUSED)
    return oci_error_set_code (err, EINVAL, "container \"%s\" is %s, not paused", c->id, tong_status_name (st));
  return tong_cgroup_freeze (cg, on, err);
}

int
tong_cmd_pause (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  return freeze (g, argc, argv, true, err);
}

int
tong_cmd_resume (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  return freeze (g, argc, argv, false, err);
}
