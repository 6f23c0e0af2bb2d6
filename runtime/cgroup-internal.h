/* Inside the cgroup module; the rest of the runtime uses cgroup.h only.
 *   cgroup.c            hierarchies, creation, joining, loading, removal
 *   cgroup-path.c       cgroupsPath rules and the saved form (pure)
 *   cgroup-file.c       reading and writing cgroup files
 *   cgroup-resources.c  which version applies each resource, devices
 *   cgroup-v1.c         v1 resources, freezer, stats
 *   cgroup-v2.c         v2 conversions, resources, freezer, stats
 *   cgroup-devices.c    device rules: emulator, v1 lines, eBPF filter
 *   cgroup-procs.c      processes: list, signal, freeze, stats, OOM
 *   cgroup-stats.c      runc's stats JSON */
#ifndef TONG_CGROUP_INTERNAL_H
#define TONG_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"

enum tong_cg_mode {
  TONG_CG_LEGACY,   /* v1 hierarchies only */
  TONG_CG_HYBRID,   /* v1 hierarchies, plus cgroup2 (usually at /sys/fs/cgroup/unified) */
  TONG_CG_UNIFIED,  /* cgroup2 only */
};

/* Controllers, as bits: a v1 hierarchy may carry several ("cpu,cpuacct"),
 * a v2 cgroup lists those enabled for it in cgroup.controllers. */
enum {
  TONG_CG_CPU = 1u << 0,
  TONG_CG_CPUACCT = 1u << 1,
  TONG_CG_CPUSET = 1u << 2,
  TONG_CG_MEMORY = 1u << 3,
  TONG_CG_DEVICES = 1u << 4,
  TONG_CG_FREEZER = 1u << 5,
  TONG_CG_BLKIO = 1u << 6,   /* v1 blkio, v2 io */
  TONG_CG_PIDS = 1u << 7,
  TONG_CG_HUGETLB = 1u << 8,
  TONG_CG_NET_CLS = 1u << 9,
  TONG_CG_NET_PRIO = 1u << 10,
  TONG_CG_RDMA = 1u << 11,
};

/* Bit of a controller name ("io" and "blkio" are the same bit), 0 if unknown. */
/* The pid to name in a message about moving `pid` (0: ourselves): our
 * pid as /proc sees it, which is the host's while we are in its mount
 * namespace, even when we were born in the container's pid namespace. */
pid_t tong_cg_shown_pid (pid_t pid);

unsigned tong_cg_controller_bit (const char *name);
/* Bits of a comma- or space-separated list of names. */
unsigned tong_cg_controller_bits (const char *list);

/* One hierarchy and the container's directory in it. */
struct tong_cg_hier {
  char *key;        /* v1: controllers as /proc/self/cgroup names them ("cpu",
                       "name=systemd"); v2: "unified" */
  bool v2;
  unsigned ctrls;   /* v1: the controllers of this hierarchy */
  char *mountpoint; /* where the hierarchy is mounted */
  char *rel;        /* the cgroup, from the mountpoint: "/" + … */
  char *dir;        /* mountpoint + rel */
  bool created;     /* the leaf was made by us: destroy may remove it */
  char *top_created;/* outermost directory made by this setup (rollback only) */
};

struct tong_cgroup {
  enum tong_cg_mode mode;
  struct tong_cg_hier *h;
  size_t n;
  char *saved;      /* tong_cgroup_path */
  int v2_fd;        /* O_PATH of the v2 directory, -1 */
};

/* ---- pure helpers (unit-tested) ----------------------------------------- */

/* runc's CleanPath: lexical clean; a relative path stays relative but can
 * no longer climb ("../../a" → "a").  "" → "".  NULL on ENOMEM. */
char *tong_cg_clean_path (const char *path);

/* The cleaned path from linux.cgroupsPath, or "<id>" when it is NULL or
 * empty.  Refuses what would name a hierarchy root or the runtime's own
 * cgroup, and control characters (the saved form is line based). */
int tong_cg_inner_path (const char *cgroups_path, const char *id, char **ret, struct oci_error *err);

