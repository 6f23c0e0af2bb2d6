/* Tables binding image-spec documents to the structs of oci/image-spec.h,
 * and the checks the JSON schemas and the spec's text express as patterns
 * and MUSTs. */
#include "oci/image-spec.h"
#include "oci/cleanup.h"
#include "oci/digest.h"
#include "bind.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_BUF 512

static bool
str_in (const char *s, const char *const *set)
{
  for (; s && *set; set++)
    if (strcmp (s, *set) == 0)
      return true;
  return false;
}

bool
oci_media_type_is_index (const char *media_type)
{
  static const char *const types[] = { OCI_MEDIA_TYPE_IMAGE_INDEX, OCI_DOCKER_MEDIA_TYPE_MANIFEST_LIST, NULL };
  return str_in (media_type, types);
}

bool
oci_media_type_is_manifest (const char *media_type)
{
  static const char *const types[] = { OCI_MEDIA_TYPE_IMAGE_MANIFEST, OCI_DOCKER_MEDIA_TYPE_MANIFEST, NULL };
  return str_in (media_type, types);
}

bool
oci_media_type_is_config (const char *media_type)
{
  static const char *const types[] = { OCI_MEDIA_TYPE_IMAGE_CONFIG, OCI_DOCKER_MEDIA_TYPE_CONFIG, NULL };
  return str_in (media_type, types);
}

bool
oci_media_type_is_layer (const char *media_type)
{
  static const char *const types[] = {
    OCI_MEDIA_TYPE_LAYER, OCI_MEDIA_TYPE_LAYER_GZIP, OCI_MEDIA_TYPE_LAYER_ZSTD,
    OCI_MEDIA_TYPE_LAYER_NONDIST, OCI_MEDIA_TYPE_LAYER_NONDIST_GZIP, OCI_MEDIA_TYPE_LAYER_NONDIST_ZSTD,
    OCI_DOCKER_MEDIA_TYPE_LAYER, OCI_DOCKER_MEDIA_TYPE_LAYER_GZIP, OCI_DOCKER_MEDIA_TYPE_FOREIGN_LAYER,
    NULL,
  };
  return str_in (media_type, types);
}

const char *
oci_image_detect_media_type (const struct oci_json *j)
{
  const struct oci_json *mt = oci_json_get (j, "mediaType");

  if (mt && mt->type == OCI_JSON_STRING)
    return mt->u.string.str;
  if (oci_json_get (j, "manifests"))
    return OCI_MEDIA_TYPE_IMAGE_INDEX;
  /* An image config has a `config` member too, but no `layers`. */
  if (oci_json_get (j, "config") && oci_json_get (j, "layers"))
    return OCI_MEDIA_TYPE_IMAGE_MANIFEST;
  return NULL;
}

static const char *
sub_path (char buf[PATH_BUF], const char *path, const char *key)
{
  if (path && *path)
    snprintf (buf, PATH_BUF, "%s.%s", path, key);
  else
    snprintf (buf, PATH_BUF, "%s", key);
  return buf;
}

/* The engine skips members set to null before it looks for required
 * ones, so `"digest": null` arrives here as NULL; refuse it as missing. */
static int
require (const char *path, const char *key, const void *member, struct oci_error *err)
{
  char buf[PATH_BUF];

  if (!member)
    return oci_error_set (err, 0, "%s: required field is missing", sub_path (buf, path, key));
  return 0;
}

/* RFC 6838 section 4.2 restricted names, as the schema's pattern puts it:
 * type "/" subtype, each 1-127 characters from a restricted set. */
static bool
media_type_part_ok (const char *s, size_t len)
{
  static const char extra[] = "!#$&^_.+-";
  size_t i;

  if (len == 0 || len > 127)
    return false;
  for (i = 0; i < len; i++)
    {
      char c = s[i];
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || !strchr (extra, c) || c == '\0'))
        return false;
    }
  return true;
}

