/* The container's cgroup: which hierarchies exist (mountinfo and
 * /proc/self/cgroup), where the cgroup lives in each (runc's cgroupsPath
 * rules, see cgroup.h), creating it, applying resources through the v1 or
 * v2 code, joining, and removing only what was created here. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "oci/cleanup.h"

/* ---- hierarchies ------------------------------------------------------- */

struct mount_entry {
  char *mountpoint, *root, *fstype, *super;
};

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape (char *s)
{
  char *w = s;
  for (; *s; s++)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7')
        {
          *w++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
          s += 3;
        }
      else
        *w++ = *s;
    }
  *w = '\0';
}

static void
mounts_free_one (struct mount_entry *m)
{
  free (m->mountpoint);
  free (m->root);
  free (m->fstype);
  free (m->super);
}

static void
mounts_free (struct mount_entry *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    mounts_free_one (&m[i]);
  free (m);
}

/* The cgroup and cgroup2 mounts, in mountinfo order. */
static int
cgroup_mounts (struct mount_entry **ret, size_t *ret_len, struct oci_error *err)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  struct mount_entry *v = NULL;
  size_t cap = 0, n = 0;

  if (!f)
    return oci_error_set (err, errno, "open /proc/self/mountinfo");
  while (getline (&line, &cap, f) > 0)
    {
      char *fields[6], *save = NULL, *tok, *sep, *fstype, *source, *super;
      struct mount_entry *nv;
      int i = 0;

      line[strcspn (line, "\n")] = '\0';
      sep = strstr (line, " - ");
      if (!sep)
        continue;
      *sep = '\0';
      fstype = strtok_r (sep + 3, " ", &save);
      source = fstype ? strtok_r (NULL, " ", &save) : NULL;
      super = source ? strtok_r (NULL, " ", &save) : NULL;
      save = NULL;
      for (tok = strtok_r (line, " ", &save); tok && i < 6; tok = strtok_r (NULL, " ", &save))
        fields[i++] = tok;
      if (i < 6)
        continue;
      unescape (fields[4]);
      /* A later mount on or above a cgroup mount hides it (a tmpfs over
       * /sys/fs/cgroup/unified, say): forget what it covers. */
      for (size_t k = 0; k < n;)
        {
          size_t len = strlen (fields[4]);
          if (strncmp (v[k].mountpoint, fields[4], len) == 0
              && (v[k].mountpoint[len] == '\0' || v[k].mountpoint[len] == '/'))
            {
              struct mount_entry gone = v[k];
              mounts_free_one (&gone);
              memmove (&v[k], &v[k + 1], (n - k - 1) * sizeof *v);
              n--;
            }
          else
            k++;
        }
      if (!super || (strcmp (fstype, "cgroup") != 0 && strcmp (fstype, "cgroup2") != 0))
        continue;
      nv = realloc (v, (n + 1) * sizeof *v);
      if (!nv)
        {
          mounts_free (v, n);
          return oci_error_set (err, ENOMEM, "read /proc/self/mountinfo");
        }
      v = nv;
      unescape (fields[3]);
      v[n].root = strdup (fields[3]);
      v[n].mountpoint = strdup (fields[4]);
      v[n].fstype = strdup (fstype);
      v[n].super = strdup (super);
      n++;
      if (!v[n - 1].root || !v[n - 1].mountpoint || !v[n - 1].fstype || !v[n - 1].super)
        {
          mounts_free (v, n);
          return oci_error_set (err, ENOMEM, "read /proc/self/mountinfo");
        }
    }
  *ret = v;
  *ret_len = n;
  return 0;
}

/* Every name of the comma-separated `ctrls` is among the mount's options. */
static bool
mount_carries (const char *super, const char *ctrls)
{
  const char *c = ctrls;

  while (*c)
    {
      size_t n = strcspn (c, ",");
      const char *o = super;
      bool found = false;
      while (*o && !found)
        {
          size_t m = strcspn (o, ",");
          found = m == n && strncmp (o, c, n) == 0;
          o += m;
          if (*o)
            o++;
        }
      if (!found)
        return false;
      c += n;
      if (*c)
        c++;
    }
  return true;
}

