#include "process-attrs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "oci/cleanup.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

/* oci_error_set's message plus a parenthesised hint after strerror:
 * "setrlimit ...: Operation not permitted (raising ... needs ...)". */
static int __attribute__ ((format (printf, 4, 5)))
error_hint (struct oci_error *err, int errnum, const char *hint, const char *fmt, ...)
{
  va_list ap;
  size_t n;
  int r;

  va_start (ap, fmt);
  r = oci_error_setv (err, errnum, fmt, ap);
  va_end (ap);
  if (hint)
    {
      n = strlen (err->msg);
      snprintf (err->msg + n, sizeof err->msg - n, " (%s)", hint);
    }
  return r;
}

static bool
str_in (const char *s, const char *const *set)
{
  for (; *set; set++)
    if (strcmp (s, *set) == 0)
      return true;
  return false;
}

/* ---- rlimits ---------------------------------------------------------- */

static const struct {
  const char *name;
  int resource;
} rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

int
tong_rlimit_resource (const char *name)
{
  size_t i;

  for (i = 0; name && i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
    if (strcmp (rlimit_names[i].name, name) == 0)
      return rlimit_names[i].resource;
  return -1;
}

int
tong_rlimits_check (const struct oci_spec_process *p, struct oci_error *err)
{
  size_t i;

  for (i = 0; p && i < p->rlimits_len; i++)
    {
      const struct oci_spec_rlimit *r = &p->rlimits[i];

      if (tong_rlimit_resource (r->type) < 0)
        return oci_error_set (err, 0, "process.rlimits[%zu].type: unknown rlimit \"%s\"", i,
                              r->type ? r->type : "");
      if (r->soft > r->hard)
        return oci_error_set (err, 0, "process.rlimits[%zu]: soft limit %" PRIu64 " of %s is above its hard limit %" PRIu64,
                              i, r->soft, r->type, r->hard);
    }
  return 0;
}

/* The kernel's ceiling for RLIMIT_NOFILE; the hard limit of the caller's
 * own table when /proc is unreadable (enough to word an error). */
static rlim_t
nr_open (void)
{
  char buf[32];
  ssize_t n;
  int fd = open ("/proc/sys/fs/nr_open", O_RDONLY | O_CLOEXEC);

  if (fd >= 0)
    {
      n = read (fd, buf, sizeof buf - 1);
      close (fd);
      if (n > 0)
        {
          buf[n] = '\0';
          return strtoull (buf, NULL, 10);
        }
    }
  return RLIM_INFINITY;
}

int
tong_rlimits_apply (const struct oci_spec_process *p, pid_t pid, struct oci_error *err)
{
  size_t i;

  for (i = 0; p && i < p->rlimits_len; i++)
    {
      const struct oci_spec_rlimit *r = &p->rlimits[i];
      struct rlimit want = { .rlim_cur = r->soft, .rlim_max = r->hard }, cur;
      int res = tong_rlimit_resource (r->type);
      const char *hint = NULL;
      int e;

      if (res < 0)
        return tong_rlimits_check (p, err);
      if (prlimit (pid, res, &want, NULL) == 0)
        continue;
      e = errno;
      if (e == EPERM && res == RLIMIT_NOFILE && want.rlim_max > nr_open ())
        hint = "the hard limit of RLIMIT_NOFILE cannot exceed /proc/sys/fs/nr_open";
      else if (e == EPERM && prlimit (pid, res, NULL, &cur) == 0 && want.rlim_max > cur.rlim_max)
        hint = "raising a hard limit needs CAP_SYS_RESOURCE";
      return error_hint (err, e, hint, "process.rlimits[%zu]: setrlimit %s to soft=%" PRIu64 " hard=%" PRIu64, i,
                         r->type, r->soft, r->hard);
    }
  return 0;
}

/* ---- oomScoreAdj ------------------------------------------------------ */

int
tong_oom_score_adj_check (const struct oci_spec_process *p, struct oci_error *err)
{
  if (p && p->oom_score_adj_present && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
    return oci_error_set (err, 0, "process.oomScoreAdj: %" PRId64 " is out of range [-1000, 1000]", p->oom_score_adj);
  return 0;
}

/* Opens <proc>/self/<name> for writing so that nothing mounted over the
 * way (a bind mount of another procfs file, the CVE-2025-52881 race) can
 * redirect the write: openat2 refuses to cross a mount point, and the
 * result must be on procfs. */
static int
open_proc_self (int proc_fd, const char *name, int *ret, struct oci_error *err)
{
  cleanup_close int own = -1;
  struct open_how how = { .flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW, .resolve = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS };
  char rel[64];
  struct statfs sfs;
  int fd;

  if (proc_fd < 0)
    {
      own = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (own < 0)
        return oci_error_set (err, errno, "open /proc");
      proc_fd = own;
    }
  if (fstatfs (proc_fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return oci_error_set (err, EXDEV, "/proc is not a procfs");
  snprintf (rel, sizeof rel, "self/%s", name);
  fd = (int) syscall (SYS_openat2, proc_fd, rel, &how, sizeof how);
  /* Before Linux 5.6: the procfs check below is what is left. */
  if (fd < 0 && errno == ENOSYS)
    fd = openat (proc_fd, rel, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return oci_error_set (err, errno, "open /proc/%s", rel);
  if (fstatfs (fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    {
      close (fd);
      return oci_error_set (err, EXDEV, "/proc/%s is not on procfs", rel);
    }
  *ret = fd;
  return 0;
}

int
tong_oom_score_adj_apply (const struct oci_spec_process *p, int proc_fd, struct oci_error *err)
{
  cleanup_close int fd = -1;
  char buf[32];
  int len, r;

  if (!p || !p->oom_score_adj_present)
    return 0;
  r = tong_oom_score_adj_check (p, err);
  if (r < 0)
    return r;
  r = open_proc_self (proc_fd, "oom_score_adj", &fd, err);
  if (r < 0)
    return oci_error_wrap (err, "process.oomScoreAdj");
  len = snprintf (buf, sizeof buf, "%" PRId64, p->oom_score_adj);
  if (write (fd, buf, (size_t) len) != len)
    {
      int e = errno;
      return error_hint (err, e, e == EACCES || e == EPERM ? "lowering oom_score_adj below its floor needs CAP_SYS_RESOURCE" : NULL,
                         "process.oomScoreAdj: write %s to /proc/self/oom_score_adj", buf);
    }
  return 0;
}

/* ---- personality ------------------------------------------------------ */

int
tong_personality_check (const struct oci_spec_personality *p, struct oci_error *err)
{
  static const char *const domains[] = { "LINUX", "LINUX32", NULL };

  if (!p)
    return 0;
  if (!p->domain)
    return oci_error_set (err, 0, "linux.personality.domain: required");
  if (!str_in (p->domain, domains))
    return oci_error_set (err, 0, "linux.personality.domain: unknown domain \"%s\"", p->domain);
  if (p->flags_len)
    return oci_error_set (err, 0, "linux.personality.flags: \"%s\" is not supported (the runtime-spec defines no flag yet)",
                          p->flags[0]);
  return 0;
}

int
tong_personality_apply (const struct oci_spec_personality *p, struct oci_error *err)
{
  unsigned long persona;
  int r;

  if (!p)
    return 0;
  r = tong_personality_check (p, err);
  if (r < 0)
    return r;
  persona = strcmp (p->domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;
  if (personality (persona) < 0)
    return oci_error_set (err, errno, "linux.personality: personality %s", p->domain);
  return 0;
}

/* ---- ioPriority ------------------------------------------------------- */

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

static int
ioprio_class (const char *name)
{
  if (!name)
    return -1;
  if (strcmp (name, "IOPRIO_CLASS_RT") == 0)
    return 1;
  if (strcmp (name, "IOPRIO_CLASS_BE") == 0)
    return 2;
  if (strcmp (name, "IOPRIO_CLASS_IDLE") == 0)
    return 3;
  return -1;
}

int
tong_ioprio_check (const struct oci_spec_io_priority *io, struct oci_error *err)
{
  if (!io)
    return 0;
  if (ioprio_class (io->class_) < 0)
    return oci_error_set (err, 0, "process.ioPriority.class: unknown class \"%s\"", io->class_ ? io->class_ : "");
  if (io->priority_present && (io->priority < 0 || io->priority > 7))
    return oci_error_set (err, 0, "process.ioPriority.priority: %" PRId32 " is out of range [0, 7]", io->priority);
  return 0;
}

int
tong_ioprio_apply (const struct oci_spec_io_priority *io, struct oci_error *err)
{
  int r, value;

  if (!io)
    return 0;
  r = tong_ioprio_check (io, err);
  if (r < 0)
    return r;
  value = (ioprio_class (io->class_) << IOPRIO_CLASS_SHIFT) | (io->priority_present ? io->priority : 0);
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    return error_hint (err, errno, errno == EPERM ? "the real-time class needs CAP_SYS_ADMIN or CAP_SYS_NICE" : NULL,
                       "process.ioPriority: ioprio_set %s priority %d", io->class_,
                       io->priority_present ? io->priority : 0);
  return 0;
}

/* ---- scheduler -------------------------------------------------------- */

/* glibc 2.36 has no sched_setattr wrapper nor struct; this is the kernel's
 * SCHED_ATTR_SIZE_VER1 layout, the size runc passes. */
struct tong_sched_attr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

/* Indexed by the kernel's policy numbers. */
enum {
  TONG_SCHED_OTHER,
  TONG_SCHED_FIFO,
  TONG_SCHED_RR,
  TONG_SCHED_BATCH,
  TONG_SCHED_ISO,
  TONG_SCHED_IDLE,
  TONG_SCHED_DEADLINE,
};

static const char *const sched_policy_names[] = {
  "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE",
};
static const char *const sched_flag_names[] = {
  "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",        "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
  "SCHED_FLAG_KEEP_PARAMS",   "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX",
};

#define N_ELEMS(a) (sizeof (a) / sizeof (a)[0])

/* The kernel numbers policies and flag bits in the order of the tables. */
static int
table_index (const char *s, const char *const *table, size_t n)
{
  size_t i;

  for (i = 0; s && i < n; i++)
    if (strcmp (s, table[i]) == 0)
      return (int) i;
  return -1;
}

int
tong_scheduler_check (const struct oci_spec_scheduler *s, struct oci_error *err)
{
  int policy;
  size_t i;

  if (!s)
    return 0;
  policy = table_index (s->policy, sched_policy_names, N_ELEMS (sched_policy_names));
  if (policy < 0)
    return oci_error_set (err, 0, "process.scheduler.policy: unknown policy \"%s\"", s->policy ? s->policy : "");
  if (policy == TONG_SCHED_ISO)
    return oci_error_set (err, 0, "process.scheduler.policy: SCHED_ISO is not implemented by Linux");
  for (i = 0; i < s->flags_len; i++)
    if (table_index (s->flags[i], sched_flag_names, N_ELEMS (sched_flag_names)) < 0)
      return oci_error_set (err, 0, "process.scheduler.flags[%zu]: unknown flag \"%s\"", i, s->flags[i]);
  if (s->nice_present && (policy == TONG_SCHED_OTHER || policy == TONG_SCHED_BATCH) && (s->nice < -20 || s->nice > 19))
    return oci_error_set (err, 0, "process.scheduler.nice: %" PRId32 " is out of range [-20, 19] for %s", s->nice,
                          s->policy);
  if (policy == TONG_SCHED_FIFO || policy == TONG_SCHED_RR)
    {
      if (!s->priority_present || s->priority < 1 || s->priority > 99)
        return oci_error_set (err, 0, "process.scheduler.priority: %s needs a priority in [1, 99]", s->policy);
    }
  else if (s->priority_present && s->priority != 0)
    return oci_error_set (err, 0, "process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority");
  if (policy != TONG_SCHED_DEADLINE)
    {
      if ((s->runtime_present && s->runtime) || (s->deadline_present && s->deadline)
          || (s->period_present && s->period))
        return oci_error_set (err, 0, "process.scheduler: runtime, deadline and period are only for SCHED_DEADLINE");
      return 0;
    }
  /* sched(7): runtime <= deadline <= period (0 meaning "= deadline"), all
   * at least 1024 ns and below 2^63. */
  if (!s->runtime_present || s->runtime < 1024 || s->runtime >= (UINT64_C (1) << 63))
    return oci_error_set (err, 0, "process.scheduler.runtime: SCHED_DEADLINE needs a runtime in [1024, 2^63) ns");
  if (!s->deadline_present || s->deadline < s->runtime || s->deadline >= (UINT64_C (1) << 63))
    return oci_error_set (err, 0, "process.scheduler.deadline: SCHED_DEADLINE needs runtime <= deadline < 2^63 ns");
  if (s->period_present && s->period && (s->period < s->deadline || s->period >= (UINT64_C (1) << 63)))
    return oci_error_set (err, 0, "process.scheduler.period: SCHED_DEADLINE needs deadline <= period < 2^63 ns");
  return 0;
}

int
tong_scheduler_apply (const struct oci_spec_scheduler *s, struct oci_error *err)
{
  struct tong_sched_attr attr;
  size_t i;
  int r;

  if (!s)
    return 0;
  r = tong_scheduler_check (s, err);
  if (r < 0)
    return r;
  memset (&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.sched_policy = (uint32_t) table_index (s->policy, sched_policy_names, N_ELEMS (sched_policy_names));
  for (i = 0; i < s->flags_len; i++)
    attr.sched_flags |= UINT64_C (1) << table_index (s->flags[i], sched_flag_names, N_ELEMS (sched_flag_names));
  attr.sched_nice = s->nice_present ? s->nice : 0;
  attr.sched_priority = s->priority_present ? (uint32_t) s->priority : 0;
  attr.sched_runtime = s->runtime_present ? s->runtime : 0;
  attr.sched_deadline = s->deadline_present ? s->deadline : 0;
  attr.sched_period = s->period_present ? s->period : 0;
  if (syscall (SYS_sched_setattr, 0, &attr, 0) < 0)
    return error_hint (err, errno,
                       errno == EPERM ? "real-time and deadline policies and negative nice values need CAP_SYS_NICE; "
                                        "SCHED_DEADLINE also needs the process to be allowed on every CPU"
                                      : NULL,
                       "process.scheduler: sched_setattr %s", s->policy);
  return 0;
}

/* ---- CPU and node lists ----------------------------------------------- */

/* runc's limit: enough for any machine, small enough that a bogus number
 * cannot make us allocate much. */
#define TONG_CPULIST_MAX 65536

#define LONG_BITS (sizeof (unsigned long) * CHAR_BIT)

void
tong_cpuset_release (struct tong_cpuset *s)
{
  if (!s)
    return;
  free (s->bits);
  s->bits = NULL;
  s->size = 0;
  s->count = 0;
}

/* One element "N" or "N-M" between [start, end), blanks already trimmed. */
static int
parse_cpu_range (const char *s, const char *end, unsigned long *lo, unsigned long *hi)
{
  unsigned long v[2] = { 0, 0 };
  int k = 0;
  bool digits = false;

  for (; s < end; s++)
    {
      if (*s >= '0' && *s <= '9')
        {
          v[k] = v[k] * 10 + (unsigned long) (*s - '0');
          if (v[k] > TONG_CPULIST_MAX)
            return -ERANGE;
          digits = true;
        }
      else if (*s == '-' && k == 0 && digits)
        {
          k = 1;
          digits = false;
        }
      else
        return -EINVAL;
    }
  if (!digits)
    return -EINVAL;
  *lo = v[0];
  *hi = k ? v[1] : v[0];
  return *lo <= *hi ? 0 : -EINVAL;
}

int
tong_cpulist_parse (const char *list, struct tong_cpuset *ret, struct oci_error *err)
{
  struct tong_cpuset set = { 0 };
  const char *p = list;
  unsigned long max = 0, lo, hi, c;
  bool any = false;
  int pass, r;

  memset (ret, 0, sizeof *ret);
  if (!list || !*list)
    return 0;
  /* Two passes over the text: the first finds the largest member, so the
   * bitmap is sized once. */
  for (pass = 0; pass < 2; pass++)
    {
      for (p = list; *p;)
        {
          const char *start = p, *end;

          while (*p && *p != ',')
            p++;
          end = p;
          if (*p == ',')
            p++;
          while (start < end && (*start == ' ' || *start == '\t'))
            start++;
          while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
          if (start == end)
            continue;
          r = parse_cpu_range (start, end, &lo, &hi);
          if (r < 0)
            {
              tong_cpuset_release (&set);
              if (r == -ERANGE)
                return oci_error_set (err, 0, "\"%s\": members above %d are not supported", list, TONG_CPULIST_MAX);
              return oci_error_set (err, 0, "\"%s\": bad element \"%.*s\"", list, (int) (end - start), start);
            }
          any = true;
          if (pass == 0)
            {
              if (hi > max)
                max = hi;
              continue;
            }
          for (c = lo; c <= hi; c++)
            if (!(set.bits[c / LONG_BITS] & (1UL << (c % LONG_BITS))))
              {
                set.bits[c / LONG_BITS] |= 1UL << (c % LONG_BITS);
                set.count++;
              }
        }
      if (!any)
        return oci_error_set (err, 0, "\"%s\": no members", list);
      if (pass == 0)
        {
          set.size = (max / LONG_BITS + 1) * sizeof (unsigned long);
          set.bits = calloc (1, set.size);
          if (!set.bits)
            return oci_error_set (err, ENOMEM, "\"%s\"", list);
        }
    }
  *ret = set;
  return 0;
}

int
tong_cpu_affinity_check (const struct oci_spec_cpu_affinity *a, struct oci_error *err)
{
  struct tong_cpuset s;
  int r;

  if (!a)
    return 0;
  r = tong_cpulist_parse (a->initial, &s, err);
  if (r < 0)
    return oci_error_wrap (err, "process.execCPUAffinity.initial");
  tong_cpuset_release (&s);
  r = tong_cpulist_parse (a->final, &s, err);
  if (r < 0)
    return oci_error_wrap (err, "process.execCPUAffinity.final");
  tong_cpuset_release (&s);
  return 0;
}

int
tong_cpu_affinity_apply (const char *cpulist, pid_t pid, struct oci_error *err)
{
  struct tong_cpuset s;
  int r;

  r = tong_cpulist_parse (cpulist, &s, err);
  if (r < 0)
    return oci_error_wrap (err, "CPU affinity");
  if (!s.count)
    return 0;
  r = sched_setaffinity (pid, s.size, (cpu_set_t *) s.bits);
  if (r < 0)
    r = oci_error_set (err, errno, "sched_setaffinity to CPUs %s", cpulist);
  tong_cpuset_release (&s);
  return r;
}

/* ---- memoryPolicy ----------------------------------------------------- */

static const char *const mpol_mode_names[] = {
  "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_LOCAL", "MPOL_PREFERRED_MANY",
  "MPOL_WEIGHTED_INTERLEAVE",
};

enum {
  TONG_MPOL_DEFAULT,
  TONG_MPOL_PREFERRED,
  TONG_MPOL_BIND,
  TONG_MPOL_INTERLEAVE,
  TONG_MPOL_LOCAL,
  TONG_MPOL_PREFERRED_MANY,
  TONG_MPOL_WEIGHTED_INTERLEAVE,
};

#define TONG_MPOL_F_NUMA_BALANCING (1 << 13)
#define TONG_MPOL_F_RELATIVE_NODES (1 << 14)
#define TONG_MPOL_F_STATIC_NODES (1 << 15)

static int
mpol_flag (const char *name)
{
  if (!name)
    return -1;
  if (strcmp (name, "MPOL_F_NUMA_BALANCING") == 0)
    return TONG_MPOL_F_NUMA_BALANCING;
  if (strcmp (name, "MPOL_F_RELATIVE_NODES") == 0)
    return TONG_MPOL_F_RELATIVE_NODES;
  if (strcmp (name, "MPOL_F_STATIC_NODES") == 0)
    return TONG_MPOL_F_STATIC_NODES;
  return -1;
}

/* Validates and computes set_mempolicy's mode argument and node set. */
static int
memory_policy_prepare (const struct oci_spec_memory_policy *m, int *ret_mode, struct tong_cpuset *ret_nodes,
                       struct oci_error *err)
{
  int mode, flags = 0, f, r;
  size_t i;

  memset (ret_nodes, 0, sizeof *ret_nodes);
  if (!m->mode)
    return oci_error_set (err, 0, "linux.memoryPolicy.mode: required");
  mode = table_index (m->mode, mpol_mode_names, N_ELEMS (mpol_mode_names));
  if (mode < 0)
    return oci_error_set (err, 0, "linux.memoryPolicy.mode: unknown mode \"%s\"", m->mode);
  for (i = 0; i < m->flags_len; i++)
    {
      f = mpol_flag (m->flags[i]);
      if (f < 0)
        return oci_error_set (err, 0, "linux.memoryPolicy.flags[%zu]: unknown flag \"%s\"", i, m->flags[i]);
      flags |= f;
    }
  if ((flags & TONG_MPOL_F_STATIC_NODES) && (flags & TONG_MPOL_F_RELATIVE_NODES))
    return oci_error_set (err, 0, "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
  r = tong_cpulist_parse (m->nodes, ret_nodes, err);
  if (r < 0)
    return oci_error_wrap (err, "linux.memoryPolicy.nodes");
  switch (mode)
    {
    case TONG_MPOL_DEFAULT:
    case TONG_MPOL_LOCAL:
      if (ret_nodes->count)
        r = oci_error_set (err, 0, "linux.memoryPolicy.nodes: %s takes no nodes", m->mode);
      break;
    case TONG_MPOL_PREFERRED:
      break;
    default:
      if (!ret_nodes->count)
        r = oci_error_set (err, 0, "linux.memoryPolicy.nodes: %s needs at least one node", m->mode);
      break;
    }
  if (r < 0)
    {
      tong_cpuset_release (ret_nodes);
      return r;
    }
  *ret_mode = mode | flags;
  return 0;
}

int
tong_memory_policy_check (const struct oci_spec_memory_policy *m, struct oci_error *err)
{
  struct tong_cpuset nodes;
  int mode, r;

  if (!m)
    return 0;
  r = memory_policy_prepare (m, &mode, &nodes, err);
  tong_cpuset_release (&nodes);
  return r;
}

int
tong_memory_policy_apply (const struct oci_spec_memory_policy *m, struct oci_error *err)
{
  struct tong_cpuset nodes;
  unsigned long maxnode;
  int mode, r;

  if (!m)
    return 0;
  r = memory_policy_prepare (m, &mode, &nodes, err);
  if (r < 0)
    return r;
  /* The kernel reads maxnode - 1 bits (a historical off-by-one). */
  maxnode = nodes.bits ? nodes.size * CHAR_BIT + 1 : 0;
  if (syscall (SYS_set_mempolicy, mode, nodes.bits, maxnode) < 0)
    r = error_hint (err, errno, errno == ENOSYS ? "this kernel has no NUMA support" : NULL,
                    "linux.memoryPolicy: set_mempolicy %s%s%s", m->mode, m->nodes ? " nodes " : "",
                    m->nodes ? m->nodes : "");
  tong_cpuset_release (&nodes);
  return r;
}

/* ---- noNewPrivileges and all checks ----------------------------------- */

int
tong_no_new_privs_apply (const struct oci_spec_process *p, struct oci_error *err)
{
  if (p && p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return oci_error_set (err, errno, "process.noNewPrivileges: prctl PR_SET_NO_NEW_PRIVS");
  return 0;
}

int
tong_process_attrs_check (const struct oci_spec_process *p, const struct oci_spec_linux *l, struct oci_error *err)
{
  int r;

  if (p)
    {
      if ((r = tong_rlimits_check (p, err)) < 0 || (r = tong_oom_score_adj_check (p, err)) < 0
          || (r = tong_ioprio_check (p->io_priority, err)) < 0 || (r = tong_scheduler_check (p->scheduler, err)) < 0
          || (r = tong_cpu_affinity_check (p->exec_cpu_affinity, err)) < 0)
        return r;
    }
  if (l)
    {
      if ((r = tong_personality_check (l->personality, err)) < 0
          || (r = tong_memory_policy_check (l->memory_policy, err)) < 0)
        return r;
    }
  return 0;
}
