/* Per-registry settings: a JSON file of tong's own, since Docker keeps
 * them in its daemon's configuration and containers/image in TOML.
 *
 *   {"registries": {"HOST[:PORT]": {"plainHttp": true, "insecure": true,
 *     "caFile": "/path/ca.crt", "clientCert": "/path/c.cert",
 *     "clientKey": "/path/c.key",
 *     "mirrors": ["MIRROR[:PORT][/PREFIX]", ...], "mirrorByDigestOnly": false}}}
 *
 * A mirror is reached with its own entry's settings (it is a registry of
 * its own); registry_repo_use_mirror() in registry.c picks one.
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

/* "HOST[:PORT][/PREFIX]": no scheme, no empty part, a host part that is a
 * registry name. */
static int
check_mirror (const char *m, const char *path, const char *name, struct oci_error *err)
{
  size_t n = strlen (m);

  if (strstr (m, "://"))
    return oci_error_set (err, EINVAL,
                          "%s: registries[\"%s\"].mirrors: \"%s\": give HOST[:PORT][/PREFIX] without a scheme "
                          "(plainHttp and insecure go in the mirror's own entry)",
                          path, name, m);
  if (n == 0 || m[0] == '/' || m[n - 1] == '/' || strstr (m, "//"))
    return oci_error_set (err, EINVAL, "%s: registries[\"%s\"].mirrors: \"%s\" is not HOST[:PORT][/PREFIX]", path,
                          name, m);
  return 0;
}

static int
get_mirrors (const struct oci_json *o, const char *path, struct registry_host *h, struct oci_error *err)
{
  const struct oci_json *v = oci_json_get (o, "mirrors");
  int r;

  if (!v)
    return 0;
  if (v->type != OCI_JSON_ARRAY)
    return oci_error_set (err, EINVAL, "%s: registries[\"%s\"].mirrors: expected an array of strings", path, h->name);
  h->mirrors = calloc (v->u.array.len ? v->u.array.len : 1, sizeof *h->mirrors);
  if (!h->mirrors)
    return oci_error_set (err, ENOMEM, "registries config");
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      const struct oci_json *m = v->u.array.items[i];
      if (m->type != OCI_JSON_STRING)
        return oci_error_set (err, EINVAL, "%s: registries[\"%s\"].mirrors: expected an array of strings", path,
                              h->name);
      r = check_mirror (m->u.string.str, path, h->name, err);
      if (r < 0)
        return r;
      h->mirrors[h->mirrors_len] = strdup (m->u.string.str);
      if (!h->mirrors[h->mirrors_len])
        return oci_error_set (err, ENOMEM, "registries config");
      h->mirrors_len++;
    }
  return 0;
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
      || (r = get_str (entry, "clientKey", path, h->name, &h->tls.client_key, err)) < 0
      || (r = get_bool (entry, "mirrorByDigestOnly", path, h->name, &h->mirror_by_digest_only, err)) < 0
      || (r = get_mirrors (entry, path, h, err)) < 0)
    return r;
  if (insecure)
    {
      h->http_fallback = true;
      h->tls.verify = false;
    }
  return 0;
}
