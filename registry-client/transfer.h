/* Copying images and blobs between any two places (transport.h): blobs
 * in parallel on one HTTP engine, registry to registry streamed through
 * a buffer (no local copy), digests and sizes verified as bytes arrive,
 * manifests after their blobs and the tag last. */
#ifndef REGCTL_TRANSFER_H
#define REGCTL_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "oci/digest.h"
#include "oci/error.h"
#include "oci/image-spec.h"
#include "transport.h"

struct transfer_opts {
  int parallel;              /* blobs in flight */
  uint64_t chunk_size;       /* 0: monolithic uploads */
  bool all_platforms;        /* copy an index whole */
  bool referrers;            /* copy OCI 1.1 referrers too */
  /* A repository on the destination registry that may already hold the
   * blobs (cross-repository mount); NULL: none known. */
  const struct registry_repo *mount_from;
  /* The tag at the destination (NULL: the destination reference's, then
   * the source's). */
  const char *dest_tag;
};

/* Copies the image src names to dst; ret_digest receives the digest of
 * the root manifest written (the platform's manifest unless
 * all_platforms). */
int transfer_image (struct regctl_globals *g, struct image_ref *src, struct image_ref *dst,
                    const struct transfer_opts *o, char ret_digest[OCI_DIGEST_MAX], struct oci_error *err);

/* Copies the blobs described (deduplicated) from src to dst. */
int transfer_blobs (struct regctl_globals *g, struct image_ref *src, struct image_ref *dst,
                    const struct oci_image_descriptor *blobs, size_t n, const struct transfer_opts *o,
                    struct oci_error *err);

/* Uploads size bytes of fd (from offset 0) as blob `digest` to a
 * registry repository. */
int transfer_upload_fd (struct regctl_globals *g, struct registry_repo *dst, int fd, int64_t size,
                        const char *digest, const struct transfer_opts *o, struct oci_error *err);

#endif
