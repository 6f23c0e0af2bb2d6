/* image-spec documents: round-trips of every example the spec ships and of
 * Docker schema 2 documents, the values they parse into, and rejection of
 * malformed documents with the JSON path named. */
#include "unit.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "oci/image-spec.h"
#include "oci/json.h"

static const char *
data_dir (void)
{
  const char *d = getenv ("TONG_TEST_DATA");
  return d ? d : "tests/data";
}

enum doc { DESCRIPTOR, MANIFEST, INDEX, CONFIG, LAYOUT };

/* Parse as `doc`, serialise, free; the text is returned for comparison. */
static int
parse_generate (enum doc doc, const struct oci_json *j, char **text, struct oci_error *err)
{
  void *obj = NULL;
  int r = -1;

  switch (doc)
    {
    case DESCRIPTOR:
      if ((r = oci_image_descriptor_parse_json (j, (struct oci_image_descriptor **) &obj, err)) == 0)
        r = oci_image_descriptor_generate (obj, OCI_JSON_PRETTY, text, NULL, err);
      oci_image_descriptor_free (obj);
      break;
    case MANIFEST:
      if ((r = oci_image_manifest_parse_json (j, (struct oci_image_manifest **) &obj, err)) == 0)
        r = oci_image_manifest_generate (obj, OCI_JSON_PRETTY, text, NULL, err);
      oci_image_manifest_free (obj);
      break;
    case INDEX:
      if ((r = oci_image_index_parse_json (j, (struct oci_image_index **) &obj, err)) == 0)
        r = oci_image_index_generate (obj, OCI_JSON_PRETTY, text, NULL, err);
      oci_image_index_free (obj);
      break;
    case CONFIG:
      if ((r = oci_image_config_parse_json (j, (struct oci_image_config **) &obj, err)) == 0)
        r = oci_image_config_generate (obj, OCI_JSON_PRETTY, text, NULL, err);
      oci_image_config_free (obj);
      break;
    case LAYOUT:
      if ((r = oci_image_layout_parse_json (j, (struct oci_image_layout **) &obj, err)) == 0)
        r = oci_image_layout_generate (obj, OCI_JSON_PRETTY, text, NULL, err);
      oci_image_layout_free (obj);
      break;
    }
  return r;
}

/* A bound member set to null reads as absent (Go's encoding/json does the
 * same), so it is not written back; compare with nulls removed. */
static void
strip_nulls (struct oci_json *j)
{
  size_t i;

  if (j->type == OCI_JSON_ARRAY)
    for (i = 0; i < j->u.array.len; i++)
      strip_nulls (j->u.array.items[i]);
  if (j->type != OCI_JSON_OBJECT)
    return;
  for (i = 0; i < j->u.object.len;)
    {
      if (j->u.object.values[i]->type == OCI_JSON_NULL)
        {
          oci_json_object_remove (j, j->u.object.keys[i]);
          continue;
        }
      strip_nulls (j->u.object.values[i]);
      i++;
    }
}

