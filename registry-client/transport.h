/* Where images live: a registry, an OCI layout directory (oci:DIR[:REF]),
 * an OCI layout in a tar (oci-archive:FILE[:REF], "-" for stdin/stdout),
 * or the image store.  Each is read and written through one struct. */
#ifndef REGCTL_TRANSPORT_H
#define REGCTL_TRANSPORT_H

#include <stdbool.h>

#include "oci/error.h"
#include "oci/image-spec.h"
#include "oci/reference.h"
#include "oci/store.h"
#include "registry.h"
#include "regctl.h"

enum image_kind {
  IMAGE_REGISTRY,
  IMAGE_LAYOUT,
  IMAGE_ARCHIVE,
  IMAGE_STORE,
};

struct image_ref {
  enum image_kind kind;
  const char *spec;              /* as typed */
  struct registry_repo repo;     /* REGISTRY */
  struct oci_reference *ref;     /* REGISTRY; STORE when the name parses */
  char *path;                    /* LAYOUT directory, ARCHIVE file */
  char *name;                    /* LAYOUT, ARCHIVE, STORE: the name within; NULL when none */
  struct oci_store *store;       /* LAYOUT, ARCHIVE (its staging layout), STORE, once opened */
  char *staging;                 /* ARCHIVE: temporary directory holding the layout */
  bool dest;
};

/* How a spec without a transport prefix is read: a registry reference,
 * or a name in the image store. */
enum image_default {
  IMAGE_DEFAULT_REGISTRY,
  IMAGE_DEFAULT_STORE,
};

int image_ref_parse (struct regctl_globals *g, const char *spec, enum image_default def, struct image_ref *ret,
                     struct oci_error *err);
void image_ref_clear (struct image_ref *r);

/* Opens a source (an archive is unpacked to a temporary layout). */
int image_ref_open_source (struct regctl_globals *g, struct image_ref *r, struct oci_error *err);
/* A registry source of a whole image (pull, copy) reads from the first
 * mirror of its registry that has it (registries config); others as they
 * are. */
int image_ref_use_mirrors (struct image_ref *r, struct oci_error *err);
/* Opens a destination (layouts and the store are created when absent). */
int image_ref_open_dest (struct regctl_globals *g, struct image_ref *r, struct oci_error *err);
/* Finishes a destination: an archive is written from its staging layout. */
int image_ref_finish_dest (struct image_ref *r, struct oci_error *err);

/* The manifest the reference names (reference == NULL) or the one with
 * this digest, verified. */
int image_get_manifest (struct image_ref *r, const char *reference, struct registry_manifest *ret,
                        struct oci_error *err);
/* A small blob (a config) in memory, verified. */
int image_read_blob (struct image_ref *r, const struct oci_image_descriptor *desc, size_t max, char **ret,
                     size_t *ret_len, struct oci_error *err);

/* The tag a reference gives its image at a destination, or NULL (a
 * digest only).  Points into r. */
const char *image_ref_tag (const struct image_ref *r);

/* Opens the image store (--store or the default). */
int regctl_open_store (struct regctl_globals *g, bool create, struct oci_store **ret, struct oci_error *err);

/* Removes a directory tree (staging layouts); errors are ignored. */
void regctl_remove_tree (const char *path);

#endif
