/* Device access: the spec's allow/deny list (plus runc's default
 * allow-list) reduced to a v1 devices-cgroup state by an emulator of the
 * kernel's v1 rules (runc's devices.Emulator), then either written to a
 * v1 devices cgroup as the fewest devices.allow/devices.deny lines, or
 * compiled into a BPF_PROG_TYPE_CGROUP_DEVICE program for cgroup v2 (the
 * program runc's devicefilter and crun's ebpf.c generate, except that a
 * deny exception matches any overlapping access, as v1 does), built from
 * raw instructions and attached with BPF_F_ALLOW_MULTI. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "oci/cleanup.h"

/* runc's specconv.AllowedDevices, appended after the spec's rules. */
static const struct tong_dev_rule default_rules[] = {
  { 'c', -1, -1, TONG_DEV_MKNOD, true },  /* mknod of any character device */
  { 'b', -1, -1, TONG_DEV_MKNOD, true },  /* mknod of any block device */
  { 'c', 1, 3, TONG_DEV_RWM, true },      /* /dev/null */
  { 'c', 1, 8, TONG_DEV_RWM, true },      /* /dev/random */
  { 'c', 1, 7, TONG_DEV_RWM, true },      /* /dev/full */
  { 'c', 5, 0, TONG_DEV_RWM, true },      /* /dev/tty */
  { 'c', 1, 5, TONG_DEV_RWM, true },      /* /dev/zero */
  { 'c', 1, 9, TONG_DEV_RWM, true },      /* /dev/urandom */
  { 'c', 136, -1, TONG_DEV_RWM, true },   /* /dev/pts/N */
  { 'c', 5, 2, TONG_DEV_RWM, true },      /* /dev/ptmx */
  { 'c', 10, 200, TONG_DEV_RWM, true },   /* /dev/net/tun */
};

/* Letters other than r, w and m are ignored, as runc ignores them
 * (configs written for runc carry such typos: "rwa"); one of the three
 * must be there. */
static int
parse_access (const char *s, unsigned *ret)
{
  unsigned a = 0;
  for (; *s; s++)
    switch (*s)
      {
      case 'r':
        a |= TONG_DEV_READ;
        break;
      case 'w':
        a |= TONG_DEV_WRITE;
        break;
      case 'm':
        a |= TONG_DEV_MKNOD;
        break;
      default:
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
          return -EINVAL;
      }
  if (a == 0)
    return -EINVAL;
  *ret = a;
  return 0;
}

static void
access_string (unsigned a, char buf[4])
{
  char *w = buf;
  if (a & TONG_DEV_READ)
    *w++ = 'r';
  if (a & TONG_DEV_WRITE)
    *w++ = 'w';
  if (a & TONG_DEV_MKNOD)
    *w++ = 'm';
  *w = '\0';
}

int
tong_dev_rules_from_spec (const struct oci_spec_device_cgroup *d, size_t n, struct tong_dev_rule **ret,
                          size_t *ret_len, struct oci_error *err)
{
  size_t ndef = sizeof default_rules / sizeof *default_rules;
  struct tong_dev_rule *v = calloc (n + ndef, sizeof *v);

  if (!v)
    return oci_error_set (err, ENOMEM, "device rules");
  for (size_t i = 0; i < n; i++)
    {
      const char *t = d[i].type && *d[i].type ? d[i].type : "a";
      if (strlen (t) != 1 || !strchr ("abc", t[0]))
        {
          free (v);
          return oci_error_set_code (err, EINVAL, "linux.resources.devices[%zu].type: invalid \"%s\"", i, t);
        }
      v[i].type = t[0];
      v[i].major = d[i].major_present ? d[i].major : -1;
      v[i].minor = d[i].minor_present ? d[i].minor : -1;
      if (v[i].major < -1 || v[i].major > INT32_MAX || v[i].minor < -1 || v[i].minor > INT32_MAX)
        {
          free (v);
          return oci_error_set_code (err, EINVAL, "linux.resources.devices[%zu]: major/minor out of range", i);
        }
      if (!d[i].access || !*d[i].access)
        {
          free (v);
          return oci_error_set_code (err, EINVAL, "linux.resources.devices[%zu].access: cannot be empty", i);
        }
      if (parse_access (d[i].access, &v[i].access) < 0)
        {
          free (v);
          return oci_error_set_code (err, EINVAL, "linux.resources.devices[%zu].access: invalid \"%s\" (r, w, m)", i,
                                     d[i].access);
        }
      v[i].allow = d[i].allow;
    }
  memcpy (v + n, default_rules, sizeof default_rules);
  *ret = v;
  *ret_len = n + ndef;
  return 0;
}

