/* runtime-spec state (what `state ID` prints) and features (what
 * `features` prints). */
#ifndef OCI_RUNTIME_STATE_H
#define OCI_RUNTIME_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci/error.h"
#include "oci/json.h"
#include "oci/strmap.h"

struct oci_state {
  char *oci_version;
  char *id;
  char *status;    /* creating, created, running, stopped; runc adds paused */
  int64_t pid;
  bool pid_present;
  char *bundle;
  struct oci_strmap *annotations;
  struct oci_json *extra;
};

int oci_state_parse_text (const char *buf, size_t len, struct oci_state **ret, struct oci_error *err);
int oci_state_parse_file (const char *path, struct oci_state **ret, struct oci_error *err);
int oci_state_generate (const struct oci_state *s, int json_flags, char **ret, size_t *ret_len,
                        struct oci_error *err);
void oci_state_free (struct oci_state *s);

struct oci_features_enabled {
  bool enabled;
  bool enabled_present;
  struct oci_json *extra;
};

struct oci_features_cgroup {
  bool v1;
  bool v1_present;
  bool v2;
  bool v2_present;
  bool systemd;
  bool systemd_present;
  bool systemd_user;
  bool systemd_user_present;
  bool rdma;
  bool rdma_present;
  struct oci_json *extra;
};

struct oci_features_seccomp {
  bool enabled;
  bool enabled_present;
  char **actions;
  size_t actions_len;
  char **operators;
  size_t operators_len;
  char **archs;
  size_t archs_len;
  char **known_flags;
  size_t known_flags_len;
  char **supported_flags;
  size_t supported_flags_len;
  struct oci_json *extra;
};

struct oci_features_mount_extensions {
  struct oci_features_enabled *idmap;
  struct oci_json *extra;
};

struct oci_features_linux {
  char **namespaces;
  size_t namespaces_len;
  char **capabilities;
  size_t capabilities_len;
  struct oci_features_cgroup *cgroup;
  struct oci_features_seccomp *seccomp;
  struct oci_features_enabled *apparmor;
  struct oci_features_enabled *selinux;
  struct oci_features_enabled *intel_rdt;
  struct oci_features_mount_extensions *mount_extensions;
  struct oci_features_enabled *net_devices;
  struct oci_json *extra;
};

struct oci_features {
  char *oci_version_min;
  char *oci_version_max;
  char **hooks;
  size_t hooks_len;
  char **mount_options;
  size_t mount_options_len;
  struct oci_features_linux *linux_;
  struct oci_strmap *annotations;
  char **potentially_unsafe_config_annotations;
  size_t potentially_unsafe_config_annotations_len;
  struct oci_json *extra;
};

int oci_features_parse_text (const char *buf, size_t len, struct oci_features **ret, struct oci_error *err);
int oci_features_parse_file (const char *path, struct oci_features **ret, struct oci_error *err);
int oci_features_generate (const struct oci_features *f, int json_flags, char **ret, size_t *ret_len,
                           struct oci_error *err);
void oci_features_free (struct oci_features *f);

#endif
