/* The per-process attributes of the runtime-spec other than user,
 * capabilities and seccomp: rlimits, oomScoreAdj, personality, ioPriority,
 * scheduler, execCPUAffinity, memoryPolicy and noNewPrivileges.
 *
 * Each has a pure `_check` that `create` runs before anything starts, so a
 * bad config fails there with an error naming the field, and an `_apply`
 * that acts on the calling process (or `pid`, where the syscall allows it).
 * Every function accepts NULL (or an absent field) and then does nothing. */
#ifndef TONG_PROCESS_ATTRS_H
#define TONG_PROCESS_ATTRS_H

#include <stddef.h>
#include <sys/types.h>

#include "oci/error.h"
#include "oci/runtime-spec.h"

/* All the checks below, for one process (and the container's linux
 * section, which holds personality and memoryPolicy; may be NULL). */
int tong_process_attrs_check (const struct oci_spec_process *p, const struct oci_spec_linux *l,
                              struct oci_error *err);

/* rlimits: "RLIMIT_NOFILE" → RLIMIT_NOFILE, -1 when Linux has no such limit. */
int tong_rlimit_resource (const char *name);
int tong_rlimits_check (const struct oci_spec_process *p, struct oci_error *err);
/* prlimit on pid (0: the caller), in order, so a later entry of the same
 * type wins as in runc.  Apply before setuid and before capabilities are
 * dropped: raising a hard limit needs CAP_SYS_RESOURCE, and the error says
 * so. */
int tong_rlimits_apply (const struct oci_spec_process *p, pid_t pid, struct oci_error *err);

/* oomScoreAdj: range [-1000, 1000].  Apply writes <proc>/self/oom_score_adj
 * through proc_fd, a directory fd on a procfs the caller trusts (-1 opens
 * /proc), and refuses a file that is not on procfs (CVE-2025-52881). */
int tong_oom_score_adj_check (const struct oci_spec_process *p, struct oci_error *err);
int tong_oom_score_adj_apply (const struct oci_spec_process *p, int proc_fd, struct oci_error *err);

/* linux.personality: LINUX or LINUX32; no flag is defined by the spec yet,
 * so any flag is refused rather than ignored. */
int tong_personality_check (const struct oci_spec_personality *p, struct oci_error *err);
int tong_personality_apply (const struct oci_spec_personality *p, struct oci_error *err);

/* process.ioPriority: class IOPRIO_CLASS_RT|BE|IDLE, priority 0-7.  Applied
 * to the calling process (IOPRIO_WHO_PROCESS), which its children inherit:
 * runc's IOPRIO_WHO_PGRP would also reach whatever else shares the
 * caller's process group before the container has a session of its own. */
int tong_ioprio_check (const struct oci_spec_io_priority *io, struct oci_error *err);
int tong_ioprio_apply (const struct oci_spec_io_priority *io, struct oci_error *err);

/* process.scheduler through sched_setattr(2), validated as runc does (nice
 * in [-20, 19], priority only for FIFO/RR and then within their range,
 * runtime/deadline/period only for DEADLINE); SCHED_ISO is refused since
 * Linux has never implemented it. */
int tong_scheduler_check (const struct oci_spec_scheduler *s, struct oci_error *err);
int tong_scheduler_apply (const struct oci_spec_scheduler *s, struct oci_error *err);

/* A set of CPUs or NUMA nodes, as the kernel's bitmaps hold them. */
struct tong_cpuset {
  unsigned long *bits;  /* NULL for the empty list */
  size_t size;          /* bytes in bits */
  size_t count;         /* members */
};

/* Parses "0-3,7" (runc's grammar: blanks around elements and empty
 * elements are allowed, "1 - 2" and "3-1" are not; members up to 65536).
 * "" gives the empty set; a list with no member otherwise (" ", ",") is an
 * error. */
int tong_cpulist_parse (const char *list, struct tong_cpuset *ret, struct oci_error *err);
void tong_cpuset_release (struct tong_cpuset *s);

/* process.execCPUAffinity: `initial` applies to the runtime's process
 * before it joins the container's cgroup, `final` after; an absent or empty
 * list leaves the affinity alone. */
int tong_cpu_affinity_check (const struct oci_spec_cpu_affinity *a, struct oci_error *err);
int tong_cpu_affinity_apply (const char *cpulist, pid_t pid, struct oci_error *err);

/* linux.memoryPolicy through set_mempolicy(2); node counts checked per mode
 * as runc does, STATIC_NODES and RELATIVE_NODES exclusive. */
int tong_memory_policy_check (const struct oci_spec_memory_policy *m, struct oci_error *err);
int tong_memory_policy_apply (const struct oci_spec_memory_policy *m, struct oci_error *err);

/* process.noNewPrivileges: PR_SET_NO_NEW_PRIVS when true. */
int tong_no_new_privs_apply (const struct oci_spec_process *p, struct oci_error *err);

#endif
