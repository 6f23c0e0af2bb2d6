/* The engine: libcurl's callbacks and one multi handle running many
 * requests, with the retry decisions (backoff, Retry-After, Range resume,
 * the auth hooks' 401 round trip). */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http-internal.h"
#include "oci/cleanup.h"

/* ---- libcurl callbacks ---- */

static bool
is_2xx (long s)
{
  return s >= 200 && s < 300;
}

static size_t
header_cb (char *buf, size_t size, size_t nitems, void *ud)
{
  struct http_request *req = ud;
  size_t len = size * nitems, n = len;
  struct http_header *h;
  const char *colon;

  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
    n--;
  if (len >= 5 && strncmp (buf, "HTTP/", 5) == 0)
    {
      /* A new response (after a redirect or a 100 Continue). */
      const char *sp = memchr (buf, ' ', n);
      http_clear_response_headers (req);
      req->status = sp ? strtol (sp + 1, NULL, 10) : 0;
      req->in_error_body = false;
      return len;
    }
  if (n == 0)
    {
      /* The end of a response's headers: for a resumed download, a 206
       * must start where we are, and a 200 repeats what we have. */
      if (req->range_start > 0 && is_2xx (req->status))
        {
          if (req->status == 206)
            {
              const char *cr = http_response_header (req, "content-range");
              unsigned long long start = 0;
              if (!cr || sscanf (cr, "bytes %llu-", &start) != 1 || start != req->range_start)
                {
                  req->sink_failed = true;
                  oci_error_set (&req->sink_error, EIO, "%s %s: resumed at the wrong offset (Content-Range %s)",
                                 req->method, req->url, cr ? cr : "missing");
                  return 0;
                }
              req->skip = 0;
            }
          else
            req->skip = req->range_start;
        }
      return len;
    }
  colon = memchr (buf, ':', n);
  if (!colon)
    return len;
  h = realloc (req->resp_headers, (req->resp_headers_len + 1) * sizeof *h);
  if (!h)
    return 0;
  req->resp_headers = h;
  const char *v = colon + 1;
  while (v < buf + n && (*v == ' ' || *v == '\t'))
    v++;
  h = &req->resp_headers[req->resp_headers_len];
  h->name = strndup (buf, colon - buf);
  h->value = strndup (v, buf + n - v);
  if (!h->name || !h->value)
    {
      free (h->name);
      free (h->value);
      return 0;
    }
  for (char *p = h->name; *p; p++)
    *p = (char) tolower ((unsigned char) *p);
  req->resp_headers_len++;
  return len;
}

static int
append_memory (struct http_request *req, const char *buf, size_t len, size_t max)
{
  char *p;

  if (req->resp_len + len > max)
    return -1;
  p = realloc (req->resp_body, req->resp_len + len + 1);
  if (!p)
    return -1;
  memcpy (p + req->resp_len, buf, len);
  req->resp_len += len;
  p[req->resp_len] = '\0';
  req->resp_body = p;
  return 0;
}

static size_t
write_cb (char *buf, size_t size, size_t nmemb, void *ud)
{
  struct http_request *req = ud;
  size_t len = size * nmemb, off = 0;

  if (!is_2xx (req->status))
    {
      /* An error body: kept (truncated) for the message. */
      if (req->resp_len < HTTP_ERROR_BODY_MAX)
        append_memory (req, buf, len < HTTP_ERROR_BODY_MAX - req->resp_len ? len : HTTP_ERROR_BODY_MAX - req->resp_len,
                       HTTP_ERROR_BODY_MAX);
      req->in_error_body = true;
      return len;
    }
  if (req->skip > 0)
    {
      off = req->skip < len ? (size_t) req->skip : len;
      if (off == len)
        {
          req->skip -= off;
          return len;
        }
    }
  if (req->sink)
    {
      int r = req->sink (req->sink_ctx, buf + off, len - off, &req->sink_error);
      if (r == HTTP_SINK_PAUSE)
        {
          req->paused = true;
          return CURL_WRITEFUNC_PAUSE;
        }
      if (r < 0)
        {
          req->sink_failed = true;
          return 0;
        }
    }
  else
    {
      size_t max = req->max_body ? req->max_body : HTTP_DEFAULT_MAX_BODY;
      if (append_memory (req, buf + off, len - off, max) < 0)
        {
          req->sink_failed = true;
          oci_error_set (&req->sink_error, EFBIG, "%s%s%s %s: response larger than the %zu bytes allowed",
                         req->what ? req->what : "", req->what ? ": " : "", req->method, req->url, max);
          return 0;
        }
    }
  req->skip -= off;
  req->delivered += len - off;
  if (req->progress)
    req->progress (req->progress_ctx, req);
  return len;
}

