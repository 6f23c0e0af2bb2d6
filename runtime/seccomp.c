#include "seccomp.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <seccomp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "oci/cleanup.h"
#include "oci/json.h"
#include "seccomp-cache.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_GET_ACTION_AVAIL
#define SECCOMP_GET_ACTION_AVAIL 2
#endif

/* x32 syscalls are x86_64 ones with this bit set in the number. */
#define X32_SYSCALL_BIT 0x40000000u

/* Linux has at most six syscall arguments; libseccomp, one comparison per
 * argument in a rule. */
#define MAX_ARGS 6

struct tong_seccomp {
  struct sock_filter *insns;
  size_t len;
  unsigned int flags;  /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
  bool notify;
  bool cached;         /* the program came from the cache */
};

/* ---- names ------------------------------------------------------------ */

static const char *const action_names[] = {
  "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
  "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL,
};

static const struct {
  const char *name;
  enum scmp_compare op;
} operators[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* The runtime-spec's list; which of them libseccomp knows is asked at run
 * time. */
static const char *const arch_names[] = {
  "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
  "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
  "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
  "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
  "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", NULL,
};

static const struct {
  const char *name;
  unsigned int flag;
} filter_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

#define N_ELEMS(a) (sizeof (a) / sizeof (a)[0])

/* SCMP_ACT_* value for an action name; errno_ret is used by ERRNO and
 * TRACE only.  SCMP_ACT_KILL is a thread kill, as in libseccomp and runc. */
static int
action_value (const char *name, uint32_t errno_ret, uint32_t *ret)
{
  static const uint32_t plain[] = {
    SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, 0,
    0, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY,
  };
  size_t i;

  for (i = 0; name && action_names[i]; i++)
    if (strcmp (name, action_names[i]) == 0)
      {
        if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
          *ret = SCMP_ACT_ERRNO (errno_ret);
        else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
          *ret = SCMP_ACT_TRACE (errno_ret);
        else
          *ret = plain[i];
        return 0;
      }
  return -1;
}

static bool
action_takes_errno (const char *name)
{
  return strcmp (name, "SCMP_ACT_ERRNO") == 0 || strcmp (name, "SCMP_ACT_TRACE") == 0;
}

/* Runtime-spec action + errno → value, with the errors the spec asks for;
 * `field` is the JSON path of the object holding both. */
static int
resolve_action (const char *field, const char *action_key, const char *errno_key, const char *name,
                bool errno_present, uint32_t errno_ret, uint32_t *ret, struct oci_error *err)
{
  if (!name)
    return oci_error_set (err, 0, "%s%s: required", field, action_key);
  if (errno_present && !action_takes_errno (name))
    return oci_error_set (err, 0, "%s%s: %s takes no errno return value", field, errno_key, name);
  if (errno_present && errno_ret > 0xffff)
    return oci_error_set (err, 0, "%s%s: %u is out of range [0, 65535]", field, errno_key, errno_ret);
  if (action_value (name, errno_present ? errno_ret : EPERM, ret) < 0)
    return oci_error_set (err, 0, "%s%s: unknown seccomp action \"%s\"", field, action_key, name);
  return 0;
}

static int
operator_value (const char *name)
{
  size_t i;

  for (i = 0; name && i < N_ELEMS (operators); i++)
    if (strcmp (name, operators[i].name) == 0)
      return (int) operators[i].op;
  return -1;
}

/* "SCMP_ARCH_X86_64" → libseccomp's token, 0 when this libseccomp does not
 * know the architecture. */
static uint32_t
arch_token (const char *name)
{
  char lower[32];
  size_t i;

  if (!name || strncmp (name, "SCMP_ARCH_", 10) != 0 || strlen (name + 10) >= sizeof lower)
    return 0;
  for (i = 0; name[10 + i]; i++)
    lower[i] = (char) tolower ((unsigned char) name[10 + i]);
  lower[i] = '\0';
  return seccomp_arch_resolve_name (lower);
}

/* ---- what the kernel takes -------------------------------------------- */

/* seccomp(2) validates the flags before it reads the program: EFAULT on a
 * NULL program means the flags passed (libseccomp probes the same way). */
static bool
kernel_has_flag (unsigned int flag)
{
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

/* Whether both the kernel and libseccomp take an action. */
static bool
kernel_has_action (uint32_t action)
{
  uint32_t a = action & SECCOMP_RET_ACTION_FULL;
  unsigned int api = seccomp_api_get ();

  if ((a == SCMP_ACT_LOG || a == SCMP_ACT_KILL_PROCESS) && api < 3)
    return false;
  if (a == SCMP_ACT_NOTIFY && api < 5)
    return false;
  if (syscall (SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &a) == 0)
    return true;
  /* EOPNOTSUPP: the kernel does not have the action.  EINVAL: it does not
   * have SECCOMP_GET_ACTION_AVAIL (before 4.14), whose actions libseccomp's
   * API level has already vouched for. */
  return errno == EINVAL;
}

/* ---- the -ENOSYS stub ------------------------------------------------- */

/* The largest syscall number a profile names on one audit architecture;
 * 0 when none. */
struct arch_max {
  uint32_t audit;
  uint32_t max;      /* for the architecture itself (x86_64 on AUDIT_ARCH_X86_64) */
  uint32_t max_x32;  /* x32 numbers (with X32_SYSCALL_BIT) on AUDIT_ARCH_X86_64 */
  bool s390;
};

enum { LABEL_FILTER, LABEL_ENOSYS, LABEL_SECTION0 };

struct asm_state {
  struct sock_filter *insns;
  size_t len, cap;
  size_t *fixup_at;   /* BPF_JA instructions whose k is a label */
  int *fixup_label;
  size_t n_fixups;
  size_t *labels;     /* instruction index of each label */
  bool oom;
};

static void
emit (struct asm_state *a, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
  if (a->len == a->cap)
    {
      size_t cap = a->cap ? a->cap * 2 : 64;
      struct sock_filter *n = realloc (a->insns, cap * sizeof *n);
      if (!n)
        {
          a->oom = true;
          return;
        }
      a->insns = n;
      a->cap = cap;
    }
  a->insns[a->len++] = (struct sock_filter) { code, jt, jf, k };
}

/* An unconditional jump to a label: BPF_JA has a 32-bit offset, where
 * conditional jumps have 8 bits, so every far jump goes through one. */
static void
emit_ja (struct asm_state *a, int label, size_t max_fixups)
{
  if (a->n_fixups == max_fixups)
    {
      a->oom = true;
      return;
    }
  a->fixup_at[a->n_fixups] = a->len;
  a->fixup_label[a->n_fixups++] = label;
  emit (a, BPF_JMP | BPF_JA, 0, 0, 0);
}

/* nr > max → ENOSYS, else → the filter; 3 instructions. */
static void
emit_above (struct asm_state *a, uint32_t max, size_t max_fixups)
{
  emit (a, BPF_JMP | BPF_JGT | BPF_K, 0, 1, max);
  emit_ja (a, LABEL_ENOSYS, max_fixups);
  emit_ja (a, LABEL_FILTER, max_fixups);
}

/* Generates: load the architecture; one jump per known architecture to
 * its section; unknown architectures go to the filter (whose bad-arch
 * action applies).  Each section loads the syscall number and sends it
 * to ENOSYS when above the profile's largest for that architecture. */
static int
generate_stub (const struct arch_max *archs, size_t n, struct sock_filter **ret, size_t *ret_len)
{
  struct asm_state a = { 0 };
  size_t i, max_fixups = 8 * n + 2, x32_len;

  *ret = NULL;
  *ret_len = 0;
  if (n == 0)
    return 0;
  a.fixup_at = calloc (max_fixups, sizeof *a.fixup_at);
  a.fixup_label = calloc (max_fixups, sizeof *a.fixup_label);
  a.labels = calloc (n + LABEL_SECTION0, sizeof *a.labels);
  if (!a.fixup_at || !a.fixup_label || !a.labels)
    a.oom = true;

  emit (&a, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof (struct seccomp_data, arch));
  for (i = 0; i < n && !a.oom; i++)
    {
      emit (&a, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, archs[i].audit);
      emit_ja (&a, LABEL_SECTION0 + (int) i, max_fixups);
    }
  emit_ja (&a, LABEL_FILTER, max_fixups);

  for (i = 0; i < n && !a.oom; i++)
    {
      a.labels[LABEL_SECTION0 + i] = a.len;
      emit (&a, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof (struct seccomp_data, nr));
      /* On s390 an unknown number is left as 0, the multiplexer setup(2)
       * that nothing uses any more. */
      if (archs[i].s390)
        {
          emit (&a, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
          emit_ja (&a, LABEL_ENOSYS, max_fixups);
        }
      if (archs[i].audit != AUDIT_ARCH_X86_64)
        {
          emit_above (&a, archs[i].max, max_fixups);
          continue;
        }
      x32_len = archs[i].max_x32 ? 3 : 1;
      emit (&a, BPF_JMP | BPF_JSET | BPF_K, 0, (uint8_t) x32_len, X32_SYSCALL_BIT);
      if (archs[i].max_x32)
        emit_above (&a, archs[i].max_x32, max_fixups);
      else
        emit_ja (&a, LABEL_FILTER, max_fixups);
      if (archs[i].max)
        emit_above (&a, archs[i].max, max_fixups);
      else
        emit_ja (&a, LABEL_FILTER, max_fixups);
    }
  if (!a.oom)
    {
      a.labels[LABEL_ENOSYS] = a.len;
      emit (&a, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
      a.labels[LABEL_FILTER] = a.len;
      for (i = 0; i < a.n_fixups; i++)
        a.insns[a.fixup_at[i]].k = (uint32_t) (a.labels[a.fixup_label[i]] - a.fixup_at[i] - 1);
    }
  free (a.fixup_at);
  free (a.fixup_label);
  free (a.labels);
  if (a.oom)
    {
      free (a.insns);
      return -ENOMEM;
    }
  *ret = a.insns;
  *ret_len = a.len;
  return 0;
}

/* Largest number among every name of every rule (those whose action equals
 * the default too: they are syscalls the profile knows about). */
static uint32_t
largest_syscall (const struct oci_spec_seccomp *s, uint32_t token)
{
  int32_t max = 0, nr;
  size_t i, j;

  for (i = 0; i < s->syscalls_len; i++)
    for (j = 0; j < s->syscalls[i].names_len; j++)
      {
        /* Negative: unknown, or a pseudo-number for a syscall the
         * architecture multiplexes (socketcall on x86). */
        nr = seccomp_syscall_resolve_name_arch (token, s->syscalls[i].names[j]);
        if (nr > max)
          max = nr;
      }
  return (uint32_t) max;
}

static int
collect_arch_max (const struct oci_spec_seccomp *s, struct arch_max **ret, size_t *ret_n)
{
  struct arch_max *v = calloc (s->architectures_len + 1, sizeof *v);
  size_t i, k, n = 0;

  if (!v)
    return -ENOMEM;
  for (i = 0; i <= s->architectures_len; i++)
    {
      /* Always the native architecture first: profiles (Docker's on
       * ppc64le) may leave it out of the list. */
      uint32_t token = i == 0 ? seccomp_arch_native () : arch_token (s->architectures[i - 1]);
      uint32_t audit = token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;
      uint32_t max;

      if (token == 0)
        continue;
      max = largest_syscall (s, token);
      if (max == 0)
        continue;
      for (k = 0; k < n && v[k].audit != audit; k++)
        ;
      if (k == n)
        {
          v[n].audit = audit;
          v[n].s390 = token == SCMP_ARCH_S390 || token == SCMP_ARCH_S390X;
          n++;
        }
      if (token == SCMP_ARCH_X32)
        v[k].max_x32 = max;
      else
        v[k].max = max;
    }
  *ret = v;
  *ret_n = n;
  return 0;
}

/* ---- building the program --------------------------------------------- */

static void
cleanup_scmp (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}

static int
validate_listener (const struct oci_spec_seccomp *s, bool *ret_notify, struct oci_error *err)
{
  bool notify = false;
  size_t i, j;

  for (i = 0; i < s->syscalls_len; i++)
    {
      const struct oci_spec_syscall *c = &s->syscalls[i];

      if (!c->action || strcmp (c->action, "SCMP_ACT_NOTIFY") != 0)
        continue;
      notify = true;
      /* See seccomp.h: the fd is passed on after the filter is in place. */
      for (j = 0; j < c->names_len; j++)
        if (strcmp (c->names[j], "write") == 0)
          return oci_error_set (err, 0, "linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used for the write syscall", i);
    }
  if (s->default_action && strcmp (s->default_action, "SCMP_ACT_NOTIFY") == 0)
    return oci_error_set (err, 0, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used as default action");
  if (s->listener_metadata && (!s->listener_path || !*s->listener_path))
    return oci_error_set (err, 0, "linux.seccomp.listenerMetadata: set without linux.seccomp.listenerPath");
  if (notify && (!s->listener_path || !*s->listener_path))
    return oci_error_set (err, 0, "linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
  if (notify && !kernel_has_action (SCMP_ACT_NOTIFY))
    return oci_error_set (err, 0, "linux.seccomp: SCMP_ACT_NOTIFY is not supported by this kernel and libseccomp "
                                  "(seccomp notify unsupported: Linux 5.0 and libseccomp 2.5 are needed)");
  *ret_notify = notify;
  return 0;
}

static int
resolve_flags (const struct oci_spec_seccomp *s, bool notify, unsigned int *ret, struct oci_error *err)
{
  unsigned int flags = 0;
  size_t i, k;

  /* runc and crun: without an explicit list, keep speculative store bypass
   * mitigation off when the kernel lets us choose. */
  if (!s->flags)
    flags = kernel_has_flag (SECCOMP_FILTER_FLAG_SPEC_ALLOW) ? SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0;
  for (i = 0; i < s->flags_len; i++)
    {
      for (k = 0; k < N_ELEMS (filter_flags); k++)
        if (strcmp (s->flags[i], filter_flags[k].name) == 0)
          break;
      if (k == N_ELEMS (filter_flags))
        return oci_error_set (err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, s->flags[i]);
      if (!kernel_has_flag (filter_flags[k].flag))
        return oci_error_set (err, EOPNOTSUPP, "linux.seccomp.flags[%zu]: %s is not supported by this kernel", i,
                              s->flags[i]);
      flags |= filter_flags[k].flag;
    }
  /* The process loading the filter is single-threaded: TSYNC has no other
   * thread to synchronise, and the kernel refuses it beside NEW_LISTENER. */
  flags &= ~(unsigned int) SECCOMP_FILTER_FLAG_TSYNC;
  if (notify)
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  else
    flags &= ~(unsigned int) SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  *ret = flags;
  return 0;
}

static int
add_rules (scmp_filter_ctx ctx, const struct oci_spec_seccomp *s, uint32_t default_action, struct oci_error *err)
{
  char field[64];
  size_t i, j, k;
  int r;

  for (i = 0; i < s->syscalls_len; i++)
    {
      const struct oci_spec_syscall *c = &s->syscalls[i];
      struct scmp_arg_cmp cmp[MAX_ARGS];
      unsigned count[MAX_ARGS] = { 0 };
      bool repeated = false;
      uint32_t action;

      snprintf (field, sizeof field, "linux.seccomp.syscalls[%zu]", i);
      r = resolve_action (field, ".action", ".errnoRet", c->action, c->errno_ret_present, c->errno_ret, &action, err);
      if (r < 0)
        return r;
      for (k = 0; k < c->args_len; k++)
        {
          if (c->args[k].index >= MAX_ARGS)
            return oci_error_set (err, 0, "%s.args[%zu].index: %u is out of range [0, 5]", field, k, c->args[k].index);
          if (operator_value (c->args[k].op) < 0)
            return oci_error_set (err, 0, "%s.args[%zu].op: unknown operator \"%s\"", field, k,
                                  c->args[k].op ? c->args[k].op : "");
          /* More than six conditions always repeat an index. */
          if (++count[c->args[k].index] > 1)
            repeated = true;
        }
      /* A redundant rule: libseccomp refuses it, runc skips it. */
      if (action == default_action)
        continue;

      for (j = 0; j < c->names_len; j++)
        {
          int nr = seccomp_syscall_resolve_name (c->names[j]);

          /* Unknown here: a syscall of another kernel or architecture. */
          if (nr == __NR_SCMP_ERROR)
            continue;
          if (!repeated)
            {
              /* One rule: all the conditions must hold. */
              for (k = 0; k < c->args_len; k++)
                cmp[k] = (struct scmp_arg_cmp) { c->args[k].index, (enum scmp_compare) operator_value (c->args[k].op),
                                                 c->args[k].value, c->args[k].value_two };
              r = seccomp_rule_add_array (ctx, action, nr, (unsigned) c->args_len, cmp);
            }
          else
            {
              /* runc's rule: conditions on the same argument cannot all
               * hold at once, so each becomes a rule of its own and any of
               * them matches. */
              r = 0;
              for (k = 0; k < c->args_len && r == 0; k++)
                {
                  cmp[0] = (struct scmp_arg_cmp) { c->args[k].index, (enum scmp_compare) operator_value (c->args[k].op),
                                                   c->args[k].value, c->args[k].value_two };
                  r = seccomp_rule_add_array (ctx, action, nr, 1, cmp);
                }
            }
          if (r < 0)
            return oci_error_set (err, -r, "%s: add a rule for %s", field, c->names[j]);
        }
    }
  return 0;
}

/* libseccomp writes the program to an fd (2.5 has no in-memory export). */
static int
export_program (scmp_filter_ctx ctx, struct sock_filter **ret, size_t *ret_len, struct oci_error *err)
{
  cleanup_close int fd = memfd_create ("tong-seccomp", MFD_CLOEXEC);
  struct sock_filter *insns;
  off_t size;
  int r;

  if (fd < 0)
    return oci_error_set (err, errno, "linux.seccomp: memfd_create");
  r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return oci_error_set (err, -r, "linux.seccomp: export the BPF program");
  size = lseek (fd, 0, SEEK_END);
  if (size <= 0 || size % (off_t) sizeof *insns)
    return oci_error_set (err, EINVAL, "linux.seccomp: libseccomp exported %lld bytes", (long long) size);
  insns = malloc ((size_t) size);
  if (!insns)
    return oci_error_set (err, ENOMEM, "linux.seccomp");
  if (pread (fd, insns, (size_t) size, 0) != size)
    {
      free (insns);
      return oci_error_set (err, errno ? errno : EIO, "linux.seccomp: read the BPF program back");
    }
  *ret = insns;
  *ret_len = (size_t) size / sizeof *insns;
  return 0;
}

/* libseccomp's program for s, behind the ENOSYS stub: the costly part. */
static int
compile_program (const struct oci_spec_seccomp *s, uint32_t default_action, struct sock_filter **ret,
                 size_t *ret_len, struct oci_error *err)
{
  __attribute__ ((cleanup (cleanup_scmp))) scmp_filter_ctx ctx = NULL;
  cleanup_free struct sock_filter *prog = NULL, *stub = NULL;
  cleanup_free struct arch_max *archs = NULL;
  struct sock_filter *insns;
  size_t i, prog_len = 0, stub_len = 0, n_archs = 0, n_names = 0;
  int r;

  ctx = seccomp_init (default_action);
  if (!ctx)
    return oci_error_set (err, kernel_has_action (default_action) ? EINVAL : EOPNOTSUPP,
                          "linux.seccomp.defaultAction: %s", s->default_action);
  /* We load the program ourselves and no_new_privs is the runtime's call
   * (process.noNewPrivileges). */
  seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  for (i = 0; i < s->syscalls_len; i++)
    n_names += s->syscalls[i].names_len;
  /* runc's threshold for the binary tree (libseccomp 2.5 mishandles it
   * with few rules); an older libseccomp just keeps the linear list. */
  if (n_names > 32)
    seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

  for (i = 0; i < s->architectures_len; i++)
    {
      uint32_t token = arch_token (s->architectures[i]);

      if (token == 0)
        {
          const struct scmp_version *v = seccomp_version ();
          return oci_error_set (err, EOPNOTSUPP, "linux.seccomp.architectures[%zu]: %s is not supported by libseccomp %u.%u.%u",
                                i, s->architectures[i], v->major, v->minor, v->micro);
        }
      r = seccomp_arch_add (ctx, token);
      if (r < 0 && r != -EEXIST)
        return oci_error_set (err, -r, "linux.seccomp.architectures[%zu]: add %s", i, s->architectures[i]);
    }

  r = add_rules (ctx, s, default_action, err);
  if (r < 0)
    return r;
  r = export_program (ctx, &prog, &prog_len, err);
  if (r < 0)
    return r;

  if (default_action != SCMP_ACT_ALLOW && default_action != SCMP_ACT_LOG
      && (default_action & SECCOMP_RET_ACTION_FULL) != SCMP_ACT_TRACE (0)
      && default_action != SCMP_ACT_ERRNO (ENOSYS))
    {
      if (collect_arch_max (s, &archs, &n_archs) < 0 || generate_stub (archs, n_archs, &stub, &stub_len) < 0)
        return oci_error_set (err, ENOMEM, "linux.seccomp");
    }
  if (stub_len + prog_len > BPF_MAXINSNS)
    return oci_error_set (err, E2BIG, "linux.seccomp: the filter has %zu instructions, the kernel takes at most %d",
                          stub_len + prog_len, BPF_MAXINSNS);
  insns = malloc ((stub_len + prog_len) * sizeof *insns);
  if (!insns)
    return oci_error_set (err, ENOMEM, "linux.seccomp");
  if (stub_len)
    memcpy (insns, stub, stub_len * sizeof *stub);
  memcpy (insns + stub_len, prog, prog_len * sizeof *prog);
  *ret = insns;
  *ret_len = stub_len + prog_len;
  return 0;
}

int
tong_seccomp_prepare (const struct oci_spec_seccomp *s, const char *cache_dir, struct tong_seccomp **ret,
                      struct oci_error *err)
{
  cleanup_free char *key = NULL;
  struct tong_seccomp *out;
  size_t key_len = 0;
  uint32_t default_action;
  unsigned int flags = 0;
  bool notify = false;
  int r;

  *ret = NULL;
  if (!s)
    return 0;

  r = resolve_action ("linux.seccomp", ".defaultAction", ".defaultErrnoRet", s->default_action,
                      s->default_errno_ret_present, s->default_errno_ret, &default_action, err);
  if (r < 0)
    return r;
  r = validate_listener (s, &notify, err);
  if (r < 0)
    return r;
  r = resolve_flags (s, notify, &flags, err);
  if (r < 0)
    return r;

  out = calloc (1, sizeof *out);
  if (!out)
    return oci_error_set (err, ENOMEM, "linux.seccomp");
  out->flags = flags;
  out->notify = notify;
  /* The cache holds programs that compiled: a profile with an error is
   * compiled, and refused, every time. */
  if (cache_dir && tong_seccomp_cache_key (s, &key, &key_len) == 0)
    out->cached = tong_seccomp_cache_get (cache_dir, key, key_len, &out->insns, &out->len) == 1;
  if (!out->cached)
    {
      r = compile_program (s, default_action, &out->insns, &out->len, err);
      if (r < 0)
        {
          tong_seccomp_free (out);
          return r;
        }
      if (key)
        tong_seccomp_cache_put (cache_dir, key, key_len, out->insns, out->len);
    }
  *ret = out;
  return 0;
}

bool
tong_seccomp_from_cache (const struct tong_seccomp *s)
{
  return s && s->cached;
}

int
tong_seccomp_load (struct tong_seccomp *s, int *ret_notify_fd, struct oci_error *err)
{
  struct sock_fprog prog;
  long r;

  if (ret_notify_fd)
    *ret_notify_fd = -1;
  if (!s)
    return 0;
  prog.len = (unsigned short) s->len;
  prog.filter = s->insns;
  r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->flags, &prog);
  if (r < 0)
    {
      if (errno == EACCES)
        return oci_error_set (err, errno, "load the seccomp filter (without noNewPrivileges it needs CAP_SYS_ADMIN)");
      return oci_error_set (err, errno, "load the seccomp filter");
    }
  if (s->notify)
    {
      if (ret_notify_fd)
        *ret_notify_fd = (int) r;
      else
        close ((int) r);
    }
  return 0;
}

void
tong_seccomp_free (struct tong_seccomp *s)
{
  if (!s)
    return;
  free (s->insns);
  free (s);
}

bool
tong_seccomp_uses_notify (const struct tong_seccomp *s)
{
  return s && s->notify;
}

unsigned int
tong_seccomp_filter_flags (const struct tong_seccomp *s)
{
  return s ? s->flags : 0;
}

size_t
tong_seccomp_program_len (const struct tong_seccomp *s)
{
  return s ? s->len : 0;
}

/* ---- the agent -------------------------------------------------------- */

int
tong_seccomp_process_state (pid_t pid, const char *metadata, const char *state_json, char **ret, size_t *ret_len,
                            struct oci_error *err)
{
  cleanup_json struct oci_json *state = NULL;
  struct oci_json_writer *w;
  int r;

  r = oci_json_parse (state_json, strlen (state_json), &state, err);
  if (r < 0)
    return oci_error_wrap (err, "container state for the seccomp agent");
  w = oci_jw_new (OCI_JSON_COMPACT);
  if (!w)
    return oci_error_set (err, ENOMEM, "container process state");
  oci_jw_begin_object (w);
  oci_jw_kv_string (w, "ociVersion", OCI_RUNTIME_SPEC_VERSION);
  oci_jw_key (w, "fds");
  oci_jw_begin_array (w);
  oci_jw_string (w, "seccompFd");
  oci_jw_end_array (w);
  oci_jw_kv_int64 (w, "pid", pid);
  if (metadata)
    oci_jw_kv_string (w, "metadata", metadata);
  oci_jw_key (w, "state");
  oci_jw_value (w, state);
  oci_jw_end_object (w);
  r = oci_jw_finish (w, ret, ret_len, err);
  oci_jw_free (w);
  return r;
}

static int
send_all (int sock, int fd, const char *buf, size_t len)
{
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE (sizeof (int))];
  } control;
  struct iovec iov = { (void *) buf, len };
  struct msghdr msg = { 0 };
  struct cmsghdr *c;
  ssize_t n;

  memset (&control, 0, sizeof control);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof fd);

  /* The fd goes with the first sendmsg only, as the spec asks. */
  do
    n = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;
  while ((size_t) n < len)
    {
      ssize_t m = send (sock, buf + n, len - (size_t) n, MSG_NOSIGNAL);
      if (m < 0 && errno == EINTR)
        continue;
      if (m <= 0)
        return -1;
      n += m;
    }
  return 0;
}

int
tong_seccomp_send_listener (const char *listener_path, int notify_fd, const char *process_state,
                            struct oci_error *err)
{
  cleanup_close int sock = -1;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  socklen_t addr_len;
  size_t len;

  if (!listener_path || !*listener_path)
    return oci_error_set (err, 0, "linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
  len = strlen (listener_path);
  if (len >= sizeof addr.sun_path)
    return oci_error_set (err, ENAMETOOLONG, "linux.seccomp.listenerPath: %s", listener_path);
  memcpy (addr.sun_path, listener_path, len);
  /* '@' names the abstract namespace, as Go's net package (runc) reads it. */
  if (listener_path[0] == '@')
    addr.sun_path[0] = '\0';
  addr_len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + len + (listener_path[0] == '@' ? 0 : 1));

  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return oci_error_set (err, errno, "linux.seccomp.listenerPath: socket");
  if (connect (sock, (struct sockaddr *) &addr, addr_len) < 0)
    return oci_error_set (err, errno, "linux.seccomp.listenerPath: failed to connect with seccomp agent at %s",
                          listener_path);
  if (send_all (sock, notify_fd, process_state, strlen (process_state)) < 0)
    return oci_error_set (err, errno, "linux.seccomp.listenerPath: cannot send the seccomp fd to %s", listener_path);
  return 0;
}

/* ---- features --------------------------------------------------------- */

static void
features_free (struct oci_features_seccomp *f)
{
  char **lists[] = { f->actions, f->operators, f->archs, f->known_flags, f->supported_flags };
  size_t i;

  for (i = 0; i < N_ELEMS (lists); i++)
    oci_cleanup_strvp (&lists[i]);
  free (f);
}

/* A NULL-terminated copy of the names for which keep[i] holds. */
static char **
strv_filter (const char *const *names, size_t n, const bool *keep, size_t *ret_len)
{
  char **v = calloc (n + 1, sizeof *v);
  size_t i, k = 0;

  if (!v)
    return NULL;
  for (i = 0; i < n; i++)
    if (keep[i] && !(v[k++] = strdup (names[i])))
      {
        oci_cleanup_strvp (&v);
        return NULL;
      }
  *ret_len = k;
  return v;
}

int
tong_seccomp_features (struct oci_features_seccomp **ret, struct oci_error *err)
{
  const char *names[N_ELEMS (arch_names) + N_ELEMS (action_names) + N_ELEMS (operators) + N_ELEMS (filter_flags)];
  bool keep[N_ELEMS (names)];
  struct oci_features_seccomp *f = calloc (1, sizeof *f);
  size_t i, n;
  uint32_t v;

  if (!f)
    return oci_error_set (err, ENOMEM, "seccomp features");
  f->enabled = true;
  f->enabled_present = true;

  for (n = 0; action_names[n]; n++)
    {
      names[n] = action_names[n];
      keep[n] = action_value (action_names[n], EPERM, &v) == 0 && kernel_has_action (v);
    }
  if (!(f->actions = strv_filter (names, n, keep, &f->actions_len)))
    goto nomem;

  for (n = 0; n < N_ELEMS (operators); n++)
    {
      names[n] = operators[n].name;
      keep[n] = true;
    }
  if (!(f->operators = strv_filter (names, n, keep, &f->operators_len)))
    goto nomem;

  for (n = 0; arch_names[n]; n++)
    {
      names[n] = arch_names[n];
      keep[n] = arch_token (arch_names[n]) != 0;
    }
  if (!(f->archs = strv_filter (names, n, keep, &f->archs_len)))
    goto nomem;

  for (i = 0; i < N_ELEMS (filter_flags); i++)
    {
      names[i] = filter_flags[i].name;
      keep[i] = true;
    }
  if (!(f->known_flags = strv_filter (names, i, keep, &f->known_flags_len)))
    goto nomem;
  for (i = 0; i < N_ELEMS (filter_flags); i++)
    keep[i] = kernel_has_flag (filter_flags[i].flag);
  if (!(f->supported_flags = strv_filter (names, i, keep, &f->supported_flags_len)))
    goto nomem;

  *ret = f;
  return 0;

nomem:
  features_free (f);
  return oci_error_set (err, ENOMEM, "seccomp features");
}
