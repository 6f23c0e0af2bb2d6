/* The distribution API's blobs, uploads, tags and referrers. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci/cleanup.h"
#include "oci/digest.h"
#include "oci/json.h"
#include "registry.h"

/* ---- blobs ---- */

int
registry_head_blob_request (struct registry_repo *r, const char *digest, struct http_request **ret,
                            struct oci_error *err)
{
  return registry_repo_request (r, "HEAD", "blobs", digest, "pull", ret, err);
}

int
registry_head_blob_result (const struct http_request *req, int64_t *ret_size, struct oci_error *err)
{
  const char *length;

  if (req->status == 404)
    return oci_error_set_code (err, ENOENT, "%s: not found", req->what ? req->what : req->url);
  if (!http_request_ok (req))
    return http_request_error (req, err);
  length = http_response_header (req, "content-length");
  if (ret_size)
    *ret_size = length ? strtoll (length, NULL, 10) : -1;
  return 0;
}

int
registry_head_blob (struct registry_repo *r, const char *digest, int64_t *ret_size, struct oci_error *err)
{
  cleanup_http_request struct http_request *req = NULL;
  cleanup_free char *what = NULL;
  int rc;

  if (asprintf (&what, "blob %s/%s@%s", r->host->name, r->name, digest) < 0)
    return oci_error_set (err, ENOMEM, "blob");
  rc = registry_head_blob_request (r, digest, &req, err);
  if (rc < 0)
    return rc;
  req->what = what;
  rc = http_perform (r->host->session->http, req, err);
  if (rc < 0)
    return rc;
  return registry_head_blob_result (req, ret_size, err);
}

int
registry_blob_request (struct registry_repo *r, const char *digest, struct http_request **ret, struct oci_error *err)
{
  int rc = registry_repo_request (r, "GET", "blobs", digest, "pull", ret, err);
  if (rc < 0)
    return rc;
  (*ret)->resumable = true;
  return 0;
}

int
registry_upload_location (const struct http_request *req, char **ret, struct oci_error *err)
{
  const char *loc = http_response_header (req, "location");
  if (!loc || !*loc)
    return oci_error_set (err, EIO, "%s %s: %ld without a Location", req->method, req->url, req->status);
  return http_resolve_url (req->effective_url ? req->effective_url : req->url, loc, ret, err);
}

int
registry_upload_start_request (struct registry_repo *r, const char *digest, const struct registry_repo *mount_from,
                               struct http_request **ret, struct oci_error *err)
{
  cleanup_free char *path = NULL;
  cleanup_free char *scope = registry_scope (r, "pull,push");

  if (!scope)
    return oci_error_set (err, ENOMEM, "upload");
  if (mount_from)
    {
      cleanup_free char *d = http_escape (digest);
      cleanup_free char *from = http_escape (mount_from->name);
      cleanup_free char *from_scope = registry_scope (mount_from, "pull");
      char *both;
      if (!d || !from || !from_scope
          || asprintf (&path, "/v2/%s/blobs/uploads/?mount=%s&from=%s", r->name, d, from) < 0
          || asprintf (&both, "%s %s", scope, from_scope) < 0)
        return oci_error_set (err, ENOMEM, "upload");
      free (scope);
      scope = both;
    }
  else if (asprintf (&path, "/v2/%s/blobs/uploads/", r->name) < 0)
    return oci_error_set (err, ENOMEM, "upload");
  return registry_request (r->host, "POST", path, scope, ret, err);
}

int
registry_upload_start_result (const struct http_request *req, bool mounting, char **ret_location,
                              struct oci_error *err)
{
  if (req->status == 201 && mounting)
    return 1;
  if (req->status != 202)
    return http_request_error (req, err);
  return registry_upload_location (req, ret_location, err);
}

int
registry_upload_start (struct registry_repo *r, const char *digest, const struct registry_repo *mount_from,
                       char **ret_location, struct oci_error *err)
{
  cleanup_http_request struct http_request *req = NULL;
  cleanup_free char *what = NULL;
  int rc;

  if (asprintf (&what, "upload %s to %s/%s", digest ? digest : "blob", r->host->name, r->name) < 0)
    return oci_error_set (err, ENOMEM, "upload");
  rc = registry_upload_start_request (r, digest, mount_from, &req, err);
  if (rc < 0)
    return rc;
  req->what = what;
  rc = http_perform (r->host->session->http, req, err);
  if (rc < 0)
    return rc;
  return registry_upload_start_result (req, mount_from != NULL, ret_location, err);
}

int
registry_upload_put_request (struct registry_repo *r, const char *location, const char *digest,
                             struct http_request **ret, struct oci_error *err)
{
  cleanup_free char *url = NULL;
  cleanup_free char *scope = registry_scope (r, "pull,push");
  int rc;