static size_t
read_cb (char *buf, size_t size, size_t nitems, void *ud)
{
  struct http_request *req = ud;
  size_t len = size * nitems;

  if (req->body)
    {
      size_t left = req->body_len - req->sent;
      size_t n = left < len ? left : len;
      memcpy (buf, req->body + req->sent, n);
      req->sent += n;
      return n;
    }
  if (req->body_fd >= 0)
    {
      uint64_t left = (uint64_t) req->body_size - req->sent;
      size_t n = left < len ? (size_t) left : len;
      ssize_t got;
      if (n == 0)
        return 0;
      do
        got = pread (req->body_fd, buf, n, (off_t) (req->body_offset + req->sent));
      while (got < 0 && errno == EINTR);
      if (got <= 0)
        {
          req->sink_failed = true;
          oci_error_set (&req->sink_error, got < 0 ? errno : EIO, "%s %s: read the request body", req->method,
                         req->url);
          return CURL_READFUNC_ABORT;
        }
      req->sent += got;
      if (req->progress)
        req->progress (req->progress_ctx, req);
      return got;
    }
  if (req->source)
    {
      ssize_t n = req->source (req->source_ctx, buf, len, &req->sink_error);
      if (n == HTTP_SOURCE_PAUSE)
        {
          req->paused = true;
          return CURL_READFUNC_PAUSE;
        }
      if (n < 0)
        {
          req->sink_failed = true;
          return CURL_READFUNC_ABORT;
        }
      req->sent += n;
      if (req->progress)
        req->progress (req->progress_ctx, req);
      return n;
    }
  return 0;
}

static int
seek_cb (void *ud, curl_off_t offset, int origin)
{
  struct http_request *req = ud;

  if (origin != SEEK_SET || offset < 0)
    return CURL_SEEKFUNC_CANTSEEK;
  if (req->body && (size_t) offset <= req->body_len)
    {
      req->sent = offset;
      return CURL_SEEKFUNC_OK;
    }
  if (req->body_fd >= 0 && offset <= req->body_size)
    {
      req->sent = offset;
      return CURL_SEEKFUNC_OK;
    }
  return CURL_SEEKFUNC_CANTSEEK;
}

static bool
has_body (const struct http_request *req)
{
  return req->body || req->body_fd >= 0 || req->source;
}

static bool
can_rewind (struct http_request *req)
{
  if (!req->source)
    return true;
  if (req->sent == 0)
    return true;
  if (!req->source_rewind)
    return false;
  struct oci_error ignored = { 0 };
  if (req->source_rewind (req->source_ctx, &ignored) < 0)
    return false;
  return true;
}

/* ---- engine ---- */

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
http_engine_new (struct http_client *c, struct http_engine **ret, struct oci_error *err)
{
  struct http_engine *e = calloc (1, sizeof *e);

  if (!e)
    return oci_error_set (err, ENOMEM, "http engine");
  e->client = c;
  e->multi = curl_multi_init ();
  if (!e->multi)
    {
      free (e);
      return oci_error_set (err, ENOMEM, "curl_multi_init");
    }
  *ret = e;
  return 0;
}

