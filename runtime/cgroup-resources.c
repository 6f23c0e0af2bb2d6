/* Applying linux.resources: each group of fields goes to its v1
 * hierarchy, else to the v2 cgroup when its controller is enabled there,
 * else is refused by name unless it asks for no limit; then devices. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-internal.h"
#include "oci/cleanup.h"

/* ---- resources --------------------------------------------------------- */

/* The first field of a group that limits something, NULL when the group
 * asks for nothing or only for "no limit" (then a missing controller is
 * fine). */
typedef const char *needs_fn (const struct oci_spec_resources *r);

static const char *
needs_memory (const struct oci_spec_resources *r)
{
  const struct oci_spec_memory *m = r->memory;
  if (!m)
    return NULL;
  if (m->limit_present && m->limit > 0)
    return "linux.resources.memory.limit";
  if (m->reservation_present && m->reservation > 0)
    return "linux.resources.memory.reservation";
  if (m->swap_present && m->swap > 0)
    return "linux.resources.memory.swap";
  if (m->swappiness_present)
    return "linux.resources.memory.swappiness";
  if (m->disable_oom_killer_present && m->disable_oom_killer)
    return "linux.resources.memory.disableOOMKiller";
  if (m->use_hierarchy_present && !m->use_hierarchy)
    return "linux.resources.memory.useHierarchy";
  return NULL;
}

static const char *
needs_cpu (const struct oci_spec_resources *r)
{
  const struct oci_spec_cpu *c = r->cpu;
  if (!c)
    return NULL;
  if (c->shares_present && c->shares > 0)
    return "linux.resources.cpu.shares";
  if (c->quota_present && c->quota > 0)
    return "linux.resources.cpu.quota";
  if (c->burst_present && c->burst > 0)
    return "linux.resources.cpu.burst";
  if (c->realtime_runtime_present && c->realtime_runtime > 0)
    return "linux.resources.cpu.realtimeRuntime";
  if (c->realtime_period_present && c->realtime_period > 0)
    return "linux.resources.cpu.realtimePeriod";
  if (c->idle_present && c->idle != 0)
    return "linux.resources.cpu.idle";
  return NULL;
}

static const char *
needs_cpuset (const struct oci_spec_resources *r)
{
  if (r->cpu && r->cpu->cpus && *r->cpu->cpus)
    return "linux.resources.cpu.cpus";
  if (r->cpu && r->cpu->mems && *r->cpu->mems)
    return "linux.resources.cpu.mems";
  return NULL;
}

static const char *
needs_pids (const struct oci_spec_resources *r)
{
  return r->pids && r->pids->limit > 0 ? "linux.resources.pids.limit" : NULL;
}

static const char *
needs_blkio (const struct oci_spec_resources *r)
{
  const struct oci_spec_blkio *b = r->block_io;
  if (!b)
    return NULL;
  if (b->weight_present && b->weight > 0)
    return "linux.resources.blockIO.weight";
  if (b->leaf_weight_present && b->leaf_weight > 0)
    return "linux.resources.blockIO.leafWeight";
  if (b->weight_device_len)
    return "linux.resources.blockIO.weightDevice";
  if (b->throttle_read_bps_device_len)
    return "linux.resources.blockIO.throttleReadBpsDevice";
  if (b->throttle_write_bps_device_len)
    return "linux.resources.blockIO.throttleWriteBpsDevice";
  if (b->throttle_read_iops_device_len)
    return "linux.resources.blockIO.throttleReadIOPSDevice";
  if (b->throttle_write_iops_device_len)
    return "linux.resources.blockIO.throttleWriteIOPSDevice";
  return NULL;
}

static const char *
needs_hugetlb (const struct oci_spec_resources *r)
{
  return r->hugepage_limits_len ? "linux.resources.hugepageLimits" : NULL;
}

static const char *
needs_net_cls (const struct oci_spec_resources *r)
{
  return r->network && r->network->class_id_present && r->network->class_id ? "linux.resources.network.classID"
                                                                            : NULL;
}

static const char *
needs_net_prio (const struct oci_spec_resources *r)
{
  return r->network && r->network->priorities_len ? "linux.resources.network.priorities" : NULL;
}

static const char *
needs_rdma (const struct oci_spec_resources *r)
{
  return r->rdma_len ? "linux.resources.rdma" : NULL;
}

