#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "oci/json.h"

static int
run_one (const struct oci_spec_hook *h, const char *kind, size_t idx, const char *state_json, struct oci_error *err)
{
  cleanup_close int pidfd = -1;
  int in[2], status = 0, timeout_ms;
  char *const empty[] = { NULL };
  char *argv0[] = { h->path, NULL };
  size_t len = strlen (state_json);
  pid_t pid;

  if (pipe2 (in, O_CLOEXEC) < 0)
    return oci_error_set (err, errno, "%s hook #%zu: pipe", kind, idx);
  pid = fork ();
  if (pid < 0)
    {
      close (in[0]);
      close (in[1]);
      return oci_error_set (err, errno, "%s hook #%zu: fork", kind, idx);
    }
  if (pid == 0)
    {
      dup2 (in[0], 0);
      execve (h->path, h->args ? h->args : argv0, h->env ? h->env : empty);
      _exit (127);
    }
  close (in[0]);
  /* A hook that does not read its stdin must not block us. */
  signal (SIGPIPE, SIG_IGN);
  if (write (in[1], state_json, len) < 0 && errno != EPIPE)
    {
      /* The hook's exit status tells the rest. */
    }
  close (in[1]);
  timeout_ms = h->timeout_present ? (int) (h->timeout * 1000) : -1;
  pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd >= 0 && timeout_ms >= 0)
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      int n;
      do
        n = poll (&p, 1, timeout_ms);
      while (n < 0 && errno == EINTR);
      if (n == 0)
        {
          kill (pid, SIGKILL);
          waitpid (pid, NULL, 0);
          return oci_error_set (err, ETIMEDOUT, "%s hook #%zu (%s) timed out after %lld s", kind, idx, h->path,
                                (long long) h->timeout);
        }
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return oci_error_set (err, errno, "%s hook #%zu: wait", kind, idx);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (WIFEXITED (status))
    return oci_error_set (err, 0, "%s hook #%zu (%s) failed: exit status %d", kind, idx, h->path,
                          WEXITSTATUS (status));
  return oci_error_set (err, 0, "%s hook #%zu (%s) killed by signal %d", kind, idx, h->path, WTERMSIG (status));
}

int
tong_hooks_run (const struct oci_spec_hook *hooks, size_t n, const char *kind, const char *state_json,
                struct oci_error *err)
{
  size_t i;
  int r;

  for (i = 0; i < n; i++)
    {
      r = run_one (&hooks[i], kind, i, state_json, err);
      if (r < 0)
        return r;
    }
  return 0;
}

int
tong_hook_state (const char *id, const char *status, int64_t pid, const char *bundle,
                 const struct oci_strmap *annotations, char **ret, struct oci_error *err)
{
  struct oci_json_writer *w = oci_jw_new (OCI_JSON_COMPACT);
  size_t i;
  int r;

  if (!w)
    return oci_error_set (err, ENOMEM, "hook state");
  oci_jw_begin_object (w);
  oci_jw_kv_string (w, "ociVersion", OCI_RUNTIME_SPEC_VERSION);
  oci_jw_kv_string (w, "id", id);
  oci_jw_kv_string (w, "status", status);
  oci_jw_kv_int64 (w, "pid", pid);
  oci_jw_kv_string (w, "bundle", bundle);
  if (annotations && annotations->len)
    {
      oci_jw_key (w, "annotations");
      oci_jw_begin_object (w);
      for (i = 0; i < annotations->len; i++)
        oci_jw_kv_string (w, annotations->keys[i], annotations->values[i]);
      oci_jw_end_object (w);
    }
  oci_jw_end_object (w);
  r = oci_jw_finish (w, ret, NULL, err);
  oci_jw_free (w);
  return r;
}