struct discovered {
  char *key, *mountpoint, *mount_root, *own;
  bool v2;
};

static void
discovered_free (struct discovered *d, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (d[i].key);
      free (d[i].mountpoint);
      free (d[i].mount_root);
      free (d[i].own);
    }
  free (d);
}

/* The hierarchies this process is in that are mounted, and the mode. */
static int
discover (struct discovered **ret, size_t *ret_len, enum tong_cg_mode *ret_mode, struct oci_error *err)
{
  struct mount_entry *mounts = NULL;
  size_t nmounts = 0, n = 0;
  struct discovered *v = NULL;
  cleanup_fclose FILE *f = NULL;
  cleanup_free char *line = NULL;
  size_t cap = 0;
  bool has_v1 = false, has_v2 = false;
  int r;

  r = cgroup_mounts (&mounts, &nmounts, err);
  if (r < 0)
    return r;
  f = fopen ("/proc/self/cgroup", "re");
  if (!f)
    {
      mounts_free (mounts, nmounts);
      return oci_error_set (err, errno, "open /proc/self/cgroup");
    }
  while (getline (&line, &cap, f) > 0)
    {
      char *ctrls = strchr (line, ':'), *path;
      const struct mount_entry *m = NULL;
      bool v2;
      struct discovered *nv;

      if (!ctrls)
        continue;
      *ctrls++ = '\0';
      path = strchr (ctrls, ':');
      if (!path)
        continue;
      *path++ = '\0';
      path[strcspn (path, "\n")] = '\0';
      v2 = *ctrls == '\0' && strcmp (line, "0") == 0;
      if (*ctrls == '\0' && !v2)
        continue;
      for (size_t i = 0; i < nmounts && !m; i++)
        {
          if (v2 && strcmp (mounts[i].fstype, "cgroup2") == 0)
            m = &mounts[i];
          else if (!v2 && strcmp (mounts[i].fstype, "cgroup") == 0 && mount_carries (mounts[i].super, ctrls))
            m = &mounts[i];
        }
      if (!m)
        continue;
      nv = realloc (v, (n + 1) * sizeof *v);
      if (!nv)
        goto enomem;
      v = nv;
      memset (&v[n], 0, sizeof v[n]);
      n++;
      v[n - 1].v2 = v2;
      v[n - 1].key = strdup (v2 ? "unified" : ctrls);
      v[n - 1].mountpoint = strdup (m->mountpoint);
      v[n - 1].mount_root = strdup (m->root);
      v[n - 1].own = strdup (path);
      if (!v[n - 1].key || !v[n - 1].mountpoint || !v[n - 1].mount_root || !v[n - 1].own)
        goto enomem;
      if (v2)
        has_v2 = true;
      else
        has_v1 = true;
    }
  mounts_free (mounts, nmounts);
  if (n == 0)
    {
      free (v);
      return oci_error_set_code (err, ENOTSUP, "cgroup: no cgroup hierarchy is mounted");
    }
  *ret_mode = has_v1 ? (has_v2 ? TONG_CG_HYBRID : TONG_CG_LEGACY) : TONG_CG_UNIFIED;
  *ret = v;
  *ret_len = n;
  return 0;

enomem:
  mounts_free (mounts, nmounts);
  discovered_free (v, n);
  return oci_error_set (err, ENOMEM, "cgroup: read /proc/self/cgroup");
}

static char *
join (const char *a, const char *b)
{
  size_t n = strlen (a) + strlen (b) + 1;
  char *s = malloc (n);
  if (s)
    snprintf (s, n, "%s%s", a, strcmp (b, "/") == 0 ? "" : b);
  return s;
}

const char *
tong_cg_v1_dir (const struct tong_cgroup *cg, unsigned ctrl)
{
  for (size_t i = 0; i < cg->n; i++)
    if (!cg->h[i].v2 && (cg->h[i].ctrls & ctrl))
      return cg->h[i].dir;
  return NULL;
}

const char *
tong_cg_v2_dir (const struct tong_cgroup *cg)
{
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].v2)
      return cg->h[i].dir;
  return NULL;
}

