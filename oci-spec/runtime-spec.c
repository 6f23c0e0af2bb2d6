/* Tables binding runtime-spec config.json to the structs of
 * oci/runtime-spec.h, and the checks the JSON schema expresses as patterns
 * and constraints. */
#include "oci/runtime-spec.h"
#include "bind.h"

#include <errno.h>
#include <string.h>

#define T struct oci_spec_id_mapping
static const struct oci_field id_mapping_fields[] = {
  OCI_F_NUM_REQ (T, "containerID", OCI_F_UINT32, container_id),
  OCI_F_NUM_REQ (T, "hostID", OCI_F_UINT32, host_id),
  OCI_F_NUM_REQ (T, "size", OCI_F_UINT32, size),
};
static const struct oci_type id_mapping_type = OCI_TYPE (T, "idMapping", id_mapping_fields, NULL);
#undef T

#define T struct oci_spec_console_size
static const struct oci_field console_size_fields[] = {
  OCI_F_NUM_REQ (T, "height", OCI_F_UINT64, height),
  OCI_F_NUM_REQ (T, "width", OCI_F_UINT64, width),
};
static const struct oci_type console_size_type = OCI_TYPE (T, "consoleSize", console_size_fields, NULL);
#undef T

#define T struct oci_spec_user
static const struct oci_field user_fields[] = {
  OCI_F_NUM (T, "uid", OCI_F_UINT32, uid),
  OCI_F_NUM (T, "gid", OCI_F_UINT32, gid),
  OCI_F_NUM (T, "umask", OCI_F_UINT32, umask),
  OCI_F_U32V (T, "additionalGids", additional_gids),
  OCI_F_STR (T, "username", username, 0),
};
static const struct oci_type user_type = OCI_TYPE (T, "user", user_fields, NULL);
#undef T

#define T struct oci_spec_capabilities
static const struct oci_field capabilities_fields[] = {
  OCI_F_STRV (T, "bounding", bounding, 0),
  OCI_F_STRV (T, "effective", effective, 0),
  OCI_F_STRV (T, "inheritable", inheritable, 0),
  OCI_F_STRV (T, "permitted", permitted, 0),
  OCI_F_STRV (T, "ambient", ambient, 0),
};
static const struct oci_type capabilities_type = OCI_TYPE (T, "capabilities", capabilities_fields, NULL);
#undef T

static bool
all_in (const char *s, const char *set)
{
  return s[strspn (s, set)] == '\0';
}

