/* What runs in the container's cgroup: listing, signalling, freezing,
 * statistics. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "oci/cleanup.h"

/* The directory whose cgroup.procs lists the container's processes. */
static const char *
procs_dir (const struct tong_cgroup *cg)
{
  static const unsigned prefer[] = { TONG_CG_FREEZER, TONG_CG_PIDS, TONG_CG_DEVICES, TONG_CG_MEMORY };
  const char *d;

  if (cg->mode == TONG_CG_UNIFIED)
    return tong_cg_v2_dir (cg);
  for (size_t i = 0; i < sizeof prefer / sizeof *prefer; i++)
    if ((d = tong_cg_v1_dir (cg, prefer[i])))
      return d;
  for (size_t i = 0; i < cg->n; i++)
    if (!cg->h[i].v2)
      return cg->h[i].dir;
  return tong_cg_v2_dir (cg);
}

struct pid_list {
  pid_t *v;
  size_t n;
};

static int
collect (int dfd, const char *path, int depth, struct pid_list *l, struct oci_error *err)
{
  cleanup_close int pfd = -1;
  cleanup_fclose FILE *f = NULL;
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  long pid;
  int fd;

  if (depth > 64)
    return oci_error_set_code (err, ELOOP, "list processes of %s: cgroups nested too deep", path);
  pfd = openat (dfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
  if (pfd < 0)
    return oci_error_set (err, errno, "read %s/cgroup.procs", path);
  f = fdopen (pfd, "re");
  if (!f)
    return oci_error_set (err, errno, "read %s/cgroup.procs", path);
  pfd = -1;
  while (fscanf (f, "%ld", &pid) == 1)
    {
      pid_t *nv = realloc (l->v, (l->n + 1) * sizeof *nv);
      if (!nv)
        return oci_error_set (err, ENOMEM, "list processes");
      l->v = nv;
      l->v[l->n++] = (pid_t) pid;
    }
  fd = openat (dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || !(d = fdopendir (fd)))
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      return oci_error_set (err, e, "open %s", path);
    }
  while ((de = readdir (d)))
    {
      cleanup_close int sub = -1;
      char subpath[4096];
      int r;
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      sub = openat (dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (sub < 0 && errno == ENOENT)
        continue;
      snprintf (subpath, sizeof subpath, "%s/%s", path, de->d_name);
      if (sub < 0)
        return oci_error_set (err, errno, "open %s", subpath);
      r = collect (sub, subpath, depth + 1, l, err);
      if (r < 0)
        return r;
    }
  return 0;
}

int
tong_cgroup_pids (const struct tong_cgroup *cg, pid_t **ret, size_t *ret_len, struct oci_error *err)
{
  const char *dir = procs_dir (cg);
  struct pid_list l = { NULL, 0 };
  cleanup_close int dfd = -1;
  int r;

  *ret = NULL;
  *ret_len = 0;
  if (!dir)
    return 0;
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return errno == ENOENT ? 0 : oci_error_set (err, errno, "open %s", dir);
  r = collect (dfd, dir, 0, &l, err);
  if (r < 0)
    {
      free (l.v);
      return r;
    }
  *ret = l.v;
  *ret_len = l.n;
  return 0;
}

/* v1 freezer where mounted, else cgroup.freeze of the v2 cgroup. */
static const char *
freezer (const struct tong_cgroup *cg, bool *v2)
{
  const char *d = cg->mode == TONG_CG_UNIFIED ? NULL : tong_cg_v1_dir (cg, TONG_CG_FREEZER);
  *v2 = d == NULL;
  return d ? d : tong_cg_v2_dir (cg);
}

int
tong_cgroup_freeze (const struct tong_cgroup *cg, bool freeze, struct oci_error *err)
{
  bool v2;
  const char *d = freezer (cg, &v2);

  if (!d)
    return oci_error_set_code (err, ENOTSUP, "%s: no freezer cgroup", freeze ? "pause" : "resume");
  return v2 ? tong_cg_v2_freeze (d, freeze, err) : tong_cg_v1_freeze (d, freeze, err);
}

int
tong_cgroup_paused (const struct tong_cgroup *cg, bool *ret, struct oci_error *err)
{
  bool v2;
  const char *d = freezer (cg, &v2);

  *ret = false;
  if (!d || access (d, F_OK) < 0)
    return 0;
  return v2 ? tong_cg_v2_frozen (d, ret, err) : tong_cg_v1_frozen (d, ret, err);
}

int
tong_cgroup_kill_all (const struct tong_cgroup *cg, int sig, struct oci_error *err)
{
  cleanup_free pid_t *pids = NULL;
  struct oci_error ignored = { 0 };
  const char *v2 = tong_cg_v2_dir (cg);
  bool was_frozen = false, froze;
  size_t n = 0;
  int r;

  /* cgroup.kill (5.14) kills the whole subtree atomically, forks included. */
  if (sig == SIGKILL && v2 && tong_cg_exists (v2, "cgroup.kill"))
    return tong_cg_write (v2, "cgroup.kill", "1", err);
  /* An empty cgroup (the usual case at delete: the init is gone) needs no
   * freezing, which costs milliseconds on v1. */
  r = tong_cgroup_pids (cg, &pids, &n, err);
  if (r < 0 || n == 0)
    return r;
  free (pids);
  pids = NULL;
  /* Frozen, nothing can fork between listing and signalling.  Without a
   * freezer, signal anyway (runc only warns). */
  tong_cgroup_paused (cg, &was_frozen, &ignored);
  froze = tong_cgroup_freeze (cg, true, &ignored) == 0;
  r = tong_cgroup_pids (cg, &pids, &n, err);
  for (size_t i = 0; r == 0 && i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      r = oci_error_set (err, errno, "kill %d", (int) pids[i]);
  /* A paused container stays paused, unless it is being killed. */
  if (froze && (sig == SIGKILL || !was_frozen))
    tong_cgroup_freeze (cg, false, &ignored);
  return r;
}

int
tong_cgroup_stats (const struct tong_cgroup *cg, struct oci_json_writer *w, struct oci_error *err)
{
  struct tong_cg_stats s;
  const char *v2 = tong_cg_v2_dir (cg);
  unsigned missing = TONG_CG_CPU | TONG_CG_MEMORY | TONG_CG_PIDS | TONG_CG_BLKIO | TONG_CG_HUGETLB;
  int r = 0;

  memset (&s, 0, sizeof s);
  if (cg->mode != TONG_CG_UNIFIED)
    {
      r = tong_cg_v1_stats (cg, &s, err);
      for (size_t i = 0; i < cg->n; i++)
        if (!cg->h[i].v2)
          missing &= ~cg->h[i].ctrls;
    }
  /* On a hybrid host, what v1 lacks may be in the unified cgroup. */
  if (r == 0 && v2 && missing && access (v2, F_OK) == 0)
    r = tong_cg_v2_stats (v2, missing, &s, err);
  if (r == 0)
    tong_stats_write (&s, w);
  tong_stats_free (&s);
  return r;
}

int
tong_cgroup_oom_kills (const struct tong_cgroup *cg, uint64_t *ret, struct oci_error *err)
{
  const char *d = cg->mode == TONG_CG_UNIFIED ? NULL : tong_cg_v1_dir (cg, TONG_CG_MEMORY);
  const char *file = "memory.oom_control";
  int r;

  *ret = 0;
  if (!d)
    {
      d = tong_cg_v2_dir (cg);
      file = "memory.events";
      if (!d || !tong_cg_exists (d, file))
        return 0;
    }
  r = tong_cg_read_key_u64 (d, file, "oom_kill", ret, err);
  if (r == -ENOENT)
    {
      oci_error_clear (err);
      *ret = 0;
      return 0;
    }
  return r;
}
