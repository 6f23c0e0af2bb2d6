/* Docker's client configuration, read also by podman and skopeo:
 * $DOCKER_CONFIG/config.json (default ~/.docker/config.json) with
 * "auths" (base64 "user:password" or an identity token), "credsStore"
 * and "credHelpers" naming docker-credential-NAME programs. */
#ifndef REGCTL_DOCKER_CONFIG_H
#define REGCTL_DOCKER_CONFIG_H

#include "oci/error.h"
#include "regctl.h"

struct docker_credentials {
  char *username;
  char *password;
  char *identity_token;   /* OAuth2 refresh token, "identitytoken" */
};

void docker_credentials_clear (struct docker_credentials *c);

/* The config.json path (new string). */
int docker_config_path (const struct regctl_globals *g, char **ret, struct oci_error *err);

/* Credentials for a registry ("127.0.0.1:5000", "docker.io"): its
 * credHelpers entry, else credsStore, else "auths".  -ENOENT when there
 * are none. */
int docker_config_get (const struct regctl_globals *g, const char *registry, struct docker_credentials *ret,
                       struct oci_error *err);

/* Saves credentials the way docker login does: to the helper when one is
 * configured, else base64 in "auths"; config.json is replaced atomically
 * with mode 0600 and its other contents kept. */
int docker_config_store (const struct regctl_globals *g, const char *registry, const struct docker_credentials *c,
                         struct oci_error *err);

/* Removes them; -ENOENT when there were none. */
int docker_config_erase (const struct regctl_globals *g, const char *registry, struct oci_error *err);

#endif
