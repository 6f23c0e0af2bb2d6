/* The pure parts of the runtime's process setup: signal names, mount
 * options, capability names, CPU lists, rlimits and the other process
 * attributes, and seccomp profiles compiled to BPF.  What must act on a
 * process runs in a forked child, so the test process stays as it was.
 *
 * The runtime modules are not in liboci: they are compiled in here, which
 * also gives the tests their static helpers. */
#include "unit.h"

#include "../../runtime/capabilities.c"
#include "../../runtime/mount-options.c"
#include "../../runtime/process-attrs.c"
#include "../../runtime/seccomp.c"
#include "../../runtime/seccomp-cache.c"
#include "../../runtime/signals.c"

#include <sys/stat.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/utsname.h>
#include <sys/wait.h>

/* ---- helpers ---------------------------------------------------------- */

static struct oci_spec *
parse_spec (struct unit_state *st, const char *json)
{
  struct oci_error err = { 0 };
  struct oci_spec *spec = NULL;

  if (oci_spec_parse_text (json, strlen (json), &spec, &err) < 0)
    {
      unit_fail (st, __FILE__, __LINE__, "parse: %s", err.msg);
      return NULL;
    }
  return spec;
}

#define CHECK_ERR(st, r, err, substr)                                                               \
  do {                                                                                              \
    if ((r) >= 0)                                                                                   \
      unit_fail ((st), __FILE__, __LINE__, "expected an error containing \"%s\"", (substr));       \
    else if (!strstr ((err).msg, (substr)))                                                        \
      unit_fail ((st), __FILE__, __LINE__, "error \"%s\" lacks \"%s\"", (err).msg, (substr));      \
  } while (0)

#define CHECK_OK(st, r, err)                                                          \
  do {                                                                                \
    if ((r) < 0)                                                                      \
      unit_fail ((st), __FILE__, __LINE__, "unexpected error: %s", (err).msg);       \
  } while (0)

/* Runs fn in a child and returns its exit status (fn's return value), or
 * -1 when it did not exit normally.  The child leaves with _exit: no atexit
 * handler (LeakSanitizer's among them) runs under a seccomp filter. */
static int
in_child (int (*fn) (void *), void *arg)
{
  int status;
  pid_t pid = fork ();

  if (pid < 0)
    return -1;
  if (pid == 0)
    _exit (fn (arg));
  if (waitpid (pid, &status, 0) < 0 || !WIFEXITED (status))
    return -1;
  return WEXITSTATUS (status);
}

static int read_int_file (const char *path);

/* ---- signals ---------------------------------------------------------- */

static void
test_signal_parse (struct unit_state *st)
{
  static const struct {
    const char *in;
    int want;
  } good[] = {
    { "TERM", SIGTERM },       { "SIGTERM", SIGTERM },     { "term", SIGTERM },     { "sigterm", SIGTERM },
    { "SigKill", SIGKILL },    { "KILL", 9 },              { "9", 9 },              { "15", 15 },
    { "0", 0 },                { "64", 64 },               { "HUP", SIGHUP },       { "USR1", SIGUSR1 },
    { "SIGWINCH", SIGWINCH },  { "RTMIN", 34 },            { "SIGRTMIN", 34 },      { "RTMIN+3", 37 },
    { "SIGRTMIN+3", 37 },      { "rtmin+30", 64 },         { "RTMAX", 64 },         { "RTMAX-2", 62 },
    { "SIGRTMAX-30", 34 },     { "IOT", SIGABRT },         { "SIGPOLL", SIGIO },    { "cld", SIGCHLD },
    { "SIGSTKFLT", SIGSTKFLT }, { "SYS", SIGSYS },
  };
  static const char *const bad[] = {
    "FOO", "SIGFOO", "65", "100", "-1", "+9", " 9", "9 ", "9x", "", "SIG", "RTMIN+", "RTMIN+31", "RTMAX-31",
    "RTMIN-1", "RTMAX+1", "RTMIN+3x", "SIGSIGTERM", "TERMX", "verylongsignalnamethatdoesnotexist",
  };
  struct oci_error err = { 0 };
  size_t i;

  for (i = 0; i < sizeof good / sizeof good[0]; i++)
    {
      int sig = -1, r = tong_signal_parse (good[i].in, &sig, &err);
      if (r < 0 || sig != good[i].want)
        unit_fail (st, __FILE__, __LINE__, "parse \"%s\": r=%d sig=%d want %d (%s)", good[i].in, r, sig,
                   good[i].want, err.msg);
    }
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      char want[128];
      int sig = -1, r = tong_signal_parse (bad[i], &sig, &err);
      snprintf (want, sizeof want, "unknown signal \"%s\"", bad[i]);
      CHECK_ERR (st, r, err, want);
    }
}

static void
test_signal_names (struct unit_state *st)
{
  struct oci_error err = { 0 };
  int sig;

  CHECK_STR (st, tong_signal_name (SIGTERM), "SIGTERM");
  CHECK_STR (st, tong_signal_name (SIGKILL), "SIGKILL");
  CHECK_STR (st, tong_signal_name (34), "SIGRTMIN");
  CHECK_STR (st, tong_signal_name (37), "SIGRTMIN+3");
  CHECK_STR (st, tong_signal_name (49), "SIGRTMIN+15");
  CHECK_STR (st, tong_signal_name (50), "SIGRTMAX-14");
  CHECK_STR (st, tong_signal_name (64), "SIGRTMAX");
  CHECK (st, tong_signal_name (0) == NULL);
  CHECK (st, tong_signal_name (32) == NULL);
  CHECK (st, tong_signal_name (33) == NULL);
  CHECK (st, tong_signal_name (65) == NULL);
  CHECK (st, tong_signal_name (-1) == NULL);
  /* Every name reads back as its number, with and without SIG. */
  for (sig = 1; sig <= TONG_SIGRTMAX; sig++)
    {
      const char *name = tong_signal_name (sig);
      int a = -1, b = -1;

      if (!name)
        continue;
      if (tong_signal_parse (name, &a, &err) < 0 || tong_signal_parse (name + 3, &b, &err) < 0 || a != sig
          || b != sig)
        unit_fail (st, __FILE__, __LINE__, "%s does not read back as %d (%d, %d)", name, sig, a, b);
    }
  /* The libc's numbering is the one the table assumes. */
  CHECK_INT (st, SIGRTMIN, TONG_SIGRTMIN);
  CHECK_INT (st, SIGRTMAX, TONG_SIGRTMAX);
}

/* ---- mount options ---------------------------------------------------- */

static int
parse_opts (struct unit_state *st, struct tong_mount_opts *o, const char *const *list)
{
  struct oci_error err = { 0 };
  size_t n = 0;
  int r;

  while (list[n])
    n++;
  r = tong_mount_opts_parse ((char *const *) list, n, o, &err);
  CHECK_OK (st, r, err);
  return r;
}

static void
test_mount_opts_flags (struct unit_state *st)
{
  struct tong_mount_opts o;

  {
    static const char *const v[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.flags, MS_NOSUID | MS_STRICTATIME);
    CHECK_INT (st, o.clear_flags, 0);
    CHECK_STR (st, o.data, "mode=755,size=65536k");
    CHECK (st, !o.bind && !o.rbind && !o.propagation && !o.propagation_len);
    CHECK (st, !o.attr_set && !o.attr_clr);
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.flags, MS_NOSUID | MS_NOEXEC);
    CHECK_STR (st, o.data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { "rbind", "rw", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.flags, MS_BIND | MS_REC);
    CHECK_INT (st, o.clear_flags, MS_RDONLY);
    CHECK (st, o.bind && o.rbind);
    CHECK (st, o.data == NULL);
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { "bind", "ro", "nodev", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.flags, MS_BIND | MS_RDONLY | MS_NODEV);
    CHECK (st, o.bind && !o.rbind);
    tong_mount_opts_release (&o);
  }
  {
    /* The last of two opposites wins, for set and cleared flags alike. */
    static const char *const v[] = { "ro", "rw", "nosuid", "suid", "dev", "nodev", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.flags, MS_NODEV);
    CHECK_INT (st, o.clear_flags, MS_RDONLY | MS_NOSUID);
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { "sync", "async", "dirsync", "remount", "mand", "nomand", "iversion", "lazytime",
                                     "silent", "noatime", "nodiratime", "relatime", "nosymfollow", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.flags,
               MS_DIRSYNC | MS_REMOUNT | MS_I_VERSION | MS_LAZYTIME | MS_SILENT | MS_NOATIME | MS_NODIRATIME
                   | MS_RELATIME | MS_NOSYMFOLLOW);
    CHECK_INT (st, o.clear_flags, MS_SYNCHRONOUS | MS_MANDLOCK);
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { "atime", "diratime", "exec", "loud", "noiversion", "nolazytime", "norelatime",
                                     "nostrictatime", "symfollow", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.flags, 0);
    CHECK_INT (st, o.clear_flags,
               MS_NOATIME | MS_NODIRATIME | MS_NOEXEC | MS_SILENT | MS_I_VERSION | MS_LAZYTIME | MS_RELATIME
                   | MS_STRICTATIME | MS_NOSYMFOLLOW);
    tong_mount_opts_release (&o);
  }
  {
    /* "defaults" means nothing; unknown options and runc's data-only ones
     * (acl) keep their order in data; empty strings vanish. */
    static const char *const v[] = { "defaults", "acl", "", "noacl", "nr_inodes=5", "user_xattr", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.flags, 0);
    CHECK_STR (st, o.data, "acl,noacl,nr_inodes=5,user_xattr");
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { NULL };
    parse_opts (st, &o, v);
    CHECK (st, o.flags == 0 && o.data == NULL && o.propagation_list == NULL);
    tong_mount_opts_release (&o);
    tong_mount_opts_release (&o);
  }
}

static void
test_mount_opts_propagation (struct unit_state *st)
{
  struct tong_mount_opts o;

  {
    static const char *const v[] = { "bind", "rprivate", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.propagation, MS_PRIVATE | MS_REC);
    CHECK_INT (st, o.propagation_len, 1);
    CHECK_INT (st, o.flags, MS_BIND);
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { "rshared", "rslave", "private", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.propagation_len, 3);
    if (o.propagation_len == 3)
      {
        CHECK_INT (st, o.propagation_list[0], MS_SHARED | MS_REC);
        CHECK_INT (st, o.propagation_list[1], MS_SLAVE | MS_REC);
        CHECK_INT (st, o.propagation_list[2], MS_PRIVATE);
      }
    CHECK_INT (st, o.propagation, MS_PRIVATE);
    tong_mount_opts_release (&o);
    CHECK (st, o.propagation_list == NULL && o.propagation_len == 0);
  }
  {
    static const char *const v[] = { "shared", "slave", "unbindable", "runbindable", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.propagation_len, 4);
    CHECK_INT (st, o.propagation, MS_UNBINDABLE | MS_REC);
    CHECK_INT (st, o.flags, 0);
    tong_mount_opts_release (&o);
  }
}