static int
check_media_type (const char *path, const char *key, const char *mt, struct oci_error *err)
{
  char buf[PATH_BUF];
  const char *slash = mt ? strchr (mt, '/') : NULL;

  if (!mt)
    return 0;
  if (!slash || !media_type_part_ok (mt, slash - mt) || !media_type_part_ok (slash + 1, strlen (slash + 1)))
    return oci_error_set (err, 0, "%s: \"%s\" is not a valid media type", sub_path (buf, path, key), mt);
  return 0;
}

static int
check_digest (const char *path, const char *key, const char *digest, struct oci_error *err)
{
  char buf[PATH_BUF];

  /* Digests of algorithms we cannot compute are still valid to carry
   * (descriptor.md: implementations SHOULD let them pass validation). */
  if (oci_digest_validate_grammar (digest, err) < 0)
    return oci_error_wrap (err, "%s", sub_path (buf, path, key));
  return 0;
}

static int
b64_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+' || c == '/')
    return 62;
  return -1;
}

/* RFC 4648 section 4 with padding; returns the decoded length or -1. */
static int64_t
base64_decoded_len (const char *s)
{
  size_t len = strlen (s), i, pad = 0;

  if (len % 4)
    return -1;
  for (i = 0; i < len; i++)
    {
      if (s[i] == '=' && i >= len - 2)
        {
          pad++;
          continue;
        }
      if (pad || b64_value (s[i]) < 0)
        return -1;
    }
  return (int64_t) (len / 4 * 3 - pad);
}

/* RFC 3339 section 5.6 date-time, which Go's time.Time writes and reads. */
static bool
rfc3339_ok (const char *s)
{
  static const char shape[] = "dddd-dd-ddTdd:dd:dd";
  size_t i;

  for (i = 0; shape[i]; i++)
    {
      if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9')
                          : shape[i] == 'T' ? (s[i] != 'T' && s[i] != 't') : s[i] != shape[i])
        return false;
    }
  s += i;
  if (*s == '.')
    {
      s++;
      if (*s < '0' || *s > '9')
        return false;
      while (*s >= '0' && *s <= '9')
        s++;
    }
  if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
    return true;
  if (*s != '+' && *s != '-')
    return false;
  return s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9' && s[3] == ':' && s[4] >= '0' && s[4] <= '9'
         && s[5] >= '0' && s[5] <= '9' && s[6] == '\0';
}

static int
check_time (const char *path, const char *key, const char *t, struct oci_error *err)
{
  char buf[PATH_BUF];

  if (t && !rfc3339_ok (t))
    return oci_error_set (err, 0, "%s: \"%s\" is not an RFC 3339 date-time", sub_path (buf, path, key), t);
  return 0;
}

static const struct oci_type empty_type = {
  .name = "empty object",
  .size = sizeof (struct oci_image_empty),
  .fields = NULL,
  .n_fields = 0,
  .extra = offsetof (struct oci_image_empty, extra),
  .check = NULL,
};

static int
check_platform (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_image_platform *p = obj;
  int r;

  if ((r = require (path, "architecture", p->architecture, err)) < 0)
    return r;
  return require (path, "os", p->os, err);
}

#define T struct oci_image_platform
static const struct oci_field platform_fields[] = {
  OCI_F_STR (T, "architecture", architecture, OCI_FIELD_REQUIRED),
  OCI_F_STR (T, "os", os, OCI_FIELD_REQUIRED),
  OCI_F_STR (T, "os.version", os_version, 0),
  OCI_F_STRV (T, "os.features", os_features, 0),
  OCI_F_STR (T, "variant", variant, 0),
  OCI_F_STRV (T, "features", features, 0),
};
static const struct oci_type platform_type = OCI_TYPE (T, "platform", platform_fields, check_platform);
#undef T

