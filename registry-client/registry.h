/* The distribution API (distribution-spec v1.1) over http.c and auth.c:
 * one struct registry_host per registry (its scheme, TLS settings and
 * credentials), calls named after the endpoints. */
#ifndef REGCTL_REGISTRY_H
#define REGCTL_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "http.h"
#include "oci/digest.h"
#include "oci/error.h"
#include "oci/image-spec.h"
#include "oci/reference.h"
#include "regctl.h"

/* Manifests larger than this are refused (distribution's own limit). */
#define REGISTRY_MANIFEST_MAX (4u * 1024 * 1024)

#define REGISTRY_MANIFEST_ACCEPT                                                                     \
  OCI_MEDIA_TYPE_IMAGE_MANIFEST ", " OCI_MEDIA_TYPE_IMAGE_INDEX ", " OCI_DOCKER_MEDIA_TYPE_MANIFEST \
                                ", " OCI_DOCKER_MEDIA_TYPE_MANIFEST_LIST

struct auth_token {
  char *scope;       /* "repository:a:pull repository:b:pull,push" */
  char *token;
  time_t expires;    /* 0: unknown */
};

enum auth_scheme {
  AUTH_UNKNOWN,
  AUTH_NONE,
  AUTH_BASIC,
  AUTH_BEARER,
};

struct registry_host {
  char *name;            /* as references spell it: "127.0.0.1:5000", "docker.io" */
  char *api_host;        /* where the API lives: registry-1.docker.io for docker.io */
  char *base_url;        /* "https://127.0.0.1:5000", known after the ping */
  bool pinged;
  bool local;            /* localhost or 127.0.0.0/8, ::1: insecure by default */
  bool plain_http;       /* HTTP only (--plain-http, the registries config) */
  bool http_fallback;    /* HTTPS first, then HTTP (local or insecure registries) */
  struct http_tls tls;
  /* Registries config: "HOST[:PORT][/PREFIX]" that image pulls and copies
   * try first, in order (registry_repo_use_mirror). */
  char **mirrors;
  size_t mirrors_len;
  bool mirror_by_digest_only;  /* only references by digest go to mirrors */
  struct regctl_session *session;

  /* Credentials, from config.json or its helpers, loaded on first need. */
  bool creds_loaded;
  char *username;
  char *password;
  char *identity_token;

  enum auth_scheme scheme;
  char *realm;           /* Bearer: token endpoint */
  char *service;
  struct auth_token *tokens;
  size_t tokens_len;

  struct registry_host *next;
};

struct regctl_session {
  struct regctl_globals *g;
  struct http_client *http;
  struct registry_host *hosts;
};

/* The session of this process (HTTP client, hosts), made on first use. */
int regctl_session (struct regctl_globals *g, struct regctl_session **ret, struct oci_error *err);
void regctl_session_free (struct regctl_session *s);

/* A repository on a registry. */
struct registry_repo {
  struct registry_host *host;
  char *name;            /* "library/busybox" */
};

void registry_repo_clear (struct registry_repo *r);

/* Parses a registry reference ("docker://" prefix allowed) with Docker's
 * normalisation; *ret_ref (may be NULL) receives the parsed reference. */
int registry_repo_parse (struct regctl_globals *g, const char *s, struct registry_repo *ret,
                         struct oci_reference **ret_ref, struct oci_error *err);
int registry_repo_from_ref (struct regctl_globals *g, const struct oci_reference *ref, struct registry_repo *ret,
                            struct oci_error *err);
/* The host entry for a registry name, made on first use. */
int registry_host_get (struct regctl_session *s, const char *name, struct registry_host **ret, struct oci_error *err);

/* Applies the registries config (registry-config.c) to a new host. */
int registry_config_apply (const struct regctl_globals *g, struct registry_host *h, struct oci_error *err);

/* When r's registry has mirrors, the first of them that has the manifest
 * `reference` (a tag or a digest) replaces r (host and repository name,
 * with the mirror's path prefix); a mirror that fails or lacks it is
 * skipped, and r stays as it was when none has it.  Mirrors serve reads
 * of whole images only (pull, copy), never pushes. */
int registry_repo_use_mirror (struct registry_repo *r, const char *reference, struct oci_error *err);

/* Chooses the scheme (HTTPS; HTTP with --plain-http; HTTPS then HTTP for
 * local registries) and learns the auth scheme from GET /v2/. */
int registry_ping (struct registry_host *h, struct oci_error *err);

/* A request on this host's API (path starts with "/v2/"), with the auth
 * hooks and the scope ("repository:NAME:pull") set.  Pings first. */
int registry_request (struct registry_host *h, const char *method, const char *path, const char *scope,
                      struct http_request **ret, struct oci_error *err);