  if (!scope)
    return oci_error_set (err, ENOMEM, "upload");
  rc = http_url_append_query (location, "digest", digest, &url, err);
  if (rc < 0)
    return rc;
  rc = registry_request_url (r->host, "PUT", url, scope, ret, err);
  if (rc < 0)
    return rc;
  /* distribution 2.8 wants a Content-Type on the closing PUT. */
  return http_request_add_header (*ret, err, "Content-Type: application/octet-stream");
}

int
registry_upload_patch_request (struct registry_repo *r, const char *location, uint64_t start, uint64_t len,
                               struct http_request **ret, struct oci_error *err)
{
  cleanup_free char *scope = registry_scope (r, "pull,push");
  int rc;

  if (!scope)
    return oci_error_set (err, ENOMEM, "upload");
  rc = registry_request_url (r->host, "PATCH", location, scope, ret, err);
  if (rc < 0)
    return rc;
  rc = http_request_add_header (*ret, err, "Content-Type: application/octet-stream");
  if (rc == 0 && len > 0)
    rc = http_request_add_header (*ret, err, "Content-Range: %" PRIu64 "-%" PRIu64, start, start + len - 1);
  return rc;
}

void
registry_upload_cancel (struct registry_repo *r, const char *location)
{
  cleanup_http_request struct http_request *req = NULL;
  cleanup_free char *scope = registry_scope (r, "pull,push");
  struct oci_error ignored = { 0 };

  if (!scope || registry_request_url (r->host, "DELETE", location, scope, &req, &ignored) < 0)
    return;
  req->max_attempts = 1;
  http_perform (r->host->session->http, req, &ignored);
}

int
registry_put_blob_buffer (struct registry_repo *r, const char *digest, const char *buf, size_t len,
                          struct oci_error *err)
{
  cleanup_http_request struct http_request *req = NULL;
  cleanup_free char *location = NULL;
  int rc;

  rc = registry_upload_start (r, digest, NULL, &location, err);
  if (rc < 0)
    return rc;
  rc = registry_upload_put_request (r, location, digest, &req, err);
  if (rc < 0)
    return rc;
  req->body = buf;
  req->body_len = len;
  rc = http_perform (r->host->session->http, req, err);
  if (rc < 0)
    return rc;
  if (req->status != 201 && !http_request_ok (req))
    return http_request_error (req, err);
  return 0;
}

/* ---- tags ---- */

/* The target of `Link: <URL>; rel="next"`, NULL when there is none. */
static char *
link_next (const char *link)
{
  const char *p = link;

  while (p && *p)
    {
      const char *lt = strchr (p, '<'), *gt;
      if (!lt || !(gt = strchr (lt, '>')))
        return NULL;
      const char *end = strchr (gt, ',');
      size_t plen = end ? (size_t) (end - gt) : strlen (gt);
      cleanup_free char *params = strndup (gt, plen);
      if (params && (strstr (params, "rel=\"next\"") || strstr (params, "rel=next")))
        return strndup (lt + 1, gt - lt - 1);
      p = end ? end + 1 : NULL;
    }
  return NULL;
}

int
registry_list_tags (struct registry_repo *r, int page_size, registry_tag_fn fn, void *ctx, struct oci_error *err)
{
  cleanup_free char *url = NULL;
  cleanup_free char *scope = registry_scope (r, "pull");
  int rc, pages = 0;

  if (!scope)
    return oci_error_set (err, ENOMEM, "tags");
  rc = registry_ping (r->host, err);
  if (rc < 0)
    return rc;
  if (page_size > 0)
    rc = asprintf (&url, "%s/v2/%s/tags/list?n=%d", r->host->base_url, r->name, page_size);
  else
    rc = asprintf (&url, "%s/v2/%s/tags/list", r->host->base_url, r->name);
  if (rc < 0)
    return oci_error_set (err, ENOMEM, "tags");
  while (url)
    {
      cleanup_http_request struct http_request *req = NULL;
      cleanup_json struct oci_json *doc = NULL;
      cleanup_free char *next = NULL;
      const struct oci_json *tags;
      const char *link;

      if (++pages > 100000)
        return oci_error_set (err, ELOOP, "tags of %s/%s: too many pages", r->host->name, r->name);
      rc = registry_request_url (r->host, "GET", url, scope, &req, err);
      if (rc < 0)
        return rc;
      req->max_body = 16u * 1024 * 1024;
      rc = http_perform (r->host->session->http, req, err);
      if (rc < 0)
        return rc;
      if (!http_request_ok (req))
        return http_request_error (req, err);
      rc = oci_json_parse (req->resp_body, req->resp_len, &doc, err);
      if (rc < 0)
        return oci_error_wrap (err, "tags of %s/%s", r->host->name, r->name);
      tags = oci_json_get (doc, "tags");
      if (tags && tags->type == OCI_JSON_ARRAY)
        for (size_t i = 0; i < tags->u.array.len; i++)
          if (tags->u.array.items[i]->type == OCI_JSON_STRING)
            {
              rc = fn (ctx, tags->u.array.items[i]->u.string.str, err);
              if (rc < 0)
                return rc;
            }
      link = http_response_header (req, "link");
      free (url);
      url = NULL;
      if (link && (next = link_next (link)))
        {
          rc = http_resolve_url (req->effective_url ? req->effective_url : req->url, next, &url, err);
          if (rc < 0)
            return rc;
        }
    }
  return 0;
}

