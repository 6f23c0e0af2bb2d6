/* The distribution API: the session, hosts (scheme, TLS, ping),
 * repositories, manifests and the referrers tag schema kept up to date
 * on manifest PUT and DELETE.  Blobs, uploads, tags and referrers are in
 * registry-blobs.c. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "oci/cleanup.h"
#include "oci/digest.h"
#include "oci/json.h"
#include "registry.h"

/* ---- session and hosts ---- */

int
regctl_session (struct regctl_globals *g, struct regctl_session **ret, struct oci_error *err)
{
  struct http_client_opts opts = { 0 };
  struct regctl_session *s;
  int r;

  if (g->session)
    {
      *ret = g->session;
      return 0;
    }
  s = calloc (1, sizeof *s);
  if (!s)
    return oci_error_set (err, ENOMEM, "session");
  s->g = g;
  opts.max_attempts = g->retries + 1;
  opts.verbose = g->verbose;
  opts.user_agent = g->user_agent;
  r = http_client_new (&opts, &s->http, err);
  if (r < 0)
    {
      free (s);
      return r;
    }
  g->session = s;
  *ret = s;
  return 0;
}

static void
host_free (struct registry_host *h)
{
  free (h->name);
  free (h->api_host);
  free (h->base_url);
  free (h->tls.ca_file);
  free (h->tls.ca_dir);
  free (h->tls.client_cert);
  free (h->tls.client_key);
  for (size_t i = 0; i < h->mirrors_len; i++)
    free (h->mirrors[i]);
  free (h->mirrors);
  free (h->username);
  if (h->password)
    explicit_bzero (h->password, strlen (h->password));
  free (h->password);
  free (h->identity_token);
  free (h->realm);
  free (h->service);
  for (size_t i = 0; i < h->tokens_len; i++)
    {
      free (h->tokens[i].scope);
      free (h->tokens[i].token);
    }
  free (h->tokens);
  free (h);
}

void
regctl_session_free (struct regctl_session *s)
{
  if (!s)
    return;
  while (s->hosts)
    {
      struct registry_host *h = s->hosts;
      s->hosts = h->next;
      host_free (h);
    }
  http_client_free (s->http);
  free (s);
}

/* localhost, 127.0.0.0/8 and ::1, with or without a port. */
static bool
is_local (const char *name)
{
  char host[256];
  size_t n;

  if (name[0] == '[')
    {
      n = strcspn (name + 1, "]");
      snprintf (host, sizeof host, "%.*s", (int) n, name + 1);
    }
  else
    {
      n = strcspn (name, ":");
      snprintf (host, sizeof host, "%.*s", (int) n, name);
    }
  if (strcmp (host, "localhost") == 0 || strcmp (host, "::1") == 0)
    return true;
  if (strncmp (host, "127.", 4) == 0)
    {
      unsigned a, b, c, d;
      char extra;
      return sscanf (host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) == 4 && a == 127 && b < 256 && c < 256
             && d < 256;
    }
  return false;
}

static bool
ends_with (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);
  return n >= m && strcmp (s + n - m, suffix) == 0;
}

/* Docker's certs.d: DIR/HOST/ca.crt (or any *.crt) is a CA to trust,
 * client.cert + client.key (or any *.cert with its *.key) a client
 * certificate. */
static int
load_certs (struct registry_host *h, const char *certs_dir, struct oci_error *err)
{
  cleanup_free char *dir = NULL;
  cleanup_dir DIR *d = NULL;
  struct dirent *de;

  if (asprintf (&dir, "%s/%s", certs_dir, h->name) < 0)
    return oci_error_set (err, ENOMEM, "certs");
  d = opendir (dir);
  if (!d)
    return 0;
  while ((de = readdir (d)))
    {
      cleanup_free char *path = NULL;
      if (de->d_name[0] == '.')
        continue;
      if (asprintf (&path, "%s/%s", dir, de->d_name) < 0)
        return oci_error_set (err, ENOMEM, "certs");
      if (ends_with (de->d_name, ".crt") && (!h->tls.ca_file || strcmp (de->d_name, "ca.crt") == 0))
        {
          free (h->tls.ca_file);
          h->tls.ca_file = oci_steal (path);
        }
      else if (ends_with (de->d_name, ".cert") && !h->tls.client_cert)
        {
          cleanup_free char *key = NULL;
          struct stat st;
          if (asprintf (&key, "%.*s.key", (int) (strlen (path) - 5), path) < 0)
            return oci_error_set (err, ENOMEM, "certs");
          if (stat (key, &st) < 0)
            return oci_error_set (err, errno, "client certificate %s has no key %s", path, key);
          h->tls.client_cert = oci_steal (path);
          h->tls.client_key = oci_steal (key);
        }
    }
  return 0;
}

