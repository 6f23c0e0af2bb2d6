/* tag ls|delete, referrers ls. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "oci/cleanup.h"
#include "oci/json.h"
#include "regctl.h"
#include "transport.h"

/* ---- tag ls ---- */

struct ls_opts {
  int page_size;
};

enum { OPT_PAGE = 256, OPT_ARTIFACT_TYPE };

static int
ls_opt (void *ctx, int key, const char *arg, struct oci_error *err)
{
  struct ls_opts *o = ctx;
  if (key == OPT_PAGE)
    return regctl_parse_int (arg, 1, 100000, &o->page_size, "--page-size", err);
  return 0;
}

struct tag_list {
  char **tags;
  size_t len;
};

static int
collect_tag (void *ctx, const char *tag, struct oci_error *err)
{
  struct tag_list *l = ctx;
  char **n = realloc (l->tags, (l->len + 1) * sizeof *n);
  if (!n)
    return oci_error_set (err, ENOMEM, "tags");
  l->tags = n;
  if (!(n[l->len] = strdup (tag)))
    return oci_error_set (err, ENOMEM, "tags");
  l->len++;
  return 0;
}

int
regctl_cmd_tag_ls (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_opt opts[] = {
    { "page-size", required_argument, OPT_PAGE, "N   tags asked for per request (default: the registry's)" },
    { NULL, 0, 0, NULL },
  };
  static const struct regctl_cmd_spec spec = {
    "tag ls [options] REPO",
    "List the tags of a repository, following the registry's pagination.",
    opts, 1, 1,
  };
  struct ls_opts o = { 0 };
  struct registry_repo repo = { 0 };
  cleanup_reference struct oci_reference *ref = NULL;
  struct tag_list l = { 0 };
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, ls_opt, &o, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = registry_repo_parse (g, argv[first], &repo, &ref, err);
  if (r == 0)
    r = registry_list_tags (&repo, o.page_size, collect_tag, &l, err);
  if (r == 0 && g->json)
    {
      struct oci_json_writer *w = oci_jw_new (OCI_JSON_PRETTY);
      if (!w)
        r = oci_error_set (err, ENOMEM, "output");
      else
        {
          cleanup_free char *name = oci_reference_repository (ref);
          oci_jw_begin_object (w);
          oci_jw_kv_string (w, "name", name ? name : repo.name);
          oci_jw_key (w, "tags");
          oci_jw_begin_array (w);
          for (size_t i = 0; i < l.len; i++)
            oci_jw_string (w, l.tags[i]);
          oci_jw_end_array (w);
          oci_jw_end_object (w);
          r = regctl_print_json (w, err);
          oci_jw_free (w);
        }
    }
  else if (r == 0)
    {
      for (size_t i = 0; i < l.len; i++)
        printf ("%s\n", l.tags[i]);
      r = regctl_flush_stdout (err);
    }
  for (size_t i = 0; i < l.len; i++)
    free (l.tags[i]);
  free (l.tags);
  registry_repo_clear (&repo);
  return r;
}

/* ---- tag delete ---- */

/* Registries that cannot delete a tag (distribution 2.8 answers
 * UNSUPPORTED) can delete a manifest: point the tag at a manifest of its
 * own, unique by an annotation, then delete that manifest.  The image the
 * tag named stays, untagged. */
static int
delete_by_placeholder (struct registry_repo *repo, const char *tag, struct oci_error *err)
{
  static const char empty_digest[] = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
  cleanup_free char *body = NULL;
  char digest[OCI_DIGEST_MAX];
  unsigned char rnd[8] = { 0 };
  int r;

  if (getrandom (rnd, sizeof rnd, 0) < 0)
    return oci_error_set (err, errno, "getrandom");
  r = registry_head_blob (repo, empty_digest, NULL, err);
  if (r == -ENOENT)
    r = registry_put_blob_buffer (repo, empty_digest, "{}", 2, err);
  if (r < 0)
    return r;
  if (asprintf (&body,
                "{\"schemaVersion\":2,\"mediaType\":\"" OCI_MEDIA_TYPE_IMAGE_MANIFEST "\","
                "\"config\":{\"mediaType\":\"" OCI_MEDIA_TYPE_EMPTY_JSON "\",\"digest\":\"%s\",\"size\":2},"
                "\"layers\":[],\"annotations\":{\"org.example.tong.tag-delete\":\"%s %ld %02x%02x%02x%02x%02x%02x%02x%02x\"}}",
                empty_digest, tag, (long) time (NULL), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7])
      < 0)
    return oci_error_set (err, ENOMEM, "tag delete");
  r = registry_put_manifest (repo, tag, body, strlen (body), OCI_MEDIA_TYPE_IMAGE_MANIFEST, digest, err);
  if (r == 0)
    r = registry_delete_manifest (repo, digest, err);
  return r;
}

