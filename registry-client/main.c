/* tong-regctl: pull, push, copy and inspect images against OCI
 * registries.  Global options, then GROUP COMMAND from the table. */
#include <curl/curl.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "regctl.h"

struct command {
  const char *group;
  const char *name;   /* NULL: the group is the command ("digest") */
  regctl_command_fn fn;
  const char *summary;
};

static const struct command commands[] = {
  { "image", "pull", regctl_cmd_image_pull, "pull an image into the store" },
  { "image", "push", regctl_cmd_image_push, "push an image from the store" },
  { "image", "copy", regctl_cmd_image_copy, "copy an image between registries, layouts and archives" },
  { "image", "inspect", regctl_cmd_image_inspect, "show an image's configuration summary" },
  { "image", "ls", regctl_cmd_image_ls, "list the images in the store" },
  { "image", "rm", regctl_cmd_image_rm, "remove an image from the store" },
  { "manifest", "get", regctl_cmd_manifest_get, "print a manifest" },
  { "manifest", "head", regctl_cmd_manifest_head, "print a manifest's descriptor" },
  { "manifest", "put", regctl_cmd_manifest_put, "upload a manifest" },
  { "manifest", "delete", regctl_cmd_manifest_delete, "delete a manifest" },
  { "config", "get", regctl_cmd_config_get, "print an image's config" },
  { "blob", "get", regctl_cmd_blob_get, "download a blob" },
  { "blob", "head", regctl_cmd_blob_head, "check that a blob exists" },
  { "blob", "put", regctl_cmd_blob_put, "upload a blob" },
  { "tag", "ls", regctl_cmd_tag_ls, "list a repository's tags" },
  { "tag", "delete", regctl_cmd_tag_delete, "delete a tag" },
  { "referrers", "ls", regctl_cmd_referrers_ls, "list the referrers of a manifest" },
  { "store", "gc", regctl_cmd_store_gc, "remove unreferenced blobs from the store" },
  { "registry", "login", regctl_cmd_registry_login, "save credentials for a registry" },
  { "registry", "logout", regctl_cmd_registry_logout, "forget credentials for a registry" },
  { "digest", NULL, regctl_cmd_digest, "print the digest of a manifest" },
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void
usage (FILE *f)
{
  fprintf (f, "usage: tong-regctl [global options] COMMAND [options] [arguments]\n\ncommands:\n");
  for (size_t i = 0; i < N_COMMANDS; i++)
    {
      char name[32];
      snprintf (name, sizeof name, "%s%s%s", commands[i].group, commands[i].name ? " " : "",
                commands[i].name ? commands[i].name : "");
      fprintf (f, "  %-18s %s\n", name, commands[i].summary);
    }
  fprintf (f, "\nglobal options:\n");
  regctl_print_global_help (f);
  fprintf (f, "  -v, --version            print the version\n"
              "\nReferences: REGISTRY/REPO[:TAG][@DIGEST] (docker:// optional), oci:DIR[:REF],\n"
              "oci-archive:FILE[:REF] (FILE - is stdin or stdout).\n");
}

/* Global options before the command; returns the index of the command. */
static int
parse_leading_globals (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  size_t n = 0;
  int c, r;

  for (; regctl_global_opts[n].name; n++)
    ;
  struct option opts[n + 2];
  for (size_t i = 0; i < n; i++)
    opts[i] = (struct option){ regctl_global_opts[i].name, regctl_global_opts[i].has_arg, NULL,
                               regctl_global_opts[i].key };
  opts[n] = (struct option){ "version", no_argument, NULL, 'v' };
  opts[n + 1] = (struct option){ NULL, 0, NULL, 0 };

  opterr = 0;
  optind = 1;
  while ((c = getopt_long (argc, argv, "+vh", opts, NULL)) != -1)
    {
      if (c == 'v')
        {
          printf ("tong-regctl %s\n", TONG_VERSION);
          exit (EXIT_SUCCESS);
        }
      if (c == 'h' || (c >= 0x1000 && strcmp (argv[optind - 1], "--help") == 0))
        {
          usage (stdout);
          exit (EXIT_SUCCESS);
        }
      if (c == '?' || c == ':')
        return oci_error_set (err, 0, "unknown or incomplete global option \"%s\"", argv[optind - 1]);
      r = regctl_global_option (g, c, optarg, err);
      if (r < 0)
        return r;
    }
  return optind;
}

int
main (int argc, char **argv)
{
  struct regctl_globals g = { .parallel = 4, .retries = 4, .user_agent = "tong-regctl/" TONG_VERSION };
  struct oci_error err = { 0 };
  const struct command *cmd = NULL;
  int first, r;

  first = parse_leading_globals (&g, argc, argv, &err);
  if (first < 0)
    {
      fprintf (stderr, "tong-regctl: %s\n", err.msg);
      return EXIT_FAILURE;
    }
  if (first >= argc)
    {
      usage (stderr);
      return 2;
    }
  if (strcmp (argv[first], "help") == 0)
    {
      usage (stdout);
      return EXIT_SUCCESS;
    }
  if (strcmp (argv[first], "version") == 0)
    {
      printf ("tong-regctl %s\n", TONG_VERSION);
      return EXIT_SUCCESS;
    }
  for (size_t i = 0; i < N_COMMANDS && !cmd; i++)
    {
      if (strcmp (commands[i].group, argv[first]) != 0)
        continue;
      if (!commands[i].name)
        cmd = &commands[i];
      else if (first + 1 < argc && strcmp (commands[i].name, argv[first + 1]) == 0)
        cmd = &commands[i];
    }
  if (!cmd)
    {
      bool group = false;
      for (size_t i = 0; i < N_COMMANDS; i++)
        group |= strcmp (commands[i].group, argv[first]) == 0;
      if (group)
        fprintf (stderr, "tong-regctl: %s: %s command \"%s\" (see tong-regctl --help)\n", argv[first],
                 first + 1 < argc ? "unknown" : "missing", first + 1 < argc ? argv[first + 1] : "");
      else
        fprintf (stderr, "tong-regctl: unknown command \"%s\" (see tong-regctl --help)\n", argv[first]);
      return 2;
    }
  if (cmd->name)
    first++;

  /* A paused download has libcurl copy what it holds into a fresh 256 KiB
   * buffer, freed on resume; with glibc's defaults that memory went back to
   * the kernel each time and came back page fault by page fault (5 % of a
   * pull's CPU, a page fault costing 12 µs in a paravirtualised guest).
   * Freed memory is kept instead: a few MiB at most. */
  mallopt (M_MMAP_THRESHOLD, 4 << 20);
  mallopt (M_TRIM_THRESHOLD, 32 << 20);

  /* libcurl's process-wide state, set up once here (never from a library). */
  if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK)
    {
      fprintf (stderr, "tong-regctl: cannot initialise libcurl\n");
      return EXIT_FAILURE;
    }
  r = cmd->fn (&g, argc - first, argv + first, &err);
  regctl_session_free (g.session);
  curl_global_cleanup ();
  if (r < 0)
    {
      fprintf (stderr, "tong-regctl: %s\n", err.msg);
      return EXIT_FAILURE;
    }
  if (fflush (stdout) != 0)
    {
      perror ("tong-regctl: write stdout");
      return EXIT_FAILURE;
    }
  return r;
}