int
registry_host_get (struct regctl_session *s, const char *name, struct registry_host **ret, struct oci_error *err)
{
  struct registry_host *h;
  int r;

  for (h = s->hosts; h; h = h->next)
    if (strcmp (h->name, name) == 0)
      {
        *ret = h;
        return 0;
      }
  h = calloc (1, sizeof *h);
  if (!h)
    return oci_error_set (err, ENOMEM, "registry");
  h->session = s;
  h->name = strdup (name);
  h->api_host = strdup (strcmp (name, "docker.io") == 0 ? "registry-1.docker.io" : name);
  if (!h->name || !h->api_host)
    {
      host_free (h);
      return oci_error_set (err, ENOMEM, "registry");
    }
  h->local = is_local (name) && !s->g->tls_verify;
  h->tls.verify = !(s->g->insecure || h->local);
  h->plain_http = s->g->plain_http;
  h->http_fallback = h->local;
  r = load_certs (h, s->g->certs_dir ? s->g->certs_dir : "/etc/docker/certs.d", err);
  if (r == 0)
    r = registry_config_apply (s->g, h, err);
  if (r < 0)
    {
      host_free (h);
      return r;
    }
  h->next = s->hosts;
  s->hosts = h;
  *ret = h;
  return 0;
}

int
registry_ping (struct registry_host *h, struct oci_error *err)
{
  const struct regctl_globals *g = h->session->g;
  const char *schemes[2];
  size_t n = 0;
  int r = 0;

  if (h->pinged)
    return 0;
  if (h->plain_http)
    schemes[n++] = "http";
  else
    {
      schemes[n++] = "https";
      /* Docker's rule: a local (or insecure) registry may speak plain HTTP. */
      if (h->http_fallback)
        schemes[n++] = "http";
    }
  struct oci_error first = { 0 };
  for (size_t i = 0; i < n; i++)
    {
      cleanup_http_request struct http_request *req = NULL;
      cleanup_free char *base = NULL;
      cleanup_free char *url = NULL;

      if (asprintf (&base, "%s://%s", schemes[i], h->api_host) < 0 || asprintf (&url, "%s/v2/", base) < 0)
        return oci_error_set (err, ENOMEM, "ping");
      r = http_request_new ("GET", url, &req, err);
      if (r < 0)
        return r;
      req->tls = &h->tls;
      /* Nothing listening is an answer, not a reason to wait. */
      req->no_retry_connect = true;
      if (i + 1 < n)
        req->max_attempts = 1;
      oci_error_clear (err);
      r = http_perform (h->session->http, req, err);
      if (r < 0)
        {
          if (i + 1 < n)
            {
              if (g->verbose)
                fprintf (stderr, "http: %s; trying %s\n", err->msg, schemes[i + 1]);
              first = *err;
              continue;
            }
          return oci_error_wrap (err, "registry %s", h->name);
        }
      /* A registry answers 200, or 401 for credentials; anything else
       * (a TLS server's 400 to plain HTTP, a web server's 404) is not the
       * API, and the HTTPS failure before it says more. */
      if (req->status != 401 && req->status != 403 && (req->status < 200 || req->status >= 300) && req->status < 500)
        {
          http_request_error (req, err);
          if (oci_error_is_set (&first))
            {
              struct oci_error plain = *err;
              *err = first;
              return oci_error_wrap (err, "registry %s (and over HTTP: %s)", h->name, plain.msg);
            }
          return oci_error_wrap (err, "registry %s: not a registry (GET /v2/)", h->name);
        }
      if (req->status == 401)
        {
          r = auth_note_challenge (h, http_response_header (req, "www-authenticate"), err);
          if (r < 0)
            return r;
        }
      else if (req->status >= 500)
        return http_request_error (req, err);
      else if (h->scheme == AUTH_UNKNOWN)
        h->scheme = AUTH_NONE;
      h->base_url = oci_steal (base);
      h->pinged = true;
      return 0;
    }
  return r;
}