unsigned
tong_cg_v2_controllers (const struct tong_cgroup *cg)
{
  const char *dir = tong_cg_v2_dir (cg);
  cleanup_free char *text = NULL;
  struct oci_error ignored = { 0 };

  if (!dir || tong_cg_read (dir, "cgroup.controllers", &text, &ignored) < 0)
    return 0;
  return tong_cg_controller_bits (text);
}

void
tong_cgroup_free (struct tong_cgroup *cg)
{
  if (!cg)
    return;
  for (size_t i = 0; i < cg->n; i++)
    {
      free (cg->h[i].key);
      free (cg->h[i].mountpoint);
      free (cg->h[i].rel);
      free (cg->h[i].dir);
      free (cg->h[i].top_created);
    }
  free (cg->h);
  free (cg->saved);
  if (cg->v2_fd >= 0)
    close (cg->v2_fd);
  free (cg);
}

void
tong_cgroup_freep (struct tong_cgroup **cg)
{
  tong_cgroup_free (*cg);
}

/* Fills cg->h from the discovered hierarchies, with rel computed by `rel_of`. */
static int
new_cgroup (struct tong_cgroup **ret, size_t n, struct oci_error *err)
{
  struct tong_cgroup *cg = calloc (1, sizeof *cg);

  if (!cg || !(cg->h = calloc (n ? n : 1, sizeof *cg->h)))
    {
      free (cg);
      return oci_error_set (err, ENOMEM, "cgroup");
    }
  cg->v2_fd = -1;
  *ret = cg;
  return 0;
}

static int
add_hier (struct tong_cgroup *cg, const struct discovered *d, const char *rel, bool created, struct oci_error *err)
{
  struct tong_cg_hier *h = &cg->h[cg->n];

  h->key = strdup (d->key);
  h->mountpoint = strdup (d->mountpoint);
  h->rel = strdup (rel);
  h->v2 = d->v2;
  h->ctrls = d->v2 ? 0 : tong_cg_controller_bits (d->key);
  h->created = created;
  cg->n++;
  if (!h->key || !h->mountpoint || !h->rel || !(h->dir = join (h->mountpoint, h->rel)))
    return oci_error_set (err, ENOMEM, "cgroup");
  return 0;
}

/* ---- creation ---------------------------------------------------------- */

