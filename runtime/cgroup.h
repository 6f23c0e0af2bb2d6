/* The container's cgroup, in every hierarchy the host mounts: cgroup v1
 * (one directory per mounted hierarchy, named ones such as name=systemd
 * included), cgroup v2 (the unified hierarchy), or both (hybrid).
 *
 * Paths follow runc 1.1's cgroupfs driver (libcontainer/cgroups/fs and fs2):
 *   - linux.cgroupsPath absolute ("/a/b"): that path under the root of each
 *     hierarchy, whatever cgroup the runtime itself is in;
 *   - relative ("a/b"): under the runtime's own cgroup in each v1 hierarchy
 *     (and in the unified hierarchy of a hybrid host); on a v2-only host under
 *     the *parent* of the runtime's own cgroup, because a v2 cgroup holding
 *     processes cannot enable controllers for its children;
 *   - NULL or empty: the relative path "<id>", exactly as runc does.
 * The path is cleaned lexically first (runc's CleanPath): a relative path
 * can never climb above the cgroup it is relative to.  A path naming the
 * hierarchy root or the runtime's own cgroup is refused, so that limits are
 * never written to a cgroup the runtime did not make.
 *
 * Only directories this module created are ever removed; a cgroup that
 * already existed is joined and configured but left in place by destroy.
 *
 * Every resource is applied or refused with an error naming the field
 * (`linux.resources.memory.limit: write …/memory.limit_in_bytes: …`).  A
 * resource whose controller is not available is an error, unless its value
 * means "no limit".  As runc 1.1:
 *   - memory.kernel and memory.kernelTCP are accepted and ignored (the
 *     runtime-spec deprecates them, "may be ignored by runtimes"; kernels
 *     since 5.16 no longer honour them);
 *   - runc's default device allow-list (/dev/null, zero, full, tty, random,
 *     urandom, ptmx, pts, tun, mknod of any device) is appended to
 *     linux.resources.devices; v1 gets the fewest devices.deny/allow lines
 *     from its current devices.list, v2 an eBPF program;
 *   - unprivileged or in a user namespace ("rootless"): device rules are
 *     not applied, and without a cgroupsPath a hierarchy that cannot be
 *     written is skipped (a limit needing it is then refused by name);
 *   - tong_cgroup_update leaves device rules as they were.
 * Unlike runc 1.1:
 *   - v2 refuses by name what it cannot do (swappiness, disableOOMKiller,
 *     useHierarchy=false, realtime*, leafWeight) where runc ignores it;
 *   - hybrid hosts: a limit whose controller has no v1 hierarchy goes to
 *     the cgroup2 cgroup when that controller is enabled there, unified
 *     keys are written there (runc refuses them), and a relative path in
 *     cgroup2 is relative to the runtime's own cgroup2 cgroup;
 *   - in the eBPF filter a deny rule with partial access ("w") denies any
 *     request that overlaps it, as v1 does (runc's lets "rw" through).
 *
 * Library code: nothing is printed, errors go into struct oci_error. */
#ifndef TONG_CGROUP_H
#define TONG_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/error.h"
#include "oci/json.h"
#include "oci/runtime-spec.h"

/* Opaque: the container's directory in each hierarchy. */
struct tong_cgroup;

/* Creates the cgroup in every hierarchy and applies `res` (may be NULL:
 * only the default device rules then).  Nothing is left behind on failure.
 * `id` names the default path.  systemd=true (--systemd-cgroup) checks the
 * "slice:prefix:name" form of cgroups_path, then fails: with "systemd cgroup
 * driver: systemd is not running" when /run/systemd/system is missing,
 * else because this runtime has no systemd driver yet. */
int tong_cgroup_setup (const char *cgroups_path, const char *id, const struct oci_spec_resources *res,
                       bool systemd, struct tong_cgroup **ret, struct oci_error *err);

/* Moves `pid` (0: the calling process) into the cgroup of every hierarchy.
 * Allocates nothing, so a freshly cloned child may call it.  Also needed
 * after clone3 (CLONE_INTO_CGROUP) on a hybrid host, for the v1
 * hierarchies; calling it again is harmless. */
