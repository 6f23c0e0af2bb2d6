/* Tables for runtime-spec state.json and features.json. */
#include "oci/runtime-state.h"
#include "bind.h"

static const char *const statuses[] = { "creating", "created", "running", "stopped", "paused", NULL };

static int
check_state (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_state *s = obj;

  if (s->pid_present && s->pid < 0)
    return oci_error_set (err, 0, "pid: must not be negative");
  return 0;
}

#define T struct oci_state
static const struct oci_field state_fields[] = {
  OCI_F_STR (T, "ociVersion", oci_version, OCI_FIELD_REQUIRED),
  OCI_F_STR (T, "id", id, OCI_FIELD_REQUIRED),
  OCI_F_ENUM (T, "status", status, OCI_FIELD_REQUIRED, statuses, "status"),
  OCI_F_NUM (T, "pid", OCI_F_INT64, pid),
  OCI_F_STR (T, "bundle", bundle, OCI_FIELD_REQUIRED),
  OCI_F_MAP (T, "annotations", annotations),
};
static const struct oci_type state_type = OCI_TYPE (T, "state", state_fields, check_state);
#undef T

#define T struct oci_features_enabled
static const struct oci_field enabled_fields[] = {
  OCI_F_FLAG (T, "enabled", enabled),
};
static const struct oci_type enabled_type = OCI_TYPE (T, "enabled", enabled_fields, NULL);
#undef T

#define T struct oci_features_cgroup
static const struct oci_field cgroup_fields[] = {
  OCI_F_FLAG (T, "v1", v1),
  OCI_F_FLAG (T, "v2", v2),
  OCI_F_FLAG (T, "systemd", systemd),
  OCI_F_FLAG (T, "systemdUser", systemd_user),
  OCI_F_FLAG (T, "rdma", rdma),
};
static const struct oci_type cgroup_type = OCI_TYPE (T, "cgroup", cgroup_fields, NULL);
#undef T

#define T struct oci_features_seccomp
static const struct oci_field seccomp_fields[] = {
  OCI_F_FLAG (T, "enabled", enabled),
  OCI_F_STRV (T, "actions", actions, 0),
  OCI_F_STRV (T, "operators", operators, 0),
  OCI_F_STRV (T, "archs", archs, 0),
  OCI_F_STRV (T, "knownFlags", known_flags, 0),
  OCI_F_STRV (T, "supportedFlags", supported_flags, 0),
};
static const struct oci_type seccomp_type = OCI_TYPE (T, "seccomp", seccomp_fields, NULL);
#undef T

#define T struct oci_features_mount_extensions
static const struct oci_field mount_ext_fields[] = {
  OCI_F_OBJ (T, "idmap", idmap, enabled_type, 0),
};
static const struct oci_type mount_ext_type = OCI_TYPE (T, "mountExtensions", mount_ext_fields, NULL);
#undef T

#define T struct oci_features_linux
static const struct oci_field linux_fields[] = {
  OCI_F_STRV (T, "namespaces", namespaces, 0),
  OCI_F_STRV (T, "capabilities", capabilities, 0),
  OCI_F_OBJ (T, "cgroup", cgroup, cgroup_type, 0),
  OCI_F_OBJ (T, "seccomp", seccomp, seccomp_type, 0),
  OCI_F_OBJ (T, "apparmor", apparmor, enabled_type, 0),
  OCI_F_OBJ (T, "selinux", selinux, enabled_type, 0),
  OCI_F_OBJ (T, "intelRdt", intel_rdt, enabled_type, 0),
  OCI_F_OBJ (T, "mountExtensions", mount_extensions, mount_ext_type, 0),
  OCI_F_OBJ (T, "netDevices", net_devices, enabled_type, 0),
};
static const struct oci_type linux_type = OCI_TYPE (T, "linux", linux_fields, NULL);
#undef T

#define T struct oci_features
static const struct oci_field features_fields[] = {
  OCI_F_STR (T, "ociVersionMin", oci_version_min, OCI_FIELD_REQUIRED),
  OCI_F_STR (T, "ociVersionMax", oci_version_max, OCI_FIELD_REQUIRED),
  OCI_F_STRV (T, "hooks", hooks, 0),
  OCI_F_STRV (T, "mountOptions", mount_options, 0),
  OCI_F_OBJ (T, "linux", linux_, linux_type, 0),
  OCI_F_MAP (T, "annotations", annotations),
  OCI_F_STRV (T, "potentiallyUnsafeConfigAnnotations", potentially_unsafe_config_annotations, 0),
};
static const struct oci_type features_type = OCI_TYPE (T, "features", features_fields, NULL);
#undef T

int
oci_state_parse_text (const char *buf, size_t len, struct oci_state **ret, struct oci_error *err)
{
  return oci_bind_parse_text (&state_type, buf, len, "state", (void **) ret, err);
}

int
oci_state_parse_file (const char *path, struct oci_state **ret, struct oci_error *err)
{
  return oci_bind_parse_file (&state_type, path, (void **) ret, err);
}

int
oci_state_generate (const struct oci_state *s, int json_flags, char **ret, size_t *ret_len, struct oci_error *err)
{
  return oci_bind_generate (&state_type, s, json_flags, ret, ret_len, err);
}

void
oci_state_free (struct oci_state *s)
{
  oci_bind_free (&state_type, s);
}

int
oci_features_parse_text (const char *buf, size_t len, struct oci_features **ret, struct oci_error *err)
{
  return oci_bind_parse_text (&features_type, buf, len, "features", (void **) ret, err);
}

int
oci_features_parse_file (const char *path, struct oci_features **ret, struct oci_error *err)
{
  return oci_bind_parse_file (&features_type, path, (void **) ret, err);
}

int
oci_features_generate (const struct oci_features *f, int json_flags, char **ret, size_t *ret_len,
                       struct oci_error *err)
{
  return oci_bind_generate (&features_type, f, json_flags, ret, ret_len, err);
}

void
oci_features_free (struct oci_features *f)
{
  oci_bind_free (&features_type, f);
}