int
registry_request_url (struct registry_host *h, const char *method, const char *url, const char *scope,
                      struct http_request **ret, struct oci_error *err)
{
  struct http_request *req;
  int r;

  r = registry_ping (h, err);
  if (r < 0)
    return r;
  r = http_request_new (method, url, &req, err);
  if (r < 0)
    return r;
  req->tls = &h->tls;
  req->auth = &registry_auth_hooks;
  req->auth_ctx = h;
  if (scope && !(req->scope = strdup (scope)))
    {
      http_request_free (req);
      return oci_error_set (err, ENOMEM, "request");
    }
  *ret = req;
  return 0;
}

int
registry_request (struct registry_host *h, const char *method, const char *path, const char *scope,
                  struct http_request **ret, struct oci_error *err)
{
  cleanup_free char *url = NULL;
  int r;

  r = registry_ping (h, err);
  if (r < 0)
    return r;
  if (asprintf (&url, "%s%s", h->base_url, path) < 0)
    return oci_error_set (err, ENOMEM, "request");
  return registry_request_url (h, method, url, scope, ret, err);
}

char *
registry_scope (const struct registry_repo *r, const char *actions)
{
  char *s;
  if (asprintf (&s, "repository:%s:%s", r->name, actions) < 0)
    return NULL;
  return s;
}

/* ---- repositories ---- */

void
registry_repo_clear (struct registry_repo *r)
{
  free (r->name);
  r->name = NULL;
  r->host = NULL;
}

int
registry_repo_from_ref (struct regctl_globals *g, const struct oci_reference *ref, struct registry_repo *ret,
                        struct oci_error *err)
{
  struct regctl_session *s;
  int r;

  if (!ref->domain)
    return oci_error_set (err, EINVAL, "reference \"%s\" names no registry", ref->path);
  r = regctl_session (g, &s, err);
  if (r < 0)
    return r;
  r = registry_host_get (s, ref->domain, &ret->host, err);
  if (r < 0)
    return r;
  ret->name = strdup (ref->path);
  if (!ret->name)
    return oci_error_set (err, ENOMEM, "reference");
  return 0;
}

int
registry_repo_parse (struct regctl_globals *g, const char *s, struct registry_repo *ret, struct oci_reference **ret_ref,
                     struct oci_error *err)
{
  cleanup_reference struct oci_reference *ref = NULL;
  int r;

  if (strncmp (s, "docker://", 9) == 0)
    s += 9;
  r = oci_reference_parse_normalized (s, &ref, err);
  if (r < 0)
    return r;
  r = registry_repo_from_ref (g, ref, ret, err);
  if (r < 0)
    return r;
  if (ret_ref)
    *ret_ref = oci_steal (ref);
  return 0;
}

static int
repo_path (const struct registry_repo *r, const char *kind, const char *tail, char **ret, struct oci_error *err)
{
  if (asprintf (ret, "/v2/%s/%s%s%s", r->name, kind, tail ? "/" : "", tail ? tail : "") < 0)
    return oci_error_set (err, ENOMEM, "request");
  return 0;
}

int
registry_repo_request (struct registry_repo *r, const char *method, const char *kind, const char *tail, const char *actions,
              struct http_request **ret, struct oci_error *err)
{
  cleanup_free char *path = NULL;
  cleanup_free char *scope = registry_scope (r, actions);
  int rc;

  if (!scope)
    return oci_error_set (err, ENOMEM, "request");
  rc = repo_path (r, kind, tail, &path, err);
  if (rc < 0)
    return rc;
  return registry_request (r->host, method, path, scope, ret, err);
}

/* ---- manifests ---- */

void
registry_manifest_clear (struct registry_manifest *m)
{
  free (m->body);
  free (m->media_type);
  memset (m, 0, sizeof *m);
}

bool
registry_is_digest (const char *reference)
{
  return strchr (reference, ':') != NULL;
}

/* The media type without parameters ("; charset=utf-8"); new string. */
static char *
bare_media_type (const char *content_type)
{
  size_t n;
  if (!content_type)
    return NULL;
  n = strcspn (content_type, "; \t");
  return strndup (content_type, n);
}

/* The media type of a fetched manifest: the document's own, else the
 * Content-Type, else its shape.  Schema 1 is refused by name. */