int
regctl_cmd_tag_delete (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_cmd_spec spec = {
    "tag delete [options] REF",
    "Delete a tag from a registry; the image it named stays.",
    NULL, 1, 1,
  };
  struct registry_repo repo = { 0 };
  cleanup_reference struct oci_reference *ref = NULL;
  cleanup_image_descriptor struct oci_image_descriptor *d = NULL;
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, NULL, NULL, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = registry_repo_parse (g, argv[first], &repo, &ref, err);
  if (r == 0 && (ref->digest || !ref->tag))
    r = oci_error_set (err, EINVAL, "tag delete: \"%s\" names no tag", argv[first]);
  /* The tag must exist, whatever way it is deleted. */
  if (r == 0)
    r = registry_head_manifest (&repo, ref->tag, &d, err);
  if (r == 0)
    {
      r = registry_delete_manifest (&repo, ref->tag, err);
      if (r == -EINVAL || r == -ENOTSUP || r == -ENOENT || r == -EIO)
        {
          oci_error_clear (err);
          r = delete_by_placeholder (&repo, ref->tag, err);
        }
    }
  registry_repo_clear (&repo);
  return r;
}

/* ---- referrers ls ---- */

struct ref_opts {
  const char *artifact_type;
};

static int
ref_opt (void *ctx, int key, const char *arg, struct oci_error *err)
{
  struct ref_opts *o = ctx;
  (void) err;
  if (key == OPT_ARTIFACT_TYPE)
    o->artifact_type = arg;
  return 0;
}

int
regctl_cmd_referrers_ls (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_opt opts[] = {
    { "artifact-type", required_argument, OPT_ARTIFACT_TYPE, "T  only referrers of this artifact type" },
    { NULL, 0, 0, NULL },
  };
  static const struct regctl_cmd_spec spec = {
    "referrers ls [options] REF",
    "List the manifests whose subject is REF (the referrers API, or the\n"
    "referrers tag schema on registries without it): one digest and\n"
    "artifact type a line, the index with --format json.",
    opts, 1, 1,
  };
  struct ref_opts o = { 0 };
  struct registry_repo repo = { 0 };
  cleanup_reference struct oci_reference *ref = NULL;
  cleanup_image_index struct oci_image_index *index = NULL;
  cleanup_image_descriptor struct oci_image_descriptor *d = NULL;
  cleanup_free char *text = NULL;
  size_t len;
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, ref_opt, &o, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = registry_repo_parse (g, argv[first], &repo, &ref, err);
  if (r == 0 && !ref->digest)
    r = registry_head_manifest (&repo, ref->tag, &d, err);
  if (r == 0)
    r = registry_referrers (&repo, ref->digest ? ref->digest : d->digest, o.artifact_type, &index, NULL, err);
  registry_repo_clear (&repo);
  if (r < 0)
    return r;
  if (g->json)
    {
      r = oci_image_index_generate (index, OCI_JSON_PRETTY, &text, &len, err);
      if (r == 0)
        r = regctl_print_json_text (text, len, err);
      return r;
    }
  for (size_t i = 0; i < index->manifests_len; i++)
    printf ("%s %s\n", index->manifests[i].digest,
            index->manifests[i].artifact_type ? index->manifests[i].artifact_type : "-");
  return regctl_flush_stdout (err);
}
