#include "hooks.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/cleanup.h"
#include "oci/json.h"
#include "runtime.h"

#define HOOK_OUTPUT_MAX 4096

static int
run_one (const struct oci_spec_hook *h, const char *kind, size_t idx, const char *state_json, struct oci_error *err)
{
  extern char **environ;
  cleanup_close int pidfd = -1;
  int in[2], out[2], status = 0, timeout_ms;
  char *argv0[] = { h->path, NULL };
  char output[HOOK_OUTPUT_MAX];
  size_t len = strlen (state_json), out_len = 0;
  pid_t pid;

  if (pipe2 (in, O_CLOEXEC) < 0)
    return oci_error_set (err, errno, "%s hook #%zu: pipe", kind, idx);
  if (pipe2 (out, O_CLOEXEC) < 0)
    {
      close (in[0]);
      close (in[1]);
      return oci_error_set (err, errno, "%s hook #%zu: pipe", kind, idx);
    }
  pid = fork ();
  if (pid < 0)
    {
      close (in[0]);
      close (in[1]);
      close (out[0]);
      close (out[1]);
      return oci_error_set (err, errno, "%s hook #%zu: fork", kind, idx);
    }
  if (pid == 0)
    {
      dup2 (in[0], 0);
      dup2 (out[1], 1);
      dup2 (out[1], 2);
      /* Without `env`, the runtime's own environment, as runc. */
      execve (h->path, h->args ? h->args : argv0, h->env ? h->env : environ);
      _exit (127);
    }
  close (in[0]);
  close (out[1]);
  /* A hook that does not read its stdin must not block or kill us. */
  signal (SIGPIPE, SIG_IGN);
  if (write (in[1], state_json, len) < 0 && errno != EPIPE)
    {
      /* The hook's exit status tells the rest. */
    }
  close (in[1]);
  timeout_ms = h->timeout_present ? (int) (h->timeout * 1000) : -1;
  pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  {
    struct pollfd p[2] = { { .fd = out[0], .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
    bool open_out = true;
    int n;
    /* Its output is read while it runs (a chatty hook would block on a
     * full pipe otherwise) and goes into the error, never into the
     * container's output. */
    while (open_out)
      {
        do
          n = poll (p, 1, timeout_ms);
        while (n < 0 && errno == EINTR);
        if (n == 0)
          {
            kill (pid, SIGKILL);
            waitpid (pid, NULL, 0);
            close (out[0]);
            return oci_error_set (err, ETIMEDOUT, "%s hook #%zu (%s) timed out after %lld s", kind, idx, h->path,
                                  (long long) h->timeout);
          }
        if (n < 0)
          break;
        {
          char scratch[4096];
          ssize_t r = read (out[0], scratch, sizeof scratch);
          if (r <= 0)
            open_out = false;
          else
            {
              size_t room = HOOK_OUTPUT_MAX - 1 - out_len;
              size_t take = (size_t) r < room ? (size_t) r : room;
              memcpy (output + out_len, scratch, take);
              out_len += take;
            }
        }
      }
    output[out_len] = '\0';
    while (out_len && (output[out_len - 1] == '\n' || output[out_len - 1] == ' '))
      output[--out_len] = '\0';
  }
  close (out[0]);
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return oci_error_set (err, errno, "%s hook #%zu: wait", kind, idx);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  /* runc's wording ("error running hook", "signal: bad system call"):
   * callers match on it. */
  if (WIFEXITED (status))
    return oci_error_set (err, 0, "error running hook #%zu (%s %s): exit status %d%s%s", idx, kind, h->path,
                          WEXITSTATUS (status), out_len ? ", output: " : "", output);
  {
    char sig[64];
    snprintf (sig, sizeof sig, "%s", strsignal (WTERMSIG (status)));
    sig[0] = (char) tolower ((unsigned char) sig[0]);
    return oci_error_set (err, 0, "error running hook #%zu (%s %s): signal: %s%s%s", idx, kind, h->path, sig,
                          out_len ? ", output: " : "", output);
  }
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

void
tong_hooks_run_warn (const struct tong_globals *g, const struct oci_spec_hook *hooks, size_t n, const char *kind,
                     const char *state_json)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      struct oci_error e = { 0 };
      if (run_one (&hooks[i], kind, i, state_json, &e) < 0)
        tong_log_error (g, e.msg);
    }
}