/* Where `inner` lands in one hierarchy, as a path from its mountpoint.
 * own: the runtime's cgroup there (/proc/self/cgroup); mount_root: the
 * hierarchy path mounted at the mountpoint (mountinfo field 4);
 * parent_of_own: v2-only hosts use the parent of `own` (see cgroup.h). */
int tong_cg_resolve (const char *inner, const char *mount_root, const char *own, bool parent_of_own, char **ret,
                     struct oci_error *err);

/* runc: weight = 1 + ((shares - 2) * 9999) / 262142; 0 stays 0 (unset). */
uint64_t tong_cg_shares_to_weight (uint64_t shares);
/* runc: blkio weight [10, 1000] → io.weight [1, 10000]; 0 stays 0. */
uint64_t tong_cg_blkio_to_io_weight (uint64_t weight);
/* cpu.max: "QUOTA PERIOD" or "max PERIOD" (quota <= 0), period 100000
 * when 0.  Returns the length, as snprintf. */
int tong_cg_cpu_max (char *buf, size_t len, int64_t quota, uint64_t period);
/* memory.swap.max from the spec's memory+swap: -1 "max", 0 unset, else
 * swap - limit; errors as runc's ConvertMemorySwapToCgroupV2Value. */
int tong_cg_swap_v2 (int64_t swap, int64_t limit, int64_t *ret, struct oci_error *err);

/* Saved form of the hierarchies' paths (tong_cgroup_path) and back. */
char *tong_cg_format_saved (const struct tong_cgroup *cg);
struct tong_cg_saved_entry {
  char *key;
  char *rel;
  bool created;
};
/* Either one path for every hierarchy (*ret_len 0, *ret_all set) or entries. */
int tong_cg_parse_saved (const char *saved, char **ret_all, struct tong_cg_saved_entry **ret, size_t *ret_len,
                         struct oci_error *err);
void tong_cg_saved_entries_free (struct tong_cg_saved_entry *e, size_t n);

/* ---- files ----------------------------------------------------------- */

/* One write(2) of value into dir/file.  Error: "write DIR/FILE: …" with errno. */
int tong_cg_write (const char *dir, const char *file, const char *value, struct oci_error *err);
int tong_cg_write_u64 (const char *dir, const char *file, uint64_t v, struct oci_error *err);
int tong_cg_write_i64 (const char *dir, const char *file, int64_t v, struct oci_error *err);
/* Whole file, NUL-terminated (caller frees). */
int tong_cg_read (const char *dir, const char *file, char **ret, struct oci_error *err);
/* A number; "max" reads as UINT64_MAX. */
int tong_cg_read_u64 (const char *dir, const char *file, uint64_t *ret, struct oci_error *err);
/* Value of "key N" in a flat keyed file (memory.events, memory.oom_control);
 * -ENOENT without an error set when the key is absent. */
int tong_cg_read_key_u64 (const char *dir, const char *file, const char *key, uint64_t *ret,
                          struct oci_error *err);
bool tong_cg_exists (const char *dir, const char *file);

/* ---- hierarchies ----------------------------------------------------- */

/* The directory of the v1 hierarchy carrying `ctrl`, NULL if none. */
const char *tong_cg_v1_dir (const struct tong_cgroup *cg, unsigned ctrl);
/* The v2 directory, NULL if none. */
const char *tong_cg_v2_dir (const struct tong_cgroup *cg);
/* Controllers usable in the v2 directory (its cgroup.controllers). */
unsigned tong_cg_v2_controllers (const struct tong_cgroup *cg);

/* ---- resources, by version (cgroup-v1.c, cgroup-v2.c) ------------------- */

/* Each applies the part of `r` its controller handles to `dir` (fields
 * absent from r are left alone); errors name the field.  update: called by
 * tong_cgroup_update rather than at creation. */
typedef int tong_cg_apply_fn (const char *dir, const struct oci_spec_resources *r, bool update,
                              struct oci_error *err);

tong_cg_apply_fn tong_cg_v1_memory, tong_cg_v1_cpu, tong_cg_v1_cpuset, tong_cg_v1_pids, tong_cg_v1_blkio,
    tong_cg_v1_hugetlb, tong_cg_v1_net_cls, tong_cg_v1_net_prio, tong_cg_rdma;
