/* Whole images: the plan (manifests, children of an index first, and
 * their blobs), the blobs through transfer_blobs(), then the manifests,
 * the root under its name last; OCI referrers on request. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "oci/cleanup.h"
#include "oci/json.h"
#include "transfer.h"

#define REFERRERS_DEPTH 4

/* ---- images ---- */

/* A manifest to write at the destination, in order (children first). */
struct copied_manifest {
  struct registry_manifest m;
  struct oci_image_manifest *parsed;  /* NULL for an index */
};

struct image_plan {
  struct copied_manifest *items;
  size_t len;
  struct oci_image_descriptor *blobs;
  size_t blobs_len;
};

static void
plan_clear (struct image_plan *p)
{
  for (size_t i = 0; i < p->len; i++)
    {
      registry_manifest_clear (&p->items[i].m);
      oci_image_manifest_free (p->items[i].parsed);
    }
  free (p->items);
  for (size_t i = 0; i < p->blobs_len; i++)
    oci_image_descriptor_clear (&p->blobs[i]);
  free (p->blobs);
  memset (p, 0, sizeof *p);
}

static int
plan_add_blob (struct image_plan *p, const struct oci_image_descriptor *d, struct oci_error *err)
{
  struct oci_image_descriptor *n;

  /* Foreign layers (Windows base layers) are not ours to copy. */
  if (d->urls_len > 0 && (strcmp (d->media_type, OCI_DOCKER_MEDIA_TYPE_FOREIGN_LAYER) == 0
                          || strstr (d->media_type, "nondistributable")))
    return 0;
  for (size_t i = 0; i < p->blobs_len; i++)
    if (oci_digest_equal (p->blobs[i].digest, d->digest))
      return 0;
  n = realloc (p->blobs, (p->blobs_len + 1) * sizeof *n);
  if (!n)
    return oci_error_set (err, ENOMEM, "plan");
  p->blobs = n;
  memset (&n[p->blobs_len], 0, sizeof n[0]);
  if (oci_image_descriptor_copy (&n[p->blobs_len], d, err) < 0)
    return -ENOMEM;
  p->blobs_len++;
  return 0;
}

/* Adds m (taking it) and, for an index, its children first. */
static int
plan_add (struct image_ref *src, struct image_plan *p, struct registry_manifest *m, int depth, struct oci_error *err)
{
  struct copied_manifest item = { 0 };
  struct copied_manifest *n;
  int r;

  if (depth > 4)
    return oci_error_set (err, ELOOP, "indexes nested too deep at %s", m->digest);
  if (oci_media_type_is_index (m->media_type))
    {
      cleanup_image_index struct oci_image_index *index = NULL;
      r = oci_image_index_parse_text (m->body, m->len, &index, err);
      if (r < 0)
        return oci_error_wrap (err, "index %s", m->digest);
      for (size_t i = 0; i < index->manifests_len; i++)
        {
          const struct oci_image_descriptor *d = &index->manifests[i];
          struct registry_manifest child = { 0 };
          bool seen = false;
          for (size_t k = 0; k < p->len; k++)
            seen |= oci_digest_equal (p->items[k].m.digest, d->digest);
          if (seen)
            continue;
          r = image_get_manifest (src, d->digest, &child, err);
          if (r < 0)
            return r;
          if ((int64_t) child.len != d->size)
            {
              registry_manifest_clear (&child);
              return oci_error_set (err, EIO, "manifest %s: size mismatch: the index says %" PRId64 " bytes, got %zu",
                                    d->digest, d->size, child.len);
            }
          r = plan_add (src, p, &child, depth + 1, err);
          registry_manifest_clear (&child);
          if (r < 0)
            return r;
        }
    }
  else if (oci_media_type_is_manifest (m->media_type))
    {
      r = oci_image_manifest_parse_text (m->body, m->len, &item.parsed, err);
      if (r < 0)
        return oci_error_wrap (err, "manifest %s", m->digest);
      r = plan_add_blob (p, item.parsed->config, err);
      for (size_t i = 0; r == 0 && i < item.parsed->layers_len; i++)
        r = plan_add_blob (p, &item.parsed->layers[i], err);
      if (r < 0)
        {
          oci_image_manifest_free (item.parsed);
          return r;
        }
    }
  else
    return oci_error_set (err, ENOTSUP, "%s: media type %s is neither a manifest nor an index", m->digest,
                          m->media_type);
  n = realloc (p->items, (p->len + 1) * sizeof *n);
  if (!n)
    {
      oci_image_manifest_free (item.parsed);
      return oci_error_set (err, ENOMEM, "plan");
    }
  p->items = n;
  item.m = *m;
  memset (m, 0, sizeof *m);
  p->items[p->len++] = item;
  return 0;
}

/* The name the destination gives the image; NULL when it is stored by
 * digest only.  *ret_flags: store tag flags. */
