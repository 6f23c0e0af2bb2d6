/* `tong`: global options, then one subcommand from the table. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci/error.h"
#include "runtime.h"

struct command {
  const char *name;
  tong_command_fn fn;
  const char *summary;
  bool enters_container; /* runs code inside the container: needs the sealed copy */
};

static const struct command commands[] = {
  { "create", tong_cmd_create, "create a container", true },
  { "start", tong_cmd_start, "start the user process of a created container", false },
  { "run", tong_cmd_run, "create and start a container", true },
  { "exec", tong_cmd_exec, "run a new process in a running container", true },
  { "ps", tong_cmd_ps, "list the processes of a container", false },
  { "state", tong_cmd_state, "print the state of a container", false },
  { "list", tong_cmd_list, "list containers", false },
  { "kill", tong_cmd_kill, "send a signal to a container's init process", false },
  { "delete", tong_cmd_delete, "delete a container", false },
  { "pause", tong_cmd_pause, "freeze every process of a container", false },
  { "resume", tong_cmd_resume, "thaw a paused container", false },
  { "update", tong_cmd_update, "change the resources of a running container", false },
  { "events", tong_cmd_events, "print a container's resource usage and OOM events", false },
  { "spec", tong_cmd_spec, "write a default config.json", false },
  { "features", tong_cmd_features, "print the features this runtime supports", false },
};

static void
usage (FILE *f)
{
  size_t i;

  fprintf (f, "usage: tong [global options] COMMAND [options] [arguments]\n\n"
              "global options:\n"
              "  --root DIR          state directory (default " TONG_DEFAULT_ROOT ")\n"
              "  --log FILE          write errors and debug output to FILE\n"
              "  --log-format FMT    text (default) or json\n"
              "  --debug             debug output\n"
              "  --systemd-cgroup    let systemd manage cgroups\n"
              "  --rootless BOOL     true, false or auto\n"
              "  -v, --version       print the version\n\ncommands:\n");
  for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf (f, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_ROOTLESS, OPT_CRIU };

static int
parse_globals (int argc, char **argv, struct tong_globals *g, struct oci_error *err)
{
  static const struct option opts[] = {
    { "root", required_argument, NULL, OPT_ROOT },
    { "log", required_argument, NULL, OPT_LOG },
    { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
    { "debug", no_argument, NULL, OPT_DEBUG },
    { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
    { "rootless", required_argument, NULL, OPT_ROOTLESS },
    { "criu", required_argument, NULL, OPT_CRIU },
    { "version", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  opterr = 0;
  while ((c = getopt_long (argc, argv, "+vh", opts, NULL)) != -1)
    switch (c)
      {
      case OPT_ROOT:
        g->root = optarg;
        break;
      case OPT_LOG:
        g->log_path = optarg;
        break;
      case OPT_LOG_FORMAT:
        if (strcmp (optarg, "json") == 0)
          g->log_json = true;
        else if (strcmp (optarg, "text") == 0)
          g->log_json = false;
        else
          return oci_error_set (err, 0, "invalid log format \"%s\" (expected text or json)", optarg);
        break;
      case OPT_DEBUG:
        g->debug = true;
        break;
      case OPT_SYSTEMD:
        g->systemd_cgroup = true;
        break;
      case OPT_ROOTLESS:
        if (strcmp (optarg, "true") == 0)
          g->rootless = 1;
        else if (strcmp (optarg, "false") == 0)
          g->rootless = 0;
        else if (strcmp (optarg, "auto") == 0)
          g->rootless = -1;
        else
          return oci_error_set (err, 0, "invalid --rootless value \"%s\" (expected true, false or auto)", optarg);
        break;
      case OPT_CRIU:
        break;
      case 'v':
        tong_print_version ();
        exit (EXIT_SUCCESS);
      case 'h':
        usage (stdout);
        exit (EXIT_SUCCESS);
      default:
        return oci_error_set (err, 0, "unknown global option \"%s\"", argv[optind - 1]);
      }
  return optind;
}

int
main (int argc, char **argv)
{
  struct tong_globals g = { .root = TONG_DEFAULT_ROOT, .rootless = -1, .argv0 = argv[0] };
  struct oci_error err = { 0 };
  const char *name;
  size_t i;
  int first, r;

  /* runc's default for an unprivileged caller: a root it can write. */
  char user_root[4096];
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  if (geteuid () != 0 && xdg && *xdg)
    {
      snprintf (user_root, sizeof user_root, "%s/tong", xdg);
      g.root = user_root;
    }
  first = parse_globals (argc, argv, &g, &err);
  if (first < 0)
    {
      tong_log_error (&g, err.msg);
      return EXIT_FAILURE;
    }
  if (first >= argc)
    {
      usage (stderr);
      return EXIT_FAILURE;
    }
  name = argv[first];
  for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (commands[i].name, name) == 0)
      break;
  if (i == sizeof commands / sizeof commands[0])
    {
      if (strcmp (name, "help") == 0)
        {
          usage (stdout);
          return EXIT_SUCCESS;
        }
      oci_error_set (&err, 0, "unknown command \"%s\"", name);
      tong_log_error (&g, err.msg);
      return EXIT_FAILURE;
    }
  if (commands[i].enters_container && tong_reexec_sealed (argv, &err) < 0)
    {
      tong_log_error (&g, err.msg);
      return EXIT_FAILURE;
    }
  /* Subcommands parse their own options from a fresh getopt state. */
  optind = 0;
  r = commands[i].fn (&g, argc - first, argv + first, &err);
  if (r < 0)
    {
      tong_log_error (&g, err.msg);
      /* runc's exec exits 255 when exec itself fails, so that callers can
       * tell it from the process's own exit status. */
      return commands[i].fn == tong_cmd_exec ? 255 : EXIT_FAILURE;
    }
  return r;
}
