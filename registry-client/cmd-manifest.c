/* manifest get|head|put|delete and digest. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "oci/cleanup.h"
#include "oci/json.h"
#include "regctl.h"
#include "transport.h"

/* ---- manifest get ---- */

int
regctl_cmd_manifest_get (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_cmd_spec spec = {
    "manifest get [options] REF",
    "Print the manifest REF names, byte for byte (pretty JSON with --format json).\n"
    "With --platform, an index is resolved to that platform's manifest.",
    NULL, 1, 1,
  };
  struct image_ref ref = { 0 };
  struct registry_manifest m = { 0 };
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, NULL, NULL, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = image_ref_parse (g, argv[first], IMAGE_DEFAULT_REGISTRY, &ref, err);
  if (r == 0)
    r = image_ref_open_source (g, &ref, err);
  if (r == 0)
    r = image_get_manifest (&ref, NULL, &m, err);
  if (r == 0 && g->platform)
    r = image_select_platform (g, &ref, &m, err);
  if (r == 0)
    r = g->json ? regctl_print_json_text (m.body, m.len, err) : oci_write_all (1, m.body, m.len, "stdout", err);
  registry_manifest_clear (&m);
  image_ref_clear (&ref);
  return r;
}

/* ---- manifest head, digest ---- */

static int
head (struct regctl_globals *g, const char *spec_s, struct oci_image_descriptor **ret, struct oci_error *err)
{
  struct image_ref ref = { 0 };
  int r;

  r = image_ref_parse (g, spec_s, IMAGE_DEFAULT_REGISTRY, &ref, err);
  if (r == 0)
    r = image_ref_open_source (g, &ref, err);
  if (r == 0 && ref.kind == IMAGE_REGISTRY && !g->platform)
    r = registry_head_manifest (&ref.repo, ref.ref->digest ? ref.ref->digest : ref.ref->tag, ret, err);
  else if (r == 0)
    {
      struct registry_manifest m = { 0 };
      r = image_get_manifest (&ref, NULL, &m, err);
      if (r == 0 && g->platform)
        r = image_select_platform (g, &ref, &m, err);
      if (r == 0)
        r = oci_image_descriptor_new (m.media_type, m.digest, (int64_t) m.len, ret, err);
      registry_manifest_clear (&m);
    }
  image_ref_clear (&ref);
  return r;
}

static int
print_descriptor (const struct oci_image_descriptor *d, struct oci_error *err)
{
  struct oci_json_writer *w = oci_jw_new (OCI_JSON_PRETTY);
  int r;

  if (!w)
    return oci_error_set (err, ENOMEM, "output");
  oci_jw_begin_object (w);
  oci_jw_kv_string (w, "mediaType", d->media_type);
  oci_jw_kv_string (w, "digest", d->digest);
  oci_jw_kv_int64 (w, "size", d->size);
  oci_jw_end_object (w);
  r = regctl_print_json (w, err);
  oci_jw_free (w);
  return r;
}

int
regctl_cmd_manifest_head (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_cmd_spec spec = {
    "manifest head [options] REF",
    "Print the digest of the manifest REF names, from a HEAD request (its\n"
    "descriptor with --format json).",
    NULL, 1, 1,
  };
  cleanup_image_descriptor struct oci_image_descriptor *d = NULL;
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, NULL, NULL, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = head (g, argv[first], &d, err);
  if (r < 0)
    return r;
  if (g->json)
    return print_descriptor (d, err);
  printf ("%s\n", d->digest);
  return regctl_flush_stdout (err);
}

int
regctl_cmd_digest (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_cmd_spec spec = {
    "digest [options] REF",
    "Print the digest of the manifest REF names.",
    NULL, 1, 1,
  };
  cleanup_image_descriptor struct oci_image_descriptor *d = NULL;
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, NULL, NULL, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = head (g, argv[first], &d, err);
  if (r < 0)
    return r;
  if (g->json)
    {
      struct oci_json_writer *w = oci_jw_new (OCI_JSON_PRETTY);
      if (!w)
        return oci_error_set (err, ENOMEM, "output");
      oci_jw_begin_object (w);
      oci_jw_kv_string (w, "digest", d->digest);
      oci_jw_end_object (w);
      r = regctl_print_json (w, err);
      oci_jw_free (w);
      return r;
    }
  printf ("%s\n", d->digest);
  return regctl_flush_stdout (err);
}

/* ---- manifest put ---- */

struct put_opts {
  const char *media_type;
};

enum { OPT_MEDIA_TYPE = 256 };

static int
put_opt (void *ctx, int key, const char *arg, struct oci_error *err)
{
  struct put_opts *o = ctx;
  if (key == OPT_MEDIA_TYPE)
    o->media_type = arg;
  return 0;
}