static int
dest_name (struct image_ref *src, struct image_ref *dst, const struct transfer_opts *o, const char *digest,
           char **ret, unsigned *ret_flags, struct oci_error *err)
{
  const char *name = o->dest_tag;

  *ret = NULL;
  *ret_flags = 0;
  switch (dst->kind)
    {
    case IMAGE_REGISTRY:
      if (!name)
        name = dst->ref->tag;
      break;
    case IMAGE_STORE:
      if (name)
        break;
      if (dst->ref && dst->ref->digest)
        {
          /* By digest: "repo@digest", as Docker lists RepoDigests. */
          cleanup_free char *repo = oci_reference_repository (dst->ref);
          if (!repo || asprintf (ret, "%s@%s", repo, digest) < 0)
            return oci_error_set (err, ENOMEM, "tag");
          *ret_flags = OCI_STORE_REF_VERBATIM;
          return 0;
        }
      name = dst->name;
      break;
    case IMAGE_LAYOUT:
    case IMAGE_ARCHIVE:
      *ret_flags = OCI_STORE_REF_VERBATIM;
      if (!name)
        name = dst->name;
      if (!name && src)
        name = src->kind == IMAGE_REGISTRY ? src->ref->tag : src->kind == IMAGE_STORE && src->ref ? src->ref->tag : src->name;
      if (!name)
        return oci_error_set (err, EINVAL, "%s: give the image a name (%s:NAME)", dst->spec, dst->spec);
      break;
    }
  if (name && !(*ret = strdup (name)))
    return oci_error_set (err, ENOMEM, "tag");
  return 0;
}

static int
put_manifest (struct image_ref *dst, const struct registry_manifest *m, const char *tag, unsigned flags,
              struct oci_error *err)
{
  if (dst->kind == IMAGE_REGISTRY)
    return registry_put_manifest (&dst->repo, tag ? tag : m->digest, m->body, m->len, m->media_type, NULL, err);
  int r = oci_store_put_blob (dst->store, m->body, m->len, m->digest, NULL, err);
  if (r == 0 && tag)
    {
      cleanup_image_descriptor struct oci_image_descriptor *d = NULL;
      r = oci_image_descriptor_new (m->media_type, m->digest, (int64_t) m->len, &d, err);
      if (r == 0)
        r = oci_store_tag (dst->store, tag, d, flags, err);
    }
  return r;
}

static int copy_referrers (struct regctl_globals *g, struct image_ref *src, struct image_ref *dst,
                           const struct transfer_opts *o, const struct image_plan *p, int depth,
                           struct oci_error *err);

static int
transfer_image_depth (struct regctl_globals *g, struct image_ref *src, struct image_ref *dst,
                      const struct transfer_opts *o, const char *src_digest, int depth,
                      char ret_digest[OCI_DIGEST_MAX], struct oci_error *err)
{
  struct image_plan p = { 0 };
  struct registry_manifest root = { 0 };
  cleanup_free char *tag = NULL;
  unsigned flags = 0;
  int r;

  r = image_get_manifest (src, src_digest, &root, err);
  if (r == 0 && !o->all_platforms)
    r = image_select_platform (g, src, &root, err);
  if (r == 0)
    r = plan_add (src, &p, &root, 0, err);
  registry_manifest_clear (&root);
  if (r == 0)
    r = transfer_blobs (g, src, dst, p.blobs, p.blobs_len, o, err);
  if (r == 0)
    r = dest_name (src, dst, o, p.items[p.len - 1].m.digest, &tag, &flags, err);
  /* Children by digest, then the root under its name. */
  for (size_t i = 0; r == 0 && i < p.len; i++)
    r = put_manifest (dst, &p.items[i].m, i + 1 == p.len ? tag : NULL, flags, err);
  if (r == 0 && o->referrers && depth < REFERRERS_DEPTH)
    r = copy_referrers (g, src, dst, o, &p, depth, err);
  if (r == 0)
    snprintf (ret_digest, OCI_DIGEST_MAX, "%s", p.items[p.len - 1].m.digest);
  plan_clear (&p);
  return r;
}

int
transfer_image (struct regctl_globals *g, struct image_ref *src, struct image_ref *dst, const struct transfer_opts *o,
                char ret_digest[OCI_DIGEST_MAX], struct oci_error *err)
{
  return transfer_image_depth (g, src, dst, o, NULL, 0, ret_digest, err);
}

/* ---- referrers ---- */

/* The referrers index at the destination under the tag schema, with
 * descriptors added (registries without the referrers API, layouts). */
static int
update_referrers_tag (struct image_ref *dst, const char *subject, const struct oci_image_index *add,
                      struct oci_error *err)
{
  cleanup_image_index struct oci_image_index *index = NULL;
  cleanup_free char *tag = registry_referrers_tag (subject);
  cleanup_free char *text = NULL;
  struct registry_manifest cur = { 0 }, out = { 0 };
  size_t len;
  int r;