static void
test_mount_opts_recursive (struct unit_state *st)
{
  struct tong_mount_opts o;

  {
    static const char *const v[] = { "rbind", "rro", "rnosuid", "rnodev", "rnoexec", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    CHECK_INT (st, o.attr_clr, 0);
    CHECK_INT (st, o.flags, MS_BIND | MS_REC);
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { "rrw", "rsuid", "rdev", "rexec", "rsymfollow", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.attr_set, 0);
    CHECK_INT (st, o.attr_clr,
               MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW);
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { "rro", "rrw", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.attr_set, 0);
    CHECK_INT (st, o.attr_clr, MOUNT_ATTR_RDONLY);
    tong_mount_opts_release (&o);
  }
  {
    /* An atime mode always clears the whole atime field as well. */
    static const char *const v[] = { "rnoatime", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.attr_set, MOUNT_ATTR_NOATIME);
    CHECK_INT (st, o.attr_clr, MOUNT_ATTR__ATIME);
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { "rstrictatime", "rnodiratime", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.attr_set, MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_NODIRATIME);
    CHECK_INT (st, o.attr_clr, MOUNT_ATTR__ATIME);
    tong_mount_opts_release (&o);
  }
  {
    /* MOUNT_ATTR_RELATIME is 0: only the cleared field says something. */
    static const char *const v[] = { "rrelatime", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.attr_set, 0);
    CHECK_INT (st, o.attr_clr, MOUNT_ATTR__ATIME);
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { "ratime", "rdiratime", "rnorelatime", "rnostrictatime", "rnosymfollow", NULL };
    parse_opts (st, &o, v);
    CHECK_INT (st, o.attr_set, MOUNT_ATTR_NOSYMFOLLOW);
    CHECK_INT (st, o.attr_clr, MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME);
    tong_mount_opts_release (&o);
  }
}

static void
test_mount_opts_extensions (struct unit_state *st)
{
  struct tong_mount_opts o;

  {
    static const char *const v[] = { "tmpcopyup", "mode=755", NULL };
    parse_opts (st, &o, v);
    CHECK (st, o.tmpcopyup);
    CHECK_STR (st, o.data, "mode=755");
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { "rbind", "idmap", NULL };
    parse_opts (st, &o, v);
    CHECK (st, o.idmap && !o.idmap_recursive);
    CHECK (st, o.data == NULL);
    tong_mount_opts_release (&o);
  }
  {
    static const char *const v[] = { "idmap", "ridmap", NULL };
    parse_opts (st, &o, v);
    CHECK (st, o.idmap && o.idmap_recursive);
    tong_mount_opts_release (&o);
  }
}

static void
test_mount_opts_known (struct unit_state *st)
{
  /* runc's `features` list (runtime-spec test data). */
  static const char *const runc[] = {
    "acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime",
    "loud", "mand", "noacl", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
    "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime",
    "relatime", "remount", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime",
    "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared",
    "rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent", "slave",
    "strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable", NULL,
  };
  const char *const *known = tong_mount_opts_known ();
  struct oci_error err = { 0 };
  size_t i, n;

  for (n = 0; known[n]; n++)
    if (n > 0 && strcmp (known[n - 1], known[n]) >= 0)
      unit_fail (st, __FILE__, __LINE__, "known options not sorted at %s", known[n]);
  CHECK_INT (st, n, N_OPTS);
  for (i = 0; i < N_OPTS && i < n; i++)
    CHECK_STR (st, known[i], opts[i].name);

  /* Every known option has a meaning of its own; every runc option is
   * known except the two runc itself passes on as data. */
  for (i = 0; known[i]; i++)
    {
      struct tong_mount_opts o;
      char *one[] = { (char *) known[i] };
      if (tong_mount_opts_parse (one, 1, &o, &err) < 0 || o.data)
        unit_fail (st, __FILE__, __LINE__, "%s went to data", known[i]);
      tong_mount_opts_release (&o);
    }
  for (i = 0; runc[i]; i++)
    {
      bool found = false, data_only = strcmp (runc[i], "acl") == 0 || strcmp (runc[i], "noacl") == 0;
      for (n = 0; known[n]; n++)
        found = found || strcmp (known[n], runc[i]) == 0;
      if (found == data_only)
        unit_fail (st, __FILE__, __LINE__, "runc's %s: known=%d", runc[i], found);
    }
}

/* ---- capabilities ----------------------------------------------------- */

static void
test_caps_from_spec (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_spec *spec;
  struct tong_caps c;
  int r;

  spec = parse_spec (st, "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"capabilities\":{"
                         "\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\",\"CAP_SYS_ADMIN\"],"
                         "\"effective\":[\"CAP_KILL\"],"
                         "\"permitted\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
                         "\"inheritable\":[\"CAP_NET_BIND_SERVICE\"],"
                         "\"ambient\":[\"CAP_NET_BIND_SERVICE\",\"CAP_KILL\"]}}}");
  if (!spec)
    return;
  r = tong_caps_from_spec (spec->process->capabilities, &c, &err);
  CHECK_OK (st, r, err);
  CHECK_INT (st, c.bounding, BIT (CAP_CHOWN) | BIT (CAP_KILL) | BIT (CAP_NET_BIND_SERVICE) | BIT (CAP_SYS_ADMIN));
  CHECK_INT (st, c.effective, BIT (CAP_KILL));
  CHECK_INT (st, c.permitted, BIT (CAP_CHOWN) | BIT (CAP_KILL) | BIT (CAP_NET_BIND_SERVICE));
  CHECK_INT (st, c.inheritable, BIT (CAP_NET_BIND_SERVICE));
  /* CAP_KILL is not inheritable: the kernel would refuse to raise it. */
  CHECK_INT (st, c.ambient, BIT (CAP_NET_BIND_SERVICE));
  CHECK_INT (st, c.ambient_dropped, BIT (CAP_KILL));
  CHECK_INT (st, c.unavailable, 0);
  CHECK (st, c.bounding_set && c.effective_set && c.permitted_set && c.inheritable_set && c.ambient_set);
  oci_spec_free (spec);

  r = tong_caps_from_spec (NULL, &c, &err);
  CHECK_OK (st, r, err);
  CHECK (st, c.bounding == 0 && c.effective == 0 && !c.bounding_set && !c.ambient_set);

  /* An empty list is present and empty; a missing one is absent. */
  spec = parse_spec (st, "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"capabilities\":{\"bounding\":[]}}}");
  if (spec)
    {
      r = tong_caps_from_spec (spec->process->capabilities, &c, &err);
      CHECK_OK (st, r, err);
      CHECK (st, c.bounding_set && !c.effective_set && c.bounding == 0);
      oci_spec_free (spec);
    }
}

static void
test_caps_unknown (struct unit_state *st)
{
  static const struct {
    const char *json;
    const char *want;
  } bad[] = {
    { "\"effective\":[\"CAP_KILL\",\"CAP_FOO\"]", "process.capabilities.effective: unknown capability \"CAP_FOO\"" },
    { "\"bounding\":[\"cap_chown\"]", "process.capabilities.bounding: unknown capability \"cap_chown\"" },
    { "\"permitted\":[\"CAP_CHOWN,CAP_KILL\"]", "process.capabilities.permitted: unknown capability \"CAP_CHOWN,CAP_KILL\"" },
    { "\"inheritable\":[\"12\"]", "process.capabilities.inheritable: unknown capability \"12\"" },
    { "\"ambient\":[\"CAP_\"]", "process.capabilities.ambient: unknown capability \"CAP_\"" },
    { "\"ambient\":[\"CAP_CHOWN \"]", "unknown capability \"CAP_CHOWN \"" },
    { "\"bounding\":[\"CAP_41\"]", "unknown capability \"CAP_41\"" },
  };
  struct oci_error err = { 0 };
  struct tong_caps c;
  size_t i;

  for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      char json[512];
      struct oci_spec *spec;

      snprintf (json, sizeof json, "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"capabilities\":{%s}}}",
                bad[i].json);
      spec = parse_spec (st, json);
      if (!spec)
        continue;
      CHECK_ERR (st, tong_caps_from_spec (spec->process->capabilities, &c, &err), err, bad[i].want);
      oci_spec_free (spec);
    }
}

static void
test_caps_kernel_unknown (struct unit_state *st)
{
  char *names[] = { "CAP_PERFMON", "CAP_CHOWN", "CAP_BPF", "CAP_CHECKPOINT_RESTORE" };
  struct oci_spec_capabilities spec = { 0 };
  struct oci_error err = { 0 };
  struct tong_caps c;
  int r;

  /* A kernel whose last capability is CAP_AUDIT_READ (37) knows none of
   * perfmon (38), bpf (39), checkpoint_restore (40): they are left out. */
  spec.bounding = names;
  spec.bounding_len = 4;
  spec.permitted = names;
  spec.permitted_len = 2;
  r = caps_from_spec_last (&spec, 37, &c, &err);
  CHECK_OK (st, r, err);
  CHECK_INT (st, c.bounding, BIT (CAP_CHOWN));
  CHECK_INT (st, c.permitted, BIT (CAP_CHOWN));
  CHECK_INT (st, c.unavailable, BIT (38) | BIT (39) | BIT (40));

  r = caps_from_spec_last (&spec, 40, &c, &err);
  CHECK_OK (st, r, err);
  CHECK_INT (st, c.bounding, BIT (CAP_CHOWN) | BIT (38) | BIT (39) | BIT (40));
  CHECK_INT (st, c.unavailable, 0);
}

static void
test_caps_names (struct unit_state *st)
{
  char **names = NULL, *s;
  size_t n = 0, i;
  int last = tong_caps_last_cap ();

  CHECK (st, last >= CAP_AUDIT_READ && last < 64);
  CHECK_INT (st, last, read_int_file ("/proc/sys/kernel/cap_last_cap"));
  CHECK_INT (st, tong_caps_names (&names, &n), 0);
  if (!names)
    return;
  CHECK (st, n >= 38 && n <= (size_t) last + 1);
  CHECK_STR (st, names[0], "CAP_CHOWN");
  CHECK_STR (st, names[CAP_SYS_ADMIN], "CAP_SYS_ADMIN");
  CHECK (st, names[n] == NULL);
  for (i = 0; i < n; i++)
    CHECK_INT (st, cap_number (names[i]), (int) i);
  oci_cleanup_strvp (&names);

  s = tong_caps_mask_to_string (BIT (CAP_CHOWN) | BIT (CAP_KILL));
  CHECK_STR (st, s, "CAP_CHOWN, CAP_KILL");
  free (s);
  s = tong_caps_mask_to_string (0);
  CHECK_STR (st, s, "");
  free (s);
}

