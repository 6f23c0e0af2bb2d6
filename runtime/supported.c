/* Fields this runtime cannot honour on this host are refused by name
 * before anything is created: a config is never half applied. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "create.h"
#include "supported.h"

static bool
apparmor_enabled (void)
{
  char c = 'N';
  FILE *f = fopen ("/sys/module/apparmor/parameters/enabled", "re");
  if (!f)
    return false;
  if (fread (&c, 1, 1, f) != 1)
    c = 'N';
  fclose (f);
  return c == 'Y';
}

static bool
selinux_enabled (void)
{
  return access ("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* The container has a `type` namespace of its own: a new one, or one
 * joined by path that is not the host's (runc's checkHostNs). */
static bool
has_new_ns (const struct oci_spec_linux *l, const char *type)
{
  static const struct {
    const char *type, *proc;
  } names[] = { { "network", "net" }, { "ipc", "ipc" }, { "uts", "uts" } };
  size_t i, k;

  for (i = 0; i < l->namespaces_len; i++)
    {
      const struct oci_spec_namespace *ns = &l->namespaces[i];
      struct stat a, b;
      char host[64] = "";
      if (strcmp (ns->type, type) != 0)
        continue;
      if (!ns->path || !*ns->path)
        return true;
      for (k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strcmp (names[k].type, type) == 0)
          snprintf (host, sizeof host, "/proc/self/ns/%s", names[k].proc);
      return !(*host && stat (ns->path, &a) == 0 && stat (host, &b) == 0 && a.st_dev == b.st_dev
               && a.st_ino == b.st_ino);
    }
  return false;
}

/* runc's rule: a sysctl is set only when it belongs to a namespace the
 * container does not share with the host. */
static int
check_sysctls (const struct oci_spec_linux *l, struct oci_error *err)
{
  static const char *const ipc_keys[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
    "kernel.shmmni", "kernel.shm_rmid_forced", NULL,
  };
  size_t i;

  for (i = 0; l->sysctl && i < l->sysctl->len; i++)
    {
      const char *key = l->sysctl->keys[i];
      const char *const *k;
      bool ipc = strncmp (key, "fs.mqueue.", 10) == 0;
      for (k = ipc_keys; *k && !ipc; k++)
        ipc = strcmp (*k, key) == 0;
      if (ipc && has_new_ns (l, "ipc"))
        continue;
      if (strncmp (key, "net.", 4) == 0 && has_new_ns (l, "network"))
        continue;
      if ((strcmp (key, "kernel.hostname") == 0 || strcmp (key, "kernel.domainname") == 0) && has_new_ns (l, "uts"))
        continue;
      return oci_error_set_code (err, EINVAL, "linux.sysctl: \"%s\" is not in a separate kernel namespace", key);
    }
  return 0;
}

int
tong_check_supported (const struct tong_globals *g, const struct oci_spec *spec, struct oci_error *err)
{
  const struct oci_spec_linux *l = spec->linux_;
  const struct oci_spec_process *p = spec->process;
  size_t i;

  if (g->systemd_cgroup && access ("/run/systemd/system", F_OK) < 0)
    return oci_error_set_code (err, ENOTSUP, "--systemd-cgroup: systemd is not running on this host");
  if (p && p->apparmor_profile && *p->apparmor_profile && !apparmor_enabled ())
    return oci_error_set_code (err, ENOTSUP, "process.apparmorProfile: AppArmor is not enabled on this host");
  if (p && p->selinux_label && *p->selinux_label && !selinux_enabled ())
    return oci_error_set_code (err, ENOTSUP, "process.selinuxLabel: SELinux is not enabled on this host");
  if (p && p->selinux_label && *p->selinux_label)
    return oci_error_set_code (err, ENOTSUP, "process.selinuxLabel: SELinux labels are not supported yet");
  if (p && p->apparmor_profile && *p->apparmor_profile)
    return oci_error_set_code (err, ENOTSUP, "process.apparmorProfile: AppArmor profiles are not supported yet");
  if (!l)
    return 0;
  if (check_sysctls (l, err) < 0)
    return -1;
  if (l->mount_label && *l->mount_label)
    return oci_error_set_code (err, ENOTSUP, "linux.mountLabel: %s",
                               selinux_enabled () ? "SELinux labels are not supported yet"
                                                  : "SELinux is not enabled on this host");
  if (l->intel_rdt)
    return oci_error_set_code (err, ENOTSUP, "linux.intelRdt: Intel RDT (resctrl) is not supported");
  if (l->net_devices_len)
    return oci_error_set_code (err, ENOTSUP, "linux.netDevices: moving network devices is not supported yet");
  if (l->time_offsets_len)
    {
      bool time_ns = false;
      for (i = 0; i < l->namespaces_len; i++)
        if (strcmp (l->namespaces[i].type, "time") == 0 && !(l->namespaces[i].path && *l->namespaces[i].path))
          time_ns = true;
      if (!time_ns)
        return oci_error_set_code (err, EINVAL, "linux.timeOffsets: needs a new time namespace");
    }
  for (i = 0; i < spec->mounts_len; i++)
    if (spec->mounts[i].uid_mappings_len || spec->mounts[i].gid_mappings_len)
      return oci_error_set_code (err, ENOTSUP, "mounts[%zu].uidMappings: id-mapped mounts are not supported yet", i);
  return 0;
}
