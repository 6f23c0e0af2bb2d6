/* runtime-spec (v1.3) config.json for Linux, as C structs.
 *
 * Conventions (see oci-spec/bind.h): an optional scalar `x` comes with
 * `bool x_present`; strings are NULL when absent; arrays are `T *x` and
 * `size_t x_len` (string arrays are NULL-terminated too); maps of strings
 * are struct oci_strmap; maps of objects are `x_keys`, `x_values`, `x_len`;
 * `extra` keeps unknown keys so that a document round-trips.
 * Sections for other platforms (windows, solaris, vm, zos, freebsd) are kept
 * in the top-level `extra`, untouched. */
#ifndef OCI_RUNTIME_SPEC_H
#define OCI_RUNTIME_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci/error.h"
#include "oci/json.h"
#include "oci/strmap.h"

#define OCI_RUNTIME_SPEC_VERSION "1.3.0"

struct oci_spec_id_mapping {
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
  struct oci_json *extra;
};

struct oci_spec_console_size {
  uint64_t height;
  uint64_t width;
  struct oci_json *extra;
};

struct oci_spec_user {
  uint32_t uid;
  bool uid_present;
  uint32_t gid;
  bool gid_present;
  uint32_t umask;
  bool umask_present;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char *username;
  struct oci_json *extra;
};

struct oci_spec_capabilities {
  char **bounding;
  size_t bounding_len;
  char **effective;
  size_t effective_len;
  char **inheritable;
  size_t inheritable_len;
  char **permitted;
  size_t permitted_len;
  char **ambient;
  size_t ambient_len;
  struct oci_json *extra;
};

struct oci_spec_rlimit {
  char *type;
  uint64_t hard;
  uint64_t soft;
  struct oci_json *extra;
};

struct oci_spec_io_priority {
  char *class_;
  int32_t priority;
  bool priority_present;
  struct oci_json *extra;
};

struct oci_spec_scheduler {
  char *policy;
  int32_t nice;
  bool nice_present;
  int32_t priority;
  bool priority_present;
  char **flags;
  size_t flags_len;
  uint64_t runtime;
  bool runtime_present;
  uint64_t deadline;
  bool deadline_present;
  uint64_t period;
  bool period_present;
  struct oci_json *extra;
};

struct oci_spec_cpu_affinity {
  char *initial;
  char *final;
  struct oci_json *extra;
};

struct oci_spec_process {
  bool terminal;
  bool terminal_present;
  struct oci_spec_console_size *console_size;
  struct oci_spec_user *user;
  char **args;
  size_t args_len;
  char *command_line;
  char **env;
  size_t env_len;
  char *cwd;
  struct oci_spec_capabilities *capabilities;
  struct oci_spec_rlimit *rlimits;
  size_t rlimits_len;
  bool no_new_privileges;
  bool no_new_privileges_present;
  char *apparmor_profile;
  int64_t oom_score_adj;
  bool oom_score_adj_present;
  char *selinux_label;
  struct oci_spec_io_priority *io_priority;
  struct oci_spec_scheduler *scheduler;
  struct oci_spec_cpu_affinity *exec_cpu_affinity;
  struct oci_json *extra;
};

struct oci_spec_root {
  char *path;
  bool readonly;
  bool readonly_present;
  struct oci_json *extra;
};

struct oci_spec_mount {
  char *destination;
  char *source;
  char *type;
  char **options;
  size_t options_len;
  struct oci_spec_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  struct oci_spec_id_mapping *gid_mappings;
  size_t gid_mappings_len;
  struct oci_json *extra;
};

struct oci_spec_hook {
  char *path;
  char **args;
  size_t args_len;
  char **env;
  size_t env_len;
  int64_t timeout;
  bool timeout_present;
  struct oci_json *extra;
};

struct oci_spec_hooks {
  struct oci_spec_hook *prestart;
  size_t prestart_len;
  struct oci_spec_hook *create_runtime;
  size_t create_runtime_len;
  struct oci_spec_hook *create_container;
  size_t create_container_len;
  struct oci_spec_hook *start_container;
  size_t start_container_len;
  struct oci_spec_hook *poststart;
  size_t poststart_len;
  struct oci_spec_hook *poststop;
  size_t poststop_len;
  struct oci_json *extra;
};

struct oci_spec_namespace {
  char *type;
  char *path;
  struct oci_json *extra;
};

