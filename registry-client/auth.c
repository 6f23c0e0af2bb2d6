/* Authentication hooks for registry requests: Basic with the stored
 * credentials, or Bearer tokens from the realm a challenge names, cached
 * per scope. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "docker-config.h"
#include "oci/base64.h"
#include "oci/cleanup.h"
#include "oci/json.h"
#include "registry.h"

void
auth_challenge_clear (struct auth_challenge *c)
{
  free (c->scheme);
  free (c->realm);
  free (c->service);
  free (c->scope);
  free (c->error);
  memset (c, 0, sizeof *c);
}

/* `Bearer realm="https://x/token",service="x",scope="repository:a:pull"`:
 * the scheme, then comma-separated name=value pairs, values either tokens
 * or quoted strings with backslash escapes. */
int
auth_parse_challenge (const char *header, struct auth_challenge *ret, struct oci_error *err)
{
  struct auth_challenge c = { 0 };
  const char *p = header;
  size_t n;

  while (*p == ' ')
    p++;
  for (n = 0; p[n] && p[n] != ' '; n++)
    ;
  if (n == 0)
    return oci_error_set (err, EINVAL, "invalid WWW-Authenticate \"%s\"", header);
  c.scheme = strndup (p, n);
  if (!c.scheme)
    return oci_error_set (err, ENOMEM, "challenge");
  for (char *s = c.scheme; *s; s++)
    *s = (char) tolower ((unsigned char) *s);
  p += n;
  while (*p)
    {
      char name[32];
      cleanup_free char *value = NULL;
      size_t vlen = 0;

      while (*p == ' ' || *p == ',')
        p++;
      if (!*p)
        break;
      for (n = 0; p[n] && p[n] != '=' && p[n] != ' ' && p[n] != ','; n++)
        ;
      snprintf (name, sizeof name, "%.*s", (int) (n < sizeof name ? n : sizeof name - 1), p);
      p += n;
      if (*p != '=')
        continue;
      p++;
      value = malloc (strlen (p) + 1);
      if (!value)
        {
          auth_challenge_clear (&c);
          return oci_error_set (err, ENOMEM, "challenge");
        }
      if (*p == '"')
        {
          for (p++; *p && *p != '"'; p++)
            {
              if (*p == '\\' && p[1])
                p++;
              value[vlen++] = *p;
            }
          if (*p == '"')
            p++;
        }
      else
        for (; *p && *p != ',' && *p != ' '; p++)
          value[vlen++] = *p;
      value[vlen] = '\0';
      for (char *s = name; *s; s++)
        *s = (char) tolower ((unsigned char) *s);
      char **slot = strcmp (name, "realm") == 0     ? &c.realm
                    : strcmp (name, "service") == 0 ? &c.service
                    : strcmp (name, "scope") == 0   ? &c.scope
                    : strcmp (name, "error") == 0   ? &c.error
                                                    : NULL;
      if (slot)
        {
          free (*slot);
          *slot = oci_steal (value);
        }
    }
  *ret = c;
  return 0;
}

static int
set_str (char **dst, const char *src, struct oci_error *err)
{
  char *copy = NULL;
  if (src && !(copy = strdup (src)))
    return oci_error_set (err, ENOMEM, "auth");
  free (*dst);
  *dst = copy;
  return 0;
}

int
auth_note_challenge (struct registry_host *h, const char *header, struct oci_error *err)
{
  struct auth_challenge c = { 0 };
  int r;

  if (!header)
    return 0;
  r = auth_parse_challenge (header, &c, err);
  if (r < 0)
    return r;
  if (strcmp (c.scheme, "bearer") == 0)
    {
      if (!c.realm)
        {
          auth_challenge_clear (&c);
          return oci_error_set (err, EINVAL, "%s: Bearer challenge without a realm", h->name);
        }
      h->scheme = AUTH_BEARER;
      r = set_str (&h->realm, c.realm, err);
      if (r == 0)
        r = set_str (&h->service, c.service, err);
    }
  else if (strcmp (c.scheme, "basic") == 0)
    h->scheme = AUTH_BASIC;
  auth_challenge_clear (&c);
  return r;
}