static int
roundtrip_file (struct unit_state *st, enum doc doc, const char *path)
{
  struct oci_error err = { 0 };
  struct oci_json *orig = NULL, *again = NULL;
  char *text = NULL;
  int ok = 0;

  if (oci_json_parse_file (path, &orig, &err) < 0)
    {
      unit_fail (st, __FILE__, __LINE__, "%s: %s", path, err.msg);
      return 0;
    }
  if (parse_generate (doc, orig, &text, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "%s: %s", path, err.msg);
  else if (oci_json_parse (text, strlen (text), &again, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "%s: reparse: %s", path, err.msg);
  else
    {
      strip_nulls (orig);
      strip_nulls (again);
      if (!oci_json_equal (orig, again))
        unit_fail (st, __FILE__, __LINE__, "%s: round-trip differs:\n%s", path, text);
      else
        ok = 1;
    }
  free (text);
  oci_json_free (orig);
  oci_json_free (again);
  return ok;
}

static int
roundtrip_dir (struct unit_state *st, enum doc doc, const char *sub)
{
  char dir[4096], path[4096 + 256];
  struct dirent *de;
  DIR *d;
  int n = 0;

  snprintf (dir, sizeof dir, "%s/image-spec/%s", data_dir (), sub);
  d = opendir (dir);
  if (!d)
    {
      unit_fail (st, __FILE__, __LINE__, "cannot open %s", dir);
      return 0;
    }
  while ((de = readdir (d)))
    {
      if (!strstr (de->d_name, ".json"))
        continue;
      snprintf (path, sizeof path, "%s/%s", dir, de->d_name);
      n += roundtrip_file (st, doc, path);
    }
  closedir (d);
  return n;
}

static void
doc_examples_roundtrip (struct unit_state *st)
{
  CHECK_INT (st, roundtrip_dir (st, DESCRIPTOR, "doc-examples/descriptor"), 4);
  CHECK_INT (st, roundtrip_dir (st, MANIFEST, "doc-examples/manifest"), 4);
  CHECK_INT (st, roundtrip_dir (st, INDEX, "doc-examples/index"), 3);
  CHECK_INT (st, roundtrip_dir (st, CONFIG, "doc-examples/config"), 1);
  CHECK_INT (st, roundtrip_dir (st, LAYOUT, "doc-examples/layout"), 1);
}

static void
docker_roundtrip (struct unit_state *st)
{
  char path[4096];
  const struct {
    enum doc doc;
    const char *file;
  } cases[] = {
    { MANIFEST, "manifest-v2.json" },
    { MANIFEST, "manifest-foreign-layer.json" },
    { INDEX, "manifest-list.json" },
    { CONFIG, "image-config.json" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      snprintf (path, sizeof path, "%s/image-spec/docker/%s", data_dir (), cases[i].file);
      CHECK_INT (st, roundtrip_file (st, cases[i].doc, path), 1);
    }
}

static char *
data_path (const char *rel)
{
  static const char prefix[] = "/image-spec/";
  size_t n = strlen (data_dir ()) + sizeof prefix + strlen (rel);
  char *p = malloc (n);
  snprintf (p, n, "%s%s%s", data_dir (), prefix, rel);
  return p;
}

static void
manifest_values (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_image_manifest *m = NULL;
  char *path = data_path ("doc-examples/manifest/manifest-1.json");

  if (oci_image_manifest_parse_file (path, &m, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "%s", err.msg);
  else
    {
      CHECK_INT (st, m->schema_version, 2);
      CHECK_STR (st, m->media_type, OCI_MEDIA_TYPE_IMAGE_MANIFEST);
      CHECK_STR (st, m->config->media_type, OCI_MEDIA_TYPE_IMAGE_CONFIG);
      CHECK_INT (st, m->config->size, 7023);
      CHECK_INT (st, m->layers_len, 3);
      CHECK_STR (st, m->layers[2].digest,
                 "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736");
      CHECK_INT (st, m->layers[1].size, 16724);
      CHECK (st, m->subject != NULL);
      CHECK_STR (st, oci_strmap_get (m->annotations, "com.example.key2"), "value2");
      CHECK (st, m->artifact_type == NULL);
    }
  oci_image_manifest_free (m);
  free (path);

  m = NULL;
  path = data_path ("doc-examples/manifest/manifest-3.json");
  if (oci_image_manifest_parse_file (path, &m, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "%s", err.msg);
  else
    {
      CHECK_STR (st, m->artifact_type, "application/vnd.example+type");
      CHECK_STR (st, m->config->media_type, OCI_MEDIA_TYPE_EMPTY_JSON);
    }
  oci_image_manifest_free (m);
  free (path);
}

static void
index_values (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_image_index *x = NULL;
  char *path = data_path ("docker/manifest-list.json");

  if (oci_image_index_parse_file (path, &x, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "%s", err.msg);
  else
    {
      CHECK (st, oci_media_type_is_index (x->media_type));
      CHECK_INT (st, x->manifests_len, 2);
      CHECK (st, oci_media_type_is_manifest (x->manifests[0].media_type));
      CHECK_STR (st, x->manifests[0].platform->architecture, "ppc64le");
      CHECK_STR (st, x->manifests[1].platform->os, "linux");
      CHECK_INT (st, x->manifests[1].platform->features_len, 1);
      CHECK_STR (st, x->manifests[1].platform->features[0], "sse4");
      CHECK (st, x->manifests[1].platform->variant == NULL);
    }
  oci_image_index_free (x);
  free (path);

  x = NULL;
  path = data_path ("doc-examples/index/image-layout-2.json");
  if (oci_image_index_parse_file (path, &x, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "%s", err.msg);
  else
    {
      CHECK_INT (st, x->manifests_len, 3);
      CHECK_STR (st, oci_image_descriptor_ref_name (&x->manifests[0]), "stable-release");
      CHECK_STR (st, oci_image_descriptor_ref_name (&x->manifests[1]), "v1.0");
      CHECK (st, oci_image_descriptor_ref_name (&x->manifests[2]) == NULL);
      /* An unknown media type in index.json is not an error (image-layout.md). */
      CHECK_STR (st, x->manifests[2].media_type, "application/xml");
    }
  oci_image_index_free (x);
  free (path);
}

static void
config_values (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_image_config *c = NULL;
  char *path = data_path ("doc-examples/config/config-1.json");

  if (oci_image_config_parse_file (path, &c, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "%s", err.msg);
  else
    {
      CHECK_STR (st, c->architecture, "amd64");
      CHECK_STR (st, c->os, "linux");
      CHECK_STR (st, c->config->user, "alice");
      CHECK_INT (st, c->config->exposed_ports_len, 1);
      CHECK_STR (st, c->config->exposed_ports_keys[0], "8080/tcp");
      CHECK_INT (st, c->config->volumes_len, 2);
      CHECK_STR (st, c->config->volumes_keys[1], "/var/log/my-app-logs");
      CHECK_INT (st, c->config->env_len, 3);
      CHECK_STR (st, c->config->env[3], NULL);
      CHECK_STR (st, c->config->entrypoint[0], "/bin/my-app-binary");
      CHECK_INT (st, c->config->cmd_len, 3);
      CHECK_STR (st, c->config->working_dir, "/home/alice");
      CHECK_STR (st, oci_strmap_get (c->config->labels, "com.example.project.git.url"),
                 "https://example.com/project.git");
      CHECK (st, !c->config->args_escaped_present);
      CHECK_STR (st, c->rootfs->type, "layers");
      CHECK_INT (st, c->rootfs->diff_ids_len, 2);
      CHECK_INT (st, c->history_len, 3);
      CHECK (st, !c->history[0].empty_layer_present);
      CHECK (st, c->history[1].empty_layer_present && c->history[1].empty_layer);
      CHECK_STR (st, c->history[2].created_by, "/bin/sh -c apk add curl");
    }
  oci_image_config_free (c);
  free (path);

  c = NULL;
  path = data_path ("docker/image-config.json");
  if (oci_image_config_parse_file (path, &c, &err) < 0)
    unit_fail (st, __FILE__, __LINE__, "%s", err.msg);
  else
    {
      const struct oci_json *hc = oci_json_get (c->config->extra, "Healthcheck");
      CHECK (st, hc && hc->type == OCI_JSON_OBJECT);
      CHECK (st, oci_json_get (c->config->extra, "Memory") != NULL);
      CHECK (st, oci_json_get (c->extra, "container_config") != NULL);
      CHECK (st, c->config->volumes_keys == NULL); /* "Volumes": null */
      CHECK_STR (st, c->config->stop_signal, "SIGQUIT");
      CHECK (st, c->config->args_escaped_present && c->config->args_escaped);
      CHECK_STR (st, c->history[2].comment, "buildkit.dockerfile.v0");
    }
  oci_image_config_free (c);
  free (path);
}

static void
media_types (struct unit_state *st)
{
  CHECK (st, oci_media_type_is_index (OCI_MEDIA_TYPE_IMAGE_INDEX));
  CHECK (st, oci_media_type_is_index (OCI_DOCKER_MEDIA_TYPE_MANIFEST_LIST));
  CHECK (st, !oci_media_type_is_index (OCI_MEDIA_TYPE_IMAGE_MANIFEST));
  CHECK (st, !oci_media_type_is_index (NULL));
  CHECK (st, oci_media_type_is_manifest (OCI_MEDIA_TYPE_IMAGE_MANIFEST));
  CHECK (st, oci_media_type_is_manifest (OCI_DOCKER_MEDIA_TYPE_MANIFEST));
  CHECK (st, !oci_media_type_is_manifest (OCI_DOCKER_MEDIA_TYPE_MANIFEST_V1_SIGNED));
  CHECK (st, !oci_media_type_is_manifest (OCI_MEDIA_TYPE_IMAGE_INDEX));
  CHECK (st, !oci_media_type_is_manifest ("application/vnd.oci.image.manifest.v1+json; charset=utf-8"));
  CHECK (st, oci_media_type_is_config (OCI_DOCKER_MEDIA_TYPE_CONFIG));
  CHECK (st, oci_media_type_is_config (OCI_MEDIA_TYPE_IMAGE_CONFIG));
  CHECK (st, !oci_media_type_is_config (OCI_MEDIA_TYPE_EMPTY_JSON));
  CHECK (st, oci_media_type_is_layer (OCI_MEDIA_TYPE_LAYER_GZIP));
  CHECK (st, oci_media_type_is_layer (OCI_MEDIA_TYPE_LAYER_ZSTD));
  CHECK (st, oci_media_type_is_layer (OCI_DOCKER_MEDIA_TYPE_LAYER_GZIP));
  CHECK (st, oci_media_type_is_layer (OCI_DOCKER_MEDIA_TYPE_FOREIGN_LAYER));
  CHECK (st, !oci_media_type_is_layer (OCI_MEDIA_TYPE_IMAGE_CONFIG));
}

static void
detect_media_type (struct unit_state *st)
{
  const struct {
    const char *doc;
    const char *want;
  } cases[] = {
    { "{\"mediaType\":\"application/x-foo\",\"manifests\":[]}", "application/x-foo" },
    { "{\"schemaVersion\":2,\"manifests\":[]}", OCI_MEDIA_TYPE_IMAGE_INDEX },
    { "{\"schemaVersion\":2,\"config\":{},\"layers\":[]}", OCI_MEDIA_TYPE_IMAGE_MANIFEST },
    { "{\"schemaVersion\":2}", NULL },
    { "{\"architecture\":\"amd64\",\"config\":{}}", NULL },
    { "[]", NULL },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct oci_error err = { 0 };
      struct oci_json *j = NULL;
      CHECK_INT (st, oci_json_parse (cases[i].doc, strlen (cases[i].doc), &j, &err), 0);
      CHECK_STR (st, oci_image_detect_media_type (j), cases[i].want);
      oci_json_free (j);
    }
}

#define D256 "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"
#define DESC(extra) "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" D256 "\",\"size\":3" extra "}"
#define CFG "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" D256 "\",\"size\":7}"
#define MANIFEST(sv, extra) "{\"schemaVersion\":" sv ",\"config\":" CFG ",\"layers\":[" DESC ("") "]" extra "}"
#define ROOTFS "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D256 "\"]}"
#define IMGCFG(extra) "{\"architecture\":\"amd64\",\"os\":\"linux\"," ROOTFS extra "}"

struct reject_case {
  enum doc doc;
  const char *text;
  const char *want; /* substring of the error message */
};

static void
check_rejects (struct unit_state *st, const struct reject_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      struct oci_error err = { 0 };
      struct oci_json *j = NULL;
      char *text = NULL;
      int r;

      r = oci_json_parse (cases[i].text, strlen (cases[i].text), &j, &err);
      if (r == 0)
        r = parse_generate (cases[i].doc, j, &text, &err);
      if (r >= 0)
        unit_fail (st, __FILE__, __LINE__, "case %zu accepted: %s", i, cases[i].text);
      else if (!strstr (err.msg, cases[i].want))
        unit_fail (st, __FILE__, __LINE__, "case %zu: error \"%s\" lacks \"%s\"", i, err.msg, cases[i].want);
      free (text);
      oci_json_free (j);
    }
}

static void
rejects_descriptors (struct unit_state *st)
{
  const struct reject_case cases[] = {
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"size\":1}", "digest: required field is missing" },
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"digest\":\"" D256 "\"}", "size: required field is missing" },
    { DESCRIPTOR, "{\"digest\":\"" D256 "\",\"size\":1}", "mediaType: required field is missing" },
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"digest\":\"sha256:abc\",\"size\":1}",
      "digest: invalid digest \"sha256:abc\": sha256 needs 64 hex characters" },
    { DESCRIPTOR,
      "{\"mediaType\":\"application/x\",\"digest\":"
      "\"sha256:E692418E4CBAF90CA69D05A66403747BAA33EE08806650B51FAB815AD7FC331F\",\"size\":1}",
      "must be lowercase hex" },
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"digest\":\"e692418e4cbaf90c\",\"size\":1}",
      "digest: invalid digest" },
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"digest\":\"SHA256:abc\",\"size\":1}",
      "malformed algorithm" },
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"digest\":\"sha256:a/b\",\"size\":1}",
      "malformed encoded part" },
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"digest\":\"" D256 "\",\"size\":-1}", "size: -1 is negative" },
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"digest\":\"" D256 "\",\"size\":1.5}",
      "size: expected an integer, got 1.5" },
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"digest\":\"" D256 "\",\"size\":\"1\"}",
      "size: expected an integer, got string" },
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"digest\":\"" D256 "\",\"size\":9223372036854775808}",
      "size: 9223372036854775808 is out of range" },
    { DESCRIPTOR, "{\"mediaType\":\"foo\",\"digest\":\"" D256 "\",\"size\":1}",
      "mediaType: \"foo\" is not a valid media type" },
    { DESCRIPTOR, "{\"mediaType\":\"application/\",\"digest\":\"" D256 "\",\"size\":1}", "not a valid media type" },
    { DESCRIPTOR, "{\"mediaType\":7,\"digest\":\"" D256 "\",\"size\":1}", "mediaType: expected a string, got number" },
    { DESCRIPTOR, DESC (",\"urls\":[\"https://x/y\",\"no scheme\"]"), "urls[1]: \"no scheme\" is not a URI" },
    { DESCRIPTOR, DESC (",\"urls\":\"https://x/y\"") , "urls: expected an array of strings, got string" },
    { DESCRIPTOR, DESC (",\"data\":\"e30\""), "data: not valid base64" },
    { DESCRIPTOR, DESC (",\"data\":\"e3=0\""), "data: not valid base64" },
    { DESCRIPTOR, DESC (",\"data\":\"e30=\""), "data: decodes to 2 bytes, but size is 3" },
    { DESCRIPTOR, DESC (",\"annotations\":{\"a\":1}"), "annotations[\"a\"]: expected a string, got number" },
    { DESCRIPTOR, DESC (",\"artifactType\":\"nope\""), "artifactType: \"nope\" is not a valid media type" },
    { DESCRIPTOR, DESC (",\"platform\":{\"os\":\"linux\"}"), "platform.architecture: required field is missing" },
    { DESCRIPTOR, DESC (",\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"os.features\":[1]}"),
      "platform.os.features[0]: expected a string, got number" },
    { DESCRIPTOR, "[]", "expected an object, got array" },
  };

  check_rejects (st, cases, sizeof cases / sizeof cases[0]);
}

