#include <stdio.h>
#include <stdlib.h>

#include "create.h"
#include "oci/json.h"

int
tong_cmd_state (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  cleanup_container struct tong_container *c = NULL;
  char *text = NULL;
  int r;

  if (argc != 2)
    return oci_error_set (err, 0, "state: expected exactly one container id (usage: tong state ID)");
  r = tong_container_load (g->root, argv[1], &c, err);
  if (r < 0)
    return r;
  r = tong_container_state_json (c, OCI_JSON_PRETTY, &text, err);
  if (r < 0)
    return r;
  printf ("%s\n", text);
  free (text);
  return 0;
}