static int
manifest_media_type (const char *body, size_t len, const char *content_type, char **ret, struct oci_error *err)
{
  cleanup_json struct oci_json *j = NULL;
  cleanup_free char *ct = bare_media_type (content_type);
  const struct oci_json *sv;
  const char *mt;
  int r;

  r = oci_json_parse (body, len, &j, err);
  if (r < 0)
    return oci_error_wrap (err, "manifest is not JSON");
  if (j->type != OCI_JSON_OBJECT)
    return oci_error_set (err, EINVAL, "manifest is not a JSON object");
  sv = oci_json_get (j, "schemaVersion");
  if ((sv && sv->type == OCI_JSON_NUMBER && strcmp (sv->u.number, "1") == 0)
      || (ct && (strcmp (ct, OCI_DOCKER_MEDIA_TYPE_MANIFEST_V1) == 0
                 || strcmp (ct, OCI_DOCKER_MEDIA_TYPE_MANIFEST_V1_SIGNED) == 0)))
    return oci_error_set (err, ENOTSUP, "Docker image manifest schema 1 is not supported");
  mt = oci_json_get (j, "mediaType") ? oci_image_detect_media_type (j) : NULL;
  if (!mt && ct && (oci_media_type_is_manifest (ct) || oci_media_type_is_index (ct)))
    mt = ct;
  if (!mt)
    mt = oci_image_detect_media_type (j);
  if (!mt)
    return oci_error_set (err, EINVAL, "cannot tell what kind of document the manifest is (no mediaType)");
  *ret = strdup (mt);
  if (!*ret)
    return oci_error_set (err, ENOMEM, "manifest");
  return 0;
}

static char *
describe_ref (const struct registry_repo *r, const char *reference)
{
  char *s;
  if (asprintf (&s, "%s/%s%s%s", r->host->name, r->name, registry_is_digest (reference) ? "@" : ":", reference) < 0)
    return NULL;
  return s;
}

/* A request for a manifest that accepts every manifest type we read. */
static int
manifest_request (struct registry_repo *r, const char *method, const char *reference, struct http_request **ret,
                  struct oci_error *err)
{
  int rc = registry_repo_request (r, method, "manifests", reference, "pull", ret, err);

  if (rc < 0)
    return rc;
  return http_request_add_header (*ret, err, "Accept: " REGISTRY_MANIFEST_ACCEPT);
}

int
registry_get_manifest (struct registry_repo *r, const char *reference, struct registry_manifest *ret,
                       struct oci_error *err)
{
  cleanup_http_request struct http_request *req = NULL;
  cleanup_free char *what = NULL;
  cleanup_free char *desc = describe_ref (r, reference);
  struct registry_manifest m = { 0 };
  enum oci_digest_alg alg = OCI_DIGEST_SHA256;
  const char *want = NULL;
  int rc;

  if (!desc || asprintf (&what, "manifest %s", desc) < 0)
    return oci_error_set (err, ENOMEM, "manifest");
  if (registry_is_digest (reference))
    {
      want = reference;
      rc = oci_digest_parse (reference, &alg, err);
      if (rc < 0)
        return oci_error_wrap (err, "%s", what);
    }
  rc = manifest_request (r, "GET", reference, &req, err);
  if (rc < 0)
    return rc;
  req->max_body = REGISTRY_MANIFEST_MAX;
  req->what = what;
  rc = http_perform (r->host->session->http, req, err);
  if (rc < 0)
    return rc;
  if (!http_request_ok (req))
    return http_request_error (req, err);

  if (!want)
    {
      /* By tag: trust only a digest we can recompute. */
      const char *header = http_response_header (req, "docker-content-digest");
      if (header && oci_digest_parse (header, &alg, &(struct oci_error){ 0 }) == 0)
        want = header;
      else
        alg = OCI_DIGEST_SHA256;
    }
  rc = oci_digest_buffer (alg, req->resp_body, req->resp_len, m.digest, err);
  if (rc < 0)
    return rc;
  if (want && !oci_digest_equal (want, m.digest))
    return oci_error_set (err, EIO, "%s: digest mismatch: expected %s, the content hashes to %s", what, want,
                          m.digest);
  rc = manifest_media_type (req->resp_body, req->resp_len, http_response_header (req, "content-type"),
                            &m.media_type, err);
  if (rc < 0)
    return oci_error_wrap (err, "%s", what);
  m.body = oci_steal (req->resp_body);
  m.len = req->resp_len;
  *ret = m;
  return 0;
}