static uint64_t
read_status_mask (const char *key)
{
  char line[256];
  uint64_t v = UINT64_MAX;
  FILE *f = fopen ("/proc/self/status", "r");

  if (!f)
    return v;
  while (fgets (line, sizeof line, f))
    if (strncmp (line, key, strlen (key)) == 0)
      v = strtoull (line + strlen (key), NULL, 16);
  fclose (f);
  return v;
}

/* Child: drops the bounding set, sets inheritable wider than asked, then
 * applies; checks every set from /proc.  Returns a bit per failed check. */
static int
caps_apply_child (void *arg)
{
  const struct tong_caps *c = arg;
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  struct oci_error err = { 0 };
  int fails = 0;

  if (tong_caps_drop_bounding (c, &err) < 0)
    return 100;
  /* A leftover inheritable capability must not survive apply
   * (CVE-2022-27650). */
  memset (data, 0, sizeof data);
  capget (&hdr, data);
  data[0].inheritable |= (uint32_t) BIT (CAP_CHOWN) | (uint32_t) BIT (CAP_KILL);
  if (capset (&hdr, data) < 0)
    return 101;
  if (tong_caps_apply (c, &err) < 0)
    return 102;
  if (read_status_mask ("CapBnd:") != c->bounding)
    fails |= 1;
  if (read_status_mask ("CapEff:") != c->effective)
    fails |= 2;
  if (read_status_mask ("CapPrm:") != c->permitted)
    fails |= 4;
  if (read_status_mask ("CapInh:") != c->inheritable)
    fails |= 8;
  if (read_status_mask ("CapAmb:") != c->ambient)
    fails |= 16;
  return fails;
}

static void
test_caps_apply (struct unit_state *st)
{
  struct tong_caps c = { 0 };
  uint64_t held = read_status_mask ("CapPrm:");

  if (geteuid () != 0 || (held & (BIT (CAP_SETPCAP) | BIT (CAP_NET_BIND_SERVICE) | BIT (CAP_KILL) | BIT (CAP_CHOWN)))
                             != (BIT (CAP_SETPCAP) | BIT (CAP_NET_BIND_SERVICE) | BIT (CAP_KILL) | BIT (CAP_CHOWN)))
    {
      unit_skip (st, "needs root with CAP_SETPCAP");
      return;
    }
  c.bounding = BIT (CAP_CHOWN) | BIT (CAP_KILL) | BIT (CAP_NET_BIND_SERVICE);
  c.permitted = BIT (CAP_KILL) | BIT (CAP_NET_BIND_SERVICE);
  c.effective = BIT (CAP_KILL);
  c.inheritable = BIT (CAP_NET_BIND_SERVICE);
  c.ambient = BIT (CAP_NET_BIND_SERVICE);
  CHECK_INT (st, in_child (caps_apply_child, &c), 0);
}

/* ---- CPU lists -------------------------------------------------------- */

static bool
cpuset_has (const struct tong_cpuset *s, unsigned long c)
{
  return s->bits && c / LONG_BITS < s->size / sizeof (unsigned long)
         && (s->bits[c / LONG_BITS] & (1UL << (c % LONG_BITS)));
}

static void
test_cpulist (struct unit_state *st)
{
  static const struct {
    const char *in;
    size_t count;
    unsigned long first, last; /* members at both ends */
  } good[] = {
    { "0", 1, 0, 0 },           { "1", 1, 1, 1 },          { "0-1", 2, 0, 1 },       { "0,1", 2, 0, 1 },
    { ",0,1,", 2, 0, 1 },       { "0-3", 4, 0, 3 },        { "0,1,2-3", 4, 0, 3 },   { "4-7", 4, 4, 7 },
    { "0-15", 16, 0, 15 },      { "16", 1, 16, 16 },       { "1, 2, 1-2", 2, 1, 2 }, { "    , 1   , 3  ,  5-7,    ", 5, 1, 7 },
    { "0-3,32-33", 6, 0, 33 },  { "127-129, 1", 4, 1, 129 }, { "1023", 1, 1023, 1023 }, { "1024", 1, 1024, 1024 },
    { "8191", 1, 8191, 8191 },  { "4096-4098", 3, 4096, 4098 }, { "0,65536", 2, 0, 65536 }, { "65536", 1, 65536, 65536 },
  };
  static const char *const bad[] = { "-", "1-", "-3", ",", " ", "54-53", "1 - 2", "65537", "0-65537", "a", "1-2-3", "0x1" };
  struct oci_error err = { 0 };
  struct tong_cpuset s;
  size_t i;

  CHECK_INT (st, tong_cpulist_parse ("", &s, &err), 0);
  CHECK (st, s.bits == NULL && s.count == 0);
  CHECK_INT (st, tong_cpulist_parse (NULL, &s, &err), 0);
  CHECK (st, s.bits == NULL);

  for (i = 0; i < sizeof good / sizeof good[0]; i++)
    {
      int r = tong_cpulist_parse (good[i].in, &s, &err);
      if (r < 0)
        {
          unit_fail (st, __FILE__, __LINE__, "\"%s\": %s", good[i].in, err.msg);
          continue;
        }
      if (s.count != good[i].count || !cpuset_has (&s, good[i].first) || !cpuset_has (&s, good[i].last)
          || (good[i].first > 0 && cpuset_has (&s, good[i].first - 1)) || cpuset_has (&s, good[i].last + 1)
          || s.size != (good[i].last / LONG_BITS + 1) * sizeof (unsigned long))
        unit_fail (st, __FILE__, __LINE__, "\"%s\": count %zu size %zu", good[i].in, s.count, s.size);
      tong_cpuset_release (&s);
    }
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      int r = tong_cpulist_parse (bad[i], &s, &err);
      char want[64];
      snprintf (want, sizeof want, "\"%s\"", bad[i]);
      CHECK_ERR (st, r, err, want);
    }
  CHECK_ERR (st, tong_cpulist_parse ("0-65537", &s, &err), err, "above 65536");
  CHECK_ERR (st, tong_cpulist_parse ("1,3-1", &s, &err), err, "bad element \"3-1\"");
}

static int
affinity_child (void *arg)
{
  struct oci_error err = { 0 };
  cpu_set_t set;

  if (tong_cpu_affinity_apply ("0", 0, &err) < 0)
    return 1;
  if (sched_getaffinity (0, sizeof set, &set) < 0 || CPU_COUNT (&set) != 1 || !CPU_ISSET (0, &set))
    return 2;
  /* Empty: nothing changes. */
  if (tong_cpu_affinity_apply ("", 0, &err) < 0 || tong_cpu_affinity_apply (NULL, 0, &err) < 0)
    return 3;
  return 0;
}

static void
test_cpu_affinity (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_spec_cpu_affinity a = { 0 };

  a.initial = "0-1";
  a.final = "0";
  CHECK_OK (st, tong_cpu_affinity_check (&a, &err), err);
  a.final = "3-1";
  CHECK_ERR (st, tong_cpu_affinity_check (&a, &err), err, "process.execCPUAffinity.final: \"3-1\"");
  a.initial = ",";
  CHECK_ERR (st, tong_cpu_affinity_check (&a, &err), err, "process.execCPUAffinity.initial: \",\": no members");
  CHECK_OK (st, tong_cpu_affinity_check (NULL, &err), err);
  CHECK_INT (st, in_child (affinity_child, NULL), 0);
}

/* ---- rlimits and the other process attributes -------------------------- */

static void
test_rlimit_names (struct unit_state *st)
{
  static const struct {
    const char *name;
    int res;
  } v[] = {
    { "RLIMIT_AS", RLIMIT_AS },         { "RLIMIT_CORE", RLIMIT_CORE },         { "RLIMIT_CPU", RLIMIT_CPU },
    { "RLIMIT_DATA", RLIMIT_DATA },     { "RLIMIT_FSIZE", RLIMIT_FSIZE },       { "RLIMIT_LOCKS", RLIMIT_LOCKS },
    { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
    { "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC },       { "RLIMIT_RSS", RLIMIT_RSS },
    { "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },     { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
    { "RLIMIT_STACK", RLIMIT_STACK },   { "RLIMIT_FOO", -1 },                   { "RLIMIT_OFILE", -1 },
    { "rlimit_nofile", -1 },            { "", -1 },
  };
  struct oci_error err = { 0 };
  struct oci_spec *spec;
  size_t i;

  for (i = 0; i < sizeof v / sizeof v[0]; i++)
    CHECK_INT (st, tong_rlimit_resource (v[i].name), v[i].res);
  CHECK_INT (st, tong_rlimit_resource (NULL), -1);

  spec = parse_spec (st, "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"rlimits\":["
                         "{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024},"
                         "{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":0},"
                         "{\"type\":\"RLIMIT_FOO\",\"hard\":1,\"soft\":1}]}}");
  if (spec)
    {
      CHECK_ERR (st, tong_rlimits_check (spec->process, &err), err,
                 "process.rlimits[2].type: unknown rlimit \"RLIMIT_FOO\"");
      CHECK_ERR (st, tong_process_attrs_check (spec->process, NULL, &err), err, "process.rlimits[2].type");
      spec->process->rlimits_len = 2;
      CHECK_OK (st, tong_rlimits_check (spec->process, &err), err);
      spec->process->rlimits_len = 3;
      oci_spec_free (spec);
    }
  spec = parse_spec (st, "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"rlimits\":["
                         "{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":2048}]}}");
  if (spec)
    {
      CHECK_ERR (st, tong_rlimits_check (spec->process, &err), err,
                 "process.rlimits[0]: soft limit 2048 of RLIMIT_NOFILE is above its hard limit 1024");
      oci_spec_free (spec);
    }
}

/* Drops CAP_SYS_RESOURCE from the effective set, as an unprivileged
 * runtime (or this machine's root) would be. */
static int
drop_sys_resource (void)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];

  memset (data, 0, sizeof data);
  if (capget (&hdr, data) < 0)
    return -1;
  data[CAP_SYS_RESOURCE / 32].effective &= ~(1u << (CAP_SYS_RESOURCE % 32));
  return capset (&hdr, data);
}