int
auth_load_credentials (struct registry_host *h, struct oci_error *err)
{
  struct docker_credentials c = { 0 };
  int r;

  if (h->creds_loaded)
    return 0;
  r = docker_config_get (h->session->g, h->name, &c, err);
  if (r == -ENOENT)
    {
      oci_error_clear (err);
      h->creds_loaded = true;
      return 0;
    }
  if (r < 0)
    return r;
  h->username = c.username;
  h->password = c.password;
  h->identity_token = c.identity_token;
  h->creds_loaded = true;
  return 0;
}

static int
basic_value (struct registry_host *h, char **ret, struct oci_error *err)
{
  cleanup_free char *plain = NULL;
  cleanup_free char *b64 = NULL;
  int r;

  if (asprintf (&plain, "%s:%s", h->username, h->password ? h->password : "") < 0)
    return oci_error_set (err, ENOMEM, "auth");
  r = oci_base64_encode (plain, strlen (plain), &b64, err);
  if (r < 0)
    return r;
  if (asprintf (ret, "Basic %s", b64) < 0)
    return oci_error_set (err, ENOMEM, "auth");
  return 0;
}

/* "repository:a:pull,push" grants "repository:a:pull". */
static bool
item_covered (const char *have, const char *item, size_t item_len)
{
  const char *colon = NULL;
  size_t res_len;

  /* The resource is everything up to the last ':'. */
  for (size_t i = 0; i < item_len; i++)
    if (item[i] == ':')
      colon = item + i;
  if (!colon)
    return false;
  res_len = colon - item + 1;
  for (const char *p = have; *p;)
    {
      size_t n = strcspn (p, " ");
      if (n > res_len && strncmp (p, item, res_len) == 0 && !memchr (p + res_len, ':', n - res_len))
        {
          /* Same resource: every wanted action must be among these. */
          const char *acts = p + res_len;
          size_t acts_len = n - res_len;
          const char *w = colon + 1, *wend = item + item_len;
          bool all = true;
          while (w < wend)
            {
              size_t wl = strcspn (w, ",");
              bool found = false;
              if (w + wl > wend)
                wl = wend - w;
              for (const char *a = acts; a < acts + acts_len;)
                {
                  size_t al = strcspn (a, ", ");
                  if (al == wl && strncmp (a, w, wl) == 0)
                    found = true;
                  a += al;
                  if (*a == ',')
                    a++;
                  else
                    break;
                }
              if (!found && !(wl == 4 && strncmp (w, "pull", 4) == 0 && memmem (acts, acts_len, "*", 1)))
                all = false;
              w += wl;
              if (w < wend && *w == ',')
                w++;
            }
          if (all)
            return true;
        }
      p += n;
      while (*p == ' ')
        p++;
    }
  return false;
}

bool
auth_scope_covers (const char *have, const char *want)
{
  if (!want || !*want)
    return !have || !*have;
  if (!have)
    return false;
  for (const char *p = want; *p;)
    {
      size_t n = strcspn (p, " ");
      if (n > 0 && !item_covered (have, p, n))
        return false;
      p += n;
      while (*p == ' ')
        p++;
    }
  return true;
}

static struct auth_token *
find_token (struct registry_host *h, const char *scope)
{
  time_t now = time (NULL);
  struct auth_token *best = NULL;

  for (size_t i = 0; i < h->tokens_len; i++)
    {
      struct auth_token *t = &h->tokens[i];
      if (t->expires && now >= t->expires)
        continue;
      if (strcmp (t->scope, scope ? scope : "") == 0)
        return t;
      if (!best && scope && auth_scope_covers (t->scope, scope))
        best = t;
    }
  return best;
}

static int
put_token (struct registry_host *h, const char *scope, const char *token, long expires_in, struct oci_error *err)
{
  struct auth_token *t = NULL;

  for (size_t i = 0; i < h->tokens_len; i++)
    if (strcmp (h->tokens[i].scope, scope ? scope : "") == 0)
      t = &h->tokens[i];
  if (!t)
    {
      struct auth_token *n = realloc (h->tokens, (h->tokens_len + 1) * sizeof *n);
      if (!n)
        return oci_error_set (err, ENOMEM, "token cache");
      h->tokens = n;
      t = &h->tokens[h->tokens_len++];
      memset (t, 0, sizeof *t);
      if (!(t->scope = strdup (scope ? scope : "")))
        {
          h->tokens_len--;
          return oci_error_set (err, ENOMEM, "token cache");
        }
    }
  free (t->token);
  t->token = strdup (token);
  if (!t->token)
    return oci_error_set (err, ENOMEM, "token cache");
  /* The token spec's default lifetime is 60 seconds; renew a little early. */
  if (expires_in <= 0)
    expires_in = 60;
  t->expires = time (NULL) + (expires_in > 10 ? expires_in - 5 : expires_in);
  return 0;
}