static void
rejects_manifests (struct unit_state *st)
{
  const struct reject_case cases[] = {
    { MANIFEST, MANIFEST ("1", ""), "schemaVersion: must be 2, got 1" },
    { MANIFEST, MANIFEST ("3", ""), "schemaVersion: must be 2, got 3" },
    { MANIFEST, MANIFEST ("\"2\"", ""), "schemaVersion: expected an integer, got string" },
    { MANIFEST, MANIFEST ("2.0", ""), "schemaVersion: expected an integer, got 2.0" },
    { MANIFEST, "{\"config\":" CFG ",\"layers\":[]}", "schemaVersion: required field is missing" },
    { MANIFEST, "{\"schemaVersion\":2,\"layers\":[]}", "config: required field is missing" },
    { MANIFEST, "{\"schemaVersion\":2,\"config\":" CFG "}", "layers: required field is missing" },
    { MANIFEST, "{\"schemaVersion\":2,\"config\":null,\"layers\":[]}", "config: required field is missing" },
    { MANIFEST, "{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":null}", "layers: required field is missing" },
    { MANIFEST, "{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":{}}", "layers: expected an array, got object" },
    { MANIFEST, "{\"schemaVersion\":2,\"config\":[],\"layers\":[]}", "config: expected an object, got array" },
    { MANIFEST, "{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[" DESC ("") "," DESC (",\"size\":-5") "]}",
      "duplicate" },
    { MANIFEST,
      "{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[" DESC ("") ","
      "{\"mediaType\":\"application/x\",\"digest\":\"sha256:xyz\",\"size\":1}]}",
      "layers[1].digest: invalid digest \"sha256:xyz\"" },
    { MANIFEST,
      "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/x\",\"digest\":\"" D256
      "\",\"size\":-1},\"layers\":[]}",
      "config.size: -1 is negative" },
    { MANIFEST, MANIFEST ("2", ",\"subject\":{\"mediaType\":\"application/x\",\"size\":1}"),
      "subject.digest: required field is missing" },
    { MANIFEST, MANIFEST ("2", ",\"mediaType\":\"application/vnd.oci.image.index.v1+json\""),
      "mediaType: \"application/vnd.oci.image.index.v1+json\" is not an image manifest media type" },
    { MANIFEST, MANIFEST ("2", ",\"manifests\":[]"), "manifests: not allowed in an image manifest" },
    { MANIFEST, MANIFEST ("2", ",\"annotations\":[]"), "annotations: expected an object of strings, got array" },
    { MANIFEST, "{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[" DESC (""), "" },
  };

  check_rejects (st, cases, sizeof cases / sizeof cases[0]);
}