void
tong_dev_rule_string (const struct tong_dev_rule *r, char *buf, size_t len)
{
  char maj[24] = "*", min[24] = "*", acc[4];

  if (r->major >= 0)
    snprintf (maj, sizeof maj, "%lld", (long long) r->major);
  if (r->minor >= 0)
    snprintf (min, sizeof min, "%lld", (long long) r->minor);
  access_string (r->access, acc);
  snprintf (buf, len, "%c %s:%s %s", r->type, maj, min, acc);
}

/* ---- the emulator ------------------------------------------------------ */

void
tong_dev_emu_init (struct tong_dev_emu *e, bool default_allow)
{
  e->default_allow = default_allow;
  e->ex = NULL;
  e->n = 0;
}

void
tong_dev_emu_clear (struct tong_dev_emu *e)
{
  free (e->ex);
  e->ex = NULL;
  e->n = 0;
}

static struct tong_dev_rule *
find (const struct tong_dev_emu *e, char type, int64_t major, int64_t minor)
{
  for (size_t i = 0; i < e->n; i++)
    if (e->ex[i].type == type && e->ex[i].major == major && e->ex[i].minor == minor)
      return &e->ex[i];
  return NULL;
}

static int
add_exception (struct tong_dev_emu *e, const struct tong_dev_rule *r, struct oci_error *err)
{
  struct tong_dev_rule *x = find (e, r->type, r->major, r->minor), *nv;

  if (x)
    {
      x->access |= r->access;
      return 0;
    }
  nv = realloc (e->ex, (e->n + 1) * sizeof *nv);
  if (!nv)
    return oci_error_set (err, ENOMEM, "device rules");
  e->ex = nv;
  e->ex[e->n] = *r;
  e->ex[e->n].allow = false;
  e->n++;
  return 0;
}

static int
remove_exception (struct tong_dev_emu *e, const struct tong_dev_rule *r, struct oci_error *err)
{
  const int64_t partial[3][2] = { { -1, r->minor }, { r->major, -1 }, { -1, -1 } };
  struct tong_dev_rule *x;

  /* The v1 kernel silently ignores removing part of a wildcard exception;
   * a user would believe a device blocked that is not (runc refuses too). */
  for (size_t i = 0; i < 3; i++)
    {
      const struct tong_dev_rule *w;
      if (partial[i][0] == r->major && partial[i][1] == r->minor)
        continue;
      w = find (e, r->type, partial[i][0], partial[i][1]);
      if (w && (w->access & r->access))
        {
          char want[64], have[64];
          tong_dev_rule_string (r, want, sizeof want);
          tong_dev_rule_string (w, have, sizeof have);
          return oci_error_set_code (err, EINVAL,
                                     "linux.resources.devices: rule \"%s\" cannot punch a hole in the wildcard "
                                     "rule \"%s\" (not supported by the devices cgroup)",
                                     want, have);
        }
    }
  x = find (e, r->type, r->major, r->minor);
  if (x)
    {
      x->access &= ~r->access;
      if (x->access == 0)
        {
          *x = e->ex[e->n - 1];
          e->n--;
        }
    }
  return 0;
}

int
tong_dev_emu_apply (struct tong_dev_emu *e, const struct tong_dev_rule *r, struct oci_error *err)
{
  if (r->type == 'a')
    {
      /* "a" switches the default and forgets every exception, whatever
       * access it names (as the v1 kernel does). */
      tong_dev_emu_clear (e);
      e->default_allow = r->allow;
      return 0;
    }
  if (r->allow == e->default_allow)
    return remove_exception (e, r, err);
  return add_exception (e, r, err);
}