static void
drop_token (struct registry_host *h, const char *scope)
{
  for (size_t i = 0; i < h->tokens_len; i++)
    if (strcmp (h->tokens[i].scope, scope ? scope : "") == 0)
      h->tokens[i].expires = 1;
}

/* The realm URL with service and every scope as query parameters. */
static int
token_url (struct registry_host *h, const char *scope, char **ret, struct oci_error *err)
{
  cleanup_free char *url = strdup (h->realm);
  int r;

  if (!url)
    return oci_error_set (err, ENOMEM, "token url");
  if (h->service)
    {
      char *next;
      r = http_url_append_query (url, "service", h->service, &next, err);
      if (r < 0)
        return r;
      free (url);
      url = next;
    }
  for (const char *p = scope ? scope : ""; *p;)
    {
      size_t n = strcspn (p, " ");
      cleanup_free char *item = strndup (p, n);
      char *next;
      if (!item)
        return oci_error_set (err, ENOMEM, "token url");
      if (n > 0)
        {
          r = http_url_append_query (url, "scope", item, &next, err);
          if (r < 0)
            return r;
          free (url);
          url = next;
        }
      p += n;
      while (*p == ' ')
        p++;
    }
  *ret = oci_steal (url);
  return 0;
}

static const struct http_tls *
tls_for (struct registry_host *h, const char *url)
{
  size_t n = h->base_url ? strlen (h->base_url) : 0;
  if (n && strncmp (url, h->base_url, n) == 0 && (url[n] == '/' || url[n] == '\0'))
    return &h->tls;
  return NULL;
}

int
auth_fetch_token (struct registry_host *h, const char *scope, struct oci_error *err)
{
  cleanup_http_request struct http_request *req = NULL;
  cleanup_json struct oci_json *doc = NULL;
  cleanup_free char *url = NULL;
  cleanup_free char *basic = NULL;
  const struct oci_json *tok, *exp;
  int r;

  r = auth_load_credentials (h, err);
  if (r < 0)
    return r;
  if (!h->realm)
    return oci_error_set (err, EINVAL, "%s: no token realm known", h->name);

  if (h->identity_token)
    {
      /* OAuth2 refresh-token grant, as docker does for identity tokens. */
      cleanup_free char *body = NULL;
      cleanup_free char *e_tok = http_escape (h->identity_token);
      cleanup_free char *e_svc = http_escape (h->service ? h->service : "");
      cleanup_free char *e_scope = http_escape (scope ? scope : "");
      if (!e_tok || !e_svc || !e_scope
          || asprintf (&body, "grant_type=refresh_token&client_id=tong-regctl&refresh_token=%s&service=%s&scope=%s",
                       e_tok, e_svc, e_scope) < 0)
        return oci_error_set (err, ENOMEM, "token request");
      r = http_request_new ("POST", h->realm, &req, err);
      if (r < 0)
        return r;
      r = http_request_add_header (req, err, "Content-Type: application/x-www-form-urlencoded");
      if (r < 0)
        return r;
      req->body = body;
      req->body_len = strlen (body);
      req->tls = tls_for (h, h->realm);
      req->what = "token request";
      r = http_perform (h->session->http, req, err);
      req->body = NULL;
    }
  else
    {
      r = token_url (h, scope, &url, err);
      if (r < 0)
        return r;
      r = http_request_new ("GET", url, &req, err);
      if (r < 0)
        return r;
      if (h->username)
        {
          r = basic_value (h, &basic, err);
          if (r < 0)
            return r;
          r = http_request_add_header (req, err, "Authorization: %s", basic);
          if (r < 0)
            return r;
        }
      req->tls = tls_for (h, url);
      req->what = "token request";
      r = http_perform (h->session->http, req, err);
    }
  if (r < 0)
    return r;
  if (!http_request_ok (req))
    {
      http_request_error (req, err);
      if (req->status == 401 || req->status == 403)
        return oci_error_wrap (err, "authentication to %s failed%s", h->name,
                               h->username ? " (wrong user name or password?)" : " (no credentials: tong-regctl registry login)");
      return oci_error_wrap (err, "authentication to %s", h->name);
    }
  r = oci_json_parse (req->resp_body, req->resp_len, &doc, err);
  if (r < 0)
    return oci_error_wrap (err, "token from %s", h->realm);
  tok = oci_json_get (doc, "token");
  if (!tok || tok->type != OCI_JSON_STRING || !*tok->u.string.str)
    tok = oci_json_get (doc, "access_token");
  if (!tok || tok->type != OCI_JSON_STRING || !*tok->u.string.str)
    return oci_error_set (err, EINVAL, "token from %s: no \"token\" in the answer", h->realm);
  exp = oci_json_get (doc, "expires_in");
  return put_token (h, scope, tok->u.string.str,
                    exp && exp->type == OCI_JSON_NUMBER ? strtol (exp->u.number, NULL, 10) : 0, err);
}

