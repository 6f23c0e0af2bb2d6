/* `tong create` and the flags it shares with `run`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "create.h"

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_PRESERVE, OPT_KEEP, OPT_NO_SUBREAPER };

int
tong_parse_create_flags (int argc, char **argv, struct tong_create_opts *o, bool *detach, bool *keep,
                         const char *cmd, struct oci_error *err)
{
  static const struct option opts[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "pid-file", required_argument, NULL, OPT_PID_FILE },
    { "console-socket", required_argument, NULL, OPT_CONSOLE },
    { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
    { "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
    { "detach", no_argument, NULL, 'd' },
    { "keep", no_argument, NULL, OPT_KEEP },
    { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
    { NULL, 0, NULL, 0 },
  };
  char *end;
  long n;
  int c;

  o->bundle = ".";
  while ((c = getopt_long (argc, argv, "b:d", opts, NULL)) != -1)
    switch (c)
      {
      case 'b':
        o->bundle = optarg;
        break;
      case OPT_PID_FILE:
        o->pid_file = optarg;
        break;
      case OPT_CONSOLE:
        o->console_socket = optarg;
        break;
      case OPT_NO_PIVOT:
        o->no_pivot = true;
        break;
      case OPT_NO_KEYRING:
        o->no_new_keyring = true;
        break;
      case OPT_PRESERVE:
        errno = 0;
        n = strtol (optarg, &end, 10);
        if (errno || *end || n < 0 || n > 65536)
          return oci_error_set (err, 0, "%s: invalid --preserve-fds \"%s\"", cmd, optarg);
        o->preserve_fds = (int) n;
        break;
      case 'd':
        if (!detach)
          return oci_error_set (err, 0, "%s: unknown option \"-d\"", cmd);
        *detach = true;
        break;
      case OPT_KEEP:
        if (!keep)
          return oci_error_set (err, 0, "%s: unknown option \"--keep\"", cmd);
        *keep = true;
        break;
      case OPT_NO_SUBREAPER:
        break;
      default:
        return oci_error_set (err, 0, "%s: unknown option \"%s\"", cmd, argv[optind - 1]);
      }
  if (optind != argc - 1)
    return oci_error_set (err, 0, "%s: expected exactly one container id (usage: tong %s [options] ID)", cmd, cmd);
  o->id = argv[optind];
  return optind;
}

int
tong_cmd_create (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  struct tong_create_opts o = { 0 };
  struct tong_container *c = NULL;
  int r;

  r = tong_parse_create_flags (argc, argv, &o, NULL, NULL, "create", err);
  if (r < 0)
    return r;
  r = tong_create_container (g, &o, &c, err);
  tong_container_free (c);
  return r < 0 ? r : 0;
}
