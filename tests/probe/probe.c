/* probe: a static multi-call program copied into test rootfs images as
 * /probe, so runtime tests can look at a container from the inside without
 * an image download or a shell (the idea of crun's tests/init.c).
 *
 *   /probe SUBCOMMAND [ARGS...]
 *
 * Every subcommand prints plain text meant for exact comparison in bats:
 * one value, or one line of space-separated key=value pairs, or one item a
 * line.  Exit status: 0 on success, 1 on failure (with "probe: ..." on
 * stderr), 2 on a usage error or an unknown subcommand.  `/probe help`
 * lists the subcommands.
 *
 * It is built static and self-contained: no NSS, no locale, nothing from
 * the rootfs but the kernel's /proc. */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sched.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *subcommand = "probe";

static void __attribute__ ((noreturn, format (printf, 2, 3)))
fail (int errnum, const char *fmt, ...)
{
  va_list ap;

  fflush (stdout);
  fprintf (stderr, "probe: %s: ", subcommand);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  if (errnum)
    fprintf (stderr, ": %s", strerror (errnum));
  fputc ('\n', stderr);
  exit (1);
}

static void __attribute__ ((noreturn, format (printf, 1, 2)))
usage_error (const char *fmt, ...)
{
  va_list ap;

  fprintf (stderr, "probe: %s: ", subcommand);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (2);
}

/* Writes stdout out now: output must be visible before blocking, and a
 * write error must turn into a failure. */
static void
flush_stdout (void)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    fail (errno, "write to stdout");
}

static long long
parse_ll (const char *s, const char *what)
{
  char *end;
  long long v;

  errno = 0;
  v = strtoll (s, &end, 0);
  if (errno || end == s || *end)
    usage_error ("invalid %s: \"%s\"", what, s);
  return v;
}

static void
copy_fd (int fd, const char *name)
{
  char buf[8192];
  ssize_t n;

  for (;;)
    {
      n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        fail (errno, "read %s", name);
      if (n == 0)
        return;
      if (fwrite (buf, 1, (size_t) n, stdout) != (size_t) n)
        fail (errno, "write to stdout");
    }
}

static void
cat_file (const char *path)
{
  int fd;

  if (strcmp (path, "-") == 0)
    {
      copy_fd (STDIN_FILENO, "stdin");
      return;
    }
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    fail (errno, "open %s", path);
  copy_fd (fd, path);
  close (fd);
}

/* Creates an empty file, used by the blocking subcommands to say "ready". */
static void
touch (const char *path)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

  if (fd < 0)
    fail (errno, "create %s", path);
  close (fd);
}

/* Calls fn for each "Name:\tvalue" line of /proc/self/status. */
static int
for_each_status_line (int (*fn) (const char *name, const char *value, void *data), void *data)
{
  char line[4096];
  FILE *f = fopen ("/proc/self/status", "re");
  int r = 0;

  if (f == NULL)
    fail (errno, "open /proc/self/status");
  while (r == 0 && fgets (line, sizeof line, f))
    {
      char *colon = strchr (line, ':');
      char *value, *nl;

      if (colon == NULL)
        continue;
      *colon = '\0';
      value = colon + 1;
      while (*value == ' ' || *value == '\t')
        value++;
      nl = strchr (value, '\n');
      if (nl)
        *nl = '\0';
      r = fn (line, value, data);
    }
  fclose (f);
  return r;
}

/* ---- subcommands ------------------------------------------------------ */

static int
cmd_echo (int argc, char **argv)
{
  for (int i = 0; i < argc; i++)
    printf ("%s%s", i ? " " : "", argv[i]);
  putchar ('\n');
  return 0;
}

static int
cmd_echoerr (int argc, char **argv)
{
  for (int i = 0; i < argc; i++)
    fprintf (stderr, "%s%s", i ? " " : "", argv[i]);
  fputc ('\n', stderr);
  return 0;
}

static int
cmd_cat (int argc, char **argv)
{
  for (int i = 0; i < argc; i++)
    cat_file (argv[i]);
  return 0;
}

