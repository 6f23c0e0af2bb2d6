#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/cleanup.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct ns_kind {
  const char *name;
  int flag;
};

/* The order namespaces are joined in: user first, mount last (joining a
 * mount namespace changes how later paths resolve). */
static const struct ns_kind ns_order[] = {
  { "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC },       { "uts", CLONE_NEWUTS },  { "network", CLONE_NEWNET },
  { "pid", CLONE_NEWPID },   { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME }, { "mount", CLONE_NEWNS },
};

int
tong_ns_plan (const struct oci_spec *spec, struct tong_ns_plan *ret, struct oci_error *err)
{
  const struct oci_spec_linux *l = spec->linux_;
  size_t i, k;

  memset (ret, 0, sizeof *ret);
  for (i = 0; l && i < l->namespaces_len; i++)
    {
      const struct oci_spec_namespace *ns = &l->namespaces[i];
      for (k = 0; k < sizeof ns_order / sizeof ns_order[0]; k++)
        if (strcmp (ns->type, ns_order[k].name) == 0)
          break;
      if (k == sizeof ns_order / sizeof ns_order[0])
        return oci_error_set (err, 0, "linux.namespaces[%zu].type: unknown namespace \"%s\"", i, ns->type);
      if (ns->path && *ns->path)
        {
          ret->join_paths[k] = ns->path;
          if (ns_order[k].flag == CLONE_NEWUSER)
            ret->join_user = true;
          if (ns_order[k].flag == CLONE_NEWPID)
            ret->join_pid = true;
          continue;
        }
      /* clone() cannot take CLONE_NEWTIME (it is CSIGNAL's bit there): the
       * launcher unshares it before cloning. */
      if (ns_order[k].flag == CLONE_NEWTIME)
        {
          ret->new_time = true;
          continue;
        }
      ret->clone_flags |= ns_order[k].flag;
    }
  ret->new_user = ret->clone_flags & CLONE_NEWUSER;
  ret->new_pid = ret->clone_flags & CLONE_NEWPID;
  ret->new_mount = ret->clone_flags & CLONE_NEWNS;
  ret->new_cgroup = ret->clone_flags & CLONE_NEWCGROUP;
  if (!ret->new_mount)
    return oci_error_set (err, EINVAL, "linux.namespaces: a new mount namespace is required");
  if ((l && (l->uid_mappings_len || l->gid_mappings_len)) && !ret->new_user)
    return oci_error_set (err, EINVAL, "linux.uidMappings: given without a new user namespace");
  if (ret->new_user && (!l->uid_mappings_len || !l->gid_mappings_len))
    return oci_error_set (err, EINVAL, "linux.uidMappings: a new user namespace needs uid and gid mappings");
  /* A uts namespace joined by path counts: containerd's CRI sets the
   * hostname of every pod container that way. */
  {
    bool uts = (ret->clone_flags & CLONE_NEWUTS) || ret->join_paths[2];
    if (spec->hostname && *spec->hostname && !uts)
      return oci_error_set_code (err, EINVAL, "hostname: setting it needs a uts namespace of the container's own");
    if (spec->domainname && *spec->domainname && !uts)
      return oci_error_set_code (err, EINVAL, "domainname: setting it needs a uts namespace of the container's own");
  }
  return 0;
}

static int
join_one (const char *path, int flag, const char *name, struct oci_error *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return oci_error_set (err, errno, "open %s namespace %s", name, path);
  if (setns (fd, flag) < 0)
    return oci_error_set (err, errno, "join %s namespace %s", name, path);
  return 0;
}

int
tong_ns_join (const struct tong_ns_plan *p, struct oci_error *err)
{
  size_t k;
  int r;

  for (k = 0; k < sizeof ns_order / sizeof ns_order[0]; k++)
    {
      if (!p->join_paths[k] || ns_order[k].flag == CLONE_NEWPID)
        continue;
      r = join_one (p->join_paths[k], ns_order[k].flag, ns_order[k].name, err);
      if (r < 0)
        return r;
    }
  return 0;
}

int
tong_ns_join_pid (const struct tong_ns_plan *p, struct oci_error *err)
{
  size_t k;

  for (k = 0; k < sizeof ns_order / sizeof ns_order[0]; k++)
    if (p->join_paths[k] && ns_order[k].flag == CLONE_NEWPID)
      return join_one (p->join_paths[k], CLONE_NEWPID, "pid", err);
  return 0;
}

static int write_id_maps_directly (pid_t pid, const struct oci_spec_linux *l, struct oci_error *err);

static int
write_file (const char *path, const char *text, struct oci_error *err)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  size_t n = strlen (text);

  if (fd < 0)
    return oci_error_set (err, errno, "open %s", path);
  if (write (fd, text, n) != (ssize_t) n)
    return oci_error_set (err, errno, "write %s", path);
  return 0;
}

