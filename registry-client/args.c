/* Option parsing shared by every command: the command's own options and
 * the global ones, accepted anywhere on the command line. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "oci/cleanup.h"
#include "regctl.h"

enum {
  G_STORE = 0x1000,
  G_FORMAT,
  G_PLAIN_HTTP,
  G_INSECURE,
  G_TLS_VERIFY,
  G_PLATFORM,
  G_PARALLEL,
  G_RETRIES,
  G_CONFIG,
  G_CERTS_DIR,
  G_REGISTRIES_CONFIG,
  G_VERBOSE,
  G_NO_PROGRESS,
  G_HELP,
};

const struct regctl_opt regctl_global_opts[] = {
  { "store", required_argument, G_STORE, "DIR  image store (default $TONG_ROOT/images)" },
  { "format", required_argument, G_FORMAT, "FMT  output: text (default) or json" },
  { "plain-http", no_argument, G_PLAIN_HTTP, "     talk HTTP to registries, not HTTPS" },
  { "insecure", no_argument, G_INSECURE, "     HTTPS without certificate verification" },
  { "tls-verify", no_argument, G_TLS_VERIFY, "     HTTPS with verification even for localhost/127.0.0.0/8" },
  { "platform", required_argument, G_PLATFORM, "P    os/arch[/variant] to select (default: this host)" },
  { "parallel", required_argument, G_PARALLEL, "N    concurrent transfers of blobs of 1 MiB or more (default 4)" },
  { "retries", required_argument, G_RETRIES, "N    retries of a failed request (default 4)" },
  { "config", required_argument, G_CONFIG, "DIR  Docker config directory (default $DOCKER_CONFIG or ~/.docker)" },
  { "certs-dir", required_argument, G_CERTS_DIR, "DIR  per-registry certificates (default /etc/docker/certs.d)" },
  { "registries-config", required_argument, G_REGISTRIES_CONFIG, "FILE per-registry settings (plainHttp, insecure, caFile, clientCert, clientKey)" },
  { "verbose", no_argument, G_VERBOSE, "     log HTTP requests on stderr" },
  { "no-progress", no_argument, G_NO_PROGRESS, "     no progress bars" },
  { "help", no_argument, G_HELP, NULL },
  { NULL, 0, 0, NULL },
};

void
regctl_print_global_help (FILE *f)
{
  for (const struct regctl_opt *o = regctl_global_opts; o->name; o++)
    if (o->help)
      fprintf (f, "  --%-17s %s\n", o->name, o->help);
}

int
regctl_parse_int (const char *s, int min, int max, int *ret, const char *what, struct oci_error *err)
{
  char *end;
  long v;

  errno = 0;
  v = strtol (s, &end, 10);
  if (errno || end == s || *end || v < min || v > max)
    return oci_error_set (err, 0, "invalid %s \"%s\" (expected an integer from %d to %d)", what, s, min, max);
  *ret = (int) v;
  return 0;
}

int
regctl_parse_size (const char *s, uint64_t *ret, struct oci_error *err)
{
  char *end;
  unsigned long long v;
  uint64_t mult = 1;

  errno = 0;
  if (*s == '-')
    return oci_error_set (err, 0, "invalid size \"%s\"", s);
  v = strtoull (s, &end, 10);
  if (errno || end == s)
    return oci_error_set (err, 0, "invalid size \"%s\"", s);
  switch (*end)
    {
    case '\0':
      break;
    case 'k':
    case 'K':
      mult = 1024;
      break;
    case 'm':
    case 'M':
      mult = 1024 * 1024;
      break;
    case 'g':
    case 'G':
      mult = 1024ull * 1024 * 1024;
      break;
    default:
      return oci_error_set (err, 0, "invalid size \"%s\" (a number with an optional K, M or G)", s);
    }
  if (*end && end[1] && strcmp (end + 1, "iB") != 0 && strcmp (end + 1, "B") != 0)
    return oci_error_set (err, 0, "invalid size \"%s\"", s);
  if (v > UINT64_MAX / mult)
    return oci_error_set (err, 0, "size \"%s\" too large", s);
  *ret = v * mult;
  return 0;
}

int
regctl_global_option (struct regctl_globals *g, int key, const char *arg, struct oci_error *err)
{
  switch (key)
    {
    case G_STORE:
      g->store_path = arg;
      return 0;
    case G_FORMAT:
      if (strcmp (arg, "json") == 0)
        g->json = true;
      else if (strcmp (arg, "text") == 0)
        g->json = false;
      else
        return oci_error_set (err, 0, "invalid --format \"%s\" (expected text or json)", arg);
      return 0;
    case G_PLAIN_HTTP:
      g->plain_http = true;
      return 0;
    case G_INSECURE:
      g->insecure = true;
      return 0;
    case G_TLS_VERIFY:
      g->tls_verify = true;
      return 0;
    case G_PLATFORM:
      g->platform = arg;
      return 0;
    case G_PARALLEL:
      return regctl_parse_int (arg, 1, 64, &g->parallel, "--parallel", err);
    case G_RETRIES:
      return regctl_parse_int (arg, 0, 100, &g->retries, "--retries", err);
    case G_CONFIG:
      g->config_dir = arg;
      return 0;
    case G_CERTS_DIR:
      g->certs_dir = arg;
      return 0;
    case G_REGISTRIES_CONFIG:
      g->registries_config = arg;
      return 0;
    case G_VERBOSE:
      g->verbose++;
      return 0;
    case G_NO_PROGRESS:
      g->no_progress = true;
      return 0;
    default:
      return oci_error_set (err, 0, "unknown option");
    }
}

static void
print_help (const struct regctl_cmd_spec *spec)
{
  printf ("usage: tong-regctl %s\n", spec->usage);
  if (spec->summary)
    printf ("\n%s\n", spec->summary);
  if (spec->opts && spec->opts[0].name)
    {
      printf ("\noptions:\n");
      for (const struct regctl_opt *o = spec->opts; o->name; o++)
        printf ("  --%-14s %s\n", o->name, o->help ? o->help : "");
    }
  printf ("\nglobal options:\n");
  regctl_print_global_help (stdout);
}

int
regctl_parse_args (struct regctl_globals *g, int argc, char **argv, const struct regctl_cmd_spec *spec,
                   regctl_opt_fn fn, void *ctx, int *ret_first, struct oci_error *err)
{
  size_t n_cmd = 0, n_glob = 0, i, j = 0;
  cleanup_free struct option *opts = NULL;
  char shorts[64] = ":";
  size_t ns = 1;
  int c, r, nargs;

  if (spec->opts)
    for (; spec->opts[n_cmd].name; n_cmd++)
      ;
  for (; regctl_global_opts[n_glob].name; n_glob++)
    ;
  opts = calloc (n_cmd + n_glob + 1, sizeof *opts);
  if (!opts)
    return oci_error_set (err, ENOMEM, "options");
  for (i = 0; i < n_cmd; i++, j++)
    {
      opts[j] = (struct option){ spec->opts[i].name, spec->opts[i].has_arg, NULL, spec->opts[i].key };
      if (spec->opts[i].key < 128 && ns + 3 < sizeof shorts)
        {
          shorts[ns++] = (char) spec->opts[i].key;
          if (spec->opts[i].has_arg == required_argument)
            shorts[ns++] = ':';
        }
    }
  for (i = 0; i < n_glob; i++, j++)
    opts[j] = (struct option){ regctl_global_opts[i].name, regctl_global_opts[i].has_arg, NULL,
                               regctl_global_opts[i].key };
  shorts[ns++] = 'h';
  shorts[ns] = '\0';

  optind = 0;
  opterr = 0;
  while ((c = getopt_long (argc, argv, shorts, opts, NULL)) != -1)
    {
      if (c == 'h' || c == G_HELP)
        {
          print_help (spec);
          return 1;
        }
      if (c == '?')
        return oci_error_set (err, 0, "%s: unknown option \"%s\" (see tong-regctl %s --help)", argv[0],
                              argv[optind - 1], argv[0]);
      if (c == ':')
        return oci_error_set (err, 0, "%s: option \"%s\" needs a value", argv[0], argv[optind - 1]);
      if (c >= 0x1000 && c < 0x2000)
        r = regctl_global_option (g, c, optarg, err);
      else
        r = fn ? fn (ctx, c, optarg, err) : oci_error_set (err, 0, "unexpected option");
      if (r < 0)
        return r;
    }
  nargs = argc - optind;
  if (nargs < spec->min_args || (spec->max_args >= 0 && nargs > spec->max_args))
    return oci_error_set (err, 0, "usage: tong-regctl %s", spec->usage);
  *ret_first = optind;
  return 0;
}