struct oci_spec_device {
  char *type;
  char *path;
  int64_t major;
  bool major_present;
  int64_t minor;
  bool minor_present;
  uint32_t file_mode;
  bool file_mode_present;
  uint32_t uid;
  bool uid_present;
  uint32_t gid;
  bool gid_present;
  struct oci_json *extra;
};

struct oci_spec_device_cgroup {
  bool allow;
  char *type;
  int64_t major;
  bool major_present;
  int64_t minor;
  bool minor_present;
  char *access;
  struct oci_json *extra;
};

struct oci_spec_memory {
  int64_t limit;
  bool limit_present;
  int64_t reservation;
  bool reservation_present;
  int64_t swap;
  bool swap_present;
  int64_t kernel;
  bool kernel_present;
  int64_t kernel_tcp;
  bool kernel_tcp_present;
  uint64_t swappiness;
  bool swappiness_present;
  bool disable_oom_killer;
  bool disable_oom_killer_present;
  bool use_hierarchy;
  bool use_hierarchy_present;
  bool check_before_update;
  bool check_before_update_present;
  struct oci_json *extra;
};

struct oci_spec_cpu {
  uint64_t shares;
  bool shares_present;
  int64_t quota;
  bool quota_present;
  uint64_t burst;
  bool burst_present;
  uint64_t period;
  bool period_present;
  int64_t realtime_runtime;
  bool realtime_runtime_present;
  uint64_t realtime_period;
  bool realtime_period_present;
  char *cpus;
  char *mems;
  int64_t idle;
  bool idle_present;
  struct oci_json *extra;
};

struct oci_spec_pids {
  int64_t limit;
  struct oci_json *extra;
};

struct oci_spec_blkio_weight_device {
  int64_t major;
  int64_t minor;
  uint16_t weight;
  bool weight_present;
  uint16_t leaf_weight;
  bool leaf_weight_present;
  struct oci_json *extra;
};

struct oci_spec_blkio_throttle_device {
  int64_t major;
  int64_t minor;
  uint64_t rate;
  bool rate_present;
  struct oci_json *extra;
};

struct oci_spec_blkio {
  uint16_t weight;
  bool weight_present;
  uint16_t leaf_weight;
  bool leaf_weight_present;
  struct oci_spec_blkio_weight_device *weight_device;
  size_t weight_device_len;
  struct oci_spec_blkio_throttle_device *throttle_read_bps_device;
  size_t throttle_read_bps_device_len;
  struct oci_spec_blkio_throttle_device *throttle_write_bps_device;
  size_t throttle_write_bps_device_len;
  struct oci_spec_blkio_throttle_device *throttle_read_iops_device;
  size_t throttle_read_iops_device_len;
  struct oci_spec_blkio_throttle_device *throttle_write_iops_device;
  size_t throttle_write_iops_device_len;
  struct oci_json *extra;
};

struct oci_spec_hugepage_limit {
  char *page_size;
  uint64_t limit;
  struct oci_json *extra;
};

struct oci_spec_net_priority {
  char *name;
  uint32_t priority;
  struct oci_json *extra;
};

struct oci_spec_network {
  uint32_t class_id;
  bool class_id_present;
  struct oci_spec_net_priority *priorities;
  size_t priorities_len;
  struct oci_json *extra;
};

struct oci_spec_rdma {
  uint32_t hca_handles;
  bool hca_handles_present;
  uint32_t hca_objects;
  bool hca_objects_present;
  struct oci_json *extra;
};

struct oci_spec_resources {
  struct oci_spec_device_cgroup *devices;
  size_t devices_len;
  struct oci_spec_memory *memory;
  struct oci_spec_cpu *cpu;
  struct oci_spec_pids *pids;
  struct oci_spec_blkio *block_io;
  struct oci_spec_hugepage_limit *hugepage_limits;
  size_t hugepage_limits_len;
  struct oci_spec_network *network;
  char **rdma_keys;
  struct oci_spec_rdma *rdma_values;
  size_t rdma_len;
  struct oci_strmap *unified;
  struct oci_json *extra;
};

struct oci_spec_syscall_arg {
  uint32_t index;
  uint64_t value;
  uint64_t value_two;
  bool value_two_present;
  char *op;
  struct oci_json *extra;
};

