/* Registry authentication: anonymous, Basic, and the Bearer token flow
 * (WWW-Authenticate challenge → token endpoint with service and scope →
 * token cached per scope, fetched again on 401). */
#ifndef REGCTL_AUTH_H
#define REGCTL_AUTH_H

#include "http.h"
#include "oci/error.h"

struct registry_host;

/* The hooks registry requests carry; their ctx is the struct registry_host. */
extern const struct http_auth_hooks registry_auth_hooks;

/* A parsed WWW-Authenticate challenge (the first one). */
struct auth_challenge {
  char *scheme;     /* "bearer", "basic" (lowercase) */
  char *realm;
  char *service;
  char *scope;
  char *error;
};

int auth_parse_challenge (const char *header, struct auth_challenge *ret, struct oci_error *err);
void auth_challenge_clear (struct auth_challenge *c);

/* Records what a response's WWW-Authenticate says about the host (from
 * the ping). */
int auth_note_challenge (struct registry_host *h, const char *header, struct oci_error *err);

/* Loads the host's credentials from Docker's config (once). */
int auth_load_credentials (struct registry_host *h, struct oci_error *err);

/* Fetches a Bearer token for scope (NULL: none) with the host's
 * credentials and caches it. */
int auth_fetch_token (struct registry_host *h, const char *scope, struct oci_error *err);

/* Whether the token scope `have` grants every action of `want`. */
bool auth_scope_covers (const char *have, const char *want);

#endif