tong_cg_apply_fn tong_cg_v2_memory, tong_cg_v2_cpu, tong_cg_v2_cpuset, tong_cg_v2_pids, tong_cg_v2_io,
    tong_cg_v2_hugetlb, tong_cg_v2_unified;

/* All resource groups but devices (cgroup-resources.c). */
int tong_cg_apply_resources (const struct tong_cgroup *cg, const struct oci_spec_resources *res, bool update,
                             struct oci_error *err);
/* The device rules of res (may be NULL) and runc's defaults. */
int tong_cg_apply_devices (const struct tong_cgroup *cg, const struct oci_spec_resources *res,
                           struct oci_error *err);

/* Each hugepage limit into hugetlb.<size>.<suffix> ("limit_in_bytes" on
 * v1, "max" on v2), refusing page sizes the host does not have. */
int tong_cg_hugetlb_write (const char *dir, const struct oci_spec_resources *res, const char *suffix,
                           struct oci_error *err);
/* Copies cpuset.cpus and cpuset.mems from the parent when empty, which a
 * v1 cpuset needs before any process can join it. */
int tong_cg_v1_cpuset_copy_parent (const char *dir, struct oci_error *err);
/* Enables in dir's cgroup.subtree_control every controller of its
 * cgroup.controllers not yet enabled, as runc does for each ancestor;
 * failures are left for the resource that needs the controller to report. */
void tong_cg_v2_enable_in (const char *dir);
/* cgroup.type "domain invalid" and friends, handled as runc does. */
int tong_cg_v2_check_type (const char *dir, const struct oci_spec_resources *res, struct oci_error *err);

/* v1 freezer.state / v2 cgroup.freeze. */
int tong_cg_v1_freeze (const char *dir, bool freeze, struct oci_error *err);
int tong_cg_v1_frozen (const char *dir, bool *ret, struct oci_error *err);
int tong_cg_v2_freeze (const char *dir, bool freeze, struct oci_error *err);
int tong_cg_v2_frozen (const char *dir, bool *ret, struct oci_error *err);

/* ---- devices (cgroup-devices.c) -------------------------------------- */

enum {
  TONG_DEV_MKNOD = 1,   /* the bits of BPF_DEVCG_ACC_* */
  TONG_DEV_READ = 2,
  TONG_DEV_WRITE = 4,
  TONG_DEV_RWM = 7,
};

struct tong_dev_rule {
  char type;        /* 'a', 'b', 'c' */
  int64_t major;    /* -1: any */
  int64_t minor;    /* -1: any */
  unsigned access;  /* TONG_DEV_* */
  bool allow;
};

/* The state of a v1 devices cgroup, as runc's devices.Emulator: a default
 * and exceptions to it (one per type/major/minor, access merged). */
struct tong_dev_emu {
  bool default_allow;
  struct tong_dev_rule *ex;   /* .allow unused */
  size_t n;
};

/* linux.resources.devices, then runc's default allow-list. */
int tong_dev_rules_from_spec (const struct oci_spec_device_cgroup *d, size_t n, struct tong_dev_rule **ret,
                              size_t *ret_len, struct oci_error *err);
void tong_dev_emu_init (struct tong_dev_emu *e, bool default_allow);
void tong_dev_emu_clear (struct tong_dev_emu *e);
/* Applies one rule as the v1 kernel would; refuses to punch a hole in a
 * wildcard exception (runc's safety rule). */
int tong_dev_emu_apply (struct tong_dev_emu *e, const struct tong_dev_rule *r, struct oci_error *err);
/* From the text of devices.list. */
int tong_dev_emu_from_list (const char *list, struct tong_dev_emu *e, struct oci_error *err);
bool tong_dev_emu_equal (const struct tong_dev_emu *a, const struct tong_dev_emu *b);
/* The fewest rules taking `from` to `to` (runc's Transition). */
int tong_dev_transition (const struct tong_dev_emu *from, const struct tong_dev_emu *to, struct tong_dev_rule **ret,
                         size_t *ret_len, struct oci_error *err);
