/* bench/measure.c — the measuring helper of bench/runtime-lifecycle and
 * bench/runtime-exec (each compiles it into its temporary directory).
 *
 * measure TIMEOUT OUTFILE CMD [ARG...]: runs CMD once as a child
 * subreaper, reaps every process of its tree, appends to OUTFILE
 *   wall_us cpu_us user_us sys_us maxrss_kib status
 * wall is fork to CMD's exit; cpu and maxrss cover every reaped process
 * (getrusage RUSAGE_CHILDREN of this fresh process).  status is CMD's exit
 * code, 128+signal, or "timeout"/"orphans" when it had to give up. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarmed;
static void on_alarm (int s) { (void) s; alarmed = 1; }

int
main (int argc, char **argv)
{
  struct sigaction sa = { .sa_handler = on_alarm };
  struct timespec t0, t1 = { 0, 0 };
  struct rusage ru;
  const char *verdict = NULL;
  int status = -1, st, phase = 0;
  pid_t child, p;

  FILE *out;

  if (argc < 4)
    {
      fprintf (stderr, "usage: measure TIMEOUT OUTFILE CMD [ARG...]\n");
      return 2;
    }
  if (prctl (PR_SET_CHILD_SUBREAPER, 1) < 0)
    {
      perror ("measure: PR_SET_CHILD_SUBREAPER");
      return 2;
    }
  sigaction (SIGALRM, &sa, NULL); /* no SA_RESTART: waitpid returns EINTR */
  /* Ctrl-C reaches the runtime directly; we stay to reap its tree. */
  signal (SIGINT, SIG_IGN);
  signal (SIGQUIT, SIG_IGN);
  clock_gettime (CLOCK_MONOTONIC, &t0);
  child = fork ();
  if (child < 0)
    {
      perror ("measure: fork");
      return 2;
    }
  if (child == 0)
    {
      signal (SIGINT, SIG_DFL);
      signal (SIGQUIT, SIG_DFL);
      execvp (argv[3], argv + 3);
      perror ("measure: exec");
      _exit (127);
    }
  alarm ((unsigned) atoi (argv[1]));
  for (;;)
    {
      p = waitpid (-1, &st, 0);
      if (p == child)
        {
          clock_gettime (CLOCK_MONOTONIC, &t1);
          status = WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
          if (phase == 0)
            {
              /* The rest of the tree gets a few seconds to go. */
              phase = 1;
              alarm (5);
            }
        }
      else if (p < 0 && errno == ECHILD)
        break;
      else if (p < 0 && errno == EINTR && alarmed)
        {
          alarmed = 0;
          if (phase == 0)
            {
              verdict = "timeout";
              kill (child, SIGKILL);
              phase = 1;
              alarm (5);
              continue;
            }
          if (!verdict)
            verdict = "orphans";
          break;
        }
    }
  getrusage (RUSAGE_CHILDREN, &ru);
  long long user = ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec;
  long long sys = ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec;
  long long wall = (t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
  out = fopen (argv[2], "a");
  if (!out)
    {
      perror ("measure: open the output file");
      return 2;
    }
  if (verdict)
    fprintf (out, "%lld %lld %lld %lld %ld %s\n", wall, user + sys, user, sys, ru.ru_maxrss, verdict);
  else
    fprintf (out, "%lld %lld %lld %lld %ld %d\n", wall, user + sys, user, sys, ru.ru_maxrss, status);
  return fclose (out) == 0 ? 0 : 2;
}