static int
rlimits_child (void *arg)
{
  struct oci_spec_process *p = arg;
  struct oci_error err = { 0 };
  struct rlimit rl;

  p->rlimits[0].soft = 100;
  p->rlimits[0].hard = 200;
  if (tong_rlimits_apply (p, 0, &err) < 0)
    return 1;
  if (getrlimit (RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur != 100 || rl.rlim_max != 200)
    return 2;
  if (drop_sys_resource () < 0)
    return 3;
  p->rlimits[0].hard = 300;
  if (tong_rlimits_apply (p, 0, &err) >= 0 || err.errnum != EPERM)
    return 4;
  if (!strstr (err.msg, "process.rlimits[0]: setrlimit RLIMIT_NOFILE to soft=100 hard=300: Operation not permitted "
                        "(raising a hard limit needs CAP_SYS_RESOURCE)"))
    return 5;
  return 0;
}

static void
test_rlimits_apply (struct unit_state *st)
{
  struct oci_spec *spec = parse_spec (st, "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"rlimits\":["
                                          "{\"type\":\"RLIMIT_NOFILE\",\"hard\":200,\"soft\":100}]}}");
  if (!spec)
    return;
  CHECK_INT (st, in_child (rlimits_child, spec->process), 0);
  oci_spec_free (spec);
}

static int
read_int_file (const char *path)
{
  char buf[32] = "";
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return INT_MIN;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  return n > 0 ? atoi (buf) : INT_MIN;
}

static int
oom_child (void *arg)
{
  struct oci_spec_process *p = arg;
  struct oci_error err = { 0 };
  cleanup_close int proc = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

  p->oom_score_adj = 500;
  if (tong_oom_score_adj_apply (p, proc, &err) < 0 || read_int_file ("/proc/self/oom_score_adj") != 500)
    return 1;
  p->oom_score_adj = 600;
  if (tong_oom_score_adj_apply (p, -1, &err) < 0 || read_int_file ("/proc/self/oom_score_adj") != 600)
    return 2;
  if (drop_sys_resource () < 0)
    return 3;
  p->oom_score_adj = -500;
  if (tong_oom_score_adj_apply (p, proc, &err) >= 0)
    return 4;
  if (!strstr (err.msg, "process.oomScoreAdj: write -500 to /proc/self/oom_score_adj")
      || !strstr (err.msg, "needs CAP_SYS_RESOURCE"))
    return 5;
  /* A directory that is not procfs is refused. */
  {
    cleanup_close int tmp = open ("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
    p->oom_score_adj = 700;
    if (tong_oom_score_adj_apply (p, tmp, &err) >= 0)
      return 6;
  }
  return 0;
}

/* Child, as root: a procfs file bind-mounted over oom_score_adj (the
 * CVE-2025-52881 redirection) must not receive the write. */
static int
oom_overmount_child (void *arg)
{
  struct oci_spec_process *p = arg;
  struct oci_error err = { 0 };
  char target[64];

  if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return 100;
  snprintf (target, sizeof target, "/proc/%d/oom_score_adj", (int) getpid ());
  if (mount ("/proc/self/comm", target, NULL, MS_BIND, NULL) < 0)
    return 101;
  p->oom_score_adj = 100;
  if (tong_oom_score_adj_apply (p, -1, &err) >= 0)
    return 1;
  if (!strstr (err.msg, "process.oomScoreAdj: open /proc/self/oom_score_adj"))
    return 2;
  return 0;
}

static void
test_oom_score_adj (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_spec_process p = { 0 };

  CHECK_OK (st, tong_oom_score_adj_check (&p, &err), err);
  CHECK_OK (st, tong_oom_score_adj_apply (&p, -1, &err), err);
  p.oom_score_adj_present = true;
  p.oom_score_adj = 1001;
  CHECK_ERR (st, tong_oom_score_adj_check (&p, &err), err, "process.oomScoreAdj: 1001 is out of range [-1000, 1000]");
  p.oom_score_adj = -1001;
  CHECK_ERR (st, tong_oom_score_adj_check (&p, &err), err, "process.oomScoreAdj: -1001");
  p.oom_score_adj = -1000;
  CHECK_OK (st, tong_oom_score_adj_check (&p, &err), err);
  CHECK_INT (st, in_child (oom_child, &p), 0);
  if (geteuid () == 0)
    CHECK_INT (st, in_child (oom_overmount_child, &p), 0);
}

static void
test_scheduler_check (struct unit_state *st)
{
  static const struct {
    const char *json;
    const char *want; /* NULL: valid */
  } v[] = {
    { "\"policy\":\"SCHED_OTHER\",\"nice\":5", NULL },
    { "\"policy\":\"SCHED_BATCH\",\"nice\":-20", NULL },
    { "\"policy\":\"SCHED_IDLE\"", NULL },
    { "\"policy\":\"SCHED_FIFO\",\"priority\":10", NULL },
    { "\"policy\":\"SCHED_RR\",\"priority\":99,\"flags\":[\"SCHED_FLAG_RESET_ON_FORK\"]", NULL },
    { "\"policy\":\"SCHED_DEADLINE\",\"runtime\":10000000,\"deadline\":20000000,\"period\":30000000", NULL },
    { "\"policy\":\"SCHED_DEADLINE\",\"runtime\":10000000,\"deadline\":20000000", NULL },
    { "\"policy\":\"SCHED_OTHER\",\"nice\":20", "process.scheduler.nice: 20 is out of range [-20, 19] for SCHED_OTHER" },
    { "\"policy\":\"SCHED_BATCH\",\"nice\":-21", "process.scheduler.nice: -21" },
    { "\"policy\":\"SCHED_OTHER\",\"priority\":1", "process.scheduler.priority: only SCHED_FIFO and SCHED_RR" },
    { "\"policy\":\"SCHED_FIFO\"", "process.scheduler.priority: SCHED_FIFO needs a priority in [1, 99]" },
    { "\"policy\":\"SCHED_RR\",\"priority\":100", "process.scheduler.priority: SCHED_RR needs" },
    { "\"policy\":\"SCHED_ISO\"", "process.scheduler.policy: SCHED_ISO is not implemented by Linux" },
    { "\"policy\":\"SCHED_OTHER\",\"runtime\":1", "process.scheduler: runtime, deadline and period are only for SCHED_DEADLINE" },
    { "\"policy\":\"SCHED_DEADLINE\",\"deadline\":20000000", "process.scheduler.runtime" },
    { "\"policy\":\"SCHED_DEADLINE\",\"runtime\":100,\"deadline\":20000000", "process.scheduler.runtime" },
    { "\"policy\":\"SCHED_DEADLINE\",\"runtime\":30000000,\"deadline\":20000000", "process.scheduler.deadline" },
    { "\"policy\":\"SCHED_DEADLINE\",\"runtime\":10000000,\"deadline\":20000000,\"period\":15000000", "process.scheduler.period" },
  };
  struct oci_error err = { 0 };
  size_t i;

  for (i = 0; i < sizeof v / sizeof v[0]; i++)
    {
      char json[512];
      struct oci_spec *spec;
      int r;

      snprintf (json, sizeof json, "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"scheduler\":{%s}}}", v[i].json);
      spec = parse_spec (st, json);
      if (!spec)
        continue;
      r = tong_scheduler_check (spec->process->scheduler, &err);
      if (v[i].want)
        CHECK_ERR (st, r, err, v[i].want);
      else if (r < 0)
        unit_fail (st, __FILE__, __LINE__, "%s: %s", v[i].json, err.msg);
      oci_spec_free (spec);
    }
}

static int
attrs_child (void *arg)
{
  struct oci_spec *spec = arg;
  struct oci_error err = { 0 };
  struct utsname u;
  int r;

  if (tong_scheduler_apply (spec->process->scheduler, &err) < 0)
    return 1;
  if (sched_getscheduler (0) != SCHED_BATCH || getpriority (PRIO_PROCESS, 0) != 7)
    return 2;
  if (tong_ioprio_apply (spec->process->io_priority, &err) < 0)
    return 3;
  r = (int) syscall (SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
  if (r != ((3 << IOPRIO_CLASS_SHIFT) | 0))
    return 4;
  if (tong_personality_apply (spec->linux_->personality, &err) < 0)
    return 5;
  if ((personality (0xffffffff) & PER_MASK) != PER_LINUX32 || uname (&u) < 0 || strcmp (u.machine, "i686") != 0)
    return 6;
  if (tong_no_new_privs_apply (spec->process, &err) < 0 || prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
    return 7;
  if (tong_memory_policy_apply (spec->linux_->memory_policy, &err) < 0 && err.errnum != ENOSYS)
    return 8;
  return 0;
}

static void
test_process_attrs_apply (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_spec *spec;

  spec = parse_spec (st, "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"noNewPrivileges\":true,"
                         "\"scheduler\":{\"policy\":\"SCHED_BATCH\",\"nice\":7},"
                         "\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\",\"priority\":0}},"
                         "\"linux\":{\"personality\":{\"domain\":\"LINUX32\"},"
                         "\"memoryPolicy\":{\"mode\":\"MPOL_DEFAULT\"}}}");
  if (!spec)
    return;
  CHECK_OK (st, tong_process_attrs_check (spec->process, spec->linux_, &err), err);
  CHECK_INT (st, in_child (attrs_child, spec), 0);
  oci_spec_free (spec);

  /* Nothing configured: nothing to do. */
  CHECK_OK (st, tong_process_attrs_check (NULL, NULL, &err), err);
  CHECK_OK (st, tong_scheduler_apply (NULL, &err), err);
  CHECK_OK (st, tong_ioprio_apply (NULL, &err), err);
  CHECK_OK (st, tong_personality_apply (NULL, &err), err);
  CHECK_OK (st, tong_memory_policy_apply (NULL, &err), err);
  CHECK_OK (st, tong_no_new_privs_apply (NULL, &err), err);
  CHECK_OK (st, tong_rlimits_apply (NULL, 0, &err), err);
}

static void
test_process_attrs_check (struct unit_state *st)
{
  static const struct {
    const char *process;
    const char *linux_;
    const char *want;
  } v[] = {
    { "\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":8}", "{}", "process.ioPriority.priority: 8 is out of range [0, 7]" },
    { "\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\",\"priority\":-1}", "{}", "process.ioPriority.priority: -1" },
    { "\"oomScoreAdj\":2000", "{}", "process.oomScoreAdj: 2000" },
    { "\"execCPUAffinity\":{\"initial\":\"1-0\"}", "{}", "process.execCPUAffinity.initial" },
    { "\"scheduler\":{\"policy\":\"SCHED_FIFO\"}", "{}", "process.scheduler.priority" },
    { "\"args\":[\"sh\"]", "{\"personality\":{\"domain\":\"LINUX\",\"flags\":[\"ADDR_NO_RANDOMIZE\"]}}",
      "linux.personality.flags: \"ADDR_NO_RANDOMIZE\" is not supported" },
    { "\"args\":[\"sh\"]", "{\"memoryPolicy\":{\"nodes\":\"0\"}}", "linux.memoryPolicy.mode: required" },
    { "\"args\":[\"sh\"]", "{\"memoryPolicy\":{\"mode\":\"MPOL_DEFAULT\",\"nodes\":\"0\"}}",
      "linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes" },
    { "\"args\":[\"sh\"]", "{\"memoryPolicy\":{\"mode\":\"MPOL_LOCAL\",\"nodes\":\"0-1\"}}", "MPOL_LOCAL takes no nodes" },
    { "\"args\":[\"sh\"]", "{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\"}}", "linux.memoryPolicy.nodes: MPOL_BIND needs at least one node" },
    { "\"args\":[\"sh\"]", "{\"memoryPolicy\":{\"mode\":\"MPOL_INTERLEAVE\",\"nodes\":\"\"}}", "MPOL_INTERLEAVE needs at least one node" },
    { "\"args\":[\"sh\"]", "{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_STATIC_NODES\",\"MPOL_F_RELATIVE_NODES\"]}}",
      "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other" },
    { "\"args\":[\"sh\"]", "{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0,,x\"}}", "linux.memoryPolicy.nodes" },
    { "\"args\":[\"sh\"]", "{\"memoryPolicy\":{\"mode\":\"MPOL_PREFERRED\"}}", NULL },
    { "\"args\":[\"sh\"]", "{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0-3\",\"flags\":[\"MPOL_F_STATIC_NODES\"]}}", NULL },
    { "\"args\":[\"sh\"]", "{\"personality\":{\"domain\":\"LINUX\"}}", NULL },
    { "\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\",\"priority\":7},\"oomScoreAdj\":-1000", "{}", NULL },
  };
  struct oci_error err = { 0 };
  size_t i;

  for (i = 0; i < sizeof v / sizeof v[0]; i++)
    {
      char json[1024];
      struct oci_spec *spec;
      int r;

      snprintf (json, sizeof json, "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",%s},\"linux\":%s}",
                v[i].process, v[i].linux_);
      spec = parse_spec (st, json);
      if (!spec)
        continue;
      r = tong_process_attrs_check (spec->process, spec->linux_, &err);
      if (v[i].want)
        CHECK_ERR (st, r, err, v[i].want);
      else if (r < 0)
        unit_fail (st, __FILE__, __LINE__, "case %zu: %s", i, err.msg);
      oci_spec_free (spec);
    }
}

/* ---- seccomp ---------------------------------------------------------- */

/* A classic-BPF interpreter for the instructions seccomp filters use, to
 * run a program against architectures this machine cannot run. */
static bool
bpf_run (const struct sock_filter *p, size_t n, const struct seccomp_data *d, uint32_t *ret)
{
  uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };
  size_t pc = 0, steps = 0;

  while (pc < n && steps++ < 100000)
    {
      const struct sock_filter *f = &p[pc++];
      uint32_t src = BPF_SRC (f->code) == BPF_X ? X : f->k;

      switch (f->code)
        {
        case BPF_LD | BPF_W | BPF_ABS:
          if (f->k % 4 || f->k + 4 > sizeof *d)
            return false;
          memcpy (&A, (const char *) d + f->k, 4);
          break;
        case BPF_LD | BPF_IMM: A = f->k; break;
        case BPF_LDX | BPF_IMM: X = f->k; break;
        case BPF_LD | BPF_MEM: A = M[f->k % BPF_MEMWORDS]; break;
        case BPF_LDX | BPF_MEM: X = M[f->k % BPF_MEMWORDS]; break;
        case BPF_ST: M[f->k % BPF_MEMWORDS] = A; break;
        case BPF_STX: M[f->k % BPF_MEMWORDS] = X; break;
        case BPF_MISC | BPF_TAX: X = A; break;
        case BPF_MISC | BPF_TXA: A = X; break;
        case BPF_ALU | BPF_AND | BPF_K:
        case BPF_ALU | BPF_AND | BPF_X: A &= src; break;
        case BPF_ALU | BPF_OR | BPF_K:
        case BPF_ALU | BPF_OR | BPF_X: A |= src; break;
        case BPF_ALU | BPF_ADD | BPF_K:
        case BPF_ALU | BPF_ADD | BPF_X: A += src; break;
        case BPF_ALU | BPF_SUB | BPF_K:
        case BPF_ALU | BPF_SUB | BPF_X: A -= src; break;
        case BPF_JMP | BPF_JA: pc += f->k; break;
        case BPF_JMP | BPF_JEQ | BPF_K:
        case BPF_JMP | BPF_JEQ | BPF_X: pc += A == src ? f->jt : f->jf; break;
        case BPF_JMP | BPF_JGT | BPF_K:
        case BPF_JMP | BPF_JGT | BPF_X: pc += A > src ? f->jt : f->jf; break;
        case BPF_JMP | BPF_JGE | BPF_K:
        case BPF_JMP | BPF_JGE | BPF_X: pc += A >= src ? f->jt : f->jf; break;
        case BPF_JMP | BPF_JSET | BPF_K:
        case BPF_JMP | BPF_JSET | BPF_X: pc += (A & src) ? f->jt : f->jf; break;
        case BPF_RET | BPF_K: *ret = f->k; return true;
        case BPF_RET | BPF_A: *ret = A; return true;
        default: return false;
        }
    }
  return false;
}

static uint32_t
run_prog (struct unit_state *st, const struct tong_seccomp *s, uint32_t arch, uint32_t nr, uint64_t arg0, uint64_t arg1)
{
  struct seccomp_data d = { 0 };
  uint32_t ret = 0xdeadbeef;

  d.arch = arch;
  d.nr = (int) nr;
  d.args[0] = arg0;
  d.args[1] = arg1;
  if (!bpf_run (s->insns, s->len, &d, &ret))
    unit_fail (st, __FILE__, __LINE__, "the program did not return for arch %#x nr %u", arch, nr);
  return ret;
}

#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | (e))

/* Builds a Docker-like profile: default ERRNO, three x86 architectures, a
 * long allow list (with names of other architectures and kernels), rules
 * with arguments, an explicit errno and a kill. */
static char *
docker_like_profile (const char *extra_top)
{
  static const char *const allow[] = {
    "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset", "chdir", "chmod",
    "chown", "chown32", "clock_getres", "clock_gettime", "clock_nanosleep", "close", "close_range", "connect",
    "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl",
    "epoll_pwait", "epoll_wait", "eventfd", "eventfd2", "execve", "execveat", "exit", "exit_group",
    "faccessat", "faccessat2", "fadvise64", "fallocate", "fchdir", "fchmod", "fchmodat", "fchown", "fchownat",
    "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flock", "fork", "fstat", "fstat64", "fstatfs", "fsync",
    "ftruncate", "futex", "futex_waitv", "getcwd", "getdents", "getdents64", "getegid", "geteuid", "getgid",
    "getgroups", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
    "getrandom", "getresgid", "getresuid", "getrlimit", "get_robust_list", "getrusage", "getsid",
    "getsockname", "getsockopt", "gettid", "gettimeofday", "getuid", "getxattr", "inotify_add_watch",
    "inotify_init1", "ioctl", "kill", "lchown", "link", "linkat", "listen", "lseek", "lstat", "madvise",
    "mkdir", "mmap", "mmap2", "mprotect", "mremap", "munmap", "nanosleep", "newfstatat", "open",
    "openat", "openat2", "pause", "pipe", "pipe2", "poll", "ppoll", "prctl", "pread64", "preadv", "prlimit64",
    "pselect6", "pwrite64", "read", "readlink", "readlinkat", "readv", "recvfrom", "recvmsg", "rename",
    "renameat", "renameat2", "rmdir", "rseq", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
    "sched_getaffinity", "sched_yield", "select", "sendfile", "sendmsg", "sendto", "set_robust_list",
    "set_tid_address", "setgid", "setgroups", "setitimer", "setpgid", "setsid", "setsockopt", "setuid",
    "shutdown", "sigaltstack", "socket", "socketcall", "socketpair", "stat", "stat64", "statfs", "statx",
    "symlink", "symlinkat", "sysinfo", "tgkill", "time", "umask", "uname", "unlink", "unlinkat", "utimensat",
    "vfork", "wait4", "waitid", "write", "writev", "arm_fadvise64_64", "riscv_flush_icache",
    "not_a_syscall_anywhere",
  };
  size_t i, len = 0, cap = 16384;
  char *buf = malloc (cap);

  len += (size_t) snprintf (buf + len, cap - len,
                            "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":{%s\"defaultAction\":\"SCMP_ACT_ERRNO\","
                            "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
                            "\"syscalls\":[{\"names\":[",
                            extra_top);
  for (i = 0; i < sizeof allow / sizeof allow[0]; i++)
    len += (size_t) snprintf (buf + len, cap - len, "%s\"%s\"", i ? "," : "", allow[i]);
  snprintf (buf + len, cap - len,
            "],\"action\":\"SCMP_ACT_ALLOW\"},"
            /* personality(0), personality(0xffffffff): any of them (same index) */
            "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
            "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},"
            "{\"index\":0,\"value\":4294967295,\"op\":\"SCMP_CMP_EQ\"}]},"
            /* clone without namespace flags (masked) */
            "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
            "{\"index\":0,\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
            /* kcmp(pid1 == P1, pid2 == P2): both (different indexes); no
             * process has these pids, so an allowed call fails with ESRCH */
            "{\"names\":[\"kcmp\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
            "{\"index\":0,\"value\":2147483000,\"op\":\"SCMP_CMP_EQ\"},"
            "{\"index\":1,\"value\":2147483001,\"op\":\"SCMP_CMP_EQ\"}]},"
            "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
            "{\"names\":[\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":100},"
            "{\"names\":[\"reboot\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
            "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\"}"
            "]}}}");
  return buf;
}

static struct tong_seccomp *
prepare_text (struct unit_state *st, const char *json, struct oci_error *err, int *ret)
{
  struct oci_spec *spec = parse_spec (st, json);
  struct tong_seccomp *s = NULL;

  *ret = -1;
  if (!spec)
    return NULL;
  *ret = tong_seccomp_prepare (spec->linux_ ? spec->linux_->seccomp : NULL, NULL, &s, err);
  oci_spec_free (spec);
  return s;
}

static int
nr_of (uint32_t arch, const char *name)
{
  return seccomp_syscall_resolve_name_arch (arch, name);
}

static void
test_seccomp_docker_profile (struct unit_state *st)
{
  struct oci_error err = { 0 };
  cleanup_free char *json = docker_like_profile ("");
  struct tong_seccomp *s;
  uint32_t x64 = AUDIT_ARCH_X86_64, i386 = AUDIT_ARCH_I386;
  int r;

  s = prepare_text (st, json, &err, &r);
  CHECK_OK (st, r, err);
  if (!s)
    return;
  CHECK (st, s->len > 20 && s->len <= BPF_MAXINSNS);
  CHECK (st, !s->notify);
  /* No flags in the profile: SPEC_ALLOW where the kernel has it. */
  CHECK_INT (st, s->flags, kernel_has_flag (SECCOMP_FILTER_FLAG_SPEC_ALLOW) ? SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0);

  /* x86_64 */
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "read"), 0, 0), SECCOMP_RET_ALLOW);
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "futex_waitv"), 0, 0), SECCOMP_RET_ALLOW);
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "unshare"), 0, 0), RET_ERRNO (EPERM));
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "futex_waitv") + 1, 0, 0), RET_ERRNO (ENOSYS));
  CHECK_INT (st, run_prog (st, s, x64, 1000, 0, 0), RET_ERRNO (ENOSYS));
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "clone3"), 0, 0), RET_ERRNO (ENOSYS));
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "mkdirat"), 0, 0), RET_ERRNO (100));
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "ptrace"), 0, 0), RET_ERRNO (EPERM));
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "reboot"), 0, 0), SECCOMP_RET_KILL_PROCESS);
  /* Same index twice: either value; different indexes: both. */
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "personality"), 0, 0), SECCOMP_RET_ALLOW);
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "personality"), 0xffffffff, 0), SECCOMP_RET_ALLOW);
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "personality"), 8, 0), RET_ERRNO (EPERM));
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "kcmp"), 2147483000, 2147483001), SECCOMP_RET_ALLOW);
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "kcmp"), 2147483000, 8), RET_ERRNO (EPERM));
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "kcmp"), 6, 2147483001), RET_ERRNO (EPERM));
  /* MASKED_EQ: value is the mask, valueTwo the result. */
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "clone"), 0x11, 0), SECCOMP_RET_ALLOW);
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X86_64, "clone"), 0x10000000, 0), RET_ERRNO (EPERM));

  /* x32: same audit architecture, numbers with bit 30 */
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X32, "read"), 0, 0), SECCOMP_RET_ALLOW);
  CHECK_INT (st, run_prog (st, s, x64, nr_of (SCMP_ARCH_X32, "unshare"), 0, 0), RET_ERRNO (EPERM));
  CHECK_INT (st, run_prog (st, s, x64, X32_SYSCALL_BIT + 1000, 0, 0), RET_ERRNO (ENOSYS));

  /* i386 */
  CHECK_INT (st, run_prog (st, s, i386, nr_of (SCMP_ARCH_X86, "read"), 0, 0), SECCOMP_RET_ALLOW);
  CHECK_INT (st, run_prog (st, s, i386, nr_of (SCMP_ARCH_X86, "unshare"), 0, 0), RET_ERRNO (EPERM));
  CHECK_INT (st, run_prog (st, s, i386, 1000, 0, 0), RET_ERRNO (ENOSYS));

  /* An architecture the profile does not list: libseccomp's bad-arch
   * action, never ENOSYS. */
  CHECK (st, run_prog (st, s, AUDIT_ARCH_AARCH64, 1000, 0, 0) == SECCOMP_RET_KILL_THREAD);
  tong_seccomp_free (s);
}