struct http_client *
http_engine_client (struct http_engine *e)
{
  return e->client;
}

static void
remove_active (struct http_engine *e, struct http_request *req)
{
  for (size_t i = 0; i < e->active_len; i++)
    if (e->active[i] == req)
      {
        e->active[i] = e->active[--e->active_len];
        break;
      }
  if (req->easy)
    curl_multi_remove_handle (e->multi, req->easy);
  req->active = false;
}

static void
remove_waiting (struct http_engine *e, struct http_request *req)
{
  for (struct http_request **p = &e->waiting; *p; p = &(*p)->next)
    if (*p == req)
      {
        *p = req->next;
        req->next = NULL;
        break;
      }
  req->queued = false;
}

void
http_engine_cancel (struct http_engine *e, struct http_request *req)
{
  if (req->active)
    remove_active (e, req);
  if (req->queued)
    remove_waiting (e, req);
  http_release_easy (req);
  req->engine = NULL;
}

void
http_engine_free (struct http_engine *e)
{
  if (!e)
    return;
  while (e->active_len > 0)
    http_engine_cancel (e, e->active[0]);
  while (e->waiting)
    http_engine_cancel (e, e->waiting);
  free (e->active);
  curl_multi_cleanup (e->multi);
  free (e);
}

static void
enqueue (struct http_engine *e, struct http_request *req, double not_before)
{
  struct http_request **p = &e->waiting;

  while (*p)
    p = &(*p)->next;
  req->next = NULL;
  req->not_before = not_before;
  req->queued = true;
  req->engine = e;
  *p = req;
}

int
http_engine_submit (struct http_engine *e, struct http_request *req, struct oci_error *err)
{
  if (req->active || req->queued)
    return oci_error_set (err, EBUSY, "%s %s: already running", req->method, req->url);
  http_request_reset (req);
  enqueue (e, req, 0);
  return 0;
}

void
http_engine_unpause (struct http_engine *e, struct http_request *req)
{
  (void) e;
  /* Done from the engine's loop, never from inside another callback:
   * not_before < 0 marks an active request that wants CURLPAUSE_CONT. */
  if (req->active && req->paused)
    {
      req->paused = false;
      req->not_before = -1;
    }
}

void
http_engine_wake (struct http_engine *e, struct http_request *req)
{
  atomic_store (&req->wake, true);
  curl_multi_wakeup (e->multi);
}