static int
cmd_write (int argc, char **argv)
{
  const char *path = argv[0], *text = argv[1];
  size_t len = strlen (text), done = 0;
  int fd;

  (void) argc;
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    fail (errno, "open %s", path);
  while (done < len)
    {
      ssize_t n = write (fd, text + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        fail (errno, "write %s", path);
      done += (size_t) n;
    }
  if (close (fd) < 0)
    fail (errno, "close %s", path);
  return 0;
}

static int
cmd_id (int argc, char **argv)
{
  gid_t groups[NGROUPS_MAX];
  int n;

  (void) argc, (void) argv;
  n = getgroups (NGROUPS_MAX, groups);
  if (n < 0)
    fail (errno, "getgroups");
  printf ("uid=%u gid=%u groups=", (unsigned) getuid (), (unsigned) getgid ());
  for (int i = 0; i < n; i++)
    printf ("%s%u", i ? "," : "", (unsigned) groups[i]);
  putchar ('\n');
  return 0;
}

static int
cmd_cwd (int argc, char **argv)
{
  char buf[PATH_MAX];

  (void) argc, (void) argv;
  if (getcwd (buf, sizeof buf) == NULL)
    fail (errno, "getcwd");
  puts (buf);
  return 0;
}

static int
cmd_env (int argc, char **argv)
{
  (void) argc, (void) argv;
  for (char **e = environ; e && *e; e++)
    puts (*e);
  return 0;
}

static int
cmd_getenv (int argc, char **argv)
{
  const char *v = getenv (argv[0]);

  (void) argc;
  if (v == NULL)
    fail (0, "%s is not set", argv[0]);
  puts (v);
  return 0;
}

static int
cmd_hostname (int argc, char **argv)
{
  struct utsname u;

  if (uname (&u) < 0)
    fail (errno, "uname");
  (void) argc;
  puts (strcmp (argv[-1], "domainname") == 0 ? u.domainname : u.nodename);
  return 0;
}

static int
cmd_exit (int argc, char **argv)
{
  (void) argc;
  flush_stdout ();
  exit ((int) (parse_ll (argv[0], "exit status") & 0xff));
}

static int
cmd_sleep (int argc, char **argv)
{
  char *end;
  double secs;
  struct timespec ts;

  (void) argc;
  errno = 0;
  secs = strtod (argv[0], &end);
  if (errno || end == argv[0] || *end || secs < 0)
    usage_error ("invalid duration: \"%s\"", argv[0]);
  if (secs > 1e9)
    secs = 1e9;
  ts.tv_sec = (time_t) secs;
  ts.tv_nsec = (long) ((secs - (double) ts.tv_sec) * 1e9);
  while (nanosleep (&ts, &ts) < 0)
    if (errno != EINTR)
      fail (errno, "nanosleep");
  return 0;
}

/* pause [READY-FILE]: waits forever with the default signal dispositions
 * (as PID 1 of a pid namespace, only SIGKILL ends it). */
static int
cmd_pause (int argc, char **argv)
{
  if (argc > 0)
    touch (argv[0]);
  flush_stdout ();
  for (;;)
    pause ();
  return 0; /* not reached */
}

/* wait-signal [READY-FILE]: blocks every signal, creates READY-FILE once
 * they are blocked, prints the number of the first one received. */
static int
cmd_wait_signal (int argc, char **argv)
{
  sigset_t all;
  int sig;

  sigfillset (&all);
  if (sigprocmask (SIG_BLOCK, &all, NULL) < 0)
    fail (errno, "sigprocmask");
  if (argc > 0)
    touch (argv[0]);
  flush_stdout ();
  do
    sig = sigwaitinfo (&all, NULL);
  while (sig < 0 && errno == EINTR);
  if (sig < 0)
    fail (errno, "sigwaitinfo");
  printf ("%d\n", sig);
  return 0;
}

static int
cmd_filetype (int argc, char **argv)
{
  const char *what = argv[-1] + 2; /* "isfifo" -> "fifo" */
  const char *path = argv[0];
  struct stat st;
  int yes;

  (void) argc;
  if ((strcmp (what, "lnk") == 0 ? lstat (path, &st) : stat (path, &st)) < 0)
    fail (errno, "stat %s", path);
  if (strcmp (what, "fifo") == 0)
    yes = S_ISFIFO (st.st_mode);
  else if (strcmp (what, "chr") == 0)
    yes = S_ISCHR (st.st_mode);
  else if (strcmp (what, "dir") == 0)
    yes = S_ISDIR (st.st_mode);
  else
    yes = S_ISLNK (st.st_mode);
  puts (yes ? "yes" : "no");
  if (!yes)
    fail (0, "%s is not a %s", path, what);
  return 0;
}

static const char *
file_type (mode_t m)
{
  switch (m & S_IFMT)
    {
    case S_IFREG: return "reg";
    case S_IFDIR: return "dir";
    case S_IFLNK: return "lnk";
    case S_IFCHR: return "chr";
    case S_IFBLK: return "blk";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "sock";
    default: return "unknown";
    }
}

/* stat PATH (does not follow a final symlink):
 * type=chr mode=0666 uid=0 gid=0 rdev=1:3 */
static int
cmd_stat (int argc, char **argv)
{
  struct stat st;

  (void) argc;
  if (lstat (argv[0], &st) < 0)
    fail (errno, "stat %s", argv[0]);
  printf ("type=%s mode=%04o uid=%u gid=%u rdev=%u:%u\n", file_type (st.st_mode),
          (unsigned) (st.st_mode & 07777), (unsigned) st.st_uid, (unsigned) st.st_gid,
          major (st.st_rdev), minor (st.st_rdev));
  return 0;
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
cmd_ls (int argc, char **argv)
{
  DIR *d;
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, cap = 0;

  (void) argc;
  d = opendir (argv[0]);
  if (d == NULL)
    fail (errno, "opendir %s", argv[0]);
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (n == cap)
        {
          cap = cap ? cap * 2 : 64;
          names = realloc (names, cap * sizeof *names);
          if (names == NULL)
            fail (ENOMEM, "ls");
        }
      names[n] = strdup (de->d_name);
      if (names[n++] == NULL)
        fail (ENOMEM, "ls");
    }
  if (errno)
    fail (errno, "readdir %s", argv[0]);
  closedir (d);
  qsort (names, n, sizeof *names, compare_strings);
  for (size_t i = 0; i < n; i++)
    {
      puts (names[i]);
      free (names[i]);
    }
  free (names);
  return 0;
}

static int
compare_ints (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

/* fds: "0 1 2" (the fd used to read /proc/self/fd is left out);
 * fds -l: one "FD TARGET" line per fd. */
static int
cmd_fds (int argc, char **argv)
{
  int fds[4096];
  size_t n = 0;
  int long_form = argc > 0;
  DIR *d;
  struct dirent *de;

  if (long_form && strcmp (argv[0], "-l") != 0)
    usage_error ("unknown option \"%s\"", argv[0]);
  d = opendir ("/proc/self/fd");
  if (d == NULL)
    fail (errno, "opendir /proc/self/fd");
  while ((de = readdir (d)) != NULL)
    {
      int fd;
      if (!isdigit ((unsigned char) de->d_name[0]))
        continue;
      fd = atoi (de->d_name);
      if (fd == dirfd (d))
        continue;
      if (n < sizeof fds / sizeof fds[0])
        fds[n++] = fd;
    }
  qsort (fds, n, sizeof fds[0], compare_ints);
  for (size_t i = 0; i < n; i++)
    {
      if (long_form)
        {
          char link[64], target[PATH_MAX];
          ssize_t len;

          snprintf (link, sizeof link, "/proc/self/fd/%d", fds[i]);
          len = readlink (link, target, sizeof target - 1);
          if (len < 0)
            continue; /* closed meanwhile */
          target[len] = '\0';
          printf ("%d %s\n", fds[i], target);
        }
      else
        printf ("%s%d", i ? " " : "", fds[i]);
    }
  if (!long_form)
    putchar ('\n');
  closedir (d);
  return 0;
}

static int
print_cap_line (const char *name, const char *value, void *data)
{
  (void) data;
  if (strncmp (name, "Cap", 3) == 0)
    printf ("%s=%s\n", name, value);
  return 0;
}

/* caps: CapInh=... CapPrm=... CapEff=... CapBnd=... CapAmb=..., a line each. */
static int
cmd_caps (int argc, char **argv)
{
  (void) argc, (void) argv;
  for_each_status_line (print_cap_line, NULL);
  return 0;
}

static int
print_status_field (const char *name, const char *value, void *data)
{
  if (strcmp (name, (const char *) data) != 0)
    return 0;
  puts (value);
  return 1;
}

static int
cmd_status (int argc, char **argv)
{
  (void) argc;
  if (for_each_status_line (print_status_field, argv[0]) == 0)
    fail (0, "no field %s in /proc/self/status", argv[0]);
  return 0;
}

/* ns: "NAME=LINK" for each /proc/self/ns entry; ns NAME: just the link. */
static int
cmd_ns (int argc, char **argv)
{
  char path[PATH_MAX], target[256];
  ssize_t len;

  if (argc > 0)
    {
      snprintf (path, sizeof path, "/proc/self/ns/%s", argv[0]);
      len = readlink (path, target, sizeof target - 1);
      if (len < 0)
        fail (errno, "readlink %s", path);
      target[len] = '\0';
      puts (target);
      return 0;
    }

  DIR *d = opendir ("/proc/self/ns");
  struct dirent *de;
  char *names[64];
  size_t n = 0;

  if (d == NULL)
    fail (errno, "opendir /proc/self/ns");
  while ((de = readdir (d)) != NULL && n < sizeof names / sizeof names[0])
    if (de->d_name[0] != '.')
      {
        names[n] = strdup (de->d_name);
        if (names[n++] == NULL)
          fail (ENOMEM, "ns");
      }
  closedir (d);
  qsort (names, n, sizeof names[0], compare_strings);
  for (size_t i = 0; i < n; i++)
    {
      snprintf (path, sizeof path, "/proc/self/ns/%s", names[i]);
      len = readlink (path, target, sizeof target - 1);
      if (len < 0)
        fail (errno, "readlink %s", path);
      target[len] = '\0';
      printf ("%s=%s\n", names[i], target);
      free (names[i]);
    }
  return 0;
}

static int
cmd_mountinfo (int argc, char **argv)
{
  (void) argc, (void) argv;
  cat_file ("/proc/self/mountinfo");
  return 0;
}

static const struct
{
  const char *name;
  int resource;
} rlimits[] = {
  { "as", RLIMIT_AS },
  { "core", RLIMIT_CORE },
  { "cpu", RLIMIT_CPU },
  { "data", RLIMIT_DATA },
  { "fsize", RLIMIT_FSIZE },
  { "locks", RLIMIT_LOCKS },
  { "memlock", RLIMIT_MEMLOCK },
  { "msgqueue", RLIMIT_MSGQUEUE },
  { "nice", RLIMIT_NICE },
  { "nofile", RLIMIT_NOFILE },
  { "nproc", RLIMIT_NPROC },
  { "rss", RLIMIT_RSS },
  { "rtprio", RLIMIT_RTPRIO },
  { "rttime", RLIMIT_RTTIME },
  { "sigpending", RLIMIT_SIGPENDING },
  { "stack", RLIMIT_STACK },
};

static void
print_rlim (rlim_t v, const char *sep)
{
  if (v == RLIM_INFINITY)
    printf ("unlimited%s", sep);
  else
    printf ("%llu%s", (unsigned long long) v, sep);
}

/* rlimit NAME (nofile, RLIMIT_NOFILE, ...): "SOFT HARD", "unlimited" for
 * RLIM_INFINITY. */
static int
cmd_rlimit (int argc, char **argv)
{
  const char *name = argv[0];
  struct rlimit rl;

  (void) argc;
  if (strncasecmp (name, "RLIMIT_", 7) == 0)
    name += 7;
  for (size_t i = 0; i < sizeof rlimits / sizeof rlimits[0]; i++)
    if (strcasecmp (name, rlimits[i].name) == 0)
      {
        if (getrlimit (rlimits[i].resource, &rl) < 0)
          fail (errno, "getrlimit %s", argv[0]);
        print_rlim (rl.rlim_cur, " ");
        print_rlim (rl.rlim_max, "\n");
        return 0;
      }
  usage_error ("unknown rlimit \"%s\"", argv[0]);
}

static int
cmd_umask (int argc, char **argv)
{
  mode_t m = umask (0);

  (void) argc, (void) argv;
  umask (m);
  printf ("%04o\n", (unsigned) m);
  return 0;
}

static int
cmd_oom_score_adj (int argc, char **argv)
{
  (void) argc, (void) argv;
  cat_file ("/proc/self/oom_score_adj");
  return 0;
}

/* personality: the current persona in hex, "0x0" for PER_LINUX,
 * "0x8" for PER_LINUX32. */
static int
cmd_personality (int argc, char **argv)
{
  int p = personality (0xffffffff);

  (void) argc, (void) argv;
  if (p < 0)
    fail (errno, "personality");
  printf ("0x%x\n", (unsigned) p);
  return 0;
}

/* ioprio: "class=IOPRIO_CLASS_BE level=4" (the runtime-spec's names). */
static int
cmd_ioprio (int argc, char **argv)
{
  static const char *const classes[] = { "IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT",
                                         "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE" };
  long v;
  unsigned cls;

  (void) argc, (void) argv;
  v = syscall (SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
  if (v < 0)
    fail (errno, "ioprio_get");
  cls = (unsigned) (v >> 13);
  if (cls < sizeof classes / sizeof classes[0])
    printf ("class=%s level=%ld\n", classes[cls], v & 0x1fff);
  else
    printf ("class=%u level=%ld\n", cls, v & 0x1fff);
  return 0;
}

/* The kernel's struct sched_attr (glibc 2.36 has no wrapper). */
struct probe_sched_attr
{
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

/* sched: "policy=SCHED_OTHER priority=0 nice=0", plus flags=0x.. when any
 * flag is set and runtime/deadline/period for SCHED_DEADLINE. */
static int
cmd_sched (int argc, char **argv)
{
  static const char *const policies[] = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
                                          "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE" };
  struct probe_sched_attr a;

  (void) argc, (void) argv;
  memset (&a, 0, sizeof a);
  if (syscall (SYS_sched_getattr, 0, &a, sizeof a, 0) < 0)
    fail (errno, "sched_getattr");
  if (a.sched_policy < sizeof policies / sizeof policies[0])
    printf ("policy=%s", policies[a.sched_policy]);
  else
    printf ("policy=%u", a.sched_policy);
  printf (" priority=%u nice=%d", a.sched_priority, a.sched_nice);
  if (a.sched_flags)
    printf (" flags=0x%llx", (unsigned long long) a.sched_flags);
  if (a.sched_policy == 6)
    printf (" runtime=%llu deadline=%llu period=%llu", (unsigned long long) a.sched_runtime,
            (unsigned long long) a.sched_deadline, (unsigned long long) a.sched_period);
  putchar ('\n');
  return 0;
}

/* syscall-errno NAME [PATH]: makes one raw system call and prints the errno
 * it failed with, 0 when it succeeded (what a seccomp test asserts).  The
 * path-taking calls use PATH, by default /tmp/probe-syscall; a directory that
 * mkdir made is removed again. */
static int
cmd_syscall_errno (int argc, char **argv)
{
  const char *name = argv[0];
  const char *path = argc > 1 ? argv[1] : "/tmp/probe-syscall";
  char buf[PATH_MAX];
  struct utsname u;
  long r;

  errno = 0;
  if (strcmp (name, "getcwd") == 0)
    r = syscall (SYS_getcwd, buf, sizeof buf);
  else if (strcmp (name, "chdir") == 0)
    r = syscall (SYS_chdir, argc > 1 ? path : "/");
  else if (strcmp (name, "uname") == 0)
    r = syscall (SYS_uname, &u);
  else if (strcmp (name, "getpid") == 0)
    r = syscall (SYS_getpid);
  else if (strcmp (name, "mkdirat") == 0)
    {
      r = syscall (SYS_mkdirat, AT_FDCWD, path, 0755);
      if (r == 0)
        rmdir (path);
    }
#ifdef SYS_mkdir
  else if (strcmp (name, "mkdir") == 0)
    {
      r = syscall (SYS_mkdir, path, 0755);
      if (r == 0)
        rmdir (path);
    }
#endif
  else if (strcmp (name, "openat") == 0)
    {
      r = syscall (SYS_openat, AT_FDCWD, argc > 1 ? path : "/", O_RDONLY | O_CLOEXEC);
      if (r >= 0)
        close ((int) r);
    }
  else if (strcmp (name, "socket") == 0)
    {
      r = syscall (SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (r >= 0)
        close ((int) r);
    }
  else if (strcmp (name, "unshare") == 0)
    r = syscall (SYS_unshare, 0);
  else if (strcmp (name, "personality") == 0)
    r = syscall (SYS_personality, 0xffffffff);
  else if (strcmp (name, "sethostname") == 0)
    {
      if (uname (&u) < 0)
        fail (errno, "uname");
      r = syscall (SYS_sethostname, u.nodename, strlen (u.nodename));
    }
  else if (strcmp (name, "kill") == 0)
    r = syscall (SYS_kill, getpid (), 0);
  else
    usage_error ("unsupported system call \"%s\" on this architecture", name);
  printf ("%d\n", r < 0 ? errno : 0);
  return 0;
}

/* tty: "stdin=yes stdout=no rows=24 cols=80 name=/dev/pts/0"; rows, cols
 * and name only when stdin or stdout is a terminal. */
static int
cmd_tty (int argc, char **argv)
{
  int in = isatty (STDIN_FILENO), out = isatty (STDOUT_FILENO);
  struct winsize ws;

  (void) argc, (void) argv;
  printf ("stdin=%s stdout=%s", in ? "yes" : "no", out ? "yes" : "no");
  if (in || out)
    {
      int fd = in ? STDIN_FILENO : STDOUT_FILENO;
      char name[PATH_MAX];

      if (ioctl (fd, TIOCGWINSZ, &ws) < 0)
        fail (errno, "TIOCGWINSZ");
      printf (" rows=%u cols=%u", ws.ws_row, ws.ws_col);
      if (ttyname_r (fd, name, sizeof name) == 0)
        printf (" name=%s", name);
    }
  putchar ('\n');
  return 0;
}

static int
cmd_pid (int argc, char **argv)
{
  (void) argc;
  if (strcmp (argv[-1], "ppid") == 0)
    printf ("%d\n", (int) getppid ());
  else if (strcmp (argv[-1], "sid") == 0)
    printf ("%d\n", (int) getsid (0));
  else if (strcmp (argv[-1], "pgid") == 0)
    printf ("%d\n", (int) getpgrp ());
  else
    printf ("%d\n", (int) getpid ());
  return 0;
}

static int
cmd_readlink (int argc, char **argv)
{
  char target[PATH_MAX];
  ssize_t len;

  (void) argc;
  len = readlink (argv[0], target, sizeof target - 1);
  if (len < 0)
    fail (errno, "readlink %s", argv[0]);
  target[len] = '\0';
  puts (target);
  return 0;
}

static int
cmd_exec (int argc, char **argv)
{
  (void) argc;
  flush_stdout ();
  execv (argv[0], argv);
  fail (errno, "exec %s", argv[0]);
}

static int cmd_help (int argc, char **argv);

static const struct command
{
  const char *name;
  int min_args, max_args; /* max_args -1: any number */
  int (*fn) (int argc, char **argv);
  const char *args, *help;
} commands[] = {
  { "echo", 0, -1, cmd_echo, "ARGS...", "print ARGS joined by spaces" },
  { "echoerr", 0, -1, cmd_echoerr, "ARGS...", "the same on stderr" },
  { "cat", 1, -1, cmd_cat, "FILE...", "print files (- is stdin)" },
  { "write", 2, 2, cmd_write, "FILE TEXT", "write TEXT (no newline added) to FILE" },
  { "id", 0, 0, cmd_id, "", "uid=U gid=G groups=G1,G2" },
  { "cwd", 0, 0, cmd_cwd, "", "the working directory" },
  { "env", 0, 0, cmd_env, "", "the environment, a variable a line" },
  { "getenv", 1, 1, cmd_getenv, "NAME", "the value of NAME (fails when unset)" },
  { "hostname", 0, 0, cmd_hostname, "", "uname's nodename" },
  { "domainname", 0, 0, cmd_hostname, "", "uname's domainname" },
  { "exit", 1, 1, cmd_exit, "N", "exit with status N" },
  { "sleep", 1, 1, cmd_sleep, "SECS", "sleep (fractions allowed)" },
  { "pause", 0, 1, cmd_pause, "[READY]", "wait forever (creates the file READY first)" },
  { "wait-signal", 0, 1, cmd_wait_signal, "[READY]",
    "block all signals (then create READY), print the first one's number" },
  { "isfifo", 1, 1, cmd_filetype, "PATH", "yes (exit 0) or no (exit 1)" },
  { "ischr", 1, 1, cmd_filetype, "PATH", "yes (exit 0) or no (exit 1)" },
  { "isdir", 1, 1, cmd_filetype, "PATH", "yes (exit 0) or no (exit 1)" },
  { "islnk", 1, 1, cmd_filetype, "PATH", "yes (exit 0) or no (exit 1); PATH not followed" },
  { "stat", 1, 1, cmd_stat, "PATH", "type=T mode=0NNN uid=U gid=G rdev=MAJ:MIN (lstat)" },
  { "ls", 1, 1, cmd_ls, "DIR", "sorted names, one a line" },
  { "fds", 0, 1, cmd_fds, "[-l]", "open fds \"0 1 2\"; -l: \"FD TARGET\" lines" },
  { "caps", 0, 0, cmd_caps, "", "CapInh= CapPrm= CapEff= CapBnd= CapAmb= lines" },
  { "status", 1, 1, cmd_status, "FIELD", "the value of a /proc/self/status field" },
  { "ns", 0, 1, cmd_ns, "[NAME]", "NAME=LINK lines for /proc/self/ns; with NAME its link" },
  { "mountinfo", 0, 0, cmd_mountinfo, "", "/proc/self/mountinfo" },
  { "rlimit", 1, 1, cmd_rlimit, "NAME", "SOFT HARD (nofile, nproc, core, ...)" },
  { "umask", 0, 0, cmd_umask, "", "0NNN" },
  { "oom-score-adj", 0, 0, cmd_oom_score_adj, "", "/proc/self/oom_score_adj" },
  { "personality", 0, 0, cmd_personality, "", "0xN (0x0 linux, 0x8 linux32)" },
  { "ioprio", 0, 0, cmd_ioprio, "", "class=IOPRIO_CLASS_X level=N" },
  { "sched", 0, 0, cmd_sched, "", "policy=SCHED_X priority=N nice=N" },
  { "syscall-errno", 1, 2, cmd_syscall_errno, "NAME [PATH]",
    "errno of one raw call, 0 on success (getcwd chdir uname getpid mkdir mkdirat "
    "openat socket unshare personality sethostname kill)" },
  { "tty", 0, 0, cmd_tty, "", "stdin=yes|no stdout=yes|no [rows=R cols=C name=TTY]" },
  { "pid", 0, 0, cmd_pid, "", "getpid()" },
  { "ppid", 0, 0, cmd_pid, "", "getppid()" },
  { "sid", 0, 0, cmd_pid, "", "getsid(0)" },
  { "pgid", 0, 0, cmd_pid, "", "getpgrp()" },
  { "readlink", 1, 1, cmd_readlink, "PATH", "the target of a symlink" },
  { "exec", 1, -1, cmd_exec, "PROG ARGS...", "execv PROG with ARGS (argv[0] is PROG)" },
  { "help", 0, 0, cmd_help, "", "this list" },
};

static int
cmd_help (int argc, char **argv)
{
  (void) argc, (void) argv;
  printf ("usage: probe SUBCOMMAND [ARGS...]\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    printf ("  %-14s %-13s %s\n", commands[i].name, commands[i].args, commands[i].help);
  return 0;
}

int
main (int argc, char **argv)
{
  const struct command *c = NULL;
  int nargs, r;

  if (argc < 2)
    {
      fprintf (stderr, "usage: probe SUBCOMMAND [ARGS...] (probe help lists them)\n");
      return 2;
    }
  subcommand = argv[1];
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (commands[i].name, argv[1]) == 0)
      c = &commands[i];
  if (c == NULL)
    usage_error ("unknown subcommand (probe help lists them)");
  nargs = argc - 2;
  if (nargs < c->min_args || (c->max_args >= 0 && nargs > c->max_args))
    usage_error ("usage: probe %s %s", c->name, c->args);
  r = c->fn (nargs, argv + 2);
  flush_stdout ();
  return r;
}