static void
rejects_indexes (struct unit_state *st)
{
  const struct reject_case cases[] = {
    { INDEX, "{\"schemaVersion\":1,\"manifests\":[]}", "schemaVersion: must be 2, got 1" },
    { INDEX, "{\"schemaVersion\":2}", "manifests: required field is missing" },
    { INDEX, "{\"schemaVersion\":2,\"manifests\":null}", "manifests: required field is missing" },
    { INDEX, "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/x\",\"digest\":null,\"size\":1}]}",
      "manifests[0].digest: required field is missing" },
    { INDEX, "{\"schemaVersion\":2,\"manifests\":[" DESC (",\"platform\":{\"architecture\":\"amd64\"}") "]}",
      "manifests[0].platform.os: required field is missing" },
    { INDEX, "{\"schemaVersion\":2,\"manifests\":[" DESC ("") ",{\"mediaType\":1}]}",
      "manifests[1].mediaType: expected a string, got number" },
    { INDEX, "{\"schemaVersion\":2,\"manifests\":[],\"mediaType\":\"" OCI_MEDIA_TYPE_IMAGE_MANIFEST "\"}",
      "is not an image index media type" },
    { INDEX, "{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}", "layers: not allowed in an image index" },
    { INDEX, "{\"schemaVersion\":2,\"manifests\":[],\"config\":" CFG "}", "config: not allowed in an image index" },
  };

  check_rejects (st, cases, sizeof cases / sizeof cases[0]);
}

