/* image-spec (v1.1) documents as C structs: descriptor, image manifest,
 * image index, image config and the image layout's `oci-layout` file, plus
 * the media types of OCI and of Docker's schema2 (registries still serve
 * it; its manifest and manifest list parse into the same structs).
 *
 * Conventions (see oci-spec/bind.h): an optional scalar `x` comes with
 * `bool x_present`; strings are NULL when absent; arrays are `T *x` and
 * `size_t x_len` (string arrays are NULL-terminated too); maps of strings
 * are struct oci_strmap; maps of objects are `x_keys`, `x_values`, `x_len`;
 * `extra` keeps unknown keys so that a document round-trips (Docker's
 * additions to the image config, such as Healthcheck, Memory or Shell,
 * live in `extra` of struct oci_image_exec_config). */
#ifndef OCI_IMAGE_SPEC_H
#define OCI_IMAGE_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci/error.h"
#include "oci/json.h"
#include "oci/strmap.h"

#define OCI_IMAGE_SPEC_VERSION "1.1.1"
#define OCI_IMAGE_LAYOUT_VERSION "1.0.0"

/* OCI media types (media-types.md). */
#define OCI_MEDIA_TYPE_DESCRIPTOR "application/vnd.oci.descriptor.v1+json"
#define OCI_MEDIA_TYPE_LAYOUT_HEADER "application/vnd.oci.layout.header.v1+json"
#define OCI_MEDIA_TYPE_IMAGE_INDEX "application/vnd.oci.image.index.v1+json"
#define OCI_MEDIA_TYPE_IMAGE_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_MEDIA_TYPE_IMAGE_CONFIG "application/vnd.oci.image.config.v1+json"
#define OCI_MEDIA_TYPE_EMPTY_JSON "application/vnd.oci.empty.v1+json"
#define OCI_MEDIA_TYPE_LAYER "application/vnd.oci.image.layer.v1.tar"
#define OCI_MEDIA_TYPE_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define OCI_MEDIA_TYPE_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
/* Deprecated by the spec, still found in the wild. */
#define OCI_MEDIA_TYPE_LAYER_NONDIST "application/vnd.oci.image.layer.nondistributable.v1.tar"
#define OCI_MEDIA_TYPE_LAYER_NONDIST_GZIP "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
#define OCI_MEDIA_TYPE_LAYER_NONDIST_ZSTD "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"

/* Docker image manifest v2, schema 2 (distribution's manifest-v2-2.md). */
#define OCI_DOCKER_MEDIA_TYPE_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define OCI_DOCKER_MEDIA_TYPE_MANIFEST_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define OCI_DOCKER_MEDIA_TYPE_CONFIG "application/vnd.docker.container.image.v1+json"
#define OCI_DOCKER_MEDIA_TYPE_LAYER "application/vnd.docker.image.rootfs.diff.tar"
#define OCI_DOCKER_MEDIA_TYPE_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define OCI_DOCKER_MEDIA_TYPE_FOREIGN_LAYER "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
/* Schema 1 is not supported; the names let callers refuse it by name. */
#define OCI_DOCKER_MEDIA_TYPE_MANIFEST_V1 "application/vnd.docker.distribution.manifest.v1+json"
#define OCI_DOCKER_MEDIA_TYPE_MANIFEST_V1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* Pre-defined annotation keys (annotations.md) the toolchain uses. */
#define OCI_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"
#define OCI_ANNOTATION_CREATED "org.opencontainers.image.created"
#define OCI_ANNOTATION_BASE_NAME "org.opencontainers.image.base.name"
#define OCI_ANNOTATION_BASE_DIGEST "org.opencontainers.image.base.digest"

/* An image index or a Docker manifest list. */
bool oci_media_type_is_index (const char *media_type);
/* An image manifest or a Docker schema2 manifest. */
bool oci_media_type_is_manifest (const char *media_type);
/* An image config, OCI or Docker. */
bool oci_media_type_is_config (const char *media_type);
/* A layer tarball of any of the types above (plain, gzip, zstd,
 * non-distributable, Docker, Docker foreign). */
bool oci_media_type_is_layer (const char *media_type);

/* The media type a manifest-like document declares, or failing that the
 * one its shape implies (`manifests` → index, `config` and `layers` →
 * manifest); NULL
 * when neither tells.  Points into j. */
const char *oci_image_detect_media_type (const struct oci_json *j);

/* An object whose members are ignored: the values of ExposedPorts and
 * Volumes, which Go serialises as `{}`. */
struct oci_image_empty {
  struct oci_json *extra;
};

struct oci_image_platform {
  char *architecture;
  char *os;
  char *os_version;        /* "os.version" */
  char **os_features;      /* "os.features" */
  size_t os_features_len;
  char *variant;
  char **features;         /* reserved by the spec; Docker lists use it */
  size_t features_len;
  struct oci_json *extra;
};

struct oci_image_descriptor {
  char *media_type;
  char *digest;            /* validated: `algorithm:encoded` */
  int64_t size;            /* never negative */
  char **urls;
  size_t urls_len;
  struct oci_strmap *annotations;
  char *data;              /* base64, as in the document */
  struct oci_image_platform *platform;
  char *artifact_type;
  struct oci_json *extra;
};

