/* HTTP requests over libcurl: the client (shared connections, DNS and TLS
 * sessions), requests and their results, errors from registry error
 * bodies, and URLs.  http-engine.c runs the requests. */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http-internal.h"
#include "oci/cleanup.h"
#include "oci/json.h"

/* ---- client ---- */

int
http_client_new (const struct http_client_opts *opts, struct http_client **ret, struct oci_error *err)
{
  struct http_client *c = calloc (1, sizeof *c);

  if (!c)
    return oci_error_set (err, ENOMEM, "http client");
  c->opts = *opts;
  if (c->opts.max_attempts < 1)
    c->opts.max_attempts = 1;
  if (c->opts.max_retry_wait <= 0)
    c->opts.max_retry_wait = 60;
  if (c->opts.backoff_base <= 0)
    c->opts.backoff_base = 0.25;
  c->user_agent = strdup (opts->user_agent ? opts->user_agent : "tong-regctl");
  c->share = curl_share_init ();
  if (!c->user_agent || !c->share)
    {
      http_client_free (c);
      return oci_error_set (err, ENOMEM, "http client");
    }
  /* Connections, DNS answers and TLS sessions outlive each engine, so the
   * many small synchronous requests reuse one connection. */
  curl_share_setopt (c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt (c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt (c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  c->opts.user_agent = c->user_agent;
  *ret = c;
  return 0;
}

void
http_client_free (struct http_client *c)
{
  if (!c)
    return;
  if (c->share)
    curl_share_cleanup (c->share);
  free (c->user_agent);
  free (c);
}

/* ---- requests ---- */

int
http_request_new (const char *method, const char *url, struct http_request **ret, struct oci_error *err)
{
  struct http_request *req = calloc (1, sizeof *req);

  if (!req)
    return oci_error_set (err, ENOMEM, "http request");
  req->method = method;
  req->body_fd = -1;
  req->body_size = -1;
  req->follow_redirects = true;
  req->url = strdup (url);
  if (!req->url)
    {
      free (req);
      return oci_error_set (err, ENOMEM, "http request");
    }
  *ret = req;
  return 0;
}

void
http_clear_response_headers (struct http_request *req)
{
  for (size_t i = 0; i < req->resp_headers_len; i++)
    {
      free (req->resp_headers[i].name);
      free (req->resp_headers[i].value);
    }
  free (req->resp_headers);
  req->resp_headers = NULL;
  req->resp_headers_len = 0;
}

void
http_release_easy (struct http_request *req)
{
  if (req->easy)
    curl_easy_cleanup (req->easy);
  req->easy = NULL;
  if (req->curl_headers)
    curl_slist_free_all (req->curl_headers);
  req->curl_headers = NULL;
}

void
http_request_reset (struct http_request *req)
{
  http_clear_response_headers (req);
  free (req->resp_body);
  req->resp_body = NULL;
  req->resp_len = 0;
  free (req->effective_url);
  req->effective_url = NULL;
  req->status = 0;
  req->curl_code = 0;
  req->curl_error[0] = '\0';
  req->sink_failed = false;
  oci_error_clear (&req->sink_error);
  req->delivered = 0;
  req->sent = 0;
  req->attempts = 0;
  req->skip = 0;
  req->range_start = 0;
  req->auth_rounds = 0;
}

void
http_request_free (struct http_request *req)
{
  if (!req)
    return;
  if (req->engine)
    http_engine_cancel (req->engine, req);
  http_release_easy (req);
  http_request_reset (req);
  for (size_t i = 0; i < req->headers_len; i++)
    free (req->headers[i]);
  free (req->headers);
  free (req->url);
  free (req->scope);
  free (req);
}

int
http_request_add_header (struct http_request *req, struct oci_error *err, const char *fmt, ...)
{
  char **h;
  char *line;
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vasprintf (&line, fmt, ap);
  va_end (ap);
  if (n < 0)
    return oci_error_set (err, ENOMEM, "http header");
  h = realloc (req->headers, (req->headers_len + 2) * sizeof *h);
  if (!h)
    {
      free (line);
      return oci_error_set (err, ENOMEM, "http header");
    }
  req->headers = h;
  h[req->headers_len++] = line;
  h[req->headers_len] = NULL;
  return 0;
}

int
http_request_set_url (struct http_request *req, const char *url, struct oci_error *err)
{
  char *u = strdup (url);
  if (!u)
    return oci_error_set (err, ENOMEM, "url");
  free (req->url);
  req->url = u;
  return 0;
}

const char *
http_response_header (const struct http_request *req, const char *name)
{
  for (size_t i = req->resp_headers_len; i-- > 0;)
    if (strcasecmp (req->resp_headers[i].name, name) == 0)
      return req->resp_headers[i].value;
  return NULL;
}

bool
http_request_ok (const struct http_request *req)
{
  return req->curl_code == CURLE_OK && !req->sink_failed && req->status >= 200 && req->status < 300;
}

static const char *
status_text (long status)
{
  switch (status)
    {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

/* "CODE: message (detail)" from a distribution error body, or the start of
 * the body when it is not one. */
static void
describe_body (const struct http_request *req, char *buf, size_t size)
{
  cleanup_json struct oci_json *j = NULL;
  struct oci_error ignored = { 0 };
  const struct oci_json *errors, *e, *code, *message;

  buf[0] = '\0';
  if (!req->resp_body || req->resp_len == 0)
    return;
  if (oci_json_parse (req->resp_body, req->resp_len, &j, &ignored) == 0 && (errors = oci_json_get (j, "errors"))
      && errors->type == OCI_JSON_ARRAY && errors->u.array.len > 0)
    {
      e = errors->u.array.items[0];
      code = oci_json_get (e, "code");
      message = oci_json_get (e, "message");
      snprintf (buf, size, "%s%s%s", code && code->type == OCI_JSON_STRING ? code->u.string.str : "",
                code && message ? ": " : "",
                message && message->type == OCI_JSON_STRING ? message->u.string.str : "");
      return;
    }
  /* Plain text: its first line, printable characters only. */
  size_t n = 0;
  for (size_t i = 0; i < req->resp_len && n + 1 < size && n < 200; i++)
    {
      unsigned char ch = (unsigned char) req->resp_body[i];
      if (ch == '\n' || ch == '\r')
        {
          if (n > 0)
            break;
          continue;
        }
      buf[n++] = isprint (ch) ? (char) ch : '?';
    }
  buf[n] = '\0';
}

int
http_request_error (const struct http_request *req, struct oci_error *err)
{
  const char *what = req->what ? req->what : NULL;
  char detail[512];
  int errnum;

  if (req->sink_failed)
    {
      *err = req->sink_error;
      if (!oci_error_is_set (err))
        return oci_error_set (err, EIO, "%s %s: transfer aborted", req->method, req->url);
      return oci_error_code (err);
    }
  if (req->curl_code != CURLE_OK)
    {
      const char *msg = req->curl_error[0] ? req->curl_error : curl_easy_strerror (req->curl_code);
      errnum = req->curl_code == CURLE_OPERATION_TIMEDOUT ? ETIMEDOUT
               : req->curl_code == CURLE_COULDNT_CONNECT ? ECONNREFUSED
                                                          : EIO;
      if (what)
        return oci_error_set_code (err, errnum, "%s: %s %s: %s", what, req->method, req->url, msg);
      return oci_error_set_code (err, errnum, "%s %s: %s", req->method, req->url, msg);
    }
  describe_body (req, detail, sizeof detail);
  /* HEAD answers have no body to explain themselves. */
  if (!detail[0] && req->status == 401)
    snprintf (detail, sizeof detail, "authentication required (tong-regctl registry login)");
  else if (!detail[0] && req->status == 403)
    snprintf (detail, sizeof detail, "access denied");
  switch (req->status)
    {
    case 401:
    case 403:
      errnum = EACCES;
      break;
    case 404:
      errnum = ENOENT;
      break;
    case 405:
    case 400:
      errnum = req->status == 405 ? ENOTSUP : EINVAL;
      break;
    case 413:
      errnum = EFBIG;
      break;
    case 429:
      errnum = EAGAIN;
      break;
    default:
      errnum = EIO;
    }
  return oci_error_set_code (err, errnum, "%s%s%s %s: %ld%s%s%s%s", what ? what : "", what ? ": " : "", req->method,
                             req->url, req->status, *status_text (req->status) ? " " : "", status_text (req->status),
                             detail[0] ? ": " : "", detail);
}

/* ---- URLs ---- */

int
http_resolve_url (const char *base, const char *ref, char **ret, struct oci_error *err)
{
  CURLU *u = curl_url ();
  char *out = NULL;

  if (!u)
    return oci_error_set (err, ENOMEM, "url");
  if (curl_url_set (u, CURLUPART_URL, base, 0) != CURLUE_OK
      || curl_url_set (u, CURLUPART_URL, ref, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK
      || curl_url_get (u, CURLUPART_URL, &out, 0) != CURLUE_OK)
    {
      curl_url_cleanup (u);
      return oci_error_set (err, EINVAL, "invalid URL \"%s\" (relative to %s)", ref, base);
    }
  curl_url_cleanup (u);
  *ret = strdup (out);
  curl_free (out);
  if (!*ret)
    return oci_error_set (err, ENOMEM, "url");
  return 0;
}

char *
http_escape (const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t n = strlen (s);
  char *out = malloc (n * 3 + 1), *p = out;

  if (!out)
    return NULL;
  for (; *s; s++)
    {
      unsigned char ch = (unsigned char) *s;
      if (isalnum (ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == ':')
        *p++ = (char) ch;
      else
        {
          *p++ = '%';
          *p++ = hex[ch >> 4];
          *p++ = hex[ch & 15];
        }
    }
  *p = '\0';
  return out;
}

int
http_url_append_query (const char *url, const char *name, const char *value, char **ret, struct oci_error *err)
{
  cleanup_free char *v = http_escape (value);
  const char *hash = strchr (url, '#');
  size_t base_len = hash ? (size_t) (hash - url) : strlen (url);
  char sep;

  if (!v)
    return oci_error_set (err, ENOMEM, "url");
  /* distribution's upload Locations already carry "?_state=…". */
  sep = memchr (url, '?', base_len) ? (base_len > 0 && (url[base_len - 1] == '?' || url[base_len - 1] == '&') ? 0 : '&')
                                    : '?';
  if (asprintf (ret, "%.*s%s%s=%s", (int) base_len, url, sep ? (char[]){ sep, 0 } : "", name, v) < 0)
    return oci_error_set (err, ENOMEM, "url");
  return 0;
}
