#include "signals.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* Indexed by number; the first name of a number is its canonical one. */
static const char *const signal_names[TONG_SIGRTMAX + 1] = {
  [SIGHUP] = "SIGHUP",       [SIGINT] = "SIGINT",       [SIGQUIT] = "SIGQUIT",   [SIGILL] = "SIGILL",
  [SIGTRAP] = "SIGTRAP",     [SIGABRT] = "SIGABRT",     [SIGBUS] = "SIGBUS",     [SIGFPE] = "SIGFPE",
  [SIGKILL] = "SIGKILL",     [SIGUSR1] = "SIGUSR1",     [SIGSEGV] = "SIGSEGV",   [SIGUSR2] = "SIGUSR2",
  [SIGPIPE] = "SIGPIPE",     [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM",   [SIGSTKFLT] = "SIGSTKFLT",
  [SIGCHLD] = "SIGCHLD",     [SIGCONT] = "SIGCONT",     [SIGSTOP] = "SIGSTOP",   [SIGTSTP] = "SIGTSTP",
  [SIGTTIN] = "SIGTTIN",     [SIGTTOU] = "SIGTTOU",     [SIGURG] = "SIGURG",     [SIGXCPU] = "SIGXCPU",
  [SIGXFSZ] = "SIGXFSZ",     [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",   [SIGWINCH] = "SIGWINCH",
  [SIGIO] = "SIGIO",         [SIGPWR] = "SIGPWR",       [SIGSYS] = "SIGSYS",
  /* kill -l's split: the lower half counts up from RTMIN, the upper half
   * down from RTMAX. */
  [34] = "SIGRTMIN",         [35] = "SIGRTMIN+1",       [36] = "SIGRTMIN+2",     [37] = "SIGRTMIN+3",
  [38] = "SIGRTMIN+4",       [39] = "SIGRTMIN+5",       [40] = "SIGRTMIN+6",     [41] = "SIGRTMIN+7",
  [42] = "SIGRTMIN+8",       [43] = "SIGRTMIN+9",       [44] = "SIGRTMIN+10",    [45] = "SIGRTMIN+11",
  [46] = "SIGRTMIN+12",      [47] = "SIGRTMIN+13",      [48] = "SIGRTMIN+14",    [49] = "SIGRTMIN+15",
  [50] = "SIGRTMAX-14",      [51] = "SIGRTMAX-13",      [52] = "SIGRTMAX-12",    [53] = "SIGRTMAX-11",
  [54] = "SIGRTMAX-10",      [55] = "SIGRTMAX-9",       [56] = "SIGRTMAX-8",     [57] = "SIGRTMAX-7",
  [58] = "SIGRTMAX-6",       [59] = "SIGRTMAX-5",       [60] = "SIGRTMAX-4",     [61] = "SIGRTMAX-3",
  [62] = "SIGRTMAX-2",       [63] = "SIGRTMAX-1",       [64] = "SIGRTMAX",
};

static const struct {
  const char *name;
  int sig;
} signal_aliases[] = {
  { "SIGIOT", SIGABRT },
  { "SIGPOLL", SIGIO },
  { "SIGCLD", SIGCHLD },
};

const char *
tong_signal_name (int sig)
{
  if (sig <= 0 || sig > TONG_SIGRTMAX)
    return NULL;
  return signal_names[sig];
}

/* Digits only, no sign or blanks, value <= max; -1 otherwise. */
static int
parse_small_uint (const char *s, int max)
{
  long v = 0;

  if (!*s)
    return -1;
  for (; *s; s++)
    {
      if (!isdigit ((unsigned char) *s))
        return -1;
      v = v * 10 + (*s - '0');
      if (v > max)
        return -1;
    }
  return (int) v;
}

/* "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N" (already upper case, no SIG). */
static int
parse_realtime (const char *s)
{
  int n;

  if (strncmp (s, "RTMIN", 5) == 0)
    {
      if (s[5] == '\0')
        return TONG_SIGRTMIN;
      if (s[5] != '+' || (n = parse_small_uint (s + 6, TONG_SIGRTMAX - TONG_SIGRTMIN)) < 0)
        return -1;
      return TONG_SIGRTMIN + n;
    }
  if (strncmp (s, "RTMAX", 5) == 0)
    {
      if (s[5] == '\0')
        return TONG_SIGRTMAX;
      if (s[5] != '-' || (n = parse_small_uint (s + 6, TONG_SIGRTMAX - TONG_SIGRTMIN)) < 0)
        return -1;
      return TONG_SIGRTMAX - n;
    }
  return -1;
}

int
tong_signal_parse (const char *s, int *ret, struct oci_error *err)
{
  char up[32];
  const char *name;
  size_t i, len;
  int sig;

  if (!s)
    return oci_error_set (err, EINVAL, "no signal given");
  if (isdigit ((unsigned char) s[0]))
    {
      sig = parse_small_uint (s, TONG_SIGRTMAX);
      if (sig < 0)
        return oci_error_set (err, 0, "unknown signal \"%s\"", s);
      *ret = sig;
      return 0;
    }

  len = strlen (s);
  if (len == 0 || len + 4 > sizeof up)
    return oci_error_set (err, 0, "unknown signal \"%s\"", s);
  for (i = 0; i <= len; i++)
    up[i] = (char) toupper ((unsigned char) s[i]);
  /* Compare with the SIG prefix in place, as runc does. */
  if (strncmp (up, "SIG", 3) != 0)
    {
      memmove (up + 3, up, len + 1);
      memcpy (up, "SIG", 3);
    }
  name = up + 3;

  sig = parse_realtime (name);
  if (sig > 0)
    {
      *ret = sig;
      return 0;
    }
  for (sig = 1; sig < TONG_SIGRTMIN; sig++)
    if (signal_names[sig] && strcmp (signal_names[sig], up) == 0)
      {
        *ret = sig;
        return 0;
      }
  for (i = 0; i < sizeof signal_aliases / sizeof signal_aliases[0]; i++)
    if (strcmp (signal_aliases[i].name, up) == 0)
      {
        *ret = signal_aliases[i].sig;
        return 0;
      }
  return oci_error_set (err, 0, "unknown signal \"%s\"", s);
}
