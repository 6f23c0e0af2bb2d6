/* `events --stats`: the numbers gathered by cgroup-v1.c/cgroup-v2.c, written
 * in the shape of runc's types.Stats as Go's encoding/json emits it (field
 * order of the struct, "omitempty" fields left out when zero or empty,
 * map keys sorted). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-internal.h"
#include "oci/cleanup.h"

int
tong_stats_u64_push (struct tong_u64_list *l, uint64_t v)
{
  uint64_t *nv = realloc (l->v, (l->n + 1) * sizeof *nv);
  if (!nv)
    return -ENOMEM;
  l->v = nv;
  l->v[l->n++] = v;
  return 0;
}

int
tong_stats_raw_set (struct tong_cg_stats *s, const char *key, uint64_t v)
{
  char **nk;
  uint64_t *nv;

  for (size_t i = 0; i < s->memory.raw_n; i++)
    if (strcmp (s->memory.raw_keys[i], key) == 0)
      {
        s->memory.raw_values[i] = v;
        return 0;
      }
  nk = realloc (s->memory.raw_keys, (s->memory.raw_n + 1) * sizeof *nk);
  if (!nk)
    return -ENOMEM;
  s->memory.raw_keys = nk;
  nv = realloc (s->memory.raw_values, (s->memory.raw_n + 1) * sizeof *nv);
  if (!nv)
    return -ENOMEM;
  s->memory.raw_values = nv;
  if (!(nk[s->memory.raw_n] = strdup (key)))
    return -ENOMEM;
  nv[s->memory.raw_n++] = v;
  return 0;
}

int
tong_stats_blkio_push (struct tong_cg_stats *s, int kind, uint64_t major, uint64_t minor, const char *op,
                       uint64_t value)
{
  struct tong_blkio_entry *nv = realloc (s->blkio[kind].v, (s->blkio[kind].n + 1) * sizeof *nv);
  if (!nv)
    return -ENOMEM;
  s->blkio[kind].v = nv;
  nv += s->blkio[kind].n++;
  nv->major = major;
  nv->minor = minor;
  nv->value = value;
  snprintf (nv->op, sizeof nv->op, "%s", op);
  return 0;
}

int
tong_stats_hugetlb_add (struct tong_cg_stats *s, const char *size, uint64_t usage, uint64_t max, uint64_t failcnt)
{
  __typeof__ (s->hugetlb) nv = realloc (s->hugetlb, (s->hugetlb_n + 1) * sizeof *nv);
  if (!nv)
    return -ENOMEM;
  s->hugetlb = nv;
  nv += s->hugetlb_n++;
  snprintf (nv->size, sizeof nv->size, "%s", size);
  nv->usage = usage;
  nv->max = max;
  nv->failcnt = failcnt;
  return 0;
}

char **
tong_hugepage_sizes (void)
{
  cleanup_dir DIR *d = opendir ("/sys/kernel/mm/hugepages");
  char **v = calloc (1, sizeof *v);
  struct dirent *de;
  size_t n = 0;

  if (!d || !v)
    return v;
  while ((de = readdir (d)))
    {
      unsigned long long kb;
      char unit[4], name[32], **nv;
      /* hugepages-2048kB → "2MB", as the kernel names hugetlb files. */
      if (sscanf (de->d_name, "hugepages-%llu%3s", &kb, unit) != 2 || strcmp (unit, "kB") != 0)
        continue;
      if (kb >= (1ull << 20))
        snprintf (name, sizeof name, "%lluGB", kb >> 20);
      else if (kb >= (1ull << 10))
        snprintf (name, sizeof name, "%lluMB", kb >> 10);
      else
        snprintf (name, sizeof name, "%lluKB", kb);
      nv = realloc (v, (n + 2) * sizeof *nv);
      if (!nv)
        break;
      v = nv;
      if (!(v[n] = strdup (name)))
        break;
      v[++n] = NULL;
    }
  return v;
}

int
tong_parse_cpu_list (const char *s, struct tong_u64_list *ret)
{
  const char *p = s;

  while (*p && *p != '\n')
    {
      char *end;
      unsigned long long a = strtoull (p, &end, 10), b;
      if (end == p)
        return -EINVAL;
      b = a;
      if (*end == '-')
        {
          p = end + 1;
          b = strtoull (p, &end, 10);
          if (end == p || b < a || b - a > 65535)
            return -EINVAL;
        }
      for (unsigned long long i = a; i <= b; i++)
        if (tong_stats_u64_push (ret, i) < 0)
          return -ENOMEM;
      p = end;
      if (*p == ',')
        p++;
      else if (*p && *p != '\n')
        return -EINVAL;
    }
  return 0;
}

