/* `tong`: global options, then one subcommand from the table. */
#include <errno.h>
#include <fcntl.h>
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
  bool enters_container; /* runs code inside the container: needs the sealed copy */
};

static const struct command commands[] = {
  { "create", tong_cmd_create, true },       { "start", tong_cmd_start, false },
  { "run", tong_cmd_run, true },             { "exec", tong_cmd_exec, true },
  { "ps", tong_cmd_ps, false },              { "state", tong_cmd_state, false },
  { "list", tong_cmd_list, false },          { "kill", tong_cmd_kill, false },
  { "delete", tong_cmd_delete, false },      { "pause", tong_cmd_pause, false },
  { "resume", tong_cmd_resume, false },      { "update", tong_cmd_update, false },
  { "events", tong_cmd_events, false },      { "spec", tong_cmd_spec, false },
  { "features", tong_cmd_features, false },  { "checkpoint", tong_cmd_checkpoint, false },
  { "restore", tong_cmd_restore, false },
};

/* `CMD -h` or `CMD --help` among the options before the first argument. */
static bool
asks_help (int argc, char **argv)
{
  for (int i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        break;
      if (strcmp (argv[i], "-h") == 0 || strcmp (argv[i], "--help") == 0)
        return true;
    }
  return false;
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
        tong_print_version (tong_prog_name (argv[0]));
        exit (EXIT_SUCCESS);
      case 'h':
        tong_help_main (stdout, tong_prog_name (argv[0]));
        exit (EXIT_SUCCESS);
      default:
        return oci_error_set (err, 0, "unknown global option \"%s\"", argv[optind - 1]);
      }
  return optind;
}

int
main (int argc, char **argv)
{
  struct tong_globals g = { .root = TONG_DEFAULT_ROOT, .rootless = -1, .argv0 = argv[0], .log_fd = -1 };
  struct oci_error err = { 0 };
  const char *prog = tong_prog_name (argv[0]);
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
  /* Opened once, as runc does (the file exists after any command), and
   * kept: the container init writes to it after pivot_root. */
  if (g.log_path)
    {
      g.log_fd = open (g.log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
      if (g.log_fd < 0)
        {
          oci_error_set (&err, errno, "open the log file %s", g.log_path);
          tong_log_error (&g, err.msg);
          return EXIT_FAILURE;
        }
    }
  if (first >= argc)
    {
      tong_help_main (stderr, prog);
      return EXIT_FAILURE;
    }
  name = argv[first];
  if (strcmp (name, "help") == 0 || strcmp (name, "h") == 0)
    {
      if (first + 1 >= argc)
        {
          tong_help_main (stdout, prog);
          return EXIT_SUCCESS;
        }
      name = argv[first + 1];
      if (tong_help_command (stdout, prog, name) == 0)
        return EXIT_SUCCESS;
      fprintf (stderr, "No help topic for '%s'\n", name);
      return EXIT_FAILURE;
    }
  if (asks_help (argc - first, argv + first))
    {
      if (tong_help_command (stdout, prog, name) == 0)
        return EXIT_SUCCESS;
      fprintf (stderr, "No help topic for '%s'\n", name);
      return EXIT_FAILURE;
    }
  for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (commands[i].name, name) == 0)
      break;
  if (i == sizeof commands / sizeof commands[0])
    {
      oci_error_set (&err, 0, "unknown command \"%s\"", name);
      tong_log_error (&g, err.msg);
      return EXIT_FAILURE;
    }
  if (commands[i].enters_container && tong_reexec_sealed (argv, &err) < 0)
    {
      tong_log_error (&g, err.msg);
      return EXIT_FAILURE;
    }
  tong_log_debug (&g, "tong %s: %s, root %s", TONG_VERSION, name, g.root);
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