static void
test_seccomp_stub_variants (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct tong_seccomp *s;
  int r;

  /* An allowing default: no stub, the kernel's own ENOSYS. */
  s = prepare_text (st,
                    "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                    "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}}}",
                    &err, &r);
  CHECK_OK (st, r, err);
  if (s)
    {
      CHECK_INT (st, run_prog (st, s, AUDIT_ARCH_X86_64, 1000, 0, 0), SECCOMP_RET_ALLOW);
      CHECK_INT (st, run_prog (st, s, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, "mkdir"), 0, 0), RET_ERRNO (EPERM));
      tong_seccomp_free (s);
    }

  /* No architectures listed: the native one is implied; x32 numbers are
   * not this profile's and never get ENOSYS from the stub. */
  s = prepare_text (st,
                    "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_KILL\","
                    "\"syscalls\":[{\"names\":[\"read\",\"write\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"}]}}}",
                    &err, &r);
  CHECK_OK (st, r, err);
  if (s)
    {
      CHECK_INT (st, run_prog (st, s, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, "exit_group"), 0, 0), SECCOMP_RET_ALLOW);
      CHECK_INT (st, run_prog (st, s, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, "exit_group") + 1, 0, 0), RET_ERRNO (ENOSYS));
      CHECK_INT (st, run_prog (st, s, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, "close"), 0, 0), SECCOMP_RET_KILL_THREAD);
      CHECK (st, run_prog (st, s, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT + 1000, 0, 0) != RET_ERRNO (ENOSYS));
      tong_seccomp_free (s);
    }

  /* Default ERRNO(ENOSYS): the stub would add nothing. */
  s = prepare_text (st,
                    "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
                    "\"defaultErrnoRet\":38,\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}}}",
                    &err, &r);
  CHECK_OK (st, r, err);
  if (s)
    {
      CHECK_INT (st, run_prog (st, s, AUDIT_ARCH_X86_64, 1000, 0, 0), RET_ERRNO (ENOSYS));
      CHECK_INT (st, run_prog (st, s, AUDIT_ARCH_X86_64, 1, 0, 0), RET_ERRNO (ENOSYS));
      tong_seccomp_free (s);
    }

  /* The stub itself for an s390x profile (a foreign architecture is fine
   * for generate_stub): setup(2), number 0, is ENOSYS too. */
  {
    struct arch_max a[2] = { { AUDIT_ARCH_S390X, 400, 0, true }, { AUDIT_ARCH_X86_64, 0, X32_SYSCALL_BIT + 500, false } };
    struct tong_seccomp t = { 0 };
    struct sock_filter tail = BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_filter *stub = NULL, *all;
    size_t n = 0;

    CHECK_INT (st, generate_stub (a, 2, &stub, &n), 0);
    all = calloc (n + 1, sizeof *all);
    if (stub && all)
      {
        memcpy (all, stub, n * sizeof *stub);
        all[n] = tail;
        t.insns = all;
        t.len = n + 1;
        CHECK_INT (st, run_prog (st, &t, AUDIT_ARCH_S390X, 0, 0, 0), RET_ERRNO (ENOSYS));
        CHECK_INT (st, run_prog (st, &t, AUDIT_ARCH_S390X, 400, 0, 0), SECCOMP_RET_ALLOW);
        CHECK_INT (st, run_prog (st, &t, AUDIT_ARCH_S390X, 401, 0, 0), RET_ERRNO (ENOSYS));
        /* x86_64 with only x32 in the profile: plain x86_64 numbers pass. */
        CHECK_INT (st, run_prog (st, &t, AUDIT_ARCH_X86_64, 1000, 0, 0), SECCOMP_RET_ALLOW);
        CHECK_INT (st, run_prog (st, &t, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT + 500, 0, 0), SECCOMP_RET_ALLOW);
        CHECK_INT (st, run_prog (st, &t, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT + 501, 0, 0), RET_ERRNO (ENOSYS));
        CHECK_INT (st, run_prog (st, &t, AUDIT_ARCH_I386, 1000, 0, 0), SECCOMP_RET_ALLOW);
      }
    free (all);
    free (stub);
    CHECK_INT (st, generate_stub (a, 0, &stub, &n), 0);
    CHECK (st, stub == NULL && n == 0);
  }
}

