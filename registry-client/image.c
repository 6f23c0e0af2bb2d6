/* Platform selection and loading an image's manifest and config. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "oci/cleanup.h"

/* Configs are small; anything bigger is not one. */
#define CONFIG_MAX (16u * 1024 * 1024)

int
regctl_platform (const struct regctl_globals *g, struct oci_platform *ret, struct oci_error *err)
{
  if (g->platform)
    return oci_platform_parse (g->platform, ret, err);
  return oci_platform_host (ret, err);
}

int
image_select_platform (const struct regctl_globals *g, struct image_ref *r, struct registry_manifest *m,
                       struct oci_error *err)
{
  cleanup_image_index struct oci_image_index *index = NULL;
  struct oci_platform want = { 0 };
  struct registry_manifest child = { 0 };
  size_t i;
  int rc;

  if (!oci_media_type_is_index (m->media_type))
    return 0;
  rc = oci_image_index_parse_text (m->body, m->len, &index, err);
  if (rc < 0)
    return oci_error_wrap (err, "index %s", m->digest);
  rc = regctl_platform (g, &want, err);
  if (rc < 0)
    return rc;
  rc = oci_platform_select (index, &want, &i, err);
  oci_platform_clear (&want);
  if (rc < 0)
    return oci_error_wrap (err, "%s", r->spec);
  rc = image_get_manifest (r, index->manifests[i].digest, &child, err);
  if (rc < 0)
    return rc;
  if ((int64_t) child.len != index->manifests[i].size)
    {
      registry_manifest_clear (&child);
      return oci_error_set (err, EIO, "manifest %s: size mismatch: the index says %lld bytes, got %zu",
                            index->manifests[i].digest, (long long) index->manifests[i].size, child.len);
    }
  registry_manifest_clear (m);
  *m = child;
  /* A nested index: select again (bounded by the recursion of indexes
   * that registries accept, one level in practice). */
  if (oci_media_type_is_index (m->media_type))
    return oci_error_set (err, ENOTSUP, "%s: an index inside an index is not supported here", r->spec);
  return 0;
}

void
image_info_clear (struct image_info *info)
{
  registry_manifest_clear (&info->manifest);
  oci_image_manifest_free (info->parsed);
  free (info->config_text);
  oci_image_config_free (info->config);
  memset (info, 0, sizeof *info);
}

int
image_load (const struct regctl_globals *g, struct image_ref *r, struct image_info *ret, struct oci_error *err)
{
  struct image_info info = { 0 };
  int rc;

  rc = image_get_manifest (r, NULL, &info.manifest, err);
  if (rc == 0)
    rc = image_select_platform (g, r, &info.manifest, err);
  if (rc == 0 && !oci_media_type_is_manifest (info.manifest.media_type))
    rc = oci_error_set (err, EINVAL, "%s: %s is not an image manifest", r->spec, info.manifest.media_type);
  if (rc == 0 && (rc = oci_image_manifest_parse_text (info.manifest.body, info.manifest.len, &info.parsed, err)) < 0)
    oci_error_wrap (err, "manifest %s", info.manifest.digest);
  if (rc == 0)
    rc = image_read_blob (r, info.parsed->config, CONFIG_MAX, &info.config_text, &info.config_len, err);
  if (rc == 0 && oci_media_type_is_config (info.parsed->config->media_type)
      && (rc = oci_image_config_parse_text (info.config_text, info.config_len, &info.config, err)) < 0)
    oci_error_wrap (err, "config %s", info.parsed->config->digest);
  if (rc < 0)
    {
      image_info_clear (&info);
      return rc;
    }
  *ret = info;
  return 0;
}