bool
tong_cg_in_userns (void)
{
  char buf[128] = "";
  unsigned long a, b, c;
  FILE *f = fopen ("/proc/self/uid_map", "re");

  if (!f)
    return false;
  if (!fgets (buf, sizeof buf, f))
    buf[0] = '\0';
  fclose (f);
  return !(sscanf (buf, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 && c == 4294967295UL);
}

bool
tong_cg_rootless (void)
{
  return geteuid () != 0 || tong_cg_in_userns ();
}

/* mkdir of every component of h->rel under the mountpoint; records what was
 * made.  v1 cpuset directories get cpus/mems from their parent; on a
 * v2-only host each ancestor enables its controllers for the next level. */
static int
make_dirs (struct tong_cg_hier *h, enum tong_cg_mode mode, struct oci_error *err)
{
  char path[PATH_MAX];
  size_t base = strlen (h->mountpoint);
  const char *p = h->rel;

  if (base + strlen (h->rel) >= sizeof path)
    return oci_error_set (err, ENAMETOOLONG, "mkdir %s%s", h->mountpoint, h->rel);
  memcpy (path, h->mountpoint, base + 1);
  while (*p)
    {
      size_t len;
      bool leaf;
      while (*p == '/')
        p++;
      len = strcspn (p, "/");
      if (len == 0)
        break;
      if (h->v2 && mode == TONG_CG_UNIFIED)
        tong_cg_v2_enable_in (path);
      memcpy (path + base, "/", 1);
      memcpy (path + base + 1, p, len);
      base += len + 1;
      path[base] = '\0';
      p += len;
      leaf = p[strspn (p, "/")] == '\0';
      if (mkdir (path, 0755) == 0)
        {
          if (!h->top_created && !(h->top_created = strdup (path)))
            return oci_error_set (err, ENOMEM, "mkdir %s", path);
          if (leaf)
            h->created = true;
          if (h->ctrls & TONG_CG_CPUSET)
            {
              int r = tong_cg_v1_cpuset_copy_parent (path, err);
              if (r < 0)
                return r;
            }
        }
      else if (errno != EEXIST)
        return oci_error_set (err, errno, "mkdir %s", path);
      else if (h->ctrls & TONG_CG_CPUSET)
        {
          /* An existing level with an empty cpuset (a pod cgroup someone
           * made for the cpu controller only, say) leaves every cgroup
           * below it unjoinable: fill it from its parent, as runc does.
           * Only empty files are written. */
          int r = tong_cg_v1_cpuset_copy_parent (path, err);
          if (r < 0)
            return r;
        }
    }
  return 0;
}

/* Undoes make_dirs: the leaf, then each parent up to the outermost made. */
static void
rollback_one (struct tong_cg_hier *h)
{
  char path[PATH_MAX];
  size_t top;

  if (!h->top_created || strlen (h->dir) >= sizeof path)
    return;
  top = strlen (h->top_created);
  snprintf (path, sizeof path, "%s", h->dir);
  while (strlen (path) >= top)
    {
      char *slash;
      if (rmdir (path) < 0 && errno != ENOENT)
        break;
      slash = strrchr (path, '/');
      if (!slash)
        break;
      *slash = '\0';
    }
  free (h->top_created);
  h->top_created = NULL;
  h->created = false;
}

static void
rollback (struct tong_cgroup *cg)
{
  if (cg->v2_fd >= 0)
    {
      close (cg->v2_fd);
      cg->v2_fd = -1;
    }
  for (size_t i = 0; i < cg->n; i++)
    rollback_one (&cg->h[i]);
}

static void
drop_hier (struct tong_cgroup *cg, size_t i)
{
  struct tong_cg_hier *h = &cg->h[i];

  rollback_one (h);
  free (h->key);
  free (h->mountpoint);
  free (h->rel);
  free (h->dir);
  memmove (h, h + 1, (cg->n - i - 1) * sizeof *h);
  cg->n--;
}

static int
systemd_driver (const char *cgroups_path, struct oci_error *err)
{
  if (cgroups_path && *cgroups_path)
    {
      const char *a = strchr (cgroups_path, ':');
      const char *b = a ? strchr (a + 1, ':') : NULL;
      if (!b || strchr (b + 1, ':'))
        return oci_error_set_code (err, EINVAL,
                                   "linux.cgroupsPath: expected \"slice:prefix:name\" for systemd cgroups, got "
                                   "\"%s\"",
                                   cgroups_path);
    }
  if (access ("/run/systemd/system", F_OK) < 0)
    return oci_error_set_code (err, ENOTSUP, "systemd cgroup driver: systemd is not running");
  return oci_error_set_code (err, ENOTSUP, "systemd cgroup driver: not supported by tong yet (run without "
                                           "--systemd-cgroup)");
}

int
tong_cgroup_setup (const char *cgroups_path, const char *id, const struct oci_spec_resources *res, bool systemd,
                   struct tong_cgroup **ret, struct oci_error *err)
{
  cleanup_free char *inner = NULL;
  struct discovered *d = NULL;
  struct tong_cgroup *cg = NULL;
  enum tong_cg_mode mode;
  size_t nd = 0;
  int r;

  if (systemd)
    return systemd_driver (cgroups_path, err);
  r = tong_cg_inner_path (cgroups_path, id, &inner, err);
  if (r < 0)
    return r;
  r = discover (&d, &nd, &mode, err);
  if (r < 0)
    return r;
  r = new_cgroup (&cg, nd, err);
  if (r < 0)
    goto out;
  cg->mode = mode;
  for (size_t i = 0; i < nd; i++)
    {
      cleanup_free char *rel = NULL;
      r = tong_cg_resolve (inner, d[i].mount_root, d[i].own, d[i].v2 && mode == TONG_CG_UNIFIED, &rel, err);
      if (r < 0)
        goto fail;
      r = add_hier (cg, &d[i], rel, false, err);
      if (r < 0)
        goto fail;
    }
  /* runc refuses `unified` unless the host is pure cgroup v2: on a hybrid
   * host the controllers it names live in v1 hierarchies. */
  if (res && res->unified && res->unified->len && mode != TONG_CG_UNIFIED)
    {
      r = oci_error_set_code (err, EINVAL, "invalid configuration: linux.resources.unified needs a pure cgroup v2 "
                                           "host, and this one has cgroup v1 hierarchies");
      goto fail;
    }
  for (size_t i = 0; i < cg->n;)
    {
      r = make_dirs (&cg->h[i], mode, err);
      /* As runc: unprivileged and without a cgroupsPath, the container
       * stays where the runtime is in the hierarchies it cannot write;
       * a limit that needs one of them is then refused by name. */
      if ((r == -EACCES || r == -EPERM || r == -EROFS) && (!cgroups_path || !*cgroups_path) && tong_cg_rootless ())
        {
          oci_error_clear (err);
          drop_hier (cg, i);
          continue;
        }
      if (r < 0)
        {
          oci_error_wrap (err, "cgroup");
          goto fail;
        }
      if (cg->h[i].v2)
        {
          cg->v2_fd = open (cg->h[i].dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
          if (cg->v2_fd < 0)
            {
              r = oci_error_set (err, errno, "cgroup: open %s", cg->h[i].dir);
              goto fail;
            }
          if (mode == TONG_CG_UNIFIED && (r = tong_cg_v2_check_type (cg->h[i].dir, res, err)) < 0)
            goto fail;
        }
      i++;
    }
  r = tong_cg_apply_resources (cg, res, false, err);
  if (r < 0)
    goto fail;
  r = tong_cg_apply_devices (cg, res, err);
  if (r < 0)
    goto fail;
  cg->saved = tong_cg_format_saved (cg);
  if (!cg->saved)
    {
      r = oci_error_set (err, ENOMEM, "cgroup");
      goto fail;
    }
  for (size_t i = 0; i < cg->n; i++)
    {
      free (cg->h[i].top_created);
      cg->h[i].top_created = NULL;
    }
  *ret = cg;
  cg = NULL;
  r = 0;
  goto out;

fail:
  rollback (cg);
out:
  tong_cgroup_free (cg);
  discovered_free (d, nd);
  return r;
}

pid_t
tong_cg_shown_pid (pid_t pid)
{
  char buf[24];
  ssize_t n;

  if (pid != 0)
    return pid;
  n = readlink ("/proc/self", buf, sizeof buf - 1);
  if (n <= 0)
    return getpid ();
  buf[n] = '\0';
  return (pid_t) atoi (buf);
}

static int
enter (const struct tong_cgroup *cg, pid_t pid, bool skip_v2, struct oci_error *err)
{
  char path[PATH_MAX], value[24];
  int len = snprintf (value, sizeof value, "%d", (int) pid);

  for (size_t i = 0; i < cg->n; i++)
    {
      int fd, tries;
      ssize_t w = -1;

      if (skip_v2 && cg->h[i].v2)
        continue;

      if ((size_t) snprintf (path, sizeof path, "%s/cgroup.procs", cg->h[i].dir) >= sizeof path)
        return oci_error_set (err, ENAMETOOLONG, "cgroup: join %s", cg->h[i].dir);
      fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        return oci_error_set (err, errno, "cgroup: join %s", cg->h[i].dir);
      /* EINVAL: the task may still be in TASK_NEW (runc retries too). */
      for (tries = 0; tries < 5; tries++)
        {
          w = write (fd, value, (size_t) len);
          if (w >= 0 || errno != EINVAL)
            break;
          nanosleep (&(struct timespec) { 0, 30 * 1000 * 1000 }, NULL);
        }
      if (w < 0)
        {
          int e = errno;
          close (fd);
          return oci_error_set (err, e, "cgroup: write %d to %s", (int) tong_cg_shown_pid (pid), path);
        }
      close (fd);
    }
  return 0;
}

int
tong_cgroup_enter (const struct tong_cgroup *cg, pid_t pid, struct oci_error *err)
{
  return enter (cg, pid, false, err);
}

int
tong_cgroup_enter_v1 (const struct tong_cgroup *cg, pid_t pid, struct oci_error *err)
{
  return enter (cg, pid, true, err);
}

bool
tong_cgroup_preexisting (const struct tong_cgroup *cg)
{
  for (size_t i = 0; i < cg->n; i++)
    if (!cg->h[i].created)
      return true;
  return false;
}

int
tong_cgroup_v2_dirfd (const struct tong_cgroup *cg)
{
  return cg->v2_fd;
}

const char *
tong_cgroup_path (const struct tong_cgroup *cg)
{
  return cg->saved;
}

int
tong_cgroup_load (const char *path, struct tong_cgroup **ret, struct oci_error *err)
{
  cleanup_free char *all = NULL;
  struct tong_cg_saved_entry *e = NULL;
  struct discovered *d = NULL;
  struct tong_cgroup *cg = NULL;
  enum tong_cg_mode mode;
  size_t ne = 0, nd = 0;
  int r;

  r = tong_cg_parse_saved (path, &all, &e, &ne, err);
  if (r < 0)
    return r;
  r = discover (&d, &nd, &mode, err);
  if (r < 0)
    goto out;
  r = new_cgroup (&cg, nd, err);
  if (r < 0)
    goto out;
  cg->mode = mode;
  for (size_t i = 0; i < nd && r == 0; i++)
    {
      if (all)
        r = add_hier (cg, &d[i], all, true, err);
      else
        for (size_t j = 0; j < ne; j++)
          if (strcmp (e[j].key, d[i].key) == 0)
            {
              r = add_hier (cg, &d[i], e[j].rel, e[j].created, err);
              break;
            }
    }
  if (r < 0)
    goto out;
  cg->saved = strdup (path ? path : "");
  if (!cg->saved)
    {
      r = oci_error_set (err, ENOMEM, "cgroup");
      goto out;
    }
  if (tong_cg_v2_dir (cg))
    cg->v2_fd = open (tong_cg_v2_dir (cg), O_PATH | O_DIRECTORY | O_CLOEXEC);
  *ret = cg;
  cg = NULL;
out:
  tong_cgroup_free (cg);
  discovered_free (d, nd);
  tong_cg_saved_entries_free (e, ne);
  return r;
}

int
tong_cgroup_update (const struct tong_cgroup *cg, const struct oci_spec_resources *res, struct oci_error *err)
{
  return tong_cg_apply_resources (cg, res, true, err);
}

/* rmdir of dir and, first, of the sub-cgroups the container made in it. */
static int
remove_tree (const char *dir, int depth, struct oci_error *err)
{
  cleanup_dir DIR *d = NULL;
  struct dirent *de;

  if (rmdir (dir) == 0 || errno == ENOENT)
    return 0;
  if (depth > 32 || (errno != EBUSY && errno != ENOTEMPTY))
    return oci_error_set (err, errno, "rmdir %s", dir);
  d = opendir (dir);
  if (!d)
    return errno == ENOENT ? 0 : oci_error_set (err, errno, "open %s", dir);
  while ((de = readdir (d)))
    {
      char sub[PATH_MAX];
      int r;
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if ((size_t) snprintf (sub, sizeof sub, "%s/%s", dir, de->d_name) >= sizeof sub)
        return oci_error_set (err, ENAMETOOLONG, "rmdir %s/%s", dir, de->d_name);
      r = remove_tree (sub, depth + 1, err);
      if (r < 0)
        return r;
    }
  if (rmdir (dir) == 0 || errno == ENOENT)
    return 0;
  return oci_error_set (err, errno, "rmdir %s", dir);
}

int
tong_cgroup_destroy (struct tong_cgroup *cg, struct oci_error *err)
{
  long delay_ms = 10;
  int r = 0;

  if (cg->v2_fd >= 0)
    {
      close (cg->v2_fd);
      cg->v2_fd = -1;
    }
  /* Processes leave their cgroups a little after they die: retry. */
  for (int attempt = 0; attempt < 6; attempt++)
    {
      r = 0;
      for (size_t i = 0; i < cg->n; i++)
        if (cg->h[i].created)
          {
            int ri = remove_tree (cg->h[i].dir, 0, err);
            if (ri < 0 && r == 0)
              r = ri;
          }
      if (r == 0)
        return 0;
      nanosleep (&(struct timespec) { delay_ms / 1000, (delay_ms % 1000) * 1000000L }, NULL);
      delay_ms *= 2;
    }
  return oci_error_wrap (err, "cgroup: delete");
}