static int
hook_authorization (void *ctx, struct http_request *req, char **ret, struct oci_error *err)
{
  struct registry_host *h = ctx;
  struct auth_token *t;
  int r;

  *ret = NULL;
  r = auth_load_credentials (h, err);
  if (r < 0)
    return r;
  switch (h->scheme)
    {
    case AUTH_BASIC:
      if (h->username)
        return basic_value (h, ret, err);
      return 0;
    case AUTH_BEARER:
      t = find_token (h, req->scope);
      if (!t)
        {
          /* Ask before the request, not after its 401: saves a round
           * trip per repository. */
          r = auth_fetch_token (h, req->scope, err);
          if (r < 0)
            return r;
          t = find_token (h, req->scope);
        }
      if (t && asprintf (ret, "Bearer %s", t->token) < 0)
        return oci_error_set (err, ENOMEM, "auth");
      return 0;
    default:
      return 0;
    }
}

static int
hook_challenge (void *ctx, struct http_request *req, struct oci_error *err)
{
  struct registry_host *h = ctx;
  const char *header = http_response_header (req, "www-authenticate");
  struct auth_challenge c = { 0 };
  enum auth_scheme before = h->scheme;
  cleanup_free char *scope = NULL;
  int r;

  if (!header)
    return 0;
  r = auth_load_credentials (h, err);
  if (r < 0)
    return r;
  r = auth_parse_challenge (header, &c, err);
  if (r < 0)
    return r;
  if (strcmp (c.scheme, "basic") == 0)
    {
      auth_challenge_clear (&c);
      h->scheme = AUTH_BASIC;
      /* Credentials already sent and refused stay refused. */
      return h->username && before != AUTH_BASIC ? 1 : 0;
    }
  if (strcmp (c.scheme, "bearer") != 0 || !c.realm)
    {
      auth_challenge_clear (&c);
      return 0;
    }
  h->scheme = AUTH_BEARER;
  r = set_str (&h->realm, c.realm, err);
  if (r == 0)
    r = set_str (&h->service, c.service, err);
  /* The scope we asked for, plus what the registry says it needs. */
  if (r == 0)
    {
      if (req->scope && c.scope && !auth_scope_covers (req->scope, c.scope))
        r = asprintf (&scope, "%s %s", req->scope, c.scope) < 0 ? oci_error_set (err, ENOMEM, "auth") : 0;
      else
        r = (scope = strdup (req->scope ? req->scope : c.scope ? c.scope : "")) ? 0 : oci_error_set (err, ENOMEM, "auth");
    }
  auth_challenge_clear (&c);
  if (r < 0)
    return r;
  /* An expired or revoked token: drop it and fetch a new one. */
  drop_token (h, req->scope);
  r = auth_fetch_token (h, scope, err);
  if (r < 0)
    return r;
  if (req->scope && strcmp (scope, req->scope) != 0)
    {
      struct auth_token *t = find_token (h, scope);
      if (t && (r = put_token (h, req->scope, t->token, t->expires - time (NULL), err)) < 0)
        return r;
    }
  return 1;
}

const struct http_auth_hooks registry_auth_hooks = {
  .authorization = hook_authorization,
  .challenge = hook_challenge,
};