/* The same for a full URL (an upload Location). */
int registry_request_url (struct registry_host *h, const char *method, const char *url, const char *scope,
                          struct http_request **ret, struct oci_error *err);

/* A request on a repository: /v2/NAME/KIND[/TAIL] with the scope
 * "repository:NAME:ACTIONS". */
int registry_repo_request (struct registry_repo *r, const char *method, const char *kind, const char *tail,
                           const char *actions, struct http_request **ret, struct oci_error *err);
/* A reference that is a digest rather than a tag. */
bool registry_is_digest (const char *reference);

/* "repository:NAME:ACTIONS". */
char *registry_scope (const struct registry_repo *r, const char *actions);

/* ---- manifests ---- */

struct registry_manifest {
  char *body;
  size_t len;
  char *media_type;
  char digest[OCI_DIGEST_MAX];
};

void registry_manifest_clear (struct registry_manifest *m);

/* GET a manifest by tag or digest; the content is verified against the
 * digest asked for, or the registry's Docker-Content-Digest. */
int registry_get_manifest (struct registry_repo *r, const char *reference, struct registry_manifest *ret,
                           struct oci_error *err);
/* HEAD: media type, digest and size, without the body (falls back to GET
 * when the registry gives no digest). */
int registry_head_manifest (struct registry_repo *r, const char *reference, struct oci_image_descriptor **ret,
                            struct oci_error *err);
/* PUT; ret_digest (may be NULL) receives the digest of body. */
int registry_put_manifest (struct registry_repo *r, const char *reference, const char *body, size_t len,
                           const char *media_type, char ret_digest[OCI_DIGEST_MAX], struct oci_error *err);
int registry_delete_manifest (struct registry_repo *r, const char *reference, struct oci_error *err);

/* ---- blobs ---- */

/* 0 and the size when the blob is there, -ENOENT when not. */
int registry_head_blob (struct registry_repo *r, const char *digest, int64_t *ret_size, struct oci_error *err);
/* The same in two steps, for an engine: the request, and what its answer
 * means. */
int registry_head_blob_request (struct registry_repo *r, const char *digest, struct http_request **ret,
                                struct oci_error *err);
int registry_head_blob_result (const struct http_request *req, int64_t *ret_size, struct oci_error *err);
/* A GET of a blob, to run on an engine with a sink of the caller's. */
int registry_blob_request (struct registry_repo *r, const char *digest, struct http_request **ret,
                           struct oci_error *err);
/* POST an upload (with mount=digest&from=mount_from when mount_from is
 * set).  Returns 1 when the registry mounted the blob, 0 with the upload
 * URL in *ret_location otherwise. */
int registry_upload_start (struct registry_repo *r, const char *digest, const struct registry_repo *mount_from,
                           char **ret_location, struct oci_error *err);
/* The same in two steps, for an engine. */
int registry_upload_start_request (struct registry_repo *r, const char *digest,
                                   const struct registry_repo *mount_from, struct http_request **ret,
                                   struct oci_error *err);
int registry_upload_start_result (const struct http_request *req, bool mounting, char **ret_location,
                                  struct oci_error *err);
/* The closing PUT of an upload (body to be set by the caller), or a PATCH
 * of a chunk (Content-Range start..start+len-1). */
int registry_upload_put_request (struct registry_repo *r, const char *location, const char *digest,
                                 struct http_request **ret, struct oci_error *err);
int registry_upload_patch_request (struct registry_repo *r, const char *location, uint64_t start, uint64_t len,
                                   struct http_request **ret, struct oci_error *err);
/* The Location a finished upload request returned, resolved; new string. */
int registry_upload_location (const struct http_request *req, char **ret, struct oci_error *err);
/* DELETE of an upload session, errors ignored. */
void registry_upload_cancel (struct registry_repo *r, const char *location);
/* A blob held in memory, uploaded monolithically. */
int registry_put_blob_buffer (struct registry_repo *r, const char *digest, const char *buf, size_t len,
                              struct oci_error *err);

/* ---- content discovery ---- */

typedef int (*registry_tag_fn) (void *ctx, const char *tag, struct oci_error *err);
/* Every tag, following Link headers; page_size 0 lets the registry choose. */
int registry_list_tags (struct registry_repo *r, int page_size, registry_tag_fn fn, void *ctx,
                        struct oci_error *err);
/* The referrers of digest as an image index document (the API, or the
 * referrers tag schema when the API answers 404).  artifact_type may be
 * NULL. */
int registry_referrers (struct registry_repo *r, const char *digest, const char *artifact_type,
                        struct oci_image_index **ret, bool *ret_from_api, struct oci_error *err);
/* "sha256-<hex>" for a digest (the referrers tag schema). */
char *registry_referrers_tag (const char *digest);

#endif