int tong_cgroup_enter (const struct tong_cgroup *cg, pid_t pid, struct oci_error *err);
/* The same but for the v2 cgroup, which pid was cloned into (tong_clone). */
int tong_cgroup_enter_v1 (const struct tong_cgroup *cg, pid_t pid, struct oci_error *err);
/* cgroup-sub.c: exec --cgroup ARG…: joins sub-cgroups ("PATH" or
 * "CTRL[,CTRL]:PATH") of the container's cgroup instead. */
int tong_cgroup_enter_sub (const struct tong_cgroup *cg, pid_t pid, char *const *args, size_t nargs,
                           struct oci_error *err);

/* O_PATH|O_DIRECTORY fd of the v2 cgroup, for clone3's CLONE_INTO_CGROUP;
 * -1 when there is no v2 cgroup.  Owned by cg (closed by tong_cgroup_free). */
int tong_cgroup_v2_dirfd (const struct tong_cgroup *cg);
/* Some directory of the container's cgroup was there before its setup
 * (shared with another container, or made by hand). */
bool tong_cgroup_preexisting (const struct tong_cgroup *cg);

/* What to keep in the container's state to find the cgroup again with
 * tong_cgroup_load.  Treat it as opaque: it is the cgroup path ("/a/b")
 * when it is the same in every hierarchy and was created by us, else one
 * "<hierarchy>:<path>" line per hierarchy ("-<hierarchy>:<path>" for a
 * cgroup that existed before); "" when an unprivileged runtime without a
 * cgroupsPath could create none (runc's rootless rule: the container then
 * stays in the runtime's cgroups and any limit is refused by name). */
const char *tong_cgroup_path (const struct tong_cgroup *cg);

/* Reopens a cgroup from tong_cgroup_path's string (delete, kill, pause,
 * update, events); NULL or "" gives a cgroup with no directory.  The
 * directories need not exist any more. */
int tong_cgroup_load (const char *path, struct tong_cgroup **ret, struct oci_error *err);

/* Every process in the cgroup and its descendants (host pids); from the v2
 * cgroup on a v2-only host, else from a v1 hierarchy (freezer, pids,
 * devices, any).  An absent cgroup has no processes. */
int tong_cgroup_pids (const struct tong_cgroup *cg, pid_t **ret, size_t *ret_len, struct oci_error *err);

/* Sends `sig` to every process: through cgroup.kill when sig is SIGKILL and
 * a v2 cgroup has one; else freezes, signals each process, and thaws
 * (always after SIGKILL, otherwise only when it was not frozen before), as
 * runc's signalAllProcesses.  Does not wait for the processes. */
int tong_cgroup_kill_all (const struct tong_cgroup *cg, int sig, struct oci_error *err);

/* pause/resume: v1 freezer.state (retried until FROZEN), else v2
 * cgroup.freeze (waiting for "frozen 1" in cgroup.events). */
int tong_cgroup_freeze (const struct tong_cgroup *cg, bool freeze, struct oci_error *err);
int tong_cgroup_paused (const struct tong_cgroup *cg, bool *ret, struct oci_error *err);

/* `tong update`: applies the fields present in res (devices excepted, see
 * above).  memory.checkBeforeUpdate refuses a limit below current usage. */
int tong_cgroup_update (const struct tong_cgroup *cg, const struct oci_spec_resources *res,
                        struct oci_error *err);

/* Removes the directories this module created (and any sub-cgroups the
 * container made inside them), retrying briefly while processes exit;
 * a directory already gone is fine.  Does not free cg. */
int tong_cgroup_destroy (struct tong_cgroup *cg, struct oci_error *err);
void tong_cgroup_free (struct tong_cgroup *cg);
void tong_cgroup_freep (struct tong_cgroup **cg);
#define cleanup_cgroup __attribute__ ((cleanup (tong_cgroup_freep)))

/* Writes the "data" object of runc's `events --stats` (types.Stats: cpu,
 * cpuset, memory, pids, blkio, hugetlb, intel_rdt, network_interfaces). */
int tong_cgroup_stats (const struct tong_cgroup *cg, struct oci_json_writer *w, struct oci_error *err);

/* OOM kills so far (v1 memory.oom_control, v2 memory.events "oom_kill"),
 * for `events`; 0 without a memory controller. */
int tong_cgroup_oom_kills (const struct tong_cgroup *cg, uint64_t *ret, struct oci_error *err);

#endif