/* "c 1:3 rwm", "a *:* rwm". */
void tong_dev_rule_string (const struct tong_dev_rule *r, char *buf, size_t len);

/* The BPF_PROG_TYPE_CGROUP_DEVICE program for an emulated state: struct
 * bpf_insn array (8 bytes each), *ret_len instructions. */
int tong_dev_bpf_program (const struct tong_dev_emu *e, void **ret, size_t *ret_len, struct oci_error *err);

/* Applies rules to a v1 devices cgroup (transition from its devices.list). */
int tong_dev_v1_apply (const char *dir, const struct tong_dev_rule *rules, size_t n, struct oci_error *err);
/* Loads the program and attaches it (BPF_F_ALLOW_MULTI) to the v2 directory,
 * then detaches programs attached before. */
int tong_dev_v2_apply (const char *dir, const struct tong_dev_rule *rules, size_t n, struct oci_error *err);
/* Is this process in a user namespace other than the initial one? */
bool tong_cg_in_userns (void);
/* Unprivileged (euid != 0) or in a user namespace: runc's "rootless". */
bool tong_cg_rootless (void);

/* ---- stats (cgroup-stats.c) ------------------------------------------- */

enum {
  TONG_BLKIO_SERVICE_BYTES,
  TONG_BLKIO_SERVICED,
  TONG_BLKIO_QUEUED,
  TONG_BLKIO_SERVICE_TIME,
  TONG_BLKIO_WAIT_TIME,
  TONG_BLKIO_MERGED,
  TONG_BLKIO_TIME,
  TONG_BLKIO_SECTORS,
  TONG_BLKIO_N,
};

struct tong_blkio_entry {
  uint64_t major, minor, value;
  char op[16];
};

struct tong_u64_list {
  uint64_t *v;
  size_t n;
};

struct tong_mem_entry {
  uint64_t limit, usage, max, failcnt;
};

struct tong_cg_stats {
  struct {
    uint64_t total, kernel, user;
    struct tong_u64_list percpu, percpu_kernel, percpu_user;
    uint64_t periods, throttled_periods, throttled_time;
  } cpu;
  struct {
    struct tong_u64_list cpus, mems;
    uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate, memory_spread_page,
        memory_spread_slab, memory_pressure, sched_load_balance;
    int64_t sched_relax_domain_level;
  } cpuset;
  struct {
    uint64_t cache;
    struct tong_mem_entry usage, swap, kernel, kernel_tcp;
    char **raw_keys;
    uint64_t *raw_values;
    size_t raw_n;
  } memory;
  struct {
    uint64_t current, limit;
  } pids;
  struct {
    struct tong_blkio_entry *v;
    size_t n;
  } blkio[TONG_BLKIO_N];
  struct {
    char size[16];
    uint64_t usage, max, failcnt;
  } *hugetlb;
  size_t hugetlb_n;
};

int tong_stats_u64_push (struct tong_u64_list *l, uint64_t v);
int tong_stats_raw_set (struct tong_cg_stats *s, const char *key, uint64_t v);
int tong_stats_blkio_push (struct tong_cg_stats *s, int kind, uint64_t major, uint64_t minor, const char *op,
                           uint64_t value);
int tong_stats_hugetlb_add (struct tong_cg_stats *s, const char *size, uint64_t usage, uint64_t max,
                            uint64_t failcnt);
/* Page sizes as the hugetlb files name them ("2MB", "1GB"), from
 * /sys/kernel/mm/hugepages; NULL-terminated, caller frees (strv). */
char **tong_hugepage_sizes (void);
/* "0-3,5" → list. */
int tong_parse_cpu_list (const char *s, struct tong_u64_list *ret);
void tong_stats_free (struct tong_cg_stats *s);
void tong_stats_write (const struct tong_cg_stats *s, struct oci_json_writer *w);

int tong_cg_v1_stats (const struct tong_cgroup *cg, struct tong_cg_stats *s, struct oci_error *err);
int tong_cg_v2_stats (const char *dir, unsigned which, struct tong_cg_stats *s, struct oci_error *err);

#endif