struct oci_image_manifest {
  int64_t schema_version;  /* always 2 */
  char *media_type;
  char *artifact_type;
  struct oci_image_descriptor *config;
  struct oci_image_descriptor *layers;
  size_t layers_len;
  struct oci_image_descriptor *subject;
  struct oci_strmap *annotations;
  struct oci_json *extra;
};

struct oci_image_index {
  int64_t schema_version;  /* always 2 */
  char *media_type;
  char *artifact_type;
  struct oci_image_descriptor *manifests;
  size_t manifests_len;
  struct oci_image_descriptor *subject;
  struct oci_strmap *annotations;
  struct oci_json *extra;
};

/* The `config` member of an image config: how to run the image. */
struct oci_image_exec_config {
  char *user;
  char **exposed_ports_keys;                  /* "80/tcp" … */
  struct oci_image_empty *exposed_ports_values;
  size_t exposed_ports_len;
  char **env;
  size_t env_len;
  char **entrypoint;       /* NULL when absent; non-NULL and empty when [] */
  size_t entrypoint_len;
  char **cmd;
  size_t cmd_len;
  char **volumes_keys;
  struct oci_image_empty *volumes_values;
  size_t volumes_len;
  char *working_dir;
  struct oci_strmap *labels;
  char *stop_signal;
  bool args_escaped;
  bool args_escaped_present;
  struct oci_json *extra;
};

struct oci_image_rootfs {
  char *type;              /* always "layers" */
  char **diff_ids;
  size_t diff_ids_len;
  struct oci_json *extra;
};

struct oci_image_history {
  char *created;
  char *created_by;
  char *author;
  char *comment;
  bool empty_layer;
  bool empty_layer_present;
  struct oci_json *extra;
};

struct oci_image_config {
  char *created;           /* RFC 3339 */
  char *author;
  char *architecture;
  char *os;
  char *os_version;
  char **os_features;
  size_t os_features_len;
  char *variant;
  struct oci_image_exec_config *config;
  struct oci_image_rootfs *rootfs;
  struct oci_image_history *history;
  size_t history_len;
  struct oci_json *extra;
};

/* The `oci-layout` file at the root of an image layout. */
struct oci_image_layout {
  char *image_layout_version;  /* "1.0.0" */
  struct oci_json *extra;
};

/* For each document type X in descriptor, manifest, index, config, layout:
 * parse and validate (errors name the JSON path: `layers[1].digest:
 * invalid digest "sha256:xyz": …`), validate again after a caller changed
 * the struct, serialise, free (NULL is fine). */
#define OCI_IMAGE_DECLARE(name, T)                                                                  \
  int oci_image_##name##_parse_json (const struct oci_json *j, T **ret, struct oci_error *err);     \
  int oci_image_##name##_parse_text (const char *buf, size_t len, T **ret, struct oci_error *err); \
  int oci_image_##name##_parse_file (const char *path, T **ret, struct oci_error *err);             \
  int oci_image_##name##_validate (const T *obj, struct oci_error *err);                             \
  int oci_image_##name##_generate (const T *obj, int json_flags, char **ret, size_t *ret_len,        \
                                   struct oci_error *err);                                          \
  void oci_image_##name##_free (T *obj);                                                             \
  static inline void oci_image_##name##_freep (T **p) { oci_image_##name##_free (*p); }

OCI_IMAGE_DECLARE (descriptor, struct oci_image_descriptor)
OCI_IMAGE_DECLARE (manifest, struct oci_image_manifest)
OCI_IMAGE_DECLARE (index, struct oci_image_index)
OCI_IMAGE_DECLARE (config, struct oci_image_config)
OCI_IMAGE_DECLARE (layout, struct oci_image_layout)

#define cleanup_image_descriptor __attribute__ ((cleanup (oci_image_descriptor_freep)))
#define cleanup_image_manifest __attribute__ ((cleanup (oci_image_manifest_freep)))
#define cleanup_image_index __attribute__ ((cleanup (oci_image_index_freep)))
#define cleanup_image_config __attribute__ ((cleanup (oci_image_config_freep)))
#define cleanup_image_layout __attribute__ ((cleanup (oci_image_layout_freep)))

/* A new descriptor holding copies of the three required fields, checked
 * as a parsed one would be. */
int oci_image_descriptor_new (const char *media_type, const char *digest, int64_t size,
                              struct oci_image_descriptor **ret, struct oci_error *err);
/* Deep copy into *dst (overwritten, not freed first). */
int oci_image_descriptor_copy (struct oci_image_descriptor *dst, const struct oci_image_descriptor *src,
                               struct oci_error *err);
/* Releases what a descriptor owns and zeroes it, for descriptors that are
 * elements of an array (manifests[i], layers[i]). */
void oci_image_descriptor_clear (struct oci_image_descriptor *d);
/* The `org.opencontainers.image.ref.name` annotation, NULL when absent. */
const char *oci_image_descriptor_ref_name (const struct oci_image_descriptor *d);

/* An empty index (`schemaVersion` 2, OCI media type, no manifests), as a
 * new image layout's index.json holds. */
int oci_image_index_new (struct oci_image_index **ret, struct oci_error *err);

#endif
