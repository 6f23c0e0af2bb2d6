/* cgroup v2: the spec's v1-shaped resources converted to the unified
 * hierarchy's files as runc 1.1 does (libcontainer/cgroups/fs2), plus
 * `unified` raw keys, cgroup.freeze and the v2 stats. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup-internal.h"
#include "oci/cleanup.h"

/* ---- conversions (pure) ------------------------------------------------ */

uint64_t
tong_cg_shares_to_weight (uint64_t shares)
{
  if (shares == 0)
    return 0;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t
tong_cg_blkio_to_io_weight (uint64_t weight)
{
  if (weight == 0)
    return 0;
  return 1 + (weight - 10) * 9999 / 990;
}

int
tong_cg_cpu_max (char *buf, size_t len, int64_t quota, uint64_t period)
{
  if (period == 0)
    period = 100000; /* the kernel's default */
  if (quota > 0)
    return snprintf (buf, len, "%lld %" PRIu64, (long long) quota, period);
  return snprintf (buf, len, "max %" PRIu64, period);
}

int
tong_cg_swap_v2 (int64_t swap, int64_t limit, int64_t *ret, struct oci_error *err)
{
  /* v1 compatibility: unlimited memory and no swap value means both unlimited. */
  if (limit == -1 && swap == 0)
    {
      *ret = -1;
      return 0;
    }
  if (swap == -1 || swap == 0)
    {
      *ret = swap;
      return 0;
    }
  if (limit == 0 || limit == -1)
    return oci_error_set_code (err, EINVAL, "linux.resources.memory.swap: cannot limit swap without a memory limit");
  if (limit < 0)
    return oci_error_set_code (err, EINVAL, "linux.resources.memory.limit: invalid value %lld", (long long) limit);
  if (swap < limit)
    return oci_error_set_code (err, EINVAL,
                               "linux.resources.memory.swap: %lld is below memory.limit %lld (swap is "
                               "memory+swap)",
                               (long long) swap, (long long) limit);
  *ret = swap - limit;
  return 0;
}

/* The value for a .max/.low file: -1 is "max", 0 is "leave alone" (""). */
static const char *
num (char *buf, size_t len, int64_t v)
{
  if (v == 0)
    return "";
  if (v == -1)
    return "max";
  snprintf (buf, len, "%lld", (long long) v);
  return buf;
}

/* ---- memory ------------------------------------------------------------ */

int
tong_cg_v2_memory (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  const struct oci_spec_memory *m = res->memory;
  int64_t limit, swap = 0;
  char buf[32];
  const char *v;
  int r;

  if (!m)
    return 0;
  if (m->swappiness_present)
    return oci_error_set_code (err, ENOTSUP, "linux.resources.memory.swappiness: not supported by cgroup v2");
  if (m->disable_oom_killer_present && m->disable_oom_killer)
    return oci_error_set_code (err, ENOTSUP, "linux.resources.memory.disableOOMKiller: not supported by cgroup v2");
  if (m->use_hierarchy_present && !m->use_hierarchy)
    return oci_error_set_code (err, ENOTSUP,
                               "linux.resources.memory.useHierarchy: cgroup v2 is always hierarchical");
  limit = m->limit_present ? m->limit : 0;
  r = tong_cg_swap_v2 (m->swap_present ? m->swap : 0, limit, &swap, err);
  if (r < 0)
    return r;
  if (update && m->check_before_update_present && m->check_before_update && limit > 0)
    {
      uint64_t usage;
      if (tong_cg_read_u64 (dir, "memory.current", &usage, err) < 0)
        return oci_error_wrap (err, "linux.resources.memory.checkBeforeUpdate");
      if ((uint64_t) limit < usage)
        return oci_error_set_code (err, EBUSY,
                                   "linux.resources.memory.limit: %lld is below the current usage %" PRIu64,
                                   (long long) limit, usage);
    }
  v = num (buf, sizeof buf, swap);
  /* memory == memory+swap: no swap at all. */
  if (*v == '\0' && m->swap_present && m->swap > 0)
    v = "0";
  if (*v)
    {
      if (!tong_cg_exists (dir, "memory.swap.max"))
        {
          if (strcmp (v, "max") != 0)
            return oci_error_set_code (err, ENOTSUP, "linux.resources.memory.swap: the kernel does not account "
                                                     "swap (no memory.swap.max)");
        }
      else if ((r = tong_cg_write (dir, "memory.swap.max", v, err)) < 0)
        return oci_error_wrap (err, "linux.resources.memory.swap");
    }
  v = num (buf, sizeof buf, limit);
  if (*v && (r = tong_cg_write (dir, "memory.max", v, err)) < 0)
    return oci_error_wrap (err, "linux.resources.memory.limit");
  v = num (buf, sizeof buf, m->reservation_present ? m->reservation : 0);
  if (*v && (r = tong_cg_write (dir, "memory.low", v, err)) < 0)
    return oci_error_wrap (err, "linux.resources.memory.reservation");
  return 0;
}

/* ---- cpu, cpuset, pids ----------------------------------------------------- */

int
tong_cg_v2_cpu (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  const struct oci_spec_cpu *c = res->cpu;
  int r;

  if (!c)
    return 0;
  if (c->realtime_runtime_present && c->realtime_runtime != 0)
    return oci_error_set_code (err, ENOTSUP, "linux.resources.cpu.realtimeRuntime: not supported by cgroup v2");
  if (c->realtime_period_present && c->realtime_period != 0)
    return oci_error_set_code (err, ENOTSUP, "linux.resources.cpu.realtimePeriod: not supported by cgroup v2");
  if (c->shares_present && c->shares != 0
      && (r = tong_cg_write_u64 (dir, "cpu.weight", tong_cg_shares_to_weight (c->shares), err)) < 0)
    return oci_error_wrap (err, "linux.resources.cpu.shares");
  if ((c->quota_present && c->quota != 0) || (c->period_present && c->period != 0))
    {
      char buf[64];
      int64_t quota = c->quota_present ? c->quota : 0;
      /* cpu.max takes both numbers at once: keep the quota in place when
       * only the period changes. */
      if (!c->quota_present)
        {
          cleanup_free char *cur = NULL;
          if (tong_cg_read (dir, "cpu.max", &cur, err) == 0 && strncmp (cur, "max", 3) != 0)
            quota = strtoll (cur, NULL, 10);
          oci_error_clear (err);
        }
      tong_cg_cpu_max (buf, sizeof buf, quota, c->period_present ? c->period : 0);
      if ((r = tong_cg_write (dir, "cpu.max", buf, err)) < 0)
        return oci_error_wrap (err, c->quota_present ? "linux.resources.cpu.quota" : "linux.resources.cpu.period");
    }
  if (c->burst_present && (c->burst != 0 || update))
    {
      if (!tong_cg_exists (dir, "cpu.max.burst"))
        return oci_error_set_code (err, ENOTSUP, "linux.resources.cpu.burst: not supported by this kernel (no "
                                                 "cpu.max.burst)");
      if ((r = tong_cg_write_u64 (dir, "cpu.max.burst", c->burst, err)) < 0)
        return oci_error_wrap (err, "linux.resources.cpu.burst");
    }
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

int
tong_cg_v2_cpuset (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
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

int
tong_cg_v2_pids (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  char v[32] = "max";

  if (!res->pids)
    return 0;
  if (res->pids->limit > 0)
    snprintf (v, sizeof v, "%lld", (long long) res->pids->limit);
  return tong_cg_write (dir, "pids.max", v, err) < 0 ? oci_error_wrap (err, "linux.resources.pids.limit") : 0;
}

int
tong_cg_v2_hugetlb (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  return tong_cg_hugetlb_write (dir, res, "max", err);
}

/* ---- io ---------------------------------------------------------------- */

static int
io_max (const char *dir, const char *key, const char *field, const struct oci_spec_blkio_throttle_device *t,
        size_t n, struct oci_error *err)
{
  for (size_t i = 0; i < n; i++)
    {
      char v[96];
      snprintf (v, sizeof v, "%lld:%lld %s=%" PRIu64, (long long) t[i].major, (long long) t[i].minor, key,
                t[i].rate);
      if (tong_cg_write (dir, "io.max", v, err) < 0)
        return oci_error_wrap (err, "linux.resources.blockIO.%s[%zu]", field, i);
    }
  return 0;
}

int
tong_cg_v2_io (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  const struct oci_spec_blkio *b = res->block_io;
  bool bfq, bfq_per_device = false;
  int r;

  if (!b)
    return 0;
  if (b->leaf_weight_present && b->leaf_weight != 0)
    return oci_error_set_code (err, ENOTSUP, "linux.resources.blockIO.leafWeight: not supported by cgroup v2");
  bfq = tong_cg_exists (dir, "io.bfq.weight");
  if (bfq && b->weight_device_len)
    {
      /* Kernels with per-device BFQ weights (5.4) show "default N" lines
       * rather than a bare number. */
      cleanup_free char *text = NULL;
      if (tong_cg_read (dir, "io.bfq.weight", &text, err) < 0)
        return oci_error_wrap (err, "linux.resources.blockIO.weightDevice");
      bfq_per_device = strncmp (text, "default", 7) == 0;
    }
  if (b->weight_present && b->weight != 0)
    {
      /* BFQ takes the v1 range as is; io.weight needs the conversion. */
      r = bfq ? tong_cg_write_u64 (dir, "io.bfq.weight", b->weight, err)
              : tong_cg_write_u64 (dir, "io.weight", tong_cg_blkio_to_io_weight (b->weight), err);
      if (r < 0)
        return oci_error_wrap (err, "linux.resources.blockIO.weight");
    }
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const struct oci_spec_blkio_weight_device *d = &b->weight_device[i];
      char v[64];
      if (d->leaf_weight_present && d->leaf_weight != 0)
        return oci_error_set_code (err, ENOTSUP,
                                   "linux.resources.blockIO.weightDevice[%zu].leafWeight: not supported by "
                                   "cgroup v2",
                                   i);
      if (!d->weight_present || d->weight == 0)
        continue;
      if (bfq_per_device)
        {
          snprintf (v, sizeof v, "%lld:%lld %u", (long long) d->major, (long long) d->minor, d->weight);
          r = tong_cg_write (dir, "io.bfq.weight", v, err);
        }
      else
        {
          snprintf (v, sizeof v, "%lld:%lld %" PRIu64, (long long) d->major, (long long) d->minor,
                    tong_cg_blkio_to_io_weight (d->weight));
          r = tong_cg_write (dir, "io.weight", v, err);
        }
      if (r < 0)
        return oci_error_wrap (err, "linux.resources.blockIO.weightDevice[%zu].weight", i);
    }
  if ((r = io_max (dir, "rbps", "throttleReadBpsDevice", b->throttle_read_bps_device,
                   b->throttle_read_bps_device_len, err)) < 0
      || (r = io_max (dir, "wbps", "throttleWriteBpsDevice", b->throttle_write_bps_device,
                      b->throttle_write_bps_device_len, err)) < 0
      || (r = io_max (dir, "riops", "throttleReadIOPSDevice", b->throttle_read_iops_device,
                      b->throttle_read_iops_device_len, err)) < 0
      || (r = io_max (dir, "wiops", "throttleWriteIOPSDevice", b->throttle_write_iops_device,
                      b->throttle_write_iops_device_len, err)) < 0)
    return r;
  return 0;
}

/* ---- unified ----------------------------------------------------------- */

int
tong_cg_v2_unified (const char *dir, const struct oci_spec_resources *res, bool update, struct oci_error *err)
{
  const struct oci_strmap *u = res->unified;

  for (size_t i = 0; u && i < u->len; i++)
    {
      const char *k = u->keys[i], *dot;
      int r;
      if (!*k || strchr (k, '/') || strcmp (k, ".") == 0 || strcmp (k, "..") == 0)
        return oci_error_set_code (err, EINVAL, "linux.resources.unified: \"%s\" is not a cgroup file name", k);
      r = tong_cg_write (dir, k, u->values[i], err);
      if (r == 0)
        continue;
      dot = strchr (k, '.');
      if ((r == -ENOENT || r == -EPERM || r == -EACCES) && dot)
        {
          char ctrl[32];
          cleanup_free char *avail = NULL;
          struct oci_error ignored = { 0 };
          snprintf (ctrl, sizeof ctrl, "%.*s", (int) (dot - k), k);
          if (strcmp (ctrl, "cgroup") != 0 && tong_cg_read (dir, "cgroup.controllers", &avail, &ignored) == 0)
            {
              bool found = false;
              for (char *s = avail, *save = NULL, *t; (t = strtok_r (s, " \n", &save)); s = NULL)
                found = found || strcmp (t, ctrl) == 0;
              if (!found)
                return oci_error_set_code (err, ENOTSUP, "linux.resources.unified.%s: the %s controller is not "
                                                         "available in %s",
                                           k, ctrl, dir);
            }
        }
      return oci_error_wrap (err, "linux.resources.unified.%s", k);
    }
  return 0;
}

/* ---- hierarchy set-up -------------------------------------------------- */

void
tong_cg_v2_enable_in (const char *dir)
{
  cleanup_free char *avail = NULL, *enabled = NULL;
  struct oci_error ignored = { 0 };
  char want[512];
  size_t len = 0;

  if (tong_cg_read (dir, "cgroup.controllers", &avail, &ignored) < 0
      || tong_cg_read (dir, "cgroup.subtree_control", &enabled, &ignored) < 0)
    return;
  want[0] = '\0';
  for (char *s = avail, *save = NULL, *t; (t = strtok_r (s, " \n", &save)); s = NULL)
    {
      bool on = false;
      size_t tl = strlen (t);
      for (const char *e = enabled; *e && !on;)
        {
          size_t n = strcspn (e, " \n");
          on = n == tl && strncmp (e, t, n) == 0;
          e += n;
          e += strspn (e, " \n");
        }
      if (!on && len + tl + 3 < sizeof want)
        len += (size_t) snprintf (want + len, sizeof want - len, "%s+%s", len ? " " : "", t);
    }
  if (len == 0 || tong_cg_write (dir, "cgroup.subtree_control", want, &ignored) == 0)
    return;
  /* One refused controller (e.g. cpu with realtime tasks) must not keep
   * the others off. */
  for (char *s = want, *save = NULL, *t; (t = strtok_r (s, " ", &save)); s = NULL)
    tong_cg_write (dir, "cgroup.subtree_control", t, &ignored);
}

int
tong_cg_v2_check_type (const char *dir, const struct oci_spec_resources *res, struct oci_error *err)
{
  cleanup_free char *type = NULL;
  struct oci_error ignored = { 0 };
  bool domain = res
                && ((res->memory && (res->memory->limit_present || res->memory->reservation_present
                                     || res->memory->swap_present))
                    || (res->cpu
                        && (res->cpu->shares_present || res->cpu->quota_present || res->cpu->period_present))
                    || res->block_io || res->hugepage_limits_len);

  if (tong_cg_read (dir, "cgroup.type", &type, &ignored) < 0)
    return 0;
  type[strcspn (type, "\n")] = '\0';
  /* A cgroup made under a parent that has processes of its own is
   * "domain invalid": only threaded controllers can work there (runc). */
  if (strcmp (type, "domain invalid") == 0)
    {
      if (domain)
        return oci_error_set_code (err, EINVAL, "cgroup: cannot use %s with domain controllers: it is in an invalid "
                                                "state (its parent has processes)",
                                   dir);
      tong_cg_write (dir, "cgroup.type", "threaded", &ignored);
    }
  else if ((strcmp (type, "domain threaded") == 0 || strcmp (type, "threaded") == 0) && domain)
    return oci_error_set_code (err, EINVAL, "cgroup: cannot use %s with domain controllers: it is %s", dir, type);
  return 0;
}

/* ---- freezer ----------------------------------------------------------- */

int
tong_cg_v2_freeze (const char *dir, bool freeze, struct oci_error *err)
{
  int r;

  if (!tong_cg_exists (dir, "cgroup.freeze"))
    return freeze ? oci_error_set_code (err, ENOTSUP, "freeze %s: no cgroup.freeze (kernel older than 5.2)", dir)
                  : 0;
  r = tong_cg_write (dir, "cgroup.freeze", freeze ? "1" : "0", err);
  if (r < 0 || !freeze)
    return r;
  /* Freezing completes asynchronously; cgroup.events says when. */
  for (int i = 0; i < 1000; i++)
    {
      uint64_t frozen = 0;
      r = tong_cg_read_key_u64 (dir, "cgroup.events", "frozen", &frozen, err);
      if (r < 0 && r != -ENOENT)
        return r;
      if (frozen == 1)
        return 0;
      nanosleep (&(struct timespec) { 0, 10 * 1000 * 1000 }, NULL);
    }
  tong_cg_write (dir, "cgroup.freeze", "0", &(struct oci_error) { 0 });
  return oci_error_set_code (err, EBUSY, "freeze %s: not frozen after 10s", dir);
}

int
tong_cg_v2_frozen (const char *dir, bool *ret, struct oci_error *err)
{
  cleanup_free char *v = NULL;
  int r = tong_cg_read (dir, "cgroup.freeze", &v, err);

  if (r == -ENOENT)
    {
      oci_error_clear (err);
      *ret = false;
      return 0;
    }
  if (r < 0)
    return r;
  *ret = v[0] == '1';
  return 0;
}

/* ---- stats ------------------------------------------------------------- */

static uint64_t
v2_u64 (const char *dir, const char *file)
{
  uint64_t v = 0;
  struct oci_error ignored = { 0 };
  if (tong_cg_read_u64 (dir, file, &v, &ignored) < 0)
    v = 0;
  return v;
}

static int
v2_memory_stats (const char *dir, struct tong_cg_stats *s, struct oci_error *err)
{
  cleanup_free char *text = NULL;
  struct oci_error ignored = { 0 };

  if (tong_cg_read (dir, "memory.stat", &text, &ignored) < 0)
    return 0;
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
      if (strcmp (line, "file") == 0)
        s->memory.cache = strtoull (sp + 1, NULL, 10);
    }
  s->memory.usage.usage = v2_u64 (dir, "memory.current");
  s->memory.usage.limit = v2_u64 (dir, "memory.max");
  if (tong_cg_exists (dir, "memory.swap.current"))
    {
      /* v1 reported memory+swap: add memory, as runc does. */
      s->memory.swap.usage = v2_u64 (dir, "memory.swap.current") + s->memory.usage.usage;
      s->memory.swap.limit = v2_u64 (dir, "memory.swap.max");
      if (s->memory.swap.limit != UINT64_MAX)
        s->memory.swap.limit += s->memory.usage.limit;
    }
  return 0;
}

static int
io_stats (const char *dir, struct tong_cg_stats *s, struct oci_error *err)
{
  cleanup_free char *text = NULL;
  struct oci_error ignored = { 0 };

  if (tong_cg_read (dir, "io.stat", &text, &ignored) < 0)
    return 0;
  /* "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
  for (char *line = text, *next; line && *line; line = next)
    {
      unsigned long long maj, min;
      char *save = NULL, *t;
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      if (sscanf (line, "%llu:%llu", &maj, &min) != 2)
        continue;
      strtok_r (line, " ", &save);
      while ((t = strtok_r (NULL, " ", &save)))
        {
          static const struct {
            const char *key, *op;
            int kind;
          } map[] = { { "rbytes=", "Read", TONG_BLKIO_SERVICE_BYTES },
                      { "wbytes=", "Write", TONG_BLKIO_SERVICE_BYTES },
                      { "rios=", "Read", TONG_BLKIO_SERVICED },
                      { "wios=", "Write", TONG_BLKIO_SERVICED } };
          for (size_t i = 0; i < sizeof map / sizeof *map; i++)
            if (strncmp (t, map[i].key, strlen (map[i].key)) == 0
                && tong_stats_blkio_push (s, map[i].kind, maj, min, map[i].op,
                                          strtoull (t + strlen (map[i].key), NULL, 10))
                       < 0)
              return oci_error_set (err, ENOMEM, "io stats");
        }
    }
  return 0;
}

static void
cpu_stats (const char *dir, struct tong_cg_stats *s)
{
  static const struct {
    const char *key;
    size_t off;
    uint64_t mul;
  } map[] = {
    { "usage_usec", offsetof (struct tong_cg_stats, cpu.total), 1000 },
    { "user_usec", offsetof (struct tong_cg_stats, cpu.user), 1000 },
    { "system_usec", offsetof (struct tong_cg_stats, cpu.kernel), 1000 },
    { "nr_periods", offsetof (struct tong_cg_stats, cpu.periods), 1 },
    { "nr_throttled", offsetof (struct tong_cg_stats, cpu.throttled_periods), 1 },
    { "throttled_usec", offsetof (struct tong_cg_stats, cpu.throttled_time), 1000 },
  };
  struct oci_error ignored = { 0 };

  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    {
      uint64_t v;
      if (tong_cg_read_key_u64 (dir, "cpu.stat", map[i].key, &v, &ignored) == 0)
        *(uint64_t *) ((char *) s + map[i].off) = v * map[i].mul;
    }
}

int
tong_cg_v2_stats (const char *dir, unsigned which, struct tong_cg_stats *s, struct oci_error *err)
{
  int r;

  if (which & TONG_CG_PIDS)
    {
      if (tong_cg_exists (dir, "pids.current"))
        {
          s->pids.current = v2_u64 (dir, "pids.current");
          s->pids.limit = v2_u64 (dir, "pids.max");
          if (s->pids.limit == UINT64_MAX)
            s->pids.limit = 0;
        }
      else
        {
          cleanup_free char *procs = NULL;
          struct oci_error ignored = { 0 };
          if (tong_cg_read (dir, "cgroup.procs", &procs, &ignored) == 0)
            for (char *p = procs; (p = strchr (p, '\n')); p++)
              s->pids.current++;
        }
    }
  if ((which & TONG_CG_MEMORY) && (r = v2_memory_stats (dir, s, err)) < 0)
    return r;
  if ((which & TONG_CG_BLKIO) && (r = io_stats (dir, s, err)) < 0)
    return r;
  if (which & TONG_CG_CPU)
    cpu_stats (dir, s);
  if (which & TONG_CG_HUGETLB)
    {
      cleanup_strv char **sizes = tong_hugepage_sizes ();
      for (size_t i = 0; sizes && sizes[i]; i++)
        {
          char f[96];
          uint64_t usage, failcnt = 0;
          struct oci_error ignored = { 0 };
          snprintf (f, sizeof f, "hugetlb.%s.current", sizes[i]);
          if (!tong_cg_exists (dir, f))
            continue;
          usage = v2_u64 (dir, f);
          snprintf (f, sizeof f, "hugetlb.%s.events", sizes[i]);
          tong_cg_read_key_u64 (dir, f, "max", &failcnt, &ignored);
          if (tong_stats_hugetlb_add (s, sizes[i], usage, 0, failcnt) < 0)
            return oci_error_set (err, ENOMEM, "hugetlb stats");
        }
    }
  return 0;
}
