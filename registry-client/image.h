/* What several commands do with an image: the platform to select, an
 * index resolved to one manifest, the parsed manifest and config. */
#ifndef REGCTL_IMAGE_H
#define REGCTL_IMAGE_H

#include "oci/image-spec.h"
#include "oci/platform.h"
#include "registry.h"
#include "transport.h"

/* --platform, or the host's. */
int regctl_platform (const struct regctl_globals *g, struct oci_platform *ret, struct oci_error *err);

/* When m is an index, replaces it by the manifest of the selected
 * platform (fetched from r). */
int image_select_platform (const struct regctl_globals *g, struct image_ref *r, struct registry_manifest *m,
                           struct oci_error *err);

/* The image manifest (platform selected) and its config, parsed. */
struct image_info {
  struct registry_manifest manifest;
  struct oci_image_manifest *parsed;
  char *config_text;
  size_t config_len;
  struct oci_image_config *config;   /* NULL when the config is not an image config */
};

int image_load (const struct regctl_globals *g, struct image_ref *r, struct image_info *ret, struct oci_error *err);
void image_info_clear (struct image_info *info);

#endif