struct oci_spec_syscall {
  char **names;
  size_t names_len;
  char *action;
  uint32_t errno_ret;
  bool errno_ret_present;
  struct oci_spec_syscall_arg *args;
  size_t args_len;
  struct oci_json *extra;
};

struct oci_spec_seccomp {
  char *default_action;
  uint32_t default_errno_ret;
  bool default_errno_ret_present;
  char **architectures;
  size_t architectures_len;
  char **flags;
  size_t flags_len;
  char *listener_path;
  char *listener_metadata;
  struct oci_spec_syscall *syscalls;
  size_t syscalls_len;
  struct oci_json *extra;
};

struct oci_spec_intel_rdt {
  char *clos_id;
  char **schemata;
  size_t schemata_len;
  char *l3_cache_schema;
  char *mem_bw_schema;
  bool enable_monitoring;
  bool enable_monitoring_present;
  struct oci_json *extra;
};

struct oci_spec_personality {
  char *domain;
  char **flags;
  size_t flags_len;
  struct oci_json *extra;
};

struct oci_spec_memory_policy {
  char *mode;
  char *nodes;
  char **flags;
  size_t flags_len;
  struct oci_json *extra;
};

struct oci_spec_time_offset {
  int64_t secs;
  bool secs_present;
  uint32_t nanosecs;
  bool nanosecs_present;
  struct oci_json *extra;
};

struct oci_spec_net_device {
  char *name;
  struct oci_json *extra;
};

struct oci_spec_linux {
  struct oci_spec_namespace *namespaces;
  size_t namespaces_len;
  struct oci_spec_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  struct oci_spec_id_mapping *gid_mappings;
  size_t gid_mappings_len;
  char **time_offsets_keys;
  struct oci_spec_time_offset *time_offsets_values;
  size_t time_offsets_len;
  struct oci_spec_device *devices;
  size_t devices_len;
  char **net_devices_keys;
  struct oci_spec_net_device *net_devices_values;
  size_t net_devices_len;
  char *cgroups_path;
  struct oci_spec_resources *resources;
  char *rootfs_propagation;
  struct oci_spec_seccomp *seccomp;
  struct oci_strmap *sysctl;
  char **masked_paths;
  size_t masked_paths_len;
  char **readonly_paths;
  size_t readonly_paths_len;
  char *mount_label;
  struct oci_spec_intel_rdt *intel_rdt;
  struct oci_spec_personality *personality;
  struct oci_spec_memory_policy *memory_policy;
  struct oci_json *extra;
};

struct oci_spec {
  char *oci_version;
  struct oci_spec_process *process;
  struct oci_spec_root *root;
  char *hostname;
  char *domainname;
  struct oci_spec_mount *mounts;
  size_t mounts_len;
  struct oci_spec_hooks *hooks;
  struct oci_strmap *annotations;
  struct oci_spec_linux *linux_;
  struct oci_json *extra;
};

/* Parse and validate; errors name the JSON path (`linux.namespaces[2].type:
 * unknown namespace "foo"`). */
int oci_spec_parse_json (const struct oci_json *j, struct oci_spec **ret, struct oci_error *err);
int oci_spec_parse_text (const char *buf, size_t len, struct oci_spec **ret, struct oci_error *err);
int oci_spec_parse_file (const char *path, struct oci_spec **ret, struct oci_error *err);
/* Validate again after a caller changed the struct. */
int oci_spec_validate (const struct oci_spec *spec, struct oci_error *err);
int oci_spec_generate (const struct oci_spec *spec, int json_flags, char **ret, size_t *ret_len,
                       struct oci_error *err);
void oci_spec_free (struct oci_spec *spec);

/* The `process` object alone, as `runc exec --process FILE` takes it. */
int oci_spec_process_parse_file (const char *path, struct oci_spec_process **ret, struct oci_error *err);
int oci_spec_process_parse_json (const struct oci_json *j, struct oci_spec_process **ret, struct oci_error *err);
int oci_spec_process_parse_text (const char *buf, size_t len, struct oci_spec_process **ret,
                                 struct oci_error *err);
void oci_spec_process_free (struct oci_spec_process *p);

/* `resources` alone, as `runc update --resources FILE` takes it. */
int oci_spec_resources_parse_text (const char *buf, size_t len, struct oci_spec_resources **ret,
                                   struct oci_error *err);
void oci_spec_resources_free (struct oci_spec_resources *r);

#endif
