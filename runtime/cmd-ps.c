/* `tong ps [-f table|json] ID [ps options]`: JSON is the array of the
 * container's host pids (what containerd reads); the table is ps(1)'s own
 * output filtered to those pids, as runc does. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "create.h"
#include "oci/cleanup.h"
#include "oci/json.h"
#include "signal-all.h"

static bool
has_pid (const pid_t *pids, size_t n, long pid)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Index of the PID column in ps's header line. */
static int
pid_column (const char *header)
{
  cleanup_free char *copy = strdup (header);
  char *save = NULL, *tok;
  int i = 0;

  for (tok = copy ? strtok_r (copy, " \t\n", &save) : NULL; tok; tok = strtok_r (NULL, " \t\n", &save), i++)
    if (strcmp (tok, "PID") == 0)
      return i;
  return -1;
}

static long
field_as_pid (const char *line, int col)
{
  cleanup_free char *copy = strdup (line);
  char *save = NULL, *tok;
  int i = 0;

  for (tok = copy ? strtok_r (copy, " \t\n", &save) : NULL; tok; tok = strtok_r (NULL, " \t\n", &save), i++)
    if (i == col)
      return strtol (tok, NULL, 10);
  return -1;
}

static int
ps_table (char **ps_args, size_t n_args, const pid_t *pids, size_t n, struct oci_error *err)
{
  cleanup_free char *line = NULL;
  cleanup_free char **argv = calloc (n_args + 2, sizeof (char *));
  size_t cap = 0, i;
  int fds[2], col = -1, status;
  FILE *f;
  pid_t child;

  if (!argv)
    return oci_error_set (err, ENOMEM, "ps");
  argv[0] = (char *) "ps";
  for (i = 0; i < n_args; i++)
    argv[i + 1] = ps_args[i];
  if (n_args == 0)
    argv[1] = (char *) "-ef";
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return oci_error_set (err, errno, "ps: pipe");
  child = fork ();
  if (child < 0)
    return oci_error_set (err, errno, "ps: fork");
  if (child == 0)
    {
      dup2 (fds[1], 1);
      execvp ("ps", argv);
      _exit (127);
    }
  close (fds[1]);
  f = fdopen (fds[0], "r");
  if (!f)
    return oci_error_set (err, errno, "ps: read output");
  while (getline (&line, &cap, f) > 0)
    {
      if (col < 0)
        {
          col = pid_column (line);
          if (col < 0)
            {
              fclose (f);
              waitpid (child, NULL, 0);
              return oci_error_set (err, EINVAL, "ps: no PID column in the output of ps");
            }
          fputs (line, stdout);
          continue;
        }
      if (has_pid (pids, n, field_as_pid (line, col)))
        fputs (line, stdout);
    }
  fclose (f);
  if (waitpid (child, &status, 0) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return oci_error_set (err, 0, "ps: ps(1) failed");
  return 0;
}

int
tong_cmd_ps (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  cleanup_container struct tong_container *c = NULL;
  cleanup_free pid_t *pids = NULL;
  bool json = false;
  size_t n = 0, i;
  int opt, r;

  while ((opt = getopt_long (argc, argv, "+f:", opts, NULL)) != -1)
    if (opt == 'f' && (strcmp (optarg, "json") == 0 || strcmp (optarg, "table") == 0))
      json = strcmp (optarg, "json") == 0;
    else if (opt == 'f')
      return oci_error_set (err, 0, "ps: invalid format \"%s\" (expected table or json)", optarg);
    else
      return oci_error_set (err, 0, "ps: unknown option \"%s\"", argv[optind - 1]);
  if (optind >= argc)
    return oci_error_set (err, 0, "ps: usage: tong ps [--format table|json] ID [ps options]");
  r = tong_container_load (g->root, argv[optind], &c, err);
  if (r < 0)
    return r;
  /* A stopped container is no error (runc): whatever still runs in its
   * cgroup is listed, usually nothing. */
  r = tong_container_pids (c, &pids, &n, err);
  if (r < 0)
    return r;
  if (json)
    {
      if (optind + 1 < argc)
        return oci_error_set (err, 0, "ps: ps options cannot be used with --format json");
      printf ("[");
      for (i = 0; i < n; i++)
        printf ("%s%d", i ? "," : "", pids[i]);
      printf ("]\n");
      return 0;
    }
  return ps_table (argv + optind + 1, (size_t) (argc - optind - 1), pids, n, err);
}