int
tong_dev_emu_from_list (const char *list, struct tong_dev_emu *e, struct oci_error *err)
{
  /* devices.list lists what is allowed; "a *:* rwm" means allow-all. */
  tong_dev_emu_init (e, false);
  for (const char *line = list; line && *line;)
    {
      size_t len = strcspn (line, "\n");
      char type, maj[24], min[24], acc[8], buf[128];
      struct tong_dev_rule r = { 0 };
      int rr;

      snprintf (buf, sizeof buf, "%.*s", (int) (len < sizeof buf ? len : sizeof buf - 1), line);
      line += len;
      if (*line)
        line++;
      if (len == 0)
        continue;
      if (sscanf (buf, "%c %23[^:]:%23s %7s", &type, maj, min, acc) != 4 || !strchr ("abc", type))
        {
          tong_dev_emu_clear (e);
          return oci_error_set_code (err, EINVAL, "devices.list: malformed line \"%s\"", buf);
        }
      r.type = type;
      r.major = strcmp (maj, "*") == 0 ? -1 : strtoll (maj, NULL, 10);
      r.minor = strcmp (min, "*") == 0 ? -1 : strtoll (min, NULL, 10);
      r.allow = true;
      if (parse_access (acc, &r.access) < 0 || r.access == 0)
        {
          tong_dev_emu_clear (e);
          return oci_error_set_code (err, EINVAL, "devices.list: bad access in \"%s\"", buf);
        }
      rr = tong_dev_emu_apply (e, &r, err);
      if (rr < 0)
        {
          tong_dev_emu_clear (e);
          return rr;
        }
    }
  return 0;
}

/* runc's order: by major, then minor, then type; wildcards (-1) first. */
static int
rule_cmp (const void *a, const void *b)
{
  const struct tong_dev_rule *x = a, *y = b;
  if (x->major != y->major)
    return x->major < y->major ? -1 : 1;
  if (x->minor != y->minor)
    return x->minor < y->minor ? -1 : 1;
  return (x->type > y->type) - (x->type < y->type);
}

static struct tong_dev_rule *
sorted (const struct tong_dev_emu *e)
{
  struct tong_dev_rule *v = malloc ((e->n ? e->n : 1) * sizeof *v);
  if (!v)
    return NULL;
  if (e->n)
    memcpy (v, e->ex, e->n * sizeof *v);
  qsort (v, e->n, sizeof *v, rule_cmp);
  return v;
}

bool
tong_dev_emu_equal (const struct tong_dev_emu *a, const struct tong_dev_emu *b)
{
  if (a->default_allow != b->default_allow || a->n != b->n)
    return false;
  for (size_t i = 0; i < a->n; i++)
    {
      const struct tong_dev_rule *x = find (b, a->ex[i].type, a->ex[i].major, a->ex[i].minor);
      if (!x || x->access != a->ex[i].access)
        return false;
    }
  return true;
}

int
tong_dev_transition (const struct tong_dev_emu *from, const struct tong_dev_emu *to, struct tong_dev_rule **ret,
                     size_t *ret_len, struct oci_error *err)
{
  cleanup_free struct tong_dev_rule *old = NULL, *target = NULL;
  struct tong_dev_rule *v;
  size_t n = 0, nold = from->n;

  old = sorted (from);
  target = sorted (to);
  v = malloc ((1 + from->n + to->n) * sizeof *v);
  if (!old || !target || !v)
    {
      free (v);
      return oci_error_set (err, ENOMEM, "device rules");
    }
  /* A different default needs the disruptive "a" rule; so does an
   * allow-all source, whose deny exceptions devices.list cannot show. */
  if (from->default_allow || from->default_allow != to->default_allow)
    {
      v[n++] = (struct tong_dev_rule) { 'a', -1, -1, TONG_DEV_RWM, to->default_allow };
      nold = 0;
    }
  for (size_t i = 0; i < nold; i++)
    {
      const struct tong_dev_rule *t = find (to, old[i].type, old[i].major, old[i].minor);
      unsigned dropped = old[i].access & ~(t ? t->access : 0);
      if (dropped)
        {
          v[n] = old[i];
          v[n].access = dropped;
          v[n].allow = to->default_allow;
          n++;
        }
    }
  for (size_t i = 0; i < to->n; i++)
    {
      const struct tong_dev_rule *o = nold ? find (from, target[i].type, target[i].major, target[i].minor) : NULL;
      unsigned gained = target[i].access & ~(o ? o->access : 0);
      if (gained)
        {
          v[n] = target[i];
          v[n].access = gained;
          v[n].allow = !to->default_allow;
          n++;
        }
    }
  *ret = v;
  *ret_len = n;
  return 0;
}