/* A URI needs at least a scheme (RFC 3986 section 3.1). */
static bool
uri_ok (const char *s)
{
  size_t i;

  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
    return false;
  for (i = 1; s[i] && s[i] != ':'; i++)
    if (!strchr ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-", s[i]))
      return false;
  return s[i] == ':';
}

static int
check_descriptor (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_image_descriptor *d = obj;
  char buf[PATH_BUF];
  size_t i;
  int r;

  if ((r = require (path, "mediaType", d->media_type, err)) < 0 || (r = require (path, "digest", d->digest, err)) < 0)
    return r;
  if ((r = check_media_type (path, "mediaType", d->media_type, err)) < 0)
    return r;
  if ((r = check_digest (path, "digest", d->digest, err)) < 0)
    return r;
  if (d->size < 0)
    return oci_error_set (err, 0, "%s: %lld is negative", sub_path (buf, path, "size"), (long long) d->size);
  for (i = 0; i < d->urls_len; i++)
    if (!uri_ok (d->urls[i]))
      {
        char key[32];
        snprintf (key, sizeof key, "urls[%zu]", i);
        return oci_error_set (err, 0, "%s: \"%s\" is not a URI", sub_path (buf, path, key), d->urls[i]);
      }
  if (d->data)
    {
      int64_t n = base64_decoded_len (d->data);
      if (n < 0)
        return oci_error_set (err, 0, "%s: not valid base64", sub_path (buf, path, "data"));
      /* The embedded copy MUST be the content itself (descriptor.md). */
      if (n != d->size)
        return oci_error_set (err, 0, "%s: decodes to %lld bytes, but size is %lld", sub_path (buf, path, "data"),
                              (long long) n, (long long) d->size);
    }
  return check_media_type (path, "artifactType", d->artifact_type, err);
}

#define T struct oci_image_descriptor
static const struct oci_field descriptor_fields[] = {
  OCI_F_STR (T, "mediaType", media_type, OCI_FIELD_REQUIRED),
  OCI_F_STR (T, "digest", digest, OCI_FIELD_REQUIRED),
  OCI_F_NUM_REQ (T, "size", OCI_F_INT64, size),
  OCI_F_STRV (T, "urls", urls, 0),
  OCI_F_MAP (T, "annotations", annotations),
  OCI_F_STR (T, "data", data, 0),
  OCI_F_OBJ (T, "platform", platform, platform_type, 0),
  OCI_F_STR (T, "artifactType", artifact_type, 0),
};
static const struct oci_type descriptor_type = OCI_TYPE (T, "descriptor", descriptor_fields, check_descriptor);
#undef T

static int
check_schema_version (const char *path, int64_t v, struct oci_error *err)
{
  char buf[PATH_BUF];

  if (v != 2)
    return oci_error_set (err, 0, "%s: must be 2, got %lld", sub_path (buf, path, "schemaVersion"), (long long) v);
  return 0;
}

/* A document that could be read both as a manifest and as an index lets
 * two consumers see different images under one digest (image-spec
 * advisory GHSA-77vh-xpmg-72qh), so the other type's members are refused. */
static int
check_foreign_members (const char *path, const struct oci_json *extra, const char *const *keys, const char *what,
                       struct oci_error *err)
{
  char buf[PATH_BUF];

  for (; *keys; keys++)
    if (oci_json_get (extra, *keys))
      return oci_error_set (err, 0, "%s: not allowed in %s", sub_path (buf, path, *keys), what);
  return 0;
}

static int
check_manifest (const void *obj, const char *path, struct oci_error *err)
{
  static const char *const foreign[] = { "manifests", NULL };
  const struct oci_image_manifest *m = obj;
  char buf[PATH_BUF];
  int r;

  if ((r = check_schema_version (path, m->schema_version, err)) < 0)
    return r;
  if ((r = require (path, "config", m->config, err)) < 0 || (r = require (path, "layers", m->layers, err)) < 0)
    return r;
  if (m->media_type && !oci_media_type_is_manifest (m->media_type))
    return oci_error_set (err, 0, "%s: \"%s\" is not an image manifest media type",
                          sub_path (buf, path, "mediaType"), m->media_type);
  if ((r = check_media_type (path, "artifactType", m->artifact_type, err)) < 0)
    return r;
  return check_foreign_members (path, m->extra, foreign, "an image manifest", err);
}

#define T struct oci_image_manifest
static const struct oci_field manifest_fields[] = {
  OCI_F_NUM_REQ (T, "schemaVersion", OCI_F_INT64, schema_version),
  OCI_F_STR (T, "mediaType", media_type, 0),
  OCI_F_STR (T, "artifactType", artifact_type, 0),
  OCI_F_OBJ (T, "config", config, descriptor_type, OCI_FIELD_REQUIRED),
  OCI_F_OBJV (T, "layers", layers, descriptor_type, OCI_FIELD_REQUIRED),
  OCI_F_OBJ (T, "subject", subject, descriptor_type, 0),
  OCI_F_MAP (T, "annotations", annotations),
};
static const struct oci_type manifest_type = OCI_TYPE (T, "manifest", manifest_fields, check_manifest);
#undef T

static int
check_index (const void *obj, const char *path, struct oci_error *err)
{
  static const char *const foreign[] = { "config", "layers", NULL };
  const struct oci_image_index *x = obj;
  char buf[PATH_BUF];
  int r;

  if ((r = check_schema_version (path, x->schema_version, err)) < 0)
    return r;
  if ((r = require (path, "manifests", x->manifests, err)) < 0)
    return r;
  if (x->media_type && !oci_media_type_is_index (x->media_type))
    return oci_error_set (err, 0, "%s: \"%s\" is not an image index media type", sub_path (buf, path, "mediaType"),
                          x->media_type);
  if ((r = check_media_type (path, "artifactType", x->artifact_type, err)) < 0)
    return r;
  return check_foreign_members (path, x->extra, foreign, "an image index", err);
}

#define T struct oci_image_index
static const struct oci_field index_fields[] = {
  OCI_F_NUM_REQ (T, "schemaVersion", OCI_F_INT64, schema_version),
  OCI_F_STR (T, "mediaType", media_type, 0),
  OCI_F_STR (T, "artifactType", artifact_type, 0),
  OCI_F_OBJV (T, "manifests", manifests, descriptor_type, OCI_FIELD_REQUIRED),
  OCI_F_OBJ (T, "subject", subject, descriptor_type, 0),
  OCI_F_MAP (T, "annotations", annotations),
};
static const struct oci_type index_type = OCI_TYPE (T, "index", index_fields, check_index);
#undef T

#define T struct oci_image_exec_config
static const struct oci_field exec_config_fields[] = {
  OCI_F_STR (T, "User", user, 0),
  OCI_F_OBJMAP_ (T, "ExposedPorts", exposed_ports, empty_type),
  OCI_F_STRV (T, "Env", env, 0),
  OCI_F_STRV (T, "Entrypoint", entrypoint, 0),
  OCI_F_STRV (T, "Cmd", cmd, 0),
  OCI_F_OBJMAP_ (T, "Volumes", volumes, empty_type),
  OCI_F_STR (T, "WorkingDir", working_dir, 0),
  OCI_F_MAP (T, "Labels", labels),
  OCI_F_STR (T, "StopSignal", stop_signal, 0),
  OCI_F_FLAG (T, "ArgsEscaped", args_escaped),
};
static const struct oci_type exec_config_type = OCI_TYPE (T, "config", exec_config_fields, NULL);
#undef T

static int
check_rootfs (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_image_rootfs *r = obj;
  char key[32];
  size_t i;
  int ret;

  if ((ret = require (path, "type", r->type, err)) < 0 || (ret = require (path, "diff_ids", r->diff_ids, err)) < 0)
    return ret;
  for (i = 0; i < r->diff_ids_len; i++)
    {
      snprintf (key, sizeof key, "diff_ids[%zu]", i);
      if ((ret = check_digest (path, key, r->diff_ids[i], err)) < 0)
        return ret;
    }
  return 0;
}

static const char *const rootfs_types[] = { "layers", NULL };

#define T struct oci_image_rootfs
static const struct oci_field rootfs_fields[] = {
  OCI_F_ENUM (T, "type", type, OCI_FIELD_REQUIRED, rootfs_types, "rootfs type"),
  OCI_F_STRV (T, "diff_ids", diff_ids, OCI_FIELD_REQUIRED),
};
static const struct oci_type rootfs_type = OCI_TYPE (T, "rootfs", rootfs_fields, check_rootfs);
#undef T

static int
check_history (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_image_history *h = obj;
  return check_time (path, "created", h->created, err);
}

#define T struct oci_image_history
static const struct oci_field history_fields[] = {
  OCI_F_STR (T, "created", created, 0),
  OCI_F_STR (T, "created_by", created_by, 0),
  OCI_F_STR (T, "author", author, 0),
  OCI_F_STR (T, "comment", comment, 0),
  OCI_F_FLAG (T, "empty_layer", empty_layer),
};
static const struct oci_type history_type = OCI_TYPE (T, "history", history_fields, check_history);
#undef T

static int
check_config (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_image_config *c = obj;
  int r;

  if ((r = require (path, "architecture", c->architecture, err)) < 0 || (r = require (path, "os", c->os, err)) < 0
      || (r = require (path, "rootfs", c->rootfs, err)) < 0)
    return r;
  return check_time (path, "created", c->created, err);
}

#define T struct oci_image_config
static const struct oci_field config_fields[] = {
  OCI_F_STR (T, "created", created, 0),
  OCI_F_STR (T, "author", author, 0),
  OCI_F_STR (T, "architecture", architecture, OCI_FIELD_REQUIRED),
  OCI_F_STR (T, "os", os, OCI_FIELD_REQUIRED),
  OCI_F_STR (T, "os.version", os_version, 0),
  OCI_F_STRV (T, "os.features", os_features, 0),
  OCI_F_STR (T, "variant", variant, 0),
  OCI_F_OBJ (T, "config", config, exec_config_type, 0),
  OCI_F_OBJ (T, "rootfs", rootfs, rootfs_type, OCI_FIELD_REQUIRED),
  OCI_F_OBJV (T, "history", history, history_type, 0),
};
static const struct oci_type config_type = OCI_TYPE (T, "image config", config_fields, check_config);
#undef T

/* umoci and skopeo refuse other versions too: a future layout may change
 * what the directory means. */
static const char *const layout_versions[] = { OCI_IMAGE_LAYOUT_VERSION, NULL };

static int
check_layout (const void *obj, const char *path, struct oci_error *err)
{
  const struct oci_image_layout *l = obj;
  return require (path, "imageLayoutVersion", l->image_layout_version, err);
}

#define T struct oci_image_layout
static const struct oci_field layout_fields[] = {
  OCI_F_ENUM (T, "imageLayoutVersion", image_layout_version, OCI_FIELD_REQUIRED, layout_versions,
              "image layout version"),
};
static const struct oci_type layout_type = OCI_TYPE (T, "oci-layout", layout_fields, check_layout);
#undef T

#define OCI_IMAGE_DEFINE(stem, T, type)                                                               \
  int oci_image_##stem##_parse_json (const struct oci_json *j, T **ret, struct oci_error *err)        \
  {                                                                                                   \
    return oci_bind_parse (&type, j, "", (void **) ret, err);                                         \
  }                                                                                                   \
  int oci_image_##stem##_parse_text (const char *buf, size_t len, T **ret, struct oci_error *err)    \
  {                                                                                                   \
    return oci_bind_parse_text (&type, buf, len, (type).name, (void **) ret, err);                      \
  }                                                                                                   \
  int oci_image_##stem##_parse_file (const char *path, T **ret, struct oci_error *err)                \
  {                                                                                                   \
    return oci_bind_parse_file (&type, path, (void **) ret, err);                                     \
  }                                                                                                   \
  int oci_image_##stem##_validate (const T *obj, struct oci_error *err)                               \
  {                                                                                                   \
    return oci_bind_validate (&type, obj, "", err);                                                   \
  }                                                                                                   \
  int oci_image_##stem##_generate (const T *obj, int json_flags, char **ret, size_t *ret_len,         \
                                   struct oci_error *err)                                             \
  {                                                                                                   \
    return oci_bind_generate (&type, obj, json_flags, ret, ret_len, err);                             \
  }                                                                                                   \
  void oci_image_##stem##_free (T *obj)                                                               \
  {                                                                                                   \
    oci_bind_free (&type, obj);                                                                       \
  }