int
registry_head_manifest (struct registry_repo *r, const char *reference, struct oci_image_descriptor **ret,
                        struct oci_error *err)
{
  cleanup_http_request struct http_request *req = NULL;
  cleanup_free char *what = NULL;
  cleanup_free char *desc = describe_ref (r, reference);
  cleanup_free char *mt = NULL;
  const char *digest, *length;
  int rc;

  if (!desc || asprintf (&what, "manifest %s", desc) < 0)
    return oci_error_set (err, ENOMEM, "manifest");
  rc = manifest_request (r, "HEAD", reference, &req, err);
  if (rc < 0)
    return rc;
  req->what = what;
  rc = http_perform (r->host->session->http, req, err);
  if (rc < 0)
    return rc;
  if (!http_request_ok (req))
    return http_request_error (req, err);
  digest = http_response_header (req, "docker-content-digest");
  length = http_response_header (req, "content-length");
  mt = bare_media_type (http_response_header (req, "content-type"));
  if (digest && length && mt && (oci_media_type_is_manifest (mt) || oci_media_type_is_index (mt))
      && oci_digest_validate_grammar (digest, &(struct oci_error){ 0 }) == 0
      && (!registry_is_digest (reference) || oci_digest_equal (digest, reference)))
    return oci_image_descriptor_new (mt, digest, strtoll (length, NULL, 10), ret, err);

  /* Not enough in the headers: fetch it. */
  struct registry_manifest m = { 0 };
  rc = registry_get_manifest (r, reference, &m, err);
  if (rc == 0)
    rc = oci_image_descriptor_new (m.media_type, m.digest, (int64_t) m.len, ret, err);
  registry_manifest_clear (&m);
  return rc;
}

/* ---- mirrors ---- */

/* Whether the repository has the manifest: one HEAD, no retries (a mirror
 * that is down or slow is skipped, not waited for). */
static int
mirror_has (struct registry_repo *r, const char *reference, struct oci_error *err)
{
  cleanup_http_request struct http_request *req = NULL;
  int rc;

  rc = manifest_request (r, "HEAD", reference, &req, err);
  if (rc < 0)
    return rc;
  req->max_attempts = 1;
  rc = http_perform (r->host->session->http, req, err);
  if (rc < 0)
    return rc;
  if (!http_request_ok (req))
    return http_request_error (req, err);
  return 0;
}

int
registry_repo_use_mirror (struct registry_repo *r, const char *reference, struct oci_error *err)
{
  struct registry_host *h = r->host;
  int verbose = h->session->g->verbose;

  if (h->mirrors_len == 0 || !reference)
    return 0;
  if (h->mirror_by_digest_only && !registry_is_digest (reference))
    return 0;
  for (size_t i = 0; i < h->mirrors_len; i++)
    {
      const char *m = h->mirrors[i];
      const char *slash = strchr (m, '/');
      cleanup_free char *host = slash ? strndup (m, slash - m) : strdup (m);
      struct registry_repo mr = { 0 };
      struct oci_error e = { 0 };
      int rc;

      if (!host)
        return oci_error_set (err, ENOMEM, "mirror");
      /* A mirror's own settings (registries config, certs.d) apply; a
       * broken configuration is an error, not a reason to skip. */
      rc = registry_host_get (h->session, host, &mr.host, err);
      if (rc < 0)
        return oci_error_wrap (err, "mirror %s of %s", m, h->name);
      if (slash)
        rc = asprintf (&mr.name, "%s/%s", slash + 1, r->name);
      else
        rc = (mr.name = strdup (r->name)) ? 0 : -1;
      if (rc < 0)
        return oci_error_set (err, ENOMEM, "mirror");
      rc = mirror_has (&mr, reference, &e);
      if (rc == 0)
        {
          if (verbose)
            fprintf (stderr, "mirror: %s/%s%s%s from %s/%s\n", h->name, r->name, registry_is_digest (reference) ? "@" : ":",
                     reference, mr.host->name, mr.name);
          registry_repo_clear (r);
          *r = mr;
          return 0;
        }
      if (verbose)
        fprintf (stderr, "mirror: skipping %s: %s\n", m, e.msg);
      registry_repo_clear (&mr);
    }
  return 0;
}

static int referrers_tag_update (struct registry_repo *r, const char *subject,
                                 const struct oci_image_descriptor *add, const char *remove, struct oci_error *err);
static int referrer_descriptor (const char *body, size_t len, const char *media_type, const char *digest,
                                struct oci_image_descriptor **ret, char **ret_subject, struct oci_error *err);