  if (!tag)
    return oci_error_set (err, ENOMEM, "referrers");
  /* Registries: registry_put_manifest keeps the list when they need it. */
  if (dst->kind == IMAGE_REGISTRY)
    return 0;
  else
    {
      cleanup_image_descriptor struct oci_image_descriptor *d = NULL;
      r = oci_store_resolve (dst->store, tag, &d, err);
      if (r == 0)
        r = image_get_manifest (dst, d->digest, &cur, err);
    }
  if (r == 0)
    r = oci_image_index_parse_text (cur.body, cur.len, &index, err);
  else if (r == -ENOENT)
    {
      oci_error_clear (err);
      r = oci_image_index_new (&index, err);
    }
  registry_manifest_clear (&cur);
  if (r < 0)
    return r;
  bool changed = false;
  for (size_t i = 0; i < add->manifests_len; i++)
    {
      bool have = false;
      struct oci_image_descriptor *n;
      for (size_t k = 0; k < index->manifests_len; k++)
        have |= oci_digest_equal (index->manifests[k].digest, add->manifests[i].digest);
      if (have)
        continue;
      n = realloc (index->manifests, (index->manifests_len + 1) * sizeof *n);
      if (!n)
        return oci_error_set (err, ENOMEM, "referrers");
      index->manifests = n;
      memset (&n[index->manifests_len], 0, sizeof *n);
      if ((r = oci_image_descriptor_copy (&n[index->manifests_len], &add->manifests[i], err)) < 0)
        return r;
      index->manifests_len++;
      changed = true;
    }
  if (!changed)
    return 0;
  r = oci_image_index_generate (index, OCI_JSON_COMPACT, &text, &len, err);
  if (r < 0)
    return r;
  out.body = text;
  out.len = len;
  out.media_type = (char *) OCI_MEDIA_TYPE_IMAGE_INDEX;
  r = oci_digest_buffer (OCI_DIGEST_SHA256, text, len, out.digest, err);
  if (r == 0)
    r = put_manifest (dst, &out, tag, OCI_STORE_REF_VERBATIM, err);
  return r;
}

/* The referrers of subject at the source: the registry's (API or tag
 * schema), or a layout's referrers tag schema index (none when absent). */
static int
source_referrers (struct image_ref *src, const char *subject, struct oci_image_index **ret, struct oci_error *err)
{
  cleanup_image_descriptor struct oci_image_descriptor *d = NULL;
  cleanup_free char *tag = NULL;
  struct registry_manifest m = { 0 };
  int r;

  if (src->kind == IMAGE_REGISTRY)
    return registry_referrers (&src->repo, subject, NULL, ret, NULL, err);
  tag = registry_referrers_tag (subject);
  if (!tag)
    return oci_error_set (err, ENOMEM, "referrers");
  r = oci_store_resolve (src->store, tag, &d, err);
  if (r == -ENOENT)
    {
      oci_error_clear (err);
      return oci_image_index_new (ret, err);
    }
  if (r == 0)
    r = image_get_manifest (src, d->digest, &m, err);
  if (r == 0 && !oci_media_type_is_index (m.media_type))
    r = oci_error_set (err, EINVAL, "%s: tag %s is not a referrers index (%s)", src->spec, tag, m.media_type);
  if (r == 0)
    r = oci_image_index_parse_text (m.body, m.len, ret, err);
  registry_manifest_clear (&m);
  return r;
}

static int
copy_referrers (struct regctl_globals *g, struct image_ref *src, struct image_ref *dst, const struct transfer_opts *o,
                const struct image_plan *p, int depth, struct oci_error *err)
{
  struct transfer_opts sub = *o;
  int r;

  sub.all_platforms = true;
  sub.dest_tag = NULL;
  for (size_t i = 0; i < p->len; i++)
    {
      cleanup_image_index struct oci_image_index *refs = NULL;
      const char *subject = p->items[i].m.digest;

      r = source_referrers (src, subject, &refs, err);
      if (r < 0)
        return r;
      if (refs->manifests_len == 0)
        continue;
      for (size_t k = 0; k < refs->manifests_len; k++)
        {
          char digest[OCI_DIGEST_MAX];
          struct image_ref by_digest = *dst;
          /* Written by digest, never under the destination's tag. */
          struct oci_reference ref_copy;
          if (dst->kind == IMAGE_REGISTRY)
            {
              ref_copy = *dst->ref;
              ref_copy.tag = NULL;
              ref_copy.digest = refs->manifests[k].digest;
              by_digest.ref = &ref_copy;
            }
          sub.dest_tag = NULL;
          if (dst->kind != IMAGE_REGISTRY)
            {
              /* Layouts keep referrers through the tag schema index only. */
              struct registry_manifest m = { 0 };
              struct image_plan rp = { 0 };
              r = image_get_manifest (src, refs->manifests[k].digest, &m, err);
              if (r == 0)
                r = plan_add (src, &rp, &m, 0, err);
              registry_manifest_clear (&m);
              if (r == 0)
                r = transfer_blobs (g, src, dst, rp.blobs, rp.blobs_len, &sub, err);
              for (size_t x = 0; r == 0 && x < rp.len; x++)
                r = put_manifest (dst, &rp.items[x].m, NULL, 0, err);
              plan_clear (&rp);
              if (r < 0)
                return r;
              continue;
            }
          r = transfer_image_depth (g, src, &by_digest, &sub, refs->manifests[k].digest, depth + 1, digest, err);
          if (r < 0)
            return r;
        }
      r = update_referrers_tag (dst, subject, refs, err);
      if (r < 0)
        return r;
    }
  return 0;
}
