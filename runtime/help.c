/* `tong -h` and `tong COMMAND -h`: help in the layout runc's users (and
 * scripts that grep it) know — NAME, USAGE, OPTIONS — under the name the
 * binary was invoked by, so a tong installed as `runc` says `runc`. */
#include <stdio.h>
#include <string.h>

#include "runtime.h"

struct command_help {
  const char *name;
  const char *summary;
  const char *args;    /* after "PROG NAME [command options] " */
  const char *options; /* one option a line, already indented */
};

static const struct command_help helps[] = {
  { "checkpoint", "checkpoint a running container (needs CRIU: not supported by this build)", "<container-id>",
    "" },
  { "create", "create a container", "<container-id>",
    "   --bundle value, -b value  path to the bundle (default: the current directory)\n"
    "   --console-socket value    AF_UNIX socket that receives the pty master (process.terminal)\n"
    "   --pid-file value          write the init's pid to this file\n"
    "   --no-pivot                chroot instead of pivot_root (rootfs on a ramdisk)\n"
    "   --no-new-keyring          keep the caller's session keyring\n"
    "   --preserve-fds value      pass this many fds above 2 to the container (default: 0)\n" },
  { "delete", "delete any resources held by the container", "<container-id>",
    "   --force, -f  kill the container first when it still runs\n" },
  { "events", "print resource usage statistics and OOM events of a container", "<container-id>",
    "   --interval value  time between statistics (default: 5s)\n"
    "   --stats           print the statistics once and exit\n" },
  { "exec", "execute a new process inside a container", "<container-id> <command> [command options]",
    "   --console-socket value    AF_UNIX socket that receives the pty master\n"
    "   --cwd value               working directory in the container\n"
    "   --env value, -e value     set an environment variable (repeatable)\n"
    "   --tty, -t                 allocate a pseudo-terminal\n"
    "   --user value, -u value    UID[:GID]\n"
    "   --additional-gids value, -g value  additional group ids (repeatable)\n"
    "   --process value, -p value  path to a process.json\n"
    "   --detach, -d              detach from the process\n"
    "   --pid-file value          write the process's pid to this file\n"
    "   --process-label value     SELinux label of the process\n"
    "   --apparmor value          AppArmor profile of the process\n"
    "   --no-new-privs            set no_new_privs\n"
    "   --cap value, -c value     add a capability (repeatable)\n"
    "   --preserve-fds value      pass this many fds above 2 (default: 0)\n"
    "   --cgroup value            run in this sub-cgroup ([controller:]path)\n"
    "   --ignore-paused           exec even when the container is paused\n" },
  { "features", "show the features this runtime supports (JSON)", "", "" },
  { "kill", "send a signal to the container's init process", "<container-id> [signal]",
    "   --all, -a  send the signal to every process of the container\n" },
  { "list", "list the containers started by tong with the given --root", "",
    "   --format value, -f value  table or json (default: table)\n"
    "   --quiet, -q               print only the ids\n" },
  { "pause", "suspend every process of the container", "<container-id>", "" },
  { "ps", "list the processes running in a container", "<container-id> [ps options]",
    "   --format value, -f value  table or json (default: table)\n" },
  { "restore", "restore a checkpointed container (needs CRIU: not supported by this build)", "<container-id>",
    "" },
  { "resume", "resume every process of a paused container", "<container-id>", "" },
  { "run", "create and start a container", "<container-id>",
    "   --bundle value, -b value  path to the bundle (default: the current directory)\n"
    "   --console-socket value    AF_UNIX socket that receives the pty master (process.terminal)\n"
    "   --detach, -d              detach from the container's process\n"
    "   --keep                    keep the container's state when it exits (foreground only)\n"
    "   --pid-file value          write the init's pid to this file\n"
    "   --no-subreaper            do not become the subreaper of the container's processes\n"
    "   --no-pivot                chroot instead of pivot_root (rootfs on a ramdisk)\n"
    "   --no-new-keyring          keep the caller's session keyring\n"
    "   --preserve-fds value      pass this many fds above 2 to the container (default: 0)\n" },
  { "spec", "create a new specification file (config.json)", "",
    "   --bundle value, -b value  where to write config.json\n"
    "   --rootless                a config for an unprivileged user\n" },
  { "start", "execute the user process of a created container", "<container-id>", "" },
  { "state", "output the state of a container", "<container-id>", "" },
  { "update", "update the resource limits of a container", "<container-id>",
    "   --resources value, -r value  a linux.resources JSON file, or - for stdin\n"
    "   --blkio-weight value         block IO weight, 10 to 1000\n"
    "   --cpu-period value           CPU CFS period (microseconds)\n"
    "   --cpu-quota value            CPU CFS quota (microseconds)\n"
    "   --cpu-share value            CPU shares\n"
    "   --cpu-rt-period value        CPU realtime period (microseconds)\n"
    "   --cpu-rt-runtime value       CPU realtime runtime (microseconds)\n"
    "   --cpuset-cpus value          CPUs allowed\n"
    "   --cpuset-mems value          memory nodes allowed\n"
    "   --memory value               memory limit (bytes, or with k, m, g)\n"
    "   --memory-reservation value   memory soft limit\n"
    "   --memory-swap value          memory plus swap limit\n"
    "   --pids-limit value           maximum number of processes\n" },
};

const char *
tong_prog_name (const char *argv0)
{
  const char *slash = argv0 ? strrchr (argv0, '/') : NULL;
  const char *name = slash ? slash + 1 : argv0;
  return name && *name ? name : "tong";
}

static const struct command_help *
find (const char *name)
{
  for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
    if (strcmp (helps[i].name, name) == 0)
      return &helps[i];
  return NULL;
}

void
tong_help_main (FILE *f, const char *prog)
{
  fprintf (f,
           "NAME:\n"
           "   %s - Open Container Initiative runtime\n\n"
           "   %s runs containers from OCI bundles (runtime-spec config.json plus a root\n"
           "   filesystem), with runc's commands, options and exit statuses.\n\n"
           "USAGE:\n"
           "   %s [global options] command [command options] [arguments...]\n\n"
           "COMMANDS:\n",
           prog, prog, prog);
  for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
    fprintf (f, "   %-11s %s\n", helps[i].name, helps[i].summary);
  fprintf (f, "   %-11s %s\n\n", "help, h", "show the list of commands, or the help of one");
  fprintf (f, "GLOBAL OPTIONS:\n"
              "   --root value        state directory (default: " TONG_DEFAULT_ROOT
              ", or $XDG_RUNTIME_DIR/tong for an unprivileged user)\n"
              "   --log value         write errors and debug lines to this file (default: stderr)\n"
              "   --log-format value  text or json (default: text)\n"
              "   --debug             debug output\n"
              "   --systemd-cgroup    let systemd manage the cgroups (slice:prefix:name)\n"
              "   --rootless value    true, false or auto (default: auto)\n"
              "   --help, -h          show help\n"
              "   --version, -v       print the version\n");
}

bool
tong_help_known (const char *command)
{
  return find (command) != NULL;
}

int
tong_help_command (FILE *f, const char *prog, const char *command)
{
  const struct command_help *h = find (command);

  if (!h)
    return -1;
  fprintf (f, "NAME:\n   %s %s - %s\n\nUSAGE:\n   %s %s%s%s\n", prog, h->name, h->summary, prog, h->name,
           *h->options ? " [command options] " : " ", h->args);
  if (*h->options)
    fprintf (f, "\nOPTIONS:\n%s", h->options);
  return 0;
}