int
registry_put_manifest (struct registry_repo *r, const char *reference, const char *body, size_t len,
                       const char *media_type, char ret_digest[OCI_DIGEST_MAX], struct oci_error *err)
{
  cleanup_http_request struct http_request *req = NULL;
  cleanup_free char *what = NULL;
  cleanup_free char *desc = describe_ref (r, reference);
  char digest[OCI_DIGEST_MAX];
  enum oci_digest_alg alg = OCI_DIGEST_SHA256;
  int rc;

  if (!desc || asprintf (&what, "put manifest %s", desc) < 0)
    return oci_error_set (err, ENOMEM, "manifest");
  if (len > REGISTRY_MANIFEST_MAX)
    return oci_error_set (err, EFBIG, "%s: %zu bytes, more than the %u a registry must accept", what, len,
                          REGISTRY_MANIFEST_MAX);
  if (registry_is_digest (reference) && (rc = oci_digest_parse (reference, &alg, err)) < 0)
    return oci_error_wrap (err, "%s", what);
  rc = oci_digest_buffer (alg, body, len, digest, err);
  if (rc < 0)
    return rc;
  if (registry_is_digest (reference) && !oci_digest_equal (reference, digest))
    return oci_error_set (err, EINVAL, "%s: the manifest's digest is %s", what, digest);
  rc = registry_repo_request (r, "PUT", "manifests", reference, "pull,push", &req, err);
  if (rc < 0)
    return rc;
  rc = http_request_add_header (req, err, "Content-Type: %s", media_type);
  if (rc < 0)
    return rc;
  req->body = body;
  req->body_len = len;
  req->what = what;
  rc = http_perform (r->host->session->http, req, err);
  if (rc < 0)
    return rc;
  if (!http_request_ok (req))
    return http_request_error (req, err);
  if (ret_digest)
    memcpy (ret_digest, digest, OCI_DIGEST_MAX);
  /* A registry without the referrers API did not index the subject: the
   * client keeps the referrers tag schema up to date (spec, "Pushing
   * Manifests with Subject"). */
  if (!http_response_header (req, "oci-subject"))
    {
      cleanup_image_descriptor struct oci_image_descriptor *d = NULL;
      cleanup_free char *subject = NULL;
      rc = referrer_descriptor (body, len, media_type, digest, &d, &subject, err);
      if (rc == 0 && subject)
        rc = referrers_tag_update (r, subject, d, NULL, err);
      if (rc < 0)
        return oci_error_wrap (err, "%s: referrers of its subject", what);
    }
  return 0;
}

int
registry_delete_manifest (struct registry_repo *r, const char *reference, struct oci_error *err)
{
  cleanup_http_request struct http_request *req = NULL;
  cleanup_free char *what = NULL;
  cleanup_free char *desc = describe_ref (r, reference);
  cleanup_free char *subject = NULL;
  int rc;

  if (!desc || asprintf (&what, "delete manifest %s", desc) < 0)
    return oci_error_set (err, ENOMEM, "manifest");
  if (registry_is_digest (reference))
    {
      /* A referrer leaves the referrers tag schema list of its subject. */
      struct registry_manifest m = { 0 };
      cleanup_image_descriptor struct oci_image_descriptor *d = NULL;
      if (registry_get_manifest (r, reference, &m, &(struct oci_error){ 0 }) == 0)
        referrer_descriptor (m.body, m.len, m.media_type, m.digest, &d, &subject, &(struct oci_error){ 0 });
      registry_manifest_clear (&m);
    }
  rc = registry_repo_request (r, "DELETE", "manifests", reference, "pull,push,delete", &req, err);
  if (rc < 0)
    return rc;
  req->what = what;
  rc = http_perform (r->host->session->http, req, err);
  if (rc < 0)
    return rc;
  if (!http_request_ok (req))
    return http_request_error (req, err);
  if (subject)
    {
      cleanup_image_index struct oci_image_index *api = NULL;
      bool from_api = false;
      rc = registry_referrers (r, subject, NULL, &api, &from_api, err);
      if (rc == 0 && !from_api)
        rc = referrers_tag_update (r, subject, NULL, reference, err);
      if (rc < 0)
        return oci_error_wrap (err, "%s: referrers of its subject", what);
    }
  return 0;
}

/* ---- referrers tag schema ---- */

