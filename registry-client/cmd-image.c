/* image pull|push|copy. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci/cleanup.h"
#include "regctl.h"
#include "transfer.h"
#include "transport.h"

enum { OPT_ALL = 256, OPT_REFERRERS, OPT_CHUNK };

struct copy_opts {
  bool all_platforms;
  bool referrers;
  uint64_t chunk_size;
};

static int
copy_opt (void *ctx, int key, const char *arg, struct oci_error *err)
{
  struct copy_opts *o = ctx;
  switch (key)
    {
    case OPT_ALL:
      o->all_platforms = true;
      return 0;
    case OPT_REFERRERS:
      o->referrers = true;
      return 0;
    case OPT_CHUNK:
      return regctl_parse_size (arg, &o->chunk_size, err);
    }
  return 0;
}

#define OPT_ALL_PLATFORMS { "all-platforms", no_argument, OPT_ALL, "    copy an index whole, every platform" }
#define OPT_CHUNK_SIZE { "chunk-size", required_argument, OPT_CHUNK, "N   upload in chunks of N bytes (K, M, G)" }
#define OPT_WITH_REFERRERS { "referrers", no_argument, OPT_REFERRERS, "    copy OCI referrers (signatures, SBOMs) too" }

static int
print_digest (struct regctl_globals *g, const char *digest, const char *ref, struct oci_error *err)
{
  if (g->json)
    {
      struct oci_json_writer *w = oci_jw_new (OCI_JSON_PRETTY);
      int r;
      if (!w)
        return oci_error_set (err, ENOMEM, "output");
      oci_jw_begin_object (w);
      oci_jw_kv_string (w, "reference", ref);
      oci_jw_kv_string (w, "digest", digest);
      oci_jw_end_object (w);
      r = regctl_print_json (w, err);
      oci_jw_free (w);
      return r;
    }
  printf ("%s\n", digest);
  return regctl_flush_stdout (err);
}

/* ---- image pull ---- */

int
regctl_cmd_image_pull (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_opt opts[] = { OPT_ALL_PLATFORMS, { NULL, 0, 0, NULL } };
  static const struct regctl_cmd_spec spec = {
    "image pull [options] REF",
    "Pull an image from a registry into the store (--store): the manifest of\n"
    "this host's platform (--platform) unless --all-platforms, every blob\n"
    "verified as it arrives, the tag written last.  Prints the digest.",
    opts, 1, 1,
  };
  struct copy_opts co = { 0 };
  struct image_ref src = { 0 }, dst = { 0 };
  cleanup_free char *dst_spec = NULL;
  char digest[OCI_DIGEST_MAX];
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, copy_opt, &co, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  const char *name = argv[first];
  if (strncmp (name, "docker://", 9) == 0)
    name += 9;
  r = image_ref_parse (g, name, IMAGE_DEFAULT_REGISTRY, &src, err);
  if (r == 0)
    r = image_ref_use_mirrors (&src, err);
  if (r == 0 && asprintf (&dst_spec, "store:%s", name) < 0)
    r = oci_error_set (err, ENOMEM, "pull");
  if (r == 0)
    r = image_ref_parse (g, dst_spec, IMAGE_DEFAULT_STORE, &dst, err);
  if (r == 0)
    r = image_ref_open_dest (g, &dst, err);
  if (r == 0)
    {
      struct transfer_opts o = { .parallel = g->parallel, .all_platforms = co.all_platforms };
      r = transfer_image (g, &src, &dst, &o, digest, err);
    }
  image_ref_clear (&src);
  image_ref_clear (&dst);
  if (r < 0)
    return oci_error_wrap (err, "pull %s", name);
  return print_digest (g, digest, name, err);
}

/* ---- image push ---- */

