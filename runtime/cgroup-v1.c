/* cgroup v1: resources written to each controller's own hierarchy, with
 * runc 1.1's file names, orders and retries (libcontainer/cgroups/fs). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "oci/cleanup.h"

static void
sleep_ms (long ms)
{
  nanosleep (&(struct timespec) { ms / 1000, (ms % 1000) * 1000000L }, NULL);
}

/* ---- memory ------------------------------------------------------------ */

static int
set_limit (const char *dir, int64_t v, struct oci_error *err)
{
  uint64_t usage = 0, peak = 0;
  struct oci_error ignored = { 0 };
  int r = tong_cg_write_i64 (dir, "memory.limit_in_bytes", v, err);

  if (r != -EBUSY)
    return r;
  /* EBUSY: below what the cgroup already uses; say so, as runc does. */
  tong_cg_read_u64 (dir, "memory.usage_in_bytes", &usage, &ignored);
  tong_cg_read_u64 (dir, "memory.max_usage_in_bytes", &peak, &ignored);
  return oci_error_set (err, EBUSY, "unable to set memory limit to %lld (current usage: %" PRIu64
                                    ", peak usage: %" PRIu64 ")",
                        (long long) v, usage, peak);
}

int
tong_cg_v1_memory (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  const struct oci_spec_memory *m = res->memory;
  int64_t limit, swap;
  bool has_memsw = tong_cg_exists (dir, "memory.memsw.limit_in_bytes");
  int r;

  if (!m)
    return 0;
  /* As runc: 0 means "not set" for limit, swap and reservation. */
  limit = m->limit_present ? m->limit : 0;
  swap = m->swap_present ? m->swap : 0;
  if (m->swappiness_present && m->swappiness > 100)
    return oci_error_set_code (err, EINVAL,
                               "linux.resources.memory.swappiness: %" PRIu64 " is out of range (0-100)",
                               m->swappiness);
  if (limit > 0 && swap > 0 && swap < limit)
    return oci_error_set_code (err, EINVAL,
                               "linux.resources.memory.swap: %lld is below memory.limit %lld (swap is "
                               "memory+swap)",
                               (long long) swap, (long long) limit);
  if (update && m->check_before_update_present && m->check_before_update && limit > 0)
    {
      uint64_t usage;
      r = tong_cg_read_u64 (dir, "memory.usage_in_bytes", &usage, err);
      if (r < 0)
        return oci_error_wrap (err, "linux.resources.memory.checkBeforeUpdate");
      if ((uint64_t) limit < usage)
        return oci_error_set_code (err, EBUSY,
                                   "linux.resources.memory.limit: %lld is below the current usage %" PRIu64,
                                   (long long) limit, usage);
    }
  /* Unlimited memory with swap unset means unlimited swap too. */
  if (limit == -1 && swap == 0 && has_memsw)
    swap = -1;
  if (swap != 0 && !has_memsw)
    {
      if (swap != -1)
        return oci_error_set_code (err, ENOTSUP, "linux.resources.memory.swap: the kernel does not account swap "
                                                 "(no memory.memsw.limit_in_bytes; boot with swapaccount=1)");
      swap = 0;
    }
  if (limit != 0 && swap != 0)
    {
      uint64_t cur;
      r = tong_cg_read_u64 (dir, "memory.limit_in_bytes", &cur, err);
      if (r < 0)
        return oci_error_wrap (err, "linux.resources.memory.limit");
      /* memsw must stay >= limit at every step, so the order depends on
       * whether the limit grows or shrinks. */
      if (swap == -1 || cur < (uint64_t) swap)
        {
          r = tong_cg_write_i64 (dir, "memory.memsw.limit_in_bytes", swap, err);
          if (r < 0)
            return oci_error_wrap (err, "linux.resources.memory.swap");
          r = set_limit (dir, limit, err);
          if (r < 0)
            return oci_error_wrap (err, "linux.resources.memory.limit");
          swap = 0;
          limit = 0;
        }
    }
  if (limit != 0 && (r = set_limit (dir, limit, err)) < 0)
    return oci_error_wrap (err, "linux.resources.memory.limit");
  if (swap != 0 && (r = tong_cg_write_i64 (dir, "memory.memsw.limit_in_bytes", swap, err)) < 0)
    return oci_error_wrap (err, "linux.resources.memory.swap");
  if (m->reservation_present && m->reservation != 0
      && (r = tong_cg_write_i64 (dir, "memory.soft_limit_in_bytes", m->reservation, err)) < 0)
    return oci_error_wrap (err, "linux.resources.memory.reservation");
  if (m->disable_oom_killer_present && (m->disable_oom_killer || update)
      && (r = tong_cg_write (dir, "memory.oom_control", m->disable_oom_killer ? "1" : "0", err)) < 0)
    return oci_error_wrap (err, "linux.resources.memory.disableOOMKiller");
  if (m->swappiness_present && (r = tong_cg_write_u64 (dir, "memory.swappiness", m->swappiness, err)) < 0)
    return oci_error_wrap (err, "linux.resources.memory.swappiness");
  if (m->use_hierarchy_present
      && (r = tong_cg_write (dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0", err)) < 0)
    return oci_error_wrap (err, "linux.resources.memory.useHierarchy");
  return 0;
}

/* ---- cpu --------------------------------------------------------------- */

int
tong_cg_v1_cpu (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  const struct oci_spec_cpu *c = res->cpu;
  uint64_t period = 0;
  bool period_pending = false;
  int r;

  if (!c)
    return 0;
  if (c->shares_present && c->shares != 0)
    {
      uint64_t got;
      r = tong_cg_write_u64 (dir, "cpu.shares", c->shares, err);
      if (r == 0)
        r = tong_cg_read_u64 (dir, "cpu.shares", &got, err);
      if (r < 0)
        return oci_error_wrap (err, "linux.resources.cpu.shares");
      /* The kernel clamps silently; runc reports the bound instead. */
      if (got != c->shares)
        return oci_error_set_code (err, EINVAL, "linux.resources.cpu.shares: the %s allowed cpu-shares is %" PRIu64,
                                   c->shares > got ? "maximum" : "minimum", got);
    }
  if (c->period_present && c->period != 0)
    {
      period = c->period;
      r = tong_cg_write_u64 (dir, "cpu.cfs_period_us", period, err);
      /* A shorter period can be refused until the quota shrinks with it:
       * retry after the quota, as runc does. */
      if (r == -EINVAL && c->quota_present && c->quota != 0)
        period_pending = true;
      else if (r < 0)
        return oci_error_wrap (err, "linux.resources.cpu.period");
    }
  if (c->quota_present && c->quota != 0)
    {
      r = tong_cg_write_i64 (dir, "cpu.cfs_quota_us", c->quota, err);
      if (r < 0)
        return oci_error_wrap (err, "linux.resources.cpu.quota");
      if (period_pending && (r = tong_cg_write_u64 (dir, "cpu.cfs_period_us", period, err)) < 0)
        return oci_error_wrap (err, "linux.resources.cpu.period");
    }
  if (c->burst_present && (c->burst != 0 || update))
    {
      if (!tong_cg_exists (dir, "cpu.cfs_burst_us"))
        return oci_error_set_code (err, ENOTSUP, "linux.resources.cpu.burst: not supported by this kernel (no "
                                                 "cpu.cfs_burst_us)");
      if ((r = tong_cg_write_u64 (dir, "cpu.cfs_burst_us", c->burst, err)) < 0)
        return oci_error_wrap (err, "linux.resources.cpu.burst");
    }
  if (c->realtime_period_present && c->realtime_period != 0
      && (r = tong_cg_write_u64 (dir, "cpu.rt_period_us", c->realtime_period, err)) < 0)
    return oci_error_wrap (err, "linux.resources.cpu.realtimePeriod");
  if (c->realtime_runtime_present && c->realtime_runtime != 0
      && (r = tong_cg_write_i64 (dir, "cpu.rt_runtime_us", c->realtime_runtime, err)) < 0)
    return oci_error_wrap (err, "linux.resources.cpu.realtimeRuntime");
  if (c->idle_present && (c->idle != 0 || update))
    {
      if (!tong_cg_exists (dir, "cpu.idle"))
        return oci_error_set_code (err, ENOTSUP, "linux.resources.cpu.idle: not supported by this kernel (no "
                                                 "cpu.idle)");
      if ((r = tong_cg_write_i64 (dir, "cpu.idle", c->idle, err)) < 0)
        return oci_error_wrap (err, "linux.resources.cpu.idle");
    }
  return 0;
}

/* ---- cpuset ------------------------------------------------------------ */

static bool
blank (const char *s)
{
  return s[strspn (s, " \n")] == '\0';
}

int
tong_cg_v1_cpuset_copy_parent (const char *dir, struct oci_error *err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  char parent[4096];
  char *slash;

  snprintf (parent, sizeof parent, "%s", dir);
  slash = strrchr (parent, '/');
  if (!slash || slash == parent)
    return 0;
  *slash = '\0';
  for (size_t i = 0; i < 2; i++)
    {
      cleanup_free char *mine = NULL, *theirs = NULL;
      int r = tong_cg_read (dir, files[i], &mine, err);
      if (r < 0)
        return r;
      if (!blank (mine))
        continue;
      r = tong_cg_read (parent, files[i], &theirs, err);
      if (r < 0)
        return r;
      theirs[strcspn (theirs, "\n")] = '\0';
      if (*theirs && (r = tong_cg_write (dir, files[i], theirs, err)) < 0)
        return r;
    }
  return 0;
}

int
tong_cg_v1_cpuset (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  const struct oci_spec_cpu *c = res->cpu;
  int r;

  if (!c)
    return 0;
  if (c->cpus && *c->cpus && (r = tong_cg_write (dir, "cpuset.cpus", c->cpus, err)) < 0)
    return oci_error_wrap (err, "linux.resources.cpu.cpus");
  if (c->mems && *c->mems && (r = tong_cg_write (dir, "cpuset.mems", c->mems, err)) < 0)
    return oci_error_wrap (err, "linux.resources.cpu.mems");
  return 0;
}

/* ---- pids, blkio, hugetlb, net_cls, net_prio, rdma ------------------------ */

int
tong_cg_v1_pids (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  char v[32] = "max";
  int r;

  if (!res->pids)
    return 0;
  if (res->pids->limit > 0)
    snprintf (v, sizeof v, "%lld", (long long) res->pids->limit);
  r = tong_cg_write (dir, "pids.max", v, err);
  return r < 0 ? oci_error_wrap (err, "linux.resources.pids.limit") : 0;
}

static int
throttle (const char *dir, const char *file, const char *field, const struct oci_spec_blkio_throttle_device *t,
          size_t n, struct oci_error *err)
{
  for (size_t i = 0; i < n; i++)
    {
      char v[64];
      int r;
      snprintf (v, sizeof v, "%lld:%lld %" PRIu64, (long long) t[i].major, (long long) t[i].minor, t[i].rate);
      r = tong_cg_write (dir, file, v, err);
      if (r < 0)
        return oci_error_wrap (err, "linux.resources.blockIO.%s[%zu]", field, i);
    }
  return 0;
}

int
tong_cg_v1_blkio (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  const struct oci_spec_blkio *b = res->block_io;
  const char *weight = "blkio.weight", *weight_device = "blkio.weight_device";
  int r;

  if (!b)
    return 0;
  /* CFQ is gone from recent kernels; BFQ offers the same knobs. */
  if (!tong_cg_exists (dir, weight))
    {
      weight = "blkio.bfq.weight";
      weight_device = "blkio.bfq.weight_device";
    }
  if (b->weight_present && b->weight != 0)
    {
      if (!tong_cg_exists (dir, weight))
        return oci_error_set_code (err, ENOTSUP, "linux.resources.blockIO.weight: neither blkio.weight nor "
                                                 "blkio.bfq.weight exists (no CFQ or BFQ I/O scheduler)");
      if ((r = tong_cg_write_u64 (dir, weight, b->weight, err)) < 0)
        return oci_error_wrap (err, "linux.resources.blockIO.weight");
    }
  if (b->leaf_weight_present && b->leaf_weight != 0)
    {
      if (!tong_cg_exists (dir, "blkio.leaf_weight"))
        return oci_error_set_code (err, ENOTSUP, "linux.resources.blockIO.leafWeight: not supported by this kernel "
                                                 "(no blkio.leaf_weight)");
      if ((r = tong_cg_write_u64 (dir, "blkio.leaf_weight", b->leaf_weight, err)) < 0)
        return oci_error_wrap (err, "linux.resources.blockIO.leafWeight");
    }
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const struct oci_spec_blkio_weight_device *d = &b->weight_device[i];
      char v[64];
      if (d->weight_present && d->weight != 0)
        {
          if (!tong_cg_exists (dir, weight_device))
            return oci_error_set_code (err, ENOTSUP, "linux.resources.blockIO.weightDevice[%zu].weight: no "
                                                     "blkio.weight_device nor blkio.bfq.weight_device", i);
          snprintf (v, sizeof v, "%lld:%lld %u", (long long) d->major, (long long) d->minor, d->weight);
          if ((r = tong_cg_write (dir, weight_device, v, err)) < 0)
            return oci_error_wrap (err, "linux.resources.blockIO.weightDevice[%zu].weight", i);
        }
      if (d->leaf_weight_present && d->leaf_weight != 0)
        {
          snprintf (v, sizeof v, "%lld:%lld %u", (long long) d->major, (long long) d->minor, d->leaf_weight);
          if ((r = tong_cg_write (dir, "blkio.leaf_weight_device", v, err)) < 0)
            return oci_error_wrap (err, "linux.resources.blockIO.weightDevice[%zu].leafWeight", i);
        }
    }
  if ((r = throttle (dir, "blkio.throttle.read_bps_device", "throttleReadBpsDevice", b->throttle_read_bps_device,
                     b->throttle_read_bps_device_len, err)) < 0
      || (r = throttle (dir, "blkio.throttle.write_bps_device", "throttleWriteBpsDevice",
                        b->throttle_write_bps_device, b->throttle_write_bps_device_len, err)) < 0
      || (r = throttle (dir, "blkio.throttle.read_iops_device", "throttleReadIOPSDevice",
                        b->throttle_read_iops_device, b->throttle_read_iops_device_len, err)) < 0
      || (r = throttle (dir, "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice",
                        b->throttle_write_iops_device, b->throttle_write_iops_device_len, err)) < 0)
    return r;
  return 0;
}

int
tong_cg_hugetlb_write (const char *dir, const struct oci_spec_resources *res, const char *suffix, struct oci_error *err)
{
  for (size_t i = 0; i < res->hugepage_limits_len; i++)
    {
      const struct oci_spec_hugepage_limit *l = &res->hugepage_limits[i];
      char file[96];
      int r;
      if (!l->page_size || !*l->page_size || strchr (l->page_size, '/') || strlen (l->page_size) > 32)
        return oci_error_set_code (err, EINVAL, "linux.resources.hugepageLimits[%zu].pageSize: invalid \"%s\"", i,
                                   l->page_size ? l->page_size : "");
      snprintf (file, sizeof file, "hugetlb.%s.%s", l->page_size, suffix);
      if (!tong_cg_exists (dir, file))
        return oci_error_set_code (err, ENOTSUP, "linux.resources.hugepageLimits[%zu].pageSize: no %s page size "
                                                 "on this host (no %s/%s)",
                                   i, l->page_size, dir, file);
      r = tong_cg_write_u64 (dir, file, l->limit, err);
      if (r < 0)
        return oci_error_wrap (err, "linux.resources.hugepageLimits[%zu].limit", i);
    }
  return 0;
}

int
tong_cg_v1_hugetlb (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  return tong_cg_hugetlb_write (dir, res, "limit_in_bytes", err);
}

int
tong_cg_v1_net_cls (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  const struct oci_spec_network *n = res->network;
  if (!n || !n->class_id_present || (n->class_id == 0 && !update))
    return 0;
  return tong_cg_write_u64 (dir, "net_cls.classid", n->class_id, err) < 0
             ? oci_error_wrap (err, "linux.resources.network.classID")
             : 0;
}

int
tong_cg_v1_net_prio (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  const struct oci_spec_network *n = res->network;
  for (size_t i = 0; n && i < n->priorities_len; i++)
    {
      char v[128];
      if (!n->priorities[i].name || !*n->priorities[i].name || strchr (n->priorities[i].name, ' ')
          || strlen (n->priorities[i].name) > 64)
        return oci_error_set_code (err, EINVAL, "linux.resources.network.priorities[%zu].name: invalid", i);
      snprintf (v, sizeof v, "%s %u", n->priorities[i].name, n->priorities[i].priority);
      if (tong_cg_write (dir, "net_prio.ifpriomap", v, err) < 0)
        return oci_error_wrap (err, "linux.resources.network.priorities[%zu]", i);
    }
  return 0;
}

/* rdma.max has the same syntax in v1 and v2. */
int
tong_cg_rdma (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  for (size_t i = 0; i < res->rdma_len; i++)
    {
      const struct oci_spec_rdma *l = &res->rdma_values[i];
      char v[256];
      int len;
      if (!res->rdma_keys[i] || !*res->rdma_keys[i] || strpbrk (res->rdma_keys[i], " \n"))
        return oci_error_set_code (err, EINVAL, "linux.resources.rdma: invalid device name \"%s\"",
                                   res->rdma_keys[i] ? res->rdma_keys[i] : "");
      if (!l->hca_handles_present && !l->hca_objects_present)
        continue;
      len = snprintf (v, sizeof v, "%s", res->rdma_keys[i]);
      if (l->hca_handles_present)
        len += snprintf (v + len, sizeof v - (size_t) len, " hca_handle=%u", l->hca_handles);
      if (l->hca_objects_present)
        snprintf (v + len, sizeof v - (size_t) len, " hca_object=%u", l->hca_objects);
      if (tong_cg_write (dir, "rdma.max", v, err) < 0)
        return oci_error_wrap (err, "linux.resources.rdma.%s", res->rdma_keys[i]);
    }
  return 0;
}

/* ---- freezer ----------------------------------------------------------- */

int
tong_cg_v1_freeze (const char *dir, bool freeze, struct oci_error *err)
{
  if (!freeze)
    return tong_cg_write (dir, "freezer.state", "THAWED", err);
  /* A v1 cgroup can stay FREEZING while processes keep forking: retry,
   * thawing now and then, as runc does (the fix is cgroup v2's). */
  for (int i = 0; i < 1000; i++)
    {
      cleanup_free char *state = NULL;
      int r;
      if (i % 50 == 49)
        {
          tong_cg_write (dir, "freezer.state", "THAWED", &(struct oci_error) { 0 });
          sleep_ms (10);
        }
      r = tong_cg_write (dir, "freezer.state", "FROZEN", err);
      if (r == 0)
        r = tong_cg_read (dir, "freezer.state", &state, err);
      if (r < 0)
        {
          tong_cg_write (dir, "freezer.state", "THAWED", &(struct oci_error) { 0 });
          return r;
        }
      if (strncmp (state, "FROZEN", 6) == 0)
        return 0;
      if (strncmp (state, "FREEZING", 8) != 0)
        {
          tong_cg_write (dir, "freezer.state", "THAWED", &(struct oci_error) { 0 });
          return oci_error_set_code (err, EIO, "freeze %s: unexpected state %.16s", dir, state);
        }
      if (i % 25 == 24)
        nanosleep (&(struct timespec) { 0, 10000 }, NULL);
    }
  tong_cg_write (dir, "freezer.state", "THAWED", &(struct oci_error) { 0 });
  return oci_error_set_code (err, EBUSY, "freeze %s: still FREEZING after 1000 attempts", dir);
}

int
tong_cg_v1_frozen (const char *dir, bool *ret, struct oci_error *err)
{
  for (int i = 0; i < 1000; i++)
    {
      cleanup_free char *state = NULL, *self = NULL;
      int r = tong_cg_read (dir, "freezer.state", &state, err);
      if (r < 0)
        return r;
      if (strncmp (state, "THAWED", 6) == 0)
        {
          *ret = false;
          return 0;
        }
      if (strncmp (state, "FROZEN", 6) == 0)
        {
          /* Frozen through an ancestor is not "paused" (runc). */
          *ret = tong_cg_read (dir, "freezer.self_freezing", &self, &(struct oci_error) { 0 }) < 0
                 || self[0] != '0';
          return 0;
        }
      sleep_ms (1);
    }
  return oci_error_set_code (err, EBUSY, "%s/freezer.state: stuck in FREEZING", dir);
}

/* ---- stats ------------------------------------------------------------- */

static uint64_t
v1_u64 (const char *dir, const char *file)
{
  uint64_t v = 0;
  struct oci_error ignored = { 0 };
  if (tong_cg_read_u64 (dir, file, &v, &ignored) < 0)
    v = 0;
  return v;
}

static int
v1_mem_entry (const char *dir, const char *prefix, struct tong_mem_entry *e)
{
  char f[64];
  snprintf (f, sizeof f, "%s.usage_in_bytes", prefix);
  if (!tong_cg_exists (dir, f))
    return 0;
  e->usage = v1_u64 (dir, f);
  snprintf (f, sizeof f, "%s.max_usage_in_bytes", prefix);
  e->max = v1_u64 (dir, f);
  snprintf (f, sizeof f, "%s.failcnt", prefix);
  e->failcnt = v1_u64 (dir, f);
  snprintf (f, sizeof f, "%s.limit_in_bytes", prefix);
  e->limit = v1_u64 (dir, f);
  return 0;
}

static int
v1_memory_stats (const char *dir, struct tong_cg_stats *s, struct oci_error *err)
{
  cleanup_free char *text = NULL;
  int r = tong_cg_read (dir, "memory.stat", &text, err);

  if (r == -ENOENT)
    return 0;
  if (r < 0)
    return r;
  for (char *line = text, *next; line && *line; line = next)
    {
      char *sp = strchr (line, ' ');
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      if (!sp)
        continue;
      *sp = '\0';
      if (tong_stats_raw_set (s, line, strtoull (sp + 1, NULL, 10)) < 0)
        return oci_error_set (err, ENOMEM, "memory stats");
    }
  for (size_t i = 0; i < s->memory.raw_n; i++)
    if (strcmp (s->memory.raw_keys[i], "cache") == 0)
      s->memory.cache = s->memory.raw_values[i];
  v1_mem_entry (dir, "memory", &s->memory.usage);
  v1_mem_entry (dir, "memory.memsw", &s->memory.swap);
  v1_mem_entry (dir, "memory.kmem", &s->memory.kernel);
  v1_mem_entry (dir, "memory.kmem.tcp", &s->memory.kernel_tcp);
  return 0;
}

static int
cpuacct_stats (const char *dir, struct tong_cg_stats *s, struct oci_error *err)
{
  cleanup_free char *stat = NULL, *percpu = NULL, *all = NULL;
  unsigned long long user = 0, sys = 0;
  long ticks = sysconf (_SC_CLK_TCK);

  if (ticks <= 0)
    ticks = 100;
  int r = tong_cg_read (dir, "cpuacct.stat", &stat, err);

  if (r == -ENOENT)
    {
      oci_error_clear (err);
      return 0;
    }
  if (r < 0)
    return r;
  if (sscanf (stat, "user %llu system %llu", &user, &sys) != 2)
    return oci_error_set_code (err, EINVAL, "%s/cpuacct.stat: malformed", dir);
  s->cpu.user = user * 1000000000ull / (unsigned long long) ticks;
  s->cpu.kernel = sys * 1000000000ull / (unsigned long long) ticks;
  s->cpu.total = v1_u64 (dir, "cpuacct.usage");
  if (tong_cg_read (dir, "cpuacct.usage_percpu", &percpu, err) == 0)
    for (char *p = percpu, *end; *p; p = end)
      {
        unsigned long long v = strtoull (p, &end, 10);
        if (end == p)
          break;
        if (tong_stats_u64_push (&s->cpu.percpu, v) < 0)
          return oci_error_set (err, ENOMEM, "cpu stats");
      }
  /* "cpu user system" per line, after a header. */
  if (tong_cg_read (dir, "cpuacct.usage_all", &all, err) == 0)
    {
      char *line = strchr (all, '\n');
      while (line && *++line)
        {
          unsigned cpu;
          unsigned long long u, k;
          if (sscanf (line, "%u %llu %llu", &cpu, &u, &k) == 3
              && (tong_stats_u64_push (&s->cpu.percpu_user, u) < 0
                  || tong_stats_u64_push (&s->cpu.percpu_kernel, k) < 0))
            return oci_error_set (err, ENOMEM, "cpu stats");
          line = strchr (line, '\n');
        }
    }
  oci_error_clear (err);
  return 0;
}

static void
throttling_stats (const char *dir, struct tong_cg_stats *s, uint64_t unit)
{
  uint64_t v;
  struct oci_error ignored = { 0 };
  if (tong_cg_read_key_u64 (dir, "cpu.stat", "nr_periods", &v, &ignored) == 0)
    s->cpu.periods = v;
  if (tong_cg_read_key_u64 (dir, "cpu.stat", "nr_throttled", &v, &ignored) == 0)
    s->cpu.throttled_periods = v;
  if (tong_cg_read_key_u64 (dir, "cpu.stat", "throttled_time", &v, &ignored) == 0)
    s->cpu.throttled_time = v * unit;
}

static int
cpuset_stats (const char *dir, struct tong_cg_stats *s, struct oci_error *err)
{
  cleanup_free char *cpus = NULL, *mems = NULL;
  struct oci_error ignored = { 0 };

  if (tong_cg_read (dir, "cpuset.cpus", &cpus, &ignored) == 0 && tong_parse_cpu_list (cpus, &s->cpuset.cpus) < 0)
    return oci_error_set_code (err, EINVAL, "%s/cpuset.cpus: malformed", dir);
  if (tong_cg_read (dir, "cpuset.mems", &mems, &ignored) == 0 && tong_parse_cpu_list (mems, &s->cpuset.mems) < 0)
    return oci_error_set_code (err, EINVAL, "%s/cpuset.mems: malformed", dir);
  s->cpuset.cpu_exclusive = v1_u64 (dir, "cpuset.cpu_exclusive");
  s->cpuset.mem_hardwall = v1_u64 (dir, "cpuset.mem_hardwall");
  s->cpuset.mem_exclusive = v1_u64 (dir, "cpuset.mem_exclusive");
  s->cpuset.memory_migrate = v1_u64 (dir, "cpuset.memory_migrate");
  s->cpuset.memory_spread_page = v1_u64 (dir, "cpuset.memory_spread_page");
  s->cpuset.memory_spread_slab = v1_u64 (dir, "cpuset.memory_spread_slab");
  s->cpuset.memory_pressure = v1_u64 (dir, "cpuset.memory_pressure");
  s->cpuset.sched_load_balance = v1_u64 (dir, "cpuset.sched_load_balance");
  {
    cleanup_free char *lvl = NULL;
    if (tong_cg_read (dir, "cpuset.sched_relax_domain_level", &lvl, &ignored) == 0)
      s->cpuset.sched_relax_domain_level = strtoll (lvl, NULL, 10);
  }
  return 0;
}

/* "8:0 Read 1282048" lines (or "8:0 1282048"), "Total N" skipped. */
static int
blkio_file (const char *dir, const char *file, int kind, struct tong_cg_stats *s, bool *found,
            struct oci_error *err)
{
  cleanup_free char *text = NULL;
  struct oci_error ignored = { 0 };

  *found = false;
  if (tong_cg_read (dir, file, &text, &ignored) < 0)
    return 0;
  *found = true;
  for (char *line = text, *next; line && *line; line = next)
    {
      unsigned long long maj, min, v;
      char op[16];
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      if (sscanf (line, "%llu:%llu %15s %llu", &maj, &min, op, &v) == 4)
        {
          if (tong_stats_blkio_push (s, kind, maj, min, op, v) < 0)
            return oci_error_set (err, ENOMEM, "blkio stats");
        }
      else if (sscanf (line, "%llu:%llu %llu", &maj, &min, &v) == 3)
        {
          if (tong_stats_blkio_push (s, kind, maj, min, "", v) < 0)
            return oci_error_set (err, ENOMEM, "blkio stats");
        }
    }
  return 0;
}

static int
blkio_stats (const char *dir, struct tong_cg_stats *s, struct oci_error *err)
{
  /* runc's order: the first group whose first file has entries wins. */
  static const struct {
    const char *file;
    int kind;
  } bfq_debug[] = { { "blkio.bfq.sectors_recursive", TONG_BLKIO_SECTORS },
                    { "blkio.bfq.io_service_time_recursive", TONG_BLKIO_SERVICE_TIME },
                    { "blkio.bfq.io_wait_time_recursive", TONG_BLKIO_WAIT_TIME },
                    { "blkio.bfq.io_merged_recursive", TONG_BLKIO_MERGED },
                    { "blkio.bfq.io_queued_recursive", TONG_BLKIO_QUEUED },
                    { "blkio.bfq.time_recursive", TONG_BLKIO_TIME },
                    { "blkio.bfq.io_serviced_recursive", TONG_BLKIO_SERVICED },
                    { "blkio.bfq.io_service_bytes_recursive", TONG_BLKIO_SERVICE_BYTES },
                    { NULL, 0 } },
    bfq[] = { { "blkio.bfq.io_serviced_recursive", TONG_BLKIO_SERVICED },
              { "blkio.bfq.io_service_bytes_recursive", TONG_BLKIO_SERVICE_BYTES },
              { NULL, 0 } },
    cfq[] = { { "blkio.sectors_recursive", TONG_BLKIO_SECTORS },
              { "blkio.io_service_time_recursive", TONG_BLKIO_SERVICE_TIME },
              { "blkio.io_wait_time_recursive", TONG_BLKIO_WAIT_TIME },
              { "blkio.io_merged_recursive", TONG_BLKIO_MERGED },
              { "blkio.io_queued_recursive", TONG_BLKIO_QUEUED },
              { "blkio.time_recursive", TONG_BLKIO_TIME },
              { "blkio.io_serviced_recursive", TONG_BLKIO_SERVICED },
              { "blkio.io_service_bytes_recursive", TONG_BLKIO_SERVICE_BYTES },
              { NULL, 0 } },
    throttle_rec[] = { { "blkio.throttle.io_serviced_recursive", TONG_BLKIO_SERVICED },
                       { "blkio.throttle.io_service_bytes_recursive", TONG_BLKIO_SERVICE_BYTES },
                       { NULL, 0 } },
    base[] = { { "blkio.throttle.io_serviced", TONG_BLKIO_SERVICED },
               { "blkio.throttle.io_service_bytes", TONG_BLKIO_SERVICE_BYTES },
               { NULL, 0 } };
  const __typeof__ (bfq[0]) *order[] = { bfq_debug, bfq, cfq, throttle_rec, base };

  for (size_t g = 0; g < sizeof order / sizeof *order; g++)
    {
      bool found;
      size_t before = s->blkio[order[g][0].kind].n;
      int r = blkio_file (dir, order[g][0].file, order[g][0].kind, s, &found, err);
      if (r < 0)
        return r;
      if (!found || s->blkio[order[g][0].kind].n == before)
        continue;
      for (size_t i = 1; order[g][i].file; i++)
        if ((r = blkio_file (dir, order[g][i].file, order[g][i].kind, s, &found, err)) < 0)
          return r;
      return 0;
    }
  return 0;
}

static int
hugetlb_stats (const char *dir, struct tong_cg_stats *s, struct oci_error *err)
{
  cleanup_strv char **sizes = tong_hugepage_sizes ();

  for (size_t i = 0; sizes && sizes[i]; i++)
    {
      char f[96];
      uint64_t usage, max, failcnt;
      snprintf (f, sizeof f, "hugetlb.%s.usage_in_bytes", sizes[i]);
      usage = v1_u64 (dir, f);
      snprintf (f, sizeof f, "hugetlb.%s.max_usage_in_bytes", sizes[i]);
      max = v1_u64 (dir, f);
      snprintf (f, sizeof f, "hugetlb.%s.failcnt", sizes[i]);
      failcnt = v1_u64 (dir, f);
      if (tong_stats_hugetlb_add (s, sizes[i], usage, max, failcnt) < 0)
        return oci_error_set (err, ENOMEM, "hugetlb stats");
    }
  return 0;
}

int
tong_cg_v1_stats (const struct tong_cgroup *cg, struct tong_cg_stats *s, struct oci_error *err)
{
  const char *d;
  int r;

  if ((d = tong_cg_v1_dir (cg, TONG_CG_CPUACCT)) && (r = cpuacct_stats (d, s, err)) < 0)
    return r;
  if ((d = tong_cg_v1_dir (cg, TONG_CG_CPU)))
    throttling_stats (d, s, 1);
  if ((d = tong_cg_v1_dir (cg, TONG_CG_CPUSET)) && (r = cpuset_stats (d, s, err)) < 0)
    return r;
  if ((d = tong_cg_v1_dir (cg, TONG_CG_MEMORY)) && (r = v1_memory_stats (d, s, err)) < 0)
    return r;
  if ((d = tong_cg_v1_dir (cg, TONG_CG_PIDS)))
    {
      s->pids.current = v1_u64 (d, "pids.current");
      s->pids.limit = v1_u64 (d, "pids.max");
      /* "max" is reported as 0, as runc does. */
      if (s->pids.limit == UINT64_MAX)
        s->pids.limit = 0;
    }
  if ((d = tong_cg_v1_dir (cg, TONG_CG_BLKIO)) && (r = blkio_stats (d, s, err)) < 0)
    return r;
  if ((d = tong_cg_v1_dir (cg, TONG_CG_HUGETLB)) && (r = hugetlb_stats (d, s, err)) < 0)
    return r;
  return 0;
}
