/* Every process of a container: those of its cgroup, or, when it has
 * none (rootless without delegation), those in its pid namespace. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "container.h"
#include "oci/cleanup.h"
#include "signal-all.h"

static bool
same_link (const char *a, const char *b)
{
  char la[128], lb[128];
  ssize_t na = readlink (a, la, sizeof la - 1), nb = readlink (b, lb, sizeof lb - 1);

  if (na < 0 || nb < 0)
    return false;
  la[na] = lb[nb] = '\0';
  return strcmp (la, lb) == 0;
}

int
tong_container_pids (const struct tong_container *c, pid_t **ret, size_t *ret_len, struct oci_error *err)
{
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  char init_ns[64], path[64];
  pid_t *pids = NULL;
  size_t n = 0;

  *ret = NULL;
  *ret_len = 0;
  if (c->cgroup_path && *c->cgroup_path)
    {
      cleanup_cgroup struct tong_cgroup *cg = NULL;
      int r = tong_cgroup_load (c->cgroup_path, &cg, err);
      if (r < 0)
        return r;
      return tong_cgroup_pids (cg, ret, ret_len, err);
    }
  if (!tong_container_init_alive (c))
    return 0;
  snprintf (init_ns, sizeof init_ns, "/proc/%lld/ns/pid", (long long) c->pid);
  if (!c->own_pid_ns)
    {
      pids = malloc (sizeof *pids);
      if (!pids)
        return oci_error_set (err, ENOMEM, "list processes");
      pids[0] = (pid_t) c->pid;
      *ret = pids;
      *ret_len = 1;
      return 0;
    }
  d = opendir ("/proc");
  if (!d)
    return oci_error_set (err, errno, "open /proc");
  while ((de = readdir (d)))
    {
      char *end;
      long pid = strtol (de->d_name, &end, 10);
      pid_t *np;
      if (*end || pid <= 0)
        continue;
      snprintf (path, sizeof path, "/proc/%ld/ns/pid", pid);
      if (!same_link (path, init_ns))
        continue;
      np = realloc (pids, (n + 1) * sizeof *pids);
      if (!np)
        {
          free (pids);
          return oci_error_set (err, ENOMEM, "list processes");
        }
      pids = np;
      pids[n++] = (pid_t) pid;
    }
  *ret = pids;
  *ret_len = n;
  return 0;
}

int
tong_signal_all (const struct tong_container *c, int sig, struct oci_error *err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n, i;
  int r;

  if (c->cgroup_path && *c->cgroup_path)
    {
      cleanup_cgroup struct tong_cgroup *cg = NULL;
      r = tong_cgroup_load (c->cgroup_path, &cg, err);
      if (r < 0)
        return r;
      return tong_cgroup_kill_all (cg, sig, err);
    }

  r = tong_container_pids (c, &pids, &n, err);
  if (r < 0)
    return r;
  for (i = 0; i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      return oci_error_set (err, errno, "kill %d", pids[i]);
  return 0;
}
