/* Per-registry settings: a JSON file of tong's own, since Docker keeps
 * them in its daemon's configuration and containers/image in TOML.
 *
 *   {"registries": {"HOST[:PORT]": {"plainHttp": true, "insecure": true,
 *     "caFile": "/path/ca.crt", "clientCert": "/path/c.cert",
 *     "clientKey": "/path/c.key"}}}
 *
 * --registries-config FILE, else $TONG_REGISTRIES_CONFIG, else
 * $XDG_CONFIG_HOME/tong/registries.json (~/.config/tong/registries.json);
 * a missing file means no settings.  "insecure" is Docker's insecure
 * registry: HTTPS without verification, then plain HTTP. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci/cleanup.h"
#include "oci/json.h"
#include "registry.h"

static int
config_path (const struct regctl_globals *g, char **ret, struct oci_error *err)
{
  const char *p = g->registries_config;
  const char *xdg = getenv ("XDG_CONFIG_HOME");
  const char *home = getenv ("HOME");
  int n;

  if (!p || !*p)
    p = getenv ("TONG_REGISTRIES_CONFIG");
  if (p && *p)
    n = asprintf (ret, "%s", p);
  else if (xdg && *xdg)
    n = asprintf (ret, "%s/tong/registries.json", xdg);
  else if (home && *home)
    n = asprintf (ret, "%s/.config/tong/registries.json", home);
  else
    {
      *ret = NULL;
      return 0;
    }
  if (n < 0)
    return oci_error_set (err, ENOMEM, "registries config");
  return 0;
}

static int
get_bool (const struct oci_json *o, const char *key, const char *path, const char *name, bool *ret,
          struct oci_error *err)
{
  const struct oci_json *v = oci_json_get (o, key);
  if (!v)
    return 0;
  if (v->type != OCI_JSON_BOOL)
    return oci_error_set (err, EINVAL, "%s: registries[\"%s\"].%s: expected true or false", path, name, key);
  *ret = v->u.boolean;
  return 0;
}

static int
get_str (const struct oci_json *o, const char *key, const char *path, const char *name, char **ret,
         struct oci_error *err)
{
  const struct oci_json *v = oci_json_get (o, key);
  if (!v)
    return 0;
  if (v->type != OCI_JSON_STRING)
    return oci_error_set (err, EINVAL, "%s: registries[\"%s\"].%s: expected a string", path, name, key);
  free (*ret);
  *ret = strdup (v->u.string.str);
  return *ret ? 0 : oci_error_set (err, ENOMEM, "registries config");
}

int
registry_config_apply (const struct regctl_globals *g, struct registry_host *h, struct oci_error *err)
{
  cleanup_free char *path = NULL;
  cleanup_json struct oci_json *doc = NULL;
  const struct oci_json *regs, *entry;
  bool insecure = false;
  int r;

  r = config_path (g, &path, err);
  if (r < 0 || !path)
    return r;
  r = oci_json_parse_file (path, &doc, err);
  if (r == -ENOENT && !g->registries_config)
    {
      oci_error_clear (err);
      return 0;
    }
  if (r < 0)
    return oci_error_wrap (err, "registries config");
  regs = oci_json_get (doc, "registries");
  if (!regs)
    return 0;
  if (regs->type != OCI_JSON_OBJECT)
    return oci_error_set (err, EINVAL, "%s: \"registries\" must be an object", path);
  entry = oci_json_get (regs, h->name);
  if (!entry)
    return 0;
  if (entry->type != OCI_JSON_OBJECT)
    return oci_error_set (err, EINVAL, "%s: registries[\"%s\"] must be an object", path, h->name);
  if ((r = get_bool (entry, "plainHttp", path, h->name, &h->plain_http, err)) < 0
      || (r = get_bool (entry, "insecure", path, h->name, &insecure, err)) < 0
      || (r = get_str (entry, "caFile", path, h->name, &h->tls.ca_file, err)) < 0
      || (r = get_str (entry, "clientCert", path, h->name, &h->tls.client_cert, err)) < 0
      || (r = get_str (entry, "clientKey", path, h->name, &h->tls.client_key, err)) < 0)
    return r;
  if (insecure)
    {
      h->http_fallback = true;
      h->tls.verify = false;
    }
  return 0;
}