static int
setup_easy (struct http_engine *e, struct http_request *req, struct oci_error *err)
{
  struct http_client *c = e->client;
  struct curl_slist *list = NULL, *l;
  cleanup_free char *authz = NULL;
  CURL *h;
  int r;

  http_release_easy (req);
  h = curl_easy_init ();
  if (!h)
    return oci_error_set (err, ENOMEM, "curl_easy_init");
  req->easy = h;

  if (req->auth && req->auth->authorization)
    {
      r = req->auth->authorization (req->auth_ctx, req, &authz, err);
      if (r < 0)
        return r;
    }
  for (size_t i = 0; i < req->headers_len; i++)
    {
      if (!(l = curl_slist_append (list, req->headers[i])))
        goto nomem;
      list = l;
    }
  if (authz)
    {
      cleanup_free char *line = NULL;
      if (asprintf (&line, "Authorization: %s", authz) < 0 || !(l = curl_slist_append (list, line)))
        goto nomem;
      list = l;
    }
  if (req->range_start > 0)
    {
      char line[64];
      snprintf (line, sizeof line, "Range: bytes=%" PRIu64 "-", req->range_start);
      if (!(l = curl_slist_append (list, line)))
        goto nomem;
      list = l;
    }
  /* No 100-continue round trip: bodies go with their headers. */
  if (has_body (req) && (l = curl_slist_append (list, "Expect:")))
    list = l;
  req->curl_headers = list;

  curl_easy_setopt (h, CURLOPT_URL, req->url);
  curl_easy_setopt (h, CURLOPT_PRIVATE, req);
  curl_easy_setopt (h, CURLOPT_SHARE, c->share);
  curl_easy_setopt (h, CURLOPT_USERAGENT, c->opts.user_agent);
  curl_easy_setopt (h, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt (h, CURLOPT_ERRORBUFFER, req->curl_error);
  curl_easy_setopt (h, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (h, CURLOPT_HEADERDATA, req);
  curl_easy_setopt (h, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (h, CURLOPT_WRITEDATA, req);
  curl_easy_setopt (h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (h, CURLOPT_FOLLOWLOCATION, req->follow_redirects ? 1L : 0L);
  curl_easy_setopt (h, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt (h, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
  curl_easy_setopt (h, CURLOPT_CONNECTTIMEOUT, 30L);
  /* A stalled transfer (no byte for a minute) is a broken one. */
  curl_easy_setopt (h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (h, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt (h, CURLOPT_BUFFERSIZE, 256L * 1024);
  curl_easy_setopt (h, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024);
  curl_easy_setopt (h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (h, CURLOPT_OPENSOCKETFUNCTION, http_open_socket);
  curl_easy_setopt (h, CURLOPT_ACCEPT_ENCODING, NULL);
  if (c->opts.verbose >= 2)
    curl_easy_setopt (h, CURLOPT_VERBOSE, 1L);

  if (req->tls && !req->tls->verify)
    {
      curl_easy_setopt (h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt (h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
  if (req->tls && req->tls->ca_file)
    curl_easy_setopt (h, CURLOPT_CAINFO, req->tls->ca_file);
  if (req->tls && req->tls->ca_dir)
    curl_easy_setopt (h, CURLOPT_CAPATH, req->tls->ca_dir);
  if (req->tls && req->tls->client_cert)
    curl_easy_setopt (h, CURLOPT_SSLCERT, req->tls->client_cert);
  if (req->tls && req->tls->client_key)
    curl_easy_setopt (h, CURLOPT_SSLKEY, req->tls->client_key);

  if (strcmp (req->method, "HEAD") == 0)
    curl_easy_setopt (h, CURLOPT_NOBODY, 1L);
  else if (strcmp (req->method, "GET") != 0)
    {
      curl_off_t size = req->body ? (curl_off_t) req->body_len : has_body (req) ? req->body_size : 0;
      if (strcmp (req->method, "POST") == 0)
        {
          curl_easy_setopt (h, CURLOPT_POST, 1L);
          curl_easy_setopt (h, CURLOPT_POSTFIELDSIZE_LARGE, size);
          /* Keep POST on 301/302/303 too. */
          curl_easy_setopt (h, CURLOPT_POSTREDIR, (long) CURL_REDIR_POST_ALL);
        }
      else if (strcmp (req->method, "DELETE") == 0 && !has_body (req))
        curl_easy_setopt (h, CURLOPT_CUSTOMREQUEST, "DELETE");
      else
        {
          curl_easy_setopt (h, CURLOPT_UPLOAD, 1L);
          curl_easy_setopt (h, CURLOPT_INFILESIZE_LARGE, size);
          if (strcmp (req->method, "PUT") != 0)
            curl_easy_setopt (h, CURLOPT_CUSTOMREQUEST, req->method);
        }
      curl_easy_setopt (h, CURLOPT_READFUNCTION, read_cb);
      curl_easy_setopt (h, CURLOPT_READDATA, req);
      curl_easy_setopt (h, CURLOPT_SEEKFUNCTION, seek_cb);
      curl_easy_setopt (h, CURLOPT_SEEKDATA, req);
    }
  return 0;

nomem:
  curl_slist_free_all (list);
  return oci_error_set (err, ENOMEM, "http headers");
}

static int
start (struct http_engine *e, struct http_request *req, struct oci_error *err)
{
  struct http_request **a;
  int r;

  remove_waiting (e, req);
  /* What a previous attempt left. */
  http_clear_response_headers (req);
  free (req->resp_body);
  req->resp_body = NULL;
  req->resp_len = 0;
  req->status = 0;
  req->curl_code = 0;
  req->curl_error[0] = '\0';
  req->skip = 0;
  req->sent = 0;
  req->paused = false;
  req->attempts++;
  r = setup_easy (e, req, err);
  if (r < 0)
    return r;
  if (e->active_len == e->active_cap)
    {
      size_t cap = e->active_cap ? e->active_cap * 2 : 16;
      a = realloc (e->active, cap * sizeof *a);
      if (!a)
        return oci_error_set (err, ENOMEM, "http engine");
      e->active = a;
      e->active_cap = cap;
    }
  if (curl_multi_add_handle (e->multi, req->easy) != CURLM_OK)
    return oci_error_set (err, EIO, "curl_multi_add_handle");
  e->active[e->active_len++] = req;
  req->active = true;
  req->engine = e;
  return 0;
}

/* Seconds to wait before retrying, from Retry-After (seconds or an HTTP
 * date) or exponential backoff. */
static double
retry_delay (struct http_engine *e, const struct http_request *req)
{
  const struct http_client_opts *o = &e->client->opts;
  const char *ra = http_response_header (req, "retry-after");
  double d = o->backoff_base;

  for (int i = 1; i < req->attempts && d < 10; i++)
    d *= 2;
  if (d > 10)
    d = 10;
  if (ra && *ra)
    {
      char *end;
      double secs = strtod (ra, &end);
      if (end != ra && *end == '\0' && secs >= 0)
        d = secs;
      else
        {
          time_t t = curl_getdate (ra, NULL);
          if (t > 0)
            d = difftime (t, time (NULL));
        }
      if (d < 0)
        d = 0;
    }
  if (d > o->max_retry_wait)
    d = o->max_retry_wait;
  return d;
}

static bool
transport_retryable (CURLcode code)
{
  switch (code)
    {
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_COULDNT_RESOLVE_HOST:
      return true;
    default:
      return false;
    }
}

static void
log_attempt (struct http_engine *e, const struct http_request *req, CURLcode code)
{
  if (e->client->opts.verbose < 1)
    return;
  if (code != CURLE_OK)
    fprintf (stderr, "http: %s %s: %s\n", req->method, req->url,
             req->curl_error[0] ? req->curl_error : curl_easy_strerror (code));
  else
    fprintf (stderr, "http: %s %s -> %ld%s\n", req->method, req->url, req->status,
             req->range_start ? " (resumed)" : "");
}

/* An attempt ended: retry it, or hand it to its done hook. */
static int
finish (struct http_engine *e, struct http_request *req, CURLcode code, struct oci_error *err)
{
  int max = req->max_attempts ? req->max_attempts : e->client->opts.max_attempts;
  char *url = NULL;
  int r;

  remove_active (e, req);
  req->curl_code = code;
  if (req->easy)
    {
      long status = 0;
      curl_easy_getinfo (req->easy, CURLINFO_RESPONSE_CODE, &status);
      if (status)
        req->status = status;
      curl_easy_getinfo (req->easy, CURLINFO_EFFECTIVE_URL, &url);
      free (req->effective_url);
      req->effective_url = url ? strdup (url) : NULL;
    }
  log_attempt (e, req, code);
  http_release_easy (req);

  if (!req->sink_failed)
    {
      if (code != CURLE_OK)
        {
          bool connect_failure = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST;
          bool resumable = req->delivered == 0 || req->resumable || !req->sink;
          if (transport_retryable (code) && req->attempts < max && resumable && can_rewind (req)
              && !(connect_failure && req->no_retry_connect))
            {
              /* A memory body starts over; a sink continues with Range. */
              req->range_start = req->sink ? req->delivered : 0;
              if (!req->sink)
                req->delivered = 0;
              enqueue (e, req, now_seconds () + retry_delay (e, req));
              return 0;
            }
        }
      else if (req->status == 401 && req->auth && req->auth->challenge && req->auth_rounds < 3 && can_rewind (req))
        {
          req->auth_rounds++;
          r = req->auth->challenge (req->auth_ctx, req, &req->sink_error);
          if (r < 0)
            req->sink_failed = true;
          else if (r > 0)
            {
              enqueue (e, req, 0);
              return 0;
            }
        }
      else if ((req->status == 429 || req->status == 500 || req->status == 502 || req->status == 503
                || req->status == 504)
               && req->attempts < max && can_rewind (req))
        {
          double d = retry_delay (e, req);
          if (e->client->opts.verbose >= 1)
            fprintf (stderr, "http: retrying in %.1fs\n", d);
          enqueue (e, req, now_seconds () + d);
          return 0;
        }
    }
  req->engine = NULL;
  if (req->done)
    return req->done (e, req, req->done_ctx, err);
  return 0;
}

int
http_engine_run (struct http_engine *e, struct oci_error *err)
{
  int r;

  while (e->waiting || e->active_len > 0)
    {
      double now = now_seconds (), next = -1;
      struct http_request *req, *following;
      CURLMsg *msg;
      int running, left;
      long timeout_ms;

      for (req = e->waiting; req; req = following)
        {
          following = req->next;
          if (req->not_before <= now)
            {
              r = start (e, req, err);
              if (r < 0)
                return r;
            }
          else if (next < 0 || req->not_before < next)
            next = req->not_before;
        }

      if (curl_multi_perform (e->multi, &running) != CURLM_OK)
        return oci_error_set (err, EIO, "curl_multi_perform");
      while ((msg = curl_multi_info_read (e->multi, &left)))
        {
          if (msg->msg != CURLMSG_DONE)
            continue;
          curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &req);
          r = finish (e, req, msg->data.result, err);
          if (r < 0)
            return r;
        }
      /* Unpause what a sink or source asked for during the callbacks, or
       * another thread since (the flag is read after the callbacks that
       * paused, so no wake-up is lost). */
      for (size_t i = 0; i < e->active_len; i++)
        {
          req = e->active[i];
          if (atomic_exchange (&req->wake, false) && req->paused)
            http_engine_unpause (e, req);
          if (req->not_before < 0)
            {
              req->not_before = 0;
              curl_easy_pause (req->easy, CURLPAUSE_CONT);
            }
        }

      if (!e->waiting && e->active_len == 0)
        break;
      timeout_ms = 1000;
      curl_multi_timeout (e->multi, &timeout_ms);
      if (timeout_ms < 0 || timeout_ms > 1000)
        timeout_ms = 1000;
      if (next >= 0)
        {
          long until = (long) ((next - now_seconds ()) * 1000) + 1;
          if (until < timeout_ms)
            timeout_ms = until < 0 ? 0 : until;
        }
      for (struct http_request *w = e->waiting; w; w = w->next)
        if (w->not_before <= now_seconds ())
          timeout_ms = 0;
      if (timeout_ms > 0)
        curl_multi_poll (e->multi, NULL, 0, (int) timeout_ms, NULL);
    }
  return 0;
}

int
http_perform (struct http_client *c, struct http_request *req, struct oci_error *err)
{
  struct http_engine *e = NULL;
  http_done_fn done = req->done;
  int r;

  r = http_engine_new (c, &e, err);
  if (r < 0)
    return r;
  req->done = NULL;
  r = http_engine_submit (e, req, err);
  if (r == 0)
    r = http_engine_run (e, err);
  http_engine_free (e);
  req->done = done;
  if (r < 0)
    return r;
  if (req->sink_failed || req->curl_code != CURLE_OK)
    return http_request_error (req, err);
  return 0;
}