int
regctl_read_input (const char *path, size_t max, char **ret, size_t *ret_len, struct oci_error *err)
{
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  size_t len = 0, cap = 0;

  if (strcmp (path, "-") == 0)
    fd = dup (0);
  else
    fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return oci_error_set (err, errno, "open %s", path);
  for (;;)
    {
      ssize_t n;
      if (len == cap)
        {
          char *nb;
          if (cap >= max + 1)
            return oci_error_set (err, EFBIG, "%s: more than %zu bytes", path, max);
          cap = cap ? cap * 2 : 65536;
          if (cap > max + 1)
            cap = max + 1;
          nb = realloc (buf, cap + 1);
          if (!nb)
            return oci_error_set (err, ENOMEM, "read %s", path);
          buf = nb;
        }
      n = read (fd, buf + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return oci_error_set (err, errno, "read %s", path);
      if (n == 0)
        break;
      len += n;
    }
  if (len > max)
    return oci_error_set (err, EFBIG, "%s: more than %zu bytes", path, max);
  if (!buf && !(buf = malloc (1)))
    return oci_error_set (err, ENOMEM, "read %s", path);
  buf[len] = '\0';
  *ret = oci_steal (buf);
  *ret_len = len;
  return 0;
}

int
regctl_cmd_manifest_put (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_opt opts[] = {
    { "media-type", required_argument, OPT_MEDIA_TYPE, "MT  the manifest's media type (default: from its content)" },
    { NULL, 0, 0, NULL },
  };
  static const struct regctl_cmd_spec spec = {
    "manifest put [options] REF [FILE]",
    "Upload the manifest in FILE (default: stdin) as REF (a tag or a digest);\n"
    "print its digest.  REF may be oci:DIR[:NAME] or store:NAME too; the\n"
    "blobs it names must be there already.",
    opts, 1, 2,
  };
  struct put_opts o = { 0 };
  struct image_ref ref = { 0 };
  cleanup_free char *body = NULL;
  cleanup_json struct oci_json *j = NULL;
  char digest[OCI_DIGEST_MAX];
  size_t len;
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, put_opt, &o, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = regctl_read_input (first + 1 < argc ? argv[first + 1] : "-", REGISTRY_MANIFEST_MAX, &body, &len, err);
  if (r < 0)
    return r;
  r = oci_json_parse (body, len, &j, err);
  if (r < 0)
    return oci_error_wrap (err, "manifest");
  if (!o.media_type)
    o.media_type = oci_image_detect_media_type (j);
  if (!o.media_type)
    return oci_error_set (err, EINVAL, "manifest: no mediaType; give --media-type");
  r = image_ref_parse (g, argv[first], IMAGE_DEFAULT_REGISTRY, &ref, err);
  if (r == 0)
    r = image_ref_open_dest (g, &ref, err);
  if (r == 0 && ref.kind == IMAGE_REGISTRY)
    r = registry_put_manifest (&ref.repo, ref.ref->digest ? ref.ref->digest : ref.ref->tag, body, len, o.media_type,
                               digest, err);
  else if (r == 0)
    {
      cleanup_image_descriptor struct oci_image_descriptor *d = NULL;
      r = oci_store_put_blob (ref.store, body, len, NULL, digest, err);
      if (r == 0 && ref.name && oci_digest_validate_grammar (ref.name, &(struct oci_error){ 0 }) != 0)
        {
          r = oci_image_descriptor_new (o.media_type, digest, (int64_t) len, &d, err);
          if (r == 0)
            r = oci_store_tag (ref.store, ref.name, d, ref.kind == IMAGE_STORE ? 0 : OCI_STORE_REF_VERBATIM, err);
        }
      if (r == 0)
        r = image_ref_finish_dest (&ref, err);
    }
  image_ref_clear (&ref);
  if (r < 0)
    return r;
  printf ("%s\n", digest);
  return regctl_flush_stdout (err);
}

/* ---- manifest delete ---- */

int
regctl_cmd_manifest_delete (struct regctl_globals *g, int argc, char **argv, struct oci_error *err)
{
  static const struct regctl_cmd_spec spec = {
    "manifest delete [options] REF",
    "Delete the manifest REF names (by digest; a tag is resolved first, and\n"
    "every tag pointing at that manifest goes with it).  Prints the digest.",
    NULL, 1, 1,
  };
  cleanup_image_descriptor struct oci_image_descriptor *d = NULL;
  struct image_ref ref = { 0 };
  char digest[OCI_DIGEST_MAX];
  int first, r;

  r = regctl_parse_args (g, argc, argv, &spec, NULL, NULL, &first, err);
  if (r != 0)
    return r < 0 ? r : 0;
  r = image_ref_parse (g, argv[first], IMAGE_DEFAULT_REGISTRY, &ref, err);
  if (r == 0 && ref.kind != IMAGE_REGISTRY)
    r = oci_error_set (err, EINVAL, "manifest delete: %s is not a registry reference", argv[first]);
  if (r == 0 && !ref.ref->digest)
    {
      r = registry_head_manifest (&ref.repo, ref.ref->tag, &d, err);
      if (r == 0)
        snprintf (digest, sizeof digest, "%s", d->digest);
    }
  else if (r == 0)
    snprintf (digest, sizeof digest, "%s", ref.ref->digest);
  if (r == 0)
    r = registry_delete_manifest (&ref.repo, digest, err);
  image_ref_clear (&ref);
  if (r < 0)
    return r;
  printf ("%s\n", digest);
  return regctl_flush_stdout (err);
}
