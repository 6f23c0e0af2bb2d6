#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>

#include "container.h"
#include "create.h"
#include "oci/cleanup.h"
#include "oci/json.h"

/* runc shows the user owning the state directory.  tong is linked
 * statically, where NSS lookups would need the host's shared libraries:
 * read /etc/passwd itself. */
static void
owner_name (const struct tong_container *c, char *buf, size_t len)
{
  cleanup_fclose FILE *f = NULL;
  struct passwd pw, *res = NULL;
  char tmp[4096];
  struct stat st;

  if (stat (c->dir, &st) < 0)
    {
      snprintf (buf, len, "%s", "");
      return;
    }
  f = fopen ("/etc/passwd", "re");
  while (f && fgetpwent_r (f, &pw, tmp, sizeof tmp, &res) == 0 && res)
    if (pw.pw_uid == st.st_uid)
      {
        snprintf (buf, len, "%s", pw.pw_name);
        return;
      }
  snprintf (buf, len, "#%u", (unsigned) st.st_uid);
}

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
tong_cmd_list (const struct tong_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "quiet", no_argument, NULL, 'q' },
    { NULL, 0, NULL, 0 },
  };
  cleanup_dir DIR *d = NULL;
  cleanup_free char **ids = NULL;
  struct oci_json_writer *w = NULL;
  struct dirent *de;
  bool json = false, quiet = false;
  size_t n = 0, i;
  int opt, r = 0;

  while ((opt = getopt_long (argc, argv, "f:q", opts, NULL)) != -1)
    switch (opt)
      {
      case 'f':
        if (strcmp (optarg, "json") == 0)
          json = true;
        else if (strcmp (optarg, "table") != 0)
          return oci_error_set (err, 0, "list: invalid format \"%s\" (expected table or json)", optarg);
        break;
      case 'q':
        quiet = true;
        break;
      default:
        return oci_error_set (err, 0, "list: unknown option \"%s\"", argv[optind - 1]);
      }
  d = opendir (g->root);
  if (!d && errno != ENOENT)
    return oci_error_set (err, errno, "open %s", g->root);
  while (d && (de = readdir (d)))
    {
      char **nids;
      struct oci_error not_id = { 0 };
      /* Hidden entries, and what cannot be a container (the @cache). */
      if (de->d_name[0] == '.' || tong_validate_id (de->d_name, &not_id) < 0)
        continue;
      nids = realloc (ids, (n + 1) * sizeof *ids);
      if (!nids)
        goto oom;
      ids = nids;
      ids[n] = strdup (de->d_name);
      if (!ids[n])
        goto oom;
      n++;
    }
  if (n)
    qsort (ids, n, sizeof *ids, cmp_names);
  if (json)
    {
      w = oci_jw_new (OCI_JSON_COMPACT);
      if (!w)
        goto oom;
      oci_jw_begin_array (w);
    }
  else if (!quiet)
    printf ("%-12s %-10s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
  for (i = 0; i < n; i++)
    {
      struct tong_container *c = NULL;
      struct oci_error ignored = { 0 };
      enum tong_status st;
      char owner[256];
      if (tong_container_load (g->root, ids[i], &c, &ignored) < 0)
        continue;
      st = tong_container_status (c);
      owner_name (c, owner, sizeof owner);
      if (quiet)
        printf ("%s\n", c->id);
      else if (json)
        {
          oci_jw_begin_object (w);
          oci_jw_kv_string (w, "ociVersion", OCI_RUNTIME_SPEC_VERSION);
          oci_jw_kv_string (w, "id", c->id);
          oci_jw_kv_int64 (w, "pid", st == TONG_STOPPED ? 0 : c->pid);
          oci_jw_kv_string (w, "status", tong_status_name (st));
          oci_jw_kv_string (w, "bundle", c->bundle ? c->bundle : "");
          oci_jw_kv_string (w, "rootfs", c->rootfs ? c->rootfs : "");
          oci_jw_kv_string (w, "created", c->created ? c->created : "");
          oci_jw_kv_string (w, "owner", owner);
          oci_jw_end_object (w);
        }
      else
        printf ("%-12s %-10lld %-10s %-40s %-30s %s\n", c->id, st == TONG_STOPPED ? 0LL : (long long) c->pid,
                tong_status_name (st), c->bundle ? c->bundle : "", c->created ? c->created : "",
                owner);
      tong_container_free (c);
    }
  if (json)
    {
      cleanup_free char *text = NULL;
      oci_jw_end_array (w);
      r = oci_jw_finish (w, &text, NULL, err);
      if (r == 0)
        printf ("%s\n", text);
      oci_jw_free (w);
    }
  for (i = 0; i < n; i++)
    free (ids[i]);
  return r;
oom:
  for (i = 0; i < n; i++)
    free (ids[i]);
  oci_jw_free (w);
  return oci_error_set (err, ENOMEM, "list");
}