static int
emulate (const struct tong_dev_rule *rules, size_t n, struct tong_dev_emu *e, struct oci_error *err)
{
  /* runc's target starts as deny-all: rules allow what they name. */
  tong_dev_emu_init (e, false);
  for (size_t i = 0; i < n; i++)
    {
      int r = tong_dev_emu_apply (e, &rules[i], err);
      if (r < 0)
        {
          tong_dev_emu_clear (e);
          return r;
        }
    }
  return 0;
}

/* ---- v1 ---------------------------------------------------------------- */

int
tong_dev_v1_apply (const char *dir, const struct tong_dev_rule *rules, size_t n, struct oci_error *err)
{
  struct tong_dev_emu cur, target, after;
  cleanup_free char *list = NULL, *list_after = NULL;
  cleanup_free struct tong_dev_rule *steps = NULL;
  size_t nsteps = 0;
  int r;

  r = emulate (rules, n, &target, err);
  if (r < 0)
    return r;
  r = tong_cg_read (dir, "devices.list", &list, err);
  if (r == 0)
    r = tong_dev_emu_from_list (list, &cur, err);
  if (r < 0)
    {
      tong_dev_emu_clear (&target);
      return oci_error_wrap (err, "linux.resources.devices");
    }
  r = tong_dev_transition (&cur, &target, &steps, &nsteps, err);
  tong_dev_emu_clear (&cur);
  for (size_t i = 0; r == 0 && i < nsteps; i++)
    {
      char line[64];
      tong_dev_rule_string (&steps[i], line, sizeof line);
      r = tong_cg_write (dir, steps[i].allow ? "devices.allow" : "devices.deny", line, err);
      if (r < 0)
        oci_error_wrap (err, "linux.resources.devices: \"%s\"", line);
    }
  /* The kernel may have merged or refused silently: check the result. */
  if (r == 0 && (r = tong_cg_read (dir, "devices.list", &list_after, err)) == 0
      && (r = tong_dev_emu_from_list (list_after, &after, err)) == 0)
    {
      bool ok = target.default_allow ? after.default_allow : tong_dev_emu_equal (&after, &target);
      tong_dev_emu_clear (&after);
      if (!ok)
        r = oci_error_set_code (err, EIO, "linux.resources.devices: %s/devices.list does not match the rules "
                                          "written",
                                dir);
    }
  tong_dev_emu_clear (&target);
  return r;
}

/* ---- v2: the BPF program ------------------------------------------------- */

#define INSN(c, d, s, o, i) ((struct bpf_insn) { .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

struct prog {
  struct bpf_insn *v;
  size_t n, cap;
};

static int
emit (struct prog *p, struct bpf_insn i)
{
  if (p->n == p->cap)
    {
      size_t cap = p->cap ? p->cap * 2 : 64;
      struct bpf_insn *nv = realloc (p->v, cap * sizeof *nv);
      if (!nv)
        return -ENOMEM;
      p->v = nv;
      p->cap = cap;
    }
  p->v[p->n++] = i;
  return 0;
}

