/* exec --cgroup: the new process joins a sub-cgroup of its container's
 * cgroup instead of the cgroup itself.  Each argument is "PATH" (every
 * hierarchy) or "CTRL[,CTRL…]:PATH" (the v1 hierarchies carrying those
 * controllers); PATH is relative to the container's cgroup and may not
 * climb out of it. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "oci/cleanup.h"

struct sub {
  const char *arg;
  unsigned ctrls;   /* 0: every hierarchy */
  char name[64];    /* a named v1 hierarchy ("name=systemd"), or "" */
  const char *path; /* inside arg */
};

static bool
climbs (const char *path)
{
  const char *p = path;

  while (*p)
    {
      size_t n = strcspn (p, "/");
      if (n == 2 && p[0] == '.' && p[1] == '.')
        return true;
      p += n;
      p += strspn (p, "/");
    }
  return false;
}

static int
parse_sub (const char *arg, struct sub *s, struct oci_error *err)
{
  const char *colon = strchr (arg, ':');

  memset (s, 0, sizeof *s);
  s->arg = arg;
  s->path = colon ? colon + 1 : arg;
  if (colon)
    {
      cleanup_free char *list = strndup (arg, (size_t) (colon - arg));
      char *save = NULL, *c;
      if (!list)
        return oci_error_set (err, ENOMEM, "--cgroup %s", arg);
      for (c = strtok_r (list, ",", &save); c; c = strtok_r (NULL, ",", &save))
        {
          unsigned bit = tong_cg_controller_bit (c);
          if (bit)
            s->ctrls |= bit;
          else if (strncmp (c, "name=", 5) == 0 && strlen (c) < sizeof s->name)
            snprintf (s->name, sizeof s->name, "%s", c);
          else
            return oci_error_set_code (err, EINVAL, "--cgroup %s: unknown controller \"%s\"", arg, c);
        }
    }
  if (climbs (s->path))
    return oci_error_set_code (err, EINVAL, "--cgroup %s: %s is not a sub cgroup path", arg, s->path);
  return 0;
}

/* The sub-cgroup that applies to hierarchy h: one naming its controllers,
 * else one for every hierarchy, else none (the container's cgroup). */
static const struct sub *
pick (const struct tong_cg_hier *h, const struct sub *subs, size_t n)
{
  const struct sub *any = NULL;

  for (size_t i = 0; i < n; i++)
    {
      if (!subs[i].ctrls && !subs[i].name[0])
        any = &subs[i];
      else if (!h->v2 && ((subs[i].ctrls & h->ctrls) || (subs[i].name[0] && strcmp (subs[i].name, h->key) == 0)))
        return &subs[i];
    }
  return any;
}

static int
join (const char *dir, const char *sub, pid_t pid, struct oci_error *err)
{
  char path[PATH_MAX], value[24];
  cleanup_close int fd = -1;
  int len = snprintf (value, sizeof value, "%d", (int) pid);
  char reason[128];
  int e;

  if ((size_t) snprintf (path, sizeof path, "%s/%s/cgroup.procs", dir, sub) >= sizeof path)
    return oci_error_set (err, ENAMETOOLONG, "--cgroup %s", sub);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd >= 0 && write (fd, value, (size_t) len) == len)
    return 0;
  e = errno;
  /* runc's wording, lower case included: scripts match on it. */
  snprintf (reason, sizeof reason, "%s", strerror (e));
  reason[0] = (char) tolower ((unsigned char) reason[0]);
  return oci_error_set_code (err, e, "exec --cgroup: adding pid %d to cgroups: %s %s: %s",
                             (int) tong_cg_shown_pid (pid), fd < 0 ? "open" : "write", path, reason);
}

int
tong_cgroup_enter_sub (const struct tong_cgroup *cg, pid_t pid, char *const *args, size_t nargs,
                       struct oci_error *err)
{
  cleanup_free struct sub *subs = calloc (nargs ? nargs : 1, sizeof *subs);
  size_t i;
  int r;

  if (!subs)
    return oci_error_set (err, ENOMEM, "--cgroup");
  for (i = 0; i < nargs; i++)
    {
      r = parse_sub (args[i], &subs[i], err);
      if (r < 0)
        return r;
      if (subs[i].ctrls && cg->mode == TONG_CG_UNIFIED)
        return oci_error_set_code (err, EINVAL, "--cgroup %s: controllers can only be named on cgroup v1", args[i]);
    }
  for (i = 0; i < cg->n; i++)
    {
      const struct sub *s = pick (&cg->h[i], subs, nargs);
      r = join (cg->h[i].dir, s ? s->path : "", pid, err);
      if (r < 0)
        return r;
    }
  return 0;
}