static void
rejects_configs (struct unit_state *st)
{
  const struct reject_case cases[] = {
    { CONFIG, "{\"os\":\"linux\"," ROOTFS "}", "architecture: required field is missing" },
    { CONFIG, "{\"architecture\":\"amd64\",\"os\":\"linux\"}", "rootfs: required field is missing" },
    { CONFIG, "{\"architecture\":\"amd64\",\"os\":null," ROOTFS "}", "os: required field is missing" },
    { CONFIG, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":null,\"diff_ids\":[]}}",
      "rootfs.type: required field is missing" },
    { CONFIG, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"foo\",\"diff_ids\":[]}}",
      "rootfs.type: unknown rootfs type \"foo\"" },
    { CONFIG, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}",
      "rootfs.diff_ids: required field is missing" },
    { CONFIG, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"x\"]}}",
      "rootfs.diff_ids[0]: invalid digest \"x\"" },
    { CONFIG, IMGCFG (",\"created\":\"yesterday\""), "created: \"yesterday\" is not an RFC 3339 date-time" },
    { CONFIG, IMGCFG (",\"created\":\"2015-10-31T22:22:56\""), "is not an RFC 3339 date-time" },
    { CONFIG, IMGCFG (",\"created\":\"2015-10-31T22:22:56.Z\""), "is not an RFC 3339 date-time" },
    { CONFIG, IMGCFG (",\"history\":[{},{\"created\":\"2015-10-31 22:22:56Z\"}]"),
      "history[1].created: \"2015-10-31 22:22:56Z\" is not an RFC 3339 date-time" },
    { CONFIG, IMGCFG (",\"history\":[{\"empty_layer\":\"yes\"}]"),
      "history[0].empty_layer: expected a boolean, got string" },
    { CONFIG, IMGCFG (",\"config\":{\"ExposedPorts\":{\"80/tcp\":true}}"),
      "config.ExposedPorts[\"80/tcp\"]: expected an object, got boolean" },
    { CONFIG, IMGCFG (",\"config\":{\"Volumes\":[\"/data\"]}"), "config.Volumes: expected an object, got array" },
    { CONFIG, IMGCFG (",\"config\":{\"Env\":[\"A=1\",2]}"), "config.Env[1]: expected a string, got number" },
    { CONFIG, IMGCFG (",\"config\":{\"Cmd\":\"sh\"}"), "config.Cmd: expected an array of strings, got string" },
    { CONFIG, IMGCFG (",\"config\":{\"Labels\":{\"a\":null}}"), "config.Labels[\"a\"]: expected a string, got null" },
    { CONFIG, IMGCFG (",\"config\":{\"ArgsEscaped\":1}"), "config.ArgsEscaped: expected a boolean, got number" },
    { CONFIG, IMGCFG (",\"config\":{\"User\":\"a\\u0000b\"}"), "config.User: string contains a NUL character" },
    { LAYOUT, "{\"imageLayoutVersion\":\"2.0.0\"}", "imageLayoutVersion: unknown image layout version \"2.0.0\"" },
    { LAYOUT, "{}", "imageLayoutVersion: required field is missing" },
    { LAYOUT, "{\"imageLayoutVersion\":null}", "imageLayoutVersion: required field is missing" },
    { DESCRIPTOR, DESC (",\"platform\":{\"architecture\":\"arm\",\"os\":null}"), "platform.os: required field is missing" },
    { LAYOUT, "{\"imageLayoutVersion\":1}", "imageLayoutVersion: expected a string, got number" },
  };

  check_rejects (st, cases, sizeof cases / sizeof cases[0]);
}

