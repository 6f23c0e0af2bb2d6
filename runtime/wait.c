/* Foreground `run` and `exec`: the runtime stays the (sub)reaper of the
 * process, passes every signal it gets on to it, and exits with its
 * status, 128+signal when it was killed, as runc. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "runtime.h"

int
tong_wait_forwarding_signals (pid_t pid, struct oci_error *err)
{
  sigset_t all, old;
  int status = 0;

  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, &old);
  /* It may have exited before the signals were blocked: its SIGCHLD is
   * gone then, so look once before waiting for one. */
  if (waitpid (pid, &status, WNOHANG) == pid)
    {
      sigprocmask (SIG_SETMASK, &old, NULL);
      return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
    }
  for (;;)
    {
      siginfo_t info;
      int sig = sigwaitinfo (&all, &info);
      if (sig < 0)
        {
          if (errno == EINTR)
            continue;
          sigprocmask (SIG_SETMASK, &old, NULL);
          return oci_error_set (err, errno, "wait for signals");
        }
      if (sig == SIGCHLD)
        {
          pid_t p;
          /* We are a subreaper: reap whatever comes, stop on the init. */
          while ((p = waitpid (-1, &status, WNOHANG)) > 0)
            if (p == pid)
              {
                sigprocmask (SIG_SETMASK, &old, NULL);
                if (WIFEXITED (status))
                  return WEXITSTATUS (status);
                return 128 + WTERMSIG (status);
              }
          continue;
        }
      if (kill (pid, sig) < 0 && errno != ESRCH)
        {
          sigprocmask (SIG_SETMASK, &old, NULL);
          return oci_error_set (err, errno, "forward signal %d", sig);
        }
    }
}