OCI_IMAGE_DEFINE (descriptor, struct oci_image_descriptor, descriptor_type)
OCI_IMAGE_DEFINE (manifest, struct oci_image_manifest, manifest_type)
OCI_IMAGE_DEFINE (index, struct oci_image_index, index_type)
OCI_IMAGE_DEFINE (config, struct oci_image_config, config_type)
OCI_IMAGE_DEFINE (layout, struct oci_image_layout, layout_type)

int
oci_image_descriptor_new (const char *media_type, const char *digest, int64_t size,
                          struct oci_image_descriptor **ret, struct oci_error *err)
{
  struct oci_image_descriptor *d = calloc (1, sizeof *d);
  int r;

  if (!d)
    return oci_error_set (err, ENOMEM, "descriptor");
  d->size = size;
  d->media_type = strdup (media_type);
  d->digest = strdup (digest);
  if (!d->media_type || !d->digest)
    {
      oci_image_descriptor_free (d);
      return oci_error_set (err, ENOMEM, "descriptor");
    }
  r = oci_image_descriptor_validate (d, err);
  if (r < 0)
    {
      oci_image_descriptor_free (d);
      return r;
    }
  *ret = d;
  return 0;
}

/* Through the document form: one code path that already knows every
 * member, including unknown ones kept in `extra`. */