/* Loads the profile in a child with no_new_privs and checks what syscalls
 * really return, as runc's seccomp_syscall_test1 does. */
static int
seccomp_load_child (void *arg)
{
  struct tong_seccomp *s = arg;
  struct oci_error err = { 0 };
  int fails = 0, fd = 123;

#define EXPECT(bit, call, want_errno)                       \
  do {                                                      \
    errno = 0;                                              \
    long r_ = (call);                                       \
    if ((want_errno) ? (r_ >= 0 || errno != (want_errno)) : r_ < 0) \
      fails |= (bit);                                       \
  } while (0)

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return 200;
  if (tong_seccomp_load (s, &fd, &err) < 0)
    return 201;
  if (fd != -1)
    return 202;
  EXPECT (1, syscall (SYS_getppid), 0);
  EXPECT (2, syscall (SYS_unshare, 0), EPERM);
  EXPECT (4, syscall (1000, 0xdeadbeef, 0xcafefeed, 0x1337), ENOSYS);
  EXPECT (8, syscall (SYS_clone3, NULL, 0), ENOSYS);
  EXPECT (16, syscall (SYS_mkdirat, AT_FDCWD, "/nonexistent/x", 0700), 100);
  EXPECT (32, syscall (SYS_kcmp, 2147483000, 2147483001, 0, 0, 0), ESRCH);
  EXPECT (64, syscall (SYS_kcmp, 2147483000, 8, 0, 0, 0), EPERM);
  EXPECT (128, syscall (SYS_personality, 0xffffffffUL), 0);
  EXPECT (256, syscall (SYS_personality, 8UL), EPERM);
  EXPECT (512, syscall (SYS_ptrace, 0, 0, 0, 0), EPERM);
  return fails;
#undef EXPECT
}

static void
test_seccomp_load (struct unit_state *st)
{
  struct oci_error err = { 0 };
  cleanup_free char *json = docker_like_profile ("");
  struct tong_seccomp *s;
  int r, fd = 5;

  s = prepare_text (st, json, &err, &r);
  CHECK_OK (st, r, err);
  if (!s)
    return;
  CHECK_INT (st, in_child (seccomp_load_child, s), 0);
  tong_seccomp_free (s);

  CHECK_OK (st, tong_seccomp_load (NULL, &fd, &err), err);
  CHECK_INT (st, fd, -1);
}

static int
seccomp_notify_child (void *arg)
{
  struct tong_seccomp *s = arg;
  struct oci_error err = { 0 };
  int fd = -1;

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return 200;
  if (tong_seccomp_load (s, &fd, &err) < 0)
    return 201;
  if (fd < 0)
    return 1;
  if (!(fcntl (fd, F_GETFD) & FD_CLOEXEC))
    return 2;
  return 0;
}