static const struct resource_group {
  const char *controller; /* for messages */
  unsigned bit;
  bool has_v2;
  needs_fn *needs;
  tong_cg_apply_fn *v1, *v2;
} groups[] = {
  { "memory", TONG_CG_MEMORY, true, needs_memory, tong_cg_v1_memory, tong_cg_v2_memory },
  { "cpu", TONG_CG_CPU, true, needs_cpu, tong_cg_v1_cpu, tong_cg_v2_cpu },
  { "cpuset", TONG_CG_CPUSET, true, needs_cpuset, tong_cg_v1_cpuset, tong_cg_v2_cpuset },
  { "pids", TONG_CG_PIDS, true, needs_pids, tong_cg_v1_pids, tong_cg_v2_pids },
  { "blkio/io", TONG_CG_BLKIO, true, needs_blkio, tong_cg_v1_blkio, tong_cg_v2_io },
  { "hugetlb", TONG_CG_HUGETLB, true, needs_hugetlb, tong_cg_v1_hugetlb, tong_cg_v2_hugetlb },
  { "net_cls", TONG_CG_NET_CLS, false, needs_net_cls, tong_cg_v1_net_cls, NULL },
  { "net_prio", TONG_CG_NET_PRIO, false, needs_net_prio, tong_cg_v1_net_prio, NULL },
  { "rdma", TONG_CG_RDMA, true, needs_rdma, tong_cg_rdma, tong_cg_rdma },
};

int
tong_cg_apply_resources (const struct tong_cgroup *cg, const struct oci_spec_resources *res, bool update,
                 struct oci_error *err)
{
  const char *v2 = tong_cg_v2_dir (cg);
  unsigned v2_ctrls = v2 ? tong_cg_v2_controllers (cg) : 0;
  int r;

  if (!res)
    return 0;
  for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
    {
      const struct resource_group *g = &groups[i];
      const char *v1 = cg->mode == TONG_CG_UNIFIED ? NULL : tong_cg_v1_dir (cg, g->bit);
      const char *field = g->needs (res);

      if (v1)
        r = g->v1 (v1, res, update, err);
      else if (g->has_v2 && v2 && (v2_ctrls & g->bit))
        r = g->v2 (v2, res, update, err);
      else if (!field)
        r = 0;
      else if (!g->has_v2 || !v2)
        r = oci_error_set_code (err, ENOTSUP, "%s: no cgroup v1 hierarchy has the %s controller%s%s", field,
                                g->controller, v2 ? " (cgroup v2 has no such controller)" : "",
                                tong_cg_rootless () ? " that an unprivileged tong may use" : "");
      else
        r = oci_error_set_code (err, ENOTSUP, "%s: the %s controller is not enabled in %s%s", field, g->controller,
                                v2, cg->mode == TONG_CG_HYBRID ? " and no cgroup v1 hierarchy has it" : "");
      if (r < 0)
        return r;
    }
  if (res->unified && res->unified->len)
    {
      if (!v2)
        return oci_error_set_code (err, ENOTSUP, "linux.resources.unified: needs cgroup v2, and this host has "
                                                 "only cgroup v1 hierarchies");
      r = tong_cg_v2_unified (v2, res, update, err);
      if (r < 0)
        return r;
    }
  return 0;
}

int
tong_cg_apply_devices (const struct tong_cgroup *cg, const struct oci_spec_resources *res, struct oci_error *err)
{
  cleanup_free struct tong_dev_rule *rules = NULL;
  const char *v1 = cg->mode == TONG_CG_UNIFIED ? NULL : tong_cg_v1_dir (cg, TONG_CG_DEVICES);
  const char *v2 = tong_cg_v2_dir (cg);
  size_t n = 0;
  int r;

  r = tong_dev_rules_from_spec (res ? res->devices : NULL, res ? res->devices_len : 0, &rules, &n, err);
  if (r < 0)
    return r;
  /* As runc: in a user namespace device access cannot be changed, and an
   * unprivileged runtime may not; the kernel still guards device nodes. */
  if (tong_cg_rootless ())
    return 0;
  if (v1)
    r = tong_dev_v1_apply (v1, rules, n, err);
  else if (v2)
    r = tong_dev_v2_apply (v2, rules, n, err);
  else
    r = oci_error_set_code (err, ENOTSUP, "linux.resources.devices: no devices cgroup (the devices controller is "
                                          "not mounted), so device access cannot be restricted");
  return r;
}
