/* image ls|rm and store gc: the local store. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci/cleanup.h"
#include "oci/json.h"
#include "oci/store.h"
#include "regctl.h"
#include "transport.h"

int
regctl_cmd_image_ls (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_cmd_spec spec = {
    "image ls [options]",
    "List the images of the store: name, digest and media type a line.",
    NULL, 0, 0,
  };
  cleanup_store struct oci_store *store = NULL;
  cleanup_image_index struct oci_image_index *index = NULL;
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, NULL, NULL, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = regctl_open_store (g, false, &store, err);
  if (r == 0)
    r = oci_store_list (store, &index, err);
  if (r < 0)
    return r;
  if (g->json)
    {
      struct oci_json_writer *w = oci_jw_new (OCI_JSON_PRETTY);
      if (!w)
        return oci_error_set (err, ENOMEM, "output");
      oci_jw_begin_array (w);
      for (size_t i = 0; i < index->manifests_len; i++)
        {
          const struct oci_image_descriptor *d = &index->manifests[i];
          const char *name = oci_image_descriptor_ref_name (d);
          oci_jw_begin_object (w);
          if (name)
            oci_jw_kv_string (w, "name", name);
          oci_jw_kv_string (w, "digest", d->digest);
          oci_jw_kv_string (w, "mediaType", d->media_type);
          oci_jw_kv_int64 (w, "size", d->size);
          oci_jw_end_object (w);
        }
      oci_jw_end_array (w);
      r = regctl_print_json (w, err);
      oci_jw_free (w);
      return r;
    }
  for (size_t i = 0; i < index->manifests_len; i++)
    {
      const struct oci_image_descriptor *d = &index->manifests[i];
      const char *name = oci_image_descriptor_ref_name (d);
      printf ("%s %s %s\n", name ? name : "-", d->digest, d->media_type);
    }
  return regctl_flush_stdout (err);
}

enum { OPT_NO_GC = 256, OPT_WAIT };

struct rm_opts {
  bool no_gc;
  bool wait;
};

static int
rm_opt (void *ctx, int key, const char *arg, struct oci_error *err)
{
  struct rm_opts *o = ctx;
  (void) arg;
  (void) err;
  if (key == OPT_NO_GC)
    o->no_gc = true;
  else if (key == OPT_WAIT)
    o->wait = true;
  return 0;
}

static void
print_stats (const struct oci_store_gc_stats *st)
{
  fprintf (stderr, "removed %zu blobs (%" PRIu64 " bytes), kept %zu, %zu temporary files\n", st->blobs_removed,
           st->bytes_removed, st->blobs_kept, st->temp_removed);
}

int
regctl_cmd_image_rm (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_opt opts[] = {
    { "no-gc", no_argument, OPT_NO_GC, "   untag only; leave the blobs to store gc" },
    { "wait", no_argument, OPT_WAIT, "   wait for other users of the store before collecting" },
    { NULL, 0, 0, NULL },
  };
  static const struct regctl_cmd_spec spec = {
    "image rm [options] REF...",
    "Remove images from the store: their tags, then the blobs nothing else\n"
    "uses (when no other process has the store open; else store gc later).",
    opts, 1, -1,
  };
  struct rm_opts o = { 0 };
  cleanup_store struct oci_store *store = NULL;
  struct oci_store_gc_stats st = { 0 };
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, rm_opt, &o, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = regctl_open_store (g, false, &store, err);
  if (r < 0)
    return r;
  for (int i = first; i < argc; i++)
    {
      r = oci_store_untag (store, argv[i], err);
      if (r < 0)
        return r;
      printf ("%s\n", argv[i]);
    }
  if (o.no_gc)
    return regctl_flush_stdout (err);
  r = oci_store_gc (store, o.wait ? OCI_STORE_GC_WAIT : 0, &st, err);
  if (r == -EBUSY)
    {
      fprintf (stderr, "tong-regctl: the store is in use: blobs left for tong-regctl store gc\n");
      oci_error_clear (err);
      r = 0;
    }
  else if (r == 0 && g->verbose)
    print_stats (&st);
  if (r < 0)
    return r;
  return regctl_flush_stdout (err);
}

int
regctl_cmd_store_gc (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_opt opts[] = {
    { "wait", no_argument, OPT_WAIT, "   wait for other users of the store instead of failing" },
    { NULL, 0, 0, NULL },
  };
  static const struct regctl_cmd_spec spec = {
    "store gc [options]",
    "Remove every blob no image of the store refers to, and leftover\n"
    "temporary files.  Prints what was removed.",
    opts, 0, 0,
  };
  struct rm_opts o = { 0 };
  cleanup_store struct oci_store *store = NULL;
  struct oci_store_gc_stats st = { 0 };
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, rm_opt, &o, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = regctl_open_store (g, false, &store, err);
  if (r == 0)
    r = oci_store_gc (store, o.wait ? OCI_STORE_GC_WAIT : 0, &st, err);
  if (r < 0)
    return r;
  if (g->json)
    {
      struct oci_json_writer *w = oci_jw_new (OCI_JSON_PRETTY);
      if (!w)
        return oci_error_set (err, ENOMEM, "output");
      oci_jw_begin_object (w);
      oci_jw_kv_int64 (w, "blobsRemoved", (int64_t) st.blobs_removed);
      oci_jw_kv_int64 (w, "bytesRemoved", (int64_t) st.bytes_removed);
      oci_jw_kv_int64 (w, "blobsKept", (int64_t) st.blobs_kept);
      oci_jw_kv_int64 (w, "tempRemoved", (int64_t) st.temp_removed);
      oci_jw_end_object (w);
      r = regctl_print_json (w, err);
      oci_jw_free (w);
      return r;
    }
  printf ("removed %zu blobs (%" PRIu64 " bytes), kept %zu\n", st.blobs_removed, st.bytes_removed, st.blobs_kept);
  return regctl_flush_stdout (err);
}