static int
referrer_descriptor (const char *body, size_t len, const char *media_type, const char *digest,
                     struct oci_image_descriptor **ret, char **ret_subject, struct oci_error *err)
{
  cleanup_json struct oci_json *j = NULL;
  cleanup_image_descriptor struct oci_image_descriptor *d = NULL;
  const struct oci_json *subject, *sd, *at, *config, *cmt, *ann;
  int rc;

  *ret_subject = NULL;
  rc = oci_json_parse (body, len, &j, err);
  if (rc < 0)
    return rc;
  subject = oci_json_get (j, "subject");
  sd = oci_json_get (subject, "digest");
  if (!sd || sd->type != OCI_JSON_STRING)
    return 0;
  rc = oci_image_descriptor_new (media_type, digest, (int64_t) len, &d, err);
  if (rc < 0)
    return rc;
  at = oci_json_get (j, "artifactType");
  config = oci_json_get (j, "config");
  cmt = oci_json_get (config, "mediaType");
  if (at && at->type == OCI_JSON_STRING)
    d->artifact_type = strdup (at->u.string.str);
  else if (oci_media_type_is_manifest (media_type) && cmt && cmt->type == OCI_JSON_STRING)
    d->artifact_type = strdup (cmt->u.string.str);
  ann = oci_json_get (j, "annotations");
  if (ann && ann->type == OCI_JSON_OBJECT && ann->u.object.len > 0)
    {
      d->annotations = oci_strmap_new ();
      for (size_t i = 0; d->annotations && i < ann->u.object.len; i++)
        if (ann->u.object.values[i]->type == OCI_JSON_STRING
            && oci_strmap_set (d->annotations, ann->u.object.keys[i], ann->u.object.values[i]->u.string.str) < 0)
          return oci_error_set (err, ENOMEM, "referrer");
    }
  *ret_subject = strdup (sd->u.string.str);
  if (!*ret_subject)
    return oci_error_set (err, ENOMEM, "referrer");
  *ret = oci_steal (d);
  return 0;
}

static int
referrers_tag_update (struct registry_repo *r, const char *subject, const struct oci_image_descriptor *add,
                      const char *remove, struct oci_error *err)
{
  cleanup_image_index struct oci_image_index *index = NULL;
  cleanup_free char *tag = registry_referrers_tag (subject);
  cleanup_free char *text = NULL;
  struct registry_manifest cur = { 0 };
  bool changed = false;
  size_t len, j = 0;
  int rc;

  if (!tag)
    return oci_error_set (err, ENOMEM, "referrers");
  rc = registry_get_manifest (r, tag, &cur, err);
  if (rc == -ENOENT)
    {
      oci_error_clear (err);
      rc = oci_image_index_new (&index, err);
    }
  else if (rc == 0 && !oci_media_type_is_index (cur.media_type))
    rc = oci_error_set (err, EINVAL, "tag %s is not a referrers index (%s)", tag, cur.media_type);
  else if (rc == 0)
    rc = oci_image_index_parse_text (cur.body, cur.len, &index, err);
  registry_manifest_clear (&cur);
  if (rc < 0)
    return rc;
  for (size_t i = 0; i < index->manifests_len; i++)
    {
      const char *d = index->manifests[i].digest;
      if ((remove && oci_digest_equal (d, remove)) || (add && oci_digest_equal (d, add->digest)))
        {
          oci_image_descriptor_clear (&index->manifests[i]);
          changed |= remove != NULL;
          continue;
        }
      if (i != j)
        {
          index->manifests[j] = index->manifests[i];
          memset (&index->manifests[i], 0, sizeof index->manifests[i]);
        }
      j++;
    }
  index->manifests_len = j;
  if (add)
    {
      struct oci_image_descriptor *n = realloc (index->manifests, (j + 1) * sizeof *n);
      if (!n)
        return oci_error_set (err, ENOMEM, "referrers");
      index->manifests = n;
      memset (&n[j], 0, sizeof *n);
      rc = oci_image_descriptor_copy (&n[j], add, err);
      if (rc < 0)
        return rc;
      index->manifests_len++;
      changed = true;
    }
  if (!changed)
    return 0;
  rc = oci_image_index_generate (index, OCI_JSON_COMPACT, &text, &len, err);
  if (rc < 0)
    return rc;
  return registry_put_manifest (r, tag, text, len, OCI_MEDIA_TYPE_IMAGE_INDEX, NULL, err);
}