void
tong_stats_free (struct tong_cg_stats *s)
{
  free (s->cpu.percpu.v);
  free (s->cpu.percpu_kernel.v);
  free (s->cpu.percpu_user.v);
  free (s->cpuset.cpus.v);
  free (s->cpuset.mems.v);
  for (size_t i = 0; i < s->memory.raw_n; i++)
    free (s->memory.raw_keys[i]);
  free (s->memory.raw_keys);
  free (s->memory.raw_values);
  for (int k = 0; k < TONG_BLKIO_N; k++)
    free (s->blkio[k].v);
  free (s->hugetlb);
}

/* ---- writing ----------------------------------------------------------- */

/* "key": v, unless v is 0 (Go's omitempty). */
static void
opt_u64 (struct oci_json_writer *w, const char *key, uint64_t v)
{
  if (v)
    {
      oci_jw_key (w, key);
      oci_jw_uint64 (w, v);
    }
}

static void
u64 (struct oci_json_writer *w, const char *key, uint64_t v)
{
  oci_jw_key (w, key);
  oci_jw_uint64 (w, v);
}

static void
opt_list (struct oci_json_writer *w, const char *key, const struct tong_u64_list *l)
{
  if (!l->n)
    return;
  oci_jw_key (w, key);
  oci_jw_begin_array (w);
  for (size_t i = 0; i < l->n; i++)
    oci_jw_uint64 (w, l->v[i]);
  oci_jw_end_array (w);
}

static void
write_mem_entry (struct oci_json_writer *w, const char *key, const struct tong_mem_entry *e)
{
  oci_jw_key (w, key);
  oci_jw_begin_object (w);
  u64 (w, "limit", e->limit);
  opt_u64 (w, "usage", e->usage);
  opt_u64 (w, "max", e->max);
  u64 (w, "failcnt", e->failcnt);
  oci_jw_end_object (w);
}

static int
str_index_cmp (const void *a, const void *b, void *keys)
{
  char **k = keys;
  return strcmp (k[*(const size_t *) a], k[*(const size_t *) b]);
}

static int
hugetlb_cmp (const void *a, const void *b)
{
  /* The page size name is the first member. */
  return strcmp ((const char *) a, (const char *) b);
}