int
tong_dev_bpf_program (const struct tong_dev_emu *e, void **ret, size_t *ret_len, struct oci_error *err)
{
  cleanup_free struct tong_dev_rule *ex = sorted (e);
  struct prog p = { 0 };
  int r = 0;

  if (!ex)
    return oci_error_set (err, ENOMEM, "device filter");
  /* struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }:
   * r2 = type (low 16 bits), r3 = access (high 16), r4 = major, r5 = minor. */
  r |= emit (&p, INSN (BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_1, 0, 0));
  r |= emit (&p, INSN (BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xFFFF));
  r |= emit (&p, INSN (BPF_LDX | BPF_W | BPF_MEM, BPF_REG_3, BPF_REG_1, 0, 0));
  r |= emit (&p, INSN (BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16));
  r |= emit (&p, INSN (BPF_LDX | BPF_W | BPF_MEM, BPF_REG_4, BPF_REG_1, 4, 0));
  r |= emit (&p, INSN (BPF_LDX | BPF_W | BPF_MEM, BPF_REG_5, BPF_REG_1, 8, 0));
  /* One block per exception: each test jumps past the block on mismatch;
   * a full match returns the exception's verdict (the opposite of the
   * default).  Exceptions never overlap in meaning, so order is free. */
  for (size_t i = 0; i < e->n && r == 0; i++)
    {
      const struct tong_dev_rule *x = &ex[i];
      size_t start = p.n;
      if (x->type != 'b' && x->type != 'c')
        {
          free (p.v);
          return oci_error_set_code (err, EINVAL, "device filter: unexpected rule type '%c'", x->type);
        }
      r |= emit (&p, INSN (BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
                           x->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
      if (x->access != TONG_DEV_RWM && !e->default_allow)
        {
          /* An allow exception must cover the whole request (r1 = r3 &
           * access; r1 != r3: next). */
          r |= emit (&p, INSN (BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0));
          r |= emit (&p, INSN (BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t) x->access));
          r |= emit (&p, INSN (BPF_JMP | BPF_JNE | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0));
        }
      else if (x->access != TONG_DEV_RWM)
        {
          /* A deny exception denies any overlap, as the v1 kernel's
           * match_exception_partial (runc's filter wants a subset here,
           * letting "rw" through a "w" deny). */
          r |= emit (&p, INSN (BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0));
          r |= emit (&p, INSN (BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t) x->access));
          r |= emit (&p, INSN (BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_1, 0, 0, 0));
        }
      if (x->major >= 0)
        r |= emit (&p, INSN (BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t) x->major));
      if (x->minor >= 0)
        r |= emit (&p, INSN (BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t) x->minor));
      r |= emit (&p, INSN (BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, e->default_allow ? 0 : 1));
      r |= emit (&p, INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
      for (size_t j = start; r == 0 && j < p.n; j++)
        if (BPF_CLASS (p.v[j].code) == BPF_JMP && (BPF_OP (p.v[j].code) == BPF_JNE || BPF_OP (p.v[j].code) == BPF_JEQ))
          p.v[j].off = (int16_t) (p.n - (j + 1));
      if (p.n > 4096)
        r = -E2BIG;
    }
  r |= emit (&p, INSN (BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, e->default_allow ? 1 : 0));
  r |= emit (&p, INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
  if (r != 0)
    {
      free (p.v);
      return oci_error_set (err, r == -E2BIG ? E2BIG : ENOMEM, "device filter: %zu rules", e->n);
    }
  *ret = p.v;
  *ret_len = p.n;
  return 0;
}

/* ---- v2: loading and attaching ----------------------------------------- */

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int) syscall (__NR_bpf, cmd, attr, sizeof *attr);
}

static int
load (const struct bpf_insn *insns, size_t n, char *log, size_t log_len)
{
  union bpf_attr a;

  memset (&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uint64_t) (uintptr_t) insns;
  a.insn_cnt = (uint32_t) n;
  a.license = (uint64_t) (uintptr_t) "Apache";
  if (log)
    {
      a.log_buf = (uint64_t) (uintptr_t) log;
      a.log_size = (uint32_t) log_len;
      a.log_level = 1;
    }
  return sys_bpf (BPF_PROG_LOAD, &a);
}

