/* What http.c and http-engine.c share. */
#ifndef REGCTL_HTTP_INTERNAL_H
#define REGCTL_HTTP_INTERNAL_H

#include <curl/curl.h>

#include "http.h"

struct http_client {
  CURLSH *share;
  struct http_client_opts opts;
  char *user_agent;
};

struct http_engine {
  struct http_client *client;
  CURLM *multi;
  struct http_request *waiting;   /* not started yet, or waiting to retry */
  struct http_request **active;
  size_t active_len;
  size_t active_cap;
};

/* Drops the response headers a request holds. */
void http_clear_response_headers (struct http_request *req);
/* Frees the request's easy handle and header list. */
void http_release_easy (struct http_request *req);
/* CURLOPT_OPENSOCKETFUNCTION (http-socket.c): close-on-exec sockets, and
 * no pacing on loopback connections. */
curl_socket_t http_open_socket (void *ctx, curlsocktype purpose, struct curl_sockaddr *address);

#endif