void
tong_stats_write (const struct tong_cg_stats *s, struct oci_json_writer *w)
{
  static const char *const blkio_keys[TONG_BLKIO_N] = {
    [TONG_BLKIO_SERVICE_BYTES] = "ioServiceBytesRecursive",
    [TONG_BLKIO_SERVICED] = "ioServicedRecursive",
    [TONG_BLKIO_QUEUED] = "ioQueueRecursive",
    [TONG_BLKIO_SERVICE_TIME] = "ioServiceTimeRecursive",
    [TONG_BLKIO_WAIT_TIME] = "ioWaitTimeRecursive",
    [TONG_BLKIO_MERGED] = "ioMergedRecursive",
    [TONG_BLKIO_TIME] = "ioTimeRecursive",
    [TONG_BLKIO_SECTORS] = "sectorsRecursive",
  };

  oci_jw_begin_object (w);

  oci_jw_key (w, "cpu");
  oci_jw_begin_object (w);
  oci_jw_key (w, "usage");
  oci_jw_begin_object (w);
  opt_u64 (w, "total", s->cpu.total);
  opt_list (w, "percpu", &s->cpu.percpu);
  opt_list (w, "percpu_kernel", &s->cpu.percpu_kernel);
  opt_list (w, "percpu_user", &s->cpu.percpu_user);
  u64 (w, "kernel", s->cpu.kernel);
  u64 (w, "user", s->cpu.user);
  oci_jw_end_object (w);
  oci_jw_key (w, "throttling");
  oci_jw_begin_object (w);
  opt_u64 (w, "periods", s->cpu.periods);
  opt_u64 (w, "throttledPeriods", s->cpu.throttled_periods);
  opt_u64 (w, "throttledTime", s->cpu.throttled_time);
  oci_jw_end_object (w);
  oci_jw_end_object (w);

  oci_jw_key (w, "cpuset");
  oci_jw_begin_object (w);
  opt_list (w, "cpus", &s->cpuset.cpus);
  u64 (w, "cpu_exclusive", s->cpuset.cpu_exclusive);
  opt_list (w, "mems", &s->cpuset.mems);
  u64 (w, "mem_hardwall", s->cpuset.mem_hardwall);
  u64 (w, "mem_exclusive", s->cpuset.mem_exclusive);
  u64 (w, "memory_migrate", s->cpuset.memory_migrate);
  u64 (w, "memory_spread_page", s->cpuset.memory_spread_page);
  u64 (w, "memory_spread_slab", s->cpuset.memory_spread_slab);
  u64 (w, "memory_pressure", s->cpuset.memory_pressure);
  u64 (w, "sched_load_balance", s->cpuset.sched_load_balance);
  oci_jw_kv_int64 (w, "sched_relax_domain_level", s->cpuset.sched_relax_domain_level);
  oci_jw_end_object (w);

  oci_jw_key (w, "memory");
  oci_jw_begin_object (w);
  opt_u64 (w, "cache", s->memory.cache);
  write_mem_entry (w, "usage", &s->memory.usage);
  write_mem_entry (w, "swap", &s->memory.swap);
  write_mem_entry (w, "kernel", &s->memory.kernel);
  write_mem_entry (w, "kernelTCP", &s->memory.kernel_tcp);
  if (s->memory.raw_n)
    {
      size_t *order = malloc (s->memory.raw_n * sizeof *order);
      oci_jw_key (w, "raw");
      oci_jw_begin_object (w);
      for (size_t i = 0; order && i < s->memory.raw_n; i++)
        order[i] = i;
      if (order)
        qsort_r (order, s->memory.raw_n, sizeof *order, str_index_cmp, s->memory.raw_keys);
      for (size_t i = 0; i < s->memory.raw_n; i++)
        {
          size_t k = order ? order[i] : i;
          u64 (w, s->memory.raw_keys[k], s->memory.raw_values[k]);
        }
      free (order);
      oci_jw_end_object (w);
    }
  oci_jw_end_object (w);

  oci_jw_key (w, "pids");
  oci_jw_begin_object (w);
  opt_u64 (w, "current", s->pids.current);
  opt_u64 (w, "limit", s->pids.limit);
  oci_jw_end_object (w);

  oci_jw_key (w, "blkio");
  oci_jw_begin_object (w);
  for (int k = 0; k < TONG_BLKIO_N; k++)
    {
      if (!s->blkio[k].n)
        continue;
      oci_jw_key (w, blkio_keys[k]);
      oci_jw_begin_array (w);
      for (size_t i = 0; i < s->blkio[k].n; i++)
        {
          const struct tong_blkio_entry *e = &s->blkio[k].v[i];
          oci_jw_begin_object (w);
          opt_u64 (w, "major", e->major);
          opt_u64 (w, "minor", e->minor);
          if (e->op[0])
            oci_jw_kv_string (w, "op", e->op);
          opt_u64 (w, "value", e->value);
          oci_jw_end_object (w);
        }
      oci_jw_end_array (w);
    }
  oci_jw_end_object (w);

  oci_jw_key (w, "hugetlb");
  oci_jw_begin_object (w);
  {
    /* Sorted by page size name, as Go sorts map keys. */
    __typeof__ (s->hugetlb) sorted = malloc ((s->hugetlb_n ? s->hugetlb_n : 1) * sizeof *sorted);
    if (sorted)
      {
        if (s->hugetlb_n)
          memcpy (sorted, s->hugetlb, s->hugetlb_n * sizeof *sorted);
        qsort (sorted, s->hugetlb_n, sizeof *sorted, hugetlb_cmp);
      }
    for (size_t i = 0; i < s->hugetlb_n; i++)
      {
        const __typeof__ (*s->hugetlb) *h = sorted ? &sorted[i] : &s->hugetlb[i];
        oci_jw_key (w, h->size);
        oci_jw_begin_object (w);
        opt_u64 (w, "usage", h->usage);
        opt_u64 (w, "max", h->max);
        u64 (w, "failcnt", h->failcnt);
        oci_jw_end_object (w);
      }
    free (sorted);
  }
  oci_jw_end_object (w);

  oci_jw_key (w, "intel_rdt");
  oci_jw_begin_object (w);
  oci_jw_end_object (w);
  oci_jw_key (w, "network_interfaces");
  oci_jw_null (w);

  oci_jw_end_object (w);
}