static void
test_seccomp_notify (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct tong_seccomp *s;
  int r;

  s = prepare_text (st,
                    "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                    "\"listenerPath\":\"/run/agent.sock\",\"listenerMetadata\":\"bar\","
                    "\"flags\":[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
                    "\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}}}",
                    &err, &r);
  CHECK_OK (st, r, err);
  if (!s)
    return;
  CHECK (st, tong_seccomp_uses_notify (s));
  /* runc's debug line for this profile says "seccomp filter flags: 40". */
  CHECK_INT (st, tong_seccomp_filter_flags (s), 40);
  CHECK_INT (st, run_prog (st, s, AUDIT_ARCH_X86_64, nr_of (SCMP_ARCH_X86_64, "mkdir"), 0, 0), SECCOMP_RET_USER_NOTIF);
  CHECK_INT (st, in_child (seccomp_notify_child, s), 0);
  tong_seccomp_free (s);

  /* listenerPath without a NOTIFY rule is ignored; WAIT_KILLABLE_RECV and
   * TSYNC have nothing to do then. */
  s = prepare_text (st,
                    "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                    "\"listenerPath\":\"/run/agent.sock\",\"listenerMetadata\":\"bar\","
                    "\"flags\":[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\",\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\"]}}}",
                    &err, &r);
  CHECK_OK (st, r, err);
  if (s)
    {
      CHECK (st, !tong_seccomp_uses_notify (s));
      CHECK_INT (st, tong_seccomp_filter_flags (s), SECCOMP_FILTER_FLAG_LOG);
      tong_seccomp_free (s);
    }

  /* An explicit empty list: no flag at all, not even the default. */
  s = prepare_text (st,
                    "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[]}}}",
                    &err, &r);
  CHECK_OK (st, r, err);
  if (s)
    {
      CHECK_INT (st, tong_seccomp_filter_flags (s), 0);
      tong_seccomp_free (s);
    }
}

static void
test_seccomp_bad_profiles (struct unit_state *st)
{
  static const struct {
    const char *seccomp;
    const char *want;
  } v[] = {
    { "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]",
      "linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY" },
    { "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]",
      "linux.seccomp.listenerPath: required" },
    { "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerMetadata\":\"bar\"",
      "linux.seccomp.listenerMetadata: set without linux.seccomp.listenerPath" },
    { "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/a\",\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_NOTIFY\"}]",
      "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for the write syscall" },
    { "\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/a\"",
      "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used as default action" },
    { "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":5",
      "linux.seccomp.defaultErrnoRet: SCMP_ACT_ALLOW takes no errno return value" },
    { "\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":70000",
      "linux.seccomp.defaultErrnoRet: 70000 is out of range [0, 65535]" },
    { "\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
      "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":1}]",
      "linux.seccomp.syscalls[1].errnoRet: SCMP_ACT_KILL takes no errno return value" },
    { "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
      "\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]",
      "linux.seccomp.syscalls[0].args[0].index: 6 is out of range [0, 5]" },
    { "\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_LOONGARCH64\"]",
      "linux.seccomp.architectures[1]: SCMP_ARCH_LOONGARCH64 is not supported by libseccomp" },
  };
  struct oci_error err = { 0 };
  size_t i;

  for (i = 0; i < sizeof v / sizeof v[0]; i++)
    {
      char json[1024];
      struct tong_seccomp *s;
      int r;

      snprintf (json, sizeof json, "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":{%s}}}", v[i].seccomp);
      s = prepare_text (st, json, &err, &r);
      CHECK_ERR (st, r, err, v[i].want);
      CHECK (st, s == NULL);
      tong_seccomp_free (s);
    }

  /* What the parser already refuses cannot reach prepare; a hand-made
   * struct can. */
  {
    char *flags[] = { "SECCOMP_FILTER_FLAG_BOGUS", NULL };
    struct oci_spec_seccomp sc = { 0 };
    struct tong_seccomp *s = NULL;

    sc.default_action = "SCMP_ACT_ALLOW";
    sc.flags = flags;
    sc.flags_len = 1;
    CHECK_ERR (st, tong_seccomp_prepare (&sc, NULL, &s, &err), err, "linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"");
    sc.flags = NULL;
    sc.flags_len = 0;
    sc.default_action = "SCMP_ACT_FOO";
    CHECK_ERR (st, tong_seccomp_prepare (&sc, NULL, &s, &err), err, "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_FOO\"");
    CHECK (st, s == NULL);
  }
  /* A flag this kernel does not have is refused: probe an undefined bit. */
  CHECK (st, !kernel_has_flag (1u << 30));
  CHECK (st, kernel_has_flag (SECCOMP_FILTER_FLAG_TSYNC));

  /* No seccomp section: nothing to do. */
  {
    struct tong_seccomp *s = (struct tong_seccomp *) &err;
    CHECK_OK (st, tong_seccomp_prepare (NULL, NULL, &s, &err), err);
    CHECK (st, s == NULL);
  }
}

/* Entries of a cache directory (dot files, temporary ones, aside);
 * with remove, unlinked as they are counted. */
static size_t
cache_entries (const char *dir, bool remove)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  size_t n = 0;

  while (d && (de = readdir (d)))
    if (de->d_name[0] != '.')
      {
        n++;
        if (remove)
          unlinkat (dirfd (d), de->d_name, 0);
      }
  if (d)
    closedir (d);
  return n;
}

/* The cache's key covers every field that shapes the program; an entry
 * round-trips; a damaged, short or foreign entry is a miss. */
static void
test_seccomp_cache (struct unit_state *st)
{
  char *names[] = { "mkdir", "mkdirat" }, *names2[] = { "mkdir", "rmdir" }, *archs[] = { "SCMP_ARCH_X86_64" };
  struct oci_spec_syscall_arg arg = { .index = 1, .value = 2, .op = "SCMP_CMP_EQ" };
  struct oci_spec_syscall rule = { .names = names, .names_len = 2, .action = "SCMP_ACT_ERRNO",
                                   .errno_ret = 18, .errno_ret_present = true };
  struct oci_spec_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .architectures = archs,
                                 .architectures_len = 1, .syscalls = &rule, .syscalls_len = 1 };
  struct sock_filter prog[3] = { { 0x20, 0, 0, 4 }, { 0x15, 0, 1, 0xc000003e }, { 0x06, 0, 0, 0x7fff0000 } };
  struct sock_filter *got = NULL;
  char dir[] = "/tmp/tong-unit-seccomp-cache.XXXXXX", sub[128], path[256];
  char *base = NULL, *key = NULL;
  size_t base_len = 0, key_len = 0, got_len = 0;

  CHECK_INT (st, tong_seccomp_cache_key (&sc, &base, &base_len), 0);
  CHECK_INT (st, tong_seccomp_cache_key (&sc, &key, &key_len), 0);
  CHECK (st, base_len == key_len && memcmp (base, key, key_len) == 0);
  free (key);

  /* Each change makes another key. */
#define KEY_DIFFERS(stmt_do, stmt_undo)                                               \
  do                                                                                  \
    {                                                                                 \
      stmt_do;                                                                        \
      CHECK_INT (st, tong_seccomp_cache_key (&sc, &key, &key_len), 0);                \
      CHECK (st, key_len != base_len || memcmp (key, base, key_len) != 0);            \
      free (key);                                                                     \
      stmt_undo;                                                                      \
    }                                                                                 \
  while (0)
  KEY_DIFFERS (sc.default_action = "SCMP_ACT_LOG", sc.default_action = "SCMP_ACT_ALLOW");
  KEY_DIFFERS (sc.architectures_len = 0, sc.architectures_len = 1);
  KEY_DIFFERS (rule.names = names2, rule.names = names);
  KEY_DIFFERS (rule.names_len = 1, rule.names_len = 2);
  KEY_DIFFERS (rule.action = "SCMP_ACT_KILL", rule.action = "SCMP_ACT_ERRNO");
  KEY_DIFFERS (rule.errno_ret = 13, rule.errno_ret = 18);
  KEY_DIFFERS (rule.errno_ret_present = false, rule.errno_ret_present = true);
  KEY_DIFFERS ((rule.args = &arg, rule.args_len = 1), (rule.args = NULL, rule.args_len = 0));
  rule.args = &arg;
  rule.args_len = 1;
  CHECK_INT (st, tong_seccomp_cache_key (&sc, &key, &key_len), 0);
  free (base);
  base = key;
  base_len = key_len;
  KEY_DIFFERS (arg.value = 3, arg.value = 2);
  KEY_DIFFERS (arg.value_two_present = true, arg.value_two_present = false);
  KEY_DIFFERS (arg.op = "SCMP_CMP_NE", arg.op = "SCMP_CMP_EQ");
  KEY_DIFFERS (arg.index = 0, arg.index = 1);
  /* Moving a name from one list to the next is another profile. */
  {
    char *a[] = { "ab" }, *b[] = { "a", "b" };
    struct oci_spec_syscall r1 = { .names = a, .names_len = 1, .action = "SCMP_ACT_ALLOW" };
    struct oci_spec_syscall r2 = { .names = b, .names_len = 2, .action = "SCMP_ACT_ALLOW" };
    struct oci_spec_seccomp s1 = { .default_action = "SCMP_ACT_ALLOW", .syscalls = &r1, .syscalls_len = 1 };
    struct oci_spec_seccomp s2 = { .default_action = "SCMP_ACT_ALLOW", .syscalls = &r2, .syscalls_len = 1 };
    char *k1 = NULL, *k2 = NULL;
    size_t l1 = 0, l2 = 0;
    CHECK_INT (st, tong_seccomp_cache_key (&s1, &k1, &l1), 0);
    CHECK_INT (st, tong_seccomp_cache_key (&s2, &k2, &l2), 0);
    CHECK (st, l1 != l2 || memcmp (k1, k2, l1) != 0);
    free (k1);
    free (k2);
  }