int
regctl_cmd_image_push (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_opt opts[] = { OPT_CHUNK_SIZE, { NULL, 0, 0, NULL } };
  static const struct regctl_cmd_spec spec = {
    "image push [options] REF [DEST]",
    "Push an image of the store to a registry (DEST, default REF): blobs the\n"
    "registry has are skipped, blobs of another repository on the same\n"
    "registry are mounted, the manifest goes last.  Prints the digest.",
    opts, 1, 2,
  };
  struct copy_opts co = { 0 };
  struct image_ref src = { 0 }, dst = { 0 };
  struct registry_repo from = { 0 };
  char digest[OCI_DIGEST_MAX];
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, copy_opt, &co, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  const char *dest = first + 1 < argc ? argv[first + 1] : argv[first];
  r = image_ref_parse (g, argv[first], IMAGE_DEFAULT_STORE, &src, err);
  if (r == 0)
    r = image_ref_parse (g, dest, IMAGE_DEFAULT_REGISTRY, &dst, err);
  if (r == 0 && dst.kind != IMAGE_REGISTRY)
    r = oci_error_set (err, EINVAL, "push: %s is not a registry reference (see image copy)", dest);
  if (r == 0)
    r = image_ref_open_source (g, &src, err);
  /* The image came from a repository of this registry: mount from it. */
  if (r == 0 && src.ref && src.ref->domain && strcmp (src.ref->domain, dst.ref->domain) == 0
      && strcmp (src.ref->path, dst.ref->path) != 0)
    r = registry_repo_from_ref (g, src.ref, &from, err);
  if (r == 0)
    {
      struct transfer_opts o = {
        .parallel = g->parallel,
        .chunk_size = co.chunk_size,
        .all_platforms = true,
        .mount_from = from.name ? &from : NULL,
      };
      r = transfer_image (g, &src, &dst, &o, digest, err);
    }
  registry_repo_clear (&from);
  image_ref_clear (&src);
  image_ref_clear (&dst);
  if (r < 0)
    return oci_error_wrap (err, "push %s", dest);
  return print_digest (g, digest, dest, err);
}

/* ---- image copy ---- */

int
regctl_cmd_image_copy (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_opt opts[] = {
    OPT_ALL_PLATFORMS,
    OPT_WITH_REFERRERS,
    OPT_CHUNK_SIZE,
    { NULL, 0, 0, NULL },
  };
  static const struct regctl_cmd_spec spec = {
    "image copy [options] SRC DEST",
    "Copy an image between registries (REGISTRY/REPO:TAG), OCI layouts\n"
    "(oci:DIR[:NAME]), OCI archives (oci-archive:FILE[:NAME], - for\n"
    "stdin/stdout) and the store (store:NAME).  Registry to registry streams\n"
    "blobs without a local copy.  Prints the digest.",
    opts, 2, 2,
  };
  struct copy_opts co = { 0 };
  struct image_ref src = { 0 }, dst = { 0 };
  char digest[OCI_DIGEST_MAX];
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, copy_opt, &co, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = image_ref_parse (g, argv[first], IMAGE_DEFAULT_REGISTRY, &src, err);
  if (r == 0)
    r = image_ref_parse (g, argv[first + 1], IMAGE_DEFAULT_REGISTRY, &dst, err);
  if (r == 0 && dst.kind == IMAGE_REGISTRY && !dst.ref->tag && !dst.ref->digest)
    r = oci_error_set (err, EINVAL, "copy: %s names no tag", argv[first + 1]);
  if (r == 0)
    r = image_ref_open_source (g, &src, err);
  if (r == 0)
    r = image_ref_use_mirrors (&src, err);
  if (r == 0)
    r = image_ref_open_dest (g, &dst, err);
  if (r == 0)
    {
      struct transfer_opts o = {
        .parallel = g->parallel,
        .chunk_size = co.chunk_size,
        .all_platforms = co.all_platforms,
        .referrers = co.referrers,
      };
      r = transfer_image (g, &src, &dst, &o, digest, err);
    }
  if (r == 0)
    r = image_ref_finish_dest (&dst, err);
  image_ref_clear (&src);
  image_ref_clear (&dst);
  if (r < 0)
    return oci_error_wrap (err, "copy %s to %s", argv[first], argv[first + 1]);
  /* An archive on stdout leaves the digest to stderr. */
  if (strcmp (argv[first + 1], "oci-archive:-") == 0 || strncmp (argv[first + 1], "oci-archive:-:", 14) == 0)
    {
      fprintf (stderr, "%s\n", digest);
      return 0;
    }
  return print_digest (g, digest, argv[first + 1], err);
}
