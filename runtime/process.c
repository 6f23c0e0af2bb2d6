#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/close_range.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "process-attrs.h"
#include "seccomp-cache.h"
#include "seccomp.h"
#include "terminal.h"

/* Everything of the process that applies to the init itself, at create. */
static int
apply_attrs (const struct oci_spec_process *s, const struct oci_spec_linux *l, struct oci_error *err)
{
  int r;

  r = tong_process_attrs_check (s, l, err);
  if (r == 0)
    r = tong_rlimits_apply (s, 0, err);
  if (r == 0 && s->oom_score_adj_present)
    r = tong_oom_score_adj_apply (s, -1, err);
  if (r == 0 && l && l->personality)
    r = tong_personality_apply (l->personality, err);
  if (r == 0 && s->io_priority)
    r = tong_ioprio_apply (s->io_priority, err);
  if (r == 0 && s->scheduler)
    r = tong_scheduler_apply (s->scheduler, err);
  if (r == 0 && l && l->memory_policy)
    r = tong_memory_policy_apply (l->memory_policy, err);
  if (r == 0 && s->exec_cpu_affinity && s->exec_cpu_affinity->initial)
    r = tong_cpu_affinity_apply (s->exec_cpu_affinity->initial, 0, err);
  return r;
}

static bool
is_executable_file (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

static const char *
env_get (char *const *envp, const char *name)
{
  size_t n = strlen (name);
  for (; envp && *envp; envp++)
    if (strncmp (*envp, name, n) == 0 && (*envp)[n] == '=')
      return *envp + n + 1;
  return NULL;
}

int
tong_find_executable (const char *name, char *const *envp, char **ret, struct oci_error *err)
{
  const char *path_env, *p;
  char candidate[PATH_MAX];

  if (strchr (name, '/'))
    {
      if (!is_executable_file (name))
        return oci_error_set (err, errno ? errno : EACCES, "exec: \"%s\"", name);
      *ret = strdup (name);
      return *ret ? 0 : oci_error_set (err, ENOMEM, "exec");
    }
  path_env = env_get (envp, "PATH");
  if (!path_env)
    path_env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (p = path_env;;)
    {
      const char *end = strchrnul (p, ':');
      int n = (int) (end - p);
      snprintf (candidate, sizeof candidate, "%.*s/%s", n ? n : 1, n ? p : ".", name);
      if (is_executable_file (candidate))
        {
          *ret = strdup (candidate);
          return *ret ? 0 : oci_error_set (err, ENOMEM, "exec");
        }
      if (!*end)
        break;
      p = end + 1;
    }
  return oci_error_set (err, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

/* HOME from the container's /etc/passwd, as runc does when env lacks it. */
static char *
home_for (uid_t uid)
{
  cleanup_fclose FILE *f = fopen ("/etc/passwd", "re");
  struct passwd pw, *res = NULL;
  char buf[4096];

  if (!f)
    return NULL;
  while (fgetpwent_r (f, &pw, buf, sizeof buf, &res) == 0 && res)
    if (pw.pw_uid == uid)
      return strdup (pw.pw_dir);
  return NULL;
}

static int
build_env (struct tong_process *p, struct oci_error *err)
{
  const struct oci_spec_process *s = p->spec;
  size_t n = s->env_len, i;
  bool has_home = env_get (s->env, "HOME") != NULL;

  p->envp = calloc (n + 2, sizeof (char *));
  if (!p->envp)
    return oci_error_set (err, ENOMEM, "process.env");
  for (i = 0; i < n; i++)
    p->envp[i] = s->env[i];
  if (!has_home)
    {
      cleanup_free char *home = home_for (p->uid);
      if (asprintf (&p->envp[n], "HOME=%s", home ? home : "/") < 0)
        return oci_error_set (err, ENOMEM, "process.env");
    }
  return 0;
}

int
tong_process_prepare (const struct oci_spec_process *s, const struct oci_spec_linux *l, int preserve_fds,
                      struct tong_seccomp *seccomp_program, struct tong_process *ret, struct oci_error *err)
{
  int r;

  const struct oci_spec_seccomp *seccomp = l ? l->seccomp : NULL;

  ret->spec = s;
  ret->seccomp_spec = seccomp;
  ret->preserve_fds = preserve_fds;
  if (s->user)
    {
      ret->uid = s->user->uid_present ? s->user->uid : 0;
      ret->gid = s->user->gid_present ? s->user->gid : 0;
      ret->groups = s->user->additional_gids;
      ret->groups_len = s->user->additional_gids_len;
    }
  if (chdir (s->cwd) < 0)
    return oci_error_set (err, errno, "process.cwd: chdir to %s", s->cwd);
  r = build_env (ret, err);
  if (r == 0)
    r = tong_find_executable (s->args[0], ret->envp, &ret->exe, err);
  if (r < 0)
    return r;
  /* No capabilities object means no capabilities, as runc and crun. */
  if (s->capabilities)
    {
      r = tong_caps_from_spec (s->capabilities, &ret->caps, err);
      if (r < 0)
        return r;
    }
  else
    memset (&ret->caps, 0, sizeof ret->caps);
  ret->has_caps = true;
  r = apply_attrs (s, l, err);
  if (r < 0)
    return r;
  ret->seccomp = seccomp_program;
  return 0;
}

int
tong_process_compile_seccomp (const struct tong_globals *g, const struct oci_spec_linux *l, struct tong_seccomp **ret,
                              struct oci_error *err)
{
  cleanup_free char *dir = NULL;
  int r;

  *ret = NULL;
  if (!l || !l->seccomp)
    return 0;
  /* Without memory for a path, no cache: no reason to fail. */
  dir = tong_seccomp_cache_dir (g->root);
  r = tong_seccomp_prepare (l->seccomp, dir, ret, err);
  if (r == 0)
    tong_log_debug (g, "seccomp: a program of %zu instructions, %s", tong_seccomp_program_len (*ret),
                    tong_seccomp_from_cache (*ret) ? "from the cache" : "compiled");
  return r;
}

/* Our pid as the host sees it: /proc is still the host's here. */
static pid_t
host_pid (void)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/status", "re");
  char line[256];
  long pid = 0;

  while (f && fgets (line, sizeof line, f))
    if (sscanf (line, "NSpid: %ld", &pid) == 1)
      break;
  return pid > 0 ? (pid_t) pid : getpid ();
}

int
tong_process_connect_listener (struct tong_process *p, const struct oci_spec_seccomp *seccomp,
                               const char *container_state, struct oci_error *err)
{
  size_t i;
  bool notify = false;
  int r;

  p->listener_fd = -1;
  if (!seccomp || !seccomp->listener_path)
    return 0;
  for (i = 0; i < seccomp->syscalls_len; i++)
    if (strcmp (seccomp->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0)
      notify = true;
  if (!notify)
    return 0;
  r = tong_seccomp_process_state (host_pid (), seccomp->listener_metadata, container_state, &p->listener_state, NULL,
                                  err);
  if (r < 0)
    return r;
  r = tong_console_socket_connect (seccomp->listener_path, &p->listener_fd, err);
  if (r < 0)
    return oci_error_wrap (err, "linux.seccomp.listenerPath: failed to connect with seccomp agent specified in the "
                                "seccomp profile");
  return 0;
}

static int
load_seccomp (struct tong_process *p, struct oci_error *err)
{
  int notify_fd = -1, r;

  if (!p->seccomp)
    return 0;
  r = tong_seccomp_load (p->seccomp, &notify_fd, err);
  if (r < 0)
    return r;
  if (notify_fd >= 0)
    {
      /* The agent keeps the only other copy: ours goes at exec (CLOEXEC),
       * so notified calls fail instead of hanging when the agent dies. */
      if (p->listener_fd < 0)
        r = oci_error_set (err, EINVAL, "linux.seccomp.listenerPath: no connection to the seccomp agent");
      else
        r = tong_send_fd (p->listener_fd, notify_fd, p->listener_state, err);
      close (notify_fd);
      if (p->listener_fd >= 0)
        close (p->listener_fd);
      p->listener_fd = -1;
    }
  return r;
}

static int
change_user (struct tong_process *p, struct oci_error *err)
{
  /* Keep the permitted set across setuid, so tong_caps_apply can set
   * exactly what the spec asks for afterwards. */
  if (prctl (PR_SET_KEEPCAPS, 1) < 0)
    return oci_error_set (err, errno, "prctl PR_SET_KEEPCAPS");
  if (setgroups (p->groups_len, p->groups) < 0)
    {
      /* In a user namespace with setgroups denied, only an empty list of
       * supplementary groups is possible. */
      if (!(errno == EPERM && p->groups_len == 0))
        return oci_error_set (err, errno, "process.user.additionalGids: setgroups");
    }
  if (setresgid (p->gid, p->gid, p->gid) < 0)
    return oci_error_set (err, errno, "process.user.gid: setresgid %u", p->gid);
  if (setresuid (p->uid, p->uid, p->uid) < 0)
    return oci_error_set (err, errno, "process.user.uid: setresuid %u", p->uid);
  if (prctl (PR_SET_KEEPCAPS, 0) < 0)
    return oci_error_set (err, errno, "prctl PR_SET_KEEPCAPS");
  return 0;
}

int
tong_process_enter (struct tong_process *p, struct oci_error *err)
{
  const struct oci_spec_process *s = p->spec;
  bool nnp = s->no_new_privileges_present && s->no_new_privileges;
  int r;

  if (p->entered)
    return 0;
  p->entered = true;

  /* Nothing of ours may reach the container (CVE-2024-21626): every fd
   * above stdio and the preserved ones closes at execve.  Done before the
   * filter is loaded, which may not allow close_range. */
  if (syscall (SYS_close_range, 3 + p->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return oci_error_set (err, errno, "close inherited file descriptors");
  /* Without no_new_privs, installing a filter needs CAP_SYS_ADMIN, which
   * the capability sets below may drop: load it first, as runc does. */
  if (!nnp)
    {
      r = load_seccomp (p, err);
      if (r < 0)
        return r;
    }
  if (p->has_caps)
    {
      r = tong_caps_drop_bounding (&p->caps, err);
      if (r < 0)
        return r;
    }
  r = change_user (p, err);
  if (r < 0)
    return r;
  if (p->has_caps)
    {
      r = tong_caps_apply (&p->caps, err);
      if (r < 0)
        return r;
    }
  if (nnp && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return oci_error_set (err, errno, "process.noNewPrivileges: prctl");
  if (nnp)
    {
      r = load_seccomp (p, err);
      if (r < 0)
        return r;
    }
  if (s->exec_cpu_affinity && s->exec_cpu_affinity->final)
    {
      r = tong_cpu_affinity_apply (s->exec_cpu_affinity->final, 0, err);
      if (r < 0)
        return r;
    }
  /* The caller's umask must not leak in: runc's default is 0022. */
  umask (s->user && s->user->umask_present ? s->user->umask : 0022);
  return 0;
}

int
tong_process_exec (struct tong_process *p, struct oci_error *err)
{
  int r = tong_process_enter (p, err);

  if (r < 0)
    return r;
  execve (p->exe, p->spec->args, p->envp);
  return oci_error_set (err, errno, "exec %s", p->exe);
}