#undef KEY_DIFFERS

  if (!mkdtemp (dir))
    {
      CHECK (st, !"mkdtemp");
      free (base);
      return;
    }
  snprintf (sub, sizeof sub, "%s/@cache/seccomp", dir);
  /* Nothing yet: a miss, not an error. */
  CHECK_INT (st, tong_seccomp_cache_get (sub, base, base_len, &got, &got_len), 0);
  CHECK_INT (st, tong_seccomp_cache_put (sub, base, base_len, prog, 3), 0);
  CHECK_INT (st, tong_seccomp_cache_get (sub, base, base_len, &got, &got_len), 1);
  CHECK (st, got_len == 3 && got && memcmp (got, prog, sizeof prog) == 0);
  free (got);
  got = NULL;

  /* The entry's one file: damage it byte by byte, each time a miss. */
  {
    DIR *d = opendir (sub);
    struct dirent *de;
    path[0] = '\0';
    while (d && (de = readdir (d)))
      if (de->d_name[0] != '.')
        snprintf (path, sizeof path, "%s/%s", sub, de->d_name);
    if (d)
      closedir (d);
  }
  CHECK (st, path[0] != '\0');
  {
    struct stat sb;
    int fd = open (path, O_RDWR);
    CHECK (st, fd >= 0 && fstat (fd, &sb) == 0);
    for (off_t off = 0; fd >= 0 && off < sb.st_size; off += 7)
      {
        unsigned char c, x;
        CHECK (st, pread (fd, &c, 1, off) == 1);
        x = c ^ 0x5a;
        CHECK (st, pwrite (fd, &x, 1, off) == 1);
        CHECK_INT (st, tong_seccomp_cache_get (sub, base, base_len, &got, &got_len), 0);
        CHECK (st, pwrite (fd, &c, 1, off) == 1);
      }
    CHECK_INT (st, tong_seccomp_cache_get (sub, base, base_len, &got, &got_len), 1);
    free (got);
    got = NULL;
    /* Short. */
    CHECK (st, fd >= 0 && ftruncate (fd, sb.st_size - 1) == 0);
    CHECK_INT (st, tong_seccomp_cache_get (sub, base, base_len, &got, &got_len), 0);
    if (fd >= 0)
      close (fd);
  }
  /* Another key under this key's name (as a hash collision would put it). */
  {
    char other_key[] = "another key";
    char name[17];
    CHECK_INT (st, tong_seccomp_cache_put (sub, other_key, sizeof other_key, prog, 3), 0);
    entry_name (other_key, sizeof other_key, name);
    char other[300];
    snprintf (other, sizeof other, "%s/%s", sub, name);
    CHECK (st, rename (other, path) == 0);
    CHECK_INT (st, tong_seccomp_cache_get (sub, base, base_len, &got, &got_len), 0);
  }
  unlink (path);

  /* Bounded: the 257th entry finds 256 and starts the directory over. */
  {
    char k[32];
    for (int i = 0; i <= 256; i++)
      {
        if (i == 256)
          CHECK (st, cache_entries (sub, false) == 256);
        snprintf (k, sizeof k, "key %d", i);
        CHECK_INT (st, tong_seccomp_cache_put (sub, k, strlen (k), prog, 3), 0);
      }
    CHECK_INT (st, tong_seccomp_cache_get (sub, "key 0", 5, &got, &got_len), 0);
    CHECK_INT (st, tong_seccomp_cache_get (sub, "key 256", 7, &got, &got_len), 1);
    free (got);
    got = NULL;
    CHECK (st, cache_entries (sub, true) == 1);
  }
  rmdir (sub);
  snprintf (path, sizeof path, "%s/@cache", dir);
  rmdir (path);
  rmdir (dir);
  free (base);
}

static void
test_seccomp_listener (struct unit_state *st)
{
  struct oci_error err = { 0 };
  cleanup_free char *state = NULL;
  char dir[] = "/tmp/tong-test-XXXXXX", path[128], abstract[64], buf[4096];
  int listen_fd = -1, conn = -1, pipefd[2] = { -1, -1 }, got_fd = -1, round;
  struct oci_json *j = NULL;
  size_t len = 0;

  CHECK_OK (st, tong_seccomp_process_state (4422, "MKNOD=/dev/null", "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\","
                                            "\"status\":\"creating\",\"pid\":4422,\"bundle\":\"/b\"}",
                                            &state, &len, &err),
            err);
  CHECK (st, state && len == strlen (state));
  if (state && oci_json_parse (state, len, &j, &err) == 0)
    {
      struct oci_json *fds = oci_json_get (j, "fds"), *inner = oci_json_get (j, "state");
      CHECK_STR (st, oci_json_get (j, "ociVersion")->u.string.str, OCI_RUNTIME_SPEC_VERSION);
      CHECK (st, fds && fds->type == OCI_JSON_ARRAY && fds->u.array.len == 1);
      if (fds && fds->u.array.len == 1)
        CHECK_STR (st, fds->u.array.items[0]->u.string.str, "seccompFd");
      CHECK_STR (st, oci_json_get (j, "pid")->u.number, "4422");
      CHECK_STR (st, oci_json_get (j, "metadata")->u.string.str, "MKNOD=/dev/null");
      CHECK (st, inner && inner->type == OCI_JSON_OBJECT);
      if (inner)
        CHECK_STR (st, oci_json_get (inner, "id")->u.string.str, "c1");
      oci_json_free (j);
    }
  {
    cleanup_free char *no_meta = NULL;
    CHECK_OK (st, tong_seccomp_process_state (1, NULL, "{}", &no_meta, NULL, &err), err);
    CHECK (st, no_meta && !strstr (no_meta, "metadata"));
  }
  CHECK_ERR (st, tong_seccomp_process_state (1, NULL, "{not json", &state, NULL, &err), err,
             "container state for the seccomp agent");

  if (!mkdtemp (dir) || pipe2 (pipefd, O_CLOEXEC) < 0)
    {
      unit_fail (st, __FILE__, __LINE__, "setup: %s", strerror (errno));
      return;
    }
  snprintf (path, sizeof path, "%s/agent.sock", dir);
  snprintf (abstract, sizeof abstract, "@tong-test-agent-%d", (int) getpid ());

  for (round = 0; round < 2; round++)
    {
      const char *where = round == 0 ? path : abstract;
      struct sockaddr_un addr = { .sun_family = AF_UNIX };
      socklen_t addr_len;
      union {
        struct cmsghdr h;
        char b[CMSG_SPACE (sizeof (int))];
      } control;
      struct iovec iov = { buf, sizeof buf - 1 };
      struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.b, .msg_controllen = sizeof control.b };
      struct cmsghdr *c;
      struct stat a, b;
      ssize_t n;

      memcpy (addr.sun_path, where, strlen (where));
      if (round == 1)
        addr.sun_path[0] = '\0';
      addr_len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + strlen (where) + (round == 0));
      listen_fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (listen_fd < 0 || bind (listen_fd, (struct sockaddr *) &addr, addr_len) < 0 || listen (listen_fd, 1) < 0)
        {
          unit_fail (st, __FILE__, __LINE__, "listen on %s: %s", where, strerror (errno));
          break;
        }
      /* The backlog takes the connection: no thread needed. */
      CHECK_OK (st, tong_seccomp_send_listener (where, pipefd[0], state, &err), err);
      conn = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC);
      CHECK (st, conn >= 0);
      n = conn >= 0 ? recvmsg (conn, &msg, MSG_CMSG_CLOEXEC) : -1;
      CHECK (st, n == (ssize_t) strlen (state));
      if (n > 0)
        {
          buf[n] = '\0';
          CHECK_STR (st, buf, state);
        }
      c = n > 0 ? CMSG_FIRSTHDR (&msg) : NULL;
      CHECK (st, c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS);
      if (c)
        {
          memcpy (&got_fd, CMSG_DATA (c), sizeof got_fd);
          CHECK (st, fstat (got_fd, &a) == 0 && fstat (pipefd[0], &b) == 0 && a.st_ino == b.st_ino);
          close (got_fd);
        }
      /* One state per connection: the runtime has closed its end. */
      if (conn >= 0)
        CHECK_INT (st, read (conn, buf, sizeof buf), 0);
      if (conn >= 0)
        close (conn);
      close (listen_fd);
      listen_fd = -1;
    }
  unlink (path);
  rmdir (dir);
  close (pipefd[0]);
  close (pipefd[1]);

  CHECK_ERR (st, tong_seccomp_send_listener (path, 0, "{}", &err), err,
             "linux.seccomp.listenerPath: failed to connect with seccomp agent at");
  CHECK_ERR (st, tong_seccomp_send_listener ("@tong-nobody-listens-here", 0, "{}", &err), err,
             "failed to connect with seccomp agent");
  CHECK_ERR (st, tong_seccomp_send_listener ("", 0, "{}", &err), err, "linux.seccomp.listenerPath: required");
}

static void
test_seccomp_features (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_features_seccomp *f = NULL;
  size_t i;
  bool x86_64 = false, loong = false;

  CHECK_OK (st, tong_seccomp_features (&f, &err), err);
  if (!f)
    return;
  CHECK (st, f->enabled && f->enabled_present);
  CHECK_INT (st, f->operators_len, 7);
  CHECK_INT (st, f->known_flags_len, 4);
  CHECK (st, f->supported_flags_len <= 4 && f->supported_flags_len >= 1);
  CHECK (st, f->actions_len >= 7 && f->actions_len <= 9);
  CHECK_STR (st, f->actions[0], "SCMP_ACT_KILL");
  CHECK (st, f->actions[f->actions_len] == NULL && f->archs[f->archs_len] == NULL);
  for (i = 0; i < f->archs_len; i++)
    {
      x86_64 = x86_64 || strcmp (f->archs[i], "SCMP_ARCH_X86_64") == 0;
      loong = loong || strcmp (f->archs[i], "SCMP_ARCH_LOONGARCH64") == 0;
    }
  CHECK (st, x86_64);
  /* libseccomp 2.5 predates LoongArch. */
  CHECK (st, loong == (arch_token ("SCMP_ARCH_LOONGARCH64") != 0));
  features_free (f);
}

int
main (void)
{
  struct unit_totals totals = { 0 };

  RUN (test_signal_parse);
  RUN (test_signal_names);
  RUN (test_mount_opts_flags);
  RUN (test_mount_opts_propagation);
  RUN (test_mount_opts_recursive);
  RUN (test_mount_opts_extensions);
  RUN (test_mount_opts_known);
  RUN (test_caps_from_spec);
  RUN (test_caps_unknown);
  RUN (test_caps_kernel_unknown);
  RUN (test_caps_names);
  RUN (test_caps_apply);
  RUN (test_cpulist);
  RUN (test_cpu_affinity);
  RUN (test_rlimit_names);
  RUN (test_rlimits_apply);
  RUN (test_oom_score_adj);
  RUN (test_scheduler_check);
  RUN (test_process_attrs_check);
  RUN (test_process_attrs_apply);
  RUN (test_seccomp_docker_profile);
  RUN (test_seccomp_stub_variants);
  RUN (test_seccomp_load);
  RUN (test_seccomp_notify);
  RUN (test_seccomp_bad_profiles);
  RUN (test_seccomp_cache);
  RUN (test_seccomp_listener);
  RUN (test_seccomp_features);
  return unit_done (&totals);
}