static int
load_program (const struct bpf_insn *insns, size_t n, struct oci_error *err)
{
  int fd = load (insns, n, NULL, 0);

  /* Before 5.11 programs are charged to RLIMIT_MEMLOCK: raise it for the
   * load only, so the container does not inherit it. */
  if (fd < 0 && errno == EPERM)
    {
      struct rlimit old, inf = { RLIM_INFINITY, RLIM_INFINITY };
      if (getrlimit (RLIMIT_MEMLOCK, &old) == 0 && setrlimit (RLIMIT_MEMLOCK, &inf) == 0)
        {
          fd = load (insns, n, NULL, 0);
          int e = errno;
          setrlimit (RLIMIT_MEMLOCK, &old);
          errno = e;
        }
    }
  if (fd < 0 && (errno == EINVAL || errno == EACCES))
    {
      /* Ask the verifier why, for the error message. */
      char log[4096] = "";
      int e = errno;
      char *last;
      int again = load (insns, n, log, sizeof log);
      if (again >= 0)
        return again;
      log[sizeof log - 1] = '\0';
      while (*log && log[strlen (log) - 1] == '\n')
        log[strlen (log) - 1] = '\0';
      last = strrchr (log, '\n');
      return oci_error_set (err, e, "linux.resources.devices: load the BPF device filter (%s)",
                            last ? last + 1 : log);
    }
  if (fd < 0)
    return oci_error_set (err, errno, "linux.resources.devices: load the BPF device filter");
  return fd;
}

int
tong_dev_v2_apply (const char *dir, const struct tong_dev_rule *rules, size_t n, struct oci_error *err)
{
  struct tong_dev_emu e;
  cleanup_free void *insns = NULL;
  cleanup_close int cgfd = -1, prog = -1;
  uint32_t old_ids[64];
  union bpf_attr a;
  size_t ninsns = 0, nold = 0;
  int r;

  r = emulate (rules, n, &e, err);
  if (r < 0)
    return r;
  r = tong_dev_bpf_program (&e, &insns, &ninsns, err);
  tong_dev_emu_clear (&e);
  if (r < 0)
    return r;
  /* bpf(2) does not take O_PATH descriptors. */
  cgfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0)
    return oci_error_set (err, errno, "linux.resources.devices: open %s", dir);
  memset (&a, 0, sizeof a);
  a.query.target_fd = (uint32_t) cgfd;
  a.query.attach_type = BPF_CGROUP_DEVICE;
  a.query.prog_ids = (uint64_t) (uintptr_t) old_ids;
  a.query.prog_cnt = sizeof old_ids / sizeof *old_ids;
  if (sys_bpf (BPF_PROG_QUERY, &a) < 0)
    return oci_error_set (err, errno, "linux.resources.devices: query the device filters of %s", dir);
  nold = a.query.prog_cnt;
  prog = load_program (insns, ninsns, err);
  if (prog < 0)
    return prog;
  memset (&a, 0, sizeof a);
  a.target_fd = (uint32_t) cgfd;
  a.attach_bpf_fd = (uint32_t) prog;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &a) < 0)
    return oci_error_set (err, errno, "linux.resources.devices: attach the device filter to %s", dir);
  /* Both filters apply while the old ones go (all must allow): never
   * more access than either grants. */
  for (size_t i = 0; i < nold; i++)
    {
      int old;
      memset (&a, 0, sizeof a);
      a.prog_id = old_ids[i];
      old = sys_bpf (BPF_PROG_GET_FD_BY_ID, &a);
      if (old < 0)
        {
          /* An LSM may hide a program (e.g. systemd's): it only restricts. */
          if (errno == EPERM || errno == EACCES || errno == ENOENT)
            continue;
          return oci_error_set (err, errno, "linux.resources.devices: open old device filter %u", old_ids[i]);
        }
      memset (&a, 0, sizeof a);
      a.target_fd = (uint32_t) cgfd;
      a.attach_bpf_fd = (uint32_t) old;
      a.attach_type = BPF_CGROUP_DEVICE;
      r = sys_bpf (BPF_PROG_DETACH, &a);
      int saved = errno;
      close (old);
      if (r < 0 && saved != ENOENT)
        return oci_error_set (err, saved, "linux.resources.devices: detach old device filter %u", old_ids[i]);
    }
  return 0;
}