static void
accepts_edge_cases (struct unit_state *st)
{
  const struct {
    enum doc doc;
    const char *text;
  } cases[] = {
    /* Well-formed digests of algorithms we do not compute are carried. */
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"digest\":\"multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8\",\"size\":1}" },
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"digest\":\"sha512:"
                  "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                  "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e\",\"size\":0}" },
    { DESCRIPTOR, DESC (",\"data\":\"YWJj\"") },
    { DESCRIPTOR, DESC (",\"urls\":[],\"annotations\":{},\"unknown\":{\"kept\":[1,2]}") },
    { DESCRIPTOR, "{\"mediaType\":\"application/x\",\"digest\":\"" D256 "\",\"size\":9223372036854775807}" },
    { MANIFEST, "{\"schemaVersion\":2,\"config\":" CFG ",\"layers\":[]}" },
    { MANIFEST, MANIFEST ("2", ",\"mediaType\":\"" OCI_DOCKER_MEDIA_TYPE_MANIFEST "\"") },
    { INDEX, "{\"schemaVersion\":2,\"manifests\":[]}" },
    { INDEX, "{\"schemaVersion\":2,\"manifests\":[" DESC ("") "],\"mediaType\":\"" OCI_DOCKER_MEDIA_TYPE_MANIFEST_LIST "\"}" },
    { CONFIG, IMGCFG (",\"created\":\"2015-10-31T22:22:56+02:00\",\"config\":{\"Env\":null,\"Entrypoint\":[]}") },
    { CONFIG, IMGCFG (",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":\"2015-10-31t22:22:56.1z\"}]") },
    { LAYOUT, "{\"imageLayoutVersion\":\"1.0.0\",\"x-extra\":true}" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct oci_error err = { 0 };
      struct oci_json *j = NULL, *again = NULL;
      char *text = NULL;

      if (oci_json_parse (cases[i].text, strlen (cases[i].text), &j, &err) < 0
          || parse_generate (cases[i].doc, j, &text, &err) < 0
          || oci_json_parse (text, strlen (text), &again, &err) < 0)
        unit_fail (st, __FILE__, __LINE__, "case %zu: %s", i, err.msg);
      else
        {
          strip_nulls (j);
          strip_nulls (again);
          CHECK (st, oci_json_equal (j, again));
        }
      free (text);
      oci_json_free (j);
      oci_json_free (again);
    }
}

