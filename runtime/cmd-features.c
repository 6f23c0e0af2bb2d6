/* `tong features`: what this build, on this kernel, really supports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capabilities.h"
#include "mount-options.h"
#include "oci/cleanup.h"
#include "oci/json.h"
#include "oci/runtime-spec.h"
#include "oci/runtime-state.h"
#include "runtime.h"
#include "seccomp.h"

static int
strv_dup (const char *const *v, char ***ret, size_t *ret_len)
{
  size_t n = 0, i;
  char **out;

  while (v && v[n])
    n++;
  out = calloc (n + 1, sizeof *out);
  if (!out)
    return -1;
  for (i = 0; i < n; i++)
    if (!(out[i] = strdup (v[i])))
      {
        while (i--)
          free (out[i]);
        free (out);
        return -1;
      }
  *ret = out;
  *ret_len = n;
  return 0;
}

static struct oci_features_enabled *
enabled (bool on)
{
  struct oci_features_enabled *e = calloc (1, sizeof *e);
  if (e)
    {
      e->enabled = on;
      e->enabled_present = true;
    }
  return e;
}

static int
fill (struct oci_features *f, struct oci_error *err)
{
  static const char *const hooks[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
  };
  static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL };
  struct oci_features_linux *l;
  int r;

  f->oci_version_min = strdup ("1.0.0");
  f->oci_version_max = strdup (OCI_RUNTIME_SPEC_VERSION);
  if (!f->oci_version_min || !f->oci_version_max || strv_dup (hooks, &f->hooks, &f->hooks_len) < 0
      || strv_dup (tong_mount_opts_known (), &f->mount_options, &f->mount_options_len) < 0)
    return oci_error_set (err, ENOMEM, "features");
  l = f->linux_ = calloc (1, sizeof *l);
  if (!l || strv_dup (namespaces, &l->namespaces, &l->namespaces_len) < 0)
    return oci_error_set (err, ENOMEM, "features");
  if (tong_caps_names (&l->capabilities, &l->capabilities_len) < 0)
    return oci_error_set (err, ENOMEM, "features: capabilities");
  l->cgroup = calloc (1, sizeof *l->cgroup);
  if (!l->cgroup)
    return oci_error_set (err, ENOMEM, "features");
  l->cgroup->v1_present = l->cgroup->v2_present = true;
  l->cgroup->v1 = l->cgroup->v2 = true;
  l->cgroup->systemd_present = l->cgroup->systemd_user_present = true;
  r = tong_seccomp_features (&l->seccomp, err);
  if (r < 0)
    return r;
  l->apparmor = enabled (false);
  l->selinux = enabled (false);
  l->intel_rdt = enabled (false);
  l->net_devices = enabled (false);
  l->mount_extensions = calloc (1, sizeof *l->mount_extensions);
  if (!l->apparmor || !l->selinux || !l->intel_rdt || !l->net_devices || !l->mount_extensions
      || !(l->mount_extensions->idmap = enabled (false)))
    return oci_error_set (err, ENOMEM, "features");
  f->annotations = oci_strmap_new ();
  if (!f->annotations || oci_strmap_set (f->annotations, "org.opencontainers.tong.version", TONG_VERSION) < 0)
    return oci_error_set (err, ENOMEM, "features");
  return 0;
}

int
tong_cmd_features (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  struct oci_features *f;
  cleanup_free char *text = NULL;
  int r;

  (void) g;
  if (argc > 1)
    return oci_error_set (err, 0, "features: unexpected argument \"%s\"", argv[1]);
  f = calloc (1, sizeof *f);
  if (!f)
    return oci_error_set (err, ENOMEM, "features");
  r = fill (f, err);
  if (r == 0)
    r = oci_features_generate (f, OCI_JSON_PRETTY, &text, NULL, err);
  oci_features_free (f);
  if (r < 0)
    return r;
  printf ("%s\n", text);
  return 0;
}
