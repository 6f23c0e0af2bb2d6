/* The pure parts of the cgroup module: controller names, runc's
 * cgroupsPath rules (see cgroup.h) and the saved form of a cgroup's
 * per-hierarchy paths.  No file system access here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-internal.h"
#include "oci/cleanup.h"

/* ---- controllers ------------------------------------------------------- */

static const struct {
  const char *name;
  unsigned bit;
} controller_names[] = {
  { "cpu", TONG_CG_CPU },         { "cpuacct", TONG_CG_CPUACCT }, { "cpuset", TONG_CG_CPUSET },
  { "memory", TONG_CG_MEMORY },   { "devices", TONG_CG_DEVICES }, { "freezer", TONG_CG_FREEZER },
  { "blkio", TONG_CG_BLKIO },     { "io", TONG_CG_BLKIO },        { "pids", TONG_CG_PIDS },
  { "hugetlb", TONG_CG_HUGETLB }, { "net_cls", TONG_CG_NET_CLS }, { "net_prio", TONG_CG_NET_PRIO },
  { "rdma", TONG_CG_RDMA },
};

unsigned
tong_cg_controller_bit (const char *name)
{
  for (size_t i = 0; i < sizeof controller_names / sizeof *controller_names; i++)
    if (strcmp (controller_names[i].name, name) == 0)
      return controller_names[i].bit;
  return 0;
}

unsigned
tong_cg_controller_bits (const char *list)
{
  unsigned bits = 0;
  const char *p = list;

  while (*p)
    {
      size_t n = strcspn (p, ", \t\n");
      char name[32];
      if (n > 0 && n < sizeof name)
        {
          memcpy (name, p, n);
          name[n] = '\0';
          bits |= tong_cg_controller_bit (name);
        }
      p += n;
      if (*p)
        p++;
    }
  return bits;
}

/* ---- paths ------------------------------------------------------------- */

/* Go's filepath.Clean, which runc's CleanPath builds on. */
static char *
clean (const char *path)
{
  size_t n = strlen (path), r = 0, w = 0, dotdot;
  bool rooted = path[0] == '/';
  char *out = malloc (n + 2);

  if (!out)
    return NULL;
  if (rooted)
    {
      out[w++] = '/';
      r = 1;
    }
  dotdot = w;
  while (r < n)
    {
      if (path[r] == '/')
        r++;
      else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/'))
        r++;
      else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/'))
        {
          r += 2;
          if (w > dotdot)
            {
              w--;
              while (w > dotdot && out[w] != '/')
                w--;
            }
          else if (!rooted)
            {
              if (w > 0)
                out[w++] = '/';
              out[w++] = '.';
              out[w++] = '.';
              dotdot = w;
            }
        }
      else
        {
          if ((rooted && w != 1) || (!rooted && w != 0))
            out[w++] = '/';
          while (r < n && path[r] != '/')
            out[w++] = path[r++];
        }
    }
  if (w == 0)
    out[w++] = '.';
  out[w] = '\0';
  return out;
}

char *
tong_cg_clean_path (const char *path)
{
  cleanup_free char *c = NULL, *rooted = NULL;
  size_t n;

  if (!path || *path == '\0')
    return strdup ("");
  c = clean (path);
  if (!c || c[0] == '/')
    return oci_steal (c);
  /* Relative: anchor at "/" so ".." cannot climb, then drop the anchor. */
  n = strlen (c) + 2;
  rooted = malloc (n);
  if (!rooted)
    return NULL;
  snprintf (rooted, n, "/%s", c);
  free (c);
  c = clean (rooted);
  if (!c)
    return NULL;
  if (strcmp (c, "/") == 0)
    return strdup (".");
  return strdup (c + 1);
}

int
tong_cg_inner_path (const char *cgroups_path, const char *id, char **ret, struct oci_error *err)
{
  const char *p = cgroups_path && *cgroups_path ? cgroups_path : id;
  const char *what = cgroups_path && *cgroups_path ? "linux.cgroupsPath" : "container id";
  char *c;

  if (!p || !*p)
    return oci_error_set_code (err, EINVAL, "cgroup: no cgroupsPath and no container id");
  for (const char *s = p; *s; s++)
    if ((unsigned char) *s < 0x20 || *s == 0x7f)
      return oci_error_set_code (err, EINVAL, "%s: control character in \"%s\"", what, p);
  c = tong_cg_clean_path (p);
  if (!c)
    return oci_error_set (err, ENOMEM, "cgroup path");
  if (strcmp (c, "/") == 0 || strcmp (c, ".") == 0)
    {
      free (c);
      return oci_error_set_code (err, EINVAL,
                                 "%s: \"%s\" names the hierarchy root or the runtime's own cgroup, which "
                                 "tong does not manage",
                                 what, p);
    }
  *ret = c;
  return 0;
}