static void
empty_entrypoint_is_not_absent (struct unit_state *st)
{
  const char *text = IMGCFG (",\"config\":{\"Entrypoint\":[],\"Cmd\":null}");
  struct oci_error err = { 0 };
  struct oci_image_config *c = NULL;

  CHECK_INT (st, oci_image_config_parse_text (text, strlen (text), &c, &err), 0);
  if (!c)
    return;
  /* Docker reads [] as "reset the entrypoint", null as "inherit". */
  CHECK (st, c->config->entrypoint != NULL);
  CHECK_INT (st, c->config->entrypoint_len, 0);
  CHECK (st, c->config->cmd == NULL);
  oci_image_config_free (c);
}

static void
parse_text_names_document (struct unit_state *st)
{
  const char *text = MANIFEST ("1", "");
  struct oci_error err = { 0 };
  struct oci_image_manifest *m = NULL;
  struct oci_image_index *x = NULL;

  CHECK (st, oci_image_manifest_parse_text (text, strlen (text), &m, &err) < 0);
  CHECK_STR (st, err.msg, "manifest: schemaVersion: must be 2, got 1");
  CHECK (st, m == NULL);
  text = "{\"schemaVersion\":2,";
  CHECK (st, oci_image_index_parse_text (text, strlen (text), &x, &err) < 0);
  CHECK (st, x == NULL);
  CHECK (st, strncmp (err.msg, "index: ", 7) == 0);
}

