/* HTTP over libcurl: requests run by an engine (one curl multi handle),
 * so that many blob transfers proceed at once in one thread.
 *
 * A request is retried by the engine on a broken connection, 429 (after
 * its Retry-After), 500, 502, 503 and 504, with exponential backoff;
 * a download whose connection broke resumes with a Range request when
 * its sink allows it.  On 401 the request's auth hook may obtain new
 * credentials, and the request is sent again.  Redirects are followed;
 * libcurl does not send our Authorization header to another host.
 *
 * The caller owns requests; the engine only points at them while they
 * run. */
#ifndef REGCTL_HTTP_H
#define REGCTL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/error.h"

struct http_client;
struct http_engine;
struct http_request;

/* Largest response kept in memory unless a request says otherwise. */
#define HTTP_DEFAULT_MAX_BODY (4u * 1024 * 1024)
/* Error bodies are kept up to this size, for their message. */
#define HTTP_ERROR_BODY_MAX (64u * 1024)

struct http_tls {
  bool verify;              /* verify the peer's certificate and name */
  char *ca_file;            /* extra CA bundle (certs.d ca.crt) */
  char *ca_dir;             /* directory of CA certificates */
  char *client_cert;
  char *client_key;
};

struct http_client_opts {
  int max_attempts;         /* attempts per request (>= 1) */
  int verbose;
  const char *user_agent;
  double max_retry_wait;    /* seconds; a longer Retry-After is capped */
  double backoff_base;      /* seconds of the first backoff */
};

int http_client_new (const struct http_client_opts *opts, struct http_client **ret, struct oci_error *err);
void http_client_free (struct http_client *c);

/* Sinks receive the body of a 2xx response.  They return 0, HTTP_SINK_PAUSE
 * when they cannot take the data now (the same bytes come again after
 * http_engine_unpause), or a negative value after filling err. */
#define HTTP_SINK_PAUSE 1
typedef int (*http_sink_fn) (void *ctx, const char *buf, size_t len, struct oci_error *err);
/* Sources fill buf with up to len bytes and return how many (0 at the
 * end), HTTP_SOURCE_PAUSE to wait for http_engine_unpause, or negative. */
#define HTTP_SOURCE_PAUSE (-1000000)
typedef ssize_t (*http_source_fn) (void *ctx, char *buf, size_t len, struct oci_error *err);
/* Starts the source over, for a retry; negative when it cannot. */
typedef int (*http_rewind_fn) (void *ctx, struct oci_error *err);

/* Auth hooks (auth.c): the Authorization value to send (NULL for none),
 * and what to do on 401: 1 to try again with new credentials, 0 to give
 * up (the 401 stands), negative on an error. */
struct http_auth_hooks {
  int (*authorization) (void *ctx, struct http_request *req, char **ret_value, struct oci_error *err);
  int (*challenge) (void *ctx, struct http_request *req, struct oci_error *err);
};

/* Called when a request is finished for good (success, HTTP error or
 * transport failure: see req->curl_code, req->status); a negative return
 * aborts the whole engine run with err. */
typedef int (*http_done_fn) (struct http_engine *e, struct http_request *req, void *ctx, struct oci_error *err);

struct http_header {
  char *name;   /* lowercase */
  char *value;
};

struct http_request {
  /* ---- set by the caller ---- */
  const char *method;           /* GET, HEAD, PUT, POST, PATCH, DELETE */
  char *url;                    /* owned */
  char **headers;               /* owned, NULL-terminated "Name: value" lines */
  size_t headers_len;
  const struct http_tls *tls;   /* NULL: verify with the system CAs */

  /* Request body: memory, a region of a file, or a source callback. */
  const char *body;
  size_t body_len;
  int body_fd;                  /* -1 when not a file */
  uint64_t body_offset;
  int64_t body_size;            /* size of fd region or source; -1 unknown */
  http_source_fn source;
  http_rewind_fn source_rewind;
  void *source_ctx;

  /* Response body: a sink, or memory up to max_body (0: the default). */
  http_sink_fn sink;
  void *sink_ctx;
  bool resumable;               /* the sink may continue after a Range retry */
  size_t max_body;
  int max_attempts;             /* 0: the client's */
  bool no_retry_connect;        /* fail at once when the connection cannot be made */
  bool follow_redirects;        /* default true via http_request_new */