int
tong_cg_resolve (const char *inner, const char *mount_root, const char *own, bool parent_of_own, char **ret,
                 struct oci_error *err)
{
  cleanup_free char *base = NULL, *root = NULL, *joined = NULL;
  const char *from;
  size_t n;

  if (inner[0] == '/')
    {
      *ret = clean (inner);
      return *ret ? 0 : oci_error_set (err, ENOMEM, "cgroup path");
    }
  base = clean (own && *own ? own : "/");
  root = clean (mount_root && *mount_root ? mount_root : "/");
  if (!base || !root)
    return oci_error_set (err, ENOMEM, "cgroup path");
  if (base[0] != '/')
    return oci_error_set_code (err, EINVAL, "cgroup: own cgroup \"%s\" is not absolute", own);
  if (parent_of_own)
    {
      char *slash = strrchr (base, '/');
      if (slash == base)
        base[1] = '\0';
      else
        *slash = '\0';
    }
  /* The mount may show only a subtree of the hierarchy (nested containers). */
  if (strcmp (root, "/") == 0)
    from = base;
  else if (strncmp (base, root, strlen (root)) == 0 && (base[strlen (root)] == '/' || base[strlen (root)] == '\0'))
    from = base[strlen (root)] ? base + strlen (root) : "/";
  else
    return oci_error_set_code (err, EINVAL, "cgroup: own cgroup %s is outside the mounted part %s of its hierarchy",
                               base, root);
  n = strlen (from) + strlen (inner) + 2;
  joined = malloc (n);
  if (!joined)
    return oci_error_set (err, ENOMEM, "cgroup path");
  snprintf (joined, n, "%s/%s", from, inner);
  *ret = clean (joined);
  return *ret ? 0 : oci_error_set (err, ENOMEM, "cgroup path");
}

/* ---- the saved form ----------------------------------------------------- */

char *
tong_cg_format_saved (const struct tong_cgroup *cg)
{
  bool uniform = cg->n > 0;
  size_t len = 1;
  char *out, *w;

  for (size_t i = 0; i < cg->n; i++)
    {
      if (!cg->h[i].created || strcmp (cg->h[i].rel, cg->h[0].rel) != 0)
        uniform = false;
      len += strlen (cg->h[i].key) + strlen (cg->h[i].rel) + 3;
    }
  if (uniform)
    return strdup (cg->h[0].rel);
  out = w = malloc (len);
  if (!out)
    return NULL;
  *w = '\0';
  for (size_t i = 0; i < cg->n; i++)
    w += snprintf (w, len - (size_t) (w - out), "%s%s%s:%s", i ? "\n" : "", cg->h[i].created ? "" : "-",
                   cg->h[i].key, cg->h[i].rel);
  return out;
}

void
tong_cg_saved_entries_free (struct tong_cg_saved_entry *e, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (e[i].key);
      free (e[i].rel);
    }
  free (e);
}

int
tong_cg_parse_saved (const char *saved, char **ret_all, struct tong_cg_saved_entry **ret, size_t *ret_len,
                     struct oci_error *err)
{
  struct tong_cg_saved_entry *v = NULL;
  size_t n = 0;
  const char *p = saved;

  *ret_all = NULL;
  *ret = NULL;
  *ret_len = 0;
  /* No hierarchy could be used (an unprivileged runtime). */
  if (!saved || !*saved)
    return 0;
  if (saved[0] == '/')
    {
      *ret_all = strdup (saved);
      return *ret_all ? 0 : oci_error_set (err, ENOMEM, "cgroup path");
    }
  while (*p)
    {
      size_t line = strcspn (p, "\n");
      const char *colon = memchr (p, ':', line);
      struct tong_cg_saved_entry *nv;
      bool created = *p != '-';
      const char *k = created ? p : p + 1;

      if (!colon || colon == k || colon[1] != '/')
        {
          tong_cg_saved_entries_free (v, n);
          return oci_error_set_code (err, EINVAL, "cgroup: malformed saved path \"%.*s\"", (int) line, p);
        }
      nv = realloc (v, (n + 1) * sizeof *v);
      if (!nv)
        {
          tong_cg_saved_entries_free (v, n);
          return oci_error_set (err, ENOMEM, "cgroup path");
        }
      v = nv;
      v[n].key = strndup (k, (size_t) (colon - k));
      v[n].rel = strndup (colon + 1, line - (size_t) (colon + 1 - p));
      v[n].created = created;
      n++;
      if (!v[n - 1].key || !v[n - 1].rel)
        {
          tong_cg_saved_entries_free (v, n);
          return oci_error_set (err, ENOMEM, "cgroup path");
        }
      p += line;
      if (*p)
        p++;
    }
  *ret = v;
  *ret_len = n;
  return 0;
}