int
oci_image_descriptor_copy (struct oci_image_descriptor *dst, const struct oci_image_descriptor *src,
                           struct oci_error *err)
{
  cleanup_free char *text = NULL;
  struct oci_image_descriptor *copy = NULL;
  size_t len;
  int r;

  r = oci_image_descriptor_generate (src, OCI_JSON_COMPACT, &text, &len, err);
  if (r < 0)
    return r;
  r = oci_image_descriptor_parse_text (text, len, &copy, err);
  if (r < 0)
    return r;
  *dst = *copy;
  free (copy);
  return 0;
}

/* Mirrors descriptor_fields: a member added there must be released here. */
void
oci_image_descriptor_clear (struct oci_image_descriptor *d)
{
  size_t i;

  free (d->media_type);
  free (d->digest);
  for (i = 0; d->urls && i < d->urls_len; i++)
    free (d->urls[i]);
  free (d->urls);
  oci_strmap_free (d->annotations);
  free (d->data);
  oci_bind_free (&platform_type, d->platform);
  free (d->artifact_type);
  oci_json_free (d->extra);
  memset (d, 0, sizeof *d);
}

const char *
oci_image_descriptor_ref_name (const struct oci_image_descriptor *d)
{
  return d->annotations ? oci_strmap_get (d->annotations, OCI_ANNOTATION_REF_NAME) : NULL;
}

int
oci_image_index_new (struct oci_image_index **ret, struct oci_error *err)
{
  struct oci_image_index *x = calloc (1, sizeof *x);

  if (!x)
    return oci_error_set (err, ENOMEM, "index");
  x->schema_version = 2;
  x->media_type = strdup (OCI_MEDIA_TYPE_IMAGE_INDEX);
  /* Present and empty: `manifests` is REQUIRED even when there are none. */
  x->manifests = calloc (1, sizeof *x->manifests);
  if (!x->media_type || !x->manifests)
    {
      oci_image_index_free (x);
      return oci_error_set (err, ENOMEM, "index");
    }
  *ret = x;
  return 0;
}