static void
descriptor_helpers (struct unit_state *st)
{
  struct oci_error err = { 0 };
  struct oci_image_descriptor *d = NULL, copy = { 0 };
  struct oci_image_index *x = NULL;
  char *text = NULL;

  CHECK_INT (st, oci_image_descriptor_new (OCI_MEDIA_TYPE_IMAGE_MANIFEST, D256, 42, &d, &err), 0);
  if (!d)
    return;
  CHECK_INT (st, oci_image_descriptor_generate (d, OCI_JSON_COMPACT, &text, NULL, &err), 0);
  CHECK_STR (st, text,
             "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D256 "\",\"size\":42}");
  free (text);
  CHECK (st, oci_image_descriptor_ref_name (d) == NULL);

  d->annotations = oci_strmap_new ();
  oci_strmap_set (d->annotations, OCI_ANNOTATION_REF_NAME, "docker.io/library/busybox:latest");
  CHECK_INT (st, oci_image_descriptor_copy (&copy, d, &err), 0);
  oci_image_descriptor_free (d);
  CHECK_STR (st, oci_image_descriptor_ref_name (&copy), "docker.io/library/busybox:latest");
  CHECK_STR (st, copy.digest, D256);
  CHECK_INT (st, copy.size, 42);
  oci_image_descriptor_clear (&copy);
  CHECK (st, copy.digest == NULL && copy.annotations == NULL);

  d = NULL;
  CHECK (st, oci_image_descriptor_new (OCI_MEDIA_TYPE_IMAGE_MANIFEST, "sha256:nope", 1, &d, &err) < 0);
  CHECK (st, strstr (err.msg, "digest: invalid digest") != NULL);
  CHECK (st, oci_image_descriptor_new (OCI_MEDIA_TYPE_IMAGE_MANIFEST, D256, -1, &d, &err) < 0);
  CHECK (st, d == NULL);

  CHECK_INT (st, oci_image_index_new (&x, &err), 0);
  text = NULL;
  CHECK_INT (st, oci_image_index_generate (x, OCI_JSON_COMPACT, &text, NULL, &err), 0);
  CHECK_STR (st, text, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}");
  free (text);
  oci_image_index_free (x);
}

int
main (void)
{
  struct unit_totals totals = { 0 };

  RUN (doc_examples_roundtrip);
  RUN (docker_roundtrip);
  RUN (manifest_values);
  RUN (index_values);
  RUN (config_values);
  RUN (media_types);
  RUN (detect_media_type);
  RUN (rejects_descriptors);
  RUN (rejects_manifests);
  RUN (rejects_indexes);
  RUN (rejects_configs);
  RUN (accepts_edge_cases);
  RUN (empty_entrypoint_is_not_absent);
  RUN (parse_text_names_document);
  RUN (descriptor_helpers);
  return unit_done (&totals);
}