/* ---- referrers ---- */

char *
registry_referrers_tag (const char *digest)
{
  const char *colon = strchr (digest, ':');
  size_t alg_len, enc_len;
  char *tag;

  if (!colon)
    return NULL;
  alg_len = colon - digest < 32 ? (size_t) (colon - digest) : 32;
  enc_len = strlen (colon + 1) < 64 ? strlen (colon + 1) : 64;
  if (asprintf (&tag, "%.*s-%.*s", (int) alg_len, digest, (int) enc_len, colon + 1) < 0)
    return NULL;
  for (char *p = tag; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'
          || *p == '.' || *p == '-'))
      *p = '-';
  return tag;
}

static int
filter_artifact_type (struct oci_image_index *idx, const char *artifact_type)
{
  size_t j = 0;

  if (!artifact_type)
    return 0;
  for (size_t i = 0; i < idx->manifests_len; i++)
    {
      const char *at = idx->manifests[i].artifact_type;
      if (at && strcmp (at, artifact_type) == 0)
        {
          if (i != j)
            {
              idx->manifests[j] = idx->manifests[i];
              memset (&idx->manifests[i], 0, sizeof idx->manifests[i]);
            }
          j++;
        }
      else
        oci_image_descriptor_clear (&idx->manifests[i]);
    }
  idx->manifests_len = j;
  return 0;
}

int
registry_referrers (struct registry_repo *r, const char *digest, const char *artifact_type,
                    struct oci_image_index **ret, bool *ret_from_api, struct oci_error *err)
{
  cleanup_http_request struct http_request *req = NULL;
  cleanup_free char *path = NULL;
  cleanup_free char *what = NULL;
  cleanup_free char *tag = NULL;
  struct registry_manifest m = { 0 };
  int rc;

  rc = oci_digest_validate_grammar (digest, err);
  if (rc < 0)
    return rc;
  if (asprintf (&what, "referrers of %s/%s@%s", r->host->name, r->name, digest) < 0)
    return oci_error_set (err, ENOMEM, "referrers");
  if (artifact_type)
    {
      cleanup_free char *at = http_escape (artifact_type);
      rc = at ? asprintf (&path, "%s?artifactType=%s", digest, at) : -1;
    }
  else
    rc = (path = strdup (digest)) ? 0 : -1;
  if (rc < 0)
    return oci_error_set (err, ENOMEM, "referrers");
  rc = registry_repo_request (r, "GET", "referrers", path, "pull", &req, err);
  if (rc < 0)
    return rc;
  rc = http_request_add_header (req, err, "Accept: " OCI_MEDIA_TYPE_IMAGE_INDEX);
  if (rc < 0)
    return rc;
  req->max_body = REGISTRY_MANIFEST_MAX;
  req->what = what;
  rc = http_perform (r->host->session->http, req, err);
  if (rc < 0)
    return rc;
  if (http_request_ok (req))
    {
      rc = oci_image_index_parse_text (req->resp_body, req->resp_len, ret, err);
      if (rc < 0)
        return oci_error_wrap (err, "%s", what);
      if (!http_response_header (req, "oci-filters-applied"))
        filter_artifact_type (*ret, artifact_type);
      if (ret_from_api)
        *ret_from_api = true;
      return 0;
    }
  if (req->status != 404)
    return http_request_error (req, err);

  /* No referrers API: the referrers tag schema. */
  tag = registry_referrers_tag (digest);
  if (!tag)
    return oci_error_set (err, ENOMEM, "referrers");
  rc = registry_get_manifest (r, tag, &m, err);
  if (rc == -ENOENT || (rc == 0 && !oci_media_type_is_index (m.media_type)))
    {
      registry_manifest_clear (&m);
      oci_error_clear (err);
      return oci_image_index_new (ret, err);
    }
  if (rc < 0)
    return rc;
  rc = oci_image_index_parse_text (m.body, m.len, ret, err);
  registry_manifest_clear (&m);
  if (rc < 0)
    return oci_error_wrap (err, "%s (tag %s)", what, tag);
  filter_artifact_type (*ret, artifact_type);
  return 0;
}