  const struct http_auth_hooks *auth;
  void *auth_ctx;
  char *scope;                  /* owned; for the auth hooks */

  http_done_fn done;
  void *done_ctx;
  /* Called after body bytes moved either way (progress display). */
  void (*progress) (void *ctx, const struct http_request *req);
  void *progress_ctx;
  const char *what;             /* "GET manifest x" for errors (optional) */

  /* ---- results ---- */
  long status;
  int curl_code;                /* CURLcode of the last attempt, 0 when fine */
  char curl_error[256];
  char *resp_body;              /* memory sink or error body, NUL-terminated */
  size_t resp_len;
  struct http_header *resp_headers;
  size_t resp_headers_len;
  char *effective_url;          /* after redirects */
  struct oci_error sink_error;  /* the sink's or source's failure */
  bool sink_failed;
  uint64_t delivered;           /* body bytes handed to the sink */
  uint64_t sent;                /* body bytes read from the source */
  int attempts;

  /* ---- engine internals ---- */
  void *easy;
  void *curl_headers;
  struct http_engine *engine;
  double not_before;
  uint64_t skip;                /* bytes of a 200 to drop after a failed Range */
  uint64_t range_start;
  bool in_error_body;
  bool paused;
  _Atomic bool wake;            /* http_engine_wake, from another thread */
  bool active;
  bool queued;
  int auth_rounds;
  struct http_request *next;    /* engine queues */
};

/* A request with defaults (follow redirects, no body); url is copied. */
int http_request_new (const char *method, const char *url, struct http_request **ret, struct oci_error *err);
void http_request_free (struct http_request *req);
static inline void
http_request_freep (struct http_request **r)
{
  http_request_free (*r);
}
#define cleanup_http_request __attribute__ ((cleanup (http_request_freep)))

int http_request_add_header (struct http_request *req, struct oci_error *err, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
/* Replaces the URL (copied). */
int http_request_set_url (struct http_request *req, const char *url, struct oci_error *err);
/* Clears the results, for sending the same request again. */
void http_request_reset (struct http_request *req);

/* A response header (name case-insensitive), NULL when absent. */
const char *http_response_header (const struct http_request *req, const char *name);
/* The error of a finished request that did not succeed: a transport
 * failure, the sink's error, or "METHOD URL: 404 Not Found: CODE: message"
 * with the registry's error body.  404 maps to ENOENT, 401/403 to EACCES. */
int http_request_error (const struct http_request *req, struct oci_error *err);
bool http_request_ok (const struct http_request *req);  /* 2xx, no failure */

int http_engine_new (struct http_client *c, struct http_engine **ret, struct oci_error *err);
void http_engine_free (struct http_engine *e);
/* Queues a request (started at once when the engine runs). */
int http_engine_submit (struct http_engine *e, struct http_request *req, struct oci_error *err);
/* Removes a request that has not finished; its done hook is not called. */
void http_engine_cancel (struct http_engine *e, struct http_request *req);
/* Resumes a request whose sink or source returned PAUSE. */
void http_engine_unpause (struct http_engine *e, struct http_request *req);
/* The same from any thread: the engine's loop, woken, resumes req if it is
 * still paused.  A request's owner must not free it while this may run. */
void http_engine_wake (struct http_engine *e, struct http_request *req);
/* Runs until no request is left or a done hook fails. */
int http_engine_run (struct http_engine *e, struct oci_error *err);
struct http_client *http_engine_client (struct http_engine *e);

/* One request, run to completion on its own engine.  Returns 0 when the
 * exchange happened (whatever the status), negative on a transport or
 * sink failure. */
int http_perform (struct http_client *c, struct http_request *req, struct oci_error *err);

/* Resolves a Location header (absolute or relative) against a request's
 * effective URL.  New string. */
int http_resolve_url (const char *base, const char *ref, char **ret, struct oci_error *err);
/* Appends "name=value" (value URL-encoded) to the URL's query. */
int http_url_append_query (const char *url, const char *name, const char *value, char **ret, struct oci_error *err);
/* Percent-encodes a query value.  New string or NULL. */
char *http_escape (const char *s);

#endif