static int
check_rlimit (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_spec_rlimit *r = obj;

  if (strncmp (r->type, "RLIMIT_", 7) != 0 || r->type[7] == '\0' || !all_in (r->type + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return oci_error_set (err, 0, "%s.type: \"%s\" is not of the form RLIMIT_[A-Z]+", path, r->type);
  return 0;
}

#define T struct oci_spec_rlimit
static const struct oci_field rlimit_fields[] = {
  OCI_F_STR (T, "type", type, OCI_FIELD_REQUIRED),
  OCI_F_NUM_REQ (T, "hard", OCI_F_UINT64, hard),
  OCI_F_NUM_REQ (T, "soft", OCI_F_UINT64, soft),
};
static const struct oci_type rlimit_type = OCI_TYPE (T, "rlimit", rlimit_fields, check_rlimit);
#undef T

static const char *const ioprio_classes[] = { "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL };

#define T struct oci_spec_io_priority
static const struct oci_field io_priority_fields[] = {
  OCI_F_ENUM (T, "class", class_, OCI_FIELD_REQUIRED, ioprio_classes, "I/O priority class"),
  OCI_F_NUM (T, "priority", OCI_F_INT32, priority),
};
static const struct oci_type io_priority_type = OCI_TYPE (T, "ioPriority", io_priority_fields, NULL);
#undef T

static const char *const sched_policies[] = {
  "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};
static const char *const sched_flags[] = {
  "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
  "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

#define T struct oci_spec_scheduler
static const struct oci_field scheduler_fields[] = {
  OCI_F_ENUM (T, "policy", policy, OCI_FIELD_REQUIRED, sched_policies, "scheduler policy"),
  OCI_F_NUM (T, "nice", OCI_F_INT32, nice),
  OCI_F_NUM (T, "priority", OCI_F_INT32, priority),
  OCI_F_STRV_ENUM (T, "flags", flags, 0, sched_flags, "scheduler flag"),
  OCI_F_NUM (T, "runtime", OCI_F_UINT64, runtime),
  OCI_F_NUM (T, "deadline", OCI_F_UINT64, deadline),
  OCI_F_NUM (T, "period", OCI_F_UINT64, period),
};
static const struct oci_type scheduler_type = OCI_TYPE (T, "scheduler", scheduler_fields, NULL);
#undef T

static int
check_cpu_affinity (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_spec_cpu_affinity *a = obj;
  const char *set = "0123456789, -";

  if (a->initial && !all_in (a->initial, set))
    return oci_error_set (err, 0, "%s.initial: \"%s\" is not a CPU list", path, a->initial);
  if (a->final && !all_in (a->final, set))
    return oci_error_set (err, 0, "%s.final: \"%s\" is not a CPU list", path, a->final);
  return 0;
}

#define T struct oci_spec_cpu_affinity
static const struct oci_field cpu_affinity_fields[] = {
  OCI_F_STR (T, "initial", initial, 0),
  OCI_F_STR (T, "final", final, 0),
};
static const struct oci_type cpu_affinity_type = OCI_TYPE (T, "execCPUAffinity", cpu_affinity_fields, check_cpu_affinity);
#undef T

#define T struct oci_spec_process
static const struct oci_field process_fields[] = {
  OCI_F_FLAG (T, "terminal", terminal),
  OCI_F_OBJ (T, "consoleSize", console_size, console_size_type, 0),
  OCI_F_OBJ (T, "user", user, user_type, 0),
  OCI_F_STRV (T, "args", args, 0),
  OCI_F_STR (T, "commandLine", command_line, 0),
  OCI_F_STRV (T, "env", env, 0),
  OCI_F_STR (T, "cwd", cwd, OCI_FIELD_REQUIRED | OCI_FIELD_ABSPATH),
  OCI_F_OBJ (T, "capabilities", capabilities, capabilities_type, 0),
  OCI_F_OBJV (T, "rlimits", rlimits, rlimit_type, 0),
  OCI_F_FLAG (T, "noNewPrivileges", no_new_privileges),
  OCI_F_STR (T, "apparmorProfile", apparmor_profile, 0),
  OCI_F_NUM (T, "oomScoreAdj", OCI_F_INT64, oom_score_adj),
  OCI_F_STR (T, "selinuxLabel", selinux_label, 0),
  OCI_F_OBJ (T, "ioPriority", io_priority, io_priority_type, 0),
  OCI_F_OBJ (T, "scheduler", scheduler, scheduler_type, 0),
  OCI_F_OBJ (T, "execCPUAffinity", exec_cpu_affinity, cpu_affinity_type, 0),
};
static const struct oci_type process_type = OCI_TYPE (T, "process", process_fields, NULL);
#undef T

#define T struct oci_spec_root
static const struct oci_field root_fields[] = {
  OCI_F_STR (T, "path", path, OCI_FIELD_REQUIRED),
  OCI_F_FLAG (T, "readonly", readonly),
};
static const struct oci_type root_type = OCI_TYPE (T, "root", root_fields, NULL);
#undef T

#define T struct oci_spec_mount
static const struct oci_field mount_fields[] = {
  OCI_F_STR (T, "destination", destination, OCI_FIELD_REQUIRED),
  OCI_F_STR (T, "type", type, 0),
  OCI_F_STR (T, "source", source, 0),
  OCI_F_STRV (T, "options", options, 0),
  OCI_F_OBJV (T, "uidMappings", uid_mappings, id_mapping_type, 0),
  OCI_F_OBJV (T, "gidMappings", gid_mappings, id_mapping_type, 0),
};
static const struct oci_type mount_type = OCI_TYPE (T, "mount", mount_fields, NULL);
#undef T

static int
check_hook (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_spec_hook *h = obj;

  if (h->timeout_present && h->timeout < 1)
    return oci_error_set (err, 0, "%s.timeout: must be at least 1, got %lld", path, (long long) h->timeout);
  return 0;
}

#define T struct oci_spec_hook
static const struct oci_field hook_fields[] = {
  OCI_F_STR (T, "path", path, OCI_FIELD_REQUIRED | OCI_FIELD_ABSPATH),
  OCI_F_STRV (T, "args", args, 0),
  OCI_F_STRV (T, "env", env, 0),
  OCI_F_NUM (T, "timeout", OCI_F_INT64, timeout),
};
static const struct oci_type hook_type = OCI_TYPE (T, "hook", hook_fields, check_hook);
#undef T

#define T struct oci_spec_hooks
static const struct oci_field hooks_fields[] = {
  OCI_F_OBJV (T, "prestart", prestart, hook_type, 0),
  OCI_F_OBJV (T, "createRuntime", create_runtime, hook_type, 0),
  OCI_F_OBJV (T, "createContainer", create_container, hook_type, 0),
  OCI_F_OBJV (T, "startContainer", start_container, hook_type, 0),
  OCI_F_OBJV (T, "poststart", poststart, hook_type, 0),
  OCI_F_OBJV (T, "poststop", poststop, hook_type, 0),
};
static const struct oci_type hooks_type = OCI_TYPE (T, "hooks", hooks_fields, NULL);
#undef T

static const char *const namespace_types[] = {
  "mount", "pid", "network", "uts", "ipc", "user", "cgroup", "time", NULL,
};

#define T struct oci_spec_namespace
static const struct oci_field namespace_fields[] = {
  OCI_F_ENUM (T, "type", type, OCI_FIELD_REQUIRED, namespace_types, "namespace"),
  OCI_F_STR (T, "path", path, 0),
};
static const struct oci_type namespace_type = OCI_TYPE (T, "namespace", namespace_fields, NULL);
#undef T

static int
check_device (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_spec_device *d = obj;

  if (strlen (d->type) != 1 || !strchr ("cbup", d->type[0]))
    return oci_error_set (err, 0, "%s.type: unknown device type \"%s\" (expected c, b, u or p)", path, d->type);
  if (d->type[0] != 'p' && (!d->major_present || !d->minor_present))
    return oci_error_set (err, 0, "%s: major and minor are required for a device of type %s", path, d->type);
  if (d->file_mode_present && d->file_mode > 0777)
    return oci_error_set (err, 0, "%s.fileMode: %u is out of range [0, 511]", path, d->file_mode);
  return 0;
}

#define T struct oci_spec_device
static const struct oci_field device_fields[] = {
  OCI_F_STR (T, "path", path, OCI_FIELD_REQUIRED),
  OCI_F_STR (T, "type", type, OCI_FIELD_REQUIRED),
  OCI_F_NUM (T, "major", OCI_F_INT64, major),
  OCI_F_NUM (T, "minor", OCI_F_INT64, minor),
  OCI_F_NUM (T, "fileMode", OCI_F_UINT32, file_mode),
  OCI_F_NUM (T, "uid", OCI_F_UINT32, uid),
  OCI_F_NUM (T, "gid", OCI_F_UINT32, gid),
};
static const struct oci_type device_type = OCI_TYPE (T, "device", device_fields, check_device);
#undef T

static int
check_device_cgroup (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_spec_device_cgroup *d = obj;

  if (d->type && (strlen (d->type) != 1 || !strchr ("acb", d->type[0])))
    return oci_error_set (err, 0, "%s.type: unknown device type \"%s\" (expected a, c or b)", path, d->type);
  /* runc ignores other letters ("rwa"): accept them, but one of r, w, m
   * must be there. */
  if (d->access && strcspn (d->access, "rwm") == strlen (d->access))
    return oci_error_set (err, 0, "%s.access: \"%s\" has none of r, w and m", path, d->access);
  return 0;
}

#define T struct oci_spec_device_cgroup
static const struct oci_field device_cgroup_fields[] = {
  OCI_F_NUM_REQ (T, "allow", OCI_F_BOOL, allow),
  OCI_F_STR (T, "type", type, 0),
  OCI_F_NUM (T, "major", OCI_F_INT64, major),
  OCI_F_NUM (T, "minor", OCI_F_INT64, minor),
  OCI_F_STR (T, "access", access, 0),
};
static const struct oci_type device_cgroup_type = OCI_TYPE (T, "deviceCgroup", device_cgroup_fields, check_device_cgroup);
#undef T

#define T struct oci_spec_memory
static const struct oci_field memory_fields[] = {
  OCI_F_NUM (T, "limit", OCI_F_INT64, limit),
  OCI_F_NUM (T, "reservation", OCI_F_INT64, reservation),
  OCI_F_NUM (T, "swap", OCI_F_INT64, swap),
  OCI_F_NUM (T, "kernel", OCI_F_INT64, kernel),
  OCI_F_NUM (T, "kernelTCP", OCI_F_INT64, kernel_tcp),
  OCI_F_NUM (T, "swappiness", OCI_F_UINT64, swappiness),
  OCI_F_FLAG (T, "disableOOMKiller", disable_oom_killer),
  OCI_F_FLAG (T, "useHierarchy", use_hierarchy),
  OCI_F_FLAG (T, "checkBeforeUpdate", check_before_update),
};
static const struct oci_type memory_type = OCI_TYPE (T, "memory", memory_fields, NULL);
#undef T

#define T struct oci_spec_cpu
static const struct oci_field cpu_fields[] = {
  OCI_F_NUM (T, "shares", OCI_F_UINT64, shares),
  OCI_F_NUM (T, "quota", OCI_F_INT64, quota),
  OCI_F_NUM (T, "burst", OCI_F_UINT64, burst),
  OCI_F_NUM (T, "period", OCI_F_UINT64, period),
  OCI_F_NUM (T, "realtimeRuntime", OCI_F_INT64, realtime_runtime),
  OCI_F_NUM (T, "realtimePeriod", OCI_F_UINT64, realtime_period),
  OCI_F_STR (T, "cpus", cpus, 0),
  OCI_F_STR (T, "mems", mems, 0),
  OCI_F_NUM (T, "idle", OCI_F_INT64, idle),
};
static const struct oci_type cpu_type = OCI_TYPE (T, "cpu", cpu_fields, NULL);
#undef T

#define T struct oci_spec_pids
static const struct oci_field pids_fields[] = {
  OCI_F_NUM_REQ (T, "limit", OCI_F_INT64, limit),
};
static const struct oci_type pids_type = OCI_TYPE (T, "pids", pids_fields, NULL);
#undef T

#define T struct oci_spec_blkio_weight_device
static const struct oci_field blkio_weight_device_fields[] = {
  OCI_F_NUM_REQ (T, "major", OCI_F_INT64, major),
  OCI_F_NUM_REQ (T, "minor", OCI_F_INT64, minor),
  OCI_F_NUM (T, "weight", OCI_F_UINT16, weight),
  OCI_F_NUM (T, "leafWeight", OCI_F_UINT16, leaf_weight),
};
static const struct oci_type blkio_weight_device_type = OCI_TYPE (T, "weightDevice", blkio_weight_device_fields, NULL);
#undef T

#define T struct oci_spec_blkio_throttle_device
static const struct oci_field blkio_throttle_device_fields[] = {
  OCI_F_NUM_REQ (T, "major", OCI_F_INT64, major),
  OCI_F_NUM_REQ (T, "minor", OCI_F_INT64, minor),
  OCI_F_NUM (T, "rate", OCI_F_UINT64, rate),
};
static const struct oci_type blkio_throttle_device_type = OCI_TYPE (T, "throttleDevice", blkio_throttle_device_fields, NULL);
#undef T

#define T struct oci_spec_blkio
static const struct oci_field blkio_fields[] = {
  OCI_F_NUM (T, "weight", OCI_F_UINT16, weight),
  OCI_F_NUM (T, "leafWeight", OCI_F_UINT16, leaf_weight),
  OCI_F_OBJV (T, "weightDevice", weight_device, blkio_weight_device_type, 0),
  OCI_F_OBJV (T, "throttleReadBpsDevice", throttle_read_bps_device, blkio_throttle_device_type, 0),
  OCI_F_OBJV (T, "throttleWriteBpsDevice", throttle_write_bps_device, blkio_throttle_device_type, 0),
  OCI_F_OBJV (T, "throttleReadIOPSDevice", throttle_read_iops_device, blkio_throttle_device_type, 0),
  OCI_F_OBJV (T, "throttleWriteIOPSDevice", throttle_write_iops_device, blkio_throttle_device_type, 0),
};
static const struct oci_type blkio_type = OCI_TYPE (T, "blockIO", blkio_fields, NULL);
#undef T

static int
check_hugepage (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_spec_hugepage_limit *h = obj;
  const char *s = h->page_size;
  size_t n = strlen (s);

  /* ^[1-9][0-9]*[KMG]B$ */
  if (n < 3 || s[0] < '1' || s[0] > '9' || s[n - 1] != 'B' || !strchr ("KMG", s[n - 2])
      || strspn (s, "0123456789") != n - 2)
    return oci_error_set (err, 0, "%s.pageSize: \"%s\" is not a page size such as 2MB", path, s);
  return 0;
}

#define T struct oci_spec_hugepage_limit
static const struct oci_field hugepage_fields[] = {
  OCI_F_STR (T, "pageSize", page_size, OCI_FIELD_REQUIRED),
  OCI_F_NUM_REQ (T, "limit", OCI_F_UINT64, limit),
};
static const struct oci_type hugepage_type = OCI_TYPE (T, "hugepageLimit", hugepage_fields, check_hugepage);
#undef T

#define T struct oci_spec_net_priority
static const struct oci_field net_priority_fields[] = {
  OCI_F_STR (T, "name", name, OCI_FIELD_REQUIRED),
  OCI_F_NUM_REQ (T, "priority", OCI_F_UINT32, priority),
};
static const struct oci_type net_priority_type = OCI_TYPE (T, "priority", net_priority_fields, NULL);
#undef T

#define T struct oci_spec_network
static const struct oci_field network_fields[] = {
  OCI_F_NUM (T, "classID", OCI_F_UINT32, class_id),
  OCI_F_OBJV (T, "priorities", priorities, net_priority_type, 0),
};
static const struct oci_type network_type = OCI_TYPE (T, "network", network_fields, NULL);
#undef T

#define T struct oci_spec_rdma
static const struct oci_field rdma_fields[] = {
  OCI_F_NUM (T, "hcaHandles", OCI_F_UINT32, hca_handles),
  OCI_F_NUM (T, "hcaObjects", OCI_F_UINT32, hca_objects),
};
static const struct oci_type rdma_type = OCI_TYPE (T, "rdma", rdma_fields, NULL);
#undef T

#define T struct oci_spec_resources
static const struct oci_field resources_fields[] = {
  OCI_F_OBJV (T, "devices", devices, device_cgroup_type, 0),
  OCI_F_OBJ (T, "memory", memory, memory_type, 0),
  OCI_F_OBJ (T, "cpu", cpu, cpu_type, 0),
  OCI_F_OBJ (T, "pids", pids, pids_type, 0),
  OCI_F_OBJ (T, "blockIO", block_io, blkio_type, 0),
  OCI_F_OBJV (T, "hugepageLimits", hugepage_limits, hugepage_type, 0),
  OCI_F_OBJ (T, "network", network, network_type, 0),
  OCI_F_OBJMAP_ (T, "rdma", rdma, rdma_type),
  OCI_F_MAP (T, "unified", unified),
};
static const struct oci_type resources_type = OCI_TYPE (T, "resources", resources_fields, NULL);
#undef T

static const char *const seccomp_actions[] = {
  "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
  "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL,
};
static const char *const seccomp_arches[] = {
  "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
  "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
  "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
  "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
  "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", NULL,
};
static const char *const seccomp_flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL,
};
static const char *const seccomp_ops[] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
  "SCMP_CMP_MASKED_EQ", NULL,
};

#define T struct oci_spec_syscall_arg
static const struct oci_field syscall_arg_fields[] = {
  OCI_F_NUM_REQ (T, "index", OCI_F_UINT32, index),
  OCI_F_NUM_REQ (T, "value", OCI_F_UINT64, value),
  OCI_F_NUM (T, "valueTwo", OCI_F_UINT64, value_two),
  OCI_F_ENUM (T, "op", op, OCI_FIELD_REQUIRED, seccomp_ops, "seccomp operator"),
};
static const struct oci_type syscall_arg_type = OCI_TYPE (T, "syscallArg", syscall_arg_fields, NULL);
#undef T

#define T struct oci_spec_syscall
static const struct oci_field syscall_fields[] = {
  OCI_F_STRV (T, "names", names, OCI_FIELD_REQUIRED | OCI_FIELD_NONEMPTY),
  OCI_F_ENUM (T, "action", action, OCI_FIELD_REQUIRED, seccomp_actions, "seccomp action"),
  OCI_F_NUM (T, "errnoRet", OCI_F_UINT32, errno_ret),
  OCI_F_OBJV (T, "args", args, syscall_arg_type, 0),
};
static const struct oci_type syscall_type = OCI_TYPE (T, "syscall", syscall_fields, NULL);
#undef T

#define T struct oci_spec_seccomp
static const struct oci_field seccomp_fields[] = {
  OCI_F_ENUM (T, "defaultAction", default_action, OCI_FIELD_REQUIRED, seccomp_actions, "seccomp action"),
  OCI_F_NUM (T, "defaultErrnoRet", OCI_F_UINT32, default_errno_ret),
  OCI_F_STRV_ENUM (T, "architectures", architectures, 0, seccomp_arches, "seccomp architecture"),
  OCI_F_STRV_ENUM (T, "flags", flags, 0, seccomp_flags, "seccomp flag"),
  OCI_F_STR (T, "listenerPath", listener_path, 0),
  OCI_F_STR (T, "listenerMetadata", listener_metadata, 0),
  OCI_F_OBJV (T, "syscalls", syscalls, syscall_type, 0),
};
static const struct oci_type seccomp_type = OCI_TYPE (T, "seccomp", seccomp_fields, NULL);
#undef T

static int
check_intel_rdt (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_spec_intel_rdt *r = obj;

  if (r->mem_bw_schema && (strncmp (r->mem_bw_schema, "MB:", 3) != 0 || strchr (r->mem_bw_schema, '\n')))
    return oci_error_set (err, 0, "%s.memBwSchema: \"%s\" does not start with MB: on one line", path,
                          r->mem_bw_schema);
  return 0;
}

#define T struct oci_spec_intel_rdt
static const struct oci_field intel_rdt_fields[] = {
  OCI_F_STR (T, "closID", clos_id, 0),
  OCI_F_STRV (T, "schemata", schemata, 0),
  OCI_F_STR (T, "l3CacheSchema", l3_cache_schema, 0),
  OCI_F_STR (T, "memBwSchema", mem_bw_schema, 0),
  OCI_F_FLAG (T, "enableMonitoring", enable_monitoring),
};
static const struct oci_type intel_rdt_type = OCI_TYPE (T, "intelRdt", intel_rdt_fields, check_intel_rdt);
#undef T

static const char *const personality_domains[] = { "LINUX", "LINUX32", NULL };

#define T struct oci_spec_personality
static const struct oci_field personality_fields[] = {
  OCI_F_ENUM (T, "domain", domain, 0, personality_domains, "personality domain"),
  OCI_F_STRV (T, "flags", flags, 0),
};
static const struct oci_type personality_type = OCI_TYPE (T, "personality", personality_fields, NULL);
#undef T

static const char *const mempolicy_modes[] = {
  "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
  "MPOL_PREFERRED_MANY", "MPOL_LOCAL", NULL,
};
static const char *const mempolicy_flags[] = {
  "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
};

#define T struct oci_spec_memory_policy
static const struct oci_field memory_policy_fields[] = {
  OCI_F_ENUM (T, "mode", mode, 0, mempolicy_modes, "memory policy mode"),
  OCI_F_STR (T, "nodes", nodes, 0),
  OCI_F_STRV_ENUM (T, "flags", flags, 0, mempolicy_flags, "memory policy flag"),
};
static const struct oci_type memory_policy_type = OCI_TYPE (T, "memoryPolicy", memory_policy_fields, NULL);
#undef T

#define T struct oci_spec_time_offset
static const struct oci_field time_offset_fields[] = {
  OCI_F_NUM (T, "secs", OCI_F_INT64, secs),
  OCI_F_NUM (T, "nanosecs", OCI_F_UINT32, nanosecs),
};
static const struct oci_type time_offset_type = OCI_TYPE (T, "timeOffset", time_offset_fields, NULL);
#undef T

#define T struct oci_spec_net_device
static const struct oci_field net_device_fields[] = {
  OCI_F_STR (T, "name", name, 0),
};
static const struct oci_type net_device_type = OCI_TYPE (T, "netDevice", net_device_fields, NULL);
#undef T

/* The schema lists four values; runc also takes the recursive forms, and
 * containerd's CRI plugin sends them ("rslave", "rprivate"). */
static const char *const propagations[] = {
  "private", "shared", "slave", "unbindable", "rprivate", "rshared", "rslave", "runbindable", NULL,
};

static int
check_linux (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_spec_linux *l = obj;
  size_t i, k;

  /* runtime-spec: a namespace type given twice MUST be an error. */
  for (i = 0; i < l->namespaces_len; i++)
    for (k = 0; k < i; k++)
      if (strcmp (l->namespaces[i].type, l->namespaces[k].type) == 0)
        return oci_error_set (err, 0, "%s.namespaces[%zu].type: duplicate namespace \"%s\"", path, i,
                              l->namespaces[i].type);
  for (i = 0; i < l->time_offsets_len; i++)
    if (strcmp (l->time_offsets_keys[i], "boottime") != 0 && strcmp (l->time_offsets_keys[i], "monotonic") != 0)
      return oci_error_set (err, 0, "%s.timeOffsets: unknown clock \"%s\" (expected boottime or monotonic)", path,
                            l->time_offsets_keys[i]);
  return 0;
}

#define T struct oci_spec_linux
static const struct oci_field linux_fields[] = {
  OCI_F_OBJV (T, "namespaces", namespaces, namespace_type, 0),
  OCI_F_OBJV (T, "uidMappings", uid_mappings, id_mapping_type, 0),
  OCI_F_OBJV (T, "gidMappings", gid_mappings, id_mapping_type, 0),
  OCI_F_OBJMAP_ (T, "timeOffsets", time_offsets, time_offset_type),
  OCI_F_OBJV (T, "devices", devices, device_type, 0),
  OCI_F_OBJMAP_ (T, "netDevices", net_devices, net_device_type),
  OCI_F_STR (T, "cgroupsPath", cgroups_path, 0),
  OCI_F_OBJ (T, "resources", resources, resources_type, 0),
  OCI_F_ENUM (T, "rootfsPropagation", rootfs_propagation, 0, propagations, "rootfs propagation"),
  OCI_F_OBJ (T, "seccomp", seccomp, seccomp_type, 0),
  OCI_F_MAP (T, "sysctl", sysctl),
  OCI_F_STRV (T, "maskedPaths", masked_paths, 0),
  OCI_F_STRV (T, "readonlyPaths", readonly_paths, 0),
  OCI_F_STR (T, "mountLabel", mount_label, 0),
  OCI_F_OBJ (T, "intelRdt", intel_rdt, intel_rdt_type, 0),
  OCI_F_OBJ (T, "personality", personality, personality_type, 0),
  OCI_F_OBJ (T, "memoryPolicy", memory_policy, memory_policy_type, 0),
};
static const struct oci_type linux_type = OCI_TYPE (T, "linux", linux_fields, check_linux);
#undef T

#define T struct oci_spec
static const struct oci_field spec_fields[] = {
  OCI_F_STR (T, "ociVersion", oci_version, OCI_FIELD_REQUIRED),
  OCI_F_OBJ (T, "process", process, process_type, 0),
  OCI_F_OBJ (T, "root", root, root_type, 0),
  OCI_F_STR (T, "hostname", hostname, 0),
  OCI_F_STR (T, "domainname", domainname, 0),
  OCI_F_OBJV (T, "mounts", mounts, mount_type, 0),
  OCI_F_OBJ (T, "hooks", hooks, hooks_type, 0),
  OCI_F_MAP (T, "annotations", annotations),
  OCI_F_OBJ (T, "linux", linux_, linux_type, 0),
};
static const struct oci_type spec_type = OCI_TYPE (T, "config", spec_fields, NULL);
#undef T

int
oci_spec_parse_json (const struct oci_json *j, struct oci_spec **ret, struct oci_error *err)
{
  return oci_bind_parse (&spec_type, j, "", (void **) ret, err);
}

int
oci_spec_parse_text (const char *buf, size_t len, struct oci_spec **ret, struct oci_error *err)
{
  return oci_bind_parse_text (&spec_type, buf, len, "config", (void **) ret, err);
}

int
oci_spec_parse_file (const char *path, struct oci_spec **ret, struct oci_error *err)
{
  return oci_bind_parse_file (&spec_type, path, (void **) ret, err);
}

int
oci_spec_validate (const struct oci_spec *spec, struct oci_error *err)
{
  return oci_bind_validate (&spec_type, spec, "", err);
}

int
oci_spec_generate (const struct oci_spec *spec, int json_flags, char **ret, size_t *ret_len,
                   struct oci_error *err)
{
  return oci_bind_generate (&spec_type, spec, json_flags, ret, ret_len, err);
}

void
oci_spec_free (struct oci_spec *spec)
{
  oci_bind_free (&spec_type, spec);
}

int
oci_spec_process_parse_file (const char *path, struct oci_spec_process **ret, struct oci_error *err)
{
  return oci_bind_parse_file (&process_type, path, (void **) ret, err);
}

int
oci_spec_process_parse_json (const struct oci_json *j, struct oci_spec_process **ret, struct oci_error *err)
{
  return oci_bind_parse (&process_type, j, "process", (void **) ret, err);
}

int
oci_spec_process_parse_text (const char *buf, size_t len, struct oci_spec_process **ret, struct oci_error *err)
{
  return oci_bind_parse_text (&process_type, buf, len, "process", (void **) ret, err);
}

void
oci_spec_process_free (struct oci_spec_process *p)
{
  oci_bind_free (&process_type, p);
}

int
oci_spec_resources_parse_text (const char *buf, size_t len, struct oci_spec_resources **ret,
                               struct oci_error *err)
{
  return oci_bind_parse_text (&resources_type, buf, len, "resources", (void **) ret, err);
}

void
oci_spec_resources_free (struct oci_spec_resources *r)
{
  oci_bind_free (&resources_type, r);
}
