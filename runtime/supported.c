/* Fields this runtime cannot honour on this host are refused by name
 * before anything is created: a config is never half applied. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
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