static int
write_map (pid_t pid, const char *file, const struct oci_spec_id_mapping *m, size_t n, struct oci_error *err)
{
  cleanup_free char *text = NULL;
  size_t len = 0, i;
  char path[64];
  FILE *f = open_memstream (&text, &len);

  if (!f)
    return oci_error_set (err, ENOMEM, "%s", file);
  for (i = 0; i < n; i++)
    fprintf (f, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
  fclose (f);
  snprintf (path, sizeof path, "/proc/%d/%s", pid, file);
  return write_file (path, text, err);
}

/* An unprivileged caller may map only its own id, once; anything more goes
 * through the setuid helpers and /etc/subuid, /etc/subgid. */
static bool
needs_helper (const struct oci_spec_id_mapping *m, size_t n, unsigned own)
{
  return geteuid () != 0 && (n != 1 || m[0].host_id != own || m[0].size != 1);
}

static int
run_map_helper (const char *helper, pid_t pid, const struct oci_spec_id_mapping *m, size_t n, struct oci_error *err)
{
  cleanup_free char **argv = calloc (3 * n + 3, sizeof (char *));
  char pidbuf[32];
  size_t i, k = 0;
  int status, r = 0;
  pid_t child;

  if (!argv)
    return oci_error_set (err, ENOMEM, "%s", helper);
  snprintf (pidbuf, sizeof pidbuf, "%d", pid);
  argv[k++] = (char *) helper;
  argv[k++] = pidbuf;
  for (i = 0; i < n; i++)
    if (asprintf (&argv[k++], "%u", m[i].container_id) < 0 || asprintf (&argv[k++], "%u", m[i].host_id) < 0
        || asprintf (&argv[k++], "%u", m[i].size) < 0)
      {
        r = oci_error_set (err, ENOMEM, "%s", helper);
        goto out;
      }
  child = fork ();
  if (child < 0)
    {
      r = oci_error_set (err, errno, "fork %s", helper);
      goto out;
    }
  if (child == 0)
    {
      execvp (helper, argv);
      _exit (127);
    }
  while (waitpid (child, &status, 0) < 0)
    if (errno != EINTR)
      {
        r = oci_error_set (err, errno, "wait for %s", helper);
        goto out;
      }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    r = oci_error_set (err, 0, "%s %s failed (exit status %d%s)", helper, pidbuf,
                       WIFEXITED (status) ? WEXITSTATUS (status) : -1,
                       WIFEXITED (status) && WEXITSTATUS (status) == 127 ? ": is the uidmap package installed?" : "");
out:
  for (i = 2; i < k; i++)
    free (argv[i]);
  return r;
}

int
tong_ns_write_id_maps (pid_t pid, const struct oci_spec_linux *l, struct oci_error *err)
{
  if (needs_helper (l->uid_mappings, l->uid_mappings_len, geteuid ())
      || needs_helper (l->gid_mappings, l->gid_mappings_len, getegid ()))
    {
      int r = run_map_helper ("newuidmap", pid, l->uid_mappings, l->uid_mappings_len, err);
      if (r < 0)
        return oci_error_wrap (err, "linux.uidMappings");
      r = run_map_helper ("newgidmap", pid, l->gid_mappings, l->gid_mappings_len, err);
      if (r < 0)
        return oci_error_wrap (err, "linux.gidMappings");
      return 0;
    }
  return write_id_maps_directly (pid, l, err);
}

static int
write_id_maps_directly (pid_t pid, const struct oci_spec_linux *l, struct oci_error *err)
{
  char path[64];
  int r;

  /* An unprivileged writer must deny setgroups before writing gid_map;
   * root may keep it, and containers need setgroups for additionalGids. */
  if (geteuid () != 0)
    {
      snprintf (path, sizeof path, "/proc/%d/setgroups", pid);
      r = write_file (path, "deny", err);
      if (r < 0)
        return r;
    }
  r = write_map (pid, "uid_map", l->uid_mappings, l->uid_mappings_len, err);
  if (r < 0)
    return oci_error_wrap (err, "linux.uidMappings");
  r = write_map (pid, "gid_map", l->gid_mappings, l->gid_mappings_len, err);
  if (r < 0)
    return oci_error_wrap (err, "linux.gidMappings");
  return 0;
}
